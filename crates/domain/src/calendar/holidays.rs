//! The bank holidays of the three UK calendars, by rule for any year, plus the one-off days
//! announced by royal proclamation that no rule can predict.
//!
//! The rules are those of the Banking and Financial Dealings Act 1971 (schedule 1) as amended,
//! the St Andrew's Day Bank Holiday (Scotland) Act 2007 and the royal proclamations that make
//! Good Friday, Christmas Day, St Patrick's Day and 12 July holidays. They are applied as they
//! stand today; the history of the rules before 1978 is not modelled because no deadline confer
//! computes starts that early.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The three bank-holiday calendars of the UK. Wales shares England's (England and Wales);
    /// the text values are the keys of the UK government's bank-holidays JSON.
    pub enum Region {
        EnglandAndWales => "england-and-wales", "England and Wales";
        Scotland => "scotland", "Scotland";
        NorthernIreland => "northern-ireland", "Northern Ireland";
    }
}

impl Region {
    /// The calendar an authority of this nation uses: Wales uses England and Wales.
    pub fn for_nation(nation: crate::Nation) -> Region {
        match nation {
            crate::Nation::England | crate::Nation::Wales => Region::EnglandAndWales,
            crate::Nation::Scotland => Region::Scotland,
            crate::Nation::NorthernIreland => Region::NorthernIreland,
        }
    }
}

/// One bank holiday: the day off, and its name as people know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BankHoliday {
    pub date: NaiveDate,
    pub name: String,
}

impl BankHoliday {
    pub fn new(date: NaiveDate, name: impl Into<String>) -> Self {
        BankHoliday { date, name: name.into() }
    }
}

/// A day added, or a holiday moved, by proclamation: the rules cannot know these.
struct OneOff {
    date: (i32, u32, u32),
    /// The rule's day this one replaces, when a holiday was moved rather than added.
    moved_from: Option<(u32, u32)>,
    name: &'static str,
    regions: &'static [Region],
}

const ALL_REGIONS: &[Region] = &[Region::EnglandAndWales, Region::Scotland, Region::NorthernIreland];

/// The one-off changes shipped with confer (from the gov.uk lists). Earlier ones (1995, 1999,
/// 2002, 2011, 2012) are not shipped: no deadline confer tracks starts before 2019. Later ones
/// arrive through `confer calendar import` of the government's file.
const ONE_OFFS: &[OneOff] = &[
    OneOff {
        date: (2020, 5, 8),
        moved_from: Some((5, 4)),
        name: "Early May bank holiday (VE day)",
        regions: ALL_REGIONS,
    },
    OneOff { date: (2022, 6, 2), moved_from: Some((5, 30)), name: "Spring bank holiday", regions: ALL_REGIONS },
    OneOff { date: (2022, 6, 3), moved_from: None, name: "Platinum Jubilee bank holiday", regions: ALL_REGIONS },
    OneOff {
        date: (2022, 9, 19),
        moved_from: None,
        name: "Bank Holiday for the State Funeral of Queen Elizabeth II",
        regions: ALL_REGIONS,
    },
    OneOff {
        date: (2023, 5, 8),
        moved_from: None,
        name: "Bank holiday for the coronation of King Charles III",
        regions: ALL_REGIONS,
    },
    // NATIONS.md marked this "(check)". Confirmed: the King approved the First Minister's request
    // for a bank holiday in Scotland on Monday 15 June 2026 to mark the men's team's first World
    // Cup finals since 1998 (The Independent, 5 February 2026,
    // https://www.independent.co.uk/news/uk/home-news/scotland-bank-holiday-june-world-cup-b2914436.html).
    // Not yet cross-checked against the gov.uk JSON: an import of that file replaces this year.
    OneOff {
        date: (2026, 6, 15),
        moved_from: None,
        name: "Bank holiday for Scotland at the FIFA World Cup",
        regions: &[Region::Scotland],
    },
];

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm of Meeus, Jones
/// and Butcher). `None` only for a year chrono cannot represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let last_day = NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()?;
    let back = last_day.weekday().num_days_from_monday();
    last_day.checked_sub_days(chrono::Days::new(u64::from(back)))
}

/// The bank holidays of `region` in `year` by the rules and the shipped one-off table, sorted by
/// date. A fixed-date holiday that falls at a weekend is replaced by a substitute day: the next
/// weekday that is not already a holiday (so Christmas on a Saturday gives Monday 27 December and
/// Boxing Day Tuesday 28 December). One-off days are placed before substitutes are chosen.
pub fn rule_bank_holidays(region: Region, year: i32) -> Vec<BankHoliday> {
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let mut fixed: Vec<(Option<NaiveDate>, &'static str)> =
        vec![(ymd(1, 1), "New Year's Day"), (ymd(12, 25), "Christmas Day"), (ymd(12, 26), "Boxing Day")];
    match region {
        Region::Scotland => {
            fixed.push((ymd(1, 2), "2nd January"));
            // St Andrew's Day Bank Holiday (Scotland) Act 2007.
            if year >= 2007 {
                fixed.push((ymd(11, 30), "St Andrew's Day"));
            }
        }
        Region::NorthernIreland => {
            fixed.push((ymd(3, 17), "St Patrick's Day"));
            fixed.push((ymd(7, 12), "Battle of the Boyne (Orangemen's Day)"));
        }
        Region::EnglandAndWales => {}
    }
    let easter = easter_sunday(year);
    let mut movable: Vec<(Option<NaiveDate>, &'static str)> = vec![
        (easter.and_then(|e| e.checked_sub_days(chrono::Days::new(2))), "Good Friday"),
        (last_monday(year, 5), "Spring bank holiday"),
    ];
    if year >= 1978 {
        movable.push((first_monday(year, 5), "Early May bank holiday"));
    }
    match region {
        Region::Scotland => movable.push((first_monday(year, 8), "Summer bank holiday")),
        Region::EnglandAndWales | Region::NorthernIreland => {
            movable.push((easter.and_then(|e| e.checked_add_days(chrono::Days::new(1))), "Easter Monday"));
            movable.push((last_monday(year, 8), "Summer bank holiday"));
        }
    }

    let mut days: Vec<BankHoliday> = Vec::with_capacity(12);
    for (date, name) in movable.iter().chain(fixed.iter()) {
        if let Some(date) = date {
            if !is_weekend(*date) {
                days.push(BankHoliday::new(*date, *name));
            }
        }
    }
    for one_off in ONE_OFFS.iter().filter(|o| o.date.0 == year && o.regions.contains(&region)) {
        if let Some((m, d)) = one_off.moved_from {
            days.retain(|h| Some(h.date) != ymd(m, d));
        }
        if let Some(date) = ymd(one_off.date.1, one_off.date.2) {
            days.push(BankHoliday::new(date, one_off.name));
        }
    }
    let mut at_weekend: Vec<(NaiveDate, &'static str)> =
        fixed.iter().filter_map(|(d, n)| d.filter(|d| is_weekend(*d)).map(|d| (d, *n))).collect();
    at_weekend.sort();
    for (date, name) in at_weekend {
        let mut substitute = date;
        while let Some(next) = substitute.succ_opt() {
            substitute = next;
            if !is_weekend(substitute) && !days.iter().any(|h| h.date == substitute) {
                days.push(BankHoliday::new(substitute, format!("{name} (substitute day)")));
                break;
            }
        }
    }
    days.sort();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_sunday_matches_known_dates() {
        for (y, m, day) in [
            (1990, 4, 15),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2038, 4, 25),
            (2100, 3, 28),
        ] {
            assert_eq!(easter_sunday(y), Some(d(y, m, day)), "{y}");
        }
    }

    #[test]
    fn scotland_new_year_on_sunday_gives_the_2nd_and_3rd() {
        let days: Vec<_> = rule_bank_holidays(Region::Scotland, 2023).into_iter().map(|h| h.date).collect();
        assert!(days.contains(&d(2023, 1, 2)) && days.contains(&d(2023, 1, 3)));
    }
}
