//! Every error class, produced by the simulator the way Salesforce produces it.

mod common;

use std::time::{Duration, Instant};

use common::sim::*;
use salesforce::rest::Conditional;
use salesforce::{Error, RecordId};
use salesforce_sim::SimConfig;
use serde_json::{Map, Value, json};

fn body(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

const ACME: &str = "00D5i0000000001EAA";

#[tokio::test]
async fn session_expired_then_refresh_recovers() {
    let sim = Sim::start().await;
    let (tokens, rest) = sim.admin().await;
    sim.control(reqwest::Method::POST, "tokens/expire", json!({}))
        .await;
    let e = rest.limits().await.unwrap_err();
    assert!(
        matches!(&e, Error::SessionExpired(f) if f.status == 401),
        "{e}"
    );
    assert!(!e.is_retryable());
    let fresh = sim
        .oauth()
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    rest.with_access_token(fresh.access_token)
        .limits()
        .await
        .unwrap();
}

#[tokio::test]
async fn org_moved_to_another_instance() {
    let sim = Sim::start().await;
    let (tokens, rest) = sim.admin().await;
    let new_instance = sim.sim.urls.instances[1].clone();
    sim.control(
        reqwest::Method::POST,
        &format!("orgs/{ACME}/move"),
        json!({"instance": 1}),
    )
    .await;
    let e = rest.limits().await.unwrap_err();
    assert!(matches!(e, Error::SessionExpired(_)), "{e}");
    let fresh = sim
        .oauth()
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    assert_eq!(
        fresh.instance_url.as_str().trim_end_matches('/'),
        new_instance
    );
    sim.rest(&fresh).limits().await.unwrap();
}

#[tokio::test]
async fn daily_limit_exceeded() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    sim.control(
        reqwest::Method::POST,
        &format!("orgs/{ACME}/api-usage"),
        json!({"used": 15000, "limit": 15000}),
    )
    .await;
    let e = rest
        .query("SELECT Id FROM Account LIMIT 1")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::LimitExceeded(f) if f.status == 403),
        "{e}"
    );
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn permission_and_field_level_security() {
    let sim = Sim::start().await;
    let tokens = sim.sign_in(&sim.oauth(), STANDARD, SCOPES).await;
    let rest = sim.rest(&tokens);
    let Conditional::Modified { value: d, .. } = rest.describe("Account", None).await.unwrap()
    else {
        panic!("describe");
    };
    assert!(
        d.field("AnnualRevenue").is_none(),
        "FLS hides the field from describe"
    );

    let e = rest
        .query("SELECT Id, AnnualRevenue FROM Account")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Permission(f) if f.code() == Some("INVALID_FIELD")),
        "{e}"
    );

    let some = rest.query("SELECT Id FROM Account LIMIT 1").await.unwrap();
    let id = some.records[0].id().unwrap();
    let e = rest
        .get_record("Account", &id, Some(&["AnnualRevenue"]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Permission(_)), "{e}");
    let e = rest.delete("Account", &id).await.unwrap_err();
    assert!(
        matches!(&e, Error::Permission(f) if f.code().unwrap().starts_with("INSUFFICIENT_ACCESS")),
        "{e}"
    );
}

#[tokio::test]
async fn not_found_and_malformed_query() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let missing = RecordId::parse("001000000000000").unwrap();
    let e = rest
        .get_record("Account", &missing, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = rest.query("SELECT Id FROM").await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(f) if f.code() == Some("MALFORMED_QUERY")),
        "{e}"
    );
    let e = rest.query("SELECT Id FROM Xyzzy").await.unwrap_err();
    assert!(
        matches!(&e, Error::Permission(f) if f.code() == Some("INVALID_TYPE")),
        "{e}"
    );
}

#[tokio::test]
async fn validation_required_custom_duplicate_picklist() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let code = |e: &Error| match e {
        Error::Validation(f) => f.code().map(str::to_owned),
        _ => None,
    };

    let e = rest
        .create("Opportunity", &body(json!({"Name": "No stage"})))
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("REQUIRED_FIELD_MISSING"), "{e}");
    if let Error::Validation(f) = &e {
        assert!(f.errors[0].fields.iter().any(|f| f == "StageName"));
    }

    let e = rest
        .create(
            "Quality_Issue__c",
            &body(json!({"Name": "QI", "Status__c": "Closed"})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        code(&e).as_deref(),
        Some("FIELD_CUSTOM_VALIDATION_EXCEPTION"),
        "{e}"
    );
    assert!(e.to_string().contains("needs a resolution"));

    let e = rest
        .create(
            "Quality_Issue__c",
            &body(json!({"Name": "QI", "Severity__c": "Apocalyptic"})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        code(&e).as_deref(),
        Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        "{e}"
    );

    let email = "twin@example.com";
    rest.create("Contact", &body(json!({"LastName": "One", "Email": email})))
        .await
        .unwrap();
    let e = rest
        .create("Contact", &body(json!({"LastName": "Two", "Email": email})))
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("DUPLICATES_DETECTED"), "{e}");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn row_lock_is_retryable() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let lock = json!([{"message": "unable to obtain exclusive access to this record", "errorCode": "UNABLE_TO_LOCK_ROW"}]);
    sim.fault(1, 400, lock, "/services/data").await;
    let e = rest
        .create("Contact", &body(json!({"LastName": "Locked"})))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::RowLock(_)) && e.is_retryable(), "{e}");
    rest.create("Contact", &body(json!({"LastName": "Locked"})))
        .await
        .unwrap();
}

#[tokio::test]
async fn transient_5xx_and_timeouts() {
    let sim = Sim::start_with(SimConfig::default(), Duration::from_millis(400)).await;
    let (_, rest) = sim.admin().await;
    sim.fault(
        1,
        503,
        json!([{"message": "down", "errorCode": "SERVER_UNAVAILABLE"}]),
        "/services/data",
    )
    .await;
    let e = rest.limits().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transient {
                status: Some(503),
                ..
            }
        ) && e.is_retryable(),
        "{e}"
    );
    sim.fault(1, 500, json!("<html>boom</html>"), "/services/data")
        .await;
    let e = rest.limits().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transient {
                status: Some(500),
                ..
            }
        ),
        "{e}"
    );

    sim.control(
        reqwest::Method::POST,
        "faults",
        json!({"count": 1, "delay_ms": 2000, "path_prefix": "/services/data"}),
    )
    .await;
    let started = Instant::now();
    let e = rest.limits().await.unwrap_err();
    assert!(
        matches!(e, Error::Transient { .. }) && e.is_retryable(),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_millis(1400));
    rest.limits().await.unwrap();
    assert!(sim.calls("GET /services/data/{version}/limits").await >= 2);
}
