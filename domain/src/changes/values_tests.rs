use serde_json::{Value, json};

use super::values::typed_value;
use crate::workspace::{Catalog, FieldView, PicklistEntry};

fn field(name: &str, field_type: &str) -> FieldView {
    FieldView {
        name: name.into(),
        label: name.into(),
        field_type: field_type.into(),
        length: None,
        precision: None,
        scale: None,
        digits: None,
        nillable: true,
        required_on_create: false,
        createable: true,
        updateable: true,
        unique: false,
        external_id: false,
        name_field: false,
        calculated: false,
        default_value: None,
        picklist: Vec::new(),
        restricted_picklist: false,
        controller: None,
        reference_to: Vec::new(),
        relationship_name: None,
        master_detail: false,
    }
}

fn catalog() -> Catalog {
    let global: salesforce::rest::DescribeGlobal = serde_json::from_value(json!({"sobjects": [
        {"name": "Account", "label": "Account", "keyPrefix": "001"},
        {"name": "Contact", "label": "Contact", "keyPrefix": "003"},
    ]}))
    .unwrap();
    Catalog::from(&global)
}

fn ok(f: &FieldView, text: &str) -> Value {
    typed_value(f, text, &catalog()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn refused(f: &FieldView, text: &str) -> String {
    match typed_value(f, text, &catalog()) {
        Ok(v) => panic!("{text:?} was accepted as {v}"),
        Err(e) => e.to_string(),
    }
}

fn stage() -> FieldView {
    let entry = |value: &str, active| PicklistEntry {
        value: value.into(),
        label: value.into(),
        active,
        default: false,
    };
    FieldView {
        picklist: vec![
            entry("Prospecting", true),
            entry("Closed Won", true),
            entry("Legacy", false),
        ],
        restricted_picklist: true,
        ..field("StageName", "picklist")
    }
}

#[test]
fn values_become_what_salesforce_takes() {
    let name = FieldView {
        length: Some(10),
        ..field("Name", "string")
    };
    assert_eq!(ok(&name, "  Acme  "), json!("Acme"));
    assert_eq!(ok(&name, ""), Value::Null, "empty clears a nillable field");
    assert_eq!(ok(&field("Active__c", "boolean"), "Yes"), json!(true));
    assert_eq!(ok(&field("Active__c", "boolean"), "false"), json!(false));
    let employees = FieldView {
        digits: Some(8),
        ..field("NumberOfEmployees", "int")
    };
    assert_eq!(ok(&employees, "-1200"), json!(-1200));
    let revenue = FieldView {
        precision: Some(18),
        scale: Some(2),
        ..field("AnnualRevenue", "currency")
    };
    assert_eq!(ok(&revenue, "1234.5"), json!(1234.5));
    assert_eq!(
        ok(&field("CloseDate", "date"), "2026-12-01"),
        json!("2026-12-01")
    );
    assert_eq!(
        ok(&field("Due__c", "datetime"), "2026-12-01T09:30:00Z"),
        json!("2026-12-01T09:30:00Z")
    );
    assert_eq!(
        ok(&field("At__c", "time"), "09:30:00"),
        json!("09:30:00.000Z")
    );
    assert_eq!(
        ok(&stage(), "closed won"),
        json!("Closed Won"),
        "a label finds its value"
    );
    let open = FieldView {
        restricted_picklist: false,
        ..stage()
    };
    assert_eq!(ok(&open, "Something new"), json!("Something new"));
    let interests = FieldView {
        field_type: "multipicklist".into(),
        ..stage()
    };
    assert_eq!(
        ok(&interests, "Prospecting; Closed Won"),
        json!("Prospecting;Closed Won")
    );
    let account = FieldView {
        reference_to: vec!["Account".into()],
        ..field("AccountId", "reference")
    };
    assert_eq!(
        ok(&account, "001000000000001"),
        json!("001000000000001AAA"),
        "15 → 18 characters"
    );
    let email = FieldView {
        length: Some(80),
        ..field("Email", "email")
    };
    assert_eq!(ok(&email, "ada@example.com"), json!("ada@example.com"));
}

#[test]
fn each_bad_value_is_refused_with_a_sentence_about_its_field() {
    let required = FieldView {
        nillable: false,
        ..field("LastName", "string")
    };
    let name = FieldView {
        length: Some(5),
        ..field("Name", "string")
    };
    let flag = field("Active__c", "boolean");
    let employees = FieldView {
        digits: Some(3),
        ..field("NumberOfEmployees", "int")
    };
    let revenue = FieldView {
        precision: Some(5),
        scale: Some(2),
        ..field("AnnualRevenue", "currency")
    };
    let account = FieldView {
        reference_to: vec!["Account".into()],
        ..field("AccountId", "reference")
    };
    let email = FieldView {
        length: Some(80),
        ..field("Email", "email")
    };
    let cases: Vec<(FieldView, &str, &str)> = vec![
        (required.clone(), "", "LastName: a value is required"),
        (
            name.clone(),
            "Acme Corporation",
            "16 characters is more than the 5",
        ),
        (flag.clone(), "maybe", "is not true or false"),
        (employees.clone(), "12.5", "is not a whole number"),
        (employees.clone(), "1e3", "is not a whole number"),
        (employees.clone(), "12345", "more than 3 digits"),
        (
            revenue.clone(),
            "12.345",
            "more than 2 digits after the decimal point",
        ),
        (
            revenue.clone(),
            "1234.5",
            "more than 3 digits before the decimal point",
        ),
        (revenue.clone(), "1,5", "is not a number"),
        (revenue.clone(), "NaN", "is not a number"),
        (revenue.clone(), "--1", "is not a number"),
        (revenue.clone(), ".5", "is not a number"),
        (field("CloseDate", "date"), "01/12/2026", "is not a date"),
        (field("CloseDate", "date"), "2026-02-30", "is not a date"),
        (
            field("Due__c", "datetime"),
            "2026-12-01 09:30",
            "is not a date and time",
        ),
        (field("At__c", "time"), "25:00:00", "is not a time"),
        (stage(), "Legacy", "no longer an active value"),
        (
            stage(),
            "Negotiation",
            "is not one of its values (Prospecting, Closed Won)",
        ),
        (
            FieldView {
                field_type: "multipicklist".into(),
                ..stage()
            },
            "Prospecting;Nope",
            "is not one of its values",
        ),
        (
            account.clone(),
            "003000000000001",
            "belongs to Contact, but the field points at Account",
        ),
        (
            account.clone(),
            "a0X000000000001",
            "no object visible to your Salesforce user has ids starting a0X",
        ),
        (
            account.clone(),
            "001000000000001XYZ",
            "do not match its first fifteen",
        ),
        (
            account.clone(),
            "001-not-an-id",
            "a record id has 15 or 18 characters",
        ),
        (
            email.clone(),
            "ada at example.com",
            "is not an email address",
        ),
        (email.clone(), "ada@localhost", "is not an email address"),
        (
            field("BillingAddress", "address"),
            "1 Main St",
            "does not change address fields",
        ),
        (
            field("Photo__c", "base64"),
            "AAAA",
            "does not change base64 fields",
        ),
    ];
    assert!(cases.len() >= 25);
    for (f, text, expected) in cases {
        let why = refused(&f, text);
        assert!(why.contains(expected), "{} {text:?}: {why}", f.name);
        assert!(
            why.starts_with(&format!("{}: ", f.name)),
            "names the field: {why}"
        );
    }
}
