//! Records management in the store (KEEP-01, KEEP-02), on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE): a family's records come up for a disposal review only after the
//! schedule's date, a legal hold stops disposal, disposal takes two people, removes everything
//! about the family (no column of any table keeps its names or ids, apart from the tombstone and
//! the audit chain's references) and leaves `confer audit verify` passing; a redacted event
//! that is changed afterwards, or an event blanked without a disposal, breaks verification.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use confer_domain::portal::PortalPerson;
use confer_domain::retention::{RetentionError, RetentionRule, RetentionSchedule, RetentionTrigger};
use confer_domain::{AdultId, Role, UserId};
use confer_store::clock::Clock;
use confer_store::retention;
use confer_store::testing::{self, FamilyMade, World};
use confer_store::versioned::SaveError;
use confer_store::{audit, families, portal, Backend, Db};
use sqlx::Row;

fn at(day: &str, hour: u32) -> chrono::DateTime<Utc> {
    let day: NaiveDate = day.parse().unwrap();
    NaiveDateTime::new(day, NaiveTime::from_hms_opt(hour, 0, 0).unwrap()).and_utc()
}

/// A fresh database whose clock the test moves: the world is made on 3 November 2026.
async fn db_at_world_start() -> Db {
    testing::fresh_db().await.with_clock(Clock::fixed(at("2026-11-03", 9)))
}

struct People {
    qa: UserId,
    admin: UserId,
}

async fn people(w: &World) -> People {
    let qa = w.staff_named("qa", &[Role::QualityAssurance]).await;
    let admin = w.staff_named("admin", &[Role::Administrator]).await;
    People { qa, admin }
}

/// The Quillfeather family: Zephyrine (born 2010) and her mother Marisol, who has a portal
/// account; a conference decided no plan and closed, so the case is closed.
async fn quillfeather(w: &World) -> FamilyMade {
    let f = w
        .family("quill-family-7x")
        .surname("Quillfeather")
        .child("zephyrine-child-7x", "Zephyrine", "2010-03-04")
        .mother("marisol", "Marisol")
        .with_adult(|a| a.email = Some("marisol.quillfeather@family.example".into()))
        .create()
        .await;
    f.closed_conference(w).await;
    let person = PortalPerson::Adult(AdultId("marisol".into()));
    let access = portal::Access {
        authority_id: &w.authority.id,
        family_id: f.id(),
        person: &person,
        display_name: "Marisol Quillfeather",
        email: "marisol.quillfeather@family.example",
        role: Role::Parent,
    };
    portal::give_access(&w.db, &access, &f.worker).await.unwrap();
    f
}

/// Every text column of every table of the schema: (table, column).
async fn text_columns(db: &Db) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match db.backend {
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND data_type = 'text' ORDER BY table_name, column_name",
            )
            .fetch_all(db.pool())
            .await
            .unwrap();
            for r in rows {
                out.push((
                    r.try_get::<String, _>("table_name").unwrap(),
                    r.try_get::<String, _>("column_name").unwrap(),
                ));
            }
        }
        Backend::Sqlite => {
            let tables =
                sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            for t in tables {
                let table: String = t.try_get("name").unwrap();
                let cols = sqlx::query(&format!("SELECT name, type FROM pragma_table_info('{table}')"))
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
                for c in cols {
                    let ty: String = c.try_get("type").unwrap();
                    if ty.eq_ignore_ascii_case("TEXT") {
                        out.push((table.clone(), c.try_get::<String, _>("name").unwrap()));
                    }
                }
            }
        }
    }
    assert!(out.len() > 50, "the schema's text columns were found: {}", out.len());
    out
}

/// Where `needle` still appears, apart from what the audit chain and the tombstone keep by
/// design: an event's entity id, the family a redaction names, the families a list view
/// named (by id), and the tombstone's family id.
async fn where_found(db: &Db, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in text_columns(db).await {
        let kept_by_design = matches!(
            (table.as_str(), column.as_str()),
            ("audit_event", "entity_id") | ("audit_event", "redacted_by") | ("disposal", "family_id")
        );
        if kept_by_design {
            continue;
        }
        let extra = if table == "audit_event" { " AND action <> 'list.read'" } else { "" };
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE $1{extra}");
        let n: i64 =
            sqlx::query(&sql).bind(format!("%{needle}%")).fetch_one(db.pool()).await.unwrap().try_get("n").unwrap();
        if n > 0 {
            found.push(format!("{table}.{column} ({n})"));
        }
    }
    found
}

#[tokio::test]
async fn keep_02_disposal_removes_everything_about_the_family_and_the_chain_still_verifies() {
    let db = db_at_world_start().await;
    let w = World::new(&db).await;
    let p = people(&w).await;
    let f = quillfeather(&w).await;
    let conferences: i64 = sqlx::query("SELECT COUNT(*) AS n FROM conference WHERE family_id = 'quill-family-7x'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(conferences, 1);
    // A second family, left alone, must come through untouched.
    let other =
        w.family("oak").surname("Oakes").child("ivy", "Ivy", "2009-01-01").mother("olga", "Olga").create().await;
    let before = audit::verify(&db).await.unwrap();
    assert!(before.first_break.is_none());

    // Zephyrine turns 25 on 4 March 2035: nothing happens before.
    db.clock().set(at("2035-03-03", 9));
    let refused = retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Retention period over").await;
    assert!(matches!(refused, Err(SaveError::Refused(RetentionError::NotYetDue { .. }))), "{refused:?}");
    db.clock().set(at("2035-03-04", 9));
    retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Retention period over; nothing open").await.unwrap();
    // The proposer cannot authorise; a second person can.
    let same = retention::dispose(&db, &w.authority.id, f.id(), &p.qa).await;
    assert!(matches!(same, Err(SaveError::Refused(RetentionError::SamePerson))), "{same:?}");
    let tomb = retention::dispose(&db, &w.authority.id, f.id(), &p.admin).await.unwrap();
    assert_eq!(tomb.retain_until, "2035-03-04");
    assert_eq!(tomb.removed["children"], 1);
    assert_eq!(tomb.removed["family"], 1);
    assert!(tomb.removed["audit events redacted"].as_u64().unwrap() > 3, "{}", tomb.removed);

    // The family is gone, its tombstone names no one, and the chain still verifies.
    assert!(families::family_authority(&db, f.id()).await.unwrap().is_none());
    let kept = retention::tombstone(&db, &w.authority.id, f.id()).await.unwrap().unwrap();
    assert_eq!(kept.authorised_by.as_deref(), Some(p.admin.as_str()));
    assert_eq!(kept.proposed_by, p.qa.as_str());
    let after = audit::verify(&db).await.unwrap();
    assert!(after.first_break.is_none(), "{:?}", after.first_break);
    assert!(after.events > before.events);

    // Nothing anywhere keeps the family's names, address or ids.
    for needle in
        ["Zephyrine", "Quillfeather", "Marisol", "marisol.quillfeather@", "zephyrine-child-7x", "quill-family-7x"]
    {
        assert_eq!(where_found(&db, needle).await, Vec::<String>::new(), "{needle} is still held");
    }
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM conference WHERE family_id = 'quill-family-7x'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(left, 0);
    // The other family is all there.
    assert!(families::family_authority(&db, other.id()).await.unwrap().is_some());
    assert!(!where_found(&db, "Oakes").await.is_empty());
}

#[tokio::test]
async fn keep_02_a_legal_hold_stops_disposal_until_it_is_lifted_with_a_reason() {
    let db = db_at_world_start().await;
    let w = World::new(&db).await;
    let p = people(&w).await;
    let f = quillfeather(&w).await;
    db.clock().set(at("2036-01-05", 9));
    retention::place_hold(&db, &w.authority.id, f.id(), &p.qa, "Civil claim pending").await.unwrap();
    let again = retention::place_hold(&db, &w.authority.id, f.id(), &p.admin, "Another").await;
    assert!(matches!(again, Err(SaveError::Refused(RetentionError::AlreadyHeld))), "{again:?}");
    let proposed = retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Past retention").await;
    assert!(matches!(proposed, Err(SaveError::Refused(RetentionError::UnderLegalHold { .. }))), "{proposed:?}");
    // The list of families due shows it, held.
    let due = retention::due_for_review(&db, &w.authority.id, &RetentionSchedule::default(), db.today(), 50, 0)
        .await
        .unwrap();
    let row = due.iter().find(|d| d.family_id == f.id()).expect("the family is due for review");
    assert!(row.held);

    let no_reason = retention::lift_hold(&db, &w.authority.id, f.id(), &p.qa, " ").await;
    assert!(matches!(no_reason, Err(SaveError::Refused(RetentionError::NoReason))));
    retention::lift_hold(&db, &w.authority.id, f.id(), &p.qa, "Claim settled").await.unwrap();
    retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Past retention").await.unwrap();
    // A hold placed after the proposal still stops the second person.
    retention::place_hold(&db, &w.authority.id, f.id(), &p.admin, "Inquiry announced").await.unwrap();
    let stopped = retention::dispose(&db, &w.authority.id, f.id(), &p.admin).await;
    assert!(matches!(stopped, Err(SaveError::Refused(RetentionError::UnderLegalHold { .. }))), "{stopped:?}");
    assert!(families::family_authority(&db, f.id()).await.unwrap().is_some());
    // Each step is in the audit trail.
    let events = audit::for_entity(&db, w.authority.id.as_str(), "family", f.id(), 50).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for a in ["records.hold.place", "records.hold.lift", "records.dispose.propose"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn keep_02_only_families_past_the_schedules_date_are_due_and_a_longer_rule_keeps_them() {
    let db = db_at_world_start().await;
    let w = World::new(&db).await;
    let p = people(&w).await;
    let f = quillfeather(&w).await;
    // A younger family (no conference needed: its date is what keeps it off the list).
    w.family("birch").surname("Birchall").child("rowan", "Rowan", "2020-06-01").create().await;
    db.clock().set(at("2035-06-01", 9));
    let schedule = RetentionSchedule::default();
    let due = retention::due_for_review(&db, &w.authority.id, &schedule, db.today(), 50, 0).await.unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.family_id.as_str()).collect();
    assert_eq!(ids, vec![f.id()]);

    // The authority keeps the records of every family that had a conference until the 30th
    // birthday: nobody is due now, and the saved schedule is what the list uses.
    let (current, version) = retention::schedule(&db, &w.authority.id).await.unwrap();
    assert_eq!((current, version), (RetentionSchedule::default(), 0));
    let longer = RetentionSchedule::new(vec![RetentionRule {
        trigger: RetentionTrigger::Every,
        keep_until_age: 30,
        basis: "Council schedule 4.2".into(),
    }])
    .unwrap();
    let v = retention::save_schedule(&db, &w.authority.id, &p.admin, &longer, 0).await.unwrap();
    assert_eq!(v, 1);
    let stale = retention::save_schedule(&db, &w.authority.id, &p.admin, &RetentionSchedule::default(), 0).await;
    assert!(matches!(stale, Err(SaveError::Conflict { current_version: 1 })), "{stale:?}");
    let (saved, _) = retention::schedule(&db, &w.authority.id).await.unwrap();
    assert!(retention::due_for_review(&db, &w.authority.id, &saved, db.today(), 50, 0).await.unwrap().is_empty());
    let refused = retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Past retention").await;
    assert!(matches!(refused, Err(SaveError::Refused(RetentionError::NotYetDue { .. }))), "{refused:?}");
}

#[tokio::test]
async fn keep_01_a_redacted_event_changed_later_or_an_event_blanked_without_a_disposal_breaks_verification() {
    let db = db_at_world_start().await;
    let w = World::new(&db).await;
    let p = people(&w).await;
    let f = quillfeather(&w).await;
    db.clock().set(at("2035-03-04", 9));
    retention::propose(&db, &w.authority.id, f.id(), &p.qa, "Past retention").await.unwrap();
    retention::dispose(&db, &w.authority.id, f.id(), &p.admin).await.unwrap();
    assert!(audit::verify(&db).await.unwrap().first_break.is_none());

    let redacted: i64 = sqlx::query("SELECT MIN(seq) AS s FROM audit_event WHERE redacted_by = 'quill-family-7x'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("s")
        .unwrap();
    // Someone changes who did a redacted event: found.
    sqlx::query("UPDATE audit_event SET actor = 'someone-else' WHERE seq = $1")
        .bind(redacted)
        .execute(db.pool())
        .await
        .unwrap();
    let broken = audit::verify(&db).await.unwrap().first_break;
    assert!(
        matches!(broken, Some(confer_domain::audit::ChainBreak::Altered { seq, .. }) if seq == redacted),
        "{broken:?}"
    );
    sqlx::query("UPDATE audit_event SET actor = $2 WHERE seq = $1")
        .bind(redacted)
        .bind(p.admin.as_str())
        .execute(db.pool())
        .await
        .ok();

    // Someone blanks another family's event and marks it redacted: found.
    let db2 = db_at_world_start().await;
    let w2 = World::new(&db2).await;
    let other =
        w2.family("oak").surname("Oakes").child("ivy", "Ivy", "2009-01-01").mother("olga", "Olga").create().await;
    other.closed_conference(&w2).await;
    let seq: i64 = sqlx::query("SELECT MAX(seq) AS s FROM audit_event WHERE entity_type = 'conference'")
        .fetch_one(db2.pool())
        .await
        .unwrap()
        .try_get("s")
        .unwrap();
    sqlx::query("UPDATE audit_event SET before_json = '', after_json = '', redacted_by = 'oak' WHERE seq = $1")
        .bind(seq)
        .execute(db2.pool())
        .await
        .unwrap();
    let forged = audit::verify(&db2).await.unwrap().first_break;
    assert!(matches!(forged, Some(confer_domain::audit::ChainBreak::Altered { seq: s, .. }) if s == seq), "{forged:?}");
}
