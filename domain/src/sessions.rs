//! Session rows as the domain sees them: whose they are, so offboarding and "sign out
//! everywhere" end them at once. The session store itself (tower-sessions) lives in `server`.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::session;
use crate::error::DomainResult;

/// The session key under which the signed-in user's id is kept; the store copies it into the
/// row's `user_id` column.
pub const USER_ID_KEY: &str = "user_id";

/// Ends every session of `user_id`. Returns how many were ended.
pub async fn delete_user_sessions(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes expired rows; run periodically.
pub async fn delete_expired(db: &impl ConnectionTrait) -> DomainResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(OffsetDateTime::now_utc()))
        .exec(db)
        .await?
        .rows_affected)
}
