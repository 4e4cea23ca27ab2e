//! The working-day calendar of the four UK nations.
//!
//! A working day is a day that is not a Saturday or Sunday, not a bank holiday of the
//! authority's nation (Wales uses the England and Wales list) and not one of the authority's own
//! closure days. Deadlines in working days are counted on this calendar.
//!
//! Counting conventions (used everywhere in confer):
//! - Day 0 is the day of the triggering event, whether or not it is a working day.
//! - "The N-th working day after D" is the N-th working day strictly after D. "Within N working
//!   days of D" means on or before that day.
//! - "At least N working days before D" means on or before the N-th working day strictly before D.
//! - The number of working days between A and B counts the working days after A up to and
//!   including B (negative when B is before A), so `between(a, add(a, n)) == n`.
//!
//! Speed: a [`Calendar`] precomputes, for a span of years (1990 to 2100 unless told otherwise),
//! a prefix count of working days and the sorted list of working days, so adding, subtracting
//! and counting are O(1) inside the span. Dates outside the span are still answered correctly,
//! by computing the rules year by year. Build one calendar per (region, announced days, closure
//! days) and share it: the nation calendars without closures are built once per process
//! ([`Calendar::shared`]).

mod govuk;
mod holidays;

pub use govuk::{parse_govuk_bank_holidays, parse_iso_date, AnnouncedHolidays, HolidayFileError};
pub use holidays::{easter_sunday, rule_bank_holidays, BankHoliday, Region};

use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A calendar that knows which days are working days: weekends, the nation's bank holidays,
/// and the authority's closure days are not. Everything that counts working days takes one.
pub trait WorkingCalendar {
    fn is_working_day(&self, date: NaiveDate) -> bool;
    /// The N-th working day after `from` (day 0 is `from` itself; N = 0 gives `from`).
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate;
    /// The N-th working day before `from`.
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate;
}

/// The years precomputed unless the builder is told otherwise.
pub const DEFAULT_FIRST_YEAR: i32 = 1990;
pub const DEFAULT_LAST_YEAR: i32 = 2100;

/// Builds a [`Calendar`]: the region, the days the government announced (from an imported
/// file) and the authority's closure days.
#[derive(Debug, Clone)]
pub struct CalendarBuilder {
    region: Region,
    announced: BTreeMap<i32, Vec<BankHoliday>>,
    closures: Vec<NaiveDate>,
    first_year: i32,
    last_year: i32,
}

impl CalendarBuilder {
    pub fn new(region: Region) -> Self {
        CalendarBuilder {
            region,
            announced: BTreeMap::new(),
            closures: Vec::new(),
            first_year: DEFAULT_FIRST_YEAR,
            last_year: DEFAULT_LAST_YEAR,
        }
    }

    /// Days announced by the government for this region (an imported file). For every year the
    /// list covers, the list *is* that year's bank holidays and replaces the rules: that is how
    /// a moved holiday (a rule's day missing from the list) is honoured. So import whole years,
    /// as the government's file has them, never a single extra day.
    pub fn announced(mut self, days: impl IntoIterator<Item = BankHoliday>) -> Self {
        for day in days {
            self.announced.entry(day.date.year()).or_default().push(day);
        }
        for list in self.announced.values_mut() {
            list.sort();
            list.dedup_by(|a, b| a.date == b.date);
        }
        self
    }

    /// The authority's own closure days (local holidays, the days between Christmas and New
    /// Year it closes): not working days for that authority only.
    pub fn closures(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.closures.extend(days);
        self.closures.sort();
        self.closures.dedup();
        self
    }

    /// The years to precompute (inclusive; given in either order, kept within 1583, the first
    /// full Gregorian year, and 9999). Outside them answers are still right, only slower.
    pub fn years(mut self, first: i32, last: i32) -> Self {
        let (a, b) = if first <= last { (first, last) } else { (last, first) };
        self.first_year = a.clamp(1583, 9999);
        self.last_year = b.clamp(1583, 9999);
        self
    }

    pub fn build(self) -> Calendar {
        let mut holidays: Vec<BankHoliday> = Vec::new();
        for year in self.first_year..=self.last_year {
            holidays.extend(holidays_of(self.region, &self.announced, year));
        }
        let first = NaiveDate::from_ymd_opt(self.first_year, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(self.last_year, 12, 31).unwrap_or(NaiveDate::MAX);
        let span = (last - first).num_days() as usize + 1;
        let mut prefix = Vec::with_capacity(span + 1);
        let mut working = Vec::with_capacity(span * 5 / 7);
        prefix.push(0u32);
        let (mut h, mut c) = (0usize, 0usize);
        for (offset, date) in first.iter_days().take(span).enumerate() {
            while h < holidays.len() && holidays[h].date < date {
                h += 1;
            }
            while c < self.closures.len() && self.closures[c] < date {
                c += 1;
            }
            let is_holiday = h < holidays.len() && holidays[h].date == date;
            let is_closure = c < self.closures.len() && self.closures[c] == date;
            if !holidays::is_weekend(date) && !is_holiday && !is_closure {
                working.push(offset as u32);
            }
            prefix.push(working.len() as u32);
        }
        Calendar {
            region: self.region,
            first,
            last,
            prefix,
            working,
            holidays,
            announced: self.announced,
            closures: self.closures,
        }
    }
}

fn holidays_of(region: Region, announced: &BTreeMap<i32, Vec<BankHoliday>>, year: i32) -> Vec<BankHoliday> {
    match announced.get(&year) {
        Some(list) => list.clone(),
        None => holidays::rule_bank_holidays(region, year),
    }
}

/// An authority's working-day calendar. Cheap to share (`&Calendar` is `Send + Sync`); about
/// 300 KB for the default span.
#[derive(Clone)]
pub struct Calendar {
    region: Region,
    first: NaiveDate,
    last: NaiveDate,
    /// `prefix[i]` is the number of working days in `[first, first + i)`; one entry per day plus one.
    prefix: Vec<u32>,
    /// The working days of the span, as offsets from `first`, in order.
    working: Vec<u32>,
    /// The bank holidays of the span, sorted by date.
    holidays: Vec<BankHoliday>,
    announced: BTreeMap<i32, Vec<BankHoliday>>,
    closures: Vec<NaiveDate>,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar")
            .field("region", &self.region)
            .field("span", &(self.first, self.last))
            .field("announced_years", &self.announced.keys().collect::<Vec<_>>())
            .field("closures", &self.closures.len())
            .finish()
    }
}

impl Calendar {
    /// A calendar of `region` by the rules and shipped one-off days, with no closures.
    pub fn new(region: Region) -> Calendar {
        CalendarBuilder::new(region).build()
    }

    pub fn builder(region: Region) -> CalendarBuilder {
        CalendarBuilder::new(region)
    }

    /// The calendar of an authority of `nation` with no closure days (Wales: England and Wales).
    pub fn for_nation(nation: crate::Nation) -> Calendar {
        Calendar::new(Region::for_nation(nation))
    }

    /// The shared, built-once calendar of a region by the rules, with no closures: use it
    /// wherever no authority-specific days apply.
    pub fn shared(region: Region) -> &'static Calendar {
        static CALENDARS: [OnceLock<Calendar>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let index = match region {
            Region::EnglandAndWales => 0,
            Region::Scotland => 1,
            Region::NorthernIreland => 2,
        };
        CALENDARS[index].get_or_init(|| Calendar::new(region))
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// The authority's closure days, sorted.
    pub fn closures(&self) -> &[NaiveDate] {
        &self.closures
    }

    /// The bank holidays of `year`: the announced list where one was imported for that year,
    /// otherwise the rules and shipped one-off days. Closure days are not included.
    pub fn bank_holidays_in_year(&self, year: i32) -> Vec<BankHoliday> {
        if (self.first.year()..=self.last.year()).contains(&year) {
            let lo = self.holidays.partition_point(|h| h.date.year() < year);
            let hi = self.holidays.partition_point(|h| h.date.year() <= year);
            return self.holidays[lo..hi].to_vec();
        }
        holidays_of(self.region, &self.announced, year)
    }

    /// The name of the bank holiday on `date`, if it is one.
    pub fn bank_holiday(&self, date: NaiveDate) -> Option<BankHoliday> {
        if self.in_span(date) {
            let i = self.holidays.partition_point(|h| h.date < date);
            return self.holidays.get(i).filter(|h| h.date == date).cloned();
        }
        holidays_of(self.region, &self.announced, date.year()).into_iter().find(|h| h.date == date)
    }

    pub fn is_closure_day(&self, date: NaiveDate) -> bool {
        self.closures.binary_search(&date).is_ok()
    }

    /// The number of working days after `from` up to and including `to`; negative when `to` is
    /// before `from`. `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if from > to {
            return -self.working_days_between(to, from);
        }
        if self.in_span(from) && self.in_span(to) {
            let (i, j) = (self.offset(from), self.offset(to));
            return i64::from(self.prefix[j + 1]) - i64::from(self.prefix[i + 1]);
        }
        let mut total = 0i64;
        for year in from.year()..=to.year() {
            total += self.working_days_of_year(year).iter().filter(|d| **d > from && **d <= to).count() as i64;
        }
        total
    }

    /// The first working day on or after `date`: where a deadline that falls on a closed day
    /// moves to when the rule allows it (RIGHT-01).
    pub fn next_working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        if self.is_working_day(date) {
            date
        } else {
            self.add_working_days(date, 1)
        }
    }

    fn in_span(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    fn offset(&self, date: NaiveDate) -> usize {
        (date - self.first).num_days() as usize
    }

    fn date_at(&self, offset: u32) -> NaiveDate {
        self.first.checked_add_days(Days::new(u64::from(offset))).unwrap_or(NaiveDate::MAX)
    }

    /// The working days of one year, in order (from the table inside the span).
    fn working_days_of_year(&self, year: i32) -> Vec<NaiveDate> {
        let (Some(start), Some(end)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            return Vec::new();
        };
        if self.in_span(start) && self.in_span(end) {
            let lo = self.prefix[self.offset(start)] as usize;
            let hi = self.prefix[self.offset(end) + 1] as usize;
            return self.working[lo..hi].iter().map(|o| self.date_at(*o)).collect();
        }
        let holidays = holidays_of(self.region, &self.announced, year);
        start
            .iter_days()
            .take_while(|d| *d <= end)
            .filter(|d| {
                !holidays::is_weekend(*d)
                    && holidays.binary_search_by(|h| h.date.cmp(d)).is_err()
                    && !self.is_closure_day(*d)
            })
            .collect()
    }
}

impl WorkingCalendar for Calendar {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.in_span(date) {
            let i = self.offset(date);
            return self.prefix[i + 1] > self.prefix[i];
        }
        !holidays::is_weekend(date) && self.bank_holiday(date).is_none() && !self.is_closure_day(date)
    }

    /// O(1) inside the span; year by year outside it. Past the last date chrono can hold the
    /// answer is that last date, rather than a panic.
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        if days == 0 {
            return from;
        }
        if self.in_span(from) {
            let k = self.prefix[self.offset(from) + 1] as usize + days as usize - 1;
            if let Some(offset) = self.working.get(k) {
                return self.date_at(*offset);
            }
        }
        let mut remaining = days as usize;
        let mut year = from.year();
        while year <= NaiveDate::MAX.year() {
            let list = self.working_days_of_year(year);
            let start = list.partition_point(|d| *d <= from);
            let available = list.len() - start;
            if remaining <= available {
                return list[start + remaining - 1];
            }
            remaining -= available;
            year += 1;
        }
        NaiveDate::MAX
    }

    /// O(1) inside the span; year by year outside it. Before the first date chrono can hold the
    /// answer is that first date, rather than a panic.
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        if days == 0 {
            return from;
        }
        if self.in_span(from) {
            let before = self.prefix[self.offset(from)] as usize;
            if before >= days as usize {
                return self.date_at(self.working[before - days as usize]);
            }
        }
        let mut remaining = days as usize;
        let mut year = from.year();
        while year >= NaiveDate::MIN.year() {
            let list = self.working_days_of_year(year);
            let end = list.partition_point(|d| *d < from);
            if remaining <= end {
                return list[end - remaining];
            }
            remaining -= end;
            year -= 1;
        }
        NaiveDate::MIN
    }
}

impl<T: WorkingCalendar + ?Sized> WorkingCalendar for &T {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        (**self).is_working_day(date)
    }
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        (**self).add_working_days(from, days)
    }
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        (**self).subtract_working_days(from, days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn christmas_2026_skips_the_bank_holidays_and_the_weekend() {
        let cal = Calendar::shared(Region::EnglandAndWales);
        // Thu 24 Dec 2026; Fri 25 Christmas; Sat 26, Sun 27; Mon 28 Boxing Day substitute.
        assert_eq!(cal.add_working_days(d(2026, 12, 24), 1), d(2026, 12, 29));
        assert_eq!(cal.subtract_working_days(d(2026, 12, 29), 1), d(2026, 12, 24));
        assert_eq!(cal.working_days_between(d(2026, 12, 24), d(2026, 12, 29)), 1);
        assert_eq!(cal.working_days_between(d(2026, 12, 29), d(2026, 12, 24)), -1);
    }

    #[test]
    fn closure_days_are_not_working_days_for_that_authority_only() {
        let closed = Calendar::builder(Region::Scotland).closures([d(2026, 12, 29), d(2026, 12, 30)]).build();
        assert!(!closed.is_working_day(d(2026, 12, 29)));
        assert!(Calendar::shared(Region::Scotland).is_working_day(d(2026, 12, 29)));
        assert_eq!(closed.add_working_days(d(2026, 12, 24), 1), d(2026, 12, 31));
    }

    #[test]
    fn answers_outside_the_span_agree_with_inside_it() {
        let wide = Calendar::shared(Region::NorthernIreland);
        let narrow = Calendar::builder(Region::NorthernIreland).years(2020, 2021).build();
        for (start, n) in [(d(2019, 12, 20), 40u32), (d(2021, 12, 1), 300), (d(1980, 3, 1), 5000), (d(2150, 1, 1), 3)] {
            assert_eq!(narrow.add_working_days(start, n), wide.add_working_days(start, n), "{start} + {n}");
            assert_eq!(narrow.subtract_working_days(start, n), wide.subtract_working_days(start, n), "{start} - {n}");
            let end = wide.add_working_days(start, n);
            assert_eq!(narrow.working_days_between(start, end), i64::from(n));
            assert_eq!(narrow.is_working_day(start), wide.is_working_day(start));
        }
    }

    #[test]
    fn enormous_counts_saturate_instead_of_panicking() {
        let cal = Calendar::builder(Region::EnglandAndWales).years(2000, 2001).build();
        assert_eq!(cal.add_working_days(d(262_000, 1, 1), u32::MAX), NaiveDate::MAX);
        assert_eq!(cal.subtract_working_days(d(-262_000, 1, 1), u32::MAX), NaiveDate::MIN);
    }

    #[test]
    fn an_imported_year_replaces_the_rules_for_that_year() {
        let announced = vec![BankHoliday::new(d(2030, 3, 4), "A new holiday")];
        let cal = Calendar::builder(Region::EnglandAndWales).announced(announced).build();
        assert_eq!(cal.bank_holidays_in_year(2030).len(), 1);
        assert!(!cal.is_working_day(d(2030, 3, 4)));
        assert!(cal.is_working_day(d(2030, 12, 25)), "the rules' Christmas is replaced by the list");
        assert_eq!(cal.bank_holidays_in_year(2031).len(), 8);
    }
}
