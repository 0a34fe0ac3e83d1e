//! The SOQL clauses beyond plain SELECT … WHERE: WITH, FIELDS(), HAVING, ROLLUP / CUBE /
//! GROUPING(), date functions, FORMAT / toLabel / convertCurrency, USING SCOPE, FROM aliases,
//! INCLUDES / EXCLUDES, currency literals and \u escapes (date literals: `soql_dates.rs`).

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn with_fields_and_scope_follow_the_users_permissions() {
    let sim = start().await;
    let standard = login(&sim, STANDARD_USER).await;
    for mode in ["SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"] {
        assert_eq!(
            soql_ok(&standard, &format!("SELECT Name FROM Account WITH {mode}")).await["totalSize"],
            40,
            "{mode}"
        );
        let (code, _) = soql_error(
            &standard,
            &format!("SELECT AnnualRevenue FROM Account WITH {mode}"),
        )
        .await;
        assert_eq!(
            code, "INVALID_FIELD",
            "a REST query always runs as the user ({mode})"
        );
        assert_eq!(
            soql_ok(
                &standard,
                &format!("SELECT COUNT() FROM Opportunity WITH {mode}")
            )
            .await["totalSize"],
            40
        );
    }
    let body = soql_ok(
        &standard,
        "SELECT FIELDS(STANDARD) FROM Account WHERE Name = 'Globex Corp'",
    )
    .await;
    let account = body["records"][0].as_object().unwrap();
    assert!(account.contains_key("Name") && account.contains_key("OwnerId"));
    assert!(!account.contains_key("AnnualRevenue") && !account.contains_key("External_Id__c"));
    let body = soql_ok(&standard, "SELECT FIELDS(CUSTOM) FROM Contact LIMIT 5").await;
    let mut keys: Vec<&String> = body["records"][0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["Interests__c", "attributes"]);
    for query in [
        "SELECT FIELDS(ALL) FROM Account",
        "SELECT FIELDS(CUSTOM) FROM Account LIMIT 201",
    ] {
        let (code, message) = soql_error(&standard, query).await;
        assert_eq!(code, "MALFORMED_QUERY");
        assert!(
            message.ends_with("The SOQL FIELDS function must have a LIMIT of at most 200"),
            "{message}"
        );
    }

    assert_eq!(
        soql_ok(&standard, "SELECT Id FROM Account USING SCOPE mine").await["totalSize"],
        20
    );
    assert_eq!(
        soql_ok(&standard, "SELECT Id FROM Account USING SCOPE everything").await["totalSize"],
        40
    );
    assert_eq!(
        soql_ok(&standard, "SELECT Id FROM Account USING SCOPE team").await["totalSize"],
        0
    );
    let (code, _) = soql_error(
        &standard,
        "SELECT Id FROM Quality_Issue__c USING SCOPE team",
    )
    .await;
    assert_eq!(
        code, "MALFORMED_QUERY",
        "custom objects offer everything and mine only"
    );
    let body = soql_ok(
        &standard,
        "SELECT c.LastName, a.Name FROM Contact c, c.Account a WHERE a.Name = 'Globex Corp'",
    )
    .await;
    assert_eq!(body["totalSize"], 3);
    assert_eq!(body["records"][0]["Account"]["Name"], "Globex Corp");
    assert!(body["records"][0]["LastName"].is_string());
    let (code, _) = soql_error(
        &standard,
        "SELECT Id FROM Account WITH DATA CATEGORY Geography__c AT usa__c",
    )
    .await;
    assert_eq!(code, "MALFORMED_QUERY");
}

#[tokio::test]
async fn grouping_having_rollup_and_cube() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let body = soql_ok(&t, "SELECT Type, COUNT(Id) n FROM Account GROUP BY Type").await;
    let rows = body["records"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let count_of =
        |rows: &[Value], kind: &str| rows.iter().find(|r| r["Type"] == kind).unwrap()["n"].clone();
    assert_eq!(
        (
            count_of(rows, "Prospect"),
            count_of(rows, "Customer - Direct")
        ),
        (json!(14), json!(26))
    );
    let body = soql_ok(
        &t,
        "SELECT Type, COUNT(Id) n FROM Account GROUP BY Type HAVING COUNT(Id) > 20",
    )
    .await;
    assert_eq!(body["records"].as_array().unwrap().len(), 1);
    assert_eq!(body["records"][0]["Type"], "Customer - Direct");
    let body = soql_ok(
        &t,
        "SELECT Type, COUNT(Id) n FROM Account GROUP BY Type HAVING Type = 'Prospect'",
    )
    .await;
    assert_eq!(body["records"][0]["n"], 14);
    let body = soql_ok(
        &t,
        "SELECT Type, COUNT(Id) n FROM Account GROUP BY Type ORDER BY COUNT(Id) DESC LIMIT 1",
    )
    .await;
    assert_eq!(
        (body["totalSize"].clone(), body["records"][0]["n"].clone()),
        (json!(1), json!(26))
    );

    let body = soql_ok(
        &t,
        "SELECT Type, COUNT(Id) n, GROUPING(Type) g FROM Account GROUP BY ROLLUP(Type)",
    )
    .await;
    let rows = body["records"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (
            rows[2]["Type"].clone(),
            rows[2]["n"].clone(),
            rows[2]["g"].clone()
        ),
        (Value::Null, json!(40), json!(1))
    );
    assert_eq!(rows[0]["g"], 0);
    let body = soql_ok(
        &t,
        "SELECT Type, BillingCountry, COUNT(Id) FROM Account GROUP BY CUBE(Type, BillingCountry)",
    )
    .await;
    // 2 types × 1 country, 2 type subtotals, 1 country subtotal, the grand total.
    let rows = body["records"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows.last().unwrap()["expr0"], 40);
    assert!(
        rows.iter()
            .any(|r| r["Type"].is_null() && r["BillingCountry"] == "DE" && r["expr0"] == 40)
    );

    let body = soql_ok(&t, "SELECT CALENDAR_YEAR(CreatedDate) y, CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)").await;
    assert_eq!(body["records"][0]["y"], 2025);
    assert_eq!(
        body["records"][0]["expr0"], 1,
        "unaliased functions are exprN"
    );
    assert_eq!(body["records"][0]["expr1"], 40);
    assert_eq!(
        soql_ok(
            &t,
            "SELECT COUNT() FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2025"
        )
        .await["totalSize"],
        40
    );
    let first_day = soql_ok(
        &t,
        "SELECT COUNT() FROM Account WHERE DAY_ONLY(CreatedDate) = 2025-01-06",
    )
    .await;
    let window = soql_ok(&t, "SELECT COUNT() FROM Account WHERE CreatedDate >= 2025-01-06T00:00:00Z AND CreatedDate < 2025-01-07T00:00:00Z").await;
    assert_eq!(first_day["totalSize"], window["totalSize"]);
    assert!(first_day["totalSize"].as_u64().unwrap() > 0);
    for (query, needle) in [
        (
            "SELECT Name n FROM Account",
            "only aggregate expressions use field aliasing",
        ),
        (
            "SELECT CALENDAR_YEAR(CreatedDate) FROM Account",
            "Date functions are only supported in aggregate queries",
        ),
        (
            "SELECT Type, Industry, COUNT(Id) FROM Account GROUP BY Type",
            "Field must be grouped or aggregated: Industry",
        ),
        (
            "SELECT Type, GROUPING(Type) FROM Account GROUP BY Type",
            "GROUPING() needs a field of ROLLUP or CUBE: Type",
        ),
        (
            "SELECT Id FROM Account WHERE COUNT(Id) > 1",
            "Aggregate functions are not allowed in the WHERE clause",
        ),
    ] {
        let (code, message) = soql_error(&t, query).await;
        assert_eq!(code, "MALFORMED_QUERY", "{query}");
        assert!(message.ends_with(needle), "{query}: {message}");
    }
}

#[tokio::test]
async fn functions_multi_select_picklists_currency_and_escapes() {
    let sim = start().await;
    let t = login(&sim, ADMIN).await;
    let body = soql_ok(&t, "SELECT FORMAT(Amount), toLabel(StageName), convertCurrency(Amount) amt, FORMAT(CloseDate) d FROM Opportunity WHERE Name = 'Globex Corp - deal 1'").await;
    let row = &body["records"][0];
    let amount = row["amt"].as_f64().unwrap();
    assert_eq!(
        row["Amount"],
        format!("${},{:03}.00", amount as u64 / 1000, amount as u64 % 1000)
    );
    assert!(row["StageName"].is_string());
    assert!(row["d"].as_str().unwrap().contains('/'), "{row}");
    let body = soql_ok(
        &t,
        "SELECT FORMAT(SUM(Amount)) total, SUM(Amount) raw FROM Opportunity",
    )
    .await;
    assert!(
        body["records"][0]["total"]
            .as_str()
            .unwrap()
            .starts_with('$')
    );
    assert!(body["records"][0]["raw"].is_number());

    let count = |q: &'static str| {
        let t = t.clone();
        async move { soql_ok(&t, q).await["totalSize"].as_u64().unwrap() }
    };
    assert_eq!(
        count("SELECT Id FROM Contact WHERE Interests__c INCLUDES ('Quality')").await,
        60
    );
    assert_eq!(
        count("SELECT Id FROM Contact WHERE Interests__c INCLUDES ('Quality;Pricing')").await,
        30
    );
    assert_eq!(
        count("SELECT Id FROM Contact WHERE Interests__c INCLUDES ('Pricing', 'Logistics')").await,
        60
    );
    assert_eq!(
        count("SELECT Id FROM Contact WHERE Interests__c EXCLUDES ('Quality')").await,
        60
    );
    let (code, _) = soql_error(&t, "SELECT Id FROM Contact WHERE LastName INCLUDES ('a')").await;
    assert_eq!(code, "INVALID_FIELD");
    let (code, _) = soql_error(
        &t,
        "SELECT Id FROM Account WHERE DISTANCE(Name, GEOLOCATION(1, 2), 'km') < 5",
    )
    .await;
    assert_eq!(code, "INVALID_FIELD", "no simulated field is a geolocation");

    assert_eq!(
        count("SELECT Id FROM Opportunity WHERE Amount > USD50000").await,
        count("SELECT Id FROM Opportunity WHERE Amount > 50000").await
    );
    send(
        &t,
        Method::POST,
        "/services/data/v67.0/sobjects/Account",
        json!({"Name": "Café Crème"}),
    )
    .await;
    assert_eq!(
        count(r"SELECT Id FROM Account WHERE Name = 'Caf\u00e9 Cr\u00E8me'").await,
        1
    );
    let (code, _) = soql_error(&t, r"SELECT Id FROM Account WHERE Name = 'Caf\u00g9'").await;
    assert_eq!(code, "MALFORMED_QUERY");
}
