//! `audit verify` while the service keeps writing, and the chain's end checked from outside
//! the database (an exported head). Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_domain::audit::{ChainBreak, EventKind};
use confer_domain::Nation;
use confer_store::audit::{self, Entry, HeadExport};
use confer_store::testing::{self, World};
use confer_store::{users, Db};

fn entry(authority: &str, i: i64) -> Entry<'_> {
    Entry {
        authority_id: authority,
        actor: "tester",
        kind: EventKind::Change,
        action: "family.update",
        entity_type: "family",
        entity_id: "fam-1",
        before: serde_json::json!({"n": i}),
        after: serde_json::json!({"n": i + 1}),
    }
}

async fn seeded(n: i64) -> (Db, String) {
    let db = testing::fresh_db().await;
    let la = World::new(&db).await.authority;
    for i in 0..n {
        audit::record_alone(&db, entry(la.id.as_str(), i)).await.unwrap();
    }
    (db, la.id.0)
}

#[tokio::test]
async fn verify_while_events_are_appended_finds_no_false_break_keep_01() {
    let (db, la) = seeded(50).await;
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            for i in 0..150i64 {
                audit::record_alone(&db, entry(&la, i)).await.unwrap();
                // New chains start while verify runs too.
                if i % 50 == 0 {
                    users::create_authority(&db, &format!("N{i}"), "Newshire", Nation::Wales, "test").await.unwrap();
                }
            }
        })
    };
    let mut runs = 0;
    while !writer.is_finished() {
        let v = audit::verify(&db).await.unwrap();
        assert_eq!(v.first_break, None, "verify run {runs} reported a break while events were being added");
        runs += 1;
    }
    writer.await.unwrap();
    assert!(runs > 0);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn a_deleted_tail_is_caught_against_an_exported_head_keep_01() {
    let (db, la) = seeded(9).await;
    let export = audit::heads(&db).await.unwrap();
    assert_eq!(export.heads.len(), 1);
    assert_eq!(export.heads[0].seq, 10);
    assert!(!export.heads[0].at.is_empty());
    // Later events are no concern of the export.
    audit::record_alone(&db, entry(&la, 99)).await.unwrap();
    assert_eq!(audit::verify_against(&db, &export).await.unwrap().first_break, None);

    // Someone with the database deletes the last four events and moves the head back to match:
    // the chain alone looks whole.
    sqlx::query("DELETE FROM audit_event WHERE authority_id = $1 AND seq > 7")
        .bind(&la)
        .execute(db.pool())
        .await
        .unwrap();
    let hash: String = sqlx::query_scalar("SELECT hash FROM audit_event WHERE authority_id = $1 AND seq = 7")
        .bind(&la)
        .fetch_one(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = 7, hash = $2 WHERE authority_id = $1")
        .bind(&la)
        .bind(&hash)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None, "the database alone cannot tell");
    let v = audit::verify_against(&db, &export).await.unwrap();
    assert!(
        matches!(v.first_break, Some(ChainBreak::Truncated { expected_last: 10, found_last: 7, .. })),
        "{:?}",
        v.first_break
    );
}

#[tokio::test]
async fn a_changed_event_is_caught_and_a_rewritten_one_is_caught_against_an_exported_head_keep_01() {
    let (db, la) = seeded(5).await;
    let export = audit::heads(&db).await.unwrap();

    // Rewritten with its hash recomputed (and the head moved to match): the chain is whole,
    // but the exported head no longer matches.
    let mut last = audit::recent(&db, &la, 1).await.unwrap().remove(0);
    last.after = "{\"n\":1000}".into();
    last.hash = last.computed_hash();
    sqlx::query("UPDATE audit_event SET after_json = $3, hash = $4 WHERE authority_id = $1 AND seq = $2")
        .bind(&la)
        .bind(last.seq)
        .bind(&last.after)
        .bind(&last.hash)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET hash = $2 WHERE authority_id = $1")
        .bind(&la)
        .bind(&last.hash)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None, "the database alone cannot tell");
    let v = audit::verify_against(&db, &export).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { authority: la.clone(), seq: last.seq }));

    // Changed without recomputing: verify alone finds it.
    sqlx::query("UPDATE audit_event SET actor = 'someone else' WHERE authority_id = $1 AND seq = 3")
        .bind(&la)
        .execute(db.pool())
        .await
        .unwrap();
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { authority: la.clone(), seq: 3 }));
    assert!(audit::verify_against(&db, &export).await.unwrap().first_break.is_some());
}

#[tokio::test]
async fn a_signed_export_is_read_only_with_its_key_and_unchanged() {
    let (db, _) = seeded(2).await;
    let export = audit::heads(&db).await.unwrap();
    let key = b"kept away from the database";
    let signed = export.to_file_text(Some(key));
    let read = HeadExport::from_file_text(&signed, Some(key)).unwrap();
    assert_eq!(read.heads, export.heads);

    let err = HeadExport::from_file_text(&signed, None).unwrap_err();
    assert!(err.contains("signed"), "{err}");
    let err = HeadExport::from_file_text(&signed, Some(b"another key")).unwrap_err();
    assert!(err.contains("does not match"), "{err}");
    let changed = signed.replacen("\"seq\": 3", "\"seq\": 2", 1);
    assert_ne!(changed, signed);
    let err = HeadExport::from_file_text(&changed, Some(key)).unwrap_err();
    assert!(err.contains("does not match"), "{err}");
    let unsigned = export.to_file_text(None);
    assert!(HeadExport::from_file_text(&unsigned, None).is_ok());
    let err = HeadExport::from_file_text(&unsigned, Some(key)).unwrap_err();
    assert!(err.contains("not signed"), "{err}");
    let err = HeadExport::from_file_text("not json", None).unwrap_err();
    assert!(err.contains("not an export"), "{err}");
}
