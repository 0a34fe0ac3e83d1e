//! Sofie's rules, independent of any web framework: tenancy and roles, sign-in, the audit trail,
//! step-up, the secret vault, and the SeaORM entities behind them.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod audit_trail;
pub mod auth;
pub mod changes;
pub mod connections;
pub mod db;
pub mod entities;
pub mod error;
pub mod keys;
pub mod metrics;
pub mod names;
pub mod offboarding;
pub mod password;
pub mod roles;
pub mod salesforce_settings;
pub mod sessions;
pub mod step_up;
pub mod throttle;
pub mod tokens;
pub mod tools;
pub mod troubleshooting;
pub mod vault;
pub mod workspace;

pub use error::{DomainError, DomainResult};
