//! API usage per Salesforce organization, as Salesforce reports it in `Sforce-Limit-Info` on
//! every REST answer. Several people of one Salesforce organization share its allocation, so it
//! is kept by Salesforce organization id, not by connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use salesforce::{LimitInfo, Usage};
use serde::Serialize;
use time::OffsetDateTime;

/// The latest reading for one Salesforce organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ApiUsage {
    /// Requests used in the rolling 24 hours, and how many are allowed.
    pub used: u64,
    pub allowed: u64,
    /// When Salesforce last said so (or refused a call for the limit).
    #[serde(with = "time::serde::rfc3339")]
    pub seen_at: OffsetDateTime,
}

impl ApiUsage {
    /// Used share in whole percent (100 or more when the allocation is spent).
    pub fn percent(&self) -> u64 {
        (self.used * 100).checked_div(self.allowed).unwrap_or(100)
    }
}

#[derive(Clone, Default)]
pub struct UsageBook {
    by_sf_org: Arc<Mutex<HashMap<String, ApiUsage>>>,
}

impl UsageBook {
    pub(super) fn record(&self, sf_org_id: &str, info: &LimitInfo) {
        if let Some(Usage { used, limit }) = info.api_usage {
            self.put(sf_org_id, used, limit);
        }
    }

    /// A `REQUEST_LIMIT_EXCEEDED` answer: whatever the last reading said, nothing is left.
    pub(super) fn exhausted(&self, sf_org_id: &str) {
        let allowed = self.get(sf_org_id).map_or(0, |u| u.allowed);
        self.put(sf_org_id, allowed.max(1), allowed);
    }

    fn put(&self, sf_org_id: &str, used: u64, allowed: u64) {
        let reading = ApiUsage {
            used,
            allowed,
            seen_at: OffsetDateTime::now_utc(),
        };
        self.by_sf_org
            .lock()
            .expect("usage book poisoned")
            .insert(sf_org_id.to_owned(), reading);
    }

    /// Every Salesforce organization's latest reading.
    pub fn all(&self) -> Vec<(String, ApiUsage)> {
        self.by_sf_org
            .lock()
            .expect("usage book poisoned")
            .iter()
            .map(|(org, usage)| (org.clone(), *usage))
            .collect()
    }

    pub fn get(&self, sf_org_id: &str) -> Option<ApiUsage> {
        self.by_sf_org
            .lock()
            .expect("usage book poisoned")
            .get(sf_org_id)
            .copied()
    }
}

impl super::ConnectionService {
    /// The latest API usage of the Salesforce organization `actor` is connected to, if this
    /// process has seen one.
    pub async fn api_usage(
        &self,
        actor: &crate::access::Actor,
    ) -> crate::error::DomainResult<Option<ApiUsage>> {
        let conn = super::store::find(&self.db, actor.user.id, actor.org.id).await?;
        Ok(conn.and_then(|c| self.usage.get(&c.sf_org_id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_kept_per_salesforce_organization() {
        let book = UsageBook::default();
        book.record("00D1", &LimitInfo::parse("api-usage=18/15000").unwrap());
        book.record("00D2", &LimitInfo::parse("api-usage=3/100").unwrap());
        assert_eq!(
            book.get("00D1").map(|u| (u.used, u.allowed)),
            Some((18, 15000))
        );
        assert_eq!(book.get("00D2").map(|u| u.percent()), Some(3));
        book.exhausted("00D2");
        assert_eq!(book.get("00D2").map(|u| u.percent()), Some(100));
        assert!(book.get("00D3").is_none());
    }
}
