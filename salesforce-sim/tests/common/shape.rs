//! Shape comparison of a real Salesforce payload with the simulator's answer.
//!
//! Same shape = same keys, same JSON kinds, same nesting, and the same choice between `null`
//! and `[]`. Values are data and may differ; a `null` may stand where the other side has a
//! scalar or an object (a lookup that happens to be empty), never where it has a list.

use std::collections::BTreeSet;

use serde_json::Value;

/// How a fixture's comparison departs from "exactly the same keys", with the reason written down.
#[derive(Default)]
pub struct Rules {
    /// The simulator may have keys the fixture lacks anywhere (fixture from an older API version).
    pub extra_ok: Option<&'static str>,
    /// `(path, reason)`: differences at or below `path` are accepted.
    pub allowed: Vec<(&'static str, &'static str)>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

impl Rules {
    fn allows(&self, path: &str) -> bool {
        self.allowed.iter().any(|(p, _)| {
            path == *p || path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}["))
        })
    }
}

/// All differences, one line each; empty when the shapes agree.
pub fn compare(real: &Value, sim: &Value, rules: &Rules) -> Vec<String> {
    let mut out = BTreeSet::new();
    walk(real, sim, "$", rules, &mut out);
    out.into_iter().collect()
}

fn walk(real: &Value, sim: &Value, path: &str, rules: &Rules, out: &mut BTreeSet<String>) {
    if rules.allows(path) {
        return;
    }
    match (real, sim) {
        (Value::Object(r), Value::Object(s)) => {
            for (key, rv) in r {
                let here = format!("{path}.{key}");
                match s.get(key) {
                    Some(sv) => walk(rv, sv, &here, rules, out),
                    None if !rules.allows(&here) => {
                        out.insert(format!("{here}: missing in the simulator's answer"));
                    }
                    None => {}
                }
            }
            for key in s.keys().filter(|k| !r.contains_key(*k)) {
                let here = format!("{path}.{key}");
                if rules.extra_ok.is_none() && !rules.allows(&here) {
                    out.insert(format!("{here}: not in the real payload"));
                }
            }
        }
        (Value::Array(r), Value::Array(s)) => {
            let here = format!("{path}[]");
            if s.is_empty() && !r.is_empty() {
                out.insert(format!(
                    "{path}: the simulator's list is empty, nothing to compare"
                ));
            }
            if r.is_empty() {
                return;
            }
            for element in s {
                let partner = r.iter().find(|x| same_type(x, element)).unwrap_or(&r[0]);
                walk(partner, element, &here, rules, out);
            }
        }
        (Value::Null, Value::Array(_)) | (Value::Array(_), Value::Null) => {
            out.insert(format!(
                "{path}: real payload has {}, simulator has {}",
                kind(real),
                kind(sim)
            ));
        }
        (Value::Null, _) | (_, Value::Null) => {}
        _ if kind(real) != kind(sim) => {
            out.insert(format!(
                "{path}: real payload has {}, simulator has {}",
                kind(real),
                kind(sim)
            ));
        }
        _ => {}
    }
}

/// Records pair up by `attributes.type` (search results mix objects in one list), composite
/// results by `referenceId` (each subrequest answers its own shape).
fn same_type(a: &Value, b: &Value) -> bool {
    let t = |v: &Value| v.get("attributes").and_then(|a| a.get("type")).cloned();
    let r = |v: &Value| v.get("referenceId").cloned();
    (t(a).is_some() && t(a) == t(b)) || (r(a).is_some() && r(a) == r(b))
}

/// Renames the key at `path` (e.g. `$.records[].Text_Label`) so a fixture about another object
/// lines up with the simulator's fields.
pub fn rename(value: &mut Value, path: &str, new_key: &str) {
    let segments: Vec<&str> = path
        .trim_start_matches('$')
        .split('.')
        .filter(|s| !s.is_empty())
        .collect();
    rename_in(value, &segments, new_key);
}

fn rename_in(value: &mut Value, segments: &[&str], new_key: &str) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    let (key, each) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if rest.is_empty() && !each {
        if let Some(v) = map.remove(key) {
            map.insert(new_key.to_string(), v);
        }
        return;
    }
    let Some(child) = map.get_mut(key) else {
        return;
    };
    if each {
        for element in child.as_array_mut().into_iter().flatten() {
            rename_in(element, rest, new_key);
        }
    } else {
        rename_in(child, rest, new_key);
    }
}

/// Keeps only the keys both records have (besides `attributes`): for fixtures about an object
/// the simulator does not have, whose fields it cannot share.
pub fn keep_common_keys(real: &mut Value, sim: &mut Value) -> usize {
    let (Some(r), Some(s)) = (real.as_object_mut(), sim.as_object_mut()) else {
        return 0;
    };
    let common: Vec<String> = r.keys().filter(|k| s.contains_key(*k)).cloned().collect();
    r.retain(|k, _| common.contains(k));
    s.retain(|k, _| common.contains(k));
    common.len()
}
