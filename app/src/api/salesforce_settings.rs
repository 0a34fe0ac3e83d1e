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

#[server(endpoint = "salesforce/org-settings")]
pub async fn get_org_salesforce(org: String) -> Result<OrgSalesforcePage, AppError> {
    use super::ssr::*;
    use domain::salesforce_settings::{self as settings, Scope};
    let result = async {
        let (services, session, actor) = admin_actor(&org, None).await?;
        let context = super::context::server::org_context(&services, &actor).await?;
        let groups = domain::access::administered_groups(&services.db, &actor).await?;
        // One query for every group's row, rather than one per group.
        let summaries = settings::group_outcomes(
            &services.db,
            &actor.org,
            groups,
            services.default_app.as_ref(),
        )
        .await?
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
            page: settings_page(&services, &session, &actor, context, Scope::Org).await?,
            default_app_available: services.default_app.is_some(),
            callback_urls: services.callback_urls.to_vec(),
            scopes: settings::SCOPES.join(" "),
            groups: summaries,
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
        let (services, session, actor) = admin_actor(&org, Some(group_id)).await?;
        let group = domain::access::group_for_admin(&services.db, &actor, group_id).await?;
        let context = super::context::server::org_context(&services, &actor).await?;
        let members = domain::accounts::group_members(&services.db, &group)
            .await?
            .into_iter()
            .map(|(user, role)| (user.display_name, role.as_str().to_string()))
            .collect();
        let org_default = org_default(&services, &actor).await?;
        Ok(GroupOverridePage {
            page: settings_page(&services, &session, &actor, context, Scope::Group(group.id))
                .await?,
            group: super::context::GroupLink {
                id: group.id,
                name: group.name,
            },
            members,
            org_default: super::settings_ssr::effective_view(org_default),
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
    let form = super::settings_ssr::RawForm {
        enabled: ticked(&enabled),
        app_source,
        client_id,
        client_secret,
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
    let form = super::settings_ssr::RawForm {
        enabled: ticked(&enabled),
        // A group override is always the group's own app.
        app_source: "organization".into(),
        client_id,
        client_secret,
        clear_secret: ticked(&clear_secret),
        auth_base_url,
    };
    save_scoped(&org, Some(group_id), form).await
}

/// Re-enter the password; a parked save for this organization is then completed as submitted.
#[server(endpoint = "salesforce/step-up")]
pub async fn step_up(org: String, password: String) -> Result<Option<SaveResult>, AppError> {
    use super::settings_ssr::{STEPPED_UP_AT_KEY, complete_pending};
    use super::ssr::*;
    let result = async {
        let services = services()?;
        let session = session().await?;
        let user = signed_in_user(&services, &session).await?;
        let actor = domain::access::actor_in(&services.db, user, &org).await?;
        let ip = client_ip().await;
        match services
            .sign_in
            .step_up(
                &services.db,
                &actor.user,
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
        }
        session.cycle_id().await.map_err(session_error)?;
        session
            .insert(
                STEPPED_UP_AT_KEY,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            )
            .await
            .map_err(session_error)?;
        match complete_pending(&services, &session, &actor).await? {
            Some((_, result)) => Ok(Some(result)),
            None => {
                see_other(&format!("/o/{}/settings/integrations", actor.org.slug));
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
        let services = services()?;
        let session = session().await?;
        let user = signed_in_user(&services, &session).await?;
        let actor = domain::access::actor_in(&services.db, user, &org).await?;
        super::settings_ssr::cancel_pending(&session).await?;
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

/// The Salesforce app that applies to the viewer, and why.
#[server(endpoint = "salesforce/mine")]
pub async fn get_my_salesforce(
    org: String,
) -> Result<(super::context::OrgContext, EffectiveView), AppError> {
    use super::ssr::*;
    let result = async {
        let services = services()?;
        let user = signed_in_user(&services, &session().await?).await?;
        let actor = domain::access::actor_in(&services.db, user, &org).await?;
        let effective = domain::salesforce_settings::effective_for(
            &services.db,
            &actor,
            services.default_app.as_ref(),
        )
        .await?;
        let context = super::context::server::org_context(&services, &actor).await?;
        Ok((context, super::settings_ssr::effective_view(effective)))
    }
    .await;
    fail(result)
}

/// Saves the organization's settings (`group_id` None) or a group's override, for an actor
/// allowed to.
#[cfg(feature = "ssr")]
async fn save_scoped(
    org: &str,
    group_id: Option<i64>,
    form: super::settings_ssr::RawForm,
) -> Result<SaveResult, AppError> {
    use domain::salesforce_settings::Scope;
    let result = async {
        let (services, session, actor) = admin_actor(org, group_id).await?;
        let scope = group_id.map_or(Scope::Org, Scope::Group);
        super::settings_ssr::save(&services, &session, &actor, scope, form).await
    }
    .await;
    super::ssr::fail(result)
}

#[cfg(feature = "ssr")]
async fn admin_actor(
    org: &str,
    group_id: Option<i64>,
) -> Result<
    (
        super::ssr::Services,
        tower_sessions::Session,
        domain::access::Actor,
    ),
    AppError,
> {
    use super::ssr::*;
    let services = services()?;
    let session = session().await?;
    let user = signed_in_user(&services, &session).await?;
    let actor = domain::access::actor_in(&services.db, user, org).await?;
    let allowed = match group_id {
        None => actor.is_org_admin(),
        Some(id) => {
            let group = domain::access::group_for_admin(&services.db, &actor, id).await;
            match group {
                Err(domain::DomainError::NotFound(what)) => {
                    return Err(domain::DomainError::NotFound(what).into());
                }
                other => other.is_ok(),
            }
        }
    };
    if !allowed {
        let what = if group_id.is_some() {
            "group settings"
        } else {
            "organization settings"
        };
        super::context::server::audit_denied(&services, &actor, what).await?;
        return Err(AppError::Forbidden);
    }
    Ok((services, session, actor))
}

#[cfg(feature = "ssr")]
async fn settings_page(
    services: &super::ssr::Services,
    session: &tower_sessions::Session,
    actor: &domain::access::Actor,
    context: super::context::OrgContext,
    scope: domain::salesforce_settings::Scope,
) -> Result<SettingsPage, AppError> {
    use super::settings_ssr::*;
    Ok(SettingsPage {
        context,
        settings: view_of(
            domain::salesforce_settings::load(&services.db, actor.org.id, scope).await?,
        ),
        features_on: actor.org.integrations_enabled && actor.org.salesforce_enabled,
        step_up_pending: pending_for(session, &actor.org.slug, scope).await?,
        notice: take_notice(session).await?,
    })
}

#[cfg(feature = "ssr")]
async fn org_default(
    services: &super::ssr::Services,
    actor: &domain::access::Actor,
) -> Result<domain::salesforce_settings::Effective, AppError> {
    let mut members = actor.clone();
    members.groups.clear();
    Ok(domain::salesforce_settings::effective_for(
        &services.db,
        &members,
        services.default_app.as_ref(),
    )
    .await?)
}
