//! England's Children in Need census (issue 15): a child's census details (UPN or why none,
//! date of death, each episode from referral to closure with its assessment and an enquiry
//! that led to no conference), and the returns page where quality assurance and service
//! managers choose a year, read the DfE rules' findings with links to where each is fixed,
//! and download the XML or CSV. Thin adapters over `confer_ops::census`.

// The template's choice lists compare a held code (a String) with each listed code (a &str) as
// text; askama's generated code does that with `to_string()` on both sides.
#![allow(clippy::cmp_owned)]

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::census::{CensusForm, Finding, CLOSURE_REASONS, PRIMARY_NEEDS, REFERRAL_SOURCES, UPN_UNKNOWN};
use confer_ops::census::{self, By, Exported, Format, SaveCensusError};
use confer_ops::OpsError;
use confer_store::census::StoredEpisode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "child_census.html")]
struct ChildCensusPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    child_id: &'a str,
    child_name: &'a str,
    episodes: &'a [StoredEpisode],
    f: &'a CensusForm,
    version: i64,
    upn_unknown: &'static [(&'static str, &'static str)],
    sources: &'static [(&'static str, &'static str)],
    needs: &'static [(&'static str, &'static str)],
    reasons: &'static [(&'static str, &'static str)],
}

impl ChildCensusPage<'_> {
    fn label_of(&self, list: &[(&str, &'static str)], code: &str) -> String {
        list.iter().find(|(c, _)| *c == code).map(|(c, l)| format!("{c}: {l}")).unwrap_or_else(|| code.to_owned())
    }
}

#[derive(Deserialize, Default)]
pub struct EpisodeQuery {
    #[serde(default)]
    episode: Option<String>,
}

/// The form posted: the census fields and the family's version.
#[derive(Deserialize, Default)]
pub struct PostedCensus {
    #[serde(flatten)]
    form: CensusForm,
    #[serde(default)]
    version: String,
}

async fn child_name(state: &SharedState, family_id: &str, child_id: &str) -> Result<(String, i64), AppError> {
    let record = confer_store::families::family_record(&state.db, family_id).await?;
    let child = record.children.iter().find(|c| c.id.as_str() == child_id).ok_or(AppError::NotFound)?;
    Ok((format!("{} {}", child.given_name, child.family_name), record.version))
}

pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
    Query(q): Query<EpisodeQuery>,
) -> Result<Response, AppError> {
    let stored = census::child(&state.ops, &ctx.actor, &family_id, &child_id).await?;
    let (name, version) = child_name(&state, &family_id, &child_id).await?;
    let editing = match q.episode.as_deref().filter(|e| !e.is_empty()) {
        Some(id) => Some(stored.episodes.iter().find(|e| e.id == id).ok_or(AppError::NotFound)?),
        None => None,
    };
    let f = CensusForm::of(
        stored.upn.as_deref(),
        stored.upn_unknown.as_deref(),
        stored.death_date,
        editing.map(|e| (e.id.as_str(), &e.episode)),
    );
    let page = ctx.page(&format!("Census details: {name}"), "/families");
    Ok(render(&page, &family_id, &child_id, &name, &stored.episodes, &f, version))
}

fn render(
    page: &Page,
    family_id: &str,
    child_id: &str,
    name: &str,
    episodes: &[StoredEpisode],
    f: &CensusForm,
    version: i64,
) -> Response {
    view::render(&ChildCensusPage {
        page,
        family_id,
        child_id,
        child_name: name,
        episodes,
        f,
        version,
        upn_unknown: UPN_UNKNOWN,
        sources: REFERRAL_SOURCES,
        needs: PRIMARY_NEEDS,
        reasons: CLOSURE_REASONS,
    })
}

pub async fn save(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
    Form(posted): Form<PostedCensus>,
) -> Result<Response, AppError> {
    // The policy first: a form from someone who may not change the record is refused as such,
    // whatever it holds.
    ctx.authorize_record(&state, confer_domain::access::Action::EditFamilyRecord, &family_id).await?;
    let Ok(version) = posted.version.trim().parse::<i64>() else {
        return Err(AppError::BadRequest("The form is missing its version: reload the page and try again.".into()));
    };
    match census::save_child(&state.ops, &ctx.actor, &family_id, &child_id, &posted.form, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/families/{family_id}/children/{child_id}/census?saved=1")).into_response()),
        Err(SaveCensusError::Invalid(errors)) => {
            let stored = census::child(&state.ops, &ctx.actor, &family_id, &child_id).await?;
            let (name, _) = child_name(&state, &family_id, &child_id).await?;
            let mut page = ctx.page(&format!("Census details: {name}"), "/families");
            page.errors = errors;
            let res = render(&page, &family_id, &child_id, &name, &stored.episodes, &posted.form, version);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response())
        }
        Err(SaveCensusError::Ops(OpsError::Conflict { current_version })) => {
            // Keep what was typed; show what is saved now; saving again is a knowing choice.
            let stored = census::child(&state.ops, &ctx.actor, &family_id, &child_id).await?;
            let (name, _) = child_name(&state, &family_id, &child_id).await?;
            let mut page = ctx.page(&format!("Census details: {name}"), "/families");
            page.errors.add(
                "upn",
                "Someone else changed this family's record after you opened this page. Your changes have not been saved: they are still in the form below. Check the episodes listed above, then save again.",
            );
            let res = render(&page, &family_id, &child_id, &name, &stored.episodes, &posted.form, current_version);
            Ok((StatusCode::CONFLICT, res).into_response())
        }
        Err(SaveCensusError::Ops(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "returns_census.html")]
struct ReturnsPage<'a> {
    page: &'a Page,
    year: i32,
    report: Option<&'a census::CensusReport>,
    findings: &'a [Finding],
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    allow_errors: Option<String>,
}

fn year_from(state: &SharedState, q: &YearQuery) -> Result<i32, String> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(census::year_of(state.ops.clock.today()) - 1),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| "Enter the year the collection ends in as four digits, for example 2026".to_owned()),
    }
}

/// The returns page: the year chosen (the last finished collection year unless given), the
/// return's findings with links, and the downloads. Reading it reads every child of the
/// authority: logged as one list read naming the families found.
pub async fn returns(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Children in Need census", "/returns/census");
    let year = match year_from(&state, &q) {
        Ok(y) => y,
        Err(message) => {
            page.errors.add("year", message);
            let res = view::render(&ReturnsPage {
                page: &page,
                year: census::year_of(state.ops.clock.today()) - 1,
                report: None,
                findings: &[],
            });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response());
        }
    };
    let report = match census::report(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, year).await {
        Ok(r) => r,
        // Wales, Scotland and Northern Ireland: their returns are the register statistics.
        Err(OpsError::Declined { .. }) => return Ok(Redirect::to("/returns/register-stats").into_response()),
        Err(e) => return Err(e.into()),
    };
    let families: Vec<&str> = {
        let mut f: Vec<&str> = report.ret.children.iter().map(|c| c.family_id.as_str()).collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    confer_store::audit::log_list_read(&state.db, ctx.actor.authority_id.as_str(), ctx.actor_id(), "census", &families)
        .await?;
    Ok(view::render(&ReturnsPage { page: &page, year, report: Some(&report), findings: &report.findings }))
}

/// The file: XML (or CSV), refused with the errors listed when there are errors unless
/// `allow_errors=yes`. Audited by the operation.
pub async fn download(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_from(&state, &q).map_err(AppError::BadRequest)?;
    let format = match q.format.as_deref().unwrap_or("xml") {
        "xml" => Format::Xml,
        "csv" => Format::Csv,
        _ => return Err(AppError::BadRequest("format: choose xml or csv.".into())),
    };
    let allow = q.allow_errors.as_deref() == Some("yes");
    match census::export(&state.ops, By::Person(&ctx.actor), &ctx.actor.authority_id, year, format, allow).await? {
        Exported::Refused { .. } => Ok(Redirect::to(&format!("/returns/census?year={year}&refused=1")).into_response()),
        Exported::Written { bytes, report, .. } => {
            let name = format!("cin-census-{}-{}.{}", report.authority.code, year, format.as_str());
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(match format {
                    Format::Xml => "application/xml; charset=utf-8",
                    Format::Csv => "text/csv; charset=utf-8",
                }),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", view::url_encode(&name))) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
    }
}
