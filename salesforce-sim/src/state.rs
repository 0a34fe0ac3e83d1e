//! The simulator's mutable world: apps, users, orgs (with their data), grants and tokens.
//!
//! One `Mutex` guards it all: requests are tiny and never hold the lock across an `.await`,
//! so a single lock keeps every multi-step rule (rotation, the 5-approval limit) atomic.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use axum::body::Bytes;

use crate::SimUrls;
use crate::access::Permissions;
use crate::config::{ConnectedApp, OrgConfig, Profile, SimConfig, UserConfig};
use crate::control::Fault;
use crate::oauth::tokens::{AccessToken, AuthCode, Grant};
use crate::rest::query::Cursor;
use crate::revisions::Revisions;
use crate::schema::Schema;
use crate::seed;
use crate::sharing::{Sharing, Viewer};
use crate::store::Store;

/// Which host a request arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    Production,
    Sandbox,
    MyDomain,
    Instance(usize),
}

pub struct Org {
    pub config: OrgConfig,
    /// Instance currently hosting the org (the control API can move it).
    pub instance: usize,
    pub api_used: u64,
    pub api_limit: u64,
    pub store: Store,
    pub sharing: Sharing,
}

pub struct State {
    pub access_ttl_ms: i64,
    pub code_ttl_ms: i64,
    pub batch_size: usize,
    pub apps: Vec<ConnectedApp>,
    /// App changes Salesforce has not propagated yet: each applies from its time (ms) on.
    pub propagating: Vec<(i64, ConnectedApp)>,
    pub users: Vec<UserConfig>,
    pub orgs: Vec<Org>,
    pub codes: HashMap<String, AuthCode>,
    pub grants: Vec<Grant>,
    pub access: HashMap<String, AccessToken>,
    pub faults: VecDeque<Fault>,
    pub calls: BTreeMap<String, u64>,
    pub cursors: HashMap<String, Cursor>,
    pub next_grant: u64,
    pub permissions: Permissions,
    pub revisions: Revisions,
    /// Rendered describes; emptied whenever a profile's permissions change.
    pub describe_cache: HashMap<DescribeKey, Bytes>,
}

impl State {
    fn new(config: &SimConfig, schema: &Schema) -> Self {
        let orgs = config
            .orgs
            .iter()
            .enumerate()
            .map(|(n, org)| Org {
                config: org.clone(),
                instance: org.instance,
                api_used: 0,
                api_limit: config.daily_api_limit,
                store: seed::seed(schema, org, &config.users, config.seed_accounts, n as u64),
                sharing: Sharing::seed(schema),
            })
            .collect();
        State {
            access_ttl_ms: config.access_token_ttl_secs as i64 * 1000,
            code_ttl_ms: config.auth_code_ttl_secs as i64 * 1000,
            batch_size: config.query_batch_size,
            apps: config.connected_apps.clone(),
            propagating: Vec::new(),
            users: config.users.clone(),
            orgs,
            codes: HashMap::new(),
            grants: Vec::new(),
            access: HashMap::new(),
            faults: VecDeque::new(),
            calls: BTreeMap::new(),
            cursors: HashMap::new(),
            next_grant: 1,
            permissions: Permissions::seed(schema),
            revisions: Revisions::new(),
            describe_cache: HashMap::new(),
        }
    }

    /// The app as Salesforce answers for it now: the newest change that has propagated.
    pub fn app(&self, client_id: &str) -> Option<&ConnectedApp> {
        let now = crate::clock::now_ms();
        self.propagating
            .iter()
            .rev()
            .find(|(from, a)| a.client_id == client_id && *from <= now)
            .map(|(_, a)| a)
            .or_else(|| self.apps.iter().find(|a| a.client_id == client_id))
    }

    pub fn user(&self, user_id: &str) -> Option<&UserConfig> {
        self.users.iter().find(|u| u.user_id == user_id)
    }

    pub fn org(&self, org_id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.config.id == org_id)
    }

    pub fn org_mut(&mut self, org_id: &str) -> Option<&mut Org> {
        self.orgs.iter_mut().find(|o| o.config.id == org_id)
    }

    /// The records of the caller's org, and the caller as permissions and sharing see them.
    pub fn viewer<'a>(
        &'a self,
        org_id: &str,
        user_id: &'a str,
        profile: Profile,
    ) -> Option<(&'a Store, Viewer<'a>)> {
        let org = self.org(org_id)?;
        let viewer = Viewer::new(user_id, profile, &self.permissions, &org.sharing);
        Some((&org.store, viewer))
    }

    /// As `viewer`, with the records writable.
    pub fn caller<'a>(
        &'a mut self,
        org_id: &str,
        user_id: &'a str,
        profile: Profile,
    ) -> Option<(&'a mut Store, Viewer<'a>)> {
        let State {
            orgs, permissions, ..
        } = self;
        let Org { store, sharing, .. } = orgs.iter_mut().find(|o| o.config.id == org_id)?;
        Some((store, Viewer::new(user_id, profile, permissions, sharing)))
    }
}

/// A describe answer depends on the object, the caller's profile, the API version and the host.
pub type DescribeKey = (&'static str, Profile, String, Host);

/// Everything a handler needs: the fixed URLs and schema, and the locked state.
pub struct Sim {
    pub urls: SimUrls,
    pub schema: Schema,
    config: SimConfig,
    state: Mutex<State>,
}

impl Sim {
    pub fn new(config: SimConfig, urls: SimUrls) -> Self {
        let schema = Schema::standard();
        let state = Mutex::new(State::new(&config, &schema));
        Sim {
            urls,
            schema,
            config,
            state,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking handler must not wedge every later test request.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Back to the configured seed: data, tokens, counters, faults, run-time registrations,
    /// permissions, sharing settings and describe dates.
    pub fn reset(&self) {
        *self.lock() = State::new(&self.config, &self.schema);
    }

    /// Base URL of a host.
    pub fn url(&self, host: Host) -> &str {
        match host {
            Host::Production => &self.urls.login_production,
            Host::Sandbox => &self.urls.login_sandbox,
            Host::MyDomain => &self.urls.login_mydomain,
            Host::Instance(n) => &self.urls.instances[n],
        }
    }

    /// Whether users of `org` may sign in on `host`: production orgs on the production host,
    /// sandboxes on the sandbox host, the My Domain org on its host, and an instance host serves
    /// the orgs it hosts (an instance URL is the org's My Domain).
    pub fn login_allowed(&self, host: Host, org: &Org) -> bool {
        match host {
            Host::Production => !org.config.sandbox,
            Host::Sandbox => org.config.sandbox,
            Host::MyDomain => org.config.my_domain,
            Host::Instance(n) => org.instance == n,
        }
    }
}
