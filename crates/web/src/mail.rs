//! Delivers the outbox: a worker started by `confer serve` (and `confer demo`) claims due
//! messages (`confer_store::outbox`), sends each through the configured SMTP relay, or for
//! demonstrations writes it as an `.eml` file into a folder, and records the outcome.
//!
//! Every message carries a Message-ID made from its outbox id, so a message sent twice (a
//! worker stopped after the relay took it but before the outcome was recorded) is the same
//! message to the receiving server. Logs name outbox ids and outcomes only: never an address,
//! a subject or a body.

use chrono::Utc;
use confer_store::channels::Channels;
use confer_store::outbox::{self, AfterFailure, Message, Retry};
use confer_store::Db;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    ImplicitTls,
    /// No encryption: only for a relay on the same machine or a private network.
    None,
}

/// An SMTP relay, from a URL such as `smtp://user:password@relay.example:587`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpRelay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
}

// Debug never prints the password.
impl std::fmt::Debug for SmtpRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpRelay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("credentials", &self.credentials.as_ref().map(|(user, _)| format!("{user}:(redacted)")))
            .finish()
    }
}

impl SmtpRelay {
    /// Reads `smtp://[USER[:PASSWORD]@]HOST[:PORT][?tls=starttls|none]` (STARTTLS by default,
    /// port 587; with `tls=none`, port 25) or `smtps://…` (TLS from the start, port 465).
    /// The user and password may be percent-encoded. The error says what to fix.
    pub fn parse(url: &str) -> Result<SmtpRelay, String> {
        let hint = "the SMTP URL must look like smtp://user:password@relay.example:587 (STARTTLS), \
                    smtps://relay.example:465 (TLS) or smtp://127.0.0.1:25?tls=none (a local relay)";
        let (scheme, rest) = url.trim().split_once("://").ok_or_else(|| hint.to_owned())?;
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let rest = rest.trim_end_matches('/');
        let mut security = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => Security::StartTls,
            "smtps" => Security::ImplicitTls,
            other => return Err(format!("unknown scheme {other:?}: {hint}")),
        };
        if let Some(q) = query {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("tls", "starttls")) if security == Security::StartTls => {}
                    Some(("tls", "none")) if security == Security::StartTls => security = Security::None,
                    _ => return Err(format!("unknown option {pair:?} in the SMTP URL: {hint}")),
                }
            }
        }
        let (credentials, host_port) = match rest.rsplit_once('@') {
            Some((creds, hp)) => {
                let (user, password) = creds.split_once(':').unwrap_or((creds, ""));
                (Some((percent_decode(user)?, percent_decode(password)?)), hp)
            }
            None => (None, rest),
        };
        let default_port = match security {
            Security::StartTls => 587,
            Security::ImplicitTls => 465,
            Security::None => 25,
        };
        let (host, port) = match host_port.rsplit_once(':') {
            // An IPv6 literal such as [::1] without a port.
            Some((h, p)) if !p.ends_with(']') => {
                (h, p.parse::<u16>().map_err(|_| format!("the SMTP port must be a number (got {p:?})"))?)
            }
            _ => (host_port, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains('/') {
            return Err(hint.to_owned());
        }
        Ok(SmtpRelay { host: host.to_owned(), port, security, credentials })
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        let tls = match self.security {
            Security::StartTls => Tls::Required(TlsParameters::new(self.host.clone())?),
            Security::ImplicitTls => Tls::Wrapper(TlsParameters::new(self.host.clone())?),
            Security::None => Tls::None,
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
        if let Some((user, password)) = &self.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(b.build())
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("a % in the SMTP URL must be followed by two hex digits")?;
            out.push(
                u8::from_str_radix(hex, 16).map_err(|_| "a % in the SMTP URL must be followed by two hex digits")?,
            );
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the SMTP user name and password must be UTF-8".to_owned())
}

/// Where messages go.
#[derive(Debug, Clone)]
pub enum Relay {
    Smtp(SmtpRelay),
    /// Each message as an `.eml` file in this folder (demonstrations and training: someone
    /// running the demo reads the portal sign-in codes there).
    Directory(PathBuf),
    /// No relay given: the worker still sends what goes through GOV.UK Notify (the
    /// authorities that chose it, and text messages); other e-mails wait in the outbox.
    None,
}

/// Everything the worker needs.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub relay: Relay,
    /// The From address, such as `confer@council.example` or `Northmoor Conferences <confer@council.example>`.
    pub from: Mailbox,
    pub retry: Retry,
    /// How long to wait before looking again when nothing is due.
    pub poll: Duration,
    /// How many messages one claim takes.
    pub batch: i64,
    /// The address people reach confer at, such as `https://confer.council.example`: links in
    /// messages (a feedback link, QA-01) are written with it. Without a trailing slash.
    pub public_url: String,
    /// GOV.UK Notify's API (issue 14), for the authorities that chose it
    /// (`confer_store::channels`): [`crate::notify::DEFAULT_URL`] unless `--notify-url`.
    pub notify_url: String,
    /// The HTTP client Notify is reached with.
    pub http: reqwest::Client,
}

impl MailSettings {
    pub fn new(relay: Relay, from: &str) -> Result<MailSettings, String> {
        let from: Mailbox = from.trim().parse().map_err(|_| {
            format!("the mail From address must be an address like confer@council.example (got {from:?})")
        })?;
        Ok(MailSettings {
            relay,
            from,
            retry: Retry::default(),
            poll: Duration::from_secs(5),
            batch: 20,
            public_url: "http://127.0.0.1:8080".into(),
            notify_url: crate::notify::DEFAULT_URL.into(),
            http: reqwest::Client::new(),
        })
    }

    /// No relay: the worker sends only what goes through GOV.UK Notify.
    pub fn notify_only() -> MailSettings {
        MailSettings::new(Relay::None, NO_RELAY_FROM).expect("a valid address")
    }
}

/// The From address of settings without a relay (Notify sends from its own).
const NO_RELAY_FROM: &str = "confer@localhost";

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    /// Letters handed to GOV.UK Notify (issue 14), outside `claimed`.
    pub letters: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// A failed attempt: what kind (for the outbox and the log: a code, never an address) and
/// whether trying again could help.
struct Failure {
    kind: String,
    give_up: bool,
}

/// The Message-ID of an outbox row: the same at every attempt.
pub fn message_id(outbox_id: &str, from: &Mailbox) -> String {
    format!("<{outbox_id}@{}>", from.email.domain())
}

fn build(m: &Message, from: &Mailbox, public_url: &str) -> Result<lettre::Message, Failure> {
    let to: Mailbox =
        m.recipient.trim().parse().map_err(|_| Failure { kind: "address not valid".into(), give_up: true })?;
    // (A stamp that cannot be read falls back to the real time: the Date header is for mail
    // clients outside confer.)
    let date: std::time::SystemTime =
        confer_store::parse_stamp(&m.created_at).unwrap_or_else(confer_store::clock::real_now).into();
    let builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(message_id(&m.id, from)))
        .date(date);
    let invalid = |_| Failure { kind: "message not valid".into(), give_up: true };
    // QA-01: a feedback link is written with a placeholder for confer's public address.
    let body = m.body.replace(confer_store::feedback::LINK_BASE, public_url.trim_end_matches('/'));
    match &m.calendar {
        None => builder.header(ContentType::TEXT_PLAIN).body(body).map_err(invalid),
        Some(entry) => {
            let (ics, content_type) = calendar_part(entry, from);
            let name = if entry.cancel { "cancellation.ics" } else { "invitation.ics" };
            builder
                .multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(body))
                        .singlepart(Attachment::new(name.to_owned()).body(ics, content_type)),
                )
                .map_err(invalid)
        }
    }
}

/// The calendar invitation (.ics) of a message and its content type (issue 14): the meeting's
/// UID at the sending address's domain, its sequence, METHOD:REQUEST or METHOD:CANCEL, and the
/// sending address as organiser. The same message always gives the same entry.
pub fn calendar_part(entry: &confer_store::calendar_entries::Attachment, from: &Mailbox) -> (String, ContentType) {
    use confer_docs::ics::{invite, Invite, Method};
    let uid = format!("{}@{}", entry.uid, from.email.domain());
    let organizer = from.email.to_string();
    let method = if entry.cancel { Method::Cancel } else { Method::Request };
    let ics = invite(&Invite {
        uid: &uid,
        sequence: u32::try_from(entry.sequence).unwrap_or(0),
        method,
        start: entry.start,
        end: entry.end,
        summary: &entry.summary,
        description: &entry.description,
        location: Some(&entry.location),
        video_link: None,
        stamp: entry.stamp,
        organizer: Some(&organizer),
    });
    let method = if entry.cancel { "CANCEL" } else { "REQUEST" };
    let content_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
        .unwrap_or(ContentType::TEXT_PLAIN);
    (ics, content_type)
}

fn smtp_failure(e: &lettre::transport::smtp::Error) -> Failure {
    let kind = match e.status() {
        Some(code) if e.is_permanent() => format!("smtp {code}: refused"),
        Some(code) => format!("smtp {code}: try later"),
        None if e.is_timeout() => "connection: timed out".to_owned(),
        None if e.is_tls() => "connection: TLS failed".to_owned(),
        None if e.is_response() => "smtp: answer not understood".to_owned(),
        None => "connection: failed".to_owned(),
    };
    // A 5xx from a relay is often a fault of its configuration that a person fixes (relaying
    // denied, credentials), so confer tries again as for any failure and gives up only after
    // the last attempt, keeping the message.
    Failure { kind, give_up: false }
}

async fn deliver(
    relay: &Relay,
    smtp: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    email: lettre::Message,
    id: &str,
) -> Result<(), Failure> {
    match relay {
        Relay::Smtp(_) => {
            let Some(transport) = smtp else {
                return Err(Failure { kind: "connection: TLS set-up failed".into(), give_up: false });
            };
            transport.send(email).await.map(|_| ()).map_err(|e| smtp_failure(&e))
        }
        Relay::Directory(dir) => {
            let io = |_| Failure { kind: "folder: cannot write".into(), give_up: false };
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
            // Written whole, then renamed: a reader never sees half a message, and the same
            // outbox row always has the same file name.
            let tmp = dir.join(format!(".{id}.tmp"));
            tokio::fs::write(&tmp, email.formatted()).await.map_err(io)?;
            tokio::fs::rename(&tmp, dir.join(format!("{id}.eml"))).await.map_err(io)
        }
        // Not claimed without a relay (`outbox::Routes::NotifyOnly`); an authority that left
        // Notify after the claim is tried again later.
        Relay::None => Err(Failure { kind: "smtp: no relay configured".into(), give_up: false }),
    }
}

/// Claims the messages due at `now` and tries each once; outcomes and the next attempt are
/// reckoned from `now` too. `owner` names this worker's claims.
pub async fn deliver_due(
    db: &Db,
    settings: &MailSettings,
    owner: &str,
    now: chrono::DateTime<Utc>,
) -> confer_store::Result<Pass> {
    deliver_due_unless(db, settings, owner, now, &|| false).await
}

/// As [`deliver_due`], but gives back the messages not yet tried when `stopping` says so, or
/// when half the lease has gone (a slow relay): another worker must never find a lease run
/// out on a message this one is still about to send.
async fn deliver_due_unless(
    db: &Db,
    settings: &MailSettings,
    owner: &str,
    now: chrono::DateTime<Utc>,
    stopping: &(dyn Fn() -> bool + Sync),
) -> confer_store::Result<Pass> {
    let mut pass = deliver_outbox(db, settings, owner, now, stopping).await?;
    if !stopping() {
        pass.letters = send_letters(db, settings, now).await?;
    }
    Ok(pass)
}

/// Issue 14: the letters of the authorities that send theirs through GOV.UK Notify. The
/// letters still to be made (people without an e-mail address, an e-mail Notify could not
/// deliver) are made as the print list makes them, then each waiting letter is claimed (a
/// guarded update, with a lease) and sent as a precompiled letter, its documents log id the
/// reference. Notify refusing the letter itself (400) leaves it on the print list for a
/// person, with the reason; other failures are tried at the next pass. Returns how many
/// Notify took.
async fn send_letters(db: &Db, settings: &MailSettings, now: chrono::DateTime<Utc>) -> confer_store::Result<usize> {
    use crate::notify::{self, ApiKey, Send};
    use confer_store::notify_status as ns;
    let authorities = confer_store::channels::letters_via_notify(db).await?;
    if authorities.is_empty() {
        return Ok(0);
    }
    let ops = confer_ops::Ops::new(db.clone(), confer_store::clock::Clock::fixed(now));
    let mut sent = 0;
    for authority in authorities {
        let ch = confer_store::channels::get(db, &authority).await?;
        let Some(key) = ch.notify_api_key(&authority).ok().flatten().and_then(|k| ApiKey::parse(&k).ok()) else {
            tracing::warn!(authority_id = %authority, "mail: letters through Notify, but no API key that can be read");
            continue;
        };
        if let Err(e) = confer_ops::documents::make_requested_letters(
            &ops,
            Some(&confer_domain::AuthorityId::from(authority.as_str())),
        )
        .await
        {
            tracing::warn!(authority_id = %authority, error = %e, "mail: letters could not be made");
            continue;
        }
        let lease = confer_store::stamp(now + settings.retry.lease);
        let letters = ns::claim_letters(db, &authority, &confer_store::stamp(now), &lease, settings.batch).await?;
        for letter in letters {
            let message = Send::Letter { pdf: &letter.bytes };
            match notify::send(&settings.http, &settings.notify_url, &key, &message, &letter.id).await {
                Ok(id) => {
                    ns::letter_sent(db, &letter, &id).await?;
                    tracing::info!(document_sent_id = %letter.id, outcome = "sent", "mail: letter through Notify");
                    sent += 1;
                }
                Err(f) => {
                    ns::letter_not_sent(db, &letter, &f.kind, f.give_up).await?;
                    tracing::warn!(document_sent_id = %letter.id, error = %f.kind, give_up = f.give_up, "mail: letter through Notify");
                }
            }
        }
    }
    Ok(sent)
}

async fn deliver_outbox(
    db: &Db,
    settings: &MailSettings,
    owner: &str,
    now: chrono::DateTime<Utc>,
    stopping: &(dyn Fn() -> bool + Sync),
) -> confer_store::Result<Pass> {
    let started = std::time::Instant::now();
    let half_lease = settings.retry.lease.to_std().unwrap_or_default() / 2;
    let routes = match settings.relay {
        Relay::None => outbox::Routes::NotifyOnly,
        Relay::Smtp(_) | Relay::Directory(_) => outbox::Routes::All,
    };
    let claimed = outbox::claim_routes(db, owner, now, &settings.retry, settings.batch, routes).await?;
    let mut pass = Pass { claimed: claimed.len(), ..Pass::default() };
    if claimed.is_empty() {
        return Ok(pass);
    }
    let transport = match &settings.relay {
        Relay::Smtp(relay) => match relay.transport() {
            Ok(t) => Some(t),
            Err(_) => {
                tracing::warn!("mail: cannot set up TLS for the SMTP relay");
                None
            }
        },
        Relay::Directory(_) | Relay::None => None,
    };
    // Issue 14: each authority's channels, read once a pass.
    let mut channels: std::collections::HashMap<String, Channels> = std::collections::HashMap::new();
    for (i, m) in claimed.iter().enumerate() {
        if stopping() || started.elapsed() > half_lease {
            outbox::release(db, &claimed[i..], owner).await?;
            pass.claimed = i;
            break;
        }
        if !channels.contains_key(&m.authority_id) {
            channels.insert(m.authority_id.clone(), confer_store::channels::get(db, &m.authority_id).await?);
        }
        let ch = &channels[&m.authority_id];
        let result = send_one(m, ch, settings, transport.as_ref(), now).await;
        match result {
            Ok((provider, provider_id)) => {
                outbox::mark_sent(db, m, now, provider, provider_id.as_deref()).await?;
                tracing::info!(outbox_id = %m.id, channel = %m.channel, provider, attempt = m.attempt, outcome = "sent", "mail");
                pass.sent += 1;
            }
            Err(f) => match outbox::mark_attempt_failed(db, m, &f.kind, f.give_up, now, &settings.retry).await? {
                AfterFailure::RetryAt(at) => {
                    tracing::info!(outbox_id = %m.id, channel = %m.channel, attempt = m.attempt, outcome = "retry", error = %f.kind, next_attempt_at = %at, "mail");
                    pass.retrying += 1;
                }
                AfterFailure::Failed => {
                    tracing::warn!(outbox_id = %m.id, channel = %m.channel, attempt = m.attempt, outcome = "failed", error = %f.kind, "mail: gave up; see `confer outbox`");
                    pass.failed += 1;
                }
            },
        }
    }
    Ok(pass)
}

/// Issue 14: sends one message by the route its channel and its authority's settings give:
/// a text message through Notify; an e-mail through Notify when the authority chose it, or
/// else through the relay (or folder). The adapter's name and the provider's id when sent.
async fn send_one(
    m: &Message,
    ch: &Channels,
    settings: &MailSettings,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    _now: chrono::DateTime<Utc>,
) -> Result<(&'static str, Option<String>), Failure> {
    use crate::notify::{self, ApiKey, Send};
    use confer_store::channels::{EmailVia, SmsVia};
    let not_set_up = |what: &str| Failure { kind: format!("{what}: not set up for this authority"), give_up: false };
    let notify_key = || -> Result<ApiKey, Failure> {
        let key = ch
            .notify_api_key(&m.authority_id)
            .map_err(|_| Failure { kind: "notify: the API key cannot be read".into(), give_up: false })?
            .ok_or_else(|| not_set_up("notify: no API key"))?;
        ApiKey::parse(&key).map_err(|_| Failure { kind: "notify: the API key is not valid".into(), give_up: false })
    };
    let via_notify = |f: notify::NotifyFailure| Failure { kind: f.kind, give_up: f.give_up };
    match (m.channel.as_str(), ch.email_via) {
        ("sms", _) => {
            let template = ch.sms_template.as_deref().filter(|_| ch.sms_via == SmsVia::Notify);
            let template = template.ok_or_else(|| not_set_up("text messages"))?;
            let key = notify_key()?;
            let sms = Send::Sms { to: m.recipient.trim(), template_id: template, body: &m.body };
            let id = notify::send(&settings.http, &settings.notify_url, &key, &sms, &m.id).await.map_err(via_notify)?;
            Ok(("notify", Some(id)))
        }
        ("email", EmailVia::Notify) => {
            let template = ch.email_template.as_deref().ok_or_else(|| not_set_up("notify: no e-mail template"))?;
            let key = notify_key()?;
            let body = m.body.replace(confer_store::feedback::LINK_BASE, settings.public_url.trim_end_matches('/'));
            let email = Send::Email { to: m.recipient.trim(), template_id: template, subject: &m.subject, body: &body };
            let id =
                notify::send(&settings.http, &settings.notify_url, &key, &email, &m.id).await.map_err(via_notify)?;
            Ok(("notify", Some(id)))
        }
        ("email", EmailVia::Smtp) => {
            let email = build(m, &settings.from, &settings.public_url)?;
            deliver(&settings.relay, transport, email, &m.id).await?;
            Ok((if matches!(settings.relay, Relay::Smtp(_)) { "smtp" } else { "folder" }, None))
        }
        _ => Err(Failure { kind: "channel not known".into(), give_up: true }),
    }
}

/// A name for this worker's claims: unique per process and start.
pub fn worker_name() -> String {
    format!("worker-{}-{}", std::process::id(), confer_store::random_secret(4))
}

/// Runs until `stop` turns true: delivers what is due, then waits `settings.poll` (or goes
/// straight on when a full batch was due). A database that does not answer is waited for.
pub async fn run(db: Db, settings: MailSettings, mut stop: tokio::sync::watch::Receiver<bool>) {
    let owner = worker_name();
    match &settings.relay {
        Relay::Smtp(r) => {
            tracing::info!(host = %r.host, port = r.port, security = ?r.security, "mail: delivering the outbox through SMTP")
        }
        Relay::Directory(d) => tracing::info!(folder = %d.display(), "mail: writing the outbox as .eml files"),
        Relay::None => tracing::warn!(
            "mail: no SMTP relay configured (--smtp-url): GOV.UK Notify's messages are sent; e-mails through the relay \
             wait in the outbox"
        ),
    }
    loop {
        if *stop.borrow() {
            break;
        }
        let outcome = {
            let stopping = || *stop.borrow();
            deliver_due_unless(&db, &settings, &owner, db.clock().now(), &stopping).await
        };
        let wait = match outcome {
            Ok(p) if p.claimed as i64 >= settings.batch => Duration::ZERO,
            Ok(_) => settings.poll,
            Err(e) => {
                tracing::warn!(error = %e, "mail: the outbox could not be read; trying again");
                settings.poll.max(Duration::from_secs(5))
            }
        };
        if !wait.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
    }
    tracing::info!("mail: stopped");
}

/// How often `confer serve` looks for reminders due (each is sent once whatever the interval).
pub const REMINDER_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// Runs the reminder sweep (`confer_ops::reminders`) at once and then every `interval` until
/// `stop` turns true. Several instances may run it together: each reminder is sent once.
/// Logs counts only.
pub async fn run_reminders(
    db: Db,
    clock: confer_store::clock::Clock,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let ops = confer_ops::Ops::new(db, clock);
    loop {
        if *stop.borrow() {
            break;
        }
        match confer_ops::reminders::run(&ops).await {
            Ok(s) if s.emailed + s.no_address > 0 => {
                tracing::info!(due = s.due, emailed = s.emailed, no_address = s.no_address, "reminders: sent")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminders: the sweep failed; trying again later"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Serves the web application and the delivery worker beside it (without a relay it sends
/// only what goes through GOV.UK Notify: an authority may use Notify alone); on Ctrl-C or
/// SIGTERM the worker finishes the message in hand, then the server stops.
pub async fn serve_with_mail(
    db: Db,
    web: crate::WebSettings,
    addr: std::net::SocketAddr,
    mail: Option<MailSettings>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // The worker and the pages work by the same clock.
    let db = db.with_clock(web.clock.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let reminders = tokio::spawn(run_reminders(db.clone(), web.clock.clone(), REMINDER_INTERVAL, stop_rx.clone()));
    let mail = match mail {
        Some(m) => m,
        None => MailSettings::notify_only(),
    };
    let worker = tokio::spawn(run(db.clone(), mail, stop_rx));
    let shutdown = async move {
        crate::shutdown_signal().await;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        let _ = reminders.await;
    };
    crate::serve_on(listener, db, web, shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_say_how_to_reach_the_relay() {
        let r = SmtpRelay::parse("smtp://relay.council.example").unwrap();
        assert_eq!(
            (r.host.as_str(), r.port, r.security, r.credentials),
            ("relay.council.example", 587, Security::StartTls, None)
        );
        let r = SmtpRelay::parse("smtps://confer%40council.example:p%3Ass@relay.council.example:2465").unwrap();
        assert_eq!(r.port, 2465);
        assert_eq!(r.security, Security::ImplicitTls);
        assert_eq!(r.credentials, Some(("confer@council.example".into(), "p:ss".into())));
        let r = SmtpRelay::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((r.port, r.security), (2525, Security::None));
        assert_eq!(SmtpRelay::parse("smtp://[::1]?tls=none").unwrap().host, "::1");
        for bad in [
            "relay.example",
            "http://relay.example",
            "smtp://relay:port",
            "smtp://relay?tls=maybe",
            "smtps://r?tls=none",
            "smtp://",
        ] {
            let e = SmtpRelay::parse(bad).unwrap_err();
            assert!(e.contains("SMTP"), "{bad}: {e}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let r = SmtpRelay::parse("smtp://confer:hunter2@relay.example").unwrap();
        let shown = format!("{r:?} {:?}", MailSettings::new(Relay::Smtp(r.clone()), "confer@council.example").unwrap());
        assert!(!shown.contains("hunter2") && shown.contains("confer:(redacted)"), "{shown}");
    }

    #[test]
    fn the_message_id_is_the_outbox_id_at_the_from_domain() {
        let from: Mailbox = "Conferences <confer@council.example>".parse().unwrap();
        assert_eq!(message_id("0192-ab", &from), "<0192-ab@council.example>");
    }
}
