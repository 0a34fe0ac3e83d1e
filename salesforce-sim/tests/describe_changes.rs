//! Describe `Last-Modified` moves when metadata, a profile's permissions or an org's sharing
//! change, so a client revalidating with `If-Modified-Since` sees the change; 304s are counted.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Answer {
    status: StatusCode,
    last_modified: String,
    etag: String,
    body: String,
}

async fn describe(token: &Value, path: &str, since: Option<&str>) -> Answer {
    let url = format!("{}{path}", token["instance_url"].as_str().unwrap());
    let mut request = http()
        .get(url)
        .bearer_auth(token["access_token"].as_str().unwrap());
    if let Some(since) = since {
        request = request.header("If-Modified-Since", since);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        let value = response.headers().get(name).map(|v| v.to_str().unwrap());
        value.unwrap_or_default().to_string()
    };
    Answer {
        status: response.status(),
        last_modified: header("last-modified"),
        etag: header("etag"),
        body: response.text().await.unwrap(),
    }
}

const ACCOUNT: &str = "/services/data/v67.0/sobjects/Account/describe";
const GLOBAL: &str = "/services/data/v67.0/sobjects";

#[tokio::test]
async fn field_access_changes_move_the_profiles_describes() {
    let (sim, admin, standard) = start_both().await;
    let before = describe(&admin, ACCOUNT, None).await;
    assert!(before.body.contains("\"AnnualRevenue\""));
    let global = describe(&admin, GLOBAL, None).await;
    let theirs = describe(&standard, ACCOUNT, None).await;
    assert_eq!(
        describe(&admin, ACCOUNT, Some(&before.last_modified))
            .await
            .status,
        StatusCode::NOT_MODIFIED
    );

    let change =
        json!({"object": "Account", "field": "AnnualRevenue", "visible": false, "editable": false});
    let answer = control_post(
        &sim,
        "/__sim/profiles/System%20Administrator/field-access",
        change,
    )
    .await;
    assert_eq!(
        (answer["visible"].as_bool(), answer["editable"].as_bool()),
        (Some(false), Some(false))
    );

    let after = describe(&admin, ACCOUNT, Some(&before.last_modified)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(!after.body.contains("\"AnnualRevenue\""), "the new body");
    assert!(
        httpdate::parse_http_date(&after.last_modified).unwrap()
            > httpdate::parse_http_date(&before.last_modified).unwrap()
    );
    assert_eq!(answer["last_modified"], after.last_modified.as_str());
    assert_ne!(after.etag, before.etag);
    let again = describe(&admin, ACCOUNT, Some(&after.last_modified)).await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (StatusCode::NOT_MODIFIED, "")
    );
    assert_eq!(
        describe(&admin, GLOBAL, Some(&global.last_modified))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        describe(&standard, ACCOUNT, Some(&theirs.last_modified))
            .await
            .status,
        StatusCode::NOT_MODIFIED,
        "another profile's describe did not change"
    );
    let (status, body) = soql(&admin, "SELECT AnnualRevenue FROM Account LIMIT 1").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );

    // Read-only by FLS: visible, and a write names the field.
    let change = json!({"object": "Account", "field": "Phone", "editable": false});
    control_post(&sim, "/__sim/profiles/standard-user/field-access", change).await;
    let mine = &ids(
        &standard,
        "SELECT Id FROM Account WHERE OwnerId = '0055i0000000002AAA' LIMIT 1",
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Account/{mine}");
    let (_, body) = send(&standard, Method::PATCH, &path, json!({"Phone": "1"})).await;
    assert_eq!(body[0]["errorCode"], "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(body[0]["fields"], json!(["Phone"]));
    let before = describe(&standard, ACCOUNT, None).await;
    sim_control(
        &sim,
        Method::PATCH,
        "/__sim/users/admin@acme.sim",
        Some(json!({"profile": "Standard User"})),
    )
    .await;
    let moved = describe(&admin, ACCOUNT, Some(&before.last_modified)).await;
    assert_eq!(
        moved.status,
        StatusCode::OK,
        "a user who changes profile revalidates"
    );
    let (status, refused) = sim_control(
        &sim,
        Method::POST,
        "/__sim/profiles/Standard%20User/field-access",
        Some(json!({"object": "Account", "field": "Name", "visible": false})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "required fields always follow the object: {refused}"
    );
}

#[tokio::test]
async fn changes_within_one_second_are_still_seen() {
    let sim = start().await;
    let admin = login(&sim, ADMIN).await;
    let mut last = describe(
        &admin,
        "/services/data/v67.0/sobjects/Contact/describe",
        None,
    )
    .await;
    for visible in [false, true, false] {
        let change = json!({"object": "Contact", "field": "Title", "visible": visible});
        control_post(
            &sim,
            "/__sim/profiles/System%20Administrator/field-access",
            change,
        )
        .await;
        let next = describe(
            &admin,
            "/services/data/v67.0/sobjects/Contact/describe",
            Some(&last.last_modified),
        )
        .await;
        assert_eq!(
            next.status,
            StatusCode::OK,
            "change to visible={visible} is seen"
        );
        assert_eq!(next.body.contains("\"Title\""), visible);
        last = next;
    }
}

#[tokio::test]
async fn metadata_object_access_and_sharing_changes_and_reset() {
    let (sim, admin, standard) = start_both().await;
    let contact = "/services/data/v67.0/sobjects/Contact/describe";
    let first = describe(&standard, contact, None).await;
    let global = describe(&standard, GLOBAL, None).await;
    let touched = control_post(&sim, "/__sim/objects/Contact/touch", json!({})).await;
    for token in [&admin, &standard] {
        let answer = describe(token, contact, Some(&first.last_modified)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(touched["last_modified"], answer.last_modified.as_str());
    }
    assert_eq!(
        describe(&standard, GLOBAL, Some(&global.last_modified))
            .await
            .status,
        StatusCode::OK
    );

    // Read on Order for the Standard User: it appears, and Account now lists its relationship.
    let account = describe(&standard, ACCOUNT, None).await;
    let granted = control_post(
        &sim,
        "/__sim/profiles/Standard%20User/object-access",
        json!({"object": "Order", "read": true}),
    )
    .await;
    assert_eq!(
        (granted["read"].as_bool(), granted["create"].as_bool()),
        (Some(true), Some(false))
    );
    let listed = describe(&standard, GLOBAL, None).await;
    assert!(listed.body.contains("\"name\":\"Order\""));
    let order = describe(
        &standard,
        "/services/data/v67.0/sobjects/Order/describe",
        None,
    )
    .await;
    assert_eq!(order.status, StatusCode::OK);
    let account_now = describe(&standard, ACCOUNT, Some(&account.last_modified)).await;
    assert_eq!(account_now.status, StatusCode::OK);
    assert!(account_now.body.contains("\"childSObject\":\"Order\""));
    let (_, r) = soql(&standard, "SELECT COUNT() FROM Order").await;
    assert_eq!(r["totalSize"], 20, "Order is Public Read/Write");

    // A sharing change moves the describes of that org's users.
    let before = describe(
        &standard,
        "/services/data/v67.0/sobjects/Case/describe",
        None,
    )
    .await;
    control_post(
        &sim,
        "/__sim/orgs/00D5i0000000001EAA/sharing",
        json!({"object": "Case", "default": "Read"}),
    )
    .await;
    let after = describe(
        &standard,
        "/services/data/v67.0/sobjects/Case/describe",
        Some(&before.last_modified),
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);

    sim_control(&sim, Method::DELETE, "/__sim/calls", None).await;
    assert_eq!(
        describe(&standard, ACCOUNT, Some(&account_now.last_modified))
            .await
            .status,
        StatusCode::NOT_MODIFIED
    );
    let (_, calls) = sim_control(&sim, Method::GET, "/__sim/calls", None).await;
    assert_eq!(
        calls["GET /services/data/{version}/sobjects/{name}/describe"], 1,
        "a 304 is a call too"
    );

    sim_control(&sim, Method::POST, "/__sim/reset", None).await;
    let standard = login(&sim, STANDARD_USER).await;
    let reset = describe(&standard, contact, None).await;
    assert_eq!(
        reset.last_modified, first.last_modified,
        "reset restores the seeded dates"
    );
    assert_eq!(
        describe(
            &standard,
            "/services/data/v67.0/sobjects/Order/describe",
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}
