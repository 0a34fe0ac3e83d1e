//! Sofie against the Salesforce simulator: both on random ports, Sofie's default app pointing at
//! the simulator's, and the browser's trip through the simulator's sign-in page.

use reqwest::header::{ACCEPT, ORIGIN, REFERER};
use salesforce_sim::{RunningSim, SimConfig};
use serde_json::Value;
use url::Url;

use crate::helpers::*;
use domain::entities::connection;
use sea_orm::EntityTrait;

pub const ADMIN: (&str, &str) = ("admin@acme.sim", "admin-pass-1");
pub const STANDARD: (&str, &str) = ("standard@acme.sim", "standard-pass-1");
pub const MY_INTEGRATIONS: &str = "/o/acme/integrations";

pub struct SfWorld {
    pub w: World,
    pub sim: RunningSim,
}

/// Acme uses Sofie's default app, which is the simulator's seeded confidential app.
pub async fn sf_world() -> SfWorld {
    let database_url = fresh_database_url().await;
    sf_world_on(&database_url, &domain::vault::Vault::generate_key_ring()).await
}

pub fn sim_settings(
    database_url: &str,
    keys: &secrecy::SecretString,
    sim: &RunningSim,
) -> server::config::Settings {
    let mut config = settings(database_url, keys);
    server::demo::use_simulator(&mut config, &sim.urls);
    config.salesforce_auth_base_url = sim.urls.login_production.clone();
    config
}

pub async fn sf_world_on(database_url: &str, keys: &secrecy::SecretString) -> SfWorld {
    sf_world_with(database_url, keys, SimConfig::default(), |_| {}).await
}

/// A fresh world on a simulator with `config`, Sofie's settings changed by `adjust`.
pub async fn sf_world_adjusted(
    config: SimConfig,
    adjust: impl FnOnce(&mut server::config::Settings),
) -> SfWorld {
    let database_url = fresh_database_url().await;
    let keys = domain::vault::Vault::generate_key_ring();
    sf_world_with(&database_url, &keys, config, adjust).await
}

/// A world on a simulator with `config`, and Sofie's settings changed by `adjust`.
pub async fn sf_world_with(
    database_url: &str,
    keys: &secrecy::SecretString,
    config: SimConfig,
    adjust: impl FnOnce(&mut server::config::Settings),
) -> SfWorld {
    let sim = salesforce_sim::spawn(config).await.unwrap();
    let mut settings = sim_settings(database_url, keys, &sim);
    adjust(&mut settings);
    let app = spawn_with(&settings).await;
    register_callback(&sim, &app.address).await;
    let w = world_on(app).await;
    let world = SfWorld { w, sim };
    world.use_app("default", "").await;
    world
}

/// Adds `origin`'s callback URL to each of the simulator's seeded apps.
pub async fn register_callback(sim: &RunningSim, origin: &str) {
    let callback = format!("{origin}/api/integrations/callback/salesforce");
    for mut connected_app in SimConfig::default().connected_apps {
        connected_app.callback_urls.push(callback.clone());
        control(
            sim,
            reqwest::Method::POST,
            "/__sim/apps",
            Some(serde_json::to_value(connected_app).unwrap()),
        )
        .await;
    }
}

impl SfWorld {
    /// Points Acme's organization settings at `source` (`default`, or `organization` with
    /// `client_id`) on the simulator's production login host, as the operator would.
    pub async fn use_app(&self, source: &str, client_id: &str) {
        // The simulator's seeded apps have the secret `{client_id}-secret`.
        let secret = format!("{client_id}-secret");
        self.use_app_with_secret(source, client_id, &secret).await;
    }

    /// Like `use_app`, with `secret` as the organization app's Client Secret.
    pub async fn use_app_with_secret(&self, source: &str, client_id: &str, secret: &str) {
        let host = self.sim.urls.login_production.clone();
        self.use_app_on(source, client_id, secret, &host).await;
    }

    /// Like `use_app_with_secret`, on the login host `host`.
    pub async fn use_app_on(&self, source: &str, client_id: &str, secret: &str, host: &str) {
        use domain::salesforce_settings::{
            AppSource, AuthBaseUrl, ClientId, Scope, SecretChange, SettingsInput,
        };
        let host = (source == "organization").then(|| {
            AuthBaseUrl::parse(host, &self.w.app.settings.host_policy)
                .unwrap()
                .unwrap()
        });
        let secret = match source {
            "organization" => SecretChange::Replace(secret.to_owned().into()),
            _ => SecretChange::Keep,
        };
        let input = SettingsInput {
            enabled: true,
            app_source: AppSource::parse(source).unwrap(),
            client_id: ClientId::parse(client_id).unwrap(),
            secret,
            auth_base_url: host,
        };
        self.w
            .app
            .settings
            .save_as_operator(&self.w.acme, Scope::Org, &input)
            .await
            .unwrap();
    }
}

pub async fn control(
    sim: &RunningSim,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request =
        reqwest::Client::new().request(method, format!("{}{path}", sim.urls.login_production));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// How many calls the simulator answered on `route` (`GET /services/data/{version}/query`).
pub async fn calls_to(sim: &RunningSim, route: &str) -> u64 {
    let (_, calls) = control(sim, reqwest::Method::GET, "/__sim/calls", None).await;
    calls[route].as_u64().unwrap_or(0)
}

/// How many token-endpoint calls (code exchanges and refreshes) the simulator has answered.
pub async fn token_calls(sim: &RunningSim) -> u64 {
    let (_, calls) = control(sim, reqwest::Method::GET, "/__sim/calls", None).await;
    calls["POST /services/oauth2/token"].as_u64().unwrap_or(0)
}

pub async fn clear_calls(sim: &RunningSim) {
    control(sim, reqwest::Method::DELETE, "/__sim/calls", None).await;
}

/// Presses Connect (a plain form); returns Salesforce's authorize URL Sofie sent the browser to.
pub async fn press_connect(w: &World, client: &reqwest::Client, app: Option<&str>) -> Url {
    let mut form = vec![("org", "acme")];
    if let Some(app) = app {
        form.push(("app", app));
    }
    let response = w
        .app
        .post_form(client, "/api/salesforce/connect", MY_INTEGRATIONS, &form)
        .await;
    assert_eq!(response.status(), 303, "Connect answers 303");
    Url::parse(&location(&response)).expect("an absolute authorize URL")
}

/// Signs in on the simulator's page and allows (or denies); returns the callback URL.
pub async fn at_salesforce(authorize: &Url, user: (&str, &str), approve: bool) -> Url {
    let page = reqwest::get(authorize.clone()).await.unwrap();
    assert_eq!(page.status(), 200, "the sign-in page");
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.push(("username".into(), user.0.into()));
    form.push(("password".into(), user.1.into()));
    form.push(("approve".into(), approve.to_string()));
    let mut post_url = authorize.clone();
    post_url.set_query(None);
    let answer = browser().post(post_url).form(&form).send().await.unwrap();
    assert_eq!(answer.status(), 302, "back to Sofie");
    Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap()
}

/// The browser arriving at Sofie's callback.
pub async fn arrive(w: &World, client: &reqwest::Client, callback: &Url) -> reqwest::Response {
    let _ = w;
    client
        .get(callback.clone())
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
}

/// The whole connect: Connect, the simulator's page, the callback. Returns Sofie's answer.
pub async fn connect(w: &World, client: &reqwest::Client, user: (&str, &str)) -> reqwest::Response {
    let authorize = press_connect(w, client, None).await;
    let callback = at_salesforce(&authorize, user, true).await;
    arrive(w, client, &callback).await
}

/// Presses a plain button on My Integrations.
pub async fn press(w: &World, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client
        .post(w.app.url(path))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, &w.app.address)
        .header(REFERER, w.app.url(MY_INTEGRATIONS))
        .form(&[("org", "acme")])
        .send()
        .await
        .unwrap()
}

/// Answers the confirm page at `confirm` after a reconnect as another Salesforce user:
/// `keep` or `replace`.
pub async fn decide_identity(
    w: &World,
    client: &reqwest::Client,
    confirm: &str,
    choice: &str,
) -> reqwest::Response {
    let attempt = confirm.rsplit('/').next().unwrap();
    w.app
        .post_form(
            client,
            "/api/salesforce/identity-decide",
            confirm,
            &[("org", "acme"), ("attempt", attempt), ("choice", choice)],
        )
        .await
}

/// The one connection of the test, if any.
pub async fn the_connection(w: &World) -> Option<connection::Model> {
    connection::Entity::find().one(&w.app.db).await.unwrap()
}
