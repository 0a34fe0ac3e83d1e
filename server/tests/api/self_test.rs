//! "Test my connection": the guide's steps 2 to 5 through the person's own connection, each with
//! what it found or, when it fails, the cause and the fix; the steps after a failure are not run.

use reqwest::Method;

use crate::helpers::*;
use crate::sim::*;

const TEST: &str = "/o/acme/integrations/salesforce/test";

#[tokio::test]
async fn a_connected_person_sees_every_step_pass_with_what_it_found() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    assert!(
        page(w, &mia, MY_INTEGRATIONS).await.contains(TEST),
        "linked from the card"
    );

    let html = page(w, &mia, TEST).await;
    assert_eq!(html.matches("✓ passed").count(), 4, "{html}");
    assert!(html.contains("Every step passed"));
    assert!(html.contains("objects visible"));
    assert!(html.contains("Account (Account):") && html.contains("fields visible to you"));
    assert!(html.contains("Found 001"));

    // A chosen object the Standard User cannot see: the describe says so; the rest is not run.
    let order = page(w, &mia, &format!("{TEST}?object=Order")).await;
    assert_eq!(order.matches("✓ passed").count(), 1, "{order}");
    assert!(
        order.contains("✗ failed")
            && order.contains("No object named Order is visible to your Salesforce user")
    );
    assert_eq!(order.matches("– not run").count(), 2);

    let quality = page(w, &mia, &format!("{TEST}?object=Quality_Issue__c")).await;
    assert_eq!(quality.matches("✓ passed").count(), 4, "{quality}");
}

#[tokio::test]
async fn a_test_without_a_working_connection_names_the_fix() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    let html = page(w, &mia, TEST).await;
    assert!(
        html.contains("Salesforce is not connected: connect it on My Integrations first."),
        "{html}"
    );
    assert_eq!(html.matches("– not run").count(), 3);

    connect(w, &mia, STANDARD).await;
    control(
        &sw.sim,
        Method::POST,
        "/__sim/users/standard@acme.sim/revoke-tokens",
        None,
    )
    .await;
    let html = page(w, &mia, TEST).await;
    assert!(
        html.contains("✗ failed") && html.contains("Reconnect"),
        "{html}"
    );
    assert!(!html.contains("Every step passed"));
    assert!(
        html.contains("/o/acme/integrations/salesforce/troubleshooting#invalid_grant"),
        "{html}"
    );
}

#[tokio::test]
async fn an_object_the_salesforce_user_may_not_read_fails_with_its_fix_and_entry() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    let (status, _) = control(
        &sw.sim,
        Method::POST,
        "/__sim/profiles/StandardUser/object-access",
        Some(serde_json::json!({"object": "Opportunity", "read": false})),
    )
    .await;
    assert_eq!(status, 200);
    let html = page(w, &mia, &format!("{TEST}?object=Opportunity")).await;
    assert!(html.contains("✗ failed"), "{html}");
    assert!(
        html.contains("No object named Opportunity is visible to your Salesforce user")
            || html.contains("not accessible to your Salesforce user (object permissions)"),
        "{html}"
    );
    assert!(html.contains("troubleshooting#INVALID_TYPE"), "{html}");
    assert!(!html.contains("Every step passed"));
}

/// Gives the Standard User "API Enabled", or takes it away.
async fn api_enabled(sim: &salesforce_sim::RunningSim, on: bool) {
    let change = serde_json::json!({ "api_enabled": on });
    let path = "/__sim/users/standard@acme.sim";
    assert_eq!(control(sim, Method::PATCH, path, Some(change)).await.0, 200);
}

/// The id the run's "Find one of its records" step found.
fn found_id(html: &str) -> String {
    let at = html.find("Found 001").expect("a found account") + "Found ".len();
    html[at..at + 18].to_owned()
}

#[tokio::test]
async fn a_named_test_record_adds_step_6_a_prepared_update_that_waits_for_approval() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    let id = found_id(&page(w, &mia, TEST).await);
    let with_record = format!("{TEST}?object=Account&record={id}");

    // Step 6 is the organization's policy's first: writes are off.
    let html = page(w, &mia, &with_record).await;
    assert!(
        html.contains(&format!("Found your test record {id}.")),
        "{html}"
    );
    assert_eq!(html.matches("✓ passed").count(), 4, "{html}");
    assert!(
        html.contains(
            r#"<li class="step failed"><strong>Prepare an update of your test record</strong>"#
        ),
        "{html}"
    );
    assert!(html.contains("Prepared changes are off for this organization"));

    crate::changes::enable_writes(w, &["update"], "Account").await;
    let html = page(w, &mia, &with_record).await;
    assert!(html.contains("Not prepared yet."), "{html}");
    let prepare =
        format!("/o/acme/salesforce/prepare?object=Account&amp;action=update&amp;id={id}");
    assert!(html.contains(&prepare), "{html}");

    // The form the link opens prepares it like any other change; nothing is written.
    let (status, location) = crate::changes::prepare(
        w,
        &mia,
        &[
            ("object", "Account"),
            ("action", "update"),
            ("id", &id),
            ("f:Description", "Sofie connection test"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let proposal = crate::changes::proposal_id(&location);
    let html = page(w, &mia, &with_record).await;
    assert_eq!(html.matches("✓ passed").count(), 5, "{html}");
    assert!(html.contains("waits for your approval."), "{html}");
    assert!(html.contains(&format!(
        r#"<a href="/o/acme/salesforce/changes/{proposal}">Review your test update</a>"#
    )));
    assert_eq!(crate::changes::writes(&sw.sim).await, 0);
}

#[tokio::test]
async fn missing_api_access_a_record_elsewhere_and_a_bad_id_each_name_their_fix() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;

    api_enabled(&sw.sim, false).await;
    let html = page(w, &mia, TEST).await;
    assert!(
        html.contains("Your Salesforce user has no API access")
            && html.contains("API is disabled for this User"),
        "{html}"
    );
    assert!(
        html.contains("troubleshooting#API_DISABLED_FOR_ORG"),
        "{html}"
    );
    assert_eq!(html.matches("– not run").count(), 3);
    api_enabled(&sw.sim, true).await;

    // A well-formed Account id that this organization does not have: perhaps the sandbox's.
    let html = page(w, &mia, &format!("{TEST}?record=001000000000999")).await;
    assert!(
        html.contains("is not visible to standard@acme.sim in Acme (production"),
        "{html}"
    );
    assert!(html.contains("a sandbox rather than production"));
    assert!(html.contains("troubleshooting#NOT_FOUND"));
    assert_eq!(html.matches("– not run").count(), 2, "read and step 6");

    let html = page(w, &mia, &format!("{TEST}?record=003000000000999")).await;
    assert!(
        html.contains("cannot be a record of Account: Account ids begin with 001"),
        "{html}"
    );
    let html = page(w, &mia, &format!("{TEST}?record=not-an-id")).await;
    assert!(
        html.contains("not-an-id is not a Salesforce record id"),
        "{html}"
    );
}
