//! Failed sign-ins in the database, so every server process shares the throttle.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthThrottle::Table)
                    .col(big_pk_auto(AuthThrottle::Id))
                    // `account:{email}` or `client:{address}`.
                    .col(string_len(AuthThrottle::Key, 320))
                    .col(timestamp_with_time_zone(AuthThrottle::FailedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("auth_throttle_key_failed_at_idx")
                    .table(AuthThrottle::Table)
                    .col(AuthThrottle::Key)
                    .col(AuthThrottle::FailedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuthThrottle::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuthThrottle {
    Table,
    Id,
    Key,
    FailedAt,
}
