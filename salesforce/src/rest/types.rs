//! Response types for versions, queries, search, records, writes, limits and composite
//! (API-NOTES §4). Unknown keys are kept in `extra` / `fields`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::{ApiErrorEntry, Error, RecordId};

/// Whether a conditional GET (`If-Modified-Since`) found a change.
#[derive(Debug, Clone, PartialEq)]
pub enum Conditional<T> {
    Modified {
        value: T,
        /// The `Last-Modified` header, to send back as `If-Modified-Since` next time.
        last_modified: Option<time::OffsetDateTime>,
    },
    /// 304: the cached copy is still good.
    NotModified,
}

/// One entry of `GET /services/data/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub label: String,
    pub url: String,
    pub version: String,
}

/// A query page: `records` holds at most one page; follow `next_records_url` while `!done`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub total_size: u64,
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_records_url: Option<String>,
    pub records: Vec<Record>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A record: `attributes` (absent on some results) plus every field as sent, including parent
/// objects and child sub-query results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<RecordAttributes>,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordAttributes {
    /// The sObject type (`AggregateResult` for aggregate rows).
    #[serde(rename = "type")]
    pub sobject_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Record {
    /// The `Id` field, validated.
    pub fn id(&self) -> Option<RecordId> {
        self.fields
            .get("Id")
            .and_then(Value::as_str)
            .and_then(|s| RecordId::parse(s).ok())
    }

    /// A field by path, through parent objects: `get("Account.Owner.Name")`. `None` when a
    /// step is missing or a lookup is empty (`null`).
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut value = self.fields.get(parts.next()?)?;
        for part in parts {
            value = value.as_object()?.get(part)?;
        }
        Some(value).filter(|v| !v.is_null())
    }

    /// A child sub-query result. `Ok(None)` when there are no children: Salesforce sends `null`
    /// then, not an empty result.
    pub fn child(&self, relationship: &str) -> Result<Option<QueryResult>, Error> {
        match self.fields.get(relationship) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| Error::Protocol(format!("child result {relationship}: {e}"))),
        }
    }
}

/// SOSL results. API ≥ 37.0 wraps them in `{"searchRecords": […]}`; older versions sent a bare
/// array — both are read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub search_records: Vec<Record>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for SearchResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wrapped {
            search_records: Vec<Record>,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Wrapped(Wrapped),
            Legacy(Vec<Record>),
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Wrapped(w) => SearchResult {
                search_records: w.search_records,
                extra: w.extra,
            },
            Shape::Legacy(search_records) => SearchResult {
                search_records,
                extra: Map::new(),
            },
        })
    }
}

/// The result of a create or upsert (and each entry of an sObject Collections answer).
/// `id` stays a string: Salesforce's ids are valid, but test doubles' often are not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveResult {
    #[serde(default)]
    pub id: Option<String>,
    pub success: bool,
    #[serde(default)]
    pub errors: Vec<ApiErrorEntry>,
    /// Upsert only (API ≥ 46.0): whether a record was inserted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// `warnings`, `infos` on newer APIs.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SaveResult {
    pub fn record_id(&self) -> Result<RecordId, Error> {
        let id = self
            .id
            .as_deref()
            .ok_or_else(|| Error::Protocol("save result has no id".into()))?;
        Ok(RecordId::parse(id)?)
    }
}

/// How an upsert by external id ended.
#[derive(Debug, Clone, PartialEq)]
pub enum UpsertOutcome {
    /// 201: a record was inserted.
    Created(SaveResult),
    /// 200 with `created:false` (API ≥ 46.0), or 204 with no body on older versions.
    Updated(Option<SaveResult>),
    /// 300: the external id matched several records; their URLs.
    MultipleMatches(Vec<String>),
}

/// What a read by external id found.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalIdMatch {
    One(Record),
    /// 300: several records carry that value; their URLs.
    Several(Vec<String>),
}

/// `GET /limits`: limit name → `{Max, Remaining}` (plus per-app breakdowns as extra keys).
pub type Limits = BTreeMap<String, LimitValue>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitValue {
    #[serde(rename = "Max")]
    pub max: i64,
    #[serde(rename = "Remaining")]
    pub remaining: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /limits/recordCount?sObjects=…` (approximate; objects with none are omitted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordCounts {
    #[serde(rename = "sObjects")]
    pub sobjects: Vec<RecordCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordCount {
    pub name: String,
    pub count: u64,
}

/// `POST /composite`: always HTTP 200; look at each sub-response's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeResponse {
    pub composite_response: Vec<CompositeSubResponse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubResponse {
    pub body: Value,
    #[serde(default)]
    pub http_headers: Map<String, Value>,
    pub http_status_code: u16,
    pub reference_id: String,
}

impl CompositeSubResponse {
    /// A failed sub-request as the crate's error (sub-requests use the REST error array).
    pub fn error(&self) -> Option<Error> {
        (self.http_status_code >= 400).then(|| {
            Error::from_response(
                self.http_status_code,
                &serde_json::to_vec(&self.body).unwrap_or_default(),
            )
        })
    }
}

/// `GET /sobjects/{Name}/deleted/?start=…&end=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedRecords {
    pub deleted_records: Vec<DeletedRecord>,
    #[serde(default)]
    pub earliest_date_available: Option<String>,
    #[serde(default)]
    pub latest_date_covered: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedRecord {
    pub id: String,
    pub deleted_date: String,
}

/// `GET /sobjects/{Name}/updated/?start=…&end=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedRecords {
    pub ids: Vec<String>,
    #[serde(default)]
    pub latest_date_covered: Option<String>,
}
