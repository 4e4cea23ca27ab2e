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

use crate::api_conferences::{self as ac, Allowed, Rules};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Days, NaiveDate};
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::conference::*;
use confer_domain::validate::{parse_date, FormErrors};
use confer_domain::{AdultId, ChildId, ProfessionalId, Role, UserId};
use confer_ops::conference;
use confer_ops::OpsError;
use confer_store::conferences::{self, Change, ConferenceRow, Stored};
use confer_store::families;
use serde::Deserialize;
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

/// After a form: on success back to its page with a notice; on a refusal or a conflict its
/// page again with the reason in the error summary and what was typed kept.
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
    let mut status = StatusCode::OK;
    match result {
        Ok(()) => return Ok(Redirect::to(&format!("{}?done={form}", home.path(id))).into_response()),
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => {
            status = StatusCode::CONFLICT;
            errors.add(&format!("{form}-{field}"), CONFLICT);
        }
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
        Home::Conference => conference_page(state, ctx, id, errors, &kept, None).await?,
        Home::Meeting => super::meeting::meeting_page(state, ctx, id, errors, &kept, None).await?,
        Home::Record => super::record::record_page(state, ctx, id, errors, &kept, None).await?,
    };
    Ok((status, res).into_response())
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

pub fn time_text(c: &Conference) -> String {
    c.slot().map(|s| s.time.format("%H:%M").to_string()).unwrap_or_default()
}

pub fn state_tag(state: ConferenceState) -> &'static str {
    match state {
        ConferenceState::Requested => "govuk-tag--yellow",
        ConferenceState::Scheduled => "govuk-tag--blue",
        ConferenceState::InProgress => "govuk-tag--purple",
        ConferenceState::Closed => "govuk-tag--green",
        ConferenceState::Cancelled => "govuk-tag--grey",
    }
}

/// An invitation in words: who, as what, and their answer (INV-04).
pub struct InvRow {
    pub number: u32,
    pub who: String,
    pub as_what: String,
    pub invited_on: String,
    pub answer: String,
    pub answered: bool,
}

pub fn invitation_rows(c: &Conference) -> Vec<InvRow> {
    c.invitations()
        .iter()
        .map(|i| {
            let (who, as_what) = match &i.invitee {
                Invitee::FamilyMember { adult_id } => {
                    let m = c.family_members().iter().find(|m| &m.adult_id == adult_id);
                    (
                        c.name_of(&Person::FamilyMember(adult_id.clone())),
                        m.map(|m| format!("Family: {}", m.relationship.label())).unwrap_or_else(|| "Family".into()),
                    )
                }
                Invitee::Professional { professional_id } => {
                    let p = c.professionals().iter().find(|p| &p.professional_id == professional_id);
                    (
                        c.name_of(&Person::Professional(professional_id.clone())),
                        p.map(|p| format!("Professional: {}", p.agency_name)).unwrap_or_else(|| "Professional".into()),
                    )
                }
                Invitee::Child { child_id, .. } => (c.name_of(&Person::Child(child_id.clone())), "Child".into()),
                Invitee::Supporter(s) => (s.name.clone(), format!("{} for {}", s.kind.label(), c.name_of(&s.supports))),
            };
            let answer = match &i.answer {
                None => "No answer yet".to_owned(),
                Some(Answer::InPerson) => "Attending in person".to_owned(),
                Some(Answer::Remote) => "Attending remotely".to_owned(),
                Some(Answer::ReportOnly) => "Sending a report or views only".to_owned(),
                Some(Answer::Declined { reason }) => format!("Declined: {reason}"),
            };
            InvRow {
                number: i.id.0,
                who,
                as_what,
                invited_on: view::long_date(&i.invited_on),
                answer,
                answered: i.answer.is_some(),
            }
        })
        .collect()
}

/// Where the invitations stand, for the coordinator's list (INV-04).
pub struct Tracker {
    pub invited: usize,
    pub attending: usize,
    pub not_attending: usize,
    pub no_answer: usize,
}

pub fn tracker(c: &Conference) -> Tracker {
    let inv = c.invitations();
    Tracker {
        invited: inv.len(),
        attending: inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| a.attends())).count(),
        not_attending: inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| !a.attends())).count(),
        no_answer: inv.iter().filter(|i| i.answer.is_none()).count(),
    }
}

// ---------------------------------------------------------------- lists

/// A conference as a row of a list.
pub struct Row {
    pub id: String,
    pub date: String,
    pub time: String,
    pub family: String,
    pub kind: String,
    pub state: String,
    pub state_tag: &'static str,
    pub children: String,
    pub due_by: String,
    pub late: bool,
    pub tracker: Option<Tracker>,
    pub record_due: String,
    pub record_overdue: bool,
}

fn row_of(r: &ConferenceRow, c: Option<&Conference>, today: NaiveDate) -> Row {
    let kind = c.map(|c| c.kind().label()).or_else(|| ConferenceKind::parse(&r.kind).map(|k| k.label())).unwrap_or("");
    let state = ConferenceState::parse(&r.state).unwrap_or(ConferenceState::Requested);
    Row {
        id: r.id.clone(),
        date: r.date.as_ref().map(view::long_date).unwrap_or_else(|| "Not yet scheduled".into()),
        time: c.map(time_text).unwrap_or_default(),
        family: r.family_name.clone(),
        kind: kind.to_owned(),
        state: state.label().to_owned(),
        state_tag: state_tag(state),
        children: c
            .map(|c| c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", "))
            .unwrap_or_else(|| r.children.to_string()),
        due_by: r.due_by.as_ref().map(view::long_date).unwrap_or_default(),
        late: match (r.date, r.due_by) {
            (Some(d), Some(due)) => d > due,
            (None, Some(due)) => today > due,
            _ => false,
        },
        tracker: c.map(tracker),
        record_due: String::new(),
        record_overdue: false,
    }
}

async fn rows_with_docs(state: &SharedState, rows: &[ConferenceRow], today: NaiveDate) -> Result<Vec<Row>, AppError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let docs = conferences::load_many(&state.db, &ids).await?;
    Ok(rows.iter().map(|r| row_of(r, docs.get(&r.id).map(|s| &s.conference), today)).collect())
}

#[derive(Template)]
#[template(path = "conferences_chair.html")]
struct ChairPage<'a> {
    page: &'a Page,
    groups: Vec<(&'static str, Vec<Row>)>,
    records: Vec<Row>,
    today_text: String,
}

/// The chair's dashboard: today, this week, later, and records to approve (MIN-02/03).
pub async fn chair(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Your conferences", "/conferences/chair");
    let today = state.settings.clock.today();
    let me = &ctx.actor.user_id;
    let week_end = today.checked_add_days(Days::new(7)).unwrap_or(today);
    let later = today.checked_add_days(Days::new(90)).unwrap_or(today);
    let soon = conferences::chaired_between(&state.db, me, today, later).await?;
    let all = rows_with_docs(&state, &soon, today).await?;
    let (mut today_rows, mut week, mut upcoming) = (Vec::new(), Vec::new(), Vec::new());
    for (row, r) in all.into_iter().zip(soon.iter()) {
        match r.date {
            Some(d) if d == today => today_rows.push(row),
            Some(d) if d < week_end => week.push(row),
            _ => upcoming.push(row),
        }
    }
    // Closed conferences of the last year whose record is not approved yet.
    let rules = Rules::load(&state, &ctx.actor.authority_id).await.map_err(to_app)?;
    let year_ago = today.checked_sub_days(Days::new(366)).unwrap_or(today);
    let past = conferences::chaired_records_to_approve(&state.db, me, year_ago, today).await?;
    // One read event naming every family this list shows (issue 10).
    let listed: Vec<&str> = soon.iter().chain(past.iter().map(|(r, _)| r)).map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "conferences.chair",
        &listed,
    )
    .await?;
    let mut records = Vec::new();
    for (r, stored) in &past {
        let c = &stored.conference;
        let mut row = row_of(r, Some(c), today);
        if let Some(due) = c.date().and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar)) {
            row.record_due = view::long_date(&due);
            row.record_overdue = today > due;
        }
        row.state =
            if c.record().draft.is_some() { "Draft ready to approve".into() } else { "Draft not written yet".into() };
        records.push(row);
    }
    records.sort_by_key(|r| !r.record_overdue);
    Ok(view::render(&ChairPage {
        page: &page,
        groups: vec![("Today", today_rows), ("Later this week", week), ("Coming up", upcoming)],
        records,
        today_text: view::long_date(&today),
    }))
}

#[derive(Template)]
#[template(path = "conferences_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    requested: Vec<Row>,
    groups: Vec<(&'static str, Vec<Row>)>,
}

/// The coordinator's list: requests waiting to be scheduled (most urgent first), and the
/// conferences coming up with where their invitations stand (INV-04).
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Conferences", "/conferences");
    let today = state.settings.clock.today();
    // The most urgent requests first; at national scale a page shows the first 100.
    let mut requested = conferences::waiting_to_be_scheduled(&state.db, &ctx.actor.authority_id).await?;
    requested.truncate(100);
    let filter =
        |s: ConferenceState| conferences::Filter { state: Some(s), from: Some(today), to: None, limit: 100, offset: 0 };
    let upcoming = conferences::list(&state.db, &ctx.actor.authority_id, &filter(ConferenceState::Scheduled)).await?;
    let live = conferences::list(
        &state.db,
        &ctx.actor.authority_id,
        &conferences::Filter { from: None, ..filter(ConferenceState::InProgress) },
    )
    .await?;
    // One read event naming every family this list shows (issue 10).
    let listed: Vec<&str> = requested.iter().chain(&upcoming).chain(&live).map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "conferences",
        &listed,
    )
    .await?;
    let requested = rows_with_docs(&state, &requested, today).await?;
    let upcoming = rows_with_docs(&state, &upcoming, today).await?;
    let live = rows_with_docs(&state, &live, today).await?;
    Ok(view::render(&ListPage { page: &page, requested, groups: vec![("Coming up", upcoming), ("In progress", live)] }))
}

// ---------------------------------------------------------------- the request (S47-01)

#[derive(Template)]
#[template(path = "conference_request.html")]
struct RequestPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    family_name: &'a str,
    children: Vec<Opt>,
    radio_groups: Vec<(&'static str, &'static str, Vec<Opt>)>,
    check_groups: Vec<(&'static str, &'static str, &'static str, Vec<Opt>)>,
    kept: &'a Kept,
    /// The kind chosen, and what each kind asks for (pages/arrange.rs).
    kind: super::arrange::RequestKind,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

async fn request_page(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    errors: FormErrors,
    kept: &Kept,
    kind: ConferenceKind,
) -> Result<Response, AppError> {
    let record = families::family_record(&state.db, family_id).await?;
    // ROLE-11: the form shows the family's children and adults: a read of their record.
    families::log_read(
        &state.db,
        &ctx.actor.authority_id,
        &ctx.actor.user_id,
        family_id,
        "conference.request-form.read",
    )
    .await?;
    let kind = super::arrange::request_kind(state, &record, kind).await?;
    let mut page = ctx.page(&format!("Request a conference for the {}", record.family.name), "/families");
    page.errors = errors;
    let children = record
        .children
        .iter()
        .map(|c| {
            let born = match c.birth {
                confer_domain::Birth::Born(d) => format!("born {}", view::long_date(&d)),
                confer_domain::Birth::Unborn { expected } => format!("unborn, expected {}", view::long_date(&expected)),
            };
            Opt::new(c.id.as_str(), format!("{} {} ({born})", c.given_name, c.family_name))
        })
        .collect();
    let adults: Vec<Opt> = record
        .adults
        .iter()
        .map(|a| {
            let rels: Vec<String> = record
                .relationships
                .iter()
                .filter(|r| r.adult_id == a.id)
                .map(|r| {
                    let child = record
                        .children
                        .iter()
                        .find(|c| c.id == r.child_id)
                        .map(|c| c.given_name.as_str())
                        .unwrap_or("");
                    format!("{} of {child}", r.kind.label())
                })
                .collect();
            let rel = if rels.is_empty() { String::new() } else { format!(" ({})", rels.join(", ")) };
            Opt::new(a.id.as_str(), format!("{} {}{rel}", a.given_name, a.family_name))
        })
        .collect();
    let professionals: Vec<Opt> = record
        .professionals
        .iter()
        .map(|(p, a)| Opt::new(p.id.as_str(), format!("{}, {} ({})", p.name, p.job_title, a.name)))
        .collect();
    Ok(view::render(&RequestPage {
        page: &page,
        family_id,
        family_name: &record.family.name,
        children,
        radio_groups: vec![
            ("enquiry", "Which enquiry led to the request", opts(EnquiryKind::ALL, |e| (e.as_str(), e.label()))),
            ("harm_finding", "What the enquiry found", opts(HarmFinding::ALL, |e| (e.as_str(), e.label()))),
        ],
        check_groups: vec![
            (
                "concerns",
                "Categories of concern",
                "Select all that apply.",
                opts(ConcernCategory::ALL, |e| (e.as_str(), e.label())),
            ),
            (
                "family_members",
                "Family members involved",
                "Select the parents, carers and other adults to take part.",
                adults,
            ),
            (
                "professionals",
                "Professionals involved",
                "Select the professionals working with the children and family.",
                professionals,
            ),
        ],
        kept,
        kind,
    }))
}

pub async fn request_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<super::arrange::KindQuery>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::RequestConference, &family_id).await?;
    let kind = q.kind.as_deref().and_then(ConferenceKind::parse).unwrap_or(ConferenceKind::Initial);
    request_page(&state, &ctx, &family_id, FormErrors::default(), &Kept::default(), kind).await
}

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

// ---------------------------------------------------------------- the conference page

/// The record of a conference as the page shows it (MIN-01..03).
pub struct RecordView {
    pub status: String,
    pub draft: Vec<RecordSection>,
    pub latest: Vec<RecordSection>,
    pub latest_number: u32,
    pub sent: Vec<SentRow>,
    pub due_by: String,
}

pub struct SentRow {
    pub number: usize,
    pub recipient: String,
    pub version: u32,
    pub on: String,
    pub late: bool,
}

pub struct ReportRow {
    pub number: u32,
    pub author: String,
    pub submitted_on: String,
    pub parts: String,
    pub shared_with: String,
    pub late_to_chair: bool,
}

/// Who may do what on this page (only to show the forms; the domain decides each step).
pub struct May {
    pub arrange: bool,
    pub chair: bool,
    pub record: bool,
    pub answer: bool,
    pub views: bool,
}

#[derive(Template)]
#[template(path = "conference.html")]
struct ConferencePage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    c: &'a Conference,
    family_name: String,
    /// Other conferences that day with the same chair, room or social worker (in words).
    clashes: Vec<String>,
    summary: Vec<(String, String)>,
    late: bool,
    checks: Vec<String>,
    invitations: Vec<InvRow>,
    reports: Vec<ReportRow>,
    views: Vec<(String, String, String)>,
    exclusions: Vec<(String, String)>,
    pre_meetings: Vec<(String, String)>,
    may: May,
    kept: &'a Kept,
    chairs: Vec<Opt>,
    note_takers: Vec<Opt>,
    to_invite: Vec<Opt>,
    unanswered: Vec<Opt>,
    parents: Vec<Opt>,
    recipients: Vec<Opt>,
    delay_reasons: Vec<Opt>,
    modes: Vec<Opt>,
    answers: Vec<Opt>,
    pm_outcomes: Vec<Opt>,
    languages: Vec<Opt>,
    exclusion_reasons: Vec<Opt>,
    part_kinds: Vec<Opt>,
    agenda_parts: Vec<Opt>,
    views_routes: Vec<Opt>,
    scopes: Vec<Opt>,
    views_forms: Vec<Opt>,
    whose: Vec<Opt>,
    /// "schedule" for a request, "reschedule" for a scheduled conference.
    slot_form: &'static str,
    slot_open: bool,
    state_tag: &'static str,
    meeting_open: bool,
    record: RecordView,
    default_chair: String,
    default_date: String,
    default_time: String,
    default_venue: String,
    default_link: String,
    /// The steps before the meeting (pages/arrange.rs).
    arrange: super::arrange::ArrangeView,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: Option<String>,
}

fn notice_for(done: &str, c: &Conference) -> Option<String> {
    Some(match done {
        "request" => {
            let rule = match c.kind() {
                ConferenceKind::Initial => "TIME-01",
                ConferenceKind::TransferIn => "TIME-02",
                ConferenceKind::PreBirth => "TIME-01, TIME-03",
                ConferenceKind::Review => "REV-01",
            };
            format!("The conference has been requested. It must be held by {} ({rule}).", view::long_date(&c.due_by()))
        }
        "schedule" => "The conference has been scheduled.".into(),
        "reschedule" => "The conference has been moved.".into(),
        "invite" => "The invitation has been recorded.".into(),
        "answer" => "The answer has been recorded.".into(),
        "pre-meeting" => "The pre-meeting has been recorded.".into(),
        "exclude" => "The exclusion has been recorded. Tell them the reasons before the conference.".into(),
        "views" => "The views have been recorded.".into(),
        "draft" => "The draft record has been written from the meeting.".into(),
        "approve" => "The record has been approved.".into(),
        "distribute" => "The record has been sent.".into(),
        _ => return None,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    conference_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

pub async fn conference_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::ViewConference, id).await?;
    let Stored { conference: c, version, note_taker } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let (names, accounts) = user_names(state, ctx).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let today = state.settings.clock.today();
    let name = |u: &UserId| names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());

    let mut summary: Vec<(String, String)> = vec![
        ("Kind".into(), c.kind().label().into()),
        ("Children".into(), c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", ")),
        ("Reason".into(), c.reason().into()),
        ("Concerns".into(), c.concerns().iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(d) = c.strategy_discussion_on() {
        summary.push(("Strategy discussion".into(), view::long_date(&d)));
    }
    summary.push((
        "Requested".into(),
        format!("by {} on {}", name(c.requested_by()), crate::uk_time::long_date(&c.requested_at())),
    ));
    summary.push(("Social worker".into(), name(c.allocated_worker())));
    summary.push(("Must be held by".into(), view::long_date(&c.due_by())));
    if let Some(s) = c.slot() {
        summary.push(("Date and time".into(), format!("{} at {}", view::long_date(&s.date), s.time.format("%H:%M"))));
        if let Some(v) = s.venue.as_deref().filter(|v| !v.trim().is_empty()) {
            summary.push(("Venue".into(), v.into()));
        }
        if let Some(v) = s.video_link.as_deref().filter(|v| !v.trim().is_empty()) {
            summary.push(("Video link".into(), v.into()));
        }
        summary.push(("Chair".into(), name(&s.chair)));
    } else {
        summary.push(("Date and time".into(), "Not yet scheduled".into()));
    }
    if let Some(n) = &note_taker {
        summary.push(("Note taker".into(), name(n)));
    }
    if let Some(d) = c.delay() {
        summary.push(("Reason for the delay".into(), format!("{}: {}", d.kind.label(), d.detail)));
    }
    if let Some(x) = c.cancellation() {
        summary.push(("Cancelled".into(), format!("{} ({})", crate::uk_time::long_date(&x.at), x.reason)));
    }
    let late = c.is_late() || (c.date().is_none() && today > c.due_by());

    let reports = c
        .reports()
        .iter()
        .map(|r| {
            let shared: Vec<String> = c
                .report_log()
                .iter()
                .filter(|s| s.report == r.id)
                .map(|s| format!("{} on {}", recipient_name(&c, &s.recipient, &names), view::long_date(&s.on)))
                .collect();
            ReportRow {
                number: r.id.0,
                author: c.name_of(&Person::Professional(r.author.clone())),
                submitted_on: view::long_date(&r.submitted_on),
                parts: r
                    .parts
                    .iter()
                    .map(|p| match p.restricted {
                        Some(why) => format!("{} (restricted: {})", p.heading, why.label().to_lowercase()),
                        None => p.heading.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                shared_with: if shared.is_empty() { "Not shared yet".into() } else { shared.join("; ") },
                late_to_chair: r.late_to_chair(),
            }
        })
        .collect();
    let views = c
        .views()
        .iter()
        .map(|v| {
            (
                c.name_of(&v.given.whose),
                format!(
                    "{}, obtained by {} on {}",
                    v.given.form.label(),
                    v.given.obtained_by,
                    view::long_date(&v.given.obtained_on)
                ),
                v.given.summary.clone(),
            )
        })
        .collect();
    let exclusions = c
        .exclusions()
        .iter()
        .map(|e| {
            let scope = match &e.decision.scope {
                ExclusionScope::Whole => "The whole conference".to_owned(),
                ExclusionScope::Part { part, .. } => format!("The part \"{part}\""),
            };
            let reasons = e.decision.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("; ");
            let told = match &e.told {
                Some(t) => format!("Told {} on {}.", t.how.label().to_lowercase(), view::long_date(&t.on)),
                None => "Not told yet.".into(),
            };
            (c.name_of(&Person::FamilyMember(e.decision.adult_id.clone())), format!("{scope}. {reasons}. {told}"))
        })
        .collect();
    let pre_meetings = c
        .pre_meetings()
        .iter()
        .map(|p| {
            let what = match &p.outcome {
                PreMeetingOutcome::Held { mode, on } => {
                    format!("Held {} on {}", mode.label().to_lowercase(), view::long_date(on))
                }
                PreMeetingOutcome::NotHeld { reason } => format!("Not held: {reason}"),
            };
            (c.name_of(&Person::FamilyMember(p.adult_id.clone())), what)
        })
        .collect();

    let chairs = accounts
        .iter()
        .filter(|u| u.roles.contains(&Role::Chair) && !u.disabled)
        .map(|u| Opt::new(u.id.as_str(), u.display_name.clone()))
        .collect();
    let note_takers = accounts
        .iter()
        .filter(|u| u.roles.contains(&Role::NoteTaker) && !u.disabled)
        .map(|u| Opt::new(u.id.as_str(), u.display_name.clone()))
        .collect();
    let to_invite = people_opts(&c, true, true, true)
        .into_iter()
        .filter(|o| person_of(&o.value).is_none_or(|p| c.invitation_of(&p).is_none()))
        .collect();
    let unanswered = invitation_rows(&c)
        .into_iter()
        .filter(|r| !r.answered)
        .map(|r| Opt::new(r.number.to_string(), format!("{} ({})", r.who, r.as_what)))
        .collect();
    let parents = c
        .family_members()
        .iter()
        .filter(|m| m.is_parent_or_carer())
        .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
        .collect();
    let recipients = people_opts(&c, true, true, true);

    let rec = c.record();
    let record_view = RecordView {
        status: match (rec.latest(), &rec.draft) {
            (Some(v), _) => format!(
                "Version {} approved by {} on {}",
                v.number,
                name(&v.approved_by),
                crate::uk_time::long_date(&v.approved_at)
            ),
            (None, Some(d)) => format!("Draft written by {}, waiting for the chair's approval", name(&d.written_by)),
            (None, None) => "Not written yet".into(),
        },
        draft: rec.draft.as_ref().map(|d| d.sections.clone()).unwrap_or_default(),
        latest: rec.latest().map(|v| v.sections.clone()).unwrap_or_default(),
        latest_number: rec.latest().map(|v| v.number).unwrap_or(0),
        sent: rec
            .distribution
            .iter()
            .enumerate()
            .map(|(i, s)| SentRow {
                number: i + 1,
                recipient: recipient_name(&c, &s.recipient, &names),
                version: s.version,
                on: view::long_date(&s.on),
                late: s.late,
            })
            .collect(),
        due_by: c
            .date()
            .and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar))
            .map(|d| view::long_date(&d))
            .unwrap_or_default(),
    };
    let slot = c.slot();
    let default_chair =
        slot.map(|s| s.chair.to_string()).or_else(|| c.suggested_chair().map(|u| u.to_string())).unwrap_or_default();
    let mut page = ctx.page(&format!("{} for the {}", c.kind().label(), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(|d| notice_for(d, &c).or_else(|| super::arrange::notice_for(d)));
    // (The family's children, for adding one to the conference.)
    let record = families::family_record(&state.db, a.owner.family_id.as_str()).await?;
    let arrange = super::arrange::view(ctx, &a, &c, &rules, &record, &names, today);
    let may_ = May {
        arrange: may(ctx, &a, Action::ArrangeConference),
        chair: may(ctx, &a, Action::ChairConference),
        record: may(ctx, &a, Action::RecordMeeting),
        answer: may(ctx, &a, Action::ArrangeConference),
        views: may(ctx, &a, Action::GatherViews),
    };
    let clashes = match (c.state(), c.slot()) {
        (ConferenceState::Scheduled, Some(slot)) => {
            ac::clashes_of(state, &ctx.actor, &c, slot).await?.into_iter().map(|k| k.message).collect()
        }
        _ => Vec::new(),
    };
    Ok(view::render(&ConferencePage {
        page: &page,
        id,
        version,
        family_name: a.owner.family_name.clone(),
        clashes,
        summary,
        late,
        checks: c.checks().iter().map(|k| c.describe_check(k)).filter(|s| !s.is_empty()).collect(),
        invitations: invitation_rows(&c),
        reports,
        views,
        exclusions,
        pre_meetings,
        may: may_,
        kept,
        chairs,
        note_takers,
        to_invite,
        unanswered,
        parents,
        recipients,
        delay_reasons: opts(DelayReasonKind::ALL, |e| (e.as_str(), e.label())),
        modes: opts(PreMeetingMode::ALL, |e| (e.as_str(), e.label())),
        answers: vec![
            Opt::new("in-person", "Attending in person"),
            Opt::new("remote", "Attending remotely"),
            Opt::new("report-only", "Sending a report or views only"),
            Opt::new("declined", "Declined (give the reason)"),
        ],
        pm_outcomes: vec![
            Opt::new("held", "The pre-meeting happened"),
            Opt::new("not-held", "It did not happen (give the reason)"),
        ],
        languages: vec![Opt::new("en", "English"), Opt::new("cy", "Welsh (Cymraeg)")],
        exclusion_reasons: opts(ExclusionReason::ALL, |e| (e.as_str(), e.label())),
        part_kinds: opts(ExcludedPartKind::ALL, |e| (e.as_str(), e.label())),
        agenda_parts: agenda_part_opts(),
        views_routes: opts(ViewsRoute::ALL, |e| (e.as_str(), e.label())),
        scopes: vec![
            Opt::new("whole", "The whole conference"),
            Opt::new("part", "One part of it (choose the part below)"),
        ],
        views_forms: opts(ViewsForm::ALL, |e| (e.as_str(), e.label())),
        whose: people_opts(&c, true, false, true),
        slot_form: if c.state() == ConferenceState::Requested { "schedule" } else { "reschedule" },
        slot_open: matches!(c.state(), ConferenceState::Requested | ConferenceState::Scheduled),
        state_tag: state_tag(c.state()),
        meeting_open: matches!(
            c.state(),
            ConferenceState::Scheduled | ConferenceState::InProgress | ConferenceState::Closed
        ),
        record: record_view,
        default_chair,
        default_date: slot.map(|s| s.date.to_string()).unwrap_or_default(),
        default_time: slot.map(|s| s.time.format("%H:%M").to_string()).unwrap_or_else(|| "10:00".into()),
        default_venue: slot.and_then(|s| s.venue.clone()).unwrap_or_default(),
        default_link: slot.and_then(|s| s.video_link.clone()).unwrap_or_default(),
        arrange,
        c: &c,
    }))
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

#[derive(Template)]
#[template(path = "conference_copy.html")]
struct CopyPage<'a> {
    page: &'a Page,
    id: &'a str,
    recipient: String,
    version: u32,
    on: String,
    sections: Vec<RecordSection>,
    withheld: bool,
    confidentiality: Option<&'static str>,
}

/// The copy one recipient was sent (EXC-06, REP-03, MEET-04): the version sent, with what
/// they may not see removed by the domain's redaction.
pub async fn copy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let a = allow(&state, &ctx, Action::ViewConference, &id).await?;
    let stored = conferences::load(&state.db, &id).await?;
    let c = &stored.conference;
    // ROLE-11: reading a recipient's copy of the record is a read of the family's record.
    conferences::log_read_as(
        &state.db,
        &a.owner.authority_id,
        &ctx.actor.user_id,
        a.owner.family_id.as_str(),
        &id,
        "conference.record-copy.read",
    )
    .await?;
    let sent = number.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| c.record().distribution.get(i));
    let Some(sent) = sent else {
        // Nothing sent under that number (yet): the record page's log of what was sent.
        return Ok(Redirect::to(&format!("/conferences/{id}/record#distribution")).into_response());
    };
    let Some(version) = c.record().versions.iter().find(|v| v.number == sent.version) else {
        return Err(AppError::NotFound);
    };
    let visibility = c.visibility_for(&sent.recipient);
    let sections = redact(&version.sections, &visibility);
    let (names, _) = user_names(&state, &ctx).await?;
    let recipient = recipient_name(c, &sent.recipient, &names);
    let page = ctx.page(&format!("The record as sent to {recipient}"), "/conferences");
    Ok(view::render(&CopyPage {
        page: &page,
        id: &id,
        version: version.number,
        on: view::long_date(&sent.on),
        withheld: sections.len() < version.sections.len(),
        confidentiality: visibility.is_family().then(|| confidentiality_statement(DocumentLanguage::English)),
        sections,
        recipient,
    }))
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
