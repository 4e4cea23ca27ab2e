//! Exclusion of a parent or carer (EXC-*). Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions", params(("conference_id" = String, Path)),
    request_body = conference::ExcludeInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn exclude(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::ExcludeInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    parts_chosen(&body, "/decision/scope/part")?;
    changed(conference::exclude(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions/told", params(("conference_id" = String, Path)),
    request_body = conference::ExclusionToldInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn exclusion_told(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::ExclusionToldInput>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    changed(conference::exclusion_told(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions/previous", params(("conference_id" = String, Path)),
    request_body = conference::PreviousExclusionInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn review_previous_exclusion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::PreviousExclusionInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body)
            .await?;
    changed(conference::review_previous_exclusion(&state.ops, &ctx.actor, &id, v, b).await?)
}
