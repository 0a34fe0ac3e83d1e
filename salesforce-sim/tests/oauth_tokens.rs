//! Refresh policies, the approval limit, expiry, revocation and the identity endpoints.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn refresh_keeps_the_old_token_unless_rotating() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let token = login(&sim, ADMIN).await;
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, refreshed) = refresh(host, CLIENT_ID, CLIENT_SECRET, rt).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert!(refreshed.get("refresh_token").is_none());
    assert_ne!(refreshed["access_token"], token["access_token"]);
    assert_eq!(
        refresh(host, CLIENT_ID, CLIENT_SECRET, rt).await.0,
        StatusCode::OK
    );
    let (status, body) = refresh(host, CLIENT_ID, "wrong", rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client"))
    );

    let rotating = Authorize {
        client_id: "sofie-rotating-client",
        ..Authorize::new(host)
    };
    let code = rotating.code(ADMIN).await;
    let secret = "sofie-rotating-client-secret";
    let (_, first) = post_token(
        host,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", rotating.client_id),
            ("client_secret", secret),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let old = first["refresh_token"].as_str().unwrap();
    let (_, second) = refresh(host, rotating.client_id, secret, old).await;
    let new = second["refresh_token"]
        .as_str()
        .expect("rotation returns a new refresh token");
    assert_ne!(new, old);
    let (status, body) = refresh(host, rotating.client_id, secret, old).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "expired access/refresh token"})
        )
    );
    assert_eq!(
        refresh(host, rotating.client_id, secret, new).await.0,
        StatusCode::BAD_REQUEST,
        "replay revoked the grant"
    );
}

#[tokio::test]
async fn sixth_approval_revokes_the_oldest() {
    let sim = start().await;
    let mut tokens = Vec::new();
    for _ in 0..6 {
        tokens.push(login(&sim, ADMIN).await);
    }
    let rt = |i: usize| tokens[i]["refresh_token"].as_str().unwrap().to_string();
    let (status, _) = refresh(&sim.urls.login_production, CLIENT_ID, CLIENT_SECRET, &rt(0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for i in 1..6 {
        assert_eq!(
            refresh(&sim.urls.login_production, CLIENT_ID, CLIENT_SECRET, &rt(i))
                .await
                .0,
            StatusCode::OK
        );
    }
    assert_eq!(
        api_get(&tokens[0], "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn refresh_token_expiring_by_policy() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let app = json!({
        "name": "Test Expiring", "client_id": "expiring", "client_secret": "s3cret",
        "callback_urls": ["http://127.0.0.1:9/cb"], "refresh_policy": {"kind": "expire_after", "seconds": 1}
    });
    assert_eq!(
        control(host, Method::POST, "/__sim/apps", Some(app))
            .await
            .0,
        StatusCode::CREATED
    );
    let auth = Authorize {
        client_id: "expiring",
        redirect_uri: "http://127.0.0.1:9/cb",
        ..Authorize::new(host)
    };
    let code = auth.code(ADMIN).await;
    let (_, token) = post_token(
        host,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", auth.redirect_uri),
            ("client_id", "expiring"),
            ("client_secret", "s3cret"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let rt = token["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(host, "expiring", "s3cret", rt).await.0,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, body) = refresh(host, "expiring", "s3cret", rt).await;
    assert_eq!(body["error_description"], "expired access/refresh token");
}

#[tokio::test]
async fn expiry_revocation_and_moving_orgs() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let token = login(&sim, ADMIN).await;
    assert_eq!(
        api_get(&token, "/services/data/v67.0/").await.0,
        StatusCode::OK
    );
    let (_, expired) = control(host, Method::POST, "/__sim/tokens/expire", None).await;
    assert_eq!(expired["expired"], 1);
    let (status, _, body) = api_get(&token, "/services/data/v67.0/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );

    let org = token["id"]
        .as_str()
        .unwrap()
        .split('/')
        .nth(4)
        .unwrap()
        .to_string();
    control(
        host,
        Method::POST,
        &format!("/__sim/orgs/{org}/move"),
        Some(json!({"instance": 1})),
    )
    .await;
    let (_, refreshed) = refresh(
        host,
        CLIENT_ID,
        CLIENT_SECRET,
        token["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(refreshed["instance_url"], sim.urls.instances[1].as_str());
    assert_eq!(
        api_get(&refreshed, "/services/data/v67.0/").await.0,
        StatusCode::OK
    );
    let stale =
        json!({"instance_url": sim.urls.instances[0], "access_token": refreshed["access_token"]});
    assert_eq!(
        api_get(&stale, "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );

    let revoke = http()
        .post(format!("{host}/services/oauth2/revoke"))
        .form(&[("token", token["refresh_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert_eq!(
        api_get(&refreshed, "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );
    let bad = http()
        .post(format!("{host}/services/oauth2/revoke"))
        .form(&[("token", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let again = login(&sim, ADMIN).await;
    let (_, revoked) = control(
        host,
        Method::POST,
        "/__sim/users/admin@acme.sim/revoke-tokens",
        None,
    )
    .await;
    assert_eq!(revoked["revoked_grants"], 1);
    assert_eq!(
        api_get(&again, "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn identity_userinfo_introspect_discovery() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let token = login(&sim, STANDARD_USER).await;
    let access = token["access_token"].as_str().unwrap();
    let id = token["id"].as_str().unwrap();
    let identity: serde_json::Value = http()
        .get(format!("{id}?version=latest"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(identity["username"], STANDARD_USER.0);
    assert_eq!(identity["id"], id);
    assert!(
        identity["urls"]["rest"]
            .as_str()
            .unwrap()
            .ends_with("/services/data/v67.0/")
    );
    let info: serde_json::Value = http()
        .get(format!("{host}/services/oauth2/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], id);
    assert_eq!(info["preferred_username"], STANDARD_USER.0);
    let bad = http()
        .get(format!("{host}/services/oauth2/userinfo"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
    let introspect = |client: &'static str, secret: &'static str| {
        http()
            .post(format!("{host}/services/oauth2/introspect"))
            .form(&[
                ("token", access),
                ("client_id", client),
                ("client_secret", secret),
            ])
            .send()
    };
    let mine: serde_json::Value = introspect(CLIENT_ID, CLIENT_SECRET)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["active"], true);
    assert_eq!(mine["token_type"], "access_token");
    assert!(mine["exp"].as_i64().unwrap() > mine["iat"].as_i64().unwrap());
    let other: serde_json::Value =
        introspect("sofie-rotating-client", "sofie-rotating-client-secret")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(other, json!({"active": false}));
    let discovery: serde_json::Value = http()
        .get(format!("{host}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["token_endpoint"],
        format!("{host}/services/oauth2/token")
    );
}

#[tokio::test]
async fn a_frozen_user_cannot_refresh() {
    let sim = start().await;
    let token = login(&sim, STANDARD_USER).await;
    let path = "/__sim/users/standard@acme.sim";
    sim_control(&sim, Method::PATCH, path, Some(json!({"active": false}))).await;
    assert_eq!(
        api_get(&token, "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );
    let rt = token["refresh_token"].as_str().unwrap();
    let (status, body) = refresh(&sim.urls.login_production, CLIENT_ID, CLIENT_SECRET, rt).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "inactive_user", "error_description": "user is inactive"})
        )
    );
    let page = Authorize::new(&sim.urls.login_production)
        .submit(STANDARD_USER, true)
        .await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "sign-in refused: the form again"
    );
    sim_control(&sim, Method::PATCH, path, Some(json!({"active": true}))).await;
    assert_eq!(
        refresh(&sim.urls.login_production, CLIENT_ID, CLIENT_SECRET, rt)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn introspecting_refresh_tokens_and_revoking_by_get() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let token = login(&sim, ADMIN).await;
    let rt = token["refresh_token"].as_str().unwrap();
    let form = [
        ("token", rt),
        ("token_type_hint", "refresh_token"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ];
    let info: serde_json::Value = http()
        .post(format!("{host}/services/oauth2/introspect"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (info["active"].as_bool(), info["token_type"].as_str()),
        (Some(true), Some("refresh_token"))
    );
    assert!(info.get("exp").is_none(), "valid until revoked: no expiry");
    let wrong = [
        ("token", rt),
        ("client_id", CLIENT_ID),
        ("client_secret", "nope"),
    ];
    let denied = http()
        .post(format!("{host}/services/oauth2/introspect"))
        .form(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    let access = token["access_token"].as_str().unwrap();
    let revoke = http()
        .get(format!("{host}/services/oauth2/revoke"))
        .query(&[("token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert_eq!(
        api_get(&token, "/services/data/v67.0/").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(host, CLIENT_ID, CLIENT_SECRET, rt).await.0,
        StatusCode::OK,
        "revoking an access token spares the refresh token"
    );
}
