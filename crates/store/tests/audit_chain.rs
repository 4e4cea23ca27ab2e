//! The audit chain on a real database: every change is chained, and `verify` names the first
//! event that was changed, deleted or reordered by someone editing the database directly.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_domain::audit::{ChainBreak, EventKind};
use confer_store::audit::{self, Entry};
use confer_store::testing::{self, World};
use confer_store::Db;

async fn seeded() -> (Db, String) {
    let db = testing::fresh_db().await;
    let la = World::new(&db).await.authority;
    for i in 0..9 {
        audit::record_alone(
            &db,
            Entry {
                authority_id: la.id.as_str(),
                actor: "tester",
                kind: EventKind::Change,
                action: "family.update",
                entity_type: "family",
                entity_id: "fam-1",
                before: serde_json::json!({"n": i}),
                after: serde_json::json!({"n": i + 1}),
            },
        )
        .await
        .unwrap();
    }
    (db, la.id.0)
}

#[tokio::test]
async fn intact_chain_verifies_keep_01() {
    let (db, _) = seeded().await;
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.events, 10, "authority creation plus nine changes");
}

#[tokio::test]
async fn an_edited_event_is_named_keep_01() {
    let (db, la) = seeded().await;
    sqlx::query("UPDATE audit_event SET after_json = '{\"n\":999}' WHERE authority_id = $1 AND seq = 4")
        .bind(&la)
        .execute(db.pool())
        .await
        .unwrap();
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { authority: la, seq: 4 }));
}

#[tokio::test]
async fn a_deleted_event_is_named_keep_01() {
    let (db, la) = seeded().await;
    sqlx::query("DELETE FROM audit_event WHERE authority_id = $1 AND seq = 6")
        .bind(&la)
        .execute(db.pool())
        .await
        .unwrap();
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Gap { authority: la, seq: 7, expected: 6 }));
}

#[tokio::test]
async fn reordered_events_are_found_keep_01() {
    let (db, la) = seeded().await;
    // Swap the contents of events 3 and 5 (keeping their numbers): the order of history changed.
    for (from, to) in [(3, -3), (5, 3), (-3, 5)] {
        sqlx::query("UPDATE audit_event SET seq = $3 WHERE authority_id = $1 AND seq = $2")
            .bind(&la)
            .bind(from as i64)
            .bind(to as i64)
            .execute(db.pool())
            .await
            .unwrap();
    }
    let v = audit::verify(&db).await.unwrap();
    assert!(matches!(v.first_break, Some(ChainBreak::Broken { seq: 3, .. })), "{:?}", v.first_break);
}

#[tokio::test]
async fn deleting_the_newest_events_is_found_keep_01() {
    let (db, la) = seeded().await;
    sqlx::query("DELETE FROM audit_event WHERE authority_id = $1 AND seq >= 9")
        .bind(&la)
        .execute(db.pool())
        .await
        .unwrap();
    let v = audit::verify(&db).await.unwrap();
    assert!(
        matches!(v.first_break, Some(ChainBreak::Truncated { found_last: 8, expected_last: 10, .. })),
        "{:?}",
        v.first_break
    );
}

#[tokio::test]
async fn concurrent_writers_never_fork_the_chain() {
    let (db, la) = seeded().await;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let db = db.clone();
        let la = la.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                audit::record_alone(
                    &db,
                    Entry {
                        authority_id: &la,
                        actor: "writer",
                        kind: EventKind::Change,
                        action: "family.update",
                        entity_type: "family",
                        entity_id: "fam-2",
                        before: serde_json::Value::Null,
                        after: serde_json::json!({"writer": w, "i": i}),
                    },
                )
                .await
                .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.events, 90);
}

/// Reads recorded at the same moment share transactions (group commit), yet every one is in
/// the chain once it has returned, interleaved with changes written on their own, and the
/// chain still verifies (KEEP-01, ROLE-11).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_recorded_together_are_all_committed_keep_01() {
    let (db, la) = seeded().await;
    let mut tasks = Vec::new();
    for r in 0..60 {
        let db = db.clone();
        let la = la.clone();
        tasks.push(tokio::spawn(async move {
            let entry = |kind, action: &'static str| Entry {
                authority_id: &la,
                actor: "reader",
                kind,
                action,
                entity_type: "family",
                entity_id: "fam-3",
                before: serde_json::Value::Null,
                after: serde_json::json!({"reader": r}),
            };
            audit::record_read(&db, entry(EventKind::Read, "family.read")).await.unwrap();
            // Once record_read has returned, the read is committed: another connection sees it.
            let seen = audit::for_entity(&db, &la, "family", "fam-3", 1000).await.unwrap();
            assert!(seen.iter().any(|e| e.kind == EventKind::Read && e.after.contains(&format!("\"reader\":{r}}}"))));
            if r % 10 == 0 {
                audit::record_alone(&db, entry(EventKind::Change, "family.update")).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.events, 10 + 60 + 6);
    let reads = audit::for_entity(&db, &la, "family", "fam-3", 1000).await.unwrap();
    assert_eq!(reads.iter().filter(|e| e.kind == EventKind::Read).count(), 60);
}
