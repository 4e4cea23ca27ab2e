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

/// The dashboard's figures: two grouped reads (deadlines, plans), and the summaries.
pub async fn dashboard(ops: &Ops, actor: &Actor, filter: Filter) -> Result<Dashboard> {
    allow(actor, Action::ViewDashboards)?;
    let today = ops.clock.today();
    let deadlines = store::deadline_groups(&ops.db, &actor.authority_id, &filter).await?;
    let plans = store::plan_groups(&ops.db, &actor.authority_id, &filter).await?;
    let held = store::participation_months(&ops.db, &actor.authority_id, &filter).await?;
    let (participation, participation_trend) = d::participation_figures(&held, filter.from, filter.to);
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
        timeliness: d::timeliness_figures(&deadlines, today),
        timeliness_trend: d::timeliness_trend(&deadlines, filter.from, filter.to, today),
        outcomes: d::outcome_figures(&plans, filter.from, filter.to),
        plan_trend: d::plan_trend(&plans, filter.from, filter.to),
        participation,
        participation_trend,
        feedback,
        audits,
        may_list_families: may(actor, Action::ListDashboardFamilies),
        filter,
        today,
    })
}

/// The most families a list behind a figure shows (narrow the filters for the rest).
pub const BEHIND_LIMIT: i64 = 500;

/// The deadlines behind a timeliness figure, with the families' names: for those who may see
/// every family only, logged as one list read naming each family shown.
pub async fn deadlines_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    measure: Measure,
    state: Timeliness,
    reason: Option<BreachReason>,
) -> Result<Vec<DeadlineBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let today = ops.clock.today();
    let stored_reason = reason.map(|r| match r {
        BreachReason::Recorded(r) => Some(r),
        BreachReason::NotYetRecorded => None,
    });
    let rows = store::deadlines_behind(
        &ops.db,
        &actor.authority_id,
        filter,
        measure,
        state,
        stored_reason,
        today,
        BEHIND_LIMIT,
    )
    .await?;
    // The domain decides what each figure counts: keep exactly those.
    let rows: Vec<DeadlineBehind> = rows
        .into_iter()
        .filter(|r| {
            let fact = DeadlineFact { rule: r.rule, due: r.due, met: r.met, late_reason: r.late_reason, count: 1 };
            d::is_behind(&fact, measure, state, reason, today)
        })
        .collect();
    log(ops, actor, "dashboard-deadlines", rows.iter().map(|r| r.family_id.as_str())).await?;
    Ok(rows)
}

/// The plans behind an outcome figure, with the children's names: as [`deadlines_behind`].
pub async fn plans_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    group: PlanGroup,
    category: Option<Option<PlanCategory>>,
    length: Option<LengthBand>,
) -> Result<Vec<PlanBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let rows = store::plans_behind(&ops.db, &actor.authority_id, filter, group, category, BEHIND_LIMIT).await?;
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
    Ok(rows)
}

/// The conferences behind a participation figure, with the families' names: as
/// [`deadlines_behind`].
pub async fn conferences_behind(
    ops: &Ops,
    actor: &Actor,
    filter: &Filter,
    group: ParticipationGroup,
    reason: Option<ExclusionReason>,
) -> Result<Vec<ConferenceBehind>> {
    allow(actor, Action::ListDashboardFamilies)?;
    let rows = store::conferences_behind(&ops.db, &actor.authority_id, filter, group, reason, BEHIND_LIMIT).await?;
    let rows: Vec<ConferenceBehind> = rows
        .into_iter()
        .filter(|r| {
            r.totals.in_group(group) > 0
                && reason.is_none_or(|x| r.totals.by_reason().iter().any(|(y, n)| *y == x && *n > 0))
        })
        .collect();
    log(ops, actor, "dashboard-conferences", rows.iter().map(|r| r.family_id.as_str())).await?;
    Ok(rows)
}

async fn log<'a>(ops: &Ops, actor: &Actor, list: &str, families: impl Iterator<Item = &'a str>) -> Result<()> {
    let families: Vec<&str> = families.collect();
    confer_store::audit::log_list_read(&ops.db, actor.authority_id.as_str(), actor.user_id.as_str(), list, &families)
        .await?;
    Ok(())
}
