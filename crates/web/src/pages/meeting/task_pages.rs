//! One page per task of the live meeting ("one thing per page"): what the task has recorded
//! and its form, for those who may use it. Each page asks the policy (to record the meeting, as
//! the summary), reads the conference and renders only its task's part: the names and lists it
//! shows are made for that task alone, and the authority's rules are read only where the quorum
//! is shown (the decisions).

use super::{mark, notice_for, quorum_text};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conference::summary::DoneQuery;
use crate::pages::conferences::{agenda_part_opts, allow, invitation_rows, may, people_opts, to_app, Kept, Opt};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_domain::ChildId;
use confer_store::conferences::{self, Stored};

/// One thing recorded in the meeting, for the list in the order it was agreed (MEET-07).
pub struct Entry {
    pub time: String,
    pub what: String,
    pub text: String,
    pub note: String,
}

/// A gathered view, for the chair to put before the conference (INV-07, CHILD-02).
pub struct ViewRow {
    pub number: u32,
    pub whose: String,
    pub form: String,
    pub summary: String,
    pub presented: String,
    /// A letter, drawing or recording: the conference cannot close until it is presented.
    pub must_be_presented: bool,
}

#[derive(Template)]
#[template(path = "meeting_task.html")]
struct TaskPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    task: &'static str,
    heading: String,
    caption: String,
    status: StepState<MeetingTask>,
    may_chair: bool,
    may_record: bool,
    kept: &'a Kept,
    in_progress: bool,
    closed: bool,
    summary_href: String,
    rows: Vec<(String, String)>,
    missing: Vec<String>,
    link: Option<(String, String)>,
    audio_recorded: bool,
    exclusions: Vec<(String, String)>,
    gathered: Vec<ViewRow>,
    professional_views: Vec<(String, String, String, String)>,
    timeline: Vec<Entry>,
    actions: Vec<(u32, String, String, String, String)>,
    quorum: String,
    quorate: bool,
    next_review: String,
    invitations: Vec<Opt>,
    children: Vec<Opt>,
    family: Vec<Opt>,
    professionals: Vec<Opt>,
    owners: Vec<Opt>,
    choices: Vec<Opt>,
    more_choices: Vec<Opt>,
    parts: Vec<Opt>,
    /// PLAN-05: at a review, the open actions of each child's plan the step-down may carry
    /// over ("child:number", "Child: 1. What").
    carry_over: Vec<Opt>,
    /// Scotland (issue 15): the decision also records the Children's Reporter referral.
    asks_reporter: bool,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

fn child_name(c: &Conference, id: &ChildId) -> String {
    c.name_of(&Person::Child(id.clone()))
}

/// MEET-07: everything with a time, in the order it was agreed.
fn timeline(c: &Conference, words: &confer_domain::words::Words) -> Vec<Entry> {
    let mut out: Vec<(chrono::DateTime<chrono::Utc>, Entry)> = Vec::new();
    for d in c.discussion() {
        let mut note = Vec::new();
        if let Some(ch) = &d.child {
            note.push(format!("About {}", child_name(c, ch)));
        }
        if let Some(p) = &d.part {
            note.push(format!("In the part \"{}\"", p.label()));
        }
        if d.restricted {
            note.push("Restricted: never shown to the family".into());
        }
        let e =
            Entry { time: mark(&d.at), what: d.heading.label().into(), text: d.text.clone(), note: note.join(". ") };
        out.push((d.at, e));
    }
    for k in c.corrections() {
        let e = Entry {
            time: mark(&k.at),
            what: format!("Correction by {}", c.name_of(&k.by)),
            text: format!("\"{}\" is corrected: {}", k.what_was_said, k.correction),
            note: String::new(),
        };
        out.push((k.at, e));
    }
    for p in c.plan_actions() {
        let e = Entry {
            time: mark(&p.recorded_at),
            what: format!("Plan action {}", p.id.0),
            text: p.what.clone(),
            note: format!("Due by {}", view::long_date(&p.due)),
        };
        out.push((p.recorded_at, e));
    }
    for d in c.decisions() {
        let e = Entry {
            time: mark(&d.decided_at),
            what: format!("Decision for {}", child_name(c, &d.child)),
            text: d.outcome.describe_in(words),
            note: d.inquorate_reason.as_ref().map(|r| format!("Made without a quorum: {r}")).unwrap_or_default(),
        };
        out.push((d.decided_at, e));
    }
    for d in c.dissents() {
        let e = Entry {
            time: mark(&d.at),
            what: "Dissent".into(),
            text: d.reasons.clone(),
            note: format!("The chair's response: {}", d.chair_response),
        };
        out.push((d.at, e));
    }
    out.sort_by_key(|(at, _)| *at);
    // Issue 15: the labels and notes in the nation's words (the text typed stays as typed).
    out.into_iter()
        .map(|(_, e)| Entry { what: words.reword(&e.what), note: words.reword(&e.note), ..e })
        .collect()
}

/// The page's heading.
fn heading(task: MeetingTask) -> &'static str {
    match task {
        MeetingTask::PreMeetings => "The chair's meetings with parents before the conference",
        MeetingTask::Discussion => "The discussion",
        MeetingTask::Plan => "The plan outline",
        MeetingTask::Close => "Close the conference",
        other => other.label(),
    }
}

/// A meeting task's page, with the errors and what was typed of a refused form, or the notice
/// of one that succeeded.
pub async fn task_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    task: MeetingTask,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::RecordMeeting, id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let may_chair = may(ctx, &a, Action::ChairConference);
    let children = || c.children().iter().map(|ch| Opt::new(ch.child_id.as_str(), ch.name.clone())).collect();
    let family = || {
        c.family_members()
            .iter()
            .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
            .collect()
    };
    let professionals = || {
        c.professionals()
            .iter()
            .map(|p| Opt::new(p.professional_id.as_str(), format!("{}, {} ({})", p.name, p.job_title, p.agency_name)))
            .collect()
    };
    let caption = format!("The meeting: {} for the {}", ctx.words.kind(c.kind()), a.owner.family_name);
    let mut page = ctx.page(&format!("{}: {caption}", heading(task)), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for).map(|n| ctx.words.reword(&n));
    let mut p = TaskPage {
        page: &page,
        id,
        version,
        task: task.as_str(),
        heading: heading(task).to_owned(),
        caption,
        status: c.meeting_task(task),
        may_chair,
        may_record: may(ctx, &a, Action::RecordMeeting),
        kept,
        in_progress: c.state() == ConferenceState::InProgress,
        closed: c.state() == ConferenceState::Closed,
        summary_href: format!("/conferences/{id}/meeting"),
        rows: Vec::new(),
        missing: Vec::new(),
        link: None,
        audio_recorded: c.is_audio_recorded(),
        exclusions: Vec::new(),
        gathered: Vec::new(),
        professional_views: Vec::new(),
        timeline: Vec::new(),
        actions: Vec::new(),
        quorum: String::new(),
        quorate: true,
        next_review: String::new(),
        invitations: Vec::new(),
        children: Vec::new(),
        family: Vec::new(),
        professionals: Vec::new(),
        owners: Vec::new(),
        choices: Vec::new(),
        more_choices: Vec::new(),
        parts: Vec::new(),
        carry_over: Vec::new(),
        asks_reporter: false,
    };
    match task {
        // MEET-02: each invited person, present or not, for which part, late or early.
        MeetingTask::Attendance => {
            let rows = invitation_rows(&c);
            p.rows = rows
                .iter()
                .map(|r| {
                    let text = match c.attendance().iter().find(|x| x.invitation.0 == r.number) {
                        None => "Not recorded yet".to_owned(),
                        Some(at) => {
                            let mut t = at.presence.label().to_owned();
                            if !at.parts.is_empty() {
                                let parts: Vec<&str> = at.parts.iter().map(|p| p.label()).collect();
                                t.push_str(&format!(", for: {}", parts.join(", ")));
                            }
                            if let Some(l) = at.arrived_late_at {
                                t.push_str(&format!(", arrived late at {}", l.format("%H:%M")));
                            }
                            if let Some(l) = at.left_early_at {
                                t.push_str(&format!(", left early at {}", l.format("%H:%M")));
                            }
                            t
                        }
                    };
                    (format!("{} ({})", r.who, r.as_what), text)
                })
                .collect();
            p.invitations =
                rows.iter().map(|r| Opt::new(r.number.to_string(), format!("{} ({})", r.who, r.as_what))).collect();
            p.choices = opts(Presence::ALL, |x| (x.as_str(), x.label()));
            p.parts = agenda_part_opts();
        }
        // MEET-01: recorded on the conference's own task page, before the day.
        MeetingTask::PreMeetings => {
            p.rows = c
                .pre_meetings()
                .iter()
                .map(|pm| {
                    let what = match &pm.outcome {
                        PreMeetingOutcome::Held { mode, on } => {
                            format!("Held {} on {}", mode.label().to_lowercase(), view::long_date(on))
                        }
                        PreMeetingOutcome::NotHeld { reason } => format!("Not held: {reason}"),
                    };
                    (c.name_of(&Person::FamilyMember(pm.adult_id.clone())), what)
                })
                .collect();
            p.missing = c.pre_meetings_missing().iter().map(|m| m.name.clone()).collect();
            if may_chair && !p.closed {
                let href = format!("/conferences/{id}/pre-meetings");
                p.link = Some((href, "Record a meeting with a parent or carer".into()));
            }
        }
        // MEET-03 and the exclusions in force today (EXC-01..03).
        MeetingTask::Consent => {
            p.rows = c
                .recording_consents()
                .iter()
                .map(|k| {
                    let answer = if k.consents { "Agrees to audio recording" } else { "Does not agree" };
                    (c.name_of(&Person::FamilyMember(k.adult_id.clone())), answer.to_owned())
                })
                .collect();
            p.exclusions = c
                .exclusions()
                .iter()
                .map(|e| {
                    let scope = match &e.decision.scope {
                        ExclusionScope::Whole => "Excluded from the whole conference".to_owned(),
                        ExclusionScope::Part { part, .. } => format!("Excluded from the part \"{part}\""),
                    };
                    let reasons = e.decision.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("; ");
                    (c.name_of(&Person::FamilyMember(e.decision.adult_id.clone())), format!("{scope}. {reasons}."))
                })
                .collect();
            if !p.closed {
                let href = format!("/conferences/{id}/recording");
                p.link = Some((href, "Record a parent's answer, or start the audio recording".into()));
            }
        }
        // INV-07, CHILD-02/03: each child's (and parent's) views gathered before the meeting.
        MeetingTask::ChildrensViews => {
            let mut gathered: Vec<&Views> = c.views().iter().collect();
            gathered.sort_by_key(|v| !matches!(v.given.whose, Person::Child(_)));
            p.gathered = gathered
                .into_iter()
                .map(|v| ViewRow {
                    number: v.id.0,
                    whose: c.name_of(&v.given.whose),
                    form: v.given.form.label().to_owned(),
                    summary: v.given.summary.clone(),
                    presented: match &v.presented {
                        Some(x) if x.read_out => format!("Read out at {}", mark(&x.at)),
                        Some(x) => format!("Presented at {}", mark(&x.at)),
                        None => String::new(),
                    },
                    must_be_presented: v.given.form.is_presented_in_meeting(),
                })
                .collect();
        }
        // DEC-02, MEET-06: each professional's view per child, and the parents' views.
        MeetingTask::Views => {
            p.professional_views = c
                .professional_views()
                .iter()
                .map(|v| {
                    (
                        c.name_of(&Person::Professional(v.professional.clone())),
                        child_name(&c, &v.child),
                        v.view.label().to_owned(),
                        v.reasons.clone(),
                    )
                })
                .collect();
            p.rows = c
                .parent_views()
                .iter()
                .map(|v| {
                    let about =
                        v.child.as_ref().map(|ch| format!(" (about {})", child_name(&c, ch))).unwrap_or_default();
                    (format!("{}{about}", c.name_of(&Person::FamilyMember(v.adult_id.clone()))), v.views.clone())
                })
                .collect();
            for pro in c.professionals() {
                if c.is_present(&Person::Professional(pro.professional_id.clone())) {
                    for ch in c.children() {
                        let given = c
                            .professional_views()
                            .iter()
                            .any(|v| v.professional == pro.professional_id && v.child == ch.child_id);
                        if !given {
                            p.missing.push(format!("{} ({}) for {}", pro.name, pro.agency_name, ch.name));
                        }
                    }
                }
            }
            p.professionals = professionals();
            p.children = children();
            p.family = family();
            p.choices = opts(PlanView::ALL, |x| (x.as_str(), x.label()));
        }
        // MEET-05, MEET-06, MEET-07: what has been said, in the order it was agreed.
        MeetingTask::Discussion => {
            p.timeline = timeline(&c, ctx.words);
            p.children = children();
            p.family = family();
            p.choices = opts(DiscussionHeading::ALL, |x| (x.as_str(), x.label()));
            p.parts = agenda_part_opts();
        }
        // DEC-01..03, INV-03: the decision for each child, with the quorum.
        MeetingTask::Decisions => {
            let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
            let policy = rules.policy(c.date().unwrap_or_else(|| state.ops.clock.today()));
            (p.quorate, p.quorum) = quorum_text(&c.quorum(&policy));
            p.rows = c
                .children()
                .iter()
                .map(|ch| {
                    let d = c
                        .decision_for(&ch.child_id)
                        .map(|d| match &d.reporter_referral {
                            Some(r) => format!("{}. {}", d.outcome.describe_in(ctx.words), r.describe()),
                            None => d.outcome.describe_in(ctx.words),
                        })
                        .unwrap_or_else(|| "Not decided yet".into());
                    (ch.name.clone(), d)
                })
                .collect();
            p.children = children();
            if c.kind() == ConferenceKind::Review && p.in_progress && p.may_chair {
                for ch in c.children().iter().filter(|ch| ch.current_plan.is_some()) {
                    let plan = confer_store::plans::open_plan_of_child(
                        &state.db,
                        ch.child_id.as_str(),
                        confer_domain::plan::PlanKind::ChildProtection,
                    )
                    .await?;
                    for a in plan.iter().flat_map(|s| s.plan.actions.iter()).filter(|a| {
                        matches!(
                            a.status,
                            confer_domain::plan::ActionStatus::NotStarted
                                | confer_domain::plan::ActionStatus::InProgress
                        )
                    }) {
                        p.carry_over.push(Opt::new(
                            format!("{}:{}", ch.child_id, a.number),
                            format!("{}: {}. {} ({})", ch.name, a.number, a.what, a.owner_name),
                        ));
                    }
                }
            }
            p.choices = vec![
                Opt::new(
                    "child-protection-plan",
                    match ctx.words.register {
                        // Issue 15: the nation's outcome, with its register.
                        Some(r) => format!("A child protection plan, the child's name placed on the {r} (choose the category)"),
                        None => "A child protection plan (choose the category)".to_owned(),
                    },
                ),
                Opt::new("child-in-need-plan", "A child in need plan"),
                Opt::new("no-further-plan", "No further plan"),
                Opt::new("continue-plan", "Review: the child protection plan continues (choose the category)"),
                Opt::new(
                    "end-plan-step-down-to-child-in-need",
                    "Review: the plan ends, stepping down to a child in need plan",
                ),
                Opt::new("end-plan-no-further-plan", "Review: the plan ends with no further plan"),
            ];
            p.more_choices = opts(PlanCategory::ALL, |x| (x.as_str(), x.label()));
            let nation = state.ops.authority(&a.owner.authority_id).await.map_err(to_app)?.nation;
            p.asks_reporter =
                confer_domain::nation_decisions::NationDecisions::for_nation(nation).reporter_referral.is_some();
        }
        // DIS-01/02: the dissent recorded without the professional's name on the decision.
        MeetingTask::Dissent => {
            p.rows = c
                .dissents()
                .iter()
                .map(|d| {
                    let about =
                        d.child.as_ref().map(|ch| child_name(&c, ch)).unwrap_or_else(|| "All the children".into());
                    (about, format!("{} The chair's response: {}", d.reasons, d.chair_response))
                })
                .collect();
            p.professionals = professionals();
            p.children = children();
        }
        // MEET-07, PLAN-03: the actions agreed, in the order they were agreed.
        MeetingTask::Plan => {
            p.actions = c
                .plan_actions()
                .iter()
                .map(|x| {
                    let owner = match &x.owner {
                        ActionOwner::Professional(o) => c.name_of(&Person::Professional(o.clone())),
                        ActionOwner::FamilyMember(o) => c.name_of(&Person::FamilyMember(o.clone())),
                        ActionOwner::Agency(o) => o.clone(),
                    };
                    let children = x.children.iter().map(|ch| child_name(&c, ch)).collect::<Vec<_>>().join(", ");
                    (x.id.0, x.what.clone(), children, owner, view::long_date(&x.due))
                })
                .collect();
            p.children = children();
            p.owners = people_opts(&c, true, true, false);
        }
        // DEC-04: always worded as a recommendation.
        MeetingTask::Recommendations => {
            p.rows = c
                .legal_recommendations()
                .iter()
                .map(|r| {
                    let children = r.children.iter().map(|ch| child_name(&c, ch)).collect::<Vec<_>>().join(", ");
                    (children, r.wording())
                })
                .collect();
            p.children = children();
            p.choices = opts(LegalAction::ALL, |x| (x.as_str(), x.label()));
        }
        // REV-01, REV-02: the next review, no later than the rules allow.
        MeetingTask::Close => {
            p.next_review = match (c.next_review(), c.date()) {
                (Some(n), _) => format!("The next review is on {}.", view::long_date(&n.on)),
                (None, _) if p.closed => "No review: no child is on a child protection plan.".into(),
                (None, Some(held)) => match review_due_by(c.kind(), held) {
                    Some(latest) => format!(
                        "If a child is on a child protection plan, the next review must be held by {}.",
                        view::long_date(&latest)
                    ),
                    None => String::new(),
                },
                (None, None) => String::new(),
            };
            p.missing = c
                .children()
                .iter()
                .filter(|ch| c.decision_for(&ch.child_id).is_none())
                .map(|ch| format!("A decision for {}", ch.name))
                .chain(c.views_not_presented().iter().map(|v| {
                    format!("{} from {}, to put before the conference", v.given.form.label(), c.name_of(&v.given.whose))
                }))
                .collect();
        }
    }
    Ok(view::render(&p))
}

/// The GET handler of each meeting task's page.
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
    attendance_page => MeetingTask::Attendance;
    pre_meetings_page => MeetingTask::PreMeetings;
    consent_page => MeetingTask::Consent;
    childrens_views_page => MeetingTask::ChildrensViews;
    views_page => MeetingTask::Views;
    discussion_page => MeetingTask::Discussion;
    decisions_page => MeetingTask::Decisions;
    dissent_page => MeetingTask::Dissent;
    plan_page => MeetingTask::Plan;
    recommendations_page => MeetingTask::Recommendations;
    close_page => MeetingTask::Close;
}
