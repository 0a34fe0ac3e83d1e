//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens the database at `url` (`sqlite://…` or `postgres://…`) with a bounded pool.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    // Each SQLite connection is a thread of its own that every statement hops to, and SQLite
    // writes one at a time anyway: on 2 cores, 4 served the organization's Salesforce page about
    // 15% faster than 16 at 64 clients. PostgreSQL connections are its processes' to schedule.
    let sqlite = url.starts_with("sqlite:");
    options
        .max_connections(if sqlite { 4 } else { 16 })
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

/// Why the database cannot serve requests now.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the database does not answer")]
    Unreachable(#[source] DbErr),
    #[error(
        "the schema holds migrations this build does not know (was it migrated by a newer build?)"
    )]
    UnknownSchema(#[source] DbErr),
    #[error("the schema is {} migration(s) behind: {}", .0.len(), .0.join(", "))]
    Behind(Vec<String>),
}

/// Whether the database answers and its schema is at this build's latest migration. Reads only,
/// so a check never changes the schema.
pub async fn readiness(db: &DatabaseConnection) -> Result<(), NotReady> {
    db.ping().await.map_err(NotReady::Unreachable)?;
    let pending = Migrator::get_pending_migrations_read_only(db)
        .await
        .map_err(NotReady::UnknownSchema)?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(NotReady::Behind(
            pending.iter().map(|m| m.name().to_owned()).collect(),
        ))
    }
}

/// Writes a consistent copy of a SQLite database to `file` (`VACUUM INTO`), safe while the
/// server runs: other connections go on reading and writing. PostgreSQL has `pg_dump`.
pub async fn backup(db: &DatabaseConnection, file: &std::path::Path) -> Result<(), BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if file.exists() {
        return Err(BackupError::Exists(file.display().to_string()));
    }
    let path = file.to_str().ok_or(BackupError::BadPath)?;
    let statement =
        sea_orm::Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()]);
    db.execute_raw(statement).await.map_err(BackupError::Db)?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups are for SQLite; back up PostgreSQL with pg_dump")]
    NotSqlite,
    #[error("{0} exists; choose a new file so no backup is overwritten")]
    Exists(String),
    #[error("the backup path must be valid UTF-8")]
    BadPath,
    #[error("the backup failed: {0}")]
    Db(DbErr),
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
