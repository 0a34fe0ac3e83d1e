//! Prepared changes over HTTP, as a browser without JavaScript drives them: the org admin turns
//! writes on (with step-up), a person prepares an update from a record page, reviews the diff,
//! approves it, and Salesforce (the simulator) is written exactly once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::sim::*;

pub const ACME_SF: &str = "00D5i0000000001EAA";
pub const QUEUE: &str = "/o/acme/salesforce/changes";

/// Record writes the simulator answered, whatever their kind.
pub async fn writes(sim: &salesforce_sim::RunningSim) -> u64 {
    let (_, calls) = control(sim, Method::GET, "/__sim/calls", None).await;
    [
        "POST /services/data/{version}/sobjects/{name}",
        "PATCH /services/data/{version}/sobjects/{name}/{id}",
        "DELETE /services/data/{version}/sobjects/{name}/{id}",
        "PATCH /services/data/{version}/sobjects/{name}/{field}/{value}",
    ]
    .iter()
    .map(|route| calls[*route].as_u64().unwrap_or(0))
    .sum()
}

/// The stored record at the simulator, whoever may see it.
pub async fn sim_record(sim: &salesforce_sim::RunningSim, id: &str) -> Value {
    let (status, record) = control(sim, Method::GET, &format!("/__sim/records/{id}"), None).await;
    assert_eq!(status, 200, "{id}: {record}");
    record
}

/// Every record of `object` in Acme's Salesforce org, deleted ones included.
pub async fn sim_records(sim: &salesforce_sim::RunningSim, object: &str) -> Vec<Value> {
    let path = format!("/__sim/objects/{object}/records?org_id={ACME_SF}");
    let (status, records) = control(sim, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{records}");
    records.as_array().unwrap().clone()
}

/// An Acme account without cases or orders, so it may be deleted.
pub async fn first_account(sim: &salesforce_sim::RunningSim) -> Value {
    sim_records(sim, "Account").await.swap_remove(0)
}

/// The org admin turns prepared changes on for `actions` (a fresh step-up first).
pub async fn enable_writes(w: &World, actions: &[&str], objects: &str) {
    let admin = signed_in(w, "admin@acme.example").await;
    enable_writes_as(w, &admin, actions, objects).await;
}

/// Like `enable_writes`, by the org admin signed in on `admin`.
pub async fn enable_writes_as(w: &World, admin: &reqwest::Client, actions: &[&str], objects: &str) {
    assert_eq!(step_up(w, admin).await.status(), 303);
    let mut form = vec![
        ("org", "acme".to_string()),
        ("enabled", "on".into()),
        ("objects", objects.into()),
        ("expiry_hours", "".into()),
    ];
    let names = ["actions[0]", "actions[1]", "actions[2]", "actions[3]"];
    for (name, action) in names.iter().zip(actions) {
        form.push((name, action.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = w
        .app
        .post_form(
            admin,
            "/api/salesforce/change-policy",
            "/o/acme/settings/integrations/salesforce",
            &form,
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = page(w, admin, "/o/acme/settings/integrations/salesforce").await;
    assert!(page.contains("Prepared changes policy saved"), "{page}");
}

/// Posts the prepare form; returns the status and where it sent the browser.
pub async fn prepare(w: &World, client: &reqwest::Client, form: &[(&str, &str)]) -> (u16, String) {
    let response = w
        .app
        .post_form(
            client,
            "/o/acme/salesforce/changes/prepare",
            "/o/acme/salesforce/prepare",
            form,
        )
        .await;
    (response.status().as_u16(), location(&response))
}

/// The id of the proposal a prepare sent the browser to.
pub fn proposal_id(location: &str) -> i64 {
    location
        .strip_prefix("/o/acme/salesforce/changes/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a proposal page, not {location:?}"))
}

pub async fn decide(
    w: &World,
    client: &reqwest::Client,
    id: i64,
    verb: &str,
    form: &[(&str, &str)],
) -> u16 {
    let path = format!("{QUEUE}/{id}/{verb}");
    w.app
        .post_form(client, &path, &format!("{QUEUE}/{id}"), form)
        .await
        .status()
        .as_u16()
}

pub async fn proposals(w: &World) -> Vec<domain::entities::proposal::Model> {
    use sea_orm::EntityTrait;
    domain::entities::proposal::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
}

/// Mia, connected as the simulator's administrator, with writes on.
pub async fn writer(sw: &SfWorld) -> reqwest::Client {
    enable_writes(&sw.w, &["create", "update", "upsert", "delete"], "").await;
    let mia = signed_in(&sw.w, "mia@acme.example").await;
    connect(&sw.w, &mia, ADMIN).await;
    mia
}

/// Mia prepares a Phone update of `account`; returns the proposal id.
pub async fn prepared_phone_update(
    sw: &SfWorld,
    mia: &reqwest::Client,
    account: &Value,
    phone: &str,
) -> i64 {
    let id = account["Id"].as_str().unwrap();
    let old = account["Phone"].as_str().unwrap_or_default();
    let (status, at) = prepare(
        &sw.w,
        mia,
        &[
            ("object", "Account"),
            ("action", "update"),
            ("id", id),
            ("f:Phone", phone),
            ("o:Phone", old),
            ("f:Name", account["Name"].as_str().unwrap()),
            ("o:Name", account["Name"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    proposal_id(&at)
}

#[tokio::test]
async fn prepared_changes_are_off_until_an_org_admin_turns_them_on_with_a_step_up() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let account = first_account(&sw.sim).await;
    let record = page(
        w,
        &mia,
        &format!(
            "/o/acme/salesforce/records/Account/{}",
            account["Id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(
        !record.contains("Prepare update"),
        "no write links while writes are off"
    );
    let (status, back) = prepare(
        w,
        &mia,
        &[
            ("object", "Account"),
            ("action", "create"),
            ("f:Name", "New Co"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let shown = w.app.get_with(&mia, &back).await.text().await.unwrap();
    assert!(
        shown.contains("Prepared changes are off for this organization"),
        "{shown}"
    );

    let (status, _) = call(
        w,
        &mia,
        "/api/salesforce/change-policy",
        &[
            ("org", "acme"),
            ("enabled", "on"),
            ("objects", ""),
            ("actions[0]", "create"),
            ("expiry_hours", ""),
        ],
    )
    .await;
    assert_eq!(status, 403, "a member may not set the policy");

    let admin = signed_in(w, "admin@acme.example").await;
    age_step_ups(&w.app.db).await;
    let form = [
        ("org", "acme"),
        ("enabled", "on"),
        ("objects", "Account, Contact"),
        ("actions[0]", "create"),
        ("actions[1]", "update"),
        ("expiry_hours", "48"),
    ];
    let parked = w
        .app
        .post_form(
            &admin,
            "/api/salesforce/change-policy",
            "/o/acme/settings/integrations/salesforce",
            &form,
        )
        .await;
    assert_eq!(parked.status(), 303);
    let settings = page(w, &admin, "/o/acme/settings/integrations/salesforce").await;
    assert!(
        settings.contains("Confirm your password to save"),
        "turning writes on waits for the password"
    );
    assert!(
        !w.app
            .changes
            .policy(&actor(w, "admin@acme.example").await)
            .await
            .unwrap()
            .enabled
    );
    assert_eq!(step_up(w, &admin).await.status(), 303);
    let policy = w
        .app
        .changes
        .policy(&actor(w, "admin@acme.example").await)
        .await
        .unwrap();
    assert!(policy.enabled);
    assert_eq!(policy.objects.unwrap(), ["Account", "Contact"]);
    assert_eq!(policy.actions, ["create", "update"]);
    assert_eq!(policy.expiry_hours, 48);
    let events = domain::audit::recent(&w.app.db, Some(w.acme.id), 20)
        .await
        .unwrap();
    let changed = events
        .iter()
        .find(|e| e.action == "salesforce_change_policy_changed")
        .expect("audited");
    let details: Value = serde_json::from_str(&changed.details).unwrap();
    assert_eq!(details["before"]["enabled"], json!(false));
    assert_eq!(details["after"]["actions"], json!(["create", "update"]));

    let record = page(
        w,
        &mia,
        &format!(
            "/o/acme/salesforce/records/Account/{}",
            account["Id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(
        record.contains("Prepare update") && !record.contains("Prepare delete"),
        "delete is not allowed"
    );
}

pub async fn user_of(w: &World, email: &str) -> domain::entities::user::Model {
    use domain::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The person `email` in Acme as the domain sees them.
pub async fn actor(w: &World, email: &str) -> domain::access::Actor {
    actor_in(w, email, "acme").await
}

/// The person `email` in organization `slug` as the domain sees them.
pub async fn actor_in(w: &World, email: &str, slug: &str) -> domain::access::Actor {
    let user = user_of(w, email).await;
    let authn = domain::step_up::Authn {
        nonce: domain::step_up::SignInNonce::generate(),
        step_up: None,
    };
    domain::access::actor_in(&w.app.db, user, authn, slug)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_update_is_reviewed_as_a_diff_approved_and_written_exactly_once() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap().to_owned();
    let record_page = format!("/o/acme/salesforce/records/Account/{account_id}");
    let record = page(w, &mia, &record_page).await;
    assert!(record.contains("Prepare update") && record.contains("Prepare delete"));
    let form = page(
        w,
        &mia,
        &format!("/o/acme/salesforce/prepare?object=Account&action=update&id={account_id}"),
    )
    .await;
    assert!(
        form.contains(r#"name="f:Phone""#) && form.contains(r#"name="o:Phone""#),
        "the form offers updateable fields"
    );
    assert!(
        !form.contains(r#"name="f:CreatedDate""#),
        "not system fields"
    );

    clear_calls(&sw.sim).await;
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550100").await;
    assert_eq!(writes(&sw.sim).await, 0, "preparing writes nothing");
    let stored = &proposals(w).await[0];
    assert_eq!(
        serde_json::from_str::<Value>(&stored.fields).unwrap(),
        json!({"Phone": "+49 30 5550100"}),
        "only the changed field is sent"
    );

    let review = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    for expected in [
        "Waiting for your approval",
        "<code>Account</code>",
        &account_id,
        account["Phone"].as_str().unwrap(),
        "+49 30 5550100",
        "Approve and make this change",
        "Reject",
        "Expires",
    ] {
        assert!(review.contains(expected), "{expected} in the review");
    }
    let queue = page(w, &mia, QUEUE).await;
    assert!(
        queue.contains(r#"class="badge waiting">1"#) && queue.contains(" waiting for you</span>"),
        "a count in the navigation"
    );

    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    let done = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        done.contains("Done: Salesforce made the change.") && done.contains(">Done<"),
        "{done}"
    );
    assert_eq!(
        sim_record(&sw.sim, &account_id).await["Phone"],
        json!("+49 30 5550100")
    );
    assert_eq!(writes(&sw.sim).await, 1);

    assert_eq!(
        decide(w, &mia, id, "approve", &[]).await,
        303,
        "a resubmitted form"
    );
    let again = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(again.contains("This change was already made."));
    assert_eq!(writes(&sw.sim).await, 1, "still one write");

    let events = domain::audit::recent(&w.app.db, Some(w.acme.id), 50)
        .await
        .unwrap();
    let names: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "salesforce_change_proposed",
        "salesforce_change_approved",
        "salesforce_change_executed",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    for event in events.iter().filter(|e| {
        e.action.starts_with("salesforce_change_") && e.action != "salesforce_change_policy_changed"
    }) {
        assert!(
            !event.details.contains("5550100"),
            "values only as fingerprints: {}",
            event.details
        );
        let details: Value = serde_json::from_str(&event.details).unwrap();
        assert_eq!(details["fields"]["Phone"].as_str().unwrap().len(), 24);
        assert_eq!(details["record_id"], json!(account_id));
    }
}

#[tokio::test]
async fn twenty_parallel_approvals_make_one_write() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550120").await;
    clear_calls(&sw.sim).await;
    let mut approvals = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url, origin) = (
            mia.clone(),
            w.app.url(&format!("{QUEUE}/{id}/approve")),
            w.app.address.clone(),
        );
        approvals.spawn(async move {
            let response = client
                .post(url)
                .header("accept", "text/html")
                .header("origin", origin)
                .form(&[("x", "")])
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        });
    }
    let statuses = approvals.join_all().await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(
        writes(&sw.sim).await,
        1,
        "one Salesforce write for twenty approvals"
    );
    assert_eq!(proposals(w).await[0].state, "executed");
}

#[tokio::test]
async fn a_record_changed_since_the_snapshot_is_not_written_and_is_asked_again() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap();
    let id = prepared_phone_update(&sw, &mia, &account, "+49 30 5550130").await;
    let (status, _) = control(
        &sw.sim,
        Method::PATCH,
        &format!("/__sim/records/{account_id}"),
        Some(json!({"Phone": "+49 30 9999999"})),
    )
    .await;
    assert_eq!(status, 200);
    clear_calls(&sw.sim).await;
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert_eq!(
        writes(&sw.sim).await,
        0,
        "nothing written over a newer record"
    );
    let review = page(w, &mia, &format!("{QUEUE}/{id}")).await;
    assert!(
        review.contains("The record changed in Salesforce after this change was prepared"),
        "{review}"
    );
    assert!(
        review.contains("+49 30 9999999"),
        "the diff shows the record as it is now"
    );
    assert!(review.contains("Waiting for your approval"));
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert_eq!(writes(&sw.sim).await, 1);
    assert_eq!(
        sim_record(&sw.sim, account_id).await["Phone"],
        json!("+49 30 5550130")
    );
}
