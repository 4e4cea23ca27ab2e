//! The family portal's links in the store, on SQLite or PostgreSQL (CONFER_TEST_DATABASE):
//! the demo gives some parents portal access (once: a second start lists the same accounts);
//! a link gives its account the FamilyMember relationship to that family only, and is audited.

use confer_demo::{Demo, DemoOptions};
use confer_domain::access::Relationship;
use confer_domain::portal::PortalPerson;
use confer_domain::UserId;
use confer_store::{demo, families, otp, portal, testing, users};
use sqlx::Row;

#[tokio::test]
async fn demo_parents_get_portal_access_to_their_own_family_only_role_05_role_11() {
    let db = testing::fresh_db().await;
    let generated = Demo::new(DemoOptions { families: 40, ..DemoOptions::default() }, chrono::Utc::now().date_naive());
    demo::load(&db, &generated, |_| {}).await.unwrap();
    let authority = generated.authority.id.clone();
    let first = demo::portal_parents(&db, &authority, 2).await.unwrap();
    assert_eq!(first.len(), 2, "the demo has scheduled conferences with parents");
    let again = demo::portal_parents(&db, &authority, 2).await.unwrap();
    assert_eq!(
        first.iter().map(|c| &c.username).collect::<Vec<_>>(),
        again.iter().map(|c| &c.username).collect::<Vec<_>>(),
        "a second start lists the same accounts"
    );
    for c in &first {
        assert!(c.email.ends_with("@demo.confer.invalid") && c.password.is_none());
        let user = users::by_username(&db, &c.username).await.unwrap().unwrap();
        let links = portal::links_of(&db, &user.account.id).await.unwrap();
        assert_eq!(links.len(), 1);
        let (family_id, person) = &links[0];
        assert!(matches!(person, PortalPerson::Adult(_)));
        assert_eq!(
            families::relationships(&db, &user.account.id, family_id).await.unwrap(),
            vec![Relationship::FamilyMember]
        );
        // Another family of the authority: no relationship at all.
        let other = generated.families().map(|f| f.family.id.0.clone()).find(|f| f != family_id).unwrap();
        assert!(families::relationships(&db, &user.account.id, &other).await.unwrap().is_empty());
        // They can sign in: a code is sent to the address.
        assert_eq!(otp::request(&db, &c.email).await.unwrap(), otp::Requested::Sent);
        assert_eq!(otp::outbox_for(&db, &c.email).await.unwrap().len(), 1);
    }
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'portal.give-access'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<i64, _>("n").unwrap(), 2, "each link is audited once");
    // A second link of the same account to the same family is refused.
    let user = users::by_username(&db, &first[0].username).await.unwrap().unwrap();
    let (family_id, person) = &portal::links_of(&db, &user.account.id).await.unwrap()[0];
    let mut tx = db.begin().await.unwrap();
    let twice =
        portal::link_in(&mut tx, &authority, &UserId(user.account.id.0.clone()), family_id, person, "test").await;
    assert!(matches!(twice, Err(confer_store::StoreError::Conflict(_))), "{twice:?}");
}
