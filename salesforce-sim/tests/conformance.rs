//! For every real payload in `shared/salesforce/fixtures/{rest,oauth,errors}`, the simulator's
//! answer to the equivalent request has the same shape (see `common/shape.rs`). Departures are
//! listed per fixture with their reason; fixtures without a simulated endpoint are listed in
//! `SKIPPED`, and a fixture in neither list fails the test.

mod common;

use std::path::PathBuf;

use common::shape::{Rules, compare, keep_common_keys, rename};
use common::*;
use reqwest::{Method, StatusCode};
use salesforce_sim::RunningSim;
use serde_json::{Value, json};

/// Every fixture has a simulated endpoint today; a new fixture without one goes here with its
/// reason.
const SKIPPED: [(&str, &str); 0] = [];

const OLD_API: &str =
    "fixture recorded with an API version that lacked keys the simulator (v67.0) sends";

fn fixtures() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/salesforce/fixtures");
    assert!(
        dir.is_dir(),
        "the real Salesforce fixtures must be at {} (repo at X/main, shared at X/shared)",
        dir.display()
    );
    dir
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name))
        .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"))
}

fn fixture_names() -> Vec<String> {
    let mut names = Vec::new();
    for dir in ["rest", "oauth", "errors"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).expect("fixture folder") {
            names.push(format!(
                "{dir}/{}",
                entry.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    names.sort();
    names
}

struct Env {
    sim: RunningSim,
    admin: Value,
}

fn q(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn get(env: &Env, path: &str) -> Value {
    let (status, _, body) = api_get(&env.admin, path).await;
    assert!(
        status.is_success() || status.is_client_error(),
        "{path}: {status}"
    );
    body
}

async fn query(env: &Env, soql: &str) -> Value {
    let (status, body) = common::soql(&env.admin, soql).await;
    assert_eq!(status, StatusCode::OK, "{soql}: {body}");
    body
}

async fn first_id(env: &Env, object: &str) -> String {
    query(env, &format!("SELECT Id FROM {object} LIMIT 1")).await["records"][0]["Id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The simulator's answer to the request the fixture recorded, the fixture (possibly adapted),
/// and the rules for comparing them.
async fn case(env: &Env, name: &str) -> (Value, Value, Rules) {
    let mut real = load(name);
    let mut rules = Rules::default();
    let login = env.sim.urls.login_production.clone();
    let sim = match name {
        "rest/create_record_201.cumulusci.json" | "rest/create_success_201.restforce.json" => {
            send(&env.admin, Method::POST, "/services/data/v67.0/sobjects/Account", json!({"Name": "Conformance"})).await.1
        }
        "rest/upsert_created_201.restforce.json" => {
            send(&env.admin, Method::PATCH, "/services/data/v45.0/sobjects/Account/External_Id__c/CONF-1", json!({"Name": "Up"})).await.1
        }
        "rest/describe_account.cumulusci.json" => {
            rules.allowed = vec![
                ("$.associateEntityType", OLD_API),
                ("$.associateParentEntity", OLD_API),
                ("$.sobjectDescribeOption", OLD_API),
            ];
            get(env, "/services/data/v67.0/sobjects/Account/describe").await
        }
        "rest/describe_contact.cumulusci.json" => get(env, "/services/data/v67.0/sobjects/Contact/describe").await,
        "rest/describe_custom_object.cumulusci.json" => {
            rules.allowed = vec![("$.urls", "the fixture's Custom__c is a custom setting, which has no urls; a custom object has them")];
            get(env, "/services/data/v67.0/sobjects/Quality_Issue__c/describe").await
        }
        "rest/describe_sobject_whizbang.restforce.json" => {
            rules.extra_ok = Some(OLD_API);
            get(env, "/services/data/v67.0/sobjects/Quality_Issue__c/describe").await
        }
        "rest/get_deleted.restforce.json" | "rest/get_updated.restforce.json" => {
            let (_, created) = send(&env.admin, Method::POST, "/services/data/v67.0/sobjects/Account", json!({"Name": "Gone"})).await;
            let id = created["id"].as_str().unwrap();
            api_send(&env.admin, Method::DELETE, &format!("/services/data/v67.0/sobjects/Account/{id}"), None, &[]).await;
            let kind = if name.contains("deleted") { "deleted" } else { "updated" };
            let window = format!("start={}&end={}", q("2020-01-01T00:00:00+00:00"), q("2100-01-01T00:00:00+00:00"));
            get(env, &format!("/services/data/v67.0/sobjects/Account/{kind}/?{window}")).await
        }
        "rest/describe_global.cumulusci.json" => get(env, "/services/data/v67.0/sobjects").await,
        "rest/composite_response_304_etag.cumulusci.json" => {
            // The recorded request, asking since the describe's own date rather than 2020's.
            let mut request = load("requests/composite_with_if_modified_since.request.cumulusci.json");
            let since = http().get(format!("{}/services/data/v49.0/sobjects", env.sim.urls.instances[0])).bearer_auth(env.admin["access_token"].as_str().unwrap()).send().await.unwrap().headers()["last-modified"].to_str().unwrap().to_string();
            for sub in request["compositeRequest"].as_array_mut().unwrap() {
                sub["httpHeaders"]["If-Modified-Since"] = json!(since);
            }
            send(&env.admin, Method::POST, "/services/data/v67.0/composite", request).await.1
        }
        "rest/composite_response_ok.cumulusci.json" => {
            let sub = |n: usize, field: &str| json!({"method": "GET", "url": format!("/services/data/v67.0/query/?q=SELECT {field} FROM Account WHERE Name = 'Globex Corp'"), "referenceId": format!("CCI__RefId__{n}__")});
            let request = json!({"compositeRequest": [sub(0, "Id"), sub(1, "Name"), sub(2, "Id"), sub(3, "Name")]});
            send(&env.admin, Method::POST, "/services/data/v67.0/composite", request).await.1
        }
        "errors/composite_subrequest_invalid_type_soql.cumulusci.json" => {
            let recorded = serde_json::to_string(&load("requests/composite_query_subrequests.request.cumulusci.json")).unwrap();
            let request: Value = serde_json::from_str(&recorded.replace("vxx.0", "v67.0")).unwrap();
            send(&env.admin, Method::POST, "/services/data/v67.0/composite", request).await.1
        }
        "errors/composite_subrequest_not_found.cumulusci.json" => {
            let request = json!({"compositeRequest": [{"method": "GET", "url": "/services/data/v67.0/sobjects/Account/001000000000000AAA", "referenceId": "CCI__RefId__0__"}]});
            send(&env.admin, Method::POST, "/services/data/v67.0/composite", request).await.1
        }
        "rest/composite_sobjects_create.cumulusci.json" => {
            let records: Vec<Value> = (0..6).map(|n| json!({"attributes": {"type": "Account"}, "Name": format!("Collection {n}")})).collect();
            send(&env.admin, Method::POST, "/services/data/v67.0/composite/sobjects", json!({"allOrNone": false, "records": records})).await.1
        }
        "rest/composite_sobjects_upsert_created.cumulusci.json" | "rest/composite_sobjects_upsert_mixed.cumulusci.json" => {
            let mut request = load("requests/composite_sobjects_upsert_by_email.request.cumulusci.json");
            let tag = if name.contains("mixed") { "mixed" } else { "created" };
            for record in request["records"].as_array_mut().unwrap() {
                record["Email"] = json!(format!("{tag}.{}", record["Email"].as_str().unwrap()));
            }
            let path = "/services/data/v67.0/composite/sobjects/Contact/Email";
            let first = send(&env.admin, Method::PATCH, path, request.clone()).await.1;
            if tag == "created" {
                first
            } else {
                request["records"].as_array_mut().unwrap().push(json!({"attributes": {"type": "Contact"}, "LastName": "Funke", "Email": "mixed.maeby@example.com"}));
                send(&env.admin, Method::PATCH, path, request).await.1
            }
        }
        "rest/limits.simple-salesforce.json" => get(env, "/services/data/v67.0/limits").await,
        "rest/limits_recordcount.cumulusci.json" => get(env, "/services/data/v67.0/limits/recordCount?sObjects=Account").await,
        "rest/versions_list.appexchange_trimmed.json" => get(env, "/services/data/").await,
        "rest/query_accounts_v62.cumulusci.json" => query(env, "SELECT Id, Name, Description, Phone, AccountNumber FROM Account").await,
        "rest/query_accounts_all_null_fields.cumulusci.json" => {
            // The simulated Account defines a subset of the 42 standard fields this query names.
            let describe = get(env, "/services/data/v67.0/sobjects/Account/describe").await;
            let known: Vec<String> = describe["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_string()).collect();
            let mut fields: Vec<String> = real["records"][0].as_object().unwrap().keys().filter(|k| known.contains(k)).cloned().collect();
            assert!(fields.len() >= 10, "too few common fields to compare: {fields:?}");
            for record in real["records"].as_array_mut().unwrap() {
                record.as_object_mut().unwrap().retain(|k, _| k == "attributes" || fields.contains(k));
            }
            fields.retain(|f| f != "Id");
            query(env, &format!("SELECT Id, {} FROM Account", fields.join(", "))).await
        }
        "rest/query_aggregate_count.cumulusci.json" => query(env, "select count(Id) from Account").await,
        "rest/query_aggregate_groupby.restforce.json" => {
            rename(&mut real, "$.records[].CampaignId", "Industry");
            query(env, "SELECT Industry, SUM(AnnualRevenue) FROM Account GROUP BY Industry").await
        }
        "rest/query_empty.cumulusci.json" => query(env, "SELECT Id FROM Account WHERE Name = 'no such account'").await,
        "rest/query_paginated_first_page.restforce.json" | "rest/query_paginated_last_page.restforce.json" => {
            rename(&mut real, "$.records[].Text_Label", "Name");
            control(&login, Method::POST, "/__sim/settings", Some(json!({"query_batch_size": 30}))).await;
            let first = query(env, "SELECT Name FROM Account").await;
            control(&login, Method::POST, "/__sim/settings", Some(json!({"query_batch_size": 2000}))).await;
            if name.contains("first") { first } else { get(env, first["nextRecordsUrl"].as_str().unwrap()).await }
        }
        "rest/query_parent_and_child_relationships.restforce.json" => {
            for (from, to) in [
                ("$.records[].Checkbox_Label", "IsDeleted"),
                ("$.records[].Text_Label", "LastName"),
                ("$.records[].Date_Label", "Birthdate"),
                ("$.records[].DateTime_Label", "CreatedDate"),
                ("$.records[].Picklist_Multiselect_Label", "LeadSource"),
                ("$.records[].ParentWhizbang__r.Text_Label", "Phone"),
                ("$.records[].ParentWhizbang__r", "Account"),
                ("$.records[].Whizbangs__r", "Opportunities"),
            ] {
                rename(&mut real, from, to);
            }
            query(env, "SELECT IsDeleted, LastName, Birthdate, CreatedDate, LeadSource, Account.Name, Account.Phone, \
                        (SELECT Name FROM Opportunities) FROM Contact WHERE Id IN (SELECT ContactId FROM Opportunity)")
                .await
        }
        "rest/query_typeof_polymorphic.cumulusci.json" => {
            query(env, "SELECT Id, TYPEOF Who WHEN Contact THEN LastName, Email END, TYPEOF What WHEN Account THEN Name, \
                        Description, Phone, AccountNumber END, Subject, DurationInMinutes, ActivityDateTime FROM Event")
                .await
        }
        "rest/query_with_child_subquery.cumulusci.json" => query(env, "select FirstName,(select Name from Opportunities) from Contact").await,
        "rest/record_get_custom_object.restforce.json" | "rest/record_get_organization.cumulusci.json" => {
            // Other objects with other fields: compare the envelope and the fields both have.
            let (object, id) = if name.contains("organization") { ("Account", first_id(env, "Account").await) } else { ("Quality_Issue__c", first_id(env, "Quality_Issue__c").await) };
            let mut sim = get(env, &format!("/services/data/v67.0/sobjects/{object}/{id}")).await;
            let common = keep_common_keys(&mut real, &mut sim);
            assert!(common >= 6, "{name}: only {common} keys in common");
            sim
        }
        "rest/record_get_selected_fields.restforce.json" => {
            rename(&mut real, "$.External_Field__c", "External_Id__c");
            let id = first_id(env, "Account").await;
            get(env, &format!("/services/data/v67.0/sobjects/Account/{id}?fields=External_Id__c")).await
        }
        "rest/search_legacy_array_pre_v37.restforce.json" => {
            get(env, &format!("/services/data/v36.0/search?q={}", q("FIND {Globex} RETURNING Quality_Issue__c(Id), Account(Id)"))).await
        }
        "rest/search_searchRecords_v37plus.release-notes.json" => {
            let sosl = "FIND {Berlin} RETURNING Contact(Id, FirstName, LastName), Account(Id, NumberOfEmployees)";
            get(env, &format!("/services/data/v67.0/search?q={}", q(sosl))).await
        }
        "errors/invalid_field_write.restforce.json" => {
            send(&env.admin, Method::POST, "/services/data/v67.0/sobjects/Account", json!({"Name": "X", "foo": 1})).await.1
        }
        "errors/invalid_session_id_401.restforce.json" => {
            let bad = json!({"instance_url": env.sim.urls.instances[0], "access_token": "00D!nope"});
            api_get(&bad, "/services/data/v67.0/limits").await.2
        }
        "errors/malformed_search.restforce.json" => get(env, "/services/data/v67.0/search?q=FIND+Globex").await,
        "errors/not_found_describe_404.restforce.json" => get(env, "/services/data/v67.0/sobjects/Whizbang/describe").await,
        "errors/not_found_external_id_field.restforce.json" => {
            send(&env.admin, Method::PATCH, "/services/data/v67.0/sobjects/Account/Namez/x", json!({})).await.1
        }
        "errors/upsert_300_multiple_choices.restforce.json" => {
            for _ in 0..2 {
                let twin = json!({"LastName": "Twin", "Email": "conformance.twin@example.com"});
                api_send(&env.admin, Method::POST, "/services/data/v67.0/sobjects/Contact", Some(twin), &[("Sforce-Duplicate-Rule-Header", "allowSave=true")]).await;
            }
            let path = "/services/data/v67.0/sobjects/Contact/Email/conformance.twin@example.com";
            let (status, body) = send(&env.admin, Method::PATCH, path, json!({"Title": "x"})).await;
            assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
            body
        }
        "oauth/identity_url_response.doc-example.json" => {
            rules.allowed = vec![
                ("$.urls", "the documentation example trims urls; API-NOTES §2.9 lists the full set"),
            ];
            rules.extra_ok = Some("the documentation example is trimmed; API-NOTES §2.9 lists the keys the simulator adds");
            let response = http().get(env.admin["id"].as_str().unwrap()).bearer_auth(env.admin["access_token"].as_str().unwrap()).send().await.unwrap();
            response.json().await.unwrap()
        }
        "oauth/userinfo_response.django-allauth.json" => {
            rules.allowed = vec![
                ("$.urls", "the fixture template only fills custom_domain; API-NOTES §2.9 lists the full set"),
                ("$.is_salesforce_integration_user", "claim listed in API-NOTES §2.9, absent from the 2017 template"),
            ];
            let response = http().get(format!("{login}/services/oauth2/userinfo")).bearer_auth(env.admin["access_token"].as_str().unwrap()).send().await.unwrap();
            response.json().await.unwrap()
        }
        "oauth/openid_configuration.login.salesforce.com.json" => {
            http().get(format!("{login}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap()
        }
        "oauth/refresh_error_expired_token.restforce.json" => refresh(&login, CLIENT_ID, CLIENT_SECRET, "5Aep861nope").await.1,
        "oauth/token_error_invalid_grant_authentication_failure.restforce.json" => {
            let code = Authorize::new(&login).code(ADMIN).await;
            post_token(&login, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK), ("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)]).await.1
        }
        "oauth/refresh_response.restforce.json" => {
            rules.allowed = vec![
                ("$.scope", "hand-written fixture; modern refresh responses carry scope (API-NOTES §2.6)"),
                ("$.token_type", "hand-written fixture; modern refresh responses carry token_type (API-NOTES §2.6)"),
            ];
            refresh(&login, CLIENT_ID, CLIENT_SECRET, env.admin["refresh_token"].as_str().unwrap()).await.1
        }
        "oauth/token_response_password_flow.restforce.json" => {
            rules.allowed = vec![
                ("$.scope", "2010 response: no scope yet (API-NOTES §2.5)"),
                ("$.token_type", "2010 response: no token_type yet (API-NOTES §2.5)"),
            ];
            let code = Authorize { scope: "api", ..Authorize::new(&login) }.code(ADMIN).await;
            exchange(&login, &code).await.1
        }
        "oauth/token_response_web_server_flow_with_refresh_and_id_token.confluex.json" => {
            real = real[0].clone(); // the upstream file wraps the object in an array
            rules.allowed = vec![("$.id_token", "the simulator issues no id_token: it has no RSA signing keys")];
            let code = Authorize { scope: "id api openid refresh_token", ..Authorize::new(&login) }.code(ADMIN).await;
            exchange(&login, &code).await.1
        }
        other => panic!("fixture {other} has no equivalent request here; add a case or list it in SKIPPED with a reason"),
    };
    (real, sim, rules)
}

#[tokio::test]
async fn every_fixture_is_compared_or_skipped_with_a_reason() {
    let names = fixture_names();
    assert!(
        names.len() >= 40,
        "expected the full fixture set, found {}",
        names.len()
    );
    for (skipped, reason) in SKIPPED {
        assert!(
            names.iter().any(|n| n == skipped),
            "{skipped} is listed as skipped ({reason}) but does not exist"
        );
    }
}

async fn check(prefix: &str) {
    let sim = start().await;
    let admin = login(&sim, ADMIN).await;
    let env = Env { sim, admin };
    let mut report = Vec::new();
    let mut compared = 0;
    for name in fixture_names()
        .into_iter()
        .filter(|n| n.starts_with(prefix))
    {
        if SKIPPED.iter().any(|(s, _)| *s == name) {
            continue;
        }
        let (real, sim, rules) = case(&env, &name).await;
        compared += 1;
        report.extend(
            compare(&real, &sim, &rules)
                .into_iter()
                .map(|d| format!("{name}: {d}")),
        );
    }
    assert!(compared > 0);
    assert!(
        report.is_empty(),
        "{} shape differences:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[tokio::test]
async fn rest_fixtures_have_the_simulators_shape() {
    check("rest/").await;
}

#[tokio::test]
async fn error_fixtures_have_the_simulators_shape() {
    check("errors/").await;
}

#[tokio::test]
async fn oauth_fixtures_have_the_simulators_shape() {
    check("oauth/").await;
}

#[test]
fn the_shape_helper_sees_real_differences() {
    let real = json!({"a": 1, "b": null, "c": [{"x": "s"}], "d": {"e": true}, "f": null});
    assert!(
        compare(
            &real,
            &json!({"a": 2, "b": "text", "c": [{"x": "t"}], "d": {"e": false}, "f": {"g": 1}}),
            &Rules::default()
        )
        .is_empty()
    );
    let differences = compare(
        &real,
        &json!({"a": "1", "c": [{"x": "s", "y": 1}], "d": {}, "f": [], "z": 0}),
        &Rules::default(),
    );
    assert_eq!(
        differences,
        [
            "$.a: real payload has number, simulator has string",
            "$.b: missing in the simulator's answer",
            "$.c[].y: not in the real payload",
            "$.d.e: missing in the simulator's answer",
            "$.f: real payload has null, simulator has list",
            "$.z: not in the real payload",
        ]
    );
    let lenient = Rules {
        extra_ok: Some("test"),
        allowed: vec![("$.d", "test")],
    };
    assert_eq!(
        compare(&json!({"d": {"e": 1}}), &json!({"d": {}, "z": 0}), &lenient),
        Vec::<String>::new()
    );
    assert_eq!(
        compare(&json!({"c": [1]}), &json!({"c": []}), &Rules::default()),
        ["$.c: the simulator's list is empty, nothing to compare"]
    );
}
