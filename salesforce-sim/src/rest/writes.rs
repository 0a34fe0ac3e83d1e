//! Record writes on the sObject resources: create, update (with `If-Unmodified-Since`), upsert
//! by external id, delete. The checks live in `dml.rs`, shared with sObject Collections.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use super::dml::{Lookup, Upserted, as_caller, locate};
use super::records::{Params, key_field, multiple_choices, readable};
use crate::rest::errors::ApiError;
use crate::rest::validation::parse_body;
use crate::rest::{Session, conditional, rest_error};
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
    as_caller(&ctx, &session, &headers, |dml| {
        let object = readable(&ctx, &dml.viewer, &name).ok_or_else(ApiError::not_found)?;
        let id = dml.create(object, parse_body(&body)?)?;
        Ok(created(&session, object.name, &id, None))
    })
}

pub async fn update(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    as_caller(&ctx, &session, &headers, |dml| {
        let object = readable(&ctx, &dml.viewer, &name).ok_or_else(ApiError::not_found)?;
        let fields = parse_body(&body)?;
        let record =
            locate(dml.store, &dml.viewer, Some(object), &id).map_err(|_| ApiError::not_found())?;
        if let Some(error) = conditional::precondition_failed(&headers, record) {
            return Err(error);
        }
        let record_id = record.id.clone();
        dml.update(object, &record_id, fields)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
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
    as_caller(&ctx, &session, &headers, |dml| {
        let object = readable(&ctx, &dml.viewer, &name).ok_or_else(ApiError::not_found)?;
        let field = key_field(object, &dml.viewer, &field)?;
        let fields = parse_body(&body)?;
        let modern = modern_upsert(&session.version);
        Ok(match dml.upsert(object, field, &value, fields)? {
            Upserted::Created(id) => created(&session, object.name, &id, modern.then_some(true)),
            Upserted::Updated(id) if modern => saved(StatusCode::OK, &id, Some(false)),
            Upserted::Updated(_) => StatusCode::NO_CONTENT.into_response(),
            Upserted::Ambiguous(ids) => multiple_choices(&session, object, &ids),
        })
    })
}

pub async fn delete(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
) -> Response {
    as_caller(&ctx, &session, &HeaderMap::new(), |dml| {
        let object = readable(&ctx, &dml.viewer, &name).ok_or_else(ApiError::not_found)?;
        let record_id = match locate(dml.store, &dml.viewer, Some(object), &id) {
            Ok(record) => record.id.clone(),
            Err(Lookup::Deleted) => {
                return Err(ApiError::bad("ENTITY_IS_DELETED", "entity is deleted"));
            }
            Err(_) => return Err(ApiError::not_found()),
        };
        dml.delete(object, &record_id)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
