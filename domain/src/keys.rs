//! Rotating the vault's keys: the registry of every sealed column, re-sealing them under the
//! active key (`sofie keys rewrap`), and retiring a key no ciphertext uses any more
//! (`sofie keys retire`). Every sealed column must be listed in [`SEALED_COLUMNS`]; a test seals
//! through every flow and fails when it finds sealed text in a column missing here.
//!
//! Not listed: a change parked for step-up, sealed inside the session's data. It lives at most
//! `step_up::PARKED_TTL_SECS`; one sealed under a retired key cannot be completed and is entered
//! again.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, TransactionTrait};

use crate::entities::vault_key;
use crate::error::{DomainError, DomainResult};
use crate::vault::{Aad, Vault};

/// A column holding sealed text, bound to its row by `Aad::new(table, column, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
}

/// Every column the vault seals into. Extend it with each new sealed column.
pub const SEALED_COLUMNS: &[SealedColumn] = &[
    SealedColumn {
        table: "integration_settings",
        column: "client_secret",
    },
    SealedColumn {
        table: "connections",
        column: "access_token",
    },
    SealedColumn {
        table: "connections",
        column: "refresh_token",
    },
    SealedColumn {
        table: "oauth_attempts",
        column: "code_verifier",
    },
    SealedColumn {
        table: "oauth_attempts",
        column: "held_grant",
    },
];

/// How many values one column had re-sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrapped {
    pub column: SealedColumn,
    pub count: u64,
}

async fn sealed_values(
    db: &impl ConnectionTrait,
    column: SealedColumn,
    not_version: Option<u32>,
    limit: u64,
) -> DomainResult<Vec<(i64, String)>> {
    let mut select = Query::select();
    select
        .column(Alias::new("id"))
        .column(Alias::new(column.column))
        .from(Alias::new(column.table))
        .and_where(Expr::col(Alias::new(column.column)).is_not_null())
        .order_by(Alias::new("id"), sea_orm::Order::Asc)
        .limit(limit);
    if let Some(version) = not_version {
        select.and_where(Expr::col(Alias::new(column.column)).not_like(format!("v{version}:%")));
    }
    let rows = db.query_all(&select).await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.try_get_by_index::<i64>(0)?,
                row.try_get_by_index::<String>(1)?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(DomainError::from)
}

/// Re-seals, `batch` rows at a time, every sealed value not yet under the active key. Each batch
/// commits on its own and a row is only replaced if it still holds the value read, so the command
/// can be stopped and run again, and runs safely beside live servers. `progress` hears each batch.
pub async fn rewrap(
    db: &DatabaseConnection,
    vault: &Vault,
    batch: u64,
    mut progress: impl FnMut(SealedColumn, u64),
) -> DomainResult<Vec<Rewrapped>> {
    let active = vault.active_version();
    let mut report = Vec::new();
    for &column in SEALED_COLUMNS {
        let mut count = 0;
        let mut skipped = std::collections::HashSet::new();
        loop {
            let rows =
                sealed_values(db, column, Some(active), batch + skipped.len() as u64).await?;
            let rows: Vec<_> = rows
                .into_iter()
                .filter(|(id, _)| !skipped.contains(id))
                .collect();
            if rows.is_empty() {
                break;
            }
            let txn = db.begin().await?;
            let mut done = 0;
            for (id, sealed) in rows {
                let aad = Aad::new(column.table, column.column, id);
                let resealed = vault.reseal(&sealed, &aad).map_err(|e| {
                    DomainError::internal("a sealed value does not open with the key ring", e)
                })?;
                let mut update = Query::update();
                update
                    .table(Alias::new(column.table))
                    .value(Alias::new(column.column), resealed)
                    .and_where(Expr::col(Alias::new("id")).eq(id))
                    .and_where(Expr::col(Alias::new(column.column)).eq(sealed));
                if txn.execute(&update).await?.rows_affected() == 1 {
                    done += 1;
                } else {
                    // Changed meanwhile by a live server, which sealed it with the active key.
                    skipped.insert(id);
                }
            }
            txn.commit().await?;
            count += done;
            progress(column, count);
        }
        report.push(Rewrapped { column, count });
    }
    Ok(report)
}

/// How many sealed values each key version holds, over every registered column.
pub async fn usage(db: &impl ConnectionTrait) -> DomainResult<BTreeMap<u32, u64>> {
    let mut counts = BTreeMap::new();
    for &column in SEALED_COLUMNS {
        for (_, sealed) in sealed_values(db, column, None, u64::MAX >> 1).await? {
            if let Some(version) = Vault::version_of(&sealed) {
                *counts.entry(version).or_default() += 1;
            }
        }
    }
    Ok(counts)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RetireError {
    #[error("key version {0} is the ring's sealing key; promote another key first")]
    Active(u32),
    #[error("key version {version} still seals {count} value(s); run `sofie keys rewrap` first")]
    InUse { version: u32, count: u64 },
    #[error("key version {0} is not recorded in this database")]
    Unknown(u32),
}

/// Forgets key `version`, so start-up accepts a ring without it. Refused while any ciphertext
/// still uses it, or while it is the key that seals.
pub async fn retire(
    db: &impl ConnectionTrait,
    vault: &Vault,
    version: u32,
) -> DomainResult<Result<(), RetireError>> {
    if vault.active_version() == version {
        return Ok(Err(RetireError::Active(version)));
    }
    if let Some(&count) = usage(db).await?.get(&version).filter(|&&n| n > 0) {
        return Ok(Err(RetireError::InUse { version, count }));
    }
    let Some(row) = vault_key::Entity::find_by_id(version as i32)
        .one(db)
        .await?
    else {
        return Ok(Err(RetireError::Unknown(version)));
    };
    row.delete(db).await?;
    Ok(Ok(()))
}
