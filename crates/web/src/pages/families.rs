//! Families: search, a family's record (every read is logged), editing a child's details
//! (a second editor's save is detected, never silently lost), and who read or changed it.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::audit::AuditEvent;
use confer_domain::{Birth, Child, NhsNumber};
use confer_store::families::{self, ChangeError, ChildChange, FamilyRecord, FamilySummary};
use serde::Deserialize;

pub const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "families.html")]
struct ListPage<'a> {
    page: &'a Page,
    q: &'a str,
    families: &'a [FamilySummary],
    page_number: i64,
    has_next: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
}

/// Whether the person reads across cases (so sees every family of the authority).
fn reads_across_cases(ctx: &Ctx) -> bool {
    confer_domain::access::across_cases(&ctx.actor, Action::ViewFamilyRecord)
}

pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = ctx.page("Families", "/families");
    let page_number =
        q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).filter(|p| *p >= 1 && *p < 1_000_000).unwrap_or(1);
    let workers = if reads_across_cases(&ctx) {
        None
    } else {
        Some(state.user_and_reports(&ctx.actor.authority_id, &ctx.actor.user_id).await?)
    };
    let mut rows = families::list_families_of(
        &state.db,
        &ctx.actor.authority_id,
        workers.as_deref().map(|w| (&ctx.actor.user_id, w)),
        &q.q,
        PAGE_SIZE + 1,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let listed: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    confer_store::audit::log_list_read(&state.db, ctx.actor.authority_id.as_str(), ctx.actor_id(), "families", &listed)
        .await?;
    Ok(view::render(&ListPage { page: &page, q: &q.q, families: &rows, page_number, has_next }))
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage<'a> {
    page: &'a Page,
    r: &'a FamilyRecord,
    can_edit: bool,
    can_audit: bool,
    today: chrono::NaiveDate,
    /// The case's deadlines (issue 5) and the form to record one met.
    deadlines: &'a [crate::pages::deadlines::DeadlineRow],
    can_record_met: bool,
    met_form: &'a crate::pages::deadlines::MetForm,
    late_reasons: &'static [confer_domain::timescales::LateReason],
    /// Issue 6: the family's conferences this person may see, and whether they may request one.
    can_request_conference: bool,
    conferences: Vec<(String, String)>,
    /// Issue 13: the children's plans, for those who may read them (link, words).
    plans: Vec<(String, String)>,
    /// The family portal: whether this person may give a family member portal access.
    can_give_portal_access: bool,
    /// RIGHT-01: records staff may log a subject access request for a person of the family.
    can_log_subject_access: bool,
    /// Issue 14: how each adult gets letters (id, name, how, asked for post, has an e-mail address).
    letters: Vec<LetterRoute>,
    /// Issue 14 (REP-04, LANG-02, LANG-03): the documents sent to the family's people, newest first.
    documents: Vec<DocumentRow>,
    /// RIGHT-02: the family's complaints with their outcomes; who may log one, who may open one.
    complaints: Vec<FamilyComplaint>,
    shows_complaints: bool,
    can_log_complaint: bool,
    can_view_complaints: bool,
}

/// A complaint as the family's page shows it.
pub struct FamilyComplaint {
    pub id: String,
    pub about: &'static str,
    pub received: String,
    pub stage: u8,
    pub status: &'static str,
    pub due: String,
    pub overdue: bool,
    pub outcome: String,
    pub conference_id: Option<String>,
}

/// How one adult of the family gets letters (issue 14).
pub struct LetterRoute {
    pub adult_id: String,
    pub name: String,
    pub how: &'static str,
    pub prefers_post: bool,
    pub has_email: bool,
}

/// One document of the documents log, in words.
pub struct DocumentRow {
    pub sent_on: String,
    pub what: String,
    pub to: String,
    pub how: String,
}

/// The documents log's words for what was sent and how.
fn document_row(d: &confer_store::documents_sent::Sent, r: &FamilyRecord) -> DocumentRow {
    let what = match d.kind.as_str() {
        "record-copy" => format!("Record of the conference, version {}", d.version),
        "outcome-letter" => "Outcome letter".to_owned(),
        "invitation-letter" => "Invitation letter".to_owned(),
        "cancellation-letter" => "Cancellation letter".to_owned(),
        "exclusion-letter" => "Exclusion letter".to_owned(),
        "core-group-notes" => "Notes of a core group meeting".to_owned(),
        "core-group-invitation" => "Invitation to a core group meeting".to_owned(),
        "core-group-moved" => "A core group meeting's new date, time or place".to_owned(),
        "core-group-cancellation" => "A core group meeting cancelled".to_owned(),
        "plan" => "Plan".to_owned(),
        "report" => "Report".to_owned(),
        "subject-access-bundle" => "Subject access bundle".to_owned(),
        other => other.to_owned(),
    };
    let to = match d.recipient.split_once(':') {
        Some(("family-member", id)) => r
            .adults
            .iter()
            .find(|a| a.id.as_str() == id)
            .map(|a| format!("{} {}", a.given_name, a.family_name))
            .unwrap_or_default(),
        Some(("child", id)) => {
            r.children.iter().find(|c| c.id.as_str() == id).map(|c| c.given_name.clone()).unwrap_or_default()
        }
        _ => String::new(),
    };
    let format = match (d.format.as_str(), d.print_size.as_str()) {
        ("pdf", "large") => "large print PDF".to_owned(),
        ("pdf", _) => "PDF".to_owned(),
        ("html", _) => "web page".to_owned(),
        ("translation", _) => format!("translation into {}", d.language),
        ("audio", _) => "audio".to_owned(),
        ("braille", _) => "Braille".to_owned(),
        ("easy-read", _) => "easy read".to_owned(),
        ("large-print", _) => "large print".to_owned(),
        (other, _) => other.to_owned(),
    };
    let language = match d.language.as_str() {
        "cy" => ", in Welsh",
        _ => "",
    };
    let channel = match (d.channel.as_str(), d.print_state.as_deref()) {
        ("post", Some("waiting")) => "by post (waiting on the print list)",
        ("post", Some("withdrawn")) => "by post (withdrawn before printing: the meeting moved or was cancelled)",
        ("post", _) => "by post (printed)",
        ("portal", _) => "taken from the portal",
        ("download", _) => "downloaded by staff",
        ("format-request", _) => "as asked for (recorded as sent)",
        _ => "",
    };
    DocumentRow {
        sent_on: d.sent_at.chars().take(10).collect(),
        what,
        to,
        how: format!("{format}{language}, {channel}"),
    }
}

impl FamilyPage<'_> {
    fn deadline_selected(&self, id: &str) -> bool {
        self.met_form.deadline_id == id
    }
    fn reason_selected(&self, r: &confer_domain::timescales::LateReason) -> bool {
        self.met_form.late_reason == r.as_str()
    }
    fn has_open_deadline(&self) -> bool {
        self.deadlines.iter().any(|d| d.d.met.is_none())
    }
    fn birth(&self, c: &Child) -> String {
        match c.birth {
            Birth::Born(d) => {
                let age = c.birth.age_on(self.today).unwrap_or(0);
                format!("{} (age {age})", view::long_date(&d))
            }
            Birth::Unborn { expected } => format!("Unborn: expected {}", view::long_date(&expected)),
        }
    }
    fn adult_name(&self, id: &confer_domain::AdultId) -> String {
        self.r
            .adults
            .iter()
            .find(|a| &a.id == id)
            .map(|a| format!("{} {}", a.given_name, a.family_name))
            .unwrap_or_default()
    }
    fn child_name(&self, id: &confer_domain::ChildId) -> String {
        self.r.children.iter().find(|c| &c.id == id).map(|c| c.given_name.clone()).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    met: Option<String>,
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let notice = q.met.is_some().then(|| "Deadline recorded as met.".to_owned());
    show_page(
        &state,
        &ctx,
        &family_id,
        Default::default(),
        crate::pages::deadlines::MetForm::fresh(state.settings.clock.today()),
        notice,
    )
    .await
}

/// The family page again after a "record as met" form was refused: the errors and what was typed.
pub async fn show_with(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    errors: confer_domain::validate::FormErrors,
    met_form: crate::pages::deadlines::MetForm,
) -> Result<Response, AppError> {
    show_page(state, ctx, family_id, errors, met_form, None).await
}

async fn show_page(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    errors: confer_domain::validate::FormErrors,
    met_form: crate::pages::deadlines::MetForm,
    notice: Option<String>,
) -> Result<Response, AppError> {
    // The relationships are read once; each link and form below asks the policy with them.
    let access = ctx.record_access(state, family_id).await?;
    ctx.allowed(&access, Action::ViewFamilyRecord)?;
    let record = families::family_record(&state.db, family_id).await?;
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, family_id, "family.read").await?;
    let can_edit = ctx.allowed(&access, Action::EditFamilyRecord).is_ok();
    let can_audit = ctx.allowed(&access, Action::ViewRecordAudit).is_ok();
    let can_record_met = ctx.allowed(&access, Action::RecordDeadlineMet).is_ok();
    let today = state.settings.clock.today();
    let (rules, at_risk) = crate::pages::deadlines::calendar_and_risk(state, ctx, today).await?;
    let stored = confer_store::deadlines::for_family(&state.db, family_id).await?;
    let deadlines = crate::pages::deadlines::rows_of(stored, &rules.calendar, at_risk, today);
    let can_request_conference = ctx.allowed(&access, Action::RequestConference).is_ok();
    let can_give_portal_access = ctx.allowed(&access, Action::GivePortalAccess).is_ok();
    let can_log_subject_access = ctx.allowed(&access, Action::ManageSubjectAccess).is_ok();
    let mut conferences = Vec::new();
    // Each conference's relationships (its own chair, invitees, note taker) in one query.
    let by_conference =
        confer_store::families::relationships_by_conference(&state.db, &ctx.actor.user_id, family_id).await?;
    // RIGHT-02: the family's complaints come with its conferences, in the same statement.
    let (family_conferences, family_complaints) =
        confer_store::conferences::of_family_with_complaints(&state.db, family_id).await?;
    for c in family_conferences {
        let rels = by_conference.of(&c.id);
        let target = Target::Record { authority_id: &ctx.actor.authority_id, relationships: &rels };
        if decide(&ctx.actor, Action::ViewConference, target) == Decision::Allow {
            let kind = ctx.words.kind_text(&c.kind);
            let st = confer_domain::conference::ConferenceState::parse(&c.state).map(|s| s.label()).unwrap_or("");
            let when = c.date.as_ref().map(view::long_date).unwrap_or_else(|| "not yet scheduled".into());
            conferences.push((c.id.clone(), format!("{kind}: {st}, {when}")));
        }
    }
    // Issue 13: the children's plans, for those the access policy lets read them, asked with
    // the relationships read above. They are part of the family's record, whose read is logged
    // above ("family.read"), so no second event is written for them (the API's list of a
    // family's plans, which shows nothing else, logs its own).
    let plans = match ctx.allowed(&access, Action::ViewPlan) {
        Ok(()) => confer_store::plans::of_family(&state.db, family_id)
            .await?
            .into_iter()
            .map(|p| {
                let child = record.children.iter().find(|c| c.id.as_str() == p.child_id);
                let name = child.map(|c| c.given_name.clone()).unwrap_or_default();
                let kind = confer_domain::plan::PlanKind::parse(&p.kind).map(|k| k.label()).unwrap_or("Plan");
                let since = p.started_on.as_ref().map(view::long_date).unwrap_or_default();
                let state = match &p.ended_on {
                    Some(e) => format!("ended {}", view::long_date(e)),
                    None => "active".to_owned(),
                };
                (p.id, format!("{name}: {kind} from {since}, {state}"))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    // Issue 14: how each adult gets letters, and the documents sent (both part of the record
    // whose read is logged above).
    let post = families::prefers_post(&state.db, family_id).await?;
    let letters = record
        .adults
        .iter()
        .map(|a| {
            let prefers_post = post.get(a.id.as_str()).copied().unwrap_or(false);
            let has_email = a.email.as_deref().is_some_and(|e| e.contains('@'));
            LetterRoute {
                adult_id: a.id.as_str().to_owned(),
                name: format!("{} {}", a.given_name, a.family_name),
                how: match (prefers_post, has_email) {
                    (true, _) => "By post: they asked for letters by post",
                    (false, false) => "By post: no e-mail address",
                    (false, true) => "By e-mail",
                },
                prefers_post,
                has_email,
            }
        })
        .collect();
    let documents = confer_store::documents_sent::for_family(&state.db, family_id, 50)
        .await?
        .iter()
        .map(|d| document_row(d, &record))
        .collect();
    // The authority's staff see the family's complaints and their outcomes (RIGHT-02).
    let shows_complaints = ctx.actor.is_staff();
    let complaints: Vec<FamilyComplaint> = family_complaints
        .iter()
        .filter(|_| shows_complaints)
        .map(|s| {
            let c = &s.complaint;
            let outcome = match (c.status, c.latest_answer()) {
                (_, Some(a)) => {
                    format!("Stage {}: {} ({})", a.stage, a.finding.label(), view::long_date(&a.answered_on))
                }
                _ => "Not answered yet".to_owned(),
            };
            FamilyComplaint {
                id: s.id.clone(),
                about: c.about.label(),
                received: view::long_date(&c.received_on),
                stage: c.stage,
                status: c.status.label(),
                due: view::long_date(&c.due_on),
                overdue: c.is_overdue(today),
                outcome,
                conference_id: c.conference_id.clone(),
            }
        })
        .collect();
    let can_log_complaint = ctx.allowed(&access, Action::LogComplaint).is_ok();
    let can_view_complaints = ctx.may(Action::ViewComplaints);
    let mut page = ctx.page(&record.family.name, "/families");
    page.errors = errors;
    page.notice = notice;
    Ok(view::render(&FamilyPage {
        letters,
        documents,
        plans,
        page: &page,
        r: &record,
        can_edit,
        can_audit,
        today,
        deadlines: &deadlines,
        can_record_met,
        met_form: &met_form,
        late_reasons: confer_domain::timescales::LateReason::ALL,
        can_request_conference,
        conferences,
        can_give_portal_access,
        can_log_subject_access,
        complaints,
        shows_complaints,
        can_log_complaint,
        can_view_complaints,
    }))
}

#[derive(Template)]
#[template(path = "family_audit.html")]
struct FamilyAuditPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    family_name: &'a str,
    events: &'a [AuditEvent],
}

pub async fn audit(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::ViewRecordAudit, &family_id).await?;
    let record = families::family_record(&state.db, &family_id).await?;
    // ROLE-11: who read the record is itself a read of it.
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, &family_id, "family.audit.read").await?;
    let events =
        confer_store::audit::for_entity(&state.db, ctx.actor.authority_id.as_str(), "family", &family_id, 500).await?;
    let page = ctx.page(&format!("Who read or changed the {} record", record.family.name), "/families");
    Ok(view::render(&FamilyAuditPage {
        page: &page,
        family_id: &family_id,
        family_name: &record.family.name,
        events: &events,
    }))
}

/// Issue 14: a family member asked for letters by post (or for e-mail again). The form says
/// which, so sending it twice changes nothing; it carries the record's version, so a second
/// editor's change in between is not overwritten unseen.
pub async fn prefers_post(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, adult_id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::EditFamilyRecord, &family_id).await?;
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let Ok(version) = get("version").parse::<i64>() else {
        return Err(AppError::BadRequest("The form is missing its version: reload the page and try again.".into()));
    };
    let wanted = match get("prefers_post") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("Choose post or e-mail.".into())),
    };
    match families::set_prefers_post(&state.db, &family_id, &adult_id, version, wanted, &ctx.actor.user_id).await {
        Ok(_) => Ok(Redirect::to(&format!("/families/{family_id}#letters")).into_response()),
        Err(ChangeError::Conflict { .. }) => {
            let mut errors = confer_domain::validate::FormErrors::default();
            errors.add(
                "letters",
                "Someone else changed this record after you opened it, so how they get letters was not changed. Check the record below, then choose again.",
            );
            let res = show_with(
                &state,
                &ctx,
                &family_id,
                errors,
                crate::pages::deadlines::MetForm::fresh(state.settings.clock.today()),
            )
            .await?;
            Ok((axum::http::StatusCode::CONFLICT, res).into_response())
        }
        Err(ChangeError::Invalid(e)) => Err(AppError::BadRequest(e.message)),
        Err(ChangeError::Store(confer_store::StoreError::NotFound)) => Err(AppError::NotFound),
        Err(ChangeError::Store(e)) => Err(e.into()),
    }
}

/// The child form's fields, exactly as typed (so nothing is lost when it is shown again).
#[derive(Deserialize, Default, Clone)]
pub struct ChildForm {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub nhs_number: String,
    #[serde(default)]
    pub first_language: String,
    #[serde(default)]
    pub needs_interpreter: Option<String>,
    #[serde(default)]
    pub access_needs: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "child_edit.html")]
struct ChildEditPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    child_id: &'a str,
    f: &'a ChildForm,
    /// When someone else saved first: what the record says now.
    theirs: Option<&'a Child>,
}

fn form_of(c: &Child, version: i64) -> ChildForm {
    ChildForm {
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        nhs_number: c.nhs_number.as_ref().map(|n| n.formatted()).unwrap_or_default(),
        first_language: c.communication.first_language.clone(),
        needs_interpreter: c.communication.needs_interpreter.then(|| "yes".to_owned()),
        access_needs: c.communication.access_needs.clone(),
        version: version.to_string(),
    }
}

/// The child of the family's record, for the child's form; a read of the record (ROLE-11).
async fn child_in_family(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    child_id: &str,
) -> Result<(FamilyRecord, Child), AppError> {
    let record = families::family_record(&state.db, family_id).await?;
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, family_id, "family.child-edit.read")
        .await?;
    let child = record.children.iter().find(|c| c.id.as_str() == child_id).cloned().ok_or(AppError::NotFound)?;
    Ok((record, child))
}

pub async fn edit_child_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::EditFamilyRecord, &family_id).await?;
    let (record, child) = child_in_family(&state, &ctx, &family_id, &child_id).await?;
    let page = ctx.page(&format!("Change {}'s details", child.given_name), "/families");
    let f = form_of(&child, record.version);
    Ok(view::render(&ChildEditPage { page: &page, family_id: &family_id, child_id: &child_id, f: &f, theirs: None }))
}

pub async fn edit_child(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
    Form(f): Form<ChildForm>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::EditFamilyRecord, &family_id).await?;
    let (_, child) = child_in_family(&state, &ctx, &family_id, &child_id).await?;
    let mut page = ctx.page(&format!("Change {}'s details", child.given_name), "/families");
    let given_name = f.given_name.trim();
    let family_name = f.family_name.trim();
    if given_name.is_empty() {
        page.errors.add("given_name", "Enter the child's first name");
    }
    if family_name.is_empty() {
        page.errors.add("family_name", "Enter the child's last name");
    }
    let nhs_number = if f.nhs_number.trim().is_empty() {
        None
    } else {
        match NhsNumber::parse(&f.nhs_number) {
            Ok(n) => Some(n),
            Err(e) => {
                page.errors.add("nhs_number", e.message);
                None
            }
        }
    };
    if f.first_language.trim().is_empty() {
        page.errors.add("first_language", "Enter the child's first language, for example English");
    }
    let version = f.version.parse::<i64>();
    if version.is_err() {
        return Err(AppError::BadRequest("The form is missing its version: reload the page and try again.".into()));
    }
    if !page.errors.is_empty() {
        return Ok(view::render(&ChildEditPage {
            page: &page,
            family_id: &family_id,
            child_id: &child_id,
            f: &f,
            theirs: None,
        }));
    }
    let change = ChildChange {
        given_name: given_name.to_owned(),
        family_name: family_name.to_owned(),
        nhs_number,
        first_language: f.first_language.trim().to_owned(),
        needs_interpreter: f.needs_interpreter.is_some(),
        access_needs: f.access_needs.trim().to_owned(),
    };
    match families::update_child(&state.db, &child_id, version.unwrap_or(0), &change, &ctx.actor.user_id).await {
        Ok(_) => Ok(Redirect::to(&format!("/families/{family_id}")).into_response()),
        Err(ChangeError::Conflict { current_version }) => {
            // Keep what this person typed, show what is saved now, and let them save again
            // knowingly (the form now carries the current version).
            let (_, current) = child_in_family(&state, &ctx, &family_id, &child_id).await?;
            page.errors.add(
                "given_name",
                "Someone else changed this record after you opened it. Your changes have not been saved: they are still in the form below. Check their changes, then save again.",
            );
            let mut kept = f.clone();
            kept.version = current_version.to_string();
            let res = view::render(&ChildEditPage {
                page: &page,
                family_id: &family_id,
                child_id: &child_id,
                f: &kept,
                theirs: Some(&current),
            });
            Ok((axum::http::StatusCode::CONFLICT, res).into_response())
        }
        Err(ChangeError::Invalid(e)) => {
            page.errors.add("given_name", e.message);
            Ok(view::render(&ChildEditPage {
                page: &page,
                family_id: &family_id,
                child_id: &child_id,
                f: &f,
                theirs: None,
            }))
        }
        Err(ChangeError::Store(e)) => Err(e.into()),
    }
}
