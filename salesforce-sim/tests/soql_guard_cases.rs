//! Every statement the client's SOQL guard accepts (`salesforce::soql::cases::ACCEPT`), as
//! written and as the guard rewrites it, is SOQL the simulator understands: it may name objects
//! or fields the simulated org lacks (INVALID_TYPE / INVALID_FIELD), never MALFORMED_QUERY.

mod common;

use common::*;
use reqwest::StatusCode;
use salesforce::soql::{cases::ACCEPT, guard};

#[tokio::test]
async fn the_simulator_understands_every_statement_the_guard_accepts() {
    let sim = start().await;
    let admin = login(&sim, ADMIN).await;
    let mut report = Vec::new();
    let mut malformed = Vec::new();
    for statement in ACCEPT {
        let guarded = guard(statement, 200)
            .expect("the guard accepts its own cases")
            .soql;
        for text in [statement.to_string(), guarded] {
            let (status, body) = soql(&admin, &text).await;
            let outcome = if status == StatusCode::OK {
                "OK".to_string()
            } else {
                body[0]["errorCode"].as_str().unwrap_or("?").to_string()
            };
            if outcome == "MALFORMED_QUERY" {
                malformed.push(format!("{text:?}: {}", body[0]["message"]));
            }
            report.push(format!("{outcome:16} {text:?}"));
        }
    }
    assert!(
        malformed.is_empty(),
        "{}\n\nall outcomes:\n{}",
        malformed.join("\n"),
        report.join("\n")
    );
}
