//! Who is acting, in which organization, with which roles — and what that lets them open.
//! Every lookup is scoped by the actor's organization: another organization's ids answer
//! "not found", exactly like ids that do not exist.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{group, group_membership, org_membership, organization, user};
use crate::error::{DomainError, DomainResult};
use crate::roles::{GroupRole, OrgRole};
use crate::step_up::Authn;

#[derive(Clone, Debug)]
pub struct ActorGroup {
    pub group: group::Model,
    pub role: GroupRole,
}

/// A signed-in person acting inside one organization. Built afresh from the database on every
/// request, so a role taken away is gone at once.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: user::Model,
    pub org: organization::Model,
    pub role: OrgRole,
    pub groups: Vec<ActorGroup>,
    /// How this sign-in was proven (its nonce and any step-up).
    pub authn: Authn,
}

impl Actor {
    pub fn is_org_admin(&self) -> bool {
        self.role.is_admin()
    }

    pub fn administers_group(&self, group_id: i64) -> bool {
        self.is_org_admin()
            || self
                .groups
                .iter()
                .any(|g| g.group.id == group_id && g.role == GroupRole::Admin)
    }
}

/// The signed-in user, if the account still exists and is not disabled.
pub async fn active_user(
    db: &DatabaseConnection,
    user_id: i64,
) -> DomainResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| !u.disabled))
}

/// The organizations a user belongs to, with their role, by name.
pub async fn memberships(
    db: &DatabaseConnection,
    user_id: i64,
) -> DomainResult<Vec<(organization::Model, OrgRole)>> {
    let rows = org_membership::Entity::find()
        .filter(org_membership::Column::UserId.eq(user_id))
        .find_also_related(organization::Entity)
        .all(db)
        .await?;
    let mut orgs: Vec<_> = rows
        .into_iter()
        .filter_map(|(m, org)| Some((org?, OrgRole::parse(&m.role).ok()?)))
        .collect();
    orgs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(orgs)
}

/// The actor for `user` in the organization `slug`. Not a member and no such organization give
/// the same answer.
pub async fn actor_in(
    db: &DatabaseConnection,
    user: user::Model,
    authn: Authn,
    slug: &str,
) -> DomainResult<Actor> {
    let not_found = || DomainError::NotFound("organization".into());
    // The organization and the membership in one statement.
    let (membership, org) = org_membership::Entity::find()
        .filter(org_membership::Column::UserId.eq(user.id))
        .find_also_related(organization::Entity)
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let org = org.ok_or_else(not_found)?;
    let role = OrgRole::parse(&membership.role)?;
    actor_with(db, user, authn, org, role).await
}

/// The actor for `user` in the organization `slug`, found among their `memberships` as
/// [`memberships`] read them for this request, so a page that shows them costs no second read.
/// Not a member and no such organization give the same answer.
pub async fn actor_among(
    db: &DatabaseConnection,
    user: user::Model,
    authn: Authn,
    memberships: &[(organization::Model, OrgRole)],
    slug: &str,
) -> DomainResult<Actor> {
    let (org, role) = memberships
        .iter()
        .find(|(org, _)| org.slug == slug)
        .ok_or_else(|| DomainError::NotFound("organization".into()))?;
    actor_with(db, user, authn, org.clone(), *role).await
}

/// The actor for `user` in `org`, or `None` when they are not a member of it.
pub async fn actor_of(
    db: &DatabaseConnection,
    user: user::Model,
    authn: Authn,
    org: organization::Model,
) -> DomainResult<Option<Actor>> {
    let Some(membership) = org_membership::Entity::find_by_id((org.id, user.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let role = OrgRole::parse(&membership.role)?;
    actor_with(db, user, authn, org, role).await.map(Some)
}

/// The actor for a member, their groups in `org` read here.
async fn actor_with(
    db: &DatabaseConnection,
    user: user::Model,
    authn: Authn,
    org: organization::Model,
    role: OrgRole,
) -> DomainResult<Actor> {
    let groups = group_membership::Entity::find()
        .filter(group_membership::Column::UserId.eq(user.id))
        .find_also_related(group::Entity)
        .filter(group::Column::OrgId.eq(org.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(m, g)| {
            let group = g.filter(|g| g.org_id == org.id)?;
            Some(ActorGroup {
                group,
                role: GroupRole::parse(&m.role).ok()?,
            })
        })
        .collect();
    Ok(Actor {
        user,
        org,
        role,
        groups,
        authn,
    })
}

/// Records that `actor` was refused `what`.
pub async fn audit_denied(db: &DatabaseConnection, actor: &Actor, what: &str) -> DomainResult<()> {
    audit::record(
        db,
        AuditEvent::new(AuditAction::AccessDenied)
            .org(actor.org.id)
            .actor(Some(actor.user.id))
            .target(what),
    )
    .await
}

/// Refuses with `Forbidden`, audited, unless `actor` is an admin of their organization.
pub async fn require_org_admin(
    db: &DatabaseConnection,
    actor: &Actor,
    what: &str,
) -> DomainResult<()> {
    if actor.is_org_admin() {
        return Ok(());
    }
    audit_denied(db, actor, what).await?;
    Err(DomainError::Forbidden)
}

/// The groups of the actor's organization that the actor administers (all of them for org admins).
pub async fn administered_groups(
    db: &DatabaseConnection,
    actor: &Actor,
) -> DomainResult<Vec<group::Model>> {
    let groups = group::Entity::find()
        .filter(group::Column::OrgId.eq(actor.org.id))
        .order_by_asc(group::Column::Name)
        .all(db)
        .await?;
    Ok(groups
        .into_iter()
        .filter(|g| actor.administers_group(g.id))
        .collect())
}

/// The first `n` groups `actor` administers, by name, and whether an org admin's organization
/// has more: one statement at most (anyone else's groups came with the actor, and all are given).
pub async fn first_administered_groups(
    db: &DatabaseConnection,
    actor: &Actor,
    n: u64,
) -> DomainResult<(Vec<group::Model>, bool)> {
    if !actor.is_org_admin() {
        return Ok((own_admin_groups(actor), false));
    }
    let mut groups = group::Entity::find()
        .filter(group::Column::OrgId.eq(actor.org.id))
        .order_by_asc(group::Column::Name)
        .order_by_asc(group::Column::Id)
        .limit(n + 1)
        .all(db)
        .await?;
    let more = groups.len() as u64 > n;
    groups.truncate(n as usize);
    Ok((groups, more))
}

/// The groups a member who is not an org admin administers, by name: they came with the actor.
fn own_admin_groups(actor: &Actor) -> Vec<group::Model> {
    let mut groups: Vec<group::Model> = actor
        .groups
        .iter()
        .filter(|g| g.role == GroupRole::Admin)
        .map(|g| g.group.clone())
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    groups
}

/// One page of the groups an actor administers, by name, and how many there are in all.
#[derive(Clone, Debug)]
pub struct GroupPage {
    pub groups: Vec<group::Model>,
    pub total: u64,
    /// 1-based; a page past the end is the last page.
    pub page: u64,
    pub per_page: u64,
}

impl GroupPage {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
}

/// Page `page` (1-based) of the groups `actor` administers, `per_page` at a time: for an org
/// admin one statement while the groups fit on a page and two however many there are;
/// none for anyone else (their groups came with the actor).
pub async fn administered_groups_page(
    db: &DatabaseConnection,
    actor: &Actor,
    page: u64,
    per_page: u64,
) -> DomainResult<GroupPage> {
    let per_page = per_page.max(1);
    if !actor.is_org_admin() {
        let groups = own_admin_groups(actor);
        let total = groups.len() as u64;
        let page = page.clamp(1, total.div_ceil(per_page).max(1));
        let groups = groups
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        return Ok(GroupPage {
            groups,
            total,
            page,
            per_page,
        });
    }
    let paginator = group::Entity::find()
        .filter(group::Column::OrgId.eq(actor.org.id))
        .order_by_asc(group::Column::Name)
        .order_by_asc(group::Column::Id)
        .paginate(db, per_page);
    if page <= 1 {
        let groups = paginator.fetch_page(0).await?;
        // Most organizations have fewer groups than a page: then the page is the count.
        let total = if (groups.len() as u64) < per_page {
            groups.len() as u64
        } else {
            paginator.num_items().await?
        };
        return Ok(GroupPage {
            groups,
            total,
            page: 1,
            per_page,
        });
    }
    let total = paginator.num_items().await?;
    let page = page.clamp(1, total.div_ceil(per_page).max(1));
    let groups = paginator.fetch_page(page - 1).await?;
    Ok(GroupPage {
        groups,
        total,
        page,
        per_page,
    })
}

/// A group of the actor's organization that the actor may configure. Another organization's
/// group is not found; a group the actor does not administer is refused, audited.
pub async fn group_for_admin(
    db: &DatabaseConnection,
    actor: &Actor,
    group_id: i64,
) -> DomainResult<group::Model> {
    let group = group::Entity::find_by_id(group_id)
        .filter(group::Column::OrgId.eq(actor.org.id))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("group".into()))?;
    if actor.administers_group(group.id) {
        Ok(group)
    } else {
        audit_denied(db, actor, "group settings").await?;
        Err(DomainError::Forbidden)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::step_up::SignInNonce;

    /// A member `user_id` of organization `org_id`, with a fixed sign-in nonce.
    pub fn actor_for(user_id: i64, org_id: i64) -> Actor {
        let now = time::OffsetDateTime::now_utc();
        Actor {
            user: user::Model {
                id: user_id,
                email: format!("u{user_id}@example.com"),
                display_name: format!("User {user_id}"),
                password_hash: String::new(),
                disabled: false,
                created_at: now,
            },
            org: organization::Model {
                id: org_id,
                name: format!("Org {org_id}"),
                slug: format!("org-{org_id}"),
                integrations_enabled: true,
                salesforce_enabled: true,
                created_at: now,
            },
            role: OrgRole::Member,
            groups: vec![],
            authn: Authn {
                nonce: SignInNonce::fixed("test-sign-in"),
                step_up: None,
            },
        }
    }
}
