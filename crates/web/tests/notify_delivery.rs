//! Issue 14: GOV.UK Notify and text messages behind the same outbox, chosen per authority.
//! The real Notify is not reachable here, so a local HTTP server plays it as its API v2 is
//! documented: it checks each request's JSON Web Token (HS256 over `iss`, the service id, and
//! `iat`, within 30 seconds, signed with the key's secret) and the body of
//! `POST /v2/notifications/email` and `/sms` (the fields, a known template), and answers with
//! Notify's documented responses: 201 with the notification's id, 400 BadRequestError or
//! ValidationError, 403 AuthError, 429 RateLimitError. Runs on SQLite, and on PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration as Span, NaiveDate, Utc};
use common::*;
use confer_domain::conference::*;
use confer_domain::*;
use confer_store::channels::{self, EmailVia, LetterVia, SmsVia};
use confer_store::conferences::{self, Change};
use confer_store::outbox::{self, Retry};
use confer_store::users;
use confer_web::mail::{self, MailSettings, Relay};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const SERVICE_ID: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";
const EMAIL_TEMPLATE: &str = "f33517ff-2a88-4f6e-b855-c550268ce08a";
const SMS_TEMPLATE: &str = "c0ffee00-1234-4abc-8def-0123456789ab";
const DAD_MOBILE: &str = "07700 900123";

fn api_key(secret: &str) -> String {
    format!("testshire_live-{SERVICE_ID}-{secret}")
}

// ---------------------------------------------------------------------------------------
// Notify, played on loopback.

#[derive(Default)]
struct Notify {
    /// (path, body) of each request it accepted.
    accepted: Vec<(String, Value, String)>,
    /// Every request it was sent, accepted or not.
    requests: usize,
    /// Answer every request with this status (429, 500) instead.
    force: Option<u16>,
}

type Shared = Arc<Mutex<Notify>>;

fn error(status: u16, error: &str, message: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({"status_code": status, "errors": [{"error": error, "message": message}]})),
    )
}

/// The token check as Notify documents it: a Bearer JWT, HS256, `iss` a service this key
/// belongs to, `iat` within 30 seconds, signed with the secret.
fn check_token(headers: &HeaderMap) -> Result<(), (StatusCode, Json<Value>)> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(token) = auth.strip_prefix("Bearer ") else {
        return Err(error(401, "AuthError", "Unauthorized: authentication token must be provided"));
    };
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(error(403, "AuthError", "Invalid token: signature"));
    }
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap_or_default()).unwrap_or_default();
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap_or_default()).unwrap_or_default();
    if header["alg"] != "HS256" || header["typ"] != "JWT" {
        return Err(error(403, "AuthError", "Invalid token: algorithm used is not HS256"));
    }
    if claims["iss"] != SERVICE_ID {
        return Err(error(403, "AuthError", "Invalid token: service not found"));
    }
    let iat = claims["iat"].as_i64().unwrap_or(0);
    if (Utc::now().timestamp() - iat).abs() > 30 {
        return Err(error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap_or_default();
    mac.verify_slice(&signature).map_err(|_| error(403, "AuthError", "Invalid token: signature, api token not found"))
}

async fn notification(kind: &'static str, state: Shared, headers: HeaderMap, body: Value) -> (StatusCode, Json<Value>) {
    let force = {
        let mut n = state.lock().unwrap();
        n.requests += 1;
        n.force
    };
    match force {
        Some(429) => {
            return error(
                429,
                "RateLimitError",
                "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
            )
        }
        Some(s) => return error(s, "Exception", "Internal server error"),
        None => {}
    }
    if let Err(e) = check_token(&headers) {
        return e;
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/json") {
        return error(400, "BadRequestError", "Content-Type must be application/json");
    }
    if kind == "letter" {
        // A precompiled letter: a reference and the PDF as base64.
        let Some(reference) = body["reference"].as_str() else {
            return error(400, "ValidationError", "reference is a required property");
        };
        let pdf = base64::engine::general_purpose::STANDARD.decode(body["content"].as_str().unwrap_or_default());
        if !pdf.is_ok_and(|p| p.starts_with(b"%PDF")) {
            return error(400, "ValidationError", "Letter content is not a valid PDF");
        }
        let id = uuid_like(state.lock().unwrap().accepted.len());
        state.lock().unwrap().accepted.push((kind.to_owned(), body.clone(), id.clone()));
        return (StatusCode::CREATED, Json(json!({"id": id, "reference": reference, "postage": "second"})));
    }
    let (to_field, template) = match kind {
        "email" => ("email_address", EMAIL_TEMPLATE),
        _ => ("phone_number", SMS_TEMPLATE),
    };
    for field in [to_field, "template_id"] {
        if !body[field].is_string() {
            return error(400, "ValidationError", &format!("{field} is a required property"));
        }
    }
    if body["template_id"] != template {
        return error(400, "BadRequestError", "Template not found");
    }
    let p = &body["personalisation"];
    let placeholders: &[&str] = if kind == "email" { &["subject", "body"] } else { &["body"] };
    for name in placeholders {
        if !p[*name].is_string() {
            return error(400, "BadRequestError", &format!("Missing personalisation: {name}"));
        }
    }
    let id = uuid_like(state.lock().unwrap().accepted.len());
    let content = if kind == "email" {
        json!({"subject": p["subject"], "body": p["body"], "from_email": "testshire.conferences@notifications.service.gov.uk"})
    } else {
        json!({"body": p["body"], "from_number": "Testshire"})
    };
    state.lock().unwrap().accepted.push((kind.to_owned(), body.clone(), id.clone()));
    (
        StatusCode::CREATED,
        Json(json!({
            "id": id,
            "reference": body["reference"],
            "content": content,
            "uri": format!("https://api.notifications.service.gov.uk/v2/notifications/{id}"),
            "template": {"id": template, "version": 1, "uri": format!("https://api.notifications.service.gov.uk/v2/template/{template}")},
        })),
    )
}

fn uuid_like(n: usize) -> String {
    format!("740e5834-3a29-46b4-9a6f-{n:012}")
}

async fn start_notify() -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route(
            "/v2/notifications/email",
            post(|State(s): State<Shared>, h: HeaderMap, Json(b): Json<Value>| notification("email", s, h, b)),
        )
        .route(
            "/v2/notifications/sms",
            post(|State(s): State<Shared>, h: HeaderMap, Json(b): Json<Value>| notification("sms", s, h, b)),
        )
        .route(
            "/v2/notifications/letter",
            post(|State(s): State<Shared>, h: HeaderMap, Json(b): Json<Value>| notification("letter", s, h, b)),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, state)
}

fn settings(notify_url: &str) -> MailSettings {
    // The SMTP relay is not used by an authority on Notify: a folder nobody reads.
    let dir = std::env::temp_dir().join(format!("confer-notify-{}", confer_store::new_id()));
    let mut s = MailSettings::new(Relay::Directory(dir), "conferences@testshire.example").unwrap();
    s.notify_url = notify_url.to_owned();
    s
}

async fn use_notify(app: &App, key: &str, sms: SmsVia) {
    use_notify_for(app, key, sms, LetterVia::Print, None).await
}

/// As [`use_notify`], with how letters go and a callback token.
async fn use_notify_for(app: &App, key: &str, sms: SmsVia, letters: LetterVia, callback: Option<&str>) {
    let v = channels::get(&app.db, app.authority.id.as_str()).await.unwrap().v;
    channels::save(
        &app.db,
        app.authority.id.as_str(),
        v,
        &channels::Change {
            email_via: EmailVia::Notify,
            sms_via: sms,
            letter_via: letters,
            new_callback_token: callback,
            new_api_key: Some(key),
            email_template: Some(EMAIL_TEMPLATE),
            sms_template: Some(SMS_TEMPLATE),
        },
        "admin",
    )
    .await
    .unwrap();
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Weekdays;
impl confer_domain::calendar::WorkingCalendar for Weekdays {
    fn is_working_day(&self, _: NaiveDate) -> bool {
        true
    }
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        from + chrono::Days::new(days.into())
    }
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        from - chrono::Days::new(days.into())
    }
}

fn coordinator() -> Acting {
    Acting::new("coord", &[Role::Coordinator], &[])
}

/// A conference for Amy Brook, scheduled, with her mother (an e-mail address) and her father
/// (a mobile number, no e-mail address; `dad_prefers_post` as given) invited. Returns the
/// conference's version.
async fn invited(app: &App, dad_prefers_post: bool) -> i64 {
    let (sw, _) = staff(app, "sw", &[Role::SocialWorker], None).await;
    let (chair, _) = staff(app, "chair", &[Role::Chair], None).await;
    let chair_account = users::by_id(&app.db, &UserId::from(chair.as_str())).await.unwrap().account;
    let brooks = app
        .world
        .family("fam")
        .named("Brook")
        .worker(&sw)
        .case_id("case")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .with_adult(|a| a.phone = Some(DAD_MOBILE.into()))
        .create()
        .await;
    brooks.requested_conference(&app.world).await;
    if dad_prefers_post {
        sqlx::query("UPDATE adult SET prefers_post = 1 WHERE id = 'dad'").execute(app.db.pool()).await.unwrap();
    }
    let slot = Slot {
        date: d("2026-11-20"),
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        venue: Some("Room 1, Civic Centre".into()),
        video_link: None,
        chair: chair.as_str().into(),
    };
    let ((), v) = conferences::save(&app.db, "conf", 1, Change::new("coord", "conference.schedule"), |c| {
        c.schedule(&coordinator(), slot, &chair_account, |_| None, None, &Weekdays, d("2026-11-03"), Utc::now())
    })
    .await
    .unwrap();
    let (_, v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.invite"), |c| {
        c.invite_family_member(&coordinator(), &"mum".into(), d("2026-11-04"))?;
        c.invite_family_member(&coordinator(), &"dad".into(), d("2026-11-04"))
    })
    .await
    .unwrap();
    v
}

async fn sms_ids(app: &App) -> Vec<String> {
    outbox::ids_for(&app.db, DAD_MOBILE).await.unwrap()
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_authority_on_notify_e_mails_through_it_and_a_parent_with_a_mobile_gets_a_text_and_a_letter_inv_01() {
    let app = start().await;
    let (url, notify) = start_notify().await;
    use_notify(&app, &api_key(SECRET), SmsVia::Notify).await;
    let v = invited(&app, false).await;

    // The mother is e-mailed; the father, with no address, gets a letter on the print list
    // and a text message that it is on its way.
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!((pass.claimed, pass.sent), (2, 2), "{pass:?}");
    let got = notify.lock().unwrap().accepted.clone();
    let email = got.iter().find(|(k, _, _)| k == "email").expect("an e-mail through Notify");
    assert_eq!(email.1["email_address"], "mandy.brook@family.example");
    assert_eq!(email.1["template_id"], EMAIL_TEMPLATE);
    let subject = email.1["personalisation"]["subject"].as_str().unwrap();
    assert!(subject.starts_with("Invitation to a child protection conference"), "{subject}");
    assert!(email.1["personalisation"]["body"].as_str().unwrap().contains("When: Friday 20 November 2026 at 10:00"));
    let mum_id = outbox::ids_for(&app.db, "mandy.brook@family.example").await.unwrap().remove(0);
    assert_eq!(email.1["reference"], mum_id.as_str(), "the outbox id is the reference");
    let sms = got.iter().find(|(k, _, _)| k == "sms").expect("a text message through Notify");
    assert_eq!(sms.1["phone_number"], DAD_MOBILE);
    assert_eq!(sms.1["template_id"], SMS_TEMPLATE);
    let text = sms.1["personalisation"]["body"].as_str().unwrap();
    assert!(text.contains("Friday 20 November 2026 at 10:00") && text.contains("letter"), "{text}");
    for secret in ["Amy", "Brook", "Dan"] {
        assert!(!text.contains(secret) && !subject.contains(secret), "{secret} in a message");
    }
    // Each outbox row remembers its channel, the adapter and Notify's id.
    let (channel, provider, provider_id) = outbox::delivery(&app.db, &mum_id).await.unwrap().unwrap();
    assert_eq!(
        (channel.as_str(), provider.as_deref(), provider_id.as_deref()),
        ("email", Some("notify"), Some(email.2.as_str()))
    );
    let dad_id = sms_ids(&app).await.remove(0);
    let (channel, provider, provider_id) = outbox::delivery(&app.db, &dad_id).await.unwrap().unwrap();
    assert_eq!(
        (channel.as_str(), provider.as_deref(), provider_id.as_deref()),
        ("sms", Some("notify"), Some(sms.2.as_str()))
    );
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    assert_eq!(letters.iter().map(|l| l.sent.kind.as_str()).collect::<Vec<_>>(), ["invitation-letter"]);
    for l in &letters {
        confer_ops::documents::mark_printed(&ops, &l.sent.id, "test").await.unwrap();
    }

    // Cancelled: the mother is e-mailed, the father texted, and a cancellation letter is on
    // the print list for him.
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.sent, 2, "{pass:?}");
    let got = notify.lock().unwrap().accepted.clone();
    let texts: Vec<&str> = got
        .iter()
        .filter(|(k, _, _)| k == "sms")
        .map(|(_, b, _)| b["personalisation"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts[1].contains("cancelled") && !texts[1].contains("moved away"), "{}", texts[1]);
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!((letters[0].sent.kind.as_str(), letters[0].sent.channel.as_str()), ("cancellation-letter", "post"));
    assert!(letters[0].bytes.starts_with(b"%PDF"));
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
}

/// Issue 14 (review): an authority that sends through GOV.UK Notify alone needs no relay.
/// `confer serve` starts the delivery worker without --smtp-url or --mail-dir (the command
/// line's settings test proves it is given settings with no relay); the worker sends Notify's
/// messages, and an e-mail through the missing relay waits in the outbox, untried (INV-01).
#[tokio::test]
async fn without_a_relay_the_worker_still_sends_through_notify_and_relay_e_mail_waits_inv_01() {
    let app = start().await;
    let (url, notify) = start_notify().await;
    let mut s = MailSettings::notify_only();
    s.notify_url = url;
    // The authority sends e-mail through the relay, and there is none: nothing is claimed.
    invited(&app, false).await;
    let mum = outbox::ids_for(&app.db, "mandy.brook@family.example").await.unwrap().remove(0);
    let pass = mail::deliver_due(&app.db, &s, "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.claimed, 0, "nothing the worker cannot send is claimed: {pass:?}");
    assert_eq!(outbox::counts(&app.db).await.unwrap(), vec![("pending".to_owned(), 1)], "the e-mail waits");
    assert!(outbox::failed(&app.db, 10).await.unwrap().is_empty());
    assert_eq!(notify.lock().unwrap().requests, 0);

    // Once the authority chooses Notify, the worker that `serve_with_mail` runs beside the
    // pages sends it, with no relay given.
    use_notify(&app, &api_key(SECRET), SmsVia::Notify).await;
    let addr: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = tokio::spawn(mail::serve_with_mail(app.db.clone(), confer_web::WebSettings::default(), addr, Some(s)));
    let mut provider = None;
    for _ in 0..150 {
        provider = outbox::delivery(&app.db, &mum).await.unwrap().and_then(|(_, p, _)| p);
        if provider.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.abort();
    assert_eq!(provider.as_deref(), Some("notify"), "the worker sent the waiting e-mail through Notify");
    let accepted = notify.lock().unwrap().accepted.clone();
    assert!(accepted.iter().any(|(k, b, _)| k == "email" && b["email_address"] == "mandy.brook@family.example"));
}

#[tokio::test]
async fn a_parent_who_asked_for_post_gets_no_text_and_an_authority_without_texts_sends_none() {
    let app = start().await;
    use_notify(&app, &api_key(SECRET), SmsVia::Notify).await;
    invited(&app, true).await;
    assert!(sms_ids(&app).await.is_empty(), "he asked for post: a letter only");

    let app = start().await;
    use_notify(&app, &api_key(SECRET), SmsVia::Off).await;
    invited(&app, false).await;
    assert!(sms_ids(&app).await.is_empty(), "the authority sends no text messages");
}

#[tokio::test]
async fn notify_refusals_403_and_429_are_retried_with_backoff_and_400_fails_at_once_without_the_number() {
    let app = start().await;
    let (url, notify) = start_notify().await;
    // A key whose secret Notify does not know: 403 AuthError.
    use_notify(&app, &api_key("00000000-8d35-48ac-975b-e847b4f122b0"), SmsVia::Notify).await;
    invited(&app, false).await;
    let retry = Retry {
        max_attempts: 3,
        first_wait: Span::seconds(60),
        longest_wait: Span::minutes(10),
        lease: Span::minutes(5),
    };
    let mut s = settings(&url);
    s.retry = retry;
    let dad = sms_ids(&app).await.remove(0);

    let t0 = Utc::now();
    let pass = mail::deliver_due(&app.db, &s, "w1", t0).await.unwrap();
    assert_eq!((pass.claimed, pass.retrying, pass.sent), (2, 2, 0));
    assert_eq!(notify.lock().unwrap().requests, 2, "Notify was really asked");
    let st = outbox::state(&app.db, &dad).await.unwrap().unwrap();
    assert_eq!((st.status.as_str(), st.attempts), ("pending", 1));
    assert_eq!(st.next_attempt_at, Some(confer_store::stamp(t0 + Span::seconds(60))));
    assert_eq!(st.last_error.as_deref(), Some("notify 403: AuthError"));

    // The administrator puts the right key in; Notify is now too busy: 429, the wait doubles.
    use_notify(&app, &api_key(SECRET), SmsVia::Notify).await;
    notify.lock().unwrap().force = Some(429);
    let t1 = t0 + Span::seconds(61);
    let pass = mail::deliver_due(&app.db, &s, "w1", t1).await.unwrap();
    assert_eq!(pass.retrying, 2);
    let st = outbox::state(&app.db, &dad).await.unwrap().unwrap();
    assert_eq!(st.last_error.as_deref(), Some("notify 429: RateLimitError"));
    assert_eq!(st.next_attempt_at, Some(confer_store::stamp(t1 + Span::seconds(120))));

    // Notify answers again: both are sent.
    notify.lock().unwrap().force = None;
    let pass = mail::deliver_due(&app.db, &s, "w1", t1 + Span::seconds(121)).await.unwrap();
    assert_eq!(pass.sent, 2, "{pass:?} {:?}", outbox::state(&app.db, &dad).await.unwrap());
    assert_eq!(outbox::state(&app.db, &dad).await.unwrap().unwrap().status, "sent");

    // A template Notify does not have: 400 BadRequestError, failed at once (trying again
    // cannot help), visible to `confer outbox` without the number.
    let v = channels::get(&app.db, app.authority.id.as_str()).await.unwrap().v;
    channels::save(
        &app.db,
        app.authority.id.as_str(),
        v,
        &channels::Change {
            email_via: EmailVia::Notify,
            sms_via: SmsVia::Notify,
            letter_via: LetterVia::Print,
            new_callback_token: None,
            new_api_key: None,
            email_template: Some(EMAIL_TEMPLATE),
            sms_template: Some("11111111-2222-4333-8444-555555555555"),
        },
        "admin",
    )
    .await
    .unwrap();
    let v = conferences::load(&app.db, "conf").await.unwrap().version;
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    let pass = mail::deliver_due(&app.db, &s, "w1", Utc::now()).await.unwrap();
    assert_eq!((pass.sent, pass.failed), (1, 1), "{pass:?}");
    let failed = outbox::failed(&app.db, 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].channel.as_str(), failed[0].attempts), ("sms", 1));
    let error = failed[0].last_error.clone().unwrap();
    assert_eq!(error, "notify 400: BadRequestError");
    assert!(!error.contains("07700"));
}

#[tokio::test]
async fn the_api_key_is_stored_sealed_never_audited_and_shown_back_as_its_last_four_characters() {
    confer_store::totp_key::install(Some(confer_store::totp_key::TotpKeys {
        current: confer_store::totp_key::Key::generate(),
        previous: None,
    }));
    let app = start().await;
    let key = api_key(SECRET);
    use_notify(&app, &key, SmsVia::Off).await;
    let ch = channels::get(&app.db, app.authority.id.as_str()).await.unwrap();
    assert_eq!(ch.key_hint.as_deref(), Some("…22b0"));
    assert_eq!(ch.notify_api_key(app.authority.id.as_str()).unwrap().as_deref(), Some(key.as_str()));
    assert!(!format!("{ch:?}").contains("3d844edf"));
    let stored: String =
        sqlx::query_scalar("SELECT notify_api_key FROM authority_channel").fetch_one(app.db.pool()).await.unwrap();
    assert!(!stored.contains("3d844edf") && stored.starts_with("v1:"), "sealed at rest");
    let audit: Vec<String> = sqlx::query_scalar("SELECT after_json FROM audit_event WHERE action = 'channels.changed'")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].contains("api_key_changed") && !audit[0].contains("3d844edf"), "{}", audit[0]);
    // A stale version is a conflict that says what to do.
    let e = channels::save(
        &app.db,
        app.authority.id.as_str(),
        0,
        &channels::Change {
            email_via: EmailVia::Smtp,
            sms_via: SmsVia::Off,
            letter_via: LetterVia::Print,
            new_callback_token: None,
            new_api_key: None,
            email_template: None,
            sms_template: None,
        },
        "admin",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("Someone else changed"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Issue 14: letters through Notify, and Notify's delivery-status callbacks.

const CALLBACK_TOKEN: &str = "testshire-callback-0123456789abcdefghijklmnop";

/// A delivery receipt as Notify sends it to the callback URL.
fn receipt(id: &str, reference: &str, kind: &str, status: &str) -> Value {
    json!({
        "id": id,
        "reference": reference,
        "to": "mandy.brook@family.example",
        "status": status,
        "created_at": "2026-11-04T09:00:00.000000Z",
        "completed_at": "2026-11-04T09:00:05.000000Z",
        "sent_at": "2026-11-04T09:00:01.000000Z",
        "notification_type": kind,
        "template_id": EMAIL_TEMPLATE,
        "template_version": 1,
    })
}

async fn call_back(app: &App, authority: &str, token: Option<&str>, body: &Value) -> reqwest::StatusCode {
    let mut req = client().post(format!("{}/callbacks/notify/{authority}", app.base)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().status()
}

async fn audit_count(app: &App, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn letters_go_to_notify_as_precompiled_pdf_for_an_authority_that_chose_it_and_a_refused_one_stays_on_the_print_list_inv_01(
) {
    let app = start().await;
    let (url, notify) = start_notify().await;
    use_notify_for(&app, &api_key(SECRET), SmsVia::Off, LetterVia::Notify, None).await;
    let v = invited(&app, false).await;

    // The father has no e-mail address: his invitation letter is made and sent to Notify as a
    // precompiled letter, its documents log id the reference; nothing waits on the print list.
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!((pass.sent, pass.letters), (1, 1), "{pass:?}");
    let got = notify.lock().unwrap().accepted.clone();
    let letter = got.iter().find(|(k, _, _)| k == "letter").expect("a letter through Notify");
    let reference = letter.1["reference"].as_str().unwrap().to_owned();
    let pdf = base64::engine::general_purpose::STANDARD.decode(letter.1["content"].as_str().unwrap()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(letter.1.as_object().unwrap().len(), 2, "a reference and the content, nothing about a person");
    let logged = confer_store::documents_sent::for_conference(&app.db, "conf").await.unwrap();
    let sent = logged.iter().find(|s| s.id == reference).expect("the reference is the documents log's id");
    assert_eq!((sent.kind.as_str(), sent.channel.as_str()), ("invitation-letter", "post"));
    assert_eq!(pdf.len() as i64, sent.size_bytes, "the letter logged is the letter sent");
    let (state, provider_id, _, _) =
        confer_store::notify_status::letter_state(&app.db, &reference).await.unwrap().unwrap();
    assert_eq!((state.as_deref(), provider_id.as_deref()), (Some("notify"), Some(letter.2.as_str())));
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    assert!(confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap().is_empty());
    assert_eq!(audit_count(&app, "document.sent-through-notify").await, 1);
    // A second pass sends nothing again.
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.letters, 0);

    // The conference is cancelled; Notify refuses the cancellation letter itself (400): it
    // stays on the print list for a person to print, with the reason, and is not tried again.
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    notify.lock().unwrap().force = Some(400);
    let before = notify.lock().unwrap().requests;
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.letters, 0);
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    assert_eq!(letters.iter().map(|l| l.sent.kind.as_str()).collect::<Vec<_>>(), ["cancellation-letter"]);
    let (state, _, _, error) =
        confer_store::notify_status::letter_state(&app.db, &letters[0].sent.id).await.unwrap().unwrap();
    assert_eq!((state.as_deref(), error.as_deref()), (Some("waiting"), Some("notify 400: Exception")));
    assert_eq!(audit_count(&app, "document.notify-refused").await, 1);
    notify.lock().unwrap().force = None;
    let tried = notify.lock().unwrap().requests;
    mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(notify.lock().unwrap().requests, tried, "a refused letter is not sent again");
    assert!(tried > before);
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn notify_answering_5xx_to_a_letter_leaves_it_for_the_next_pass_and_an_authority_on_the_print_list_sends_none() {
    let app = start().await;
    let (url, notify) = start_notify().await;
    // On the print list (Notify for e-mail only): no letter goes to Notify.
    use_notify_for(&app, &api_key(SECRET), SmsVia::Off, LetterVia::Print, None).await;
    invited(&app, false).await;
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.letters, 0);
    assert!(notify.lock().unwrap().accepted.iter().all(|(k, _, _)| k != "letter"));
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    assert_eq!(confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap().len(), 1);

    // The authority now sends letters through Notify, which is down (500): the letter waits
    // (not on the print list) and goes at the next pass.
    use_notify_for(&app, &api_key(SECRET), SmsVia::Off, LetterVia::Notify, None).await;
    notify.lock().unwrap().force = Some(500);
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.letters, 0);
    assert!(confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap().is_empty());
    notify.lock().unwrap().force = None;
    let pass = mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.letters, 1);
}

#[tokio::test]
async fn delivery_callbacks_record_the_status_audited_and_an_undeliverable_e_mail_becomes_a_letter_shown_to_the_coordinator(
) {
    let app = start().await;
    let (url, notify) = start_notify().await;
    use_notify_for(&app, &api_key(SECRET), SmsVia::Notify, LetterVia::Print, Some(CALLBACK_TOKEN)).await;
    invited(&app, false).await;
    mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    let got = notify.lock().unwrap().accepted.clone();
    let (_, email, email_id) = got.iter().find(|(k, _, _)| k == "email").unwrap().clone();
    let (_, sms, sms_id) = got.iter().find(|(k, _, _)| k == "sms").unwrap().clone();
    let mum = email["reference"].as_str().unwrap().to_owned();
    let dad = sms["reference"].as_str().unwrap().to_owned();
    let authority = app.authority.id.as_str().to_owned();
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    let letters_before = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap().len();

    // The text message was delivered: recorded, audited.
    let delivered = receipt(&sms_id, &dad, "sms", "delivered");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &delivered).await, reqwest::StatusCode::OK);
    assert_eq!(confer_store::notify_status::outbox_status(&app.db, &dad).await.unwrap().as_deref(), Some("delivered"));
    assert_eq!(audit_count(&app, "outbox.delivery-status").await, 1);

    // The e-mail can never be delivered: recorded, and a letter replaces it on the print list.
    let bounced = receipt(&email_id, &mum, "email", "permanent-failure");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &bounced).await, reqwest::StatusCode::OK);
    assert_eq!(
        confer_store::notify_status::outbox_status(&app.db, &mum).await.unwrap().as_deref(),
        Some("permanent-failure")
    );
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    assert_eq!(letters.len(), letters_before + 1);
    let new = letters.iter().find(|l| l.sent.recipient == "family-member:mum").expect("a letter for the mother");
    assert_eq!(new.sent.kind, "invitation-letter");
    let after: Vec<String> =
        sqlx::query_scalar("SELECT after_json FROM audit_event WHERE action = 'outbox.delivery-status' ORDER BY seq")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(after.len(), 2);
    assert!(after.iter().any(|a| a.contains("permanent-failure") && a.contains("letter_instead")), "{after:?}");
    assert!(after.iter().all(|a| !a.contains("mandy") && !a.contains("07700")), "no address in the audit");

    // The coordinator sees it on the conference's page.
    let (coord, _) = staff(&app, "the.coordinator", &[Role::Coordinator], None).await;
    let mut b = app.as_user(&coord).await;
    let page = b.get("/conferences/conf").await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    assert!(page.body.contains("Not delivered"), "{}", page.body);
    assert!(page.body.contains("to Mandy Brook") && page.body.contains("A letter was sent instead."));

    // A replay changes nothing and writes no audit; another status for it is refused.
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &bounced).await, reqwest::StatusCode::OK);
    assert_eq!(audit_count(&app, "outbox.delivery-status").await, 2);
    let later = receipt(&email_id, &mum, "email", "delivered");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &later).await, reqwest::StatusCode::CONFLICT);
    assert_eq!(
        confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap().len(),
        letters_before + 1,
        "a replay makes no second letter"
    );
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn a_callback_without_the_authoritys_token_or_for_a_notification_it_did_not_send_is_refused() {
    let app = start().await;
    let (url, notify) = start_notify().await;
    use_notify_for(&app, &api_key(SECRET), SmsVia::Notify, LetterVia::Print, Some(CALLBACK_TOKEN)).await;
    invited(&app, false).await;
    mail::deliver_due(&app.db, &settings(&url), "w1", Utc::now()).await.unwrap();
    let got = notify.lock().unwrap().accepted.clone();
    let (_, sms, sms_id) = got.iter().find(|(k, _, _)| k == "sms").unwrap().clone();
    let dad = sms["reference"].as_str().unwrap().to_owned();
    let authority = app.authority.id.as_str().to_owned();
    let good = receipt(&sms_id, &dad, "sms", "delivered");
    use reqwest::StatusCode as S;

    // No token, a wrong one, one a character short, a session's cookie instead: 401.
    assert_eq!(call_back(&app, &authority, None, &good).await, S::UNAUTHORIZED);
    assert_eq!(call_back(&app, &authority, Some("wrong-token-wrong-token-wrong-token"), &good).await, S::UNAUTHORIZED);
    assert_eq!(call_back(&app, &authority, Some(&CALLBACK_TOKEN[1..]), &good).await, S::UNAUTHORIZED);
    let (coord, _) = staff(&app, "the.coordinator", &[Role::Coordinator], None).await;
    let b = app.as_user(&coord).await;
    let cookies = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let with_session = client()
        .post(format!("{}/callbacks/notify/{authority}", app.base))
        .header("cookie", cookies)
        .json(&good)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(with_session, S::UNAUTHORIZED, "a session is no credential here");
    // A staff API token is not the callback token either.
    let (_, api) = confer_store::tokens::create(
        &app.db,
        &coord,
        &authority,
        "api",
        &[confer_store::tokens::Scope::Read, confer_store::tokens::Scope::Write],
        "test",
    )
    .await
    .unwrap();
    assert_eq!(call_back(&app, &authority, Some(&api), &good).await, S::UNAUTHORIZED);
    // An authority that never set a token, and one that does not exist: 401 alike.
    let other =
        confer_store::testing::World::with_authority(&app.db, "T02", "Otherland Council", Nation::England).await;
    let other_id = other.authority.id.as_str().to_owned();
    assert_eq!(call_back(&app, &other_id, Some(CALLBACK_TOKEN), &good).await, S::UNAUTHORIZED);
    assert_eq!(call_back(&app, "no-such-authority", Some(CALLBACK_TOKEN), &good).await, S::UNAUTHORIZED);

    // Another authority, with its own token, calling back about this authority's message: not
    // found (the same id under another authority is not its notification).
    let other_token = "otherland-callback-abcdefghijklmnopqrstuvwxyz0123";
    channels::save(
        &app.db,
        &other_id,
        0,
        &channels::Change {
            email_via: EmailVia::Notify,
            sms_via: SmsVia::Notify,
            letter_via: LetterVia::Print,
            new_callback_token: Some(other_token),
            new_api_key: Some(&api_key(SECRET)),
            email_template: Some(EMAIL_TEMPLATE),
            sms_template: Some(SMS_TEMPLATE),
        },
        "admin",
    )
    .await
    .unwrap();
    assert_eq!(call_back(&app, &other_id, Some(other_token), &good).await, S::NOT_FOUND);
    // An id Notify never gave, a reference that is not the one sent, the right id under the
    // wrong kind: not found.
    let unknown = receipt("00000000-0000-4000-8000-000000000000", &dad, "sms", "delivered");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &unknown).await, S::NOT_FOUND);
    let wrong_ref = receipt(&sms_id, "someone-elses-reference", "sms", "delivered");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &wrong_ref).await, S::NOT_FOUND);
    let wrong_kind = receipt(&sms_id, &dad, "email", "delivered");
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &wrong_kind).await, S::NOT_FOUND);
    // Not a receipt: a status Notify does not send, an id that is not one, a kind, not JSON.
    for bad in [
        receipt(&sms_id, &dad, "sms", "opened"),
        receipt("1; DROP TABLE outbox", &dad, "sms", "delivered"),
        receipt(&sms_id, &dad, "fax", "delivered"),
        json!({"id": sms_id}),
        json!([1, 2, 3]),
    ] {
        assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &bad).await, S::BAD_REQUEST, "{bad}");
    }
    let form = client()
        .post(format!("{}/callbacks/notify/{authority}", app.base))
        .bearer_auth(CALLBACK_TOKEN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("id=x&status=delivered")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(form, S::UNSUPPORTED_MEDIA_TYPE);
    // A huge body, declared and chunked: 413, and nothing recorded.
    let mut huge = good.clone();
    huge["padding"] = json!("x".repeat(64 * 1024));
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &huge).await, S::PAYLOAD_TOO_LARGE);
    let chunked = chunked_post(&app, &format!("/callbacks/notify/{authority}"), &huge.to_string()).await;
    assert_eq!(chunked, 413);
    assert_eq!(audit_count(&app, "outbox.delivery-status").await, 0, "nothing refused was recorded");
    assert_eq!(confer_store::notify_status::outbox_status(&app.db, &dad).await.unwrap(), None);
    // GET is not a callback: not in the route table, refused (deny by default).
    let get = client().get(format!("{}/callbacks/notify/{authority}", app.base)).send().await.unwrap().status();
    assert_eq!(get, S::FORBIDDEN);

    // And the right one is recorded once.
    assert_eq!(call_back(&app, &authority, Some(CALLBACK_TOKEN), &good).await, S::OK);
    assert_eq!(audit_count(&app, "outbox.delivery-status").await, 1);
}

/// Posts `body` with the callback token in chunks of 1 KB, with no declared length, on a raw
/// connection; the status the server answers with.
async fn chunked_post(app: &App, path: &str, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {CALLBACK_TOKEN}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let _ = s.write_all(head.as_bytes()).await;
    for chunk in body.as_bytes().chunks(1024) {
        let mut part = format!("{:x}\r\n", chunk.len()).into_bytes();
        part.extend_from_slice(chunk);
        part.extend_from_slice(b"\r\n");
        // The server may answer and stop reading before the end: that is its refusal.
        if s.write_all(&part).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn the_callback_token_is_kept_only_as_a_fingerprint_and_a_short_one_is_refused() {
    let app = start().await;
    use_notify_for(&app, &api_key(SECRET), SmsVia::Off, LetterVia::Print, Some(CALLBACK_TOKEN)).await;
    let stored: Option<String> = sqlx::query_scalar("SELECT notify_callback_hash FROM authority_channel")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let stored = stored.unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains("testshire-callback"));
    assert!(channels::get(&app.db, app.authority.id.as_str()).await.unwrap().callback_set);
    let audit: Vec<String> = sqlx::query_scalar("SELECT after_json FROM audit_event WHERE action = 'channels.changed'")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(audit.iter().all(|a| !a.contains("testshire-callback")) && audit[0].contains("callback_token_changed"));
    // Through the operations layer (as the page saves it): too short, refused, naming the field.
    let (admin, _) = staff(&app, "the.admin", &[Role::Administrator], None).await;
    let actor = confer_domain::access::Actor {
        user_id: UserId::from(admin.as_str()),
        authority_id: app.authority.id.clone(),
        roles: [Role::Administrator].into_iter().collect(),
    };
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    let typed = confer_ops::channels::Typed {
        email_via: "notify".into(),
        sms_via: "off".into(),
        letter_via: "notify".into(),
        callback_token: "short-token".into(),
        api_key: String::new(),
        email_template: EMAIL_TEMPLATE.into(),
        sms_template: String::new(),
    };
    let v = channels::get(&app.db, app.authority.id.as_str()).await.unwrap().v;
    match confer_ops::channels::save(&ops, &actor, &typed, v).await {
        Err(confer_ops::OpsError::Invalid { field, .. }) => assert_eq!(field, "callback_token"),
        other => panic!("{other:?}"),
    }
    // Empty keeps the stored token; letters through Notify are saved.
    let keep = confer_ops::channels::Typed { callback_token: String::new(), ..typed };
    confer_ops::channels::save(&ops, &actor, &keep, v).await.unwrap();
    let ch = channels::get(&app.db, app.authority.id.as_str()).await.unwrap();
    assert!(ch.callback_set);
    assert_eq!(ch.letter_via, LetterVia::Notify);
}
