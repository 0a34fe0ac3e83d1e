//! What an operator scrapes at `/metrics` (Prometheus / OpenMetrics text): request and
//! Salesforce call latencies, token refreshes, database statements, and, read when scraped,
//! connections by status, API usage per Salesforce organization and the database pool.
//!
//! One `Metrics` per running application (tests run many in one process). Labels are fixed
//! names — route templates, operation names, causes — never ids, names or values.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::connections::UsageBook;
use crate::entities::connection;
use crate::error::DomainResult;

type Labels = Vec<(&'static str, String)>;
type Histograms = Family<Labels, Histogram, fn() -> Histogram>;

/// 1 ms to about 33 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

struct Inner {
    registry: Registry,
    requests: Histograms,
    salesforce_calls: Histograms,
    refreshes: Family<Labels, Counter>,
    statements: Counter,
    connections: Family<Labels, Gauge>,
    api_used: Family<Labels, Gauge>,
    api_allowed: Family<Labels, Gauge>,
    pool: Family<Labels, Gauge>,
}

#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("sofie");
        let requests = Histograms::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests by route template and status class",
            requests.clone(),
        );
        let salesforce_calls = Histograms::new_with_constructor(latency);
        registry.register(
            "salesforce_call_duration_seconds",
            "Salesforce calls by operation and outcome",
            salesforce_calls.clone(),
        );
        let refreshes = Family::<Labels, Counter>::default();
        registry.register(
            "token_refreshes",
            "Access token refreshes by outcome (ok, or the cause they failed with)",
            refreshes.clone(),
        );
        let statements = Counter::default();
        registry.register(
            "db_statements",
            "Database statements run",
            statements.clone(),
        );
        let connections = Family::<Labels, Gauge>::default();
        registry.register(
            "salesforce_connections",
            "People's Salesforce connections by status",
            connections.clone(),
        );
        let api_used = Family::<Labels, Gauge>::default();
        registry.register(
            "salesforce_api_requests_used",
            "API requests used in the rolling 24 hours per Salesforce organization (Sforce-Limit-Info)",
            api_used.clone(),
        );
        let api_allowed = Family::<Labels, Gauge>::default();
        registry.register(
            "salesforce_api_requests_allowed",
            "API requests allowed in 24 hours per Salesforce organization (Sforce-Limit-Info)",
            api_allowed.clone(),
        );
        let pool = Family::<Labels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections by state (in_use, idle)",
            pool.clone(),
        );
        registry.register(
            "build",
            "This build",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION").to_owned())]),
        );
        Metrics(Arc::new(Inner {
            registry,
            requests,
            salesforce_calls,
            refreshes,
            statements,
            connections,
            api_used,
            api_allowed,
            pool,
        }))
    }
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let class = format!("{}xx", status / 100);
        self.0
            .requests
            .get_or_create(&vec![("route", route.to_owned()), ("status", class)])
            .observe(took.as_secs_f64());
    }

    pub fn salesforce_call(&self, call: salesforce::Call) {
        self.0
            .salesforce_calls
            .get_or_create(&vec![
                ("operation", call.operation.to_owned()),
                ("outcome", call.outcome.to_owned()),
            ])
            .observe(call.took.as_secs_f64());
    }

    /// An observer for the Salesforce HTTP client that records each call here.
    pub fn salesforce_observer(&self) -> salesforce::CallObserver {
        let metrics = self.clone();
        salesforce::CallObserver(Arc::new(move |call| metrics.salesforce_call(call)))
    }

    pub(crate) fn refresh(&self, outcome: &str) {
        self.0
            .refreshes
            .get_or_create(&vec![("outcome", outcome.to_owned())])
            .inc();
    }

    /// Counts every statement `db` runs from now on (install before `db` is cloned).
    pub fn count_statements(&self, db: &mut DatabaseConnection) {
        let metrics = self.clone();
        db.set_metric_callback(move |_| {
            metrics.0.statements.inc();
        });
    }

    /// Statements run so far, for tests that hold a page to a statement budget.
    pub fn statements(&self) -> u64 {
        self.0.statements.get()
    }

    /// The text exposition, with the read-when-scraped figures brought up to date first.
    pub async fn render(&self, db: &DatabaseConnection, usage: &UsageBook) -> DomainResult<String> {
        let by_status: Vec<(String, i64)> = connection::Entity::find()
            .select_only()
            .column(connection::Column::Status)
            .column_as(connection::Column::Id.count(), "n")
            .filter(connection::Column::Provider.eq(crate::salesforce_settings::PROVIDER))
            .group_by(connection::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        self.0.connections.clear();
        for (status, n) in by_status {
            self.0
                .connections
                .get_or_create(&vec![("status", status)])
                .set(n);
        }
        for (sf_org, reading) in usage.all() {
            let labels = vec![("salesforce_org", sf_org)];
            self.0
                .api_used
                .get_or_create(&labels)
                .set(reading.used as i64);
            self.0
                .api_allowed
                .get_or_create(&labels)
                .set(reading.allowed as i64);
        }
        if let Some((size, idle)) = pool_size(db) {
            let gauge = |state: &str| vec![("state", state.to_owned())];
            self.0.pool.get_or_create(&gauge("idle")).set(idle as i64);
            self.0
                .pool
                .get_or_create(&gauge("in_use"))
                .set(size.saturating_sub(idle) as i64);
        }
        let mut text = String::new();
        encode(&mut text, &self.0.registry).map_err(|e| crate::error::DomainError::Internal {
            context: "encoding metrics",
            source: Box::new(e),
        })?;
        Ok(text)
    }
}

/// The pool's open and idle connections.
fn pool_size(db: &DatabaseConnection) -> Option<(u32, u32)> {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some((pool.size(), pool.num_idle() as u32))
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some((pool.size(), pool.num_idle() as u32))
        }
        _ => None,
    }
}
