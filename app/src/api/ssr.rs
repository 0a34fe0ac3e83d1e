//! Server-only helpers shared by the server functions: the services the server provides as
//! context, the session, the signed-in user, and the one mapping from domain errors.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use domain::DomainError;
use domain::auth::SignIn;
use domain::entities::user;
use domain::salesforce_settings::DefaultApp;
use domain::session_store::USER_ID_KEY;
use domain::vault::Vault;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use salesforce::HostPolicy;
use sea_orm::DatabaseConnection;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::AppError;

/// Session key holding the Unix time of sign-in, for the absolute session lifetime.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// Sessions end 12 hours after sign-in however active they are (NIST SP 800-63B, AAL2).
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 60 * 60;
/// Session key holding the Unix time the session's idle expiry was last pushed back.
const SEEN_AT_KEY: &str = "seen_at";
/// The store only saves changed sessions; touching `seen_at` at most this often keeps the
/// 30-minute idle expiry sliding without a write on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// What the server hands every page and server function.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub sign_in: SignIn,
    pub vault: Arc<Vault>,
    /// Sofie's own Salesforce app, when the operator configured one.
    pub default_app: Option<DefaultApp>,
    /// Which Salesforce hosts admins may enter (plus the simulator in development).
    pub host_policy: HostPolicy,
    /// The exact OAuth callback URL for each public origin, canonical first.
    pub callback_urls: Arc<Vec<String>>,
}

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| internal("the server did not provide its services"))
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| internal(format!("no session layer: {e}")))
}

pub async fn client_ip() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The signed-in, enabled user, or `Unauthorized`. Ends sessions past their absolute lifetime.
pub async fn signed_in_user(
    services: &Services,
    session: &Session,
) -> Result<user::Model, AppError> {
    let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(session_error)?;
    let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await.map_err(session_error)?;
    let (Some(user_id), Some(signed_in_at)) = (user_id, signed_in_at) else {
        return Err(AppError::Unauthorized);
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if now - signed_in_at > ABSOLUTE_LIFETIME_SECS {
        session.flush().await.map_err(session_error)?;
        return Err(AppError::Unauthorized);
    }
    let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await.map_err(session_error)?;
    if seen_at.is_none_or(|seen| now - seen >= TOUCH_EVERY_SECS) {
        session
            .insert(SEEN_AT_KEY, now)
            .await
            .map_err(session_error)?;
    }
    match domain::access::active_user(&services.db, user_id).await? {
        Some(user) => Ok(user),
        None => {
            session.flush().await.map_err(session_error)?;
            Err(AppError::Unauthorized)
        }
    }
}

/// A session store failure is almost always the database being down.
pub fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store failed");
    AppError::Unavailable
}

pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(%reference, %cause, "internal error");
    AppError::Internal { reference }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Validation { field, message } => AppError::Validation {
                field: field.to_string(),
                message,
            },
            DomainError::NotFound(_) => AppError::NotFound,
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::Conflict(message) => AppError::Conflict(message),
            DomainError::InvalidCredentials => AppError::InvalidCredentials,
            DomainError::Throttled { retry_after_secs } => AppError::Throttled { retry_after_secs },
            DomainError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                AppError::Unavailable
            }
            DomainError::Internal(cause) => internal(cause),
        }
    }
}

/// Sets the HTTP status of the page or server-function response that is being built.
pub fn set_status(err: &AppError) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(err.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let AppError::Throttled { retry_after_secs } = err {
            response.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from(*retry_after_secs),
            );
        }
    }
}

/// Whether the request came from a browser navigation or plain form (it accepts HTML), rather
/// than from the server-function client.
fn accepts_html() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Gives a failed server function its status code. A plain (no-JavaScript) form post keeps the
/// framework's redirect back to the form, which carries the error; a page that called the
/// function sets its own status when it renders the error.
pub fn fail<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result
        && !accepts_html()
    {
        set_status(err);
    }
    result
}

/// Redirects after a successful form post with 303, so the browser follows with a GET and never
/// re-posts the form (SECURITY-BAR item 44).
pub fn see_other(path: &str) {
    leptos_axum::redirect(path);
    if let (true, Some(response)) = (accepts_html(), use_context::<ResponseOptions>()) {
        response.set_status(http::StatusCode::SEE_OTHER);
    }
}
