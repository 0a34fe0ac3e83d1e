//! What the simulator serves: orgs, users, connected apps, and the knobs tests turn.
//!
//! `SimConfig::default()` is the built-in seed documented in the README; `--config FILE` loads the
//! same structure from JSON or TOML (every field is optional and falls back to the default).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ids;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Address every host listens on.
    pub bind: IpAddr,
    /// Serve HTTPS (with a certificate made at start, `RunningSim::certificate_pem`) instead of
    /// plain HTTP, for clients that only speak https.
    pub tls: bool,
    /// Ports; 0 picks a free one.
    pub ports: Ports,
    /// How many instance hosts (`na1`, `na2`, …) to run; orgs point at one by index.
    pub instance_count: usize,
    /// Lifetime of an access token (Salesforce: the session timeout, commonly 2 h).
    pub access_token_ttl_secs: u64,
    /// Lifetime of an authorization code (15 minutes is the commonly quoted value).
    pub auth_code_ttl_secs: u64,
    /// Default query page size (Salesforce: 2000); smaller values let tests page.
    pub query_batch_size: usize,
    /// The daily API request allocation per org (`Sforce-Limit-Info: api-usage=N/LIMIT`).
    pub daily_api_limit: u64,
    /// Seed `n` accounts per org (contacts, opportunities etc. are derived from them).
    pub seed_accounts: usize,
    pub orgs: Vec<OrgConfig>,
    pub users: Vec<UserConfig>,
    pub connected_apps: Vec<ConnectedApp>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ports {
    pub login_production: u16,
    pub login_sandbox: u16,
    pub login_mydomain: u16,
    /// One entry per instance host; missing entries mean 0.
    pub instances: Vec<u16>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    /// 18-character Organization id (`00D…`).
    pub id: String,
    pub name: String,
    /// Sandboxes sign in on the sandbox login host, production orgs on the production one.
    #[serde(default)]
    pub sandbox: bool,
    /// Index into the instance hosts.
    #[serde(default)]
    pub instance: usize,
    /// Whether this org owns the My Domain login host.
    #[serde(default)]
    pub my_domain: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    #[serde(rename = "System Administrator")]
    SystemAdministrator,
    #[serde(rename = "Standard User")]
    StandardUser,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub password: String,
    /// 18-character id of the user's org.
    pub org_id: String,
    /// 18-character User id (`005…`).
    pub user_id: String,
    pub profile: Profile,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// An admin froze the user: they cannot sign in, and refreshes answer `inactive_user`.
    #[serde(default)]
    pub frozen: bool,
    /// The user's profile grants "API Enabled". Without it sign-in works, but every REST call
    /// answers 403 `API_CURRENTLY_DISABLED`.
    #[serde(default = "yes")]
    pub api_enabled: bool,
}

/// Refresh Token Policy of a connected app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefreshPolicy {
    #[default]
    ValidUntilRevoked,
    ImmediatelyExpire,
    ExpireAfter {
        seconds: u64,
    },
    /// "Expire refresh token if not used for N": each refresh starts the idle clock again.
    ExpireIfNotUsedFor {
        seconds: u64,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    pub name: String,
    pub client_id: String,
    /// `None` = a public client (no secret is checked, PKCE is then the only proof).
    #[serde(default)]
    pub client_secret: Option<String>,
    pub callback_urls: Vec<String>,
    #[serde(default = "yes")]
    pub require_pkce: bool,
    /// Scopes the app may grant; asking for others gives `invalid_scope`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Admin blocked the app: authorize answers `OAUTH_APP_BLOCKED`.
    #[serde(default)]
    pub blocked: bool,
    /// "Admin approved users are pre-authorized" without an assignment: `OAUTH_APP_ACCESS_DENIED`.
    #[serde(default = "yes")]
    pub installed: bool,
    #[serde(default)]
    pub refresh_policy: RefreshPolicy,
    /// A new refresh token on every refresh; the old one dies, and re-using it revokes the grant.
    #[serde(default)]
    pub rotate_refresh_tokens: bool,
    /// "Require Secret for Web Server Flow": the code exchange must carry the secret. Off, PKCE
    /// alone proves the client (a secret sent anyway must still be right).
    #[serde(default = "yes")]
    pub require_secret_web_server: bool,
    /// "Require Secret for Refresh Token Flow", set independently of the web-server flow.
    #[serde(default = "yes")]
    pub require_secret_refresh: bool,
}

fn yes() -> bool {
    true
}

fn default_scopes() -> Vec<String> {
    [
        "api",
        "refresh_token",
        "offline_access",
        "id",
        "openid",
        "profile",
        "email",
        "web",
        "full",
    ]
    .map(String::from)
    .to_vec()
}

/// Password of both seeded administrators.
pub const DEMO_ADMIN_PASSWORD: &str = "admin-pass-1";
/// Password of the seeded standard user.
pub const DEMO_STANDARD_PASSWORD: &str = "standard-pass-1";
/// Client id and secret of the seeded confidential app.
pub const DEMO_CLIENT_ID: &str = "sofie-sim-client";
pub const DEMO_CLIENT_SECRET: &str = "sofie-sim-secret";

impl Default for SimConfig {
    fn default() -> Self {
        let acme = ids::make("00D", "5i", 1);
        let uat = ids::make("00D", "9S", 2);
        let user = |n, org: &str, name: &str, profile, password: &str, first: &str, last: &str| {
            UserConfig {
                username: name.into(),
                password: password.into(),
                org_id: org.into(),
                user_id: ids::make("005", if org == acme { "5i" } else { "9S" }, n),
                profile,
                first_name: first.into(),
                last_name: last.into(),
                email: format!("{}@example.com", first.to_lowercase()),
                active: true,
                frozen: false,
                api_enabled: true,
            }
        };
        let callbacks = vec![
            "http://localhost:3000/api/integrations/callback/salesforce".to_string(),
            "http://127.0.0.1:3000/api/integrations/callback/salesforce".to_string(),
        ];
        let app = |name: &str, client_id: &str| ConnectedApp {
            name: name.into(),
            client_id: client_id.into(),
            client_secret: Some(format!("{client_id}-secret")),
            callback_urls: callbacks.clone(),
            require_pkce: true,
            scopes: default_scopes(),
            blocked: false,
            installed: true,
            refresh_policy: RefreshPolicy::ValidUntilRevoked,
            rotate_refresh_tokens: false,
            require_secret_web_server: true,
            require_secret_refresh: true,
        };
        let sofie = ConnectedApp {
            client_secret: Some(DEMO_CLIENT_SECRET.into()),
            ..app("Sofie", DEMO_CLIENT_ID)
        };
        let public = ConnectedApp {
            client_secret: None,
            ..app("Sofie Public", "sofie-public-client")
        };
        let rotating = ConnectedApp {
            rotate_refresh_tokens: true,
            ..app("Sofie Rotating", "sofie-rotating-client")
        };
        let short = ConnectedApp {
            refresh_policy: RefreshPolicy::ExpireAfter { seconds: 60 },
            ..app("Sofie Short Refresh", "sofie-short-refresh-client")
        };
        let blocked = ConnectedApp {
            blocked: true,
            ..app("Blocked App", "blocked-client")
        };
        let not_installed = ConnectedApp {
            installed: false,
            ..app("Not Installed App", "not-installed-client")
        };
        SimConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            tls: false,
            ports: Ports::default(),
            instance_count: 2,
            access_token_ttl_secs: 7200,
            auth_code_ttl_secs: 900,
            query_batch_size: 2000,
            daily_api_limit: 15000,
            seed_accounts: 40,
            orgs: vec![
                OrgConfig {
                    id: acme.clone(),
                    name: "Acme".into(),
                    sandbox: false,
                    instance: 0,
                    my_domain: true,
                },
                OrgConfig {
                    id: uat.clone(),
                    name: "Acme UAT".into(),
                    sandbox: true,
                    instance: 1,
                    my_domain: false,
                },
            ],
            users: vec![
                user(
                    1,
                    &acme,
                    "admin@acme.sim",
                    crate::config::Profile::SystemAdministrator,
                    DEMO_ADMIN_PASSWORD,
                    "Ada",
                    "Admin",
                ),
                user(
                    2,
                    &acme,
                    "standard@acme.sim",
                    Profile::StandardUser,
                    DEMO_STANDARD_PASSWORD,
                    "Sam",
                    "Standard",
                ),
                user(
                    1,
                    &uat,
                    "admin@acme.sim.uat",
                    Profile::SystemAdministrator,
                    DEMO_ADMIN_PASSWORD,
                    "Uma",
                    "Sandbox",
                ),
            ],
            connected_apps: vec![sofie, public, rotating, short, blocked, not_installed],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid simulator config: {message}")]
    Parse { path: String, message: String },
    #[error("invalid simulator config: {0}")]
    Invalid(String),
}

impl SimConfig {
    /// Loads a config from a `.json` or `.toml` file (chosen by extension; JSON otherwise).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let parsed = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str::<SimConfig>(&text).map_err(|e| e.to_string())
        } else {
            serde_json::from_str::<SimConfig>(&text).map_err(|e| e.to_string())
        };
        let config = parsed.map_err(|message| ConfigError::Parse {
            path: shown,
            message,
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Rejects configs that would make the simulator lie (bad ids, dangling references).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.instance_count == 0 {
            return bad("instance_count must be at least 1".into());
        }
        for org in &self.orgs {
            if !valid_id(&org.id, "00D") {
                return bad(format!(
                    "org id {} is not an 18-character 00D id with a valid suffix",
                    org.id
                ));
            }
            if org.instance >= self.instance_count {
                return bad(format!(
                    "org {} points at instance {} of {}",
                    org.id, org.instance, self.instance_count
                ));
            }
        }
        for user in &self.users {
            if !valid_id(&user.user_id, "005") {
                return bad(format!(
                    "user id {} is not an 18-character 005 id with a valid suffix",
                    user.user_id
                ));
            }
            if !self.orgs.iter().any(|o| o.id == user.org_id) {
                return bad(format!(
                    "user {} belongs to unknown org {}",
                    user.username, user.org_id
                ));
            }
        }
        if self.query_batch_size == 0 {
            return bad("query_batch_size must be at least 1".into());
        }
        Ok(())
    }
}

fn valid_id(id: &str, prefix: &str) -> bool {
    id.len() == 18 && id.starts_with(prefix) && ids::canonical(id).as_deref() == Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips_through_json_and_toml() {
        let config = SimConfig::default();
        config.validate().expect("the built-in seed is valid");
        let dir =
            std::env::temp_dir().join(format!("salesforce-sim-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let json = dir.join("sim.json");
        std::fs::write(&json, serde_json::to_string(&config).unwrap()).unwrap();
        assert_eq!(
            SimConfig::from_file(&json).unwrap().users.len(),
            config.users.len()
        );
        let toml_file = dir.join("sim.toml");
        std::fs::write(&toml_file, "query_batch_size = 10\n[[connected_apps]]\nname = \"A\"\nclient_id = \"a\"\ncallback_urls = [\"http://127.0.0.1:1/cb\"]\n").unwrap();
        let loaded = SimConfig::from_file(&toml_file).unwrap();
        assert_eq!(loaded.query_batch_size, 10);
        assert_eq!(loaded.connected_apps.len(), 1);
        assert!(loaded.connected_apps[0].require_pkce && loaded.connected_apps[0].installed);
        assert_eq!(loaded.users.len(), 3, "unset fields keep the built-in seed");
        std::fs::write(
            &json,
            "{\"orgs\": [{\"id\": \"00D000000000001ZZZ\", \"name\": \"Bad\"}]}",
        )
        .unwrap();
        assert!(matches!(
            SimConfig::from_file(&json),
            Err(ConfigError::Invalid(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
