//! ROLE-11: every page that shows a family's record is logged as a read: the child's edit
//! form, the request form (which lists the family's children and adults) and the family's
//! audit trail itself. (The record copy page is in conference_pages.rs.) Runs on SQLite, and on
//! PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use chrono::NaiveDate;
use common::*;
use confer_domain::audit::EventKind;
use confer_domain::*;
use confer_store::audit;
use reqwest::StatusCode;

async fn family_for(app: &App, worker: &str) -> (String, String) {
    app.world
        .family("fam-ra")
        .named("Marlow family")
        .surname("Marlow")
        .worker(worker)
        .case_id("case-ra")
        .opened_on(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap())
        .child("child-ra", "Skye", "2016-05-06")
        .with_child(|c| {
            c.la_child_id = "LA0002".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .create()
        .await;
    ("fam-ra".into(), "child-ra".into())
}

/// The reads of the family's record by `actor` logged under `action`.
async fn reads(app: &App, fid: &str, actor: &str, action: &str) -> usize {
    audit::for_entity(&app.db, app.authority.id.as_str(), "family", fid, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == EventKind::Read && e.actor == actor && e.action == action)
        .count()
}

#[tokio::test]
async fn the_child_edit_form_and_the_request_form_are_logged_as_reads_role_11() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.ra", &[Role::SocialWorker], None).await;
    let (fid, cid) = family_for(&app, &sw).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let edit = b.get(&format!("/families/{fid}/children/{cid}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("Skye"));
    assert_eq!(reads(&app, &fid, &sw, "family.child-edit.read").await, 1, "the child's form is a read");
    let form = b.get(&format!("/families/{fid}/conferences/new")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Skye"));
    assert_eq!(reads(&app, &fid, &sw, "conference.request-form.read").await, 1, "the request form is a read");
    // Refused before reading: nothing is logged for someone the policy turns away.
    let (outsider, _) = staff(&app, "sw.other", &[Role::SocialWorker], None).await;
    let mut o = Browser::new(&app);
    o.session_for(&app.db, &outsider).await;
    assert_ne!(o.get(&format!("/families/{fid}/children/{cid}/edit")).await.status, StatusCode::OK);
    assert_eq!(reads(&app, &fid, &outsider, "family.child-edit.read").await, 0);
}

#[tokio::test]
async fn reading_the_family_audit_trail_is_itself_logged_role_11() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.ra2", &[Role::SocialWorker], None).await;
    let (auditor, _) = staff(&app, "auditor.ra", &[Role::Auditor], None).await;
    let (fid, _) = family_for(&app, &sw).await;
    let mut a = Browser::new(&app);
    a.session_for(&app.db, &auditor).await;
    let trail = a.get(&format!("/families/{fid}/audit")).await;
    assert_eq!(trail.status, StatusCode::OK);
    assert_eq!(reads(&app, &fid, &auditor, "family.audit.read").await, 1);
    let again = a.get(&format!("/families/{fid}/audit")).await;
    assert!(again.body.contains("family.audit.read"), "the auditor's own read is in the trail");
}
