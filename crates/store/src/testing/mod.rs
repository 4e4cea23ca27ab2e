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

mod world;
pub use world::{
    cancel, reschedule, schedule, ConferenceMade, FamilyBuilder, FamilyMade, PersonBuilder, World, PASSWORD,
};
