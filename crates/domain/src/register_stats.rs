//! Child protection register statistics of Wales, Scotland and Northern Ireland (issue 15,
//! `NATIONS.md`), from the same facts as England's returns: a child is on the register from
//! the day a conference makes a child protection plan (registration) to the day the plan ends
//! (de-registration). Each nation's year, words and breakdowns:
//!
//! - Wales (Welsh Government, local authority child protection registers): the year 1 April to
//!   31 March; children on the register at 31 March by sex and age, by category of abuse;
//!   children added to and removed from the register during the year; child protection
//!   conferences held.
//! - Scotland (Scottish Government, Children's Social Work Statistics: child protection): the
//!   year 1 August to 31 July; children on the Child Protection Register at 31 July by sex and
//!   age; registrations and de-registrations; the concerns identified at the child protection
//!   planning meetings (CPPMs) of children registered in the year, several per child; CPPMs.
//! - Northern Ireland (Department of Health, children's social care statistics, from each
//!   Health and Social Care Trust): the year 1 April to 31 March; children on the child
//!   protection register at 31 March by age, category of abuse and time on the register;
//!   registrations and de-registrations; child protection case conferences.
//!
//! Sources checked (search tool, public pages): Scotland's year to 31 July, registrations,
//! de-registrations and concerns identified at case conferences (gov.scot, Children's Social
//! Work Statistics 2019-20 to 2022-23); Wales's position at 31 March with additions and
//! removals in the year and categories (Welsh Government bulletin "Local authority child
//! protection registers", 2015); Northern Ireland's figures by HSC Trust at 31 March, by age
//! band (under 1, 1-4, 5-11, 12-15, 16 and over), category and time on the register (NISRA
//! quarterly child protection statistics, 2024). Not confirmed: Wales's financial abuse
//! category (confer records the five categories a plan has, so it is not reported apart),
//! Wales's and Scotland's own age bands, and Northern Ireland's time-on-register bands.

use crate::census::{ChildFacts, PlanFacts};
use crate::conference::{ConcernCategory, ConferenceKind};
use crate::Nation;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A nation's statistical year ending in `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatsYear {
    pub nation: Nation,
    pub year: i32,
}

impl StatsYear {
    /// `None` for England (its return is the census) or a year out of range.
    pub fn new(nation: Nation, year: i32) -> Option<StatsYear> {
        (nation != Nation::England && (2000..=2100).contains(&year)).then_some(StatsYear { nation, year })
    }
    /// The first day: 1 August (Scotland) or 1 April (Wales, Northern Ireland) of the year before.
    pub fn start(self) -> NaiveDate {
        let month = if self.nation == Nation::Scotland { 8 } else { 4 };
        NaiveDate::from_ymd_opt(self.year - 1, month, 1).unwrap_or(NaiveDate::MIN)
    }
    /// The last day, the day the register is counted: 31 July or 31 March.
    pub fn end(self) -> NaiveDate {
        let (month, day) = if self.nation == Nation::Scotland { (7, 31) } else { (3, 31) };
        NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or(NaiveDate::MAX)
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }
}

/// The words a nation's statistics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// "Local authority" or "HSC Trust": the body the figures are for.
    pub body: &'static str,
    pub register: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub initial: &'static str,
    pub pre_birth: &'static str,
    pub review: &'static str,
    pub transfer: &'static str,
}

pub fn words(nation: Nation) -> Words {
    match nation {
        Nation::Scotland => Words {
            body: "Local authority",
            register: "Child Protection Register",
            added: "Registrations",
            removed: "De-registrations",
            initial: "Initial child protection planning meetings (CPPMs)",
            pre_birth: "Pre-birth child protection planning meetings (CPPMs)",
            review: "Review child protection planning meetings (CPPMs)",
            transfer: "Transfer child protection planning meetings (CPPMs)",
        },
        Nation::NorthernIreland => Words {
            body: "HSC Trust",
            register: "child protection register",
            added: "Registrations",
            removed: "De-registrations",
            initial: "Initial child protection case conferences",
            pre_birth: "Pre-birth child protection case conferences",
            review: "Review child protection case conferences",
            transfer: "Transfer-in child protection case conferences",
        },
        _ => Words {
            body: "Local authority",
            register: "child protection register",
            added: "Children added to the register",
            removed: "Children removed from the register",
            initial: "Initial child protection conferences",
            pre_birth: "Pre-birth child protection conferences",
            review: "Review child protection conferences",
            transfer: "Transfer-in child protection conferences",
        },
    }
}

/// A conference held about the child, with the concerns it named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldConference {
    pub kind: ConferenceKind,
    pub held_on: NaiveDate,
    pub concerns: Vec<ConcernCategory>,
}

/// One child's facts.
#[derive(Debug, Clone)]
pub struct RegisterChild<'a> {
    pub child: &'a ChildFacts,
    pub conferences: &'a [HeldConference],
    pub plans: &'a [PlanFacts],
}

/// One figure: what is counted, which part of it, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub measure: String,
    pub breakdown: String,
    pub value: i64,
}

/// The age band of a child on `on`, in the nation's bands.
pub fn age_band(nation: Nation, child: &ChildFacts, on: NaiveDate) -> &'static str {
    let Some(birth) = child.birth_date.filter(|b| *b <= on) else { return "Unborn" };
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    let bands: &[(i32, &'static str)] = match nation {
        Nation::NorthernIreland => {
            &[(1, "Under 1"), (5, "1 to 4"), (12, "5 to 11"), (16, "12 to 15"), (i32::MAX, "16 and over")]
        }
        Nation::Scotland => {
            &[(1, "Under 1"), (5, "1 to 4"), (11, "5 to 10"), (16, "11 to 15"), (i32::MAX, "16 and over")]
        }
        _ => &[(1, "Under 1"), (5, "1 to 4"), (10, "5 to 9"), (16, "10 to 15"), (i32::MAX, "16 and over")],
    };
    bands.iter().find(|(below, _)| years < *below).map(|(_, b)| *b).unwrap_or("16 and over")
}

fn sex(child: &ChildFacts, on: NaiveDate) -> &'static str {
    if child.birth_date.is_none_or(|b| b > on) {
        return "Unborn";
    }
    match child.gender {
        crate::Gender::Male => "Male",
        crate::Gender::Female => "Female",
        _ => "Not known",
    }
}

/// A plan category's words in the statistics.
pub fn category(code: Option<&str>) -> &'static str {
    match code {
        Some("NEG") => "Neglect",
        Some("PHY") => "Physical abuse",
        Some("EMO") => "Emotional abuse",
        Some("SAB") => "Sexual abuse",
        Some("MUL") => "Multiple categories",
        _ => "Not recorded",
    }
}

/// Time on the register on `on` since `start`.
pub fn time_on_register(start: NaiveDate, on: NaiveDate) -> &'static str {
    let after = |m: u32| start.checked_add_months(Months::new(m)).unwrap_or(NaiveDate::MAX);
    if on < after(6) {
        "Under 6 months"
    } else if on < after(12) {
        "6 months to under 1 year"
    } else if on < after(24) {
        "1 year to under 2 years"
    } else if on < after(36) {
        "2 years to under 3 years"
    } else {
        "3 years and over"
    }
}

/// The nation's figures for the year, in a fixed order (the same data give the same rows).
pub fn figures<'a>(year: StatsYear, children: impl IntoIterator<Item = RegisterChild<'a>>) -> Vec<Figure> {
    let nation = year.nation;
    let w = words(nation);
    let end = year.end();
    let on_register = |p: &PlanFacts| p.child_protection && p.start <= end && p.end.is_none_or(|e| e > end);
    // Counters kept by measure then breakdown, each list in the order it is first given.
    let mut out: Vec<(String, BTreeMap<String, i64>)> = Vec::new();
    let mut count = |measure: String, breakdown: &str, by: i64| {
        let i = match out.iter().position(|(m, _)| *m == measure) {
            Some(i) => i,
            None => {
                out.push((measure, BTreeMap::new()));
                out.len() - 1
            }
        };
        *out[i].1.entry(breakdown.to_owned()).or_default() += by;
    };
    let at = end.format("%-d %B %Y");
    let on_measure = format!("Children on the {} at {at}", w.register);
    let during = format!("during the year {} to {at}", year.start().format("%-d %B %Y"));
    // Every measure present even when nothing is counted.
    for m in [on_measure.clone(), format!("{} {during}", w.added), format!("{} {during}", w.removed)] {
        count(m, "Total", 0);
    }
    for c in children {
        // On the register at the year's end: one count per child.
        if let Some(p) = c.plans.iter().filter(|p| on_register(p)).max_by_key(|p| p.start) {
            count(on_measure.clone(), "Total", 1);
            count(format!("{on_measure} by sex"), sex(c.child, end), 1);
            count(format!("{on_measure} by age"), age_band(nation, c.child, end), 1);
            if nation != Nation::Scotland {
                count(format!("{on_measure} by category of abuse"), category(p.latest_category.as_deref()), 1);
            }
            if nation == Nation::NorthernIreland {
                count(format!("{on_measure} by time on the register"), time_on_register(p.start, end), 1);
            }
        }
        for p in c.plans.iter().filter(|p| p.child_protection) {
            if year.contains(p.start) {
                count(format!("{} {during}", w.added), "Total", 1);
                if nation == Nation::Scotland {
                    // The concerns named at the meeting that registered the child.
                    let at_meeting: Vec<&ConcernCategory> = c
                        .conferences
                        .iter()
                        .filter(|k| k.held_on == p.start && k.kind != ConferenceKind::Review)
                        .flat_map(|k| k.concerns.iter())
                        .collect();
                    let mut named: Vec<&'static str> = at_meeting.iter().map(|k| k.label()).collect();
                    named.sort_unstable();
                    named.dedup();
                    if named.is_empty() {
                        named.push("Not recorded");
                    }
                    for n in named {
                        count(format!("Concerns identified at the CPPMs of children registered {during}"), n, 1);
                    }
                } else {
                    count(
                        format!("{} {during} by category of abuse", w.added),
                        category(p.initial_category.as_deref()),
                        1,
                    );
                }
            }
            if p.end.is_some_and(|e| year.contains(e)) {
                count(format!("{} {during}", w.removed), "Total", 1);
            }
        }
        for k in c.conferences.iter().filter(|k| year.contains(k.held_on)) {
            let label = match k.kind {
                ConferenceKind::Initial => w.initial,
                ConferenceKind::PreBirth => w.pre_birth,
                ConferenceKind::Review => w.review,
                ConferenceKind::TransferIn => w.transfer,
            };
            count(format!("Held {during}"), label, 1);
        }
    }
    out.into_iter()
        .flat_map(|(measure, by)| {
            by.into_iter().map(move |(breakdown, value)| Figure { measure: measure.clone(), breakdown, value })
        })
        .collect()
}

#[cfg(test)]
mod tests;
