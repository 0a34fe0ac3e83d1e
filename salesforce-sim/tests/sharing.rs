//! Record sharing: organization-wide defaults, owners, "View All Data", an object a profile
//! cannot read, and Salesforce's answers when a record is not the caller's to see or change.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use salesforce_sim::RunningSim;
use serde_json::{Value, json};

const ACME: &str = "00D5i0000000001EAA";
const ADMIN_ID: &str = "0055i0000000001AAA";
const STANDARD_ID: &str = "0055i0000000002AAA";

async fn count(token: &Value, object: &str) -> Value {
    let (status, body) = soql(token, &format!("SELECT COUNT() FROM {object}")).await;
    if status == StatusCode::OK {
        body["totalSize"].clone()
    } else {
        body[0]["errorCode"].clone()
    }
}

async fn set_owd(sim: &RunningSim, object: &str, default: &str) {
    let body = json!({"object": object, "default": default});
    control_post(sim, &format!("/__sim/orgs/{ACME}/sharing"), body).await;
}

#[tokio::test]
async fn each_user_sees_what_the_defaults_and_ownership_allow() {
    let (sim, admin, standard) = start_both().await;
    let expected = [
        ("Account", json!(40), json!(40)),
        ("Contact", json!(120), json!(120)),
        ("Opportunity", json!(80), json!(40)),
        ("Case", json!(20), json!(10)),
        ("Task", json!(40), json!(20)),
        ("Event", json!(14), json!(7)),
        ("Order", json!(20), json!("INVALID_TYPE")),
        ("Quality_Issue__c", json!(20), json!(20)),
        ("User", json!(2), json!(2)),
        ("Organization", json!(1), json!(1)),
    ];
    for (object, for_admin, for_standard) in expected {
        assert_eq!(
            count(&admin, object).await,
            for_admin,
            "{object} for the admin"
        );
        assert_eq!(
            count(&standard, object).await,
            for_standard,
            "{object} for the standard user"
        );
    }
    let path = format!("/__sim/orgs/{ACME}/sharing");
    let (_, sharing) = sim_control(&sim, Method::GET, &path, None).await;
    assert_eq!(sharing["Opportunity"], "Private");
    assert_eq!(sharing["Account"], "Read");

    // Counts and aggregates only cover rows the user sees; so do parents and children.
    let (_, r) = soql(&standard, "SELECT COUNT(Id), SUM(Amount) FROM Opportunity").await;
    assert_eq!(r["records"][0]["expr0"], 40);
    let (_, r) = soql(&standard, "SELECT Id, Owner.Name, (SELECT OwnerId FROM Opportunities) FROM Account WHERE OwnerId = '0055i0000000001AAA'").await;
    assert_eq!(r["totalSize"], 20, "Account is Public Read Only");
    assert!(
        r["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["Opportunities"].is_null())
    );
    let (_, r) = soql(
        &standard,
        "SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM Opportunity)",
    )
    .await;
    assert_eq!(
        r["totalSize"], 20,
        "the semi-join sees only the user's opportunities"
    );
}

#[tokio::test]
async fn records_not_shared_are_404_and_read_only_ones_refuse_writes() {
    let (_sim, admin, standard) = start_both().await;
    let theirs = &ids(
        &admin,
        &format!("SELECT Id FROM Opportunity WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Opportunity/{theirs}");
    let (status, _, body) = api_get(&standard, &path).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            serde_json::from_str::<Value>(NOT_FOUND).unwrap()
        )
    );
    for method in [Method::PATCH, Method::DELETE] {
        let body = (method == Method::PATCH).then(|| json!({"Name": "Mine now"}));
        let (status, answer) = api_send(&standard, method.clone(), &path, body, &[]).await;
        assert_eq!(
            (status, answer[0]["errorCode"].as_str()),
            (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
            "{method}"
        );
    }

    // Public Read Only: the admin's account can be read, not changed.
    let account = &ids(
        &admin,
        &format!("SELECT Id FROM Account WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Account/{account}");
    assert_eq!(api_get(&standard, &path).await.0, StatusCode::OK);
    let (status, body) = send(&standard, Method::PATCH, &path, json!({"Phone": "1"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!([{"message": "insufficient access rights on object id", "errorCode": "INSUFFICIENT_ACCESS_OR_READONLY"}])
    );

    // Public Read/Write: the admin's contact can be edited, but not deleted or handed over.
    let contact = &ids(
        &admin,
        &format!("SELECT Id FROM Contact WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Contact/{contact}");
    let (status, _) = send(&standard, Method::PATCH, &path, json!({"Title": "Buyer"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = send(
        &standard,
        Method::PATCH,
        &path,
        json!({"OwnerId": STANDARD_ID}),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("INSUFFICIENT_ACCESS_OR_READONLY")
        )
    );
    let (status, body) = api_send(&standard, Method::DELETE, &path, None, &[]).await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("INSUFFICIENT_ACCESS_OR_READONLY")
        )
    );

    // Their own records are theirs to delete; the admin sees and changes everything.
    let mine = &ids(
        &standard,
        &format!("SELECT Id FROM Opportunity WHERE OwnerId = '{STANDARD_ID}' LIMIT 1"),
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Opportunity/{mine}");
    assert_eq!(
        send(&admin, Method::PATCH, &path, json!({"Amount": 5}))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api_send(&standard, Method::DELETE, &path, None, &[])
            .await
            .0,
        StatusCode::NO_CONTENT
    );

    // A lookup to a record the user cannot see is refused as such.
    let task = json!({"Subject": "Follow up", "WhatId": theirs});
    let (status, body) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Task",
        task,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!([{"message": format!("insufficient access rights on cross-reference id: {theirs}"), "errorCode": "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "fields": ["WhatId"]}])
    );
    // A unique value is unique among all records, shared or not.
    let twin = json!({"Name": "Twin", "External_Ref__c": "QI-EXT-0001"});
    let (_, body) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Quality_Issue__c",
        twin,
    )
    .await;
    assert_eq!(body[0]["errorCode"], "DUPLICATE_VALUE");
    assert!(body[0]["message"].as_str().unwrap().starts_with(
        "duplicate value found: External_Ref__c duplicates value on record with id: a0Q"
    ));
}

#[tokio::test]
async fn changing_the_defaults_and_owners_changes_what_is_seen() {
    let (sim, admin, standard) = start_both().await;
    set_owd(&sim, "Account", "Private").await;
    assert_eq!(count(&standard, "Account").await, 20);
    assert_eq!(count(&admin, "Account").await, 40, "View All Data");
    let (_, r) = soql(
        &standard,
        &format!("SELECT Account.Name FROM Contact WHERE Account.OwnerId = '{ADMIN_ID}'"),
    )
    .await;
    assert_eq!(
        r["totalSize"], 0,
        "a hidden parent reads as null, so the filter fails"
    );
    let (_, r) = soql(
        &standard,
        &format!("SELECT Account.Name FROM Contact WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await;
    assert_eq!(r["records"][0]["Account"], Value::Null);
    let search = "/services/data/v67.0/search?q=FIND+%7BCorp%7D+RETURNING+Account(Id,+OwnerId)";
    let (_, _, found) = api_get(&standard, search).await;
    let owners: Vec<&str> = found["searchRecords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["OwnerId"].as_str().unwrap())
        .collect();
    assert_eq!(owners, [STANDARD_ID; 5], "of the ten Corp accounts");
    let (_, _, found) = api_get(
        &standard,
        "/services/data/v67.0/parameterizedSearch?q=Corp&sobject=Account&Account.fields=OwnerId",
    )
    .await;
    assert_eq!(
        found["searchRecords"].as_array().unwrap().len(),
        owners.len()
    );

    let account = &ids(
        &admin,
        &format!("SELECT Id FROM Account WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    let path = format!("/services/data/v67.0/sobjects/Account/{account}");
    assert_eq!(api_get(&standard, &path).await.0, StatusCode::NOT_FOUND);
    let (status, moved) = sim_control(
        &sim,
        Method::POST,
        &format!("/__sim/records/{account}/owner"),
        Some(json!({"owner_id": STANDARD_ID})),
    )
    .await;
    assert_eq!(
        (status, moved["owner_id"].as_str()),
        (StatusCode::OK, Some(STANDARD_ID))
    );
    let (status, _, record) = api_get(&standard, &path).await;
    assert_eq!(
        (status, record["OwnerId"].as_str()),
        (StatusCode::OK, Some(STANDARD_ID))
    );
    assert_eq!(
        record["LastModifiedById"], ADMIN_ID,
        "transferred by the administrator"
    );
    let (status, _) = send(&standard, Method::PATCH, &path, json!({"Phone": "2"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "now theirs to edit");

    set_owd(&sim, "Opportunity", "Public Read/Write").await;
    assert_eq!(count(&standard, "Opportunity").await, 80);
    let (status, answer) = sim_control(
        &sim,
        Method::POST,
        &format!("/__sim/orgs/{ACME}/sharing"),
        Some(json!({"object": "User", "default": "Private"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    sim_control(&sim, Method::POST, "/__sim/reset", None).await;
    let standard = login(&sim, STANDARD_USER).await;
    assert_eq!(
        count(&standard, "Account").await,
        40,
        "reset restores the defaults"
    );
}
