//! Delivery of the outbox: the messages written in the same transaction as the change that
//! causes them (sign-in codes, invitations, new dates, cancellations) are claimed by a worker,
//! sent, and marked sent or failed here.
//!
//! At least once, never lost: a worker claims due messages with a lease (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL; on SQLite a guarded UPDATE of what it read, see [`claim_routes`]), counting
//! the attempt as it claims. Two workers never hold the same message at once; if a worker
//! stops before it records the outcome, its lease runs out and the message is sent again with
//! the same Message-ID (derived from the outbox id), so a receiving server can drop the copy.
//! A failed attempt waits longer each time (exponential backoff); after the last attempt the
//! message is marked `failed` for a person to look at (`confer outbox`), and kept.
//!
//! Nothing here logs or audits an address, a subject or a body: only outbox ids and outcomes.

use crate::audit::{self, Entry};
use crate::{int, opt_text, text, Db, Result};
use chrono::{DateTime, Duration, Utc};
use confer_domain::audit::EventKind;
use serde_json::json;

/// The actor of the audit events the delivery writes.
pub const DELIVERY_ACTOR: &str = "system:mail";

/// A message waiting to be sent, as a worker claimed it.
#[derive(Clone)]
pub struct Message {
    pub id: String,
    pub authority_id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    /// This attempt's number (1 for the first).
    pub attempt: i64,
    /// The calendar entry to attach (issue 14), if the message carries one.
    pub calendar: Option<crate::calendar_entries::Attachment>,
    /// 'email' (the recipient is an address) or 'sms' (a mobile number; issue 14).
    pub channel: String,
}

// Debug never prints the address or the contents.
impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message").field("id", &self.id).field("attempt", &self.attempt).finish_non_exhaustive()
    }
}

/// How hard to try: how many attempts, how long to wait after the first failure (doubled after
/// each one, up to `longest_wait`), and how long a claim holds a message.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub max_attempts: i64,
    pub first_wait: Duration,
    pub longest_wait: Duration,
    pub lease: Duration,
}

impl Default for Retry {
    /// Eight attempts over about two hours: 1, 2, 4, 8, 16, 32 and 60 minutes apart.
    fn default() -> Self {
        Retry {
            max_attempts: 8,
            first_wait: Duration::minutes(1),
            longest_wait: Duration::minutes(60),
            lease: Duration::minutes(5),
        }
    }
}

impl Retry {
    /// How long to wait after failed attempt number `attempt` (1-based).
    pub fn wait_after(&self, attempt: i64) -> Duration {
        let doublings = (attempt - 1).clamp(0, 30) as u32;
        let wait = self.first_wait.num_milliseconds().saturating_mul(1i64 << doublings);
        Duration::milliseconds(wait.min(self.longest_wait.num_milliseconds()))
    }
}

/// An e-mail to put on the outbox, in the transaction of the change that causes it.
pub(crate) struct NewMessage<'a> {
    pub id: &'a str,
    pub authority_id: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub created_at: &'a str,
    /// 1 when the body holds a one-time sign-in code, 2 a single-use link: the body is
    /// replaced once sent (migration 0014).
    pub secret: i64,
    /// The calendar invitation to attach (issue 14), as JSON.
    pub calendar: Option<String>,
}

/// Issue 14: puts a text message on the outbox in the caller's transaction, to a mobile
/// number. Its subject is only a label for people looking at the outbox.
pub(crate) async fn enqueue_sms(
    tx: &mut crate::Tx,
    authority_id: &str,
    phone: &str,
    body: &str,
    created_at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at, secret) \
         VALUES ($1, $2, 'sms', $3, 'Text message', $4, $5, 0)",
    )
    .bind(crate::new_id())
    .bind(authority_id)
    .bind(phone)
    .bind(body)
    .bind(created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Puts an e-mail on the outbox in the caller's transaction: the one INSERT every sender uses.
pub(crate) async fn enqueue(tx: &mut crate::Tx, m: &NewMessage<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at, secret, calendar) \
         VALUES ($1, $2, 'email', $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.id)
    .bind(m.authority_id)
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body)
    .bind(m.created_at)
    .bind(m.secret)
    .bind(m.calendar.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Which messages a delivery worker can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routes {
    /// Every message: the worker has a relay (or a folder) for e-mails, and GOV.UK Notify.
    All,
    /// Only what goes through GOV.UK Notify (text messages, and the e-mails of the authorities
    /// that chose Notify): the worker has no relay, so the other e-mails wait in the outbox
    /// untried (no attempt counted) until one is given.
    NotifyOnly,
}

/// Claims up to `limit` messages (e-mails and text messages) that are due at `now` for `owner`, holding them until
/// `now + retry.lease`, and counts the attempt.
pub async fn claim(db: &Db, owner: &str, now: DateTime<Utc>, retry: &Retry, limit: i64) -> Result<Vec<Message>> {
    claim_routes(db, owner, now, retry, limit, Routes::All).await
}

/// [`claim`], of the messages a worker with these `routes` can send.
///
/// Issue 12: the search for due messages never holds SQLite's write lock. On SQLite the
/// candidates are read first, outside any write transaction (through the `outbox_pending`
/// indexes: no scan of the outbox, no sort of what is pending), then taken in one short
/// `BEGIN IMMEDIATE` by the guarded UPDATE, which checks again that each is still pending,
/// due, unleased and at the attempt read; a message another worker took in between is left
/// to it, and the search is made again for as many as were lost. On PostgreSQL the search
/// locks what it finds and skips what another claim holds (`FOR UPDATE SKIP LOCKED`).
pub async fn claim_routes(
    db: &Db,
    owner: &str,
    now: DateTime<Utc>,
    retry: &Retry,
    limit: i64,
    routes: Routes,
) -> Result<Vec<Message>> {
    let at = crate::stamp(now);
    let until = crate::stamp(now + retry.lease);
    let search = candidates(db.backend, routes);
    let mut claimed = Vec::with_capacity(limit.max(0) as usize);
    match db.backend {
        crate::Backend::Postgres => {
            let mut tx = db.begin().await?;
            let rows = sqlx::query(&search).bind(&at).bind(limit).fetch_all(&mut *tx).await?;
            take(&mut tx, &rows, owner, &until, &at, &mut claimed).await?;
            tx.commit().await?;
        }
        crate::Backend::Sqlite => {
            // A few rounds at most: each round either takes what it read or loses it to a
            // worker that did take it.
            for _ in 0..4 {
                let want = limit - claimed.len() as i64;
                if want <= 0 {
                    break;
                }
                let rows = sqlx::query(&search).bind(&at).bind(want).fetch_all(db.pool()).await?;
                if rows.is_empty() {
                    break;
                }
                let mut tx = db.begin().await?;
                let taken = take(&mut tx, &rows, owner, &until, &at, &mut claimed).await?;
                tx.commit().await?;
                if taken == rows.len() {
                    break;
                }
            }
        }
    }
    Ok(claimed)
}

/// The search for the messages due at `$1` that a worker with `routes` can send, the earliest
/// first, at most `$2` (see [`claim_routes`] and migration 0046 for the indexes it reads).
/// Public for the tests of its query plan (`tests/outbox_claim.rs`).
pub fn candidates(backend: crate::Backend, routes: Routes) -> String {
    const COLUMNS: &str = "id, authority_id, channel, recipient, subject, body, created_at, attempts, calendar";
    const DUE: &str = "status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1) \
                       AND (lease_until IS NULL OR lease_until <= $1)";
    const NOTIFY: &str = "SELECT authority_id FROM authority_channel WHERE email_via = 'notify'";
    match (backend, routes) {
        // SQLite is told which index to read: the statistics of a demo whose pending
        // messages are all e-mails would otherwise have it read every pending message in
        // order to find the text messages.
        (crate::Backend::Sqlite, Routes::All) => format!(
            "SELECT {COLUMNS} FROM outbox INDEXED BY outbox_pending \
             WHERE {DUE} AND channel IN ('email', 'sms') ORDER BY created_at LIMIT $2"
        ),
        (crate::Backend::Sqlite, Routes::NotifyOnly) => format!(
            "SELECT {COLUMNS} FROM (\
             SELECT {COLUMNS} FROM outbox INDEXED BY outbox_pending_route WHERE {DUE} AND channel = 'sms' \
             UNION ALL \
             SELECT {COLUMNS} FROM outbox INDEXED BY outbox_pending_route WHERE {DUE} AND channel = 'email' \
             AND authority_id IN ({NOTIFY})) AS due ORDER BY created_at LIMIT $2"
        ),
        // Another instance's claim skips the rows this one is taking instead of waiting.
        (crate::Backend::Postgres, Routes::All) => format!(
            "SELECT {COLUMNS} FROM outbox WHERE {DUE} AND channel IN ('email', 'sms') \
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED"
        ),
        (crate::Backend::Postgres, Routes::NotifyOnly) => format!(
            "SELECT {COLUMNS} FROM outbox WHERE {DUE} AND id IN (\
             SELECT id FROM outbox WHERE status = 'pending' AND channel = 'sms' \
             UNION ALL \
             SELECT id FROM outbox WHERE status = 'pending' AND channel = 'email' AND authority_id IN ({NOTIFY})) \
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED"
        ),
    }
}

/// Takes each message read by [`candidates`] that is still as it was read (pending, due,
/// unleased, at the same attempt): leases it to `owner` until `until` and counts the attempt.
/// Adds what it took to `claimed`; returns how many of `rows` it took.
async fn take(
    tx: &mut crate::Tx,
    rows: &[sqlx::any::AnyRow],
    owner: &str,
    until: &str,
    at: &str,
    claimed: &mut Vec<Message>,
) -> Result<usize> {
    let mut n = 0;
    for row in rows {
        let id = text(row, "id")?;
        let attempts = int(row, "attempts")?;
        let taken = sqlx::query(
            "UPDATE outbox SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 \
             WHERE id = $1 AND status = 'pending' AND attempts = $5 AND (lease_until IS NULL OR lease_until <= $4) \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $4)",
        )
        .bind(&id)
        .bind(owner)
        .bind(until)
        .bind(at)
        .bind(attempts)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken == 1 {
            n += 1;
            claimed.push(Message {
                id,
                authority_id: text(row, "authority_id")?,
                recipient: text(row, "recipient")?,
                subject: text(row, "subject")?,
                body: text(row, "body")?,
                created_at: text(row, "created_at")?,
                attempt: attempts + 1,
                calendar: opt_text(row, "calendar")?
                    .as_deref()
                    .and_then(crate::calendar_entries::Attachment::from_json),
                channel: text(row, "channel")?,
            });
        }
    }
    Ok(n)
}

/// Records that a message was handed to the relay. A message already marked sent (by a worker
/// whose lease had run out) stays as it is. A message that carried a one-time secret (a sign-in
/// code, 1; a feedback link, 2) does not keep it: its body is replaced as it is marked sent.
///
/// Issue 14: `provider` names the adapter that took it ('smtp', 'folder', 'notify') and
/// `provider_id` the provider's own id for it, when it gives one (Notify's notification id).
pub async fn mark_sent(
    db: &Db,
    m: &Message,
    now: DateTime<Utc>,
    provider: &str,
    provider_id: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $2, lease_owner = NULL, lease_until = NULL, last_error = NULL, \
         body = CASE WHEN secret = 1 THEN $3 WHEN secret = 2 THEN $4 ELSE body END, provider = $5, provider_id = $6 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(&m.id)
    .bind(crate::stamp(now))
    .bind(crate::otp::SENT_BODY)
    .bind(crate::feedback::SENT_BODY)
    .bind(provider)
    .bind(provider_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 1 {
        audit::record(
            &mut tx,
            Entry {
                authority_id: &m.authority_id,
                actor: DELIVERY_ACTOR,
                kind: EventKind::Change,
                action: "outbox.sent",
                entity_type: "outbox",
                entity_id: &m.id,
                before: serde_json::Value::Null,
                after: json!({"status": "sent", "attempts": m.attempt, "channel": m.channel, "provider": provider}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What became of a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterFailure {
    /// It will be tried again at this instant.
    RetryAt(String),
    /// No more attempts: marked failed for a person to look at.
    Failed,
}

/// Records a failed attempt: the message waits (longer each time) or, after the last attempt or
/// when trying again cannot help (`give_up`, such as an address that is not an address), is
/// marked failed. `error` says what kind of failure it was, with no address in it.
pub async fn mark_attempt_failed(
    db: &Db,
    m: &Message,
    error: &str,
    give_up: bool,
    now: DateTime<Utc>,
    retry: &Retry,
) -> Result<AfterFailure> {
    let mut tx = db.begin().await?;
    let outcome = if give_up || m.attempt >= retry.max_attempts {
        AfterFailure::Failed
    } else {
        AfterFailure::RetryAt(crate::stamp(now + retry.wait_after(m.attempt)))
    };
    let changed = match &outcome {
        AfterFailure::Failed => sqlx::query(
            "UPDATE outbox SET status = 'failed', failed_at = $2, last_error = $3, lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(&m.id)
        .bind(crate::stamp(now))
        .bind(error)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        AfterFailure::RetryAt(at) => sqlx::query(
            "UPDATE outbox SET next_attempt_at = $2, last_error = $3, lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(&m.id)
        .bind(at)
        .bind(error)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    if changed == 1 && outcome == AfterFailure::Failed {
        audit::record(
            &mut tx,
            Entry {
                authority_id: &m.authority_id,
                actor: DELIVERY_ACTOR,
                kind: EventKind::Change,
                action: "outbox.failed",
                entity_type: "outbox",
                entity_id: &m.id,
                before: json!({"status": "pending"}),
                after: json!({"status": "failed", "attempts": m.attempt, "error": error}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// Gives back messages a worker claimed but did not try (it is stopping): they are due again
/// at once and the attempt does not count.
pub async fn release(db: &Db, messages: &[Message], owner: &str) -> Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for m in messages {
        sqlx::query(
            "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 \
             WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
        )
        .bind(&m.id)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How many messages are in each state: pending, sent, failed.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((text(r, "status")?, int(r, "n")?))).collect()
}

/// A message that needs a person, as `confer outbox` lists it: no address, no contents.
#[derive(Debug, Clone)]
pub struct Failed {
    pub id: String,
    /// 'email' or 'sms' (issue 14).
    pub channel: String,
    pub created_at: String,
    pub failed_at: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The failed messages, oldest first.
pub async fn failed(db: &Db, limit: i64) -> Result<Vec<Failed>> {
    let rows = sqlx::query(
        "SELECT id, channel, created_at, failed_at, attempts, last_error FROM outbox WHERE status = 'failed' \
         ORDER BY created_at LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Failed {
                id: text(r, "id")?,
                channel: text(r, "channel")?,
                created_at: text(r, "created_at")?,
                failed_at: opt_text(r, "failed_at")?,
                attempts: int(r, "attempts")?,
                last_error: opt_text(r, "last_error")?,
            })
        })
        .collect()
}

/// Puts failed messages (all, or one by id) back in the queue for a fresh set of attempts,
/// each with its audit event. Returns how many.
pub async fn retry_failed(db: &Db, id: Option<&str>, actor: &str) -> Result<u64> {
    let mut tx = db.begin().await?;
    let rows = match id {
        Some(id) => {
            sqlx::query("SELECT id, authority_id, attempts FROM outbox WHERE status = 'failed' AND id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
        }
        None => {
            sqlx::query("SELECT id, authority_id, attempts FROM outbox WHERE status = 'failed' ORDER BY created_at")
                .fetch_all(&mut *tx)
                .await?
        }
    };
    let now = db.now();
    for row in &rows {
        let id = text(row, "id")?;
        sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, failed_at = NULL \
             WHERE id = $1 AND status = 'failed'",
        )
        .bind(&id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                authority_id: &text(row, "authority_id")?,
                actor,
                kind: EventKind::Change,
                action: "outbox.retry",
                entity_type: "outbox",
                entity_id: &id,
                before: json!({"status": "failed", "attempts": int(row, "attempts")?}),
                after: json!({"status": "pending", "attempts": 0}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// One message's delivery state, for tests and for people looking into a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
}

/// Issue 14: which channel a message went by, the adapter that took it and the provider's id.
pub async fn delivery(db: &Db, id: &str) -> Result<Option<(String, Option<String>, Option<String>)>> {
    let row = sqlx::query("SELECT channel, provider, provider_id FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((text(&r, "channel")?, opt_text(&r, "provider")?, opt_text(&r, "provider_id")?))).transpose()
}

pub async fn state(db: &Db, id: &str) -> Result<Option<State>> {
    let row = sqlx::query("SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(State {
            status: text(&r, "status")?,
            attempts: int(&r, "attempts")?,
            next_attempt_at: opt_text(&r, "next_attempt_at")?,
            last_error: opt_text(&r, "last_error")?,
        })
    })
    .transpose()
}

/// The ids of the messages to one address, oldest first (tests find a message by its recipient).
pub async fn ids_for(db: &Db, recipient: &str) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM outbox WHERE recipient = $1 ORDER BY created_at, id")
        .bind(recipient)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| text(r, "id")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wait_doubles_up_to_the_longest() {
        let r = Retry::default();
        let minutes: Vec<i64> = (1..=9).map(|a| r.wait_after(a).num_minutes()).collect();
        assert_eq!(minutes, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(r.wait_after(1000).num_minutes(), 60, "no overflow");
    }
}
