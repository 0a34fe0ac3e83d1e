//! SOQL: parser and evaluator, written from the SOQL reference (not shared with the client).
//!
//! Supported: field lists with parent paths (`Account.Owner.Name`), FROM aliases, FIELDS(),
//! toLabel / convertCurrency / FORMAT, child sub-queries, TYPEOF, COUNT(), COUNT/COUNT_DISTINCT/
//! SUM/MIN/MAX/AVG with GROUP BY (ROLLUP, CUBE, GROUPING(), date functions) and HAVING, WHERE
//! (= != < > <= >= LIKE IN NOT IN INCLUDES EXCLUDES, semi-joins, AND OR NOT, literals including
//! currency amounts and every relative date literal), USING SCOPE, WITH, ORDER BY, LIMIT,
//! OFFSET. Anything else is a MALFORMED_QUERY with Salesforce's "ERROR at Row:1:Column:N" message.

mod aggregate;
mod ast;
mod conditions;
mod dates;
mod eval;
mod expand;
mod filter;
mod format;
mod lexer;
mod out;
mod parser;
mod resolve;
mod rows;
mod select_list;

pub use eval::{Scope, run};
pub use out::Out;
pub use parser::parse;

use axum::http::StatusCode;
use axum::response::Response;

use crate::rest::rest_error;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    MalformedQuery,
    InvalidField,
    InvalidType,
}

#[derive(Clone, Debug)]
pub struct SoqlError {
    pub kind: ErrorKind,
    /// 0-based character offset of the offending token.
    pub pos: usize,
    pub message: String,
}

impl SoqlError {
    /// `{what}: {path}`, at the path.
    pub(crate) fn about(kind: ErrorKind, what: &str, path: &ast::Path) -> Self {
        SoqlError {
            kind,
            pos: path.pos,
            message: format!("{what}: {}", path.parts.join(".")),
        }
    }

    pub fn malformed(pos: usize, message: String) -> Self {
        SoqlError {
            kind: ErrorKind::MalformedQuery,
            pos,
            message,
        }
    }

    pub fn invalid_field(pos: usize, field: &str, object: &str) -> Self {
        let message = format!(
            "No such column '{field}' on entity '{object}'. If you are attempting to use a custom field, be sure to \
             append the '__c' after the custom field name. Please reference your WSDL or the describe call for the \
             appropriate names."
        );
        SoqlError {
            kind: ErrorKind::InvalidField,
            pos,
            message,
        }
    }

    pub fn invalid_type(pos: usize, object: &str) -> Self {
        let message = format!(
            "sObject type '{object}' is not supported. If you are attempting to use a custom object, be sure to \
             append the '__c' after the entity name. Please reference your WSDL or the describe call for the \
             appropriate names."
        );
        SoqlError {
            kind: ErrorKind::InvalidType,
            pos,
            message,
        }
    }

    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::MalformedQuery => "MALFORMED_QUERY",
            ErrorKind::InvalidField => "INVALID_FIELD",
            ErrorKind::InvalidType => "INVALID_TYPE",
        }
    }

    /// Salesforce's message: the query line, a caret under the error, the position, the reason.
    pub fn full_message(&self, query: &str) -> String {
        let line: String = query
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        format!(
            "\n{line}\n{}^\nERROR at Row:1:Column:{}\n{}",
            " ".repeat(self.pos),
            self.pos + 1,
            self.message
        )
    }

    pub fn response(&self, query: &str) -> Response {
        rest_error(
            StatusCode::BAD_REQUEST,
            self.code(),
            &self.full_message(query),
            &[],
        )
    }
}
