//! Complaint pages (RIGHT-02). Staff: the authority's complaints (open or closed, by stage,
//! overdue first, paged in SQL), one complaint with its history and the officer's next step as
//! a form (assign, acknowledge, answer with an outcome, escalate to the nation's next stage,
//! close; each at the version last seen, so a second officer is told rather than overwriting),
//! and logging a complaint for a family member from the family's page. Portal (English and
//! Welsh): make a complaint, and "My complaints" with where each stands, what happens next and
//! by when, and asking for the next stage when unhappy with the answer. Thin adapters over
//! `confer_ops::complaints`; a refused form comes back with what was typed and a GOV.UK error
//! summary.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::complaint::{About, Finding, Status};
use confer_domain::conference::ConferenceKind;
use confer_domain::{Role, UserAccount, UserId};
use confer_ops::complaints::{self as ops, NewComplaint, Showing, Step};
use confer_ops::OpsError;
use confer_store::complaints::Stored;
use serde::Deserialize;

use super::form::{done, field, pairs_of, version_of, with_status, Pairs, Refusal};

/// Complaints on one page of the list.
pub const PAGE_SIZE: i64 = 50;

/// A complaint's conference as a choice: its kind and date, in the reader's language.
fn conference_label(
    kind: &str,
    date: Option<NaiveDate>,
    w: &super::portal_words::Words,
    nation: &confer_domain::words::Words,
) -> String {
    let kind = ConferenceKind::parse(kind).map(|k| w.kind(nation, k)).unwrap_or("Conference");
    match date {
        Some(d) => format!("{kind}, {}", super::portal::long_date_in(&d, w)),
        None => kind.to_owned(),
    }
}

// ------------------------------------------------------------------ staff: the list

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "complaints_list.html")]
struct ListView<'a> {
    page: &'a Page,
    rows: &'a [Stored],
    status: &'a str,
    stage: &'a str,
    page_number: i64,
    has_next: bool,
    today: NaiveDate,
}

impl ListView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn overdue(&self, s: &Stored) -> bool {
        s.complaint.is_overdue(self.today)
    }
    fn query(&self, page: i64) -> String {
        format!("status={}&stage={}&page={page}", view::url_encode(self.status), view::url_encode(self.stage))
    }
}

/// GET /complaints: `status` (open, closed, all), `stage` (1, 2, 3 or any), `page`.
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ListParams>,
) -> Result<Response, AppError> {
    let (showing, status) = match q.status.as_str() {
        "closed" => (Showing::Closed, "closed"),
        "all" => (Showing::All, "all"),
        _ => (Showing::Open, "open"),
    };
    let stage = q.stage.parse::<u8>().ok().filter(|s| (1..=3).contains(s));
    let page_number =
        q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..1_000_000).contains(p)).unwrap_or(1);
    let mut rows =
        ops::page(&state.ops, &ctx.actor, showing, stage, PAGE_SIZE + 1, (page_number - 1) * PAGE_SIZE).await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let page = ctx.page("Complaints", "/complaints");
    let stage_text = stage.map(|s| s.to_string()).unwrap_or_default();
    Ok(view::render(&ListView {
        page: &page,
        rows: &rows,
        status,
        stage: &stage_text,
        page_number,
        has_next,
        today: state.ops.clock.today(),
    }))
}

// ------------------------------------------------------------------ staff: one complaint

#[derive(Template)]
#[template(path = "complaint.html")]
struct ComplaintView<'a> {
    page: &'a Page,
    s: &'a Stored,
    complainant: &'a str,
    officers: &'a [UserAccount],
    may_manage: bool,
    has_next_stage: bool,
    today: NaiveDate,
    typed: &'a Pairs,
}

impl ComplaintView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn overdue(&self) -> bool {
        self.s.complaint.is_overdue(self.today)
    }
    fn open(&self) -> bool {
        self.s.complaint.status != Status::Closed
    }
    fn is(&self, st: &str) -> bool {
        self.s.complaint.status.as_str() == st
    }
    fn name_of(&self, u: &UserId) -> String {
        self.officers
            .iter()
            .find(|o| o.id == *u)
            .map(|o| o.display_name.clone())
            .unwrap_or_else(|| "an officer who no longer handles complaints".to_owned())
    }
    fn officer(&self) -> String {
        self.s.complaint.officer.as_ref().map(|o| self.name_of(o)).unwrap_or_else(|| "Not assigned".to_owned())
    }
    fn selected(&self, o: &UserAccount) -> bool {
        let typed = self.t("officer");
        if typed.is_empty() {
            self.s.complaint.officer.as_ref() == Some(&o.id)
        } else {
            typed == o.id.as_str()
        }
    }
    fn findings(&self) -> &'static [Finding] {
        Finding::ALL
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn logged_by(&self) -> String {
        match &self.s.complaint.complainant.logged_by_staff {
            Some(u) => format!("Logged by {} on their behalf", self.name_of(u)),
            None => "Made by the complainant in the family portal".to_owned(),
        }
    }
}

/// The authority's people who may handle complaints (the officers to assign), from the
/// cached directory.
async fn officers(state: &SharedState, ctx: &Ctx) -> Result<Vec<UserAccount>, AppError> {
    let users = state.directory(&ctx.actor.authority_id).await?;
    Ok(users
        .iter()
        .filter(|u| u.roles.iter().any(|r| matches!(r, Role::QualityAssurance | Role::Coordinator)))
        .cloned()
        .collect())
}

async fn complaint_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    let s = ops::view(&state.ops, &ctx.actor, id).await?;
    let complainant = ops::complainant_name(&state.ops, &s).await?;
    let rules = state.rules(&ctx.actor.authority_id).await?;
    let today = state.ops.clock.today();
    let officers = officers(state, ctx).await?;
    let v = ComplaintView {
        page: &page,
        s: &s,
        complainant: &complainant,
        officers: &officers,
        may_manage: ctx.may(Action::ManageComplaints),
        has_next_stage: ops::has_next_stage(&rules, &s, today),
        today,
        typed,
    };
    Ok(with_status(view::render(&v), status))
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// GET /complaints/{complaint_id}
pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Complaint", "/complaints");
    page.notice = q.done.map(|d| {
        match d.as_str() {
            "logged" => "The complaint is logged at stage 1 with its deadline. Assign it to an officer next.",
            "assign" => "The complaint is assigned.",
            "acknowledge" => "The complaint is acknowledged.",
            "answer" => "The answer is recorded. The complainant can see it in their portal.",
            "escalate" => "The complaint has moved to the next stage, with a new deadline.",
            "close" => "The complaint is closed. Its outcomes are kept.",
            _ => "Saved.",
        }
        .to_owned()
    });
    complaint_view(&state, &ctx, &id, page, &Vec::new(), StatusCode::OK).await
}

/// POST /complaints/{complaint_id}/steps: `step` (assign, acknowledge, answer, escalate,
/// close), `version`, and the step's fields.
pub async fn step(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let version = version_of(&p);
    let step_name = field(&p, "step");
    let step = match step_name.as_str() {
        "assign" => match field(&p, "officer") {
            o if o.is_empty() => Err(OpsError::invalid("officer", "Choose the officer who will handle the complaint")),
            o => Ok(Step::Assign { officer: UserId(o) }),
        },
        "acknowledge" => Ok(Step::Acknowledge),
        "answer" => match Finding::parse(&field(&p, "finding")) {
            Some(finding) => Ok(Step::Answer { finding, response: field(&p, "response") }),
            None => Err(OpsError::invalid("finding", "Choose the outcome: upheld, partly upheld or not upheld")),
        },
        "escalate" => Ok(Step::Escalate { reason: field(&p, "reason") }),
        "close" => Ok(Step::Close),
        _ => Err(OpsError::invalid("step", "Choose what to do with the complaint")),
    };
    let result = match step {
        Ok(step) => ops::step(&state.ops, &ctx.actor, &id, version, step).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done(&format!("/complaints/{}", view::url_encode(&id)), &step_name)),
        Err(e) => {
            let conflict = "Someone else changed this complaint since you opened it. It is shown as it is now: check \
                            it and try again. What you typed is kept below.";
            let r = Refusal::of(e, "step", conflict)?;
            let mut page = ctx.page("Complaint", "/complaints");
            page.errors.add(r.field, r.message);
            complaint_view(&state, &ctx, &id, page, &p, r.status).await
        }
    }
}

// ------------------------------------------------------------------ staff: logging one

#[derive(Template)]
#[template(path = "complaint_new.html")]
struct NewView<'a> {
    page: &'a Page,
    family_id: &'a str,
    family_name: &'a str,
    adults: &'a [(String, String)],
    conferences: &'a [(String, String)],
    typed: &'a Pairs,
}

impl NewView<'_> {
    fn abouts(&self) -> &'static [About] {
        About::ALL
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

async fn new_view(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    ctx.authorize_record(state, Action::LogComplaint, family_id).await?;
    let record = confer_store::families::family_record(&state.db, family_id).await?;
    confer_store::families::log_read(
        &state.db,
        &ctx.actor.authority_id,
        &ctx.actor.user_id,
        family_id,
        "complaint.new.read",
    )
    .await?;
    let adults: Vec<(String, String)> = record
        .adults
        .iter()
        .map(|a| (a.id.as_str().to_owned(), format!("{} {}", a.given_name, a.family_name)))
        .collect();
    let w = super::portal_words::for_lang(None);
    let conferences: Vec<(String, String)> = confer_store::conferences::of_family(&state.db, family_id)
        .await?
        .into_iter()
        .map(|c| {
            let label = conference_label(&c.kind, c.date, w, ctx.words);
            (c.id, label)
        })
        .collect();
    let v = NewView {
        page: &page,
        family_id,
        family_name: &record.family.name,
        adults: &adults,
        conferences: &conferences,
        typed,
    };
    Ok(with_status(view::render(&v), status))
}

/// GET /families/{family_id}/complaints/new
pub async fn new_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Result<Response, AppError> {
    let page = ctx.page("Log a complaint for a family member", "/families");
    new_view(&state, &ctx, &family_id, page, &Vec::new(), StatusCode::OK).await
}

/// The complaint as typed into either form; errors for the fields it lacks.
fn typed_complaint(p: &Pairs, page: &mut Page, about_message: &str) -> Option<NewComplaint> {
    let about = About::parse(&field(p, "about"));
    if about.is_none() {
        page.errors.add("about", about_message);
    }
    let conference = field(p, "conference_id");
    let conference_id = match about {
        Some(About::Case) | None => None,
        Some(_) if conference.is_empty() => {
            page.errors.add("conference_id", "Choose the conference the complaint is about");
            None
        }
        Some(_) => Some(conference),
    };
    let details = field(p, "details");
    if details.is_empty() {
        page.errors.add("details", "Say what the complaint is about");
    }
    match (about, page.errors.is_empty()) {
        (Some(about), true) => Some(NewComplaint { about, conference_id, details }),
        _ => None,
    }
}

/// POST /families/{family_id}/complaints/new: `adult_id`, `about`, `conference_id`, `details`.
pub async fn log(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::LogComplaint, &family_id).await?;
    let p = pairs_of(&body)?;
    let mut page = ctx.page("Log a complaint for a family member", "/families");
    let adult = field(&p, "adult_id");
    if adult.is_empty() {
        page.errors.add("adult_id", "Choose the family member who is complaining");
    }
    if let Some(input) = typed_complaint(&p, &mut page, "Choose what the complaint is about") {
        match ops::log_for(&state.ops, &ctx.actor, &family_id, &adult, input).await {
            Ok(id) => {
                // Someone who logs a complaint may not be one who reads the authority's
                // complaints: they go back to the family.
                let to = if ctx.may(Action::ViewComplaints) {
                    format!("/complaints/{}?done=logged", view::url_encode(&id))
                } else {
                    format!("/families/{}?complaint=logged", view::url_encode(&family_id))
                };
                return Ok(Redirect::to(&to).into_response());
            }
            Err(OpsError::Invalid { field, message }) => {
                page.errors.add(if field.is_empty() { "details" } else { field }, message)
            }
            Err(OpsError::Declined { message }) => page.errors.add("details", message),
            Err(e) => return Err(e.into()),
        }
    }
    new_view(&state, &ctx, &family_id, page, &p, StatusCode::UNPROCESSABLE_ENTITY).await
}

// ------------------------------------------------------------------ portal (English and Welsh)

/// The portal's words for complaints, in English and Welsh: plain, short and calm, for
/// anxious readers. The Welsh is a careful translation; have the authority's Welsh language
/// officer confirm it.
pub struct Words {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub make: &'static str,
    pub make_intro: &'static str,
    pub none_yet: &'static str,
    pub made_on: &'static str,
    pub about: &'static str,
    pub status: &'static str,
    pub next: &'static str,
    pub by_when: &'static str,
    pub answer: &'static str,
    pub stage: &'static str,
    pub about_legend: &'static str,
    pub conference_label: &'static str,
    pub conference_hint: &'static str,
    pub choose: &'static str,
    pub details_label: &'static str,
    pub details_hint: &'static str,
    pub send: &'static str,
    pub sent: &'static str,
    pub escalate_title: &'static str,
    pub escalate_hint: &'static str,
    pub escalate_label: &'static str,
    pub escalate_send: &'static str,
    pub escalate_required: &'static str,
    pub escalated: &'static str,
    pub ombudsman: &'static str,
    pub back: &'static str,
    pub back_complaints: &'static str,
    pub help: &'static str,
    pub about_required: &'static str,
    pub conflict: &'static str,
    pub your_complaint: &'static str,
}

pub const EN: Words = Words {
    lang: "en",
    other_lang: "cy",
    other_lang_name: "Cymraeg",
    title: "My complaints",
    intro: "You can complain if you are unhappy with how a conference was run, with its decision, or with how your family's case is handled. Complaining will not count against you or your family.",
    make: "Make a complaint",
    make_intro: "Tell us what went wrong, in your own words. A complaints officer will read it and tell you what happens next. We will answer by the date shown under My complaints.",
    none_yet: "You have not made a complaint.",
    made_on: "Made on",
    about: "About",
    status: "Where it is",
    next: "What happens next",
    by_when: "We will answer by",
    answer: "Our answer",
    stage: "Stage",
    about_legend: "What is your complaint about?",
    conference_label: "Which conference?",
    conference_hint: "Only if your complaint is about a conference.",
    choose: "Choose a conference",
    details_label: "What went wrong?",
    details_hint: "Tell us what happened and what you would like us to do about it.",
    send: "Send my complaint",
    sent: "Your complaint has been sent. You can see it below.",
    escalate_title: "Not happy with our answer?",
    escalate_hint: "You can ask for your complaint to be looked at again by someone else. Tell us why you are unhappy with the answer.",
    escalate_label: "Why are you unhappy with the answer?",
    escalate_send: "Ask for the next stage",
    escalate_required: "Tell us why you are unhappy with the answer",
    escalated: "You have asked for the next stage. We will look at your complaint again and answer by the new date below.",
    ombudsman: "This was the last stage of our complaints procedure. If you are still unhappy, you can ask the Ombudsman to look at your complaint. They are independent and free.",
    back: "Back to your portal",
    back_complaints: "Back to my complaints",
    help: "If you need help to complain, you can ask your social worker, an advocate or someone you trust to help you.",
    about_required: "Choose what your complaint is about",
    conflict: "Your complaint changed while you were writing. It is shown as it is now. What you wrote is kept below: check it and send it again.",
    your_complaint: "Your complaint",
};

pub const CY: Words = Words {
    lang: "cy",
    other_lang: "en",
    other_lang_name: "English",
    title: "Fy nghwynion",
    intro: "Gallwch gwyno os nad ydych yn hapus â sut y cynhaliwyd cynhadledd, â'i phenderfyniad, neu â sut mae achos eich teulu yn cael ei drin. Ni fydd cwyno yn cyfrif yn eich erbyn chi na'ch teulu.",
    make: "Gwneud cwyn",
    make_intro: "Dywedwch wrthym beth aeth o'i le, yn eich geiriau eich hun. Bydd swyddog cwynion yn ei darllen ac yn dweud wrthych beth fydd yn digwydd nesaf. Byddwn yn ateb erbyn y dyddiad a ddangosir o dan Fy nghwynion.",
    none_yet: "Nid ydych wedi gwneud cwyn.",
    made_on: "Gwnaed ar",
    about: "Ynghylch",
    status: "Ble mae hi arni",
    next: "Beth fydd yn digwydd nesaf",
    by_when: "Byddwn yn ateb erbyn",
    answer: "Ein hateb",
    stage: "Cam",
    about_legend: "Am beth mae eich cwyn?",
    conference_label: "Pa gynhadledd?",
    conference_hint: "Dim ond os yw eich cwyn am gynhadledd.",
    choose: "Dewiswch gynhadledd",
    details_label: "Beth aeth o'i le?",
    details_hint: "Dywedwch wrthym beth ddigwyddodd a beth yr hoffech i ni ei wneud amdano.",
    send: "Anfon fy nghwyn",
    sent: "Mae eich cwyn wedi'i hanfon. Gallwch ei gweld isod.",
    escalate_title: "Ddim yn hapus â'n hateb?",
    escalate_hint: "Gallwch ofyn i rywun arall edrych ar eich cwyn eto. Dywedwch wrthym pam nad ydych yn hapus â'r ateb.",
    escalate_label: "Pam nad ydych yn hapus â'r ateb?",
    escalate_send: "Gofyn am y cam nesaf",
    escalate_required: "Dywedwch wrthym pam nad ydych yn hapus â'r ateb",
    escalated: "Rydych wedi gofyn am y cam nesaf. Byddwn yn edrych ar eich cwyn eto ac yn ateb erbyn y dyddiad newydd isod.",
    ombudsman: "Dyma oedd cam olaf ein trefn gwyno. Os ydych yn dal yn anhapus, gallwch ofyn i'r Ombwdsmon edrych ar eich cwyn. Mae'r Ombwdsmon yn annibynnol ac am ddim.",
    back: "Yn ôl i'ch porth",
    back_complaints: "Yn ôl i fy nghwynion",
    help: "Os oes angen help arnoch i gwyno, gallwch ofyn i'ch gweithiwr cymdeithasol, eiriolwr neu rywun rydych yn ymddiried ynddo i'ch helpu.",
    about_required: "Dewiswch am beth mae eich cwyn",
    conflict: "Newidiodd eich cwyn tra oeddech yn ysgrifennu. Fe'i dangosir fel y mae nawr. Mae'r hyn a ysgrifennoch wedi'i gadw isod: gwiriwch ef a'i anfon eto.",
    your_complaint: "Eich cwyn",
};

pub fn words_for(lang: Option<&str>) -> &'static Words {
    match lang {
        Some("cy") => &CY,
        _ => &EN,
    }
}

/// What a complaint is about, in the portal's words.
pub fn about_words(a: About, lang: &str) -> &'static str {
    match (a, lang == "cy") {
        (About::Conduct, false) => "How a conference was run",
        (About::Conduct, true) => "Sut y cynhaliwyd cynhadledd",
        (About::Decision, false) => "A conference's decision",
        (About::Decision, true) => "Penderfyniad cynhadledd",
        (About::Case, false) => "How our family's case is handled",
        (About::Case, true) => "Sut mae achos ein teulu yn cael ei drin",
    }
}

/// Where a complaint stands, and what happens next, in the portal's words.
pub fn status_words(s: Status, lang: &str) -> (&'static str, &'static str) {
    match (s, lang == "cy") {
        (Status::Received, false) => ("Received", "A complaints officer will look at your complaint and contact you."),
        (Status::Received, true) => {
            ("Wedi'i derbyn", "Bydd swyddog cwynion yn edrych ar eich cwyn ac yn cysylltu â chi.")
        }
        (Status::Acknowledged, false) => (
            "Being looked into",
            "A complaints officer is looking into your complaint. They will write to you with the answer.",
        ),
        (Status::Acknowledged, true) => (
            "Yn cael ei hystyried",
            "Mae swyddog cwynion yn ymchwilio i'ch cwyn. Byddant yn ysgrifennu atoch gyda'r ateb.",
        ),
        (Status::Answered, false) => {
            ("Answered", "Read our answer. If you are not happy with it, you can ask for the next stage.")
        }
        (Status::Answered, true) => {
            ("Wedi'i hateb", "Darllenwch ein hateb. Os nad ydych yn hapus ag ef, gallwch ofyn am y cam nesaf.")
        }
        (Status::Closed, false) => ("Closed", "Your complaint is closed. We keep it, with our answers."),
        (Status::Closed, true) => ("Wedi'i chau", "Mae eich cwyn wedi'i chau. Rydym yn ei chadw, gyda'n hatebion."),
    }
}

/// An outcome in the portal's words.
pub fn finding_words(f: Finding, lang: &str) -> &'static str {
    match (f, lang == "cy") {
        (Finding::Upheld, false) => "Upheld: we agree with your complaint",
        (Finding::Upheld, true) => "Wedi'i chadarnhau: rydym yn cytuno â'ch cwyn",
        (Finding::PartlyUpheld, false) => "Partly upheld: we agree with part of your complaint",
        (Finding::PartlyUpheld, true) => "Wedi'i chadarnhau'n rhannol: rydym yn cytuno â rhan o'ch cwyn",
        (Finding::NotUpheld, false) => "Not upheld: we do not agree with your complaint",
        (Finding::NotUpheld, true) => "Heb ei chadarnhau: nid ydym yn cytuno â'ch cwyn",
    }
}

pub struct PortalRow {
    pub id: String,
    pub version: i64,
    pub made_on: String,
    pub about: &'static str,
    pub stage: u8,
    pub status: &'static str,
    pub next: &'static str,
    /// The date of the current stage's answer, while it is awaited.
    pub by_when: Option<String>,
    pub answers: Vec<(u8, &'static str, String, String)>,
    pub may_escalate: bool,
    pub last_stage_answered: bool,
}

#[derive(Template)]
#[template(path = "portal_complaints.html")]
struct PortalView<'a> {
    page: &'a Page,
    w: &'static Words,
    rows: Vec<PortalRow>,
    /// The complaint whose escalation form came back, and what was typed.
    failed: Option<(&'a str, &'a str)>,
}

impl PortalView<'_> {
    fn typed_reason(&self, id: &str) -> &str {
        match self.failed {
            Some((f, r)) if f == id => r,
            _ => "",
        }
    }
    fn error_here(&self, id: &str) -> bool {
        matches!(self.failed, Some((f, _)) if f == id)
    }
    fn error_text(&self) -> &str {
        self.page.errors.0.first().map(|(_, m)| m.as_str()).unwrap_or("")
    }
}

async fn portal_view(
    state: &SharedState,
    ctx: &Ctx,
    w: &'static Words,
    mut page: Page,
    failed: Option<(&str, &str)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mine = ops::mine(&state.ops, &ctx.actor).await?;
    let rules = state.rules(&ctx.actor.authority_id).await?;
    let today = state.ops.clock.today();
    let pw = super::portal_words::for_lang(Some(w.lang));
    let date = |d: &NaiveDate| super::portal::long_date_in(d, pw);
    let rows: Vec<PortalRow> = mine
        .iter()
        .map(|s| {
            let c = &s.complaint;
            let (st, next) = status_words(c.status, w.lang);
            let next_stage = ops::has_next_stage(&rules, s, today);
            PortalRow {
                id: s.id.clone(),
                version: s.version,
                made_on: date(&c.received_on),
                about: about_words(c.about, w.lang),
                stage: c.stage,
                status: st,
                next: if c.status == Status::Answered && !next_stage { w.ombudsman } else { next },
                by_when: matches!(c.status, Status::Received | Status::Acknowledged).then(|| date(&c.due_on)),
                answers: c
                    .answers
                    .iter()
                    .map(|a| (a.stage, finding_words(a.finding, w.lang), a.response.clone(), date(&a.answered_on)))
                    .collect(),
                may_escalate: c.status == Status::Answered && next_stage,
                last_stage_answered: c.status == Status::Answered && !next_stage,
            }
        })
        .collect();
    // The complaints are the family's record: one read event per family shown.
    let mut families: Vec<&str> = mine.iter().map(|s| s.family_id.as_str()).collect();
    families.sort();
    families.dedup();
    for f in families {
        confer_store::families::log_read(
            &state.db,
            &ctx.actor.authority_id,
            &ctx.actor.user_id,
            f,
            "portal.complaints.read",
        )
        .await?;
    }
    page.lang = w.lang;
    Ok(with_status(view::render(&PortalView { page: &page, w, rows, failed }), status))
}

/// GET /portal/complaints: "My complaints".
pub async fn portal(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let w = words_for(q.lang.as_deref());
    let mut page = ctx.page(w.title, "/portal");
    page.notice = match q.done.as_deref() {
        Some("sent") => Some(w.sent.to_owned()),
        Some("escalated") => Some(w.escalated.to_owned()),
        _ => None,
    };
    portal_view(&state, &ctx, w, page, None, StatusCode::OK).await
}

/// POST /portal/complaints/{complaint_id}/escalate: `version`, `reason`, `lang`.
pub async fn portal_escalate(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let w = words_for(Some(field(&p, "lang").as_str()));
    let version = version_of(&p);
    let reason = field(&p, "reason");
    let message = match ops::escalate_as_family(&state.ops, &ctx.actor, &id, version, reason.clone()).await {
        Ok(_) => return Ok(Redirect::to(&format!("/portal/complaints?done=escalated&lang={}", w.lang)).into_response()),
        Err(OpsError::Invalid { field: "reason", .. }) => w.escalate_required.to_owned(),
        Err(OpsError::Invalid { message, .. }) | Err(OpsError::Declined { message }) => message,
        Err(OpsError::Conflict { .. }) => w.conflict.to_owned(),
        Err(e) => return Err(e.into()),
    };
    let mut page = ctx.page(w.title, "/portal");
    page.errors.add(&format!("reason-{id}"), message);
    portal_view(&state, &ctx, w, page, Some((id.as_str(), reason.as_str())), StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "portal_complaint_new.html")]
struct PortalNewView<'a> {
    page: &'a Page,
    w: &'static Words,
    conferences: &'a [(String, String)],
    typed: &'a Pairs,
}

impl PortalNewView<'_> {
    fn abouts(&self) -> Vec<(&'static str, &'static str)> {
        About::ALL.iter().map(|a| (a.as_str(), about_words(*a, self.w.lang))).collect()
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

async fn portal_new_view(
    state: &SharedState,
    ctx: &Ctx,
    w: &'static Words,
    mut page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    // The conferences of the families the person is a parent in (not those still being requested).
    let pw = super::portal_words::for_lang(Some(w.lang));
    let links = confer_store::portal::links_of(&state.db, &ctx.actor.user_id).await?;
    let mut conferences = Vec::new();
    for (family_id, person) in &links {
        if !matches!(person, confer_domain::portal::PortalPerson::Adult(_)) {
            continue;
        }
        for c in confer_store::conferences::of_family(&state.db, family_id).await? {
            if c.state == "requested" {
                continue;
            }
            let label = conference_label(&c.kind, c.date, pw, ctx.words);
            conferences.push((c.id, label));
        }
    }
    page.lang = w.lang;
    Ok(with_status(view::render(&PortalNewView { page: &page, w, conferences: &conferences, typed }), status))
}

/// GET /portal/complaints/new: "Make a complaint".
pub async fn portal_new(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let w = words_for(q.lang.as_deref());
    let page = ctx.page(w.make, "/portal");
    portal_new_view(&state, &ctx, w, page, &Vec::new(), StatusCode::OK).await
}

/// POST /portal/complaints/new: `about`, `conference_id`, `details`, `lang`.
pub async fn portal_make(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let w = words_for(Some(field(&p, "lang").as_str()));
    let mut page = ctx.page(w.make, "/portal");
    let welsh = w.lang == "cy";
    if let Some(input) = typed_complaint(&p, &mut page, w.about_required) {
        match ops::complain_as_family(&state.ops, &ctx.actor, input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/portal/complaints?done=sent&lang={}", w.lang)).into_response()),
            Err(OpsError::Invalid { field, message }) => {
                page.errors.add(if field.is_empty() { "details" } else { field }, message)
            }
            Err(OpsError::Declined { message }) => page.errors.add("details", message),
            Err(e) => return Err(e.into()),
        }
    }
    if welsh {
        // The messages above are the domain's English; say them in Welsh for the form's fields.
        let mut cy = confer_domain::validate::FormErrors::default();
        for f in ["about", "conference_id", "details"] {
            if page.errors.get(f).is_some() {
                cy.add(
                    f,
                    match f {
                        "about" => w.about_required,
                        "conference_id" => "Dewiswch y gynhadledd y mae'r gŵyn amdani",
                        _ => "Dywedwch am beth mae'r gŵyn",
                    },
                );
            }
        }
        page.errors = cy;
    }
    portal_new_view(&state, &ctx, w, page, &p, StatusCode::UNPROCESSABLE_ENTITY).await
}
