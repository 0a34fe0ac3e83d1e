//! describeGlobal, describe and the basic sObject info, with `If-Modified-Since` → 304.

use std::time::{Duration, SystemTime};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use crate::rest::{Session, missing};
use crate::schema::{describe_global_entry, describe_object};
use crate::server::Ctx;

/// When the simulated metadata last changed (it never does at run time): 2025-01-06T09:00:00Z.
const METADATA_MODIFIED_SECS: u64 = 1_736_154_000;

fn metadata_modified() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(METADATA_MODIFIED_SECS)
}

/// `Some(304)` when the client's copy is current.
fn not_modified(headers: &HeaderMap) -> Option<Response> {
    let since = headers.get(header::IF_MODIFIED_SINCE)?.to_str().ok()?;
    let since = httpdate::parse_http_date(since).ok()?;
    (since >= metadata_modified()).then(|| StatusCode::NOT_MODIFIED.into_response())
}

fn with_last_modified(mut response: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(metadata_modified())) {
        response.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    response
}

fn instance(ctx: &Ctx) -> &str {
    ctx.sim.url(ctx.host)
}

pub async fn global(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    if let Some(response) = not_modified(&headers) {
        return response;
    }
    let sobjects: Vec<_> = ctx
        .sim
        .schema
        .objects
        .iter()
        .map(|o| describe_global_entry(o, session.profile, &session.version, instance(&ctx)))
        .collect();
    with_last_modified(
        Json(json!({ "encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects }))
            .into_response(),
    )
}

pub async fn describe(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    if let Some(response) = not_modified(&headers) {
        return response;
    }
    // The metadata never changes at run time, so each (object, profile, version, host) answer
    // is rendered once.
    let key = (
        object.name,
        session.profile,
        session.version.clone(),
        ctx.host,
    );
    let cached = ctx
        .sim
        .describe_cache
        .lock()
        .ok()
        .and_then(|c| c.get(&key).cloned());
    let body = cached.unwrap_or_else(|| {
        let value = describe_object(
            &ctx.sim.schema,
            object,
            session.profile,
            &session.version,
            instance(&ctx),
        );
        let bytes = Bytes::from(serde_json::to_vec(&value).expect("describe serializes"));
        if let Ok(mut cache) = ctx.sim.describe_cache.lock() {
            cache.insert(key, bytes.clone());
        }
        bytes
    });
    with_last_modified(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /sobjects/{Name}`: the object's flags plus recently viewed items (none in the simulator).
pub async fn basic_info(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let entry = describe_global_entry(object, session.profile, &session.version, instance(&ctx));
    Json(json!({ "objectDescribe": entry, "recentItems": [] })).into_response()
}
