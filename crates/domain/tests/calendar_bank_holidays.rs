//! The three calendars against the published gov.uk lists of 2019 to 2028 (typed from
//! https://www.gov.uk/bank-holidays; years not yet published were worked out by hand from the
//! rules and cross-checked against a weekday table). Substitute days are marked "s".

use chrono::{Datelike, NaiveDate, Weekday};
use confer_domain::calendar::{Calendar, Region, WorkingCalendar};
use confer_domain::Nation;

fn parse(list: &str) -> Vec<NaiveDate> {
    list.split_whitespace().filter(|t| *t != "s").map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap()).collect()
}

fn check(region: Region, year: i32, expected: &str) {
    let cal = Calendar::shared(region);
    let got: Vec<NaiveDate> = cal.bank_holidays_in_year(year).into_iter().map(|h| h.date).collect();
    let expected = parse(expected);
    assert_eq!(got, expected, "{region} {year}");
    for day in &expected {
        assert!(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun), "{day} is a weekend day");
        assert!(!cal.is_working_day(*day));
    }
}

const ENGLAND_AND_WALES: &[(i32, &str)] = &[
    (2019, "2019-01-01 2019-04-19 2019-04-22 2019-05-06 2019-05-27 2019-08-26 2019-12-25 2019-12-26"),
    (2020, "2020-01-01 2020-04-10 2020-04-13 2020-05-08 2020-05-25 2020-08-31 2020-12-25 2020-12-28 s"),
    (2021, "2021-01-01 2021-04-02 2021-04-05 2021-05-03 2021-05-31 2021-08-30 2021-12-27 s 2021-12-28 s"),
    (2022, "2022-01-03 s 2022-04-15 2022-04-18 2022-05-02 2022-06-02 2022-06-03 2022-08-29 2022-09-19 2022-12-26 2022-12-27 s"),
    (2023, "2023-01-02 s 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 2023-12-26"),
    (2024, "2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26"),
    (2025, "2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26"),
    (2026, "2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28 s"),
    (2027, "2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 s 2027-12-28 s"),
    (2028, "2028-01-03 s 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-08-28 2028-12-25 2028-12-26"),
];

const SCOTLAND: &[(i32, &str)] = &[
    (2019, "2019-01-01 2019-01-02 2019-04-19 2019-05-06 2019-05-27 2019-08-05 2019-12-02 s 2019-12-25 2019-12-26"),
    (2020, "2020-01-01 2020-01-02 2020-04-10 2020-05-08 2020-05-25 2020-08-03 2020-11-30 2020-12-25 2020-12-28 s"),
    (2021, "2021-01-01 2021-01-04 s 2021-04-02 2021-05-03 2021-05-31 2021-08-02 2021-11-30 2021-12-27 s 2021-12-28 s"),
    (2022, "2022-01-03 s 2022-01-04 s 2022-04-15 2022-05-02 2022-06-02 2022-06-03 2022-08-01 2022-09-19 2022-11-30 2022-12-26 2022-12-27 s"),
    (2023, "2023-01-02 s 2023-01-03 s 2023-04-07 2023-05-01 2023-05-08 2023-05-29 2023-08-07 2023-11-30 2023-12-25 2023-12-26"),
    (2024, "2024-01-01 2024-01-02 2024-03-29 2024-05-06 2024-05-27 2024-08-05 2024-12-02 s 2024-12-25 2024-12-26"),
    (2025, "2025-01-01 2025-01-02 2025-04-18 2025-05-05 2025-05-26 2025-08-04 2025-12-01 s 2025-12-25 2025-12-26"),
    (2026, "2026-01-01 2026-01-02 2026-04-03 2026-05-04 2026-05-25 2026-06-15 2026-08-03 2026-11-30 2026-12-25 2026-12-28 s"),
    (2027, "2027-01-01 2027-01-04 s 2027-03-26 2027-05-03 2027-05-31 2027-08-02 2027-11-30 2027-12-27 s 2027-12-28 s"),
    (2028, "2028-01-03 s 2028-01-04 s 2028-04-14 2028-05-01 2028-05-29 2028-08-07 2028-11-30 2028-12-25 2028-12-26"),
];

const NORTHERN_IRELAND: &[(i32, &str)] = &[
    (2019, "2019-01-01 2019-03-18 s 2019-04-19 2019-04-22 2019-05-06 2019-05-27 2019-07-12 2019-08-26 2019-12-25 2019-12-26"),
    (2020, "2020-01-01 2020-03-17 2020-04-10 2020-04-13 2020-05-08 2020-05-25 2020-07-13 s 2020-08-31 2020-12-25 2020-12-28 s"),
    (2021, "2021-01-01 2021-03-17 2021-04-02 2021-04-05 2021-05-03 2021-05-31 2021-07-12 2021-08-30 2021-12-27 s 2021-12-28 s"),
    (2022, "2022-01-03 s 2022-03-17 2022-04-15 2022-04-18 2022-05-02 2022-06-02 2022-06-03 2022-07-12 2022-08-29 2022-09-19 2022-12-26 2022-12-27 s"),
    (2023, "2023-01-02 s 2023-03-17 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-07-12 2023-08-28 2023-12-25 2023-12-26"),
    (2024, "2024-01-01 2024-03-18 s 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-07-12 2024-08-26 2024-12-25 2024-12-26"),
    (2025, "2025-01-01 2025-03-17 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-07-14 s 2025-08-25 2025-12-25 2025-12-26"),
    (2026, "2026-01-01 2026-03-17 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-07-13 s 2026-08-31 2026-12-25 2026-12-28 s"),
    (2027, "2027-01-01 2027-03-17 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-07-12 2027-08-30 2027-12-27 s 2027-12-28 s"),
    (2028, "2028-01-03 s 2028-03-17 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-07-12 2028-08-28 2028-12-25 2028-12-26"),
];

#[test]
fn england_and_wales_match_the_published_lists_2019_to_2028() {
    for (year, list) in ENGLAND_AND_WALES {
        check(Region::EnglandAndWales, *year, list);
    }
}

#[test]
fn scotland_matches_the_published_lists_2019_to_2028() {
    for (year, list) in SCOTLAND {
        check(Region::Scotland, *year, list);
    }
}

#[test]
fn northern_ireland_matches_the_published_lists_2019_to_2028() {
    for (year, list) in NORTHERN_IRELAND {
        check(Region::NorthernIreland, *year, list);
    }
}

#[test]
fn wales_uses_the_england_and_wales_calendar() {
    assert_eq!(Region::for_nation(Nation::Wales), Region::EnglandAndWales);
    assert_eq!(Region::for_nation(Nation::England), Region::EnglandAndWales);
    let wales = Calendar::for_nation(Nation::Wales);
    assert_eq!(
        wales.bank_holidays_in_year(2027),
        Calendar::shared(Region::EnglandAndWales).bank_holidays_in_year(2027)
    );
}

#[test]
fn substitute_days_are_named_as_such() {
    let cal = Calendar::shared(Region::Scotland);
    let jan_2022 = cal.bank_holidays_in_year(2022);
    let names: Vec<&str> = jan_2022.iter().take(2).map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["New Year's Day (substitute day)", "2nd January (substitute day)"]);
    let ni = Calendar::shared(Region::NorthernIreland).bank_holiday(NaiveDate::from_ymd_opt(2025, 7, 14).unwrap());
    assert_eq!(ni.map(|h| h.name), Some("Battle of the Boyne (Orangemen's Day) (substitute day)".to_owned()));
}

#[test]
fn moved_holidays_leave_their_rule_day_a_working_day() {
    let cal = Calendar::shared(Region::EnglandAndWales);
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2020, 5, 4).unwrap()));
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2022, 5, 30).unwrap()));
}

#[test]
fn every_year_has_the_expected_number_of_holidays_1990_to_2100() {
    // Rules only (no one-off years): 8 in England and Wales, 9 in Scotland (from 2007, when St
    // Andrew's Day became a bank holiday), 10 in Northern Ireland.
    let one_off_years = [2020, 2022, 2023, 2026];
    for year in (1990..=2100).filter(|y| !one_off_years.contains(y)) {
        assert_eq!(Calendar::shared(Region::EnglandAndWales).bank_holidays_in_year(year).len(), 8, "{year}");
        let scotland = if year >= 2007 { 9 } else { 8 };
        assert_eq!(Calendar::shared(Region::Scotland).bank_holidays_in_year(year).len(), scotland, "{year}");
        assert_eq!(Calendar::shared(Region::NorthernIreland).bank_holidays_in_year(year).len(), 10, "{year}");
    }
}
