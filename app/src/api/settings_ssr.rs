//! Server-side plumbing for the Salesforce settings pages: parsing the form, the save with its
//! step-up detour, and the view models. A save that needs step-up is parked in the session with
//! its secret sealed (never in a URL, never in the page) and completed after the password.

use domain::access::Actor;
use domain::salesforce_settings::{
    self as settings, AppOrigin, AppSource, AuthBaseUrl, ClientId, Effective, SaveOutcome,
    SavedSettings, Scope, SecretChange, SettingsInput,
};
use domain::vault::Aad;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::settings_dto::*;
use super::ssr::{Services, see_other, session_error};
use crate::error::AppError;

const PENDING_KEY: &str = "pending_settings";
const NOTICE_KEY: &str = "settings_notice";
/// Unix time of the last successful step-up.
pub const STEPPED_UP_AT_KEY: &str = "stepped_up_at";

/// The settings form as submitted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RawForm {
    pub enabled: bool,
    pub app_source: String,
    pub client_id: String,
    pub client_secret: String,
    pub clear_secret: bool,
    pub auth_base_url: String,
}

/// A save waiting for step-up; the secret inside is sealed to this user.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingSave {
    org_slug: String,
    group_id: Option<i64>,
    form: RawForm,
}

fn pending_aad(user_id: i64) -> Aad {
    Aad::new("sessions", PENDING_KEY, user_id)
}

fn parse(services: &Services, form: &RawForm, scope: Scope) -> Result<SettingsInput, AppError> {
    let app_source = match scope {
        Scope::Org => AppSource::parse(&form.app_source)?,
        Scope::Group(_) => AppSource::Organization,
    };
    Ok(SettingsInput {
        enabled: form.enabled,
        app_source,
        client_id: ClientId::parse(&form.client_id)?,
        secret: SecretChange::parse(&form.client_secret, form.clear_secret)?,
        auth_base_url: AuthBaseUrl::parse(&form.auth_base_url, &services.host_policy)?,
    })
}

pub fn page_path(org_slug: &str, scope: Scope) -> String {
    match scope {
        Scope::Org => format!("/o/{org_slug}/settings/integrations/salesforce"),
        Scope::Group(id) => format!("/o/{org_slug}/groups/{id}/settings"),
    }
}

/// Saves, or parks the save for step-up. Either way the browser goes back to the settings page.
pub async fn save(
    services: &Services,
    session: &Session,
    actor: &Actor,
    scope: Scope,
    form: RawForm,
) -> Result<SaveResult, AppError> {
    let input = parse(services, &form, scope)?;
    let stepped_up_at: Option<i64> = session
        .get(STEPPED_UP_AT_KEY)
        .await
        .map_err(session_error)?;
    let outcome = settings::save(
        &services.db,
        &services.vault,
        services.default_app.as_ref(),
        &actor.org,
        actor.user.id,
        scope,
        &input,
        stepped_up_at,
    )
    .await?;
    let result = match outcome {
        SaveOutcome::Saved { version, note } => {
            let notice = format!(
                "Saved (settings version {version}). {}",
                note.clone().unwrap_or_default()
            );
            session
                .insert(NOTICE_KEY, notice.trim())
                .await
                .map_err(session_error)?;
            SaveResult::Saved { version, note }
        }
        SaveOutcome::StepUpRequired => {
            let mut parked = form;
            if !parked.client_secret.is_empty() {
                parked.client_secret = services.vault.seal(
                    &SecretString::from(parked.client_secret.clone()),
                    &pending_aad(actor.user.id),
                );
            }
            let pending = PendingSave {
                org_slug: actor.org.slug.clone(),
                group_id: scope_group(scope),
                form: parked,
            };
            session
                .insert(PENDING_KEY, pending)
                .await
                .map_err(session_error)?;
            SaveResult::StepUpRequired
        }
    };
    see_other(&page_path(&actor.org.slug, scope));
    Ok(result)
}

fn scope_group(scope: Scope) -> Option<i64> {
    match scope {
        Scope::Org => None,
        Scope::Group(id) => Some(id),
    }
}

/// Whether a parked save for this page is waiting.
pub async fn pending_for(
    session: &Session,
    org_slug: &str,
    scope: Scope,
) -> Result<bool, AppError> {
    let pending: Option<PendingSave> = session.get(PENDING_KEY).await.map_err(session_error)?;
    Ok(pending.is_some_and(|p| p.org_slug == org_slug && p.group_id == scope_group(scope)))
}

pub async fn cancel_pending(session: &Session) -> Result<(), AppError> {
    session
        .remove::<PendingSave>(PENDING_KEY)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// After a successful step-up: completes the parked save for this organization, if any, and
/// returns the scope whose page to show.
pub async fn complete_pending(
    services: &Services,
    session: &Session,
    actor: &Actor,
) -> Result<Option<(Scope, SaveResult)>, AppError> {
    let Some(pending) = session
        .remove::<PendingSave>(PENDING_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    if pending.org_slug != actor.org.slug {
        return Ok(None);
    }
    let scope = pending.group_id.map_or(Scope::Org, Scope::Group);
    if let Scope::Group(id) = scope {
        domain::access::group_for_admin(&services.db, actor, id).await?;
    }
    let mut form = pending.form;
    if !form.client_secret.is_empty() {
        let secret = services
            .vault
            .open(&form.client_secret, &pending_aad(actor.user.id))
            .map_err(|_| AppError::Validation {
                field: "client_secret".into(),
                message: "The parked change expired; enter it again.".into(),
            })?;
        form.client_secret = secrecy::ExposeSecret::expose_secret(&secret).to_string();
    }
    let result = save(services, session, actor, scope, form).await?;
    Ok(Some((scope, result)))
}

pub async fn take_notice(session: &Session) -> Result<Option<String>, AppError> {
    // `remove` marks the session changed even when the key is absent, which would cost a write
    // on every page view; only remove a notice that is there.
    let notice: Option<String> = session.get(NOTICE_KEY).await.map_err(session_error)?;
    if notice.is_some() {
        session
            .remove::<String>(NOTICE_KEY)
            .await
            .map_err(session_error)?;
    }
    Ok(notice)
}

fn when(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.format(&format).unwrap_or_default()
}

pub fn view_of(saved: SavedSettings) -> SettingsView {
    let secret = saved.secret_fingerprint.map(|fingerprint| SecretInfo {
        fingerprint,
        set_at: saved.secret_set_at.map(when).unwrap_or_default(),
        set_by: saved.secret_set_by.unwrap_or_else(|| "someone".into()),
    });
    SettingsView {
        enabled: saved.enabled,
        app_source: saved
            .app_source
            .unwrap_or(AppSource::Organization)
            .as_str()
            .into(),
        client_id: saved.client_id.unwrap_or_default(),
        secret,
        auth_base_url: saved.auth_base_url.unwrap_or_default(),
        version: saved.version,
        updated: saved.updated_at.map(|at| {
            format!(
                "{} by {}",
                when(at),
                saved.updated_by.unwrap_or_else(|| "someone".into())
            )
        }),
    }
}

pub fn effective_view(effective: Effective) -> EffectiveView {
    let app_view = |app: settings::EffectiveApp| AppView {
        origin: match app.origin {
            AppOrigin::Organization => "The organization's own app".into(),
            AppOrigin::SofieDefault => "Sofie's default app".into(),
            AppOrigin::Group { name, .. } => format!("Group {name}'s override"),
        },
        client_id: app.client_id,
        login_host: app.login_host,
        scopes: app.scopes.join(" "),
    };
    match effective {
        Effective::Unavailable(why) => EffectiveView {
            available: false,
            why,
            apps: vec![],
        },
        Effective::Ready { app, why } => EffectiveView {
            available: true,
            why,
            apps: vec![app_view(app)],
        },
        Effective::Choose { apps, why } => EffectiveView {
            available: true,
            why,
            apps: apps.into_iter().map(app_view).collect(),
        },
    }
}
