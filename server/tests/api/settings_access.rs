//! Who may open and save which Salesforce settings, and what a group override does for members.

use crate::helpers::*;
use crate::salesforce_settings::{ORG_PAGE, org_form, save_org};

#[tokio::test]
async fn who_may_open_and_save_which_settings() {
    let w = world().await;
    let sales = format!("/o/acme/groups/{}/settings", w.sales.id);
    let support = format!("/o/acme/groups/{}/settings", w.support.id);
    let table = [
        ("admin@acme.example", ORG_PAGE, 200),
        ("admin@acme.example", sales.as_str(), 200),
        ("admin@acme.example", support.as_str(), 200),
        ("lead@acme.example", ORG_PAGE, 403),
        ("lead@acme.example", sales.as_str(), 200),
        ("lead@acme.example", support.as_str(), 403),
        ("mia@acme.example", ORG_PAGE, 403),
        ("mia@acme.example", sales.as_str(), 403),
        ("boss@globex.example", ORG_PAGE, 404),
        ("boss@globex.example", sales.as_str(), 404),
    ];
    for (email, path, want) in table {
        let client = signed_in(&w, email).await;
        assert_eq!(
            w.app.get_with(&client, path).await.status(),
            want,
            "{email} opening {path}"
        );
    }
    let json_save =
        |client: reqwest::Client, path: &'static str, form: Vec<(&'static str, String)>| {
            let url = w.app.url(path);
            let origin = w.app.address.clone();
            async move {
                client
                    .post(url)
                    .header("origin", origin)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
    let mia = signed_in(&w, "mia@acme.example").await;
    let org_fields = |org: &str| {
        vec![
            ("org", org.to_string()),
            ("enabled", "on".into()),
            ("app_source", "organization".into()),
            ("client_id", "x".into()),
            ("client_secret", String::new()),
            ("auth_base_url", String::new()),
        ]
    };
    assert_eq!(
        json_save(mia, "/api/salesforce/save-org", org_fields("acme")).await,
        403
    );
    let lead = signed_in(&w, "lead@acme.example").await;
    let group_fields = |group: i64| {
        vec![
            ("org", "acme".to_string()),
            ("group_id", group.to_string()),
            ("enabled", "on".into()),
            ("client_id", "3MVG9group".into()),
            ("client_secret", String::new()),
            ("auth_base_url", String::new()),
        ]
    };
    assert_eq!(
        json_save(
            lead.clone(),
            "/api/salesforce/save-group",
            group_fields(w.support.id)
        )
        .await,
        403
    );
    assert_eq!(
        json_save(lead, "/api/salesforce/save-group", group_fields(w.sales.id)).await,
        200
    );
    let boss = signed_in(&w, "boss@globex.example").await;
    assert_eq!(
        json_save(
            boss.clone(),
            "/api/salesforce/save-group",
            group_fields(w.sales.id)
        )
        .await,
        404,
        "another organization's group"
    );
    assert_eq!(
        json_save(boss, "/api/salesforce/save-org", org_fields("acme")).await,
        404
    );
}

#[tokio::test]
async fn a_group_override_wins_for_its_members_until_disabled() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;
    step_up(&w, &admin).await;
    save_org(&w, &admin, &org_form("3MVG9org", "", "")).await;
    let mia = signed_in(&w, "mia@acme.example").await;
    let mine = page(&w, &mia, "/o/acme/integrations").await;
    assert!(
        mine.contains("Your organization uses its own Salesforce app.")
            && mine.contains("3MVG9org"),
        "{mine}"
    );

    let lead = signed_in(&w, "lead@acme.example").await;
    // A first override names another app: the group admin confirms their password first.
    step_up(&w, &lead).await;
    let sales = format!("/o/acme/groups/{}/settings", w.sales.id);
    let group_id = w.sales.id.to_string();
    let on = [
        ("org", "acme"),
        ("group_id", group_id.as_str()),
        ("enabled", "on"),
        ("client_id", "3MVG9sales"),
        ("client_secret", ""),
        ("auth_base_url", "https://test.salesforce.com"),
    ];
    assert_eq!(
        w.app
            .post_form(&lead, "/api/salesforce/save-group", &sales, &on)
            .await
            .status(),
        303
    );
    let body = page(&w, &lead, &sales).await;
    assert!(
        body.contains("The override is on") && body.contains(r#"value="3MVG9sales""#),
        "{body}"
    );
    let mine = page(&w, &mia, "/o/acme/integrations").await;
    assert!(
        mine.contains("Your group Sales uses its own Salesforce app.")
            && mine.contains("https://test.salesforce.com"),
        "{mine}"
    );
    let org_page = page(&w, &admin, ORG_PAGE).await;
    assert!(
        org_page.contains("Group Sales&#x27;s override")
            || org_page.contains("Group Sales's override"),
        "{org_page}"
    );

    // Disabling the override sends members back to the organization default. Changing the saved
    // Auth Base URL would need step-up, so it is left as it was.
    let off = [
        ("org", "acme"),
        ("group_id", group_id.as_str()),
        ("client_id", "3MVG9sales"),
        ("client_secret", ""),
        ("auth_base_url", "https://test.salesforce.com"),
    ];
    assert_eq!(
        w.app
            .post_form(&lead, "/api/salesforce/save-group", &sales, &off)
            .await
            .status(),
        303
    );
    assert!(
        page(&w, &lead, &sales)
            .await
            .contains("The override is off: members of this group use the organization default.")
    );
    let mine = page(&w, &mia, "/o/acme/integrations").await;
    assert!(
        mine.contains("3MVG9org") && !mine.contains("3MVG9sales"),
        "{mine}"
    );
}

#[tokio::test]
async fn several_group_overrides_mean_the_person_chooses() {
    let w = world().await;
    let lead = domain::accounts::find_user(
        &w.app.db,
        &domain::names::Email::parse("lead@acme.example").unwrap(),
    )
    .await
    .unwrap();
    w.app
        .group_member(&w.acme, &w.support, &lead, domain::roles::GroupRole::Member)
        .await;
    let admin = signed_in(&w, "admin@acme.example").await;
    step_up(&w, &admin).await;
    save_org(&w, &admin, &org_form("3MVG9org", "", "")).await;
    for (group, client_id) in [(w.sales.id, "3MVG9sales"), (w.support.id, "3MVG9support")] {
        let id = group.to_string();
        let form = [
            ("org", "acme"),
            ("group_id", id.as_str()),
            ("enabled", "on"),
            ("client_id", client_id),
            ("client_secret", ""),
            ("auth_base_url", ""),
        ];
        let path = format!("/o/acme/groups/{group}/settings");
        assert_eq!(
            w.app
                .post_form(&admin, "/api/salesforce/save-group", &path, &form)
                .await
                .status(),
            303
        );
    }
    let client = signed_in(&w, "lead@acme.example").await;
    let mine = page(&w, &client, "/o/acme/integrations").await;
    assert!(
        mine.contains(
            "2 of your groups use their own Salesforce app; you choose one when you connect."
        ),
        "{mine}"
    );
    assert!(
        mine.contains("3MVG9sales") && mine.contains("3MVG9support") && !mine.contains("3MVG9org"),
        "{mine}"
    );
}
