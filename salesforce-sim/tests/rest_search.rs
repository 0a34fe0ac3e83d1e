//! SOSL search and parameterized search.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn search_and_parameterized_search() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (status, _, body) = api_get(&t, "/services/data/v67.0/search?q=FIND+%7BGlob*%7D+IN+NAME+FIELDS+RETURNING+Account(Id,+Name+WHERE+Name+!%3D+'Globex+Ltd'+ORDER+BY+Name),+Contact").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = body["searchRecords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Globex Corp", "Globex GmbH", "Globex Industries"]);
    let (_, _, old) = api_get(
        &t,
        "/services/data/v36.0/search?q=FIND+%7Bhopper%7D+RETURNING+Contact(Id,+Email)",
    )
    .await;
    assert!(
        old.as_array().is_some_and(|a| !a.is_empty()),
        "≤ v36.0 answers a bare array"
    );
    let (status, _, body) = api_get(&t, "/services/data/v67.0/search?q=FIND+Globex").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!([{"message": "No search term found. The search term must be enclosed in braces.", "errorCode": "MALFORMED_SEARCH"}])
    );
    let (_, _, body) = api_get(&t, "/services/data/v67.0/parameterizedSearch?q=hooli&sobject=Account&Account.fields=Id,Name&Account.limit=2").await;
    let records = body["searchRecords"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["attributes"]["type"], "Account");
}

#[tokio::test]
async fn parameterized_search_by_post() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let body = json!({
        "q": "hopper",
        "fields": ["Id"],
        "sobjects": [{"name": "Contact", "fields": ["Id", "LastName"], "limit": 3}, {"name": "Account"}],
        "in": "ALL",
        "overallLimit": 10
    });
    let (status, found) = send(
        &t,
        Method::POST,
        "/services/data/v67.0/parameterizedSearch",
        body,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let records = found["searchRecords"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r["LastName"] == "Hopper"));
}

#[tokio::test]
async fn sosl_terms_are_tokenized_like_the_index() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let find = |term: &str| {
        let q: String = url::form_urlencoded::byte_serialize(
            format!("FIND {{{term}}} RETURNING Account(Name)").as_bytes(),
        )
        .collect();
        format!("/services/data/v67.0/search?q={q}")
    };
    let names = |body: &Value| -> Vec<String> {
        body["searchRecords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["Name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, _, body) = api_get(&t, &find(r"Acme\-Widgets Corp")).await;
    assert_eq!(names(&body), ["Acme Widgets Corp"]);
    let (_, _, body) = api_get(&t, &find("Hool? OR Initech")).await;
    assert_eq!(names(&body).len(), 8);
}
