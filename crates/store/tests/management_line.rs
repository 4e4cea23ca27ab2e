//! The management line read from the database (CHAIR-01): nearest manager first, and a cycle
//! left by bad data ends the line instead of looping. SQLite and PostgreSQL.

use confer_domain::{Nation, Role, UserId};
use confer_store::testing::{self, World};
use confer_store::users;

#[tokio::test]
async fn management_line_is_read_upwards_and_stops_at_a_cycle_chair_01() {
    let db = testing::fresh_db().await;
    let la = World::with_authority(&db, "ML1", "Lineshire", Nation::England).await.authority;
    let make = |name: &'static str, manager: Option<String>| {
        testing::PersonBuilder::new(&db, &la.id, name)
            .roles(&[Role::SocialWorker])
            .manager_opt(manager.as_deref())
            .email_unverified()
            .create()
    };
    let head = UserId::from(make("head", None).await.0);
    let manager = UserId::from(make("manager", Some(head.0.clone())).await.0);
    let worker = UserId::from(make("worker", Some(manager.0.clone())).await.0);
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
