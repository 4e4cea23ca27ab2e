//! Account operations refuse what the access policy and ROLE-10 refuse, the same for every
//! adapter. Runs on SQLite or PostgreSQL (`CONFER_TEST_DATABASE=postgres`).

use confer_domain::access::Actor;
use confer_domain::{AuthorityId, Nation, Role, UserId};
use confer_ops::accounts::{self, By, NewAccount};
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing;
use confer_store::users::{self, AccountChange};

fn new(authority: &AuthorityId, username: &str, roles: &[Role]) -> NewAccount {
    NewAccount {
        authority_id: authority.clone(),
        username: username.into(),
        display_name: "Alex Example".into(),
        email: format!("{username}@example.test"),
        roles: roles.to_vec(),
        line_manager: None,
        password: Some("correct-horse-battery-staple".into()),
    }
}

async fn actor(ops: &Ops, id: &UserId) -> Actor {
    let u = users::by_id(&ops.db, id).await.unwrap();
    Actor { user_id: u.account.id, authority_id: u.account.authority_id, roles: u.account.roles.into_iter().collect() }
}

#[tokio::test]
async fn an_administrator_manages_their_own_authority_only_and_never_their_own_roles_role_10() {
    let db = testing::fresh_db().await;
    let ops = Ops::new(db.clone(), Clock::system());
    let la = users::create_authority(&db, "T01", "Testshire Council", Nation::England, "test").await.unwrap().id;
    let other = users::create_authority(&db, "T02", "Otherwhere Council", Nation::Wales, "test").await.unwrap().id;
    let admin = accounts::create(&ops, By::Operator, new(&la, "admin.one", &[Role::Administrator])).await.unwrap();
    let admin = actor(&ops, &admin).await;
    let by = By::Administrator(&admin);

    let chair = accounts::create(&ops, by, new(&la, "Chair.One", &[Role::Chair])).await.unwrap();
    assert_eq!(users::by_id(&db, &chair).await.unwrap().account.username, "chair.one");
    accounts::change(&ops, by, &chair, AccountChange::AddRole(Role::Auditor)).await.unwrap();

    // The same name again, a role it has, a short password: each says what to fix.
    let taken = accounts::create(&ops, by, new(&la, "chair.one", &[Role::Chair])).await.unwrap_err();
    assert!(matches!(taken, OpsError::Duplicate { .. }), "{taken:?}");
    let again = accounts::change(&ops, by, &chair, AccountChange::AddRole(Role::Auditor)).await.unwrap_err();
    assert!(matches!(again, OpsError::Duplicate { .. }), "{again:?}");
    let short = accounts::change(&ops, by, &chair, AccountChange::ResetPassword("short".into())).await.unwrap_err();
    assert!(matches!(short, OpsError::Invalid { field: "password", .. }), "{short:?}");

    // ROLE-10: not their own roles, not their own account.
    let own = accounts::change(&ops, by, &admin.user_id, AccountChange::AddRole(Role::Chair)).await.unwrap_err();
    assert!(matches!(own, OpsError::Invalid { field: "role", .. }), "{own:?}");
    let own = accounts::change(&ops, by, &admin.user_id, AccountChange::Disable).await.unwrap_err();
    assert!(matches!(own, OpsError::Invalid { field: "change", .. }), "{own:?}");

    // Another authority's account, or a new one there, is not found.
    let theirs = accounts::create(&ops, By::Operator, new(&other, "chair.two", &[Role::Chair])).await.unwrap();
    let e = accounts::change(&ops, by, &theirs, AccountChange::Disable).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound), "{e:?}");
    let e = accounts::create(&ops, by, new(&other, "chair.three", &[Role::Chair])).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound), "{e:?}");
    assert!(!users::by_id(&db, &theirs).await.unwrap().account.disabled);

    // Someone without the role to manage users is refused.
    let chair = actor(&ops, &chair).await;
    let e =
        accounts::change(&ops, By::Administrator(&chair), &admin.user_id, AccountChange::Disable).await.unwrap_err();
    assert!(matches!(e, OpsError::Forbidden), "{e:?}");

    // The operator may do what the administrator may not do to themselves.
    accounts::change(&ops, By::Operator, &admin.user_id, AccountChange::AddRole(Role::Auditor)).await.unwrap();
}

/// A personal access token is made by one operation for the account page and `confer users
/// token`: a name and a number of days in range are required, and only a staff account with its
/// second factor may hold one (issue 10).
#[tokio::test]
async fn a_token_needs_a_name_days_in_range_and_a_two_factor_staff_account() {
    use accounts::{issue_token, TokenFor, TokenRequest};
    let db = testing::fresh_db().await;
    let ops = Ops::new(db.clone(), Clock::system());
    let w = testing::World::new(&db).await;
    let (with_totp, _) = w.person("two.factor").roles(&[Role::Chair]).signs_in().create().await;
    let (password_only, _) = w.person("one.factor").roles(&[Role::Chair]).password_only().create().await;
    let me = actor(&ops, &UserId(with_totp.clone())).await;
    let ask = |name: &str, days: i64| TokenRequest { name: name.into(), write: true, days };

    let blank = issue_token(&ops, TokenFor::Themselves(&me), ask("  ", 30)).await;
    assert!(matches!(blank, Err(OpsError::Invalid { field: "name", .. })), "{blank:?}");
    let too_long = issue_token(&ops, TokenFor::Themselves(&me), ask("reports", 0)).await;
    assert!(matches!(too_long, Err(OpsError::Invalid { field: "days", .. })), "{too_long:?}");
    let over = issue_token(&ops, TokenFor::Themselves(&me), ask("reports", confer_store::tokens::MAX_DAYS + 1)).await;
    assert!(matches!(over, Err(OpsError::Invalid { field: "days", .. })), "{over:?}");

    let token = issue_token(&ops, TokenFor::Themselves(&me), ask("reports", 30)).await.unwrap();
    let info = confer_store::tokens::authenticate(&db, &token.secret).await.unwrap().expect("the token works");
    assert_eq!(info.user_id, with_totp);

    // The operator's command makes it for a named account, under the same rules.
    let one = users::by_id(&db, &UserId(password_only)).await.unwrap();
    let refused = issue_token(&ops, TokenFor::Operator(&one), ask("nightly export", 30)).await;
    // A refusal with its reason (the account cannot hold a token as it stands), not a clash
    // of values.
    match refused {
        Err(OpsError::Declined { message }) => {
            assert_eq!(message.to_lowercase(), confer_store::tokens::NOT_ELIGIBLE.to_lowercase())
        }
        other => panic!("a token for an account without a second factor is declined: {other:?}"),
    }
}
