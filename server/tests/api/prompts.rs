//! The guide's four "User prompt examples", each as the tool calls an assistant would make for
//! it through the JSON API, checked against the simulator asked directly as the same Salesforce
//! user (the connection's own access token, opened with the vault).

use reqwest::Method;
use sea_orm::EntityTrait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::changes::{enable_writes, writes};
use crate::helpers::*;
use crate::sim::*;
use crate::tools::{call_tool, token};

/// The simulator as the connected Salesforce user sees it, without Sofie in between.
pub struct Direct {
    pub base: String,
    pub bearer: String,
}

impl Direct {
    pub async fn of(w: &World) -> Self {
        let conn = domain::entities::connection::Entity::find()
            .all(&w.app.db)
            .await
            .unwrap()
            .remove(0);
        let vault = domain::vault::Vault::from_key_ring(&w.app.keys).unwrap();
        let sealed = conn.access_token.clone().unwrap();
        let token = vault
            .open(
                &sealed,
                &domain::vault::Aad::new("connections", "access_token", conn.id),
            )
            .unwrap();
        Self {
            base: format!("{}/services/data/v62.0", conn.instance_url),
            bearer: token.expose_secret().to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Value {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn soql(&self, soql: &str) -> Vec<Value> {
        let q: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
        self.get(&format!("/query?q={q}")).await["records"]
            .as_array()
            .unwrap()
            .clone()
    }
}

fn ids(rows: &Value, key: &str) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn connected(sw: &SfWorld, scopes: &[&str]) -> SecretString {
    let mia = signed_in(&sw.w, "mia@acme.example").await;
    connect(&sw.w, &mia, STANDARD).await;
    token(&sw.w, "mia@acme.example", scopes, 30).await.1
}

#[tokio::test]
async fn list_the_objects_i_can_access_and_which_support_search_query_create_update_delete() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected(&sw, &["salesforce:read"]).await;

    let (status, listed) =
        call_tool(w, &t, "list_objects", json!({ "budget_bytes": 262144 })).await;
    assert_eq!(status, 200);
    assert_eq!(listed["truncated"], false);
    let truth = Direct::of(w).await.get("/sobjects").await;
    let truth = truth["sobjects"].as_array().unwrap();
    let objects = listed["objects"].as_array().unwrap();
    assert!(!objects.is_empty());
    for o in objects {
        let direct = truth
            .iter()
            .find(|d| d["name"] == o["name"])
            .unwrap_or_else(|| panic!("{} is not in Salesforce's list", o["name"]));
        for capability in [
            "queryable",
            "searchable",
            "createable",
            "updateable",
            "deletable",
        ] {
            assert_eq!(
                o[capability], direct[capability],
                "{} {capability}",
                o["name"]
            );
        }
    }
    // Every object the user may query is in the answer.
    for d in truth.iter().filter(|d| d["queryable"] == true) {
        assert!(
            objects.iter().any(|o| o["name"] == d["name"]),
            "{} missing",
            d["name"]
        );
    }
    // Quality issues: the Standard User may create and edit them, not delete them.
    let qi = objects
        .iter()
        .find(|o| o["name"] == "Quality_Issue__c")
        .unwrap();
    assert_eq!(
        (qi["createable"].as_bool(), qi["deletable"].as_bool()),
        (Some(true), Some(false))
    );
}

#[tokio::test]
async fn find_an_accounts_records_and_summarize_open_quality_follow_ups_without_updating_anything()
{
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected(&sw, &["salesforce:read"]).await;
    let direct = Direct::of(w).await;
    // "This account": one with an open quality issue the user may see.
    let issue = direct
        .soql("SELECT Account__c, Account__r.Name FROM Quality_Issue__c WHERE Account__c != null AND Status__c NOT IN ('Resolved', 'Closed') LIMIT 1")
        .await
        .remove(0);
    let account_id = issue["Account__c"].as_str().unwrap().to_owned();
    let account_name = issue["Account__r"]["Name"].as_str().unwrap().to_owned();
    clear_calls(&sw.sim).await;

    // 1. Find the account by name.
    let (status, found) = call_tool(
        w,
        &t,
        "search",
        json!({ "term": account_name, "objects": ["Account"] }),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let hit = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == account_id.as_str());
    assert!(hit.is_some(), "the account is found by its name: {found}");

    // 2. Its open quality issues, open cases and open tasks.
    let open = [
        (
            "Quality_Issues__r",
            "Status__c NOT IN ('Resolved', 'Closed')",
            "Quality_Issue__c",
            "Account__c",
            "Status__c NOT IN ('Resolved', 'Closed')",
        ),
        (
            "Cases",
            "IsClosed = false",
            "Case",
            "AccountId",
            "IsClosed = false",
        ),
        (
            "Tasks",
            "Status != 'Completed'",
            "Task",
            "WhatId",
            "Status != 'Completed'",
        ),
    ];
    for (relationship, filter, object, parent_field, truth_filter) in open {
        let (status, related) = call_tool(
            w,
            &t,
            "get_related_records",
            json!({ "object": "Account", "id": account_id, "relationship": relationship, "filter": filter }),
        )
        .await;
        assert_eq!(status, 200, "{relationship}: {related}");
        let truth = direct
            .soql(&format!(
                "SELECT Id FROM {object} WHERE {parent_field} = '{account_id}' AND {truth_filter}"
            ))
            .await;
        if object == "Quality_Issue__c" {
            assert!(!truth.is_empty(), "the account has an open quality issue");
        }
        assert_eq!(
            ids(&related["records"], "Id"),
            ids(&Value::Array(truth), "Id"),
            "{relationship}"
        );
    }

    // "Do not update any record": nothing but reads reached Salesforce.
    assert_eq!(writes(&sw.sim).await, 0);
    let (_, calls) = control(&sw.sim, Method::GET, "/__sim/calls", None).await;
    for route in calls.as_object().unwrap().keys() {
        assert!(
            route.starts_with("GET ") || route.starts_with("POST /services/oauth2/token"),
            "{route}"
        );
    }
}

#[tokio::test]
async fn search_customer_records_for_a_product_issue_with_names_types_fields_and_owners() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected(&sw, &["salesforce:read"]).await;
    let direct = Direct::of(w).await;
    // "This product issue": the subject of a case the user can see, e.g. "Late delivery at …".
    let case = direct
        .soql("SELECT Subject FROM Case LIMIT 1")
        .await
        .remove(0);
    let term = case["Subject"]
        .as_str()
        .unwrap()
        .split(" at ")
        .next()
        .unwrap()
        .to_owned();

    let (status, found) = call_tool(w, &t, "search", json!({ "term": term, "limit": 50 })).await;
    assert_eq!(status, 200, "{found}");
    let hits = found["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{found}");
    let q: String = url::form_urlencoded::byte_serialize(
        format!("FIND {{{term}}} IN ALL FIELDS LIMIT 50").as_bytes(),
    )
    .collect();
    let truth = direct.get(&format!("/search?q={q}")).await;
    let mut truth_ids: Vec<String> = truth["searchRecords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_owned())
        .collect();
    truth_ids.sort();
    assert_eq!(
        ids(found.get("hits").unwrap(), "id"),
        truth_ids,
        "the same records Salesforce finds"
    );

    // For each: its name, object type and the fields that matter, with the owner to ask.
    for hit in hits.iter().take(3) {
        assert!(
            hit["name"].is_string() && hit["object"].is_string(),
            "{hit}"
        );
        let (status, record) = call_tool(
            w,
            &t,
            "get_record",
            json!({ "object": hit["object"], "id": hit["id"], "fields": ["Subject", "Status", "Priority", "OwnerId", "AccountId"] }),
        )
        .await;
        assert_eq!(status, 200, "{record}");
        assert_eq!(record["object"], hit["object"]);
        let truth = direct
            .get(&format!(
                "/sobjects/{}/{}",
                hit["object"].as_str().unwrap(),
                hit["id"].as_str().unwrap()
            ))
            .await;
        assert!(
            record["fields"]["OwnerId"].is_string(),
            "an owner to ask: {record}"
        );
        assert_eq!(record["fields"]["Subject"], truth["Subject"]);
    }
}

#[tokio::test]
async fn prepare_an_update_for_a_follow_up_note_and_show_the_exact_change_before_it_is_made() {
    let sw = sf_world().await;
    let w = &sw.w;
    enable_writes(w, &["update"], "").await;
    let t = connected(&sw, &["salesforce:read", "salesforce:propose"]).await;
    let direct = Direct::of(w).await;
    let case = direct
        .soql("SELECT Id, Description FROM Case WHERE IsClosed = false LIMIT 1")
        .await
        .remove(0);
    let id = case["Id"].as_str().unwrap().to_owned();
    let note =
        "Follow-up 2026-12-02: the replacement batch ships Friday; confirm receipt with the buyer.";

    let (status, record) =
        call_tool(w, &t, "get_record", json!({ "object": "Case", "id": id })).await;
    assert_eq!(status, 200, "{record}");
    let (status, proposed) = call_tool(
        w,
        &t,
        "propose_update",
        json!({ "object": "Case", "id": id, "fields": { "Description": note } }),
    )
    .await;
    assert_eq!(status, 200, "{proposed}");
    // The exact record, object API name, field and values, before anything changes.
    assert_eq!(proposed["status"], "pending_approval");
    assert_eq!(proposed["object"], "Case");
    assert_eq!(proposed["record_id"], id.as_str(), "{proposed}");
    assert_eq!(proposed["diff"][0]["field"], "Description");
    let current = case["Description"].as_str().unwrap_or_default();
    assert_eq!(
        proposed["diff"][0]["current"], current,
        "an empty field shows as empty"
    );
    assert_eq!(proposed["diff"][0]["proposed"], note);
    assert!(
        proposed["message"]
            .as_str()
            .unwrap()
            .starts_with("Not applied yet: approve it at")
    );
    assert_eq!(
        writes(&sw.sim).await,
        0,
        "nothing is changed until the person approves"
    );
    let after = direct.get(&format!("/sobjects/Case/{id}")).await;
    assert_eq!(after["Description"], case["Description"]);
}
