//! Every REST endpoint of the client against the simulator.

mod common;

use common::sim::*;
use salesforce::rest::*;
use salesforce::sosl::{Returning, Search};
use salesforce::{Error, RecordId, soql};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

fn body(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[tokio::test]
async fn versions_and_discovery() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let versions = rest.versions().await.unwrap();
    assert!(versions.iter().any(|v| v.version == "67.0"));
    assert_eq!(
        rest.discover_version(ApiVersion::new(99, 0)).await.unwrap(),
        ApiVersion::new(67, 0)
    );
    assert_eq!(
        rest.discover_version(ApiVersion::new(62, 0)).await.unwrap(),
        ApiVersion::new(62, 0)
    );
    assert!(rest.discover_version(ApiVersion::new(1, 0)).await.is_err());
}

#[tokio::test]
async fn describe_global_and_describe_with_if_modified_since() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let Conditional::Modified { value: global, .. } = rest.describe_global(None).await.unwrap()
    else {
        panic!("first describeGlobal is not conditional");
    };
    let account = global
        .sobjects
        .iter()
        .find(|s| s.name == "Account")
        .unwrap();
    assert_eq!(account.key_prefix.as_deref(), Some("001"));
    assert!(
        global
            .sobjects
            .iter()
            .any(|s| s.name == "Quality_Issue__c" && s.custom)
    );

    let Conditional::Modified { value: d, .. } = rest.describe("Account", None).await.unwrap()
    else {
        panic!("describe");
    };
    assert!(
        d.field("AnnualRevenue").is_some(),
        "the admin sees every field"
    );
    assert!(d.field("Name").unwrap().required_on_create());
    assert!(d.field("External_Id__c").unwrap().external_id);

    let later = OffsetDateTime::now_utc() + time::Duration::days(1);
    assert_eq!(
        rest.describe("Account", Some(later)).await.unwrap(),
        Conditional::NotModified
    );
    assert_eq!(
        rest.describe_global(Some(later)).await.unwrap(),
        Conditional::NotModified
    );
    let long_ago = OffsetDateTime::from_unix_timestamp(0).unwrap();
    assert!(matches!(
        rest.describe("Account", Some(long_ago)).await.unwrap(),
        Conditional::Modified { .. }
    ));

    let e = rest.describe("Nope__c", None).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = rest.describe("Account/../User", None).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e}");
}

#[tokio::test]
async fn query_pages_with_next_records_url() {
    let sim = Sim::start().await;
    sim.control(
        reqwest::Method::POST,
        "settings",
        json!({"query_batch_size": 7}),
    )
    .await;
    let (_, rest) = sim.admin().await;
    let guarded = soql::guard(
        "SELECT Id, Name, Owner.Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name",
        1000,
    )
    .unwrap();
    let mut page = rest.query(&guarded.soql).await.unwrap();
    let total = page.total_size;
    assert!(total > 7 && !page.done);
    let mut seen = page.records.len();
    while let Some(next) = page.next_records_url.clone() {
        page = rest.query_more(&next).await.unwrap();
        seen += page.records.len();
    }
    assert_eq!(seen as u64, total);
    let r = &page.records[0];
    assert!(r.id().is_some() && r.get("Name").is_some());
    r.child("Contacts").unwrap();

    let e = rest
        .query_more("https://evil.example/services/data/v62.0/query/x")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)));
    let e = rest
        .query_more("/services/data/../../secret")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)));

    let counted = rest.query("SELECT COUNT() FROM Account").await.unwrap();
    assert!(counted.total_size > 0 && counted.records.is_empty());
}

#[tokio::test]
async fn query_all_sees_deleted_rows() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let created = rest
        .create(
            "Contact",
            &body(json!({"LastName": "Gone", "Email": "gone@example.com"})),
        )
        .await
        .unwrap();
    let id = created.record_id().unwrap();
    rest.delete("Contact", &id).await.unwrap();
    let q = format!(
        "SELECT Id, IsDeleted FROM Contact WHERE Id = {}",
        soql::quote_literal(id.as_str())
    );
    assert_eq!(rest.query(&q).await.unwrap().total_size, 0);
    let all = rest.query_all(&q).await.unwrap();
    assert_eq!(all.total_size, 1);
    assert_eq!(all.records[0].get("IsDeleted"), Some(&json!(true)));
    let e = rest.get_record("Contact", &id, None).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
}

#[tokio::test]
async fn search_and_parameterized_search() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let name = rest
        .query("SELECT Name FROM Account LIMIT 1")
        .await
        .unwrap()
        .records[0]
        .get("Name")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let word = name.split_whitespace().next().unwrap().to_owned();
    let sosl = Search::new(&word)
        .returning(Returning::new("Account").fields(["Id", "Name"]).limit(5))
        .build()
        .unwrap();
    let found = rest.search(&sosl).await.unwrap();
    assert!(!found.search_records.is_empty());
    assert!(
        found
            .search_records
            .iter()
            .all(|r| r.attributes.as_ref().unwrap().sobject_type == "Account")
    );

    let p = ParameterizedSearch::new(&word).object("Account", &["Id", "Name"], Some(5));
    let found = rest.parameterized_search(&p).await.unwrap();
    assert!(!found.search_records.is_empty());

    let e = rest.search("FIND Acme").await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(f) if f.code() == Some("MALFORMED_SEARCH")),
        "{e}"
    );
}

#[tokio::test]
async fn record_crud_and_upsert_outcomes() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let created = rest
        .create(
            "Account",
            &body(json!({"Name": "Client Test Co", "External_Id__c": "EXT-1"})),
        )
        .await
        .unwrap();
    assert!(created.success);
    let id = created.record_id().unwrap();
    assert_eq!(id.key_prefix(), "001");

    let r = rest
        .get_record("Account", &id, Some(&["Name", "External_Id__c"]))
        .await
        .unwrap();
    assert_eq!(r.get("Name"), Some(&json!("Client Test Co")));
    let short = RecordId::parse(id.as_15()).unwrap();
    rest.get_record("Account", &short, None).await.unwrap();

    rest.update("Account", &id, &body(json!({"Phone": "555-0100"})))
        .await
        .unwrap();
    let r = rest
        .get_record("Account", &id, Some(&["Phone"]))
        .await
        .unwrap();
    assert_eq!(r.get("Phone"), Some(&json!("555-0100")));

    // Upsert: existing key → 200 created:false; new key → 201; duplicate key → 300.
    let out = rest
        .upsert(
            "Account",
            "External_Id__c",
            "EXT-1",
            &body(json!({"Description": "x"})),
        )
        .await
        .unwrap();
    assert!(
        matches!(&out, UpsertOutcome::Updated(Some(s)) if s.created == Some(false)),
        "{out:?}"
    );
    let out = rest
        .upsert(
            "Account",
            "External_Id__c",
            "EXT-2",
            &body(json!({"Name": "Second"})),
        )
        .await
        .unwrap();
    assert!(
        matches!(&out, UpsertOutcome::Created(s) if s.created == Some(true)),
        "{out:?}"
    );
    rest.create(
        "Account",
        &body(json!({"Name": "Dup", "External_Id__c": "EXT-DUP"})),
    )
    .await
    .unwrap();
    rest.create(
        "Account",
        &body(json!({"Name": "Dup 2", "External_Id__c": "EXT-DUP"})),
    )
    .await
    .unwrap();
    let out = rest
        .upsert(
            "Account",
            "External_Id__c",
            "EXT-DUP",
            &body(json!({"Description": "y"})),
        )
        .await
        .unwrap();
    assert!(
        matches!(&out, UpsertOutcome::MultipleMatches(urls) if urls.len() == 2),
        "{out:?}"
    );
    let found = rest
        .get_record_by_external_id("Account", "External_Id__c", "EXT-1", Some(&["Name"]))
        .await
        .unwrap();
    assert!(
        matches!(&found, ExternalIdMatch::One(r) if r.get("Name") == Some(&json!("Client Test Co"))),
        "{found:?}"
    );
    let found = rest
        .get_record_by_external_id("Account", "External_Id__c", "EXT-DUP", None)
        .await
        .unwrap();
    assert!(
        matches!(&found, ExternalIdMatch::Several(urls) if urls.len() == 2),
        "{found:?}"
    );
    let e = rest
        .get_record_by_external_id("Account", "External_Id__c", "EXT-NONE", None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = rest
        .upsert("Account", "Nope__c", "1", &body(json!({"Name": "x"})))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = rest
        .upsert(
            "Account",
            "External_Id__c",
            "EXT-1",
            &body(json!({"External_Id__c": "x"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e}");

    let contact = rest
        .create("Contact", &body(json!({"LastName": "Del"})))
        .await
        .unwrap()
        .record_id()
        .unwrap();
    rest.delete("Contact", &contact).await.unwrap();
    let e = rest.delete("Contact", &contact).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = rest
        .create(
            "Account",
            &body(json!({"Id": "001000000000001", "Name": "x"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e}");
}

#[tokio::test]
async fn limits_record_counts_and_limit_header() {
    let sim = Sim::start().await;
    let (_, rest) = sim.admin().await;
    let limits = rest.limits().await.unwrap();
    assert!(limits["DailyApiRequests"].max > 0);
    let info = rest
        .last_limit_info()
        .expect("Sforce-Limit-Info on every response");
    assert!(info.api_usage.unwrap().used >= 1);
    let counts = rest.record_counts(&["Account", "Contact"]).await.unwrap();
    assert!(
        counts
            .sobjects
            .iter()
            .any(|c| c.name == "Account" && c.count > 0)
    );
}
