//! QA-02 (issue 15): a conference's participation as the dashboards count it: MEET-02,
//! CHILD-01, CHILD-03, LANG-01, EXC-02, DIS-01.

use super::*;

fn views(whose: Person, form: ViewsForm) -> ViewsGiven {
    ViewsGiven {
        whose,
        form,
        summary: "Fictional views.".into(),
        how_obtained: "A home visit".into(),
        obtained_by: "Sam Social".into(),
        obtained_on: d("2026-11-12"),
        supported_by: None,
    }
}

/// Mum needs a Polish interpreter (booked), dad a BSL one (not booked) and is excluded from
/// one part; Amy (13) is invited; Ben's letter is presented, Cara's views are heard by the
/// social worker; mum and Amy attend, dad does not; the health visitor dissents.
fn held() -> Conference {
    let mut r = request();
    r.family_members[0].communication.needs_interpreter = true;
    r.family_members[1].communication.needs_interpreter = true;
    let mut c = requested_from(r);
    schedule(&mut c, CONFERENCE_DAY).expect("schedule");
    let today = d("2026-11-04");
    for a in [mum(), dad()] {
        let i = c.invite_family_member(&coordinator(), &a, today).expect("invite parent");
        c.answer_invitation(&coordinator(), i, Answer::InPerson, today).expect("answer");
    }
    for p in PROFESSIONALS {
        let i = c.invite_professional(&coordinator(), &pro(p), today).expect("invite professional");
        c.answer_invitation(&coordinator(), i, Answer::InPerson, today).expect("answer");
    }
    let wishes = ChildAttendance { wishes_to_attend: true, judged_appropriate: true, parent_agreement: None };
    c.invite_child(&coordinator(), &kid("amy"), wishes, &policy(), today).expect("Amy is 13");
    c.book_interpreter(
        &coordinator(),
        InterpreterBooking {
            for_person: Person::FamilyMember(mum()),
            language: "Polish".into(),
            sign_language: false,
            interpreter_name: "Ola Nowak".into(),
            organisation: "County Interpreting Service".into(),
            adult_id: None,
            booked_on: today,
        },
    )
    .expect("book");
    c.exclude(&chair(), super::exclusion::part(dad(), AgendaPart::ComplicatingFactors), at("2026-11-05 10:00"))
        .expect("partial exclusion");
    let letter = c.record_views(&social_worker(), views(Person::Child(kid("ben")), ViewsForm::Letter)).expect("letter");
    c.record_views(&social_worker(), views(Person::Child(kid("cara")), ViewsForm::HeardBySocialWorker)).expect("heard");
    pre_meet_parents(&mut c);
    assert_eq!(c.participation().held_on, None, "not held until the meeting starts");
    start(&mut c).expect("start");
    mark_present(&mut c, Person::FamilyMember(mum()));
    mark_present(&mut c, Person::Child(kid("amy")));
    for p in PROFESSIONALS {
        mark_present(&mut c, Person::Professional(pro(p)));
    }
    c.present_views(&chair(), letter, at("2026-11-20 10:10")).expect("present");
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
        ("cara", ChildOutcome::ChildInNeedPlan),
    ] {
        views_for(&mut c, child, if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, outcome).expect("decide");
    }
    c.record_dissent(
        &chair(),
        DissentInput {
            professional: pro("p-hv"),
            child: Some(kid("cara")),
            reasons: "Cara needs a plan too.".into(),
            discussed_with_chair: true,
            chair_response: "Discussed; the evidence does not support it.".into(),
        },
        &policy(),
        at("2026-11-20 12:00"),
    )
    .expect("dissent");
    c
}

#[test]
fn a_held_conference_counts_who_took_part_meet_02_child_01_child_03_lang_01_exc_02_dis_01_qa_02() {
    let c = held();
    let p = c.participation();
    assert_eq!(p.held_on, Some(d(CONFERENCE_DAY)));
    // Mum and dad have parental responsibility; gran does not and is not counted.
    assert_eq!((p.parents, p.parents_attended), (2, 1));
    assert_eq!((p.children, p.children_views), (3, 2), "Ben's letter presented, Cara's views heard");
    assert_eq!((p.children_invited, p.children_attended), (1, 1));
    assert_eq!((p.interpreters_needed, p.interpreters_booked), (2, 1));
    assert_eq!((p.excluded_whole, p.excluded_part), (0, 1));
    assert_eq!(p.exclusion_reasons, vec![0, 1, 0, 0, 0]);
    assert_eq!(ExclusionReason::ALL[1], ExclusionReason::RiskOfHarmToChild);
    assert_eq!(p.dissents, 1);
}

#[test]
fn a_letter_not_yet_presented_is_not_counted_and_nothing_is_counted_before_the_meeting_child_03_qa_02() {
    let mut c = invited();
    c.record_views(&social_worker(), views(Person::Child(kid("ben")), ViewsForm::Letter)).expect("letter");
    let before = c.participation();
    assert_eq!(before.held_on, None);
    assert_eq!(before.children_views, 0, "a letter counts once it is presented");
    assert_eq!((before.parents, before.parents_attended), (2, 0));
    let after = attended().participation();
    assert_eq!(after.held_on, Some(d(CONFERENCE_DAY)));
    assert_eq!((after.parents, after.parents_attended, after.children_views), (2, 2, 0));
    assert_eq!((after.interpreters_needed, after.dissents), (0, 0));
}
