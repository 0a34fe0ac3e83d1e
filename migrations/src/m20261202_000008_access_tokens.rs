//! Personal access tokens: how an assistant acts for a person through the tool API and MCP.
//! Only a hash of each token is kept; the token itself is shown once, when it is made.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccessTokens::Table)
                    .col(big_pk_auto(AccessTokens::Id))
                    .col(big_integer(AccessTokens::OrgId))
                    .col(big_integer(AccessTokens::UserId))
                    .col(string_len(AccessTokens::Name, 80))
                    // The first characters of the token, so a person can tell their tokens apart.
                    .col(string_len(AccessTokens::Hint, 24))
                    // SHA-256 of the whole token, hex: a 256-bit random value needs no slow hash.
                    .col(string_len_uniq(AccessTokens::TokenHash, 64))
                    // Space-separated: `salesforce:read`, `salesforce:propose`.
                    .col(string_len(AccessTokens::Scopes, 128))
                    .col(timestamp_with_time_zone(AccessTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccessTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("access_tokens_org_user_idx")
                    .table(AccessTokens::Table)
                    .col(AccessTokens::OrgId)
                    .col(AccessTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccessTokens::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AccessTokens {
    Table,
    Id,
    OrgId,
    UserId,
    Name,
    Hint,
    TokenHash,
    Scopes,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}
