//! Connections across people and processes: what admins see and may do, the refresh storm
//! through two servers, tokens that never leak, and offboarding.

use reqwest::Method;

use crate::helpers::*;
use crate::sim::*;

#[tokio::test]
async fn admins_see_connections_members_do_not_and_other_organizations_ids_are_not_found() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let admin = signed_in(w, "admin@acme.example").await;
    let org_page = page(w, &admin, "/o/acme/settings/integrations/salesforce").await;
    assert!(
        org_page.contains("Mia Member") && org_page.contains("admin@acme.sim"),
        "{org_page}"
    );
    let lead = signed_in(w, "lead@acme.example").await;
    let group_page = page(w, &lead, &format!("/o/acme/groups/{}/settings", w.sales.id)).await;
    assert!(
        group_page.contains("Mia Member") && group_page.contains("admin@acme.sim"),
        "their group's member"
    );
    assert_eq!(
        w.app
            .get_with(&mia, "/o/acme/settings/integrations/salesforce")
            .await
            .status(),
        403
    );

    let id = the_connection(w).await.unwrap().id.to_string();
    let boss = signed_in(w, "boss@globex.example").await;
    let (status, _) = call(
        w,
        &boss,
        "/api/salesforce/admin-disconnect",
        &[
            ("org", "globex"),
            ("connection_id", &id),
            ("reason", "mine now"),
        ],
    )
    .await;
    assert_eq!(status, 404, "another organization's connection id");
    let (status, _) = call(
        w,
        &lead,
        "/api/salesforce/admin-disconnect",
        &[("org", "acme"), ("connection_id", &id), ("reason", "x")],
    )
    .await;
    assert_eq!(status, 403, "only org admins disconnect others");
    let (status, _) = call(
        w,
        &admin,
        "/api/salesforce/admin-disconnect",
        &[
            ("org", "acme"),
            ("connection_id", &id),
            ("reason", "left the team"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(the_connection(w).await.unwrap().status, "disconnected");
}

/// The refresh storm: 500 concurrent calls on an expired access token through `sofie serve`
/// processes that share only the database (two on PostgreSQL, one on the embedded SQLite) make
/// exactly one refresh request at Salesforce.
#[tokio::test]
async fn five_hundred_calls_on_an_expired_token_refresh_once() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let urls = &world.sim.urls;
    let env = [
        ("SOFIE_SALESFORCE_DEV_ORIGINS", urls.dev_origins().join(",")),
        ("SOFIE_SALESFORCE_CLIENT_ID", "sofie-sim-client".to_string()),
        (
            "SOFIE_SALESFORCE_CLIENT_SECRET",
            "sofie-sim-secret".to_string(),
        ),
        (
            "SOFIE_SALESFORCE_AUTH_BASE_URL",
            urls.login_production.clone(),
        ),
    ];
    let processes = if postgres_base().is_some() { 2 } else { 1 };
    let mut servers = Vec::new();
    for _ in 0..processes {
        servers.push(serve(&w.app.database_url, &w.app.keys, &env).await);
    }
    control(&world.sim, Method::POST, "/__sim/tokens/expire", None).await;
    clear_calls(&world.sim).await;
    let calls: Vec<_> = (0..500)
        .map(|i| {
            // The session cookie is the same on every process (sessions live in the database).
            let client = mia.clone();
            let address = servers[i % servers.len()].address.clone();
            tokio::spawn(async move {
                client
                    .post(format!("{address}/api/salesforce/check"))
                    .header("origin", &address)
                    .form(&[("org", "acme")])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    let failed = statuses.iter().filter(|&&s| s != 200).count();
    assert_eq!(failed, 0, "{failed} of 500 calls failed");
    assert_eq!(
        token_calls(&world.sim).await,
        1,
        "exactly one refresh request from {processes} process(es)"
    );
}

#[tokio::test]
async fn tokens_appear_in_no_page_response_log_or_unsealed_column() {
    use sea_orm::{ConnectionTrait, Statement};
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    press(w, &mia, "/api/salesforce/check").await;
    let row = the_connection(w).await.unwrap();
    let vault = domain::vault::Vault::from_key_ring(&w.app.keys).unwrap();
    let access = vault
        .open(
            &row.access_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "access_token", row.id),
        )
        .unwrap();
    let refresh = vault
        .open(
            &row.refresh_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "refresh_token", row.id),
        )
        .unwrap();
    let secrets = [
        secrecy::ExposeSecret::expose_secret(&access).to_string(),
        secrecy::ExposeSecret::expose_secret(&refresh).to_string(),
    ];
    let mut seen = vec![page(w, &mia, MY_INTEGRATIONS).await];
    let admin = signed_in(w, "admin@acme.example").await;
    seen.push(page(w, &admin, "/o/acme/settings/integrations/salesforce").await);
    for path in [
        "/api/salesforce/my-integrations",
        "/api/salesforce/org-settings",
    ] {
        seen.push(call(w, &admin, path, &[("org", "acme")]).await.1);
        seen.push(call(w, &mia, path, &[("org", "acme")]).await.1);
    }
    seen.push(captured_logs());
    let backend = w.app.db.get_database_backend();
    for table in ["connections", "oauth_attempts", "audit_events", "sessions"] {
        for db_row in w
            .app
            .db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT * FROM {table}"),
            ))
            .await
            .unwrap()
        {
            seen.push(format!("{db_row:?}"));
        }
    }
    for text in &seen {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a token leaked");
        }
    }
}

// The CLI runs as a child process and blocks this thread; the simulator it calls must keep
// serving on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_revokes_the_grant_at_salesforce() {
    let world = sf_world().await;
    let w = &world.w;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let row = the_connection(w).await.unwrap();
    let vault = domain::vault::Vault::from_key_ring(&w.app.keys).unwrap();
    let refresh = vault
        .open(
            &row.refresh_token.clone().unwrap(),
            &domain::vault::Aad::new("connections", "refresh_token", row.id),
        )
        .unwrap();
    let urls = &world.sim.urls;
    let dev_origins = [
        &urls.login_production,
        &urls.login_sandbox,
        &urls.login_mydomain,
    ]
    .into_iter()
    .chain(&urls.instances)
    .cloned()
    .collect::<Vec<_>>()
    .join(",");
    let sofie = crate::cli::Sofie::on(&w.app.database_url, &w.app.keys)
        .env("SOFIE_SALESFORCE_DEV_ORIGINS", &dev_origins);
    let said = sofie.ok(&["admin", "member", "remove", "acme", "mia@acme.example"]);
    assert!(
        said.contains("disconnected 1 Salesforce connection(s)"),
        "{said}"
    );
    let row = the_connection(w).await.unwrap();
    assert!(row.status == "disconnected" && row.refresh_token.is_none());
    // The refresh token no longer works at Salesforce.
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/services/oauth2/token",
            world.sim.urls.login_production
        ))
        .form(&[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                secrecy::ExposeSecret::expose_secret(&refresh),
            ),
            ("client_id", "sofie-sim-client"),
            ("client_secret", "sofie-sim-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
}
