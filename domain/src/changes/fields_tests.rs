use serde_json::json;

use super::fields::{Action, checked_fields};
use crate::workspace::{Catalog, ObjectDetail};

/// Salesforce's own Account describe, as recorded.
fn account() -> ObjectDetail {
    let path = format!(
        "{}/../../shared/salesforce/fixtures/rest/describe_account.cumulusci.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let describe: salesforce::rest::SObjectDescribe =
        serde_json::from_value(raw.get("body").cloned().unwrap_or(raw)).unwrap();
    ObjectDetail::from(&describe)
}

fn catalog() -> Catalog {
    let global: salesforce::rest::DescribeGlobal = serde_json::from_value(json!({"sobjects": [
        {"name": "Account", "label": "Account", "keyPrefix": "001"},
        {"name": "User", "label": "User", "keyPrefix": "005"},
    ]}))
    .unwrap();
    Catalog::from(&global)
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn problems(action: Action, items: &[(&str, &str)]) -> Vec<String> {
    checked_fields(&account(), &catalog(), &action, &pairs(items))
        .expect_err("refused")
        .into_iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn a_create_and_an_update_become_their_bodies() {
    let body = checked_fields(
        &account(),
        &catalog(),
        &Action::Create,
        &pairs(&[
            ("name", "Acme"),
            ("Industry", "Banking"),
            ("NumberOfEmployees", "12"),
        ]),
    )
    .unwrap();
    assert_eq!(
        body,
        json!({"Name": "Acme", "Industry": "Banking", "NumberOfEmployees": 12})
            .as_object()
            .unwrap()
            .clone()
    );
    let body = checked_fields(
        &account(),
        &catalog(),
        &Action::Update,
        &pairs(&[("Description", "")]),
    )
    .unwrap();
    assert_eq!(
        body["Description"],
        serde_json::Value::Null,
        "an update may clear a field"
    );
}

#[test]
fn every_problem_of_a_change_is_reported_at_once() {
    let all = problems(
        Action::Create,
        &[
            ("Nope__c", "x"),
            ("Id", "001000000000001"),
            ("Industry", "Banking"),
            ("industry", "Energy"),
            ("NumberOfEmployees", "many"),
        ],
    );
    let text = all.join("\n");
    for expected in [
        "Nope__c: no field of Account by this name is visible",
        "Id: your Salesforce user may not set it in a create",
        "Industry: given twice",
        "NumberOfEmployees: \"many\" is not a whole number",
        "Name: required to create the record",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert_eq!(all.len(), 5, "{text}");

    let upsert = problems(
        Action::Upsert {
            external_id_field: "Name".into(),
        },
        &[("Industry", "Banking")],
    );
    assert!(
        upsert[0].contains("Name: Account has no external id field by this name"),
        "{upsert:?}"
    );
    let delete = problems(Action::Delete, &[("Name", "x")]);
    assert!(
        delete
            .iter()
            .any(|p| p.contains("a delete sends no field values")),
        "{delete:?}"
    );
    let system = problems(Action::Update, &[("CreatedDate", "2026-01-01T00:00:00Z")]);
    assert!(
        system[0].contains("may not set it in an update"),
        "{system:?}"
    );
}

#[test]
fn the_object_must_allow_the_action_for_this_user() {
    let mut read_only = account();
    read_only.actions.retain(|a| a == "query" || a == "read");
    let refused = checked_fields(
        &read_only,
        &catalog(),
        &Action::Update,
        &pairs(&[("Name", "x")]),
    )
    .unwrap_err();
    assert_eq!(
        refused[0].to_string(),
        "object: your Salesforce user may not update Account records"
    );
}
