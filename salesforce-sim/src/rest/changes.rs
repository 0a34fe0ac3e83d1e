//! Replication resources: `GET /sobjects/{Name}/deleted/?start=&end=` and `…/updated/?start=&end=`.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Value, json};

use crate::clock::{now_ms, parse_datetime, sf_datetime};
use crate::rest::Session;
use crate::rest::errors::ApiError;
use crate::rest::records::reading;
use crate::server::Ctx;

/// `start`/`end` as milliseconds, `end` capped at now (nothing later is covered yet).
fn window(params: &HashMap<String, String>) -> Result<(i64, i64), ApiError> {
    let bad = |name: &str| {
        let message = format!("{name} must be a valid dateTime such as 2025-01-01T00:00:00+00:00");
        ApiError::bad("INVALID_REPLICATION_DATE", message)
    };
    let start = params
        .get("start")
        .and_then(|s| parse_datetime(s))
        .ok_or_else(|| bad("start"))?;
    let end = params
        .get("end")
        .and_then(|s| parse_datetime(s))
        .ok_or_else(|| bad("end"))?;
    if end < start {
        return Err(bad("end"));
    }
    Ok((start, end.min(now_ms())))
}

/// Records of `name` whose `SystemModstamp` falls in the window, deleted or not as asked.
fn changed(
    ctx: &Ctx,
    session: &Session,
    name: &str,
    deleted: bool,
    params: &HashMap<String, String>,
) -> Response {
    reading(ctx, session, name, |store, viewer, object| {
        let (start, end) = window(params)?;
        // Replication lists only the records the caller can see.
        let hits: Vec<(String, String)> = store
            .records(object.name)
            .iter()
            .filter(|r| r.deleted() == deleted && viewer.can_read(r))
            .filter_map(|r| {
                let stamp = r.get("SystemModstamp").as_str()?;
                let at = parse_datetime(stamp)?;
                (start <= at && at <= end).then(|| (r.id.clone(), stamp.to_string()))
            })
            .collect();
        let covered = sf_datetime(end);
        let body = if deleted {
            let records: Vec<Value> = hits
                .iter()
                .map(|(id, at)| json!({ "id": id, "deletedDate": at }))
                .collect();
            let earliest = store
                .records(object.name)
                .first()
                .and_then(|r| r.get("CreatedDate").as_str().map(String::from));
            json!({ "deletedRecords": records, "earliestDateAvailable": earliest, "latestDateCovered": covered })
        } else {
            let ids: Vec<&String> = hits.iter().map(|(id, _)| id).collect();
            json!({ "ids": ids, "latestDateCovered": covered })
        };
        Ok(Json(body).into_response())
    })
}

pub async fn deleted(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    changed(&ctx, &session, &name, true, &params)
}

pub async fn updated(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    changed(&ctx, &session, &name, false, &params)
}
