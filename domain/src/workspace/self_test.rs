//! "Test my connection": the guide's "Test the connection" steps 2 to 5 as one run through the
//! person's own connection: list objects, describe an object (Account unless they choose
//! another), find one of its records (the test record they name, or any), read it. Each step says
//! how long it took and what it found; the first failure stops the run, and the steps after it
//! are reported as not run. Step 6, the prepared update of a named test record, is
//! `Changes::self_test`'s.

use std::time::{Duration, Instant};

use salesforce::RecordId;

use super::Workspace;
use crate::access::Actor;
use crate::connections::ConnectedDetails;
use crate::error::{DomainError, DomainResult};

/// What one step found, or why it failed.
#[derive(Debug)]
pub struct TestStep {
    pub name: &'static str,
    pub took: Duration,
    pub outcome: TestOutcome,
    /// Where the step's result continues: the test update, or the form that prepares it.
    pub link: Option<StepLink>,
}

#[derive(Debug)]
pub enum TestOutcome {
    Passed(String),
    /// Nothing is wrong, but the step could not show anything (e.g. no records visible).
    Empty(String),
    Failed(DomainError),
    /// The step found the cause itself: what it found and the fix, with its troubleshooting
    /// entry.
    Refused {
        said: String,
        entry: Option<&'static str>,
    },
    NotRun,
}

impl TestOutcome {
    pub fn failed(&self) -> bool {
        matches!(self, TestOutcome::Failed(_) | TestOutcome::Refused { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepLink {
    Proposal(i64),
    Prepare { object: String, record_id: String },
}

const STEPS: [&str; 4] = [
    "List the objects you can access",
    "Describe the object",
    "Find one of its records",
    "Read that record",
];

/// A whole run: the object it tested, the test record when one was named, and its steps.
#[derive(Debug)]
pub struct TestRun {
    pub object: String,
    pub record: Option<String>,
    /// The record the run found and read: object API name and canonical id.
    pub found: Option<(String, String)>,
    pub steps: Vec<TestStep>,
}

/// Who the connection is at Salesforce, as the steps name it.
fn as_whom(me: &ConnectedDetails) -> String {
    let org = me.org_name.as_deref().unwrap_or(&me.org_id);
    format!("{} in {org} ({})", me.username, me.environment)
}

impl Workspace {
    /// The test run for `actor` on `object` (default `Account`), finding `record` when named.
    pub async fn self_test(
        &self,
        actor: &Actor,
        object: Option<&str>,
        record: Option<&str>,
    ) -> TestRun {
        let object = object
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .unwrap_or("Account")
            .to_owned();
        let record = record
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let mut steps = Vec::new();
        let mut failed = false;
        let mut found: Option<(String, String)> = None;
        for (i, name) in STEPS.iter().enumerate() {
            let name = if i == 2 && record.is_some() {
                "Find your test record"
            } else {
                name
            };
            if failed {
                steps.push(TestStep {
                    name,
                    took: Duration::ZERO,
                    outcome: TestOutcome::NotRun,
                    link: None,
                });
                continue;
            }
            let started = Instant::now();
            let outcome = match i {
                0 => self.step_list(actor).await,
                1 => self.step_describe(actor, &object).await,
                2 => {
                    self.step_find(actor, &object, record.as_deref(), &mut found)
                        .await
                }
                _ => self.step_read(actor, found.as_ref()).await,
            };
            let outcome = outcome.unwrap_or_else(TestOutcome::Failed);
            failed = outcome.failed();
            steps.push(TestStep {
                name,
                took: started.elapsed(),
                outcome,
                link: None,
            });
        }
        TestRun {
            object,
            record,
            found,
            steps,
        }
    }

    async fn step_list(&self, actor: &Actor) -> DomainResult<TestOutcome> {
        let objects = self.list_objects(actor).await?;
        let queryable = objects.iter().filter(|o| o.queryable).count();
        let who = self.connections.identity(actor).await?;
        Ok(TestOutcome::Passed(format!(
            "As {}: {} objects visible, {queryable} of them queryable.",
            who.as_ref().map(as_whom).unwrap_or_default(),
            objects.len()
        )))
    }

    async fn step_describe(&self, actor: &Actor, object: &str) -> DomainResult<TestOutcome> {
        let d = self.describe(actor, object).await?;
        let writable = d
            .fields
            .iter()
            .filter(|f| f.createable || f.updateable)
            .count();
        Ok(TestOutcome::Passed(format!(
            "{} ({}): {} fields visible to you, {writable} of them writable.",
            d.label,
            d.name,
            d.fields.len()
        )))
    }

    async fn step_find(
        &self,
        actor: &Actor,
        object: &str,
        record: Option<&str>,
        found: &mut Option<(String, String)>,
    ) -> DomainResult<TestOutcome> {
        let d = self.describe(actor, object).await?;
        let wanted = match record {
            None => None,
            Some(typed) => match RecordId::parse(typed) {
                Ok(id) => Some(id),
                Err(why) => {
                    return Ok(TestOutcome::Refused {
                        said: format!(
                            "{typed} is not a Salesforce record id: {why}. Copy the id from the record's address in Salesforce."
                        ),
                        entry: None,
                    });
                }
            },
        };
        if let (Some(id), Some(prefix)) = (&wanted, &d.key_prefix)
            && id.key_prefix() != prefix
        {
            return Ok(TestOutcome::Refused {
                said: format!(
                    "{} cannot be a record of {}: {} ids begin with {prefix}. Name the object the record belongs to, or a record of {}.",
                    id.as_str(),
                    d.label,
                    d.label,
                    d.name
                ),
                entry: None,
            });
        }
        let soql = match &wanted {
            Some(id) => format!("SELECT Id FROM {} WHERE Id = '{}'", d.name, id.as_str()),
            None => format!("SELECT Id FROM {} LIMIT 1", d.name),
        };
        let page = self.query(actor, &soql, None).await?;
        let id = page
            .rows
            .first()
            .and_then(|row| row.first())
            .map(|cell| cell.text.clone())
            .filter(|id| !id.is_empty());
        Ok(match (id, wanted) {
            (Some(id), _) => {
                let said = if record.is_some() {
                    format!("Found your test record {id}.")
                } else {
                    format!("Found {id} ({} visible in all).", page.total_size)
                };
                *found = Some((d.name.clone(), id));
                TestOutcome::Passed(said)
            }
            (None, Some(id)) => {
                let who = self.connections.identity(actor).await?;
                TestOutcome::Refused {
                    said: format!(
                        "{} is not visible to {}. If the record is in another Salesforce organization (a sandbox rather than production, or the other way round), connect to that one; otherwise confirm the connected Salesforce user can see the record directly in Salesforce.",
                        id.as_str(),
                        who.as_ref()
                            .map(as_whom)
                            .unwrap_or_else(|| "your Salesforce user".into())
                    ),
                    entry: Some("NOT_FOUND"),
                }
            }
            (None, None) => TestOutcome::Empty(format!(
                "No {} record is visible to your Salesforce user: sharing rules may hide them, or there are none.",
                d.label
            )),
        })
    }

    async fn step_read(
        &self,
        actor: &Actor,
        found: Option<&(String, String)>,
    ) -> DomainResult<TestOutcome> {
        let Some((object, id)) = found else {
            return Ok(TestOutcome::Empty("No record to read.".into()));
        };
        let record = self.read_record(actor, object, id).await?;
        let fields = record.groups.iter().map(|g| g.fields.len()).sum::<usize>();
        Ok(TestOutcome::Passed(format!(
            "“{}”: {fields} fields visible to you.",
            record.name
        )))
    }
}
