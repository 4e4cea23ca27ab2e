//! Before and during the meeting: INV-07, CHILD-02, CHILD-03, MEET-01..03, MEET-05..07, INV-03.

use super::*;

#[test]
fn the_meeting_starts_only_after_each_parents_pre_meeting_is_recorded_meet_01() {
    let mut c = invited();
    let err = start(&mut c).unwrap_err();
    assert_eq!(err, ConferenceError::PreMeetingMissing { names: "Dana Ashworth, Ed Ashworth".into() });
    assert!(c.checks().contains(&Check::PreMeetingNotRecorded { adult_id: mum() }));
    c.record_pre_meeting(
        &chair(),
        &mum(),
        PreMeetingOutcome::Held { mode: PreMeetingMode::Virtual, on: d("2026-11-19") },
        at("2026-11-19 09:00"),
    )
    .expect("pre");
    assert!(matches!(
        c.record_pre_meeting(
            &chair(),
            &dad(),
            PreMeetingOutcome::NotHeld { reason: "".into() },
            at("2026-11-19 09:00")
        ),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        c.record_pre_meeting(
            &coordinator(),
            &dad(),
            PreMeetingOutcome::NotHeld { reason: "x".into() },
            at("2026-11-19 09:00")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.record_pre_meeting(
        &chair(),
        &dad(),
        PreMeetingOutcome::NotHeld { reason: "Did not answer three calls".into() },
        at("2026-11-19 09:00"),
    )
    .expect("why not");
    start(&mut c).expect("start");
    assert_eq!(c.state(), ConferenceState::InProgress);
}

#[test]
fn the_meeting_starts_on_its_day_and_only_by_its_chair() {
    let mut c = invited();
    pre_meet_parents(&mut c);
    assert!(matches!(
        c.start_meeting(&other_chair(), d(CONFERENCE_DAY), at("2026-11-20 10:00")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    assert!(matches!(
        c.start_meeting(&chair(), d("2026-11-19"), at("2026-11-19 10:00")),
        Err(ConferenceError::NotTheScheduledDay { .. })
    ));
    start(&mut c).expect("start");
    assert!(matches!(start(&mut c), Err(ConferenceError::WrongState { .. })));
}

#[test]
fn audio_recording_needs_every_parents_consent_meet_03() {
    let mut c = started();
    c.record_recording_consent(&Acting::family_member("u-mum", "mum"), &mum(), true, at("2026-11-20 10:01"))
        .expect("own consent");
    let err = c.start_audio_recording(&chair()).unwrap_err();
    assert_eq!(err, ConferenceError::RecordingConsentMissing { names: "Ed Ashworth".into() });
    c.record_recording_consent(&note_taker(), &dad(), false, at("2026-11-20 10:02")).expect("refused");
    assert!(c.start_audio_recording(&chair()).is_err(), "a refusal stops the recording");
    assert!(!c.is_audio_recorded());
    c.record_recording_consent(&note_taker(), &dad(), true, at("2026-11-20 10:03")).expect("changed his mind");
    c.start_audio_recording(&chair()).expect("all consent");
    assert!(c.is_audio_recorded());
    assert_eq!(c.recording_consents().len(), 2);
}

#[test]
fn attendance_is_recorded_per_person_and_part_meet_02() {
    let mut c = started();
    let teacher = c.invitation_of(&Person::Professional(pro("p-teacher"))).expect("inv").id;
    let late_and_early = Attendance {
        invitation: teacher,
        presence: Presence::Remote,
        parts: vec![AgendaPart::Worries.into()],
        arrived_late_at: chrono::NaiveTime::from_hms_opt(10, 20, 0),
        left_early_at: chrono::NaiveTime::from_hms_opt(11, 0, 0),
    };
    c.record_attendance(&note_taker(), late_and_early.clone()).expect("attendance");
    let gp = c.invitation_of(&Person::Professional(pro("p-gp"))).expect("inv").id;
    c.record_attendance(
        &note_taker(),
        Attendance {
            invitation: gp,
            presence: Presence::Apologies,
            parts: vec![],
            arrived_late_at: None,
            left_early_at: None,
        },
    )
    .expect("apologies");
    assert_eq!(c.attendance().len(), 2);
    assert!(c.is_present(&Person::Professional(pro("p-teacher"))));
    assert!(!c.is_present(&Person::Professional(pro("p-gp"))));
    assert!(matches!(c.record_attendance(&police_officer(), late_and_early), Err(ConferenceError::NotAllowed { .. })));
    let text = c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::Attendance).expect("section").text;
    assert!(text.contains("Tia Teacher (Worker, Agency ag-school): Present remotely for: Worries; arrived late at 10:20; left early at 11:00"), "{text}");
    assert!(text.contains("Sent apologies"));
}

#[test]
fn a_parent_excluded_from_the_whole_conference_cannot_be_recorded_present_meet_02_exc_01() {
    let mut c = invited();
    c.exclude(&chair(), super::exclusion::whole(dad()), at("2026-11-19 10:00")).expect("exclude");
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    let inv = c.invitation_of(&Person::FamilyMember(dad())).expect("invited before exclusion").id;
    let err = c
        .record_attendance(
            &note_taker(),
            Attendance {
                invitation: inv,
                presence: Presence::InPerson,
                parts: vec![],
                arrived_late_at: None,
                left_early_at: None,
            },
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::Excluded { .. }));
    c.record_attendance(
        &note_taker(),
        Attendance {
            invitation: inv,
            presence: Presence::Absent,
            parts: vec![],
            arrived_late_at: None,
            left_early_at: None,
        },
    )
    .expect("recorded as absent");
}

#[test]
fn quorum_needs_three_agencies_including_childrens_social_care_inv_03() {
    let mut c = started();
    mark_present(&mut c, Person::Professional(pro("p-teacher")));
    mark_present(&mut c, Person::Professional(pro("p-hv")));
    mark_present(&mut c, Person::Professional(pro("p-police")));
    let q = c.quorum(&policy());
    assert!(!q.is_quorate(), "three agencies but no children's social care");
    assert!(q.shortfall().contains("children's social care"));
    mark_present(&mut c, Person::Professional(pro("p-sw")));
    assert!(c.quorum(&policy()).is_quorate());
    let strict = Policy { quorum_agencies: 5, ..policy() };
    assert!(!c.quorum(&strict).is_quorate());
    mark_present(&mut c, Person::Professional(pro("p-gp")));
    assert!(c.quorum(&strict).is_quorate(), "the GP is a different health agency from the health visitor");
}

#[test]
fn discussion_is_recorded_under_the_six_headings_meet_05() {
    let mut c = started();
    for (h, text) in [
        (DiscussionHeading::WorkingWell, "Amy is close to her grandmother."),
        (DiscussionHeading::Worries, "Ben often arrives hungry."),
        (DiscussionHeading::ComplicatingFactors, "Father's drinking."),
        (DiscussionHeading::History, "Two police call-outs this year."),
        (DiscussionHeading::Uncertainty, "Whether mother can keep the children safe."),
        (DiscussionHeading::NextSteps, "Core group within 10 working days."),
    ] {
        c.add_discussion(&note_taker(), h, text, None, None, false, at("2026-11-20 10:30")).expect("discussion");
    }
    let headings: Vec<DiscussionHeading> = c.discussion().iter().map(|e| e.heading).collect();
    assert_eq!(headings, DiscussionHeading::ALL.to_vec());
    assert_eq!(DiscussionHeading::WorkingWell.label(), "What is working well");
    assert!(matches!(
        c.add_discussion(&note_taker(), DiscussionHeading::Worries, " ", None, None, false, at("2026-11-20 10:31")),
        Err(ConferenceError::Missing { .. })
    ));
    let mut closed_c = closed();
    assert!(matches!(
        closed_c.add_discussion(
            &note_taker(),
            DiscussionHeading::Worries,
            "late note",
            None,
            None,
            false,
            at("2026-11-20 13:00")
        ),
        Err(ConferenceError::WrongState { .. })
    ));
}

#[test]
fn a_parents_correction_is_recorded_meet_06() {
    let mut c = started();
    c.record_correction(
        &note_taker(),
        Person::FamilyMember(mum()),
        "Ben missed 20 days",
        "Ben missed 12 days; 8 were Amy's",
        at("2026-11-20 10:40"),
    )
    .expect("correction");
    assert_eq!(c.corrections().len(), 1);
    assert_eq!(c.corrections()[0].by, Person::FamilyMember(mum()));
    let err = c
        .record_correction(&note_taker(), Person::Professional(pro("p-gp")), "a", "b", at("2026-11-20 10:41"))
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotParentOrCarer { .. }));
    assert!(matches!(
        c.record_correction(&note_taker(), Person::FamilyMember(mum()), "a", "", at("2026-11-20 10:41")),
        Err(ConferenceError::Missing { .. })
    ));
    let text = c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::Corrections).expect("section").text;
    assert!(text.contains("Ben missed 12 days"));
}

#[test]
fn plan_actions_are_recorded_live_with_owner_and_due_date_meet_07() {
    let mut c = started();
    let id = c
        .add_plan_action(
            &note_taker(),
            vec![kid("ben")],
            "Breakfast club every school day",
            ActionOwner::Professional(pro("p-teacher")),
            d("2026-11-30"),
            d(CONFERENCE_DAY),
            at("2026-11-20 11:00"),
        )
        .expect("action");
    c.add_plan_action(
        &chair(),
        vec![kid("amy"), kid("ben")],
        "Attend parenting course",
        ActionOwner::FamilyMember(mum()),
        d("2027-01-31"),
        d(CONFERENCE_DAY),
        at("2026-11-20 11:05"),
    )
    .expect("parents own actions too");
    assert_eq!(c.plan_actions().len(), 2);
    assert_eq!(c.plan_actions()[0].id, id);
    assert!(matches!(
        c.add_plan_action(
            &note_taker(),
            vec![kid("ben")],
            "x",
            ActionOwner::Agency("Housing".into()),
            d("2026-11-19"),
            d(CONFERENCE_DAY),
            at("2026-11-20 11:06")
        ),
        Err(ConferenceError::BadDate { .. })
    ));
    assert!(matches!(
        c.add_plan_action(
            &note_taker(),
            vec![],
            "x",
            ActionOwner::Agency("Housing".into()),
            d("2026-12-19"),
            d(CONFERENCE_DAY),
            at("2026-11-20 11:06")
        ),
        Err(ConferenceError::Missing { .. })
    ));
    let mut before = scheduled();
    let err = before
        .add_plan_action(
            &coordinator(),
            vec![kid("ben")],
            "x",
            ActionOwner::Agency("Housing".into()),
            d("2026-12-19"),
            d("2026-11-10"),
            at("2026-11-10 11:06"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::WrongState { .. }), "actions are recorded live, in the meeting");
}

fn letter(whose: Person) -> ViewsGiven {
    ViewsGiven {
        whose,
        form: ViewsForm::Letter,
        summary: "I want to stay at home with my brothers.".into(),
        how_obtained: "Wrote it at school with her advocate".into(),
        obtained_by: "Ada Vocate (advocate)".into(),
        obtained_on: d("2026-11-16"),
        supported_by: None,
    }
}

#[test]
fn a_letter_is_read_out_and_the_record_says_so_inv_07() {
    let mut c = started();
    let v = c
        .record_views(&Acting::family_member("u-mum", "mum"), letter(Person::FamilyMember(mum())))
        .expect("mother's own letter");
    let err = close(&mut c).unwrap_err();
    assert!(matches!(err, ConferenceError::ChildrenUndecided { .. }));
    assert_eq!(c.views_not_presented().len(), 1);
    assert!(matches!(
        c.present_views(&note_taker(), v, at("2026-11-20 10:15")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.present_views(&chair(), v, at("2026-11-20 10:15")).expect("read out");
    assert!(c.views()[0].presented.as_ref().is_some_and(|p| p.read_out));
    assert!(c.views_not_presented().is_empty());
    let text = c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::ParentViews).expect("section").text;
    assert!(text.contains("The letter was read out at the conference."), "{text}");
}

#[test]
fn the_conference_cannot_close_with_a_letter_unread_inv_07() {
    let mut c = decided();
    c.record_views(&social_worker(), letter(Person::Child(kid("amy")))).expect("letter");
    assert!(matches!(close(&mut c), Err(ConferenceError::ViewsNotPresented { .. })));
}

#[test]
fn a_childs_drawing_with_their_advocate_is_presented_child_02() {
    let mut c = invited();
    let advocate = c
        .name_supporter(
            &coordinator(),
            SupporterDetails {
                name: "Ada Vocate".into(),
                kind: SupporterKind::Advocate,
                supports: Person::Child(kid("ben")),
                represents: false,
            },
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .expect("advocate");
    let drawing =
        ViewsGiven { form: ViewsForm::Drawing, supported_by: Some(advocate), ..letter(Person::Child(kid("ben"))) };
    let v = c.record_views(&social_worker(), drawing.clone()).expect("drawing");
    // An advocate for another person cannot be named as the child's supporter.
    let other = c
        .name_supporter(
            &coordinator(),
            SupporterDetails {
                name: "Gill".into(),
                kind: SupporterKind::Friend,
                supports: Person::FamilyMember(mum()),
                represents: false,
            },
            &policy(),
            &Weekends,
            d("2026-11-10"),
        )
        .expect("mother's friend");
    assert!(matches!(
        c.record_views(&social_worker(), ViewsGiven { supported_by: Some(other), ..drawing }),
        Err(ConferenceError::NotFound { .. })
    ));
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    c.present_views(&chair(), v, at("2026-11-20 10:20")).expect("presented");
    let p = c.views()[0].presented.clone().expect("presented");
    assert!(!p.read_out, "a drawing is shown, not read out");
    let text = c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::ChildViews).expect("section").text;
    assert!(
        text.contains("Supported by Ada Vocate (advocate)") && text.contains("presented to the conference"),
        "{text}"
    );
}

#[test]
fn a_childs_views_record_how_they_were_obtained_and_by_whom_child_03() {
    let mut c = scheduled();
    let heard = ViewsGiven { form: ViewsForm::HeardBySocialWorker, ..letter(Person::Child(kid("cara"))) };
    assert!(matches!(
        c.record_views(&social_worker(), ViewsGiven { how_obtained: "".into(), ..heard.clone() }),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        c.record_views(&social_worker(), ViewsGiven { obtained_by: " ".into(), ..heard.clone() }),
        Err(ConferenceError::Missing { .. })
    ));
    c.record_views(
        &social_worker(),
        ViewsGiven { how_obtained: "Play session at nursery".into(), obtained_by: "Sam Social".into(), ..heard },
    )
    .expect("views");
    let text = c.record_from_meeting().into_iter().find(|s| s.kind == SectionKind::ChildViews).expect("section").text;
    assert!(
        text.contains("Cara Ashworth")
            && text.contains("obtained by Sam Social")
            && text.contains("Play session at nursery"),
        "{text}"
    );
    let err = c.record_views(&police_officer(), letter(Person::Child(kid("cara")))).unwrap_err();
    assert!(matches!(err, ConferenceError::NotAllowed { .. }));
}
