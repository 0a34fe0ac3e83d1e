//! Figures for people's Salesforce connections, printed as ratios in one run (a benchmark, not a
//! test): the refresh storm (500 concurrent calls on an expired access token through two `sofie`
//! processes on PostgreSQL, and one process on SQLite), one connect round trip through the
//! simulator's pages, and the calling service's overhead per call against the same call sent
//! straight to the simulator.
//!
//! Usage: `bench_connections PATH/TO/sofie` (scripts/bench-connections.sh builds both).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::names::{DisplayName, Email, NewPassword, OrgName};
use domain::roles::OrgRole;
use domain::salesforce_settings::{AppSource, Scope, SecretChange, SettingsInput};
use domain::step_up::{Authn, SignInNonce};
use domain::vault::{Aad, Vault};
use reqwest::header::{ACCEPT, ORIGIN};
use salesforce::rest::{ApiVersion, RestClient};
use salesforce_sim::{SimConfig, SimUrls};
use sea_orm::{ConnectionTrait, Database, EntityTrait};
use secrecy::{ExposeSecret, SecretString};
use server::config::Settings;

const PASSWORD: &str = "a benchmark password";
const CALLS: usize = 500;
const SAMPLES: usize = 1000;

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn settings(database_url: &str, keys: &SecretString, sim: &SimUrls, port: u16) -> Settings {
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
        salesforce_dev_origins: sim.all_origins(),
        trusted_proxies: vec![],
    }
}

async fn serve(sofie: &str, config: &Settings) -> Server {
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

async fn sim_control(
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

async fn token_calls(sim: &SimUrls) -> u64 {
    sim_control(sim, reqwest::Method::GET, "/__sim/calls", None).await["POST /services/oauth2/token"]
        .as_u64()
        .unwrap_or(0)
}

/// The database, the vault and the Salesforce services of `config`, as a server builds them.
async fn services(
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
    let (settings, connections) =
        server::startup::salesforce_services(config, &origins, &db, &vault).unwrap();
    (db, vault, settings, connections)
}

/// The organization, one person, and Sofie's default app, as the operator would set them up.
async fn seed(config: &Settings) -> domain::entities::user::Model {
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

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sign_in(client: &reqwest::Client, sofie: &str) {
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
async fn connect(client: &reqwest::Client, sofie: &str) {
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

/// 500 concurrent "Check now" calls on an expired access token, spread over `servers`.
async fn storm(label: &str, sim: &SimUrls, client: &reqwest::Client, servers: &[&Server]) {
    sim_control(sim, reqwest::Method::POST, "/__sim/tokens/expire", None).await;
    sim_control(sim, reqwest::Method::DELETE, "/__sim/calls", None).await;
    let started = Instant::now();
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = client.clone();
            let url = servers[i % servers.len()].url.clone();
            tokio::spawn(async move {
                client
                    .post(format!("{url}/api/salesforce/check"))
                    .header(ORIGIN, &url)
                    .form(&[("org", "acme")])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        if matches!(call.await, Ok(Ok(200))) {
            ok += 1;
        }
    }
    let wall = started.elapsed();
    println!(
        "refresh storm, {label}: {CALLS} calls ({ok} answered 200) in {:.0} ms; refresh requests at Salesforce: {}",
        wall.as_secs_f64() * 1000.0,
        token_calls(sim).await
    );
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// The calling service (connection lookup, unsealing, bookkeeping) against the same call made
/// straight to the simulator with the same token.
async fn overhead(config: &Settings, user: domain::entities::user::Model) {
    let (db, vault, _, service) = services(config).await;
    let actor = domain::access::actor_in(
        &db,
        user,
        Authn {
            nonce: SignInNonce::generate(),
            step_up: None,
        },
        "acme",
    )
    .await
    .unwrap();
    service.check(&actor).await.unwrap();
    let row = domain::entities::connection::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let token = vault
        .open(
            row.access_token.as_ref().unwrap(),
            &Aad::new("connections", "access_token", row.id),
        )
        .unwrap();
    let direct = RestClient::new(
        service.http.clone(),
        &row.instance_url,
        token,
        ApiVersion::parse("v62.0").unwrap(),
    )
    .unwrap();
    let mut through = Vec::with_capacity(SAMPLES);
    let mut straight = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        direct.limits().await.unwrap();
        straight.push(t.elapsed());
        let t = Instant::now();
        service
            .call(&actor, |rest| async move { rest.limits().await })
            .await
            .unwrap();
        through.push(t.elapsed());
    }
    let (m1, m2) = (
        percentile(&mut through, 0.5),
        percentile(&mut straight, 0.5),
    );
    let (p1, p2) = (
        percentile(&mut through, 0.99),
        percentile(&mut straight, 0.99),
    );
    println!(
        "calling service vs direct simulator call ({SAMPLES} calls each): median {:.0} µs vs {:.0} µs (ratio {:.2}); p99 {:.0} µs vs {:.0} µs (ratio {:.2})",
        m1.as_secs_f64() * 1e6,
        m2.as_secs_f64() * 1e6,
        m1.as_secs_f64() / m2.as_secs_f64(),
        p1.as_secs_f64() * 1e6,
        p2.as_secs_f64() * 1e6,
        p1.as_secs_f64() / p2.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let sofie = std::env::args()
        .nth(1)
        .expect("usage: bench_connections PATH/TO/sofie");
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let keys = Vault::generate_key_ring();

    // PostgreSQL, two processes.
    let name = format!("sofie_bench_{}", std::process::id());
    let admin = Database::connect("postgres://postgres@127.0.0.1:5432/test")
        .await
        .expect("PostgreSQL at 127.0.0.1:5432");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let pg = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let (port_a, port_b) = (free_port(), free_port());
    let (config_a, config_b) = (
        settings(&pg, &keys, &sim.urls, port_a),
        settings(&pg, &keys, &sim.urls, port_b),
    );
    for port in [port_a, port_b] {
        register_callback(&sim.urls, port).await;
    }
    let a = serve(&sofie, &config_a).await;
    let b = serve(&sofie, &config_b).await;
    let user = seed(&config_a).await;
    let client = browser();
    sign_in(&client, &a.url).await;
    let started = Instant::now();
    const ROUND_TRIPS: u32 = 20;
    for _ in 0..ROUND_TRIPS {
        connect(&client, &a.url).await;
    }
    println!(
        "connect round trip through the simulator (Connect, sign-in page, consent, callback): {:.1} ms on average over {ROUND_TRIPS}",
        started.elapsed().as_secs_f64() * 1000.0 / f64::from(ROUND_TRIPS)
    );
    storm("two processes on PostgreSQL", &sim.urls, &client, &[&a, &b]).await;
    overhead(&config_a, user).await;
    drop((a, b));
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();

    // SQLite, one process.
    let file = std::env::temp_dir().join(format!("sofie-bench-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let config = settings(&sqlite, &keys, &sim.urls, port);
    let one = serve(&sofie, &config).await;
    seed(&config).await;
    let client = browser();
    sign_in(&client, &one.url).await;
    connect(&client, &one.url).await;
    storm("one process on SQLite", &sim.urls, &client, &[&one]).await;
    drop(one);
    let _ = std::fs::remove_file(file);
}

/// Adds this server's callback URL to the simulator's app (keeping the ones added before).
async fn register_callback(sim: &SimUrls, port: u16) {
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

static REGISTERED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
