//! Preparing a change: checked against the organization's policy and the connected user's
//! describe before anything is stored, with a snapshot of the record as it is now.

use rand::RngCore;
use rand::rngs::OsRng;
use salesforce::RecordId;
use salesforce::rest::{ExternalIdMatch, Record};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use super::Changes;
use super::fields::{Action, checked_fields};
use super::proposal::{ChildEffect, Proposal, Proposer, Snapshot, State, same_value};
use super::values::ValueProblem;
use crate::access::Actor;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::connections::{ConnectionRef, Upstream};
use crate::entities::proposal;
use crate::error::{DomainError, DomainResult};
use crate::workspace::{Catalog, ObjectDetail, display, record_id_of};

/// What a person or an assistant asks to change.
#[derive(Clone, Debug, PartialEq)]
pub struct PrepareRequest {
    pub object: String,
    pub action: Action,
    /// Update and delete: the record, 15 or 18 characters.
    pub record_id: Option<String>,
    /// Upsert: the external id value.
    pub external_id: Option<String>,
    /// `(field API name, value as typed)`.
    pub inputs: Vec<(String, String)>,
    /// Case and Lead creates: run the assignment rule (Salesforce's default) or not.
    pub auto_assign: Option<bool>,
}

/// Most child relationships counted for a delete's preview.
const MAX_CHILD_COUNTS: usize = 12;

fn refused(field: &str, reason: impl Into<String>) -> DomainError {
    DomainError::Fields(vec![ValueProblem {
        field: field.into(),
        reason: reason.into(),
    }])
}

/// The record as it is now, and the connection that read it.
struct Current {
    connection: ConnectionRef,
    record_id: Option<RecordId>,
    record: Option<Record>,
}

fn name_of(object: &ObjectDetail, fields: &Map<String, Value>) -> Option<String> {
    object
        .name_field()
        .and_then(|f| fields.get(f))
        .map(display)
        .filter(|n| !n.is_empty())
}

/// An external-id text field Sofie may fill with its own key, so a create can be found again.
fn sofie_key_field<'o>(object: &'o ObjectDetail, body: &Map<String, Value>) -> Option<&'o str> {
    object
        .fields
        .iter()
        .find(|f| {
            f.external_id
                && f.createable
                && f.updateable
                && f.field_type == "string"
                && f.length.unwrap_or(0) >= 30
                && !body.contains_key(&f.name)
        })
        .map(|f| f.name.as_str())
}

fn new_sofie_key() -> String {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sofie-{hex}")
}

impl Changes {
    pub async fn prepare(
        &self,
        actor: &Actor,
        proposer: Proposer,
        request: PrepareRequest,
    ) -> DomainResult<Proposal> {
        let row = self.checked(actor, &proposer, &request, None).await?;
        let row = row.insert(&self.db).await?;
        let proposal = Proposal::from_row(&row)?;
        self.audit_change(&self.db, actor, AuditAction::ChangeProposed, &proposal)
            .await?;
        Ok(proposal)
    }

    /// The row a request would store, after every check; nothing is stored here.
    pub(super) async fn checked(
        &self,
        actor: &Actor,
        proposer: &Proposer,
        request: &PrepareRequest,
        supersedes: Option<&proposal::Model>,
    ) -> DomainResult<proposal::ActiveModel> {
        let policy = self.policy_of(actor.org.id).await?;
        if !policy.enabled {
            return Err(DomainError::Conflict(
                policy.refusal("", "").unwrap_or_default(),
            ));
        }
        let catalog = self.workspace.global(actor).await?;
        let object = self
            .workspace
            .object_in(actor, &catalog, &request.object)
            .await?;
        if let Some(why) = policy.refusal(request.action.verb(), &object.name) {
            return Err(DomainError::Conflict(why));
        }
        let mut body = checked_fields(&object, &catalog, &request.action, &request.inputs)
            .map_err(DomainError::Fields)?;
        let current = self.current(actor, &object, &catalog, request).await?;
        let snapshot_fields = current.record.as_ref().map(|r| r.fields.clone());
        if request.action == Action::Update {
            body.retain(|name, value| {
                !same_value(snapshot_fields.as_ref().and_then(|r| r.get(name)), value)
            });
            if body.is_empty() {
                return Err(refused(
                    "fields",
                    "every value is what the record holds now, so nothing would change",
                ));
            }
        }
        let sofie_key = match request.action {
            Action::Create => {
                sofie_key_field(&object, &body).map(|f| (f.to_owned(), new_sofie_key()))
            }
            _ => None,
        };
        let children = match (&request.action, &current.record_id) {
            (Action::Delete, Some(id)) => self.child_effects(actor, &object, id).await?,
            _ => Vec::new(),
        };
        let mut labels = std::collections::BTreeMap::new();
        for field in &object.fields {
            let shown = body.contains_key(&field.name)
                || snapshot_fields
                    .as_ref()
                    .is_some_and(|r| r.contains_key(&field.name))
                || sofie_key.as_ref().is_some_and(|(k, _)| *k == field.name);
            if shown {
                labels.insert(field.name.clone(), field.label.clone());
            }
        }
        let record_name = snapshot_fields
            .as_ref()
            .and_then(|r| name_of(&object, r))
            .or_else(|| name_of(&object, &body))
            .or_else(|| current.record_id.as_ref().map(|id| id.as_str().to_owned()))
            .or_else(|| request.external_id.clone())
            .unwrap_or_else(|| format!("New {}", object.label));
        let stamp = snapshot_fields
            .as_ref()
            .and_then(|r| r.get("SystemModstamp"))
            .map(display);
        let snapshot = Snapshot {
            record: snapshot_fields,
            labels,
            children,
        };
        let auto_assign = (request.action == Action::Create
            && matches!(object.name.as_str(), "Case" | "Lead"))
        .then(|| request.auto_assign.unwrap_or(true));
        let now = OffsetDateTime::now_utc();
        let (token_id, proposer_name) = match proposer {
            Proposer::Person => (None, None),
            Proposer::Assistant { token_id, name } => (Some(*token_id), Some(name.clone())),
        };
        let (key_field, key) = sofie_key.unzip();
        Ok(proposal::ActiveModel {
            org_id: Set(actor.org.id),
            user_id: Set(actor.user.id),
            connection_id: Set(current.connection.id),
            sf_user_id: Set(current.connection.sf_user_id.clone()),
            proposer_token_id: Set(token_id),
            proposer_name: Set(proposer_name),
            object: Set(object.name.clone()),
            action: Set(request.action.verb().into()),
            record_id: Set(current.record_id.map(|id| id.as_str().to_owned())),
            external_id_field: Set(match &request.action {
                Action::Upsert { external_id_field } => {
                    object.field(external_id_field).map(|f| f.name.clone())
                }
                _ => None,
            }),
            external_id: Set(request
                .external_id
                .clone()
                .filter(|_| matches!(request.action, Action::Upsert { .. }))),
            record_name: Set(record_name.chars().take(255).collect()),
            sofie_key_field: Set(key_field),
            sofie_key: Set(key),
            fields: Set(Value::Object(body).to_string()),
            snapshot: Set(Some(
                serde_json::to_string(&snapshot).expect("a snapshot serialises"),
            )),
            snapshot_stamp: Set(stamp),
            auto_assign: Set(auto_assign),
            revision: Set(supersedes.map_or(1, |s| s.revision + 1)),
            supersedes: Set(supersedes.map(|s| s.id)),
            state: Set(State::Pending.as_str().into()),
            note: Set(None),
            candidates: Set(None),
            created_at: Set(now),
            expires_at: Set(now + Duration::hours(policy.expiry_hours.into())),
            approved_at: Set(None),
            decided_at: Set(None),
            reject_reason: Set(None),
            lease_until: Set(None),
            attempts: Set(0),
            result_record_id: Set(None),
            result: Set(None),
            updated_at: Set(now),
            ..Default::default()
        })
    }

    /// Reads the record the change is about (update, delete, upsert) with the person's authority.
    async fn current(
        &self,
        actor: &Actor,
        object: &ObjectDetail,
        catalog: &Catalog,
        request: &PrepareRequest,
    ) -> DomainResult<Current> {
        let name = object.name.as_str();
        match &request.action {
            Action::Create => {
                let connection = self
                    .workspace
                    .connections
                    .call(actor, |up: Upstream| async move { Ok(up.connection) })
                    .await?;
                Ok(Current {
                    connection,
                    record_id: None,
                    record: None,
                })
            }
            Action::Update | Action::Delete => {
                let text = request.record_id.as_deref().unwrap_or_default();
                if text.trim().is_empty() {
                    return Err(refused("id", "name the record to change by its id"));
                }
                let id = record_id_of(object, catalog, text)?;
                let (record, connection) = self
                    .workspace
                    .connections
                    .call(actor, |up: Upstream| {
                        let id = id.clone();
                        async move {
                            let record = up.rest.get_record(name, &id, None).await?;
                            Ok((record, up.connection))
                        }
                    })
                    .await?;
                Ok(Current {
                    connection,
                    record_id: Some(id),
                    record: Some(record),
                })
            }
            Action::Upsert { external_id_field } => {
                let value = request.external_id.as_deref().unwrap_or_default().trim();
                if value.is_empty() || value.len() > 255 || value.contains('/') {
                    return Err(refused(
                        external_id_field,
                        "give the external id value (up to 255 characters, no slash)",
                    ));
                }
                let field = object
                    .field(external_id_field)
                    .map(|f| f.name.as_str())
                    .unwrap_or(external_id_field);
                let (found, connection) = self
                    .workspace
                    .connections
                    .call(actor, |up: Upstream| async move {
                        let found = match up
                            .rest
                            .get_record_by_external_id(name, field, value, None)
                            .await
                        {
                            Err(salesforce::Error::NotFound(_)) => None,
                            other => Some(other?),
                        };
                        Ok((found, up.connection))
                    })
                    .await?;
                let record = match found {
                    None => None,
                    Some(ExternalIdMatch::One(record)) => Some(record),
                    Some(ExternalIdMatch::Several(urls)) => {
                        return Err(refused(
                            field,
                            format!(
                                "{} records of {name} hold {value:?}; an upsert needs a value one record at most holds",
                                urls.len()
                            ),
                        ));
                    }
                };
                Ok(Current {
                    connection,
                    record_id: record.as_ref().and_then(|r| r.id()),
                    record,
                })
            }
        }
    }

    /// The child records a delete of `id` would take with it or be blocked by.
    async fn child_effects(
        &self,
        actor: &Actor,
        object: &ObjectDetail,
        id: &RecordId,
    ) -> DomainResult<Vec<ChildEffect>> {
        let related: Vec<_> = object
            .children
            .iter()
            .filter(|c| (c.cascade_delete || c.restricted_delete) && c.relationship_name.is_some())
            .take(MAX_CHILD_COUNTS)
            .collect();
        let mut effects = Vec::new();
        for child in related {
            let soql = format!(
                "SELECT COUNT() FROM {} WHERE {} = '{}'",
                child.object,
                child.field,
                id.as_str()
            );
            let counted = self
                .workspace
                .connections
                .call(actor, |up: Upstream| {
                    let soql = soql.clone();
                    async move {
                        match up.rest.query(&soql).await {
                            Ok(result) => Ok(Some(result.total_size)),
                            // A child object this user cannot read is not theirs to count.
                            Err(salesforce::Error::Permission(_)) => Ok(None),
                            Err(e) => Err(e),
                        }
                    }
                })
                .await?;
            if let Some(count) = counted.filter(|c| *c > 0) {
                effects.push(ChildEffect {
                    object: child.object.clone(),
                    relationship: child.relationship_name.clone().unwrap_or_default(),
                    count,
                    cascades: !child.restricted_delete,
                });
            }
        }
        Ok(effects)
    }

    /// Audits `action` on `proposal`: who, the object, the record and the field names, with
    /// values only as keyed fingerprints.
    pub(super) async fn audit_change(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        action: AuditAction,
        proposal: &Proposal,
    ) -> DomainResult<()> {
        let fingerprints: Map<String, Value> = proposal
            .fields
            .iter()
            .map(|(name, value)| {
                let print = self
                    .vault
                    .fingerprint(&SecretString::from(format!("{name}={value}")));
                (name.clone(), Value::String(print))
            })
            .collect();
        let proposer = match &proposal.proposer {
            Proposer::Person => json!("person"),
            Proposer::Assistant { token_id, name } => {
                json!({ "assistant": name, "token_id": token_id })
            }
        };
        audit::record(
            db,
            AuditEvent::new(action)
                .org(actor.org.id)
                .actor(Some(actor.user.id))
                .target(format!("proposal {}", proposal.id))
                .details(json!({
                    "object": proposal.object,
                    "action": proposal.action.verb(),
                    "record_id": proposal.record_id.as_ref().or(proposal.result_record_id.as_ref()),
                    "revision": proposal.revision,
                    "proposer": proposer,
                    "fields": fingerprints,
                    "state": proposal.state.as_str(),
                })),
        )
        .await
    }
}
