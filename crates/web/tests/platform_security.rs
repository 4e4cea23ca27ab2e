//! Issue 10, the platform's part: API tokens on the account page, administrators and their
//! own roles, family members kept out of the staff list, HSTS, and the small body limit
//! before sign-in. Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

mod common;

use common::{staff, start, start_with, App, Browser};
use confer_domain::{Role, UserId};
use confer_store::users::{self, AccountKind, NewUser};
use confer_web::WebSettings;
use reqwest::StatusCode;

async fn api_me(app: &App, token: &str) -> StatusCode {
    reqwest::Client::new().get(format!("{}/api/v1/me", app.base)).bearer_auth(token).send().await.unwrap().status()
}

/// The token text shown once on the account page.
fn shown_token(body: &str) -> String {
    let start = body.find("confer_pat_").expect("the new token is shown");
    body[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_account_page_makes_a_token_for_the_days_chosen_and_sign_out_everywhere_ends_it() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get("/account").await;
    assert!(page.body.contains("How many days it lasts"), "{}", page.body);
    for bad in ["0", "366", "soon"] {
        let res = b.submit(&page, "/account/tokens", &[("name", "script"), ("days", bad)]).await;
        // Refused with the status the same error has everywhere (422).
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.body.contains("Enter how many days the token lasts, as a number from 1 to 365"), "{bad}");
        assert!(!res.body.contains("confer_pat_"), "{bad}: a token was made");
    }
    let res = b.submit(&page, "/account/tokens", &[("name", "script"), ("days", "30")]).await;
    let token = shown_token(&res.body);
    assert_eq!(api_me(&app, &token).await, StatusCode::OK);
    let list = confer_store::tokens::list(&app.db, &sw).await.unwrap();
    let ends = confer_store::parse_stamp(list[0].expires_at.as_deref().unwrap()).unwrap();
    assert_eq!((ends - chrono::Utc::now()).num_days(), 29);

    let page = b.get("/account").await;
    let out = b.submit(&page, "/account/sign-out-everywhere", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(api_me(&app, &token).await, StatusCode::UNAUTHORIZED, "the token outlived sign out everywhere");
}

#[tokio::test]
async fn a_portal_account_cannot_make_a_token_on_the_account_page() {
    let app = start().await;
    // A partner professional: a portal account, even with a second factor.
    let (prof, _) = staff(&app, "officer", &[Role::Professional], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &prof).await;
    let page = b.get("/account").await;
    if page.status == StatusCode::OK {
        assert!(page.body.contains("Only staff accounts with an authenticator app set up can have tokens"));
        assert!(!page.body.contains("Create token"));
    }
    let csrf = common_csrf(&app, &b).await;
    let res = b.post("/account/tokens", &[("csrf_token", csrf.as_str()), ("name", "script"), ("days", "30")]).await;
    assert!(!res.body.contains("confer_pat_"), "a portal account made a token");
    assert!(confer_store::tokens::list(&app.db, &prof).await.unwrap().is_empty());
}

/// The CSRF token of the browser's session.
async fn common_csrf(app: &App, b: &Browser) -> String {
    let token = b.cookies.values().find(|v| v.len() > 20).unwrap().clone();
    confer_store::sessions::find(&app.db, &token, WebSettings::default().timeouts()).await.unwrap().unwrap().csrf_token
}

#[tokio::test]
async fn an_administrator_cannot_change_their_own_roles_role_10() {
    let app = start().await;
    let (admin, _) = staff(&app, "admin", &[Role::Administrator], None).await;
    let (other, _) = staff(&app, "admin2", &[Role::Administrator], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &admin).await;
    let own = b.get(&format!("/admin/users/{admin}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("You cannot change your own roles"), "{}", own.body);
    assert!(!own.body.contains("value=\"add-role\""), "the page offers to change one's own roles");
    // Posted anyway (a hand-made request): refused with the reason, nothing changed.
    let other_page = b.get(&format!("/admin/users/{other}")).await;
    for change in ["add-role", "remove-role"] {
        let res = b
            .submit(&other_page, &format!("/admin/users/{admin}"), &[("change", change), ("role", "social-worker")])
            .await;
        assert!(res.body.contains("You cannot change your own roles: ask another administrator"), "{change}");
    }
    assert_eq!(users::roles_of(&app.db, &UserId(admin.clone())).await.unwrap(), vec![Role::Administrator]);
    // Another administrator may.
    let res =
        b.submit(&other_page, &format!("/admin/users/{other}"), &[("change", "add-role"), ("role", "chair")]).await;
    assert!(res.body.contains("Saved."), "{}", res.body);
}

#[tokio::test]
async fn family_members_are_not_in_the_staff_list_nor_their_addresses_shown() {
    let app = start().await;
    let (admin, _) = staff(&app, "admin", &[Role::Administrator], None).await;
    staff(&app, "officer", &[Role::Professional], None).await;
    let parent = users::create_user(
        &app.db,
        &NewUser {
            id: None,
            authority_id: &app.authority.id,
            username: "parent.one",
            display_name: "Pat Parent",
            email: "pat.parent@family.example",
            kind: AccountKind::Portal,
            roles: &[Role::Parent],
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
    b.session_for(&app.db, &admin).await;
    let list = b.get("/admin/users").await;
    assert!(list.body.contains("Test officer"), "partner professionals are listed");
    assert!(!list.body.contains("parent.one") && !list.body.contains("Pat Parent"));
    assert!(!list.body.contains("value=\"parent\""), "family roles are not given here");
    let one = b.get(&format!("/admin/users/{parent}")).await;
    assert_eq!(one.status, StatusCode::NOT_FOUND);
    assert!(!one.body.contains("pat.parent@family.example"));
}

#[tokio::test]
async fn strict_transport_security_is_sent_behind_tls_only() {
    let tls = start_with(WebSettings { secure_cookies: true, ..WebSettings::default() }).await;
    let res = reqwest::get(format!("{}/sign-in", tls.base)).await.unwrap();
    assert_eq!(res.headers().get("strict-transport-security").unwrap(), "max-age=31536000; includeSubDomains");
    let plain = start().await;
    let res = reqwest::get(format!("{}/sign-in", plain.base)).await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn a_large_post_before_sign_in_is_refused_calmly_and_signed_in_ones_keep_the_large_limit() {
    let app = start().await;
    let big = "x".repeat(100 * 1024);
    for path in ["/sign-in", "/portal/sign-in"] {
        let mut b = Browser::new(&app);
        let page = b.get(path).await;
        let res = b.submit(&page, path, &[("username", big.as_str()), ("password", "p")]).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert!(res.body.contains("The form is too large") && res.body.contains("send the form again"), "{path}");
    }
    // A small one still reaches the form.
    let mut b = Browser::new(&app);
    let page = b.get("/sign-in").await;
    let res = b.submit(&page, "/sign-in", &[("username", "nobody"), ("password", "wrong-password")]).await;
    assert_eq!(res.status, StatusCode::OK);
    // Signed in, the same large form is read (the page answers about the field, not 413).
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get("/account").await;
    let res = b.submit(&page, "/account/tokens", &[("name", big.as_str())]).await;
    // (A refused form answers with the status the same error has everywhere: 422.)
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Enter a name for the token of up to 100 characters"));
}
