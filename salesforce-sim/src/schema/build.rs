//! Compact builders for the object definitions in `objects.rs`: field flags, the system fields
//! every object has, and object-level settings.

use super::FieldType::*;
use super::{FieldDef, FieldType, ObjectAccess, ObjectDef};

impl FieldDef {
    pub(super) fn req(mut self) -> Self {
        self.nillable = false;
        self.defaulted = false;
        self
    }
    /// Set by the server only (system fields, formulas, auto numbers).
    pub(super) fn read_only(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }
    /// Computed by the server from other fields, never empty (a full name).
    pub(super) fn computed(self) -> Self {
        let mut f = self.read_only();
        f.nillable = false;
        f
    }
    pub(super) fn system(self) -> Self {
        let mut f = self.read_only();
        f.nillable = false;
        f.defaulted = true;
        f
    }
    pub(super) fn len(mut self, n: u32) -> Self {
        self.length = n;
        self
    }
    pub(super) fn refs(mut self, targets: &[&'static str], relationship: &'static str) -> Self {
        self.reference_to = targets.to_vec();
        self.relationship = Some(relationship);
        self
    }
    pub(super) fn pick(mut self, values: &[&'static str]) -> Self {
        self.picklist = values.to_vec();
        self
    }
    pub(super) fn restricted(mut self) -> Self {
        self.restricted = true;
        self
    }
    pub(super) fn defaulted(mut self) -> Self {
        self.nillable = false;
        self.defaulted = true;
        self
    }
    pub(super) fn name(mut self) -> Self {
        self.name_field = true;
        self
    }
    pub(super) fn external_id(mut self) -> Self {
        self.external_id = true;
        self.id_lookup = true;
        self
    }
    /// One value per record: a second record with it is refused (`DUPLICATE_VALUE`).
    pub(super) fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub(super) fn id_lookup(mut self) -> Self {
        self.id_lookup = true;
        self
    }
    pub(super) fn hidden(mut self) -> Self {
        self.hidden_for_standard = true;
        self
    }
    pub(super) fn readonly_for_standard(mut self) -> Self {
        self.readonly_for_standard = true;
        self
    }
}

pub(super) fn f(name: &'static str, label: &'static str, kind: FieldType) -> FieldDef {
    FieldDef::new(name, label, kind)
}

/// `Id`, `OwnerId` (optional), audit fields and `SystemModstamp`, which every object has.
fn system_fields(owner: bool) -> (Vec<FieldDef>, Vec<FieldDef>) {
    let mut head = vec![
        f("Id", "Record ID", Id).system().id_lookup(),
        f("IsDeleted", "Deleted", Boolean).system(),
    ];
    if owner {
        head.push(
            f("OwnerId", "Owner ID", Reference)
                .refs(&["User"], "Owner")
                .defaulted(),
        );
    }
    let tail = vec![
        f("CreatedDate", "Created Date", Datetime).system(),
        f("CreatedById", "Created By ID", Reference)
            .refs(&["User"], "CreatedBy")
            .system(),
        f("LastModifiedDate", "Last Modified Date", Datetime).system(),
        f("LastModifiedById", "Last Modified By ID", Reference)
            .refs(&["User"], "LastModifiedBy")
            .system(),
        f("SystemModstamp", "System Modstamp", Datetime).system(),
    ];
    (head, tail)
}

pub(super) fn object(
    name: &'static str,
    labels: (&'static str, &'static str),
    key_prefix: &'static str,
    owner: bool,
    body: Vec<FieldDef>,
    standard: ObjectAccess,
) -> ObjectDef {
    let (mut fields, tail) = system_fields(owner);
    fields.extend(body);
    fields.extend(tail);
    ObjectDef {
        name,
        label: labels.0,
        label_plural: labels.1,
        key_prefix,
        fields,
        admin: ObjectAccess::ALL,
        standard,
        searchable: name != "Organization",
    }
}

impl ObjectDef {
    pub(super) fn admin_read_only(self) -> Self {
        self.admin_access(ObjectAccess::READ_ONLY)
    }

    pub(super) fn admin_access(mut self, access: ObjectAccess) -> Self {
        self.admin = access;
        self
    }

    /// User and Organization records carry no IsDeleted field.
    pub(super) fn without_is_deleted(mut self) -> Self {
        self.fields.retain(|f| f.name != "IsDeleted");
        self
    }
}
