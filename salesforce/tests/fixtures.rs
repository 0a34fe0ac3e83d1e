//! Every recorded payload in `shared/salesforce/fixtures/{rest,oauth,errors}` is read by the
//! client's own types, and every real record id in the fixtures passes the checksum.

mod common;

use common::{fixture, fixture_files};
use salesforce::rest::*;
use salesforce::{Error, GrantCause, HostPolicy, RecordId, oauth::*};
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> T {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Parses one REST fixture with the type its endpoint answers with; every file must be claimed.
fn parse_rest(name: &str, b: &[u8]) {
    match name {
        n if n.starts_with("versions_list") => {
            let v: Vec<VersionInfo> = parse(n, b);
            assert!(
                v.iter().any(|v| v.label.contains('’')),
                "typographic apostrophe kept"
            );
            assert!(v.iter().all(|v| ApiVersion::parse(&v.version).is_ok()));
        }
        n if n.starts_with("describe_global") => {
            let g: DescribeGlobal = parse(n, b);
            assert_eq!(g.sobjects.len(), 110);
            assert!(g.sobjects.iter().any(|s| s.is_user_facing()));
            assert!(g.sobjects.iter().all(|s| !s.urls.is_empty()));
        }
        n if n.starts_with("describe_") => {
            let d: SObjectDescribe = parse(n, b);
            assert!(!d.fields.is_empty(), "{n}");
            assert!(!d.extra.is_empty(), "{n}: unknown keys are kept");
            if n.starts_with("describe_account") {
                assert_eq!((d.fields.len(), d.child_relationships.len()), (68, 102));
                assert!(
                    d.record_type_infos
                        .iter()
                        .any(|r| r.master
                            && r.record_type_id.as_deref() == Some("012000000000000AAA"))
                );
                assert!(d.field("Name").unwrap().field_type == "string");
            }
        }
        n if n.starts_with("query_") => {
            let q: QueryResult = parse(n, b);
            assert!(q.records.len() as u64 <= q.total_size.max(q.records.len() as u64));
            assert_eq!(q.done, q.next_records_url.is_none(), "{n}");
            if n.starts_with("query_with_child_subquery") {
                let children: Vec<_> = q
                    .records
                    .iter()
                    .map(|r| r.child("Opportunities").unwrap())
                    .collect();
                assert!(children.iter().any(Option::is_none), "null children");
                assert!(children.iter().any(Option::is_some), "nested result");
            }
            if n.starts_with("query_aggregate_count") {
                assert_eq!(
                    q.records[0].attributes.as_ref().unwrap().sobject_type,
                    "AggregateResult"
                );
                assert!(q.records[0].get("expr0").is_some());
            }
        }
        n if n.starts_with("search_") => {
            let s: SearchResult = parse(n, b);
            assert_eq!(s.search_records.len(), 2, "{n}");
        }
        n if n.starts_with("record_get_") => {
            let r: Record = parse(n, b);
            assert!(r.attributes.is_some() && !r.fields.is_empty(), "{n}");
        }
        n if n.starts_with("create_") || n.starts_with("upsert_") => {
            let s: SaveResult = parse(n, b);
            assert!(s.success && s.errors.is_empty(), "{n}");
            if n.contains("cumulusci") {
                assert_eq!(s.record_id().unwrap().key_prefix(), "001");
            }
        }
        n if n.starts_with("composite_sobjects_") => {
            let rs: Vec<SaveResult> = parse(n, b);
            assert!(rs.iter().all(|r| r.success), "{n}");
            if n.contains("mixed") {
                assert!(rs.iter().any(|r| r.created == Some(false)));
                assert!(rs.iter().any(|r| r.created == Some(true)));
            }
        }
        n if n.starts_with("composite_response") => {
            let c: CompositeResponse = parse(n, b);
            assert!(!c.composite_response.is_empty());
            if n.contains("304") {
                assert!(
                    c.composite_response
                        .iter()
                        .any(|s| s.http_status_code == 304)
                );
            }
        }
        n if n.starts_with("limits_recordcount") => {
            let c: RecordCounts = parse(n, b);
            assert_eq!(c.sobjects[0].name, "Account");
        }
        n if n.starts_with("limits") => {
            let l: Limits = parse(n, b);
            assert_eq!(l["DailyApiRequests"].max, 15000);
        }
        n if n.starts_with("get_deleted") => {
            let d: DeletedRecords = parse(n, b);
            assert_eq!(d.deleted_records.len(), 1);
        }
        n if n.starts_with("get_updated") => {
            let u: UpdatedRecords = parse(n, b);
            assert_eq!(u.ids.len(), 7);
        }
        n => panic!("no type claims rest fixture {n}: add it here"),
    }
}

#[test]
fn every_rest_fixture_parses() {
    let files = fixture_files("rest");
    assert!(files.len() >= 33);
    for (name, bytes) in files {
        parse_rest(&name, &bytes);
    }
}

#[test]
fn paginated_fixtures_chain() {
    let first: QueryResult = parse(
        "first",
        &fixture("rest/query_paginated_first_page.restforce.json"),
    );
    let last: QueryResult = parse(
        "last",
        &fixture("rest/query_paginated_last_page.restforce.json"),
    );
    assert_eq!(
        first.next_records_url.as_deref(),
        Some("/services/data/v26.0/query/01gD")
    );
    assert!(!first.done && last.done);
}

#[test]
fn every_oauth_fixture_parses() {
    let policy = HostPolicy::salesforce_only();
    for (name, bytes) in fixture_files("oauth") {
        match name.as_str() {
            n if n.starts_with("token_response_web_server") => {
                // Upstream wraps the object in an array (SOURCES.md); unwrap [0].
                let arr: Vec<Value> = parse(n, &bytes);
                let body = serde_json::to_vec(&arr[0]).unwrap();
                let t = TokenSet::from_json(&body, &policy).unwrap();
                assert!(t.refresh_token.is_some() && t.refresh_token_issued);
                assert!(t.id_token.is_some());
                assert_eq!(t.scopes, ["id", "api", "openid", "refresh_token"]);
                assert_eq!(t.issued_at_ms(), "1401477817387");
                assert_eq!(t.instance_url.as_str(), "https://na15.salesforce.com/");
                let (org, user) = t.org_and_user().unwrap();
                assert_eq!(
                    (org.as_str(), user.as_str()),
                    ("00Di0000000aCvZEAU", "005i0000000fWxdAAE")
                );
                assert!(
                    !format!("{t:?}").contains("5Aep861"),
                    "Debug hides the refresh token"
                );
            }
            n if n.starts_with("token_response_password_flow")
                || n.starts_with("refresh_response") =>
            {
                let t = TokenSet::from_json(&bytes, &policy).unwrap();
                assert_eq!(
                    t.token_type, "Bearer",
                    "{n}: missing token_type means Bearer"
                );
                assert!(t.refresh_token.is_none() && t.scopes.is_empty(), "{n}");
                assert!(t.issued_at.year() >= 2010);
            }
            n if n.starts_with("token_error") || n.starts_with("refresh_error") => {
                let e = Error::from_response(400, &bytes);
                let want = if n.starts_with("refresh") {
                    GrantCause::ExpiredOrRevoked
                } else {
                    GrantCause::AuthenticationFailure
                };
                assert!(
                    matches!(&e, Error::RefreshRevoked { cause, .. } if *cause == want),
                    "{n}: {e}"
                );
                assert!(!e.is_retryable());
            }
            n if n.starts_with("identity_url_response") => {
                let i: Identity = parse(n, &bytes);
                assert!(i.urls.contains_key("rest") && !i.extra.is_empty());
            }
            n if n.starts_with("userinfo_response") => {
                let u: UserInfo = parse(n, &bytes);
                assert!(u.sub.ends_with(&u.user_id));
            }
            n if n.starts_with("openid_configuration") => {
                let v: Value = parse(n, &bytes);
                for key in [
                    "authorization_endpoint",
                    "token_endpoint",
                    "revocation_endpoint",
                    "userinfo_endpoint",
                ] {
                    let url = url::Url::parse(v[key].as_str().unwrap()).unwrap();
                    policy
                        .check_api_url(&url)
                        .unwrap_or_else(|e| panic!("{key}: {e}"));
                }
            }
            n => panic!("no type claims oauth fixture {n}: add it here"),
        }
    }
}

#[test]
fn every_error_fixture_is_classified() {
    for (name, bytes) in fixture_files("errors") {
        match name.as_str() {
            n if n.starts_with("invalid_session_id_401") => {
                assert!(matches!(
                    Error::from_response(401, &bytes),
                    Error::SessionExpired(_)
                ));
            }
            n if n.starts_with("not_found_") => {
                let e = Error::from_response(404, &bytes);
                assert!(matches!(e, Error::NotFound(_)), "{n}: {e}");
            }
            n if n.starts_with("invalid_field_write") => {
                let e = Error::from_response(400, &bytes);
                assert!(
                    matches!(&e, Error::Permission(f) if f.code() == Some("INVALID_FIELD")),
                    "{e}"
                );
            }
            n if n.starts_with("malformed_search") => {
                let e = Error::from_response(400, &bytes);
                assert!(
                    matches!(&e, Error::Api(f) if f.code() == Some("MALFORMED_SEARCH")),
                    "{e}"
                );
                assert!(e.to_string().contains("enclosed in braces"));
            }
            n if n.starts_with("upsert_300") => {
                let urls: Vec<String> = parse(n, &bytes);
                assert_eq!(urls.len(), 2);
            }
            n if n.starts_with("composite_subrequest") => {
                let c: CompositeResponse = parse(n, &bytes);
                let errors: Vec<Error> = c
                    .composite_response
                    .iter()
                    .filter_map(|s| s.error())
                    .collect();
                assert_eq!(errors.len(), 1, "{n}");
                let want_invalid_type = n.contains("invalid_type");
                match &errors[0] {
                    Error::Permission(f) if want_invalid_type => {
                        assert!(f.errors[0].message.contains("ERROR at Row:1:Column:21"));
                    }
                    Error::NotFound(_) if !want_invalid_type => {}
                    other => panic!("{n}: {other}"),
                }
            }
            n => panic!("no type claims error fixture {n}: add it here"),
        }
    }
}

/// Placeholder ids that upstream projects invented or anonymized: right shape, no valid suffix.
const PLACEHOLDER_IDS: &[&str] = &[
    "0010xACCOUNTID0000", // CumulusCI anonymized account id
    "00D0xORGID00000000", // CumulusCI anonymized org id
    "005xx000000aWwRQAU", // django-allauth template value
    "00Dxx00000000000A0", // django-allauth template value
];

#[test]
fn every_real_id_in_the_fixtures_passes_the_checksum() {
    let mut valid = std::collections::BTreeSet::new();
    let mut placeholders = std::collections::BTreeSet::new();
    for sub in ["rest", "oauth", "errors", "requests"] {
        for (name, bytes) in fixture_files(sub) {
            let v: Value = parse(&name, &bytes);
            let mut candidates = Vec::new();
            collect_ids(&v, None, &mut candidates);
            for c in candidates {
                match RecordId::parse(&c) {
                    Ok(id) => {
                        if c.len() == 18 {
                            assert_eq!(id.as_str(), c, "{name}: canonical form");
                        }
                        valid.insert(c);
                    }
                    Err(e) => {
                        assert!(PLACEHOLDER_IDS.contains(&c.as_str()), "{name}: {c}: {e}");
                        placeholders.insert(c);
                    }
                }
            }
        }
    }
    let real_18 = valid.iter().filter(|c| c.len() == 18).count();
    assert!(real_18 >= 58, "only {real_18} real 18-character ids found");
    assert_eq!(
        placeholders.len(),
        PLACEHOLDER_IDS.len(),
        "every listed placeholder is still present"
    );
}

/// Id-looking values: fields named `Id`/`id`/`…Id`/`…_id`, and path segments of URLs
/// (`attributes.url`, identity URLs). Must contain a digit, so words like `AccountContactRole`
/// are not mistaken for ids.
fn collect_ids(v: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| collect_ids(x, Some(k), out)),
        Value::Array(a) => a.iter().for_each(|x| collect_ids(x, key, out)),
        Value::String(s) => {
            let id_key = key.is_some_and(|k| {
                matches!(k, "Id" | "id" | "ids") || k.ends_with("Id") || k.ends_with("_id")
            });
            let mut cands: Vec<&str> = s.split('/').collect();
            if id_key {
                cands.push(s);
            } else if !s.contains('/') {
                cands.clear();
            }
            for c in cands {
                let shaped = (c.len() == 15 || c.len() == 18)
                    && c.chars().all(|ch| ch.is_ascii_alphanumeric())
                    && c.chars().any(|ch| ch.is_ascii_digit());
                if shaped {
                    out.push(c.to_owned());
                }
            }
        }
        _ => {}
    }
}
