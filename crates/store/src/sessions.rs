//! Sign-in sessions, kept in the database so any app instance can serve any request. The
//! cookie holds a random token; the database holds only its hash. Sessions end after an idle
//! time and an absolute time, at sign-out, and when the user signs out everywhere.

use crate::{int, opt_text, text, Db, Result, Tx};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; the TOTP code is still to come.
    Password,
    /// Password accepted; the user has no second factor yet and must enrol now.
    Enrol,
    /// Fully signed in.
    Full,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Password => "password",
            Stage::Enrol => "enrol",
            Stage::Full => "full",
        }
    }
    fn parse(s: &str) -> Stage {
        match s {
            "full" => Stage::Full,
            "enrol" => Stage::Enrol,
            _ => Stage::Password,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { idle: chrono::Duration::minutes(30), absolute: chrono::Duration::hours(10) }
    }
}

#[derive(Clone)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub stage: Stage,
    pub csrf_token: String,
    /// How many factors the session was established with (issue 10): 1 (a password or an
    /// e-mailed code) or 2 (then an authenticator code).
    pub factors: u8,
}

// Debug never shows the CSRF token or the token's hash.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token_hash", &"(redacted)")
            .field("user_id", &self.user_id)
            .field("stage", &self.stage)
            .field("csrf_token", &"(redacted)")
            .field("factors", &self.factors)
            .finish()
    }
}

/// The factors a session of this stage was established with when nothing else is said: a full
/// session started here is a staff sign-in finished with the authenticator code (two factors);
/// every other stage has one. One-factor full sessions (the family portal) say so.
fn default_factors(stage: Stage) -> u8 {
    if stage == Stage::Full {
        2
    } else {
        1
    }
}

/// Starts a session and returns the token for the cookie.
pub async fn start(db: &Db, user_id: &str, generation: i64, stage: Stage) -> Result<(String, Session)> {
    start_with_factors(db, user_id, generation, stage, default_factors(stage)).await
}

/// Starts a session established with this many factors.
pub async fn start_with_factors(
    db: &Db,
    user_id: &str,
    generation: i64,
    stage: Stage,
    factors: u8,
) -> Result<(String, Session)> {
    let mut tx = db.begin().await?;
    let started = start_in_with_factors(&mut tx, user_id, generation, stage, factors).await?;
    tx.commit().await?;
    Ok(started)
}

/// Starts a session inside the caller's transaction (with the audit event of the sign-in).
pub async fn start_in(tx: &mut Tx, user_id: &str, generation: i64, stage: Stage) -> Result<(String, Session)> {
    start_in_with_factors(tx, user_id, generation, stage, default_factors(stage)).await
}

/// Starts a session established with this many factors inside the caller's transaction.
pub async fn start_in_with_factors(
    tx: &mut Tx,
    user_id: &str,
    generation: i64,
    stage: Stage,
    factors: u8,
) -> Result<(String, Session)> {
    let token = crate::random_secret(32);
    let csrf = crate::random_secret(32);
    let now = tx.now();
    let hash = crate::secret_hash(&token);
    sqlx::query(
        "INSERT INTO web_session (token_hash, user_id, generation, stage, csrf_token, created_at, last_seen_at, factors) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(generation)
    .bind(stage.as_str())
    .bind(&csrf)
    .bind(&now)
    .bind(i64::from(factors))
    .execute(&mut **tx)
    .await?;
    Ok((token, Session { token_hash: hash, user_id: user_id.into(), stage, csrf_token: csrf, factors }))
}

/// Starts a half-signed-in session (the first factor accepted: a password or an e-mailed code;
/// the authenticator code, or its enrolment, still to come) and audits its start in the same
/// transaction (`sign-in.first-factor`, with the factor and the stage), so the trail shows
/// every session that was ever opened, not only those that were finished.
pub async fn start_half_signed_in(
    db: &Db,
    user: &crate::users::StoredUser,
    stage: Stage,
    factor: &str,
) -> Result<(String, Session)> {
    let mut tx = db.begin().await?;
    let started = start_in_with_factors(&mut tx, user.account.id.as_str(), user.session_generation, stage, 1).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Entry::own_account(
            &user.account,
            confer_domain::audit::EventKind::SignIn,
            "sign-in.first-factor",
            serde_json::Value::Null,
            serde_json::json!({"factor": factor, "stage": stage.as_str()}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(started)
}

/// Finds a live session for a cookie token, ending it if it has timed out.
pub async fn find(db: &Db, token: &str, timeouts: Timeouts) -> Result<Option<Session>> {
    let hash = crate::secret_hash(token);
    let row = sqlx::query(
        "SELECT s.token_hash, s.user_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at, s.generation, s.factors, \
         u.session_generation, u.disabled, u.locked_until FROM web_session s JOIN user_account u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.ended_at IS NULL",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = db.clock().now();
    let created = crate::parse_stamp(&text(&row, "created_at")?).unwrap_or(now);
    let seen = crate::parse_stamp(&text(&row, "last_seen_at")?).unwrap_or(now);
    let stage = Stage::parse(&text(&row, "stage")?);
    // A half-signed-in session of a locked account is over: the lock is checked at every step.
    let locked = opt_text(&row, "locked_until")?.is_some_and(|until| until > crate::stamp(now));
    let stale = now - seen > timeouts.idle
        || now - created > timeouts.absolute
        || int(&row, "generation")? != int(&row, "session_generation")?
        || int(&row, "disabled")? != 0
        || (locked && stage != Stage::Full);
    if stale {
        end(db, token).await?;
        return Ok(None);
    }
    // Touch at most once a minute so reads stay reads. Only the first of the requests that
    // arrive together once the minute is up changes the row (issue 12): the others find it
    // already touched and change nothing, so they commit nothing and sync nothing, instead of
    // each queueing a write and a sync of its own behind the one writer.
    if now - seen > chrono::Duration::seconds(60) {
        sqlx::query("UPDATE web_session SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3")
            .bind(&hash)
            .bind(crate::stamp(now))
            .bind(crate::stamp(now - chrono::Duration::seconds(60)))
            .execute(&db.writer)
            .await?;
    }
    Ok(Some(Session {
        token_hash: hash,
        user_id: text(&row, "user_id")?,
        stage,
        csrf_token: row.try_get("csrf_token")?,
        factors: int(&row, "factors")?.clamp(0, 2) as u8,
    }))
}

/// Ends a session (sign-out, or replaced by a new one after a step of sign-in).
pub async fn end(db: &Db, token: &str) -> Result<()> {
    sqlx::query("UPDATE web_session SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL")
        .bind(crate::secret_hash(token))
        .bind(db.now())
        .execute(&db.writer)
        .await?;
    Ok(())
}

/// Ends a session inside the caller's transaction (with the audit event of the sign-out, or
/// the start of the session that replaces it).
pub async fn end_in(tx: &mut Tx, token: &str) -> Result<()> {
    sqlx::query("UPDATE web_session SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL")
        .bind(crate::secret_hash(token))
        .bind(tx.now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends every half-signed-in session (password accepted, second factor still to come or to
/// set up) of an account, inside the caller's transaction: when the account locks.
pub async fn end_unfinished_in(tx: &mut Tx, user_id: &str) -> Result<u64> {
    let res =
        sqlx::query("UPDATE web_session SET ended_at = $2 WHERE user_id = $1 AND stage <> 'full' AND ended_at IS NULL")
            .bind(user_id)
            .bind(tx.now())
            .execute(&mut **tx)
            .await?;
    Ok(res.rows_affected())
}

/// The half-signed-in sessions of an account still open (for tests and the account page).
pub async fn unfinished_count(db: &Db, user_id: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM web_session WHERE user_id = $1 AND stage <> 'full' AND ended_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    int(&row, "n")
}

/// Number of live sessions of a user (for the account page).
pub async fn live_count(db: &Db, user_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM web_session WHERE user_id = $1 AND ended_at IS NULL")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    int(&row, "n")
}

/// Ends a user's sessions established with fewer than two factors (and those half-way through
/// signing in), in the caller's transaction: an account given a role that needs a second factor
/// keeps no session made without one (issue 10).
pub async fn end_one_factor_in(tx: &mut crate::Tx, user_id: &str) -> Result<u64> {
    let ended =
        sqlx::query("UPDATE web_session SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL AND factors < 2")
            .bind(user_id)
            .bind(tx.now())
            .execute(&mut **tx)
            .await?
            .rows_affected();
    Ok(ended)
}
