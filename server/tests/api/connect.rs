//! People connect their own Salesforce account through the simulator's real sign-in and consent
//! pages: the happy path, every state attack, Salesforce's error answers, the callback URL per
//! origin.

use domain::entities::oauth_attempt;
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::*;
use crate::sim::*;

#[tokio::test]
async fn a_person_connects_through_salesforce_and_sees_who_they_are() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    let page_before = w.app.get_with(&mia, MY_INTEGRATIONS).await;
    let csp = page_before.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("form-action 'self' {}", sim.urls.login_production)),
        "{csp}"
    );
    let body = page_before.text().await.unwrap();
    assert!(
        body.contains("Not connected") && body.contains("Connect Salesforce"),
        "{body}"
    );

    let authorize = press_connect(w, &mia, None).await;
    let params: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], "sofie-sim-client");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["scope"], "api refresh_token offline_access");
    assert_eq!(
        params["redirect_uri"],
        format!("{}/api/integrations/callback/salesforce", w.app.address)
    );
    assert!(params["state"].len() >= 43, "256 bits of state");
    let callback = at_salesforce(&authorize, ADMIN, true).await;
    let back = arrive(w, &mia, &callback).await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), MY_INTEGRATIONS);
    assert_eq!(back.headers()["cache-control"], "no-store");
    assert_eq!(back.headers()["referrer-policy"], "no-referrer");

    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    for wanted in [
        "Connected as admin@acme.sim",
        "Acme (",
        "production",
        "api refresh_token offline_access",
        "default app",
    ] {
        assert!(shown.contains(wanted), "{wanted}: {shown}");
    }
    let row = the_connection(w).await.unwrap();
    let access = row.access_token.clone().unwrap();
    let refresh = row.refresh_token.clone().unwrap();
    assert!(
        access.starts_with("v1:") && refresh.starts_with("v1:"),
        "sealed"
    );
    assert!(row.offline);
    // The tokens the simulator issued appear nowhere: not in the page, the row in clear, a log.
    let (_, tokens) = control(sim, Method::GET, "/__sim/calls", None).await;
    assert!(tokens.is_object());
    assert!(
        !shown.contains("!AQ") && !shown.contains("5Aep861"),
        "no token in the page"
    );
    assert!(
        !captured_logs().contains("5Aep861"),
        "no refresh token in a log line"
    );
    let again = arrive(w, &mia, &callback).await;
    assert_eq!(again.status(), 400, "a replayed callback is refused");
}

#[tokio::test]
async fn returns_that_do_not_belong_to_this_connect_are_refused_before_any_token_request() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    let authorize = press_connect(w, &mia, None).await;
    let callback = at_salesforce(&authorize, ADMIN, true).await;
    let pairs: Vec<(String, String)> = callback.query_pairs().into_owned().collect();
    let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let state = pairs.iter().find(|(k, _)| k == "state").unwrap().1.clone();
    let base = format!("{}/api/integrations/callback/salesforce", w.app.address);
    let with = |query: &str| url::Url::parse(&format!("{base}?{query}")).unwrap();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut tampered = state.clone();
    tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
    clear_calls(sim).await;
    let other = signed_in(w, "lead@acme.example").await;
    let cases = [
        (with(&format!("code={}", enc(&code))), &mia, "missing state"),
        (
            with(&format!("code={}&state={}", enc(&code), enc(&tampered))),
            &mia,
            "tampered state",
        ),
        (
            with(&format!("code={}&state={}", enc(&code), enc(&state))),
            &other,
            "another session's state",
        ),
        (
            with(&format!("code={}&state={}", enc(&code), "x".repeat(300))),
            &mia,
            "oversized state",
        ),
    ];
    for (url, client, why) in cases {
        let answer = arrive(w, client, &url).await;
        assert_eq!(answer.status(), 400, "{why}");
        let body = answer.text().await.unwrap();
        assert!(
            body.contains("Salesforce was not connected") && body.contains("Connect"),
            "{why}: {body}"
        );
    }
    assert_eq!(token_calls(sim).await, 0, "no token request was made");
    assert!(the_connection(w).await.is_none(), "nothing stored");

    // Expired: the attempt is aged past its ten minutes.
    for attempt in oauth_attempt::Entity::find().all(&w.app.db).await.unwrap() {
        let mut row: oauth_attempt::ActiveModel = attempt.into();
        row.expires_at =
            sea_orm::ActiveValue::Set(time::OffsetDateTime::now_utc() - time::Duration::minutes(1));
        sea_orm::ActiveModelTrait::update(row, &w.app.db)
            .await
            .unwrap();
    }
    assert_eq!(arrive(w, &mia, &callback).await.status(), 400, "expired");
    assert_eq!(token_calls(sim).await, 0);

    // The right return, after all that, still connects once.
    let authorize = press_connect(w, &mia, None).await;
    let callback = at_salesforce(&authorize, ADMIN, true).await;
    assert_eq!(arrive(w, &mia, &callback).await.status(), 303);
    assert_eq!(arrive(w, &mia, &callback).await.status(), 400, "replayed");
    assert_eq!(token_calls(sim).await, 1, "one exchange for one code");
}

#[tokio::test]
async fn salesforces_error_answers_become_advice_with_the_values_to_compare() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    let authorize = press_connect(w, &mia, None).await;
    let denied = at_salesforce(&authorize, ADMIN, false).await;
    assert_eq!(arrive(w, &mia, &denied).await.status(), 303);
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains("Salesforce answered access_denied: You chose Deny"),
        "{shown}"
    );
    assert!(
        shown.contains("Client ID ending in ient")
            && shown.contains("/api/integrations/callback/salesforce"),
        "{shown}"
    );
    assert!(
        shown.contains(r#"href="/o/acme/integrations/salesforce/troubleshooting#access_denied">What this means, and what to do</a>"#),
        "{shown}"
    );
    assert!(shown.contains("Not connected"));
    // The entry went with its notice.
    assert!(
        !page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("What this means")
    );

    // A blocked app: the organization uses the simulator's blocked app.
    world.use_app("organization", "blocked-client").await;
    let authorize = press_connect(w, &mia, None).await;
    let blocked = at_salesforce(&authorize, ADMIN, true).await;
    arrive(w, &mia, &blocked).await;
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains(
            "Salesforce answered OAUTH_APP_BLOCKED: Your Salesforce admin has blocked this app"
        ),
        "{shown}"
    );
    assert!(shown.contains("/o/acme/integrations/salesforce/troubleshooting#OAUTH_APP_BLOCKED"));
    assert_eq!(token_calls(sim).await, 0);
}

#[tokio::test]
async fn without_the_refresh_scope_the_card_says_reconnect_to_enable_offline_refresh() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    control(sim, Method::POST, "/__sim/apps", Some(json!({
        "name": "online only", "client_id": "online-only", "client_secret": "online-only-secret",
        "callback_urls": [format!("{}/api/integrations/callback/salesforce", w.app.address)],
        "scopes": ["api", "id"],
    }))).await;
    world.use_app("organization", "online-only").await;
    let mia = signed_in(w, "mia@acme.example").await;
    assert_eq!(connect(w, &mia, ADMIN).await.status(), 303);
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains("Reconnect Salesforce to enable offline refresh"),
        "{shown}"
    );
    assert!(!the_connection(w).await.unwrap().offline);
}

#[tokio::test]
async fn each_error_salesforce_sends_back_gets_its_advice() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    let cases = [
        ("access_denied", "You chose Deny"),
        (
            "OAUTH_APP_BLOCKED",
            "Your Salesforce admin has blocked this app",
        ),
        ("OAUTH_APP_ACCESS_DENIED", "is not approved"),
        (
            "immediate_unsuccessful",
            "needs you to sign in and approve the app first",
        ),
        ("invalid_scope", "does not allow the scopes Sofie asks for"),
        (
            "OAUTH_APPROVAL_ERROR_GENERIC",
            "Check that the connected app is enabled for OAuth",
        ),
    ];
    for (error, advice) in cases {
        let authorize = press_connect(w, &mia, None).await;
        let state: String = authorize
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let callback = url::Url::parse_with_params(
            &format!("{}/api/integrations/callback/salesforce", w.app.address),
            &[
                ("error", error),
                ("error_description", "as Salesforce words it"),
                ("state", state.as_str()),
            ],
        )
        .unwrap();
        assert_eq!(arrive(w, &mia, &callback).await.status(), 303, "{error}");
        let shown = page(w, &mia, MY_INTEGRATIONS).await;
        assert!(
            shown.contains(&format!("Salesforce answered {error}")) && shown.contains(advice),
            "{error}: {shown}"
        );
    }
    assert_eq!(token_calls(&world.sim).await, 0);
    assert!(the_connection(w).await.is_none());
}

#[tokio::test]
async fn the_callback_url_is_the_configured_one_for_the_origin_the_person_is_on() {
    let port = free_port();
    let sim = salesforce_sim::spawn(salesforce_sim::SimConfig::default())
        .await
        .unwrap();
    let mut config = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    server::demo::use_simulator(&mut config, &sim.urls);
    config.site_addr = format!("127.0.0.1:{port}").parse().unwrap();
    config.public_origins = vec![
        format!("http://127.0.0.1:{port}").parse().unwrap(),
        format!("http://localhost:{port}").parse().unwrap(),
    ];
    let w = world_on(spawn_with(&config).await).await;
    let world = SfWorld { w, sim };
    world.use_app("default", "").await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    for (origin, expected) in [
        (
            format!("http://localhost:{port}"),
            format!("http://localhost:{port}/api/integrations/callback/salesforce"),
        ),
        (
            format!("http://127.0.0.1:{port}"),
            format!("http://127.0.0.1:{port}/api/integrations/callback/salesforce"),
        ),
    ] {
        let answer = mia
            .post(w.app.url("/api/salesforce/connect"))
            .header("accept", "text/html")
            .header("origin", &origin)
            .header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .form(&[("org", "acme")])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{origin}");
        let authorize = url::Url::parse(&location(&answer)).unwrap();
        let redirect: String = authorize
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(
            redirect, expected,
            "never built from Host or X-Forwarded-Host"
        );
    }
    let post = mia
        .post(w.app.url("/api/integrations/callback/salesforce"))
        .header("origin", &w.app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405, "the callback is GET only");
}

#[tokio::test]
async fn several_tabs_may_connect_at_once_and_each_return_is_used_once() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    let first = press_connect(w, &mia, None).await;
    let second = press_connect(w, &mia, None).await;
    let third = press_connect(w, &mia, None).await;
    let later = at_salesforce(&second, ADMIN, true).await;
    let earlier = at_salesforce(&first, ADMIN, true).await;
    assert_eq!(
        arrive(w, &mia, &later).await.status(),
        303,
        "the second tab"
    );
    assert_eq!(
        arrive(w, &mia, &earlier).await.status(),
        303,
        "the first tab, after it"
    );
    assert_eq!(arrive(w, &mia, &earlier).await.status(), 400, "used once");
    let third_back = at_salesforce(&third, ADMIN, true).await;
    assert_eq!(arrive(w, &mia, &third_back).await.status(), 303);
    assert_eq!(the_connection(w).await.unwrap().status, "active");
}
