//! The daily API limit, `/limits`, replication (`deleted` / `updated`) and conditional requests.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn daily_limit_and_limits_resource() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (_, limit, body) = api_get(&t, "/services/data/v67.0/limits").await;
    assert_eq!(limit.as_deref(), Some("api-usage=1/15000"));
    assert_eq!(
        body["DailyApiRequests"],
        json!({"Max": 15000, "Remaining": 14999})
    );
    let (_, _, counts) = api_get(
        &t,
        "/services/data/v67.0/limits/recordCount?sObjects=Account",
    )
    .await;
    assert_eq!(
        counts,
        json!({"sObjects": [{"count": 40, "name": "Account"}]})
    );
    let org = t["id"]
        .as_str()
        .unwrap()
        .split('/')
        .nth(4)
        .unwrap()
        .to_string();
    sim_control(
        &sim,
        Method::POST,
        &format!("/__sim/orgs/{org}/api-usage"),
        Some(json!({"used": 99, "limit": 100})),
    )
    .await;
    let (status, limit, _) = api_get(&t, "/services/data/v67.0/limits").await;
    assert_eq!(
        (status, limit.as_deref()),
        (StatusCode::OK, Some("api-usage=100/100"))
    );
    let (status, limit, body) = api_get(&t, "/services/data/v67.0/limits").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(limit.as_deref(), Some("api-usage=100/100"));
    assert_eq!(
        body,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
}

#[tokio::test]
async fn replication_lists_updated_and_deleted_ids() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let since = "2026-01-01T00:00:00Z";
    let (_, a) = send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Kept"}),
    )
    .await;
    let (_, b) = send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Dropped"}),
    )
    .await;
    let dropped = b["id"].as_str().unwrap();
    api_send(
        &t,
        Method::DELETE,
        &format!("/services/data/v67.0/sobjects/Account/{dropped}"),
        None,
        &[],
    )
    .await;
    let window = format!("start={since}&end=2100-01-01T00:00:00Z");
    let (_, _, updated) = api_get(
        &t,
        &format!("/services/data/v67.0/sobjects/Account/updated/?{window}"),
    )
    .await;
    assert_eq!(
        updated["ids"],
        json!([a["id"]]),
        "seed records are older than the window"
    );
    let (_, _, deleted) = api_get(
        &t,
        &format!("/services/data/v67.0/sobjects/Account/deleted/?{window}"),
    )
    .await;
    assert_eq!(deleted["deletedRecords"][0]["id"], dropped);
    assert!(
        deleted["latestDateCovered"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );
    let (status, _, body) = api_get(
        &t,
        "/services/data/v67.0/sobjects/Account/updated/?start=yesterday",
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_REPLICATION_DATE"))
    );
}

#[tokio::test]
async fn conditional_requests_on_records() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (_, created) = send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Tagged"}),
    )
    .await;
    let url = format!(
        "{}/services/data/v67.0/sobjects/Account/{}",
        sim.urls.instances[0],
        created["id"].as_str().unwrap()
    );
    let bearer = t["access_token"].as_str().unwrap();
    let first = http().get(&url).bearer_auth(bearer).send().await.unwrap();
    let tag = first.headers()["etag"].to_str().unwrap().to_string();
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let again = http()
        .get(&url)
        .bearer_auth(bearer)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let since = http()
        .get(&url)
        .bearer_auth(bearer)
        .header("If-Modified-Since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
    let stale = http()
        .patch(&url)
        .bearer_auth(bearer)
        .header("If-Match", "\"other\"")
        .json(&json!({"Phone": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let fresh = http()
        .patch(&url)
        .bearer_auth(bearer)
        .header("If-Match", &tag)
        .json(&json!({"Phone": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let changed = http()
        .get(&url)
        .bearer_auth(bearer)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "the write changed the entity tag"
    );
    let contact = &ids(&t, "SELECT Id FROM Contact LIMIT 1").await[0];
    let contact = format!(
        "{}/services/data/v67.0/sobjects/Contact/{contact}",
        sim.urls.instances[0]
    );
    let response = http()
        .get(&contact)
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers().get("etag").is_none(),
        "entity tags are for Account only"
    );
}
