//! Relative date literals (`TODAY`, `LAST_N_DAYS:n`, `THIS_QUARTER`, `N_FISCAL_YEARS_AGO:n`, …)
//! cover the days Salesforce documents, in UTC, for date and datetime fields.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

fn names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn relative_date_literals_cover_their_days() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let today = OffsetDateTime::now_utc().date();
    for (name, offset) in [
        ("D-1", -1),
        ("D0", 0),
        ("D+1", 1),
        ("D+2", 2),
        ("D-400", -400),
        ("D+400", 400),
    ] {
        let close = today + Duration::days(offset);
        let body =
            json!({"Name": name, "StageName": "Prospecting", "CloseDate": close.to_string()});
        let (status, _) = send(
            &t,
            Method::POST,
            "/services/data/v67.0/sobjects/Opportunity",
            body,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let days = |literal: &str| {
        format!("SELECT Name FROM Opportunity WHERE Name LIKE 'D%' AND CloseDate = {literal}")
    };
    for (literal, expected) in [
        ("TODAY", vec!["D0"]),
        ("YESTERDAY", vec!["D-1"]),
        ("TOMORROW", vec!["D+1"]),
        ("LAST_N_DAYS:1", vec!["D-1", "D0"]),
        ("NEXT_N_DAYS:2", vec!["D+1", "D+2"]),
        ("N_DAYS_AGO:1", vec!["D-1"]),
        ("LAST_90_DAYS", vec!["D-1", "D0"]),
        ("NEXT_90_DAYS", vec!["D+1", "D+2"]),
    ] {
        assert_eq!(
            names(&soql_ok(&t, &days(literal)).await),
            expected,
            "{literal}"
        );
    }
    let this_year = names(&soql_ok(&t, &days("THIS_YEAR")).await);
    assert!(this_year.contains(&"D0".to_string()) && !this_year.contains(&"D+400".to_string()));
    let next_years = names(&soql_ok(&t, &days("NEXT_N_YEARS:2")).await);
    assert!(next_years.contains(&"D+400".to_string()) && !next_years.contains(&"D0".to_string()));
    let later = names(&soql_ok(&t, &days("NEXT_N_YEARS:1")).await);
    assert!(
        !later.contains(&"D0".to_string()),
        "the current year is not one of the next ones"
    );
    for literal in [
        "THIS_WEEK",
        "THIS_MONTH",
        "THIS_QUARTER",
        "THIS_FISCAL_YEAR",
        "THIS_FISCAL_QUARTER",
    ] {
        assert!(
            names(&soql_ok(&t, &days(literal)).await).contains(&"D0".to_string()),
            "{literal}"
        );
    }
    for literal in [
        "LAST_WEEK",
        "NEXT_MONTH",
        "LAST_N_MONTHS:3",
        "N_WEEKS_AGO:2",
        "LAST_N_QUARTERS:2",
        "NEXT_N_FISCAL_YEARS:1",
        "N_FISCAL_QUARTERS_AGO:1",
        "LAST_YEAR",
    ] {
        assert!(
            !names(&soql_ok(&t, &days(literal)).await).contains(&"D0".to_string()),
            "{literal}"
        );
    }
    let created = soql_ok(
        &t,
        "SELECT Name FROM Opportunity WHERE CreatedDate = TODAY AND Name LIKE 'D%'",
    )
    .await;
    assert_eq!(
        created["totalSize"], 6,
        "datetime fields compare by their UTC day"
    );
    let (code, message) =
        soql_error(&t, "SELECT Id FROM Opportunity WHERE CloseDate = SOMEDAY").await;
    assert_eq!(
        (
            code.as_str(),
            message.ends_with("unexpected token: SOMEDAY")
        ),
        ("MALFORMED_QUERY", true)
    );
    let (code, _) = soql_error(&t, "SELECT Id FROM Opportunity WHERE Name = TODAY").await;
    assert_eq!(code, "INVALID_FIELD");
}
