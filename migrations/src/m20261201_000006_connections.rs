//! People's Salesforce connections, and the OAuth attempts that make them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthAttempts::Table)
                    .col(big_pk_auto(OauthAttempts::Id))
                    .col(big_integer(OauthAttempts::OrgId))
                    .col(big_integer(OauthAttempts::UserId))
                    // SHA-256 of the sign-in nonce and of `state`: neither is stored as sent.
                    .col(string_len(OauthAttempts::SignInHash, 64))
                    .col(string_len_uniq(OauthAttempts::StateHash, 64))
                    .col(text(OauthAttempts::CodeVerifier))
                    .col(string_len(OauthAttempts::AppOrigin, 40))
                    .col(string_len(OauthAttempts::ClientId, 255))
                    .col(string_len(OauthAttempts::LoginHost, 255))
                    .col(big_integer_null(OauthAttempts::SettingsId))
                    .col(integer(OauthAttempts::SettingsVersion))
                    .col(string_len(OauthAttempts::RedirectUri, 500))
                    .col(string_len(OauthAttempts::ReturnPath, 500))
                    .col(timestamp_with_time_zone(OauthAttempts::CreatedAt))
                    .col(timestamp_with_time_zone(OauthAttempts::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OauthAttempts::UsedAt))
                    // A grant for another Salesforce identity, held until the person decides.
                    .col(text_null(OauthAttempts::HeldGrant))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Connections::Table)
                    .col(big_pk_auto(Connections::Id))
                    .col(big_integer(Connections::OrgId))
                    .col(big_integer(Connections::UserId))
                    .col(string_len(Connections::Provider, 32))
                    .col(string_len(Connections::Status, 32))
                    .col(string_len_null(Connections::Cause, 64))
                    .col(string_len(Connections::AppOrigin, 40))
                    .col(string_len(Connections::ClientId, 255))
                    .col(string_len(Connections::LoginHost, 255))
                    .col(big_integer_null(Connections::SettingsId))
                    .col(integer(Connections::SettingsVersion))
                    .col(string_len(Connections::SfOrgId, 18))
                    .col(string_len(Connections::SfUserId, 18))
                    .col(string_len(Connections::SfUsername, 255))
                    .col(string_len_null(Connections::SfOrgName, 255))
                    .col(boolean_null(Connections::SfIsSandbox))
                    .col(string_len(Connections::InstanceUrl, 255))
                    .col(string_len(Connections::IdentityUrl, 500))
                    .col(string_len(Connections::Scopes, 500))
                    .col(boolean(Connections::Offline))
                    .col(text_null(Connections::AccessToken))
                    .col(text_null(Connections::RefreshToken))
                    // Bumped by every token change: the refresh compare-and-swap and the
                    // describe cache's generation.
                    .col(big_integer(Connections::TokenVersion))
                    .col(timestamp_with_time_zone_null(
                        Connections::RefreshLeaseUntil,
                    ))
                    .col(timestamp_with_time_zone(Connections::ConnectedAt))
                    .col(timestamp_with_time_zone_null(Connections::LastCallAt))
                    .col(timestamp_with_time_zone_null(Connections::LastRefreshAt))
                    .col(timestamp_with_time_zone(Connections::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("connections_user_org_provider_idx")
                    .table(Connections::Table)
                    .col(Connections::UserId)
                    .col(Connections::OrgId)
                    .col(Connections::Provider)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("connections_org_idx")
                    .table(Connections::Table)
                    .col(Connections::OrgId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Connections::Table.into_iden(),
            OauthAttempts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum OauthAttempts {
    Table,
    Id,
    OrgId,
    UserId,
    SignInHash,
    StateHash,
    CodeVerifier,
    AppOrigin,
    ClientId,
    LoginHost,
    SettingsId,
    SettingsVersion,
    RedirectUri,
    ReturnPath,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    HeldGrant,
}

#[derive(DeriveIden)]
enum Connections {
    Table,
    Id,
    OrgId,
    UserId,
    Provider,
    Status,
    Cause,
    AppOrigin,
    ClientId,
    LoginHost,
    SettingsId,
    SettingsVersion,
    SfOrgId,
    SfUserId,
    SfUsername,
    SfOrgName,
    SfIsSandbox,
    InstanceUrl,
    IdentityUrl,
    Scopes,
    Offline,
    AccessToken,
    RefreshToken,
    TokenVersion,
    RefreshLeaseUntil,
    ConnectedAt,
    LastCallAt,
    LastRefreshAt,
    UpdatedAt,
}
