//! A context bundle for a chat or a workflow handoff: chosen records (by reference, or the rows
//! of a read-only query) with the fields the person's Salesforce user can see, their objects'
//! labels, links into Salesforce and Sofie, and who the connection is, as JSON and as Markdown,
//! both inside one byte budget.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Touched;
use super::reads::{budget_of, cut, size};
use crate::access::Actor;
use crate::error::{DomainError, DomainResult};
use crate::workspace::{RecordView, Workspace};

/// The most records one bundle reads.
pub const MAX_RECORDS: usize = 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRequest {
    records: Option<Vec<RecordRef>>,
    query: Option<String>,
    budget_bytes: Option<usize>,
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
struct RecordRef {
    object: String,
    id: String,
}

/// One record as the bundle gives it.
#[derive(Serialize)]
struct Entry {
    object: String,
    object_label: String,
    id: String,
    name: String,
    salesforce_url: String,
    sofie_url: String,
    /// API name → label and value; empty values are left out.
    fields: Map<String, Value>,
}

fn entry(record: RecordView, sofie: &str) -> Entry {
    let fields = record
        .groups
        .iter()
        .flat_map(|g| &g.fields)
        .filter(|f| !f.value.is_empty())
        .map(|f| {
            (
                f.name.clone(),
                json!({ "label": f.label, "value": cut(&f.value) }),
            )
        })
        .collect();
    Entry {
        sofie_url: format!("{sofie}/records/{}/{}", record.object, record.id),
        object: record.object,
        object_label: record.object_label,
        id: record.id,
        name: record.name,
        salesforce_url: record.salesforce_url,
        fields,
    }
}

/// Markdown that renders safely wherever it is pasted: the characters that would start markup
/// or break a table cell are escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn markdown_of(e: &Entry) -> String {
    let mut text = format!(
        "## {} {}: {}\n\n[Open in Salesforce]({}) · [Open in Sofie]({})\n\n| Field | Value |\n|---|---|\n",
        md(&e.object_label),
        md(&e.id),
        md(&e.name),
        e.salesforce_url,
        e.sofie_url
    );
    for field in e.fields.values() {
        text.push_str(&format!(
            "| {} | {} |\n",
            md(field["label"].as_str().unwrap_or_default()),
            md(field["value"].as_str().unwrap_or_default())
        ));
    }
    text.push('\n');
    text
}

/// The references of the first rows of `soql` (its `Id` column).
async fn refs_of_query(w: &Workspace, actor: &Actor, soql: &str) -> DomainResult<Vec<RecordRef>> {
    let page = w.query(actor, soql, None).await?;
    let Some(column) = page.columns.iter().position(|c| c == "Id") else {
        return Err(DomainError::validation(
            "query",
            "Select the Id field (e.g. SELECT Id FROM Account WHERE …) so Sofie can read each record.",
        ));
    };
    Ok(page
        .rows
        .iter()
        .filter_map(|row| row.get(column)?.record.clone())
        .map(|(object, id)| RecordRef { object, id })
        .take(MAX_RECORDS)
        .collect())
}

pub async fn bundle(
    w: &Workspace,
    origin: &str,
    actor: &Actor,
    a: ContextRequest,
    touched: &mut Touched,
) -> DomainResult<Value> {
    let refs = match (a.records, a.query) {
        (Some(records), None) if (1..=MAX_RECORDS).contains(&records.len()) => records,
        (Some(_), None) => {
            return Err(DomainError::validation(
                "records",
                format!("Give 1 to {MAX_RECORDS} records as {{\"object\", \"id\"}}."),
            ));
        }
        (None, Some(soql)) => refs_of_query(w, actor, &soql).await?,
        _ => {
            return Err(DomainError::validation(
                "records",
                "Give either `records` (a list of {\"object\", \"id\"}) or `query` (a SOQL SELECT with Id), not both.",
            ));
        }
    };
    let identity = w.connections.identity(actor).await?;
    let sofie = format!("{origin}/o/{}/salesforce", actor.org.slug);
    let budget = budget_of(a.budget_bytes);
    let connection = identity.as_ref().map(|d| {
        json!({
            "username": d.username, "organization_id": d.org_id, "organization_name": d.org_name,
            "environment": d.environment, "instance": d.instance_host,
        })
    });
    let mut markdown = match &identity {
        Some(d) => format!(
            "# Salesforce context\n\nFrom {}'s Salesforce connection ({}, {} {}).\n\n",
            md(&d.username),
            md(d.org_name.as_deref().unwrap_or(&d.org_id)),
            d.environment,
            md(&d.instance_host)
        ),
        None => "# Salesforce context\n\n".to_string(),
    };
    let mut used = 512 + size(&connection) + markdown.len();
    let mut entries = Vec::new();
    let mut omitted = Vec::new();
    let mut unreadable = Vec::new();
    for r in refs {
        if !omitted.is_empty() {
            omitted.push(r);
            continue;
        }
        let record = match w.read_record(actor, &r.object, &r.id).await {
            Ok(record) => record,
            // One record the person may not see, or that is gone, leaves the others in.
            Err(err @ (DomainError::UnknownObject { .. } | DomainError::Validation { .. })) => {
                unreadable.push(json!({ "object": r.object, "id": r.id, "reason": err.kind() }));
                continue;
            }
            Err(DomainError::Salesforce(
                err @ (salesforce::Error::NotFound(_)
                | salesforce::Error::Permission(_)
                | salesforce::Error::RecordId(_)),
            )) => {
                let reason = match err {
                    salesforce::Error::Permission(_) => "not_visible",
                    salesforce::Error::RecordId(_) => "invalid_id",
                    _ => "not_found",
                };
                unreadable.push(json!({ "object": r.object, "id": r.id, "reason": reason }));
                continue;
            }
            Err(err) => return Err(err),
        };
        let e = entry(record, &sofie);
        let section = markdown_of(&e);
        let cost = size(&e) + section.len() + 2;
        if used + cost > budget {
            omitted.push(r);
            continue;
        }
        used += cost;
        touched.object.get_or_insert_with(|| e.object.clone());
        touched.record_ids.push(e.id.clone());
        markdown.push_str(&section);
        entries.push(e);
    }
    if !unreadable.is_empty() {
        markdown.push_str(&format!(
            "_{} record(s) could not be read: not found, not visible to this Salesforce user, or not a record id._\n\n",
            unreadable.len()
        ));
    }
    if !omitted.is_empty() {
        markdown.push_str(&format!(
            "_{} more record(s) did not fit in {budget} bytes._\n",
            omitted.len()
        ));
    }
    Ok(json!({
        "connection": connection,
        "records": entries,
        "omitted": omitted,
        "unreadable": unreadable,
        "truncated": !omitted.is_empty(),
        "budget_bytes": budget,
        "markdown": markdown,
    }))
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markdown_from_salesforce_cannot_inject_markup() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("[x](javascript:1)"), "\\[x\\](javascript:1)");
        assert_eq!(md("line\nbreak"), "line break");
        assert_eq!(md("<img src=x>"), "\\<img src=x\\>");
    }
}
