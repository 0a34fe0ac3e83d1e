//! One waiting proposal per identical request, even when an assistant sends the request twice
//! at once: a digest of the request, unique, held by the proposal that answers it. (NULLs are
//! distinct in a unique index on SQLite and PostgreSQL, so proposals without one never clash.)

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(string_len_null(Proposals::DedupeKey, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposals_dedupe_key_idx")
                    .table(Proposals::Table)
                    .col(Proposals::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("proposals_dedupe_key_idx")
                    .table(Proposals::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .drop_column(Proposals::DedupeKey)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    DedupeKey,
}
