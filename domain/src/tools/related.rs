//! `get_related_records`: a parent record's children through one child relationship (an
//! Account's Cases), as a read-only query the guard checks, with the query tool's budget and
//! cursor.

use salesforce::soql::quote_literal;
use serde::Deserialize;
use serde_json::Value;

use super::Touched;
use super::reads::{self, Query};
use crate::access::Actor;
use crate::error::{DomainError, DomainResult};
use crate::vault::Vault;
use crate::workspace::{Workspace, record_id_of};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Related {
    object: String,
    id: String,
    relationship: String,
    #[serde(default)]
    fields: Vec<String>,
    /// A SOQL condition on the children, e.g. `IsClosed = false`.
    filter: Option<String>,
    budget_bytes: Option<usize>,
}

pub async fn get_related_records(
    w: &Workspace,
    vault: &Vault,
    actor: &Actor,
    a: Related,
    touched: &mut Touched,
) -> DomainResult<Value> {
    touched.object = Some(a.object.clone());
    touched.record_ids = vec![a.id.clone()];
    let catalog = w.global(actor).await?;
    let parent = w.object_in(actor, &catalog, &a.object).await?;
    let id = record_id_of(&parent, &catalog, &a.id)?;
    let child = parent
        .children
        .iter()
        .find(|c| {
            c.relationship_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(a.relationship.trim()))
        })
        .ok_or_else(|| {
            let names: Vec<&str> = parent
                .children
                .iter()
                .filter_map(|c| c.relationship_name.as_deref())
                .take(20)
                .collect();
            DomainError::validation(
                "relationship",
                format!(
                    "{} has no child relationship named {:?}; its relationships include: {}.",
                    parent.name,
                    a.relationship,
                    names.join(", ")
                ),
            )
        })?;
    let fields = if a.fields.is_empty() {
        let described = w.object_in(actor, &catalog, &child.object).await?;
        let mut fields = vec!["Id".to_owned()];
        fields.extend(described.name_field().map(str::to_owned));
        fields
    } else {
        a.fields
    };
    let condition = match a.filter.as_deref().map(str::trim) {
        Some(filter) if !filter.is_empty() => {
            if !balanced(filter) {
                return Err(DomainError::validation(
                    "filter",
                    "The filter's parentheses do not pair up: give one condition on the related records, e.g. IsClosed = false.",
                ));
            }
            format!(" AND ({filter})")
        }
        _ => String::new(),
    };
    let soql = format!(
        "SELECT {} FROM {} WHERE {} = {}{condition}",
        fields.join(", "),
        child.object,
        child.field,
        quote_literal(id.as_str())
    );
    reads::query(w, vault, actor, Query::of(soql, a.budget_bytes)).await
}

/// Whether every parenthesis outside string literals closes one opened before it, so the filter
/// stays inside the `AND (…)` it is put in and cannot widen the query past the parent.
fn balanced(filter: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = filter.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => loop {
                match chars.next() {
                    Some('\\') => {
                        chars.next();
                    }
                    Some('\'') => break,
                    Some(_) => {}
                    None => return false,
                }
            },
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::balanced;

    #[test]
    fn a_filter_stays_inside_its_parentheses() {
        assert!(balanced("IsClosed = false"));
        assert!(balanced(
            "(Status = 'New' OR Status = 'Working') AND Priority = 'High'"
        ));
        assert!(balanced("Subject = 'a ) b'"));
        assert!(balanced("Subject = 'it\\'s (open'"));
        assert!(!balanced("Id != null) OR (Id != null"));
        assert!(!balanced("(Id != null"));
        assert!(!balanced("Subject = 'unterminated"));
    }
}
