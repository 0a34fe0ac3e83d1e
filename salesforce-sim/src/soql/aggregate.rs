//! Aggregate queries → `AggregateResult` rows: GROUP BY (plain, ROLLUP with subtotals after
//! their groups and the grand total last, CUBE with every combination), aggregate functions,
//! GROUPING(), HAVING, then ORDER BY, OFFSET and LIMIT over the groups.

use serde_json::{Value, json};

use super::ast::{Agg, Expr, GroupKind, Item, Query, Scalar};
use super::eval::{Scope, scalar_value, sort};
use super::filter::{compare_values, matches};
use super::format::format;
use super::out::Out;
use super::resolve::field_kind;
use crate::schema::{FieldType, ObjectDef};
use crate::store::Record;

/// One output row: the grouped values (`None` where this row totals over the expression) and
/// the records it covers.
struct Group<'r> {
    key: Vec<Option<Value>>,
    members: Vec<&'r Record>,
}

struct Grouper<'q, 'a> {
    object: &'q ObjectDef,
    scope: &'q Scope<'a>,
    grouped: &'q [Scalar],
}

impl Grouper<'_, '_> {
    fn key_of(&self, record: &Record, e: &Scalar) -> Value {
        scalar_value(self.object, record, e, self.scope)
    }

    /// Groups of `records` by every expression, in order of first appearance.
    fn plain<'r>(&self, records: &[&'r Record], include: &[bool]) -> Vec<Group<'r>> {
        let mut groups: Vec<Group> = Vec::new();
        for record in records {
            let key: Vec<Option<Value>> = self
                .grouped
                .iter()
                .zip(include)
                .map(|(e, on)| on.then(|| self.key_of(record, e)))
                .collect();
            match groups.iter_mut().find(|g| g.key == key) {
                Some(group) => group.members.push(record),
                None => groups.push(Group {
                    key,
                    members: vec![record],
                }),
            }
        }
        groups
    }

    /// ROLLUP: each group of the first `level` expressions, then its subtotal.
    fn rollup<'r>(&self, records: &[&'r Record], prefix: Vec<Option<Value>>) -> Vec<Group<'r>> {
        let level = prefix.len();
        let mut total = prefix.clone();
        total.resize(self.grouped.len(), None);
        if level == self.grouped.len() {
            return vec![Group {
                key: total,
                members: records.to_vec(),
            }];
        }
        let mut values: Vec<Value> = Vec::new();
        for record in records {
            let v = self.key_of(record, &self.grouped[level]);
            if !values.contains(&v) {
                values.push(v);
            }
        }
        let mut out = Vec::new();
        for value in values {
            let members: Vec<&Record> = records
                .iter()
                .filter(|r| self.key_of(r, &self.grouped[level]) == value)
                .copied()
                .collect();
            let mut next = prefix.clone();
            next.push(Some(value));
            out.extend(self.rollup(&members, next));
        }
        out.push(Group {
            key: total,
            members: records.to_vec(),
        });
        out
    }

    /// CUBE: the groups of every subset of the expressions, largest subsets first.
    fn cube<'r>(&self, records: &[&'r Record]) -> Vec<Group<'r>> {
        let n = self.grouped.len();
        let mut subsets: Vec<Vec<bool>> = (0..1u32 << n)
            .map(|mask| (0..n).map(|i| mask & (1 << (n - 1 - i)) != 0).collect())
            .collect();
        subsets.sort_by_key(|s: &Vec<bool>| std::cmp::Reverse(s.iter().filter(|on| **on).count()));
        let mut out = Vec::new();
        for include in subsets {
            let mut groups = self.plain(records, &include);
            if groups.is_empty() && include.iter().all(|on| !on) {
                groups.push(Group {
                    key: vec![None; n],
                    members: Vec::new(),
                });
            }
            out.extend(groups);
        }
        out
    }

    fn value(&self, expr: &Expr, group: &Group) -> Value {
        match expr {
            Expr::Scalar(scalar) => self
                .grouped
                .iter()
                .position(|g| g.same(scalar))
                .and_then(|i| group.key[i].clone())
                .unwrap_or(Value::Null),
            Expr::Aggregate { func, arg } => self.aggregate(*func, arg, &group.members),
            Expr::Grouping(path) => {
                let i = self.grouped.iter().position(|g| g.path.parts == path.parts);
                json!(i.is_some_and(|i| group.key[i].is_none()) as u8)
            }
        }
    }

    fn aggregate(&self, func: Agg, arg: &Scalar, members: &[&Record]) -> Value {
        let values: Vec<Value> = members
            .iter()
            .map(|r| scalar_value(self.object, r, arg, self.scope))
            .filter(|v| !v.is_null())
            .collect();
        let numbers = values.iter().filter_map(Value::as_f64);
        match func {
            Agg::Count => json!(values.len()),
            Agg::CountDistinct => {
                let mut seen: Vec<&Value> = Vec::new();
                for v in &values {
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
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
        }
    }

    /// The field type FORMAT() formats an expression as.
    fn kind(&self, expr: &Expr) -> Option<FieldType> {
        match expr {
            Expr::Scalar(s) if s.func.is_none() => {
                field_kind(self.object, &s.path.parts, self.scope.schema)
            }
            Expr::Aggregate {
                func: Agg::Sum | Agg::Avg | Agg::Min | Agg::Max,
                arg,
            } if arg.func.is_none() => field_kind(self.object, &arg.path.parts, self.scope.schema),
            _ => None,
        }
    }
}

pub(super) fn rows(
    query: &Query,
    object: &ObjectDef,
    scope: &Scope,
    records: &[&Record],
) -> Vec<Out> {
    let grouped = query
        .group_by
        .as_ref()
        .map(|g| g.exprs.as_slice())
        .unwrap_or(&[]);
    let ctx = Grouper {
        object,
        scope,
        grouped,
    };
    let mut groups = match query.group_by.as_ref().map(|g| g.kind) {
        Some(GroupKind::Rollup) => ctx.rollup(records, Vec::new()),
        Some(GroupKind::Cube) => ctx.cube(records),
        Some(GroupKind::Plain) => ctx.plain(records, &vec![true; grouped.len()]),
        // Aggregates without GROUP BY: one row, even over no records.
        None => vec![Group {
            key: Vec::new(),
            members: records.to_vec(),
        }],
    };
    if let Some(having) = &query.having {
        groups.retain(|g| matches(having, &|e| ctx.value(e, g)));
    }
    sort(&mut groups, &query.order_by, |g, e| ctx.value(e, g));
    groups
        .iter()
        .skip(query.offset.unwrap_or(0))
        .take(query.limit.unwrap_or(usize::MAX))
        .map(|group| render(query, &ctx, group))
        .collect()
}

fn render(query: &Query, ctx: &Grouper, group: &Group) -> Out {
    let mut row = Out::row();
    row.set(
        "attributes",
        Out::Plain(json!({ "type": "AggregateResult" })),
    );
    let mut expr_n = 0;
    for item in &query.items {
        let Item::Expr {
            expr,
            alias,
            format: formatted,
        } = item
        else {
            continue;
        };
        let mut value = ctx.value(expr, group);
        if *formatted {
            value = format(ctx.kind(expr), &value);
        }
        // A grouped field keeps its name; everything else is `exprN` unless aliased.
        let key = match (alias, expr) {
            (Some(alias), _) => alias.clone(),
            (None, Expr::Scalar(s)) if s.func.is_none() => {
                s.path.parts.last().cloned().unwrap_or_default()
            }
            (None, _) => {
                expr_n += 1;
                format!("expr{}", expr_n - 1)
            }
        };
        row.set(&key, Out::Plain(value));
    }
    row
}
