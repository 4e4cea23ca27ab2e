//! The JSON API for plans (issue 13, PLAN-*, CG-01): one endpoint per operation of
//! `confer_ops::plan`, each a thin adapter that reads the body into the operation's input,
//! calls it and presents the answer. As for conferences, access comes before parsing (a body
//! that cannot be read is answered only after the access policy let the person reach the
//! plan), and every write names the version the client last saw (`If-Match: "<version>"` or
//! a `version` field: 428 without it, 409 if someone else saved first).

use crate::api::{ApiError, ErrorBody};
use crate::api_conferences::{after_access, read_versioned, versioned_json};
use crate::auth::Ctx;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use confer_domain::access::Action;
use confer_ops::core_group;
use confer_ops::plan::{self, PlanChanged};
use confer_ops::plan_people;
use confer_ops::transfers;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        my_plans,
        get_plan,
        plan_history,
        family_plans,
        change_outline,
        add_action,
        update_action,
        end_plan,
        core_group_meeting,
        arrange_core_group,
        move_core_group,
        cancel_core_group,
        review_forward,
        change_child_in_need,
        network_meeting,
        transfer_out,
        share_transfer_pack,
        transfer_pack,
        child_timeline,
        incoming_transfers,
        incoming_transfer,
        accept_transfer,
        decline_transfer,
        portal_plan
    ),
    components(schemas(
        plan::PlanView,
        plan::MyPlans,
        plan::OverdueAction,
        plan::PlanChanged,
        plan::OutlineInput,
        plan::ConcernInput,
        plan::NewActionInput,
        plan::ActionStatusInput,
        plan::EndInput,
        plan::CoreGroupMeetingBody,
        plan::ReviewForwardInput,
        plan::ChildInNeedInput,
        plan::ServiceInput,
        plan::TransferOutInput,
        plan::TransferredOut,
        plan::PackShared,
        plan::SharePackInput,
        plan::CoreGroupCancelled,
        plan::TransferPack,
        plan::PackConference,
        plan::ChronologyEntry,
        plan::MemberSchema,
        plan::ActionProgressSchema,
        plan::SafetyRatingSchema,
        core_group::ArrangeInput,
        core_group::MoveInput,
        core_group::CancelInput,
        core_group::ArrangementChanged,
        transfers::IncomingTransfer,
        transfers::IncomingTransferView,
        transfers::AcceptTransferInput,
        transfers::AcceptedTransfer,
        transfers::DeclineTransferInput,
        plan_people::PortalPlanJson,
        plan_people::PortalConcern,
        plan_people::PortalAction,
        plan_people::PortalMeeting,
        plan_people::PortalWords
    ))
)]
pub struct PlanApiDoc;

/// Adds the plan paths and schemas to [`crate::api::ApiDoc`].
pub struct PlanPaths;
impl utoipa::Modify for PlanPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        openapi.merge(PlanApiDoc::openapi());
        // The family portal's JSON is read with the portal's sign-in (its session cookie):
        // the family holds no API tokens (issue 10).
        let components = openapi.components.get_or_insert_with(Default::default);
        let cookie = ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The family portal's session, from signing in to the portal (`__Host-confer_session` over HTTPS).",
        );
        components.add_security_scheme("portal_session", SecurityScheme::ApiKey(ApiKey::Cookie(cookie)));
    }
}

type Res<T = Response> = Result<T, ApiError>;

/// The input and the version of a write. When they cannot be read, the access policy is asked
/// first (as the operation would), so nothing is said about a plan the person may not reach.
async fn input<T: DeserializeOwned>(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Res<(T, i64)> {
    let read = read_versioned::<T>(headers, body, "plan");
    after_access(read, async {
        plan::authorize_plan(&state.ops, &ctx.actor, action, id).await.map_err(ApiError::plan)?;
        Ok::<(), ApiError>(())
    })
    .await
}

fn changed(c: PlanChanged) -> Res {
    let version = c.version;
    Ok(versioned_json(c, version))
}

/// "My plans": the active plans the person leads or is in the core group of, their overdue
/// actions (PLAN-02) and their core groups due (CG-02).
#[utoipa::path(get, path = "/api/v1/plans", responses((status = 200, body = plan::MyPlans), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn my_plans(State(state): State<SharedState>, ctx: Ctx) -> Res<Json<plan::MyPlans>> {
    Ok(Json(plan::mine(&state.ops, &ctx.actor).await.map_err(ApiError::plan)?))
}

/// A child's plan: key worker, outline, actions (overdue ones named), core group, category
/// history, ending, and the statement that it does not change parental responsibility (PLAN-06).
#[utoipa::path(get, path = "/api/v1/plans/{plan_id}", params(("plan_id" = String, Path)),
    responses((status = 200, body = plan::PlanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_plan(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let v = plan::view(&state.ops, &ctx.actor, &id).await.map_err(ApiError::plan)?;
    let version = v.version;
    Ok(versioned_json(v, version))
}

/// What changed in a plan, when and by whom: every version, newest first.
#[utoipa::path(get, path = "/api/v1/plans/{plan_id}/history", params(("plan_id" = String, Path)),
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn plan_history(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    Ok(Json(plan::history(&state.ops, &ctx.actor, &id).await.map_err(ApiError::plan)?).into_response())
}

/// The plans of a family, newest first.
#[utoipa::path(get, path = "/api/v1/families/{family_id}/plans", params(("family_id" = String, Path)),
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn family_plans(State(state): State<SharedState>, ctx: Ctx, Path(family_id): Path<String>) -> Res {
    Ok(Json(plan::of_family(&state.ops, &ctx.actor, &family_id).await.map_err(ApiError::plan)?).into_response())
}

/// PLAN-01, PLAN-03: the detailed plan (concerns and why change is needed, needs, goals).
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/outline", params(("plan_id" = String, Path)),
    request_body = plan::OutlineInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn change_outline(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::OutlineInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::change_outline(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// PLAN-02: a new action with its owner and due date.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/actions", params(("plan_id" = String, Path)),
    request_body = plan::NewActionInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::NewActionInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::add_action(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// PLAN-02: an action's status with a note ("not-done" needs the reason as its note).
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/actions/{number}/status",
    params(("plan_id" = String, Path), ("number" = u32, Path)),
    request_body = plan::ActionStatusInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::ActionStatusInput>(&state, &ctx, Action::UpdatePlanAction, &id, &headers, &body).await?;
    let number = number.parse::<u32>().map_err(|_| ApiError::NotFound)?;
    changed(plan::update_action(&state.ops, &ctx.actor, &id, v, number, b).await.map_err(ApiError::plan)?)
}

/// PLAN-05: the plan ends (transfer out, 18th birthday, death, adoption) with the reason.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/end", params(("plan_id" = String, Path)),
    request_body = plan::EndInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_plan(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::EndInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::end(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// CG-03: a core group meeting: who was there, progress on each open action with evidence, a
/// 0-10 safety rating from each person present, new actions, and any concern for the review.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/core-group-meetings", params(("plan_id" = String, Path)),
    request_body = plan::CoreGroupMeetingBody, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn core_group_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::CoreGroupMeetingBody>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::core_group_meeting(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

fn arrangement(c: core_group::ArrangementChanged) -> Res {
    let version = c.version;
    Ok(versioned_json(c, version))
}

/// CG-01, CG-02: arranges the next core group meeting (day, time, a place or online; after the
/// core group's due date with the late reason) and invites the core group: e-mails with a
/// calendar invitation (.ics), or letters on the print list.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/core-group-arrangement", params(("plan_id" = String, Path)),
    request_body = core_group::ArrangeInput, responses((status = 200, body = core_group::ArrangementChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn arrange_core_group(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<core_group::ArrangeInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    arrangement(core_group::arrange(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// CG-02: moves the arranged core group meeting, with the reason; everyone invited is told
/// (the same calendar entry with a higher SEQUENCE; letters waiting are replaced).
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/core-group-arrangement/move", params(("plan_id" = String, Path)),
    request_body = core_group::MoveInput, responses((status = 200, body = core_group::ArrangementChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_core_group(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<core_group::MoveInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    arrangement(core_group::move_meeting(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// CG-02: cancels the arranged core group meeting, with the reason; everyone invited is told
/// (METHOD:CANCEL; letters waiting are withdrawn).
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/core-group-arrangement/cancel", params(("plan_id" = String, Path)),
    request_body = core_group::CancelInput, responses((status = 200, body = core_group::ArrangementChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel_core_group(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<core_group::CancelInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    arrangement(core_group::cancel(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// REV-02: the review brought forward to an earlier date, with the reason.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/review-forward", params(("plan_id" = String, Path)),
    request_body = plan::ReviewForwardInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review_forward(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::ReviewForwardInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::bring_review_forward(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// PLAN-04: a child in need plan's needs, services (with provider and duration) and expected
/// outcomes.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/child-in-need", params(("plan_id" = String, Path)),
    request_body = plan::ChildInNeedInput, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn change_child_in_need(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::ChildInNeedInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::change_child_in_need(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// PLAN-04: a network meeting reviews a child in need plan (attendance, progress on each open
/// action with evidence, new actions; ratings optional). The body is a core group meeting's.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/network-meetings", params(("plan_id" = String, Path)),
    request_body = plan::CoreGroupMeetingBody, responses((status = 200, body = PlanChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn network_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::CoreGroupMeetingBody>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    changed(plan::network_meeting(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?)
}

/// PLAN-05, TIME-02: the child moved to another authority: the plan ends, and the answer gives
/// the receiving authority's transfer-in conference due date.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/transfer-out", params(("plan_id" = String, Path)),
    request_body = plan::TransferOutInput, responses((status = 200, body = plan::TransferredOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn transfer_out(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (b, v) = input::<plan::TransferOutInput>(&state, &ctx, Action::ChangePlan, &id, &headers, &body).await?;
    let t = plan::transfer_out(&state.ops, &ctx.actor, &id, v, b).await.map_err(ApiError::plan)?;
    let version = t.version;
    Ok(versioned_json(t, version))
}

/// PLAN-05, TIME-02: the sending authority consents, after the transfer out, to share the
/// transfer pack with the receiving authority (a tenant here); audited in both tenants.
#[utoipa::path(post, path = "/api/v1/plans/{plan_id}/transfer-out/share-pack", params(("plan_id" = String, Path)),
    request_body = plan::SharePackInput,
    responses((status = 200, body = plan::PackShared), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn share_transfer_pack(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Res {
    // The policy first: someone who may not change the plan learns nothing from the body.
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, &id).await.map_err(ApiError::plan)?;
    let b = crate::api_conferences::read_input::<plan::SharePackInput>(&body)?;
    Ok(Json(plan::share_pack(&state.ops, &ctx.actor, &id, b).await.map_err(ApiError::plan)?).into_response())
}

/// PLAN-05, TIME-02: the transfer pack for the receiving authority: the plan, the latest
/// conference with its approved record, and the chronology (read logged).
#[utoipa::path(get, path = "/api/v1/plans/{plan_id}/transfer-pack", params(("plan_id" = String, Path)),
    responses((status = 200, body = plan::TransferPack), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn transfer_pack(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    Ok(Json(plan::transfer_pack(&state.ops, &ctx.actor, &id).await.map_err(ApiError::plan)?).into_response())
}

/// A child's timeline: every conference, plan version, core group meeting and action in date
/// order, the safety ratings of each core group meeting (CG-03: the lowest and the average)
/// and the actions due and done on time (PLAN-02), for those who may read the child's plans
/// (the read is logged).
#[utoipa::path(get, path = "/api/v1/families/{family_id}/children/{child_id}/timeline",
    params(("family_id" = String, Path), ("child_id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn child_timeline(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
) -> Res {
    let t = plan_people::timeline(&state.ops, &ctx.actor, &family_id, &child_id).await.map_err(ApiError::plan)?;
    Ok(Json(t).into_response())
}

/// PLAN-05, TIME-02: the transfers other tenants of this installation offered to this
/// authority, the pending ones first (the child is named only once the sending authority
/// consented to share the pack).
#[utoipa::path(get, path = "/api/v1/transfers",
    responses((status = 200, body = Vec<transfers::IncomingTransfer>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn incoming_transfers(State(state): State<SharedState>, ctx: Ctx) -> Res {
    Ok(Json(transfers::incoming(&state.ops, &ctx.actor).await?).into_response())
}

/// PLAN-05, TIME-02: one transfer offered to this authority, with its pack when the sending
/// authority consented to share it (the read is logged in both tenants).
#[utoipa::path(get, path = "/api/v1/transfers/{transfer_id}", params(("transfer_id" = String, Path)),
    responses((status = 200, body = transfers::IncomingTransferView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn incoming_transfer(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    Ok(Json(transfers::open(&state.ops, &ctx.actor, &id).await?).into_response())
}

/// TIME-02: accepts an offered transfer, requesting the transfer-in conference for the child
/// in this authority's record of the family (due 15 working days from the day this authority
/// was told, by default). 409 when it was already answered.
#[utoipa::path(post, path = "/api/v1/transfers/{transfer_id}/accept", params(("transfer_id" = String, Path)),
    request_body = transfers::AcceptTransferInput,
    responses((status = 200, body = transfers::AcceptedTransfer), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accept_transfer(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Res {
    let b = crate::api_conferences::read_input::<transfers::AcceptTransferInput>(&body)?;
    Ok(Json(transfers::accept(&state.ops, &ctx.actor, &id, b).await?).into_response())
}

/// Declines an offered transfer with the reason (audited in both tenants). 409 when it was
/// already answered.
#[utoipa::path(post, path = "/api/v1/transfers/{transfer_id}/decline", params(("transfer_id" = String, Path)),
    request_body = transfers::DeclineTransferInput,
    responses((status = 204, description = "Declined"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decline_transfer(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Res {
    let b = crate::api_conferences::read_input::<transfers::DeclineTransferInput>(&body)?;
    transfers::decline(&state.ops, &ctx.actor, &id, b).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// The family portal's plan as JSON (issue 13, PLAN-06, EXC-06, CHILD-04): what the portal's
/// plan page shows the person signed in to the portal (a parent or carer of the child, or the
/// young person), as data: the plan in plain words, their own actions first, the next core
/// group meeting and review. Read with the portal's session, not a token; anyone else is
/// answered 404, and someone signed in elsewhere is sent to sign in.
#[utoipa::path(get, path = "/portal/api/v1/plans/{plan_id}", params(("plan_id" = String, Path)),
    security(("portal_session" = [])),
    responses((status = 200, body = plan_people::PortalPlanJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn portal_plan(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let v = plan_people::portal_plan_json(&state.ops, &ctx.actor, &id).await.map_err(ApiError::plan)?;
    Ok(Json(v).into_response())
}
