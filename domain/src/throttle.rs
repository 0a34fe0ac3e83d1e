//! Failed sign-in counting, per account and per client address, kept in the database so every
//! server process shares the counts. Only failures count, so a person who signs in often is never
//! slowed; a run of wrong passwords blocks that key until the oldest failure in the window has
//! aged out.

use std::time::Duration;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

use crate::entities::auth_throttle;
use crate::error::DomainResult;

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max_failures: u64,
    pub window: Duration,
}

/// One kind of key (`account` or `client`) with its limit.
#[derive(Clone, Copy, Debug)]
pub struct Throttle {
    kind: &'static str,
    limit: Limit,
}

impl Throttle {
    pub fn new(kind: &'static str, limit: Limit) -> Self {
        Self { kind, limit }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.kind)
    }

    fn window_start(&self, now: OffsetDateTime) -> OffsetDateTime {
        now - self.limit.window
    }

    /// `Some(wait)` when `key` has used up its failures.
    pub async fn blocked_for(
        &self,
        db: &impl ConnectionTrait,
        key: &str,
        now: OffsetDateTime,
    ) -> DomainResult<Option<Duration>> {
        let recent = auth_throttle::Entity::find()
            .filter(auth_throttle::Column::Key.eq(self.key(key)))
            .filter(auth_throttle::Column::FailedAt.gt(self.window_start(now)))
            .order_by_asc(auth_throttle::Column::FailedAt)
            .limit(self.limit.max_failures)
            .all(db)
            .await?;
        if (recent.len() as u64) < self.limit.max_failures {
            return Ok(None);
        }
        let oldest = recent[0].failed_at;
        let age = Duration::try_from(now - oldest).unwrap_or_default();
        Ok(Some(self.limit.window.saturating_sub(age)))
    }

    pub async fn record_failure(
        &self,
        db: &impl ConnectionTrait,
        key: &str,
        now: OffsetDateTime,
    ) -> DomainResult<()> {
        auth_throttle::Entity::insert(auth_throttle::ActiveModel {
            key: Set(self.key(key)),
            failed_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await?;
        Ok(())
    }

    pub async fn clear(&self, db: &impl ConnectionTrait, key: &str) -> DomainResult<()> {
        auth_throttle::Entity::delete_many()
            .filter(auth_throttle::Column::Key.eq(self.key(key)))
            .exec(db)
            .await?;
        Ok(())
    }
}

/// Removes failures older than `window`; run periodically.
pub async fn delete_stale(
    db: &impl ConnectionTrait,
    window: Duration,
    now: OffsetDateTime,
) -> DomainResult<u64> {
    Ok(auth_throttle::Entity::delete_many()
        .filter(auth_throttle::Column::FailedAt.lte(now - window))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blocks_after_max_failures_until_the_window_passes() {
        let db = crate::db::tests::scratch_database().await;
        let throttle = Throttle::new(
            "account",
            Limit {
                max_failures: 3,
                window: Duration::from_secs(60),
            },
        );
        let t0 = OffsetDateTime::now_utc();
        for i in 0..3 {
            assert!(
                throttle
                    .blocked_for(&db, "ann", t0)
                    .await
                    .unwrap()
                    .is_none(),
                "attempt {i}"
            );
            throttle.record_failure(&db, "ann", t0).await.unwrap();
        }
        let wait = throttle
            .blocked_for(&db, "ann", t0 + Duration::from_secs(10))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(
            throttle
                .blocked_for(&db, "bob", t0)
                .await
                .unwrap()
                .is_none(),
            "other keys are not affected"
        );
        let other_kind = Throttle::new("client", throttle.limit);
        assert!(
            other_kind
                .blocked_for(&db, "ann", t0)
                .await
                .unwrap()
                .is_none(),
            "other kinds neither"
        );
        assert!(
            throttle
                .blocked_for(&db, "ann", t0 + Duration::from_secs(60))
                .await
                .unwrap()
                .is_none()
        );
        throttle.record_failure(&db, "bob", t0).await.unwrap();
        throttle.clear(&db, "bob").await.unwrap();
        assert!(
            throttle
                .blocked_for(&db, "bob", t0)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            delete_stale(&db, Duration::from_secs(60), t0 + Duration::from_secs(61))
                .await
                .unwrap(),
            3
        );
    }
}
