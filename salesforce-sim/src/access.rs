//! What each profile may do: object permissions and field-level security. Seeded from the schema
//! and changed at run time by the control API, as an administrator edits a profile in Setup; the
//! change applies to that profile in every org.

use std::collections::HashMap;

use crate::config::Profile;
use crate::schema::{ObjectAccess, Schema};

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::SystemAdministrator, Profile::StandardUser];

    /// "View All Data" and "Modify All Data": sharing does not apply to this profile.
    pub fn all_data(self) -> bool {
        self == Profile::SystemAdministrator
    }
}

/// Field-level security of one field for one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldAccess {
    pub visible: bool,
    /// Not "Read-Only": the field may be written where the field itself allows it.
    pub editable: bool,
}

pub struct Permissions {
    objects: HashMap<(Profile, &'static str), ObjectAccess>,
    fields: HashMap<(Profile, &'static str, &'static str), FieldAccess>,
}

impl Permissions {
    pub fn seed(schema: &Schema) -> Self {
        let mut objects = HashMap::new();
        let mut fields = HashMap::new();
        for profile in Profile::ALL {
            for object in &schema.objects {
                objects.insert((profile, object.name), object.seed_access(profile));
                for field in &object.fields {
                    let standard = profile == Profile::StandardUser;
                    let visible = !(standard && field.hidden_for_standard);
                    let editable = visible && !(standard && field.readonly_for_standard);
                    let access = FieldAccess { visible, editable };
                    fields.insert((profile, object.name, field.name), access);
                }
            }
        }
        Permissions { objects, fields }
    }

    /// Object permissions by canonical object name; unknown objects grant nothing.
    pub fn object(&self, profile: Profile, object: &str) -> ObjectAccess {
        self.objects
            .get(&(profile, object))
            .copied()
            .unwrap_or(ObjectAccess::NONE)
    }

    /// Field-level security by canonical names; unknown fields are hidden.
    pub fn field(&self, profile: Profile, object: &str, field: &str) -> FieldAccess {
        self.fields
            .get(&(profile, object, field))
            .copied()
            .unwrap_or(FieldAccess {
                visible: false,
                editable: false,
            })
    }

    pub fn set_object(&mut self, profile: Profile, object: &'static str, access: ObjectAccess) {
        self.objects.insert((profile, object), access);
    }

    pub fn set_field(
        &mut self,
        profile: Profile,
        object: &'static str,
        field: &'static str,
        access: FieldAccess,
    ) {
        self.fields.insert((profile, object, field), access);
    }
}
