//! Wrong passwords are counted per (account, address) and for the account (issue 10); a count
//! with no wrong password for a day starts again, so occasional mistakes never lock anyone out.

use chrono::{DateTime, Duration, Utc};
use confer_domain::Role;
use confer_store::clock::Clock;
use confer_store::testing::{self, World, PASSWORD};
use confer_store::users::{self, PasswordCheck, MAX_WRONG_PASSWORDS_PER_ADDRESS, PASSWORD_FAILURES_FORGOTTEN_HOURS};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn wrong(db: &confer_store::Db, source: &str) -> PasswordCheck {
    users::check_password(db, "occasional.typist", "not-the-password", source).await.unwrap()
}

#[tokio::test]
async fn wrong_passwords_a_day_apart_never_add_up_to_a_lock() {
    let clock = Clock::fixed(at("2026-11-02T09:00:00Z"));
    let db = testing::fresh_db().await.with_clock(clock.clone());
    let w = World::new(&db).await;
    w.person("occasional.typist").roles(&[Role::Chair]).signs_in().create().await;
    let source = "198.51.100.7";
    // One fewer than the lock, then a quiet day and more: still not locked.
    for _ in 0..MAX_WRONG_PASSWORDS_PER_ADDRESS - 1 {
        assert!(matches!(wrong(&db, source).await, PasswordCheck::Wrong));
    }
    clock.set(clock.now() + Duration::hours(PASSWORD_FAILURES_FORGOTTEN_HOURS) + Duration::minutes(1));
    for _ in 0..MAX_WRONG_PASSWORDS_PER_ADDRESS - 1 {
        assert!(matches!(wrong(&db, source).await, PasswordCheck::Wrong));
    }
    let right = users::check_password(&db, "occasional.typist", PASSWORD, source).await.unwrap();
    assert!(
        matches!(right, PasswordCheck::Correct(_)),
        "the old mistakes were forgotten, the new ones are below the lock"
    );
}

#[tokio::test]
async fn wrong_passwords_within_the_day_still_lock_the_address() {
    let clock = Clock::fixed(at("2026-11-02T09:00:00Z"));
    let db = testing::fresh_db().await.with_clock(clock.clone());
    let w = World::new(&db).await;
    w.person("occasional.typist").roles(&[Role::Chair]).signs_in().create().await;
    let source = "198.51.100.7";
    for _ in 0..MAX_WRONG_PASSWORDS_PER_ADDRESS - 1 {
        assert!(matches!(wrong(&db, source).await, PasswordCheck::Wrong));
    }
    clock.set(clock.now() + Duration::hours(PASSWORD_FAILURES_FORGOTTEN_HOURS) - Duration::minutes(5));
    wrong(&db, source).await;
    let right = users::check_password(&db, "occasional.typist", PASSWORD, source).await.unwrap();
    assert!(matches!(right, PasswordCheck::Locked { .. }), "five wrong within a day lock this address");
}
