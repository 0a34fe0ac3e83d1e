//! Two server instances on one database behind one address, as a load balancer runs them: each
//! has its own pool and its own in-memory caches, and a round-robin proxy opens a new connection
//! per request, so one person's consecutive requests alternate between them. Signing in, the
//! sign-in throttle, step-up, a pending Connect, the describe cache and an approval work
//! whichever instance answers.

use std::sync::{Arc, Mutex};

use salesforce_sim::SimConfig;
use tokio::net::{TcpListener, TcpStream};

use crate::changes::{decide, enable_writes_as, prepared_phone_update, proposals, writes};
use crate::helpers::*;
use crate::sim::*;

/// Forwards each connection to the next backend in turn; remembers which one took each.
async fn round_robin(listener: TcpListener, backends: Vec<String>) -> Arc<Mutex<Vec<usize>>> {
    let served = Arc::new(Mutex::new(Vec::new()));
    let log = served.clone();
    tokio::spawn(async move {
        let mut next = 0;
        while let Ok((mut client, _)) = listener.accept().await {
            let index = next % backends.len();
            next += 1;
            log.lock().unwrap().push(index);
            let backend = backends[index].clone();
            tokio::spawn(async move {
                if let Ok(mut server) = TcpStream::connect(&backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    served
}

/// A browser that opens a new connection for every request, so the proxy alternates it.
fn alternating_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// Which instance answered each request since `from`.
fn answered_by(served: &Mutex<Vec<usize>>, from: usize) -> Vec<usize> {
    served.lock().unwrap()[from..].to_vec()
}

fn requests_so_far(served: &Mutex<Vec<usize>>) -> usize {
    served.lock().unwrap().len()
}

struct Pair {
    sw: SfWorld,
    served: Arc<Mutex<Vec<usize>>>,
}

async fn two_instances() -> Pair {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = format!("http://{}", listener.local_addr().unwrap());
    let database_url = fresh_database_url().await;
    let keys = domain::vault::Vault::generate_key_ring();
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let mut config = sim_settings(&database_url, &keys, &sim);
    config.public_origins = vec![url::Url::parse(&front).unwrap()];
    // Long-lived describes, so a stale one on the other instance would show.
    config.describe_max_age_secs = 3600;
    let first = spawn_with(&config).await;
    let second = spawn_with(&config).await;
    let backends = [&first, &second]
        .iter()
        .map(|app| app.address.trim_start_matches("http://").to_string())
        .collect();
    let served = round_robin(listener, backends).await;
    register_callback(&sim, &front).await;
    // The tests' helpers address the world's app: here, the proxy in front of both.
    let w = world_on(TestApp {
        address: front,
        ..first
    })
    .await;
    let sw = SfWorld { w, sim };
    sw.use_app("default", "").await;
    Pair { sw, served }
}

#[tokio::test]
async fn one_person_is_served_alike_by_either_of_two_instances() {
    let Pair { sw, served } = two_instances().await;
    let w = &sw.w;

    // The session made by one instance is read by the other.
    let mia = alternating_browser();
    let start = requests_so_far(&served);
    assert_eq!(
        w.app
            .login_with(&mia, "mia@acme.example", PASSWORD)
            .await
            .status(),
        303
    );
    let mine = page(w, &mia, MY_INTEGRATIONS).await;
    assert!(mine.contains("Not connected"), "{mine}");
    assert_eq!(answered_by(&served, start), [0, 1]);

    // Failed sign-ins counted by both instances add up to one throttle.
    for _ in 0..5 {
        let r = w
            .app
            .login_with(&browser(), "lead@acme.example", "wrong password!")
            .await;
        assert!(location(&r).contains("__err"));
    }
    let blocked = w
        .app
        .login_with(&browser(), "lead@acme.example", PASSWORD)
        .await;
    assert!(
        location(&blocked).contains("__err"),
        "the sixth try waits, whichever instance it reaches"
    );

    // Connect pressed on one instance; Salesforce's return lands on the other.
    let start = requests_so_far(&served);
    let authorize = press_connect(w, &mia, None).await;
    let callback = at_salesforce(&authorize, ADMIN, true).await;
    let back = arrive(w, &mia, &callback).await;
    assert_eq!(
        location(&back),
        MY_INTEGRATIONS,
        "the pending Connect is found"
    );
    let served_connect = answered_by(&served, start);
    assert_ne!(served_connect[0], served_connect[1]);
    assert!(
        page(w, &mia, MY_INTEGRATIONS)
            .await
            .contains("Connected as admin@acme.sim")
    );

    // Both instances cache Account's describe as the administrator sees it.
    let account = "/o/acme/salesforce/objects/Account";
    for _ in 0..2 {
        assert!(page(w, &mia, account).await.contains("AnnualRevenue"));
    }

    // Step-up confirmed on one instance counts on the other; the policy saved there.
    let admin = alternating_browser();
    assert_eq!(
        w.app
            .login_with(&admin, "admin@acme.example", PASSWORD)
            .await
            .status(),
        303
    );
    enable_writes_as(w, &admin, &["update"], "").await;

    // A change prepared on one instance, approved on the other, is written once.
    let before = writes(&sw.sim).await;
    let accounts = crate::changes::sim_records(&sw.sim, "Account").await;
    let id = prepared_phone_update(&sw, &mia, &accounts[0], "+1 555 0100").await;
    assert_eq!(decide(w, &mia, id, "approve", &[]).await, 303);
    assert_eq!(
        decide(w, &mia, id, "approve", &[]).await,
        303,
        "a second press does nothing"
    );
    assert_eq!(writes(&sw.sim).await - before, 1);
    assert_eq!(proposals(w).await[0].state, "executed");

    // Reconnected as a standard user, the replacement asked and confirmed across the pair:
    // neither instance shows the administrator's describe again. Each reads the connection
    // afresh within two seconds (its token cache's bound), and the new Salesforce user's
    // describes are never the old ones.
    let other = connect(w, &mia, STANDARD).await;
    let confirm = location(&other);
    assert!(page(w, &mia, &confirm).await.contains("standard@acme.sim"));
    let replaced = decide_identity(w, &mia, &confirm, "replace").await;
    assert_eq!(replaced.status(), 303);
    assert_eq!(
        the_connection(w).await.unwrap().sf_username,
        "standard@acme.sim"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    for _ in 0..2 {
        let described = page(w, &mia, account).await;
        assert!(!described.contains("AnnualRevenue"), "{described}");
    }

    let all = answered_by(&served, 0);
    assert!(
        all.iter().filter(|&&i| i == 0).count() >= 10
            && all.iter().filter(|&&i| i == 1).count() >= 10,
        "both instances served: {all:?}"
    );
}
