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

/// Issue 12: the demo writes its waiting conferences with the batch's rows when creating them
/// through the service's path would write nothing else (`conferences::created_by_its_rows_alone`).
/// Each such conference, taken out and created again through that path, leaves the same rows,
/// sets no deadline, moves no case, and adds exactly its one `conference.request` event.
#[tokio::test]
async fn waiting_conferences_written_with_the_batch_are_what_the_service_path_writes() {
    let db = testing::fresh_db().await;
    let options = confer_demo::DemoOptions {
        families: 120,
        ..confer_demo::DemoOptions::for_nation(confer_domain::Nation::England)
    };
    let demo = confer_demo::Demo::new(options, db.today());
    confer_store::demo::load(&db, &demo, |_| {}).await.unwrap();
    let waiting = sqlx::query(
        "SELECT id, case_id, doc FROM conference WHERE state IN ('requested', 'scheduled') \
         AND id NOT IN (SELECT conference_id FROM print_request) ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(waiting.len() >= 5, "the demo has conferences waiting: {}", waiting.len());
    let in_batch = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'conference.request'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
    assert!(in_batch >= waiting.len() as i64);
    // Written with the batch: their events among the families' (the one-by-one path appends
    // them after every family's).
    let with_the_batch = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_event WHERE action = 'conference.request' \
         AND seq < (SELECT MAX(seq) FROM audit_event WHERE action = 'family.create')",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
    .try_get::<i64, _>("n")
    .unwrap();
    assert!(with_the_batch >= waiting.len() as i64 / 2, "{with_the_batch} of {in_batch} written with the batch");
    // Every row the conference's creation touches, as text, in a stable order.
    async fn rows_of(db: &confer_store::Db, id: &str, case: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (table, sql) in [
            ("child", "SELECT child_id AS a, '' AS b FROM conference_child WHERE conference_id = $1 ORDER BY 1"),
            (
                "person",
                "SELECT user_id AS a, relationship AS b FROM conference_person WHERE conference_id = $1 ORDER BY 1, 2",
            ),
            (
                "participation",
                "SELECT COALESCE(chair_id, '') || '/' || COALESCE(held_on, '') AS a, \
                 CAST(parents AS TEXT) || '/' || CAST(children AS TEXT) || '/' || CAST(children_invited AS TEXT) || '/' \
                 || CAST(interpreters_needed AS TEXT) || '/' || CAST(dissents AS TEXT) AS b \
                 FROM conference_participation WHERE conference_id = $1",
            ),
            (
                "summary",
                "SELECT COALESCE(slot_time, '') || '/' || children_names AS a, CAST(invited AS TEXT) || '/' || \
                 CAST(attending AS TEXT) || '/' || CAST(not_attending AS TEXT) || '/' || CAST(no_answer AS TEXT) AS b \
                 FROM conference_summary WHERE conference_id = $1",
            ),
            (
                "conference",
                "SELECT kind || '/' || state || '/' || COALESCE(date, '') || '/' || COALESCE(chair_id, '') || '/' || due_by AS a, \
                 COALESCE(record_state, '') || '/' || COALESCE(slot_time, '') || '/' || COALESCE(venue_key, '') \
                 || '/' || CAST(version AS TEXT) AS b FROM conference WHERE id = $1",
            ),
        ] {
            for r in sqlx::query(sql).bind(id).fetch_all(db.pool()).await.unwrap() {
                out.push(format!("{table}: {} | {}", r.try_get::<String, _>("a").unwrap(), r.try_get::<String, _>("b").unwrap()));
            }
        }
        for r in sqlx::query(
            "SELECT rule || '/' || trigger_on || '/' || due_on AS a, COALESCE(met_on, '') || '/' || \
             COALESCE(cancelled_on, '') AS b FROM deadline WHERE case_id = $1 ORDER BY 1",
        )
        .bind(case)
        .fetch_all(db.pool())
        .await
        .unwrap()
        {
            out.push(format!("deadline: {} | {}", r.try_get::<String, _>("a").unwrap(), r.try_get::<String, _>("b").unwrap()));
        }
        let stage = sqlx::query("SELECT stage FROM family_case WHERE id = $1").bind(case).fetch_one(db.pool()).await.unwrap();
        out.push(format!("case: {}", stage.try_get::<String, _>("stage").unwrap()));
        out
    }
    let events = || async {
        sqlx::query("SELECT COUNT(*) AS n FROM audit_event").fetch_one(db.pool()).await.unwrap().try_get::<i64, _>("n").unwrap()
    };
    for r in waiting.iter().take(8) {
        let (id, case, doc): (String, String, String) =
            (r.try_get("id").unwrap(), r.try_get("case_id").unwrap(), r.try_get("doc").unwrap());
        let conference: confer_domain::conference::Conference = serde_json::from_str(&doc).unwrap();
        let written = rows_of(&db, &id, &case).await;
        let mut tx = db.begin().await.unwrap();
        for table in ["conference_summary", "conference_participation", "conference_person", "conference_child"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conference_id = $1")).bind(&id).execute(&mut *tx).await.unwrap();
        }
        sqlx::query("DELETE FROM conference WHERE id = $1").bind(&id).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let before = events().await;
        let mut tx = db.begin().await.unwrap();
        confer_store::conferences::create_with_rules(&db, &mut tx, &conference, confer_store::demo::ACTOR, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(rows_of(&db, &id, &case).await, written, "{id}");
        assert_eq!(events().await, before + 1, "{id}: only its conference.request event");
    }
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}
