//! The conference page's forms before the meeting (issue 6), for the people who do each step:
//! cancel (coordinator or chair), add or remove a child, name a parent's supporter and the
//! chair's decision on one named late (INV-05), book an interpreter (LANG-01) and record that
//! a family member's needs are met (INV-08), consent to audio recording and the chair's
//! decision to record (MEET-03), reports typed or sent as a file and their sharing with
//! parents (REP-01..04), how an excluded person was told (EXC-04) and the chair's fresh
//! decision on the previous conference's exclusions (EXC-05).
//!
//! As in [`super::conferences`]: each form asks the access policy first (the same action as
//! its API route), reads the form into the domain's types, and saves the domain operation at
//! the version the form was made from. A refusal shows the domain's reason with what was typed
//! kept; a version conflict says someone else saved first. Nothing here decides a rule.

use super::conferences::{begin, date_field, done, finish, person_of, Home, Opt, Problem};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::AdultId;
use confer_ops::conference;

pub(crate) fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

// ---------------------------------------------------------------- the forms

pub(crate) type Fields = Form<Vec<(String, String)>>;

/// Cancels a conference that has not started (coordinator or chair): the reason is required,
/// the cancellation is kept and everyone invited is told (the store writes their messages).
pub async fn cancel(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::CancelConference, &id, f).await?;
    let b = conference::ReasonInput { reason: sent.get("reason").to_owned() };
    let r = done(conference::cancel(&state.ops, &ctx.actor, &id, v, b).await);
    finish(&state, &ctx, &id, Home::Conference, "cancel", "reason", sent, r).await
}

pub async fn add_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::RequestConference, &id, f).await?;
    let r = async {
        let Some(child_id) = sent.opt("child_id") else {
            return Err(Problem::Field("child_id", "Select the child to add".into()));
        };
        let current_plan = match sent.opt("current_plan") {
            None => None,
            Some(p) => Some(
                PlanCategory::parse(&p)
                    .ok_or_else(|| Problem::Field("current_plan", "Select the plan's category from the list".into()))?,
            ),
        };
        let b = conference::AddChildInput { child_id, current_plan };
        done(conference::add_child(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "add-child", "child_id", sent, r).await
}

pub async fn remove_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::RequestConference, &id, f).await?;
    let r = async {
        let Some(child_id) = sent.opt("child_id") else {
            return Err(Problem::Field("child_id", "Select the child to take out".into()));
        };
        let b = conference::ReasonInput { reason: sent.get("reason").to_owned() };
        done(conference::remove_child(&state.ops, &ctx.actor, &id, &child_id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "remove-child", "reason", sent, r).await
}

pub async fn name_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let Some(adult) = sent.opt("supports") else {
            return Err(Problem::Field("supports", "Select the parent or carer they support".into()));
        };
        let supporter_kind = SupporterKind::parse(sent.get("kind"))
            .ok_or_else(|| Problem::Field("kind", "Select who the supporter is to them".into()))?;
        let invitee = conference::InviteeDto::Supporter {
            name: sent.get("name").to_owned(),
            supporter_kind,
            supports: Person::FamilyMember(AdultId(adult)),
            represents: sent.yes("represents"),
        };
        done(conference::invite(&state.ops, &ctx.actor, &id, v, conference::InviteInput { invitee }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "supporter", "name", sent, r).await
}

pub async fn decide_late_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = async {
        let Ok(number) = sent.get("invitation").parse::<u32>() else {
            return Err(Problem::Field("invitation", "Select the supporter".into()));
        };
        let allowed = match sent.get("allowed") {
            "yes" => true,
            "no" => false,
            _ => return Err(Problem::Field("allowed", "Select whether they may attend".into())),
        };
        let b = conference::LateSupporterInput { allowed, reason: sent.get("reason").to_owned() };
        done(conference::decide_late_supporter(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "late-supporter", "reason", sent, r).await
}

pub async fn book_interpreter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let Some(for_person) = person_of(sent.get("for_person")) else {
            return Err(Problem::Field("for_person", "Select who the interpreter is for".into()));
        };
        let b = conference::InterpreterInput {
            for_person,
            language: sent.get("language").trim().to_owned(),
            sign_language: sent.yes("sign_language"),
            interpreter_name: sent.get("interpreter_name").trim().to_owned(),
            organisation: sent.get("organisation").trim().to_owned(),
            adult_id: None,
        };
        done(conference::book_interpreter(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "interpreter", "interpreter_name", sent, r).await
}

pub async fn need_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let Some((adult, need)) =
            sent.get("need").split_once('|').and_then(|(a, n)| Some((a, PracticalNeedKind::parse(n)?)))
        else {
            return Err(Problem::Field("need", "Select the need that has been met".into()));
        };
        let b = conference::NeedMetInput { adult_id: adult.to_owned(), need, how: sent.get("how").to_owned() };
        done(conference::need_met(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "need-met", "how", sent, r).await
}

pub async fn recording_consent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::RecordMeeting, &id, f).await?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let consents = match sent.get("consents") {
            "yes" => true,
            "no" => false,
            _ => return Err(Problem::Field("consents", "Select their answer".into())),
        };
        let b = conference::ConsentInput { adult_id, consents };
        done(conference::recording_consent(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "consent", "adult_id", sent, r).await
}

pub async fn audio_recording(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = done(conference::start_audio_recording(&state.ops, &ctx.actor, &id, v).await);
    finish(&state, &ctx, &id, Home::Conference, "audio", "start", sent, r).await
}

pub async fn exclusion_told(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::GatherViews, &id, f).await?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select who was told".into()));
        };
        let how =
            HowTold::parse(sent.get("how")).ok_or_else(|| Problem::Field("how", "Select how they were told".into()))?;
        let on: NaiveDate = date_field(&sent, "on")?.unwrap_or_else(|| state.ops.clock.today());
        let b = conference::ExclusionToldInput { adult_id, on, how };
        done(conference::exclusion_told(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "told", "on", sent, r).await
}

pub async fn review_previous_exclusion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let outcome = ExclusionReviewOutcome::parse(sent.get("outcome"))
            .ok_or_else(|| Problem::Field("outcome", "Select your decision for this conference".into()))?;
        let b = conference::PreviousExclusionInput { adult_id, outcome };
        done(conference::review_previous_exclusion(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "previous-exclusion", "outcome", sent, r).await
}

pub use super::conference::report_forms::{download_report_file, share_report, submit_report, upload_report};
pub use super::conference::request_kind::{
    kind_facts, request_extra, request_kind, request_needs, KindQuery, RequestExtra, RequestKind,
};
