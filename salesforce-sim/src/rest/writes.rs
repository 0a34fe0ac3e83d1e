//! Record writes: create, update (with `If-Unmodified-Since`), upsert by external id, delete.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Value, json};

use super::records::{Params, find, key_field, matching, multiple_choices, no_access, org};
use crate::clock::now_ms;
use crate::rest::validation::{Write, parse_body};
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

pub async fn create(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    if !object.access(session.profile).create {
        return no_access();
    }
    let fields = match parse_body(&body) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    let write = Write {
        store: &org.store,
        object,
        profile: session.profile,
        version: &session.version,
        existing: None,
    };
    let changes = match write.check(fields, &headers) {
        Ok(c) => c,
        Err(response) => return response,
    };
    let id = org
        .store
        .insert(object, changes, now_ms(), &session.user_id);
    saved(StatusCode::CREATED, &id, None)
}

pub async fn update(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let fields = match parse_body(&body) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    let Some(record) = find(org, object, &id) else {
        return missing();
    };
    if !object.access(session.profile).edit {
        return no_access();
    }
    if let Some(response) = conditional::precondition_failed(&headers, record) {
        return response;
    }
    let write = Write {
        store: &org.store,
        object,
        profile: session.profile,
        version: &session.version,
        existing: Some(record),
    };
    let changes = match write.check(fields, &headers) {
        Ok(c) => c,
        Err(response) => return response,
    };
    let record_id = record.id.clone();
    org.store
        .update(&record_id, changes, now_ms(), &session.user_id);
    StatusCode::NO_CONTENT.into_response()
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

pub async fn upsert(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, field, value)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let field = match key_field(object, &session, &field) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut fields = match parse_body(&body) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    let found = matching(org, object, field, &value);
    let access = object.access(session.profile);
    let now = now_ms();
    // Before v46.0 an upsert that updated answered 204 without a body.
    let modern = session
        .version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 46);
    match found.as_slice() {
        [] => {
            if !access.create {
                return no_access();
            }
            fields.insert(field.to_string(), json!(value));
            let write = Write {
                store: &org.store,
                object,
                profile: session.profile,
                version: &session.version,
                existing: None,
            };
            let changes = match write.check(fields, &headers) {
                Ok(c) => c,
                Err(response) => return response,
            };
            let id = org.store.insert(object, changes, now, &session.user_id);
            saved(StatusCode::CREATED, &id, modern.then_some(true))
        }
        [record] => {
            if !access.edit {
                return no_access();
            }
            let write = Write {
                store: &org.store,
                object,
                profile: session.profile,
                version: &session.version,
                existing: Some(record),
            };
            let changes = match write.check(fields, &headers) {
                Ok(c) => c,
                Err(response) => return response,
            };
            let id = record.id.clone();
            org.store.update(&id, changes, now, &session.user_id);
            if modern {
                saved(StatusCode::OK, &id, Some(false))
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }
        several => multiple_choices(&session, object, several),
    }
}

pub async fn delete(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    let Some(record) = org.store.get(&id).filter(|r| r.object == object.name) else {
        return missing();
    };
    if record.deleted() {
        return rest_error(
            StatusCode::BAD_REQUEST,
            "ENTITY_IS_DELETED",
            "entity is deleted",
            &[],
        );
    }
    if !object.access(session.profile).delete {
        return no_access();
    }
    let record_id = record.id.clone();
    let mut changes = serde_json::Map::new();
    changes.insert("IsDeleted".into(), Value::Bool(true));
    org.store
        .update(&record_id, changes, now_ms(), &session.user_id);
    StatusCode::NO_CONTENT.into_response()
}
