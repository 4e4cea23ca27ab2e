//! The conference page: a summary of the conference and its task list (GOV.UK task list
//! pattern). It reads the conference and nothing else; each task's details are on its page.

use super::{action_of, path_of};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{allow, may, state_tag, to_app, user_names};
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
use serde::Deserialize;

/// A task as the list shows it.
pub struct TaskRow {
    pub slug: &'static str,
    pub name: String,
    pub href: Option<String>,
    pub status: &'static str,
    /// The tag's class for an incomplete task; none for "Completed" and "Cannot start yet".
    pub tag: Option<&'static str>,
    pub cannot_start: bool,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "conference.html")]
struct SummaryPage<'a> {
    page: &'a Page,
    c: &'a Conference,
    family_name: String,
    summary: Vec<(String, String)>,
    /// Other conferences that day with the same chair, room or social worker (in words).
    clashes: Vec<String>,
    facts: Vec<(String, String, String)>,
    late: bool,
    state_tag: &'static str,
    checks: Vec<String>,
    tasks: Vec<TaskRow>,
    after: Vec<TaskRow>,
    cancel: Option<TaskRow>,
    cancelled: Option<(String, String, String)>,
    done: usize,
    total: usize,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: Option<String>,
    /// Issue 13: after closing, the core group meetings the closing cancelled
    /// (YYYY-MM-DD, comma separated).
    #[serde(default)]
    pub cancelled: Option<String>,
}

/// The notice after a form of the conference's tasks succeeded.
pub fn notice_for(done: &str, c: &Conference) -> Option<String> {
    Some(match done {
        "request" => {
            let rule = match c.kind() {
                ConferenceKind::Initial => "TIME-01",
                ConferenceKind::TransferIn => "TIME-02",
                ConferenceKind::PreBirth => "TIME-01, TIME-03",
                ConferenceKind::Review => "REV-01",
            };
            format!("The conference has been requested. It must be held by {} ({rule}).", view::long_date(&c.due_by()))
        }
        "schedule" => "The conference has been scheduled.".into(),
        "reschedule" => "The conference has been moved.".into(),
        "invite" => "The invitation has been recorded.".into(),
        "answer" => "The answer has been recorded.".into(),
        "pre-meeting" => "The pre-meeting has been recorded.".into(),
        "exclude" => "The exclusion has been recorded. Tell them the reasons before the conference.".into(),
        "views" => "The views have been recorded.".into(),
        "draft" => "The draft record has been written from the meeting.".into(),
        "approve" => "The record has been approved.".into(),
        "distribute" => "The record has been sent.".into(),
        "format-request" => "The request has been recorded.".into(),
        "format-met" => "The request has been recorded as met and logged in the documents sent.".into(),
        _ => return super::arrange_view::notice_for(done),
    })
}

/// A task's row: its link only for those the policy lets open its page.
pub fn task_row(ctx: &Ctx, a: &crate::api_conferences::Allowed, id: &str, t: &TaskState) -> TaskRow {
    let href = match t.task {
        Task::Meeting => format!("/conferences/{id}/meeting"),
        Task::Record => format!("/conferences/{id}/record"),
        other => path_of(id, other),
    };
    let open = may(ctx, a, action_of(t.task)) && !(t.task == Task::Meeting && t.status == TaskStatus::CannotStart);
    let name = match (t.task, t.status) {
        (Task::Schedule, TaskStatus::Completed) => ctx.words.reword("Schedule or move the conference"),
        _ => ctx.words.reword(t.task.label()),
    };
    let mut hint = ctx.words.reword(t.hint.unwrap_or(""));
    if t.late {
        hint = if hint.is_empty() {
            "Late: past the date the rules set".into()
        } else {
            format!("Late: past the date the rules set. {hint}")
        };
    }
    TaskRow {
        slug: t.task.as_str(),
        name,
        href: open.then_some(href),
        status: t.status.label(),
        tag: match t.status {
            TaskStatus::NotStarted => Some("govuk-tag--blue"),
            TaskStatus::InProgress => Some("govuk-tag--light-blue"),
            TaskStatus::Completed | TaskStatus::CannotStart => None,
        },
        cannot_start: t.status == TaskStatus::CannotStart,
        hint,
    }
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    conference_page(&state, &ctx, &id, FormErrors::default(), q.done.as_deref()).await
}

/// The summary and the task list. (`errors` are for a form that has no task page; every form
/// of the conference has one now, so they are shown only in the summary.)
pub async fn conference_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::ViewConference, id).await?;
    let Stored { conference: c, note_taker, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let (names, _) = user_names(state, ctx).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let today = state.settings.clock.today();
    let name = |u: &UserId| names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());

    let mut summary: Vec<(String, String)> = vec![
        ("Children".into(), c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", ")),
        ("Reason".into(), c.reason().into()),
        ("Concerns".into(), c.concerns().iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(d) = c.strategy_discussion_on() {
        summary.push((ctx.words.starting_discussion_title(), view::long_date(&d)));
    }
    summary.push((
        "Requested".into(),
        format!("by {} on {}", name(c.requested_by()), crate::uk_time::long_date(&c.requested_at())),
    ));
    summary.push(("Social worker".into(), name(c.allocated_worker())));
    summary.push(("Must be held by".into(), view::long_date(&c.due_by())));
    if let Some(s) = c.slot() {
        summary.push(("Date and time".into(), format!("{} at {}", view::long_date(&s.date), s.time.format("%H:%M"))));
        if let Some(v) = s.venue.as_deref().filter(|v| !v.trim().is_empty()) {
            summary.push(("Venue".into(), v.into()));
        }
        if let Some(v) = s.video_link.as_deref().filter(|v| !v.trim().is_empty()) {
            summary.push(("Video link".into(), v.into()));
        }
        summary.push(("Chair".into(), name(&s.chair)));
    } else {
        summary.push(("Date and time".into(), "Not yet scheduled".into()));
    }
    if let Some(n) = &note_taker {
        summary.push(("Note taker".into(), name(n)));
    }
    if let Some(d) = c.delay() {
        summary.push(("Reason for the delay".into(), format!("{}: {}", d.kind.label(), d.detail)));
    }
    let rec = c.record();
    let record_status = match (rec.latest(), &rec.draft) {
        (Some(v), _) => format!("Version {} approved by {}", v.number, name(&v.approved_by)),
        (None, Some(_)) => "Draft written, waiting for the chair's approval".into(),
        (None, None) => String::new(),
    };
    if !record_status.is_empty() {
        summary.push(("The record".into(), record_status));
    }
    if let Some(due) = c.date().and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar)) {
        summary.push(("Record to be sent by".into(), view::long_date(&due)));
    }
    // RIGHT-02: a complaint about this conference, and its outcome, where there is one (for
    // the authority's staff; not for partner professionals).
    let complaints =
        if ctx.actor.is_staff() { confer_store::complaints::of_conference(&state.db, id).await? } else { Vec::new() };
    for k in complaints {
        let k = &k.complaint;
        let outcome = match k.latest_answer() {
            Some(ans) => format!(
                "{}: stage {} answered {}: {}",
                k.about.label(),
                ans.stage,
                view::long_date(&ans.answered_on),
                ans.finding.label()
            ),
            None => format!(
                "{}: stage {}, {}, answer due by {}",
                k.about.label(),
                k.stage,
                k.status.label().to_lowercase(),
                view::long_date(&k.due_on)
            ),
        };
        let closed = if k.status == confer_domain::complaint::Status::Closed { " (closed)" } else { "" };
        summary.push(("Complaint".into(), format!("{outcome}{closed}")));
    }
    // Issue 14: a message about this conference that GOV.UK Notify says was not delivered
    // (for the authority's staff, the coordinator first): who it was for, what Notify said,
    // and whether a letter went instead.
    if ctx.actor.is_staff() {
        for u in confer_store::notify_status::undelivered_for_conference(&state.db, id).await? {
            let who = match u.recipient.as_deref().and_then(|r| r.strip_prefix("family-member:")) {
                Some(adult) => {
                    c.name_of(&confer_domain::conference::Person::FamilyMember(confer_domain::AdultId::from(adult)))
                }
                None => "a professional".into(),
            };
            let said = match u.status.as_str() {
                "permanent-failure" => "the address does not exist or cannot take e-mail",
                "temporary-failure" => "the inbox was full or not answering for 72 hours",
                _ => "a technical failure at Notify",
            };
            let then = if u.recipient.is_some() && u.status == "permanent-failure" {
                "A letter was sent instead."
            } else {
                "Contact them another way."
            };
            let on = u.at.get(..10).unwrap_or_default();
            summary.push((
                "Not delivered".into(),
                format!("The e-mail \u{201c}{}\u{201d} to {who} on {on}: {said}. {then}", u.subject),
            ));
        }
    }
    let late = c.is_late() || (c.date().is_none() && today > c.due_by());

    let mut tasks = Vec::new();
    let mut after = Vec::new();
    let mut cancel = None;
    let all = c.tasks(today);
    for t in &all {
        let row = task_row(ctx, &a, id, t);
        match t.task {
            Task::Cancel => cancel = (t.status != TaskStatus::Completed).then_some(row),
            Task::Meeting | Task::Record | Task::Formats => after.push(row),
            _ => tasks.push(row),
        }
    }
    let before: Vec<&TaskState> = all.iter().filter(|t| Task::BEFORE.contains(&t.task)).collect();
    let clashes = match (c.state(), c.slot()) {
        (ConferenceState::Scheduled, Some(slot)) => crate::api_conferences::clashes_of(state, &ctx.actor, &c, slot)
            .await?
            .into_iter()
            .map(|k| k.message)
            .collect(),
        _ => Vec::new(),
    };
    let mut page = ctx.page(&format!("{} for the {}", ctx.words.kind(c.kind()), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(|d| notice_for(d, &c)).map(|n| ctx.words.reword(&n));
    Ok(view::render(&SummaryPage {
        page: &page,
        family_name: a.owner.family_name.clone(),
        summary,
        clashes,
        facts: {
            let mut facts = crate::pages::arrange::kind_facts(&c, &rules, today, &names);
            // Northern Ireland (issue 15): the appeal against the decision, where the nation has
            // one (its data says so), once decided, for those who may see it.
            let nation = confer_domain::nation_decisions::NationDecisions::for_nation(rules.history.nation());
            if nation.appeal.is_some() && c.state() == ConferenceState::Closed && may(ctx, &a, Action::ViewAppeal) {
                facts.push((
                    "Appeal against the decision".into(),
                    "See the appeal, or lodge one for a family member".into(),
                    format!("/conferences/{}/appeal", view::url_encode(id)),
                ));
            }
            facts
        },
        late,
        state_tag: state_tag(c.state()),
        checks: c.checks().iter().map(|k| ctx.words.reword(&c.describe_check(k))).filter(|s| !s.is_empty()).collect(),
        tasks,
        after,
        cancel,
        cancelled: c.cancellation().map(|x| (view::long_date(&x.at.date_naive()), name(&x.by), x.reason.clone())),
        done: before.iter().filter(|t| t.status == TaskStatus::Completed).count(),
        total: before.len(),
        c: &c,
    }))
}
