//! Feedback pages (QA-01): the short form after a conference, opened from the e-mailed link
//! (no sign-in: `/feedback/{conference_id}/{token}`) or from the portal by the person signed in
//! (`/portal/conferences/{conference_id}/feedback`), in English and Welsh; and the results for
//! quality assurance (`/quality/feedback`, with a CSV of the table). Thin adapters over
//! `confer_ops::feedback`: a refused answer comes back with what was typed and the reasons
//! in the form's language.

use crate::auth::{Ctx, ExpectedCsrf};
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use confer_domain::feedback::{self as fb, Audience, FeedbackError, Figures, Typed};
use confer_ops::feedback::{self as ops, Form, Report};
use serde::Deserialize;

/// The form's words, in English or Welsh.
pub struct Words {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    pub intro: &'static str,
    pub replies: [(&'static str, &'static str); 3],
    pub rating: &'static str,
    pub rating_hint: &'static str,
    pub comment: &'static str,
    pub comment_hint: &'static str,
    pub anonymous_legend: &'static str,
    pub anonymous: &'static str,
    pub anonymous_hint: &'static str,
    pub send: &'static str,
    pub error: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub closes: &'static str,
    pub link_title: &'static str,
    pub link_body: &'static str,
}

pub static EN: Words = Words {
    lang: "en",
    other_lang: "cy",
    other_lang_name: "Cymraeg",
    title: "Tell us what you thought of the conference",
    about: "About the",
    intro: "Your answers help us make conferences better. They will not change any decision about a family.",
    replies: [("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
    rating: "Overall, how was the conference for you?",
    rating_hint: "1 is very poor, 5 is very good.",
    comment: "Is there anything else you want to tell us? (optional)",
    comment_hint: "Please do not write anything you would not want the people who run conferences to read.",
    anonymous_legend: "Your name",
    anonymous: "Do not keep my name with my answers",
    anonymous_hint: "If you tick this, we keep your answers without your name or anything that links them to you. \
                     We only note that you have answered, so you are not asked again.",
    send: "Send your feedback",
    error: "Error",
    thanks_title: "Thank you for your feedback",
    thanks_body: "We have your answers. The people who run conferences read what families and professionals tell us, \
                  to make conferences better.",
    closes: "You can answer until",
    link_title: "This feedback link does not work",
    link_body: "The link may have been used already, or part of it may be missing. Each link works once. \
                If you have not given your feedback yet, you can give it when you sign in to the family portal, \
                or ask your social worker or the conference coordinator.",
};

pub static CY: Words = Words {
    lang: "cy",
    other_lang: "en",
    other_lang_name: "English",
    title: "Dywedwch wrthym beth oeddech chi'n ei feddwl o'r gynhadledd",
    about: "Am y",
    intro: "Mae eich atebion yn ein helpu i wella cynadleddau. Ni fyddant yn newid unrhyw benderfyniad am deulu.",
    replies: [("yes", "Ydw / Oedd"), ("partly", "Yn rhannol"), ("no", "Nac ydw / Nac oedd")],
    rating: "At ei gilydd, sut oedd y gynhadledd i chi?",
    rating_hint: "Mae 1 yn wael iawn, mae 5 yn dda iawn.",
    comment: "Oes unrhyw beth arall rydych chi eisiau ei ddweud wrthym? (dewisol)",
    comment_hint:
        "Peidiwch ag ysgrifennu unrhyw beth na fyddech chi eisiau i'r bobl sy'n cynnal cynadleddau ei ddarllen.",
    anonymous_legend: "Eich enw",
    anonymous: "Peidiwch â chadw fy enw gyda fy atebion",
    anonymous_hint: "Os ticiwch hwn, byddwn yn cadw eich atebion heb eich enw nac unrhyw beth sy'n eu cysylltu â chi. \
                     Dim ond nodi eich bod wedi ateb a wnawn, fel na ofynnir i chi eto.",
    send: "Anfon eich adborth",
    error: "Gwall",
    thanks_title: "Diolch am eich adborth",
    thanks_body: "Mae gennym eich atebion. Mae'r bobl sy'n cynnal cynadleddau yn darllen yr hyn y mae teuluoedd a \
                  gweithwyr proffesiynol yn ei ddweud wrthym, er mwyn gwella cynadleddau.",
    closes: "Gallwch ateb tan",
    link_title: "Nid yw'r ddolen adborth hon yn gweithio",
    link_body: "Efallai bod y ddolen wedi'i defnyddio eisoes, neu fod rhan ohoni ar goll. Mae pob dolen yn gweithio \
                unwaith. Os nad ydych wedi rhoi eich adborth eto, gallwch ei roi pan fyddwch yn mewngofnodi i borth \
                y teulu, neu ofyn i'ch gweithiwr cymdeithasol neu i gydlynydd y gynhadledd.",
};

pub fn words(lang: Option<&str>) -> &'static Words {
    if lang == Some("cy") {
        &CY
    } else {
        &EN
    }
}

pub struct QuestionView {
    pub field: String,
    pub text: &'static str,
    pub chosen: String,
}

#[derive(Template)]
#[template(path = "feedback_form.html")]
struct FormView<'a> {
    page: &'a Page,
    w: &'static Words,
    about: String,
    action: String,
    other_lang_href: String,
    refused: Option<String>,
    questions: Vec<QuestionView>,
    rating: String,
    comment: String,
    anonymous: bool,
}

#[derive(Template)]
#[template(path = "feedback_thanks.html")]
struct ThanksView<'a> {
    page: &'a Page,
    w: &'static Words,
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

fn field_of(code: &str) -> String {
    format!("q-{code}")
}

fn error_text(e: &FeedbackError, w: &Words) -> String {
    if w.lang == "cy" {
        e.cy()
    } else {
        e.to_string()
    }
}

/// The field an error belongs to, for the summary's link.
fn error_field(e: &FeedbackError) -> String {
    match e {
        FeedbackError::Unanswered { question, .. } => fb::FAMILY_QUESTIONS
            .iter()
            .chain(fb::PROFESSIONAL_QUESTIONS)
            .find(|q| q.en == *question)
            .map(|q| field_of(q.code))
            .unwrap_or_else(|| "answers".into()),
        other => other.field().to_owned(),
    }
}

fn typed_of(p: &[(String, String)]) -> Typed {
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let replies = fb::FAMILY_QUESTIONS
        .iter()
        .chain(fb::PROFESSIONAL_QUESTIONS)
        .map(|q| (q.code.to_owned(), get(&field_of(q.code))))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Typed { replies, rating: get("rating"), comment: get("comment"), anonymous: get("anonymous") == "yes" }
}

fn render_form(
    page: &mut Page,
    w: &'static Words,
    form: &Form,
    action: &str,
    typed: &Typed,
    errors: &[FeedbackError],
    status: StatusCode,
) -> Response {
    page.lang = w.lang;
    page.title = w.title.to_owned();
    for e in errors {
        page.errors.add(&error_field(e), error_text(e, w));
    }
    let kind = if w.lang == "cy" { kind_cy(form.kind) } else { form.kind.label().to_lowercase() };
    let held =
        form.held_on.map(|d| format!(" {}", crate::pages::portal::long_date_in(&d, word_lang(w)))).unwrap_or_default();
    let about = format!(
        "{} {kind}{held}. {} {}.",
        w.about,
        w.closes,
        crate::pages::portal::long_date_in(&form.closes_on, word_lang(w))
    );
    let questions = fb::questions(form.invitation.audience)
        .iter()
        .map(|q| QuestionView {
            field: field_of(q.code),
            text: if w.lang == "cy" { q.cy } else { q.en },
            chosen: typed.replies.iter().find(|(c, _)| c == q.code).map(|(_, v)| v.clone()).unwrap_or_default(),
        })
        .collect();
    let v = FormView {
        page,
        w,
        about,
        action: action.to_owned(),
        other_lang_href: format!("{action}?lang={}", w.other_lang),
        refused: form.refused.as_ref().map(|e| error_text(e, w)),
        questions,
        rating: typed.rating.clone(),
        comment: typed.comment.clone(),
        anonymous: typed.anonymous,
    };
    let mut res = view::render(&v);
    *res.status_mut() = status;
    res
}

fn word_lang(w: &Words) -> &'static crate::pages::portal_words::Words {
    crate::pages::portal_words::for_lang(Some(w.lang))
}

fn kind_cy(k: confer_domain::conference::ConferenceKind) -> String {
    use confer_domain::conference::ConferenceKind::*;
    match k {
        Initial => "gynhadledd amddiffyn plant gychwynnol",
        Review => "gynhadledd amddiffyn plant adolygu",
        TransferIn => "gynhadledd amddiffyn plant trosglwyddo i mewn",
        PreBirth => "gynhadledd amddiffyn plant cyn geni",
    }
    .to_owned()
}

use super::form::pairs_of;

fn lang_of(p: &[(String, String)]) -> Option<&str> {
    p.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str())
}

// ------------------------------------------------------------ the e-mailed link

#[derive(Template)]
#[template(path = "feedback_link.html")]
struct LinkView<'a> {
    page: &'a Page,
    title: &'a str,
    body: &'a str,
}

fn said(mut page: Page, w: &'static Words, title: &str, body: &str, status: StatusCode) -> Response {
    page.lang = w.lang;
    page.title = title.to_owned();
    let mut res = view::render(&LinkView { page: &page, title, body });
    *res.status_mut() = status;
    res
}

/// A link that opens nothing (used, mistyped, or for another conference): 404, said plainly.
fn no_such_link(csrf: &ExpectedCsrf, w: &'static Words) -> Response {
    said(crate::auth::anon_page(w.link_title, csrf), w, w.link_title, w.link_body, StatusCode::NOT_FOUND)
}

/// The invitation's form behind a link, or the page saying the link does not work.
async fn by_link(
    state: &SharedState,
    csrf: &ExpectedCsrf,
    w: &'static Words,
    conference_id: &str,
    token: &str,
) -> Result<Result<Form, Response>, AppError> {
    match ops::form_by_token(&state.ops, conference_id, token).await {
        Ok(f) => Ok(Ok(f)),
        Err(confer_ops::OpsError::NotFound) => Ok(Err(no_such_link(csrf, w))),
        Err(e) => Err(e.into()),
    }
}

/// GET /feedback/{conference_id}/{token}
pub async fn token_form(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    Path((conference_id, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let w = words(q.lang.as_deref());
    let form = match by_link(&state, &csrf, w, &conference_id, &token).await? {
        Ok(f) => f,
        Err(res) => return Ok(res),
    };
    let mut page = crate::auth::anon_page(w.title, &csrf);
    let action = format!("/feedback/{conference_id}/{token}");
    Ok(render_form(&mut page, w, &form, &action, &Typed::default(), &[], StatusCode::OK))
}

/// POST /feedback/{conference_id}/{token}
pub async fn token_answer(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    Path((conference_id, token)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let w = words(lang_of(&p));
    let typed = typed_of(&p);
    let form = match by_link(&state, &csrf, w, &conference_id, &token).await? {
        Ok(f) => f,
        Err(res) => return Ok(res),
    };
    match ops::answer_by_token(&state.ops, &conference_id, &token, &typed, w.lang).await? {
        Ok(()) => Ok(Redirect::to(&format!("/feedback/thanks?lang={}", w.lang)).into_response()),
        Err(errors) => {
            let mut page = crate::auth::anon_page(w.title, &csrf);
            let action = format!("/feedback/{conference_id}/{token}");
            Ok(render_form(&mut page, w, &form, &action, &typed, &errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// GET /feedback/thanks
pub async fn thanks(csrf: ExpectedCsrf, Query(q): Query<LangQuery>) -> Response {
    let w = words(q.lang.as_deref());
    let mut page = crate::auth::anon_page(w.thanks_title, &csrf);
    page.lang = w.lang;
    view::render(&ThanksView { page: &page, w })
}

// ------------------------------------------------------------ the portal

/// GET /portal/conferences/{conference_id}/feedback
pub async fn portal_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(conference_id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let w = words(q.lang.as_deref());
    let mut page = ctx.page(w.title, "/portal");
    let action = format!("/portal/conferences/{conference_id}/feedback");
    match ops::form_for(&state.ops, &ctx.actor, &conference_id).await? {
        Ok(form) => Ok(render_form(&mut page, w, &form, &action, &Typed::default(), &[], StatusCode::OK)),
        // Never asked: said plainly, with no form.
        Err(e) => Ok(said(page, w, w.title, &error_text(&e, w), StatusCode::OK)),
    }
}

/// POST /portal/conferences/{conference_id}/feedback
pub async fn portal_answer(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(conference_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let w = words(lang_of(&p));
    let typed = typed_of(&p);
    let form = match ops::form_for(&state.ops, &ctx.actor, &conference_id).await? {
        Ok(form) => form,
        Err(e) => {
            let page = ctx.page(w.title, "/portal");
            return Ok(said(page, w, w.title, &error_text(&e, w), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    match ops::answer_as(&state.ops, &ctx.actor, &conference_id, &typed, w.lang).await? {
        Ok(()) => Ok(Redirect::to(&format!("/portal?lang={}&done=feedback", w.lang)).into_response()),
        Err(errors) => {
            let mut page = ctx.page(w.title, "/portal");
            let action = format!("/portal/conferences/{conference_id}/feedback");
            Ok(render_form(&mut page, w, &form, &action, &typed, &errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

// ------------------------------------------------------------ the report

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// One row of the results table (also the CSV's).
pub struct Row {
    pub period: String,
    pub audience: &'static str,
    pub question: &'static str,
    pub yes: u32,
    pub partly: u32,
    pub no: u32,
    pub yes_percent: u32,
}

pub struct Total {
    pub audience: &'static str,
    pub responses: u32,
    pub average: String,
}

fn rows_of(figures: &[Figures], with_period: bool) -> Vec<Row> {
    let mut out = Vec::new();
    for f in figures {
        for q in &f.questions {
            out.push(Row {
                period: if with_period { f.period.clone() } else { "All".into() },
                audience: f.audience.map(|a| a.label()).unwrap_or(""),
                question: fb::question_words(&q.code),
                yes: q.yes,
                partly: q.partly,
                no: q.no,
                yes_percent: q.yes_percent(),
            });
        }
    }
    out
}

pub(crate) fn totals_of(figures: &[Figures]) -> Vec<Total> {
    Audience::ALL
        .iter()
        .map(|a| {
            let f = figures.iter().find(|f| f.audience == Some(*a));
            Total {
                audience: a.label(),
                responses: f.map(|f| f.responses).unwrap_or(0),
                average: f.and_then(|f| f.average_rating()).map(|r| format!("{r:.1}")).unwrap_or_else(|| "-".into()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "feedback_report.html")]
struct ReportView<'a> {
    page: &'a Page,
    from: String,
    to: String,
    totals: Vec<Total>,
    rows: Vec<Row>,
    asked: i64,
    answered: i64,
    comments: Vec<ops::Comment>,
    csv_href: String,
}

/// The period asked for: whole months, the last three by default.
fn period(state: &SharedState, q: &PeriodQuery, page: &mut Page) -> (NaiveDate, NaiveDate, String, String) {
    let today = state.ops.clock.today();
    let first_of = |d: NaiveDate| NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    let default_from = first_of(first_of(today) - chrono::Duration::days(62));
    let parse = |s: &str| -> Option<NaiveDate> {
        let s = s.trim();
        NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
    };
    let from_text = q.from.clone().unwrap_or_else(|| default_from.format("%Y-%m").to_string());
    let to_text = q.to.clone().unwrap_or_else(|| today.format("%Y-%m").to_string());
    let from = parse(&from_text).unwrap_or_else(|| {
        page.errors.add("from", "Enter the first month like 2026-09");
        default_from
    });
    let to_first = parse(&to_text).unwrap_or_else(|| {
        page.errors.add("to", "Enter the last month like 2026-11");
        first_of(today)
    });
    let to =
        to_first.checked_add_months(chrono::Months::new(1)).map(|d| d - chrono::Duration::days(1)).unwrap_or(to_first);
    (from, to, from_text, to_text)
}

/// GET /quality/feedback
pub async fn report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Feedback about conferences", "/quality");
    let (from, to, from_text, to_text) = period(&state, &q, &mut page);
    let r = match ops::report(&state.ops, &ctx.actor, from, to).await {
        Ok(r) => r,
        Err(confer_ops::OpsError::Invalid { field, message }) => {
            page.errors.add(field, message);
            ops::report(&state.ops, &ctx.actor, from, from).await?
        }
        Err(e) => return Err(e.into()),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let v = ReportView {
        page: &page,
        csv_href: format!("/quality/feedback.csv?from={from_text}&to={to_text}"),
        from: from_text,
        to: to_text,
        totals: totals_of(&r.totals),
        rows: rows_of(&r.by_month, true),
        asked: r.asked,
        answered: r.answered,
        comments: r.comments,
    };
    let mut res = view::render(&v);
    *res.status_mut() = status;
    Ok(res)
}

/// A CSV cell: quoted, and a leading = + - @ made harmless for spreadsheets.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The report's table as CSV (figures only: no comments, no families).
pub fn csv_of(r: &Report) -> String {
    let mut out = String::from("period,audience,question,yes,partly,no,yes_percent,responses,average_rating\r\n");
    for f in &r.by_month {
        for q in &f.questions {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\r\n",
                cell(&f.period),
                cell(f.audience.map(|a| a.as_str()).unwrap_or("")),
                cell(fb::question_words(&q.code)),
                q.yes,
                q.partly,
                q.no,
                q.yes_percent(),
                f.responses,
                f.average_rating().map(|r| format!("{r:.1}")).unwrap_or_default(),
            ));
        }
    }
    out
}

/// GET /quality/feedback.csv
pub async fn report_csv(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Feedback about conferences", "/quality");
    let (from, to, _, _) = period(&state, &q, &mut page);
    if let Some((_, m)) = page.errors.0.first() {
        return Err(AppError::BadRequest(m.clone()));
    }
    let r = ops::report(&state.ops, &ctx.actor, from, to).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"feedback-{}-{}.csv\"", from.format("%Y-%m"), to.format("%Y-%m")),
            ),
        ],
        csv_of(&r),
    )
        .into_response())
}

/// The summary on `/quality`: the last three months' responses and average ratings.
pub struct Summary {
    pub totals: Vec<Total>,
    pub asked: i64,
    pub answered: i64,
}

pub async fn summary(state: &SharedState, ctx: &Ctx) -> Result<Option<Summary>, AppError> {
    if !ctx.may(confer_domain::access::Action::ViewFeedback) {
        return Ok(None);
    }
    let today = state.ops.clock.today();
    let from = today - chrono::Duration::days(90);
    let r = ops::report_figures(&state.ops, &ctx.actor, from, today).await?;
    Ok(Some(Summary { totals: totals_of(&r.totals), asked: r.asked, answered: r.answered }))
}
