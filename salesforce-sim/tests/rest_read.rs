//! REST reads: versions, describe with FLS, SOQL, paging and search.

mod common;

use common::*;
use reqwest::StatusCode;
use salesforce_sim::{SimConfig, spawn};
use serde_json::{Value, json};

fn names(describe: &Value) -> Vec<String> {
    describe["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn versions_need_no_session() {
    let sim = start().await;
    let response = http()
        .get(format!("{}/services/data/", sim.urls.instances[0]))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("sforce-limit-info").is_none());
    let list: Vec<Value> = response.json().await.unwrap();
    assert_eq!(
        list.first().unwrap(),
        &json!({"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"})
    );
    assert_eq!(list.last().unwrap()["label"], "Summer '26");
    let token = login(&sim, ADMIN).await;
    let (status, _, body) = api_get(&token, "/services/data/v30.0/").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::GONE, Some("UNSUPPORTED_API_VERSION"))
    );
    let (status, _, body) = api_get(&token, "/services/data/v99.0/").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
    let login_host =
        json!({"instance_url": sim.urls.login_production, "access_token": token["access_token"]});
    assert_eq!(
        api_get(&login_host, "/services/data/v67.0/sobjects")
            .await
            .0,
        StatusCode::NOT_FOUND,
        "REST lives on the instance"
    );
}

#[tokio::test]
async fn describe_depends_on_the_profile() {
    let (_sim, admin, standard) = start_both().await;
    let (status, limit, account) =
        api_get(&admin, "/services/data/v67.0/sobjects/Account/describe").await;
    assert_eq!(status, StatusCode::OK);
    assert!(limit.unwrap().starts_with("api-usage="));
    assert!(names(&account).contains(&"AnnualRevenue".to_string()));
    let (_, _, account_std) =
        api_get(&standard, "/services/data/v67.0/sobjects/Account/describe").await;
    assert!(!names(&account_std).contains(&"AnnualRevenue".to_string()));
    let rating = account_std["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Rating")
        .unwrap();
    assert_eq!(
        (
            rating["createable"].as_bool(),
            rating["updateable"].as_bool()
        ),
        (Some(false), Some(false))
    );
    let (status, _, order) =
        api_get(&standard, "/services/data/v67.0/sobjects/Order/describe").await;
    assert_eq!(
        (status, order[0]["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
        "without Read on Order the object does not exist for the user"
    );
    let (_, _, user) = api_get(&standard, "/services/data/v67.0/sobjects/User/describe").await;
    assert_eq!(
        (user["createable"].as_bool(), user["queryable"].as_bool()),
        (Some(false), Some(true))
    );
    let (_, _, global) = api_get(&admin, "/services/data/v67.0/sobjects").await;
    let qi = global["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Quality_Issue__c")
        .unwrap();
    assert_eq!(
        (qi["custom"].as_bool(), qi["keyPrefix"].as_str()),
        (Some(true), Some("a0Q"))
    );
    let (_, _, qi) = api_get(
        &admin,
        "/services/data/v67.0/sobjects/Quality_Issue__c/describe",
    )
    .await;
    let severity = qi["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Severity__c")
        .unwrap();
    assert_eq!(severity["restrictedPicklist"], true);
    let account_lookup = qi["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Account__c")
        .unwrap();
    assert_eq!(account_lookup["relationshipName"], "Account__r");
    let (status, _, body) =
        api_get(&admin, "/services/data/v67.0/sobjects/Whizbang/describe").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
        )
    );
}

#[tokio::test]
async fn describe_honours_if_modified_since() {
    let sim = start().await;
    let token = login(&sim, ADMIN).await;
    let url = format!(
        "{}/services/data/v67.0/sobjects/Contact/describe",
        sim.urls.instances[0]
    );
    let access = token["access_token"].as_str().unwrap();
    let first = http().get(&url).bearer_auth(access).send().await.unwrap();
    let last_modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let again = http()
        .get(&url)
        .bearer_auth(access)
        .header("If-Modified-Since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.headers().get("sforce-limit-info").is_some());
    assert!(again.text().await.unwrap().is_empty());
    let old = http()
        .get(&url)
        .bearer_auth(access)
        .header("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::OK);
}

#[tokio::test]
async fn field_level_security_in_queries_and_reads() {
    let sim = start().await;
    let standard = login(&sim, STANDARD_USER).await;
    let (status, body) = soql(&standard, "SELECT Id, AnnualRevenue FROM Account").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body[0]["errorCode"], "INVALID_FIELD");
    assert!(
        body[0]["message"]
            .as_str()
            .unwrap()
            .contains("No such column 'AnnualRevenue' on entity 'Account'")
    );
    let id = &ids(&standard, "SELECT Id FROM Account LIMIT 1").await[0];
    let (_, _, record) = api_get(
        &standard,
        &format!("/services/data/v67.0/sobjects/Account/{id}"),
    )
    .await;
    assert!(record.get("AnnualRevenue").is_none() && record.get("Name").is_some());
    let (status, _, body) = api_get(
        &standard,
        &format!("/services/data/v67.0/sobjects/Account/{id}?fields=Name,AnnualRevenue"),
    )
    .await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD"))
    );
    let admin = login(&sim, ADMIN).await;
    let (_, _, record) = api_get(
        &admin,
        &format!(
            "/services/data/v67.0/sobjects/Account/{}?fields=Name,AnnualRevenue",
            &id[..15]
        ),
    )
    .await;
    assert_eq!(record["Id"], *id);
    assert!(record["AnnualRevenue"].is_number());
}

#[tokio::test]
async fn soql_filters_orders_and_relationships() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (_, r) = soql(
        &t,
        "SELECT Name FROM Account WHERE Name LIKE 'glob%' ORDER BY Name DESC",
    )
    .await;
    let got: Vec<&str> = r["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Name"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "Globex Ltd",
            "Globex Industries",
            "Globex GmbH",
            "Globex Corp"
        ]
    );
    let (_, r) = soql(&t, "SELECT Id FROM Account WHERE Name IN ('Globex Corp', 'Initech Corp') AND NOT (Type = 'Prospect')").await;
    assert_eq!(r["totalSize"], 1);
    let (_, r) = soql(&t, "SELECT Id, Description FROM Account WHERE Description = null OR Industry NOT IN ('Banking')").await;
    assert!(r["totalSize"].as_u64().unwrap() > 10);
    let (_, r) = soql(&t, "SELECT Name, Description FROM Account ORDER BY Description NULLS LAST, Name LIMIT 3 OFFSET 1").await;
    assert_eq!(r["records"].as_array().unwrap().len(), 3);
    assert!(r["records"][0]["Description"].is_string());
    let (_, r) = soql(
        &t,
        "SELECT Id FROM Opportunity WHERE Amount >= 100000 AND CloseDate > 2025-01-01",
    )
    .await;
    assert!(r["totalSize"].as_u64().unwrap() > 0);
    let (_, r) = soql(&t, "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact WHERE Account.Name = 'globex corp'").await;
    assert_eq!(r["totalSize"], 3);
    assert_eq!(r["records"][0]["Account"]["Name"], "Globex Corp");
    assert_eq!(r["records"][0]["Account"]["attributes"]["type"], "Account");
    assert!(r["records"][0]["Account"]["Owner"]["Name"].is_string());
    let (_, r) = soql(&t, "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName), (SELECT Name FROM Quality_Issues__r) FROM Account WHERE Name = 'Globex Corp'").await;
    let account = &r["records"][0];
    assert_eq!(account["Contacts"]["totalSize"], 3);
    assert!(
        account["Quality_Issues__r"].is_null(),
        "no children → null, not an empty list"
    );
    let (_, r) = soql(
        &t,
        "SELECT COUNT() FROM Contact WHERE Account.Name LIKE 'Globex%'",
    )
    .await;
    assert_eq!(
        (
            r["totalSize"].as_u64(),
            r["records"].as_array().map(Vec::len)
        ),
        (Some(12), Some(0))
    );
    let (_, r) = soql(&t, "SELECT COUNT(Id), MAX(Amount) top FROM Opportunity").await;
    assert_eq!(r["records"][0]["expr0"], 80);
    assert!(r["records"][0]["top"].is_number());
    let (_, r) = soql(&t, "SELECT Severity__c, Account__r.Name FROM Quality_Issue__c WHERE Severity__c != null LIMIT 1").await;
    assert!(r["records"][0]["Account__r"]["Name"].is_string());
}

#[tokio::test]
async fn soql_errors_look_like_salesforce() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    for (query, code, needle) in [
        (
            "SELECT Id FROM Account WHERE",
            "MALFORMED_QUERY",
            "ERROR at Row:1:Column:29\nunexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account FOR UPDATE",
            "MALFORMED_QUERY",
            "unexpected token: FOR",
        ),
        (
            "SELECT Id FROM XYZZY",
            "INVALID_TYPE",
            "sObject type 'XYZZY' is not supported.",
        ),
        (
            "SELECT Nme FROM Account",
            "INVALID_FIELD",
            "No such column 'Nme' on entity 'Account'",
        ),
        (
            "SELECT Id FROM Account WHERE Name = 5",
            "INVALID_FIELD",
            "must be of type string and should be enclosed in quotes",
        ),
        (
            "SELECT Id, (SELECT Id FROM Nothing) FROM Account",
            "INVALID_TYPE",
            "Didn't understand relationship 'Nothing'",
        ),
        (
            "SELECT Name, COUNT(Id) FROM Account",
            "MALFORMED_QUERY",
            "Field must be grouped or aggregated: Name",
        ),
    ] {
        let (status, body) = soql(&t, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body[0]["errorCode"], code, "{query}");
        assert!(
            body[0]["message"].as_str().unwrap().contains(needle),
            "{query}: {}",
            body[0]["message"]
        );
    }
    let (status, _, body) = api_get(&t, "/services/data/v67.0/query").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("MALFORMED_QUERY"))
    );
}

#[tokio::test]
async fn paging_follows_next_records_url() {
    let sim = spawn(SimConfig {
        query_batch_size: 50,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let t = login(&sim, ADMIN).await;
    let (_, mut page) = soql(&t, "SELECT Id FROM Contact").await;
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        assert_eq!(page["totalSize"], 120);
        ids.extend(
            page["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["Id"].as_str().unwrap().to_string()),
        );
        if page["done"] == true {
            assert!(page.get("nextRecordsUrl").is_none());
            break;
        }
        let next = page["nextRecordsUrl"].as_str().unwrap().to_string();
        assert!(next.starts_with("/services/data/v67.0/query/01g"), "{next}");
        page = api_get(&t, &next).await.2;
    }
    assert_eq!(pages, 3);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 120);
    let (status, _, body) = api_get(&t, "/services/data/v67.0/query/01gNOPE-50").await;
    assert_eq!(
        (status, body[0]["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_QUERY_LOCATOR"))
    );
}

#[tokio::test]
async fn child_sub_query_results_are_paged_too() {
    let sim = spawn(SimConfig {
        query_batch_size: 2,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let t = login(&sim, ADMIN).await;
    let (_, r) = soql(
        &t,
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Globex Corp'",
    )
    .await;
    let contacts = &r["records"][0]["Contacts"];
    assert_eq!(
        (contacts["totalSize"].as_u64(), contacts["done"].as_bool()),
        (Some(3), Some(false))
    );
    assert_eq!(contacts["records"].as_array().unwrap().len(), 2);
    let (_, _, rest) = api_get(&t, contacts["nextRecordsUrl"].as_str().unwrap()).await;
    assert_eq!(
        (rest["totalSize"].as_u64(), rest["done"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(rest["records"][0]["attributes"]["type"], "Contact");
}

/// The User object as Salesforce's own OpenAPI document describes it: createable, updateable and
/// searchable (for an administrator), and no IsDeleted on its records.
#[tokio::test]
async fn the_user_object_matches_salesforces_own_description() {
    let sim = start().await;
    let admin = login(&sim, ADMIN).await;
    let (status, _, global) = api_get(&admin, "/services/data/v62.0/sobjects").await;
    assert_eq!(status, StatusCode::OK);
    let user = global["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "User")
        .unwrap();
    for flag in ["createable", "updateable", "searchable", "queryable"] {
        assert_eq!(user[flag], true, "User {flag}");
    }
    assert_eq!(user["deletable"], false);
    let user_id = admin["id"].as_str().unwrap().rsplit('/').next().unwrap();
    let (status, _, record) = api_get(
        &admin,
        &format!("/services/data/v62.0/sobjects/User/{user_id}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert!(record.get("IsDeleted").is_none(), "{record}");
    let (status, body) = soql(&admin, "SELECT IsDeleted FROM User").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
