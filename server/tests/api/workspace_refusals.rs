//! What the workspace refuses and how it fails: the read-only guard (nothing reaches
//! Salesforce), SOSL escaping, and Salesforce's limit, expired-session, outage and timeout
//! answers, each as the sentence that says what to do.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::sim::*;
use crate::workspace::{OBJECTS, query_path, search_path, status_and_body};

#[tokio::test]
async fn the_guard_refuses_writes_and_tricks_before_anything_is_sent() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    clear_calls(sim).await;
    let refused = [
        "DELETE FROM Account",
        "delete [SELECT Id FROM Account]",
        "INSERT INTO Account (Name) VALUES ('x')",
        "UPDATE Account SET Name = 'x'",
        "UPSERT Account",
        "MERGE Account",
        "UNDELETE Account",
        "SELECT Id FROM Account FOR UPDATE",
        "SELECT Id FROM Account FOR VIEW",
        "SELECT Id FROM Account FOR REFERENCE",
        "SELECT Id FROM Account LIMIT 5 FOR UPDATE",
        "SELECT Id FROM Account; DELETE FROM Account",
        "SELECT Id FROM Account;",
        "SELECT Id FROM Account -- comment",
        "SELECT Id FROM Account /* comment */",
        "SELECT Id FROM Account WHERE Name = :name",
        "SELECT Id FROM Account WHERE Name = 'unterminated",
        "SELECT Id FROM Account WHERE Name = 'bad \\q escape'",
        "SELECT Id FROM Account UPDATE TRACKING",
        "SELECT Id FROM Account UPDATE VIEWSTAT",
        "SELECT Id FROM Account WHERE Id IN (DELETE FROM Contact)",
        "SELECT Id, (SELECT Id FROM Contacts FOR UPDATE) FROM Account",
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact FOR UPDATE)",
        "SELECT Id FROM Account\u{037E} DELETE FROM Account",
        "SELECT Id FROM Account \u{FF1B} DELETE FROM Account",
        "SELECT Id FROM Account\u{0000}",
        "SELECT Id FROM Account LIMIT 10 OFFSET 5 FOR UPDATE",
        "SELECT Id FROM Account WHERE Name = 'x' OR 1=1 FOR UPDATE",
        "EXEC sp_who",
        "CALL doThing()",
        "",
        "   ",
        "SELECT FROM Account",
        "SELECT Id FROM",
        "SELECT Id FROM Account ORDER",
    ];
    assert!(refused.len() >= 30);
    for soql in refused {
        let (status, body) = status_and_body(w, &mia, &query_path(soql)).await;
        if soql.trim().is_empty() {
            assert_eq!(status, 200, "an empty box asks nothing");
            continue;
        }
        assert_eq!(status, 400, "{soql:?} is refused: {body}");
        assert!(
            body.contains("this query was not sent") && body.contains("at character"),
            "{soql:?}: {body}"
        );
    }
    assert_eq!(
        calls_to(sim, "GET /services/data/{version}/query").await,
        0,
        "nothing reached Salesforce"
    );

    let clamped = page(w, &mia, &query_path("SELECT Id FROM Account LIMIT 50000")).await;
    assert!(clamped.contains("LIMIT clamped to 10000"), "{clamped}");
}

#[tokio::test]
async fn searches_escape_every_reserved_character() {
    let world = sf_world().await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let term = r#"Globex ?&|!{}[]()^~*:\"'+- RETURNING User(Id)"#;
    let (status, body) = status_and_body(w, &mia, &search_path(term, "Account")).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains("records/User/"),
        "the term cannot add objects"
    );
    assert_eq!(
        calls_to(sim, "GET /services/data/{version}/search").await,
        1
    );
    let (status, body) = status_and_body(w, &mia, &search_path("x", "")).await;
    assert_eq!(status, 400);
    assert!(body.contains("at least two characters"));
}

#[tokio::test]
async fn limits_expired_sessions_outages_and_timeouts_each_end_in_their_sentence() {
    let world = sf_world_adjusted(Default::default(), |s| {
        s.salesforce_timeout_secs = 2;
    })
    .await;
    let (w, sim) = (&world.w, &world.sim);
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let objects = page(w, &mia, OBJECTS).await;
    assert!(
        objects.contains("Salesforce API requests, last 24 hours"),
        "the usage gauge"
    );

    let fault = |status: u16, body: serde_json::Value| json!({"status": status, "body": body, "path_prefix": "/services/data/v62.0/query"});
    control(sim, Method::POST, "/__sim/faults", Some(fault(403, json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])))).await;
    let (status, body) = status_and_body(w, &mia, &query_path("SELECT Id FROM Account")).await;
    assert_eq!(status, 429);
    assert!(
        body.contains("REQUEST_LIMIT_EXCEEDED") && body.contains("rolling 24 hours"),
        "{body}"
    );

    control(
        sim,
        Method::POST,
        "/__sim/faults",
        Some(fault(
            503,
            json!([{"message": "down", "errorCode": "SERVER_UNAVAILABLE"}]),
        )),
    )
    .await;
    let (status, body) = status_and_body(w, &mia, &query_path("SELECT Id FROM Account")).await;
    assert_eq!(status, 503);
    assert!(
        body.contains("temporarily unavailable") && body.contains("Try again in a minute"),
        "{body}"
    );

    control(
        sim,
        Method::POST,
        "/__sim/faults",
        Some(json!({"delay_ms": 4000, "path_prefix": "/services/data/v62.0/query"})),
    )
    .await;
    let (status, body) = status_and_body(w, &mia, &query_path("SELECT Id FROM Account")).await;
    assert_eq!(status, 503, "a timeout is an outage: {body}");

    control(sim, Method::POST, "/__sim/tokens/expire", None).await;
    clear_calls(sim).await;
    let queried = page(w, &mia, &query_path("SELECT Id FROM Account LIMIT 2")).await;
    assert!(
        queried.contains("Rows 1–2 of 2."),
        "refreshed once and answered"
    );
    assert_eq!(token_calls(sim).await, 1);

    // A describe that failed was not cached: the next one is whole.
    control(
        sim,
        Method::POST,
        "/__sim/faults",
        Some(json!({"status": 500, "path_prefix": "/services/data/v62.0/sobjects/Case"})),
    )
    .await;
    let (status, _) = status_and_body(w, &mia, "/o/acme/salesforce/objects/Case").await;
    assert_eq!(status, 503);
    let case = page(w, &mia, "/o/acme/salesforce/objects/Case").await;
    assert!(case.contains("CaseNumber"));
}
