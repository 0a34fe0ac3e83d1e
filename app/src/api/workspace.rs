//! Server functions of the Salesforce workspace: objects, one object, search, SOQL, a record.
//! Each page's data is its organization context, the API usage gauge, and an outcome: the
//! result, the connection card (not connected, or needs reconnect) or a problem sentence.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::connections::CardView;
use super::context::OrgContext;
use crate::error::AppError;

/// Used and allowed API requests of the Salesforce organization, last 24 hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsageView {
    pub used: u64,
    pub allowed: u64,
    pub percent: u64,
}

/// Salesforce's refusal or failure, as a sentence; close matches for an unknown object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub message: String,
    pub close_matches: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome<T> {
    Ready(T),
    /// Not connected, or the connection needs attention: the card says which, with its button.
    Connect(Box<CardView>),
    Problem(Problem),
    /// Nothing asked yet (an empty search or query box).
    Idle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceView<T> {
    pub context: OrgContext,
    pub usage: Option<UsageView>,
    /// The person's prepared changes waiting for their decision.
    pub waiting: u64,
    pub outcome: Outcome<T>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectRow {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub custom: bool,
    pub searchable: bool,
    pub queryable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PicklistRow {
    pub value: String,
    pub label: String,
    pub active: bool,
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldRow {
    pub name: String,
    pub label: String,
    /// `string(255)`, `currency(18, 2)`, `reference`, ...
    pub type_text: String,
    pub required: bool,
    pub createable: bool,
    pub updateable: bool,
    /// `unique`, `external id`, `formula`, `name`, `master-detail`.
    pub traits: Vec<String>,
    pub default_value: Option<String>,
    pub picklist: Vec<PicklistRow>,
    pub controller: Option<String>,
    pub reference_to: Vec<String>,
    pub relationship: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildRow {
    pub object: String,
    pub field: String,
    pub relationship: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordTypeRow {
    pub name: String,
    pub developer_name: Option<String>,
    pub available: bool,
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectView {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub key_prefix: Option<String>,
    pub actions: Vec<String>,
    pub fields: Vec<FieldRow>,
    pub children: Vec<ChildRow>,
    pub record_types: Vec<RecordTypeRow>,
    /// What the person may prepare here: `create`, `upsert`.
    pub prepare: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HitRow {
    pub object: String,
    pub name: String,
    pub id: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    pub objects: Vec<String>,
    pub hits: Vec<HitRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellView {
    pub text: String,
    /// The record page of an id.
    pub href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryView {
    pub soql: String,
    pub notice: Option<String>,
    pub total: u64,
    pub offset: u64,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<CellView>>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueRow {
    pub label: String,
    pub name: String,
    pub value: String,
    pub href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub title: String,
    pub fields: Vec<ValueRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordPageView {
    pub object: String,
    pub object_label: String,
    pub id: String,
    pub name: String,
    pub groups: Vec<GroupView>,
    pub salesforce_url: String,
    /// What the person may prepare on this record: `update`, `delete`.
    pub prepare: Vec<String>,
}

#[server(endpoint = "salesforce/objects")]
pub async fn get_objects(org: String) -> Result<WorkspaceView<Vec<ObjectRow>>, AppError> {
    use super::workspace_ssr::*;
    page(&org, |s, actor| async move {
        let w = &s.workspace;
        Ok(w.list_objects(&actor)
            .await?
            .into_iter()
            .map(object_row)
            .collect())
    })
    .await
}

#[server(endpoint = "salesforce/object")]
pub async fn get_object(org: String, name: String) -> Result<WorkspaceView<ObjectView>, AppError> {
    use super::workspace_ssr::*;
    page(&org, |s, actor| async move {
        let w = &s.workspace;
        let mut view = object_view(w.describe(&actor, &name).await?);
        view.prepare = s.changes.allowed_actions(&actor, &view.name).await?;
        view.prepare.retain(|a| a == "create" || a == "upsert");
        Ok(view)
    })
    .await
}

#[server(endpoint = "salesforce/search")]
pub async fn run_search(
    org: String,
    q: String,
    /// API names, separated by commas or spaces; empty for every searchable object.
    objects: String,
    /// More fields to show for each hit, where its object has them.
    fields: String,
) -> Result<WorkspaceView<SearchView>, AppError> {
    use super::workspace_ssr::*;
    if q.trim().is_empty() {
        return idle(&org).await;
    }
    page(&org, |s, actor| async move {
        let w = &s.workspace;
        let names = |text: &str| -> Vec<String> {
            text.split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let request = domain::workspace::SearchRequest {
            term: q,
            objects: names(&objects),
            fields: names(&fields),
        };
        Ok(search_view(w.search(&actor, &request).await?))
    })
    .await
}

#[server(endpoint = "salesforce/query")]
pub async fn run_query(
    org: String,
    q: String,
    page_at: Option<String>,
) -> Result<WorkspaceView<QueryView>, AppError> {
    use super::workspace_ssr::*;
    if q.trim().is_empty() {
        return idle(&org).await;
    }
    let slug = org.clone();
    page(&org, |s, actor| async move {
        let w = &s.workspace;
        Ok(query_view(
            &slug,
            w.query(&actor, &q, page_at.as_deref()).await?,
        ))
    })
    .await
}

#[server(endpoint = "salesforce/record")]
pub async fn get_record(
    org: String,
    object: String,
    id: String,
) -> Result<WorkspaceView<RecordPageView>, AppError> {
    use super::workspace_ssr::*;
    let slug = org.clone();
    page(&org, |s, actor| async move {
        let w = &s.workspace;
        let mut view = record_view(&slug, w.read_record(&actor, &object, &id).await?);
        view.prepare = s.changes.allowed_actions(&actor, &view.object).await?;
        view.prepare.retain(|a| a == "update" || a == "delete");
        Ok(view)
    })
    .await
}
