//! The JSON API under `/api/v1`, for clients with a personal access token
//! (`Authorization: Bearer confer_pat_…`). Its OpenAPI 3.1 document, generated from the same
//! types the handlers use, is served at `/api/openapi.json`.

use crate::api_appeals::AppealPaths;
use crate::api_complaints::ComplaintPaths;
use crate::api_conferences::ConferencePaths;
use crate::api_plans::PlanPaths;
use crate::auth::Ctx;
use crate::SharedState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use confer_domain::access::Action;
use confer_domain::Birth;
use confer_store::families;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "confer API", description = "Child protection conferences. Every request needs a personal access token (create one on your account page) sent as `Authorization: Bearer <token>`. Tokens with the `read` scope reach GET operations only."),
    paths(me, families, family),
    components(schemas(Me, FamilyRow, FamilyDetail, ChildDto, AdultDto, ProfessionalDto, ErrorBody)),
    modifiers(&BearerAuth, &ConferencePaths, &PlanPaths, &AppealPaths, &ComplaintPaths),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(document())
}

/// The OpenAPI document as served: the generated one, with what every operation shares
/// added to each: a missing or wrong token answers 401; every write documents each refusal
/// it can answer (400 not JSON, 403 not allowed, 404 not found or not reachable, 409 a
/// conflict or the wrong stage, 422 refused with a reason, 413 too large); every change to a
/// conference names the version the client last saw, answering 428 without it.
pub fn document() -> serde_json::Value {
    use serde_json::{json, Value};
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    let error = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
    };
    let mut versioned = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
                responses.entry("401").or_insert_with(|| error("No valid personal access token was sent."));
                if !["post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                // Each refusal a write can answer, with its own status (no "4XX" range).
                responses.remove("4XX");
                for (status, description) in [
                    ("400", "The body is not JSON, or a number in the address is not a number."),
                    ("403", "This token or account may not do this (a `read` token, or a role that does not do this step)."),
                    ("404", "There is no such conference, plan or family, or this account may not reach it."),
                    ("409", "Someone else changed it first (`version_conflict`, with `current_version`), or it is at a stage where this cannot be done (`wrong_state`)."),
                    ("413", "The body is larger than the server takes."),
                    ("422", "The body is not what this operation takes (`bad_body`), or the rules refuse it (`refused`, `invalid`); `message` says what to change."),
                ] {
                    responses.entry(status).or_insert_with(|| error(description));
                }
                // Every change to a conference or a plan names the version it was made from.
                if method == "post"
                    && (path.starts_with("/api/v1/conferences/{conference_id}/")
                        || path.starts_with("/api/v1/plans/{plan_id}/"))
                {
                    responses.entry("428").or_insert_with(|| error("The version the client last saw was not sent."));
                    let schema =
                        op.pointer("/requestBody/content/application~1json/schema/$ref").and_then(Value::as_str);
                    if let Some(name) = schema.and_then(|r| r.strip_prefix("#/components/schemas/")) {
                        versioned.push(name.to_owned());
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for name in versioned {
            let Some(schema) = schemas.get_mut(&name).and_then(Value::as_object_mut) else { continue };
            let version = json!({"type": "integer", "format": "int64", "minimum": 1, "example": 1,
                "description": "The conference's (or plan's) version as last read (or send it as `If-Match: \"<version>\"`)."});
            if let Some(all) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
                // (A flattened input: the version goes in its own part.)
                all.push(json!({"type": "object", "required": ["version"], "properties": {"version": version}}));
                continue;
            }
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                props.insert("version".into(), version);
            }
            let required = schema.entry("required").or_insert_with(|| json!([]));
            if let Some(r) = required.as_array_mut() {
                if !r.iter().any(|x| x == "version") {
                    r.push(json!("version"));
                }
            }
        }
    }
    doc
}

/// An error: a stable code for programs, the reason for people, and for a version conflict
/// the version the record is at now.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(example = "version_conflict")]
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// Every error of the API: what is about HTTP itself, and an operation's error
/// ([`crate::error::answer`], the same mapping as the pages).
#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    Forbidden,
    NotFound,
    Unavailable,
    Internal,
    /// The body is not JSON (400).
    BadRequest(String),
    /// JSON, but not what this operation takes (422).
    Unprocessable(String),
    /// A write without the version the client last saw (428).
    VersionRequired,
    /// Someone else changed the record first (409).
    Conflict(String),
    /// The body is larger than the server takes (413).
    TooLarge,
    Ops(confer_ops::OpsError),
    /// An operation's error on a plan (its answer speaks of the plan).
    PlanOps(confer_ops::OpsError),
}

impl ApiError {
    /// An operation's error on a plan.
    pub fn plan(e: confer_ops::OpsError) -> ApiError {
        ApiError::PlanOps(e)
    }
}

impl From<confer_ops::OpsError> for ApiError {
    fn from(e: confer_ops::OpsError) -> Self {
        ApiError::Ops(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = |status: StatusCode, error: &'static str, message: String| {
            (status, Json(ErrorBody { error, message, current_version: None })).into_response()
        };
        let (status, error, message) = match self {
            ApiError::PlanOps(e) => {
                let a = crate::error::answer_for(&e, "plan");
                let b = ErrorBody { error: a.code, message: a.message, current_version: a.current_version };
                return (a.status, Json(b)).into_response();
            }
            ApiError::Ops(e) => {
                let a = crate::error::answer(&e);
                let b = ErrorBody { error: a.code, message: a.message, current_version: a.current_version };
                return (a.status, Json(b)).into_response();
            }
            ApiError::BadRequest(m) => return body(StatusCode::BAD_REQUEST, "bad_request", m),
            ApiError::Unprocessable(m) => return body(StatusCode::UNPROCESSABLE_ENTITY, "bad_body", m),
            ApiError::Conflict(m) => return body(StatusCode::CONFLICT, "conflict", m),
            ApiError::VersionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "version_required",
                "Send the version you last saw (of the conference or plan), as `If-Match: \"<version>\"` or a `version` field.",
            ),
            ApiError::TooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The request body is larger than the server takes.")
            }
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Send a valid personal access token as `Authorization: Bearer <token>`.",
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "This token or account may not do this."),
            ApiError::NotFound => {
                (StatusCode::NOT_FOUND, "not_found", "There is nothing here that this account may see.")
            }
            ApiError::Unavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "The database is not available. Try again shortly.")
            }
            ApiError::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong. It has been logged.")
            }
        };
        body(status, error, message.into())
    }
}

impl From<crate::error::AppError> for ApiError {
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::AppError::*;
        match e {
            NotFound => ApiError::NotFound,
            Forbidden => ApiError::Forbidden,
            SignInRequired { .. } => ApiError::Unauthenticated,
            Unavailable => ApiError::Unavailable,
            // (Each keeps its own status: a bad request or a conflict is never 403.)
            BadRequest(m) => ApiError::BadRequest(m),
            Conflict(m) => ApiError::Conflict(m),
            FormRefused(_) => ApiError::Forbidden,
            TooLarge => ApiError::TooLarge,
            Internal(detail) => {
                tracing::error!(error = %detail, "internal error in the API");
                ApiError::Internal
            }
        }
    }
}

impl From<confer_store::StoreError> for ApiError {
    fn from(e: confer_store::StoreError) -> Self {
        crate::error::AppError::from(e).into()
    }
}

/// The account the token belongs to.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub authority: String,
    pub roles: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(ctx: Ctx) -> Json<Me> {
    Json(Me {
        id: ctx.actor.user_id.0.clone(),
        username: ctx.user.account.username.clone(),
        display_name: ctx.user.account.display_name.clone(),
        authority: ctx.authority_name.clone(),
        roles: ctx.actor.roles.iter().map(|r| r.as_str().to_owned()).collect(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct FamilyRow {
    pub id: String,
    pub name: String,
    pub children: i64,
    pub stage: Option<String>,
    pub allocated_worker: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FamiliesQuery {
    /// Part of the family's name.
    #[serde(default)]
    pub q: String,
    /// Rows to skip.
    #[serde(default)]
    pub offset: Option<i64>,
    /// Rows to return (at most 200).
    #[serde(default)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/families", params(FamiliesQuery),
    responses((status = 200, body = [FamilyRow]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn families(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<FamiliesQuery>,
) -> Result<Json<Vec<FamilyRow>>, ApiError> {
    let across = confer_domain::access::across_cases(&ctx.actor, Action::ViewFamilyRecord);
    let workers = match across {
        true => None,
        false => Some(state.user_and_reports(&ctx.actor.authority_id, &ctx.actor.user_id).await?),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let offset = q.offset.unwrap_or(0).max(0);
    let visible_to = workers.as_deref().map(|w| (&ctx.actor.user_id, w));
    let rows = families::list_families_of(&state.db, &ctx.actor.authority_id, visible_to, &q.q, limit, offset).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| FamilyRow {
                id: r.id,
                name: r.name,
                children: r.children,
                stage: r.stage,
                allocated_worker: r.allocated_worker,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ChildDto {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    /// Date of birth (YYYY-MM-DD), absent for an unborn child.
    pub date_of_birth: Option<String>,
    /// Expected date of delivery, for an unborn child.
    pub expected_date: Option<String>,
    pub nhs_number: Option<String>,
    pub la_child_id: String,
    pub gender: String,
    pub first_language: String,
    pub needs_interpreter: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AdultDto {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub first_language: String,
    pub needs_interpreter: bool,
}

/// A professional working with the family: the ids a conference request names in
/// `professionals`, and invitations, reports and plan actions name as `professional_id`.
#[derive(Serialize, ToSchema)]
pub struct ProfessionalDto {
    pub id: String,
    pub name: String,
    pub job_title: String,
    pub agency: String,
}

#[derive(Serialize, ToSchema)]
pub struct FamilyDetail {
    pub id: String,
    pub name: String,
    pub version: i64,
    /// The children: their `id` is what requests name as `child_id`.
    pub children: Vec<ChildDto>,
    /// The adults: their `id` is what requests name as `adult_id` (a family member).
    pub adults: Vec<AdultDto>,
    /// The professionals working with the family.
    pub professionals: Vec<ProfessionalDto>,
    pub stage: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/families/{family_id}", params(("family_id" = String, Path, description = "The family's id")),
    responses((status = 200, body = FamilyDetail), (status = 404, body = ErrorBody)))]
pub async fn family(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Result<Json<FamilyDetail>, ApiError> {
    ctx.authorize_record(&state, Action::ViewFamilyRecord, &family_id).await?;
    let r = families::family_record(&state.db, &family_id).await?;
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, &family_id, "family.read.api").await?;
    Ok(Json(FamilyDetail {
        id: r.family.id.0.clone(),
        name: r.family.name.clone(),
        version: r.version,
        stage: r.case.as_ref().map(|c| c.stage.as_str().to_owned()),
        children: r
            .children
            .iter()
            .map(|c| {
                let (dob, edd) = match c.birth {
                    Birth::Born(d) => (Some(d.to_string()), None),
                    Birth::Unborn { expected } => (None, Some(expected.to_string())),
                };
                ChildDto {
                    id: c.id.0.clone(),
                    given_name: c.given_name.clone(),
                    family_name: c.family_name.clone(),
                    date_of_birth: dob,
                    expected_date: edd,
                    nhs_number: c.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
                    la_child_id: c.la_child_id.clone(),
                    gender: c.gender.as_str().to_owned(),
                    first_language: c.communication.first_language.clone(),
                    needs_interpreter: c.communication.needs_interpreter,
                }
            })
            .collect(),
        adults: r
            .adults
            .iter()
            .map(|a| AdultDto {
                id: a.id.0.clone(),
                given_name: a.given_name.clone(),
                family_name: a.family_name.clone(),
                first_language: a.communication.first_language.clone(),
                needs_interpreter: a.communication.needs_interpreter,
            })
            .collect(),
        professionals: r
            .professionals
            .iter()
            .map(|(p, agency)| ProfessionalDto {
                id: p.id.0.clone(),
                name: p.name.clone(),
                job_title: p.job_title.clone(),
                agency: agency.name.clone(),
            })
            .collect(),
    }))
}
