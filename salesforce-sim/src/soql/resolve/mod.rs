//! Name resolution: every path of a query becomes canonical API names, checked against the
//! schema, the caller's object permissions and field-level security, and the rules of the
//! clause it is in, before any record is read.

mod conditions;

use conditions::{canonical_cond, cond_exprs};

use super::ast::{Expr, Func, GroupKind, Item, Path, Query, Scalar};
use super::eval::Scope;
use super::expand;
use super::{ErrorKind, SoqlError};
use crate::schema::{FieldType, ObjectDef, Schema};

pub(super) fn no_such_field(path: &Path, object: &str) -> SoqlError {
    SoqlError::invalid_field(path.pos, &path.parts.join("."), object)
}

pub(super) fn malformed(pos: usize, message: impl Into<String>) -> SoqlError {
    SoqlError::malformed(pos, message.into())
}

/// The scopes `USING SCOPE` takes on an object (what its describe lists as `supportedScopes`).
fn scopes(object: &ObjectDef) -> &'static [&'static str] {
    if !object.custom() && object.field("OwnerId").is_some() {
        &["everything", "mine", "team"]
    } else {
        &["everything", "mine"]
    }
}

/// Rewrites the query to canonical API names and checks it; sub-queries recursively.
pub(super) fn canonicalize(
    query: &mut Query,
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
    expand::aliases(query)?;
    expand::fields(query, object, scope.viewer)?;
    if let Some(pos) = query.data_category {
        let message =
            "Data category filtering is only supported for knowledge articles and questions";
        return Err(malformed(pos, message));
    }
    if let Some((name, pos)) = &mut query.scope {
        let Some(known) = scopes(object).iter().find(|s| s.eq_ignore_ascii_case(name)) else {
            return Err(malformed(*pos, format!("Invalid scope: {name}")));
        };
        *name = known.to_string();
    }
    let aggregates = query.aggregates();
    for item in &mut query.items {
        match item {
            Item::Expr {
                expr,
                alias,
                format,
            } => {
                canonical_expr(expr, object, scope)?;
                check_select(expr, alias.is_some() && !*format, aggregates)?;
            }
            Item::SubQuery(sub) => {
                if aggregates {
                    return Err(malformed(
                        sub.from_pos,
                        "Aggregate queries do not support sub-queries",
                    ));
                }
                sub_query(sub, object, scope)?;
            }
            Item::TypeOf {
                rel,
                whens,
                otherwise,
            } => {
                if aggregates {
                    return Err(malformed(
                        rel.pos,
                        "Aggregate queries do not support TYPEOF",
                    ));
                }
                type_of(rel, whens, otherwise, object, scope)?;
            }
            Item::CountAll | Item::Fields { .. } => {}
        }
    }
    if let Some(cond) = &mut query.filter {
        canonical_cond(cond, object, scope, false)?;
    }
    if let Some(group) = &mut query.group_by {
        for scalar in &mut group.exprs {
            canonical_scalar(scalar, object, scope)?;
        }
    }
    if let Some(cond) = &mut query.having {
        canonical_cond(cond, object, scope, true)?;
    }
    for order in &mut query.order_by {
        canonical_expr(&mut order.expr, object, scope)?;
    }
    check_grouping(query)
}

/// The select list's rules: date functions, and aliases of plain fields (not of FORMAT(),
/// toLabel() or convertCurrency()), belong to aggregate queries.
fn check_select(expr: &Expr, aliased: bool, aggregates: bool) -> Result<(), SoqlError> {
    if let Expr::Scalar(scalar) = expr
        && !aggregates
    {
        if matches!(scalar.func, Some(Func::Date(_))) {
            return Err(malformed(
                scalar.path.pos,
                "Date functions are only supported in aggregate queries",
            ));
        }
        if aliased && scalar.func.is_none() {
            return Err(malformed(
                scalar.path.pos,
                "only aggregate expressions use field aliasing",
            ));
        }
    }
    Ok(())
}

/// In an aggregate query every plain value is grouped, and GROUPING() names a rolled-up field.
fn check_grouping(query: &Query) -> Result<(), SoqlError> {
    if !query.aggregates() {
        return Ok(());
    }
    let grouped: &[Scalar] = query
        .group_by
        .as_ref()
        .map(|g| g.exprs.as_slice())
        .unwrap_or(&[]);
    let rolled = query
        .group_by
        .as_ref()
        .is_some_and(|g| g.kind != GroupKind::Plain);
    let mut exprs: Vec<&Expr> = query
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Expr { expr, .. } => Some(expr),
            _ => None,
        })
        .chain(query.order_by.iter().map(|o| &o.expr))
        .collect();
    if let Some(having) = &query.having {
        cond_exprs(having, &mut exprs);
    }
    for expr in exprs {
        match expr {
            Expr::Scalar(scalar) if !grouped.iter().any(|g| g.same(scalar)) => {
                return Err(SoqlError::about(
                    ErrorKind::MalformedQuery,
                    "Field must be grouped or aggregated",
                    &scalar.path,
                ));
            }
            Expr::Grouping(path)
                if !rolled
                    || !grouped
                        .iter()
                        .any(|g| g.func.is_none() && g.path.parts == path.parts) =>
            {
                return Err(SoqlError::about(
                    ErrorKind::MalformedQuery,
                    "GROUPING() needs a field of ROLLUP or CUBE",
                    path,
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn sub_query(sub: &mut Query, object: &ObjectDef, scope: &Scope) -> Result<(), SoqlError> {
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
    canonicalize(sub, child_object, scope)
}

fn type_of(
    rel: &mut Path,
    whens: &mut [(String, Vec<Path>)],
    otherwise: &mut [Path],
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
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
    Ok(())
}

fn canonical_scalar(
    scalar: &mut Scalar,
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
    canonical_path(&mut scalar.path, object, scope)?;
    if let Some(Func::Date(func)) = scalar.func {
        let kind = field_kind(object, &scalar.path.parts, scope.schema);
        let fits = match kind {
            Some(FieldType::Datetime) => true,
            Some(FieldType::Date) => !func.needs_time(),
            _ => false,
        };
        if !fits {
            return Err(SoqlError::about(
                ErrorKind::InvalidField,
                "Invalid date function on field",
                &scalar.path,
            ));
        }
    }
    Ok(())
}

pub(super) fn canonical_expr(
    expr: &mut Expr,
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
    match expr {
        Expr::Scalar(scalar) | Expr::Aggregate { arg: scalar, .. } => {
            canonical_scalar(scalar, object, scope)
        }
        Expr::Grouping(path) => canonical_path(path, object, scope),
    }
}

/// Resolves `Rel.Rel.Field` from `object`; polymorphic lookups accept a field of any target.
pub(super) fn canonical_path(
    path: &mut Path,
    object: &ObjectDef,
    scope: &Scope,
) -> Result<(), SoqlError> {
    let mut current = vec![object];
    let last = path.parts.len() - 1;
    for i in 0..=last {
        let name = path.parts[i].clone();
        if i < last {
            // Only targets the caller can read are reachable through the relationship.
            let field = current
                .iter()
                .find_map(|o| o.relationship(&name).filter(|f| scope.viewer.sees(o, f)));
            let targets: Vec<&ObjectDef> = field
                .iter()
                .flat_map(|f| f.reference_to.iter())
                .filter_map(|t| scope.schema.object(t))
                .filter(|o| scope.viewer.reads(o))
                .collect();
            let (Some(field), false) = (field, targets.is_empty()) else {
                let message = format!(
                    "Didn't understand relationship '{name}' in field path. If you are attempting to use a custom \
                     relationship, be sure to append the '__r' after the custom relationship name. Please reference \
                     your WSDL or the describe call for the appropriate names."
                );
                return Err(SoqlError {
                    kind: ErrorKind::InvalidField,
                    pos: path.pos,
                    message,
                });
            };
            path.parts[i] = field.relationship.unwrap_or_default().to_string();
            current = targets;
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

pub(super) fn field_kind(
    object: &ObjectDef,
    parts: &[String],
    schema: &Schema,
) -> Option<FieldType> {
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
