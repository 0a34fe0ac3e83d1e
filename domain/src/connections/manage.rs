//! Changing connections after they are made: confirming a different identity, disconnecting
//! (the person, or an org admin with a reason), marking connections whose app settings changed,
//! and revoking grants at offboarding.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use secrecy::SecretString;
use serde_json::json;
use time::OffsetDateTime;

use super::connect::held_aad;
use super::status::{Cause, Status};
use super::store::{self, Grant, OldGrant, refresh_aad};
use super::{ConnectionService, PROVIDER};
use crate::access::{self, Actor};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{connection, oauth_attempt};
use crate::error::{DomainError, DomainResult};

/// What the person decided about a grant for another Salesforce identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldChoice {
    Replace,
    Keep,
}

/// Whether Salesforce confirmed the revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    /// Nothing to revoke (no refresh token was kept).
    NothingToRevoke,
    /// Salesforce could not be reached or refused; the local tokens are deleted anyway.
    Failed(String),
}

impl RevokeOutcome {
    fn as_str(&self) -> &str {
        match self {
            Self::Revoked => "revoked",
            Self::NothingToRevoke => "nothing_to_revoke",
            Self::Failed(_) => "failed",
        }
    }
}

impl ConnectionService {
    /// The held grant of attempt `attempt_id`, if it is `actor`'s and still undecided.
    async fn held(
        &self,
        actor: &Actor,
        attempt_id: i64,
    ) -> DomainResult<(oauth_attempt::Model, Grant)> {
        let attempt = oauth_attempt::Entity::find_by_id(attempt_id)
            .filter(oauth_attempt::Column::UserId.eq(actor.user.id))
            .filter(oauth_attempt::Column::OrgId.eq(actor.org.id))
            .one(&self.db)
            .await?
            .ok_or_else(|| DomainError::NotFound("connection attempt".into()))?;
        let Some(sealed) = attempt.held_grant.as_deref() else {
            return Err(DomainError::NotFound("connection attempt".into()));
        };
        let json = store::open(&self.vault, sealed, &held_aad(attempt.id))?;
        let grant: Grant = serde_json::from_str(secrecy::ExposeSecret::expose_secret(&json))
            .map_err(|e| DomainError::internal("a held grant does not parse", e))?;
        Ok((attempt, grant))
    }

    /// What the confirmation page compares: the connection's identity and the new one.
    pub async fn held_identities(
        &self,
        actor: &Actor,
        attempt_id: i64,
    ) -> DomainResult<(String, String)> {
        let (_, grant) = self.held(actor, attempt_id).await?;
        let current = store::find(&self.db, actor.user.id, actor.org.id)
            .await?
            .map(|c| {
                format!(
                    "{} ({})",
                    c.sf_username,
                    c.sf_org_name.unwrap_or(c.sf_org_id)
                )
            })
            .unwrap_or_default();
        let new = format!("{} ({})", grant.username(), grant.org_label());
        Ok((current, new))
    }

    /// Replaces the connection with the held grant, or keeps it and revokes the new grant (it
    /// counts toward Salesforce's five approvals per user and app).
    pub async fn decide(
        &self,
        actor: &Actor,
        attempt_id: i64,
        choice: HeldChoice,
    ) -> DomainResult<RevokeOutcome> {
        let (attempt, grant) = self.held(actor, attempt_id).await?;
        let cleared = oauth_attempt::Entity::update_many()
            .col_expr(
                oauth_attempt::Column::HeldGrant,
                sea_orm::sea_query::Expr::value(Option::<String>::None),
            )
            .filter(oauth_attempt::Column::Id.eq(attempt.id))
            .filter(oauth_attempt::Column::HeldGrant.is_not_null())
            .exec(&self.db)
            .await?
            .rows_affected;
        if cleared != 1 {
            return Err(DomainError::NotFound("connection attempt".into()));
        }
        match choice {
            HeldChoice::Replace => {
                self.forget(actor.user.id, actor.org.id);
                let existing = store::find(&self.db, actor.user.id, actor.org.id).await?;
                let old = store::write(self, &attempt, existing, grant, true).await?;
                Ok(self.revoke_quietly(old).await)
            }
            HeldChoice::Keep => {
                let outcome = match grant.refresh_or_access() {
                    Some(token) => self.revoke(&attempt.login_host, &token).await,
                    None => RevokeOutcome::NothingToRevoke,
                };
                audit::record(
                    &self.db,
                    AuditEvent::new(AuditAction::ConnectionDisconnected)
                        .org(actor.org.id)
                        .actor(Some(actor.user.id))
                        .target("declined salesforce grant")
                        .details(json!({ "revoke": outcome.as_str() })),
                )
                .await?;
                Ok(outcome)
            }
        }
    }

    /// Revokes `token` at `login_host`; never fails the caller.
    pub(super) async fn revoke(&self, login_host: &str, token: &SecretString) -> RevokeOutcome {
        let host = match salesforce::LoginHost::parse(login_host, &self.settings.host_policy) {
            Ok(parsed) => parsed.host,
            Err(e) => return RevokeOutcome::Failed(e.to_string()),
        };
        let oauth = match self.oauth(&host, "revocation", None, &self.callback_urls[0]) {
            Ok(oauth) => oauth,
            Err(e) => return RevokeOutcome::Failed(e.to_string()),
        };
        match oauth.revoke(token).await {
            Ok(()) => RevokeOutcome::Revoked,
            // Already dead at Salesforce: what revoking wanted.
            Err(salesforce::Error::OAuth { error, .. }) if error == "invalid_token" => {
                RevokeOutcome::Revoked
            }
            Err(e) => {
                tracing::warn!(error = %e, "revoking a Salesforce grant failed");
                RevokeOutcome::Failed(e.to_string())
            }
        }
    }

    pub(super) async fn revoke_quietly(&self, old: Option<OldGrant>) -> RevokeOutcome {
        match old {
            Some(old) => self.revoke(&old.login_host, &old.refresh_token).await,
            None => RevokeOutcome::NothingToRevoke,
        }
    }

    /// Disconnects the person's own connection.
    pub async fn disconnect(&self, actor: &Actor) -> DomainResult<RevokeOutcome> {
        let conn = store::find(&self.db, actor.user.id, actor.org.id)
            .await?
            .filter(|c| Status::parse(&c.status) != Status::Disconnected)
            .ok_or(DomainError::NotConnected)?;
        self.end(&conn, Some(actor.user.id), "by the person", None)
            .await
    }

    /// An org admin disconnects one of the organization's connections, with a reason.
    pub async fn disconnect_for_admin(
        &self,
        actor: &Actor,
        connection_id: i64,
        reason: &str,
    ) -> DomainResult<RevokeOutcome> {
        access::require_org_admin(&self.db, actor, "salesforce connections").await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 500 {
            return Err(DomainError::validation(
                "reason",
                "Give a reason (at most 500 characters); it is kept in the audit trail.",
            ));
        }
        let conn = connection::Entity::find_by_id(connection_id)
            .filter(connection::Column::OrgId.eq(actor.org.id))
            .one(&self.db)
            .await?
            .filter(|c| Status::parse(&c.status) != Status::Disconnected)
            .ok_or_else(|| DomainError::NotFound("connection".into()))?;
        self.end(&conn, Some(actor.user.id), "by an org admin", Some(reason))
            .await
    }

    /// Revokes the grant at Salesforce, then deletes the tokens whatever Salesforce said, and
    /// audits both.
    async fn end(
        &self,
        conn: &connection::Model,
        by: Option<i64>,
        how: &str,
        reason: Option<&str>,
    ) -> DomainResult<RevokeOutcome> {
        let token = conn
            .refresh_token
            .as_deref()
            .map(|sealed| (sealed, refresh_aad(conn.id)))
            .or_else(|| {
                conn.access_token
                    .as_deref()
                    .map(|sealed| (sealed, store::access_aad(conn.id)))
            })
            .and_then(|(sealed, aad)| self.vault.open(sealed, &aad).ok());
        let outcome = match token {
            Some(token) => self.revoke(&conn.login_host, &token).await,
            None => RevokeOutcome::NothingToRevoke,
        };
        let mut row: connection::ActiveModel = conn.clone().into();
        row.status = Set(Status::Disconnected.as_str().into());
        row.cause = Set(None);
        row.access_token = Set(None);
        row.refresh_token = Set(None);
        row.token_version = Set(conn.token_version + 1);
        row.updated_at = Set(OffsetDateTime::now_utc());
        row.update(&self.db).await?;
        // This process sees the disconnect at once (others within the token cache's moment).
        self.forget(conn.user_id, conn.org_id);
        audit::record(
            &self.db,
            AuditEvent::new(AuditAction::ConnectionDisconnected)
                .org(conn.org_id)
                .actor(by)
                .target(format!("salesforce connection {}", conn.id))
                .details(json!({ "how": how, "reason": reason, "revoke": outcome.as_str() })),
        )
        .await?;
        Ok(outcome)
    }

    /// Offboarding: revokes and disconnects `user_id`'s connections (in `org_id`, or everywhere).
    pub async fn offboard(&self, user_id: i64, org_id: Option<i64>) -> DomainResult<usize> {
        let mut select = connection::Entity::find()
            .filter(connection::Column::UserId.eq(user_id))
            .filter(connection::Column::Provider.eq(PROVIDER))
            .filter(connection::Column::Status.ne(Status::Disconnected.as_str()));
        if let Some(org_id) = org_id {
            select = select.filter(connection::Column::OrgId.eq(org_id));
        }
        let connections = select.all(&self.db).await?;
        for conn in &connections {
            self.end(conn, None, "at offboarding", None).await?;
        }
        Ok(connections.len())
    }
}

/// The organization's active connections, for a settings save to check.
pub(crate) async fn active_in_org(
    txn: &impl ConnectionTrait,
    org_id: i64,
) -> DomainResult<Vec<connection::Model>> {
    Ok(connection::Entity::find()
        .filter(connection::Column::OrgId.eq(org_id))
        .filter(connection::Column::Provider.eq(PROVIDER))
        .filter(connection::Column::Status.eq(Status::Active.as_str()))
        .all(txn)
        .await?)
}

/// A settings save changed the app `conn` was made with (inside the save's transaction).
pub(crate) async fn mark_settings_changed(
    txn: &impl ConnectionTrait,
    conn: &connection::Model,
) -> DomainResult<()> {
    store::mark_needs_reconnect(txn, conn, Cause::SettingsChanged).await
}
