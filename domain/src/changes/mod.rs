//! Prepared changes: creates, updates, upserts and deletes that run only after a person approves
//! the exact preview, and then run exactly once.
//!
//! A proposal is checked against the connected user's describe and stored with a snapshot of
//! the record (`prepare`). Its person reviews it and approves or rejects it (`review`). Approval
//! is one conditional update pending → executing; the write then re-reads the record and runs
//! (`execute`). A write whose outcome is unknown (a timeout, a crash) is found out by reading
//! Salesforce, never by writing twice (`reconcile`).

mod execute;
mod failures;
mod fields;
mod once;
mod plan;
mod policy;
mod prepare;
mod proposal;
mod reconcile;
mod review;
mod test_update;
mod values;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

pub use fields::{Action, checked_fields};
pub use policy::{Policy, PolicyForm, PolicyOutcome, VERBS};
pub use prepare::PrepareRequest;
pub use proposal::{ChildEffect, DiffRow, Proposal, Proposer, State};
pub use reconcile::{Swept, spawn_reconciler};
pub use review::Queue;
pub(crate) use review::cancel_waiting;
pub use values::{ValueProblem, typed_value};

use crate::vault::Vault;
use crate::workspace::Workspace;

/// Timing of writes, from configuration.
#[derive(Clone, Copy, Debug)]
pub struct ChangesConfig {
    /// How long an approving process owns a write; after it, another process reconciles it.
    /// Longer than the slowest write (its lock retries included) may take.
    pub lease: Duration,
    /// How often expired proposals and abandoned writes are looked for.
    pub sweep_every: Duration,
    /// `UNABLE_TO_LOCK_ROW` is retried this many times, with jitter.
    pub lock_retries: u32,
}

impl ChangesConfig {
    /// Bounds derived from Salesforce's call timeout: each try of a write may take it whole.
    pub fn for_timeout(timeout: Duration) -> Self {
        let lock_retries = 3;
        let lease = timeout * (lock_retries + 2) + Duration::from_secs(2);
        ChangesConfig {
            lease,
            sweep_every: (lease / 2).min(Duration::from_secs(30)),
            lock_retries,
        }
    }
}

#[derive(Clone)]
pub struct Changes {
    db: DatabaseConnection,
    workspace: Workspace,
    vault: Arc<Vault>,
    config: ChangesConfig,
}

impl Changes {
    pub fn new(
        db: DatabaseConnection,
        workspace: Workspace,
        vault: Arc<Vault>,
        config: ChangesConfig,
    ) -> Self {
        Changes {
            db,
            workspace,
            vault,
            config,
        }
    }
}

#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod values_tests;
