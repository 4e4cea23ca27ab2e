//! Issue 14 staff pages: how the authority's messages are sent (administrators: SMTP or
//! GOV.UK Notify, text messages, the Notify API key shown back only as its last four
//! characters), the print list (coordinators: letters waiting, download, mark printed, and
//! those printed) and the reminders log (coordinators: what was sent, when, to whom by role).
//! Thin adapters over `confer_ops::channels`, `documents` and `reminders`.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::form::{field, pairs_of};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use confer_ops::channels::{self, Typed};
use confer_ops::OpsError;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_channels.html")]
struct ChannelsView<'a> {
    page: &'a Page,
    typed: &'a Typed,
    key_help: String,
    callback_help: String,
    v: i64,
}

/// The callback token field's hint: whether one is set (never shown back).
fn callback_help(set: bool) -> String {
    let what = format!(
        "The bearer token you give Notify for delivery receipts (at least {} characters), with the callback address {{public address}}/callbacks/notify/{{authority id}}.",
        confer_store::channels::CALLBACK_TOKEN_MIN
    );
    if set {
        format!("{what} A token is set: leave this empty to keep it, or enter a new one to replace it.")
    } else {
        format!("{what} It is stored only as a fingerprint and never shown again.")
    }
}

/// The API key field's hint: whether a key is set (by its last four characters only).
fn key_help(hint: Option<&str>) -> String {
    match hint {
        None => "From Notify's API integration page. It is stored encrypted and never shown again.".into(),
        Some(h) => format!("A key ending {h} is set. Leave this empty to keep it, or enter a new key to replace it."),
    }
}

/// GET /admin/channels
pub async fn settings(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("How messages are sent", "/admin/channels");
    if q.done.is_some() {
        page.notice = Some("How messages are sent was saved.".into());
    }
    let ch = channels::settings(&state.ops, &ctx.actor).await?;
    let typed = Typed {
        email_via: ch.email_via.as_str().into(),
        sms_via: ch.sms_via.as_str().into(),
        letter_via: ch.letter_via.as_str().into(),
        callback_token: String::new(),
        api_key: String::new(),
        email_template: ch.email_template.clone().unwrap_or_default(),
        sms_template: ch.sms_template.clone().unwrap_or_default(),
    };
    Ok(view::render(&ChannelsView {
        page: &page,
        typed: &typed,
        key_help: key_help(ch.key_hint.as_deref()),
        callback_help: callback_help(ch.callback_set),
        v: ch.v,
    }))
}

/// POST /admin/channels: `email_via`, `sms_via`, `api_key` (empty keeps the stored one),
/// `email_template`, `sms_template`, `v`. A refusal comes back on the page (422) with what
/// was typed, except the key, which is never sent back.
pub async fn save(State(state): State<SharedState>, ctx: Ctx, body: axum::body::Bytes) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let typed = Typed {
        email_via: field(&p, "email_via"),
        sms_via: field(&p, "sms_via"),
        letter_via: field(&p, "letter_via"),
        callback_token: field(&p, "callback_token"),
        api_key: field(&p, "api_key"),
        email_template: field(&p, "email_template"),
        sms_template: field(&p, "sms_template"),
    };
    let v: i64 = field(&p, "v").parse().unwrap_or(-1);
    let mut page = ctx.page("How messages are sent", "/admin/channels");
    let status = match channels::save(&state.ops, &ctx.actor, &typed, v).await {
        Ok(_) => return Ok(Redirect::to("/admin/channels?done=1").into_response()),
        Err(OpsError::Invalid { field, message }) => {
            page.errors.add(field, message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(OpsError::Conflict { .. }) => {
            page.errors.add(
                "email_via",
                "Someone else changed how messages are sent since you opened this page. Your choices are below: check them and save again.",
            );
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    let ch = channels::settings(&state.ops, &ctx.actor).await?;
    let shown = Typed { api_key: String::new(), callback_token: String::new(), ..typed };
    let mut res = view::render(&ChannelsView {
        page: &page,
        typed: &shown,
        key_help: key_help(ch.key_hint.as_deref()),
        callback_help: callback_help(ch.callback_set),
        v: ch.v,
    });
    *res.status_mut() = status;
    Ok(res)
}

/// One letter as the print list shows it: no names, the recipient's role only.
pub struct LetterRow {
    pub id: String,
    pub kind: String,
    pub language: &'static str,
    pub made_on: String,
    pub printed_on: String,
}

fn letter_row(s: &confer_store::documents_sent::Sent) -> LetterRow {
    LetterRow {
        id: s.id.clone(),
        kind: match s.kind.as_str() {
            "invitation-letter" => "Invitation (or new date, time or place)".into(),
            "cancellation-letter" => "Cancellation".into(),
            "core-group-invitation" => "Core group meeting: invitation".into(),
            "core-group-moved" => "Core group meeting: new date, time or place".into(),
            "core-group-cancellation" => "Core group meeting: cancelled".into(),
            other => other.replace('-', " "),
        },
        language: if s.language == "cy" { "Welsh" } else { "English" },
        made_on: s.sent_at.chars().take(10).collect(),
        printed_on: s.printed_at.as_deref().unwrap_or("").chars().take(10).collect(),
    }
}

#[derive(Template)]
#[template(path = "print_list.html")]
struct PrintListView<'a> {
    page: &'a Page,
    waiting: &'a [LetterRow],
    printed: &'a [LetterRow],
}

/// GET /print-list
pub async fn print_list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Print list", "/print-list");
    if q.done.is_some() {
        page.notice = Some("The letter was marked printed.".into());
    }
    let (waiting, printed) = confer_ops::documents::print_list_for(&state.ops, &ctx.actor, 50).await?;
    let waiting: Vec<LetterRow> = waiting.iter().map(|l| letter_row(&l.sent)).collect();
    let printed: Vec<LetterRow> = printed.iter().map(letter_row).collect();
    Ok(view::render(&PrintListView { page: &page, waiting: &waiting, printed: &printed }))
}

#[derive(Deserialize, Default)]
pub struct LetterQuery {
    #[serde(default)]
    id: String,
}

/// GET /print-list/letter?id=…: the letter's PDF to print.
pub async fn letter(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<LetterQuery>,
) -> Result<Response, AppError> {
    if q.id.trim().is_empty() {
        return Err(AppError::BadRequest("Say which letter to download: open it from the print list.".into()));
    }
    let (name, bytes) = confer_ops::documents::print_letter(&state.ops, &ctx.actor, &q.id).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// POST /print-list/printed: `id`. Printed once; a second press changes nothing.
pub async fn mark_printed(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let id = field(&p, "id");
    if id.trim().is_empty() {
        return Err(AppError::BadRequest("Say which letter was printed: use its button on the print list.".into()));
    }
    confer_ops::documents::mark_printed_by(&state.ops, &ctx.actor, &id).await?;
    Ok(Redirect::to("/print-list?done=1").into_response())
}

/// One reminder as the log shows it: what, when, to whom by role.
pub struct ReminderRow {
    pub sent_on: String,
    pub what: String,
    pub to: &'static str,
    pub due_on: String,
    pub overdue: bool,
    pub by: &'static str,
}

#[derive(Template)]
#[template(path = "reminders_log.html")]
struct RemindersView<'a> {
    page: &'a Page,
    rows: &'a [ReminderRow],
}

/// GET /reminders
pub async fn reminders_log(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Reminders sent", "/reminders");
    let log = confer_ops::reminders::log(&state.ops, &ctx.actor, 200).await?;
    let rows: Vec<ReminderRow> = log
        .iter()
        .map(|r| ReminderRow {
            sent_on: r.sent_at.chars().take(16).collect::<String>().replace('T', " "),
            what: r.kind.replace('-', " "),
            to: match r.recipient.split(':').next() {
                Some("user") => "Staff member",
                Some("professional") => "Professional",
                Some("family-member") => "Family member",
                _ => "Someone",
            },
            due_on: r.due_on.clone(),
            overdue: r.occasion.starts_with("overdue:"),
            by: if r.channel == "email" { "E-mail" } else { "Not sent: no e-mail address" },
        })
        .collect();
    Ok(view::render(&RemindersView { page: &page, rows: &rows }))
}
