//! Authorization codes, approvals ("grants"), refresh tokens and access tokens.
//!
//! A grant is one approval of an app by a user: it owns at most one live refresh token and the
//! access tokens minted from it, so revoking a grant kills both, as Salesforce does.

use crate::clock::random_token;
use crate::config::{ConnectedApp, RefreshPolicy};
use crate::state::{Host, State};

/// Salesforce keeps at most this many approvals per user and app; a new one revokes the oldest.
pub const MAX_GRANTS_PER_USER_AND_APP: usize = 5;

pub struct AuthCode {
    pub client_id: String,
    pub user_id: String,
    pub org_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub challenge: Option<String>,
    /// Codes are bound to the login host that issued them.
    pub host: Host,
    pub expires_ms: i64,
}

pub struct Grant {
    pub id: u64,
    pub client_id: String,
    pub user_id: String,
    pub org_id: String,
    pub scopes: Vec<String>,
    /// Login host of the approval: the identity URL lives there.
    pub host: Host,
    pub refresh_token: Option<String>,
    /// Refresh tokens replaced by rotation; presenting one revokes the whole grant.
    pub retired: Vec<String>,
    pub refresh_expires_ms: Option<i64>,
    pub created_ms: i64,
    pub revoked: bool,
}

pub struct AccessToken {
    pub grant_id: u64,
    pub user_id: String,
    pub org_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub issued_ms: i64,
    pub expires_ms: i64,
    pub revoked: bool,
}

/// How a presented refresh token relates to the grants.
pub enum RefreshLookup {
    Current(usize),
    Retired(usize),
    Unknown,
}

pub fn wants_refresh_token(scopes: &[String]) -> bool {
    scopes
        .iter()
        .any(|s| s == "refresh_token" || s == "offline_access")
}

fn new_refresh_token() -> String {
    format!("5Aep861{}", random_token(80))
}

impl State {
    /// Records an approval; the sixth live one for the same user and app revokes the oldest.
    pub fn create_grant(&mut self, app: &ConnectedApp, code: &AuthCode, now: i64) -> u64 {
        let mut live: Vec<(i64, u64)> = self
            .grants
            .iter()
            .filter(|g| !g.revoked && g.client_id == app.client_id && g.user_id == code.user_id)
            .map(|g| (g.created_ms, g.id))
            .collect();
        live.sort();
        while live.len() >= MAX_GRANTS_PER_USER_AND_APP {
            let (_, oldest) = live.remove(0);
            self.revoke_grant(oldest);
        }
        let refresh_token = wants_refresh_token(&code.scopes).then(new_refresh_token);
        let refresh_expires_ms = match app.refresh_policy {
            RefreshPolicy::ValidUntilRevoked => None,
            RefreshPolicy::ImmediatelyExpire => Some(now),
            RefreshPolicy::ExpireAfter { seconds }
            | RefreshPolicy::ExpireIfNotUsedFor { seconds } => Some(now + seconds as i64 * 1000),
        };
        let id = self.next_grant;
        self.next_grant += 1;
        self.grants.push(Grant {
            id,
            client_id: app.client_id.clone(),
            user_id: code.user_id.clone(),
            org_id: code.org_id.clone(),
            scopes: code.scopes.clone(),
            host: code.host,
            refresh_token,
            retired: Vec::new(),
            refresh_expires_ms,
            created_ms: now,
            revoked: false,
        });
        id
    }

    pub fn grant(&self, id: u64) -> Option<&Grant> {
        self.grants.iter().find(|g| g.id == id)
    }

    /// Mints an access token for a grant: `<org id 15>!<secret>`, like Salesforce session ids.
    pub fn issue_access(&mut self, grant_id: u64, now: i64) -> Option<String> {
        let grant = self.grant(grant_id)?;
        let token = format!("{}!AQ{}", &grant.org_id[..15], random_token(96));
        let access = AccessToken {
            grant_id,
            user_id: grant.user_id.clone(),
            org_id: grant.org_id.clone(),
            client_id: grant.client_id.clone(),
            scopes: grant.scopes.clone(),
            issued_ms: now,
            expires_ms: now + self.access_ttl_ms,
            revoked: false,
        };
        self.access.insert(token.clone(), access);
        Some(token)
    }

    pub fn lookup_refresh(&self, token: &str) -> RefreshLookup {
        for (i, g) in self.grants.iter().enumerate() {
            if g.refresh_token.as_deref() == Some(token) {
                return RefreshLookup::Current(i);
            }
            if g.retired.iter().any(|t| t == token) {
                return RefreshLookup::Retired(i);
            }
        }
        RefreshLookup::Unknown
    }

    /// Replaces the grant's refresh token (rotation) and returns the new one.
    pub fn rotate_refresh(&mut self, index: usize) -> String {
        let fresh = new_refresh_token();
        let grant = &mut self.grants[index];
        if let Some(old) = grant.refresh_token.replace(fresh.clone()) {
            grant.retired.push(old);
        }
        fresh
    }

    /// Revokes an approval: its refresh token and every access token minted from it.
    pub fn revoke_grant(&mut self, id: u64) {
        if let Some(g) = self.grants.iter_mut().find(|g| g.id == id) {
            g.revoked = true;
        }
        for token in self.access.values_mut().filter(|t| t.grant_id == id) {
            token.revoked = true;
        }
    }

    /// A live access token, or `None` when unknown, revoked or expired.
    pub fn live_access(&self, token: &str, now: i64) -> Option<&AccessToken> {
        self.access
            .get(token)
            .filter(|t| !t.revoked && t.expires_ms > now)
    }

    /// Revokes every grant of a user (what "Revoke" in the user's OAuth settings does).
    pub fn revoke_user(&mut self, user_id: &str) -> usize {
        let ids: Vec<u64> = self
            .grants
            .iter()
            .filter(|g| g.user_id == user_id && !g.revoked)
            .map(|g| g.id)
            .collect();
        for id in &ids {
            self.revoke_grant(*id);
        }
        ids.len()
    }

    /// Makes every live access token expire now (refresh tokens stay valid).
    pub fn expire_access_tokens(&mut self, now: i64) -> usize {
        let mut n = 0;
        for t in self.access.values_mut().filter(|t| t.expires_ms > now) {
            t.expires_ms = now;
            n += 1;
        }
        n
    }
}
