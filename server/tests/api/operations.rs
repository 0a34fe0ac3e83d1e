//! What an operator relies on: readiness after upgrades (`sofie migrate --check`), backups while
//! the server runs, a stop that lets in-flight requests finish within a bounded grace, and an
//! allocator that gives memory back.

use std::time::{Duration, Instant};

use migrations::{Migrator, MigratorTrait};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cli::Sofie;
use crate::helpers::*;

#[tokio::test]
async fn migrate_check_changes_nothing_and_says_what_is_pending() {
    let sofie = Sofie::new().await;
    let pending = sofie.fails(&["migrate", "--check"]);
    assert!(
        pending.contains("the schema is")
            && pending.contains("migration(s) behind: m20261128_000001_accounts"),
        "{pending}"
    );
    assert!(sofie.ok(&["migrate"]).contains("up to date"));
    assert!(sofie.ok(&["migrate", "--check"]).contains("up to date"));
    let db = domain::db::connect(sofie.database_url()).await.unwrap();
    Migrator::down(&db, Some(1)).await.unwrap();
    assert!(
        sofie
            .fails(&["migrate", "--check"])
            .contains("1 migration(s) behind")
    );
}

#[tokio::test]
async fn a_backup_is_taken_while_the_server_serves_and_holds_the_data() {
    let world = world().await;
    let app = &world.app;
    app.login("mia@acme.example").await;
    let sofie = Sofie::on(&app.database_url, &app.keys);
    let dir = std::env::temp_dir().join(format!("sofie-backup-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sofie.db");
    let file = file.to_str().unwrap();
    if !app.database_url.starts_with("sqlite") {
        let refused = sofie.fails(&["backup", file]);
        assert!(
            refused.contains("back up PostgreSQL with pg_dump"),
            "{refused}"
        );
        return;
    }
    // Requests go on during the backup.
    let during = app.get("/o/acme/integrations");
    let (out, page) = tokio::join!(async { sofie.ok(&["backup", file]) }, during);
    assert!(out.contains("backed up to"), "{out}");
    assert_eq!(page.status(), 200);
    let copy = domain::db::connect(&format!("sqlite://{file}?mode=rw"))
        .await
        .unwrap();
    domain::db::readiness(&copy).await.unwrap();
    use sea_orm::{EntityTrait, PaginatorTrait};
    let users = domain::entities::user::Entity::find()
        .count(&copy)
        .await
        .unwrap();
    assert!(users >= 3, "{users} users in the copy");
    assert!(
        sofie
            .fails(&["backup", file])
            .contains("exists; choose a new file"),
        "no backup is overwritten"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts a form post whose body arrives in two parts; returns the connection after the first.
async fn half_sent_post(address: &str) -> tokio::net::TcpStream {
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /o/acme/salesforce/changes/prepare HTTP/1.1\r\nHost: {host}\r\nOrigin: {address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 28\r\n\r\nobject=Account&"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_then_the_process_exits() {
    let world = world().await;
    let grace = [("SOFIE_SHUTDOWN_GRACE_SECS", "10".to_owned())];
    let mut server = serve(&world.app.database_url, &world.app.keys, &grace).await;
    let mut slow = half_sent_post(&server.address).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The request is still in flight: its body arrives after the signal, and it is answered.
    slow.write_all(b"action=update").await.unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 ") && !answer.starts_with("HTTP/1.1 5"),
        "{answer}"
    );
    let exited = server.exit_within(Duration::from_secs(5)).await;
    assert!(exited.is_some_and(|s| s.success()), "{exited:?}");
}

#[tokio::test]
async fn a_request_that_never_finishes_holds_the_stop_only_for_the_grace_period() {
    let world = world().await;
    let grace = [("SOFIE_SHUTDOWN_GRACE_SECS", "1".to_owned())];
    let mut server = serve(&world.app.database_url, &world.app.keys, &grace).await;
    let _stuck = half_sent_post(&server.address).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopped = Instant::now();
    server.terminate();
    let exited = server.exit_within(Duration::from_secs(8)).await;
    assert!(exited.is_some_and(|s| s.success()), "{exited:?}");
    let took = stopped.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "waited for the grace: {took:?}"
    );
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_route_and_never_a_secret() {
    let world = world().await;
    let dir = std::env::temp_dir().join(format!("sofie-log-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sofie.log");
    let env = [
        ("SOFIE_LOG_FORMAT", "json".to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ];
    let log = std::fs::File::create(&path).unwrap();
    let mut server =
        serve_logging(&world.app.database_url, &world.app.keys, &env, log.into()).await;
    let client = reqwest::Client::new();
    let proxied = client
        .get(format!("{}/login?code=QUERYSENTINEL42", server.address))
        .header("x-request-id", "proxy-id-42")
        .header("cookie", "sofie=COOKIESENTINEL42")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.headers()["x-request-id"], "proxy-id-42");
    // An id that is not a plain token is replaced, so nothing a client sends reaches the log.
    let forged = client
        .get(format!("{}/o/acme/integrations", server.address))
        .header("x-request-id", "a\"b INJECTEDSENTINEL42")
        .header("authorization", "Bearer AUTHSENTINEL42")
        .send()
        .await
        .unwrap();
    let made = forged.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(made.len(), 16, "{made}");
    server.terminate();
    server
        .exit_within(Duration::from_secs(5))
        .await
        .expect("stopped");

    let logs = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let request = |id: &str| {
        lines
            .iter()
            .find(|l| l["message"] == "request" && l["request_id"] == id)
            .unwrap_or_else(|| panic!("a request line for {id}: {logs}"))
    };
    let login = request("proxy-id-42");
    assert_eq!(
        (&login["route"], &login["path"], &login["status"]),
        (&"/login".into(), &"/login".into(), &200.into())
    );
    assert!(login["millis"].is_number());
    let page = request(&made);
    assert_eq!(page["route"], "/o/{org}/integrations");
    for secret in [
        "QUERYSENTINEL42",
        "COOKIESENTINEL42",
        "AUTHSENTINEL42",
        "INJECTEDSENTINEL42",
    ] {
        assert!(!logs.contains(secret), "the log holds {secret}: {logs}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_server_runs_with_its_allocator_settings_unless_the_operator_chose_others() {
    let world = world().await;
    let (db, keys) = (&world.app.database_url, &world.app.keys);
    let ours = serve(db, keys, &[]).await;
    let environment = ours.environment();
    for setting in ["MIMALLOC_ARENA_EAGER_COMMIT=0", "MIMALLOC_PURGE_DELAY=0"] {
        assert!(
            environment.iter().any(|v| v == setting),
            "{setting} missing from {environment:?}"
        );
    }
    drop(ours);
    let theirs = serve(db, keys, &[("MIMALLOC_PURGE_DELAY", "250".to_owned())]).await;
    let environment = theirs.environment();
    assert!(environment.iter().any(|v| v == "MIMALLOC_PURGE_DELAY=250"));
    assert!(
        !environment
            .iter()
            .any(|v| v.starts_with("MIMALLOC_ARENA_EAGER_COMMIT=")),
        "an operator's own allocator setting leaves the others at mimalloc's defaults"
    );
}
