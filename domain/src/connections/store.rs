//! Writing connections: a grant read and checked from Salesforce, attached to the person's one
//! connection (same id across reconnects), or held until they confirm a different identity.

use salesforce::LoginHost;
use salesforce::oauth::{OAuthClient, TokenSet};
use salesforce::rest::{ApiVersion, RestClient};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use super::connect::{CallbackOutcome, held_aad, identity_matches_login_host};
use super::status::{Cause, Status};
use super::{ConnectionService, PROVIDER};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{connection, oauth_attempt};
use crate::error::{DomainError, DomainResult};
use crate::vault::{Aad, Vault};

/// The API version Sofie speaks (Summer '26); the simulator serves it too.
pub const API_VERSION: &str = "v62.0";

pub(super) fn access_aad(id: i64) -> Aad {
    Aad::new("connections", "access_token", id)
}

pub(super) fn refresh_aad(id: i64) -> Aad {
    Aad::new("connections", "refresh_token", id)
}

pub(super) fn api_version() -> ApiVersion {
    ApiVersion::parse(API_VERSION).expect("a valid API version")
}

/// A grant from Salesforce after every check: tokens, whose identity, which organization.
#[derive(Serialize, Deserialize)]
pub(super) struct Grant {
    access_token: String,
    refresh_token: Option<String>,
    instance_url: String,
    identity_url: String,
    scopes: Vec<String>,
    sf_org_id: String,
    sf_user_id: String,
    username: String,
    org_name: Option<String>,
    is_sandbox: Option<bool>,
}

impl Grant {
    /// Checks a token response (signature when a secret exists, identity on the login host,
    /// ids that agree) and reads who connected.
    pub(super) async fn read(
        service: &ConnectionService,
        oauth: &OAuthClient,
        login_host: &LoginHost,
        tokens: TokenSet,
        secret: Option<&SecretString>,
    ) -> DomainResult<Grant> {
        let refused = |why| DomainError::BadCallback(why);
        if let Some(secret) = secret
            && !tokens.verify_signature(secret)
        {
            return Err(refused(
                "Salesforce's answer was not signed for this app; nothing was stored. Connect again.",
            ));
        }
        if !identity_matches_login_host(&tokens.identity_url, login_host) {
            return Err(refused(
                "Salesforce's answer named an identity on another host than the one Sofie sent you to; nothing was stored.",
            ));
        }
        let (org_id, user_id) = tokens.org_and_user()?;
        let identity = oauth
            .identity(&tokens.identity_url, &tokens.access_token)
            .await?;
        if identity.organization_id != org_id.as_str() || identity.user_id != user_id.as_str() {
            return Err(refused(
                "Salesforce's identity answer does not match its token; nothing was stored.",
            ));
        }
        let rest = RestClient::new(
            service.http.clone(),
            tokens.instance_url.as_str(),
            tokens.access_token.clone(),
            api_version(),
        )?;
        // The name and kind of the org are shown on the card; a refusal here (no API access to
        // Organization) does not stop the connection.
        let (org_name, is_sandbox) =
            match rest.query("SELECT Name, IsSandbox FROM Organization").await {
                Ok(result) => result
                    .records
                    .first()
                    .map(|r| {
                        (
                            r.get("Name").and_then(|v| v.as_str()).map(String::from),
                            r.get("IsSandbox").and_then(|v| v.as_bool()),
                        )
                    })
                    .unwrap_or_default(),
                Err(e) => {
                    tracing::info!(error = %e, "could not read the Salesforce organization's name");
                    (None, None)
                }
            };
        Ok(Grant {
            access_token: tokens.access_token.expose_secret().to_string(),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_string()),
            instance_url: tokens
                .instance_url
                .as_str()
                .trim_end_matches('/')
                .to_string(),
            identity_url: tokens.identity_url.to_string(),
            scopes: tokens.scopes.clone(),
            sf_org_id: org_id.as_str().to_string(),
            sf_user_id: user_id.as_str().to_string(),
            username: identity
                .username
                .unwrap_or_else(|| user_id.as_str().to_string()),
            org_name,
            is_sandbox,
        })
    }

    pub(super) fn username(&self) -> &str {
        &self.username
    }

    pub(super) fn org_label(&self) -> String {
        self.org_name
            .clone()
            .unwrap_or_else(|| self.sf_org_id.clone())
    }

    /// The token that revokes this grant: the refresh token, else the access token.
    pub(super) fn refresh_or_access(&self) -> Option<SecretString> {
        Some(SecretString::from(
            self.refresh_token
                .clone()
                .unwrap_or_else(|| self.access_token.clone()),
        ))
    }

    /// Refresh tokens only help with the scope that asks for them.
    fn offline(&self) -> bool {
        self.refresh_token.is_some()
            && self
                .scopes
                .iter()
                .any(|s| s == "refresh_token" || s == "offline_access")
    }
}

/// The person's connection in the attempt's organization, if any.
pub(super) async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    org_id: i64,
) -> DomainResult<Option<connection::Model>> {
    Ok(connection::Entity::find()
        .filter(connection::Column::UserId.eq(user_id))
        .filter(connection::Column::OrgId.eq(org_id))
        .filter(connection::Column::Provider.eq(PROVIDER))
        .one(db)
        .await?)
}

/// Attaches `grant` to the person's connection, or holds it when it names another identity.
pub(super) async fn attach(
    service: &ConnectionService,
    attempt: &oauth_attempt::Model,
    grant: Grant,
) -> DomainResult<CallbackOutcome> {
    let existing = find(&service.db, attempt.user_id, attempt.org_id).await?;
    let other_identity = existing.as_ref().is_some_and(|c| {
        Status::parse(&c.status) != Status::Disconnected
            && (c.sf_org_id != grant.sf_org_id || c.sf_user_id != grant.sf_user_id)
    });
    if other_identity {
        let json = serde_json::to_string(&grant).expect("a grant serialises");
        let sealed = service
            .vault
            .seal(&SecretString::from(json), &held_aad(attempt.id));
        let mut row: oauth_attempt::ActiveModel = attempt.clone().into();
        row.held_grant = Set(Some(sealed));
        row.update(&service.db).await?;
        return Ok(CallbackOutcome::Confirm {
            attempt_id: attempt.id,
        });
    }
    let username = grant.username.clone();
    let reconnected = existing.is_some();
    service.forget(attempt.user_id, attempt.org_id);
    let old_grant = write(service, attempt, existing, grant, false).await?;
    service.revoke_quietly(old_grant).await;
    Ok(CallbackOutcome::Connected {
        reconnected,
        username,
    })
}

/// A refresh token that was replaced, with where to revoke it.
pub(super) struct OldGrant {
    pub login_host: String,
    pub refresh_token: SecretString,
}

/// Writes the connection row for `grant` (new, or over `existing` keeping its id and history)
/// and audits it, in one transaction. Returns the replaced grant, to revoke at Salesforce.
pub(super) async fn write(
    service: &ConnectionService,
    attempt: &oauth_attempt::Model,
    existing: Option<connection::Model>,
    grant: Grant,
    other_identity: bool,
) -> DomainResult<Option<OldGrant>> {
    let now = OffsetDateTime::now_utc();
    let vault = &service.vault;
    let txn = service.db.begin().await?;
    let old_grant = existing.as_ref().and_then(|c| {
        let sealed = c.refresh_token.as_ref()?;
        let token = vault.open(sealed, &refresh_aad(c.id)).ok()?;
        Some(OldGrant {
            login_host: c.login_host.clone(),
            refresh_token: token,
        })
    });
    let offline = grant.offline();
    let base = |mut row: connection::ActiveModel| {
        row.status = Set(Status::Active.as_str().into());
        row.cause = Set(None);
        row.app_origin = Set(attempt.app_origin.clone());
        row.client_id = Set(attempt.client_id.clone());
        row.login_host = Set(attempt.login_host.clone());
        row.settings_id = Set(attempt.settings_id);
        row.settings_version = Set(attempt.settings_version);
        row.sf_org_id = Set(grant.sf_org_id.clone());
        row.sf_user_id = Set(grant.sf_user_id.clone());
        row.sf_username = Set(grant.username.clone());
        row.sf_org_name = Set(grant.org_name.clone());
        row.sf_is_sandbox = Set(grant.is_sandbox);
        row.instance_url = Set(grant.instance_url.clone());
        row.identity_url = Set(grant.identity_url.clone());
        row.scopes = Set(grant.scopes.join(" "));
        row.offline = Set(offline);
        row.refresh_lease_until = Set(None);
        row.connected_at = Set(now);
        row.updated_at = Set(now);
        row
    };
    let (row, action) = match existing {
        Some(c) => {
            let version = c.token_version;
            let mut row = base(c.into());
            row.token_version = Set(version + 1);
            (row.update(&txn).await?, AuditAction::ConnectionReconnected)
        }
        None => {
            let row = connection::ActiveModel {
                org_id: Set(attempt.org_id),
                user_id: Set(attempt.user_id),
                provider: Set(PROVIDER.into()),
                token_version: Set(0),
                ..base(Default::default())
            };
            (row.insert(&txn).await?, AuditAction::ConnectionCreated)
        }
    };
    let id = row.id;
    let mut row: connection::ActiveModel = row.into();
    row.access_token = Set(Some(
        vault.seal(&SecretString::from(grant.access_token), &access_aad(id)),
    ));
    row.refresh_token = Set(grant
        .refresh_token
        .map(|t| vault.seal(&SecretString::from(t), &refresh_aad(id))));
    row.update(&txn).await?;
    audit::record(
        &txn,
        AuditEvent::new(action)
            .org(attempt.org_id)
            .actor(Some(attempt.user_id))
            .target(format!("salesforce connection {id}"))
            .details(json!({
                "salesforce_org_id": grant.sf_org_id,
                "salesforce_user_id": grant.sf_user_id,
                "app": attempt.app_origin,
                "other_identity": other_identity,
                "offline": offline,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(old_grant)
}

/// Marks a connection as needing reconnect and drops its tokens; settings changes keep the
/// refresh token so the old grant can be revoked when the person reconnects or disconnects.
pub(super) async fn mark_needs_reconnect(
    db: &impl ConnectionTrait,
    conn: &connection::Model,
    cause: Cause,
) -> DomainResult<()> {
    let mut row: connection::ActiveModel = conn.clone().into();
    row.status = Set(Status::NeedsReconnect.as_str().into());
    row.cause = Set(Some(cause.as_str().into()));
    row.access_token = Set(None);
    if cause != Cause::SettingsChanged {
        row.refresh_token = Set(None);
    }
    row.token_version = Set(conn.token_version + 1);
    row.refresh_lease_until = Set(None);
    row.updated_at = Set(OffsetDateTime::now_utc());
    row.update(db).await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::ConnectionNeedsReconnect)
            .org(conn.org_id)
            .actor(Some(conn.user_id))
            .target(format!("salesforce connection {}", conn.id))
            .details(json!({ "cause": cause.as_str() })),
    )
    .await
}

/// Opens a sealed token of connection `id`.
pub(super) fn open(vault: &Vault, sealed: &str, aad: &Aad) -> DomainResult<SecretString> {
    vault
        .open(sealed, aad)
        .map_err(|e| DomainError::internal("a connection token does not open", e))
}
