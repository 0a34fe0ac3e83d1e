//! Secret fingerprints became keyed HMACs of 24 hex characters; the column held 16.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn set_length(manager: &SchemaManager<'_>, length: u32) -> Result<(), DbErr> {
    // SQLite does not enforce a VARCHAR's length (and cannot alter a column's type).
    if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite {
        return Ok(());
    }
    manager
        .alter_table(
            Table::alter()
                .table(IntegrationSettings::Table)
                .modify_column(string_len_null(
                    IntegrationSettings::SecretFingerprint,
                    length,
                ))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_length(manager, 64).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_length(manager, 16).await
    }
}

#[derive(DeriveIden)]
enum IntegrationSettings {
    Table,
    SecretFingerprint,
}
