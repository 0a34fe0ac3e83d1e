//! The one error type of the domain layer. The server maps it once, at the edge, to a status
//! and a message a person can act on.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input that does not parse; `field` names the form field it came from.
    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// What was not found, e.g. `organization "acme"`. Also the answer for another
    /// organization's ids, so their existence does not leak.
    #[error("{0} not found")]
    NotFound(String),
    #[error("you do not have access to this")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// Unknown email and wrong password alike, so the answer reveals nothing.
    #[error("the email or password is not correct")]
    InvalidCredentials,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    /// The database cannot be reached; the request may succeed later.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// Anything else: logged with its cause, shown to people as a generic failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            DomainError::Unavailable(err)
        } else {
            DomainError::Internal(err.to_string())
        }
    }
}

/// A closed pool, a refused connection or an acquire timeout: the database is down, not the query
/// wrong.
fn is_connection_error(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string().to_ascii_lowercase();
            [
                "pool closed",
                "pool timed out",
                "connection refused",
                "broken pipe",
                "connection reset",
                "unable to open database",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
