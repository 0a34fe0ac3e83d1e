//! The troubleshooting page's server function: the error catalog and the person's own values.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::OrgContext;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryView {
    pub id: String,
    pub shown: String,
    pub cause: String,
    pub fix: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub title: String,
    pub entries: Vec<EntryView>,
}

/// One comparison: what it is, the value here, what it should be, and whether they agree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub what: String,
    pub here: String,
    pub expected: String,
    pub agrees: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Troubleshooting {
    pub context: OrgContext,
    pub comparisons: Vec<Comparison>,
    /// Org admins only.
    pub client_ids: Option<String>,
    /// The organization app's pre-flight checks, for org admins only.
    pub preflight: Option<Vec<super::preflight::CheckView>>,
    pub sections: Vec<SectionView>,
}

#[cfg(feature = "ssr")]
fn comparisons(v: domain::troubleshooting::Values) -> Vec<Comparison> {
    let mut out = vec![Comparison {
        what: "Callback URL for the address you opened".into(),
        here: match (&v.callback_here, &v.host_here) {
            (Some(url), _) => url.clone(),
            (None, Some(host)) => format!("{host} is not one of Sofie's public origins"),
            (None, None) => "unknown".into(),
        },
        expected: v.callbacks.join("\n"),
        agrees: v.callback_here.is_some(),
    }];
    if let Some(granted) = &v.scopes_granted {
        // Salesforce treats refresh_token and offline_access as the same permission.
        let has = |scope: &str| {
            let synonym = match scope {
                "refresh_token" => "offline_access",
                "offline_access" => "refresh_token",
                other => other,
            };
            granted.iter().any(|g| g == scope || g == synonym)
        };
        let missing: Vec<&String> = v.scopes_needed.iter().filter(|s| !has(s)).collect();
        out.push(Comparison {
            what: "Scopes your connection was granted".into(),
            here: granted.join(" "),
            expected: v.scopes_needed.join(" "),
            agrees: missing.is_empty(),
        });
    }
    let connection_host = v
        .connection_host
        .clone()
        .unwrap_or_else(|| "not connected".into());
    out.push(Comparison {
        what: "Login host of your connection".into(),
        agrees: v
            .connection_host
            .as_ref()
            .is_none_or(|h| v.effective_hosts.contains(h)),
        here: connection_host,
        expected: if v.effective_hosts.is_empty() {
            "no app applies to you yet".into()
        } else {
            v.effective_hosts.join("\n")
        },
    });
    out
}

#[server(endpoint = "salesforce/troubleshooting")]
pub async fn get_troubleshooting(org: String) -> Result<Troubleshooting, AppError> {
    use super::ssr::*;
    use domain::troubleshooting::{self, CATALOG};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let host = use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::HOST)?
                .to_str()
                .ok()
                .map(String::from)
        });
        let values = troubleshooting::values(
            &me.services.settings,
            &me.services.connections,
            &actor,
            host.as_deref(),
            &me.services.callback_urls,
        )
        .await?;
        let client_ids = values.client_id_tails.as_ref().map(|t| t.join(", "));
        let preflight = if actor.is_org_admin() {
            let checks = me
                .services
                .settings
                .preflight(
                    &actor,
                    domain::salesforce_settings::Scope::Org,
                    &me.services.connections.http,
                    &me.services.callback_urls,
                )
                .await?;
            Some(checks.into_iter().map(super::preflight::view).collect())
        } else {
            None
        };
        Ok(Troubleshooting {
            context: super::context::server::org_context(&me.services, &actor).await?,
            comparisons: comparisons(values),
            client_ids,
            preflight,
            sections: CATALOG
                .iter()
                .map(|s| SectionView {
                    title: s.title.into(),
                    entries: s
                        .entries
                        .iter()
                        .map(|e| EntryView {
                            id: e.id.into(),
                            shown: e.shown.into(),
                            cause: e.cause.into(),
                            fix: e.fix.into(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }
    .await;
    fail(result)
}
