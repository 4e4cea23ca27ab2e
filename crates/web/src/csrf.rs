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
/// Largest form with a file this check reads; the router's body limit is the real bound.
const MAX_UPLOAD_FORM_BYTES: usize = 64 * 1024 * 1024;

pub async fn check(State(_state): State<SharedState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Issue 14: GOV.UK Notify's callbacks are not forms and no browser sends them: they carry
    // the authority's bearer token, which the handler checks.
    if safe || req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/callbacks/") {
        return next.run(req).await;
    }
    if let Some(site) = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return refused("The form came from another website");
        }
    }
    let expected = req.extensions().get::<ExpectedCsrf>().and_then(|e| e.0.clone());
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A form with a file (a report sent as a file) carries the token as one of its fields.
    let is_multipart = content_type.starts_with("multipart/form-data");
    if !is_form && !is_multipart {
        return refused("Only forms from confer's own pages are accepted here");
    }
    let (parts, body) = req.into_parts();
    let limit = if is_multipart { MAX_UPLOAD_FORM_BYTES } else { MAX_FORM_BYTES };
    let Ok(bytes) = to_bytes(body, limit).await else {
        return AppError::BadRequest("The form is too large.".into()).into_response();
    };
    let sent = if is_multipart {
        multipart_value(&content_type, bytes.clone(), "csrf_token").await
    } else {
        form_urlencoded_value(&bytes, "csrf_token")
    };
    match (expected, sent) {
        (Some(e), Some(s)) => {
            let (token, nonce) = split_token(&s);
            if !constant_time_eq(e.as_bytes(), token.as_bytes()) {
                return refused("The form has expired or did not come from confer");
            }
            let mut req = Request::from_parts(parts, Body::from(bytes));
            if let Some(n) = nonce {
                req.extensions_mut().insert(FormNonce(n.to_owned()));
            }
            next.run(req).await
        }
        _ => refused("The form has expired or did not come from confer"),
    }
}

/// The nonce of the page render a form came from: the part of its `csrf_token` after the dot.
/// Set on a request only once its token has been checked. With who sent the form, where and
/// what, it makes the form's idempotency key ([`crate::idempotency`]).
#[derive(Clone, Debug)]
pub struct FormNonce(pub String);

/// The `csrf_token` that a signed-in person's pages put in their forms: the session's token,
/// a dot, and a nonce fresh for each request, so every rendered form carries its own key
/// without any template knowing. Only the token part is checked against the session.
pub fn form_token(session_token: &str) -> String {
    format!("{session_token}.{}", confer_store::random_secret(16))
}

/// A sent `csrf_token` as (token, nonce). Tokens are hex, so the first dot divides them; a
/// token sent without a nonce (forms before sign-in) has none.
pub fn split_token(sent: &str) -> (&str, Option<&str>) {
    match sent.split_once('.') {
        Some((token, nonce)) if !nonce.is_empty() => (token, Some(nonce)),
        Some((token, _)) => (token, None),
        None => (sent, None),
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

/// A text field of a multipart form, read with the same parser the upload handler uses.
async fn multipart_value(content_type: &str, body: axum::body::Bytes, name: &str) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    // confer's forms send the token first (browsers send fields in the page's order), so only
    // the start of the body is parsed: a large file after it is never read twice, and the
    // extractor's default limit is never reached.
    const HEAD: usize = 64 * 1024;
    let head = body.slice(..body.len().min(HEAD));
    let req = Request::builder().header(header::CONTENT_TYPE, content_type).body(Body::from(head)).ok()?;
    let mut m = Multipart::from_request(req, &()).await.ok()?;
    while let Ok(Some(field)) = m.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Compares two secrets in time that does not depend on where they differ (`subtle`).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn finds_the_token_among_fields() {
        assert_eq!(form_urlencoded_value(b"a=1&csrf_token=ab%20c&b=2", "csrf_token").as_deref(), Some("ab c"));
        assert_eq!(form_urlencoded_value(b"a=1", "csrf_token"), None);
    }

    #[test]
    fn the_nonce_is_split_from_the_token() {
        assert_eq!(split_token("abc.123"), ("abc", Some("123")));
        assert_eq!(split_token("abc"), ("abc", None));
        assert_eq!(split_token("abc."), ("abc", None));
        let t = form_token("abc");
        assert_eq!(split_token(&t).0, "abc");
        assert_ne!(split_token(&t).1, split_token(&form_token("abc")).1, "each render has its own nonce");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
