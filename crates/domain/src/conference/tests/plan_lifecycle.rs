//! Plans after the first conference (issue 13): reviews that continue or end them, the step-down
//! to a child in need plan, child in need plans and their network meetings (PLAN-04), repeat
//! plans, the ends for other reasons (PLAN-05) and the transfer out (TIME-02).

use super::*;
use crate::calendar::Calendar;
use crate::model::Nation;
use crate::plan::*;

/// A conference of `kind` for the family with Amy and Ben on plans, everyone present, Amy
/// decided `amy`, Ben's plan ended and Cara no plan; `agree` runs in the meeting before the
/// decisions (to agree actions).
fn held(kind: ConferenceKind, amy: ChildOutcome, agree: impl FnOnce(&mut Conference)) -> Conference {
    held_then(kind, amy, agree, |_| {})
}

/// [`held`], with `after` running after the decisions, before the conference closes.
fn held_then(
    kind: ConferenceKind,
    amy: ChildOutcome,
    agree: impl FnOnce(&mut Conference),
    after: impl FnOnce(&mut Conference),
) -> Conference {
    let mut r = request();
    r.kind = kind;
    r.children[0].current_plan = Some(PlanCategory::Emotional);
    r.children[1].current_plan = Some(PlanCategory::Neglect);
    if kind == ConferenceKind::TransferIn {
        r.strategy_discussion_on = None;
        r.harm_finding = None;
        r.enquiry = None;
        r.transfer_notified_on = Some(d("2026-11-02"));
    } else {
        r.previous = Some(PreviousConference {
            conference_id: "conf0".into(),
            held_on: d("2026-08-20"),
            chair: Some("chair1".into()),
            exclusions: vec![],
        });
    }
    let mut c = requested_from(r);
    if kind == ConferenceKind::TransferIn {
        let from =
            TransferFrom::new("Otherton Council", Some(d("2026-06-01")), c.transfer_notified_on(), d("2026-11-03"))
                .expect("valid");
        c.record_transfer_from(&social_worker(), from, d("2026-11-03")).expect("recorded");
    }
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
    agree(&mut c);
    for (child, o) in [("amy", amy), ("ben", ChildOutcome::EndPlanNoFurtherPlan), ("cara", ChildOutcome::NoFurtherPlan)]
    {
        views_for(&mut c, child, if o.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, o).expect("decide");
    }
    after(&mut c);
    close(&mut c).expect("close");
    c
}

/// Amy's child protection plan from an ICPC, with two actions (one done).
fn amys_cp_plan() -> Plan {
    let mut c = attended();
    c.add_plan_action(
        &note_taker(),
        vec![kid("amy")],
        "Arrange an evening babysitting rota",
        ActionOwner::FamilyMember(mum()),
        d("2026-12-04"),
        d(CONFERENCE_DAY),
        at("2026-11-20 10:30"),
    )
    .expect("action");
    c.add_plan_action(
        &note_taker(),
        vec![kid("amy")],
        "Check Amy's attendance every week",
        ActionOwner::Professional(pro("p-teacher")),
        d("2026-12-11"),
        d(CONFERENCE_DAY),
        at("2026-11-20 10:30"),
    )
    .expect("action");
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::NoFurtherPlan),
        ("cara", ChildOutcome::NoFurtherPlan),
    ] {
        views_for(&mut c, child, if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, outcome).expect("decide");
    }
    close(&mut c).expect("close");
    let mut p = Plan::from_conference(&c, &kid("amy"), PlanId::from("cp-amy"), 0, None).expect("plan");
    // The ICPC's id is "conf1" like every fixture's: the reviews below are other conferences.
    p.started_by = ConferenceId::from("icpc");
    let kw = lead(&p);
    p.update_action(&kw, 2, ActionStatus::Done, "Attendance 97%.", at("2026-11-25 09:00")).expect("done");
    p
}

fn lead(p: &Plan) -> PlanActing {
    PlanActing { user_id: p.key_worker.clone(), leads: true, professional: None }
}

#[test]
fn a_review_ends_the_plan_and_steps_down_carrying_the_open_actions_when_it_chose_none_plan_05_plan_04_dec_01() {
    let mut cp = amys_cp_plan();
    let review = held(ConferenceKind::Review, ChildOutcome::EndPlanStepDownToChildInNeed, |_| {});
    assert!(cp.follow_review(&review));
    let cin = cp.step_down(&review, PlanId::from("cin-amy"), 0, Some(d("2026-12-31"))).expect("a CiN plan");
    assert_eq!(cin.kind, PlanKind::ChildInNeed);
    assert_eq!(cin.lifecycle.stepped_down_from.as_ref(), Some(&cp.id), "linked to the ended CP plan");
    assert_eq!(cp.lifecycle.stepped_down_to.as_ref(), Some(&cin.id), "and back");
    assert_eq!(cin.lifecycle.actions_chosen_by_review, Some(false));
    let carried: Vec<u32> = cin.actions.iter().map(|a| a.number).collect();
    assert_eq!(carried, [1], "every action still open, and only those");
    assert!(cin.categories.is_empty() && cin.next_review_by.is_none(), "a CiN plan has no category or review");
    assert_eq!(cin.lifecycle.network_meeting_due_by, Some(d("2026-12-31")));
    assert_eq!(cin.started_by, *review.id());
    // Only the conference that ended the plan with a step-down makes one.
    let mut again = amys_cp_plan();
    let ended = held(ConferenceKind::Review, ChildOutcome::EndPlanNoFurtherPlan, |_| {});
    assert!(again.follow_review(&ended));
    assert!(again.step_down(&ended, PlanId::from("x"), 0, None).is_none());
}

#[test]
fn a_step_down_carries_the_actions_the_review_agreed_plan_04_dec_01() {
    let mut cp = amys_cp_plan();
    let review = held(ConferenceKind::Review, ChildOutcome::EndPlanStepDownToChildInNeed, |c| {
        c.add_plan_action(
            &note_taker(),
            vec![kid("amy")],
            "Family support worker visits weekly",
            ActionOwner::Agency("Family support".into()),
            d("2027-01-15"),
            d(CONFERENCE_DAY),
            at("2026-11-20 10:45"),
        )
        .expect("agreed at the review");
    });
    assert!(cp.follow_review(&review));
    let cin = cp.step_down(&review, PlanId::from("cin-amy"), 1, None).expect("a CiN plan");
    assert_eq!(cin.lifecycle.actions_chosen_by_review, Some(true));
    let whats: Vec<&str> = cin.actions.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(whats, ["Family support worker visits weekly"]);
    assert!(cin.is_repeat(), "the child had a CiN plan before");
}

#[test]
fn a_transfer_in_conference_starts_the_plan_recording_where_it_came_from_time_02_rev_01() {
    let c = held(ConferenceKind::TransferIn, ChildOutcome::ContinuePlan { category: PlanCategory::Neglect }, |_| {});
    let p = Plan::from_transfer_in(&c, &kid("amy"), PlanId::from("p"), 0, Some(d("2026-12-04"))).expect("a plan");
    let from = p.lifecycle.transferred_from.as_ref().expect("where from");
    assert_eq!((from.authority.as_str(), from.plan_started_on), ("Otherton Council", d("2026-06-01")));
    assert_eq!(p.category(), Some(PlanCategory::Neglect));
    assert_eq!(p.started_on, d(CONFERENCE_DAY));
    // REV-01: the first review within 3 months of the transfer-in conference.
    assert!(p.next_review_by.is_some_and(|r| r <= d("2027-02-20")));
    // A review is not a transfer-in: it continues the plan there is, it does not start one.
    let r = held(ConferenceKind::Review, ChildOutcome::ContinuePlan { category: PlanCategory::Neglect }, |_| {});
    assert!(Plan::from_transfer_in(&r, &kid("amy"), PlanId::from("p"), 0, None).is_none());
}

#[test]
fn a_conference_that_decides_a_child_in_need_plan_makes_one_plan_04() {
    let c = closed();
    let cin = Plan::child_in_need_from_conference(&c, &kid("cara"), PlanId::from("cin"), 0, Some(d("2027-02-20")))
        .expect("Cara's CiN plan");
    assert_eq!(cin.kind, PlanKind::ChildInNeed);
    assert!(cin.categories.is_empty());
    assert_eq!(cin.next_review_by, None, "reviewed at network meetings, not review conferences");
    assert_eq!(cin.lifecycle.network_meeting_due_by, Some(d("2027-02-20")));
    assert!(Plan::child_in_need_from_conference(&c, &kid("amy"), PlanId::from("x"), 0, None).is_none());
}

fn cin_plan() -> Plan {
    Plan::child_in_need_from_conference(&closed(), &kid("cara"), PlanId::from("cin"), 0, None).expect("CiN")
}

#[test]
fn a_child_in_need_plan_states_needs_services_provider_duration_and_outcomes_plan_04() {
    let mut p = cin_plan();
    let kw = lead(&p);
    let service = |s: &str, p: &str, d: &str| Service { service: s.into(), provider: p.into(), duration: d.into() };
    let good = ChildInNeedDetails {
        needs: " Speech and language support. ".into(),
        services: vec![service("Speech therapy", "NHS speech and language team", "12 weeks"), service("", "", "")],
        expected_outcomes: "Cara speaks in short sentences by the summer.".into(),
    };
    p.change_child_in_need(&kw, good.clone()).expect("saved");
    let d = p.lifecycle.child_in_need.clone().expect("details");
    assert_eq!(d.needs, "Speech and language support.");
    assert_eq!(d.services.len(), 1, "an empty row is not a service");
    let refuse = |details: ChildInNeedDetails| cin_plan().change_child_in_need(&kw, details).unwrap_err();
    assert!(matches!(refuse(ChildInNeedDetails { needs: " ".into(), ..good.clone() }), PlanError::Missing { .. }));
    let mut no_provider = good.clone();
    no_provider.services[0].provider.clear();
    assert_eq!(refuse(no_provider), PlanError::Missing { what: "who provides each service" });
    let mut no_duration = good.clone();
    no_duration.services[0].duration = " ".into();
    assert_eq!(refuse(no_duration), PlanError::Missing { what: "how long each service lasts" });
    assert!(matches!(
        refuse(ChildInNeedDetails { expected_outcomes: String::new(), ..good.clone() }),
        PlanError::Missing { .. }
    ));
    // A child protection plan has no services; a partner professional does not write the plan.
    assert!(matches!(amys_cp_plan().change_child_in_need(&kw, good.clone()), Err(PlanError::WrongKind { .. })));
    let teacher = PlanActing { user_id: "u-teacher".into(), leads: false, professional: Some(pro("p-teacher")) };
    assert_eq!(cin_plan().change_child_in_need(&teacher, good), Err(PlanError::NotLeading));
}

#[test]
fn a_network_meeting_reviews_the_child_in_need_plan_at_the_policy_interval_plan_04() {
    let mut p = cin_plan();
    let kw = lead(&p);
    let today = d("2026-12-10");
    let policy = Policy::default_for(Nation::England);
    let next = crate::timescales::DeadlineRule::ChildInNeedReview.due_date(
        today,
        &Calendar::for_nation(Nation::England),
        &policy,
    );
    assert!(next.is_some_and(|n| n > today), "the policy sets an interval");
    let m = CoreGroupMeetingInput {
        held_on: today,
        present: vec![Member::KeyWorker(p.key_worker.clone())],
        progress: vec![],
        safety: vec![],
        new_actions: vec![NewAction {
            what: "Referral to speech therapy".into(),
            owner: ActionOwner::Agency("NHS".into()),
            owner_name: "NHS".into(),
            due: d("2026-12-24"),
        }],
        concern_for_review: None,
    };
    // A child protection plan's meetings are core groups; a CiN plan's are network meetings.
    assert!(matches!(
        p.clone().record_core_group_meeting(&kw, m.clone(), next, today, at("2026-12-10 15:00")),
        Err(PlanError::WrongKind { .. })
    ));
    assert!(matches!(
        amys_cp_plan().record_network_meeting(&kw, m.clone(), next, today, at("2026-12-10 15:00")),
        Err(PlanError::WrongKind { .. })
    ));
    let n = p.record_network_meeting(&kw, m, next, today, at("2026-12-10 15:00")).expect("recorded");
    assert_eq!(n, 1);
    assert_eq!(p.lifecycle.network_meeting_due_by, next);
    assert_eq!(p.actions.len(), 1);
    // The next one must record progress on the open action, with evidence.
    let m2 = CoreGroupMeetingInput {
        held_on: today,
        present: vec![Member::KeyWorker(p.key_worker.clone())],
        progress: vec![],
        safety: vec![],
        new_actions: vec![],
        concern_for_review: None,
    };
    assert_eq!(
        p.clone().record_network_meeting(&kw, m2, next, today, at("2026-12-10 16:00")),
        Err(PlanError::ProgressMissing { number: 1 })
    );
}

#[test]
fn a_plan_ends_for_each_of_the_other_reasons_with_reason_and_date_plan_05() {
    for reason in [EndReason::TransferOut, EndReason::EighteenthBirthday, EndReason::Died, EndReason::Adopted] {
        let mut p = amys_cp_plan();
        let kw = lead(&p);
        p.end(&kw, reason, "Recorded by the key worker.", d("2026-12-01"))
            .unwrap_or_else(|e| panic!("{reason:?}: {e}"));
        let e = p.ended.clone().expect("ended");
        assert_eq!((e.reason, e.on, e.conference_id), (reason, d("2026-12-01"), None));
        assert!(p.next_review_by.is_none() && p.core_group_due_by.is_none());
    }
    let kw = lead(&amys_cp_plan());
    // A transfer out names where the child went.
    assert!(matches!(
        amys_cp_plan().end(&kw, EndReason::TransferOut, " ", d("2026-12-01")),
        Err(PlanError::Missing { .. })
    ));
    // "No longer needed" ends only a child in need plan.
    assert!(matches!(
        amys_cp_plan().end(&kw, EndReason::NoLongerNeeded, "", d("2026-12-01")),
        Err(PlanError::WrongKind { .. })
    ));
    cin_plan().end(&kw, EndReason::NoLongerNeeded, "Needs met.", d("2026-12-01")).expect("a CiN plan ends");
    assert!(!EndReason::recordable_for(PlanKind::ChildProtection).contains(&EndReason::NoLongerNeeded));
    assert!(!EndReason::recordable_for(PlanKind::ChildProtection).contains(&EndReason::ReviewDecision));
    // The 18th birthday: not before the child turns 18 (Amy was born on 1 May 2013).
    let born = Some(d("2013-05-01"));
    assert!(matches!(
        amys_cp_plan().end_for(&kw, EndReason::EighteenthBirthday, "", d("2026-12-01"), born),
        Err(PlanError::BadEnd { .. })
    ));
    assert_eq!(eighteenth_birthday(d("2013-05-01")), Some(d("2031-05-01")));
    assert_eq!(eighteenth_birthday(d("2008-02-29")), Some(d("2026-03-01")));
}

#[test]
fn a_transfer_out_ends_the_plan_and_records_the_receiving_authority_and_its_due_date_plan_05_time_02() {
    let mut p = amys_cp_plan();
    let kw = lead(&p);
    let today = d("2026-12-10");
    let policy = Policy::default_for(Nation::England);
    let due = crate::timescales::DeadlineRule::TransferInConference.due_date(
        d("2026-12-07"),
        &Calendar::for_nation(Nation::England),
        &policy,
    );
    assert_eq!(
        due,
        Some(d("2026-12-30")),
        "15 working days from Monday 7 December, less Christmas and the Boxing Day holiday"
    );
    let to = TransferOut {
        authority: " Otherton Council ".into(),
        notified_on: d("2026-12-07"),
        transfer_in_due_by: due,
        receiving_authority_id: None,
    };
    let future = TransferOut { notified_on: d("2026-12-11"), ..to.clone() };
    assert!(matches!(p.clone().transfer_out(&kw, future, d("2026-12-05"), today), Err(PlanError::BadDate { .. })));
    let nowhere = TransferOut { authority: " ".into(), ..to.clone() };
    assert!(matches!(p.clone().transfer_out(&kw, nowhere, d("2026-12-05"), today), Err(PlanError::Missing { .. })));
    p.transfer_out(&kw, to, d("2026-12-05"), today).expect("transferred");
    let e = p.ended.clone().expect("ended");
    assert_eq!(
        (e.reason, e.on, e.details.as_str()),
        (EndReason::TransferOut, d("2026-12-05"), "Moved to Otherton Council")
    );
    let t = p.lifecycle.transferred_to.clone().expect("kept");
    assert_eq!((t.authority.as_str(), t.transfer_in_due_by), ("Otherton Council", due));
}

#[test]
fn the_step_down_carries_the_actions_the_chair_chose_and_closes_the_others_with_the_reason_plan_05() {
    let mut cp = amys_cp_plan();
    let kw = lead(&cp);
    let third = cp
        .add_action(
            &kw,
            "Mum attends a parenting course",
            ActionOwner::FamilyMember(mum()),
            "Mum".into(),
            d("2027-01-29"),
            d("2026-11-26"),
        )
        .expect("added");
    let review = held_then(
        ConferenceKind::Review,
        ChildOutcome::EndPlanStepDownToChildInNeed,
        |c| {
            c.add_plan_action(
                &note_taker(),
                vec![kid("amy")],
                "Family support worker visits weekly",
                ActionOwner::Agency("Family support".into()),
                d("2027-01-15"),
                d(CONFERENCE_DAY),
                at("2026-11-20 10:45"),
            )
            .expect("agreed at the review");
        },
        |c| {
            // Only the chair chooses, and only for a child whose plan steps down.
            assert!(c.choose_carried_over_actions(&note_taker(), &kid("amy"), vec![third]).is_err());
            let ben = c.choose_carried_over_actions(&chair(), &kid("ben"), vec![1]).unwrap_err();
            assert!(ben.to_string().contains("only a step-down"), "{ben}");
            c.choose_carried_over_actions(&chair(), &kid("amy"), vec![third, third]).expect("chosen");
        },
    );
    assert_eq!(review.carried_over_for(&kid("amy")), Some(&[third][..]));
    assert!(cp.follow_review(&review));
    let cin = cp.step_down(&review, PlanId::from("cin-amy"), 0, None).expect("a CiN plan");
    assert_eq!(cin.lifecycle.actions_chosen_by_review, Some(true));
    let carried: Vec<(u32, &str)> = cin.actions.iter().map(|a| (a.number, a.what.as_str())).collect();
    assert_eq!(
        carried,
        [(third, "Mum attends a parenting course"), (third + 1, "Family support worker visits weekly")],
        "the chosen action with its number, then the review's own"
    );
    // Action 1 was open and not chosen: closed on the ended plan with the reason; action 2
    // was done and stays so.
    let one = cp.actions.iter().find(|a| a.number == 1).unwrap();
    assert_eq!(one.status, ActionStatus::NotDone);
    assert!(one.not_done_reason.as_deref().is_some_and(|r| r.contains("Not carried over")), "{one:?}");
    assert_eq!(cp.actions.iter().find(|a| a.number == 2).unwrap().status, ActionStatus::Done);
    assert_eq!(cp.actions.iter().find(|a| a.number == third).unwrap().status, ActionStatus::NotStarted);
}

#[test]
fn a_decision_made_again_drops_the_actions_chosen_for_the_step_down_plan_05() {
    let review = held_then(
        ConferenceKind::Review,
        ChildOutcome::EndPlanStepDownToChildInNeed,
        |_| {},
        |c| {
            c.choose_carried_over_actions(&chair(), &kid("amy"), vec![1]).expect("chosen");
            decide(c, "amy", ChildOutcome::EndPlanNoFurtherPlan).expect("decided again");
            assert!(c.carried_over_for(&kid("amy")).is_none());
        },
    );
    assert!(review.carried_over_for(&kid("amy")).is_none());
}
