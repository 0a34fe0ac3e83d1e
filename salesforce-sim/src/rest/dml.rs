//! The record operations behind both the sObject resources and sObject Collections: object
//! permissions, record access, then the write checks of `validation.rs`. Failures are
//! `ApiError`s, which a resource sends as its error body and a collection as a save result.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::clock::now_ms;
use crate::ids;
use crate::rest::errors::ApiError;
use crate::rest::validation::Write;
use crate::rest::{Session, assignment, cascade, missing};
use crate::schema::{ObjectDef, Schema};
use crate::server::Ctx;
use crate::sharing::{Access, Viewer};
use crate::store::{Record, Store, Undo};

/// Why a record id does not lead to a record the caller may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    Malformed,
    /// No record of that object with that id.
    Missing,
    /// It exists, but sharing hides it from the caller.
    Hidden,
    /// In the Recycle Bin.
    Deleted,
}

/// The record behind `id` (of `object` when given), if the caller can see it and it is live.
pub fn locate<'s>(
    store: &'s Store,
    viewer: &Viewer,
    object: Option<&ObjectDef>,
    id: &str,
) -> Result<&'s Record, Lookup> {
    let id = ids::canonical(id).ok_or(Lookup::Malformed)?;
    let record = store
        .get(&id)
        .filter(|r| object.is_none_or(|o| r.object == o.name))
        .ok_or(Lookup::Missing)?;
    if !viewer.can_read(record) {
        return Err(Lookup::Hidden);
    }
    if record.deleted() {
        return Err(Lookup::Deleted);
    }
    Ok(record)
}

/// "insufficient access rights on object id": the object permission or the record's sharing
/// does not allow the write.
pub fn no_access() -> ApiError {
    ApiError::bad(
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights on object id",
    )
}

/// What an upsert did.
pub enum Upserted {
    Created(String),
    Updated(String),
    /// The key matched several records the caller can see.
    Ambiguous(Vec<String>),
}

/// One caller's writes to one org, under the request's transaction when there is one.
pub struct Dml<'a> {
    schema: &'a Schema,
    pub store: &'a mut Store,
    pub viewer: Viewer<'a>,
    version: &'a str,
    headers: &'a HeaderMap,
    pub txn: Option<u64>,
    now: i64,
}

/// Runs `write` as the session's caller, under its transaction; 404 when the caller is gone. An
/// error `write` returns is the answer.
pub fn as_caller(
    ctx: &Ctx,
    session: &Session,
    headers: &HeaderMap,
    write: impl FnOnce(&mut Dml<'_>) -> Result<Response, ApiError>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some((store, viewer)) = session.caller(&mut state) else {
        return missing();
    };
    let mut dml = Dml {
        schema: &ctx.sim.schema,
        store,
        viewer,
        version: &session.version,
        headers,
        txn: session.txn,
        now: now_ms(),
    };
    write(&mut dml).unwrap_or_else(IntoResponse::into_response)
}

impl Dml<'_> {
    /// The write checks for `object`, against `existing` on an update.
    fn checks<'w>(&'w self, object: &'w ObjectDef, existing: Option<&'w Record>) -> Write<'w> {
        Write {
            store: self.store,
            object,
            viewer: &self.viewer,
            version: self.version,
            existing,
        }
    }

    pub fn create(
        &mut self,
        object: &ObjectDef,
        fields: Map<String, Value>,
    ) -> Result<String, ApiError> {
        if !self.viewer.object(object).create {
            return Err(no_access());
        }
        let mut changes = self.checks(object, None).check(fields, self.headers)?;
        assignment::apply(self.store, object, self.headers, &mut changes);
        let id = self
            .store
            .insert(object, changes, self.now, self.viewer.user_id);
        self.store.note(self.txn, Undo::Inserted(id.clone()));
        Ok(id)
    }

    /// Updates a record the caller can see (`locate` found it).
    pub fn update(
        &mut self,
        object: &ObjectDef,
        id: &str,
        fields: Map<String, Value>,
    ) -> Result<(), ApiError> {
        let record = self.store.get(id).ok_or_else(no_access)?;
        let access = self.viewer.record(record);
        if !self.viewer.object(object).edit || access < Access::Edit {
            return Err(no_access());
        }
        let mut changes = self
            .checks(object, Some(record))
            .check(fields, self.headers)?;
        // Handing a record to someone else needs full access (owner or "Modify All Data").
        let transfer = changes
            .get("OwnerId")
            .is_some_and(|owner| owner != record.get("OwnerId"));
        if transfer && access < Access::All {
            return Err(no_access());
        }
        // The rule reassigns as the system does, past the caller's own right to transfer.
        assignment::apply(self.store, object, self.headers, &mut changes);
        let before = record.clone();
        self.store
            .update(id, changes, self.now, self.viewer.user_id);
        self.store.note(self.txn, Undo::Changed(before));
        Ok(())
    }

    /// Soft-deletes a record the caller can see, with the children that cascade from it: needs
    /// the object's Delete and full access to the record itself (not to the children).
    pub fn delete(&mut self, object: &ObjectDef, id: &str) -> Result<(), ApiError> {
        let record = self.store.get(id).ok_or_else(no_access)?;
        if !self.viewer.object(object).delete || self.viewer.record(record) < Access::All {
            return Err(no_access());
        }
        for doomed in cascade::doomed(self.schema, self.store, id)? {
            let Some(before) = self.store.get(&doomed).cloned() else {
                continue;
            };
            let mut changes = Map::new();
            changes.insert("IsDeleted".into(), json!(true));
            self.store
                .update(&doomed, changes, self.now, self.viewer.user_id);
            self.store.note(self.txn, Undo::Changed(before));
        }
        Ok(())
    }

    /// Inserts or updates the record whose `field` is `value`, among those the caller sees.
    pub fn upsert(
        &mut self,
        object: &ObjectDef,
        field: &str,
        value: &str,
        mut fields: Map<String, Value>,
    ) -> Result<Upserted, ApiError> {
        let found: Vec<String> = matching(self.store, &self.viewer, object, field, value)
            .iter()
            .map(|r| r.id.clone())
            .collect();
        match found.as_slice() {
            [] => {
                fields.insert(field.to_string(), json!(value));
                self.create(object, fields).map(Upserted::Created)
            }
            [id] => {
                self.update(object, id, fields)?;
                Ok(Upserted::Updated(id.clone()))
            }
            _ => Ok(Upserted::Ambiguous(found)),
        }
    }
}

/// Live records of `object` the caller can see whose `field` equals `value` (case-insensitive).
pub fn matching<'s>(
    store: &'s Store,
    viewer: &Viewer,
    object: &ObjectDef,
    field: &str,
    value: &str,
) -> Vec<&'s Record> {
    store
        .records(object.name)
        .iter()
        .filter(|r| !r.deleted() && viewer.can_read(r))
        .filter(|r| {
            r.get(field)
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(value))
        })
        .collect()
}
