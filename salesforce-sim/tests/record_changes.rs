//! What a reviewed write relies on: stamps that move on every save, the Case assignment rule and
//! its `Sforce-Auto-Assign` header, and the control API's raw records and changes made behind
//! the client's back.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use salesforce_sim::RunningSim;
use serde_json::{Value, json};

const V: &str = "/services/data/v67.0";
const ADMIN_ID: &str = "0055i0000000001AAA";
const STANDARD_ID: &str = "0055i0000000002AAA";

async fn raw(sim: &RunningSim, id: &str) -> Value {
    let (status, record) =
        sim_control(sim, Method::GET, &format!("/__sim/records/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    record
}

/// `SystemModstamp`, checked against `LastModifiedDate` and Salesforce's format.
fn stamp(record: &Value) -> String {
    let stamp = record["SystemModstamp"].as_str().unwrap().to_string();
    assert_eq!(record["LastModifiedDate"], stamp.as_str());
    let shape: String = stamp
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99T99:99:99.999+9999", "{stamp}");
    assert!(stamp.ends_with("+0000"));
    stamp
}

#[tokio::test]
async fn every_write_moves_the_stamps_on() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let (_, created) = send(
        &t,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        json!({"Name": "Stamped"}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let path = format!("{V}/sobjects/Account/{id}");
    let mut seen = vec![stamp(&raw(&sim, id).await)];
    for n in 0..4 {
        // No pause: consecutive saves often fall into one millisecond.
        if n % 2 == 0 {
            send(&t, Method::PATCH, &path, json!({"Phone": format!("{n}")})).await;
        } else {
            let (status, _) = sim_control(
                &sim,
                Method::PATCH,
                &format!("/__sim/records/{id}"),
                Some(json!({"Phone": "x"})),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
        seen.push(stamp(&raw(&sim, id).await));
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
}

#[tokio::test]
async fn the_case_assignment_rule_runs_unless_the_header_says_false() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let create = |headers: &'static [(&'static str, &'static str)], body: Value| {
        let t = t.clone();
        async move {
            let (status, created) = api_send(
                &t,
                Method::POST,
                &format!("{V}/sobjects/Case"),
                Some(body),
                headers,
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            created["id"].as_str().unwrap().to_string()
        }
    };
    let owner = |id: String| {
        let sim = &sim;
        async move { raw(sim, &id).await["OwnerId"].as_str().unwrap().to_string() }
    };
    let subject = json!({"Subject": "Broken"});
    assert_eq!(
        owner(create(&[], subject.clone()).await).await,
        STANDARD_ID,
        "the rule's user"
    );
    let mine = create(&[("Sforce-Auto-Assign", "FALSE")], subject.clone()).await;
    assert_eq!(owner(mine.clone()).await, ADMIN_ID, "the caller");
    let given = json!({"Subject": "Broken", "OwnerId": STANDARD_ID});
    let theirs = create(&[("Sforce-Auto-Assign", "false")], given).await;
    assert_eq!(owner(theirs).await, STANDARD_ID, "the body's owner");
    let overridden = json!({"Subject": "Broken", "OwnerId": ADMIN_ID});
    assert_eq!(
        owner(create(&[("Sforce-Auto-Assign", "TRUE")], overridden).await).await,
        STANDARD_ID,
        "the rule wins"
    );

    // REST runs the rule on updates too.
    let path = format!("{V}/sobjects/Case/{mine}");
    let headers = [("Sforce-Auto-Assign", "FALSE")];
    let (status, _) = api_send(
        &t,
        Method::PATCH,
        &path,
        Some(json!({"Priority": "High"})),
        &headers,
    )
    .await;
    assert_eq!(
        (status, owner(mine.clone()).await.as_str()),
        (StatusCode::NO_CONTENT, ADMIN_ID)
    );
    send(&t, Method::PATCH, &path, json!({"Priority": "Low"})).await;
    assert_eq!(owner(mine).await, STANDARD_ID);

    // Other objects have no assignment rule.
    let (_, account) = send(
        &t,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        json!({"Name": "Unassigned"}),
    )
    .await;
    assert_eq!(
        owner(account["id"].as_str().unwrap().to_string()).await,
        ADMIN_ID
    );
}

#[tokio::test]
async fn the_control_api_reads_raw_records_past_sharing() {
    let (sim, admin, standard) = start_both().await;
    // A case of the admin's, which the standard user cannot see (Private).
    let case = &ids(
        &admin,
        &format!("SELECT Id FROM Case WHERE OwnerId = '{ADMIN_ID}' LIMIT 1"),
    )
    .await[0];
    assert_eq!(
        api_get(&standard, &format!("{V}/sobjects/Case/{case}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let record = raw(&sim, &case[..15]).await;
    assert_eq!(record["attributes"], json!({"type": "Case"}));
    assert_eq!(
        (record["Id"].as_str(), record["IsDeleted"].as_bool()),
        (Some(case.as_str()), Some(false))
    );
    assert!(
        record["CaseNumber"].is_string() && record.get("Description").is_some(),
        "every field"
    );
    let account = &ids(&admin, "SELECT Id FROM Account LIMIT 1").await[0];
    assert!(
        raw(&sim, account).await["AnnualRevenue"].is_number(),
        "hidden fields too"
    );
    let (status, _) =
        sim_control(&sim, Method::GET, "/__sim/records/001000000000000AAA", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let list = |query: &'static str| {
        let sim = &sim;
        async move {
            let (status, records) =
                sim_control(sim, Method::GET, &format!("/__sim/objects/{query}"), None).await;
            assert_eq!(status, StatusCode::OK, "{records}");
            records.as_array().unwrap().clone()
        }
    };
    assert_eq!(
        list("Order/records?org_id=00D5i0000000001EAA").await.len(),
        20,
        "Orders, which standard cannot read"
    );
    assert_eq!(list("order/records").await.len(), 40, "both orgs");
    let (_, created) = send(
        &admin,
        Method::POST,
        &format!("{V}/sobjects/Quality_Issue__c"),
        json!({"Name": "QI-NEW"}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    api_send(
        &admin,
        Method::DELETE,
        &format!("{V}/sobjects/Quality_Issue__c/{id}"),
        None,
        &[],
    )
    .await;
    let issues = list("Quality_Issue__c/records?org_id=00D5i0000000001EAA").await;
    assert_eq!(
        (issues.len(), issues[20]["IsDeleted"].as_bool()),
        (21, Some(true)),
        "deleted ones included"
    );
    let (status, _) = sim_control(&sim, Method::GET, "/__sim/objects/Lead/records", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_control_change_makes_a_snapshot_stale() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let id = &ids(&t, "SELECT Id FROM Contact LIMIT 1").await[0];
    let path = format!("{V}/sobjects/Contact/{id}");
    let (_, _, snapshot) = api_get(&t, &path).await;
    let change = |query: &'static str, body: Value| {
        let sim = &sim;
        let url = format!("/__sim/records/{id}{query}");
        async move { sim_control(sim, Method::PATCH, &url, Some(body)).await }
    };
    let (status, changed) = change(
        "?by=0055i0000000002AAA",
        json!({"title": "Head of Quality"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (
            changed["Title"].as_str(),
            changed["LastModifiedById"].as_str()
        ),
        (Some("Head of Quality"), Some(STANDARD_ID))
    );
    let (_, _, now) = api_get(&t, &path).await;
    assert_eq!(now["Title"], "Head of Quality");
    assert!(stamp(&now) > stamp(&snapshot), "the snapshot is stale");
    let (_, changed) = change("", json!({"LastName": "Renamed"})).await;
    assert_eq!(
        (
            changed["Name"].as_str().unwrap().ends_with(" Renamed"),
            changed["LastModifiedById"].as_str()
        ),
        (true, Some(ADMIN_ID)),
        "derived fields follow; an administrator by default"
    );
    for refused in [
        json!({"Nope__c": 1}),
        json!({"SystemModstamp": "2020-01-01T00:00:00.000+0000"}),
    ] {
        assert_eq!(change("", refused).await.0, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        change("?by=0059S0000000001QAA", json!({"Title": "x"}))
            .await
            .0,
        StatusCode::BAD_REQUEST,
        "a user of another org"
    );
    let (status, _) = sim_control(
        &sim,
        Method::PATCH,
        "/__sim/records/003000000000000AAA",
        Some(json!({"Title": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
