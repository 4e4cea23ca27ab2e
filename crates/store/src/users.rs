//! User accounts, roles, passwords (argon2id), the TOTP second factor, recovery codes and
//! sign-in lock-out. Every change is audited in its own transaction.

use crate::audit::{self, Entry};
use crate::{flag, int, opt_text, text, Db, Result, StoreError, Tx};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use confer_domain::audit::EventKind;
use confer_domain::{Authority, AuthorityId, Nation, Role, UserAccount, UserId};
use serde_json::json;
use sqlx::Row;

/// Wrong attempts (password or code) before an account is locked, and for how long.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// A staff password must be at least this long (NCSC: length over complexity).
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("cannot hash password: {e}")))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// [`password_matches`] on a blocking thread: argon2 takes tens of milliseconds of CPU, which
/// must not hold up the other requests a runtime thread serves.
async fn verify(hash: &str, password: &str) -> bool {
    let (hash, password) = (hash.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || password_matches(&hash, &password)).await.unwrap_or(false)
}

/// Why a password is not acceptable, in words that say what to do.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("Password must be at least {MIN_PASSWORD_LEN} characters: three random words work well"));
    }
    Ok(())
}

pub async fn create_authority(db: &Db, code: &str, name: &str, nation: Nation, actor: &str) -> Result<Authority> {
    let id = crate::new_id();
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO authority (id, code, name, nation, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(code)
        .bind(name)
        .bind(nation.as_str())
        .bind(db.now())
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an authority with code {code} already exists")),
            other => other,
        })?;
    let authority = Authority { id: AuthorityId(id.clone()), code: code.into(), name: name.into(), nation };
    audit::record(
        &mut tx,
        Entry {
            authority_id: &id,
            actor,
            kind: EventKind::Change,
            action: "authority.create",
            entity_type: "authority",
            entity_id: &id,
            before: serde_json::Value::Null,
            after: serde_json::to_value(&authority).unwrap_or_default(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(authority)
}

fn authority_from_row(row: &sqlx::any::AnyRow) -> Result<Authority> {
    let nation = text(row, "nation")?;
    Ok(Authority {
        id: AuthorityId(text(row, "id")?),
        code: text(row, "code")?,
        name: text(row, "name")?,
        nation: Nation::parse(&nation).ok_or_else(|| StoreError::Corrupt(format!("unknown nation {nation}")))?,
    })
}

pub async fn authority_by_code(db: &Db, code: &str) -> Result<Option<Authority>> {
    let row = sqlx::query("SELECT id, code, name, nation FROM authority WHERE code = $1")
        .bind(code)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(authority_from_row).transpose()
}

pub async fn authority(db: &Db, id: &AuthorityId) -> Result<Authority> {
    let row = sqlx::query("SELECT id, code, name, nation FROM authority WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(db.pool())
        .await?;
    authority_from_row(&row)
}

pub async fn authorities(db: &Db) -> Result<Vec<Authority>> {
    let rows = sqlx::query("SELECT id, code, name, nation FROM authority ORDER BY code").fetch_all(db.pool()).await?;
    rows.iter().map(authority_from_row).collect()
}

/// Whether an account signs in with password and TOTP, or with a one-time code by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Staff,
    Portal,
}

impl AccountKind {
    fn as_str(self) -> &'static str {
        match self {
            AccountKind::Staff => "staff",
            AccountKind::Portal => "portal",
        }
    }
}

pub struct NewUser<'a> {
    pub id: Option<&'a str>,
    pub authority_id: &'a AuthorityId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub kind: AccountKind,
    pub roles: &'a [Role],
    pub team_id: Option<&'a str>,
    pub line_manager_id: Option<&'a str>,
    /// Staff only. `None` leaves the account without a password until one is set.
    pub password: Option<&'a str>,
    /// A TOTP secret (Base32) already enrolled, for demo accounts; `None` means enrol at first sign-in.
    pub totp_secret: Option<&'a str>,
    pub email_verified: bool,
}

/// Creates a user inside the caller's transaction (so bulk loads can batch).
pub async fn create_user_in(
    tx: &mut Tx,
    u: &NewUser<'_>,
    password_hash: Option<String>,
    actor: &str,
) -> Result<UserId> {
    let id = u.id.map(str::to_owned).unwrap_or_else(crate::new_id);
    let username = u.username.trim().to_lowercase();
    let sealed_secret = u.totp_secret.map(|secret| crate::totp_key::seal(&id, secret)).transpose()?;
    sqlx::query(
        "INSERT INTO user_account (id, authority_id, username, display_name, email, kind, email_verified, team_id, \
         line_manager_id, password_hash, totp_secret, totp_enrolled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(u.authority_id.as_str())
    .bind(&username)
    .bind(u.display_name)
    .bind(u.email)
    .bind(u.kind.as_str())
    .bind(flag(u.email_verified))
    .bind(u.team_id)
    .bind(u.line_manager_id)
    .bind(password_hash)
    .bind(sealed_secret)
    .bind(flag(u.totp_secret.is_some()))
    .bind(tx.now())
    .execute(&mut **tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("the user name {username} is already taken")),
        other => other,
    })?;
    for role in u.roles {
        sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
            .bind(&id)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
    }
    audit::record(
        tx,
        Entry {
            authority_id: u.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action: "user.create",
            entity_type: "user",
            entity_id: &id,
            before: serde_json::Value::Null,
            // Never the password or the secret: only that they exist.
            after: json!({"username": username, "kind": u.kind.as_str(), "roles": u.roles,
                          "team_id": u.team_id, "line_manager_id": u.line_manager_id,
                          "totp_enrolled": u.totp_secret.is_some()}),
        },
    )
    .await?;
    Ok(UserId(id))
}

pub async fn create_user(db: &Db, u: &NewUser<'_>, actor: &str) -> Result<UserId> {
    if let Some(p) = u.password {
        check_new_password(p).map_err(StoreError::Conflict)?;
    }
    let hash = u.password.map(hash_password).transpose()?;
    let mut tx = db.begin().await?;
    let id = create_user_in(&mut tx, u, hash, actor).await?;
    tx.commit().await?;
    Ok(id)
}

/// A user as stored, with what sign-in needs. `Debug` never shows the password hash or the
/// TOTP secret.
#[derive(Clone)]
pub struct StoredUser {
    pub account: UserAccount,
    pub kind: AccountKind,
    pub password_hash: Option<String>,
    /// As stored: sealed with the TOTP key ([`crate::totp_key`]), or plain from before there
    /// was one. [`totp_secret_of`] opens it.
    pub totp_secret: Option<String>,
    pub totp_enrolled: bool,
    pub totp_last_step: i64,
    pub failed_sign_ins: i64,
    pub locked_until: Option<String>,
    pub session_generation: i64,
    pub email_verified: bool,
}

impl std::fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |present: bool| if present { "(redacted)" } else { "(none)" };
        f.debug_struct("StoredUser")
            .field("account", &self.account)
            .field("kind", &self.kind)
            .field("password_hash", &redacted(self.password_hash.is_some()))
            .field("totp_secret", &redacted(self.totp_secret.is_some()))
            .field("totp_enrolled", &self.totp_enrolled)
            .field("totp_last_step", &self.totp_last_step)
            .field("failed_sign_ins", &self.failed_sign_ins)
            .field("locked_until", &self.locked_until)
            .field("session_generation", &self.session_generation)
            .field("email_verified", &self.email_verified)
            .finish()
    }
}

const USER_COLUMNS: &str = "id, authority_id, username, display_name, email, kind, email_verified, team_id, \
    line_manager_id, password_hash, totp_secret, totp_enrolled, totp_last_step, disabled, failed_sign_ins, \
    locked_until, session_generation";

async fn user_from_row(db: &Db, row: &sqlx::any::AnyRow) -> Result<StoredUser> {
    let roles = roles_of(db, &UserId(text(row, "id")?)).await?;
    user_with_roles(row, roles)
}

fn user_with_roles(row: &sqlx::any::AnyRow, roles: Vec<Role>) -> Result<StoredUser> {
    let id = text(row, "id")?;
    Ok(StoredUser {
        account: UserAccount {
            id: UserId(id),
            authority_id: AuthorityId(text(row, "authority_id")?),
            username: text(row, "username")?,
            display_name: text(row, "display_name")?,
            email: text(row, "email")?,
            roles,
            team_id: opt_text(row, "team_id")?.map(Into::into),
            line_manager_id: opt_text(row, "line_manager_id")?.map(Into::into),
            disabled: int(row, "disabled")? != 0,
        },
        kind: if text(row, "kind")? == "portal" { AccountKind::Portal } else { AccountKind::Staff },
        password_hash: opt_text(row, "password_hash")?,
        totp_secret: opt_text(row, "totp_secret")?,
        totp_enrolled: int(row, "totp_enrolled")? != 0,
        totp_last_step: int(row, "totp_last_step")?,
        failed_sign_ins: int(row, "failed_sign_ins")?,
        locked_until: opt_text(row, "locked_until")?,
        session_generation: int(row, "session_generation")?,
        email_verified: int(row, "email_verified")? != 0,
    })
}

pub async fn roles_of(db: &Db, user: &UserId) -> Result<Vec<Role>> {
    let rows = sqlx::query("SELECT role FROM user_role WHERE user_id = $1 ORDER BY role")
        .bind(user.as_str())
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().filter_map(|r| r.try_get::<String, _>("role").ok()).filter_map(|r| Role::parse(&r)).collect())
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<StoredUser>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM user_account WHERE username = $1"))
        .bind(username.trim().to_lowercase())
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(r) => Ok(Some(user_from_row(db, &r).await?)),
        None => Ok(None),
    }
}

/// One account with its roles, in one query (this runs on every request, so it is one round
/// trip: the account's columns repeat on each role's row).
pub async fn by_id(db: &Db, id: &UserId) -> Result<StoredUser> {
    let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(&format!(
        "SELECT {columns}, r.role AS role FROM user_account u LEFT JOIN user_role r ON r.user_id = u.id \
         WHERE u.id = $1 ORDER BY r.role"
    ))
    .bind(id.as_str())
    .fetch_all(db.pool())
    .await?;
    let Some(first) = rows.first() else { return Err(StoreError::NotFound) };
    let roles =
        rows.iter().filter_map(|r| opt_text(r, "role").ok().flatten()).filter_map(|r| Role::parse(&r)).collect();
    user_with_roles(first, roles)
}

pub async fn by_email(db: &Db, email: &str) -> Result<Option<StoredUser>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM user_account WHERE lower(email) = $1 AND kind = 'portal' ORDER BY created_at LIMIT 1"
    ))
    .bind(email.trim().to_lowercase())
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(r) => Ok(Some(user_from_row(db, &r).await?)),
        None => Ok(None),
    }
}

/// The condition (on `user_account` as `u`) that an account belongs to the authority's
/// people at work: staff, and partner professionals. Family members' portal accounts
/// (parents, young people, supporters) are not: no one browses families through the staff
/// list, and their addresses are shown only where their case is.
const WORKFORCE: &str =
    "(u.kind = 'staff' OR EXISTS (SELECT 1 FROM user_role p WHERE p.user_id = u.id AND p.role = 'professional'))";

/// Whether an account is a family member's (a portal account that is not a partner
/// professional's): such accounts are not in [`list`].
pub fn is_family_account(u: &StoredUser) -> bool {
    u.kind == AccountKind::Portal && !u.account.roles.contains(&Role::Professional)
}

/// The authority's staff and partner professionals (never family members' portal accounts),
/// for the admin pages, the pages that choose people, and deciding management lines.
pub async fn list(db: &Db, authority: &AuthorityId) -> Result<Vec<UserAccount>> {
    let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(&format!(
        "SELECT {columns} FROM user_account u WHERE u.authority_id = $1 AND {WORKFORCE} ORDER BY u.username"
    ))
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    // Every role of the authority's users in one query (not one query per user).
    let role_rows = sqlx::query(
        "SELECT r.user_id, r.role FROM user_role r JOIN user_account u ON u.id = r.user_id WHERE u.authority_id = $1 ORDER BY r.role",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut roles: std::collections::HashMap<String, Vec<Role>> = std::collections::HashMap::new();
    for r in &role_rows {
        if let Some(role) = Role::parse(&text(r, "role")?) {
            roles.entry(text(r, "user_id")?).or_default().push(role);
        }
    }
    rows.iter()
        .map(|r| {
            let id = text(r, "id")?;
            Ok(UserAccount {
                roles: roles.remove(&id).unwrap_or_default(),
                authority_id: AuthorityId(text(r, "authority_id")?),
                username: text(r, "username")?,
                display_name: text(r, "display_name")?,
                email: text(r, "email")?,
                team_id: opt_text(r, "team_id")?.map(Into::into),
                line_manager_id: opt_text(r, "line_manager_id")?.map(Into::into),
                disabled: int(r, "disabled")? != 0,
                id: UserId(id),
            })
        })
        .collect()
}

/// The line managers above a user, nearest first (the management line of CHAIR-01). One
/// recursive query reads the chain upwards (UNION stops at a cycle); the domain's
/// `management_line` orders it and stops at cycles, as it does for every other caller.
pub async fn management_line(db: &Db, user: &UserId) -> Result<Vec<UserId>> {
    let rows = sqlx::query(
        "WITH RECURSIVE up(id, manager) AS (SELECT id, line_manager_id FROM user_account WHERE id = $1 \
         UNION SELECT u.id, u.line_manager_id FROM user_account u JOIN up ON u.id = up.manager) SELECT id, manager FROM up",
    )
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut manager_of = std::collections::HashMap::new();
    for r in &rows {
        if let Some(m) = opt_text(r, "manager")? {
            manager_of.insert(text(r, "id")?, m);
        }
    }
    Ok(confer_domain::model::management_line(user, |u| manager_of.get(u.as_str()).cloned().map(UserId)))
}

/// The result of checking a password. The web answers all but `Correct` in exactly the same
/// words (no one learns whether an account exists, is disabled or is locked); the variants
/// are for the audit trail and tests.
#[derive(Debug)]
pub enum PasswordCheck {
    Correct(Box<StoredUser>),
    /// Wrong user name or password (the two are never told apart).
    Wrong,
    Locked {
        until: String,
    },
    Disabled,
}

/// A hash of nothing anyone knows, checked when there is no real one, so that every answer
/// costs one argon2 verification.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dGhpc2lzbm90YXJlYWxoYXNoYnV0aXRpc2xvbmc";

/// Wrong passwords from one network address before the account is locked for that address
/// ([`LOCK_MINUTES`]). Someone who knows only a user name can lock its owner out of nowhere
/// but their own address.
pub const MAX_WRONG_PASSWORDS_PER_ADDRESS: i64 = MAX_FAILED_SIGN_INS;
/// Wrong passwords from every address together before the account itself is locked: a
/// ceiling against guessing spread over many addresses (at least ten, each also slowed down
/// by [`MAX_FAILURES_PER_SOURCE`]).
pub const MAX_WRONG_PASSWORDS_PER_ACCOUNT: i64 = 50;
/// Wrong passwords are forgotten when none has come for this long (per address and for the
/// account), so mistakes spread over months never add up to a lock.
pub const PASSWORD_FAILURES_FORGOTTEN_HOURS: i64 = 24;
/// The `password_failure` row that counts every address together.
const EVERY_ADDRESS: &str = "*";

fn password_source_hash(source: &str) -> String {
    crate::secret_hash(&format!("password-source:{source}"))
}

/// One conditional upsert that claims a password attempt on a `password_failure` row and
/// locks it at `limit`: concurrent attempts each get a different count, and none while the
/// row is locked (then it returns `None`). A lock that has run out starts the count again.
async fn claim_password_row(
    tx: &mut Tx,
    user: &UserId,
    source_hash: &str,
    limit: i64,
) -> Result<Option<(i64, Option<String>)>> {
    let now = tx.now();
    let until = crate::stamp(tx.clock().now() + chrono::Duration::minutes(LOCK_MINUTES));
    // A count with no wrong password for [`PASSWORD_FAILURES_FORGOTTEN_HOURS`] starts again.
    let fresh_after = crate::stamp(tx.clock().now() - chrono::Duration::hours(PASSWORD_FAILURES_FORGOTTEN_HOURS));
    let counting = "password_failure.locked_until IS NULL AND password_failure.last_at >= $6";
    let sql = format!(
        "INSERT INTO password_failure (user_id, source_hash, failures, locked_until, last_at) \
         VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $5 ELSE NULL END, $3) \
         ON CONFLICT (user_id, source_hash) DO UPDATE SET \
         failures = CASE WHEN {counting} THEN password_failure.failures + 1 ELSE 1 END, \
         locked_until = CASE WHEN (CASE WHEN {counting} THEN password_failure.failures + 1 \
         ELSE 1 END) >= $4 THEN $5 ELSE NULL END, \
         last_at = $3 \
         WHERE password_failure.locked_until IS NULL OR password_failure.locked_until <= $3 \
         RETURNING failures, locked_until"
    );
    let row = sqlx::query(&sql)
        .bind(user.as_str())
        .bind(source_hash)
        .bind(&now)
        .bind(limit)
        .bind(&until)
        .bind(&fresh_after)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((int(&r, "failures")?, opt_text(&r, "locked_until")?))).transpose()
}

/// A password attempt claimed per (account, address) and for the account as a whole.
struct PasswordClaim {
    address_failures: i64,
    account_failures: i64,
    /// This attempt locked the account for this address (until then).
    locks_address: Option<String>,
    /// This attempt reached the ceiling and locked the account everywhere (until then).
    locks_account: Option<String>,
}

/// Claims a password attempt BEFORE the password is checked (issue 10): counted for the
/// account from this address, and for the account from every address, in one transaction.
/// `None`: the account is locked for this address, or everywhere.
async fn claim_password_attempt(db: &Db, user: &UserId, source: &str) -> Result<Option<PasswordClaim>> {
    let mut tx = db.begin().await?;
    let Some((address_failures, locks_address)) =
        claim_password_row(&mut tx, user, &password_source_hash(source), MAX_WRONG_PASSWORDS_PER_ADDRESS).await?
    else {
        tx.rollback().await?;
        return Ok(None);
    };
    let Some((account_failures, locks_account)) =
        claim_password_row(&mut tx, user, EVERY_ADDRESS, MAX_WRONG_PASSWORDS_PER_ACCOUNT).await?
    else {
        tx.rollback().await?;
        return Ok(None);
    };
    if let Some(until) = &locks_account {
        // The ceiling locks the account itself, as wrong codes do: every step checks it.
        sqlx::query("UPDATE user_account SET locked_until = $2 WHERE id = $1")
            .bind(user.as_str())
            .bind(until)
            .execute(&mut *tx)
            .await?;
        crate::sessions::end_unfinished_in(&mut tx, user.as_str()).await?;
    }
    tx.commit().await?;
    Ok(Some(PasswordClaim { address_failures, account_failures, locks_address, locks_account }))
}

/// Gives back a password attempt that was right: this address's count is forgotten (it has
/// proved it knows the password) and the account-wide count goes down by one, lifting a lock
/// this very attempt set. Wrong codes are counted elsewhere ([`claim_attempt`]) and stay.
async fn release_password_attempt(db: &Db, user: &UserId, source: &str, claim: &PasswordClaim) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM password_failure WHERE user_id = $1 AND source_hash = $2")
        .bind(user.as_str())
        .bind(password_source_hash(source))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE password_failure SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, \
         locked_until = CASE WHEN failures - 1 < $3 THEN NULL ELSE locked_until END \
         WHERE user_id = $1 AND source_hash = $2",
    )
    .bind(user.as_str())
    .bind(EVERY_ADDRESS)
    .bind(MAX_WRONG_PASSWORDS_PER_ACCOUNT)
    .execute(&mut *tx)
    .await?;
    if let Some(until) = &claim.locks_account {
        sqlx::query("UPDATE user_account SET locked_until = NULL WHERE id = $1 AND locked_until = $2")
            .bind(user.as_str())
            .bind(until)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Checks a staff password from a network address (as the web resolves it: see SECURITY.md,
/// trusted proxies). An attempt is claimed first, per (account, address) and for the account
/// ([`MAX_WRONG_PASSWORDS_PER_ADDRESS`], [`MAX_WRONG_PASSWORDS_PER_ACCOUNT`]); a disabled
/// account, an account locked (by wrong codes or the ceiling), or one locked for this address
/// gets none. The argon2 work is done whatever the account's state (or whether it exists), so
/// neither the answer nor its time tells them apart. A right password gives its attempt back.
pub async fn check_password(db: &Db, username: &str, password: &str, source: &str) -> Result<PasswordCheck> {
    let Some(user) = by_username(db, username).await? else {
        let _ = verify(DUMMY_HASH, password).await;
        return Ok(PasswordCheck::Wrong);
    };
    let now = db.now();
    let account_lock = user.locked_until.clone().filter(|u| u.as_str() > now.as_str());
    let claim = if user.account.disabled || account_lock.is_some() {
        None
    } else {
        claim_password_attempt(db, &user.account.id, source).await?
    };
    let hash = user.password_hash.as_deref().unwrap_or(DUMMY_HASH);
    let right = verify(hash, password).await && user.password_hash.is_some() && user.kind == AccountKind::Staff;
    let Some(claim) = claim else {
        return Ok(if user.account.disabled {
            PasswordCheck::Disabled
        } else {
            PasswordCheck::Locked { until: account_lock.unwrap_or_default() }
        });
    };
    if right {
        release_password_attempt(db, &user.account.id, source, &claim).await?;
        return Ok(PasswordCheck::Correct(Box::new(user)));
    }
    let action = if claim.locks_account.is_some() {
        "sign-in.locked"
    } else if claim.locks_address.is_some() {
        "sign-in.locked-for-address"
    } else {
        "sign-in.failed"
    };
    audit::record_alone(
        db,
        Entry::own_account(
            &user.account,
            EventKind::SignInFailed,
            action,
            serde_json::Value::Null,
            // The count from this address, never the address itself.
            json!({"step": "password", "failures_from_address": claim.address_failures,
                   "failures": claim.account_failures, "locked_until": claim.locks_account,
                   "locked_for_address_until": claim.locks_address}),
        ),
    )
    .await?;
    Ok(match claim.locks_account.or(claim.locks_address) {
        Some(until) => PasswordCheck::Locked { until },
        None => PasswordCheck::Wrong,
    })
}

/// Whether an attempt at an account's password or second factor may be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Yes: it is counted (`failures` wrong or pending attempts, this one included) before it is
    /// checked; if it is the last one allowed, the account is already locked until
    /// `locks_until` (a right answer lifts it again).
    Granted { failures: i64, locks_until: Option<String> },
    /// No: the account is locked (until when, if known) or disabled.
    Refused { locked_until: Option<String>, disabled: bool },
}

/// Claims one attempt at an account (a password, an authenticator code or a recovery code)
/// BEFORE it is checked, in one conditional UPDATE: requests at the same time, on any number
/// of half-signed-in sessions, each get a different count, none once the account is locked,
/// so no more than [`MAX_FAILED_SIGN_INS`] wrong answers are ever checked per lock period.
/// The attempt that reaches the limit locks the account at once.
pub async fn claim_attempt(db: &Db, user: &UserId) -> Result<Claim> {
    let now = db.now();
    let until = crate::stamp(db.clock().now() + chrono::Duration::minutes(LOCK_MINUTES));
    // A lock that has run out starts the count again.
    let row = sqlx::query(
        "UPDATE user_account SET \
         failed_sign_ins = CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END, \
         locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END) >= $3 \
         THEN $4 ELSE NULL END \
         WHERE id = $1 AND disabled = 0 AND (locked_until IS NULL OR locked_until <= $2) \
         RETURNING failed_sign_ins, locked_until",
    )
    .bind(user.as_str())
    .bind(&now)
    .bind(MAX_FAILED_SIGN_INS)
    .bind(&until)
    .fetch_optional(&db.writer)
    .await?;
    if let Some(row) = row {
        return Ok(Claim::Granted {
            failures: int(&row, "failed_sign_ins")?,
            locks_until: opt_text(&row, "locked_until")?,
        });
    }
    let row = sqlx::query("SELECT disabled, locked_until FROM user_account WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(r) => Claim::Refused {
            locked_until: opt_text(&r, "locked_until")?.filter(|u| u.as_str() > now.as_str()),
            disabled: int(&r, "disabled")? != 0,
        },
        None => Claim::Refused { locked_until: None, disabled: false },
    })
}

/// Records a wrong answer to a claimed attempt (`step`: "password", "totp", "recovery-code").
/// If its claim locked the account, every half-signed-in session of the account ends in the
/// same transaction (the lock cannot be waited out on a session opened before it). Returns
/// the lock's end if this attempt locked the account.
pub async fn attempt_failed(
    db: &Db,
    user: &StoredUser,
    failures: i64,
    locks_until: Option<String>,
    step: &str,
) -> Result<Option<String>> {
    let mut tx = db.begin().await?;
    if locks_until.is_some() {
        crate::sessions::end_unfinished_in(&mut tx, user.account.id.as_str()).await?;
    }
    audit::record(
        &mut tx,
        Entry::own_account(
            &user.account,
            EventKind::SignInFailed,
            if locks_until.is_some() { "sign-in.locked" } else { "sign-in.failed" },
            serde_json::Value::Null,
            json!({"failures": failures, "step": step, "locked_until": locks_until}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(locks_until)
}

/// Whether the account is locked now (until when).
pub async fn locked_until(db: &Db, user: &UserId) -> Result<Option<String>> {
    let row = sqlx::query("SELECT locked_until FROM user_account WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?;
    let now = db.now();
    Ok(match row {
        Some(r) => opt_text(&r, "locked_until")?.filter(|u| u.as_str() > now.as_str()),
        None => None,
    })
}

/// Forgets an account's wrong passwords and codes (a full sign-in, or a password reset).
pub async fn clear_failures(tx: &mut Tx, user: &UserId) -> Result<()> {
    sqlx::query("UPDATE user_account SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1")
        .bind(user.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM password_failure WHERE user_id = $1").bind(user.as_str()).execute(&mut **tx).await?;
    Ok(())
}

/// Builds the TOTP checker for a secret (RFC 6238: SHA-1, 6 digits, 30 seconds, one step of drift).
pub fn totp_for(secret_base32: &str, username: &str, issuer: &str) -> Result<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|_| StoreError::Corrupt("the TOTP secret is not valid Base32".into()))?;
    Ok(totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer.to_owned()),
        username.to_owned(),
    ))
}

/// A new random TOTP secret (160 bits), Base32.
pub fn new_totp_secret() -> String {
    totp_rs::Secret::generate_secret().to_encoded().to_string()
}

/// Whether what was typed looks like an authenticator code (six digits, spaces ignored)
/// rather than a recovery code.
pub fn is_totp_code(code: &str) -> bool {
    let digits: Vec<char> = code.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.iter().all(char::is_ascii_digit)
}

/// The account's TOTP secret (Base32), opened ([`crate::totp_key`]).
pub fn totp_secret_of(user: &StoredUser) -> Result<Option<String>> {
    user.totp_secret
        .as_deref()
        .map(|stored| crate::totp_key::open(user.account.id.as_str(), stored).map(|o| o.0))
        .transpose()
}

/// Checks a TOTP code; a code is accepted once only (its time step is remembered). This only
/// checks: callers claim an attempt first ([`claim_attempt`]) where wrong codes must count.
/// A secret stored plain or sealed with the previous key is sealed with the current key
/// once a code has been accepted.
pub async fn check_totp(db: &Db, user: &StoredUser, code: &str) -> Result<bool> {
    use subtle::ConstantTimeEq;
    let Some(stored) = user.totp_secret.as_deref() else { return Ok(false) };
    let (secret, seal_again) = crate::totp_key::open(user.account.id.as_str(), stored)?;
    let totp = totp_for(&secret, &user.account.username, "confer")?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    // The code comes from the person's authenticator app, which keeps real time: checked
    // against the system's time even when confer runs "as if" another day.
    let now = crate::clock::real_now().timestamp().max(0) as u64;
    let step_now = (now / 30) as i64;
    let mut matched = None;
    for step in [step_now, step_now - 1, step_now + 1] {
        let expected = totp.generate(step as u64 * 30);
        if step > user.totp_last_step && bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            matched = Some(step);
            break;
        }
    }
    let Some(step) = matched else { return Ok(false) };
    // Claim the step atomically: a second use of the same code finds the step already taken.
    let res = sqlx::query("UPDATE user_account SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
        .bind(user.account.id.as_str())
        .bind(step)
        .execute(&db.writer)
        .await?;
    let accepted = res.rows_affected() == 1;
    if accepted && seal_again {
        // Only if it is still the secret just read (not one enrolled or reset meanwhile).
        sqlx::query("UPDATE user_account SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2")
            .bind(user.account.id.as_str())
            .bind(stored)
            .bind(crate::totp_key::seal(user.account.id.as_str(), &secret)?)
            .execute(&db.writer)
            .await?;
    }
    Ok(accepted)
}

/// Starts TOTP enrolment: stores a new secret, not yet enrolled, and audits that a secret was
/// written (never the secret) in the same transaction. Returns the secret, or `None` if the
/// account is already enrolled.
pub async fn begin_totp_enrolment(db: &Db, user: &StoredUser) -> Result<Option<String>> {
    let secret = new_totp_secret();
    let sealed = crate::totp_key::seal(user.account.id.as_str(), &secret)?;
    let mut tx = db.begin().await?;
    let res = sqlx::query(
        "UPDATE user_account SET totp_secret = $2, totp_enrolled = 0, totp_last_step = 0 \
         WHERE id = $1 AND totp_enrolled = 0",
    )
    .bind(user.account.id.as_str())
    .bind(&sealed)
    .execute(&mut *tx)
    .await?;
    if res.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    audit::record(
        &mut tx,
        Entry::own_account(
            &user.account,
            EventKind::Change,
            "user.totp.secret",
            json!({"totp_secret": user.totp_secret.is_some()}),
            json!({"totp_secret": "new", "totp_enrolled": false}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(secret))
}

/// Completes enrolment and returns ten recovery codes, shown once. Only an account that is
/// still enrolling is changed: a second request with the same code finds it enrolled.
pub async fn finish_totp_enrolment(db: &Db, user: &StoredUser) -> Result<Vec<String>> {
    // The codes' argon2 hashes are made before the transaction, so the write lock is short.
    let codes = tokio::task::spawn_blocking(new_recovery_codes)
        .await
        .map_err(|e| StoreError::Corrupt(format!("cannot make recovery codes: {e}")))??;
    let mut tx = db.begin().await?;
    let res = sqlx::query("UPDATE user_account SET totp_enrolled = 1 WHERE id = $1 AND totp_enrolled = 0")
        .bind(user.account.id.as_str())
        .execute(&mut *tx)
        .await?;
    if res.rows_affected() != 1 {
        tx.rollback().await?;
        return Err(StoreError::Conflict("the authenticator app is already set up for this account".into()));
    }
    sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user.account.id.as_str())
        .execute(&mut *tx)
        .await?;
    for c in &codes {
        sqlx::query("INSERT INTO recovery_code (user_id, code_hash, selector) VALUES ($1, $2, $3)")
            .bind(user.account.id.as_str())
            .bind(&c.hash)
            .bind(&c.selector)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        Entry::own_account(
            &user.account,
            EventKind::Change,
            "user.totp.enrol",
            json!({"totp_enrolled": false}),
            json!({"totp_enrolled": true, "recovery_codes": codes.len()}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(codes.into_iter().map(|c| c.code).collect())
}

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new recovery code: what the person is shown, and what is stored.
struct NewRecoveryCode {
    /// Five groups of four hex digits: "3f9a-…". The first group is the row's selector
    /// (stored as it is, to find the row); the other 64 bits are the secret.
    code: String,
    selector: String,
    /// argon2id of the secret part, with its own salt.
    hash: String,
}

fn new_recovery_codes() -> Result<Vec<NewRecoveryCode>> {
    let mut out: Vec<NewRecoveryCode> = Vec::new();
    while out.len() < RECOVERY_CODES {
        let raw = crate::random_secret(10); // 80 bits: 16 of selector, 64 of secret
        let selector = raw[..4].to_owned();
        if out.iter().any(|c| c.selector == selector) {
            continue;
        }
        let secret = &raw[4..];
        let code = format!("{}-{}-{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..12], &raw[12..16], &raw[16..20]);
        out.push(NewRecoveryCode { code, selector, hash: hash_password(secret)? });
    }
    Ok(out)
}

/// Uses a recovery code instead of a TOTP code; each works once, even when sent twice at the
/// same moment (the row is claimed by a conditional UPDATE), and its use is audited in the
/// same transaction. This only checks: the caller claims an attempt first ([`claim_attempt`]).
/// Codes of the old form ("xxxxx-xxxxx": 40 bits, unsalted SHA-256) are never accepted: a
/// copy of the database would give them up in seconds. Migration 0017 removed them; an
/// account that had only those asks an administrator to reset its second factor (SECURITY.md).
pub async fn use_recovery_code(db: &Db, user: &StoredUser, code: &str) -> Result<bool> {
    let typed: String =
        code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_lowercase();
    let stored_hash = if typed.len() == 20 && typed.chars().all(|c| c.is_ascii_hexdigit()) {
        let (selector, secret) = typed.split_at(4);
        let rows =
            sqlx::query("SELECT code_hash FROM recovery_code WHERE user_id = $1 AND selector = $2 AND used_at IS NULL")
                .bind(user.account.id.as_str())
                .bind(selector)
                .fetch_all(db.pool())
                .await?;
        let mut found = None;
        for r in &rows {
            let h = text(r, "code_hash")?;
            if verify(&h, secret).await {
                found = Some(h);
            }
        }
        if rows.is_empty() {
            let _ = verify(DUMMY_HASH, secret).await;
        }
        found
    } else {
        let _ = verify(DUMMY_HASH, &typed).await;
        None
    };
    let Some(stored_hash) = stored_hash else { return Ok(false) };
    let mut tx = db.begin().await?;
    let res =
        sqlx::query("UPDATE recovery_code SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
            .bind(user.account.id.as_str())
            .bind(&stored_hash)
            .bind(db.now())
            .execute(&mut *tx)
            .await?;
    if res.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    let left = sqlx::query("SELECT COUNT(*) AS n FROM recovery_code WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.account.id.as_str())
        .fetch_one(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry::own_account(
            &user.account,
            EventKind::Change,
            "user.recovery-code.use",
            serde_json::Value::Null,
            json!({"recovery_codes_left": int(&left, "n")?}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Changes to an account that administrators (or the command line) make.
#[derive(Debug, Clone)]
pub enum AccountChange {
    AddRole(Role),
    RemoveRole(Role),
    ResetPassword(String),
    Disable,
    Enable,
    /// Forget the second factor so the user enrols again at next sign-in.
    ResetSecondFactor,
}

/// The refusal when someone tries to change their own roles.
pub const OWN_ROLES_REFUSED: &str =
    "You cannot change your own roles: ask another administrator (so no one gives themselves access to cases)";

/// Changes an account, audited in the same transaction. Resetting the password or the second
/// factor and disabling the account end its sessions and revoke its API tokens.
///
/// No one changes their own roles (ROLE-10: an administrator has no case content unless
/// *granted* a case role, so granting must be someone else's act). The refusal is here, below
/// the page, so every caller meets it; the command line acts as the server's operator
/// (`system:command-line`), not as an account, and may still change anyone's roles.
pub async fn change_account(db: &Db, user: &UserId, change: AccountChange, actor: &str) -> Result<()> {
    if let AccountChange::ResetPassword(p) = &change {
        check_new_password(p).map_err(StoreError::Conflict)?;
    }
    if matches!(change, AccountChange::AddRole(_) | AccountChange::RemoveRole(_)) && actor == user.as_str() {
        return Err(StoreError::Conflict(OWN_ROLES_REFUSED.into()));
    }
    let existing = by_id(db, user).await?;
    let mut tx = db.begin().await?;
    let (action, before, after) = match &change {
        AccountChange::AddRole(r) => {
            if existing.account.roles.contains(r) {
                return Err(StoreError::Conflict(format!("the user already has the role {}", r.as_str())));
            }
            sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                .bind(user.as_str())
                .bind(r.as_str())
                .execute(&mut *tx)
                .await?;
            // A role that needs two factors makes a two-factor account at once (issue 10).
            if r.needs_second_factor() {
                crate::sessions::end_one_factor_in(&mut tx, user.as_str()).await?;
            }
            ("user.role.add", json!({"roles": existing.account.roles}), json!({"added": r}))
        }
        AccountChange::RemoveRole(r) => {
            sqlx::query("DELETE FROM user_role WHERE user_id = $1 AND role = $2")
                .bind(user.as_str())
                .bind(r.as_str())
                .execute(&mut *tx)
                .await?;
            ("user.role.remove", json!({"roles": existing.account.roles}), json!({"removed": r}))
        }
        AccountChange::ResetPassword(p) => {
            let hash = hash_password(p)?;
            sqlx::query(
                "UPDATE user_account SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL, \
                         session_generation = session_generation + 1 WHERE id = $1",
            )
            .bind(user.as_str())
            .bind(hash)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM password_failure WHERE user_id = $1")
                .bind(user.as_str())
                .execute(&mut *tx)
                .await?;
            let revoked = crate::tokens::revoke_all_in(&mut tx, user.as_str()).await?;
            ("user.password.reset", serde_json::Value::Null, json!({"password": "changed", "tokens_revoked": revoked}))
        }
        AccountChange::Disable => {
            sqlx::query(
                "UPDATE user_account SET disabled = 1, session_generation = session_generation + 1 WHERE id = $1",
            )
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
            let revoked = crate::tokens::revoke_all_in(&mut tx, user.as_str()).await?;
            (
                "user.disable",
                json!({"disabled": existing.account.disabled}),
                json!({"disabled": true, "tokens_revoked": revoked}),
            )
        }
        AccountChange::Enable => {
            sqlx::query("UPDATE user_account SET disabled = 0 WHERE id = $1")
                .bind(user.as_str())
                .execute(&mut *tx)
                .await?;
            ("user.enable", json!({"disabled": existing.account.disabled}), json!({"disabled": false}))
        }
        AccountChange::ResetSecondFactor => {
            sqlx::query(
                "UPDATE user_account SET totp_secret = NULL, totp_enrolled = 0, totp_last_step = 0, \
                         session_generation = session_generation + 1 WHERE id = $1",
            )
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_code WHERE user_id = $1").bind(user.as_str()).execute(&mut *tx).await?;
            let revoked = crate::tokens::revoke_all_in(&mut tx, user.as_str()).await?;
            (
                "user.totp.reset",
                json!({"totp_enrolled": existing.totp_enrolled}),
                json!({"totp_enrolled": false, "tokens_revoked": revoked}),
            )
        }
    };
    audit::record(
        &mut tx,
        Entry {
            authority_id: existing.account.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "user",
            entity_id: user.as_str(),
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of a user and revokes their API tokens ("sign out everywhere": someone
/// who fears their account is in other hands wants every way in closed).
pub async fn sign_out_everywhere(db: &Db, user: &StoredUser) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE user_account SET session_generation = session_generation + 1 WHERE id = $1")
        .bind(user.account.id.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE web_session SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL")
        .bind(user.account.id.as_str())
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    let revoked = crate::tokens::revoke_all_in(&mut tx, user.account.id.as_str()).await?;
    audit::record(
        &mut tx,
        Entry::own_account(
            &user.account,
            EventKind::SignOut,
            "sign-out.everywhere",
            serde_json::Value::Null,
            json!({"tokens_revoked": revoked}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Teams of an authority.
pub async fn create_team(tx: &mut Tx, id: &str, authority: &AuthorityId, name: &str, actor: &str) -> Result<()> {
    sqlx::query("INSERT INTO team (id, authority_id, name) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(authority.as_str())
        .bind(name)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "team.create",
            entity_type: "team",
            entity_id: id,
            before: serde_json::Value::Null,
            after: json!({"name": name}),
        },
    )
    .await?;
    Ok(())
}

/// Wrong sign-in attempts from one network address within the window before it must wait.
pub const MAX_FAILURES_PER_SOURCE: i64 = 30;
pub const SOURCE_WINDOW_MINUTES: i64 = 15;

fn source_hash(source: &str) -> String {
    crate::secret_hash(&format!("sign-in-source:{source}"))
}

/// Whether a network address has made too many wrong attempts lately; if so, until when to wait.
pub async fn source_throttled(db: &Db, source: &str) -> Result<Option<String>> {
    let since = crate::stamp(db.clock().now() - chrono::Duration::minutes(SOURCE_WINDOW_MINUTES));
    let row =
        sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS first FROM sign_in_failure WHERE source_hash = $1 AND at > $2")
            .bind(source_hash(source))
            .bind(&since)
            .fetch_one(db.pool())
            .await?;
    if int(&row, "n")? < MAX_FAILURES_PER_SOURCE {
        return Ok(None);
    }
    let first = opt_text(&row, "first")?.and_then(|f| crate::parse_stamp(&f)).unwrap_or_else(|| db.clock().now());
    Ok(Some(crate::stamp(first + chrono::Duration::minutes(SOURCE_WINDOW_MINUTES))))
}

/// Counts a wrong attempt from a network address, and forgets those older than a day.
pub async fn count_source_failure(db: &Db, source: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO sign_in_failure (id, source_hash, at) VALUES ($1, $2, $3)")
        .bind(crate::new_id())
        .bind(source_hash(source))
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_failure WHERE at < $1")
        .bind(crate::stamp(db.clock().now() - chrono::Duration::days(1)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A user and everyone below them in the management line (the people whose cases a manager
/// may see), in one recursive query that both databases run.
pub async fn user_and_reports(db: &Db, authority: &AuthorityId, user: &UserId) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "WITH RECURSIVE line(id) AS (SELECT $2 UNION SELECT u.id FROM user_account u JOIN line l ON u.line_manager_id = l.id \
         WHERE u.authority_id = $1) SELECT id FROM line",
    )
    .bind(authority.as_str())
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| text(r, "id")).collect()
}
