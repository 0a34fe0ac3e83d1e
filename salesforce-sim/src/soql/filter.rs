//! WHERE and HAVING evaluation: comparisons, LIKE, IN, INCLUDES with Salesforce's rules (text
//! is case-insensitive, ids compare in their 18-character form, a null only equals null).

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::ast::{Cond, Expr, Literal};
use crate::ids;

/// Whether `cond` holds, given the value of each expression it compares (a record's values in
/// WHERE, a group's in HAVING).
pub(super) fn matches(cond: &Cond, value_of: &dyn Fn(&Expr) -> Value) -> bool {
    match cond {
        Cond::And(terms) => terms.iter().all(|t| matches(t, value_of)),
        Cond::Or(terms) => terms.iter().any(|t| matches(t, value_of)),
        Cond::Not(inner) => !matches(inner, value_of),
        Cond::Cmp { left, op, value } => compare(&value_of(left), op, value),
        Cond::In {
            left,
            values,
            negated,
        } => {
            let v = value_of(left);
            values.iter().any(|lit| compare(&v, "=", lit)) != *negated
        }
        Cond::SemiJoin { .. } => unreachable!("semi-joins are resolved by canonicalize"),
        Cond::Distance(_) => unreachable!("no simulated object has a geolocation field"),
        Cond::Like { left, pattern } => value_of(left).as_str().is_some_and(|text| {
            like(
                &text.to_lowercase().chars().collect::<Vec<_>>(),
                &pattern.to_lowercase().chars().collect::<Vec<_>>(),
            )
        }),
        Cond::Includes {
            left,
            sets,
            negated,
        } => {
            let value = value_of(left);
            let chosen: Vec<String> = value
                .as_str()
                .unwrap_or_default()
                .split(';')
                .map(|v| v.trim().to_lowercase())
                .collect();
            let any = sets
                .iter()
                .any(|set| set.iter().all(|v| chosen.contains(&v.to_lowercase())));
            any != *negated
        }
    }
}

/// SQL LIKE: `%` any run, `_` one character, `\%` / `\_` literal (case-insensitive by the caller).
fn like(text: &[char], pattern: &[char]) -> bool {
    match pattern {
        [] => text.is_empty(),
        ['%', rest @ ..] => (0..=text.len()).any(|i| like(&text[i..], rest)),
        ['_', rest @ ..] => !text.is_empty() && like(&text[1..], rest),
        ['\\', c, rest @ ..] => text.first() == Some(c) && like(&text[1..], rest),
        [c, rest @ ..] => text.first() == Some(c) && like(&text[1..], rest),
    }
}

fn as_id(text: &str) -> Option<String> {
    (text.len() == 15 || text.len() == 18)
        .then(|| ids::canonical(text))
        .flatten()
}

/// Ordering of two non-null values: numbers numerically, text case-insensitively, ids by 18-char form.
pub(super) fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => match (as_id(x), as_id(y)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x.to_lowercase().cmp(&y.to_lowercase()),
        },
        _ => Ordering::Equal,
    }
}

fn compare(value: &Value, op: &str, literal: &Literal) -> bool {
    let holds = |o: Ordering| match op {
        "=" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        "<" => o == Ordering::Less,
        "<=" => o != Ordering::Greater,
        ">" => o == Ordering::Greater,
        ">=" => o != Ordering::Less,
        _ => false,
    };
    if value.is_null() || *literal == Literal::Null {
        return match op {
            "=" => value.is_null() && *literal == Literal::Null,
            "!=" => value.is_null() != (*literal == Literal::Null),
            _ => false,
        };
    }
    let text = value.as_str().unwrap_or_default();
    match literal {
        Literal::Null => false,
        Literal::Num(n) => value
            .as_f64()
            .and_then(|v| v.partial_cmp(n))
            .is_some_and(holds),
        Literal::Bool(b) => value.as_bool().map(|v| v.cmp(b)).is_some_and(holds),
        Literal::Str(s) => holds(compare_values(value, &json!(s))),
        Literal::Date(d) => text.get(..10).is_some_and(|v| holds(v.cmp(d.as_str()))),
        Literal::DateTime(dt) if text.len() == 10 => holds(text.cmp(&dt[..10])),
        Literal::DateTime(dt) => holds(text.cmp(dt.as_str())),
        Literal::DateRange(start, end) => {
            let Some(day) = text.get(..10) else {
                return false;
            };
            match op {
                "=" => day >= start.as_str() && day <= end.as_str(),
                "!=" => day < start.as_str() || day > end.as_str(),
                "<" => day < start.as_str(),
                "<=" => day <= end.as_str(),
                ">" => day > end.as_str(),
                ">=" => day >= start.as_str(),
                _ => false,
            }
        }
    }
}
