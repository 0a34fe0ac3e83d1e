//! The `sofie` server: configuration, command line, router and middleware. `main.rs` only
//! composes them; tests build the same `Application` on a random port.

pub mod admin;
pub mod assets;
pub mod audit_export;
pub mod callback;
pub mod change_forms;
pub mod cli;
pub mod config;
pub mod csv_export;
#[cfg(feature = "demo")]
pub mod demo;
pub mod keys;
pub mod mcp;
pub mod metrics;
pub mod middleware;
pub mod session_store;
pub mod startup;
pub mod telemetry;
pub mod tool_api;
