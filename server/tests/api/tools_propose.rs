//! The propose tools over the JSON API: an assistant prepares a change, the person approves it
//! in Sofie, and only then is Salesforce written, once. A repeated identical call is the same
//! proposal; a token without `salesforce:propose` is refused; the write policy applies.

use serde_json::json;

use crate::changes::*;
use crate::helpers::*;
use crate::sim::*;
use crate::tools::{call_tool, fits_schema, listing, token};

#[tokio::test]
async fn an_assistant_proposes_an_update_that_runs_only_after_the_person_approves_it() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let (_, t) = token(
        w,
        "mia@acme.example",
        &["salesforce:read", "salesforce:propose"],
        30,
    )
    .await;
    let account = first_account(&sw.sim).await;
    let id = account["Id"].as_str().unwrap().to_owned();
    let update = json!({ "object": "Account", "id": id, "fields": { "Phone": "+1 555 0100" } });

    let (status, off) = call_tool(w, &t, "propose_update", update.clone()).await;
    assert_eq!(status, 409, "prepared changes are off by default: {off}");

    enable_writes(w, &["create", "update", "upsert", "delete"], "").await;
    let (status, proposed) = call_tool(w, &t, "propose_update", update.clone()).await;
    assert_eq!(status, 200, "{proposed}");
    assert_eq!(proposed["status"], "pending_approval");
    let listed = listing(w, &t).await;
    fits_schema(&listed, "propose_update", &proposed);
    let pid = proposed["id"].as_i64().unwrap();
    let url = proposed["approval_url"].as_str().unwrap();
    assert!(url.starts_with("http") && url.ends_with(&format!("/o/acme/salesforce/changes/{pid}")));
    assert!(
        proposed["message"]
            .as_str()
            .unwrap()
            .starts_with("Not applied yet: approve it at")
    );
    assert_eq!(proposed["diff"][0]["field"], "Phone", "{proposed}");
    assert_eq!(proposed["diff"][0]["proposed"], "+1 555 0100");

    let (_, again) = call_tool(w, &t, "propose_update", update.clone()).await;
    assert_eq!(again["id"], pid, "the same pending proposal");
    assert_eq!(proposals(w).await.len(), 1);
    assert_eq!(writes(&sw.sim).await, 0, "nothing written before approval");
    let row = &proposals(w).await[0];
    assert_eq!(row.proposer_name.as_deref(), Some("Sofie chat"));

    assert_eq!(decide(w, &mia, pid, "approve", &[]).await, 303);
    let (_, done) = call_tool(w, &t, "get_proposal", json!({ "id": pid })).await;
    assert_eq!(done["status"], "executed", "{done}");
    fits_schema(&listed, "get_proposal", &done);
    assert_eq!(sim_record(&sw.sim, &id).await["Phone"], "+1 555 0100");
    assert_eq!(writes(&sw.sim).await, 1);

    // Another person's proposal is not found; a read-only token cannot propose.
    let (_, lead_token) = token(w, "lead@acme.example", &["salesforce:read"], 30).await;
    let (status, _) = call_tool(w, &lead_token, "get_proposal", json!({ "id": pid })).await;
    assert_eq!(status, 404);
    let (status, scope) = call_tool(w, &lead_token, "propose_update", update).await;
    assert_eq!(status, 403);
    assert_eq!(
        scope["type"],
        "https://sofie.dev/problems/insufficient_scope"
    );
}

#[tokio::test]
async fn a_refused_proposal_names_each_field_and_stores_nothing() {
    let sw = sf_world().await;
    let w = &sw.w;
    writer(&sw).await;
    let (_, t) = token(w, "mia@acme.example", &["salesforce:propose"], 30).await;
    let account = first_account(&sw.sim).await;
    let id = account["Id"].as_str().unwrap();

    let (status, bad) = call_tool(
        w,
        &t,
        "propose_update",
        json!({ "object": "Account", "id": id, "fields": { "NumberOfEmployees": "many" } }),
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad["detail"]
            .as_str()
            .unwrap()
            .contains("NumberOfEmployees"),
        "{bad}"
    );

    let (status, with_id) = call_tool(
        w,
        &t,
        "propose_create",
        json!({ "object": "Account", "id": id, "fields": { "Name": "X" } }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        with_id["detail"].as_str().unwrap().contains("takes no id"),
        "{with_id}"
    );

    let (status, nested) = call_tool(
        w,
        &t,
        "propose_create",
        json!({ "object": "Account", "fields": { "Name": ["X"] } }),
    )
    .await;
    assert_eq!(status, 400, "{nested}");
    assert!(proposals(w).await.is_empty());

    let (status, created) = call_tool(
        w,
        &t,
        "propose_create",
        json!({ "object": "Account", "fields": { "Name": "Tool Test Ltd", "NumberOfEmployees": 12 } }),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["action"], "create");
    assert_eq!(writes(&sw.sim).await, 0);
}

#[tokio::test]
async fn the_same_proposal_sent_eight_times_at_once_is_one_proposal() {
    let sw = sf_world().await;
    let w = &sw.w;
    writer(&sw).await;
    let (_, t) = token(w, "mia@acme.example", &["salesforce:propose"], 30).await;
    let account = first_account(&sw.sim).await;
    let update =
        json!({ "object": "Account", "id": account["Id"], "fields": { "Phone": "+1 555 0188" } });

    let calls = (0..8).map(|_| call_tool(w, &t, "propose_update", update.clone()));
    let answers = futures::future::join_all(calls).await;
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|(status, answer)| {
            assert_eq!(*status, 200, "{answer}");
            answer["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every caller got the same proposal: {ids:?}");
    assert_eq!(proposals(w).await.len(), 1);

    // Once it is decided, the same request makes a new proposal.
    let mia = signed_in(w, "mia@acme.example").await;
    let first = *ids.iter().next().unwrap();
    assert_eq!(
        decide(w, &mia, first, "reject", &[("reason", "not now")]).await,
        303
    );
    let (status, again) = call_tool(w, &t, "propose_update", update).await;
    assert_eq!(status, 200, "{again}");
    assert_ne!(again["id"].as_i64().unwrap(), first);
    assert_eq!(proposals(w).await.len(), 2);
}
