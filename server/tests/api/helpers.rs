//! `spawn_app()`: a fresh database, the real `Application` on port 0, and a cookie-keeping HTTP
//! client that follows no redirects, so tests see every 303 and `Location`.

use std::sync::atomic::{AtomicU32, Ordering};

use domain::accounts::{self, FeatureChange};
use domain::entities::{group, organization, user};
use domain::names::{DisplayName, Email, GroupName, NewPassword, OrgName};
use domain::password::Passwords;
use domain::roles::{GroupRole, OrgRole};
use domain::vault::Vault;
use reqwest::header::{ACCEPT, ORIGIN, REFERER};
use reqwest::{Client, Response, redirect};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use server::config::Settings;
use server::startup::Application;

pub const PASSWORD: &str = "correct horse battery staple";

pub fn postgres_base() -> Option<String> {
    match std::env::var("SOFIE_TEST_DATABASE").as_deref() {
        Ok("postgres") => Some(
            std::env::var("SOFIE_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
        ),
        _ => None,
    }
}

/// A database nobody else uses: a new SQLite file, or a new PostgreSQL database.
pub async fn fresh_database_url() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "sofie_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand::random::<u32>()
    );
    match postgres_base() {
        Some(base) => {
            let admin = Database::connect(format!("{base}/test"))
                .await
                .expect("PostgreSQL at 127.0.0.1:5432 is running");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            format!("{base}/{name}")
        }
        None => {
            let dir = std::env::temp_dir().join("sofie-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.db")).display()
            )
        }
    }
}

pub fn settings(database_url: &str, keys: &SecretString) -> Settings {
    Settings {
        database_url: SecretString::from(database_url.to_string()),
        public_origins: vec![],
        secret_keys: Some(keys.clone()),
        key_file: std::env::temp_dir().join("sofie-tests/unused-key-file"),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: test_site_root(),
        salesforce_client_id: None,
        salesforce_client_secret: None,
        salesforce_auth_base_url: "https://login.salesforce.com".into(),
        salesforce_dev_origins: vec![],
        trusted_proxies: vec![],
        salesforce_timeout_secs: 60,
        shutdown_grace_secs: 20,
        query_max_rows: 10_000,
        // Every describe after the first is revalidated, so the tests see each 304.
        describe_max_age_secs: 0,
        describe_cache_mib: 64,
        tool_calls_per_minute: 120,
        metrics_token: None,
    }
}

/// The content-hashed name of the tests' stand-in site build.
pub const TEST_ASSET_NAME: &str = "sofie.0123456789abcdef";

/// A site folder laid out as `scripts/build-site.sh` leaves it (a content-hashed stylesheet with
/// brotli and gzip copies; the copies' bytes are markers, not real compression), so asset serving
/// is tested without a wasm build.
/// Written once per test process, before any app reads it.
fn test_site_root() -> String {
    static ROOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ROOT.get_or_init(write_test_site).clone()
}

fn write_test_site() -> String {
    let root = std::env::temp_dir().join(format!("sofie-tests/site-{}", std::process::id()));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    let css = root.join(format!("pkg/{TEST_ASSET_NAME}.css"));
    std::fs::write(&css, "body { color: black }").unwrap();
    std::fs::write(css.with_extension("css.br"), "brotli bytes").unwrap();
    std::fs::write(css.with_extension("css.gz"), "gzip bytes").unwrap();
    std::fs::write(root.join("asset-name"), format!("{TEST_ASSET_NAME}\n")).unwrap();
    root.display().to_string()
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub client: Client,
    pub settings: domain::salesforce_settings::SettingsService,
    pub changes: domain::changes::Changes,
    pub database_url: String,
    pub keys: SecretString,
    pub metrics: domain::metrics::Metrics,
}

pub async fn spawn_app() -> TestApp {
    let database_url = fresh_database_url().await;
    spawn_app_on(&database_url, &Vault::generate_key_ring()).await
}

pub async fn spawn_app_on(database_url: &str, keys: &SecretString) -> TestApp {
    spawn_with(&settings(database_url, keys)).await
}

/// Every log line of this test process, so tests can prove a secret never reaches the logs.
static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogBuffer;

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

pub async fn spawn_with(settings: &Settings) -> TestApp {
    static LOGGING: std::sync::Once = std::sync::Once::new();
    LOGGING.call_once(|| {
        let _ = tracing_subscriber::fmt()
            // The server's logs; the test's own HTTP client (cookie_store) logs cookies it receives.
            .with_env_filter("debug,cookie_store=off,reqwest=off")
            .with_writer(|| LogBuffer)
            .try_init();
    });
    let app = Application::build(settings).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db.clone();
    let salesforce_settings = app.settings.clone();
    let changes = app.changes.clone();
    let metrics = app.connections.metrics.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        client: browser(),
        settings: salesforce_settings,
        changes,
        database_url: secrecy::ExposeSecret::expose_secret(&settings.database_url).to_string(),
        keys: settings.secret_keys.clone().expect("tests pass a key ring"),
        metrics,
    }
}

/// A client that keeps cookies and follows no redirects, like a browser tab we inspect.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.get_with(&self.client, path).await
    }

    pub async fn get_with(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap()
    }

    /// A form post as a browser without JavaScript sends it, from the page at `from`.
    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        from: &str,
        form: &[(&str, &str)],
    ) -> Response {
        client
            .post(self.url(path))
            .header(ACCEPT, "text/html")
            .header(ORIGIN, &self.address)
            .header(REFERER, self.url(from))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn login_with(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_form(
            client,
            "/api/auth/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn login(&self, email: &str) -> Response {
        let response = self.login_with(&self.client, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in of {email} should succeed");
        response
    }

    pub async fn user(&self, email: &str, name: &str) -> user::Model {
        accounts::create_user(
            &self.db,
            &Passwords::new(),
            &Email::parse(email).unwrap(),
            &DisplayName::parse(name).unwrap(),
            &NewPassword::parse(SecretString::from(PASSWORD)).unwrap(),
        )
        .await
        .unwrap()
    }

    pub async fn org(&self, name: &str) -> organization::Model {
        let org = accounts::create_org(&self.db, &OrgName::parse(name).unwrap())
            .await
            .unwrap();
        accounts::set_features(
            &self.db,
            &org,
            FeatureChange {
                integrations: Some(true),
                salesforce: Some(true),
            },
        )
        .await
        .unwrap()
    }

    pub async fn member(&self, org: &organization::Model, user: &user::Model, role: OrgRole) {
        accounts::set_member(&self.db, org, user, role)
            .await
            .unwrap();
    }

    pub async fn group(&self, org: &organization::Model, name: &str) -> group::Model {
        accounts::create_group(&self.db, org, &GroupName::parse(name).unwrap())
            .await
            .unwrap()
    }

    pub async fn group_member(
        &self,
        org: &organization::Model,
        group: &group::Model,
        user: &user::Model,
        role: GroupRole,
    ) {
        accounts::set_group_member(&self.db, org, group, user, role)
            .await
            .unwrap();
    }
}

/// Two organizations: Acme (admin, group admin of Sales, member; groups Sales and Support) and
/// Globex (its own admin and group), for access and isolation tests.
pub struct World {
    pub app: TestApp,
    pub acme: organization::Model,
    pub sales: group::Model,
    pub support: group::Model,
    pub globex: organization::Model,
    pub globex_group: group::Model,
}

pub async fn world() -> World {
    world_on(spawn_app().await).await
}

/// The same two organizations, on an app the test configured itself.
pub async fn world_on(app: TestApp) -> World {
    let acme = app.org("Acme").await;
    let globex = app.org("Globex").await;
    let admin = app.user("admin@acme.example", "Ada Admin").await;
    let lead = app.user("lead@acme.example", "Gus Lead").await;
    let member = app.user("mia@acme.example", "Mia Member").await;
    let other = app.user("boss@globex.example", "Hank Globex").await;
    app.member(&acme, &admin, OrgRole::Admin).await;
    app.member(&acme, &lead, OrgRole::Member).await;
    app.member(&acme, &member, OrgRole::Member).await;
    app.member(&globex, &other, OrgRole::Owner).await;
    let sales = app.group(&acme, "Sales").await;
    let support = app.group(&acme, "Support").await;
    app.group_member(&acme, &sales, &lead, GroupRole::Admin)
        .await;
    app.group_member(&acme, &sales, &member, GroupRole::Member)
        .await;
    let globex_group = app.group(&globex, "Ops").await;
    World {
        app,
        acme,
        sales,
        support,
        globex,
        globex_group,
    }
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A fresh browser signed in as `email`.
pub async fn signed_in(world: &World, email: &str) -> reqwest::Client {
    let client = browser();
    assert_eq!(
        world
            .app
            .login_with(&client, email, PASSWORD)
            .await
            .status(),
        303
    );
    client
}

/// The HTML of `path` as `client` sees it; the page must answer 200.
pub async fn page(world: &World, client: &reqwest::Client, path: &str) -> String {
    let started = std::time::Instant::now();
    let response = world.app.get_with(client, path).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    if status != 200 {
        // What the server logged about this path, to tell a slow request from a failed one.
        let logs = captured_logs();
        let about: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains(path.split('?').next().unwrap_or(path)))
            .collect();
        panic!(
            "{path} answered {status} after {:?}\n{}\nserver log:\n{}",
            started.elapsed(),
            &body[..body.len().min(2000)],
            about[about.len().saturating_sub(10)..].join("\n")
        );
    }
    body
}

/// Rewrites a stored session, as the passing of time would: `edit` changes its JSON data and
/// may return a new expiry.
pub async fn edit_session(
    db: &DatabaseConnection,
    row: domain::entities::session::Model,
    edit: impl FnOnce(&mut serde_json::Value) -> Option<time::OffsetDateTime>,
) {
    let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    let expires_at = edit(&mut data);
    let mut active: domain::entities::session::ActiveModel = row.into();
    active.data = sea_orm::ActiveValue::Set(data.to_string());
    if let Some(at) = expires_at {
        active.expires_at = sea_orm::ActiveValue::Set(at);
    }
    sea_orm::ActiveModelTrait::update(active, db).await.unwrap();
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Re-enters the password of the person signed in on `client` (org Acme): a fresh step-up.
pub async fn step_up(world: &World, client: &reqwest::Client) -> Response {
    world
        .app
        .post_form(
            client,
            "/api/salesforce/step-up",
            "/o/acme/settings/integrations",
            &[("org", "acme"), ("password", PASSWORD)],
        )
        .await
}

/// Ages every step-up record past its five minutes, as the passing of time would.
pub async fn age_step_ups(db: &DatabaseConnection) {
    use sea_orm::EntityTrait;
    for row in domain::entities::session::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        edit_session(db, row, |data| {
            if let Some(record) = data.get_mut("step_up") {
                record["at"] = serde_json::json!(unix_now() - 6 * 60);
            }
            None
        })
        .await;
    }
}

/// A server-function call as the JavaScript client makes it: no `Accept: text/html`, so the
/// answer is the status and the JSON body.
pub async fn call(
    world: &World,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = client
        .post(world.app.url(path))
        .header(ORIGIN, &world.app.address)
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A `sofie serve` process on `database_url`, on a free port.
pub struct Server {
    child: std::process::Child,
    pub address: String,
}

impl Server {
    /// Sends SIGTERM, as a process manager stopping the service does.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// The environment the serving process runs with, as Linux shows it (`NAME=value` each).
    pub fn environment(&self) -> Vec<String> {
        std::fs::read(format!("/proc/{}/environ", self.child.id()))
            .unwrap()
            .split(|b| *b == 0)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// How the process exited, if it did within `limit`.
    pub async fn exit_within(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port for a server that must know its address before it binds. It comes from below Linux's
/// ephemeral range (32768 and up), where the `127.0.0.1:0` binds of the other tests running at
/// the same time never land, so none of them can take it between this check and the bind.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 500) as u16 * 20;
    loop {
        let port = base + NEXT.fetch_add(1, Ordering::Relaxed) % 2_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// `env`: more of the server's settings, e.g. the simulator's origins.
pub async fn serve(
    database_url: &str,
    keys: &secrecy::SecretString,
    env: &[(&str, String)],
) -> Server {
    serve_logging(database_url, keys, env, std::process::Stdio::null()).await
}

/// Like `serve`, its log (`RUST_LOG` from `env`, `error` otherwise) going to `log`.
pub async fn serve_logging(
    database_url: &str,
    keys: &secrecy::SecretString,
    env: &[(&str, String)],
    log: std::process::Stdio,
) -> Server {
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sofie"))
        .arg("serve")
        .env("SOFIE_DATABASE_URL", database_url)
        .env(
            "SOFIE_SECRET_KEYS",
            secrecy::ExposeSecret::expose_secret(keys),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(log)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let address = format!("http://127.0.0.1:{port}");
    for _ in 0..150 {
        if reqwest::get(format!("{address}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Server { child, address };
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("sofie serve did not start");
}
