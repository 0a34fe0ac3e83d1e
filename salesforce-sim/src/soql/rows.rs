//! Query rows: `attributes`, then the selected fields, parent records nested under their
//! relationship name, child sub-query results (or `null` when there are none).

use serde_json::Value;

use super::ast::{Expr, Item};
use super::eval::{ChildPage, Scope, scalar_value, select};
use super::format::format;
use super::out::Out;
use super::resolve::field_kind;
use crate::clock::random_token;
use crate::schema::ObjectDef;
use crate::store::Record;

/// One rendered row: `attributes`, then each select item in order.
pub fn render(items: &[Item], object: &ObjectDef, record: &Record, scope: &Scope) -> Out {
    let mut row = Out::record(object.name, &record.id, scope.version);
    for item in items {
        match item {
            Item::Expr {
                expr: Expr::Scalar(scalar),
                alias,
                format: formatted,
            } => {
                // toLabel and convertCurrency leave the value as it is (see `scalar_value`).
                let leaf = |object: &ObjectDef, field: &str, value: Value| {
                    if *formatted {
                        format(object.field(field).map(|f| f.kind), &value)
                    } else {
                        value
                    }
                };
                match alias {
                    Some(alias) => {
                        let mut value = scalar_value(object, record, scalar, scope);
                        if *formatted {
                            let kind = field_kind(object, &scalar.path.parts, scope.schema);
                            value = format(kind, &value);
                        }
                        row.set(alias, Out::Plain(value));
                    }
                    None => put_path(&mut row, object, record, &scalar.path.parts, scope, &leaf),
                }
            }
            Item::SubQuery(sub) => {
                let child = scope
                    .schema
                    .child_relationship(object.name, &sub.from)
                    .expect("canonicalized");
                let child_object = scope.schema.object(child.child).expect("known object");
                let children = select(
                    sub,
                    child_object,
                    scope,
                    Some((child.field, &record.id)),
                    true,
                );
                let value = if children.is_empty() {
                    Out::Plain(Value::Null)
                } else {
                    let mut rows = children
                        .iter()
                        .map(|c| render(&sub.items, child_object, c, scope))
                        .collect::<Vec<_>>();
                    let total = rows.len();
                    if total > scope.child_batch {
                        // A long child list comes in pages too, with its own nextRecordsUrl.
                        let rest = rows.split_off(scope.child_batch);
                        let cursor_id = format!("01g{}", random_token(15));
                        let next = format!(
                            "/services/data/{}/query/{cursor_id}-{}",
                            scope.version, scope.child_batch
                        );
                        scope.child_pages.borrow_mut().push(ChildPage {
                            cursor_id,
                            rows: rest,
                            total,
                        });
                        Out::page(total, Some(next), rows)
                    } else {
                        Out::page(total, None, rows)
                    }
                };
                row.set(&sub.from, value);
            }
            Item::TypeOf {
                rel,
                whens,
                otherwise,
            } => {
                let field = object.relationship(&rel.parts[0]).expect("canonicalized");
                let value = match scope.parent(record, field.name) {
                    None => Out::Plain(Value::Null),
                    Some(target) => {
                        let target_object =
                            scope.schema.object(target.object).expect("known object");
                        let paths = whens
                            .iter()
                            .find(|(t, _)| t == target.object)
                            .map(|(_, p)| p)
                            .unwrap_or(otherwise);
                        let mut nested = Out::record(target.object, &target.id, scope.version);
                        for p in paths {
                            put_path(&mut nested, target_object, target, &p.parts, scope, &same);
                        }
                        nested
                    }
                };
                row.set(&rel.parts[0], value);
            }
            // Aggregates make an aggregate query, and FIELDS() is expanded before this.
            Item::Expr { .. } | Item::CountAll | Item::Fields { .. } => {}
        }
    }
    row
}

fn same(_: &ObjectDef, _: &str, value: Value) -> Value {
    value
}

/// Turns a leaf value as the item asks (FORMAT()), knowing which object's field it is.
type Leaf<'a> = dyn Fn(&ObjectDef, &str, Value) -> Value + 'a;

/// Adds a (possibly dotted) path to a row, nesting parent records under their relationship name.
fn put_path(
    row: &mut Out,
    object: &ObjectDef,
    record: &Record,
    parts: &[String],
    scope: &Scope,
    leaf: &Leaf,
) {
    match parts {
        [field] => row.set(
            field,
            Out::Plain(leaf(object, field, record.get(field).clone())),
        ),
        [rel, rest @ ..] => {
            let target = object
                .relationship(rel)
                .and_then(|f| scope.parent(record, f.name));
            let Some(target) = target else {
                if row.get_mut(rel).is_none() {
                    row.set(rel, Out::Plain(Value::Null));
                }
                return;
            };
            let target_object = scope.schema.object(target.object).expect("known object");
            if !matches!(row.get_mut(rel), Some(Out::Row(_))) {
                row.set(rel, Out::record(target.object, &target.id, scope.version));
            }
            if let Some(nested) = row.get_mut(rel) {
                // A field absent on this branch of a polymorphic lookup reads as null.
                if target_object.field(&rest[0]).is_some() || rest.len() > 1 {
                    put_path(nested, target_object, target, rest, scope, leaf);
                } else {
                    nested.set(&rest[0], Out::Plain(Value::Null));
                }
            }
        }
        [] => {}
    }
}
