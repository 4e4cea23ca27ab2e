//! Quality assurance audit pages (QA-03): the audits and the form that draws a sample, one
//! conference's audit (findings, grade, actions, completion and follow-up), and the checklist.
//! Thin adapters over `confer_ops::quality`; a refused form comes back with what was typed.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::ConferenceKind;
use confer_domain::quality::{Answer, ConferenceAudit, Grade, Met, SampleSize};
use confer_ops::quality::{self, SampleInput};
use confer_ops::OpsError;
use confer_store::quality::AuditRow;
use serde::Deserialize;

use super::form::{field, pairs_of, version_of, with_status};

/// Reads a date typed as DD/MM/YYYY or YYYY-MM-DD.
fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| s.parse()).ok()
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    seed: Option<String>,
}

/// What was typed into the sample form.
#[derive(Default, Clone)]
pub struct SampleForm {
    pub kind: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub n: String,
    pub seed: String,
}

#[derive(Template)]
#[template(path = "quality.html")]
struct ListView<'a> {
    page: &'a Page,
    rows: &'a [AuditRow],
    f: &'a SampleForm,
    may_audit: bool,
    today: String,
    /// QA-01: the last three months' feedback, for those who may see it.
    feedback: Option<crate::pages::feedback::Summary>,
}

impl ListView<'_> {
    fn kinds(&self) -> &'static [ConferenceKind] {
        ConferenceKind::ALL
    }
    fn overdue(&self, r: &AuditRow) -> bool {
        r.open_action_due.as_deref().is_some_and(|d| d < self.today.as_str())
    }
}

async fn list_view(
    state: &SharedState,
    ctx: &Ctx,
    mut page: Page,
    f: &SampleForm,
    status: StatusCode,
) -> Result<Response, AppError> {
    let rows = quality::list(&state.ops, &ctx.actor).await?;
    page.title = "Quality audits".into();
    let today = state.ops.clock.today().to_string();
    let feedback = crate::pages::feedback::summary(state, ctx).await?;
    let v = ListView { page: &page, rows: &rows, f, may_audit: ctx.may(Action::AuditConferences), today, feedback };
    Ok(with_status(view::render(&v), status))
}

/// GET /quality
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Quality audits", "/quality");
    if let Some(d) = q.done {
        let seed = q.seed.unwrap_or_default();
        page.notice = Some(format!(
            "Sample drawn: {d} to audit, listed below. Its seed is {seed}: the same period, kind, size and seed draw the same conferences again."
        ));
    }
    let f = SampleForm { by: "percent".into(), n: "5".into(), ..SampleForm::default() };
    list_view(&state, &ctx, page, &f, StatusCode::OK).await
}

/// POST /quality/samples
pub async fn draw(State(state): State<SharedState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let f = SampleForm {
        kind: field(&p, "kind"),
        from: field(&p, "from"),
        to: field(&p, "to"),
        by: field(&p, "by"),
        n: field(&p, "n"),
        seed: field(&p, "seed"),
    };
    let mut page = ctx.page("Quality audits", "/quality");
    let from = date_of(&f.from);
    let to = date_of(&f.to);
    if from.is_none() {
        page.errors.add("from", "Enter the first day of the period, like 01/11/2026");
    }
    if to.is_none() {
        page.errors.add("to", "Enter the last day of the period, like 30/11/2026");
    }
    let kind = match f.kind.as_str() {
        "" => None,
        k if ConferenceKind::parse(k).is_some() => Some(k.to_owned()),
        _ => {
            page.errors.add("kind", "Choose a kind of conference from the list");
            None
        }
    };
    let n: Option<u32> = f.n.parse().ok();
    let size = match (f.by.as_str(), n) {
        ("percent", Some(n)) => Some(SampleSize::Percent(n)),
        ("count", Some(n)) => Some(SampleSize::Count(n)),
        _ => {
            page.errors.add("n", "Enter how many to sample as a whole number, and choose a percentage or a number");
            None
        }
    };
    let seed = match f.seed.as_str() {
        "" => None,
        s => match s.parse::<u64>() {
            Ok(v) => Some(v),
            Err(_) => {
                page.errors.add("seed", "Enter the seed as a whole number, or leave it empty for a new sample");
                None
            }
        },
    };
    if let (true, Some(from), Some(to), Some(size)) = (page.errors.is_empty(), from, to, size) {
        match quality::draw(&state.ops, &ctx.actor, SampleInput { kind, from, to, size, seed }).await {
            Ok(d) => {
                return Ok(Redirect::to(&format!("/quality?done={}&seed={}", d.chosen.len(), d.seed)).into_response())
            }
            Err(OpsError::Invalid { field, message }) => {
                page.errors.add(if field == "size" { "n" } else { field }, message)
            }
            Err(e) => return Err(e.into()),
        }
    }
    list_view(&state, &ctx, page, &f, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "quality_audit.html")]
struct AuditView<'a> {
    page: &'a Page,
    id: &'a str,
    a: &'a ConferenceAudit,
    version: i64,
    may_audit: bool,
    today: NaiveDate,
    /// What was typed into the action form, kept when refused.
    action_typed: (&'a str, &'a str, &'a str),
}

impl AuditView<'_> {
    fn mets(&self) -> &'static [Met] {
        Met::ALL
    }
    fn grades(&self) -> &'static [Grade] {
        Grade::ALL
    }
    fn is_met(&self, i: &usize, m: &Met) -> bool {
        self.a.answers.get(*i).and_then(|a| a.met) == Some(*m)
    }
    fn finding(&self, i: &usize) -> &str {
        self.a.answers.get(*i).map(|a| a.finding.as_str()).unwrap_or("")
    }
    fn answer(&self, i: &usize) -> Option<&Answer> {
        self.a.answers.get(*i)
    }
    fn overdue(&self, act: &confer_domain::quality::QaAction) -> bool {
        act.is_overdue(self.today)
    }
    fn is_grade(&self, g: &Grade) -> bool {
        self.a.grade == Some(*g)
    }
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn open(&self) -> bool {
        self.a.completed_on.is_none()
    }
    fn score(&self) -> String {
        let (met, applied) = self.a.score();
        format!("{met} of {applied} met")
    }
}

async fn audit_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    page: Page,
    typed: Option<ConferenceAudit>,
    action_typed: (&str, &str, &str),
    status: StatusCode,
) -> Result<Response, AppError> {
    let (stored, version) = quality::view(&state.ops, &ctx.actor, id).await?;
    let a = typed.unwrap_or(stored);
    let v = AuditView {
        page: &page,
        id,
        a: &a,
        version,
        may_audit: ctx.may(Action::AuditConferences),
        today: state.ops.clock.today(),
        action_typed,
    };
    Ok(with_status(view::render(&v), status))
}

/// GET /quality/audits/{audit_id}
pub async fn audit(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Conference audit", "/quality");
    page.notice = q.done.map(|d| match d.as_str() {
        "completed" => "The audit is complete. Follow its actions up below.".to_owned(),
        _ => "Saved.".to_owned(),
    });
    audit_view(&state, &ctx, &id, page, None, ("", "", ""), StatusCode::OK).await
}

fn status_of(e: &OpsError) -> Option<StatusCode> {
    match e {
        OpsError::Invalid { .. } | OpsError::Declined { .. } => Some(StatusCode::UNPROCESSABLE_ENTITY),
        OpsError::Conflict { .. } => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

fn message_of(e: &OpsError) -> String {
    match e {
        OpsError::Conflict { .. } => {
            "Someone else changed this audit since you opened it. What you typed is below: check the audit and save again.".into()
        }
        other => other.to_string(),
    }
}

/// POST /quality/audits/{audit_id}/findings: `met-N`, `finding-N`, `grade`, `summary`, and
/// `complete` to complete it after saving.
pub async fn findings(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let (current, _) = quality::view(&state.ops, &ctx.actor, &id).await?;
    let version = version_of(&p);
    let answers: Vec<Answer> = (1..=current.questions.len())
        .map(|n| Answer {
            met: Met::parse(&field(&p, &format!("met-{n}"))),
            finding: field(&p, &format!("finding-{n}")),
        })
        .collect();
    let grade = Grade::parse(&field(&p, "grade"));
    let summary = field(&p, "summary");
    let completing = !field(&p, "complete").is_empty();
    let mut typed = current.clone();
    typed.answers = answers.clone();
    typed.grade = grade;
    typed.summary = summary.clone();
    let saved = quality::record_findings(&state.ops, &ctx.actor, &id, version, answers, grade, &summary).await;
    let result = match saved {
        Ok(v) if completing => quality::complete(&state.ops, &ctx.actor, &id, v).await.map(|_| "completed"),
        Ok(_) => Ok("saved"),
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/quality/audits/{}?done={done}", view::url_encode(&id))).into_response()),
        Err(e) => match status_of(&e) {
            Some(status) => {
                let mut page = ctx.page("Conference audit", "/quality");
                let at = match &e {
                    OpsError::Invalid { field: "grade", .. } => "grade",
                    _ => "met-1",
                };
                page.errors.add(at, message_of(&e));
                audit_view(&state, &ctx, &id, page, Some(typed), ("", "", ""), status).await
            }
            None => Err(e.into()),
        },
    }
}

/// POST /quality/audits/{audit_id}/actions: `what`, `owner`, `due`.
pub async fn add_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let (what, owner, due_text) = (field(&p, "what"), field(&p, "owner"), field(&p, "due"));
    let version = version_of(&p);
    let mut page = ctx.page("Conference audit", "/quality");
    let result = match date_of(&due_text) {
        None => {
            page.errors.add("due", "Enter the date the action is due, like 31/01/2027");
            None
        }
        Some(due) => Some(quality::add_action(&state.ops, &ctx.actor, &id, version, &what, &owner, due).await),
    };
    match result {
        Some(Ok(_)) => {
            Ok(Redirect::to(&format!("/quality/audits/{}?done=action", view::url_encode(&id))).into_response())
        }
        Some(Err(e)) => match status_of(&e) {
            Some(status) => {
                let at = match &e {
                    OpsError::Invalid { field, .. } => field,
                    _ => "what",
                };
                page.errors.add(at, message_of(&e));
                audit_view(&state, &ctx, &id, page, None, (&what, &owner, &due_text), status).await
            }
            None => Err(e.into()),
        },
        None => {
            audit_view(&state, &ctx, &id, page, None, (&what, &owner, &due_text), StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// POST /quality/audits/{audit_id}/actions/done: `number`, `note`.
pub async fn action_done(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let version = version_of(&p);
    let number: usize = field(&p, "number").parse().unwrap_or(0);
    let note = field(&p, "note");
    match quality::action_done(&state.ops, &ctx.actor, &id, version, number, &note).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/quality/audits/{}?done=followed-up", view::url_encode(&id))).into_response())
        }
        Err(e) => match status_of(&e) {
            Some(status) => {
                let mut page = ctx.page("Conference audit", "/quality");
                page.errors.add(&format!("note-{number}"), message_of(&e));
                audit_view(&state, &ctx, &id, page, None, ("", "", ""), status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "quality_checklist.html")]
struct ChecklistView<'a> {
    page: &'a Page,
    text: &'a str,
    version: i64,
    may_change: bool,
}

/// GET /quality/checklist
pub async fn checklist(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Audit checklist", "/quality");
    if q.done.is_some() {
        page.notice = Some("The checklist was saved. Audits already begun keep the questions they began with.".into());
    }
    let (c, version) = quality::checklist(&state.ops, &ctx.actor).await?;
    let text = c.questions.join("\n");
    let may_change = ctx.may(Action::ManageQualityChecklist);
    Ok(view::render(&ChecklistView { page: &page, text: &text, version, may_change }))
}

/// POST /quality/checklist: `questions` (one a line), `version`.
pub async fn save_checklist(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let text = p.iter().find(|(n, _)| n == "questions").map(|(_, v)| v.clone()).unwrap_or_default();
    let version = version_of(&p);
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match quality::save_checklist(&state.ops, &ctx.actor, &lines, version).await {
        Ok(_) => Ok(Redirect::to("/quality/checklist?done=1").into_response()),
        Err(e) => match status_of(&e) {
            Some(status) => {
                let mut page = ctx.page("Audit checklist", "/quality");
                page.errors.add("questions", message_of(&e));
                // On a conflict the form carries the current version, so saving again (after
                // checking) is possible; what was typed is kept either way.
                let version = match e {
                    OpsError::Conflict { current_version } => current_version,
                    _ => version,
                };
                let v = ChecklistView { page: &page, text: &text, version, may_change: true };
                Ok(with_status(view::render(&v), status))
            }
            None => Err(e.into()),
        },
    }
}
