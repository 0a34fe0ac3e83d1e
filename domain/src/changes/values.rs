//! A field value as a person (or an assistant) typed it, turned into the JSON Salesforce takes
//! for that field, or the reason it cannot be sent. Decided from the connected user's describe:
//! the type, length, precision and scale, picklist values, and what a lookup may point at.

use salesforce::RecordId;
use serde_json::{Number, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::workspace::{Catalog, FieldView};

/// Why one value cannot be sent, as a sentence about that field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValueProblem {
    pub field: String,
    pub reason: String,
}

fn problem(field: &FieldView, reason: impl Into<String>) -> ValueProblem {
    ValueProblem {
        field: field.name.clone(),
        reason: reason.into(),
    }
}

/// `text` for `field`; empty text means "clear the field" (`null`).
pub fn typed_value(
    field: &FieldView,
    text: &str,
    catalog: &Catalog,
) -> Result<Value, ValueProblem> {
    let text = text.trim();
    if text.is_empty() {
        return match field.nillable {
            true => Ok(Value::Null),
            false => Err(problem(field, "a value is required")),
        };
    }
    match field.field_type.as_str() {
        "string" | "textarea" | "phone" | "encryptedstring" => within_length(field, text),
        "email" => {
            let (local, domain) = text.split_once('@').unwrap_or_default();
            if local.is_empty() || !domain.contains('.') || text.contains(char::is_whitespace) {
                return Err(problem(field, format!("{text:?} is not an email address")));
            }
            within_length(field, text)
        }
        "url" => within_length(field, text),
        "boolean" => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Value::Bool(true)),
            "false" | "no" | "off" => Ok(Value::Bool(false)),
            _ => Err(problem(field, format!("{text:?} is not true or false"))),
        },
        "int" => {
            let n: i64 = text
                .parse()
                .map_err(|_| problem(field, format!("{text:?} is not a whole number")))?;
            let digits = field.digits.unwrap_or(18) as usize;
            if n.unsigned_abs().to_string().len() > digits {
                return Err(problem(
                    field,
                    format!("{text} has more than {digits} digits"),
                ));
            }
            Ok(Value::Number(n.into()))
        }
        "double" | "currency" | "percent" => decimal(field, text),
        "date" => time::Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map(|_| Value::String(text.to_owned()))
            .map_err(|_| problem(field, format!("{text:?} is not a date like 2026-12-01"))),
        "datetime" => time::OffsetDateTime::parse(text, &Rfc3339)
            .map(|_| Value::String(text.to_owned()))
            .map_err(|_| {
                problem(
                    field,
                    format!("{text:?} is not a date and time like 2026-12-01T09:30:00Z"),
                )
            }),
        "time" => time::Time::parse(text, format_description!("[hour]:[minute]:[second]"))
            .map(|_| Value::String(format!("{text}.000Z")))
            .map_err(|_| problem(field, format!("{text:?} is not a time like 09:30:00"))),
        "picklist" => picklist(field, text).map(|v| Value::String(v.to_owned())),
        "multipicklist" => {
            let chosen: Result<Vec<&str>, _> = text
                .split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| picklist(field, v))
                .collect();
            Ok(Value::String(chosen?.join(";")))
        }
        "reference" => reference(field, text, catalog),
        other => Err(problem(
            field,
            format!("Sofie does not change {other} fields; change it in Salesforce"),
        )),
    }
}

fn within_length(field: &FieldView, text: &str) -> Result<Value, ValueProblem> {
    let count = text.chars().count();
    match field.length {
        Some(max) if count > max as usize => Err(problem(
            field,
            format!("{count} characters is more than the {max} this field holds"),
        )),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// A number within the field's precision (all digits) and scale (digits after the point).
fn decimal(field: &FieldView, text: &str) -> Result<Value, ValueProblem> {
    let not_a_number = || problem(field, format!("{text:?} is not a number like 1234.50"));
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(not_a_number());
    }
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(not_a_number());
    }
    let scale = field.scale.unwrap_or(0) as usize;
    if fraction.len() > scale {
        return Err(problem(
            field,
            format!("{text} has more than {scale} digits after the decimal point"),
        ));
    }
    if let Some(precision) = field.precision {
        let before = (precision as usize).saturating_sub(scale);
        if whole.trim_start_matches('0').len() > before {
            return Err(problem(
                field,
                format!("{text} has more than {before} digits before the decimal point"),
            ));
        }
    }
    let n: f64 = text.parse().map_err(|_| not_a_number())?;
    Number::from_f64(n)
        .map(Value::Number)
        .ok_or_else(not_a_number)
}

/// An active picklist value, as Salesforce spells it. An unrestricted picklist also takes a
/// value of its own.
fn picklist<'a>(field: &'a FieldView, text: &'a str) -> Result<&'a str, ValueProblem> {
    if let Some(known) = field
        .picklist
        .iter()
        .find(|p| p.value == text || p.label.eq_ignore_ascii_case(text))
    {
        return match known.active {
            true => Ok(known.value.as_str()),
            false => Err(problem(
                field,
                format!("{:?} is no longer an active value", known.value),
            )),
        };
    }
    if field.restricted_picklist {
        let active: Vec<&str> = field
            .picklist
            .iter()
            .filter(|p| p.active)
            .map(|p| p.value.as_str())
            .collect();
        return Err(problem(
            field,
            format!("{text:?} is not one of its values ({})", active.join(", ")),
        ));
    }
    Ok(text)
}

/// A record id of one of the objects the lookup may point at.
fn reference(field: &FieldView, text: &str, catalog: &Catalog) -> Result<Value, ValueProblem> {
    let id = RecordId::parse(text).map_err(|e| problem(field, format!("{e}")))?;
    let target = catalog.by_prefix(id.key_prefix()).map(|o| o.name.as_str());
    match target {
        Some(object) if field.reference_to.iter().any(|r| r == object) => {
            Ok(Value::String(id.as_str().to_owned()))
        }
        Some(object) => Err(problem(
            field,
            format!(
                "this id belongs to {object}, but the field points at {}",
                field.reference_to.join(" or ")
            ),
        )),
        None => Err(problem(
            field,
            format!(
                "no object visible to your Salesforce user has ids starting {}",
                id.key_prefix()
            ),
        )),
    }
}
