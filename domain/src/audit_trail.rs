//! The audit trail as admins read it: an org admin reads every event of the organization; a group
//! admin reads the events of the groups they administer (what their members did, and changes to
//! the groups and their Salesforce settings). Newest first, filtered by person, action and date,
//! a page at a time or as one export. Details hold fingerprints, never secrets (see `audit`).

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime, Time};

use crate::access::{self, Actor};
use crate::audit::AuditAction;
use crate::entities::{audit_event, group_membership, org_membership};
use crate::error::{DomainError, DomainResult};

/// Events on one page.
pub const PAGE_SIZE: u64 = 50;
/// The most events one export holds.
pub const EXPORT_MAX: u64 = 10_000;

/// What an admin asked to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrailFilter {
    pub person: Option<i64>,
    pub action: Option<&'static str>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

fn date(field: &'static str, text: &str) -> DomainResult<Option<Date>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map(Some).map_err(|_| {
        DomainError::validation(
            field,
            format!("{text:?} is not a date: write it as 2026-12-31."),
        )
    })
}

impl TrailFilter {
    /// The form's fields as typed: empty means "any".
    pub fn parse(person: &str, action: &str, from: &str, to: &str) -> DomainResult<Self> {
        let person = match person.trim() {
            "" => None,
            id => Some(id.parse().map_err(|_| {
                DomainError::validation("person", "Choose a person from the list.")
            })?),
        };
        let action = match action.trim() {
            "" => None,
            name => Some(
                AuditAction::ALL
                    .iter()
                    .map(|a| a.as_str())
                    .find(|a| *a == name)
                    .ok_or_else(|| {
                        DomainError::validation("action", "Choose an action from the list.")
                    })?,
            ),
        };
        let (from, to) = (date("from", from)?, date("to", to)?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(DomainError::validation(
                "to",
                "The end date is before the start date.",
            ));
        }
        Ok(Self {
            person,
            action,
            from,
            to,
        })
    }
}

/// Whose events the reader may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrailScope {
    Organization,
    /// The names of the groups a group admin administers.
    Groups(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub person: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub details: String,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailPage {
    pub scope: TrailScope,
    pub rows: Vec<TrailRow>,
    /// 1-based.
    pub page: u64,
    pub more: bool,
    /// The people the reader may filter by: `(user id, email)`.
    pub people: Vec<(i64, String)>,
}

/// Events outside any organization (sign-ins, sign-outs) of `people`.
fn own_events(people: &[i64]) -> Condition {
    Condition::all()
        .add(audit_event::Column::OrgId.is_null())
        .add(audit_event::Column::ActorUserId.is_in(people.to_vec()))
}

/// The reader's scope as a condition on events, and the people in it.
async fn scope_of(
    db: &DatabaseConnection,
    actor: &Actor,
) -> DomainResult<(TrailScope, Condition, Vec<i64>)> {
    let in_org = audit_event::Column::OrgId.eq(actor.org.id);
    if actor.is_org_admin() {
        let people: Vec<i64> = org_membership::Entity::find()
            .filter(org_membership::Column::OrgId.eq(actor.org.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        let scope = Condition::any().add(in_org).add(own_events(&people));
        return Ok((TrailScope::Organization, scope, people));
    }
    let groups = access::administered_groups(db, actor).await?;
    if groups.is_empty() {
        access::audit_denied(db, actor, "audit trail").await?;
        return Err(DomainError::Forbidden);
    }
    let people: Vec<i64> = group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.is_in(groups.iter().map(|g| g.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut about = Condition::any().add(audit_event::Column::ActorUserId.is_in(people.clone()));
    for g in &groups {
        about = about
            .add(audit_event::Column::Target.eq(format!("salesforce group:{}", g.id)))
            .add(audit_event::Column::Target.eq(g.name.clone()))
            .add(audit_event::Column::Target.ends_with(format!(" in {}", g.name)));
    }
    let names = groups.into_iter().map(|g| g.name).collect();
    let scope = Condition::any()
        .add(Condition::all().add(in_org).add(about))
        .add(own_events(&people));
    Ok((TrailScope::Groups(names), scope, people))
}

fn filtered(scope: Condition, filter: &TrailFilter) -> Condition {
    let mut c = Condition::all().add(scope);
    if let Some(person) = filter.person {
        c = c.add(audit_event::Column::ActorUserId.eq(person));
    }
    if let Some(action) = filter.action {
        c = c.add(audit_event::Column::Action.eq(action));
    }
    if let Some(from) = filter.from {
        c = c.add(audit_event::Column::At.gte(from.with_time(Time::MIDNIGHT).assume_utc()));
    }
    if let Some(to) = filter.to {
        let next = to
            .next_day()
            .unwrap_or(to)
            .with_time(Time::MIDNIGHT)
            .assume_utc();
        c = c.add(audit_event::Column::At.lt(next));
    }
    c
}

async fn rows(
    db: &DatabaseConnection,
    condition: Condition,
    offset: u64,
    limit: u64,
) -> DomainResult<Vec<TrailRow>> {
    let events = audit_event::Entity::find()
        .filter(condition)
        .order_by_desc(audit_event::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let who = crate::accounts::emails_of(db, events.iter().filter_map(|e| e.actor_user_id)).await?;
    Ok(events
        .into_iter()
        .map(|e| TrailRow {
            id: e.id,
            at: e.at,
            person: e.actor_user_id.and_then(|id| who.get(&id).cloned()),
            action: e.action,
            target: e.target,
            details: e.details,
            ip: e.ip,
        })
        .collect())
}

/// Page `page` (1-based) of the events `actor` may read that match `filter`.
pub async fn page(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &TrailFilter,
    page: u64,
) -> DomainResult<TrailPage> {
    let (scope, condition, people) = scope_of(db, actor).await?;
    let page = page.max(1);
    let mut rows = rows(
        db,
        filtered(condition, filter),
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE + 1,
    )
    .await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let mut people: Vec<(i64, String)> = crate::accounts::emails_of(db, people)
        .await?
        .into_iter()
        .collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(TrailPage {
        scope,
        rows,
        page,
        more,
        people,
    })
}

/// Every event `actor` may read that matches `filter`, newest first, at most `EXPORT_MAX`.
pub async fn export(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &TrailFilter,
) -> DomainResult<Vec<TrailRow>> {
    let (_, condition, _) = scope_of(db, actor).await?;
    rows(db, filtered(condition, filter), 0, EXPORT_MAX).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_form_is_parsed_and_refused_with_a_reason() {
        let f = TrailFilter::parse("7", "authn_login_success", "2026-12-01", "2026-12-02").unwrap();
        assert_eq!(f.person, Some(7));
        assert_eq!(f.action, Some("authn_login_success"));
        assert_eq!(
            TrailFilter::parse("", "", "", "").unwrap(),
            TrailFilter::default()
        );
        assert!(TrailFilter::parse("x", "", "", "").is_err());
        assert!(TrailFilter::parse("", "drop table", "", "").is_err());
        assert!(TrailFilter::parse("", "", "12/01/2026", "").is_err());
        assert!(TrailFilter::parse("", "", "2026-12-02", "2026-12-01").is_err());
    }
}
