//! Salesforce record ids (API-NOTES §6). The 15-character form is case-sensitive; the API returns
//! 18 characters, the extra three encode the case of the first fifteen so the id survives
//! case-insensitive systems. We always hold the canonical 18-character form, so two ids compare
//! equal exactly when Salesforce considers them the same record.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordIdError {
    #[error("a record id has 15 or 18 characters, not {0}")]
    WrongLength(usize),
    #[error("character {position} of the record id is not a letter or digit")]
    InvalidChar { position: usize },
    #[error("the last three characters of the 18-character id do not match its first fifteen")]
    ChecksumMismatch,
}

/// A validated record id in canonical 18-character form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(String);

impl RecordId {
    /// Accepts a 15-character id (case-sensitive) or an 18-character id whose suffix matches
    /// (compared case-insensitively, as Salesforce does).
    pub fn parse(s: &str) -> Result<Self, RecordIdError> {
        let len = s.chars().count();
        if len != 15 && len != 18 {
            return Err(RecordIdError::WrongLength(len));
        }
        if let Some(position) = s.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(RecordIdError::InvalidChar { position });
        }
        let (id15, given) = s.split_at(15);
        let suffix = checksum_suffix(id15);
        if len == 18 && !given.eq_ignore_ascii_case(&suffix) {
            return Err(RecordIdError::ChecksumMismatch);
        }
        Ok(RecordId(format!("{id15}{suffix}")))
    }

    /// The canonical 18-character form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-sensitive 15-character form.
    pub fn as_15(&self) -> &str {
        &self.0[..15]
    }

    /// The first three characters: the object's key prefix (`001` Account, `003` Contact, ...).
    pub fn key_prefix(&self) -> &str {
        &self.0[..3]
    }
}

/// The three suffix characters for a 15-character id: for each 5-character chunk, bit *i* is set
/// when character *i* is an upper-case letter, and the 5-bit value indexes `A..Z0..5`.
///
/// # Panics
/// If `id15` is not 15 ASCII characters (callers check first).
pub fn checksum_suffix(id15: &str) -> String {
    assert_eq!(id15.len(), 15, "checksum_suffix needs a 15-character id");
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .fold(0usize, |n, (i, _)| n | (1 << i));
            SUFFIX_ALPHABET[bits] as char
        })
        .collect()
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RecordId {
    type Err = RecordIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordId::parse(s)
    }
}

impl Serialize for RecordId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RecordId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        assert_eq!(checksum_suffix("001D000000IqhSL"), "IAZ");
        assert_eq!(checksum_suffix("0019000000B98de"), "AAB");
        let id = RecordId::parse("001D000000IqhSL").unwrap();
        assert_eq!(id.as_str(), "001D000000IqhSLIAZ");
        assert_eq!(id.as_15(), "001D000000IqhSL");
        assert_eq!(id.key_prefix(), "001");
        assert_eq!(RecordId::parse("001D000000IqhSLIAZ").unwrap(), id);
        // The suffix is compared case-insensitively...
        assert_eq!(RecordId::parse("001D000000IqhSLiaz").unwrap(), id);
        // ...but the 15-character body is case-sensitive.
        assert_ne!(RecordId::parse("001d000000IqhSL").unwrap(), id);
        assert_eq!(
            RecordId::parse("001d000000IqhSLIAZ"),
            Err(RecordIdError::ChecksumMismatch)
        );
        assert_eq!(
            RecordId::parse("012000000000000AAA").unwrap().key_prefix(),
            "012"
        );
    }

    #[test]
    fn refuses_other_shapes() {
        assert_eq!(RecordId::parse(""), Err(RecordIdError::WrongLength(0)));
        assert_eq!(
            RecordId::parse("001/../../sobjects/User"),
            Err(RecordIdError::WrongLength(23))
        );
        assert_eq!(
            RecordId::parse("001D00000/IqhSL"),
            Err(RecordIdError::InvalidChar { position: 9 })
        );
        assert_eq!(
            RecordId::parse("001D000000IqhSLIAé"),
            Err(RecordIdError::InvalidChar { position: 17 })
        );
        // A placeholder from the fixtures: right shape, wrong suffix.
        assert_eq!(
            RecordId::parse("0010xACCOUNTID0000"),
            Err(RecordIdError::ChecksumMismatch)
        );
    }

    proptest::proptest! {
        /// Any 15 letters/digits give an 18-character id that parses back to itself, whatever
        /// the case of its suffix; flipping the case of one letter in the body changes the id.
        #[test]
        fn checksum_round_trip(id15 in "[a-zA-Z0-9]{15}", flip in 0usize..15) {
            let id = RecordId::parse(&id15).unwrap();
            proptest::prop_assert_eq!(RecordId::parse(id.as_str()).unwrap(), id.clone());
            let lower = format!("{}{}", id15, &id.as_str()[15..].to_ascii_lowercase());
            proptest::prop_assert_eq!(RecordId::parse(&lower).unwrap(), id.clone());
            let c = id15.as_bytes()[flip] as char;
            if c.is_ascii_alphabetic() {
                let mut flipped = id15.clone();
                let other = if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
                flipped.replace_range(flip..=flip, &other.to_string());
                proptest::prop_assert_ne!(RecordId::parse(&flipped).unwrap(), id.clone());
                let mangled = format!("{flipped}{}", &id.as_str()[15..]);
                proptest::prop_assert_eq!(RecordId::parse(&mangled), Err(RecordIdError::ChecksumMismatch));
            }
        }
    }

    #[test]
    fn serde_round_trip() {
        let id: RecordId = serde_json::from_str("\"0019000000B98de\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"0019000000B98deAAB\""
        );
        assert!(serde_json::from_str::<RecordId>("\"nope\"").is_err());
    }
}
