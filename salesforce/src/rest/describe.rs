//! describeGlobal and describe (API-NOTES §4.2, §4.3). The fields the app decides with are typed;
//! every other key is kept in `extra`, so nothing Salesforce sent is lost. Booleans default to
//! false because older payloads omit some of them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /sobjects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeGlobal {
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub max_batch_size: Option<u32>,
    pub sobjects: Vec<SObjectSummary>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One describeGlobal entry. The flags reflect the connected user's permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SObjectSummary {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub label_plural: String,
    /// The 3-character record id prefix (`null` for objects without records).
    #[serde(default)]
    pub key_prefix: Option<String>,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub queryable: bool,
    #[serde(default)]
    pub retrieveable: bool,
    #[serde(default)]
    pub searchable: bool,
    #[serde(default)]
    pub deprecated_and_hidden: bool,
    /// `History`, `Share`, `ChangeEvent`, `Feed`, ... for associated entities.
    #[serde(default)]
    pub associate_entity_type: Option<String>,
    #[serde(default)]
    pub urls: Map<String, Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SObjectSummary {
    /// What a picker should offer: queryable, visible, and not a History/Share/Feed companion.
    pub fn is_user_facing(&self) -> bool {
        self.queryable && !self.deprecated_and_hidden && self.associate_entity_type.is_none()
    }
}

/// `GET /sobjects/{Name}/describe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SObjectDescribe {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub label_plural: String,
    #[serde(default)]
    pub key_prefix: Option<String>,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub queryable: bool,
    pub fields: Vec<FieldDescribe>,
    #[serde(default)]
    pub child_relationships: Vec<ChildRelationship>,
    #[serde(default)]
    pub record_type_infos: Vec<RecordTypeInfo>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SObjectDescribe {
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// One `fields[]` entry; `createable`/`updateable` are for this user (FLS-aware).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDescribe {
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// `string`, `picklist`, `reference`, `datetime`, ...
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default)]
    pub length: Option<u32>,
    #[serde(default)]
    pub nillable: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub defaulted_on_create: bool,
    #[serde(default)]
    pub calculated: bool,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub external_id: bool,
    #[serde(default)]
    pub id_lookup: bool,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub name_field: bool,
    #[serde(default)]
    pub restricted_picklist: bool,
    #[serde(default)]
    pub picklist_values: Vec<PicklistValue>,
    #[serde(default)]
    pub reference_to: Vec<String>,
    #[serde(default)]
    pub relationship_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FieldDescribe {
    /// Required on create: not nillable, createable, and the server fills no default.
    pub fn required_on_create(&self) -> bool {
        !self.nillable && self.createable && !self.defaulted_on_create
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PicklistValue {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub default_value: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildRelationship {
    pub child_s_object: String,
    pub field: String,
    /// What a SOQL sub-query names (`Contacts`); `null` when the relation is not queryable.
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Deleting the parent deletes these children too.
    #[serde(default)]
    pub cascade_delete: bool,
    /// A child of this kind blocks deleting the parent.
    #[serde(default)]
    pub restricted_delete: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTypeInfo {
    pub record_type_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub developer_name: Option<String>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub available: bool,
    #[serde(default)]
    pub master: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
