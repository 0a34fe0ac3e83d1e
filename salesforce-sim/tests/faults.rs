//! Faults aimed at writes: a refusal of one method only (row lock contention), and answers lost
//! after the write was applied (`after: hang`, `after: reset`), which a crash-safe client must
//! reconcile by reading instead of sending the write again.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::{Method, StatusCode};
use salesforce_sim::RunningSim;
use serde_json::{Value, json};

async fn queue(sim: &RunningSim, fault: Value) {
    let (status, body) = sim_control(sim, Method::POST, "/__sim/faults", Some(fault)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// A new account of the admin's: its id and REST path.
async fn new_account(t: &Value, name: &str) -> (String, String) {
    let (status, created) = send(
        t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({ "Name": name }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/services/data/v67.0/sobjects/Account/{id}");
    (id, path)
}

/// The stored record, past sharing.
async fn raw(sim: &RunningSim, id: &str) -> Value {
    let (status, record) =
        sim_control(sim, Method::GET, &format!("/__sim/records/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    record
}

/// A request with its own client and timeout; `Ok` once the status line and headers arrived.
async fn request(
    t: &Value,
    method: Method,
    path: &str,
    body: Value,
    timeout: Duration,
) -> Result<reqwest::Response, reqwest::Error> {
    let client = reqwest::Client::builder().timeout(timeout).build().unwrap();
    let url = format!("{}{path}", t["instance_url"].as_str().unwrap());
    client
        .request(method, url)
        .bearer_auth(t["access_token"].as_str().unwrap())
        .json(&body)
        .send()
        .await
}

#[tokio::test]
async fn a_lock_fault_refuses_only_the_write_it_names() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (id, path) = new_account(&t, "Locked Co").await;
    let lock = json!([{
        "message": format!("unable to obtain exclusive access to this record or 1 records: {id}"),
        "errorCode": "UNABLE_TO_LOCK_ROW",
        "fields": [],
    }]);
    queue(
        &sim,
        json!({"status": 400, "method": "patch", "body": lock.clone()}),
    )
    .await;
    assert_eq!(api_get(&t, &path).await.0, StatusCode::OK, "a read passes");
    let (status, body) = send(&t, Method::PATCH, &path, json!({"Phone": "1"})).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, lock));
    assert_eq!(raw(&sim, &id).await["Phone"], Value::Null, "not written");
    let (status, _) = send(&t, Method::PATCH, &path, json!({"Phone": "2"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the retry goes through");
    assert_eq!(raw(&sim, &id).await["Phone"], "2");

    // Without a method the fault hits whatever comes first, as before.
    queue(
        &sim,
        json!({"status": 503, "path_prefix": "/services/data"}),
    )
    .await;
    assert_eq!(api_get(&t, &path).await.0, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_hang_applies_the_write_and_never_answers() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (id, path) = new_account(&t, "Hanging Co").await;
    queue(
        &sim,
        json!({"method": "PATCH", "after": "hang", "status": 500}),
    )
    .await;
    let outcome = request(
        &t,
        Method::PATCH,
        &path,
        json!({"Phone": "+1 555 0199"}),
        Duration::from_millis(700),
    )
    .await;
    assert!(
        outcome.as_ref().is_err_and(|e| e.is_timeout()),
        "{outcome:?}"
    );
    assert_eq!(raw(&sim, &id).await["Phone"], "+1 555 0199", "written");
    let (_, calls) = sim_control(&sim, Method::GET, "/__sim/calls", None).await;
    assert_eq!(
        calls["PATCH /services/data/{version}/sobjects/{name}/{id} 204"],
        1
    );
    // The hanging answer does not keep the simulator from stopping.
    tokio::time::timeout(Duration::from_secs(10), sim.shutdown())
        .await
        .expect("shutdown ends the hang");
}

#[tokio::test]
async fn a_reset_applies_the_write_then_breaks_the_answer() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (id, path) = new_account(&t, "Reset Co").await;
    queue(
        &sim,
        json!({"method": "PATCH", "after": "reset", "delay_ms": 300}),
    )
    .await;
    let started = Instant::now();
    let response = request(
        &t,
        Method::PATCH,
        &path,
        json!({"Phone": "7"}),
        Duration::from_secs(10),
    )
    .await
    .expect("the status line and headers arrive");
    // A 204 has no body to break, so the broken answer is a 200.
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await;
    assert!(body.is_err(), "a transport error, not {body:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "delayed first"
    );
    assert_eq!(raw(&sim, &id).await["Phone"], "7", "written");

    // A create whose 201 is cut off: the record exists, the client never learnt its id.
    let records = "/__sim/objects/Account/records?org_id=00D5i0000000001EAA";
    let before = sim_control(&sim, Method::GET, records, None).await.1;
    queue(&sim, json!({"method": "POST", "after": "reset"})).await;
    let response = request(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Lost Answer Co"}),
        Duration::from_secs(10),
    )
    .await
    .expect("the status line and headers arrive");
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = response.text().await;
    assert!(
        body.is_err(),
        "half a body, then a transport error: {body:?}"
    );
    let after = sim_control(&sim, Method::GET, records, None).await.1;
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), before.as_array().unwrap().len() + 1);
    assert_eq!(after.last().unwrap()["Name"], "Lost Answer Co");
    assert_eq!(
        send(&t, Method::PATCH, &path, json!({"Phone": "8"}))
            .await
            .0,
        StatusCode::NO_CONTENT,
        "used up"
    );
}
