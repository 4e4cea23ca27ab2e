//! The conference journey as pages (issue 6), for the people who do each step: the chair's
//! dashboard, the coordinator's list, the social worker's request, the conference page with
//! the coordinator's and chair's forms before the meeting, and the record after it (draft,
//! approve, distribute, each recipient's copy). The live meeting is in [`super::meeting`].
//!
//! Every page and form asks the access policy first (`confer_ops::conference::authorize`, the
//! same as the API); each form reads its fields into the operation's input and calls the same
//! operation as the API (`confer_ops::conference`), at the version the page was made from. A refusal of the domain is shown in the error summary with the domain's reason,
//! keeping what was typed; a version conflict says someone else saved first and keeps the form.
//! Nothing here decides a rule: forms are only read into the domain's types.

use crate::api_conferences::Allowed;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::conference::*;
use confer_domain::validate::{parse_date, FormErrors};
use confer_domain::{AdultId, ChildId, ProfessionalId};
use confer_ops::conference;
use confer_ops::OpsError;
use confer_store::conferences::{self, Change};
use std::collections::BTreeMap;

// ---------------------------------------------------------------- forms as sent

/// A form as it was sent: every field in order, a checkbox group repeated.
#[derive(Debug, Clone, Default)]
pub struct Sent(pub Vec<(String, String)>);

impl Sent {
    pub fn get(&self, k: &str) -> &str {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    /// Every non-empty value of a field (a group of checkboxes).
    pub fn all(&self, k: &str) -> Vec<String> {
        self.0.iter().filter(|(n, v)| n == k && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    }
    /// The trimmed value, `None` when empty.
    pub fn opt(&self, k: &str) -> Option<String> {
        let v = self.get(k).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }
    pub fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(n, x)| n == k && x == v)
    }
    /// A single checkbox.
    pub fn yes(&self, k: &str) -> bool {
        matches!(self.get(k), "yes" | "on" | "true")
    }
    /// The version of the conference the form was made from.
    pub fn version(&self) -> Result<i64, AppError> {
        self.get("version").trim().parse::<i64>().map_err(|_| {
            AppError::BadRequest("The form is missing the conference's version: reload the page and try again.".into())
        })
    }
}

/// The form that was refused and what was typed in it, to show it again.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub form: String,
    pub sent: Sent,
}

impl Kept {
    /// What was typed in this field of this form, or nothing.
    pub fn v(&self, form: &str, field: &str) -> String {
        self.v_or(form, field, "")
    }
    /// What was typed in this field of this form, or the default.
    pub fn v_or(&self, form: &str, field: &str, default: &str) -> String {
        if self.form == form {
            self.sent.get(field).to_owned()
        } else {
            default.to_owned()
        }
    }
    pub fn checked(&self, form: &str, field: &str, value: &str) -> bool {
        self.form == form && self.sent.has(field, value)
    }
    /// An option is selected: what was typed, or else the default.
    pub fn sel(&self, form: &str, field: &str, value: &str, default: &str) -> bool {
        self.v_or(form, field, default) == value
    }
}

/// A choice in a select or a group of checkboxes.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

/// EXC-03, MEET-02, MEET-05: the agenda's parts, the one list exclusions, attendance and the
/// discussion choose from.
pub fn agenda_part_opts() -> Vec<Opt> {
    AgendaPart::ALL.iter().map(|p| Opt::new(p.as_str(), p.label())).collect()
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Opt {
        Opt { value: value.into(), label: label.into() }
    }
}

/// Why a form was not saved: a field that could not be read into the operation's input, or
/// what the operation answered.
pub enum Problem {
    Field(&'static str, String),
    Ops(OpsError),
}

impl From<OpsError> for Problem {
    fn from(e: OpsError) -> Self {
        Problem::Ops(e)
    }
}

pub use crate::error::CONFLICT;

/// An operation's error as a page error (anything that is not the person's mistake).
pub fn to_app(e: OpsError) -> AppError {
    e.into()
}

/// Asks the access policy about this conference (as the API does): 404 for a conference the
/// person may not reach, 403 for one they may see but not act on.
pub async fn allow(state: &SharedState, ctx: &Ctx, action: Action, id: &str) -> Result<Allowed, AppError> {
    Ok(conference::authorize(&state.ops, &ctx.actor, action, id).await?)
}

/// What a form's operation answered, as [`finish`] takes it.
pub fn done<T>(r: Result<T, OpsError>) -> Result<(), Problem> {
    r.map(|_| ()).map_err(Problem::Ops)
}

/// Whether the person, as the policy found them for this conference, may also do `action`
/// (to show only the forms they may use; the domain still decides each step).
pub fn may(ctx: &Ctx, a: &Allowed, action: Action) -> bool {
    decide(
        &ctx.actor,
        action,
        Target::Record { authority_id: &a.owner.authority_id, relationships: &a.acting.relationships },
    ) == Decision::Allow
}

/// The page a form belongs to, shown again when it is refused.
#[derive(Debug, Clone, Copy)]
pub enum Home {
    Conference,
    Meeting,
    /// The record and the written outcome, after the meeting ([`super::record`]).
    Record,
}

impl Home {
    pub fn path(self, id: &str) -> String {
        match self {
            Home::Conference => format!("/conferences/{id}"),
            Home::Meeting => format!("/conferences/{id}/meeting"),
            Home::Record => format!("/conferences/{id}/record"),
        }
    }
}

/// Where a refusal of the domain points in the form, when not at the form's first field.
fn field_of(form: &str, e: &ConferenceError) -> Option<&'static str> {
    match (form, e) {
        (
            "schedule" | "reschedule",
            ConferenceError::ChairNotIndependent { .. } | ConferenceError::NotAChair { .. },
        ) => Some("chair_id"),
        ("schedule" | "reschedule", ConferenceError::LateWithoutReason { .. }) => Some("delay_detail"),
        (
            "schedule" | "reschedule",
            ConferenceError::NotAWorkingDay { .. }
            | ConferenceError::BadDate { .. }
            | ConferenceError::PreBirthTooLate { .. },
        ) => Some("date"),
        ("schedule" | "reschedule", ConferenceError::Missing { what }) if what.contains("venue") => Some("venue"),
        ("decision", ConferenceError::InquorateReasonNeeded { .. }) => Some("inquorate_reason"),
        ("decision", ConferenceError::NoContinuingRisk { .. }) => Some("continuing_risk"),
        _ => None,
    }
}

/// After a form: on success back to its page with a notice (a conference form: the task list,
/// or its task's page when more of the same usually follows); on a refusal or a conflict its
/// page again (a conference form: its task's page) with the reason in the error summary and
/// what was typed kept.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    home: Home,
    form: &str,
    field: &'static str,
    sent: Sent,
    result: Result<(), Problem>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    // The same status as the API gives for the same error (issue 11: one status per variant).
    let status = problem_status(&result);
    match result {
        Ok(()) => {
            // A form of the conference's tasks: back to the task list, or to its task's page
            // when the same form is usually used again next (one person after another).
            let to = match (home, super::conference::task_of_form(form)) {
                (Home::Conference, Some(task)) if super::conference::stays_on_task(form) => {
                    super::conference::path_of(id, task)
                }
                _ => home.path(id),
            };
            return Ok(Redirect::to(&format!("{to}?done={form}")).into_response());
        }
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(&format!("{form}-{field}"), CONFLICT),
        Err(Problem::Ops(OpsError::Refused(e))) => {
            let f = field_of(form, &e).unwrap_or(field);
            errors.add(&format!("{form}-{f}"), e.to_string());
        }
        Err(Problem::Ops(OpsError::Invalid { field: f, message })) => {
            errors.add(&format!("{form}-{}", if f.is_empty() { field } else { f }), message)
        }
        Err(Problem::Ops(OpsError::Duplicate { message })) => errors.add(&format!("{form}-{field}"), message),
        Err(Problem::Ops(other)) => return Err(to_app(other)),
    }
    let kept = Kept { form: form.to_owned(), sent };
    let res = match home {
        // The task's own page, with the error and what was typed.
        Home::Conference => match super::conference::task_of_form(form) {
            Some(task) => super::conference::task_pages::task_page(state, ctx, id, task, errors, &kept, None).await?,
            None => conference_page(state, ctx, id, errors, &kept, None).await?,
        },
        Home::Meeting => super::meeting::meeting_page(state, ctx, id, errors, &kept, None).await?,
        Home::Record => super::record::record_page(state, ctx, id, errors, &kept, None).await?,
    };
    Ok((status, res).into_response())
}

/// The status a refused form's page answers with: the API's status for the same error (422 for
/// a field that could not be read or a refusal, 409 for a conflict or a wrong state, 403 where
/// the domain says this person may not), so the pages and the API never disagree.
pub fn problem_status(result: &Result<(), Problem>) -> StatusCode {
    match result {
        Ok(()) => StatusCode::OK,
        Err(Problem::Field(..)) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(Problem::Ops(e)) => crate::error::answer(e).status,
    }
}

/// Saves one domain operation on the conference at the version the form was made from (for
/// the family portal's forms, whose person is a family member rather than an [`Actor`]).
pub async fn save<T>(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    version: i64,
    audit: &str,
    op: impl FnOnce(&mut Conference) -> Outcome<T>,
) -> Result<(), Problem> {
    conferences::save(&state.db, id, version, Change::new(ctx.actor_id(), audit), op)
        .await
        .map(|_| ())
        .map_err(|e| Problem::Ops(e.into()))
}

pub fn date_field(sent: &Sent, field: &'static str) -> Result<Option<NaiveDate>, Problem> {
    match sent.opt(field) {
        None => Ok(None),
        Some(t) => parse_date(&t).map(Some).map_err(|e| Problem::Field(field, e.message)),
    }
}

/// Someone of the conference picked in a select as `kind:id`.
pub fn person_of(value: &str) -> Option<Person> {
    let (kind, id) = value.split_once(':')?;
    match kind {
        "family-member" => Some(Person::FamilyMember(AdultId(id.to_owned()))),
        "professional" => Some(Person::Professional(ProfessionalId(id.to_owned()))),
        "child" => Some(Person::Child(ChildId(id.to_owned()))),
        _ => None,
    }
}

pub fn person_value(p: &Person) -> String {
    match p {
        Person::FamilyMember(a) => format!("family-member:{a}"),
        Person::Professional(p) => format!("professional:{p}"),
        Person::Child(c) => format!("child:{c}"),
    }
}

/// The people of the conference as choices: family members, professionals, children.
pub fn people_opts(c: &Conference, family: bool, professionals: bool, children: bool) -> Vec<Opt> {
    let mut out = Vec::new();
    if family {
        for m in c.family_members() {
            out.push(Opt::new(
                format!("family-member:{}", m.adult_id),
                format!("{} ({})", m.name, m.relationship.label()),
            ));
        }
    }
    if professionals {
        for p in c.professionals() {
            out.push(Opt::new(
                format!("professional:{}", p.professional_id),
                format!("{}, {} ({})", p.name, p.job_title, p.agency_name),
            ));
        }
    }
    if children {
        for ch in c.children() {
            out.push(Opt::new(format!("child:{}", ch.child_id), ch.name.clone()));
        }
    }
    out
}

/// A recipient of a document, in words.
pub fn recipient_name(c: &Conference, r: &Recipient, names: &BTreeMap<String, String>) -> String {
    match r {
        Recipient::Staff(u) => names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string()),
        Recipient::Professional(p) => c.name_of(&Person::Professional(p.clone())),
        Recipient::FamilyMember(a) => c.name_of(&Person::FamilyMember(a.clone())),
        Recipient::Child(ch) => c.name_of(&Person::Child(ch.clone())),
        Recipient::Supporter(n) => format!("Supporter (invitation {})", n.0),
    }
}

/// The authority's users by id, for names.
pub async fn user_names(
    state: &SharedState,
    ctx: &Ctx,
) -> Result<(BTreeMap<String, String>, Vec<confer_domain::UserAccount>), AppError> {
    let list = state.directory(&ctx.actor.authority_id).await?;
    let names = list.iter().map(|u| (u.id.as_str().to_owned(), u.display_name.clone())).collect();
    Ok((names, list.as_ref().clone()))
}

// ---------------------------------------------------------------- the request (S47-01)

/// Where a refusal of the request points.
fn request_field(e: &ConferenceError) -> &'static str {
    match e {
        ConferenceError::Missing { what } => {
            if what.contains("children") {
                "children"
            } else if what.contains("strategy") {
                "strategy_discussion_on"
            } else if what.contains("which enquiry") {
                "enquiry"
            } else if what.contains("enquiry found") {
                "harm_finding"
            } else if what.contains("category") {
                "concerns"
            } else if what.contains("parent or carer") {
                "family_members"
            } else if what.contains("moved in") {
                "transfer_notified_on"
            } else if what.contains("review follows") {
                "previous_conference_id"
            } else {
                "reason"
            }
        }
        ConferenceError::NoSignificantHarmFinding => "harm_finding",
        ConferenceError::BadDate { .. } => "strategy_discussion_on",
        _ => "children",
    }
}

pub async fn request(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::RequestConference, &family_id).await?;
    let sent = Sent(f);
    let mut errors = FormErrors::default();
    let kind = ConferenceKind::parse(sent.get("kind")).unwrap_or(ConferenceKind::Initial);
    let today = state.settings.clock.today();
    let extra = super::arrange::request_extra(&sent, kind, today, &mut errors);
    let strategy = match sent.opt("strategy_discussion_on") {
        None => None,
        Some(t) => match parse_date(&t) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.add("strategy_discussion_on", e.message);
                None
            }
        },
    };
    let body = conference::RequestInput {
        kind: Some(kind),
        children: sent
            .all("children")
            .into_iter()
            .map(|child_id| {
                let current_plan = PlanCategory::parse(sent.get(&format!("plan_{child_id}")));
                conference::RequestChild { child_id, current_plan }
            })
            .collect(),
        strategy_discussion_on: strategy,
        enquiry: EnquiryKind::parse(sent.get("enquiry")),
        harm_finding: HarmFinding::parse(sent.get("harm_finding")),
        transfer_notified_on: extra.transfer_notified_on,
        previous_conference_id: extra.previous_conference_id.clone(),
        reason: sent.get("reason").to_owned(),
        concerns: sent.all("concerns").iter().filter_map(|c| ConcernCategory::parse(c)).collect(),
        family_members: sent
            .all("family_members")
            .into_iter()
            .map(|adult_id| {
                let needs = super::arrange::request_needs(&sent, &adult_id);
                conference::RequestFamilyMember { adult_id, needs }
            })
            .collect(),
        professionals: sent.all("professionals"),
    };
    if errors.is_empty() {
        match conference::request(&state.ops, &ctx.actor, &family_id, body, extra.transfer.clone()).await {
            Ok(made) => {
                return Ok(Redirect::to(&format!("/conferences/{}?done=request", made.id)).into_response());
            }
            Err(OpsError::Refused(e)) => errors.add(request_field(&e), e.to_string()),
            Err(OpsError::Invalid { field: "previous_conference_id", message }) => {
                errors.add("previous_conference_id", message)
            }
            // (The form's list of children is where the summary's link goes for the rest.)
            Err(OpsError::Invalid { message, .. }) => errors.add("children", message),
            Err(e) => return Err(to_app(e)),
        }
    }
    let kept = Kept { form: "request".into(), sent };
    request_page(&state, &ctx, &family_id, errors, &kept, kind).await
}

pub use super::conference::copy::copy;
pub use super::conference::lists::{chair, list, Row};
pub use super::conference::request_form::{request_form, request_page};
pub use super::conference::rows::{invitation_rows, state_tag, time_text, tracker, InvRow, Tracker};
pub use super::conference::summary::{conference_page, show, DoneQuery};

/// A copy of the record that was sent, as the record page lists it (MIN-03).
pub struct SentRow {
    pub number: usize,
    pub recipient: String,
    pub version: u32,
    pub on: String,
    pub late: bool,
}

// ---------------------------------------------------------------- the coordinator's forms

/// The schedule form read into the operation's input.
fn schedule_input(sent: &Sent) -> Result<conference::ScheduleInput, Problem> {
    let date = match sent.opt("date") {
        None => {
            return Err(Problem::Field(
                "date",
                "Enter the date of the conference, for example 2026-11-20 or 20/11/2026".into(),
            ))
        }
        Some(t) => parse_date(&t).map_err(|e| Problem::Field("date", e.message))?,
    };
    let Some(chair_id) = sent.opt("chair_id") else {
        return Err(Problem::Field("chair_id", "Select the chair".into()));
    };
    let delay = match (sent.opt("delay_kind"), sent.opt("delay_detail")) {
        (None, None) => None,
        (kind, detail) => {
            let kind = match kind {
                None => DelayReasonKind::Other,
                Some(k) => DelayReasonKind::parse(&k).ok_or_else(|| {
                    Problem::Field("delay_kind", "Select a reason for the delay from the list".into())
                })?,
            };
            Some(conference::DelayDto { kind, detail: detail.unwrap_or_default() })
        }
    };
    Ok(conference::ScheduleInput {
        date,
        time: sent.get("time").to_owned(),
        venue: sent.opt("venue"),
        video_link: sent.opt("video_link"),
        chair_id,
        note_taker_id: sent.opt("note_taker_id"),
        delay,
        // Clashes are refused and named unless the coordinator ticks the box to keep the time.
        keep_clashes: sent.get("accept_clashes") == "yes",
    })
}

type Fields = Form<Vec<(String, String)>>;

pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = match schedule_input(&sent) {
        Ok(b) => done(conference::schedule(&state.ops, &ctx.actor, &id, v, b).await),
        Err(p) => Err(p),
    };
    finish(&state, &ctx, &id, Home::Conference, "schedule", "date", sent, r).await
}

pub async fn reschedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = match schedule_input(&sent) {
        Ok(slot) => {
            let b = conference::RescheduleInput { slot, reason: sent.get("reason").to_owned() };
            done(conference::reschedule(&state.ops, &ctx.actor, &id, v, b).await)
        }
        Err(p) => Err(p),
    };
    finish(&state, &ctx, &id, Home::Conference, "reschedule", "reason", sent, r).await
}

pub async fn invite(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let invitee = match person_of(sent.get("invitee")) {
            Some(Person::FamilyMember(adult)) => conference::InviteeDto::FamilyMember { adult_id: adult.0 },
            Some(Person::Professional(pro)) => conference::InviteeDto::Professional { professional_id: pro.0 },
            Some(Person::Child(child)) => conference::InviteeDto::Child {
                child_id: child.0,
                wishes_to_attend: sent.yes("wishes_to_attend"),
                judged_appropriate: sent.yes("judged_appropriate"),
                parent_agreement: sent.opt("parent_agreement"),
            },
            None => return Err(Problem::Field("invitee", "Select who to invite".into())),
        };
        done(conference::invite(&state.ops, &ctx.actor, &id, v, conference::InviteInput { invitee }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "invite", "invitee", sent, r).await
}

pub async fn answer(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::AnswerInvitation, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Ok(number) = sent.get("invitation").parse::<u32>() else {
            return Err(Problem::Field("invitation", "Select whose answer this is".into()));
        };
        let answer = match sent.get("answer") {
            "in-person" => Answer::InPerson,
            "remote" => Answer::Remote,
            "report-only" => Answer::ReportOnly,
            "declined" => Answer::Declined { reason: sent.get("reason").to_owned() },
            _ => return Err(Problem::Field("answer", "Select their answer".into())),
        };
        let b = conference::AnswerInput { answer };
        done(conference::answer_invitation(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "answer", "invitation", sent, r).await
}

pub async fn pre_meeting(
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
        let outcome = match sent.get("outcome") {
            "held" => {
                let mode = PreMeetingMode::parse(sent.get("mode"))
                    .ok_or_else(|| Problem::Field("mode", "Select how you met them".into()))?;
                let on = date_field(&sent, "on")?.unwrap_or_else(|| state.ops.clock.today());
                PreMeetingOutcome::Held { mode, on }
            }
            "not-held" => PreMeetingOutcome::NotHeld { reason: sent.get("reason").to_owned() },
            _ => return Err(Problem::Field("outcome", "Select whether the pre-meeting happened".into())),
        };
        let b = conference::PreMeetingInput { adult_id, outcome };
        done(conference::pre_meeting(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "pre-meeting", "adult_id", sent, r).await
}

// ---------------------------------------------------------------- the record (MIN-*)

pub async fn draft_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::RecordMeeting, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let b = conference::DraftInput { sections: None };
    let r = done(conference::draft_record(&state.ops, &ctx.actor, &id, v, b).await);
    finish(&state, &ctx, &id, Home::Record, "draft", "draft", sent, r).await
}

pub async fn approve_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = done(conference::approve_record(&state.ops, &ctx.actor, &id, v).await);
    finish(&state, &ctx, &id, Home::Record, "approve", "approve", sent, r).await
}

pub async fn distribute_record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ArrangeConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let recipient = match person_of(sent.get("recipient")) {
            Some(Person::FamilyMember(x)) => Recipient::FamilyMember(x),
            Some(Person::Professional(x)) => Recipient::Professional(x),
            Some(Person::Child(x)) => Recipient::Child(x),
            None => return Err(Problem::Field("recipient", "Select who to send the record to".into())),
        };
        let language = Some(DocumentLanguage::parse(sent.get("language")).unwrap_or(DocumentLanguage::English));
        let b = conference::DistributeInput { recipient, language };
        done(conference::distribute_record(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Record, "distribute", "recipient", sent, r).await
}

// ---------------------------------------------------------------- exclusion and views

/// EXC-01..03: the chair excludes a parent or carer from the whole conference or a part.
pub async fn exclude(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(adult) = sent.opt("adult_id") else {
            return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
        };
        let scope = match sent.get("scope") {
            "whole" => ExclusionScope::Whole,
            "part" => ExclusionScope::Part {
                // EXC-03: chosen from the agenda's parts, never typed.
                part: Part::chosen(sent.get("part")).ok_or_else(|| {
                    Problem::Field("part", "Choose the part of the conference they are excluded from".into())
                })?,
                kind: ExcludedPartKind::parse(sent.get("part_kind")).unwrap_or(ExcludedPartKind::Other),
                will_see: sent.get("will_see").trim().to_owned(),
                will_not_see: sent.get("will_not_see").trim().to_owned(),
            },
            _ => return Err(Problem::Field("scope", "Select whether it is the whole conference or a part".into())),
        };
        let decision = ExclusionDecision {
            adult_id: AdultId(adult),
            scope,
            reasons: sent.all("reasons").iter().filter_map(|r| ExclusionReason::parse(r)).collect(),
            detail: sent.get("detail").to_owned(),
            rests_on_police_information: sent.yes("police"),
            views_by: sent.all("views_by").iter().filter_map(|r| ViewsRoute::parse(r)).collect(),
        };
        done(conference::exclude(&state.ops, &ctx.actor, &id, v, conference::ExcludeInput { decision }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "exclude", "adult_id", sent, r).await
}

/// INV-06/07, CHILD-02/03: a parent's or child's views, how they were obtained and by whom.
pub async fn record_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::GatherViews, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = async {
        let Some(whose) = person_of(sent.get("whose")) else {
            return Err(Problem::Field("whose", "Select whose views these are".into()));
        };
        let form = ViewsForm::parse(sent.get("form"))
            .ok_or_else(|| Problem::Field("form", "Select how the views were given".into()))?;
        let obtained_on = date_field(&sent, "obtained_on")?.unwrap_or_else(|| state.ops.clock.today());
        let views = ViewsGiven {
            whose,
            form,
            summary: sent.get("summary").to_owned(),
            how_obtained: sent.get("how_obtained").to_owned(),
            obtained_by: sent.get("obtained_by").to_owned(),
            obtained_on,
            supported_by: None,
        };
        done(conference::record_views(&state.ops, &ctx.actor, &id, v, conference::ViewsInput { views }).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "views", "whose", sent, r).await
}
