//! Prepared changes: each organization's write policy, and the proposals that wait for a
//! person's approval and then run exactly once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangePolicies::Table)
                    .col(big_integer(ChangePolicies::OrgId).primary_key())
                    .col(boolean(ChangePolicies::Enabled))
                    // Comma-separated object API names; NULL means every object the user may change.
                    .col(text_null(ChangePolicies::Objects))
                    .col(string_len(ChangePolicies::Actions, 64))
                    .col(integer(ChangePolicies::ExpiryHours))
                    .col(integer(ChangePolicies::Version))
                    .col(big_integer_null(ChangePolicies::UpdatedBy))
                    .col(timestamp_with_time_zone(ChangePolicies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(big_pk_auto(Proposals::Id))
                    .col(big_integer(Proposals::OrgId))
                    // The person the change runs for, with their own Salesforce connection.
                    .col(big_integer(Proposals::UserId))
                    .col(big_integer(Proposals::ConnectionId))
                    .col(string_len(Proposals::SfUserId, 18))
                    // An assistant acting for the person fills these; a person's own leave them NULL.
                    .col(big_integer_null(Proposals::ProposerTokenId))
                    .col(string_len_null(Proposals::ProposerName, 255))
                    .col(string_len(Proposals::Object, 80))
                    .col(string_len(Proposals::Action, 16))
                    .col(string_len_null(Proposals::RecordId, 18))
                    .col(string_len_null(Proposals::ExternalIdField, 80))
                    .col(string_len_null(Proposals::ExternalId, 255))
                    .col(string_len(Proposals::RecordName, 255))
                    // A create sent as an upsert on this Sofie-made key can be found again.
                    .col(string_len_null(Proposals::SofieKeyField, 80))
                    .col(string_len_null(Proposals::SofieKey, 64))
                    .col(text(Proposals::Fields))
                    .col(text_null(Proposals::Snapshot))
                    .col(string_len_null(Proposals::SnapshotStamp, 40))
                    .col(boolean_null(Proposals::AutoAssign))
                    .col(integer(Proposals::Revision))
                    .col(big_integer_null(Proposals::Supersedes))
                    .col(string_len(Proposals::State, 24))
                    .col(text_null(Proposals::Note))
                    .col(text_null(Proposals::Candidates))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Proposals::ApprovedAt))
                    .col(timestamp_with_time_zone_null(Proposals::DecidedAt))
                    .col(text_null(Proposals::RejectReason))
                    // While executing: until when the approving process owns the write.
                    .col(timestamp_with_time_zone_null(Proposals::LeaseUntil))
                    .col(integer(Proposals::Attempts))
                    .col(string_len_null(Proposals::ResultRecordId, 18))
                    .col(text_null(Proposals::Result))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposals_org_user_state_idx")
                    .table(Proposals::Table)
                    .col(Proposals::OrgId)
                    .col(Proposals::UserId)
                    .col(Proposals::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposals_state_lease_idx")
                    .table(Proposals::Table)
                    .col(Proposals::State)
                    .col(Proposals::LeaseUntil)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Proposals::Table.into_iden(),
            ChangePolicies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ChangePolicies {
    Table,
    OrgId,
    Enabled,
    Objects,
    Actions,
    ExpiryHours,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    OrgId,
    UserId,
    ConnectionId,
    SfUserId,
    ProposerTokenId,
    ProposerName,
    Object,
    Action,
    RecordId,
    ExternalIdField,
    ExternalId,
    RecordName,
    SofieKeyField,
    SofieKey,
    Fields,
    Snapshot,
    SnapshotStamp,
    AutoAssign,
    Revision,
    Supersedes,
    State,
    Note,
    Candidates,
    CreatedAt,
    ExpiresAt,
    ApprovedAt,
    DecidedAt,
    RejectReason,
    LeaseUntil,
    Attempts,
    ResultRecordId,
    Result,
    UpdatedAt,
}
