//! `FORMAT()`: a value as the user's locale shows it. The simulated users have the en_US locale,
//! the orgs one currency (USD) and every time is UTC.

use serde_json::{Value, json};

use crate::schema::FieldType;

/// `1234567.5` → `1,234,567.50` with `decimals` digits (none: as many as the value has).
fn grouped(n: f64, decimals: Option<usize>) -> String {
    let text = match decimals {
        Some(d) => format!("{:.*}", d, n.abs()),
        None => {
            let t = n.abs().to_string();
            t.trim_end_matches(".0").to_string()
        }
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out = format!("{out}.{fraction}");
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

fn date(text: &str) -> Option<String> {
    let (y, rest) = text.split_once('-')?;
    let (m, d) = rest.get(..5)?.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    (1..=12).contains(&m).then(|| format!("{m}/{d}/{y}"))
}

fn datetime(text: &str) -> Option<String> {
    let day = date(text.get(..10)?)?;
    let hour: u32 = text.get(11..13)?.parse().ok()?;
    let minute = text.get(14..16)?;
    let (h12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    Some(format!("{day}, {h12}:{minute} {half}"))
}

/// The formatted value of a field of `kind` (`None`: a count or another plain number).
pub fn format(kind: Option<FieldType>, value: &Value) -> Value {
    let text = match (kind, value) {
        (_, Value::Null) => return Value::Null,
        (Some(FieldType::Currency), Value::Number(n)) => {
            let n = n.as_f64().unwrap_or_default();
            let amount = grouped(n.abs(), Some(2));
            if n < 0.0 {
                format!("-${amount}")
            } else {
                format!("${amount}")
            }
        }
        (Some(FieldType::Percent), Value::Number(n)) => {
            format!("{}%", grouped(n.as_f64().unwrap_or_default(), None))
        }
        (_, Value::Number(n)) => grouped(n.as_f64().unwrap_or_default(), None),
        (Some(FieldType::Date), Value::String(s)) => date(s).unwrap_or_else(|| s.clone()),
        (Some(FieldType::Datetime), Value::String(s)) => datetime(s).unwrap_or_else(|| s.clone()),
        (_, other) => return other.clone(),
    };
    json!(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_in_en_us() {
        assert_eq!(
            format(Some(FieldType::Currency), &json!(1234567.5)),
            json!("$1,234,567.50")
        );
        assert_eq!(
            format(Some(FieldType::Currency), &json!(-12)),
            json!("-$12.00")
        );
        assert_eq!(format(Some(FieldType::Int), &json!(4200)), json!("4,200"));
        assert_eq!(format(None, &json!(12.5)), json!("12.5"));
        assert_eq!(format(Some(FieldType::Percent), &json!(35)), json!("35%"));
        assert_eq!(
            format(Some(FieldType::Date), &json!("2025-01-06")),
            json!("1/6/2025")
        );
        assert_eq!(
            format(
                Some(FieldType::Datetime),
                &json!("2025-01-06T13:05:00.000+0000")
            ),
            json!("1/6/2025, 1:05 PM")
        );
        assert_eq!(
            format(Some(FieldType::String), &json!("Acme")),
            json!("Acme")
        );
    }
}
