//! What each page needs to know about the viewer and the organization it is looking at.
//! Access rules are enforced here, on the server; the navigation only mirrors them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgLink {
    pub name: String,
    pub slug: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub orgs: Vec<OrgLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupLink {
    pub id: i64,
    pub name: String,
}

/// The viewer inside one organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgContext {
    pub viewer: Viewer,
    pub org_name: String,
    pub org_slug: String,
    pub role: String,
    pub is_org_admin: bool,
    pub integrations_enabled: bool,
    pub salesforce_enabled: bool,
    /// Groups whose settings the viewer may open (for org admins, the first few of all groups).
    pub admin_groups: Vec<GroupLink>,
    /// Whether the organization has more groups than `admin_groups` shows (org admins only; the
    /// Salesforce settings page lists them all, a page at a time).
    pub more_groups: bool,
}

/// How many groups the navigation names before it links to the full list.
pub const NAV_GROUPS: u64 = 10;

#[server(endpoint = "context/viewer")]
pub async fn get_viewer() -> Result<Viewer, AppError> {
    use super::ssr::*;
    let result = async {
        let me = signed_in().await?;
        server::viewer(&me.services, &me.user).await
    }
    .await;
    fail(result)
}

/// The organization as its admins see it on Organization Settings.
#[server(endpoint = "context/org-admin")]
pub async fn get_org_admin_context(org: String) -> Result<OrgContext, AppError> {
    use super::ssr::*;
    let result = async {
        let (me, actor) = actor(&org).await?;
        domain::access::require_org_admin(&me.services.db, &actor, "organization settings").await?;
        server::org_context(&me.services, &actor).await
    }
    .await;
    fail(result)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use domain::access::Actor;
    use domain::entities::user;

    use super::*;
    use crate::api::ssr::Services;

    pub async fn viewer(services: &Services, user: &user::Model) -> Result<Viewer, AppError> {
        let orgs = crate::api::ssr::memberships(services, user.id)
            .await?
            .into_iter()
            .map(|(org, role)| OrgLink {
                name: org.name,
                slug: org.slug,
                role: role.as_str().to_string(),
            })
            .collect();
        Ok(Viewer {
            name: user.display_name.clone(),
            email: user.email.clone(),
            orgs,
        })
    }

    pub async fn org_context(services: &Services, actor: &Actor) -> Result<OrgContext, AppError> {
        let (groups, more_groups) =
            domain::access::first_administered_groups(&services.db, actor, NAV_GROUPS).await?;
        let admin_groups = groups
            .into_iter()
            .map(|g| GroupLink {
                id: g.id,
                name: g.name,
            })
            .collect();
        Ok(OrgContext {
            viewer: viewer(services, &actor.user).await?,
            org_name: actor.org.name.clone(),
            org_slug: actor.org.slug.clone(),
            role: actor.role.as_str().to_string(),
            is_org_admin: actor.is_org_admin(),
            integrations_enabled: actor.org.integrations_enabled,
            salesforce_enabled: actor.org.salesforce_enabled,
            admin_groups,
            more_groups,
        })
    }
}
