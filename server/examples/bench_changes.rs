//! Figures for prepared changes (issue 10), printed as ratios in one run (a benchmark, not a
//! test): approve-to-done of an update through a `sofie serve` process (the form post that
//! claims the proposal, re-reads the record, writes it and stores the outcome) against the same
//! update sent straight to the simulator with the same token.
//!
//! Usage: `bench_changes PATH/TO/sofie` (scripts/bench-changes.sh builds both).

// Shared with the other benchmarks, which use the rest of it.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::header::{ACCEPT, ORIGIN};
use salesforce_sim::SimConfig;
use serde_json::{Map, json};

const SAMPLES: usize = 200;

#[tokio::main]
async fn main() {
    let sofie = std::env::args()
        .nth(1)
        .expect("usage: bench_changes PATH/TO/sofie");
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let keys = domain::vault::Vault::generate_key_ring();
    let file = std::env::temp_dir().join(format!("sofie-bench-changes-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let config = settings(&sqlite, &keys, &sim.urls, port);
    let server = serve(&sofie, &config).await;
    let user = seed(&config).await;
    let (db, vault, _, connections) = services(&config).await;
    let org = domain::access::memberships(&db, user.id).await.unwrap()[0]
        .0
        .clone();
    let workspace = domain::workspace::Workspace::new(connections.clone(), config.workspace());
    domain::changes::Changes::new(db.clone(), workspace, vault.clone(), config.changes())
        .set_policy_as_operator(
            &org,
            domain::changes::PolicyForm {
                enabled: true,
                actions: vec!["update".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let client = browser();
    sign_in(&client, &server.url).await;
    connect(&client, &server.url).await;
    let direct = direct_client(&db, &vault, &connections.http).await;
    let first = direct
        .query("SELECT Id FROM Account ORDER BY Name LIMIT 2")
        .await
        .unwrap();
    let (ours, theirs) = (
        first.records[0].id().unwrap(),
        first.records[1].id().unwrap(),
    );

    let post = |path: String, form: Vec<(&'static str, String)>| {
        let (client, url) = (client.clone(), format!("{}{path}", server.url));
        async move {
            client
                .post(&url)
                .header(ACCEPT, "text/html")
                .header(ORIGIN, url.split("/o/").next().unwrap())
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let (mut through, mut straight) = (Vec::new(), Vec::new());
    for i in 0..SAMPLES {
        let phone = format!("+1 555 {i:04}");
        let prepared = post(
            "/o/acme/salesforce/changes/prepare".into(),
            vec![
                ("object", "Account".into()),
                ("action", "update".into()),
                ("id", ours.as_str().into()),
                ("f:Phone", phone.clone()),
            ],
        )
        .await;
        let at = prepared.headers()["location"].to_str().unwrap().to_owned();
        let t = Instant::now();
        let approved = post(format!("{at}/approve"), vec![("x", String::new())]).await;
        through.push(t.elapsed());
        assert_eq!(approved.status(), 303);

        let mut fields = Map::new();
        fields.insert("Phone".into(), json!(phone));
        let t = Instant::now();
        direct.update("Account", &theirs, &fields).await.unwrap();
        straight.push(t.elapsed());
    }
    let done = sim_control(
        &sim.urls,
        reqwest::Method::GET,
        &format!("/__sim/records/{}", ours.as_str()),
        None,
    )
    .await;
    assert_eq!(
        done["Phone"],
        json!(format!("+1 555 {:04}", SAMPLES - 1)),
        "every approval was written"
    );
    println!("approve-to-done of an update ({SAMPLES} each):");
    println!(
        "  through sofie serve (claim, re-read, write, store) vs one PATCH straight to the simulator: {}",
        ratios(&mut through, &mut straight)
    );
    let total: Duration = through.iter().sum();
    println!(
        "  {:.1} approvals per second, one at a time",
        SAMPLES as f64 / total.as_secs_f64()
    );
    drop(server);
    let _ = std::fs::remove_file(&file);
}
