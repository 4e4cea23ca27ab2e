//! Each deadline rule of DOMAIN.md and NATIONS.md, proved by a test named after its rule ID,
//! with every nation's difference. Dates worked out by hand against the 2026 calendars
//! (England and Wales: Good Friday 3 April, Easter Monday 6 April, 25 May, 28 December
//! substitute; Scotland: 15 June, St Andrew's Day Monday 30 November; Northern Ireland:
//! St Patrick's Day Tuesday 17 March).

use chrono::NaiveDate;
use confer_domain::calendar::{Calendar, Region};
use confer_domain::policy::{Policy, PolicyHistory, PolicyVersion};
use confer_domain::timescales::{
    deadline_state, pre_birth_due, recompute_all, DeadlineRequest, DeadlineRule as R, DeadlineState, Direction,
    TimeUnit, Timescale,
};
use confer_domain::Nation;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The due date of `rule` for an authority of `nation` with the nation's defaults.
fn due(nation: Nation, rule: R, trigger: NaiveDate) -> Option<NaiveDate> {
    let cal = Calendar::shared(Region::for_nation(nation));
    rule.due_date(trigger, cal, &Policy::default_for(nation))
}

#[test]
fn icpc_due_within_15_working_days_time_01() {
    // Monday 2 March 2026: 15 working days later is Monday 23 March.
    assert_eq!(due(Nation::England, R::InitialConference, d(2026, 3, 2)), Some(d(2026, 3, 23)));
    assert_eq!(due(Nation::Wales, R::InitialConference, d(2026, 3, 2)), Some(d(2026, 3, 23)));
    // Across Christmas: 25 and 28 December and 1 January are not working days.
    assert_eq!(due(Nation::England, R::InitialConference, d(2026, 12, 14)), Some(d(2027, 1, 7)));
}

#[test]
fn icpc_northern_ireland_skips_st_patricks_day_time_01() {
    assert_eq!(due(Nation::NorthernIreland, R::InitialConference, d(2026, 3, 2)), Some(d(2026, 3, 24)));
}

#[test]
fn cppm_scotland_within_28_calendar_days_of_the_concern_time_01() {
    assert_eq!(due(Nation::Scotland, R::InitialConference, d(2026, 12, 14)), Some(d(2027, 1, 11)));
    assert_eq!(
        Policy::default_for(Nation::Scotland).initial_conference,
        Timescale::calendar_days(28),
        "Scotland counts this deadline in calendar days"
    );
}

#[test]
fn transfer_in_within_15_working_days_of_notification_time_02() {
    // England loses Good Friday and Easter Monday; Scotland only Good Friday.
    assert_eq!(due(Nation::England, R::TransferInConference, d(2026, 3, 30)), Some(d(2026, 4, 22)));
    assert_eq!(due(Nation::Scotland, R::TransferInConference, d(2026, 3, 30)), Some(d(2026, 4, 21)));
}

#[test]
fn pre_birth_by_28_weeks_of_gestation_time_03() {
    // Expected delivery Wednesday 30 September 2026: 28 weeks of pregnancy is 12 weeks earlier.
    assert_eq!(due(Nation::England, R::PreBirthConference, d(2026, 9, 30)), Some(d(2026, 7, 8)));
    assert_eq!(due(Nation::England, R::PreBirthLatest, d(2026, 9, 30)), Some(d(2026, 9, 16)));
}

#[test]
fn pre_birth_never_later_than_10_working_days_before_delivery_time_03() {
    let late = Policy { pre_birth_by_gestation_weeks: 39, ..Policy::default() };
    let cal = Calendar::shared(Region::EnglandAndWales);
    assert_eq!(R::PreBirthConference.due_date(d(2026, 9, 30), cal, &late), Some(d(2026, 9, 16)));
}

#[test]
fn pre_birth_scotland_also_within_28_calendar_days_of_the_concern_time_03() {
    let scot = Calendar::shared(Region::Scotland);
    let policy = Policy::default_for(Nation::Scotland);
    assert_eq!(pre_birth_due(d(2026, 9, 30), Some(d(2026, 6, 1)), scot, &policy), Some(d(2026, 6, 29)));
    // A late concern: the gestation rule comes first.
    assert_eq!(pre_birth_due(d(2026, 9, 30), Some(d(2026, 6, 20)), scot, &policy), Some(d(2026, 7, 8)));
    // England has no timescale from the concern.
    let eng = Calendar::shared(Region::EnglandAndWales);
    assert_eq!(pre_birth_due(d(2026, 9, 30), Some(d(2026, 6, 1)), eng, &Policy::default()), Some(d(2026, 7, 8)));
}

#[test]
fn reports_shared_with_parents_at_least_2_working_days_before_rep_01() {
    assert_eq!(R::ReportsToParents.direction(), Direction::AtLeastBefore);
    assert_eq!(due(Nation::England, R::ReportsToParents, d(2026, 6, 8)), Some(d(2026, 6, 4)));
    // Conference on the Tuesday after the spring bank holiday.
    assert_eq!(due(Nation::England, R::ReportsToParents, d(2026, 5, 26)), Some(d(2026, 5, 21)));
}

#[test]
fn reports_to_chair_at_least_3_working_days_before_rep_02() {
    assert_eq!(due(Nation::England, R::ReportsToChair, d(2026, 6, 8)), Some(d(2026, 6, 3)));
}

#[test]
fn supporter_notice_2_working_days_before_inv_05() {
    assert_eq!(due(Nation::Wales, R::SupporterNotice, d(2026, 6, 8)), Some(d(2026, 6, 4)));
}

#[test]
fn participant_notice_scotland_5_calendar_days_inv_01() {
    assert_eq!(due(Nation::Scotland, R::ParticipantNotice, d(2026, 6, 8)), Some(d(2026, 6, 3)));
    assert_eq!(due(Nation::England, R::ParticipantNotice, d(2026, 6, 8)), None, "local policy in England");
}

#[test]
fn inquorate_reconvened_scotland_within_10_working_days_inv_03() {
    // From Thursday 26 November 2026: St Andrew's Day (Monday 30th) is not a working day.
    assert_eq!(due(Nation::Scotland, R::InquorateReconvened, d(2026, 11, 26)), Some(d(2026, 12, 11)));
    assert_eq!(due(Nation::NorthernIreland, R::InquorateReconvened, d(2026, 11, 26)), None);
}

#[test]
fn outcome_in_writing_within_1_working_day_dec_05() {
    assert_eq!(due(Nation::England, R::OutcomeSent, d(2026, 12, 24)), Some(d(2026, 12, 29)));
    assert_eq!(due(Nation::Scotland, R::OutcomeSent, d(2026, 6, 12)), Some(d(2026, 6, 16)));
}

#[test]
fn record_sent_within_15_working_days_min_03() {
    assert_eq!(due(Nation::England, R::RecordSent, d(2026, 6, 1)), Some(d(2026, 6, 22)));
}

#[test]
fn record_scotland_within_10_working_days_min_03() {
    // Monday 15 June 2026 is a Scottish bank holiday.
    assert_eq!(due(Nation::Scotland, R::RecordSent, d(2026, 6, 1)), Some(d(2026, 6, 16)));
}

#[test]
fn first_core_group_within_10_working_days_cg_02() {
    assert_eq!(due(Nation::England, R::FirstCoreGroup, d(2026, 6, 1)), Some(d(2026, 6, 15)));
    assert_eq!(due(Nation::NorthernIreland, R::FirstCoreGroup, d(2026, 6, 1)), Some(d(2026, 6, 15)));
}

#[test]
fn first_core_group_scotland_within_15_working_days_cg_02() {
    assert_eq!(due(Nation::Scotland, R::FirstCoreGroup, d(2026, 6, 1)), Some(d(2026, 6, 23)));
}

#[test]
fn core_groups_then_every_6_weeks_cg_02() {
    assert_eq!(due(Nation::England, R::NextCoreGroup, d(2026, 6, 15)), Some(d(2026, 7, 27)));
    let southwark_like = Policy { core_group_interval_weeks: 4, ..Policy::default() };
    let cal = Calendar::shared(Region::EnglandAndWales);
    assert_eq!(R::NextCoreGroup.due_date(d(2026, 6, 15), cal, &southwark_like), Some(d(2026, 7, 13)));
}

#[test]
fn significant_change_to_chair_scotland_within_3_calendar_days_cg_03() {
    assert_eq!(due(Nation::Scotland, R::SignificantChangeToChair, d(2026, 6, 12)), Some(d(2026, 6, 15)));
    assert_eq!(due(Nation::England, R::SignificantChangeToChair, d(2026, 6, 12)), None);
}

#[test]
fn first_review_within_3_months_clamped_to_month_end_rev_01() {
    assert_eq!(due(Nation::England, R::FirstReview, d(2026, 1, 31)), Some(d(2026, 4, 30)));
    assert_eq!(due(Nation::Wales, R::FirstReview, d(2026, 1, 31)), Some(d(2026, 4, 30)));
    assert_eq!(due(Nation::NorthernIreland, R::FirstReview, d(2026, 11, 30)), Some(d(2027, 2, 28)));
}

#[test]
fn first_review_scotland_within_6_months_rev_01() {
    assert_eq!(due(Nation::Scotland, R::FirstReview, d(2026, 1, 31)), Some(d(2026, 7, 31)));
}

#[test]
fn later_reviews_within_6_months_rev_01() {
    assert_eq!(due(Nation::England, R::NextReview, d(2026, 8, 31)), Some(d(2027, 2, 28)));
    assert_eq!(due(Nation::Scotland, R::NextReview, d(2027, 8, 31)), Some(d(2028, 2, 29)));
}

#[test]
fn child_in_need_review_interval_from_policy_plan_04() {
    assert_eq!(due(Nation::England, R::ChildInNeedReview, d(2026, 5, 31)), Some(d(2026, 8, 31)));
    let p = Policy { child_in_need_review: Timescale::weeks(12), ..Policy::default() };
    let cal = Calendar::shared(Region::EnglandAndWales);
    assert_eq!(R::ChildInNeedReview.due_date(d(2026, 5, 31), cal, &p), Some(d(2026, 8, 23)));
}

#[test]
fn subject_access_one_month_to_the_next_working_day_right_01() {
    // Received Saturday 31 January 2026: one month is Saturday 28 February, so Monday 2 March.
    assert_eq!(due(Nation::England, R::SubjectAccess, d(2026, 1, 31)), Some(d(2026, 3, 2)));
    // Falls on Christmas Day: the next working day is Tuesday 29 December.
    assert_eq!(due(Nation::England, R::SubjectAccess, d(2026, 11, 25)), Some(d(2026, 12, 29)));
}

#[test]
fn subject_access_extended_by_two_months_right_01() {
    assert_eq!(due(Nation::England, R::SubjectAccessExtended, d(2026, 1, 31)), Some(d(2026, 4, 28)));
    assert_eq!(due(Nation::Scotland, R::SubjectAccessExtended, d(2026, 11, 25)), Some(d(2027, 2, 25)));
}

#[test]
fn complaint_stages_follow_policy_per_nation_right_02() {
    assert_eq!(due(Nation::England, R::ComplaintStageOne, d(2026, 3, 2)), Some(d(2026, 3, 16)));
    assert_eq!(due(Nation::Scotland, R::ComplaintStageOne, d(2026, 3, 2)), Some(d(2026, 3, 9)));
    assert_eq!(due(Nation::NorthernIreland, R::ComplaintStageOne, d(2026, 3, 2)), Some(d(2026, 3, 31)));
    assert_eq!(due(Nation::England, R::ComplaintStageTwo, d(2026, 3, 2)), Some(d(2026, 4, 8)));
    assert_eq!(due(Nation::England, R::ComplaintStageThree, d(2026, 3, 2)), Some(d(2026, 4, 15)));
    assert_eq!(due(Nation::Scotland, R::ComplaintStageThree, d(2026, 3, 2)), None);
}

#[test]
fn every_rule_accepts_every_unit() {
    let cal = Calendar::shared(Region::EnglandAndWales);
    let trigger = d(2026, 6, 1);
    for rule in R::ALL {
        for unit in TimeUnit::ALL {
            let mut policy = Policy::default();
            let t = Timescale::new(2, *unit);
            if policy.set_timescale(*rule, Some(t)).is_err() {
                assert_eq!(*rule, R::PreBirthConference, "only the gestation rule is fixed to weeks");
                continue;
            }
            let got = rule.due_date(trigger, cal, &policy);
            assert!(got.is_some(), "{rule} in {unit}");
            if matches!(rule, R::SubjectAccess | R::SubjectAccessExtended | R::PreBirthConference) {
                continue; // these combine timescales (gestation, extension, next working day): proved above
            }
            let expected = match rule.direction() {
                Direction::Within => t.after(cal, trigger),
                Direction::AtLeastBefore => t.before(cal, trigger),
            };
            assert_eq!(got, Some(expected), "{rule} in {unit}");
        }
    }
}

#[test]
fn a_deadline_set_under_an_older_policy_is_not_rewritten() {
    let cal = Calendar::shared(Region::EnglandAndWales);
    let mut history = PolicyHistory::new(Nation::England);
    let set_before = R::InitialConference.deadline(d(2026, 3, 2), cal, &history).unwrap();
    let stricter = Policy { initial_conference: Timescale::working_days(10), ..Policy::default() };
    history
        .add_version(PolicyVersion { effective_from: d(2026, 3, 10), policy: stricter, reason: "Faster ICPCs".into() })
        .unwrap();
    // The trigger on 2 March keeps the version in force then, even computed again today.
    let again = R::InitialConference.deadline(d(2026, 3, 2), cal, &history).unwrap();
    assert_eq!(again, set_before);
    assert_eq!(again.due, d(2026, 3, 23));
    // A trigger from 10 March uses the new version.
    let newer = R::InitialConference.deadline(d(2026, 3, 10), cal, &history).unwrap();
    assert_eq!((newer.due, newer.policy_effective_from), (d(2026, 3, 24), d(2026, 3, 10)));
}

#[test]
fn deadline_states_due_at_risk_overdue_met_met_late() {
    let cal = Calendar::shared(Region::EnglandAndWales);
    let due = d(2026, 6, 22); // Monday; 3 working days earlier is Wednesday 17 June
    assert_eq!(deadline_state(due, None, d(2026, 6, 16), 3, cal), DeadlineState::Due);
    assert_eq!(deadline_state(due, None, d(2026, 6, 17), 3, cal), DeadlineState::AtRisk);
    assert_eq!(deadline_state(due, None, d(2026, 6, 22), 3, cal), DeadlineState::AtRisk);
    assert_eq!(deadline_state(due, None, d(2026, 6, 23), 3, cal), DeadlineState::Overdue);
    assert_eq!(deadline_state(due, Some(d(2026, 6, 22)), d(2026, 7, 1), 3, cal), DeadlineState::Met);
    assert_eq!(deadline_state(due, Some(d(2026, 6, 23)), d(2026, 7, 1), 3, cal), DeadlineState::MetLate);
    assert_eq!(deadline_state(due, None, d(2026, 6, 19), 0, cal), DeadlineState::Due);
    assert_eq!(deadline_state(due, None, d(2026, 6, 22), 0, cal), DeadlineState::AtRisk);
}

#[test]
fn every_rule_has_a_source_for_every_nation() {
    for rule in R::ALL {
        for nation in Nation::ALL {
            assert!(!rule.source(*nation).is_empty(), "{rule} {nation}");
        }
        assert!(rule.rule_id().contains('-'));
    }
}

#[test]
fn recompute_all_handles_fifty_thousand_families() {
    // No clock here (tests never assert wall-clock time): this proves the shape and results.
    let cal = Calendar::shared(Region::EnglandAndWales);
    let history = PolicyHistory::new(Nation::England);
    let rules = [R::InitialConference, R::RecordSent, R::FirstCoreGroup, R::FirstReview, R::NextCoreGroup];
    let requests: Vec<DeadlineRequest> = (0..50_000u64)
        .flat_map(|family| {
            let trigger = d(2020, 1, 1) + chrono::Days::new(family % 3000);
            rules.iter().map(move |rule| DeadlineRequest { rule: *rule, trigger })
        })
        .collect();
    let deadlines = recompute_all(&requests, cal, &history);
    assert_eq!(deadlines.len(), 250_000);
    assert!(deadlines.iter().all(|d| d.is_some()));
    assert_eq!(deadlines[0].map(|d| d.due), Some(d(2020, 1, 22)));
}
