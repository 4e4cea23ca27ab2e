//! Personal access tokens for API clients: shown once, stored hashed, scoped, revocable.

use crate::audit::{self, Entry};
use crate::{opt_text, text, Db, Result, StoreError};
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
}

/// Creates a token and returns (its id, the token text — shown once, never stored).
pub async fn create(
    db: &Db,
    user_id: &str,
    authority_id: &str,
    name: &str,
    scopes: &[Scope],
    actor: &str,
) -> Result<(String, String)> {
    if scopes.is_empty() {
        return Err(StoreError::Conflict("choose at least one scope".into()));
    }
    let id = crate::new_id();
    let token = format!("{PREFIX}{}", crate::random_secret(24));
    let scope_text: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO access_token (id, user_id, name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(crate::secret_hash(&token))
    .bind(scope_text.join(" "))
    .bind(crate::now())
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
            after: json!({"user_id": user_id, "name": name, "scopes": scope_text}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
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
    })
}

/// Finds the live token for a bearer token text.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<TokenInfo>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at FROM access_token t \
         JOIN user_account u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
    )
    .bind(crate::secret_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let info = info_from_row(&row)?;
    sqlx::query("UPDATE access_token SET last_used_at = $2 WHERE id = $1")
        .bind(&info.id)
        .bind(crate::now())
        .execute(&db.writer)
        .await?;
    Ok(Some(info))
}

pub async fn list(db: &Db, user_id: &str) -> Result<Vec<TokenInfo>> {
    let rows = sqlx::query("SELECT id, user_id, name, scopes, created_at, last_used_at, revoked_at FROM access_token WHERE user_id = $1 ORDER BY created_at DESC")
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
            .bind(crate::now())
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
