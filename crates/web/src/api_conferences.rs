//! The JSON API for conferences: one endpoint per step of the journey, from the request to
//! the approved record, each the same domain operation a page will use.
//!
//! Every handler first asks the access policy about *this* conference ([`authorize`]): a
//! conference of another tenant or family, or one the person has no relationship to, answers
//! 404 as if it did not exist. Then the conference's own rules (`confer_domain::conference`)
//! decide, with the person as [`Acting`]. Every write names the version the client last saw
//! (`If-Match: "<version>"` or a `version` field) and answers 409 with the current version if
//! someone else saved first. Refusals carry the domain's reason in `message`.

use crate::api::ApiError;
use crate::auth::Ctx;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, NaiveTime};
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::calendar::Calendar;
use confer_domain::conference::*;
use confer_domain::policy::Policy;
use confer_domain::policy::PolicyHistory;
use confer_domain::timescales::DeadlineRule;
use confer_domain::{AdultId, ChildId, ProfessionalId, Role, UserId};
use confer_store::conferences::{self, Change, SaveError};
use confer_store::{families, users, StoreError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The conference paths and schemas; merged into [`crate::api::ApiDoc`].
#[derive(OpenApi)]
#[openapi(
    paths(
        request_conference,
        family_conferences,
        list_conferences,
        requested_conferences,
        chaired_conferences,
        get_conference,
        schedule,
        reschedule,
        cancel,
        add_child,
        remove_child,
        invite,
        answer_invitation,
        decide_late_supporter,
        book_interpreter,
        need_met,
        exclude,
        exclusion_told,
        review_previous_exclusion,
        submit_report,
        share_report,
        record_views,
        present_views,
        pre_meeting,
        recording_consent,
        start_audio_recording,
        start_meeting,
        attendance,
        discussion,
        correction,
        professional_view,
        parent_view,
        plan_action,
        decision,
        legal_recommendation,
        dissent,
        close,
        outcome_sent,
        draft_record,
        approve_record,
        distribute_record,
        request_record_correction,
        answer_record_correction
    ),
    components(schemas(
        ConferenceErrorBody,
        Changed,
        ConferenceView,
        ConferenceRowDto,
        RequestBody,
        RequestChild,
        RequestFamilyMember,
        RequestNeed,
        ScheduleBody,
        DelayDto,
        RescheduleBody,
        ReasonBody,
        AddChildBody,
        VersionBody,
        InviteBody,
        InviteeDto,
        AnswerBody,
        LateSupporterBody,
        InterpreterBody,
        NeedMetBody,
        ExcludeBody,
        ExclusionToldBody,
        PreviousExclusionBody,
        ReportBody,
        ShareBody,
        ViewsBody,
        PreMeetingBody,
        ConsentBody,
        AttendanceBody,
        DiscussionBody,
        CorrectionBody,
        ProfessionalViewBody,
        ParentViewBody,
        ActionBody,
        DecisionBody,
        LegalBody,
        DissentBody,
        CloseBody,
        OutcomeSentBody,
        DraftBody,
        DistributeBody,
        CorrectionRequestBody,
        CorrectionAnswerBody
    ))
)]
pub struct ConferenceApiDoc;

/// Adds the conference paths and schemas to [`crate::api::ApiDoc`].
pub struct ConferencePaths;
impl utoipa::Modify for ConferencePaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(ConferenceApiDoc::openapi());
    }
}

// ---------------------------------------------------------------- dates and the calendar

/// The authority's working-day calendar (its nation's bank holidays, announced days and its
/// closure days) and its policy history, kept by the server while their sources are unchanged.
pub struct Rules {
    pub calendar: Calendar,
    pub history: PolicyHistory,
}

impl Rules {
    /// The authority's rules as they stand now (rebuilt only when their sources changed).
    pub async fn load(
        state: &SharedState,
        authority: &confer_domain::AuthorityId,
    ) -> Result<std::sync::Arc<Rules>, ConfApiError> {
        Ok(state.rules(authority).await?)
    }

    /// The policy in force on a date (a deadline uses the version in force on its trigger date).
    pub fn policy(&self, on: NaiveDate) -> Policy {
        self.history.in_force(on).clone()
    }
}

/// TIME-01: the date by which an initial conference is held, by the authority's calendar and
/// the policy in force on the day of the strategy discussion (England, Wales and Northern
/// Ireland: 15 working days; Scotland: 28 calendar days).
pub fn icpc_due_by(calendar: &Calendar, policy: &Policy, strategy_date: NaiveDate) -> Option<NaiveDate> {
    DeadlineRule::InitialConference.due_date(strategy_date, calendar, policy)
}

// ---------------------------------------------------------------- errors

/// An error: a stable code for programs, the reason for people, and for a version conflict
/// the version the conference is at now.
#[derive(Serialize, ToSchema)]
pub struct ConferenceErrorBody {
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

#[derive(Debug)]
pub enum ConfApiError {
    Api(ApiError),
    /// The conference exists and the person may see it, but may not do this.
    Forbidden,
    Conflict {
        current_version: i64,
    },
    VersionRequired,
    /// The body could not be read (status 400 or 422).
    Invalid(StatusCode, String),
    /// The domain said no.
    Refused(ConferenceError),
    /// A request that names something the web layer cannot find or use (422).
    Unprocessable(String),
}

impl From<ApiError> for ConfApiError {
    fn from(e: ApiError) -> Self {
        ConfApiError::Api(e)
    }
}
impl From<StoreError> for ConfApiError {
    fn from(e: StoreError) -> Self {
        ConfApiError::Api(e.into())
    }
}
impl From<crate::error::AppError> for ConfApiError {
    fn from(e: crate::error::AppError) -> Self {
        ConfApiError::Api(e.into())
    }
}
impl From<SaveError> for ConfApiError {
    fn from(e: SaveError) -> Self {
        match e {
            SaveError::NotFound => ConfApiError::Api(ApiError::NotFound),
            SaveError::Conflict { current_version } => ConfApiError::Conflict { current_version },
            SaveError::Refused(r) => ConfApiError::Refused(r),
            SaveError::Store(s) => s.into(),
        }
    }
}
impl From<ConferenceError> for ConfApiError {
    fn from(e: ConferenceError) -> Self {
        ConfApiError::Refused(e)
    }
}

impl IntoResponse for ConfApiError {
    fn into_response(self) -> Response {
        let body = |status: StatusCode, error: &'static str, message: String, current_version: Option<i64>| {
            (status, Json(ConferenceErrorBody { error, message, current_version })).into_response()
        };
        match self {
            ConfApiError::Api(e) => e.into_response(),
            ConfApiError::Forbidden => body(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account may see this conference but may not do this to it.".into(),
                None,
            ),
            ConfApiError::Conflict { current_version } => body(
                StatusCode::CONFLICT,
                "version_conflict",
                format!(
                    "Someone else changed this conference since you last saw it: it is now at version {current_version}. \
                     Nothing was saved over their change. Read it again, then send your change with the new version."
                ),
                Some(current_version),
            ),
            ConfApiError::VersionRequired => body(
                StatusCode::PRECONDITION_REQUIRED,
                "version_required",
                "Send the version of the conference you last saw, as `If-Match: \"<version>\"` or a `version` field.".into(),
                None,
            ),
            ConfApiError::Invalid(status, m) => body(status, "invalid", m, None),
            ConfApiError::Unprocessable(m) => body(StatusCode::UNPROCESSABLE_ENTITY, "refused", m, None),
            ConfApiError::Refused(e) => {
                let (status, code) = match &e {
                    ConferenceError::NotAllowed { .. } => (StatusCode::FORBIDDEN, "not_allowed"),
                    ConferenceError::WrongState { .. } => (StatusCode::CONFLICT, "wrong_state"),
                    _ => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
                };
                body(status, code, e.to_string(), None)
            }
        }
    }
}

pub(crate) type Res<T = Response> = Result<T, ConfApiError>;

// ---------------------------------------------------------------- access, versions, bodies

/// The person as the conference's rules see them, after the access policy let them in.
pub struct Allowed {
    pub acting: Acting,
    pub owner: conferences::Owner,
}

/// Asks the one access policy whether this person may do `action` to this conference, with
/// their relationships to it (chair and invitations of this conference only). Not found,
/// another tenant's, and no relationship all answer 404; a person who may see the conference
/// but not do this gets 403.
pub async fn authorize(state: &SharedState, ctx: &Ctx, action: Action, conference_id: &str) -> Res<Allowed> {
    let Some(owner) = conferences::owner(&state.db, conference_id).await? else {
        return Err(ApiError::NotFound.into());
    };
    let relationships = if owner.authority_id == ctx.actor.authority_id {
        conferences::relationships(&state.db, &ctx.actor.user_id, owner.family_id.as_str(), conference_id).await?
    } else {
        Vec::new()
    };
    let target = Target::Record { authority_id: &owner.authority_id, relationships: &relationships };
    match decide(&ctx.actor, action, target) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(ConfApiError::Forbidden),
        Decision::NotFound => return Err(ApiError::NotFound.into()),
    }
    let acting = Acting {
        user_id: ctx.actor.user_id.clone(),
        roles: ctx.actor.roles.clone(),
        relationships,
        adult_id: None,
        child_id: None,
    };
    Ok(Allowed { acting, owner })
}

/// Reads a JSON body (after the access check, so nothing is said about a conference the
/// person may not reach).
fn parse<T: DeserializeOwned>(body: &Bytes) -> Res<T> {
    serde_json::from_slice(body).map_err(|e| {
        let status = if e.is_data() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::BAD_REQUEST };
        ConfApiError::Invalid(status, format!("The request body is not what this operation takes: {e}"))
    })
}

/// The version the client last saw: `If-Match` first, then the body's `version`.
fn expected_version(headers: &HeaderMap, body: Option<i64>) -> Res<i64> {
    if let Some(v) = headers.get(header::IF_MATCH) {
        let text = v.to_str().unwrap_or("").trim().trim_start_matches("W/").trim_matches('"');
        return text.parse::<i64>().map_err(|_| {
            ConfApiError::Invalid(
                StatusCode::BAD_REQUEST,
                "If-Match must be the conference's version, like \"3\".".into(),
            )
        });
    }
    body.ok_or(ConfApiError::VersionRequired)
}

/// Authorizes, then reads the body and the version.
async fn begin<B: DeserializeOwned + Versioned>(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Res<(Allowed, B, i64)> {
    let allowed = authorize(state, ctx, action, id).await?;
    let b: B = parse(body)?;
    let v = expected_version(headers, b.version())?;
    Ok((allowed, b, v))
}

trait Versioned {
    fn version(&self) -> Option<i64>;
}
macro_rules! versioned {
    ($($t:ty),+ $(,)?) => {$(impl Versioned for $t { fn version(&self) -> Option<i64> { self.version } })+};
}

/// What a change answers: the conference's new version, the number given to what was
/// added (invitation, report, views, action, correction request), and for sending a report
/// or the record, the copy the recipient was sent.
#[derive(Serialize, ToSchema)]
pub struct Changed {
    pub conference_id: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub result: Option<Value>,
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn changed(id: &str, version: i64, number: Option<u32>, result: Option<Value>) -> Response {
    let mut res = Json(Changed { conference_id: id.to_owned(), version, number, result }).into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

pub(crate) async fn save<T>(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    version: i64,
    action: &str,
    op: impl FnOnce(&mut Conference) -> Outcome<T>,
) -> Res<(T, i64)> {
    Ok(conferences::save(&state.db, id, version, Change::new(ctx.actor_id(), action), op).await?)
}

fn to_json<T: Serialize>(t: &T) -> Option<Value> {
    serde_json::to_value(t).ok()
}

// ---------------------------------------------------------------- reading

/// A conference as its readers see it: the index fields, what is still to do before the
/// meeting (in words), and the whole aggregate as recorded.
#[derive(Serialize, ToSchema)]
pub struct ConferenceView {
    pub id: String,
    pub version: i64,
    pub family_id: String,
    pub kind: String,
    pub state: String,
    pub date: Option<String>,
    pub chair_id: Option<String>,
    pub due_by: String,
    /// TIME-01..03: held (or to be held) after its due date.
    pub is_late: bool,
    pub note_taker_id: Option<String>,
    /// What is still to do before (and around) the meeting, each saying what to do.
    pub checks: Vec<String>,
    /// Other conferences booked that day with the same chair, room or social worker at an
    /// overlapping time (shown, not refused: the coordinator decides).
    pub clashes: Vec<ClashView>,
    /// The whole conference: request, invitations, reports, meeting, decisions, record.
    #[schema(value_type = Object)]
    pub conference: Value,
}

/// A clash of a conference's time with another conference (issue 6, step 2).
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ClashView {
    /// `chair`, `room` or `social-worker`.
    pub kind: &'static str,
    /// The other conference, only for someone the access policy lets see it (else null).
    pub conference_id: Option<String>,
    pub time: String,
    /// In words, for people.
    pub message: String,
}

/// The clashes of `slot` (for conference `c`) with the authority's other conferences that
/// day: the same chair, the same room or the same allocated social worker within
/// [`clashes::ASSUMED_LENGTH_MINUTES`] of each other. Another family is named only to someone
/// the access policy lets see that family's conference; to anyone else it is "another conference".
pub async fn clashes_of(
    state: &SharedState,
    actor: &confer_domain::access::Actor,
    c: &confer_domain::conference::Conference,
    slot: &confer_domain::conference::Slot,
) -> Result<Vec<ClashView>, confer_store::StoreError> {
    use confer_domain::conference::clashes::{self, Booking, ClashKind};
    let candidate = Booking {
        conference_id: c.id().clone(),
        date: slot.date,
        time: slot.time,
        venue: slot.venue.clone(),
        chair: slot.chair.clone(),
        allocated_worker: c.allocated_worker().clone(),
    };
    let booked = conferences::possible_clashes(&state.db, c.authority_id(), &candidate).await?;
    let others: Vec<Booking> = booked.iter().map(|p| p.booking.clone()).collect();
    let mut out = Vec::new();
    for k in clashes::clashes(&candidate, &others) {
        let other = booked.iter().find(|p| p.booking.conference_id == k.other);
        let (mut named, mut visible_id) = (None, None);
        if let Some(p) = other {
            // Ask the policy about the other family, as if opening its conference.
            let relationships = if c.authority_id() == &actor.authority_id {
                conferences::relationships(&state.db, &actor.user_id, &p.family_id, k.other.as_str()).await?
            } else {
                Vec::new()
            };
            let target = Target::Record { authority_id: c.authority_id(), relationships: &relationships };
            if decide(actor, Action::ViewConference, target) == Decision::Allow {
                named = Some(format!("the conference for the {}", p.family_name));
                visible_id = Some(k.other.to_string());
            }
        }
        let about = named.unwrap_or_else(|| "another conference".to_owned());
        out.push({
            let time = k.other_time.format("%H:%M").to_string();
            let (kind, what) = match k.kind {
                ClashKind::Chair => ("chair", "The chair is also chairing"),
                ClashKind::Room => ("room", "The room is also booked for"),
                ClashKind::SocialWorker => ("social-worker", "The social worker is also due at"),
            };
            ClashView { kind, conference_id: visible_id, message: format!("{what} {about} at {time}."), time }
        });
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/v1/conferences/{conference_id}", params(("conference_id" = String, Path)),
    responses((status = 200, body = ConferenceView), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn get_conference(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Res {
    let allowed = authorize(&state, &ctx, Action::ViewConference, &id).await?;
    let stored = conferences::load(&state.db, &id).await?;
    conferences::log_read(
        &state.db,
        &allowed.owner.authority_id,
        &ctx.actor.user_id,
        allowed.owner.family_id.as_str(),
        &id,
    )
    .await?;
    let c = &stored.conference;
    let clashes = match (c.state(), c.slot()) {
        (ConferenceState::Scheduled, Some(slot)) => clashes_of(&state, &ctx.actor, c, slot).await?,
        _ => Vec::new(),
    };
    let view = ConferenceView {
        clashes,
        id: id.clone(),
        version: stored.version,
        family_id: c.family_id().to_string(),
        kind: c.kind().as_str().into(),
        state: c.state().as_str().into(),
        date: c.date().map(|d| d.to_string()),
        chair_id: c.chair().map(|u| u.to_string()),
        due_by: c.due_by().to_string(),
        is_late: c.is_late(),
        note_taker_id: stored.note_taker.as_ref().map(|u| u.to_string()),
        checks: c.checks().iter().map(|k| c.describe_check(k)).collect(),
        conference: serde_json::to_value(c).unwrap_or(Value::Null),
    };
    let mut res = Json(view).into_response();
    res.headers_mut().insert(header::ETAG, etag(stored.version));
    Ok(res)
}

/// A row of a list of conferences.
#[derive(Serialize, ToSchema)]
pub struct ConferenceRowDto {
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub kind: String,
    pub state: String,
    pub date: Option<String>,
    pub chair_id: Option<String>,
    pub due_by: Option<String>,
    pub next_review_on: Option<String>,
    pub children: i64,
    pub version: i64,
}

impl From<conferences::ConferenceRow> for ConferenceRowDto {
    fn from(r: conferences::ConferenceRow) -> Self {
        ConferenceRowDto {
            id: r.id,
            family_id: r.family_id,
            family_name: r.family_name,
            kind: r.kind,
            state: r.state,
            date: r.date.map(|d| d.to_string()),
            chair_id: r.chair_id,
            due_by: r.due_by.map(|d| d.to_string()),
            next_review_on: r.next_review_on.map(|d| d.to_string()),
            children: r.children,
            version: r.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/families/{family_id}/conferences", params(("family_id" = String, Path)),
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn family_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    ctx.authorize_record(&state, Action::ViewConference, &family_id).await?;
    let rows = conferences::of_family(&state.db, &family_id).await?;
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, &family_id, "conference.list.api")
        .await?;
    // Only the conferences this person may see: an invitation to one is not a key to all.
    let mut out = Vec::new();
    for r in rows {
        let rels = conferences::relationships(&state.db, &ctx.actor.user_id, &family_id, &r.id).await?;
        let t = Target::Record { authority_id: &ctx.actor.authority_id, relationships: &rels };
        if decide(&ctx.actor, Action::ViewConference, t) == Decision::Allow {
            out.push(r.into());
        }
    }
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
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
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn list_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    let conference_state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ConferenceState::parse(s).ok_or_else(|| {
            ConfApiError::Invalid(
                StatusCode::UNPROCESSABLE_ENTITY,
                "state must be one of requested, scheduled, in-progress, closed, cancelled".into(),
            )
        })?),
    };
    let filter = conferences::Filter {
        state: conference_state,
        from: q.from,
        to: q.to,
        limit: q.limit.unwrap_or(50).clamp(1, 200),
        offset: q.offset.unwrap_or(0).max(0),
    };
    let rows = conferences::list(&state.db, &ctx.actor.authority_id, &filter).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/conferences/requested",
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn requested_conferences(State(state): State<SharedState>, ctx: Ctx) -> Res<Json<Vec<ConferenceRowDto>>> {
    let rows = conferences::waiting_to_be_scheduled(&state.db, &ctx.actor.authority_id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
pub struct ChairedQuery {
    /// First day (default today).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day (default four weeks after `from`).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/conferences/chaired", params(ChairedQuery),
    responses((status = 200, body = [ConferenceRowDto]), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn chaired_conferences(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ChairedQuery>,
) -> Res<Json<Vec<ConferenceRowDto>>> {
    let from = q.from.unwrap_or_else(|| state.settings.clock.today());
    let to = q.to.unwrap_or_else(|| from.checked_add_days(chrono::Days::new(28)).unwrap_or(from));
    let rows = conferences::chaired_between(&state.db, &ctx.actor.user_id, from, to).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

// ---------------------------------------------------------------- the request (S47-01)

/// A child the conference is about. `current_plan` is taken from the previous conference
/// for a review; for a transfer-in give the plan category the child arrives with.
#[derive(Deserialize, ToSchema)]
pub struct RequestChild {
    pub child_id: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "neglect")]
    pub current_plan: Option<PlanCategory>,
}

#[derive(Deserialize, ToSchema)]
pub struct RequestNeed {
    #[schema(value_type = String, example = "childcare")]
    pub kind: PracticalNeedKind,
    #[serde(default)]
    pub detail: String,
}

/// A family member involved, with their practical needs to take part (INV-08).
#[derive(Deserialize, ToSchema)]
pub struct RequestFamilyMember {
    pub adult_id: String,
    #[serde(default)]
    pub needs: Vec<RequestNeed>,
}

/// A request for a conference (S47-01). Names, dates of birth, relationships and agencies
/// come from the family's record; the due date from the calendar (TIME-01..03).
#[derive(Deserialize, ToSchema)]
pub struct RequestBody {
    /// initial (default), review, transfer-in or pre-birth.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "initial")]
    pub kind: Option<ConferenceKind>,
    pub children: Vec<RequestChild>,
    #[schema(value_type = Option<String>, format = Date)]
    pub strategy_discussion_on: Option<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "section-47")]
    pub enquiry: Option<EnquiryKind>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "suffering")]
    pub harm_finding: Option<HarmFinding>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub transfer_notified_on: Option<NaiveDate>,
    /// Review: the conference this one follows.
    #[serde(default)]
    pub previous_conference_id: Option<String>,
    pub reason: String,
    #[schema(value_type = Vec<String>, example = json!(["neglect"]))]
    pub concerns: Vec<ConcernCategory>,
    pub family_members: Vec<RequestFamilyMember>,
    /// Ids of the authority's professionals involved.
    pub professionals: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/families/{family_id}/conferences", params(("family_id" = String, Path)),
    request_body = RequestBody,
    responses((status = 201, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn request_conference(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: Bytes,
) -> Res {
    ctx.authorize_record(&state, Action::RequestConference, &family_id).await?;
    let b: RequestBody = parse(&body)?;
    let (id, _) = create_request(&state, &ctx, &family_id, b, None).await?;
    let mut res = changed(&id, 1, None, None);
    *res.status_mut() = StatusCode::CREATED;
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/conferences/{id}")) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// Requests a conference for a family (S47-01), after the caller has asked the access
/// policy: takes names, relationships and agencies from the family's record and the due date
/// from the authority's calendar (TIME-01..03). Returns the new conference's id and due date.
/// The API and the request page both use it.
pub(crate) async fn create_request(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    b: RequestBody,
    transfer: Option<TransferFrom>,
) -> Res<(String, NaiveDate)> {
    let record = families::family_record(&state.db, family_id).await?;
    let Some(case) = record.case.clone() else {
        return Err(ConfApiError::Unprocessable(
            "This family has no open case. Open a case with an allocated social worker first.".into(),
        ));
    };
    let authority = users::authority(&state.db, &record.family.authority_id).await?;
    let kind = b.kind.unwrap_or(ConferenceKind::Initial);
    let today = state.settings.clock.today();
    let now = state.settings.clock.now();

    let previous = match &b.previous_conference_id {
        None => None,
        Some(pid) => {
            let p = match conferences::load(&state.db, pid).await {
                Ok(p) => p.conference,
                Err(StoreError::NotFound) => {
                    return Err(ConfApiError::Unprocessable(
                        "There is no previous conference with that id for this family.".into(),
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            if p.family_id() != &record.family.id {
                return Err(ConfApiError::Unprocessable(
                    "There is no previous conference with that id for this family.".into(),
                ));
            }
            let Some(held_on) = p.date() else {
                return Err(ConfApiError::Unprocessable(
                    "The previous conference was never held, so a review cannot follow it.".into(),
                ));
            };
            Some((p.clone(), held_on))
        }
    };

    let mut children = Vec::new();
    for rc in &b.children {
        let Some(ch) = record.children.iter().find(|c| c.id.as_str() == rc.child_id) else {
            return Err(ConfApiError::Unprocessable(format!("Child {} is not in this family's record.", rc.child_id)));
        };
        let current_plan = match &previous {
            Some((p, _)) => p.decision_for(&ch.id).and_then(|d| d.outcome.category()),
            None => rc.current_plan,
        };
        children.push(SubjectChild {
            child_id: ch.id.clone(),
            name: format!("{} {}", ch.given_name, ch.family_name),
            birth: ch.birth,
            communication: ch.communication.clone(),
            disability: ch.disability.clone(),
            current_plan,
        });
    }
    let child_ids: Vec<&ChildId> = children.iter().map(|c| &c.child_id).collect();
    let mut family_members = Vec::new();
    for m in &b.family_members {
        let Some(a) = record.adults.iter().find(|a| a.id.as_str() == m.adult_id) else {
            return Err(ConfApiError::Unprocessable(format!("Adult {} is not in this family's record.", m.adult_id)));
        };
        let rels: Vec<_> = record.relationships.iter().filter(|r| r.adult_id == a.id).collect();
        let to_children: Vec<_> = rels.iter().filter(|r| child_ids.contains(&&r.child_id)).collect();
        let Some(first) = to_children.first().copied().or(rels.first()) else {
            return Err(ConfApiError::Unprocessable(format!(
                "{} {} is not recorded as related to any child of the family. Record the relationship first.",
                a.given_name, a.family_name
            )));
        };
        family_members.push(FamilyMember {
            adult_id: a.id.clone(),
            name: format!("{} {}", a.given_name, a.family_name),
            relationship: first.kind,
            parental_responsibility: to_children.iter().any(|r| r.parental_responsibility),
            carer: to_children.iter().any(|r| r.carer),
            communication: a.communication.clone(),
            disability: String::new(),
            needs: m
                .needs
                .iter()
                .map(|n| PracticalNeed { kind: n.kind, detail: n.detail.clone(), met: None })
                .collect(),
        });
    }
    let mut professionals = Vec::new();
    for pid in &b.professionals {
        let Some((p, agency)) = conferences::professional(&state.db, &authority.id, pid).await? else {
            return Err(ConfApiError::Unprocessable(format!("There is no professional {pid} in this authority.")));
        };
        professionals.push(ProfessionalInvolved {
            professional_id: p.id,
            name: p.name,
            job_title: p.job_title,
            agency_id: agency.id,
            agency_name: agency.name,
            agency_kind: agency.kind,
            user_id: p.user_id,
        });
    }
    let rules = Rules::load(state, &authority.id).await?;
    let due_by = match kind {
        ConferenceKind::Initial | ConferenceKind::PreBirth => {
            b.strategy_discussion_on.and_then(|d| icpc_due_by(&rules.calendar, &rules.policy(d), d))
        }
        ConferenceKind::TransferIn => b
            .transfer_notified_on
            .and_then(|d| DeadlineRule::TransferInConference.due_date(d, &rules.calendar, &rules.policy(d))),
        ConferenceKind::Review => previous
            .as_ref()
            .and_then(|(p, held)| p.next_review().map(|n| n.latest).or_else(|| review_due_by(p.kind(), *held))),
    }
    // Without the date it is counted from, the domain refuses the request with the reason.
    .unwrap_or(today);
    let request = ConferenceRequest {
        authority_id: record.family.authority_id.clone(),
        family_id: record.family.id.clone(),
        case_id: case.id.clone(),
        kind,
        children,
        strategy_discussion_on: b.strategy_discussion_on,
        enquiry: b.enquiry,
        harm_finding: b.harm_finding,
        transfer_notified_on: b.transfer_notified_on,
        previous: previous.map(|(p, held_on)| PreviousConference {
            conference_id: p.id().clone(),
            held_on,
            chair: p.chair().cloned(),
            exclusions: p.exclusions_for_next_conference(),
        }),
        reason: b.reason,
        concerns: b.concerns,
        family_members,
        professionals,
        allocated_worker: case.allocated_worker_id.clone(),
        due_by,
    };
    let relationships = families::relationships(&state.db, &ctx.actor.user_id, family_id).await?;
    let acting = Acting {
        user_id: ctx.actor.user_id.clone(),
        roles: ctx.actor.roles.clone(),
        relationships,
        adult_id: None,
        child_id: None,
    };
    let id = confer_store::new_id();
    let mut c = Conference::request(&acting, ConferenceId(id.clone()), request, today, now)?;
    // A transfer-in records where the child's plan was made with the request itself, so the
    // two are stored in one transaction.
    if let Some(from) = transfer {
        c.record_transfer_from(&acting, from, today)?;
    }
    let mut tx = state.db.begin().await?;
    conferences::create(&state.db, &mut tx, &c, ctx.actor_id()).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((id, c.due_by()))
}

// ---------------------------------------------------------------- scheduling

#[derive(Deserialize, ToSchema)]
pub struct DelayDto {
    #[schema(value_type = String, example = "family-unavailable")]
    pub kind: DelayReasonKind,
    pub detail: String,
}

/// When and where, who chairs (CHAIR-01) and who takes the notes.
#[derive(Deserialize, ToSchema)]
pub struct ScheduleBody {
    pub version: Option<i64>,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// HH:MM
    pub time: String,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub video_link: Option<String>,
    pub chair_id: String,
    /// A user with the note taker role; they can then see and record this conference.
    #[serde(default)]
    pub note_taker_id: Option<String>,
    /// TIME-01/02: required when the date is after the due date.
    #[serde(default)]
    pub delay: Option<DelayDto>,
}

#[derive(Deserialize, ToSchema)]
pub struct RescheduleBody {
    pub version: Option<i64>,
    #[serde(flatten)]
    pub slot: ScheduleBody,
    pub reason: String,
}
impl Versioned for RescheduleBody {
    fn version(&self) -> Option<i64> {
        self.version.or(self.slot.version)
    }
}

pub(crate) fn parse_time(t: &str) -> Res<NaiveTime> {
    NaiveTime::parse_from_str(t.trim(), "%H:%M").or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S")).map_err(
        |_| ConfApiError::Invalid(StatusCode::UNPROCESSABLE_ENTITY, "time must be a time of day like 10:00".into()),
    )
}

/// What scheduling needs besides the slot: the chair's account, the allocated worker's
/// management line (CHAIR-01) and the note taker's account.
pub(crate) struct SlotContext {
    pub(crate) slot: Slot,
    pub(crate) chair: confer_domain::UserAccount,
    pub(crate) line: Vec<UserId>,
    pub(crate) allocated: UserId,
    pub(crate) note_taker: Option<String>,
    pub(crate) delay: Option<DelayReason>,
}

pub(crate) async fn slot_context(
    state: &SharedState,
    allowed: &Allowed,
    id: &str,
    b: &ScheduleBody,
) -> Res<SlotContext> {
    let time = parse_time(&b.time)?;
    let chair = match users::by_id(&state.db, &UserId(b.chair_id.clone())).await {
        Ok(u) if u.account.authority_id == allowed.owner.authority_id => u.account,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ConfApiError::Unprocessable(
                "There is no user with that id in this authority to chair the conference.".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(n) = &b.note_taker_id {
        let ok = match users::by_id(&state.db, &UserId(n.clone())).await {
            Ok(u) => {
                u.account.authority_id == allowed.owner.authority_id
                    && u.account.roles.contains(&Role::NoteTaker)
                    && !u.account.disabled
            }
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !ok {
            return Err(ConfApiError::Unprocessable(
                "The note taker must be a user of this authority with the note taker role.".into(),
            ));
        }
    }
    let current = conferences::load(&state.db, id).await?;
    let allocated = current.conference.allocated_worker().clone();
    let line = users::management_line(&state.db, &allocated).await?;
    Ok(SlotContext {
        slot: Slot {
            date: b.date,
            time,
            venue: b.venue.clone(),
            video_link: b.video_link.clone(),
            chair: UserId(b.chair_id.clone()),
        },
        chair,
        line,
        allocated,
        note_taker: b.note_taker_id.clone(),
        delay: b.delay.as_ref().map(|d| DelayReason { kind: d.kind, detail: d.detail.clone() }),
    })
}

impl SlotContext {
    /// The line manager of each person in the allocated worker's management line.
    pub(crate) fn line_manager_of(&self) -> impl Fn(&UserId) -> Option<UserId> + '_ {
        move |u: &UserId| {
            if *u == self.allocated {
                self.line.first().cloned()
            } else {
                self.line.iter().position(|x| x == u).and_then(|i| self.line.get(i + 1).cloned())
            }
        }
    }
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/schedule", params(("conference_id" = String, Path)),
    request_body = ScheduleBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ScheduleBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let s = slot_context(&state, &a, &id, &b).await?;
    let (today, now) = (state.settings.clock.today(), state.settings.clock.now());
    let change =
        Change { note_taker: Some(s.note_taker.as_deref()), ..Change::new(ctx.actor_id(), "conference.schedule") };
    let ((), v) = conferences::save(&state.db, &id, v, change, |c| {
        c.schedule(
            &a.acting,
            s.slot.clone(),
            &s.chair,
            s.line_manager_of(),
            s.delay.clone(),
            &rules.calendar,
            today,
            now,
        )
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reschedule", params(("conference_id" = String, Path)),
    request_body = RescheduleBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn reschedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<RescheduleBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let s = slot_context(&state, &a, &id, &b.slot).await?;
    let (today, now) = (state.settings.clock.today(), state.settings.clock.now());
    let note_taker = s.note_taker.as_deref().map(Some);
    let change = Change { note_taker, ..Change::new(ctx.actor_id(), "conference.reschedule") };
    let ((), v) = conferences::save(&state.db, &id, v, change, |c| {
        c.reschedule(
            &a.acting,
            s.slot.clone(),
            &b.reason,
            &s.chair,
            s.line_manager_of(),
            s.delay.clone(),
            &rules.calendar,
            today,
            now,
        )
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    pub version: Option<i64>,
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/cancel", params(("conference_id" = String, Path)),
    request_body = ReasonBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn cancel(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ReasonBody>(&state, &ctx, Action::CancelConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.cancel", |c| c.cancel(&a.acting, &b.reason, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct AddChildBody {
    pub version: Option<i64>,
    pub child_id: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub current_plan: Option<PlanCategory>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/children", params(("conference_id" = String, Path)),
    request_body = AddChildBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn add_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<AddChildBody>(&state, &ctx, Action::RequestConference, &id, &headers, &body).await?;
    let record = families::family_record(&state.db, a.owner.family_id.as_str()).await?;
    let Some(ch) = record.children.iter().find(|c| c.id.as_str() == b.child_id) else {
        return Err(ConfApiError::Unprocessable(format!("Child {} is not in this family's record.", b.child_id)));
    };
    let child = SubjectChild {
        child_id: ch.id.clone(),
        name: format!("{} {}", ch.given_name, ch.family_name),
        birth: ch.birth,
        communication: ch.communication.clone(),
        disability: ch.disability.clone(),
        current_plan: b.current_plan,
    };
    let ((), v) = save(&state, &ctx, &id, v, "conference.add-child", |c| c.add_child(&a.acting, child)).await?;
    Ok(changed(&id, v, None, None))
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/children/{child_id}/remove",
    params(("conference_id" = String, Path), ("child_id" = String, Path)),
    request_body = ReasonBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn remove_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, child_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ReasonBody>(&state, &ctx, Action::RequestConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.remove-child", |c| {
        c.remove_child(&a.acting, &ChildId(child_id.clone()), &b.reason, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

// ---------------------------------------------------------------- invitations (INV-*, CHILD-01, LANG-01)

/// Who to invite.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InviteeDto {
    FamilyMember {
        adult_id: String,
    },
    Professional {
        professional_id: String,
    },
    /// CHILD-01: a child of age who wishes to attend, where appropriate.
    Child {
        child_id: String,
        wishes_to_attend: bool,
        judged_appropriate: bool,
        #[serde(default)]
        parent_agreement: Option<String>,
    },
    /// INV-05, CHILD-02, INV-06: a supporter for a parent, carer or child.
    Supporter {
        name: String,
        #[schema(value_type = String, example = "advocate")]
        supporter_kind: SupporterKind,
        /// `{"kind": "family-member", "id": "<adult id>"}` or `{"kind": "child", "id": "<child id>"}`
        #[schema(value_type = Object)]
        supports: Person,
        #[serde(default)]
        represents: bool,
    },
}

#[derive(Deserialize, ToSchema)]
pub struct InviteBody {
    pub version: Option<i64>,
    pub invitee: InviteeDto,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations", params(("conference_id" = String, Path)),
    request_body = InviteBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn invite(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<InviteBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let today = state.settings.clock.today();
    let p = rules.policy(state.settings.clock.today());
    let (inv, v) = save(&state, &ctx, &id, v, "conference.invite", |c| match b.invitee {
        InviteeDto::FamilyMember { adult_id } => c.invite_family_member(&a.acting, &AdultId(adult_id), today),
        InviteeDto::Professional { professional_id } => {
            c.invite_professional(&a.acting, &ProfessionalId(professional_id), today)
        }
        InviteeDto::Child { child_id, wishes_to_attend, judged_appropriate, parent_agreement } => c.invite_child(
            &a.acting,
            &ChildId(child_id),
            ChildAttendance { wishes_to_attend, judged_appropriate, parent_agreement: parent_agreement.map(AdultId) },
            &p,
            today,
        ),
        InviteeDto::Supporter { name, supporter_kind, supports, represents } => c.name_supporter(
            &a.acting,
            SupporterDetails { name, kind: supporter_kind, supports, represents },
            &p,
            &rules.calendar,
            today,
        ),
    })
    .await?;
    Ok(changed(&id, v, Some(inv.0), None))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerBody {
    pub version: Option<i64>,
    /// `{"answer": "in-person"}`, `"remote"`, `"report-only"`, or `{"answer": "declined", "reason": "..."}`
    #[schema(value_type = Object)]
    pub answer: Answer,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations/{number}/answer",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = AnswerBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn answer_invitation(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<AnswerBody>(&state, &ctx, Action::AnswerInvitation, &id, &headers, &body).await?;
    let today = state.settings.clock.today();
    let ((), v) = save(&state, &ctx, &id, v, "conference.answer-invitation", |c| {
        c.answer_invitation(&a.acting, InvitationId(number), b.answer, today)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct LateSupporterBody {
    pub version: Option<i64>,
    pub allowed: bool,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/invitations/{number}/late-supporter-decision",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = LateSupporterBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn decide_late_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<LateSupporterBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.late-supporter-decision", |c| {
        c.decide_late_supporter(&a.acting, InvitationId(number), b.allowed, &b.reason, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct InterpreterBody {
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub for_person: Person,
    pub language: String,
    #[serde(default)]
    pub sign_language: bool,
    pub interpreter_name: String,
    #[serde(default)]
    pub organisation: String,
    /// Set when the interpreter was picked from the family's record: always refused (LANG-01).
    #[serde(default)]
    pub adult_id: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/interpreters", params(("conference_id" = String, Path)),
    request_body = InterpreterBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn book_interpreter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<InterpreterBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let booking = InterpreterBooking {
        for_person: b.for_person,
        language: b.language,
        sign_language: b.sign_language,
        interpreter_name: b.interpreter_name,
        organisation: b.organisation,
        adult_id: b.adult_id.map(AdultId),
        booked_on: state.settings.clock.today(),
    };
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.book-interpreter", |c| c.book_interpreter(&a.acting, booking)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct NeedMetBody {
    pub version: Option<i64>,
    pub adult_id: String,
    #[schema(value_type = String, example = "childcare")]
    pub need: PracticalNeedKind,
    pub how: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/needs-met", params(("conference_id" = String, Path)),
    request_body = NeedMetBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn need_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<NeedMetBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let ((), v) = save(&state, &ctx, &id, v, "conference.need-met", |c| {
        c.record_need_met(&a.acting, &AdultId(b.adult_id.clone()), b.need, &b.how)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

// ---------------------------------------------------------------- exclusion (EXC-*)

/// EXC-03, MEET-02: a part of the conference is chosen from the agenda's list by its code,
/// never typed; the part (or the list of parts) at `pointer` in the body must be codes of the
/// list. (Stored documents read older free text leniently; requests do not.)
fn parts_chosen(body: &[u8], pointer: &str) -> Result<(), ConfApiError> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let given: Vec<&Value> = match value.pointer(pointer) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    for v in given {
        if v.as_str().and_then(AgendaPart::parse).is_none() {
            let codes: Vec<&str> = AgendaPart::ALL.iter().map(|p| p.as_str()).collect();
            return Err(ConfApiError::Invalid(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Choose the part of the conference from the list: {}.", codes.join(", ")),
            ));
        }
    }
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct ExcludeBody {
    pub version: Option<i64>,
    /// `{adult_id, scope: {"scope": "whole"} | {"scope": "part", part, kind, will_see, will_not_see},
    /// reasons: [...], detail, rests_on_police_information, views_by: [...]}`; `part` is one of the
    /// agenda's parts (see `DiscussionBody.part`), never free text.
    #[schema(value_type = Object)]
    pub decision: ExclusionDecision,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions", params(("conference_id" = String, Path)),
    request_body = ExcludeBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn exclude(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ExcludeBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    parts_chosen(&body, "/decision/scope/part")?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.exclude", |c| c.exclude(&a.acting, b.decision, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ExclusionToldBody {
    pub version: Option<i64>,
    pub adult_id: String,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    #[schema(value_type = String, example = "letter")]
    pub how: HowTold,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions/told", params(("conference_id" = String, Path)),
    request_body = ExclusionToldBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn exclusion_told(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ExclusionToldBody>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    let today = state.settings.clock.today();
    let ((), v) = save(&state, &ctx, &id, v, "conference.exclusion-told", |c| {
        c.record_exclusion_told(&a.acting, &AdultId(b.adult_id.clone()), b.on, b.how, today)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct PreviousExclusionBody {
    pub version: Option<i64>,
    pub adult_id: String,
    #[schema(value_type = String, example = "not-excluded")]
    pub outcome: ExclusionReviewOutcome,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/exclusions/previous", params(("conference_id" = String, Path)),
    request_body = PreviousExclusionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn review_previous_exclusion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<PreviousExclusionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.review-previous-exclusion", |c| {
        c.review_previous_exclusion(&a.acting, &AdultId(b.adult_id.clone()), b.outcome, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

// ---------------------------------------------------------------- reports (REP-*)

#[derive(Deserialize, ToSchema)]
pub struct ReportBody {
    pub version: Option<i64>,
    /// The professional (of this conference) whose report it is.
    pub author: String,
    /// `[{heading, text, restricted: null | "third-party-information" | "police-information" | "other"}]`
    #[schema(value_type = Vec<Object>)]
    pub parts: Vec<ReportPart>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reports", params(("conference_id" = String, Path)),
    request_body = ReportBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn submit_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ReportBody>(&state, &ctx, Action::SubmitReport, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let today = state.settings.clock.today();
    let p = rules.policy(state.settings.clock.today());
    let (report, v) = save(&state, &ctx, &id, v, "conference.submit-report", |c| {
        c.submit_report(&a.acting, &ProfessionalId(b.author.clone()), b.parts, &p, &rules.calendar, today)
    })
    .await?;
    Ok(changed(&id, v, Some(report.0), None))
}

#[derive(Deserialize, ToSchema)]
pub struct ShareBody {
    pub version: Option<i64>,
    /// `{"recipient": "family-member", "id": "<adult id>"}` (or professional, child, supporter, staff)
    #[schema(value_type = Object)]
    pub recipient: Recipient,
    /// REP-01: the author discussed the report with the parent first.
    #[serde(default)]
    pub discussed_with_author: bool,
    #[serde(default)]
    pub late_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/reports/{number}/share",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = ShareBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn share_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ShareBody>(&state, &ctx, Action::SubmitReport, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let today = state.settings.clock.today();
    let p = rules.policy(state.settings.clock.today());
    let sharing = Sharing { discussed_with_author: b.discussed_with_author, late_reason: b.late_reason };
    let recipient = b.recipient;
    let ((sent, copy), v) = save(&state, &ctx, &id, v, "conference.share-report", |c| {
        let sent =
            c.share_report(&a.acting, ReportId(number), recipient.clone(), sharing, &p, &rules.calendar, today)?;
        // REP-03: what the recipient is sent, restricted parts removed for the family.
        let copy = to_json(&c.report_copy_for(ReportId(number), &recipient)?);
        Ok((sent, copy))
    })
    .await?;
    let result = serde_json::json!({ "sent": sent, "copy": copy });
    Ok(changed(&id, v, None, Some(result)))
}

// ---------------------------------------------------------------- views, pre-meeting, consent

#[derive(Deserialize, ToSchema)]
pub struct ViewsBody {
    pub version: Option<i64>,
    /// `{whose: Person, form, summary, how_obtained, obtained_by, obtained_on, supported_by}`
    #[schema(value_type = Object)]
    pub views: ViewsGiven,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/views", params(("conference_id" = String, Path)),
    request_body = ViewsBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn record_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ViewsBody>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    let (n, v) = save(&state, &ctx, &id, v, "conference.record-views", |c| c.record_views(&a.acting, b.views)).await?;
    Ok(changed(&id, v, Some(n.0), None))
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/views/{number}/present",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn present_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, _b, v) = begin::<VersionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.present-views", |c| c.present_views(&a.acting, ViewsId(number), now))
            .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct PreMeetingBody {
    pub version: Option<i64>,
    pub adult_id: String,
    /// `{"outcome": "held", "mode": "virtual", "on": "2026-11-19"}` or `{"outcome": "not-held", "reason": "..."}`
    #[schema(value_type = Object)]
    pub outcome: PreMeetingOutcome,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/pre-meetings", params(("conference_id" = String, Path)),
    request_body = PreMeetingBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn pre_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<PreMeetingBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.pre-meeting", |c| {
        c.record_pre_meeting(&a.acting, &AdultId(b.adult_id.clone()), b.outcome, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentBody {
    pub version: Option<i64>,
    pub adult_id: String,
    pub consents: bool,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/recording-consents", params(("conference_id" = String, Path)),
    request_body = ConsentBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn recording_consent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ConsentBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.recording-consent", |c| {
        c.record_recording_consent(&a.acting, &AdultId(b.adult_id.clone()), b.consents, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/audio-recording", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn start_audio_recording(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, _b, v) = begin::<VersionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.audio-recording", |c| c.start_audio_recording(&a.acting)).await?;
    Ok(changed(&id, v, None, None))
}

// ---------------------------------------------------------------- the meeting (MEET-*, DEC-02)

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/start", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn start_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, _b, v) = begin::<VersionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let (today, now) = (state.settings.clock.today(), state.settings.clock.now());
    let ((), v) = save(&state, &ctx, &id, v, "conference.start", |c| c.start_meeting(&a.acting, today, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub version: Option<i64>,
    /// `{invitation: <number>, presence: "in-person" | "remote" | "apologies" | "report-only" | "absent",
    /// parts: [...], arrived_late_at: "10:15:00" | null, left_early_at: null}`; `parts` are the
    /// agenda's parts (see `DiscussionBody.part`), empty for the whole conference.
    #[schema(value_type = Object)]
    pub attendance: Attendance,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/attendance", params(("conference_id" = String, Path)),
    request_body = AttendanceBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn attendance(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<AttendanceBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    parts_chosen(&body, "/attendance/parts")?;
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.attendance", |c| c.record_attendance(&a.acting, b.attendance)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct DiscussionBody {
    pub version: Option<i64>,
    #[schema(value_type = String, example = "worries")]
    pub heading: DiscussionHeading,
    pub text: String,
    /// The part of the conference (EXC-03), if the chair divided it: one of the agenda's parts
    /// (`working-well`, `worries`, `complicating-factors`, `history`, `uncertainty`,
    /// `next-steps`, `child-views`, `parent-views`, `professionals-only`).
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub child_id: Option<String>,
    /// Third-party or police information the family must never see (REP-03).
    #[serde(default)]
    pub restricted: bool,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/discussion", params(("conference_id" = String, Path)),
    request_body = DiscussionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn discussion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<DiscussionBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    parts_chosen(&body, "/part")?;
    let part = b.part.as_deref().and_then(Part::chosen);
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.discussion", |c| {
        c.add_discussion(&a.acting, b.heading, &b.text, part, b.child_id.map(ChildId), b.restricted, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct CorrectionBody {
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub by: Person,
    pub what_was_said: String,
    pub correction: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/corrections", params(("conference_id" = String, Path)),
    request_body = CorrectionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<CorrectionBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) = save(&state, &ctx, &id, v, "conference.correction", |c| {
        c.record_correction(&a.acting, b.by, &b.what_was_said, &b.correction, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ProfessionalViewBody {
    pub version: Option<i64>,
    pub professional_id: String,
    pub child_id: String,
    #[schema(value_type = String, example = "plan")]
    pub view: PlanView,
    pub reasons: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/professional-views", params(("conference_id" = String, Path)),
    request_body = ProfessionalViewBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn professional_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ProfessionalViewBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let ((), v) = save(&state, &ctx, &id, v, "conference.professional-view", |c| {
        c.record_professional_view(
            &a.acting,
            &ProfessionalId(b.professional_id.clone()),
            &ChildId(b.child_id.clone()),
            b.view,
            &b.reasons,
        )
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ParentViewBody {
    pub version: Option<i64>,
    pub adult_id: String,
    #[serde(default)]
    pub child_id: Option<String>,
    pub views: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/parent-views", params(("conference_id" = String, Path)),
    request_body = ParentViewBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn parent_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ParentViewBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    let ((), v) = save(&state, &ctx, &id, v, "conference.parent-view", |c| {
        c.record_parent_view(&a.acting, &AdultId(b.adult_id.clone()), b.child_id.clone().map(ChildId), &b.views)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionBody {
    pub version: Option<i64>,
    pub children: Vec<String>,
    pub what: String,
    /// `{"owner": "professional", "id": "..."}`, `{"owner": "family-member", "id": "..."}` or `{"owner": "agency", "id": "<name>"}`
    #[schema(value_type = Object)]
    pub owner: ActionOwner,
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/actions", params(("conference_id" = String, Path)),
    request_body = ActionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn plan_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<ActionBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    let (today, now) = (state.settings.clock.today(), state.settings.clock.now());
    let children = b.children.into_iter().map(ChildId).collect();
    let (n, v) = save(&state, &ctx, &id, v, "conference.plan-action", |c| {
        c.add_plan_action(&a.acting, children, &b.what, b.owner, b.due, today, now)
    })
    .await?;
    Ok(changed(&id, v, Some(n.0), None))
}

// ---------------------------------------------------------------- the decision (DEC-*, DIS-*)

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub version: Option<i64>,
    pub child_id: String,
    /// `{"outcome": "child-protection-plan", "category": "neglect"}`, `{"outcome": "child-in-need-plan"}`,
    /// `{"outcome": "no-further-plan"}`, `{"outcome": "continue-plan", "category": ...}`,
    /// `{"outcome": "end-plan-step-down-to-child-in-need"}`, `{"outcome": "end-plan-no-further-plan"}`
    #[schema(value_type = Object)]
    pub outcome: ChildOutcome,
    /// DEC-03
    pub continuing_risk_of_significant_harm: bool,
    /// INV-03: why the decision is made without a quorum (where policy allows).
    #[serde(default)]
    pub inquorate_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/decisions", params(("conference_id" = String, Path)),
    request_body = DecisionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn decision(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<DecisionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let now = state.settings.clock.now();
    let p = rules.policy(state.settings.clock.today());
    let input = DecisionInput {
        child: ChildId(b.child_id),
        outcome: b.outcome,
        continuing_risk_of_significant_harm: b.continuing_risk_of_significant_harm,
        inquorate_reason: b.inquorate_reason,
    };
    let ((), v) = save(&state, &ctx, &id, v, "conference.decide", |c| c.decide(&a.acting, input, &p, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct LegalBody {
    pub version: Option<i64>,
    pub children: Vec<String>,
    #[schema(value_type = String, example = "pre-proceedings")]
    pub action: LegalAction,
    pub reasons: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/legal-recommendations", params(("conference_id" = String, Path)),
    request_body = LegalBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn legal_recommendation(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<LegalBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let children = b.children.into_iter().map(ChildId).collect();
    let ((), v) = save(&state, &ctx, &id, v, "conference.legal-recommendation", |c| {
        c.recommend_legal_action(&a.acting, children, b.action, &b.reasons, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct DissentBody {
    pub version: Option<i64>,
    pub professional_id: String,
    /// The child whose decision is disputed; none for all.
    #[serde(default)]
    pub child_id: Option<String>,
    pub reasons: String,
    pub discussed_with_chair: bool,
    pub chair_response: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/dissents", params(("conference_id" = String, Path)),
    request_body = DissentBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn dissent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<DissentBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let now = state.settings.clock.now();
    let p = rules.policy(state.settings.clock.today());
    let input = DissentInput {
        professional: ProfessionalId(b.professional_id),
        child: b.child_id.map(ChildId),
        reasons: b.reasons,
        discussed_with_chair: b.discussed_with_chair,
        chair_response: b.chair_response,
    };
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.dissent", |c| c.record_dissent(&a.acting, input, &p, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    pub version: Option<i64>,
    /// The next review (REV-01/02); by default the latest date allowed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub next_review_on: Option<NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/close", params(("conference_id" = String, Path)),
    request_body = CloseBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn close(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<CloseBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let now = state.settings.clock.now();
    let p = rules.policy(state.settings.clock.today());
    let ((), v) = save(&state, &ctx, &id, v, "conference.close", |c| {
        c.close(&a.acting, b.next_review_on, &p, &rules.calendar, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
pub struct OutcomeSentBody {
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub recipient: Recipient,
    /// The day it was sent (default today).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
    /// DEC-05, TIME-01: needed only when it was sent after the day it was due:
    /// `{"reason": "chair-unavailable", "details": "..."}` (a reason from the deadlines' list;
    /// "other" needs the details).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub late_reason: Option<confer_domain::timescales::LateReasonRecord>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/outcome-sent", params(("conference_id" = String, Path)),
    request_body = OutcomeSentBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn outcome_sent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<OutcomeSentBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let today = state.settings.clock.today();
    let on = b.on.unwrap_or(today);
    let ((), v) = save(&state, &ctx, &id, v, "conference.outcome-sent", |c| {
        c.record_outcome_sent(&a.acting, b.recipient, on, today, b.late_reason)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

// ---------------------------------------------------------------- the record (MIN-*)

#[derive(Deserialize, ToSchema)]
pub struct DraftBody {
    pub version: Option<i64>,
    /// The sections as edited; none starts from what the meeting recorded.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    pub sections: Option<Vec<RecordSection>>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/draft", params(("conference_id" = String, Path)),
    request_body = DraftBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn draft_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<DraftBody>(&state, &ctx, Action::RecordMeeting, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let ((), v) =
        save(&state, &ctx, &id, v, "conference.draft-record", |c| c.draft_record(&a.acting, b.sections, now)).await?;
    Ok(changed(&id, v, None, None))
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/approve", params(("conference_id" = String, Path)),
    request_body = VersionBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn approve_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, _b, v) = begin::<VersionBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let (n, v) = save(&state, &ctx, &id, v, "conference.approve-record", |c| c.approve_record(&a.acting, now)).await?;
    Ok(changed(&id, v, Some(n), None))
}

#[derive(Deserialize, ToSchema)]
pub struct DistributeBody {
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub recipient: Recipient,
    /// en (default) or cy.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "en")]
    pub language: Option<DocumentLanguage>,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/distribute", params(("conference_id" = String, Path)),
    request_body = DistributeBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn distribute_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<DistributeBody>(&state, &ctx, Action::ArrangeConference, &id, &headers, &body).await?;
    let rules = Rules::load(&state, &ctx.actor.authority_id).await?;
    let today = state.settings.clock.today();
    let p = rules.policy(state.settings.clock.today());
    let language = b.language.unwrap_or(DocumentLanguage::English);
    let (copy, v) = save(&state, &ctx, &id, v, "conference.distribute-record", |c| {
        c.distribute_record(&a.acting, b.recipient, language, &p, &rules.calendar, today)
    })
    .await?;
    Ok(changed(&id, v, Some(copy.version), to_json(&copy)))
}

#[derive(Deserialize, ToSchema)]
pub struct CorrectionRequestBody {
    pub version: Option<i64>,
    /// The parent asking.
    pub adult_id: String,
    /// The approved version of the record the request is about.
    pub record_version: u32,
    pub what: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/correction-requests", params(("conference_id" = String, Path)),
    request_body = CorrectionRequestBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn request_record_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<CorrectionRequestBody>(&state, &ctx, Action::GatherViews, &id, &headers, &body).await?;
    let today = state.settings.clock.today();
    let (n, v) = save(&state, &ctx, &id, v, "conference.record-correction-request", |c| {
        c.request_record_correction(&a.acting, &AdultId(b.adult_id.clone()), b.record_version, &b.what, today)
    })
    .await?;
    Ok(changed(&id, v, Some(n), None))
}

/// MIN-04/05: the chair accepts (a new version with the changes) or declines (with why).
#[derive(Deserialize, ToSchema)]
pub struct CorrectionAnswerBody {
    pub version: Option<i64>,
    pub accepted: bool,
    /// When accepted: `[{index, text}]`, the sections of the latest version to change.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<SectionChange>,
    #[serde(default)]
    pub note: String,
    /// When declined: why.
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/conferences/{conference_id}/record/correction-requests/{number}/answer",
    params(("conference_id" = String, Path), ("number" = u32, Path)),
    request_body = CorrectionAnswerBody, responses((status = 200, body = Changed), (status = "4XX", body = ConferenceErrorBody)))]
pub async fn answer_record_correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (a, b, v) = begin::<CorrectionAnswerBody>(&state, &ctx, Action::ChairConference, &id, &headers, &body).await?;
    let now = state.settings.clock.now();
    let decision = if b.accepted {
        CorrectionDecision::Accept { changes: b.changes, note: b.note }
    } else {
        CorrectionDecision::Decline { reason: b.reason }
    };
    let ((), v) = save(&state, &ctx, &id, v, "conference.record-correction-answer", |c| {
        c.answer_correction(&a.acting, number, decision, now)
    })
    .await?;
    Ok(changed(&id, v, None, None))
}

versioned!(
    ScheduleBody,
    ReasonBody,
    VersionBody,
    AddChildBody,
    InviteBody,
    AnswerBody,
    LateSupporterBody,
    InterpreterBody,
    NeedMetBody,
    ExcludeBody,
    ExclusionToldBody,
    PreviousExclusionBody,
    ReportBody,
    ShareBody,
    ViewsBody,
    PreMeetingBody,
    ConsentBody,
    AttendanceBody,
    DiscussionBody,
    CorrectionBody,
    ProfessionalViewBody,
    ParentViewBody,
    ActionBody,
    DecisionBody,
    LegalBody,
    DissentBody,
    CloseBody,
    OutcomeSentBody,
    DraftBody,
    DistributeBody,
    CorrectionRequestBody,
    CorrectionAnswerBody,
);

#[cfg(test)]
mod tests {
    use super::*;
    use confer_domain::Nation;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn icpc_due_by_is_15_working_days_after_the_strategy_discussion_time_01() {
        let due = |nation: Nation, on: &str| {
            icpc_due_by(&Calendar::for_nation(nation), &Policy::default_for(nation), d(on)).unwrap()
        };
        // Monday 2 November 2026 + 15 working days = Monday 23 November 2026.
        assert_eq!(due(Nation::England, "2026-11-02"), d("2026-11-23"));
        // From a Friday the weekend does not count.
        assert_eq!(due(Nation::Wales, "2026-11-06"), d("2026-11-27"));
        // Scotland counts 28 calendar days.
        assert_eq!(due(Nation::Scotland, "2026-11-02"), d("2026-11-30"));
        // Bank holidays do not count: from 14 December 2026, Christmas, Boxing Day (substitute, 28th) and New Year's Day are skipped.
        assert_eq!(due(Nation::England, "2026-12-14"), d("2027-01-07"));
    }
}
