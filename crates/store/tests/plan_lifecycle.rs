//! Plans after the first conference in the store, on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE): the step-down to a child in need plan made in the review's
//! transaction (PLAN-04, PLAN-05, DEC-01), the child in need plan an initial conference decides
//! (PLAN-04), the plan a transfer-in conference starts (TIME-02), and repeat plans counted in
//! a column the returns read.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use confer_domain::access::Relationship;
use confer_domain::calendar::Calendar;
use confer_domain::conference::*;
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::plan::{ActionStatus, Plan, PlanKind};
use confer_domain::Role;
use confer_store::conferences::{self, Change};
use confer_store::plans;
use confer_store::testing::{self, schedule, FamilyMade, World};

fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    NaiveDateTime::new(day, NaiveTime::from_hms_opt(hour, 0, 0).unwrap()).and_utc()
}

async fn family(w: &World) -> FamilyMade {
    let teacher = w.person("teacher").roles(&[Role::Professional]).create().await.0;
    w.professional("p-school", Some(&teacher)).await;
    w.family("fam1").child("amy", "Amy", "2016-05-01").mother("mum", "Mia").professionals(&["p-school"]).create().await
}

async fn plans_of(w: &World, child: &str) -> Vec<(Plan, plans::PlanRow)> {
    let mut out = Vec::new();
    for row in plans::of_family(&w.db, "fam1").await.unwrap() {
        if row.child_id == child {
            out.push((plans::load(&w.db, &row.id).await.unwrap().plan, row));
        }
    }
    out
}

/// A conference of `kind` about Amy on `day`, held and closed with `outcome` for her, after
/// `prepare` (to record where a transfer-in child came from, or agree actions).
async fn held(
    w: &World,
    f: &FamilyMade,
    id: &str,
    kind: ConferenceKind,
    day: &str,
    outcome: ChildOutcome,
    agree: Option<&str>,
) {
    let day: NaiveDate = day.parse().unwrap();
    let mut request = f.initial_request(w);
    request.kind = kind;
    request.strategy_discussion_on = None;
    request.enquiry = None;
    request.harm_finding = None;
    request.children[0].current_plan = Some(PlanCategory::Neglect);
    let chair = w.staff_named("chair", &[Role::Chair]).await;
    if kind == ConferenceKind::Review {
        request.previous = Some(PreviousConference {
            conference_id: "conf".into(),
            held_on: "2026-11-20".parse().unwrap(),
            chair: Some(chair.clone()),
            exclusions: vec![],
        });
    } else {
        request.transfer_notified_on = Some(w.today);
    }
    request.due_by = day;
    let mut made = f.requested_conference_with(w, id, request).await;
    if kind == ConferenceKind::TransferIn {
        let worker = Acting::new(f.worker.as_str(), &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
        let today = w.today;
        let from = TransferFrom::new("Otherton Council", Some("2026-06-01".parse().unwrap()), Some(today), today)
            .expect("valid");
        let (_, v) =
            conferences::save(&w.db, id, made.version, Change::new(f.worker.as_str(), "conference.transfer"), |c| {
                c.record_transfer_from(&worker, from, today)
            })
            .await
            .unwrap();
        made.version = v;
    }
    let made = schedule(w, made, &chair, &day.to_string()).await;
    let acting = Acting::new(chair.clone(), &[Role::Chair], &[Relationship::ConferenceChair]);
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let policy = history.in_force(day).clone();
    let calendar = Calendar::for_nation(w.authority.nation);
    conferences::save(&w.db, id, made.version, Change::new(chair.as_str(), "conference.held"), |c| {
        c.start_meeting(&acting, day, at(day, 10))?;
        if let Some(what) = agree {
            let owner = ActionOwner::Agency("Family support".into());
            c.add_plan_action(&acting, vec!["amy".into()], what, owner, day + chrono::Days::new(30), day, at(day, 10))?;
        }
        let input = DecisionInput {
            child: "amy".into(),
            continuing_risk_of_significant_harm: outcome.is_child_protection_plan(),
            outcome,
            inquorate_reason: Some("Fictional test conference.".into()),
            reporter_referral: None,
        };
        c.decide(&acting, input, &policy, NationDecisions::for_nation(confer_domain::Nation::England), at(day, 11))?;
        c.close(&acting, None, &policy, &calendar, at(day, 12))
    })
    .await
    .unwrap_or_else(|e| panic!("the conference: {e:?}"));
}

#[tokio::test]
async fn a_review_that_steps_down_makes_the_child_in_need_plan_in_its_transaction_carrying_open_actions_plan_04_plan_05(
) {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    // Amy had a plan before: the one the ICPC makes is a repeat, counted in its column too.
    w.plan_for("fam1", f.case.id.as_str(), "amy", &f.worker, &[]).await;
    let mut tx = db.begin().await.unwrap();
    sqlx::query("UPDATE plan SET ended_on = '2026-01-01' WHERE id = 'plan-amy'").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    f.planned_conference(&w).await;
    let all = plans_of(&w, "amy").await;
    let (cp, row) = all.iter().find(|(p, _)| p.id.as_str() != "plan-amy").cloned().unwrap();
    assert_eq!((cp.previous_plans, row.previous_plans), (1, 1), "a repeat plan, stored for the returns");
    assert_eq!(cp.actions.iter().filter(|a| a.status == ActionStatus::NotStarted).count(), 1);

    held(&w, &f, "rev1", ConferenceKind::Review, "2027-02-12", ChildOutcome::EndPlanStepDownToChildInNeed, None).await;
    let all = plans_of(&w, "amy").await;
    let (cp_after, _) = all.iter().find(|(p, _)| p.id == cp.id).cloned().unwrap();
    let (cin, cin_row) = all.iter().find(|(p, _)| p.kind == PlanKind::ChildInNeed).cloned().expect("a CiN plan");
    assert!(cp_after.ended.is_some());
    assert_eq!(cp_after.lifecycle.stepped_down_to.as_ref(), Some(&cin.id));
    assert_eq!(cin.lifecycle.stepped_down_from.as_ref(), Some(&cp.id));
    assert_eq!(cin.lifecycle.actions_chosen_by_review, Some(false), "the review chose none: all open ones");
    let carried: Vec<&str> = cin.actions.iter().map(|a| a.what.as_str()).collect();
    let open: Vec<&str> = cp.actions.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(carried, open);
    assert_eq!(cin.started_by.as_str(), "rev1");
    assert!(cin_row.network_meeting_due_by.is_some(), "PLAN-04: reviewed at the policy interval");
    assert_eq!(cin_row.previous_plans, 0);
    let versions = plans::history(&db, cin.id.as_str()).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.action.as_str()).collect::<Vec<_>>(), ["plan.step-down"]);
}

#[tokio::test]
async fn a_step_down_carries_the_actions_the_review_agreed_plan_04() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    f.planned_conference(&w).await;
    let agreed = "Family support worker visits every week";
    held(
        &w,
        &f,
        "rev1",
        ConferenceKind::Review,
        "2027-02-12",
        ChildOutcome::EndPlanStepDownToChildInNeed,
        Some(agreed),
    )
    .await;
    let (cin, _) = plans_of(&w, "amy").await.into_iter().find(|(p, _)| p.kind == PlanKind::ChildInNeed).unwrap();
    assert_eq!(cin.lifecycle.actions_chosen_by_review, Some(true));
    assert_eq!(cin.actions.iter().map(|a| a.what.as_str()).collect::<Vec<_>>(), [agreed]);
}

#[tokio::test]
async fn a_review_that_continues_the_plan_keeps_the_category_history_and_adds_the_actions_it_agreed_rev_01_plan_02() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    f.planned_conference(&w).await;
    let (cp, _) = plans_of(&w, "amy").await.remove(0);
    let agreed = "Health visitor checks Amy's weight monthly";
    let continued = ChildOutcome::ContinuePlan { category: PlanCategory::Emotional };
    held(&w, &f, "rev1", ConferenceKind::Review, "2027-02-12", continued, Some(agreed)).await;
    let (p, row) = plans_of(&w, "amy").await.into_iter().find(|(p, _)| p.id == cp.id).unwrap();
    assert!(p.ended.is_none());
    let history: Vec<(&str, String)> = p.categories.iter().map(|c| (c.category.as_str(), c.from.to_string())).collect();
    assert_eq!(history, [("neglect", cp.started_on.to_string()), ("emotional", "2027-02-12".to_owned())]);
    assert_eq!(row.category.as_deref(), Some("emotional"));
    // PLAN-02: the review's action joins the plan after the ones it had, not started.
    assert_eq!(p.actions.len(), cp.actions.len() + 1);
    let added = p.actions.last().unwrap();
    assert_eq!((added.number as usize, added.what.as_str()), (cp.actions.len() + 1, agreed));
    assert_eq!(added.status, ActionStatus::NotStarted);
    // REV-01: later reviews within 6 months of this one.
    assert_eq!(p.next_review_by, Some("2027-08-12".parse().unwrap()));
}

#[tokio::test]
async fn a_transfer_in_conference_that_continues_the_plan_starts_it_here_recording_where_from_time_02() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    let continued = ChildOutcome::ContinuePlan { category: PlanCategory::Physical };
    held(&w, &f, "tin", ConferenceKind::TransferIn, "2026-11-20", continued, None).await;
    let (p, row) = plans_of(&w, "amy").await.remove(0);
    let from = p.lifecycle.transferred_from.clone().expect("where the plan came from");
    assert_eq!(from.authority, "Otherton Council");
    assert_eq!(row.category.as_deref(), Some("physical"));
    assert!(p.next_review_by.is_some() && p.core_group_due_by.is_some(), "REV-01, CG-02 from the transfer-in");
    let versions = plans::history(&db, p.id.as_str()).await.unwrap();
    assert_eq!(versions[0].action, "plan.transfer-in");
}

#[tokio::test]
async fn an_initial_conference_that_decides_a_child_in_need_plan_makes_it_plan_04() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    let made = f.conference_in_meeting(&w).await;
    let chair = made.conference.chair().cloned().unwrap();
    let day = made.conference.date().unwrap();
    let acting = Acting::new(chair.clone(), &[Role::Chair], &[Relationship::ConferenceChair]);
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let policy = history.in_force(day).clone();
    let calendar = Calendar::for_nation(w.authority.nation);
    conferences::save(&db, &made.id, made.version, Change::new(chair.as_str(), "conference.decide"), |c| {
        let input = DecisionInput {
            child: "amy".into(),
            outcome: ChildOutcome::ChildInNeedPlan,
            continuing_risk_of_significant_harm: false,
            inquorate_reason: Some("Fictional test conference.".into()),
            reporter_referral: None,
        };
        c.decide(&acting, input, &policy, NationDecisions::for_nation(confer_domain::Nation::England), at(day, 11))?;
        c.close(&acting, None, &policy, &calendar, at(day, 12))
    })
    .await
    .unwrap();
    let (p, row) = plans_of(&w, "amy").await.remove(0);
    assert_eq!(p.kind, PlanKind::ChildInNeed);
    assert_eq!(row.kind, "child-in-need");
    assert!(row.network_meeting_due_by.is_some_and(|d| d > day));
    assert!(p.lifecycle.child_in_need.is_some());
    assert_eq!(p.next_review_by, None);
}
