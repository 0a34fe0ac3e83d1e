//! API names (objects, fields, relationship paths) cannot be quoted or escaped in SOQL, SOSL or
//! REST paths, so the only safe way to put one into a request is to check its shape first
//! (API-NOTES §7.1).

/// An sObject or field API name: a letter, then letters, digits or underscores
/// (`Account`, `Custom__c`, `ns__Field__c`).
pub(crate) fn is_api_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 255
}

/// A field path such as `Account.Owner.Name`: API names joined by dots.
pub(crate) fn is_field_path(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_api_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names() {
        for ok in ["Account", "Custom__c", "ns__Field__c", "Owner", "Name2"] {
            assert!(is_api_name(ok), "{ok}");
        }
        for bad in [
            "", "1Account", "_x", "Acc ount", "Acc'", "Acc/x", "Acc.x", "é",
        ] {
            assert!(!is_api_name(bad), "{bad}");
        }
        assert!(is_field_path("Account.Owner.Name"));
        assert!(!is_field_path("Account..Name"));
        assert!(!is_field_path("Account."));
    }
}
