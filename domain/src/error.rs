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
    /// The person has no Salesforce connection in this organization.
    #[error("connect Salesforce first, on My Integrations")]
    NotConnected,
    /// The connection exists but Salesforce no longer accepts it; the cause says why.
    #[error("reconnect Salesforce: {}", .0.explain())]
    NeedsReconnect(crate::connections::Cause),
    /// The return from Salesforce cannot be trusted (state missing, tampered, replayed, expired
    /// or from another sign-in); nothing was stored and no token was requested.
    #[error("{0}")]
    BadCallback(&'static str),
    /// No object of that name is visible to the connected Salesforce user.
    #[error("no object named {name} is visible to your Salesforce user")]
    UnknownObject {
        name: String,
        /// Up to three visible objects with similar names or labels.
        close_matches: Vec<String>,
    },
    /// Values of a prepared change that cannot be sent, each naming its field; nothing was stored.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::changes::ValueProblem>),
    /// An access token without the scope this needs.
    #[error("this token lacks the {} scope", .0.as_str())]
    InsufficientScope(crate::tokens::Scope),
    /// Salesforce refused or failed; the edge turns the class into a sentence with the fix.
    #[error("Salesforce: {0}")]
    Salesforce(#[source] salesforce::Error),
    /// The database cannot be reached; the request may succeed later.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// The database has no room for the write (its disk is full); nothing of it was stored.
    #[error("the database is full")]
    StorageFull(#[source] DbErr),
    /// Anything else: logged with its cause chain at the edge, shown to people as a generic
    /// failure.
    #[error("internal error: {context}")]
    Internal {
        context: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl DomainError {
    /// A short stable name of the error's class, for the audit trail.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Validation { .. } | Self::Fields(_) => "invalid_input",
            Self::NotFound(_) | Self::UnknownObject { .. } => "not_found",
            Self::Forbidden => "forbidden",
            Self::InsufficientScope(_) => "insufficient_scope",
            Self::Conflict(_) => "conflict",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Throttled { .. } => "throttled",
            Self::NotConnected => "not_connected",
            Self::NeedsReconnect(_) => "needs_reconnect",
            Self::BadCallback(_) => "bad_callback",
            Self::Salesforce(_) => "salesforce",
            Self::Unavailable(_) => "unavailable",
            Self::StorageFull(_) => "storage_full",
            Self::Internal { .. } => "internal",
        }
    }

    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    /// An unexpected failure, with what was being done and the error that caused it.
    pub fn internal(
        context: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Internal {
            context,
            source: source.into(),
        }
    }
}

impl From<salesforce::Error> for DomainError {
    fn from(err: salesforce::Error) -> Self {
        DomainError::Salesforce(err)
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            DomainError::Unavailable(err)
        } else if is_storage_full(&err) {
            DomainError::StorageFull(err)
        } else {
            DomainError::internal("a database statement failed", err)
        }
    }
}

/// A closed pool, a refused or dropped connection, an acquire timeout: the database is down, not
/// the statement wrong. Decided from the error's kind, never from its message text.
fn is_connection_error(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    match runtime {
        RuntimeErr::SqlxError(sqlx) => match sqlx.as_ref() {
            Sqlx::Io(_) | Sqlx::PoolClosed | Sqlx::PoolTimedOut | Sqlx::WorkerCrashed => true,
            Sqlx::Tls(_) => true,
            // SQLite reports a file it cannot open (SQLITE_CANTOPEN, code 14) as a database error.
            Sqlx::Database(db) => db.code().as_deref() == Some("14"),
            _ => false,
        },
        _ => false,
    }
}

/// SQLite's `SQLITE_FULL` (13) or PostgreSQL's `disk_full` (53100): the disk, or the size the
/// operator allowed, is used up.
fn is_storage_full(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx)) | DbErr::Query(RuntimeErr::SqlxError(sqlx))) =
        err
    else {
        return false;
    };
    match sqlx.as_ref() {
        Sqlx::Database(db) => matches!(db.code().as_deref(), Some("13" | "53100")),
        _ => false,
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
