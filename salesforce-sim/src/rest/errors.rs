//! REST error bodies: a JSON array of `{message, errorCode, fields?}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One REST error; `fields` is included only when non-empty, as Salesforce does.
pub fn rest_error(status: StatusCode, code: &str, message: &str, fields: &[&str]) -> Response {
    (status, Json(json!([error_entry(code, message, fields)]))).into_response()
}

pub fn error_entry(code: &str, message: &str, fields: &[&str]) -> Value {
    let mut entry = json!({ "message": message, "errorCode": code });
    if !fields.is_empty() {
        entry["fields"] = json!(fields);
    }
    entry
}
