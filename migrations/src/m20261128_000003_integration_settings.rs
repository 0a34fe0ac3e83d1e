//! Salesforce (and later other providers') OAuth app settings, per organization and per group.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IntegrationSettings::Table)
                    .col(big_pk_auto(IntegrationSettings::Id))
                    .col(big_integer(IntegrationSettings::OrgId))
                    .col(big_integer_null(IntegrationSettings::GroupId))
                    // "org" or "group:{id}": one row per scope, unique even where group_id is NULL.
                    .col(string_len(IntegrationSettings::Scope, 40))
                    .col(string_len(IntegrationSettings::Provider, 32))
                    .col(boolean(IntegrationSettings::Enabled).default(false))
                    .col(string_len(IntegrationSettings::AppSource, 16))
                    .col(string_len_null(IntegrationSettings::ClientId, 255))
                    .col(text_null(IntegrationSettings::ClientSecret))
                    .col(string_len_null(IntegrationSettings::SecretFingerprint, 16))
                    .col(timestamp_with_time_zone_null(
                        IntegrationSettings::SecretSetAt,
                    ))
                    .col(big_integer_null(IntegrationSettings::SecretSetBy))
                    .col(string_len_null(IntegrationSettings::AuthBaseUrl, 255))
                    .col(integer(IntegrationSettings::Version).default(0))
                    .col(big_integer_null(IntegrationSettings::UpdatedBy))
                    .col(timestamp_with_time_zone(IntegrationSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IntegrationSettings::Table, IntegrationSettings::OrgId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IntegrationSettings::Table, IntegrationSettings::GroupId)
                            .to(Groups::Table, Groups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("integration_settings_scope_key")
                    .table(IntegrationSettings::Table)
                    .col(IntegrationSettings::OrgId)
                    .col(IntegrationSettings::Provider)
                    .col(IntegrationSettings::Scope)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntegrationSettings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum IntegrationSettings {
    Table,
    Id,
    OrgId,
    GroupId,
    Scope,
    Provider,
    Enabled,
    AppSource,
    ClientId,
    ClientSecret,
    SecretFingerprint,
    SecretSetAt,
    SecretSetBy,
    AuthBaseUrl,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
}
