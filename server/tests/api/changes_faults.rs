//! Approved writes when Salesforce refuses, locks, or never answers: each refusal ends in a
//! sentence that names the rule or field and what to do, a lock is retried, and a write whose
//! answer was lost is found out by reading Salesforce, never by writing twice.

use reqwest::Method;
use serde_json::{Value, json};

use crate::changes::*;
use crate::helpers::*;
use crate::sim::*;

async fn fault(sw: &SfWorld, fault: Value) {
    let (status, body) = control(&sw.sim, Method::POST, "/__sim/faults", Some(fault)).await;
    assert_eq!(status, 201, "{body}");
}

fn error_body(code: &str, message: &str, fields: &[&str]) -> Value {
    json!([{ "message": message, "errorCode": code, "fields": fields }])
}

async fn state_of(w: &World, id: i64) -> domain::entities::proposal::Model {
    proposals(w).await.into_iter().find(|p| p.id == id).unwrap()
}

async fn sweep_later(w: &World) -> domain::changes::Swept {
    w.app
        .changes
        .sweep(time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .await
        .unwrap()
}

#[tokio::test]
async fn rules_of_the_salesforce_org_end_in_a_sentence_and_the_change_can_be_revised() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Quality_Issue__c"),
            ("action", "create"),
            ("f:Name", "QI closed"),
            ("f:Status__c", "Closed"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let id = proposal_id(&at);
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    let failed = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        failed.contains("A validation rule of your Salesforce organization refused the change")
            && failed.contains("A closed quality issue needs a resolution."),
        "{failed}"
    );
    assert!(failed.contains("Edit as a new revision"));
    let revised = w
        .app
        .post_form(
            &mia,
            &format!("{QUEUE}/{id}/revise"),
            &format!("{QUEUE}/{id}/edit"),
            &[
                ("f:Name", "QI closed"),
                ("f:Status__c", "Closed"),
                ("f:Resolution__c", "Replaced the part"),
            ],
        )
        .await;
    assert_eq!(revised.status(), 303);
    let second = proposal_id(&location(&revised));
    assert_eq!(decide(w, &mia, second, "approve", &[]).await, 303);
    assert_eq!(state_of(w, second).await.state, "executed");

    let existing = sim_records(&sw.sim, "Contact")
        .await
        .into_iter()
        .find(|c| c["Email"].is_string())
        .unwrap();
    let email = existing["Email"].as_str().unwrap();
    let (status, at) = prepare(
        w,
        &mia,
        &[
            ("object", "Contact"),
            ("action", "create"),
            ("f:LastName", "Twin"),
            ("f:Email", email),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let twin = proposal_id(&at);
    assert_eq!(decide(w, &mia, twin, "approve", &[]).await, 303);
    let failed = page(w, &mia, &format!("{QUEUE}/{twin}")).await;
    assert!(
        failed.contains("A duplicate rule found a matching Contact record"),
        "{failed}"
    );
    assert_eq!(state_of(w, twin).await.state, "failed");
}

#[tokio::test]
async fn each_refusal_class_says_what_to_do_and_nothing_is_half_done() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let cases = [
        (
            403,
            error_body(
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
                &[],
            ),
            "REQUEST_LIMIT_EXCEEDED",
        ),
        (
            400,
            error_body(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: Phone. Please check the security settings of this field.",
                &["Phone"],
            ),
            "field-level security",
        ),
        (
            400,
            error_body(
                "INSUFFICIENT_ACCESS_OR_READONLY",
                "insufficient access rights on object id",
                &[],
            ),
            "sharing or object permissions",
        ),
        (
            400,
            error_body(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [Name]",
                &["Name"],
            ),
            "Salesforce requires a field this change leaves empty (Name)",
        ),
        (
            400,
            error_body(
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                "Phone numbers need a country code.",
                &[],
            ),
            "validation rule",
        ),
    ];
    for (n, (status, body, says)) in cases.into_iter().enumerate() {
        let phone = format!("+49 30 55502{n:02}");
        let id =
            prepared_phone_update(&sw, &mia, &sim_record(&sw.sim, account_id).await, &phone).await;
        fault(&sw, json!({"status": status, "method": "PATCH", "path_prefix": "/services/data", "body": body})).await;
        assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
        let shown = page(w, &mia, &format!("{QUEUE}/{id}")).await;
        assert!(shown.contains(says), "{says}: {shown}");
        assert_eq!(state_of(w, id).await.state, "failed");
        assert_ne!(
            sim_record(&sw.sim, account_id).await["Phone"],
            json!(phone),
            "nothing written"
        );
        assert_eq!(
            decide(w, &mia, id, "approve", &[]).await,
            303,
            "approved again once fixed"
        );
        assert_eq!(state_of(w, id).await.state, "executed");
        assert_eq!(sim_record(&sw.sim, account_id).await["Phone"], json!(phone));
    }
}

#[tokio::test]
async fn a_locked_row_is_retried_with_jitter_and_gives_up_with_a_sentence() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let locked = error_body(
        "UNABLE_TO_LOCK_ROW",
        &format!("unable to obtain exclusive access to this record or 1 records: {account_id}"),
        &[],
    );
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550300").await;
    fault(
        &sw,
        json!({"status": 400, "method": "PATCH", "count": 2, "body": locked}),
    )
    .await;
    clear_calls(&sw.sim).await;
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert_eq!(state_of(w, id).await.state, "executed");
    assert_eq!(writes(&sw.sim).await, 3, "two locked tries, then the write");

    let id = prepared_phone_update(
        &sw,
        &mia,
        &sim_record(&sw.sim, account_id).await,
        "+49 30 5550301",
    )
    .await;
    fault(
        &sw,
        json!({"status": 400, "method": "PATCH", "count": 10, "body": locked}),
    )
    .await;
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    let shown = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        shown.contains("UNABLE_TO_LOCK_ROW") && shown.contains("Approve again in a few minutes"),
        "{shown}"
    );
    control(&sw.sim, Method::DELETE, "/__sim/faults", None).await;
}

#[tokio::test]
async fn an_update_whose_answer_never_came_is_found_made_by_reading_the_record() {
    let sw = sf_world_adjusted(salesforce_sim::SimConfig::default(), |s| {
        s.salesforce_timeout_secs = 2
    })
    .await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550400").await;
    fault(&sw, json!({"method": "PATCH", "after": "hang"})).await;
    clear_calls(&sw.sim).await;
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert_eq!(state_of(w, id).await.state, "unknown");
    let shown = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        shown.contains("Outcome unknown") && shown.contains("Salesforce did not confirm the write"),
        "{shown}"
    );
    assert!(
        !shown.contains("Approve again"),
        "an unknown outcome is never run again by hand"
    );
    assert_eq!(sweep_later(w).await.reconciled, 1);
    let row = state_of(w, id).await;
    assert_eq!(row.state, "executed");
    assert_eq!(
        row.note.as_deref(),
        Some("Sofie found the change made in Salesforce.")
    );
    assert_eq!(writes(&sw.sim).await, 1, "found, not written again");
    assert_eq!(
        sim_record(&sw.sim, account_id).await["Phone"],
        json!("+49 30 5550400")
    );
}

#[tokio::test]
async fn creates_whose_answer_was_lost_are_found_not_repeated() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    for (object, name_field, route) in [
        ("Contact", "LastName", "POST"),
        ("Account", "Name", "PATCH"),
    ] {
        let name = format!("Lostanswer {object}");
        let (status, at) = prepare(
            w,
            &mia,
            &[
                ("object", object),
                ("action", "create"),
                (&format!("f:{name_field}"), &name),
            ],
        )
        .await;
        assert_eq!(status, 303, "{at}");
        let id = proposal_id(&at);
        fault(
            &sw,
            json!({"method": route, "path_prefix": "/services/data", "after": "reset"}),
        )
        .await;
        assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
        assert_eq!(state_of(w, id).await.state, "unknown", "{object}");
        assert_eq!(sweep_later(w).await.reconciled, 1);
        let row = state_of(w, id).await;
        assert_eq!(row.state, "executed", "{object}: {:?}", row.note);
        let made: Vec<Value> = sim_records(&sw.sim, object)
            .await
            .into_iter()
            .filter(|r| r[name_field] == json!(name))
            .collect();
        assert_eq!(made.len(), 1, "{object}: one record for one proposal");
        assert_eq!(row.result_record_id.as_deref(), made[0]["Id"].as_str());
    }
}

#[tokio::test]
async fn a_write_left_by_a_crashed_process_is_reconciled_once_its_lease_ends() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550500").await;
    // As a process that approved it and died before sending anything leaves it.
    let mut row: domain::entities::proposal::ActiveModel = state_of(w, id).await.into();
    row.state = Set("executing".into());
    row.approved_at = Set(Some(time::OffsetDateTime::now_utc()));
    row.lease_until = Set(Some(
        time::OffsetDateTime::now_utc() + time::Duration::minutes(5),
    ));
    row.update(&w.app.db).await.unwrap();
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert!(
        page(w, &mia, &format!("{QUEUE}/{id}"))
            .await
            .contains("This change is being made now")
    );
    let now = w
        .app
        .changes
        .sweep(time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(now.reconciled, 0, "not while its lease holds");
    clear_calls(&sw.sim).await;
    assert_eq!(sweep_later(w).await.reconciled, 1);
    assert_eq!(state_of(w, id).await.state, "executed");
    assert_eq!(
        writes(&sw.sim).await,
        1,
        "written once: the record was as reviewed"
    );
    assert_eq!(
        sim_record(&sw.sim, account_id).await["Phone"],
        json!("+49 30 5550500")
    );
    let events = domain::audit::recent(&w.app.db, Some(w.acme.id), 50)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "salesforce_change_reconciled")
    );
}
