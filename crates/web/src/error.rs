//! How failures reach people. Each error maps to one status and one calm page; internal
//! details are logged (without personal data), never shown.

use crate::view::{self, Page};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use confer_domain::conference::ConferenceError;
use confer_ops::OpsError;
use confer_store::StoreError;

/// How an operation's error is answered, the same on the API (the JSON error body) and on
/// the pages: one status per variant of [`OpsError`] (a refusal by the domain by its kind).
pub struct Answer {
    pub status: StatusCode,
    /// A stable code for programs.
    pub code: &'static str,
    /// What happened and what to do, for people.
    pub message: String,
    /// For a version conflict, the version the record is at now.
    pub current_version: Option<i64>,
}

/// The one mapping of [`OpsError`] to an answer (of an operation on a conference).
pub fn answer(e: &OpsError) -> Answer {
    answer_for(e, "conference")
}

/// The one mapping of [`OpsError`] to an answer, naming what the operation was on (a
/// "conference", a "plan") where the answer speaks of it.
pub fn answer_for(e: &OpsError, what: &str) -> Answer {
    let a = |status, code, message: String| Answer { status, code, message, current_version: None };
    match e {
        OpsError::NotFound => {
            a(StatusCode::NOT_FOUND, "not_found", "There is nothing here that this account may see.".into())
        }
        OpsError::Forbidden => a(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("Your account may see this {what} but may not do this to it."),
        ),
        OpsError::Conflict { current_version } => Answer {
            status: StatusCode::CONFLICT,
            code: "version_conflict",
            message: format!(
                "Someone else changed this {what} since you last saw it: it is now at version {current_version}. \
                 Nothing was saved over their change. Read it again, then send your change with the new version."
            ),
            current_version: Some(*current_version),
        },
        OpsError::Refused(r) => {
            let (status, code) = match r {
                ConferenceError::NotAllowed { .. } => (StatusCode::FORBIDDEN, "not_allowed"),
                ConferenceError::WrongState { .. } => (StatusCode::CONFLICT, "wrong_state"),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
            };
            a(status, code, r.to_string())
        }
        OpsError::Invalid { message, .. } => a(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.clone()),
        OpsError::Duplicate { message } => a(StatusCode::CONFLICT, "duplicate", message.clone()),
        OpsError::Declined { message } => a(StatusCode::UNPROCESSABLE_ENTITY, "declined", message.clone()),
        OpsError::Unavailable => a(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The database is not available. Try again shortly.".into(),
        ),
        OpsError::Internal(detail) => {
            tracing::error!(error = %detail, "internal error");
            a(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong. It has been logged.".into())
        }
    }
}

/// What the conference pages say when someone else saved first.
pub const CONFLICT: &str = "Someone else changed this conference after you opened this page, so nothing was saved. \
    What you entered is still in the form below: check the page, which now shows their change, then send it again.";

impl From<OpsError> for AppError {
    fn from(e: OpsError) -> Self {
        match e {
            OpsError::NotFound => AppError::NotFound,
            OpsError::Forbidden => AppError::Forbidden,
            OpsError::Conflict { .. } => AppError::Conflict(CONFLICT.into()),
            OpsError::Duplicate { message } => AppError::Conflict(message),
            OpsError::Refused(r) => AppError::BadRequest(r.to_string()),
            OpsError::Declined { message } => AppError::BadRequest(message),
            OpsError::Invalid { message, .. } => AppError::BadRequest(message),
            OpsError::Unavailable => AppError::Unavailable,
            OpsError::Internal(detail) => AppError::Internal(detail),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("sign in first")]
    SignInRequired { next: String },
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A form without the right CSRF token, or sent from another site.
    #[error("form refused: {0}")]
    FormRefused(String),
    /// Someone else changed the record first; the page explains and offers to reload.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal(String),
    /// The form (usually a file) was larger than the server takes at all.
    #[error("request too large")]
    TooLarge,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Unavailable(_) => AppError::Unavailable,
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::InvalidInput(m) => AppError::BadRequest(m),
            other => AppError::Internal(describe(&other)),
        }
    }
}

/// The error and its sources, for the log (never personal data: sqlx errors name tables, not values).
pub fn describe(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::SignInRequired { next } if next == "/portal" || next.starts_with("/portal/") => {
                // Families sign in with a code by e-mail, not with the staff sign-in.
                return Redirect::to("/portal/sign-in").into_response();
            }
            AppError::SignInRequired { next } => {
                let target = if next.is_empty() || next == "/" {
                    "/sign-in".to_owned()
                } else {
                    format!("/sign-in?next={}", view::url_encode(next))
                };
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address. If the page is about a family, you may not have access to it.",
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot see this page",
                "Your account does not have the role this page needs. If you think it should, ask your administrator.",
            ),
            AppError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "Sorry, there is a problem with what was sent",
                "Go back, check what you entered and try again.",
            ),
            AppError::FormRefused(_) => (
                StatusCode::FORBIDDEN,
                "Your form could not be accepted",
                "For your security, confer only accepts forms sent from its own pages while you are signed in.",
            ),
            AppError::Conflict(_) => (
                StatusCode::CONFLICT,
                "Someone else changed this first",
                "Nothing you entered has been saved over their change. Go back, reload the page to see the latest version, and enter your change again.",
            ),
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "confer cannot reach its database at the moment. Nothing you saved before this has been lost. Please try again in a few minutes.",
            ),
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The file is too large",
                "Nothing was saved. A report file can be up to 10 MB: go back, choose a smaller file (for example, save the document as a PDF, or split it) and send the form again.",
            ),
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Please try again later. The problem has been logged.",
                )
            }
        };
        let detail = match &self {
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::FormRefused(m) => m.clone(),
            _ => String::new(),
        };
        let page = Page::bare(title);
        (status, view::render(&view::ErrorPage { page: &page, message, detail: &detail })).into_response()
    }
}

/// Turns a panic in a handler into a logged 500 page, so one bad request never takes the
/// server down or shows a stack trace.
pub async fn catch_unwind_and_log(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(r) => r,
        Err(_) => AppError::Internal("a handler panicked".into()).into_response(),
    }
}

/// A request larger than the server takes is refused before any handler sees it (the body
/// limit layer answers 413 with no page): people get the calm page saying what to do;
/// API clients keep the bare status.
pub async fn explain_too_large(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    // (A page that already says what to do, such as a public form's, is kept.)
    let explained =
        res.headers().get(axum::http::header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && !api && !explained {
        return AppError::TooLarge.into_response();
    }
    res
}

/// Fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
