//! Troubleshooting: every error this product can meet with Salesforce, with its cause and fix in
//! the guide's words, and the values a person compares when connecting fails (the callback URL
//! for the address they opened, the scopes granted against those needed, the login host of their
//! connection against the one that applies now).

use crate::access::Actor;
use crate::connections::ConnectionService;
use crate::error::DomainResult;
use crate::salesforce_settings::{Effective, SCOPES, SettingsService};

/// One error: its anchor on the page, what the person sees, why it happens and what to do.
pub struct Entry {
    pub id: &'static str,
    pub shown: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
}

pub struct Section {
    pub title: &'static str,
    pub entries: &'static [Entry],
}

const RIGHTS: &str = "Confirm the connected Salesforce user can see the record directly in Salesforce. Sofie follows the connected account's object permissions, field-level security, sharing rules, and API access.";

pub const CATALOG: &[Section] = &[
    Section {
        title: "Connecting (Salesforce's answer on the way back)",
        entries: &[
            Entry {
                id: "access_denied",
                shown: "access_denied",
                cause: "You chose Deny on Salesforce's consent page, or your Salesforce admin does not let you approve this app.",
                fix: "Connect again and choose Allow; if Salesforce does not offer it, ask your Salesforce admin whether the app policy allows users to authorize the app.",
            },
            Entry {
                id: "redirect_uri_mismatch",
                shown: "redirect_uri_mismatch (or Salesforce shows its own error page and never comes back)",
                cause: "The callback URL Sofie sent is not in the Salesforce app's list. The scheme, host, and path must match.",
                fix: "Compare the Salesforce callback URL with the Sofie domain you opened in the browser (see Your values below), and add separate callback URLs for staging, production, and any custom Sofie domains.",
            },
            Entry {
                id: "invalid_client_id",
                shown: "invalid_client_id",
                cause: "The Client ID (Consumer Key) is not known to this login host: a typo, another org's app, or an app that has not propagated yet.",
                fix: "Ask an admin to check the Client ID and the Auth Base URL. Salesforce app changes can take several minutes to propagate.",
            },
            Entry {
                id: "OAUTH_APP_BLOCKED",
                shown: "OAUTH_APP_BLOCKED / app_blocked",
                cause: "A Salesforce admin blocked the connected app.",
                fix: "Ask your Salesforce admin to unblock the app under Connected Apps OAuth Usage.",
            },
            Entry {
                id: "OAUTH_APP_ACCESS_DENIED",
                shown: "OAUTH_APP_ACCESS_DENIED",
                cause: "The app is set to admin-approved users only, and your profile or permission set is not pre-authorized.",
                fix: "Ask your Salesforce admin to add your profile or a permission set to the app's policies.",
            },
            Entry {
                id: "invalid_scope",
                shown: "invalid_scope",
                cause: "The app does not allow a scope Sofie asks for (api, refresh_token, offline_access).",
                fix: "Ask an admin to add the api and refresh scopes to the Salesforce app, then connect again.",
            },
            Entry {
                id: "state_mismatch",
                shown: "“This sign-in attempt is not one Sofie started” / expired attempt",
                cause: "The return from Salesforce did not match a connect attempt of yours: it expired (15 minutes), was already used, or came to another browser.",
                fix: "Start again from My Integrations in the same browser.",
            },
        ],
    },
    Section {
        title: "Tokens (exchanging the code, refreshing)",
        entries: &[
            Entry {
                id: "invalid_grant",
                shown: "invalid_grant (expired access/refresh token, authentication failure)",
                cause: "The grant was revoked in Salesforce, expired by the app's refresh-token policy, or the code was used twice.",
                fix: "Reconnect Salesforce on My Integrations. If it keeps expiring, ask your Salesforce admin about the app's refresh token policy.",
            },
            Entry {
                id: "offline_access",
                shown: "“Reconnect Salesforce to enable offline refresh”",
                cause: "The connection is missing refresh_token or offline_access.",
                fix: "Confirm the Salesforce app includes the refresh scope, then ask users to reconnect.",
            },
            Entry {
                id: "invalid_client",
                shown: "invalid_client",
                cause: "The Client Secret (Consumer Secret) is wrong for this app.",
                fix: "Ask an admin to paste the app's Consumer Secret again.",
            },
            Entry {
                id: "inactive_user",
                shown: "inactive_user / inactive_org",
                cause: "Your Salesforce user is deactivated or frozen, or the Salesforce org is locked.",
                fix: "Ask your Salesforce admin to reactivate the user or the org, then reconnect.",
            },
            Entry {
                id: "settings_changed",
                shown: "“An admin changed the Salesforce app or login host…”",
                cause: "An admin changed the app, its credentials or the Auth Base URL after you connected.",
                fix: "Reconnect Salesforce so your connection uses the new settings.",
            },
            Entry {
                id: "wrong_org",
                shown: "A sandbox where you expected production (or the reverse)",
                cause: "The Auth Base URL points to another Salesforce org.",
                fix: "Check Auth Base URL. Use https://test.salesforce.com or your sandbox My Domain for sandbox testing.",
            },
        ],
    },
    Section {
        title: "Working with records (Salesforce's REST error codes)",
        entries: &[
            Entry {
                id: "INVALID_SESSION_ID",
                shown: "INVALID_SESSION_ID",
                cause: "The access token expired or was revoked.",
                fix: "Sofie refreshes once by itself; if that fails too, reconnect Salesforce.",
            },
            Entry {
                id: "INVALID_FIELD",
                shown: "INVALID_FIELD / “not visible to your Salesforce user”",
                cause: "A field is unknown or hidden by field-level security for your Salesforce user.",
                fix: RIGHTS,
            },
            Entry {
                id: "INVALID_TYPE",
                shown: "INVALID_TYPE / “No object named … is visible”",
                cause: "The object does not exist or your Salesforce user has no access to it.",
                fix: RIGHTS,
            },
            Entry {
                id: "NOT_FOUND",
                shown: "NOT_FOUND / “Not found, or not visible”",
                cause: "The record does not exist, was deleted, or sharing rules hide it from your Salesforce user.",
                fix: RIGHTS,
            },
            Entry {
                id: "INSUFFICIENT_ACCESS_OR_READONLY",
                shown: "INSUFFICIENT_ACCESS_OR_READONLY",
                cause: "Your Salesforce user can see the record but may not change it.",
                fix: "Check Salesforce object permissions, field-level security, validation rules, required fields, duplicate rules, assignment rules, and whether the app policy allows the requested action.",
            },
            Entry {
                id: "REQUIRED_FIELD_MISSING",
                shown: "REQUIRED_FIELD_MISSING, FIELD_CUSTOM_VALIDATION_EXCEPTION, DUPLICATES_DETECTED",
                cause: "A required field, a validation rule or a duplicate rule in your Salesforce org refused the change.",
                fix: "Revise the prepared change with the field Salesforce names; the rule's own message is shown next to the change.",
            },
            Entry {
                id: "REQUEST_LIMIT_EXCEEDED",
                shown: "REQUEST_LIMIT_EXCEEDED",
                cause: "Your Salesforce organization used all the API requests it is allowed over the last 24 hours.",
                fix: "Wait: requests free up as older ones age out. Or ask your Salesforce admin to raise the limit.",
            },
            Entry {
                id: "API_DISABLED_FOR_ORG",
                shown: "API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED",
                cause: "The org's edition does not allow API access, or your user lacks the “API Enabled” permission.",
                fix: "Ask your Salesforce admin for API access on your profile or a permission set.",
            },
            Entry {
                id: "SERVER_UNAVAILABLE",
                shown: "“Salesforce is temporarily unavailable”",
                cause: "Salesforce answered 5xx, timed out or reset the connection.",
                fix: "Try again in a minute; nothing was changed.",
            },
            Entry {
                id: "INVALID_QUERY_LOCATOR",
                shown: "“That page of results has expired”",
                cause: "Salesforce keeps a query's later pages for a limited time.",
                fix: "Run the query again.",
            },
        ],
    },
    Section {
        title: "Queries Sofie refuses before sending",
        entries: &[
            Entry {
                id: "guard",
                shown: "“Sofie runs only read-only SOQL, and this query was not sent: … (at character N)”",
                cause: "The statement is not one read-only SELECT (several statements, FOR UPDATE, FOR VIEW / REFERENCE, or a LIMIT over the maximum).",
                fix: "Change the statement at the character named; Sofie lowers a large LIMIT itself and says so.",
            },
            Entry {
                id: "MALFORMED_QUERY",
                shown: "MALFORMED_QUERY / MALFORMED_SEARCH",
                cause: "Salesforce could not read the statement.",
                fix: "Change it where Salesforce's message points (row and column), and run it again.",
            },
        ],
    },
];

/// What the person compares, and what only admins see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Values {
    /// The callback URL for the address opened, if it is one of Sofie's public origins.
    pub callback_here: Option<String>,
    pub host_here: Option<String>,
    pub callbacks: Vec<String>,
    pub scopes_needed: Vec<String>,
    /// `None` when not connected.
    pub scopes_granted: Option<Vec<String>>,
    pub connection_host: Option<String>,
    pub effective_hosts: Vec<String>,
    /// The last characters of each effective app's Client ID: org admins only.
    pub client_id_tails: Option<Vec<String>>,
}

/// The values for `actor`, who opened Sofie at `host_here`; `callbacks` are the public origins'
/// exact callback URLs.
pub async fn values(
    settings: &SettingsService,
    connections: &ConnectionService,
    actor: &Actor,
    host_here: Option<&str>,
    callbacks: &[String],
) -> DomainResult<Values> {
    let callback_here = host_here.and_then(|host| {
        callbacks
            .iter()
            .find(|c| {
                url::Url::parse(c)
                    .ok()
                    .and_then(|u| authority(&u))
                    .as_deref()
                    == Some(host)
            })
            .cloned()
    });
    let identity = connections.identity(actor).await?;
    let apps = match settings.effective_for(actor).await? {
        Effective::Unavailable(_) => vec![],
        Effective::Ready { app, .. } => vec![app],
        Effective::Choose { apps, .. } => apps,
    };
    let tail = |id: &str| {
        let chars: Vec<char> = id.chars().collect();
        let kept: String = chars[chars.len().saturating_sub(4)..].iter().collect();
        format!("…{kept}")
    };
    Ok(Values {
        callback_here,
        host_here: host_here.map(str::to_owned),
        callbacks: callbacks.to_vec(),
        scopes_needed: SCOPES.iter().map(|s| s.to_string()).collect(),
        scopes_granted: identity
            .as_ref()
            .map(|d| d.scopes.split_whitespace().map(str::to_owned).collect()),
        connection_host: identity.map(|d| d.login_host),
        effective_hosts: apps.iter().map(|a| a.login_host.clone()).collect(),
        client_id_tails: actor
            .is_org_admin()
            .then(|| apps.iter().map(|a| tail(&a.client_id)).collect()),
    })
}

/// `host[:port]` of `url`, as a Host header names it.
fn authority(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The catalog entry that explains `err`, so the place that shows it can link there.
pub fn anchor_for(err: &crate::error::DomainError) -> Option<&'static str> {
    use crate::error::DomainError as D;
    use salesforce::Error as E;
    let code = match err {
        D::NeedsReconnect(cause) => {
            use crate::connections::Cause as C;
            match cause {
                C::UserInactive | C::OrgInactive => "inactive_user",
                C::AppBlocked => "OAUTH_APP_BLOCKED",
                C::SettingsChanged => "settings_changed",
                C::NoOfflineAccess => "offline_access",
                C::RevokedOrExpired | C::PushedOut => "invalid_grant",
            }
        }
        D::Salesforce(E::SessionExpired(_) | E::RefreshRevoked { .. }) => "invalid_grant",
        // Missing from the describe is how Salesforce shows an object without Read.
        D::UnknownObject { .. } => "INVALID_TYPE",
        D::Salesforce(E::LimitExceeded(_)) => "REQUEST_LIMIT_EXCEEDED",
        D::Salesforce(E::Transient { .. }) => "SERVER_UNAVAILABLE",
        D::Salesforce(E::NotFound(_)) => "NOT_FOUND",
        // One entry explains the org's and the user's missing API access.
        D::Salesforce(E::Permission(f)) if f.code() == Some("API_CURRENTLY_DISABLED") => {
            "API_DISABLED_FOR_ORG"
        }
        D::Salesforce(E::Permission(f) | E::Api(f) | E::Validation(f)) => f.code()?,
        D::Salesforce(E::OAuth { error, .. }) => error.as_str(),
        D::Salesforce(E::Soql(_) | E::Sosl(_)) => "guard",
        _ => return None,
    };
    entry_id(code)
}

/// The catalog entry named by a Salesforce error code (`OAUTH_APP_BLOCKED`,
/// `redirect_uri_mismatch`…), when the catalog has one.
pub fn entry_id(code: &str) -> Option<&'static str> {
    CATALOG
        .iter()
        .flat_map(|s| s.entries)
        .map(|e| e.id)
        .find(|id| *id == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_a_person_meets_links_to_its_entry() {
        use crate::error::DomainError;
        let fault = |code: &str| salesforce::Fault {
            status: 403,
            errors: vec![salesforce::ApiErrorEntry {
                error_code: code.into(),
                message: "m".into(),
                fields: vec![],
            }],
        };
        let permission =
            |code: &str| DomainError::Salesforce(salesforce::Error::Permission(fault(code)));
        assert_eq!(
            anchor_for(&permission("INVALID_FIELD")),
            Some("INVALID_FIELD")
        );
        assert_eq!(
            anchor_for(&permission("INSUFFICIENT_ACCESS_OR_READONLY")),
            Some("INSUFFICIENT_ACCESS_OR_READONLY")
        );
        assert_eq!(
            anchor_for(&DomainError::Salesforce(salesforce::Error::Api(fault(
                "API_DISABLED_FOR_ORG"
            )))),
            Some("API_DISABLED_FOR_ORG")
        );
        assert_eq!(
            anchor_for(&DomainError::NeedsReconnect(
                crate::connections::Cause::RevokedOrExpired
            )),
            Some("invalid_grant")
        );
        assert_eq!(
            anchor_for(&DomainError::NeedsReconnect(
                crate::connections::Cause::AppBlocked
            )),
            Some("OAUTH_APP_BLOCKED")
        );
        assert_eq!(
            anchor_for(&permission("API_CURRENTLY_DISABLED")),
            Some("API_DISABLED_FOR_ORG")
        );
        assert_eq!(anchor_for(&permission("SOMETHING_NEW")), None);
        assert_eq!(anchor_for(&DomainError::Forbidden), None);
    }

    #[test]
    fn every_entry_has_a_unique_anchor_a_cause_and_a_fix() {
        let mut ids = std::collections::HashSet::new();
        for section in CATALOG {
            for e in section.entries {
                assert!(ids.insert(e.id), "{} twice", e.id);
                assert!(!e.cause.is_empty() && !e.fix.is_empty(), "{}", e.id);
            }
        }
    }
}
