//! Plans in the store, on SQLite or PostgreSQL (CONFER_TEST_DATABASE): made in the transaction
//! of the conference that decides them (PLAN-03), counting the child's earlier plans (a repeat
//! plan), its core group becoming the CoreGroupMember relationship (CG-01), and the reviews that
//! continue a plan with a new category and the next review date (REV-01, DEC-01) or end it by
//! their decision with the reason recorded (PLAN-05).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use confer_domain::access::Relationship;
use confer_domain::calendar::Calendar;
use confer_domain::conference::*;
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::plan::{EndReason, Plan};
use confer_domain::{Role, UserId};
use confer_store::conferences::{self, Change};
use confer_store::testing::{self, schedule, FamilyMade, World};
use confer_store::{families, plans};

fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    NaiveDateTime::new(day, NaiveTime::from_hms_opt(hour, 0, 0).unwrap()).and_utc()
}

async fn family(w: &World) -> FamilyMade {
    let teacher = w.person("teacher").roles(&[Role::Professional]).create().await.0;
    w.professional("p-school", Some(&teacher)).await;
    w.family("fam1").child("amy", "Amy", "2016-05-01").mother("mum", "Mia").professionals(&["p-school"]).create().await
}

async fn plan_of(w: &World, child: &str) -> Vec<(Plan, i64)> {
    let mut out = Vec::new();
    for row in plans::of_family(&w.db, "fam1").await.unwrap() {
        if row.child_id == child {
            let s = plans::load(&w.db, &row.id).await.unwrap();
            out.push((s.plan, s.version));
        }
    }
    out
}

#[tokio::test]
async fn the_closing_conference_makes_the_plan_counting_earlier_plans_and_names_the_core_group_plan_03_cg_01() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    // Amy had a plan once before (ended long ago): the new one is a repeat plan.
    let earlier = w.plan_for("fam1", f.case.id.as_str(), "amy", &f.worker, &[]).await;
    let made = f.planned_conference(&w).await;
    let all = plan_of(&w, "amy").await;
    assert_eq!(all.len(), 2);
    let (p, version) = all.iter().find(|(p, _)| p.id.as_str() != earlier).unwrap();
    assert_eq!(*version, 1);
    assert_eq!(p.started_by.as_str(), made.id);
    assert_eq!(p.previous_plans, 1, "a repeat plan, with the number of previous plans");
    assert!(p.is_repeat());
    // CG-01: the teacher was present, so is in the core group, and the access policy knows it.
    let teacher: UserId = w.staff_named("teacher", &[Role::Professional]).await;
    let rels = families::relationships(&db, &teacher, "fam1").await.unwrap();
    assert!(rels.contains(&Relationship::CoreGroupMember), "{rels:?}");
    let stranger = w.staff_named("stranger", &[Role::Professional]).await;
    assert!(families::relationships(&db, &stranger, "fam1").await.unwrap().is_empty());
}

/// A review of Amy's plan on `day`, decided `outcome` by the chair and closed.
async fn review(w: &World, f: &FamilyMade, id: &str, previous: &str, held: &str, day: &str, outcome: ChildOutcome) {
    let mut request = f.initial_request(w);
    request.kind = ConferenceKind::Review;
    request.strategy_discussion_on = None;
    request.enquiry = None;
    request.harm_finding = None;
    request.children[0].current_plan = Some(PlanCategory::Neglect);
    let chair = w.staff_named("chair", &[Role::Chair]).await;
    request.previous = Some(PreviousConference {
        conference_id: previous.into(),
        held_on: held.parse().unwrap(),
        chair: Some(chair.clone()),
        exclusions: vec![],
    });
    let day: NaiveDate = day.parse().unwrap();
    request.due_by = day;
    let made = f.requested_conference_with(w, id, request).await;
    let made = schedule(w, made, &chair, &day.to_string()).await;
    let acting = Acting::new(chair.clone(), &[Role::Chair], &[Relationship::ConferenceChair]);
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let policy = history.in_force(day).clone();
    let calendar = Calendar::for_nation(w.authority.nation);
    conferences::save(&w.db, id, made.version, Change::new(chair.as_str(), "conference.review"), |c| {
        c.start_meeting(&acting, day, at(day, 10))?;
        let input = DecisionInput {
            child: "amy".into(),
            continuing_risk_of_significant_harm: outcome.is_child_protection_plan(),
            outcome,
            inquorate_reason: Some("Fictional test review.".into()),
            reporter_referral: None,
        };
        c.decide(&acting, input, &policy, NationDecisions::for_nation(confer_domain::Nation::England), at(day, 11))?;
        c.close(&acting, None, &policy, &calendar, at(day, 12))
    })
    .await
    .unwrap_or_else(|e| panic!("the review: {e:?}"));
}

#[tokio::test]
async fn a_review_continues_the_plan_with_a_new_category_then_another_ends_it_by_its_decision_rev_01_plan_05() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    f.planned_conference(&w).await;
    let (first, _) = plan_of(&w, "amy").await.remove(0);
    assert_eq!(first.next_review_by, Some("2027-02-20".parse().unwrap()), "REV-01: 3 months after the ICPC");
    // The first review, within 3 months, continues the plan under another category.
    let continued = ChildOutcome::ContinuePlan { category: PlanCategory::Multiple };
    review(&w, &f, "rev1", "conf", "2026-11-20", "2027-02-12", continued).await;
    let (p, version) = plan_of(&w, "amy").await.remove(0);
    assert_eq!(version, 2, "the review changed the plan in its transaction");
    let history: Vec<PlanCategory> = p.categories.iter().map(|c| c.category).collect();
    assert_eq!(history, [PlanCategory::Neglect, PlanCategory::Multiple]);
    assert_eq!(p.next_review_by, Some("2027-08-12".parse().unwrap()), "REV-01: then within 6 months");
    assert!(p.is_active());
    // The next review ends it, stepping down to a child in need plan: the reason recorded.
    review(&w, &f, "rev2", "rev1", "2027-02-12", "2027-08-06", ChildOutcome::EndPlanStepDownToChildInNeed).await;
    // (The step-down's child in need plan is the newest: see plan_lifecycle.rs.)
    let (p, _) = plan_of(&w, "amy").await.into_iter().find(|(p, _)| p.id == first.id).unwrap();
    let ended = p.ended.expect("ended by the review");
    assert_eq!(ended.reason, EndReason::ReviewDecision);
    assert_eq!(ended.conference_id.map(|c| c.0), Some("rev2".to_owned()));
    assert_eq!(ended.on, "2027-08-06".parse::<NaiveDate>().unwrap());
    let row = plans::of_family(&db, "fam1").await.unwrap().into_iter().find(|r| r.id == first.id.as_str()).unwrap();
    assert_eq!(row.end_reason.as_deref(), Some("review-decision"));
    let versions = plans::history(&db, &row.id).await.unwrap();
    let actions: Vec<&str> = versions.iter().map(|v| v.action.as_str()).collect();
    assert_eq!(actions, ["plan.review", "plan.review", "plan.create"]);
}

/// CG-03 (review): a member whose notes letter could not be made is never lost silently: the
/// notes' audit event names them, apart from those e-mailed and posted, and nothing is put on
/// the print list or the outbox for them.
#[tokio::test]
async fn cg_03_a_notes_letter_that_could_not_be_made_is_named_in_the_notes_audit_event() {
    use confer_store::plan_people::{self, Delivery, PlanMail};
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    let id = w.plan_for("fam1", f.case.id.as_str(), "amy", &f.worker, &[]).await;
    let version = plans::load(&db, &id).await.unwrap().version;
    let notice = || confer_domain::notices::Notice { subject: "Core group notes".into(), body: "Notes.".into() };
    let held_on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let ((), v) = plan_people::save_core_group_meeting(&db, &id, version, &f.worker, held_on, |_| {
        Ok((
            (),
            vec![
                PlanMail {
                    member: "professional:p-school".into(),
                    notice: notice(),
                    delivery: Delivery::Email("school@example.org".into()),
                },
                PlanMail { member: "family-member:mum".into(), notice: notice(), delivery: Delivery::LetterNotMade },
            ],
        ))
    })
    .await
    .unwrap();
    assert_eq!(v, version + 1);
    let audit: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'plan.core-group-notes.sent' AND entity_id = $1",
    )
    .bind(&id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit["letter_not_made"], serde_json::json!(["family-member:mum"]), "{audit}");
    assert_eq!(audit["told"], serde_json::json!(["professional:p-school"]), "{audit}");
    assert_eq!(audit["posted"], serde_json::json!([]), "{audit}");
    let letters = confer_store::documents_sent::print_list(&db, None).await.unwrap();
    assert!(letters.iter().all(|(s, _)| s.kind != "core-group-notes"), "nothing posted for her");
    assert_eq!(confer_store::otp::outbox_for(&db, "school@example.org").await.unwrap().len(), 1, "the school is told");
}
