//! Records as the database holds them, past sharing and field-level security: what a test reads
//! to check a write's effect, and changes "someone else" makes behind the client's back.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::problem;
use crate::clock::now_ms;
use crate::server::Ctx;
use crate::store::Record;

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/__sim/records/{id}", get(read).patch(change))
        .route("/__sim/objects/{name}/records", get(list))
}

/// Every stored field (`IsDeleted` included), with the object's name under `attributes.type`.
fn raw(record: &Record) -> Value {
    let mut fields = Map::new();
    fields.insert("attributes".into(), json!({ "type": record.object }));
    fields.extend(record.fields.clone());
    Value::Object(fields)
}

fn no_record(id: &str) -> Response {
    problem(StatusCode::NOT_FOUND, format!("no record {id} in any org"))
}

async fn read(State(ctx): State<Ctx>, Path(id): Path<String>) -> Response {
    let state = ctx.sim.lock();
    match state.orgs.iter().find_map(|o| o.store.get(&id)) {
        Some(record) => Json(raw(record)).into_response(),
        None => no_record(&id),
    }
}

/// Every record of the object in every org (or in `?org_id=` alone), deleted ones included, in
/// creation order.
async fn list(
    State(ctx): State<Ctx>,
    Path(name): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(object) = ctx.sim.schema.object(&name) else {
        return problem(StatusCode::NOT_FOUND, format!("unknown object {name}"));
    };
    let state = ctx.sim.lock();
    let org_id = params.get("org_id");
    let records: Vec<Value> = state
        .orgs
        .iter()
        .filter(|o| org_id.is_none_or(|id| *id == o.config.id))
        .flat_map(|o| o.store.records(object.name))
        .map(raw)
        .collect();
    Json(records).into_response()
}

/// Changes fields of a live record as another user saving it in the UI would: the record's
/// `LastModifiedDate` and `SystemModstamp` move on, so a client's snapshot of it is stale. The
/// modifier is `?by=` (a user of the record's org), else the org's first administrator.
async fn change(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    Json(body): Json<Map<String, Value>>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some(org_index) = state.orgs.iter().position(|o| o.store.get(&id).is_some()) else {
        return no_record(&id);
    };
    let org_id = state.orgs[org_index].config.id.clone();
    let members: Vec<_> = state.users.iter().filter(|u| u.org_id == org_id).collect();
    let by = match params.get("by") {
        Some(by) => members.iter().find(|u| u.user_id == *by),
        None => members.iter().find(|u| u.profile.all_data()),
    };
    let Some(by) = by.map(|u| u.user_id.clone()) else {
        let message = format!("no user of org {org_id} to make the change");
        return problem(StatusCode::BAD_REQUEST, message);
    };
    let store = &mut state.orgs[org_index].store;
    let Some(record) = store.get(&id) else {
        return no_record(&id);
    };
    if record.deleted() {
        return problem(StatusCode::BAD_REQUEST, format!("{id} is deleted"));
    }
    let Some(object) = ctx.sim.schema.object(record.object) else {
        return no_record(&id);
    };
    let mut changes = Map::new();
    for (name, value) in body {
        match object.field(&name) {
            Some(field) if field.updateable => changes.insert(field.name.to_string(), value),
            _ => {
                let message = format!("{} has no field {name} a user can change", object.name);
                return problem(StatusCode::BAD_REQUEST, message);
            }
        };
    }
    let record_id = record.id.clone();
    store.update(&record_id, changes, now_ms(), &by);
    match store.get(&record_id) {
        Some(record) => Json(raw(record)).into_response(),
        None => no_record(&id),
    }
}
