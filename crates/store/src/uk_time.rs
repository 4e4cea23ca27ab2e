//! Times as people in the United Kingdom read them. Instants are stored in UTC; every page
//! shows them in UK local time (Europe/London: GMT in winter, BST in summer), and the day
//! deadlines count in is the UK's civil date. This is the one place that converts, with the
//! IANA time zone database compiled into the binary (jiff's bundled tzdb), so a change to the
//! UK's rules arrives with a dependency update rather than a hand-written rule here.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use jiff::tz::TimeZone;
use std::sync::OnceLock;

fn london() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        TimeZone::get("Europe/London").unwrap_or_else(|e| {
            // Cannot happen with the bundled database; say so loudly rather than guess.
            tracing::error!(error = %e, "Europe/London is missing from the time zone database: showing UTC");
            TimeZone::UTC
        })
    })
}

/// The UK wall-clock date and time at instant `t`.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    let offset = jiff::Timestamp::new(t.timestamp(), t.timestamp_subsec_nanos() as i32)
        .map(|ts| london().to_offset(ts).seconds())
        .unwrap_or(0);
    t.naive_utc() + chrono::Duration::seconds(i64::from(offset))
}

/// The instant of a UK wall-clock date and time (a meeting's start). A time that happens twice
/// (the autumn change) is the first; one that does not happen (the spring change) is read
/// an hour on, as most calendars do.
pub fn instant(local: NaiveDateTime) -> DateTime<Utc> {
    use chrono::{Datelike, Timelike};
    let civil = jiff::civil::DateTime::new(
        local.year() as i16,
        local.month() as i8,
        local.day() as i8,
        local.hour() as i8,
        local.minute() as i8,
        local.second() as i8,
        0,
    );
    civil
        .ok()
        .and_then(|c| london().to_timestamp(c).ok())
        .and_then(|t| DateTime::from_timestamp(t.as_second(), 0))
        .unwrap_or_else(|| local.and_utc())
}

/// The UK civil date at instant `t` (the day deadlines count in).
pub fn date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

/// "14:05", UK time.
pub fn clock_time(t: &DateTime<Utc>) -> String {
    local(*t).format("%H:%M").to_string()
}

/// "23 November 2026" for the UK date of an instant.
pub fn long_date(t: &DateTime<Utc>) -> String {
    local(*t).format("%-d %B %Y").to_string()
}

/// "23 November 2026 at 14:05", UK time.
pub fn long_instant(t: &DateTime<Utc>) -> String {
    local(*t).format("%-d %B %Y at %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_uk_wall_clock_time_is_the_instant_it_names_in_summer_and_winter() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(instant(t("2026-07-14 14:05")), at("2026-07-14T13:05:00Z"));
        assert_eq!(instant(t("2026-11-20 10:00")), at("2026-11-20T10:00:00Z"));
        // The clocks go forward at 01:00 on 29 March 2026: 01:30 does not happen.
        assert_eq!(instant(t("2026-03-29 01:30")), at("2026-03-29T01:30:00Z"));
        for s in ["2026-07-14 14:05", "2026-11-20 10:00", "2026-10-25 00:30"] {
            assert_eq!(local(instant(t(s))), t(s), "{s}");
        }
    }

    #[test]
    fn summer_times_are_an_hour_ahead_of_utc_and_winter_times_are_not() {
        // British Summer Time: 13:05 UTC in July is 14:05 in London.
        assert_eq!(clock_time(&at("2026-07-14T13:05:00Z")), "14:05");
        assert_eq!(long_instant(&at("2026-07-14T13:05:00Z")), "14 July 2026 at 14:05");
        // Greenwich Mean Time: the same in January.
        assert_eq!(clock_time(&at("2026-01-14T13:05:00Z")), "13:05");
        // The changes in 2026: 01:00 UTC on 29 March and 25 October.
        assert_eq!(clock_time(&at("2026-03-29T00:59:00Z")), "00:59");
        assert_eq!(clock_time(&at("2026-03-29T01:00:00Z")), "02:00");
        assert_eq!(clock_time(&at("2026-10-25T00:59:00Z")), "01:59");
        assert_eq!(clock_time(&at("2026-10-25T01:00:00Z")), "01:00");
        // Late evening UTC in summer is already the next day in the UK.
        assert_eq!(date(at("2026-07-14T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 7, 15).unwrap());
        assert_eq!(long_date(&at("2026-12-14T23:30:00Z")), "14 December 2026");
    }
}
