//! A connection's state and the causes that make a person reconnect, in words they can act on.

use crate::salesforce_settings::AppOrigin;

/// The guide's words for a connection without offline refresh.
pub const OFFLINE_REFRESH: &str = "Reconnect Salesforce to enable offline refresh";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    NeedsReconnect,
    Disconnected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NeedsReconnect => "needs_reconnect",
            Self::Disconnected => "disconnected",
        }
    }

    pub fn parse(raw: &str) -> Self {
        match raw {
            "active" => Self::Active,
            "needs_reconnect" => Self::NeedsReconnect,
            _ => Self::Disconnected,
        }
    }
}

/// Why a connection needs reconnecting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// `invalid_grant` / `expired access/refresh token`: Salesforce's answer is the same whether
    /// the grant was revoked or its refresh token expired under the app's policy.
    RevokedOrExpired,
    /// Sofie itself made five newer approvals of this app for this Salesforce user.
    PushedOut,
    UserInactive,
    OrgInactive,
    AppBlocked,
    /// An admin changed the client id or login host the connection was made with.
    SettingsChanged,
    /// The session ended and there is no refresh token to renew it.
    NoOfflineAccess,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RevokedOrExpired => "revoked_or_expired",
            Self::PushedOut => "pushed_out",
            Self::UserInactive => "user_inactive",
            Self::OrgInactive => "org_inactive",
            Self::AppBlocked => "app_blocked",
            Self::SettingsChanged => "settings_changed",
            Self::NoOfflineAccess => "no_offline_access",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::RevokedOrExpired,
            Self::PushedOut,
            Self::UserInactive,
            Self::OrgInactive,
            Self::AppBlocked,
            Self::SettingsChanged,
            Self::NoOfflineAccess,
        ]
        .into_iter()
        .find(|c| c.as_str() == raw)
    }

    /// What happened and what to do, for the person.
    pub fn explain(self) -> &'static str {
        match self {
            Self::RevokedOrExpired => {
                "Salesforce no longer accepts this connection: its access was revoked in Salesforce \
                 (by you or an admin, or by a password reset), its refresh token expired under the \
                 app's refresh token policy, or a newer approval of the same app pushed it out \
                 (Salesforce keeps five per user and app). Reconnect Salesforce to continue."
            }
            Self::PushedOut => {
                "Salesforce keeps at most five approvals per user and app, and a newer approval pushed \
                 this one out. Reconnect Salesforce here; connecting the same Salesforce user elsewhere \
                 will push out the oldest approval again."
            }
            Self::UserInactive => {
                "Your Salesforce user is deactivated or frozen. Ask your Salesforce administrator to \
                 reactivate it, then reconnect Salesforce."
            }
            Self::OrgInactive => {
                "Your Salesforce organization is locked, closed or suspended. Ask your Salesforce \
                 administrator, then reconnect Salesforce."
            }
            Self::AppBlocked => {
                "Sofie's app is blocked or uninstalled in your Salesforce organization. Ask your \
                 Salesforce administrator to allow it, then reconnect Salesforce."
            }
            Self::SettingsChanged => {
                "An admin changed the Salesforce app or login host your connection was made with. \
                 Reconnect Salesforce to use the new settings."
            }
            Self::NoOfflineAccess => OFFLINE_REFRESH,
        }
    }
}

/// How an app's origin is stored on attempts and connections: `organization`, `default`,
/// `group:{id}`.
pub fn origin_key(origin: &AppOrigin) -> String {
    match origin {
        AppOrigin::Organization => "organization".into(),
        AppOrigin::SofieDefault => "default".into(),
        AppOrigin::Group { id, .. } => format!("group:{id}"),
    }
}

/// The environment a login host names: production, sandbox, or a My Domain of either.
pub fn environment(family: salesforce::HostFamily, is_sandbox: Option<bool>) -> &'static str {
    use salesforce::HostFamily::*;
    let sandbox = is_sandbox.unwrap_or_else(|| family.is_sandbox());
    match (family, sandbox) {
        // The simulator's hosts stand in for the shared login hosts.
        (Production | Sandbox | DevAllowlisted, false) => "production",
        (Production | Sandbox | DevAllowlisted, true) => "sandbox",
        (_, true) => "sandbox (My Domain)",
        (_, false) => "production (My Domain)",
    }
}
