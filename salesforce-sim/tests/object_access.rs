//! An object the profile cannot read (the Standard User and Order) does not exist for the user:
//! describeGlobal, describe, records, writes, SOQL and SOSL all say so.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn an_object_without_read_does_not_exist_for_the_user() {
    let (_sim, admin, standard) = start_both().await;
    let (_, _, global) = api_get(&standard, "/services/data/v67.0/sobjects").await;
    let names: Vec<&str> = global["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"Order") && names.contains(&"Account"),
        "{names:?}"
    );
    let order = &ids(&admin, "SELECT Id FROM Order LIMIT 1").await[0];
    for path in [
        "/services/data/v67.0/sobjects/Order".to_string(),
        "/services/data/v67.0/sobjects/Order/describe".to_string(),
        format!("/services/data/v67.0/sobjects/Order/{order}"),
    ] {
        let (status, _, body) = api_get(&standard, &path).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::NOT_FOUND,
                serde_json::from_str::<Value>(NOT_FOUND).unwrap()
            ),
            "{path}"
        );
    }
    let (status, _) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Order",
        json!({"Status": "Draft"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (query, code, needle) in [
        (
            "SELECT Id FROM Order",
            "INVALID_TYPE",
            "sObject type 'Order' is not supported.",
        ),
        (
            "SELECT Id, (SELECT Id FROM Orders) FROM Account",
            "INVALID_TYPE",
            "Didn't understand relationship 'Orders'",
        ),
        (
            "SELECT Order__r.OrderNumber FROM Quality_Issue__c",
            "INVALID_FIELD",
            "Order__r",
        ),
    ] {
        let (status, body) = soql(&standard, query).await;
        assert_eq!(
            (status, body[0]["errorCode"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{query}"
        );
        assert!(
            body[0]["message"].as_str().unwrap().contains(needle),
            "{query}: {body}"
        );
    }
    let (_, r) = soql(
        &standard,
        "SELECT Order__c FROM Quality_Issue__c WHERE Order__c != null LIMIT 1",
    )
    .await;
    assert!(
        r["records"][0]["Order__c"].is_string(),
        "the lookup field itself stays visible"
    );
    let (status, _, body) = api_get(
        &standard,
        "/services/data/v67.0/search?q=FIND+%7BDraft%7D+RETURNING+Order(Id)",
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_TYPE"))
    );
    let (_, _, counts) = api_get(
        &standard,
        "/services/data/v67.0/limits/recordCount?sObjects=Order,Account",
    )
    .await;
    assert_eq!(
        counts,
        json!({"sObjects": [{"count": 40, "name": "Account"}]})
    );
    let (_, _, account) =
        api_get(&standard, "/services/data/v67.0/sobjects/Account/describe").await;
    let children: Vec<&str> = account["childRelationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["childSObject"].as_str().unwrap())
        .collect();
    assert!(!children.contains(&"Order") && children.contains(&"Contact"));
}
