//! Server functions, grouped by area. Each one is thin: read the session, parse the input, call
//! `domain`, map the error.

pub mod audit;
pub mod auth;
pub mod changes;
#[cfg(feature = "ssr")]
pub mod changes_ssr;
pub mod connections;
pub mod context;
pub mod preflight;
pub mod salesforce_settings;
pub mod self_test;
#[cfg(feature = "ssr")]
pub mod session;
pub mod settings_dto;
#[cfg(feature = "ssr")]
pub mod settings_ssr;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tokens;
pub mod troubleshooting;
pub mod workspace;
#[cfg(feature = "ssr")]
pub mod workspace_ssr;
