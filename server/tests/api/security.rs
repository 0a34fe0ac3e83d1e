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
    let get = app.client.get(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(get.status(), 405, "state changes never happen on GET");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let w = world().await;
    let app = &w.app;
    app.login("admin@acme.example").await;
    let mut nonces = Vec::new();
    for path in ["/", "/login", "/o/acme/settings/integrations", "/no/such/page", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers.get("content-security-policy").unwrap().to_str().unwrap().to_string();
        for directive in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "'wasm-unsafe-eval'"] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS on plain http");
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        if path != "/healthz" {
            let body = response.text().await.unwrap();
            assert!(body.contains(&format!(r#"nonce="{nonce}""#)), "{path}: the page's scripts carry the header's nonce");
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce on every response");
}
