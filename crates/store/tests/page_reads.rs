//! Issue 12: two reads of the pages at 50,000 families, by their query plans.
//!
//! * `/deadlines` reads the core group meetings arranged for the cases it lists from the
//!   partial index `plan_arranged` alone (migration 0050): through `plan_case` each plan's row
//!   was read, walking its document (8 KB on average) to the columns after it.
//! * The managers' dashboards filtered by plan category and by the children's characteristics
//!   read each of those as one set (`IN`), not a correlated `EXISTS` asked for each of the
//!   period's deadlines (2 s the first time at 50,000 families on SQLite).
//!
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use chrono::NaiveDate;
use confer_domain::dashboards::FilterInput;
use confer_store::{testing, Backend, Db};

/// The query plan of `sql`, as one text.
async fn plan_of(db: &Db, sql: &str, binds: &[String], no_scans: bool) -> String {
    let binds: Vec<&str> = binds.iter().map(String::as_str).collect();
    testing::query_plan(db, sql, &binds, no_scans).await.join("\n")
}

#[tokio::test]
async fn the_meetings_arranged_for_the_deadlines_listed_come_from_their_own_index() {
    let db = testing::fresh_db().await;
    let sql = confer_store::plan_people::arranged_sql(3);
    let binds: Vec<String> = ["case-1", "case-2", "case-3"].iter().map(|s| s.to_string()).collect();
    let text = plan_of(&db, &sql, &binds, true).await;
    match db.backend {
        Backend::Sqlite => {
            assert!(
                text.contains("USING COVERING INDEX plan_arranged"),
                "the index alone, not the plans' rows:\n{text}"
            )
        }
        // PostgreSQL keeps a plan's document out of its row (TOAST), so reading the row is
        // cheap there: on empty tables it may choose either index by case.
        Backend::Postgres => assert!(
            text.contains("plan_arranged") || text.contains("plan_case"),
            "the arranged meetings by case through an index:\n{text}"
        ),
    }
}

#[tokio::test]
async fn the_dashboards_filters_read_each_set_once_not_once_per_deadline() {
    let db = testing::fresh_db().await;
    let today: NaiveDate = "2026-11-30".parse().unwrap();
    let input = FilterInput {
        from: "2025-12-01".into(),
        to: "2026-11-30".into(),
        category: "neglect".into(),
        age: "5-to-9".into(),
        sex: "female".into(),
        ..FilterInput::default()
    };
    let filter = input.check(today, &[], &[]).unwrap();
    let authority = confer_domain::AuthorityId("authority".into());
    let (sql, binds) = confer_store::dashboards::deadline_groups_query(&authority, &filter, today);
    let text = plan_of(&db, &sql, &binds, false).await;
    match db.backend {
        Backend::Sqlite => {
            assert!(!text.contains("CORRELATED"), "no subquery asked per deadline:\n{text}");
            assert_eq!(
                text.matches("LIST SUBQUERY").count(),
                2,
                "the plans' cases and the children's families:\n{text}"
            );
        }
        // (PostgreSQL turns either form into a semi-join: it must stay one.)
        Backend::Postgres => assert!(!text.contains("SubPlan"), "no subquery asked per deadline:\n{text}"),
    }
}
