//! The per-token throttle of the tool API: counted in the database, answered with 429 and
//! Retry-After, one token's calls never slowing another's.

use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};

use crate::helpers::*;
use crate::tools::{TOOLS, listing_response, token};

async fn list(w: &World, token: &SecretString) -> reqwest::Response {
    listing_response(w, token.expose_secret()).await
}

#[tokio::test]
async fn a_token_past_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let mut config = settings(
        &fresh_database_url().await,
        &domain::vault::Vault::generate_key_ring(),
    );
    config.tool_calls_per_minute = 3;
    let w = world_on(spawn_with(&config).await).await;
    let (_, mia) = token(&w, "mia@acme.example", &["salesforce:read"], 30).await;
    let (_, gus) = token(&w, "lead@acme.example", &["salesforce:read"], 30).await;

    // Calls until the first 429. A window may end between two calls, so three to six succeed.
    let mut allowed = 0;
    let throttled = loop {
        let response = list(&w, &mia).await;
        if response.status() == 429 {
            break response;
        }
        assert_eq!(response.status(), 200);
        allowed += 1;
        assert!(allowed <= 6, "never throttled");
    };
    let at = std::time::Instant::now();
    assert!(allowed >= 3, "only {allowed} calls allowed");
    let wait: u64 = throttled.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let problem: serde_json::Value = throttled.json().await.unwrap();
    assert_eq!(problem["type"], "https://sofie.dev/problems/throttled");
    assert_eq!(problem["status"], 429);
    assert_eq!(problem["retry_after_secs"], wait);
    assert!(problem["detail"].as_str().unwrap().contains("wait"));
    assert_eq!(
        list(&w, &gus).await.status(),
        200,
        "another token is not slowed"
    );

    // The count lives in the database: a second server on it refuses the token too, while the
    // window lasts.
    let second = spawn_with(&config).await;
    let status = reqwest::Client::new()
        .get(second.url(TOOLS))
        .header(AUTHORIZATION, format!("Bearer {}", mia.expose_secret()))
        .send()
        .await
        .unwrap()
        .status();
    if at.elapsed().as_secs() + 1 < wait {
        assert_eq!(status, 429, "the second server counts the same calls");
    }
}
