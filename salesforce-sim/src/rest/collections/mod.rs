//! sObject Collections (`/composite/sobjects`): get, create, update, upsert and delete up to 200
//! records in one call. Each record goes through the same operation as its single-record
//! resource (`dml.rs`); its error becomes a save result. With `allOrNone` one failure undoes the
//! others, which then report ALL_OR_NONE_OPERATION_ROLLED_BACK.

mod get;

pub use get::{retrieve, retrieve_by_body};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Value, json};

use crate::ids;
use crate::rest::Session;
use crate::rest::dml::{Dml, Lookup, Upserted, as_caller, locate};
use crate::rest::errors::ApiError;
use crate::rest::records::{key_field, readable};
use crate::rest::validation::fields_of;
use crate::schema::ObjectDef;
use crate::server::Ctx;
use crate::sharing::Viewer;
use crate::soql::SoqlError;

const MAX_RECORDS: usize = 200;

fn too_many(limit: usize) -> Response {
    let message =
        format!("record limit reached. cannot submit more than {limit} records into this call");
    ApiError::bad("EXCEEDED_ID_LIMIT", message).into_response()
}

fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// What one record's operation came to.
enum Outcome {
    /// `inserted`: the id is new, so a rollback leaves no record to name.
    Saved {
        id: String,
        created: Option<bool>,
        inserted: bool,
    },
    Failed(ApiError),
}

impl Outcome {
    /// A create, update or delete that saved the record `id` or failed.
    fn of(saved: Result<String, ApiError>, inserted: bool) -> Self {
        match saved {
            Ok(id) => Outcome::Saved {
                id,
                created: None,
                inserted,
            },
            Err(error) => Outcome::Failed(error),
        }
    }

    fn result(&self, rolled_back: bool) -> Value {
        match self {
            Outcome::Saved { id, inserted, .. } if rolled_back => {
                let message = "Record rolled back because not all records were valid and the request was using AllOrNone header";
                let error = ApiError::bad("ALL_OR_NONE_OPERATION_ROLLED_BACK", message);
                let mut result = json!({ "success": false, "errors": [error.save_error()] });
                if !inserted {
                    result["id"] = json!(id);
                }
                result
            }
            Outcome::Saved { id, created, .. } => {
                let mut result = json!({ "id": id, "success": true, "errors": [] });
                if let Some(created) = created {
                    result["created"] = json!(created);
                }
                result
            }
            Outcome::Failed(error) => json!({ "success": false, "errors": [error.save_error()] }),
        }
    }
}

/// Why a record id does not lead to a record, as a save result says it.
fn lookup_error(lookup: Lookup, id: &str) -> ApiError {
    match lookup {
        Lookup::Malformed => ApiError::bad("MALFORMED_ID", format!("malformed id {id}")),
        Lookup::Missing => {
            ApiError::bad("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
        }
        Lookup::Hidden => crate::rest::dml::no_access(),
        Lookup::Deleted => ApiError::bad("ENTITY_IS_DELETED", "entity is deleted"),
    }
}

fn unsupported(name: &str) -> ApiError {
    // Same wording as SOQL's, without the position.
    let error = SoqlError::invalid_type(0, name);
    ApiError::bad("INVALID_TYPE", error.message)
}

/// The object a record names in `attributes.type`, if the caller may read it.
fn record_type<'s>(
    ctx: &'s Ctx,
    viewer: &Viewer,
    record: &Value,
) -> Result<&'s ObjectDef, ApiError> {
    let Some(name) = record["attributes"]["type"].as_str() else {
        return Err(ApiError::bad(
            "INVALID_TYPE",
            "Must send a concrete entity type.",
        ));
    };
    readable(ctx, viewer, name).ok_or_else(|| unsupported(name))
}

/// `{"allOrNone": bool, "records": [...]}`, at most 200 records.
fn parse(body: &[u8]) -> Result<(bool, Vec<Value>), Response> {
    let bad = |message: &str| ApiError::bad("JSON_PARSER_ERROR", message).into_response();
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(&format!("Unexpected character: {e}")))?;
    let Some(records) = value.get("records").and_then(Value::as_array) else {
        return Err(bad("The request body needs a list of records"));
    };
    if records.len() > MAX_RECORDS {
        return Err(too_many(MAX_RECORDS));
    }
    let all_or_none = value
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok((all_or_none, records.clone()))
}

/// Runs `one` for each of `count` records under a transaction, so that all-or-none (asked for,
/// or imposed by an all-or-none Composite around it) can undo the successes after a failure.
fn each(
    dml: &mut Dml,
    all_or_none: bool,
    count: usize,
    mut one: impl FnMut(&mut Dml, usize) -> Outcome,
) -> Response {
    let all_or_none = all_or_none || dml.txn.is_some();
    let outer = dml.txn;
    let txn = dml.store.begin(outer);
    dml.txn = Some(txn);
    let outcomes: Vec<Outcome> = (0..count).map(|i| one(dml, i)).collect();
    dml.txn = outer;
    let failed = outcomes.iter().any(|o| matches!(o, Outcome::Failed(_)));
    let rolled_back = all_or_none && failed;
    if rolled_back {
        dml.store.rollback(txn);
    } else {
        dml.store.commit(txn);
    }
    let results: Vec<Value> = outcomes.iter().map(|o| o.result(rolled_back)).collect();
    Json(results).into_response()
}

/// Parses a create or update body and runs `one` on each record with the object its
/// `attributes.type` names (or why it names none the caller may use).
fn each_record(
    ctx: &Ctx,
    session: &Session,
    headers: &HeaderMap,
    body: &[u8],
    one: impl Fn(&mut Dml, Result<&ObjectDef, ApiError>, Value) -> Outcome,
) -> Response {
    let (all_or_none, records) = match parse(body) {
        Ok(p) => p,
        Err(response) => return response,
    };
    as_caller(ctx, session, headers, |dml| {
        let objects: Vec<Result<&ObjectDef, ApiError>> = records
            .iter()
            .map(|r| record_type(ctx, &dml.viewer, r))
            .collect();
        Ok(each(dml, all_or_none, records.len(), |dml, i| {
            one(dml, objects[i].clone(), records[i].clone())
        }))
    })
}

/// `POST /composite/sobjects`: create records of any objects, in order.
pub async fn create(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    each_record(&ctx, &session, &headers, &body, |dml, object, record| {
        let id = object.and_then(|object| dml.create(object, fields_of(record)?));
        Outcome::of(id, true)
    })
}

/// `PATCH /composite/sobjects`: update records by `id`.
pub async fn update(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    each_record(&ctx, &session, &headers, &body, |dml, object, record| {
        let mut fields = match fields_of(record) {
            Ok(f) => f,
            Err(error) => return Outcome::Failed(error),
        };
        let given = fields.remove("id").or_else(|| fields.remove("Id"));
        let Some(id) = given.as_ref().and_then(Value::as_str).map(String::from) else {
            let error = ApiError::bad("MISSING_ARGUMENT", "Id not specified in an update call");
            return Outcome::Failed(error);
        };
        let outcome = object.and_then(|object| {
            let wrong_type = ids::canonical(&id).is_none_or(|c| !c.starts_with(object.key_prefix));
            if wrong_type {
                let message = format!("{} ID: id value of incorrect type: {id}", object.label);
                return Err(ApiError::bad("MALFORMED_ID", message).fields(&["Id"]));
            }
            let record = locate(dml.store, &dml.viewer, Some(object), &id)
                .map_err(|l| lookup_error(l, &id))?;
            let record_id = record.id.clone();
            dml.update(object, &record_id, fields).map(|()| record_id)
        });
        Outcome::of(outcome, false)
    })
}

/// `PATCH /composite/sobjects/{Name}/{ExternalIdField}`: each record carries its key value.
pub async fn upsert(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    Path((_, name, field)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (all_or_none, records) = match parse(&body) {
        Ok(p) => p,
        Err(response) => return response,
    };
    as_caller(&ctx, &session, &headers, |dml| {
        let object = readable(&ctx, &dml.viewer, &name).ok_or_else(ApiError::not_found)?;
        let key = key_field(object, &dml.viewer, &field)?;
        Ok(each(dml, all_or_none, records.len(), |dml, i| {
            let outcome = fields_of(records[i].clone()).and_then(|mut fields| {
                let given = fields.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned();
                let value = given
                    .and_then(|k| fields.remove(&k))
                    .and_then(|v| v.as_str().map(String::from));
                let Some(value) = value else {
                    return Err(ApiError::bad(
                        "MISSING_ARGUMENT",
                        format!("{key} not specified"),
                    ));
                };
                dml.upsert(object, key, &value, fields)
            });
            match outcome {
                Ok(Upserted::Created(id)) => Outcome::Saved {
                    id,
                    created: Some(true),
                    inserted: true,
                },
                Ok(Upserted::Updated(id)) => Outcome::Saved {
                    id,
                    created: Some(false),
                    inserted: false,
                },
                Ok(Upserted::Ambiguous(found)) => {
                    let message = format!(
                        "more than one record found for external id field: [{}]",
                        found.join(", ")
                    );
                    Outcome::Failed(ApiError::bad("DUPLICATE_EXTERNAL_ID", message))
                }
                Err(error) => Outcome::Failed(error),
            }
        }))
    })
}

/// `DELETE /composite/sobjects?ids=…&allOrNone=…`: ids of any objects.
pub async fn delete(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = pairs(raw);
    let ids = param(&params, "ids").map(|s| list(&s)).unwrap_or_default();
    if ids.is_empty() {
        return ApiError::bad("MISSING_ARGUMENT", "ids not specified").into_response();
    }
    if ids.len() > MAX_RECORDS {
        return too_many(MAX_RECORDS);
    }
    let all_or_none = param(&params, "allOrNone").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let schema = &ctx.sim.schema;
    as_caller(&ctx, &session, &HeaderMap::new(), |dml| {
        Ok(each(dml, all_or_none, ids.len(), |dml, i| {
            let id = &ids[i];
            let found = locate(dml.store, &dml.viewer, None, id)
                .map(|r| (r.id.clone(), r.object))
                .map_err(|l| lookup_error(l, id));
            let outcome = found.and_then(|(record_id, name)| {
                let object = schema.object(name).ok_or_else(|| unsupported(name))?;
                dml.delete(object, &record_id).map(|()| record_id)
            });
            Outcome::of(outcome, false)
        }))
    })
}
