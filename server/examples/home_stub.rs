//! The third benchmark baseline: Sofie's real router rendering the signed-in home page with every
//! database answer stubbed in memory (SeaORM's mock connection, answering by table), so
//! `scripts/bench-foundation.sh` can show how much of the page is rendering and how much is data.
//! Usage: `home_stub 127.0.0.1:PORT`; prints the `Cookie` header to send, then serves.

// Shared with the other benchmarks, which use the rest of it.
#[allow(dead_code)]
mod common;

use std::sync::Arc;

use domain::entities::{org_membership, organization, session, user};
use domain::metrics::Metrics;
use domain::vault::Vault;
use sea_orm::{
    DatabaseConnection, DatabaseConnectionType, DbBackend, DbErr, ExecResult, IntoMockRow,
    MockDatabase, MockDatabaseConnection, MockDatabaseTrait, MockExecResult, MockRow, QueryResult,
    Statement, Transaction,
};
use server::startup::Application;
use time::OffsetDateTime;
use tower_sessions::session::Id;

// The server's allocator, so the two runs differ only in where the answers come from (the script
// starts this with the allocator settings `sofie` gives itself).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The rows the home page reads: its session, its person, and their one membership.
#[derive(Debug)]
struct Answers {
    user: user::Model,
    membership: org_membership::Model,
    org: organization::Model,
}

impl Answers {
    fn new() -> Self {
        let now = OffsetDateTime::now_utc();
        Answers {
            user: user::Model {
                id: 1,
                email: "admin@acme.example".into(),
                display_name: "Ada Admin".into(),
                password_hash: String::new(),
                disabled: false,
                created_at: now,
            },
            membership: org_membership::Model {
                org_id: 1,
                user_id: 1,
                role: "admin".into(),
                created_at: now,
            },
            org: organization::Model {
                id: 1,
                name: "Acme".into(),
                slug: "acme".into(),
                integrations_enabled: true,
                salesforce_enabled: true,
                created_at: now,
            },
        }
    }

    /// Whatever session is asked for: signed in a minute ago and seen just now, so the request
    /// writes nothing.
    fn session(&self) -> session::Model {
        let now = OffsetDateTime::now_utc();
        let data = serde_json::json!({
            "user_id": self.user.id,
            "signed_in_at": now.unix_timestamp() - 60,
            "sign_in_nonce": "bench-stub-nonce",
            "seen_at": now.unix_timestamp(),
        });
        session::Model {
            id: String::new(),
            user_id: Some(self.user.id),
            data: data.to_string(),
            expires_at: now + time::Duration::minutes(30),
        }
    }

    fn rows(&self, sql: &str) -> Vec<MockRow> {
        if sql.contains(r#"FROM "sessions""#) {
            vec![self.session().into_mock_row()]
        } else if sql.contains(r#"FROM "users""#) {
            vec![self.user.clone().into_mock_row()]
        } else if sql.contains(r#"FROM "org_memberships""#) {
            vec![(self.membership.clone(), self.org.clone()).into_mock_row()]
        } else {
            Vec::new()
        }
    }
}

impl MockDatabaseTrait for Answers {
    fn execute(&mut self, _: usize, stmt: Statement) -> Result<ExecResult, DbErr> {
        MockDatabase::new(DbBackend::Sqlite)
            .append_exec_results([MockExecResult {
                last_insert_id: 0,
                rows_affected: 0,
            }])
            .execute(0, stmt)
    }

    fn query(&mut self, _: usize, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let rows = self.rows(&stmt.sql);
        MockDatabase::new(DbBackend::Sqlite)
            .append_query_results([rows])
            .query(0, stmt)
    }

    fn begin(&mut self) {}

    fn commit(&mut self) {}

    fn rollback(&mut self) {}

    fn drain_transaction_log(&mut self) -> Vec<Transaction> {
        Vec::new()
    }

    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    fn ping(&self) -> Result<(), DbErr> {
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr: std::net::SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3998".into())
        .parse()?;
    let keys = Vault::generate_key_ring();
    // Never contacted: the home page makes no Salesforce call.
    let unused = "http://127.0.0.1:9".to_string();
    let sim = salesforce_sim::SimUrls {
        login_production: unused.clone(),
        login_sandbox: unused.clone(),
        login_mydomain: unused.clone(),
        instances: vec![unused],
    };
    let config = common::settings("sqlite://stubbed", &keys, &sim, addr.port());
    let db: DatabaseConnection = DatabaseConnectionType::MockDatabaseConnection(Arc::new(
        MockDatabaseConnection::new(Answers::new()),
    ))
    .into();
    let app = Application::assemble(
        &config,
        db,
        Vault::from_key_ring(&keys)?,
        Metrics::default(),
    )
    .await?;
    println!("Cookie: sofie={}", Id::default());
    app.run_until_stopped().await?;
    Ok(())
}
