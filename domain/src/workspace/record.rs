//! Read one record by object API name and a 15- or 18-character id. Only the fields the
//! connected user can see come back (Salesforce leaves the others out); they are grouped, and
//! lookups name the record they point at.

use salesforce::RecordId;
use salesforce::rest::Record;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Catalog, ObjectDetail, Workspace};
use crate::access::Actor;
use crate::connections::Upstream;
use crate::error::{DomainError, DomainResult};

/// Fields Salesforce maintains itself, shown last.
const SYSTEM_FIELDS: [&str; 10] = [
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
    "IsDeleted",
    "LastActivityDate",
    "LastViewedDate",
    "LastReferencedDate",
    "MasterRecordId",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordField {
    pub name: String,
    pub label: String,
    pub field_type: String,
    pub value: String,
    /// `(object, id)` of the record a lookup points at.
    pub link: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldGroup {
    pub title: String,
    pub fields: Vec<RecordField>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub object: String,
    pub object_label: String,
    /// The canonical 18-character id.
    pub id: String,
    pub name: String,
    pub groups: Vec<FieldGroup>,
    /// The record in Salesforce's own UI, at the connection's instance.
    pub salesforce_url: String,
}

/// A field value as text: strings as they are, `null` as nothing.
pub(crate) fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `text` as an id of a `describe` record: 15 or 18 characters with a good checksum, and the
/// object's key prefix (another object's id says whose it is).
pub(crate) fn record_id_of(
    describe: &ObjectDetail,
    global: &Catalog,
    text: &str,
) -> DomainResult<RecordId> {
    let id =
        RecordId::parse(text.trim()).map_err(|e| DomainError::validation("id", format!("{e}.")))?;
    if let Some(prefix) = describe.key_prefix.as_deref()
        && prefix != id.key_prefix()
    {
        let message = match global.by_prefix(id.key_prefix()) {
            Some(other) => format!(
                "This id belongs to {} (ids starting {}), not {}.",
                other.name,
                id.key_prefix(),
                describe.name
            ),
            None => format!(
                "{} ids start with {prefix}; this one starts with {}.",
                describe.name,
                id.key_prefix()
            ),
        };
        return Err(DomainError::validation("id", message));
    }
    Ok(id)
}

impl Workspace {
    pub async fn read_record(
        &self,
        actor: &Actor,
        object: &str,
        id: &str,
    ) -> DomainResult<RecordView> {
        let global = self.global(actor).await?;
        let describe = self.object_in(actor, &global, object).await?;
        let id = record_id_of(&describe, &global, id)?;
        let owner_of = |prefix: &str| global.by_prefix(prefix).map(|o| o.name.clone());
        let name = describe.name.clone();
        let (record, instance): (Record, String) = self
            .connections
            .call(actor, |up: Upstream| {
                let (name, id) = (name.clone(), id.clone());
                async move {
                    let record = up.rest.get_record(&name, &id, None).await?;
                    Ok((
                        record,
                        up.rest
                            .instance_url()
                            .as_str()
                            .trim_end_matches('/')
                            .to_owned(),
                    ))
                }
            })
            .await?;
        let mut summary = Vec::new();
        let mut details = Vec::new();
        let mut relations = Vec::new();
        let mut system = Vec::new();
        for field in &describe.fields {
            let Some(value) = record.fields.get(&field.name) else {
                continue;
            };
            let text = display(value);
            let link = (field.field_type == "reference")
                .then(|| RecordId::parse(&text).ok())
                .flatten()
                .and_then(|target| {
                    let object = match field.reference_to.as_slice() {
                        [only] => Some(only.clone()),
                        _ => owner_of(target.key_prefix()),
                    }?;
                    Some((object, target.as_str().to_owned()))
                });
            let shown = RecordField {
                name: field.name.clone(),
                label: field.label.clone(),
                field_type: field.field_type.clone(),
                value: text,
                link,
            };
            if field.name_field || field.name == "Id" || field.name == "RecordTypeId" {
                summary.push(shown);
            } else if SYSTEM_FIELDS.contains(&field.name.as_str()) {
                system.push(shown);
            } else if field.field_type == "reference" {
                relations.push(shown);
            } else {
                details.push(shown);
            }
        }
        let record_name = describe
            .name_field()
            .and_then(|f| record.get(f))
            .map(display)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.as_str().to_owned());
        let groups = [
            ("Summary", summary),
            ("Details", details),
            ("Related records", relations),
            ("System information", system),
        ]
        .into_iter()
        .filter(|(_, fields)| !fields.is_empty())
        .map(|(title, fields)| FieldGroup {
            title: title.into(),
            fields,
        })
        .collect();
        Ok(RecordView {
            salesforce_url: format!(
                "{instance}/lightning/r/{}/{}/view",
                describe.name,
                id.as_str()
            ),
            object: describe.name.clone(),
            object_label: describe.label.clone(),
            id: id.as_str().to_owned(),
            name: record_name,
            groups,
        })
    }
}
