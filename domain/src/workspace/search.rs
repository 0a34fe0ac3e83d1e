//! Keyword search (SOSL) over chosen objects, or every searchable one. The statement is only
//! ever built by the crate's escaping builder: the term cannot change the statement's shape.

use salesforce::sosl::{Returning, Search};
use serde::{Deserialize, Serialize};

use super::{Workspace, record::display};
use crate::access::Actor;
use crate::connections::Upstream;
use crate::error::{DomainError, DomainResult};

/// Objects searched when none are chosen, at most: SOSL answers slowly with many.
const MAX_DEFAULT_OBJECTS: usize = 12;
/// Rows per object.
const ROWS_PER_OBJECT: u32 = 25;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub term: String,
    /// API names; empty means every searchable object (the most common first).
    pub objects: Vec<String>,
    /// Extra fields to return for each hit, where the object has them.
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub object: String,
    pub id: String,
    pub name: String,
    /// The asked-for fields the object has, as shown.
    pub fields: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub term: String,
    pub objects: Vec<String>,
    pub hits: Vec<SearchHit>,
}

/// Objects most people search for, tried first when none are chosen.
const COMMON: [&str; 10] = [
    "Account",
    "Contact",
    "Opportunity",
    "Case",
    "Lead",
    "Task",
    "Event",
    "Order",
    "Contract",
    "Campaign",
];

impl Workspace {
    pub async fn search(
        &self,
        actor: &Actor,
        request: &SearchRequest,
    ) -> DomainResult<SearchResults> {
        let term = request.term.trim();
        if term.chars().count() < 2 {
            return Err(DomainError::validation(
                "q",
                "Type at least two characters to search for.",
            ));
        }
        let global = self.global(actor).await?;
        let objects: Vec<String> = if request.objects.is_empty() {
            let mut searchable: Vec<&str> = global
                .objects
                .iter()
                .filter(|e| e.listed)
                .map(|e| &e.info)
                .filter(|o| o.searchable && o.queryable)
                .map(|o| o.name.as_str())
                .collect();
            searchable.sort_by_key(|n| {
                (
                    COMMON.iter().position(|c| c == n).unwrap_or(usize::MAX),
                    !n.ends_with("__c"),
                    *n,
                )
            });
            searchable
                .into_iter()
                .take(MAX_DEFAULT_OBJECTS)
                .map(String::from)
                .collect()
        } else {
            let mut chosen = Vec::new();
            for wanted in &request.objects {
                let Some(o) = global.find(wanted) else {
                    return Err(super::unknown_object(wanted, &global));
                };
                if !o.searchable {
                    return Err(DomainError::validation(
                        "objects",
                        format!("{} cannot be searched; query it with SOQL instead.", o.name),
                    ));
                }
                if !chosen.contains(&o.name) {
                    chosen.push(o.name.clone());
                }
            }
            chosen
        };
        if objects.is_empty() {
            return Err(DomainError::validation(
                "objects",
                "Your Salesforce user cannot search any object.",
            ));
        }
        let mut search = Search::new(term);
        let mut shapes = Vec::new();
        for name in &objects {
            let detail = self.object_in(actor, &global, name).await?;
            let name_field = detail.name_field().unwrap_or("Id").to_owned();
            let extra: Vec<String> = request
                .fields
                .iter()
                .filter_map(|f| detail.field(f.trim()))
                .map(|d| d.name.clone())
                .filter(|f| f != &name_field && f != "Id")
                .collect();
            let mut fields = vec!["Id".to_owned()];
            if name_field != "Id" {
                fields.push(name_field.clone());
            }
            fields.extend(extra.iter().cloned());
            search = search.returning(Returning::new(name).fields(fields).limit(ROWS_PER_OBJECT));
            shapes.push((name.clone(), name_field, extra));
        }
        let sosl = search.build().map_err(salesforce::Error::from)?;
        let result = self
            .connections
            .call(actor, |up: Upstream| {
                let sosl = sosl.clone();
                async move { up.rest.search(&sosl).await }
            })
            .await?;
        let hits = result
            .search_records
            .iter()
            .filter_map(|record| {
                let object = record.attributes.as_ref()?.sobject_type.clone();
                let (_, name_field, extra) = shapes
                    .iter()
                    .find(|(n, ..)| n.eq_ignore_ascii_case(&object))?;
                let id = record.id()?.as_str().to_owned();
                Some(SearchHit {
                    name: record
                        .get(name_field)
                        .map(display)
                        .unwrap_or_else(|| id.clone()),
                    fields: extra
                        .iter()
                        .map(|f| (f.clone(), record.get(f).map(display).unwrap_or_default()))
                        .collect(),
                    object,
                    id,
                })
            })
            .collect();
        Ok(SearchResults {
            term: term.to_owned(),
            objects,
            hits,
        })
    }
}
