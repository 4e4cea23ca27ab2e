//! The JSON API for Northern Ireland's appeals against a conference's decision (issue 15):
//! thin adapters over `confer_ops::appeals`. Access comes before parsing (a body that cannot
//! be read is answered only after the policy let the person reach the conference), and every
//! step names the appeal's version the client last saw (`If-Match` or a `version` field).

use crate::api::{ApiError, ErrorBody};
use crate::auth::Ctx;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use confer_domain::access::Action;
use confer_ops::appeals::{self, AppealBody, LodgeInput, StepInput};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(get_appeal, lodge_appeal, appeal_step), components(schemas(AppealBody, LodgeInput, StepInput)))]
pub struct AppealApiDoc;

/// Adds the appeal paths and schemas to [`crate::api::ApiDoc`].
pub struct AppealPaths;
impl utoipa::Modify for AppealPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(AppealApiDoc::openapi());
    }
}

type Res<T = Response> = Result<T, ApiError>;

fn answer(id: &str, v: &appeals::AppealView) -> Res {
    Ok(match &v.appeal {
        Some(a) => crate::api_conferences::versioned_json(AppealBody::of(id, v), a.version),
        None => Json(AppealBody::of(id, v)).into_response(),
    })
}

/// The conference's appeal (Northern Ireland), with the nation's stages.
#[utoipa::path(get, path = "/api/v1/conferences/{conference_id}/appeal", params(("conference_id" = String, Path)),
    responses((status = 200, body = AppealBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_appeal(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let v = appeals::view(&state.ops, &ctx.actor, &id).await?;
    answer(&id, &v)
}

/// Lodges an appeal against the conference's decision for a family member.
#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/appeal", params(("conference_id" = String, Path)),
    request_body = LodgeInput, responses((status = 201, body = AppealBody), (status = "4XX", body = ErrorBody)))]
pub async fn lodge_appeal(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Res {
    confer_ops::conference::authorize(&state.ops, &ctx.actor, Action::LodgeAppeal, &id).await?;
    let b: LodgeInput = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Unprocessable(format!("The request body is not what this operation takes: {e}")))?;
    let grounds = appeals::grounds_of(&b.grounds)?;
    let input = appeals::NewAppeal { grounds, details: b.details };
    appeals::lodge_for(&state.ops, &ctx.actor, &id, &b.adult_id, input).await?;
    let v = appeals::view(&state.ops, &ctx.actor, &id).await?;
    let mut res = answer(&id, &v)?;
    *res.status_mut() = axum::http::StatusCode::CREATED;
    Ok(res)
}

/// A step of the appeal: a stage's outcome, the next stage, or the final outcome.
#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/appeal/steps", params(("conference_id" = String, Path)),
    request_body = StepInput, responses((status = 200, body = AppealBody), (status = "4XX", body = ErrorBody)))]
pub async fn appeal_step(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    confer_ops::conference::authorize(&state.ops, &ctx.actor, Action::ManageAppeal, &id).await?;
    let (b, v) = crate::api_conferences::read_versioned::<StepInput>(&headers, &body, "appeal")?;
    appeals::step(&state.ops, &ctx.actor, &id, v, b.into_step()?).await?;
    let view = appeals::view(&state.ops, &ctx.actor, &id).await?;
    answer(&id, &view)
}
