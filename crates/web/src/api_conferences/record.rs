//! The record after the meeting (MIN-*). Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/draft", params(("conference_id" = String, Path)),
    request_body = conference::DraftInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn draft_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::DraftInput>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    changed(conference::draft_record(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/approve", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn approve_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let v = version_only(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::approve_record(&state.ops, &ctx.actor, &id, v).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/distribute", params(("conference_id" = String, Path)),
    request_body = conference::DistributeInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn distribute_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::DistributeInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::distribute_record(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/correction-requests", params(("conference_id" = String, Path)),
    request_body = conference::CorrectionRequestInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn request_record_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::CorrectionRequestInput>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    changed(conference::request_record_correction(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/correction-requests/{number}/answer",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = conference::CorrectionAnswerInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn answer_record_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::CorrectionAnswerInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::answer_record_correction(&state.ops, &ctx.actor, &id, number, v, b).await?)
}
