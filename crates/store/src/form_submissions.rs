//! Idempotent forms: the `form_submission` table remembers each form a signed-in person sent
//! (by a key the web layer derives from who, the page's nonce, the address and the body), so
//! the same form sent twice (a double click, a browser retrying) does its work once and the
//! second submission is shown the first one's result.
//!
//! A row's `outcome` is empty while the first submission runs ([`claim`]), then holds the
//! address its success redirected to ([`finish`]); a submission that failed gives its key back
//! ([`release`]) so the form, corrected, can be sent again.

use crate::{text, Db, Result};

/// What a submission may do with its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or its earlier claim was left by a crash): run the form.
    First,
    /// The same form was already sent and succeeded: show this address (its result).
    Done(String),
    /// The same form is being sent right now.
    Running,
}

/// How long a claim may stay unfinished before it is taken to have been left by a crash (a
/// request is cut off long before: `request_timeout_seconds`, 30 by default).
pub const PENDING_MINUTES: i64 = 5;
/// How long outcomes are kept: far longer than anyone takes to press a button twice or to
/// go back and resend.
pub const KEEP_HOURS: i64 = 24;

/// Claims `key` for a submission by `user_id`. Atomic on both databases: of two submissions
/// with the same key at the same moment exactly one gets [`Claim::First`] (the insert is
/// `ON CONFLICT DO NOTHING`; on PostgreSQL the second insert waits for the first to commit).
pub async fn claim(db: &Db, key: &str, user_id: &str) -> Result<Claim> {
    let mut tx = db.begin().await?;
    let now = db.clock().now();
    let stamp = crate::stamp(now);
    let expired = crate::stamp(now - chrono::Duration::minutes(PENDING_MINUTES));
    sqlx::query("DELETE FROM form_submission WHERE created_at < $1")
        .bind(crate::stamp(now - chrono::Duration::hours(KEEP_HOURS)))
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO form_submission (idempotency_key, user_id, outcome, created_at) VALUES ($1, $2, '', $3) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(user_id)
    .bind(&stamp)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let claim = if inserted == 1 {
        Claim::First
    } else {
        // A claim left unfinished for longer than any request runs: its request is gone.
        let taken = sqlx::query(
            "UPDATE form_submission SET created_at = $2 WHERE idempotency_key = $1 AND outcome = '' AND created_at < $3",
        )
        .bind(key)
        .bind(&stamp)
        .bind(&expired)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 1 {
            Claim::First
        } else {
            let row = sqlx::query("SELECT outcome FROM form_submission WHERE idempotency_key = $1")
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
            match text(&row, "outcome")? {
                o if o.is_empty() => Claim::Running,
                o => Claim::Done(o),
            }
        }
    };
    tx.commit().await?;
    Ok(claim)
}

/// Records that the submission holding `key` succeeded and where its result is shown.
pub async fn finish(db: &Db, key: &str, outcome: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE form_submission SET outcome = $2 WHERE idempotency_key = $1")
        .bind(key)
        .bind(outcome)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives back the key of a submission that failed (refused input, a conflict, an error), so
/// the same form can be sent again.
pub async fn release(db: &Db, key: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM form_submission WHERE idempotency_key = $1 AND outcome = ''")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
