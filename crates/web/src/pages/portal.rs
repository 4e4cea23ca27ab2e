//! The family portal (issue 6): parents, carers and young people see their own conferences
//! and take part, in English or Welsh (LANG-04). Each page asks the one access policy first
//! (the portal's own actions, which only a family member linked to the family has), then
//! finds the person of the family the account is linked to; a conference they are not part
//! of answers 404 like any other. What they see is the domain's copy for them (REP-03,
//! EXC-06); what they do goes through the same domain operations and optimistic save as the
//! staff pages, audited in the same transaction. Every read is logged (ROLE-11).
//!
//! Staff give portal access from the family's record ([`access_page`], [`give_access`]).

use super::conferences::{allow, may, save, to_app, Kept, Problem, Sent};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::plan::ActionStatus;
use confer_domain::portal::{check_email, portal_role, PortalPerson};
use confer_domain::validate::FormErrors;
use confer_ops::OpsError;
use confer_store::{conferences, families, portal};
use serde::Deserialize;

use super::portal_words::{self as words, Words};

#[derive(Deserialize, Default)]
pub struct PortalQuery {
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
    /// Issue 14: why the letters choice was not saved (`choose`, `conflict`).
    #[serde(default)]
    pub letters: Option<String>,
}

fn portal_page(ctx: &Ctx, title: &str, w: &Words) -> Page {
    let mut page = ctx.page(title, "/portal");
    page.lang = w.lang;
    page
}

/// The conference's person for this portal account, and how they receive documents.
fn conference_person(person: &PortalPerson) -> (Person, Recipient) {
    match person {
        PortalPerson::Adult(a) => (Person::FamilyMember(a.clone()), Recipient::FamilyMember(a.clone())),
        PortalPerson::Child(c) => (Person::Child(c.clone()), Recipient::Child(c.clone())),
    }
}

/// Whether the person is one the conference is about or with (its family members and children).
fn is_part_of(c: &Conference, person: &Person) -> bool {
    match person {
        Person::FamilyMember(a) => c.family_members().iter().any(|m| &m.adult_id == a),
        Person::Child(ch) => c.children().iter().any(|x| &x.child_id == ch),
        Person::Professional(_) => false,
    }
}

/// The person signed in, as the conference's rules see them.
struct Me {
    acting: Acting,
    person: Person,
    recipient: Recipient,
    family_id: String,
    authority: confer_domain::AuthorityId,
    can_take_part: bool,
}

/// Asks the policy, then finds the linked person and checks they are part of this conference.
async fn me(state: &SharedState, ctx: &Ctx, action: Action, id: &str) -> Result<(Me, conferences::Stored), AppError> {
    let allowed = allow(state, ctx, action, id).await?;
    let family_id = allowed.owner.family_id.as_str().to_owned();
    let linked = portal::person_in(&state.db, &ctx.actor.user_id, &family_id).await?.ok_or(AppError::NotFound)?;
    let stored = conferences::load(&state.db, id).await?;
    let (person, recipient) = conference_person(&linked);
    if !is_part_of(&stored.conference, &person) {
        return Err(AppError::NotFound);
    }
    let mut acting = allowed.acting.clone();
    match &linked {
        PortalPerson::Adult(a) => acting.adult_id = Some(a.clone()),
        PortalPerson::Child(c) => acting.child_id = Some(c.clone()),
    }
    let can_take_part = may(ctx, &allowed, Action::TakePartAsFamily);
    Ok((Me { acting, person, recipient, family_id, authority: allowed.owner.authority_id, can_take_part }, stored))
}

// ---------------------------------------------------------------- home

pub struct HomeRow {
    pub id: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub date: String,
    pub time: String,
    pub place: String,
    pub video: String,
    pub chair: String,
    pub children: String,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct PortalHome<'a> {
    page: &'a Page,
    /// RIGHT-02: whether to offer "Make a complaint" and "My complaints".
    complain: bool,
    cw: &'static super::complaints::Words,
    t: &'a super::portal_text::Text,
    w: &'a Words,
    rows: Vec<HomeRow>,
    /// Issue 13: the children's plans this person may read (PLAN-06, CHILD-04).
    plans: Vec<confer_ops::plan_people::PortalPlanLink>,
    pw: &'static super::portal_plan::PlanWords,
    /// Issue 13: a partner professional's own actions and core group dates (PLAN-02, CG-02).
    work: Option<confer_ops::plan_people::MyWork>,
    /// Issue 14: the conferences a partner professional is invited to (ROLE-04, REP-02).
    invited: Option<Vec<confer_ops::plan_people::InvitedConference>>,
    statuses: Vec<(&'static str, &'static str)>,
    /// QA-01: conferences the person is asked to give feedback about, still open.
    feedback: Vec<FeedbackCard>,
    fw: &'static super::feedback::Words,
    /// RIGHT-01: the families in which this person may ask for their own records.
    records_families: Vec<String>,
    sw: &'static super::subject_access::Words,
    /// Issue 14: a partner professional's home in English or Welsh.
    pro: &'static super::pro_words::ProWords,
    /// Issue 14, LANG-03: how a parent or carer gets letters, per family, and why a choice was
    /// not saved.
    letters: Vec<confer_ops::contact::LettersChoice>,
    lw: &'static super::portal_letters::LetterWords,
    letters_error: Option<&'static str>,
}

/// A conference the person is asked about (QA-01), on the portal's home.
pub struct FeedbackCard {
    pub conference_id: String,
    pub about: String,
    pub closes_on: String,
}

/// The meeting's date, time, place, video link and chair, as this reader may see them: someone
/// excluded from the whole conference (or their supporter) is not given when or where it meets
/// (EXC-04, EXC-06; decided by [`Visibility::for_recipient`]).
fn slot_texts(
    c: &Conference,
    reader: &Recipient,
    w: &Words,
    names: &std::collections::BTreeMap<String, String>,
) -> (String, String, String, String, String) {
    if !Visibility::for_recipient(c, reader).meeting_details {
        return (w.excluded_no_details.to_owned(), String::new(), String::new(), String::new(), String::new());
    }
    match c.slot() {
        Some(s) => (
            long_date_in(&s.date, w),
            s.time.format("%H:%M").to_string(),
            s.venue.clone().unwrap_or_default(),
            s.video_link.clone().unwrap_or_default(),
            names.get(s.chair.as_str()).cloned().unwrap_or_default(),
        ),
        None => (w.not_yet_arranged.to_owned(), String::new(), String::new(), String::new(), String::new()),
    }
}

/// "23 November 2026", or in Welsh "23 Tachwedd 2026".
pub(crate) fn long_date_in(d: &chrono::NaiveDate, w: &Words) -> String {
    use chrono::Datelike;
    if w.lang != "cy" {
        return view::long_date(d);
    }
    const MONTHS: [&str; 12] = [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// The portal's home: the person's conferences (kind, date, time, place or link, chair, for whom).
pub async fn home(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PortalQuery>,
) -> Result<Response, AppError> {
    let t = super::portal_text::for_nation(q.lang.as_deref(), ctx.words);
    let w = words::for_nation(q.lang.as_deref(), ctx.words);
    let mut rows = Vec::new();
    let links = portal::links_of(&state.db, &ctx.actor.user_id).await?;
    if !links.is_empty() {
        let (names, _) = super::conferences::user_names(&state, &ctx).await?;
        for (family_id, linked) in &links {
            let (person, recipient) = conference_person(linked);
            for row in conferences::of_family(&state.db, family_id).await? {
                let stored = conferences::load(&state.db, &row.id).await?;
                let c = &stored.conference;
                if !is_part_of(c, &person) || c.state() == ConferenceState::Requested {
                    continue;
                }
                let (date, time, place, video, chair) = slot_texts(c, &recipient, w, &names);
                rows.push(HomeRow {
                    id: row.id.clone(),
                    kind: w.kind(ctx.words, c.kind()),
                    state: w.state(c.state()),
                    date,
                    time,
                    place,
                    video,
                    chair,
                    children: c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", "),
                });
            }
            families::log_read(
                &state.db,
                &ctx.actor.authority_id,
                &ctx.actor.user_id,
                family_id,
                "portal.conferences.list",
            )
            .await?;
        }
    }
    let plans = confer_ops::plan_people::portal_plans(&state.ops, &ctx.actor).await?;
    let pw = super::portal_plan::plan_words_for_nation(w.lang, ctx.words);
    // Partner professionals' home is the portal (issue 11): their actions and core groups.
    let work = if ctx.may(Action::ListMyPlans) {
        Some(confer_ops::plan_people::my_work(&state.ops, &ctx.actor).await?)
    } else {
        None
    };
    // A partner professional (no family of their own here) sees the conferences they are
    // invited to in place of a family's conferences.
    let invited = if work.is_some() && links.is_empty() {
        Some(confer_ops::plan_people::my_conferences(&state.ops, &ctx.actor).await?)
    } else {
        None
    };
    let statuses = ActionStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect();
    let fw = super::feedback::words(Some(w.lang));
    let feedback = confer_ops::feedback::open_for(&state.ops, &ctx.actor)
        .await?
        .into_iter()
        .map(|f| FeedbackCard {
            conference_id: f.invitation.conference_id.clone(),
            about: format!(
                "{}{}",
                w.kind(ctx.words, f.kind),
                f.held_on.map(|d| format!(", {}", long_date_in(&d, w))).unwrap_or_default()
            ),
            closes_on: long_date_in(&f.closes_on, w),
        })
        .collect();
    let pro = super::pro_words::for_nation(w.lang, ctx.words);
    let title = if invited.is_some() { pro.title } else { t.home_title };
    let mut page = portal_page(&ctx, title, w);
    if q.done.as_deref() == Some("feedback") {
        page.notice = Some(fw.thanks_title.to_owned());
    }
    let lw = super::portal_letters::words(w.lang);
    let (saved, letters_error) = super::portal_letters::said(lw, q.done.as_deref(), q.letters.as_deref());
    if let Some(n) = saved {
        page.notice = Some(n.to_owned());
    }
    let letters = if ctx.actor.roles.contains(&confer_domain::Role::Parent) {
        confer_ops::contact::letters_choices(&state.ops, &ctx.actor).await?
    } else {
        Vec::new()
    };
    let asks =
        ctx.actor.roles.iter().any(|r| matches!(r, confer_domain::Role::Parent | confer_domain::Role::YoungPerson));
    let records_families = if asks { links.iter().map(|(f, _)| f.clone()).collect() } else { Vec::new() };
    let sw = super::subject_access::words_for(Some(w.lang));
    // RIGHT-02: a parent makes and follows their complaints from here.
    let complain = ctx.may(Action::ComplainAsFamily) && !links.is_empty();
    let cw = super::complaints::words_for(Some(w.lang));
    Ok(view::render(&PortalHome {
        complain,
        cw,
        page: &page,
        t,
        w,
        rows,
        plans,
        pw,
        work,
        invited,
        statuses,
        feedback,
        fw,
        records_families,
        sw,
        pro,
        letters,
        lw,
        letters_error,
    }))
}

// ---------------------------------------------------------------- one conference

pub struct ReportView {
    pub by: String,
    pub shared_on: String,
    pub parts: Vec<(String, String)>,
    pub withheld: bool,
}

pub struct RecordView {
    pub version: u32,
    pub sections: Vec<(String, String)>,
    pub withheld: bool,
    pub confidentiality: String,
}

pub struct ExclusionView {
    pub whole: bool,
    pub part: String,
    pub reasons: Vec<&'static str>,
    pub views: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "portal_conference.html")]
struct ConferencePage<'a> {
    page: &'a Page,
    w: &'a Words,
    t: &'a super::portal_text::Text,
    kept: &'a Kept,
    id: &'a str,
    version: i64,
    kind: &'static str,
    state: &'static str,
    date: String,
    time: String,
    place: String,
    video: String,
    chair: String,
    children: String,
    cancelled: bool,
    young: bool,
    exclusions: Vec<ExclusionView>,
    invited: bool,
    answer: Option<String>,
    can_answer: bool,
    answer_opts: Vec<(&'static str, &'static str)>,
    supporters: Vec<(String, &'static str, &'static str)>,
    can_name_supporter: bool,
    supporter_kinds: Vec<(&'static str, &'static str)>,
    reports: Vec<ReportView>,
    views: Vec<(String, bool)>,
    can_send_views: bool,
    interpreter: String,
    needs: Vec<(&'static str, String, bool)>,
    need_kinds: Vec<(&'static str, &'static str)>,
    can_tell_needs: bool,
    closed: bool,
    outcomes: Vec<(String, String)>,
    record: Option<RecordView>,
    corrections: Vec<(String, String)>,
    can_correct: bool,
    /// LANG-02, LANG-03: what they asked for (document, format, where it stands), the words.
    formats: Vec<(String, String, String)>,
    can_ask_format: bool,
    fw: &'static super::formats::Words,
}

impl ConferencePage<'_> {
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        self.page.error_in(form, field)
    }
}

const OPEN: [ConferenceState; 3] =
    [ConferenceState::Requested, ConferenceState::Scheduled, ConferenceState::InProgress];

async fn conference_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    w: &'static Words,
    errors: FormErrors,
    kept: &Kept,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let t = super::portal_text::for_nation(Some(w.lang), ctx.words);
    let (me, stored) = me(state, ctx, Action::ViewFamilyConference, id).await?;
    let c = &stored.conference;
    // ROLE-11: every read of a family's record is logged, the portal's too.
    families::log_read(&state.db, &me.authority, &ctx.actor.user_id, &me.family_id, "portal.conference.read").await?;
    let (names, _) = super::conferences::user_names(state, ctx).await?;
    let (date, time, place, video, chair) = slot_texts(c, &me.recipient, w, &names);
    let st = c.state();
    let young = matches!(me.person, Person::Child(_));

    // EXC-04, EXC-06: that they are excluded, why and how their views are heard; never the part itself.
    let exclusions = match &me.person {
        Person::FamilyMember(a) => c
            .exclusions()
            .iter()
            .filter(|e| &e.decision.adult_id == a)
            .map(|e| ExclusionView {
                whole: matches!(e.decision.scope, ExclusionScope::Whole),
                part: match &e.decision.scope {
                    ExclusionScope::Part { part, .. } => part.label().to_owned(),
                    ExclusionScope::Whole => String::new(),
                },
                reasons: e.decision.reasons.iter().map(|r| w.exclusion_reason(*r)).collect(),
                views: e.decision.views_by.iter().map(|r| w.views_route(*r)).collect(),
            })
            .collect(),
        _ => Vec::new(),
    };

    let invitation = c.invitation_of(&me.person);
    let answer = invitation.and_then(|i| i.answer.as_ref()).map(|a| w.answer(a));
    let supporters = c
        .invitations()
        .iter()
        .filter_map(|i| match &i.invitee {
            Invitee::Supporter(s) if s.supports == me.person => {
                let status = match &s.late_notice {
                    None => "",
                    Some(LateNotice { chair_decision: None, .. }) => w.supporter_late,
                    Some(LateNotice { chair_decision: Some(d), .. }) => {
                        if d.allowed {
                            w.supporter_allowed
                        } else {
                            w.supporter_not_allowed
                        }
                    }
                };
                Some((s.name.clone(), w.supporter_kind(s.kind), status))
            }
            _ => None,
        })
        .collect();

    // REP-01, REP-03: only the reports shared with this person, without restricted parts.
    let mut reports = Vec::new();
    let mut seen = Vec::new();
    for sent in c.report_log().iter().filter(|s| s.recipient == me.recipient) {
        if seen.contains(&sent.report) {
            continue;
        }
        seen.push(sent.report);
        if let Ok(copy) = c.report_copy_for(sent.report, &me.recipient) {
            reports.push(ReportView {
                by: c.name_of(&Person::Professional(copy.author.clone())),
                shared_on: long_date_in(&sent.on, w),
                parts: copy.parts.iter().map(|p| (p.heading.clone(), p.text.clone())).collect(),
                withheld: copy.parts_withheld,
            });
        }
    }

    let views = c
        .views()
        .iter()
        .filter(|v| v.given.whose == me.person)
        .map(|v| (v.given.summary.clone(), v.presented.as_ref().is_some_and(|p| p.read_out)))
        .collect();

    // INV-08, LANG-01: what they told us and whether it is arranged.
    let (interpreter, needs) = match &me.person {
        Person::FamilyMember(a) => match c.family_members().iter().find(|m| &m.adult_id == a) {
            Some(m) => (
                if m.communication.needs_interpreter { m.communication.first_language.clone() } else { String::new() },
                m.needs.iter().map(|n| (w.need(n.kind), n.detail.clone(), n.met.is_some())).collect(),
            ),
            None => (String::new(), Vec::new()),
        },
        Person::Child(ch) => match c.children().iter().find(|x| &x.child_id == ch) {
            Some(x) => (
                if x.communication.needs_interpreter { x.communication.first_language.clone() } else { String::new() },
                if x.communication.access_needs.is_empty() {
                    Vec::new()
                } else {
                    vec![("", x.communication.access_needs.clone(), false)]
                },
            ),
            None => (String::new(), Vec::new()),
        },
        Person::Professional(_) => (String::new(), Vec::new()),
    };

    // DEC-05: the outcome for each child, once decided.
    let outcomes =
        c.decisions().iter().map(|d| (c.name_of(&Person::Child(d.child.clone())), w.outcome(&d.outcome))).collect();

    // MIN-02, MIN-03, MIN-05, EXC-06, REP-03: the version of the record sent to them (not a
    // newer one approved since), as they may see it; nothing until one is sent to them.
    let language = if w.lang == "cy" { DocumentLanguage::Welsh } else { DocumentLanguage::English };
    let record = match c.record_copy_sent_to(&me.recipient, language) {
        Some(copy) => {
            families::log_read(&state.db, &me.authority, &ctx.actor.user_id, &me.family_id, "portal.record.read")
                .await?;
            Some(RecordView {
                version: copy.version,
                sections: copy.sections.iter().map(|s| (s.heading.clone(), s.text.clone())).collect(),
                withheld: copy.sections_withheld,
                confidentiality: copy.confidentiality.unwrap_or_default().to_owned(),
            })
        }
        _ => None,
    };
    let corrections = match &me.person {
        Person::FamilyMember(a) => c
            .record()
            .correction_requests
            .iter()
            .filter(|r| &r.by == a)
            .map(|r| {
                let status = match &r.answer {
                    None => w.correction_waiting.to_owned(),
                    Some(CorrectionAnswer::Accepted { .. }) => w.correction_accepted.to_owned(),
                    Some(CorrectionAnswer::Declined { reason }) => format!("{} {reason}", w.correction_declined),
                };
                (r.what.clone(), status)
            })
            .collect(),
        _ => Vec::new(),
    };
    let adult = matches!(me.person, Person::FamilyMember(_));
    // LANG-02, LANG-03: their own requests for a translation or another format.
    let fw = super::formats::words(w.lang);
    let formats = c
        .format_requests()
        .iter()
        .filter(|r| r.for_recipient == me.recipient)
        .map(|r| {
            let status = match r.fulfilled_on {
                Some(on) => format!("{} {}", fw.sent_on, long_date_in(&on, w)),
                None => format!("{} {}; {}", fw.asked_on, long_date_in(&r.requested_on, w), fw.preparing),
            };
            (fw.document(r.document).to_owned(), fw.format(&r.format), status)
        })
        .collect();
    // EXC-04, EXC-06: excluded from the whole conference, they are not told when or where it
    // meets, do not say they will come, name no supporter and tell no needs for attending it.
    let fully_excluded = !Visibility::for_recipient(c, &me.recipient).meeting_details;
    let title = w.kind(ctx.words, c.kind());
    let mut page = portal_page(ctx, title, w);
    page.errors = errors;
    page.notice = notice;
    let status = if page.errors.0.iter().any(|(_, m)| m == w.conflict) { StatusCode::CONFLICT } else { StatusCode::OK };
    let html = view::render(&ConferencePage {
        page: &page,
        w,
        t,
        kept,
        id,
        version: stored.version,
        kind: title,
        state: w.state(st),
        date,
        time,
        place,
        video,
        chair,
        children: c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", "),
        cancelled: st == ConferenceState::Cancelled,
        young,
        exclusions,
        invited: invitation.is_some(),
        answer,
        can_answer: me.can_take_part && !fully_excluded && invitation.is_some() && st == ConferenceState::Scheduled,
        answer_opts: vec![
            ("in-person", w.answer_in_person),
            ("remote", w.answer_remote),
            ("report-only", w.answer_report_only),
            ("declined", w.answer_declined),
        ],
        supporters,
        can_name_supporter: me.can_take_part && !fully_excluded && st == ConferenceState::Scheduled,
        supporter_kinds: SupporterKind::ALL.iter().map(|k| (k.as_str(), w.supporter_kind(*k))).collect(),
        reports,
        views,
        can_send_views: me.can_take_part && OPEN.contains(&st),
        interpreter,
        needs,
        need_kinds: PracticalNeedKind::ALL.iter().map(|k| (k.as_str(), w.need(*k))).collect(),
        can_tell_needs: me.can_take_part && !fully_excluded && OPEN.contains(&st),
        closed: st == ConferenceState::Closed,
        outcomes,
        can_correct: me.can_take_part && adult && record.is_some(),
        record,
        corrections,
        formats,
        can_ask_format: me.can_take_part && st != ConferenceState::Cancelled,
        fw,
    });
    Ok((status, html).into_response())
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PortalQuery>,
) -> Result<Response, AppError> {
    let w = words::for_nation(q.lang.as_deref(), ctx.words);
    let notice = q.done.as_deref().map(|d| match d {
        "answer" => w.done_answer,
        "supporter" => w.done_supporter,
        "views" => w.done_views,
        "needs" => w.done_needs,
        "correction" => w.done_correction,
        "formats" => super::formats::words(w.lang).done,
        _ => "",
    });
    let notice = notice.filter(|n| !n.is_empty()).map(str::to_owned);
    conference_page(&state, &ctx, &id, w, FormErrors::default(), &Kept::default(), notice).await
}

/// After a portal form: on success back to the conference page with a notice (in the person's
/// language); refused, the page again with the reason and what they wrote kept.
#[allow(clippy::too_many_arguments)]
async fn finish(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    w: &'static Words,
    form: &str,
    field: &'static str,
    sent: Sent,
    result: Result<(), Problem>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let status = super::conferences::problem_status(&result);
    match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/portal/conferences/{id}?lang={}&done={form}", w.lang)).into_response())
        }
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(&format!("{form}-{field}"), w.conflict),
        Err(Problem::Ops(OpsError::Refused(e))) => errors.add(&format!("{form}-{field}"), e.to_string()),
        Err(Problem::Ops(OpsError::Invalid { message, .. })) | Err(Problem::Ops(OpsError::Duplicate { message })) => {
            errors.add(&format!("{form}-{field}"), message)
        }
        Err(Problem::Ops(other)) => return Err(to_app(other)),
    }
    let kept = Kept { form: form.to_owned(), sent };
    let page = conference_page(state, ctx, id, w, errors, &kept, None).await?;
    Ok((status, page).into_response())
}

/// Reads the form, asks the policy and finds the person: what every portal form starts with.
async fn begin(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    f: Vec<(String, String)>,
) -> Result<(Me, Sent, i64, &'static Words), AppError> {
    let (me, _) = me(state, ctx, Action::TakePartAsFamily, id).await?;
    let sent = Sent(f);
    let w = words::for_nation(Some(sent.get("lang")), ctx.words);
    let v = sent.version()?;
    Ok((me, sent, v, w))
}

/// INV-04: the person answers their own invitation.
pub async fn answer(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let answer = match sent.get("answer") {
            "in-person" => Answer::InPerson,
            "remote" => Answer::Remote,
            "report-only" => Answer::ReportOnly,
            "declined" => match sent.opt("reason") {
                Some(reason) => Answer::Declined { reason },
                None => return Err(Problem::Field("reason", w.decline_reason.into())),
            },
            _ => return Err(Problem::Field("answer", w.answer_error.into())),
        };
        let today = state.settings.clock.today();
        save(&state, &ctx, &id, v, "portal.answer-invitation", |c| {
            let number =
                c.invitation_of(&me.person).map(|i| i.id).ok_or(ConferenceError::NotFound { what: "invitation" })?;
            c.answer_invitation(&me.acting, number, answer, today)
        })
        .await
    }
    .await;
    finish(&state, &ctx, &id, w, "answer", "answer", sent, r).await
}

/// INV-05, CHILD-02: the person names their own supporter; named late, the chair decides.
pub async fn supporter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let Some(name) = sent.opt("name") else {
            return Err(Problem::Field("name", w.supporter_error_name.into()));
        };
        let Some(kind) = SupporterKind::parse(sent.get("kind")) else {
            return Err(Problem::Field("kind", w.supporter_error_kind.into()));
        };
        let rules = Rules::load(&state, &me.authority).await.map_err(Problem::Ops)?;
        let today = state.settings.clock.today();
        let policy = rules.policy(today);
        let details = SupporterDetails { name, kind, supports: me.person.clone(), represents: false };
        save(&state, &ctx, &id, v, "portal.name-supporter", |c| {
            c.name_supporter(&me.acting, details, &policy, &rules.calendar, today)
        })
        .await
    }
    .await;
    finish(&state, &ctx, &id, w, "supporter", "name", sent, r).await
}

/// INV-07, CHILD-02: the person's own views, as a letter to the chair read out at the conference.
pub async fn views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let Some(summary) = sent.opt("views") else {
            return Err(Problem::Field("views", w.views_error.into()));
        };
        let today = state.settings.clock.today();
        let given = ViewsGiven {
            whose: me.person.clone(),
            form: ViewsForm::Letter,
            summary,
            how_obtained: "Written by them in the family portal".into(),
            obtained_by: ctx.user.account.display_name.clone(),
            obtained_on: today,
            supported_by: None,
        };
        save(&state, &ctx, &id, v, "portal.send-views", |c| c.record_views(&me.acting, given)).await
    }
    .await;
    finish(&state, &ctx, &id, w, "views", "views", sent, r).await
}

/// INV-08, LANG-01: the person tells us what they need to take part.
pub async fn needs(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let detail = sent.get("detail").trim().to_owned();
        let kinds: Vec<PracticalNeedKind> =
            sent.all("need").iter().filter_map(|k| PracticalNeedKind::parse(k)).collect();
        if kinds.contains(&PracticalNeedKind::Other) && detail.is_empty() {
            return Err(Problem::Field("detail", format!("{}: {}", w.needs_detail, w.need(PracticalNeedKind::Other))));
        }
        let told = NeedsTold {
            interpreter_language: sent.opt("interpreter"),
            needs: kinds.into_iter().map(|k| (k, detail.clone())).collect(),
        };
        if told.interpreter_language.is_none() && told.needs.is_empty() {
            return Err(Problem::Field("interpreter", w.needs_legend.into()));
        }
        let person = me.person.clone();
        save(&state, &ctx, &id, v, "portal.tell-needs", |c| c.tell_needs(&me.acting, &person, told)).await
    }
    .await;
    finish(&state, &ctx, &id, w, "needs", "interpreter", sent, r).await
}

/// LANG-02, LANG-03: the person asks for their own documents in another language or format.
pub async fn format_request(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let fw = super::formats::words(w.lang);
    let r = async {
        let Some(document) = FamilyDocument::parse(sent.get("document")) else {
            return Err(Problem::Field("document", fw.error_document.into()));
        };
        let Some(format) = RequestedFormat::from_key(sent.get("format"), sent.get("language")) else {
            return Err(Problem::Field("format", fw.error_format.into()));
        };
        if matches!(&format, RequestedFormat::Translation { language } if language.is_empty()) {
            return Err(Problem::Field("language", fw.error_language.into()));
        }
        let today = state.settings.clock.today();
        let recipient = me.recipient.clone();
        let r = save(&state, &ctx, &id, v, "portal.request-format", |c| {
            c.request_format(&me.acting, recipient, document, format, today)
        })
        .await;
        // Asked twice: said in their language.
        match r {
            Err(Problem::Ops(OpsError::Refused(ConferenceError::AlreadyRecorded { .. }))) => {
                Err(Problem::Field("document", fw.error_twice.into()))
            }
            other => other,
        }
    }
    .await;
    finish(&state, &ctx, &id, w, "formats", "document", sent, r).await
}

/// MIN-04: a parent asks the chair to correct the record.
pub async fn correction(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (me, sent, v, w) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let Some(what) = sent.opt("what") else {
            return Err(Problem::Field("what", w.correction_error.into()));
        };
        let Some(adult) = me.acting.adult_id.clone() else {
            return Err(Problem::Field("what", w.help.into()));
        };
        let today = state.settings.clock.today();
        save(&state, &ctx, &id, v, "portal.request-record-correction", |c| {
            let version = c.record().latest().map(|r| r.number).ok_or(ConferenceError::RecordNotApproved)?;
            c.request_record_correction(&me.acting, &adult, version, &what, today)
        })
        .await
    }
    .await;
    finish(&state, &ctx, &id, w, "correction", "what", sent, r).await
}

// ---------------------------------------------------------------- staff: give portal access

#[derive(Template)]
#[template(path = "portal_access.html")]
struct AccessPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    family_name: &'a str,
    people: Vec<(String, String)>,
    /// (name, address, account id)
    linked: Vec<(String, String, String)>,
    person: String,
    email: String,
}

fn person_value(p: &PortalPerson) -> String {
    match p {
        PortalPerson::Adult(a) => format!("adult:{a}"),
        PortalPerson::Child(c) => format!("child:{c}"),
    }
}

fn person_of(v: &str) -> Option<PortalPerson> {
    match v.split_once(':')? {
        ("adult", id) => Some(PortalPerson::Adult(id.into())),
        ("child", id) => Some(PortalPerson::Child(id.into())),
        _ => None,
    }
}

async fn access_view(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    errors: FormErrors,
    notice: Option<String>,
    person: &str,
    email: &str,
) -> Result<Response, AppError> {
    ctx.authorize_record(state, Action::GivePortalAccess, family_id).await?;
    let r = families::family_record(&state.db, family_id).await?;
    families::log_read(&state.db, &ctx.actor.authority_id, &ctx.actor.user_id, family_id, "family.portal-access.read")
        .await?;
    let name_of = |p: &PortalPerson| match p {
        PortalPerson::Adult(a) => r
            .adults
            .iter()
            .find(|x| &x.id == a)
            .map(|x| format!("{} {}", x.given_name, x.family_name))
            .unwrap_or_default(),
        PortalPerson::Child(c) => r
            .children
            .iter()
            .find(|x| &x.id == c)
            .map(|x| format!("{} {} (young person)", x.given_name, x.family_name))
            .unwrap_or_default(),
    };
    let mut people: Vec<(String, String)> = r
        .adults
        .iter()
        .map(|a| {
            let p = PortalPerson::Adult(a.id.clone());
            (person_value(&p), name_of(&p))
        })
        .collect();
    people.extend(r.children.iter().map(|c| {
        let p = PortalPerson::Child(c.id.clone());
        (person_value(&p), name_of(&p))
    }));
    let linked = portal::links_of_family(&state.db, family_id)
        .await?
        .iter()
        .map(|(p, e, u)| (name_of(p), e.clone(), u.to_string()))
        .collect();
    let mut page = ctx.page("Portal access", "/families");
    page.errors = errors;
    page.notice = notice;
    Ok(view::render(&AccessPage {
        page: &page,
        family_id,
        family_name: &r.family.name,
        people,
        linked,
        person: person.to_owned(),
        email: email.to_owned(),
    }))
}

pub async fn access_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<PortalQuery>,
) -> Result<Response, AppError> {
    let notice = match q.done.as_deref() {
        Some("revoked") => Some("Portal access ended. They were signed out.".to_owned()),
        Some(_) => Some(
            "Portal access given. They sign in at /portal/sign-in with a code sent to their email address.".to_owned(),
        ),
        None => None,
    };
    access_view(&state, &ctx, &family_id, FormErrors::default(), notice, "", "").await
}

/// ROLE-05, ROLE-06, CHILD-01: a coordinator or the family's social worker gives a parent,
/// carer or young person portal access at the email address they gave (audited).
pub async fn give_access(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::GivePortalAccess, &family_id).await?;
    let sent = Sent(f);
    let (person_text, email_text) = (sent.get("person").to_owned(), sent.get("email").to_owned());
    let mut errors = FormErrors::default();
    let person = person_of(&person_text);
    if person.is_none() {
        errors.add("person", "Select who to give portal access to");
    }
    let email = check_email(&email_text);
    if let Err(e) = &email {
        errors.add("email", e.to_string());
    }
    if let (Some(person), Ok(email)) = (person, email) {
        let r = families::family_record(&state.db, &family_id).await?;
        let a = confer_store::users::authority(&state.db, &r.family.authority_id).await?;
        let history = confer_store::calendar::policy_history(&state.db, &a).await?;
        let today = state.settings.clock.today();
        match portal_role(&person, &r.adults, &r.children, &r.relationships, history.in_force(today), today) {
            Err(e) => errors.add("person", e.to_string()),
            Ok(role) => {
                let display_name = match &person {
                    PortalPerson::Adult(id) => r.adults.iter().find(|x| &x.id == id).map(|x| x.given_name.clone()),
                    PortalPerson::Child(id) => r.children.iter().find(|x| &x.id == id).map(|x| x.given_name.clone()),
                }
                .unwrap_or_default();
                let access = portal::Access {
                    authority_id: &r.family.authority_id,
                    family_id: &family_id,
                    person: &person,
                    display_name: &display_name,
                    email: &email,
                    role,
                };
                match portal::give_access(&state.db, &access, ctx.actor_id()).await {
                    Ok(_) => {
                        return Ok(Redirect::to(&format!("/families/{family_id}/portal-access?done=1")).into_response())
                    }
                    Err(confer_store::StoreError::Conflict(m)) => errors.add("email", m),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    access_view(&state, &ctx, &family_id, errors, None, &person_text, &email_text).await
}

/// A coordinator or the family's social worker ends one family member's portal access to this
/// family: the link goes and they are signed out, audited in the same transaction.
pub async fn revoke_access(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::GivePortalAccess, &family_id).await?;
    let sent = Sent(f);
    let user = sent.get("user").trim().to_owned();
    let ended = !user.is_empty()
        && portal::revoke_access(&state.db, &ctx.actor.authority_id, &family_id, &user.as_str().into(), ctx.actor_id())
            .await?;
    if !ended {
        let mut errors = FormErrors::default();
        errors.add("person", "That person has no portal access to this family now");
        return access_view(&state, &ctx, &family_id, errors, None, "", "").await;
    }
    Ok(Redirect::to(&format!("/families/{family_id}/portal-access?done=revoked")).into_response())
}
