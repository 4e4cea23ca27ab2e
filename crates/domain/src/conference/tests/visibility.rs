//! What each person may see, decided in one place ([`Visibility::for_recipient`]) for each kind
//! of exclusion: EXC-03, EXC-04, EXC-06, REP-03, ROLE-07, MIN-03, MIN-05.

use super::exclusion::{part, whole};
use super::*;

fn section(kind: SectionKind, heading: &str, text: &str, part: Option<Part>, restricted: bool) -> RecordSection {
    RecordSection { kind, heading: heading.into(), text: text.into(), part, restricted }
}

/// A record with something of every kind: plain discussion under two headings, a section
/// marked with a part, the professionals-only material, the views and the outcome.
fn sections() -> Vec<RecordSection> {
    vec![
        section(SectionKind::Attendance, "Attendance and apologies", "attendance", None, false),
        section(SectionKind::Discussion, "What is working well", "working well", None, false),
        section(SectionKind::Discussion, "Worries", "worries", None, false),
        section(SectionKind::Discussion, "History", "police said", None, true),
        section(
            SectionKind::Discussion,
            "Next steps",
            "police plan, marked as the professionals-only part",
            Some(AgendaPart::ProfessionalsOnly.into()),
            false,
        ),
        section(SectionKind::ChildViews, "The child's views", "child's views", None, false),
        section(SectionKind::Decisions, "Decision", "decision", None, false),
        section(SectionKind::Plan, "Plan", "plan", None, false),
    ]
}

fn texts(v: &Visibility) -> Vec<String> {
    redact(&sections(), v).into_iter().map(|s| s.text).collect()
}

fn supporter_of(c: &mut Conference, person: Person) -> InvitationId {
    c.name_supporter(
        &coordinator(),
        SupporterDetails {
            name: "Fred Friend".into(),
            kind: SupporterKind::Friend,
            supports: person,
            represents: false,
        },
        &policy(),
        &Weekends,
        d("2026-11-06"),
    )
    .expect("supporter")
}

#[test]
fn excluded_from_the_whole_conference_sees_neither_when_nor_where_and_only_the_outcome_exc_04_exc_06() {
    let mut c = invited();
    let supporter = supporter_of(&mut c, Person::FamilyMember(dad()));
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let dad_sees = Visibility::for_person(&c, &Person::FamilyMember(dad()));
    assert!(!dad_sees.meeting_details, "no date, time, room or video link");
    assert!(dad_sees.outcome_only && !dad_sees.restricted_content);
    assert_eq!(texts(&dad_sees), vec!["decision", "plan"]);
    assert_eq!(
        Visibility::for_recipient(&c, &Recipient::Supporter(supporter)),
        dad_sees,
        "ROLE-07: the supporter is held to the same"
    );
    let mum_sees = Visibility::for_person(&c, &Person::FamilyMember(mum()));
    assert!(mum_sees.meeting_details && !mum_sees.outcome_only, "the other parent is not excluded");
}

#[test]
fn excluded_from_one_part_sees_the_meeting_and_the_record_but_not_that_part_exc_03_exc_06() {
    let mut c = invited();
    c.exclude(&chair(), part(dad(), AgendaPart::Worries), at("2026-11-05 10:00")).expect("exclude");
    let sees = Visibility::for_person(&c, &Person::FamilyMember(dad()));
    assert!(sees.meeting_details, "still invited to the rest (INV-01)");
    assert_eq!(
        texts(&sees),
        vec!["attendance", "working well", "child's views", "decision", "plan"],
        "the part chosen (Worries) is withheld, whatever the section's own part says"
    );
    // A section marked with the part is withheld even under another heading.
    let marked = section(SectionKind::Discussion, "History", "h", Some(AgendaPart::Worries.into()), false);
    assert!(!sees.may_see_section(&marked));
}

#[test]
fn excluded_from_the_professionals_only_part_sees_none_of_it_exc_03_exc_06_rep_03() {
    let mut c = invited();
    c.exclude(&chair(), part(dad(), AgendaPart::ProfessionalsOnly), at("2026-11-05 10:00")).expect("exclude");
    let sees = Visibility::for_person(&c, &Person::FamilyMember(dad()));
    let seen = texts(&sees);
    assert!(!seen.iter().any(|t| t.contains("police")), "{seen:?}");
    assert!(seen.contains(&"worries".to_owned()));
}

#[test]
fn free_text_parts_of_stored_documents_match_the_list_however_they_were_typed_exc_03_exc_06() {
    // The leak of issue 10: "Police information" excluded, a section marked "Police info".
    let excluded: Part = serde_json::from_str("\"Police information\"").unwrap();
    let marked: Part = serde_json::from_str("\" police  INFO.\"").unwrap();
    assert_eq!(excluded, Part::Known(AgendaPart::ProfessionalsOnly));
    assert_eq!(marked, excluded);
    assert_eq!(serde_json::from_str::<Part>("\"worries\"").unwrap(), Part::Known(AgendaPart::Worries));
    assert_eq!(serde_json::from_str::<Part>("\"Areas of Uncertainty\"").unwrap(), Part::Known(AgendaPart::Uncertainty));
    // Saved again, a recognised part is written as the list's code.
    assert_eq!(serde_json::to_string(&marked).unwrap(), "\"professionals-only\"");
    let stored: ExclusionScope = serde_json::from_str(
        r#"{"scope":"part","part":"Police information","kind":"other","will_see":"a","will_not_see":"b"}"#,
    )
    .unwrap();
    assert!(matches!(stored, ExclusionScope::Part { part: Part::Known(AgendaPart::ProfessionalsOnly), .. }));
    let family = Visibility { excluded_parts: vec![excluded], ..Visibility::FAMILY };
    let sec = section(SectionKind::Discussion, "Next steps", "police", Some(marked), false);
    assert!(!family.may_see_section(&sec));
}

#[test]
fn an_unrecognised_excluded_part_withholds_more_never_less_exc_06() {
    let mut c = invited();
    c.exclude(&chair(), part(dad(), AgendaPart::Worries), at("2026-11-05 10:00")).expect("exclude");
    // As a document stored before the list would hold it: a part no one can match.
    let mut json = serde_json::to_value(&c).unwrap();
    let text = json.to_string().replace("\"part\":\"worries\"", "\"part\":\"Mother's safety\"");
    json = serde_json::from_str(&text).unwrap();
    let old: Conference = serde_json::from_value(json).expect("an older document still loads");
    assert_eq!(old.excluded_parts(&dad()), vec![Part::Unrecognised("Mother's safety".into())]);
    let sees = Visibility::for_person(&old, &Person::FamilyMember(dad()));
    assert!(sees.outcome_only, "the outcome only, since the part could be any part");
    assert_eq!(texts(&sees), vec!["decision", "plan"]);
    // A section whose part is unrecognised is withheld from anyone excluded from a part.
    let partly = Visibility { excluded_parts: vec![AgendaPart::History.into()], ..Visibility::FAMILY };
    let unknown = section(SectionKind::Discussion, "Worries", "w", Some(Part::from_stored("Mother's safety")), false);
    assert!(!partly.may_see_section(&unknown));
    assert!(Visibility::FAMILY.may_see_section(&unknown), "no exclusion: the part does not matter");
    // New exclusions, attendance and discussion never take an unrecognised part.
    let mut c = invited();
    let typed = part(mum(), Part::from_stored("Police info please"));
    assert!(matches!(c.exclude(&chair(), typed, at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
}

#[test]
fn a_young_person_and_a_childs_supporter_see_the_family_version_and_an_unknown_supporter_the_least_exc_06_role_07() {
    let mut c = invited();
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let young = Visibility::for_person(&c, &Person::Child(kid("amy")));
    assert_eq!(young, Visibility::FAMILY);
    assert!(!texts(&young).iter().any(|t| t.contains("police")));
    let childs_supporter = supporter_of(&mut c, Person::Child(kid("amy")));
    assert_eq!(Visibility::for_recipient(&c, &Recipient::Supporter(childs_supporter)), Visibility::FAMILY);
    let stranger = Visibility::for_recipient(&c, &Recipient::Supporter(InvitationId(999)));
    assert_eq!(stranger, Visibility::LEAST);
    assert!(!stranger.meeting_details);
    assert_eq!(Visibility::for_person(&c, &Person::Professional(pro("p-police"))), Visibility::EVERYTHING);
    assert_eq!(Visibility::for_recipient(&c, &Recipient::Staff("sw1".into())), Visibility::EVERYTHING);
}

#[test]
fn each_person_reads_the_version_sent_to_them_not_the_newest_min_03_min_05() {
    let mut c = super::record::with_private_material();
    let mum_ = Recipient::FamilyMember(mum());
    assert_eq!(c.record_copy_sent_to(&mum_, DocumentLanguage::English), None, "nothing until it is sent to them");
    c.distribute_record(&coordinator(), mum_.clone(), DocumentLanguage::English, &policy(), &Weekends, d("2026-11-25"))
        .expect("send");
    let n = c.request_record_correction(&social_worker(), &mum(), 1, "Wrong", d("2026-11-26")).expect("request");
    c.answer_correction(
        &chair(),
        n,
        CorrectionDecision::Accept {
            changes: vec![SectionChange { index: 0, text: "Corrected attendance".into() }],
            note: "Agreed".into(),
        },
        at("2026-11-27 09:00"),
    )
    .expect("accept");
    assert_eq!(c.record().versions.len(), 2);
    let copy = c.record_copy_sent_to(&mum_, DocumentLanguage::English).expect("sent");
    assert_eq!(copy.version, 1, "version 2 is not hers until it is sent");
    c.distribute_record(&coordinator(), mum_.clone(), DocumentLanguage::English, &policy(), &Weekends, d("2026-11-28"))
        .expect("send again");
    assert_eq!(c.record_copy_sent_to(&mum_, DocumentLanguage::English).expect("sent").version, 2);
    // The father was sent nothing.
    assert_eq!(c.record_copy_sent_to(&Recipient::FamilyMember(dad()), DocumentLanguage::English), None);
}

#[test]
fn invited_before_a_whole_exclusion_they_cannot_say_they_will_come_exc_01_exc_06() {
    let mut c = invited();
    c.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let inv = c.invitation_of(&Person::FamilyMember(dad())).expect("invited before").id;
    for answer in [Answer::InPerson, Answer::Remote] {
        assert!(matches!(
            c.answer_invitation(&coordinator(), inv, answer, d("2026-11-06")),
            Err(ConferenceError::Excluded { .. })
        ));
    }
    c.answer_invitation(&coordinator(), inv, Answer::ReportOnly, d("2026-11-06")).expect("his views, not him");
}

#[test]
fn a_point_added_to_the_record_in_a_part_is_withheld_from_those_excluded_from_it_exc_03_exc_06_min_01() {
    // The father is excluded from the part "Complicating factors".
    let mut c = super::record::with_private_material_closed();
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    let typed = Part::from_stored("Mother's safety");
    assert!(matches!(
        c.add_record_discussion(
            &note_taker(),
            DiscussionHeading::WorkingWell,
            Some(typed),
            "x",
            false,
            at("2026-11-23 09:01")
        ),
        Err(ConferenceError::Missing { .. })
    ));
    c.add_record_discussion(
        &note_taker(),
        DiscussionHeading::WorkingWell,
        Some(AgendaPart::ComplicatingFactors.into()),
        "ADDED-IN-PART",
        false,
        at("2026-11-23 09:02"),
    )
    .expect("added");
    c.approve_record(&chair(), at("2026-11-24 09:00")).expect("approve");
    let copy = |who: AdultId| {
        c.record_copy_for(&Recipient::FamilyMember(who), DocumentLanguage::English)
            .unwrap()
            .sections
            .iter()
            .any(|s| s.text.contains("ADDED-IN-PART"))
    };
    assert!(!copy(dad()), "EXC-06: not to the father");
    assert!(copy(mum()), "the mother was not excluded from it");
}
