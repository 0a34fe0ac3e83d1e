//! The audit trail page's server function: the events an admin may read, filtered and paged.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::OrgContext;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRowView {
    pub at: String,
    pub person: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub ip: String,
}

/// The filter as typed, shown again in the form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilterView {
    pub person: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub context: OrgContext,
    /// Whose events these are, in a sentence.
    pub scope: String,
    pub filter: AuditFilterView,
    /// Why the filter was not applied.
    pub problem: Option<String>,
    pub rows: Vec<AuditRowView>,
    pub page: u64,
    pub more: bool,
    /// `(user id, email)` for the person filter.
    pub people: Vec<(String, String)>,
    pub actions: Vec<String>,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use domain::audit_trail::TrailRow;

    use super::*;

    pub fn row(r: TrailRow) -> AuditRowView {
        let format =
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        AuditRowView {
            at: r.at.format(&format).unwrap_or_default(),
            person: r.person.unwrap_or_else(|| "—".into()),
            action: r.action,
            target: r.target.unwrap_or_default(),
            details: if r.details == "{}" {
                String::new()
            } else {
                r.details
            },
            ip: r.ip.unwrap_or_default(),
        }
    }
}

#[server(endpoint = "audit/page")]
pub async fn get_audit(
    org: String,
    person: String,
    action: String,
    from: String,
    to: String,
    page: u64,
) -> Result<AuditView, AppError> {
    use super::ssr::*;
    use domain::audit::AuditAction;
    use domain::audit_trail::{self, TrailFilter, TrailScope};
    let result = async {
        let (me, actor) = actor(&org).await?;
        let db = &me.services.db;
        let typed = AuditFilterView { person, action, from, to };
        let (filter, problem) =
            match TrailFilter::parse(&typed.person, &typed.action, &typed.from, &typed.to) {
                Ok(filter) => (Some(filter), None),
                Err(err) => (None, Some(AppError::from(err).to_string())),
            };
        // A refused filter shows nothing rather than everything, with the reason.
        let trail = audit_trail::page(db, &actor, &filter.clone().unwrap_or_default(), page).await?;
        let scope = match &trail.scope {
            TrailScope::Organization => format!("Every event of {}.", actor.org.name),
            TrailScope::Groups(names) => format!(
                "The events of the groups you administer ({}): what their members did, and changes to the groups and their Salesforce settings.",
                names.join(", ")
            ),
        };
        let rows = if filter.is_some() {
            trail.rows.into_iter().map(server::row).collect()
        } else {
            Vec::new()
        };
        Ok(AuditView {
            context: super::context::server::org_context(&me.services, &actor).await?,
            scope,
            filter: typed,
            problem,
            rows,
            page: trail.page,
            more: filter.is_some() && trail.more,
            people: trail
                .people
                .into_iter()
                .map(|(id, email)| (id.to_string(), email))
                .collect(),
            actions: AuditAction::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
        })
    }
    .await;
    fail(result)
}
