//! Plans made from the conference and changed after it: PLAN-01..06, CG-01, CG-02, REV-01.

use super::*;
use crate::calendar::Calendar;
use crate::model::Nation;
use crate::plan::*;

fn worries_and_actions(c: &mut Conference) {
    let now = at("2026-11-20 10:30");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "Amy is often left alone at night.",
        None,
        Some(kid("amy")),
        false,
        now,
    )
    .expect("worry for Amy");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "The home is cold and short of food.",
        None,
        None,
        false,
        now,
    )
    .expect("worry for everyone");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "Police intelligence about a visitor.",
        None,
        None,
        true,
        now,
    )
    .expect("restricted worry");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "Ben's speech is delayed.",
        None,
        Some(kid("ben")),
        false,
        now,
    )
    .expect("worry for Ben");
    c.add_plan_action(
        &note_taker(),
        vec![kid("amy"), kid("ben")],
        "Arrange an evening babysitting rota with family friends",
        ActionOwner::FamilyMember(mum()),
        d("2026-12-04"),
        d(CONFERENCE_DAY),
        now,
    )
    .expect("action for both");
    c.add_plan_action(
        &note_taker(),
        vec![kid("amy")],
        "Check Amy's attendance every week",
        ActionOwner::Professional(pro("p-teacher")),
        d("2026-12-11"),
        d(CONFERENCE_DAY),
        now,
    )
    .expect("action for Amy");
}

fn closed_with_outline() -> Conference {
    let mut c = attended();
    worries_and_actions(&mut c);
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
        ("cara", ChildOutcome::ChildInNeedPlan),
    ] {
        views_for(&mut c, child, if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, outcome).expect("decide");
    }
    close(&mut c).expect("close");
    c
}

fn amys_plan() -> Plan {
    Plan::from_conference(&closed_with_outline(), &kid("amy"), PlanId::from("plan-amy"), 0, Some(d("2026-12-04")))
        .expect("Amy has a plan")
}

fn key_worker(p: &Plan) -> PlanActing {
    PlanActing { user_id: p.key_worker.clone(), leads: true, professional: None }
}

fn teacher() -> PlanActing {
    PlanActing { user_id: "u-teacher".into(), leads: false, professional: Some(pro("p-teacher")) }
}

#[test]
fn the_outline_plan_agreed_at_the_icpc_becomes_the_childs_plan_plan_03_plan_01() {
    let c = closed_with_outline();
    let p = Plan::from_conference(&c, &kid("amy"), PlanId::from("plan-amy"), 0, None).expect("a CP plan for Amy");
    assert_eq!(p.kind, PlanKind::ChildProtection);
    assert_eq!(&p.key_worker, c.allocated_worker());
    assert_eq!(p.started_on, d(CONFERENCE_DAY));
    assert_eq!(p.category(), Some(PlanCategory::Emotional));
    let concerns: Vec<&str> = p.outline.concerns.iter().map(|c| c.concern.as_str()).collect();
    assert_eq!(concerns, ["Amy is often left alone at night.", "The home is cold and short of food."]);
    // REP-03: restricted discussion never reaches a plan the family reads; Ben's worry is Ben's.
    assert!(!concerns.iter().any(|c| c.contains("Police") || c.contains("Ben")));
    let actions: Vec<(&str, &str, ActionStatus)> =
        p.actions.iter().map(|a| (a.what.as_str(), a.owner_name.as_str(), a.status)).collect();
    assert_eq!(actions.len(), 2);
    assert!(actions.iter().all(|a| a.2 == ActionStatus::NotStarted));
    assert_eq!(p.actions[0].conference_action, Some(c.plan_actions()[0].id.0));
    // REV-01: the plan knows its review date, no later than 3 months after the ICPC.
    assert_eq!(p.next_review_by, c.next_review().map(|r| r.on));
    assert!(p.next_review_by.is_some_and(|r| r <= d("2027-02-20")));
    // Siblings share an action agreed for both.
    let ben = Plan::from_conference(&c, &kid("ben"), PlanId::from("plan-ben"), 2, None).expect("Ben's plan");
    assert_eq!(ben.actions.len(), 1);
    assert_eq!(ben.actions[0].what, p.actions[0].what);
    assert!(ben.is_repeat() && !p.is_repeat(), "Ben had two plans before: a repeat plan");
    // DEC-01: a child in need decision makes no child protection plan.
    assert!(Plan::from_conference(&c, &kid("cara"), PlanId::from("plan-cara"), 0, None).is_none());
}

#[test]
fn no_plan_is_made_before_the_conference_decides_one_plan_03() {
    let mut c = attended();
    worries_and_actions(&mut c);
    assert!(Plan::from_conference(&c, &kid("amy"), PlanId::from("p"), 0, None).is_none());
}

#[test]
fn the_core_group_is_named_at_the_conference_cg_01() {
    let c = closed_with_outline();
    let p = amys_plan();
    assert!(matches!(&p.core_group[0].person, Member::KeyWorker(u) if u == c.allocated_worker()));
    let professionals: Vec<&ProfessionalId> = p
        .core_group
        .iter()
        .filter_map(|m| match &m.person {
            Member::Professional(id) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(professionals.len(), PROFESSIONALS.len(), "every professional present at the conference");
    assert!(p.core_group.iter().any(|m| m.person == Member::FamilyMember(mum())));
    // The accounts in the core group are those the access policy knows as core group members.
    let accounts = p.member_accounts();
    assert!(accounts.contains(c.allocated_worker()));
    for m in p.core_group.iter().filter_map(|m| m.user_id.as_ref()) {
        assert!(accounts.contains(m));
    }
}

#[test]
fn a_professional_not_present_is_not_named_in_the_core_group_cg_01() {
    let mut c = started();
    mark_present(&mut c, Person::FamilyMember(mum()));
    for p in ["p-sw", "p-police", "p-gp"] {
        mark_present(&mut c, Person::Professional(pro(p)));
    }
    views_for(&mut c, "amy", PlanView::Plan);
    decide(&mut c, "amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Physical }).expect("decide");
    for child in ["ben", "cara"] {
        views_for(&mut c, child, PlanView::NoPlan);
        decide(&mut c, child, ChildOutcome::NoFurtherPlan).expect("decide");
    }
    close(&mut c).expect("close");
    let p = Plan::from_conference(&c, &kid("amy"), PlanId::from("p"), 0, None).expect("plan");
    assert!(!p.core_group.iter().any(|m| m.person == Member::Professional(pro("p-teacher"))));
    assert!(p.core_group.iter().any(|m| m.person == Member::Professional(pro("p-police"))));
}

#[test]
fn every_action_has_an_owner_a_due_date_and_a_status_and_not_done_needs_a_reason_plan_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let now = at("2026-11-25 09:00");
    p.update_action(&kw, 1, ActionStatus::InProgress, "Two friends have agreed.", now).expect("in progress");
    assert_eq!(p.actions[0].status, ActionStatus::InProgress);
    assert_eq!(
        p.update_action(&kw, 1, ActionStatus::NotDone, "  ", now),
        Err(PlanError::NotDoneWithoutReason { number: 1 })
    );
    p.update_action(&kw, 1, ActionStatus::NotDone, "The friends moved away.", now).expect("not done with reason");
    assert_eq!(p.actions[0].not_done_reason.as_deref(), Some("The friends moved away."));
    assert_eq!(p.actions[0].updates.len(), 2, "each update is kept with who and when");
    assert_eq!(p.update_action(&kw, 9, ActionStatus::Done, "", now), Err(PlanError::NoSuchAction { number: 9 }));
    // A new action needs what, an owner and a due date not in the past.
    let today = d("2026-11-25");
    let agency = ActionOwner::Agency("Housing".into());
    assert_eq!(
        p.add_action(&kw, "Fix the heating", agency.clone(), "Housing".into(), d("2026-11-24"), today),
        Err(PlanError::DueInThePast { due: d("2026-11-24") })
    );
    assert!(matches!(
        p.add_action(&kw, " ", agency.clone(), "Housing".into(), today, today),
        Err(PlanError::Missing { .. })
    ));
    let n = p.add_action(&kw, "Fix the heating", agency, "Housing".into(), d("2026-12-01"), today).expect("add");
    assert_eq!(n, 3);
}

#[test]
fn overdue_actions_are_visible_plan_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    assert!(p.overdue_actions(d("2026-12-04")).is_empty(), "due today is not overdue");
    let overdue: Vec<u32> = p.overdue_actions(d("2026-12-05")).iter().map(|a| a.number).collect();
    assert_eq!(overdue, [1]);
    p.update_action(&kw, 1, ActionStatus::Done, "Rota in place.", at("2026-12-05 09:00")).expect("done");
    assert!(p.overdue_actions(d("2026-12-05")).is_empty(), "a done action is not overdue");
    assert_eq!(p.overdue_actions(d("2026-12-12")).len(), 1);
}

#[test]
fn a_partner_professional_updates_only_the_actions_they_own_plan_02() {
    let mut p = amys_plan();
    let now = at("2026-11-25 09:00");
    p.update_action(&teacher(), 2, ActionStatus::InProgress, "Attendance 92% this week.", now).expect("own action");
    assert_eq!(p.update_action(&teacher(), 1, ActionStatus::Done, "", now), Err(PlanError::NotTheOwner { number: 1 }));
    assert_eq!(p.change_outline(&teacher(), p.outline.clone()), Err(PlanError::NotLeading));
}

#[test]
fn the_core_group_writes_the_detailed_plan_plan_01_plan_03() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let mut outline = p.outline.clone();
    outline.concerns[0].why_change_is_needed = "Amy is 8 and frightened at night.".into();
    outline.concerns.push(Concern { concern: String::new(), why_change_is_needed: String::new() });
    outline.child_needs = "A safe adult at home every evening.".into();
    outline.parents_needs = "Support with evening work shifts.".into();
    outline.short_term_goals = "No evenings alone within 2 weeks.".into();
    outline.long_term_goals = "Amy feels safe at home.".into();
    p.change_outline(&kw, outline).expect("detailed plan");
    assert_eq!(p.outline.concerns.len(), 2, "an empty row of the form is not a concern");
    assert_eq!(p.outline.child_needs, "A safe adult at home every evening.");
    let mut bad = p.outline.clone();
    bad.concerns.push(Concern { concern: " ".into(), why_change_is_needed: "Because.".into() });
    assert!(matches!(p.change_outline(&kw, bad), Err(PlanError::Missing { .. })));
}

#[test]
fn a_plan_ends_only_by_a_review_decision_or_the_childs_circumstances_with_the_reason_plan_05() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    assert_eq!(p.end(&kw, EndReason::ReviewDecision, "", d("2026-12-01")), Err(PlanError::EndedOnlyByConference));
    assert_eq!(
        p.end(&kw, EndReason::TransferOut, "", d("2026-11-01")),
        Err(PlanError::EndBeforeStart { on: d("2026-11-01"), started: d(CONFERENCE_DAY) })
    );
    assert_eq!(p.end(&teacher(), EndReason::Adopted, "", d("2026-12-01")), Err(PlanError::NotLeading));
    p.end(&kw, EndReason::TransferOut, "Moved to Otherton.", d("2026-12-01")).expect("transfer out");
    let ended = p.ended.clone().expect("ended");
    assert_eq!((ended.reason, ended.details.as_str()), (EndReason::TransferOut, "Moved to Otherton."));
    assert_eq!(p.next_review_by, None);
    // Nothing changes on an ended plan.
    let now = at("2026-12-02 09:00");
    assert_eq!(p.update_action(&kw, 1, ActionStatus::Done, "", now), Err(PlanError::Ended { on: d("2026-12-01") }));
    assert!(p.end(&kw, EndReason::Died, "", d("2026-12-02")).is_err());
}

fn review_of(plan_category: PlanCategory, outcome: ChildOutcome) -> Conference {
    let mut r = request();
    r.kind = ConferenceKind::Review;
    r.children[0].current_plan = Some(plan_category);
    r.children[1].current_plan = Some(PlanCategory::Neglect);
    r.previous = Some(PreviousConference {
        conference_id: "conf0".into(),
        held_on: d("2026-08-20"),
        chair: Some("chair1".into()),
        exclusions: vec![],
    });
    let mut c = requested_from(r);
    schedule(&mut c, CONFERENCE_DAY).expect("schedule");
    let today = d("2026-11-04");
    for a in [mum(), dad()] {
        c.invite_family_member(&coordinator(), &a, today).expect("invite");
    }
    for p in PROFESSIONALS {
        c.invite_professional(&coordinator(), &pro(p), today).expect("invite");
    }
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    for p in PROFESSIONALS {
        mark_present(&mut c, Person::Professional(pro(p)));
    }
    for (child, o) in
        [("amy", outcome), ("ben", ChildOutcome::EndPlanNoFurtherPlan), ("cara", ChildOutcome::NoFurtherPlan)]
    {
        views_for(&mut c, child, if o.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, o).expect("decide");
    }
    close(&mut c).expect("close");
    c
}

#[test]
fn a_review_continues_the_plan_with_its_category_history_and_next_review_rev_01_dec_01() {
    let mut p = amys_plan();
    let review = review_of(PlanCategory::Emotional, ChildOutcome::ContinuePlan { category: PlanCategory::Multiple });
    assert!(p.follow_review(&review));
    let history: Vec<PlanCategory> = p.categories.iter().map(|c| c.category).collect();
    assert_eq!(history, [PlanCategory::Emotional, PlanCategory::Multiple]);
    assert_eq!(p.category(), Some(PlanCategory::Multiple));
    // REV-01: later reviews within 6 months of the previous one.
    assert_eq!(p.next_review_by, review.next_review().map(|r| r.on));
    assert!(p.next_review_by.is_some_and(|r| r <= d("2027-05-20")));
    assert!(p.is_active());
}

#[test]
fn a_review_that_ends_the_plan_records_the_reason_and_the_conference_plan_05() {
    let mut p = amys_plan();
    let review = review_of(PlanCategory::Emotional, ChildOutcome::EndPlanStepDownToChildInNeed);
    assert!(p.follow_review(&review));
    let ended = p.ended.clone().expect("ended by the review");
    assert_eq!(ended.reason, EndReason::ReviewDecision);
    assert_eq!(ended.conference_id.as_ref(), Some(review.id()));
    assert_eq!(ended.on, d(CONFERENCE_DAY));
    assert!(!p.follow_review(&review), "an ended plan is not changed again");
}

#[test]
fn the_first_core_group_is_due_within_10_working_days_15_in_scotland_cg_02() {
    // Friday 20 November 2026: 10 working days on is Friday 4 December. In Scotland 15, on its
    // own calendar: St Andrew's Day (Monday 30 November) does not count, so Monday 14 December.
    let held = d("2026-11-20");
    let england =
        first_core_group_due(held, &Calendar::for_nation(Nation::England), &Policy::default_for(Nation::England));
    assert_eq!(england, Some(d("2026-12-04")));
    let scotland =
        first_core_group_due(held, &Calendar::for_nation(Nation::Scotland), &Policy::default_for(Nation::Scotland));
    assert_eq!(scotland, Some(d("2026-12-14")));
    // Then at the policy interval (6 weeks by default).
    let next = next_core_group_by(
        d("2026-12-04"),
        &Calendar::for_nation(Nation::England),
        &Policy::default_for(Nation::England),
    );
    assert_eq!(next, Some(d("2027-01-15")));
}

#[test]
fn every_plan_says_it_does_not_change_parental_responsibility_in_english_and_welsh_plan_06() {
    assert!(PARENTAL_RESPONSIBILITY_EN.contains("does not change who has parental responsibility"));
    assert!(PARENTAL_RESPONSIBILITY_CY.contains("chyfrifoldeb rhiant"));
    assert_ne!(PARENTAL_RESPONSIBILITY_EN, PARENTAL_RESPONSIBILITY_CY);
}

fn meeting(p: &Plan) -> CoreGroupMeetingInput {
    let present = vec![Member::KeyWorker(p.key_worker.clone()), Member::Professional(pro("p-teacher"))];
    CoreGroupMeetingInput {
        held_on: d("2026-12-03"),
        safety: present.iter().map(|m| SafetyRating { member: m.clone(), rating: 4 }).collect(),
        present,
        progress: vec![
            ActionProgress {
                number: 1,
                status: ActionStatus::InProgress,
                evidence: "Rota covers 4 nights of 7.".into(),
            },
            ActionProgress { number: 2, status: ActionStatus::Done, evidence: "Attendance register checked.".into() },
        ],
        new_actions: vec![NewAction {
            what: "Referral to the family support team".into(),
            owner: ActionOwner::Agency("Family support".into()),
            owner_name: "Family support".into(),
            due: d("2026-12-17"),
        }],
        concern_for_review: None,
    }
}

#[test]
fn a_core_group_meeting_records_attendance_progress_with_evidence_ratings_and_new_actions_cg_03_cg_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let today = d("2026-12-03");
    let now = at("2026-12-03 15:00");
    let next = next_core_group_by(today, &Calendar::for_nation(Nation::England), &Policy::default_for(Nation::England));
    let n = p.record_core_group_meeting(&kw, meeting(&p), next, today, now).expect("recorded");
    assert_eq!(n, 1);
    assert_eq!(p.actions[0].status, ActionStatus::InProgress);
    assert_eq!(p.actions[1].status, ActionStatus::Done);
    assert_eq!(p.actions.len(), 3, "the new action is on the plan");
    assert_eq!(p.core_group_meetings[0].new_actions, [3]);
    // CG-02: the next core group at the policy's interval (6 weeks) from this one.
    assert_eq!(p.core_group_due_by, Some(d("2027-01-14")));
    assert_eq!(p.safety_over_time(), [(today, 4, 4.0)]);
}

#[test]
fn a_core_group_meeting_is_refused_without_progress_on_each_open_action_or_a_rating_from_each_person_cg_03() {
    let p = amys_plan();
    let kw = key_worker(&p);
    let (today, now) = (d("2026-12-03"), at("2026-12-03 15:00"));
    let refuse = |m: CoreGroupMeetingInput| p.clone().record_core_group_meeting(&kw, m, None, today, now).unwrap_err();
    let mut m = meeting(&p);
    m.progress.remove(1);
    assert_eq!(refuse(m), PlanError::ProgressMissing { number: 2 });
    let mut m = meeting(&p);
    m.progress[0].evidence = " ".into();
    assert_eq!(refuse(m), PlanError::ProgressMissing { number: 1 });
    let mut m = meeting(&p);
    m.safety[0].rating = 11;
    assert!(matches!(refuse(m), PlanError::BadRating { .. }));
    let mut m = meeting(&p);
    m.safety.pop();
    assert!(matches!(refuse(m), PlanError::BadRating { .. }), "each person present gives a rating");
    let mut m = meeting(&p);
    m.present.push(Member::Professional(pro("not-in-the-group")));
    assert_eq!(refuse(m), PlanError::NotAMember);
    let mut m = meeting(&p);
    m.present.clear();
    m.safety.clear();
    assert_eq!(refuse(m), PlanError::NobodyPresent);
    let mut m = meeting(&p);
    m.held_on = d("2026-12-04");
    assert!(matches!(refuse(m), PlanError::BadMeetingDate { .. }));
    assert_eq!(
        p.clone().record_core_group_meeting(&teacher(), meeting(&p), None, today, now),
        Err(PlanError::NotLeading)
    );
}

#[test]
fn a_concern_brings_the_review_forward_to_an_earlier_date_rev_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let mut m = meeting(&p);
    m.concern_for_review = Some("Amy disclosed a new injury.".into());
    p.record_core_group_meeting(&kw, m, None, d("2026-12-03"), at("2026-12-03 15:00")).expect("recorded");
    assert_eq!(p.core_group_meetings[0].concern_for_review.as_deref(), Some("Amy disclosed a new injury."));
    let due = p.next_review_by.expect("a review is due");
    assert!(matches!(
        p.bring_review_forward(&kw, due, "Injury.", d("2026-12-03")),
        Err(PlanError::BadReviewDate { .. })
    ));
    assert!(matches!(
        p.bring_review_forward(&kw, d("2026-12-03"), "Injury.", d("2026-12-03")),
        Err(PlanError::BadReviewDate { .. })
    ));
    p.bring_review_forward(&kw, d("2026-12-10"), "Amy disclosed a new injury.", d("2026-12-03")).expect("forward");
    assert_eq!(p.next_review_by, Some(d("2026-12-10")));
    assert_eq!(p.bring_review_forward(&teacher(), d("2026-12-08"), "x", d("2026-12-03")), Err(PlanError::NotLeading));
}

fn cg_slot(on: &str, at_time: &str, venue: Option<&str>, online: bool) -> CoreGroupSlot {
    CoreGroupSlot {
        on: d(on),
        at: chrono::NaiveTime::parse_from_str(at_time, "%H:%M").unwrap(),
        venue: venue.map(str::to_owned),
        online,
        late_reason: None,
    }
}

#[test]
fn a_core_group_meeting_is_arranged_moved_and_cancelled_with_reasons_cg_01_cg_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let today = d("2026-11-25");
    let now = at("2026-11-25 09:00");
    // CG-02: arranged by the due date (4 December), the whole core group invited (CG-01).
    let n = p.arrange_core_group(&kw, cg_slot("2026-12-02", "14:00", Some(" Family Centre "), false), today, now);
    assert_eq!(n, Ok(1));
    let a = p.arranged_core_group().expect("arranged").clone();
    assert_eq!(a.venue.as_deref(), Some("Family Centre"));
    assert_eq!(a.invited, p.core_group.iter().map(|m| m.person.clone()).collect::<Vec<_>>());
    // One at a time.
    assert_eq!(
        p.arrange_core_group(&kw, cg_slot("2026-12-03", "10:00", None, true), today, now),
        Err(PlanError::AlreadyArranged { on: d("2026-12-02") })
    );
    // Moving needs a reason and a change; after the due date it needs the late reason.
    let later = cg_slot("2026-12-08", "10:00", None, true);
    assert_eq!(
        p.move_core_group(&kw, later.clone(), " ", today, now),
        Err(PlanError::Missing { what: "why the meeting moves" })
    );
    assert_eq!(
        p.move_core_group(&kw, cg_slot("2026-12-02", "14:00", Some("Family Centre"), false), "Room", today, now),
        Err(PlanError::NothingChanged)
    );
    assert_eq!(
        p.move_core_group(&kw, later.clone(), "The school nurse is away", today, now),
        Err(PlanError::LateWithoutReason { on: d("2026-12-08"), due: d("2026-12-04") })
    );
    let late = CoreGroupSlot { late_reason: Some("The school nurse is away that week.".into()), ..later };
    assert_eq!(p.move_core_group(&kw, late, "The school nurse is away", today, now), Ok(1), "the same arrangement");
    let a = p.arranged_core_group().unwrap();
    assert_eq!((a.on, a.venue.as_deref(), a.online), (d("2026-12-08"), None, true));
    assert_eq!(a.moves.len(), 1);
    assert_eq!(a.moves[0].from_on, d("2026-12-02"));
    // Cancelling needs a reason, keeps the meeting with it, and leaves room for the next.
    assert_eq!(p.cancel_core_group(&kw, "", now), Err(PlanError::Missing { what: "why the meeting is cancelled" }));
    assert!(p.arranged_core_group().is_some(), "a refused cancellation keeps the meeting");
    let cancelled = p.cancel_core_group(&kw, "The family asked for another week.", now).expect("cancelled");
    assert_eq!(cancelled.number, 1);
    assert!(p.arranged_core_group().is_none());
    assert_eq!(p.arrangements.cancelled[0].reason, "The family asked for another week.");
    assert_eq!(p.cancel_core_group(&kw, "again", now), Err(PlanError::NothingArranged));
    // The next arrangement has its own number (its own calendar entry).
    let next = CoreGroupSlot {
        late_reason: Some("Family's request".into()),
        ..cg_slot("2026-12-10", "09:30", Some("Civic Centre"), true)
    };
    assert_eq!(p.arrange_core_group(&kw, next, today, now), Ok(2));
}

#[test]
fn ending_a_plan_cancels_the_core_group_meeting_arranged_plan_05_cg_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let today = d("2026-11-25");
    let now = at("2026-11-25 09:00");
    p.arrange_core_group(&kw, cg_slot("2026-12-02", "14:00", Some("Family Centre"), false), today, now)
        .expect("arranged");
    // Nothing is cancelled while the plan is open.
    assert_eq!(p.cancel_core_group_as_ended(&kw.user_id, now), None);
    assert!(p.arranged_core_group().is_some());
    p.end(&kw, EndReason::Adopted, "Adoption order", d("2026-11-25")).expect("ended");
    let cancelled = p.cancel_core_group_as_ended(&kw.user_id, now).expect("the arranged meeting is cancelled");
    assert_eq!((cancelled.number, cancelled.on), (1, d("2026-12-02")));
    assert!(p.arranged_core_group().is_none(), "an ended plan has no meeting to come");
    let kept = &p.arrangements.cancelled[0];
    assert_eq!(kept.reason, "The plan ended on 2026-11-25: The child was adopted.");
    assert_eq!(kept.by, kw.user_id);
    // Once only.
    assert_eq!(p.cancel_core_group_as_ended(&kw.user_id, now), None);
    assert_eq!(p.arrangements.cancelled.len(), 1);
}

#[test]
fn arranging_a_core_group_meeting_is_refused_with_reasons_cg_02() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    let today = d("2026-11-25");
    let now = at("2026-11-25 09:00");
    assert_eq!(
        p.arrange_core_group(&kw, cg_slot("2026-11-24", "10:00", Some("Room"), false), today, now),
        Err(PlanError::ArrangedInThePast { on: d("2026-11-24") })
    );
    assert_eq!(
        p.arrange_core_group(&kw, cg_slot("2026-12-01", "10:00", Some("  "), false), today, now),
        Err(PlanError::NoPlace)
    );
    assert_eq!(
        p.arrange_core_group(&kw, cg_slot("2026-12-07", "10:00", Some("Room"), false), today, now),
        Err(PlanError::LateWithoutReason { on: d("2026-12-07"), due: d("2026-12-04") })
    );
    // Only those who lead the plan arrange its meetings.
    assert_eq!(
        p.arrange_core_group(&teacher(), cg_slot("2026-12-01", "10:00", Some("Room"), false), today, now),
        Err(PlanError::NotLeading)
    );
    // Not once the plan has ended.
    p.end(&kw, EndReason::Adopted, "Adoption order", d("2026-11-25")).expect("ended");
    assert!(matches!(
        p.arrange_core_group(&kw, cg_slot("2026-12-01", "10:00", Some("Room"), false), today, now),
        Err(PlanError::Ended { .. })
    ));
    assert_eq!(
        p.move_core_group(&kw, cg_slot("2026-12-01", "10:00", Some("Room"), false), "x", today, now).map(|_| ()),
        Err(PlanError::Ended { on: d("2026-11-25") })
    );
}

#[test]
fn recording_the_meeting_held_takes_up_the_arranged_one_cg_02_cg_03() {
    let mut p = amys_plan();
    let kw = key_worker(&p);
    p.arrange_core_group(
        &kw,
        cg_slot("2026-12-03", "14:00", Some("Family Centre"), false),
        d("2026-11-25"),
        at("2026-11-25 09:00"),
    )
    .expect("arranged");
    let today = d("2026-12-03");
    let n = p.record_core_group_meeting(&kw, meeting(&p), None, today, at("2026-12-03 16:00")).expect("recorded");
    assert!(p.arranged_core_group().is_none(), "the meeting held is the one arranged");
    assert_eq!(p.arrangements.held, [(1, n)]);
}
