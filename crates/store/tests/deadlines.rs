//! Deadlines in the store, on SQLite or PostgreSQL (CONFER_TEST_DATABASE): the demo loader
//! seeds the deadlines that fit each case's stage, computed once with the authority's calendar
//! and policy; lists answer per scope and state; a late "met" needs a reason (TIME-01).

use chrono::NaiveDate;
use confer_demo::{Demo, DemoOptions};
use confer_domain::calendar::{Calendar, WorkingCalendar};
use confer_domain::timescales::{DeadlineRule, DeadlineState, LateReason};
use confer_domain::{CaseStage, Nation, Role};
use confer_store::deadlines::{self, ListQuery, MarkMetError, Scope, Sort, StateFilter};
use confer_store::{audit, demo, testing};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

#[tokio::test]
async fn the_demo_seeds_deadlines_that_fit_each_stage_time_01_rev_01_cg_02_plan_04() {
    let db = testing::fresh_db().await;
    let generated = Demo::new(DemoOptions { families: 60, ..DemoOptions::default() }, today());
    demo::load(&db, &generated, |_| {}).await.unwrap();
    let authority = generated.authority.id.clone();
    let cal = Calendar::for_nation(Nation::England);
    let mut open_total = 0;
    for (i, f) in generated.families().enumerate() {
        let stored = deadlines::for_family(&db, f.family.id.as_str()).await.unwrap();
        let expected =
            generated.deadlines(&f, i as u32, &cal, &confer_domain::policy::PolicyHistory::new(Nation::England));
        assert_eq!(stored.len(), expected.len(), "{}", f.family.id.as_str());
        for s in &stored {
            let e = expected
                .iter()
                .find(|e| e.deadline.rule == s.deadline.rule && e.deadline.trigger == s.deadline.trigger)
                .unwrap();
            assert_eq!(s.deadline.due, e.deadline.due);
            assert_eq!(s.met, e.met);
            assert_eq!(s.late_reason, e.late_reason);
        }
        open_total += stored.iter().filter(|s| s.met.is_none()).count();
        match f.case.stage {
            CaseStage::ConferenceRequested => {
                let icpc = stored.iter().find(|s| s.deadline.rule == DeadlineRule::InitialConference).unwrap();
                assert_eq!(icpc.deadline.due, cal.add_working_days(f.case.opened_on, 15), "TIME-01");
            }
            CaseStage::ChildInNeedPlan => {
                assert!(stored.iter().any(|s| s.deadline.rule == DeadlineRule::ChildInNeedReview))
            }
            _ => {}
        }
    }
    // The whole authority's open list, and the demo social worker's and chair's own.
    let q = |scope: Scope| ListQuery {
        authority: authority.clone(),
        scope,
        state: StateFilter::Open,
        rule: None,
        worker: None,
        sort: Sort::DueDate,
        today: today(),
        at_risk_until: cal.add_working_days(today(), 3),
        limit: 1000,
        offset: 0,
    };
    let all = deadlines::list(&db, &q(Scope { all: true, ..Scope::default() })).await.unwrap();
    assert_eq!(all.len(), open_total);
    assert!(all.windows(2).all(|w| w[0].deadline.due <= w[1].deadline.due), "sorted by due date");
    let sw = generated.demo_account(Role::SocialWorker).unwrap().id.as_str().to_owned();
    let mine = deadlines::list(&db, &q(Scope { workers: vec![sw.clone()], ..Scope::default() })).await.unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|d| d.allocated_worker_id == sw));
    let chair = generated.demo_account(Role::Chair).unwrap().id.as_str().to_owned();
    let chaired = deadlines::list(&db, &q(Scope { chair: Some(chair.clone()), ..Scope::default() })).await.unwrap();
    assert!(!chaired.is_empty() && chaired.iter().all(|d| d.chair_id.as_deref() == Some(chair.as_str())));
    assert!(deadlines::list(&db, &q(Scope::default())).await.unwrap().is_empty(), "no scope, no rows");
    // Overdue by SQL agrees with the domain's state.
    let mut oq = q(Scope { all: true, ..Scope::default() });
    oq.state = StateFilter::Only(DeadlineState::Overdue);
    for d in deadlines::list(&db, &oq).await.unwrap() {
        assert_eq!(d.state(today(), 3, &cal), DeadlineState::Overdue);
    }
    // Some deadlines were met late, each with a reason, and the report counts them.
    let reasons = deadlines::late_reasons(&db, &authority).await.unwrap();
    assert!(reasons.iter().map(|r| r.count).sum::<i64>() > 0);
}

#[tokio::test]
async fn a_late_met_date_without_a_reason_is_refused_with_the_domains_message_time_01() {
    let db = testing::fresh_db().await;
    let generated = Demo::new(DemoOptions { families: 12, ..DemoOptions::default() }, today());
    demo::load(&db, &generated, |_| {}).await.unwrap();
    let authority = generated.authority.id.clone();
    let f = generated.families().find(|f| f.case.stage == CaseStage::ConferenceRequested).unwrap();
    let set = deadlines::set_deadline(
        &db,
        f.case.id.as_str(),
        DeadlineRule::InitialConference,
        today() - chrono::Days::new(50),
        None,
        "tester",
    )
    .await
    .unwrap()
    .unwrap();
    let late = today() - chrono::Days::new(2);
    match deadlines::mark_met(&db, &authority, &set.id, late, None, "", today(), "tester").await {
        Err(MarkMetError::Invalid(e)) => assert!(e.to_string().contains("choose the reason for the delay"), "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let done =
        deadlines::mark_met(&db, &authority, &set.id, late, Some(LateReason::FamilyUnavailable), "", today(), "tester")
            .await
            .unwrap();
    assert_eq!(done.late_reason.unwrap().reason, LateReason::FamilyUnavailable);
    assert!(matches!(
        deadlines::mark_met(&db, &authority, &set.id, late, Some(LateReason::FamilyUnavailable), "", today(), "tester")
            .await,
        Err(MarkMetError::AlreadyMet(_))
    ));
    // Another authority's id is not found.
    let other = confer_domain::AuthorityId::from("nowhere");
    assert!(matches!(
        deadlines::mark_met(&db, &other, &set.id, late, None, "", today(), "tester").await,
        Err(MarkMetError::Store(confer_store::StoreError::NotFound))
    ));
    let events = audit::for_entity(&db, authority.as_str(), "family", f.family.id.as_str(), 50).await.unwrap();
    assert!(events.iter().any(|e| e.action == "deadline.set"));
    assert!(events.iter().any(|e| e.action == "deadline.met" && e.actor == "tester"));
    assert!(audit::verify(&db).await.is_ok());
}
