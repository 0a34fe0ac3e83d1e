//! People's own Salesforce connections: connecting with OAuth and PKCE, the one place that calls
//! Salesforce for a person (refreshing at most once at a time per connection, across processes),
//! reconnecting, disconnecting, and what admins see.

mod calls;
mod card;
mod connect;
mod manage;
mod status;
mod store;
mod usage;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use url::Url;

pub use calls::{ConnectionRef, SalesforceCall, Upstream};
pub use card::{AdminRow, Card, ConnectOption, ConnectedDetails};
pub use connect::{AuthorizeRedirect, CallbackOutcome, Refusal, describe_exchange_error};
pub use manage::{HeldChoice, RevokeOutcome};
pub(crate) use manage::{active_in_org, mark_settings_changed};
pub use status::{Cause, Status, origin_key};
pub use usage::{ApiUsage, UsageBook};

use crate::salesforce_settings::SettingsService;
use crate::vault::Vault;

/// The provider name stored on connections.
pub const PROVIDER: &str = "salesforce";

/// The Salesforce side of Sofie for people: shared by every server function and handler.
#[derive(Clone)]
pub struct ConnectionService {
    pub db: DatabaseConnection,
    pub vault: Arc<Vault>,
    pub settings: SettingsService,
    pub http: salesforce::HttpClient,
    /// The exact callback URL of each public origin, canonical first.
    pub callback_urls: Arc<Vec<Url>>,
    /// One refresh at a time per connection inside this process; the database lease covers
    /// the other processes.
    refresh_locks: Arc<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
    /// When this process last wrote "last successful call" per connection (at most once a minute).
    touched: Arc<Mutex<HashMap<i64, Instant>>>,
    /// Unsealed tokens by (user, organization), reused for a moment.
    sessions: Arc<Mutex<HashMap<(i64, i64), calls::Session>>>,
    /// API usage per Salesforce organization, from every answer's `Sforce-Limit-Info`.
    pub usage: UsageBook,
    pub metrics: crate::metrics::Metrics,
}

impl ConnectionService {
    pub fn new(
        db: DatabaseConnection,
        vault: Arc<Vault>,
        settings: SettingsService,
        http: salesforce::HttpClient,
        callback_urls: Vec<Url>,
    ) -> Self {
        assert!(!callback_urls.is_empty(), "at least one public origin");
        Self {
            db,
            vault,
            settings,
            http,
            callback_urls: Arc::new(callback_urls),
            refresh_locks: Arc::default(),
            touched: Arc::default(),
            sessions: Arc::default(),
            usage: UsageBook::default(),
            metrics: crate::metrics::Metrics::default(),
        }
    }

    /// Records refreshes in `metrics` (the application's) instead of a private set.
    pub fn with_metrics(mut self, metrics: crate::metrics::Metrics) -> Self {
        self.metrics = metrics;
        self
    }
}

/// SHA-256 in hex: how states, sign-in nonces and access tokens are kept (never as sent).
pub(crate) fn hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
