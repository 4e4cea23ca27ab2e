//! Report files in the database (REP-02, REP-03): written in the same transaction as the
//! conference change that attaches them, with who, when, size, type and SHA-256 and an audit
//! event; never written when the change is refused or loses to someone else's save; the bytes
//! come back unchanged and every read is audited. Runs on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE).

use chrono::NaiveDate;
use confer_domain::access::Relationship;
use confer_domain::calendar::WorkingCalendar;
use confer_domain::conference::*;
use confer_domain::policy::Policy;
use confer_domain::*;
use confer_store::conferences::{self, Change};
use confer_store::documents::{self, NewDocument};
use confer_store::testing::{self, World};
use confer_store::versioned::SaveError;
use confer_store::Db;
use sqlx::Row;

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
    w.professional_at("ag-school", "Brook Primary", AgencyKind::Education, "p-school", "Tia Teacher", "Teacher", None)
        .await;
    let fam = w
        .family("fam")
        .worker(sw.as_str())
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mum")
        .professionals(&["p-school"])
        .create()
        .await;
    let c = fam.requested_conference(&w).await;
    (db, c.conference)
}

fn coordinator() -> Acting {
    Acting::new("coord", &[Role::Coordinator], &[])
}

/// Every day a working day: enough for a report's due date.
struct EveryDay;
impl WorkingCalendar for EveryDay {
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

/// Bytes of every value, including NUL: the file must come back exactly as sent.
fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.extend((0u8..=255).chain([0, 0, 255]));
    b
}

async fn attach(
    db: &Db,
    who: &Acting,
    version: i64,
    id: &str,
    bytes: &[u8],
) -> Result<i64, SaveError<ConferenceError>> {
    let file = ReportFile::check(id.into(), "school report.pdf", bytes).unwrap();
    let doc = NewDocument {
        id,
        file_name: &file.file_name,
        media_type: file.file_type.as_str(),
        sha256: &file.sha256,
        content: bytes,
    };
    let change = Change { document: Some(&doc), ..Change::new("coord", "conference.submit-report") };
    conferences::save(db, "conf", version, change, |c| {
        c.submit_report_file(
            who,
            &"p-school".into(),
            file.clone(),
            "",
            None,
            &Policy::default(),
            &EveryDay,
            d("2026-11-04"),
        )
    })
    .await
    .map(|(_, v)| v)
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(db.pool()).await.unwrap().try_get::<i64, _>(0).unwrap()
}

#[tokio::test]
async fn a_report_file_is_stored_with_its_change_audited_and_read_back_unchanged_rep_02_keep_01() {
    let (db, c) = seeded().await;
    let bytes = pdf();
    let v = attach(&db, &coordinator(), 1, "doc-1", &bytes).await.unwrap();
    assert_eq!(v, 2);
    let stored = conferences::load(&db, "conf").await.unwrap().conference;
    let report = &stored.reports()[0];
    let file = report.file.as_ref().expect("the conference names the file");
    assert_eq!(file.document_id, "doc-1");
    let la = c.authority_id().as_str();
    let doc = documents::read(&db, la, "fam", "conf", "doc-1", "coord").await.unwrap();
    assert_eq!(doc.content, bytes, "the bytes come back unchanged");
    assert_eq!(doc.size_bytes, bytes.len() as i64);
    assert_eq!(doc.sha256, file.sha256);
    assert_eq!(doc.media_type, "application/pdf");
    assert_eq!(doc.report_number, i64::from(report.id.0));
    assert_eq!(doc.uploaded_by, "coord");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_event WHERE action = 'document.upload'").await, 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_event WHERE action = 'document.read' AND kind = 'read'").await,
        1
    );
    // Another conference's (or authority's) id finds nothing.
    assert!(documents::read(&db, la, "fam", "other-conf", "doc-1", "coord").await.is_err());
}

#[tokio::test]
async fn no_file_is_kept_when_the_change_is_refused_or_loses_to_another_save() {
    let (db, _) = seeded().await;
    // The domain refuses: only the author or the coordinator submits a report.
    let stranger = Acting::new("sw", &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
    let refused = attach(&db, &stranger, 1, "doc-1", &pdf()).await;
    assert!(matches!(refused, Err(SaveError::Refused(ConferenceError::NotAllowed { .. }))), "{refused:?}");
    // A stale version: someone else saved first.
    let stale = attach(&db, &coordinator(), 7, "doc-2", &pdf()).await;
    assert!(matches!(stale, Err(SaveError::Conflict { current_version: 1 })), "{stale:?}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM document").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_event WHERE action = 'document.upload'").await, 0);
    assert_eq!(conferences::load(&db, "conf").await.unwrap().version, 1);
}
