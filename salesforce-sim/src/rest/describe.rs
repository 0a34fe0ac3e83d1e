//! describeGlobal, describe and the basic sObject info. Each answer carries `Last-Modified` (when
//! the metadata, the caller's profile or the org's sharing last changed, see `revisions.rs`) and
//! an `ETag`; `If-Modified-Since` / `If-None-Match` that still hold → 304 with no body.

use std::time::{Duration, SystemTime};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::rest::records::{readable, reading};
use crate::rest::{Session, missing};
use crate::schema::{describe_global_entry, describe_object};
use crate::server::Ctx;

/// The validators of one describe answer.
struct Validators {
    modified_secs: i64,
    etag: String,
}

impl Validators {
    /// The tag names what the body depends on; the date moves with every change to it.
    fn new(what: &str, session: &Session, modified_secs: i64) -> Self {
        let seed = format!(
            "{what}|{:?}|{}|{modified_secs}",
            session.profile, session.version
        );
        let digest = Sha256::digest(seed.as_bytes());
        let etag = format!(
            "\"{:02x}{:02x}{:02x}{:02x}\"",
            digest[0], digest[1], digest[2], digest[3]
        );
        Validators {
            modified_secs,
            etag,
        }
    }

    fn modified(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.modified_secs.max(0) as u64)
    }

    /// Whether the client's copy is current: `If-None-Match` wins over `If-Modified-Since`.
    fn fresh(&self, headers: &HeaderMap) -> bool {
        if let Some(tags) = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            return tags
                .split(',')
                .any(|t| t.trim() == self.etag || t.trim() == "*");
        }
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| since >= self.modified())
    }

    fn apply(&self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(self.modified())) {
            headers.insert(header::LAST_MODIFIED, v);
        }
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            headers.insert(header::ETAG, v);
        }
        response
    }

    fn not_modified(&self) -> Response {
        self.apply(StatusCode::NOT_MODIFIED.into_response())
    }
}

fn instance(ctx: &Ctx) -> &str {
    ctx.sim.url(ctx.host)
}

pub async fn global(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    let state = ctx.sim.lock();
    let Some((_, viewer)) = session.viewer(&state) else {
        return missing();
    };
    let modified = state.revisions.global(&session.org_id, session.profile);
    let validators = Validators::new("global", &session, modified);
    if validators.fresh(&headers) {
        return validators.not_modified();
    }
    // Objects without Read are not listed at all.
    let sobjects: Vec<_> = ctx
        .sim
        .schema
        .objects
        .iter()
        .filter(|o| viewer.reads(o))
        .map(|o| describe_global_entry(o, &viewer, &session.version, instance(&ctx)))
        .collect();
    validators.apply(
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
    let mut state = ctx.sim.lock();
    let state = &mut *state;
    let Some((_, viewer)) = session.viewer(state) else {
        return missing();
    };
    let Some(object) = readable(&ctx, &viewer, &name) else {
        return missing();
    };
    let modified = state
        .revisions
        .object(&session.org_id, session.profile, object.name);
    let validators = Validators::new(object.name, &session, modified);
    if validators.fresh(&headers) {
        return validators.not_modified();
    }
    // Rendered once per (object, profile, version, host) until a profile's permissions change.
    let key = (
        object.name,
        session.profile,
        session.version.clone(),
        ctx.host,
    );
    let body = match state.describe_cache.get(&key) {
        Some(bytes) => bytes.clone(),
        None => {
            let value = describe_object(
                &ctx.sim.schema,
                object,
                &viewer,
                &session.version,
                instance(&ctx),
            );
            let bytes = Bytes::from(serde_json::to_vec(&value).expect("describe serializes"));
            state.describe_cache.insert(key, bytes.clone());
            bytes
        }
    };
    validators.apply(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /sobjects/{Name}`: the object's flags plus recently viewed items (none in the simulator).
pub async fn basic_info(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
) -> Response {
    reading(&ctx, &session, &name, |_, viewer, object| {
        let entry = describe_global_entry(object, viewer, &session.version, instance(&ctx));
        Ok(Json(json!({ "objectDescribe": entry, "recentItems": [] })).into_response())
    })
}
