//! One-time sign-in codes for families and partner professionals: six digits sent to their
//! verified e-mail address, valid for ten minutes, usable once, with limited tries and a limit
//! on how often codes can be asked for. The code is stored only as a hash; the message that
//! carries it is written to the outbox in the same transaction.

use crate::audit::{self, Entry};
use crate::users::StoredUser;
use crate::{int, text, Db, Result};
use confer_domain::audit::EventKind;
use rand::Rng;
use serde_json::json;

pub const CODE_MINUTES: i64 = 10;
pub const MAX_CODES_PER_WINDOW: i64 = 3;
pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_TRIES: i64 = 5;

#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// A code was sent (or the address is unknown: the person is told the same either way).
    Sent,
    /// Too many codes asked for: try again after this instant.
    TooMany { retry_after: String },
}

/// Asks for a code for an e-mail address.
pub async fn request(db: &Db, email: &str) -> Result<Requested> {
    let Some(user) = crate::users::by_email(db, email).await? else { return Ok(Requested::Sent) };
    if !user.email_verified || user.account.disabled {
        return Ok(Requested::Sent);
    }
    let now = chrono::Utc::now();
    let window_start = crate::stamp(now - chrono::Duration::minutes(WINDOW_MINUTES));
    let mut tx = db.begin().await?;
    let recent = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM one_time_code WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user.account.id.as_str())
    .bind(&window_start)
    .fetch_one(&mut *tx)
    .await?;
    if int(&recent, "n")? >= MAX_CODES_PER_WINDOW {
        let first = crate::opt_text(&recent, "first")?.and_then(|s| crate::parse_stamp(&s)).unwrap_or(now);
        tx.rollback().await?;
        return Ok(Requested::TooMany { retry_after: crate::stamp(first + chrono::Duration::minutes(WINDOW_MINUTES)) });
    }
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO one_time_code (id, user_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(user.account.id.as_str())
    .bind(crate::secret_hash(&format!("{}:{code}", user.account.id)))
    .bind(crate::stamp(now))
    .bind(crate::stamp(now + chrono::Duration::minutes(CODE_MINUTES)))
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at) VALUES ($1, $2, 'email', $3, $4, $5, $6)")
        .bind(crate::new_id())
        .bind(user.account.authority_id.as_str())
        .bind(&user.account.email)
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
    audit::record(
        &mut tx,
        Entry {
            authority_id: user.account.authority_id.as_str(),
            actor: user.account.id.as_str(),
            kind: EventKind::Change,
            action: "sign-in.code.request",
            entity_type: "user",
            entity_id: user.account.id.as_str(),
            before: serde_json::Value::Null,
            after: json!({"code_id": id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Requested::Sent)
}

/// Checks a code. Returns the user when it is right, unexpired, unused and within its tries.
pub async fn verify(db: &Db, email: &str, code: &str) -> Result<Option<StoredUser>> {
    let Some(user) = crate::users::by_email(db, email).await? else { return Ok(None) };
    let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    let now = crate::now();
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT id, code_hash, attempts FROM one_time_code WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user.account.id.as_str())
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id = text(&row, "id")?;
    if int(&row, "attempts")? >= MAX_TRIES {
        return Ok(None);
    }
    let right = text(&row, "code_hash")? == crate::secret_hash(&format!("{}:{code}", user.account.id));
    if right {
        sqlx::query("UPDATE one_time_code SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(&id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE one_time_code SET attempts = attempts + 1 WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: user.account.authority_id.as_str(),
            actor: user.account.id.as_str(),
            kind: if right { EventKind::SignIn } else { EventKind::SignInFailed },
            action: if right { "sign-in.code.accepted" } else { "sign-in.code.refused" },
            entity_type: "user",
            entity_id: user.account.id.as_str(),
            before: serde_json::Value::Null,
            after: json!({"code_id": id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(right.then_some(user))
}

/// Messages waiting in the outbox for a recipient, newest first (delivery comes with the
/// notifications work; tests read codes from here).
pub async fn outbox_for(db: &Db, recipient: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT subject, body FROM outbox WHERE recipient = $1 ORDER BY created_at DESC")
        .bind(recipient)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((text(r, "subject")?, text(r, "body")?))).collect()
}
