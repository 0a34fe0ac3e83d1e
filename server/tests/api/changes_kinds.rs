//! Each kind of prepared change end to end: a create found again by a Sofie key or by what it
//! holds, a delete that cascades or is blocked, a Case create and its assignment rule.

use reqwest::Method;
use serde_json::{Value, json};

use crate::changes::*;
use crate::helpers::*;
use crate::sim::*;

#[tokio::test]
async fn creates_are_found_again_by_a_sofie_key_or_by_what_they_hold() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    clear_calls(&sw.sim).await;
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Account"),
            ("action", "create"),
            ("f:Name", "Sofie Test Co"),
            ("f:Industry", "Energy"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let id = proposal_id(&at);
    let review = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        review.contains("sent as an upsert on External_Id__c"),
        "{review}"
    );
    assert!(review.contains("set by Sofie"));
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    let (_, calls) = control(&sw.sim, Method::GET, "/__sim/calls", None).await;
    assert_eq!(
        calls["PATCH /services/data/{version}/sobjects/{name}/{field}/{value}"],
        json!(1)
    );
    let made: Vec<Value> = sim_records(&sw.sim, "Account")
        .await
        .into_iter()
        .filter(|a| a["Name"] == json!("Sofie Test Co"))
        .collect();
    assert_eq!(made.len(), 1);
    assert!(
        made[0]["External_Id__c"]
            .as_str()
            .unwrap()
            .starts_with("sofie-")
    );
    let stored = &proposals(w).await[0];
    assert_eq!(stored.result_record_id.as_deref(), made[0]["Id"].as_str());

    let account_id = made[0]["Id"].as_str().unwrap();
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Contact"),
            ("action", "create"),
            ("f:LastName", "Sofietest"),
            ("f:AccountId", account_id),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let contact = proposal_id(&at);
    assert_eq!(decide(w, &mia, contact, "approve", &[]).await, 303);
    assert_eq!(
        calls_to(&sw.sim, "POST /services/data/{version}/sobjects/{name}").await,
        1,
        "Contact has no external id: a plain create"
    );
    let review = page(w, &mia, &format!("{QUEUE}/{contact}")).await;
    assert!(review.contains("Done"), "{review}");

    // A delete of the account lists the contact that goes with it, then takes both.
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Account"),
            ("action", "delete"),
            ("id", account_id),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let delete = proposal_id(&at);
    let review = page(w, &mia, &format!("{QUEUE}/{delete}")).await;
    assert!(
        review.contains("Salesforce also deletes 1 Contact (Contacts)"),
        "{review}"
    );
    assert!(
        review.contains("Sofie Test Co"),
        "the record's fields are listed"
    );
    assert_eq!(decide(w, &mia, delete, "approve", &[]).await, 303);
    assert_eq!(
        sim_record(&sw.sim, account_id).await["IsDeleted"],
        json!(true)
    );
    let contact_id = proposals(w)
        .await
        .iter()
        .find(|p| p.id == contact)
        .unwrap()
        .result_record_id
        .clone()
        .unwrap();
    assert_eq!(
        sim_record(&sw.sim, &contact_id).await["IsDeleted"],
        json!(true),
        "cascaded"
    );
}

#[tokio::test]
async fn a_delete_blocked_by_related_records_says_so_before_and_after() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Account"),
            ("action", "delete"),
            ("id", account_id),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let id = proposal_id(&at);
    let review = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(review.contains("block this delete"), "{review}");
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    let failed = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        failed
            .contains("Salesforce would not delete the record because other records depend on it"),
        "{failed}"
    );
    assert!(failed.contains("Not made"));
    assert_eq!(
        sim_record(&sw.sim, account_id).await["IsDeleted"],
        json!(false)
    );
}

#[tokio::test]
async fn a_case_create_says_whether_the_assignment_rule_runs_and_lets_the_person_choose() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let form = page(
        w,
        &mia,
        "/o/acme/salesforce/prepare?object=Case&action=create",
    )
    .await;
    assert!(form.contains("Run Salesforce's assignment rule"), "{form}");
    for (subject, run) in [("Assigned by rule", true), ("Kept by me", false)] {
        let mut fields = vec![
            ("object", "Case"),
            ("action", "create"),
            ("f:Subject", subject),
            ("auto_assign_shown", "1"),
        ];
        if run {
            fields.push(("auto_assign", "on"));
        }
        let (status, at) = prepare(w, &mia, &fields).await;
        assert_eq!(status, 303, "{at}");
        let id = proposal_id(&at);
        let review = page(w, &mia, &format!("{QUEUE}/{id}")).await;
        let expected = if run {
            "assignment rule runs"
        } else {
            "assignment rule does not run"
        };
        assert!(review.contains(expected), "{review}");
        assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
        let case_id = proposals(w)
            .await
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .result_record_id
            .clone()
            .unwrap();
        let owner = sim_record(&sw.sim, &case_id).await["OwnerId"].clone();
        let admin_id = "0055i0000000001AAA";
        assert_eq!(owner == json!(admin_id), !run, "{subject}: owner {owner}");
    }
}
