//! One run of an approved write against Salesforce. The record is read first: a record that
//! moved since the snapshot is not written. In reconcile mode (after a crash or an unanswered
//! write) Sofie first finds out whether the write already happened, and only writes when it
//! can tell it did not.

use std::time::Duration;

use rand::Rng;
use salesforce::rest::{ExternalIdMatch, Record, RestClient, UpsertOutcome};
use salesforce::{Error as SfError, RecordId};
use serde_json::{Map, Value, json};

use super::failures::refusal;
use super::fields::Action;
use super::proposal::same_value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Just approved: nothing was sent yet.
    First,
    /// The write may have happened: find out before anything is sent.
    Reconcile,
}

/// What a run found and did.
#[derive(Debug)]
pub(super) enum Outcome {
    Executed {
        record_id: Option<String>,
        result: Value,
        note: Option<String>,
    },
    /// The record changed since the snapshot; nothing was written. Its fields now, or `None`
    /// when it is gone (an upsert would now create).
    Stale(Option<Map<String, Value>>),
    Failed(String),
    Unknown(String),
    /// Several records could be this create.
    Several(Vec<String>),
}

/// Everything a run needs, cloned into the call (which may run twice, around a token refresh).
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub object: String,
    pub action: Action,
    pub record_id: Option<RecordId>,
    pub external_id: Option<String>,
    pub fields: Map<String, Value>,
    pub sofie_key: Option<(String, String)>,
    pub stamp: Option<String>,
    pub sf_user_id: String,
    /// Case and Lead creates: `Sforce-Auto-Assign`.
    pub auto_assign: Option<bool>,
    /// SOQL that finds this create among records the user made since approval (plain creates).
    pub find_created: Option<String>,
    pub lock_retries: u32,
}

fn stamp_of(record: &Record) -> Option<String> {
    record
        .fields
        .get("SystemModstamp")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn applied(record: &Record, fields: &Map<String, Value>) -> bool {
    fields
        .iter()
        .all(|(name, value)| same_value(record.fields.get(name), value))
}

fn unavailable(mode: Mode, err: &SfError) -> Outcome {
    match mode {
        Mode::First => Outcome::Failed(format!(
            "Salesforce could not be reached before the write, so nothing was changed ({err}). Approve again in a minute."
        )),
        Mode::Reconcile => Outcome::Unknown(format!(
            "Sofie could not yet check in Salesforce whether the change was made ({err}); it checks again shortly."
        )),
    }
}

/// Salesforce's answer to an upsert as stored on the proposal; several matches as `matches`.
async fn upsert_answer(
    rest: &RestClient,
    object: &str,
    field: &str,
    value: &str,
    fields: &Map<String, Value>,
) -> Result<Value, SfError> {
    Ok(match rest.upsert(object, field, value, fields).await? {
        UpsertOutcome::Created(saved) | UpsertOutcome::Updated(Some(saved)) => {
            serde_json::to_value(saved).unwrap_or_default()
        }
        UpsertOutcome::Updated(None) => json!({ "created": false }),
        UpsertOutcome::MultipleMatches(urls) => json!({ "matches": urls }),
    })
}

fn executed(record_id: Option<String>, result: Value, note: Option<&str>) -> Outcome {
    Outcome::Executed {
        record_id,
        result,
        note: note.map(str::to_owned),
    }
}

impl Plan {
    fn id(&self) -> Result<&RecordId, SfError> {
        self.record_id
            .as_ref()
            .ok_or_else(|| SfError::InvalidInput("the proposal names no record".into()))
    }

    /// Runs the plan. Only an expired session comes back as an error, so the caller can
    /// refresh the token and run it again; everything else is an [`Outcome`].
    pub async fn run(&self, rest: &RestClient, mode: Mode) -> Result<Outcome, SfError> {
        let outcome = match &self.action {
            Action::Create => self.create(rest, mode).await,
            Action::Update | Action::Delete => self.change_by_id(rest, mode).await,
            Action::Upsert { external_id_field } => {
                self.upsert(rest, mode, external_id_field).await
            }
        };
        match outcome {
            Err(e @ SfError::SessionExpired(_)) => Err(e),
            Err(e) if e.is_retryable() => Ok(unavailable(mode, &e)),
            Err(e) => Ok(Outcome::Failed(refusal(&e, &self.object))),
            Ok(outcome) => Ok(outcome),
        }
    }

    /// Sends the write, retrying `UNABLE_TO_LOCK_ROW` with jitter. A refusal is an outcome; a
    /// transport failure or 5xx after sending leaves the outcome unknown.
    async fn write<F, Fut>(&self, send: F) -> Result<Result<Value, Outcome>, SfError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Value, SfError>>,
    {
        let mut tries = 0;
        loop {
            match send().await {
                Ok(value) => return Ok(Ok(value)),
                Err(SfError::RowLock(_)) if tries < self.lock_retries => {
                    tries += 1;
                    let base = 150 * 2u64.pow(tries - 1);
                    let jitter = rand::thread_rng().gen_range(0..=base);
                    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
                }
                Err(e @ SfError::SessionExpired(_)) => return Err(e),
                // Sent, but no answer that can be read: the write may have happened.
                Err(e @ (SfError::Transient { .. } | SfError::Protocol(_))) => {
                    return Ok(Err(Outcome::Unknown(format!(
                        "Salesforce did not confirm the write ({e}); Sofie is checking whether it was made and shows the result here."
                    ))));
                }
                Err(e) => return Ok(Err(Outcome::Failed(refusal(&e, &self.object)))),
            }
        }
    }

    async fn create(&self, rest: &RestClient, mode: Mode) -> Result<Outcome, SfError> {
        let (object, fields) = (self.object.as_str(), &self.fields);
        if let Some((field, key)) = &self.sofie_key {
            if mode == Mode::Reconcile {
                match rest
                    .get_record_by_external_id(object, field, key, Some(&["Id"]))
                    .await
                {
                    Ok(ExternalIdMatch::One(record)) => {
                        return Ok(executed(
                            record.id().map(|id| id.as_str().to_owned()),
                            json!({ "found_by": field }),
                            Some("Sofie found the record this change created."),
                        ));
                    }
                    Ok(ExternalIdMatch::Several(urls)) => {
                        return Ok(Outcome::Several(urls));
                    }
                    Err(SfError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            // An upsert on Sofie's own key: sent twice, it still makes one record.
            let sent = self
                .write(|| async { upsert_answer(rest, object, field, key, fields).await })
                .await?;
            return Ok(match sent {
                Ok(result) if result.get("matches").is_some() => Outcome::Several(
                    serde_json::from_value(result["matches"].clone()).unwrap_or_default(),
                ),
                Ok(result) => {
                    let id = match result.get("id").and_then(Value::as_str) {
                        Some(id) => Some(id.to_owned()),
                        None => rest
                            .get_record_by_external_id(object, field, key, Some(&["Id"]))
                            .await
                            .ok()
                            .and_then(|m| match m {
                                ExternalIdMatch::One(r) => r.id().map(|i| i.as_str().to_owned()),
                                ExternalIdMatch::Several(_) => None,
                            }),
                    };
                    executed(id, result, None)
                }
                Err(outcome) => outcome,
            });
        }
        if mode == Mode::Reconcile {
            return self.find_created(rest).await;
        }
        let sent = self
            .write(|| async {
                let saved = rest.create(object, fields).await?;
                Ok(serde_json::to_value(saved).unwrap_or_default())
            })
            .await?;
        Ok(match sent {
            Ok(result) => executed(
                result.get("id").and_then(Value::as_str).map(str::to_owned),
                result,
                None,
            ),
            Err(outcome) => outcome,
        })
    }

    /// A plain create whose answer was lost: the records this Salesforce user created since the
    /// approval with the same values. One is it; none means it was not made; several, the
    /// person decides.
    async fn find_created(&self, rest: &RestClient) -> Result<Outcome, SfError> {
        let Some(soql) = &self.find_created else {
            return Ok(Outcome::Unknown(
                "Sofie cannot look this create up in Salesforce; check the object's recent records there.".into(),
            ));
        };
        let found = rest.query(soql).await?;
        let ids: Vec<String> = found
            .records
            .iter()
            .filter_map(|r| r.id().map(|id| id.as_str().to_owned()))
            .collect();
        Ok(match ids.as_slice() {
            [] => Outcome::Failed(
                "Salesforce holds no record this change created, so it was not made. You may approve it again to run it."
                    .into(),
            ),
            [one] => executed(
                Some(one.clone()),
                json!({ "found_by": "query" }),
                Some("Sofie found the record this change created."),
            ),
            _ => Outcome::Several(ids),
        })
    }

    async fn change_by_id(&self, rest: &RestClient, mode: Mode) -> Result<Outcome, SfError> {
        let (object, id) = (self.object.as_str(), self.id()?);
        let current = match rest.get_record(object, id, None).await {
            Err(SfError::NotFound(_))
                if self.action == Action::Delete && mode == Mode::Reconcile =>
            {
                return Ok(executed(
                    Some(id.as_str().to_owned()),
                    json!({ "deleted": true }),
                    Some("Sofie found the record deleted."),
                ));
            }
            other => other?,
        };
        if stamp_of(&current) != self.stamp {
            if mode == Mode::Reconcile
                && self.action == Action::Update
                && applied(&current, &self.fields)
            {
                return Ok(executed(
                    Some(id.as_str().to_owned()),
                    json!({ "found_applied": true }),
                    Some("Sofie found the change made in Salesforce."),
                ));
            }
            return Ok(Outcome::Stale(Some(current.fields)));
        }
        let sent = match self.action {
            Action::Delete => {
                self.write(|| async {
                    rest.delete(object, id).await?;
                    Ok(json!({ "deleted": true }))
                })
                .await?
            }
            _ => {
                self.write(|| async {
                    rest.update(object, id, &self.fields).await?;
                    Ok(json!({ "updated": true }))
                })
                .await?
            }
        };
        Ok(match sent {
            Ok(result) => executed(Some(id.as_str().to_owned()), result, None),
            Err(outcome) => outcome,
        })
    }

    async fn upsert(&self, rest: &RestClient, mode: Mode, field: &str) -> Result<Outcome, SfError> {
        let object = self.object.as_str();
        let value = self.external_id.as_deref().unwrap_or_default();
        let current = match rest
            .get_record_by_external_id(object, field, value, None)
            .await
        {
            Ok(ExternalIdMatch::One(record)) => Some(record),
            Ok(ExternalIdMatch::Several(urls)) => return Ok(Outcome::Several(urls)),
            Err(SfError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let now_stamp = current.as_ref().and_then(stamp_of);
        if now_stamp != self.stamp {
            if let Some(record) = current.as_ref().filter(|r| applied(r, &self.fields))
                && mode == Mode::Reconcile
            {
                return Ok(executed(
                    record.id().map(|i| i.as_str().to_owned()),
                    json!({ "found_applied": true }),
                    Some("Sofie found the change made in Salesforce."),
                ));
            }
            return Ok(Outcome::Stale(current.map(|r| r.fields)));
        }
        let sent = self
            .write(|| async { upsert_answer(rest, object, field, value, &self.fields).await })
            .await?;
        Ok(match sent {
            Ok(result) if result.get("matches").is_some() => Outcome::Several(
                serde_json::from_value(result["matches"].clone()).unwrap_or_default(),
            ),
            Ok(result) => {
                let id = result
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        current
                            .as_ref()
                            .and_then(|r| r.id())
                            .map(|i| i.as_str().to_owned())
                    });
                executed(id, result, None)
            }
            Err(outcome) => outcome,
        })
    }
}
