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

/// What every conference form handler starts with: the access policy asked about this
/// conference for the form's action (404 or 403 before anything is read), then the fields
/// and the version the form was made from.
pub async fn begin(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    fields: Vec<(String, String)>,
) -> Result<(Sent, i64), AppError> {
    allow(state, ctx, action, id).await?;
    let sent = Sent(fields);
    let v = sent.version()?;
    Ok((sent, v))
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
        ("decision", ConferenceError::ReporterReferralNeeded { .. }) => Some("reporter_referred"),
        ("decision", ConferenceError::ReporterReasonsNeeded { .. }) => Some("reporter_reasons"),
        ("format-met", ConferenceError::Missing { .. }) => Some("sent"),
        ("format-request", ConferenceError::NoLanguage) => Some("language"),
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
                (Home::Meeting, _) => super::meeting::after(id, form),
                (Home::Record, _) => super::record::after(id, form),
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
        Err(Problem::Ops(OpsError::Duplicate { message } | OpsError::Declined { message })) => {
            errors.add(&format!("{form}-{field}"), message)
        }
        Err(Problem::Ops(other)) => return Err(to_app(other)),
    }
    let kept = Kept { form: form.to_owned(), sent };
    let res = match home {
        // The task's own page, with the error and what was typed.
        Home::Conference => match super::conference::task_of_form(form) {
            Some(task) => super::conference::task_pages::task_page(state, ctx, id, task, errors, &kept, None).await?,
            None => conference_page(state, ctx, id, errors, None).await?,
        },
        // The meeting's and the record's task pages, likewise.
        Home::Meeting => super::meeting::refused(state, ctx, id, form, errors, &kept).await?,
        Home::Record => super::record::refused(state, ctx, id, form, errors, &kept).await?,
    };
    Ok((status, res).into_response())
}

/// The status a refused form's page answers with: the API's status for the same error (422 for
/// a field that could not be read or a refusal, 409 for a conflict or a wrong state, 403 where
/// the domain says this person may not), so the pages and the API never disagree.
pub fn problem_status<T>(result: &Result<T, Problem>) -> StatusCode {
    match result {
        Ok(_) => StatusCode::OK,
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
#[allow(clippy::type_complexity)]
pub async fn user_names(
    state: &SharedState,
    ctx: &Ctx,
) -> Result<(std::sync::Arc<BTreeMap<String, String>>, std::sync::Arc<Vec<confer_domain::UserAccount>>), AppError> {
    // Kept with the directory: a page no longer copies thousands of names and accounts.
    Ok(state.user_names(&ctx.actor.authority_id).await?)
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

pub use super::conference::forms::{
    answer, approve_record, distribute_record, draft_record, exclude, invite, pre_meeting, record_views, reschedule,
    schedule,
};
