//! The edge's limits and the throttle behind a proxy: oversized and malformed requests get a clear
//! 4xx, a panic answers the error page while the process keeps serving, forwarded addresses are
//! believed only from trusted proxies, several processes share the throttle, offboarding ends
//! sessions at once.

use base64::Engine;
use reqwest::header::{ACCEPT, ORIGIN, REFERER};

use crate::cli::Sofie;
use crate::helpers::*;

#[tokio::test]
async fn an_oversized_form_answers_413_and_a_plain_form_shows_why() {
    let app = spawn_app().await;
    let huge = "x".repeat(30 * 1024 * 1024);
    let json = app
        .client
        .post(app.url("/api/auth/login"))
        .header(ORIGIN, &app.address)
        .form(&[("email", "a@b.example"), ("password", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 413);
    assert!(json.text().await.unwrap().contains("The form is too large"));

    let plain = app
        .client
        .post(app.url("/api/auth/login"))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, &app.address)
        .header(REFERER, app.url("/login"))
        .form(&[("email", "a@b.example"), ("password", &huge[..100 * 1024])])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 303);
    let back = location(&plain);
    assert!(
        back.starts_with("/login?"),
        "back to the form, on this site: {back}"
    );
    let shown = app.get(&back).await.text().await.unwrap();
    assert!(shown.contains("The form is too large"), "{shown}");
}

fn decoded_error(location: &str) -> String {
    let url = url::Url::parse(&format!("http://x{location}")).unwrap();
    let err = url
        .query_pairs()
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    String::from_utf8(
        base64::engine::general_purpose::URL_SAFE
            .decode(err)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_malformed_server_function_call_is_a_400_in_words_a_person_can_act_on() {
    let w = world().await;
    let lead = signed_in(&w, "lead@acme.example").await;
    let group = format!("/o/acme/groups/{}/settings", w.sales.id);
    let cases: [(&[(&str, &str)], &str); 2] = [
        (
            &[
                ("org", "acme"),
                ("client_id", "x"),
                ("client_secret", ""),
                ("auth_base_url", ""),
            ],
            "without its \\\"group_id\\\" field",
        ),
        (
            &[
                ("org", "acme"),
                ("group_id", "seven"),
                ("client_id", "x"),
                ("client_secret", ""),
                ("auth_base_url", ""),
            ],
            "not of the kind expected",
        ),
    ];
    for (form, says) in cases {
        let (status, body) = call(&w, &lead, "/api/salesforce/save-group", form).await;
        assert_eq!(status, 400, "{form:?}: {body}");
        assert!(body.contains(says), "{form:?}: {body}");
        for parser_words in ["missing field", "invalid digit", "Args"] {
            assert!(!body.contains(parser_words), "{body}");
        }
        let plain = w
            .app
            .post_form(&lead, "/api/salesforce/save-group", &group, form)
            .await;
        assert_eq!(plain.status(), 302, "back to the form");
        let error = decoded_error(&location(&plain));
        assert!(
            error.contains(says)
                && !error.contains("invalid digit")
                && !error.contains("missing field"),
            "{error}"
        );
    }
}

async fn boom() -> &'static str {
    panic!("a bug")
}

#[tokio::test]
async fn a_panicking_handler_answers_the_error_page_and_the_server_keeps_serving() {
    use axum::routing::get;
    use server::middleware::origin_check::AllowedOrigins;
    use server::middleware::security_headers::HeaderPolicy;
    let router = axum::Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }));
    let router = server::startup::harden(
        router,
        HeaderPolicy { https: false },
        AllowedOrigins(Default::default()),
        domain::metrics::Metrics::default(),
        "/pkg/sofie.0123456789abcdef.css".to_string(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = browser();
    let boom = client.get(format!("{address}/boom")).send().await.unwrap();
    assert_eq!(boom.status(), 500);
    assert!(
        boom.headers().contains_key("content-security-policy"),
        "headers on the error page too"
    );
    let body = boom.text().await.unwrap();
    assert!(
        body.contains("Something went wrong on our side (reference") && !body.contains("a bug"),
        "{body}"
    );
    assert!(
        body.contains("href=\"/pkg/sofie.0123456789abcdef.css\""),
        "styled with this build's stylesheet"
    );
    let fine = client.get(format!("{address}/fine")).send().await.unwrap();
    assert_eq!(fine.status(), 200, "still serving");
}

async fn failed_login(app: &TestApp, email: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/api/auth/login"))
        .header(ORIGIN, &app.address)
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", "not the password")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_noisy_address_does_not_lock_out_another() {
    let mut config = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    let app = spawn_with(&config).await;
    app.user("ann@acme.example", "Ann").await;
    let mut statuses = Vec::new();
    for i in 0..25 {
        statuses.push(
            failed_login(
                &app,
                &format!("guess{i}@acme.example"),
                "203.0.113.5, 198.51.100.7",
            )
            .await,
        );
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        5,
        "the 21st to 25th: {statuses:?}"
    );
    let other = app
        .client
        .post(app.url("/api/auth/login"))
        .header(ORIGIN, &app.address)
        .header("x-forwarded-for", "198.51.100.8")
        .form(&[("email", "ann@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another forwarded address signs in");
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_forwarded_for_changes_nothing() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..21 {
        statuses.push(
            failed_login(
                &app,
                &format!("guess{i}@acme.example"),
                &format!("198.51.100.{i}"),
            )
            .await,
        );
    }
    assert_eq!(
        statuses[20], 429,
        "the peer address is throttled whatever the header says: {statuses:?}"
    );
}

#[tokio::test]
async fn two_server_processes_share_the_per_account_limit() {
    let app = spawn_app().await;
    app.user("ann@acme.example", "Ann").await;
    let (a, b) = (
        serve(&app.database_url, &app.keys, &[]).await,
        serve(&app.database_url, &app.keys, &[]).await,
    );
    let client = browser();
    let login = |address: String, password: &'static str| {
        let client = client.clone();
        async move {
            client
                .post(format!("{address}/api/auth/login"))
                .header(ORIGIN, &address)
                .form(&[("email", "ann@acme.example"), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            login(server.address.clone(), "wrong").await,
            400,
            "failure {i}"
        );
    }
    assert_eq!(
        login(a.address.clone(), PASSWORD).await,
        429,
        "process A knows B's failures"
    );
    assert_eq!(
        login(b.address.clone(), PASSWORD).await,
        429,
        "and B knows A's"
    );
}

#[tokio::test]
async fn removing_a_member_or_disabling_a_user_ends_their_sessions_at_once() {
    let w = world().await;
    let sofie = Sofie::on(&w.app.database_url, &w.app.keys);
    let mia = signed_in(&w, "mia@acme.example").await;
    assert_eq!(
        w.app.get_with(&mia, "/o/acme/integrations").await.status(),
        200
    );
    let said = sofie.ok(&["admin", "member", "remove", "acme", "mia@acme.example"]);
    assert!(
        said.contains("removed mia@acme.example from Acme and 1 group(s); ended 1 session(s); disconnected 0 Salesforce connection(s)"),
        "{said}"
    );
    let after = w.app.get_with(&mia, "/o/acme/integrations").await;
    assert_eq!(after.status(), 302, "signed out at once");
    assert!(location(&after).starts_with("/login"));
    let again = signed_in(&w, "mia@acme.example").await;
    assert_eq!(
        w.app
            .get_with(&again, "/o/acme/integrations")
            .await
            .status(),
        404,
        "no longer a member"
    );

    let lead = signed_in(&w, "lead@acme.example").await;
    let said = sofie.ok(&["admin", "user", "disable", "lead@acme.example"]);
    assert!(
        said.contains("disabled lead@acme.example; ended 1 session(s); disconnected 0 Salesforce connection(s)"),
        "{said}"
    );
    assert_eq!(w.app.get_with(&lead, "/").await.status(), 302);
    assert_eq!(
        w.app
            .login_with(&browser(), "lead@acme.example", PASSWORD)
            .await
            .status(),
        302
    );
    assert!(
        sofie
            .fails(&["admin", "member", "remove", "acme", "nobody@acme.example"])
            .contains("not found")
    );
}

#[tokio::test]
async fn development_salesforce_origins_are_refused_when_sofie_is_served_over_https() {
    let mut config = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    config.public_origins = vec!["https://sofie.example.com".parse().unwrap()];
    config.salesforce_dev_origins = vec!["http://127.0.0.1:4010".into()];
    let refused = server::startup::Application::build(&config)
        .await
        .err()
        .expect("refused");
    assert!(
        refused
            .to_string()
            .contains("SOFIE_SALESFORCE_DEV_ORIGINS is for development only"),
        "{refused}"
    );
}
