//! `/metrics` for the operator's scraper, and the statement budget of the busiest pages, held
//! here so per-request database work cannot creep back.

use reqwest::Method;

use crate::helpers::*;
use crate::sim::*;

const TOKEN: &str = "metrics-token-for-tests-0123456789abcdef";

async fn scrape(w: &World, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(w.app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn metrics_need_the_operators_token_and_show_requests_calls_refreshes_and_the_pool() {
    let sw = sf_world_adjusted(salesforce_sim::SimConfig::default(), |s| {
        s.metrics_token = Some(TOKEN.to_owned().into());
    })
    .await;
    let w = &sw.w;
    assert_eq!(scrape(w, None).await.status(), 401);
    assert_eq!(scrape(w, Some("not-the-token")).await.status(), 401);

    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    page(w, &mia, "/o/acme/salesforce/objects").await;
    // An expired access token: the next call refreshes it.
    control(&sw.sim, Method::POST, "/__sim/tokens/expire", None).await;
    page(
        w,
        &mia,
        "/o/acme/salesforce/query?q=SELECT+Id+FROM+Account+LIMIT+1",
    )
    .await;

    let answer = scrape(w, Some(TOKEN)).await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = answer.text().await.unwrap();
    for line in [
        r#"sofie_http_request_duration_seconds_count{route="/o/{org}/salesforce/objects",status="2xx"} 1"#,
        r#"sofie_salesforce_call_duration_seconds_count{operation="describe_global",outcome="ok"}"#,
        r#"sofie_salesforce_call_duration_seconds_count{operation="token",outcome="ok"}"#,
        r#"sofie_salesforce_call_duration_seconds_count{operation="query",outcome="ok"}"#,
        r#"sofie_token_refreshes_total{outcome="ok"} 1"#,
        r#"sofie_salesforce_connections{status="active"} 1"#,
        r#"sofie_salesforce_api_requests_allowed{salesforce_org="00D5i0000000001EAA"} 15000"#,
        r#"sofie_db_pool_connections{state="idle"}"#,
        r#"sofie_build_info{version=""#,
        "sofie_db_statements_total ",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // Labels are templates and names, never a query, an id or a token.
    assert!(!text.contains("SELECT") && !text.contains("mia@"), "{text}");
}

#[tokio::test]
async fn without_a_token_configured_metrics_are_not_served() {
    let w = world().await;
    assert_eq!(scrape(&w, Some(TOKEN)).await.status(), 404);
}

/// The fewest statements a signed-in GET of `path` ran in three tries (a background sweep may
/// land in one).
async fn statements(w: &World, client: &reqwest::Client, path: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = w.app.metrics.statements();
        let status = w.app.get_with(client, path).await.status();
        assert_eq!(status, 200, "{path}");
        fewest = fewest.min(w.app.metrics.statements() - before);
    }
    fewest
}

#[tokio::test]
async fn the_busiest_pages_stay_within_their_statement_budget() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;
    let home = statements(&w, &admin, "/").await;
    let org_salesforce = statements(&w, &admin, "/o/acme/settings/integrations/salesforce").await;
    let mine = statements(&w, &admin, "/o/acme/integrations").await;
    println!(
        "statements per page: home {home}, organization Salesforce {org_salesforce}, My Integrations {mine}"
    );
    assert!(home <= 3, "home page: {home} statements");
    assert!(
        org_salesforce <= 11,
        "organization Salesforce page: {org_salesforce}"
    );
    assert!(mine <= 7, "My Integrations: {mine}");
}

#[tokio::test]
async fn the_organization_page_costs_the_same_with_many_groups_and_pages_them() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;
    let page = "/o/acme/settings/integrations/salesforce";
    let with_two = statements(&w, &admin, page).await;
    for n in 0..58 {
        w.app.group(&w.acme, &format!("Team {n:03}")).await;
    }
    let with_60 = statements(&w, &admin, page).await;
    for n in 58..118 {
        w.app.group(&w.acme, &format!("Team {n:03}")).await;
    }
    let with_120 = statements(&w, &admin, page).await;
    // More groups than fit on a page cost one count; after that, nothing more per group.
    assert!(
        with_60 <= with_two + 1,
        "{with_two} statements with 2 groups, {with_60} with 60"
    );
    assert_eq!(with_120, with_60, "statements with 60 groups and with 120");

    let first = w.app.get_with(&admin, page).await.text().await.unwrap();
    assert!(first.contains("Groups 1–50 of 120"), "{first}");
    assert!(first.contains(&format!("{page}?groups_page=2#groups")));
    assert_eq!(
        first.matches("/o/acme/groups/").count(),
        10 + 50,
        "ten groups in the navigation, fifty in the table"
    );
    assert!(first.contains("Group settings › All groups"));

    let last = w
        .app
        .get_with(&admin, &format!("{page}?groups_page=3"))
        .await
        .text()
        .await
        .unwrap();
    assert!(last.contains("Groups 101–120 of 120"), "{last}");
    assert!(last.contains("Team 117") && !last.contains("Next groups"));
    let past_the_end = w
        .app
        .get_with(&admin, &format!("{page}?groups_page=99"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        past_the_end.contains("Groups 101–120 of 120"),
        "the last page"
    );

    // A group admin's navigation names their groups, however many the organization has.
    let lead = signed_in(&w, "lead@acme.example").await;
    let mine = w
        .app
        .get_with(&lead, "/o/acme/integrations")
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Group settings › Sales") && !mine.contains("All groups"));
}
