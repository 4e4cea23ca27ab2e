//! Issue 14: GOV.UK Notify's delivery-status callbacks, and letters sent through Notify.
//!
//! A callback names Notify's notification id, the `reference` confer sent (the outbox id, or
//! the documents log's id for a letter), the kind of notification and its final status. It is
//! recorded on the outbox row (e-mails and text messages) or the logged letter that Notify
//! took **for that authority** (the same id under another authority is not found), audited
//! in the same transaction. Notify's statuses are final: the same status again is a replay
//! and changes nothing; another status for a notification that already has one is refused.
//!
//! An e-mail to a family member about a conference that Notify says can never be delivered
//! (`permanent-failure`) falls back to a letter: a print request written in the same
//! transaction, made by the print list (or sent through Notify for an authority that sends
//! its letters there). A letter that Notify could not print (`technical-failure`,
//! `validation-failed`) goes back on the print list, to be printed by hand.

use crate::audit::{self, Entry};
use crate::{opt_text, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use serde_json::json;

/// The actor of the audit events a callback writes.
pub const CALLBACK_ACTOR: &str = "system:notify-callback";

/// The statuses a callback may carry.
pub const STATUSES: &[&str] =
    &["delivered", "permanent-failure", "temporary-failure", "technical-failure", "validation-failed"];

/// What a callback did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The status was recorded; `letter` when an undeliverable e-mail was replaced by a
    /// letter, or a letter went back on the print list.
    Changed { letter: bool },
    /// The same status was recorded before: nothing changed.
    Replay,
}

/// Why a callback was refused.
#[derive(Debug)]
pub enum Refused {
    /// No notification with this id (and reference) was sent by this authority.
    NotFound,
    /// The notification already has another final status.
    Conflict,
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::Store(e.into())
    }
}

/// The letter that replaces an e-mail to a family member about a conference, should Notify
/// say it can never be delivered.
pub struct LetterFallback<'a> {
    /// family-member:ADULT
    pub recipient: &'a str,
    /// invitation-letter or cancellation-letter
    pub kind: &'a str,
    /// en or cy
    pub language: &'a str,
}

/// Names, on an outbox row just written, the family and conference it is about and (to a
/// family member) its letter fallback, in the caller's transaction.
pub(crate) async fn set_about(
    tx: &mut crate::Tx,
    outbox_id: &str,
    family_id: &str,
    conference_id: &str,
    fallback: Option<&LetterFallback<'_>>,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET family_id = $2, conference_id = $3, letter_fallback = $4 WHERE id = $1")
        .bind(outbox_id)
        .bind(family_id)
        .bind(conference_id)
        .bind(fallback.map(|f| json!({"recipient": f.recipient, "kind": f.kind, "language": f.language}).to_string()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records one callback of `authority_id`: Notify's `notification_id`, the `reference` it
/// carries (when given it must be the one confer sent), the kind (`email`, `sms`, `letter`)
/// and the status (one of [`STATUSES`]; the caller has checked it).
pub async fn record(
    db: &Db,
    authority_id: &str,
    notification_id: &str,
    reference: Option<&str>,
    kind: &str,
    status: &str,
) -> std::result::Result<Recorded, Refused> {
    if !STATUSES.contains(&status) {
        return Err(Refused::NotFound);
    }
    let mut tx = db.begin().await?;
    let now = tx.now();
    let recorded = match kind {
        "email" | "sms" => {
            let row = sqlx::query(
                "SELECT id, channel, delivery_status, family_id, conference_id, letter_fallback FROM outbox \
                 WHERE provider_id = $1 AND provider = 'notify' AND authority_id = $2 AND channel = $3",
            )
            .bind(notification_id)
            .bind(authority_id)
            .bind(kind)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Refused::NotFound)?;
            let id = text(&row, "id")?;
            if reference.is_some_and(|r| r != id) {
                return Err(Refused::NotFound);
            }
            match opt_text(&row, "delivery_status")?.as_deref() {
                Some(s) if s == status => return Ok(Recorded::Replay),
                Some(_) => return Err(Refused::Conflict),
                None => {}
            }
            let changed = sqlx::query(
                "UPDATE outbox SET delivery_status = $2, delivery_status_at = $3 WHERE id = $1 AND delivery_status IS NULL",
            )
            .bind(&id)
            .bind(status)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(Refused::Conflict);
            }
            // A permanent failure of an e-mail with a letter to fall back to: the letter.
            let mut letter = None;
            if kind == "email" && status == "permanent-failure" {
                if let (Some(family), Some(conference), Some(fallback)) =
                    (opt_text(&row, "family_id")?, opt_text(&row, "conference_id")?, opt_text(&row, "letter_fallback")?)
                {
                    let f: serde_json::Value = serde_json::from_str(&fallback)
                        .map_err(|_| StoreError::Corrupt("outbox.letter_fallback".into()))?;
                    let request = crate::documents_sent::request_letter(
                        &mut tx,
                        authority_id,
                        &family,
                        &conference,
                        f["recipient"].as_str().unwrap_or_default(),
                        f["kind"].as_str().unwrap_or("invitation-letter"),
                        f["language"].as_str().unwrap_or("en"),
                        &now,
                    )
                    .await?;
                    letter = Some(request);
                }
            }
            audit::record(
                &mut tx,
                Entry {
                    authority_id,
                    actor: CALLBACK_ACTOR,
                    kind: EventKind::Change,
                    action: "outbox.delivery-status",
                    entity_type: "outbox",
                    entity_id: &id,
                    before: json!({"delivery_status": null}),
                    after: json!({"delivery_status": status, "channel": kind, "letter_instead": letter}),
                },
            )
            .await?;
            Recorded::Changed { letter: letter.is_some() }
        }
        "letter" => {
            let row = sqlx::query(
                "SELECT id, family_id, delivery_status FROM document_sent \
                 WHERE provider_id = $1 AND authority_id = $2 AND print_state = 'notify'",
            )
            .bind(notification_id)
            .bind(authority_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Refused::NotFound)?;
            let id = text(&row, "id")?;
            if reference.is_some_and(|r| r != id) {
                return Err(Refused::NotFound);
            }
            match opt_text(&row, "delivery_status")?.as_deref() {
                Some(s) if s == status => return Ok(Recorded::Replay),
                Some(_) => return Err(Refused::Conflict),
                None => {}
            }
            // Notify could not print it: back on the print list, to be printed by hand.
            let back = matches!(status, "technical-failure" | "validation-failed");
            let changed = sqlx::query(
                "UPDATE document_sent SET delivery_status = $2, delivery_status_at = $3, \
                 print_state = CASE WHEN $4 = 1 THEN 'waiting' ELSE print_state END, \
                 notify_error = CASE WHEN $4 = 1 THEN CAST($5 AS TEXT) ELSE notify_error END \
                 WHERE id = $1 AND delivery_status IS NULL",
            )
            .bind(&id)
            .bind(status)
            .bind(&now)
            .bind(i64::from(back))
            .bind(format!("notify: {status}"))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(Refused::Conflict);
            }
            let family = text(&row, "family_id")?;
            audit::record(
                &mut tx,
                Entry {
                    authority_id,
                    actor: CALLBACK_ACTOR,
                    kind: EventKind::Change,
                    action: "document.delivery-status",
                    entity_type: "family",
                    entity_id: &family,
                    before: json!({"document_sent_id": id, "delivery_status": null}),
                    after: json!({"document_sent_id": id, "delivery_status": status, "back_on_print_list": back}),
                },
            )
            .await?;
            Recorded::Changed { letter: back }
        }
        _ => return Err(Refused::NotFound),
    };
    tx.commit().await?;
    Ok(recorded)
}

/// One e-mail about a conference that Notify could not deliver, as the conference page
/// shows it to staff: to whom (the conference's name for them), what Notify said, when, and
/// whether a letter replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub outbox_id: String,
    /// family-member:ADULT, when a letter replaced it
    pub recipient: Option<String>,
    pub status: String,
    pub at: String,
    pub subject: String,
}

/// The messages about a conference that Notify says were not delivered (permanent or
/// technical failures), newest first.
pub async fn undelivered_for_conference(db: &Db, conference_id: &str) -> Result<Vec<Undelivered>> {
    let rows = sqlx::query(
        "SELECT id, letter_fallback, delivery_status, delivery_status_at, subject FROM outbox \
         WHERE conference_id = $1 AND delivery_status IN ('permanent-failure', 'technical-failure', 'temporary-failure') \
         ORDER BY delivery_status_at DESC, id",
    )
    .bind(conference_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let fallback = opt_text(r, "letter_fallback")?
                .and_then(|f| serde_json::from_str::<serde_json::Value>(&f).ok())
                .and_then(|f| f["recipient"].as_str().map(str::to_owned));
            Ok(Undelivered {
                outbox_id: text(r, "id")?,
                recipient: fallback,
                status: text(r, "delivery_status")?,
                at: opt_text(r, "delivery_status_at")?.unwrap_or_default(),
                subject: text(r, "subject")?,
            })
        })
        .collect()
}

/// The delivery status Notify reported for an outbox row.
pub async fn outbox_status(db: &Db, outbox_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query("SELECT delivery_status FROM outbox WHERE id = $1")
        .bind(outbox_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| opt_text(&r, "delivery_status"))
        .transpose()?
        .flatten())
}

// ---------------------------------------------------------------------------------------
// Letters through Notify.

/// A letter claimed to send through Notify.
pub struct LetterToSend {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for LetterToSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LetterToSend").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Claims up to `limit` letters waiting on the print list of an authority that sends its
/// letters through Notify, holding each until `lease_until`: a letter Notify refused before
/// (`notify_error`) stays on the print list for a person; a claim whose worker stopped is
/// taken again when its lease has run out. Each claim is a guarded UPDATE, so two workers
/// never hold one letter, and a letter marked printed meanwhile is not sent.
pub async fn claim_letters(
    db: &Db,
    authority_id: &str,
    now: &str,
    lease_until: &str,
    limit: i64,
) -> Result<Vec<LetterToSend>> {
    let ids: Vec<String> = sqlx::query(
        "SELECT id FROM document_sent WHERE authority_id = $1 AND channel = 'post' AND notify_error IS NULL \
         AND (print_state = 'waiting' OR (print_state = 'notify-sending' AND notify_lease_until < $2)) \
         ORDER BY sent_at, id LIMIT $3",
    )
    .bind(authority_id)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| text(r, "id"))
    .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        let row = sqlx::query(
            "UPDATE document_sent SET print_state = 'notify-sending', notify_lease_until = $3 \
             WHERE id = $1 AND notify_error IS NULL \
             AND (print_state = 'waiting' OR (print_state = 'notify-sending' AND notify_lease_until < $2)) \
             RETURNING authority_id, family_id, content",
        )
        .bind(&id)
        .bind(now)
        .bind(lease_until)
        .fetch_optional(db.pool())
        .await?;
        if let Some(r) = row {
            use sqlx::Row;
            out.push(LetterToSend {
                id,
                authority_id: text(&r, "authority_id")?,
                family_id: text(&r, "family_id")?,
                bytes: r.try_get::<Option<Vec<u8>>, _>("content")?.unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// Notify took the letter: its id kept, audited (`document.sent-through-notify`).
pub async fn letter_sent(db: &Db, letter: &LetterToSend, notification_id: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE document_sent SET print_state = 'notify', provider_id = $2, notify_lease_until = NULL \
         WHERE id = $1 AND print_state = 'notify-sending'",
    )
    .bind(&letter.id)
    .bind(notification_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 1 {
        audit::record(
            &mut tx,
            Entry {
                authority_id: &letter.authority_id,
                actor: crate::outbox::DELIVERY_ACTOR,
                kind: EventKind::Change,
                action: "document.sent-through-notify",
                entity_type: "family",
                entity_id: &letter.family_id,
                before: json!({"document_sent_id": letter.id, "print_state": "waiting"}),
                after: json!({"document_sent_id": letter.id, "print_state": "notify"}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Notify did not take the letter. `give_up` (Notify refused the letter itself): it stays on
/// the print list with the reason, for a person to print; otherwise it is tried again at the
/// next pass.
pub async fn letter_not_sent(db: &Db, letter: &LetterToSend, error: &str, give_up: bool) -> Result<()> {
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE document_sent SET print_state = 'waiting', notify_lease_until = NULL, \
         notify_error = CASE WHEN $3 = 1 THEN CAST($2 AS TEXT) ELSE NULL END WHERE id = $1 AND print_state = 'notify-sending'",
    )
    .bind(&letter.id)
    .bind(error)
    .bind(i64::from(give_up))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 1 && give_up {
        audit::record(
            &mut tx,
            Entry {
                authority_id: &letter.authority_id,
                actor: crate::outbox::DELIVERY_ACTOR,
                kind: EventKind::Change,
                action: "document.notify-refused",
                entity_type: "family",
                entity_id: &letter.family_id,
                before: json!({"document_sent_id": letter.id, "print_state": "notify-sending"}),
                after: json!({"document_sent_id": letter.id, "print_state": "waiting", "error": error}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A logged letter's state, Notify's id and delivery status, and Notify's refusal (tests, and
/// `confer outbox`).
pub async fn letter_state(
    db: &Db,
    document_sent_id: &str,
) -> Result<Option<(Option<String>, Option<String>, Option<String>, Option<String>)>> {
    let row =
        sqlx::query("SELECT print_state, provider_id, delivery_status, notify_error FROM document_sent WHERE id = $1")
            .bind(document_sent_id)
            .fetch_optional(db.pool())
            .await?;
    row.map(|r| {
        Ok((
            opt_text(&r, "print_state")?,
            opt_text(&r, "provider_id")?,
            opt_text(&r, "delivery_status")?,
            opt_text(&r, "notify_error")?,
        ))
    })
    .transpose()
}
