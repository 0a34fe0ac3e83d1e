//! Record-level access: each org's organization-wide defaults (OWD), record ownership, and
//! "View All Data" / "Modify All Data", combined with the profile's object and field permissions
//! into one `Viewer` that every resource asks.
//!
//! Not simulated: role hierarchy, sharing rules, manual shares, teams and implicit
//! (parent/child) sharing; a user sees another user's record only through the OWD.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::access::{FieldAccess, Permissions};
use crate::config::Profile;
use crate::schema::{FieldDef, ObjectAccess, ObjectDef, Schema};
use crate::store::Record;

/// An object's organization-wide default for records the user does not own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Owd {
    Private,
    #[serde(alias = "Public Read Only")]
    Read,
    #[serde(alias = "Public Read/Write")]
    ReadWrite,
}

/// The seeded defaults (README "Sharing"). Objects without owners (User, Organization) are
/// readable by everyone and cannot change.
fn seed_owd(object: &str) -> Owd {
    match object {
        "Account" => Owd::Read,
        "Contact" | "Quality_Issue__c" | "Order" => Owd::ReadWrite,
        "Opportunity" | "Case" | "Task" | "Event" => Owd::Private,
        _ => Owd::Read,
    }
}

/// One org's sharing settings.
#[derive(Clone)]
pub struct Sharing {
    defaults: HashMap<&'static str, Owd>,
}

impl Sharing {
    pub fn seed(schema: &Schema) -> Self {
        let defaults = schema
            .objects
            .iter()
            .map(|o| (o.name, seed_owd(o.name)))
            .collect();
        Sharing { defaults }
    }

    pub fn get(&self, object: &str) -> Owd {
        self.defaults.get(object).copied().unwrap_or(Owd::Private)
    }

    pub fn set(&mut self, object: &'static str, owd: Owd) {
        self.defaults.insert(object, owd);
    }

    pub fn all(&self) -> BTreeMap<&'static str, Owd> {
        self.defaults.iter().map(|(k, v)| (*k, *v)).collect()
    }
}

/// What the caller may do with one record, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Edit,
    /// Owner or "Modify All Data": also delete and transfer.
    All,
}

/// The caller as permissions and sharing see them.
pub struct Viewer<'a> {
    pub user_id: &'a str,
    pub profile: Profile,
    permissions: &'a Permissions,
    sharing: &'a Sharing,
}

impl<'a> Viewer<'a> {
    pub fn new(
        user_id: &'a str,
        profile: Profile,
        permissions: &'a Permissions,
        sharing: &'a Sharing,
    ) -> Self {
        Viewer {
            user_id,
            profile,
            permissions,
            sharing,
        }
    }

    pub fn object(&self, object: &ObjectDef) -> ObjectAccess {
        self.permissions.object(self.profile, object.name)
    }

    /// Without Read the object does not exist for the caller (describe, SOQL, REST all say so).
    pub fn reads(&self, object: &ObjectDef) -> bool {
        self.object(object).read
    }

    pub fn field(&self, object: &ObjectDef, field: &FieldDef) -> FieldAccess {
        self.permissions
            .field(self.profile, object.name, field.name)
    }

    pub fn sees(&self, object: &ObjectDef, field: &FieldDef) -> bool {
        self.field(object, field).visible
    }

    pub fn creates(&self, object: &ObjectDef, field: &FieldDef) -> bool {
        field.createable && self.field(object, field).editable
    }

    pub fn updates(&self, object: &ObjectDef, field: &FieldDef) -> bool {
        field.updateable && self.field(object, field).editable
    }

    /// Record-level access; object permissions still decide which operations exist at all.
    pub fn record(&self, record: &Record) -> Access {
        if !self.permissions.object(self.profile, record.object).read {
            return Access::None;
        }
        if self.profile.all_data() {
            return Access::All;
        }
        let Some(owner) = record.get("OwnerId").as_str() else {
            // No owner (User, Organization): readable by everyone.
            return Access::Read;
        };
        if owner == self.user_id {
            return Access::All;
        }
        match self.sharing.get(record.object) {
            Owd::Private => Access::None,
            Owd::Read => Access::Read,
            Owd::ReadWrite => Access::Edit,
        }
    }

    pub fn can_read(&self, record: &Record) -> bool {
        self.record(record) >= Access::Read
    }
}
