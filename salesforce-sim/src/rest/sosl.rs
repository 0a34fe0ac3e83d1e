//! The SOSL statement: `FIND {term} [IN … FIELDS] [RETURNING Obj[(clause)], …] [LIMIT n]`.

use axum::http::StatusCode;
use axum::response::Response;

use crate::rest::rest_error;

pub(super) fn malformed(message: &str) -> Response {
    rest_error(StatusCode::BAD_REQUEST, "MALFORMED_SEARCH", message, &[])
}

pub(super) struct Returning {
    pub(super) object: String,
    /// `fields [WHERE …] [ORDER BY …] [LIMIT n]`, or empty for `Id` only.
    pub(super) clause: String,
}

pub(super) struct Search {
    pub(super) term: String,
    pub(super) scope: String,
    pub(super) returning: Vec<Returning>,
    pub(super) limit: Option<usize>,
}

fn keyword_at(text: &str, at: usize, word: &str) -> bool {
    text.get(at..at + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

pub(super) fn parse(q: &str) -> Result<Search, Response> {
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
