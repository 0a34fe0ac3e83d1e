//! The simulated org's metadata: objects, fields, relationships and what each profile may do.
//!
//! Field definitions are compact builders; `describe.rs` expands them into the full describe
//! JSON (every key Salesforce sends, most of them constant).

mod build;
mod describe;
pub mod objects;

pub use describe::{describe_global_entry, describe_object};

use crate::config::Profile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Id,
    String,
    Textarea,
    Picklist,
    Multipicklist,
    Boolean,
    Int,
    Currency,
    Percent,
    Date,
    Datetime,
    Email,
    Phone,
    Url,
    Reference,
}

impl FieldType {
    /// The describe `type` value.
    pub fn api_name(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::Textarea => "textarea",
            FieldType::Picklist => "picklist",
            FieldType::Multipicklist => "multipicklist",
            FieldType::Boolean => "boolean",
            FieldType::Int => "int",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Reference => "reference",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Currency | FieldType::Percent
        )
    }

    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::Textarea
                | FieldType::Picklist
                | FieldType::Multipicklist
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
        )
    }
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldType,
    pub length: u32,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub defaulted: bool,
    pub external_id: bool,
    pub unique: bool,
    pub id_lookup: bool,
    pub name_field: bool,
    pub reference_to: Vec<&'static str>,
    pub relationship: Option<&'static str>,
    pub picklist: Vec<&'static str>,
    pub restricted: bool,
    /// Seed of field-level security: a Standard User cannot see it at all.
    pub hidden_for_standard: bool,
    /// Seed of field-level security: a Standard User sees it read-only.
    pub readonly_for_standard: bool,
}

impl FieldDef {
    pub fn new(name: &'static str, label: &'static str, kind: FieldType) -> Self {
        let length = match kind {
            FieldType::Id | FieldType::Reference => 18,
            FieldType::String | FieldType::Email | FieldType::Url => 255,
            FieldType::Phone | FieldType::Picklist => 40,
            FieldType::Multipicklist => 4099,
            FieldType::Textarea => 32000,
            _ => 0,
        };
        FieldDef {
            name,
            label,
            kind,
            length,
            nillable: kind != FieldType::Boolean,
            createable: true,
            updateable: true,
            defaulted: kind == FieldType::Boolean,
            external_id: false,
            unique: false,
            id_lookup: false,
            name_field: false,
            reference_to: Vec::new(),
            relationship: None,
            picklist: Vec::new(),
            restricted: false,
            hidden_for_standard: false,
            readonly_for_standard: false,
        }
    }

    pub fn custom(&self) -> bool {
        self.name.ends_with("__c")
    }

    /// Required on create: not nillable, createable and not defaulted by the server.
    pub fn required(&self) -> bool {
        !self.nillable && self.createable && !self.defaulted
    }

    /// Field-level security can be set on it: required and system fields always follow the object.
    pub fn permissionable(&self) -> bool {
        self.nillable && self.createable
    }
}

/// Object permissions of one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectAccess {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
}

impl ObjectAccess {
    pub const ALL: ObjectAccess = ObjectAccess {
        read: true,
        create: true,
        edit: true,
        delete: true,
    };
    pub const READ_ONLY: ObjectAccess = ObjectAccess {
        read: true,
        create: false,
        edit: false,
        delete: false,
    };
    pub const NONE: ObjectAccess = ObjectAccess {
        read: false,
        create: false,
        edit: false,
        delete: false,
    };
}

#[derive(Clone, Debug)]
pub struct ObjectDef {
    pub name: &'static str,
    pub label: &'static str,
    pub label_plural: &'static str,
    pub key_prefix: &'static str,
    pub fields: Vec<FieldDef>,
    /// Seeds of the profiles' object permissions.
    pub admin: ObjectAccess,
    pub standard: ObjectAccess,
    /// Part of SOSL `FIND … IN ALL FIELDS` without a RETURNING clause.
    pub searchable: bool,
}

impl ObjectDef {
    pub fn custom(&self) -> bool {
        self.name.ends_with("__c")
    }

    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The reference field behind relationship `name` (`Account` → `AccountId`, `Account__r` → `Account__c`).
    pub fn relationship(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.relationship.is_some_and(|r| r.eq_ignore_ascii_case(name)))
    }

    /// The seeded object permissions of `profile`.
    pub fn seed_access(&self, profile: Profile) -> ObjectAccess {
        match profile {
            Profile::SystemAdministrator => self.admin,
            Profile::StandardUser => self.standard,
        }
    }
}

/// A child relationship: records of `child` whose `field` points at the parent.
#[derive(Clone, Debug)]
pub struct ChildRelationship {
    pub child: &'static str,
    pub field: &'static str,
    pub name: &'static str,
    /// Deleting the parent deletes these children too.
    pub cascade_delete: bool,
    /// A parent with such children cannot be deleted (`DELETE_FAILED`); wins over cascading.
    pub restricted_delete: bool,
}

pub struct Schema {
    pub objects: Vec<ObjectDef>,
}

impl Schema {
    pub fn standard() -> Self {
        Schema {
            objects: objects::all(),
        }
    }

    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// Relationships other objects declare towards `parent` (the describe `childRelationships`).
    pub fn children_of(&self, parent: &str) -> Vec<ChildRelationship> {
        let mut out = Vec::new();
        for object in &self.objects {
            for field in &object.fields {
                if field.reference_to.contains(&parent)
                    && let Some(name) = objects::child_relationship_name(object.name, field.name)
                {
                    let (cascade_delete, restricted_delete) =
                        objects::delete_rule(object.name, field.name);
                    out.push(ChildRelationship {
                        child: object.name,
                        field: field.name,
                        name,
                        cascade_delete,
                        restricted_delete,
                    });
                }
            }
        }
        out
    }

    pub fn child_relationship(&self, parent: &str, name: &str) -> Option<ChildRelationship> {
        self.children_of(parent)
            .into_iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}
