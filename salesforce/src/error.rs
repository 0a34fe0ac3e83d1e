//! The crate's one error type. Salesforce answers failures in two shapes (API-NOTES §2.7, §5.2):
//! REST endpoints send a JSON array `[{message, errorCode, fields}]`, OAuth endpoints an object
//! `{error, error_description}`. Both are read here and classified into what a caller must *do*:
//! refresh, reconnect, back off, fix the input, or retry.
//!
//! No variant carries a token: messages come from Salesforce's error text, our own checks, or
//! transport errors whose URLs never hold secrets (tokens travel in headers and form bodies).

use serde::{Deserialize, Serialize};

use crate::{HostError, RecordIdError, soql::SoqlError, sosl::SoslError};

/// One entry of a REST error array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorEntry {
    #[serde(default)]
    pub message: String,
    /// Save results name this `statusCode` instead (API-NOTES §4.7).
    #[serde(rename = "errorCode", alias = "statusCode")]
    pub error_code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// A REST failure: the HTTP status and Salesforce's error entries (possibly none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fault {
    pub status: u16,
    pub errors: Vec<ApiErrorEntry>,
}

impl Fault {
    /// The first entry's `errorCode` (Salesforce normally sends exactly one).
    pub fn code(&self) -> Option<&str> {
        self.errors.first().map(|e| e.error_code.as_str())
    }

    fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.error_code == code)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.errors.first() {
            Some(e) if e.fields.is_empty() => write!(f, "{}: {}", e.error_code, e.message.trim()),
            Some(e) => write!(
                f,
                "{}: {} (fields: {})",
                e.error_code,
                e.message.trim(),
                e.fields.join(", ")
            ),
            None => write!(f, "HTTP {}", self.status),
        }
    }
}

/// The OAuth error body `{error, error_description}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Why Salesforce refused a grant (refresh or code exchange); the user-facing reason to reconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GrantCause {
    /// `expired access/refresh token`: revoked, expired by policy, rotated out, or the 6th approval.
    ExpiredOrRevoked,
    /// `authentication failure`: bad, reused or mis-encoded code, wrong host, redirect or verifier.
    AuthenticationFailure,
    InvalidAuthorizationCode,
    /// `invalid code verifier`: the PKCE verifier does not hash to the challenge.
    InvalidCodeVerifier,
    IpRestricted,
    NotApproved,
    InactiveUser,
    InactiveOrg,
    AppBlocked,
    /// An `invalid_grant` whose description we do not recognise.
    Other,
}

impl std::fmt::Display for GrantCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GrantCause::ExpiredOrRevoked => "the refresh token expired or was revoked",
            GrantCause::AuthenticationFailure => "authentication failure",
            GrantCause::InvalidAuthorizationCode => "invalid authorization code",
            GrantCause::InvalidCodeVerifier => "the PKCE code verifier does not match",
            GrantCause::IpRestricted => "IP restricted or outside login hours",
            GrantCause::NotApproved => "the user has not approved this app",
            GrantCause::InactiveUser => "the Salesforce user is inactive or frozen",
            GrantCause::InactiveOrg => "the Salesforce org is locked, closed or suspended",
            GrantCause::AppBlocked => "the connected app is blocked",
            GrantCause::Other => "the grant was refused",
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401 `INVALID_SESSION_ID`: refresh once and retry once.
    #[error("Salesforce session expired or invalid ({0})")]
    SessionExpired(Fault),
    /// The grant is dead (`invalid_grant`, inactive user/org, blocked app): the user must reconnect.
    #[error("Salesforce refused the grant: {cause}{}", fmt_description(.description))]
    RefreshRevoked {
        cause: GrantCause,
        error: String,
        description: Option<String>,
    },
    /// 403 `REQUEST_LIMIT_EXCEEDED`: the org's API allocation is used up; do not retry now.
    #[error("Salesforce API request limit exceeded ({0})")]
    LimitExceeded(Fault),
    /// Object/field permissions or FLS (`INSUFFICIENT_ACCESS*`, `INVALID_FIELD`, `INVALID_TYPE`, ...).
    #[error("Salesforce refused access ({0})")]
    Permission(Fault),
    /// 404 / `NOT_FOUND` (which may also mean "not shared with this user").
    #[error("not found in Salesforce ({0})")]
    NotFound(Fault),
    /// The data was refused: required field, validation rule, duplicate rule, picklist, ...
    #[error("Salesforce validation failed ({0})")]
    Validation(Fault),
    /// `UNABLE_TO_LOCK_ROW`: nothing was applied; safe to retry with backoff.
    #[error("Salesforce record is locked, try again ({0})")]
    RowLock(Fault),
    /// 5xx, timeouts, connection failures, `SERVER_UNAVAILABLE`, OAuth `server_error`, ...
    #[error("Salesforce is temporarily unavailable: {detail}")]
    Transient { status: Option<u16>, detail: String },
    /// Any other REST error (`MALFORMED_QUERY`, `INVALID_QUERY_LOCATOR`, `DELETE_FAILED`, ...).
    #[error("Salesforce rejected the request ({0})")]
    Api(Fault),
    /// Any other OAuth error (`invalid_client`, `redirect_uri_mismatch`, `invalid_scope`, ...).
    #[error("Salesforce OAuth error {error}{}", fmt_description(.description))]
    OAuth {
        status: u16,
        error: String,
        description: Option<String>,
    },
    #[error("refused host: {0}")]
    Host(#[from] HostError),
    #[error("refused query: {0}")]
    Soql(#[from] SoqlError),
    #[error("refused search: {0}")]
    Sosl(#[from] SoslError),
    #[error("invalid record id: {0}")]
    RecordId(#[from] RecordIdError),
    /// A name or value we refuse to put into a request (checked before any call is made).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Salesforce answered something this client does not understand (or a redirect).
    #[error("unexpected response from Salesforce: {0}")]
    Protocol(String),
}

fn fmt_description(d: &Option<String>) -> String {
    d.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
}

impl Error {
    /// Whether re-sending the same request later can succeed without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::RowLock(_) | Error::Transient { .. })
    }

    /// Classifies a non-success HTTP answer from any Salesforce endpoint, whichever shape it has.
    pub fn from_response(status: u16, body: &[u8]) -> Error {
        if let Ok(errors) = serde_json::from_slice::<Vec<ApiErrorEntry>>(body) {
            return Error::from_fault(Fault { status, errors });
        }
        if let Ok(oauth) = serde_json::from_slice::<OAuthErrorBody>(body) {
            return Error::from_oauth(status, oauth);
        }
        // The identity URL and UserInfo answer a bad token with this bare text (and a 403).
        if body.trim_ascii() == b"Bad_OAuth_Token" {
            return Error::SessionExpired(Fault {
                status,
                errors: vec![ApiErrorEntry {
                    message: "Bad_OAuth_Token".into(),
                    error_code: "Bad_OAuth_Token".into(),
                    fields: Vec::new(),
                }],
            });
        }
        // Not JSON we know (an HTML error page, an empty 503): classify by status alone.
        Error::from_fault(Fault {
            status,
            errors: Vec::new(),
        })
    }

    /// Classifies a REST error array.
    pub fn from_fault(fault: Fault) -> Error {
        const PERMISSION: &[&str] = &[
            "INSUFFICIENT_ACCESS",
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
            "INSUFFICIENT_PRIVILEGES",
            "INVALID_FIELD",
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "INVALID_TYPE",
            "API_CURRENTLY_DISABLED",
            "API_DISABLED_FOR_ORG",
        ];
        const VALIDATION: &[&str] = &[
            "REQUIRED_FIELD_MISSING",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "FIELD_INTEGRITY_EXCEPTION",
            "DUPLICATES_DETECTED",
            "DUPLICATE_VALUE",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "STRING_TOO_LONG",
            "INVALID_EMAIL_ADDRESS",
            "NUMBER_OUTSIDE_VALID_RANGE",
            "INVALID_CROSS_REFERENCE_KEY",
            "MALFORMED_ID",
            "JSON_PARSER_ERROR",
        ];
        const TRANSIENT: &[&str] = &["SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG"];
        let code = fault.code().unwrap_or_default().to_owned();
        let code = code.as_str();
        if code == "INVALID_SESSION_ID" || (code.is_empty() && fault.status == 401) {
            Error::SessionExpired(fault)
        } else if fault.has_code("REQUEST_LIMIT_EXCEEDED") {
            Error::LimitExceeded(fault)
        } else if fault.has_code("UNABLE_TO_LOCK_ROW") {
            Error::RowLock(fault)
        } else if PERMISSION.contains(&code) {
            Error::Permission(fault)
        } else if VALIDATION.contains(&code) {
            Error::Validation(fault)
        } else if code == "NOT_FOUND" || code == "ENTITY_IS_DELETED" || fault.status == 404 {
            Error::NotFound(fault)
        } else if TRANSIENT.contains(&code) || fault.status >= 500 {
            Error::Transient {
                status: Some(fault.status),
                detail: fault.to_string(),
            }
        } else {
            Error::Api(fault)
        }
    }

    /// Classifies an OAuth error object (token, revoke, userinfo endpoints).
    pub fn from_oauth(status: u16, body: OAuthErrorBody) -> Error {
        let OAuthErrorBody {
            error,
            error_description: description,
        } = body;
        let cause = match error.as_str() {
            "invalid_grant" => Some(grant_cause(description.as_deref().unwrap_or_default())),
            "inactive_user" => Some(GrantCause::InactiveUser),
            "inactive_org" => Some(GrantCause::InactiveOrg),
            "app_blocked" | "fail_close_app_blocked" | "OAUTH_APP_BLOCKED" => {
                Some(GrantCause::AppBlocked)
            }
            _ => None,
        };
        if let Some(cause) = cause {
            return Error::RefreshRevoked {
                cause,
                error,
                description,
            };
        }
        // API-NOTES §2.7: these answers mean "try again later", not "reconnect".
        let transient = [
            "server_error",
            "service_unavailable",
            "system_down",
            "slow_down",
            "rate_limit_exceeded",
            "unknown_error",
        ];
        if transient.contains(&error.as_str()) || status >= 500 {
            return Error::Transient {
                status: Some(status),
                detail: format!("{error}{}", fmt_description(&description)),
            };
        }
        if error == "invalid_token" && status == 401 {
            return Error::SessionExpired(Fault {
                status,
                errors: vec![ApiErrorEntry {
                    message: description.unwrap_or_default(),
                    error_code: error,
                    fields: Vec::new(),
                }],
            });
        }
        Error::OAuth {
            status,
            error,
            description,
        }
    }
}

/// Reads the cause out of an `invalid_grant` description (API-NOTES §2.7).
fn grant_cause(description: &str) -> GrantCause {
    let d = description.to_ascii_lowercase();
    // "invalid/expired authorization code" first: it is about the code, not the refresh token.
    if d.contains("authorization code") {
        GrantCause::InvalidAuthorizationCode
    } else if d.contains("code verifier") {
        GrantCause::InvalidCodeVerifier
    } else if d.contains("blocked") {
        GrantCause::AppBlocked
    } else if d.contains("expired access/refresh token") || d.contains("expired") {
        GrantCause::ExpiredOrRevoked
    } else if d.contains("authentication failure") {
        GrantCause::AuthenticationFailure
    } else if d.contains("ip restricted") || d.contains("login hours") {
        GrantCause::IpRestricted
    } else if d.contains("approved") {
        GrantCause::NotApproved
    } else if d.contains("inactive user") {
        GrantCause::InactiveUser
    } else if d.contains("inactive org") {
        GrantCause::InactiveOrg
    } else {
        GrantCause::Other
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // Without the URL: a query string may hold user data (SOQL), and it adds nothing here.
        let e = e.without_url();
        let detail = if e.is_timeout() {
            format!("timed out: {e}")
        } else if e.is_connect() {
            format!("connection failed: {e}")
        } else {
            e.to_string()
        };
        // A body we could not decode, or a request we could not even build, will not get
        // better by trying again.
        if e.is_decode() || e.is_builder() {
            return Error::Protocol(detail);
        }
        Error::Transient {
            status: e.status().map(|s| s.as_u16()),
            detail,
        }
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
