//! What the managers' dashboards read (QA-02): the deadlines due in a period and the child
//! protection plans started or ended in it, narrowed by the filters, in a few set-based
//! queries (grouped, so the page reads counts rather than one row per deadline). The figures
//! are computed by `confer_domain::dashboards`; the families behind a figure are read by a
//! separate, bounded query.

use crate::participation::{reason_column, REASON_COLUMNS};
use crate::{date, int, opt_text, text, Db, Result, StoreError};
use chrono::NaiveDate;
use confer_domain::conference::ExclusionReason;
use confer_domain::conference::PlanCategory;
use confer_domain::dashboards::{
    DeadlineFact, DisabilityFilter, Filter, LengthBand, Measure, Month, ParticipationFact, ParticipationGroup,
    ParticipationTotals, PlanFact, PlanGroup, Timeliness,
};
use confer_domain::timescales::{DeadlineRule, LateReason};
use confer_domain::AuthorityId;
use sqlx::any::AnyRow;

/// A text-only bind list (one serves both databases), with `$n` placeholders.
struct Binds(Vec<String>);

impl Binds {
    fn add(&mut self, v: impl Into<String>) -> String {
        self.0.push(v.into());
        format!("${}", self.0.len())
    }
}

/// The conditions on a child (`alias`) from the filters' characteristics, or `None` when the
/// filters name none. Ages are on the last day of the period.
fn child_conditions(alias: &str, f: &Filter, b: &mut Binds) -> Option<String> {
    let mut c = Vec::new();
    if let Some(age) = f.age {
        match age.birth_dates(f.to) {
            None => c.push(format!("{alias}.date_of_birth IS NULL")),
            Some((after, until)) => {
                c.push(format!("{alias}.date_of_birth <= {}", b.add(until.to_string())));
                if let Some(after) = after {
                    c.push(format!("{alias}.date_of_birth > {}", b.add(after.to_string())));
                }
            }
        }
    }
    if let Some(sex) = f.sex {
        c.push(format!("{alias}.gender = {}", b.add(sex.as_str())));
    }
    if let Some(e) = &f.ethnicity {
        c.push(format!("{alias}.ethnicity = {}", b.add(e.clone())));
    }
    match f.disability {
        Some(DisabilityFilter::Disabled) => {
            c.push(format!("{alias}.disability <> 'None' AND {alias}.disability <> ''"));
        }
        Some(DisabilityFilter::NotDisabled) => {
            c.push(format!("({alias}.disability = 'None' OR {alias}.disability = '')"));
        }
        None => {}
    }
    (!c.is_empty()).then(|| c.join(" AND "))
}

/// The WHERE clause of the deadlines the dashboard counts (table alias `d`).
fn deadline_where(authority: &AuthorityId, f: &Filter, rules: &[DeadlineRule], b: &mut Binds) -> String {
    let mut sql = format!("d.authority_id = {}", b.add(authority.as_str()));
    let rs: Vec<String> = rules.iter().map(|r| b.add(r.as_str())).collect();
    sql.push_str(&format!(" AND d.rule IN ({})", rs.join(", ")));
    sql.push_str(&format!(
        " AND d.due_on >= {} AND d.due_on <= {}",
        b.add(f.from.to_string()),
        b.add(f.to.to_string())
    ));
    // A deadline whose conference was cancelled was never due.
    sql.push_str(" AND d.cancelled_on IS NULL");
    if let Some(team) = &f.team {
        sql.push_str(&format!(
            " AND d.case_id IN (SELECT fc.id FROM family_case fc JOIN user_account w ON w.id = fc.allocated_worker_id \
             WHERE w.team_id = {})",
            b.add(team.clone())
        ));
    }
    if let Some(chair) = &f.chair {
        sql.push_str(&format!(" AND d.chair_id = {}", b.add(chair.clone())));
    }
    // Issue 12: the cases with a plan of the category, and the families with a child of the
    // characteristics, are each one set read once (`IN`, not a correlated `EXISTS` asked for
    // each of a year's deadlines): on SQLite the children of an age band come from
    // `child_born` alone, and the deadlines are read from their families (2 s cold at 50,000
    // families with `EXISTS`, which read each deadline, its case's plans and its family's
    // children in turn).
    if let Some(cat) = f.category {
        sql.push_str(&format!(
            " AND d.case_id IN (SELECT p.case_id FROM plan p WHERE p.kind = 'child-protection' AND p.category = {})",
            b.add(cat.as_str())
        ));
    }
    if let Some(cond) = child_conditions("c", f, b) {
        sql.push_str(&format!(" AND d.family_id IN (SELECT c.family_id FROM child c WHERE {cond})"));
    }
    sql
}

fn rule_of(row: &AnyRow) -> Result<DeadlineRule> {
    let r = text(row, "rule")?;
    DeadlineRule::parse(&r).ok_or_else(|| StoreError::Corrupt(format!("deadline rule {r}")))
}

fn reason_of(row: &AnyRow) -> Result<Option<LateReason>> {
    match opt_text(row, "late_reason")? {
        None => Ok(None),
        Some(r) => LateReason::parse(&r).map(Some).ok_or_else(|| StoreError::Corrupt(format!("late reason {r}"))),
    }
}

fn required(row: &AnyRow, col: &str) -> Result<NaiveDate> {
    date(row, col)?.ok_or_else(|| StoreError::Corrupt(format!("dashboard row without {col}")))
}

async fn fetch(db: &Db, sql: &str, b: &Binds) -> Result<Vec<AnyRow>> {
    let mut q = sqlx::query(sql);
    for v in &b.0 {
        q = q.bind(v.clone());
    }
    Ok(q.fetch_all(db.pool()).await?)
}

/// What [`deadline_groups`] asks, and its text binds (`$1`…), for the query plan's test.
pub fn deadline_groups_query(authority: &AuthorityId, f: &Filter, today: NaiveDate) -> (String, Vec<String>) {
    let mut b = Binds(Vec::new());
    let cond = deadline_where(authority, f, &Measure::all_rules(), &mut b);
    let today = b.add(today.to_string());
    let sql = format!(
        "SELECT d.rule, SUBSTR(d.due_on, 1, 7) AS due_month, \
         CAST(CASE WHEN d.met_on IS NOT NULL AND d.met_on <= d.due_on THEN 0 WHEN d.met_on IS NOT NULL THEN 1 \
              WHEN d.due_on < {today} THEN 2 ELSE 3 END AS BIGINT) AS standing, \
         d.late_reason, MIN(d.due_on) AS due_on, MAX(d.met_on) AS met_on, COUNT(*) AS n \
         FROM deadline d WHERE {cond} GROUP BY d.rule, due_month, standing, d.late_reason"
    );
    (sql, b.0)
}

/// QA-02: the deadlines of the dashboard's measures due in the period, counted in one query.
///
/// A year of an authority of 50,000 families holds about 100,000 such deadlines, on some
/// 20,000 distinct (rule, due, met, reason) combinations. The figures and trends need less:
/// for each rule and month of the due date, how many were in time, late (met late, or still
/// open once due), or not yet due on `today`, and for breaches the reason
/// ([`confer_domain::dashboards::timeliness`]). So the database counts those groups (a few
/// hundred rows) and each group comes back as one fact with dates that stand the same way:
/// due on the group's earliest due date (in its month), met on that same day when in time, on
/// the group's latest met date when met late (after every due date of the group), and not met
/// when open. `timeliness(fact) == timeliness(each deadline of the group)`, so every figure
/// and trend is what counting the deadlines one by one gives. The count reads the
/// `deadline_dashboard` index alone.
pub async fn deadline_groups(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    today: NaiveDate,
) -> Result<Vec<DeadlineFact>> {
    let (sql, binds) = deadline_groups_query(authority, f, today);
    let rows = fetch(db, &sql, &Binds(binds)).await?;
    rows.iter()
        .map(|r| {
            let due = required(r, "due_on")?;
            let met = match int(r, "standing")? {
                0 => Some(due),
                1 => Some(required(r, "met_on")?),
                _ => None,
            };
            Ok(DeadlineFact {
                rule: rule_of(r)?,
                due,
                met,
                late_reason: reason_of(r)?,
                count: int(r, "n")?.max(0) as u64,
            })
        })
        .collect()
}

/// The WHERE clause of the child protection plans the dashboard counts (alias `p`): started
/// or ended in the period.
fn plan_where(authority: &AuthorityId, f: &Filter, b: &mut Binds) -> String {
    let from = b.add(f.from.to_string());
    let to = b.add(f.to.to_string());
    let mut sql = format!(
        "p.authority_id = {} AND p.kind = 'child-protection' AND ((p.started_on >= {from} AND p.started_on <= {to}) \
         OR (p.ended_on >= {from} AND p.ended_on <= {to}))",
        b.add(authority.as_str())
    );
    if let Some(team) = &f.team {
        sql.push_str(&format!(
            " AND p.case_id IN (SELECT fc.id FROM family_case fc JOIN user_account w ON w.id = fc.allocated_worker_id \
             WHERE w.team_id = {})",
            b.add(team.clone())
        ));
    }
    if let Some(chair) = &f.chair {
        sql.push_str(&format!(
            " AND p.started_by IN (SELECT cf.id FROM conference cf WHERE cf.chair_id = {})",
            b.add(chair.clone())
        ));
    }
    if let Some(cat) = f.category {
        sql.push_str(&format!(" AND p.category = {}", b.add(cat.as_str())));
    }
    if let Some(cond) = child_conditions("c", f, b) {
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM child c WHERE c.id = p.child_id AND {cond})"));
    }
    sql
}

fn category_of(row: &AnyRow) -> Result<Option<PlanCategory>> {
    match opt_text(row, "category")? {
        None => Ok(None),
        Some(c) if c.is_empty() => Ok(None),
        Some(c) => PlanCategory::parse(&c).map(Some).ok_or_else(|| StoreError::Corrupt(format!("plan category {c}"))),
    }
}

/// QA-02: the child protection plans started or ended in the period, grouped by category,
/// start, end and whether a repeat plan. One query.
pub async fn plan_groups(db: &Db, authority: &AuthorityId, f: &Filter) -> Result<Vec<PlanFact>> {
    let mut b = Binds(Vec::new());
    let cond = plan_where(authority, f, &mut b);
    let sql = format!(
        "SELECT p.category, p.started_on, p.ended_on, \
         CAST(CASE WHEN p.previous_plans > 0 THEN 1 ELSE 0 END AS BIGINT) AS repeat_plan, COUNT(*) AS n \
         FROM plan p WHERE {cond} GROUP BY p.category, p.started_on, p.ended_on, repeat_plan"
    );
    let rows = fetch(db, &sql, &b).await?;
    rows.iter()
        .map(|r| {
            Ok(PlanFact {
                category: category_of(r)?,
                started: required(r, "started_on")?,
                ended: date(r, "ended_on")?,
                repeat: int(r, "repeat_plan")? > 0,
                count: int(r, "n")?.max(0) as u64,
            })
        })
        .collect()
}

/// One deadline behind a figure.
#[derive(Debug, Clone)]
pub struct DeadlineBehind {
    pub family_id: String,
    pub family_name: String,
    pub rule: DeadlineRule,
    pub due: NaiveDate,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<LateReason>,
}

/// The WHERE clause of the deadlines behind a timeliness figure (alias `d`).
fn behind_where(
    authority: &AuthorityId,
    f: &Filter,
    measure: Measure,
    state: Timeliness,
    reason: Option<Option<LateReason>>,
    today: NaiveDate,
    b: &mut Binds,
) -> String {
    let mut cond = deadline_where(authority, f, measure.rules(), b);
    let t = b.add(today.to_string());
    cond.push_str(&match state {
        Timeliness::InTime => " AND d.met_on IS NOT NULL AND d.met_on <= d.due_on".to_owned(),
        Timeliness::Late => {
            format!(" AND ((d.met_on IS NOT NULL AND d.met_on > d.due_on) OR (d.met_on IS NULL AND d.due_on < {t}))")
        }
        Timeliness::Pending => format!(" AND d.met_on IS NULL AND d.due_on >= {t}"),
    });
    match reason {
        None => {}
        Some(None) => cond.push_str(" AND d.late_reason IS NULL"),
        Some(Some(r)) => cond.push_str(&format!(" AND d.late_reason = {}", b.add(r.as_str()))),
    }
    cond
}

/// The deadlines behind a timeliness figure (a measure, in time / late / not yet due, and for
/// a breach its reason: `Some(None)` for "no reason recorded yet"), the earliest due first
/// (then by id: one order from the index `deadline_behind`, issue 12), `limit` of them from
/// `offset`. `today` decides what is overdue. The domain checks each row again.
#[allow(clippy::too_many_arguments)]
pub async fn deadlines_behind(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    measure: Measure,
    state: Timeliness,
    reason: Option<Option<LateReason>>,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<DeadlineBehind>> {
    let mut b = Binds(Vec::new());
    let cond = behind_where(authority, f, measure, state, reason, today, &mut b);
    let sql = format!(
        "SELECT d.family_id, f.name AS family_name, d.rule, d.due_on, d.met_on, d.late_reason FROM deadline d \
         JOIN family f ON f.id = d.family_id WHERE {cond} ORDER BY d.due_on, d.id LIMIT {} OFFSET {}",
        limit.clamp(1, 10_000),
        offset.max(0)
    );
    let rows = fetch(db, &sql, &b).await?;
    rows.iter()
        .map(|r| {
            Ok(DeadlineBehind {
                family_id: text(r, "family_id")?,
                family_name: text(r, "family_name")?,
                rule: rule_of(r)?,
                due: required(r, "due_on")?,
                met: date(r, "met_on")?,
                late_reason: reason_of(r)?,
            })
        })
        .collect()
}

/// How many deadlines are behind a timeliness figure (as [`deadlines_behind`] lists them),
/// counted from the index alone.
#[allow(clippy::too_many_arguments)]
pub async fn deadlines_behind_count(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    measure: Measure,
    state: Timeliness,
    reason: Option<Option<LateReason>>,
    today: NaiveDate,
) -> Result<u64> {
    let mut b = Binds(Vec::new());
    let cond = behind_where(authority, f, measure, state, reason, today, &mut b);
    let rows = fetch(db, &format!("SELECT COUNT(*) AS n FROM deadline d WHERE {cond}"), &b).await?;
    match rows.first() {
        Some(r) => Ok(int(r, "n")?.max(0) as u64),
        None => Ok(0),
    }
}

/// One plan behind a figure, with its child.
#[derive(Debug, Clone)]
pub struct PlanBehind {
    pub family_id: String,
    pub family_name: String,
    pub child_id: String,
    pub child_name: String,
    pub category: Option<PlanCategory>,
    pub started: NaiveDate,
    pub ended: Option<NaiveDate>,
    pub previous_plans: u32,
}

/// SQL: the plan (alias `p`) ended before `months` months after it started, as the domain's
/// [`confer_domain::dashboards::length_band`] reckons it (chrono's `checked_add_months`: a
/// day past the end of the month is that month's last day). The dates are `YYYY-MM-DD` text:
/// read as numbers, so the same SQL runs on both databases.
fn ended_within_months(months: u32) -> String {
    let y = |c: &str| format!("CAST(SUBSTR({c}, 1, 4) AS INTEGER)");
    let m = |c: &str| format!("CAST(SUBSTR({c}, 6, 2) AS INTEGER)");
    let d = |c: &str| format!("CAST(SUBSTR({c}, 9, 2) AS INTEGER)");
    let (s, e) = ("p.started_on", "p.ended_on");
    let diff = format!("(({} * 12 + {}) - ({} * 12 + {}))", y(e), m(e), y(s), m(s));
    let ye = y(e);
    let last = format!(
        "(CASE {} WHEN 2 THEN (CASE WHEN ({ye} % 4 = 0 AND {ye} % 100 <> 0) OR {ye} % 400 = 0 THEN 29 ELSE 28 END) \
         WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END)",
        m(e)
    );
    format!("({diff} < {months} OR ({diff} = {months} AND {} < {} AND {} < {last}))", d(e), d(s), d(e))
}

/// SQL: the plan (alias `p`) ended, and its length is in the band.
fn length_condition(band: LengthBand) -> String {
    let (at_least, under) = match band {
        LengthBand::UnderThreeMonths => (None, Some(3)),
        LengthBand::ThreeToSixMonths => (Some(3), Some(6)),
        LengthBand::SixToTwelveMonths => (Some(6), Some(12)),
        LengthBand::OneToTwoYears => (Some(12), Some(24)),
        LengthBand::TwoYearsOrMore => (Some(24), None),
    };
    let mut sql = "p.ended_on IS NOT NULL".to_owned();
    if let Some(m) = at_least {
        sql.push_str(&format!(" AND NOT {}", ended_within_months(m)));
    }
    if let Some(m) = under {
        sql.push_str(&format!(" AND {}", ended_within_months(m)));
    }
    sql
}

/// The WHERE clause of the plans behind an outcome figure (alias `p`): exactly the plans the
/// domain puts in the group ([`confer_domain::dashboards::plan_in_group`]), of the category
/// and length asked, so that they can be counted and paged in SQL.
fn plans_behind_where(
    authority: &AuthorityId,
    f: &Filter,
    group: PlanGroup,
    category: Option<Option<PlanCategory>>,
    length: Option<LengthBand>,
    b: &mut Binds,
) -> String {
    let mut cond = plan_where(authority, f, b);
    let from = b.add(f.from.to_string());
    let to = b.add(f.to.to_string());
    let ended = format!("p.ended_on >= {from} AND p.ended_on <= {to}");
    cond.push_str(&match group {
        PlanGroup::Started => format!(" AND p.started_on >= {from} AND p.started_on <= {to}"),
        PlanGroup::Repeat => {
            format!(" AND p.started_on >= {from} AND p.started_on <= {to} AND p.previous_plans > 0")
        }
        PlanGroup::Ended => format!(" AND {ended}"),
        PlanGroup::EndedWithinThreeMonths => {
            format!(" AND {ended} AND {}", length_condition(LengthBand::UnderThreeMonths))
        }
        PlanGroup::LastedTwoYears => format!(" AND {ended} AND {}", length_condition(LengthBand::TwoYearsOrMore)),
    });
    match category {
        None => {}
        Some(None) => cond.push_str(" AND (p.category IS NULL OR p.category = '')"),
        Some(Some(c)) => cond.push_str(&format!(" AND p.category = {}", b.add(c.as_str()))),
    }
    if let Some(l) = length {
        cond.push_str(&format!(" AND {}", length_condition(l)));
    }
    cond
}

/// The plans behind an outcome figure (a group, and optionally a category: `Some(None)` for
/// no category recorded, and a length), the earliest started first, `limit` of them from
/// `offset` (issue 12: paged in SQL). The domain checks each row again.
#[allow(clippy::too_many_arguments)]
pub async fn plans_behind(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    group: PlanGroup,
    category: Option<Option<PlanCategory>>,
    length: Option<LengthBand>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PlanBehind>> {
    let mut b = Binds(Vec::new());
    let cond = plans_behind_where(authority, f, group, category, length, &mut b);
    let sql = format!(
        "SELECT p.family_id, f.name AS family_name, p.child_id, ch.given_name, ch.family_name AS child_family_name, \
         p.category, p.started_on, p.ended_on, p.previous_plans FROM plan p JOIN family f ON f.id = p.family_id \
         JOIN child ch ON ch.id = p.child_id WHERE {cond} ORDER BY p.started_on, f.name, p.id LIMIT {} OFFSET {}",
        limit.clamp(1, 10_000),
        offset.max(0)
    );
    let rows = fetch(db, &sql, &b).await?;
    rows.iter()
        .map(|r| {
            Ok(PlanBehind {
                family_id: text(r, "family_id")?,
                family_name: text(r, "family_name")?,
                child_id: text(r, "child_id")?,
                child_name: format!("{} {}", text(r, "given_name")?, text(r, "child_family_name")?),
                category: category_of(r)?,
                started: required(r, "started_on")?,
                ended: date(r, "ended_on")?,
                previous_plans: int(r, "previous_plans")?.clamp(0, u32::MAX as i64) as u32,
            })
        })
        .collect()
}

/// How many plans are behind an outcome figure (as [`plans_behind`] lists them).
pub async fn plans_behind_count(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    group: PlanGroup,
    category: Option<Option<PlanCategory>>,
    length: Option<LengthBand>,
) -> Result<u64> {
    let mut b = Binds(Vec::new());
    let cond = plans_behind_where(authority, f, group, category, length, &mut b);
    count(db, &format!("SELECT COUNT(*) AS n FROM plan p WHERE {cond}"), &b).await
}

async fn count(db: &Db, sql: &str, b: &Binds) -> Result<u64> {
    let rows = fetch(db, sql, b).await?;
    match rows.first() {
        Some(r) => Ok(int(r, "n")?.max(0) as u64),
        None => Ok(0),
    }
}

/// The WHERE clause of the conferences held in the period (alias `p`, the participation rows),
/// narrowed by the filters as the deadlines are.
fn participation_where(authority: &AuthorityId, f: &Filter, b: &mut Binds) -> String {
    let mut sql = format!(
        "p.authority_id = {} AND p.held_on >= {} AND p.held_on <= {}",
        b.add(authority.as_str()),
        b.add(f.from.to_string()),
        b.add(f.to.to_string())
    );
    if let Some(team) = &f.team {
        sql.push_str(&format!(
            " AND p.case_id IN (SELECT fc.id FROM family_case fc JOIN user_account w ON w.id = fc.allocated_worker_id \
             WHERE w.team_id = {})",
            b.add(team.clone())
        ));
    }
    if let Some(chair) = &f.chair {
        sql.push_str(&format!(" AND p.chair_id = {}", b.add(chair.clone())));
    }
    if let Some(cat) = f.category {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM plan pl WHERE pl.case_id = p.case_id AND pl.kind = 'child-protection' \
             AND pl.category = {})",
            b.add(cat.as_str())
        ));
    }
    if let Some(cond) = child_conditions("c", f, b) {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM conference_child cc JOIN child c ON c.id = cc.child_id \
             WHERE cc.conference_id = p.conference_id AND {cond})"
        ));
    }
    sql
}

/// The SQL condition of a participation group on a row (alias `p`); the domain's
/// `ParticipationGroup::holds` says the same of a conference.
fn group_condition(g: ParticipationGroup) -> &'static str {
    match g {
        ParticipationGroup::ParentsAbsent => "p.parents_attended < p.parents",
        ParticipationGroup::ChildViewsMissing => "p.children_views < p.children",
        ParticipationGroup::ChildrenAttended => "p.children_attended > 0",
        ParticipationGroup::InterpreterMissing => "p.interpreters_booked < p.interpreters_needed",
        ParticipationGroup::Excluded => "p.excluded_whole + p.excluded_part > 0",
        ParticipationGroup::Dissent => "p.dissents > 0",
    }
}

/// The numbers each participation row holds, summed (columns of the same names).
const PARTICIPATION_SUMS: [&str; 11] = [
    "parents",
    "parents_attended",
    "children",
    "children_views",
    "children_invited",
    "children_attended",
    "interpreters_needed",
    "interpreters_booked",
    "excluded_whole",
    "excluded_part",
    "dissents",
];

fn participation_of(r: &AnyRow, conferences: u64) -> Result<ParticipationTotals> {
    let n = |c: &str| -> Result<u64> { Ok(int(r, c)?.max(0) as u64) };
    Ok(ParticipationTotals {
        conferences,
        parents: n("parents")?,
        parents_attended: n("parents_attended")?,
        children: n("children")?,
        children_views: n("children_views")?,
        children_invited: n("children_invited")?,
        children_attended: n("children_attended")?,
        interpreters_needed: n("interpreters_needed")?,
        interpreters_booked: n("interpreters_booked")?,
        excluded_whole: n("excluded_whole")?,
        excluded_part: n("excluded_part")?,
        exclusion_reasons: REASON_COLUMNS.iter().map(|c| n(c)).collect::<Result<_>>()?,
        dissents: n("dissents")?,
        groups: (0..ParticipationGroup::ALL.len()).map(|i| n(&format!("group_{i}"))).collect::<Result<_>>()?,
    })
}

/// QA-02: the participation of the conferences held in the period, summed for each month of
/// it. One query over the summary rows, whatever the number of conferences.
pub async fn participation_months(db: &Db, authority: &AuthorityId, f: &Filter) -> Result<Vec<ParticipationFact>> {
    let mut b = Binds(Vec::new());
    let cond = participation_where(authority, f, &mut b);
    let mut sums: Vec<String> = PARTICIPATION_SUMS
        .iter()
        .chain(REASON_COLUMNS.iter())
        .map(|c| format!("CAST(SUM(p.{c}) AS BIGINT) AS {c}"))
        .collect();
    for (i, g) in ParticipationGroup::ALL.iter().enumerate() {
        sums.push(format!("CAST(SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS BIGINT) AS group_{i}", group_condition(*g)));
    }
    let sql = format!(
        "SELECT SUBSTR(p.held_on, 1, 7) AS month, COUNT(*) AS n, {} FROM conference_participation p WHERE {cond} \
         GROUP BY SUBSTR(p.held_on, 1, 7)",
        sums.join(", ")
    );
    let rows = fetch(db, &sql, &b).await?;
    rows.iter()
        .map(|r| {
            let m = text(r, "month")?;
            let month = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map(Month::of)
                .map_err(|_| StoreError::Corrupt(format!("participation month {m}")))?;
            Ok(ParticipationFact { month, totals: participation_of(r, int(r, "n")?.max(0) as u64)? })
        })
        .collect()
}

/// One conference behind a participation figure.
#[derive(Debug, Clone)]
pub struct ConferenceBehind {
    pub conference_id: String,
    pub family_id: String,
    pub family_name: String,
    pub held_on: NaiveDate,
    /// The conference's own numbers (`conferences` is 1).
    pub totals: ParticipationTotals,
}

/// The WHERE clause of the conferences behind a participation figure (alias `p`): the same
/// test as the domain's `ParticipationGroup::holds`, so they are counted and paged in SQL.
fn conferences_behind_where(
    authority: &AuthorityId,
    f: &Filter,
    group: ParticipationGroup,
    reason: Option<ExclusionReason>,
    b: &mut Binds,
) -> String {
    let mut cond = participation_where(authority, f, b);
    cond.push_str(&format!(" AND {}", group_condition(group)));
    if let Some(r) = reason {
        cond.push_str(&format!(" AND p.{} > 0", reason_column(r)));
    }
    cond
}

/// The conferences behind a participation figure (a group, and for exclusions optionally a
/// reason), the earliest held first, `limit` of them from `offset` (issue 12: paged in SQL).
/// The domain checks each row again.
pub async fn conferences_behind(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    group: ParticipationGroup,
    reason: Option<ExclusionReason>,
    limit: i64,
    offset: i64,
) -> Result<Vec<ConferenceBehind>> {
    let mut b = Binds(Vec::new());
    let cond = conferences_behind_where(authority, f, group, reason, &mut b);
    let mut columns: Vec<String> =
        PARTICIPATION_SUMS.iter().chain(REASON_COLUMNS.iter()).map(|c| format!("p.{c}")).collect();
    for (i, g) in ParticipationGroup::ALL.iter().enumerate() {
        columns.push(format!("CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS group_{i}", group_condition(*g)));
    }
    let sql = format!(
        "SELECT p.conference_id, p.family_id, f.name AS family_name, p.held_on, {} FROM conference_participation p \
         JOIN family f ON f.id = p.family_id WHERE {cond} ORDER BY p.held_on, f.name, p.conference_id LIMIT {} OFFSET {}",
        columns.join(", "),
        limit.clamp(1, 10_000),
        offset.max(0)
    );
    let rows = fetch(db, &sql, &b).await?;
    rows.iter()
        .map(|r| {
            Ok(ConferenceBehind {
                conference_id: text(r, "conference_id")?,
                family_id: text(r, "family_id")?,
                family_name: text(r, "family_name")?,
                held_on: required(r, "held_on")?,
                totals: participation_of(r, 1)?,
            })
        })
        .collect()
}

/// How many conferences are behind a participation figure (as [`conferences_behind`] lists them).
pub async fn conferences_behind_count(
    db: &Db,
    authority: &AuthorityId,
    f: &Filter,
    group: ParticipationGroup,
    reason: Option<ExclusionReason>,
) -> Result<u64> {
    let mut b = Binds(Vec::new());
    let cond = conferences_behind_where(authority, f, group, reason, &mut b);
    count(db, &format!("SELECT COUNT(*) AS n FROM conference_participation p WHERE {cond}"), &b).await
}

/// QA-03 on the dashboard: the audits of conferences made in the period, by state and grade.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditCounts {
    pub open: u64,
    pub completed: u64,
    /// Completed audits by grade (`None`: no grade recorded).
    pub by_grade: Vec<(Option<String>, u64)>,
    /// Audits with an action not done whose date has passed.
    pub actions_overdue: u64,
}

/// The audits of the period, counted (one query).
pub async fn audit_counts(db: &Db, authority: &AuthorityId, f: &Filter, today: NaiveDate) -> Result<AuditCounts> {
    let rows = sqlx::query(
        "SELECT state, grade, \
         CAST(CASE WHEN open_action_due IS NOT NULL AND open_action_due < $4 THEN 1 ELSE 0 END AS BIGINT) AS overdue, \
         COUNT(*) AS n FROM qa_audit WHERE authority_id = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY state, grade, overdue",
    )
    .bind(authority.as_str())
    .bind(f.from.to_string())
    .bind((f.to + chrono::Days::new(1)).to_string())
    .bind(today.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut c = AuditCounts::default();
    for r in &rows {
        let n = int(r, "n")?.max(0) as u64;
        if int(r, "overdue")? > 0 {
            c.actions_overdue += n;
        }
        if text(r, "state")? == "completed" {
            c.completed += n;
            let grade = opt_text(r, "grade")?;
            match c.by_grade.iter_mut().find(|(g, _)| *g == grade) {
                Some(e) => e.1 += n,
                None => c.by_grade.push((grade, n)),
            }
        } else {
            c.open += n;
        }
    }
    c.by_grade.sort();
    Ok(c)
}

/// The authority's teams, by name (the team filter's choices).
pub async fn teams(db: &Db, authority: &AuthorityId) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT id, name FROM team WHERE authority_id = $1 ORDER BY name, id")
        .bind(authority.as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((text(r, "id")?, text(r, "name")?))).collect()
}
