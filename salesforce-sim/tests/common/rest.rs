//! REST and control-API shorthands the suites share: JSON writes, queries that must succeed or
//! fail, and the ids a query finds.

use reqwest::{Method, StatusCode};
use salesforce_sim::RunningSim;
use serde_json::Value;

use super::{ADMIN, STANDARD_USER, api_send, control, login, soql, start};

/// Salesforce's 404 body for an unknown, unreadable or unshared resource.
pub const NOT_FOUND: &str =
    r#"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"#;

/// `api_send` with a JSON body and no extra headers.
pub async fn send(token: &Value, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    api_send(token, method, path, Some(body), &[]).await
}

/// A query that must succeed: its body.
pub async fn soql_ok(token: &Value, query: &str) -> Value {
    let (status, body) = soql(token, query).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

/// A query that must fail with 400: its `errorCode` and `message`.
pub async fn soql_error(token: &Value, query: &str) -> (String, String) {
    let (status, body) = soql(token, query).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
    let text = |k: &str| body[0][k].as_str().unwrap().to_string();
    (text("errorCode"), text("message"))
}

/// The ids of the records a query returns.
pub async fn ids(token: &Value, query: &str) -> Vec<String> {
    soql_ok(token, query).await["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect()
}

/// POSTs to the control API, which must answer 200; returns its answer.
pub async fn control_post(sim: &RunningSim, path: &str, body: Value) -> Value {
    let (status, answer) = sim_control(sim, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer
}

/// The control API of `sim` (on its production login host).
pub async fn sim_control(
    sim: &RunningSim,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    control(&sim.urls.login_production, method, path, body).await
}

/// A simulator with the admin and the standard user signed in: their token responses.
pub async fn start_both() -> (RunningSim, Value, Value) {
    let sim = start().await;
    let admin = login(&sim, ADMIN).await;
    let standard = login(&sim, STANDARD_USER).await;
    (sim, admin, standard)
}
