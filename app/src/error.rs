//! The one error type of the UI layer. Server functions return it; pages turn it into a status
//! code and a message a person can act on.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    Validation { field: String, message: String },
    /// A request that does not fit the form it was sent to (a field missing, a value of the
    /// wrong kind); the message says what to do, never what the parser said.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Salesforce refused or failed, or the connection needs attention: the sentence says what
    /// happened and what to do.
    #[error("{message}")]
    Salesforce { status: u16, message: String },
    #[error("sign in to continue")]
    Unauthorized,
    #[error("you do not have access to this page")]
    Forbidden,
    #[error("this page does not exist, or you do not have access to it")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("the email or password is not correct")]
    InvalidCredentials,
    #[error("too many failed attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("the service is temporarily unavailable; try again in a moment")]
    Unavailable,
    #[error("Sofie's database is full, so this was not saved")]
    StorageFull,
    /// Details are in the server log under `reference`; none reach the browser.
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation { .. } | Self::InvalidCredentials | Self::BadRequest(_) => 400,
            Self::PayloadTooLarge(_) => 413,
            Self::Salesforce { status, .. } => *status,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::Throttled { .. } => 429,
            Self::Unavailable | Self::StorageFull => 503,
            Self::Internal { .. } => 500,
            Self::ServerFn(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(why) | ServerFnErrorErr::MissingArg(why) => {
                Self::BadRequest(bad_form(&why))
            }
            other => Self::ServerFn(other),
        };
        #[cfg(feature = "ssr")]
        crate::api::ssr::fail_status(&error);
        error
    }
}

/// A sentence for a form the server could not read. The parser's own words stay in the log.
fn bad_form(why: &str) -> String {
    #[cfg(feature = "ssr")]
    tracing::info!(why, "a request did not fit its form");
    let missing = why
        .split_once("missing field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(field, _)| field)
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match missing {
        Some(field) => format!(
            "The form was sent without its \"{field}\" field. Reload the page and submit the form again."
        ),
        None => "A value in the form is not of the kind expected (for example, text where a number belongs). Reload the page and submit the form again.".into(),
    }
}
