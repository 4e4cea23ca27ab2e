//! Personal access tokens: they end, they are revoked with the account's sessions, and only a
//! staff account with its second factor set up holds or uses one. Also who may change roles
//! (ROLE-10) and who is in the staff list. Runs on SQLite or PostgreSQL.

use confer_domain::audit::AuditEvent;
use confer_domain::{Role, UserId};
use confer_store::testing::{self, World};
use confer_store::tokens::{self, Scope};
use confer_store::users::{self, AccountChange, AccountKind};
use confer_store::{audit, StoreError};

async fn world() -> World {
    World::new(&testing::fresh_db().await).await
}

async fn user(w: &World, name: &str, roles: &[Role], kind: AccountKind, enrolled: bool) -> UserId {
    let p = w.person(name).roles(roles).kind(kind).display_name(name).email(&format!("{name}@example.test"));
    let p = if enrolled { p.signs_in() } else { p.password_only() };
    p.create().await.0.into()
}

async fn staff(w: &World, name: &str) -> UserId {
    user(w, name, &[Role::SocialWorker], AccountKind::Staff, true).await
}

async fn token(w: &World, u: &UserId) -> String {
    tokens::create(&w.db, u.as_str(), w.authority.id.as_str(), "script", &[Scope::Read], "test").await.unwrap().1
}

async fn works(w: &World, t: &str) -> bool {
    tokens::authenticate(&w.db, t).await.unwrap().is_some()
}

async fn last_event(w: &World) -> AuditEvent {
    audit::recent(&w.db, w.authority.id.as_str(), 1).await.unwrap().remove(0)
}

#[tokio::test]
async fn a_token_lasts_the_days_chosen_at_most_a_year_and_is_refused_after() {
    let w = world().await;
    let u = staff(&w, "sw").await;
    for days in [0, -1, tokens::MAX_DAYS + 1] {
        let err =
            tokens::create_for_days(&w.db, u.as_str(), w.authority.id.as_str(), "x", &[Scope::Read], days, "test")
                .await
                .unwrap_err();
        assert!(matches!(&err, StoreError::InvalidInput(m) if m.contains("365 days")), "{days}: {err:?}");
    }
    let (id, t) = tokens::create_for_days(&w.db, u.as_str(), w.authority.id.as_str(), "x", &[Scope::Read], 30, "test")
        .await
        .unwrap();
    let info = tokens::authenticate(&w.db, &t).await.unwrap().expect("a new token works");
    let expires = confer_store::parse_stamp(info.expires_at.as_deref().unwrap()).unwrap();
    let days = (expires - chrono::Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "ends in about 30 days, not {days} hours");
    assert!(!info.expired(w.db.clock()));
    // The default is 90 days.
    let (_, d) = tokens::create(&w.db, u.as_str(), w.authority.id.as_str(), "d", &[Scope::Read], "test").await.unwrap();
    let d = tokens::authenticate(&w.db, &d).await.unwrap().unwrap();
    let days = (confer_store::parse_stamp(d.expires_at.as_deref().unwrap()).unwrap() - chrono::Utc::now()).num_days();
    assert_eq!(days, tokens::DEFAULT_DAYS - 1);

    // Past its end it is refused; so is a token from before tokens had an end.
    sqlx::query("UPDATE access_token SET expires_at = $2 WHERE id = $1")
        .bind(&id)
        .bind(confer_store::stamp(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(!works(&w, &t).await, "an expired token is refused");
    sqlx::query("UPDATE access_token SET expires_at = NULL WHERE id = $1")
        .bind(&id)
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(!works(&w, &t).await, "a token without an end is refused");
    assert!(tokens::list(&w.db, u.as_str()).await.unwrap().iter().find(|i| i.id == id).unwrap().expired(w.db.clock()));
}

#[tokio::test]
async fn only_staff_with_a_second_factor_may_create_a_token() {
    let w = world().await;
    let parent = user(&w, "parent", &[Role::Parent], AccountKind::Portal, false).await;
    let professional = user(&w, "officer", &[Role::Professional], AccountKind::Portal, true).await;
    let not_enrolled = user(&w, "new.starter", &[Role::Chair], AccountKind::Staff, false).await;
    let disabled = staff(&w, "gone").await;
    users::change_account(&w.db, &disabled, AccountChange::Disable, "admin").await.unwrap();
    for u in [&parent, &professional, &not_enrolled, &disabled] {
        let err =
            tokens::create(&w.db, u.as_str(), w.authority.id.as_str(), "x", &[Scope::Read], "test").await.unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m == tokens::NOT_ELIGIBLE), "{u}: {err:?}");
        assert!(tokens::list(&w.db, u.as_str()).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_token_stops_working_when_its_account_no_longer_qualifies() {
    let w = world().await;
    let u = staff(&w, "sw").await;
    let t = token(&w, &u).await;
    assert!(works(&w, &t).await);
    // Changed behind the store's back (no revocation): the use itself checks the account.
    sqlx::query("UPDATE user_account SET totp_enrolled = 0 WHERE id = $1")
        .bind(u.as_str())
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(!works(&w, &t).await, "without a second factor");
    sqlx::query("UPDATE user_account SET totp_enrolled = 1, kind = 'portal' WHERE id = $1")
        .bind(u.as_str())
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(!works(&w, &t).await, "a portal account");
    sqlx::query("UPDATE user_account SET kind = 'staff', disabled = 1 WHERE id = $1")
        .bind(u.as_str())
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(!works(&w, &t).await, "a disabled account");
    sqlx::query("UPDATE user_account SET disabled = 0 WHERE id = $1")
        .bind(u.as_str())
        .execute(w.db.pool())
        .await
        .unwrap();
    assert!(works(&w, &t).await, "qualifies again");
}

#[tokio::test]
async fn password_reset_second_factor_reset_disabling_and_signing_out_everywhere_revoke_tokens() {
    let w = world().await;
    let changes = [
        ("user.password.reset", AccountChange::ResetPassword("a-brand-new-passphrase".into())),
        ("user.totp.reset", AccountChange::ResetSecondFactor),
        ("user.disable", AccountChange::Disable),
    ];
    for (i, (action, change)) in changes.into_iter().enumerate() {
        let u = staff(&w, &format!("sw{i}")).await;
        let (t1, t2) = (token(&w, &u).await, token(&w, &u).await);
        users::change_account(&w.db, &u, change, "admin").await.unwrap();
        assert!(!works(&w, &t1).await && !works(&w, &t2).await, "{action}: the tokens still work");
        assert!(tokens::list(&w.db, u.as_str()).await.unwrap().iter().all(|t| t.revoked_at.is_some()), "{action}");
        let e = last_event(&w).await;
        assert_eq!(e.action, action);
        assert!(e.after.contains("\"tokens_revoked\":2"), "{action}: {}", e.after);
        // Had it been re-enabled or re-enrolled, the old tokens stay revoked.
        sqlx::query("UPDATE user_account SET disabled = 0, totp_enrolled = 1 WHERE id = $1")
            .bind(u.as_str())
            .execute(w.db.pool())
            .await
            .unwrap();
        assert!(!works(&w, &t1).await, "{action}: a revoked token came back");
    }
    let u = staff(&w, "worried").await;
    let t = token(&w, &u).await;
    let stored = users::by_id(&w.db, &u).await.unwrap();
    users::sign_out_everywhere(&w.db, &stored).await.unwrap();
    assert!(!works(&w, &t).await, "sign out everywhere left the token working");
    let e = last_event(&w).await;
    assert_eq!(e.action, "sign-out.everywhere");
    assert!(e.after.contains("\"tokens_revoked\":1"), "{}", e.after);
    assert_eq!(audit::verify(&w.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn no_one_changes_their_own_roles_but_the_operator_and_other_administrators_may_role_10() {
    let w = world().await;
    let admin = user(&w, "admin", &[Role::Administrator], AccountKind::Staff, true).await;
    let other = user(&w, "admin2", &[Role::Administrator], AccountKind::Staff, true).await;
    for change in [AccountChange::AddRole(Role::SocialWorker), AccountChange::RemoveRole(Role::Administrator)] {
        let err = users::change_account(&w.db, &admin, change, admin.as_str()).await.unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m == users::OWN_ROLES_REFUSED), "{err:?}");
    }
    assert_eq!(users::roles_of(&w.db, &admin).await.unwrap(), vec![Role::Administrator]);
    users::change_account(&w.db, &admin, AccountChange::AddRole(Role::Chair), other.as_str()).await.unwrap();
    users::change_account(&w.db, &admin, AccountChange::AddRole(Role::Auditor), "system:command-line").await.unwrap();
    assert_eq!(users::roles_of(&w.db, &admin).await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_staff_list_leaves_out_family_members() {
    let w = world().await;
    staff(&w, "sw").await;
    user(&w, "officer", &[Role::Professional], AccountKind::Portal, true).await;
    for (name, role) in [("mum", Role::Parent), ("teen", Role::YoungPerson), ("advocate", Role::Supporter)] {
        user(&w, name, &[role], AccountKind::Portal, false).await;
    }
    let list = users::list(&w.db, &w.authority.id).await.unwrap();
    let names: Vec<&str> = list.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, vec!["officer", "sw"]);
    assert!(list.iter().all(|u| !u.email.starts_with("mum@")));
}
