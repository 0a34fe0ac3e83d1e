//! Proposals from assistants: a model may send the same propose call twice (a retry, a repeated
//! turn), and the person should find one proposal to approve, not two.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use super::Changes;
use super::prepare::PrepareRequest;
use super::proposal::{Proposal, Proposer, State};
use crate::access::Actor;
use crate::audit::AuditAction;
use crate::entities::proposal;
use crate::error::DomainResult;

impl Changes {
    /// Like `prepare`, but a request identical to a proposal still waiting for approval (same
    /// person, proposer, object, action, record and values) answers that proposal.
    pub async fn prepare_once(
        &self,
        actor: &Actor,
        proposer: Proposer,
        request: PrepareRequest,
    ) -> DomainResult<(Proposal, bool)> {
        let row = self.checked(actor, &proposer, &request, None).await?;
        let same = proposal::Entity::find()
            .filter(proposal::Column::OrgId.eq(actor.org.id))
            .filter(proposal::Column::UserId.eq(actor.user.id))
            .filter(proposal::Column::State.eq(State::Pending.as_str()))
            .filter(proposal::Column::ExpiresAt.gt(OffsetDateTime::now_utc()))
            .filter(proposal::Column::Object.eq(row.object.as_ref().clone()))
            .filter(proposal::Column::Action.eq(row.action.as_ref().clone()))
            .filter(proposal::Column::Fields.eq(row.fields.as_ref().clone()))
            .all(&self.db)
            .await?
            .into_iter()
            .find(|p| {
                p.record_id == row.record_id.as_ref().clone()
                    && p.external_id_field == row.external_id_field.as_ref().clone()
                    && p.external_id == row.external_id.as_ref().clone()
                    && p.proposer_token_id == *row.proposer_token_id.as_ref()
                    && p.auto_assign == *row.auto_assign.as_ref()
            });
        if let Some(existing) = same {
            return Ok((Proposal::from_row(&existing)?, false));
        }
        let row = row.insert(&self.db).await?;
        let proposal = Proposal::from_row(&row)?;
        self.audit_change(&self.db, actor, AuditAction::ChangeProposed, &proposal)
            .await?;
        Ok((proposal, true))
    }
}
