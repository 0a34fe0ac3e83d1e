//! What people met when they connected with an app: Salesforce's refusals on the callback. The
//! authorize probe cannot see a blocked app or unapproved users, because Salesforce checks them
//! only after a sign-in; the refusals people already met can.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use super::preflight::{Check, Light, check};
use crate::audit::AuditAction;
use crate::entities::audit_event;
use crate::error::DomainResult;

/// The name of this check on the page.
const NAME: &str = "Sign-ins through this app";

/// The check for the newest refusal of `client_id` (used as `app` in `org_id`) since `since`.
pub(super) async fn check_refusals(
    db: &sea_orm::DatabaseConnection,
    org_id: i64,
    app: &str,
    client_id: &str,
    since: Option<OffsetDateTime>,
) -> DomainResult<Option<Check>> {
    let mut events = audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.eq(org_id))
        .filter(audit_event::Column::Action.eq(AuditAction::ConnectionRefused.as_str()))
        .filter(audit_event::Column::Target.eq(format!("salesforce app {app}")))
        .order_by_desc(audit_event::Column::Id);
    if let Some(since) = since {
        events = events.filter(audit_event::Column::At.gte(since));
    }
    for event in events.all(db).await? {
        let details: serde_json::Value = serde_json::from_str(&event.details).unwrap_or_default();
        let error = details["error"].as_str().unwrap_or_default();
        // A person's own Deny says nothing about the app.
        if details["client_id"] != client_id || error == "access_denied" {
            continue;
        }
        let who = match event.actor_user_id {
            Some(id) => crate::accounts::emails_of(db, [id])
                .await?
                .remove(&id)
                .unwrap_or_else(|| "a removed user".into()),
            None => "someone".into(),
        };
        let when = event
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let met = format!("Salesforce refused {who}'s connection at {when} with {error}");
        return Ok(Some(match error {
            "OAUTH_APP_BLOCKED" | "OAUTH_AUTHORIZATION_BLOCKED" => check(
                NAME,
                Light::Red,
                format!("{met}: the app is blocked in Salesforce."),
                Some(
                    "Unblock it in Salesforce Setup › Connected Apps OAuth Usage, then ask people to connect again.",
                ),
            ),
            "OAUTH_APP_ACCESS_DENIED" => check(
                NAME,
                Light::Red,
                format!("{met}: the app admits only pre-authorized users, and this one is not."),
                Some(
                    "In the app's policies, add the people's profiles or a permission set, or allow all users to self-authorize.",
                ),
            ),
            _ => check(
                NAME,
                Light::Amber,
                format!("{met}."),
                Some("See Troubleshooting for what it means."),
            ),
        }));
    }
    Ok(None)
}
