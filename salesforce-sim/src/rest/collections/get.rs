//! Getting records by id with sObject Collections: `GET /composite/sobjects/{Name}?ids=&fields=`
//! and its request-body form, `POST /composite/sobjects/{Name}`.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Json, Response};
use serde_json::Value;

use super::{list, pairs, param, too_many};
use crate::rest::Session;
use crate::rest::dml::locate;
use crate::rest::errors::ApiError;
use crate::rest::records::{no_such_column, reading, render};
use crate::server::Ctx;
use crate::soql::Out;

/// The request-body form takes more ids than a URL can hold.
const MAX_IDS: usize = 2000;

/// The records behind `ids`, each `null` when it is malformed, of another object, missing or
/// not shared; a field the caller cannot see fails the whole request.
fn retrieved(
    ctx: &Ctx,
    session: &Session,
    name: &str,
    ids: &[String],
    fields: &[String],
) -> Response {
    reading(ctx, session, name, |store, viewer, object| {
        // An unknown field is an error even when no id matches.
        let hidden = |f: &String| object.field(f).is_none_or(|d| !viewer.sees(object, d));
        if let Some(bad) = fields.iter().find(|f| hidden(f)) {
            return Err(no_such_column(bad, object));
        }
        let wanted = fields.join(",");
        let mut rows = Vec::new();
        for id in ids {
            let row = match locate(store, viewer, Some(object), id) {
                Ok(record) => render(viewer, &session.version, object, record, Some(&wanted))?,
                Err(_) => Out::Plain(Value::Null),
            };
            rows.push(row);
        }
        Ok(Json(Out::List(rows)).into_response())
    })
}

fn required(ids: &[String], fields: &[String]) -> Option<Response> {
    let missing = if ids.is_empty() {
        "ids"
    } else if fields.is_empty() {
        "fields"
    } else {
        return None;
    };
    Some(ApiError::bad("MISSING_ARGUMENT", format!("{missing} not specified")).into_response())
}

/// `GET /composite/sobjects/{Name}?ids=…&fields=…`
pub async fn retrieve(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = pairs(raw);
    let ids = param(&params, "ids").map(|s| list(&s)).unwrap_or_default();
    let fields = param(&params, "fields")
        .map(|s| list(&s))
        .unwrap_or_default();
    if let Some(response) = required(&ids, &fields) {
        return response;
    }
    retrieved(&ctx, &session, &name, &ids, &fields)
}

/// `POST /composite/sobjects/{Name}` with `{"ids": [...], "fields": [...]}`.
pub async fn retrieve_by_body(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let strings = |key: &str| -> Vec<String> {
        value[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let (ids, fields) = (strings("ids"), strings("fields"));
    if let Some(response) = required(&ids, &fields) {
        return response;
    }
    if ids.len() > MAX_IDS {
        return too_many(MAX_IDS);
    }
    retrieved(&ctx, &session, &name, &ids, &fields)
}
