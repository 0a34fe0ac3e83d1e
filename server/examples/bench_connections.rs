//! Figures for people's Salesforce connections, printed as ratios in one run (a benchmark, not a
//! test): the refresh storm (500 concurrent calls on an expired access token through two `sofie`
//! processes on PostgreSQL, and one process on SQLite), one connect round trip through the
//! simulator's pages, and the calling service's overhead per call against the same call sent
//! straight to the simulator.
//!
//! Usage: `bench_connections PATH/TO/sofie` (scripts/bench-connections.sh builds both).

mod common;

use std::time::Instant;

use common::*;

use domain::vault::Vault;
use reqwest::header::ORIGIN;
use salesforce_sim::{SimConfig, SimUrls};
use sea_orm::{ConnectionTrait, Database};
use server::config::Settings;

const CALLS: usize = 500;
const SAMPLES: usize = 1000;

async fn token_calls(sim: &SimUrls) -> u64 {
    sim_control(sim, reqwest::Method::GET, "/__sim/calls", None).await["POST /services/oauth2/token"]
        .as_u64()
        .unwrap_or(0)
}

/// 500 concurrent "Check now" calls on an expired access token, spread over `servers`.
async fn storm(label: &str, sim: &SimUrls, client: &reqwest::Client, servers: &[&Server]) {
    sim_control(sim, reqwest::Method::POST, "/__sim/tokens/expire", None).await;
    sim_control(sim, reqwest::Method::DELETE, "/__sim/calls", None).await;
    let started = Instant::now();
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = client.clone();
            let url = servers[i % servers.len()].url.clone();
            tokio::spawn(async move {
                client
                    .post(format!("{url}/api/salesforce/check"))
                    .header(ORIGIN, &url)
                    .form(&[("org", "acme")])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        if matches!(call.await, Ok(Ok(200))) {
            ok += 1;
        }
    }
    let wall = started.elapsed();
    println!(
        "refresh storm, {label}: {CALLS} calls ({ok} answered 200) in {:.0} ms; refresh requests at Salesforce: {}",
        wall.as_secs_f64() * 1000.0,
        token_calls(sim).await
    );
}

/// The calling service (connection lookup, unsealing, bookkeeping) against the same call made
/// straight to the simulator with the same token.
async fn overhead(config: &Settings, user: domain::entities::user::Model) {
    let (db, vault, _, service) = services(config).await;
    let actor = bench_actor(&db, user).await;
    service.check(&actor).await.unwrap();
    let direct = direct_client(&db, &vault, &service.http).await;
    let mut through = Vec::with_capacity(SAMPLES);
    let mut straight = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        direct.limits().await.unwrap();
        straight.push(t.elapsed());
        let t = Instant::now();
        service
            .call(&actor, |up| async move { up.rest.limits().await })
            .await
            .unwrap();
        through.push(t.elapsed());
    }
    println!(
        "calling service vs direct simulator call ({SAMPLES} calls each): {}",
        ratios(&mut through, &mut straight)
    );
}

#[tokio::main]
async fn main() {
    let sofie = std::env::args()
        .nth(1)
        .expect("usage: bench_connections PATH/TO/sofie");
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let keys = Vault::generate_key_ring();

    // PostgreSQL, two processes.
    let name = format!("sofie_bench_{}", std::process::id());
    let admin = Database::connect("postgres://postgres@127.0.0.1:5432/test")
        .await
        .expect("PostgreSQL at 127.0.0.1:5432");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let pg = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let (port_a, port_b) = (free_port(), free_port());
    let (config_a, config_b) = (
        settings(&pg, &keys, &sim.urls, port_a),
        settings(&pg, &keys, &sim.urls, port_b),
    );
    for port in [port_a, port_b] {
        register_callback(&sim.urls, port).await;
    }
    let a = serve(&sofie, &config_a).await;
    let b = serve(&sofie, &config_b).await;
    let user = seed(&config_a).await;
    let client = browser();
    sign_in(&client, &a.url).await;
    let started = Instant::now();
    const ROUND_TRIPS: u32 = 20;
    for _ in 0..ROUND_TRIPS {
        connect(&client, &a.url).await;
    }
    println!(
        "connect round trip through the simulator (Connect, sign-in page, consent, callback): {:.1} ms on average over {ROUND_TRIPS}",
        started.elapsed().as_secs_f64() * 1000.0 / f64::from(ROUND_TRIPS)
    );
    storm("two processes on PostgreSQL", &sim.urls, &client, &[&a, &b]).await;
    overhead(&config_a, user).await;
    drop((a, b));
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();

    // SQLite, one process.
    let file = std::env::temp_dir().join(format!("sofie-bench-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let config = settings(&sqlite, &keys, &sim.urls, port);
    let one = serve(&sofie, &config).await;
    seed(&config).await;
    let client = browser();
    sign_in(&client, &one.url).await;
    connect(&client, &one.url).await;
    storm("one process on SQLite", &sim.urls, &client, &[&one]).await;
    drop(one);
    let _ = std::fs::remove_file(file);
}
