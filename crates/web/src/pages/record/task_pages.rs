//! One page per task of the record: the written outcome, the draft, one section of it (or a
//! point added to its discussion), the chair's approval, sending it, the corrections and the
//! chair's answer to one, and the approved versions. Each asks the policy for its route's
//! action, reads the conference, and makes only the rows and choices it shows; the staff's
//! names are read only where a page names staff.

use super::{after, notice_for, MayRecord};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conference::summary::DoneQuery;
use crate::pages::conferences::{agenda_part_opts, allow, people_opts, recipient_name, user_names, Kept, Opt, SentRow};
use crate::uk_time;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::timescales::LateReason;
use confer_domain::validate::FormErrors;
use confer_domain::UserId;
use confer_store::conferences::{self, Stored};
use std::collections::BTreeMap;

/// One section of a draft or a version, numbered from 1 as the pages show it.
pub struct SectionRow {
    pub number: usize,
    /// The name of the section's edit form, for its errors and what was typed.
    pub form: String,
    pub heading: String,
    pub text: String,
    pub restricted: bool,
    pub part: Option<String>,
}

fn section_rows(sections: &[RecordSection]) -> Vec<SectionRow> {
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionRow {
            number: i + 1,
            form: format!("section-{}", i + 1),
            heading: s.heading.clone(),
            text: s.text.clone(),
            restricted: s.restricted,
            part: s.part.as_ref().map(|p| p.label().to_owned()),
        })
        .collect()
}

/// An approved version, for the history (MIN-05: every version is kept).
pub struct VersionRow {
    pub number: u32,
    pub approved: String,
    pub correcting: Option<u32>,
    pub sections: Vec<SectionRow>,
}

/// A correction request and the chair's answer (MIN-04).
pub struct CorrectionRow {
    pub number: u32,
    /// The name of the chair's answer form.
    pub form: String,
    pub by: String,
    pub version: u32,
    pub what: String,
    pub requested_on: String,
    pub answer: String,
    pub answered: bool,
}

/// One sending of the written outcome (DEC-05).
pub struct OutcomeRow {
    pub recipient: String,
    pub on: String,
    pub late: bool,
    pub reason: String,
}

/// Which of the record's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Outcome,
    Draft,
    /// Add a point to the draft's discussion.
    AddPoint,
    Section(usize),
    Approve,
    Distribute,
    Corrections,
    Answer(u32),
    Versions,
}

impl Shown {
    /// The page of a form's refusal (see [`super::page_of_form`]).
    pub fn parse(page: &str) -> Shown {
        match page {
            "outcome" => Shown::Outcome,
            "draft" => Shown::Draft,
            "sections" => Shown::AddPoint,
            "approve" => Shown::Approve,
            "distribute" => Shown::Distribute,
            "corrections" => Shown::Corrections,
            _ => Shown::Versions,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Shown::Outcome => "outcome",
            Shown::Draft => "draft",
            Shown::AddPoint => "add-point",
            Shown::Section(_) => "section",
            Shown::Approve => "approve",
            Shown::Distribute => "distribute",
            Shown::Corrections => "corrections",
            Shown::Answer(_) => "answer",
            Shown::Versions => "versions",
        }
    }

    /// The action the policy must allow (the same as the route's).
    fn action(self) -> Action {
        match self {
            Shown::Draft | Shown::AddPoint | Shown::Section(_) => Action::RecordMeeting,
            Shown::Approve | Shown::Answer(_) => Action::ChairConference,
            Shown::Outcome | Shown::Distribute | Shown::Corrections | Shown::Versions => Action::ViewConference,
        }
    }

    /// The domain's task it shows, for its status.
    fn task(self) -> Option<RecordTask> {
        Some(match self {
            Shown::Outcome => RecordTask::Outcome,
            Shown::Draft => RecordTask::Draft,
            Shown::Section(n) => RecordTask::Section(n),
            Shown::Approve => RecordTask::Approve,
            Shown::Distribute => RecordTask::Distribute,
            Shown::Corrections | Shown::Answer(_) => RecordTask::Corrections,
            Shown::AddPoint | Shown::Versions => return None,
        })
    }
}

#[derive(Template)]
#[template(path = "record_task.html")]
struct TaskPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    shown: &'static str,
    heading: String,
    caption: String,
    status: Option<StepState<RecordTask>>,
    may: MayRecord,
    kept: &'a Kept,
    closed: bool,
    approved: bool,
    has_draft: bool,
    draft_written: String,
    outcome_sent: Vec<OutcomeRow>,
    outcome_missing: Vec<String>,
    late_label: String,
    sections: Vec<SectionRow>,
    history: Vec<VersionRow>,
    latest_number: u32,
    latest_number_text: String,
    sent: Vec<SentRow>,
    not_sent: Vec<String>,
    corrections: Vec<CorrectionRow>,
    people: Vec<Opt>,
    choices: Vec<Opt>,
    more_choices: Vec<Opt>,
}

/// Shortens a section's words for a choice in a list.
fn first_words(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let short: String = line.chars().take(60).collect();
    if short.len() < text.trim_end().len() {
        format!("{short}…")
    } else {
        short
    }
}

fn correction_row(c: &Conference, r: &CorrectionRequest) -> CorrectionRow {
    CorrectionRow {
        number: r.number,
        form: format!("answer-{}", r.number),
        by: c.name_of(&Person::FamilyMember(r.by.clone())),
        version: r.version,
        what: r.what.clone(),
        requested_on: view::long_date(&r.requested_on),
        answer: match &r.answer {
            None => "Waiting for the chair's answer".into(),
            Some(CorrectionAnswer::Accepted { note, new_version }) => {
                let mut t = format!("Accepted: the record was corrected in version {new_version}.");
                if !note.is_empty() {
                    t.push(' ');
                    t.push_str(note);
                }
                t
            }
            Some(CorrectionAnswer::Declined { reason }) => format!("Not made: {reason}"),
        },
        answered: r.answer.is_some(),
    }
}

/// A record task's page, with the errors and what was typed of a refused form, or the notice
/// of one that succeeded. A section or a correction request that does not exist (yet) sends
/// the person to the list it would be on.
pub async fn task_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    shown: Shown,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, shown.action(), id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    let rec = c.record();
    let latest = rec.latest();
    // The sections this page shows: the draft's until approved, then the latest version's.
    let sections = latest.map(|v| v.sections.as_slice()).or(rec.draft.as_ref().map(|d| d.sections.as_slice()));
    // (A refused form for one that does not exist is shown on the list it would be on.)
    match shown {
        Shown::Section(n) if n == 0 || sections.is_none_or(|s| s.len() < n) => {
            if !errors.is_empty() {
                return Box::pin(super::record_page(state, ctx, id, errors, kept, None)).await;
            }
            return Ok(Redirect::to(&format!("/conferences/{id}/record")).into_response());
        }
        Shown::Answer(n) if !rec.correction_requests.iter().any(|r| r.number == n) => {
            if !errors.is_empty() {
                return Box::pin(task_page(state, ctx, id, Shown::Corrections, errors, kept, None)).await;
            }
            return Ok(Redirect::to(&after(id, "answer-")).into_response());
        }
        _ => {}
    }
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let names: std::sync::Arc<BTreeMap<String, String>> = match shown {
        Shown::Outcome | Shown::Draft | Shown::Approve | Shown::Distribute | Shown::Versions => {
            user_names(state, ctx).await?.0
        }
        _ => Default::default(),
    };
    let name = |u: &UserId| names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());
    let today = state.ops.clock.today();
    let heading = match shown {
        Shown::Outcome => "Send the written outcome".to_owned(),
        Shown::Draft => "Write the draft from the meeting".to_owned(),
        Shown::AddPoint => "Add a point to the discussion".to_owned(),
        Shown::Section(n) => {
            format!("{n}. {}", sections.and_then(|s| s.get(n - 1)).map(|s| s.heading.as_str()).unwrap_or(""))
        }
        Shown::Approve => "Approve the record".to_owned(),
        Shown::Distribute => "Send the record".to_owned(),
        Shown::Corrections => "Corrections asked for".to_owned(),
        Shown::Answer(n) => format!("Answer correction request {n}"),
        Shown::Versions => match latest {
            Some(v) => format!("The approved record, version {}", v.number),
            None => "The approved record".to_owned(),
        },
    };
    let caption = format!("The record: {} for the {}", ctx.words.kind(c.kind()), a.owner.family_name);
    let mut page = ctx.page(&format!("{heading}: {caption}"), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for).map(|n| ctx.words.reword(&n));
    let mut p = TaskPage {
        page: &page,
        id,
        version,
        shown: shown.slug(),
        heading,
        caption,
        status: shown.task().map(|t| c.record_task(t, today)),
        may: MayRecord::of(ctx, &a),
        kept,
        closed: c.state() == ConferenceState::Closed,
        approved: latest.is_some(),
        has_draft: rec.draft.is_some(),
        draft_written: String::new(),
        outcome_sent: Vec::new(),
        outcome_missing: Vec::new(),
        late_label: String::new(),
        sections: Vec::new(),
        history: Vec::new(),
        latest_number: latest.map(|v| v.number).unwrap_or(0),
        latest_number_text: latest.map(|v| v.number.to_string()).unwrap_or_default(),
        sent: Vec::new(),
        not_sent: Vec::new(),
        corrections: Vec::new(),
        people: Vec::new(),
        choices: Vec::new(),
        more_choices: Vec::new(),
    };
    match shown {
        // DEC-05, TIME-01: to each parent and professional, with the reason when late.
        Shown::Outcome => {
            p.outcome_sent = c
                .outcome_sent()
                .iter()
                .map(|o| OutcomeRow {
                    recipient: recipient_name(&c, &o.recipient, &names),
                    on: view::long_date(&o.on),
                    late: o.late,
                    reason: o
                        .late_reason
                        .as_ref()
                        .map(|r| {
                            if r.details.is_empty() {
                                r.reason.label().to_owned()
                            } else {
                                format!("{}: {}", r.reason.label(), r.details)
                            }
                        })
                        .unwrap_or_default(),
                })
                .collect();
            p.outcome_missing = c.outcome_not_sent().iter().map(|r| recipient_name(&c, r, &names)).collect();
            p.late_label = match c.outcome_due_by() {
                Some(d) => format!("If it was sent after {}: the reason for the delay", view::long_date(&d)),
                None => "If it was sent late: the reason for the delay".into(),
            };
            p.people = people_opts(&c, true, true, false);
            p.choices = LateReason::ALL.iter().map(|r| Opt::new(r.as_str(), r.label())).collect();
        }
        // MIN-01: written from what the meeting recorded; never sent (MIN-02).
        Shown::Draft | Shown::Approve => {
            if let Some(d) = &rec.draft {
                p.draft_written =
                    format!("Last changed by {} on {}", name(&d.written_by), uk_time::long_instant(&d.updated_at));
                if shown == Shown::Approve && (p.may.record || p.may.chair) {
                    p.sections = section_rows(&d.sections);
                }
            }
        }
        // MEET-05, MIN-01: a point the meeting made that was not noted at the time.
        Shown::AddPoint => {
            p.choices = DiscussionHeading::ALL.iter().map(|h| Opt::new(h.as_str(), h.label())).collect();
            p.more_choices = agenda_part_opts();
        }
        // MIN-02: one section, edited by the note taker until the chair approves.
        Shown::Section(n) => {
            let all = section_rows(sections.unwrap_or_default());
            p.sections = all.into_iter().filter(|s| s.number == n).collect();
        }
        // MIN-03, EXC-06: each recipient sent the latest version as they may see it.
        Shown::Distribute => {
            p.sent = rec
                .distribution
                .iter()
                .enumerate()
                .map(|(i, s)| SentRow {
                    number: i + 1,
                    recipient: recipient_name(&c, &s.recipient, &names),
                    version: s.version,
                    on: view::long_date(&s.on),
                    late: s.late,
                })
                .collect();
            p.not_sent = c.record_not_sent().iter().map(|r| recipient_name(&c, r, &names)).collect();
            p.people = people_opts(&c, true, true, true);
            p.choices = vec![Opt::new("en", "English"), Opt::new("cy", "Welsh (Cymraeg)")];
        }
        // MIN-04: the requests and the chair's answers; a parent's request recorded for them.
        Shown::Corrections => {
            p.corrections = rec.correction_requests.iter().map(|r| correction_row(&c, r)).collect();
            p.people = c
                .family_members()
                .iter()
                .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
                .collect();
            p.choices = rec
                .versions
                .iter()
                .rev()
                .map(|v| Opt::new(v.number.to_string(), format!("Version {}", v.number)))
                .collect();
        }
        // MIN-04, MIN-05: the chair's answer to one request: a new version, or why not.
        Shown::Answer(n) => {
            p.corrections =
                rec.correction_requests.iter().filter(|r| r.number == n).map(|r| correction_row(&c, r)).collect();
            p.choices = vec![
                Opt::new("accept", "Make the correction: a new version of the record"),
                Opt::new("decline", "Do not make it (give the reason)"),
            ];
            p.more_choices = latest
                .map(|v| {
                    v.sections
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            Opt::new((i + 1).to_string(), format!("{}. {}: {}", i + 1, s.heading, first_words(&s.text)))
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        // MIN-05: the approved record, and every version kept.
        Shown::Versions => {
            p.sections = latest.map(|v| section_rows(&v.sections)).unwrap_or_default();
            p.history = rec
                .versions
                .iter()
                .rev()
                .map(|v| VersionRow {
                    number: v.number,
                    approved: format!(
                        "Approved by {} on {}",
                        name(&v.approved_by),
                        uk_time::long_instant(&v.approved_at)
                    ),
                    correcting: v.correcting,
                    sections: section_rows(&v.sections),
                })
                .collect();
        }
    }
    Ok(view::render(&p))
}

/// The GET handler of each of the record's pages.
macro_rules! page_handlers {
    ($($name:ident => $shown:expr;)*) => {$(
        pub async fn $name(
            State(state): State<SharedState>,
            ctx: Ctx,
            Path(id): Path<String>,
            Query(q): Query<DoneQuery>,
        ) -> Result<Response, AppError> {
            task_page(&state, &ctx, &id, $shown, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
        }
    )*};
}

page_handlers! {
    outcome_page => Shown::Outcome;
    draft_page => Shown::Draft;
    add_point_page => Shown::AddPoint;
    approve_page => Shown::Approve;
    distribute_page => Shown::Distribute;
    corrections_page => Shown::Corrections;
    versions_page => Shown::Versions;
}

/// One section's page (its number from 1, as the task list shows it).
pub async fn section_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let n = n.parse::<usize>().map_err(|_| AppError::NotFound)?;
    task_page(&state, &ctx, &id, Shown::Section(n), FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

/// The chair's answer to one correction request.
pub async fn answer_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let n = n.parse::<u32>().map_err(|_| AppError::NotFound)?;
    task_page(&state, &ctx, &id, Shown::Answer(n), FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}
