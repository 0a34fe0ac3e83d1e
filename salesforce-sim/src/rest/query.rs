//! `/query`, `/queryAll` and query-more (`/query/{locator}`): SOQL results in pages.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};

use crate::clock::{now_ms, random_token};
use crate::rest::{Session, rest_error};
use crate::server::Ctx;
use crate::soql::{self, Out, Scope};
use crate::state::State as SimState;

/// The rows of a query not yet fetched.
pub struct Cursor {
    pub user_id: String,
    /// When the query ran: the oldest cursor goes first when a user has too many.
    pub opened_ms: i64,
    pub rows: Vec<Out>,
    pub total: usize,
}

/// Open cursors per user, like Salesforce's cap; opening another closes the oldest.
const MAX_CURSORS_PER_USER: usize = 10;

fn batch_size(headers: &HeaderMap, default: usize) -> usize {
    headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|kv| kv.trim().strip_prefix("batchSize="))
        })
        .and_then(|n| n.trim().parse::<usize>().ok())
        .map(|n| n.clamp(200, 2000))
        .unwrap_or(default)
}

pub async fn query(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    UrlQuery(params): UrlQuery<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    run(&ctx, &session, &params, &headers, false)
}

pub async fn query_all(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    UrlQuery(params): UrlQuery<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    run(&ctx, &session, &params, &headers, true)
}

fn run(
    ctx: &Ctx,
    session: &Session,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    all: bool,
) -> Response {
    let Some(text) = params.get("q").filter(|q| !q.trim().is_empty()) else {
        return rest_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "A query string has to be specified",
            &[],
        );
    };
    let parsed = match soql::parse(text) {
        Ok(q) => q,
        Err(e) => return e.response(text),
    };
    let mut state = ctx.sim.lock();
    let default_batch = state.batch_size;
    let Some((store, viewer)) = session.viewer(&state) else {
        return rest_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
            &[],
        );
    };
    let scope = Scope {
        schema: &ctx.sim.schema,
        store,
        viewer: &viewer,
        version: &session.version,
        include_deleted: all,
        only: None,
        child_batch: batch_size(headers, default_batch),
        child_pages: Default::default(),
    };
    let result = match soql::run(&parsed, &scope) {
        Ok(r) => r,
        Err(e) => return e.response(text),
    };
    let child_pages = scope.child_pages.into_inner();
    for page in child_pages {
        open_cursor(
            &mut state,
            &session.user_id,
            page.cursor_id,
            page.rows,
            page.total,
        );
    }
    let batch = batch_size(headers, default_batch);
    let mut rows = result.rows;
    if rows.len() <= batch {
        return Json(Out::page(result.total, None, rows)).into_response();
    }
    let rest = rows.split_off(batch);
    let cursor_id = format!("01g{}", random_token(15));
    open_cursor(
        &mut state,
        &session.user_id,
        cursor_id.clone(),
        rest,
        result.total,
    );
    let next = format!(
        "/services/data/{}/query/{cursor_id}-{batch}",
        session.version
    );
    Json(Out::page(result.total, Some(next), rows)).into_response()
}

/// Keeps rows for query-more; a user's oldest cursor closes when they have too many open.
fn open_cursor(
    state: &mut SimState,
    user_id: &str,
    cursor_id: String,
    rows: Vec<Out>,
    total: usize,
) {
    let mine: Vec<(i64, String)> = state
        .cursors
        .iter()
        .filter(|(_, c)| c.user_id == user_id)
        .map(|(id, c)| (c.opened_ms, id.clone()))
        .collect();
    if mine.len() >= MAX_CURSORS_PER_USER
        && let Some((_, oldest)) = mine.into_iter().min()
    {
        state.cursors.remove(&oldest);
    }
    let cursor = Cursor {
        user_id: user_id.to_string(),
        opened_ms: now_ms(),
        rows,
        total,
    };
    state.cursors.insert(cursor_id, cursor);
}

/// `GET /query/{cursor}-{offset}`: the next page of an earlier query.
pub async fn more(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, locator)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let invalid = || {
        rest_error(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
            &[],
        )
    };
    let Some((cursor_id, offset)) = locator.rsplit_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let mut state = ctx.sim.lock();
    let batch = batch_size(&headers, state.batch_size);
    let Some(cursor) = state
        .cursors
        .get_mut(cursor_id)
        .filter(|c| c.user_id == session.user_id)
    else {
        return invalid();
    };
    let fetched = cursor.total - cursor.rows.len();
    if offset != fetched {
        return invalid();
    }
    let take = batch.min(cursor.rows.len());
    let page: Vec<Out> = cursor.rows.drain(..take).collect();
    let total = cursor.total;
    let next = if cursor.rows.is_empty() {
        state.cursors.remove(cursor_id);
        None
    } else {
        Some(format!(
            "/services/data/{}/query/{cursor_id}-{}",
            session.version,
            offset + take
        ))
    };
    Json(Out::page(total, next, page)).into_response()
}
