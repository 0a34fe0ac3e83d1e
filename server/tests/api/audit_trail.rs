//! The audit trail page and its CSV: org admins read the organization's events (its members'
//! sign-ins included), group admins their groups', members nothing; filters, pages, formula-safe
//! cells, and never another organization's events.

use crate::helpers::*;

const AUDIT: &str = "/o/acme/settings/audit";

fn person_id(html: &str, email: &str) -> String {
    let at = html
        .find(&format!(">{email}</option>"))
        .expect("the person is listed");
    let start = html[..at].rfind("value=\"").unwrap() + 7;
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_org_admin_reads_filters_pages_and_exports_the_organizations_events() {
    let w = world().await;
    let _mia = signed_in(&w, "mia@acme.example").await;
    let _boss = signed_in(&w, "boss@globex.example").await;
    // A group whose name a spreadsheet would run as a formula.
    w.app
        .group(&w.acme, "=HYPERLINK(\"http://evil.example\")")
        .await;
    let admin = signed_in(&w, "admin@acme.example").await;

    let html = page(&w, &admin, AUDIT).await;
    assert!(html.contains("Every event of Acme."));
    assert!(html.contains("authn_login_success") && html.contains("mia@acme.example"));
    assert!(
        !html.contains("boss@globex.example"),
        "another organization's people and events"
    );
    assert!(!html.contains("<td>Ops</td>"), "Globex's group");

    // By person: Mia's sign-in only.
    let mia = person_id(&html, "mia@acme.example");
    let only_mia = page(&w, &admin, &format!("{AUDIT}?person={mia}")).await;
    assert!(only_mia.contains("<td>mia@acme.example</td>"));
    assert!(!only_mia.contains("<td>admin@acme.example</td>"));
    // By action and by date.
    let groups = page(&w, &admin, &format!("{AUDIT}?action=group_created")).await;
    assert!(groups.contains("<td>Sales</td>") && !groups.contains("authn_login_success</code>"));
    let future = page(&w, &admin, &format!("{AUDIT}?from=2099-01-01")).await;
    assert!(future.contains("No events match."));
    // A bad date: the reason, the input kept, no rows.
    let bad = page(
        &w,
        &admin,
        &format!("{AUDIT}?from=01%2F12%2F2026&person={mia}"),
    )
    .await;
    assert!(
        bad.contains("is not a date: write it as 2026-12-31."),
        "{bad}"
    );
    assert!(bad.contains(r#"value="01/12/2026""#));
    assert!(bad.contains("No events match."));

    // Pages of 50, newest first.
    for i in 0..55 {
        w.app.group(&w.acme, &format!("Team {i:02}")).await;
    }
    let first = page(&w, &admin, AUDIT).await;
    assert!(first.contains("<td>Team 54</td>") && !first.contains("<td>Team 03</td>"));
    assert!(first.contains("Older events"));
    let second = page(&w, &admin, &format!("{AUDIT}?page=2")).await;
    assert!(second.contains("<td>Team 03</td>") && second.contains("Newer events"));

    // The CSV: every match, formula-safe.
    let csv = admin
        .get(w.app.url("/o/acme/settings/audit.csv?action=group_created"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.text().await.unwrap();
    assert_eq!(
        body.lines().count(),
        1 + 2 + 1 + 55,
        "header, Sales, Support, the formula, 55 teams"
    );
    assert!(body.contains("'=HYPERLINK"), "{body}");
    assert!(!body.contains(",=HYPERLINK") && !body.contains("\"=HYPERLINK"));
    assert!(!body.contains("Ops"));
}

#[tokio::test]
async fn a_group_admin_reads_their_groups_events_and_a_member_is_refused() {
    let w = world().await;
    let _mia = signed_in(&w, "mia@acme.example").await;
    let _admin = signed_in(&w, "admin@acme.example").await;
    let lead = signed_in(&w, "lead@acme.example").await;

    let html = page(&w, &lead, AUDIT).await;
    assert!(html.contains("The events of the groups you administer (Sales)"));
    assert!(
        html.contains("<td>mia@acme.example</td>"),
        "a Sales member's sign-in"
    );
    assert!(
        !html.contains("<td>admin@acme.example</td>"),
        "not in Sales"
    );
    assert!(
        html.contains("mia@acme.example in Sales"),
        "Sales membership changes"
    );
    assert!(!html.contains("in Support"), "another group");

    let mia = signed_in(&w, "mia@acme.example").await;
    let refused = w.app.get_with(&mia, AUDIT).await;
    assert_eq!(refused.status(), 403);
    let csv = mia
        .get(w.app.url("/o/acme/settings/audit.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 403);
    // Another organization's trail is not found.
    let admin = signed_in(&w, "admin@acme.example").await;
    assert_eq!(
        w.app
            .get_with(&admin, "/o/globex/settings/audit")
            .await
            .status(),
        404
    );
}
