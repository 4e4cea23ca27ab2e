//! The managers' dashboards (QA-02): timeliness of every measure the authority reports on
//! (ICPCs within 15 working days, reports in time, outcomes, records, first core groups,
//! reviews) with the reasons recorded for each breach, and the outcomes of child protection
//! plans (by category, their lengths, plans ending within 3 months or lasting 2 years or more,
//! repeat plans), each month of a period as a trend.
//!
//! Pure: the store reads the rows in a few set-based queries (already narrowed by the
//! filters); every figure is computed here, from those rows, and tested with known cases.

use crate::conference::{ExclusionReason, Participation, PlanCategory};
use crate::model::Gender;
use crate::timescales::{DeadlineRule, LateReason};
use crate::validate::FormErrors;
use chrono::{Datelike, Months, NaiveDate};

crate::text_enum! {
    /// A timeliness measure of the dashboard: one or more deadline rules reported together.
    pub enum Measure {
        InitialConference => "initial-conference", "Initial conferences within 15 working days";
        ReportsToParents => "reports-to-parents", "Reports shared with parents in time";
        ReportsToChair => "reports-to-chair", "Reports to the chair in time";
        OutcomeSent => "outcome-sent", "Outcome sent within 1 working day";
        RecordSent => "record-sent", "Record sent in time";
        FirstCoreGroup => "first-core-group", "First core groups in time";
        Review => "review", "Review conferences in time";
    }
}

impl Measure {
    /// The measure's name in the nation's words (issue 15): "Initial child protection planning
    /// meetings within 28 calendar days" is Scotland's first measure. England's is
    /// [`Measure::label`].
    pub fn label_in(self, words: &crate::words::Words) -> String {
        match self {
            Measure::InitialConference => {
                format!("Initial {} within {}", words.meetings_short, words.initial_within)
            }
            _ => words.reword(self.label()),
        }
    }

    /// The deadline rules this measure counts.
    pub fn rules(self) -> &'static [DeadlineRule] {
        match self {
            Measure::InitialConference => &[DeadlineRule::InitialConference],
            Measure::ReportsToParents => &[DeadlineRule::ReportsToParents],
            Measure::ReportsToChair => &[DeadlineRule::ReportsToChair],
            Measure::OutcomeSent => &[DeadlineRule::OutcomeSent],
            Measure::RecordSent => &[DeadlineRule::RecordSent],
            Measure::FirstCoreGroup => &[DeadlineRule::FirstCoreGroup],
            Measure::Review => &[DeadlineRule::FirstReview, DeadlineRule::NextReview],
        }
    }

    /// The rule of DOMAIN.md the measure reports on.
    pub fn rule_id(self) -> &'static str {
        match self {
            Measure::InitialConference => "TIME-01",
            Measure::ReportsToParents => "REP-01",
            Measure::ReportsToChair => "REP-02",
            Measure::OutcomeSent => "DEC-05",
            Measure::RecordSent => "MIN-03",
            Measure::FirstCoreGroup => "CG-02",
            Measure::Review => "REV-01",
        }
    }

    /// The measure a deadline rule counts towards, if any.
    pub fn of(rule: DeadlineRule) -> Option<Measure> {
        Measure::ALL.iter().copied().find(|m| m.rules().contains(&rule))
    }

    /// Every deadline rule some measure counts (the store reads only these).
    pub fn all_rules() -> Vec<DeadlineRule> {
        Measure::ALL.iter().flat_map(|m| m.rules().iter().copied()).collect()
    }
}

/// Deadlines as the dashboard reads them: `count` deadlines alike in rule, due date, date met
/// and reason (the store reads them grouped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineFact {
    pub rule: DeadlineRule,
    pub due: NaiveDate,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<LateReason>,
    pub count: u64,
}

crate::text_enum! {
    /// Where a deadline stands for the dashboard.
    pub enum Timeliness {
        InTime => "in-time", "In time";
        Late => "late", "Late";
        Pending => "pending", "Not yet due";
    }
}

/// QA-02: a deadline met on or before its due date was in time; met after it, or still not
/// met once the due date has passed (`today` is after it), it was late; otherwise it is not
/// yet due and counts neither way.
pub fn timeliness(due: NaiveDate, met: Option<NaiveDate>, today: NaiveDate) -> Timeliness {
    match met {
        Some(m) if m <= due => Timeliness::InTime,
        Some(_) => Timeliness::Late,
        None if due < today => Timeliness::Late,
        None => Timeliness::Pending,
    }
}

/// Why a breach happened, as the dashboard counts it: a recorded reason, or none recorded
/// yet (the deadline is still open and overdue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BreachReason {
    Recorded(LateReason),
    NotYetRecorded,
}

impl BreachReason {
    pub fn label(self) -> &'static str {
        match self {
            BreachReason::Recorded(r) => r.label(),
            BreachReason::NotYetRecorded => "Not met yet: no reason recorded",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            BreachReason::Recorded(r) => r.as_str(),
            BreachReason::NotYetRecorded => "none",
        }
    }
    pub fn parse(s: &str) -> Option<BreachReason> {
        if s == "none" {
            Some(BreachReason::NotYetRecorded)
        } else {
            LateReason::parse(s).map(BreachReason::Recorded)
        }
    }
}

/// The figures of one measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFigures {
    pub measure: Measure,
    pub in_time: u64,
    pub late: u64,
    pub pending: u64,
    /// The breaches counted by reason, most first (then in the list's order).
    pub reasons: Vec<(BreachReason, u64)>,
}

/// A whole-number percentage of `part` in `whole` (rounded half up), or `None` for nothing.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

impl MeasureFigures {
    /// In time, as a percentage of those due (in time and late).
    pub fn percent_in_time(&self) -> Option<u64> {
        percent(self.in_time, self.in_time + self.late)
    }
}

/// The reason counted for a breach (a late deadline).
pub fn breach_reason(f: &DeadlineFact) -> BreachReason {
    f.late_reason.map(BreachReason::Recorded).unwrap_or(BreachReason::NotYetRecorded)
}

/// QA-02: each measure's deadlines in time, late and not yet due, with the reasons for each
/// breach counted, from the deadlines due in the period (the store reads those).
pub fn timeliness_figures(facts: &[DeadlineFact], today: NaiveDate) -> Vec<MeasureFigures> {
    Measure::ALL
        .iter()
        .map(|&measure| {
            let mut fig = MeasureFigures { measure, in_time: 0, late: 0, pending: 0, reasons: Vec::new() };
            let mut reasons: std::collections::BTreeMap<BreachReason, u64> = Default::default();
            for f in facts.iter().filter(|f| measure.rules().contains(&f.rule)) {
                match timeliness(f.due, f.met, today) {
                    Timeliness::InTime => fig.in_time += f.count,
                    Timeliness::Pending => fig.pending += f.count,
                    Timeliness::Late => {
                        fig.late += f.count;
                        *reasons.entry(breach_reason(f)).or_default() += f.count;
                    }
                }
            }
            let mut reasons: Vec<(BreachReason, u64)> = reasons.into_iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            fig.reasons = reasons;
            fig
        })
        .collect()
}

/// Whether a deadline is behind a figure: of a measure, in a state, and (for breaches) for a
/// reason. The list behind a figure holds exactly the deadlines it counts.
pub fn is_behind(
    f: &DeadlineFact,
    measure: Measure,
    state: Timeliness,
    reason: Option<BreachReason>,
    today: NaiveDate,
) -> bool {
    measure.rules().contains(&f.rule)
        && timeliness(f.due, f.met, today) == state
        && reason.is_none_or(|r| state == Timeliness::Late && breach_reason(f) == r)
}

/// A calendar month, for trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month's first day")
    }
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }
    /// "Nov 2026".
    pub fn short(self) -> String {
        self.first_day().format("%b %Y").to_string()
    }
    /// "November 2026".
    pub fn long(self) -> String {
        self.first_day().format("%B %Y").to_string()
    }
    /// Every month from the one of `from` to the one of `to`, in order.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = Month::of(from);
        let last = Month::of(to);
        while m <= last {
            out.push(m);
            m = m.next();
        }
        out
    }
}

/// One month of a measure's trend: in time and late among the deadlines due that month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPoint {
    pub month: Month,
    pub in_time: u64,
    pub late: u64,
}

impl MonthPoint {
    pub fn percent_in_time(&self) -> Option<u64> {
        percent(self.in_time, self.in_time + self.late)
    }
}

/// QA-02 over time: for each measure, each month of the period (by due date).
pub fn timeliness_trend(
    facts: &[DeadlineFact],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Vec<(Measure, Vec<MonthPoint>)> {
    let months = Month::range(from, to);
    Measure::ALL
        .iter()
        .map(|&measure| {
            let mut points: Vec<MonthPoint> =
                months.iter().map(|&month| MonthPoint { month, in_time: 0, late: 0 }).collect();
            for f in facts.iter().filter(|f| measure.rules().contains(&f.rule)) {
                let Some(p) = points.iter_mut().find(|p| p.month == Month::of(f.due)) else { continue };
                match timeliness(f.due, f.met, today) {
                    Timeliness::InTime => p.in_time += f.count,
                    Timeliness::Late => p.late += f.count,
                    Timeliness::Pending => {}
                }
            }
            (measure, points)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Outcomes: child protection plans

/// Child protection plans as the dashboard reads them (those started in the period, and
/// those that ended in it): `count` plans alike in category, start, end and whether the
/// child had a plan before (the store reads them grouped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFact {
    pub category: Option<PlanCategory>,
    pub started: NaiveDate,
    pub ended: Option<NaiveDate>,
    /// A second or later child protection plan for the child.
    pub repeat: bool,
    pub count: u64,
}

crate::text_enum! {
    /// How long a plan lasted, in the bands the statutory returns use.
    pub enum LengthBand {
        UnderThreeMonths => "under-3-months", "Under 3 months";
        ThreeToSixMonths => "3-to-6-months", "3 months to under 6 months";
        SixToTwelveMonths => "6-to-12-months", "6 months to under 1 year";
        OneToTwoYears => "1-to-2-years", "1 year to under 2 years";
        TwoYearsOrMore => "2-years-or-more", "2 years or more";
    }
}

/// The band of a plan that started on `started` and ended on `ended`.
pub fn length_band(started: NaiveDate, ended: NaiveDate) -> LengthBand {
    let after = |m: u32| started.checked_add_months(Months::new(m)).unwrap_or(NaiveDate::MAX);
    if ended < after(3) {
        LengthBand::UnderThreeMonths
    } else if ended < after(6) {
        LengthBand::ThreeToSixMonths
    } else if ended < after(12) {
        LengthBand::SixToTwelveMonths
    } else if ended < after(24) {
        LengthBand::OneToTwoYears
    } else {
        LengthBand::TwoYearsOrMore
    }
}

crate::text_enum! {
    /// The groups of plans behind an outcome figure.
    pub enum PlanGroup {
        Started => "started", "Plans started";
        Repeat => "repeat", "Repeat plans (a second or later plan)";
        Ended => "ended", "Plans ended";
        EndedWithinThreeMonths => "ended-within-3-months", "Plans ended within 3 months";
        LastedTwoYears => "lasted-2-years", "Plans ended after 2 years or more";
    }
}

/// QA-02: the outcomes of child protection plans in a period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcomes {
    pub started: u64,
    /// Plans started, by category (those with no category recorded under `None`), in the
    /// list's order.
    pub by_category: Vec<(Option<PlanCategory>, u64)>,
    /// A second or later plan for the child.
    pub repeat: u64,
    pub ended: u64,
    pub by_length: Vec<(LengthBand, u64)>,
    pub ended_within_three_months: u64,
    pub lasted_two_years: u64,
}

impl Outcomes {
    pub fn repeat_percent(&self) -> Option<u64> {
        percent(self.repeat, self.started)
    }
    pub fn within_three_months_percent(&self) -> Option<u64> {
        percent(self.ended_within_three_months, self.ended)
    }
    pub fn two_years_percent(&self) -> Option<u64> {
        percent(self.lasted_two_years, self.ended)
    }
}

fn in_period(d: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    from <= d && d <= to
}

/// Whether a plan belongs to a group of the outcomes of the period `from`..=`to`.
pub fn plan_in_group(p: &PlanFact, group: PlanGroup, from: NaiveDate, to: NaiveDate) -> bool {
    let started = in_period(p.started, from, to);
    let ended = p.ended.filter(|&e| in_period(e, from, to));
    match group {
        PlanGroup::Started => started,
        PlanGroup::Repeat => started && p.repeat,
        PlanGroup::Ended => ended.is_some(),
        PlanGroup::EndedWithinThreeMonths => {
            ended.is_some_and(|e| length_band(p.started, e) == LengthBand::UnderThreeMonths)
        }
        PlanGroup::LastedTwoYears => ended.is_some_and(|e| length_band(p.started, e) == LengthBand::TwoYearsOrMore),
    }
}

/// The outcomes of the plans started or ended in `from`..=`to`.
pub fn outcome_figures(plans: &[PlanFact], from: NaiveDate, to: NaiveDate) -> Outcomes {
    let mut o = Outcomes::default();
    let mut cats: Vec<(Option<PlanCategory>, u64)> =
        PlanCategory::ALL.iter().map(|&c| (Some(c), 0)).chain(std::iter::once((None, 0))).collect();
    let mut lengths: Vec<(LengthBand, u64)> = LengthBand::ALL.iter().map(|&b| (b, 0)).collect();
    for p in plans {
        let n = p.count;
        if plan_in_group(p, PlanGroup::Started, from, to) {
            o.started += n;
            if let Some(c) = cats.iter_mut().find(|(c, _)| *c == p.category) {
                c.1 += n;
            }
            if p.repeat {
                o.repeat += n;
            }
        }
        if let Some(e) = p.ended.filter(|&e| in_period(e, from, to)) {
            o.ended += n;
            let band = length_band(p.started, e);
            if let Some(l) = lengths.iter_mut().find(|(b, _)| *b == band) {
                l.1 += n;
            }
            match band {
                LengthBand::UnderThreeMonths => o.ended_within_three_months += n,
                LengthBand::TwoYearsOrMore => o.lasted_two_years += n,
                _ => {}
            }
        }
    }
    // The "no category" line only when there is one.
    o.by_category = cats.into_iter().filter(|(c, n)| c.is_some() || *n > 0).collect();
    o.by_length = lengths;
    o
}

/// One month of the plans' trend: started, ended and repeat plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanMonth {
    pub month: Month,
    pub started: u64,
    pub ended: u64,
    pub repeat: u64,
}

/// The plans started, ended and repeated each month of the period.
pub fn plan_trend(plans: &[PlanFact], from: NaiveDate, to: NaiveDate) -> Vec<PlanMonth> {
    let mut out: Vec<PlanMonth> =
        Month::range(from, to).into_iter().map(|month| PlanMonth { month, started: 0, ended: 0, repeat: 0 }).collect();
    for p in plans {
        if in_period(p.started, from, to) {
            if let Some(m) = out.iter_mut().find(|m| m.month == Month::of(p.started)) {
                m.started += p.count;
                if p.repeat {
                    m.repeat += p.count;
                }
            }
        }
        if let Some(e) = p.ended.filter(|&e| in_period(e, from, to)) {
            if let Some(m) = out.iter_mut().find(|m| m.month == Month::of(e)) {
                m.ended += p.count;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Participation (MEET-02, CHILD-01..03, LANG-01, EXC-01/02) and dissent (DIS-01)

crate::text_enum! {
    /// The conferences behind a participation figure.
    pub enum ParticipationGroup {
        ParentsAbsent => "parents-absent", "Conferences a parent or carer did not attend";
        ChildViewsMissing => "child-views-missing", "Conferences without every child's views";
        ChildrenAttended => "children-attended", "Conferences a child attended";
        InterpreterMissing => "interpreter-missing", "Conferences without an interpreter someone needed";
        Excluded => "excluded", "Conferences with a parent or carer excluded";
        Dissent => "dissent", "Conferences with a dissent recorded";
    }
}

impl ParticipationGroup {
    /// Whether a held conference belongs to the group.
    pub fn holds(self, p: &Participation) -> bool {
        match self {
            ParticipationGroup::ParentsAbsent => p.parents_attended < p.parents,
            ParticipationGroup::ChildViewsMissing => p.children_views < p.children,
            ParticipationGroup::ChildrenAttended => p.children_attended > 0,
            ParticipationGroup::InterpreterMissing => p.interpreters_booked < p.interpreters_needed,
            ParticipationGroup::Excluded => p.excluded_whole + p.excluded_part > 0,
            ParticipationGroup::Dissent => p.dissents > 0,
        }
    }

    /// The rule of DOMAIN.md the group reports on.
    pub fn rule_id(self) -> &'static str {
        match self {
            ParticipationGroup::ParentsAbsent => "MEET-02",
            ParticipationGroup::ChildViewsMissing => "CHILD-03",
            ParticipationGroup::ChildrenAttended => "CHILD-01",
            ParticipationGroup::InterpreterMissing => "LANG-01",
            ParticipationGroup::Excluded => "EXC-02",
            ParticipationGroup::Dissent => "DIS-01",
        }
    }
}

crate::text_enum! {
    /// A participation rate of the dashboard: people who took part of those who could.
    pub enum ParticipationMeasure {
        ParentsAttending => "parents-attending", "Parents and carers attending";
        ChildrensViews => "childrens-views", "Children whose views were presented";
        ChildrenInvited => "children-invited", "Children invited to attend";
        ChildrenAttending => "children-attending", "Invited children attending";
        Interpreters => "interpreters", "Interpreters booked for those who needed one";
    }
}

impl ParticipationMeasure {
    /// (those who took part, those who could) in the totals.
    pub fn part_of(self, t: &ParticipationTotals) -> (u64, u64) {
        match self {
            ParticipationMeasure::ParentsAttending => (t.parents_attended, t.parents),
            ParticipationMeasure::ChildrensViews => (t.children_views, t.children),
            ParticipationMeasure::ChildrenInvited => (t.children_invited, t.children),
            ParticipationMeasure::ChildrenAttending => (t.children_attended, t.children_invited),
            ParticipationMeasure::Interpreters => (t.interpreters_booked, t.interpreters_needed),
        }
    }
    pub fn percent(self, t: &ParticipationTotals) -> Option<u64> {
        let (part, whole) = self.part_of(t);
        percent(part, whole)
    }
    pub fn rule_id(self) -> &'static str {
        match self {
            ParticipationMeasure::ParentsAttending => "MEET-02",
            ParticipationMeasure::ChildrensViews => "CHILD-03",
            ParticipationMeasure::ChildrenInvited | ParticipationMeasure::ChildrenAttending => "CHILD-01",
            ParticipationMeasure::Interpreters => "LANG-01",
        }
    }
    /// The conferences that fell short of (or, for children attending, met) the measure.
    pub fn group(self) -> Option<ParticipationGroup> {
        match self {
            ParticipationMeasure::ParentsAttending => Some(ParticipationGroup::ParentsAbsent),
            ParticipationMeasure::ChildrensViews => Some(ParticipationGroup::ChildViewsMissing),
            ParticipationMeasure::ChildrenInvited => None,
            ParticipationMeasure::ChildrenAttending => Some(ParticipationGroup::ChildrenAttended),
            ParticipationMeasure::Interpreters => Some(ParticipationGroup::InterpreterMissing),
        }
    }
}

/// The participation of the conferences held in a period (or one month of it), added up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipationTotals {
    /// Conferences held.
    pub conferences: u64,
    pub parents: u64,
    pub parents_attended: u64,
    pub children: u64,
    pub children_views: u64,
    pub children_invited: u64,
    pub children_attended: u64,
    pub interpreters_needed: u64,
    pub interpreters_booked: u64,
    pub excluded_whole: u64,
    pub excluded_part: u64,
    /// Exclusions naming each reason, in the order of [`ExclusionReason::ALL`].
    pub exclusion_reasons: Vec<u64>,
    pub dissents: u64,
    /// Conferences in each group, in the order of [`ParticipationGroup::ALL`].
    pub groups: Vec<u64>,
}

impl ParticipationTotals {
    /// One held conference's participation as totals (what the store adds up in SQL).
    pub fn of(p: &Participation) -> ParticipationTotals {
        let n = u64::from;
        ParticipationTotals {
            conferences: 1,
            parents: n(p.parents),
            parents_attended: n(p.parents_attended),
            children: n(p.children),
            children_views: n(p.children_views),
            children_invited: n(p.children_invited),
            children_attended: n(p.children_attended),
            interpreters_needed: n(p.interpreters_needed),
            interpreters_booked: n(p.interpreters_booked),
            excluded_whole: n(p.excluded_whole),
            excluded_part: n(p.excluded_part),
            exclusion_reasons: ExclusionReason::ALL
                .iter()
                .enumerate()
                .map(|(i, _)| p.exclusion_reasons.get(i).copied().map(n).unwrap_or(0))
                .collect(),
            dissents: n(p.dissents),
            groups: ParticipationGroup::ALL.iter().map(|g| u64::from(g.holds(p))).collect(),
        }
    }

    /// Adds another's numbers to these.
    pub fn add(&mut self, o: &ParticipationTotals) {
        self.conferences += o.conferences;
        self.parents += o.parents;
        self.parents_attended += o.parents_attended;
        self.children += o.children;
        self.children_views += o.children_views;
        self.children_invited += o.children_invited;
        self.children_attended += o.children_attended;
        self.interpreters_needed += o.interpreters_needed;
        self.interpreters_booked += o.interpreters_booked;
        self.excluded_whole += o.excluded_whole;
        self.excluded_part += o.excluded_part;
        self.dissents += o.dissents;
        add_each(&mut self.exclusion_reasons, &o.exclusion_reasons);
        add_each(&mut self.groups, &o.groups);
    }

    /// The conferences of a group.
    pub fn in_group(&self, g: ParticipationGroup) -> u64 {
        ParticipationGroup::ALL.iter().position(|x| *x == g).and_then(|i| self.groups.get(i)).copied().unwrap_or(0)
    }

    /// The exclusions naming each reason, every reason listed.
    pub fn by_reason(&self) -> Vec<(ExclusionReason, u64)> {
        ExclusionReason::ALL
            .iter()
            .enumerate()
            .map(|(i, r)| (*r, self.exclusion_reasons.get(i).copied().unwrap_or(0)))
            .collect()
    }

    /// Conferences with a dissent, as a percentage of those held.
    pub fn dissent_percent(&self) -> Option<u64> {
        percent(self.in_group(ParticipationGroup::Dissent), self.conferences)
    }
}

fn add_each(to: &mut Vec<u64>, from: &[u64]) {
    if to.len() < from.len() {
        to.resize(from.len(), 0);
    }
    for (t, f) in to.iter_mut().zip(from) {
        *t += f;
    }
}

/// The participation of the conferences held in one month (the store reads it summed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationFact {
    pub month: Month,
    pub totals: ParticipationTotals,
}

/// QA-02: the participation of the conferences held in the period, in total and each month
/// of it (every month listed, those with nothing held as zeros).
pub fn participation_figures(
    facts: &[ParticipationFact],
    from: NaiveDate,
    to: NaiveDate,
) -> (ParticipationTotals, Vec<(Month, ParticipationTotals)>) {
    let empty = || ParticipationTotals {
        exclusion_reasons: vec![0; ExclusionReason::ALL.len()],
        groups: vec![0; ParticipationGroup::ALL.len()],
        ..ParticipationTotals::default()
    };
    let mut total = empty();
    let mut trend: Vec<(Month, ParticipationTotals)> =
        Month::range(from, to).into_iter().map(|m| (m, empty())).collect();
    for f in facts {
        if let Some((_, t)) = trend.iter_mut().find(|(m, _)| *m == f.month) {
            t.add(&f.totals);
            total.add(&f.totals);
        }
    }
    (total, trend)
}

// ---------------------------------------------------------------------------------------
// Filters

crate::text_enum! {
    /// A child's age band on the last day of the period (the census's bands), or unborn.
    pub enum AgeBand {
        Unborn => "unborn", "Unborn";
        UnderOne => "under-1", "Under 1";
        OneToFour => "1-to-4", "1 to 4";
        FiveToNine => "5-to-9", "5 to 9";
        TenToFifteen => "10-to-15", "10 to 15";
        SixteenOrOver => "16-or-over", "16 or over";
    }
}

impl AgeBand {
    /// The dates of birth of a child in this band on `on`: born after the first (if any) and
    /// on or before the second. `None` for unborn children (no date of birth).
    pub fn birth_dates(self, on: NaiveDate) -> Option<(Option<NaiveDate>, NaiveDate)> {
        let years_before = |y: u32| on.checked_sub_months(Months::new(12 * y)).unwrap_or(NaiveDate::MIN);
        let (youngest, oldest_exclusive) = match self {
            AgeBand::Unborn => return None,
            AgeBand::UnderOne => (0, Some(1)),
            AgeBand::OneToFour => (1, Some(5)),
            AgeBand::FiveToNine => (5, Some(10)),
            AgeBand::TenToFifteen => (10, Some(16)),
            AgeBand::SixteenOrOver => (16, None),
        };
        Some((oldest_exclusive.map(years_before), years_before(youngest)))
    }

    /// The band of a child born on `born` (or unborn), on `on`.
    pub fn of(born: Option<NaiveDate>, on: NaiveDate) -> Option<AgeBand> {
        let Some(born) = born else { return Some(AgeBand::Unborn) };
        AgeBand::ALL.iter().copied().find(|b| match b.birth_dates(on) {
            None => false,
            Some((after, until)) => born <= until && after.is_none_or(|a| born > a),
        })
    }
}

crate::text_enum! {
    /// Whether the child has a disability, as recorded ("None" means none).
    pub enum DisabilityFilter {
        Disabled => "disabled", "Disabled";
        NotDisabled => "not-disabled", "Not disabled";
    }
}

/// The dashboard's filters as typed (GET query parameters, kept as typed when refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct FilterInput {
    pub from: String,
    pub to: String,
    pub team: String,
    pub chair: String,
    pub category: String,
    pub age: String,
    pub sex: String,
    pub ethnicity: String,
    pub disability: String,
}

/// The dashboard's filters, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team: Option<String>,
    pub chair: Option<String>,
    pub category: Option<PlanCategory>,
    pub age: Option<AgeBand>,
    pub sex: Option<Gender>,
    pub ethnicity: Option<String>,
    pub disability: Option<DisabilityFilter>,
}

/// The longest period a dashboard covers (so a trend stays readable and quick).
pub const MAX_MONTHS: u32 = 36;

/// The default period: the 12 months up to `today` (from the first of the month 11 months
/// before today's).
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = Month::of(today).first_day();
    (first.checked_sub_months(Months::new(11)).unwrap_or(first), today)
}

impl FilterInput {
    /// Checks what was typed: the period (empty: the last 12 months, up to 36 months long),
    /// and each choice from its list. `teams` and `chairs` are the ids one may choose.
    pub fn check(&self, today: NaiveDate, teams: &[&str], chairs: &[&str]) -> Result<Filter, FormErrors> {
        let mut errors = FormErrors::default();
        let (default_from, default_to) = default_period(today);
        let mut date = |field: &str, text: &str, default: NaiveDate, example: &str| {
            if text.trim().is_empty() {
                return Some(default);
            }
            match crate::validate::parse_date(text) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(field, format!("Enter a real date, for example {example}"));
                    None
                }
            }
        };
        let from = date("from", &self.from, default_from, "1/4/2026");
        let to = date("to", &self.to, default_to, "31/3/2027");
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.add("to", "The end of the period must be the same as or after its start");
            } else if f.checked_add_months(Months::new(MAX_MONTHS)).is_some_and(|limit| t >= limit) {
                errors.add("to", format!("Choose a period of {MAX_MONTHS} months or less"));
            }
        }
        let mut choice = |field: &str, text: &str, ok: bool, message: &str| {
            if !text.is_empty() && !ok {
                errors.add(field, message);
            }
        };
        let team = self.team.trim();
        choice("team", team, teams.contains(&team), "Choose a team from the list");
        let chair = self.chair.trim();
        choice("chair", chair, chairs.contains(&chair), "Choose a chair from the list");
        let category = PlanCategory::parse(self.category.trim());
        choice("category", self.category.trim(), category.is_some(), "Choose a category from the list");
        let age = AgeBand::parse(self.age.trim());
        choice("age", self.age.trim(), age.is_some(), "Choose an age band from the list");
        let sex = Gender::parse(self.sex.trim());
        choice("sex", self.sex.trim(), sex.is_some(), "Choose a sex from the list");
        let disability = DisabilityFilter::parse(self.disability.trim());
        choice("disability", self.disability.trim(), disability.is_some(), "Choose disabled or not disabled");
        let ethnicity = self.ethnicity.trim();
        if ethnicity.chars().count() > 100 {
            errors.add("ethnicity", "Enter an ethnicity of 100 characters or fewer");
        }
        match (from, to, errors.is_empty()) {
            (Some(from), Some(to), true) => Ok(Filter {
                from,
                to,
                team: (!team.is_empty()).then(|| team.to_owned()),
                chair: (!chair.is_empty()).then(|| chair.to_owned()),
                category,
                age,
                sex,
                ethnicity: (!ethnicity.is_empty()).then(|| ethnicity.to_owned()),
                disability,
            }),
            _ => Err(errors),
        }
    }
}

impl Filter {
    /// The filters as a query string (without the leading `?`), for links and downloads.
    pub fn query(&self) -> String {
        let mut parts = vec![format!("from={}", self.from), format!("to={}", self.to)];
        let mut add = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                parts.push(format!("{k}={}", url_encode(v)));
            }
        };
        add("team", self.team.as_deref());
        add("chair", self.chair.as_deref());
        add("category", self.category.map(|c| c.as_str()));
        add("age", self.age.map(|c| c.as_str()));
        add("sex", self.sex.map(|c| c.as_str()));
        add("ethnicity", self.ethnicity.as_deref());
        add("disability", self.disability.map(|c| c.as_str()));
        parts.join("&")
    }
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_nation_names_the_measures_in_its_own_words() {
        use crate::words::Words;
        use crate::Nation;
        for m in Measure::ALL {
            assert_eq!(m.label_in(Words::of(Nation::England)), m.label(), "England keeps {m:?}");
        }
        let scot = Words::of(Nation::Scotland);
        assert_eq!(Measure::InitialConference.label_in(scot), "Initial meetings within 28 calendar days");
        assert_eq!(Measure::Review.label_in(scot), "Review meetings in time");
        let ni = Words::of(Nation::NorthernIreland);
        assert_eq!(Measure::InitialConference.label_in(ni), "Initial case conferences within 15 working days");
        assert_eq!(Measure::Review.label_in(ni), "Review case conferences in time");
        for n in [Nation::Scotland, Nation::NorthernIreland] {
            for m in Measure::ALL {
                let label = m.label_in(Words::of(n));
                assert!(!label.contains("Review conferences") && !label.contains("Initial conferences"), "{n:?} {m:?}");
            }
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fact(rule: DeadlineRule, due: &str, met: Option<&str>, reason: Option<LateReason>) -> DeadlineFact {
        DeadlineFact { rule, due: d(due), met: met.map(d), late_reason: reason, count: 1 }
    }

    #[test]
    fn a_deadline_met_on_its_due_date_is_in_time_and_a_day_later_is_late_qa_02() {
        let today = d("2026-11-30");
        assert_eq!(timeliness(d("2026-11-10"), Some(d("2026-11-10")), today), Timeliness::InTime);
        assert_eq!(timeliness(d("2026-11-10"), Some(d("2026-11-11")), today), Timeliness::Late);
        assert_eq!(timeliness(d("2026-11-10"), None, today), Timeliness::Late);
        assert_eq!(timeliness(d("2026-11-30"), None, today), Timeliness::Pending);
        assert_eq!(timeliness(d("2026-12-10"), None, today), Timeliness::Pending);
    }

    #[test]
    fn each_measure_counts_its_rules_with_reasons_for_each_breach_qa_02_time_01_rep_02_cg_02_rev_01() {
        use DeadlineRule as R;
        use LateReason as L;
        let today = d("2026-11-30");
        let facts = vec![
            fact(R::InitialConference, "2026-10-01", Some("2026-09-30"), None),
            fact(R::InitialConference, "2026-10-02", Some("2026-10-09"), Some(L::ChairUnavailable)),
            DeadlineFact {
                count: 2,
                ..fact(R::InitialConference, "2026-10-03", Some("2026-10-10"), Some(L::ChairUnavailable))
            },
            fact(R::InitialConference, "2026-10-04", Some("2026-10-10"), Some(L::VenueUnavailable)),
            fact(R::InitialConference, "2026-11-20", None, None),
            fact(R::InitialConference, "2026-12-20", None, None),
            fact(R::ReportsToChair, "2026-10-01", Some("2026-10-01"), None),
            fact(R::FirstCoreGroup, "2026-10-01", Some("2026-10-03"), Some(L::FamilyUnavailable)),
            fact(R::FirstReview, "2026-10-01", Some("2026-10-01"), None),
            fact(R::NextReview, "2026-10-05", Some("2026-10-01"), None),
            // Not a measure of the dashboard: ignored.
            fact(R::SubjectAccess, "2026-10-01", None, None),
        ];
        let figs = timeliness_figures(&facts, today);
        assert_eq!(figs.len(), Measure::ALL.len());
        let icpc = &figs[0];
        assert_eq!(icpc.measure, Measure::InitialConference);
        assert_eq!((icpc.in_time, icpc.late, icpc.pending), (1, 5, 1));
        assert_eq!(icpc.percent_in_time(), Some(17));
        assert_eq!(
            icpc.reasons,
            vec![
                (BreachReason::Recorded(L::ChairUnavailable), 3),
                (BreachReason::Recorded(L::VenueUnavailable), 1),
                (BreachReason::NotYetRecorded, 1),
            ]
        );
        let by = |m: Measure| figs.iter().find(|f| f.measure == m).unwrap();
        assert_eq!((by(Measure::ReportsToChair).in_time, by(Measure::ReportsToChair).late), (1, 0));
        assert_eq!(by(Measure::ReportsToChair).percent_in_time(), Some(100));
        assert_eq!((by(Measure::FirstCoreGroup).in_time, by(Measure::FirstCoreGroup).late), (0, 1));
        assert_eq!(by(Measure::Review).in_time, 2);
        assert_eq!(by(Measure::OutcomeSent).percent_in_time(), None);
        // The lists behind the figures hold what each figure counts.
        let behind = |state, reason| -> u64 {
            facts
                .iter()
                .filter(|f| is_behind(f, Measure::InitialConference, state, reason, today))
                .map(|f| f.count)
                .sum()
        };
        assert_eq!(behind(Timeliness::Late, None), icpc.late);
        assert_eq!(behind(Timeliness::InTime, None), icpc.in_time);
        assert_eq!(behind(Timeliness::Pending, None), icpc.pending);
        for (reason, n) in &icpc.reasons {
            assert_eq!(behind(Timeliness::Late, Some(*reason)), *n, "{}", reason.label());
        }
        assert_eq!(behind(Timeliness::InTime, Some(BreachReason::NotYetRecorded)), 0);
    }

    #[test]
    fn measures_name_their_rules_qa_02() {
        assert_eq!(Measure::of(DeadlineRule::NextReview), Some(Measure::Review));
        assert_eq!(Measure::of(DeadlineRule::ReportsToChair).map(|m| m.rule_id()), Some("REP-02"));
        assert_eq!(Measure::of(DeadlineRule::OutcomeSent).map(|m| m.rule_id()), Some("DEC-05"));
        assert_eq!(Measure::of(DeadlineRule::SubjectAccess), None);
        assert_eq!(Measure::all_rules().len(), 8);
    }

    #[test]
    fn percentages_round_half_up_and_none_of_nothing_qa_02() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(5, 5), Some(100));
    }

    #[test]
    fn the_trend_counts_each_month_by_due_date_qa_02() {
        let today = d("2026-11-30");
        let facts = vec![
            fact(DeadlineRule::InitialConference, "2026-09-30", Some("2026-09-29"), None),
            fact(DeadlineRule::InitialConference, "2026-10-01", Some("2026-10-02"), Some(LateReason::Other)),
            fact(DeadlineRule::InitialConference, "2026-10-31", Some("2026-10-31"), None),
            fact(DeadlineRule::InitialConference, "2026-12-01", None, None),
        ];
        let trend = timeliness_trend(&facts, d("2026-09-15"), d("2026-11-30"), today);
        let (m, points) = &trend[0];
        assert_eq!(*m, Measure::InitialConference);
        assert_eq!(
            points,
            &vec![
                MonthPoint { month: Month { year: 2026, month: 9 }, in_time: 1, late: 0 },
                MonthPoint { month: Month { year: 2026, month: 10 }, in_time: 1, late: 1 },
                MonthPoint { month: Month { year: 2026, month: 11 }, in_time: 0, late: 0 },
            ]
        );
        assert_eq!(points[1].percent_in_time(), Some(50));
        assert_eq!(Month::range(d("2026-11-15"), d("2027-02-01")).len(), 4);
    }

    fn plan(started: &str, ended: Option<&str>, category: Option<PlanCategory>, previous: u32) -> PlanFact {
        PlanFact { category, started: d(started), ended: ended.map(d), repeat: previous > 0, count: 1 }
    }

    #[test]
    fn plan_lengths_fall_in_the_return_bands_qa_02() {
        let s = d("2026-01-31");
        assert_eq!(length_band(s, d("2026-04-29")), LengthBand::UnderThreeMonths);
        assert_eq!(length_band(s, d("2026-04-30")), LengthBand::ThreeToSixMonths);
        assert_eq!(length_band(s, d("2026-07-31")), LengthBand::SixToTwelveMonths);
        assert_eq!(length_band(s, d("2027-01-31")), LengthBand::OneToTwoYears);
        assert_eq!(length_band(s, d("2028-01-30")), LengthBand::OneToTwoYears);
        assert_eq!(length_band(s, d("2028-01-31")), LengthBand::TwoYearsOrMore);
    }

    #[test]
    fn outcomes_count_plans_by_category_length_repeat_qa_02_dec_01_plan_05() {
        use PlanCategory as C;
        let (from, to) = (d("2026-04-01"), d("2027-03-31"));
        let plans = vec![
            plan("2026-05-01", None, Some(C::Neglect), 0),
            plan("2026-06-01", Some("2026-08-01"), Some(C::Neglect), 1),
            plan("2026-07-01", None, Some(C::Emotional), 2),
            plan("2026-08-01", None, None, 0),
            // Started before the period, ended in it after 2 years and 1 day.
            plan("2024-05-01", Some("2026-05-02"), Some(C::Physical), 0),
            // Started before and ended after 5 months.
            plan("2026-01-01", Some("2026-06-01"), Some(C::Sexual), 0),
            // Outside the period altogether.
            plan("2025-01-01", Some("2025-03-01"), Some(C::Multiple), 0),
        ];
        let o = outcome_figures(&plans, from, to);
        assert_eq!(o.started, 4);
        assert_eq!(
            o.by_category,
            vec![
                (Some(C::Physical), 0),
                (Some(C::Emotional), 1),
                (Some(C::Sexual), 0),
                (Some(C::Neglect), 2),
                (Some(C::Multiple), 0),
                (None, 1)
            ]
        );
        assert_eq!(o.repeat, 2);
        assert_eq!(o.repeat_percent(), Some(50));
        assert_eq!(o.ended, 3);
        assert_eq!(o.ended_within_three_months, 1);
        assert_eq!(o.lasted_two_years, 1);
        assert_eq!(o.within_three_months_percent(), Some(33));
        assert_eq!(
            o.by_length,
            vec![
                (LengthBand::UnderThreeMonths, 1),
                (LengthBand::ThreeToSixMonths, 1),
                (LengthBand::SixToTwelveMonths, 0),
                (LengthBand::OneToTwoYears, 0),
                (LengthBand::TwoYearsOrMore, 1)
            ]
        );
        let repeat: Vec<_> = plans.iter().filter(|p| plan_in_group(p, PlanGroup::Repeat, from, to)).collect();
        assert_eq!(repeat.len(), 2);
        let trend = plan_trend(&plans, from, to);
        assert_eq!(trend.len(), 12);
        assert_eq!((trend[1].started, trend[1].ended, trend[1].repeat), (1, 1, 0)); // May
        assert_eq!((trend[4].started, trend[4].ended, trend[4].repeat), (1, 1, 0)); // August
        assert_eq!((trend[2].started, trend[2].ended, trend[2].repeat), (1, 1, 1));
        // June
    }

    #[test]
    fn age_bands_follow_the_birthday_qa_02() {
        let on = d("2026-11-30");
        assert_eq!(AgeBand::of(None, on), Some(AgeBand::Unborn));
        assert_eq!(AgeBand::of(Some(d("2026-01-01")), on), Some(AgeBand::UnderOne));
        assert_eq!(AgeBand::of(Some(d("2025-11-30")), on), Some(AgeBand::OneToFour));
        assert_eq!(AgeBand::of(Some(d("2025-12-01")), on), Some(AgeBand::UnderOne));
        assert_eq!(AgeBand::of(Some(d("2016-11-30")), on), Some(AgeBand::TenToFifteen));
        assert_eq!(AgeBand::of(Some(d("2010-12-01")), on), Some(AgeBand::TenToFifteen));
        assert_eq!(AgeBand::of(Some(d("2010-11-30")), on), Some(AgeBand::SixteenOrOver));
        assert_eq!(AgeBand::FiveToNine.birth_dates(on), Some((Some(d("2016-11-30")), d("2021-11-30"))));
    }

    #[test]
    fn filters_are_checked_and_kept_as_typed_when_refused_qa_02() {
        let today = d("2026-11-30");
        let none = FilterInput::default().check(today, &[], &[]).unwrap();
        assert_eq!((none.from, none.to), (d("2025-12-01"), today));
        let typed = FilterInput {
            from: "1/4/2026".into(),
            to: "2027-03-31".into(),
            team: "team-1".into(),
            category: "neglect".into(),
            age: "5-to-9".into(),
            sex: "female".into(),
            ethnicity: " White British ".into(),
            disability: "disabled".into(),
            ..FilterInput::default()
        };
        let f = typed.check(today, &["team-1"], &[]).unwrap();
        assert_eq!(f.from, d("2026-04-01"));
        assert_eq!(f.category, Some(PlanCategory::Neglect));
        assert_eq!(f.ethnicity.as_deref(), Some("White British"));
        assert_eq!(
            f.query(),
            "from=2026-04-01&to=2027-03-31&team=team-1&category=neglect&age=5-to-9&sex=female&ethnicity=White%20British&disability=disabled"
        );
        let bad = FilterInput {
            from: "31/2/2026".into(),
            to: "yesterday".into(),
            team: "team-9".into(),
            chair: "x".into(),
            category: "cruelty".into(),
            age: "old".into(),
            sex: "?".into(),
            disability: "maybe".into(),
            ..FilterInput::default()
        };
        let errors = bad.check(today, &["team-1"], &[]).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, vec!["from", "to", "team", "chair", "category", "age", "sex", "disability"]);
        let backwards = FilterInput { from: "2026-05-01".into(), to: "2026-04-01".into(), ..FilterInput::default() };
        assert_eq!(backwards.check(today, &[], &[]).unwrap_err().0[0].0, "to");
        let long = FilterInput { from: "2020-01-01".into(), to: "2026-04-01".into(), ..FilterInput::default() };
        assert!(long.check(today, &[], &[]).unwrap_err().0[0].1.contains("36 months"));
    }
}
