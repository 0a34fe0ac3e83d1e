//! What a delete takes with it: the children of cascading relationships (and theirs), unless a
//! restricting relationship has live children, which makes Salesforce refuse the whole delete.

use crate::ids;
use crate::rest::errors::ApiError;
use crate::schema::{ChildRelationship, Schema};
use crate::store::{Record, Store};

/// The ids a delete of `id` soft-deletes, `id` first; `DELETE_FAILED` when a record among them
/// has children that restrict it.
pub fn doomed(schema: &Schema, store: &Store, id: &str) -> Result<Vec<String>, ApiError> {
    let mut doomed = vec![id.to_string()];
    let mut next = 0;
    while let Some(parent) = doomed.get(next).and_then(|id| store.get(id)) {
        next += 1;
        for relationship in schema.children_of(parent.object) {
            let children = children(store, &relationship, &parent.id);
            if relationship.restricted_delete && !children.is_empty() {
                return Err(delete_failed(schema, parent, &children));
            }
            if relationship.cascade_delete {
                for child in children {
                    if !doomed.contains(&child.id) {
                        doomed.push(child.id.clone());
                    }
                }
            }
        }
    }
    Ok(doomed)
}

/// Live records pointing at `parent` through `relationship`, whoever may see them.
fn children<'s>(
    store: &'s Store,
    relationship: &ChildRelationship,
    parent: &str,
) -> Vec<&'s Record> {
    store
        .records(relationship.child)
        .iter()
        .filter(|r| !r.deleted())
        .filter(|r| {
            r.get(relationship.field)
                .as_str()
                .and_then(ids::canonical)
                .is_some_and(|id| id == parent)
        })
        .collect()
}

/// The record's name-field value (`Name`, `CaseNumber`, `OrderNumber`), else its id.
fn name(schema: &Schema, record: &Record) -> String {
    schema
        .object(record.object)
        .and_then(|o| o.fields.iter().find(|f| f.name_field))
        .and_then(|f| record.get(f.name).as_str())
        .unwrap_or(&record.id)
        .to_string()
}

/// Salesforce's refusal, naming the blocking records (trailing space included, as it sends it).
fn delete_failed(schema: &Schema, parent: &Record, children: &[&Record]) -> ApiError {
    let plural = children
        .first()
        .and_then(|c| schema.object(c.object))
        .map(|o| o.label_plural.to_lowercase())
        .unwrap_or_default();
    let names: Vec<String> = children.iter().map(|c| name(schema, c)).collect();
    let message = format!(
        "Your attempt to delete {} could not be completed because it is associated with the following {plural}.: {} ",
        name(schema, parent),
        names.join(", ")
    );
    ApiError::bad("DELETE_FAILED", message).with_empty_fields()
}
