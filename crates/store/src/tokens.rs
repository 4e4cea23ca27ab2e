//! Personal access tokens for API clients: shown once, stored hashed, scoped, revocable,
//! and ending on a day chosen when they are made.
//!
//! Only a staff account with its authenticator app set up may hold one: a token stands in for
//! a two-factor sign-in, so an account that signs in with one factor (the family portal,
//! partner professionals' e-mailed codes) must not be able to mint a longer-lived credential.
//! [`authenticate`] asks the same of the account at every use, so a token stops working when
//! its account no longer qualifies. Resetting the password or the second factor, disabling the
//! account and "sign out everywhere" revoke the account's tokens ([`revoke_all_in`]).

use crate::audit::{self, Entry};
use crate::{opt_text, text, Db, Result, StoreError, Tx};
use confer_domain::audit::EventKind;
use serde_json::json;

/// What a token may do. `read` reaches GET routes; `write` also the state-changing ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
}

/// How long a token lasts unless its maker chooses otherwise, and the longest it may last.
/// 90 days is a quarter: a token used by a script is looked at again at least that often. A
/// year is the most: a yearly job (an annual return) can still run on one token, and no token
/// outlives the annual review of who has access (OWASP ASVS 3.5: tokens end).
pub const DEFAULT_DAYS: i64 = 90;
pub const MAX_DAYS: i64 = 365;

/// Token text starts with this so it is recognisable if it leaks (and secret scanners can find it).
pub const PREFIX: &str = "confer_pat_";

#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// When it stops working (`None` for tokens made before tokens expired: refused).
    pub expires_at: Option<String>,
}

impl TokenInfo {
    /// Whether the token is past its end (or never had one) by `clock` (the [`Db`]'s).
    pub fn expired(&self, clock: &crate::clock::Clock) -> bool {
        let now = crate::stamp(clock.now());
        self.expires_at.as_deref().map(|e| e <= now.as_str()).unwrap_or(true)
    }
}

/// Why an account may not have a token, in words for the person.
pub const NOT_ELIGIBLE: &str =
    "only staff accounts with an authenticator app set up can have API tokens: set up the app first";

/// Creates a token lasting [`DEFAULT_DAYS`] and returns (its id, the token text — shown once,
/// never stored).
pub async fn create(
    db: &Db,
    user_id: &str,
    authority_id: &str,
    name: &str,
    scopes: &[Scope],
    actor: &str,
) -> Result<(String, String)> {
    create_for_days(db, user_id, authority_id, name, scopes, DEFAULT_DAYS, actor).await
}

/// Creates a token that stops working after `days` days (1 to [`MAX_DAYS`]), for a staff
/// account with its second factor set up (refused otherwise, with the reason).
pub async fn create_for_days(
    db: &Db,
    user_id: &str,
    authority_id: &str,
    name: &str,
    scopes: &[Scope],
    days: i64,
    actor: &str,
) -> Result<(String, String)> {
    if scopes.is_empty() {
        return Err(StoreError::Conflict("choose at least one scope".into()));
    }
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(StoreError::InvalidInput(format!(
            "a token lasts from 1 to {MAX_DAYS} days: choose a number of days in that range"
        )));
    }
    let id = crate::new_id();
    let token = format!("{PREFIX}{}", crate::random_secret(24));
    let scope_text: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let now = db.clock().now();
    let expires_at = crate::stamp(now + chrono::Duration::days(days));
    let mut tx = db.begin().await?;
    // The account must qualify now. The no-op UPDATE takes the account row's lock (PostgreSQL;
    // SQLite's write lock is already held), so a password or second-factor reset running at
    // the same moment either comes first (and this is refused) or after (and revokes this).
    let qualifies = sqlx::query(
        "UPDATE user_account SET id = id WHERE id = $1 AND kind = 'staff' AND totp_enrolled = 1 AND disabled = 0",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if qualifies.rows_affected() != 1 {
        return Err(StoreError::Conflict(NOT_ELIGIBLE.into()));
    }
    sqlx::query(
        "INSERT INTO access_token (id, user_id, name, token_hash, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(crate::secret_hash(&token))
    .bind(scope_text.join(" "))
    .bind(crate::stamp(now))
    .bind(&expires_at)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "token.create",
            entity_type: "access-token",
            entity_id: &id,
            before: serde_json::Value::Null,
            after: json!({"user_id": user_id, "name": name, "scopes": scope_text, "expires_at": expires_at}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
}

/// Revokes every live token of an account, inside the caller's transaction (the change that
/// calls for it records its event there too). Returns how many were revoked.
pub async fn revoke_all_in(tx: &mut Tx, user_id: &str) -> Result<u64> {
    let res = sqlx::query("UPDATE access_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(tx.now())
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected())
}

fn info_from_row(row: &sqlx::any::AnyRow) -> Result<TokenInfo> {
    Ok(TokenInfo {
        id: text(row, "id")?,
        user_id: text(row, "user_id")?,
        name: text(row, "name")?,
        scopes: text(row, "scopes")?.split_whitespace().filter_map(Scope::parse).collect(),
        created_at: text(row, "created_at")?,
        last_used_at: opt_text(row, "last_used_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
        expires_at: opt_text(row, "expires_at")?,
    })
}

/// Finds the live token for a bearer token text: not revoked, not expired, and its account
/// still a staff account, enabled, with its second factor set up.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<TokenInfo>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at, t.expires_at \
         FROM access_token t JOIN user_account u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 \
         AND u.disabled = 0 AND u.kind = 'staff' AND u.totp_enrolled = 1",
    )
    .bind(crate::secret_hash(token))
    .bind(db.now())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let info = info_from_row(&row)?;
    sqlx::query("UPDATE access_token SET last_used_at = $2 WHERE id = $1")
        .bind(&info.id)
        .bind(db.now())
        .execute(&db.writer)
        .await?;
    Ok(Some(info))
}

pub async fn list(db: &Db, user_id: &str) -> Result<Vec<TokenInfo>> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, scopes, created_at, last_used_at, revoked_at, expires_at FROM access_token \
         WHERE user_id = $1 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(info_from_row).collect()
}

/// Revokes one of the user's own tokens. Revoking is recorded, never a delete.
pub async fn revoke(db: &Db, user_id: &str, authority_id: &str, token_id: &str, actor: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let res =
        sqlx::query("UPDATE access_token SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
            .bind(token_id)
            .bind(user_id)
            .bind(db.now())
            .execute(&mut *tx)
            .await?;
    if res.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "token.revoke",
            entity_type: "access-token",
            entity_id: token_id,
            before: json!({"revoked": false}),
            after: json!({"revoked": true}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
