//! Schema migrations. Each migration is one change and is never edited after it lands;
//! `Migrator::up` runs at server start and from `sofie migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_accounts;
mod m20261128_000002_sessions_audit_vault;
mod m20261128_000003_integration_settings;
mod m20261201_000004_auth_throttle;
mod m20261201_000005_keyed_fingerprints;
mod m20261201_000006_connections;
mod m20261202_000007_prepared_changes;
mod m20261202_000008_access_tokens;
mod m20261202_000009_token_rate;
mod m20261202_000010_proposal_dedupe;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_accounts::Migration),
            Box::new(m20261128_000002_sessions_audit_vault::Migration),
            Box::new(m20261128_000003_integration_settings::Migration),
            Box::new(m20261201_000004_auth_throttle::Migration),
            Box::new(m20261201_000005_keyed_fingerprints::Migration),
            Box::new(m20261201_000006_connections::Migration),
            Box::new(m20261202_000007_prepared_changes::Migration),
            Box::new(m20261202_000008_access_tokens::Migration),
            Box::new(m20261202_000009_token_rate::Migration),
            Box::new(m20261202_000010_proposal_dedupe::Migration),
        ]
    }
}
