//! The record and documents for families: MIN-01..05, EXC-06, REP-03, CHILD-04, LANG-02..04, MEET-04.

use super::*;

#[test]
fn the_draft_from_the_meeting_holds_every_part_min_01_lists_min_01() {
    let mut c = attended();
    c.record_pre_meeting(
        &chair(),
        &mum(),
        PreMeetingOutcome::Held { mode: PreMeetingMode::Phone, on: d("2026-11-19") },
        at("2026-11-20 10:05"),
    )
    .expect("pre");
    c.exclude(&chair(), super::exclusion::part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-20 10:06"))
        .expect("exclude");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "Ben hungry at school",
        None,
        Some(kid("ben")),
        false,
        at("2026-11-20 10:30"),
    )
    .expect("d");
    c.record_views(
        &social_worker(),
        ViewsGiven {
            whose: Person::Child(kid("amy")),
            form: ViewsForm::HeardBySocialWorker,
            summary: "Wants her dad to stop shouting".into(),
            how_obtained: "Home visit".into(),
            obtained_by: "Sam Social".into(),
            obtained_on: d("2026-11-16"),
            supported_by: None,
        },
    )
    .expect("views");
    c.record_parent_view(&note_taker(), &mum(), None, "Things are better now").expect("pv");
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
        ("cara", ChildOutcome::ChildInNeedPlan),
    ] {
        views_for(&mut c, child, PlanView::Plan);
        decide(&mut c, child, outcome).expect("decide");
    }
    c.record_dissent(
        &chair(),
        DissentInput {
            professional: pro("p-gp"),
            child: Some(kid("cara")),
            reasons: "r".into(),
            discussed_with_chair: true,
            chair_response: "noted".into(),
        },
        &policy(),
        at("2026-11-20 12:00"),
    )
    .expect("dissent");
    c.recommend_legal_action(&chair(), vec![kid("ben")], LegalAction::PreProceedings, "r", at("2026-11-20 12:01"))
        .expect("rec");
    c.add_plan_action(
        &note_taker(),
        vec![kid("ben")],
        "Breakfast club",
        ActionOwner::Professional(pro("p-teacher")),
        d("2026-11-30"),
        d(CONFERENCE_DAY),
        at("2026-11-20 12:02"),
    )
    .expect("action");
    close(&mut c).expect("close");
    let sections = c.record_from_meeting();
    for kind in [
        SectionKind::Attendance,
        SectionKind::Exclusions,
        SectionKind::PreMeeting,
        SectionKind::Discussion,
        SectionKind::ChildViews,
        SectionKind::ParentViews,
        SectionKind::ProfessionalViews,
        SectionKind::Decisions,
        SectionKind::Dissent,
        SectionKind::Recommendations,
        SectionKind::Plan,
        SectionKind::NextReview,
    ] {
        assert!(sections.iter().any(|s| s.kind == kind && !s.text.is_empty()), "missing {kind}");
    }
    let decision = sections.iter().find(|s| s.kind == SectionKind::Decisions).expect("decisions").text.clone();
    assert!(decision.contains("Ben Ashworth: A child protection plan under the category of neglect"), "{decision}");
    let next = sections.iter().find(|s| s.kind == SectionKind::NextReview).expect("next").text.clone();
    assert!(next.contains("2027-02-20"), "{next}");
}

#[test]
fn only_the_note_taker_or_chair_drafts_after_close_and_only_the_chair_approves_min_02() {
    let mut open = attended();
    assert!(matches!(
        open.draft_record(&note_taker(), None, at("2026-11-20 11:00")),
        Err(ConferenceError::WrongState { .. })
    ));
    let mut c = closed();
    assert!(matches!(
        c.draft_record(&coordinator(), None, at("2026-11-23 09:00")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    assert_eq!(c.approve_record(&chair(), at("2026-11-23 09:00")), Err(ConferenceError::NoDraft));
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    assert!(matches!(c.approve_record(&note_taker(), at("2026-11-23 10:00")), Err(ConferenceError::NotAllowed { .. })));
    assert!(matches!(
        c.approve_record(&other_chair(), at("2026-11-23 10:00")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    assert_eq!(c.approve_record(&chair(), at("2026-11-23 10:00")), Ok(1));
    assert!(c.record().draft.is_none());
}

#[test]
fn a_draft_is_never_sent_min_02() {
    let mut c = closed();
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    let err = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(mum()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-23"),
        )
        .unwrap_err();
    assert_eq!(err, ConferenceError::RecordNotApproved);
    assert!(c.record().distribution.is_empty());
}

pub(super) fn with_private_material() -> Conference {
    let mut c = with_private_material_closed();
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    c.approve_record(&chair(), at("2026-11-24 09:00")).expect("approve");
    c
}

pub(super) fn with_private_material_closed() -> Conference {
    let mut c = attended();
    c.exclude(&chair(), super::exclusion::part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-20 10:01"))
        .expect("exclude");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::Worries,
        "Mother's refuge is in Northtown",
        Some(AgendaPart::ComplicatingFactors.into()),
        None,
        false,
        at("2026-11-20 10:30"),
    )
    .expect("d");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::History,
        "Neighbour's statement to police",
        None,
        None,
        true,
        at("2026-11-20 10:31"),
    )
    .expect("d");
    c.add_discussion(
        &note_taker(),
        DiscussionHeading::WorkingWell,
        "Amy's attendance is improving",
        None,
        None,
        false,
        at("2026-11-20 10:32"),
    )
    .expect("d");
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
        ("cara", ChildOutcome::ChildInNeedPlan),
    ] {
        views_for(&mut c, child, PlanView::Plan);
        decide(&mut c, child, outcome).expect("decide");
    }
    close(&mut c).expect("close");
    c
}

#[test]
fn each_recipient_gets_the_version_they_may_see_exc_06_rep_03_min_03() {
    let mut c = with_private_material();
    let texts = |copy: &RecordCopy| copy.sections.iter().map(|s| s.text.clone()).collect::<Vec<_>>().join("\n");
    let to_dad = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(dad()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert!(!texts(&to_dad).contains("Northtown"), "the part he was excluded from");
    assert!(!texts(&to_dad).contains("Neighbour's statement"), "restricted third-party information");
    assert!(texts(&to_dad).contains("Amy's attendance is improving"));
    assert!(to_dad.sections_withheld);
    let to_mum = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(mum()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert!(texts(&to_mum).contains("Northtown"));
    assert!(!texts(&to_mum).contains("Neighbour's statement"));
    let to_gp = c
        .distribute_record(
            &coordinator(),
            Recipient::Professional(pro("p-gp")),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert!(texts(&to_gp).contains("Neighbour's statement") && texts(&to_gp).contains("Northtown"));
    assert!(!to_gp.sections_withheld);
    assert_eq!(c.record().distribution.len(), 3);
    assert!(c.record().distribution.iter().all(|s| s.version == 1 && !s.late));
}

#[test]
fn the_record_sent_after_the_policy_time_is_flagged_late_min_03() {
    let mut c = approved();
    // 15 working days after Friday 20 November 2026 is Friday 11 December.
    assert_eq!(c.record_due_by(&policy(), &Weekends), Some(d("2026-12-11")));
    c.distribute_record(
        &coordinator(),
        Recipient::FamilyMember(mum()),
        DocumentLanguage::English,
        &policy(),
        &Weekends,
        d("2026-12-14"),
    )
    .expect("send");
    assert!(c.record().distribution[0].late);
    assert!(matches!(
        c.distribute_record(
            &chair(),
            Recipient::FamilyMember(mum()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-12-14")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
}

#[test]
fn a_parents_correction_request_and_the_chairs_answer_are_kept_min_04() {
    let mut c = approved();
    assert!(matches!(
        c.request_record_correction(&Acting::family_member("u-mum", "mum"), &mum(), 7, "x", d("2026-11-30")),
        Err(ConferenceError::RecordNotApproved)
    ));
    let n = c
        .request_record_correction(
            &Acting::family_member("u-mum", "mum"),
            &mum(),
            1,
            "I was not asked about Cara's nursery.",
            d("2026-11-30"),
        )
        .expect("request");
    assert!(matches!(
        c.answer_correction(
            &coordinator(),
            n,
            CorrectionDecision::Decline { reason: "x".into() },
            at("2026-12-01 09:00")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    assert!(matches!(
        c.answer_correction(&chair(), n, CorrectionDecision::Decline { reason: " ".into() }, at("2026-12-01 09:00")),
        Err(ConferenceError::Missing { .. })
    ));
    c.answer_correction(
        &chair(),
        n,
        CorrectionDecision::Decline { reason: "The record shows you were asked at the pre-meeting.".into() },
        at("2026-12-01 09:00"),
    )
    .expect("answer");
    let req = &c.record().correction_requests[0];
    assert_eq!(req.by, mum());
    assert!(matches!(&req.answer, Some(CorrectionAnswer::Declined { reason }) if reason.contains("pre-meeting")));
    assert_eq!(
        c.answer_correction(
            &chair(),
            n,
            CorrectionDecision::Decline { reason: "again".into() },
            at("2026-12-01 09:00")
        ),
        Err(ConferenceError::AlreadyAnswered)
    );
    assert_eq!(c.record().versions.len(), 1, "a declined correction changes nothing");
}

#[test]
fn an_accepted_correction_makes_a_new_version_and_keeps_the_old_min_05() {
    let mut c = approved();
    let before = c.record().versions[0].clone();
    let index = before.sections.iter().position(|s| s.kind == SectionKind::PreMeeting).expect("pre-meeting section");
    let n = c
        .request_record_correction(
            &social_worker(),
            &dad(),
            1,
            "I met the chair by phone, not face to face.",
            d("2026-11-30"),
        )
        .expect("request");
    c.answer_correction(
        &chair(),
        n,
        CorrectionDecision::Accept {
            changes: vec![SectionChange { index, text: "The chair met Ed Ashworth by phone.".into() }],
            note: "Agreed".into(),
        },
        at("2026-12-01 09:00"),
    )
    .expect("accept");
    let versions = &c.record().versions;
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], before, "version 1 is unchanged");
    assert_eq!(versions[1].sections[index].text, "The chair met Ed Ashworth by phone.");
    assert_eq!(versions[1].correcting, Some(n));
    let copy = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(dad()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-12-02"),
        )
        .expect("send");
    assert_eq!(copy.version, 2, "the latest version is sent");
    // The approved record cannot be redrafted in place.
    assert!(matches!(
        c.draft_record(&note_taker(), None, at("2026-12-02 09:00")),
        Err(ConferenceError::WrongState { .. })
    ));
    let bad = c.request_record_correction(&social_worker(), &dad(), 2, "x", d("2026-12-03")).expect("request");
    assert!(matches!(
        c.answer_correction(
            &chair(),
            bad,
            CorrectionDecision::Accept {
                changes: vec![SectionChange { index: 999, text: "x".into() }],
                note: String::new()
            },
            at("2026-12-03 09:00")
        ),
        Err(ConferenceError::NotFound { .. })
    ));
    assert_eq!(c.record().versions.len(), 2);
}

#[test]
fn family_copies_carry_the_confidentiality_statement_in_english_or_welsh_meet_04_lang_04() {
    let mut c = approved();
    let en = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(mum()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert!(en.confidentiality.is_some_and(|s| s.contains("confidential") && s.contains("only to protect a child")));
    let cy = c
        .distribute_record(
            &coordinator(),
            Recipient::FamilyMember(dad()),
            DocumentLanguage::Welsh,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert!(cy.confidentiality.is_some_and(|s| s.contains("gyfrinachol") && s.contains("amddiffyn plentyn")));
    let pro_copy = c
        .distribute_record(
            &coordinator(),
            Recipient::Professional(pro("p-gp")),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-25"),
        )
        .expect("send");
    assert_eq!(pro_copy.confidentiality, None, "professionals are bound otherwise");
    assert_ne!(
        confidentiality_statement(DocumentLanguage::English),
        confidentiality_statement(DocumentLanguage::Welsh)
    );
}

fn with_amy_attending() -> Conference {
    let mut c = invited();
    c.invite_child(
        &coordinator(),
        &kid("amy"),
        ChildAttendance { wishes_to_attend: true, judged_appropriate: true, parent_agreement: None },
        &policy(),
        d("2026-11-05"),
    )
    .expect("invite");
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    mark_present(&mut c, Person::Child(kid("amy")));
    for p in PROFESSIONALS {
        mark_present(&mut c, Person::Professional(pro(p)));
    }
    for child in ["amy", "ben", "cara"] {
        views_for(&mut c, child, PlanView::NoPlan);
        decide(&mut c, child, ChildOutcome::ChildInNeedPlan).expect("decide");
    }
    close(&mut c).expect("close");
    c
}

#[test]
fn a_young_person_who_attended_gets_a_version_written_for_them_child_04() {
    let mut c = with_amy_attending();
    let flagged: Vec<ChildId> = c.young_person_versions().iter().map(|v| v.child.clone()).collect();
    assert_eq!(flagged, vec![kid("amy")], "only the child who attended");
    assert!(matches!(
        c.record_young_person_version_sent(&social_worker(), &kid("amy"), d("2026-11-25")),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        c.write_young_person_version(&social_worker(), &kid("ben"), "text", at("2026-11-23 10:00")),
        Err(ConferenceError::NotInConference { .. })
    ));
    c.write_young_person_version(
        &social_worker(),
        &kid("amy"),
        "Amy, this is what we decided together...",
        at("2026-11-23 10:00"),
    )
    .expect("write");
    assert_eq!(c.young_person_versions_outstanding().len(), 1, "written but not yet given to her");
    c.record_young_person_version_sent(&social_worker(), &kid("amy"), d("2026-11-25")).expect("sent");
    assert!(c.young_person_versions_outstanding().is_empty());
}

#[test]
fn translation_of_the_record_is_tracked_to_fulfilment_lang_02() {
    let mut c = approved();
    assert_eq!(
        c.request_format(
            &Acting::family_member("u-dad", "dad"),
            Recipient::FamilyMember(dad()),
            FamilyDocument::Record,
            RequestedFormat::Translation { language: " ".into() },
            d("2026-11-25")
        ),
        Err(ConferenceError::NoLanguage)
    );
    let n = c
        .request_format(
            &Acting::family_member("u-dad", "dad"),
            Recipient::FamilyMember(dad()),
            FamilyDocument::Record,
            RequestedFormat::Translation { language: "Polish".into() },
            d("2026-11-25"),
        )
        .expect("request");
    assert!(c.checks().contains(&Check::FormatRequestOutstanding { number: n }));
    assert!(matches!(
        c.fulfil_format_request(&coordinator(), n, d("2026-11-24"), "Polish translation posted"),
        Err(ConferenceError::BadDate { .. })
    ));
    // What was sent is part of meeting it.
    assert!(matches!(
        c.fulfil_format_request(&coordinator(), n, d("2026-12-02"), "  "),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        c.fulfil_format_request(&social_worker(), n, d("2026-12-02"), "Posted"),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.fulfil_format_request(&coordinator(), n, d("2026-12-02"), "Polish translation posted").expect("fulfilled");
    assert!(c.format_requests_outstanding().is_empty());
    assert_eq!(c.format_requests()[0].sent.as_deref(), Some("Polish translation posted"));
    assert!(matches!(
        c.fulfil_format_request(&coordinator(), n, d("2026-12-03"), "Again"),
        Err(ConferenceError::AlreadyRecorded { .. })
    ));
    // Once met, the same translation may be asked for again (a later version of the record).
    c.request_format(
        &Acting::family_member("u-dad", "dad"),
        Recipient::FamilyMember(dad()),
        FamilyDocument::Record,
        RequestedFormat::Translation { language: "Polish".into() },
        d("2026-12-05"),
    )
    .expect("asked again after the first was met");
}

#[test]
fn large_print_and_other_formats_are_tracked_to_fulfilment_lang_03() {
    let mut c = scheduled();
    let large = c
        .request_format(
            &social_worker(),
            Recipient::FamilyMember(mum()),
            FamilyDocument::Invitation,
            RequestedFormat::LargePrint,
            d("2026-11-04"),
        )
        .expect("request");
    let easy = c
        .request_format(
            &social_worker(),
            Recipient::Child(kid("amy")),
            FamilyDocument::Plan,
            RequestedFormat::EasyRead,
            d("2026-11-04"),
        )
        .expect("request");
    assert!(matches!(
        c.request_format(
            &police_officer(),
            Recipient::FamilyMember(mum()),
            FamilyDocument::Plan,
            RequestedFormat::Braille,
            d("2026-11-04")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    // The same request sent twice is one request.
    assert!(matches!(
        c.request_format(
            &social_worker(),
            Recipient::FamilyMember(mum()),
            FamilyDocument::Invitation,
            RequestedFormat::LargePrint,
            d("2026-11-04")
        ),
        Err(ConferenceError::AlreadyRecorded { .. })
    ));
    // Someone else's own request is refused to a family member (the other parent).
    assert!(matches!(
        c.request_format(
            &Acting::family_member("u-dad", "dad"),
            Recipient::FamilyMember(mum()),
            FamilyDocument::Invitation,
            RequestedFormat::Audio,
            d("2026-11-04")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
    // A young person asks for their own easy-read plan.
    c.request_format(
        &Acting::young_person("u-amy", "amy"),
        Recipient::Child(kid("amy")),
        FamilyDocument::Outcome,
        RequestedFormat::EasyRead,
        d("2026-11-04"),
    )
    .expect("her own request");
    assert_eq!(c.format_requests_outstanding().len(), 3);
    c.fulfil_format_request(&coordinator(), large, d("2026-11-06"), "Large print PDF made by confer").expect("met");
    assert_eq!(c.format_requests_outstanding().iter().map(|r| r.number).collect::<Vec<_>>()[0], easy);
}

#[test]
fn the_note_taker_edits_each_section_of_the_draft_and_never_an_approved_record_min_02_min_05() {
    let mut c = closed();
    // Nothing to edit before the draft is written.
    assert_eq!(
        c.edit_record_section(&note_taker(), 0, "Everyone came", at("2026-11-23 08:00")),
        Err(ConferenceError::NoDraftToEdit)
    );
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    let plan = c
        .record()
        .draft
        .as_ref()
        .unwrap()
        .sections
        .iter()
        .position(|s| s.kind == SectionKind::Plan)
        .expect("a plan section");
    // Only the note taker or this conference's chair.
    for who in [coordinator(), social_worker(), other_chair()] {
        assert!(matches!(
            c.edit_record_section(&who, plan, "x", at("2026-11-23 09:10")),
            Err(ConferenceError::NotAllowed { .. })
        ));
    }
    assert!(matches!(
        c.edit_record_section(&note_taker(), plan, "   ", at("2026-11-23 09:10")),
        Err(ConferenceError::Missing { .. })
    ));
    assert_eq!(
        c.edit_record_section(&note_taker(), 999, "x", at("2026-11-23 09:10")),
        Err(ConferenceError::NotFound { what: "record section" })
    );
    c.edit_record_section(
        &note_taker(),
        plan,
        "Breakfast club every day\r\nHealth visitor weekly",
        at("2026-11-23 09:15"),
    )
    .expect("edit");
    let draft = c.record().draft.as_ref().unwrap();
    assert_eq!(draft.sections[plan].text, "Breakfast club every day\nHealth visitor weekly");
    assert_eq!(draft.sections[plan].kind, SectionKind::Plan);
    assert_eq!(draft.updated_at, at("2026-11-23 09:15"));
    c.edit_record_section(&chair(), plan, "Breakfast club every day", at("2026-11-23 09:20"))
        .expect("the chair may edit too");
    c.approve_record(&chair(), at("2026-11-24 09:00")).expect("approve");
    assert_eq!(c.record().versions[0].sections[plan].text, "Breakfast club every day");
    // MIN-05: once approved, never changed in place.
    assert!(matches!(
        c.edit_record_section(&note_taker(), plan, "Changed", at("2026-11-24 10:00")),
        Err(ConferenceError::WrongState { .. })
    ));
    assert_eq!(c.record().versions[0].sections[plan].text, "Breakfast club every day");
}

#[test]
fn editing_a_restricted_or_part_only_section_keeps_it_from_the_family_exc_06_rep_03() {
    let mut c = closed();
    c.draft_record(
        &note_taker(),
        Some(vec![
            RecordSection {
                kind: SectionKind::Discussion,
                heading: "History".into(),
                text: "Neighbour's statement to police".into(),
                part: None,
                restricted: true,
            },
            RecordSection {
                kind: SectionKind::Discussion,
                heading: "Worries".into(),
                text: "Mother's refuge".into(),
                part: Some(AgendaPart::ComplicatingFactors.into()),
                restricted: false,
            },
        ]),
        at("2026-11-23 09:00"),
    )
    .expect("draft");
    c.edit_record_section(&note_taker(), 0, "The neighbour's full statement", at("2026-11-23 09:05")).expect("edit");
    c.edit_record_section(&note_taker(), 1, "Where the mother lives now", at("2026-11-23 09:06")).expect("edit");
    let draft = c.record().draft.as_ref().unwrap();
    assert!(draft.sections[0].restricted, "still restricted after the edit");
    assert_eq!(draft.sections[1].part, Some(AgendaPart::ComplicatingFactors.into()));
    let family = Visibility { excluded_parts: vec![AgendaPart::ComplicatingFactors.into()], ..Visibility::FAMILY };
    assert!(redact(&draft.sections, &family).is_empty());
}

#[test]
fn an_accepted_correction_needs_the_corrected_words_min_04_min_05() {
    let mut c = approved();
    let n = c
        .request_record_correction(&social_worker(), &mum(), 1, "My name is spelt wrong", d("2026-11-25"))
        .expect("request");
    let blank = CorrectionDecision::Accept {
        changes: vec![SectionChange { index: 0, text: "  ".into() }],
        note: String::new(),
    };
    assert!(matches!(
        c.answer_correction(&chair(), n, blank, at("2026-11-26 09:00")),
        Err(ConferenceError::Missing { .. })
    ));
    assert_eq!(c.record().versions.len(), 1, "no new version");
    assert!(c.record().correction_requests[0].answer.is_none(), "still waiting for an answer");
}

#[test]
fn the_note_taker_adds_a_missed_point_under_one_of_the_six_headings_and_a_restricted_one_stays_from_the_family_meet_05_min_01_rep_03(
) {
    let mut c = with_private_material_closed();
    assert_eq!(
        c.add_record_discussion(&note_taker(), DiscussionHeading::NextSteps, None, "x", false, at("2026-11-23 08:00")),
        Err(ConferenceError::NoDraftToEdit)
    );
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    assert!(matches!(
        c.add_record_discussion(&coordinator(), DiscussionHeading::NextSteps, None, "x", false, at("2026-11-23 09:05")),
        Err(ConferenceError::NotAllowed { .. })
    ));
    let at_ = c
        .add_record_discussion(
            &note_taker(),
            DiscussionHeading::NextSteps,
            None,
            "Police to share the interview\r\nby Friday",
            true,
            at("2026-11-23 09:05"),
        )
        .expect("added");
    let sections = &c.record().draft.as_ref().unwrap().sections;
    let added = &sections[at_];
    assert_eq!((added.kind, added.heading.as_str()), (SectionKind::Discussion, "Next steps"));
    assert_eq!(added.text, "Police to share the interview\nby Friday");
    assert!(added.restricted);
    // It follows the discussion the meeting recorded, before the views and decisions.
    assert_eq!(sections[at_ - 1].kind, SectionKind::Discussion);
    assert_ne!(sections[at_ + 1].kind, SectionKind::Discussion);
    c.approve_record(&chair(), at("2026-11-24 09:00")).expect("approve");
    let mum_copy = c.record_copy_for(&Recipient::FamilyMember(mum()), DocumentLanguage::English).unwrap();
    assert!(mum_copy.sections.iter().all(|s| !s.text.contains("Police to share")));
    let police = c.record_copy_for(&Recipient::Professional(pro("p-police")), DocumentLanguage::English).unwrap();
    assert!(police.sections.iter().any(|s| s.text.contains("Police to share")));
    // MIN-05: nothing is added once approved.
    assert!(matches!(
        c.add_record_discussion(&note_taker(), DiscussionHeading::Worries, None, "late", false, at("2026-11-24 10:00")),
        Err(ConferenceError::WrongState { .. })
    ));
}

#[test]
fn lang_04_family_documents_are_welsh_only_in_wales_when_asked() {
    use crate::model::Nation;
    assert_eq!(document_language(Nation::Wales, Some(DocumentLanguage::Welsh)), DocumentLanguage::Welsh);
    assert_eq!(document_language(Nation::Wales, Some(DocumentLanguage::English)), DocumentLanguage::English);
    assert_eq!(document_language(Nation::Wales, None), DocumentLanguage::English);
    assert_eq!(document_language(Nation::England, Some(DocumentLanguage::Welsh)), DocumentLanguage::English);
}
