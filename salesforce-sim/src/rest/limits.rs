//! `/limits` and `/limits/recordCount`.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Map, Value, json};

use crate::rest::Session;
use crate::server::Ctx;

/// Allocations of a Developer Edition org (the names `/limits` shows there); only
/// `DailyApiRequests` moves, with every REST call.
const STATIC_LIMITS: [(&str, u64); 22] = [
    ("ConcurrentAsyncGetReportInstances", 200),
    ("ConcurrentSyncReportRuns", 20),
    ("DailyAsyncApexExecutions", 250_000),
    ("DailyBulkApiRequests", 5_000),
    ("DailyDurableGenericStreamingApiEvents", 10_000),
    ("DailyDurableStreamingApiEvents", 10_000),
    ("DailyGenericStreamingApiEvents", 10_000),
    ("DailyStreamingApiEvents", 10_000),
    ("DailyWorkflowEmails", 390),
    ("DataStorageMB", 5),
    ("DurableStreamingApiConcurrentClients", 20),
    ("FileStorageMB", 20),
    ("HourlyAsyncReportRuns", 1_200),
    ("HourlyDashboardRefreshes", 200),
    ("HourlyDashboardResults", 5_000),
    ("HourlyDashboardStatuses", 999_999_999),
    ("HourlyODataCallout", 10_000),
    ("HourlySyncReportRuns", 500),
    ("HourlyTimeBasedWorkflow", 50),
    ("MassEmail", 10),
    ("SingleEmail", 15),
    ("StreamingApiConcurrentClients", 20),
];

pub async fn limits(State(ctx): State<Ctx>, Extension(session): Extension<Session>) -> Response {
    let state = ctx.sim.lock();
    let (used, max) = state
        .org(&session.org_id)
        .map(|o| (o.api_used, o.api_limit))
        .unwrap_or((0, 0));
    let mut body = Map::new();
    body.insert(
        "DailyApiRequests".into(),
        json!({ "Max": max, "Remaining": max.saturating_sub(used) }),
    );
    for (name, max) in STATIC_LIMITS {
        body.insert(name.into(), json!({ "Max": max, "Remaining": max }));
    }
    Json(Value::Object(body)).into_response()
}

/// Record counts of the asked objects (all when none are named); objects without records are
/// left out, and so are objects the user cannot read. The counts are the org's, not the user's
/// share of it.
pub async fn record_count(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let state = ctx.sim.lock();
    let Some((store, viewer)) = session.viewer(&state) else {
        return Json(json!({ "sObjects": [] })).into_response();
    };
    let wanted: Option<Vec<&str>> = params
        .get("sObjects")
        .map(|s| s.split(',').map(str::trim).collect());
    let counts: Vec<Value> = ctx
        .sim
        .schema
        .objects
        .iter()
        .filter(|o| viewer.reads(o))
        .filter(|o| {
            wanted
                .as_ref()
                .is_none_or(|w| w.iter().any(|n| n.eq_ignore_ascii_case(o.name)))
        })
        .map(|o| (o.name, store.count(o.name)))
        .filter(|(_, n)| *n > 0)
        .map(|(name, count)| json!({ "count": count, "name": name }))
        .collect();
    Json(json!({ "sObjects": counts })).into_response()
}
