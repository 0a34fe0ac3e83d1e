//! Reviewing proposals: a person sees, approves, rejects and revises only their own (an
//! assistant's proposals are theirs too); anyone else's id answers "not found".

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;

use super::Changes;
use super::prepare::PrepareRequest;
use super::proposal::{Proposal, Proposer, State, action_of};
use crate::access::Actor;
use crate::audit::AuditAction;
use crate::entities::proposal::{self, Column};
use crate::error::{DomainError, DomainResult};

/// Most characters kept of a rejection reason.
const MAX_REASON: usize = 500;
/// Closed proposals listed under the open ones.
const RECENT: u64 = 20;

/// A person's proposals: the ones waiting for them first, then the most recent others.
#[derive(Clone, Debug)]
pub struct Queue {
    pub open: Vec<Proposal>,
    pub recent: Vec<Proposal>,
}

const OPEN: [&str; 5] = [
    "pending",
    "failed",
    "needs_decision",
    "executing",
    "unknown",
];

impl Changes {
    /// `id` when it is `actor`'s in this organization.
    pub(super) async fn own(&self, actor: &Actor, id: i64) -> DomainResult<proposal::Model> {
        proposal::Entity::find_by_id(id)
            .filter(Column::OrgId.eq(actor.org.id))
            .filter(Column::UserId.eq(actor.user.id))
            .one(&self.db)
            .await?
            .ok_or_else(|| DomainError::NotFound("proposal".into()))
    }

    pub async fn get(&self, actor: &Actor, id: i64) -> DomainResult<Proposal> {
        let row = self.own(actor, id).await?;
        if row.state == State::Pending.as_str() && row.expires_at <= OffsetDateTime::now_utc() {
            self.expire(actor, &row).await?;
            return Proposal::from_row(&self.own(actor, id).await?);
        }
        Proposal::from_row(&row)
    }

    pub async fn queue(&self, actor: &Actor) -> DomainResult<Queue> {
        let mine = || {
            proposal::Entity::find()
                .filter(Column::OrgId.eq(actor.org.id))
                .filter(Column::UserId.eq(actor.user.id))
        };
        let now = OffsetDateTime::now_utc();
        let mut open = Vec::new();
        for row in mine()
            .filter(Column::State.is_in(OPEN))
            .order_by_desc(Column::Id)
            .all(&self.db)
            .await?
        {
            if row.state == State::Pending.as_str() && row.expires_at <= now {
                self.expire(actor, &row).await?;
                continue;
            }
            open.push(Proposal::from_row(&row)?);
        }
        let recent = mine()
            .filter(Column::State.is_not_in(OPEN))
            .order_by_desc(Column::UpdatedAt)
            .limit(RECENT)
            .all(&self.db)
            .await?
            .iter()
            .map(Proposal::from_row)
            .collect::<DomainResult<_>>()?;
        Ok(Queue { open, recent })
    }

    /// How many of `actor`'s proposals wait for a decision, for the navigation.
    pub async fn waiting_count(&self, actor: &Actor) -> DomainResult<u64> {
        Ok(proposal::Entity::find()
            .filter(Column::OrgId.eq(actor.org.id))
            .filter(Column::UserId.eq(actor.user.id))
            .filter(Column::State.is_in(["pending", "failed", "needs_decision"]))
            .filter(Column::ExpiresAt.gt(OffsetDateTime::now_utc()))
            .count(&self.db)
            .await?)
    }

    /// Moves `row` from one of `from` to `to`; false when it had already left them.
    async fn transition(
        &self,
        db: &impl ConnectionTrait,
        row: &proposal::Model,
        from: &[State],
        to: State,
        reason: Option<String>,
    ) -> DomainResult<bool> {
        let now = OffsetDateTime::now_utc();
        let mut update = proposal::Entity::update_many()
            .col_expr(Column::State, Expr::value(to.as_str()))
            .col_expr(Column::DecidedAt, Expr::value(now))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::State.is_in(from.iter().map(|s| s.as_str())));
        if let Some(reason) = reason {
            update = update.col_expr(Column::RejectReason, Expr::value(Some(reason)));
        }
        Ok(update.exec(db).await?.rows_affected == 1)
    }

    pub(super) async fn expire(&self, actor: &Actor, row: &proposal::Model) -> DomainResult<()> {
        if self
            .transition(&self.db, row, &[State::Pending], State::Expired, None)
            .await?
        {
            let proposal = Proposal::from_row(&self.own(actor, row.id).await?)?;
            self.audit_change(&self.db, actor, AuditAction::ChangeExpired, &proposal)
                .await?;
        }
        Ok(())
    }

    pub async fn reject(&self, actor: &Actor, id: i64, reason: &str) -> DomainResult<Proposal> {
        let row = self.own(actor, id).await?;
        let reason = reason.trim();
        let reason = (!reason.is_empty()).then(|| reason.chars().take(MAX_REASON).collect());
        let open = [State::Pending, State::Failed, State::NeedsDecision];
        if !self
            .transition(&self.db, &row, &open, State::Rejected, reason)
            .await?
        {
            return Err(DomainError::Conflict(
                "This change is no longer waiting for a decision, so it was not rejected.".into(),
            ));
        }
        let proposal = Proposal::from_row(&self.own(actor, id).await?)?;
        self.audit_change(&self.db, actor, AuditAction::ChangeRejected, &proposal)
            .await?;
        Ok(proposal)
    }

    /// "Edit before approving": a new revision with `inputs`, checked like a new proposal; the
    /// reviewed one is kept, superseded, exactly as it was.
    pub async fn revise(
        &self,
        actor: &Actor,
        id: i64,
        inputs: Vec<(String, String)>,
        auto_assign: Option<bool>,
    ) -> DomainResult<Proposal> {
        let row = self.own(actor, id).await?;
        if !State::parse(&row.state)?.is_open() {
            return Err(DomainError::Conflict(
                "Only a change waiting for a decision can be revised.".into(),
            ));
        }
        let request = PrepareRequest {
            object: row.object.clone(),
            action: action_of(&row)?,
            record_id: row.record_id.clone(),
            external_id: row.external_id.clone(),
            inputs,
            auto_assign,
        };
        let new_row = self
            .checked(actor, &Proposer::Person, &request, Some(&row))
            .await?;
        let txn = self.db.begin().await?;
        if !self
            .transition(
                &txn,
                &row,
                &[State::Pending, State::Failed],
                State::Superseded,
                None,
            )
            .await?
        {
            return Err(DomainError::Conflict(
                "This change was decided meanwhile, so it was not revised.".into(),
            ));
        }
        let inserted = new_row.insert(&txn).await?;
        let proposal = Proposal::from_row(&inserted)?;
        self.audit_change(&txn, actor, AuditAction::ChangeRevised, &proposal)
            .await?;
        txn.commit().await?;
        Ok(proposal)
    }

    /// After reconciling found several candidates: the person names the record that is this
    /// change, and it is done.
    pub async fn mark_done(
        &self,
        actor: &Actor,
        id: i64,
        record_id: &str,
    ) -> DomainResult<Proposal> {
        let row = self.own(actor, id).await?;
        let candidates = row.candidates.clone().unwrap_or_default();
        if !candidates.split(',').any(|c| c == record_id) {
            return Err(DomainError::validation(
                "record_id",
                "Choose one of the records Sofie found.",
            ));
        }
        let now = OffsetDateTime::now_utc();
        let done = proposal::Entity::update_many()
            .col_expr(Column::State, Expr::value(State::Executed.as_str()))
            .col_expr(
                Column::ResultRecordId,
                Expr::value(Some(record_id.to_owned())),
            )
            .col_expr(
                Column::Note,
                Expr::value(Some("Marked done by its person.".to_owned())),
            )
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::State.eq(State::NeedsDecision.as_str()))
            .exec(&self.db)
            .await?
            .rows_affected;
        if done == 0 {
            return Err(DomainError::Conflict(
                "This change is no longer waiting for that decision.".into(),
            ));
        }
        let proposal = Proposal::from_row(&self.own(actor, id).await?)?;
        self.audit_change(&self.db, actor, AuditAction::ChangeReconciled, &proposal)
            .await?;
        Ok(proposal)
    }
}

/// Offboarding: the person's proposals that still wait for them are cancelled (in `org_id`, or
/// everywhere). Approved writes already running are left to finish and be reconciled.
pub(crate) async fn cancel_waiting(
    db: &impl ConnectionTrait,
    user_id: i64,
    org_id: Option<i64>,
) -> DomainResult<u64> {
    let now = OffsetDateTime::now_utc();
    let mut update = proposal::Entity::update_many()
        .col_expr(Column::State, Expr::value(State::Cancelled.as_str()))
        .col_expr(Column::DecidedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::State.is_in(["pending", "failed", "needs_decision"]));
    if let Some(org_id) = org_id {
        update = update.filter(Column::OrgId.eq(org_id));
    }
    Ok(update.exec(db).await?.rows_affected)
}
