//! Issue 12: the delivery worker's claim reads only what it takes. A demo of 50,000 families
//! leaves some 33,000 reminders pending; the claim used to read all of them and sort them (a
//! scan of the outbox and a temporary B-tree, 30-50 ms) inside SQLite's write lock, many times
//! a second, so every page's read event waited for it. Now the search goes through the partial
//! indexes of migration 0046, and on SQLite it is made outside the write transaction.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_store::outbox::{self, Retry, Routes};
use confer_store::{testing, Backend, Db};
use sqlx::Row;

async fn authority(db: &Db, code: &str) -> String {
    let id = confer_store::new_id();
    sqlx::query("INSERT INTO authority (id, code, name, nation, created_at) VALUES ($1, $2, $3, 'england', $4)")
        .bind(&id)
        .bind(code)
        .bind(format!("Authority {code}"))
        .bind(db.now())
        .execute(db.pool())
        .await
        .unwrap();
    id
}

/// `n` e-mails of `authority` in the outbox with this status, created in order.
async fn messages(db: &Db, authority: &str, n: usize, status: &str) {
    let mut tx = db.begin().await.unwrap();
    for i in 0..n {
        sqlx::query(
            "INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at, status) \
             VALUES ($1, $2, 'email', $3, 'Reminder', 'Body', $4, $5)",
        )
        .bind(confer_store::new_id())
        .bind(authority)
        .bind(format!("person{i}@example.org"))
        .bind(format!("2026-01-01T00:{:02}:{:02}.000000Z", i / 60 % 60, i % 60))
        .bind(status)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The plan of the claim's search, as text, one line per step.
async fn plan(db: &Db, routes: Routes) -> Vec<String> {
    let search = outbox::candidates(db.backend, routes);
    testing::query_plan(db, &search, &["2026-06-01T00:00:00.000000Z", "20"], true).await
}

#[tokio::test]
async fn the_claim_reads_the_pending_messages_through_an_index_without_sorting_them() {
    let db = testing::fresh_db().await;
    let la = authority(&db, "LA1").await;
    messages(&db, &la, 400, "pending").await;
    messages(&db, &la, 400, "sent").await;
    sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
    let all = plan(&db, Routes::All).await;
    let text = all.join("\n");
    match db.backend {
        Backend::Sqlite => {
            assert!(text.contains("USING INDEX outbox_pending"), "{text}");
            assert!(!text.contains("TEMP B-TREE"), "the pending messages are sorted: {text}");
        }
        Backend::Postgres => {
            assert!(text.contains("outbox_pending"), "{text}");
            assert!(!text.contains("Seq Scan on outbox"), "{text}");
            assert!(!text.contains("Sort"), "the pending messages are sorted: {text}");
        }
    }
    // And it takes them in order, the earliest first.
    let now = chrono::Utc::now();
    let claimed = outbox::claim(&db, "w1", now, &Retry::default(), 20).await.unwrap();
    let created: Vec<&str> = claimed.iter().map(|m| m.created_at.as_str()).collect();
    assert_eq!(created.len(), 20);
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "{created:?}");
    assert_eq!(created[0], "2026-01-01T00:00:00.000000Z");
}

/// A worker without a relay sends only what goes through GOV.UK Notify. With thousands of
/// e-mails waiting for a relay, no text message and no authority on Notify, its search seeks
/// the index and reads nothing: it never walks the e-mails it cannot send.
#[tokio::test]
async fn without_a_relay_the_claim_seeks_only_what_goes_through_notify() {
    let db = testing::fresh_db().await;
    let la = authority(&db, "LA1").await;
    messages(&db, &la, 400, "pending").await;
    sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
    let notify = plan(&db, Routes::NotifyOnly).await;
    let text = notify.join("\n");
    match db.backend {
        Backend::Sqlite => {
            assert!(text.contains("SEARCH outbox USING INDEX outbox_pending_route (channel=?)"), "{text}");
            assert!(
                text.contains("SEARCH outbox USING INDEX outbox_pending_route (channel=? AND authority_id=?)"),
                "{text}"
            );
            assert!(!text.contains("SCAN outbox"), "the outbox is read whole: {text}");
        }
        Backend::Postgres => {
            assert!(text.contains("outbox_pending_route"), "{text}");
            assert!(!text.contains("Seq Scan on outbox"), "{text}");
        }
    }
    let now = chrono::Utc::now();
    let none = outbox::claim_routes(&db, "w1", now, &Retry::default(), 20, Routes::NotifyOnly).await.unwrap();
    assert!(none.is_empty(), "an e-mail for the relay was claimed by a worker without one");
    // A text message is claimed at once, and only it.
    let mut tx = db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at) \
         VALUES ('sms-1', $1, 'sms', '07700900123', 'Text message', 'Body', '2026-02-01T00:00:00.000000Z')",
    )
    .bind(&la)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let sms = outbox::claim_routes(&db, "w1", now, &Retry::default(), 20, Routes::NotifyOnly).await.unwrap();
    assert_eq!(sms.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), vec!["sms-1"]);
    assert_eq!(sms[0].attempt, 1);
}

/// Two workers whose searches found the same messages: each message is taken by one of them,
/// and the one that lost searches again, so between them they take every message due.
#[tokio::test]
async fn workers_that_found_the_same_messages_share_them_and_take_them_all() {
    let db = testing::fresh_db().await;
    let la = authority(&db, "LA1").await;
    messages(&db, &la, 30, "pending").await;
    let now = chrono::Utc::now();
    let retry = Retry::default();
    let (a, b, c) = tokio::join!(
        outbox::claim(&db, "a", now, &retry, 10),
        outbox::claim(&db, "b", now, &retry, 10),
        outbox::claim(&db, "c", now, &retry, 10),
    );
    let mut ids: Vec<String> = [a.unwrap(), b.unwrap(), c.unwrap()].concat().into_iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), 30);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "a message was claimed twice");
    let held: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE lease_owner IS NOT NULL AND attempts = 1")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(held, 30);
}
