//! Revoke, UserInfo, the identity URL, introspection and OIDC discovery.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::clock::{now_ms, sf_datetime};
use crate::config::UserConfig;
use crate::oauth::tokens::{Grant, RefreshLookup};
use crate::oauth::{bearer, client_credentials, field, oauth_error, parse_form};
use crate::rest::LATEST_VERSION;
use crate::server::Ctx;
use crate::state::Host;

pub async fn revoke_post(State(ctx): State<Ctx>, body: Bytes) -> Response {
    match parse_form(&body) {
        Ok(form) => revoke(&ctx, field(&form, "token")),
        Err(response) => response,
    }
}

pub async fn revoke_get(
    State(ctx): State<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    revoke(&ctx, q.get("token").map(String::as_str))
}

/// An access token revokes its session only; a refresh token revokes its whole grant.
fn revoke(ctx: &Ctx, token: Option<&str>) -> Response {
    let Some(token) = token else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    let mut state = ctx.sim.lock();
    if let Some(access) = state.access.get_mut(token) {
        access.revoked = true;
        return StatusCode::OK.into_response();
    }
    match state.lookup_refresh(token) {
        RefreshLookup::Current(i) | RefreshLookup::Retired(i) => {
            let id = state.grants[i].id;
            state.revoke_grant(id);
            StatusCode::OK.into_response()
        }
        RefreshLookup::Unknown => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_token", "invalid token")
        }
    }
}

/// The identity service answers a bad token with a bare 403 `Bad_OAuth_Token`.
fn bad_token() -> Response {
    (StatusCode::FORBIDDEN, "Bad_OAuth_Token").into_response()
}

/// (user, login host of the grant, whether the app is installed) for a live bearer token.
fn token_user(ctx: &Ctx, headers: &HeaderMap) -> Option<(UserConfig, Host, bool)> {
    let token = bearer(headers)?;
    let state = ctx.sim.lock();
    let access = state.live_access(token, now_ms())?;
    let grant = state.grant(access.grant_id)?;
    let user = state.user(&access.user_id)?.clone();
    let installed = state.app(&access.client_id).is_some_and(|a| a.installed);
    Some((user, grant.host, installed))
}

fn instance_of(ctx: &Ctx, org_id: &str) -> String {
    let state = ctx.sim.lock();
    let n = state.org(org_id).map(|o| o.instance).unwrap_or(0);
    ctx.sim.urls.instances[n].clone()
}

fn urls(instance: &str, user: &UserConfig, version: &str) -> Value {
    let org = &user.org_id;
    json!({
        "enterprise": format!("{instance}/services/Soap/c/{version}/{org}"),
        "metadata": format!("{instance}/services/Soap/m/{version}/{org}"),
        "partner": format!("{instance}/services/Soap/u/{version}/{org}"),
        "rest": format!("{instance}/services/data/v{version}/"),
        "sobjects": format!("{instance}/services/data/v{version}/sobjects/"),
        "search": format!("{instance}/services/data/v{version}/search/"),
        "query": format!("{instance}/services/data/v{version}/query/"),
        "recent": format!("{instance}/services/data/v{version}/recent/"),
        "tooling_soap": format!("{instance}/services/Soap/T/{version}/{org}"),
        "tooling_rest": format!("{instance}/services/data/v{version}/tooling/"),
        "profile": format!("{instance}/{}", user.user_id),
        "feeds": format!("{instance}/services/data/v{version}/chatter/feeds"),
        "groups": format!("{instance}/services/data/v{version}/chatter/groups"),
        "users": format!("{instance}/services/data/v{version}/chatter/users"),
        "feed_items": format!("{instance}/services/data/v{version}/chatter/feed-items"),
        "feed_elements": format!("{instance}/services/data/v{version}/chatter/feed-elements"),
        "custom_domain": instance,
    })
}

fn photos(instance: &str) -> Value {
    json!({ "picture": format!("{instance}/profilephoto/005/F"), "thumbnail": format!("{instance}/profilephoto/005/T") })
}

const UPDATED: i64 = 1_735_689_600_000; // 2025-01-01: a fixed "last modified" keeps answers stable.

pub async fn userinfo(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let Some((user, host, installed)) = token_user(&ctx, &headers) else {
        return bad_token();
    };
    let instance = instance_of(&ctx, &user.org_id);
    let mut urls = urls(&instance, &user, "{version}");
    urls["custom_domain"] = json!(instance);
    Json(json!({
        "sub": format!("{}/id/{}/{}", ctx.sim.url(host), user.org_id, user.user_id),
        "user_id": user.user_id,
        "organization_id": user.org_id,
        "preferred_username": user.username,
        "nickname": user.username.split('@').next().unwrap_or_default(),
        "name": format!("{} {}", user.first_name, user.last_name),
        "email": user.email,
        "email_verified": true,
        "given_name": user.first_name,
        "family_name": user.last_name,
        "zoneinfo": "America/Los_Angeles",
        "photos": photos(&instance),
        "profile": format!("{instance}/{}", user.user_id),
        "picture": format!("{instance}/profilephoto/005/F"),
        "address": { "country": "US" },
        "is_salesforce_integration_user": false,
        "urls": urls,
        "active": user.active,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28800000,
        "updated_at": sf_datetime(UPDATED),
        "is_app_installed": installed,
    }))
    .into_response()
}

pub async fn identity(
    State(ctx): State<Ctx>,
    Path((org_id, user_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some((caller, host, installed)) = token_user(&ctx, &headers) else {
        return bad_token();
    };
    let subject = {
        let state = ctx.sim.lock();
        state
            .user(&user_id)
            .filter(|u| u.org_id == org_id && u.org_id == caller.org_id)
            .cloned()
    };
    let Some(user) = subject else {
        return (StatusCode::FORBIDDEN, "Bad_Id").into_response();
    };
    let version = match q.get("version").map(String::as_str) {
        Some("latest") => LATEST_VERSION.to_string(),
        Some(v) => v.to_string(),
        None => "{version}".to_string(),
    };
    let instance = instance_of(&ctx, &user.org_id);
    Json(json!({
        "id": format!("{}/id/{}/{}", ctx.sim.url(host), user.org_id, user.user_id),
        "asserted_user": user.user_id == caller.user_id,
        "user_id": user.user_id,
        "organization_id": user.org_id,
        "username": user.username,
        "nick_name": user.username.split('@').next().unwrap_or_default(),
        "display_name": format!("{} {}", user.first_name, user.last_name),
        "email": user.email,
        "email_verified": true,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": "America/Los_Angeles",
        "photos": photos(&instance),
        "addr_street": null, "addr_city": null, "addr_state": null, "addr_country": "US", "addr_zip": null,
        "mobile_phone": null,
        "mobile_phone_verified": false,
        "is_lightning_login_user": false,
        "status": { "created_date": null, "body": null },
        "urls": urls(&instance, &user, &version),
        "active": user.active,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28800000,
        "last_modified_date": sf_datetime(UPDATED),
        "is_app_installed": installed,
    }))
    .into_response()
}

/// RFC 7662. Only the app that owns a token learns anything about it.
pub async fn introspect(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let form = match parse_form(&body) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let (client_id, secret) = client_credentials(&headers, &form);
    let state = ctx.sim.lock();
    let Some(app) = client_id.as_deref().and_then(|id| state.app(id)) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "invalid client credentials",
        );
    };
    if app.client_secret.is_some() && app.client_secret.as_deref() != secret.as_deref() {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "invalid client credentials",
        );
    }
    let Some(token) = field(&form, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    let now = now_ms();
    let inactive = || Json(json!({ "active": false })).into_response();
    // RFC 7662 fields for a live token of this app's grant.
    let describe = |grant: &Grant, kind: &str, iat: i64, exp: Option<i64>| {
        let mut body = json!({
            "active": true,
            "scope": grant.scopes.join(" "),
            "client_id": app.client_id,
            "username": state.user(&grant.user_id).map(|u| u.username.clone()),
            "sub": format!("{}/id/{}/{}", ctx.sim.url(grant.host), grant.org_id, grant.user_id),
            "token_type": kind,
            "iat": iat / 1000,
            "nbf": iat / 1000,
        });
        if let Some(exp) = exp {
            body["exp"] = json!(exp / 1000);
        }
        Json(body).into_response()
    };
    let access = state
        .live_access(token, now)
        .filter(|a| a.client_id == app.client_id);
    if let Some((access, grant)) = access.and_then(|a| state.grant(a.grant_id).map(|g| (a, g))) {
        return describe(
            grant,
            "access_token",
            access.issued_ms,
            Some(access.expires_ms),
        );
    }
    if let RefreshLookup::Current(i) = state.lookup_refresh(token) {
        let g = &state.grants[i];
        let live = !g.revoked && g.refresh_expires_ms.is_none_or(|t| t > now);
        if live && g.client_id == app.client_id {
            return describe(g, "refresh_token", g.created_ms, g.refresh_expires_ms);
        }
    }
    inactive()
}

/// Discovery document shaped like login.salesforce.com's, pointing at this host.
pub async fn openid_configuration(State(ctx): State<Ctx>) -> Response {
    let base = ctx.sim.url(ctx.host).to_string();
    let scopes = [
        "api",
        "refresh_token",
        "offline_access",
        "id",
        "openid",
        "profile",
        "email",
        "address",
        "phone",
        "web",
        "full",
        "chatter_api",
        "visualforce",
        "custom_permissions",
        "lightning",
        "content",
    ];
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/services/oauth2/authorize"),
        "token_endpoint": format!("{base}/services/oauth2/token"),
        "revocation_endpoint": format!("{base}/services/oauth2/revoke"),
        "userinfo_endpoint": format!("{base}/services/oauth2/userinfo"),
        "jwks_uri": format!("{base}/id/keys"),
        "registration_endpoint": format!("{base}/services/oauth2/register"),
        "introspection_endpoint": format!("{base}/services/oauth2/introspect"),
        "scopes_supported": scopes,
        "response_types_supported": ["code", "token", "token id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "display_values_supported": ["page", "popup", "touch"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "private_key_jwt"],
        "claims_supported": [
            "active", "address", "email", "email_verified", "family_name", "given_name", "is_app_installed",
            "language", "locale", "name", "nickname", "organization_id", "phone_number", "phone_number_verified",
            "photos", "picture", "preferred_username", "profile", "sub", "updated_at", "urls", "user_id",
            "user_type", "zoneinfo"
        ],
    }))
    .into_response()
}
