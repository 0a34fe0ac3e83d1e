//! Records as Salesforce writes them: `attributes` first, then the fields in the order asked for.
//!
//! `serde_json::Map` sorts its keys (the workspace does not enable `preserve_order`, and turning
//! it on here would change every crate's JSON), so rows are kept as ordered pairs instead.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};

/// An ordered JSON value.
#[derive(Clone, Debug)]
pub enum Out {
    Plain(Value),
    Row(Vec<(String, Out)>),
    List(Vec<Out>),
}

impl Out {
    pub fn row() -> Self {
        Out::Row(Vec::new())
    }

    /// Sets `key` (replacing an earlier value), keeping the first position.
    pub fn set(&mut self, key: &str, value: Out) {
        if let Out::Row(pairs) = self {
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => pairs.push((key.to_string(), value)),
            }
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Out> {
        match self {
            Out::Row(pairs) => pairs.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// `{"attributes": {"type": T, "url": "/services/data/vXX.X/sobjects/T/ID"}}`.
    pub fn record(object: &str, id: &str, version: &str) -> Self {
        let mut row = Out::row();
        row.set("attributes", Out::Plain(json!({ "type": object, "url": format!("/services/data/{version}/sobjects/{object}/{id}") })));
        row
    }

    /// A query result page.
    pub fn page(total: usize, next: Option<String>, records: Vec<Out>) -> Self {
        let mut row = Out::row();
        row.set("totalSize", Out::Plain(json!(total)));
        row.set("done", Out::Plain(json!(next.is_none())));
        if let Some(next) = next {
            row.set("nextRecordsUrl", Out::Plain(json!(next)));
        }
        row.set("records", Out::List(records));
        row
    }
}

impl Serialize for Out {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Plain(v) => v.serialize(serializer),
            Out::Row(pairs) => {
                let mut map = serializer.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Out::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}
