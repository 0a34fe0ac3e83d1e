//! Server functions of personal access tokens: a person makes, lists and revokes their own on
//! My Integrations; an org admin lists and revokes the organization's on its Salesforce page.
//!
//! A new token is shown once. Between the form post and the page that shows it, it waits in the
//! session sealed by the vault (bound to its owner), and the page takes it out as it renders.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The token's first characters, so its owner can tell which one a scanner found.
    pub hint: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub last_used: Option<String>,
    /// "active", "expired" or "revoked".
    pub state: String,
    /// Whose it is, on the organization's list.
    pub owner: Option<String>,
}

/// The token just made, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FreshToken {
    pub name: String,
    pub secret: String,
    pub expires: String,
}

/// What a refused form held, to show it again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenDraft {
    pub name: String,
    pub scopes: Vec<String>,
    pub days: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyTokens {
    pub org: String,
    pub tokens: Vec<TokenRow>,
    pub fresh: Option<FreshToken>,
    pub draft: TokenDraft,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use domain::tokens::{TokenInfo, TokenState};
    use domain::vault::Aad;
    use time::OffsetDateTime;

    use super::*;
    use crate::api::connections::server::when;

    /// The fresh token in the session opens only for its owner.
    pub fn fresh_aad(user_id: i64) -> Aad {
        Aad::bound("session_fresh_token", &user_id.to_string())
    }

    pub fn row(token: TokenInfo, owner: Option<String>) -> TokenRow {
        let state = match token.state(OffsetDateTime::now_utc()) {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        };
        TokenRow {
            id: token.id,
            name: token.name,
            hint: format!("{}…", token.hint),
            scopes: token.scopes.join(" "),
            created: when(token.created_at),
            expires: when(token.expires_at),
            last_used: token.last_used_at.map(when),
            state: state.into(),
            owner,
        }
    }

    /// The organization's tokens, for its admins.
    pub async fn org_rows(
        me: &crate::api::ssr::SignedIn,
        actor: &domain::access::Actor,
    ) -> Result<Vec<TokenRow>, AppError> {
        Ok(domain::tokens::list_org(&me.services.db, actor)
            .await?
            .into_iter()
            .map(|t| row(t.token, Some(t.owner)))
            .collect())
    }
}

/// My Integrations' token section: the person's tokens, and the one just made.
#[server(endpoint = "tokens/mine")]
pub async fn get_my_tokens(org: String) -> Result<MyTokens, AppError> {
    use super::ssr::*;
    use secrecy::ExposeSecret;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let tokens = domain::tokens::list_mine(&me.services.db, &actor)
            .await?
            .into_iter()
            .map(|t| server::row(t, None))
            .collect();
        let fresh = match me.session.take_fresh_token().await? {
            Some(sealed) => {
                let secret = me
                    .services
                    .vault
                    .open(&sealed.secret, &server::fresh_aad(me.user.id))
                    .map_err(internal)?;
                Some(FreshToken {
                    name: sealed.name,
                    secret: secret.expose_secret().to_owned(),
                    expires: sealed.expires,
                })
            }
            None => None,
        };
        Ok(MyTokens {
            org: actor.org.slug.clone(),
            tokens,
            fresh,
            draft: me.session.take_token_draft().await?.unwrap_or_default(),
        })
    }
    .await;
    fail(result)
}

/// Makes a token and goes back to My Integrations, which shows it once.
#[server(endpoint = "tokens/create")]
pub async fn create_access_token(
    org: String,
    name: String,
    scopes: Option<Vec<String>>,
    days: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    use domain::tokens::NewToken;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let scopes = scopes.unwrap_or_default();
        let parsed = days
            .trim()
            .parse::<i64>()
            .map_err(|_| {
                domain::DomainError::validation("days", "Give the number of days, 1 to 90.")
            })
            .and_then(|d| NewToken::parse(&name, &scopes, d));
        let new = match parsed {
            Ok(new) => new,
            Err(err) => {
                me.session
                    .keep_token_draft(&TokenDraft { name, scopes, days })
                    .await?;
                return Err(err.into());
            }
        };
        let (info, secret) = domain::tokens::create(&me.services.db, &actor, new).await?;
        let sealed = me
            .services
            .vault
            .seal(&secret, &server::fresh_aad(me.user.id));
        me.session
            .keep_fresh_token(&super::session::SealedFreshToken {
                name: info.name,
                secret: sealed,
                expires: super::connections::server::when(info.expires_at),
            })
            .await?;
        see_other(&format!("/o/{}/integrations#tokens", actor.org.slug));
        Ok(())
    }
    .await;
    fail(result)
}

/// Revokes a token: the person's own (from My Integrations) or, for an org admin, any of the
/// organization's (from its Salesforce page, `from = "admin"`).
#[server(endpoint = "tokens/revoke")]
pub async fn revoke_access_token(
    org: String,
    token_id: i64,
    from: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let token = domain::tokens::revoke(&me.services.db, &actor, token_id).await?;
        me.session
            .set_notice(&format!(
                "Revoked the token “{}”: anything using it now gets 401 Unauthorized.",
                token.name
            ))
            .await?;
        let back = match from.as_deref() {
            Some("admin") => format!(
                "/o/{}/settings/integrations/salesforce#tokens",
                actor.org.slug
            ),
            _ => format!("/o/{}/integrations#tokens", actor.org.slug),
        };
        see_other(&back);
        Ok(())
    }
    .await;
    fail(result)
}
