//! `parameterizedSearch` (API-NOTES §4.5): keyword search without SOSL grammar — only URL
//! encoding, so user text needs no escaping. Names are still checked: they end up in parameter
//! names (`Account.fields`).

use crate::sosl::SearchGroup;
use crate::{Error, ident};

/// One object to search and what to return from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchObject {
    pub name: String,
    pub fields: Vec<String>,
    pub limit: Option<u32>,
}

/// `GET /parameterizedSearch?q=…&sobject=…&<Obj>.fields=…&<Obj>.limit=…&in=…&overallLimit=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterizedSearch {
    pub q: String,
    pub objects: Vec<SearchObject>,
    pub group: SearchGroup,
    pub overall_limit: Option<u32>,
}

impl ParameterizedSearch {
    pub fn new(q: &str) -> Self {
        ParameterizedSearch {
            q: q.to_owned(),
            objects: Vec::new(),
            group: SearchGroup::All,
            overall_limit: None,
        }
    }

    pub fn object(mut self, name: &str, fields: &[&str], limit: Option<u32>) -> Self {
        self.objects.push(SearchObject {
            name: name.to_owned(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            limit,
        });
        self
    }

    /// The query parameters, after checking every name.
    pub(crate) fn params(&self) -> Result<Vec<(String, String)>, Error> {
        if self.q.trim().is_empty() {
            return Err(Error::InvalidInput("search text is empty".into()));
        }
        let mut params = vec![
            ("q".to_owned(), self.q.clone()),
            ("in".to_owned(), self.group.as_str().to_owned()),
        ];
        for o in &self.objects {
            if !ident::is_api_name(&o.name) {
                return Err(Error::InvalidInput(format!(
                    "{:?} is not an object name",
                    o.name
                )));
            }
            if let Some(bad) = o.fields.iter().find(|f| !ident::is_field_path(f)) {
                return Err(Error::InvalidInput(format!("{bad:?} is not a field name")));
            }
            params.push(("sobject".to_owned(), o.name.clone()));
            if !o.fields.is_empty() {
                params.push((format!("{}.fields", o.name), o.fields.join(",")));
            }
            if let Some(n) = o.limit {
                params.push((format!("{}.limit", o.name), n.to_string()));
            }
        }
        if let Some(n) = self.overall_limit {
            params.push(("overallLimit".to_owned(), n.to_string()));
        }
        Ok(params)
    }
}
