//! Signing in to the family portal with a code sent by e-mail (issue 10): wrong codes are
//! counted per account across all its codes and lock it, also under a concurrent burst; every
//! address gets the same answer; the address stays out of URLs; a sent code is not kept; a
//! parent with portal access in two authorities reaches both; an account given a role that
//! needs two factors loses its one-factor sessions and enrols an authenticator.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::{Authority, Role};
use confer_store::otp::{self, Checked};
use confer_store::testing::PersonBuilder;
use confer_store::users::{self, AccountChange, AccountKind};
use confer_store::Db;
use reqwest::StatusCode;
use sqlx::Row;

/// A portal account (no authenticator) with this address.
async fn portal_account(
    app: &App,
    authority: &Authority,
    username: &str,
    email: &str,
    roles: &[Role],
    verified: bool,
) -> String {
    let p = PersonBuilder::new(&app.db, &authority.id, username)
        .roles(roles)
        .kind(AccountKind::Portal)
        .display_name(username)
        .email(email);
    let p = if verified { p } else { p.email_unverified() };
    p.create().await.0
}

fn code_in(body: &str) -> String {
    body.split("code is ").nth(1).expect("a sign-in code message").chars().take(6).collect()
}

/// The newest code sent to an address, once there are `count` messages (the web writes them
/// in the background).
async fn code_sent(db: &Db, email: &str, count: usize) -> String {
    for _ in 0..400 {
        let out = otp::outbox_for(db, email).await.unwrap();
        if out.len() >= count {
            return code_in(&out[0].1);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no sign-in code was sent to {email}");
}

/// Asks for a code on the web; returns the response to the request.
async fn ask(b: &mut Browser, email: &str) -> Page {
    let page = b.get("/portal/sign-in").await;
    b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "en")]).await
}

/// Gives a code on the code page.
async fn give(b: &mut Browser, code: &str) -> Page {
    let page = b.get("/portal/sign-in/code?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    b.submit(&page, "/portal/sign-in/code", &[("code", code), ("lang", "en")]).await
}

async fn failures(db: &Db, user: &str) -> i64 {
    sqlx::query("SELECT code_failures FROM user_account WHERE id = $1")
        .bind(user)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("code_failures")
        .unwrap()
}

async fn audit_count(db: &Db, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

#[tokio::test]
async fn wrong_codes_spread_over_several_codes_are_counted_per_account_and_the_right_code_is_refused_while_locked() {
    let app = start().await;
    let email = "carer.five@family.example";
    let id = portal_account(&app, &app.authority, "carer.five", email, &[Role::Parent], true).await;
    // Three codes asked for, wrong codes given after each: asking again does not reset the count.
    let mut outcomes = Vec::new();
    for wrong in [2, 2, 1] {
        assert_eq!(otp::request(&app.db, email).await.unwrap(), otp::Requested::Sent);
        for _ in 0..wrong {
            outcomes.push(otp::check(&app.db, email, "000000").await.unwrap());
        }
    }
    assert_eq!(otp::outbox_for(&app.db, email).await.unwrap().len(), 3);
    assert!(outcomes[..4].iter().all(|o| matches!(o, Checked::Wrong)), "{outcomes:?}");
    assert!(matches!(outcomes[4], Checked::Locked { .. }), "the fifth wrong code locks: {outcomes:?}");
    let right = code_in(&otp::outbox_for(&app.db, email).await.unwrap()[0].1);
    assert!(
        matches!(otp::check(&app.db, email, &right).await.unwrap(), Checked::Locked { .. }),
        "the right code is refused while the account is locked"
    );
    assert_eq!(audit_count(&app.db, "sign-in.code.refused").await, 4);
    assert_eq!(audit_count(&app.db, "sign-in.code.locked").await, 1);
    assert_eq!(audit_count(&app.db, "sign-in.code.accepted").await, 0);
    let u = users::by_id(&app.db, &id.as_str().into()).await.unwrap();
    assert!(u.locked_until.is_some());

    // On the web: the lock is checked at every step, and said.
    let web = "parent.six@family.example";
    portal_account(&app, &app.authority, "parent.six", web, &[Role::Parent], true).await;
    let mut b = Browser::new(&app);
    assert_eq!(ask(&mut b, web).await.status, StatusCode::SEE_OTHER);
    let right = code_sent(&app.db, web, 1).await;
    for _ in 0..4 {
        let wrong = give(&mut b, "123456").await;
        assert!(wrong.body.contains("The code is not right"), "{}", wrong.body);
    }
    let locked = give(&mut b, "123456").await;
    assert!(locked.body.contains("signing in with this email address is locked"), "{}", locked.body);
    let mut c = Browser::new(&app);
    assert_eq!(ask(&mut c, web).await.status, StatusCode::SEE_OTHER);
    let refused = give(&mut c, &right).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("signing in with this email address is locked"), "{}", refused.body);
    assert!(!c.cookies.contains_key("confer_session"));
    assert_eq!(otp::outbox_for(&app.db, web).await.unwrap().len(), 1, "no code is sent to a locked account");
}

#[tokio::test]
async fn a_concurrent_burst_of_wrong_codes_is_counted_exactly() {
    let app = start().await;
    let email = "burst@family.example";
    let id = portal_account(&app, &app.authority, "burst", email, &[Role::Parent], true).await;
    otp::request(&app.db, email).await.unwrap();
    let burst = |n: usize| {
        let db = app.db.clone();
        async move {
            let tasks: Vec<_> = (0..n)
                .map(|_| {
                    let db = db.clone();
                    tokio::spawn(async move { otp::check(&db, email, "000000").await.unwrap() })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        }
    };
    let first = burst(3).await;
    assert!(first.iter().all(|o| matches!(o, Checked::Wrong)));
    assert_eq!(failures(&app.db, &id).await, 3, "three at once, three counted");
    // Ten at once with two tries left: exactly two are checked, the second locks, the rest are refused.
    let second = burst(10).await;
    let wrong = second.iter().filter(|o| matches!(o, Checked::Wrong)).count();
    let locked = second.iter().filter(|o| matches!(o, Checked::Locked { .. })).count();
    assert_eq!((wrong, locked), (1, 9), "{second:?}");
    assert_eq!(audit_count(&app.db, "sign-in.code.refused").await, 4);
    assert_eq!(audit_count(&app.db, "sign-in.code.locked").await, 1);
}

#[tokio::test]
async fn unknown_unverified_disabled_and_known_addresses_get_the_same_answer() {
    let app = start().await;
    let known = "known@family.example";
    let unverified = "unverified@family.example";
    let disabled = "disabled@family.example";
    let unknown = "nobody@family.example";
    portal_account(&app, &app.authority, "known", known, &[Role::Parent], true).await;
    portal_account(&app, &app.authority, "unverified", unverified, &[Role::Parent], false).await;
    let off = portal_account(&app, &app.authority, "disabled", disabled, &[Role::Parent], true).await;
    users::change_account(&app.db, &off.as_str().into(), AccountChange::Disable, "test").await.unwrap();
    let strip = |body: &str, csrf: &str| body.replace(csrf, "CSRF");
    let mut answers = Vec::new();
    for email in [known, unverified, disabled, unknown] {
        let mut b = Browser::new(&app);
        let res = ask(&mut b, email).await;
        let cookies: Vec<String> = b.cookies.keys().cloned().collect();
        let code_page = b.get(res.location.as_deref().unwrap()).await;
        let code_body = strip(&code_page.body, &code_page.csrf());
        let wrong = give(&mut b, "999999").await;
        let wrong_body = strip(&wrong.body, &wrong.csrf());
        // The limit on asking holds for every address alike.
        for _ in 1..otp::MAX_CODES_PER_WINDOW {
            assert_eq!(ask(&mut b, email).await.status, StatusCode::SEE_OTHER);
        }
        let too_many = ask(&mut b, email).await;
        assert!(too_many.body.contains("You have asked for too many codes"), "{email}");
        answers.push((res.status, res.location, res.body, cookies, code_body, wrong_body, too_many.status));
    }
    for a in &answers[1..] {
        assert_eq!(a, &answers[0], "every address is answered alike");
    }
    assert!(!answers[0].4.contains(known) && !answers[0].5.contains(known));
    code_sent(&app.db, known, 1).await;
    for email in [unverified, disabled, unknown] {
        assert!(otp::outbox_for(&app.db, email).await.unwrap().is_empty(), "{email}");
    }
}

#[tokio::test]
async fn the_address_stays_out_of_urls_and_a_sent_code_is_not_kept_in_the_outbox() {
    let app = start().await;
    let email = "parent.seven@family.example";
    portal_account(&app, &app.authority, "parent.seven", email, &[Role::Parent], true).await;
    let mut b = Browser::new(&app);
    let res = ask(&mut b, email).await;
    let to = res.location.clone().unwrap();
    assert_eq!(to, "/portal/sign-in/code?lang=en");
    assert!(!to.contains("parent") && !to.contains('@') && !to.contains("%40"));
    let code = code_sent(&app.db, email, 1).await;
    // Delivered: the body no longer holds the code.
    let dir = std::env::temp_dir().join(format!("confer-mail-{}", confer_store::random_secret(6)));
    let s = confer_web::mail::MailSettings::new(confer_web::mail::Relay::Directory(dir.clone()), "confer@localhost")
        .unwrap();
    let pass = confer_web::mail::deliver_due(&app.db, &s, "test", chrono::Utc::now()).await.unwrap();
    assert_eq!(pass.sent, 1);
    let kept = otp::outbox_for(&app.db, email).await.unwrap();
    assert_eq!(kept[0].1, otp::SENT_BODY);
    assert!(!kept[0].1.contains(&code));
    let _ = std::fs::remove_dir_all(&dir);
    // The code from the e-mail still signs in: the address came from the server, not the form.
    let ok = give(&mut b, &code).await;
    assert_eq!(ok.location.as_deref(), Some("/portal"), "{}", ok.body);
    assert!(!b.cookies.contains_key(confer_web::auth::PORTAL_FLOW_COOKIE), "the sign-in under way is ended");
    // A browser with no sign-in under way is sent back to ask for a code.
    let mut other = Browser::new(&app);
    let page = other.get("/portal/sign-in/code").await;
    assert_eq!(page.location.as_deref(), Some("/portal/sign-in?lang=en"));
}

#[tokio::test]
async fn a_parent_with_portal_access_in_two_authorities_chooses_which_to_sign_in_to() {
    let app = start().await;
    let second = users::create_authority(&app.db, "T02", "Otherborough Council", confer_domain::Nation::Wales, "test")
        .await
        .unwrap();
    let email = "two.places@family.example";
    let first_id = portal_account(&app, &app.authority, "two.first", email, &[Role::Parent], true).await;
    let second_id = portal_account(&app, &second, "two.second", email, &[Role::Parent], true).await;
    for (want, id) in [("Otherborough Council", &second_id), ("Testshire County Council", &first_id)] {
        let mut b = Browser::new(&app);
        let count = otp::outbox_for(&app.db, email).await.unwrap().len();
        ask(&mut b, email).await;
        let code = code_sent(&app.db, email, count + 1).await;
        let choose = give(&mut b, &code).await;
        assert_eq!(choose.status, StatusCode::OK);
        assert!(choose.body.contains("Choose where to sign in"), "{}", choose.body);
        assert!(choose.body.contains("Otherborough Council") && choose.body.contains("Testshire County Council"));
        assert!(!b.cookies.contains_key("confer_session"), "not signed in before choosing");
        // Nothing chosen: asked again.
        let none = b.submit(&choose, "/portal/sign-in/choose", &[("lang", "en")]).await;
        assert!(none.body.contains("Choose a council"), "{}", none.body);
        let done = b.submit(&none, "/portal/sign-in/choose", &[("account", id), ("lang", "en")]).await;
        assert_eq!(done.location.as_deref(), Some("/portal"), "{}", done.body);
        let home = b.get("/portal").await;
        assert!(home.body.contains(want), "signed in to {want}");
        // The sign-in under way is used once.
        let again = b.post("/portal/sign-in/choose", &[("csrf_token", &none.csrf()), ("account", id)]).await;
        assert_ne!(again.status, StatusCode::OK);
    }
    // An account of another address cannot be chosen.
    let stranger =
        portal_account(&app, &app.authority, "stranger", "stranger@family.example", &[Role::Parent], true).await;
    let mut b = Browser::new(&app);
    let count = otp::outbox_for(&app.db, email).await.unwrap().len();
    ask(&mut b, email).await;
    let code = code_sent(&app.db, email, count + 1).await;
    let choose = give(&mut b, &code).await;
    let refused = b.submit(&choose, "/portal/sign-in/choose", &[("account", &stranger), ("lang", "en")]).await;
    assert!(refused.body.contains("Choose a council"));
    assert!(!b.cookies.contains_key("confer_session"));
}

#[tokio::test]
async fn a_parent_account_given_a_staff_role_loses_its_one_factor_sessions_and_must_enrol() {
    let app = start().await;
    let email = "parent.eight@family.example";
    let id = portal_account(&app, &app.authority, "parent.eight", email, &[Role::Parent], true).await;
    let mut b = Browser::new(&app);
    ask(&mut b, email).await;
    let code = code_sent(&app.db, email, 1).await;
    assert_eq!(give(&mut b, &code).await.location.as_deref(), Some("/portal"));
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    users::change_account(&app.db, &id.as_str().into(), AccountChange::AddRole(Role::SocialWorker), "test")
        .await
        .unwrap();
    let after = b.get("/portal").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the one-factor session ended");
    assert_eq!(b.get("/families").await.status, StatusCode::SEE_OTHER);
    // Signing in again: the code, then enrolment of an authenticator before anything else.
    let mut c = Browser::new(&app);
    ask(&mut c, email).await;
    let code = code_sent(&app.db, email, 2).await;
    let next = give(&mut c, &code).await;
    assert_eq!(next.location.as_deref(), Some("/sign-in/enrol?next=/portal"));
    assert_eq!(c.get("/families").await.status, StatusCode::SEE_OTHER, "half signed in reads nothing");
    let enrol = c.get("/sign-in/enrol?next=/portal").await;
    assert_eq!(enrol.status, StatusCode::OK);
    let stored = users::by_id(&app.db, &id.as_str().into()).await.unwrap();
    let secret = users::totp_secret_of(&stored).unwrap().unwrap();
    let done = c.submit(&enrol, "/sign-in/enrol", &[("code", &totp_now(&secret)), ("next", "/portal")]).await;
    assert_eq!(done.status, StatusCode::OK, "the recovery codes: {}", done.body);
    assert_eq!(c.get("/families").await.status, StatusCode::OK, "two factors: the staff pages");
    // A staff account given another staff role keeps its (two-factor) session.
    let (coord, secret) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let mut s = Browser::new(&app);
    s.sign_in("coord", &secret).await;
    users::change_account(&app.db, &coord.as_str().into(), AccountChange::AddRole(Role::Chair), "test").await.unwrap();
    assert_eq!(s.get("/families").await.status, StatusCode::OK);
}
