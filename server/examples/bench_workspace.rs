//! Figures for the Salesforce workspace (issue 9), printed as ratios in one run (a benchmark,
//! not a test): each operation through Sofie's domain layer (what the pages and the assistant
//! tools call) against the same request sent straight to the simulator with the same token;
//! one page through a `sofie` process; a repeated describe of every object; and the describe
//! cache's memory for 50 objects × 100 connections.
//!
//! Usage: `bench_workspace PATH/TO/sofie` (scripts/bench-workspace.sh builds both).

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::*;
use domain::connections::ConnectionRef;
use domain::vault::Vault;
use domain::workspace::{DescribeCache, SearchRequest, Workspace, WorkspaceConfig};
use salesforce::rest::{Conditional, SObjectDescribe};
use salesforce::sosl::{Returning, Search};
use salesforce_sim::{SimConfig, SimUrls};

const SAMPLES: usize = 300;
const QUERY: &str = "SELECT Id, Name, Industry, Owner.Name FROM Account ORDER BY Name LIMIT 200";

/// Runs `sofie` and `direct` alternately `SAMPLES` times and prints medians, p99s and ratios.
async fn compare<A, B, FA, FB>(label: &str, mut sofie: A, mut direct: B)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = ()>,
    FB: Future<Output = ()>,
{
    let (mut through, mut straight) = (Vec::new(), Vec::new());
    for _ in 0..SAMPLES {
        let t = Instant::now();
        direct().await;
        straight.push(t.elapsed());
        let t = Instant::now();
        sofie().await;
        through.push(t.elapsed());
    }
    println!("{label:<34} {}", ratios(&mut through, &mut straight));
}

async fn describe_calls(sim: &SimUrls) -> (u64, u64) {
    let calls = sim_control(sim, reqwest::Method::GET, "/__sim/calls", None).await;
    let route = "GET /services/data/{version}/sobjects/{name}/describe";
    let count = |status: &str| calls[format!("{route} {status}")].as_u64().unwrap_or(0);
    (count("200"), count("304"))
}

/// Every object twice, on a workspace that revalidates each describe (`max_age`).
async fn repeat_describe(
    sim: &SimUrls,
    workspace: &Workspace,
    actor: &domain::access::Actor,
    max_age: Duration,
) {
    let names: Vec<String> = workspace
        .list_objects(actor)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.queryable)
        .map(|o| o.name)
        .collect();
    let mut passes = Vec::new();
    for _ in 0..2 {
        sim_control(sim, reqwest::Method::DELETE, "/__sim/calls", None).await;
        let t = Instant::now();
        for name in &names {
            workspace.describe(actor, name).await.unwrap();
        }
        passes.push((t.elapsed(), describe_calls(sim).await));
    }
    let ((first, _), (second, (full, revalidated))) = (passes[0], passes[1]);
    println!(
        "describe all {} objects twice, revalidating after {:?}: second pass {full} full describes, {revalidated} answered 304, {:.1} ms vs first pass {:.1} ms (ratio {:.2})",
        names.len(),
        max_age,
        second.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3,
        second.as_secs_f64() / first.as_secs_f64()
    );
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// 50 objects × 100 connections of Salesforce's own Account describe (the recorded payload).
fn cache_memory() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/salesforce/fixtures/rest/describe_account.cumulusci.json"
    );
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture).expect("the recorded Account describe"),
    )
    .unwrap();
    let account: SObjectDescribe =
        serde_json::from_value(raw.get("body").cloned().unwrap_or(raw)).unwrap();
    let before = resident_bytes();
    let cache = DescribeCache::new(Duration::from_secs(300), 4 << 30);
    for connection in 0..100 {
        let c = ConnectionRef {
            id: connection,
            generation: 0,
            sf_org_id: "00D000000000001AAA".into(),
            sf_user_id: format!("005{connection:015}"),
        };
        for object in 0..50 {
            let mut describe = account.clone();
            describe.name = format!("Object_{object}__c");
            let answer = Conditional::Modified {
                value: describe,
                last_modified: None,
            };
            cache.settle_object(&c, &format!("Object_{object}__c"), answer, None);
        }
    }
    let stats = cache.stats();
    println!(
        "describe cache, 50 objects × 100 connections (each the recorded {} KB Account describe): {} entries, {:.1} MB counted, {:.1} MB resident growth",
        serde_json::to_vec(&account).unwrap().len() / 1024,
        stats.entries,
        stats.bytes as f64 / 1e6,
        resident_bytes().saturating_sub(before) as f64 / 1e6
    );
}

#[tokio::main]
async fn main() {
    let sofie = std::env::args()
        .nth(1)
        .expect("usage: bench_workspace PATH/TO/sofie");
    cache_memory();
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let keys = Vault::generate_key_ring();
    let file =
        std::env::temp_dir().join(format!("sofie-bench-workspace-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let config = settings(&sqlite, &keys, &sim.urls, port);
    let server = serve(&sofie, &config).await;
    let user = seed(&config).await;
    let client = browser();
    sign_in(&client, &server.url).await;
    connect(&client, &server.url).await;

    let (db, vault, _, connections) = services(&config).await;
    let workspace = Workspace::new(connections.clone(), config.workspace());
    let actor = bench_actor(&db, user).await;
    let direct = direct_client(&db, &vault, &connections.http).await;
    let first = direct
        .query("SELECT Id FROM Account ORDER BY Name LIMIT 1")
        .await
        .unwrap();
    let id = first.records[0].id().unwrap();
    let sosl = Search::new("Globex")
        .returning(Returning::new("Account").fields(["Id", "Name"]).limit(25))
        .build()
        .unwrap();
    let search = SearchRequest {
        term: "Globex".into(),
        objects: vec!["Account".into()],
        fields: vec![],
    };

    println!(
        "through Sofie's domain layer vs straight to the simulator ({SAMPLES} each, describes cached for 300 s):"
    );
    compare(
        "list objects",
        || async {
            workspace.list_objects(&actor).await.unwrap();
        },
        || async {
            direct.describe_global(None).await.unwrap();
        },
    )
    .await;
    compare(
        "describe Account",
        || async {
            workspace.describe(&actor, "Account").await.unwrap();
        },
        || async {
            direct.describe("Account", None).await.unwrap();
        },
    )
    .await;
    compare(
        "search Globex in Account",
        || async {
            workspace.search(&actor, &search).await.unwrap();
        },
        || async {
            direct.search(&sosl).await.unwrap();
        },
    )
    .await;
    compare(
        "query 200 accounts",
        || async {
            workspace.query(&actor, QUERY, None).await.unwrap();
        },
        || async {
            direct.query(QUERY).await.unwrap();
        },
    )
    .await;
    compare(
        "read one account",
        || async {
            workspace
                .read_record(&actor, "Account", id.as_str())
                .await
                .unwrap();
        },
        || async {
            direct.get_record("Account", &id, None).await.unwrap();
        },
    )
    .await;

    let revalidating = Workspace::new(
        connections.clone(),
        WorkspaceConfig {
            describe_max_age: Duration::ZERO,
            ..config.workspace()
        },
    );
    println!("with every describe revalidated (max age 0):");
    compare(
        "list objects",
        || async {
            revalidating.list_objects(&actor).await.unwrap();
        },
        || async {
            direct.describe_global(None).await.unwrap();
        },
    )
    .await;
    compare(
        "describe Account",
        || async {
            revalidating.describe(&actor, "Account").await.unwrap();
        },
        || async {
            direct.describe("Account", None).await.unwrap();
        },
    )
    .await;

    let page = format!(
        "{}/o/acme/salesforce/query?{}",
        server.url,
        serde_urlencoded::to_string([("q", QUERY)]).unwrap()
    );
    println!(
        "the SOQL console page through a sofie process (HTML rendered) vs the query straight to the simulator:"
    );
    compare(
        "query page, 200 rows",
        || async {
            assert_eq!(client.get(&page).send().await.unwrap().status(), 200);
        },
        || async {
            direct.query(QUERY).await.unwrap();
        },
    )
    .await;

    repeat_describe(
        &sim.urls,
        &Workspace::new(
            connections.clone(),
            WorkspaceConfig {
                describe_max_age: Duration::ZERO,
                ..config.workspace()
            },
        ),
        &actor,
        Duration::ZERO,
    )
    .await;
    repeat_describe(
        &sim.urls,
        &Workspace::new(connections, config.workspace()),
        &actor,
        Duration::from_secs(300),
    )
    .await;
    drop(server);
    let _ = std::fs::remove_file(file);
}
