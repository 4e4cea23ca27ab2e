//! The JSON API for conferences: one endpoint per step of the journey, from the request to
//! the approved record. Each is a thin adapter over the same operation the pages use
//! (`confer_ops::conference`): it reads the body into the operation's input, calls it, and
//! presents the answer.
//!
//! Access comes before parsing: when a body cannot be read, the operation's access check is
//! asked first, so a person who may not reach a conference gets 404 (or 403) whatever they
//! send, never a description of what the body should have been. Every write names the version
//! the client last saw (`If-Match: "<version>"` or a `version` field); without it the answer is
//! 428, and 409 with the current version if someone else saved first. Refusals carry the
//! domain's reason in `message` (the one mapping is [`crate::error::answer`]).

mod arrange;
mod exclusions;
mod invitations;
mod meeting;
mod read;
mod record;
mod reports;

pub use arrange::*;
pub use exclusions::*;
pub use invitations::*;
pub use meeting::*;
pub use read::*;
pub use record::*;
pub use reports::*;

// What the pages take from here (kept so their imports stay as they are).
pub use confer_ops::conference::{
    clashes_of, Allowed, ClashView, DelayDto, RequestChild, RequestFamilyMember, RequestInput, RequestNeed,
    ScheduleInput,
};
pub use confer_ops::Rules;

pub(crate) use crate::api::{ApiError, ErrorBody};
pub(crate) use crate::auth::Ctx;
pub(crate) use crate::SharedState;
pub(crate) use axum::body::Bytes;
pub(crate) use axum::extract::{Path, Query, State};
pub(crate) use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
pub(crate) use axum::response::{IntoResponse, Response};
pub(crate) use axum::Json;
pub(crate) use confer_domain::access::Action;
use confer_domain::conference::AgendaPart;
pub(crate) use confer_ops::conference::{self, Changed};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

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
        ErrorBody,
        conference::Changed,
        conference::ConferenceView,
        conference::ConferenceRowDto,
        conference::RequestInput,
        conference::RequestChild,
        conference::RequestFamilyMember,
        conference::RequestNeed,
        conference::ScheduleInput,
        conference::DelayDto,
        conference::RescheduleInput,
        conference::ReasonInput,
        conference::AddChildInput,
        VersionBody,
        conference::InviteInput,
        conference::InviteeDto,
        conference::AnswerInput,
        conference::LateSupporterInput,
        conference::InterpreterInput,
        conference::NeedMetInput,
        conference::ExcludeInput,
        conference::ExclusionToldInput,
        conference::PreviousExclusionInput,
        conference::ReportInput,
        conference::ShareInput,
        conference::ViewsInput,
        conference::PreMeetingInput,
        conference::ConsentInput,
        conference::AttendanceInput,
        conference::DiscussionInput,
        conference::CorrectionInput,
        conference::ProfessionalViewInput,
        conference::ParentViewInput,
        conference::ActionInput,
        conference::DecideInput,
        conference::LegalInput,
        conference::RecordDissentInput,
        conference::CloseInput,
        conference::OutcomeSentInput,
        conference::DraftInput,
        conference::DistributeInput,
        conference::CorrectionRequestInput,
        conference::CorrectionAnswerInput,
        conference::ClashView
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

/// The body of a step that takes nothing but the version the client last saw.
#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    /// The conference's version as last read (or send `If-Match: "<version>"`).
    pub version: i64,
}

pub(crate) type Res<T = Response> = Result<T, ApiError>;

/// A path's parameters; one that cannot be read (a number that is not a number) is answered
/// with the JSON error body (400), not axum's plain text.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(ApiPath(t)),
            Err(e) => Err(ApiError::BadRequest(format!("The address is not one this API has: {}", e.body_text()))),
        }
    }
}

/// Reads a body as JSON: not JSON at all is 400, JSON that is not what the operation takes
/// is 422, each saying what is wrong.
fn parse_value(body: &Bytes) -> Res<Value> {
    if body.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("The request body is not JSON: {e}")))
}

fn parse<T: DeserializeOwned>(value: Value) -> Res<T> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::Unprocessable(format!("The request body is not what this operation takes: {e}")))
}

/// The version the client last saw: `If-Match` first, then the body's `version`.
fn expected_version(headers: &HeaderMap, body: &Value) -> Res<i64> {
    expected_version_of(headers, body, "conference")
}

/// The version of `what` (a conference, a plan) the client last saw: `If-Match` first, then
/// the body's `version`.
fn expected_version_of(headers: &HeaderMap, body: &Value, what: &str) -> Res<i64> {
    if let Some(v) = headers.get(header::IF_MATCH) {
        let text = v.to_str().unwrap_or("").trim().trim_start_matches("W/").trim_matches('"');
        return text
            .parse::<i64>()
            .map_err(|_| ApiError::BadRequest(format!("If-Match must be the {what}'s version, like \"3\".")));
    }
    match body.get("version") {
        None | Some(Value::Null) => Err(ApiError::VersionRequired),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| ApiError::Unprocessable(format!("version must be the {what}'s version, a whole number."))),
    }
}

/// A write's input without a version (an answer that can be given once, such as accepting a
/// transfer): 400 when the body is not JSON, 422 when it is not what the operation takes.
pub(crate) fn read_input<T: DeserializeOwned>(body: &Bytes) -> Res<T> {
    parse_value(body).and_then(parse::<T>)
}

/// A write's input and the version of `what` it names, read from the body and headers (no
/// access asked: the caller asks its policy when this fails).
pub(crate) fn read_versioned<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes, what: &str) -> Res<(T, i64)> {
    parse_value(body).and_then(|value| {
        let v = expected_version_of(headers, &value, what);
        let input = parse::<T>(value)?;
        Ok((input, v?))
    })
}

/// What was read from a request, or why it could not be; when it could not, `access` (the
/// policy's question for the record, as the operation would ask it) is answered first, so
/// nothing is said about a record the person may not reach. Every write of the API reads its
/// input this way.
pub(crate) async fn after_access<X>(read: Res<X>, access: impl std::future::Future<Output = Res<()>>) -> Res<X> {
    match read {
        Ok(x) => Ok(x),
        Err(e) => {
            access.await?;
            Err(e)
        }
    }
}

/// Reads the operation's input and the version (see [`after_access`]).
async fn input<T: DeserializeOwned>(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Res<(T, i64)> {
    after_access(read_versioned(headers, body, "conference"), may(state, ctx, action, id)).await
}

/// The access policy's answer for this conference, as the operation would ask it.
async fn may(state: &SharedState, ctx: &Ctx, action: Action, id: &str) -> Res<()> {
    conference::authorize(&state.ops, &ctx.actor, action, id).await?;
    Ok(())
}

/// The version of a step that takes nothing else.
async fn version_only(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Res<i64> {
    let read = parse_value(body).and_then(|value| expected_version(headers, &value));
    after_access(read, may(state, ctx, action, id)).await
}

/// EXC-03, MEET-02: a part of the conference is chosen from the agenda's list by its code,
/// never typed; the part (or the list of parts) at `pointer` in the body must be codes of the
/// list. (Stored documents read older free text leniently; requests do not.)
fn parts_chosen(body: &[u8], pointer: &str) -> Res<()> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let given: Vec<&Value> = match value.pointer(pointer) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    if given.iter().any(|v| v.as_str().and_then(AgendaPart::parse).is_none()) {
        return Err(ApiError::Unprocessable(confer_ops::conference::choose_part()));
    }
    Ok(())
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// A versioned record or change as JSON, its version also as `ETag` (what a client sends
/// back with `If-Match`).
pub(crate) fn versioned_json(body: impl serde::Serialize, version: i64) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

/// A change as the API answers it: the new version (also as `ETag`), the number given to
/// what was added, and any copy sent.
fn changed(c: Changed) -> Res {
    let version = c.version;
    Ok(versioned_json(c, version))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use confer_domain::calendar::Calendar;
    use confer_domain::policy::Policy;
    use confer_domain::Nation;
    use confer_ops::conference::icpc_due_by;

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
