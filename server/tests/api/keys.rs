//! Key rotation as an operator does it, with the real binary: a standby key, promotion, rewrap,
//! retirement, and a ring without the old key. And the registry of sealed columns is complete.

use domain::entities::integration_setting;
use domain::keys::SEALED_COLUMNS;
use domain::salesforce_settings::{AppSource, ClientId, Scope, SecretChange, SettingsInput};
use domain::vault::{Aad, Vault};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use secrecy::{ExposeSecret, SecretString};

use crate::cli::Sofie;
use crate::helpers::*;

fn with_secret(secret: &str) -> SettingsInput {
    SettingsInput {
        enabled: true,
        app_source: AppSource::Organization,
        client_id: ClientId::parse("3MVG9rotate").unwrap(),
        secret: SecretChange::Replace(SecretString::from(secret.to_string())),
        auth_base_url: None,
    }
}

async fn sealed_versions(app: &TestApp) -> Vec<(i64, Option<u32>)> {
    let mut rows: Vec<_> = integration_setting::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.client_secret.as_deref().and_then(Vault::version_of)))
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn an_old_key_is_rewrapped_retired_and_left_out_of_the_ring() {
    let database_url = fresh_database_url().await;
    let k1 = Vault::generate_key_ring();
    let v1 = spawn_app_on(&database_url, &k1).await;
    let org = v1.org("Acme").await;
    let group = v1.group(&org, "Sales").await;
    v1.settings
        .save_as_operator(&org, Scope::Org, &with_secret("first secret"))
        .await
        .unwrap();

    // Key 2 arrives as standby: every instance learns it, none seals with it yet.
    let sofie = Sofie::on(&database_url, &k1);
    let k2_line = sofie.ok(&["keys", "new"]).trim().to_string();
    assert!(
        k2_line.starts_with("2:") && k2_line.ends_with(":standby"),
        "{k2_line}"
    );
    let standby = SecretString::from(format!("{},{k2_line}", k1.expose_secret()));
    let learning = spawn_app_on(&database_url, &standby).await;
    learning
        .settings
        .save_as_operator(&org, Scope::Group(group.id), &with_secret("second"))
        .await
        .unwrap();
    assert!(
        sealed_versions(&learning)
            .await
            .iter()
            .all(|(_, v)| *v == Some(1)),
        "standby does not seal"
    );

    // Promoted, key 2 seals; key 1 still opens.
    let promoted = SecretString::from(standby.expose_secret().replace(":standby", ""));
    let v2 = spawn_app_on(&database_url, &promoted).await;
    v2.settings
        .save_as_operator(&org, Scope::Group(group.id), &with_secret("third"))
        .await
        .unwrap();
    assert_eq!(
        sealed_versions(&v2)
            .await
            .iter()
            .map(|(_, v)| *v)
            .collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );

    let sofie = Sofie::on(&database_url, &promoted);
    let status = sofie.ok(&["keys", "status"]);
    assert!(
        status.contains("key 1: opens only; 1 sealed value(s)")
            && status.contains("key 2: active (seals); 1 sealed value(s)"),
        "{status}"
    );
    assert!(
        sofie
            .fails(&["keys", "retire", "1"])
            .contains("still seals 1 value(s); run `sofie keys rewrap` first")
    );
    assert!(
        sofie
            .fails(&["keys", "retire", "2"])
            .contains("is the ring's sealing key")
    );
    let key2_only = promoted
        .expose_secret()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let refused = server::startup::Application::build(&settings(
        &database_url,
        &SecretString::from(key2_only.clone()),
    ))
    .await;
    assert!(
        refused
            .err()
            .unwrap()
            .to_string()
            .contains("key version 1 sealed data"),
        "refused before retirement"
    );

    let rewrap = sofie.ok(&["keys", "rewrap", "--batch", "1"]);
    assert!(
        rewrap.contains("integration_settings.client_secret: 1 re-sealed with key 2")
            && rewrap.contains("rewrap done: 1 value(s) re-sealed"),
        "{rewrap}"
    );
    assert!(
        sofie
            .ok(&["keys", "rewrap"])
            .contains("rewrap done: 0 value(s)"),
        "resumable: nothing left"
    );
    assert!(sofie.ok(&["keys", "retire", "1"]).contains("key 1 retired"));

    // A ring without key 1 starts, and every secret still opens.
    let ring = SecretString::from(key2_only);
    let after = spawn_app_on(&database_url, &ring).await;
    let vault = Vault::from_key_ring(&ring).unwrap();
    let mut secrets = Vec::new();
    for row in integration_setting::Entity::find()
        .all(&after.db)
        .await
        .unwrap()
    {
        let sealed = row.client_secret.unwrap();
        let open = vault
            .open(
                &sealed,
                &Aad::new("integration_settings", "client_secret", row.id),
            )
            .unwrap();
        secrets.push(open.expose_secret().to_string());
    }
    secrets.sort();
    assert_eq!(secrets, ["first secret", "third"]);
}

/// Every text column of every table, as (table, column).
async fn text_columns(db: &sea_orm::DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND (p.type LIKE '%CHAR%' OR p.type LIKE '%TEXT%' OR p.type = 'text')"
        }
        _ => {
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
        }
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
            )
        })
        .collect()
}

fn looks_sealed(value: &str) -> bool {
    value.split_once(':').is_some_and(|(v, body)| {
        v.len() > 1
            && v.starts_with('v')
            && v[1..].chars().all(|c| c.is_ascii_digit())
            && body.len() >= 40
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
    })
}

#[tokio::test]
async fn every_sealed_column_is_in_the_registry() {
    let world = crate::sim::sf_world().await;
    let w = &world.w;
    // Seal through the flows that seal: a connection (its tokens, its attempt's verifier), a
    // grant for another Salesforce user held for confirmation, and an organization's and a
    // group's client secret, saved over HTTP after step-up.
    let mia = signed_in(w, "mia@acme.example").await;
    crate::sim::connect(w, &mia, crate::sim::ADMIN).await;
    let held = crate::sim::connect(w, &mia, crate::sim::STANDARD).await;
    assert!(location(&held).contains("/confirm/"));
    let admin = signed_in(w, "admin@acme.example").await;
    step_up(w, &admin).await;
    // Support's override: Mia (in Sales) keeps the app her connection was made with.
    let group = w.support.id.to_string();
    for (path, fields) in [
        (
            "/api/salesforce/save-org",
            vec![
                ("org", "acme"),
                ("enabled", "on"),
                // Still Sofie's default app, so the connection stays as it is.
                ("app_source", "default"),
                ("client_id", ""),
                ("client_secret", "org-secret"),
                ("auth_base_url", ""),
            ],
        ),
        (
            "/api/salesforce/save-group",
            vec![
                ("org", "acme"),
                ("group_id", group.as_str()),
                ("enabled", "on"),
                ("client_id", "3MVG9grp"),
                ("client_secret", "group-secret"),
                ("auth_base_url", ""),
            ],
        ),
    ] {
        let (status, body) = call(w, &admin, path, &fields).await;
        assert!(status == 200 && body.contains("Saved"), "{body}");
    }
    let mut found = Vec::new();
    for (table, column) in text_columns(&w.app.db).await {
        let backend = w.app.db.get_database_backend();
        let sql = format!(r#"SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL"#);
        for row in w
            .app
            .db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            let value: String = row.try_get_by_index(0).unwrap();
            if looks_sealed(&value) && !(table == "vault_keys" && column == "check") {
                found.push((table.clone(), column.clone()));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(!found.is_empty(), "the flows sealed something");
    for (table, column) in &found {
        assert!(
            SEALED_COLUMNS
                .iter()
                .any(|c| c.table == table && c.column == column),
            "{table}.{column} holds sealed text but is missing from domain::keys::SEALED_COLUMNS"
        );
    }
    for column in SEALED_COLUMNS {
        assert!(
            found
                .iter()
                .any(|(t, c)| t == column.table && c == column.column),
            "{column:?} was not exercised"
        );
    }
}
