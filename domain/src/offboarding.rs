//! Offboarding: removing a person from an organization, or disabling their account, takes effect
//! at once. Their sessions end and their access tokens are revoked in the same transaction as the
//! change, so no open browser tab or assistant keeps working, and their proposals waiting for
//! approval are cancelled.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::changes;
use crate::entities::{group, group_membership, org_membership, organization, user};
use crate::error::{DomainError, DomainResult};
use crate::{sessions, tokens};

/// What an offboarding step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offboarded {
    pub sessions_ended: u64,
    pub group_memberships_removed: u64,
}

/// Removes `user` from `org` and from its groups, and ends all of their sessions.
pub async fn remove_member(
    db: &DatabaseConnection,
    org: &organization::Model,
    user: &user::Model,
) -> DomainResult<Offboarded> {
    let txn = db.begin().await?;
    let removed = org_membership::Entity::delete_by_id((org.id, user.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        return Err(DomainError::NotFound(format!(
            "{} as a member of {}",
            user.email, org.name
        )));
    }
    let groups: Vec<i64> = group::Entity::find()
        .filter(group::Column::OrgId.eq(org.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let group_memberships_removed = group_membership::Entity::delete_many()
        .filter(group_membership::Column::UserId.eq(user.id))
        .filter(group_membership::Column::GroupId.is_in(groups))
        .exec(&txn)
        .await?
        .rows_affected;
    let sessions_ended = sessions::delete_user_sessions(&txn, user.id).await?;
    let proposals_cancelled = changes::cancel_waiting(&txn, user.id, Some(org.id)).await?;
    let tokens_revoked = tokens::revoke_all(&txn, user.id, Some(org.id)).await?;
    audit::record(
        &txn,
        AuditEvent::new(AuditAction::MemberRemoved)
            .org(org.id)
            .target(user.email.clone())
            .details(json!({
                "sessions_ended": sessions_ended,
                "group_memberships_removed": group_memberships_removed,
                "proposals_cancelled": proposals_cancelled,
                "tokens_revoked": tokens_revoked,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(Offboarded {
        sessions_ended,
        group_memberships_removed,
    })
}

/// Disables `user` everywhere: they cannot sign in, and every session ends now.
pub async fn disable_user(db: &DatabaseConnection, user: user::Model) -> DomainResult<Offboarded> {
    let txn = db.begin().await?;
    let email = user.email.clone();
    let id = user.id;
    let mut active: user::ActiveModel = user.into();
    active.disabled = Set(true);
    active.update(&txn).await?;
    let sessions_ended = sessions::delete_user_sessions(&txn, id).await?;
    let proposals_cancelled = changes::cancel_waiting(&txn, id, None).await?;
    let tokens_revoked = tokens::revoke_all(&txn, id, None).await?;
    audit::record(
        &txn,
        AuditEvent::new(AuditAction::UserDisabled)
            .target(email)
            .details(json!({
                "sessions_ended": sessions_ended,
                "proposals_cancelled": proposals_cancelled,
                "tokens_revoked": tokens_revoked,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(Offboarded {
        sessions_ended,
        group_memberships_removed: 0,
    })
}
