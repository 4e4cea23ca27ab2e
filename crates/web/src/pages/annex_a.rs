//! Ofsted's Annex A lists (issue 15): the page where quality assurance and service managers
//! choose a period, see how many rows each list has, and download the workbook or a list as
//! CSV. Thin adapters over `confer_ops::annex_a`; every download is audited there, and
//! reading the page is logged as a list read naming the families in it.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use confer_domain::annex_a::{ListNo, Period};
use confer_ops::annex_a::{self, AnnexA, Format};
use confer_ops::census::By;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "returns_annex_a.html")]
struct AnnexAPage<'a> {
    page: &'a Page,
    from: &'a str,
    to: &'a str,
    report: Option<&'a AnnexA>,
    lists: &'a [ListNo],
}

impl AnnexAPage<'_> {
    fn rows(&self, list: &ListNo) -> usize {
        self.report.map(|r| r.lists.rows(*list).len()).unwrap_or(0)
    }
    fn query(&self) -> String {
        self.report.map(|r| format!("from={}&to={}", r.period.from, r.period.to)).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

/// The period asked for; the six months to today when neither day is given.
fn period_from(state: &SharedState, q: &PeriodQuery) -> Result<Period, confer_domain::validate::FormErrors> {
    let (from, to) = (q.from.as_deref().unwrap_or(""), q.to.as_deref().unwrap_or(""));
    if from.trim().is_empty() && to.trim().is_empty() {
        return Ok(Period::six_months_to(state.ops.clock.today()));
    }
    Period::parse(from, to)
}

pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Ofsted Annex A lists", "/returns/census");
    let period = match period_from(&state, &q) {
        Ok(p) => p,
        Err(errors) => {
            // The gate has asked the policy (ExportReturns) before this runs.
            page.errors = errors;
            let res = view::render(&AnnexAPage {
                page: &page,
                from: q.from.as_deref().unwrap_or(""),
                to: q.to.as_deref().unwrap_or(""),
                report: None,
                lists: &ListNo::ALL,
            });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response());
        }
    };
    let (from, to) = (period.from.to_string(), period.to.to_string());
    // Opening the page offers the last six months; the lists are made when a period is asked
    // for ("Show the lists"). Making them reads every child of the authority (seconds for
    // 100,000 children), which opening the page to choose a period should not cost (issue 12).
    let asked = [&q.from, &q.to].iter().any(|d| d.as_deref().is_some_and(|d| !d.trim().is_empty()));
    if !asked {
        return Ok(view::render(&AnnexAPage { page: &page, from: &from, to: &to, report: None, lists: &ListNo::ALL }));
    }
    let report = annex_a::report(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, period).await?;
    let families: Vec<&str> = report.families.iter().map(String::as_str).collect();
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "annex-a",
        &families,
    )
    .await?;
    Ok(view::render(&AnnexAPage { page: &page, from: &from, to: &to, report: Some(&report), lists: &ListNo::ALL }))
}

/// The workbook (`format=xlsx`, the default) or one list as CSV (`format=csv-list5` ...).
pub async fn download(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = period_from(&state, &q)
        .map_err(|e| AppError::BadRequest(e.0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(". ")))?;
    let Some(format) = Format::parse(q.format.as_deref().unwrap_or("xlsx")) else {
        return Err(AppError::BadRequest("format: choose xlsx, csv-list5, csv-list6 or csv-list7.".into()));
    };
    let e = annex_a::export(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, period, format).await?;
    let name = format.file_name(&e.report.authority.code, period);
    let mut res = e.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(match format {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv(_) => "text/csv; charset=utf-8",
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", view::url_encode(&name))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
