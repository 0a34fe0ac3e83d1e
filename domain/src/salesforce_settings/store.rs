//! Loading and saving settings rows. Every operation takes the `Actor` and checks the exact right
//! for the exact scope itself. A save is one transaction: the row, its version bump, the sealed
//! secret (bound to the row id) and the audit event land together or not at all.

use std::sync::Arc;

use salesforce::HostPolicy;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use super::effective;
use super::input::{AppSource, SecretChange, SettingsForm, SettingsInput};
use super::step_up_rule::needs_step_up;
use super::{DefaultApp, PROVIDER};
use crate::access::{self, Actor};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{integration_setting, organization, user};
use crate::error::{DomainError, DomainResult};
use crate::step_up::Parked;
use crate::vault::{Aad, Vault};

/// Whose settings: the organization's, or one group's override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Org,
    Group(i64),
}

impl Scope {
    pub(super) fn key(self) -> String {
        match self {
            Self::Org => "org".into(),
            Self::Group(id) => format!("group:{id}"),
        }
    }

    pub fn group_id(self) -> Option<i64> {
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

#[derive(Clone, Debug)]
pub enum SaveOutcome {
    Saved {
        version: i32,
        note: Option<String>,
    },
    /// Nothing was saved: the person must re-enter their password first. The change waits,
    /// sealed, for the caller to keep with the sign-in and hand back to `complete_parked`.
    StepUpRequired(Parked),
}

/// A change parked for step-up: where it goes and what was submitted.
#[derive(Serialize, Deserialize)]
struct ParkedSave {
    scope: Scope,
    form: SettingsForm,
}

/// The Salesforce settings of organizations and groups, with what they need to decide.
#[derive(Clone)]
pub struct SettingsService {
    pub db: DatabaseConnection,
    pub vault: Arc<Vault>,
    /// Sofie's own Salesforce app, when the operator configured one.
    pub default_app: Option<DefaultApp>,
    /// Which Salesforce hosts admins may enter (plus the simulator in development).
    pub host_policy: HostPolicy,
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

async fn load(db: &DatabaseConnection, org_id: i64, scope: Scope) -> DomainResult<SavedSettings> {
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

impl SettingsService {
    /// Refuses, audited, unless `actor` may configure `scope`: org admins the organization and
    /// every group, group admins their own groups. Checked on every call, completion included.
    async fn authorize(&self, actor: &Actor, scope: Scope) -> DomainResult<()> {
        match scope {
            Scope::Org => access::require_org_admin(&self.db, actor, "organization settings").await,
            Scope::Group(id) => access::group_for_admin(&self.db, actor, id)
                .await
                .map(|_| ()),
        }
    }

    /// The stored settings of `scope`, as the admin pages show them.
    pub async fn settings(&self, actor: &Actor, scope: Scope) -> DomainResult<SavedSettings> {
        self.authorize(actor, scope).await?;
        load(&self.db, actor.org.id, scope).await
    }

    /// Saves `form` for `scope`, or parks it when it needs a step-up that `actor` lacks.
    pub async fn save(
        &self,
        actor: &Actor,
        scope: Scope,
        form: SettingsForm,
    ) -> DomainResult<SaveOutcome> {
        self.authorize(actor, scope).await?;
        let input = SettingsInput::parse(&form, scope, &self.host_policy)?;
        check(&actor.org, scope, &input, self.default_app.as_ref())?;
        let now = OffsetDateTime::now_utc();
        let txn = self.db.begin().await?;
        let rows = effective::rows(&txn, actor.org.id).await?;
        let existing = rows.iter().find(|r| r.scope == scope.key()).cloned();
        let changes_members = self.switching_on_changes_members(&actor.org, &rows, scope, &input);
        if needs_step_up(existing.as_ref(), &input, changes_members)
            && !actor.has_fresh_step_up(now.unix_timestamp())
        {
            let parked = ParkedSave { scope, form };
            return Ok(SaveOutcome::StepUpRequired(Parked::seal(
                &self.vault,
                actor,
                &parked,
                now.unix_timestamp(),
            )));
        }
        let outcome = write(
            &txn,
            &self.vault,
            &actor.org,
            Some(actor.user.id),
            scope,
            existing,
            &input,
            now,
        )
        .await?;
        self.mark_connections(&txn, &actor.org, scope).await?;
        txn.commit().await?;
        Ok(outcome)
    }

    /// After a successful step-up: completes `parked` when it is `actor`'s, from this sign-in,
    /// in this organization, and `actor` still holds the right for its scope. Returns the scope
    /// and what happened; `None` when there is nothing of theirs to complete.
    pub async fn complete_parked(
        &self,
        actor: &Actor,
        parked: &Parked,
    ) -> DomainResult<Option<(Scope, SaveOutcome)>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(ParkedSave { scope, form }) = parked.open(&self.vault, actor, now)? else {
            return Ok(None);
        };
        Ok(Some((scope, self.save(actor, scope, form).await?)))
    }

    /// The client secret an app origin (`organization`, `default`, `group:{id}`) uses, when one
    /// is configured: the operator's for Sofie's default app, else the settings row's, unsealed.
    pub async fn client_secret(
        &self,
        org_id: i64,
        origin: &str,
        settings_id: Option<i64>,
    ) -> DomainResult<Option<secrecy::SecretString>> {
        if origin == "default" {
            return Ok(self
                .default_app
                .as_ref()
                .and_then(|a| a.client_secret.clone()));
        }
        let Some(id) = settings_id else {
            return Ok(None);
        };
        let row = integration_setting::Entity::find_by_id(id)
            .filter(integration_setting::Column::OrgId.eq(org_id))
            .one(&self.db)
            .await?;
        match row.and_then(|r| r.client_secret) {
            None => Ok(None),
            Some(sealed) => self
                .vault
                .open(&sealed, &sealed_secret_aad(id))
                .map(Some)
                .map_err(|e| DomainError::internal("a stored client secret does not open", e)),
        }
    }

    /// Which page `parked` belongs to, when it is `actor`'s and still waiting.
    pub fn parked_scope(&self, actor: &Actor, parked: &Parked) -> DomainResult<Option<Scope>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        Ok(parked
            .open::<ParkedSave>(&self.vault, actor, now)?
            .map(|p| p.scope))
    }

    /// The operator's own save (`sofie demo` seeding): no actor, no step-up, audited as the
    /// operator's.
    pub async fn save_as_operator(
        &self,
        org: &organization::Model,
        scope: Scope,
        input: &SettingsInput,
    ) -> DomainResult<SaveOutcome> {
        check(org, scope, input, self.default_app.as_ref())?;
        let txn = self.db.begin().await?;
        let existing = find_row(&txn, org.id, scope).await?;
        let outcome = write(
            &txn,
            &self.vault,
            org,
            None,
            scope,
            existing,
            input,
            OffsetDateTime::now_utc(),
        )
        .await?;
        self.mark_connections(&txn, org, scope).await?;
        txn.commit().await?;
        Ok(outcome)
    }
}

/// Writes `input` over `existing` (or a new row) and audits it, inside `txn`.
#[allow(clippy::too_many_arguments)]
async fn write(
    txn: &impl ConnectionTrait,
    vault: &Vault,
    org: &organization::Model,
    actor_id: Option<i64>,
    scope: Scope,
    existing: Option<integration_setting::Model>,
    input: &SettingsInput,
    now: OffsetDateTime,
) -> DomainResult<SaveOutcome> {
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
            .insert(txn)
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
            active.secret_fingerprint = Set(Some(vault.fingerprint(secret)));
            active.secret_set_at = Set(Some(now));
            active.secret_set_by = Set(actor_id);
        }
        SecretChange::Clear => {
            active.client_secret = Set(None);
            active.secret_fingerprint = Set(None);
            active.secret_set_at = Set(None);
            active.secret_set_by = Set(None);
        }
    }
    active.version = Set(before.version + 1);
    active.updated_by = Set(actor_id);
    active.updated_at = Set(now);
    let after = active.update(txn).await?;
    audit::record(
        txn,
        AuditEvent::new(AuditAction::IntegrationSettingsChanged)
            .org(org.id)
            .actor(actor_id)
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
