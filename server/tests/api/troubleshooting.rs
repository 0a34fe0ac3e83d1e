//! The troubleshooting page: every error with its cause and fix, and the person's own values
//! (the callback URL for the address they opened, scopes, login hosts); admin-only values only
//! for admins.

use reqwest::header::{ACCEPT, HOST};

use crate::helpers::*;
use crate::sim::*;

const PAGE: &str = "/o/acme/integrations/salesforce/troubleshooting";

/// The page as a browser that opened Sofie at `host` sees it.
async fn opened_at(w: &World, client: &reqwest::Client, host: &str) -> String {
    client
        .get(w.app.url(PAGE))
        .header(ACCEPT, "text/html")
        .header(HOST, host)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_compares_their_values_and_reads_each_errors_cause_and_fix() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    assert!(
        page(w, &mia, MY_INTEGRATIONS).await.contains(PAGE),
        "linked from My Integrations"
    );

    let html = page(w, &mia, PAGE).await;
    let callback = format!("{}/api/integrations/callback/salesforce", w.app.address);
    assert!(
        html.contains(&callback) && html.contains("✓ matches"),
        "{html}"
    );
    assert!(html.contains("not connected"));
    for anchor in [
        "redirect_uri_mismatch",
        "invalid_grant",
        "INVALID_FIELD",
        "REQUEST_LIMIT_EXCEEDED",
        "guard",
    ] {
        assert!(html.contains(&format!(r#"id="{anchor}""#)), "{anchor}");
    }
    assert!(html.contains("The scheme, host, and path must match."));
    assert!(
        !html.contains("Client ID of the app that applies"),
        "admins only"
    );

    // Opened at an address that is none of Sofie's public origins.
    let elsewhere = opened_at(w, &mia, "sofie.evil.example").await;
    assert!(
        elsewhere.contains("sofie.evil.example is not one of Sofie&#x27;s public origins")
            || elsewhere.contains("sofie.evil.example is not one of Sofie's public origins"),
        "{elsewhere}"
    );
    assert!(elsewhere.contains("✗ does not match"));

    // Connected: the granted scopes and the login host agree with what applies.
    connect(w, &mia, STANDARD).await;
    let html = page(w, &mia, PAGE).await;
    assert!(html.contains("api refresh_token"), "{html}");
    assert_eq!(html.matches("✓ matches").count(), 3, "{html}");

    let admin = signed_in(w, "admin@acme.example").await;
    let html = page(w, &admin, PAGE).await;
    assert!(
        html.contains("Client ID of the app that applies (admins only): <code>…"),
        "{html}"
    );
}

#[tokio::test]
async fn with_two_public_origins_each_address_gets_its_own_callback_url() {
    let port = free_port();
    let mut config = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    config.site_addr = format!("127.0.0.1:{port}").parse().unwrap();
    config.public_origins = vec![
        format!("http://127.0.0.1:{port}").parse().unwrap(),
        format!("http://localhost:{port}").parse().unwrap(),
    ];
    let w = world_on(spawn_with(&config).await).await;
    let mia = signed_in(&w, "mia@acme.example").await;
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let html = opened_at(&w, &mia, &host).await;
        let here = format!(
            "<code class=\"details\">http://{host}/api/integrations/callback/salesforce</code>"
        );
        assert!(html.contains(&here), "{host}: {html}");
        assert!(html.contains("✓ matches"));
    }
}
