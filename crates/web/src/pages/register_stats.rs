//! Child protection register statistics of Wales, Scotland and Northern Ireland (issue 15):
//! the returns page of an authority of those nations. The manager chooses the year, reads
//! the figures in the nation's words and downloads them as CSV (audited). Thin adapters over
//! `confer_ops::register_stats`.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use confer_ops::census::By;
use confer_ops::register_stats::{self, RegisterStats};
use confer_ops::OpsError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "returns_register_stats.html")]
struct StatsPage<'a> {
    page: &'a Page,
    year: &'a str,
    stats: Option<&'a RegisterStats>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

/// The year asked for, or the last one that has ended (Scotland's ends 31 July, the others' 31 March).
fn year_from(state: &SharedState, q: &YearQuery) -> Result<i32, String> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => {
            let today = state.ops.clock.today();
            Ok(if today.month() >= 8 { today.year() } else { today.year() - 1 })
        }
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| "Enter the year the statistics year ends in as four digits, for example 2026".to_owned()),
    }
}

pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Child protection register statistics", "/returns/census");
    let year = match year_from(&state, &q) {
        Ok(y) => y,
        Err(message) => {
            page.errors.add("year", message);
            let typed = q.year.clone().unwrap_or_default();
            let res = view::render(&StatsPage { page: &page, year: &typed, stats: None });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response());
        }
    };
    let stats = match register_stats::report(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, year).await {
        Ok(s) => s,
        Err(OpsError::Declined { message }) => {
            // An English authority: its return is the census.
            page.errors.add("year", message);
            let res = view::render(&StatsPage { page: &page, year: &year.to_string(), stats: None });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    page.title = format!("{} child protection register statistics", stats.authority.nation.label());
    Ok(view::render(&StatsPage { page: &page, year: &year.to_string(), stats: Some(&stats) }))
}

pub async fn download(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_from(&state, &q).map_err(AppError::BadRequest)?;
    let (bytes, _, stats) =
        match register_stats::export(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, year).await {
            Ok(x) => x,
            Err(OpsError::Declined { message }) => return Err(AppError::BadRequest(message)),
            Err(e) => return Err(e.into()),
        };
    let name = format!("register-statistics-{}-{}.csv", stats.authority.code, stats.year.year);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", view::url_encode(&name))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
