//! SOSL (`/search?q=FIND {…} …`) and `/parameterizedSearch`.
//!
//! The search term picks records (case-insensitive word match, `*` and `?` wildcards, OR
//! between alternatives, AND by default); each RETURNING clause then runs as SOQL restricted to
//! those records, which gives field lists, WHERE, ORDER BY and LIMIT the SOQL semantics.

use std::collections::HashSet;

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use serde::Deserialize;

use super::sosl::{Returning, Search, malformed, parse};
use crate::rest::{Session, rest_error};
use crate::schema::{FieldType, ObjectDef};
use crate::server::Ctx;
use crate::soql::{self, Out, Scope};
use crate::store::Record;

/// Salesforce returns at most 2,000 search results.
const MAX_RESULTS: usize = 2000;

/// `word*` prefix, `w?rd` one character, otherwise the whole token (case-insensitive).
fn word_matches(pattern: &[char], token: &[char]) -> bool {
    match (pattern.first(), token.first()) {
        (None, None) => true,
        (Some('*'), _) => (0..=token.len()).any(|i| word_matches(&pattern[1..], &token[i..])),
        (Some('?'), Some(_)) => word_matches(&pattern[1..], &token[1..]),
        (Some(p), Some(t)) => p == t && word_matches(&pattern[1..], &token[1..]),
        _ => false,
    }
}

fn record_matches(term: &str, object: &ObjectDef, record: &Record, scope: &str) -> bool {
    let in_scope = |kind: FieldType, name_field: bool| match scope {
        "NAME" => name_field,
        "EMAIL" => kind == FieldType::Email,
        "PHONE" => kind == FieldType::Phone,
        _ => kind.is_text(),
    };
    let tokens: Vec<Vec<char>> = object
        .fields
        .iter()
        .filter(|f| in_scope(f.kind, f.name_field))
        .filter_map(|f| record.get(f.name).as_str())
        .flat_map(|v| {
            v.split(|c: char| !c.is_alphanumeric())
                .map(|t| t.to_lowercase().chars().collect())
                .collect::<Vec<_>>()
        })
        .filter(|t: &Vec<char>| !t.is_empty())
        .collect();
    term.split(" OR ").any(|alternative| {
        // Words are tokenized like the indexed text: `Acme-Widgets` means `Acme` and `Widgets`.
        alternative
            .split_whitespace()
            .filter(|w| *w != "AND")
            .flat_map(|w| w.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?')))
            .filter(|w| !w.is_empty())
            .all(|word| {
                let pattern: Vec<char> = word.to_lowercase().chars().collect();
                tokens.iter().any(|t| word_matches(&pattern, t))
            })
    })
}

fn run(ctx: &Ctx, session: &Session, search: Search) -> Response {
    let state = ctx.sim.lock();
    let Some((store, viewer)) = session.viewer(&state) else {
        return rest_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
            &[],
        );
    };
    let returning = if search.returning.is_empty() {
        ctx.sim
            .schema
            .objects
            .iter()
            .filter(|o| o.searchable && viewer.reads(o))
            .map(|o| Returning {
                object: o.name.into(),
                clause: String::new(),
            })
            .collect()
    } else {
        search.returning
    };
    let mut results = Vec::new();
    for spec in returning {
        let Some(object) = ctx
            .sim
            .schema
            .object(&spec.object)
            .filter(|o| viewer.reads(o))
        else {
            let message = format!(
                "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append \
                 the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                spec.object
            );
            return rest_error(StatusCode::BAD_REQUEST, "INVALID_TYPE", &message, &[]);
        };
        let hits: HashSet<String> = store
            .records(object.name)
            .iter()
            .filter(|r| !r.deleted() && viewer.can_read(r))
            .filter(|r| record_matches(&search.term, object, r, &search.scope))
            .map(|r| r.id.clone())
            .collect();
        let upper = spec.clause.to_ascii_uppercase();
        let split = [" WHERE ", " ORDER BY ", " LIMIT "]
            .iter()
            .filter_map(|k| upper.find(k))
            .min()
            .unwrap_or(spec.clause.len());
        let fields = if spec.clause.is_empty() {
            "Id"
        } else {
            spec.clause[..split].trim()
        };
        let soql_text = format!(
            "SELECT {fields} FROM {} {}",
            object.name,
            &spec.clause[split..]
        );
        let scope = Scope {
            schema: &ctx.sim.schema,
            store,
            viewer: &viewer,
            version: &session.version,
            include_deleted: false,
            only: Some(&hits),
            child_batch: usize::MAX,
            child_pages: Default::default(),
        };
        match soql::parse(&soql_text).and_then(|q| soql::run(&q, &scope)) {
            Ok(rows) => results.extend(rows.rows),
            Err(e) => return e.response(&soql_text),
        }
    }
    results.truncate(search.limit.unwrap_or(MAX_RESULTS).min(MAX_RESULTS));
    // API 37.0 wrapped the list in `searchRecords`; older versions answer a bare array.
    let major: u32 = session
        .version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 37 {
        return Json(Out::List(results)).into_response();
    }
    let mut body = Out::row();
    body.set("searchRecords", Out::List(results));
    Json(body).into_response()
}

fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub async fn sosl(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = pairs(raw);
    let Some((_, q)) = params.iter().find(|(k, _)| k == "q") else {
        return malformed("No search term found. The search term must be enclosed in braces.");
    };
    match parse(q) {
        Ok(search) => run(&ctx, &session, search),
        Err(response) => response,
    }
}

/// `fields [WHERE …] [LIMIT n]` of one RETURNING object.
fn clause(fields: Option<String>, filter: Option<String>, limit: Option<String>) -> String {
    let mut clause = fields.unwrap_or_else(|| "Id".into());
    if let Some(filter) = filter {
        clause.push_str(&format!(" WHERE {filter}"));
    }
    if let Some(limit) = limit {
        clause.push_str(&format!(" LIMIT {limit}"));
    }
    clause
}

/// `GET /parameterizedSearch?q=…&sobject=A&A.fields=…&A.where=…&A.limit=…&in=…&overallLimit=…`.
pub async fn parameterized(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = pairs(raw);
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let Some(term) = get("q").filter(|q| !q.trim().is_empty()) else {
        return malformed("Missing search term: q");
    };
    let returning = params
        .iter()
        .filter(|(k, _)| k == "sobject")
        .map(|(_, object)| Returning {
            object: object.clone(),
            clause: clause(
                get(&format!("{object}.fields")).or_else(|| get("fields")),
                get(&format!("{object}.where")),
                get(&format!("{object}.limit")).or_else(|| get("defaultLimit")),
            ),
        })
        .collect();
    let scope = get("in")
        .unwrap_or_else(|| "ALL".into())
        .to_ascii_uppercase();
    let limit = get("overallLimit").and_then(|n| n.parse().ok());
    run(
        &ctx,
        &session,
        Search {
            term,
            scope,
            returning,
            limit,
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchBody {
    q: String,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    sobjects: Vec<SobjectSpec>,
    #[serde(rename = "in")]
    scope: Option<String>,
    overall_limit: Option<usize>,
    default_limit: Option<usize>,
}

#[derive(Deserialize)]
struct SobjectSpec {
    name: String,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(rename = "where")]
    filter: Option<String>,
    limit: Option<usize>,
}

/// `POST /parameterizedSearch` with the JSON body form of the same parameters.
pub async fn parameterized_post(
    State(ctx): State<Ctx>,
    Extension(session): Extension<Session>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(body) = serde_json::from_slice::<SearchBody>(&body) else {
        return rest_error(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            "The request body is not a valid search request",
            &[],
        );
    };
    let list = |fields: &[String]| (!fields.is_empty()).then(|| fields.join(", "));
    let returning = body
        .sobjects
        .iter()
        .map(|o| Returning {
            object: o.name.clone(),
            clause: clause(
                list(&o.fields).or_else(|| list(&body.fields)),
                o.filter.clone(),
                o.limit.or(body.default_limit).map(|n| n.to_string()),
            ),
        })
        .collect();
    let scope = body
        .scope
        .unwrap_or_else(|| "ALL".into())
        .to_ascii_uppercase();
    run(
        &ctx,
        &session,
        Search {
            term: body.q,
            scope,
            returning,
            limit: body.overall_limit,
        },
    )
}
