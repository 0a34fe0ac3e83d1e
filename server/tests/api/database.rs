//! The database: migrations against the entities, a stopped database, and the vault's key checks.

use domain::entities::*;
use domain::vault::Vault;
use migrations::{Migrator, MigratorTrait};
use sea_orm::EntityTrait;
use secrecy::{ExposeSecret, SecretString};
use server::startup::Application;

use crate::helpers::*;

#[tokio::test]
async fn migrations_go_down_and_up_and_match_the_entities() {
    let world = world().await;
    let db = &world.app.db;
    Migrator::down(db, None).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    // Every entity reads its (empty) table: column names and types agree with the migrations.
    user::Entity::find().all(db).await.unwrap();
    organization::Entity::find().all(db).await.unwrap();
    org_membership::Entity::find().all(db).await.unwrap();
    group::Entity::find().all(db).await.unwrap();
    group_membership::Entity::find().all(db).await.unwrap();
    session::Entity::find().all(db).await.unwrap();
    audit_event::Entity::find().all(db).await.unwrap();
    vault_key::Entity::find().all(db).await.unwrap();
    integration_setting::Entity::find().all(db).await.unwrap();
    change_policy::Entity::find().all(db).await.unwrap();
    proposal::Entity::find().all(db).await.unwrap();
    access_token::Entity::find().all(db).await.unwrap();
    auth_throttle::Entity::find().all(db).await.unwrap();
    oauth_attempt::Entity::find().all(db).await.unwrap();
    connection::Entity::find().all(db).await.unwrap();
}

#[tokio::test]
async fn readiness_needs_the_latest_schema_and_a_database_that_answers() {
    let world = world().await;
    let app = &world.app;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    // One migration rolled back: the schema is behind this build.
    Migrator::down(&app.db, Some(1)).await.unwrap();
    let behind = app.get("/readyz").await;
    assert_eq!(behind.status(), 503);
    let body = behind.text().await.unwrap();
    let newest = Migrator::migrations().last().unwrap().name().to_owned();
    assert!(
        body.contains("the schema is 1 migration(s) behind") && body.contains(&newest),
        "{body}"
    );
    Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(app.get("/readyz").await.status(), 200);

    app.db.close_by_ref().await.unwrap();
    let down = app.get("/readyz").await;
    assert_eq!(down.status(), 503);
    assert_eq!(
        down.text().await.unwrap(),
        "not ready: the database does not answer\n"
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "alive all the same"
    );
}

#[tokio::test]
async fn a_stopped_database_gives_a_503_page_not_a_crash() {
    let world = world().await;
    let app = &world.app;
    app.login("mia@acme.example").await;
    app.db.close_by_ref().await.unwrap();
    let page = app.get("/o/acme/integrations").await;
    assert_eq!(page.status(), 503);
    let body = page.text().await.unwrap();
    assert!(body.contains("Temporarily unavailable"), "{body}");
    let login = app
        .login_with(&browser(), "mia@acme.example", PASSWORD)
        .await;
    assert!(
        location(&login).contains("__err"),
        "sign-in reports the outage instead of crashing"
    );
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "the process keeps serving"
    );
}

#[tokio::test]
async fn the_server_refuses_a_changed_or_missing_key() {
    let database_url = fresh_database_url().await;
    let first = Vault::generate_key_ring();
    spawn_app_on(&database_url, &first).await;

    let changed = Vault::generate_key_ring();
    let err = Application::build(&settings(&database_url, &changed))
        .await
        .err()
        .expect("a changed key is refused");
    assert!(err.to_string().contains("key was changed"), "{err}");

    let rotated_only = SecretString::from(
        Vault::generate_key_ring()
            .expose_secret()
            .replacen("1:", "2:", 1),
    );
    let err = Application::build(&settings(&database_url, &rotated_only))
        .await
        .err()
        .expect("a missing key is refused");
    assert!(err.to_string().contains("missing"), "{err}");

    let both = SecretString::from(format!(
        "{},{}",
        first.expose_secret(),
        rotated_only.expose_secret()
    ));
    Application::build(&settings(&database_url, &both))
        .await
        .expect("old and new keys together start");

    let err = Application::build(&settings(&database_url, &SecretString::from("1:short")))
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("malformed"), "{err}");
}

#[tokio::test]
async fn postgres_without_keys_is_refused() {
    let mut settings = settings(
        "postgres://postgres@127.0.0.1:5432/test",
        &Vault::generate_key_ring(),
    );
    settings.secret_keys = None;
    let err = Application::build(&settings).await.err().unwrap();
    assert!(
        err.to_string().contains("SOFIE_SECRET_KEYS is required"),
        "{err}"
    );
}
