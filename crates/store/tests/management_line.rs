//! The management line read from the database (CHAIR-01): nearest manager first, and a cycle
//! left by bad data ends the line instead of looping. SQLite and PostgreSQL.

use confer_domain::{Nation, Role, UserId};
use confer_store::testing;
use confer_store::users::{self, AccountKind, NewUser};

#[tokio::test]
async fn management_line_is_read_upwards_and_stops_at_a_cycle_chair_01() {
    let db = testing::fresh_db().await;
    let la = users::create_authority(&db, "ML1", "Lineshire", Nation::England, "test").await.unwrap();
    let make = |name: &'static str, manager: Option<String>| {
        let db = db.clone();
        let la = la.id.clone();
        async move {
            users::create_user(
                &db,
                &NewUser {
                    id: None,
                    authority_id: &la,
                    username: name,
                    display_name: name,
                    email: &format!("{name}@council.example"),
                    kind: AccountKind::Staff,
                    roles: &[Role::SocialWorker],
                    team_id: None,
                    line_manager_id: manager.as_deref(),
                    password: None,
                    totp_secret: None,
                    email_verified: false,
                },
                "test",
            )
            .await
            .unwrap()
        }
    };
    let head = make("head", None).await;
    let manager = make("manager", Some(head.0.clone())).await;
    let worker = make("worker", Some(manager.0.clone())).await;
    assert_eq!(users::management_line(&db, &worker).await.unwrap(), vec![manager.clone(), head.clone()]);
    assert_eq!(users::management_line(&db, &head).await.unwrap(), Vec::<UserId>::new());
    // Bad data: the head of service is made the worker's report, closing a loop.
    sqlx::query("UPDATE user_account SET line_manager_id = $1 WHERE id = $2")
        .bind(worker.as_str())
        .bind(head.as_str())
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(users::management_line(&db, &worker).await.unwrap(), vec![manager, head]);
}
