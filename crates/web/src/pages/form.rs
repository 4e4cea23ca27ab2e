//! A posted form read as name/value pairs, for pages whose forms carry a varying set of fields
//! (a step's own fields, a question per line). One reader for all of them.

use crate::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use confer_ops::OpsError;

/// The fields of a posted form, in the order sent (a name may repeat).
pub type Pairs = Vec<(String, String)>;

/// Reads a URL-encoded form body; a body that is not one is a bad request, said plainly.
pub fn pairs_of(body: &[u8]) -> Result<Pairs, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("The form could not be read.".into()))
}

/// The first value sent under `k`, trimmed; empty when it was not sent.
pub fn field(p: &Pairs, k: &str) -> String {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

/// Every value sent under `k` (a group of checkboxes), as sent.
pub fn all_of(p: &Pairs, k: &str) -> Vec<String> {
    p.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect()
}

/// The version of the record the form was made from (`version`); a form without one is a
/// stale form (-1 is no version), which the operation answers as a conflict.
pub fn version_of(p: &Pairs) -> i64 {
    field(p, "version").parse().unwrap_or(-1)
}

/// The page with the status it answers with (a refused form: 422 or 409 with the page again).
pub fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// The record's page after a step of a workflow (`path`), saying which step was done.
pub fn done(path: &str, step: &str) -> Response {
    Redirect::to(&format!("{path}?done={}", crate::view::url_encode(step))).into_response()
}

/// A refused step of a workflow (an appeal, a complaint, a subject access request), as its
/// page says it: at the field the operation named (or the form's `default_field`), with the
/// status the API answers.
pub struct Refusal {
    pub field: &'static str,
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    /// A field to fix or a refusal by the rules is 422 with its message; someone else saving
    /// first is 409 with `conflict` (what the person is to do). Anything else (not found, not
    /// allowed, the database) is not the form's to say: it is the error page's.
    pub fn of(e: OpsError, default_field: &'static str, conflict: &str) -> Result<Refusal, AppError> {
        let (field, status, message) = match e {
            OpsError::Invalid { field, message } => {
                (if field.is_empty() { default_field } else { field }, StatusCode::UNPROCESSABLE_ENTITY, message)
            }
            OpsError::Declined { message } => (default_field, StatusCode::UNPROCESSABLE_ENTITY, message),
            OpsError::Conflict { .. } => (default_field, StatusCode::CONFLICT, conflict.to_owned()),
            e => return Err(e.into()),
        };
        Ok(Refusal { field, status, message })
    }
}
