//! Why Salesforce refused a write, as a sentence stored on the proposal: it names the field or
//! rule and says what to do. Nothing was written when one of these is the answer.

use salesforce::{ApiErrorEntry, Error, Fault};

fn first(fault: &Fault) -> Option<&ApiErrorEntry> {
    fault.errors.first()
}

fn fields_of(entry: &ApiErrorEntry) -> String {
    match entry.fields.as_slice() {
        [] => String::new(),
        fields => format!(" ({})", fields.join(", ")),
    }
}

/// The sentence for a refused write of `object`.
pub(super) fn refusal(err: &Error, object: &str) -> String {
    let said = |f: &Fault| {
        first(f)
            .map(|e| format!(" Salesforce said: {}", e.message.trim()))
            .unwrap_or_default()
    };
    match err {
        Error::Validation(f) => {
            let Some(entry) = first(f) else {
                return format!("Salesforce refused the values.{}", said(f));
            };
            match entry.error_code.as_str() {
                "FIELD_CUSTOM_VALIDATION_EXCEPTION" => format!(
                    "A validation rule of your Salesforce organization refused the change{}: {} Change the values so the rule is met, as a new revision.",
                    fields_of(entry),
                    entry.message.trim()
                ),
                "DUPLICATES_DETECTED" => format!(
                    "A duplicate rule found a matching {object} record: {} Use the existing record, or change the values that match, as a new revision.",
                    entry.message.trim()
                ),
                "REQUIRED_FIELD_MISSING" => format!(
                    "Salesforce requires a field this change leaves empty{}. Add a value as a new revision.",
                    fields_of(entry)
                ),
                "STRING_TOO_LONG" | "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
                | "FIELD_INTEGRITY_EXCEPTION" | "INVALID_TYPE_ON_FIELD_IN_RECORD"
                | "NUMBER_OUTSIDE_VALID_RANGE" | "MALFORMED_ID" | "INVALID_EMAIL_ADDRESS" => format!(
                    "Salesforce refused a value{}: {} Correct it as a new revision.",
                    fields_of(entry),
                    entry.message.trim()
                ),
                _ => format!(
                    "Salesforce refused the change{}: {} Correct it as a new revision.",
                    fields_of(entry),
                    entry.message.trim()
                ),
            }
        }
        Error::Permission(f) if f.code() == Some("INVALID_FIELD_FOR_INSERT_UPDATE")
            || f.code() == Some("INVALID_FIELD") =>
        {
            format!(
                "Your Salesforce user may not set a field of this change (field-level security){}. Leave it out, as a new revision, or ask your Salesforce admin for access.{}",
                first(f).map(fields_of).unwrap_or_default(),
                said(f)
            )
        }
        Error::Permission(f) => format!(
            "Your Salesforce user may not make this change to {object} (sharing or object permissions). Ask the record's owner or your Salesforce admin for access.{}",
            said(f)
        ),
        Error::NotFound(_) => format!(
            "The {object} record is gone, or no longer shared with your Salesforce user; nothing was changed."
        ),
        Error::LimitExceeded(_) => "Your Salesforce organization has used all the API requests it is allowed in the last 24 hours (REQUEST_LIMIT_EXCEEDED); nothing was changed. Approve again in an hour, or ask your Salesforce admin to raise the limit.".into(),
        Error::RowLock(f) => format!(
            "Salesforce kept the record locked by other work through every retry (UNABLE_TO_LOCK_ROW); nothing was changed. Approve again in a few minutes.{}",
            said(f)
        ),
        Error::Api(f) if f.code() == Some("DELETE_FAILED") => format!(
            "Salesforce would not delete the record because other records depend on it. Remove or move them first, then approve again.{}",
            said(f)
        ),
        Error::Api(f) => format!("Salesforce refused the change; nothing was changed.{}", said(f)),
        Error::RefreshRevoked { .. } | Error::SessionExpired(_) => "Salesforce no longer accepts your connection, so nothing was sent. Reconnect Salesforce on My Integrations, then approve again.".into(),
        Error::InvalidInput(why) => format!("Nothing was sent to Salesforce: {why}."),
        other => format!("The change was not made: {other}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, message: &str, fields: &[&str]) -> Fault {
        Fault {
            status: 400,
            errors: vec![ApiErrorEntry {
                message: message.into(),
                error_code: code.into(),
                fields: fields.iter().map(|f| f.to_string()).collect(),
            }],
        }
    }

    #[test]
    fn each_refusal_names_its_field_or_rule_and_what_to_do() {
        let cases = [
            (
                Error::from_fault(entry(
                    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                    "A closed quality issue needs a resolution.",
                    &[],
                )),
                ["validation rule", "needs a resolution", "new revision"],
            ),
            (
                Error::from_fault(entry(
                    "DUPLICATES_DETECTED",
                    "You're creating a duplicate record.",
                    &[],
                )),
                ["duplicate rule", "Contact", "existing record"],
            ),
            (
                Error::from_fault(entry(
                    "REQUIRED_FIELD_MISSING",
                    "Required fields are missing: [LastName]",
                    &["LastName"],
                )),
                ["requires", "LastName", "new revision"],
            ),
            (
                Error::from_fault(entry(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Unable to create/update fields: Rating.",
                    &["Rating"],
                )),
                ["field-level security", "Rating", "Leave it out"],
            ),
            (
                Error::from_fault(entry(
                    "INSUFFICIENT_ACCESS_OR_READONLY",
                    "insufficient access rights on object id",
                    &[],
                )),
                ["sharing", "owner", "Contact"],
            ),
            (
                Error::from_fault(Fault {
                    status: 403,
                    errors: vec![ApiErrorEntry {
                        message: "TotalRequests Limit exceeded.".into(),
                        error_code: "REQUEST_LIMIT_EXCEEDED".into(),
                        fields: vec![],
                    }],
                }),
                ["REQUEST_LIMIT_EXCEEDED", "24 hours", "hour"],
            ),
            (
                Error::from_fault(entry(
                    "DELETE_FAILED",
                    "Your attempt to delete Acme could not be completed",
                    &[],
                )),
                ["depend on it", "Acme", "approve again"],
            ),
        ];
        for (err, words) in cases {
            let sentence = refusal(&err, "Contact");
            for word in words {
                assert!(sentence.contains(word), "{sentence:?} lacks {word:?}");
            }
        }
    }
}
