//! Driving `salesforce-sim` from the client's tests: start it, allowlist its origins, complete
//! the authorize page without a browser (its documented form POST), and use its control API.

use std::time::Duration;

use salesforce::oauth::{AuthorizeOptions, Callback, OAuthClient, OAuthConfig, TokenSet};
use salesforce::rest::{ApiVersion, RestClient};
use salesforce::{HostPolicy, HttpClient, HttpConfig, LoginHost};
use salesforce_sim::{RunningSim, SimConfig};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// Allowed by every seeded connected app.
pub const CALLBACK: &str = "http://127.0.0.1:3000/api/integrations/callback/salesforce";
pub const CLIENT_ID: &str = "sofie-sim-client";
pub const CLIENT_SECRET: &str = "sofie-sim-secret";
pub const ADMIN: (&str, &str) = ("admin@acme.sim", "admin-pass-1");
pub const STANDARD: (&str, &str) = ("standard@acme.sim", "standard-pass-1");
pub const SCOPES: &[&str] = &["api", "refresh_token", "id"];
pub const VERSION: ApiVersion = ApiVersion::new(62, 0);

pub struct Sim {
    pub sim: RunningSim,
    pub http: HttpClient,
    /// A plain client for the control API and the authorize form (not under test).
    pub raw: reqwest::Client,
}

impl Sim {
    pub async fn start() -> Sim {
        Sim::start_with(SimConfig::default(), Duration::from_secs(10)).await
    }

    pub async fn start_with(config: SimConfig, timeout: Duration) -> Sim {
        let sim = salesforce_sim::spawn(config)
            .await
            .expect("simulator starts");
        let u = &sim.urls;
        let mut origins = vec![
            u.login_production.clone(),
            u.login_sandbox.clone(),
            u.login_mydomain.clone(),
        ];
        origins.extend(u.instances.iter().cloned());
        let http = HttpClient::new(HttpConfig {
            timeout,
            policy: HostPolicy::with_dev_origins(&origins).unwrap(),
            ..HttpConfig::default()
        })
        .unwrap();
        let raw = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Sim { sim, http, raw }
    }

    pub fn login_host(&self, origin: &str) -> LoginHost {
        LoginHost::parse(origin, self.http.policy()).unwrap().host
    }

    pub fn oauth_for(&self, login: &str, client_id: &str, secret: Option<&str>) -> OAuthClient {
        OAuthClient::new(
            self.http.clone(),
            OAuthConfig {
                login_host: self.login_host(login),
                client_id: client_id.into(),
                client_secret: secret.map(SecretString::from),
                redirect_uri: url::Url::parse(CALLBACK).unwrap(),
            },
        )
        .unwrap()
    }

    /// The normal confidential app on the production login host.
    pub fn oauth(&self) -> OAuthClient {
        self.oauth_for(
            &self.sim.urls.login_production.clone(),
            CLIENT_ID,
            Some(CLIENT_SECRET),
        )
    }

    /// Fills in the authorize form as the user would (`approve` = Allow or Deny); returns what
    /// came back to the callback and the PKCE verifier.
    pub async fn authorize_as(
        &self,
        oauth: &OAuthClient,
        user: (&str, &str),
        scopes: &[&str],
        approve: bool,
    ) -> (Callback, SecretString) {
        let request = oauth.authorize_url(&AuthorizeOptions {
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            ..AuthorizeOptions::default()
        });
        let mut form: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        form.push(("username".into(), user.0.into()));
        form.push(("password".into(), user.1.into()));
        form.push(("approve".into(), approve.to_string()));
        let mut action = request.url.clone();
        action.set_query(None);
        let response = self.raw.post(action).form(&form).send().await.unwrap();
        assert_eq!(
            response.status().as_u16(),
            302,
            "authorize form: {:?}",
            response.text().await
        );
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(CALLBACK), "{location}");
        let back = url::Url::parse(&location).unwrap();
        let callback = Callback::parse(back.query().unwrap_or_default()).unwrap();
        let state = match &callback {
            Callback::Code { state, .. } => Some(state.as_str()),
            Callback::Refused { state, .. } => state.as_deref(),
        };
        assert_eq!(
            state,
            Some(request.state.expose_secret()),
            "state comes back unchanged"
        );
        (callback, request.pkce_verifier)
    }

    /// The user approves; returns the code and the verifier.
    pub async fn authorize(
        &self,
        oauth: &OAuthClient,
        user: (&str, &str),
        scopes: &[&str],
    ) -> (SecretString, SecretString) {
        match self.authorize_as(oauth, user, scopes, true).await {
            (Callback::Code { code, .. }, verifier) => (code, verifier),
            (other, _) => panic!("authorize refused: {other:?}"),
        }
    }

    /// Authorize + code exchange.
    pub async fn sign_in(
        &self,
        oauth: &OAuthClient,
        user: (&str, &str),
        scopes: &[&str],
    ) -> TokenSet {
        let (code, verifier) = self.authorize(oauth, user, scopes).await;
        oauth
            .exchange_code(&code, &verifier)
            .await
            .expect("code exchange")
    }

    pub fn rest(&self, tokens: &TokenSet) -> RestClient {
        RestClient::new(
            self.http.clone(),
            tokens.instance_url.as_str(),
            tokens.access_token.clone(),
            VERSION,
        )
        .unwrap()
    }

    /// Admin of the Acme org: tokens and a REST client.
    pub async fn admin(&self) -> (TokenSet, RestClient) {
        let tokens = self.sign_in(&self.oauth(), ADMIN, SCOPES).await;
        let rest = self.rest(&tokens);
        (tokens, rest)
    }

    /// `method /__sim/path` with a JSON body on the production login host.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/__sim/{path}", self.sim.urls.login_production);
        let response = self
            .raw
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "control {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Queues a fault for the next `count` calls under `path_prefix`.
    pub async fn fault(&self, count: u32, status: u16, body: Value, path_prefix: &str) {
        self.control(
            reqwest::Method::POST,
            "faults",
            serde_json::json!({"count": count, "status": status, "body": body, "path_prefix": path_prefix}),
        )
        .await;
    }

    /// How often `METHOD /route/pattern` was called.
    pub async fn calls(&self, key: &str) -> u64 {
        let calls = self
            .control(reqwest::Method::GET, "calls", Value::Null)
            .await;
        calls.get(key).and_then(Value::as_u64).unwrap_or(0)
    }
}
