//! The test-control API under `/__sim/`, served on every host. JSON in, JSON out.

mod faults;
mod records;
mod setup;

pub use faults::{After, Fault, cut_off};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::clock::now_ms;
use crate::config::{ConnectedApp, Profile, UserConfig};
use crate::ids;
use crate::server::Ctx;

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/__sim/urls", get(urls))
        .route("/__sim/reset", post(reset))
        .route("/__sim/apps", post(register_app))
        .route("/__sim/users", post(register_user))
        .route("/__sim/users/{username}/revoke-tokens", post(revoke_user))
        .route("/__sim/users/{username}", patch(change_user))
        .route("/__sim/tokens/expire", post(expire_tokens))
        .route(
            "/__sim/faults",
            post(faults::add_fault).delete(faults::clear_faults),
        )
        .route("/__sim/orgs/{org_id}/move", post(move_org))
        .route("/__sim/orgs/{org_id}/api-usage", post(set_api_usage))
        .route("/__sim/settings", post(settings))
        .route("/__sim/calls", get(calls))
        .route("/__sim/calls", delete(clear_calls))
        .merge(setup::routes())
        .merge(records::routes())
}

fn problem(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn urls(State(ctx): State<Ctx>) -> Response {
    Json(&ctx.sim.urls).into_response()
}

async fn reset(State(ctx): State<Ctx>) -> Response {
    ctx.sim.reset();
    Json(json!({ "reset": true })).into_response()
}

/// Adds a connected app, or replaces the one with the same client id.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Propagation {
    /// Salesforce answers with the app as it was until this many milliseconds have passed.
    propagates_in_ms: Option<i64>,
}

/// Registers or replaces an app; with `?propagates_in_ms=N` the change takes effect only after
/// N ms, as Salesforce's "changes can take several minutes to propagate".
async fn register_app(
    State(ctx): State<Ctx>,
    Query(propagation): Query<Propagation>,
    Json(app): Json<ConnectedApp>,
) -> Response {
    let mut state = ctx.sim.lock();
    let body = json!({ "client_id": app.client_id });
    match propagation.propagates_in_ms {
        Some(delay) => state.propagating.push((now_ms() + delay, app)),
        None => {
            state
                .propagating
                .retain(|(_, a)| a.client_id != app.client_id);
            state.apps.retain(|a| a.client_id != app.client_id);
            state.apps.push(app);
        }
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    username: String,
    password: String,
    /// Defaults to the first org.
    org_id: Option<String>,
    /// Minted when absent.
    user_id: Option<String>,
    profile: Option<Profile>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

async fn register_user(State(ctx): State<Ctx>, Json(new): Json<NewUser>) -> Response {
    let mut state = ctx.sim.lock();
    let Some(org_id) = new
        .org_id
        .or_else(|| state.orgs.first().map(|o| o.config.id.clone()))
    else {
        return problem(StatusCode::BAD_REQUEST, "no org to add the user to".into());
    };
    if state.org(&org_id).is_none() {
        return problem(StatusCode::BAD_REQUEST, format!("unknown org {org_id}"));
    }
    if state
        .users
        .iter()
        .any(|u| u.username.eq_ignore_ascii_case(&new.username))
    {
        return problem(
            StatusCode::CONFLICT,
            format!("username {} is taken", new.username),
        );
    }
    let user_id = new
        .user_id
        .unwrap_or_else(|| ids::make("005", "Rt", state.users.len() as u64 + 100));
    if ids::canonical(&user_id).as_deref() != Some(user_id.as_str()) || !user_id.starts_with("005")
    {
        return problem(
            StatusCode::BAD_REQUEST,
            format!("{user_id} is not an 18-character 005 id"),
        );
    }
    let user = UserConfig {
        email: new.email.unwrap_or_else(|| new.username.clone()),
        username: new.username,
        password: new.password,
        org_id,
        user_id,
        profile: new.profile.unwrap_or(Profile::StandardUser),
        first_name: new.first_name.unwrap_or_else(|| "Test".into()),
        last_name: new.last_name.unwrap_or_else(|| "User".into()),
        active: true,
        frozen: false,
        api_enabled: true,
    };
    let body = json!({ "user_id": user.user_id, "org_id": user.org_id, "username": user.username });
    state.users.push(user);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn revoke_user(State(ctx): State<Ctx>, Path(username): Path<String>) -> Response {
    let mut state = ctx.sim.lock();
    let Some(user_id) = state
        .users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(&username))
        .map(|u| u.user_id.clone())
    else {
        return problem(StatusCode::NOT_FOUND, format!("unknown user {username}"));
    };
    Json(json!({ "revoked_grants": state.revoke_user(&user_id) })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    active: Option<bool>,
    frozen: Option<bool>,
    api_enabled: Option<bool>,
    profile: Option<Profile>,
    password: Option<String>,
}

/// Changes a user at run time. Freezing (`active: false`) ends their sessions at once; refreshes
/// then answer `inactive_user` and the sign-in page refuses them. A new profile applies to the
/// next request, as when an admin edits permissions (describe and FLS change under the client),
/// and so does `api_enabled`.
async fn change_user(
    State(ctx): State<Ctx>,
    Path(username): Path<String>,
    Json(change): Json<UserChange>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some(user) = state
        .users
        .iter_mut()
        .find(|u| u.username.eq_ignore_ascii_case(&username))
    else {
        return problem(StatusCode::NOT_FOUND, format!("unknown user {username}"));
    };
    user.active = change.active.unwrap_or(user.active);
    user.frozen = change.frozen.unwrap_or(user.frozen);
    user.api_enabled = change.api_enabled.unwrap_or(user.api_enabled);
    let moved = change.profile.filter(|p| *p != user.profile);
    user.profile = change.profile.unwrap_or(user.profile);
    if let Some(password) = change.password {
        user.password = password;
    }
    let body = json!({
        "username": user.username, "active": user.active, "frozen": user.frozen,
        "api_enabled": user.api_enabled, "profile": user.profile,
    });
    let (user_id, frozen) = (user.user_id.clone(), !user.active || user.frozen);
    // The user's describes changed: a client revalidating its cached copy must get the new one.
    if let Some(profile) = moved {
        let objects: Vec<&'static str> = ctx.sim.schema.objects.iter().map(|o| o.name).collect();
        state.revisions.touch_profile(profile, &objects);
    }
    if frozen {
        let now = now_ms();
        for token in state.access.values_mut().filter(|t| t.user_id == user_id) {
            token.expires_ms = token.expires_ms.min(now);
        }
    }
    Json(body).into_response()
}

async fn expire_tokens(State(ctx): State<Ctx>) -> Response {
    let n = ctx.sim.lock().expire_access_tokens(now_ms());
    Json(json!({ "expired": n })).into_response()
}

#[derive(Deserialize)]
struct Move {
    instance: usize,
}

async fn move_org(
    State(ctx): State<Ctx>,
    Path(org_id): Path<String>,
    Json(to): Json<Move>,
) -> Response {
    if to.instance >= ctx.sim.urls.instances.len() {
        return problem(
            StatusCode::BAD_REQUEST,
            format!("there is no instance {}", to.instance),
        );
    }
    let mut state = ctx.sim.lock();
    let Some(org) = state.org_mut(&org_id) else {
        return problem(StatusCode::NOT_FOUND, format!("unknown org {org_id}"));
    };
    org.instance = to.instance;
    Json(json!({ "org_id": org_id, "instance_url": ctx.sim.urls.instances[to.instance] }))
        .into_response()
}

#[derive(Deserialize)]
struct ApiUsage {
    used: Option<u64>,
    limit: Option<u64>,
}

async fn set_api_usage(
    State(ctx): State<Ctx>,
    Path(org_id): Path<String>,
    Json(usage): Json<ApiUsage>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some(org) = state.org_mut(&org_id) else {
        return problem(StatusCode::NOT_FOUND, format!("unknown org {org_id}"));
    };
    org.api_used = usage.used.unwrap_or(org.api_used);
    org.api_limit = usage.limit.unwrap_or(org.api_limit);
    Json(json!({ "used": org.api_used, "limit": org.api_limit })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    access_token_ttl_secs: Option<u64>,
    auth_code_ttl_secs: Option<u64>,
    query_batch_size: Option<usize>,
}

async fn settings(State(ctx): State<Ctx>, Json(s): Json<Settings>) -> Response {
    let mut state = ctx.sim.lock();
    if let Some(ttl) = s.access_token_ttl_secs {
        state.access_ttl_ms = ttl as i64 * 1000;
    }
    if let Some(ttl) = s.auth_code_ttl_secs {
        state.code_ttl_ms = ttl as i64 * 1000;
    }
    if let Some(size) = s.query_batch_size.filter(|n| *n > 0) {
        state.batch_size = size;
    }
    Json(json!({
        "access_token_ttl_secs": state.access_ttl_ms / 1000,
        "auth_code_ttl_secs": state.code_ttl_ms / 1000,
        "query_batch_size": state.batch_size,
    }))
    .into_response()
}

async fn calls(State(ctx): State<Ctx>) -> Response {
    Json(&ctx.sim.lock().calls).into_response()
}

async fn clear_calls(State(ctx): State<Ctx>) -> Response {
    ctx.sim.lock().calls.clear();
    StatusCode::NO_CONTENT.into_response()
}
