//! The Children in Need census file (`RETURNS.md`): the XML the DfE's COLLECT takes, with the
//! elements in the order of the specification's tree, and a CSV of the same return (one row
//! per `CINdetails`) for people to check it in a spreadsheet.
//!
//! Written by hand with careful escaping (no XML crate was in the lock file; this needs only
//! elements and text): `crates/docs/tests/census_xml.rs` parses the output back.
//!
//! Reproducible: the bytes depend only on the return and on [`Source`]. The header's
//! `DateTime` is taken as an argument: `confer_ops::census` gives the collection's reference
//! date at midnight (`YYYY-03-31T00:00:00`), so the same data and year give the same bytes
//! whenever the file is made.

use chrono::{NaiveDate, NaiveDateTime};
use confer_domain::census::{CensusReturn, CpPlan, Episode};

/// What the header says about the file's maker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub software_code: String,
    pub release: String,
    pub serial_no: u32,
    pub date_time: NaiveDateTime,
}

/// Escapes text for an element's content (and attributes): `&`, `<`, `>`, `"` and `'`.
/// Characters XML 1.0 cannot hold (controls other than tab, newline and return) are dropped.
pub fn escape(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

struct W {
    out: String,
    depth: usize,
}

impl W {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }
    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape(text, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
    fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }
    fn date(&mut self, name: &str, d: Option<NaiveDate>) {
        if let Some(d) = d {
            self.leaf(name, &d.format("%Y-%m-%d").to_string());
        }
    }
    fn flag(&mut self, name: &str, b: bool) {
        self.leaf(name, if b { "true" } else { "false" });
    }
}

/// The return as the XML file's bytes (UTF-8).
pub fn xml(r: &CensusReturn, source: &Source) -> Vec<u8> {
    let mut w = W { out: String::with_capacity(1024 + r.children.len() * 1200), depth: 0 };
    w.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open("Message");
    w.open("Header");
    w.open("CollectionDetails");
    w.leaf("Collection", "CIN");
    w.leaf("Year", &r.header.year.to_string());
    w.date("ReferenceDate", Some(r.header.reference_date));
    w.close("CollectionDetails");
    w.open("Source");
    w.leaf("SourceLevel", "L");
    w.leaf("LEA", &r.header.lea);
    w.leaf("SoftwareCode", &source.software_code);
    w.leaf("Release", &source.release);
    w.leaf("SerialNo", &source.serial_no.to_string());
    w.leaf("DateTime", &source.date_time.format("%Y-%m-%dT%H:%M:%S").to_string());
    w.close("Source");
    w.open("Content");
    w.open("CBDSLevels");
    w.leaf("CBDSLevel", "Child");
    w.close("CBDSLevels");
    w.close("Content");
    w.close("Header");
    w.open("Children");
    for c in &r.children {
        w.open("Child");
        w.open("ChildIdentifiers");
        w.leaf("LAchildID", &c.la_child_id);
        match (&c.upn, &c.upn_unknown) {
            (Some(u), _) => w.leaf("UPN", u),
            (None, Some(u)) => w.leaf("UPNunknown", u),
            (None, None) => {}
        }
        w.date("PersonBirthDate", c.birth_date);
        w.date("ExpectedPersonBirthDate", c.expected_birth_date);
        w.leaf("Sex", &c.sex);
        w.date("PersonDeathDate", c.death_date);
        w.close("ChildIdentifiers");
        w.open("ChildCharacteristics");
        w.leaf("Ethnicity", &c.ethnicity);
        w.open("Disabilities");
        for d in &c.disabilities {
            w.leaf("Disability", d);
        }
        w.close("Disabilities");
        w.close("ChildCharacteristics");
        for e in &c.episodes {
            episode(&mut w, e);
        }
        w.close("Child");
    }
    w.close("Children");
    w.close("Message");
    w.out.into_bytes()
}

fn episode(w: &mut W, e: &Episode) {
    w.open("CINdetails");
    w.date("CINreferralDate", Some(e.referral_date));
    w.leaf("ReferralSource", &e.referral_source);
    w.opt("PrimaryNeedCode", e.primary_need.as_deref());
    w.date("CINclosureDate", e.closure_date);
    w.opt("ReasonForClosure", e.closure_reason.as_deref());
    w.date("DateOfInitialCPC", e.icpc);
    for a in &e.assessments {
        w.open("Assessments");
        w.date("AssessmentActualStartDate", Some(a.start));
        w.date("AssessmentAuthorisationDate", a.authorised);
        if !a.factors.is_empty() {
            w.open("FactorsIdentifiedAtAssessment");
            for f in &a.factors {
                w.leaf("AssessmentFactors", f);
            }
            w.close("FactorsIdentifiedAtAssessment");
        }
        w.close("Assessments");
    }
    for p in &e.cin_plans {
        w.open("CINPlanDates");
        w.date("CINPlanStartDate", Some(p.start));
        w.date("CINPlanEndDate", p.end);
        w.close("CINPlanDates");
    }
    for s in &e.section47s {
        w.open("Section47");
        w.date("S47ActualStartDate", s.start);
        w.date("InitialCPCtarget", s.icpc_target);
        w.date("DateOfInitialCPC", s.icpc);
        w.flag("ICPCnotRequired", s.icpc_not_required);
        w.close("Section47");
    }
    w.flag("ReferralNFA", e.nfa);
    for p in &e.cp_plans {
        plan(w, p);
    }
    w.close("CINdetails");
}

fn plan(w: &mut W, p: &CpPlan) {
    w.open("ChildProtectionPlans");
    w.date("CPPstartDate", p.start);
    w.date("CPPendDate", p.end);
    w.opt("InitialCategoryOfAbuse", p.initial_category.as_deref());
    w.opt("LatestCategoryOfAbuse", p.latest_category.as_deref());
    if let Some(n) = p.previous_plans {
        w.leaf("NumberOfPreviousCPP", &n.to_string());
    }
    if let Some(reviews) = &p.reviews {
        w.open("Reviews");
        for r in reviews {
            w.date("CPPreviewDate", Some(*r));
        }
        w.close("Reviews");
    }
    w.close("ChildProtectionPlans");
}

/// The CSV's columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "LAchildID",
    "UPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "Sex",
    "PersonDeathDate",
    "Ethnicity",
    "Disabilities",
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "ReferralNFA",
    "AssessmentActualStartDate",
    "AssessmentAuthorisationDate",
    "AssessmentFactors",
    "CINPlanStartDate",
    "CINPlanEndDate",
    "S47ActualStartDate",
    "InitialCPCtarget",
    "S47DateOfInitialCPC",
    "ICPCnotRequired",
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "CPPreviewDate",
];

/// One CSV field: quoted when it holds a comma, quote or line break; a value a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-` or `@`) is prefixed with `'`.
pub fn csv_field(value: &str, out: &mut String) {
    let guarded = matches!(value.chars().next(), Some('=' | '+' | '-' | '@'));
    let value = if guarded { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

/// Writes one CSV row (CRLF line ends, as RFC 4180).
pub fn csv_row(fields: &[String], out: &mut String) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f, out);
    }
    out.push_str("\r\n");
}

fn d(x: Option<NaiveDate>) -> String {
    x.map(|d| d.to_string()).unwrap_or_default()
}

/// Items of one episode's list, in the order of the XML, separated by "; " (an item with no
/// value is left empty, so the lists of one group stay aligned).
fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join("; ")
}

/// The return as CSV: one row per `CINdetails` (a child with none has one row of their own
/// details); lists within an episode separated by "; ", a plan's reviews by " ".
pub fn csv(r: &CensusReturn) -> Vec<u8> {
    let mut out = String::new();
    csv_row(&CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>(), &mut out);
    for c in &r.children {
        let child = vec![
            c.la_child_id.clone(),
            c.upn.clone().unwrap_or_default(),
            if c.upn.is_some() { String::new() } else { c.upn_unknown.clone().unwrap_or_default() },
            d(c.birth_date),
            d(c.expected_birth_date),
            c.sex.clone(),
            d(c.death_date),
            c.ethnicity.clone(),
            c.disabilities.join(" "),
        ];
        if c.episodes.is_empty() {
            let mut row = child.clone();
            row.resize(CSV_COLUMNS.len(), String::new());
            csv_row(&row, &mut out);
        }
        for e in &c.episodes {
            let mut row = child.clone();
            row.extend([
                e.referral_date.to_string(),
                e.referral_source.clone(),
                e.primary_need.clone().unwrap_or_default(),
                d(e.closure_date),
                e.closure_reason.clone().unwrap_or_default(),
                d(e.icpc),
                e.nfa.to_string(),
                list(&e.assessments, |a| a.start.to_string()),
                list(&e.assessments, |a| d(a.authorised)),
                list(&e.assessments, |a| a.factors.join(" ")),
                list(&e.cin_plans, |p| p.start.to_string()),
                list(&e.cin_plans, |p| d(p.end)),
                list(&e.section47s, |s| d(s.start)),
                list(&e.section47s, |s| d(s.icpc_target)),
                list(&e.section47s, |s| d(s.icpc)),
                list(&e.section47s, |s| s.icpc_not_required.to_string()),
                list(&e.cp_plans, |p| d(p.start)),
                list(&e.cp_plans, |p| d(p.end)),
                list(&e.cp_plans, |p| p.initial_category.clone().unwrap_or_default()),
                list(&e.cp_plans, |p| p.latest_category.clone().unwrap_or_default()),
                list(&e.cp_plans, |p| p.previous_plans.map(|n| n.to_string()).unwrap_or_default()),
                list(&e.cp_plans, |p| p.reviews.iter().flatten().map(|r| r.to_string()).collect::<Vec<_>>().join(" ")),
            ]);
            csv_row(&row, &mut out);
        }
    }
    out.into_bytes()
}
