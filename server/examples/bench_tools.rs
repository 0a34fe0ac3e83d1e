//! Figures for the assistant tools (issue 11), printed as ratios in one run (a benchmark, not a
//! test): `query` and `get_record` through a `sofie` process, over the JSON API and over `/mcp`
//! (a 2025-11-25 request, stateless), against the same request sent straight to the simulator
//! with the connection's own token, at 1 and 32 concurrent callers; and the bytes of each
//! answer against Salesforce's raw response for the same records.
//!
//! Usage: `bench_tools PATH/TO/sofie` (scripts/bench-tools.sh builds both).

// Shared with the other benchmarks, which use the rest of it.
#[allow(dead_code)]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use domain::tokens::NewToken;
use domain::vault::Vault;
use salesforce_sim::SimConfig;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

const QUERY: &str = "SELECT Id, Name, Industry, BillingCity FROM Account ORDER BY Name LIMIT 50";
/// Requests per variant and caller count.
const REQUESTS: usize = 640;

/// One way to ask: a prepared request, sent again and again.
#[derive(Clone)]
struct Ask {
    http: reqwest::Client,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Ask {
    async fn send(&self) -> Vec<u8> {
        let mut request = match &self.body {
            Some(body) => self.http.post(&self.url).body(body.clone()),
            None => self.http.get(&self.url),
        };
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{} answered {}",
            self.url,
            response.status()
        );
        response.bytes().await.unwrap().to_vec()
    }
}

/// Latencies of `requests` sends of `ask` by `callers` concurrent callers.
async fn latencies(ask: &Ask, callers: usize, requests: usize) -> Vec<Duration> {
    let ask = Arc::new(ask.clone());
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let ask = ask.clone();
            tokio::spawn(async move {
                let mut own = Vec::new();
                for _ in 0..requests / callers {
                    let t = Instant::now();
                    ask.send().await;
                    own.push(t.elapsed());
                }
                own
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

/// Sofie against the simulator, in alternating halves so drift hits both alike.
async fn compare(label: &str, through: &Ask, straight: &Ask, callers: usize, requests: usize) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        b.extend(latencies(straight, callers, requests).await);
        a.extend(latencies(through, callers, requests).await);
    }
    println!("{label:<40} {}", ratios(&mut a, &mut b));
}

fn mcp_call(name: &str, arguments: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": name, "arguments": arguments } })
    .to_string()
}

#[tokio::main]
async fn main() {
    let sofie = std::env::args()
        .nth(1)
        .expect("usage: bench_tools PATH/TO/sofie");
    // Enough daily API requests for every run below.
    let sim = salesforce_sim::spawn(SimConfig {
        daily_api_limit: 10_000_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let keys = Vault::generate_key_ring();
    let file = std::env::temp_dir().join(format!("sofie-bench-tools-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let mut config = settings(&sqlite, &keys, &sim.urls, port);
    config.tool_calls_per_minute = 100_000;
    let server = serve(&sofie, &config).await;
    let user = seed(&config).await;
    let client = browser();
    sign_in(&client, &server.url).await;
    connect(&client, &server.url).await;

    let (db, vault, _, _) = services(&config).await;
    let actor = bench_actor(&db, user).await;
    let new = NewToken::parse("bench", &["salesforce:read".into()], 1).unwrap();
    let (_, token) = domain::tokens::create(&db, &actor, new).await.unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    let (instance, sf_token) = direct_token(&db, &vault).await;
    let sf_bearer = format!("Bearer {}", sf_token.expose_secret());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let rest = format!("{instance}/services/data/v62.0");
    let raw_query = Ask {
        http: http.clone(),
        url: format!(
            "{rest}/query?{}",
            serde_urlencoded::to_string([("q", QUERY)]).unwrap()
        ),
        headers: vec![("authorization", sf_bearer.clone())],
        body: None,
    };
    let rows: Value = serde_json::from_slice(&raw_query.send().await).unwrap();
    let id = rows["records"][0]["Id"].as_str().unwrap().to_owned();
    let raw_record = Ask {
        url: format!("{rest}/sobjects/Account/{id}"),
        ..raw_query.clone()
    };
    let api = |tool: &str, arguments: Value| Ask {
        http: http.clone(),
        url: format!("{}/api/v1/salesforce/tools/{tool}", server.url),
        headers: vec![
            ("authorization", bearer.clone()),
            ("content-type", "application/json".into()),
        ],
        body: Some(arguments.to_string()),
    };
    let mcp = |tool: &str, arguments: Value| Ask {
        http: http.clone(),
        url: format!("{}/mcp", server.url),
        headers: vec![
            ("authorization", bearer.clone()),
            ("content-type", "application/json".into()),
            ("accept", "application/json, text/event-stream".into()),
            ("mcp-protocol-version", "2025-11-25".into()),
        ],
        body: Some(mcp_call(tool, arguments)),
    };
    let query_args = json!({ "soql": QUERY });
    let record_args = json!({ "object": "Account", "id": id });
    let variants = [
        (
            "query, JSON API",
            api("query", query_args.clone()),
            &raw_query,
        ),
        ("query, MCP", mcp("query", query_args), &raw_query),
        (
            "get_record, JSON API",
            api("get_record", record_args.clone()),
            &raw_record,
        ),
        (
            "get_record, MCP",
            mcp("get_record", record_args),
            &raw_record,
        ),
    ];

    println!("bytes per answer (the same records; raw = Salesforce's own response):");
    for (label, through, straight) in &variants {
        let (ours, raw) = (through.send().await.len(), straight.send().await.len());
        println!(
            "{label:<40} {ours:>7} B vs raw {raw:>7} B (ratio {:.2})",
            ours as f64 / raw as f64
        );
    }
    let run = |heading: &'static str, requests: usize| {
        let variants = &variants;
        async move {
            for callers in [1, 32] {
                println!(
                    "{heading}, {callers} concurrent caller(s), {} requests each way:",
                    2 * requests
                );
                for (label, through, straight) in variants {
                    compare(label, through, straight, callers, requests).await;
                }
            }
        }
    };
    run(
        "through a sofie process vs straight to the simulator",
        REQUESTS,
    )
    .await;
    // The simulator answers in tens of microseconds; Salesforce takes tens to hundreds of
    // milliseconds. The same comparison with every data call held 20 ms shows the overhead
    // at a latency closer to Salesforce's.
    sim_control(
        &sim.urls,
        reqwest::Method::POST,
        "/__sim/faults",
        Some(json!({ "count": 1_000_000, "delay_ms": 20, "path_prefix": "/services/data" })),
    )
    .await;
    run("with the simulator answering after 20 ms", REQUESTS / 4).await;
    drop(server);
    let _ = std::fs::remove_file(file);
}
