//! One migration runner at a time: two instances starting together on a fresh database both
//! start, and each migration is applied once. Runs on SQLite or PostgreSQL.

use confer_store::{migrate, testing, Db};

#[tokio::test]
async fn two_runners_at_once_on_a_fresh_database_apply_each_migration_once() {
    let url = testing::fresh_url().await;
    let a = Db::connect(&url).await.unwrap();
    let b = Db::connect(&url).await.unwrap();
    let (ra, rb) = tokio::join!(migrate::run(&a), migrate::run(&b));
    let (ra, rb) = (ra.expect("first runner"), rb.expect("second runner"));
    let mut all: Vec<i64> = ra.iter().chain(rb.iter()).copied().collect();
    all.sort();
    let mut unique = all.clone();
    unique.dedup();
    assert_eq!(all, unique, "a migration was applied twice: {ra:?} and {rb:?}");
    let (latest, applied) = migrate::status(&a).await.unwrap();
    assert_eq!(applied, Some(latest));
    assert_eq!(all.last().copied(), Some(latest));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migration").fetch_one(a.pool()).await.unwrap();
    assert_eq!(rows as usize, all.len());
    // A third start finds nothing to do.
    assert!(migrate::run(&a).await.unwrap().is_empty());
}
