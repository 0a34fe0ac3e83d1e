//! Users, organizations, groups and the memberships that give them roles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 100))
                    .col(string(Users::PasswordHash))
                    .col(boolean(Users::Disabled).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(big_pk_auto(Organizations::Id))
                    .col(string_len(Organizations::Name, 100))
                    .col(string_len_uniq(Organizations::Slug, 63))
                    .col(boolean(Organizations::IntegrationsEnabled).default(false))
                    .col(boolean(Organizations::SalesforceEnabled).default(false))
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrgMemberships::Table)
                    .col(big_integer(OrgMemberships::OrgId))
                    .col(big_integer(OrgMemberships::UserId))
                    .col(string_len(OrgMemberships::Role, 16))
                    .col(timestamp_with_time_zone(OrgMemberships::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(OrgMemberships::OrgId)
                            .col(OrgMemberships::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgMemberships::Table, OrgMemberships::OrgId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgMemberships::Table, OrgMemberships::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Groups::Table)
                    .col(big_pk_auto(Groups::Id))
                    .col(big_integer(Groups::OrgId))
                    .col(string_len(Groups::Name, 100))
                    .col(timestamp_with_time_zone(Groups::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Groups::Table, Groups::OrgId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("groups_org_name_key")
                    .table(Groups::Table)
                    .col(Groups::OrgId)
                    .col(Groups::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GroupMemberships::Table)
                    .col(big_integer(GroupMemberships::GroupId))
                    .col(big_integer(GroupMemberships::UserId))
                    .col(string_len(GroupMemberships::Role, 16))
                    .col(timestamp_with_time_zone(GroupMemberships::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(GroupMemberships::GroupId)
                            .col(GroupMemberships::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GroupMemberships::Table, GroupMemberships::GroupId)
                            .to(Groups::Table, Groups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GroupMemberships::Table, GroupMemberships::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            GroupMemberships::Table.into_iden(),
            Groups::Table.into_iden(),
            OrgMemberships::Table.into_iden(),
            Organizations::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    Slug,
    IntegrationsEnabled,
    SalesforceEnabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrgMemberships {
    Table,
    OrgId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    OrgId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMemberships {
    Table,
    GroupId,
    UserId,
    Role,
    CreatedAt,
}
