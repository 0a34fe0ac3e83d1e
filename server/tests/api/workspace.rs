//! The guide's "Test the connection" steps 2 to 5 over HTTP, as the connected person: list
//! objects, describe one, search, query and read a record, each with the person's own
//! Salesforce authority (a Standard User sees fewer objects, fields and records than an
//! administrator), and each failure as a sentence that says what to do.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::sim::*;

pub const OBJECTS: &str = "/o/acme/salesforce/objects";

pub fn query_path(soql: &str) -> String {
    format!(
        "/o/acme/salesforce/query?{}",
        serde_urlencoded::to_string([("q", soql)]).unwrap()
    )
}

pub fn search_path(term: &str, objects: &str) -> String {
    format!(
        "/o/acme/salesforce/search?{}",
        serde_urlencoded::to_string([("q", term), ("objects", objects)]).unwrap()
    )
}

/// The first record link on a page: `/o/acme/salesforce/records/{Object}/{id}`.
fn first_record_link(html: &str, object: &str) -> String {
    let start = html
        .find(&format!("/o/acme/salesforce/records/{object}/"))
        .unwrap_or_else(|| panic!("a {object} link in {html}"));
    let rest = &html[start..];
    rest[..rest.find('"').unwrap()].to_string()
}

pub async fn status_and_body(w: &World, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = w.app.get_with(client, path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn an_administrator_lists_describes_searches_and_reads_as_the_guide_tests_it() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;

    let home = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(
        home.contains(r#"href="/o/acme/salesforce/objects""#),
        "linked from My Integrations"
    );

    let objects = page(w, &mia, OBJECTS).await;
    for expected in ["Account", "Quality_Issue__c", "Opportunity", "Case"] {
        assert!(
            objects.contains(&format!("<code>{expected}</code>")),
            "{expected} listed"
        );
    }
    assert!(
        objects.contains(r#"class="badge custom""#),
        "custom objects are marked"
    );
    let filtered = page(w, &mia, &format!("{OBJECTS}?filter=quality")).await;
    assert!(
        filtered.contains("Quality_Issue__c") && !filtered.contains("<code>Opportunity</code>")
    );

    let account = page(w, &mia, "/o/acme/salesforce/objects/Account").await;
    for expected in [
        "AnnualRevenue",
        "Industry",
        "active values",
        "Contacts",
        "ParentId",
    ] {
        assert!(
            account.contains(expected),
            "{expected} in the describe page"
        );
    }
    let required = page(w, &mia, "/o/acme/salesforce/objects/Account?required=on").await;
    assert!(required.contains("<code>Name</code>") && !required.contains("<code>Industry</code>"));

    let found = page(w, &mia, &search_path("Globex", "Account")).await;
    assert!(found.contains("Globex Corp"), "{found}");
    let with_fields = page(
        w,
        &mia,
        &format!(
            "{}&fields=Phone,NoSuchField",
            search_path("Globex", "Account,Contact")
        ),
    )
    .await;
    assert!(
        with_fields.contains("<code>Phone</code>") && with_fields.contains("+49 30 1000000"),
        "asked-for fields are shown"
    );
    let record_path = first_record_link(&found, "Account");
    let record = page(w, &mia, &record_path).await;
    assert!(record.contains("Globex Corp") && record.contains("Annual Revenue"));
    assert!(
        record.contains("/lightning/r/Account/"),
        "a link into Salesforce"
    );
    assert!(
        record.contains(r#"href="/o/acme/salesforce/records/User/"#),
        "the owner is a link"
    );

    let all = page(w, &mia, &query_path("SELECT Id FROM Opportunity")).await;
    assert!(
        all.contains("Rows 1–80 of 80."),
        "View All Data: every opportunity"
    );

    let queried = page(
        w,
        &mia,
        &query_path("SELECT Id, Name, Account.Name FROM Contact ORDER BY Name"),
    )
    .await;
    assert!(queried.contains("Account.Name") && queried.contains("Sofie added LIMIT 10000"));
    assert!(queried.contains(r#"href="/o/acme/salesforce/records/Contact/"#));
}

#[tokio::test]
async fn a_standard_user_never_sees_what_their_salesforce_user_cannot() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;

    let account = page(w, &mia, "/o/acme/salesforce/objects/Account").await;
    assert!(
        !account.contains("AnnualRevenue"),
        "a field hidden by FLS is not described"
    );
    let found = page(w, &mia, &search_path("Globex", "Account")).await;
    let record = page(w, &mia, &first_record_link(&found, "Account")).await;
    assert!(!record.contains("Annual Revenue"), "nor read");
    let queried = page(w, &mia, &query_path("SELECT Id, Name FROM Account")).await;
    assert!(!queried.contains("AnnualRevenue"));
    let searched = page(
        w,
        &mia,
        &format!("{}&fields=AnnualRevenue", search_path("Globex", "Account")),
    )
    .await;
    assert!(searched.contains("Globex Corp") && !searched.contains("<code>AnnualRevenue</code>"));

    // Sharing: opportunities are private, so only the user's own are counted; Order is not
    // readable by the profile at all.
    let own = page(w, &mia, &query_path("SELECT Id FROM Opportunity")).await;
    assert!(
        own.contains("Rows 1–40 of 40."),
        "the standard user's own 40 of 80"
    );
    let objects = page(w, &mia, OBJECTS).await;
    assert!(
        !objects.contains("<code>Order</code>"),
        "Order is not listed"
    );
    let (status, body) = status_and_body(w, &mia, &query_path("SELECT Id FROM Order")).await;
    assert_eq!(status, 403);
    assert!(
        body.contains("not accessible to your Salesforce user"),
        "{body}"
    );
    let (status, _) = status_and_body(w, &mia, "/o/acme/salesforce/objects/Order").await;
    assert_eq!(
        status, 404,
        "no describe of an object the profile cannot read"
    );

    let (status, refused) = status_and_body(
        w,
        &mia,
        &query_path("SELECT Id, AnnualRevenue FROM Account"),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        refused.contains("not visible to your Salesforce user (field-level security)"),
        "{refused}"
    );
    assert!(
        refused.contains("SELECT Id, AnnualRevenue FROM Account"),
        "the query box keeps the input"
    );
}

#[tokio::test]
async fn unknown_objects_bad_ids_and_other_organizations_are_refused_with_the_fix() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;

    let (status, body) = status_and_body(w, &mia, "/o/acme/salesforce/objects/Acount").await;
    assert_eq!(status, 404);
    assert!(
        body.contains("No object named Acount is visible to your Salesforce user"),
        "{body}"
    );
    assert!(
        body.contains(r#"href="/o/acme/salesforce/objects/Account""#),
        "close matches link"
    );

    let found = page(w, &mia, &search_path("Globex", "Account")).await;
    let path = first_record_link(&found, "Account");
    let id18 = path.rsplit('/').next().unwrap().to_string();
    let short = page(
        w,
        &mia,
        &format!("/o/acme/salesforce/records/Account/{}", &id18[..15]),
    )
    .await;
    assert!(
        short.contains(&id18),
        "a 15-character id reads the same record"
    );
    let mut wrong = id18.clone();
    wrong.replace_range(17..18, if id18.ends_with('A') { "B" } else { "A" });
    let (status, body) = status_and_body(
        w,
        &mia,
        &format!("/o/acme/salesforce/records/Account/{wrong}"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("do not match its first fifteen"), "{body}");

    let contacts = page(w, &mia, &query_path("SELECT Id FROM Contact LIMIT 1")).await;
    let contact = first_record_link(&contacts, "Contact");
    let contact_id = contact.rsplit('/').next().unwrap();
    let (status, body) = status_and_body(
        w,
        &mia,
        &format!("/o/acme/salesforce/records/Account/{contact_id}"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("This id belongs to Contact"), "{body}");

    // A well-formed Account id of another Salesforce organization: Salesforce's 404.
    let (status, body) = status_and_body(
        w,
        &mia,
        "/o/acme/salesforce/records/Account/001000000000000AAA",
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body.contains("Not found, or not visible to your Salesforce user"),
        "{body}"
    );

    // Another Sofie organization's pages: not found, as for any id that is not yours.
    let (status, _) = status_and_body(w, &mia, "/o/globex/salesforce/objects").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn without_a_connection_every_page_shows_the_card_and_its_button() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    for path in [
        OBJECTS.to_string(),
        "/o/acme/salesforce/objects/Account".into(),
        search_path("Globex", ""),
        query_path("SELECT Id FROM Account"),
        "/o/acme/salesforce/records/Account/001000000000000AAA".into(),
    ] {
        let (status, body) = status_and_body(w, &mia, &path).await;
        assert_eq!(status, 409, "{path}");
        assert!(
            body.contains("Not connected") && body.contains("Connect Salesforce"),
            "{path}: {body}"
        );
    }
    let (status, body) = status_and_body(w, &mia, "/o/acme/salesforce/query").await;
    assert_eq!(status, 200, "an empty console asks nothing");
    assert!(body.contains("<textarea"));
}

#[tokio::test]
async fn describes_are_cached_per_connection_and_revalidated_with_if_modified_since() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    page(w, &mia, "/o/acme/salesforce/objects/Account").await;
    clear_calls(sim).await;
    page(w, &mia, "/o/acme/salesforce/objects/Account").await;
    let describe = "GET /services/data/{version}/sobjects/{name}/describe";
    assert_eq!(calls_to(sim, describe).await, 1, "revalidated once");
    assert_eq!(
        calls_to(sim, &format!("{describe} 304")).await,
        1,
        "and answered 304: no body"
    );

    // Hiding a field moves Last-Modified: the next revalidation fetches the new describe.
    control(
        sim,
        Method::POST,
        "/__sim/profiles/System Administrator/field-access",
        Some(json!({"object": "Account", "field": "Rating", "visible": false, "editable": false})),
    )
    .await;
    let account = page(w, &mia, "/o/acme/salesforce/objects/Account").await;
    assert!(
        !account.contains("<code>Rating</code>"),
        "the changed describe is shown"
    );
}

#[tokio::test]
async fn two_thousand_and_more_rows_page_through_next_records_url_and_download_as_csv() {
    let config = salesforce_sim::SimConfig {
        seed_accounts: 700,
        ..Default::default()
    };
    let world = sf_world_adjusted(config, |_| {}).await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let first = page(
        w,
        &mia,
        &query_path("SELECT Id, Name FROM Contact ORDER BY Name"),
    )
    .await;
    assert!(
        first.contains("Rows 1–2000 of 2100."),
        "{}",
        &first[..first.len().min(3000)]
    );
    let start = first.find("page=").expect("a next link") + 5;
    let locator = &first[start..start + first[start..].find('"').unwrap()];
    let next = page(
        w,
        &mia,
        &format!(
            "{}&page={locator}",
            query_path("SELECT Id, Name FROM Contact ORDER BY Name")
        ),
    )
    .await;
    assert!(next.contains("Rows 2001–2100 of 2100."));
    assert!(!next.contains("Next rows"), "the last batch");

    let csv = w
        .app
        .get_with(
            &mia,
            &format!(
                "/o/acme/salesforce/query.csv?{}",
                serde_urlencoded::to_string([("q", "SELECT Id, Name FROM Account LIMIT 3")])
                    .unwrap()
            ),
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 4, "a header and three rows: {text}");
    assert!(text.starts_with("Id,Name\n"));

    let (status, body) = status_and_body(
        w,
        &mia,
        &format!(
            "{}&page=..%2F..%2Fsobjects",
            query_path("SELECT Id FROM Contact")
        ),
    )
    .await;
    assert_eq!(status, 400, "a crafted locator goes nowhere: {body}");
}

#[tokio::test]
async fn a_disconnect_is_seen_at_once_though_describes_are_cached() {
    let world = sf_world_adjusted(Default::default(), |s| {
        s.describe_max_age_secs = 3600;
    })
    .await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    page(w, &mia, OBJECTS).await;
    assert_eq!(
        press(w, &mia, "/api/salesforce/disconnect").await.status(),
        303
    );
    let (status, body) = status_and_body(w, &mia, OBJECTS).await;
    assert_eq!(
        status, 409,
        "the cached objects are not shown after a disconnect"
    );
    assert!(body.contains("Not connected"), "{body}");
}
