use sea_orm::entity::prelude::*;

/// One provider's OAuth app settings for an organization (`group_id` None) or a group override.
/// `client_secret` is sealed by the vault, bound to this row's id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub group_id: Option<i64>,
    pub scope: String,
    pub provider: String,
    pub enabled: bool,
    pub app_source: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub secret_fingerprint: Option<String>,
    pub secret_set_at: Option<TimeDateTimeWithTimeZone>,
    pub secret_set_by: Option<i64>,
    pub auth_base_url: Option<String>,
    pub version: i32,
    pub updated_by: Option<i64>,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
