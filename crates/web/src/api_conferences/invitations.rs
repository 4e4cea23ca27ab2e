//! Invitations (INV-*, CHILD-01), answers, supporters, interpreters (LANG-01) and practical needs. Each handler reads the body into the operation's input, calls it and
//! presents what it answers ([`super`] has the reading and the presenting).

use super::*;

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations", params(("conference_id" = String, Path)),
    request_body = conference::InviteInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn invite(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::InviteInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::invite(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations/{number}/answer",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = conference::AnswerInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn answer_invitation(
    State(state): State<SharedState>,
    ctx: Ctx,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<conference::AnswerInput>(&state, &ctx, Action::AnswerInvitation, &id, &headers, &body).await?;
    changed(conference::answer_invitation(&state.ops, &ctx.actor, &id, number, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations/{number}/late-supporter-decision",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = conference::LateSupporterInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn decide_late_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::LateSupporterInput>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    changed(conference::decide_late_supporter(&state.ops, &ctx.actor, &id, number, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/interpreters", params(("conference_id" = String, Path)),
    request_body = conference::InterpreterInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn book_interpreter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::InterpreterInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::book_interpreter(&state.ops, &ctx.actor, &id, v, b).await?)
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/needs-met", params(("conference_id" = String, Path)),
    request_body = conference::NeedMetInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn need_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) =
        input::<conference::NeedMetInput>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    changed(conference::need_met(&state.ops, &ctx.actor, &id, v, b).await?)
}
