//! Record reads (by id or by external id) and the lookups the writes share.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use crate::rest::{Session, conditional, missing, rest_error};
use crate::schema::ObjectDef;
use crate::server::Ctx;
use crate::soql::Out;
use crate::state::Org;
use crate::store::Record;

pub(super) type Params = HashMap<String, String>;

pub(super) fn no_access() -> Response {
    rest_error(
        StatusCode::BAD_REQUEST,
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights on object id",
        &[],
    )
}

pub(super) fn org<'a>(state: &'a mut crate::state::State, session: &Session) -> &'a mut Org {
    state
        .org_mut(&session.org_id)
        .expect("the session middleware checked the org")
}

/// A live record of `object` by id; `None` for other objects, deleted records and bad ids.
pub(super) fn find<'a>(org: &'a Org, object: &ObjectDef, id: &str) -> Option<&'a Record> {
    org.store
        .get(id)
        .filter(|r| r.object == object.name && !r.deleted())
}

/// The record as `GET /sobjects/{Name}/{Id}` shows it: all visible fields, or the asked ones.
fn render(
    session: &Session,
    object: &ObjectDef,
    record: &Record,
    fields: Option<&String>,
) -> Result<Out, Response> {
    let mut row = Out::record(object.name, &record.id, &session.version);
    match fields {
        None => {
            for field in object
                .fields
                .iter()
                .filter(|f| f.visible_to(session.profile))
            {
                row.set(field.name, Out::Plain(record.get(field.name).clone()));
            }
        }
        Some(list) => {
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let Some(field) = object.field(name).filter(|f| f.visible_to(session.profile))
                else {
                    let message = format!(
                        "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to \
                         append the '__c' after the custom field name. Please reference your WSDL or the describe call \
                         for the appropriate names.",
                        object.name
                    );
                    return Err(rest_error(
                        StatusCode::BAD_REQUEST,
                        "INVALID_FIELD",
                        &message,
                        &[],
                    ));
                };
                row.set(field.name, Out::Plain(record.get(field.name).clone()));
            }
            row.set("Id", Out::Plain(json!(record.id)));
        }
    }
    Ok(row)
}

pub async fn get(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, id)): Path<(String, String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    let Some(record) = find(org, object, &id) else {
        return missing();
    };
    let mut response = if conditional::not_modified(&headers, record) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match render(&session, object, record, params.get("fields")) {
            Ok(row) => Json(row).into_response(),
            Err(response) => return response,
        }
    };
    conditional::add_validators(&mut response, record);
    response
}

/// The field an upsert or external-id read keys on; Salesforce's 404 when it is not one.
pub(super) fn key_field<'a>(
    object: &'a ObjectDef,
    session: &Session,
    name: &str,
) -> Result<&'a str, Response> {
    object
        .field(name)
        .filter(|f| (f.external_id || f.id_lookup) && f.visible_to(session.profile))
        .map(|f| f.name)
        .ok_or_else(|| {
            let message =
                format!("Provided external ID field does not exist or is not accessible: {name}");
            rest_error(StatusCode::NOT_FOUND, "NOT_FOUND", &message, &[])
        })
}

pub(super) fn matching<'a>(
    org: &'a Org,
    object: &ObjectDef,
    field: &str,
    value: &str,
) -> Vec<&'a Record> {
    org.store
        .records(object.name)
        .iter()
        .filter(|r| !r.deleted())
        .filter(|r| {
            r.get(field)
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(value))
        })
        .collect()
}

pub(super) fn multiple_choices(
    session: &Session,
    object: &ObjectDef,
    found: &[&Record],
) -> Response {
    let urls: Vec<String> = found
        .iter()
        .map(|r| {
            format!(
                "/services/data/{}/sobjects/{}/{}",
                session.version, object.name, r.id
            )
        })
        .collect();
    (StatusCode::MULTIPLE_CHOICES, Json(urls)).into_response()
}

pub async fn get_by_external_id(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, field, value)): Path<(String, String, String, String)>,
    Query(params): Query<Params>,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return missing();
    };
    let field = match key_field(object, &session, &field) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = ctx.sim.lock();
    let org = org(&mut state, &session);
    match matching(org, object, field, &value).as_slice() {
        [] => missing(),
        [record] => match render(&session, object, record, params.get("fields")) {
            Ok(row) => Json(row).into_response(),
            Err(response) => response,
        },
        several => multiple_choices(&session, object, several),
    }
}
