use sea_orm::entity::prelude::*;

/// A Connect in flight: everything the callback needs, kept server-side for 10 minutes and used
/// once. `code_verifier` and `held_grant` are sealed, bound to the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub sign_in_hash: String,
    pub state_hash: String,
    pub code_verifier: String,
    pub app_origin: String,
    pub client_id: String,
    pub login_host: String,
    pub settings_id: Option<i64>,
    pub settings_version: i32,
    pub redirect_uri: String,
    pub return_path: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
    pub held_grant: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
