//! Step 6 of "Test my connection": when the person names a test record, a prepared update of
//! it that waits for their approval like any other change. The test itself writes nothing: it
//! shows where the person's newest test update of that record is, or offers to prepare one.

use std::time::Instant;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Changes, State};
use crate::access::Actor;
use crate::entities::proposal::{self, Column};
use crate::error::DomainResult;
use crate::workspace::{StepLink, TestOutcome, TestRun, TestStep};

const NAME: &str = "Prepare an update of your test record";

impl Changes {
    /// The connection test of `actor` (`Workspace::self_test`), with step 6 when `record` is
    /// named.
    pub async fn self_test(
        &self,
        actor: &Actor,
        object: Option<&str>,
        record: Option<&str>,
    ) -> TestRun {
        let mut run = self.workspace.self_test(actor, object, record).await;
        if run.record.is_none() {
            return run;
        }
        let started = Instant::now();
        let (outcome, link) = match (&run.found, run.steps.iter().any(|s| s.outcome.failed())) {
            (Some((object, id)), false) => match self.test_update(actor, object, id).await {
                Ok(done) => done,
                Err(err) => (TestOutcome::Failed(err), None),
            },
            _ => (TestOutcome::NotRun, None),
        };
        run.steps.push(TestStep {
            name: NAME,
            took: started.elapsed(),
            outcome,
            link,
        });
        run
    }

    async fn test_update(
        &self,
        actor: &Actor,
        object: &str,
        id: &str,
    ) -> DomainResult<(TestOutcome, Option<StepLink>)> {
        if let Some(why) = self
            .policy_of(actor.org.id)
            .await?
            .refusal("update", object)
        {
            return Ok((
                TestOutcome::Refused {
                    said: why,
                    entry: None,
                },
                None,
            ));
        }
        let newest = proposal::Entity::find()
            .filter(Column::OrgId.eq(actor.org.id))
            .filter(Column::UserId.eq(actor.user.id))
            .filter(Column::Object.eq(object))
            .filter(Column::Action.eq("update"))
            .filter(Column::RecordId.eq(id))
            .filter(Column::State.ne(State::Superseded.as_str()))
            .order_by_desc(Column::Id)
            .one(&self.db)
            .await?;
        let prepare = Some(StepLink::Prepare {
            object: object.to_owned(),
            record_id: id.to_owned(),
        });
        let Some(row) = newest else {
            return Ok((
                TestOutcome::Empty(
                    "Not prepared yet. Prepare a test update of this record: it waits for your approval like any other change, and nothing reaches Salesforce until you approve it.".into(),
                ),
                prepare,
            ));
        };
        // Open and expired ones are told apart the way the queue does.
        let proposal = self.get(actor, row.id).await?;
        let name = &proposal.record_name;
        let link = Some(StepLink::Proposal(proposal.id));
        Ok(match proposal.state {
            State::Pending => (
                TestOutcome::Passed(format!(
                    "Your test update of “{name}” waits for your approval."
                )),
                link,
            ),
            State::Executing | State::Unknown | State::NeedsDecision => (
                TestOutcome::Passed(format!(
                    "Your test update of “{name}” was approved and is on its way to Salesforce."
                )),
                link,
            ),
            State::Executed => (
                TestOutcome::Passed(format!(
                    "Your test update of “{name}” was approved and Salesforce saved it: writes work."
                )),
                link,
            ),
            State::Failed => (
                TestOutcome::Refused {
                    said: format!(
                        "Salesforce refused your test update of “{name}”: {}",
                        proposal
                            .note
                            .as_deref()
                            .unwrap_or("see the change for why.")
                    ),
                    entry: None,
                },
                link,
            ),
            other => (
                TestOutcome::Empty(format!(
                    "Your last test update of “{name}” was {}. Prepare another to test writes again.",
                    other.as_str().replace('_', " ")
                )),
                prepare,
            ),
        })
    }
}
