//! Who may open which page, and that another organization's ids lead nowhere.

use crate::helpers::*;

async fn status(world: &World, email: &str, path: &str) -> u16 {
    let client = signed_in(world, email).await;
    world.app.get_with(&client, path).await.status().as_u16()
}

#[tokio::test]
async fn each_role_sees_the_pages_it_is_allowed() {
    let w = world().await;
    let org_settings = format!("/o/{}/settings/integrations", w.acme.slug);
    let mine = format!("/o/{}/integrations", w.acme.slug);
    let sales = format!("/o/{}/groups/{}/settings", w.acme.slug, w.sales.id);
    let support = format!("/o/{}/groups/{}/settings", w.acme.slug, w.support.id);
    let table = [
        ("admin@acme.example", &org_settings, 200),
        ("admin@acme.example", &mine, 200),
        ("admin@acme.example", &sales, 200),
        ("admin@acme.example", &support, 200),
        ("lead@acme.example", &org_settings, 403),
        ("lead@acme.example", &mine, 200),
        ("lead@acme.example", &sales, 200),
        ("lead@acme.example", &support, 403),
        ("mia@acme.example", &org_settings, 403),
        ("mia@acme.example", &mine, 200),
        ("mia@acme.example", &sales, 403),
        ("mia@acme.example", &support, 403),
    ];
    for (email, path, want) in table {
        assert_eq!(
            status(&w, email, path).await,
            want,
            "{email} opening {path}"
        );
    }
}

#[tokio::test]
async fn pages_have_their_headings_and_navigation_follows_the_role() {
    let w = world().await;
    let client = browser();
    w.app
        .login_with(&client, "lead@acme.example", PASSWORD)
        .await;
    let body = w
        .app
        .get_with(&client, &format!("/o/{}/integrations", w.acme.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("<h1>My Integrations</h1>"), "{body}");
    assert!(
        body.contains("Group settings › Sales"),
        "a group admin sees their group"
    );
    assert!(
        !body.contains("Organization Settings › Integrations"),
        "but not the org settings"
    );
    assert!(!body.contains("Group settings › Support"));

    let admin = browser();
    w.app
        .login_with(&admin, "admin@acme.example", PASSWORD)
        .await;
    let body = w
        .app
        .get_with(&admin, &format!("/o/{}/settings/integrations", w.acme.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("<h1>Organization Settings › Integrations</h1>"),
        "{body}"
    );
    assert!(body.contains("Group settings › Support") && body.contains("Group settings › Sales"));
    let group = w
        .app
        .get_with(
            &admin,
            &format!("/o/{}/groups/{}/settings", w.acme.slug, w.sales.id),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        group.contains("Group settings › Sales")
            && group.contains("Gus Lead")
            && group.contains("Mia Member"),
        "{group}"
    );
}

#[tokio::test]
async fn the_403_page_is_a_page_and_is_audited() {
    let w = world().await;
    let client = browser();
    w.app
        .login_with(&client, "mia@acme.example", PASSWORD)
        .await;
    let response = w
        .app
        .get_with(
            &client,
            &format!("/o/{}/settings/integrations", w.acme.slug),
        )
        .await;
    assert_eq!(response.status(), 403);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("403 — Not allowed") && body.contains("Ask an organization admin"),
        "{body}"
    );
    let denied = domain::audit::recent(&w.app.db, Some(w.acme.id), 10)
        .await
        .unwrap();
    assert!(denied.iter().any(|e| e.action == "authz_fail"));
}

#[tokio::test]
async fn another_organizations_ids_are_not_found() {
    let w = world().await;
    let cross_group = format!("/o/{}/groups/{}/settings", w.acme.slug, w.globex_group.id);
    let other_org = format!("/o/{}/integrations", w.globex.slug);
    let other_settings = format!("/o/{}/settings/integrations", w.globex.slug);
    let other_group = format!("/o/{}/groups/{}/settings", w.globex.slug, w.globex_group.id);
    for path in [
        &cross_group,
        &other_org,
        &other_settings,
        &other_group,
        &"/o/acme/groups/abc/settings".to_string(),
        &"/o/nope/integrations".to_string(),
    ] {
        assert_eq!(status(&w, "admin@acme.example", path).await, 404, "{path}");
    }
    // The other organization's owner does reach their own group.
    assert_eq!(status(&w, "boss@globex.example", &other_group).await, 200);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let w = world().await;
    for path in ["/", "/o/acme/integrations", "/o/acme/settings/integrations"] {
        let response = w.app.get_with(&browser(), path).await;
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(location(&response), "/login");
    }
    let missing = w.app.get_with(&browser(), "/no/such/page").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn people_in_several_organizations_can_switch() {
    let w = world().await;
    let ada = domain::accounts::find_user(
        &w.app.db,
        &domain::names::Email::parse("admin@acme.example").unwrap(),
    )
    .await
    .unwrap();
    w.app
        .member(&w.globex, &ada, domain::roles::OrgRole::Member)
        .await;
    let client = browser();
    w.app
        .login_with(&client, "admin@acme.example", PASSWORD)
        .await;
    let body = w
        .app
        .get_with(&client, "/o/acme/integrations")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains(r#"class="org-switcher""#), "{body}");
    assert!(body.contains(r#"href="/o/globex/integrations""#));
    assert_eq!(
        w.app
            .get_with(&client, "/o/globex/integrations")
            .await
            .status(),
        200
    );
    assert_eq!(
        w.app
            .get_with(&client, "/o/globex/settings/integrations")
            .await
            .status(),
        403,
        "a member there"
    );
}
