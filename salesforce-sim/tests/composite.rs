//! Composite: subrequests through the same resources as direct calls, `@{ref}` values, errors
//! inside a 200, allOrNone rollback with PROCESSING_HALTED, one API call for the lot.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const COMPOSITE: &str = "/services/data/v67.0/composite";

async fn composite(token: &Value, all_or_none: bool, subrequests: Value) -> Vec<Value> {
    let body = json!({"allOrNone": all_or_none, "compositeRequest": subrequests});
    let (status, answer) = send(token, Method::POST, COMPOSITE, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["compositeResponse"].as_array().unwrap().clone()
}

fn statuses(results: &[Value]) -> Vec<u64> {
    results
        .iter()
        .map(|r| r["httpStatusCode"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn later_subrequests_use_earlier_results() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let results = composite(&t, false, json!([
        {"method": "POST", "url": "/services/data/v67.0/sobjects/Account", "referenceId": "acc", "body": {"Name": "Composite Co"}},
        {"method": "POST", "url": "/services/data/v67.0/sobjects/Contact", "referenceId": "con", "body": {"LastName": "Ref", "AccountId": "@{acc.id}"}},
        {"method": "GET", "url": "/services/data/v67.0/query/?q=SELECT Id, Account.Name FROM Contact WHERE AccountId = '@{acc.id}'", "referenceId": "found"},
        {"method": "PATCH", "url": "/services/data/v62.0/sobjects/Contact/@{found.records[0].Id}", "referenceId": "upd", "body": {"Title": "@{found.records[0].Account.Name}"}},
        {"method": "GET", "url": "/services/data/v67.0/sobjects/Contact/@{con.id}?fields=Title", "referenceId": "read"},
    ])).await;
    assert_eq!(statuses(&results), [201, 201, 200, 204, 200]);
    let account = results[0]["body"]["id"].as_str().unwrap();
    assert_eq!(
        results[0]["httpHeaders"],
        json!({"Location": format!("/services/data/v67.0/sobjects/Account/{account}")})
    );
    assert_eq!(results[0]["referenceId"], "acc");
    assert_eq!(results[2]["body"]["totalSize"], 1);
    assert_eq!(results[2]["httpHeaders"], json!({}));
    assert_eq!(results[3]["body"], Value::Null);
    assert_eq!(results[4]["body"]["Title"], "Composite Co");
    assert!(results[4]["httpHeaders"]["Last-Modified"].is_string());
}

#[tokio::test]
async fn errors_stay_inside_the_200_and_halt_what_depends_on_them() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let results = composite(&t, false, json!([
        {"method": "GET", "url": "/services/data/v67.0/query/?q=select count() from XYZZY", "referenceId": "bad"},
        {"method": "GET", "url": "/services/data/v67.0/sobjects/Account/001000000000000AAA", "referenceId": "gone"},
        {"method": "GET", "url": "/services/data/v67.0/sobjects/Account/@{gone.Id}", "referenceId": "after"},
        {"method": "GET", "url": "/services/data/v67.0/limits", "referenceId": "limits"},
        {"method": "GET", "url": "/services/data/v67.0/query/?q=select count() from Account", "referenceId": "ok"},
    ])).await;
    assert_eq!(statuses(&results), [400, 404, 400, 404, 200]);
    assert_eq!(results[0]["body"][0]["errorCode"], "INVALID_TYPE");
    assert!(
        results[0]["body"][0]["message"]
            .as_str()
            .unwrap()
            .contains("\nselect count() from XYZZY\n")
    );
    assert_eq!(
        results[1]["body"],
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
    );
    assert_eq!(
        results[2]["body"],
        json!([{"message": "Invalid reference specified. No value for gone.Id found in gone", "errorCode": "PROCESSING_HALTED"}])
    );
    assert_eq!(results[4]["body"]["totalSize"], 40);

    let standard = login(&sim, STANDARD_USER).await;
    let theirs = &ids(
        &t,
        "SELECT Id FROM Opportunity WHERE OwnerId = '0055i0000000001AAA' LIMIT 1",
    )
    .await[0];
    let url = format!("/services/data/v67.0/sobjects/Opportunity/{theirs}");
    let results = composite(
        &standard,
        false,
        json!([{"method": "GET", "url": url, "referenceId": "theirs"}]),
    )
    .await;
    assert_eq!(statuses(&results), [404], "sharing applies to subrequests");
}

#[tokio::test]
async fn all_or_none_rolls_everything_back() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let results = composite(&t, true, json!([
        {"method": "POST", "url": "/services/data/v67.0/sobjects/Account", "referenceId": "acc", "body": {"Name": "Rolled Back Co"}},
        {"method": "POST", "url": "/services/data/v67.0/sobjects/Contact", "referenceId": "bad", "body": {"FirstName": "No", "AccountId": "@{acc.id}"}},
        {"method": "POST", "url": "/services/data/v67.0/sobjects/Account", "referenceId": "never", "body": {"Name": "Never Co"}},
    ])).await;
    assert_eq!(statuses(&results), [400, 400, 400]);
    let halted = json!([{"message": "The transaction was rolled back since another operation in the same transaction failed.", "errorCode": "PROCESSING_HALTED"}]);
    assert_eq!(
        (results[0]["body"].clone(), results[2]["body"].clone()),
        (halted.clone(), halted)
    );
    assert_eq!(results[1]["body"][0]["errorCode"], "REQUIRED_FIELD_MISSING");
    let (_, r) = soql(
        &t,
        "SELECT Id FROM Account WHERE Name IN ('Rolled Back Co', 'Never Co')",
    )
    .await;
    assert_eq!(r["totalSize"], 0);

    // A collection whose record fails makes the whole all-or-none composite fail.
    let records = json!({"allOrNone": false, "records": [
        {"attributes": {"type": "Account"}, "Name": "Inner Good"},
        {"attributes": {"type": "Contact"}, "FirstName": "Inner Bad"},
    ]});
    let results = composite(&t, true, json!([
        {"method": "PATCH", "url": "/services/data/v67.0/sobjects/Account/External_Id__c/EXT-0001", "referenceId": "up", "body": {"Phone": "999"}},
        {"method": "POST", "url": "/services/data/v67.0/composite/sobjects", "referenceId": "coll", "body": records},
    ])).await;
    assert_eq!(results[0]["httpStatusCode"], 400);
    assert_eq!(results[1]["httpStatusCode"], 200);
    assert_eq!(
        results[1]["body"][0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    let (_, r) = soql(
        &t,
        "SELECT Phone FROM Account WHERE External_Id__c = 'EXT-0001'",
    )
    .await;
    assert_ne!(r["records"][0]["Phone"], "999", "the update was undone too");
    let (_, r) = soql(&t, "SELECT Id FROM Account WHERE Name = 'Inner Good'").await;
    assert_eq!(r["totalSize"], 0);
}

#[tokio::test]
async fn conditional_headers_limits_and_call_counting() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (_, _, _) = api_get(&t, "/services/data/v67.0/sobjects").await;
    let since = "Sun, 01 Jan 2090 00:00:00 GMT";
    let sub = |n: u32| json!({"method": "GET", "url": "/services/data/v49.0/sobjects", "referenceId": format!("g{n}"), "httpHeaders": {"If-Modified-Since": since}});
    sim_control(&sim, Method::DELETE, "/__sim/calls", None).await;
    let url = format!("{}{COMPOSITE}", sim.urls.instances[0]);
    let response = http()
        .post(&url)
        .bearer_auth(t["access_token"].as_str().unwrap())
        .json(&json!({"compositeRequest": [sub(0), sub(1), sub(2)]}))
        .send()
        .await
        .unwrap();
    let usage = response.headers()["sforce-limit-info"]
        .to_str()
        .unwrap()
        .to_string();
    let answer: Value = response.json().await.unwrap();
    let results = answer["compositeResponse"].as_array().unwrap();
    assert_eq!(statuses(results), [304, 304, 304]);
    assert_eq!(results[0]["body"], Value::Null);
    let headers = results[0]["httpHeaders"].as_object().unwrap();
    assert!(
        headers["ETag"].is_string() && headers["Last-Modified"].is_string(),
        "{headers:?}"
    );
    let (_, calls) = sim_control(&sim, Method::GET, "/__sim/calls", None).await;
    assert_eq!(
        calls,
        json!({"POST /services/data/{version}/composite": 1, "POST /services/data/{version}/composite 200": 1}),
        "subrequests are not calls of their own"
    );
    let (_, limit, _) = api_get(&t, "/services/data/v67.0/limits").await;
    let used = |s: &str| {
        s.trim_start_matches("api-usage=")
            .split('/')
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(
        used(&limit.unwrap()),
        used(&usage) + 1,
        "the composite was one API call"
    );

    let many: Vec<Value> = (0..26).map(sub).collect();
    let (status, body) = send(
        &t,
        Method::POST,
        COMPOSITE,
        json!({"compositeRequest": many}),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("LIMIT_EXCEEDED"))
    );
    let queries: Vec<Value> = (0..6).map(|n| json!({"method": "GET", "url": "/services/data/v67.0/query?q=SELECT+Id+FROM+Account", "referenceId": format!("q{n}")})).collect();
    let (status, _) = send(
        &t,
        Method::POST,
        COMPOSITE,
        json!({"compositeRequest": queries}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = send(&t, Method::POST, COMPOSITE, json!({"nope": []})).await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("JSON_PARSER_ERROR"))
    );
}
