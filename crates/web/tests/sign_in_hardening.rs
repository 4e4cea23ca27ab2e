//! The last fresh read of issue 10: sign-in refusals an attacker meets, each proved here.
//! Code requests are limited per network address; the start of a half-signed-in session is
//! audited; wrong passwords lock an account for the address they came from (and everywhere
//! only at a higher ceiling), so knowing a user name is not a free lock-out; a chunked body
//! over the public limit is answered 413. Runs on SQLite, and on PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::users;
use reqwest::StatusCode;
use sqlx::Row;

fn behind_one_proxy() -> confer_web::WebSettings {
    confer_web::WebSettings { secure_cookies: false, trusted_proxies: 1, ..Default::default() }
}

/// Posts a form as a browser at network address `from` (as the trusted proxy saw it).
async fn post_from(b: &mut Browser, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(path).await;
    let csrf = page.csrf();
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(fields);
    let cookie = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let res = b
        .http
        .post(format!("{}{path}", b.base))
        .header("cookie", cookie)
        // The client writes what it likes first; the proxy appends what it saw.
        .header("x-forwarded-for", format!("192.0.2.1, {from}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    for v in res.headers().get_all("set-cookie") {
        let pair = v.to_str().unwrap().split(';').next().unwrap();
        if let Some((k, val)) = pair.split_once('=') {
            b.cookies.insert(k.to_owned(), val.to_owned());
        }
    }
    Page { status, location, body: res.text().await.unwrap() }
}

async fn events(app: &App, user_id: &str, action: &str) -> Vec<String> {
    sqlx::query("SELECT after_json FROM audit_event WHERE entity_id = $1 AND action = $2 ORDER BY seq")
        .bind(user_id)
        .bind(action)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("after_json").unwrap())
        .collect()
}

#[tokio::test]
async fn code_requests_from_one_network_are_limited_whatever_addresses_are_asked_for() {
    let app = start_with(behind_one_proxy()).await;
    staff(&app, "known.parent", &[Role::Parent], None).await;
    let mut b = Browser::new(&app);
    // Many addresses, one network: each is asked for once (under the per-address limit).
    for i in 0..confer_store::otp::MAX_CODE_REQUESTS_PER_SOURCE {
        let res = post_from(&mut b, "203.0.113.7", "/portal/sign-in", &[("email", &format!("p{i}@x.example"))]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "request {i} is answered as usual");
    }
    // The next, for an unknown and for a known address, get the same refusal.
    let unknown = post_from(&mut b, "203.0.113.7", "/portal/sign-in", &[("email", "nobody@x.example")]).await;
    let known = post_from(&mut b, "203.0.113.7", "/portal/sign-in", &[("email", "known.parent@council.example")]).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.body.contains("Too many codes have been asked for from your network"), "{}", unknown.body);
    assert_eq!(
        unknown.body.replace("nobody@x.example", "ADDRESS"),
        known.body.replace("known.parent@council.example", "ADDRESS"),
        "the answer does not depend on the address"
    );
    assert!(confer_store::otp::outbox_for(&app.db, "known.parent@council.example").await.unwrap().is_empty());
    // Another network is not affected.
    let other = post_from(&mut b, "198.51.100.9", "/portal/sign-in", &[("email", "nobody@x.example")]).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_start_of_a_half_signed_in_session_is_audited() {
    let app = start().await;
    let (id, _) = staff(&app, "half.way", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    let res = b.submit(&page, "/sign-in", &[("username", "half.way"), ("password", PASSWORD)]).await;
    assert_eq!(res.location.as_deref(), Some("/sign-in/code"));
    let started = events(&app, &id, "sign-in.first-factor").await;
    assert_eq!(started.len(), 1, "one event for the half-signed-in session");
    assert!(started[0].contains("\"factor\":\"password\"") && started[0].contains("\"stage\":\"password\""));
    // The event is there exactly when the session is: one session, one event.
    assert_eq!(confer_store::sessions::unfinished_count(&app.db, &id).await.unwrap(), 1);
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_for_that_address_only() {
    let app = start_with(behind_one_proxy()).await;
    let (id, secret) = staff(&app, "target.user", &[Role::Chair], None).await;
    let mut attacker = Browser::new(&app);
    for _ in 0..users::MAX_WRONG_PASSWORDS_PER_ADDRESS {
        let res = post_from(
            &mut attacker,
            "203.0.113.66",
            "/sign-in",
            &[("username", "target.user"), ("password", "guess-guess-guess")],
        )
        .await;
        assert!(res.body.contains(confer_web::auth::SIGN_IN_REFUSED));
    }
    // From the attacker's address even the right password is refused, in the same words.
    let res =
        post_from(&mut attacker, "203.0.113.66", "/sign-in", &[("username", "target.user"), ("password", PASSWORD)])
            .await;
    assert!(res.location.is_none() && res.body.contains(confer_web::auth::SIGN_IN_REFUSED));
    assert_eq!(events(&app, &id, "sign-in.locked-for-address").await.len(), 1);
    // The owner, from another address, signs in as usual: the account itself is not locked.
    let mut owner = Browser::new(&app);
    let res =
        post_from(&mut owner, "198.51.100.20", "/sign-in", &[("username", "target.user"), ("password", PASSWORD)])
            .await;
    assert_eq!(res.location.as_deref(), Some("/sign-in/code"), "{}", res.body);
    let code = totp_now(&secret);
    let done = post_from(&mut owner, "198.51.100.20", "/sign-in/code", &[("code", &code)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(owner.get("/").await.status, StatusCode::OK);
    assert!(users::locked_until(&app.db, &id.clone().into()).await.unwrap().is_none());
}

#[tokio::test]
async fn wrong_passwords_from_many_addresses_lock_the_account_at_the_ceiling() {
    let app = start().await;
    let (id, _) = staff(&app, "spread.target", &[Role::Chair], None).await;
    let per = users::MAX_WRONG_PASSWORDS_PER_ADDRESS - 1;
    let addresses = (users::MAX_WRONG_PASSWORDS_PER_ACCOUNT + per - 1) / per;
    let mut n = 0;
    'outer: for a in 0..addresses {
        for _ in 0..per {
            let check = users::check_password(&app.db, "spread.target", "guess-guess-guess", &format!("10.1.0.{a}"))
                .await
                .unwrap();
            n += 1;
            if n == users::MAX_WRONG_PASSWORDS_PER_ACCOUNT {
                assert!(matches!(check, users::PasswordCheck::Locked { .. }), "the ceiling locks: {check:?}");
                break 'outer;
            }
            assert!(matches!(check, users::PasswordCheck::Wrong), "attempt {n}: {check:?}");
        }
    }
    // Now the account is locked everywhere, even for an address that never guessed.
    assert!(users::locked_until(&app.db, &id.clone().into()).await.unwrap().is_some());
    let fresh = users::check_password(&app.db, "spread.target", PASSWORD, "10.2.0.1").await.unwrap();
    assert!(matches!(fresh, users::PasswordCheck::Locked { .. }), "{fresh:?}");
    assert_eq!(events(&app, &id, "sign-in.locked").await.len(), 1);
}

#[tokio::test]
async fn a_right_password_gives_its_attempt_back_and_forgets_the_address_count() {
    let app = start().await;
    staff(&app, "typo.user", &[Role::Chair], None).await;
    for _ in 0..(users::MAX_WRONG_PASSWORDS_PER_ADDRESS - 1) {
        users::check_password(&app.db, "typo.user", "typo-typo-typo", "10.3.0.1").await.unwrap();
    }
    assert!(matches!(
        users::check_password(&app.db, "typo.user", PASSWORD, "10.3.0.1").await.unwrap(),
        users::PasswordCheck::Correct(_)
    ));
    // The count from that address starts again: four more typos do not lock it.
    for _ in 0..(users::MAX_WRONG_PASSWORDS_PER_ADDRESS - 1) {
        let c = users::check_password(&app.db, "typo.user", "typo-typo-typo", "10.3.0.1").await.unwrap();
        assert!(matches!(c, users::PasswordCheck::Wrong), "{c:?}");
    }
}

#[tokio::test]
async fn a_chunked_body_over_the_public_limit_before_sign_in_gets_413_with_a_message() {
    use std::io::{Read, Write};
    let app = start().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let chunk = "a".repeat(8 * 1024);
        let mut req = format!(
            "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        for _ in 0..4 {
            req.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
        }
        req.push_str("0\r\n\r\n");
        // The server may answer and close before it has read everything: that is fine.
        let _ = s.write_all(req.as_bytes());
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        out
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 413"), "{}", text.lines().next().unwrap_or(""));
    assert!(text.contains("The form is too large") && text.contains("send the form again"));
}

#[tokio::test]
async fn a_professional_from_the_welsh_portal_enrols_in_welsh_and_the_app_shows_the_council_and_their_email() {
    let app = start().await;
    let email = "tia.teacher@school.example";
    let id = users::create_user(
        &app.db,
        &users::NewUser {
            id: None,
            authority_id: &app.authority.id,
            username: "tia.teacher",
            display_name: "Tia Teacher",
            email,
            kind: users::AccountKind::Portal,
            roles: &[Role::Professional],
            team_id: None,
            line_manager_id: None,
            password: None,
            totp_secret: None,
            email_verified: true,
        },
        "test",
    )
    .await
    .unwrap();
    let mut b = Browser::new(&app);
    let page = b.get("/portal/sign-in?lang=cy").await;
    let asked = b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "cy")]).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let mut code = None;
    for _ in 0..400 {
        if let Some((_, body)) = confer_store::otp::outbox_for(&app.db, email).await.unwrap().first() {
            code = body.split("code is ").nth(1).map(|c| c.chars().take(6).collect::<String>());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let code = code.expect("a code was sent");
    let page = b.get("/portal/sign-in/code?lang=cy").await;
    let res = b.submit(&page, "/portal/sign-in/code", &[("code", &code), ("lang", "cy")]).await;
    let next = res.location.expect("on to the authenticator");
    assert!(next.starts_with("/sign-in/enrol?next="), "{next}");
    let enrol = b.get(&next).await;
    assert_eq!(enrol.status, StatusCode::OK);
    assert!(enrol.body.contains("<html lang=\"cy\""), "the page is in Welsh");
    assert!(enrol.body.contains("Gosod eich ap dilysu") && enrol.body.contains("Cod diogelwch"));
    // The app shows the council's name and the person's e-mail address, never an internal id.
    assert!(enrol.body.contains("Testshire County Council (tia.teacher@school.example)"), "{}", enrol.body);
    assert!(!enrol.body.contains(&id.0) && !enrol.body.contains("portal-"));
    // A wrong code: the error is in Welsh too.
    let wrong = b.submit(&enrol, "/sign-in/enrol", &[("code", "000000"), ("next", "/portal?lang=cy")]).await;
    assert!(wrong.body.contains("Nid yw&#39;r cod yn gywir"), "{}", wrong.body);
}

/// Issue 11: someone signed in to the portal who opens `/` is sent to their portal home, not
/// refused; staff still get the dashboard, and someone not signed in is sent to sign in.
#[tokio::test]
async fn a_portal_user_opening_the_root_is_sent_to_the_portal_home() {
    let app = start().await;
    let (parent, _) = staff(&app, "root.parent", &[Role::Parent], None).await;
    let mut b = Browser::new(&app);
    let (token, _) = confer_store::sessions::start_with_factors(
        &app.db,
        &parent,
        users::by_id(&app.db, &parent.clone().into()).await.unwrap().session_generation,
        confer_store::sessions::Stage::Full,
        1,
    )
    .await
    .unwrap();
    b.cookies.insert("confer_session".into(), token);
    let root = b.get("/").await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.location.as_deref(), Some("/portal"));
    assert_eq!(b.get("/portal").await.status, StatusCode::OK);
    // Staff keep the dashboard; nobody signed in is asked to sign in.
    let (chair, _) = staff(&app, "root.chair", &[Role::Chair], None).await;
    let mut c = Browser::new(&app);
    c.session_for(&app.db, &chair).await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    assert_eq!(Browser::new(&app).get("/").await.location.as_deref(), Some("/sign-in"));
}
