//! The managers' dashboards (QA-02) at `/dashboards`: timeliness with the reasons for each
//! breach, plan outcomes, monthly trends as SVG charts with a table beside each, the feedback
//! (QA-01) and audit (QA-03) summaries; filters as GET parameters (bookmarkable, no
//! JavaScript); every table as CSV with the same filters; and the families behind a figure for
//! those the access policy lets see them. Thin adapters over `confer_ops::dashboards`.
//!
//! At `/dashboards` rather than under `/quality`: team managers and the partnership's
//! reports read it too, while `/quality` is quality assurance's own audit work.

use confer_domain::words::Words;
use crate::auth::Ctx;
use crate::chart::{self, Series};
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use confer_domain::conference::ExclusionReason;
use confer_domain::conference::PlanCategory;
use confer_domain::dashboards::{
    AgeBand, BreachReason, DisabilityFilter, Filter, FilterInput, LengthBand, Measure, ParticipationGroup,
    ParticipationMeasure, PlanGroup, Timeliness,
};
use confer_domain::{Gender, Role};
use confer_ops::dashboards::{self as ops, Dashboard};

type Pairs = Vec<(String, String)>;

fn pairs_of(q: Option<String>) -> Pairs {
    q.and_then(|q| serde_urlencoded::from_str::<Pairs>(&q).ok()).unwrap_or_default()
}

fn field(p: &Pairs, k: &str) -> String {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn input_of(p: &Pairs) -> FilterInput {
    FilterInput {
        from: field(p, "from"),
        to: field(p, "to"),
        team: field(p, "team"),
        chair: field(p, "chair"),
        category: field(p, "category"),
        age: field(p, "age"),
        sex: field(p, "sex"),
        ethnicity: field(p, "ethnicity"),
        disability: field(p, "disability"),
    }
}

/// The choices of the team and chair filters.
struct Choices {
    teams: Vec<(String, String)>,
    chairs: Vec<(String, String)>,
}

async fn choices(state: &SharedState, ctx: &Ctx) -> Result<Choices, AppError> {
    let teams = confer_store::dashboards::teams(&state.db, &ctx.actor.authority_id).await?;
    let users = state.directory(&ctx.actor.authority_id).await?;
    let mut chairs: Vec<(String, String)> = users
        .iter()
        .filter(|u| u.roles.contains(&Role::Chair))
        .map(|u| (u.id.as_str().to_owned(), u.display_name.clone()))
        .collect();
    chairs.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(Choices { teams, chairs })
}

/// Checks the filters typed; on a refusal the page's errors are set.
async fn filter_of(
    state: &SharedState,
    ctx: &Ctx,
    input: &FilterInput,
    page: &mut Page,
) -> Result<(Option<Filter>, Choices), AppError> {
    let c = choices(state, ctx).await?;
    let teams: Vec<&str> = c.teams.iter().map(|(id, _)| id.as_str()).collect();
    let chairs: Vec<&str> = c.chairs.iter().map(|(id, _)| id.as_str()).collect();
    match input.check(state.ops.clock.today(), &teams, &chairs) {
        Ok(f) => Ok((Some(f), c)),
        Err(errors) => {
            page.errors = errors;
            Ok((None, c))
        }
    }
}

/// A figure of a table: its number and, for those who may see them, the link to the families
/// behind it.
pub struct Cell {
    pub value: String,
    pub href: Option<String>,
}

pub struct MeasureRow {
    pub label: String,
    pub rule_id: &'static str,
    pub in_time: Cell,
    pub late: Cell,
    pub pending: Cell,
    pub percent: String,
    pub reasons: Vec<(String, Cell)>,
}

/// A participation rate and the conferences behind it.
pub struct ParticipationRow {
    pub label: &'static str,
    pub rule_id: &'static str,
    pub part: u64,
    pub whole: u64,
    pub percent: String,
    pub conferences: Option<Cell>,
}

pub struct TrendTable {
    pub id: &'static str,
    pub caption: String,
    pub svg: String,
    pub key: Vec<(String, String)>,
    pub columns: Vec<String>,
    /// Month, then one value per column.
    pub rows: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "dashboards.html")]
struct DashboardPage<'a> {
    page: &'a Page,
    f: &'a FilterInput,
    choices: &'a Choices,
    d: Option<View>,
}

impl DashboardPage<'_> {
    fn categories(&self) -> &'static [PlanCategory] {
        PlanCategory::ALL
    }
    fn ages(&self) -> &'static [AgeBand] {
        AgeBand::ALL
    }
    fn sexes(&self) -> &'static [Gender] {
        Gender::ALL
    }
    fn disabilities(&self) -> &'static [DisabilityFilter] {
        DisabilityFilter::ALL
    }
}

struct View {
    period: String,
    /// When the figures were counted (UK time): they may be up to a minute old.
    counted_at: String,
    query: String,
    measures: Vec<MeasureRow>,
    by_category: Vec<(String, Cell)>,
    started: Cell,
    repeat: Cell,
    repeat_percent: String,
    ended: Cell,
    within_three: Cell,
    within_three_percent: String,
    two_years: Cell,
    two_years_percent: String,
    by_length: Vec<(String, Cell)>,
    held: String,
    participation: Vec<ParticipationRow>,
    excluded: Cell,
    excluded_whole: u64,
    excluded_part: u64,
    exclusion_reasons: Vec<(String, Cell)>,
    dissent: Cell,
    dissent_percent: String,
    trends: Vec<TrendTable>,
    feedback: Option<FeedbackSummary>,
    audits: Option<AuditSummary>,
}

/// QA-01: the totals per audience, people asked and people who answered.
type FeedbackSummary = (Vec<crate::pages::feedback::Total>, i64, i64);
/// QA-03: open, completed, completed by grade (its words, number) and with an action overdue.
type AuditSummary = (u64, u64, Vec<(String, u64)>, u64);

fn pct(p: Option<u64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "-".to_owned())
}

fn view_of(d: &Dashboard, words: &Words) -> View {
    let q = d.filter.query();
    let link = |extra: String| d.may_list_families.then(|| format!("/dashboards/families?{q}&{extra}"));
    let cell = |n: u64, extra: String| Cell { value: n.to_string(), href: (n > 0).then(|| link(extra)).flatten() };
    let measures = d
        .timeliness
        .iter()
        .map(|m| {
            let key = m.measure.as_str();
            MeasureRow {
                label: m.measure.label_in(words),
                rule_id: m.measure.rule_id(),
                in_time: cell(m.in_time, format!("measure={key}&state=in-time")),
                late: cell(m.late, format!("measure={key}&state=late")),
                pending: cell(m.pending, format!("measure={key}&state=pending")),
                percent: pct(m.percent_in_time()),
                reasons: m
                    .reasons
                    .iter()
                    .map(|(r, n)| {
                        (r.label().to_owned(), cell(*n, format!("measure={key}&state=late&reason={}", r.as_str())))
                    })
                    .collect(),
            }
        })
        .collect();
    let o = &d.outcomes;
    let group = |g: PlanGroup, n: u64| cell(n, format!("group={}", g.as_str()));
    let by_category = o
        .by_category
        .iter()
        .map(|(c, n)| {
            let (label, key) = match c {
                Some(c) => (c.label().to_owned(), c.as_str()),
                None => ("No category recorded".to_owned(), "none"),
            };
            (label, cell(*n, format!("group=started&plan_category={key}")))
        })
        .collect();
    let by_length = o
        .by_length
        .iter()
        .map(|(b, n)| (b.label().to_owned(), cell(*n, format!("group=ended&length={}", b.as_str()))))
        .collect();
    let month_list = confer_domain::dashboards::Month::range(d.filter.from, d.filter.to);
    let months: Vec<String> = month_list.iter().map(|m| m.short()).collect();
    let long_months: Vec<String> = month_list.iter().map(|m| m.long()).collect();
    let mut trends = Vec::new();
    // Timeliness: the percentage in time of each measure, each month.
    {
        let series: Vec<Series> = d
            .timeliness_trend
            .iter()
            .map(|(m, points)| Series {
                name: m.label_in(words),
                values: points.iter().map(|p| p.percent_in_time().map(|v| v as f64)).collect(),
            })
            .collect();
        let svg = chart::line_chart(
            "timeliness-chart",
            "Percentage in time each month, by measure",
            "A line for each measure, one point for each month of the period with deadlines due. The same figures are in the table below.",
            &months,
            &series,
            100.0,
            "%",
        );
        let key = series.iter().enumerate().map(|(i, s)| (s.name.clone(), chart::style_words(i))).collect();
        let columns = d.timeliness_trend.iter().map(|(m, _)| format!("{} ({})", m.label_in(words), m.rule_id())).collect();
        let rows = long_months
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let values = d
                    .timeliness_trend
                    .iter()
                    .map(|(_, points)| {
                        let p = &points[i];
                        format!("{} ({} of {})", pct(p.percent_in_time()), p.in_time, p.in_time + p.late)
                    })
                    .collect();
                (label.clone(), values)
            })
            .collect();
        trends.push(TrendTable {
            id: "timeliness-trend",
            caption: "Percentage in time each month (in time of those due)".into(),
            svg,
            key,
            columns,
            rows,
        });
    }
    // Plans: started, ended and repeat plans each month.
    {
        let started: Vec<Option<f64>> = d.plan_trend.iter().map(|m| Some(m.started as f64)).collect();
        let ended: Vec<Option<f64>> = d.plan_trend.iter().map(|m| Some(m.ended as f64)).collect();
        let repeat: Vec<Option<f64>> = d.plan_trend.iter().map(|m| Some(m.repeat as f64)).collect();
        let top = d.plan_trend.iter().map(|m| m.started.max(m.ended)).max().unwrap_or(0);
        let y_max = nice_max(top);
        let series = vec![
            Series { name: "Plans started".into(), values: started },
            Series { name: "Plans ended".into(), values: ended },
            Series { name: "Repeat plans started".into(), values: repeat },
        ];
        let svg = chart::line_chart(
            "plans-chart",
            "Child protection plans started, ended and repeated each month",
            "Three lines, one point for each month of the period. The same figures are in the table below.",
            &months,
            &series,
            y_max,
            "",
        );
        let key = series.iter().enumerate().map(|(i, s)| (s.name.clone(), chart::style_words(i))).collect();
        let rows = d
            .plan_trend
            .iter()
            .map(|m| (m.month.long(), vec![m.started.to_string(), m.ended.to_string(), m.repeat.to_string()]))
            .collect();
        trends.push(TrendTable {
            id: "plan-trend",
            caption: "Child protection plans each month".into(),
            svg,
            key,
            columns: vec!["Started".into(), "Ended".into(), "Repeat plans started".into()],
            rows,
        });
    }
    // Participation: the percentage of each measure, each month.
    {
        let series: Vec<Series> = ParticipationMeasure::ALL
            .iter()
            .map(|m| Series {
                name: m.label().to_owned(),
                values: d.participation_trend.iter().map(|(_, t)| m.percent(t).map(|v| v as f64)).collect(),
            })
            .collect();
        let svg = chart::line_chart(
            "participation-chart",
            "Participation each month, as a percentage, by measure",
            "A line for each measure, one point for each month of the period with conferences held. The same figures are in the table below.",
            &months,
            &series,
            100.0,
            "%",
        );
        let key = series.iter().enumerate().map(|(i, s)| (s.name.clone(), chart::style_words(i))).collect();
        let mut columns: Vec<String> =
            ParticipationMeasure::ALL.iter().map(|m| format!("{} ({})", m.label(), m.rule_id())).collect();
        columns.push("Conferences held".into());
        let rows = d
            .participation_trend
            .iter()
            .map(|(m, t)| {
                let mut values: Vec<String> = ParticipationMeasure::ALL
                    .iter()
                    .map(|x| {
                        let (part, whole) = x.part_of(t);
                        format!("{} ({part} of {whole})", pct(x.percent(t)))
                    })
                    .collect();
                values.push(t.conferences.to_string());
                (m.long(), values)
            })
            .collect();
        trends.push(TrendTable {
            id: "participation-trend",
            caption: "Participation each month (of the conferences held that month)".into(),
            svg,
            key,
            columns,
            rows,
        });
    }
    let t = &d.participation;
    let held_group =
        |g: ParticipationGroup, extra: &str| cell(t.in_group(g), format!("participation={}{extra}", g.as_str()));
    let participation = ParticipationMeasure::ALL
        .iter()
        .map(|m| {
            let (part, whole) = m.part_of(t);
            ParticipationRow {
                label: m.label(),
                rule_id: m.rule_id(),
                part,
                whole,
                percent: pct(m.percent(t)),
                conferences: m.group().map(|g| held_group(g, "")),
            }
        })
        .collect();
    let exclusion_reasons = t
        .by_reason()
        .into_iter()
        .map(|(r, n)| {
            (
                r.label().to_owned(),
                cell(n, format!("participation={}&reason={}", ParticipationGroup::Excluded.as_str(), r.as_str())),
            )
        })
        .collect();
    View {
        held: t.conferences.to_string(),
        participation,
        excluded: held_group(ParticipationGroup::Excluded, ""),
        excluded_whole: t.excluded_whole,
        excluded_part: t.excluded_part,
        exclusion_reasons,
        dissent: held_group(ParticipationGroup::Dissent, ""),
        dissent_percent: pct(t.dissent_percent()),
        period: format!("{} to {}", view::long_date(&d.filter.from), view::long_date(&d.filter.to)),
        counted_at: format!(
            "{} on {}",
            confer_store::uk_time::clock_time(&d.counted_at),
            confer_store::uk_time::long_date(&d.counted_at)
        ),
        query: q.clone(),
        measures,
        by_category,
        started: group(PlanGroup::Started, o.started),
        repeat: group(PlanGroup::Repeat, o.repeat),
        repeat_percent: pct(o.repeat_percent()),
        ended: group(PlanGroup::Ended, o.ended),
        within_three: group(PlanGroup::EndedWithinThreeMonths, o.ended_within_three_months),
        within_three_percent: pct(o.within_three_months_percent()),
        two_years: group(PlanGroup::LastedTwoYears, o.lasted_two_years),
        two_years_percent: pct(o.two_years_percent()),
        by_length,
        trends,
        feedback: d.feedback.as_ref().map(|r| (crate::pages::feedback::totals_of(&r.totals), r.asked, r.answered)),
        audits: d.audits.as_ref().map(|a| {
            let grades = a
                .by_grade
                .iter()
                .map(|(g, n)| {
                    let label = match g.as_deref().map(|g| (g, confer_domain::quality::Grade::parse(g))) {
                        Some((_, Some(grade))) => grade.label().to_owned(),
                        Some((g, None)) => g.to_owned(),
                        None => "without a grade".to_owned(),
                    };
                    (label, *n)
                })
                .collect();
            (a.open, a.completed, grades, a.actions_overdue)
        }),
    }
}

/// The top of a count scale: a round number at or above `n`.
fn nice_max(n: u64) -> f64 {
    let n = n.max(4);
    let magnitude = 10u64.pow((n as f64).log10().floor() as u32);
    let step = [1, 2, 5, 10].iter().map(|s| s * magnitude).find(|s| n.div_ceil(*s) <= 5).unwrap_or(10 * magnitude);
    (n.div_ceil(step) * step) as f64
}

/// GET /dashboards
pub async fn show(State(state): State<SharedState>, ctx: Ctx, RawQuery(q): RawQuery) -> Result<Response, AppError> {
    let mut page = ctx.page("Dashboards", "/dashboards");
    let input = input_of(&pairs_of(q));
    let (filter, choices) = filter_of(&state, &ctx, &input, &mut page).await?;
    let Some(filter) = filter else {
        let mut res = view::render(&DashboardPage { page: &page, f: &input, choices: &choices, d: None });
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(res);
    };
    let d = ops::dashboard(&state.ops, &ctx.actor, filter).await?;
    Ok(view::render(&DashboardPage { page: &page, f: &input, choices: &choices, d: Some(view_of(&d, ctx.words)) }))
}

// ---------------------------------------------------------------------------------------
// CSV

fn csv_field(s: &str) -> String {
    // Quote every field; a leading formula character is made text (CSV injection).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn csv_of(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The tables of the dashboard a CSV can hold.
const TABLES: &[&str] = &[
    "timeliness",
    "late-reasons",
    "timeliness-trend",
    "plan-categories",
    "plan-lengths",
    "plan-outcomes",
    "plan-trend",
    "participation",
    "exclusions",
    "participation-trend",
];

/// The rows (with a header) of one table of the dashboard.
pub fn table_rows(d: &Dashboard, table: &str, words: &Words) -> Option<Vec<Vec<String>>> {
    let n = |v: u64| v.to_string();
    let o = &d.outcomes;
    let rows = match table {
        "timeliness" => {
            let mut rows = vec![vec![
                "Measure".into(),
                "Rule".into(),
                "In time".into(),
                "Late".into(),
                "Not yet due".into(),
                "Percentage in time".into(),
            ]];
            for m in &d.timeliness {
                rows.push(vec![
                    m.measure.label_in(words),
                    m.measure.rule_id().into(),
                    n(m.in_time),
                    n(m.late),
                    n(m.pending),
                    m.percent_in_time().map(|p| p.to_string()).unwrap_or_default(),
                ]);
            }
            rows
        }
        "late-reasons" => {
            let mut rows = vec![vec!["Measure".into(), "Rule".into(), "Reason".into(), "Number".into()]];
            for m in &d.timeliness {
                for (r, c) in &m.reasons {
                    rows.push(vec![m.measure.label_in(words), m.measure.rule_id().into(), r.label().into(), n(*c)]);
                }
            }
            rows
        }
        "timeliness-trend" => {
            let mut rows = vec![vec![
                "Month".into(),
                "Measure".into(),
                "Rule".into(),
                "In time".into(),
                "Late".into(),
                "Percentage in time".into(),
            ]];
            for (m, points) in &d.timeliness_trend {
                for p in points {
                    rows.push(vec![
                        format!("{:04}-{:02}", p.month.year, p.month.month),
                        m.label_in(words),
                        m.rule_id().into(),
                        n(p.in_time),
                        n(p.late),
                        p.percent_in_time().map(|p| p.to_string()).unwrap_or_default(),
                    ]);
                }
            }
            rows
        }
        "plan-categories" => {
            let mut rows = vec![vec!["Category".into(), "Plans started".into()]];
            for (c, v) in &o.by_category {
                rows.push(vec![c.map(|c| c.label()).unwrap_or("No category recorded").into(), n(*v)]);
            }
            rows
        }
        "plan-lengths" => {
            let mut rows = vec![vec!["Length".into(), "Plans ended".into()]];
            for (b, v) in &o.by_length {
                rows.push(vec![b.label().into(), n(*v)]);
            }
            rows
        }
        "plan-outcomes" => vec![
            vec!["Figure".into(), "Number".into(), "Percentage".into()],
            vec!["Plans started".into(), n(o.started), String::new()],
            vec![
                "Repeat plans (of those started)".into(),
                n(o.repeat),
                o.repeat_percent().map(|p| p.to_string()).unwrap_or_default(),
            ],
            vec!["Plans ended".into(), n(o.ended), String::new()],
            vec![
                "Ended within 3 months (of those ended)".into(),
                n(o.ended_within_three_months),
                o.within_three_months_percent().map(|p| p.to_string()).unwrap_or_default(),
            ],
            vec![
                "Ended after 2 years or more (of those ended)".into(),
                n(o.lasted_two_years),
                o.two_years_percent().map(|p| p.to_string()).unwrap_or_default(),
            ],
        ],
        "plan-trend" => {
            let mut rows =
                vec![vec!["Month".into(), "Plans started".into(), "Plans ended".into(), "Repeat plans started".into()]];
            for m in &d.plan_trend {
                rows.push(vec![
                    format!("{:04}-{:02}", m.month.year, m.month.month),
                    n(m.started),
                    n(m.ended),
                    n(m.repeat),
                ]);
            }
            rows
        }
        "participation" => {
            let t = &d.participation;
            let mut rows = vec![vec![
                "Measure".into(),
                "Rule".into(),
                "Number".into(),
                "Of".into(),
                "Percentage".into(),
                "Conferences".into(),
            ]];
            for m in ParticipationMeasure::ALL {
                let (part, whole) = m.part_of(t);
                rows.push(vec![
                    m.label().into(),
                    m.rule_id().into(),
                    n(part),
                    n(whole),
                    m.percent(t).map(|p| p.to_string()).unwrap_or_default(),
                    m.group().map(|g| n(t.in_group(g))).unwrap_or_default(),
                ]);
            }
            rows.push(vec!["Conferences held".into(), String::new(), n(t.conferences)]);
            rows
        }
        "exclusions" => {
            let t = &d.participation;
            let mut rows = vec![vec!["Figure".into(), "Rule".into(), "Number".into()]];
            rows.push(vec![
                "Conferences with a parent or carer excluded".into(),
                "EXC-01".into(),
                n(t.in_group(ParticipationGroup::Excluded)),
            ]);
            rows.push(vec!["Excluded from the whole conference".into(), "EXC-01".into(), n(t.excluded_whole)]);
            rows.push(vec!["Excluded from a part".into(), "EXC-03".into(), n(t.excluded_part)]);
            for (r, v) in t.by_reason() {
                rows.push(vec![format!("Reason: {}", r.label()), "EXC-02".into(), n(v)]);
            }
            rows.push(vec![
                "Conferences with a dissent recorded".into(),
                "DIS-01".into(),
                n(t.in_group(ParticipationGroup::Dissent)),
            ]);
            rows.push(vec!["Dissents recorded".into(), "DIS-01".into(), n(t.dissents)]);
            rows
        }
        "participation-trend" => {
            let mut rows = vec![vec!["Month".into(), "Conferences held".into()]];
            for m in ParticipationMeasure::ALL {
                rows[0].push(format!("{} ({})", m.label(), m.rule_id()));
                rows[0].push(format!("{}: of", m.label()));
            }
            rows[0].push("Exclusions".into());
            rows[0].push("Conferences with a dissent".into());
            for (month, t) in &d.participation_trend {
                let mut row = vec![format!("{:04}-{:02}", month.year, month.month), n(t.conferences)];
                for m in ParticipationMeasure::ALL {
                    let (part, whole) = m.part_of(t);
                    row.push(n(part));
                    row.push(n(whole));
                }
                row.push(n(t.excluded_whole + t.excluded_part));
                row.push(n(t.in_group(ParticipationGroup::Dissent)));
                rows.push(row);
            }
            rows
        }
        _ => return None,
    };
    Some(rows)
}

/// GET /dashboards/csv?table=…&(the filters)
pub async fn csv(State(state): State<SharedState>, ctx: Ctx, RawQuery(q): RawQuery) -> Result<Response, AppError> {
    let p = pairs_of(q);
    let table = match field(&p, "table") {
        t if t.is_empty() => "timeliness".to_owned(),
        t => t,
    };
    if !TABLES.contains(&table.as_str()) {
        return Err(AppError::BadRequest(format!(
            "There is no table called {table}: choose one of {}",
            TABLES.join(", ")
        )));
    }
    let mut page = ctx.page("Dashboards", "/dashboards");
    let (filter, _) = filter_of(&state, &ctx, &input_of(&p), &mut page).await?;
    let Some(filter) = filter else {
        let message = page.errors.0.first().map(|(_, m)| m.clone()).unwrap_or_default();
        return Err(AppError::BadRequest(message));
    };
    let d = ops::dashboard(&state.ops, &ctx.actor, filter).await?;
    let rows = table_rows(&d, &table, ctx.words).unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{table}-{}-{}.csv\"", d.filter.from, d.filter.to),
            ),
        ],
        csv_of(&rows),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// The families behind a figure

pub struct BehindRow {
    pub family_id: String,
    pub family_name: String,
    pub child: String,
    pub what: String,
    pub due_or_started: String,
    pub met_or_ended: String,
    pub reason: String,
}

/// What a list behind a figure lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deadlines,
    Plans,
    Conferences,
}

#[derive(Template)]
#[template(path = "dashboards_families.html")]
struct FamiliesPage<'a> {
    page: &'a Page,
    heading: String,
    period: String,
    back: String,
    kind: Kind,
    rows: Vec<BehindRow>,
    /// Where this page stands in the list, paged in SQL (issue 12).
    paging: Paging,
}

/// Where a page of a paged list stands, with the links to its neighbours (the same filters).
struct Paging {
    total: u64,
    page: u32,
    pages: u32,
    first: u64,
    last: u64,
    prev: Option<String>,
    next: Option<String>,
}

impl Paging {
    fn of<T>(p: &Pairs, found: &ops::BehindPage<T>) -> Paging {
        let kept: Pairs = p.iter().filter(|(k, _)| k != "page").cloned().collect();
        let link = |n: u32| {
            let mut q = kept.clone();
            q.push(("page".into(), n.to_string()));
            format!("/dashboards/families?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
        };
        let pages = found.pages();
        let per = ops::BEHIND_PAGE as u64;
        let first = u64::from(found.page - 1) * per + 1;
        Paging {
            total: found.total,
            page: found.page,
            pages,
            first,
            last: (first + found.rows.len() as u64).saturating_sub(1),
            prev: (found.page > 1).then(|| link((found.page - 1).min(pages))),
            next: (found.page < pages).then(|| link(found.page + 1)),
        }
    }
}

/// The page asked for (`page`, from 1; anything else is the first).
fn page_of(p: &Pairs) -> u32 {
    field(p, "page").parse::<u32>().ok().filter(|n| (1..1_000_000).contains(n)).unwrap_or(1)
}

/// GET /dashboards/families?(the filters)&measure=…&state=…[&reason=…] or &group=…[&plan_category=…][&length=…]
pub async fn families(State(state): State<SharedState>, ctx: Ctx, RawQuery(q): RawQuery) -> Result<Response, AppError> {
    let p = pairs_of(q);
    let mut page = ctx.page("Families behind a figure", "/dashboards");
    // The policy first: the filters' choices are not read for those who may not see this.
    if !ctx.may(confer_domain::access::Action::ListDashboardFamilies) {
        return Err(AppError::Forbidden);
    }
    let (filter, _) = filter_of(&state, &ctx, &input_of(&p), &mut page).await?;
    let Some(filter) = filter else {
        let message = page.errors.0.first().map(|(_, m)| m.clone()).unwrap_or_default();
        return Err(AppError::BadRequest(message));
    };
    let back = format!("/dashboards?{}", filter.query());
    let period = format!("{} to {}", view::long_date(&filter.from), view::long_date(&filter.to));
    let measure = field(&p, "measure");
    let held = field(&p, "participation");
    let paging: Paging;
    let (heading, kind, rows) = if !held.is_empty() {
        let group = ParticipationGroup::parse(&held)
            .ok_or_else(|| AppError::BadRequest("Choose a participation figure of the dashboard".into()))?;
        let reason = match field(&p, "reason") {
            r if r.is_empty() => None,
            r => Some(
                ExclusionReason::parse(&r)
                    .ok_or_else(|| AppError::BadRequest("Choose a reason from the list".into()))?,
            ),
        };
        let found = ops::conferences_behind(&state.ops, &ctx.actor, &filter, group, reason, page_of(&p)).await?;
        paging = Paging::of(&p, &found);
        let heading = match reason {
            Some(r) => format!("{}: {}", group.label(), r.label().to_lowercase()),
            None => group.label().to_owned(),
        };
        let rows: Vec<BehindRow> = found
            .rows
            .into_iter()
            .map(|r| {
                let t = &r.totals;
                let what = ParticipationMeasure::ALL
                    .iter()
                    .filter(|m| m.part_of(t).1 > 0)
                    .map(|m| {
                        let (part, whole) = m.part_of(t);
                        format!("{}: {part} of {whole}", m.label())
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let reasons = t
                    .by_reason()
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(r, _)| r.label())
                    .collect::<Vec<_>>()
                    .join("; ");
                BehindRow {
                    family_id: r.family_id,
                    family_name: r.family_name,
                    child: String::new(),
                    what,
                    due_or_started: view::long_date(&r.held_on),
                    met_or_ended: if t.dissents > 0 { format!("{} dissent(s)", t.dissents) } else { "None".into() },
                    reason: reasons,
                }
            })
            .collect();
        (heading, Kind::Conferences, rows)
    } else if !measure.is_empty() {
        let measure =
            Measure::parse(&measure).ok_or_else(|| AppError::BadRequest("Choose a measure of the dashboard".into()))?;
        let st = Timeliness::parse(&field(&p, "state"))
            .ok_or_else(|| AppError::BadRequest("Choose in time, late or not yet due".into()))?;
        let reason = match field(&p, "reason") {
            r if r.is_empty() => None,
            r => Some(
                BreachReason::parse(&r).ok_or_else(|| AppError::BadRequest("Choose a reason from the list".into()))?,
            ),
        };
        let found = ops::deadlines_behind(&state.ops, &ctx.actor, &filter, measure, st, reason, page_of(&p)).await?;
        paging = Paging::of(&p, &found);
        let heading = match reason {
            Some(r) => format!("{}: {} ({})", measure.label_in(ctx.words), st.label().to_lowercase(), r.label()),
            None => format!("{}: {}", measure.label_in(ctx.words), st.label().to_lowercase()),
        };
        let rows: Vec<BehindRow> = found
            .rows
            .into_iter()
            .map(|r| BehindRow {
                family_id: r.family_id,
                family_name: r.family_name,
                child: String::new(),
                what: format!("{} ({})", ctx.words.reword(r.rule.label()), r.rule.rule_id()),
                due_or_started: view::long_date(&r.due),
                met_or_ended: r.met.as_ref().map(view::long_date).unwrap_or_else(|| "Not yet".into()),
                reason: r.late_reason.map(|x| x.label().to_owned()).unwrap_or_default(),
            })
            .collect();
        (heading, Kind::Deadlines, rows)
    } else {
        let group = PlanGroup::parse(&field(&p, "group"))
            .ok_or_else(|| AppError::BadRequest("Choose a figure of the dashboard".into()))?;
        let category = match field(&p, "plan_category") {
            c if c.is_empty() => None,
            c if c == "none" => Some(None),
            c => Some(Some(
                PlanCategory::parse(&c)
                    .ok_or_else(|| AppError::BadRequest("Choose a category from the list".into()))?,
            )),
        };
        let length = match field(&p, "length") {
            l if l.is_empty() => None,
            l => Some(
                LengthBand::parse(&l).ok_or_else(|| AppError::BadRequest("Choose a length from the list".into()))?,
            ),
        };
        let found = ops::plans_behind(&state.ops, &ctx.actor, &filter, group, category, length, page_of(&p)).await?;
        paging = Paging::of(&p, &found);
        let mut heading = group.label().to_owned();
        if let Some(c) = category {
            heading.push_str(&format!(": {}", c.map(|c| c.label()).unwrap_or("no category recorded")));
        }
        if let Some(l) = length {
            heading.push_str(&format!(": lasting {}", l.label().to_lowercase()));
        }
        let rows: Vec<BehindRow> = found
            .rows
            .into_iter()
            .map(|r| BehindRow {
                family_id: r.family_id,
                family_name: r.family_name,
                child: r.child_name,
                what: r.category.map(|c| c.label().to_owned()).unwrap_or_else(|| "No category recorded".into()),
                due_or_started: view::long_date(&r.started),
                met_or_ended: r.ended.as_ref().map(view::long_date).unwrap_or_else(|| "Not ended".into()),
                reason: if r.previous_plans > 0 { format!("{} before", r.previous_plans) } else { "None".into() },
            })
            .collect();
        (heading, Kind::Plans, rows)
    };
    page.title = heading.clone();
    Ok(view::render(&FamiliesPage {
        page: &page,
        heading,
        period,
        back,
        kind,
        rows,
        paging,
    }))
}
