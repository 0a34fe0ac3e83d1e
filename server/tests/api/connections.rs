//! People connect their own Salesforce account through the simulator's real sign-in and consent
//! pages: the happy path, every state attack, Salesforce's error answers, and the states a
//! connection can fall into.

use domain::entities::{connection, oauth_attempt};
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::*;
use crate::sim::*;

async fn the_connection(w: &World) -> Option<connection::Model> {
    connection::Entity::find().one(&w.app.db).await.unwrap()
}

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
    assert!(shown.contains("Not connected"));

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
async fn an_expired_session_is_refreshed_transparently_and_a_revoked_grant_asks_to_reconnect() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    clear_calls(sim).await;
    assert_eq!(press(w, &mia, "/api/salesforce/check").await.status(), 303);
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains("Salesforce answered: your organization has used"),
        "{shown}"
    );
    assert_eq!(token_calls(sim).await, 1, "one refresh");
    let row = the_connection(w).await.unwrap();
    assert!(row.last_refresh_at.is_some() && row.last_call_at.is_some());

    control(
        sim,
        Method::POST,
        "/__sim/users/admin@acme.sim/revoke-tokens",
        None,
    )
    .await;
    press(w, &mia, "/api/salesforce/check").await;
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains("Needs reconnect") && shown.contains("its access was revoked in Salesforce"),
        "{shown}"
    );
    let row = the_connection(w).await.unwrap();
    assert_eq!(
        (row.status.as_str(), row.cause.as_deref()),
        ("needs_reconnect", Some("revoked_or_expired"))
    );
    assert!(
        row.access_token.is_none() && row.refresh_token.is_none(),
        "dead tokens are dropped"
    );

    // Reconnecting keeps the connection's id.
    let id = row.id;
    assert_eq!(connect(w, &mia, ADMIN).await.status(), 303);
    let row = the_connection(w).await.unwrap();
    assert_eq!((row.id, row.status.as_str()), (id, "active"));
}

#[tokio::test]
async fn deactivated_and_frozen_users_blocked_apps_and_salesforce_outages_each_say_their_cause() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;

    // A 5xx on refresh keeps the tokens and says to retry.
    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    control(sim, Method::POST, "/__sim/faults", Some(json!({ "status": 503, "path_prefix": "/services/oauth2/token", "body": {"error": "server_error", "error_description": "down"} }))).await;
    press(w, &mia, "/api/salesforce/check").await;
    let page_text = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        page_text.contains("temporarily unavailable") && page_text.contains("Connected as"),
        "{page_text}"
    );
    assert!(
        the_connection(w).await.unwrap().refresh_token.is_some(),
        "tokens kept"
    );

    control(
        sim,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({ "frozen": true })),
    )
    .await;
    press(w, &mia, "/api/salesforce/check").await;
    let page_text = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        page_text.contains("Your Salesforce user is deactivated or frozen"),
        "{page_text}"
    );
}

#[tokio::test]
async fn an_org_moved_to_another_instance_is_followed_after_refresh() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let before = the_connection(w).await.unwrap();
    let org_id = before.sf_org_id.clone();
    let (status, _) = control(
        sim,
        Method::POST,
        &format!("/__sim/orgs/{org_id}/move"),
        Some(json!({ "instance": 1 })),
    )
    .await;
    assert!(status < 300, "{status}");
    press(w, &mia, "/api/salesforce/check").await;
    let after = the_connection(w).await.unwrap();
    assert_ne!(
        after.instance_url, before.instance_url,
        "the new instance_url is stored"
    );
    assert_eq!(after.instance_url, sim.urls.instances[1]);
    assert!(
        page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("Salesforce answered: your organization has used")
    );
}

#[tokio::test]
async fn a_rotated_refresh_token_is_stored_at_once() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    world.use_app("organization", "sofie-rotating-client").await;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let first = the_connection(w).await.unwrap().refresh_token.unwrap();
    for _ in 0..2 {
        control(sim, Method::POST, "/__sim/tokens/expire", None).await;
        press(w, &mia, "/api/salesforce/check").await;
    }
    let row = the_connection(w).await.unwrap();
    assert_eq!(
        row.status, "active",
        "each rotated token worked for the next refresh"
    );
    assert_ne!(row.refresh_token.unwrap(), first);
}

#[tokio::test]
async fn changing_the_client_id_marks_connections_to_reconnect() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let admin = signed_in(w, "admin@acme.example").await;
    step_up(w, &admin).await;
    let (status, body) = call(
        w,
        &admin,
        "/api/salesforce/save-org",
        &[
            ("org", "acme"),
            ("enabled", "on"),
            ("app_source", "organization"),
            ("client_id", "sofie-rotating-client"),
            ("client_secret", "sofie-rotating-client-secret"),
            ("auth_base_url", &sim.urls.login_production),
        ],
    )
    .await;
    assert!(status == 200 && body.contains("Saved"), "{body}");
    let page_text = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        page_text.contains("An admin changed the Salesforce app or login host"),
        "{page_text}"
    );
    let row = the_connection(w).await.unwrap();
    assert_eq!(row.cause.as_deref(), Some("settings_changed"));
    assert!(
        row.refresh_token.is_some(),
        "kept to revoke the old grant at reconnect"
    );
    // Reconnecting revokes the old grant: its refresh token no longer works at Salesforce.
    connect(w, &mia, ADMIN).await;
    assert_eq!(
        the_connection(w).await.unwrap().client_id,
        "sofie-rotating-client"
    );
}

#[tokio::test]
async fn reconnecting_as_another_salesforce_user_asks_first() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let other = connect(w, &mia, STANDARD).await;
    assert_eq!(other.status(), 303);
    let confirm = location(&other);
    assert!(
        confirm.starts_with("/o/acme/integrations/salesforce/confirm/"),
        "{confirm}"
    );
    let page_text = page(w, &mia, &confirm).await;
    assert!(
        page_text.contains("admin@acme.sim") && page_text.contains("standard@acme.sim"),
        "{page_text}"
    );
    assert_eq!(
        the_connection(w).await.unwrap().sf_username,
        "admin@acme.sim",
        "nothing replaced yet"
    );
    let attempt = confirm.rsplit('/').next().unwrap();
    let kept = w
        .app
        .post_form(
            &mia,
            "/api/salesforce/identity-decide",
            &confirm,
            &[("org", "acme"), ("attempt", attempt), ("choice", "keep")],
        )
        .await;
    assert_eq!(kept.status(), 303);
    assert!(
        page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("the new grant was revoked at Salesforce")
    );
    assert_eq!(
        the_connection(w).await.unwrap().sf_username,
        "admin@acme.sim"
    );

    let other = connect(w, &mia, STANDARD).await;
    let confirm = location(&other);
    let attempt = confirm.rsplit('/').next().unwrap();
    w.app
        .post_form(
            &mia,
            "/api/salesforce/identity-decide",
            &confirm,
            &[("org", "acme"), ("attempt", attempt), ("choice", "replace")],
        )
        .await;
    assert_eq!(
        the_connection(w).await.unwrap().sf_username,
        "standard@acme.sim"
    );
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(shown.contains("Connected as standard@acme.sim"), "{shown}");
}

#[tokio::test]
async fn disconnect_revokes_at_salesforce_and_deletes_tokens_even_when_salesforce_is_down() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    control(
        sim,
        Method::POST,
        "/__sim/faults",
        Some(json!({ "status": 503, "path_prefix": "/services/oauth2/revoke" })),
    )
    .await;
    assert_eq!(
        press(w, &mia, "/api/salesforce/disconnect").await.status(),
        303
    );
    let page_text = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        page_text.contains("Salesforce could not be reached to revoke the grant")
            && page_text.contains("Not connected"),
        "{page_text}"
    );
    let row = the_connection(w).await.unwrap();
    assert!(
        row.access_token.is_none() && row.refresh_token.is_none() && row.status == "disconnected"
    );

    connect(w, &mia, ADMIN).await;
    assert_eq!(
        press(w, &mia, "/api/salesforce/disconnect").await.status(),
        303
    );
    assert!(
        page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("Salesforce revoked Sofie's access")
            || page(w, &mia, MY_INTEGRATIONS)
                .await
                .contains("Salesforce revoked Sofie&#x27;s access")
    );
}

#[tokio::test]
async fn admins_see_connections_members_do_not_and_other_organizations_ids_are_not_found() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let admin = signed_in(w, "admin@acme.example").await;
    let org_page = page(w, &admin, "/o/acme/settings/integrations/salesforce").await;
    assert!(
        org_page.contains("Mia Member") && org_page.contains("admin@acme.sim"),
        "{org_page}"
    );
    let lead = signed_in(w, "lead@acme.example").await;
    let group_page = page(w, &lead, &format!("/o/acme/groups/{}/settings", w.sales.id)).await;
    assert!(
        group_page.contains("Mia Member") && group_page.contains("admin@acme.sim"),
        "their group's member"
    );
    assert_eq!(
        w.app
            .get_with(&mia, "/o/acme/settings/integrations/salesforce")
            .await
            .status(),
        403
    );

    let id = the_connection(w).await.unwrap().id.to_string();
    let boss = signed_in(w, "boss@globex.example").await;
    let (status, _) = call(
        w,
        &boss,
        "/api/salesforce/admin-disconnect",
        &[
            ("org", "globex"),
            ("connection_id", &id),
            ("reason", "mine now"),
        ],
    )
    .await;
    assert_eq!(status, 404, "another organization's connection id");
    let (status, _) = call(
        w,
        &lead,
        "/api/salesforce/admin-disconnect",
        &[("org", "acme"), ("connection_id", &id), ("reason", "x")],
    )
    .await;
    assert_eq!(status, 403, "only org admins disconnect others");
    let (status, _) = call(
        w,
        &admin,
        "/api/salesforce/admin-disconnect",
        &[
            ("org", "acme"),
            ("connection_id", &id),
            ("reason", "left the team"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(the_connection(w).await.unwrap().status, "disconnected");
}

/// The refresh storm: 500 concurrent calls on an expired access token, through two servers that
/// share only the database, make exactly one refresh request at Salesforce.
#[tokio::test]
async fn five_hundred_calls_on_an_expired_token_through_two_servers_refresh_once() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let other = world.second_server().await;
    let actor = world.actor("mia@acme.example").await;
    control(&world.sim, Method::POST, "/__sim/tokens/expire", None).await;
    clear_calls(&world.sim).await;
    let services = [w.app.connections.clone(), other.connections.clone()];
    let calls = (0..500).map(|i| {
        let service = services[i % 2].clone();
        let actor = actor.clone();
        tokio::spawn(async move { service.check(&actor).await.map(|_| ()) })
    });
    let results = futures_join(calls).await;
    let failed: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(
        failed.is_empty(),
        "{} of 500 failed: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(
        token_calls(&world.sim).await,
        1,
        "exactly one refresh request"
    );
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<Result<(), T>>>,
) -> Vec<Result<(), String>>
where
    T: std::fmt::Display + Send + 'static,
{
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(match handle.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        });
    }
    out
}

#[tokio::test]
async fn policies_deactivation_and_newer_approvals_each_end_in_needs_reconnect_with_a_cause() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;

    // Refresh token expired by the app's policy.
    control(
        sim,
        Method::POST,
        "/__sim/apps",
        Some(json!({
            "name": "short", "client_id": "expire-now", "client_secret": "expire-now-secret",
            "callback_urls": [format!("{}/api/integrations/callback/salesforce", w.app.address)],
            "refresh_policy": { "kind": "immediately_expire" },
        })),
    )
    .await;
    world.use_app("organization", "expire-now").await;
    connect(w, &mia, ADMIN).await;
    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    press(w, &mia, "/api/salesforce/check").await;
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(shown.contains("expired under the app"), "{shown}");

    // Deactivated.
    world.use_app("default", "").await;
    connect(w, &mia, ADMIN).await;
    control(
        sim,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({ "active": false })),
    )
    .await;
    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    press(w, &mia, "/api/salesforce/check").await;
    assert!(
        page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("Your Salesforce user is deactivated or frozen")
    );
    control(
        sim,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({ "active": true })),
    )
    .await;

    // Pushed out: the same Salesforce user approves Sofie's app five more times, through five
    // other people's connections (in other organizations using Sofie's default app).
    connect(w, &mia, ADMIN).await;
    for n in 0..5 {
        let org = w.app.org(&format!("Other {n}")).await;
        let person = w.app.user(&format!("p{n}@other.example"), "Other").await;
        w.app
            .member(&org, &person, domain::roles::OrgRole::Member)
            .await;
        let input = domain::salesforce_settings::SettingsInput {
            enabled: true,
            app_source: domain::salesforce_settings::AppSource::Default,
            client_id: None,
            secret: domain::salesforce_settings::SecretChange::Keep,
            auth_base_url: None,
        };
        w.app
            .settings
            .save_as_operator(&org, domain::salesforce_settings::Scope::Org, &input)
            .await
            .unwrap();
        let client = signed_in(w, &format!("p{n}@other.example")).await;
        let answer = client
            .post(w.app.url("/api/salesforce/connect"))
            .header("accept", "text/html")
            .header("origin", &w.app.address)
            .form(&[("org", org.slug.as_str())])
            .send()
            .await
            .unwrap();
        let authorize = url::Url::parse(&location(&answer)).unwrap();
        let callback = at_salesforce(&authorize, ADMIN, true).await;
        assert_eq!(arrive(w, &client, &callback).await.status(), 303);
    }
    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    press(w, &mia, "/api/salesforce/check").await;
    let shown = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        shown.contains("a newer approval pushed this one out"),
        "{shown}"
    );
    let row = the_connection(w).await;
    assert!(row.is_some());
}

#[tokio::test]
async fn tokens_appear_in_no_page_response_log_or_unsealed_column() {
    use sea_orm::{ConnectionTrait, Statement};
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    press(w, &mia, "/api/salesforce/check").await;
    let row = the_connection(w).await.unwrap();
    let vault = domain::vault::Vault::from_key_ring(&w.app.keys).unwrap();
    let access = vault
        .open(
            &row.access_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "access_token", row.id),
        )
        .unwrap();
    let refresh = vault
        .open(
            &row.refresh_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "refresh_token", row.id),
        )
        .unwrap();
    let secrets = [
        secrecy::ExposeSecret::expose_secret(&access).to_string(),
        secrecy::ExposeSecret::expose_secret(&refresh).to_string(),
    ];
    let mut seen = vec![page(w, &mia, MY_INTEGRATIONS).await];
    let admin = signed_in(w, "admin@acme.example").await;
    seen.push(page(w, &admin, "/o/acme/settings/integrations/salesforce").await);
    for path in [
        "/api/salesforce/my-integrations",
        "/api/salesforce/org-settings",
    ] {
        seen.push(call(w, &admin, path, &[("org", "acme")]).await.1);
        seen.push(call(w, &mia, path, &[("org", "acme")]).await.1);
    }
    seen.push(captured_logs());
    let backend = w.app.db.get_database_backend();
    for table in ["connections", "oauth_attempts", "audit_events", "sessions"] {
        for db_row in w
            .app
            .db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT * FROM {table}"),
            ))
            .await
            .unwrap()
        {
            seen.push(format!("{db_row:?}"));
        }
    }
    for text in &seen {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a token leaked");
        }
    }
}

// The CLI runs as a child process and blocks this thread; the simulator it calls must keep
// serving on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_revokes_the_grant_at_salesforce() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let row = the_connection(w).await.unwrap();
    let vault = domain::vault::Vault::from_key_ring(&w.app.keys).unwrap();
    let refresh = vault
        .open(
            &row.refresh_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "refresh_token", row.id),
        )
        .unwrap();
    let urls = &world.sim.urls;
    let dev_origins = [
        &urls.login_production,
        &urls.login_sandbox,
        &urls.login_mydomain,
    ]
    .into_iter()
    .chain(&urls.instances)
    .cloned()
    .collect::<Vec<_>>()
    .join(",");
    let sofie = crate::cli::Sofie::on(&w.app.database_url, &w.app.keys)
        .env("SOFIE_SALESFORCE_DEV_ORIGINS", &dev_origins);
    let said = sofie.ok(&["admin", "member", "remove", "acme", "mia@acme.example"]);
    assert!(
        said.contains("disconnected 1 Salesforce connection(s)"),
        "{said}"
    );
    let row = the_connection(w).await.unwrap();
    assert!(row.status == "disconnected" && row.refresh_token.is_none());
    // The refresh token no longer works at Salesforce.
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/services/oauth2/token",
            world.sim.urls.login_production
        ))
        .form(&[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                secrecy::ExposeSecret::expose_secret(&refresh),
            ),
            ("client_id", "sofie-sim-client"),
            ("client_secret", "sofie-sim-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
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
