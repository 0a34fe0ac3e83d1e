//! Figures for issue 3 — a benchmark, not a timed test:
//! 1. SOQL guard parse time for a ~1 KB query;
//! 2. median and p99 of the client's `query` against the simulator vs a raw reqwest GET of the
//!    same URL in the same run, and their ratio.
//!
//! Run with `scripts/bench-salesforce.sh` (release build, own target dir).

#[allow(dead_code)] // the example uses only part of the test helper
#[path = "../tests/common/sim.rs"]
mod sim;

use std::time::{Duration, Instant};

use salesforce::soql;
use secrecy::ExposeSecret;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn summary(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn one_kb_query() -> String {
    let mut q = String::from(
        "SELECT Id, Name, Owner.Name, Industry, (SELECT LastName, Email FROM Contacts WHERE Email != null) FROM Account WHERE ",
    );
    let mut n = 0;
    while q.len() < 950 {
        if n > 0 {
            q.push_str(" OR ");
        }
        q.push_str(&format!(
            "(Name LIKE {} AND CreatedDate = LAST_N_DAYS:{} AND Industry IN ('Energy', 'Banking'))",
            soql::quote_literal(&format!("Acme {n}%")),
            n + 1
        ));
        n += 1;
    }
    q.push_str(" ORDER BY Name DESC NULLS LAST LIMIT 5000");
    q
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // 1. The guard.
    let q = one_kb_query();
    let iterations = 20_000;
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        let g = soql::guard(std::hint::black_box(&q), 2000).expect("the bench query is valid");
        samples.push(t.elapsed());
        std::hint::black_box(g);
    }
    let (median, p99) = summary(samples);
    println!(
        "soql guard, {} byte query, {iterations} runs: median {median:?}, p99 {p99:?}",
        q.len()
    );

    // 2. Client query vs raw GET against the simulator.
    let s = sim::Sim::start().await;
    let (tokens, rest) = s.admin().await;
    let soql_text = "SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 20";
    let mut url = url::Url::parse(tokens.instance_url.as_str()).unwrap();
    url.set_path(&format!("/services/data/{}/query", sim::VERSION.segment()));
    url.query_pairs_mut().append_pair("q", soql_text);
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bearer = format!("Bearer {}", tokens.access_token.expose_secret());
    // Lift the simulated daily limit so the run is not cut short.
    s.control(
        reqwest::Method::POST,
        "orgs/00D5i0000000001EAA/api-usage",
        serde_json::json!({"used": 0, "limit": 10_000_000}),
    )
    .await;

    let runs = 1000;
    let (mut client_t, mut raw_t) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs + 50 {
        let t = Instant::now();
        let page = rest.query(soql_text).await.unwrap();
        let c = t.elapsed();
        assert_eq!(page.records.len(), 20);
        let t = Instant::now();
        let body = raw
            .get(url.clone())
            .header("Authorization", &bearer)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let r = t.elapsed();
        assert!(!body.is_empty());
        if i >= 50 {
            client_t.push(c);
            raw_t.push(r);
        }
    }
    let (cm, cp) = summary(client_t);
    let (rm, rp) = summary(raw_t);
    println!(
        "client query (parse + classify + limit header), {runs} runs: median {cm:?}, p99 {cp:?}"
    );
    println!(
        "raw reqwest GET of the same URL (bytes only),     {runs} runs: median {rm:?}, p99 {rp:?}"
    );
    println!(
        "ratio client/raw: median {:.2}, p99 {:.2}",
        cm.as_secs_f64() / rm.as_secs_f64(),
        cp.as_secs_f64() / rp.as_secs_f64()
    );
    s.sim.shutdown().await;
}
