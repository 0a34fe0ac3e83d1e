//! `POST /services/oauth2/token`: the authorization-code and refresh-token grants.
//!
//! Error codes and descriptions follow API-NOTES §2.7 word for word; the response carries
//! Salesforce's extra fields (`instance_url`, `id`, `signature`, `issued_at` in ms as a string)
//! and never `expires_in`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::clock::now_ms;
use crate::config::{ConnectedApp, RefreshPolicy};
use crate::oauth::tokens::RefreshLookup;
use crate::oauth::{client_credentials, field, oauth_error, parse_form};
use crate::server::Ctx;
use crate::state::State as SimState;

const BAD: StatusCode = StatusCode::BAD_REQUEST;

pub async fn not_post() -> Response {
    oauth_error(BAD, "invalid_request", "must use HTTP POST")
}

pub async fn token(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let form = match parse_form(&body) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let (client_id, secret) = client_credentials(&headers, &form);
    let mut state = ctx.sim.lock();
    let Some(app) = client_id.as_deref().and_then(|id| state.app(id)).cloned() else {
        return oauth_error(BAD, "invalid_client_id", "client identifier invalid");
    };
    match field(&form, "grant_type") {
        Some("authorization_code") => {
            authorization_code(&ctx, &mut state, &app, secret.as_deref(), &form)
        }
        Some("refresh_token") => refresh(&ctx, &mut state, &app, secret.as_deref(), &form),
        Some(_) => oauth_error(BAD, "unsupported_grant_type", "grant type not supported"),
        None => oauth_error(BAD, "invalid_request", "grant_type is required"),
    }
}

/// A secret, when sent, must be right; when the flow requires one it must be sent.
fn secret_ok(app: &ConnectedApp, presented: Option<&str>, required: bool) -> bool {
    match (&app.client_secret, presented) {
        (None, _) => true,
        (Some(secret), Some(presented)) => presented == secret,
        (Some(_), None) => !required,
    }
}

fn authorization_code(
    ctx: &Ctx,
    state: &mut SimState,
    app: &ConnectedApp,
    secret: Option<&str>,
    form: &[(String, String)],
) -> Response {
    let now = now_ms();
    // The client authenticates before its code is looked at, as Salesforce does: a wrong secret
    // is `invalid_client` whatever the code, so a made-up code tells a right secret from a wrong
    // one without spending anyone's grant.
    if !secret_ok(app, secret, app.require_secret_web_server) {
        return oauth_error(BAD, "invalid_client", "invalid client credentials");
    }
    let Some(code_value) = field(form, "code") else {
        return oauth_error(BAD, "invalid_request", "code is required");
    };
    let Some(code) = state.codes.get(code_value) else {
        return oauth_error(BAD, "invalid_grant", "invalid authorization code");
    };
    if code.client_id != app.client_id {
        return oauth_error(BAD, "invalid_grant", "invalid authorization code");
    }
    if code.expires_ms <= now {
        return oauth_error(BAD, "invalid_grant", "expired authorization code");
    }
    if code.host != ctx.host {
        return oauth_error(BAD, "invalid_grant", "authentication failure");
    }
    if field(form, "redirect_uri") != Some(code.redirect_uri.as_str()) {
        return oauth_error(
            BAD,
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    if let Some(challenge) = &code.challenge {
        let Some(verifier) = field(form, "code_verifier") else {
            return oauth_error(BAD, "invalid_grant", "authentication failure");
        };
        if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
            return oauth_error(BAD, "invalid_grant", "invalid code verifier");
        }
    }
    // Single use: the code is spent (removed) once every check has passed, as a retry with
    // the corrected verifier is how a real client recovers from a typo it made itself.
    let code = state.codes.remove(code_value).expect("looked up above");
    let grant_id = state.create_grant(app, &code, now);
    let refresh = state.grant(grant_id).and_then(|g| g.refresh_token.clone());
    respond(ctx, state, app, grant_id, refresh, now)
}

fn refresh(
    ctx: &Ctx,
    state: &mut SimState,
    app: &ConnectedApp,
    secret: Option<&str>,
    form: &[(String, String)],
) -> Response {
    let now = now_ms();
    if !secret_ok(app, secret, app.require_secret_refresh) {
        return oauth_error(BAD, "invalid_client", "invalid client credentials");
    }
    if app.blocked {
        return oauth_error(BAD, "invalid_grant", "this app is blocked by admin");
    }
    let expired = || oauth_error(BAD, "invalid_grant", "expired access/refresh token");
    let Some(presented) = field(form, "refresh_token") else {
        return oauth_error(BAD, "invalid_request", "refresh_token is required");
    };
    let index = match state.lookup_refresh(presented) {
        RefreshLookup::Current(i) => i,
        RefreshLookup::Retired(i) => {
            // Replay of a rotated-out token: Salesforce assumes theft and kills the grant.
            let id = state.grants[i].id;
            state.revoke_grant(id);
            return expired();
        }
        RefreshLookup::Unknown => return expired(),
    };
    let grant = &state.grants[index];
    if grant.revoked
        || grant.client_id != app.client_id
        || grant.refresh_expires_ms.is_some_and(|t| t <= now)
    {
        return expired();
    }
    // A refresh token only works at the login host family it was issued by: a sandbox's at the
    // sandbox host, a production org's at production (My Domain and instance hosts serve their
    // own org).
    let org_allowed = state
        .org(&grant.org_id)
        .is_some_and(|org| ctx.sim.login_allowed(ctx.host, org));
    if !org_allowed {
        return oauth_error(BAD, "invalid_grant", "authentication failure");
    }
    if state
        .user(&grant.user_id)
        .is_none_or(|u| !u.active || u.frozen)
    {
        return oauth_error(BAD, "inactive_user", "user is inactive");
    }
    let grant_id = grant.id;
    if let RefreshPolicy::ExpireIfNotUsedFor { seconds } = app.refresh_policy {
        state.grants[index].refresh_expires_ms = Some(now + seconds as i64 * 1000);
    }
    let rotated = app
        .rotate_refresh_tokens
        .then(|| state.rotate_refresh(index));
    respond(ctx, state, app, grant_id, rotated, now)
}

/// Builds the token response for a grant, minting a fresh access token.
fn respond(
    ctx: &Ctx,
    state: &mut SimState,
    app: &ConnectedApp,
    grant_id: u64,
    refresh: Option<String>,
    now: i64,
) -> Response {
    let Some(access) = state.issue_access(grant_id, now) else {
        return oauth_error(BAD, "invalid_grant", "authentication failure");
    };
    let grant = state.grant(grant_id).expect("just issued");
    let Some(org) = state.org(&grant.org_id) else {
        return oauth_error(BAD, "inactive_org", "org is not active");
    };
    let id = format!(
        "{}/id/{}/{}",
        ctx.sim.url(grant.host),
        grant.org_id,
        grant.user_id
    );
    let issued_at = now.to_string();
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access));
    if let Some(refresh) = refresh {
        body.insert("refresh_token".into(), json!(refresh));
    }
    body.insert("signature".into(), json!(signature(app, &id, &issued_at)));
    body.insert("scope".into(), json!(grant.scopes.join(" ")));
    body.insert(
        "instance_url".into(),
        json!(ctx.sim.urls.instances[org.instance]),
    );
    body.insert("id".into(), json!(id));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("issued_at".into(), json!(issued_at));
    (StatusCode::OK, Json(Value::Object(body))).into_response()
}

/// Base64(HMAC-SHA256(client secret, id + issued_at)); public clients are keyed by their id,
/// standing in for the consumer secret Salesforce always holds internally.
pub fn signature(app: &ConnectedApp, id: &str, issued_at: &str) -> String {
    let key = app.client_secret.as_deref().unwrap_or(&app.client_id);
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(id.as_bytes());
    mac.update(issued_at.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}
