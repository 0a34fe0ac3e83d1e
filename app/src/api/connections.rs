//! Server functions of a person's Salesforce connection (My Integrations) and of the
//! organization's connections table (org and group admins).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::OrgContext;
use super::settings_dto::EffectiveView;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectButton {
    pub key: String,
    pub label: String,
    pub login_host: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionDetails {
    pub username: String,
    pub org_id: String,
    pub org_name: Option<String>,
    pub environment: String,
    pub instance_host: String,
    pub scopes: String,
    pub connected_since: String,
    pub last_call: Option<String>,
    pub last_refresh: Option<String>,
    pub app: String,
    pub app_key: String,
    pub offline_warning: Option<String>,
}

/// Exactly one state of the Salesforce card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CardView {
    NotAvailable {
        why: String,
    },
    NotConnected {
        buttons: Vec<ConnectButton>,
    },
    Connected(ConnectionDetails),
    NeedsReconnect {
        cause: String,
        details: ConnectionDetails,
        buttons: Vec<ConnectButton>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyIntegrations {
    pub context: OrgContext,
    pub effective: EffectiveView,
    pub card: CardView,
    /// A one-time message after connecting, disconnecting or checking.
    pub notice: Option<String>,
    /// The troubleshooting entry that explains the notice's Salesforce error.
    pub notice_entry: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub id: i64,
    pub member: String,
    pub username: String,
    pub environment: String,
    pub app: String,
    pub status: String,
    pub cause: Option<String>,
    pub last_used: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityChoice {
    pub context: OrgContext,
    pub attempt: i64,
    pub current: String,
    pub new: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use domain::connections::{Card, ConnectOption, ConnectedDetails};

    use super::*;

    pub fn when(at: time::OffsetDateTime) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        at.format(&format).unwrap_or_default()
    }

    fn buttons(options: Vec<ConnectOption>) -> Vec<ConnectButton> {
        options
            .into_iter()
            .map(|o| ConnectButton {
                key: o.key,
                label: o.label,
                login_host: o.login_host,
            })
            .collect()
    }

    fn details(d: ConnectedDetails) -> ConnectionDetails {
        ConnectionDetails {
            username: d.username,
            org_id: d.org_id,
            org_name: d.org_name,
            environment: d.environment.into(),
            instance_host: d.instance_host,
            scopes: d.scopes,
            connected_since: when(d.connected_since),
            last_call: d.last_call.map(when),
            last_refresh: d.last_refresh.map(when),
            app: d.app,
            app_key: d.app_key,
            offline_warning: d.offline_warning.map(String::from),
        }
    }

    /// The card, and the login-host origins its Connect forms redirect to.
    pub fn card_view(card: Card) -> (CardView, Vec<String>) {
        let origins = |options: &[ConnectOption]| -> Vec<String> {
            options
                .iter()
                .filter_map(|o| url::Url::parse(&o.login_host).ok())
                .map(|u| u.origin().ascii_serialization())
                .collect()
        };
        match card {
            Card::NotAvailable { why } => (CardView::NotAvailable { why }, vec![]),
            Card::NotConnected { options } => {
                let allowed = origins(&options);
                (
                    CardView::NotConnected {
                        buttons: buttons(options),
                    },
                    allowed,
                )
            }
            Card::Connected {
                details: d,
                options,
            } => (CardView::Connected(details(d)), origins(&options)),
            Card::NeedsReconnect {
                cause,
                details: d,
                options,
            } => {
                let allowed = origins(&options);
                (
                    CardView::NeedsReconnect {
                        cause,
                        details: details(d),
                        buttons: buttons(options),
                    },
                    allowed,
                )
            }
        }
    }

    /// The Origin header of the current request, to pick its public origin's callback URL.
    pub fn request_origin() -> Option<String> {
        use_context::<http::request::Parts>()?
            .headers
            .get(http::header::ORIGIN)?
            .to_str()
            .ok()
            .map(String::from)
    }
}

/// My Integrations: the effective app, the Salesforce card and any notice.
#[server(endpoint = "salesforce/my-integrations")]
pub async fn get_my_integrations(org: String) -> Result<MyIntegrations, AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let effective = me.services.settings.effective_for(&actor).await?;
        let (card, origins) =
            server::card_view(me.services.connections.card(&actor, &effective).await?);
        allow_form_action(&origins);
        Ok(MyIntegrations {
            context: super::context::server::org_context(&me.services, &actor).await?,
            effective: super::settings_ssr::effective_view(effective),
            card,
            notice: me.session.take_notice().await?,
            notice_entry: me.session.take_notice_entry().await?,
        })
    }
    .await;
    fail(result)
}

/// Connect (or Reconnect): a 303 to the Salesforce login host's authorize page.
#[server(endpoint = "salesforce/connect")]
pub async fn connect_salesforce(org: String, app: Option<String>) -> Result<(), AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let origin = server::request_origin();
        let redirect = me
            .services
            .connections
            .start(&actor, app.as_deref(), origin.as_deref())
            .await?;
        see_other(redirect.url.as_str());
        Ok(())
    }
    .await;
    fail(result)
}

/// Back to My Integrations, which shows `notice` once.
#[cfg(feature = "ssr")]
async fn back_with_notice(org: &str, notice: String) -> Result<(), AppError> {
    let (me, actor) = super::ssr::actor(org).await?;
    me.session.set_notice(&notice).await?;
    super::ssr::see_other(&format!("/o/{}/integrations", actor.org.slug));
    Ok(())
}

/// Disconnect: revokes the grant at Salesforce, deletes the tokens either way, says which.
#[server(endpoint = "salesforce/disconnect")]
pub async fn disconnect_salesforce(org: String) -> Result<(), AppError> {
    use super::ssr::*;
    use domain::connections::RevokeOutcome;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let outcome = me.services.connections.disconnect(&actor).await?;
        let notice = match outcome {
            RevokeOutcome::Failed(_) => "Disconnected. Sofie deleted its tokens, but Salesforce could not be reached to revoke the grant: remove Sofie under Connected Apps OAuth Usage in your Salesforce settings.".to_string(),
            _ => "Disconnected: Salesforce revoked Sofie's access and Sofie deleted its tokens.".to_string(),
        };
        back_with_notice(&org, notice).await
    }
    .await;
    fail(result)
}

/// "Check now": one authenticated call through the connection, refreshing if needed.
#[server(endpoint = "salesforce/check")]
pub async fn check_salesforce(org: String) -> Result<(), AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let notice = match me.services.connections.check(&actor).await {
            Ok(call) => match (call.api_used, call.api_max) {
                (Some(used), Some(max)) => format!("Salesforce answered: your organization has used {used} of {max} API requests today."),
                _ => "Salesforce answered: the connection works.".to_string(),
            },
            Err(err) => AppError::from(err).to_string(),
        };
        back_with_notice(&org, notice).await
    }
    .await;
    fail(result)
}

/// The confirmation page for a grant of another Salesforce identity.
#[server(endpoint = "salesforce/identity-choice")]
pub async fn get_identity_choice(org: String, attempt: i64) -> Result<IdentityChoice, AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let (current, new) = me
            .services
            .connections
            .held_identities(&actor, attempt)
            .await?;
        Ok(IdentityChoice {
            context: super::context::server::org_context(&me.services, &actor).await?,
            attempt,
            current,
            new,
        })
    }
    .await;
    fail(result)
}

/// Replace the connection with the other identity, or keep it (the new grant is revoked).
#[server(endpoint = "salesforce/identity-decide")]
pub async fn decide_identity(org: String, attempt: i64, choice: String) -> Result<(), AppError> {
    use super::ssr::*;
    use domain::connections::{HeldChoice, RevokeOutcome};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let choice = match choice.as_str() {
            "replace" => HeldChoice::Replace,
            "keep" => HeldChoice::Keep,
            _ => return Err(AppError::BadRequest("Choose Replace or Keep.".into())),
        };
        let outcome = me.services.connections.decide(&actor, attempt, choice).await?;
        let notice = match (choice, outcome) {
            (HeldChoice::Replace, _) => "Connected with the new Salesforce account.".to_string(),
            (HeldChoice::Keep, RevokeOutcome::Failed(_)) => "Kept your connection. Salesforce could not be reached to revoke the new grant; remove it under Connected Apps OAuth Usage in Salesforce.".to_string(),
            (HeldChoice::Keep, _) => "Kept your connection; the new grant was revoked at Salesforce.".to_string(),
        };
        back_with_notice(&org, notice).await
    }
    .await;
    fail(result)
}

/// The organization's connections, for its Salesforce page.
#[cfg(feature = "ssr")]
pub(crate) async fn rows(
    me: &super::ssr::SignedIn,
    actor: &domain::access::Actor,
    group_id: Option<i64>,
) -> Result<Vec<ConnectionRow>, AppError> {
    Ok(me
        .services
        .connections
        .admin_rows(actor, group_id)
        .await?
        .into_iter()
        .map(|r| ConnectionRow {
            id: r.connection_id,
            member: r.member,
            username: r.username,
            environment: r.environment.into(),
            app: r.app,
            status: r.status.replace('_', " "),
            cause: r.cause,
            last_used: r.last_used.map(server::when),
        })
        .collect())
}

/// An org admin disconnects one of the organization's connections, with a reason.
#[server(endpoint = "salesforce/admin-disconnect")]
pub async fn admin_disconnect(
    org: String,
    connection_id: i64,
    reason: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        me.services
            .connections
            .disconnect_for_admin(&actor, connection_id, &reason)
            .await?;
        me.session
            .set_notice("Disconnected the connection; the audit trail has your reason.")
            .await?;
        see_other(&format!(
            "/o/{}/settings/integrations/salesforce",
            actor.org.slug
        ));
        Ok(())
    }
    .await;
    fail(result)
}
