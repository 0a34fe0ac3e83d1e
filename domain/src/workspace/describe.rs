//! Describe an object: its fields (with this user's create/update rights), picklists and their
//! controlling fields, relationships both ways, record types and what the object supports.

use salesforce::rest::{FieldDescribe, SObjectDescribe};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ObjectKind, Workspace};
use crate::access::Actor;
use crate::error::DomainResult;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PicklistEntry {
    pub value: String,
    pub label: String,
    pub active: bool,
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldView {
    pub name: String,
    pub label: String,
    /// Salesforce's type name: `string`, `picklist`, `reference`, `currency`, ...
    pub field_type: String,
    pub length: Option<u32>,
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    /// Most digits of an `int` field.
    pub digits: Option<u32>,
    pub nillable: bool,
    pub required_on_create: bool,
    pub createable: bool,
    pub updateable: bool,
    pub unique: bool,
    pub external_id: bool,
    pub name_field: bool,
    pub calculated: bool,
    pub default_value: Option<String>,
    pub picklist: Vec<PicklistEntry>,
    pub restricted_picklist: bool,
    /// The controlling field of a dependent picklist.
    pub controller: Option<String>,
    /// Lookup targets (several for polymorphic fields like `WhoId`).
    pub reference_to: Vec<String>,
    pub relationship_name: Option<String>,
    /// Master-detail: deleting the parent deletes this record.
    pub master_detail: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildView {
    pub object: String,
    pub field: String,
    /// What a SOQL sub-query names; `None` when the relation cannot be queried from the parent.
    pub relationship_name: Option<String>,
    pub cascade_delete: bool,
    /// A child of this kind blocks deleting the parent.
    pub restricted_delete: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordTypeView {
    pub id: Option<String>,
    pub name: String,
    pub developer_name: Option<String>,
    pub available: bool,
    pub default: bool,
    pub master: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectDetail {
    pub name: String,
    pub label: String,
    pub label_plural: String,
    pub kind: ObjectKind,
    pub key_prefix: Option<String>,
    /// What this user may do with the object: `query`, `search`, `create`, ...
    pub actions: Vec<String>,
    pub fields: Vec<FieldView>,
    pub children: Vec<ChildView>,
    pub record_types: Vec<RecordTypeView>,
}

impl ObjectDetail {
    pub fn field(&self, name: &str) -> Option<&FieldView> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The field that names a record (`Name`, `CaseNumber`, `Subject`), if the user sees one.
    pub fn name_field(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name_field)
            .map(|f| f.name.as_str())
    }
}

fn flag(extra: &serde_json::Map<String, Value>, key: &str) -> bool {
    extra.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn number(extra: &serde_json::Map<String, Value>, key: &str) -> Option<u32> {
    extra
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl From<&FieldDescribe> for FieldView {
    fn from(f: &FieldDescribe) -> Self {
        FieldView {
            name: f.name.clone(),
            label: f.label.clone(),
            field_type: f.field_type.clone(),
            length: f.length.filter(|n| *n > 0),
            precision: number(&f.extra, "precision"),
            scale: number(&f.extra, "scale"),
            digits: number(&f.extra, "digits"),
            nillable: f.nillable,
            required_on_create: f.required_on_create(),
            createable: f.createable,
            updateable: f.updateable,
            unique: f.unique,
            external_id: f.external_id,
            name_field: f.name_field,
            calculated: f.calculated,
            default_value: f.extra.get("defaultValue").and_then(text),
            picklist: f
                .picklist_values
                .iter()
                .map(|p| PicklistEntry {
                    value: p.value.clone(),
                    label: p.label.clone().unwrap_or_else(|| p.value.clone()),
                    active: p.active,
                    default: p.default_value,
                })
                .collect(),
            restricted_picklist: f.restricted_picklist,
            controller: flag(&f.extra, "dependentPicklist")
                .then(|| f.extra.get("controllerName").and_then(text))
                .flatten(),
            reference_to: f.reference_to.clone(),
            relationship_name: f.relationship_name.clone(),
            master_detail: flag(&f.extra, "cascadeDelete") && !f.reference_to.is_empty(),
        }
    }
}

impl From<&SObjectDescribe> for ObjectDetail {
    fn from(d: &SObjectDescribe) -> Self {
        let searchable = flag(&d.extra, "searchable");
        let retrieveable = flag(&d.extra, "retrieveable");
        let actions = [
            ("query", d.queryable),
            ("search", searchable),
            ("read", retrieveable),
            ("create", d.createable),
            ("update", d.updateable),
            ("upsert", d.createable && d.updateable),
            ("delete", d.deletable),
            ("undelete", flag(&d.extra, "undeletable")),
            ("merge", flag(&d.extra, "mergeable")),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| name.to_owned())
        .collect();
        ObjectDetail {
            name: d.name.clone(),
            label: d.label.clone(),
            label_plural: d.label_plural.clone(),
            kind: ObjectKind::of(&d.name, d.custom),
            key_prefix: d.key_prefix.clone(),
            actions,
            fields: d.fields.iter().map(FieldView::from).collect(),
            children: d
                .child_relationships
                .iter()
                .map(|c| ChildView {
                    object: c.child_s_object.clone(),
                    field: c.field.clone(),
                    relationship_name: c.relationship_name.clone(),
                    cascade_delete: c.cascade_delete,
                    restricted_delete: c.restricted_delete,
                })
                .collect(),
            record_types: d
                .record_type_infos
                .iter()
                .map(|r| RecordTypeView {
                    id: r.record_type_id.clone(),
                    name: r.name.clone(),
                    developer_name: r.developer_name.clone(),
                    available: r.available,
                    default: flag(&r.extra, "defaultRecordTypeMapping"),
                    master: r.master,
                })
                .collect(),
        }
    }
}

impl Workspace {
    /// The object as `actor`'s Salesforce user sees it.
    pub async fn describe(&self, actor: &Actor, name: &str) -> DomainResult<ObjectDetail> {
        Ok(ObjectDetail::clone(&*self.object(actor, name).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> SObjectDescribe {
        let path = format!(
            "{}/../../shared/salesforce/fixtures/rest/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        serde_json::from_value(raw.get("body").cloned().unwrap_or(raw)).unwrap()
    }

    #[test]
    fn real_account_describe_reads_whole() {
        let detail = ObjectDetail::from(&fixture("describe_account.cumulusci.json"));
        assert_eq!(detail.name, "Account");
        assert_eq!(detail.name_field(), Some("Name"));
        assert!(detail.actions.iter().any(|a| a == "query"));
        let name = detail.fields.iter().find(|f| f.name == "Name").unwrap();
        assert!(name.required_on_create, "Name is required on create");
        let parent = detail.fields.iter().find(|f| f.name == "ParentId").unwrap();
        assert_eq!(parent.reference_to, ["Account"]);
        assert_eq!(parent.relationship_name.as_deref(), Some("Parent"));
        assert!(!parent.master_detail);
        let industry = detail.fields.iter().find(|f| f.name == "Industry").unwrap();
        assert!(!industry.picklist.is_empty());
        assert!(
            detail
                .children
                .iter()
                .any(|c| c.relationship_name.as_deref() == Some("Contacts"))
        );
    }
}
