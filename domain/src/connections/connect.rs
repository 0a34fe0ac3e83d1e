//! Connecting: the authorize redirect with PKCE and a one-time state bound to this sign-in, and
//! the callback that checks everything it can before a token is requested or stored.

use salesforce::oauth::{AuthorizeOptions, Callback, OAuthClient, OAuthConfig};
use salesforce::{Error as SfError, LoginHost};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use url::Url;

use super::status::origin_key;
use super::store::{self, Grant};
use super::{ConnectionService, hash};
use crate::access::Actor;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::oauth_attempt;
use crate::error::{DomainError, DomainResult};
use crate::salesforce_settings::{Effective, EffectiveApp, SCOPES};
use crate::step_up::Authn;
use crate::vault::Aad;

/// A pending attempt lives this long (the person signs in and consents at Salesforce).
const ATTEMPT_TTL: Duration = Duration::minutes(10);

fn verifier_aad(id: i64) -> Aad {
    Aad::new("oauth_attempts", "code_verifier", id)
}

pub(super) fn held_aad(id: i64) -> Aad {
    Aad::new("oauth_attempts", "held_grant", id)
}

/// Where to send the browser to connect.
pub struct AuthorizeRedirect {
    pub url: Url,
}

/// What the return from Salesforce came to.
pub enum CallbackOutcome {
    Connected {
        reconnected: bool,
        username: String,
    },
    /// The grant belongs to another Salesforce user or organization than the connection had:
    /// nothing is replaced until the person confirms on the page for this attempt.
    Confirm {
        attempt_id: i64,
    },
    /// Salesforce sent an error back (Deny, a blocked app…): the advice says what to do.
    Refused(Refusal),
    /// The exchange or a check of its answer failed; nothing was stored. `entry` is the
    /// troubleshooting entry for the error, when there is one.
    Failed {
        message: String,
        entry: Option<&'static str>,
    },
}

/// A Salesforce error returned to the callback, with the values an admin compares.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    pub error: String,
    pub advice: String,
    pub callback_url: String,
    pub login_host: String,
    pub client_id_tail: String,
}

/// The guide's troubleshooting advice for each error Salesforce sends to the callback.
fn advice(error: &str) -> &'static str {
    match error {
        "access_denied" => {
            "You chose Deny on Salesforce's consent page, so nothing was connected. Connect again and choose Allow to let Sofie use Salesforce for you."
        }
        "OAUTH_APP_BLOCKED" | "OAUTH_AUTHORIZATION_BLOCKED" => {
            "Your Salesforce admin has blocked this app. Ask them to unblock it in Setup › Connected Apps OAuth Usage, then connect again."
        }
        "OAUTH_APP_ACCESS_DENIED" => {
            "This app is set to \"Admin approved users are pre-authorized\" and your Salesforce user is not approved. Ask your Salesforce admin to add your profile or a permission set to the app, then connect again."
        }
        "immediate_unsuccessful" => {
            "Salesforce needs you to sign in and approve the app first. Connect again and complete the sign-in page."
        }
        "invalid_scope" => {
            "The Salesforce app does not allow the scopes Sofie asks for (api, refresh_token, offline_access). Ask your admin to add them to the app's selected OAuth scopes."
        }
        "unsupported_response_type" | "invalid_request" => {
            "Salesforce refused the request's format; confirm the app has \"Require Proof Key for Code Exchange (PKCE)\" set as your admin intends, then connect again."
        }
        _ => {
            "Salesforce refused the connection. Check that the connected app is enabled for OAuth and that the Client ID and callback URL below match the app, then connect again."
        }
    }
}

impl ConnectionService {
    /// Starts a connect for `actor`: which app (the effective one, or `choice` among several
    /// group overrides), the callback URL of the public origin the request came from, and a
    /// pending attempt kept server-side.
    pub async fn start(
        &self,
        actor: &Actor,
        choice: Option<&str>,
        request_origin: Option<&str>,
    ) -> DomainResult<AuthorizeRedirect> {
        let app = self.chosen_app(actor, choice).await?;
        let login_host = LoginHost::parse(&app.login_host, &self.settings.host_policy)
            .map_err(|e| DomainError::internal("a stored login host no longer parses", e))?
            .host;
        let redirect_uri = self.redirect_uri_for(request_origin);
        let oauth = self.oauth(&login_host, &app.client_id, None, &redirect_uri)?;
        let request = oauth.authorize_url(&AuthorizeOptions {
            scopes: SCOPES.iter().map(|s| s.to_string()).collect(),
            ..AuthorizeOptions::default()
        });
        let now = OffsetDateTime::now_utc();
        let txn = self.db.begin().await?;
        // Expired attempts of this person go; several live ones (tabs) may stay.
        oauth_attempt::Entity::delete_many()
            .filter(oauth_attempt::Column::UserId.eq(actor.user.id))
            .filter(oauth_attempt::Column::ExpiresAt.lte(now))
            .exec(&txn)
            .await?;
        let row = oauth_attempt::ActiveModel {
            org_id: Set(actor.org.id),
            user_id: Set(actor.user.id),
            sign_in_hash: Set(hash(actor.authn.nonce.as_str())),
            state_hash: Set(hash(request.state.expose_secret())),
            code_verifier: Set(String::new()),
            app_origin: Set(origin_key(&app.origin)),
            client_id: Set(app.client_id.clone()),
            login_host: Set(login_host.as_str().to_string()),
            settings_id: Set(app.settings_id),
            settings_version: Set(app.settings_version),
            redirect_uri: Set(redirect_uri.to_string()),
            return_path: Set(format!("/o/{}/integrations", actor.org.slug)),
            created_at: Set(now),
            expires_at: Set(now + ATTEMPT_TTL),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let id = row.id;
        let mut row: oauth_attempt::ActiveModel = row.into();
        row.code_verifier = Set(self.vault.seal(&request.pkce_verifier, &verifier_aad(id)));
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(AuthorizeRedirect { url: request.url })
    }

    async fn chosen_app(&self, actor: &Actor, choice: Option<&str>) -> DomainResult<EffectiveApp> {
        match self.settings.effective_for(actor).await? {
            Effective::Unavailable(why) => Err(DomainError::Conflict(why)),
            Effective::Ready { app, .. } => Ok(app),
            Effective::Choose { apps, .. } => apps
                .into_iter()
                .find(|a| Some(origin_key(&a.origin).as_str()) == choice)
                .ok_or_else(|| {
                    DomainError::validation(
                        "app",
                        "Several of your groups use their own Salesforce app: choose one of the Connect buttons.",
                    )
                }),
        }
    }

    /// The callback URL of the configured public origin `origin` (matched exactly), else the
    /// canonical one. Never built from Host or X-Forwarded-Host.
    pub fn redirect_uri_for(&self, origin: Option<&str>) -> Url {
        origin
            .and_then(|o| {
                self.callback_urls
                    .iter()
                    .find(|url| url.origin().ascii_serialization() == o.trim_end_matches('/'))
            })
            .unwrap_or(&self.callback_urls[0])
            .clone()
    }

    pub(super) fn oauth(
        &self,
        login_host: &LoginHost,
        client_id: &str,
        client_secret: Option<SecretString>,
        redirect_uri: &Url,
    ) -> DomainResult<OAuthClient> {
        Ok(OAuthClient::new(
            self.http.clone(),
            OAuthConfig {
                login_host: login_host.clone(),
                client_id: client_id.to_string(),
                client_secret,
                redirect_uri: redirect_uri.clone(),
            },
        )?)
    }

    /// Finishes a connect from the callback's raw query, for the signed-in `user_id` whose
    /// sign-in is `authn`.
    /// Returns where to send the browser next (the attempt's page) and what happened.
    pub async fn callback(
        &self,
        user_id: i64,
        authn: &Authn,
        query: &str,
    ) -> DomainResult<(String, CallbackOutcome)> {
        let callback = Callback::parse(query)
            .map_err(|_| DomainError::BadCallback("The return from Salesforce was malformed."))?;
        let state = match &callback {
            Callback::Code { state, .. } => Some(state.as_str()),
            Callback::Refused { state, .. } => state.as_deref(),
        };
        let attempt = self.take_attempt(user_id, authn, state).await?;
        let back = attempt.return_path.clone();
        let outcome = match callback {
            Callback::Refused { error, .. } => {
                // Kept so "Check this app" can name what the authorize probe cannot see before
                // a sign-in (a blocked app, users not approved).
                audit::record(
                    &self.db,
                    AuditEvent::new(AuditAction::ConnectionRefused)
                        .org(attempt.org_id)
                        .actor(Some(attempt.user_id))
                        .target(format!("salesforce app {}", attempt.app_origin))
                        .details(serde_json::json!({
                            "error": error,
                            "app": attempt.app_origin,
                            "settings_id": attempt.settings_id,
                            "client_id": attempt.client_id,
                        })),
                )
                .await?;
                let chars: Vec<char> = attempt.client_id.chars().collect();
                let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
                CallbackOutcome::Refused(Refusal {
                    advice: advice(&error).to_string(),
                    error,
                    callback_url: attempt.redirect_uri.clone(),
                    login_host: attempt.login_host.clone(),
                    client_id_tail: tail,
                })
            }
            Callback::Code { code, .. } => match self.exchange(attempt, &code).await {
                Ok(outcome) => outcome,
                Err(DomainError::Salesforce(e)) => CallbackOutcome::Failed {
                    message: describe_exchange_error(&e),
                    entry: crate::troubleshooting::anchor_for(&DomainError::Salesforce(e)),
                },
                Err(DomainError::BadCallback(why)) => CallbackOutcome::Failed {
                    message: why.to_string(),
                    entry: None,
                },
                Err(other) => return Err(other),
            },
        };
        Ok((back, outcome))
    }

    /// The attempt `state` names, used up now: unknown, already used, expired, another person's
    /// or another sign-in's all give the same refusal, before anything is sent anywhere.
    async fn take_attempt(
        &self,
        user_id: i64,
        authn: &Authn,
        state: Option<&str>,
    ) -> DomainResult<oauth_attempt::Model> {
        let refused = DomainError::BadCallback(
            "This return from Salesforce does not belong to a Connect you started in this browser, or it expired or was already used.",
        );
        let Some(state) = state.filter(|s| !s.is_empty()) else {
            return Err(refused);
        };
        let now = OffsetDateTime::now_utc();
        let Some(attempt) = oauth_attempt::Entity::find()
            .filter(oauth_attempt::Column::StateHash.eq(hash(state)))
            .one(&self.db)
            .await?
        else {
            return Err(refused);
        };
        if attempt.user_id != user_id
            || attempt.sign_in_hash != hash(authn.nonce.as_str())
            || attempt.expires_at <= now
            || attempt.used_at.is_some()
        {
            return Err(refused);
        }
        // Used once, across processes: only one request flips it.
        let flipped = oauth_attempt::Entity::update_many()
            .col_expr(
                oauth_attempt::Column::UsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(oauth_attempt::Column::Id.eq(attempt.id))
            .filter(oauth_attempt::Column::UsedAt.is_null())
            .exec(&self.db)
            .await?
            .rows_affected;
        if flipped != 1 {
            return Err(refused);
        }
        Ok(attempt)
    }

    async fn exchange(
        &self,
        attempt: oauth_attempt::Model,
        code: &SecretString,
    ) -> DomainResult<CallbackOutcome> {
        let login_host = LoginHost::parse(&attempt.login_host, &self.settings.host_policy)
            .map_err(|e| DomainError::internal("a stored login host no longer parses", e))?
            .host;
        let redirect_uri = Url::parse(&attempt.redirect_uri)
            .map_err(|e| DomainError::internal("a stored redirect URI no longer parses", e))?;
        let secret = self
            .settings
            .client_secret(attempt.org_id, &attempt.app_origin, attempt.settings_id)
            .await?;
        let oauth = self.oauth(
            &login_host,
            &attempt.client_id,
            secret.clone(),
            &redirect_uri,
        )?;
        let verifier = self
            .vault
            .open(&attempt.code_verifier, &verifier_aad(attempt.id))
            .map_err(|e| DomainError::internal("a code verifier does not open", e))?;
        let tokens = oauth.exchange_code(code, &verifier).await?;
        let grant = Grant::read(self, &oauth, &login_host, tokens, secret.as_ref()).await?;
        store::attach(self, &attempt, grant).await
    }
}

/// Whether a token response's identity URL belongs to the login host the person was sent to.
pub(super) fn identity_matches_login_host(identity: &Url, login_host: &LoginHost) -> bool {
    let Ok(login) = Url::parse(login_host.as_str()) else {
        return false;
    };
    if identity.origin() == login.origin() {
        return true;
    }
    // A My Domain login may still answer with the identity URL on the shared login host.
    use salesforce::HostFamily::*;
    let shared = match login_host.family() {
        MyDomain | MyDomainDevelop | MyDomainTrailblaze => "login.salesforce.com",
        MyDomainSandbox | MyDomainScratch => "test.salesforce.com",
        _ => return false,
    };
    identity.scheme() == "https" && identity.host_str() == Some(shared)
}

/// The error Salesforce sent, as the page shows it.
pub fn describe_exchange_error(err: &SfError) -> String {
    match err {
        SfError::OAuth { error, .. } if error == "invalid_client" => {
            "Salesforce refused the app's Client Secret. An admin should re-enter the Consumer Secret on the Salesforce settings page, then connect again.".into()
        }
        SfError::OAuth { error, .. } if error == "redirect_uri_mismatch" => {
            "The callback URL does not match the one registered on the Salesforce app. An admin should compare them on the Salesforce settings page.".into()
        }
        other => format!("Salesforce did not complete the connection ({other}). Connect again."),
    }
}
