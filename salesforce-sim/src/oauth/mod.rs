//! The OAuth 2.0 endpoints Salesforce serves on its login hosts (and on My Domain / instances).

pub mod authorize;
pub mod identity;
pub mod token;
pub mod tokens;

use axum::Json;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::server::Ctx;

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route(
            "/services/oauth2/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route(
            "/services/oauth2/token",
            post(token::token).get(token::not_post),
        )
        .route(
            "/services/oauth2/revoke",
            post(identity::revoke_post).get(identity::revoke_get),
        )
        .route(
            "/services/oauth2/userinfo",
            get(identity::userinfo).post(identity::userinfo),
        )
        .route("/services/oauth2/introspect", post(identity::introspect))
        .route("/id/{org_id}/{user_id}", get(identity::identity))
        .route(
            "/.well-known/openid-configuration",
            get(identity::openid_configuration),
        )
}

/// The OAuth error body: an object, unlike REST's array.
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// Decodes an `application/x-www-form-urlencoded` body; a repeated field is an error, as on Salesforce.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, Response> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    for (i, (k, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(other, _)| other == k) {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("duplicate parameter: {k}"),
            ));
        }
    }
    Ok(pairs)
}

pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Client credentials from HTTP Basic or from the form (`client_id`, `client_secret`).
pub fn client_credentials(
    headers: &HeaderMap,
    form: &[(String, String)],
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_string(), secret.to_string()))
        });
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            field(form, "client_id").map(String::from),
            field(form, "client_secret").map(String::from),
        ),
    }
}

/// The bearer token of a request (`Bearer` or the legacy `OAuth` scheme).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("OAuth "))
        .map(str::trim)
}
