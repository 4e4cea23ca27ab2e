//! Sign-in as people do it: password then TOTP, enrolment with a QR code and recovery codes,
//! lock-out, CSRF, sessions that end, sign out everywhere, and the one-time e-mail code that
//! families and partner professionals use.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::{otp, users};
use reqwest::StatusCode;

#[tokio::test]
async fn chair_signs_in_with_password_and_totp_and_reaches_the_dashboard() {
    let app = start().await;
    let (_, secret) = staff(&app, "chair.one", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    let first = b.get("/").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location.as_deref(), Some("/sign-in"));
    b.sign_in("chair.one", &secret).await;
    let dash = b.get("/").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("<h1 class=\"govuk-heading-l\">Dashboard</h1>"));
    assert!(dash.body.contains("Conference chair"));
}

#[tokio::test]
async fn password_alone_does_not_sign_in() {
    let app = start().await;
    staff(&app, "chair.two", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    b.submit(&page, "/sign-in", &[("username", "chair.two"), ("password", PASSWORD)]).await;
    // Half-way: the dashboard still sends us to sign in.
    let dash = b.get("/").await;
    assert_eq!(dash.status, StatusCode::SEE_OTHER);
    assert_eq!(dash.location.as_deref(), Some("/sign-in"));
    let code_page = b.get("/sign-in/code").await;
    let wrong = b.submit(&code_page, "/sign-in/code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("govuk-error-summary"));
    assert!(wrong.body.contains("The code is not right"));
}

#[tokio::test]
async fn a_totp_code_works_once_only() {
    let app = start().await;
    let (_, secret) = staff(&app, "cw", &[Role::Coordinator], None).await;
    let mut a = Browser::new(&app);
    a.sign_in("cw", &secret).await;
    // The same code, replayed by someone who saw it, is refused.
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    b.submit(&page, "/sign-in", &[("username", "cw"), ("password", PASSWORD)]).await;
    let code_page = b.get("/sign-in/code").await;
    let code = totp_now(&secret);
    let replay = b.submit(&code_page, "/sign-in/code", &[("code", &code)]).await;
    assert_eq!(replay.status, StatusCode::OK, "a replayed code must not sign in");
}

#[tokio::test]
async fn wrong_password_shows_an_error_summary_and_keeps_the_user_name() {
    let app = start().await;
    staff(&app, "sw.keep", &[Role::SocialWorker], None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    let res = b.submit(&page, "/sign-in", &[("username", "sw.keep"), ("password", "not-the-password")]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("govuk-error-summary"));
    assert!(res.body.contains("value=\"sw.keep\""), "the typed user name is kept");
    assert!(res.body.contains("<title>Error: Sign in - confer</title>"));
    let empty = b.submit(&page, "/sign-in", &[("username", ""), ("password", "")]).await;
    assert!(empty.body.contains("Enter your user name") && empty.body.contains("Enter your password"));
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_with_a_clear_message() {
    let app = start().await;
    staff(&app, "locked.out", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    for _ in 0..5 {
        b.submit(&page, "/sign-in", &[("username", "locked.out"), ("password", "wrong-wrong-wrong")]).await;
    }
    // Even the right password is refused while locked, and the page says why and until when.
    let res = b.submit(&page, "/sign-in", &[("username", "locked.out"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("locked"), "{}", res.body);
    assert!(res.body.contains("Try again after"));
    assert!(res.location.is_none());
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = start().await;
    let (_, secret) = staff(&app, "csrf.user", &[Role::Administrator], None).await;
    let mut b = Browser::new(&app);
    b.sign_in("csrf.user", &secret).await;
    let res = b.post("/account/tokens", &[("name", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = b.post("/account/tokens", &[("name", "x"), ("csrf_token", "0000")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The anonymous sign-in form is protected too.
    let mut anon = Browser::new(&app);
    let res = anon.post("/sign-in", &[("username", "csrf.user"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_out_ends_the_session_and_sign_out_everywhere_ends_them_all() {
    let app = start().await;
    let (_, secret) = staff(&app, "two.devices", &[Role::SocialWorker], None).await;
    let mut phone = Browser::new(&app);
    phone.sign_in("two.devices", &secret).await;
    let mut laptop = Browser::new(&app);
    // A second device signs in a little later (a new TOTP step, or a recovery-free wait):
    // use a session made directly to avoid waiting 30 seconds for a fresh code.
    let id = users::by_username(&app.db, "two.devices").await.unwrap().unwrap().account.id;
    laptop.session_for(&app.db, id.as_str()).await;
    assert_eq!(laptop.get("/").await.status, StatusCode::OK);
    let account = phone.get("/account").await;
    assert!(account.body.contains("signed in on 2 devices"));
    let out = phone.submit(&account, "/account/sign-out-everywhere", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/").await.status, StatusCode::SEE_OTHER, "the other device is signed out too");
    assert_eq!(phone.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_out_button_ends_this_session() {
    let app = start().await;
    let (_, secret) = staff(&app, "leaver", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    b.sign_in("leaver", &secret).await;
    let dash = b.get("/").await;
    let token = b.cookies.get("confer_session").cloned().unwrap();
    let out = b.submit(&dash, "/sign-out", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/sign-in?signed_out=1"));
    // Replaying the old cookie does not work either.
    b.cookies.insert("confer_session".into(), token);
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app =
        start_with(confer_web::WebSettings { secure_cookies: false, session_idle_minutes: -1, ..Default::default() })
            .await;
    let (id, _) = staff(&app, "idle", &[Role::Chair], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &id).await;
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER, "a session idle longer than the limit is over");
}

#[tokio::test]
async fn cookies_are_httponly_samesite_and_secure_by_default() {
    let app = start_with(confer_web::WebSettings::default()).await;
    let (_, secret) = staff(&app, "cookie.check", &[Role::Chair], None).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = http.get(format!("{}/sign-in", app.base)).send().await.unwrap();
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"), "{set}");
    let _ = secret;
}

#[tokio::test]
async fn a_new_user_enrols_with_a_qr_code_and_gets_recovery_codes_that_work_once() {
    let app = start().await;
    users::create_user(
        &app.db,
        &users::NewUser {
            id: None,
            authority_id: &app.authority.id,
            username: "new.starter",
            display_name: "New Starter",
            email: "new.starter@council.example",
            kind: users::AccountKind::Staff,
            roles: &[Role::SocialWorker],
            team_id: None,
            line_manager_id: None,
            password: Some(PASSWORD),
            totp_secret: None,
            email_verified: false,
        },
        "test",
    )
    .await
    .unwrap();
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    let res = b.submit(&page, "/sign-in", &[("username", "new.starter"), ("password", PASSWORD)]).await;
    assert_eq!(res.location.as_deref(), Some("/sign-in/enrol"));
    let enrol = b.get("/sign-in/enrol").await;
    assert!(enrol.body.contains("<svg"), "the QR code is an inline SVG");
    let secret_marker = "<span class=\"confer-totp-secret\">";
    let start = enrol.body.find(secret_marker).unwrap() + secret_marker.len();
    let secret = enrol.body[start..].split('<').next().unwrap().to_owned();
    let wrong = b.submit(&enrol, "/sign-in/enrol", &[("code", "123456")]).await;
    assert!(wrong.body.contains("The code is not right"));
    let done = b.submit(&enrol, "/sign-in/enrol", &[("code", &totp_now(&secret))]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Save your recovery codes"));
    let codes: Vec<String> = done
        .body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<li>").and_then(|s| s.strip_suffix("</li>")))
        .filter(|c| c.len() == 11 && c.contains('-'))
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(b.get("/").await.status, StatusCode::OK, "signed in after enrolling");

    // A recovery code signs in once instead of an app code.
    let mut c = Browser::new(&app);
    let page = c.get("/sign-in").await;
    c.submit(&page, "/sign-in", &[("username", "new.starter"), ("password", PASSWORD)]).await;
    let code_page = c.get("/sign-in/code").await;
    let ok = c.submit(&code_page, "/sign-in/code", &[("code", &codes[0])]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let mut d = Browser::new(&app);
    let page = d.get("/sign-in").await;
    d.submit(&page, "/sign-in", &[("username", "new.starter"), ("password", PASSWORD)]).await;
    let code_page = d.get("/sign-in/code").await;
    let again = d.submit(&code_page, "/sign-in/code", &[("code", &codes[0])]).await;
    assert_eq!(again.status, StatusCode::OK, "a used recovery code is refused");
}

#[tokio::test]
async fn a_family_member_signs_in_with_a_one_time_code_sent_to_their_email() {
    let app = start().await;
    staff(&app, "parent.one", &[Role::Parent], None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/portal/sign-in").await;
    let res = b.submit(&page, "/portal/sign-in", &[("email", "parent.one@council.example"), ("lang", "en")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The code is written in the background (every address is answered in the same time).
    let mut outbox = Vec::new();
    for _ in 0..400 {
        outbox = otp::outbox_for(&app.db, "parent.one@council.example").await.unwrap();
        if !outbox.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let body = &outbox[0].1;
    let code: String = body.split("code is ").nth(1).unwrap().chars().take(6).collect();
    let code_page = b.get(res.location.as_deref().unwrap()).await;
    let wrong = b
        .submit(
            &code_page,
            "/portal/sign-in/code",
            &[("email", "parent.one@council.example"), ("code", "999999x"), ("lang", "en")],
        )
        .await;
    assert!(wrong.body.contains("govuk-error-summary"));
    let ok = b
        .submit(
            &code_page,
            "/portal/sign-in/code",
            &[("email", "parent.one@council.example"), ("code", &code), ("lang", "en")],
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/portal"));
    let home = b.get("/portal").await;
    assert!(home.body.contains("Your conference information"));
    // Families do not reach staff pages.
    assert_eq!(b.get("/families").await.status, StatusCode::FORBIDDEN);
    // The code works once.
    let mut c = Browser::new(&app);
    let page = c.get("/portal/sign-in").await;
    c.submit(&page, "/portal/sign-in", &[("email", "parent.one@council.example"), ("lang", "en")]).await;
    let page = c.get("/portal/sign-in/code").await;
    let again = c.submit(&page, "/portal/sign-in/code", &[("code", &code)]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("govuk-error-summary"));
}

#[tokio::test]
async fn one_time_codes_are_throttled_and_limited_in_tries() {
    let app = start().await;
    staff(&app, "carer.two", &[Role::Parent], None).await;
    let email = "carer.two@council.example";
    for _ in 0..otp::MAX_CODES_PER_WINDOW {
        assert_eq!(otp::request(&app.db, email).await.unwrap(), otp::Requested::Sent);
    }
    assert!(matches!(otp::request(&app.db, email).await.unwrap(), otp::Requested::TooMany { .. }));
    let latest = &otp::outbox_for(&app.db, email).await.unwrap()[0].1;
    let code: String = latest.split("code is ").nth(1).unwrap().chars().take(6).collect();
    for _ in 0..otp::MAX_TRIES {
        assert!(otp::verify(&app.db, email, "000000x").await.unwrap().is_none());
    }
    assert!(
        otp::verify(&app.db, email, &code).await.unwrap().is_none(),
        "after too many tries even the right code fails"
    );
    // An unknown address is told the same as a known one (no way to find out who has an account).
    assert_eq!(otp::request(&app.db, "nobody@nowhere.example").await.unwrap(), otp::Requested::Sent);
}

#[tokio::test]
async fn portal_pages_are_in_welsh_on_request_lang_04() {
    let app = start().await;
    let mut b = Browser::new(&app);
    let cy = b.get("/portal/sign-in?lang=cy").await;
    assert!(cy.body.contains("<html lang=\"cy\""));
    assert!(cy.body.contains("Mewngofnodi"));
    let bad = b.submit(&cy, "/portal/sign-in", &[("email", "not an email"), ("lang", "cy")]).await;
    assert!(bad.body.contains("Mae problem wedi codi"));
    assert!(bad.body.contains("value=\"not an email\""));
}

#[tokio::test]
async fn many_wrong_attempts_from_one_address_are_slowed_down_across_accounts() {
    let app =
        start_with(confer_web::WebSettings { secure_cookies: false, trust_forwarded_for: true, ..Default::default() })
            .await;
    staff(&app, "sprayed.one", &[Role::Chair], None).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    let csrf = page.csrf();
    let cookie = format!("confer_csrf={}", b.cookies["confer_csrf"]);
    let attempt = |user: String, from: &'static str| {
        let http = http.clone();
        let (base, csrf, cookie) = (app.base.clone(), csrf.clone(), cookie.clone());
        async move {
            let res = http
                .post(format!("{base}/sign-in"))
                .header("cookie", cookie)
                .header("x-forwarded-for", from)
                .form(&[("csrf_token", csrf.as_str()), ("username", user.as_str()), ("password", "guess-guess-guess")])
                .send()
                .await
                .unwrap();
            res.text().await.unwrap()
        }
    };
    // Password spraying: one guess at each of many user names, from one address.
    for i in 0..users::MAX_FAILURES_PER_SOURCE {
        attempt(format!("someone.{i}"), "203.0.113.7").await;
    }
    let body = attempt("sprayed.one".into(), "203.0.113.7").await;
    assert!(body.contains("too many wrong sign-in attempts from your network"), "{body}");
    // Another address is not affected.
    let other = attempt("sprayed.one".into(), "198.51.100.9").await;
    assert!(!other.contains("from your network"));
    assert!(other.contains("Enter a correct user name and password"));
}
