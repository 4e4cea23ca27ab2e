//! Issue 12: a long-running instance stays as fast as a freshly started one. On PostgreSQL a
//! connection keeps each statement it prepared, and after five runs may keep a generic plan
//! made with the table sizes of that moment; a plan made while a table was small is wrong once
//! the table is large. The demo's bulk load ends with fresh statistics (ANALYZE), which is what
//! makes PostgreSQL drop the plans it kept for those tables, and no pooled connection lives
//! long enough to keep a plan through a growth that autovacuum has not yet analysed.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_store::testing;
use confer_store::Backend;
use sqlx::Row;

fn demo(families: u32, today: chrono::NaiveDate) -> confer_demo::Demo {
    let options =
        confer_demo::DemoOptions { families, ..confer_demo::DemoOptions::for_nation(confer_domain::Nation::England) };
    confer_demo::Demo::new(options, today)
}

/// The bulk load leaves statistics for the tables the lists read, on both databases.
#[tokio::test]
async fn the_bulk_load_ends_with_fresh_statistics() {
    let db = testing::fresh_db().await;
    confer_store::demo::load(&db, &demo(120, db.today()), |_| {}).await.unwrap();
    let tables = ["family", "child", "conference", "deadline", "audit_event"];
    for t in tables {
        let analysed: i64 = match db.backend {
            Backend::Postgres => sqlx::query(
                "SELECT COUNT(*) AS n FROM pg_stat_user_tables WHERE relname = $1 AND last_analyze IS NOT NULL",
            )
            .bind(t)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap(),
            Backend::Sqlite => sqlx::query("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = $1")
                .bind(t)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get("n")
                .unwrap(),
        };
        assert!(analysed > 0, "no statistics for {t} after the bulk load");
    }
}

/// The plan PostgreSQL would use for a statement this connection prepared (its generic plan
/// once it has kept one), as EXPLAIN's text.
async fn kept_plan(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>, sql: &str, args: &str) -> String {
    let name: String = sqlx::query("SELECT name FROM pg_prepared_statements WHERE statement = $1")
        .bind(sql)
        .fetch_one(&mut **conn)
        .await
        .expect("the statement is prepared on this connection")
        .try_get("name")
        .unwrap();
    let rows = sqlx::raw_sql(&format!("EXPLAIN EXECUTE {name}({args})")).fetch_all(&mut **conn).await.unwrap();
    rows.iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect::<Vec<_>>().join("\n")
}

/// A connection that prepared a statement while the tables were empty, and kept it through a
/// bulk load of 3,000 families, plans it afterwards as a new connection would.
#[tokio::test]
async fn a_connection_that_prepared_its_statements_on_small_tables_replans_after_the_bulk_load() {
    let db = testing::fresh_db().await;
    if db.backend != Backend::Postgres {
        // SQLite plans each statement when it is prepared and re-prepares it when the schema
        // or the statistics (sqlite_stat1) change: nothing is kept across ANALYZE.
        return;
    }
    let sql = "SELECT d.id FROM deadline d WHERE d.family_id = $1 AND d.met_on IS NULL ORDER BY d.due_on";
    let mut conn = db.pool().acquire().await.unwrap();
    // Six runs: PostgreSQL considers a generic plan from the sixth on.
    for _ in 0..6 {
        sqlx::query(sql).bind("no-such-family").fetch_all(&mut *conn).await.unwrap();
    }
    let before = kept_plan(&mut conn, sql, "'no-such-family'").await;
    confer_store::demo::load(&db, &demo(3000, db.today()), |_| {}).await.unwrap();
    sqlx::query(sql).bind("no-such-family").fetch_all(&mut *conn).await.unwrap();
    let after = kept_plan(&mut conn, sql, "'no-such-family'").await;
    let fresh = {
        let mut other = db.pool().acquire().await.unwrap();
        let rows = sqlx::raw_sql(&format!("EXPLAIN {}", sql.replace("$1", "'no-such-family'")))
            .fetch_all(&mut *other)
            .await
            .unwrap();
        rows.iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect::<Vec<_>>().join("\n")
    };
    eprintln!("before:\n{before}\nafter:\n{after}\nfresh:\n{fresh}");
    // The plan with its estimates (rows and width, which come from the statistics) but not its
    // costs, the parameter written as the prepared statement writes it.
    let shape = |plan: &str| {
        plan.replace("'no-such-family'::text", "$1")
            .lines()
            .map(|l| match l.split_once("(cost=") {
                Some((head, rest)) => format!("{}({}", head.trim(), rest.split_once(' ').map_or(rest, |(_, e)| e)),
                None => l.trim().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_ne!(shape(&before), shape(&fresh), "the bulk load changes the estimates (or this test proves nothing)");
    assert_eq!(shape(&after), shape(&fresh), "the kept plan is the one a new connection makes");
}

/// No pooled PostgreSQL connection outlives five minutes, whatever statistics did meanwhile.
#[tokio::test]
async fn no_pooled_connection_keeps_its_plans_longer_than_five_minutes() {
    let db = testing::fresh_db().await;
    if db.backend != Backend::Postgres {
        return;
    }
    let lifetime = db.pool().options().get_max_lifetime();
    assert!(lifetime.is_some_and(|l| l <= std::time::Duration::from_secs(300)), "connections live {lifetime:?}");
}
