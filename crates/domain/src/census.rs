//! England's Children in Need census (DfE, `RETURNS.md`): the return's model, how it is put
//! together from what confer holds, and the Department's validation rules that concern this
//! data. Pure: the store reads the facts, [`assemble`] makes each child's `Child` element,
//! [`validate`] runs the rules, and `confer_docs::census` writes the bytes.
//!
//! What is recorded for the census and what is derived:
//! - recorded (migration 0029): the child's UPN or the reason it is unknown (UN1-UN7), the death
//!   date, and each episode (referral -> closure) with its referral source, primary need, NFA
//!   flag, closure date and reason, assessments, and the section 47 enquiries that led to no
//!   conference here (ICPC not required, or still running);
//! - derived: a section 47 enquiry that led to an initial or pre-birth conference (start = the
//!   strategy discussion, target = the conference's due date from the deadline engine, ICPC =
//!   the day the conference was held); a transfer-in conference's date as the CINdetails-level
//!   ICPC (RETURNS.md flags this use as to be confirmed against the 2025-26 specification);
//!   child protection plans (start, end, first and latest category, previous plans, the review
//!   conferences held while the plan was open) and child in need plans from the plan tables.

use crate::calendar::WorkingCalendar;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Ethnicity codes and their descriptions (children's `ethnicity` holds either).
pub const ETHNICITIES: &[(&str, &str)] = &[
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WOTH", "Any other White background"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
];

/// Disability codes and their descriptions.
pub const DISABILITIES: &[(&str, &str)] = &[
    ("NONE", "None"),
    ("MOB", "Mobility"),
    ("HAND", "Hand function"),
    ("PC", "Personal care"),
    ("INC", "Incontinence"),
    ("CON", "Consciousness"),
    ("COMM", "Communication"),
    ("LD", "Learning"),
    ("HEAR", "Hearing"),
    ("VIS", "Vision"),
    ("BEH", "Behaviour"),
    ("AUT", "Autism/Asperger syndrome"),
    ("DDA", "Other DDA"),
];

/// Referral sources.
pub const REFERRAL_SOURCES: &[(&str, &str)] = &[
    ("1A", "Individual: family member, relative or carer"),
    ("1B", "Individual: acquaintance"),
    ("1C", "Individual: self"),
    ("1D", "Individual: other"),
    ("2A", "Schools"),
    ("2B", "Education services"),
    ("3A", "Health: GP"),
    ("3B", "Health: health visitor"),
    ("3C", "Health: school nurse"),
    ("3D", "Health: other primary health services"),
    ("3E", "Health: A&E"),
    ("3F", "Health: other"),
    ("4", "Housing"),
    ("5A", "LA services: social care"),
    ("5B", "LA services: other internal department"),
    ("5C", "LA services: external, another authority"),
    ("5D", "Early help"),
    ("6", "Police"),
    ("7", "Other legal agency"),
    ("8", "Other"),
    ("9", "Anonymous"),
    ("10", "Unknown"),
];

/// Primary need codes.
pub const PRIMARY_NEEDS: &[(&str, &str)] = &[
    ("N1", "Abuse or neglect"),
    ("N2", "Child's disability"),
    ("N3", "Parental disability or illness"),
    ("N4", "Family in acute stress"),
    ("N5", "Family dysfunction"),
    ("N6", "Socially unacceptable behaviour"),
    ("N7", "Low income"),
    ("N8", "Absent parenting"),
    ("N9", "Cases other than children in need"),
    ("N0", "Not stated"),
];

/// Reasons for closure.
pub const CLOSURE_REASONS: &[(&str, &str)] = &[
    ("RC1", "Adopted"),
    ("RC2", "Died"),
    ("RC3", "Child arrangements order"),
    ("RC4", "Special guardianship order"),
    ("RC5", "Transferred to services of another local authority"),
    ("RC6", "Transferred to adult social services"),
    ("RC7", "Services ceased for any other reason"),
    ("RC8", "Case closed after assessment, no further action"),
    ("RC9", "Case closed after assessment, referred to early help"),
];

/// Why a child has no UPN.
pub const UPN_UNKNOWN: &[(&str, &str)] = &[
    ("UN1", "Child is now adopted"),
    ("UN2", "Child has never attended a school or nursery"),
    ("UN3", "Child is educated outside England"),
    ("UN4", "Child is newly arrived and has not yet been given a UPN"),
    ("UN5", "Sources collating UPNs reflect discrepancy"),
    ("UN6", "Child is aged under 6 (pre-school)"),
    ("UN7", "Referral with no further action"),
];

/// Categories of abuse.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("NEG", "Neglect"),
    ("PHY", "Physical abuse"),
    ("SAB", "Sexual abuse"),
    ("EMO", "Emotional abuse"),
    ("MUL", "Multiple/not recommended"),
];

/// Factors identified at assessment (code 21 is "no factors identified").
pub const ASSESSMENT_FACTORS: &[&str] = &[
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C", "7A",
    "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19B",
    "19C", "20", "21", "22A", "23A", "24A",
];

/// Whether `code` is in the code list.
pub fn is_code(list: &[(&str, &str)], code: &str) -> bool {
    list.iter().any(|(c, _)| *c == code)
}

/// The code for a value held as a code or as its description (ethnicity, disability).
pub fn code_of(list: &[(&'static str, &'static str)], value: &str) -> Option<&'static str> {
    let v = value.trim();
    list.iter().find(|(c, d)| c.eq_ignore_ascii_case(v) || d.eq_ignore_ascii_case(v)).map(|(c, _)| *c)
}

/// The census category code of a plan category.
pub fn category_code(c: crate::conference::PlanCategory) -> &'static str {
    use crate::conference::PlanCategory::*;
    match c {
        Neglect => "NEG",
        Physical => "PHY",
        Sexual => "SAB",
        Emotional => "EMO",
        Multiple => "MUL",
    }
}

/// A Unique Pupil Number: a letter and twelve characters, the first eleven digits and the last
/// a digit or a letter (the DfE's form; its check letter is not recomputed here).
pub fn is_upn(upn: &str) -> bool {
    let b = upn.as_bytes();
    b.len() == 13
        && b[0].is_ascii_uppercase()
        && b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

/// The collection year ending 31 March `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensusYear {
    pub year: i32,
}

impl CensusYear {
    pub fn new(year: i32) -> Option<CensusYear> {
        (2000..=2100).contains(&year).then_some(CensusYear { year })
    }
    /// 1 April of the year before.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year - 1, 4, 1).unwrap_or(NaiveDate::MIN)
    }
    /// 31 March of `year`: the ReferenceDate.
    pub fn reference_date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 3, 31).unwrap_or(NaiveDate::MAX)
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.reference_date()
    }
}

/// The header's collection details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub year: i32,
    pub reference_date: NaiveDate,
    /// The three-digit LA number.
    pub lea: String,
}

/// One assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub start: NaiveDate,
    #[serde(default)]
    pub authorised: Option<NaiveDate>,
    #[serde(default)]
    pub factors: Vec<String>,
}

/// One child in need plan's dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CinPlanDates {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// One section 47 enquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section47 {
    /// The strategy discussion that began it.
    pub start: Option<NaiveDate>,
    /// The target ICPC date (15 working days on).
    pub icpc_target: Option<NaiveDate>,
    /// The initial conference, once held.
    pub icpc: Option<NaiveDate>,
    pub icpc_not_required: bool,
}

/// One child protection plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpPlan {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub initial_category: Option<String>,
    pub latest_category: Option<String>,
    pub previous_plans: Option<i64>,
    /// The review conferences' dates; `None` writes no Reviews group.
    pub reviews: Option<Vec<NaiveDate>>,
}

/// One episode (referral -> closure): a `CINdetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub referral_date: NaiveDate,
    pub referral_source: String,
    pub primary_need: Option<String>,
    pub closure_date: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    pub nfa: bool,
    /// An ICPC with no section 47 enquiry in the episode (a transfer-in conference).
    pub icpc: Option<NaiveDate>,
    pub assessments: Vec<Assessment>,
    pub cin_plans: Vec<CinPlanDates>,
    pub section47s: Vec<Section47>,
    pub cp_plans: Vec<CpPlan>,
}

/// One `Child` of the return, with where it is fixed in confer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensusChild {
    pub child_id: String,
    pub family_id: String,
    pub la_child_id: String,
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub expected_birth_date: Option<NaiveDate>,
    /// M, F or U.
    pub sex: String,
    pub death_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub disabilities: Vec<String>,
    pub episodes: Vec<Episode>,
}

/// The whole return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensusReturn {
    pub header: Header,
    pub children: Vec<CensusChild>,
}

/// An episode as recorded in confer (what the census form keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEpisode {
    pub referral_date: NaiveDate,
    pub referral_source: String,
    pub primary_need: Option<String>,
    pub nfa: bool,
    pub closure_date: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    pub assessments: Vec<Assessment>,
    /// Enquiries that led to no conference here: start and whether a conference was found not to be needed.
    pub enquiries: Vec<RecordedEnquiry>,
}

/// A section 47 enquiry recorded for the census (one with no conference here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEnquiry {
    pub start: NaiveDate,
    pub icpc_not_required: bool,
}

/// The child's own facts, from the child's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFacts {
    pub child_id: String,
    pub family_id: String,
    pub la_child_id: String,
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub expected_birth_date: Option<NaiveDate>,
    pub gender: crate::Gender,
    pub death_date: Option<NaiveDate>,
    /// Ethnicity, as a code or its description.
    pub ethnicity: String,
    /// Disabilities, as codes or descriptions, separated by commas.
    pub disability: String,
}

/// A conference about the child, as far as the census needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceFacts {
    pub kind: crate::conference::ConferenceKind,
    /// Held (in progress or closed) on this day; `None` when not yet held.
    pub held_on: Option<NaiveDate>,
    pub due_by: NaiveDate,
    pub strategy_discussion_on: Option<NaiveDate>,
    /// The enquiry was a section 47 enquiry.
    pub section47: bool,
}

/// A plan of the child, as far as the census needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    pub child_protection: bool,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub initial_category: Option<String>,
    pub latest_category: Option<String>,
    pub previous_plans: i64,
}

/// The child's `Child` element, or `None` when the child is not in scope for the year: no
/// episode overlaps it and no plan or conference of the year needs one (such a child is
/// included with no `CINdetails`, so rule 8590 says what is missing).
///
/// Each conference and plan goes into the episode open on its date (the latest episode
/// referred on or before it); one before every episode goes into the first, where rules 2889,
/// 1104 and 1105 report it. Cancelled conferences are not given.
pub fn assemble(
    year: CensusYear,
    child: &ChildFacts,
    recorded: &[RecordedEpisode],
    conferences: &[ConferenceFacts],
    plans: &[PlanFacts],
    calendar: &dyn WorkingCalendar,
) -> Option<CensusChild> {
    let (start, reference) = (year.start(), year.reference_date());
    let mut recorded: Vec<&RecordedEpisode> = recorded.iter().collect();
    recorded.sort_by_key(|e| e.referral_date);
    // Episodes closed before the year, or referred after it, are left out.
    let in_year = |e: &&RecordedEpisode| e.referral_date <= reference && e.closure_date.is_none_or(|c| c >= start);
    let all = recorded.clone();
    let kept: Vec<&RecordedEpisode> = recorded.into_iter().filter(in_year).collect();
    let activity_in_year = conferences.iter().any(|c| c.held_on.is_some_and(|d| year.contains(d)))
        || plans.iter().any(|p| p.start <= reference && p.end.is_none_or(|e| e >= start));
    if kept.is_empty() && !activity_in_year {
        return None;
    }
    let mut episodes: Vec<Episode> = kept
        .iter()
        .map(|e| Episode {
            referral_date: e.referral_date,
            referral_source: e.referral_source.clone(),
            primary_need: e.primary_need.clone(),
            closure_date: e.closure_date,
            closure_reason: e.closure_reason.clone(),
            nfa: e.nfa,
            icpc: None,
            assessments: e.assessments.clone(),
            cin_plans: Vec::new(),
            section47s: e
                .enquiries
                .iter()
                .map(|q| Section47 {
                    start: Some(q.start),
                    icpc_target: Some(calendar.add_working_days(q.start, 15)),
                    icpc: None,
                    icpc_not_required: q.icpc_not_required,
                })
                .collect(),
            cp_plans: Vec::new(),
        })
        .collect();
    // The episode a date belongs to: the latest kept one referred on or before it, else the first.
    // A date that falls in an episode that was left out (closed before the year) is dropped.
    let belongs = |d: NaiveDate| -> Option<Option<usize>> {
        let owner = all.iter().rev().find(|e| e.referral_date <= d);
        if let Some(o) = owner {
            if !kept.iter().any(|k| std::ptr::eq(*k, *o)) {
                return None;
            }
        }
        if kept.is_empty() {
            return Some(None);
        }
        Some(Some(kept.iter().rposition(|e| e.referral_date <= d).unwrap_or(0)))
    };
    let mut reviews: Vec<NaiveDate> = Vec::new();
    for c in conferences {
        use crate::conference::ConferenceKind::*;
        match c.kind {
            Initial | PreBirth => {
                let Some(anchor) = c.strategy_discussion_on.or(c.held_on) else { continue };
                let Some(Some(i)) = belongs(anchor) else { continue };
                // An enquiry that ended in a conference before the year began is not part of
                // this year's return (rule 8715 asks for ICPC dates in the year).
                if c.held_on.is_some_and(|d| d < start) {
                    continue;
                }
                if c.section47 {
                    episodes[i].section47s.push(Section47 {
                        start: c.strategy_discussion_on,
                        icpc_target: Some(c.due_by),
                        icpc: c.held_on.filter(|d| *d <= reference),
                        icpc_not_required: false,
                    });
                } else if let Some(d) = c.held_on.filter(|d| *d <= reference) {
                    episodes[i].icpc = Some(d);
                }
            }
            TransferIn => {
                if let Some(d) = c.held_on.filter(|d| *d <= reference) {
                    if let Some(Some(i)) = belongs(d) {
                        episodes[i].icpc = Some(d);
                    }
                }
            }
            Review => reviews.extend(c.held_on.filter(|d| *d <= reference)),
        }
    }
    reviews.sort();
    for p in plans {
        // A plan that started after the reference date, or ended before the year began, is
        // not in this year's return (rule 8930 asks for end dates in the year).
        if p.start > reference || p.end.is_some_and(|e| e < start) {
            continue;
        }
        let Some(Some(i)) = belongs(p.start) else { continue };
        let end = p.end.filter(|e| *e <= reference);
        if p.child_protection {
            let held: Vec<NaiveDate> =
                reviews.iter().copied().filter(|r| *r > p.start && end.is_none_or(|e| *r <= e)).collect();
            episodes[i].cp_plans.push(CpPlan {
                start: Some(p.start),
                end,
                initial_category: p.initial_category.clone(),
                latest_category: p.latest_category.clone(),
                previous_plans: Some(p.previous_plans),
                reviews: (!held.is_empty()).then_some(held),
            });
        } else {
            episodes[i].cin_plans.push(CinPlanDates { start: p.start, end });
        }
    }
    for e in &mut episodes {
        e.section47s.sort_by_key(|s| s.start);
        e.cp_plans.sort_by_key(|p| p.start);
        e.cin_plans.sort_by_key(|p| p.start);
    }
    let disabilities: Vec<String> = child
        .disability
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| code_of(DISABILITIES, d).map(str::to_owned).unwrap_or_else(|| d.to_owned()))
        .collect();
    let unborn = child.birth_date.is_none() && child.expected_birth_date.is_some();
    let sex = match child.gender {
        _ if unborn => "U",
        crate::Gender::Male => "M",
        crate::Gender::Female => "F",
        _ => "U",
    };
    Some(CensusChild {
        child_id: child.child_id.clone(),
        family_id: child.family_id.clone(),
        la_child_id: child.la_child_id.clone(),
        upn: child.upn.clone(),
        upn_unknown: if child.upn.is_some() { None } else { child.upn_unknown.clone() },
        birth_date: child.birth_date,
        expected_birth_date: child.expected_birth_date,
        sex: sex.to_owned(),
        death_date: child.death_date,
        ethnicity: code_of(ETHNICITIES, &child.ethnicity).map(str::to_owned).unwrap_or_else(|| child.ethnicity.clone()),
        disabilities: if disabilities.is_empty() { vec!["NONE".to_owned()] } else { disabilities },
        episodes,
    })
}

/// An error must be fixed before the return is sent; a query must be fixed or explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Query,
}

/// One failure of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The DfE rule number ("8615", "8675Q").
    pub rule: &'static str,
    pub severity: Severity,
    /// The child (empty for a rule of the whole return).
    pub la_child_id: String,
    pub child_id: String,
    pub family_id: String,
    /// The element at fault.
    pub field: &'static str,
    pub message: String,
}

impl Finding {
    /// The page where it is fixed: the child's census details, or the returns page for the
    /// header and whole-return rules.
    pub fn link(&self) -> String {
        if self.child_id.is_empty() {
            "/returns/census".to_owned()
        } else {
            format!("/families/{}/children/{}/census", self.family_id, self.child_id)
        }
    }
}

struct Out<'a> {
    findings: Vec<Finding>,
    child: Option<&'a CensusChild>,
}

impl Out<'_> {
    fn push(&mut self, rule: &'static str, field: &'static str, message: String) {
        let severity = if rule.ends_with('Q') { Severity::Query } else { Severity::Error };
        let (la, id, fam) = match self.child {
            Some(c) => (c.la_child_id.clone(), c.child_id.clone(), c.family_id.clone()),
            None => Default::default(),
        };
        self.findings.push(Finding { rule, severity, la_child_id: la, child_id: id, family_id: fam, field, message });
    }
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Runs every rule on the return. Weekend checks use the dates alone; the 15 working days of
/// 8675Q use the authority's calendar.
pub fn validate(r: &CensusReturn, calendar: &dyn WorkingCalendar) -> Vec<Finding> {
    let mut out = Out { findings: Vec::new(), child: None };
    let Some(year) = CensusYear::new(r.header.year) else {
        out.push("100", "Year", format!("The collection year {} is not a year confer can return.", r.header.year));
        return out.findings;
    };
    let reference = year.reference_date();
    // 100: the ReferenceDate is 31 March of the Year.
    if r.header.reference_date != reference {
        out.push(
            "100",
            "ReferenceDate",
            format!("The reference date must be {reference} (31 March of {}).", r.header.year),
        );
    }
    // 2883: plans started in the year must not outnumber the ICPCs held in it.
    let mut plans_started = 0usize;
    let mut icpcs_held = 0usize;
    let mut seen = std::collections::HashMap::new();
    for c in &r.children {
        *seen.entry(c.la_child_id.as_str()).or_insert(0usize) += 1;
        for e in &c.episodes {
            plans_started += e.cp_plans.iter().filter(|p| p.start.is_some_and(|s| year.contains(s))).count();
            icpcs_held += e.icpc.iter().filter(|d| year.contains(**d)).count()
                + e.section47s.iter().filter(|s| s.icpc.is_some_and(|d| year.contains(d))).count();
        }
    }
    if plans_started > icpcs_held {
        out.push(
            "2883",
            "CPPstartDate",
            format!(
                "{plans_started} child protection plans started in the year but only {icpcs_held} initial conferences were held in it: record the missing conferences or correct the plans' start dates."
            ),
        );
    }
    for c in &r.children {
        out.child = Some(c);
        child_rules(&mut out, c, year, calendar, seen.get(c.la_child_id.as_str()).copied().unwrap_or(0));
    }
    out.findings
}

fn child_rules(out: &mut Out, c: &CensusChild, year: CensusYear, calendar: &dyn WorkingCalendar, same_id: usize) {
    let reference = year.reference_date();
    // 8510: LAchildID unique in the return; 1570/1580: present, at most 20 letters or digits.
    if same_id > 1 {
        out.push(
            "8510",
            "LAchildID",
            format!("{same_id} children have the LA child ID {}: each child needs their own.", c.la_child_id),
        );
    }
    if c.la_child_id.is_empty()
        || c.la_child_id.len() > 20
        || !c.la_child_id.chars().all(|ch| ch.is_ascii_alphanumeric())
    {
        out.push(
            "1580",
            "LAchildID",
            format!(
                "The LA child ID \"{}\" must be 1 to 20 letters or digits, with no spaces or other characters.",
                c.la_child_id
            ),
        );
    }
    // 4180 / 8750: Sex M, F or U, and U when unborn.
    if !matches!(c.sex.as_str(), "M" | "F" | "U") {
        out.push("4180", "Sex", format!("Sex must be M, F or U, not \"{}\".", c.sex));
    } else if c.birth_date.is_none() && c.expected_birth_date.is_some() && c.sex != "U" {
        out.push("8750", "Sex", "An unborn child's sex must be U (not known).".to_owned());
    }
    // 8525Q: a birth date or an expected one, not both.
    if c.birth_date.is_some() && c.expected_birth_date.is_some() {
        out.push(
            "8525Q",
            "PersonBirthDate",
            "The child has both a date of birth and an expected date of birth: keep one.".to_owned(),
        );
    }
    // 8590: each child has a CINdetails.
    if c.episodes.is_empty() {
        out.push(
            "8590",
            "CINdetails",
            "The child has a plan or conference in the year but no episode (referral): record the referral.".to_owned(),
        );
    }
    // Plans across the child's episodes: 8935, 8940, 4001/4016/4017.
    let cps: Vec<&CpPlan> = c.episodes.iter().flat_map(|e| &e.cp_plans).collect();
    let cins: Vec<&CinPlanDates> = c.episodes.iter().flat_map(|e| &e.cin_plans).collect();
    if cps.iter().filter(|p| p.end.is_none()).count() > 1 {
        out.push(
            "8935",
            "CPPendDate",
            "The child has more than one open child protection plan: end the earlier one.".to_owned(),
        );
    }
    let far = NaiveDate::MAX;
    for (i, a) in cps.iter().enumerate() {
        for b in cps.iter().skip(i + 1) {
            if let (Some(sa), Some(sb)) = (a.start, b.start) {
                if sa < b.end.unwrap_or(far) && sb < a.end.unwrap_or(far) {
                    out.push(
                        "8940",
                        "CPPstartDate",
                        format!("The child protection plans starting {sa} and {sb} overlap: one must end before the other starts."),
                    );
                }
            }
        }
    }
    for p in &cps {
        let Some(ps) = p.start else { continue };
        for q in &cins {
            if q.start < p.end.unwrap_or(far) && ps < q.end.unwrap_or(far) {
                let rule = if p.end.is_none() && q.end.is_none() {
                    "4017"
                } else if q.start >= ps {
                    "4001"
                } else {
                    "4016"
                };
                out.push(
                    rule,
                    "CINPlanStartDate",
                    format!(
                        "The child in need plan starting {} runs at the same time as the child protection plan starting {ps}: a child in need plan may start only on or after the day the child protection plan ends.",
                        q.start
                    ),
                );
            }
        }
        // 4003: a review must not fall inside an open CIN plan unless on the CP plan's end date.
        for r in p.reviews.iter().flatten() {
            if Some(*r) == p.end {
                continue;
            }
            if cins.iter().any(|q| q.start <= *r && q.end.is_none_or(|e| *r <= e)) {
                out.push(
                    "4003",
                    "CPPreviewDate",
                    format!("The review on {r} falls while a child in need plan is open."),
                );
            }
        }
    }
    for e in &c.episodes {
        episode_rules(out, c, e, year, calendar, reference);
    }
}

fn episode_rules(
    out: &mut Out,
    c: &CensusChild,
    e: &Episode,
    year: CensusYear,
    calendar: &dyn WorkingCalendar,
    reference: NaiveDate,
) {
    let referral = e.referral_date;
    let ep = format!("In the episode referred on {referral}, ");
    for s in &e.section47s {
        // 8615: an S47 with an ICPC date needs a start on or before it.
        if let Some(icpc) = s.icpc {
            if s.start.is_none_or(|st| st > icpc) {
                out.push("8615", "S47ActualStartDate", format!("{ep}the enquiry with a conference on {icpc} needs its strategy discussion date, on or before the conference."));
            }
            // 1104: the ICPC is not before the referral.
            if icpc < referral {
                out.push("1104", "DateOfInitialCPC", format!("{ep}the conference on {icpc} is before the referral."));
            }
            // 8715: an S47 ICPC date must be in the census year.
            if !year.contains(icpc) {
                out.push(
                    "8715",
                    "DateOfInitialCPC",
                    format!("{ep}the conference on {icpc} is outside the census year."),
                );
            }
            // 8875: not on a Saturday or Sunday.
            if weekend(icpc) {
                out.push(
                    "8875",
                    "DateOfInitialCPC",
                    format!("{ep}the conference date {icpc} is a Saturday or Sunday."),
                );
            }
        }
        if let Some(st) = s.start {
            // 2889: the S47 start is not before the referral.
            if st < referral {
                out.push(
                    "2889",
                    "S47ActualStartDate",
                    format!("{ep}the enquiry starting {st} began before the referral."),
                );
            }
            if s.icpc.is_none() && !s.icpc_not_required {
                // 8740: an open S47 must have started in the census year.
                if !year.contains(st) {
                    out.push("8740", "S47ActualStartDate", format!("{ep}the enquiry starting {st} has no conference and is not marked as not needing one, and did not start in the census year."));
                } else if calendar.add_working_days(st, 15) < reference {
                    // 8675Q: started more than 15 working days before 31 March.
                    out.push("8675Q", "S47ActualStartDate", format!("{ep}the enquiry starting {st} has no conference more than 15 working days later: record the conference, or that none was needed."));
                }
            }
        }
        // 8870Q: the target date is not a Saturday or Sunday.
        if let Some(t) = s.icpc_target {
            if weekend(t) {
                out.push(
                    "8870Q",
                    "InitialCPCtarget",
                    format!("{ep}the target conference date {t} is a Saturday or Sunday."),
                );
            }
        }
        // 8868: a closed episode's S47s have an ICPC date or ICPCnotRequired, not both.
        if e.closure_date.is_some() && (s.icpc.is_some() == s.icpc_not_required) {
            out.push("8868", "ICPCnotRequired", format!("{ep}the episode is closed, so each enquiry needs either its conference date or \"conference not needed\", not both."));
        }
        // 2884: the same ICPC at both levels.
        if s.icpc.is_some() && s.icpc == e.icpc {
            out.push(
                "2884",
                "DateOfInitialCPC",
                format!(
                    "{ep}the conference on {} is given both for the enquiry and for the episode.",
                    e.icpc.unwrap_or(referral)
                ),
            );
        }
    }
    if let Some(d) = e.icpc {
        if weekend(d) {
            out.push("8875", "DateOfInitialCPC", format!("{ep}the conference date {d} is a Saturday or Sunday."));
        }
    }
    // 8839: at most one open S47 per episode.
    if e.section47s.iter().filter(|s| s.icpc.is_none() && !s.icpc_not_required).count() > 1 {
        out.push("8839", "S47ActualStartDate", format!("{ep}more than one enquiry is still open."));
    }
    // 8890: an S47 must not start while another is running (its start to its ICPC, or 31 March
    // if open; one found not to need a conference runs on its start day only).
    for (i, a) in e.section47s.iter().enumerate() {
        let Some(sa) = a.start else { continue };
        let ea = a.icpc.unwrap_or(if a.icpc_not_required { sa } else { reference });
        for (j, b) in e.section47s.iter().enumerate() {
            let Some(sb) = b.start else { continue };
            if i != j && sa <= sb && sb <= ea && (sa < sb || i < j) {
                out.push(
                    "8890",
                    "S47ActualStartDate",
                    format!("{ep}the enquiry starting {sb} began while the one starting {sa} was still running."),
                );
            }
        }
    }
    // 2991Q: an S47 in an episode with no assessment.
    if !e.section47s.is_empty() && e.assessments.is_empty() {
        out.push("2991Q", "Assessments", format!("{ep}there is a section 47 enquiry but no assessment."));
    }
    let icpc_dates: Vec<NaiveDate> = e.section47s.iter().filter_map(|s| s.icpc).chain(e.icpc).collect();
    for p in &e.cp_plans {
        match p.start {
            None => out.push("8720", "CPPstartDate", format!("{ep}a child protection plan has no start date.")),
            Some(s) => {
                if s > reference {
                    out.push(
                        "8720",
                        "CPPstartDate",
                        format!("{ep}the plan starting {s} starts after the reference date."),
                    );
                }
                // 1105: not before the referral.
                if s < referral {
                    out.push("1105", "CPPstartDate", format!("{ep}the plan starting {s} starts before the referral."));
                }
                // 2885: a plan starting in the year starts on an ICPC of the episode.
                if year.contains(s) && !icpc_dates.contains(&s) {
                    out.push("2885", "CPPstartDate", format!("{ep}the plan starting {s} does not start on the date of an initial conference in the episode."));
                }
                if let Some(d) = c.death_date {
                    // 8915: not after the child's death.
                    if s > d {
                        out.push(
                            "8915",
                            "CPPstartDate",
                            format!("{ep}the plan starting {s} starts after the child's death on {d}."),
                        );
                    }
                }
                if let Some(end) = p.end {
                    // 8925 / 8840.
                    if end < s {
                        out.push(
                            "8925",
                            "CPPendDate",
                            format!("{ep}the plan starting {s} ends before it starts ({end})."),
                        );
                    } else if end == s {
                        out.push("8840", "CPPendDate", format!("{ep}the plan starting {s} ends on the day it starts."));
                    }
                }
                // 8841: each review after the start, not on the same day.
                for r in p.reviews.iter().flatten() {
                    if *r <= s {
                        out.push(
                            "8841",
                            "CPPreviewDate",
                            format!("{ep}the review on {r} is not after the plan's start on {s}."),
                        );
                    }
                }
            }
        }
        if let Some(end) = p.end {
            // 8930: the end is in the census year.
            if !year.contains(end) {
                out.push("8930", "CPPendDate", format!("{ep}the plan ending {end} ends outside the census year."));
            }
            // 8920: not after the child's death.
            if let Some(d) = c.death_date {
                if end > d {
                    out.push(
                        "8920",
                        "CPPendDate",
                        format!("{ep}the plan ending {end} ends after the child's death on {d}."),
                    );
                }
            }
        }
        // 8905 / 8910: categories present and valid.
        if !p.initial_category.as_deref().is_some_and(|k| is_code(CATEGORIES, k)) {
            out.push(
                "8905",
                "InitialCategoryOfAbuse",
                format!("{ep}a plan's initial category must be NEG, PHY, SAB, EMO or MUL."),
            );
        }
        if !p.latest_category.as_deref().is_some_and(|k| is_code(CATEGORIES, k)) {
            out.push(
                "8910",
                "LatestCategoryOfAbuse",
                format!("{ep}a plan's latest category must be NEG, PHY, SAB, EMO or MUL."),
            );
        }
        // 8730: NumberOfPreviousCPP present and >= 0.
        if p.previous_plans.is_none_or(|n| n < 0) {
            out.push(
                "8730",
                "NumberOfPreviousCPP",
                format!("{ep}a plan needs the number of earlier plans, 0 or more."),
            );
        }
        // 8842Q: a Reviews group contains a date.
        if p.reviews.as_ref().is_some_and(Vec::is_empty) {
            out.push("8842Q", "CPPreviewDate", format!("{ep}a plan's reviews have no date."));
        }
    }
    // 8832 / 8831: an NFA episode has no plan, assessment, S47 or ICPC.
    if e.nfa {
        if !e.cp_plans.is_empty() {
            out.push(
                "8832",
                "ReferralNFA",
                format!("{ep}the referral is marked no further action but has a child protection plan."),
            );
        }
        if !e.assessments.is_empty() || !e.section47s.is_empty() || e.icpc.is_some() {
            out.push(
                "8831",
                "ReferralNFA",
                format!("{ep}the referral is marked no further action but has an assessment, enquiry or conference."),
            );
        }
    }
    // 2990: an RC8/RC9 episode has no S47, plan, ICPC or CIN plan.
    if matches!(e.closure_reason.as_deref(), Some("RC8" | "RC9"))
        && (!e.section47s.is_empty() || !e.cp_plans.is_empty() || e.icpc.is_some() || !e.cin_plans.is_empty())
    {
        out.push(
            "2990",
            "ReasonForClosure",
            format!("{ep}the episode was closed after assessment (RC8/RC9) but has an enquiry, conference or plan."),
        );
    }
    // 8565: the closure is on or after every activity in the episode.
    if let Some(closed) = e.closure_date {
        let mut dates: Vec<NaiveDate> = Vec::new();
        for a in &e.assessments {
            dates.push(a.start);
            dates.extend(a.authorised);
        }
        for s in &e.section47s {
            dates.extend(s.start);
            dates.extend(s.icpc);
        }
        dates.extend(e.icpc);
        for p in &e.cin_plans {
            dates.push(p.start);
            dates.extend(p.end);
        }
        for p in &e.cp_plans {
            dates.extend(p.start);
            dates.extend(p.end);
            dates.extend(p.reviews.iter().flatten().copied());
        }
        if let Some(last) = dates.into_iter().filter(|d| *d > closed).max() {
            out.push(
                "8565",
                "CINclosureDate",
                format!("{ep}the episode closed on {closed}, before something in it happened ({last})."),
            );
        }
    }
}

/// The census form of a child, exactly as typed: the identifiers, and one episode (a new one
/// when `episode_id` is empty) with one assessment and one enquiry that led to no conference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CensusForm {
    pub upn: String,
    pub upn_unknown: String,
    pub death_date: String,
    pub episode_id: String,
    pub referral_date: String,
    pub referral_source: String,
    pub primary_need: String,
    /// "yes" when the referral led to no further action.
    pub nfa: String,
    pub closure_date: String,
    pub closure_reason: String,
    pub assessment_start: String,
    pub assessment_authorised: String,
    /// Factor codes separated by spaces or commas ("2B 3B").
    pub assessment_factors: String,
    pub enquiry_start: String,
    /// "yes" when the enquiry found no conference was needed.
    pub enquiry_icpc_not_required: String,
}

/// What the form says once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCensusForm {
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub death_date: Option<NaiveDate>,
    /// The episode, when a referral date was given; its id when it changes one.
    pub episode: Option<(Option<String>, RecordedEpisode)>,
}

fn form_date(
    errors: &mut crate::validate::FormErrors,
    field: &str,
    what: &str,
    text: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y")) {
        Ok(d) if d > today => {
            errors.add(field, format!("{what} must be today or in the past"));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, format!("{what} must be a real date, for example 2026-03-27"));
            None
        }
    }
}

impl CensusForm {
    /// The form of what is stored (to edit an episode, or to add one when `episode` is `None`).
    pub fn of(
        upn: Option<&str>,
        upn_unknown: Option<&str>,
        death: Option<NaiveDate>,
        episode: Option<(&str, &RecordedEpisode)>,
    ) -> CensusForm {
        let mut f = CensusForm {
            upn: upn.unwrap_or_default().to_owned(),
            upn_unknown: upn_unknown.unwrap_or_default().to_owned(),
            death_date: death.map(|d| d.to_string()).unwrap_or_default(),
            ..CensusForm::default()
        };
        if let Some((id, e)) = episode {
            f.episode_id = id.to_owned();
            f.referral_date = e.referral_date.to_string();
            f.referral_source = e.referral_source.clone();
            f.primary_need = e.primary_need.clone().unwrap_or_default();
            f.nfa = if e.nfa { "yes".into() } else { String::new() };
            f.closure_date = e.closure_date.map(|d| d.to_string()).unwrap_or_default();
            f.closure_reason = e.closure_reason.clone().unwrap_or_default();
            if let Some(a) = e.assessments.first() {
                f.assessment_start = a.start.to_string();
                f.assessment_authorised = a.authorised.map(|d| d.to_string()).unwrap_or_default();
                f.assessment_factors = a.factors.join(" ");
            }
            if let Some(q) = e.enquiries.first() {
                f.enquiry_start = q.start.to_string();
                f.enquiry_icpc_not_required = if q.icpc_not_required { "yes".into() } else { String::new() };
            }
        }
        f
    }

    /// Checks the form: codes from the census's lists, real dates not in the future, a UPN or
    /// the reason there is none, a closure date and reason together, dates in order. Keeps the
    /// episode's second and later assessments and enquiries (`existing`) as they are: the form
    /// edits the first of each.
    pub fn check(
        &self,
        today: NaiveDate,
        existing: Option<&RecordedEpisode>,
    ) -> Result<CheckedCensusForm, crate::validate::FormErrors> {
        let mut errors = crate::validate::FormErrors::default();
        let upn = self.upn.trim().to_ascii_uppercase();
        let upn_unknown = self.upn_unknown.trim().to_ascii_uppercase();
        match (upn.is_empty(), upn_unknown.is_empty()) {
            (false, _) if !is_upn(&upn) => errors
                .add("upn", "Enter the UPN as a capital letter and 12 characters: 11 digits then a digit or a letter"),
            (false, false) => errors.add("upn_unknown", "Give the UPN or why it is not known, not both"),
            (true, true) => errors.add("upn", "Enter the child's UPN, or choose why it is not known"),
            (true, false) if !is_code(UPN_UNKNOWN, &upn_unknown) => {
                errors.add("upn_unknown", "Choose why the UPN is not known from the list")
            }
            _ => {}
        }
        let death_date = form_date(&mut errors, "death_date", "The date of death", &self.death_date, today);
        let episode_fields = [
            &self.referral_date,
            &self.referral_source,
            &self.primary_need,
            &self.closure_date,
            &self.closure_reason,
            &self.assessment_start,
            &self.assessment_authorised,
            &self.assessment_factors,
            &self.enquiry_start,
        ];
        let wants_episode = !self.episode_id.trim().is_empty() || episode_fields.iter().any(|f| !f.trim().is_empty());
        let mut episode = None;
        if wants_episode {
            let referral = form_date(&mut errors, "referral_date", "The referral date", &self.referral_date, today);
            if self.referral_date.trim().is_empty() {
                errors.add("referral_date", "Enter the date of the referral");
            }
            let source = self.referral_source.trim().to_ascii_uppercase();
            if !is_code(REFERRAL_SOURCES, &source) {
                errors.add("referral_source", "Choose where the referral came from");
            }
            let nfa = !self.nfa.trim().is_empty();
            let need = self.primary_need.trim().to_ascii_uppercase();
            let primary_need = if need.is_empty() {
                if !nfa {
                    errors.add(
                        "primary_need",
                        "Choose the child's primary need (only a referral with no further action has none)",
                    );
                }
                None
            } else if is_code(PRIMARY_NEEDS, &need) {
                Some(need)
            } else {
                errors.add("primary_need", "Choose the child's primary need from the list");
                None
            };
            let closure_date = form_date(&mut errors, "closure_date", "The closure date", &self.closure_date, today);
            let reason = self.closure_reason.trim().to_ascii_uppercase();
            let closure_reason = if reason.is_empty() { None } else { Some(reason) };
            match (&closure_date, &closure_reason) {
                (Some(_), None) => {
                    errors.add("closure_reason", "Choose why the case was closed, or remove the closure date")
                }
                (None, Some(_)) if self.closure_date.trim().is_empty() => {
                    errors.add("closure_date", "Enter the date the case was closed, or remove the reason")
                }
                (_, Some(r)) if !is_code(CLOSURE_REASONS, r) => {
                    errors.add("closure_reason", "Choose why the case was closed from the list")
                }
                _ => {}
            }
            if let (Some(r), Some(c)) = (referral, closure_date) {
                if c < r {
                    errors.add("closure_date", "The closure date must be on or after the referral date");
                }
            }
            let mut assessments: Vec<Assessment> =
                existing.map(|e| e.assessments.iter().skip(1).cloned().collect()).unwrap_or_default();
            let start = form_date(
                &mut errors,
                "assessment_start",
                "The assessment's start date",
                &self.assessment_start,
                today,
            );
            let authorised = form_date(
                &mut errors,
                "assessment_authorised",
                "The assessment's authorisation date",
                &self.assessment_authorised,
                today,
            );
            let factors: Vec<String> = self
                .assessment_factors
                .split([' ', ','])
                .map(|f| f.trim().to_ascii_uppercase())
                .filter(|f| !f.is_empty())
                .collect();
            if let Some(bad) = factors.iter().find(|f| !ASSESSMENT_FACTORS.contains(&f.as_str())) {
                errors.add(
                    "assessment_factors",
                    format!("{bad} is not a factor code: use codes such as 2B or 21 (18A and 19A are no longer used)"),
                );
            } else if factors.len() > 1 && factors.iter().any(|f| f == "21") {
                errors.add("assessment_factors", "Code 21 (no factors identified) must be used on its own");
            }
            match start {
                Some(start) => {
                    if authorised.is_some_and(|a| a < start) {
                        errors.add(
                            "assessment_authorised",
                            "The authorisation date must be on or after the assessment's start",
                        );
                    }
                    if referral.is_some_and(|r| start < r) {
                        errors.add("assessment_start", "The assessment must start on or after the referral date");
                    }
                    assessments.insert(0, Assessment { start, authorised, factors });
                }
                None if self.assessment_start.trim().is_empty() && (authorised.is_some() || !factors.is_empty()) => {
                    errors.add("assessment_start", "Enter the date the assessment started");
                }
                None => {}
            }
            let mut enquiries: Vec<RecordedEnquiry> =
                existing.map(|e| e.enquiries.iter().skip(1).cloned().collect()).unwrap_or_default();
            if let Some(start) =
                form_date(&mut errors, "enquiry_start", "The enquiry's start date", &self.enquiry_start, today)
            {
                if referral.is_some_and(|r| start < r) {
                    errors.add("enquiry_start", "The enquiry must start on or after the referral date");
                }
                enquiries.insert(
                    0,
                    RecordedEnquiry { start, icpc_not_required: !self.enquiry_icpc_not_required.trim().is_empty() },
                );
            } else if !self.enquiry_icpc_not_required.trim().is_empty() && self.enquiry_start.trim().is_empty() {
                errors.add("enquiry_start", "Enter the date of the strategy discussion that began the enquiry");
            }
            if let Some(referral_date) = referral {
                let id = self.episode_id.trim();
                episode = Some((
                    (!id.is_empty()).then(|| id.to_owned()),
                    RecordedEpisode {
                        referral_date,
                        referral_source: source,
                        primary_need,
                        nfa,
                        closure_date,
                        closure_reason,
                        assessments,
                        enquiries,
                    },
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedCensusForm {
            upn: (!upn.is_empty()).then_some(upn),
            upn_unknown: (!upn_unknown.is_empty()).then_some(upn_unknown),
            death_date,
            episode,
        })
    }
}

#[cfg(test)]
mod tests;
