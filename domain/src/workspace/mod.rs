//! Working with Salesforce as the connected person: list objects, describe one, search, run
//! read-only SOQL, read a record. Every call goes through [`ConnectionService::call`], so it runs
//! with that person's Salesforce authority and nobody else's; the assistant tools call these
//! same operations.

mod cache;
mod describe;
mod objects;
mod query;
mod record;
mod search;
mod self_test;

use std::sync::Arc;
use std::time::Duration;

pub use cache::{CacheStats, DescribeCache, Lookup};
pub use describe::{ChildView, FieldView, ObjectDetail, PicklistEntry, RecordTypeView};
pub use objects::{Catalog, CatalogEntry, ObjectInfo, ObjectKind};
pub use query::{Cell, LimitNote, QueryPage};
pub use record::{FieldGroup, RecordField, RecordView};
pub(crate) use record::{display, record_id_of};
pub use search::{SearchHit, SearchRequest, SearchResults};
pub use self_test::{StepLink, TestOutcome, TestRun, TestStep};

use crate::access::Actor;
use crate::connections::{ConnectionService, Upstream};
use crate::error::{DomainError, DomainResult};

/// Bounds of the workspace, from configuration.
#[derive(Clone, Copy, Debug)]
pub struct WorkspaceConfig {
    /// The largest LIMIT a query may have; a larger one is clamped, a missing one added.
    pub max_query_rows: u64,
    /// How long a describe is used before it is revalidated with `If-Modified-Since`.
    pub describe_max_age: Duration,
    /// The describe cache's memory bound.
    pub describe_cache_bytes: usize,
}

impl Default for WorkspaceConfig {
    fn default() -> Self {
        WorkspaceConfig {
            max_query_rows: 10_000,
            describe_max_age: Duration::from_secs(300),
            describe_cache_bytes: 64 << 20,
        }
    }
}

#[derive(Clone)]
pub struct Workspace {
    pub connections: ConnectionService,
    pub config: WorkspaceConfig,
    cache: Arc<DescribeCache>,
}

impl Workspace {
    pub fn new(connections: ConnectionService, config: WorkspaceConfig) -> Self {
        Workspace {
            cache: Arc::new(DescribeCache::new(
                config.describe_max_age,
                config.describe_cache_bytes,
            )),
            connections,
            config,
        }
    }

    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// describeGlobal for `actor`, from the cache when it still holds.
    pub(crate) async fn global(&self, actor: &Actor) -> DomainResult<Arc<Catalog>> {
        let cache = &self.cache;
        let answer = self
            .connections
            .call(actor, |up: Upstream| async move {
                let (since, previous) = match cache.global(&up.connection) {
                    Lookup::Fresh(value) => return Ok(Some(value)),
                    Lookup::Revalidate { value, since } => (Some(since), Some(value)),
                    Lookup::Miss => (None, None),
                };
                let answer = up.rest.describe_global(since).await?;
                Ok(cache.settle_global(&up.connection, answer, previous))
            })
            .await?;
        answer.ok_or_else(lost_entry)
    }

    /// One object's describe for `actor`. Unknown or invisible names are answered from
    /// describeGlobal with close matches, before any describe is asked for.
    pub(crate) async fn object(
        &self,
        actor: &Actor,
        name: &str,
    ) -> DomainResult<Arc<ObjectDetail>> {
        let catalog = self.global(actor).await?;
        self.object_in(actor, &catalog, name).await
    }

    /// [`Self::object`] for a caller that already holds the catalog.
    pub(crate) async fn object_in(
        &self,
        actor: &Actor,
        catalog: &Catalog,
        name: &str,
    ) -> DomainResult<Arc<ObjectDetail>> {
        let Some(summary) = catalog.find(name) else {
            return Err(unknown_object(name, catalog));
        };
        let name = summary.name.as_str();
        let cache = &self.cache;
        let answer = self
            .connections
            .call(actor, |up: Upstream| async move {
                let (since, previous) = match cache.object(&up.connection, name) {
                    Lookup::Fresh(value) => return Ok(Some(value)),
                    Lookup::Revalidate { value, since } => (Some(since), Some(value)),
                    Lookup::Miss => (None, None),
                };
                let answer = up.rest.describe(name, since).await?;
                Ok(cache.settle_object(&up.connection, name, answer, previous))
            })
            .await?;
        answer.ok_or_else(lost_entry)
    }
}

/// A 304 for an entry evicted meanwhile: rare, and the next try fetches it whole.
fn lost_entry() -> DomainError {
    DomainError::Salesforce(salesforce::Error::Transient {
        status: Some(304),
        detail: "the cached describe was evicted while it was revalidated".into(),
    })
}

/// "No object named X is visible to your Salesforce user", with up to three close names.
fn unknown_object(name: &str, catalog: &Catalog) -> DomainError {
    let wanted = name.trim().to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = catalog
        .objects
        .iter()
        .filter(|e| e.listed)
        .map(|e| &e.info)
        .map(|o| {
            let by_name = strsim::jaro_winkler(&wanted, &o.name.to_ascii_lowercase());
            let by_label = strsim::jaro_winkler(&wanted, &o.label.to_ascii_lowercase());
            (by_name.max(by_label), o.name.as_str())
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    DomainError::UnknownObject {
        name: name.trim().to_owned(),
        close_matches: scored
            .into_iter()
            .take(3)
            .map(|(_, n)| n.to_owned())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_objects_come_with_close_matches() {
        let global: salesforce::rest::DescribeGlobal =
            serde_json::from_value(serde_json::json!({"sobjects": [
                {"name": "Account", "label": "Account"},
                {"name": "AccountContactRelation", "label": "Account Contact Relationship"},
                {"name": "Quality_Issue__c", "label": "Quality Issue"},
                {"name": "Contact", "label": "Contact"},
            ]}))
            .unwrap();
        let global = Catalog::from(&global);
        let DomainError::UnknownObject { close_matches, .. } = unknown_object("Acount", &global)
        else {
            panic!()
        };
        assert_eq!(close_matches[0], "Account");
        let DomainError::UnknownObject { close_matches, .. } =
            unknown_object("quality issue", &global)
        else {
            panic!()
        };
        assert_eq!(close_matches, ["Quality_Issue__c"]);
        let DomainError::UnknownObject { close_matches, .. } = unknown_object("Zebra", &global)
        else {
            panic!()
        };
        assert!(close_matches.is_empty());
    }
}
