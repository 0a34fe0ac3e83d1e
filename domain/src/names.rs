//! Parsed input: emails, display names, organization and group names, slugs and passwords.
//! Each type can only be built through `parse`, so holding one means the input was valid.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    /// Trimmed and lower-cased, so `Ann@Example.com ` and `ann@example.com` are one account.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim().to_lowercase();
        let invalid = |why: &str| DomainError::validation("email", why.to_string());
        if value.is_empty() {
            return Err(invalid("enter an email address"));
        }
        if value.len() > Self::MAX_LEN {
            return Err(invalid("an email address has at most 254 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("an email address has no spaces"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(invalid("an email address has an @"));
        };
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || !domain_ok {
            return Err(invalid(
                "this is not an email address, e.g. ann@example.com",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short human name: display names, organization and group names.
fn parse_name(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(DomainError::validation(field, "enter a name"));
    }
    if value.chars().count() > max {
        return Err(DomainError::validation(
            field,
            format!("a name has at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::validation(
            field,
            "a name cannot contain control characters",
        ));
    }
    Ok(value.to_string())
}

macro_rules! name_type {
    ($name:ident, $field:literal, $max:literal) => {
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                parse_name($field, raw, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

name_type!(DisplayName, "name", 100);
name_type!(OrgName, "organization", 100);
name_type!(GroupName, "group", 100);

/// The URL form of an organization's name: lower-case letters, digits and single dashes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok = (2..=63).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(DomainError::validation(
                "slug",
                "use 2 to 63 lower-case letters, digits and single dashes",
            ))
        }
    }

    /// `Acme Corp (EU)` becomes `acme-corp-eu`.
    pub fn from_name(name: &OrgName) -> Result<Self, DomainError> {
        let mut slug = String::new();
        for c in name.as_str().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(63).collect();
        Self::parse(slug.trim_end_matches('-')).map_err(|_| {
            DomainError::validation(
                "organization",
                "the name needs at least two letters or digits",
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password. Checked exactly as typed: no trimming, no composition rules (ASVS 6.2).
pub struct NewPassword(SecretString);

impl NewPassword {
    pub const MIN_LEN: usize = 12;
    pub const MAX_LEN: usize = 256;

    pub fn parse(raw: SecretString) -> Result<Self, DomainError> {
        let len = raw.expose_secret().chars().count();
        if len < Self::MIN_LEN {
            return Err(DomainError::validation(
                "password",
                format!("a password has at least {} characters", Self::MIN_LEN),
            ));
        }
        if len > Self::MAX_LEN {
            return Err(DomainError::validation(
                "password",
                format!("a password has at most {} characters", Self::MAX_LEN),
            ));
        }
        Ok(Self(raw))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "ann@@example.com",
            "ann@.example.com",
            "ann@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn names_and_slugs() {
        assert!(OrgName::parse("   ").is_err());
        assert!(OrgName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse("Ann\u{7}").is_err());
        let name = OrgName::parse("Acme Corp (EU)").unwrap();
        assert_eq!(Slug::from_name(&name).unwrap().as_str(), "acme-corp-eu");
        assert!(Slug::from_name(&OrgName::parse("!!").unwrap()).is_err());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("-acme").is_err());
        assert!(Slug::parse("acme").is_ok());
    }

    #[test]
    fn passwords_are_taken_as_typed() {
        let short = SecretString::from("elevenchars");
        assert!(NewPassword::parse(short).is_err());
        let spaced = NewPassword::parse(SecretString::from("  pass phrase with spaces  ")).unwrap();
        assert_eq!(
            spaced.secret().expose_secret(),
            "  pass phrase with spaces  "
        );
        assert!(NewPassword::parse(SecretString::from("x".repeat(257))).is_err());
    }
}
