//! Name resolution: every path of a query becomes canonical API names, checked against the
//! schema and the caller's field-level security, before any record is read.

use super::ast::{Cond, Item, Literal, Path, Query};
use super::eval::{Scope, select, value_at};
use super::{ErrorKind, SoqlError};
use crate::schema::{FieldType, ObjectDef, Schema};

fn no_such_field(path: &Path, object: &str) -> SoqlError {
    SoqlError::invalid_field(path.pos, &path.parts.join("."), object)
}

/// Rewrites every path to canonical API names, checking existence and field-level security.
pub(super) fn canonicalize(
    query: &mut Query,
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
    for item in &mut query.items {
        match item {
            Item::Field(path) => canonical_path(path, object, scope)?,
            Item::Aggregate {
                path: Some(path), ..
            } => canonical_path(path, object, scope)?,
            Item::SubQuery(sub) => {
                let child = scope
                    .schema
                    .child_relationship(object.name, &sub.from)
                    .filter(|c| {
                        scope
                            .schema
                            .object(c.child)
                            .is_some_and(|o| scope.viewer.reads(o))
                    });
                let Some(child) = child else {
                    let message = format!(
                        "Didn't understand relationship '{}' in FROM part of query call. If you are attempting to use a \
                         custom relationship, be sure to append the '__r' after the custom relationship name. Please \
                         reference your WSDL or the describe call for the appropriate names.",
                        sub.from
                    );
                    return Err(SoqlError {
                        kind: ErrorKind::InvalidType,
                        pos: sub.from_pos,
                        message,
                    });
                };
                sub.from = child.name.to_string();
                let child_object = scope
                    .schema
                    .object(child.child)
                    .expect("relationships point at known objects");
                canonicalize(sub, child_object, scope)?;
            }
            Item::TypeOf {
                rel,
                whens,
                otherwise,
            } => {
                let field = object
                    .relationship(&rel.parts[0])
                    .filter(|f| scope.viewer.sees(object, f))
                    .ok_or_else(|| no_such_field(rel, object.name))?;
                rel.parts[0] = field.relationship.unwrap_or_default().to_string();
                for (type_name, paths) in whens.iter_mut() {
                    let target = scope
                        .schema
                        .object(type_name)
                        .filter(|t| scope.viewer.reads(t))
                        .ok_or_else(|| SoqlError::invalid_type(rel.pos, type_name))?;
                    *type_name = target.name.to_string();
                    for p in paths {
                        canonical_path(p, target, scope)?;
                    }
                }
                for p in otherwise {
                    let target = field
                        .reference_to
                        .iter()
                        .filter_map(|t| scope.schema.object(t))
                        .find(|t| t.field(&p.parts[0]).is_some());
                    canonical_path(
                        p,
                        target.ok_or_else(|| no_such_field(p, object.name))?,
                        scope,
                    )?;
                }
            }
            Item::CountAll | Item::Aggregate { path: None, .. } => {}
        }
    }
    if let Some(cond) = &mut query.filter {
        canonical_cond(cond, object, scope)?;
    }
    for path in &mut query.group_by {
        canonical_path(path, object, scope)?;
    }
    for order in &mut query.order_by {
        canonical_path(&mut order.path, object, scope)?;
    }
    Ok(())
}

fn canonical_cond(cond: &mut Cond, object: &ObjectDef, scope: &Scope) -> Result<(), SoqlError> {
    match cond {
        Cond::And(terms) | Cond::Or(terms) => terms
            .iter_mut()
            .try_for_each(|t| canonical_cond(t, object, scope)),
        Cond::Not(inner) => canonical_cond(inner, object, scope),
        Cond::In { path, .. } | Cond::Like { path, .. } => canonical_path(path, object, scope),
        Cond::SemiJoin {
            path,
            query,
            negated,
        } => {
            canonical_path(path, object, scope)?;
            let inner = scope
                .schema
                .object(&query.from)
                .filter(|o| scope.viewer.reads(o))
                .ok_or_else(|| SoqlError::invalid_type(query.from_pos, &query.from))?;
            let mut query = (**query).clone();
            canonicalize(&mut query, inner, scope)?;
            let [Item::Field(selected)] = query.items.as_slice() else {
                let message =
                    "The inner select field must be a single field of the semi-join object"
                        .to_string();
                return Err(SoqlError {
                    kind: ErrorKind::MalformedQuery,
                    pos: query.from_pos,
                    message,
                });
            };
            let values = select(&query, inner, scope, None)
                .iter()
                .map(|r| value_at(inner, r, &selected.parts, scope))
                .filter_map(|v| v.as_str().map(|s| Literal::Str(s.to_string())))
                .collect();
            *cond = Cond::In {
                path: path.clone(),
                values,
                negated: *negated,
            };
            Ok(())
        }
        Cond::Cmp { path, value, .. } => {
            canonical_path(path, object, scope)?;
            let kind = field_kind(object, &path.parts, scope.schema);
            let name = path.parts.last().cloned().unwrap_or_default();
            let mismatch = |wanted: &str, quoted: bool| {
                let quotes = if quoted {
                    "and should be enclosed in quotes"
                } else {
                    "and should not be enclosed in quotes"
                };
                let message = format!(
                    "value of filter criterion for field '{name}' must be of type {wanted} {quotes}"
                );
                Err(SoqlError {
                    kind: ErrorKind::InvalidField,
                    pos: path.pos,
                    message,
                })
            };
            match (kind, &*value) {
                (Some(k), Literal::Num(_))
                    if k.is_text() || k == FieldType::Id || k == FieldType::Reference =>
                {
                    mismatch("string", true)
                }
                (Some(k), Literal::Str(_)) if k.is_numeric() => mismatch("double", false),
                (Some(FieldType::Date), Literal::Str(_)) => mismatch("date", false),
                (Some(FieldType::Datetime), Literal::Str(_)) => mismatch("dateTime", false),
                (Some(FieldType::Boolean), Literal::Str(_)) => mismatch("boolean", false),
                _ => Ok(()),
            }
        }
    }
}

/// Resolves `Rel.Rel.Field` from `object`; polymorphic lookups accept a field of any target.
fn canonical_path(path: &mut Path, object: &ObjectDef, scope: &Scope) -> Result<(), SoqlError> {
    let mut current = vec![object];
    let last = path.parts.len() - 1;
    for i in 0..=last {
        let name = path.parts[i].clone();
        if i < last {
            let field = current
                .iter()
                .find_map(|o| o.relationship(&name).filter(|f| scope.viewer.sees(o, f)))
                .ok_or_else(|| no_such_field(path, current[0].name))?;
            path.parts[i] = field.relationship.unwrap_or_default().to_string();
            // Only targets the caller can read are reachable through the relationship.
            current = field
                .reference_to
                .iter()
                .filter_map(|t| scope.schema.object(t))
                .filter(|o| scope.viewer.reads(o))
                .collect();
            if current.is_empty() {
                return Err(no_such_field(path, object.name));
            }
        } else {
            let field = current
                .iter()
                .find_map(|o| o.field(&name).filter(|f| scope.viewer.sees(o, f)))
                .ok_or_else(|| no_such_field(path, current[0].name))?;
            path.parts[i] = field.name.to_string();
        }
    }
    Ok(())
}

fn field_kind(object: &ObjectDef, parts: &[String], schema: &Schema) -> Option<FieldType> {
    match parts {
        [field] => object.field(field).map(|f| f.kind),
        [rel, rest @ ..] => {
            let field = object.relationship(rel)?;
            field
                .reference_to
                .iter()
                .filter_map(|t| schema.object(t))
                .find_map(|o| field_kind(o, rest, schema))
        }
        [] => None,
    }
}
