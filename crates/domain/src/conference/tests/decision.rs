//! Decisions, quorum, dissent, close: DEC-01..05, INV-03, DIS-01/02, REV-01.

use super::*;
use crate::timescales::{DeadlineRule, LateReason, LateReasonRecord};

fn cp(category: PlanCategory) -> ChildOutcome {
    ChildOutcome::ChildProtectionPlan { category }
}

#[test]
fn initial_conference_decides_cp_plan_with_category_cin_plan_or_no_plan_dec_01() {
    let mut c = attended();
    for (child, outcome) in [
        ("amy", cp(PlanCategory::Sexual)),
        ("ben", ChildOutcome::ChildInNeedPlan),
        ("cara", ChildOutcome::NoFurtherPlan),
    ] {
        views_for(&mut c, child, PlanView::Plan);
        decide(&mut c, child, outcome.clone()).expect("decide");
        assert_eq!(c.decision_for(&kid(child)).map(|d| d.outcome.clone()), Some(outcome));
    }
    assert_eq!(c.decision_for(&kid("amy")).and_then(|d| d.outcome.category()), Some(PlanCategory::Sexual));
    assert_eq!(PlanCategory::ALL.len(), 5);
}

#[test]
fn continuing_or_ending_a_plan_is_refused_for_a_child_not_on_one_dec_01() {
    let mut c = attended();
    views_for(&mut c, "amy", PlanView::Plan);
    let err = decide(&mut c, "amy", ChildOutcome::ContinuePlan { category: PlanCategory::Neglect }).unwrap_err();
    assert!(matches!(err, ConferenceError::DecisionDoesNotFit { .. }));
    assert!(decide(&mut c, "amy", ChildOutcome::EndPlanNoFurtherPlan).is_err());
}

fn review_in_progress() -> Conference {
    let mut r = request();
    r.kind = ConferenceKind::Review;
    r.children[0].current_plan = Some(PlanCategory::Emotional);
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
    c
}

#[test]
fn review_continues_a_plan_with_a_new_category_or_ends_it_dec_01() {
    let mut c = review_in_progress();
    views_for(&mut c, "amy", PlanView::Plan);
    decide(&mut c, "amy", ChildOutcome::ContinuePlan { category: PlanCategory::Multiple }).expect("continue");
    let amy = c.decision_for(&kid("amy")).expect("decided");
    assert_eq!(
        (amy.previous_category, amy.outcome.category()),
        (Some(PlanCategory::Emotional), Some(PlanCategory::Multiple))
    );
    views_for(&mut c, "ben", PlanView::NoPlan);
    let err = decide(&mut c, "ben", cp(PlanCategory::Neglect)).unwrap_err();
    assert!(matches!(err, ConferenceError::DecisionDoesNotFit { .. }), "Ben is on a plan: continue or end it");
    decide(&mut c, "ben", ChildOutcome::EndPlanStepDownToChildInNeed).expect("end");
    views_for(&mut c, "cara", PlanView::NoPlan);
    decide(&mut c, "cara", ChildOutcome::NoFurtherPlan)
        .expect("a sibling not on a plan is decided as at an initial conference");
}

#[test]
fn the_chair_records_each_present_professionals_view_before_deciding_dec_02() {
    let mut c = attended();
    c.record_professional_view(&chair(), &pro("p-sw"), &kid("amy"), PlanView::Plan, "Risk continues").expect("view");
    let err = decide(&mut c, "amy", cp(PlanCategory::Emotional)).unwrap_err();
    match &err {
        ConferenceError::ProfessionalViewsMissing { names, .. } => {
            assert!(
                names.contains("Tia Teacher") && names.contains("PC Pat Police") && !names.contains("Sam Social"),
                "{names}"
            )
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        c.record_professional_view(&coordinator(), &pro("p-gp"), &kid("amy"), PlanView::Plan, "x"),
        Err(ConferenceError::NotAllowed { .. })
    ));
    views_for(&mut c, "amy", PlanView::NoPlan);
    // The chair holds the decision: a plan despite every professional saying no plan.
    decide(&mut c, "amy", cp(PlanCategory::Emotional)).expect("chair decides");
    assert_eq!(c.professional_views().iter().filter(|v| v.child == kid("amy")).count(), 5);
}

#[test]
fn only_a_professional_present_gives_a_view_dec_02() {
    let mut c = started();
    mark_present(&mut c, Person::Professional(pro("p-sw")));
    let err = c.record_professional_view(&chair(), &pro("p-gp"), &kid("amy"), PlanView::Plan, "x").unwrap_err();
    assert!(matches!(err, ConferenceError::NotPresent { .. }));
}

#[test]
fn parents_views_are_recorded_but_cannot_prevent_a_plan_dec_02() {
    let mut c = attended();
    c.record_parent_view(&note_taker(), &mum(), Some(kid("amy")), "We do not agree that Amy needs a plan.")
        .expect("parent view");
    views_for(&mut c, "amy", PlanView::Plan);
    decide(&mut c, "amy", cp(PlanCategory::Emotional)).expect("plan despite the parent's view");
    assert_eq!(c.parent_views().len(), 1);
    assert!(matches!(c.record_parent_view(&note_taker(), &mum(), None, " "), Err(ConferenceError::Missing { .. })));
}

#[test]
fn a_cp_plan_needs_a_judgement_of_continuing_risk_of_significant_harm_dec_03() {
    let mut c = attended();
    views_for(&mut c, "amy", PlanView::Plan);
    let no_risk = DecisionInput {
        child: kid("amy"),
        outcome: cp(PlanCategory::Neglect),
        continuing_risk_of_significant_harm: false,
        inquorate_reason: None,
        reporter_referral: None,
    };
    assert_eq!(
        c.decide(&chair(), no_risk.clone(), &policy(), ENGLAND, at("2026-11-20 11:30")),
        Err(ConferenceError::NoContinuingRisk { child: "Amy Ashworth".into() })
    );
    let cin = DecisionInput { outcome: ChildOutcome::ChildInNeedPlan, ..no_risk.clone() };
    c.decide(&chair(), cin, &policy(), ENGLAND, at("2026-11-20 11:30")).expect("a CiN plan needs no such judgement");
    let risk = DecisionInput { continuing_risk_of_significant_harm: true, ..no_risk };
    c.decide(&chair(), risk, &policy(), ENGLAND, at("2026-11-20 11:31")).expect("plan with risk");
    assert!(c
        .decision_for(&kid("amy"))
        .is_some_and(|d| d.continuing_risk_of_significant_harm && d.outcome.is_child_protection_plan()));
}

#[test]
fn legal_action_is_recorded_as_a_recommendation_only_dec_04() {
    let mut c = attended();
    assert!(matches!(
        c.recommend_legal_action(
            &coordinator(),
            vec![kid("ben")],
            LegalAction::PreProceedings,
            "x",
            at("2026-11-20 11:40")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    assert!(matches!(
        c.recommend_legal_action(&chair(), vec![kid("ben")], LegalAction::PreProceedings, " ", at("2026-11-20 11:40")),
        Err(ConferenceError::Missing { .. })
    ));
    c.recommend_legal_action(
        &chair(),
        vec![kid("ben")],
        LegalAction::PreProceedings,
        "No change after two plans.",
        at("2026-11-20 11:40"),
    )
    .expect("recommend");
    let wording = c.legal_recommendations()[0].wording();
    assert!(
        wording.starts_with("The conference recommends that the local authority consider pre-proceedings"),
        "{wording}"
    );
    assert!(wording.contains("no legal powers"));
}

#[test]
fn without_a_quorum_a_decision_needs_the_chairs_reason_inv_03() {
    let mut c = started();
    mark_present(&mut c, Person::Professional(pro("p-sw")));
    mark_present(&mut c, Person::Professional(pro("p-teacher")));
    views_for(&mut c, "amy", PlanView::Plan);
    let err = decide(&mut c, "amy", cp(PlanCategory::Neglect)).unwrap_err();
    assert!(matches!(err, ConferenceError::InquorateReasonNeeded { .. }), "{err:?}");
    let with_reason = DecisionInput {
        child: kid("amy"),
        outcome: cp(PlanCategory::Neglect),
        continuing_risk_of_significant_harm: true,
        inquorate_reason: Some("Immediate risk; police information received in writing.".into()),
        reporter_referral: None,
    };
    c.decide(&chair(), with_reason, &policy(), ENGLAND, at("2026-11-20 11:30")).expect("allowed with reason");
    assert!(c.decision_for(&kid("amy")).is_some_and(|d| d.inquorate_reason.is_some()));
}

#[test]
fn without_a_quorum_no_decision_where_policy_refuses_inv_03() {
    let mut c = started();
    mark_present(&mut c, Person::Professional(pro("p-sw")));
    views_for(&mut c, "amy", PlanView::Plan);
    let refuse = Policy { inquorate_decision: crate::policy::InquorateDecision::Refuse, ..policy() };
    let input = DecisionInput {
        child: kid("amy"),
        outcome: cp(PlanCategory::Neglect),
        continuing_risk_of_significant_harm: true,
        inquorate_reason: Some("urgent".into()),
        reporter_referral: None,
    };
    assert!(matches!(
        c.decide(&chair(), input, &refuse, ENGLAND, at("2026-11-20 11:30")),
        Err(ConferenceError::InquorateRefused { .. })
    ));
    assert!(c.decisions().is_empty());
}

fn dissent(by: &str) -> DissentInput {
    DissentInput {
        professional: pro(by),
        child: Some(kid("cara")),
        reasons: "Cara's injuries were not explained; she needs a CP plan.".into(),
        discussed_with_chair: true,
        chair_response: "Discussed; the medical opinion supports accidental injury.".into(),
    }
}

#[test]
fn dissent_is_recorded_from_an_attending_professional_in_the_meeting_dis_01() {
    let mut c = decided();
    c.record_dissent(&chair(), dissent("p-hv"), &policy(), at("2026-11-20 12:00")).expect("dissent");
    assert_eq!(c.dissents().len(), 1);
}

#[test]
fn dissent_refused_from_a_professional_not_attending_dis_01() {
    let mut c = started();
    mark_present(&mut c, Person::Professional(pro("p-sw")));
    let err = c.record_dissent(&chair(), dissent("p-hv"), &policy(), at("2026-11-20 12:00")).unwrap_err();
    assert_eq!(err, ConferenceError::DissentFromNonAttendee { name: "Hal Visitor".into() });
    let err = c
        .record_dissent(
            &chair(),
            DissentInput { professional: pro("p-nobody"), ..dissent("p-hv") },
            &policy(),
            at("2026-11-20 12:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotInConference { .. }));
}

#[test]
fn dissent_refused_before_the_chair_has_discussed_it_dis_01() {
    let mut c = decided();
    let undiscussed = DissentInput { discussed_with_chair: false, ..dissent("p-hv") };
    assert_eq!(
        c.record_dissent(&chair(), undiscussed, &policy(), at("2026-11-20 12:00")),
        Err(ConferenceError::DissentNotDiscussed)
    );
    let no_response = DissentInput { chair_response: " ".into(), ..dissent("p-hv") };
    assert_eq!(
        c.record_dissent(&chair(), no_response, &policy(), at("2026-11-20 12:00")),
        Err(ConferenceError::DissentNotDiscussed)
    );
    assert!(matches!(
        c.record_dissent(&note_taker(), dissent("p-hv"), &policy(), at("2026-11-20 12:00")),
        Err(ConferenceError::NotAllowed { .. })
    ));
}

#[test]
fn dissent_refused_after_close_dis_01() {
    let mut c = closed();
    let err = c.record_dissent(&chair(), dissent("p-hv"), &policy(), at("2026-11-20 13:00")).unwrap_err();
    assert!(matches!(err, ConferenceError::WrongState { state: ConferenceState::Closed, .. }));
    assert!(err.to_string().contains("escalation procedure"), "{err}");
    let mut before = invited();
    assert!(matches!(
        before.record_dissent(&chair(), dissent("p-hv"), &policy(), at("2026-11-19 13:00")),
        Err(ConferenceError::WrongState { .. })
    ));
}

#[test]
fn dissent_is_on_the_record_without_the_professionals_name_and_escalated_per_policy_dis_02() {
    let mut c = decided();
    c.record_dissent(&chair(), dissent("p-hv"), &policy(), at("2026-11-20 12:00")).expect("dissent");
    let section =
        c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::Dissent).expect("dissent section");
    assert!(section.text.contains("A professional disagreed with the decision for Cara Ashworth"));
    assert!(section.text.contains("The chair's response: Discussed"));
    assert!(!section.text.contains("Hal Visitor"), "not attributed: {}", section.text);
    assert_eq!(c.dissents_to_escalate().len(), 1);
    assert!(matches!(
        c.mark_dissent_escalated(&police_officer(), 0, at("2026-11-20 12:05")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.mark_dissent_escalated(&coordinator(), 0, at("2026-11-20 12:05")).expect("escalated");
    assert!(c.dissents_to_escalate().is_empty());

    let mut quiet = decided();
    let no_escalation = Policy { escalate_dissent: false, ..policy() };
    quiet.record_dissent(&chair(), dissent("p-hv"), &no_escalation, at("2026-11-20 12:00")).expect("dissent");
    assert!(quiet.dissents_to_escalate().is_empty());
}

#[test]
fn closing_needs_a_decision_for_every_child_dec_05() {
    let mut c = attended();
    views_for(&mut c, "amy", PlanView::Plan);
    decide(&mut c, "amy", cp(PlanCategory::Neglect)).expect("decide");
    assert_eq!(close(&mut c), Err(ConferenceError::ChildrenUndecided { names: "Ben Ashworth, Cara Ashworth".into() }));
    assert_eq!(c.state(), ConferenceState::InProgress);
}

#[test]
fn the_written_outcome_is_due_within_policy_and_late_sending_is_flagged_dec_05() {
    let mut c = closed();
    // Friday 20 November + 1 working day = Monday 23 November.
    assert_eq!(c.outcome_due_by(), Some(d("2026-11-23")));
    assert_eq!(c.outcome_not_sent().len(), 7, "two parents and five professionals");
    let today = d("2026-11-25");
    c.record_outcome_sent(&coordinator(), Recipient::FamilyMember(mum()), d("2026-11-23"), today, None).expect("sent");
    let reason = LateReasonRecord::new(LateReason::Other, "The letter was returned by the post").unwrap();
    c.record_outcome_sent(&coordinator(), Recipient::FamilyMember(dad()), d("2026-11-24"), today, Some(reason.clone()))
        .expect("sent late");
    assert_eq!(c.outcome_sent().iter().map(|s| s.late).collect::<Vec<_>>(), vec![false, true]);
    assert_eq!(c.outcome_sent()[1].late_reason, Some(reason));
    assert_eq!(c.outcome_not_sent().len(), 5);
    let mut open = attended();
    assert!(matches!(
        open.record_outcome_sent(
            &coordinator(),
            Recipient::FamilyMember(mum()),
            d(CONFERENCE_DAY),
            d(CONFERENCE_DAY),
            None,
        ),
        Err(ConferenceError::WrongState { .. })
    ));
}

#[test]
fn an_outcome_sent_late_needs_the_reason_from_the_list_and_the_deadline_keeps_it_dec_05_time_01() {
    let mut c = closed();
    let today = d("2026-11-26");
    let pro = Recipient::Professional(pro("p-police"));
    // Late without a reason: refused, nothing recorded.
    assert_eq!(
        c.record_outcome_sent(&coordinator(), pro.clone(), d("2026-11-25"), today, None),
        Err(ConferenceError::OutcomeLateWithoutReason { due_by: d("2026-11-23") })
    );
    // "Other" needs the free text, even when an API client sends the record directly.
    let bare_other = LateReasonRecord { reason: LateReason::Other, details: "  ".into() };
    assert!(matches!(
        c.record_outcome_sent(&coordinator(), pro.clone(), d("2026-11-25"), today, Some(bare_other)),
        Err(ConferenceError::BadLateReason { .. })
    ));
    // Not in the future, and not before the conference.
    assert!(matches!(
        c.record_outcome_sent(&coordinator(), pro.clone(), d("2026-11-27"), today, None),
        Err(ConferenceError::BadDate { .. })
    ));
    assert!(matches!(
        c.record_outcome_sent(&coordinator(), pro.clone(), d("2026-11-19"), today, None),
        Err(ConferenceError::BadDate { .. })
    ));
    assert!(c.outcome_sent().is_empty());
    let why = LateReasonRecord::new(LateReason::ChairUnavailable, " Chair off sick ").unwrap();
    c.record_outcome_sent(&coordinator(), pro, d("2026-11-25"), today, Some(why.clone())).expect("late with a reason");
    // The case's outcome deadline is met late, with that reason.
    let event =
        c.deadline_events().into_iter().find(|e| e.rule == DeadlineRule::OutcomeSent).expect("the outcome deadline");
    assert_eq!(event.met, Some(d("2026-11-25")));
    assert_eq!(event.late_reason, Some(why));
    // Sent in time, a reason given is not kept (there was no delay to explain).
    let mut c = closed();
    let unused = LateReasonRecord::new(LateReason::ChairUnavailable, "").unwrap();
    c.record_outcome_sent(&coordinator(), Recipient::FamilyMember(mum()), d("2026-11-23"), today, Some(unused))
        .expect("in time");
    assert_eq!(c.outcome_sent()[0].late_reason, None);
    let event = c.deadline_events().into_iter().find(|e| e.rule == DeadlineRule::OutcomeSent).unwrap();
    assert_eq!((event.met, event.late_reason), (Some(d("2026-11-23")), None));
}

#[test]
fn next_review_is_three_months_after_an_initial_conference_rev_01() {
    let c = closed();
    assert_eq!(c.next_review(), Some(NextReview { latest: d("2027-02-20"), on: d("2027-02-20") }));
}

#[test]
fn next_review_is_six_months_after_a_review_and_never_later_rev_01() {
    let mut c = review_in_progress();
    views_for(&mut c, "amy", PlanView::Plan);
    decide(&mut c, "amy", ChildOutcome::ContinuePlan { category: PlanCategory::Emotional }).expect("continue");
    for child in ["ben", "cara"] {
        views_for(&mut c, child, PlanView::NoPlan);
    }
    decide(&mut c, "ben", ChildOutcome::EndPlanNoFurtherPlan).expect("end");
    decide(&mut c, "cara", ChildOutcome::NoFurtherPlan).expect("none");
    let err = c.close(&chair(), Some(d("2027-05-21")), &policy(), &Weekends, at("2026-11-20 12:30")).unwrap_err();
    assert_eq!(err, ConferenceError::NextReviewTooLate { latest: d("2027-05-20") });
    c.close(&chair(), Some(d("2027-04-01")), &policy(), &Weekends, at("2026-11-20 12:30"))
        .expect("earlier is fine (REV-02)");
    assert_eq!(c.next_review(), Some(NextReview { latest: d("2027-05-20"), on: d("2027-04-01") }));
}

#[test]
fn month_arithmetic_clamps_to_the_end_of_the_month_rev_01() {
    assert_eq!(add_months(d("2026-08-31"), 6), Some(d("2027-02-28")));
    assert_eq!(add_months(d("2027-11-30"), 3), Some(d("2028-02-29")));
    assert_eq!(review_due_by(ConferenceKind::TransferIn, d("2026-11-30")), Some(d("2027-02-28")));
    assert_eq!(review_due_by(ConferenceKind::Review, d("2026-11-30")), Some(d("2027-05-30")));
}

#[test]
fn no_review_date_when_no_child_is_on_a_plan_rev_01() {
    let mut c = attended();
    for child in ["amy", "ben", "cara"] {
        views_for(&mut c, child, PlanView::NoPlan);
        decide(&mut c, child, ChildOutcome::ChildInNeedPlan).expect("decide");
    }
    close(&mut c).expect("close");
    assert_eq!(c.next_review(), None);
}

/// Issue 15 (Scotland, National Guidance 2021/2023 para 3.133): each child's decision at a
/// CPPM records whether the child is referred to the Children's Reporter, with reasons; the
/// other nations' decisions refuse the field. DEC-01.
#[test]
fn scotland_records_the_reporter_referral_with_reasons_and_other_nations_refuse_it_dec_01() {
    use crate::nation_decisions::NationDecisions;
    use crate::Nation;
    let scotland = NationDecisions::for_nation(Nation::Scotland);
    let mut c = attended();
    views_for(&mut c, "amy", PlanView::Plan);
    let input = |referral: Option<ReporterReferral>| DecisionInput {
        child: kid("amy"),
        outcome: cp(PlanCategory::Neglect),
        continuing_risk_of_significant_harm: true,
        inquorate_reason: None,
        reporter_referral: referral,
    };
    let at_ = at("2026-11-20 11:30");
    assert_eq!(
        c.decide(&chair(), input(None), &policy(), scotland, at_),
        Err(ConferenceError::ReporterReferralNeeded { child: "Amy Ashworth".into() })
    );
    let no_reasons = ReporterReferral { referred: true, reasons: "  ".into() };
    assert_eq!(
        c.decide(&chair(), input(Some(no_reasons)), &policy(), scotland, at_),
        Err(ConferenceError::ReporterReasonsNeeded { child: "Amy Ashworth".into() })
    );
    let referred = ReporterReferral { referred: true, reasons: " Compulsory measures may be needed. ".into() };
    c.decide(&chair(), input(Some(referred)), &policy(), scotland, at_).expect("referred with reasons");
    let kept = c.decision_for(&kid("amy")).and_then(|d| d.reporter_referral.clone()).expect("kept");
    assert_eq!(kept, ReporterReferral { referred: true, reasons: "Compulsory measures may be needed.".into() });
    assert!(kept.describe().starts_with("The child is referred to the Children's Reporter"));
    for other in [Nation::England, Nation::Wales, Nation::NorthernIreland] {
        let nation = NationDecisions::for_nation(other);
        let referral = ReporterReferral { referred: false, reasons: "n/a".into() };
        assert_eq!(
            c.decide(&chair(), input(Some(referral)), &policy(), nation, at_),
            Err(ConferenceError::ReporterReferralNotAsked),
            "{other}"
        );
        c.decide(&chair(), input(None), &policy(), nation, at_).expect("no referral outside Scotland");
        assert!(c.decision_for(&kid("amy")).is_some_and(|d| d.reporter_referral.is_none()));
    }
}
