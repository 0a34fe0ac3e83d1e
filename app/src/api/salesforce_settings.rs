//! Server functions of the Salesforce settings: the organization's app (org admins), a group's
//! override (its group admins and org admins), step-up, and each person's effective app.

use leptos::prelude::*;

use super::settings_dto::*;
use crate::error::AppError;

/// Checkbox fields arrive only when ticked.
#[cfg(feature = "ssr")]
fn ticked(field: &Option<String>) -> bool {
    field
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "off")
}

/// How many groups the organization page's table shows at a time.
pub const GROUPS_PER_PAGE: u64 = 50;

#[server(endpoint = "salesforce/org-settings")]
pub async fn get_org_salesforce(
    org: String,
    groups_page: Option<u64>,
) -> Result<OrgSalesforcePage, AppError> {
    use super::ssr::*;
    use domain::salesforce_settings::{SCOPES, Scope};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let page = settings_page(&me, &actor, Scope::Org).await?;
        let settings = &me.services.settings;
        let (paging, outcomes) = settings
            .group_outcomes_page(&actor, groups_page.unwrap_or(1), GROUPS_PER_PAGE)
            .await?;
        let groups_page = Paging {
            page: paging.page,
            pages: paging.pages(),
            per_page: paging.per_page,
            total: paging.total,
        };
        let groups = outcomes
            .into_iter()
            .map(|outcome| GroupSummary {
                group: super::context::GroupLink {
                    id: outcome.group.id,
                    name: outcome.group.name,
                },
                override_enabled: outcome.override_enabled,
                members_get: super::settings_ssr::effective_view(outcome.outcome),
            })
            .collect();
        Ok(OrgSalesforcePage {
            page,
            default_app_available: settings.default_app.is_some(),
            callback_urls: me.services.callback_urls.to_vec(),
            scopes: SCOPES.join(" "),
            groups,
            groups_page,
            connections: super::connections::rows(&me, &actor, None).await?,
            tokens: super::tokens::server::org_rows(&me, &actor).await?,
            policy: {
                let p = me.services.changes.policy(&actor).await?;
                super::changes::PolicyView {
                    enabled: p.enabled,
                    objects: p.objects.map(|o| o.join(", ")).unwrap_or_default(),
                    actions: p.actions,
                    expiry_hours: p.expiry_hours,
                    version: p.version,
                }
            },
        })
    }
    .await;
    fail(result)
}

#[server(endpoint = "salesforce/group-settings")]
pub async fn get_group_override(org: String, group_id: i64) -> Result<GroupOverridePage, AppError> {
    use super::ssr::*;
    use domain::salesforce_settings::Scope;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let group = domain::access::group_for_admin(&me.services.db, &actor, group_id).await?;
        let page = settings_page(&me, &actor, Scope::Group(group.id)).await?;
        let members = domain::accounts::group_members(&me.services.db, &group)
            .await?
            .into_iter()
            .map(|(user, role)| (user.display_name, role.as_str().to_string()))
            .collect();
        let org_default = me.services.settings.org_default(&actor).await?;
        Ok(GroupOverridePage {
            page,
            group: super::context::GroupLink {
                id: group.id,
                name: group.name,
            },
            members,
            org_default: super::settings_ssr::effective_view(org_default),
            connections: super::connections::rows(&me, &actor, Some(group_id)).await?,
        })
    }
    .await;
    fail(result)
}

#[server(endpoint = "salesforce/save-org")]
pub async fn save_org_salesforce(
    org: String,
    enabled: Option<String>,
    app_source: String,
    client_id: String,
    client_secret: String,
    clear_secret: Option<String>,
    auth_base_url: String,
) -> Result<SaveResult, AppError> {
    let form = domain::salesforce_settings::SettingsForm {
        enabled: ticked(&enabled),
        app_source,
        client_id,
        client_secret: client_secret.into(),
        clear_secret: ticked(&clear_secret),
        auth_base_url,
    };
    save_scoped(&org, None, form).await
}

#[server(endpoint = "salesforce/save-group")]
pub async fn save_group_override(
    org: String,
    group_id: i64,
    enabled: Option<String>,
    client_id: String,
    client_secret: String,
    clear_secret: Option<String>,
    auth_base_url: String,
) -> Result<SaveResult, AppError> {
    let form = domain::salesforce_settings::SettingsForm {
        enabled: ticked(&enabled),
        // A group override is always the group's own app.
        app_source: "organization".into(),
        client_id,
        client_secret: client_secret.into(),
        clear_secret: ticked(&clear_secret),
        auth_base_url,
    };
    save_scoped(&org, Some(group_id), form).await
}

/// Re-enter the password; a change parked in this sign-in is then completed as submitted, if the
/// person still holds the right for it.
#[server(endpoint = "salesforce/step-up")]
pub async fn step_up(org: String, password: String) -> Result<Option<SaveResult>, AppError> {
    use super::ssr::*;
    let result = async {
        let (me, mut actor) = actor(&org).await?;
        let ip = client_ip().await;
        let record = match me
            .services
            .sign_in
            .step_up(
                &me.services.db,
                &actor,
                &secrecy::SecretString::from(password),
                ip.as_deref(),
            )
            .await
        {
            Err(domain::DomainError::InvalidCredentials) => {
                return Err(AppError::Validation {
                    field: "password".into(),
                    message: "That password is not correct.".into(),
                });
            }
            other => other?,
        };
        me.session.record_step_up(record.clone()).await?;
        actor.authn.step_up = Some(record);
        // Taken out first: whatever completion decides, the parked change is used once.
        let Some(parked) = me.session.take_parked().await? else {
            see_other(&format!("/o/{}/settings/integrations", actor.org.slug));
            return Ok(None);
        };
        match me
            .services
            .settings
            .complete_parked(&actor, &parked)
            .await?
        {
            Some((scope, outcome)) => finish(&me, &actor, scope, outcome).await.map(Some),
            None => {
                let policy = me
                    .services
                    .changes
                    .complete_parked_policy(&actor, &parked)
                    .await?;
                if let Some(domain::changes::PolicyOutcome::Saved { version }) = policy {
                    me.session
                        .set_notice(&format!(
                            "Prepared changes policy saved (version {version})."
                        ))
                        .await?;
                    see_other(&format!(
                        "/o/{}/settings/integrations/salesforce",
                        actor.org.slug
                    ));
                } else {
                    see_other(&format!("/o/{}/settings/integrations", actor.org.slug));
                }
                Ok(None)
            }
        }
    }
    .await;
    fail(result)
}

/// Drops a parked save without saving it.
#[server(endpoint = "salesforce/cancel-step-up")]
pub async fn cancel_step_up(org: String, back_to: String) -> Result<(), AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        me.session.take_parked().await?;
        // Only back to a page of this organization: never an open redirect.
        let prefix = format!("/o/{}/", actor.org.slug);
        see_other(if back_to.starts_with(&prefix) && !back_to.contains("//") {
            &back_to
        } else {
            "/"
        });
        Ok(())
    }
    .await;
    fail(result)
}

/// Saves the organization's settings (`group_id` None) or a group's override; the domain checks
/// that the actor may.
#[cfg(feature = "ssr")]
async fn save_scoped(
    org: &str,
    group_id: Option<i64>,
    form: domain::salesforce_settings::SettingsForm,
) -> Result<SaveResult, AppError> {
    use domain::salesforce_settings::Scope;
    let result = async {
        let (me, actor) = super::ssr::actor(org).await?;
        let scope = group_id.map_or(Scope::Org, Scope::Group);
        let outcome = me.services.settings.save(&actor, scope, form).await?;
        finish(&me, &actor, scope, outcome).await
    }
    .await;
    super::ssr::fail(result)
}

/// Tells the person what a save did, keeps a parked change with the sign-in, and sends the
/// browser back to the settings page.
#[cfg(feature = "ssr")]
async fn finish(
    me: &super::ssr::SignedIn,
    actor: &domain::access::Actor,
    scope: domain::salesforce_settings::Scope,
    outcome: domain::salesforce_settings::SaveOutcome,
) -> Result<SaveResult, AppError> {
    use domain::salesforce_settings::SaveOutcome;
    let result = match outcome {
        SaveOutcome::Saved { version, note } => {
            let notice = format!(
                "Saved (settings version {version}). {}",
                note.clone().unwrap_or_default()
            );
            me.session.set_notice(notice.trim()).await?;
            SaveResult::Saved { version, note }
        }
        SaveOutcome::StepUpRequired(parked) => {
            me.session.park(parked).await?;
            SaveResult::StepUpRequired
        }
    };
    super::ssr::see_other(&super::settings_ssr::page_path(&actor.org.slug, scope));
    Ok(result)
}

#[cfg(feature = "ssr")]
async fn settings_page(
    me: &super::ssr::SignedIn,
    actor: &domain::access::Actor,
    scope: domain::salesforce_settings::Scope,
) -> Result<SettingsPage, AppError> {
    let settings = &me.services.settings;
    let saved = settings.settings(actor, scope).await?;
    let step_up_pending = match me.session.parked().await? {
        Some(parked) => {
            settings.parked_scope(actor, &parked)? == Some(scope)
                || (scope == domain::salesforce_settings::Scope::Org
                    && me.services.changes.is_parked_policy(actor, &parked))
        }
        None => false,
    };
    Ok(SettingsPage {
        context: super::context::server::org_context(&me.services, actor).await?,
        settings: super::settings_ssr::view_of(saved),
        features_on: actor.org.integrations_enabled && actor.org.salesforce_enabled,
        step_up_pending,
        notice: me.session.take_notice().await?,
    })
}
