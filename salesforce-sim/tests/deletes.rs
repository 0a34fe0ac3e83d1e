//! Deletes as Salesforce runs them: cascading children go to the Recycle Bin with their parent,
//! restricting children refuse the delete (`DELETE_FAILED`), and describe says which is which.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const V: &str = "/services/data/v67.0";

/// Creates a record as `t`; its id.
async fn create(t: &Value, object: &str, fields: Value) -> String {
    let (status, created) = send(t, Method::POST, &format!("{V}/sobjects/{object}"), fields).await;
    assert_eq!(status, StatusCode::CREATED, "{object}: {created}");
    created["id"].as_str().unwrap().to_string()
}

async fn delete(t: &Value, object: &str, id: &str) -> (StatusCode, Value) {
    api_send(
        t,
        Method::DELETE,
        &format!("{V}/sobjects/{object}/{id}"),
        None,
        &[],
    )
    .await
}

/// `IsDeleted` of a record as the control API stores it.
async fn deleted(sim: &salesforce_sim::RunningSim, id: &str) -> bool {
    let (status, record) =
        sim_control(sim, Method::GET, &format!("/__sim/records/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    record["IsDeleted"].as_bool().unwrap()
}

#[tokio::test]
async fn a_delete_takes_its_cascading_children_along() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let account = create(&t, "Account", json!({"Name": "Doomed Co"})).await;
    let contact = create(
        &t,
        "Contact",
        json!({"LastName": "Gone", "AccountId": account}),
    )
    .await;
    let opportunity = create(
        &t,
        "Opportunity",
        json!({"Name": "Gone deal", "StageName": "Prospecting", "CloseDate": "2027-01-01", "AccountId": account, "ContactId": contact}),
    )
    .await;
    let account_task = create(&t, "Task", json!({"Subject": "Call", "WhatId": account})).await;
    let contact_event = create(
        &t,
        "Event",
        json!({"Subject": "Visit", "WhoId": contact, "DurationInMinutes": 30, "ActivityDateTime": "2027-01-01T10:00:00.000+0000"}),
    )
    .await;
    let child_account = create(
        &t,
        "Account",
        json!({"Name": "Doomed Co Branch", "ParentId": account}),
    )
    .await;

    assert_eq!(
        delete(&t, "Account", &account).await.0,
        StatusCode::NO_CONTENT
    );
    for id in [
        &account,
        &contact,
        &opportunity,
        &account_task,
        &contact_event,
    ] {
        assert!(deleted(&sim, id).await, "{id} went with its account");
    }
    assert!(
        !deleted(&sim, &child_account).await,
        "ChildAccounts do not cascade"
    );
    let q = url::form_urlencoded::byte_serialize(
        format!("SELECT Id, IsDeleted FROM Contact WHERE AccountId = '{account}'").as_bytes(),
    )
    .collect::<String>();
    let (_, _, all) = api_get(&t, &format!("{V}/queryAll?q={q}")).await;
    assert_eq!(
        all["records"][0]["IsDeleted"], true,
        "in the Recycle Bin: {all}"
    );
    assert_eq!(
        soql_ok(
            &t,
            &format!("SELECT Id FROM Contact WHERE AccountId = '{account}'")
        )
        .await["totalSize"],
        0
    );

    // An all-or-none delete that fails undoes the cascade with the parent.
    let kept = create(&t, "Account", json!({"Name": "Kept Co"})).await;
    let kept_contact = create(
        &t,
        "Contact",
        json!({"LastName": "Kept", "AccountId": kept}),
    )
    .await;
    let (_, results) = api_send(
        &t,
        Method::DELETE,
        &format!("{V}/composite/sobjects?ids={kept},{account}&allOrNone=true"),
        None,
        &[],
    )
    .await;
    assert_eq!(results[1]["errors"][0]["statusCode"], "ENTITY_IS_DELETED");
    assert!(!deleted(&sim, &kept).await && !deleted(&sim, &kept_contact).await);
}

#[tokio::test]
async fn cases_and_orders_keep_their_parents_from_being_deleted() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let case = &soql_ok(
        &t,
        "SELECT AccountId, Account.Name, ContactId, CaseNumber FROM Case LIMIT 1",
    )
    .await["records"][0];
    let account = case["AccountId"].as_str().unwrap();
    let (status, body) = delete(&t, "Account", account).await;
    let message = format!(
        "Your attempt to delete {} could not be completed because it is associated with the following cases.: {} ",
        case["Account"]["Name"].as_str().unwrap(),
        case["CaseNumber"].as_str().unwrap()
    );
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!([{"message": message, "errorCode": "DELETE_FAILED", "fields": []}])
        )
    );
    assert!(!deleted(&sim, account).await, "nothing was deleted");
    let contacts = ids(
        &t,
        &format!("SELECT Id FROM Contact WHERE AccountId = '{account}'"),
    )
    .await;
    assert_eq!(contacts.len(), 3, "the contacts stay too");
    // The case's contact is held the same way.
    let (_, body) = delete(&t, "Contact", case["ContactId"].as_str().unwrap()).await;
    assert_eq!(body[0]["errorCode"], "DELETE_FAILED");

    let account = create(&t, "Account", json!({"Name": "Ordering Co"})).await;
    let order = create(
        &t,
        "Order",
        json!({"AccountId": account, "Status": "Draft", "EffectiveDate": "2027-01-01"}),
    )
    .await;
    let (_, stored) =
        sim_control(&sim, Method::GET, &format!("/__sim/records/{order}"), None).await;
    let (status, body) = delete(&t, "Account", &account).await;
    let message = format!(
        "Your attempt to delete Ordering Co could not be completed because it is associated with the following orders.: {} ",
        stored["OrderNumber"].as_str().unwrap()
    );
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!([{"message": message, "errorCode": "DELETE_FAILED", "fields": []}])
        )
    );
    assert_eq!(delete(&t, "Order", &order).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        delete(&t, "Account", &account).await.0,
        StatusCode::NO_CONTENT,
        "a deleted order no longer holds it"
    );
}

#[tokio::test]
async fn describe_says_which_children_cascade_and_which_restrict() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let flags = |describe: &Value, name: &str, field: &str| {
        let relationship = describe["childRelationships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["relationshipName"] == name && c["field"] == field)
            .unwrap_or_else(|| panic!("{name} by {field}"))
            .clone();
        (
            relationship["cascadeDelete"].clone(),
            relationship["restrictedDelete"].clone(),
        )
    };
    let (_, _, account) = api_get(&t, &format!("{V}/sobjects/Account/describe")).await;
    // As the recorded describe of a real org (`fixtures/rest/describe_account…`) has them.
    for (name, field, cascade, restrict) in [
        ("Contacts", "AccountId", true, false),
        ("Opportunities", "AccountId", true, false),
        ("Tasks", "WhatId", true, false),
        ("Events", "WhatId", true, false),
        ("Cases", "AccountId", false, true),
        ("Orders", "AccountId", true, true),
        ("ChildAccounts", "ParentId", false, false),
        ("Quality_Issues__r", "Account__c", false, false),
    ] {
        assert_eq!(
            flags(&account, name, field),
            (json!(cascade), json!(restrict)),
            "{name}"
        );
    }
    let (_, _, contact) = api_get(&t, &format!("{V}/sobjects/Contact/describe")).await;
    for (name, field, cascade, restrict) in [
        ("Cases", "ContactId", false, true),
        ("Tasks", "WhoId", true, false),
        ("Opportunities", "ContactId", false, false),
    ] {
        assert_eq!(
            flags(&contact, name, field),
            (json!(cascade), json!(restrict)),
            "{name}"
        );
    }
}
