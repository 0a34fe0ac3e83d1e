//! Loading and saving settings rows. A save is one transaction: the row, its version bump, the
//! sealed secret (bound to the row id) and the audit event land together or not at all.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use time::OffsetDateTime;

use super::input::{AppSource, SecretChange, SettingsInput};
use super::{DefaultApp, PROVIDER, step_up_is_fresh};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{integration_setting, organization, user};
use crate::error::{DomainError, DomainResult};
use crate::vault::{Aad, Vault};

/// Whose settings: the organization's, or one group's override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Org,
    Group(i64),
}

impl Scope {
    fn key(self) -> String {
        match self {
            Self::Org => "org".into(),
            Self::Group(id) => format!("group:{id}"),
        }
    }

    fn group_id(self) -> Option<i64> {
        match self {
            Self::Org => None,
            Self::Group(id) => Some(id),
        }
    }
}

/// Stored settings as admins see them: never the secret, only whether one is set.
#[derive(Clone, Debug, Default)]
pub struct SavedSettings {
    pub id: Option<i64>,
    pub enabled: bool,
    pub app_source: Option<AppSource>,
    pub client_id: Option<String>,
    pub secret_fingerprint: Option<String>,
    pub secret_set_at: Option<OffsetDateTime>,
    pub secret_set_by: Option<String>,
    pub auth_base_url: Option<String>,
    pub version: i32,
    pub updated_at: Option<OffsetDateTime>,
    pub updated_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved {
        version: i32,
        note: Option<String>,
    },
    /// Nothing was saved: the person must re-enter their password first.
    StepUpRequired,
}

fn sealed_secret_aad(row_id: i64) -> Aad {
    Aad::new("integration_settings", "client_secret", row_id)
}

async fn find_row(
    db: &impl ConnectionTrait,
    org_id: i64,
    scope: Scope,
) -> DomainResult<Option<integration_setting::Model>> {
    Ok(integration_setting::Entity::find()
        .filter(integration_setting::Column::OrgId.eq(org_id))
        .filter(integration_setting::Column::Provider.eq(PROVIDER))
        .filter(integration_setting::Column::Scope.eq(scope.key()))
        .one(db)
        .await?)
}

async fn display_name(db: &DatabaseConnection, id: Option<i64>) -> DomainResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.display_name))
}

pub async fn load(
    db: &DatabaseConnection,
    org_id: i64,
    scope: Scope,
) -> DomainResult<SavedSettings> {
    let Some(row) = find_row(db, org_id, scope).await? else {
        return Ok(SavedSettings::default());
    };
    Ok(SavedSettings {
        id: Some(row.id),
        enabled: row.enabled,
        app_source: AppSource::parse(&row.app_source).ok(),
        client_id: row.client_id,
        secret_fingerprint: row.client_secret.as_ref().and(row.secret_fingerprint),
        secret_set_at: row.secret_set_at,
        secret_set_by: display_name(db, row.secret_set_by).await?,
        auth_base_url: row.auth_base_url,
        version: row.version,
        updated_at: Some(row.updated_at),
        updated_by: display_name(db, row.updated_by).await?,
    })
}

/// The form's own rules, before anything is compared with what is stored.
fn check(
    org: &organization::Model,
    scope: Scope,
    input: &SettingsInput,
    default_app: Option<&DefaultApp>,
) -> DomainResult<()> {
    if !(org.integrations_enabled && org.salesforce_enabled) {
        return Err(DomainError::validation(
            "enabled",
            "The Integrations and Salesforce integration features are off for this organization, so nothing can be saved. Ask your Sofie operator to turn them on.",
        ));
    }
    if !input.enabled {
        return Ok(());
    }
    match (scope, input.app_source) {
        (Scope::Org, AppSource::Default) if default_app.is_none() => Err(DomainError::validation(
            "app_source",
            "Sofie's default app is not configured by the operator; choose your organization's own app and enter its Client ID.",
        )),
        (Scope::Org, AppSource::Organization) | (Scope::Group(_), _)
            if input.client_id.is_none() =>
        {
            Err(DomainError::validation(
                "client_id",
                "Client ID: required to use your own Salesforce app.",
            ))
        }
        _ => Ok(()),
    }
}

/// Saving a secret, or changing the Client ID or Auth Base URL of a saved app, needs step-up.
fn needs_step_up(existing: Option<&integration_setting::Model>, input: &SettingsInput) -> bool {
    if input.secret != SecretChange::Keep {
        return true;
    }
    let Some(row) = existing else { return false };
    let new_client = input.client_id.as_ref().map(|c| c.as_str().to_string());
    let new_host = input
        .auth_base_url
        .as_ref()
        .map(|a| a.host.as_str().to_string());
    (row.client_id.is_some() && row.client_id != new_client)
        || (row.auth_base_url.is_some() && row.auth_base_url != new_host)
}

#[allow(clippy::too_many_arguments)]
pub async fn save(
    db: &DatabaseConnection,
    vault: &Vault,
    default_app: Option<&DefaultApp>,
    org: &organization::Model,
    actor_id: i64,
    scope: Scope,
    input: &SettingsInput,
    stepped_up_at: Option<i64>,
) -> DomainResult<SaveOutcome> {
    check(org, scope, input, default_app)?;
    let now = OffsetDateTime::now_utc();
    let txn = db.begin().await?;
    let existing = find_row(&txn, org.id, scope).await?;
    if needs_step_up(existing.as_ref(), input)
        && !step_up_is_fresh(stepped_up_at, now.unix_timestamp())
    {
        return Ok(SaveOutcome::StepUpRequired);
    }
    let row = match existing.clone() {
        Some(row) => row,
        None => {
            integration_setting::ActiveModel {
                org_id: Set(org.id),
                group_id: Set(scope.group_id()),
                scope: Set(scope.key()),
                provider: Set(PROVIDER.into()),
                enabled: Set(false),
                app_source: Set(AppSource::Organization.as_str().into()),
                version: Set(0),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let before = row.clone();
    let mut active: integration_setting::ActiveModel = row.into();
    active.enabled = Set(input.enabled);
    active.app_source = Set(input.app_source.as_str().into());
    active.client_id = Set(input.client_id.as_ref().map(|c| c.as_str().to_string()));
    active.auth_base_url = Set(input
        .auth_base_url
        .as_ref()
        .map(|a| a.host.as_str().to_string()));
    match &input.secret {
        SecretChange::Keep => {}
        SecretChange::Replace(secret) => {
            active.client_secret = Set(Some(vault.seal(secret, &sealed_secret_aad(before.id))));
            active.secret_fingerprint = Set(Some(Vault::fingerprint(secret)));
            active.secret_set_at = Set(Some(now));
            active.secret_set_by = Set(Some(actor_id));
        }
        SecretChange::Clear => {
            active.client_secret = Set(None);
            active.secret_fingerprint = Set(None);
            active.secret_set_at = Set(None);
            active.secret_set_by = Set(None);
        }
    }
    active.version = Set(before.version + 1);
    active.updated_by = Set(Some(actor_id));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEvent::new(AuditAction::IntegrationSettingsChanged)
            .org(org.id)
            .actor(Some(actor_id))
            .target(format!("salesforce {}", scope.key()))
            .details(json!({
                "fields_changed": changed_fields(existing.as_ref(), &after, &input.secret),
                "secret_fingerprint": {
                    "before": before.client_secret.as_ref().and(before.secret_fingerprint.clone()),
                    "after": after.client_secret.as_ref().and(after.secret_fingerprint.clone()),
                },
                "version": after.version,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(SaveOutcome::Saved {
        version: after.version,
        note: input
            .auth_base_url
            .as_ref()
            .and_then(|a| a.normalisation_note()),
    })
}

fn changed_fields(
    before: Option<&integration_setting::Model>,
    after: &integration_setting::Model,
    secret: &SecretChange,
) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let differs =
        |f: fn(&integration_setting::Model) -> String| before.is_none_or(|b| f(b) != f(after));
    if differs(|m| m.enabled.to_string()) {
        fields.push("enabled");
    }
    if differs(|m| m.app_source.clone()) {
        fields.push("app_source");
    }
    if differs(|m| m.client_id.clone().unwrap_or_default()) {
        fields.push("client_id");
    }
    if differs(|m| m.auth_base_url.clone().unwrap_or_default()) {
        fields.push("auth_base_url");
    }
    if *secret != SecretChange::Keep {
        fields.push("client_secret");
    }
    fields
}
