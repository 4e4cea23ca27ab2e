//! Exclusion: EXC-01..06, ROLE-07.

use super::*;

pub(super) fn whole(adult: AdultId) -> ExclusionDecision {
    ExclusionDecision {
        adult_id: adult,
        scope: ExclusionScope::Whole,
        reasons: vec![ExclusionReason::RiskOfViolence],
        detail: "Threats to the social worker last week.".into(),
        rests_on_police_information: true,
        views_by: vec![ViewsRoute::LetterToChair, ViewsRoute::Representative],
    }
}

pub(super) fn part(adult: AdultId, part: impl Into<Part>) -> ExclusionDecision {
    ExclusionDecision {
        adult_id: adult,
        scope: ExclusionScope::Part {
            part: part.into(),
            kind: ExcludedPartKind::DomesticAbuseBetweenParents,
            will_see: "Everything except the discussion of the mother's safety plan".into(),
            will_not_see: "The mother's safety plan and where she is staying".into(),
        },
        reasons: vec![ExclusionReason::RiskOfHarmToChild],
        detail: "Mother's refuge address must not be disclosed.".into(),
        rests_on_police_information: false,
        views_by: vec![ViewsRoute::PhoneOrVideo],
    }
}

#[test]
fn only_the_chair_of_this_conference_excludes_exc_01() {
    let mut c = scheduled();
    for who in [coordinator(), social_worker(), other_chair()] {
        let err = c.exclude(&who, whole(dad()), at("2026-11-05 10:00")).unwrap_err();
        assert!(matches!(err, ConferenceError::NotAllowed { .. }), "{who:?}");
    }
    assert!(c.exclusions().is_empty());
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("the chair excludes");
    assert!(c.is_fully_excluded(&dad()));
    assert_eq!(c.exclusions()[0].decided_by, UserId::from("chair1"));
}

#[test]
fn only_a_parent_or_carer_is_excluded_exc_01() {
    let mut c = scheduled();
    let err = c.exclude(&chair(), whole("gran".into()), at("2026-11-05 10:00")).unwrap_err();
    assert!(matches!(err, ConferenceError::NotParentOrCarer { .. }));
}

#[test]
fn exclusion_needs_a_listed_reason_and_the_chairs_words_exc_02() {
    let mut c = scheduled();
    let no_reason = ExclusionDecision { reasons: vec![], ..whole(dad()) };
    assert!(matches!(c.exclude(&chair(), no_reason, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    let no_words = ExclusionDecision { detail: "  ".into(), ..whole(dad()) };
    assert!(matches!(c.exclude(&chair(), no_words, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("with both");
    assert_eq!(c.exclusions()[0].decision.reasons, vec![ExclusionReason::RiskOfViolence]);
    assert!(c.exclusions()[0].decision.rests_on_police_information);
    assert_eq!(ExclusionReason::ALL.len(), 5, "the five reasons of the list");
}

#[test]
fn partial_exclusion_names_the_part_and_what_they_will_and_will_not_see_exc_03() {
    let mut c = scheduled();
    let unnamed = part(dad(), Part::from_stored(" "));
    assert!(matches!(c.exclude(&chair(), unnamed, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    let mut vague = part(dad(), AgendaPart::ComplicatingFactors);
    if let ExclusionScope::Part { will_not_see, .. } = &mut vague.scope {
        will_not_see.clear();
    }
    assert!(matches!(c.exclude(&chair(), vague, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    c.exclude(&chair(), part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-05 10:00")).expect("partial");
    assert!(!c.is_fully_excluded(&dad()));
    assert_eq!(c.excluded_parts(&dad()), vec![Part::Known(AgendaPart::ComplicatingFactors)]);
    // A partly excluded parent is still invited (INV-01).
    c.invite_family_member(&coordinator(), &dad(), d("2026-11-05")).expect("still invited");
}

#[test]
fn partly_excluded_parent_cannot_be_recorded_present_in_that_part_exc_03_meet_02() {
    let mut c = invited();
    c.exclude(&chair(), part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-05 10:00")).expect("partial");
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    let inv = c.invitation_of(&Person::FamilyMember(dad())).expect("inv").id;
    let whole_meeting = Attendance {
        invitation: inv,
        presence: Presence::InPerson,
        parts: vec![],
        arrived_late_at: None,
        left_early_at: None,
    };
    assert!(matches!(
        c.record_attendance(&note_taker(), whole_meeting),
        Err(ConferenceError::PresentInExcludedPart { .. })
    ));
    let in_part = Attendance {
        parts: vec![AgendaPart::ComplicatingFactors.into()],
        ..Attendance {
            invitation: inv,
            presence: Presence::InPerson,
            parts: vec![],
            arrived_late_at: None,
            left_early_at: None,
        }
    };
    assert!(matches!(c.record_attendance(&note_taker(), in_part), Err(ConferenceError::PresentInExcludedPart { .. })));
    let other_parts = Attendance {
        invitation: inv,
        presence: Presence::InPerson,
        parts: vec![AgendaPart::WorkingWell.into(), AgendaPart::NextSteps.into()],
        arrived_late_at: None,
        left_early_at: None,
    };
    c.record_attendance(&note_taker(), other_parts).expect("present for the other parts");
}

#[test]
fn excluded_person_must_be_told_before_and_given_a_way_to_give_views_exc_04() {
    let mut c = scheduled();
    let silent = ExclusionDecision { views_by: vec![], ..whole(dad()) };
    assert!(matches!(c.exclude(&chair(), silent, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    assert!(c.checks().contains(&Check::ExclusionNotTold { adult_id: dad() }));
    assert!(matches!(
        c.record_exclusion_told(&chair(), &dad(), d("2026-11-09"), HowTold::Letter, d("2026-11-06")),
        Err(ConferenceError::BadDate { .. })
    ));
    c.record_exclusion_told(&chair(), &dad(), d("2026-11-06"), HowTold::Letter, d("2026-11-06")).expect("told");
    assert!(c.exclusions_not_told_in_time().is_empty());
    let told = c.exclusions()[0].told.clone().expect("told");
    assert_eq!((told.on, told.how), (d("2026-11-06"), HowTold::Letter));
}

#[test]
fn telling_after_the_conference_date_still_shows_as_not_told_in_time_exc_04() {
    let mut c = scheduled();
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    c.record_exclusion_told(&chair(), &dad(), d("2026-11-23"), HowTold::Phone, d("2026-11-23")).expect("told late");
    assert_eq!(c.exclusions_not_told_in_time().len(), 1);
}

fn review_after(previous: &Conference) -> Conference {
    let mut r = request();
    r.kind = ConferenceKind::Review;
    r.children[0].current_plan = Some(PlanCategory::Emotional);
    r.previous = Some(PreviousConference {
        conference_id: previous.id().clone(),
        held_on: previous.date().expect("held"),
        chair: previous.chair().cloned(),
        exclusions: previous.exclusions_for_next_conference(),
    });
    r.due_by = d("2027-02-19");
    let mut c = Conference::request(&social_worker(), "conf2".into(), r, d("2027-02-01"), at("2027-02-01 09:00"))
        .expect("review");
    c.schedule(
        &coordinator(),
        slot("2027-02-19", "chair1"),
        &account("chair1", &[Role::Chair]),
        line_manager_of,
        None,
        &Weekends,
        d("2027-02-01"),
        at("2027-02-01 10:00"),
    )
    .expect("schedule");
    c
}

#[test]
fn an_exclusion_is_never_carried_into_the_next_conference_exc_05() {
    let mut first = invited();
    first.exclude(&chair(), part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-05 10:00")).expect("exclude");
    let mut review = review_after(&first);
    assert!(review.exclusions().is_empty(), "the new conference starts with no exclusion");
    assert!(review.excluded_parts(&dad()).is_empty());
    assert_eq!(review.previous_exclusions().len(), 1, "but the chair sees the old one to decide again");
    assert!(review.checks().contains(&Check::PreviousExclusionNotReviewed { adult_id: dad() }));
    // The father is invited like any parent.
    review.invite_family_member(&coordinator(), &dad(), d("2027-02-02")).expect("invited");
}

#[test]
fn the_review_cannot_start_until_the_chair_decides_each_old_exclusion_again_exc_05_rev_03() {
    let mut first = invited();
    first.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let mut review = review_after(&first);
    review
        .record_pre_meeting(
            &chair(),
            &mum(),
            PreMeetingOutcome::Held { mode: PreMeetingMode::Phone, on: d("2027-02-18") },
            at("2027-02-18 10:00"),
        )
        .expect("pre");
    review
        .record_pre_meeting(
            &chair(),
            &dad(),
            PreMeetingOutcome::NotHeld { reason: "Excluded".into() },
            at("2027-02-18 10:00"),
        )
        .expect("pre");
    let err = review.start_meeting(&chair(), d("2027-02-19"), at("2027-02-19 10:00")).unwrap_err();
    assert!(matches!(err, ConferenceError::Missing { .. }));
    // "Excluded again" needs a fresh exclusion with its own reasons first.
    assert!(matches!(
        review.review_previous_exclusion(
            &chair(),
            &dad(),
            ExclusionReviewOutcome::ExcludedAgain,
            at("2027-02-18 11:00")
        ),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        review.review_previous_exclusion(
            &coordinator(),
            &dad(),
            ExclusionReviewOutcome::NotExcluded,
            at("2027-02-18 11:00")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    review
        .review_previous_exclusion(&chair(), &dad(), ExclusionReviewOutcome::NotExcluded, at("2027-02-18 11:00"))
        .expect("lapses");
    assert!(review.previous_exclusions_to_review().is_empty());
    review.start_meeting(&chair(), d("2027-02-19"), at("2027-02-19 10:00")).expect("starts");
}

#[test]
fn what_an_excluded_parent_and_their_supporter_may_see_exc_06_role_07() {
    let mut c = invited();
    c.exclude(&chair(), part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-05 10:00")).expect("exclude");
    let supporter = c
        .name_supporter(
            &coordinator(),
            SupporterDetails {
                name: "Fred Friend".into(),
                kind: SupporterKind::Friend,
                supports: Person::FamilyMember(dad()),
                represents: false,
            },
            &policy(),
            &Weekends,
            d("2026-11-06"),
        )
        .expect("supporter");
    let dad_sees = c.visibility_for(&Recipient::FamilyMember(dad()));
    assert_eq!(dad_sees.excluded_parts, vec![Part::Known(AgendaPart::ComplicatingFactors)]);
    assert!(!dad_sees.restricted_content);
    assert!(!dad_sees.outcome_only);
    assert_eq!(c.visibility_for(&Recipient::Supporter(supporter)), dad_sees, "the supporter sees what the father sees");
    let mum_sees = c.visibility_for(&Recipient::FamilyMember(mum()));
    assert!(mum_sees.excluded_parts.is_empty());
    assert_eq!(c.visibility_for(&Recipient::Professional(pro("p-gp"))), Visibility::EVERYTHING);
    let stranger = c.visibility_for(&Recipient::Supporter(InvitationId(999)));
    assert!(stranger.outcome_only && !stranger.restricted_content, "an unknown supporter sees the least");
}

#[test]
fn a_parent_excluded_from_the_whole_conference_sees_only_the_outcome_exc_06() {
    let mut c = invited();
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let sees = c.visibility_for(&Recipient::FamilyMember(dad()));
    assert!(sees.outcome_only);
    let sections = vec![
        RecordSection {
            kind: SectionKind::Discussion,
            heading: "Worries".into(),
            text: "w".into(),
            part: None,
            restricted: false,
        },
        RecordSection {
            kind: SectionKind::Decisions,
            heading: "Decision".into(),
            text: "CP plan".into(),
            part: None,
            restricted: false,
        },
        RecordSection {
            kind: SectionKind::Plan,
            heading: "Plan".into(),
            text: "actions".into(),
            part: None,
            restricted: false,
        },
    ];
    let kinds: Vec<SectionKind> = redact(&sections, &sees).iter().map(|s| s.kind).collect();
    assert_eq!(kinds, vec![SectionKind::Decisions, SectionKind::Plan]);
}
