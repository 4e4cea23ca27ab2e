//! The meeting (MEET-*), the decision (DEC-*, DIS-*) and closing. Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/start", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn start_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let v = version_only(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::start_meeting(&state.ops, &ctx.actor, &id, v).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/attendance", params(("conference_id" = String, Path)),
    request_body = conference::AttendanceInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn attendance(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::AttendanceInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    parts_chosen(&body, "/attendance/parts")?;
    changed(conference::attendance(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/discussion", params(("conference_id" = String, Path)),
    request_body = conference::DiscussionInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn discussion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::DiscussionInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::discussion(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/corrections", params(("conference_id" = String, Path)),
    request_body = conference::CorrectionInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::CorrectionInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::correction(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/professional-views", params(("conference_id" = String, Path)),
    request_body = conference::ProfessionalViewInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn professional_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::ProfessionalViewInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::professional_view(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/parent-views", params(("conference_id" = String, Path)),
    request_body = conference::ParentViewInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn parent_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::ParentViewInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::parent_view(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/actions", params(("conference_id" = String, Path)),
    request_body = conference::ActionInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn plan_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ActionInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::plan_action(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/decisions", params(("conference_id" = String, Path)),
    request_body = conference::DecideInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn decision(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::DecideInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::decision(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/legal-recommendations", params(("conference_id" = String, Path)),
    request_body = conference::LegalInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn legal_recommendation(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::LegalInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::legal_recommendation(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/dissents", params(("conference_id" = String, Path)),
    request_body = conference::RecordDissentInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn dissent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::RecordDissentInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::dissent(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/close", params(("conference_id" = String, Path)),
    request_body = conference::CloseInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn close(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::CloseInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::close(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/outcome-sent", params(("conference_id" = String, Path)),
    request_body = conference::OutcomeSentInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn outcome_sent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::OutcomeSentInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::outcome_sent(&state.ops, &ctx.actor, &id, v, b).await?)
}
