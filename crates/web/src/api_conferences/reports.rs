//! Reports and sharing (REP-*), views, pre-meetings and recording consent. Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reports", params(("conference_id" = String, Path)),
    request_body = conference::ReportInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn submit_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ReportInput>(&state, &ctx, Action::SubmitReport, &id, &headers, &body).await?;
    changed(conference::submit_report(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reports/{number}/share",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = conference::ShareInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn share_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ShareInput>(&state, &ctx, Action::SubmitReport, &id, &headers, &body).await?;
    changed(conference::share_report(&state.ops, &ctx.actor, &id, number, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/views", params(("conference_id" = String, Path)),
    request_body = conference::ViewsInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn record_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ViewsInput>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    changed(conference::record_views(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/views/{number}/present",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn present_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let v = version_only(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::present_views(&state.ops, &ctx.actor, &id, number, v).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/pre-meetings", params(("conference_id" = String, Path)),
    request_body = conference::PreMeetingInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn pre_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::PreMeetingInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::pre_meeting(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/recording-consents", params(("conference_id" = String, Path)),
    request_body = conference::ConsentInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn recording_consent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ConsentInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::recording_consent(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/audio-recording", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn start_audio_recording(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let v = version_only(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::start_audio_recording(&state.ops, &ctx.actor, &id, v).await?)
}
