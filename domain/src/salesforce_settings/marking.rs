//! After a settings save: connections whose person would now connect with another app are
//! marked to reconnect, inside the save's transaction.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::SettingsService;
use super::effective::{self, Effective};
use super::store::Scope;
use crate::access::ActorGroup;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{group, group_membership, organization};
use crate::error::DomainResult;
use crate::roles::GroupRole;

impl SettingsService {
    /// Connections whose person would now connect with another client id or login host than the
    /// connection was made with must reconnect; audited with their count.
    pub(super) async fn mark_connections(
        &self,
        txn: &impl ConnectionTrait,
        org: &organization::Model,
        scope: Scope,
    ) -> DomainResult<()> {
        let connections = crate::connections::active_in_org(txn, org.id).await?;
        if connections.is_empty() {
            return Ok(());
        }
        let rows = effective::rows(txn, org.id).await?;
        let mut groups: std::collections::HashMap<i64, Vec<ActorGroup>> = Default::default();
        let memberships = group_membership::Entity::find()
            .filter(group_membership::Column::UserId.is_in(connections.iter().map(|c| c.user_id)))
            .find_also_related(group::Entity)
            .all(txn)
            .await?;
        for (membership, group) in memberships {
            if let Some(group) = group.filter(|g| g.org_id == org.id)
                && let Ok(role) = GroupRole::parse(&membership.role)
            {
                groups
                    .entry(membership.user_id)
                    .or_default()
                    .push(ActorGroup { group, role });
            }
        }
        let mut marked = 0;
        for conn in &connections {
            let mine = groups.get(&conn.user_id).map(Vec::as_slice).unwrap_or(&[]);
            let same = |app: &super::EffectiveApp| {
                app.client_id == conn.client_id && app.login_host == conn.login_host
            };
            let still_valid = match effective::resolve(org, &rows, mine, self.default_app.as_ref())
            {
                Effective::Ready { app, .. } => same(&app),
                Effective::Choose { apps, .. } => apps.iter().any(same),
                // Switched off: the card says so; the connection is not the problem.
                Effective::Unavailable(_) => true,
            };
            if !still_valid {
                crate::connections::mark_settings_changed(txn, conn).await?;
                marked += 1;
            }
        }
        if marked > 0 {
            audit::record(
                txn,
                AuditEvent::new(AuditAction::ConnectionsMarkedForReconnect)
                    .org(org.id)
                    .target(format!("salesforce {}", scope.key()))
                    .details(json!({ "connections": marked })),
            )
            .await?;
        }
        Ok(())
    }
}
