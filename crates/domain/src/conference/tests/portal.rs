//! What parents, carers and young people do for themselves in the family portal: answer
//! their own invitation, name their own supporter, send their own views and tell their
//! needs; never someone else's.

use super::*;

fn amy() -> ChildId {
    "amy".into()
}

/// Amy (13) is invited to attend (CHILD-01).
fn with_amy_invited() -> (Conference, InvitationId) {
    let mut c = scheduled();
    let inv = c
        .invite_child(
            &coordinator(),
            &amy(),
            ChildAttendance { wishes_to_attend: true, judged_appropriate: true, parent_agreement: Some(mum()) },
            &policy(),
            d("2026-11-04"),
        )
        .expect("invite Amy");
    (c, inv)
}

#[test]
fn a_young_person_answers_their_own_invitation_and_no_one_elses_inv_04_child_01() {
    let (mut c, inv) = with_amy_invited();
    let today = d("2026-11-05");
    let ben = Acting::young_person("u-ben", "ben");
    assert!(matches!(c.answer_invitation(&ben, inv, Answer::InPerson, today), Err(ConferenceError::NotAllowed { .. })));
    c.answer_invitation(&Acting::young_person("u-amy", "amy"), inv, Answer::Remote, today)
        .expect("Amy answers herself");
    assert_eq!(c.invitation(inv).and_then(|i| i.answer.clone()), Some(Answer::Remote));
}

#[test]
fn a_young_person_sends_their_own_views_and_names_their_own_advocate_child_02() {
    let (mut c, _) = with_amy_invited();
    let amy_acting = Acting::young_person("u-amy", "amy");
    let views = ViewsGiven {
        whose: Person::Child(amy()),
        form: ViewsForm::Letter,
        summary: "I want to stay at my school.".into(),
        how_obtained: "Written by Amy in the family portal".into(),
        obtained_by: "Amy Ashworth".into(),
        obtained_on: d("2026-11-05"),
        supported_by: None,
    };
    c.record_views(&amy_acting, views.clone()).expect("own views");
    // Amy cannot send views in her brother's name.
    let ben = ViewsGiven { whose: Person::Child("ben".into()), ..views };
    assert!(matches!(c.record_views(&amy_acting, ben), Err(ConferenceError::NotAllowed { .. })));
    c.name_supporter(
        &amy_acting,
        SupporterDetails {
            name: "Ali Advocate".into(),
            kind: SupporterKind::Advocate,
            supports: Person::Child(amy()),
            represents: false,
        },
        &policy(),
        &Weekends,
        d("2026-11-05"),
    )
    .expect("own advocate");
    // And not a supporter for her mother.
    assert!(matches!(
        c.name_supporter(
            &amy_acting,
            SupporterDetails {
                name: "Gill Friend".into(),
                kind: SupporterKind::Friend,
                supports: Person::FamilyMember(mum()),
                represents: false,
            },
            &policy(),
            &Weekends,
            d("2026-11-05"),
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
}

#[test]
fn a_parent_tells_their_needs_which_wait_for_the_coordinator_until_met_inv_08_lang_01() {
    let mut c = invited();
    let me = Acting::family_member("u-mum", "mum");
    let nothing = c.tell_needs(&me, &Person::FamilyMember(mum()), NeedsTold::default());
    assert!(matches!(nothing, Err(ConferenceError::Missing { .. })));
    let vague = NeedsTold { interpreter_language: None, needs: vec![(PracticalNeedKind::Other, " ".into())] };
    assert!(matches!(c.tell_needs(&me, &Person::FamilyMember(mum()), vague), Err(ConferenceError::Missing { .. })));
    // Not for the father.
    let told = NeedsTold {
        interpreter_language: Some("Polish".into()),
        needs: vec![(PracticalNeedKind::AccessibleRoom, "I use a wheelchair".into())],
    };
    assert!(matches!(
        c.tell_needs(&me, &Person::FamilyMember(dad()), told.clone()),
        Err(ConferenceError::NotAllowed { .. })
    ));
    c.tell_needs(&me, &Person::FamilyMember(mum()), told).expect("own needs");
    assert!(c.interpreters_needed().contains(&Person::FamilyMember(mum())), "LANG-01: interpreter to book");
    let unmet: Vec<_> = c.unmet_needs().iter().map(|(m, n)| (m.adult_id.clone(), n.kind)).collect();
    assert_eq!(unmet, vec![(mum(), PracticalNeedKind::AccessibleRoom)]);
    c.record_need_met(&coordinator(), &mum(), PracticalNeedKind::AccessibleRoom, "Ground floor room 1").expect("met");
    assert!(c.unmet_needs().is_empty());
}

#[test]
fn a_parent_asks_for_a_correction_only_in_their_own_name_min_04() {
    let mut c = scheduled();
    // Without an approved record there is nothing to correct (MIN-02).
    assert!(matches!(
        c.request_record_correction(
            &Acting::family_member("u-mum", "mum"),
            &mum(),
            1,
            "My name is wrong",
            d("2026-12-01")
        ),
        Err(ConferenceError::RecordNotApproved)
    ));
    // The father cannot ask in the mother's name.
    assert!(matches!(
        c.request_record_correction(&Acting::family_member("u-dad", "dad"), &mum(), 1, "x", d("2026-12-01")),
        Err(ConferenceError::NotAllowed { .. })
    ));
}
