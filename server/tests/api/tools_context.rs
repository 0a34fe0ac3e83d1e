//! `POST /api/v1/salesforce/context`: a bundle of records for a chat or a workflow handoff, from
//! the person's own connection, as JSON and as Markdown, inside its byte budget.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::sim::*;
use crate::tools::{call_tool, connected_token, token};

const CONTEXT: &str = "/api/v1/salesforce/context";

async fn bundle(w: &World, t: &SecretString, body: Value, accept: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(w.app.url(CONTEXT))
        .header(AUTHORIZATION, format!("Bearer {}", t.expose_secret()))
        .header(ACCEPT, accept)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn account_ids(w: &World, t: &SecretString, n: usize) -> Vec<String> {
    let (_, rows) = call_tool(
        w,
        t,
        "query",
        json!({ "soql": format!("SELECT Id FROM Account ORDER BY Name LIMIT {n}") }),
    )
    .await;
    rows["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_bundle_holds_the_visible_fields_links_and_identity_as_json_and_markdown() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, STANDARD).await;
    let ids = account_ids(w, &t, 2).await;
    let gone = "001000000000000AAA";
    let asked = json!({ "records": [
        { "object": "Account", "id": ids[0] },
        { "object": "Account", "id": ids[1] },
        { "object": "Account", "id": gone },
    ] });

    let response = bundle(w, &t, asked.clone(), "application/json").await;
    assert_eq!(response.status(), 200);
    let b: Value = response.json().await.unwrap();
    assert_eq!(b["connection"]["username"], STANDARD.0);
    let records = b["records"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{b}");
    assert_eq!(records[0]["object_label"], "Account");
    assert_eq!(records[0]["id"], ids[0]);
    assert!(records[0]["fields"]["Name"]["value"].is_string());
    assert!(
        records[0]["salesforce_url"]
            .as_str()
            .unwrap()
            .starts_with("http")
    );
    assert_eq!(
        records[0]["sofie_url"],
        format!(
            "{}/o/acme/salesforce/records/Account/{}",
            w.app.address, ids[0]
        )
    );
    assert_eq!(
        b["unreadable"],
        json!([{ "object": "Account", "id": gone, "reason": "not_found" }])
    );
    assert!(
        !b.to_string().contains("AnnualRevenue"),
        "hidden by field-level security"
    );
    let markdown = b["markdown"].as_str().unwrap();
    assert!(markdown.starts_with("# Salesforce context"));
    assert!(markdown.contains(&format!("## Account {}", ids[0])));
    assert!(markdown.contains("1 record(s) could not be read"));

    let response = bundle(w, &t, asked, "text/markdown").await;
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    assert_eq!(
        response.text().await.unwrap(),
        markdown,
        "the same Markdown alone"
    );

    // A query picks the records; a small budget keeps what fits and names the rest.
    let by_query: Value = bundle(
        w,
        &t,
        json!({ "query": "SELECT Id FROM Account LIMIT 3" }),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        by_query["records"].as_array().unwrap().len(),
        3,
        "{by_query}"
    );
    let small: Value = bundle(
        w,
        &t,
        json!({ "query": "SELECT Id FROM Account LIMIT 5", "budget_bytes": 2048 }),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(small["truncated"], true, "{small}");
    assert!(!small["omitted"].as_array().unwrap().is_empty());
    assert!(
        small.to_string().len() <= 2048 + 512,
        "{} bytes",
        small.to_string().len()
    );

    // Bad requests say what to send.
    for body in [
        json!({}),
        json!({ "records": [], }),
        json!({ "records": [{ "object": "Account", "id": ids[0] }], "query": "SELECT Id FROM Account" }),
        json!({ "query": "SELECT Name FROM Account" }),
    ] {
        let response = bundle(w, &t, body.clone(), "application/json").await;
        assert_eq!(response.status(), 400, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["type"], "https://sofie.dev/problems/invalid_input");
    }
}

#[tokio::test]
async fn an_admin_salesforce_user_gets_the_fields_a_standard_user_cannot_see() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, ADMIN).await;
    let ids = account_ids(w, &t, 1).await;
    let b: Value = bundle(
        w,
        &t,
        json!({ "records": [{ "object": "Account", "id": ids[0] }] }),
        "application/json",
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        b["records"][0]["fields"]["AnnualRevenue"]["value"].is_string(),
        "{b}"
    );
}

#[tokio::test]
async fn a_bundle_needs_the_read_scope_and_a_connection() {
    let sw = sf_world().await;
    let w = &sw.w;
    let (_, propose_only) = token(w, "mia@acme.example", &["salesforce:propose"], 30).await;
    let response = bundle(
        w,
        &propose_only,
        json!({ "query": "SELECT Id FROM Account" }),
        "application/json",
    )
    .await;
    assert_eq!(response.status(), 403);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["required_scope"], "salesforce:read");

    let (_, read) = token(w, "mia@acme.example", &["salesforce:read"], 30).await;
    let response = bundle(
        w,
        &read,
        json!({ "query": "SELECT Id FROM Account" }),
        "application/json",
    )
    .await;
    assert_eq!(response.status(), 409, "not connected yet");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["my_integrations"], "/o/acme/integrations");
}
