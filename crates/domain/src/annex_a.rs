//! Ofsted's Annex A lists (ILACS inspections, `RETURNS.md`): List 5 (section 47 enquiries and
//! initial child protection conferences), List 6 (children in need) and List 7 (children on a
//! child protection plan), for a period the user chooses, derived from what confer holds: the
//! census episodes, the conferences, the plans and who is allocated. Pure: the store reads the
//! facts (the same ones the census reads), [`lists`] makes the rows, `confer_docs::annex_a`
//! writes the workbook and the CSV files.
//!
//! Columns come in the published order. List 5 and List 7 follow `RETURNS.md`; List 6's
//! columns after the six common ones (case status, CIN start date, primary need code, date
//! child was last seen, CIN closure date, reason for closure, allocated team and worker) are
//! taken from Data to Insight's and Social Finance's published Annex A tooling, not from the
//! Ofsted template itself, which could not be read here.
//!
//! What confer does not hold is left blank, never guessed: the date of the last statutory
//! visit and whether the child was seen alone (List 7), the date the child was last seen
//! (List 6), and emergency protection orders or police protection (List 7).

use crate::census::{code_of, ChildFacts, ConferenceFacts, PlanFacts, RecordedEpisode, CATEGORIES, ETHNICITIES};
use crate::conference::ConferenceKind;
use crate::validate::{parse_date, FormErrors};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// The period the lists cover, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period typed in the form (or given at the command line): two real dates, the first
    /// not after the second, at most three years apart.
    pub fn parse(from: &str, to: &str) -> Result<Period, FormErrors> {
        let mut errors = FormErrors::default();
        let from = match from.trim() {
            "" => {
                errors.add("from", "Enter the first day of the period");
                None
            }
            t => parse_date(t).map_err(|e| errors.add("from", format!("The first day: {}", e.message))).ok(),
        };
        let to = match to.trim() {
            "" => {
                errors.add("to", "Enter the last day of the period");
                None
            }
            t => parse_date(t).map_err(|e| errors.add("to", format!("The last day: {}", e.message))).ok(),
        };
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.add("to", "The last day must be the same as or after the first day");
            } else if f.checked_add_months(Months::new(36)).is_some_and(|limit| t >= limit) {
                errors.add("to", "The period must be shorter than three years");
            }
        }
        match (from, to) {
            (Some(from), Some(to)) if errors.is_empty() => Ok(Period { from, to }),
            _ => Err(errors),
        }
    }

    /// The six months before `today` (Ofsted's usual period), ending today.
    pub fn six_months_to(today: NaiveDate) -> Period {
        let from = today.checked_sub_months(Months::new(6)).map(|d| d.succ_opt().unwrap_or(d)).unwrap_or(today);
        Period { from, to: today }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// Whether something running from `start` to `end` (open when `None`) overlaps the period.
    pub fn overlaps(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        start <= self.to && end.is_none_or(|e| e >= self.from)
    }
}

/// One cell of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(i64),
    Blank,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    fn date(d: Option<NaiveDate>) -> Cell {
        d.map(Cell::Date).unwrap_or(Cell::Blank)
    }
    /// The cell as the CSV files write it (dates as the template's dd/mm/yyyy).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Blank => String::new(),
        }
    }
}

/// The six columns every list starts with.
pub const COMMON: [&str; 6] =
    ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability"];

/// List 5's columns after the common six.
pub const LIST5: [&str; 8] = [
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
];

/// List 6's columns after the common six.
pub const LIST6: [&str; 8] = [
    "Case Status",
    "CIN Start Date",
    "Primary Need Code",
    "Date Child Was Last Seen",
    "CIN Closure Date",
    "Reason for Closure",
    "Allocated Team",
    "Allocated Worker",
];

/// List 7's columns after the common six.
pub const LIST7: [&str; 11] = [
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
];

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListNo {
    List5,
    List6,
    List7,
}

impl ListNo {
    pub const ALL: [ListNo; 3] = [ListNo::List5, ListNo::List6, ListNo::List7];
    pub fn number(self) -> u8 {
        match self {
            ListNo::List5 => 5,
            ListNo::List6 => 6,
            ListNo::List7 => 7,
        }
    }
    /// The sheet's name in the workbook.
    pub fn sheet(self) -> &'static str {
        match self {
            ListNo::List5 => "List 5",
            ListNo::List6 => "List 6",
            ListNo::List7 => "List 7",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            ListNo::List5 => "Section 47 enquiries and initial child protection conferences",
            ListNo::List6 => "Children in need",
            ListNo::List7 => "Children subject of a child protection plan",
        }
    }
    /// Every column heading, in order.
    pub fn headings(self) -> Vec<&'static str> {
        let rest: &[&str] = match self {
            ListNo::List5 => &LIST5,
            ListNo::List6 => &LIST6,
            ListNo::List7 => &LIST7,
        };
        COMMON.iter().chain(rest.iter()).copied().collect()
    }
    pub fn parse(s: &str) -> Option<ListNo> {
        match s {
            "5" | "list5" => Some(ListNo::List5),
            "6" | "list6" => Some(ListNo::List6),
            "7" | "list7" => Some(ListNo::List7),
            _ => None,
        }
    }
}

/// Who is allocated: the team's and the worker's names (blank when not known).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub team: String,
    pub worker: String,
}

/// A child protection plan with its key worker, for List 7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedPlan {
    pub plan: PlanFacts,
    pub key_worker: Allocation,
}

/// Everything the lists are made from for one child.
#[derive(Debug, Clone)]
pub struct ChildInput<'a> {
    pub child: &'a ChildFacts,
    pub episodes: &'a [RecordedEpisode],
    pub conferences: &'a [ConferenceFacts],
    pub plans: &'a [KeyedPlan],
    /// The family's allocated worker (the latest case opened).
    pub allocated: &'a Allocation,
}

/// The three lists: rows in order of child ID, then date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Lists {
    pub list5: Vec<Vec<Cell>>,
    pub list6: Vec<Vec<Cell>>,
    pub list7: Vec<Vec<Cell>>,
}

impl Lists {
    pub fn rows(&self, list: ListNo) -> &[Vec<Cell>] {
        match list {
            ListNo::List5 => &self.list5,
            ListNo::List6 => &self.list6,
            ListNo::List7 => &self.list7,
        }
    }
}

/// The template's lettered gender answer.
pub fn gender(child: &ChildFacts) -> &'static str {
    let unborn = child.birth_date.is_none() && child.expected_birth_date.is_some();
    match child.gender {
        _ if unborn => "c) Not stated/recorded",
        crate::Gender::Male => "a) Male",
        crate::Gender::Female => "b) Female",
        crate::Gender::Other => "d) Neither",
        crate::Gender::Unknown => "c) Not stated/recorded",
    }
}

/// The template's lettered ethnicity answer: "a) WBRI" to "t) NOBT", in the census's order;
/// anything that is not a census code is "t) NOBT" (not yet obtained).
pub fn ethnicity(child: &ChildFacts) -> String {
    let code = code_of(ETHNICITIES, &child.ethnicity).unwrap_or("NOBT");
    let i = ETHNICITIES.iter().position(|(c, _)| *c == code).unwrap_or(ETHNICITIES.len() - 1);
    format!("{}) {code}", letter(i))
}

fn letter(i: usize) -> char {
    char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
}

/// "a) Yes" when a disability is recorded, "b) No" when none, "c) Unknown" when nothing is.
pub fn disability(child: &ChildFacts) -> &'static str {
    let d = child.disability.trim();
    if d.is_empty() {
        "c) Unknown"
    } else if d.eq_ignore_ascii_case("none") || d.eq_ignore_ascii_case("no") {
        "b) No"
    } else {
        "a) Yes"
    }
}

/// The template's lettered category: "a) Neglect" to "e) Multiple/not recommended".
pub fn category(code: Option<&str>) -> Cell {
    match code.and_then(|c| CATEGORIES.iter().position(|(k, _)| *k == c)) {
        Some(i) => Cell::text(format!("{}) {}", letter(i), CATEGORIES[i].1)),
        None => Cell::Blank,
    }
}

/// Whole years from `birth` to `on` (blank for an unborn child).
pub fn age(birth: Option<NaiveDate>, on: NaiveDate) -> Cell {
    match birth {
        Some(b) if b <= on => {
            let mut years = on.year() - b.year();
            if (on.month(), on.day()) < (b.month(), b.day()) {
                years -= 1;
            }
            Cell::Number(i64::from(years))
        }
        _ => Cell::Blank,
    }
}

fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "a) Yes" } else { "b) No" })
}

fn common(child: &ChildFacts, period: Period) -> Vec<Cell> {
    vec![
        Cell::text(child.la_child_id.clone()),
        Cell::text(gender(child)),
        Cell::text(ethnicity(child)),
        Cell::date(child.birth_date.or(child.expected_birth_date)),
        age(child.birth_date, period.to),
        Cell::text(disability(child)),
    ]
}

/// One section 47 enquiry, from a conference or recorded on an episode.
struct Enquiry {
    start: NaiveDate,
    /// `Some(true)`: ended with no conference needed; `Some(false)`: went to conference;
    /// `None`: still running, no decision yet.
    not_required: Option<bool>,
    icpc: Option<NaiveDate>,
}

fn enquiries(input: &ChildInput<'_>, period: Period) -> Vec<Enquiry> {
    let mut out: Vec<Enquiry> = input
        .conferences
        .iter()
        .filter(|c| c.section47 && matches!(c.kind, ConferenceKind::Initial | ConferenceKind::PreBirth))
        .filter_map(|c| {
            Some(Enquiry {
                start: c.strategy_discussion_on?,
                not_required: Some(false),
                icpc: c.held_on.filter(|d| *d <= period.to),
            })
        })
        .collect();
    for e in input.episodes {
        for q in &e.enquiries {
            out.push(Enquiry { start: q.start, not_required: q.icpc_not_required.then_some(true), icpc: None });
        }
    }
    out.sort_by_key(|e| (e.start, e.icpc));
    out
}

fn twelve_months_before(d: NaiveDate) -> NaiveDate {
    d.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN)
}

/// The rows of one child in each list.
///
/// - List 5: one row per section 47 enquiry that started (its strategy discussion) in the
///   period. "Deemed unnecessary" is "a) Yes" for an enquiry that ended with no conference
///   needed, "b) No" for one that went to conference, blank while no decision is made. The
///   plan answer is given once the conference is held: "a) Yes" when a child protection plan
///   of the child starts that day. The two counts are the child's other enquiries started,
///   and initial conferences held, in the 12 months before the enquiry's start.
/// - List 6: one row per episode (referral to closure) open at some point in the period,
///   except referrals with no further action. The case status is the state at the period's
///   end (or at closure): child protection plan, child in need plan, open assessment, open
///   episode, closed episode.
/// - List 7: one row per child protection plan open at some point in the period: the latest
///   review conference held while it ran (to the period's end), its end date when it ended by
///   the period's end, and its key worker.
pub fn child_rows(input: &ChildInput<'_>, period: Period, out: &mut Lists) {
    let child = input.child;
    let held = |kinds: &[ConferenceKind]| -> Vec<NaiveDate> {
        let mut v: Vec<NaiveDate> = input
            .conferences
            .iter()
            .filter(|c| kinds.contains(&c.kind))
            .filter_map(|c| c.held_on)
            .filter(|d| *d <= period.to)
            .collect();
        v.sort();
        v
    };
    let initials = held(&[ConferenceKind::Initial, ConferenceKind::PreBirth]);
    let reviews = held(&[ConferenceKind::Review]);
    let cp_plans: Vec<&KeyedPlan> = {
        let mut v: Vec<&KeyedPlan> =
            input.plans.iter().filter(|p| p.plan.child_protection && p.plan.start <= period.to).collect();
        v.sort_by_key(|p| p.plan.start);
        v
    };

    // List 5.
    let all = enquiries(input, period);
    for e in all.iter().filter(|e| period.contains(e.start)) {
        let since = twelve_months_before(e.start);
        let earlier = all.iter().filter(|o| o.start >= since && o.start < e.start).count();
        let icpcs = initials.iter().filter(|d| **d >= since && **d < e.start).count();
        let mut row = common(child, period);
        row.push(Cell::Date(e.start));
        row.push(match e.not_required {
            Some(b) => yes_no(b),
            None => Cell::Blank,
        });
        row.push(Cell::date(e.icpc));
        row.push(match e.icpc {
            Some(d) => yes_no(cp_plans.iter().any(|p| p.plan.start == d)),
            None => Cell::Blank,
        });
        row.push(Cell::Number(i64::try_from(earlier).unwrap_or(i64::MAX)));
        row.push(Cell::Number(i64::try_from(icpcs).unwrap_or(i64::MAX)));
        row.push(Cell::text(input.allocated.team.clone()));
        row.push(Cell::text(input.allocated.worker.clone()));
        out.list5.push(row);
    }

    // List 6.
    let mut episodes: Vec<&RecordedEpisode> =
        input.episodes.iter().filter(|e| !e.nfa && period.overlaps(e.referral_date, e.closure_date)).collect();
    episodes.sort_by_key(|e| e.referral_date);
    for e in episodes {
        let closed = e.closure_date.filter(|c| *c <= period.to);
        let at = closed.unwrap_or(period.to);
        let running = |start: NaiveDate, end: Option<NaiveDate>| start <= at && end.is_none_or(|x| x >= at);
        let status = if input.plans.iter().any(|p| p.plan.child_protection && running(p.plan.start, p.plan.end)) {
            "Child protection plan"
        } else if input.plans.iter().any(|p| !p.plan.child_protection && running(p.plan.start, p.plan.end)) {
            "Child in need plan"
        } else if closed.is_some() {
            "Closed episode"
        } else if e.assessments.iter().any(|a| a.start <= at && a.authorised.is_none_or(|x| x > at)) {
            "Open assessment"
        } else {
            "Open episode"
        };
        let mut row = common(child, period);
        row.push(Cell::text(status));
        row.push(Cell::Date(e.referral_date));
        row.push(e.primary_need.clone().map(Cell::Text).unwrap_or(Cell::Blank));
        row.push(Cell::Blank);
        row.push(Cell::date(closed));
        row.push(if closed.is_some() {
            e.closure_reason.clone().map(Cell::Text).unwrap_or(Cell::Blank)
        } else {
            Cell::Blank
        });
        row.push(Cell::text(input.allocated.team.clone()));
        row.push(Cell::text(input.allocated.worker.clone()));
        out.list6.push(row);
    }

    // List 7.
    for p in cp_plans.iter().filter(|p| period.overlaps(p.plan.start, p.plan.end)) {
        let end = p.plan.end.filter(|e| *e <= period.to);
        let last_review = reviews.iter().copied().filter(|r| *r > p.plan.start && end.is_none_or(|e| *r <= e)).max();
        let mut row = common(child, period);
        row.push(Cell::Date(p.plan.start));
        row.push(category(p.plan.initial_category.as_deref()));
        row.push(category(p.plan.latest_category.as_deref()));
        row.push(Cell::Blank);
        row.push(Cell::Blank);
        row.push(Cell::date(last_review));
        row.push(Cell::date(end));
        row.push(Cell::Blank);
        row.push(Cell::Number(p.plan.previous_plans));
        row.push(Cell::text(p.key_worker.team.clone()));
        row.push(Cell::text(p.key_worker.worker.clone()));
        out.list7.push(row);
    }
}

/// The three lists for the period, children in the order given (the store gives them by LA
/// child ID, so the same data and period give the same rows).
pub fn lists<'a>(children: impl IntoIterator<Item = ChildInput<'a>>, period: Period) -> Lists {
    let mut out = Lists::default();
    for c in children {
        child_rows(&c, period, &mut out);
    }
    out
}

#[cfg(test)]
mod tests;
