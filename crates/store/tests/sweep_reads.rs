//! Issue 12: what the reminder sweep reads (at start and every 10 minutes inside `confer serve`)
//! goes through indexes that hold only what is open: the open deadlines of the rules it reminds
//! about from the partial index `deadline_sweep` (migration 0049), the conferences still to
//! meet by state and date, and the reminders sent before through the unique index
//! `reminder_sent_once`. At 50,000 families the first read took 0.5-1.7 s on SQLite through the
//! index of every open deadline of every rule. Runs on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE).

use confer_store::reminders::{open_deadlines, CONFERENCES_COMING, SENT_OF};
use confer_store::{testing, Backend, Db};

/// The query plan of `sql`, as one text (on PostgreSQL with sequential scans forbidden).
async fn plan_of(db: &Db, sql: &str, binds: &[&str]) -> String {
    testing::query_plan(db, sql, binds, true).await.join("\n")
}

#[tokio::test]
async fn the_sweep_reads_what_is_open_from_indexes_of_what_is_open() {
    let db = testing::fresh_db().await;
    let rules = ["reports-to-parents", "outcome-sent", "record-sent"];
    let deadlines = plan_of(&db, &open_deadlines(db.backend), &["authority", rules[0], rules[1], rules[2]]).await;
    assert!(deadlines.contains("deadline_sweep"), "the open deadlines from their partial index:\n{deadlines}");
    let conferences = plan_of(&db, CONFERENCES_COMING, &["authority", "2026-11-18"]).await;
    // (By authority and state: on empty tables PostgreSQL may take either index that leads so.)
    assert!(
        conferences.contains("conference_authority_state") || conferences.contains("conference_waiting"),
        "the scheduled conferences by authority and state:\n{conferences}"
    );
    let sent = plan_of(&db, &format!("{SENT_OF} ($2, $3)"), &["no-answer", "c1/invitation-1", "c2/invitation-1"]).await;
    assert!(sent.contains("reminder_sent_once"), "the reminders sent before by their unique key:\n{sent}");
    if db.backend == Backend::Sqlite {
        // The deadlines and the reminders sent are read from their indexes alone.
        assert!(deadlines.contains("USING COVERING INDEX deadline_sweep"), "{deadlines}");
        assert!(sent.contains("USING COVERING INDEX reminder_sent_once"), "{sent}");
        for text in [&deadlines, &conferences, &sent] {
            assert!(!text.lines().any(|l| l.starts_with("SCAN ")), "no scan:\n{text}");
        }
    }
}
