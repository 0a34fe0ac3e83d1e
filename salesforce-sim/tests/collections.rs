//! sObject Collections: get, create, update, upsert and delete many records in one call, with
//! per-record save results, allOrNone rollback, sharing and field-level security.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const COLLECTION: &str = "/services/data/v67.0/composite/sobjects";
const ADMIN_ID: &str = "0055i0000000001AAA";

fn account(name: &str) -> Value {
    json!({"attributes": {"type": "Account"}, "Name": name})
}

async fn total(token: &Value, query: &str) -> u64 {
    soql(token, query).await.1["totalSize"].as_u64().unwrap()
}

fn codes(results: &Value) -> Vec<Value> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["errors"][0]["statusCode"].clone())
        .collect()
}

#[tokio::test]
async fn create_answers_a_result_per_record_and_all_or_none_rolls_back() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let contact =
        json!({"attributes": {"type": "Contact"}, "LastName": "Bluth", "Email": "gob@example.com"});
    let records =
        json!({"allOrNone": false, "records": [account("Coll A"), contact, account("Coll B")]});
    let (status, results) = send(&t, Method::POST, COLLECTION, records).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids[0].starts_with("001") && ids[1].starts_with("003") && ids[2].starts_with("001"));
    assert_eq!(
        results[0],
        json!({"id": ids[0], "success": true, "errors": []})
    );
    assert_eq!(
        total(&t, "SELECT Id FROM Account WHERE Name LIKE 'Coll %'").await,
        2
    );

    let bad = json!({"attributes": {"type": "Contact"}, "FirstName": "No last name"});
    let records = json!({"allOrNone": false, "records": [account("Coll C"), bad.clone()]});
    let (_, results) = send(&t, Method::POST, COLLECTION, records).await;
    assert_eq!(results[0]["success"], true);
    assert_eq!(
        results[1],
        json!({"success": false, "errors": [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName]", "fields": ["LastName"]}]})
    );

    let records =
        json!({"allOrNone": true, "records": [account("Coll D"), bad, account("Coll E")]});
    let (status, results) = send(&t, Method::POST, COLLECTION, records).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        codes(&results),
        [
            json!("ALL_OR_NONE_OPERATION_ROLLED_BACK"),
            json!("REQUIRED_FIELD_MISSING"),
            json!("ALL_OR_NONE_OPERATION_ROLLED_BACK")
        ]
    );
    assert_eq!(
        results[0]["errors"][0]["message"],
        "Record rolled back because not all records were valid and the request was using AllOrNone header"
    );
    assert!(
        results[0].get("id").is_none(),
        "a rolled-back insert has no id"
    );
    assert_eq!(
        total(
            &t,
            "SELECT Id FROM Account WHERE Name IN ('Coll D', 'Coll E')"
        )
        .await,
        0
    );

    let many: Vec<Value> = (0..201).map(|n| account(&format!("Bulk {n}"))).collect();
    let (status, body) = send(&t, Method::POST, COLLECTION, json!({"records": many})).await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("EXCEEDED_ID_LIMIT"))
    );
    let typeless =
        json!({"records": [{"Name": "No type"}, {"attributes": {"type": "Nope__c"}, "Name": "x"}]});
    let (_, results) = send(&t, Method::POST, COLLECTION, typeless).await;
    assert_eq!(
        codes(&results),
        [json!("INVALID_TYPE"), json!("INVALID_TYPE")]
    );
    assert_eq!(
        results[0]["errors"][0]["message"],
        "Must send a concrete entity type."
    );
}

#[tokio::test]
async fn get_update_and_delete_follow_sharing() {
    let (_sim, admin, standard) = start_both().await;
    let theirs = &ids(
        &admin,
        &format!("SELECT Id FROM Opportunity WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    let mine = &ids(&standard, "SELECT Id FROM Opportunity LIMIT 1").await[0];
    let path = format!("{COLLECTION}/Opportunity?ids={mine},{theirs},nope&fields=Name,Amount");
    let (status, _, rows) = api_get(&standard, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows[0]["Id"], *mine);
    assert!(rows[0]["Name"].is_string() && rows[0]["attributes"]["type"] == "Opportunity");
    assert_eq!(
        (rows[1].clone(), rows[2].clone()),
        (Value::Null, Value::Null)
    );
    let (status, _, body) = api_get(
        &standard,
        &format!("{COLLECTION}/Account?ids={mine}&fields=AnnualRevenue"),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );
    assert_eq!(
        api_get(
            &standard,
            &format!("{COLLECTION}/Order?ids={mine}&fields=Id")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, rows) = send(
        &admin,
        Method::POST,
        &format!("{COLLECTION}/Opportunity"),
        json!({"ids": [theirs], "fields": ["StageName"]}),
    )
    .await;
    assert!(rows[0]["StageName"].is_string());

    let update = json!({"allOrNone": false, "records": [
        {"attributes": {"type": "Opportunity"}, "id": mine, "Description": "Updated in bulk"},
        {"attributes": {"type": "Opportunity"}, "id": theirs, "Description": "Not theirs"},
        {"attributes": {"type": "Opportunity"}, "id": "001000000000000AAA", "Description": "Wrong object"},
        {"attributes": {"type": "Opportunity"}, "Description": "No id"},
    ]});
    let (status, results) = send(&standard, Method::PATCH, COLLECTION, update).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        results[0],
        json!({"id": mine, "success": true, "errors": []})
    );
    assert_eq!(
        codes(&results)[1..],
        [
            json!("INSUFFICIENT_ACCESS_OR_READONLY"),
            json!("MALFORMED_ID"),
            json!("MISSING_ARGUMENT")
        ]
    );
    assert_eq!(
        results[2]["errors"][0],
        json!({"statusCode": "MALFORMED_ID", "message": "Opportunity ID: id value of incorrect type: 001000000000000AAA", "fields": ["Id"]})
    );
    let (_, check) = soql(
        &standard,
        &format!("SELECT Description FROM Opportunity WHERE Id = '{mine}'"),
    )
    .await;
    assert_eq!(check["records"][0]["Description"], "Updated in bulk");
    let hidden =
        json!({"records": [{"attributes": {"type": "Account"}, "Name": "S", "AnnualRevenue": 5}]});
    let (_, results) = send(&standard, Method::POST, COLLECTION, hidden).await;
    assert_eq!(
        codes(&results),
        [json!("INVALID_FIELD")],
        "field-level security applies"
    );

    let (_, created) = send(
        &admin,
        Method::POST,
        COLLECTION,
        json!({"records": [account("Del A"), account("Del B")]}),
    )
    .await;
    let (a, b) = (
        created[0]["id"].as_str().unwrap(),
        created[1]["id"].as_str().unwrap(),
    );
    api_send(
        &admin,
        Method::DELETE,
        &format!("/services/data/v67.0/sobjects/Account/{b}"),
        None,
        &[],
    )
    .await;
    let (_, results) = api_send(
        &admin,
        Method::DELETE,
        &format!("{COLLECTION}?ids={a},{b}&allOrNone=true"),
        None,
        &[],
    )
    .await;
    assert_eq!(results[0]["id"], a, "a rolled-back delete names its record");
    assert_eq!(
        codes(&results),
        [
            json!("ALL_OR_NONE_OPERATION_ROLLED_BACK"),
            json!("ENTITY_IS_DELETED")
        ]
    );
    assert_eq!(
        total(&admin, &format!("SELECT Id FROM Account WHERE Id = '{a}'")).await,
        1,
        "rolled back"
    );
    let (_, results) = api_send(
        &admin,
        Method::DELETE,
        &format!("{COLLECTION}?ids={a},0010000&allOrNone=false"),
        None,
        &[],
    )
    .await;
    assert_eq!(results[0], json!({"id": a, "success": true, "errors": []}));
    assert_eq!(results[1]["errors"][0]["statusCode"], "MALFORMED_ID");
    let (_, results) = api_send(
        &standard,
        Method::DELETE,
        &format!("{COLLECTION}?ids={theirs}"),
        None,
        &[],
    )
    .await;
    assert_eq!(codes(&results), [json!("INSUFFICIENT_ACCESS_OR_READONLY")]);
}

/// The request CumulusCI sends (`fixtures/requests/composite_sobjects_upsert_by_email…`).
#[tokio::test]
async fn upsert_by_external_id_says_what_it_created() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let path = "/services/data/v67.0/composite/sobjects/Contact/Email";
    let request: Value = serde_json::from_str(include_str!(
        "../../../shared/salesforce/fixtures/requests/composite_sobjects_upsert_by_email.request.cumulusci.json"
    ))
    .unwrap();
    let (status, results) = send(&t, Method::PATCH, path, request.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        results
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["created"] == true && r["success"] == true),
        "{results}"
    );
    let mut again = request;
    again["records"][0]["FirstName"] = json!("Michael");
    again["records"].as_array_mut().unwrap().push(json!({"attributes": {"type": "Contact"}, "LastName": "Funke", "Email": "maeby.funke@example.com"}));
    let (_, results) = send(&t, Method::PATCH, path, again).await;
    let created: Vec<bool> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["created"].as_bool().unwrap())
        .collect();
    assert_eq!(created, [false, false, false, false, true]);
    let (_, r) = soql(
        &t,
        "SELECT FirstName FROM Contact WHERE Email = 'Michael.Bluth@example.com'",
    )
    .await;
    assert_eq!(r["records"][0]["FirstName"], "Michael");
    let keyless = json!({"records": [{"attributes": {"type": "Contact"}, "LastName": "Nobody"}]});
    let (_, results) = send(&t, Method::PATCH, path, keyless).await;
    assert_eq!(codes(&results), [json!("MISSING_ARGUMENT")]);
    let (status, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v67.0/composite/sobjects/Contact/Title",
        json!({"records": []}),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
}
