//! The demo authority's history (issues 13, 14, 15), on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE): a small demo loaded through the bulk path has held conferences with
//! every kind of decision, plans made from them that read back as the generator made them,
//! each ending reason, repeat plans, core groups with ratings, overdue and done actions;
//! complaints, subject access requests, feedback and letters on the print list; Ofsted's List 7
//! and the dashboards' figures match counts made independently from the generator; the census
//! has no errors; and the audit chain verifies.

use chrono::NaiveDate;
use confer_demo::{Demo, DemoHistory, DemoOptions};
use confer_domain::access::Actor;
use confer_domain::annex_a::Period;
use confer_domain::calendar::Calendar;
use confer_domain::census::Severity;
use confer_domain::conference::{ChildOutcome, ConferenceState};
use confer_domain::dashboards::Filter;
use confer_domain::plan::{ActionStatus, EndReason, Plan, PlanKind};
use confer_domain::policy::PolicyHistory;
use confer_domain::Role;
use confer_ops::census::{self, By};
use confer_ops::{annex_a, dashboards, Ops};
use confer_store::clock::Clock;
use confer_store::{audit, plans, testing};
use sqlx::Row;
use std::collections::BTreeMap;

const FAMILIES: u32 = 150;

fn today() -> NaiveDate {
    "2026-11-25".parse().unwrap()
}

/// Every family's history, made again from the generator alone (not read from the database).
fn histories(demo: &Demo) -> Vec<DemoHistory> {
    let calendar = Calendar::for_nation(demo.options.nation);
    let policies = PolicyHistory::new(demo.options.nation);
    demo.families()
        .enumerate()
        .map(|(i, f)| {
            let i = i as u32;
            let deadlines = demo.deadlines(&f, i, &calendar, &policies);
            demo.try_history(&f, i, &deadlines, &calendar, &policies)
                .unwrap_or_else(|e| panic!("family {i} ({}): the domain refused {e}", f.case.stage))
        })
        .collect()
}

async fn count(ops: &Ops, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(ops.db.pool()).await.unwrap().try_get::<i64, _>("n").unwrap()
}

#[tokio::test]
async fn the_demo_has_held_conferences_plans_and_what_families_asked_dec_01_plan_03_plan_05_cg_03_right_01_right_02_qa_01(
) {
    let db = testing::fresh_db().await;
    let db = db.with_clock(Clock::as_if_today(today()));
    let demo = Demo::new(DemoOptions { families: FAMILIES, ..Default::default() }, today());
    confer_store::demo::load(&db, &demo, |_| {}).await.unwrap();
    let ops = Ops::new(db.clone(), Clock::as_if_today(today()));
    let made = histories(&demo);

    // Every held conference is in the store, closed, as the generator made it.
    let conferences: Vec<_> = made.iter().flat_map(|h| &h.conferences).collect();
    assert!(conferences.len() > 40, "{} held conferences", conferences.len());
    let stored = count(&ops, "SELECT COUNT(*) AS n FROM conference WHERE state = 'closed'").await;
    assert_eq!(stored, conferences.len() as i64);
    let participation =
        count(&ops, "SELECT COUNT(*) AS n FROM conference_participation WHERE held_on IS NOT NULL").await;
    assert_eq!(participation, conferences.len() as i64, "each held conference's participation row");
    for c in &conferences {
        let s = confer_store::conferences::load(&db, c.id().as_str()).await.unwrap();
        assert_eq!(&s.conference, *c);
        assert_eq!(s.conference.state(), ConferenceState::Closed);
    }
    // DEC-01: each kind of decision, and DIS-01 dissent now and then.
    let decided = |f: &dyn Fn(&ChildOutcome) -> bool| {
        conferences.iter().flat_map(|c| c.decisions()).filter(|d| f(&d.outcome)).count()
    };
    assert!(decided(&|o| matches!(o, ChildOutcome::ChildProtectionPlan { .. })) > 10);
    assert!(decided(&|o| matches!(o, ChildOutcome::ChildInNeedPlan)) > 0);
    assert!(decided(&|o| matches!(o, ChildOutcome::NoFurtherPlan)) > 0);
    assert!(decided(&|o| matches!(o, ChildOutcome::ContinuePlan { .. })) > 0);
    assert!(decided(&|o| matches!(o, ChildOutcome::EndPlanStepDownToChildInNeed)) > 0);
    assert!(decided(&|o| matches!(o, ChildOutcome::EndPlanNoFurtherPlan)) > 0);
    assert!(conferences.iter().any(|c| !c.dissents().is_empty()), "DIS-01");

    // PLAN-03: every plan reads back as made, and holds to the domain's rules.
    let all: Vec<&Plan> = made.iter().flat_map(|h| &h.plans).collect();
    assert_eq!(count(&ops, "SELECT COUNT(*) AS n FROM plan").await, all.len() as i64);
    for p in &all {
        let s = plans::load(&db, p.id.as_str()).await.unwrap();
        assert_eq!(&s.plan, *p);
        let from = conferences.iter().find(|c| c.id() == &p.started_by).expect("the conference that made it");
        let decision = from.decision_for(&p.child_id).expect("a decision for the child");
        match p.kind {
            // DEC-01: a child protection plan has its category from the conference.
            PlanKind::ChildProtection => {
                assert!(p.category().is_some());
                assert!(matches!(decision.outcome, ChildOutcome::ChildProtectionPlan { .. }));
            }
            PlanKind::ChildInNeed => assert!(matches!(
                decision.outcome,
                ChildOutcome::ChildInNeedPlan | ChildOutcome::EndPlanStepDownToChildInNeed
            )),
        }
        // PLAN-02: numbered once each; CG-03: a rating of 0 to 10 from each person present.
        let mut numbers: Vec<u32> = p.actions.iter().map(|a| a.number).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), p.actions.len());
        for m in &p.core_group_meetings {
            assert!(m.safety.iter().all(|r| r.rating <= 10));
            assert_eq!(m.safety.len(), m.present.len());
            assert!(m.held_on >= p.started_on && m.held_on <= today());
        }
        if let Some(e) = &p.ended {
            assert!(e.on >= p.started_on && e.on <= today(), "PLAN-05");
        }
        assert!(p.actions.iter().all(|a| a.status != ActionStatus::NotDone || a.not_done_reason.is_some()));
    }
    let ended = |r: EndReason| all.iter().filter(|p| p.ended.as_ref().is_some_and(|e| e.reason == r)).count();
    for r in [EndReason::ReviewDecision, EndReason::TransferOut, EndReason::Adopted, EndReason::NoLongerNeeded] {
        assert!(ended(r) > 0, "PLAN-05: a plan ended for {r}");
    }
    assert!(all.iter().any(|p| p.is_repeat()), "a repeat plan with the number of previous plans");
    assert!(all.iter().any(|p| p.lifecycle.stepped_down_from.is_some()), "PLAN-04: a step-down");
    assert!(all.iter().any(|p| !p.core_group_meetings.is_empty()), "CG-03");
    assert!(all.iter().any(|p| p.is_active() && !p.overdue_actions(today()).is_empty()), "PLAN-02: overdue");
    assert!(all.iter().flat_map(|p| &p.actions).any(|a| a.status == ActionStatus::Done));
    // CG-01: the core groups' accounts, as the access policy reads them.
    let members: usize = all.iter().map(|p| p.member_accounts().len()).sum();
    assert_eq!(count(&ops, "SELECT COUNT(*) AS n FROM core_group_member").await, members as i64);

    // The demo accounts each have something on their lists.
    let worker = demo.demo_account(Role::SocialWorker).unwrap().id.clone();
    assert!(!plans::of_user(&db, &demo.authority.id, &worker).await.unwrap().is_empty(), "my plans");
    let professional = demo.demo_account(Role::Professional).unwrap().id.clone();
    assert!(!plans::of_user(&db, &demo.authority.id, &professional).await.unwrap().is_empty(), "core group");

    // RIGHT-02, RIGHT-01, QA-01, and the print list (issue 14).
    let complaints = sqlx::query("SELECT status, stage FROM complaint").fetch_all(db.pool()).await.unwrap();
    let stages: BTreeMap<(String, i64), usize> = complaints.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry((r.try_get("status").unwrap(), r.try_get("stage").unwrap())).or_default() += 1;
        m
    });
    assert_eq!(complaints.len(), 4, "{stages:?}");
    assert!(stages.keys().any(|(_, stage)| *stage == 2), "one escalated to stage 2: {stages:?}");
    assert!(stages.keys().any(|(status, _)| status == "closed"), "{stages:?}");
    assert_eq!(count(&ops, "SELECT COUNT(*) AS n FROM subject_access_request").await, 3);
    let near = sqlx::query("SELECT due FROM subject_access_request WHERE state <> 'answered' ORDER BY due LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get::<String, _>("due")
        .unwrap();
    let near: NaiveDate = near.parse().unwrap();
    assert!(near >= today() && (near - today()).num_days() <= 7, "one request is due within days: {near}");
    assert!(count(&ops, "SELECT COUNT(*) AS n FROM feedback_response").await > 0, "QA-01");
    assert!(count(&ops, "SELECT COUNT(*) AS n FROM print_request").await > 0, "letters on the print list");
    assert_eq!(count(&ops, "SELECT COUNT(*) AS n FROM adult WHERE prefers_post = 1").await, 1, "asked for post");

    // Ofsted's List 7: every child protection plan running in the period, counted from the
    // generator (children in the census's scope: all of them have an episode).
    let period = Period { from: "2025-12-01".parse().unwrap(), to: today() };
    let r = annex_a::report(&ops, By::Operator, &demo.authority.id, period).await.unwrap();
    let running = all
        .iter()
        .filter(|p| {
            p.kind == PlanKind::ChildProtection && period.overlaps(p.started_on, p.ended.as_ref().map(|e| e.on))
        })
        .count();
    assert!(running > 10);
    assert_eq!(r.lists.list7.len(), running, "List 7");

    // The dashboards: plans started and ended, and conferences held, in the period.
    let qa = demo.demo_account(Role::QualityAssurance).unwrap();
    let actor = Actor {
        user_id: qa.id.clone(),
        authority_id: demo.authority.id.clone(),
        roles: [Role::QualityAssurance].into_iter().collect(),
    };
    let filter = Filter {
        from: period.from,
        to: period.to,
        team: None,
        chair: None,
        category: None,
        age: None,
        sex: None,
        ethnicity: None,
        disability: None,
    };
    let d = dashboards::dashboard(&ops, &actor, filter).await.unwrap();
    let cp = || all.iter().filter(|p| p.kind == PlanKind::ChildProtection);
    let started = cp().filter(|p| p.started_on >= period.from && p.started_on <= period.to).count();
    let ended = cp().filter(|p| p.ended.as_ref().is_some_and(|e| e.on >= period.from && e.on <= period.to)).count();
    let held = conferences.iter().filter(|c| c.date().is_some_and(|d| d >= period.from && d <= period.to)).count();
    assert!(started > 0 && ended > 0 && held > 0);
    assert_eq!(d.outcomes.started, started as u64);
    assert_eq!(d.outcomes.ended, ended as u64);
    assert_eq!(d.participation.conferences, held as u64);
    let dissents: usize = conferences
        .iter()
        .filter(|c| c.date().is_some_and(|d| d >= period.from && d <= period.to))
        .map(|c| c.dissents().len())
        .sum();
    assert_eq!(d.participation.dissents, dissents as u64, "DIS-01");

    // The census of the year has no errors (the demo's held conferences and plans included).
    let report = census::report(&ops, By::Operator, &demo.authority.id, 2027).await.unwrap();
    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(report.ret.children.iter().any(|c| c.episodes.iter().any(|e| !e.cp_plans.is_empty())));

    // Every change is in the audit chain, which verifies.
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
    let events = count(&ops, "SELECT COUNT(*) AS n FROM audit_event WHERE action = 'plan.demo-history'").await;
    assert_eq!(events, all.len() as i64);
}

#[test]
fn demo_histories_are_deterministic_and_every_step_is_allowed_by_the_domain() {
    let demo = Demo::new(DemoOptions { families: 400, ..Default::default() }, today());
    let (a, b) = (histories(&demo), histories(&demo));
    assert_eq!(a, b, "the same seed gives the same history");
    // PLAN-05: every ending reason over a larger demo (a child's death is rare).
    let big = Demo::new(DemoOptions { families: 3000, ..Default::default() }, today());
    let plans: Vec<Plan> = histories(&big).into_iter().flat_map(|h| h.plans).collect();
    for r in EndReason::ALL.iter().filter(|r| **r != EndReason::EighteenthBirthday) {
        assert!(plans.iter().any(|p| p.ended.as_ref().is_some_and(|e| e.reason == *r)), "{r}");
    }
}
