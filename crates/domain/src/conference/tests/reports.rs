//! Reports: REP-01..04.

use super::*;

fn parts() -> Vec<ReportPart> {
    vec![
        ReportPart {
            heading: "Attendance at school".into(),
            text: "Amy missed 20 days this term.".into(),
            restricted: None,
        },
        ReportPart {
            heading: "Information from another family".into(),
            text: "A neighbour reported shouting.".into(),
            restricted: Some(RestrictionReason::ThirdPartyInformation),
        },
    ]
}

fn teacher() -> Acting {
    Acting::new("t1", &[Role::Professional], &[Relationship::Invited])
}

fn with_teacher_account() -> Conference {
    let mut r = request();
    r.professionals[1].user_id = Some("t1".into());
    let mut c = requested_from(r);
    schedule(&mut c, CONFERENCE_DAY).expect("schedule");
    c
}

#[test]
fn a_report_reaching_the_chair_in_time_is_not_late_rep_02() {
    let mut c = with_teacher_account();
    // Conference Friday 20 November; 3 working days before is Tuesday 17 November.
    let r =
        c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-17")).expect("submit");
    let report = &c.reports()[0];
    assert_eq!(report.id, r);
    assert_eq!(report.due_to_chair_by, Some(d("2026-11-17")));
    assert!(!report.late_to_chair());
}

#[test]
fn a_report_reaching_the_chair_after_the_policy_deadline_is_flagged_rep_02() {
    let mut c = with_teacher_account();
    let r = c
        .submit_report(&coordinator(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-18"))
        .expect("submit");
    assert!(c.reports()[0].late_to_chair());
    assert!(c.checks().contains(&Check::ReportLateToChair { report: r }));
}

#[test]
fn only_the_author_or_the_coordinator_submits_a_report_rep_02() {
    let mut c = with_teacher_account();
    let err = c
        .submit_report(&police_officer(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-10"))
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotAllowed { .. }));
    let err =
        c.submit_report(&teacher(), &pro("p-teacher"), vec![], &policy(), &Weekends, d("2026-11-10")).unwrap_err();
    assert!(matches!(err, ConferenceError::Missing { .. }));
}

#[test]
fn sharing_with_a_parent_in_time_needs_no_reason_and_records_the_discussion_rep_01() {
    let mut c = with_teacher_account();
    let r =
        c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-12")).expect("submit");
    // 2 working days before Friday 20 November is Wednesday 18 November.
    let sent = c
        .share_report(
            &teacher(),
            r,
            Recipient::FamilyMember(mum()),
            Sharing { discussed_with_author: true, late_reason: None },
            &policy(),
            &Weekends,
            d("2026-11-18"),
        )
        .expect("share");
    assert_eq!(sent.late, None);
    assert_eq!(sent.discussed_with_author, Some(true));
}

#[test]
fn sharing_with_a_parent_late_is_refused_without_a_reason_and_flagged_with_one_rep_01() {
    let mut c = with_teacher_account();
    let r =
        c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-12")).expect("submit");
    let err = c
        .share_report(
            &teacher(),
            r,
            Recipient::FamilyMember(mum()),
            Sharing::default(),
            &policy(),
            &Weekends,
            d("2026-11-19"),
        )
        .unwrap_err();
    assert_eq!(err, ConferenceError::LateShareWithoutReason { deadline: d("2026-11-18") });
    let sent = c
        .share_report(
            &teacher(),
            r,
            Recipient::FamilyMember(mum()),
            Sharing { discussed_with_author: true, late_reason: Some("Mother unreachable until Thursday".into()) },
            &policy(),
            &Weekends,
            d("2026-11-19"),
        )
        .expect("late with reason");
    assert_eq!(sent.late.map(|l| l.should_have_been_shared_by), Some(d("2026-11-18")));
}

#[test]
fn restricted_parts_never_reach_the_family_rep_03() {
    let mut c = with_teacher_account();
    let r =
        c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-12")).expect("submit");
    let to_mum = c
        .share_report(
            &teacher(),
            r,
            Recipient::FamilyMember(mum()),
            Sharing::default(),
            &policy(),
            &Weekends,
            d("2026-11-13"),
        )
        .expect("share");
    assert_eq!(to_mum.parts_sent, vec!["Attendance at school".to_owned()]);
    let to_gp = c
        .share_report(
            &teacher(),
            r,
            Recipient::Professional(pro("p-gp")),
            Sharing::default(),
            &policy(),
            &Weekends,
            d("2026-11-13"),
        )
        .expect("share");
    assert_eq!(to_gp.parts_sent.len(), 2, "professionals see the whole report");
    let copy = c.report_copy_for(r, &Recipient::FamilyMember(dad())).expect("copy");
    assert_eq!(copy.parts.len(), 1);
    assert!(copy.parts_withheld);
    assert!(copy.parts.iter().all(|p| p.restricted.is_none()));
}

#[test]
fn a_wholly_restricted_report_cannot_be_shared_with_the_family_rep_03() {
    let mut c = invited();
    let police_only = vec![ReportPart {
        heading: "Intelligence".into(),
        text: "x".into(),
        restricted: Some(RestrictionReason::PoliceInformation),
    }];
    let r = c
        .submit_report(&police_officer(), &pro("p-police"), police_only, &policy(), &Weekends, d("2026-11-12"))
        .expect("submit");
    let err = c
        .share_report(
            &police_officer(),
            r,
            Recipient::FamilyMember(mum()),
            Sharing::default(),
            &policy(),
            &Weekends,
            d("2026-11-13"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::RestrictedPart { .. }));
    assert!(c.report_log().is_empty());
    assert!(c.reports_not_shared().is_empty(), "nothing of it is due to the family");
}

#[test]
fn the_distribution_log_keeps_who_got_which_report_when_rep_04() {
    let mut c = with_teacher_account();
    let r =
        c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-12")).expect("submit");
    assert_eq!(c.reports_not_shared(), vec![(r, mum()), (r, dad())]);
    c.share_report(
        &coordinator(),
        r,
        Recipient::FamilyMember(mum()),
        Sharing::default(),
        &policy(),
        &Weekends,
        d("2026-11-13"),
    )
    .expect("share");
    c.share_report(
        &social_worker(),
        r,
        Recipient::Professional(pro("p-hv")),
        Sharing::default(),
        &policy(),
        &Weekends,
        d("2026-11-16"),
    )
    .expect("share");
    let log: Vec<(ReportId, Recipient, NaiveDate)> =
        c.report_log().iter().map(|s| (s.report, s.recipient.clone(), s.on)).collect();
    assert_eq!(
        log,
        vec![
            (r, Recipient::FamilyMember(mum()), d("2026-11-13")),
            (r, Recipient::Professional(pro("p-hv")), d("2026-11-16"))
        ]
    );
    assert_eq!(c.reports_not_shared(), vec![(r, dad())]);
    let err = c
        .share_report(
            &police_officer(),
            r,
            Recipient::FamilyMember(dad()),
            Sharing::default(),
            &policy(),
            &Weekends,
            d("2026-11-13"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotAllowed { .. }), "someone else's report");
}

/// ROLE-04, REP-02: a professional's own view of a conference they are invited to: their
/// answer, and their report against the day it is due to the chair; nothing for someone not
/// invited.
#[test]
fn a_professional_sees_their_answer_and_their_report_against_its_due_day_role_04_rep_02() {
    let mut c = with_teacher_account();
    let due = Some(d("2026-11-17"));
    assert_eq!(c.standing_of_professional(&pro("p-teacher"), due, d("2026-11-10")), None, "not invited yet");
    let i = c.invite_professional(&coordinator(), &pro("p-teacher"), d("2026-11-04")).expect("invite");
    let s = c.standing_of_professional(&pro("p-teacher"), due, d("2026-11-10")).expect("invited");
    assert_eq!(s.answer, None);
    assert_eq!(s.answer_label(), "Not answered yet");
    assert_eq!(s.report, ReportStanding::DueBy { by: d("2026-11-17") });
    assert!(s.report.needs_action());
    // The day after the due day, with nothing sent: overdue.
    let s = c.standing_of_professional(&pro("p-teacher"), due, d("2026-11-18")).unwrap();
    assert_eq!(s.report, ReportStanding::Overdue { by: d("2026-11-17") });
    assert_eq!(s.report.label(), "Overdue: it was due to the chair by 17 November 2026");
    c.answer_invitation(&teacher(), i, Answer::ReportOnly, d("2026-11-10")).expect("answer");
    c.submit_report(&teacher(), &pro("p-teacher"), parts(), &policy(), &Weekends, d("2026-11-18")).expect("submit");
    let s = c.standing_of_professional(&pro("p-teacher"), due, d("2026-11-18")).unwrap();
    assert_eq!(s.answer, Some(Answer::ReportOnly));
    assert_eq!(s.report, ReportStanding::Submitted { on: d("2026-11-18"), late: true });
    assert!(!s.report.needs_action());
    assert_eq!(s.outcome_sent_on, None);
    // Another professional's report is not theirs.
    assert_eq!(c.standing_of_professional(&pro("p-police"), due, d("2026-11-18")), None);
    // Once the meeting has started, a report not sent is no longer asked for.
    let mut other = with_teacher_account();
    other.invite_professional(&coordinator(), &pro("p-teacher"), d("2026-11-04")).expect("invite");
    other.cancel(&coordinator(), "The family moved away.", at("2026-11-12 10:00")).expect("cancel");
    let s = other.standing_of_professional(&pro("p-teacher"), due, d("2026-11-18")).unwrap();
    assert_eq!(s.report, ReportStanding::NotSubmitted);
}
