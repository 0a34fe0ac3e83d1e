//! App and user policies that decide how a connection breaks: secrets per flow, refresh tokens
//! bound to their login host, idle expiry, frozen users, blocked apps, apps without offline
//! access, and the identity entry of the resources list.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Registers a variant of the seeded confidential app under `client_id`.
async fn app(sim: &salesforce_sim::RunningSim, client_id: &str, changes: serde_json::Value) {
    let mut body = json!({
        "name": client_id,
        "client_id": client_id,
        "client_secret": format!("{client_id}-secret"),
        "callback_urls": [CALLBACK],
    });
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, answer) = sim_control(sim, Method::POST, "/__sim/apps", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
}

async fn sign_in(
    sim: &salesforce_sim::RunningSim,
    host: &str,
    client_id: &str,
    user: (&str, &str),
    scope: &str,
) -> serde_json::Value {
    let code = Authorize {
        client_id,
        scope,
        ..Authorize::new(host)
    }
    .code(user)
    .await;
    let secret = format!("{client_id}-secret");
    let (status, body) = post_token(
        host,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", client_id),
            ("client_secret", &secret),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let _ = sim;
    body
}

#[tokio::test]
async fn secrets_are_required_per_flow_as_the_app_says() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    app(
        &sim,
        "pkce-only",
        json!({ "require_secret_web_server": false, "require_secret_refresh": false }),
    )
    .await;
    let code = Authorize {
        client_id: "pkce-only",
        ..Authorize::new(host)
    }
    .code(ADMIN)
    .await;
    let without_secret = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", "pkce-only"),
        ("code_verifier", VERIFIER),
    ];
    let (status, token) = post_token(host, &without_secret).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "PKCE alone, as the guide's optional secret: {token}"
    );
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, _) = post_token(
        host,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", "pkce-only"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = refresh(host, "pkce-only", "a wrong secret", rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client")),
        "a wrong secret is still wrong"
    );

    app(
        &sim,
        "secret-for-refresh",
        json!({ "require_secret_web_server": false }),
    )
    .await;
    let token = sign_in(&sim, host, "secret-for-refresh", ADMIN, "api refresh_token").await;
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, body) = post_token(
        host,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", "secret-for-refresh"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client"))
    );
}

#[tokio::test]
async fn a_sandbox_refresh_token_fails_at_production() {
    let sim = start().await;
    let sandbox = &sim.urls.login_sandbox;
    let code = Authorize::new(sandbox)
        .code(("admin@acme.sim.uat", "admin-pass-1"))
        .await;
    let (status, token) = exchange(sandbox, &code).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, body) = refresh(&sim.urls.login_production, CLIENT_ID, CLIENT_SECRET, rt).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "authentication failure"})
        )
    );
    assert_eq!(
        refresh(sandbox, CLIENT_ID, CLIENT_SECRET, rt).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn frozen_users_and_blocked_apps_end_refreshes() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let token = login(&sim, ADMIN).await;
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, _) = control(
        host,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({ "frozen": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = refresh(host, CLIENT_ID, CLIENT_SECRET, rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("inactive_user"))
    );
    let page = Authorize::new(host).submit(ADMIN, true).await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "a frozen user stays on the sign-in page"
    );
    control(
        host,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({ "frozen": false })),
    )
    .await;
    assert_eq!(
        refresh(host, CLIENT_ID, CLIENT_SECRET, rt).await.0,
        StatusCode::OK
    );

    app(&sim, "soon-blocked", json!({})).await;
    let token = sign_in(&sim, host, "soon-blocked", ADMIN, "api refresh_token").await;
    app(&sim, "soon-blocked", json!({ "blocked": true })).await;
    let (status, body) = refresh(
        host,
        "soon-blocked",
        "soon-blocked-secret",
        token["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "this app is blocked by admin"})
        )
    );
}

#[tokio::test]
async fn an_idle_refresh_token_expires_and_use_keeps_it_alive() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    app(
        &sim,
        "idle-zero",
        json!({ "refresh_policy": { "kind": "expire_if_not_used_for", "seconds": 0 } }),
    )
    .await;
    let token = sign_in(&sim, host, "idle-zero", ADMIN, "api refresh_token").await;
    let (status, body) = refresh(
        host,
        "idle-zero",
        "idle-zero-secret",
        token["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("expired access/refresh token")
        )
    );

    app(
        &sim,
        "idle-hour",
        json!({ "refresh_policy": { "kind": "expire_if_not_used_for", "seconds": 3600 } }),
    )
    .await;
    let token = sign_in(&sim, host, "idle-hour", ADMIN, "api refresh_token").await;
    let rt = token["refresh_token"].as_str().unwrap();
    for _ in 0..3 {
        assert_eq!(
            refresh(host, "idle-hour", "idle-hour-secret", rt).await.0,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn an_app_without_offline_access_gives_no_refresh_token() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    app(&sim, "online-only", json!({ "scopes": ["api", "id"] })).await;
    let token = sign_in(
        &sim,
        host,
        "online-only",
        ADMIN,
        "api refresh_token offline_access",
    )
    .await;
    assert!(token.get("refresh_token").is_none(), "{token}");
    assert_eq!(token["scope"], "api");
}

#[tokio::test]
async fn the_resources_list_names_identity_and_only_what_is_served() {
    let sim = start().await;
    let token = login(&sim, ADMIN).await;
    let (status, _, body) = api_get(&token, "/services/data/v67.0/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["identity"], token["id"], "{body}");
    for absent in ["recent", "tooling"] {
        assert!(body.get(absent).is_none(), "{absent} is not served: {body}");
    }
    assert_eq!(body["composite"], "/services/data/v67.0/composite");
}
