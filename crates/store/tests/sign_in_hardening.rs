//! Sign-in checks below the web (issue 10's last fresh read): an unknown address runs the
//! same code comparison as a known one; old 40-bit recovery codes no longer work. Runs on
//! SQLite or PostgreSQL.

use confer_domain::{AuthorityId, Nation, Role};
use confer_store::users::{self, AccountKind, NewUser};
use confer_store::{otp, testing, Db};

async fn world() -> (Db, AuthorityId) {
    let db = testing::fresh_db().await;
    let la = users::create_authority(&db, "T01", "Testshire Council", Nation::England, "test").await.unwrap().id;
    (db, la)
}

async fn account(db: &Db, la: &AuthorityId, name: &str, kind: AccountKind, roles: &[Role]) -> users::StoredUser {
    let secret = users::new_totp_secret();
    let id = users::create_user(
        db,
        &NewUser {
            id: None,
            authority_id: la,
            username: name,
            display_name: name,
            email: &format!("{name}@example.test"),
            kind,
            roles,
            team_id: None,
            line_manager_id: None,
            password: (kind == AccountKind::Staff).then_some("correct-horse-battery-staple"),
            totp_secret: (kind == AccountKind::Staff).then_some(secret.as_str()),
            email_verified: true,
        },
        "test",
    )
    .await
    .unwrap();
    users::by_id(db, &id).await.unwrap()
}

#[tokio::test]
async fn an_unknown_address_runs_the_same_code_comparison_as_a_known_one() {
    let (db, la) = world().await;
    account(&db, &la, "known.parent", AccountKind::Portal, &[Role::Parent]).await;
    otp::request(&db, "known.parent@example.test").await.unwrap();
    // (Each check runs on this test's thread: the count is this test's alone.)
    let before = otp::comparisons_on_this_thread();
    otp::check(&db, "known.parent@example.test", "000000").await.unwrap();
    let known = otp::comparisons_on_this_thread() - before;
    let before = otp::comparisons_on_this_thread();
    let answer = otp::check(&db, "nobody@example.test", "000000").await.unwrap();
    let unknown = otp::comparisons_on_this_thread() - before;
    assert!(matches!(answer, otp::Checked::Wrong));
    assert_eq!(known, 1, "a known address compares the code once");
    assert_eq!(unknown, known, "an unknown address compares a code just the same");
}

#[tokio::test]
async fn old_forty_bit_recovery_codes_are_refused() {
    let (db, la) = world().await;
    let user = account(&db, &la, "old.codes", AccountKind::Staff, &[Role::Chair]).await;
    // A code of the old form, stored as it was before 0013 (SHA-256 of "xxxxx-xxxxx", no selector).
    sqlx::query("INSERT INTO recovery_code (user_id, code_hash) VALUES ($1, $2)")
        .bind(user.account.id.as_str())
        .bind(confer_store::secret_hash("abcde-12345"))
        .execute(db.pool())
        .await
        .unwrap();
    for typed in ["abcde-12345", "ABCDE12345", "abcde 12345"] {
        assert!(!users::use_recovery_code(&db, &user, typed).await.unwrap(), "{typed} must not sign in");
    }
}
