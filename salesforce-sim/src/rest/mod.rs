//! The REST API on the instance hosts: `/services/data/...`.
//!
//! One middleware does what Salesforce does before any resource runs: version check, bearer
//! session check (expired or revoked → 401 INVALID_SESSION_ID), the user's "API Enabled"
//! permission (403 API_CURRENTLY_DISABLED), the org must live on this
//! instance, the daily API allocation, and `Sforce-Limit-Info` on the way out.

mod assignment;
mod cascade;
mod changes;
mod collections;
mod composite;
mod conditional;
mod describe;
mod dml;
pub mod errors;
mod limits;
pub mod query;
mod records;
mod search;
mod sosl;
mod validation;
mod writes;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use crate::clock::now_ms;
use crate::config::Profile;
use crate::oauth::bearer;
use crate::server::Ctx;
use crate::sharing::Viewer;
use crate::state::{Host, State as SimState};
use crate::store::Store;
pub use errors::rest_error;

/// The newest API version the simulator speaks (Summer '26).
pub const LATEST_VERSION: &str = "67.0";
/// The oldest live version (21.0–30.0 are retired).
const OLDEST_MAJOR: u32 = 31;
const LATEST_MAJOR: u32 = 67;

/// Who is calling, established by the middleware and read by every resource.
#[derive(Clone, Debug)]
pub struct Session {
    pub org_id: String,
    pub user_id: String,
    pub profile: Profile,
    /// `vXX.X` exactly as in the request path, for the URLs the response contains.
    pub version: String,
    /// The identity URL of the approval behind the token, on its login host.
    pub identity_url: String,
    /// The transaction of an all-or-none Composite request this call runs inside.
    pub txn: Option<u64>,
}

impl Session {
    /// The caller's records and the caller as permissions and sharing see them.
    pub fn viewer<'a>(&'a self, state: &'a SimState) -> Option<(&'a Store, Viewer<'a>)> {
        state.viewer(&self.org_id, &self.user_id, self.profile)
    }

    /// As `viewer`, with the records writable.
    pub fn caller<'a>(&'a self, state: &'a mut SimState) -> Option<(&'a mut Store, Viewer<'a>)> {
        state.caller(&self.org_id, &self.user_id, self.profile)
    }
}

pub fn routes(ctx: Ctx) -> Router<Ctx> {
    let versioned = Router::new()
        .route("/services/data/{version}", get(resources))
        .route("/services/data/{version}/sobjects", get(describe::global))
        .route(
            "/services/data/{version}/sobjects/{name}",
            get(describe::basic_info).post(writes::create),
        )
        .route(
            "/services/data/{version}/sobjects/{name}/describe",
            get(describe::describe),
        )
        .route(
            "/services/data/{version}/sobjects/{name}/deleted",
            get(changes::deleted),
        )
        .route(
            "/services/data/{version}/sobjects/{name}/updated",
            get(changes::updated),
        )
        .route(
            "/services/data/{version}/sobjects/{name}/{id}",
            get(records::get)
                .patch(writes::update)
                .delete(writes::delete)
                .post(writes::post_override),
        )
        .route(
            "/services/data/{version}/sobjects/{name}/{field}/{value}",
            get(records::get_by_external_id).patch(writes::upsert),
        )
        .route("/services/data/{version}/query", get(query::query))
        .route("/services/data/{version}/query/{locator}", get(query::more))
        .route("/services/data/{version}/queryAll", get(query::query_all))
        .route(
            "/services/data/{version}/queryAll/{locator}",
            get(query::more),
        )
        .route("/services/data/{version}/search", get(search::sosl))
        .route(
            "/services/data/{version}/parameterizedSearch",
            get(search::parameterized).post(search::parameterized_post),
        )
        .route(
            "/services/data/{version}/composite",
            post(composite::composite),
        )
        .route(
            "/services/data/{version}/composite/sobjects",
            post(collections::create)
                .patch(collections::update)
                .delete(collections::delete),
        )
        .route(
            "/services/data/{version}/composite/sobjects/{name}",
            get(collections::retrieve).post(collections::retrieve_by_body),
        )
        .route(
            "/services/data/{version}/composite/sobjects/{name}/{field}",
            patch(collections::upsert),
        )
        .route("/services/data/{version}/limits", get(limits::limits))
        .route(
            "/services/data/{version}/limits/recordCount",
            get(limits::record_count),
        )
        .route_layer(middleware::from_fn_with_state(ctx, authenticate));
    Router::new()
        .route("/services/data", get(versions))
        .route("/services/data/", get(versions))
        .merge(versioned)
        .method_not_allowed_fallback(method_not_allowed)
}

/// A known resource called with a method it does not take.
async fn method_not_allowed(method: axum::http::Method) -> Response {
    // Salesforce adds the allowed methods; a fallback does not know them, so they are left out.
    let message = format!("HTTP Method '{method}' not allowed.");
    rest_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &message,
        &[],
    )
}

/// Release label of an API version: three releases a year, Spring '14 was 30.0.
fn label(major: u32) -> String {
    let n = major - 30;
    let season = ["Spring", "Summer", "Winter"][(n % 3) as usize];
    let year = 14 + (n + 1) / 3;
    format!("{season} '{year:02}")
}

/// `GET /services/data/`: every live version, oldest first. No session needed.
async fn versions() -> Response {
    let list: Vec<Value> = (OLDEST_MAJOR..=LATEST_MAJOR)
        .map(|m| json!({ "label": label(m), "url": format!("/services/data/v{m}.0"), "version": format!("{m}.0") }))
        .collect();
    Json(list).into_response()
}

/// `GET /services/data/vXX.X/`: resource name → path.
async fn resources(axum::Extension(session): axum::Extension<Session>) -> Response {
    let base = format!("/services/data/{}", session.version);
    // Only what this simulator serves, plus `identity` (the login host's identity URL), as
    // Salesforce lists it.
    let names = [
        "sobjects",
        "query",
        "queryAll",
        "search",
        "parameterizedSearch",
        "composite",
        "limits",
    ];
    let mut map: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| (n.to_string(), json!(format!("{base}/{n}"))))
        .collect();
    map.insert("identity".into(), json!(session.identity_url.clone()));
    Json(Value::Object(map)).into_response()
}

/// The API version in a REST path: `Ok("v67.0")` when live, `Err` with the answer otherwise.
fn version_of(path: &str) -> Result<String, Response> {
    let v = path
        .strip_prefix("/services/data/")
        .and_then(|p| p.split('/').next())
        .unwrap_or_default();
    let parsed = v
        .strip_prefix('v')
        .and_then(|n| n.split_once('.'))
        .and_then(|(major, minor)| major.parse::<u32>().ok().filter(|_| minor == "0"));
    match parsed {
        Some(major) if (OLDEST_MAJOR..=LATEST_MAJOR).contains(&major) => Ok(v.to_string()),
        // Versions 21.0–30.0 were retired: Salesforce answers 410 Gone for them.
        Some(major) if (21..OLDEST_MAJOR).contains(&major) => Err(rest_error(
            StatusCode::GONE,
            "UNSUPPORTED_API_VERSION",
            &format!("API version {major}.0 has been retired"),
            &[],
        )),
        _ => Err(missing()),
    }
}

/// Marks a Composite subrequest: it runs in the composite call's session (already checked and
/// counted), at the API version of its own URL.
#[derive(Clone)]
pub struct Subrequest(pub Session);

async fn authenticate(State(ctx): State<Ctx>, mut request: Request, next: Next) -> Response {
    let version = match version_of(request.uri().path()) {
        Ok(v) => v,
        Err(response) => return response,
    };
    if let Some(Subrequest(outer)) = request.extensions().get::<Subrequest>().cloned() {
        request
            .extensions_mut()
            .insert(Session { version, ..outer });
        return next.run(request).await;
    }
    let invalid = || {
        rest_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
            &[],
        )
    };
    let Host::Instance(here) = ctx.host else {
        return missing();
    };
    let (session, used, limit) = {
        let mut state = ctx.sim.lock();
        let Some(access) = bearer(request.headers()).and_then(|t| state.live_access(t, now_ms()))
        else {
            return invalid();
        };
        if !access.scopes.iter().any(|s| s == "api" || s == "full") {
            return rest_error(
                StatusCode::UNAUTHORIZED,
                "INVALID_SESSION_ID",
                "This session is not valid for use with the REST API",
                &[],
            );
        }
        let (org_id, user_id) = (access.org_id.clone(), access.user_id.clone());
        let login_host = state.grant(access.grant_id).map(|g| g.host);
        let identity_url = login_host
            .map(|h| format!("{}/id/{org_id}/{user_id}", ctx.sim.url(h)))
            .unwrap_or_default();
        let Some((profile, api_enabled)) = state.user(&user_id).map(|u| (u.profile, u.api_enabled))
        else {
            return invalid();
        };
        if !api_enabled {
            return rest_error(
                StatusCode::FORBIDDEN,
                "API_CURRENTLY_DISABLED",
                "API is disabled for this User",
                &[],
            );
        }
        let Some(org) = state.org_mut(&org_id) else {
            return invalid();
        };
        // After a move the old instance no longer knows the session: the client must refresh
        // and pick up the new instance_url.
        if org.instance != here {
            return invalid();
        }
        if org.api_used >= org.api_limit {
            let mut response = rest_error(
                StatusCode::FORBIDDEN,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
                &[],
            );
            set_limit_header(&mut response, org.api_used, org.api_limit);
            return response;
        }
        org.api_used += 1;
        (
            Session {
                org_id,
                user_id,
                profile,
                version,
                identity_url,
                txn: None,
            },
            org.api_used,
            org.api_limit,
        )
    };
    request.extensions_mut().insert(session);
    let mut response = next.run(request).await;
    set_limit_header(&mut response, used, limit);
    response
}

fn set_limit_header(response: &mut Response, used: u64, limit: u64) {
    if let Ok(value) = HeaderValue::from_str(&format!("api-usage={used}/{limit}")) {
        response.headers_mut().insert("sforce-limit-info", value);
    }
}

/// Salesforce's 404 body (unknown route, object or record).
pub fn missing() -> Response {
    errors::ApiError::not_found().into_response()
}

/// Fallback for unknown routes.
pub async fn not_found() -> Response {
    missing()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_the_release_calendar() {
        assert_eq!(label(31), "Summer '14");
        assert_eq!(label(42), "Spring '18");
        assert_eq!(label(51), "Spring '21");
        assert_eq!(label(67), "Summer '26");
    }
}
