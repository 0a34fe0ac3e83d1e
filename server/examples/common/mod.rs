//! What the benchmarks share: `sofie serve` processes on free ports, the simulator's control
//! API, the services a server builds, one organization with one person on Sofie's default app,
//! and the browser's connect round trip.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use domain::names::{DisplayName, Email, NewPassword, OrgName};
use domain::roles::OrgRole;
use domain::salesforce_settings::{AppSource, Scope, SecretChange, SettingsInput};
use domain::vault::Vault;
use reqwest::header::{ACCEPT, ORIGIN};
use salesforce_sim::{SimConfig, SimUrls};
use secrecy::{ExposeSecret, SecretString};
use server::config::Settings;

pub const PASSWORD: &str = "a benchmark password";

pub struct Server {
    child: Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn settings(database_url: &str, keys: &SecretString, sim: &SimUrls, port: u16) -> Settings {
    Settings {
        database_url: SecretString::from(database_url.to_string()),
        public_origins: vec![],
        secret_keys: Some(keys.clone()),
        key_file: std::env::temp_dir().join("sofie-bench-unused-key-file"),
        site_addr: format!("127.0.0.1:{port}").parse().unwrap(),
        site_root: "target/site".into(),
        salesforce_client_id: Some(salesforce_sim::config::DEMO_CLIENT_ID.into()),
        salesforce_client_secret: Some(SecretString::from(
            salesforce_sim::config::DEMO_CLIENT_SECRET,
        )),
        salesforce_auth_base_url: sim.login_production.clone(),
        salesforce_dev_origins: sim.dev_origins(),
        trusted_proxies: vec![],
        salesforce_timeout_secs: 60,
        shutdown_grace_secs: 20,
        query_max_rows: 10_000,
        describe_max_age_secs: 300,
        describe_cache_mib: 64,
        tool_calls_per_minute: 120,
        metrics_token: None,
    }
}

pub async fn serve(sofie: &str, config: &Settings) -> Server {
    let mut child = Command::new(sofie)
        .arg("serve")
        .env("SOFIE_DATABASE_URL", config.database_url.expose_secret())
        .env(
            "SOFIE_SECRET_KEYS",
            config.secret_keys.as_ref().unwrap().expose_secret(),
        )
        .env("LEPTOS_SITE_ADDR", config.site_addr.to_string())
        .env(
            "SOFIE_SALESFORCE_CLIENT_ID",
            config.salesforce_client_id.as_ref().unwrap(),
        )
        .env(
            "SOFIE_SALESFORCE_CLIENT_SECRET",
            config
                .salesforce_client_secret
                .as_ref()
                .unwrap()
                .expose_secret(),
        )
        .env(
            "SOFIE_SALESFORCE_AUTH_BASE_URL",
            &config.salesforce_auth_base_url,
        )
        .env(
            "SOFIE_SALESFORCE_DEV_ORIGINS",
            config.salesforce_dev_origins.join(","),
        )
        .env("SOFIE_QUERY_MAX_ROWS", config.query_max_rows.to_string())
        .env(
            "SOFIE_SALESFORCE_TIMEOUT_SECS",
            config.salesforce_timeout_secs.to_string(),
        )
        .env(
            "SOFIE_DESCRIBE_MAX_AGE_SECS",
            config.describe_max_age_secs.to_string(),
        )
        .env(
            "SOFIE_TOOL_CALLS_PER_MINUTE",
            config.tool_calls_per_minute.to_string(),
        )
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sofie binary runs");
    let url = format!("http://{}", config.site_addr);
    for _ in 0..200 {
        if reqwest::get(format!("{url}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Server { child, url };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("sofie serve did not start");
}

pub async fn sim_control(
    sim: &SimUrls,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut request =
        reqwest::Client::new().request(method, format!("{}{path}", sim.login_production));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or_default()
}

/// The database, the vault and the Salesforce services of `config`, as a server builds them.
pub async fn services(
    config: &Settings,
) -> (
    sea_orm::DatabaseConnection,
    std::sync::Arc<Vault>,
    domain::salesforce_settings::SettingsService,
    domain::connections::ConnectionService,
) {
    let db = domain::db::connect(config.database_url.expose_secret())
        .await
        .unwrap();
    let vault =
        std::sync::Arc::new(Vault::from_key_ring(config.secret_keys.as_ref().unwrap()).unwrap());
    let origins = config.origins(config.site_addr).unwrap();
    let (settings, connections) = server::startup::salesforce_services(
        config,
        &origins,
        &db,
        &vault,
        &domain::metrics::Metrics::default(),
    )
    .unwrap();
    (db, vault, settings, connections)
}

/// The organization, one person, and Sofie's default app, as the operator would set them up.
pub async fn seed(config: &Settings) -> domain::entities::user::Model {
    let (db, _, settings, _) = services(config).await;
    let org = domain::accounts::create_org(&db, &OrgName::parse("Acme").unwrap())
        .await
        .unwrap();
    let org = domain::accounts::set_features(
        &db,
        &org,
        domain::accounts::FeatureChange {
            integrations: Some(true),
            salesforce: Some(true),
        },
    )
    .await
    .unwrap();
    let user = domain::accounts::create_user(
        &db,
        &domain::password::Passwords::new(),
        &Email::parse("mia@acme.example").unwrap(),
        &DisplayName::parse("Mia").unwrap(),
        &NewPassword::parse(SecretString::from(PASSWORD)).unwrap(),
    )
    .await
    .unwrap();
    domain::accounts::set_member(&db, &org, &user, OrgRole::Member)
        .await
        .unwrap();
    let input = SettingsInput {
        enabled: true,
        app_source: AppSource::Default,
        client_id: None,
        secret: SecretChange::Keep,
        auth_base_url: None,
    };
    settings
        .save_as_operator(&org, Scope::Org, &input)
        .await
        .unwrap();
    user
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn sign_in(client: &reqwest::Client, sofie: &str) {
    let answer = client
        .post(format!("{sofie}/api/auth/login"))
        .header(ORIGIN, sofie)
        .form(&[("email", "mia@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "sign-in");
}

/// Connect, the simulator's page, the callback: the round trip a person makes.
pub async fn connect(client: &reqwest::Client, sofie: &str) {
    let answer = client
        .post(format!("{sofie}/api/salesforce/connect"))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, sofie)
        .form(&[("org", "acme")])
        .send()
        .await
        .unwrap();
    let authorize = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    reqwest::get(authorize.clone()).await.unwrap();
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.extend([
        ("username".into(), "admin@acme.sim".into()),
        ("password".into(), "admin-pass-1".into()),
        ("approve".into(), "true".into()),
    ]);
    let mut post = authorize.clone();
    post.set_query(None);
    let back = browser().post(post).form(&form).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    let done = client
        .get(callback)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303, "connected");
}

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// Adds this server's callback URL to the simulator's app (keeping the ones added before).
pub async fn register_callback(sim: &SimUrls, port: u16) {
    let urls = {
        let mut registered = REGISTERED.lock().unwrap();
        registered.push(format!(
            "http://127.0.0.1:{port}/api/integrations/callback/salesforce"
        ));
        registered.clone()
    };
    let mut app = SimConfig::default()
        .connected_apps
        .into_iter()
        .find(|a| a.client_id == salesforce_sim::config::DEMO_CLIENT_ID)
        .unwrap();
    app.callback_urls.extend(urls);
    sim_control(
        sim,
        reqwest::Method::POST,
        "/__sim/apps",
        Some(serde_json::to_value(app).unwrap()),
    )
    .await;
}

pub static REGISTERED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Mia in Acme, as a signed-in request would make her.
pub async fn bench_actor(
    db: &sea_orm::DatabaseConnection,
    user: domain::entities::user::Model,
) -> domain::access::Actor {
    let authn = domain::step_up::Authn {
        nonce: domain::step_up::SignInNonce::generate(),
        step_up: None,
    };
    domain::access::actor_in(db, user, authn, "acme")
        .await
        .unwrap()
}

/// The connection's instance URL and current access token, opened with the vault: how the
/// benchmarks call the simulator straight, as Sofie's baseline.
pub async fn direct_token(
    db: &sea_orm::DatabaseConnection,
    vault: &Vault,
) -> (String, SecretString) {
    use sea_orm::EntityTrait;
    let row = domain::entities::connection::Entity::find()
        .one(db)
        .await
        .unwrap()
        .expect("mia connected");
    let token = vault
        .open(
            row.access_token.as_ref().unwrap(),
            &domain::vault::Aad::new("connections", "access_token", row.id),
        )
        .unwrap();
    (row.instance_url, token)
}

/// A client that calls the simulator straight with the connection's current access token: what
/// Sofie is measured against.
pub async fn direct_client(
    db: &sea_orm::DatabaseConnection,
    vault: &Vault,
    http: &salesforce::HttpClient,
) -> salesforce::rest::RestClient {
    let (instance, token) = direct_token(db, vault).await;
    let version = salesforce::rest::ApiVersion::parse("v62.0").unwrap();
    salesforce::rest::RestClient::new(http.clone(), &instance, token, version).unwrap()
}

/// "median A µs vs B µs (ratio A/B); p99 …": samples through Sofie against the same calls made
/// straight to the simulator.
pub fn ratios(through: &mut [Duration], straight: &mut [Duration]) -> String {
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let (m1, m2) = (percentile(through, 0.5), percentile(straight, 0.5));
    let (p1, p2) = (percentile(through, 0.99), percentile(straight, 0.99));
    format!(
        "median {:>7.0} µs vs {:>7.0} µs (ratio {:.2}); p99 {:>7.0} µs vs {:>7.0} µs (ratio {:.2})",
        micros(m1),
        micros(m2),
        m1.as_secs_f64() / m2.as_secs_f64(),
        micros(p1),
        micros(p2),
        p1.as_secs_f64() / p2.as_secs_f64()
    )
}
