//! Idempotent forms: the same form sent twice changes nothing twice and shows the result of
//! the first. Every state-changing form of a signed-in person gets this without its handler
//! doing anything:
//!
//! - each page render puts a fresh nonce into the `csrf_token` of all its forms
//!   ([`crate::csrf::form_token`]); [`crate::csrf::check`] checks the token part and hands the
//!   nonce on ([`FormNonce`]);
//! - [`once`] (after the CSRF check) makes the key: a hash of who sends, the nonce, the method,
//!   the address and the whole body, and claims it in `form_submission`
//!   ([`confer_store::form_submissions`]). The first submission runs; if it succeeds (a
//!   redirect, the pattern every form's success follows) the redirect's address is kept as its
//!   outcome; if not (the form shown again with errors, a conflict, a failure) the key is given
//!   back so the form, corrected or not, can be sent again. A second submission with the same
//!   key is sent to the first's outcome (303); if the first is still running it waits a few
//!   seconds for it, then shows a calm page.
//!
//! The claim is not in the same transaction as the handler's work: handlers open their own
//! transactions through many store functions, and threading the key into each would be the
//! per-handler work this design avoids. It is safe because the claim is committed before the
//! work starts, so a second submission can never run beside or after a first that is running
//! or succeeded. The one gap is a crash (or a lost database) between the work's commit and
//! recording its outcome: the claim then stays unfinished and is taken over after
//! [`confer_store::form_submissions::PENDING_MINUTES`]; a resubmission after that runs again,
//! where conference changes are still refused by their version check (409), so a versioned
//! record is never changed twice.
//!
//! A form that succeeds by showing a page rather than redirecting (the new API token, whose
//! secret is shown once) names, with [`RepeatAt`] on its response, the address that answers a
//! second submission instead (a page saying it was done, without what cannot be shown again);
//! that address is kept as its outcome like a redirect's.

use crate::auth::Ctx;
pub use crate::csrf::FormNonce;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use confer_store::form_submissions::{self, Claim};
use std::time::Duration;

/// How long a second submission waits for the first to finish before the calm page.
const WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(100);

/// The form's idempotency key: SHA-256 over who sends it, the render's nonce, the method, the
/// address with its query, and the body (each part length-prefixed, so no two differ only in
/// where one part ends).
pub fn key(user_id: &str, nonce: &str, method: &str, path_and_query: &str, body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [user_id.as_bytes(), nonce.as_bytes(), method.as_bytes(), path_and_query.as_bytes(), body] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex::encode(h.finalize())
}

/// The body as the key reads it. A browser chooses a new boundary for a form with a file
/// (multipart) every time it sends it, so the same form sent twice (a double click on
/// "Upload") differs only in the boundary: it is taken out, and the same fields and file make
/// the same key.
pub fn as_keyed<'a>(content_type: Option<&str>, body: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    let boundary = content_type.and_then(|ct| {
        let (kind, params) = ct.split_once(';')?;
        if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
            return None;
        }
        params.split(';').find_map(|p| {
            let (name, value) = p.split_once('=')?;
            name.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"'))
        })
    });
    match boundary.filter(|b| !b.is_empty()) {
        None => std::borrow::Cow::Borrowed(body),
        Some(b) => std::borrow::Cow::Owned(replace_all(body, b.as_bytes(), b"confer-form-boundary")),
    }
}

fn replace_all(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// On a successful form's response that is a page, not a redirect: where a second
/// submission of the same form is sent (303) instead of running it again.
#[derive(Clone, Debug)]
pub struct RepeatAt(pub String);

pub async fn once(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    // Only forms whose CSRF token was checked and carried a nonce, from a signed-in person.
    let (Some(FormNonce(nonce)), Some(ctx)) =
        (req.extensions().get::<FormNonce>().cloned(), req.extensions().get::<Ctx>().cloned())
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    // The CSRF check has already read the body into memory (within its limits).
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return AppError::BadRequest("The form could not be read. Send it again.".into()).into_response();
    };
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_else(|| parts.uri.path());
    let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let key = key(ctx.actor_id(), &nonce, parts.method.as_str(), path, &as_keyed(content_type, &bytes));
    let portal = parts.uri.path() == "/portal" || parts.uri.path().starts_with("/portal/");
    let started = std::time::Instant::now();
    loop {
        match form_submissions::claim(&state.db, &key, ctx.actor_id()).await {
            Err(e) => return AppError::from(e).into_response(),
            Ok(Claim::Done(location)) => return Redirect::to(&location).into_response(),
            Ok(Claim::First) => break,
            Ok(Claim::Running) if started.elapsed() < WAIT => tokio::time::sleep(POLL).await,
            Ok(Claim::Running) => return already_sending(&ctx, portal),
        }
    }
    let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let location = res
        .status()
        .is_redirection()
        .then(|| res.headers().get(LOCATION).and_then(|l| l.to_str().ok()).map(str::to_owned))
        .flatten()
        .or_else(|| res.extensions().get::<RepeatAt>().map(|r| r.0.clone()))
        .filter(|l| !l.is_empty());
    let recorded = match &location {
        Some(l) => form_submissions::finish(&state.db, &key, l).await,
        None => form_submissions::release(&state.db, &key).await,
    };
    if let Err(e) = recorded {
        // The work is done (or refused) and its answer stands; the claim expires by itself.
        tracing::warn!(error = %e, "the outcome of a form could not be recorded");
    }
    res
}

struct Words {
    lang: &'static str,
    heading: &'static str,
    message: &'static str,
    link_text: &'static str,
}

#[derive(Template)]
#[template(path = "form_running.html")]
struct RunningPage<'a> {
    page: &'a Page,
    texts: Vec<Words>,
    link: &'static str,
}

const ENGLISH: Words = Words {
    lang: "en",
    heading: "Your form is already being sent",
    message: "You sent this form a moment ago and confer is still saving it. It was not sent a second time. \
              Wait a minute, then check that your change is there before sending anything again.",
    link_text: "Continue",
};

const WELSH: Words = Words {
    lang: "cy",
    heading: "Mae eich ffurflen eisoes yn cael ei hanfon",
    message: "Gwnaethoch anfon y ffurflen hon eiliad yn ôl ac mae confer yn dal i'w chadw. Ni chafodd ei hanfon \
              eilwaith. Arhoswch funud, yna gwiriwch fod eich newid yno cyn anfon unrhyw beth eto.",
    link_text: "Parhau",
};

/// The calm page for a second submission while the first is still running (202: accepted, by
/// the first). Families see it in English and Welsh.
fn already_sending(ctx: &Ctx, portal: bool) -> Response {
    let (texts, link) = if portal { (vec![ENGLISH, WELSH], "/portal") } else { (vec![ENGLISH], "/") };
    let page = ctx.page(ENGLISH.heading, "");
    let mut res = view::render(&RunningPage { page: &page, texts, link });
    *res.status_mut() = axum::http::StatusCode::ACCEPTED;
    res
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn the_key_depends_on_every_part() {
        let k = key("u", "n", "POST", "/a", b"x=1");
        assert_eq!(k, key("u", "n", "POST", "/a", b"x=1"));
        assert_ne!(k, key("v", "n", "POST", "/a", b"x=1"));
        assert_ne!(k, key("u", "m", "POST", "/a", b"x=1"));
        assert_ne!(k, key("u", "n", "POST", "/b", b"x=1"));
        assert_ne!(k, key("u", "n", "POST", "/a", b"x=2"));
        // Parts are length-prefixed: moving a boundary changes the key.
        assert_ne!(key("ab", "c", "POST", "/a", b""), key("a", "bc", "POST", "/a", b""));
    }

    fn upload(boundary: &str, file: &str) -> (String, Vec<u8>) {
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nt.n\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\n\r\n{file}\r\n\
             --{boundary}--\r\n"
        );
        (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
    }

    #[test]
    fn a_form_with_a_file_sent_twice_has_one_key_whatever_its_boundary() {
        use super::as_keyed;
        let keyed = |(ct, body): (String, Vec<u8>)| key("u", "n", "POST", "/a", &as_keyed(Some(&ct), &body));
        let first = keyed(upload("----WebKitFormBoundaryA1", "%PDF-1.7 one"));
        assert_eq!(first, keyed(upload("----WebKitFormBoundaryZ9", "%PDF-1.7 one")), "only the boundary differs");
        assert_ne!(first, keyed(upload("----WebKitFormBoundaryZ9", "%PDF-1.7 two")), "another file");
        // Any other form's body is the key as sent.
        assert_eq!(as_keyed(Some("application/x-www-form-urlencoded"), b"a=1").as_ref(), b"a=1");
        assert_eq!(as_keyed(None, b"a=1").as_ref(), b"a=1");
    }
}
