//! Organization and group Salesforce settings: validation, roles, step-up, and the secret that
//! never comes back out.

use domain::entities::{audit_event, integration_setting, session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::*;

const SENTINEL: &str = "SENTINEL-secret-8f3a1c";
pub const ORG_PAGE: &str = "/o/acme/settings/integrations/salesforce";

pub fn org_form<'a>(client_id: &'a str, secret: &'a str, auth: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("org", "acme"),
        ("enabled", "on"),
        ("app_source", "organization"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("auth_base_url", auth),
    ]
}

pub async fn save_org(
    world: &World,
    client: &reqwest::Client,
    form: &[(&str, &str)],
) -> reqwest::Response {
    world
        .app
        .post_form(client, "/api/salesforce/save-org", ORG_PAGE, form)
        .await
}

async fn org_row(world: &World) -> integration_setting::Model {
    org_row_if_any(world)
        .await
        .expect("the organization's settings row")
}

pub async fn org_row_if_any(world: &World) -> Option<integration_setting::Model> {
    integration_setting::Entity::find()
        .filter(integration_setting::Column::Scope.eq("org"))
        .one(&world.app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_org_admin_saves_the_app_and_the_secret_only_after_step_up() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;

    let body = page(&w, &admin, ORG_PAGE).await;
    assert!(
        body.contains("http://127.0.0.1:")
            && body.contains("/api/integrations/callback/salesforce")
    );
    assert!(body.contains("api refresh_token offline_access") && body.contains("PKCE"));

    // A new app parks the save and asks for the password.
    let parked = save_org(
        &w,
        &admin,
        &org_form("3MVG9first", SENTINEL, "https://acme.my.salesforce.com"),
    )
    .await;
    assert_eq!(parked.status(), 303);
    let body = page(&w, &admin, ORG_PAGE).await;
    assert!(body.contains("Confirm your password to save"), "{body}");
    assert!(
        org_row_if_any(&w).await.is_none(),
        "nothing saved before step-up"
    );

    // A wrong password is refused and audited.
    let wrong = w
        .app
        .post_form(
            &admin,
            "/api/salesforce/step-up",
            ORG_PAGE,
            &[("org", "acme"), ("password", "not my password")],
        )
        .await;
    assert!(location(&wrong).contains("__err"), "{}", location(&wrong));
    assert!(org_row_if_any(&w).await.is_none());

    // The right password completes the same save, without the form being typed again.
    let before = admin_session_ids(&w).await;
    let confirmed = w
        .app
        .post_form(
            &admin,
            "/api/salesforce/step-up",
            ORG_PAGE,
            &[("org", "acme"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), ORG_PAGE);
    assert!(
        confirmed.headers().get("set-cookie").is_some(),
        "the session id rotates at step-up"
    );
    let after = admin_session_ids(&w).await;
    assert_eq!((before.len(), after.len()), (1, 1));
    assert_ne!(before, after, "the session id rotates at step-up");
    let row = org_row(&w).await;
    let sealed = row.client_secret.clone().unwrap();
    assert!(
        sealed.starts_with("v1:") && !sealed.contains(SENTINEL),
        "sealed at rest"
    );
    assert_eq!(row.version, 1);
    let body = page(&w, &admin, ORG_PAGE).await;
    assert!(
        body.contains("A client secret is set (fingerprint"),
        "{body}"
    );
    assert!(!body.contains("Confirm your password to save"));

    // Within five minutes, changing the Client ID needs no new step-up.
    let again = save_org(
        &w,
        &admin,
        &org_form("3MVG9second", "", "https://acme.my.salesforce.com"),
    )
    .await;
    assert_eq!(again.status(), 303);
    assert_eq!(org_row(&w).await.client_id.as_deref(), Some("3MVG9second"));

    let actions: Vec<String> = audit_event::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for wanted in [
        "authn_step_up_fail",
        "authn_step_up_success",
        "authz_admin_integration_settings",
    ] {
        assert!(
            actions.iter().any(|a| a == wanted),
            "{wanted} in {actions:?}"
        );
    }
    // A JavaScript client's save answers with the outcome, never the value.
    let json = admin
        .post(w.app.url("/api/salesforce/save-org"))
        .header("origin", &w.app.address)
        .form(&org_form(
            "3MVG9second",
            SENTINEL,
            "https://acme.my.salesforce.com",
        ))
        .send()
        .await
        .unwrap();
    let json = json.text().await.unwrap();
    assert!(json.contains("Saved") && !json.contains(SENTINEL), "{json}");
    for path in [
        ORG_PAGE,
        "/o/acme/settings/integrations",
        "/o/acme/integrations",
    ] {
        let body = page(&w, &admin, path).await;
        assert!(!body.contains(SENTINEL), "{path} shows the secret");
    }
    for path in [
        "/api/salesforce/org-settings",
        "/api/salesforce/my-integrations",
    ] {
        let body = admin
            .post(w.app.url(path))
            .header("origin", &w.app.address)
            .form(&[("org", "acme")])
            .send()
            .await
            .unwrap();
        assert_eq!(body.status(), 200, "{path}");
        assert!(
            !body.text().await.unwrap().contains(SENTINEL),
            "{path} returns the secret"
        );
    }
    assert_no_sentinel(&w).await;
}

async fn admin_session_ids(w: &World) -> Vec<String> {
    let admin = domain::accounts::find_user(
        &w.app.db,
        &domain::names::Email::parse("admin@acme.example").unwrap(),
    )
    .await
    .unwrap();
    session::Entity::find()
        .filter(session::Column::UserId.eq(admin.id))
        .all(&w.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// The secret appears in no table, no audit detail and no log line.
async fn assert_no_sentinel(w: &World) {
    for row in session::Entity::find().all(&w.app.db).await.unwrap() {
        assert!(
            !row.data.contains(SENTINEL),
            "session data holds the secret in clear"
        );
    }
    for row in audit_event::Entity::find().all(&w.app.db).await.unwrap() {
        assert!(!row.details.contains(SENTINEL), "{row:?}");
    }
    for row in integration_setting::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
    {
        assert!(!format!("{row:?}").contains(SENTINEL));
    }
    assert!(
        !captured_logs().contains(SENTINEL),
        "a log line holds the secret"
    );
}

#[tokio::test]
async fn a_stale_step_up_does_not_count() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;
    save_org(
        &w,
        &admin,
        &org_form("3MVG9first", "", "https://login.salesforce.com"),
    )
    .await;
    // Step up (which completes the parked save), then age it past five minutes.
    step_up(&w, &admin).await;
    assert_eq!(org_row(&w).await.version, 1);
    age_step_ups(&w.app.db).await;
    let json = admin
        .post(w.app.url("/api/salesforce/save-org"))
        .header("origin", &w.app.address)
        .form(&org_form("3MVG9first", "", "https://test.salesforce.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 200);
    assert_eq!(
        json.text().await.unwrap(),
        r#""StepUpRequired""#,
        "changing the Auth Base URL of a saved app"
    );
    assert_eq!(
        org_row(&w).await.auth_base_url.as_deref(),
        Some("https://login.salesforce.com")
    );
}

#[tokio::test]
async fn bad_values_are_refused_with_the_reason() {
    let w = world().await;
    let admin = signed_in(&w, "admin@acme.example").await;
    step_up(&w, &admin).await;
    let cases: [(Vec<(&str, &str)>, &str); 5] = [
        (
            org_form("3MVG9x", "", "http://login.salesforce.com"),
            "must use https",
        ),
        (
            org_form("3MVG9x", "", "https://salesforce.com.evil.example"),
            "not a Salesforce domain",
        ),
        (org_form("", "", ""), "Client ID: required"),
        (
            org_form("has space", "", ""),
            "Client ID: paste the Consumer Key",
        ),
        (
            vec![
                ("org", "acme"),
                ("enabled", "on"),
                ("app_source", "default"),
                ("client_id", ""),
                ("client_secret", ""),
                ("auth_base_url", ""),
            ],
            "default app is not configured",
        ),
    ];
    for (form, expected) in cases {
        let response = admin
            .post(w.app.url("/api/salesforce/save-org"))
            .header("origin", &w.app.address)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{form:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains(expected), "{form:?}: {body}");
    }
    // A pasted Lightning URL becomes the My Domain login host, and the page says so.
    save_org(
        &w,
        &admin,
        &org_form(
            "3MVG9x",
            "",
            "https://acme.lightning.force.com/lightning/page/home",
        ),
    )
    .await;
    assert_eq!(
        org_row(&w).await.auth_base_url.as_deref(),
        Some("https://acme.my.salesforce.com")
    );
    let body = page(&w, &admin, ORG_PAGE).await;
    assert!(body.contains("The pasted Lightning URL was changed to its My Domain login host https://acme.my.salesforce.com"), "{body}");

    // With the features off nothing can be saved.
    domain::accounts::set_features(
        &w.app.db,
        &w.acme,
        domain::accounts::FeatureChange {
            integrations: Some(false),
            salesforce: None,
        },
    )
    .await
    .unwrap();
    let off = admin
        .post(w.app.url("/api/salesforce/save-org"))
        .header("origin", &w.app.address)
        .form(&org_form("3MVG9y", "", ""))
        .send()
        .await
        .unwrap();
    assert!(off.text().await.unwrap().contains("features are off"));
    assert!(
        page(&w, &admin, ORG_PAGE)
            .await
            .contains("must both be on before anything here can be saved")
    );
}
