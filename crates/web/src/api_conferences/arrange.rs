//! Scheduling (CHAIR-01, TIME-01), moving, cancelling, and the children the conference is about. Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/schedule", params(("conference_id" = String, Path)),
    request_body = conference::ScheduleInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::ScheduleInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::schedule(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reschedule", params(("conference_id" = String, Path)),
    request_body = conference::RescheduleInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn reschedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::RescheduleInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::reschedule(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/cancel", params(("conference_id" = String, Path)),
    request_body = conference::ReasonInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ReasonInput>(&state, &ctx, Action::CancelConference, &id, &headers, &body).await?;
    changed(conference::cancel(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/children", params(("conference_id" = String, Path)),
    request_body = conference::AddChildInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn add_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::AddChildInput>(&state, &ctx, Action::RequestConference, &id, &headers, &body).await?;
    changed(conference::add_child(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/children/{child_id}/remove",
    params(("conference_id" = String, Path), ("child_id" = String, Path)),
    request_body = conference::ReasonInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn remove_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, child_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::ReasonInput>(&state, &ctx, Action::RequestConference, &id, &headers, &body).await?;
    changed(conference::remove_child(&state.ops, &ctx.actor, &id, &child_id, v, b).await?)
}
