//! Operator-level account management: organizations, users, memberships, groups, feature flags.
//! Used by the `sofie admin` commands and demo seeding; every change is audited.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::{group, group_membership, org_membership, organization, user};
use crate::error::{DomainError, DomainResult};
use crate::names::{DisplayName, Email, GroupName, NewPassword, OrgName, Slug};
use crate::password::Passwords;
use crate::roles::{GroupRole, OrgRole};

pub async fn create_org(
    db: &DatabaseConnection,
    name: &OrgName,
) -> DomainResult<organization::Model> {
    let slug = Slug::from_name(name)?;
    if organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(DomainError::Conflict(format!(
            "an organization with the slug {:?} already exists",
            slug.as_str()
        )));
    }
    let org = organization::ActiveModel {
        name: Set(name.as_str().to_string()),
        slug: Set(slug.as_str().to_string()),
        integrations_enabled: Set(false),
        salesforce_enabled: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::OrgCreated)
            .org(org.id)
            .target(org.slug.clone()),
    )
    .await?;
    Ok(org)
}

/// Finds an organization by slug, or else by exact name.
pub async fn find_org(
    db: &DatabaseConnection,
    name_or_slug: &str,
) -> DomainResult<organization::Model> {
    let wanted = name_or_slug.trim();
    organization::Entity::find()
        .filter(
            Condition::any()
                .add(organization::Column::Slug.eq(wanted.to_lowercase()))
                .add(organization::Column::Name.eq(wanted)),
        )
        .order_by_asc(organization::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("organization {wanted:?}")))
}

pub async fn create_user(
    db: &DatabaseConnection,
    passwords: &Passwords,
    email: &Email,
    name: &DisplayName,
    password: &NewPassword,
) -> DomainResult<user::Model> {
    if find_user(db, email).await.is_ok() {
        return Err(DomainError::Conflict(format!(
            "a user with the email {email} already exists"
        )));
    }
    let hash = passwords.hash(password).await?;
    let user = user::ActiveModel {
        email: Set(email.as_str().to_string()),
        display_name: Set(name.as_str().to_string()),
        password_hash: Set(hash),
        disabled: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::UserCreated).target(email.as_str()),
    )
    .await?;
    Ok(user)
}

/// The emails of the users `ids`, by id (only the two columns are read; no ids, no statement).
pub async fn emails_of(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i64>,
) -> DomainResult<std::collections::HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Email])
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

pub async fn find_user(db: &DatabaseConnection, email: &Email) -> DomainResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("user {:?}", email.as_str())))
}

/// Adds `user` to `org` with `role`, or changes the role of an existing member.
pub async fn set_member(
    db: &DatabaseConnection,
    org: &organization::Model,
    user: &user::Model,
    role: OrgRole,
) -> DomainResult<()> {
    org_membership::Entity::insert(org_membership::ActiveModel {
        org_id: Set(org.id),
        user_id: Set(user.id),
        role: Set(role.as_str().to_string()),
        created_at: Set(OffsetDateTime::now_utc()),
    })
    .on_conflict(
        OnConflict::columns([
            org_membership::Column::OrgId,
            org_membership::Column::UserId,
        ])
        .update_column(org_membership::Column::Role)
        .to_owned(),
    )
    .exec(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::MembershipChanged)
            .org(org.id)
            .target(user.email.clone())
            .details(json!({ "role": role.as_str() })),
    )
    .await
}

pub async fn create_group(
    db: &DatabaseConnection,
    org: &organization::Model,
    name: &GroupName,
) -> DomainResult<group::Model> {
    if find_group(db, org, name.as_str()).await.is_ok() {
        return Err(DomainError::Conflict(format!(
            "the group {:?} already exists in {}",
            name.as_str(),
            org.name
        )));
    }
    let group = group::ActiveModel {
        org_id: Set(org.id),
        name: Set(name.as_str().to_string()),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::GroupCreated)
            .org(org.id)
            .target(group.name.clone()),
    )
    .await?;
    Ok(group)
}

pub async fn find_group(
    db: &DatabaseConnection,
    org: &organization::Model,
    name: &str,
) -> DomainResult<group::Model> {
    group::Entity::find()
        .filter(group::Column::OrgId.eq(org.id))
        .filter(group::Column::Name.eq(name.trim()))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("group {:?} in {}", name.trim(), org.name)))
}

/// Adds an organization member to one of its groups, or changes their group role.
pub async fn set_group_member(
    db: &DatabaseConnection,
    org: &organization::Model,
    group: &group::Model,
    user: &user::Model,
    role: GroupRole,
) -> DomainResult<()> {
    let is_member = org_membership::Entity::find_by_id((org.id, user.id))
        .one(db)
        .await?
        .is_some();
    if !is_member {
        return Err(DomainError::validation(
            "email",
            format!(
                "{} is not a member of {}; add them to the organization first",
                user.email, org.name
            ),
        ));
    }
    group_membership::Entity::insert(group_membership::ActiveModel {
        group_id: Set(group.id),
        user_id: Set(user.id),
        role: Set(role.as_str().to_string()),
        created_at: Set(OffsetDateTime::now_utc()),
    })
    .on_conflict(
        OnConflict::columns([
            group_membership::Column::GroupId,
            group_membership::Column::UserId,
        ])
        .update_column(group_membership::Column::Role)
        .to_owned(),
    )
    .exec(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::GroupMembershipChanged)
            .org(org.id)
            .target(format!("{} in {}", user.email, group.name))
            .details(json!({ "role": role.as_str() })),
    )
    .await
}

/// Feature switches an operator sets per organization; `None` leaves a flag as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeatureChange {
    pub integrations: Option<bool>,
    pub salesforce: Option<bool>,
}

pub async fn set_features(
    db: &DatabaseConnection,
    org: &organization::Model,
    change: FeatureChange,
) -> DomainResult<organization::Model> {
    let mut active: organization::ActiveModel = org.clone().into();
    if let Some(on) = change.integrations {
        active.integrations_enabled = Set(on);
    }
    if let Some(on) = change.salesforce {
        active.salesforce_enabled = Set(on);
    }
    let updated = active.update(db).await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::FeaturesChanged).org(org.id).details(json!({
            "integrations": { "before": org.integrations_enabled, "after": updated.integrations_enabled },
            "salesforce": { "before": org.salesforce_enabled, "after": updated.salesforce_enabled },
        })),
    )
    .await?;
    Ok(updated)
}

/// One organization with its members and groups, for `sofie admin list`.
pub struct OrgOverview {
    pub org: organization::Model,
    pub members: Vec<(user::Model, OrgRole)>,
    pub groups: Vec<(group::Model, Vec<(user::Model, GroupRole)>)>,
}

pub async fn overview(
    db: &DatabaseConnection,
) -> DomainResult<(Vec<OrgOverview>, Vec<user::Model>)> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?;
    let user_by_id = |id: i64| users.iter().find(|u| u.id == id).cloned();
    let mut result = Vec::new();
    for org in organization::Entity::find()
        .order_by_asc(organization::Column::Slug)
        .all(db)
        .await?
    {
        let members = org_membership::Entity::find()
            .filter(org_membership::Column::OrgId.eq(org.id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|m| Some((user_by_id(m.user_id)?, OrgRole::parse(&m.role).ok()?)))
            .collect();
        let mut groups = Vec::new();
        for group in group::Entity::find()
            .filter(group::Column::OrgId.eq(org.id))
            .order_by_asc(group::Column::Name)
            .all(db)
            .await?
        {
            let group_members = group_membership::Entity::find()
                .filter(group_membership::Column::GroupId.eq(group.id))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|m| Some((user_by_id(m.user_id)?, GroupRole::parse(&m.role).ok()?)))
                .collect();
            groups.push((group, group_members));
        }
        result.push(OrgOverview {
            org,
            members,
            groups,
        });
    }
    Ok((result, users))
}

/// The members of `group` with their group role, by name.
pub async fn group_members(
    db: &DatabaseConnection,
    group: &group::Model,
) -> DomainResult<Vec<(user::Model, GroupRole)>> {
    let mut members: Vec<_> = group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.eq(group.id))
        .find_also_related(user::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(m, user)| Some((user?, GroupRole::parse(&m.role).ok()?)))
        .collect();
    members.sort_by(|a, b| a.0.display_name.cmp(&b.0.display_name));
    Ok(members)
}
