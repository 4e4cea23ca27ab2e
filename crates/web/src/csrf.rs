//! CSRF protection for every state-changing request of the pages: the form must carry the
//! token of the session (or, before sign-in, of the anonymous CSRF cookie), and a browser
//! that says the request comes from another site is refused. The API uses bearer tokens,
//! which a browser never sends by itself, so it needs no CSRF token.

use crate::auth::ExpectedCsrf;
use crate::error::AppError;
use crate::SharedState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest form this check reads (forms with file uploads have their own route checks).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

pub async fn check(State(_state): State<SharedState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    if let Some(site) = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return refused("The form came from another website");
        }
    }
    let expected = req.extensions().get::<ExpectedCsrf>().and_then(|e| e.0.clone());
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(false);
    if !is_form {
        return refused("Only forms from confer's own pages are accepted here");
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return AppError::BadRequest("The form is too large.".into()).into_response();
    };
    let sent = form_urlencoded_value(&bytes, "csrf_token");
    match (expected, sent) {
        (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => refused("The form has expired or did not come from confer"),
    }
}

fn refused(why: &str) -> Response {
    AppError::FormRefused(format!(
        "{why}. For your security nothing was saved. Go back, reload the page, and send the form again."
    ))
    .into_response()
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn finds_the_token_among_fields() {
        assert_eq!(form_urlencoded_value(b"a=1&csrf_token=ab%20c&b=2", "csrf_token").as_deref(), Some("ab c"));
        assert_eq!(form_urlencoded_value(b"a=1", "csrf_token"), None);
    }
}
