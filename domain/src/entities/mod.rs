//! SeaORM entities. The migrations are the source of truth for the schema; a test runs them
//! against SQLite and PostgreSQL and reads every table through these entities.

pub mod access_token;
pub mod audit_event;
pub mod auth_throttle;
pub mod change_policy;
pub mod connection;
pub mod group;
pub mod group_membership;
pub mod integration_setting;
pub mod oauth_attempt;
pub mod org_membership;
pub mod organization;
pub mod proposal;
pub mod session;
pub mod user;
pub mod vault_key;
