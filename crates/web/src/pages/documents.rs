//! Downloads of the documents confer makes (issue 14): a recipient's copy of the record as it
//! was sent (staff, from the record's copies), and in the portal a family member's own copy of
//! the record and their outcome letter, as PDF or HTML, standard or large print, English or
//! (in Wales) Welsh. Each is logged and audited by the operation (REP-04, MIN-03).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view;
use crate::SharedState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use confer_docs::{Format, PrintSize};
use confer_domain::conference::DocumentLanguage;
use confer_ops::documents::{self as docs, Produced, Wanted};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct DocumentQuery {
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub print: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// The query read into what is wanted; a value that is not one of the choices names its field.
fn wanted(q: &DocumentQuery) -> Result<Wanted, &'static str> {
    let refuse = |m: &'static str| m;
    let format = match q.format.as_deref().filter(|s| !s.is_empty()) {
        None => Format::Pdf,
        Some(s) => Format::parse(s).ok_or_else(|| refuse("format: choose pdf or html."))?,
    };
    let size = match q.print.as_deref().filter(|s| !s.is_empty()) {
        None => PrintSize::Standard,
        Some(s) => PrintSize::parse(s).ok_or_else(|| refuse("print: choose standard or large."))?,
    };
    let language = match q.lang.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(DocumentLanguage::parse(s).ok_or_else(|| refuse("lang: choose en or cy."))?),
    };
    Ok(Wanted { format, size, language })
}

fn download(p: Produced) -> Response {
    let mut res = p.bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(p.media_type));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        p.file_name,
        view::url_encode(&p.file_name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(confer_domain::conference::DocumentLanguage::as_str(p.language)) {
        h.insert(header::CONTENT_LANGUAGE, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Staff: the record as sent to one recipient (EXC-06, REP-03, MEET-04), downloaded and logged.
pub async fn record_copy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, AppError> {
    let want = match wanted(&q) {
        Ok(w) => w,
        Err(m) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, m).into_response()),
    };
    let (names, _) = state.user_names(&ctx.actor.authority_id).await?;
    let n = number.parse::<usize>().unwrap_or(0);
    match docs::record_copy_as_sent(&state.ops, &ctx.actor, &id, n, want, &names).await? {
        Some(p) => Ok(download(p)),
        // Nothing sent under that number (yet): the record page's log of what was sent.
        None => Ok(Redirect::to(&format!("/conferences/{id}/record#distribution")).into_response()),
    }
}

/// Portal: the person's own copy of the record, the version last sent to them.
pub async fn own_record_copy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, AppError> {
    let want = match wanted(&q) {
        Ok(w) => w,
        Err(m) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, m).into_response()),
    };
    match docs::own_record_copy(&state.ops, &ctx.actor, &id, want).await? {
        Some(p) => Ok(download(p)),
        None => Ok(Redirect::to(&portal_page(&id, &q)).into_response()),
    }
}

/// Portal: the person's outcome letter (DEC-05, MEET-04, PLAN-06).
pub async fn own_outcome_letter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, AppError> {
    let want = match wanted(&q) {
        Ok(w) => w,
        Err(m) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, m).into_response()),
    };
    match docs::own_outcome_letter(&state.ops, &ctx.actor, &id, want).await? {
        Some(p) => Ok(download(p)),
        None => Ok(Redirect::to(&portal_page(&id, &q)).into_response()),
    }
}

fn portal_page(id: &str, q: &DocumentQuery) -> String {
    match q.lang.as_deref() {
        Some("cy") => format!("/portal/conferences/{id}?lang=cy"),
        _ => format!("/portal/conferences/{id}"),
    }
}
