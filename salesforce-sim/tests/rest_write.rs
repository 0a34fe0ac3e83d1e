//! REST writes: create, update, delete, validation rules and upsert by external id.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn records_create_update_delete() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (status, created) = send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Sim Test Co", "Industry": "Energy"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["success"], true);
    assert_eq!(created["errors"], json!([]));
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("001") && id.len() == 18);
    let path = format!("/services/data/v67.0/sobjects/Account/{id}");
    let (_, _, before) = api_get(&t, &path).await;
    assert_eq!(
        before["attributes"],
        json!({"type": "Account", "url": path})
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, body) = send(&t, Method::PATCH, &path, json!({"Phone": "+1 555 0100"})).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (_, _, after) = api_get(&t, &path).await;
    assert_eq!(after["Phone"], "+1 555 0100");
    assert!(after["SystemModstamp"].as_str().unwrap() > before["SystemModstamp"].as_str().unwrap());
    assert_eq!(after["SystemModstamp"], after["LastModifiedDate"]);
    let (status, body) = api_send(
        &t,
        Method::PATCH,
        &path,
        Some(json!({"Phone": "1"})),
        &[("If-Unmodified-Since", "Mon, 01 Jan 2024 00:00:00 GMT")],
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::PRECONDITION_FAILED, Some("PRECONDITION_FAILED"))
    );
    assert_eq!(
        api_send(&t, Method::DELETE, &path, None, &[]).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(api_get(&t, &path).await.0, StatusCode::NOT_FOUND);
    let (status, body) = api_send(&t, Method::DELETE, &path, None, &[]).await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ENTITY_IS_DELETED"))
    );
    let (_, all) = {
        let q: String = url::form_urlencoded::byte_serialize(
            format!("SELECT Id, IsDeleted FROM Account WHERE Id = '{id}'").as_bytes(),
        )
        .collect();
        let (s, _, b) = api_get(&t, &format!("/services/data/v67.0/queryAll?q={q}")).await;
        (s, b)
    };
    assert_eq!(all["records"][0]["IsDeleted"], true);
    let (_, live) = soql(&t, &format!("SELECT Id FROM Account WHERE Id = '{id}'")).await;
    assert_eq!(live["totalSize"], 0);
}

#[tokio::test]
async fn validation_errors() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let post = |object: &'static str, body: Value| {
        let t = t.clone();
        async move {
            send(
                &t,
                Method::POST,
                &format!("/services/data/v67.0/sobjects/{object}"),
                body,
            )
            .await
        }
    };
    let (status, body) = post("Contact", json!({"FirstName": "No"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}])
    );
    let (_, body) = post(
        "Quality_Issue__c",
        json!({"Name": "QI-X", "Status__c": "Closed"}),
    )
    .await;
    assert_eq!(body[0]["errorCode"], "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    let (_, body) = post(
        "Quality_Issue__c",
        json!({"Name": "QI-Y", "Severity__c": "Urgent"}),
    )
    .await;
    assert_eq!(
        body,
        json!([{"message": "Severity: bad value for restricted picklist field: Urgent", "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["Severity__c"]}])
    );
    let (_, body) = post("Account", json!({"Name": "X", "foo": 1})).await;
    assert_eq!(
        body,
        json!([{"message": "No such column 'foo' on sobject of type Account", "errorCode": "INVALID_FIELD"}])
    );
    let (_, body) = post(
        "Contact",
        json!({"LastName": "Dup", "Email": "ada.lovelace0@example.com"}),
    )
    .await;
    assert_eq!(body[0]["errorCode"], "DUPLICATES_DETECTED");
    assert_eq!(
        body[0]["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]["attributes"]["type"],
        "Contact"
    );
    let (status, _) = api_send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Contact",
        Some(json!({"LastName": "Dup", "Email": "ada.lovelace0@example.com"})),
        &[("Sforce-Duplicate-Rule-Header", "allowSave=true")],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, body) = post(
        "Contact",
        json!({"LastName": "Bad", "AccountId": "001000000000000AAA"}),
    )
    .await;
    assert_eq!(body[0]["errorCode"], "INVALID_CROSS_REFERENCE_KEY");
    let (_, body) = post(
        "Account",
        json!({"Name": "X", "CreatedDate": "2020-01-01T00:00:00.000+0000"}),
    )
    .await;
    assert_eq!(body[0]["errorCode"], "INVALID_FIELD_FOR_INSERT_UPDATE");

    let standard = login(&sim, STANDARD_USER).await;
    let (status, body) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Organization",
        json!({"Name": "Other"}),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("INSUFFICIENT_ACCESS_OR_READONLY")
        )
    );
    let (_, body) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "S", "Rating": "Hot"}),
    )
    .await;
    assert_eq!(body[0]["fields"], json!(["Rating"]));
    let (_, body) = send(
        &standard,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "S", "AnnualRevenue": 1}),
    )
    .await;
    assert_eq!(
        body[0]["errorCode"], "INVALID_FIELD",
        "FLS-hidden fields do not exist for the user"
    );
}

#[tokio::test]
async fn upsert_by_external_id() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (status, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v67.0/sobjects/Account/External_Id__c/NEW-1",
        json!({"Name": "Upserted"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["created"], true);
    let (status, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v67.0/sobjects/Account/External_Id__c/NEW-1",
        json!({"Phone": "1"}),
    )
    .await;
    assert_eq!(
        (status, body["created"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let (status, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v45.0/sobjects/Account/External_Id__c/NEW-1",
        json!({"Phone": "2"}),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::NO_CONTENT, Value::Null),
        "before v46 an update answers 204"
    );
    let (_, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v67.0/sobjects/Account/Namez/x",
        json!({}),
    )
    .await;
    assert_eq!(
        body,
        json!([{"message": "Provided external ID field does not exist or is not accessible: Namez", "errorCode": "NOT_FOUND"}])
    );
    let twin = json!({"LastName": "Twin", "Email": "twin@example.com"});
    for _ in 0..2 {
        api_send(
            &t,
            Method::POST,
            "/services/data/v67.0/sobjects/Contact",
            Some(twin.clone()),
            &[("Sforce-Duplicate-Rule-Header", "allowSave=true")],
        )
        .await;
    }
    let (status, body) = send(
        &t,
        Method::PATCH,
        "/services/data/v67.0/sobjects/Contact/Email/twin@example.com",
        json!({"Title": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert!(
        body[0]
            .as_str()
            .unwrap()
            .starts_with("/services/data/v67.0/sobjects/Contact/003")
    );
}

#[tokio::test]
async fn wrong_methods_get_salesforce_s_405() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (status, body) = send(
        &t,
        Method::PUT,
        "/services/data/v67.0/sobjects/Account",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("METHOD_NOT_ALLOWED"))
    );
}

/// Salesforce accepts REST paths with a trailing slash, as clients such as simple-salesforce send
/// them; the versions list keeps its own.
#[tokio::test]
async fn paths_with_a_trailing_slash_answer_as_without() {
    let sim = start().await;
    let token = login(&sim, ADMIN).await;
    let (status, created) = send(
        &token,
        reqwest::Method::POST,
        "/services/data/v62.0/sobjects/Account/",
        serde_json::json!({ "Name": "Trailing Slash Ltd" }),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
    for path in [
        "/services/data/v62.0/limits/",
        "/services/data/v62.0/queryAll/?q=SELECT+Id+FROM+Account+LIMIT+1",
        "/services/data/v62.0/query/?q=SELECT+Id+FROM+Account+LIMIT+1",
        "/services/data/v62.0/sobjects/",
        "/services/data/v62.0/",
    ] {
        let (status, body) = api_send(&token, reqwest::Method::GET, path, None, &[]).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{path}: {body}");
    }
    let versions = http()
        .get(format!(
            "{}/services/data/",
            token["instance_url"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(versions.status(), reqwest::StatusCode::OK);
}
