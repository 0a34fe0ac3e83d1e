use sea_orm::entity::prelude::*;

/// One revision of a prepared change: what will be sent, the record as it was when prepared,
/// and where the change is on its way from pending to executed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub connection_id: i64,
    pub sf_user_id: String,
    pub proposer_token_id: Option<i64>,
    pub proposer_name: Option<String>,
    pub object: String,
    pub action: String,
    pub record_id: Option<String>,
    pub external_id_field: Option<String>,
    pub external_id: Option<String>,
    pub record_name: String,
    pub sofie_key_field: Option<String>,
    pub sofie_key: Option<String>,
    pub fields: String,
    pub snapshot: Option<String>,
    pub snapshot_stamp: Option<String>,
    pub auto_assign: Option<bool>,
    pub revision: i32,
    pub supersedes: Option<i64>,
    pub state: String,
    pub note: Option<String>,
    pub candidates: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub reject_reason: Option<String>,
    pub lease_until: Option<TimeDateTimeWithTimeZone>,
    pub attempts: i32,
    pub result_record_id: Option<String>,
    pub result: Option<String>,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Digest of an assistant's request, held while this proposal answers it (see `once`).
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
