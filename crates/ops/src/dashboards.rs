//! The managers' dashboards (QA-02), once for the pages and any later API or command: the
//! figures of a period under the filters (timeliness with the reasons for each breach, plan
//! outcomes, their monthly trends, and the feedback (QA-01) and audit (QA-03) summaries for
//! those who may see them), and the families behind a figure, read only by those the access
//! policy lets see every family and logged as a list read.

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::ExclusionReason;
use confer_domain::conference::PlanCategory;
use confer_domain::dashboards::{
    self as d, BreachReason, DeadlineFact, Filter, LengthBand, Measure, MeasureFigures, MonthPoint, Outcomes,
    ParticipationGroup, ParticipationTotals, PlanFact, PlanGroup, PlanMonth, Timeliness,
};
use confer_store::dashboards::{self as store, AuditCounts, ConferenceBehind, DeadlineBehind, PlanBehind};
use std::sync::Arc;

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

fn may(actor: &Actor, action: Action) -> bool {
    decide(actor, action, Target::Authority(&actor.authority_id)) == Decision::Allow
}

/// Everything the dashboard shows for a period and filters.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub filter: Filter,
    pub today: NaiveDate,
    /// When the figures were counted (they may have been kept a short while).
    pub counted_at: chrono::DateTime<chrono::Utc>,
    pub timeliness: Vec<MeasureFigures>,
    pub timeliness_trend: Vec<(Measure, Vec<MonthPoint>)>,
    pub outcomes: Outcomes,
    pub plan_trend: Vec<PlanMonth>,
    /// Participation and dissent of the conferences held in the period (MEET-02, CHILD-01/03,
    /// LANG-01, EXC-02, DIS-01), in total and each month.
    pub participation: ParticipationTotals,
    pub participation_trend: Vec<(d::Month, ParticipationTotals)>,
    /// QA-01, for those who may see feedback (the period's whole months).
    pub feedback: Option<crate::feedback::Report>,
    /// QA-03, for those who may see audits (audits made in the period).
    pub audits: Option<AuditCounts>,
    /// Whether the actor may open the families behind a figure.
    pub may_list_families: bool,
}

/// What the dashboard counts in the database for a period and filters, and when: the same
/// for everyone who may see the dashboard, so it can be kept ([`Ops::with_dashboard_cache`]).
#[derive(Debug)]
pub struct Counts {
    pub deadlines: Vec<DeadlineFact>,
    pub plans: Vec<PlanFact>,
    pub held: Vec<d::ParticipationFact>,
    pub counted_at: chrono::DateTime<chrono::Utc>,
}

/// The most sets of counts kept at once (each is a few hundred rows).
const COUNTS_KEPT: usize = 256;

/// The counts for the filters: kept ones while they are fresh, else counted now (three
/// grouped reads: deadlines, plans, participation) and kept.
async fn counts(ops: &Ops, actor: &Actor, filter: &Filter, today: NaiveDate) -> Result<Arc<Counts>> {
    let key = format!("{}|{today}|{filter:?}", actor.authority_id.as_str());
    let ttl = ops.dashboard_ttl;
    if !ttl.is_zero() {
        if let Some((at, c)) = ops.caches.dashboards.lock().ok().and_then(|m| m.get(&key).cloned()) {
            if at.elapsed() < ttl {
                return Ok(c);
            }
        }
    }
    let counts = Arc::new(Counts {
        deadlines: store::deadline_groups(&ops.db, &actor.authority_id, filter, today).await?,
        plans: store::plan_groups(&ops.db, &actor.authority_id, filter).await?,
        held: store::participation_months(&ops.db, &actor.authority_id, filter).await?,
        counted_at: ops.clock.now(),
    });
    if !ttl.is_zero() {
        if let Ok(mut m) = ops.caches.dashboards.lock() {
            m.retain(|_, (at, _)| at.elapsed() < ttl);
            if m.len() >= COUNTS_KEPT {
                m.clear();
            }
            m.insert(key, (std::time::Instant::now(), counts.clone()));
        }
    }
    Ok(counts)
}

/// The dashboard's figures: the period's counts (kept a short while, see [`counts`]), and the
/// summaries this person may see.
pub async fn dashboard(ops: &Ops, actor: &Actor, filter: Filter) -> Result<Dashboard> {
    allow(actor, Action::ViewDashboards)?;
    let today = ops.clock.today();
    let c = counts(ops, actor, &filter, today).await?;
    let (deadlines, plans, held) = (&c.deadlines, &c.plans, &c.held);
    let (participation, participation_trend) = d::participation_figures(held, filter.from, filter.to);
    let feedback = if may(actor, Action::ViewFeedback) {
        Some(crate::feedback::report_figures(ops, actor, filter.from, filter.to).await?)
    } else {
        None
    };
    let audits = if may(actor, Action::ViewQualityAudits) {
        Some(store::audit_counts(&ops.db, &actor.authority_id, &filter, today).await?)
    } else {
        None
    };
    Ok(Dashboard {
        timeliness: d::timeliness_figures(deadlines, today),
        timeliness_trend: d::timeliness_trend(deadlines, filter.from, filter.to, today),
        outcomes: d::outcome_figures(plans, filter.from, filter.to),
        plan_trend: d::plan_trend(plans, filter.from, filter.to),
        counted_at: c.counted_at,
        participation,
        participation_trend,
        feedback,
        audits,
        may_list_families: may(actor, Action::ListDashboardFamilies),
        filter,
        today,
    })
}

/// The rows behind a figure shown on a page (issue 12: 50 a page, in SQL).
pub const BEHIND_PAGE: i64 = 50;

/// A page of the rows behind a figure, and how many there are in all.
#[derive(Debug, Clone)]
pub struct BehindPage<T> {
    pub rows: Vec<T>,
    /// How many rows the figure has in all (every page).
    pub total: u64,
    /// The page shown, from 1.
    pub page: u32,
}

impl<T> BehindPage<T> {
    /// How many pages there are (at least 1).
    pub fn pages(&self) -> u32 {
        let per = BEHIND_PAGE as u64;
        u32::try_from(self.total.div_ceil(per)).unwrap_or(u32::MAX).max(1)
    }
}

/// A page of rows read with one more than a page (`rows`, from `offset`) and the total to show
/// beside it: the kept count (`counted`, which may be up to the dashboard cache's age behind
/// the rows), raised when the rows show there are more, so that a later page is never lost.
fn page_and_total<T>(mut rows: Vec<T>, counted: u64, offset: i64) -> (Vec<T>, u64) {
    let seen = offset.max(0) as u64 + rows.len() as u64;
    rows.truncate(BEHIND_PAGE as usize);
    (rows, counted.max(seen))
}

/// The deadlines behind a timeliness figure, with the families' names, a page of
/// [`BEHIND_PAGE`] at a time (`page` from 1), the earliest due first: for those who may see
/// every family only, logged as one list read naming each family shown on the page.
pub async fn deadlines_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    measure: Measure,
    state: Timeliness,
    reason: Option<BreachReason>,
    page: u32,
) -> Result<BehindPage<DeadlineBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let today = ops.clock.today();
    let stored_reason = reason.map(|r| match r {
        BreachReason::Recorded(r) => Some(r),
        BreachReason::NotYetRecorded => None,
    });
    let page = page.max(1);
    let offset = i64::from(page - 1).saturating_mul(BEHIND_PAGE);
    let (db, authority) = (&ops.db, &actor.authority_id);
    // Issue 12: the total is the figure the dashboard shows, from its kept counts (the groups
    // stand exactly as their deadlines do), not a count of the period's deadlines per request.
    let kept = counts(ops, actor, filter, today).await?;
    let counted: u64 =
        kept.deadlines.iter().filter(|f| d::is_behind(f, measure, state, reason, today)).map(|f| f.count).sum();
    let rows =
        store::deadlines_behind(db, authority, filter, measure, state, stored_reason, today, BEHIND_PAGE + 1, offset)
            .await?;
    let (rows, total) = page_and_total(rows, counted, offset);
    // The domain decides what each figure counts: keep exactly those.
    let rows: Vec<DeadlineBehind> = rows
        .into_iter()
        .filter(|r| {
            let fact = DeadlineFact { rule: r.rule, due: r.due, met: r.met, late_reason: r.late_reason, count: 1 };
            d::is_behind(&fact, measure, state, reason, today)
        })
        .collect();
    log(ops, actor, "dashboard-deadlines", rows.iter().map(|r| r.family_id.as_str())).await?;
    Ok(BehindPage { rows, total, page })
}

/// The plans behind an outcome figure, with the children's names: as [`deadlines_behind`]
/// (issue 12: paged and counted in SQL, no longer stopping at 500).
pub async fn plans_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    group: PlanGroup,
    category: Option<Option<PlanCategory>>,
    length: Option<LengthBand>,
    page: u32,
) -> Result<BehindPage<PlanBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let page = page.max(1);
    let offset = i64::from(page - 1).saturating_mul(BEHIND_PAGE);
    let (db, authority) = (&ops.db, &actor.authority_id);
    // Issue 12: the total from the dashboard's kept counts, as for the deadlines.
    let kept = counts(ops, actor, filter, ops.clock.today()).await?;
    let counted: u64 = kept
        .plans
        .iter()
        .filter(|p| {
            d::plan_in_group(p, group, filter.from, filter.to)
                && category.is_none_or(|c| c == p.category)
                && length.is_none_or(|l| p.ended.is_some_and(|e| d::length_band(p.started, e) == l))
        })
        .map(|p| p.count)
        .sum();
    let rows = store::plans_behind(db, authority, filter, group, category, length, BEHIND_PAGE + 1, offset).await?;
    let (rows, total) = page_and_total(rows, counted, offset);
    // The domain decides what each figure counts: keep exactly those.
    let rows: Vec<PlanBehind> = rows
        .into_iter()
        .filter(|r| {
            let fact = PlanFact {
                category: r.category,
                started: r.started,
                ended: r.ended,
                repeat: r.previous_plans > 0,
                count: 1,
            };
            d::plan_in_group(&fact, group, filter.from, filter.to)
                && category.is_none_or(|c| c == r.category)
                && length.is_none_or(|l| r.ended.is_some_and(|e| d::length_band(r.started, e) == l))
        })
        .collect();
    log(ops, actor, "dashboard-plans", rows.iter().map(|r| r.family_id.as_str())).await?;
    Ok(BehindPage { rows, total, page })
}

/// The conferences behind a participation figure, with the families' names: as
/// [`deadlines_behind`] (issue 12: paged and counted in SQL, no longer stopping at 500).
pub async fn conferences_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    group: ParticipationGroup,
    reason: Option<ExclusionReason>,
    page: u32,
) -> Result<BehindPage<ConferenceBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let page = page.max(1);
    let offset = i64::from(page - 1).saturating_mul(BEHIND_PAGE);
    let (db, authority) = (&ops.db, &actor.authority_id);
    let total = store::conferences_behind_count(db, authority, filter, group, reason).await?;
    let rows = store::conferences_behind(db, authority, filter, group, reason, BEHIND_PAGE, offset).await?;
    let rows: Vec<ConferenceBehind> = rows
        .into_iter()
        .filter(|r| {
            r.totals.in_group(group) > 0
                && reason.is_none_or(|x| r.totals.by_reason().iter().any(|(y, n)| *y == x && *n > 0))
        })
        .collect();
    log(ops, actor, "dashboard-conferences", rows.iter().map(|r| r.family_id.as_str())).await?;
    Ok(BehindPage { rows, total, page })
}

async fn log<'a>(ops: &Ops, actor: &Actor, list: &str, families: impl Iterator<Item = &'a str>) -> Result<()> {
    let families: Vec<&str> = families.collect();
    confer_store::audit::log_list_read(&ops.db, actor.authority_id.as_str(), actor.user_id.as_str(), list, &families)
        .await?;
    Ok(())
}
