//! Sofie's rules, independent of any web framework: tenancy and roles, sign-in, the audit trail,
//! the secret vault, sessions storage, and the SeaORM entities behind them.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod db;
pub mod entities;
pub mod error;
pub mod names;
pub mod password;
pub mod roles;
pub mod salesforce_settings;
pub mod session_store;
pub mod throttle;
pub mod vault;

pub use error::{DomainError, DomainResult};
