//! Running a parsed query against one org's records, as one user.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::Value;

use super::SoqlError;
use super::aggregate;
use super::ast::{Expr, Func, Item, Order, Query, Scalar};
use super::filter::{compare_values, matches};
use super::out::Out;
use super::resolve::canonicalize;
use super::rows::render;
use crate::schema::{ObjectDef, Schema};
use crate::sharing::Viewer;
use crate::store::{Record, Store};

/// What a query runs against and as whom.
pub struct Scope<'a> {
    pub schema: &'a Schema,
    pub store: &'a Store,
    /// Rows the caller cannot see are simply absent (and not counted).
    pub viewer: &'a Viewer<'a>,
    pub version: &'a str,
    /// `queryAll` also returns deleted records.
    pub include_deleted: bool,
    /// SOSL: only these records (the search hits) may appear at the top level.
    pub only: Option<&'a HashSet<String>>,
    /// Child sub-query results longer than this are paged like queries.
    pub child_batch: usize,
    /// Child pages still to fetch, collected while rendering; the caller opens their cursors.
    pub child_pages: RefCell<Vec<ChildPage>>,
}

impl Scope<'_> {
    /// The record a lookup of `record` points at, if the caller can see it: a parent that is
    /// not shared reads as null.
    pub(super) fn parent(&self, record: &Record, field: &str) -> Option<&Record> {
        let target = self.store.get(record.get(field).as_str()?)?;
        self.viewer.can_read(target).then_some(target)
    }
}

/// The rest of a child sub-query result, reachable through its `nextRecordsUrl`.
pub struct ChildPage {
    pub cursor_id: String,
    pub rows: Vec<Out>,
    pub total: usize,
}

/// All rows of a query (paging happens later) and the total.
pub struct Rows {
    pub total: usize,
    pub rows: Vec<Out>,
}

pub fn run(query: &Query, scope: &Scope) -> Result<Rows, SoqlError> {
    let object = scope
        .schema
        .object(&query.from)
        .filter(|o| scope.viewer.reads(o))
        .ok_or_else(|| SoqlError::invalid_type(query.from_pos, &query.from))?;
    let mut query = query.clone();
    canonicalize(&mut query, object, scope)?;
    if query.items.iter().any(|i| matches!(i, Item::CountAll)) {
        if query.items.len() > 1 {
            return Err(SoqlError::malformed(
                query.from_pos,
                "COUNT() must be the only element in the SELECT list.".into(),
            ));
        }
        // LIMIT caps the count.
        let total = select(&query, object, scope, None, true).len();
        return Ok(Rows {
            total,
            rows: Vec::new(),
        });
    }
    if query.aggregates() {
        let records = select(&query, object, scope, None, false);
        let rows = aggregate::rows(&query, object, scope, &records);
        return Ok(Rows {
            total: rows.len(),
            rows,
        });
    }
    let rows: Vec<Out> = select(&query, object, scope, None, true)
        .iter()
        .map(|r| render(&query.items, object, r, scope))
        .collect();
    Ok(Rows {
        total: rows.len(),
        rows,
    })
}

/// Whether `USING SCOPE` keeps the record: `mine` is the caller's own; the simulator has no
/// account or opportunity teams, so `team` keeps none.
fn in_scope(scope_name: Option<&str>, record: &Record, viewer: &Viewer) -> bool {
    match scope_name {
        Some("mine") => record.get("OwnerId").as_str() == Some(viewer.user_id),
        Some("team") => false,
        _ => true,
    }
}

/// The records of `object` the query keeps (children of `parent` when given), visible to the
/// caller; `paged` also applies ORDER BY, OFFSET and LIMIT (an aggregate query applies them to
/// its groups instead).
pub(super) fn select<'s>(
    query: &Query,
    object: &ObjectDef,
    scope: &Scope<'s>,
    parent: Option<(&str, &str)>,
    paged: bool,
) -> Vec<&'s Record> {
    let scope_name = query.scope.as_ref().map(|(name, _)| name.as_str());
    let mut records: Vec<&Record> = scope
        .store
        .records(object.name)
        .iter()
        .filter(|r| scope.include_deleted || !r.deleted())
        .filter(|r| scope.viewer.can_read(r))
        .filter(|r| match parent {
            Some((field, id)) => r.get(field).as_str() == Some(id),
            None => scope.only.is_none_or(|only| only.contains(&r.id)),
        })
        .filter(|r| in_scope(scope_name, r, scope.viewer))
        .filter(|r| {
            query
                .filter
                .as_ref()
                .is_none_or(|c| matches(c, &|e| expr_value(e, object, r, scope)))
        })
        .collect();
    if !paged {
        return records;
    }
    sort(&mut records, &query.order_by, |r, e| {
        expr_value(e, object, r, scope)
    });
    let offset = query.offset.unwrap_or(0);
    records
        .into_iter()
        .skip(offset)
        .take(query.limit.unwrap_or(usize::MAX))
        .collect()
}

/// Sorts by each ORDER BY item in turn: nulls first ascending and last descending unless asked.
pub(super) fn sort<T>(items: &mut [T], order_by: &[Order], value: impl Fn(&T, &Expr) -> Value) {
    for order in order_by.iter().rev() {
        items.sort_by(|a, b| {
            let (va, vb) = (value(a, &order.expr), value(b, &order.expr));
            match (va.is_null(), vb.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) if order.nulls_last => Ordering::Greater,
                (true, false) => Ordering::Less,
                (false, true) if order.nulls_last => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => {
                    let o = compare_values(&va, &vb);
                    if order.descending { o.reverse() } else { o }
                }
            }
        });
    }
}

/// The value of a per-record expression (aggregates are per group, see `aggregate.rs`).
fn expr_value(expr: &Expr, object: &ObjectDef, record: &Record, scope: &Scope) -> Value {
    match expr {
        Expr::Scalar(scalar) => scalar_value(object, record, scalar, scope),
        Expr::Aggregate { .. } | Expr::Grouping(_) => Value::Null,
    }
}

/// A field's value through its function.
pub(super) fn scalar_value(
    object: &ObjectDef,
    record: &Record,
    scalar: &Scalar,
    scope: &Scope,
) -> Value {
    let value = value_at(object, record, &scalar.path.parts, scope);
    match scalar.func {
        Some(Func::Date(f)) => f.apply(&value),
        // Picklists label their values as themselves; the orgs have one currency.
        Some(Func::ToLabel | Func::ConvertCurrency) | None => value,
    }
}

/// The value at a canonical path, following lookups the caller can see through the store.
pub(super) fn value_at(
    object: &ObjectDef,
    record: &Record,
    parts: &[String],
    scope: &Scope,
) -> Value {
    match parts {
        [field] => record.get(field).clone(),
        [rel, rest @ ..] => {
            let Some(field) = object.relationship(rel) else {
                return Value::Null;
            };
            let Some(target) = scope.parent(record, field.name) else {
                return Value::Null;
            };
            let target_object = scope
                .schema
                .object(target.object)
                .expect("records belong to known objects");
            value_at(target_object, target, rest, scope)
        }
        [] => Value::Null,
    }
}
