//! Properties of working-day arithmetic that must hold for every region, start date (1990 to
//! 2100) and count, and with an authority's closure days.

use chrono::{Days, NaiveDate};
use confer_domain::calendar::{Calendar, Region, WorkingCalendar};
use proptest::prelude::*;
use std::sync::OnceLock;

fn date_in_span() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(2100, 12, 31).unwrap() - first).num_days() as u64;
    (0..=span).prop_map(move |n| first + Days::new(n))
}

/// The three national calendars and one with closures (the days between Christmas and New Year
/// of many years, and some scattered local holidays), built once.
fn calendars() -> &'static [Calendar; 4] {
    static CALS: OnceLock<[Calendar; 4]> = OnceLock::new();
    CALS.get_or_init(|| {
        let mut closures = Vec::new();
        for year in 1990..=2100 {
            for day in [29, 30, 31] {
                closures.push(NaiveDate::from_ymd_opt(year, 12, day).unwrap());
            }
            closures.push(NaiveDate::from_ymd_opt(year, 4, 14).unwrap());
        }
        [
            Calendar::new(Region::EnglandAndWales),
            Calendar::new(Region::Scotland),
            Calendar::new(Region::NorthernIreland),
            Calendar::builder(Region::Scotland).closures(closures).build(),
        ]
    })
}

/// The same calendar computed without the precomputed table (a span of a single far year), so
/// the fast and the year-by-year paths are checked against each other.
fn slow_calendars() -> &'static [Calendar; 3] {
    static CALS: OnceLock<[Calendar; 3]> = OnceLock::new();
    CALS.get_or_init(|| {
        [
            Calendar::builder(Region::EnglandAndWales).years(3000, 3000).build(),
            Calendar::builder(Region::Scotland).years(3000, 3000).build(),
            Calendar::builder(Region::NorthernIreland).years(3000, 3000).build(),
        ]
    })
}

/// Slow, obviously-right reference: step day by day.
fn add_by_stepping(cal: &Calendar, from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if cal.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn adding_n_then_counting_gives_n(which in 0usize..4, from in date_in_span(), n in 0u32..600) {
        let cal = &calendars()[which];
        let to = cal.add_working_days(from, n);
        prop_assert_eq!(cal.working_days_between(from, to), i64::from(n));
    }

    #[test]
    fn the_result_is_a_working_day(which in 0usize..4, from in date_in_span(), n in 1u32..600) {
        let cal = &calendars()[which];
        prop_assert!(cal.is_working_day(cal.add_working_days(from, n)));
        prop_assert!(cal.is_working_day(cal.subtract_working_days(from, n)));
        prop_assert!(cal.add_working_days(from, n) > from);
        prop_assert!(cal.subtract_working_days(from, n) < from);
    }

    #[test]
    fn adding_is_monotonic_in_n_and_in_the_start(which in 0usize..4, from in date_in_span(), later in 0u64..40, n in 0u32..400, more in 1u32..50) {
        let cal = &calendars()[which];
        prop_assert!(cal.add_working_days(from, n) < cal.add_working_days(from, n + more));
        let start2 = from + Days::new(later);
        prop_assert!(cal.add_working_days(from, n) <= cal.add_working_days(start2, n));
        prop_assert!(cal.subtract_working_days(from, n) <= cal.subtract_working_days(start2, n));
    }

    #[test]
    fn before_and_after_are_inverse_on_working_days(which in 0usize..4, from in date_in_span(), n in 0u32..600) {
        let cal = &calendars()[which];
        prop_assume!(cal.is_working_day(from));
        prop_assert_eq!(cal.subtract_working_days(cal.add_working_days(from, n), n), from);
        prop_assert_eq!(cal.add_working_days(cal.subtract_working_days(from, n), n), from);
    }

    #[test]
    fn the_table_agrees_with_stepping_day_by_day(which in 0usize..4, from in date_in_span(), n in 0u32..120) {
        let cal = &calendars()[which];
        prop_assert_eq!(cal.add_working_days(from, n), add_by_stepping(cal, from, n));
    }

    #[test]
    fn results_agree_with_the_year_by_year_path_1990_to_2100(which in 0usize..3, from in date_in_span(), n in 0u32..800) {
        let (fast, slow) = (&calendars()[which], &slow_calendars()[which]);
        prop_assert_eq!(fast.is_working_day(from), slow.is_working_day(from));
        prop_assert_eq!(fast.add_working_days(from, n), slow.add_working_days(from, n));
        prop_assert_eq!(fast.subtract_working_days(from, n), slow.subtract_working_days(from, n));
        let to = from + Days::new(u64::from(n));
        prop_assert_eq!(fast.working_days_between(from, to), slow.working_days_between(from, to));
    }

    #[test]
    fn counting_is_antisymmetric_and_additive(which in 0usize..4, a in date_in_span(), b in date_in_span(), c in date_in_span()) {
        let cal = &calendars()[which];
        prop_assert_eq!(cal.working_days_between(a, b), -cal.working_days_between(b, a));
        prop_assert_eq!(cal.working_days_between(a, b) + cal.working_days_between(b, c), cal.working_days_between(a, c));
    }
}
