//! "Check this app": each outcome against the simulator set up to produce it, without anyone's
//! Salesforce account.

use crate::helpers::*;
use crate::sim::*;

const CHECK: &str = "/o/acme/settings/integrations/salesforce/check";

#[tokio::test]
async fn a_good_app_is_green_from_features_to_secret() {
    let sw = sf_world().await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;
    assert!(
        page(w, &admin, "/o/acme/settings/integrations/salesforce")
            .await
            .contains(CHECK)
    );
    clear_calls(&sw.sim).await;
    let html = page(w, &admin, CHECK).await;
    assert!(html.contains("No check failed."), "{html}");
    for said in [
        "Salesforce is enabled for the organization and both features are on.",
        "answers as a Salesforce login host",
        "Salesforce knows the Client ID and accepts this callback URL.",
        "The app requires PKCE",
        "Salesforce accepts the Client Secret.",
    ] {
        assert!(html.contains(said), "{said}: {html}");
    }
    assert!(
        !html.contains("✗ red") && !html.contains("! amber"),
        "{html}"
    );
    assert_eq!(
        token_calls(&sw.sim).await,
        1,
        "one made-up code, no grant spent"
    );
    // Members may not run it.
    let mia = signed_in(w, "mia@acme.example").await;
    assert_eq!(w.app.get_with(&mia, CHECK).await.status(), 403);
}

#[tokio::test]
async fn an_unknown_client_id_and_a_wrong_secret_are_named_with_the_propagation_note() {
    let sw = sf_world().await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;

    sw.use_app("organization", "nobody-knows-this-client").await;
    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains("does not know this Client ID (invalid_client_id)"),
        "{html}"
    );
    assert!(html.contains("Salesforce app changes can take several minutes to propagate"));

    sw.use_app_with_secret("organization", "sofie-rotating-client", "not-the-secret")
        .await;
    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains("Salesforce refused the Client Secret (invalid_client)"),
        "{html}"
    );
    assert!(
        html.contains("Paste the app&#x27;s Consumer Secret again.")
            || html.contains("Paste the app's Consumer Secret again.")
    );
}

#[tokio::test]
async fn a_callback_registered_for_one_origin_only_is_red_for_the_other() {
    let port = free_port();
    let sw = sf_world_adjusted(salesforce_sim::SimConfig::default(), |config| {
        config.site_addr = format!("127.0.0.1:{port}").parse().unwrap();
        config.public_origins = vec![
            format!("http://127.0.0.1:{port}").parse().unwrap(),
            format!("http://localhost:{port}").parse().unwrap(),
        ];
    })
    .await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;
    let html = page(w, &admin, CHECK).await;
    let registered = format!(
        r#"<li class="step green"><strong>Client ID and callback http://127.0.0.1:{port}/api/integrations/callback/salesforce</strong>"#
    );
    let staging = format!(
        r#"<li class="step red"><strong>Client ID and callback http://localhost:{port}/api/integrations/callback/salesforce</strong>"#
    );
    assert!(html.contains(&registered), "{html}");
    assert!(html.contains(&staging), "{html}");
    assert!(html.contains("redirect_uri_mismatch"));
}

#[tokio::test]
async fn a_group_admin_checks_the_app_their_group_connects_with() {
    let sw = sf_world().await;
    let w = &sw.w;
    let lead = signed_in(w, "lead@acme.example").await;
    let sales = format!("/o/acme/groups/{}/settings", w.sales.id);
    assert!(
        page(w, &lead, &sales)
            .await
            .contains(&format!("{sales}/check"))
    );
    let html = page(w, &lead, &format!("{sales}/check")).await;
    assert!(
        html.contains("No check failed.") && html.contains("Group settings › Sales"),
        "{html}"
    );
    // Another group's check is refused; the organization's is for org admins.
    let support = format!("/o/acme/groups/{}/settings/check", w.support.id);
    assert_eq!(w.app.get_with(&lead, &support).await.status(), 403);
    assert_eq!(w.app.get_with(&lead, CHECK).await.status(), 403);
}

#[tokio::test]
async fn a_blocked_app_is_named_once_a_person_met_the_refusal() {
    let sw = sf_world().await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;
    sw.use_app("organization", "blocked-client").await;
    // Salesforce checks the block only after a sign-in, so the probes alone pass.
    let html = page(w, &admin, CHECK).await;
    assert!(!html.contains("Sign-ins through this app"), "{html}");

    let mia = signed_in(w, "mia@acme.example").await;
    let authorize = press_connect(w, &mia, None).await;
    let blocked = at_salesforce(&authorize, ADMIN, true).await;
    arrive(w, &mia, &blocked).await;

    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains(r#"<li class="step red"><strong>Sign-ins through this app</strong>"#),
        "{html}"
    );
    assert!(
        html.contains("Salesforce refused mia@acme.example&#x27;s connection at")
            || html.contains("Salesforce refused mia@acme.example's connection at"),
        "{html}"
    );
    assert!(html.contains("OAUTH_APP_BLOCKED: the app is blocked in Salesforce."));
    assert!(html.contains("Connected Apps OAuth Usage"));

    // Another app: the refusal was met with the blocked one.
    sw.use_app("organization", "sofie-rotating-client").await;
    let html = page(w, &admin, CHECK).await;
    assert!(!html.contains("Sign-ins through this app"), "{html}");
}

#[tokio::test]
async fn a_sandbox_org_on_the_production_host_is_named_once_someone_connected() {
    let sw = sf_world().await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;
    let client = "sofie-rotating-client";
    let secret = format!("{client}-secret");
    sw.use_app_on("organization", client, &secret, &sw.sim.urls.login_sandbox)
        .await;
    // Nobody has connected: the host's name is all there is to go on.
    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains("answers as a Salesforce login host: sandbox."),
        "{html}"
    );
    assert!(!html.contains("<strong>Environment</strong>"), "{html}");

    let mia = signed_in(w, "mia@acme.example").await;
    let authorize = press_connect(w, &mia, None).await;
    let back = at_salesforce(&authorize, ("admin@acme.sim.uat", "admin-pass-1"), true).await;
    arrive(w, &mia, &back).await;
    assert_eq!(the_connection(w).await.unwrap().sf_is_sandbox, Some(true));
    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains(r#"<li class="step green"><strong>Environment</strong>"#)
            && html.contains("are sandboxes, as"),
        "{html}"
    );

    // The admin moves the app to the production host: the sandbox people use is named.
    sw.use_app_on(
        "organization",
        client,
        &secret,
        &sw.sim.urls.login_production,
    )
    .await;
    let html = page(w, &admin, CHECK).await;
    assert!(
        html.contains(r#"<li class="step red"><strong>Environment</strong>"#),
        "{html}"
    );
    let said = format!(
        "1 of the 1 Salesforce organizations people connected to through this app is a sandbox (Organization.IsSandbox), but {} is the production login host",
        sw.sim.urls.login_production
    );
    assert!(html.contains(&said), "{html}");
    assert!(html.contains(
        "Use https://test.salesforce.com or your sandbox My Domain for sandbox testing."
    ));
}

#[tokio::test]
async fn a_callback_still_propagating_is_red_with_the_note_and_green_on_the_re_run() {
    let sw = sf_world().await;
    let w = &sw.w;
    let admin = signed_in(w, "admin@acme.example").await;
    // The admin registers Sofie's callback on a new app; Salesforce has not caught up yet.
    let app = serde_json::json!({
        "name": "Just Changed", "client_id": "just-changed", "client_secret": "just-changed-secret",
        "callback_urls": [format!("{}/api/integrations/callback/salesforce", w.app.address)],
    });
    let (status, _) = control(
        &sw.sim,
        reqwest::Method::POST,
        "/__sim/apps?propagates_in_ms=1500",
        Some(app),
    )
    .await;
    assert_eq!(status, 201);
    sw.use_app("organization", "just-changed").await;
    let html = page(w, &admin, CHECK).await;
    assert!(html.contains("invalid_client_id"), "{html}");
    assert!(
        html.contains(r#"<li class="step amber"><strong>Recently saved</strong>"#)
            && html.contains("Salesforce app changes can take several minutes to propagate"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"href="{CHECK}" class="button secondary">Run the checks again</a>"#
        )),
        "{html}"
    );

    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let html = page(w, &admin, CHECK).await;
    assert!(html.contains("No check failed."), "{html}");
    assert!(!html.contains("Recently saved"), "{html}");
}
