//! Calendar invitations (issue 14): each meeting sent to people's calendars has one UID for
//! its whole life and a SEQUENCE kept here, raised in the transaction of every change of date,
//! time or place and of the cancellation. Two instances, or one restarted, never send the
//! same sequence for two versions of a meeting: the row is the one counter.
//!
//! What a message carries is an [`Attachment`], kept as JSON in the outbox row beside the
//! e-mail; the delivery worker writes it as a `text/calendar` part (with the sending address
//! as organiser) every time it tries the message, so a retry sends the same entry.

use crate::{int, text, Result, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The calendar entry of one e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The meeting's UID without a domain (the worker adds the sending address's domain).
    pub uid: String,
    pub sequence: i64,
    /// true: METHOD:CANCEL, STATUS:CANCELLED; false: METHOD:REQUEST.
    pub cancel: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: String,
    /// DTSTAMP: when the message was written.
    pub stamp: DateTime<Utc>,
}

impl Attachment {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    pub fn from_json(s: &str) -> Option<Attachment> {
        serde_json::from_str(s).ok()
    }
}

/// A meeting's UID and the sequence its next messages carry, in the change's transaction:
/// made (sequence 0) the first time, raised by one when `changed` (a new date, time or place,
/// or the cancellation). `None` when `create` is false and the meeting was never sent to a
/// calendar (a cancellation of a meeting nobody had in their calendar).
pub async fn sequence(
    tx: &mut Tx,
    authority_id: &str,
    family_id: &str,
    meeting_kind: &str,
    meeting_id: &str,
    changed: bool,
    create: bool,
) -> Result<Option<(String, i64)>> {
    let now = tx.now();
    if create {
        // Insert-or-ignore: the unique index on the meeting keeps one row whoever writes first.
        sqlx::query(
            "INSERT INTO calendar_entry (uid, authority_id, family_id, meeting_kind, meeting_id, sequence, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT DO NOTHING",
        )
        .bind(crate::new_id())
        .bind(authority_id)
        .bind(family_id)
        .bind(meeting_kind)
        .bind(meeting_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    if changed {
        // The UPDATE takes the row's lock: a second transaction raising it waits and adds one more.
        sqlx::query(
            "UPDATE calendar_entry SET sequence = sequence + 1, updated_at = $3 WHERE meeting_kind = $1 AND meeting_id = $2",
        )
        .bind(meeting_kind)
        .bind(meeting_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    let row = sqlx::query("SELECT uid, sequence FROM calendar_entry WHERE meeting_kind = $1 AND meeting_id = $2")
        .bind(meeting_kind)
        .bind(meeting_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((text(&r, "uid")?, int(&r, "sequence")?))).transpose()
}
