//! Approving runs the change exactly once: one conditional update pending → executing decides
//! which request writes (a double click, two tabs or twenty parallel approvals make one write),
//! then the plan runs and its outcome is stored, only over a row still executing.

use salesforce::RecordId;
use salesforce::soql::quote_literal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::Changes;
use super::fields::Action;
use super::plan::{Mode, Outcome, Plan};
use super::proposal::{Proposal, State, action_of, fields_of, snapshot_of};
use crate::access::Actor;
use crate::audit::AuditAction;
use crate::connections::Upstream;
use crate::entities::proposal::{self, Column};
use crate::error::{DomainError, DomainResult};
use crate::workspace::{FieldView, display};

/// A SOQL datetime literal: whole seconds, UTC.
fn time_of(instant: OffsetDateTime) -> String {
    instant
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(instant)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A value as a SOQL literal for a filter on `field`, when the field can be filtered on.
fn literal(field: &FieldView, value: &Value) -> Option<String> {
    match (field.field_type.as_str(), value) {
        ("textarea" | "encryptedstring" | "base64", _) => None,
        (_, Value::Null) => Some("null".into()),
        ("date" | "datetime", Value::String(s)) => Some(s.clone()),
        (_, Value::String(s)) => Some(quote_literal(s)),
        (_, Value::Bool(b)) => Some(b.to_string()),
        (_, Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Why approving `row` cannot start, from the state it is in now.
fn not_startable(row: &proposal::Model, now: OffsetDateTime) -> DomainError {
    let message = match State::parse(&row.state) {
        Ok(State::Executing) => "This change is being made now; its result shows here in a moment.",
        Ok(State::Executed) => "This change was already made.",
        Ok(State::Unknown) => {
            "Sofie is checking whether this change was made; it was not run again."
        }
        Ok(State::Rejected) => "This change was rejected.",
        Ok(State::Superseded) => "A newer revision of this change exists; review that one.",
        Ok(State::Cancelled) => "This change was cancelled.",
        Ok(State::Expired) => "This proposal expired; prepare the change again.",
        _ if row.expires_at <= now => "This proposal expired; prepare the change again.",
        _ => "This change cannot be approved in its current state.",
    };
    DomainError::Conflict(message.into())
}

impl Changes {
    /// Approves `id` for `actor` (only its own person may) and makes the change.
    pub async fn approve(&self, actor: &Actor, id: i64) -> DomainResult<Proposal> {
        let row = self.own(actor, id).await?;
        let now = OffsetDateTime::now_utc();
        // The claim and its audit record commit together, or not at all.
        let txn = self.db.begin().await?;
        let claimed = proposal::Entity::update_many()
            .col_expr(Column::State, Expr::value(State::Executing.as_str()))
            .col_expr(Column::ApprovedAt, Expr::value(now))
            .col_expr(Column::DecidedAt, Expr::value(now))
            .col_expr(Column::LeaseUntil, Expr::value(now + self.config.lease))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .col_expr(Column::Note, Expr::value(Option::<String>::None))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::OrgId.eq(actor.org.id))
            .filter(Column::UserId.eq(actor.user.id))
            .filter(Column::State.is_in([
                State::Pending.as_str(),
                State::Failed.as_str(),
                State::NeedsDecision.as_str(),
            ]))
            .filter(Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            txn.rollback().await?;
            let row = self.own(actor, id).await?;
            if row.state == State::Pending.as_str() && row.expires_at <= now {
                self.expire(actor, &row).await?;
            }
            return Err(not_startable(&row, now));
        }
        let row = proposal::Entity::find_by_id(row.id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound("proposal".into()))?;
        self.audit_change(
            &txn,
            actor,
            AuditAction::ChangeApproved,
            &Proposal::from_row(&row)?,
        )
        .await?;
        txn.commit().await?;
        self.run(actor, row, Mode::First).await
    }

    /// Runs `row` (executing, owned by this process through its lease) and stores the outcome.
    pub(super) async fn run(
        &self,
        actor: &Actor,
        row: proposal::Model,
        mode: Mode,
    ) -> DomainResult<Proposal> {
        let plan = self.plan(actor, &row).await;
        let outcome = match plan {
            Ok(plan) => self.send(actor, &plan, mode).await,
            Err(e) => Err(e),
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(DomainError::NotConnected | DomainError::NeedsReconnect(_)) if mode == Mode::First => {
                Outcome::Failed("Your Salesforce connection is not active, so nothing was sent. Reconnect Salesforce on My Integrations, then approve again.".into())
            }
            Err(DomainError::Salesforce(e)) if mode == Mode::First && !e.is_retryable() => {
                Outcome::Failed(super::failures::refusal(&e, &row.object))
            }
            Err(DomainError::Salesforce(e)) if mode == Mode::First => Outcome::Failed(format!(
                "Salesforce could not be reached before the write, so nothing was changed ({e}). Approve again in a minute."
            )),
            Err(
                e @ (DomainError::Unavailable(_)
                | DomainError::StorageFull(_)
                | DomainError::Internal { .. }),
            ) => return Err(e),
            Err(e) => Outcome::Unknown(format!(
                "Sofie could not yet check in Salesforce whether the change was made ({e}); it checks again shortly."
            )),
        };
        self.settle(actor, &row, outcome, mode).await
    }

    async fn send(&self, actor: &Actor, plan: &Plan, mode: Mode) -> DomainResult<Outcome> {
        self.workspace
            .connections
            .call(actor, |up: Upstream| {
                let plan = plan.clone();
                async move {
                    if up.connection.sf_user_id != plan.sf_user_id {
                        return Ok(Outcome::Failed(format!(
                            "This change was prepared for Salesforce user {}, and your connection is now another Salesforce user, so nothing was sent. Prepare it again.",
                            plan.sf_user_id
                        )));
                    }
                    let rest = match plan.auto_assign {
                        Some(run) => up.rest.with_auto_assign(run),
                        None => up.rest,
                    };
                    plan.run(&rest, mode).await
                }
            })
            .await
    }

    async fn plan(&self, actor: &Actor, row: &proposal::Model) -> DomainResult<Plan> {
        let action = action_of(row)?;
        let fields = fields_of(row)?;
        let record_id = row
            .record_id
            .as_deref()
            .map(RecordId::parse)
            .transpose()
            .map_err(|e| DomainError::internal("a stored record id does not parse", e))?;
        let find_created = match (&action, &row.sofie_key) {
            (Action::Create, None) => {
                let describe = self.workspace.object(actor, &row.object).await?;
                let since = row.approved_at.unwrap_or(row.created_at) - Duration::minutes(2);
                let mut conditions = vec![
                    format!("CreatedById = {}", quote_literal(&row.sf_user_id)),
                    format!("CreatedDate >= {}", time_of(since)),
                ];
                for (name, value) in &fields {
                    if let Some(lit) = describe.field(name).and_then(|f| literal(f, value)) {
                        conditions.push(format!("{name} = {lit}"));
                    }
                }
                Some(format!(
                    "SELECT Id FROM {} WHERE {} ORDER BY CreatedDate LIMIT 10",
                    row.object,
                    conditions.join(" AND ")
                ))
            }
            _ => None,
        };
        Ok(Plan {
            object: row.object.clone(),
            action,
            record_id,
            external_id: row.external_id.clone(),
            fields,
            sofie_key: row.sofie_key_field.clone().zip(row.sofie_key.clone()),
            stamp: row.snapshot_stamp.clone(),
            sf_user_id: row.sf_user_id.clone(),
            // Salesforce also runs the assignment rule on updates unless told not to: a change
            // never moves a record's owner beyond what its preview shows.
            auto_assign: row
                .auto_assign
                .or(matches!(row.object.as_str(), "Case" | "Lead").then_some(false)),
            find_created,
            lock_retries: self.config.lock_retries,
        })
    }

    /// Stores `outcome` over `row`, only while it is still executing or unknown: a process
    /// whose lease ran out cannot overwrite what another one settled.
    async fn settle(
        &self,
        actor: &Actor,
        row: &proposal::Model,
        outcome: Outcome,
        mode: Mode,
    ) -> DomainResult<Proposal> {
        let now = OffsetDateTime::now_utc();
        let mut update = proposal::Entity::update_many()
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::State.is_in([State::Executing.as_str(), State::Unknown.as_str()]));
        let (state, audit) = match outcome {
            Outcome::Executed {
                record_id,
                result,
                note,
            } => {
                update = update
                    .col_expr(Column::ResultRecordId, Expr::value(record_id))
                    .col_expr(Column::Result, Expr::value(Some(result.to_string())))
                    .col_expr(Column::Note, Expr::value(note));
                let audit = match mode {
                    Mode::First => AuditAction::ChangeExecuted,
                    Mode::Reconcile => AuditAction::ChangeReconciled,
                };
                (State::Executed, audit)
            }
            Outcome::Stale(record) => {
                let mut snapshot = snapshot_of(row)?;
                let stamp = record
                    .as_ref()
                    .and_then(|r| r.get("SystemModstamp"))
                    .map(display);
                snapshot.record = record;
                update = update
                    .col_expr(Column::Snapshot, Expr::value(Some(serde_json::to_string(&snapshot).expect("a snapshot serialises"))))
                    .col_expr(Column::SnapshotStamp, Expr::value(stamp))
                    .col_expr(Column::Note, Expr::value(Some(
                        "The record changed in Salesforce after this change was prepared, so nothing was written. Review the current values below and approve again.".to_string(),
                    )));
                (State::Pending, AuditAction::ChangeFailed)
            }
            Outcome::Failed(sentence) => {
                update = update.col_expr(Column::Note, Expr::value(Some(sentence)));
                (State::Failed, AuditAction::ChangeFailed)
            }
            Outcome::Unknown(sentence) => {
                update = update
                    .col_expr(Column::Note, Expr::value(Some(sentence)))
                    .col_expr(
                        Column::LeaseUntil,
                        Expr::value(Some(now + self.config.lease)),
                    );
                (State::Unknown, AuditAction::ChangeOutcomeUnknown)
            }
            Outcome::Several(ids) => {
                let ids: Vec<String> = ids
                    .iter()
                    .map(|u| u.rsplit('/').next().unwrap_or(u).to_owned())
                    .collect();
                update = update
                    .col_expr(Column::Candidates, Expr::value(Some(ids.join(","))))
                    .col_expr(Column::Note, Expr::value(Some(format!(
                        "Salesforce holds {} records that could be this change. Open them, then mark the change done or approve it again.",
                        ids.len()
                    ))));
                (State::NeedsDecision, AuditAction::ChangeOutcomeUnknown)
            }
        };
        if state != State::Unknown {
            update = update.col_expr(
                Column::LeaseUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            );
        }
        // The outcome and its audit record commit together.
        let txn = self.db.begin().await?;
        let settled = update
            .col_expr(Column::State, Expr::value(state.as_str()))
            .exec(&txn)
            .await?
            .rows_affected;
        let row = proposal::Entity::find_by_id(row.id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound("proposal".into()))?;
        let proposal = Proposal::from_row(&row)?;
        let repeated = state == State::Unknown && row.attempts > 1 && mode == Mode::Reconcile;
        if settled == 1 && !repeated {
            self.audit_change(&txn, actor, audit, &proposal).await?;
        }
        txn.commit().await?;
        Ok(proposal)
    }
}
