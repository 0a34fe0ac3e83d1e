//! Step-up: every path that can point members' Salesforce sign-ins somewhere new asks for the
//! password (organization and group, with and without JavaScript); a step-up and a parked change
//! never outlive their sign-in; completion re-checks the right.

use domain::entities::{audit_event, integration_setting, organization};
use domain::salesforce_settings::{
    AppSource, AuthBaseUrl, ClientId, Scope, SecretChange, SettingsInput,
};
use salesforce::HostPolicy;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::cli::Sofie;
use crate::helpers::*;

/// What an operator stored before the test's save.
struct Stored {
    enabled: bool,
    source: AppSource,
    client_id: &'static str,
    host: &'static str,
}

fn stored(enabled: bool, source: AppSource, client_id: &'static str) -> Stored {
    Stored {
        enabled,
        source,
        client_id,
        host: "",
    }
}

async fn store(w: &World, org: &organization::Model, scope: Scope, stored: Stored) {
    let input = SettingsInput {
        enabled: stored.enabled,
        app_source: stored.source,
        client_id: ClientId::parse(stored.client_id).unwrap(),
        secret: SecretChange::Keep,
        auth_base_url: AuthBaseUrl::parse(stored.host, &HostPolicy::salesforce_only()).unwrap(),
    };
    w.app
        .settings
        .save_as_operator(org, scope, &input)
        .await
        .unwrap();
}

async fn row(w: &World, scope: &str) -> Option<integration_setting::Model> {
    integration_setting::Entity::find()
        .filter(integration_setting::Column::Scope.eq(scope))
        .one(&w.app.db)
        .await
        .unwrap()
}

fn scope_key(scope: Scope) -> String {
    match scope {
        Scope::Org => "org".into(),
        Scope::Group(id) => format!("group:{id}"),
    }
}

/// The form a person submits for `scope`: `(path, page, fields)`.
fn form(
    scope: Scope,
    enabled: bool,
    source: &'static str,
    client_id: &'static str,
    host: &'static str,
) -> (&'static str, String, Vec<(&'static str, String)>) {
    let mut fields = vec![
        ("org", "acme".to_string()),
        ("client_id", client_id.into()),
        ("client_secret", String::new()),
        ("auth_base_url", host.into()),
    ];
    if enabled {
        fields.push(("enabled", "on".into()));
    }
    match scope {
        Scope::Org => {
            fields.push(("app_source", source.into()));
            (
                "/api/salesforce/save-org",
                "/o/acme/settings/integrations/salesforce".into(),
                fields,
            )
        }
        Scope::Group(id) => {
            fields.push(("group_id", id.to_string()));
            (
                "/api/salesforce/save-group",
                format!("/o/acme/groups/{id}/settings"),
                fields,
            )
        }
    }
}

/// Submits the form as a JavaScript client and as a plain form; both must ask for the password
/// and save nothing. Then the password completes the parked save.
async fn asks_for_step_up(
    w: &World,
    scope: Scope,
    submitted: (&'static str, String, Vec<(&'static str, String)>),
    why: &str,
) {
    let admin = signed_in(w, "admin@acme.example").await;
    let (path, page_path, fields) = submitted;
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = row(w, &scope_key(scope)).await;

    let (status, body) = call(w, &admin, path, &fields).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#""StepUpRequired""#),
        "{why} (JavaScript)"
    );
    assert_eq!(
        row(w, &scope_key(scope)).await,
        before,
        "{why}: nothing saved"
    );

    let plain = w.app.post_form(&admin, path, &page_path, &fields).await;
    assert_eq!(plain.status(), 303, "{why} (no JavaScript)");
    let shown = page(w, &admin, &page_path).await;
    assert!(
        shown.contains("Confirm your password to save"),
        "{why}: {shown}"
    );
    assert_eq!(
        row(w, &scope_key(scope)).await,
        before,
        "{why}: nothing saved"
    );

    assert_eq!(step_up(w, &admin).await.status(), 303);
    let after = row(w, &scope_key(scope))
        .await
        .expect("saved after step-up");
    assert_eq!(
        after.version,
        before.map_or(0, |r| r.version) + 1,
        "{why}: completed once"
    );
}

/// A world whose operator configured Sofie's default app, so the app source can be switched.
async fn world_with_default_app() -> World {
    let mut settings = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    settings.salesforce_client_id = Some("3MVG9sofieDefault".into());
    world_on(spawn_with(&settings).await).await
}

#[tokio::test]
async fn the_first_client_id_needs_step_up() {
    let w = world().await;
    asks_for_step_up(
        &w,
        Scope::Org,
        form(Scope::Org, true, "organization", "3MVG9first", ""),
        "organization's first client id",
    )
    .await;
    let group = Scope::Group(w.sales.id);
    asks_for_step_up(
        &w,
        group,
        form(group, true, "", "3MVG9override", ""),
        "first group override",
    )
    .await;
}

#[tokio::test]
async fn an_empty_auth_base_url_changed_to_a_my_domain_needs_step_up() {
    let w = world().await;
    let stored = || stored(true, AppSource::Organization, "3MVG9app");
    store(&w, &w.acme, Scope::Org, stored()).await;
    asks_for_step_up(
        &w,
        Scope::Org,
        form(
            Scope::Org,
            true,
            "organization",
            "3MVG9app",
            "https://evil.my.salesforce.com",
        ),
        "organization login host",
    )
    .await;
    let group = Scope::Group(w.sales.id);
    store(&w, &w.acme, group, stored()).await;
    asks_for_step_up(
        &w,
        group,
        form(
            group,
            true,
            "",
            "3MVG9app",
            "https://evil.my.salesforce.com",
        ),
        "group login host",
    )
    .await;
}

#[tokio::test]
async fn switching_the_app_source_needs_step_up_both_ways() {
    let w = world_with_default_app().await;
    store(
        &w,
        &w.acme,
        Scope::Org,
        stored(true, AppSource::Default, "3MVG9own"),
    )
    .await;
    asks_for_step_up(
        &w,
        Scope::Org,
        form(Scope::Org, true, "organization", "3MVG9own", ""),
        "default to own",
    )
    .await;
    asks_for_step_up(
        &w,
        Scope::Org,
        form(Scope::Org, true, "default", "3MVG9own", ""),
        "own to default",
    )
    .await;
}

#[tokio::test]
async fn switching_on_an_app_members_do_not_use_yet_needs_step_up() {
    let w = world().await;
    store(
        &w,
        &w.acme,
        Scope::Org,
        stored(false, AppSource::Organization, "3MVG9org"),
    )
    .await;
    asks_for_step_up(
        &w,
        Scope::Org,
        form(Scope::Org, true, "organization", "3MVG9org", ""),
        "switching the organization's app on",
    )
    .await;
    let group = Scope::Group(w.sales.id);
    store(
        &w,
        &w.acme,
        group,
        stored(false, AppSource::Organization, "3MVG9group"),
    )
    .await;
    asks_for_step_up(
        &w,
        group,
        form(group, true, "", "3MVG9group", ""),
        "switching on an override with another app",
    )
    .await;

    // An override naming the organization's own app changes nothing members connect with; and
    // switching an app off is always allowed.
    let support = Scope::Group(w.support.id);
    store(
        &w,
        &w.acme,
        support,
        stored(false, AppSource::Organization, "3MVG9org"),
    )
    .await;
    let admin = signed_in(&w, "admin@acme.example").await;
    for (scope, fields) in [
        (support, form(support, true, "", "3MVG9org", "").2),
        (group, form(group, false, "", "3MVG9group", "").2),
        (
            Scope::Org,
            form(Scope::Org, false, "organization", "3MVG9org", "").2,
        ),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let path = if scope == Scope::Org {
            "/api/salesforce/save-org"
        } else {
            "/api/salesforce/save-group"
        };
        let (status, body) = call(&w, &admin, path, &fields).await;
        assert_eq!(status, 200, "{scope:?}");
        assert!(body.contains("Saved"), "{scope:?}: {body}");
    }
}

#[tokio::test]
async fn a_new_sign_in_inherits_neither_step_up_nor_parked_change() {
    let w = world().await;
    let ada = w.app.user("ada2@acme.example", "Ada Second").await;
    w.app
        .member(&w.acme, &ada, domain::roles::OrgRole::Admin)
        .await;
    store(
        &w,
        &w.acme,
        Scope::Org,
        stored(true, AppSource::Organization, "3MVG9org"),
    )
    .await;
    let browser = signed_in(&w, "admin@acme.example").await;

    // A parks a change, then B signs in over A's live session in the same browser.
    let (_, body) = call(
        &w,
        &browser,
        "/api/salesforce/save-org",
        &[
            ("org", "acme"),
            ("enabled", "on"),
            ("app_source", "organization"),
            ("client_id", "3MVG9fromA"),
            ("client_secret", ""),
            ("auth_base_url", ""),
        ],
    )
    .await;
    assert_eq!(body, r#""StepUpRequired""#);
    assert_eq!(
        w.app
            .login_with(&browser, "ada2@acme.example", PASSWORD)
            .await
            .status(),
        303
    );
    let shown = page(&w, &browser, "/o/acme/settings/integrations/salesforce").await;
    assert!(
        !shown.contains("Confirm your password to save"),
        "A's parked change is gone"
    );
    assert_eq!(step_up(&w, &browser).await.status(), 303);
    assert_eq!(
        row(&w, "org").await.unwrap().client_id.as_deref(),
        Some("3MVG9org"),
        "B's password completed nothing of A's"
    );

    // A steps up, then B signs in over it: B's save asks for B's password.
    let browser = signed_in(&w, "admin@acme.example").await;
    assert_eq!(step_up(&w, &browser).await.status(), 303);
    assert_eq!(
        w.app
            .login_with(&browser, "ada2@acme.example", PASSWORD)
            .await
            .status(),
        303
    );
    let (_, body) = call(
        &w,
        &browser,
        "/api/salesforce/save-org",
        &[
            ("org", "acme"),
            ("enabled", "on"),
            ("app_source", "organization"),
            ("client_id", "3MVG9fromB"),
            ("client_secret", ""),
            ("auth_base_url", ""),
        ],
    )
    .await;
    assert_eq!(
        body, r#""StepUpRequired""#,
        "A's step-up does not count for B"
    );
}

async fn denials(w: &World, target: &str) -> usize {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("authz_fail"))
        .filter(audit_event::Column::Target.eq(target))
        .all(&w.app.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_demoted_admin_cannot_complete_a_parked_save() {
    let w = world().await;
    let sofie = Sofie::on(&w.app.database_url, &w.app.keys);
    let admin = signed_in(&w, "admin@acme.example").await;
    let (_, body) = call(
        &w,
        &admin,
        "/api/salesforce/save-org",
        &[
            ("org", "acme"),
            ("enabled", "on"),
            ("app_source", "organization"),
            ("client_id", "3MVG9parked"),
            ("client_secret", ""),
            ("auth_base_url", ""),
        ],
    )
    .await;
    assert_eq!(body, r#""StepUpRequired""#);
    sofie.ok(&[
        "admin",
        "member",
        "add",
        "acme",
        "admin@acme.example",
        "member",
    ]);
    let (status, _) = call(
        &w,
        &admin,
        "/api/salesforce/step-up",
        &[("org", "acme"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        status, 403,
        "organization settings need an org admin at completion too"
    );
    assert!(row(&w, "org").await.is_none(), "nothing saved");
    assert_eq!(denials(&w, "organization settings").await, 1, "audited");

    // The same for a group admin who lost the group.
    let lead = signed_in(&w, "lead@acme.example").await;
    let group = w.sales.id.to_string();
    let (_, body) = call(
        &w,
        &lead,
        "/api/salesforce/save-group",
        &[
            ("org", "acme"),
            ("group_id", &group),
            ("enabled", "on"),
            ("client_id", "3MVG9parked"),
            ("client_secret", ""),
            ("auth_base_url", ""),
        ],
    )
    .await;
    assert_eq!(body, r#""StepUpRequired""#);
    sofie.ok(&[
        "admin",
        "group",
        "add",
        "acme",
        "Sales",
        "lead@acme.example",
        "member",
    ]);
    let (status, _) = call(
        &w,
        &lead,
        "/api/salesforce/step-up",
        &[("org", "acme"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        row(&w, &format!("group:{group}")).await.is_none(),
        "nothing saved"
    );
    assert_eq!(denials(&w, "group settings").await, 1, "audited");
}
