//! The read tools, each over its workspace operation, with results cut to a byte budget.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Touched;
use crate::access::Actor;
use crate::error::{DomainError, DomainResult};
use crate::vault::{Aad, Vault};
use crate::workspace::{LimitNote, SearchRequest, Workspace};

/// The default and largest byte budget of one result.
pub const DEFAULT_BUDGET: usize = 16 * 1024;
pub const MAX_BUDGET: usize = 256 * 1024;
/// A text value longer than this many characters is cut, with a marker saying so.
const MAX_VALUE_CHARS: usize = 2000;

pub(crate) fn budget_of(asked: Option<usize>) -> usize {
    asked.unwrap_or(DEFAULT_BUDGET).clamp(1024, MAX_BUDGET)
}

pub(crate) fn size(value: &impl Serialize) -> usize {
    serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

/// Long text cut to `MAX_VALUE_CHARS`, with how much was left out.
pub(crate) fn cut(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_VALUE_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!("{kept}… [cut: {} more characters]", count - MAX_VALUE_CHARS)
}

/// As many of `items` as fit in `budget` bytes next to `overhead`; whether any were left out.
fn fit<T: Serialize>(items: Vec<T>, overhead: usize, budget: usize) -> (Vec<T>, bool) {
    let mut used = overhead;
    let mut kept = Vec::new();
    let total = items.len();
    for item in items {
        used += size(&item) + 1;
        if used > budget {
            break;
        }
        kept.push(item);
    }
    let truncated = kept.len() < total;
    (kept, truncated)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListObjects {
    filter: Option<String>,
    budget_bytes: Option<usize>,
}

pub async fn list_objects(w: &Workspace, actor: &Actor, a: ListObjects) -> DomainResult<Value> {
    let needle = a.filter.unwrap_or_default().trim().to_lowercase();
    let objects: Vec<Value> = w
        .list_objects(actor)
        .await?
        .into_iter()
        .filter(|o| {
            needle.is_empty()
                || o.name.to_lowercase().contains(&needle)
                || o.label.to_lowercase().contains(&needle)
        })
        .map(|o| {
            json!({
                "name": o.name, "label": o.label, "kind": o.kind.label(),
                "queryable": o.queryable, "searchable": o.searchable,
                "createable": o.createable, "updateable": o.updateable, "deletable": o.deletable,
            })
        })
        .collect();
    let total = objects.len();
    let (objects, truncated) = fit(objects, 64, budget_of(a.budget_bytes));
    Ok(json!({ "objects": objects, "total": total, "truncated": truncated }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribeObject {
    object: String,
    #[serde(default)]
    detail: Detail,
    budget_bytes: Option<usize>,
}

#[derive(Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Detail {
    #[default]
    Compact,
    Full,
}

pub async fn describe_object(
    w: &Workspace,
    actor: &Actor,
    a: DescribeObject,
    touched: &mut Touched,
) -> DomainResult<Value> {
    touched.object = Some(a.object.clone());
    let d = w.describe(actor, &a.object).await?;
    let full = a.detail == Detail::Full;
    let fields: Vec<Value> = d
        .fields
        .iter()
        .map(|f| {
            let mut v = json!({
                "name": f.name, "label": f.label, "type": f.field_type,
                "required": f.required_on_create,
                "writable": f.createable || f.updateable,
            });
            let o = v.as_object_mut().expect("an object");
            if !f.picklist.is_empty() {
                let values: Vec<&str> = f
                    .picklist
                    .iter()
                    .filter(|p| p.active)
                    .map(|p| p.value.as_str())
                    .collect();
                o.insert("picklist".into(), json!(values));
            }
            if !f.reference_to.is_empty() {
                o.insert("references".into(), json!(f.reference_to));
                o.insert("relationship".into(), json!(f.relationship_name));
            }
            if full {
                o.insert("length".into(), json!(f.length));
                o.insert("unique".into(), json!(f.unique));
                o.insert("external_id".into(), json!(f.external_id));
                o.insert("createable".into(), json!(f.createable));
                o.insert("updateable".into(), json!(f.updateable));
            }
            v
        })
        .collect();
    let (fields, truncated) = fit(fields, 512, budget_of(a.budget_bytes));
    let mut answer = json!({
        "object": d.name, "label": d.label, "label_plural": d.label_plural,
        "actions": d.actions, "fields": fields, "truncated": truncated,
    });
    if full {
        let o = answer.as_object_mut().expect("an object");
        o.insert("children".into(), json!(d.children));
        o.insert("record_types".into(), json!(d.record_types));
    }
    Ok(answer)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    term: String,
    #[serde(default)]
    objects: Vec<String>,
    #[serde(default)]
    fields: Vec<String>,
    limit: Option<usize>,
    budget_bytes: Option<usize>,
}

pub async fn search(
    w: &Workspace,
    actor: &Actor,
    a: Search,
    touched: &mut Touched,
) -> DomainResult<Value> {
    let request = SearchRequest {
        term: a.term,
        objects: a.objects,
        fields: a.fields,
    };
    let results = w.search(actor, &request).await?;
    let hits: Vec<Value> = results
        .hits
        .into_iter()
        .take(a.limit.unwrap_or(25).clamp(1, 200))
        .map(|h| {
            let fields: Map<String, Value> = h
                .fields
                .into_iter()
                .map(|(n, v)| (n, json!(cut(&v))))
                .collect();
            json!({ "object": h.object, "id": h.id, "name": h.name, "fields": fields })
        })
        .collect();
    let (hits, truncated) = fit(hits, 128, budget_of(a.budget_bytes));
    touched.record_ids = hits
        .iter()
        .filter_map(|h| h["id"].as_str().map(str::to_owned))
        .collect();
    Ok(json!({ "term": results.term, "hits": hits, "truncated": truncated }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    soql: Option<String>,
    cursor: Option<String>,
    budget_bytes: Option<usize>,
}

impl Query {
    /// A first page of `soql`.
    pub fn of(soql: String, budget_bytes: Option<usize>) -> Self {
        Self {
            soql: Some(soql),
            cursor: None,
            budget_bytes,
        }
    }
}

/// Where a query result goes on: sealed by the vault to the caller, so any server process can
/// continue it and nobody else can.
#[derive(Serialize, Deserialize)]
struct Position {
    soql: String,
    /// The Salesforce batch's locator; `None` is the first batch.
    page: Option<String>,
    /// Rows of that batch already returned.
    skip: usize,
}

fn cursor_aad(actor: &Actor) -> Aad {
    Aad::bound(
        "tool_cursor",
        &format!("{}:{}", actor.org.id, actor.user.id),
    )
}

pub async fn query(w: &Workspace, vault: &Vault, actor: &Actor, a: Query) -> DomainResult<Value> {
    let position = match (a.soql, a.cursor) {
        (_, Some(cursor)) => {
            let opened = vault.open(&cursor, &cursor_aad(actor)).map_err(|_| {
                DomainError::validation(
                    "cursor",
                    "This cursor is not one this tool gave you (or it was cut): run the query again without it.",
                )
            })?;
            serde_json::from_str(opened.expose_secret()).map_err(|_| {
                DomainError::validation(
                    "cursor",
                    "This cursor cannot be read: run the query again.",
                )
            })?
        }
        (Some(soql), None) => Position {
            soql,
            page: None,
            skip: 0,
        },
        (None, None) => {
            return Err(DomainError::validation(
                "soql",
                "Give a SOQL SELECT statement, or the cursor of an earlier result.",
            ));
        }
    };
    let page = w
        .query(actor, &position.soql, position.page.as_deref())
        .await?;
    let rows: Vec<Value> = page
        .rows
        .iter()
        .skip(position.skip)
        .map(|row| {
            let record: Map<String, Value> = page
                .columns
                .iter()
                .zip(row)
                .map(|(c, cell)| (c.clone(), json!(cut(&cell.text))))
                .collect();
            Value::Object(record)
        })
        .collect();
    let remaining = rows.len();
    let (records, cut_short) = fit(rows, 256 + page.soql.len(), budget_of(a.budget_bytes));
    let next = if cut_short {
        Some(Position {
            soql: position.soql,
            page: position.page,
            skip: position.skip + records.len(),
        })
    } else {
        page.next.clone().map(|locator| Position {
            soql: position.soql,
            page: Some(locator),
            skip: 0,
        })
    };
    let cursor = next.map(|p| {
        let text = serde_json::to_string(&p).expect("a position serializes");
        vault.seal(&SecretString::from(text), &cursor_aad(actor))
    });
    let limit_note = page.limit_note.map(|n| match n {
        LimitNote::Added { limit } => format!("LIMIT {limit} was added."),
        LimitNote::Clamped { requested, limit } => {
            format!("LIMIT {requested} was lowered to {limit}, the most Sofie returns.")
        }
    });
    let returned = position.skip + records.len();
    Ok(json!({
        "soql": page.soql,
        "limit_note": limit_note,
        "total_size": page.total_size,
        "records": records,
        "returned_so_far": page.offset as usize + returned,
        "remaining_in_batch": remaining - records.len(),
        "cursor": cursor,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetRecord {
    object: String,
    id: String,
    #[serde(default)]
    fields: Vec<String>,
    budget_bytes: Option<usize>,
}

pub async fn get_record(
    w: &Workspace,
    actor: &Actor,
    a: GetRecord,
    touched: &mut Touched,
) -> DomainResult<Value> {
    touched.object = Some(a.object.clone());
    touched.record_ids = vec![a.id.clone()];
    let record = w.read_record(actor, &a.object, &a.id).await?;
    let wanted =
        |name: &str| a.fields.is_empty() || a.fields.iter().any(|f| f.eq_ignore_ascii_case(name));
    let fields: Vec<(String, Value)> = record
        .groups
        .iter()
        .flat_map(|g| &g.fields)
        .filter(|f| wanted(&f.name))
        .map(|f| (f.name.clone(), json!(cut(&f.value))))
        .collect();
    let overhead = 256 + record.salesforce_url.len() + record.name.len();
    let (fields, truncated) = fit(fields, overhead, budget_of(a.budget_bytes));
    let fields: Map<String, Value> = fields.into_iter().collect();
    Ok(json!({
        "object": record.object,
        "id": record.id,
        "name": record.name,
        "fields": fields,
        "salesforce_url": record.salesforce_url,
        "truncated": truncated,
    }))
}

pub async fn api_usage(w: &Workspace, actor: &Actor) -> DomainResult<Value> {
    Ok(match w.connections.api_usage(actor).await? {
        Some(u) => json!({
            "known": true, "used": u.used, "allowed": u.allowed,
            "seen_at": u.seen_at.format(&time::format_description::well_known::Rfc3339).ok(),
        }),
        None => json!({ "known": false, "used": null, "allowed": null, "seen_at": null }),
    })
}
