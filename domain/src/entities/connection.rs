use sea_orm::entity::prelude::*;

/// One person's Salesforce connection in one organization. Tokens are sealed, bound to the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub provider: String,
    pub status: String,
    pub cause: Option<String>,
    pub app_origin: String,
    pub client_id: String,
    pub login_host: String,
    pub settings_id: Option<i64>,
    pub settings_version: i32,
    pub sf_org_id: String,
    pub sf_user_id: String,
    pub sf_username: String,
    pub sf_org_name: Option<String>,
    pub sf_is_sandbox: Option<bool>,
    pub instance_url: String,
    pub identity_url: String,
    pub scopes: String,
    pub offline: bool,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub token_version: i64,
    pub refresh_lease_until: Option<TimeDateTimeWithTimeZone>,
    pub connected_at: TimeDateTimeWithTimeZone,
    pub last_call_at: Option<TimeDateTimeWithTimeZone>,
    pub last_refresh_at: Option<TimeDateTimeWithTimeZone>,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
