//! Record writes on the sObject resources: create, update (with `If-Unmodified-Since`), upsert
//! by external id, delete. The checks live in `dml.rs`, shared with sObject Collections.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use super::dml::{Dml, Lookup, Upserted, locate};
use super::records::{Params, key_field, multiple_choices, readable};
use crate::clock::now_ms;
use crate::rest::errors::ApiError;
use crate::rest::validation::parse_body;
use crate::rest::{Session, conditional, missing, rest_error};
use crate::server::Ctx;
use crate::soql::Out;

fn saved(status: StatusCode, id: &str, created: Option<bool>) -> Response {
    let mut row = Out::row();
    row.set("id", Out::Plain(json!(id)));
    row.set("success", Out::Plain(json!(true)));
    row.set("errors", Out::Plain(json!([])));
    if let Some(created) = created {
        row.set("created", Out::Plain(json!(created)));
    }
    (status, Json(row)).into_response()
}

/// 201 with `Location`, which Salesforce sends for a new record (Composite passes it on).
fn created(session: &Session, object: &str, id: &str, upsert: Option<bool>) -> Response {
    let mut response = saved(StatusCode::CREATED, id, upsert);
    let location = format!("/services/data/{}/sobjects/{object}/{id}", session.version);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

pub async fn create(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some((store, viewer)) = session.caller(&mut state) else {
        return missing();
    };
    let Some(object) = readable(&ctx, &viewer, &name) else {
        return missing();
    };
    let fields = match parse_body(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut dml = Dml {
        store,
        viewer,
        version: &session.version,
        headers: &headers,
        txn: session.txn,
        now: now_ms(),
    };
    match dml.create(object, fields) {
        Ok(id) => created(&session, object.name, &id, None),
        Err(e) => e.into_response(),
    }
}

pub async fn update(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some((store, viewer)) = session.caller(&mut state) else {
        return missing();
    };
    let Some(object) = readable(&ctx, &viewer, &name) else {
        return missing();
    };
    let fields = match parse_body(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let record_id = match locate(store, &viewer, Some(object), &id) {
        Ok(record) => {
            if let Some(response) = conditional::precondition_failed(&headers, record) {
                return response;
            }
            record.id.clone()
        }
        Err(_) => return missing(),
    };
    let mut dml = Dml {
        store,
        viewer,
        version: &session.version,
        headers: &headers,
        txn: session.txn,
        now: now_ms(),
    };
    match dml.update(object, &record_id, fields) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST …/{Id}?_HttpMethod=PATCH`, for clients that cannot send PATCH.
pub async fn post_override(
    state: State<Ctx>,
    session: Extension<Session>,
    path: Path<(String, String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if params
        .get("_HttpMethod")
        .is_some_and(|m| m.eq_ignore_ascii_case("PATCH"))
    {
        return update(state, session, path, headers, body).await;
    }
    rest_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "HTTP Method 'POST' not allowed. Allowed are GET,PATCH,DELETE",
        &[],
    )
}

/// Whether the version answers an upsert that updated with 200 and a body (v46.0 and later).
pub(super) fn modern_upsert(version: &str) -> bool {
    version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 46)
}

pub async fn upsert(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, field, value)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some((store, viewer)) = session.caller(&mut state) else {
        return missing();
    };
    let Some(object) = readable(&ctx, &viewer, &name) else {
        return missing();
    };
    let field = match key_field(object, &viewer, &field) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let fields = match parse_body(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut dml = Dml {
        store,
        viewer,
        version: &session.version,
        headers: &headers,
        txn: session.txn,
        now: now_ms(),
    };
    let modern = modern_upsert(&session.version);
    match dml.upsert(object, field, &value, fields) {
        Ok(Upserted::Created(id)) => created(&session, object.name, &id, modern.then_some(true)),
        Ok(Upserted::Updated(id)) if modern => saved(StatusCode::OK, &id, Some(false)),
        Ok(Upserted::Updated(_)) => StatusCode::NO_CONTENT.into_response(),
        Ok(Upserted::Ambiguous(ids)) => multiple_choices(&session, object, &ids),
        Err(e) => e.into_response(),
    }
}

pub async fn delete(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some((store, viewer)) = session.caller(&mut state) else {
        return missing();
    };
    let Some(object) = readable(&ctx, &viewer, &name) else {
        return missing();
    };
    let record_id = match locate(store, &viewer, Some(object), &id) {
        Ok(record) => record.id.clone(),
        Err(Lookup::Deleted) => {
            return ApiError::bad("ENTITY_IS_DELETED", "entity is deleted").into_response();
        }
        Err(_) => return missing(),
    };
    let mut dml = Dml {
        store,
        viewer,
        version: &session.version,
        headers: &HeaderMap::new(),
        txn: session.txn,
        now: now_ms(),
    };
    match dml.delete(object, &record_id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
