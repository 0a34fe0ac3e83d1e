//! A faithful Salesforce simulator: OAuth 2.0 (web server flow with PKCE) on login hosts and the
//! REST API on instance hosts, each on its own loopback port.
//!
//! It shares no code with the `salesforce` client crate on purpose: a shared bug would pass
//! both sides' tests. Wire facts come from `shared/salesforce/API-NOTES.md` and the fixtures.

// The describe field object is one large `json!` literal.
#![recursion_limit = "256"]
// Handlers bail out early with a finished `Response` as the error; boxing it would only add noise
// to every call site of a test tool whose errors are not a hot path.
#![allow(clippy::result_large_err)]

mod access;
mod clock;
pub mod config;
mod control;
mod ids;
mod oauth;
mod rest;
mod revisions;
mod schema;
mod seed;
mod server;
mod sharing;
mod soql;
mod state;
mod store;
mod tls;

use serde::{Deserialize, Serialize};

pub use config::{ConnectedApp, OrgConfig, Profile, RefreshPolicy, SimConfig, UserConfig};
pub use server::{RunningSim, spawn};

/// Base URLs of every host (`http://127.0.0.1:PORT`, `https://` with `tls`; no trailing slash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimUrls {
    pub login_production: String,
    pub login_sandbox: String,
    pub login_mydomain: String,
    pub instances: Vec<String>,
}

impl SimUrls {
    /// Every host's origin: what a client allowlists to talk to the simulator.
    pub fn all_origins(&self) -> Vec<String> {
        [
            &self.login_production,
            &self.login_sandbox,
            &self.login_mydomain,
        ]
        .into_iter()
        .chain(&self.instances)
        .cloned()
        .collect()
    }

    /// Every host's origin, each login host labelled with the one it imitates: the value of
    /// `SOFIE_SALESFORCE_DEV_ORIGINS` (and `HostPolicy::with_dev_origins`) for this simulator.
    pub fn dev_origins(&self) -> Vec<String> {
        [
            format!("production={}", self.login_production),
            format!("sandbox={}", self.login_sandbox),
            format!("mydomain={}", self.login_mydomain),
        ]
        .into_iter()
        .chain(self.instances.iter().cloned())
        .collect()
    }
}
