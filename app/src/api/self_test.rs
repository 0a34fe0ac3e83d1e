//! "Test my connection": the guide's test steps through the person's own connection.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::OrgContext;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestStepView {
    pub name: String,
    /// "passed", "empty", "failed" or "not run".
    pub state: String,
    pub took_ms: u64,
    /// What the step found, or the cause and the fix.
    pub said: String,
    /// The troubleshooting entry for a failure, when there is one.
    pub help: Option<String>,
    /// Where the step continues, and what the link says (the test update, or its form).
    pub link: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionTest {
    pub context: OrgContext,
    pub object: String,
    /// The test record the person named, as typed.
    pub record: String,
    pub steps: Vec<TestStepView>,
}

#[server(endpoint = "salesforce/self-test")]
pub async fn get_connection_test(
    org: String,
    object: Option<String>,
    record: Option<String>,
) -> Result<ConnectionTest, AppError> {
    use super::ssr::*;
    use domain::workspace::{StepLink, TestOutcome};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let run = me
            .services
            .changes
            .self_test(&actor, object.as_deref(), record.as_deref())
            .await;
        let steps = run
            .steps
            .into_iter()
            .map(|step| {
                let (state, said, help) = match step.outcome {
                    TestOutcome::Passed(said) => ("passed", said, None),
                    TestOutcome::Empty(said) => ("empty", said, None),
                    TestOutcome::Failed(err) => {
                        let help = domain::troubleshooting::anchor_for(&err).map(str::to_owned);
                        ("failed", AppError::from(err).to_string(), help)
                    }
                    TestOutcome::Refused { said, entry } => {
                        ("failed", said, entry.map(str::to_owned))
                    }
                    TestOutcome::NotRun => {
                        ("not run", "Not run: an earlier step failed.".into(), None)
                    }
                };
                TestStepView {
                    name: step.name.to_owned(),
                    state: state.to_owned(),
                    took_ms: step.took.as_millis() as u64,
                    said,
                    help,
                    link: step.link.map(|link| match link {
                        StepLink::Proposal(id) => (
                            format!("/o/{org}/salesforce/changes/{id}"),
                            "Review your test update".to_owned(),
                        ),
                        StepLink::Prepare { object, record_id } => (
                            format!(
                                "/o/{org}/salesforce/prepare?object={object}&action=update&id={record_id}"
                            ),
                            "Prepare a test update".to_owned(),
                        ),
                    }),
                }
            })
            .collect();
        Ok(ConnectionTest {
            context: super::context::server::org_context(&me.services, &actor).await?,
            object: run.object,
            record: run.record.unwrap_or_default(),
            steps,
        })
    }
    .await;
    fail(result)
}
