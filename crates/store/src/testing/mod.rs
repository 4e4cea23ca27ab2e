//! Test databases: a fresh, migrated database per test, on SQLite or PostgreSQL as chosen by
//! `CONFER_TEST_DATABASE` (sqlite, the default, or postgres). The same tests run on both.

use crate::Db;

/// Which database the tests run on.
pub fn backend_name() -> String {
    std::env::var("CONFER_TEST_DATABASE").unwrap_or_else(|_| "sqlite".into())
}

/// A fresh, migrated, empty database. Panics (in tests only) if it cannot be made.
pub async fn fresh_db() -> Db {
    // TOTP secrets are sealed in tests as in production (one fixed key for every test).
    crate::totp_key::install(Some(test_totp_keys()));
    let url = fresh_url().await;
    let db = Db::connect(&url).await.expect("connect to the test database");
    crate::migrate::run(&db).await.expect("migrate the test database");
    db
}

/// The TOTP key of the tests.
pub fn test_totp_keys() -> crate::totp_key::TotpKeys {
    crate::totp_key::TotpKeys {
        current: crate::totp_key::Key::parse_hex("7e575e55e55e55e55e55e55e55e55e55e55e55e55e55e55e55e55e55e55e55e5")
            .expect("the test key is valid"),
        previous: None,
    }
}

/// The URL of a new, empty database (not migrated).
pub async fn fresh_url() -> String {
    let name = format!("confer_t_{}", crate::random_secret(8));
    match backend_name().as_str() {
        "postgres" => {
            let admin = std::env::var("CONFER_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            sqlx::any::install_default_drivers();
            use sqlx::Connection;
            let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("connect to PostgreSQL for tests");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join("confer-tests");
            std::fs::create_dir_all(&dir).expect("make temp dir");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
    }
}

/// Sets SQLite's `synchronous` on the writer's connection (every write goes through it), for
/// the benchmark of what FULL costs (`benches/sync_cost.rs`). `mode`: NORMAL or FULL.
pub async fn set_sqlite_synchronous(db: &Db, mode: &str) -> crate::Result<()> {
    let mode = if mode == "NORMAL" { "NORMAL" } else { "FULL" };
    sqlx::query(&format!("PRAGMA synchronous = {mode}")).execute(&db.writer).await?;
    Ok(())
}

/// The query plan of `sql` as text, one line per step, with its `$n` given as text: SQLite's
/// `EXPLAIN QUERY PLAN` details; on PostgreSQL `EXPLAIN` with the values written in, and with
/// sequential scans forbidden when `no_scans` (a test's tables are small enough that reading
/// them whole is cheapest, and the question is which index serves). Panics (tests only) when
/// the statement does not prepare.
pub async fn query_plan(db: &Db, sql: &str, binds: &[&str], no_scans: bool) -> Vec<String> {
    use sqlx::Row;
    match db.backend {
        crate::Backend::Sqlite => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query(&explain);
            for b in binds {
                q = q.bind(*b);
            }
            let rows = q.fetch_all(db.pool()).await.expect("explain the query");
            rows.iter().map(|r| r.try_get::<String, _>("detail").expect("a plan step")).collect()
        }
        crate::Backend::Postgres => {
            let mut sql = sql.to_owned();
            // The highest first, so that $1 does not replace the start of $10.
            for (i, b) in binds.iter().enumerate().rev() {
                sql = sql.replace(&format!("${}", i + 1), &format!("'{b}'"));
            }
            let mut tx = db.begin().await.expect("begin");
            if no_scans {
                sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.expect("forbid scans");
            }
            let rows = sqlx::raw_sql(&format!("EXPLAIN {sql}")).fetch_all(&mut *tx).await.expect("explain the query");
            let lines = rows.iter().map(|r| r.try_get::<String, _>(0).expect("a plan line")).collect();
            tx.rollback().await.expect("roll back");
            lines
        }
    }
}

mod world;
pub use world::{
    cancel, reschedule, schedule, ConferenceMade, FamilyBuilder, FamilyMade, PersonBuilder, World, PASSWORD,
};
