//! The database failing under a running server: PostgreSQL going away and coming back (through a
//! TCP proxy the test breaks and restores, so it is a test and not a manual step), and a full
//! SQLite database. People see a page that says what happened; nothing saved is lost and nothing
//! half-saved is left.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::entities::access_token;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

use crate::helpers::*;

const MINE: &str = "/o/acme/integrations";

/// A TCP proxy to PostgreSQL that can be cut: cutting drops every open connection (as a
/// restarting server does) and refuses new ones until it is restored.
struct Cable {
    address: SocketAddr,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Cable {
    async fn to(target: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (is_up, live) = (up.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !is_up.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                live.lock().unwrap().push(task.abort_handle());
            }
        });
        Cable { address, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.open.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn make_token(w: &World, client: &reqwest::Client, name: &str) -> reqwest::Response {
    w.app
        .post_form(
            client,
            "/api/tokens/create",
            MINE,
            &[
                ("org", "acme"),
                ("name", name),
                ("scopes[]", "salesforce:read"),
                ("days", "30"),
            ],
        )
        .await
}

async fn tokens(w: &World) -> u64 {
    access_token::Entity::find().count(&w.app.db).await.unwrap()
}

#[tokio::test]
async fn a_postgres_outage_answers_503_and_the_server_recovers_by_itself() {
    let Some(base) = postgres_base() else {
        eprintln!("PostgreSQL only: the suite's PostgreSQL run covers this");
        return;
    };
    let database_url = fresh_database_url().await;
    let cable = Cable::to("127.0.0.1:5432").await;
    let through_cable = database_url.replacen(
        base.trim_start_matches("postgres://")
            .split_once('@')
            .map_or("127.0.0.1:5432", |(_, host)| host),
        &cable.address.to_string(),
        1,
    );
    assert_ne!(
        through_cable, database_url,
        "the server connects through the cable"
    );
    let w =
        world_on(spawn_app_on(&through_cable, &domain::vault::Vault::generate_key_ring()).await)
            .await;
    let mia = signed_in(&w, "mia@acme.example").await;
    assert_eq!(make_token(&w, &mia, "before").await.status(), 303);
    assert_eq!(tokens(&w).await, 1);

    cable.cut();
    let during = w.app.get_with(&mia, MINE).await;
    assert_eq!(during.status(), 503);
    let body = during.text().await.unwrap();
    assert!(
        body.contains("Temporarily unavailable") && body.contains("cannot reach its database"),
        "{body}"
    );
    assert_eq!(w.app.get("/readyz").await.status(), 503);
    let refused = make_token(&w, &mia, "during").await;
    assert!(
        refused.status() == 503 || location(&refused).contains("__err"),
        "a form sent during the outage is refused: {}",
        refused.status()
    );
    assert_eq!(
        w.app.get("/healthz").await.status(),
        200,
        "the process keeps serving"
    );

    cable.restore();
    let mut ready = false;
    for _ in 0..50 {
        if w.app.get("/readyz").await.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ready, "ready again without a restart");
    let after = page(&w, &mia, MINE).await;
    assert!(
        after.contains("before"),
        "the session and what was saved survived: {after}"
    );
    assert_eq!(
        tokens(&w).await,
        1,
        "nothing was half-saved during the outage"
    );
    assert_eq!(make_token(&w, &mia, "after").await.status(), 303);
    assert_eq!(tokens(&w).await, 2);
}

#[tokio::test]
async fn a_full_sqlite_database_says_so_and_keeps_what_it_has() {
    if postgres_base().is_some() {
        eprintln!("SQLite only: the suite's SQLite run covers this");
        return;
    }
    let w = world().await;
    let mia = signed_in(&w, "mia@acme.example").await;
    assert_eq!(make_token(&w, &mia, "kept").await.status(), 303);

    // The file may not grow: every pooled connection is held to today's page count.
    let pool = w.app.db.get_sqlite_connection_pool();
    let mut held = Vec::new();
    while held.len() < pool.options().get_max_connections() as usize {
        held.push(pool.acquire().await.unwrap());
    }
    for connection in &mut held {
        let pages: i64 = sea_orm::sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut **connection)
            .await
            .unwrap();
        // A number the database gave: nothing outside goes into this statement.
        sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {pages}"
        )))
        .execute(&mut **connection)
        .await
        .unwrap();
    }
    drop(held);

    // Write until the file is full; the first refusal names the cause.
    let name = "x".repeat(60);
    let mut refusal = None;
    for _ in 0..400 {
        let made = make_token(&w, &mia, &name).await;
        if made.status() != 303 {
            refusal = Some(made);
            break;
        }
    }
    let refusal = refusal.expect("the database filled up");
    // A plain form goes back to its page, which shows the reason.
    let shown = if refusal.status() == 302 {
        let back = location(&refusal);
        page(&w, &mia, back.trim_start_matches(&w.app.address)).await
    } else {
        refusal.text().await.unwrap()
    };
    assert!(
        shown.contains("database is full, so this was not saved"),
        "{shown}"
    );
    let listing = page(&w, &mia, MINE).await;
    assert!(
        listing.contains("kept"),
        "what was saved is still there and pages open"
    );
    w.app
        .db
        .execute_unprepared("PRAGMA quick_check")
        .await
        .unwrap();
}
