//! The time the application works with. The server reads the system clock; tests (and a
//! training installation) can fix it and move it on, so a whole conference journey from
//! request to review can run in one test without waiting months.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
    /// Added to the system clock: a demo or training installation that runs "as if today were"
    /// another day, with time still moving.
    shift: Option<chrono::Duration>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.fixed, &self.shift) {
            (Some(_), _) => f.write_str("Clock(fixed)"),
            (None, Some(s)) => write!(f, "Clock(system shifted by {} days)", s.num_days()),
            (None, None) => f.write_str("Clock(system)"),
        }
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None, shift: None }
    }
    /// A clock that stays at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(Arc::new(Mutex::new(at))), shift: None }
    }
    /// The system clock moved by whole days so that today (in the UK) is `today`.
    pub fn as_if_today(today: NaiveDate) -> Clock {
        let days = (today - uk_date(real_now())).num_days();
        Clock { fixed: None, shift: Some(chrono::Duration::days(days)) }
    }
    /// Moves a fixed clock (every copy of it); does nothing to the system clock.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(f) = &self.fixed {
            if let Ok(mut t) = f.lock() {
                *t = at;
            }
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => real_now() + self.shift.unwrap_or_else(chrono::Duration::zero),
            Some(f) => f.lock().map(|t| *t).unwrap_or_else(|p| *p.into_inner()),
        }
    }
    /// Today's date in the United Kingdom (GMT, or BST from 01:00 UTC on the last Sunday of
    /// March to 01:00 UTC on the last Sunday of October), which is the day deadlines count in.
    pub fn today(&self) -> NaiveDate {
        uk_date(self.now())
    }
}

/// The real time, whatever the application's clock says. Only for what must agree with clocks
/// outside confer: authenticator-app codes (TOTP), which a phone makes from its own clock, and
/// GOV.UK Notify's API tokens, whose issue time Notify checks against its own.
/// Everything else takes time from a [`Clock`]. This module is the only place that reads the
/// system's time (a test in the web crate checks the sources).
pub fn real_now() -> DateTime<Utc> {
    Utc::now()
}

/// The civil date in the United Kingdom at instant `t` (see [`crate::uk_time`]).
pub fn uk_date(t: DateTime<Utc>) -> NaiveDate {
    crate::uk_time::date(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_date_follows_british_summer_time() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // 23:30 UTC in July is 00:30 the next day in London.
        assert_eq!(uk_date(at("2026-07-14T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 7, 15).unwrap());
        // In winter London is on UTC.
        assert_eq!(uk_date(at("2026-12-14T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
        // BST 2026 starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
        assert_eq!(uk_date(at("2026-03-29T00:30:00Z")), NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(uk_date(at("2026-10-24T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!(uk_date(at("2026-10-25T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
    }
}
