//! The sweeper: proposals past their expiry are expired, and writes whose process died (an
//! executing row past its lease) or whose answer was lost (unknown) are reconciled by reading
//! Salesforce. Any number of processes may sweep: each row is claimed by a conditional update.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;

use super::Changes;
use super::plan::Mode;
use super::proposal::State;
use crate::access::{self, Actor};
use crate::entities::organization;
use crate::entities::proposal::{self, Column};
use crate::error::DomainResult;
use crate::step_up::{Authn, SignInNonce};

/// Rows looked at per sweep.
const BATCH: u64 = 50;

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub expired: u64,
    pub reconciled: u64,
}

impl Changes {
    /// The person a proposal belongs to, as an actor with no sign-in of their own: the write
    /// runs with their Salesforce connection, as it would have in their request.
    async fn owner(&self, row: &proposal::Model) -> DomainResult<Option<Actor>> {
        let Some(user) = access::active_user(&self.db, row.user_id).await? else {
            return Ok(None);
        };
        let Some(org) = organization::Entity::find_by_id(row.org_id)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let authn = Authn {
            nonce: SignInNonce::generate(),
            step_up: None,
        };
        match access::actor_in(&self.db, user, authn, &org.slug).await {
            Ok(actor) => Ok(Some(actor)),
            Err(crate::DomainError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One sweep at `now`.
    pub async fn sweep(&self, now: OffsetDateTime) -> DomainResult<Swept> {
        let mut swept = Swept::default();
        let due = proposal::Entity::find()
            .filter(Column::State.eq(State::Pending.as_str()))
            .filter(Column::ExpiresAt.lte(now))
            .limit(BATCH)
            .all(&self.db)
            .await?;
        for row in due {
            if let Some(actor) = self.owner(&row).await? {
                self.expire(&actor, &row).await?;
                swept.expired += 1;
            }
        }
        let abandoned = proposal::Entity::find()
            .filter(Column::State.is_in([State::Executing.as_str(), State::Unknown.as_str()]))
            .filter(Column::LeaseUntil.lte(now))
            .limit(BATCH)
            .all(&self.db)
            .await?;
        for row in abandoned {
            let claimed = proposal::Entity::update_many()
                .col_expr(
                    Column::LeaseUntil,
                    Expr::value(Some(now + self.config.lease)),
                )
                .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
                .filter(Column::Id.eq(row.id))
                .filter(Column::State.eq(row.state.clone()))
                .filter(Column::LeaseUntil.lte(now))
                .exec(&self.db)
                .await?
                .rows_affected;
            if claimed == 0 {
                continue;
            }
            let Some(actor) = self.owner(&row).await? else {
                // Nobody's connection to check it with; it stays unknown for an admin to see.
                continue;
            };
            let Some(row) = proposal::Entity::find_by_id(row.id).one(&self.db).await? else {
                continue;
            };
            self.run(&actor, row, Mode::Reconcile).await?;
            swept.reconciled += 1;
        }
        Ok(swept)
    }
}

/// Sweeps now (a restarted process reconciles what its predecessor left) and then every
/// `sweep_every`, for the life of the process.
pub fn spawn_reconciler(changes: Changes) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(changes.config.sweep_every);
        loop {
            tick.tick().await;
            if let Err(e) = changes.sweep(OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %e, "the prepared changes sweep failed; it runs again");
            }
        }
    });
}
