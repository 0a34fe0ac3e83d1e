//! The server side of the prepared-changes pages: the proposal as shown, and the form built
//! from the connected user's describe, the record's current values and the last input.

use std::future::Future;

use domain::DomainError;
use domain::access::Actor;
use domain::changes::{Proposal, Proposer, State};
use domain::workspace::FieldView;
use serde::{Deserialize, Serialize};

use super::changes::*;
use super::connections::server::when;
use super::ssr::{Services, signed_in};
use super::workspace_ssr::page;
use crate::error::AppError;

/// What a refused form submission left for the form to show again: nothing typed is lost.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Draft {
    /// The form it belongs to (where it posts).
    pub post_to: String,
    pub inputs: Vec<(String, String)>,
    pub problems: Vec<(String, String)>,
    pub message: String,
    pub external_id_field: Option<String>,
    pub external_id: Option<String>,
    pub auto_assign: Option<bool>,
}

/// The workspace frame around `op`, and the session's one-time notice.
pub async fn with_notice<T, F, Fut>(org: &str, op: F) -> Result<ChangesPage<T>, AppError>
where
    F: FnOnce(Services, Actor) -> Fut,
    Fut: Future<Output = Result<T, DomainError>>,
{
    let view = page(org, op).await?;
    let notice = signed_in().await?.session.take_notice().await?;
    Ok(ChangesPage { view, notice })
}

fn state_label(state: State) -> &'static str {
    match state {
        State::Pending => "Waiting for your approval",
        State::Executing => "Being made in Salesforce",
        State::Executed => "Done",
        State::Failed => "Not made",
        State::Unknown => "Outcome unknown: Sofie is checking Salesforce",
        State::NeedsDecision => "Needs your decision",
        State::Rejected => "Rejected",
        State::Expired => "Expired",
        State::Cancelled => "Cancelled",
        State::Superseded => "Replaced by a newer revision",
    }
}

pub fn record_page(org: &str, object: &str, id: &str) -> String {
    format!("/o/{org}/salesforce/records/{object}/{id}")
}

pub fn proposal_view(org: &str, p: Proposal) -> ProposalView {
    let verb = p.action.verb();
    let open_now = p.expires_at > time::OffsetDateTime::now_utc();
    let gone = p.state == State::Executed && verb == "delete";
    let record = p.result_record_id.clone().or(p.record_id.clone());
    ProposalView {
        summary: format!("{} {} “{}”", capitalised(verb), p.object, p.record_name),
        state: match p.state {
            State::NeedsDecision => "needs_decision".into(),
            s => s.as_str().into(),
        },
        state_label: state_label(p.state).into(),
        record_href: record
            .filter(|_| !gone)
            .map(|id| record_page(org, &p.object, &id)),
        external_id: match &p.action {
            domain::changes::Action::Upsert { external_id_field } => p
                .external_id
                .clone()
                .map(|v| (external_id_field.clone(), v)),
            _ => None,
        },
        diff: p
            .diff
            .into_iter()
            .map(|d| DiffLine {
                field: d.field,
                label: d.label,
                current: d.current,
                proposed: d.proposed,
                by_sofie: d.by_sofie,
            })
            .collect(),
        children: p
            .children
            .into_iter()
            .map(|c| ChildLine {
                object: c.object,
                relationship: c.relationship,
                count: c.count,
                cascades: c.cascades,
            })
            .collect(),
        proposed_by: match &p.proposer {
            Proposer::Person => "You".into(),
            Proposer::Assistant { name, .. } => format!("{name}, an assistant acting for you"),
        },
        by_assistant: matches!(p.proposer, Proposer::Assistant { .. }),
        created_at: when(p.created_at),
        expires_at: when(p.expires_at),
        approved_at: p.approved_at.map(when),
        candidates: p
            .candidates
            .iter()
            .map(|id| (id.clone(), record_page(org, &p.object, id)))
            .collect(),
        result: p
            .result
            .as_ref()
            .map(|r| serde_json::to_string_pretty(r).unwrap_or_default()),
        can_approve: open_now
            && matches!(
                p.state,
                State::Pending | State::Failed | State::NeedsDecision
            ),
        can_revise: open_now && p.state.is_open(),
        can_reject: matches!(
            p.state,
            State::Pending | State::Failed | State::NeedsDecision
        ),
        id: p.id,
        revision: p.revision,
        supersedes: p.supersedes,
        object: p.object,
        action: verb.into(),
        record_id: p.record_id,
        record_name: p.record_name,
        reject_reason: p.reject_reason,
        note: p.note,
        result_record_id: p.result_record_id,
        auto_assign: p.auto_assign,
    }
}

fn input_kind(f: &FieldView) -> InputKind {
    match f.field_type.as_str() {
        "boolean" => InputKind::Boolean,
        "picklist" => InputKind::Picklist {
            values: f
                .picklist
                .iter()
                .filter(|p| p.active)
                .map(|p| (p.value.clone(), p.label.clone()))
                .collect(),
            restricted: f.restricted_picklist,
        },
        "date" => InputKind::Date,
        "datetime" => InputKind::DateTime,
        "int" | "double" | "currency" | "percent" => InputKind::Number,
        "textarea" => InputKind::LongText,
        _ => InputKind::Text,
    }
}

fn writable(f: &FieldView, action: &str, key_field: Option<&str>) -> bool {
    match action {
        "create" => f.createable,
        "update" => f.updateable,
        "upsert" => f.createable && f.updateable && Some(f.name.as_str()) != key_field,
        _ => false,
    }
}

/// The prepare (or revise) form, with the last refused input when there is one.
pub async fn form_page(
    org: &str,
    object: String,
    action: String,
    id: Option<String>,
    revise: Option<i64>,
) -> Result<ChangesPage<PrepareForm>, AppError> {
    let slug = org.to_owned();
    let draft: Option<Draft> = signed_in().await?.session.take_draft().await?;
    with_notice(org, |s, actor| async move {
        let revising = match revise {
            Some(rev) => Some(s.changes.get(&actor, rev).await?),
            None => None,
        };
        let (object, action, id) = match &revising {
            Some(p) => (
                p.object.clone(),
                p.action.verb().to_owned(),
                p.record_id.clone(),
            ),
            None => (
                object,
                action.trim().to_ascii_lowercase(),
                id.filter(|i| !i.trim().is_empty()),
            ),
        };
        if !domain::changes::VERBS.contains(&action.as_str()) {
            return Err(DomainError::validation(
                "action",
                "Choose create, update, upsert or delete.",
            ));
        }
        let describe = s.workspace.describe(&actor, &object).await?;
        let allowed = s.changes.allowed_actions(&actor, &describe.name).await?;
        if !allowed.contains(&action) && revising.is_none() {
            let policy = s.changes.policy(&actor).await?;
            return Err(DomainError::Conflict(
                policy.refusal(&action, &describe.name).unwrap_or_else(|| {
                    format!(
                        "Your Salesforce user may not {action} {} records.",
                        describe.name
                    )
                }),
            ));
        }
        let current = match (&id, action.as_str()) {
            (Some(id), "update" | "delete") => {
                Some(s.workspace.read_record(&actor, &describe.name, id).await?)
            }
            (None, "update" | "delete") => {
                return Err(DomainError::validation(
                    "id",
                    "Name the record to change by its id.",
                ));
            }
            _ => None,
        };
        let current_value = |name: &str| {
            current.as_ref().and_then(|r| {
                r.groups
                    .iter()
                    .flat_map(|g| g.fields.iter())
                    .find(|f| f.name == name)
                    .map(|f| f.value.clone())
            })
        };
        let post_to = match revise {
            Some(rev) => format!("/o/{slug}/salesforce/changes/{rev}/revise"),
            None => format!("/o/{slug}/salesforce/changes/prepare"),
        };
        let draft = draft.filter(|d| d.post_to == post_to);
        let external_id_fields: Vec<String> = describe
            .fields
            .iter()
            .filter(|f| f.external_id)
            .map(|f| f.name.clone())
            .collect();
        let key_field = draft
            .as_ref()
            .and_then(|d| d.external_id_field.clone())
            .or_else(|| match revising.as_ref().map(|p| &p.action) {
                Some(domain::changes::Action::Upsert { external_id_field }) => {
                    Some(external_id_field.clone())
                }
                _ => None,
            })
            .or_else(|| external_id_fields.first().cloned());
        let fields: Vec<FormField> = describe
            .fields
            .iter()
            .filter(|f| writable(f, &action, key_field.as_deref()))
            .map(|f| {
                let typed = draft
                    .as_ref()
                    .and_then(|d| d.inputs.iter().find(|(n, _)| *n == f.name))
                    .map(|(_, v)| v.clone());
                let proposed =
                    revising
                        .as_ref()
                        .and_then(|p| p.fields.get(&f.name))
                        .map(|v| match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        });
                let now = current_value(&f.name);
                FormField {
                    value: typed.or(proposed).or(now.clone()).unwrap_or_default(),
                    current: now,
                    problem: draft
                        .as_ref()
                        .and_then(|d| d.problems.iter().find(|(n, _)| *n == f.name))
                        .map(|(_, p)| p.clone()),
                    name: f.name.clone(),
                    label: f.label.clone(),
                    type_text: f.field_type.clone(),
                    input: input_kind(f),
                    required: action == "create" && f.required_on_create,
                }
            })
            .collect();
        // Problems of fields the form does not offer (a misspelt or hidden field) are told in
        // the message, since no input can show them.
        let message = draft.as_ref().map(|d| {
            let unplaced: Vec<String> = d
                .problems
                .iter()
                .filter(|(field, _)| !fields.iter().any(|f: &FormField| f.name == *field))
                .filter(|(_, reason)| *reason != d.message)
                .map(|(field, reason)| format!("{field}: {reason}."))
                .collect();
            [d.message.clone()]
                .into_iter()
                .chain(unplaced)
                .collect::<Vec<_>>()
                .join(" ")
        });
        Ok(PrepareForm {
            auto_assign: (action == "create" && matches!(describe.name.as_str(), "Case" | "Lead"))
                .then(|| {
                    draft
                        .as_ref()
                        .and_then(|d| d.auto_assign)
                        .or(revising.as_ref().and_then(|p| p.auto_assign))
                        .unwrap_or(true)
                }),
            external_id: draft
                .as_ref()
                .and_then(|d| d.external_id.clone())
                .or(revising.as_ref().and_then(|p| p.external_id.clone())),
            record_name: current.as_ref().map(|r| r.name.clone()),
            record_id: current.as_ref().map(|r| r.id.clone()),
            object: describe.name.clone(),
            object_label: describe.label.clone(),
            external_id_fields,
            external_id_field: key_field.filter(|_| action == "upsert"),
            action,
            fields,
            message,
            revising: revise,
            post_to,
        })
    })
    .await
}
