//! The live meeting as a GOV.UK task list (issue 11): `/conferences/{id}/meeting` is a summary
//! (who is present, the quorum, what is left) and the meeting's tasks in the order a chair runs
//! a conference, each with its status from the domain (`Conference::meeting_tasks`); each task
//! is its own page, `/conferences/{id}/meeting/{task}`, with its form ([`task_pages`]). The
//! forms keep posting to their routes ([`forms`]); a refused one comes back on its task's page
//! with the error and what was typed.

pub mod forms;
pub mod task_pages;

pub use forms::*;

use crate::api_conferences::{Allowed, Rules};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conference::summary::DoneQuery;
use crate::pages::conferences::{allow, invitation_rows, may, state_tag, to_app, Kept};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_store::conferences::{self, Stored};

/// A task as the list shows it (the fields `cm::task_list` reads).
pub struct Row {
    pub slug: String,
    pub name: String,
    pub href: Option<String>,
    pub status: &'static str,
    pub tag: Option<&'static str>,
    pub cannot_start: bool,
    pub hint: String,
}

impl Row {
    /// A row of a task list: its link only when the person may open its page.
    pub fn new(slug: String, name: String, href: Option<String>, status: TaskStatus, hint: Option<&str>) -> Row {
        Row {
            slug,
            name,
            href,
            status: status.label(),
            tag: match status {
                TaskStatus::NotStarted => Some("govuk-tag--blue"),
                TaskStatus::InProgress => Some("govuk-tag--light-blue"),
                TaskStatus::Completed | TaskStatus::CannotStart => None,
            },
            cannot_start: status == TaskStatus::CannotStart,
            hint: hint.unwrap_or("").to_owned(),
        }
    }
}

/// The path of a meeting task's page.
pub fn path_of(id: &str, task: MeetingTask) -> String {
    format!("/conferences/{id}/meeting/{}", task.as_str())
}

/// The task whose page shows a meeting form (again, when it is refused).
pub fn task_of_form(form: &str) -> Option<MeetingTask> {
    Some(match form {
        "attendance" => MeetingTask::Attendance,
        "discussion" | "correction" => MeetingTask::Discussion,
        "professional-view" | "parent-view" => MeetingTask::Views,
        "action" => MeetingTask::Plan,
        "decision" => MeetingTask::Decisions,
        "dissent" => MeetingTask::Dissent,
        "present" => MeetingTask::ChildrensViews,
        "legal" => MeetingTask::Recommendations,
        "close" => MeetingTask::Close,
        _ => return None,
    })
}

/// Where a meeting form that succeeded sends the person: its task's page when the same form
/// is usually used again next (one person, point or child after another), else the summary.
pub fn after(id: &str, form: &str) -> String {
    let again = matches!(
        form,
        "attendance"
            | "discussion"
            | "correction"
            | "professional-view"
            | "parent-view"
            | "action"
            | "decision"
            | "present"
    );
    match task_of_form(form) {
        Some(task) if again => path_of(id, task),
        _ => format!("/conferences/{id}/meeting"),
    }
}

/// A refused meeting form: its task's page with the errors and what was typed.
pub async fn refused(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    form: &str,
    errors: FormErrors,
    kept: &Kept,
) -> Result<Response, AppError> {
    match task_of_form(form) {
        Some(task) => task_pages::task_page(state, ctx, id, task, errors, kept, None).await,
        None => meeting_page(state, ctx, id, errors, kept, None, None).await,
    }
}

/// The notice after a meeting form succeeded.
pub fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "start" => "The conference has started.",
            "attendance" => "Attendance recorded.",
            "discussion" => "Added to the discussion.",
            "correction" => "Correction recorded.",
            "professional-view" => "The professional's view has been recorded.",
            "parent-view" => "The parent's views have been recorded.",
            "action" => "The plan action has been recorded.",
            "decision" => "The decision has been recorded.",
            "dissent" => "The dissent has been recorded.",
            "close" => "The conference is closed. The note taker can now write the record.",
            "present" => "The views have been recorded as presented to the conference.",
            "legal" => "The recommendation has been recorded.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The meeting's task list for this person: a task's page opens for those who may record the
/// meeting (the route's action); each page shows its form only to those who may use it.
pub fn task_rows(ctx: &Ctx, a: &Allowed, id: &str, c: &Conference) -> Vec<Row> {
    let open = may(ctx, a, Action::RecordMeeting);
    c.meeting_tasks()
        .into_iter()
        .map(|t| {
            let href = (open && t.status != TaskStatus::CannotStart).then(|| path_of(id, t.task));
            Row::new(t.task.as_str().to_owned(), ctx.words.reword(t.task.label()), href, t.status, t.hint)
        })
        .collect()
}

/// The quorum in words (INV-03), for the summary and the decisions page.
pub fn quorum_text(q: &Quorum) -> (bool, String) {
    if q.is_quorate() {
        (true, format!("Quorate: {} agencies present, including children's social care.", q.agencies_present.len()))
    } else {
        (false, format!("Not quorate: {}.", q.shortfall()))
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    family_name: String,
    state: String,
    state_tag: &'static str,
    quorum: String,
    quorate: bool,
    may_chair: bool,
    /// Requested or scheduled: the chair can start it.
    before: bool,
    closed: bool,
    present: Vec<(String, String)>,
    not_recorded: usize,
    tasks: Vec<Row>,
    done: usize,
    total: usize,
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let extra = (q.done.as_deref() == Some("close")).then(|| cancelled_notice(q.cancelled.as_deref())).flatten();
    meeting_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref(), extra).await
}

/// Issue 13 (PLAN-05, CG-02): after closing, the sentence naming each core group meeting the
/// closing cancelled, from the dates the close answered with (any other text is ignored).
pub fn cancelled_notice(cancelled: Option<&str>) -> Option<String> {
    let dates: Vec<chrono::NaiveDate> = cancelled?.split(',').filter_map(|d| d.trim().parse().ok()).take(20).collect();
    match dates.as_slice() {
        [] => None,
        [one] => Some(format!(
            "The core group meeting on {} was cancelled and its members told.",
            crate::view::long_date(one)
        )),
        many => Some(format!(
            "The core group meetings on {} were cancelled and their members told.",
            many.iter().map(crate::view::long_date).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The summary and the task list. It reads the conference and the authority's kept rules (for
/// the quorum), nothing else.
pub async fn meeting_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    _kept: &Kept,
    done: Option<&str>,
    // A sentence after the notice (issue 13: the core group meetings a closing cancelled).
    extra: Option<String>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::RecordMeeting, id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let (quorate, quorum) = quorum_text(&c.quorum(&rules.policy(c.date().unwrap_or_else(|| state.ops.clock.today()))));
    // MEET-02: who is present, and how many invited are still to be recorded.
    let rows = invitation_rows(&c);
    let mut present = Vec::new();
    let mut not_recorded = 0;
    for r in &rows {
        match c.attendance().iter().find(|x| x.invitation.0 == r.number) {
            Some(at) if at.presence.is_present() => {
                present.push((format!("{} ({})", r.who, r.as_what), at.presence.label().to_owned()))
            }
            Some(_) => {}
            None => not_recorded += 1,
        }
    }
    let tasks = task_rows(ctx, &a, id, &c);
    let mut page =
        ctx.page(&format!("Meeting: {} for the {}", ctx.words.kind(c.kind()), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for).map(|n| match &extra {
        Some(x) => ctx.words.reword(&format!("{n} {x}")),
        None => ctx.words.reword(&n),
    });
    Ok(view::render(&MeetingPage {
        page: &page,
        id,
        version,
        family_name: a.owner.family_name.clone(),
        state: c.state().label().to_owned(),
        state_tag: state_tag(c.state()),
        quorum,
        quorate,
        may_chair: may(ctx, &a, Action::ChairConference),
        before: matches!(c.state(), ConferenceState::Requested | ConferenceState::Scheduled),
        closed: c.state() == ConferenceState::Closed,
        present,
        not_recorded,
        done: tasks.iter().filter(|t| t.status == TaskStatus::Completed.label()).count(),
        total: tasks.len(),
        tasks,
    }))
}

/// A time of the meeting as the pages show it (UK time).
pub fn mark(at: &chrono::DateTime<chrono::Utc>) -> String {
    crate::uk_time::clock_time(at)
}

/// A date as the pages show it.
pub fn long_date(d: &chrono::NaiveDate) -> String {
    view::long_date(d)
}
