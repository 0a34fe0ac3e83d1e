//! Server-side view models of the Salesforce settings pages.

use domain::salesforce_settings::{
    self as settings, AppOrigin, AppSource, Effective, SavedSettings, Scope,
};

use super::settings_dto::*;

pub fn page_path(org_slug: &str, scope: Scope) -> String {
    match scope {
        Scope::Org => format!("/o/{org_slug}/settings/integrations/salesforce"),
        Scope::Group(id) => format!("/o/{org_slug}/groups/{id}/settings"),
    }
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
