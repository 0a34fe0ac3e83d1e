//! The web server flow: the sign-in page, PKCE, codes and the token endpoint's checks.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use serde_json::json;
use sha2::Sha256;

#[tokio::test]
async fn pkce_flow_returns_salesforce_token_response() {
    let sim = start().await;
    assert_eq!(
        challenge(VERIFIER),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "RFC 7636 appendix B"
    );
    let pairs = Authorize::new(&sim.urls.login_production)
        .callback(ADMIN, true)
        .await;
    assert_eq!(param(&pairs, "state").as_deref(), Some("st-123"));
    let code = param(&pairs, "code").unwrap();
    let (status, token) = exchange(&sim.urls.login_production, &code).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(token.get("expires_in").is_none());
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "api refresh_token id");
    assert_eq!(token["instance_url"], sim.urls.instances[0].as_str());
    let issued_at = token["issued_at"].as_str().unwrap();
    assert_eq!(issued_at.len(), 13, "milliseconds as a string");
    let id = token["id"].as_str().unwrap();
    assert!(
        id.starts_with(&format!("{}/id/00D", sim.urls.login_production)),
        "{id}"
    );
    assert!(token["refresh_token"].is_string());
    assert!(token["access_token"].as_str().unwrap().starts_with("00D"));
    let mut mac = Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(format!("{id}{issued_at}").as_bytes());
    assert_eq!(token["signature"], B64.encode(mac.finalize().into_bytes()));
}

#[tokio::test]
async fn pkce_failures_and_code_reuse() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let code = Authorize::new(host).code(ADMIN).await;
    let base = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ];
    let (status, body) = post_token(host, &base).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "authentication failure"})
        )
    );
    let bad_verifier = "x".repeat(43);
    let wrong = [&base[..], &[("code_verifier", bad_verifier.as_str())]].concat();
    let (status, body) = post_token(host, &wrong).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "invalid code verifier"})
        )
    );
    let (status, _) = exchange(host, &code).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = exchange(host, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "invalid authorization code"})
    );
}

#[tokio::test]
async fn token_endpoint_checks_secret_redirect_and_host() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let code = Authorize::new(host).code(ADMIN).await;
    let form = |secret: &'static str, redirect: &'static str| {
        [
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect),
            ("client_id", CLIENT_ID),
            ("client_secret", secret),
            ("code_verifier", VERIFIER),
        ]
    };
    let with_code = |f: [(&'static str, &'static str); 5], code: &str| {
        let mut v: Vec<(String, String)> = f
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.push(("code".into(), code.into()));
        v
    };
    let (status, body) = post_token_owned(host, &with_code(form("wrong", CALLBACK), &code)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client"))
    );
    let (_, body) = post_token_owned(
        host,
        &with_code(form(CLIENT_SECRET, "http://localhost:3000/other"), &code),
    )
    .await;
    assert_eq!(body["error"], "redirect_uri_mismatch");
    let (_, body) = post_token_owned(
        &sim.urls.login_sandbox,
        &with_code(form(CLIENT_SECRET, CALLBACK), &code),
    )
    .await;
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "authentication failure"})
    );
    let (_, body) = post_token(
        host,
        &[("grant_type", "authorization_code"), ("client_id", "nope")],
    )
    .await;
    assert_eq!(body["error"], "invalid_client_id");
    let (_, body) = post_token(
        host,
        &[("grant_type", "password"), ("client_id", CLIENT_ID)],
    )
    .await;
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn page_errors_are_not_redirected() {
    let sim = start().await;
    let url = format!("{}/services/oauth2/authorize", sim.urls.login_production);
    for (client, redirect, error) in [
        ("nope", CALLBACK, "invalid_client_id"),
        (
            CLIENT_ID,
            "http://localhost:3000/api/integrations/callback/salesforce/",
            "redirect_uri_mismatch",
        ),
        (CLIENT_ID, "", "redirect_uri_missing"),
    ] {
        let response = http()
            .get(&url)
            .query(&[
                ("response_type", "code"),
                ("client_id", client),
                ("redirect_uri", redirect),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get("location").is_none());
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains(&format!("error={error}"))
        );
    }
}

#[tokio::test]
async fn redirected_errors_echo_state() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    let denied = Authorize::new(host).callback(ADMIN, false).await;
    assert_eq!(param(&denied, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&denied, "state").as_deref(), Some("st-123"));
    let blocked = Authorize {
        client_id: "blocked-client",
        ..Authorize::new(host)
    }
    .callback(ADMIN, true)
    .await;
    assert_eq!(
        param(&blocked, "error").as_deref(),
        Some("OAUTH_APP_BLOCKED")
    );
    assert_eq!(
        param(&blocked, "error_description").as_deref(),
        Some("this app is blocked by admin")
    );
    let not_installed = Authorize {
        client_id: "not-installed-client",
        ..Authorize::new(host)
    }
    .callback(ADMIN, true)
    .await;
    assert_eq!(
        param(&not_installed, "error").as_deref(),
        Some("OAUTH_APP_ACCESS_DENIED")
    );
    let scope = Authorize {
        scope: "api chatter_api",
        ..Authorize::new(host)
    };
    let response = http()
        .get(format!("{host}/services/oauth2/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("scope", scope.scope),
            ("state", "s"),
        ])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains("error=invalid_scope") && location.contains("state=s"),
        "{location}"
    );
    let no_pkce = Authorize {
        challenge: None,
        ..Authorize::new(host)
    };
    let response = http()
        .get(format!("{host}/services/oauth2/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("state", no_pkce.state),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=invalid_request")
    );
}

#[tokio::test]
async fn wrong_password_and_wrong_login_host_stay_on_the_page() {
    let sim = start().await;
    let response = Authorize::new(&sim.urls.login_production)
        .submit((ADMIN.0, "nope"), true)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("check your username and password")
    );
    let sandbox_user = ("admin@acme.sim.uat", "admin-pass-1");
    let response = Authorize::new(&sim.urls.login_production)
        .submit(sandbox_user, true)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let code = Authorize::new(&sim.urls.login_sandbox)
        .code(sandbox_user)
        .await;
    let (status, token) = exchange(&sim.urls.login_sandbox, &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(token["instance_url"], sim.urls.instances[1].as_str());
    assert!(
        token["id"]
            .as_str()
            .unwrap()
            .starts_with(&sim.urls.login_sandbox)
    );
    let code = Authorize::new(&sim.urls.login_mydomain).code(ADMIN).await;
    assert_eq!(
        exchange(&sim.urls.login_mydomain, &code).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn no_refresh_token_without_the_scope() {
    let sim = start().await;
    let code = Authorize {
        scope: "api",
        ..Authorize::new(&sim.urls.login_production)
    }
    .code(ADMIN)
    .await;
    let (_, token) = exchange(&sim.urls.login_production, &code).await;
    assert!(token.get("refresh_token").is_none());
    assert_eq!(token["scope"], "api");
}

#[tokio::test]
async fn an_instance_host_signs_in_the_orgs_it_hosts() {
    let sim = start().await;
    let code = Authorize::new(&sim.urls.instances[0]).code(ADMIN).await;
    let (status, token) = exchange(&sim.urls.instances[0], &code).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(
        token["id"]
            .as_str()
            .unwrap()
            .starts_with(&sim.urls.instances[0])
    );
    let response = Authorize::new(&sim.urls.instances[1])
        .submit(ADMIN, true)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "Acme is not hosted on instance 1: the form again"
    );
}

#[tokio::test]
async fn expired_codes_basic_auth_and_other_authorize_outcomes() {
    let sim = start().await;
    let host = &sim.urls.login_production;
    control(
        host,
        reqwest::Method::POST,
        "/__sim/settings",
        Some(json!({"auth_code_ttl_secs": 0})),
    )
    .await;
    let code = Authorize::new(host).code(ADMIN).await;
    assert_eq!(
        exchange(host, &code).await.1,
        json!({"error": "invalid_grant", "error_description": "expired authorization code"})
    );
    control(
        host,
        reqwest::Method::POST,
        "/__sim/settings",
        Some(json!({"auth_code_ttl_secs": 900})),
    )
    .await;
    let code = Authorize::new(host).code(ADMIN).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let response = http()
        .post(format!("{host}/services/oauth2/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "client authentication by HTTP Basic"
    );
    let authorize = |extra: (&'static str, &'static str)| {
        let host = host.clone();
        async move {
            let query = [
                ("response_type", "code"),
                ("client_id", CLIENT_ID),
                ("redirect_uri", CALLBACK),
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                extra,
            ];
            let response = http()
                .get(format!("{host}/services/oauth2/authorize"))
                .query(&query)
                .send()
                .await
                .unwrap();
            response.headers()["location"].to_str().unwrap().to_string()
        }
    };
    assert!(
        authorize(("immediate", "true"))
            .await
            .contains("error=immediate_unsuccessful")
    );
    assert!(
        authorize(("code_challenge_method", "plain"))
            .await
            .contains("error=invalid_request")
    );
    let get = http()
        .get(format!("{host}/services/oauth2/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::BAD_REQUEST);
}
