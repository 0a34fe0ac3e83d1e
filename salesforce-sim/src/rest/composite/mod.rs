//! `POST /composite`: up to 25 subrequests in one call, each sent through the same router and
//! handlers as a direct call; later ones may use `@{ref.field}` values of earlier bodies. The
//! call answers 200 whatever the subrequests answer. With `allOrNone` the first failure undoes
//! every write of the call and every other subrequest answers PROCESSING_HALTED.

mod references;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Json, Response};
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use references::{Bodies, Unresolved, in_json, in_text};

use crate::rest::errors::ApiError;
use crate::rest::{Session, Subrequest, missing};
use crate::server::{Ctx, rest_router, trim_trailing_slash};

const MAX_SUBREQUESTS: usize = 25;
/// Queries and sObject Collections calls among them.
const MAX_QUERIES: usize = 5;
/// The response headers a subrequest result passes on (its validators and new record's URL).
const KEPT_HEADERS: [&str; 3] = ["ETag", "Last-Modified", "Location"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompositeBody {
    #[serde(default)]
    all_or_none: bool,
    composite_request: Vec<SubrequestBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubrequestBody {
    method: String,
    url: String,
    reference_id: String,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    http_headers: Map<String, Value>,
}

/// The resources a composite may call (`/services/data/vXX.X/` + one of these).
fn supported(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("/services/data/") else {
        return false;
    };
    let resource = rest.split_once('/').map(|(_, r)| r).unwrap_or_default();
    ["sobjects", "query", "queryAll", "composite/sobjects"]
        .iter()
        .any(|r| {
            resource == *r
                || resource.starts_with(&format!("{r}/"))
                || resource.starts_with(&format!("{r}?"))
        })
}

fn counts_as_query(url: &str) -> bool {
    let resource = url.splitn(5, '/').nth(4).unwrap_or_default();
    ["query", "queryAll", "composite/sobjects"]
        .iter()
        .any(|r| resource.starts_with(r))
}

/// Subrequest URLs may hold characters a URI may not (`?q=select count() from Account`).
fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One entry of `compositeResponse`.
struct Outcome {
    reference_id: String,
    status: u16,
    headers: Map<String, Value>,
    body: Value,
}

impl Outcome {
    fn error(reference_id: &str, error: &ApiError) -> Self {
        Outcome {
            reference_id: reference_id.to_string(),
            status: error.status.as_u16(),
            headers: Map::new(),
            body: json!([error.entry()]),
        }
    }

    fn halted(reference_id: &str) -> Self {
        let message = "The transaction was rolled back since another operation in the same transaction failed.";
        Outcome::error(reference_id, &ApiError::bad("PROCESSING_HALTED", message))
    }

    /// A failure for all-or-none: an error status, or a collection write whose records failed.
    fn failed(&self) -> bool {
        self.status >= 400
            || self.body.as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i.get("success") == Some(&json!(false)))
            })
    }

    fn json(&self) -> Value {
        json!({
            "body": self.body,
            "httpHeaders": self.headers,
            "httpStatusCode": self.status,
            "referenceId": self.reference_id,
        })
    }
}

/// Sends one subrequest through the REST router, in the composite call's session.
async fn dispatch(
    router: &Router,
    session: &Session,
    sub: &SubrequestBody,
    bodies: &Bodies,
) -> Result<Outcome, Unresolved> {
    let url = in_text(&sub.url, bodies)?;
    if !supported(&url) {
        return Ok(Outcome::error(&sub.reference_id, &ApiError::not_found()));
    }
    let body = match &sub.body {
        Some(value) => Body::from(serde_json::to_vec(&in_json(value, bodies)?).unwrap_or_default()),
        None => Body::empty(),
    };
    let method =
        Method::from_bytes(sub.method.to_ascii_uppercase().as_bytes()).unwrap_or(Method::GET);
    let mut request = Request::builder().method(method).uri(encode_url(&url));
    request = request.header(header::CONTENT_TYPE, "application/json");
    for (name, value) in &sub.http_headers {
        let value = in_text(value.as_str().unwrap_or_default(), bodies)?;
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(&value),
        ) {
            request = request.header(name, value);
        }
    }
    let Ok(mut request) = request.body(body) else {
        return Ok(Outcome::error(&sub.reference_id, &ApiError::not_found()));
    };
    request.extensions_mut().insert(Subrequest(session.clone()));
    let request = trim_trailing_slash(request).await;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for name in KEPT_HEADERS {
        if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
            headers.insert(name.to_string(), json!(value));
        }
    }
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Ok(Outcome {
        reference_id: sub.reference_id.clone(),
        status,
        headers,
        body,
    })
}

fn limit(message: &str) -> Response {
    ApiError::bad("LIMIT_EXCEEDED", message).into_response()
}

pub async fn composite(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let request: CompositeBody = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::bad("JSON_PARSER_ERROR", format!("Unexpected character: {e}"))
                .into_response();
        }
    };
    // Salesforce's wording for these two limits is not in the stored captures.
    if request.composite_request.len() > MAX_SUBREQUESTS {
        return limit("A composite request can have at most 25 subrequests");
    }
    if request
        .composite_request
        .iter()
        .filter(|s| counts_as_query(&s.url))
        .count()
        > MAX_QUERIES
    {
        return limit(
            "A composite request can have at most 5 query and sObject Collections subrequests",
        );
    }
    let txn = if request.all_or_none {
        let mut state = ctx.sim.lock();
        match session.caller(&mut state) {
            Some((store, _)) => Some(store.begin(None)),
            None => return missing(),
        }
    } else {
        None
    };
    let inner = Session {
        txn,
        ..session.clone()
    };
    let router = rest_router(ctx.clone());
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut bodies = Bodies::new();
    let mut first_failure = None;
    for sub in &request.composite_request {
        if first_failure.is_some() {
            outcomes.push(Outcome::halted(&sub.reference_id));
            continue;
        }
        let outcome = match dispatch(&router, &inner, sub, &bodies).await {
            Ok(outcome) => outcome,
            Err(Unresolved(message)) => Outcome::error(
                &sub.reference_id,
                &ApiError::bad("PROCESSING_HALTED", message),
            ),
        };
        if outcome.failed() {
            if request.all_or_none {
                first_failure = Some(outcomes.len());
            }
        } else {
            bodies.insert(sub.reference_id.clone(), outcome.body.clone());
        }
        outcomes.push(outcome);
    }
    if let Some(txn) = txn {
        let mut state = ctx.sim.lock();
        if let Some((store, _)) = session.caller(&mut state) {
            if first_failure.is_some() {
                store.rollback(txn);
            } else {
                store.commit(txn);
            }
        }
    }
    let results: Vec<Value> = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| match first_failure {
            Some(failed) if failed != i => Outcome::halted(&o.reference_id).json(),
            _ => o.json(),
        })
        .collect();
    Json(json!({ "compositeResponse": results })).into_response()
}
