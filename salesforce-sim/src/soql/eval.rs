//! Running a parsed query against one org's records, as one user.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::{Value, json};

use super::ast::{Agg, Item, Query};
use super::filter::{compare_values, matches};
use super::out::Out;
use super::resolve::canonicalize;
use super::rows::render;
use super::{ErrorKind, SoqlError};
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
    let matching = select(&query, object, scope, None);
    if query.items.iter().any(|i| matches!(i, Item::CountAll)) {
        if query.items.len() > 1 {
            return Err(SoqlError::malformed(
                query.from_pos,
                "COUNT() must be the only element in the SELECT list.".into(),
            ));
        }
        return Ok(Rows {
            total: matching.len(),
            rows: Vec::new(),
        });
    }
    if !query.group_by.is_empty()
        || query
            .items
            .iter()
            .any(|i| matches!(i, Item::Aggregate { .. }))
    {
        let rows = aggregate(&query, object, scope, &matching)?;
        return Ok(Rows {
            total: rows.len(),
            rows,
        });
    }
    let rows: Vec<Out> = matching
        .iter()
        .map(|r| render(&query.items, object, r, scope))
        .collect();
    Ok(Rows {
        total: rows.len(),
        rows,
    })
}

/// Filters, orders, offsets and limits the records of `object` (children of `parent` when given).
pub(super) fn select<'s>(
    query: &Query,
    object: &ObjectDef,
    scope: &Scope<'s>,
    parent: Option<(&str, &str)>,
) -> Vec<&'s Record> {
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
        .filter(|r| {
            query
                .filter
                .as_ref()
                .is_none_or(|c| matches(c, object, r, scope))
        })
        .collect();
    for order in query.order_by.iter().rev() {
        records.sort_by(|a, b| {
            let (va, vb) = (
                value_at(object, a, &order.path.parts, scope),
                value_at(object, b, &order.path.parts, scope),
            );
            match (va.is_null(), vb.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => {
                    if order.nulls_last {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (false, true) => {
                    if order.nulls_last {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (false, false) => {
                    let o = compare_values(&va, &vb);
                    if order.descending { o.reverse() } else { o }
                }
            }
        });
    }
    let offset = query.offset.unwrap_or(0);
    records
        .into_iter()
        .skip(offset)
        .take(query.limit.unwrap_or(usize::MAX))
        .collect()
}

/// The value at a canonical path, following lookups through the store.
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

/// GROUP BY / aggregate functions → `AggregateResult` rows.
fn aggregate(
    query: &Query,
    object: &ObjectDef,
    scope: &Scope,
    records: &[&Record],
) -> Result<Vec<Out>, SoqlError> {
    for item in &query.items {
        if let Item::Field(path) = item {
            if !query.group_by.iter().any(|g| g.parts == path.parts) {
                let message = format!(
                    "Field must be grouped or aggregated: {}",
                    path.parts.join(".")
                );
                return Err(SoqlError {
                    kind: ErrorKind::MalformedQuery,
                    pos: path.pos,
                    message,
                });
            }
        } else if !matches!(item, Item::Aggregate { .. }) {
            return Err(SoqlError::malformed(
                query.from_pos,
                "Aggregate queries do not support sub-queries or TYPEOF".into(),
            ));
        }
    }
    let mut groups: Vec<(Vec<Value>, Vec<&Record>)> = Vec::new();
    for record in records {
        let key: Vec<Value> = query
            .group_by
            .iter()
            .map(|g| value_at(object, record, &g.parts, scope))
            .collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(record),
            None => groups.push((key, vec![record])),
        }
    }
    if query.group_by.is_empty() && groups.is_empty() {
        groups.push((Vec::new(), Vec::new()));
    }
    let mut rows = Vec::new();
    for (_, members) in groups {
        let mut row = Out::row();
        row.set(
            "attributes",
            Out::Plain(json!({ "type": "AggregateResult" })),
        );
        let mut expr = 0;
        for item in &query.items {
            match item {
                Item::Field(path) => {
                    let value = members
                        .first()
                        .map(|r| value_at(object, r, &path.parts, scope))
                        .unwrap_or(Value::Null);
                    row.set(
                        path.parts.last().map(String::as_str).unwrap_or_default(),
                        Out::Plain(value),
                    );
                }
                Item::Aggregate { func, path, alias } => {
                    let values: Vec<Value> = members
                        .iter()
                        .map(|r| {
                            path.as_ref()
                                .map(|p| value_at(object, r, &p.parts, scope))
                                .unwrap_or(Value::Null)
                        })
                        .filter(|v| !v.is_null())
                        .collect();
                    let numbers = values.iter().filter_map(Value::as_f64);
                    let value = match func {
                        Agg::Count => json!(values.len()),
                        Agg::CountDistinct => {
                            let mut seen: Vec<&Value> = Vec::new();
                            values.iter().for_each(|v| {
                                if !seen.contains(&v) {
                                    seen.push(v)
                                }
                            });
                            json!(seen.len())
                        }
                        Agg::Sum => json!(numbers.sum::<f64>()),
                        Agg::Avg if values.is_empty() => Value::Null,
                        Agg::Avg => json!(numbers.sum::<f64>() / values.len() as f64),
                        Agg::Min => values
                            .iter()
                            .min_by(|a, b| compare_values(a, b))
                            .cloned()
                            .unwrap_or(Value::Null),
                        Agg::Max => values
                            .iter()
                            .max_by(|a, b| compare_values(a, b))
                            .cloned()
                            .unwrap_or(Value::Null),
                    };
                    let key = alias.clone().unwrap_or_else(|| {
                        expr += 1;
                        format!("expr{}", expr - 1)
                    });
                    row.set(&key, Out::Plain(value));
                }
                _ => {}
            }
        }
        rows.push(row);
    }
    Ok(rows)
}
