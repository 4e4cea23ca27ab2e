//! Conferences in the database: one transaction per change with its audit event, lost updates
//! refused, domain refusals returned untouched and nothing written, the people the access
//! policy reads kept up to date. Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use chrono::{NaiveDate, Utc};
use confer_domain::access::Relationship;
use confer_domain::conference::*;
use confer_domain::*;
use confer_store::conferences::{self, Change};
use confer_store::testing::{self, World};
use confer_store::versioned::SaveError;
use confer_store::{audit, Db};
use confer_store::{families, users};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An account with a fixed id (the tests name it in domain calls), without a password.
async fn user(db: &Db, la: &AuthorityId, name: &str, roles: &[Role]) -> UserId {
    testing::PersonBuilder::new(db, la, name).id(name).roles(roles).create().await.0.into()
}

/// A requested conference for one child, saved at version 1.
async fn seeded() -> (Db, Conference) {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let sw = user(&db, &w.authority.id, "sw", &[Role::SocialWorker]).await;
    user(&db, &w.authority.id, "coord", &[Role::Coordinator]).await;
    let fam = w.family("fam").worker(sw.as_str()).child("amy", "Amy", "2015-01-01").mother("mum", "Mum").create().await;
    let c = fam.requested_conference(&w).await;
    (db, c.conference)
}

fn coordinator() -> Acting {
    Acting::new("coord", &[Role::Coordinator], &[])
}

#[tokio::test]
async fn a_saved_change_bumps_the_version_and_is_audited_with_what_changed_keep_01() {
    let (db, _) = seeded().await;
    let stored = conferences::load(&db, "conf").await.unwrap();
    assert_eq!(stored.version, 1);
    let ((), v) = conferences::save(&db, "conf", 1, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "Family moved away", Utc::now())
    })
    .await
    .unwrap();
    assert_eq!(v, 2);
    let stored = conferences::load(&db, "conf").await.unwrap();
    assert_eq!(stored.conference.state(), ConferenceState::Cancelled);
    let la = stored.conference.authority_id().clone();
    let events = audit::for_entity(&db, la.as_str(), "conference", "conf", 10).await.unwrap();
    let cancel = events.iter().find(|e| e.action == "conference.cancel").expect("audited");
    assert!(cancel.after.contains("Family moved away") && cancel.after.contains("cancelled"));
    assert!(!cancel.after.contains("Neglect."), "only the changed parts, not the whole conference");
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
    let rows = conferences::list(
        &db,
        &la,
        &conferences::Filter { state: Some(ConferenceState::Cancelled), limit: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "the index columns follow the document");
}

#[tokio::test]
async fn two_changes_from_the_same_version_never_overwrite_each_other() {
    let (db, _) = seeded().await;
    let first = conferences::save(&db, "conf", 1, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "First", Utc::now())
    });
    let second = conferences::save(&db, "conf", 1, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "Second", Utc::now())
    });
    let (a, b) = tokio::join!(first, second);
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "exactly one wins: {outcomes:?}");
    let lost = if a.is_ok() { b } else { a };
    assert!(matches!(lost, Err(SaveError::Conflict { current_version: 2 })), "{lost:?}");
    assert_eq!(conferences::load(&db, "conf").await.unwrap().version, 2);
}

#[tokio::test]
async fn a_domain_refusal_comes_back_untouched_and_writes_nothing() {
    let (db, _) = seeded().await;
    let refused = conferences::save(&db, "conf", 1, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "  ", Utc::now())
    })
    .await;
    assert!(matches!(refused, Err(SaveError::Refused(ConferenceError::Missing { .. }))), "{refused:?}");
    assert_eq!(conferences::load(&db, "conf").await.unwrap().version, 1);
    let missing = conferences::save(&db, "nope", 1, Change::new("coord", "x"), |_| Ok(())).await;
    assert!(matches!(missing, Err(SaveError::NotFound)));
}

#[tokio::test]
async fn the_chair_and_note_taker_of_a_conference_stand_in_relationship_to_it_role_11() {
    let (db, c) = seeded().await;
    let la = c.authority_id().clone();
    let chair = user(&db, &la, "chair", &[Role::Chair]).await;
    user(&db, &la, "notes", &[Role::NoteTaker]).await;
    let chair_account = users::by_id(&db, &chair).await.unwrap().account;
    struct Weekdays;
    impl confer_domain::calendar::WorkingCalendar for Weekdays {
        fn is_working_day(&self, _: NaiveDate) -> bool {
            true
        }
        fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
            from + chrono::Days::new(days.into())
        }
        fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
            from - chrono::Days::new(days.into())
        }
    }
    let slot = Slot {
        date: d("2026-11-20"),
        time: chrono::NaiveTime::MIN,
        venue: Some("Room".into()),
        video_link: None,
        chair: chair.clone(),
    };
    let change = Change { note_taker: Some(Some("notes")), ..Change::new("coord", "conference.schedule") };
    conferences::save(&db, "conf", 1, change, |c| {
        c.schedule(&coordinator(), slot, &chair_account, |_| None, None, &Weekdays, d("2026-11-03"), Utc::now())
    })
    .await
    .unwrap();
    let rels = conferences::relationships(&db, &chair, "fam", "conf").await.unwrap();
    assert_eq!(rels, vec![Relationship::ConferenceChair]);
    let rels = conferences::relationships(&db, &"notes".into(), "fam", "conf").await.unwrap();
    assert_eq!(rels, vec![Relationship::Invited]);
    let family_wide = families::relationships(&db, &chair, "fam").await.unwrap();
    assert_eq!(family_wide, vec![Relationship::ConferenceChair]);
    let mine = conferences::chaired_between(&db, &chair, d("2026-11-01"), d("2026-11-30")).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(conferences::waiting_to_be_scheduled(&db, &la, 100).await.unwrap().is_empty());
    // The note taker is kept with the conference.
    let stored = conferences::load(&db, "conf").await.unwrap();
    assert_eq!(stored.note_taker, Some(UserId::from("notes")));
}

/// EXC-03, EXC-06: a conference document stored when parts were typed still loads. A typed part
/// that names one of the agenda's parts ("Police info") becomes it; one that names none is kept
/// as unrecognised, and the person excluded from it sees less (the outcome only), never more.
#[tokio::test]
async fn documents_stored_with_typed_parts_still_load_and_fail_closed_exc_03_exc_06() {
    let (db, _) = seeded().await;
    let row = sqlx::query("SELECT doc FROM conference WHERE id = $1").bind("conf").fetch_one(db.pool()).await.unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&sqlx::Row::try_get::<String, _>(&row, "doc").unwrap()).unwrap();
    let exclusion = |part: &str| {
        serde_json::json!({
            "decision": {
                "adult_id": "mum",
                "scope": {"scope": "part", "part": part, "kind": "other", "will_see": "the plan", "will_not_see": "the part"},
                "reasons": ["risk-of-violence"], "detail": "d", "rests_on_police_information": false,
                "views_by": ["letter-to-chair"]
            },
            "decided_by": "chair", "decided_at": "2026-11-05T10:00:00Z", "told": null
        })
    };
    doc["exclusions"] = serde_json::json!([exclusion("Police info")]);
    sqlx::query("UPDATE conference SET doc = $1 WHERE id = $2")
        .bind(doc.to_string())
        .bind("conf")
        .execute(db.pool())
        .await
        .unwrap();
    let loaded = conferences::load(&db, "conf").await.expect("an older document loads");
    assert_eq!(loaded.conference.excluded_parts(&"mum".into()), vec![Part::Known(AgendaPart::ProfessionalsOnly)]);
    let sees = Visibility::for_person(&loaded.conference, &Person::FamilyMember("mum".into()));
    assert!(!sees.outcome_only, "a recognised part withholds that part only");

    doc["exclusions"] = serde_json::json!([exclusion("Mother's safety")]);
    sqlx::query("UPDATE conference SET doc = $1 WHERE id = $2")
        .bind(doc.to_string())
        .bind("conf")
        .execute(db.pool())
        .await
        .unwrap();
    let loaded = conferences::load(&db, "conf").await.expect("an older document loads");
    assert_eq!(loaded.conference.excluded_parts(&"mum".into()), vec![Part::Unrecognised("Mother's safety".into())]);
    let sees = Visibility::for_person(&loaded.conference, &Person::FamilyMember("mum".into()));
    assert!(sees.outcome_only, "an unrecognised part withholds all but the outcome (fail closed)");
}
