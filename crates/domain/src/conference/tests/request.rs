//! Request, scheduling, chair, children, cancellation: S47-01, TIME-01..03, CHAIR-01/02.

use super::*;

#[test]
fn request_records_children_strategy_discussion_reason_family_and_professionals_s47_01() {
    let c = requested();
    assert_eq!(c.state(), ConferenceState::Requested);
    assert_eq!(c.kind(), ConferenceKind::Initial);
    assert_eq!(c.children().len(), 3, "one conference covers the siblings");
    assert_eq!(c.strategy_discussion_on(), Some(d("2026-11-02")));
    assert_eq!(c.harm_finding(), Some(HarmFinding::LikelyToSuffer));
    assert_eq!(c.concerns(), &[ConcernCategory::Neglect, ConcernCategory::DomesticAbuse]);
    assert_eq!(c.family_members().len(), 3);
    assert_eq!(c.professionals().len(), 5);
    assert_eq!(c.due_by(), d("2026-11-23"));
    assert_eq!(c.requested_by(), &UserId::from("sw1"));
}

#[test]
fn request_refused_when_enquiry_found_no_significant_harm_s47_01() {
    let mut r = request();
    r.harm_finding = Some(HarmFinding::NotSignificantHarm);
    let err =
        Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00")).unwrap_err();
    assert_eq!(err, ConferenceError::NoSignificantHarmFinding);
    assert!(err.to_string().contains("child in need"), "the message says what to do instead: {err}");
}

#[test]
fn request_refused_without_strategy_discussion_date_reason_or_categories_s47_01() {
    for broken in [
        ConferenceRequest { strategy_discussion_on: None, ..request() },
        ConferenceRequest { reason: "  ".into(), ..request() },
        ConferenceRequest { concerns: vec![], ..request() },
        ConferenceRequest { children: vec![], ..request() },
        ConferenceRequest { strategy_discussion_on: Some(d("2026-12-01")), ..request() },
    ] {
        let err = Conference::request(&social_worker(), "c".into(), broken, d("2026-11-03"), at("2026-11-03 09:00"))
            .unwrap_err();
        assert!(matches!(err, ConferenceError::Missing { .. } | ConferenceError::BadDate { .. }), "{err:?}");
    }
}

#[test]
fn request_refused_to_someone_not_coordinator_or_the_childs_social_worker_s47_01() {
    let stranger = Acting::new("sw9", &[Role::SocialWorker], &[]);
    let err =
        Conference::request(&stranger, "c".into(), request(), d("2026-11-03"), at("2026-11-03 09:00")).unwrap_err();
    assert!(matches!(err, ConferenceError::NotAllowed { .. }));
    assert!(Conference::request(&coordinator(), "c".into(), request(), d("2026-11-03"), at("2026-11-03 09:00")).is_ok());
}

#[test]
fn unborn_child_refused_outside_a_pre_birth_conference_s47_01_time_03() {
    let mut r = request();
    r.children.push(SubjectChild {
        birth: Birth::Unborn { expected: d("2027-03-01") },
        ..child("bump", "Unborn Ashworth", "2027-03-01")
    });
    let err = Conference::request(&social_worker(), "c".into(), r.clone(), d("2026-11-03"), at("2026-11-03 09:00"))
        .unwrap_err();
    assert!(matches!(err, ConferenceError::UnbornOutsidePreBirth { .. }));
    r.kind = ConferenceKind::PreBirth;
    let c = Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00"))
        .expect("pre-birth with siblings");
    assert_eq!(c.children().iter().filter(|c| c.is_unborn()).count(), 1);
}

#[test]
fn pre_birth_conference_needs_an_unborn_child_time_03() {
    let r = ConferenceRequest { kind: ConferenceKind::PreBirth, ..request() };
    let err =
        Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00")).unwrap_err();
    assert_eq!(err, ConferenceError::PreBirthWithoutUnbornChild);
}

#[test]
fn late_conference_refused_without_a_delay_reason_and_kept_with_one_time_01() {
    let mut c = requested();
    let late = slot("2026-11-25", "chair1");
    let chair = account("chair1", &[Role::Chair]);
    let err = c
        .schedule(
            &coordinator(),
            late.clone(),
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00"),
        )
        .unwrap_err();
    assert_eq!(err, ConferenceError::LateWithoutReason { due_by: d("2026-11-23") });
    let reason = DelayReason {
        kind: DelayReasonKind::FamilyUnavailable,
        detail: "Mother in hospital until 24 November.".into(),
    };
    c.schedule(
        &coordinator(),
        late,
        &chair,
        line_manager_of,
        Some(reason.clone()),
        &Weekends,
        d("2026-11-03"),
        at("2026-11-03 10:00"),
    )
    .expect("late with reason");
    assert!(c.is_late());
    assert_eq!(c.delay(), Some(&reason));
}

#[test]
fn on_time_conference_needs_no_delay_reason_time_01() {
    let c = scheduled();
    assert!(!c.is_late());
    assert_eq!(c.delay(), None);
    assert_eq!(c.state(), ConferenceState::Scheduled);
}

#[test]
fn transfer_in_held_after_its_due_date_needs_a_reason_time_02() {
    let mut r = request();
    r.kind = ConferenceKind::TransferIn;
    r.strategy_discussion_on = None;
    r.harm_finding = None;
    r.enquiry = None;
    r.transfer_notified_on = Some(d("2026-11-02"));
    r.children[0].current_plan = Some(PlanCategory::Neglect);
    // The caller works out 15 working days from notification (policy.transfer_in_working_days).
    r.due_by = Weekends.add_working_days(d("2026-11-02"), policy().transfer_in_working_days);
    let mut c = requested_from(r);
    assert_eq!(c.due_by(), d("2026-11-23"));
    let chair = account("chair1", &[Role::Chair]);
    let err = c
        .schedule(
            &coordinator(),
            slot("2026-11-24", "chair1"),
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::LateWithoutReason { .. }));
    assert!(c
        .schedule(
            &coordinator(),
            slot("2026-11-23", "chair1"),
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00")
        )
        .is_ok());
}

#[test]
fn transfer_in_needs_notification_date_and_a_child_on_a_plan_time_02() {
    let r = ConferenceRequest {
        kind: ConferenceKind::TransferIn,
        transfer_notified_on: Some(d("2026-11-02")),
        ..request()
    };
    let err =
        Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00")).unwrap_err();
    assert_eq!(err, ConferenceError::NoChildOnPlan { kind: "transfer-in" });
}

#[test]
fn pre_birth_conference_never_later_than_ten_working_days_before_delivery_time_03() {
    let mut r = request();
    r.kind = ConferenceKind::PreBirth;
    r.children = vec![SubjectChild {
        birth: Birth::Unborn { expected: d("2026-12-07") },
        ..child("bump", "Unborn Ashworth", "2026-12-07")
    }];
    r.due_by = d("2026-12-31"); // a gestation-based due date later than the hard limit
    let mut c = requested_from(r);
    let chair = account("chair1", &[Role::Chair]);
    let delay = Some(DelayReason { kind: DelayReasonKind::Other, detail: "x".into() });
    // 10 working days before Monday 7 December is Monday 23 November.
    let err = c
        .schedule(
            &coordinator(),
            slot("2026-11-24", "chair1"),
            &chair,
            line_manager_of,
            delay.clone(),
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00"),
        )
        .unwrap_err();
    assert_eq!(err, ConferenceError::PreBirthTooLate { latest: d("2026-11-23") });
    c.schedule(
        &coordinator(),
        slot("2026-11-23", "chair1"),
        &chair,
        line_manager_of,
        delay,
        &Weekends,
        d("2026-11-03"),
        at("2026-11-03 10:00"),
    )
    .expect("on the last allowed day");
}

#[test]
fn scheduling_refuses_the_allocated_worker_as_chair_chair_01() {
    let mut c = requested();
    let sw_as_chair = account("sw1", &[Role::Chair, Role::SocialWorker]);
    let err = c
        .schedule(
            &coordinator(),
            slot(CONFERENCE_DAY, "sw1"),
            &sw_as_chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::ChairNotIndependent { why, .. } if why.contains("allocated")));
    assert_eq!(c.state(), ConferenceState::Requested);
}

#[test]
fn scheduling_refuses_a_chair_in_the_social_workers_management_line_chair_01() {
    for manager in ["tm1", "hos1"] {
        let mut c = requested();
        let err = c
            .schedule(
                &coordinator(),
                slot(CONFERENCE_DAY, manager),
                &account(manager, &[Role::Chair]),
                line_manager_of,
                None,
                &Weekends,
                d("2026-11-03"),
                at("2026-11-03 10:00"),
            )
            .unwrap_err();
        assert!(
            matches!(err, ConferenceError::ChairNotIndependent { why, .. } if why.contains("management line")),
            "{manager}"
        );
        assert!(err.to_string().contains("independent chair"));
    }
}

#[test]
fn scheduling_accepts_an_independent_chair_and_rescheduling_rechecks_it_chair_01() {
    let mut c = scheduled();
    assert_eq!(c.chair(), Some(&UserId::from("chair1")));
    let err = c
        .reschedule(
            &coordinator(),
            slot(CONFERENCE_DAY, "tm1"),
            "Chair ill",
            &account("tm1", &[Role::Chair]),
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-05"),
            at("2026-11-05 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::ChairNotIndependent { .. }));
    assert!(independence_of_chair(&"chair1".into(), &"sw1".into(), line_manager_of).is_ok());
}

#[test]
fn scheduling_refuses_someone_without_the_chair_role_chair_01() {
    let mut c = requested();
    let err = c
        .schedule(
            &coordinator(),
            slot(CONFERENCE_DAY, "x1"),
            &account("x1", &[Role::Coordinator]),
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::NotAChair { .. }));
}

#[test]
fn scheduling_refuses_weekends_past_dates_no_venue_and_non_coordinators() {
    let mut c = requested();
    assert_eq!(schedule(&mut c, "2026-11-28"), Err(ConferenceError::NotAWorkingDay { date: d("2026-11-28") }));
    assert!(matches!(schedule(&mut c, "2026-11-02"), Err(ConferenceError::BadDate { .. })));
    let mut no_place = slot(CONFERENCE_DAY, "chair1");
    no_place.venue = None;
    let chair = account("chair1", &[Role::Chair]);
    assert!(matches!(
        c.schedule(
            &coordinator(),
            no_place,
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00")
        ),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(
        c.schedule(
            &social_worker(),
            slot(CONFERENCE_DAY, "chair1"),
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-03"),
            at("2026-11-03 10:00")
        ),
        Err(ConferenceError::NotAllowed { .. })
    ));
}

#[test]
fn rescheduling_keeps_every_change_with_its_reason() {
    let mut c = scheduled();
    let chair = account("chair1", &[Role::Chair]);
    let err = c
        .reschedule(
            &coordinator(),
            slot("2026-11-19", "chair1"),
            " ",
            &chair,
            line_manager_of,
            None,
            &Weekends,
            d("2026-11-05"),
            at("2026-11-05 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, ConferenceError::Missing { .. }));
    c.reschedule(
        &coordinator(),
        slot("2026-11-19", "chair1"),
        "Room unavailable",
        &chair,
        line_manager_of,
        None,
        &Weekends,
        d("2026-11-05"),
        at("2026-11-05 10:00"),
    )
    .expect("reschedule");
    let history = c.schedule_history();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].from.as_ref().map(|s| s.date), Some(d(CONFERENCE_DAY)));
    assert_eq!(history[1].to.date, d("2026-11-19"));
    assert_eq!(history[1].reason, "Room unavailable");
    assert_eq!(c.date(), Some(d("2026-11-19")));
}

#[test]
fn cancellation_keeps_reason_and_is_refused_once_started() {
    let mut c = scheduled();
    assert!(matches!(c.cancel(&coordinator(), "", at("2026-11-05 10:00")), Err(ConferenceError::Missing { .. })));
    c.cancel(&coordinator(), "Family moved to another authority", at("2026-11-05 10:00")).expect("cancel");
    assert_eq!(c.state(), ConferenceState::Cancelled);
    assert_eq!(c.cancellation().map(|x| x.reason.as_str()), Some("Family moved to another authority"));
    assert_eq!(c.schedule_history().len(), 1, "the schedule history stays");

    let mut s = started();
    let err = s.cancel(&coordinator(), "changed mind", at("2026-11-20 10:30")).unwrap_err();
    assert!(matches!(err, ConferenceError::WrongState { state: ConferenceState::InProgress, .. }));
}

#[test]
fn child_added_or_removed_before_the_meeting_but_not_after_it_starts() {
    let mut c = scheduled();
    c.add_child(&coordinator(), child("dan", "Dan Ashworth", "2016-01-01")).expect("add");
    assert!(matches!(
        c.add_child(&coordinator(), child("dan", "Dan Ashworth", "2016-01-01")),
        Err(ConferenceError::AlreadyRecorded { .. })
    ));
    assert!(matches!(
        c.remove_child(&coordinator(), &kid("dan"), "", at("2026-11-05 10:00")),
        Err(ConferenceError::Missing { .. })
    ));
    c.remove_child(&coordinator(), &kid("dan"), "Lives with his father in another area", at("2026-11-05 10:00"))
        .expect("remove");
    assert_eq!(c.children().len(), 3);
    assert_eq!(c.children_removed()[0].reason, "Lives with his father in another area");
    let unborn =
        SubjectChild { birth: Birth::Unborn { expected: d("2027-03-01") }, ..child("bump", "Unborn", "2027-03-01") };
    assert!(matches!(c.add_child(&coordinator(), unborn), Err(ConferenceError::UnbornOutsidePreBirth { .. })));

    let mut s = started();
    assert!(matches!(
        s.add_child(&coordinator(), child("dan", "Dan", "2016-01-01")),
        Err(ConferenceError::WrongState { .. })
    ));
    assert!(matches!(
        s.remove_child(&coordinator(), &kid("amy"), "x", at("2026-11-20 10:05")),
        Err(ConferenceError::WrongState { .. })
    ));
}

#[test]
fn the_last_child_cannot_be_removed() {
    let mut r = request();
    r.children.truncate(1);
    let mut c = requested_from(r);
    assert_eq!(
        c.remove_child(&coordinator(), &kid("amy"), "no longer needed", at("2026-11-04 10:00")),
        Err(ConferenceError::LastChild)
    );
}

fn review_request(previous_chair: Option<&str>) -> ConferenceRequest {
    let mut r = request();
    r.kind = ConferenceKind::Review;
    r.children[0].current_plan = Some(PlanCategory::Emotional);
    r.previous = Some(PreviousConference {
        conference_id: "conf0".into(),
        held_on: d("2026-08-20"),
        chair: previous_chair.map(UserId::from),
        exclusions: vec![],
    });
    r
}

#[test]
fn review_suggests_the_previous_chair_chair_02() {
    let c = requested_from(review_request(Some("chair7")));
    assert_eq!(c.suggested_chair(), Some(&UserId::from("chair7")));
    let none = requested_from(review_request(None));
    assert_eq!(none.suggested_chair(), None);
}

#[test]
fn previous_chair_for_picks_the_latest_held_conference_of_the_child_chair_02() {
    let held = closed(); // chair1, 20 November 2026, Amy, Ben and Cara
    let cancelled = {
        let mut c = requested();
        c.cancel(&coordinator(), "duplicate", at("2026-11-03 11:00")).expect("cancel");
        c
    };
    assert_eq!(previous_chair_for(&[kid("amy")], [&held, &cancelled]), Some(UserId::from("chair1")));
    assert_eq!(previous_chair_for(&[kid("zoe")], [&held]), None, "no conference of that child: no suggestion");
    assert_eq!(previous_chair_for(&[kid("amy")], [&cancelled]), None, "a cancelled conference suggests nobody");
}

#[test]
fn a_review_needs_a_child_on_a_plan_and_the_previous_conference() {
    let mut r = review_request(Some("chair1"));
    r.children[0].current_plan = None;
    assert_eq!(
        Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00")).unwrap_err(),
        ConferenceError::NoChildOnPlan { kind: "review" }
    );
    let r = ConferenceRequest { previous: None, ..review_request(None) };
    assert!(matches!(
        Conference::request(&social_worker(), "c".into(), r, d("2026-11-03"), at("2026-11-03 09:00")),
        Err(ConferenceError::Missing { .. })
    ));
}

#[test]
fn the_aggregate_round_trips_through_json_for_the_store() {
    let c = approved();
    let json = serde_json::to_string(&c).expect("serialise");
    let back: Conference = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, c);
}
