//! The JSON API for complaints (RIGHT-02) and for translations and other formats (LANG-02,
//! LANG-03), issue 14: thin adapters over the operations the pages use
//! (`confer_ops::complaints`, `confer_ops::formats`). Access comes before parsing (a body that
//! cannot be read is answered only after the policy let the person reach the family, the
//! conference or the authority's complaints), every step names the version the client last
//! saw (`If-Match` or a `version` field), and every change is audited by the operation in the
//! same transaction as the change.

use crate::api::{ApiError, ErrorBody};
use crate::api_conferences::{after_access, read_versioned, versioned_json};
use crate::auth::Ctx;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::complaint::{About, Finding};
use confer_domain::conference::{FamilyDocument, Recipient, RequestedFormat};
use confer_domain::{AdultId, ChildId, UserId};
use confer_ops::complaints::{self, NewComplaint, Step};
use confer_ops::conference::Changed;
use confer_store::complaints::Stored;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(list_complaints, get_complaint, log_complaint, complaint_step, request_format, format_met),
    components(schemas(ComplaintBody, ComplaintAnswer, ComplaintList, LogComplaintInput, ComplaintStepInput, FormatInput, FormatMetInput))
)]
pub struct ComplaintApiDoc;

/// Adds the complaint and format paths and schemas to [`crate::api::ApiDoc`].
pub struct ComplaintPaths;
impl utoipa::Modify for ComplaintPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(ComplaintApiDoc::openapi());
    }
}

type Res<T = Response> = Result<T, ApiError>;

/// One stage's answer.
#[derive(Serialize, ToSchema)]
pub struct ComplaintAnswer {
    pub stage: u8,
    /// `upheld`, `partly-upheld` or `not-upheld`.
    pub finding: String,
    pub finding_label: String,
    pub response: String,
    #[schema(value_type = String, format = Date)]
    pub answered_on: NaiveDate,
}

/// A complaint as staff see it (RIGHT-02), with its stage and the stage's deadline.
#[derive(Serialize, ToSchema)]
pub struct ComplaintBody {
    pub id: String,
    pub version: i64,
    pub family_id: String,
    pub family_name: String,
    /// `conduct`, `decision` or `case`.
    pub about: String,
    pub about_label: String,
    pub conference_id: Option<String>,
    /// The family member complaining.
    pub complainant_adult_id: String,
    /// Logged by staff on their behalf (the staff member), or by the person from the portal.
    pub logged_by: Option<String>,
    pub details: String,
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    pub stage: u8,
    /// The current stage's deadline.
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// `received`, `acknowledged`, `answered` or `closed`.
    pub status: String,
    pub status_label: String,
    pub officer_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub acknowledged_on: Option<NaiveDate>,
    pub answers: Vec<ComplaintAnswer>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<NaiveDate>,
}

impl ComplaintBody {
    fn of(s: &Stored) -> ComplaintBody {
        let c = &s.complaint;
        ComplaintBody {
            id: s.id.clone(),
            version: s.version,
            family_id: s.family_id.clone(),
            family_name: s.family_name.clone(),
            about: c.about.as_str().to_owned(),
            about_label: c.about.label().to_owned(),
            conference_id: c.conference_id.clone(),
            complainant_adult_id: c.complainant.adult_id.clone(),
            logged_by: c.complainant.logged_by_staff.as_ref().map(|u| u.to_string()),
            details: c.details.clone(),
            received_on: c.received_on,
            stage: c.stage,
            due_on: c.due_on,
            status: c.status.as_str().to_owned(),
            status_label: c.status.label().to_owned(),
            officer_id: c.officer.as_ref().map(|u| u.to_string()),
            acknowledged_on: c.acknowledged_on,
            answers: c
                .answers
                .iter()
                .map(|a| ComplaintAnswer {
                    stage: a.stage,
                    finding: a.finding.as_str().to_owned(),
                    finding_label: a.finding.label().to_owned(),
                    response: a.response.clone(),
                    answered_on: a.answered_on,
                })
                .collect(),
            closed_on: c.closed_on,
        }
    }
}

/// The authority's open complaints, the most urgent first.
#[derive(Serialize, ToSchema)]
pub struct ComplaintList {
    pub complaints: Vec<ComplaintBody>,
}

/// A complaint logged by staff for a family member (RIGHT-02).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "rivers-mum", "about": "case", "details": "Nobody told us the date of the meeting until the day before."}))]
#[serde(deny_unknown_fields)]
pub struct LogComplaintInput {
    /// The family member complaining (an adult of the family).
    pub adult_id: String,
    /// `conduct`, `decision` or `case`.
    pub about: String,
    /// The family's conference; required for a complaint about its conduct or decision.
    #[serde(default)]
    pub conference_id: Option<String>,
    pub details: String,
}

/// An officer's step: `assign` (with `officer_id`), `acknowledge`, `answer` (with `finding`
/// and `response`), `escalate` (with `reason`) or `close`; at the `version` last seen.
#[derive(Deserialize, ToSchema)]
#[schema(examples(json!({"step": "assign", "officer_id": "a-user-id", "version": 1}), json!({"step": "acknowledge", "version": 1})))]
#[serde(deny_unknown_fields)]
pub struct ComplaintStepInput {
    pub step: String,
    /// The complaint's version as last read (or send `If-Match: "<version>"`).
    #[serde(default)]
    #[schema(required = true)]
    pub version: Option<i64>,
    #[serde(default)]
    pub officer_id: Option<String>,
    #[serde(default)]
    pub finding: Option<String>,
    #[serde(default)]
    pub response: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl ComplaintStepInput {
    fn into_step(self) -> Res<Step> {
        let need = |v: Option<String>, what: &str| {
            v.filter(|s| !s.trim().is_empty()).ok_or_else(|| ApiError::Unprocessable(what.to_owned()))
        };
        Ok(match self.step.as_str() {
            "assign" => Step::Assign {
                officer: UserId(need(self.officer_id, "officer_id: name the officer to assign (a user's id).")?),
            },
            "acknowledge" => Step::Acknowledge,
            "answer" => {
                let finding = Finding::parse(self.finding.as_deref().unwrap_or("")).ok_or_else(|| {
                    ApiError::Unprocessable("finding must be upheld, partly-upheld or not-upheld.".into())
                })?;
                // An empty response is the domain's to refuse, with its reason.
                Step::Answer { finding, response: self.response.unwrap_or_default() }
            }
            "escalate" => Step::Escalate { reason: self.reason.unwrap_or_default() },
            "close" => Step::Close,
            _ => {
                return Err(ApiError::Unprocessable(
                    "step must be assign, acknowledge, answer, escalate or close.".into(),
                ))
            }
        })
    }
}

fn answer(s: &Stored) -> Response {
    versioned_json(ComplaintBody::of(s), s.version)
}

/// The authority's open complaints (RIGHT-02), logged as a list read.
#[utoipa::path(get, path = "/api/v1/complaints",
    responses((status = 200, body = ComplaintList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_complaints(State(state): State<SharedState>, ctx: Ctx) -> Res {
    let rows = complaints::list(&state.ops, &ctx.actor).await?;
    Ok(Json(ComplaintList { complaints: rows.iter().map(ComplaintBody::of).collect() }).into_response())
}

/// One complaint (RIGHT-02), logged as a read of the family's record.
#[utoipa::path(get, path = "/api/v1/complaints/{complaint_id}", params(("complaint_id" = String, Path)),
    responses((status = 200, body = ComplaintBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_complaint(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let s = complaints::view(&state.ops, &ctx.actor, &id).await?;
    Ok(answer(&s))
}

/// Staff log a complaint for a family member (RIGHT-02); its first stage's deadline comes
/// from the authority's nation and policy.
#[utoipa::path(post, path = "/api/v1/families/{family_id}/complaints", params(("family_id" = String, Path)),
    request_body = LogComplaintInput, responses((status = 201, body = ComplaintBody), (status = "4XX", body = ErrorBody)))]
pub async fn log_complaint(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: Bytes,
) -> Res {
    confer_ops::conference::authorize_family(&state.ops, &ctx.actor, Action::LogComplaint, &family_id).await?;
    let b: LogComplaintInput = crate::api_conferences::read_input(&body)?;
    let about = About::parse(&b.about)
        .ok_or_else(|| ApiError::Unprocessable("about must be conduct, decision or case.".into()))?;
    let conference_id = b.conference_id.filter(|c| !c.trim().is_empty());
    let input = NewComplaint { about, conference_id, details: b.details };
    let s = complaints::log_for_as_logged(&state.ops, &ctx.actor, &family_id, &b.adult_id, input).await?;
    let mut res = answer(&s);
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

/// An officer's step on a complaint (RIGHT-02) at the version last seen.
#[utoipa::path(post, path = "/api/v1/complaints/{complaint_id}/steps", params(("complaint_id" = String, Path)),
    request_body = ComplaintStepInput, responses((status = 200, body = ComplaintBody), (status = 428, body = ErrorBody), (status = "4XX", body = ErrorBody)))]
pub async fn complaint_step(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    // The route's gate asked the policy (ManageComplaints on the authority) before the body
    // is read; the operation answers "not found" for another authority's complaint.
    let (b, v) = read_versioned::<ComplaintStepInput>(&headers, &body, "complaint")?;
    complaints::step(&state.ops, &ctx.actor, &id, v, b.into_step()?).await?;
    let s = complaints::view(&state.ops, &ctx.actor, &id).await?;
    Ok(answer(&s))
}

/// A request for a translation or another format (LANG-02, LANG-03), for a family member or
/// a child of the conference.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "rivers-mum", "document": "invitation", "format": "translation", "language": "Polish", "version": 1}))]
#[serde(deny_unknown_fields)]
pub struct FormatInput {
    #[serde(default)]
    pub version: Option<i64>,
    /// The family member it is for (or `child_id`).
    #[serde(default)]
    pub adult_id: Option<String>,
    /// The child it is for (or `adult_id`).
    #[serde(default)]
    pub child_id: Option<String>,
    /// `invitation`, `outcome`, `record`, `plan` or `report`.
    pub document: String,
    /// `translation`, `large-print`, `audio`, `braille` or `easy-read`.
    pub format: String,
    /// For a translation: the language asked for.
    #[serde(default)]
    pub language: Option<String>,
}

/// A request met: its number, and what was sent (required unless confer makes the large print).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"sent": "The invitation in Polish, posted first class", "version": 1}))]
#[serde(deny_unknown_fields)]
pub struct FormatMetInput {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub sent: String,
}

fn format_request_of(b: FormatInput) -> Res<(Recipient, FamilyDocument, RequestedFormat)> {
    let recipient = match (b.adult_id, b.child_id) {
        (Some(a), None) => Recipient::FamilyMember(AdultId(a)),
        (None, Some(c)) => Recipient::Child(ChildId(c)),
        _ => return Err(ApiError::Unprocessable("Name who the request is for: adult_id or child_id, not both.".into())),
    };
    let document = FamilyDocument::parse(&b.document).ok_or_else(|| {
        ApiError::Unprocessable("document must be invitation, outcome, record, plan or report.".into())
    })?;
    let language = b.language.unwrap_or_default();
    let format = RequestedFormat::from_key(&b.format, &language).ok_or_else(|| {
        ApiError::Unprocessable("format must be translation, large-print, audio, braille or easy-read.".into())
    })?;
    if matches!(&format, RequestedFormat::Translation { language } if language.trim().is_empty()) {
        return Err(ApiError::Unprocessable("language: enter the language they asked for.".into()));
    }
    Ok((recipient, document, format))
}

fn changed(c: Changed) -> Res {
    let version = c.version;
    Ok(versioned_json(c, version))
}

/// LANG-02, LANG-03: staff record a request for a translation or another format.
#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/formats", params(("conference_id" = String, Path)),
    request_body = FormatInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn request_format(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    // The policy first: nothing is said about the body to someone who may not reach it.
    confer_ops::conference::authorize(&state.ops, &ctx.actor, Action::GatherViews, &id).await?;
    let (b, v) = read_versioned::<FormatInput>(&headers, &body, "conference")?;
    let (recipient, document, format) = format_request_of(b)?;
    changed(confer_ops::formats::request_format(&state.ops, &ctx.actor, &id, v, recipient, document, format).await?)
}

/// LANG-02, LANG-03: the coordinator records a request as met; confer makes large print of
/// the letters and the record itself and puts it on the print list.
#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/formats/{number}/met",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = FormatMetInput, responses((status = 200, body = Changed), (status = "4XX", body = ErrorBody)))]
pub async fn format_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    crate::api_conferences::ApiPath((id, number)): crate::api_conferences::ApiPath<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let access = async {
        confer_ops::conference::authorize(&state.ops, &ctx.actor, Action::ArrangeConference, &id).await?;
        Ok(())
    };
    let (b, v) = after_access(read_versioned::<FormatMetInput>(&headers, &body, "conference"), access).await?;
    changed(confer_ops::formats::fulfil_format_request(&state.ops, &ctx.actor, &id, v, number, &b.sent).await?)
}
