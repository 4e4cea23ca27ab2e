//! Personal access tokens on the account page: the form sent twice (a double click, the same
//! form's idempotency key) makes one token and never shows its secret twice; an account that
//! may not hold a token is refused with the reason, with the status the same refusal has
//! everywhere (422), not as a clash of values (409). Runs on SQLite or PostgreSQL
//! (`CONFER_TEST_DATABASE=postgres`).

mod common;
use common::*;
use confer_domain::Role;
use confer_store::tokens;
use reqwest::StatusCode;

/// The secret shown on a page, if any.
fn secret(body: &str) -> Option<String> {
    let at = body.find("confer_pat_")?;
    Some(body[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
}

#[tokio::test]
async fn the_token_form_sent_twice_makes_one_token_and_shows_its_secret_once() {
    let app = start().await;
    let (id, _) = app.world.person("ada").roles(&[Role::SocialWorker]).signs_in().create().await;
    let mut b = app.as_user(&id).await;
    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    let fields = [("name", "nightly sync"), ("days", "30"), ("write", "yes")];

    let first = b.submit(&page, "/account/tokens", &fields).await;
    assert_eq!(first.status, StatusCode::OK, "{}", error_summary(&first.body));
    let shown = secret(&first.body).expect("the new token is shown once");
    assert!(tokens::authenticate(&app.db, &shown).await.unwrap().is_some(), "the secret shown works");

    // The same form again (same page, same nonce, same fields): no second token, and a page
    // saying it was made and shown once, without the secret.
    let again = b.submit(&page, "/account/tokens", &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", error_summary(&again.body));
    let to = again.location.expect("sent to the first one's outcome");
    assert!(to.starts_with("/account?token_made="), "{to}");
    let told = b.get(&to).await;
    assert_eq!(told.status, StatusCode::OK);
    assert!(told.body.contains("was made when you first sent the form"), "{}", told.body);
    assert!(told.body.contains("nightly sync"));
    assert_eq!(secret(&told.body), None, "the secret is never shown twice");
    assert_eq!(tokens::list(&app.db, &id).await.unwrap().len(), 1, "one token");

    // The form rendered afresh and sent is a new request: a second token (the key, not the
    // fields, is what makes a submission the same).
    let fresh = b.get("/account").await;
    let second = b.submit(&fresh, "/account/tokens", &fields).await;
    assert_eq!(second.status, StatusCode::OK);
    let other = secret(&second.body).expect("a second token shown");
    assert_ne!(other, shown);
    assert_eq!(tokens::list(&app.db, &id).await.unwrap().len(), 2);

    // Someone else's token id in the address says nothing.
    let (bo, _) = app.world.person("bo").roles(&[Role::SocialWorker]).signs_in().create().await;
    let mut bo = app.as_user(&bo).await;
    let theirs = bo.get(&to).await;
    assert!(!theirs.body.contains("nightly sync"), "another person's token is not named");
}

#[tokio::test]
async fn an_account_that_may_not_hold_a_token_is_refused_with_the_reason_and_422() {
    let app = start().await;
    // Staff, but without an authenticator app set up.
    let (id, _) = app.world.person("cy").roles(&[Role::SocialWorker]).password_only().create().await;
    let mut b = app.as_user(&id).await;
    let page = b.get("/account").await;
    assert!(page.body.contains("Only staff accounts with an authenticator app set up can have tokens"));
    let res = b.submit(&page, "/account/tokens", &[("name", "nightly export"), ("days", "30")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", error_summary(&res.body));
    assert!(res.body.contains("govuk-error-summary"));
    assert!(res.body.contains("authenticator app set up"), "{}", error_summary(&res.body));
    assert!(!res.body.contains("already in use"), "not a clash of values");
    assert_eq!(secret(&res.body), None);
    assert!(tokens::list(&app.db, &id).await.unwrap().is_empty(), "no token made");

    // A bad field is 422 too, and keeps what was typed.
    let (ok, _) = app.world.person("di").roles(&[Role::SocialWorker]).signs_in().create().await;
    let mut d = app.as_user(&ok).await;
    let page = d.get("/account").await;
    let res = d.submit(&page, "/account/tokens", &[("name", "reports"), ("days", "0")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"reports\""), "what was typed is kept");
}
