//! Complaints (RIGHT-02) as stored: a parent's complaint about a conference's decision is
//! logged against the conference at stage 1 with the deadline from the authority's own
//! calendar and policy, assigned, answered, escalated with the next stage's deadline, and
//! closed with every outcome kept; two officers answering from the same version: the second is
//! told, never saved over the first; each step is in the family's audit trail; disposal of
//! the family's records removes its complaints. SQLite, and PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

use chrono::NaiveDate;
use confer_domain::calendar::WorkingCalendar;
use confer_domain::complaint::{About, Complainant, Complaint, ComplaintError, Finding, Status};
use confer_store::complaints;
use confer_store::testing::{self, World};
use confer_store::versioned::SaveError;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn right_02_a_complaint_is_logged_against_the_conference_answered_escalated_and_kept() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = w.family("fam-c").surname("Cedar").child("cc", "Cass", "2015-05-05").mother("cm", "Cora").create().await;
    let conf = f.closed_conference(&w).await;
    // The deadline is counted in working days on the authority's own calendar.
    let calendar = confer_store::calendar::authority_calendar(&db, &w.authority).await.unwrap();
    let policies = confer_store::calendar::policy_history(&db, &w.authority).await.unwrap();
    let complaint = Complaint::receive(
        About::Decision,
        Some(conf.id.clone()),
        Complainant { adult_id: "cm".into(), logged_by_staff: None },
        "The plan was decided before I was heard.",
        d("2026-11-23"),
        &calendar,
        &policies,
    )
    .unwrap();
    assert_eq!(complaint.due_on, calendar.add_working_days(d("2026-11-23"), 10));
    let id = complaints::create(&db, w.authority.id.as_str(), f.id(), &complaint, "portal-user").await.unwrap();

    let officer = w.staff_named("officer", &[confer_domain::Role::QualityAssurance]).await;
    let other = w.staff_named("officer2", &[confer_domain::Role::QualityAssurance]).await;
    // Answering before it is assigned: refused with the reason, nothing saved.
    let early = complaints::save(&db, &id, 1, officer.as_str(), "complaint.answer", |c| {
        c.answer(&officer, Finding::Upheld, "Yes.", d("2026-11-24"))
    })
    .await;
    assert!(matches!(early, Err(SaveError::Refused(ComplaintError::Unassigned))), "{early:?}");
    let v = complaints::save(&db, &id, 1, officer.as_str(), "complaint.assign", |c| c.assign(officer.clone()))
        .await
        .unwrap();
    assert_eq!(v, 2);

    // Two officers answer from the same version: the first is kept, the second is told.
    let first = complaints::save(&db, &id, v, officer.as_str(), "complaint.answer", |c| {
        c.answer(&officer, Finding::PartlyUpheld, "You should have been heard first.", d("2026-11-25"))
    })
    .await
    .unwrap();
    let second = complaints::save(&db, &id, v, other.as_str(), "complaint.answer", |c| {
        c.answer(&other, Finding::NotUpheld, "Nothing wrong.", d("2026-11-25"))
    })
    .await;
    assert!(matches!(second, Err(SaveError::Conflict { current_version: 3 })), "{second:?}");
    let stored = complaints::load(&db, &id).await.unwrap().unwrap();
    assert_eq!(stored.complaint.answers.len(), 1);
    assert_eq!(stored.complaint.answers[0].finding, Finding::PartlyUpheld);

    // Escalated by the complainant: stage 2 with its own deadline (25 working days in England).
    let v = complaints::save(&db, &id, first, "portal-user", "complaint.escalate", |c| {
        c.escalate("I want it investigated", d("2026-11-26"), &calendar, &policies)
    })
    .await
    .unwrap();
    let stored = complaints::load(&db, &id).await.unwrap().unwrap();
    assert_eq!((stored.complaint.stage, stored.complaint.status), (2, Status::Received));
    assert_eq!(stored.complaint.due_on, calendar.add_working_days(d("2026-11-26"), 25));
    let v = complaints::save(&db, &id, v, officer.as_str(), "complaint.answer", |c| {
        c.answer(&officer, Finding::NotUpheld, "Investigated: the decision stands.", d("2026-12-10"))
    })
    .await
    .unwrap();
    complaints::save(&db, &id, v, officer.as_str(), "complaint.close", |c| c.close(d("2026-12-11"))).await.unwrap();

    // Kept with the conference: every outcome, in order.
    let of_conf = complaints::of_conference(&db, &conf.id).await.unwrap();
    assert_eq!(of_conf.len(), 1);
    let kept = &of_conf[0].complaint;
    assert_eq!(kept.status, Status::Closed);
    let findings: Vec<Finding> = kept.answers.iter().map(|a| a.finding).collect();
    assert_eq!(findings, vec![Finding::PartlyUpheld, Finding::NotUpheld]);
    assert_eq!(complaints::of_family(&db, f.id()).await.unwrap().len(), 1);
    let listed = complaints::open_list(&db, w.authority.id.as_str(), 50).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].family_name, "fam-c family");

    // Each step is in the family's audit trail.
    let events = confer_store::audit::for_entity(&db, w.authority.id.as_str(), "family", f.id(), 200).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for a in ["complaint.receive", "complaint.assign", "complaint.answer", "complaint.escalate", "complaint.close"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| **a == "complaint.answer").count(), 2, "the refused answers left no event");
    assert_eq!(confer_store::audit::verify(&db).await.unwrap().first_break, None);
}
