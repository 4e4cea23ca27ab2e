//! Reading conferences, and the request that makes one (S47-01).

use super::*;
use chrono::NaiveDate;
use confer_domain::conference::ConferenceState;
use confer_ops::conference::{ConferenceRowDto, ConferenceView, ListInput};
use utoipa::IntoParams;

#[utoipa::path(get, path = "/api/v1/conferences/{conference_id}", params(("conference_id" = String, Path)),
    responses((status = 200, body = ConferenceView), (status = "4XX", body = ErrorBody)))]
pub async fn get_conference(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let view = conference::get(&state.ops, &ctx.actor, &id).await?;
    let version = view.version;
    Ok(super::versioned_json(view, version))
}

#[utoipa::path(get, path = "/api/v1/families/{family_id}/conferences", params(("family_id" = String, Path)),
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ErrorBody)))]
pub async fn family_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    Ok(Json(conference::of_family(&state.ops, &ctx.actor, &family_id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// requested, scheduled, in-progress, closed or cancelled.
    pub state: Option<String>,
    /// First conference date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last conference date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub offset: Option<i64>,
    /// Rows to return (at most 200).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/conferences", params(ListQuery),
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ErrorBody)))]
pub async fn list_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    let conference_state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ConferenceState::parse(s).ok_or_else(|| {
            ApiError::Unprocessable("state must be one of requested, scheduled, in-progress, closed, cancelled".into())
        })?),
    };
    let q = ListInput { state: conference_state, from: q.from, to: q.to, offset: q.offset, limit: q.limit };
    Ok(Json(conference::list(&state.ops, &ctx.actor, q).await?))
}

#[utoipa::path(get, path = "/api/v1/conferences/requested",
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ErrorBody)))]
pub async fn requested_conferences(State(state): State<SharedState>, ctx: Ctx) -> Res<Json<Vec<ConferenceRowDto>>> {
    Ok(Json(conference::requested(&state.ops, &ctx.actor).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChairedQuery {
    /// First day (default today).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day (default four weeks after `from`).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/conferences/chaired", params(ChairedQuery),
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ErrorBody)))]
pub async fn chaired_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ChairedQuery>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    Ok(Json(conference::chaired(&state.ops, &ctx.actor, q.from, q.to).await?))
}

#[utoipa::path(post, path = "/api/v1/families/{family_id}/conferences", params(("family_id" = String, Path)),
    request_body = conference::RequestInput,
    responses((status = 201, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn request_conference(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: Bytes,
) -> Res {
    let read = parse_value(&body).and_then(parse::<conference::RequestInput>);
    let b = match read {
        Ok(b) => b,
        Err(e) => {
            conference::authorize_family(&state.ops, &ctx.actor, Action::RequestConference, &family_id).await?;
            return Err(e);
        }
    };
    let made = conference::request(&state.ops, &ctx.actor, &family_id, b, None).await?;
    let mut res = changed(Changed::new(&made.id, 1, None, None))?;
    *res.status_mut() = StatusCode::CREATED;
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/conferences/{}", made.id)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}
