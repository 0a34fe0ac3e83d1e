//! "Check this app": the organization's Salesforce app checked without anyone's Salesforce
//! account, each check green, amber or red with the reason and the fix in the guide's words.

use salesforce::oauth::preflight::{self, AuthorizeAnswer, SecretAnswer};
use salesforce::{HttpClient, LoginHost};
use time::{Duration, OffsetDateTime};

use super::{Effective, Scope, SettingsService};
use crate::access::Actor;
use crate::connections::origin_key;
use crate::error::{DomainError, DomainResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Light {
    Green,
    Amber,
    Red,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub light: Light,
    pub said: String,
    pub fix: Option<String>,
}

pub(super) fn check(
    name: impl Into<String>,
    light: Light,
    said: impl Into<String>,
    fix: Option<&str>,
) -> Check {
    Check {
        name: name.into(),
        light,
        said: said.into(),
        fix: fix.map(str::to_owned),
    }
}

/// How long after a save Salesforce may still be catching up with an app change.
const PROPAGATION: Duration = Duration::minutes(10);

fn environment(host: &LoginHost) -> &'static str {
    use salesforce::HostFamily::*;
    match host.family() {
        Production => "production",
        Sandbox => "sandbox",
        MyDomainSandbox => "sandbox My Domain",
        MyDomain | MyDomainDevelop => "My Domain",
        _ => "a development login host",
    }
}

impl SettingsService {
    /// The checks of the app that `scope`'s members connect with: the organization's (org
    /// admins) or a group's (that group's admins and org admins). `callbacks` are the public
    /// origins' exact callback URLs.
    pub async fn preflight(
        &self,
        actor: &Actor,
        scope: Scope,
        http: &HttpClient,
        callbacks: &[String],
    ) -> DomainResult<Vec<Check>> {
        let saved = self.settings(actor, scope).await?;
        let effective = match scope {
            Scope::Org => self.org_default(actor).await?,
            Scope::Group(id) => self
                .group_outcomes(actor)
                .await?
                .into_iter()
                .find(|o| o.group.id == id)
                .map(|o| o.outcome)
                .ok_or_else(|| DomainError::NotFound("group".into()))?,
        };
        let app = match effective {
            Effective::Unavailable(why) => {
                return Ok(vec![check(
                    "Salesforce enabled, both features on",
                    Light::Red,
                    why,
                    Some(
                        "Confirm Salesforce is enabled in Sofie and the Integrations and Salesforce features are on.",
                    ),
                )]);
            }
            Effective::Ready { app, .. } => app,
            Effective::Choose { mut apps, .. } => apps.remove(0),
        };
        let mut checks = vec![check(
            "Salesforce enabled, both features on",
            Light::Green,
            "Salesforce is enabled for the organization and both features are on.",
            None,
        )];
        let Ok(parsed) = LoginHost::parse(&app.login_host, &self.host_policy) else {
            checks.push(check(
                "Login host",
                Light::Red,
                format!("{} is not a Salesforce login host.", app.login_host),
                Some("Check Auth Base URL. Use https://test.salesforce.com or your sandbox My Domain for sandbox testing."),
            ));
            return Ok(checks);
        };
        let host = parsed.host;
        match preflight::openid_issuer(http, &host).await {
            Ok(_) => checks.push(check(
                "Login host",
                Light::Green,
                format!(
                    "{} answers as a Salesforce login host: {}.",
                    host.as_str(),
                    environment(&host)
                ),
                None,
            )),
            Err(err) => {
                checks.push(check(
                    "Login host",
                    Light::Red,
                    format!("{} does not answer as a Salesforce login host ({err}).", host.as_str()),
                    Some("Check Auth Base URL. Use https://test.salesforce.com or your sandbox My Domain for sandbox testing."),
                ));
                return Ok(checks);
            }
        }
        let origin = origin_key(&app.origin);
        if let Some(named) = super::environment::check_environment(
            &self.db,
            actor.org.id,
            &origin,
            &app.client_id,
            &host,
        )
        .await?
        {
            checks.push(named);
        }
        let mut accepted = None;
        for callback in callbacks {
            let name = format!("Client ID and callback {callback}");
            let answer =
                preflight::probe_authorize(http, &host, &app.client_id, callback, true).await;
            let item = match answer {
                Ok(AuthorizeAnswer::SignInPage) => {
                    accepted.get_or_insert_with(|| callback.clone());
                    check(
                        name,
                        Light::Green,
                        "Salesforce knows the Client ID and accepts this callback URL.",
                        None,
                    )
                }
                Ok(AuthorizeAnswer::ErrorPage { error }) if error == "invalid_client_id" => {
                    checks.push(check(
                        "Client ID",
                        Light::Red,
                        format!("{} does not know this Client ID (invalid_client_id).", host.as_str()),
                        Some("Check the Client ID (Consumer Key) and that the app lives in the org of this login host."),
                    ));
                    break;
                }
                Ok(AuthorizeAnswer::ErrorPage { error }) if error == "redirect_uri_mismatch" => {
                    check(
                        name,
                        Light::Red,
                        "This callback URL is not registered on the Salesforce app (redirect_uri_mismatch).",
                        Some(
                            "Add separate callback URLs for staging, production, and any custom Sofie domains; the scheme, host, and path must match.",
                        ),
                    )
                }
                Ok(AuthorizeAnswer::ErrorPage { error })
                | Ok(AuthorizeAnswer::BackWithError { error, .. }) => check(
                    name,
                    Light::Amber,
                    format!("Salesforce answered {error}."),
                    Some("See Troubleshooting for what it means."),
                ),
                Ok(AuthorizeAnswer::Unexpected { status }) => check(
                    name,
                    Light::Amber,
                    format!("Salesforce answered HTTP {status}."),
                    None,
                ),
                Err(err) => check(
                    name,
                    Light::Red,
                    format!("Salesforce could not be reached: {err}."),
                    Some("Try again in a minute."),
                ),
            };
            checks.push(item);
        }
        if let Some(callback) = &accepted {
            checks.push(match preflight::probe_authorize(http, &host, &app.client_id, callback, false).await {
                Ok(AuthorizeAnswer::BackWithError { error, .. }) if error == "invalid_request" => check(
                    "PKCE",
                    Light::Green,
                    "The app requires PKCE; Sofie always sends a code challenge (S256).",
                    None,
                ),
                Ok(AuthorizeAnswer::SignInPage) => check(
                    "PKCE",
                    Light::Amber,
                    "The app does not require PKCE.",
                    Some("Turn on Require Proof Key for Code Exchange (PKCE) in the Salesforce app."),
                ),
                Ok(other) => check("PKCE", Light::Amber, format!("Salesforce answered {other:?}."), None),
                Err(err) => check("PKCE", Light::Red, format!("Salesforce could not be reached: {err}."), Some("Try again in a minute.")),
            });
            let secret = self
                .client_secret(actor.org.id, &origin_key(&app.origin), app.settings_id)
                .await?;
            checks.push(match secret {
                None => check(
                    "Client Secret",
                    Light::Green,
                    "No Client Secret is saved; the app is used with PKCE alone.",
                    None,
                ),
                Some(secret) => {
                    match preflight::probe_secret(http, &host, &app.client_id, &secret, callback)
                        .await
                    {
                        Ok(SecretAnswer::Accepted) => check(
                            "Client Secret",
                            Light::Green,
                            "Salesforce accepts the Client Secret.",
                            None,
                        ),
                        Ok(SecretAnswer::Refused) => check(
                            "Client Secret",
                            Light::Red,
                            "Salesforce refused the Client Secret (invalid_client).",
                            Some("Paste the app's Consumer Secret again."),
                        ),
                        Ok(SecretAnswer::Other { error }) => check(
                            "Client Secret",
                            Light::Amber,
                            format!("Salesforce answered {error}."),
                            None,
                        ),
                        Err(err) => check(
                            "Client Secret",
                            Light::Red,
                            format!("Salesforce could not be reached: {err}."),
                            Some("Try again in a minute."),
                        ),
                    }
                }
            });
        }
        let since = saved.updated_at;
        if let Some(met) =
            super::refusals::check_refusals(&self.db, actor.org.id, &origin, &app.client_id, since)
                .await?
        {
            checks.push(met);
        }
        let recent = saved
            .updated_at
            .is_some_and(|at| OffsetDateTime::now_utc() - at < PROPAGATION);
        if recent && checks.iter().any(|c| c.light == Light::Red) {
            checks.push(check(
                "Recently saved",
                Light::Amber,
                "These settings were saved less than 10 minutes ago. Salesforce app changes can take several minutes to propagate.",
                Some("Run the check again in a few minutes."),
            ));
        }
        Ok(checks)
    }
}
