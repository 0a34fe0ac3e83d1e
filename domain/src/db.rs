//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens the database at `url` (`sqlite://…` or `postgres://…`) with a bounded pool.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(16)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL is a property of the file, so setting it once covers every pooled connection; it
        // lets readers proceed during a write. (sqlx already enables foreign keys and a busy
        // timeout on each connection.)
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A migrated SQLite database in a file of its own, for unit tests that need tables.
    pub async fn scratch_database() -> DatabaseConnection {
        let dir = std::env::temp_dir().join("sofie-domain-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!(
            "{}-{}.db",
            std::process::id(),
            rand::random::<u64>()
        ));
        let db = connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        migrate(&db).await.unwrap();
        db
    }
}
