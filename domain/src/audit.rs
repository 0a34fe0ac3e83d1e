//! The audit trail: who did what, where and when. Event names follow the OWASP logging
//! vocabulary; details are JSON that never holds a secret, only fingerprints.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::Value;

use crate::entities::audit_event;
use crate::error::DomainResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    LoginSuccess,
    LoginFail,
    LoginThrottled,
    Logout,
    LogoutEverywhere,
    AccessDenied,
    OrgCreated,
    UserCreated,
    MembershipChanged,
    GroupCreated,
    GroupMembershipChanged,
    FeaturesChanged,
    IntegrationSettingsChanged,
    StepUp,
    StepUpFail,
    MemberRemoved,
    UserDisabled,
    ConnectionCreated,
    ConnectionReconnected,
    ConnectionNeedsReconnect,
    ConnectionDisconnected,
    /// Salesforce sent an error back to the callback (Deny, a blocked app…).
    ConnectionRefused,
    ConnectionsMarkedForReconnect,
    ChangePolicyChanged,
    ChangeProposed,
    ChangeRevised,
    ChangeApproved,
    ChangeRejected,
    ChangeExpired,
    ChangeCancelled,
    ChangeExecuted,
    ChangeFailed,
    ChangeOutcomeUnknown,
    ChangeReconciled,
    AccessTokenCreated,
    AccessTokenRevoked,
    ToolCalled,
}

impl AuditAction {
    /// Every action, in the order the audit page lists them.
    pub const ALL: [AuditAction; 37] = [
        Self::LoginSuccess,
        Self::LoginFail,
        Self::LoginThrottled,
        Self::Logout,
        Self::LogoutEverywhere,
        Self::AccessDenied,
        Self::OrgCreated,
        Self::UserCreated,
        Self::MembershipChanged,
        Self::GroupCreated,
        Self::GroupMembershipChanged,
        Self::FeaturesChanged,
        Self::IntegrationSettingsChanged,
        Self::StepUp,
        Self::StepUpFail,
        Self::MemberRemoved,
        Self::UserDisabled,
        Self::ConnectionCreated,
        Self::ConnectionReconnected,
        Self::ConnectionNeedsReconnect,
        Self::ConnectionDisconnected,
        Self::ConnectionRefused,
        Self::ConnectionsMarkedForReconnect,
        Self::ChangePolicyChanged,
        Self::ChangeProposed,
        Self::ChangeRevised,
        Self::ChangeApproved,
        Self::ChangeRejected,
        Self::ChangeExpired,
        Self::ChangeCancelled,
        Self::ChangeExecuted,
        Self::ChangeFailed,
        Self::ChangeOutcomeUnknown,
        Self::ChangeReconciled,
        Self::AccessTokenCreated,
        Self::AccessTokenRevoked,
        Self::ToolCalled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSuccess => "authn_login_success",
            Self::LoginFail => "authn_login_fail",
            Self::LoginThrottled => "authn_login_lock",
            Self::Logout => "session_logout",
            Self::LogoutEverywhere => "session_logout_all",
            Self::AccessDenied => "authz_fail",
            Self::OrgCreated => "org_created",
            Self::UserCreated => "user_created",
            Self::MembershipChanged => "org_membership_changed",
            Self::GroupCreated => "group_created",
            Self::GroupMembershipChanged => "group_membership_changed",
            Self::FeaturesChanged => "org_features_changed",
            Self::IntegrationSettingsChanged => "authz_admin_integration_settings",
            Self::StepUp => "authn_step_up_success",
            Self::StepUpFail => "authn_step_up_fail",
            Self::MemberRemoved => "org_member_removed",
            Self::UserDisabled => "user_disabled",
            Self::ConnectionCreated => "salesforce_connection_created",
            Self::ConnectionReconnected => "salesforce_connection_reconnected",
            Self::ConnectionNeedsReconnect => "salesforce_connection_needs_reconnect",
            Self::ConnectionDisconnected => "salesforce_connection_disconnected",
            Self::ConnectionRefused => "salesforce_connection_refused",
            Self::ConnectionsMarkedForReconnect => "salesforce_connections_marked",
            Self::ChangePolicyChanged => "salesforce_change_policy_changed",
            Self::ChangeProposed => "salesforce_change_proposed",
            Self::ChangeRevised => "salesforce_change_revised",
            Self::ChangeApproved => "salesforce_change_approved",
            Self::ChangeRejected => "salesforce_change_rejected",
            Self::ChangeExpired => "salesforce_change_expired",
            Self::ChangeCancelled => "salesforce_change_cancelled",
            Self::ChangeExecuted => "salesforce_change_executed",
            Self::ChangeFailed => "salesforce_change_failed",
            Self::ChangeOutcomeUnknown => "salesforce_change_outcome_unknown",
            Self::ChangeReconciled => "salesforce_change_reconciled",
            Self::AccessTokenCreated => "access_token_created",
            Self::AccessTokenRevoked => "access_token_revoked",
            Self::ToolCalled => "salesforce_tool_called",
        }
    }
}

#[derive(Debug)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub org_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub target: Option<String>,
    pub details: Value,
    pub ip: Option<String>,
}

impl AuditEvent {
    pub fn new(action: AuditAction) -> Self {
        Self {
            action,
            org_id: None,
            actor_user_id: None,
            target: None,
            details: Value::Object(Default::default()),
            ip: None,
        }
    }

    pub fn org(mut self, org_id: i64) -> Self {
        self.org_id = Some(org_id);
        self
    }

    pub fn actor(mut self, user_id: Option<i64>) -> Self {
        self.actor_user_id = user_id;
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }
}

pub async fn record(db: &impl ConnectionTrait, event: AuditEvent) -> DomainResult<()> {
    tracing::info!(action = event.action.as_str(), org = ?event.org_id, actor = ?event.actor_user_id, "audit");
    audit_event::ActiveModel {
        org_id: Set(event.org_id),
        actor_user_id: Set(event.actor_user_id),
        action: Set(event.action.as_str().to_string()),
        target: Set(event.target),
        details: Set(event.details.to_string()),
        ip: Set(event.ip),
        at: Set(time::OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest events first; `org_id = None` lists events outside any organization (sign-ins).
pub async fn recent(
    db: &impl ConnectionTrait,
    org_id: Option<i64>,
    limit: u64,
) -> DomainResult<Vec<audit_event::Model>> {
    let filter = match org_id {
        Some(id) => audit_event::Column::OrgId.eq(id),
        None => audit_event::Column::OrgId.is_null(),
    };
    Ok(audit_event::Entity::find()
        .filter(filter)
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
