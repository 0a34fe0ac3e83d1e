//! Which Salesforce app applies to a person, and why. An enabled group override wins over the
//! organization's app; the organization's app is its own or Sofie's default; several enabled
//! overrides mean the person chooses when connecting.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::input::AppSource;
use super::{DefaultApp, PROVIDER, SCOPES, SettingsService};
use crate::access::{self, Actor};
use crate::entities::{group, integration_setting, organization};
use crate::error::DomainResult;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppOrigin {
    Organization,
    SofieDefault,
    Group { id: i64, name: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveApp {
    pub origin: AppOrigin,
    pub client_id: String,
    pub login_host: String,
    pub scopes: Vec<String>,
    /// The settings row and version a connection made now would record.
    pub settings_id: Option<i64>,
    pub settings_version: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effective {
    /// Nobody can connect; the reason says what an admin has to do.
    Unavailable(String),
    Ready {
        app: EffectiveApp,
        why: String,
    },
    /// Several group overrides apply; the person picks one when connecting.
    Choose {
        apps: Vec<EffectiveApp>,
        why: String,
    },
}

pub(super) const PRODUCTION: &str = "https://login.salesforce.com";

fn scopes() -> Vec<String> {
    SCOPES.iter().map(|s| s.to_string()).collect()
}

fn row_app(row: &integration_setting::Model, origin: AppOrigin) -> Option<EffectiveApp> {
    Some(EffectiveApp {
        origin,
        client_id: row.client_id.clone()?,
        login_host: row
            .auth_base_url
            .clone()
            .unwrap_or_else(|| PRODUCTION.into()),
        scopes: scopes(),
        settings_id: Some(row.id),
        settings_version: row.version,
    })
}

pub(super) async fn rows(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> DomainResult<Vec<integration_setting::Model>> {
    Ok(integration_setting::Entity::find()
        .filter(integration_setting::Column::OrgId.eq(org_id))
        .filter(integration_setting::Column::Provider.eq(PROVIDER))
        .all(db)
        .await?)
}

/// The organization-level answer, for people with no applicable group override.
pub(super) fn org_level(
    org: &organization::Model,
    rows: &[integration_setting::Model],
    default_app: Option<&DefaultApp>,
) -> Effective {
    if !(org.integrations_enabled && org.salesforce_enabled) {
        return Effective::Unavailable(
            "The Integrations and Salesforce integration features are off for this organization; the Sofie operator turns them on.".into(),
        );
    }
    let Some(row) = rows.iter().find(|r| r.group_id.is_none() && r.enabled) else {
        return Effective::Unavailable(
            "An organization admin has not enabled Salesforce yet.".into(),
        );
    };
    match AppSource::parse(&row.app_source) {
        Ok(AppSource::Default) => match default_app {
            Some(app) => Effective::Ready {
                app: EffectiveApp {
                    origin: AppOrigin::SofieDefault,
                    client_id: app.client_id.clone(),
                    login_host: row.auth_base_url.clone().unwrap_or_else(|| app.login_host.as_str().to_string()),
                    scopes: scopes(),
                    settings_id: Some(row.id),
                    settings_version: row.version,
                },
                why: "Your organization uses Sofie's default Salesforce app.".into(),
            },
            None => Effective::Unavailable(
                "Your organization chose Sofie's default app, but the operator has not configured it.".into(),
            ),
        },
        _ => match row_app(row, AppOrigin::Organization) {
            Some(app) => Effective::Ready { app, why: "Your organization uses its own Salesforce app.".into() },
            None => Effective::Unavailable("The organization's Salesforce app has no Client ID yet.".into()),
        },
    }
}

impl SettingsService {
    /// What applies to `actor` in their organization.
    pub async fn effective_for(&self, actor: &Actor) -> DomainResult<Effective> {
        effective_for(&self.db, actor, self.default_app.as_ref()).await
    }

    /// What applies to members of the organization with no group override.
    pub async fn org_default(&self, actor: &Actor) -> DomainResult<Effective> {
        let rows = rows(&self.db, actor.org.id).await?;
        Ok(org_level(&actor.org, &rows, self.default_app.as_ref()))
    }

    /// What members of each group that `actor` administers get.
    pub async fn group_outcomes(&self, actor: &Actor) -> DomainResult<Vec<GroupOutcome>> {
        let groups = access::administered_groups(&self.db, actor).await?;
        let rows = rows(&self.db, actor.org.id).await?;
        Ok(group_outcomes(
            &actor.org,
            groups,
            &rows,
            self.default_app.as_ref(),
        ))
    }

    /// What members of one page of those groups get, for the organization page: three
    /// statements whatever the number of groups.
    pub async fn group_outcomes_page(
        &self,
        actor: &Actor,
        page: u64,
        per_page: u64,
    ) -> DomainResult<(access::GroupPage, Vec<GroupOutcome>)> {
        let mut page = access::administered_groups_page(&self.db, actor, page, per_page).await?;
        let ids: Vec<i64> = page.groups.iter().map(|g| g.id).collect();
        let rows = integration_setting::Entity::find()
            .filter(integration_setting::Column::OrgId.eq(actor.org.id))
            .filter(integration_setting::Column::Provider.eq(PROVIDER))
            .filter(
                Condition::any()
                    .add(integration_setting::Column::GroupId.is_null())
                    .add(integration_setting::Column::GroupId.is_in(ids)),
            )
            .all(&self.db)
            .await?;
        let groups = std::mem::take(&mut page.groups);
        let outcomes = group_outcomes(&actor.org, groups, &rows, self.default_app.as_ref());
        Ok((page, outcomes))
    }
}

async fn effective_for(
    db: &DatabaseConnection,
    actor: &Actor,
    default_app: Option<&DefaultApp>,
) -> DomainResult<Effective> {
    let rows = rows(db, actor.org.id).await?;
    Ok(resolve(&actor.org, &rows, &actor.groups, default_app))
}

/// Whether the organization's own switch, the master switch, is on (features included).
fn master_switch_on(org: &organization::Model, rows: &[integration_setting::Model]) -> bool {
    org.integrations_enabled
        && org.salesforce_enabled
        && rows.iter().any(|r| r.group_id.is_none() && r.enabled)
}

/// What applies to a member of `groups` in `org`, given the organization's settings rows.
pub(crate) fn resolve(
    org: &organization::Model,
    rows: &[integration_setting::Model],
    groups: &[crate::access::ActorGroup],
    default_app: Option<&DefaultApp>,
) -> Effective {
    let base = org_level(org, rows, default_app);
    // When the organization's Salesforce is off, nobody connects, group overrides included.
    if !master_switch_on(org, rows) {
        return base;
    }
    let overrides: Vec<EffectiveApp> = groups
        .iter()
        .filter_map(|g| {
            let row = rows
                .iter()
                .find(|r| r.group_id == Some(g.group.id) && r.enabled)?;
            row_app(
                row,
                AppOrigin::Group {
                    id: g.group.id,
                    name: g.group.name.clone(),
                },
            )
        })
        .collect();
    match overrides.len() {
        0 => base,
        1 => {
            let app = overrides.into_iter().next().expect("one override");
            let AppOrigin::Group { name, .. } = &app.origin else {
                unreachable!("overrides come from groups")
            };
            let why = format!("Your group {name} uses its own Salesforce app.");
            Effective::Ready { app, why }
        }
        n => Effective::Choose {
            apps: overrides,
            why: format!(
                "{n} of your groups use their own Salesforce app; you choose one when you connect."
            ),
        },
    }
}

/// What members of each group get, for the organization page.
pub struct GroupOutcome {
    pub group: group::Model,
    /// Whether the group's own override is switched on.
    pub override_enabled: bool,
    pub outcome: Effective,
}

/// `rows` holds the organization's row and those of (at least) `groups`.
fn group_outcomes(
    org: &organization::Model,
    groups: Vec<group::Model>,
    rows: &[integration_setting::Model],
    default_app: Option<&DefaultApp>,
) -> Vec<GroupOutcome> {
    let base = org_level(org, rows, default_app);
    groups
        .into_iter()
        .map(|group| {
            let row = rows
                .iter()
                .find(|r| r.group_id == Some(group.id) && r.enabled);
            let override_enabled = row.is_some();
            let own = row.filter(|_| master_switch_on(org, rows)).and_then(|row| {
                row_app(
                    row,
                    AppOrigin::Group {
                        id: group.id,
                        name: group.name.clone(),
                    },
                )
            });
            let outcome = match own {
                Some(app) => Effective::Ready {
                    app,
                    why: "The group's override applies.".into(),
                },
                None => base.clone(),
            };
            GroupOutcome {
                group,
                override_enabled,
                outcome,
            }
        })
        .collect()
}
