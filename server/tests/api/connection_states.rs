//! The states a connection falls into and how each is named: refresh, revocation, policies,
//! deactivation, pushed-out approvals, outages, instance moves, rotation, settings changes,
//! another identity at reconnect, and disconnect.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::sim::*;

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
    let kept = decide_identity(w, &mia, &confirm, "keep").await;
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
    decide_identity(w, &mia, &confirm, "replace").await;
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
