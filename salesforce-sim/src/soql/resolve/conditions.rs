//! Conditions of WHERE (record values, semi-joins resolved into lists) and HAVING (aggregates
//! and grouped values): names, operators that fit the field, literals of the field's kind.

use super::{canonical_expr, canonical_path, canonicalize, field_kind, malformed};
use crate::schema::{FieldType, ObjectDef};
use crate::soql::ast::{Cond, Expr, Func, Item, Literal, Path, Scalar};
use crate::soql::dates::DateFn;
use crate::soql::eval::{Scope, select, value_at};
use crate::soql::{ErrorKind, SoqlError};

pub(super) fn cond_exprs<'q>(cond: &'q Cond, out: &mut Vec<&'q Expr>) {
    match cond {
        Cond::And(terms) | Cond::Or(terms) => terms.iter().for_each(|t| cond_exprs(t, out)),
        Cond::Not(inner) => cond_exprs(inner, out),
        Cond::Cmp { left, .. }
        | Cond::In { left, .. }
        | Cond::Like { left, .. }
        | Cond::Includes { left, .. } => out.push(left),
        Cond::SemiJoin { .. } | Cond::Distance(_) => {}
    }
}

fn first_pos(expr: &Expr) -> usize {
    match expr {
        Expr::Scalar(Scalar { path, .. })
        | Expr::Aggregate {
            arg: Scalar { path, .. },
            ..
        }
        | Expr::Grouping(path) => path.pos,
    }
}

pub(super) fn canonical_cond(
    cond: &mut Cond,
    object: &ObjectDef,
    scope: &Scope,
    having: bool,
) -> Result<(), SoqlError> {
    match cond {
        Cond::And(terms) | Cond::Or(terms) => terms
            .iter_mut()
            .try_for_each(|t| canonical_cond(t, object, scope, having)),
        Cond::Not(inner) => canonical_cond(inner, object, scope, having),
        Cond::In { left, .. } | Cond::Like { left, .. } => left_side(left, object, scope, having),
        Cond::Includes { left, .. } => {
            left_side(left, object, scope, having)?;
            let Expr::Scalar(Scalar { path, func: None }) = left else {
                return Err(malformed(
                    first_pos(left),
                    "INCLUDES and EXCLUDES compare a field",
                ));
            };
            if field_kind(object, &path.parts, scope.schema) != Some(FieldType::Multipicklist) {
                return Err(SoqlError::about(
                    ErrorKind::InvalidField,
                    "invalid operator on non multi-select picklist field",
                    path,
                ));
            }
            Ok(())
        }
        Cond::Distance(path) => {
            canonical_path(path, object, scope)?;
            Err(SoqlError::about(
                ErrorKind::InvalidField,
                "DISTANCE needs a geolocation field",
                path,
            ))
        }
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
            let [
                Item::Expr {
                    expr:
                        Expr::Scalar(Scalar {
                            path: selected,
                            func: None,
                        }),
                    ..
                },
            ] = query.items.as_slice()
            else {
                return Err(malformed(
                    query.from_pos,
                    "The inner select field must be a single field of the semi-join object",
                ));
            };
            let values = select(&query, inner, scope, None, true)
                .iter()
                .map(|r| value_at(inner, r, &selected.parts, scope))
                .filter_map(|v| v.as_str().map(|s| Literal::Str(s.to_string())))
                .collect();
            let left = Expr::Scalar(Scalar {
                path: path.clone(),
                func: None,
            });
            *cond = Cond::In {
                left,
                values,
                negated: *negated,
            };
            Ok(())
        }
        Cond::Cmp { left, value, .. } => {
            left_side(left, object, scope, having)?;
            let Expr::Scalar(Scalar { path, func }) = left else {
                return Ok(());
            };
            let kind = match func {
                Some(Func::Date(DateFn::DayOnly)) => Some(FieldType::Date),
                Some(Func::Date(_)) => Some(FieldType::Int),
                _ => field_kind(object, &path.parts, scope.schema),
            };
            literal_fits(path, kind, value)
        }
    }
}

/// A WHERE condition compares record values; HAVING compares aggregates and grouped values.
fn left_side(
    left: &mut Expr,
    object: &ObjectDef,
    scope: &Scope,
    having: bool,
) -> Result<(), SoqlError> {
    match &*left {
        Expr::Aggregate {
            arg: Scalar { path, .. },
            ..
        }
        | Expr::Grouping(path)
            if !having =>
        {
            Err(malformed(
                path.pos,
                "Aggregate functions are not allowed in the WHERE clause",
            ))
        }
        _ => canonical_expr(left, object, scope),
    }
}

/// Salesforce refuses a literal of the wrong kind for the field, quoting what it wants.
fn literal_fits(path: &Path, kind: Option<FieldType>, value: &Literal) -> Result<(), SoqlError> {
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
    let dated = matches!(
        value,
        Literal::Date(_) | Literal::DateTime(_) | Literal::DateRange(..)
    );
    match (kind, value) {
        (Some(k), Literal::Num(_))
            if k.is_text() || k == FieldType::Id || k == FieldType::Reference =>
        {
            mismatch("string", true)
        }
        (Some(k), _)
            if dated && (k.is_text() || k == FieldType::Id || k == FieldType::Reference) =>
        {
            mismatch("string", true)
        }
        (Some(k), Literal::Str(_)) if k.is_numeric() => mismatch("double", false),
        (Some(k), _) if dated && k.is_numeric() => mismatch("double", false),
        (Some(FieldType::Date), Literal::Str(_)) => mismatch("date", false),
        (Some(FieldType::Datetime), Literal::Str(_)) => mismatch("dateTime", false),
        (Some(FieldType::Boolean), Literal::Str(_)) => mismatch("boolean", false),
        _ => Ok(()),
    }
}
