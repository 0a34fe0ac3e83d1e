//! The propose tools and `get_proposal`. They only prepare: each change waits for its person to
//! approve the exact preview in Sofie, and then runs once with that person's own connection.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;

use super::{Caller, Touched};
use crate::access::Actor;
use crate::changes::{Action, Changes, PrepareRequest, Proposal, Proposer, State};
use crate::error::{DomainError, DomainResult};

/// Where the person reviews proposals, and the sentence an assistant relays.
pub struct Review<'a> {
    pub origin: &'a str,
}

impl Review<'_> {
    fn url(&self, actor: &Actor, id: i64) -> String {
        format!(
            "{}/o/{}/salesforce/changes/{id}",
            self.origin, actor.org.slug
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    object: String,
    id: Option<String>,
    external_id_field: Option<String>,
    external_id: Option<String>,
    #[serde(default)]
    fields: Map<String, Value>,
    auto_assign: Option<bool>,
}

/// A JSON value as the text a person would type into the form.
fn typed(field: &str, value: &Value) -> DomainResult<String> {
    Ok(match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(DomainError::validation(
                "fields",
                format!("{field}: give a string, number, boolean or null, not a list or object."),
            ));
        }
    })
}

fn proposer(caller: &Caller) -> Proposer {
    match caller {
        Caller::Session => Proposer::Person,
        Caller::Token { id, name, .. } => Proposer::Assistant {
            token_id: *id,
            name: name.clone(),
        },
    }
}

pub async fn propose(
    changes: &Changes,
    review: &Review<'_>,
    actor: &Actor,
    caller: &Caller,
    verb: &str,
    a: Propose,
    touched: &mut Touched,
) -> DomainResult<Value> {
    let action = match verb {
        "create" => Action::Create,
        "update" => Action::Update,
        "delete" => Action::Delete,
        _ => Action::Upsert {
            external_id_field: a.external_id_field.clone().unwrap_or_default(),
        },
    };
    let takes_id = matches!(action, Action::Update | Action::Delete);
    if a.id.is_some() != takes_id {
        return Err(DomainError::validation(
            "id",
            if takes_id {
                format!("Give the id of the record to {verb}.")
            } else {
                format!("A {verb} takes no id.")
            },
        ));
    }
    if verb == "delete" && !a.fields.is_empty() {
        return Err(DomainError::validation(
            "fields",
            "A delete takes no fields.",
        ));
    }
    touched.object = Some(a.object.clone());
    touched.record_ids = a.id.iter().cloned().collect();
    let inputs = a
        .fields
        .iter()
        .map(|(name, value)| Ok((name.clone(), typed(name, value)?)))
        .collect::<DomainResult<Vec<_>>>()?;
    let request = PrepareRequest {
        object: a.object,
        action,
        record_id: a.id,
        external_id: a.external_id,
        inputs,
        auto_assign: a.auto_assign,
    };
    let (proposal, _new) = changes
        .prepare_once(actor, proposer(caller), request)
        .await?;
    Ok(view(review, actor, &proposal))
}

/// What a proposal tool answers: the id, the status, where to approve it, and the exact diff.
fn view(review: &Review<'_>, actor: &Actor, p: &Proposal) -> Value {
    let url = review.url(actor, p.id);
    let status = match p.state {
        State::Pending => "pending_approval",
        other => other.as_str(),
    };
    let expires = p.expires_at.format(&Rfc3339).unwrap_or_default();
    let message = match p.state {
        State::Pending => format!(
            "Not applied yet: approve it at {url} (it waits until {expires}). Nothing changes in Salesforce until the person approves."
        ),
        State::Executed => "Approved and applied in Salesforce.".to_owned(),
        _ => p
            .note
            .clone()
            .unwrap_or_else(|| format!("The proposal is {status}.")),
    };
    let diff: Vec<Value> = p
        .diff
        .iter()
        .map(|d| json!({ "field": d.field, "current": d.current, "proposed": d.proposed }))
        .collect();
    json!({
        "id": p.id,
        "status": status,
        "object": p.object,
        "action": p.action.verb(),
        "record_id": p.record_id,
        "record_name": p.record_name,
        "approval_url": url,
        "expires_at": expires,
        "diff": diff,
        "result_record_id": p.result_record_id,
        "message": message,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetProposal {
    id: i64,
}

pub async fn get_proposal(
    changes: &Changes,
    review: &Review<'_>,
    actor: &Actor,
    a: GetProposal,
) -> DomainResult<Value> {
    Ok(view(review, actor, &changes.get(actor, a.id).await?))
}
