//! Issue 12: "my plans" (`plans::of_user`, `plan_people::docs_of_user`) finds a person's plans
//! from the person: the key worker index and the core group's user index, then each plan by its
//! key. Written with `OR` in one WHERE, SQLite walked every active plan of the authority
//! (`plan_network_due`), 90–130 ms at 50,000 families even for a chair with no plan.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_store::plans::PLANS_OF_USER;
use confer_store::{testing, Backend, Db};
use sqlx::Row;

async fn plan_of(db: &Db) -> Vec<String> {
    let search = format!("SELECT p.id FROM {PLANS_OF_USER}");
    match db.backend {
        Backend::Sqlite => sqlx::query(&format!("EXPLAIN QUERY PLAN {search}"))
            .bind("authority")
            .bind("user")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap())
            .collect(),
        Backend::Postgres => {
            // Empty tables are cheapest read whole: forbid that, to see which indexes serve it.
            let mut tx = db.begin().await.unwrap();
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
            let sql = format!("EXPLAIN {}", search.replace("$1", "'authority'").replace("$2", "'user'"));
            let rows = sqlx::raw_sql(&sql).fetch_all(&mut *tx).await.unwrap();
            let lines = rows.iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect();
            tx.rollback().await.unwrap();
            lines
        }
    }
}

#[tokio::test]
async fn my_plans_are_found_from_the_person_not_by_walking_the_authoritys_plans() {
    let db = testing::fresh_db().await;
    let plan = plan_of(&db).await;
    let text = plan.join("\n");
    assert!(text.contains("plan_key_worker"), "the key worker's plans come from their index:\n{text}");
    assert!(text.contains("core_group_member_user"), "the core groups come from the member's index:\n{text}");
    assert!(!text.contains("plan_network_due"), "the authority's active plans are not walked:\n{text}");
    if db.backend == Backend::Sqlite {
        assert!(
            plan.iter().any(|l| l.contains("SEARCH p USING INDEX sqlite_autoindex_plan_1 (id=?)")),
            "each plan is read by its key:\n{text}"
        );
        assert!(!plan.iter().any(|l| l.starts_with("SCAN p")), "no scan of the plans:\n{text}");
    }
}

/// Issue 12: plans looked up by their case (the meeting arranged beside each deadline on
/// `/deadlines`, and the dashboards' category filter, asked once per deadline) go through
/// `plan_case` (migration 0048). Without it each lookup read every plan: 280–315 ms a
/// `/deadlines` request at 50,000 families, and the filtered dashboard ran past 30 s (503).
#[tokio::test]
async fn plans_are_found_by_their_case_through_an_index() {
    let db = testing::fresh_db().await;
    let search = "SELECT 1 FROM plan p WHERE p.case_id = $1 AND p.kind = 'child-protection' AND p.category = $2";
    let text = match db.backend {
        Backend::Sqlite => sqlx::query(&format!("EXPLAIN QUERY PLAN {search}"))
            .bind("case")
            .bind("neglect")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n"),
        Backend::Postgres => {
            let mut tx = db.begin().await.unwrap();
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
            let sql = format!("EXPLAIN {}", search.replace("$1", "'case'").replace("$2", "'neglect'"));
            let rows = sqlx::raw_sql(&sql).fetch_all(&mut *tx).await.unwrap();
            let lines: Vec<String> = rows.iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect();
            tx.rollback().await.unwrap();
            lines.join("\n")
        }
    };
    assert!(text.contains("plan_case"), "plans by case use the index:\n{text}");
    assert!(!text.contains("SCAN p\n") && !text.ends_with("SCAN p"), "no scan of the plans:\n{text}");
}
