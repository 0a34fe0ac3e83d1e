//! Every refusal of preparing a change: the form comes back with the person's input and a
//! sentence that names the field, nothing is stored, and Salesforce is never written.

use crate::changes::*;
use crate::helpers::*;
use crate::sim::*;

struct Case {
    what: &'static str,
    form: Vec<(&'static str, String)>,
    /// Words the shown form (or notice) must hold.
    says: &'static [&'static str],
}

fn case(what: &'static str, form: &[(&'static str, &str)], says: &'static [&'static str]) -> Case {
    Case {
        what,
        form: form.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        says,
    }
}

#[tokio::test]
async fn each_refused_change_names_its_field_and_stores_nothing() {
    let sw = sf_world().await;
    let w = &sw.w;
    let mia = writer(&sw).await;
    let account = first_account(&sw.sim).await;
    let account_id = account["Id"].as_str().unwrap().to_owned();
    let contact = sim_records(&sw.sim, "Contact").await.swap_remove(0);
    let contact_id = contact["Id"].as_str().unwrap().to_owned();
    let name = account["Name"].as_str().unwrap().to_owned();
    let long = "x".repeat(256);
    let missing = format!("{}AAAAAAAA", &account_id[..7]);
    let cases = vec![
        case(
            "an unknown object",
            &[("object", "Acount"), ("action", "create"), ("f:Name", "A")],
            &["No object named Acount", "Account"],
        ),
        case(
            "an unknown action",
            &[("object", "Account"), ("action", "merge")],
            &["create, update, upsert or delete"],
        ),
        case(
            "an unknown field",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:Colour__c", "red"),
            ],
            &["Colour__c", "no field of Account"],
        ),
        case(
            "a system field on create",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:CreatedDate", "2026-01-01T00:00:00Z"),
            ],
            &["CreatedDate", "may not set it in a create"],
        ),
        case(
            "a read-only field on update",
            &[
                ("object", "Contact"),
                ("action", "update"),
                ("id", &contact_id),
                ("f:Name", "Full Name"),
            ],
            &["Name", "may not set it in an update"],
        ),
        case(
            "a missing required field",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Phone", "+1 555"),
            ],
            &["Name", "required to create the record"],
        ),
        case(
            "a required field cleared",
            &[
                ("object", "Opportunity"),
                ("action", "create"),
                ("f:Name", "Deal"),
                ("f:StageName", "Prospecting"),
                ("f:CloseDate", ""),
            ],
            &["CloseDate"],
        ),
        case(
            "a whole number that is not one",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:NumberOfEmployees", "many"),
            ],
            &["NumberOfEmployees", "not a whole number"],
        ),
        case(
            "a whole number with too many digits",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:NumberOfEmployees", "12345678901234567890"),
            ],
            &["NumberOfEmployees"],
        ),
        case(
            "a currency with too many decimals",
            &[
                ("object", "Opportunity"),
                ("action", "create"),
                ("f:Name", "Deal"),
                ("f:StageName", "Prospecting"),
                ("f:CloseDate", "2026-12-31"),
                ("f:Amount", "10.125"),
            ],
            &["Amount"],
        ),
        case(
            "a currency that is not a number",
            &[
                ("object", "Opportunity"),
                ("action", "create"),
                ("f:Name", "Deal"),
                ("f:StageName", "Prospecting"),
                ("f:CloseDate", "2026-12-31"),
                ("f:Amount", "ten euros"),
            ],
            &["Amount"],
        ),
        case(
            "a percent that is not a number",
            &[
                ("object", "Opportunity"),
                ("action", "create"),
                ("f:Name", "Deal"),
                ("f:StageName", "Prospecting"),
                ("f:CloseDate", "2026-12-31"),
                ("f:Probability", "high"),
            ],
            &["Probability"],
        ),
        case(
            "a boolean that is neither",
            &[
                ("object", "Quality_Issue__c"),
                ("action", "create"),
                ("f:Name", "QI"),
                ("f:Is_Escalated__c", "maybe"),
            ],
            &["Is_Escalated__c", "not true or false"],
        ),
        case(
            "a date in another format",
            &[
                ("object", "Quality_Issue__c"),
                ("action", "create"),
                ("f:Name", "QI"),
                ("f:Reported_Date__c", "31/12/2026"),
            ],
            &["Reported_Date__c"],
        ),
        case(
            "a date that does not exist",
            &[
                ("object", "Quality_Issue__c"),
                ("action", "create"),
                ("f:Name", "QI"),
                ("f:Reported_Date__c", "2026-02-30"),
            ],
            &["Reported_Date__c"],
        ),
        case(
            "an email that is not one",
            &[
                ("object", "Contact"),
                ("action", "create"),
                ("f:LastName", "Doe"),
                ("f:Email", "not-an-email"),
            ],
            &["Email", "not an email address"],
        ),
        case(
            "text longer than the field",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", &long),
            ],
            &["Name"],
        ),
        case(
            "a value of a restricted picklist it does not have",
            &[
                ("object", "Quality_Issue__c"),
                ("action", "create"),
                ("f:Name", "QI"),
                ("f:Severity__c", "Extreme"),
            ],
            &["Severity__c"],
        ),
        case(
            "a lookup to the wrong object",
            &[
                ("object", "Contact"),
                ("action", "create"),
                ("f:LastName", "Doe"),
                ("f:AccountId", &contact_id),
            ],
            &["AccountId", "Contact"],
        ),
        case(
            "a lookup that is not an id",
            &[
                ("object", "Contact"),
                ("action", "create"),
                ("f:LastName", "Doe"),
                ("f:AccountId", "001xyz"),
            ],
            &["AccountId"],
        ),
        case(
            "an update without a record",
            &[
                ("object", "Account"),
                ("action", "update"),
                ("f:Phone", "1"),
            ],
            &["id"],
        ),
        case(
            "an update of a malformed id",
            &[
                ("object", "Account"),
                ("action", "update"),
                ("id", "001ZZZ"),
                ("f:Phone", "1"),
            ],
            &["id"],
        ),
        case(
            "an update with another object's id",
            &[
                ("object", "Account"),
                ("action", "update"),
                ("id", &contact_id),
                ("f:Phone", "1"),
            ],
            &["This id belongs to Contact"],
        ),
        case(
            "an update of a record that does not exist",
            &[
                ("object", "Account"),
                ("action", "update"),
                ("id", &missing),
                ("f:Phone", "1"),
            ],
            &["Not found, or not visible to your Salesforce user"],
        ),
        case(
            "an update that changes nothing",
            &[
                ("object", "Account"),
                ("action", "update"),
                ("id", &account_id),
                ("f:Name", &name),
            ],
            &["nothing would change"],
        ),
        case(
            "an upsert by a field that is not an external id",
            &[
                ("object", "Account"),
                ("action", "upsert"),
                ("external_id_field", "Phone"),
                ("external_id", "1"),
                ("f:Name", "A"),
            ],
            &["Phone", "no external id field"],
        ),
        case(
            "an upsert without its value",
            &[
                ("object", "Account"),
                ("action", "upsert"),
                ("external_id_field", "External_Id__c"),
                ("external_id", ""),
                ("f:Name", "A"),
            ],
            &["External_Id__c", "external id value"],
        ),
        case(
            "a delete that sends values",
            &[
                ("object", "Account"),
                ("action", "delete"),
                ("id", &account_id),
                ("f:Phone", "1"),
            ],
            &["a delete sends no field values"],
        ),
        case(
            "a field given twice",
            &[
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:name", "B"),
            ],
            &["given twice"],
        ),
    ];
    assert!(cases.len() >= 25);
    clear_calls(&sw.sim).await;
    for c in cases {
        let form: Vec<(&str, &str)> = c.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, back) = prepare(w, &mia, &form).await;
        assert_eq!(status, 303, "{}", c.what);
        assert!(
            back.starts_with("/o/acme/salesforce/prepare?"),
            "{}: back to the form, not {back}",
            c.what
        );
        let shown = w.app.get_with(&mia, &back).await.text().await.unwrap();
        let shown = shown.replace("&#x27;", "'").replace("&quot;", "\"");
        for word in c.says {
            assert!(
                shown.contains(word),
                "{}: {word:?} not in the page:\n{}",
                c.what,
                &shown[shown.find("<main").unwrap_or(0)..]
            );
        }
        if c.form
            .iter()
            .any(|(k, v)| k.starts_with("f:") && v.len() < 40 && !v.is_empty())
            && !shown.contains("No object named")
            && !shown.contains("Not found")
        {
            let (field, value) = c
                .form
                .iter()
                .rev()
                .find(|(k, v)| k.starts_with("f:") && !v.is_empty())
                .unwrap();
            if shown.contains(&format!("name=\"{field}\"")) {
                assert!(
                    shown.contains(value.as_str()),
                    "{}: the input {value:?} is kept",
                    c.what
                );
            }
        }
        assert!(proposals(w).await.is_empty(), "{}: nothing stored", c.what);
    }
    assert_eq!(
        writes(&sw.sim).await,
        0,
        "no refusal reached Salesforce as a write"
    );
}

#[tokio::test]
async fn the_policy_refuses_objects_and_actions_it_does_not_allow() {
    let sw = sf_world().await;
    let w = &sw.w;
    enable_writes(w, &["update"], "Contact").await;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, ADMIN).await;
    let account = first_account(&sw.sim).await;
    let id = account["Id"].as_str().unwrap();
    for (form, says) in [
        (
            vec![
                ("object", "Contact"),
                ("action", "create"),
                ("f:LastName", "Doe"),
            ],
            "does not allow preparing a create",
        ),
        (
            vec![
                ("object", "Account"),
                ("action", "update"),
                ("id", id),
                ("f:Phone", "1"),
            ],
            "does not allow changes to Account",
        ),
    ] {
        let (status, back) = prepare(w, &mia, &form).await;
        assert_eq!(status, 303);
        let shown = w.app.get_with(&mia, &back).await.text().await.unwrap();
        assert!(shown.contains(says), "{says}: {shown}");
    }
    assert!(proposals(w).await.is_empty());
}

#[tokio::test]
async fn a_standard_user_cannot_prepare_what_their_salesforce_user_may_not_do() {
    let sw = sf_world().await;
    let w = &sw.w;
    enable_writes(w, &["create", "update", "upsert", "delete"], "").await;
    let mia = signed_in(w, "mia@acme.example").await;
    connect(w, &mia, STANDARD).await;
    let account = sim_records(&sw.sim, "Account").await.swap_remove(0);
    let id = account["Id"].as_str().unwrap();
    for (form, says) in [
        (
            vec![
                ("object", "Account"),
                ("action", "update"),
                ("id", id),
                ("f:Rating", "Hot"),
            ],
            "Rating",
        ),
        (
            vec![
                ("object", "Account"),
                ("action", "create"),
                ("f:Name", "A"),
                ("f:AnnualRevenue", "5"),
            ],
            "AnnualRevenue",
        ),
        (
            vec![("object", "Order"), ("action", "create")],
            "No object named Order",
        ),
    ] {
        let (status, back) = prepare(w, &mia, &form).await;
        assert_eq!(status, 303);
        let shown = w.app.get_with(&mia, &back).await.text().await.unwrap();
        assert!(shown.contains(says), "{says}: {shown}");
    }
    assert!(proposals(w).await.is_empty());
}
