//! Server-only helpers shared by the server functions: the services the server provides as
//! context, the one extractor of the signed-in person, and the one mapping from domain errors.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use domain::DomainError;
use domain::access::Actor;
use domain::auth::SignIn;
use domain::entities::{organization, user};
use domain::roles::OrgRole;
use domain::salesforce_settings::SettingsService;
use domain::step_up::Authn;
use domain::vault::Vault;
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sea_orm::DatabaseConnection;
use tower_sessions::Session;

use super::session::TypedSession;
use crate::error::AppError;

/// What the server hands every page and server function: a handle, so the clone each request
/// and each server function takes is one reference count, not a copy of every service.
#[derive(Clone)]
pub struct Services(Arc<ServiceSet>);

impl Services {
    pub fn new(set: ServiceSet) -> Self {
        Services(Arc::new(set))
    }
}

impl std::ops::Deref for Services {
    type Target = ServiceSet;

    fn deref(&self) -> &ServiceSet {
        &self.0
    }
}

pub struct ServiceSet {
    pub db: DatabaseConnection,
    pub sign_in: SignIn,
    pub vault: Arc<Vault>,
    pub settings: SettingsService,
    pub connections: domain::connections::ConnectionService,
    pub workspace: domain::workspace::Workspace,
    pub changes: domain::changes::Changes,
    pub tools: domain::tools::Tools,
    /// The exact OAuth callback URL for each public origin, canonical first.
    pub callback_urls: Arc<Vec<String>>,
}

/// A response header a page sets to name the Salesforce origins its forms redirect to; the
/// security-headers layer moves them into that response's CSP `form-action` and drops it.
pub const FORM_ACTION_HEADER: &str = "x-sofie-form-action";

/// Lets this page's forms redirect to `origins` (for Connect buttons).
pub fn allow_form_action(origins: &[String]) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&origins.join(" ")),
    ) {
        response.insert_header(http::HeaderName::from_static(FORM_ACTION_HEADER), value);
    }
}

/// The client's address, as the server's edge determined it (the TCP peer, or the right-most
/// untrusted `X-Forwarded-For` hop behind a trusted proxy). Put into each request's extensions.
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<String>);

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| internal("the server did not provide its services"))
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| internal("no request parts in context"))
}

pub async fn session() -> Result<TypedSession, AppError> {
    let mut parts = request_parts()?;
    Session::from_request_parts(&mut parts, &())
        .await
        .map(TypedSession)
        .map_err(|(_, why)| internal(format!("no session layer: {why}")))
}

pub async fn client_ip() -> Option<String> {
    use_context::<Parts>()?
        .extensions
        .get::<ClientIp>()?
        .0
        .clone()
}

/// The signed-in, enabled person of this request, with their session and what it proves. The
/// one way server functions and handlers learn who is acting.
#[derive(Clone)]
pub struct SignedIn {
    pub services: Services,
    pub session: TypedSession,
    pub user: user::Model,
    pub authn: Authn,
}

impl<S> FromRequestParts<S> for SignedIn
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let services = Services::from_ref(state);
        let session = Session::from_request_parts(parts, state)
            .await
            .map(TypedSession)
            .map_err(|(_, why)| internal(format!("no session layer: {why}")))?;
        let (user_id, authn) = session.signed_in().await?.ok_or(AppError::Unauthorized)?;
        match domain::access::active_user(&services.db, user_id).await? {
            Some(user) => Ok(Self {
                services,
                session,
                user,
                authn,
            }),
            None => {
                session.end().await?;
                Err(AppError::Unauthorized)
            }
        }
    }
}

impl SignedIn {
    /// The person inside the organization `slug`, with their roles as the database has them now.
    pub async fn actor(&self, slug: &str) -> Result<Actor, AppError> {
        let memberships = memberships(&self.services, self.user.id).await?;
        Ok(domain::access::actor_among(
            &self.services.db,
            self.user.clone(),
            self.authn.clone(),
            &memberships,
            slug,
        )
        .await?)
    }
}

/// Who a page render is for, looked up once however many of the page's server functions ask.
/// The server puts a fresh one on every request; only GETs use it, as nothing a GET does changes
/// the session or the roles.
#[derive(Clone, Default)]
pub struct RequestCache(Arc<Cached>);

#[derive(Default)]
struct Cached {
    signed_in: tokio::sync::OnceCell<SignedIn>,
    memberships: tokio::sync::OnceCell<Memberships>,
    actor: tokio::sync::OnceCell<(String, Actor)>,
}

/// A person's organizations and their role in each, by name.
pub type Memberships = Vec<(organization::Model, OrgRole)>;

/// The organizations of `user_id` (the signed-in person): read once per page render, for the
/// navigation and for the actor alike.
pub async fn memberships(services: &Services, user_id: i64) -> Result<Memberships, AppError> {
    let read =
        || async { Ok::<_, AppError>(domain::access::memberships(&services.db, user_id).await?) };
    match request_parts().ok().as_ref().and_then(request_cache) {
        Some(cache) => cache.0.memberships.get_or_try_init(read).await.cloned(),
        None => read().await,
    }
}

fn request_cache(parts: &Parts) -> Option<RequestCache> {
    (parts.method == http::Method::GET)
        .then(|| parts.extensions.get::<RequestCache>().cloned())
        .flatten()
}

/// The signed-in person of the current server function or page.
pub async fn signed_in() -> Result<SignedIn, AppError> {
    let services = services()?;
    let mut parts = request_parts()?;
    match request_cache(&parts) {
        Some(cache) => cache
            .0
            .signed_in
            .get_or_try_init(|| SignedIn::from_request_parts(&mut parts, &services))
            .await
            .cloned(),
        None => SignedIn::from_request_parts(&mut parts, &services).await,
    }
}

/// The signed-in person acting in organization `org`.
pub async fn actor(org: &str) -> Result<(SignedIn, Actor), AppError> {
    let me = signed_in().await?;
    let cache = request_parts().ok().as_ref().and_then(request_cache);
    let Some(cache) = cache else {
        let actor = me.actor(org).await?;
        return Ok((me, actor));
    };
    let (slug, actor) = cache
        .0
        .actor
        .get_or_try_init(|| async { Ok::<_, AppError>((org.to_owned(), me.actor(org).await?)) })
        .await?;
    let actor = if slug == org {
        actor.clone()
    } else {
        me.actor(org).await?
    };
    Ok((me, actor))
}

/// A Salesforce failure as a sentence with the fix. Details go to the log, never a token.
/// Salesforce's own message is quoted where it names the field, object or position.
pub fn salesforce_error(err: salesforce::Error) -> AppError {
    use salesforce::Error as E;
    tracing::warn!(error = %err, "a Salesforce call failed");
    let said = |f: &salesforce::Fault| {
        f.errors
            .first()
            .map(|e| format!(" Salesforce said: {}", e.message.trim()))
            .unwrap_or_default()
    };
    let (status, message) = match &err {
        E::Soql(refusal) => (400, format!(
            "Sofie runs only read-only SOQL, and this query was not sent: {} (at character {}).",
            refusal.kind, refusal.position + 1
        )),
        E::Sosl(refusal) => (400, format!("The search was not sent: {refusal}.")),
        E::RecordId(why) => (400, format!("That is not a Salesforce record id: {why}.")),
        E::InvalidInput(why) => (400, format!("Nothing was sent to Salesforce: {why}.")),
        E::Transient { .. } => (503, "Salesforce is temporarily unavailable; nothing was changed. Try again in a minute.".to_string()),
        E::LimitExceeded(_) => (429, "Your Salesforce organization has used all the API requests it is allowed in the last 24 hours (REQUEST_LIMIT_EXCEEDED). Salesforce counts them over a rolling 24 hours, so requests free up as older ones age out: try again in an hour, or ask your Salesforce admin to raise the limit.".to_string()),
        E::Permission(f) if f.code() == Some("INVALID_FIELD") => (403, format!(
            "A field in this request is not visible to your Salesforce user (field-level security), or does not exist.{}", said(f)
        )),
        E::Permission(f) if f.code() == Some("INVALID_TYPE") => (403, format!(
            "That object is not accessible to your Salesforce user (object permissions).{}", said(f)
        )),
        E::Permission(f) if f.code() == Some("INSUFFICIENT_ACCESS_OR_READONLY") => (403, format!(
            "Your Salesforce user can see this record but may not change it (sharing or object permissions).{}", said(f)
        )),
        E::Permission(f) if matches!(f.code(), Some("API_CURRENTLY_DISABLED" | "API_DISABLED_FOR_ORG")) => (403, format!(
            "Your Salesforce user has no API access: Sofie works through the API, so nothing can be read or changed. Ask your Salesforce admin for the “API Enabled” permission on your profile or a permission set.{}", said(f)
        )),
        E::Permission(_) => (403, "Your Salesforce user may not see this (object or field permissions). Confirm the connected Salesforce user can see the record directly in Salesforce.".to_string()),
        E::NotFound(_) => (404, "Not found, or not visible to your Salesforce user.".to_string()),
        E::Api(f) if matches!(f.code(), Some("MALFORMED_QUERY" | "MALFORMED_SEARCH" | "INVALID_SEARCH")) => (400, format!(
            "Salesforce could not read the statement; change it and run it again.{}", said(f)
        )),
        E::Api(f) if f.code() == Some("INVALID_QUERY_LOCATOR") => (410, "That page of results has expired at Salesforce; run the query again.".to_string()),
        E::RefreshRevoked { .. } | E::SessionExpired(_) => (409, "Salesforce no longer accepts this connection. Reconnect Salesforce on My Integrations.".to_string()),
        E::OAuth { .. } => (502, domain::connections::describe_exchange_error(&err)),
        _ => (502, "Salesforce answered something Sofie did not expect. Try again; if it keeps happening, tell your administrator.".to_string()),
    };
    AppError::Salesforce { status, message }
}

pub fn unknown_object(name: &str, close_matches: &[String]) -> String {
    let mut message = format!("No object named {name} is visible to your Salesforce user.");
    if !close_matches.is_empty() {
        message.push_str(&format!(" Did you mean {}?", close_matches.join(", ")));
    }
    message
}

/// An error with its whole cause chain, for the log.
struct Chain<'a>(&'static str, &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0, self.1)?;
        let mut source = self.1.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
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
            DomainError::Forbidden | DomainError::InsufficientScope(_) => AppError::Forbidden,
            DomainError::Conflict(message) => AppError::Conflict(message),
            DomainError::InvalidCredentials => AppError::InvalidCredentials,
            DomainError::Throttled { retry_after_secs } => AppError::Throttled { retry_after_secs },
            DomainError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                AppError::Unavailable
            }
            DomainError::StorageFull(cause) => {
                tracing::error!(%cause, "database full: a write was refused");
                AppError::StorageFull
            }
            DomainError::Internal { context, source } => internal(Chain(context, &*source)),
            DomainError::NotConnected => AppError::Salesforce {
                status: 409,
                message: "Salesforce is not connected: connect it on My Integrations first.".into(),
            },
            DomainError::NeedsReconnect(cause) => AppError::Salesforce {
                status: 409,
                message: cause.explain().into(),
            },
            DomainError::BadCallback(why) => AppError::BadRequest(why.into()),
            DomainError::Salesforce(err) => salesforce_error(err),
            DomainError::Fields(problems) => AppError::BadRequest(
                problems
                    .iter()
                    .map(|p| format!("{}: {}.", p.field, p.reason))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            DomainError::UnknownObject {
                name,
                close_matches,
            } => AppError::Salesforce {
                status: 404,
                message: unknown_object(&name, &close_matches),
            },
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
    if let Err(err) = &result {
        fail_status(err);
    }
    result
}

/// The status half of `fail`, also used for requests the framework refused before the server
/// function ran (a missing or malformed argument).
pub fn fail_status(err: &AppError) {
    if !accepts_html() {
        set_status(err);
    }
}

/// Redirects after a successful form post with 303, so the browser follows with a GET and never
/// re-posts the form (SECURITY-BAR item 44).
pub fn see_other(path: &str) {
    leptos_axum::redirect(path);
    if let (true, Some(response)) = (accepts_html(), use_context::<ResponseOptions>()) {
        response.set_status(http::StatusCode::SEE_OTHER);
    }
}

/// For axum handlers that use the extractor: the status and the error as JSON.
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}
