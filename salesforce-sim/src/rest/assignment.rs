//! The org's one active Case assignment rule: every case goes to the org's second configured
//! user (Acme: `standard@acme.sim`; an org with one user, to that user). REST runs it on each
//! create and update unless the request says `Sforce-Auto-Assign: FALSE`.

use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

use crate::schema::ObjectDef;
use crate::store::Store;

/// Sets the rule's owner in the changes of a Case being saved, unless the header turns it off.
pub fn apply(
    store: &Store,
    object: &ObjectDef,
    headers: &HeaderMap,
    changes: &mut Map<String, Value>,
) {
    if object.name != "Case" || !runs(headers) {
        return;
    }
    let users = store.records("User");
    if let Some(owner) = users.get(1).or(users.first()) {
        changes.insert("OwnerId".into(), json!(owner.id));
    }
}

/// `TRUE`, `FALSE` (any case) or an AssignmentRule id; absent means `TRUE`.
fn runs(headers: &HeaderMap) -> bool {
    headers
        .get("sforce-auto-assign")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"))
}
