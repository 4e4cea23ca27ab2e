//! The working-day calendar of the four UK nations (being written).

use chrono::NaiveDate;

/// A calendar that knows which days are working days: weekends, the nation's bank holidays,
/// and the authority's closure days are not. Everything that counts working days takes one.
pub trait WorkingCalendar {
    fn is_working_day(&self, date: NaiveDate) -> bool;
    /// The N-th working day after `from` (day 0 is `from` itself; N = 0 gives `from`).
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate;
    /// The N-th working day before `from`.
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate;
}
