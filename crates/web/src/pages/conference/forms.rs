//! The conference's own forms (schedule and move, invitations and answers, the chair's
//! pre-meetings, exclusions and views, the record): each reads its fields into the operation's
//! input, calls the one operation in `confer_ops`, and `finish`es on its task page.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::*;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::parse_date;
use confer_domain::AdultId;
use confer_ops::conference;

// ---------------------------------------------------------------- the coordinator's forms

/// The schedule form read into the operation's input.
fn schedule_input(sent: &Sent) -> Result<conference::ScheduleInput, Problem> {
    let date = match sent.opt("date") {
        None => {
            return Err(Problem::Field(
                "date",
                "Enter the date of the conference, for example 2026-11-20 or 20/11/2026".into(),
            ))
        }
        Some(t) => parse_date(&t).map_err(|e| Problem::Field("date", e.message))?,
    };
    let Some(chair_id) = sent.opt("chair_id") else {
        return Err(Problem::Field("chair_id", "Select the chair".into()));
    };
    let delay = match (sent.opt("delay_kind"), sent.opt("delay_detail")) {
        (None, None) => None,
        (kind, detail) => {
            let kind = match kind {
                None => DelayReasonKind::Other,
                Some(k) => DelayReasonKind::parse(&k).ok_or_else(|| {
                    Problem::Field("delay_kind", "Select a reason for the delay from the list".into())
                })?,
            };
            Some(conference::DelayDto { kind, detail: detail.unwrap_or_default() })
        }
    };
    Ok(conference::ScheduleInput {
        date,
        time: sent.get("time").to_owned(),
        venue: sent.opt("venue"),
        video_link: sent.opt("video_link"),
        chair_id,
        note_taker_id: sent.opt("note_taker_id"),
        delay,
        // Clashes are refused and named unless the coordinator ticks the box to keep the time.
        keep_clashes: sent.get("accept_clashes") == "yes",
    })
}

type Fields = Form<Vec<(String, String)>>;

pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = match schedule_input(&sent) {
        Ok(b) => done(conference::schedule(&state.ops, &ctx.actor, &id, v, b).await),
        Err(p) => Err(p),
    };
    finish(&state, &ctx, &id, Home::Conference, "schedule", "date", sent, r).await
}

pub async fn reschedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = match schedule_input(&sent) {
        Ok(slot) => {
            let b = conference::RescheduleInput { slot, reason: sent.get("reason").to_owned() };
            done(conference::reschedule(&state.ops, &ctx.actor, &id, v, b).await)
        }
        Err(p) => Err(p),
    };
    finish(&state, &ctx, &id, Home::Conference, "reschedule", "reason", sent, r).await
}

pub async fn invite(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let invitee = match person_of(sent.get("invitee")) {
            Some(Person::FamilyMember(adult)) => conference::InviteeDto::FamilyMember { adult_id: adult.0 },
            Some(Person::Professional(pro)) => conference::InviteeDto::Professional { professional_id: pro.0 },
            Some(Person::Child(child)) => conference::InviteeDto::Child {
                child_id: child.0,
                wishes_to_attend: sent.yes("wishes_to_attend"),
                judged_appropriate: sent.yes("judged_appropriate"),
                parent_agreement: sent.opt("parent_agreement"),
            },
            None => return Err(Problem::Field("invitee", "Select who to invite".into())),
        };
        done(conference::invite(&state.ops, &ctx.actor, &id, v, conference::InviteInput { invitee }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "invite", "invitee", sent, r).await
}

pub async fn answer(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::AnswerInvitation, &id, f).await?;
    let r = async {
        let Ok(number) = sent.get("invitation").parse::<u32>() else {
            return Err(Problem::Field("invitation", "Select whose answer this is".into()));
        };
        let answer = match sent.get("answer") {
            "in-person" => Answer::InPerson,
            "remote" => Answer::Remote,
            "report-only" => Answer::ReportOnly,
            "declined" => Answer::Declined { reason: sent.get("reason").to_owned() },
            _ => return Err(Problem::Field("answer", "Select their answer".into())),
        };
        let b = conference::AnswerInput { answer };
        done(conference::answer_invitation(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "answer", "invitation", sent, r).await
}

pub async fn pre_meeting(
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
        let outcome = match sent.get("outcome") {
            "held" => {
                let mode = PreMeetingMode::parse(sent.get("mode"))
                    .ok_or_else(|| Problem::Field("mode", "Select how you met them".into()))?;
                let on = date_field(&sent, "on")?.unwrap_or_else(|| state.ops.clock.today());
                PreMeetingOutcome::Held { mode, on }
            }
            "not-held" => PreMeetingOutcome::NotHeld { reason: sent.get("reason").to_owned() },
            _ => return Err(Problem::Field("outcome", "Select whether the pre-meeting happened".into())),
        };
        let b = conference::PreMeetingInput { adult_id, outcome };
        done(conference::pre_meeting(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "pre-meeting", "adult_id", sent, r).await
}

// ---------------------------------------------------------------- the record (MIN-*)

pub async fn draft_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::RecordMeeting, &id, f).await?;
    let b = conference::DraftInput { sections: None };
    let r = done(conference::draft_record(&state.ops, &ctx.actor, &id, v, b).await);
    finish(&state, &ctx, &id, Home::Record, "draft", "draft", sent, r).await
}

pub async fn approve_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = done(conference::approve_record(&state.ops, &ctx.actor, &id, v).await);
    finish(&state, &ctx, &id, Home::Record, "approve", "approve", sent, r).await
}

pub async fn distribute_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let recipient = match person_of(sent.get("recipient")) {
            Some(Person::FamilyMember(x)) => Recipient::FamilyMember(x),
            Some(Person::Professional(x)) => Recipient::Professional(x),
            Some(Person::Child(x)) => Recipient::Child(x),
            None => return Err(Problem::Field("recipient", "Select who to send the record to".into())),
        };
        // LANG-04: none chosen, the recipient's own language.
        let language = DocumentLanguage::parse(sent.get("language"));
        let b = conference::DistributeInput { recipient, language };
        done(conference::distribute_record(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Record, "distribute", "recipient", sent, r).await
}

// ---------------------------------------------------------------- exclusion and views

/// EXC-01..03: the chair excludes a parent or carer from the whole conference or a part.
pub async fn exclude(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = async {
        let Some(adult) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let scope = match sent.get("scope") {
            "whole" => ExclusionScope::Whole,
            "part" => ExclusionScope::Part {
                // EXC-03: chosen from the agenda's parts, never typed.
                part: Part::chosen(sent.get("part")).ok_or_else(|| {
                    Problem::Field("part", "Choose the part of the conference they are excluded from".into())
                })?,
                kind: ExcludedPartKind::parse(sent.get("part_kind")).unwrap_or(ExcludedPartKind::Other),
                will_see: sent.get("will_see").trim().to_owned(),
                will_not_see: sent.get("will_not_see").trim().to_owned(),
            },
            _ => return Err(Problem::Field("scope", "Select whether it is the whole conference or a part".into())),
        };
        let decision = ExclusionDecision {
            adult_id: AdultId(adult),
            scope,
            reasons: sent.all("reasons").iter().filter_map(|r| ExclusionReason::parse(r)).collect(),
            detail: sent.get("detail").to_owned(),
            rests_on_police_information: sent.yes("police"),
            views_by: sent.all("views_by").iter().filter_map(|r| ViewsRoute::parse(r)).collect(),
        };
        done(conference::exclude(&state.ops, &ctx.actor, &id, v, conference::ExcludeInput { decision }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "exclude", "adult_id", sent, r).await
}

/// INV-06/07, CHILD-02/03: a parent's or child's views, how they were obtained and by whom.
pub async fn record_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::GatherViews, &id, f).await?;
    let r = async {
        let Some(whose) = person_of(sent.get("whose")) else {
            return Err(Problem::Field("whose", "Select whose views these are".into()));
        };
        let form = ViewsForm::parse(sent.get("form"))
            .ok_or_else(|| Problem::Field("form", "Select how the views were given".into()))?;
        let obtained_on = date_field(&sent, "obtained_on")?.unwrap_or_else(|| state.ops.clock.today());
        let views = ViewsGiven {
            whose,
            form,
            summary: sent.get("summary").to_owned(),
            how_obtained: sent.get("how_obtained").to_owned(),
            obtained_by: sent.get("obtained_by").to_owned(),
            obtained_on,
            supported_by: None,
        };
        done(conference::record_views(&state.ops, &ctx.actor, &id, v, conference::ViewsInput { views }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "views", "whose", sent, r).await
}
