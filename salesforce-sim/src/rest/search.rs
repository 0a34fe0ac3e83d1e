//! SOSL (`/search?q=FIND {…} …`) and `/parameterizedSearch`.
//!
//! The search term picks records (case-insensitive word match, `*` and `?` wildcards, OR
//! between alternatives, AND by default); each RETURNING clause then runs as SOQL restricted to
//! those records, which gives field lists, WHERE, ORDER BY and LIMIT the SOQL semantics.

use std::collections::{HashMap, HashSet};

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};

use crate::rest::{Session, rest_error};
use crate::schema::{FieldType, ObjectDef};
use crate::server::Ctx;
use crate::soql::{self, Out, Scope};
use crate::store::Record;

/// Salesforce returns at most 2,000 search results.
const MAX_RESULTS: usize = 2000;

fn malformed(message: &str) -> Response {
    rest_error(StatusCode::BAD_REQUEST, "MALFORMED_SEARCH", message, &[])
}

struct Returning {
    object: String,
    /// `fields [WHERE …] [ORDER BY …] [LIMIT n]`, or empty for `Id` only.
    clause: String,
}

struct Search {
    term: String,
    scope: String,
    returning: Vec<Returning>,
    limit: Option<usize>,
}

fn keyword_at(text: &str, at: usize, word: &str) -> bool {
    text.get(at..at + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

fn parse(q: &str) -> Result<Search, Response> {
    let text = q.trim();
    if !keyword_at(text, 0, "FIND") {
        return Err(malformed("unexpected token: FIND expected"));
    }
    let rest = text[4..].trim_start();
    if !rest.starts_with('{') {
        return Err(malformed(
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let mut term = String::new();
    let mut chars = rest[1..].char_indices();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => term.extend(chars.next().map(|(_, c)| c)),
            '}' => {
                end = Some(i + 2);
                break;
            }
            _ => term.push(c),
        }
    }
    let Some(end) = end else {
        return Err(malformed(
            "No search term found. The search term must be enclosed in braces.",
        ));
    };
    if term.trim().chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(malformed("search term must be longer than one character"));
    }
    let mut rest = rest[end..].trim_start();
    let mut search = Search {
        term,
        scope: "ALL".into(),
        returning: Vec::new(),
        limit: None,
    };
    if keyword_at(rest, 0, "IN ") {
        let mut words = rest[3..].split_whitespace();
        search.scope = words.next().unwrap_or_default().to_ascii_uppercase();
        if !words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("FIELDS"))
        {
            return Err(malformed("unexpected token: expecting FIELDS"));
        }
        rest = rest[3..].trim_start()[search.scope.len()..].trim_start()[6..].trim_start();
    }
    if keyword_at(rest, 0, "RETURNING ") {
        rest = rest[10..].trim_start();
        loop {
            let name_end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let object = rest[..name_end].to_string();
            if object.is_empty() {
                return Err(malformed(&format!(
                    "unexpected token: {}",
                    rest.split_whitespace().next().unwrap_or("<EOF>")
                )));
            }
            rest = rest[name_end..].trim_start();
            let mut clause = String::new();
            if rest.starts_with('(') {
                let close = rest
                    .find(')')
                    .ok_or_else(|| malformed("unexpected token: <EOF>"))?;
                clause = rest[1..close].trim().to_string();
                rest = rest[close + 1..].trim_start();
            }
            search.returning.push(Returning { object, clause });
            if !rest.starts_with(',') {
                break;
            }
            rest = rest[1..].trim_start();
        }
    }
    if keyword_at(rest, 0, "LIMIT ") {
        let n = rest[6..].trim();
        search.limit = Some(
            n.parse()
                .map_err(|_| malformed(&format!("unexpected token: {n}")))?,
        );
        rest = "";
    }
    if !rest.is_empty() {
        return Err(malformed(&format!(
            "unexpected token: {}",
            rest.split_whitespace().next().unwrap_or_default()
        )));
    }
    Ok(search)
}

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
        alternative
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter(|w| !w.is_empty() && *w != "AND")
            .all(|word| {
                let pattern: Vec<char> = word
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == '*' || *c == '?')
                    .collect();
                pattern.is_empty() || tokens.iter().any(|t| word_matches(&pattern, t))
            })
    })
}

fn run(ctx: &Ctx, session: &Session, search: Search) -> Response {
    let state = ctx.sim.lock();
    let Some(org) = state.org(&session.org_id) else {
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
            .filter(|o| o.searchable)
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
        let Some(object) = ctx.sim.schema.object(&spec.object) else {
            let message = format!(
                "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append \
                 the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                spec.object
            );
            return rest_error(StatusCode::BAD_REQUEST, "INVALID_TYPE", &message, &[]);
        };
        let hits: HashSet<String> = org
            .store
            .records(object.name)
            .iter()
            .filter(|r| !r.deleted() && record_matches(&search.term, object, r, &search.scope))
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
            store: &org.store,
            profile: session.profile,
            version: &session.version,
            include_deleted: false,
            only: Some(&hits),
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
    let objects: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "sobject")
        .map(|(_, v)| v.clone())
        .collect();
    let mut fields_by_object: HashMap<String, String> = HashMap::new();
    for object in &objects {
        let mut clause = get(&format!("{object}.fields"))
            .or_else(|| get("fields"))
            .unwrap_or_else(|| "Id".into());
        if let Some(filter) = get(&format!("{object}.where")) {
            clause.push_str(&format!(" WHERE {filter}"));
        }
        if let Some(limit) = get(&format!("{object}.limit")).or_else(|| get("defaultLimit")) {
            clause.push_str(&format!(" LIMIT {limit}"));
        }
        fields_by_object.insert(object.clone(), clause);
    }
    let search = Search {
        term,
        scope: get("in")
            .unwrap_or_else(|| "ALL".into())
            .to_ascii_uppercase(),
        returning: objects
            .iter()
            .map(|o| Returning {
                object: o.clone(),
                clause: fields_by_object.remove(o).unwrap_or_default(),
            })
            .collect(),
        limit: get("overallLimit").and_then(|n| n.parse().ok()),
    };
    run(&ctx, &session, search)
}
