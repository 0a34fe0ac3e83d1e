//! "Check this app": the organization's Salesforce app checked without anyone's account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::OrgContext;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub name: String,
    /// "green", "amber" or "red".
    pub light: String,
    pub said: String,
    pub fix: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preflight {
    pub context: OrgContext,
    /// The group whose app was checked, `(id, name)`; `None` for the organization's.
    pub group: Option<(i64, String)>,
    pub checks: Vec<CheckView>,
}

#[cfg(feature = "ssr")]
pub(crate) fn view(c: domain::salesforce_settings::Check) -> CheckView {
    use domain::salesforce_settings::Light;
    CheckView {
        name: c.name,
        light: match c.light {
            Light::Green => "green",
            Light::Amber => "amber",
            Light::Red => "red",
        }
        .into(),
        said: c.said,
        fix: c.fix,
    }
}

#[server(endpoint = "salesforce/preflight")]
pub async fn get_preflight(org: String, group: Option<i64>) -> Result<Preflight, AppError> {
    use super::ssr::*;
    use domain::salesforce_settings::Scope;
    let result = async {
        let (me, actor) = actor(&org).await?;
        let scope = group.map_or(Scope::Org, Scope::Group);
        let group = match group {
            Some(id) => {
                let g = domain::access::group_for_admin(&me.services.db, &actor, id).await?;
                Some((id, g.name))
            }
            None => None,
        };
        let checks = me
            .services
            .settings
            .preflight(
                &actor,
                scope,
                &me.services.connections.http,
                &me.services.callback_urls,
            )
            .await?
            .into_iter()
            .map(view)
            .collect();
        Ok(Preflight {
            context: super::context::server::org_context(&me.services, &actor).await?,
            group,
            checks,
        })
    }
    .await;
    fail(result)
}
