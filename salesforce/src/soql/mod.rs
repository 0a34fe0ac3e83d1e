//! SOQL: a read-only guard built on a real parser, and literal escaping (API-NOTES §7).
//!
//! [`guard`] accepts exactly one SELECT (sub-queries, semi-joins, TYPEOF, aggregates, date
//! literals; no bind variables), refuses everything else with the character position, refuses
//! the clauses that write, and makes sure the statement has a LIMIT no larger than the caller's.

mod ast;
mod clauses;
mod escape;
mod lexer;
mod parser;

pub use ast::*;
pub use escape::{escape_like, escape_literal, quote_literal};

/// Why a statement was refused, and where (a character offset into the input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at position {position}")]
pub struct SoqlError {
    pub position: usize,
    pub kind: SoqlErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoqlErrorKind {
    #[error("the query is empty")]
    Empty,
    #[error("only SELECT is allowed, not {0}")]
    NotSelect(String),
    #[error("';' is not allowed: send one statement")]
    StatementSeparator,
    #[error("comments are not SOQL")]
    Comment,
    #[error("bind variables are not allowed; put the value in as an escaped literal")]
    BindVariable,
    #[error("{0} writes to Salesforce and is not allowed in a read")]
    WritingClause(String),
    #[error("unexpected character {0:?}")]
    UnexpectedChar(char),
    #[error("unterminated string literal")]
    UnterminatedString,
    #[error("invalid escape {0} in a string literal")]
    BadEscape(String),
    #[error("invalid literal {0}")]
    BadLiteral(String),
    #[error("expected {expected}, found {found}")]
    Expected { expected: String, found: String },
    #[error("unexpected {0} after the end of the statement")]
    TrailingInput(String),
    #[error("the query is nested too deeply")]
    TooDeep,
}

/// What the guard did to LIMIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitChange {
    /// The statement's own LIMIT was within the maximum.
    Kept,
    /// There was none; the maximum was added.
    Added,
    /// The statement asked for more; it now asks for the maximum.
    Clamped { requested: u64 },
    /// `SELECT COUNT() …` returns no rows, so a LIMIT would only cap the count.
    NotNeeded,
}

/// A statement that passed the guard.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardedQuery {
    /// The text to send: the input with LIMIT added or clamped, otherwise unchanged.
    pub soql: String,
    pub limit_change: LimitChange,
    pub query: Query,
}

impl GuardedQuery {
    /// The main object (the first FROM item, e.g. `Account`).
    pub fn object(&self) -> &str {
        &self.query.from[0].path[0]
    }
}

/// Parses `soql` as one read-only SELECT and caps its LIMIT at `max_limit`.
pub fn guard(soql: &str, max_limit: u64) -> Result<GuardedQuery, SoqlError> {
    let mut query = parse(soql)?;
    let (text, limit_change) = match (query.limit, query.spans.limit_value) {
        (Some(n), Some((start, end))) if n > max_limit => (
            format!("{}{max_limit}{}", &soql[..start], &soql[end..]),
            LimitChange::Clamped { requested: n },
        ),
        (Some(_), _) => (soql.to_owned(), LimitChange::Kept),
        (None, _) if is_count_only(&query) => (soql.to_owned(), LimitChange::NotNeeded),
        (None, _) => {
            // LIMIT comes before OFFSET; FOR/UPDATE clauses were refused, so otherwise it is last.
            let text = match query.spans.offset_start {
                Some(at) => format!("{}LIMIT {max_limit} {}", &soql[..at], &soql[at..]),
                None => {
                    let at = query.spans.end;
                    format!("{} LIMIT {max_limit}{}", &soql[..at], &soql[at..])
                }
            };
            (text, LimitChange::Added)
        }
    };
    if limit_change != LimitChange::NotNeeded {
        query.limit = Some(query.limit.map_or(max_limit, |n| n.min(max_limit)));
    }
    Ok(GuardedQuery {
        soql: text,
        limit_change,
        query,
    })
}

/// Parses one SELECT without changing anything.
pub fn parse(soql: &str) -> Result<Query, SoqlError> {
    parser::Parser::new(lexer::tokenize(soql)?).statement()
}

fn is_count_only(q: &Query) -> bool {
    q.group_by.is_empty()
        && matches!(q.select.as_slice(), [SelectItem::Field { expr: FieldExpr::Call { name, args }, .. }]
            if name.eq_ignore_ascii_case("COUNT") && args.is_empty())
}

/// Decodes the single string literal in `'…'`, for tests of the escaper.
#[cfg(test)]
pub(crate) fn decode_literal(quoted: &str) -> Result<String, SoqlError> {
    match lexer::tokenize(quoted)?.as_slice() {
        [
            lexer::Token {
                tok: lexer::Tok::Str(s),
                ..
            },
            _eof,
        ] => Ok(s.clone()),
        _ => Err(SoqlError {
            position: 0,
            kind: SoqlErrorKind::Empty,
        }),
    }
}

/// The guard's accept/refuse table. Public only so the simulator's tests can run every
/// statement the guard accepts and check that the simulator understands it too.
#[doc(hidden)]
pub mod cases;
#[cfg(test)]
mod tests;
