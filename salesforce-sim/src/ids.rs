//! Salesforce record ids: 15 base-62 characters plus the 3-character case-safe suffix.
//!
//! The simulator mints every id itself, so each one must carry a correct suffix: the client
//! verifies it, and an id that fails that check would hide a client bug behind a simulator bug.

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The 3-character suffix of a 15-character id (first character of a chunk = least-significant bit).
pub fn suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            SUFFIX_ALPHABET[bits] as char
        })
        .collect()
}

/// An 18-character id: `prefix` (3 chars), a 2-character pod marker, then `n` in base 62.
///
/// The `pod` marker keeps ids of different orgs apart, as real ids embed the instance.
pub fn make(prefix: &str, pod: &str, n: u64) -> String {
    let mut digits = Vec::with_capacity(10);
    let mut rest = n;
    for _ in 0..10 {
        digits.push(BASE62[(rest % 62) as usize]);
        rest /= 62;
    }
    digits.reverse();
    let id15 = format!("{prefix}{pod}{}", String::from_utf8_lossy(&digits));
    debug_assert_eq!(id15.len(), 15);
    let sfx = suffix(&id15);
    id15 + &sfx
}

/// Canonical 18-character form of an id given as 15 or 18 characters; `None` when malformed.
pub fn canonical(id: &str) -> Option<String> {
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match id.len() {
        15 => Some(format!("{id}{}", suffix(id))),
        18 if suffix(&id[..15]).eq_ignore_ascii_case(&id[15..]) => {
            Some(format!("{}{}", &id[..15], suffix(&id[..15])))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_suffixes() {
        assert_eq!(suffix("001D000000IqhSL"), "IAZ");
        assert_eq!(suffix("0019000000B98de"), "AAB");
    }

    #[test]
    fn made_ids_are_valid_and_distinct() {
        let a = make("001", "Sm", 1);
        let b = make("001", "Sm", 2);
        assert_eq!(a.len(), 18);
        assert_ne!(a, b);
        assert_eq!(canonical(&a).as_deref(), Some(a.as_str()));
        assert_eq!(canonical(&a[..15]).as_deref(), Some(a.as_str()));
        assert!(canonical("0010xACCOUNTID0000").is_none());
    }
}
