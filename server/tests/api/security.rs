//! Cross-site request refusal and security headers on every kind of response.

use crate::helpers::*;

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let w = world().await;
    let app = &w.app;
    let form = [("email", "admin@acme.example"), ("password", PASSWORD)];
    let cross_site = app
        .client
        .post(app.url("/api/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let evil_origin = app
        .client
        .post(app.url("/api/auth/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(evil_origin.status(), 403);
    let same_site = app
        .client
        .post(app.url("/api/auth/login"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 303);
    let get = app
        .client
        .get(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405, "state changes never happen on GET");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let w = world().await;
    let app = &w.app;
    app.login("admin@acme.example").await;
    let mut nonces = Vec::new();
    let css = app.get(&format!("/pkg/{TEST_ASSET_NAME}.css")).await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css");
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
    assert!(
        css.headers().get("set-cookie").is_none(),
        "assets never touch the session"
    );
    assert_eq!(app.get("/pkg/../Cargo.toml").await.status(), 404);
    for path in [
        "/",
        "/login",
        "/o/acme/settings/integrations",
        "/no/such/page",
        "/healthz",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        for directive in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS on plain http"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .to_string();
        if path != "/healthz" {
            let body = response.text().await.unwrap();
            assert!(
                body.contains(&format!(r#"nonce="{nonce}""#)),
                "{path}: the page's scripts carry the header's nonce"
            );
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce on every response");
}

#[tokio::test]
async fn https_origins_get_host_prefixed_secure_cookies_and_hsts() {
    use domain::vault::Vault;

    let keys = Vault::generate_key_ring();
    let mut settings = settings(&fresh_database_url().await, &keys);
    settings.public_origins = vec![
        "https://sofie.example.com".parse().unwrap(),
        "https://staging.sofie.example.com".parse().unwrap(),
    ];
    let app = spawn_with(&settings).await;
    app.user("ann@example.com", "Ann").await;
    let login = |origin: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("origin", origin)
            .header("accept", "text/html")
            .form(&[("email", "ann@example.com"), ("password", PASSWORD)])
            .send()
    };
    let response = login("https://staging.sofie.example.com").await.unwrap();
    assert_eq!(response.status(), 303, "every configured origin may post");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-sofie=")
            && cookie.contains("Secure")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    assert_eq!(
        login("http://sofie.example.com").await.unwrap().status(),
        403,
        "not a configured origin"
    );

    settings.public_origins = vec!["http://sofie.example.com".parse().unwrap()];
    let err = server::startup::Application::build(&settings)
        .await
        .err()
        .expect("plain http is refused");
    assert!(err.to_string().contains("must use https"), "{err}");
    settings.public_origins = vec!["https://sofie.example.com/app".parse().unwrap()];
    assert!(
        server::startup::Application::build(&settings)
            .await
            .is_err(),
        "an origin has no path"
    );
}

#[tokio::test]
async fn request_logs_hold_no_query_strings_or_cookies() {
    let w = world().await;
    let app = &w.app;
    let response = app.login("mia@acme.example").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let value = cookie.trim_start_matches("sofie=").to_string();
    app.get("/login?code=QUERYSENTINEL42&state=abc").await;
    app.client
        .get(app.url("/healthz"))
        .header("authorization", "Bearer AUTHSENTINEL42")
        .send()
        .await
        .unwrap();
    let logs = captured_logs();
    assert!(logs.contains("/login"), "the request was logged");
    for secret in [
        "QUERYSENTINEL42",
        "AUTHSENTINEL42",
        value.as_str(),
        PASSWORD,
    ] {
        let leaked: Vec<_> = logs.lines().filter(|l| l.contains(secret)).collect();
        assert!(leaked.is_empty(), "log lines hold {secret}: {leaked:?}");
    }
}
