//! Read-only SOQL. The text passes the crate's guard before anything is sent (one SELECT, no
//! FOR UPDATE / VIEW / REFERENCE, a LIMIT no larger than the configured maximum); results come a
//! Salesforce batch at a time, the next one named by the locator of `nextRecordsUrl`.

use salesforce::rest::{QueryResult, Record};
use salesforce::soql::{self, FieldExpr, LimitChange, SelectItem};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Workspace, record::display};
use crate::access::Actor;
use crate::connections::Upstream;
use crate::error::{DomainError, DomainResult};

/// One table cell: its text and, for an id, the record it names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    /// `(object, id)` of the record this cell's id belongs to.
    pub record: Option<(String, String)>,
}

/// What the guard did to LIMIT, for the page to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitNote {
    Added { limit: u64 },
    Clamped { requested: u64, limit: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryPage {
    /// The statement as sent (with LIMIT added or clamped).
    pub soql: String,
    pub limit_note: Option<LimitNote>,
    pub total_size: u64,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows before this page.
    pub offset: u64,
    /// The locator of the next batch, when there is one.
    pub next: Option<String>,
}

impl Workspace {
    /// The first batch of `text`'s rows, or the batch at `locator` of the same statement.
    pub async fn query(
        &self,
        actor: &Actor,
        text: &str,
        page: Option<&str>,
    ) -> DomainResult<QueryPage> {
        let guarded =
            soql::guard(text, self.config.max_query_rows).map_err(salesforce::Error::from)?;
        let page = page.map(Locator::parse).transpose()?;
        let sent = guarded.soql.clone();
        let result: QueryResult = self
            .connections
            .call(actor, |up: Upstream| {
                let sent = sent.clone();
                let page = page.clone();
                async move {
                    match page {
                        None => up.rest.query(&sent).await,
                        Some(locator) => {
                            let path = format!(
                                "/services/data/v{}/query/{}",
                                up.rest.version(),
                                locator.0
                            );
                            up.rest.query_more(&path).await
                        }
                    }
                }
            })
            .await?;
        let limit_note = match guarded.limit_change {
            LimitChange::Added => Some(LimitNote::Added {
                limit: self.config.max_query_rows,
            }),
            LimitChange::Clamped { requested } => Some(LimitNote::Clamped {
                requested,
                limit: self.config.max_query_rows,
            }),
            LimitChange::Kept | LimitChange::NotNeeded => None,
        };
        let mut columns = Vec::new();
        let flat: Vec<Vec<(String, Cell)>> = result
            .records
            .iter()
            .map(|r| {
                let mut cells = Vec::new();
                flatten(r, "", &mut cells);
                for (column, _) in &cells {
                    if !columns.contains(column) {
                        columns.push(column.clone());
                    }
                }
                cells
            })
            .collect();
        if columns.is_empty() {
            columns = selected_columns(&guarded.query.select);
        }
        let rows = flat
            .into_iter()
            .map(|cells| {
                columns
                    .iter()
                    .map(|c| {
                        cells
                            .iter()
                            .find(|(name, _)| name == c)
                            .map(|(_, cell)| cell.clone())
                            .unwrap_or(Cell {
                                text: String::new(),
                                record: None,
                            })
                    })
                    .collect()
            })
            .collect();
        let offset = page.map_or(0, |l| l.offset());
        Ok(QueryPage {
            soql: guarded.soql,
            limit_note,
            total_size: result.total_size,
            columns,
            rows,
            offset,
            next: result
                .next_records_url
                .as_deref()
                .and_then(Locator::from_url)
                .map(|l| l.0),
        })
    }
}

/// The last segment of a `nextRecordsUrl`: `01gD0000002HU6KIAW-2000`.
#[derive(Clone, Debug)]
struct Locator(String);

impl Locator {
    fn parse(text: &str) -> DomainResult<Self> {
        let valid = !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(DomainError::validation(
                "page",
                "That page of results does not exist; run the query again.",
            ));
        }
        Ok(Locator(text.to_owned()))
    }

    fn from_url(url: &str) -> Option<Self> {
        Locator::parse(url.rsplit('/').next()?).ok()
    }

    /// The rows before this batch: the locator ends in `-{offset}`.
    fn offset(&self) -> u64 {
        self.0
            .rsplit_once('-')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0)
    }
}

/// One record as `(column, cell)` pairs: parents become `Account.Name`, child sub-queries a
/// count.
fn flatten(record: &Record, prefix: &str, out: &mut Vec<(String, Cell)>) {
    let object = record.attributes.as_ref().map(|a| a.sobject_type.clone());
    flatten_map(&record.fields, object.as_deref(), prefix, out);
}

fn flatten_map(
    fields: &Map<String, Value>,
    object: Option<&str>,
    prefix: &str,
    out: &mut Vec<(String, Cell)>,
) {
    for (key, value) in fields {
        if key == "attributes" {
            continue;
        }
        let column = format!("{prefix}{key}");
        match value {
            Value::Object(inner) if inner.contains_key("records") => {
                let n = inner.get("totalSize").and_then(Value::as_u64).unwrap_or(0);
                out.push((
                    column,
                    Cell {
                        text: format!("{n} records"),
                        record: None,
                    },
                ));
            }
            Value::Object(inner) => {
                let parent = inner
                    .get("attributes")
                    .and_then(|a| a.get("type"))
                    .and_then(Value::as_str);
                flatten_map(inner, parent, &format!("{column}."), out);
            }
            other => {
                let record = (key == "Id")
                    .then(|| object.filter(|o| *o != "AggregateResult"))
                    .flatten()
                    .zip(other.as_str())
                    .map(|(o, id)| (o.to_owned(), id.to_owned()));
                out.push((
                    column,
                    Cell {
                        text: display(other),
                        record,
                    },
                ));
            }
        }
    }
}

/// Column names from the SELECT list, for a result with no rows.
fn selected_columns(select: &[SelectItem]) -> Vec<String> {
    let mut aggregate = 0;
    select
        .iter()
        .filter_map(|item| match item {
            SelectItem::Field {
                expr: FieldExpr::Path(path),
                alias,
            } => Some(alias.clone().unwrap_or_else(|| path.join("."))),
            SelectItem::Field {
                expr: FieldExpr::Call { name, .. },
                alias,
            } => Some(alias.clone().unwrap_or_else(|| {
                if name.eq_ignore_ascii_case("FIELDS") {
                    return name.to_uppercase();
                }
                aggregate += 1;
                format!("expr{}", aggregate - 1)
            })),
            SelectItem::SubQuery(q) => q.from.first().map(|f| f.path.join(".")),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_flatten_into_columns_with_links() {
        let record: Record = serde_json::from_value(serde_json::json!({
            "attributes": {"type": "Contact"},
            "Id": "003000000000001AAA",
            "Name": "Ada",
            "Account": {"attributes": {"type": "Account"}, "Id": "001000000000001AAA", "Name": "Acme"},
            "Cases": {"totalSize": 2, "done": true, "records": []},
            "Owner": null
        }))
        .unwrap();
        let mut cells = Vec::new();
        flatten(&record, "", &mut cells);
        let names: Vec<&str> = cells.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            names,
            ["Id", "Name", "Account.Id", "Account.Name", "Cases", "Owner"]
        );
        assert_eq!(
            cells[0].1.record,
            Some(("Contact".into(), "003000000000001AAA".into()))
        );
        assert_eq!(
            cells[2].1.record,
            Some(("Account".into(), "001000000000001AAA".into()))
        );
        assert_eq!(cells[4].1.text, "2 records");
        assert_eq!(cells[5].1.text, "");
    }

    #[test]
    fn locators_are_only_what_salesforce_sends() {
        assert_eq!(
            Locator::parse("01gD0000002HU6KIAW-2000").unwrap().offset(),
            2000
        );
        assert!(Locator::parse("../../sobjects/User").is_err());
        assert!(Locator::parse("").is_err());
        assert_eq!(
            Locator::from_url("/services/data/v62.0/query/01gD0000002HU6KIAW-4000")
                .unwrap()
                .0,
            "01gD0000002HU6KIAW-4000"
        );
    }

    #[test]
    fn empty_results_keep_the_selected_columns() {
        let q = soql::parse(
            "SELECT Id, Account.Name n, COUNT(Id), (SELECT Id FROM Contacts) FROM Account",
        )
        .unwrap();
        assert_eq!(
            selected_columns(&q.select),
            ["Id", "n", "expr0", "Contacts"]
        );
    }
}
