//! The field values of a prepared change, checked as a whole against the connected user's
//! describe before anything is stored: the object allows the action for this user, each field
//! exists and may be written in that action, each value has its field's type, and a create has
//! every required field. Every problem is reported at once, so a form can mark each field.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::values::{ValueProblem, typed_value};
use crate::workspace::{Catalog, ObjectDetail};

/// What Salesforce will be asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Create,
    Update,
    /// By the external-id field named here; its value goes into the URL, not the body.
    Upsert {
        external_id_field: String,
    },
    Delete,
}

impl Action {
    /// "a create", "an update", ...
    pub fn with_article(&self) -> String {
        let verb = self.verb();
        let article = if verb.starts_with('u') { "an" } else { "a" };
        format!("{article} {verb}")
    }

    /// The word `ObjectDetail::actions` uses for it.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Upsert { .. } => "upsert",
            Action::Delete => "delete",
        }
    }
}

fn object_problem(reason: String) -> ValueProblem {
    ValueProblem {
        field: "object".into(),
        reason,
    }
}

/// The body to send for `action` on `object`, from `(field API name, text)` pairs.
pub fn checked_fields(
    object: &ObjectDetail,
    catalog: &Catalog,
    action: &Action,
    inputs: &[(String, String)],
) -> Result<Map<String, Value>, Vec<ValueProblem>> {
    let mut problems = Vec::new();
    if !object.actions.iter().any(|a| a == action.verb()) {
        problems.push(object_problem(format!(
            "your Salesforce user may not {} {} records",
            action.verb(),
            object.name
        )));
    }
    if let Action::Upsert { external_id_field } = action {
        match object.field(external_id_field) {
            Some(f) if f.external_id => {}
            _ => problems.push(ValueProblem {
                field: external_id_field.clone(),
                reason: format!("{} has no external id field by this name", object.name),
            }),
        }
    }
    if *action == Action::Delete && !inputs.is_empty() {
        problems.push(object_problem("a delete sends no field values".into()));
    }
    let mut body = Map::new();
    for (name, text) in inputs {
        let Some(field) = object.field(name.trim()) else {
            problems.push(ValueProblem {
                field: name.clone(),
                reason: format!(
                    "no field of {} by this name is visible to your Salesforce user",
                    object.name
                ),
            });
            continue;
        };
        if body.contains_key(&field.name) {
            problems.push(ValueProblem {
                field: field.name.clone(),
                reason: "given twice".into(),
            });
            continue;
        }
        let writable = match action {
            Action::Create => field.createable,
            Action::Update => field.updateable,
            // The record may be created or updated: the field must allow both.
            Action::Upsert { external_id_field } => {
                !field.name.eq_ignore_ascii_case(external_id_field)
                    && field.createable
                    && field.updateable
            }
            Action::Delete => false,
        };
        if !writable {
            problems.push(ValueProblem {
                field: field.name.clone(),
                reason: format!(
                    "your Salesforce user may not set it in {}",
                    action.with_article()
                ),
            });
            continue;
        }
        match typed_value(field, text, catalog) {
            Ok(value) => {
                body.insert(field.name.clone(), value);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if *action == Action::Create {
        for field in object.fields.iter().filter(|f| f.required_on_create) {
            if body.get(&field.name).is_none_or(Value::is_null)
                && !problems.iter().any(|p| p.field == field.name)
            {
                problems.push(ValueProblem {
                    field: field.name.clone(),
                    reason: "required to create the record".into(),
                });
            }
        }
    }
    match problems.is_empty() {
        true => Ok(body),
        false => Err(problems),
    }
}
