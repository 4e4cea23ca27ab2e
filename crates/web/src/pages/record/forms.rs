//! The record's forms, after the meeting: the written outcome sent to each parent and
//! professional, with the reason when late (DEC-05, TIME-01); a section of the draft edited by
//! the note taker, and a point added to its discussion (MIN-01/02); a parent's correction
//! request recorded on their behalf, and the chair's answer, a new version or a reason
//! (MIN-04/05). (Writing the draft, approving and sending it are in
//! `pages/conference/forms.rs`.) Each reads its fields into the operation's input, calls the one
//! operation in `confer_ops`, and `finish`es on its task's page.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{allow, begin, date_field, done, finish, person_of, Home, Problem, Sent};
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::timescales::{LateReason, LateReasonRecord};
use confer_ops::conference;
use confer_ops::OpsError;

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
