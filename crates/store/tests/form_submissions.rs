//! The keys of idempotent forms (issue 11): one claim wins, an outcome is kept, a failed
//! submission gives its key back, and a claim left by a crash is taken over after a while.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use confer_store::clock::Clock;
use confer_store::form_submissions::{self, Claim, PENDING_MINUTES};
use confer_store::testing;

fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
}

#[tokio::test]
async fn a_key_is_run_once_and_then_shows_its_outcome() {
    let db = testing::fresh_db().await.with_clock(Clock::fixed(at("2026-11-03 09:00")));
    assert_eq!(form_submissions::claim(&db, "k1", "u1").await.unwrap(), Claim::First);
    assert_eq!(form_submissions::claim(&db, "k1", "u1").await.unwrap(), Claim::Running);
    form_submissions::finish(&db, "k1", "/conferences/c1?notice=requested").await.unwrap();
    assert_eq!(
        form_submissions::claim(&db, "k1", "u1").await.unwrap(),
        Claim::Done("/conferences/c1?notice=requested".into())
    );
    // Giving back a finished key changes nothing.
    form_submissions::release(&db, "k1").await.unwrap();
    assert!(matches!(form_submissions::claim(&db, "k1", "u1").await.unwrap(), Claim::Done(_)));
    // Another key is its own.
    assert_eq!(form_submissions::claim(&db, "k2", "u1").await.unwrap(), Claim::First);
}

#[tokio::test]
async fn a_failed_submission_gives_its_key_back() {
    let db = testing::fresh_db().await.with_clock(Clock::fixed(at("2026-11-03 09:00")));
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::First);
    form_submissions::release(&db, "k").await.unwrap();
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::First);
}

#[tokio::test]
async fn a_claim_left_by_a_crash_is_taken_over_after_a_while_and_old_outcomes_go() {
    let clock = Clock::fixed(at("2026-11-03 09:00"));
    let db = testing::fresh_db().await.with_clock(clock.clone());
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::First);
    clock.set(at("2026-11-03 09:00") + Duration::minutes(PENDING_MINUTES - 1));
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::Running, "still running");
    clock.set(at("2026-11-03 09:00") + Duration::minutes(PENDING_MINUTES + 1));
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::First, "taken over");
    form_submissions::finish(&db, "k", "/done").await.unwrap();
    assert_eq!(form_submissions::claim(&db, "k", "u1").await.unwrap(), Claim::Done("/done".into()));
    // A day later the outcome is gone (the table does not grow without end).
    clock.set(at("2026-11-04 09:10"));
    assert_eq!(form_submissions::claim(&db, "other", "u1").await.unwrap(), Claim::First);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM form_submission WHERE idempotency_key = 'k'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn of_two_claims_at_once_one_wins() {
    let db = testing::fresh_db().await;
    for round in 0..10 {
        let key = format!("k{round}");
        let (a, b) = tokio::join!(form_submissions::claim(&db, &key, "u1"), form_submissions::claim(&db, &key, "u1"));
        let firsts = [a.unwrap(), b.unwrap()].into_iter().filter(|c| *c == Claim::First).count();
        assert_eq!(firsts, 1, "round {round}");
    }
}
