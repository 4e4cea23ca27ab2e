//! One page per task of the conference ("one thing per page"): what the task has recorded and
//! its forms, for those who may use them. Each page asks the policy for its task's action
//! ([`super::action_of`]), reads the conference (and only what else it shows: the family's
//! children on the children page, the day's other conferences on the schedule page), and
//! renders that task's part of the page only.

use super::action_of;
use super::arrange_view::{self, ArrangeView};
use super::summary::{notice_for, DoneQuery};
use crate::api_conferences::{self as ac, Rules};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{
    agenda_part_opts, allow, invitation_rows, may, people_opts, person_of, recipient_name, to_app, user_names, InvRow,
    Kept, Opt,
};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_domain::Role;
use confer_store::conferences::{self, Stored};
use confer_store::families;

pub struct ReportRow {
    pub number: u32,
    pub author: String,
    pub submitted_on: String,
    pub parts: String,
    pub shared_with: String,
    pub late_to_chair: bool,
}

/// LANG-02, LANG-03: one translation or format asked for, on the formats task's page.
pub struct FormatRow {
    pub number: u32,
    pub who: String,
    pub document: &'static str,
    pub format: String,
    pub asked_on: String,
    /// "Met on 2 December 2026: Braille copy posted", or empty while outstanding.
    pub met: String,
}

/// Who may use which form (only to show the forms; the domain decides each step).
pub struct May {
    pub arrange: bool,
    pub chair: bool,
    pub answer: bool,
    pub views: bool,
}

#[derive(Template)]
#[template(path = "conference_task.html")]
struct TaskPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    c: &'a Conference,
    task: &'static str,
    heading: String,
    caption: String,
    status: TaskState,
    may: May,
    kept: &'a Kept,
    /// "Requested" or "scheduled": the forms of the arrangements are still open.
    slot_open: bool,
    slot_form: &'static str,
    clashes: Vec<String>,
    chairs: Vec<Opt>,
    note_takers: Vec<Opt>,
    delay_reasons: Vec<Opt>,
    default_chair: String,
    default_date: String,
    default_time: String,
    default_venue: String,
    default_link: String,
    invitations: Vec<InvRow>,
    to_invite: Vec<Opt>,
    unanswered: Vec<Opt>,
    answers: Vec<Opt>,
    parents: Vec<Opt>,
    pre_meetings: Vec<(String, String)>,
    pm_outcomes: Vec<Opt>,
    modes: Vec<Opt>,
    reports: Vec<ReportRow>,
    views: Vec<(String, String, String)>,
    views_forms: Vec<Opt>,
    whose: Vec<Opt>,
    exclusions: Vec<(String, String)>,
    exclusion_reasons: Vec<Opt>,
    part_kinds: Vec<Opt>,
    agenda_parts: Vec<Opt>,
    views_routes: Vec<Opt>,
    scopes: Vec<Opt>,
    arrange: ArrangeView,
    formats: Vec<FormatRow>,
    format_for: Vec<Opt>,
    format_documents: Vec<Opt>,
    format_kinds: Vec<Opt>,
    formats_unmet: Vec<Opt>,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

/// The heading of a task's page (the schedule page moves a scheduled conference).
fn heading(task: Task, c: &Conference) -> String {
    match task {
        Task::Schedule if c.state() != ConferenceState::Requested => "Move the conference".into(),
        Task::Invitations => "Invitations and answers".into(),
        Task::PreMeetings => "The chair's meetings with parents before the conference".into(),
        Task::Recording => "Audio recording".into(),
        other => other.label().into(),
    }
}

/// A task's page, with the errors and what was typed of a refused form, or the notice of one
/// that succeeded.
pub async fn task_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    task: Task,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, action_of(task), id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let (names, accounts) = user_names(state, ctx).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let today = state.settings.clock.today();
    // The family's record is read only to add one of its children.
    let record = match task {
        Task::Children => Some(families::family_record(&state.db, a.owner.family_id.as_str()).await?),
        _ => None,
    };
    let arrange = arrange_view::view(ctx, &a, &c, &rules, record.as_ref(), &names, today);
    let is = |t: Task| t == task;

    let slot = c.slot();
    let staff = |role: Role| -> Vec<Opt> {
        accounts
            .iter()
            .filter(|u| u.roles.contains(&role) && !u.disabled)
            .map(|u| Opt::new(u.id.as_str(), u.display_name.clone()))
            .collect()
    };
    let clashes = match (is(Task::Schedule), c.state(), slot) {
        (true, ConferenceState::Scheduled, Some(slot)) => {
            ac::clashes_of(state, &ctx.actor, &c, slot).await?.into_iter().map(|k| k.message).collect()
        }
        _ => Vec::new(),
    };
    let invitations = if is(Task::Invitations) { invitation_rows(&c) } else { Vec::new() };
    // INV-04: the coordinator records anyone's answer; anyone else who may answer (an invited
    // professional, the social worker) is offered only their own invitation.
    let answers_for_anyone = ctx.actor.roles.contains(&Role::Coordinator);
    let own = |number: u32| {
        c.invitations().iter().any(|i| {
            i.id.0 == number
                && matches!(&i.invitee, Invitee::Professional { professional_id }
                    if c.professionals().iter().any(|p| &p.professional_id == professional_id
                        && p.user_id.as_ref() == Some(&ctx.actor.user_id)))
        })
    };
    let unanswered = invitations
        .iter()
        .filter(|r| !r.answered && (answers_for_anyone || own(r.number)))
        .map(|r| Opt::new(r.number.to_string(), format!("{} ({})", r.who, r.as_what)))
        .collect();
    let to_invite = if is(Task::Invitations) {
        people_opts(&c, true, true, true)
            .into_iter()
            .filter(|o| person_of(&o.value).is_none_or(|p| c.invitation_of(&p).is_none()))
            .collect()
    } else {
        Vec::new()
    };
    let reports = if is(Task::Reports) {
        c.reports()
            .iter()
            .map(|r| {
                let shared: Vec<String> = c
                    .report_log()
                    .iter()
                    .filter(|s| s.report == r.id)
                    .map(|s| format!("{} on {}", recipient_name(&c, &s.recipient, &names), view::long_date(&s.on)))
                    .collect();
                ReportRow {
                    number: r.id.0,
                    author: c.name_of(&Person::Professional(r.author.clone())),
                    submitted_on: view::long_date(&r.submitted_on),
                    parts: r
                        .parts
                        .iter()
                        .map(|p| match p.restricted {
                            Some(why) => format!("{} (restricted: {})", p.heading, why.label().to_lowercase()),
                            None => p.heading.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    shared_with: if shared.is_empty() { "Not shared yet".into() } else { shared.join("; ") },
                    late_to_chair: r.late_to_chair(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let views = if is(Task::Views) {
        c.views()
            .iter()
            .map(|v| {
                (
                    c.name_of(&v.given.whose),
                    format!(
                        "{}, obtained by {} on {}",
                        v.given.form.label(),
                        v.given.obtained_by,
                        view::long_date(&v.given.obtained_on)
                    ),
                    v.given.summary.clone(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let exclusions = if is(Task::Exclusions) {
        c.exclusions()
            .iter()
            .map(|e| {
                let scope = match &e.decision.scope {
                    ExclusionScope::Whole => "The whole conference".to_owned(),
                    ExclusionScope::Part { part, .. } => format!("The part \"{part}\""),
                };
                let reasons = e.decision.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("; ");
                let told = match &e.told {
                    Some(t) => format!("Told {} on {}.", t.how.label().to_lowercase(), view::long_date(&t.on)),
                    None => "Not told yet.".into(),
                };
                (c.name_of(&Person::FamilyMember(e.decision.adult_id.clone())), format!("{scope}. {reasons}. {told}"))
            })
            .collect()
    } else {
        Vec::new()
    };
    let pre_meetings = if is(Task::PreMeetings) {
        c.pre_meetings()
            .iter()
            .map(|p| {
                let what = match &p.outcome {
                    PreMeetingOutcome::Held { mode, on } => {
                        format!("Held {} on {}", mode.label().to_lowercase(), view::long_date(on))
                    }
                    PreMeetingOutcome::NotHeld { reason } => format!("Not held: {reason}"),
                };
                (c.name_of(&Person::FamilyMember(p.adult_id.clone())), what)
            })
            .collect()
    } else {
        Vec::new()
    };

    // LANG-02, LANG-03: the requests and who may be asked for (the family and the children).
    let formats: Vec<FormatRow> = if is(Task::Formats) {
        c.format_requests()
            .iter()
            .map(|r| FormatRow {
                number: r.number,
                who: recipient_name(&c, &r.for_recipient, &names),
                document: r.document.label(),
                format: r.format.label(),
                asked_on: view::long_date(&r.requested_on),
                met: match (&r.fulfilled_on, &r.sent) {
                    (Some(on), sent) => format!("Met on {}: {}", view::long_date(on), sent.as_deref().unwrap_or("")),
                    (None, _) => String::new(),
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    let formats_unmet = formats
        .iter()
        .filter(|f| f.met.is_empty())
        .map(|f| Opt::new(f.number.to_string(), format!("{}: {}, {} ({})", f.number, f.who, f.document, f.format)))
        .collect();

    let heading = heading(task, &c);
    let mut page =
        ctx.page(&format!("{heading}: {} for the {}", ctx.words.kind(c.kind()), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(|d| notice_for(d, &c)).map(|n| ctx.words.reword(&n));
    Ok(view::render(&TaskPage {
        page: &page,
        id,
        version,
        task: task.as_str(),
        caption: format!("{} for the {}", ctx.words.kind(c.kind()), a.owner.family_name),
        status: c.task_state(task, today),
        heading,
        may: May {
            arrange: may(ctx, &a, Action::ArrangeConference),
            chair: may(ctx, &a, Action::ChairConference),
            answer: may(ctx, &a, Action::AnswerInvitation),
            views: may(ctx, &a, Action::GatherViews),
        },
        kept,
        slot_open: matches!(c.state(), ConferenceState::Requested | ConferenceState::Scheduled),
        slot_form: if c.state() == ConferenceState::Requested { "schedule" } else { "reschedule" },
        clashes,
        chairs: if is(Task::Schedule) { staff(Role::Chair) } else { Vec::new() },
        note_takers: if is(Task::Schedule) { staff(Role::NoteTaker) } else { Vec::new() },
        delay_reasons: opts(DelayReasonKind::ALL, |e| (e.as_str(), e.label())),
        default_chair: slot
            .map(|s| s.chair.to_string())
            .or_else(|| c.suggested_chair().map(|u| u.to_string()))
            .unwrap_or_default(),
        default_date: slot.map(|s| s.date.to_string()).unwrap_or_default(),
        default_time: slot.map(|s| s.time.format("%H:%M").to_string()).unwrap_or_else(|| "10:00".into()),
        default_venue: slot.and_then(|s| s.venue.clone()).unwrap_or_default(),
        default_link: slot.and_then(|s| s.video_link.clone()).unwrap_or_default(),
        invitations,
        to_invite,
        unanswered,
        answers: vec![
            Opt::new("in-person", "Attending in person"),
            Opt::new("remote", "Attending remotely"),
            Opt::new("report-only", "Sending a report or views only"),
            Opt::new("declined", "Declined (give the reason)"),
        ],
        parents: arrange.parents.clone(),
        pre_meetings,
        pm_outcomes: vec![
            Opt::new("held", "The pre-meeting happened"),
            Opt::new("not-held", "It did not happen (give the reason)"),
        ],
        modes: opts(PreMeetingMode::ALL, |e| (e.as_str(), e.label())),
        reports,
        views,
        views_forms: opts(ViewsForm::ALL, |e| (e.as_str(), e.label())),
        whose: if is(Task::Views) { people_opts(&c, true, false, true) } else { Vec::new() },
        exclusions,
        exclusion_reasons: opts(ExclusionReason::ALL, |e| (e.as_str(), e.label())),
        part_kinds: opts(ExcludedPartKind::ALL, |e| (e.as_str(), e.label())),
        agenda_parts: agenda_part_opts(),
        views_routes: opts(ViewsRoute::ALL, |e| (e.as_str(), e.label())),
        scopes: vec![
            Opt::new("whole", "The whole conference"),
            Opt::new("part", "One part of it (choose the part below)"),
        ],
        arrange,
        formats,
        format_for: if is(Task::Formats) { people_opts(&c, true, false, true) } else { Vec::new() },
        format_documents: opts(FamilyDocument::ALL, |e| (e.as_str(), e.label())),
        format_kinds: vec![
            Opt::new("large-print", "Large print (confer makes it)"),
            Opt::new("translation", "Translation (say which language)"),
            Opt::new("audio", "Audio"),
            Opt::new("braille", "Braille"),
            Opt::new("easy-read", "Easy read"),
        ],
        formats_unmet,
        c: &c,
    }))
}

/// The GET handler of each task's page.
macro_rules! task_handlers {
    ($($name:ident => $task:expr;)*) => {$(
        pub async fn $name(
            State(state): State<SharedState>,
            ctx: Ctx,
            Path(id): Path<String>,
            Query(q): Query<DoneQuery>,
        ) -> Result<Response, AppError> {
            task_page(&state, &ctx, &id, $task, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
        }
    )*};
}

task_handlers! {
    schedule => Task::Schedule;
    children => Task::Children;
    invitations => Task::Invitations;
    supporters => Task::Supporters;
    needs => Task::Needs;
    reports => Task::Reports;
    sharing => Task::Sharing;
    views => Task::Views;
    exclusions => Task::Exclusions;
    pre_meetings => Task::PreMeetings;
    recording => Task::Recording;
    cancel => Task::Cancel;
    formats => Task::Formats;
}
