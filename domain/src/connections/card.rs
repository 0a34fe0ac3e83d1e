//! What My Integrations shows a person about their connection, and the organization's
//! connections as admins see them. Never a token.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use super::status::{Cause, OFFLINE_REFRESH, Status, environment, origin_key};
use super::{ConnectionService, PROVIDER, store};
use crate::access::{self, Actor};
use crate::entities::{connection, group_membership, user};
use crate::error::DomainResult;
use crate::salesforce_settings::{AppOrigin, Effective, EffectiveApp};

/// A Connect button: which app, through which group, on which login host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectOption {
    /// What the Connect form sends back (`organization`, `default`, `group:{id}`).
    pub key: String,
    pub label: String,
    pub login_host: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectedDetails {
    pub connection_id: i64,
    pub username: String,
    pub org_id: String,
    pub org_name: Option<String>,
    pub environment: &'static str,
    pub instance_host: String,
    /// The login host the connection was made at.
    pub login_host: String,
    pub scopes: String,
    pub connected_since: OffsetDateTime,
    pub last_call: Option<OffsetDateTime>,
    pub last_refresh: Option<OffsetDateTime>,
    pub app: String,
    /// The app's key, for the Reconnect form.
    pub app_key: String,
    /// The guide's sentence when offline refresh is missing.
    pub offline_warning: Option<&'static str>,
}

/// Exactly one state of the Salesforce card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Card {
    /// Nobody here can connect; `why` says who can fix it.
    NotAvailable {
        why: String,
    },
    NotConnected {
        options: Vec<ConnectOption>,
    },
    Connected {
        details: ConnectedDetails,
        options: Vec<ConnectOption>,
    },
    NeedsReconnect {
        cause: String,
        details: ConnectedDetails,
        options: Vec<ConnectOption>,
    },
}

fn option(app: &EffectiveApp) -> ConnectOption {
    let label = match &app.origin {
        AppOrigin::Organization => "your organization's Salesforce app".to_string(),
        AppOrigin::SofieDefault => "Sofie's Salesforce app".to_string(),
        AppOrigin::Group { name, .. } => format!("group {name}'s Salesforce app"),
    };
    ConnectOption {
        key: origin_key(&app.origin),
        label,
        login_host: app.login_host.clone(),
    }
}

fn app_label(key: &str) -> String {
    match key {
        "organization" => "the organization's app".into(),
        "default" => "Sofie's default app".into(),
        other => format!("a group override ({other})"),
    }
}

fn details(conn: &connection::Model, family: salesforce::HostFamily) -> ConnectedDetails {
    ConnectedDetails {
        connection_id: conn.id,
        username: conn.sf_username.clone(),
        org_id: conn.sf_org_id.clone(),
        org_name: conn.sf_org_name.clone(),
        environment: environment(family, conn.sf_is_sandbox),
        instance_host: url::Url::parse(&conn.instance_url)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_else(|| conn.instance_url.clone()),
        login_host: conn.login_host.clone(),
        scopes: conn.scopes.clone(),
        connected_since: conn.connected_at,
        last_call: conn.last_call_at,
        last_refresh: conn.last_refresh_at,
        app: app_label(&conn.app_origin),
        app_key: conn.app_origin.clone(),
        offline_warning: (!conn.offline).then_some(OFFLINE_REFRESH),
    }
}

/// One row of the admins' table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminRow {
    pub connection_id: i64,
    pub member: String,
    pub username: String,
    pub environment: &'static str,
    pub app: String,
    pub status: String,
    pub cause: Option<String>,
    pub last_used: Option<OffsetDateTime>,
}

impl ConnectionService {
    fn family(&self, login_host: &str) -> salesforce::HostFamily {
        salesforce::LoginHost::parse(login_host, &self.settings.host_policy)
            .map(|p| p.host.family())
            .unwrap_or(salesforce::HostFamily::Production)
    }

    /// The Salesforce card of `actor` in their organization, given the app that applies to them
    /// (`SettingsService::effective_for`, which the page shows too).
    pub async fn card(&self, actor: &Actor, effective: &Effective) -> DomainResult<Card> {
        let options = match effective {
            Effective::Unavailable(why) => return Ok(Card::NotAvailable { why: why.clone() }),
            Effective::Ready { app, .. } => vec![option(app)],
            Effective::Choose { apps, .. } => apps.iter().map(option).collect(),
        };
        let conn = store::find(&self.db, actor.user.id, actor.org.id).await?;
        Ok(match conn {
            None => Card::NotConnected { options },
            Some(conn) => match Status::parse(&conn.status) {
                Status::Disconnected => Card::NotConnected { options },
                Status::Active => Card::Connected {
                    details: details(&conn, self.family(&conn.login_host)),
                    options,
                },
                Status::NeedsReconnect => Card::NeedsReconnect {
                    cause: conn
                        .cause
                        .as_deref()
                        .and_then(Cause::parse)
                        .unwrap_or(Cause::RevokedOrExpired)
                        .explain()
                        .to_string(),
                    details: details(&conn, self.family(&conn.login_host)),
                    options,
                },
            },
        })
    }

    /// Who `actor` is at Salesforce, when their connection is active.
    pub async fn identity(&self, actor: &Actor) -> DomainResult<Option<ConnectedDetails>> {
        Ok(store::find(&self.db, actor.user.id, actor.org.id)
            .await?
            .filter(|c| Status::parse(&c.status) == Status::Active)
            .map(|c| details(&c, self.family(&c.login_host))))
    }

    /// The organization's connections (`group_id` None: org admins only), or those of one
    /// group's members (that group's admins and org admins). Refusals are audited.
    pub async fn admin_rows(
        &self,
        actor: &Actor,
        group_id: Option<i64>,
    ) -> DomainResult<Vec<AdminRow>> {
        let mut select = connection::Entity::find()
            .filter(connection::Column::OrgId.eq(actor.org.id))
            .filter(connection::Column::Provider.eq(PROVIDER))
            .order_by_asc(connection::Column::Id);
        match group_id {
            None => access::require_org_admin(&self.db, actor, "salesforce connections").await?,
            Some(id) => {
                let group = access::group_for_admin(&self.db, actor, id).await?;
                let members: Vec<i64> = group_membership::Entity::find()
                    .filter(group_membership::Column::GroupId.eq(group.id))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|m| m.user_id)
                    .collect();
                select = select.filter(connection::Column::UserId.is_in(members));
            }
        }
        let rows = select.find_also_related(user::Entity).all(&self.db).await?;
        Ok(rows
            .into_iter()
            .map(|(conn, person)| AdminRow {
                connection_id: conn.id,
                member: person.map(|p| p.display_name).unwrap_or_default(),
                username: conn.sf_username.clone(),
                environment: environment(self.family(&conn.login_host), conn.sf_is_sandbox),
                app: app_label(&conn.app_origin),
                status: conn.status.clone(),
                cause: conn
                    .cause
                    .as_deref()
                    .and_then(Cause::parse)
                    .map(|c| c.explain().to_string()),
                last_used: conn.last_call_at,
            })
            .collect())
    }
}
