//! SOSL: term escaping and a builder that only produces `FIND {term} IN … RETURNING …` from
//! checked parts (API-NOTES §7.3). Object and field names are validated (they cannot be
//! escaped); the search text is escaped character by character. For plain keyword search,
//! prefer `rest::ParameterizedSearch`, which needs no SOSL at all.

use crate::ident::{is_api_name, is_field_path};

/// Characters SOSL reserves inside the braces; each is sent as `\c`.
pub const RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoslError {
    #[error("the search text is empty")]
    EmptyTerm,
    #[error("{0:?} is not a valid object or field name")]
    BadName(String),
    #[error("RETURNING needs at least one object")]
    NothingReturned,
}

/// Escapes every reserved character so the text is searched for literally. Control characters
/// become spaces: they cannot be searched for and a newline would end nothing useful.
pub fn escape_term(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Which fields FIND searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchGroup {
    #[default]
    All,
    Name,
    Email,
    Phone,
    Sidebar,
}

impl SearchGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchGroup::All => "ALL",
            SearchGroup::Name => "NAME",
            SearchGroup::Email => "EMAIL",
            SearchGroup::Phone => "PHONE",
            SearchGroup::Sidebar => "SIDEBAR",
        }
    }
}

/// One `RETURNING Object(fields LIMIT n)` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returning {
    object: String,
    fields: Vec<String>,
    limit: Option<u32>,
}

impl Returning {
    pub fn new(object: &str) -> Self {
        Returning {
            object: object.to_owned(),
            fields: Vec::new(),
            limit: None,
        }
    }

    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields.extend(fields.into_iter().map(Into::into));
        self
    }

    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
}

/// A literal-text search: `FIND {escaped} IN group FIELDS RETURNING … LIMIT n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    text: String,
    group: SearchGroup,
    returning: Vec<Returning>,
    limit: Option<u32>,
}

impl Search {
    /// Searches for `text` as typed by a user: every reserved character is escaped.
    pub fn new(text: &str) -> Self {
        Search {
            text: text.to_owned(),
            group: SearchGroup::All,
            returning: Vec::new(),
            limit: None,
        }
    }

    pub fn in_fields(mut self, group: SearchGroup) -> Self {
        self.group = group;
        self
    }

    pub fn returning(mut self, r: Returning) -> Self {
        self.returning.push(r);
        self
    }

    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// The SOSL statement, or why it cannot be built.
    pub fn build(&self) -> Result<String, SoslError> {
        let term = escape_term(self.text.trim());
        if term.trim().is_empty() {
            return Err(SoslError::EmptyTerm);
        }
        if self.returning.is_empty() {
            return Err(SoslError::NothingReturned);
        }
        let mut parts = Vec::with_capacity(self.returning.len());
        for r in &self.returning {
            if !is_api_name(&r.object) {
                return Err(SoslError::BadName(r.object.clone()));
            }
            if let Some(bad) = r.fields.iter().find(|f| !is_field_path(f)) {
                return Err(SoslError::BadName(bad.clone()));
            }
            let mut inner = r.fields.join(", ");
            if let Some(n) = r.limit {
                if !inner.is_empty() {
                    inner.push(' ');
                }
                inner.push_str(&format!("LIMIT {n}"));
            }
            parts.push(if inner.is_empty() {
                r.object.clone()
            } else {
                format!("{}({inner})", r.object)
            });
        }
        let mut sosl = format!(
            "FIND {{{term}}} IN {} FIELDS RETURNING {}",
            self.group.as_str(),
            parts.join(", ")
        );
        if let Some(n) = self.limit {
            sosl.push_str(&format!(" LIMIT {n}"));
        }
        Ok(sosl)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_reserved_character_is_escaped() {
        for &c in RESERVED {
            assert_eq!(escape_term(&format!("a{c}b")), format!("a\\{c}b"), "{c}");
        }
        assert_eq!(
            escape_term(r#"?&|!{}[]()^~*:\"'+-"#),
            r#"\?\&\|\!\{\}\[\]\(\)\^\~\*\:\\\"\'\+\-"#
        );
        assert_eq!(escape_term("a\nb"), "a b");
        assert_eq!(escape_term("Acme Inc."), "Acme Inc.");
    }

    #[test]
    fn builder() {
        let s = Search::new("O'Brien} RETURNING User(Password)")
            .in_fields(SearchGroup::Name)
            .returning(Returning::new("Account").fields(["Id", "Name"]).limit(10))
            .returning(Returning::new("Contact").fields(["Id", "Account.Name"]))
            .returning(Returning::new("Lead"))
            .limit(50)
            .build()
            .unwrap();
        assert_eq!(
            s,
            r"FIND {O\'Brien\} RETURNING User\(Password\)} IN NAME FIELDS RETURNING Account(Id, Name LIMIT 10), Contact(Id, Account.Name), Lead LIMIT 50"
        );
        assert_eq!(
            Search::new("  ")
                .returning(Returning::new("Account"))
                .build(),
            Err(SoslError::EmptyTerm)
        );
        assert_eq!(Search::new("x").build(), Err(SoslError::NothingReturned));
        assert_eq!(
            Search::new("x")
                .returning(Returning::new("Account) FROM"))
                .build(),
            Err(SoslError::BadName("Account) FROM".into()))
        );
        assert_eq!(
            Search::new("x")
                .returning(Returning::new("Account").fields(["Id, Secret__c"]))
                .build(),
            Err(SoslError::BadName("Id, Secret__c".into()))
        );
    }

    proptest! {
        /// Whatever the text, the braces hold exactly one term: every `}` inside is escaped, so
        /// the first unescaped `}` is the one we added.
        #[test]
        fn term_cannot_escape_its_braces(text in "\\PC{1,60}") {
            prop_assume!(!text.trim().is_empty());
            let sosl = Search::new(&text).returning(Returning::new("Account")).build().unwrap();
            let body = &sosl["FIND {".len()..];
            let mut escaped = false;
            let mut close = None;
            for (i, c) in body.char_indices() {
                if escaped { escaped = false; continue; }
                if c == '\\' { escaped = true; continue; }
                prop_assert!(!RESERVED.contains(&c) || c == '}', "unescaped {c:?} in {sosl}");
                if c == '}' { close = Some(i); break; }
            }
            prop_assert_eq!(&body[close.unwrap()..], "} IN ALL FIELDS RETURNING Account");
        }
    }
}
