//! The record as a GOV.UK task list (issue 11): `/conferences/{id}/record` is a summary (where
//! the record stands, the dates it is due by) and the record's tasks from the domain
//! (`Conference::record_tasks`): the written outcome (DEC-05), the draft and each of its
//! sections (MIN-01), the chair's approval (MIN-02), sending it (MIN-03) and corrections
//! (MIN-04/05). Each is its own page ([`task_pages`]); the forms keep posting to their routes
//! ([`forms`], and `pages/conference/forms.rs` for the draft, approval and sending), and a
//! refused one comes back on its task's page with the error and what was typed.

pub mod forms;
pub mod task_pages;

pub use forms::*;

use crate::api_conferences::{Allowed, Rules};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conference::summary::DoneQuery;
use crate::pages::conferences::{allow, may, state_tag, to_app, user_names, Kept};
use crate::pages::meeting::Row;
use crate::uk_time;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_domain::UserId;
use confer_store::conferences::{self, Stored};

/// Who may do what on the record's pages (only to show the forms; the domain decides).
pub struct MayRecord {
    pub arrange: bool,
    pub chair: bool,
    pub record: bool,
    /// Writes and edits the draft: the note taker or the chair (the domain decides; a
    /// coordinator, who may record the meeting, does not write the record).
    pub edit: bool,
    pub views: bool,
}

impl MayRecord {
    pub fn of(ctx: &Ctx, a: &Allowed) -> MayRecord {
        let record = may(ctx, a, Action::RecordMeeting);
        let chair = may(ctx, a, Action::ChairConference);
        MayRecord {
            arrange: may(ctx, a, Action::ArrangeConference),
            chair,
            record,
            edit: record && (ctx.actor.roles.contains(&confer_domain::Role::NoteTaker) || chair),
            views: may(ctx, a, Action::GatherViews),
        }
    }
}

/// The page of a record task, under `/conferences/{id}/record`.
pub fn path_of(id: &str, task: RecordTask) -> String {
    match task {
        RecordTask::Section(n) => format!("/conferences/{id}/record/sections/{n}"),
        other => format!("/conferences/{id}/record/{}", other.slug()),
    }
}

/// The page that shows a record form (again, when it is refused).
pub fn page_of_form(form: &str) -> &'static str {
    match form {
        "outcome" => "outcome",
        "draft" => "draft",
        "add-discussion" => "sections",
        "approve" => "approve",
        "distribute" => "distribute",
        "correction-request" => "corrections",
        f if f.starts_with("section-") => "section",
        f if f.starts_with("answer-") => "answer",
        _ => "",
    }
}

/// Where a record form that succeeded sends the person: the outcome and the record are sent
/// one person after another, so those pages again; a correction request and its answer, the
/// corrections; anything else, the record's task list.
pub fn after(id: &str, form: &str) -> String {
    match page_of_form(form) {
        "outcome" => format!("/conferences/{id}/record/outcome"),
        "distribute" => format!("/conferences/{id}/record/distribute"),
        "corrections" | "answer" => format!("/conferences/{id}/record/corrections"),
        _ => format!("/conferences/{id}/record"),
    }
}

/// A refused record form: its task's page with the errors and what was typed.
pub async fn refused(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    form: &str,
    errors: FormErrors,
    kept: &Kept,
) -> Result<Response, AppError> {
    let number = |prefix: &str| form.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    let page = match page_of_form(form) {
        "" => return record_page(state, ctx, id, errors, kept, None).await,
        "section" => task_pages::Shown::Section(number("section-")),
        "answer" => task_pages::Shown::Answer(number("answer-") as u32),
        other => task_pages::Shown::parse(other),
    };
    task_pages::task_page(state, ctx, id, page, errors, kept, None).await
}

/// The notice after a record form succeeded.
pub fn notice_for(done: &str) -> Option<String> {
    let text = match done {
        "outcome" => "The outcome has been recorded as sent.",
        "draft" => "The draft record has been written from the meeting. Check and edit each section.",
        "approve" => "The record has been approved. The coordinator can now send it.",
        "distribute" => "The record has been sent.",
        "correction-request" => "The correction request has been recorded. The chair answers it.",
        "add-discussion" => "The point has been added to the discussion in the draft.",
        d if d.starts_with("section-") => "The section has been saved.",
        d if d.starts_with("answer-") => "Your answer to the correction request has been recorded.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// The record's task list for this person: each task's link only for those the policy lets
/// open its page. Sections link to their edit page while a draft, to the approved record after.
pub fn task_rows(ctx: &Ctx, a: &Allowed, id: &str, c: &Conference, today: chrono::NaiveDate) -> Vec<Row> {
    let may_record = may(ctx, a, Action::RecordMeeting);
    let may_chair = may(ctx, a, Action::ChairConference);
    let approved = c.record().latest();
    let sections = approved.map(|v| &v.sections).or(c.record().draft.as_ref().map(|d| &d.sections));
    c.record_tasks(today)
        .into_iter()
        .map(|t| {
            let open = t.status != TaskStatus::CannotStart;
            let (name, href) = match t.task {
                RecordTask::Outcome => ("Send the written outcome".to_owned(), open.then(|| path_of(id, t.task))),
                RecordTask::Draft => {
                    ("Write the draft from the meeting".to_owned(), (open && may_record).then(|| path_of(id, t.task)))
                }
                RecordTask::Section(n) => {
                    let s = sections.and_then(|s| s.get(n - 1));
                    let mut name = format!("{n}. {}", s.map(|s| s.heading.as_str()).unwrap_or(""));
                    if s.is_some_and(|s| s.restricted) {
                        name.push_str(" (restricted)");
                    }
                    let href = match approved {
                        Some(_) => Some(format!("/conferences/{id}/record/versions#section-{n}")),
                        None => may_record.then(|| path_of(id, t.task)),
                    };
                    (name, href)
                }
                RecordTask::Approve => {
                    ("The chair's approval".to_owned(), (open && may_chair).then(|| path_of(id, t.task)))
                }
                RecordTask::Distribute => ("Send the record".to_owned(), open.then(|| path_of(id, t.task))),
                RecordTask::Corrections => ("Corrections asked for".to_owned(), open.then(|| path_of(id, t.task))),
            };
            let mut hint = t.hint.unwrap_or("").to_owned();
            if t.late {
                hint = "Late: past the date the rules set".into();
            }
            Row::new(t.task.slug(), name, href, t.status, Some(&hint))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage<'a> {
    page: &'a Page,
    id: &'a str,
    family_name: String,
    kind: String,
    state: String,
    state_tag: &'static str,
    closed: bool,
    status: String,
    record_due_by: String,
    outcome_due_by: String,
    approved: bool,
    tasks: Vec<Row>,
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    record_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

/// The summary and the task list. It reads the conference, the authority's kept rules (for the
/// date the record is due) and the names of its staff (who approved it).
pub async fn record_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    _kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::ViewConference, id).await?;
    let Stored { conference: c, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let (names, _) = user_names(state, ctx).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let name = |u: &UserId| names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());
    let rec = c.record();
    let status = match (rec.latest(), &rec.draft) {
        (Some(v), _) => format!(
            "Version {} approved by {} on {}",
            v.number,
            name(&v.approved_by),
            uk_time::long_instant(&v.approved_at)
        ),
        (None, Some(d)) => format!("Draft written by {}, waiting for the chair's approval", name(&d.written_by)),
        (None, None) if c.state() == ConferenceState::Closed => "Not written yet".into(),
        (None, None) => "The record is written after the conference closes".into(),
    };
    let today = state.ops.clock.today();
    let mut page =
        ctx.page(&format!("The record: {} for the {}", ctx.words.kind(c.kind()), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for).map(|n| ctx.words.reword(&n));
    Ok(view::render(&RecordPage {
        page: &page,
        id,
        family_name: a.owner.family_name.clone(),
        kind: ctx.words.kind(c.kind()).to_owned(),
        state: c.state().label().to_owned(),
        state_tag: state_tag(c.state()),
        closed: c.state() == ConferenceState::Closed,
        status,
        record_due_by: c
            .date()
            .and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar))
            .map(|d| view::long_date(&d))
            .unwrap_or_default(),
        outcome_due_by: c.outcome_due_by().map(|d| view::long_date(&d)).unwrap_or_default(),
        approved: rec.latest().is_some(),
        tasks: task_rows(ctx, &a, id, &c, today),
    }))
}
