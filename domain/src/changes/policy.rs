//! The organization's write policy: whether prepared changes are on (off by default), for which
//! objects and actions, and how long a proposal waits. An org admin sets it; turning writes on
//! needs a fresh step-up, and every change is audited.

use sea_orm::{
    ActiveValue::Set, DatabaseTransaction, EntityTrait, TransactionTrait, sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use super::Changes;
use crate::access::{self, Actor};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{change_policy, organization};
use crate::error::{DomainError, DomainResult};
use crate::step_up::Parked;

pub const VERBS: [&str; 4] = ["create", "update", "upsert", "delete"];
pub const DEFAULT_EXPIRY_HOURS: u32 = 24;
/// A proposal waits at most 30 days.
pub const MAX_EXPIRY_HOURS: u32 = 720;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub enabled: bool,
    /// `None`: every object the connected user may change.
    pub objects: Option<Vec<String>>,
    pub actions: Vec<String>,
    pub expiry_hours: u32,
    pub version: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            enabled: false,
            objects: None,
            actions: VERBS.iter().map(|v| v.to_string()).collect(),
            expiry_hours: DEFAULT_EXPIRY_HOURS,
            version: 0,
        }
    }
}

impl Policy {
    /// Why `verb` on `object` may not be prepared here, if it may not.
    pub fn refusal(&self, verb: &str, object: &str) -> Option<String> {
        if !self.enabled {
            return Some(
                "Prepared changes are off for this organization; an organization admin can turn \
                 them on in the organization's Salesforce settings."
                    .into(),
            );
        }
        if !self.actions.iter().any(|a| a == verb) {
            return Some(format!(
                "This organization's policy does not allow preparing a {verb}."
            ));
        }
        if let Some(objects) = &self.objects
            && !objects.iter().any(|o| o.eq_ignore_ascii_case(object))
        {
            return Some(format!(
                "This organization's policy does not allow changes to {object}; it allows {}.",
                objects.join(", ")
            ));
        }
        None
    }
}

/// The policy form as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub enabled: bool,
    /// Object API names separated by commas, spaces or lines; empty means all.
    pub objects: String,
    pub actions: Vec<String>,
    pub expiry_hours: String,
}

impl PolicyForm {
    fn parse(&self) -> DomainResult<Policy> {
        let mut objects = Vec::new();
        for name in self
            .objects
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|n| !n.is_empty())
        {
            let valid = name.len() <= 80
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(DomainError::validation(
                    "objects",
                    format!("{name:?} is not an object API name (like Account or Invoice__c)."),
                ));
            }
            if !objects
                .iter()
                .any(|o: &String| o.eq_ignore_ascii_case(name))
            {
                objects.push(name.to_owned());
            }
        }
        let mut actions = Vec::new();
        for action in &self.actions {
            match VERBS.iter().find(|v| **v == action.trim()) {
                Some(verb) if !actions.iter().any(|a| a == verb) => actions.push(verb.to_string()),
                Some(_) => {}
                None => {
                    return Err(DomainError::validation(
                        "actions",
                        format!("{action:?} is not create, update, upsert or delete."),
                    ));
                }
            }
        }
        actions.sort_by_key(|a| VERBS.iter().position(|v| v == a));
        if self.enabled && actions.is_empty() {
            return Err(DomainError::validation(
                "actions",
                "Choose at least one action, or turn prepared changes off.",
            ));
        }
        let hours = match self.expiry_hours.trim() {
            "" => DEFAULT_EXPIRY_HOURS,
            text => text
                .parse::<u32>()
                .ok()
                .filter(|h| (1..=MAX_EXPIRY_HOURS).contains(h))
                .ok_or_else(|| {
                    DomainError::validation(
                        "expiry_hours",
                        format!("Enter a number of hours from 1 to {MAX_EXPIRY_HOURS}."),
                    )
                })?,
        };
        Ok(Policy {
            enabled: self.enabled,
            objects: (!objects.is_empty()).then_some(objects),
            actions,
            expiry_hours: hours,
            version: 0,
        })
    }
}

/// What saving the policy did.
#[derive(Debug)]
pub enum PolicyOutcome {
    Saved {
        version: i32,
    },
    /// Turning writes on needs a password re-entered; the form waits, sealed, for it.
    StepUpRequired(Parked),
}

/// What a parked policy change holds; the field name tells it from other parked changes.
#[derive(Serialize, Deserialize)]
struct ParkedPolicy {
    write_policy: PolicyForm,
}

fn from_row(row: change_policy::Model) -> Policy {
    Policy {
        enabled: row.enabled,
        objects: row
            .objects
            .map(|o| o.split(',').map(str::to_owned).collect()),
        actions: row
            .actions
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        expiry_hours: row.expiry_hours as u32,
        version: row.version,
    }
}

/// Stores `policy` as the next version after `before`, audited; returns the version.
async fn write(
    txn: &DatabaseTransaction,
    org_id: i64,
    by: Option<i64>,
    before: &Policy,
    mut policy: Policy,
) -> DomainResult<i32> {
    policy.version = before.version + 1;
    let row = change_policy::ActiveModel {
        org_id: Set(org_id),
        enabled: Set(policy.enabled),
        objects: Set(policy.objects.as_ref().map(|o| o.join(","))),
        actions: Set(policy.actions.join(",")),
        expiry_hours: Set(policy.expiry_hours as i32),
        version: Set(policy.version),
        updated_by: Set(by),
        updated_at: Set(OffsetDateTime::now_utc()),
    };
    change_policy::Entity::insert(row)
        .on_conflict(
            OnConflict::column(change_policy::Column::OrgId)
                .update_columns([
                    change_policy::Column::Enabled,
                    change_policy::Column::Objects,
                    change_policy::Column::Actions,
                    change_policy::Column::ExpiryHours,
                    change_policy::Column::Version,
                    change_policy::Column::UpdatedBy,
                    change_policy::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(txn)
        .await?;
    audit::record(
        txn,
        AuditEvent::new(AuditAction::ChangePolicyChanged)
            .org(org_id)
            .actor(by)
            .target("salesforce change policy")
            .details(json!({ "before": before, "after": policy })),
    )
    .await?;
    Ok(policy.version)
}

impl Changes {
    /// The policy of `org_id` (off when none was ever saved).
    pub(crate) async fn policy_of(&self, org_id: i64) -> DomainResult<Policy> {
        Ok(change_policy::Entity::find_by_id(org_id)
            .one(&self.db)
            .await?
            .map(from_row)
            .unwrap_or_default())
    }

    /// The policy, for any member (the workspace shows whether writes are on).
    pub async fn policy(&self, actor: &Actor) -> DomainResult<Policy> {
        self.policy_of(actor.org.id).await
    }

    /// What `actor` may prepare on `object` now: allowed by the policy and by the connected
    /// user's rights on the object (an upsert needs create, update and an external id field).
    pub async fn allowed_actions(&self, actor: &Actor, object: &str) -> DomainResult<Vec<String>> {
        let policy = self.policy_of(actor.org.id).await?;
        if !policy.enabled {
            return Ok(Vec::new());
        }
        let detail = self.workspace.object(actor, object).await?;
        let may = |verb: &str| detail.actions.iter().any(|a| a == verb);
        Ok(VERBS
            .iter()
            .filter(|verb| policy.refusal(verb, &detail.name).is_none())
            .filter(|verb| match **verb {
                "upsert" => {
                    may("create") && may("update") && detail.fields.iter().any(|f| f.external_id)
                }
                verb => may(verb),
            })
            .map(|verb| verb.to_string())
            .collect())
    }

    pub async fn save_policy(
        &self,
        actor: &Actor,
        form: PolicyForm,
    ) -> DomainResult<PolicyOutcome> {
        access::require_org_admin(&self.db, actor, "salesforce change policy").await?;
        let policy = form.parse()?;
        let now = OffsetDateTime::now_utc();
        let txn = self.db.begin().await?;
        let before = change_policy::Entity::find_by_id(actor.org.id)
            .one(&txn)
            .await?
            .map(from_row)
            .unwrap_or_default();
        if policy.enabled && !before.enabled && !actor.has_fresh_step_up(now.unix_timestamp()) {
            let parked = ParkedPolicy { write_policy: form };
            return Ok(PolicyOutcome::StepUpRequired(Parked::seal(
                &self.vault,
                actor,
                &parked,
                now.unix_timestamp(),
            )));
        }
        let version = write(&txn, actor.org.id, Some(actor.user.id), &before, policy).await?;
        txn.commit().await?;
        Ok(PolicyOutcome::Saved { version })
    }

    /// The operator's own setting of `org`'s policy (`sofie demo` seeding): no actor, no
    /// step-up, audited as the operator's.
    pub async fn set_policy_as_operator(
        &self,
        org: &organization::Model,
        form: PolicyForm,
    ) -> DomainResult<i32> {
        let policy = form.parse()?;
        let txn = self.db.begin().await?;
        let before = change_policy::Entity::find_by_id(org.id)
            .one(&txn)
            .await?
            .map(from_row)
            .unwrap_or_default();
        let version = write(&txn, org.id, None, &before, policy).await?;
        txn.commit().await?;
        Ok(version)
    }

    /// Completes a parked policy change after step-up, when it is `actor`'s from this sign-in.
    pub async fn complete_parked_policy(
        &self,
        actor: &Actor,
        parked: &Parked,
    ) -> DomainResult<Option<PolicyOutcome>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        match parked.open::<ParkedPolicy>(&self.vault, actor, now)? {
            Some(p) => self.save_policy(actor, p.write_policy).await.map(Some),
            None => Ok(None),
        }
    }

    /// Whether `parked` is a policy change of `actor`'s still waiting for step-up.
    pub fn is_parked_policy(&self, actor: &Actor, parked: &Parked) -> bool {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        matches!(
            parked.open::<ParkedPolicy>(&self.vault, actor, now),
            Ok(Some(_))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(objects: &str, actions: &[&str], hours: &str) -> PolicyForm {
        PolicyForm {
            enabled: true,
            objects: objects.into(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            expiry_hours: hours.into(),
        }
    }

    #[test]
    fn a_policy_form_parses_into_a_policy_or_names_its_field() {
        let policy = form("Account, Contact\nAccount", &["delete", "update"], "")
            .parse()
            .unwrap();
        assert_eq!(
            policy.objects.as_deref(),
            Some(&["Account".to_string(), "Contact".into()][..])
        );
        assert_eq!(policy.actions, ["update", "delete"]);
        assert_eq!(policy.expiry_hours, 24);
        assert_eq!(form("", &["create"], "48").parse().unwrap().objects, None);
        for (bad, field) in [
            (form("Acc-ount", &["create"], ""), "objects"),
            (form("", &["merge"], ""), "actions"),
            (form("", &[], ""), "actions"),
            (form("", &["create"], "0"), "expiry_hours"),
            (form("", &["create"], "721"), "expiry_hours"),
            (form("", &["create"], "a day"), "expiry_hours"),
        ] {
            match bad.parse() {
                Err(DomainError::Validation { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_policy_refuses_what_it_does_not_allow() {
        assert!(
            Policy::default().refusal("create", "Account").is_some(),
            "off by default"
        );
        let policy = form("Account", &["update"], "").parse().unwrap();
        assert_eq!(policy.refusal("update", "account"), None);
        assert!(
            policy
                .refusal("delete", "Account")
                .unwrap()
                .contains("delete")
        );
        assert!(
            policy
                .refusal("update", "Contact")
                .unwrap()
                .contains("Contact")
        );
    }
}
