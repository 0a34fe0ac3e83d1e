//! The `/__sim/` control API: faults, call counts, run-time users and apps, settings, reset.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn faults_answer_the_next_calls_then_stop() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let base = &sim.urls.instances[0];
    let fault = json!({"count": 2, "status": 503, "path_prefix": "/services/data"});
    assert_eq!(
        control(base, Method::POST, "/__sim/faults", Some(fault))
            .await
            .0,
        StatusCode::CREATED
    );
    for _ in 0..2 {
        let (status, _, body) = api_get(&t, "/services/data/v67.0/limits").await;
        assert_eq!(
            (status, body[0]["errorCode"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("SERVER_UNAVAILABLE"))
        );
    }
    assert_eq!(
        api_get(&t, "/services/data/v67.0/limits").await.0,
        StatusCode::OK
    );
    let custom = json!({"status": 400, "body": [{"message": "unable to obtain exclusive access to this record", "errorCode": "UNABLE_TO_LOCK_ROW"}]});
    control(base, Method::POST, "/__sim/faults", Some(custom)).await;
    let (_, _, body) = api_get(&t, "/services/data/v67.0/limits").await;
    assert_eq!(body[0]["errorCode"], "UNABLE_TO_LOCK_ROW");
    let oauth_fault = json!({"status": 400, "body": {"error": "invalid_grant", "error_description": "expired access/refresh token"}, "path_prefix": "/services/oauth2/token"});
    control(base, Method::POST, "/__sim/faults", Some(oauth_fault)).await;
    let (status, body) = refresh(
        &sim.urls.login_production,
        CLIENT_ID,
        CLIENT_SECRET,
        t["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let slow = json!({"delay_ms": 300});
    control(base, Method::POST, "/__sim/faults", Some(slow)).await;
    let started = std::time::Instant::now();
    assert_eq!(
        api_get(&t, "/services/data/v67.0/limits").await.0,
        StatusCode::OK
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    control(
        base,
        Method::POST,
        "/__sim/faults",
        Some(json!({"count": 5, "status": 500})),
    )
    .await;
    assert_eq!(
        control(base, Method::DELETE, "/__sim/faults", None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api_get(&t, "/services/data/v67.0/limits").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn calls_are_counted_per_route() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    soql(&t, "SELECT Id FROM Account").await;
    soql(&t, "SELECT Id FROM Contact").await;
    let (_, calls) = control(&sim.urls.login_sandbox, Method::GET, "/__sim/calls", None).await;
    assert_eq!(calls["GET /services/data/{version}/query"], 2);
    assert_eq!(calls["POST /services/oauth2/token"], 1);
    assert_eq!(calls["POST /services/oauth2/authorize"], 1);
    control(
        &sim.urls.login_sandbox,
        Method::DELETE,
        "/__sim/calls",
        None,
    )
    .await;
    let (_, calls) = control(&sim.urls.login_sandbox, Method::GET, "/__sim/calls", None).await;
    assert_eq!(calls, json!({}));
}

#[tokio::test]
async fn run_time_users_apps_settings_and_reset() {
    let sim = start().await;
    let login_host = &sim.urls.login_production;
    let (status, user) = control(
        login_host,
        Method::POST,
        "/__sim/users",
        Some(json!({"username": "new@acme.sim", "password": "pw-123456"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(user["user_id"].as_str().unwrap().starts_with("005"));
    let app = json!({"name": "Test", "client_id": "test-app", "callback_urls": ["http://127.0.0.1:1/cb"], "require_pkce": false});
    control(login_host, Method::POST, "/__sim/apps", Some(app)).await;
    let auth = Authorize {
        client_id: "test-app",
        redirect_uri: "http://127.0.0.1:1/cb",
        challenge: None,
        ..Authorize::new(login_host)
    };
    let code = auth.code(("new@acme.sim", "pw-123456")).await;
    let (status, token) = post_token(
        login_host,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", auth.redirect_uri),
            ("client_id", "test-app"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    let (_, r) = soql(&token, "SELECT Id FROM Account WHERE AnnualRevenue > 0").await;
    assert_eq!(
        r[0]["errorCode"], "INVALID_FIELD",
        "run-time users default to Standard User"
    );

    let (_, settings) = control(
        login_host,
        Method::POST,
        "/__sim/settings",
        Some(json!({"query_batch_size": 7, "access_token_ttl_secs": 1})),
    )
    .await;
    assert_eq!(settings["query_batch_size"], 7);
    let admin = login(&sim, ADMIN).await;
    let (_, page) = soql(&admin, "SELECT Id FROM Account").await;
    assert_eq!(page["records"].as_array().unwrap().len(), 7);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        api_get(&admin, "/services/data/v67.0/limits").await.0,
        StatusCode::UNAUTHORIZED,
        "ttl of 1 s"
    );

    let admin = login(&sim, ADMIN).await;
    let (_, created) = send(
        &admin,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Temp"}),
    )
    .await;
    control(login_host, Method::POST, "/__sim/reset", None).await;
    assert_eq!(
        api_get(&admin, "/services/data/v67.0/limits").await.0,
        StatusCode::UNAUTHORIZED,
        "reset drops tokens"
    );
    let admin = login(&sim, ADMIN).await;
    let path = format!(
        "/services/data/v67.0/sobjects/Account/{}",
        created["id"].as_str().unwrap()
    );
    assert_eq!(
        api_get(&admin, &path).await.0,
        StatusCode::NOT_FOUND,
        "reset restores the seed"
    );
    let (_, page) = soql(&admin, "SELECT Id FROM Account").await;
    assert_eq!(
        page["records"].as_array().unwrap().len(),
        40,
        "reset restores the batch size"
    );
    let (_, urls) = control(login_host, Method::GET, "/__sim/urls", None).await;
    assert_eq!(urls["instances"][0], sim.urls.instances[0].as_str());
}

#[tokio::test]
async fn a_profile_change_applies_to_the_next_request() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    assert_eq!(
        soql(&t, "SELECT AnnualRevenue FROM Account LIMIT 1")
            .await
            .0,
        StatusCode::OK
    );
    let change = json!({"profile": "Standard User"});
    let (status, body) = sim_control(
        &sim,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(change),
    )
    .await;
    assert_eq!(
        (status, body["profile"].as_str()),
        (StatusCode::OK, Some("Standard User"))
    );
    let (status, body) = soql(&t, "SELECT AnnualRevenue FROM Account LIMIT 1").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );
}

#[tokio::test]
async fn without_api_enabled_sign_in_works_and_every_rest_call_is_refused() {
    let sim = start().await;
    let login_host = &sim.urls.login_production;
    let t = login(&sim, STANDARD_USER).await;
    let off = json!({"api_enabled": false});
    let path = "/__sim/users/standard@acme.sim";
    let (status, user) = control(login_host, Method::PATCH, path, Some(off)).await;
    assert_eq!(
        (status, &user["api_enabled"]),
        (StatusCode::OK, &json!(false))
    );
    let (status, _, body) = api_get(&t, "/services/data/v67.0/sobjects").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!([{"message": "API is disabled for this User", "errorCode": "API_CURRENTLY_DISABLED"}])
    );
    // Sign-in itself is not an API call.
    assert!(login(&sim, STANDARD_USER).await["access_token"].is_string());
    control(
        login_host,
        Method::PATCH,
        path,
        Some(json!({"api_enabled": true})),
    )
    .await;
    assert_eq!(
        api_get(&t, "/services/data/v67.0/sobjects").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_app_change_answers_only_once_it_has_propagated() {
    let sim = start().await;
    let login_host = &sim.urls.login_production;
    let registered = |callback: &str| json!({"name": "Moving", "client_id": "moving-app", "callback_urls": [callback], "require_pkce": false});
    control(
        login_host,
        Method::POST,
        "/__sim/apps",
        Some(registered("http://127.0.0.1:1/old")),
    )
    .await;
    let (status, _) = control(
        login_host,
        Method::POST,
        "/__sim/apps?propagates_in_ms=400",
        Some(registered("http://127.0.0.1:1/new")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let authorize = |redirect_uri: &'static str| {
        let url = format!("{login_host}/services/oauth2/authorize");
        async move {
            http()
                .get(url)
                .query(&[
                    ("response_type", "code"),
                    ("client_id", "moving-app"),
                    ("redirect_uri", redirect_uri),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Until it has propagated Salesforce knows the old callback only.
    assert_eq!(authorize("http://127.0.0.1:1/old").await, StatusCode::OK);
    assert_ne!(authorize("http://127.0.0.1:1/new").await, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
    assert_eq!(authorize("http://127.0.0.1:1/new").await, StatusCode::OK);
    assert_ne!(authorize("http://127.0.0.1:1/old").await, StatusCode::OK);
}
