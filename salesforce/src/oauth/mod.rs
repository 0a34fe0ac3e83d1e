//! The OAuth 2.0 web-server flow with PKCE against one login host (API-NOTES §2): authorize URL,
//! code exchange, refresh, revoke, identity URL and UserInfo.
//!
//! The oauth2 crate builds the authorize URL, the PKCE pair and the token requests; the requests
//! travel over our [`HttpClient`] (no redirects, timeouts, host policy), and answers are parsed
//! into Salesforce's own token shape.

mod callback;
mod identity;
pub mod preflight;
mod token;

pub use callback::Callback;
pub use identity::{Identity, UserInfo};
pub use token::TokenSet;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardRevocableToken, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::{Error, HttpClient, LoginHost};
use token::WireToken;

type Inner = oauth2::Client<
    BasicErrorResponse,
    WireToken,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// 32 random bytes (256 bits) for `state` and for the PKCE verifier (RFC 7636 §7.1).
const RANDOM_BYTES: u32 = 32;

/// One connected app on one login host.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    pub login_host: LoginHost,
    pub client_id: String,
    /// Needed when the app requires a secret for the web-server or refresh flow.
    pub client_secret: Option<SecretString>,
    /// Exactly as registered on the app: Salesforce compares it character for character.
    pub redirect_uri: Url,
}

/// `prompt` values (space-separated when several are given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    Login,
    Consent,
    SelectAccount,
}

impl Prompt {
    fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::SelectAccount => "select_account",
        }
    }
}

/// What to ask for on the authorize page.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeOptions {
    /// e.g. `["api", "refresh_token", "offline_access"]`; empty means "whatever the app has".
    pub scopes: Vec<String>,
    pub prompt: Vec<Prompt>,
    pub login_hint: Option<String>,
    pub nonce: Option<String>,
}

/// A started authorization: send the browser to `url`, keep `state` and `pkce_verifier`
/// server-side until the callback.
#[derive(Debug)]
pub struct AuthorizeRequest {
    pub url: Url,
    pub state: SecretString,
    pub pkce_verifier: SecretString,
}

#[derive(Debug, Clone)]
pub struct OAuthClient {
    http: HttpClient,
    config: OAuthConfig,
    inner: Inner,
}

impl OAuthClient {
    pub fn new(http: HttpClient, config: OAuthConfig) -> Result<Self, Error> {
        let endpoint = |path: &str| config.login_host.endpoint(path).to_string();
        let bad = |e: url::ParseError| Error::InvalidInput(format!("OAuth endpoint: {e}"));
        let mut inner = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_auth_uri(AuthUrl::new(endpoint("/services/oauth2/authorize")).map_err(bad)?)
            .set_token_uri(TokenUrl::new(endpoint("/services/oauth2/token")).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(config.redirect_uri.to_string()).map_err(bad)?)
            // Salesforce documents client_id/client_secret as form fields first (§2.1).
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &config.client_secret {
            inner = inner.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        Ok(OAuthClient {
            http,
            config,
            inner,
        })
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// Builds the authorize URL with a fresh 256-bit `state` and a PKCE S256 challenge.
    pub fn authorize_url(&self, options: &AuthorizeOptions) -> AuthorizeRequest {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(RANDOM_BYTES);
        let mut request = self
            .inner
            .authorize_url(|| CsrfToken::new_random_len(RANDOM_BYTES))
            .set_pkce_challenge(challenge)
            .add_scopes(options.scopes.iter().cloned().map(Scope::new));
        if !options.prompt.is_empty() {
            let prompt: Vec<&str> = options.prompt.iter().map(|p| p.as_str()).collect();
            request = request.add_extra_param("prompt", prompt.join(" "));
        }
        if let Some(hint) = &options.login_hint {
            request = request.add_extra_param("login_hint", hint.clone());
        }
        if let Some(nonce) = &options.nonce {
            request = request.add_extra_param("nonce", nonce.clone());
        }
        let (url, state) = request.url();
        AuthorizeRequest {
            url,
            state: SecretString::from(state.into_secret()),
            pkce_verifier: SecretString::from(verifier.into_secret()),
        }
    }

    /// Exchanges the callback's `code` (URL-decoded once, as [`Callback::parse`] gives it; the
    /// form encoder re-encodes it) for tokens.
    pub async fn exchange_code(
        &self,
        code: &SecretString,
        pkce_verifier: &SecretString,
    ) -> Result<TokenSet, Error> {
        let wire = self
            .inner
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pkce_verifier.expose_secret().to_owned(),
            ))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        TokenSet::from_wire(wire, self.http.policy(), None)
    }

    /// Refreshes the access token. Without rotation Salesforce sends no refresh token back, and
    /// the one passed in is kept in the result; with rotation the new one replaces it.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet, Error> {
        let token = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let wire = self
            .inner
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        TokenSet::from_wire(wire, self.http.policy(), Some(refresh_token))
    }

    /// Revokes a refresh token (and its access tokens) or one access token: `POST` with a form
    /// body, never `GET ?token=` (tokens in URLs leak).
    pub async fn revoke(&self, token: &SecretString) -> Result<(), Error> {
        let url = self.config.login_host.endpoint("/services/oauth2/revoke");
        let request = self
            .http
            .request(reqwest::Method::POST, url)?
            .form(&[("token", token.expose_secret())]);
        self.http.send(request).await?.check().map(drop)
    }

    /// Reads the identity URL from a token response (its host was checked at parse time and is
    /// checked again here, because callers may pass a stored URL).
    pub async fn identity(
        &self,
        identity_url: &Url,
        access_token: &SecretString,
    ) -> Result<Identity, Error> {
        let request = self
            .http
            .request(reqwest::Method::GET, identity_url.clone())?
            .bearer_auth(access_token.expose_secret())
            .header(reqwest::header::ACCEPT, "application/json");
        self.http.send(request).await?.check()?.json()
    }

    /// OIDC UserInfo on the login host.
    pub async fn userinfo(&self, access_token: &SecretString) -> Result<UserInfo, Error> {
        let url = self.config.login_host.endpoint("/services/oauth2/userinfo");
        let request = self
            .http
            .request(reqwest::Method::GET, url)?
            .bearer_auth(access_token.expose_secret())
            .header(reqwest::header::ACCEPT, "application/json");
        self.http.send(request).await?.check()?.json()
    }
}

/// Our transport already classified every non-200 answer; what is left is parsing.
fn token_error(e: RequestTokenError<Error, BasicErrorResponse>) -> Error {
    match e {
        RequestTokenError::Request(e) => e,
        RequestTokenError::ServerResponse(r) => Error::from_oauth(
            400,
            crate::error::OAuthErrorBody {
                error: r.error().as_ref().to_owned(),
                error_description: r.error_description().cloned(),
            },
        ),
        // The raw body may hold tokens: report only where parsing failed.
        RequestTokenError::Parse(e, _body) => {
            Error::Protocol(format!("token response not understood at {}", e.path()))
        }
        RequestTokenError::Other(s) => Error::Protocol(s),
    }
}

#[cfg(test)]
mod tests;
