//! REST errors. A resource answers a JSON array of `{message, errorCode, fields?}`; inside save
//! results (sObject Collections) the same error reads `{statusCode, message, fields}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<String>,
    /// Keys some errors add (`duplicateResult` on DUPLICATES_DETECTED).
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Salesforce's 404 (unknown route, object or record, or one the caller may not see).
    pub fn not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        )
    }

    /// The usual 400.
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn fields(mut self, fields: &[&str]) -> Self {
        self.fields = fields.iter().map(|f| f.to_string()).collect();
        self
    }

    /// Sends `"fields": []` in a REST error body too: record-level DML errors carry the key.
    pub fn with_empty_fields(mut self) -> Self {
        self.extra.insert("fields".into(), json!([]));
        self
    }

    /// The entry of a REST error body; `fields` only when non-empty, as Salesforce does.
    pub fn entry(&self) -> Value {
        let mut entry = json!({ "message": self.message, "errorCode": self.code });
        if !self.fields.is_empty() {
            entry["fields"] = json!(self.fields);
        }
        if let Value::Object(map) = &mut entry {
            map.extend(self.extra.clone());
        }
        entry
    }

    /// The same error inside a save result: `statusCode`, and `fields` always present.
    pub fn save_error(&self) -> Value {
        let mut entry =
            json!({ "statusCode": self.code, "message": self.message, "fields": self.fields });
        if let Value::Object(map) = &mut entry {
            map.extend(self.extra.clone());
        }
        entry
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!([self.entry()]))).into_response()
    }
}

/// One REST error response.
pub fn rest_error(
    status: StatusCode,
    code: &'static str,
    message: &str,
    fields: &[&str],
) -> Response {
    ApiError::new(status, code, message)
        .fields(fields)
        .into_response()
}
