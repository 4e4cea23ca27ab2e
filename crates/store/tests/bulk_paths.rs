//! Issue 12's faster paths give what the one-at-a-time paths give: events appended many at a
//! time chain exactly as one by one (KEEP-01), the demo's bulk load leaves a chain that
//! verifies and every row the generator made, and the relationships of a user to each of a
//! family's conferences read at once are those read one conference at a time.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_domain::audit::EventKind;
use confer_domain::Role;
use confer_store::audit::{self, Entry};
use confer_store::testing::{self, World};
use sqlx::Row;

fn entry<'a>(authority: &'a str, n: i64) -> Entry<'a> {
    Entry {
        authority_id: authority,
        actor: "tester",
        kind: EventKind::Change,
        action: "family.update",
        entity_type: "family",
        entity_id: "fam-1",
        before: serde_json::json!({ "n": n }),
        after: serde_json::json!({ "n": n + 1 }),
    }
}

#[tokio::test]
async fn events_appended_many_at_a_time_chain_as_one_by_one_keep_01() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let other = World::with_authority(&db, "998", "Otherham Council", confer_domain::Nation::England).await;
    let (la, lb) = (w.authority.id.as_str(), other.authority.id.as_str());
    audit::record_alone(&db, entry(la, 0)).await.unwrap();
    // 450 events of two authorities, interleaved, in one transaction (more than one INSERT each).
    let entries: Vec<Entry<'_>> = (1..=450).map(|n| entry(if n % 3 == 0 { lb } else { la }, n)).collect();
    let mut tx = db.begin().await.unwrap();
    audit::record_many(&mut tx, &entries).await.unwrap();
    tx.commit().await.unwrap();
    audit::record_alone(&db, entry(la, 451)).await.unwrap();
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    let n = |a: &str| {
        let a = a.to_owned();
        let db = db.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n, MAX(seq) AS m FROM audit_event WHERE authority_id = $1")
                .bind(a)
                .fetch_one(db.pool())
                .await
                .map(|r| (r.try_get::<i64, _>("n").unwrap(), r.try_get::<i64, _>("m").unwrap()))
                .unwrap()
        }
    };
    let (count_a, last_a) = n(la).await;
    assert_eq!(count_a, last_a, "no gap and no repeat in the first chain");
    let (count_b, last_b) = n(lb).await;
    assert_eq!(count_b, last_b, "no gap and no repeat in the second chain");
    assert!(count_b >= 150);
}

#[tokio::test]
async fn the_demo_bulk_load_keeps_every_row_and_a_verified_chain() {
    let db = testing::fresh_db().await;
    let options = confer_demo::DemoOptions {
        families: 300,
        ..confer_demo::DemoOptions::for_nation(confer_domain::Nation::England)
    };
    let demo = confer_demo::Demo::new(options, db.today());
    let loaded = confer_store::demo::load(&db, &demo, |_| {}).await.unwrap();
    assert_eq!(loaded.families, 300);
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query(sql).fetch_one(db.pool()).await.unwrap().try_get::<i64, _>("n").unwrap() }
    };
    let (mut children, mut adults, mut links, mut professionals, mut deadlines, mut conferences) = (0, 0, 0, 0, 0, 0);
    let calendar = confer_store::calendar::authority_calendar(&db, &demo.authority).await.unwrap();
    let policies = confer_store::calendar::policy_history(&db, &demo.authority).await.unwrap();
    for (i, f) in demo.families().enumerate() {
        children += f.children.len() as i64;
        adults += f.adults.len() as i64;
        links += f.relationships.len() as i64;
        professionals += f.professional_ids.len() as i64;
        let seeded = demo.deadlines(&f, i as u32, &calendar, &policies);
        deadlines += seeded.len() as i64;
        conferences += demo.conference(&f, i as u32, &calendar, &policies, db.clock().now()).is_some() as i64;
        // Those that have happened (issues 13, 15).
        conferences += demo.history(&f, i as u32, &seeded, &calendar, &policies).conferences.len() as i64;
    }
    assert_eq!(count("SELECT COUNT(*) AS n FROM family").await, 300);
    assert_eq!(count("SELECT COUNT(*) AS n FROM family_case").await, 300);
    assert_eq!(count("SELECT COUNT(*) AS n FROM child").await, children);
    assert_eq!(count("SELECT COUNT(*) AS n FROM adult").await, adults);
    assert_eq!(count("SELECT COUNT(*) AS n FROM adult_child").await, links);
    assert_eq!(count("SELECT COUNT(*) AS n FROM case_professional").await, professionals);
    assert_eq!(count("SELECT COUNT(*) AS n FROM conference").await, conferences);
    assert!(conferences > 0, "the demo has conferences waiting");
    // The seeded deadlines, and those the conferences set.
    assert!(count("SELECT COUNT(*) AS n FROM deadline").await >= deadlines);
    assert_eq!(count("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'family.create'").await, 300);
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
}

#[tokio::test]
async fn relationships_to_each_conference_read_at_once_are_those_read_one_by_one() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let family = w.family("fam-rel").child("rel-amy", "AMY", "2015-01-01").mother("rel-mum", "Mia").create().await;
    let first = family.scheduled_conference(&w).await;
    let second = family.requested_conference_with(&w, "conf-rel-2", family.initial_request(&w)).await;
    let chair = w.staff_named("chair", &[Role::Chair]).await;
    let other = w.staff_named("other-chair", &[Role::Chair]).await;
    let worker = confer_domain::UserId(family.worker.clone());
    for user in [&chair, &other, &worker] {
        let at_once = confer_store::families::relationships_by_conference(&db, user, family.id()).await.unwrap();
        for c in [&first.id, &second.id] {
            let one = confer_store::conferences::relationships(&db, user, family.id(), c).await.unwrap();
            assert_eq!(at_once.of(c), one, "{user:?} to {c}");
        }
        let pairs = [(family.id(), first.id.as_str()), (family.id(), second.id.as_str())];
        let each = confer_store::conferences::relationships_to_each(&db, user, &pairs).await.unwrap();
        for ((f, c), rels) in pairs.iter().zip(each) {
            assert_eq!(
                rels,
                confer_store::conferences::relationships(&db, user, f, c).await.unwrap(),
                "{user:?} to {c}"
            );
        }
    }
}
