//! What Salesforce checks on a write, in its order: the body's fields (existence, FLS, types,
//! lengths, lookups), required fields, restricted picklists, the org's validation rule, and the
//! duplicate rule. Each failure is the REST error Salesforce sends for it.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Map, Value, json};

use crate::config::Profile;
use crate::ids;
use crate::rest::errors::{error_entry, rest_error};
use crate::schema::{FieldType, ObjectDef};
use crate::store::{Record, Store};

pub struct Write<'a> {
    pub store: &'a Store,
    pub object: &'a ObjectDef,
    pub profile: Profile,
    pub version: &'a str,
    /// The record being updated (`None` on create).
    pub existing: Option<&'a Record>,
}

fn bad(code: &str, message: &str, fields: &[&str]) -> Response {
    rest_error(StatusCode::BAD_REQUEST, code, message, fields)
}

/// Parses a JSON body into a field map, as Salesforce's JSON parser would complain.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            map.remove("attributes");
            Ok(map)
        }
        Ok(_) => Err(bad(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of sObject from non-object value",
            &[],
        )),
        Err(e) => Err(bad(
            "JSON_PARSER_ERROR",
            &format!("Unexpected character: {e}"),
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
    ) -> Result<Map<String, Value>, Response> {
        let creating = self.existing.is_none();
        let mut changes = Map::new();
        for (name, value) in body {
            let Some(field) = self
                .object
                .field(&name)
                .filter(|f| f.visible_to(self.profile))
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
                field.createable_by(self.profile)
            } else {
                field.updateable_by(self.profile)
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

    fn check_value(&self, name: &str, kind: FieldType, value: &Value) -> Result<(), Response> {
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

    /// The duplicate rule: a Contact whose e-mail another live Contact already has. It is an
    /// "alert" rule, so `Sforce-Duplicate-Rule-Header: allowSave=true` lets the save through.
    fn duplicates(&self, email: &Value, headers: &HeaderMap) -> Result<(), Response> {
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
            .filter(|r| !r.deleted() && Some(r.id.as_str()) != own)
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
        let mut entry = error_entry("DUPLICATES_DETECTED", message, &[]);
        entry["duplicateResult"] = json!({
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
        Err((StatusCode::BAD_REQUEST, Json(json!([entry]))).into_response())
    }
}
