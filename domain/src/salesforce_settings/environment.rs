//! Whether the login host names the environment people's organizations are in. The host says
//! production or sandbox by its name; once someone has connected, their organization says it
//! too (`Organization.IsSandbox`), so a sandbox configured on the production host is named.

use salesforce::{HostFamily, LoginHost};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::preflight::{Check, Light, check};
use crate::entities::connection;
use crate::error::DomainResult;

const NAME: &str = "Environment";

/// Whether `host` names a sandbox, when its name says either way.
fn names_sandbox(host: &LoginHost) -> Option<bool> {
    use HostFamily::*;
    match host.family() {
        Production | MyDomain | MyDomainDevelop | MyDomainTrailblaze => Some(false),
        Sandbox | MyDomainSandbox | MyDomainScratch => Some(true),
        ExperienceSite | LegacyInstance | DevAllowlisted => None,
    }
}

/// The check for the organizations people connected to through `client_id` (used as `app` in
/// `org_id`) against what `host` names; none until someone has connected.
pub(super) async fn check_environment(
    db: &sea_orm::DatabaseConnection,
    org_id: i64,
    app: &str,
    client_id: &str,
    host: &LoginHost,
) -> DomainResult<Option<Check>> {
    let Some(host_sandbox) = names_sandbox(host) else {
        return Ok(None);
    };
    let orgs: Vec<(String, bool)> = connection::Entity::find()
        .select_only()
        .column(connection::Column::SfOrgId)
        .column(connection::Column::SfIsSandbox)
        .filter(connection::Column::OrgId.eq(org_id))
        .filter(connection::Column::AppOrigin.eq(app))
        .filter(connection::Column::ClientId.eq(client_id))
        .filter(connection::Column::SfIsSandbox.is_not_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    if orgs.is_empty() {
        return Ok(None);
    }
    let (host_says, other) = if host_sandbox {
        ("a sandbox", "a production organization")
    } else {
        ("the production", "a sandbox")
    };
    let astray = orgs
        .iter()
        .filter(|(_, sandbox)| *sandbox != host_sandbox)
        .count();
    if astray == 0 {
        let kind = if host_sandbox {
            "sandboxes"
        } else {
            "production organizations"
        };
        return Ok(Some(check(
            NAME,
            Light::Green,
            format!(
                "The {} Salesforce organizations people connected to through this app are {kind}, as {} says.",
                orgs.len(),
                host.as_str()
            ),
            None,
        )));
    }
    let fix = if host_sandbox {
        "Check Auth Base URL. Use https://login.salesforce.com or your My Domain for production."
    } else {
        "Check Auth Base URL. Use https://test.salesforce.com or your sandbox My Domain for sandbox testing."
    };
    Ok(Some(check(
        NAME,
        Light::Red,
        format!(
            "{astray} of the {} Salesforce organizations people connected to through this app {} {other} (Organization.IsSandbox), but {} is {host_says} login host: their sign-ins there will fail.",
            orgs.len(),
            if astray == 1 { "is" } else { "are" },
            host.as_str()
        ),
        Some(fix),
    )))
}
