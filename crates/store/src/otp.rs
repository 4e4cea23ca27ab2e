//! One-time sign-in codes for families and partner professionals: six digits sent to their
//! verified e-mail address, valid for ten minutes, usable once. The code is stored only as a
//! hash; the message that carries it is written to the outbox in the same transaction and its
//! body is replaced once it is sent ([`crate::outbox::mark_sent`]).
//!
//! Guessing (issue 10): wrong codes are counted per account, across all its codes, so asking
//! for a new code does not give new tries; at [`MAX_TRIES`] the account is locked
//! ([`crate::users::LOCK_MINUTES`]) and its half-signed-in sessions end. Every check first
//! claims a try with one conditional `UPDATE ... RETURNING` (never read-then-write), so a burst
//! of concurrent guesses is counted exactly and no more than the limit are ever checked.
//!
//! Finding out who has an account: an address is the same to the outside whether it is
//! unknown, unverified, disabled or known. Asking is limited per address (any address, by one
//! conditional upsert); the web hands the sending to a background task so the answer takes the
//! same time for all. One code signs in to any of the address's accounts (a parent with portal
//! access in two authorities chooses which after the code).

use crate::audit::{self, Entry};
use crate::users::StoredUser;
use crate::{int, opt_text, text, Db, Result};
use confer_domain::audit::EventKind;
use rand::Rng;
use serde_json::json;

pub const CODE_MINUTES: i64 = 10;
pub const MAX_CODES_PER_WINDOW: i64 = 3;
pub const WINDOW_MINUTES: i64 = 15;
/// Wrong codes an account may be given (across all its codes) before it is locked.
pub const MAX_TRIES: i64 = 5;
/// How long a sign-in under way in a browser (the address it is for) is kept.
pub const FLOW_MINUTES: i64 = 20;

/// The body that replaces a sign-in code's once the message is sent.
pub const SENT_BODY: &str = "(A sign-in code was sent in this message. It is not kept.)";

#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// A code was sent (or the address is unknown: the person is told the same either way).
    Sent,
    /// Too many codes asked for: try again after this instant.
    TooMany { retry_after: String },
}

/// An address as compared: trimmed, lower case.
pub fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

fn address_hash(address: &str) -> String {
    crate::secret_hash(&format!("sign-in-code-request:{address}"))
}

fn code_hash(address: &str, code: &str) -> String {
    crate::secret_hash(&format!("sign-in-code:{address}:{code}"))
}

/// The accounts of an address that may sign in now: portal accounts with this verified
/// address, not disabled, not locked; oldest first.
pub async fn accounts_for(db: &Db, email: &str) -> Result<Vec<StoredUser>> {
    let rows = sqlx::query(
        "SELECT id FROM user_account WHERE lower(email) = $1 AND kind = 'portal' AND email_verified = 1 \
         AND disabled = 0 AND (locked_until IS NULL OR locked_until <= $2) ORDER BY created_at, id",
    )
    .bind(normalise(email))
    .bind(db.now())
    .fetch_all(db.pool())
    .await?;
    let mut users = Vec::with_capacity(rows.len());
    for r in &rows {
        users.push(crate::users::by_id(db, &text(r, "id")?.into()).await?);
    }
    Ok(users)
}

/// Counts a request for a code for an address, known or not, and says whether it may be sent.
/// One conditional upsert: concurrent requests are counted exactly.
pub async fn note_request(db: &Db, email: &str) -> Result<Requested> {
    let now = db.clock().now();
    let window_opened_before = crate::stamp(now - chrono::Duration::minutes(WINDOW_MINUTES));
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "INSERT INTO code_request_window (address_hash, window_start, requests) VALUES ($1, $2, 1) \
         ON CONFLICT (address_hash) DO UPDATE SET \
         requests = CASE WHEN code_request_window.window_start <= $3 THEN 1 ELSE code_request_window.requests + 1 END, \
         window_start = CASE WHEN code_request_window.window_start <= $3 THEN $2 ELSE code_request_window.window_start END \
         RETURNING requests, window_start",
    )
    .bind(address_hash(&normalise(email)))
    .bind(crate::stamp(now))
    .bind(&window_opened_before)
    .fetch_one(&mut *tx)
    .await?;
    // Windows long closed are forgotten.
    sqlx::query("DELETE FROM code_request_window WHERE window_start < $1")
        .bind(crate::stamp(now - chrono::Duration::days(1)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if int(&row, "requests")? > MAX_CODES_PER_WINDOW {
        let start = crate::parse_stamp(&text(&row, "window_start")?).unwrap_or(now);
        return Ok(Requested::TooMany { retry_after: crate::stamp(start + chrono::Duration::minutes(WINDOW_MINUTES)) });
    }
    Ok(Requested::Sent)
}

/// Code requests from one network address (any e-mail addresses) within [`WINDOW_MINUTES`]
/// before that network must wait: one client cannot send codes to many people, or probe many
/// addresses, however it spreads them.
pub const MAX_CODE_REQUESTS_PER_SOURCE: i64 = 20;

fn request_source_hash(source: &str) -> String {
    crate::secret_hash(&format!("code-request-source:{source}"))
}

/// Counts a request for a code from a network address (the client address as the web
/// resolves it behind trusted proxies) and says until when it must wait if it has made too
/// many. Kept, like wrong sign-ins, as a hash of the address in `sign_in_failure` (forgotten
/// after a day). The answer is the same whatever e-mail address was asked for.
pub async fn note_source_request(db: &Db, source: &str) -> Result<Option<String>> {
    let now = db.clock().now();
    let hash = request_source_hash(source);
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO sign_in_failure (id, source_hash, at) VALUES ($1, $2, $3)")
        .bind(crate::new_id())
        .bind(&hash)
        .bind(crate::stamp(now))
        .execute(&mut *tx)
        .await?;
    let row =
        sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS first FROM sign_in_failure WHERE source_hash = $1 AND at > $2")
            .bind(&hash)
            .bind(crate::stamp(now - chrono::Duration::minutes(WINDOW_MINUTES)))
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    if int(&row, "n")? <= MAX_CODE_REQUESTS_PER_SOURCE {
        return Ok(None);
    }
    let first = opt_text(&row, "first")?.and_then(|f| crate::parse_stamp(&f)).unwrap_or(now);
    Ok(Some(crate::stamp(first + chrono::Duration::minutes(WINDOW_MINUTES))))
}

/// Sends a code to an address when it has accounts that may sign in (and does nothing that can
/// be seen from outside when it has none). Call [`note_request`] first.
pub async fn send_code(db: &Db, email: &str) -> Result<()> {
    let address = normalise(email);
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let hash = code_hash(&address, &code);
    let accounts = accounts_for(db, &address).await?;
    let Some(first) = accounts.first() else { return Ok(()) };
    let now = db.clock().now();
    let id = crate::new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO one_time_code (id, user_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(first.account.id.as_str())
    .bind(&hash)
    .bind(crate::stamp(now))
    .bind(crate::stamp(now + chrono::Duration::minutes(CODE_MINUTES)))
    .execute(&mut *tx)
    .await?;
    // The code is in the body until the message is sent (the delivery worker needs it): for
    // ten minutes at most, usable once; the body is replaced once sent.
    sqlx::query(
        "INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at, secret) \
         VALUES ($1, $2, 'email', $3, $4, $5, $6, 1)",
    )
    .bind(crate::new_id())
    .bind(first.account.authority_id.as_str())
    .bind(&first.account.email)
    .bind("Your confer sign-in code / Eich cod mewngofnodi confer")
    .bind(format!(
        "Your sign-in code is {code}. It works once, for {CODE_MINUTES} minutes.\n\
         If you did not ask for it, you can ignore this message.\n\n\
         Eich cod mewngofnodi yw {code}. Mae'n gweithio unwaith, am {CODE_MINUTES} munud.\n\
         Os na wnaethoch ofyn amdano, gallwch anwybyddu'r neges hon."
    ))
    .bind(crate::stamp(now))
    .execute(&mut *tx)
    .await?;
    for user in &accounts {
        audit::record(
            &mut tx,
            Entry::own_account(
                &user.account,
                EventKind::Change,
                "sign-in.code.request",
                serde_json::Value::Null,
                json!({"code_id": id}),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Asks for a code for an e-mail address: counts the request, then sends the code.
pub async fn request(db: &Db, email: &str) -> Result<Requested> {
    let answer = note_request(db, email).await?;
    if answer == Requested::Sent {
        send_code(db, email).await?;
    }
    Ok(answer)
}

/// What a code given for an address turned out to be.
#[derive(Debug)]
pub enum Checked {
    /// Right: the accounts of the address that may sign in (oldest first; never empty).
    Right(Vec<StoredUser>),
    /// Wrong, expired, used, or the address is unknown (never told apart).
    Wrong,
    /// The address's accounts are locked after too many wrong codes, until this instant.
    Locked { until: String },
}

/// What no six-digit code can be: the stand-in compared with when an address has no live code.
const NO_CODE: &str = "no-code";

thread_local! {
    static COMPARISONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Compares a stored code hash with the given one in constant time, and counts it (per
/// thread, for [`comparisons_on_this_thread`]).
fn compare_code(stored: &str, given: &str) -> bool {
    COMPARISONS.with(|c| c.set(c.get() + 1));
    bool::from(subtle::ConstantTimeEq::ct_eq(stored.as_bytes(), given.as_bytes()))
}

/// How many code comparisons [`check`] has made on this thread: tests use it to prove that an
/// unknown address runs the same comparison as a known one (without measuring time).
pub fn comparisons_on_this_thread() -> u64 {
    COMPARISONS.with(std::cell::Cell::get)
}

/// Checks a code given for an address. See the module's documentation for how tries are
/// counted. The lock is checked before the code is looked at: the right code is refused while
/// the account is locked.
pub async fn check(db: &Db, email: &str, code: &str) -> Result<Checked> {
    let address = normalise(email);
    let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    let given = code_hash(&address, &code);
    let now_at = db.clock().now();
    let now = crate::stamp(now_at);
    let mut tx = db.begin().await?;
    // Claim a try on every account of the address that is not locked and has tries left.
    let claimed = sqlx::query(
        "UPDATE user_account SET code_failures = code_failures + 1 \
         WHERE lower(email) = $1 AND kind = 'portal' AND email_verified = 1 AND disabled = 0 \
         AND (locked_until IS NULL OR locked_until <= $2) AND code_failures < $3 \
         RETURNING id, authority_id, code_failures",
    )
    .bind(&address)
    .bind(&now)
    .bind(MAX_TRIES)
    .fetch_all(&mut *tx)
    .await?;
    let claimed: Vec<(String, String, i64)> = claimed
        .iter()
        .map(|r| Ok((text(r, "id")?, text(r, "authority_id")?, int(r, "code_failures")?)))
        .collect::<Result<_>>()?;
    // Only the newest live code of the address counts: asking for a new one retires the others.
    // The same query, and the same comparison, run for an address with no account (it finds
    // no code and compares with a hash no code has), so the two take the same work.
    let row = sqlx::query(
        "SELECT id, code_hash FROM one_time_code WHERE used_at IS NULL AND expires_at > $2 AND user_id IN \
         (SELECT id FROM user_account WHERE lower(email) = $1 AND kind = 'portal') ORDER BY created_at DESC LIMIT 1",
    )
    .bind(&address)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let code_id = row.as_ref().map(|r| text(r, "id")).transpose()?;
    let stored = match &row {
        Some(r) => text(r, "code_hash")?,
        None => code_hash(&address, NO_CODE),
    };
    let matches = compare_code(&stored, &given);
    let mut right = matches && row.is_some() && !code.is_empty() && !claimed.is_empty();
    if claimed.is_empty() {
        tx.rollback().await?;
        return Ok(match lock_of(db, &address).await? {
            Some(until) => Checked::Locked { until },
            None => Checked::Wrong,
        });
    }
    if let (true, Some(id)) = (right, &code_id) {
        right = sqlx::query("UPDATE one_time_code SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(id)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    }
    let until = crate::stamp(now_at + chrono::Duration::minutes(crate::users::LOCK_MINUTES));
    let mut locked = false;
    for (user_id, authority_id, failures) in &claimed {
        let action = if right {
            sqlx::query("UPDATE user_account SET code_failures = 0 WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            "sign-in.code.accepted"
        } else if *failures >= MAX_TRIES {
            sqlx::query("UPDATE user_account SET locked_until = $2, code_failures = 0 WHERE id = $1")
                .bind(user_id)
                .bind(&until)
                .execute(&mut *tx)
                .await?;
            // No half-signed-in session of a locked account goes on.
            sqlx::query(
                "UPDATE web_session SET ended_at = $2 WHERE user_id = $1 AND stage <> 'full' AND ended_at IS NULL",
            )
            .bind(user_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            locked = true;
            "sign-in.code.locked"
        } else {
            "sign-in.code.refused"
        };
        audit::record(
            &mut tx,
            Entry {
                authority_id,
                actor: user_id,
                kind: if right { EventKind::SignIn } else { EventKind::SignInFailed },
                action,
                entity_type: "user",
                entity_id: user_id,
                before: serde_json::Value::Null,
                after: json!({"code_id": code_id, "failures": if right { 0 } else { *failures }}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    if right {
        let mut users = Vec::with_capacity(claimed.len());
        for (user_id, _, _) in &claimed {
            users.push(crate::users::by_id(db, &user_id.as_str().into()).await?);
        }
        return Ok(Checked::Right(users));
    }
    Ok(if locked { Checked::Locked { until } } else { Checked::Wrong })
}

/// Until when an address's accounts are locked, if every one that could sign in is.
async fn lock_of(db: &Db, address: &str) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(locked_until) AS until FROM user_account WHERE lower(email) = $1 AND kind = 'portal' \
         AND email_verified = 1 AND disabled = 0 AND locked_until > $2",
    )
    .bind(address)
    .bind(db.now())
    .fetch_one(db.pool())
    .await?;
    Ok(if int(&row, "n")? > 0 { opt_text(&row, "until")? } else { None })
}

/// Checks a code and returns the address's oldest account when it is right.
pub async fn verify(db: &Db, email: &str, code: &str) -> Result<Option<StoredUser>> {
    Ok(match check(db, email, code).await? {
        Checked::Right(users) => users.into_iter().next(),
        Checked::Wrong | Checked::Locked { .. } => None,
    })
}

/// Whether an account is locked now (checked again at every step of signing in).
pub async fn locked_until(db: &Db, user: &confer_domain::UserId) -> Result<Option<String>> {
    let row = sqlx::query("SELECT locked_until FROM user_account WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?;
    let until = row.map(|r| opt_text(&r, "locked_until")).transpose()?.flatten();
    Ok(until.filter(|u| u.as_str() > db.now().as_str()))
}

// ---------- a portal sign-in under way in one browser ----------

/// A portal sign-in under way: the address the code was asked for (never in a URL).
#[derive(Clone, PartialEq, Eq)]
pub struct Flow {
    pub address: String,
    pub lang: String,
    /// The code was right; the person is choosing which account to sign in to.
    pub verified: bool,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow").field("lang", &self.lang).field("verified", &self.verified).finish_non_exhaustive()
    }
}

/// Starts a sign-in for an address (any address) and returns the token for its cookie.
pub async fn begin_flow(db: &Db, email: &str, lang: &str) -> Result<String> {
    let token = crate::random_secret(32);
    let now = db.clock().now();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM portal_sign_in WHERE expires_at < $1").bind(crate::stamp(now)).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO portal_sign_in (token_hash, address, lang, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::secret_hash(&token))
    .bind(normalise(email))
    .bind(lang)
    .bind(crate::stamp(now))
    .bind(crate::stamp(now + chrono::Duration::minutes(FLOW_MINUTES)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

fn flow_from(row: &sqlx::any::AnyRow) -> Result<Flow> {
    Ok(Flow {
        address: text(row, "address")?,
        lang: text(row, "lang")?,
        verified: opt_text(row, "verified_at")?.is_some(),
    })
}

/// The live sign-in of a cookie's token.
pub async fn flow(db: &Db, token: &str) -> Result<Option<Flow>> {
    let row =
        sqlx::query("SELECT address, lang, verified_at FROM portal_sign_in WHERE token_hash = $1 AND expires_at > $2")
            .bind(crate::secret_hash(token))
            .bind(db.now())
            .fetch_optional(db.pool())
            .await?;
    row.as_ref().map(flow_from).transpose()
}

/// Notes that the code was right and the person now chooses an account.
pub async fn flow_verified(db: &Db, token: &str) -> Result<()> {
    sqlx::query("UPDATE portal_sign_in SET verified_at = $2 WHERE token_hash = $1 AND expires_at > $2")
        .bind(crate::secret_hash(token))
        .bind(db.now())
        .execute(&db.writer)
        .await?;
    Ok(())
}

/// Ends a sign-in and returns it, once: of two requests with the same token, one gets it.
pub async fn take_flow(db: &Db, token: &str) -> Result<Option<Flow>> {
    let row = sqlx::query(
        "DELETE FROM portal_sign_in WHERE token_hash = $1 AND expires_at > $2 RETURNING address, lang, verified_at",
    )
    .bind(crate::secret_hash(token))
    .bind(db.now())
    .fetch_optional(&db.writer)
    .await?;
    row.as_ref().map(flow_from).transpose()
}

/// Messages waiting in the outbox for a recipient, newest first (delivery comes with the
/// notifications work; tests read codes from here). The id (time-ordered) breaks ties: under
/// a test's fixed clock two messages share a time.
pub async fn outbox_for(db: &Db, recipient: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT subject, body FROM outbox WHERE recipient = $1 ORDER BY created_at DESC, id DESC")
        .bind(recipient)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((text(r, "subject")?, text(r, "body")?))).collect()
}
