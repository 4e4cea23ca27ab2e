//! After the meeting, and the parts of the live meeting that lead to the record (issue 6):
//!
//! - on the live meeting page, the chair's recommendation that the authority consider legal
//!   action (DEC-04) and marking a gathered view as presented to the conference (INV-07,
//!   CHILD-02);
//! - the record on its own page, `/conferences/{id}/record`: the written outcome sent to each
//!   parent and professional, with the reason when late (DEC-05, TIME-01); the draft written
//!   from the meeting and edited section by section by the note taker (MIN-01/02), approved by
//!   the chair, distributed by the coordinator as each recipient may see it (MIN-03, EXC-06);
//!   correction requests recorded on a parent's behalf and the chair's answer, a new version
//!   or a reason (MIN-04/05), with every version kept and shown.
//!
//! Like the other conference pages: the access policy first (the same action as the API
//! route), then the domain operation through the store's save at the version the form was
//! made from; refusals in the error summary with what was typed kept, conflicts shown as such.

use super::conferences::{begin, 
    allow, date_field, done, finish, may, people_opts, person_of, recipient_name, state_tag, to_app, user_names,
    DoneQuery, Home, Kept, Opt, Problem, Sent, SentRow,
};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::uk_time;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::timescales::{LateReason, LateReasonRecord};
use confer_domain::validate::FormErrors;
use confer_domain::UserId;
use confer_ops::conference;
use confer_ops::OpsError;
use confer_store::conferences::{self, Stored};

// ---------------------------------------------------------------- rows the templates show

/// One section of a draft or a version, numbered from 1 as the page shows it.
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

/// A gathered view, for the chair to present in the meeting (INV-07, CHILD-02).
pub struct ViewRow {
    pub number: u32,
    pub whose: String,
    pub form: String,
    pub summary: String,
    pub presented: String,
    /// A letter, drawing or recording: the conference cannot close until it is presented.
    pub must_be_presented: bool,
}

/// The views gathered for the conference, as the live meeting page lists them.
pub fn view_rows(c: &Conference) -> Vec<ViewRow> {
    c.views()
        .iter()
        .map(|v| ViewRow {
            number: v.id.0,
            whose: c.name_of(&v.given.whose),
            form: v.given.form.label().to_owned(),
            summary: v.given.summary.clone(),
            presented: match &v.presented {
                Some(p) if p.read_out => format!("Read out at {}", uk_time::clock_time(&p.at)),
                Some(p) => format!("Presented at {}", uk_time::clock_time(&p.at)),
                None => String::new(),
            },
            must_be_presented: v.given.form.is_presented_in_meeting(),
        })
        .collect()
}

/// DEC-04: the recommendations the conference may make, for the meeting page's form.
pub fn legal_actions() -> Vec<Opt> {
    LegalAction::ALL.iter().map(|a| Opt::new(a.as_str(), a.label())).collect()
}

/// DEC-04: the recommendations recorded, in the record's words (always a recommendation).
pub fn legal_rows(c: &Conference) -> Vec<(String, String)> {
    c.legal_recommendations()
        .iter()
        .map(|r| {
            let children =
                r.children.iter().map(|ch| c.name_of(&Person::Child(ch.clone()))).collect::<Vec<_>>().join(", ");
            (children, r.wording())
        })
        .collect()
}

// ---------------------------------------------------------------- the record page

/// Who may do what on the record page (only to show the forms; the domain decides).
pub struct MayRecord {
    pub arrange: bool,
    pub chair: bool,
    pub record: bool,
    /// Writes and edits the draft: the note taker or the chair (the domain decides; a
    /// coordinator, who may record the meeting, does not write the record).
    pub edit: bool,
    pub views: bool,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    family_name: String,
    kind: String,
    state: String,
    state_tag: &'static str,
    closed: bool,
    may: MayRecord,
    kept: &'a Kept,
    status: String,
    record_due_by: String,
    outcome_due_by: String,
    late_label: String,
    outcome_sent: Vec<OutcomeRow>,
    outcome_missing: Vec<String>,
    outcome_recipients: Vec<Opt>,
    late_reasons: Vec<Opt>,
    draft: Vec<SectionRow>,
    draft_written: String,
    latest: Vec<SectionRow>,
    latest_number: u32,
    latest_number_text: String,
    history: Vec<VersionRow>,
    sent: Vec<SentRow>,
    recipients: Vec<Opt>,
    languages: Vec<Opt>,
    corrections: Vec<CorrectionRow>,
    family: Vec<Opt>,
    versions: Vec<Opt>,
    latest_sections: Vec<Opt>,
    answers: Vec<Opt>,
    headings: Vec<Opt>,
    agenda_parts: Vec<Opt>,
}

fn notice_for(done: &str) -> Option<String> {
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

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    record_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
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

pub async fn record_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::ViewConference, id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let family = confer_store::families::family_record(&state.db, a.owner.family_id.as_str()).await?;
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
    let outcome_sent = c
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
    let outcome_missing = c.outcome_not_sent().iter().map(|r| recipient_name(&c, r, &names)).collect();
    let history = rec
        .versions
        .iter()
        .rev()
        .map(|v| VersionRow {
            number: v.number,
            approved: format!("Approved by {} on {}", name(&v.approved_by), uk_time::long_instant(&v.approved_at)),
            correcting: v.correcting,
            sections: section_rows(&v.sections),
        })
        .collect();
    let sent = rec
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
    let corrections = rec
        .correction_requests
        .iter()
        .map(|r| CorrectionRow {
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
        })
        .collect();
    let mut page =
        ctx.page(&format!("The record: {} for the {}", c.kind().label(), family.family.name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for);
    Ok(view::render(&RecordPage {
        page: &page,
        id,
        version,
        family_name: family.family.name.clone(),
        kind: c.kind().label().to_owned(),
        state: c.state().label().to_owned(),
        state_tag: state_tag(c.state()),
        closed: c.state() == ConferenceState::Closed,
        may: MayRecord {
            arrange: may(ctx, &a, Action::ArrangeConference),
            chair: may(ctx, &a, Action::ChairConference),
            record: may(ctx, &a, Action::RecordMeeting),
            edit: may(ctx, &a, Action::RecordMeeting)
                && (ctx.actor.roles.contains(&confer_domain::Role::NoteTaker) || may(ctx, &a, Action::ChairConference)),
            views: may(ctx, &a, Action::GatherViews),
        },
        kept,
        status,
        record_due_by: c
            .date()
            .and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar))
            .map(|d| view::long_date(&d))
            .unwrap_or_default(),
        outcome_due_by: c.outcome_due_by().map(|d| view::long_date(&d)).unwrap_or_default(),
        late_label: match c.outcome_due_by() {
            Some(d) => format!("If it was sent after {}: the reason for the delay", view::long_date(&d)),
            None => "If it was sent late: the reason for the delay".into(),
        },
        outcome_sent,
        outcome_missing,
        outcome_recipients: people_opts(&c, true, true, false),
        late_reasons: LateReason::ALL.iter().map(|r| Opt::new(r.as_str(), r.label())).collect(),
        draft: rec.draft.as_ref().map(|d| section_rows(&d.sections)).unwrap_or_default(),
        draft_written: rec
            .draft
            .as_ref()
            .map(|d| format!("Last changed by {} on {}", name(&d.written_by), uk_time::long_instant(&d.updated_at)))
            .unwrap_or_default(),
        latest: rec.latest().map(|v| section_rows(&v.sections)).unwrap_or_default(),
        latest_number: rec.latest().map(|v| v.number).unwrap_or(0),
        latest_number_text: rec.latest().map(|v| v.number.to_string()).unwrap_or_default(),
        history,
        sent,
        recipients: people_opts(&c, true, true, true),
        languages: vec![Opt::new("en", "English"), Opt::new("cy", "Welsh (Cymraeg)")],
        corrections,
        family: c
            .family_members()
            .iter()
            .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
            .collect(),
        versions: rec
            .versions
            .iter()
            .rev()
            .map(|v| Opt::new(v.number.to_string(), format!("Version {}", v.number)))
            .collect(),
        latest_sections: rec
            .latest()
            .map(|v| {
                v.sections
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        Opt::new((i + 1).to_string(), format!("{}. {}: {}", i + 1, s.heading, first_words(&s.text)))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        headings: DiscussionHeading::ALL.iter().map(|h| Opt::new(h.as_str(), h.label())).collect(),
        agenda_parts: super::conferences::agenda_part_opts(),
        answers: vec![
            Opt::new("accept", "Make the correction: a new version of the record"),
            Opt::new("decline", "Do not make it (give the reason)"),
        ],
    }))
}

// ---------------------------------------------------------------- the forms

/// Reads a number from the path (a section, a correction request, views).
fn number(text: &str) -> Result<u32, AppError> {
    text.parse::<u32>().map_err(|_| AppError::NotFound)
}

/// Where a refusal of the outcome form points.
fn outcome_field(r: &Result<(), Problem>) -> &'static str {
    match r {
        Err(Problem::Ops(OpsError::Refused(e))) => match e {
            ConferenceError::OutcomeLateWithoutReason { .. } => "late_reason",
            ConferenceError::BadLateReason { .. } => "late_details",
            ConferenceError::BadDate { .. } => "on",
            _ => "recipient",
        },
        _ => "recipient",
    }
}

/// DEC-05, TIME-01: the coordinator records that the written outcome went to someone; when
/// it went after the day it was due, with the reason from the list (and free text).
pub async fn outcome_sent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let recipient = match person_of(sent.get("recipient")) {
            Some(Person::FamilyMember(x)) => Recipient::FamilyMember(x),
            Some(Person::Professional(x)) => Recipient::Professional(x),
            _ => return Err(Problem::Field("recipient", "Select who the outcome was sent to".into())),
        };
        let late_reason = match sent.opt("late_reason") {
            None => None,
            Some(text) => {
                let reason = LateReason::parse(&text)
                    .ok_or_else(|| Problem::Field("late_reason", "Choose a reason from the list".into()))?;
                Some(LateReasonRecord { reason, details: sent.get("late_details").to_owned() })
            }
        };
        let b = conference::OutcomeSentInput { recipient, on: date_field(&sent, "on")?, late_reason };
        done(conference::outcome_sent(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    let field = outcome_field(&r);
    finish(&state, &ctx, &id, Home::Record, "outcome", field, sent, r).await
}

/// MIN-02: the note taker (or chair) rewrites one section of the draft.
pub async fn edit_section(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::RecordMeeting, &id).await?;
    let n = number(&n)?;
    let sent = Sent(f);
    let v = sent.version()?;
    let b = conference::EditSectionInput { section: n, text: sent.get("text").to_owned() };
    let r = done(conference::edit_record_section(&state.ops, &ctx.actor, &id, v, b).await);
    let form = format!("section-{n}");
    finish(&state, &ctx, &id, Home::Record, &form, "text", sent, r).await
}

/// MEET-05, MIN-01: the note taker (or chair) adds a point the meeting made to the draft's
/// discussion, under one of the six headings.
pub async fn add_discussion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::RecordMeeting, &id, f).await?;
    let r = async {
        let heading = DiscussionHeading::parse(sent.get("heading"))
            .ok_or_else(|| Problem::Field("heading", "Select the heading it comes under".into()))?;
        // EXC-03: the part, if any, is chosen from the agenda's list, never typed.
        if sent.opt("part").is_some_and(|p| Part::chosen(&p).is_none()) {
            return Err(Problem::Field("part", "Choose the part of the conference from the list".into()));
        }
        let b = conference::RecordDiscussionInput {
            heading,
            part: sent.opt("part"),
            text: sent.get("text").to_owned(),
            restricted: sent.yes("restricted"),
        };
        done(conference::add_record_discussion(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Record, "add-discussion", "text", sent, r).await
}

/// MIN-04: a correction asked for by a parent, recorded by staff on their behalf.
pub async fn request_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::GatherViews, &id, f).await?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer asking for the correction".into()));
        };
        let Ok(record_version) = sent.get("record_version").trim().parse::<u32>() else {
            return Err(Problem::Field(
                "record_version",
                "Select the version of the record they are asking about".into(),
            ));
        };
        let b = conference::CorrectionRequestInput { adult_id, record_version, what: sent.get("what").to_owned() };
        done(conference::request_record_correction(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    let field = match &r {
        Err(Problem::Ops(OpsError::Refused(ConferenceError::Missing { .. }))) => "what",
        _ => "adult_id",
    };
    finish(&state, &ctx, &id, Home::Record, "correction-request", field, sent, r).await
}

/// MIN-04, MIN-05: the chair answers a correction request: a new version with the change,
/// or the reason it is not made.
pub async fn answer_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let n = number(&n)?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let b = match sent.get("answer") {
            "accept" => {
                let Ok(section) = sent.get("section").trim().parse::<usize>() else {
                    return Err(Problem::Field("section", "Select the section to correct".into()));
                };
                let changes = vec![SectionChange {
                    index: section.saturating_sub(1),
                    text: sent.get("text").trim().replace("\r\n", "\n"),
                }];
                conference::CorrectionAnswerInput {
                    accepted: true,
                    changes,
                    note: sent.get("note").to_owned(),
                    reason: String::new(),
                }
            }
            "decline" => conference::CorrectionAnswerInput {
                accepted: false,
                changes: Vec::new(),
                note: String::new(),
                reason: sent.get("reason").to_owned(),
            },
            _ => return Err(Problem::Field("answer", "Select whether you make the correction".into())),
        };
        done(conference::answer_record_correction(&state.ops, &ctx.actor, &id, n, v, b).await)
    }
    .await;
    let field = match &r {
        Err(Problem::Ops(OpsError::Refused(ConferenceError::Missing { what }))) if what.contains("why") => "reason",
        Err(Problem::Ops(OpsError::Refused(ConferenceError::Missing { .. }))) => "text",
        Err(Problem::Ops(OpsError::Refused(ConferenceError::NotFound { .. }))) => "section",
        _ => "answer",
    };
    let form = format!("answer-{n}");
    finish(&state, &ctx, &id, Home::Record, &form, field, sent, r).await
}

// ---------------------------------------------------------------- on the live meeting page

/// INV-07, CHILD-02: the chair puts a letter, drawing or recording (or other views) before
/// the conference; a letter is recorded as read out.
pub async fn present_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let n = number(&n)?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = done(conference::present_views(&state.ops, &ctx.actor, &id, n, v).await);
    finish(&state, &ctx, &id, Home::Meeting, "present", "views", sent, r).await
}

/// DEC-04: the chair records that the conference recommends the authority consider legal
/// action. The record words it as a recommendation: the conference has no legal powers.
pub async fn legal_recommendation(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = async {
        let action = LegalAction::parse(sent.get("action"))
            .ok_or_else(|| Problem::Field("action", "Select what the conference recommends".into()))?;
        let b =
            conference::LegalInput { children: sent.all("children"), action, reasons: sent.get("reasons").to_owned() };
        done(conference::legal_recommendation(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    let field = match &r {
        Err(Problem::Ops(OpsError::Refused(ConferenceError::Missing { what }))) if what.contains("reasons") => {
            "reasons"
        }
        _ => "children",
    };
    finish(&state, &ctx, &id, Home::Meeting, "legal", field, sent, r).await
}
