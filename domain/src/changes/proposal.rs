//! A proposal as the domain sees it: read from its row, with the diff a person reviews.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::fields::Action;
use crate::entities::proposal;
use crate::error::{DomainError, DomainResult};
use crate::workspace::display;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Waiting for its person's approval.
    Pending,
    /// Approved; a process owns the write until its lease ends.
    Executing,
    Executed,
    /// Salesforce refused it, or it was checked not to have happened; it may be approved again
    /// or revised.
    Failed,
    /// The write may or may not have happened (a timeout, a dropped connection); Sofie reads
    /// Salesforce until it knows.
    Unknown,
    /// Reconciling found several records that could be this create; the person decides.
    NeedsDecision,
    Rejected,
    Expired,
    /// Its person left the organization or was disabled.
    Cancelled,
    /// Replaced by a newer revision.
    Superseded,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Executing => "executing",
            State::Executed => "executed",
            State::Failed => "failed",
            State::Unknown => "unknown",
            State::NeedsDecision => "needs_decision",
            State::Rejected => "rejected",
            State::Expired => "expired",
            State::Cancelled => "cancelled",
            State::Superseded => "superseded",
        }
    }

    pub fn parse(text: &str) -> DomainResult<State> {
        [
            State::Pending,
            State::Executing,
            State::Executed,
            State::Failed,
            State::Unknown,
            State::NeedsDecision,
            State::Rejected,
            State::Expired,
            State::Cancelled,
            State::Superseded,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| DomainError::internal("a proposal state does not parse", text.to_owned()))
    }

    /// What the person may still do: approve (again), revise, reject.
    pub fn is_open(self) -> bool {
        matches!(self, State::Pending | State::Failed)
    }
}

/// Who prepared a change. It always runs for, and is approved by, the person it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposer {
    Person,
    /// An assistant acting for the person, through the tool API token `token_id`.
    Assistant {
        token_id: i64,
        name: String,
    },
}

/// A child relationship a delete affects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildEffect {
    pub object: String,
    pub relationship: String,
    pub count: u64,
    /// `true`: Salesforce deletes them too; `false`: they block the delete.
    pub cascades: bool,
}

/// What the proposal knew of the record and its fields when it was prepared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Snapshot {
    /// The record's fields as the user could read them; `None` for a create.
    pub record: Option<Map<String, Value>>,
    pub labels: BTreeMap<String, String>,
    pub children: Vec<ChildEffect>,
}

/// One line of the review: a field as it is now and as the change would make it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffRow {
    pub field: String,
    pub label: String,
    /// `None` on a create (there is no record yet).
    pub current: Option<String>,
    /// `None` on a delete (the field goes with the record).
    pub proposed: Option<String>,
    /// Set by Sofie (the key that finds a create again), not by the person.
    pub by_sofie: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: i64,
    pub revision: i32,
    pub supersedes: Option<i64>,
    pub state: State,
    pub object: String,
    pub action: Action,
    pub record_id: Option<String>,
    pub external_id: Option<String>,
    pub record_name: String,
    /// Exactly what Salesforce is sent, besides the Sofie key.
    pub fields: Map<String, Value>,
    /// `(field, value)` of the key a create is sent as an upsert on.
    pub sofie_key: Option<(String, String)>,
    /// Case and Lead creates: whether the assignment rule runs.
    pub auto_assign: Option<bool>,
    pub diff: Vec<DiffRow>,
    pub children: Vec<ChildEffect>,
    pub proposer: Proposer,
    pub user_id: i64,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub approved_at: Option<OffsetDateTime>,
    pub decided_at: Option<OffsetDateTime>,
    pub reject_reason: Option<String>,
    /// Why it is in its state, as a sentence (a refusal, a changed record, what reconciling found).
    pub note: Option<String>,
    /// Ids of records that could be this create.
    pub candidates: Vec<String>,
    pub result_record_id: Option<String>,
    /// Salesforce's answer to the write, as it came.
    pub result: Option<Value>,
}

fn json_of<T: for<'de> Deserialize<'de>>(text: &str, what: &'static str) -> DomainResult<T> {
    serde_json::from_str(text).map_err(|e| DomainError::internal(what, e))
}

pub(super) fn action_of(row: &proposal::Model) -> DomainResult<Action> {
    Ok(match row.action.as_str() {
        "create" => Action::Create,
        "update" => Action::Update,
        "upsert" => Action::Upsert {
            external_id_field: row.external_id_field.clone().unwrap_or_default(),
        },
        "delete" => Action::Delete,
        other => {
            return Err(DomainError::internal(
                "a proposal action does not parse",
                other.to_owned(),
            ));
        }
    })
}

pub(super) fn snapshot_of(row: &proposal::Model) -> DomainResult<Snapshot> {
    row.snapshot
        .as_deref()
        .map(|s| json_of(s, "a proposal snapshot does not parse"))
        .transpose()
        .map(Option::unwrap_or_default)
}

pub(super) fn fields_of(row: &proposal::Model) -> DomainResult<Map<String, Value>> {
    json_of(&row.fields, "a proposal's fields do not parse")
}

/// Fields with the same meaning: numbers compare by value, so 100 and 100.0 are one.
pub(super) fn same_value(a: Option<&Value>, b: &Value) -> bool {
    match (a.unwrap_or(&Value::Null), b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (x, y) => x == y,
    }
}

impl Proposal {
    pub(super) fn from_row(row: &proposal::Model) -> DomainResult<Proposal> {
        let action = action_of(row)?;
        let fields = fields_of(row)?;
        let snapshot = snapshot_of(row)?;
        let label = |name: &str| {
            snapshot
                .labels
                .get(name)
                .cloned()
                .unwrap_or(name.to_owned())
        };
        let current = |name: &str| {
            snapshot
                .record
                .as_ref()
                .map(|r| r.get(name).map(display).unwrap_or_default())
        };
        let mut diff: Vec<DiffRow> = match action {
            Action::Delete => snapshot
                .record
                .iter()
                .flat_map(|r| r.iter())
                .filter(|(name, _)| *name != "attributes")
                .map(|(name, value)| DiffRow {
                    field: name.clone(),
                    label: label(name),
                    current: Some(display(value)),
                    proposed: None,
                    by_sofie: false,
                })
                .collect(),
            _ => fields
                .iter()
                .map(|(name, value)| DiffRow {
                    field: name.clone(),
                    label: label(name),
                    current: current(name),
                    proposed: Some(display(value)),
                    by_sofie: false,
                })
                .collect(),
        };
        let sofie_key = row.sofie_key_field.clone().zip(row.sofie_key.clone());
        if let Some((field, key)) = &sofie_key {
            diff.push(DiffRow {
                field: field.clone(),
                label: label(field),
                current: None,
                proposed: Some(key.clone()),
                by_sofie: true,
            });
        }
        Ok(Proposal {
            id: row.id,
            revision: row.revision,
            supersedes: row.supersedes,
            state: State::parse(&row.state)?,
            object: row.object.clone(),
            action,
            record_id: row.record_id.clone(),
            external_id: row.external_id.clone(),
            record_name: row.record_name.clone(),
            fields,
            sofie_key,
            auto_assign: row.auto_assign,
            diff,
            children: snapshot.children,
            proposer: match (row.proposer_token_id, &row.proposer_name) {
                (Some(token_id), name) => Proposer::Assistant {
                    token_id,
                    name: name.clone().unwrap_or_default(),
                },
                (None, _) => Proposer::Person,
            },
            user_id: row.user_id,
            created_at: row.created_at,
            expires_at: row.expires_at,
            approved_at: row.approved_at,
            decided_at: row.decided_at,
            reject_reason: row.reject_reason.clone(),
            note: row.note.clone(),
            candidates: row
                .candidates
                .as_deref()
                .map(|c| c.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            result_record_id: row.result_record_id.clone(),
            result: row
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
        })
    }
}
