//! Throughput of the simulator on loopback: describe and query requests per second.
//!
//! `cargo run --release -p salesforce-sim --example bench` — starts a simulator in-process,
//! signs in through the OAuth form, then runs a bounded number of requests from a few
//! concurrent clients and prints the rates. Not a test: it only reports figures.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use salesforce_sim::{SimConfig, spawn};
use serde_json::Value;
use sha2::{Digest, Sha256};

const REQUESTS: usize = 10_000;
const CLIENTS: usize = 8;
const CALLBACK: &str = "http://localhost:3000/api/integrations/callback/salesforce";

async fn sign_in(login: &str, http: &reqwest::Client) -> Value {
    let verifier = "bench-verifier-bench-verifier-bench-verifier-0123";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let form = [
        ("response_type", "code"),
        ("client_id", "sofie-sim-client"),
        ("redirect_uri", CALLBACK),
        ("scope", "api refresh_token"),
        ("code_challenge", challenge.as_str()),
        ("username", "admin@acme.sim"),
        ("password", "admin-pass-1"),
        ("approve", "true"),
    ];
    let redirect = http
        .post(format!("{login}/services/oauth2/authorize"))
        .form(&form)
        .send()
        .await
        .expect("authorize");
    let location = redirect.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let code = url::Url::parse(&location)
        .expect("callback URL")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("code")
        .1
        .into_owned();
    let token = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", "sofie-sim-client"),
        ("client_secret", "sofie-sim-secret"),
        ("code_verifier", verifier),
    ];
    http.post(format!("{login}/services/oauth2/token"))
        .form(&token)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON")
}

/// Runs `REQUESTS` GETs of `path` spread over `CLIENTS` tasks; returns requests per second.
async fn rate(http: &reqwest::Client, token: &Value, path: &str) -> f64 {
    let url = format!(
        "{}{path}",
        token["instance_url"].as_str().expect("instance_url")
    );
    let bearer = token["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
            tokio::spawn(async move {
                for _ in 0..REQUESTS / CLIENTS {
                    let response = http
                        .get(&url)
                        .bearer_auth(&bearer)
                        .send()
                        .await
                        .expect("request");
                    assert!(response.status().is_success(), "{}", response.status());
                    response.bytes().await.expect("body");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client task");
    }
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let sim = spawn(SimConfig {
        daily_api_limit: 1_000_000,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let token = sign_in(&sim.urls.login_production, &http).await;
    let soql: String = url::form_urlencoded::byte_serialize(b"SELECT Id, Name, Account.Name FROM Contact WHERE LastName LIKE 'T%' ORDER BY Name LIMIT 50").collect();
    let cases = [
        (
            "describe Account",
            "/services/data/v67.0/sobjects/Account/describe".to_string(),
        ),
        (
            "query Contact+Account (50 rows)",
            format!("/services/data/v67.0/query?q={soql}"),
        ),
    ];
    for (label, path) in cases {
        rate(&http, &token, &path).await; // warm-up
        let per_second = rate(&http, &token, &path).await;
        println!(
            "{label}: {per_second:.0} requests/s ({REQUESTS} requests, {CLIENTS} concurrent clients)"
        );
    }
    sim.shutdown().await;
}
