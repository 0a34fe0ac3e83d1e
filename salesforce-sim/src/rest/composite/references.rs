//! `@{referenceId.path}` in a subrequest's URL, body or headers: a value from the body of an
//! earlier subrequest, e.g. `@{NewAccount.id}` or `@{found.records[0].Id}`.

use std::collections::HashMap;

use serde_json::Value;

/// The bodies of earlier subrequests that succeeded, by reference id.
pub type Bodies = HashMap<String, Value>;

/// Why a reference did not resolve, in Salesforce's words.
#[derive(Debug, PartialEq, Eq)]
pub struct Unresolved(pub String);

/// `ref.records[0].Id` → the value, if the body has one there.
fn lookup<'b>(bodies: &'b Bodies, reference: &str) -> Result<&'b Value, Unresolved> {
    let unresolved = || {
        let id = reference.split(['.', '[']).next().unwrap_or_default();
        Unresolved(format!(
            "Invalid reference specified. No value for {reference} found in {id}"
        ))
    };
    let mut segments = reference.split('.');
    let first = segments.next().unwrap_or_default();
    let (id, indexes) = split_indexes(first).ok_or_else(unresolved)?;
    let mut value = bodies.get(id).ok_or_else(unresolved)?;
    value = index(value, &indexes).ok_or_else(unresolved)?;
    for segment in segments {
        let (key, indexes) = split_indexes(segment).ok_or_else(unresolved)?;
        value = value.get(key).ok_or_else(unresolved)?;
        value = index(value, &indexes).ok_or_else(unresolved)?;
    }
    match value {
        Value::Null => Err(unresolved()),
        found => Ok(found),
    }
}

/// `records[0][1]` → (`records`, [0, 1]).
fn split_indexes(segment: &str) -> Option<(&str, Vec<usize>)> {
    let (key, rest) = segment.split_once('[').unwrap_or((segment, ""));
    let indexes = if rest.is_empty() {
        Vec::new()
    } else {
        rest.strip_suffix(']')?
            .split("][")
            .map(|n| n.parse().ok())
            .collect::<Option<Vec<usize>>>()?
    };
    (!key.is_empty()).then_some((key, indexes))
}

fn index<'v>(mut value: &'v Value, indexes: &[usize]) -> Option<&'v Value> {
    for i in indexes {
        value = value.get(*i)?;
    }
    Some(value)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every reference in `input` by the text of its value.
pub fn in_text(input: &str, bodies: &Bodies) -> Result<String, Unresolved> {
    let mut out = String::new();
    let mut rest = input;
    while let Some(start) = rest.find("@{") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&text(lookup(bodies, &rest[start + 2..start + end])?));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Replaces references in every string of a JSON body; a string that is one reference takes
/// the referenced value as it is (a number stays a number).
pub fn in_json(value: &Value, bodies: &Bodies) -> Result<Value, Unresolved> {
    Ok(match value {
        Value::String(s) => {
            let whole = s
                .strip_prefix("@{")
                .and_then(|r| r.strip_suffix('}'))
                .filter(|r| !r.contains('}'));
            match whole {
                Some(reference) => lookup(bodies, reference)?.clone(),
                None => Value::String(in_text(s, bodies)?),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| in_json(v, bodies))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), in_json(v, bodies)?)))
                .collect::<Result<_, Unresolved>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_reach_into_earlier_bodies() {
        let mut bodies = Bodies::new();
        bodies.insert("acc".into(), json!({"id": "001A", "success": true}));
        bodies.insert(
            "found".into(),
            json!({"records": [{"Id": "003B", "N": 7}], "totalSize": 1}),
        );
        let url = "/services/data/v67.0/sobjects/Account/@{acc.id}?x=@{found.records[0].Id}";
        assert_eq!(
            in_text(url, &bodies).unwrap(),
            "/services/data/v67.0/sobjects/Account/001A?x=003B"
        );
        let body = json!({"AccountId": "@{acc.id}", "Count": "@{found.records[0].N}", "Note": "n=@{found.totalSize}"});
        assert_eq!(
            in_json(&body, &bodies).unwrap(),
            json!({"AccountId": "001A", "Count": 7, "Note": "n=1"})
        );
        assert_eq!(
            in_text("@{found.records[1].Id}", &bodies),
            Err(Unresolved(
                "Invalid reference specified. No value for found.records[1].Id found in found"
                    .into()
            ))
        );
        assert!(in_text("@{nobody.id}", &bodies).is_err());
    }
}
