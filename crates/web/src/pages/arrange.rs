//! The conference page's forms before the meeting (issue 6), for the people who do each step:
//! cancel (coordinator or chair), add or remove a child, name a parent's supporter and the
//! chair's decision on one named late (INV-05), book an interpreter (LANG-01) and record that
//! a family member's needs are met (INV-08), consent to audio recording and the chair's
//! decision to record (MEET-03), reports typed or sent as a file and their sharing with
//! parents (REP-01..04), how an excluded person was told (EXC-04) and the chair's fresh
//! decision on the previous conference's exclusions (EXC-05).
//!
//! As in [`super::conferences`]: each form asks the access policy first (the same action as
//! its API route), reads the form into the domain's types, and saves the domain operation at
//! the version the form was made from. A refusal shows the domain's reason with what was typed
//! kept; a version conflict says someone else saved first. Nothing here decides a rule.

use super::conferences::{allow, date_field, done, finish, person_of, Home, Opt, Problem, Sent};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view;
use crate::SharedState;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::timescales::DeadlineRule;
use confer_domain::AdultId;
use confer_ops::conference;
use confer_store::conferences;
use confer_store::documents;
use confer_store::families;
use std::collections::BTreeMap;

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

// ---------------------------------------------------------------- the forms

type Fields = Form<Vec<(String, String)>>;

/// Cancels a conference that has not started (coordinator or chair): the reason is required,
/// the cancellation is kept and everyone invited is told (the store writes their messages).
pub async fn cancel(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::CancelConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let b = conference::ReasonInput { reason: sent.get("reason").to_owned() };
    let r = done(conference::cancel(&state.ops, &ctx.actor, &id, v, b).await);
    finish(&state, &ctx, &id, Home::Conference, "cancel", "reason", sent, r).await
}

pub async fn add_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::RequestConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(child_id) = sent.opt("child_id") else {
            return Err(Problem::Field("child_id", "Select the child to add".into()));
        };
        let current_plan = match sent.opt("current_plan") {
            None => None,
            Some(p) => Some(
                PlanCategory::parse(&p)
                    .ok_or_else(|| Problem::Field("current_plan", "Select the plan's category from the list".into()))?,
            ),
        };
        let b = conference::AddChildInput { child_id, current_plan };
        done(conference::add_child(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "add-child", "child_id", sent, r).await
}

pub async fn remove_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::RequestConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(child_id) = sent.opt("child_id") else {
            return Err(Problem::Field("child_id", "Select the child to take out".into()));
        };
        let b = conference::ReasonInput { reason: sent.get("reason").to_owned() };
        done(conference::remove_child(&state.ops, &ctx.actor, &id, &child_id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "remove-child", "reason", sent, r).await
}

pub async fn name_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(adult) = sent.opt("supports") else {
            return Err(Problem::Field("supports", "Select the parent or carer they support".into()));
        };
        let supporter_kind = SupporterKind::parse(sent.get("kind"))
            .ok_or_else(|| Problem::Field("kind", "Select who the supporter is to them".into()))?;
        let invitee = conference::InviteeDto::Supporter {
            name: sent.get("name").to_owned(),
            supporter_kind,
            supports: Person::FamilyMember(AdultId(adult)),
            represents: sent.yes("represents"),
        };
        done(conference::invite(&state.ops, &ctx.actor, &id, v, conference::InviteInput { invitee }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "supporter", "name", sent, r).await
}

pub async fn decide_late_supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Ok(number) = sent.get("invitation").parse::<u32>() else {
            return Err(Problem::Field("invitation", "Select the supporter".into()));
        };
        let allowed = match sent.get("allowed") {
            "yes" => true,
            "no" => false,
            _ => return Err(Problem::Field("allowed", "Select whether they may attend".into())),
        };
        let b = conference::LateSupporterInput { allowed, reason: sent.get("reason").to_owned() };
        done(conference::decide_late_supporter(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "late-supporter", "reason", sent, r).await
}

pub async fn book_interpreter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(for_person) = person_of(sent.get("for_person")) else {
            return Err(Problem::Field("for_person", "Select who the interpreter is for".into()));
        };
        let b = conference::InterpreterInput {
            for_person,
            language: sent.get("language").trim().to_owned(),
            sign_language: sent.yes("sign_language"),
            interpreter_name: sent.get("interpreter_name").trim().to_owned(),
            organisation: sent.get("organisation").trim().to_owned(),
            adult_id: None,
        };
        done(conference::book_interpreter(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "interpreter", "interpreter_name", sent, r).await
}

pub async fn need_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some((adult, need)) =
            sent.get("need").split_once('|').and_then(|(a, n)| Some((a, PracticalNeedKind::parse(n)?)))
        else {
            return Err(Problem::Field("need", "Select the need that has been met".into()));
        };
        let b = conference::NeedMetInput { adult_id: adult.to_owned(), need, how: sent.get("how").to_owned() };
        done(conference::need_met(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "need-met", "how", sent, r).await
}

pub async fn recording_consent(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::RecordMeeting, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let consents = match sent.get("consents") {
            "yes" => true,
            "no" => false,
            _ => return Err(Problem::Field("consents", "Select their answer".into())),
        };
        let b = conference::ConsentInput { adult_id, consents };
        done(conference::recording_consent(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "consent", "adult_id", sent, r).await
}

pub async fn audio_recording(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = done(conference::start_audio_recording(&state.ops, &ctx.actor, &id, v).await);
    finish(&state, &ctx, &id, Home::Conference, "audio", "start", sent, r).await
}

pub async fn submit_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::SubmitReport, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(author) = sent.opt("author") else {
            return Err(Problem::Field("author", "Select whose report this is".into()));
        };
        let mut parts = Vec::new();
        for n in 1..=3 {
            let heading = sent.get(&format!("heading_{n}")).trim().to_owned();
            let text = sent.get(&format!("text_{n}")).trim().to_owned();
            if heading.is_empty() && text.is_empty() {
                continue;
            }
            if heading.is_empty() {
                return Err(Problem::Field(HEADINGS[n - 1], format!("Enter a heading for part {n}")));
            }
            let restricted = match sent.opt(&format!("restricted_{n}")) {
                None => None,
                Some(r) => Some(RestrictionReason::parse(&r).ok_or_else(|| {
                    Problem::Field(RESTRICTIONS[n - 1], "Select why the part is restricted from the list".into())
                })?),
            };
            parts.push(ReportPart { heading, text, restricted });
        }
        if parts.is_empty() {
            return Err(Problem::Field("heading_1", "Enter the report: at least one part with a heading".into()));
        }
        let b = conference::ReportInput { author, parts };
        done(conference::submit_report(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "report", "author", sent, r).await
}

const HEADINGS: [&str; 3] = ["heading_1", "heading_2", "heading_3"];
const RESTRICTIONS: [&str; 3] = ["restricted_1", "restricted_2", "restricted_3"];

/// A file read from a multipart form.
struct Upload {
    name: String,
    bytes: Vec<u8>,
}

/// Reads a multipart form: its text fields in order, and the file of the field `file`. A file
/// over the limit is read no further than the limit plus one byte, so the domain can say it is
/// too large; the router's body limit sits a little above, so the form is never lost to a 413.
async fn read_multipart(mut m: Multipart) -> Result<(Sent, Option<Upload>), AppError> {
    let bad =
        |_| AppError::BadRequest("The form could not be read. Go back, reload the page and send it again.".into());
    let mut fields = Vec::new();
    let mut upload = None;
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() <= MAX_REPORT_FILE_BYTES {
                    let room = MAX_REPORT_FILE_BYTES + 1 - bytes.len();
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
            }
            if !file_name.is_empty() || !bytes.is_empty() {
                upload = Some(Upload { name: file_name, bytes });
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            fields.push((name, value));
        }
    }
    Ok((Sent(fields), upload))
}

/// REP-02, REP-03: a report sent as a file (PDF, DOCX, ODT, RTF or plain text, checked by its
/// content), with a summary and whether the whole file is restricted. The file is stored in
/// the same transaction as the report, with who, when, size, type and SHA-256, and audited.
pub async fn upload_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::SubmitReport, &id).await?;
    let multipart = Multipart::from_request(req, &()).await.map_err(|_| {
        AppError::BadRequest("This form sends a file: use the upload form on the conference page.".into())
    })?;
    let (sent, upload) = read_multipart(multipart).await?;
    let v = sent.version()?;
    let r = async {
        let Some(author) = sent.opt("author") else {
            return Err(Problem::Field("author", "Select whose report this is".into()));
        };
        let restricted = match sent.opt("restricted") {
            None => None,
            Some(r) => Some(RestrictionReason::parse(&r).ok_or_else(|| {
                Problem::Field("restricted", "Select why the file is restricted from the list".into())
            })?),
        };
        let Some(upload) = upload else {
            return Err(Problem::Field("file", ReportFileError::NoFile.to_string()));
        };
        let b = conference::ReportFileInput {
            author,
            file_name: upload.name,
            bytes: upload.bytes,
            summary: sent.get("summary").to_owned(),
            restricted,
        };
        done(conference::submit_report_file(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "upload", "file", sent, r).await
}

pub async fn download_report_file(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let a = allow(&state, &ctx, Action::ViewConference, &id).await?;
    let stored = conferences::load(&state.db, &id).await?;
    let c = &stored.conference;
    let visibility = c.visibility_of_reader(&a.acting);
    let file = match number.parse::<u32>().map(|n| c.report_file_for(ReportId(n), &visibility)) {
        Ok(Ok(f)) => f.clone(),
        // REP-03: a restricted report's file for someone who may not read it.
        Ok(Err(ConferenceError::RestrictedPart { .. })) => return Err(AppError::Forbidden),
        // No file under that number (yet): the reports on the conference page.
        _ => return Ok(Redirect::to(&format!("/conferences/{id}#reports")).into_response()),
    };
    let doc = documents::read(
        &state.db,
        a.owner.authority_id.as_str(),
        a.owner.family_id.as_str(),
        &id,
        &file.document_id,
        ctx.actor_id(),
    )
    .await?;
    let mut res = doc.content.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.file_type.as_str()));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 encoding.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", view::url_encode(name))
}

/// REP-01, REP-04: records that a report was shared with a parent or carer; after the
/// deadline the domain asks for the reason. Restricted parts are never sent to the family.
pub async fn share_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::SubmitReport, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Ok(number) = sent.get("report").parse::<u32>() else {
            return Err(Problem::Field("report", "Select the report".into()));
        };
        let recipient = match person_of(sent.get("recipient")) {
            Some(Person::FamilyMember(x)) => Recipient::FamilyMember(x),
            _ => return Err(Problem::Field("recipient", "Select the parent or carer it was shared with".into())),
        };
        let b = conference::ShareInput {
            recipient,
            discussed_with_author: sent.yes("discussed"),
            late_reason: sent.opt("late_reason"),
        };
        done(conference::share_report(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "share", "late_reason", sent, r).await
}

pub async fn exclusion_told(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::GatherViews, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select who was told".into()));
        };
        let how =
            HowTold::parse(sent.get("how")).ok_or_else(|| Problem::Field("how", "Select how they were told".into()))?;
        let on: NaiveDate = date_field(&sent, "on")?.unwrap_or_else(|| state.ops.clock.today());
        let b = conference::ExclusionToldInput { adult_id, on, how };
        done(conference::exclusion_told(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "told", "on", sent, r).await
}

pub async fn review_previous_exclusion(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(adult_id) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let outcome = ExclusionReviewOutcome::parse(sent.get("outcome"))
            .ok_or_else(|| Problem::Field("outcome", "Select your decision for this conference".into()))?;
        let b = conference::PreviousExclusionInput { adult_id, outcome };
        done(conference::review_previous_exclusion(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "previous-exclusion", "outcome", sent, r).await
}

#[derive(serde::Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    pub kind: Option<String>,
}

/// What the request page asks for the kind chosen (S47-01, TIME-01..03, CHAIR-02).
pub struct RequestKind {
    pub kind: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub kinds: Vec<Opt>,
    /// Review: the family's conferences that were held, to follow.
    pub previous: Vec<Opt>,
    /// Transfer-in: each child, to give the plan they arrive with.
    pub plan_children: Vec<(String, String)>,
    pub plan_categories: Vec<Opt>,
    /// Pre-birth: each unborn child with the TIME-03 dates.
    pub unborn: Vec<String>,
    /// INV-08: each adult of the family (field name, name) and the practical needs to choose from.
    pub need_adults: Vec<(String, String)>,
    pub need_kinds: Vec<Opt>,
}

impl RequestKind {
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }
}

pub async fn request_kind(
    state: &SharedState,
    record: &families::FamilyRecord,
    kind: ConferenceKind,
) -> Result<RequestKind, AppError> {
    let (heading, intro) = match kind {
        ConferenceKind::Initial => (
            "Request an initial child protection conference",
            "Ask for a conference when the strategy discussion and the enquiry found that a child is suffering, or likely to suffer, significant harm. The conference must be held within 15 working days of the strategy discussion.",
        ),
        ConferenceKind::Review => (
            "Request a review child protection conference",
            "A review follows the conference before it: the first within 3 months, then every 6 months while the plan lasts. The chair of the conference before is suggested again, and its exclusions are decided again, never carried over.",
        ),
        ConferenceKind::TransferIn => (
            "Request a transfer-in conference",
            "For a child on a child protection plan who has moved into this authority. The conference must be held within 15 working days of being told the child moved in.",
        ),
        ConferenceKind::PreBirth => (
            "Request a pre-birth conference",
            "For an unborn child. It is held by the week of pregnancy in the authority's policy, and never later than 10 working days before the expected date of delivery.",
        ),
    };
    let previous = if kind == ConferenceKind::Review {
        conferences::of_family(&state.db, record.family.id.as_str())
            .await?
            .into_iter()
            .filter(|r| r.state == ConferenceState::Closed.as_str())
            .filter_map(|r| {
                let date = r.date?;
                let label = ConferenceKind::parse(&r.kind).map(|k| k.label()).unwrap_or("Conference");
                Some(Opt::new(r.id, format!("{label} held on {}", view::long_date(&date))))
            })
            .collect()
    } else {
        Vec::new()
    };
    let plan_children = record
        .children
        .iter()
        .filter(|c| matches!(c.birth, confer_domain::Birth::Born(_)))
        .map(|c| (format!("plan_{}", c.id), format!("{} {}", c.given_name, c.family_name)))
        .collect();
    let mut unborn = Vec::new();
    if kind == ConferenceKind::PreBirth {
        let rules = Rules::load(state, &record.family.authority_id).await.map_err(super::conferences::to_app)?;
        let today = state.settings.clock.today();
        for c in &record.children {
            if let confer_domain::Birth::Unborn { expected } = c.birth {
                unborn.push(format!(
                    "{} {}: {}",
                    c.given_name,
                    c.family_name,
                    pre_birth_dates(&rules, expected, today)
                ));
            }
        }
    }
    Ok(RequestKind {
        kind: kind.as_str(),
        heading,
        intro,
        kinds: opts(ConferenceKind::ALL, |k| (k.as_str(), k.label())),
        previous,
        plan_children,
        plan_categories: opts(PlanCategory::ALL, |e| (e.as_str(), e.label())),
        unborn,
        need_adults: record
            .adults
            .iter()
            .map(|a| (format!("needs_{}", a.id), format!("{} {}", a.given_name, a.family_name)))
            .collect(),
        need_kinds: opts(PracticalNeedKind::ALL, |e| (e.as_str(), e.label())),
    })
}

/// TIME-03 in words: the expected delivery, the gestation today, and the dates by which a
/// pre-birth conference is held (the policy's gestation, and never later than 10 working days
/// before delivery).
fn pre_birth_dates(rules: &Rules, expected: NaiveDate, today: NaiveDate) -> String {
    let p = rules.policy(today);
    let weeks_to_go = (expected - today).num_days().max(0) / 7;
    let gestation = 40 - weeks_to_go.min(40);
    let by = DeadlineRule::PreBirthConference.due_date(expected, &rules.calendar, &p);
    let latest = DeadlineRule::PreBirthLatest.due_date(expected, &rules.calendar, &p);
    let mut s = format!("expected {} (about {gestation} weeks of pregnancy today)", view::long_date(&expected));
    if let Some(by) = by {
        s.push_str(&format!(
            "; hold the conference by {} ({} weeks)",
            view::long_date(&by),
            p.pre_birth_by_gestation_weeks
        ));
    }
    if let Some(latest) = latest {
        s.push_str(&format!(", and never later than {}", view::long_date(&latest)));
    }
    s
}

/// What the request form gives beyond the initial request, read and checked before the
/// conference is created.
#[derive(Default)]
pub struct RequestExtra {
    pub transfer_notified_on: Option<NaiveDate>,
    pub previous_conference_id: Option<String>,
    pub transfer: Option<TransferFrom>,
}

pub fn request_extra(
    sent: &Sent,
    kind: ConferenceKind,
    today: NaiveDate,
    errors: &mut confer_domain::validate::FormErrors,
) -> RequestExtra {
    let mut extra = RequestExtra::default();
    match kind {
        ConferenceKind::TransferIn => {
            let mut date = |field: &'static str| match date_field(sent, field) {
                Ok(d) => d,
                Err(Problem::Field(f, m)) => {
                    errors.add(f, m);
                    None
                }
                Err(_) => None,
            };
            extra.transfer_notified_on = date("transfer_notified_on");
            let started = date("plan_started_on");
            if errors.is_empty() {
                match TransferFrom::new(sent.get("transfer_authority"), started, extra.transfer_notified_on, today) {
                    Ok(t) => extra.transfer = Some(t),
                    Err(e @ ConferenceError::Missing { what }) if what.contains("authority") => {
                        errors.add("transfer_authority", e.to_string())
                    }
                    Err(e) => errors.add("plan_started_on", e.to_string()),
                }
            }
        }
        ConferenceKind::Review => {
            extra.previous_conference_id = sent.opt("previous_conference_id");
            if extra.previous_conference_id.is_none() {
                errors.add("previous_conference_id", "Select the conference this review follows".to_owned());
            }
        }
        ConferenceKind::Initial | ConferenceKind::PreBirth => {}
    }
    extra
}

/// What the conference page adds to its summary for the kind (TIME-02, TIME-03, CHAIR-02,
/// REV-01): where a transferred child's plan was made, the pre-birth dates, the conference a
/// review follows and the chair suggested again.
pub fn kind_facts(
    c: &Conference,
    rules: &Rules,
    today: NaiveDate,
    names: &BTreeMap<String, String>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(t) = c.transfer_from() {
        out.push(("Moved from".into(), t.authority.clone(), String::new()));
        out.push(("Plan began there on".into(), view::long_date(&t.plan_started_on), String::new()));
    }
    if let Some(n) = c.transfer_notified_on() {
        out.push(("Told the child moved in on".into(), view::long_date(&n), String::new()));
    }
    if c.kind() == ConferenceKind::PreBirth {
        for ch in c.children() {
            if let Some(expected) = ch.expected_delivery() {
                out.push((
                    format!("{} (pre-birth dates, TIME-03)", ch.name),
                    pre_birth_dates(rules, expected, today),
                    String::new(),
                ));
            }
        }
    }
    if let Some(p) = c.previous() {
        out.push((
            "Follows the conference".into(),
            format!("held on {}", view::long_date(&p.held_on)),
            format!("/conferences/{}", p.conference_id),
        ));
    }
    if let Some(u) = c.suggested_chair() {
        let name = names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());
        out.push((
            "Suggested chair".into(),
            format!("{name}, who chaired the conference before (for continuity)"),
            String::new(),
        ));
    }
    out
}

/// INV-08: the practical needs ticked for one adult on the request form, with the detail typed.
pub fn request_needs(sent: &Sent, adult_id: &str) -> Vec<conference::RequestNeed> {
    let detail = sent.get(&format!("needs_{adult_id}_detail")).trim().to_owned();
    sent.all(&format!("needs_{adult_id}"))
        .iter()
        .filter_map(|n| PracticalNeedKind::parse(n))
        .map(|kind| conference::RequestNeed { kind, detail: detail.clone() })
        .collect()
}
