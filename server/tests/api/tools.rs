//! The JSON tool API an assistant calls for a person: personal access tokens (made, used,
//! revoked, expired, taken away with the membership, scoped), every read tool against the
//! simulator with the person's own Salesforce authority, result budgets with sealed cursors,
//! problem details, and the audit trail.

use domain::tokens::{self, NewToken};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN, WWW_AUTHENTICATE};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::changes::actor;
use crate::helpers::*;
use crate::sim::*;

pub const TOOLS: &str = "/api/v1/salesforce/tools";

/// A token for `email` in Acme with `scopes`, living `days`.
pub async fn token(w: &World, email: &str, scopes: &[&str], days: i64) -> (i64, SecretString) {
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    let new = NewToken::parse("Sofie chat", &scopes, days).unwrap();
    let (info, secret) = tokens::create(&w.app.db, &actor(w, email).await, new)
        .await
        .unwrap();
    (info.id, secret)
}

/// Calls tool `name` with `args` as the bearer of `token`; the status and the JSON body.
pub async fn call_tool(w: &World, token: &SecretString, name: &str, args: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(w.app.url(&format!("{TOOLS}/{name}")))
        .header(AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
        .json(&args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status >= 400 {
        let kind = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(kind, "application/problem+json", "{name}: a problem");
    }
    (status, response.json().await.unwrap())
}

/// `result` has every key its tool's output schema requires, and no key it does not name.
pub fn fits_schema(listed: &Value, tool: &str, result: &Value) {
    let schema = &listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == tool)
        .unwrap()["outputSchema"];
    let properties = schema["properties"].as_object().unwrap();
    for key in result.as_object().unwrap().keys() {
        assert!(
            properties.contains_key(key),
            "{tool}: {key} is not in its output schema"
        );
    }
    for key in schema["required"].as_array().unwrap() {
        assert!(
            result.get(key.as_str().unwrap()).is_some(),
            "{tool}: {key} missing"
        );
    }
}

/// `GET /api/v1/salesforce/tools` as the bearer of `token`.
pub async fn listing_response(w: &World, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(w.app.url(TOOLS))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

pub async fn listing(w: &World, token: &SecretString) -> Value {
    listing_response(w, token.expose_secret())
        .await
        .json()
        .await
        .unwrap()
}

pub async fn connected_token(sw: &SfWorld, sf_user: (&str, &str)) -> SecretString {
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, sf_user).await;
    token(w, "mia@acme.example", &["salesforce:read"], 30)
        .await
        .1
}

#[tokio::test]
async fn the_tools_are_listed_with_strict_schemas_and_read_only_annotations() {
    let sw = sf_world().await;
    let t = connected_token(&sw, STANDARD).await;
    let listed = listing(&sw.w, &t).await;
    let names: Vec<&str> = listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "list_objects",
            "describe_object",
            "search",
            "query",
            "get_record",
            "get_related_records",
            "api_usage",
            "propose_create",
            "propose_update",
            "propose_upsert",
            "propose_delete",
            "get_proposal",
        ]
    );
    for tool in listed["tools"].as_array().unwrap() {
        for schema in [&tool["inputSchema"], &tool["outputSchema"]] {
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert_eq!(schema["additionalProperties"], false, "{}", tool["name"]);
        }
        let proposes = tool["name"].as_str().unwrap().starts_with("propose_");
        assert_eq!(tool["annotations"]["readOnlyHint"], !proposes);
        assert_eq!(
            tool["annotations"]["destructiveHint"], false,
            "nothing is applied"
        );
        assert!(tool["description"].as_str().unwrap().len() > 80);
    }
}

#[tokio::test]
async fn each_read_tool_answers_with_the_persons_own_salesforce_authority() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, STANDARD).await;
    let listed = listing(w, &t).await;

    let (status, objects) = call_tool(w, &t, "list_objects", json!({ "filter": "acc" })).await;
    assert_eq!(status, 200, "{objects}");
    fits_schema(&listed, "list_objects", &objects);
    assert!(
        objects["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "Account")
    );
    assert!(
        objects["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "Order" || o["queryable"] == false)
    );

    let (status, account) =
        call_tool(w, &t, "describe_object", json!({ "object": "Account" })).await;
    assert_eq!(status, 200, "{account}");
    fits_schema(&listed, "describe_object", &account);
    assert!(
        account["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "Name")
    );
    assert!(
        !account.to_string().contains("AnnualRevenue"),
        "hidden by FLS"
    );

    let (status, rows) = call_tool(
        w,
        &t,
        "query",
        json!({ "soql": "SELECT Id, Name FROM Account" }),
    )
    .await;
    assert_eq!(status, 200, "{rows}");
    fits_schema(&listed, "query", &rows);
    assert_eq!(rows["limit_note"], "LIMIT 10000 was added.");
    let first = &rows["records"][0];
    let id = first["Id"].as_str().unwrap().to_owned();

    let (status, record) = call_tool(
        w,
        &t,
        "get_record",
        json!({ "object": "Account", "id": id }),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    fits_schema(&listed, "get_record", &record);
    assert_eq!(record["id"], id);
    assert_eq!(record["name"], first["Name"]);
    assert!(
        record["salesforce_url"]
            .as_str()
            .unwrap()
            .starts_with("http")
    );
    assert!(!record.to_string().contains("AnnualRevenue"));

    let (status, narrow) = call_tool(
        w,
        &t,
        "get_record",
        json!({ "object": "Account", "id": id, "fields": ["Name"] }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        narrow["fields"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["Name"]
    );

    let (status, found) = call_tool(
        w,
        &t,
        "search",
        json!({ "term": "Globex", "objects": ["Account"], "fields": ["AnnualRevenue"] }),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    fits_schema(&listed, "search", &found);
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["name"] == "Globex Corp")
    );
    assert!(!found.to_string().contains("AnnualRevenue"));

    let (status, usage) = call_tool(w, &t, "api_usage", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(usage["known"], true, "{usage}");
    fits_schema(&listed, "api_usage", &usage);
    assert!(usage["allowed"].as_u64().unwrap() > 0);

    let (status, hidden) = call_tool(
        w,
        &t,
        "query",
        json!({ "soql": "SELECT Id, AnnualRevenue FROM Account" }),
    )
    .await;
    assert_eq!(status, 403, "{hidden}");
    assert!(
        hidden["detail"]
            .as_str()
            .unwrap()
            .contains("not visible to your Salesforce user")
    );

    let (status, refused) =
        call_tool(w, &t, "query", json!({ "soql": "DELETE FROM Account" })).await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["detail"].as_str().unwrap().contains("at character"),
        "{refused}"
    );

    let (status, wrong) = call_tool(w, &t, "describe_object", json!({ "objekt": "Account" })).await;
    assert_eq!(status, 400);
    assert!(
        wrong["detail"].as_str().unwrap().contains("objekt"),
        "{wrong}"
    );

    let (status, unknown) =
        call_tool(w, &t, "describe_object", json!({ "object": "Acount" })).await;
    assert_eq!(status, 404);
    assert!(
        unknown["detail"].as_str().unwrap().contains("Account"),
        "close match: {unknown}"
    );

    let (status, _) = call_tool(w, &t, "approve", json!({})).await;
    assert_eq!(status, 404, "there is no approve tool");

    // Each call is audited with its tool and outcome, never a field value or the token.
    let audit = audit_text(w).await;
    assert!(audit.contains("salesforce_tool_called"));
    assert!(audit.contains("\"outcome\":\"ok\"") && audit.contains("\"outcome\":\"salesforce\""));
    assert!(
        !audit.contains("Globex Corp"),
        "no record values in the audit trail"
    );
    assert!(!audit.contains(t.expose_secret()));
}

async fn audit_text(w: &World) -> String {
    use domain::entities::audit_event;
    use sea_orm::EntityTrait;
    audit_event::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}\n",
                e.action,
                e.target.clone().unwrap_or_default(),
                e.details
            )
        })
        .collect()
}

#[tokio::test]
async fn a_long_result_is_cut_to_its_budget_and_continued_by_a_sealed_cursor() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, ADMIN).await;
    let soql = "SELECT Id, Name FROM Opportunity";
    let (_, whole) = call_tool(
        w,
        &t,
        "query",
        json!({ "soql": soql, "budget_bytes": 262144 }),
    )
    .await;
    let all: Vec<Value> = whole["records"].as_array().unwrap().clone();
    assert!(all.len() >= 80, "{}", all.len());
    assert!(whole["cursor"].is_null());

    let mut seen = Vec::new();
    let (status, mut page) = call_tool(
        w,
        &t,
        "query",
        json!({ "soql": soql, "budget_bytes": 1024 }),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    loop {
        let records = page["records"].as_array().unwrap();
        assert!(!records.is_empty());
        assert!(
            serde_json::to_vec(&page).unwrap().len() <= 1024 + 512,
            "near its budget"
        );
        seen.extend(records.iter().cloned());
        let Some(cursor) = page["cursor"].as_str().map(str::to_owned) else {
            break;
        };
        assert!(!cursor.contains("SELECT"), "the position is sealed");
        let (status, next) = call_tool(
            w,
            &t,
            "query",
            json!({ "cursor": cursor, "budget_bytes": 1024 }),
        )
        .await;
        assert_eq!(status, 200, "{next}");
        page = next;
    }
    assert_eq!(seen, all, "every row once, in order");

    // Another person's cursor does not open.
    let (_, first) = call_tool(
        w,
        &t,
        "query",
        json!({ "soql": soql, "budget_bytes": 1024 }),
    )
    .await;
    let cursor = first["cursor"].as_str().unwrap();
    let lead = signed_in(w, "lead@acme.example").await;
    connect(w, &lead, ADMIN).await;
    let (_, other) = token(w, "lead@acme.example", &["salesforce:read"], 1).await;
    let (status, refused) = call_tool(w, &other, "query", json!({ "cursor": cursor })).await;
    assert_eq!(status, 400);
    assert!(
        refused["detail"].as_str().unwrap().contains("cursor"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_token_stops_working_when_revoked_expired_or_its_owner_leaves() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    let usage = |t: SecretString| async move { call_tool(w, &t, "api_usage", json!({})).await };

    let (id, t) = token(w, "mia@acme.example", &["salesforce:read"], 30).await;
    assert_eq!(usage(t.clone()).await.0, 200);
    assert!(!captured_logs().contains(t.expose_secret()), "never logged");
    let revoked = tokens::revoke(&w.app.db, &actor(w, "mia@acme.example").await, id)
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    let (status, problem) = usage(t).await;
    assert_eq!(status, 401);
    assert_eq!(
        problem["type"],
        "https://sofie.dev/problems/unauthenticated"
    );

    let (id, t) = token(w, "mia@acme.example", &["salesforce:read"], 30).await;
    expire(w, id).await;
    assert_eq!(usage(t).await.0, 401, "expired");

    let (_, t) = token(w, "mia@acme.example", &["salesforce:read"], 30).await;
    let forged = SecretString::from(format!("{}x", t.expose_secret()));
    assert_eq!(usage(forged).await.0, 401, "a changed token is unknown");

    let (_, t) = token(w, "mia@acme.example", &["salesforce:propose"], 30).await;
    let (status, problem) = usage(t).await;
    assert_eq!(status, 403);
    assert_eq!(problem["required_scope"], "salesforce:read", "{problem}");

    let (_, t) = token(w, "mia@acme.example", &["salesforce:read"], 30).await;
    let user = crate::changes::user_of(w, "mia@acme.example").await;
    domain::offboarding::remove_member(&w.app.db, &w.acme, &user)
        .await
        .unwrap();
    assert_eq!(usage(t).await.0, 401, "removed from the organization");

    // Only the owner and their org admins may revoke; another organization's token is not found.
    let (id, _) = token(w, "lead@acme.example", &["salesforce:read"], 30).await;
    let admin = actor(w, "admin@acme.example").await;
    assert!(
        tokens::list_org(&w.app.db, &admin)
            .await
            .unwrap()
            .iter()
            .any(|t| t.token.id == id && t.owner == "lead@acme.example")
    );
    let globex = crate::changes::actor_in(w, "boss@globex.example", "globex").await;
    assert!(matches!(
        tokens::revoke(&w.app.db, &globex, id).await,
        Err(domain::DomainError::NotFound(_))
    ));
    tokens::revoke(&w.app.db, &admin, id).await.unwrap();
}

async fn expire(w: &World, id: i64) {
    use domain::entities::access_token;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let row = access_token::Entity::find_by_id(id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: access_token::ActiveModel = row.into();
    row.expires_at = Set(time::OffsetDateTime::now_utc() - time::Duration::seconds(1));
    row.update(&w.app.db).await.unwrap();
}

#[tokio::test]
async fn without_a_token_the_signed_in_person_calls_same_origin_only() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    let path = w.app.url(&format!("{TOOLS}/list_objects?org=acme"));

    let unconnected = mia
        .post(&path)
        .header(ORIGIN, &w.app.address)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(unconnected.status(), 409);
    let problem: Value = unconnected.json().await.unwrap();
    assert_eq!(
        problem["my_integrations"], "/o/acme/integrations",
        "{problem}"
    );

    connect(w, &mia, STANDARD).await;
    let same = mia
        .post(&path)
        .header(ORIGIN, &w.app.address)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
    let cross = mia
        .post(&path)
        .header(ORIGIN, "https://evil.example")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cross.status(),
        403,
        "a cross-site POST with the session cookie"
    );

    let anonymous = reqwest::Client::new()
        .post(&path)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
}

#[tokio::test]
async fn an_operator_makes_a_token_from_the_command_line_and_it_is_shown_once() {
    let database_url = fresh_database_url().await;
    let keys = domain::vault::Vault::generate_key_ring();
    let sw = sf_world_on(&database_url, &keys).await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    let sofie = crate::cli::Sofie::on(&database_url, &keys);

    let made = sofie.run(
        &[
            "admin",
            "token",
            "acme",
            "mia@acme.example",
            "--name",
            "Workflow",
            "--days",
            "7",
        ],
        None,
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = String::from_utf8(made.stdout).unwrap();
    let token = out.lines().last().unwrap().trim().to_owned();
    assert!(
        token.starts_with("sofie_pat_") && token.len() == 53,
        "{out}"
    );
    let (status, _) = call_tool(w, &SecretString::from(token), "list_objects", json!({})).await;
    assert_eq!(status, 200);

    let refused = sofie.run(
        &[
            "admin",
            "token",
            "acme",
            "mia@acme.example",
            "--name",
            "x",
            "--days",
            "91",
        ],
        None,
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("1 to 90 days"));
}

#[tokio::test]
async fn an_accounts_open_cases_come_through_its_child_relationship() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, ADMIN).await;
    let cases = crate::changes::sim_records(&sw.sim, "Case").await;
    let id = cases
        .iter()
        .find(|c| c["IsClosed"] == false && c["AccountId"].is_string())
        .expect("an open case")["AccountId"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = id.as_str();
    let of_account = |closed: bool| {
        let mut ids: Vec<String> = cases
            .iter()
            .filter(|c| c["AccountId"] == id && c["IsClosed"] == closed)
            .map(|c| c["Id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let listed = listing(w, &t).await;
    for closed in [false, true] {
        let args = json!({
            "object": "Account", "id": id, "relationship": "cases",
            "fields": ["Id", "Subject", "IsClosed"], "filter": format!("IsClosed = {closed}"),
        });
        let (status, related) = call_tool(w, &t, "get_related_records", args).await;
        assert_eq!(status, 200, "{related}");
        fits_schema(&listed, "get_related_records", &related);
        let mut got: Vec<String> = related["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["Id"].as_str().unwrap().to_owned())
            .collect();
        got.sort();
        assert_eq!(got, of_account(closed), "closed = {closed}");
    }
    assert!(!of_account(false).is_empty());

    let (status, unknown) = call_tool(
        w,
        &t,
        "get_related_records",
        json!({ "object": "Account", "id": id, "relationship": "Casez" }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        unknown["detail"].as_str().unwrap().contains("Cases"),
        "{unknown}"
    );
    let (status, _) = call_tool(
        w,
        &t,
        "get_related_records",
        json!({ "object": "Account", "id": id, "relationship": "Cases", "filter": "Id != null) OR (Id != null" }),
    )
    .await;
    assert_ne!(
        status, 200,
        "a filter cannot escape its parentheses unnoticed"
    );
}
