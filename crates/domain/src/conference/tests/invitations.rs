//! Invitations and participation: INV-01, INV-02, INV-04..06, INV-08, CHILD-01, LANG-01, ROLE-07.

use super::*;

#[test]
fn every_parent_and_carer_is_listed_until_invited_inv_01() {
    let mut c = scheduled();
    let missing: Vec<AdultId> = c.parents_not_invited().iter().map(|m| m.adult_id.clone()).collect();
    assert_eq!(missing, vec![mum(), dad()], "the grandmother has no parental responsibility and is not listed");
    assert!(c.checks().contains(&Check::ParentNotInvited { adult_id: mum() }));
    c.invite_family_member(&coordinator(), &mum(), d("2026-11-04")).expect("invite");
    c.invite_family_member(&coordinator(), &dad(), d("2026-11-04")).expect("invite");
    assert!(c.parents_not_invited().is_empty());
    assert!(matches!(
        c.invite_family_member(&coordinator(), &mum(), d("2026-11-04")),
        Err(ConferenceError::AlreadyRecorded { .. })
    ));
}

#[test]
fn a_parent_excluded_from_the_whole_conference_is_not_invited_inv_01() {
    let mut c = scheduled();
    c.exclude(&chair(), super::exclusion::whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let err = c.invite_family_member(&coordinator(), &dad(), d("2026-11-05")).unwrap_err();
    assert!(matches!(err, ConferenceError::Excluded { .. }));
    assert_eq!(c.parents_not_invited().len(), 1, "only the mother is still to invite");
}

#[test]
fn invitations_wait_for_a_date_and_are_sent_by_the_coordinator_inv_01() {
    let mut c = requested();
    assert!(matches!(
        c.invite_family_member(&coordinator(), &mum(), d("2026-11-04")),
        Err(ConferenceError::WrongState { .. })
    ));
    let mut s = scheduled();
    assert!(matches!(
        s.invite_family_member(&social_worker(), &mum(), d("2026-11-04")),
        Err(ConferenceError::NotAllowed { .. })
    ));
}

#[test]
fn police_must_attend_or_send_information_inv_02() {
    let mut c = scheduled();
    assert_eq!(c.police_check(), PoliceCheck::NotInvited);
    let inv = c.invite_professional(&coordinator(), &pro("p-police"), d("2026-11-04")).expect("invite");
    assert_eq!(c.police_check(), PoliceCheck::AwaitingAnswer);
    c.answer_invitation(
        &police_officer(),
        inv,
        Answer::Declined { reason: "Officer on leave".into() },
        d("2026-11-05"),
    )
    .expect("answer");
    assert_eq!(c.police_check(), PoliceCheck::DeclinedWithoutInformation);
    assert!(c.checks().contains(&Check::Police { state: PoliceCheck::DeclinedWithoutInformation }));
    // A police report counts as information sent.
    c.submit_report(
        &police_officer(),
        &pro("p-police"),
        vec![ReportPart { heading: "Call-outs".into(), text: "Two in October.".into(), restricted: None }],
        &policy(),
        &Weekends,
        d("2026-11-06"),
    )
    .expect("report");
    assert_eq!(c.police_check(), PoliceCheck::SendingInformation);
    assert!(c.police_check().is_satisfied());
    c.answer_invitation(&police_officer(), inv, Answer::Remote, d("2026-11-06")).expect("answer");
    assert_eq!(c.police_check(), PoliceCheck::Attending);
}

#[test]
fn professionals_are_invited_from_those_involved_inv_02() {
    let mut c = scheduled();
    c.invite_professional(&coordinator(), &pro("p-teacher"), d("2026-11-04")).expect("invite");
    let err = c.invite_professional(&coordinator(), &pro("p-nobody"), d("2026-11-04")).unwrap_err();
    assert!(matches!(err, ConferenceError::NotInConference { .. }));
}

#[test]
fn each_answer_is_kept_and_non_answers_are_visible_inv_04() {
    let mut c = scheduled();
    let today = d("2026-11-04");
    let teacher = c.invite_professional(&coordinator(), &pro("p-teacher"), today).expect("invite");
    let hv = c.invite_professional(&coordinator(), &pro("p-hv"), today).expect("invite");
    let gp = c.invite_professional(&coordinator(), &pro("p-gp"), today).expect("invite");
    let mum_inv = c.invite_family_member(&coordinator(), &mum(), today).expect("invite");
    c.answer_invitation(&coordinator(), teacher, Answer::Remote, today).expect("answer");
    c.answer_invitation(&coordinator(), gp, Answer::ReportOnly, today).expect("answer");
    let err = c.answer_invitation(&coordinator(), hv, Answer::Declined { reason: " ".into() }, today).unwrap_err();
    assert!(matches!(err, ConferenceError::Missing { .. }), "declining needs a reason");
    c.answer_invitation(&coordinator(), hv, Answer::Declined { reason: "Clinic that day".into() }, today)
        .expect("answer");
    // The mother answers herself in the family portal; the father cannot answer for her.
    assert!(matches!(
        c.answer_invitation(&Acting::family_member("u-dad", "dad"), mum_inv, Answer::InPerson, today),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.answer_invitation(&Acting::family_member("u-mum", "mum"), mum_inv, Answer::InPerson, today).expect("own answer");
    let unanswered: Vec<InvitationId> = c.unanswered().iter().map(|i| i.id).collect();
    assert!(unanswered.is_empty());
    assert_eq!(c.invitation(gp).and_then(|i| i.answer.clone()), Some(Answer::ReportOnly));
    assert_eq!(c.invitation(hv).and_then(|i| i.answered_on), Some(today));
    let dad_inv = c.invite_family_member(&coordinator(), &dad(), today).expect("invite");
    assert_eq!(c.unanswered().iter().map(|i| i.id).collect::<Vec<_>>(), vec![dad_inv]);
    assert!(c.checks().contains(&Check::NoAnswer { invitation: dad_inv }));
}

fn supporter(name: &str, kind: SupporterKind, supports: Person) -> SupporterDetails {
    SupporterDetails { name: name.into(), kind, supports, represents: false }
}

#[test]
fn a_supporter_named_in_time_is_not_flagged_inv_05() {
    let mut c = invited();
    // Conference Friday 20 November; 2 working days before is Wednesday 18 November.
    let inv = c
        .name_supporter(
            &Acting::family_member("u-mum", "mum"),
            supporter("Gill Friend", SupporterKind::Friend, Person::FamilyMember(mum())),
            &policy(),
            &Weekends,
            d("2026-11-18"),
        )
        .expect("named in time");
    assert!(matches!(&c.invitation(inv).expect("inv").invitee, Invitee::Supporter(s) if s.late_notice.is_none()));
    assert!(c.late_supporters_awaiting_chair().is_empty());
}

#[test]
fn a_supporter_named_late_is_flagged_for_the_chair_who_decides_inv_05() {
    let mut c = invited();
    let inv = c
        .name_supporter(
            &coordinator(),
            supporter("Sol Icitor", SupporterKind::Solicitor, Person::FamilyMember(dad())),
            &policy(),
            &Weekends,
            d("2026-11-19"),
        )
        .expect("named late");
    match &c.invitation(inv).expect("inv").invitee {
        Invitee::Supporter(s) => {
            assert_eq!(s.late_notice.as_ref().map(|n| n.should_have_been_told_by), Some(d("2026-11-18")))
        }
        other => panic!("not a supporter: {other:?}"),
    }
    assert!(c.checks().contains(&Check::LateSupporterAwaitingChair { invitation: inv }));
    assert!(matches!(
        c.decide_late_supporter(&coordinator(), inv, true, "ok", at("2026-11-19 12:00")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.decide_late_supporter(&chair(), inv, true, "Solicitor supports only; agreed.", at("2026-11-19 12:00"))
        .expect("chair decides");
    assert!(c.late_supporters_awaiting_chair().is_empty());
    assert!(SupporterKind::Solicitor.part_in_the_meeting().contains("not to question"));
}

#[test]
fn a_late_supporter_cannot_be_recorded_present_until_the_chair_says_yes_inv_05() {
    let mut c = invited();
    let inv = c
        .name_supporter(
            &coordinator(),
            supporter("Rel Ative", SupporterKind::Relative, Person::FamilyMember(mum())),
            &policy(),
            &Weekends,
            d("2026-11-20"),
        )
        .expect("named on the day");
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    let present = Attendance {
        invitation: inv,
        presence: Presence::InPerson,
        parts: vec![],
        arrived_late_at: None,
        left_early_at: None,
    };
    assert!(matches!(c.record_attendance(&note_taker(), present.clone()), Err(ConferenceError::Missing { .. })));
    c.decide_late_supporter(&chair(), inv, false, "Too late to check who they are.", at("2026-11-20 10:01"))
        .expect("decide");
    assert!(matches!(c.record_attendance(&note_taker(), present), Err(ConferenceError::Excluded { .. })));
}

#[test]
fn a_supporter_is_tied_to_a_parent_carer_or_child_of_this_conference_role_07() {
    let mut c = invited();
    let err = c
        .name_supporter(
            &coordinator(),
            supporter("X", SupporterKind::Friend, Person::Professional(pro("p-gp"))),
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotParentOrCarer { .. }));
    let err = c
        .name_supporter(
            &coordinator(),
            supporter("X", SupporterKind::Friend, Person::FamilyMember("gran".into())),
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .unwrap_err();
    assert!(
        matches!(err, ConferenceError::NotParentOrCarer { .. }),
        "the grandmother is neither parent nor carer here"
    );
    let inv = c
        .name_supporter(
            &coordinator(),
            supporter("Ada Vocate", SupporterKind::Advocate, Person::Child(kid("amy"))),
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .expect("a child's advocate");
    assert_eq!(c.supported_by(inv), Some(&Person::Child(kid("amy"))));
    // A parent cannot name a supporter for the other parent.
    let err = c
        .name_supporter(
            &Acting::family_member("u-mum", "mum"),
            supporter("Y", SupporterKind::Friend, Person::FamilyMember(dad())),
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotAllowed { .. }));
}

#[test]
fn a_representative_attends_only_for_a_parent_who_cannot_inv_06() {
    let mut c = invited();
    let rep = SupporterDetails {
        name: "Sol Icitor".into(),
        kind: SupporterKind::Solicitor,
        supports: Person::FamilyMember(dad()),
        represents: true,
    };
    let err = c.name_supporter(&coordinator(), rep.clone(), &policy(), &Weekends, d("2026-11-10")).unwrap_err();
    assert!(
        matches!(err, ConferenceError::WrongState { action: "name a representative", .. }),
        "the father said he will attend"
    );
    let dad_inv = c.invitation_of(&Person::FamilyMember(dad())).expect("invited").id;
    c.answer_invitation(&coordinator(), dad_inv, Answer::Declined { reason: "In custody".into() }, d("2026-11-10"))
        .expect("answer");
    let inv = c.name_supporter(&coordinator(), rep, &policy(), &Weekends, d("2026-11-10")).expect("representative");
    assert!(matches!(&c.invitation(inv).expect("inv").invitee, Invitee::Supporter(s) if s.represents));
    // He can also give his views another way: through the social worker.
    c.record_views(
        &social_worker(),
        ViewsGiven {
            whose: Person::FamilyMember(dad()),
            form: ViewsForm::HeardBySocialWorker,
            summary: "Wants the children to stay with their mother.".into(),
            how_obtained: "Prison visit".into(),
            obtained_by: "Sam Social".into(),
            obtained_on: d("2026-11-12"),
            supported_by: None,
        },
    )
    .expect("views");
}

#[test]
fn practical_needs_are_recorded_and_tracked_until_met_inv_08() {
    let mut r = request();
    r.family_members[0].needs =
        vec![PracticalNeed { kind: PracticalNeedKind::Childcare, detail: "Baby at home".into(), met: None }];
    r.family_members[0].communication.access_needs = "Uses a wheelchair".into();
    let mut c = requested_from(r);
    assert_eq!(c.unmet_needs().len(), 1);
    assert!(c.checks().contains(&Check::NeedNotMet { adult_id: mum(), need: PracticalNeedKind::Childcare }));
    let err = c.record_need_met(&coordinator(), &mum(), PracticalNeedKind::Travel, "taxi").unwrap_err();
    assert!(matches!(err, ConferenceError::NotInConference { .. }), "a need not recorded cannot be met");
    assert!(matches!(
        c.record_need_met(&coordinator(), &mum(), PracticalNeedKind::Childcare, ""),
        Err(ConferenceError::Missing { .. })
    ));
    c.record_need_met(&coordinator(), &mum(), PracticalNeedKind::Childcare, "Creche booked at the Civic Centre")
        .expect("met");
    assert!(c.unmet_needs().is_empty());
    assert_eq!(c.family_members()[0].communication.access_needs, "Uses a wheelchair");
}

fn wishes() -> ChildAttendance {
    ChildAttendance { wishes_to_attend: true, judged_appropriate: true, parent_agreement: None }
}

#[test]
fn a_child_of_the_policy_age_who_wishes_to_attend_is_invited_child_01() {
    let mut c = invited();
    c.invite_child(&coordinator(), &kid("amy"), wishes(), &policy(), d("2026-11-05")).expect("Amy is 13");
    assert!(c.invitation_of(&Person::Child(kid("amy"))).is_some());
}

#[test]
fn a_child_under_the_policy_age_is_refused_and_views_sought_instead_child_01() {
    let mut c = invited();
    let err = c.invite_child(&coordinator(), &kid("ben"), wishes(), &policy(), d("2026-11-05")).unwrap_err();
    assert_eq!(err, ConferenceError::ChildTooYoung { name: "Ben Ashworth".into(), age: 8, from_age: 12 });
    assert!(err.to_string().contains("views"));
    // Redbridge's policy is 10: Ben is still too young there; Amy is fine.
    let redbridge = Policy { child_attendance_age: 10, ..policy() };
    assert!(matches!(
        c.invite_child(&coordinator(), &kid("ben"), wishes(), &redbridge, d("2026-11-05")),
        Err(ConferenceError::ChildTooYoung { .. })
    ));
}

#[test]
fn the_child_attends_only_if_they_wish_and_it_is_appropriate_child_01() {
    let mut c = invited();
    let unwilling = ChildAttendance { wishes_to_attend: false, ..wishes() };
    assert!(matches!(
        c.invite_child(&coordinator(), &kid("amy"), unwilling, &policy(), d("2026-11-05")),
        Err(ConferenceError::ChildAttendanceNotAppropriate { .. })
    ));
    let unsuitable = ChildAttendance { judged_appropriate: false, ..wishes() };
    assert!(matches!(
        c.invite_child(&coordinator(), &kid("amy"), unsuitable, &policy(), d("2026-11-05")),
        Err(ConferenceError::ChildAttendanceNotAppropriate { .. })
    ));
}

#[test]
fn a_parents_agreement_is_needed_where_policy_requires_it_child_01() {
    let mut c = invited();
    let needs_agreement = Policy { child_attendance_needs_parent_agreement: true, ..policy() };
    let err = c.invite_child(&coordinator(), &kid("amy"), wishes(), &needs_agreement, d("2026-11-05")).unwrap_err();
    assert!(matches!(err, ConferenceError::ParentAgreementNeeded { .. }));
    let gran_agrees = ChildAttendance { parent_agreement: Some("gran".into()), ..wishes() };
    assert!(matches!(
        c.invite_child(&coordinator(), &kid("amy"), gran_agrees, &needs_agreement, d("2026-11-05")),
        Err(ConferenceError::NotParentOrCarer { .. })
    ));
    let mum_agrees = ChildAttendance { parent_agreement: Some(mum()), ..wishes() };
    c.invite_child(&coordinator(), &kid("amy"), mum_agrees, &needs_agreement, d("2026-11-05")).expect("with agreement");
}

fn booking(for_person: Person, name: &str, adult_id: Option<AdultId>) -> InterpreterBooking {
    InterpreterBooking {
        for_person,
        language: "Polish".into(),
        sign_language: false,
        interpreter_name: name.into(),
        organisation: "County Interpreting Service".into(),
        adult_id,
        booked_on: d("2026-11-05"),
    }
}

#[test]
fn an_interpreter_is_booked_for_whoever_needs_one_lang_01() {
    let mut r = request();
    r.family_members[1].communication =
        Communication { first_language: "Polish".into(), needs_interpreter: true, access_needs: String::new() };
    let mut c = requested_from(r);
    assert_eq!(c.interpreters_needed(), vec![Person::FamilyMember(dad())]);
    assert!(c.checks().contains(&Check::InterpreterNotBooked { person: Person::FamilyMember(dad()) }));
    c.book_interpreter(&coordinator(), booking(Person::FamilyMember(dad()), "Ola Nowak", None)).expect("book");
    assert!(c.interpreters_needed().is_empty());
    assert!(matches!(
        c.book_interpreter(
            &coordinator(),
            InterpreterBooking { language: " ".into(), ..booking(Person::FamilyMember(dad()), "Ola", None) }
        ),
        Err(ConferenceError::NoLanguage)
    ));
}

#[test]
fn a_family_member_is_never_recorded_as_interpreter_lang_01() {
    let mut c = requested();
    let by_id = c
        .book_interpreter(&coordinator(), booking(Person::FamilyMember(dad()), "Fay", Some("gran".into())))
        .unwrap_err();
    assert_eq!(by_id, ConferenceError::FamilyMemberAsInterpreter { name: "Fay Ashworth".into() });
    let by_name = c
        .book_interpreter(&coordinator(), booking(Person::FamilyMember(dad()), "  dana   ASHWORTH ", None))
        .unwrap_err();
    assert_eq!(by_name, ConferenceError::FamilyMemberAsInterpreter { name: "Dana Ashworth".into() });
    assert!(c.interpreters().is_empty());
}
