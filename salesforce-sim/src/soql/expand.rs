//! Rewrites before names are resolved: FROM aliases (`FROM Contact c, c.Account a` makes
//! `c.Name` mean `Name` and `a.Name` mean `Account.Name`) and `FIELDS()` into the fields it
//! names that the caller can see.

use super::SoqlError;
use super::ast::{Cond, Expr, FieldsKind, Item, Path, Query, Scalar};
use crate::schema::ObjectDef;
use crate::sharing::Viewer;

fn each_expr_path(expr: &mut Expr, f: &mut dyn FnMut(&mut Path)) {
    match expr {
        Expr::Scalar(Scalar { path, .. })
        | Expr::Aggregate {
            arg: Scalar { path, .. },
            ..
        } => f(path),
        Expr::Grouping(path) => f(path),
    }
}

fn each_cond_path(cond: &mut Cond, f: &mut dyn FnMut(&mut Path)) {
    match cond {
        Cond::And(terms) | Cond::Or(terms) => terms.iter_mut().for_each(|t| each_cond_path(t, f)),
        Cond::Not(inner) => each_cond_path(inner, f),
        Cond::Cmp { left, .. }
        | Cond::In { left, .. }
        | Cond::Like { left, .. }
        | Cond::Includes { left, .. } => each_expr_path(left, f),
        Cond::SemiJoin { path, .. } | Cond::Distance(path) => f(path),
    }
}

/// Every path of this query level (sub-queries have their own FROM).
fn each_path(query: &mut Query, f: &mut dyn FnMut(&mut Path)) {
    for item in &mut query.items {
        match item {
            Item::Expr { expr, .. } => each_expr_path(expr, f),
            Item::TypeOf { rel, .. } => f(rel),
            Item::CountAll | Item::SubQuery(_) | Item::Fields { .. } => {}
        }
    }
    for cond in [&mut query.filter, &mut query.having].into_iter().flatten() {
        each_cond_path(cond, f);
    }
    for scalar in query.group_by.iter_mut().flat_map(|g| g.exprs.iter_mut()) {
        f(&mut scalar.path);
    }
    for order in &mut query.order_by {
        each_expr_path(&mut order.expr, f);
    }
}

fn strip(path: &mut Path, alias: &str) -> bool {
    let aliased = path.parts.len() > 1 && path.parts[0].eq_ignore_ascii_case(alias);
    if aliased {
        path.parts.remove(0);
    }
    aliased
}

pub(super) fn aliases(query: &mut Query) -> Result<(), SoqlError> {
    let Some(alias) = query.alias.clone() else {
        return Ok(());
    };
    let mut joins = Vec::new();
    for (mut path, name) in query.joins.drain(..) {
        if !strip(&mut path, &alias) {
            let message = format!("unexpected token: {}", path.parts.join("."));
            return Err(SoqlError::malformed(path.pos, message));
        }
        joins.push((path.parts, name));
    }
    each_path(query, &mut |path| {
        if strip(path, &alias) {
            return;
        }
        if path.parts.len() > 1
            && let Some((target, _)) = joins
                .iter()
                .find(|(_, name)| name.eq_ignore_ascii_case(&path.parts[0]))
        {
            path.parts.splice(0..1, target.iter().cloned());
        }
    });
    Ok(())
}

/// The unbounded forms must come with a LIMIT of at most 200, as over the REST API.
const FIELDS_LIMIT: usize = 200;

pub(super) fn fields(
    query: &mut Query,
    object: &ObjectDef,
    viewer: &Viewer,
) -> Result<(), SoqlError> {
    let mut items = Vec::with_capacity(query.items.len());
    for item in query.items.drain(..) {
        let Item::Fields { kind, pos } = item else {
            items.push(item);
            continue;
        };
        if kind != FieldsKind::Standard && query.limit.is_none_or(|n| n > FIELDS_LIMIT) {
            let message =
                format!("The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}");
            return Err(SoqlError::malformed(pos, message));
        }
        let named = object.fields.iter().filter(|f| match kind {
            FieldsKind::All => true,
            FieldsKind::Standard => !f.custom(),
            FieldsKind::Custom => f.custom(),
        });
        for field in named.filter(|f| viewer.sees(object, f)) {
            let already = items.iter().any(|i| {
                matches!(i, Item::Expr { expr: Expr::Scalar(s), .. } if s.func.is_none() && s.path.parts == [field.name])
            });
            if !already {
                let path = Path {
                    parts: vec![field.name.to_string()],
                    pos,
                };
                let expr = Expr::Scalar(Scalar { path, func: None });
                items.push(Item::Expr {
                    expr,
                    alias: None,
                    format: false,
                });
            }
        }
    }
    query.items = items;
    Ok(())
}
