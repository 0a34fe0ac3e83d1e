//! What Salesforce checks on a write, in its order: the body's fields (existence, FLS, types,
//! lengths, lookups and their visibility, unique values), required fields, restricted picklists,
//! the org's validation rule, and the duplicate rule. Each failure is the error Salesforce sends.

use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

use crate::ids;
use crate::rest::errors::ApiError;
use crate::schema::{FieldType, ObjectDef};
use crate::sharing::Viewer;
use crate::store::{Record, Store};

pub struct Write<'a> {
    pub store: &'a Store,
    pub object: &'a ObjectDef,
    pub viewer: &'a Viewer<'a>,
    pub version: &'a str,
    /// The record being updated (`None` on create).
    pub existing: Option<&'a Record>,
}

fn bad(code: &'static str, message: &str, fields: &[&str]) -> ApiError {
    ApiError::bad(code, message).fields(fields)
}

/// Parses a JSON body into a field map, as Salesforce's JSON parser would complain.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => fields_of(value),
        Err(e) => Err(bad(
            "JSON_PARSER_ERROR",
            &format!("Unexpected character: {e}"),
            &[],
        )),
    }
}

/// A record's fields from its JSON object (without `attributes`).
pub fn fields_of(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(mut map) => {
            map.remove("attributes");
            Ok(map)
        }
        _ => Err(bad(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of sObject from non-object value",
            &[],
        )),
    }
}

impl Write<'_> {
    /// Canonicalizes field names and runs every check; returns the changes to apply.
    pub fn check(
        &self,
        body: Map<String, Value>,
        headers: &HeaderMap,
    ) -> Result<Map<String, Value>, ApiError> {
        let creating = self.existing.is_none();
        let mut changes = Map::new();
        for (name, value) in body {
            let Some(field) = self
                .object
                .field(&name)
                .filter(|f| self.viewer.sees(self.object, f))
            else {
                return Err(bad(
                    "INVALID_FIELD",
                    &format!(
                        "No such column '{name}' on sobject of type {}",
                        self.object.name
                    ),
                    &[],
                ));
            };
            if field.name == "Id" && creating {
                return Err(bad(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Record ID: cannot specify Id in an insert call",
                    &["Id"],
                ));
            }
            let allowed = if creating {
                self.viewer.creates(self.object, field)
            } else {
                self.viewer.updates(self.object, field)
            };
            if !allowed {
                let message = format!(
                    "Unable to create/update fields: {}. Please check the security settings of this field and verify \
                     that it is read/write for your profile or permission set.",
                    field.name
                );
                return Err(bad(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    &message,
                    &[field.name],
                ));
            }
            self.check_value(field.name, field.kind, &value)?;
            if field.kind.is_text()
                && value
                    .as_str()
                    .is_some_and(|s| s.chars().count() > field.length as usize)
            {
                let message = format!(
                    "{}: data value too large: {} (max length={})",
                    field.label,
                    value.as_str().unwrap_or_default(),
                    field.length
                );
                return Err(bad("STRING_TOO_LONG", &message, &[field.name]));
            }
            if field.unique {
                self.unique(field.name, &value)?;
            }
            changes.insert(field.name.to_string(), value);
        }
        let merged = |name: &str| -> Value {
            changes
                .get(name)
                .cloned()
                .or_else(|| self.existing.map(|r| r.get(name).clone()))
                .unwrap_or(Value::Null)
        };
        let blank = |v: &Value| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty());
        let missing: Vec<&str> = self
            .object
            .fields
            .iter()
            .filter(|f| {
                f.required() && (creating || changes.contains_key(f.name)) && blank(&merged(f.name))
            })
            .map(|f| f.name)
            .collect();
        if !missing.is_empty() {
            return Err(bad(
                "REQUIRED_FIELD_MISSING",
                &format!("Required fields are missing: [{}]", missing.join(", ")),
                &missing,
            ));
        }
        for field in self.object.fields.iter().filter(|f| f.restricted) {
            if let Some(Value::String(v)) = changes.get(field.name)
                && !field.picklist.contains(&v.as_str())
            {
                let message = format!(
                    "{}: bad value for restricted picklist field: {v}",
                    field.label
                );
                return Err(bad(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    &message,
                    &[field.name],
                ));
            }
        }
        if self.object.name == "Quality_Issue__c"
            && merged("Status__c") == json!("Closed")
            && blank(&merged("Resolution__c"))
        {
            return Err(bad(
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                "A closed quality issue needs a resolution.",
                &[],
            ));
        }
        self.duplicates(&merged("Email"), headers)?;
        Ok(changes)
    }

    /// A unique field (external ids) may hold a value once per object, among all live records,
    /// whoever can see them: the error names the record that holds it.
    fn unique(&self, name: &str, value: &Value) -> Result<(), ApiError> {
        let Some(text) = value.as_str() else {
            return Ok(());
        };
        let own = self.existing.map(|r| r.id.as_str());
        let holder = self.store.records(self.object.name).iter().find(|r| {
            !r.deleted()
                && Some(r.id.as_str()) != own
                && r.get(name)
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(text))
        });
        match holder {
            Some(r) => Err(bad(
                "DUPLICATE_VALUE",
                &format!(
                    "duplicate value found: {name} duplicates value on record with id: {}",
                    r.id
                ),
                &[],
            )),
            None => Ok(()),
        }
    }

    fn check_value(&self, name: &str, kind: FieldType, value: &Value) -> Result<(), ApiError> {
        if value.is_null() {
            return Ok(());
        }
        let type_ok = match kind {
            FieldType::Boolean => value.is_boolean(),
            FieldType::Int | FieldType::Currency | FieldType::Percent => value.is_number(),
            _ => value.is_string(),
        };
        if !type_ok {
            let token = match value {
                Value::Number(_) => "VALUE_NUMBER_INT",
                Value::Bool(_) => "VALUE_TRUE",
                Value::Array(_) => "START_ARRAY",
                Value::Object(_) => "START_OBJECT",
                _ => "VALUE_STRING",
            };
            let message = format!(
                "Cannot deserialize instance of {} from {token} value {value} or request may be missing a required field",
                kind.api_name()
            );
            return Err(bad("JSON_PARSER_ERROR", &message, &[]));
        }
        let text = value.as_str().unwrap_or_default();
        let label = self.object.field(name).map(|f| f.label).unwrap_or(name);
        match kind {
            FieldType::Email if !text.contains('@') || text.contains(' ') => Err(bad(
                "INVALID_EMAIL_ADDRESS",
                &format!("{label}: invalid email address: {text}"),
                &[name],
            )),
            FieldType::Date
                if time::Date::parse(
                    text,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .is_err() =>
            {
                Err(bad(
                    "INVALID_TYPE_ON_FIELD_IN_RECORD",
                    &format!("{label}: value not of required type: {text}"),
                    &[name],
                ))
            }
            FieldType::Reference => {
                let field = self.object.field(name).expect("checked by the caller");
                let Some(id) = ids::canonical(text) else {
                    return Err(bad(
                        "MALFORMED_ID",
                        &format!("{label}: id value of incorrect type: {text}"),
                        &[name],
                    ));
                };
                match self.store.get(&id) {
                    // Pointing at a record the user cannot see is refused as such.
                    Some(target)
                        if !target.deleted()
                            && field.reference_to.contains(&target.object)
                            && !self.viewer.can_read(target) =>
                    {
                        Err(bad(
                            "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
                            &format!("insufficient access rights on cross-reference id: {text}"),
                            &[name],
                        ))
                    }
                    Some(target)
                        if !target.deleted() && field.reference_to.contains(&target.object) =>
                    {
                        Ok(())
                    }
                    Some(target) if !target.deleted() => Err(bad(
                        "FIELD_INTEGRITY_EXCEPTION",
                        &format!("{label}: id value of incorrect type: {text}"),
                        &[name],
                    )),
                    _ => Err(bad(
                        "INVALID_CROSS_REFERENCE_KEY",
                        "invalid cross reference id",
                        &[name],
                    )),
                }
            }
            _ => Ok(()),
        }
    }

    /// The duplicate rule: a Contact whose e-mail another live Contact the user can see already
    /// has (the rule enforces sharing). It is an "alert" rule, so
    /// `Sforce-Duplicate-Rule-Header: allowSave=true` lets the save through.
    fn duplicates(&self, email: &Value, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(email) = email.as_str().filter(|_| self.object.name == "Contact") else {
            return Ok(());
        };
        let allow = headers
            .get("sforce-duplicate-rule-header")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.replace(' ', "")
                    .to_ascii_lowercase()
                    .contains("allowsave=true")
            });
        let own = self.existing.map(|r| r.id.as_str());
        let matches: Vec<&Record> = self
            .store
            .records("Contact")
            .iter()
            .filter(|r| !r.deleted() && Some(r.id.as_str()) != own && self.viewer.can_read(r))
            .filter(|r| {
                r.get("Email")
                    .as_str()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .collect();
        if matches.is_empty() || allow {
            return Ok(());
        }
        let message =
            "You're creating a duplicate record. We recommend you use an existing record instead.";
        let records: Vec<Value> = matches
            .iter()
            .map(|r| {
                json!({
                    "additionalInformation": [],
                    "fieldDiffs": [],
                    "matchConfidence": 100.0,
                    "record": { "attributes": { "type": "Contact", "url": format!("/services/data/{}/sobjects/Contact/{}", self.version, r.id) }, "Id": r.id },
                })
            })
            .collect();
        let mut error = bad("DUPLICATES_DETECTED", message, &[]);
        let result = json!({
            "allowSave": true,
            "duplicateRule": "Standard_Contact_Duplicate_Rule",
            "duplicateRuleEntityType": "Contact",
            "errorMessage": message,
            "matchResults": [{
                "entityType": "Contact",
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": records,
                "rule": "Standard_Contact_Match_Rule_v1_1",
                "size": matches.len(),
                "success": true,
            }],
        });
        error.extra.insert("duplicateResult".into(), result);
        Err(error)
    }
}
