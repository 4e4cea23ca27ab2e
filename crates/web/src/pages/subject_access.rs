//! Subject access request pages (RIGHT-01). Staff: the list with deadlines (overdue marked),
//! logging a request received by letter or phone for a person of a family, and one request's
//! page, where each step is a form: verify identity, extend, gather, review each proposed
//! redaction (approve or reject, add one), produce the bundle, refuse or withdraw. Portal (in
//! English and Welsh): ask for one's records, see each request's progress, download the
//! answer. Thin adapters over `confer_ops::subject_access`; a refused form comes back with
//! what was typed and a GOV.UK error summary.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::DocumentLanguage;
use confer_domain::portal::PortalPerson;
use confer_domain::subject_access::{
    Exemption, HowReceived, IdentityCheck, Item, Redaction, RedactionKind, RefusalReason, SarState,
    SubjectAccessRequest,
};
use confer_ops::subject_access::{self as sar, NewRedaction};
use confer_ops::OpsError;
use confer_store::subject_access::RequestRow;
use serde::Deserialize;

use super::form::{done, field, pairs_of, version_of, with_status, Pairs, Refusal};

fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| s.parse()).ok()
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

// ------------------------------------------------------------------ staff: the list

#[derive(Template)]
#[template(path = "subject_access_list.html")]
struct ListView<'a> {
    page: &'a Page,
    rows: &'a [RequestRow],
    today: String,
}

impl ListView<'_> {
    fn open(&self, r: &RequestRow) -> bool {
        matches!(r.state.as_str(), "received" | "identity-verified" | "in-review")
    }
    fn overdue(&self, r: &RequestRow) -> bool {
        self.open(r) && r.due.as_str() < self.today.as_str()
    }
    fn state(&self, r: &RequestRow) -> &'static str {
        SarState::parse(&r.state).map(|s| s.label()).unwrap_or("Unknown")
    }
    fn date(&self, s: &str) -> String {
        s.parse::<NaiveDate>().map(|d| view::long_date(&d)).unwrap_or_else(|_| s.to_owned())
    }
}

/// GET /subject-access
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let rows = sar::list(&state.ops, &ctx.actor).await?;
    let page = ctx.page("Subject access requests", "/subject-access");
    let today = state.ops.clock.today().to_string();
    Ok(view::render(&ListView { page: &page, rows: &rows, today }))
}

// ------------------------------------------------------------------ staff: logging one

#[derive(Template)]
#[template(path = "subject_access_new.html")]
struct NewView<'a> {
    page: &'a Page,
    family_id: &'a str,
    people: &'a [(String, String)],
    typed: &'a NewForm,
}

impl NewView<'_> {
    fn hows(&self) -> Vec<HowReceived> {
        HowReceived::ALL.iter().copied().filter(|h| *h != HowReceived::Portal).collect()
    }
}

#[derive(Default)]
struct NewForm {
    person: String,
    received_on: String,
    how: String,
    details: String,
}

fn person_key(p: &PortalPerson) -> String {
    match p {
        PortalPerson::Adult(a) => format!("adult:{a}"),
        PortalPerson::Child(c) => format!("child:{c}"),
    }
}

fn person_of(key: &str) -> Option<PortalPerson> {
    match key.split_once(':') {
        Some(("adult", id)) if !id.is_empty() => Some(PortalPerson::Adult(id.into())),
        Some(("child", id)) if !id.is_empty() => Some(PortalPerson::Child(id.into())),
        _ => None,
    }
}

async fn new_view(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    page: Page,
    typed: &NewForm,
    status: StatusCode,
) -> Result<Response, AppError> {
    let people: Vec<(String, String)> =
        sar::people(&state.ops, &ctx.actor, family_id).await?.iter().map(|(p, n)| (person_key(p), n.clone())).collect();
    Ok(with_status(view::render(&NewView { page: &page, family_id, people: &people, typed }), status))
}

/// GET /families/{family_id}/subject-access
pub async fn new_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Result<Response, AppError> {
    let page = ctx.page("Log a subject access request", "/subject-access");
    let typed = NewForm { received_on: state.ops.clock.today().format("%d/%m/%Y").to_string(), ..NewForm::default() };
    new_view(&state, &ctx, &family_id, page, &typed, StatusCode::OK).await
}

/// POST /families/{family_id}/subject-access: `person`, `received_on`, `how`, `details`.
pub async fn log(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let typed = NewForm {
        person: field(&p, "person"),
        received_on: field(&p, "received_on"),
        how: field(&p, "how"),
        details: field(&p, "details"),
    };
    let mut page = ctx.page("Log a subject access request", "/subject-access");
    let person = person_of(&typed.person);
    if person.is_none() {
        page.errors.add("person", "Choose the person who asked for their records");
    }
    let received = date_of(&typed.received_on);
    if received.is_none() {
        page.errors.add("received_on", "Enter the date the request was received, like 03/11/2026");
    }
    let how = HowReceived::parse(&typed.how).filter(|h| *h != HowReceived::Portal);
    if how.is_none() {
        page.errors.add("how", "Choose how the request was received");
    }
    if let (Some(person), Some(received), Some(how)) = (person, received, how) {
        match sar::log_request(&state.ops, &ctx.actor, &family_id, person, received, how, &typed.details).await {
            Ok(id) => {
                return Ok(
                    Redirect::to(&format!("/subject-access/{}?done=logged", view::url_encode(&id))).into_response()
                )
            }
            Err(OpsError::Invalid { field, message }) => {
                page.errors.add(if field == "requester" { "person" } else { field }, message)
            }
            Err(e) => return Err(e.into()),
        }
    }
    new_view(&state, &ctx, &family_id, page, &typed, StatusCode::UNPROCESSABLE_ENTITY).await
}

// ------------------------------------------------------------------ staff: one request

#[derive(Template)]
#[template(path = "subject_access_request.html")]
struct RequestView<'a> {
    page: &'a Page,
    id: &'a str,
    r: &'a SubjectAccessRequest,
    version: i64,
    may_manage: bool,
    is_welsh_authority: bool,
    today: NaiveDate,
    typed: &'a Pairs,
    /// The reviewer looking: a redaction they added is for someone else to decide.
    me: &'a confer_domain::UserId,
}

impl RequestView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn overdue(&self) -> bool {
        self.r.is_overdue(self.today)
    }
    fn due(&self) -> String {
        view::long_date(&self.r.current_due())
    }
    fn open(&self) -> bool {
        self.r.is_open()
    }
    fn is(&self, s: &str) -> bool {
        self.r.state.as_str() == s
    }
    fn checks(&self) -> &'static [IdentityCheck] {
        IdentityCheck::ALL
    }
    fn refusals(&self) -> &'static [RefusalReason] {
        RefusalReason::ALL
    }
    fn kinds(&self) -> &'static [RedactionKind] {
        RedactionKind::ALL
    }
    fn exemptions(&self) -> &'static [Exemption] {
        Exemption::ALL
    }
    fn redactions_of(&self, item: &Item) -> Vec<&Redaction> {
        self.r.redactions.iter().filter(|x| x.item == item.number).collect()
    }
    fn mine(&self, x: &Redaction) -> bool {
        x.added_by.as_ref() == Some(self.me)
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn undecided(&self) -> usize {
        self.r.undecided()
    }
    fn who(&self, x: &Redaction) -> &'static str {
        if x.added_by.is_some() {
            "a reviewer"
        } else {
            "confer"
        }
    }
}

async fn request_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    let s = sar::view(&state.ops, &ctx.actor, id).await?;
    let authority = state.ops.authority(&ctx.actor.authority_id).await?;
    let v = RequestView {
        page: &page,
        id,
        r: &s.request,
        version: s.version,
        may_manage: ctx.may(Action::ManageSubjectAccess),
        is_welsh_authority: authority.nation == confer_domain::Nation::Wales,
        today: state.ops.clock.today(),
        typed,
        me: &ctx.actor.user_id,
    };
    Ok(with_status(view::render(&v), status))
}

/// GET /subject-access/{request_id}
pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Subject access request", "/subject-access");
    page.notice = q.done.map(|d| {
        match d.as_str() {
            "logged" => "The request is logged with its deadline. Verify the requester's identity next.",
            "gather" => "What confer holds about the requester is gathered below, with the redactions it proposes. Decide each one.",
            "produce" => "The bundle was produced, logged and is waiting for the requester in their portal. The request is answered.",
            _ => "Saved.",
        }
        .to_owned()
    });
    request_view(&state, &ctx, &id, page, &Vec::new(), StatusCode::OK).await
}

/// POST /subject-access/{request_id}/steps: `step` (identity, extend, gather, decide, add,
/// produce, refuse, withdraw), `version`, and the step's fields.
pub async fn step(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let version = version_of(&p);
    let ops = &state.ops;
    let a = &ctx.actor;
    let mut page = ctx.page("Subject access request", "/subject-access");
    let step = field(&p, "step");
    let result: Result<(), OpsError> = match step.as_str() {
        "identity" => match IdentityCheck::parse(&field(&p, "identity_how")) {
            Some(how) => sar::verify_identity(ops, a, &id, version, how, &field(&p, "identity_note")).await.map(|_| ()),
            None => Err(OpsError::invalid("identity_how", "Choose how the identity was checked")),
        },
        "extend" => sar::extend(ops, a, &id, version, &field(&p, "extension_reason")).await.map(|_| ()),
        "gather" => sar::gather(ops, a, &id, version).await.map(|_| ()),
        "decide" => {
            let number: u32 = field(&p, "number").parse().unwrap_or(0);
            match field(&p, "decision").as_str() {
                "approve" => sar::decide_redaction(ops, a, &id, version, number, true).await.map(|_| ()),
                "reject" => sar::decide_redaction(ops, a, &id, version, number, false).await.map(|_| ()),
                _ => Err(OpsError::invalid("decision", "Choose to approve or reject the redaction")),
            }
        }
        "add" => {
            let item: u32 = field(&p, "item").parse().unwrap_or(0);
            let whole = field(&p, "whole") == "yes";
            let text = field(&p, "text");
            match (RedactionKind::parse(&field(&p, "kind")), Exemption::parse(&field(&p, "exemption"))) {
                (Some(kind), Some(exemption)) => {
                    let reason = field(&p, "reason");
                    let n = NewRedaction {
                        item,
                        text: (!whole).then_some(text.as_str()),
                        kind,
                        reason: &reason,
                        exemption,
                    };
                    sar::add_redaction(ops, a, &id, version, n).await.map(|_| ())
                }
                (None, _) => Err(OpsError::invalid("kind", "Choose what kind of information it is")),
                (_, None) => Err(OpsError::invalid("exemption", "Choose the exemption the redaction relies on")),
            }
        }
        "produce" => {
            let lang = DocumentLanguage::parse(&field(&p, "language"));
            sar::produce(ops, a, &id, version, lang).await.map(|_| ())
        }
        "refuse" => match RefusalReason::parse(&field(&p, "refusal_reason")) {
            Some(reason) => sar::refuse(ops, a, &id, version, reason, &field(&p, "closure_note")).await.map(|_| ()),
            None => Err(OpsError::invalid("refusal_reason", "Choose why the request is refused")),
        },
        "withdraw" => sar::withdraw(ops, a, &id, version, &field(&p, "closure_note")).await.map(|_| ()),
        _ => Err(OpsError::invalid("step", "Choose what to do with the request")),
    };
    match result {
        Ok(()) => Ok(done(&format!("/subject-access/{}", view::url_encode(&id)), &step)),
        Err(e) => {
            let conflict = "Someone else changed this request since you opened it. It is shown as it is now: check \
                            it and try again.";
            let r = Refusal::of(e, "step", conflict)?;
            page.errors.add(r.field, r.message);
            request_view(&state, &ctx, &id, page, &p, r.status).await
        }
    }
}

// ------------------------------------------------------------------ portal (English and Welsh)

/// The portal's words for asking for one's records, in English and Welsh. The Welsh is a
/// careful translation; have the authority's Welsh language officer confirm it.
pub struct Words {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub deadline_note: &'static str,
    pub your_requests: &'static str,
    pub none_yet: &'static str,
    pub asked_on: &'static str,
    pub answer_due: &'static str,
    pub status: &'static str,
    pub download: &'static str,
    pub ask_title: &'static str,
    pub details_label: &'static str,
    pub details_hint: &'static str,
    pub send: &'static str,
    pub sent: &'static str,
    pub back: &'static str,
    pub extended: &'static str,
}

pub const EN: Words = Words {
    lang: "en",
    other_lang: "cy",
    other_lang_name: "Cymraeg",
    title: "Ask for your records",
    intro: "You can ask to see the information we hold about you. This is called a subject access request. We will send you a copy. We may take out some information about other people, and we will tell you why.",
    deadline_note: "We must answer within one calendar month. If your request is complex we can take up to two more months, and we will tell you why.",
    your_requests: "Your requests",
    none_yet: "You have not asked for your records yet.",
    asked_on: "Asked on",
    answer_due: "Answer due by",
    status: "Status",
    download: "Download your records (PDF)",
    ask_title: "Ask for your records",
    details_label: "What would you like to see? (optional)",
    details_hint: "For example, the reports about you, or everything. Leave this empty to ask for everything.",
    send: "Send my request",
    sent: "Your request has been sent. We will check who you are and then gather your records.",
    back: "Back to your portal",
    extended: "We have told you we need more time. New date:",
};

pub const CY: Words = Words {
    lang: "cy",
    other_lang: "en",
    other_lang_name: "English",
    title: "Gofyn am eich cofnodion",
    intro: "Gallwch ofyn am gael gweld yr wybodaeth sydd gennym amdanoch chi. Cais am wybodaeth gan y testun yw'r enw ar hyn. Byddwn yn anfon copi atoch. Efallai y byddwn yn tynnu rhywfaint o wybodaeth am bobl eraill allan, a byddwn yn dweud wrthych pam.",
    deadline_note: "Rhaid i ni ateb o fewn un mis calendr. Os yw eich cais yn gymhleth gallwn gymryd hyd at ddau fis arall, a byddwn yn dweud wrthych pam.",
    your_requests: "Eich ceisiadau",
    none_yet: "Nid ydych wedi gofyn am eich cofnodion eto.",
    asked_on: "Gofynnwyd ar",
    answer_due: "Ateb erbyn",
    status: "Statws",
    download: "Lawrlwytho eich cofnodion (PDF)",
    ask_title: "Gofyn am eich cofnodion",
    details_label: "Beth hoffech chi ei weld? (dewisol)",
    details_hint: "Er enghraifft, yr adroddiadau amdanoch chi, neu'r cyfan. Gadewch hwn yn wag i ofyn am y cyfan.",
    send: "Anfon fy nghais",
    sent: "Mae eich cais wedi'i anfon. Byddwn yn gwirio pwy ydych chi ac yna'n casglu eich cofnodion.",
    back: "Yn ôl i'ch porth",
    extended: "Rydym wedi dweud wrthych fod angen mwy o amser arnom. Dyddiad newydd:",
};

pub fn words_for(lang: Option<&str>) -> &'static Words {
    match lang {
        Some("cy") => &CY,
        _ => &EN,
    }
}

/// A request's state in the portal's words.
pub fn state_words(s: SarState, lang: &str) -> &'static str {
    let cy = lang == "cy";
    match (s, cy) {
        (SarState::Received, false) => "Received: we will check who you are",
        (SarState::Received, true) => "Wedi'i dderbyn: byddwn yn gwirio pwy ydych chi",
        (SarState::IdentityVerified, false) | (SarState::InReview, false) => {
            "We are gathering and checking your records"
        }
        (SarState::IdentityVerified, true) | (SarState::InReview, true) => {
            "Rydym yn casglu ac yn gwirio eich cofnodion"
        }
        (SarState::Answered, false) => "Answered: your records are ready to download",
        (SarState::Answered, true) => "Wedi'i ateb: mae eich cofnodion yn barod i'w lawrlwytho",
        (SarState::Refused, false) => "We could not answer this request; we have written to you to say why",
        (SarState::Refused, true) => "Nid oeddem yn gallu ateb y cais hwn; rydym wedi ysgrifennu atoch i ddweud pam",
        (SarState::Withdrawn, false) => "Withdrawn",
        (SarState::Withdrawn, true) => "Wedi'i dynnu'n ôl",
    }
}

pub struct PortalRow {
    pub id: String,
    pub asked_on: String,
    pub due: String,
    pub extended: bool,
    pub status: &'static str,
    pub ready: bool,
}

#[derive(Template)]
#[template(path = "portal_records.html")]
struct PortalView<'a> {
    page: &'a Page,
    w: &'static Words,
    family_id: &'a str,
    rows: Vec<PortalRow>,
    details: &'a str,
}

fn portal_date(d: NaiveDate, lang: &str) -> String {
    let language = if lang == "cy" { DocumentLanguage::Welsh } else { DocumentLanguage::English };
    confer_docs::letters::long_date(d, language)
}

async fn portal_view(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    w: &'static Words,
    mut page: Page,
    details: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let rows = sar::own_requests(&state.ops, &ctx.actor, family_id)
        .await?
        .into_iter()
        .map(|s| PortalRow {
            id: s.id,
            asked_on: portal_date(s.request.received_on, w.lang),
            due: portal_date(s.request.current_due(), w.lang),
            extended: s.request.extension.is_some(),
            status: state_words(s.request.state, w.lang),
            ready: s.has_bundle,
        })
        .collect();
    page.lang = w.lang;
    Ok(with_status(view::render(&PortalView { page: &page, w, family_id, rows, details }), status))
}

/// GET /portal/families/{family_id}/records-requests
pub async fn portal(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let w = words_for(q.lang.as_deref());
    let mut page = ctx.page(w.title, "/portal");
    if q.done.is_some() {
        page.notice = Some(w.sent.to_owned());
    }
    portal_view(&state, &ctx, &family_id, w, page, "", StatusCode::OK).await
}

/// POST /portal/families/{family_id}/records-requests: `details`, `lang`.
pub async fn portal_ask(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let w = words_for(Some(field(&p, "lang").as_str()));
    let details = field(&p, "details");
    match sar::ask(&state.ops, &ctx.actor, &family_id, &details).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/portal/families/{}/records-requests?done=1&lang={}",
            view::url_encode(&family_id),
            w.lang
        ))
        .into_response()),
        Err(OpsError::Invalid { message, .. }) | Err(OpsError::Declined { message }) => {
            let mut page = ctx.page(w.title, "/portal");
            page.errors.add("details", message);
            portal_view(&state, &ctx, &family_id, w, page, &details, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /portal/families/{family_id}/records-requests/{request_id}/download: the requester's
/// own bundle; while it is not ready, back to the list.
pub async fn portal_download(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, id)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    match sar::own_bundle(&state.ops, &ctx.actor, &family_id, &id).await? {
        Some((bytes, lang)) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"your-records.pdf\""),
            );
            if let Ok(v) = HeaderValue::from_str(&lang) {
                h.insert(header::CONTENT_LANGUAGE, v);
            }
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        None => {
            let lang = words_for(q.lang.as_deref()).lang;
            Ok(Redirect::to(&format!("/portal/families/{}/records-requests?lang={lang}", view::url_encode(&family_id)))
                .into_response())
        }
    }
}
