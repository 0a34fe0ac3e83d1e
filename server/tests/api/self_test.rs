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
