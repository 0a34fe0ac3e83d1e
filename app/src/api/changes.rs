//! Prepared changes as the pages show them: the review queue, one proposal with its diff, the
//! form that prepares or revises a change, and the organization's write policy. The form posts
//! themselves (prepare, revise, approve, reject, mark done) are handlers of the server crate,
//! since a change's fields are named by the object, not by a fixed argument list.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::workspace::WorkspaceView;
use crate::error::AppError;

/// "Update" for `update`: an action as the first word of a sentence.
pub fn capitalised(verb: &str) -> String {
    let mut chars = verb.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyView {
    pub enabled: bool,
    /// Object API names, comma-separated; empty means every object.
    pub objects: String,
    pub actions: Vec<String>,
    pub expiry_hours: u32,
    pub version: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    pub field: String,
    pub label: String,
    pub current: Option<String>,
    pub proposed: Option<String>,
    pub by_sofie: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildLine {
    pub object: String,
    pub relationship: String,
    pub count: u64,
    pub cascades: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub revision: i32,
    pub supersedes: Option<i64>,
    /// `pending`, `executing`, `executed`, `failed`, ...
    pub state: String,
    pub state_label: String,
    pub object: String,
    /// `create`, `update`, `upsert`, `delete`.
    pub action: String,
    /// "Update the Account record Globex Corp", as the queue lists it.
    pub summary: String,
    pub record_id: Option<String>,
    /// `(field, value)` of an upsert's external id.
    pub external_id: Option<(String, String)>,
    pub record_name: String,
    /// The record's page in Sofie, once it exists.
    pub record_href: Option<String>,
    pub diff: Vec<DiffLine>,
    pub children: Vec<ChildLine>,
    pub proposed_by: String,
    pub by_assistant: bool,
    pub created_at: String,
    pub expires_at: String,
    pub approved_at: Option<String>,
    pub reject_reason: Option<String>,
    pub note: Option<String>,
    /// `(id, Sofie record page)` of records that could be this create.
    pub candidates: Vec<(String, String)>,
    pub result_record_id: Option<String>,
    /// Salesforce's answer, as JSON text.
    pub result: Option<String>,
    pub auto_assign: Option<bool>,
    pub can_approve: bool,
    pub can_revise: bool,
    pub can_reject: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub open: Vec<ProposalView>,
    pub recent: Vec<ProposalView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InputKind {
    Text,
    LongText,
    Number,
    Date,
    DateTime,
    Boolean,
    /// Active values `(value, label)`; `restricted` refuses any other.
    Picklist {
        values: Vec<(String, String)>,
        restricted: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub type_text: String,
    pub input: InputKind,
    pub required: bool,
    /// The record's value now (update, upsert of an existing record).
    pub current: Option<String>,
    /// What the input holds: the person's last input, else the current value.
    pub value: String,
    pub problem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrepareForm {
    pub object: String,
    pub object_label: String,
    pub action: String,
    pub record_id: Option<String>,
    pub record_name: Option<String>,
    /// Upsert: the object's external id fields to choose from.
    pub external_id_fields: Vec<String>,
    pub external_id_field: Option<String>,
    pub external_id: Option<String>,
    /// Case and Lead creates: the assignment rule checkbox and its state.
    pub auto_assign: Option<bool>,
    pub fields: Vec<FormField>,
    /// Why the last submission was not stored.
    pub message: Option<String>,
    /// Revising this proposal rather than preparing a new one.
    pub revising: Option<i64>,
    /// Where the form posts.
    pub post_to: String,
}

/// A page of prepared changes: the workspace frame, and a one-time notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage<T> {
    pub view: WorkspaceView<T>,
    pub notice: Option<String>,
}

#[server(endpoint = "salesforce/changes")]
pub async fn get_queue(org: String) -> Result<ChangesPage<QueueView>, AppError> {
    use super::changes_ssr::*;
    let slug = org.clone();
    with_notice(&org, |s, actor| async move {
        let queue = s.changes.queue(&actor).await?;
        Ok(QueueView {
            open: queue
                .open
                .into_iter()
                .map(|p| proposal_view(&slug, p))
                .collect(),
            recent: queue
                .recent
                .into_iter()
                .map(|p| proposal_view(&slug, p))
                .collect(),
        })
    })
    .await
}

#[server(endpoint = "salesforce/change")]
pub async fn get_proposal(org: String, id: i64) -> Result<ChangesPage<ProposalView>, AppError> {
    use super::changes_ssr::*;
    let slug = org.clone();
    with_notice(&org, |s, actor| async move {
        Ok(proposal_view(&slug, s.changes.get(&actor, id).await?))
    })
    .await
}

/// The form that prepares `action` on `object` (`id` for update and delete), or revises
/// proposal `revise`.
#[server(endpoint = "salesforce/change-form")]
pub async fn get_prepare_form(
    org: String,
    object: String,
    action: String,
    id: Option<String>,
    revise: Option<i64>,
) -> Result<ChangesPage<PrepareForm>, AppError> {
    use super::changes_ssr::*;
    let slug = org.clone();
    form_page(&slug, object, action, id, revise).await
}

#[server(endpoint = "salesforce/change-policy")]
pub async fn save_policy(
    org: String,
    enabled: Option<String>,
    objects: String,
    actions: Option<Vec<String>>,
    expiry_hours: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    use domain::changes::{PolicyForm, PolicyOutcome};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let form = PolicyForm {
            enabled: enabled.is_some_and(|v| v == "on" || v == "true"),
            objects,
            actions: actions.unwrap_or_default(),
            expiry_hours,
        };
        match me.services.changes.save_policy(&actor, form).await? {
            PolicyOutcome::Saved { version } => {
                me.session
                    .set_notice(&format!(
                        "Prepared changes policy saved (version {version})."
                    ))
                    .await?;
            }
            PolicyOutcome::StepUpRequired(parked) => me.session.park(parked).await?,
        }
        see_other(&format!(
            "/o/{}/settings/integrations/salesforce",
            actor.org.slug
        ));
        Ok(())
    }
    .await;
    fail(result)
}
