//! Proposals from assistants: a model may send the same propose call twice (a retry, a repeated
//! turn), and the person should find one proposal to approve, not two.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, SqlErr};
use time::OffsetDateTime;

use super::Changes;
use super::prepare::PrepareRequest;
use super::proposal::{Proposal, Proposer, State};
use crate::access::Actor;
use crate::audit::AuditAction;
use crate::connections::hash;
use crate::entities::proposal;
use crate::error::{DomainError, DomainResult};

/// A digest of everything that makes two requests the same proposal.
fn dedupe_key(row: &proposal::ActiveModel) -> String {
    let parts = serde_json::json!([
        row.org_id.as_ref(),
        row.user_id.as_ref(),
        row.proposer_token_id.as_ref(),
        row.object.as_ref(),
        row.action.as_ref(),
        row.record_id.as_ref(),
        row.external_id_field.as_ref(),
        row.external_id.as_ref(),
        row.fields.as_ref(),
        row.auto_assign.as_ref(),
    ]);
    hash(&parts.to_string())
}

impl Changes {
    /// Like `prepare`, but a request identical to a proposal still waiting for approval (same
    /// person, proposer, object, action, record and values) answers that proposal. Two identical
    /// requests at once make one proposal: the digest is unique, so the second insert fails and
    /// finds the first one's proposal.
    pub async fn prepare_once(
        &self,
        actor: &Actor,
        proposer: Proposer,
        request: PrepareRequest,
    ) -> DomainResult<(Proposal, bool)> {
        let mut row = self.checked(actor, &proposer, &request, None).await?;
        let key = dedupe_key(&row);
        row.dedupe_key = Set(Some(key.clone()));
        // A holder that no longer waits gives the digest up, so at most one retry is needed.
        for _ in 0..2 {
            let holder = proposal::Entity::find()
                .filter(proposal::Column::DedupeKey.eq(key.clone()))
                .one(&self.db)
                .await?;
            if let Some(holder) = holder {
                let waiting = holder.state == State::Pending.as_str()
                    && holder.expires_at > OffsetDateTime::now_utc();
                if waiting {
                    return Ok((Proposal::from_row(&holder)?, false));
                }
                proposal::Entity::update_many()
                    .col_expr(
                        proposal::Column::DedupeKey,
                        Expr::value(Option::<String>::None),
                    )
                    .filter(proposal::Column::Id.eq(holder.id))
                    .exec(&self.db)
                    .await?;
            }
            match row.clone().insert(&self.db).await {
                Ok(inserted) => {
                    let proposal = Proposal::from_row(&inserted)?;
                    self.audit_change(&self.db, actor, AuditAction::ChangeProposed, &proposal)
                        .await?;
                    return Ok((proposal, true));
                }
                Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                }
                Err(err) => return Err(err.into()),
            }
        }
        Err(DomainError::Conflict(
            "The same change was being prepared at the same moment; send it again.".into(),
        ))
    }
}
