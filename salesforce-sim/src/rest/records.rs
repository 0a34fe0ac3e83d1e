//! Record reads (by id or by external id) and the helpers the writes and collections share.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use crate::rest::dml::{locate, matching};
use crate::rest::errors::ApiError;
use crate::rest::{Session, conditional, missing};
use crate::schema::ObjectDef;
use crate::server::Ctx;
use crate::sharing::Viewer;
use crate::soql::Out;
use crate::store::{Record, Store};

pub(super) type Params = HashMap<String, String>;

/// The object named in a path, if the caller may read it: an object without Read does not
/// exist for them.
pub(super) fn readable<'s>(ctx: &'s Ctx, viewer: &Viewer, name: &str) -> Option<&'s ObjectDef> {
    ctx.sim.schema.object(name).filter(|o| viewer.reads(o))
}

/// Runs `read` as the session's caller on the object named in the path; 404 when the caller is
/// gone or may not read the object. An error `read` returns is the answer.
pub(super) fn reading(
    ctx: &Ctx,
    session: &Session,
    name: &str,
    read: impl FnOnce(&Store, &Viewer, &ObjectDef) -> Result<Response, ApiError>,
) -> Response {
    let state = ctx.sim.lock();
    let Some((store, viewer)) = session.viewer(&state) else {
        return missing();
    };
    let Some(object) = readable(ctx, &viewer, name) else {
        return missing();
    };
    read(store, &viewer, object).unwrap_or_else(IntoResponse::into_response)
}

/// Salesforce's error for a field that does not exist for the caller.
pub(super) fn no_such_column(name: &str, object: &ObjectDef) -> ApiError {
    let message = format!(
        "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to \
         append the '__c' after the custom field name. Please reference your WSDL or the describe call \
         for the appropriate names.",
        object.name
    );
    ApiError::bad("INVALID_FIELD", message)
}

/// The record as `GET /sobjects/{Name}/{Id}` shows it: all visible fields, or the asked ones.
pub(super) fn render(
    viewer: &Viewer,
    version: &str,
    object: &ObjectDef,
    record: &Record,
    fields: Option<&str>,
) -> Result<Out, ApiError> {
    let mut row = Out::record(object.name, &record.id, version);
    match fields {
        None => {
            for field in object.fields.iter().filter(|f| viewer.sees(object, f)) {
                row.set(field.name, Out::Plain(record.get(field.name).clone()));
            }
        }
        Some(list) => {
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let Some(field) = object.field(name).filter(|f| viewer.sees(object, f)) else {
                    return Err(no_such_column(name, object));
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
    reading(&ctx, &session, &name, |store, viewer, object| {
        // Salesforce does not tell "no such record" from "not shared with you".
        let record = locate(store, viewer, Some(object), &id).map_err(|_| ApiError::not_found())?;
        let mut response = if conditional::not_modified(&headers, record) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let fields = params.get("fields").map(String::as_str);
            Json(render(viewer, &session.version, object, record, fields)?).into_response()
        };
        conditional::add_validators(&mut response, record);
        Ok(response)
    })
}

/// The field an upsert or external-id read keys on; Salesforce's 404 when it is not one.
pub(super) fn key_field<'a>(
    object: &'a ObjectDef,
    viewer: &Viewer,
    name: &str,
) -> Result<&'a str, ApiError> {
    object
        .field(name)
        .filter(|f| (f.external_id || f.id_lookup) && viewer.sees(object, f))
        .map(|f| f.name)
        .ok_or_else(|| {
            let message =
                format!("Provided external ID field does not exist or is not accessible: {name}");
            ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
        })
}

/// 300 with the URLs of the records an external id matched.
pub(super) fn multiple_choices(session: &Session, object: &ObjectDef, ids: &[String]) -> Response {
    let urls: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "/services/data/{}/sobjects/{}/{id}",
                session.version, object.name
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
    reading(&ctx, &session, &name, |store, viewer, object| {
        let field = key_field(object, viewer, &field)?;
        Ok(
            match matching(store, viewer, object, field, &value).as_slice() {
                [] => missing(),
                [record] => {
                    let fields = params.get("fields").map(String::as_str);
                    Json(render(viewer, &session.version, object, record, fields)?).into_response()
                }
                several => {
                    let ids: Vec<String> = several.iter().map(|r| r.id.clone()).collect();
                    multiple_choices(&session, object, &ids)
                }
            },
        )
    })
}
