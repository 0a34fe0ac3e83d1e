//! "Test my connection": the guide's "Test the connection" steps 2 to 5 as one run through the
//! person's own connection: list objects, describe an object (Account unless they choose
//! another), find one of its records, read it. Each step says how long it took and what it found;
//! the first failure stops the run, and the steps after it are reported as not run.

use std::time::{Duration, Instant};

use super::Workspace;
use crate::access::Actor;
use crate::error::{DomainError, DomainResult};

/// What one step found, or why it failed.
#[derive(Debug)]
pub struct TestStep {
    pub name: &'static str,
    pub took: Duration,
    pub outcome: TestOutcome,
}

#[derive(Debug)]
pub enum TestOutcome {
    Passed(String),
    /// Nothing is wrong, but the step could not show anything (e.g. no records visible).
    Empty(String),
    Failed(DomainError),
    NotRun,
}

const STEPS: [&str; 4] = [
    "List the objects you can access",
    "Describe the object",
    "Find one of its records",
    "Read that record",
];

/// A whole run: the object it tested and its steps.
#[derive(Debug)]
pub struct TestRun {
    pub object: String,
    pub steps: Vec<TestStep>,
}

impl Workspace {
    /// The test run for `actor` on `object` (default `Account`).
    pub async fn self_test(&self, actor: &Actor, object: Option<&str>) -> TestRun {
        let object = object
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .unwrap_or("Account")
            .to_owned();
        let mut steps = Vec::new();
        let mut failed = false;
        let mut found: Option<String> = None;
        for (i, name) in STEPS.iter().enumerate() {
            if failed {
                steps.push(TestStep {
                    name,
                    took: Duration::ZERO,
                    outcome: TestOutcome::NotRun,
                });
                continue;
            }
            let started = Instant::now();
            let outcome = match i {
                0 => self.step_list(actor).await,
                1 => self.step_describe(actor, &object).await,
                2 => self.step_find(actor, &object, &mut found).await,
                _ => self.step_read(actor, &object, found.as_deref()).await,
            };
            let outcome = match outcome {
                Ok(outcome) => outcome,
                Err(err) => {
                    failed = true;
                    TestOutcome::Failed(err)
                }
            };
            steps.push(TestStep {
                name,
                took: started.elapsed(),
                outcome,
            });
        }
        TestRun { object, steps }
    }

    async fn step_list(&self, actor: &Actor) -> DomainResult<TestOutcome> {
        let objects = self.list_objects(actor).await?;
        let queryable = objects.iter().filter(|o| o.queryable).count();
        Ok(TestOutcome::Passed(format!(
            "{} objects visible, {queryable} of them queryable.",
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
        found: &mut Option<String>,
    ) -> DomainResult<TestOutcome> {
        let d = self.describe(actor, object).await?;
        let soql = format!("SELECT Id FROM {} LIMIT 1", d.name);
        let page = self.query(actor, &soql, None).await?;
        let id = page
            .rows
            .first()
            .and_then(|row| row.first())
            .map(|cell| cell.text.clone())
            .filter(|id| !id.is_empty());
        Ok(match id {
            Some(id) => {
                let said = format!("Found {id} ({} visible in all).", page.total_size);
                *found = Some(id);
                TestOutcome::Passed(said)
            }
            None => TestOutcome::Empty(format!(
                "No {} record is visible to your Salesforce user: sharing rules may hide them, or there are none.",
                d.label
            )),
        })
    }

    async fn step_read(
        &self,
        actor: &Actor,
        object: &str,
        id: Option<&str>,
    ) -> DomainResult<TestOutcome> {
        let Some(id) = id else {
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
