//! Deciding proposals: rejected and expired ones never run, nobody decides another person's,
//! an assistant's proposal is revised into a new revision, and offboarding cancels what waits.

use serde_json::json;

use crate::changes::*;
use crate::helpers::*;
use crate::sim::*;

#[tokio::test]
async fn a_rejected_or_expired_proposal_is_never_run() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let rejected = prepared_phone_update(&sw, &mia, &account, "+49 30 5550140").await;
    assert_eq!(
        decide(w, &mia, rejected, "reject", &[("reason", "wrong number")]).await,
        303
    );
    let page_of = page(w, &mia, &format!("{QUEUE}/{rejected}")).await;
    assert!(page_of.contains("Rejected") && page_of.contains("wrong number"));
    assert_eq!(decide(w, &mia, rejected, "approve", &[]).await, 303);
    assert!(
        page(w, &mia, &format!("{QUEUE}/{rejected}"))
            .await
            .contains("This change was rejected.")
    );

    let expiring = prepared_phone_update(&sw, &mia, &account, "+49 30 5550141").await;
    {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        let row = domain::entities::proposal::Entity::find_by_id(expiring)
            .one(&w.app.db)
            .await
            .unwrap()
            .unwrap();
        let mut row: domain::entities::proposal::ActiveModel = row.into();
        row.expires_at = Set(time::OffsetDateTime::now_utc() - time::Duration::minutes(1));
        row.update(&w.app.db).await.unwrap();
    }
    clear_calls(&sw.sim).await;
    assert_eq!(decide(w, &mia, expiring, "approve", &[]).await, 303);
    let expired = page(w, &mia, &format!("{QUEUE}/{expiring}")).await;
    assert!(
        expired.contains("This proposal expired; prepare the change again.")
            && expired.contains(">Expired<"),
        "{expired}"
    );
    assert_eq!(writes(&sw.sim).await, 0);
    let events = domain::audit::recent(&w.app.db, Some(w.acme.id), 50)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "salesforce_change_rejected")
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "salesforce_change_expired")
    );
}

#[tokio::test]
async fn nobody_sees_or_decides_another_persons_proposal() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550150").await;
    clear_calls(&sw.sim).await;
    let path = format!("{QUEUE}/{id}");
    for email in ["lead@acme.example", "admin@acme.example"] {
        let other = signed_in(w, email).await;
        assert_eq!(
            w.app.get_with(&other, &path).await.status(),
            404,
            "{email} sees mia's proposal"
        );
        assert_eq!(
            decide(w, &other, id, "approve", &[]).await,
            404,
            "{email} approves for mia"
        );
        assert_eq!(decide(w, &other, id, "reject", &[]).await, 404);
        assert!(!page(w, &other, QUEUE).await.contains(&path));
    }
    let hank = signed_in(w, "boss@globex.example").await;
    assert_eq!(
        w.app
            .get_with(&hank, &format!("/o/globex/salesforce/changes/{id}"))
            .await
            .status(),
        404
    );
    let globex_approve = w
        .app
        .post_form(
            &hank,
            &format!("/o/globex/salesforce/changes/{id}/approve"),
            "/",
            &[],
        )
        .await;
    assert_eq!(
        globex_approve.status(),
        404,
        "another organization's id by a changed URL"
    );
    assert_eq!(writes(&sw.sim).await, 0);
    assert_eq!(proposals(w).await[0].state, "pending");
}

#[tokio::test]
async fn an_assistants_proposal_is_revised_into_a_new_revision_not_edited() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let request = domain::changes::PrepareRequest {
        object: "Account".into(),
        action: domain::changes::Action::Update,
        record_id: Some(account_id.into()),
        external_id: None,
        inputs: vec![("Website".into(), "https://assistant.example".into())],
        auto_assign: None,
    };
    let proposer = domain::changes::Proposer::Assistant {
        token_id: 7,
        name: "Sofie assistant".into(),
    };
    let first = w
        .app
        .changes
        .prepare(&actor(w, "mia@acme.example").await, proposer, request)
        .await
        .unwrap();
    let review = page(w, &mia, &format!("{QUEUE}/{}", first.id)).await;
    assert!(
        review.contains("Sofie assistant, an assistant acting for you")
            && review.contains("Edit before approving")
    );
    let edit = page(w, &mia, &format!("{QUEUE}/{}/edit", first.id)).await;
    assert!(
        edit.contains("https://assistant.example"),
        "the form starts from the proposal"
    );
    let response = w
        .app
        .post_form(
            &mia,
            &format!("{QUEUE}/{}/revise", first.id),
            &format!("{QUEUE}/{}/edit", first.id),
            &[
                ("f:Website", "https://person.example"),
                ("o:Website", account["Website"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let second = proposal_id(&location(&response));
    assert_ne!(second, first.id);
    let old = page(w, &mia, &format!("{QUEUE}/{}", first.id)).await;
    assert!(
        old.contains("Replaced by a newer revision") && old.contains("https://assistant.example"),
        "what was reviewed is kept"
    );
    assert_eq!(decide(w, &mia, first.id, "approve", &[]).await, 303);
    assert_eq!(writes(&sw.sim).await, 0, "a superseded revision never runs");
    let new = page(w, &mia, &format!("{QUEUE}/{second}")).await;
    assert!(new.contains("revision 2") && new.contains("https://person.example"));
    assert_eq!(decide(w, &mia, second, "approve", &[]).await, 303);
    assert_eq!(
        sim_record(&sw.sim, account_id).await["Website"],
        json!("https://person.example")
    );
}

#[tokio::test]
async fn removing_a_member_or_disabling_a_user_cancels_their_waiting_proposals() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550160").await;
    let user = user_of(w, "mia@acme.example").await;
    domain::offboarding::remove_member(&w.app.db, &w.acme, &user)
        .await
        .unwrap();
    assert_eq!(
        proposals(w)
            .await
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .state,
        "cancelled"
    );

    let lead = signed_in(w, "lead@acme.example").await;
    connect(w, &lead, STANDARD).await;
    let (status, at) = prepare(
        w,
        &lead,
        &[
            ("object", "Contact"),
            ("action", "create"),
            ("f:LastName", "Leadtest"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{at}");
    let lead_id = proposal_id(&at);
    let user = user_of(w, "lead@acme.example").await;
    domain::offboarding::disable_user(&w.app.db, user)
        .await
        .unwrap();
    assert_eq!(
        proposals(w)
            .await
            .iter()
            .find(|p| p.id == lead_id)
            .unwrap()
            .state,
        "cancelled"
    );
}
