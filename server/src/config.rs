//! Configuration from the environment (and `.env`), `SOFIE_` prefix, with embedded defaults that
//! run the app on a SQLite file under `./data/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use domain::salesforce_settings::DefaultApp;
use ipnet::IpNet;
use salesforce::{HostPolicy, LoginHost};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sofie.db?mode=rwc";

#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// Database URL: `sqlite://PATH?mode=rwc` (embedded default) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "SOFIE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true, global = true)]
    pub database_url: SecretString,

    /// Public origins people open Sofie at, comma-separated; the first is canonical. Each one
    /// gets its own Salesforce callback URL. Defaults to http://LEPTOS_SITE_ADDR.
    #[arg(
        long,
        env = "SOFIE_PUBLIC_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub public_origins: Vec<Url>,

    /// The vault's key ring, `1:BASE64KEY[,2:BASE64KEY…]` (32-byte keys; the highest version
    /// seals). Required with PostgreSQL; on SQLite a key file is generated when absent.
    #[arg(long, env = "SOFIE_SECRET_KEYS", hide_env_values = true, global = true)]
    pub secret_keys: Option<SecretString>,

    /// Where the embedded default keeps its generated key ring.
    #[arg(
        long,
        env = "SOFIE_KEY_FILE",
        default_value = "data/secret-keys",
        global = true
    )]
    pub key_file: PathBuf,

    /// Address to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: SocketAddr,

    /// Folder holding the built `pkg/` (wasm, JS, CSS).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    /// Sofie's default Salesforce app (organizations may choose it): its Client ID.
    #[arg(long, env = "SOFIE_SALESFORCE_CLIENT_ID", global = true)]
    pub salesforce_client_id: Option<String>,

    /// Sofie's default Salesforce app: its Client Secret, if it has one.
    #[arg(
        long,
        env = "SOFIE_SALESFORCE_CLIENT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub salesforce_client_secret: Option<SecretString>,

    /// Sofie's default Salesforce app: its login host.
    #[arg(
        long,
        env = "SOFIE_SALESFORCE_AUTH_BASE_URL",
        default_value = "https://login.salesforce.com",
        global = true
    )]
    pub salesforce_auth_base_url: String,

    /// Extra Salesforce origins allowed for development only, e.g. the simulator's
    /// `http://127.0.0.1:PORT`, comma-separated; `sandbox=http://…` (or `production=`,
    /// `mydomain=`) says which login host one stands in for. Never set this in production.
    #[arg(
        long,
        env = "SOFIE_SALESFORCE_DEV_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub salesforce_dev_origins: Vec<String>,

    /// Proxies in front of Sofie whose `X-Forwarded-For` is believed, as CIDRs (e.g.
    /// `10.0.0.0/8,::1/128`), comma-separated. Without it the TCP peer is the client address.
    #[arg(
        long,
        env = "SOFIE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_cidr,
        global = true
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// The bearer token `GET /metrics` wants (Prometheus text); without it `/metrics` is not
    /// served. At least 32 characters.
    #[arg(long, env = "SOFIE_METRICS_TOKEN", value_parser = metrics_token, hide_env_values = true, global = true)]
    pub metrics_token: Option<SecretString>,

    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C; then the process exits.
    #[arg(long, env = "SOFIE_SHUTDOWN_GRACE_SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=600), global = true)]
    pub shutdown_grace_secs: u64,

    /// Seconds one Salesforce call may take before it counts as an outage.
    #[arg(long, env = "SOFIE_SALESFORCE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub salesforce_timeout_secs: u64,

    /// The most rows one SOQL query may ask for; a larger LIMIT is lowered, a missing one added.
    #[arg(long, env = "SOFIE_QUERY_MAX_ROWS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=50_000), global = true)]
    pub query_max_rows: u64,

    /// Seconds a cached describe is used before Salesforce is asked whether it changed.
    #[arg(
        long,
        env = "SOFIE_DESCRIBE_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub describe_max_age_secs: u64,

    /// Memory bound of the describe cache, in MiB.
    #[arg(long, env = "SOFIE_DESCRIBE_CACHE_MIB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096), global = true)]
    pub describe_cache_mib: u64,

    /// Tool calls one personal access token may make per minute (the JSON API and MCP together);
    /// more answer 429 with Retry-After.
    #[arg(long, env = "SOFIE_TOOL_CALLS_PER_MINUTE", default_value_t = 120, value_parser = clap::value_parser!(i64).range(1..=100_000), global = true)]
    pub tool_calls_per_minute: i64,
}

/// A bearer token long enough that guessing it is hopeless.
fn metrics_token(raw: &str) -> Result<SecretString, String> {
    if raw.trim().len() < 32 {
        return Err("SOFIE_METRICS_TOKEN must be at least 32 characters".into());
    }
    Ok(SecretString::from(raw.trim().to_owned()))
}

/// A CIDR, or a bare address meaning just that address.
fn parse_cidr(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{raw:?} is not a CIDR such as 10.0.0.0/8 or an IP address"))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "SOFIE_PUBLIC_ORIGINS: {0} must be an origin like https://sofie.example.com (no path, query or fragment)"
    )]
    BadOrigin(Url),
    #[error(
        "SOFIE_PUBLIC_ORIGINS: {0} must use https (plain http is only for localhost and 127.0.0.1)"
    )]
    InsecureOrigin(Url),
    #[error("SOFIE_SECRET_KEYS is required when the database is not the embedded SQLite default")]
    MissingKeys,
    #[error("key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: {1}")]
    Salesforce(&'static str, salesforce::HostError),
    #[error(
        "SOFIE_SALESFORCE_DEV_ORIGINS is for development only and is refused while a public origin ({0}) uses https"
    )]
    DevOriginsInProduction(Url),
}

impl Settings {
    pub fn workspace(&self) -> domain::workspace::WorkspaceConfig {
        domain::workspace::WorkspaceConfig {
            max_query_rows: self.query_max_rows,
            describe_max_age: std::time::Duration::from_secs(self.describe_max_age_secs),
            describe_cache_bytes: (self.describe_cache_mib as usize) << 20,
        }
    }

    /// How long an approved write is owned by its process, from the Salesforce timeout.
    pub fn changes(&self) -> domain::changes::ChangesConfig {
        domain::changes::ChangesConfig::for_timeout(std::time::Duration::from_secs(
            self.salesforce_timeout_secs,
        ))
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
    }

    /// The public origins, checked; the first is canonical. Without any configured, the address
    /// the server is bound to (which may have been port 0) is the one origin.
    pub fn origins(&self, bound: SocketAddr) -> Result<Vec<Url>, ConfigError> {
        let origins = if self.public_origins.is_empty() {
            vec![Url::parse(&format!("http://{bound}")).expect("a socket address makes a URL")]
        } else {
            self.public_origins.clone()
        };
        for origin in &origins {
            if origin.path() != "/"
                || origin.query().is_some()
                || origin.fragment().is_some()
                || !origin.username().is_empty()
            {
                return Err(ConfigError::BadOrigin(origin.clone()));
            }
            let local = matches!(origin.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
            if origin.scheme() != "https" && !(origin.scheme() == "http" && local) {
                return Err(ConfigError::InsecureOrigin(origin.clone()));
            }
        }
        Ok(origins)
    }

    /// The key ring: from the environment, else (embedded default only) from the key file,
    /// generated on first run.
    pub fn key_ring(&self) -> Result<SecretString, ConfigError> {
        if let Some(keys) = &self.secret_keys {
            return Ok(keys.clone());
        }
        if !self.is_sqlite() {
            return Err(ConfigError::MissingKeys);
        }
        let path = &self.key_file;
        let io = |source| ConfigError::KeyFile {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(SecretString::from(text)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let ring = domain::vault::Vault::generate_key_ring();
                write_private(path, ring.expose_secret()).map_err(io)?;
                tracing::warn!(path = %path.display(), "generated a new secret key file; back it up with the database");
                Ok(ring)
            }
            Err(err) => Err(io(err)),
        }
    }

    /// The Salesforce hosts admins may enter: Salesforce's own, plus development origins, which
    /// are refused when Sofie is served over https (a production deployment): they would let
    /// Salesforce calls go over plain http.
    pub fn host_policy(&self, origins: &[Url]) -> Result<HostPolicy, ConfigError> {
        if !self.salesforce_dev_origins.is_empty()
            && let Some(https) = origins.iter().find(|o| o.scheme() == "https")
        {
            return Err(ConfigError::DevOriginsInProduction(https.clone()));
        }
        HostPolicy::with_dev_origins(&self.salesforce_dev_origins)
            .map_err(|e| ConfigError::Salesforce("SOFIE_SALESFORCE_DEV_ORIGINS", e))
    }

    /// Sofie's default Salesforce app, when the operator configured one.
    pub fn default_app(&self, policy: &HostPolicy) -> Result<Option<DefaultApp>, ConfigError> {
        let Some(client_id) = self
            .salesforce_client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
        else {
            return Ok(None);
        };
        let login_host = LoginHost::parse(&self.salesforce_auth_base_url, policy)
            .map_err(|e| ConfigError::Salesforce("SOFIE_SALESFORCE_AUTH_BASE_URL", e))?
            .host;
        Ok(Some(DefaultApp {
            client_id,
            client_secret: self.salesforce_client_secret.clone(),
            login_host,
        }))
    }

    /// Ensures the SQLite file's folder exists, as `mode=rwc` creates the file but not its folder.
    pub fn prepare_sqlite_dir(&self) -> std::io::Result<()> {
        let url = self.database_url.expose_secret();
        let Some(path) = url
            .strip_prefix("sqlite://")
            .map(|p| p.split('?').next().unwrap_or(p))
        else {
            return Ok(());
        };
        match std::path::Path::new(path).parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !path.starts_with(':') => {
                std::fs::create_dir_all(dir)
            }
            _ => Ok(()),
        }
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
