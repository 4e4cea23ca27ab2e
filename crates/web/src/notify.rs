//! GOV.UK Notify as an adapter behind the outbox (issue 14): e-mails and text messages of an
//! authority that chose Notify (`confer_store::channels`) are sent through Notify's REST API
//! v2, `POST /v2/notifications/email` and `POST /v2/notifications/sms`; letters of an
//! authority that chose Notify for them as precompiled PDF letters,
//! `POST /v2/notifications/letter` with a `reference` and the PDF as base64 `content`.
//!
//! Authentication: each request carries a JSON Web Token (HS256) whose `iss` is the service id
//! and `iat` the time in seconds, signed with the secret, both taken from the API key
//! (`{key_name}-{service_id}-{secret}`, the last two UUIDs); Notify refuses a token more than
//! 30 seconds from its clock, so a new one is made for every request.
//!
//! confer's messages are written by confer, so the authority's Notify templates are one e-mail
//! template with the placeholders `((subject))` and `((body))` and one text message template
//! with `((body))`. The outbox id is sent as the `reference`.
//!
//! Logs and the outbox keep the HTTP status and Notify's error type only (such as
//! `notify 400: BadRequestError`): never the key, an address, a number or Notify's message
//! (which can repeat what was sent).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// Notify's API, unless `--notify-url` says otherwise.
pub const DEFAULT_URL: &str = "https://api.notifications.service.gov.uk";

/// An API key split into the parts the token needs. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub service_id: String,
    secret: String,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey").field("service_id", &self.service_id).field("secret", &"(redacted)").finish()
    }
}

impl ApiKey {
    /// Reads a key as Notify shows it: `{key_name}-{service_id}-{secret}`, the last two being
    /// UUIDs (the name may itself hold hyphens). The error says what to give instead and
    /// never repeats the key.
    pub fn parse(key: &str) -> Result<ApiKey, String> {
        let (service_id, secret) = confer_store::channels::split_notify_key(key)?;
        Ok(ApiKey { service_id, secret })
    }

    /// The token for a request made at `iat` (seconds since 1970).
    pub fn token(&self, iat: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = URL_SAFE_NO_PAD.encode(serde_json::json!({"iss": self.service_id, "iat": iat}).to_string());
        let signing_input = format!("{header}.{claims}");
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }
}

/// One message for Notify.
pub enum Send<'a> {
    Email {
        to: &'a str,
        template_id: &'a str,
        subject: &'a str,
        body: &'a str,
    },
    Sms {
        to: &'a str,
        template_id: &'a str,
        body: &'a str,
    },
    /// A precompiled letter: the PDF confer made (the address is on the letter itself).
    Letter {
        pdf: &'a [u8],
    },
}

/// A refusal or failure: a code for the outbox and the log, and whether trying again could help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyFailure {
    pub kind: String,
    pub give_up: bool,
}

/// Sends one message; Notify's notification id when it accepted it. `reference` is the
/// outbox id (for a letter, the documents log's id): never anything about a person.
pub async fn send(
    client: &reqwest::Client,
    base_url: &str,
    key: &ApiKey,
    message: &Send<'_>,
    reference: &str,
) -> Result<String, NotifyFailure> {
    let (path, body) = match message {
        Send::Email { to, template_id, subject, body } => (
            "/v2/notifications/email",
            serde_json::json!({
                "email_address": to,
                "template_id": template_id,
                "personalisation": {"subject": subject, "body": body},
                "reference": reference,
            }),
        ),
        Send::Sms { to, template_id, body } => (
            "/v2/notifications/sms",
            serde_json::json!({
                "phone_number": to,
                "template_id": template_id,
                "personalisation": {"body": body},
                "reference": reference,
            }),
        ),
        Send::Letter { pdf } => (
            "/v2/notifications/letter",
            serde_json::json!({
                "reference": reference,
                "content": base64::engine::general_purpose::STANDARD.encode(pdf),
            }),
        ),
    };
    let url = format!("{}{path}", base_url.trim_end_matches('/'));
    let response = client
        .post(url)
        // Notify checks the token's time against its own clock: the real time, whatever time
        // the delivery pass runs "as" (a test's or a demo's clock).
        .bearer_auth(key.token(confer_store::clock::real_now().timestamp()))
        .json(&body)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| NotifyFailure {
            kind: if e.is_timeout() { "notify: timed out".into() } else { "notify: connection failed".into() },
            give_up: false,
        })?;
    let status = response.status().as_u16();
    let answer: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    if status == 201 {
        return answer
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or(NotifyFailure { kind: "notify 201: answer not understood".into(), give_up: false });
    }
    // Notify's errors: {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "…"}]}.
    // Only the error's type is kept: its message can repeat the number or address.
    let error = answer
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("error"))
        .and_then(|e| e.as_str())
        .filter(|e| e.len() <= 40 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("error");
    // 400: the request itself is wrong (a number Notify cannot send to, a template that does
    // not exist or lacks a placeholder): trying again cannot help. 403 (the key is wrong or
    // revoked), 429 (too many requests, or the day's limit) and 5xx are tried again with the
    // outbox's backoff, and marked failed after the last attempt for a person to look at.
    Err(NotifyFailure { kind: format!("notify {status}: {error}"), give_up: status == 400 })
}

// ---------------------------------------------------------------------------------------
// Delivery-status callbacks.

/// The largest callback body read: Notify's receipts are a few hundred bytes. (Requests from
/// no one signed in are also held to [`crate::PUBLIC_BODY_LIMIT`] before this.)
pub const CALLBACK_BODY_LIMIT: usize = 4 * 1024;

/// A delivery receipt as Notify sends it; other fields (the address or number it went to,
/// the times, the template) are not read.
#[derive(serde::Deserialize)]
struct Receipt {
    id: String,
    #[serde(default)]
    reference: Option<String>,
    status: String,
    notification_type: String,
}

fn answer(status: axum::http::StatusCode, message: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, axum::Json(serde_json::json!({ "message": message }))).into_response()
}

/// `POST /callbacks/notify/{authority_id}`: GOV.UK Notify's delivery-status callback for one
/// authority (issue 14). No session, no CSRF token, no API token: only the bearer token the
/// authority set in Notify and in confer ("How messages are sent"), compared in constant time
/// with the stored fingerprint of that authority's token. 401 for a missing or wrong token or
/// an authority without one (the same answer, so it says nothing of which authorities
/// exist); 413 for a body over 4 KB; 415 for anything but JSON; 400 for a receipt that is not
/// one; 404 for a notification this authority did not send (another authority's included);
/// 409 for another status on one that has its final status; 200 for a replay, which changes
/// nothing. Logs carry no address, number or token.
pub async fn callback(
    axum::extract::State(state): axum::extract::State<crate::SharedState>,
    axum::extract::Path(authority_id): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use confer_store::notify_status::{self as ns, Recorded, Refused};
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let stored = if token.is_empty() || authority_id.len() > 100 {
        None
    } else {
        match confer_store::channels::callback_hash_of(&state.db, &authority_id).await {
            Ok(h) => h,
            Err(_) => return answer(StatusCode::SERVICE_UNAVAILABLE, "try again later"),
        }
    };
    if !confer_store::channels::callback_token_matches(stored.as_deref(), token) {
        tracing::warn!(outcome = "refused", reason = "bearer token", "notify callback");
        return answer(StatusCode::UNAUTHORIZED, "a valid bearer token is needed");
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return answer(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the receipt as application/json");
    }
    let Ok(bytes) = axum::body::to_bytes(body, CALLBACK_BODY_LIMIT).await else {
        return answer(StatusCode::PAYLOAD_TOO_LARGE, "the receipt is too large");
    };
    let Ok(receipt) = serde_json::from_slice::<Receipt>(&bytes) else {
        return answer(StatusCode::BAD_REQUEST, "the receipt is not a delivery receipt");
    };
    let reference_ok = receipt.reference.as_deref().is_none_or(|r| r.len() <= 100);
    if !confer_store::channels::is_uuid(&receipt.id)
        || !ns::STATUSES.contains(&receipt.status.as_str())
        || !["email", "sms", "letter"].contains(&receipt.notification_type.as_str())
        || !reference_ok
    {
        return answer(
            StatusCode::BAD_REQUEST,
            "the receipt's id, status or notification type is not one Notify sends",
        );
    }
    match ns::record(
        &state.db,
        &authority_id,
        &receipt.id.to_ascii_lowercase(),
        receipt.reference.as_deref(),
        &receipt.notification_type,
        &receipt.status,
    )
    .await
    {
        Ok(Recorded::Changed { letter }) => {
            tracing::info!(status = %receipt.status, kind = %receipt.notification_type, letter, outcome = "recorded", "notify callback");
            answer(StatusCode::OK, "recorded")
        }
        Ok(Recorded::Replay) => answer(StatusCode::OK, "already recorded"),
        Err(Refused::NotFound) => {
            tracing::warn!(outcome = "refused", reason = "not found", "notify callback");
            answer(StatusCode::NOT_FOUND, "no such notification")
        }
        Err(Refused::Conflict) => answer(StatusCode::CONFLICT, "this notification already has another final status"),
        Err(Refused::Store(e)) => {
            tracing::error!(error = %e, "notify callback");
            answer(StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "confer_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";

    #[test]
    fn the_key_gives_the_service_id_and_the_secret_and_debug_hides_the_secret() {
        let k = ApiKey::parse(KEY).unwrap();
        assert_eq!(k.service_id, "26785a09-ab16-4eb0-8407-a37497a57506");
        assert_eq!(k.secret, "3d844edf-8d35-48ac-975b-e847b4f122b0");
        assert!(!format!("{k:?}").contains("3d844edf"));
        // A name with hyphens in it.
        assert_eq!(ApiKey::parse(&KEY.replace("confer_test", "my-key-name")).unwrap(), k);
        for bad in ["", "confer_test", &KEY[..KEY.len() - 1], &KEY.replace("-3d844edf", "x3d844edf")] {
            let e = ApiKey::parse(bad).unwrap_err();
            assert!(!e.contains("3d844edf"), "the error never repeats a key: {e}");
        }
    }

    #[test]
    fn the_token_is_hs256_over_the_issuer_and_the_time() {
        let t = ApiKey::parse(KEY).unwrap().token(1_700_000_000);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims, serde_json::json!({"iss": "26785a09-ab16-4eb0-8407-a37497a57506", "iat": 1_700_000_000}));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"3d844edf-8d35-48ac-975b-e847b4f122b0").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
    }
}
