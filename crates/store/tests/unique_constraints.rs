//! A value that must be unique and is already taken is refused with a message naming what is
//! taken and what to do, found by the constraint's name (PostgreSQL) or its columns (SQLite's
//! message). Runs on SQLite or PostgreSQL (`CONFER_TEST_DATABASE=postgres`).

use confer_store::{testing, Backend, Db, StoreError, UNIQUE_CONSTRAINTS};

/// Runs a statement that must break a unique constraint; answers what the store says.
async fn refused(db: &Db, sql: &str) -> String {
    match sqlx::query(sql).execute(db.pool()).await.map_err(StoreError::from) {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a unique violation, got {other:?}"),
    }
}

async fn run(db: &Db, sql: &str) {
    sqlx::query(sql).execute(db.pool()).await.unwrap();
}

#[tokio::test]
async fn a_taken_authority_code_says_to_choose_another() {
    let db = testing::fresh_db().await;
    run(&db, "INSERT INTO authority (id, code, name, nation, created_at) VALUES ('a1', 'X01', 'A', 'england', 't')")
        .await;
    let m = refused(
        &db,
        "INSERT INTO authority (id, code, name, nation, created_at) VALUES ('a2', 'X01', 'B', 'england', 't')",
    )
    .await;
    assert_eq!(m, "That authority code is already used: choose another.");
}

#[tokio::test]
async fn a_bank_holiday_recorded_twice_for_a_region_says_so() {
    let db = testing::fresh_db().await;
    let insert = "INSERT INTO announced_holiday (region, date, name, imported_at) \
                  VALUES ('england-and-wales', '2031-12-25', 'Christmas Day', 't')";
    run(&db, insert).await;
    assert_eq!(refused(&db, insert).await, "That bank holiday is already recorded for the region.");
}

#[tokio::test]
async fn a_constraint_not_in_the_table_gets_the_general_message_not_another_constraints() {
    // A primary key on `id` alone is not a person's mistake and is not in the table.
    let db = testing::fresh_db().await;
    let insert = "INSERT INTO authority (id, code, name, nation, created_at) VALUES ('a1', 'X01', 'A', 'england', 't')";
    run(&db, insert).await;
    let m = refused(
        &db,
        "INSERT INTO authority (id, code, name, nation, created_at) VALUES ('a1', 'X02', 'A', 'england', 't')",
    )
    .await;
    assert_eq!(m, "That value is already used by another record: change it and try again.");
}

/// Every entry of the table names a unique constraint the schema really has, by the name
/// PostgreSQL gives it and by the columns SQLite reports, so none of the messages is dead.
#[tokio::test]
async fn every_mapped_constraint_exists_in_the_schema() {
    use sqlx::Row;
    let db = testing::fresh_db().await;
    for u in UNIQUE_CONSTRAINTS {
        match db.backend {
            Backend::Postgres => {
                let n: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM (SELECT conname AS name FROM pg_constraint \
                     UNION SELECT indexname AS name FROM pg_indexes) c WHERE name = $1",
                )
                .bind(u.postgres)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .get("n");
                assert_eq!(n, 1, "no constraint named {}", u.postgres);
            }
            Backend::Sqlite => {
                let table = u.sqlite.split('.').next().unwrap();
                let rows = sqlx::query(&format!(
                    "SELECT il.name AS idx, ii.name AS col FROM pragma_index_list('{table}') il \
                     JOIN pragma_index_info(il.name) ii WHERE il.\"unique\" = 1 ORDER BY il.name, ii.seqno"
                ))
                .fetch_all(db.pool())
                .await
                .unwrap();
                let mut indexes: std::collections::BTreeMap<String, Vec<String>> = Default::default();
                for r in rows {
                    let idx: String = r.get("idx");
                    let col: String = r.get("col");
                    indexes.entry(idx).or_default().push(format!("{table}.{col}"));
                }
                let found = indexes.values().any(|cols| cols.join(", ") == u.sqlite);
                assert!(found, "no unique index on {} (found {indexes:?})", u.sqlite);
            }
        }
    }
}
