//! The documents log (REP-04, MIN-03; issue 14): every document confer makes and sends (a
//! download as sent, a copy a person takes from the portal, a letter on the print list) with
//! its version, language, format, print size and recipient, written with its audit event in
//! one transaction. The print list is the log's letters waiting to be printed.

use crate::audit::{self, Entry};
use crate::{int, new_id, opt_text, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// One document to log.
#[derive(Debug, Clone)]
pub struct NewSent<'a> {
    pub authority_id: &'a str,
    pub family_id: &'a str,
    pub conference_id: Option<&'a str>,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub version: i64,
    pub language: &'a str,
    pub format: &'a str,
    pub print_size: &'a str,
    /// download, portal or post.
    pub channel: &'a str,
    pub content: &'a [u8],
    pub sent_by: &'a str,
}

/// A logged document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub family_id: String,
    pub conference_id: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub version: i64,
    pub language: String,
    pub format: String,
    pub print_size: String,
    pub channel: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub sent_by: String,
    pub sent_at: String,
    pub print_state: Option<String>,
    pub printed_at: Option<String>,
}

const COLUMNS: &str = "id, family_id, conference_id, kind, recipient, version, language, format, print_size, channel, \
                       sha256, size_bytes, sent_by, sent_at, print_state, printed_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Sent> {
    Ok(Sent {
        id: text(row, "id")?,
        family_id: text(row, "family_id")?,
        conference_id: opt_text(row, "conference_id")?,
        kind: text(row, "kind")?,
        recipient: text(row, "recipient")?,
        version: int(row, "version")?,
        language: text(row, "language")?,
        format: text(row, "format")?,
        print_size: text(row, "print_size")?,
        channel: text(row, "channel")?,
        sha256: text(row, "sha256")?,
        size_bytes: int(row, "size_bytes")?,
        sent_by: text(row, "sent_by")?,
        sent_at: text(row, "sent_at")?,
        print_state: opt_text(row, "print_state")?,
        printed_at: opt_text(row, "printed_at")?,
    })
}

/// Logs a document and its audit event in one transaction. A letter for post is kept whole
/// and put on the print list.
pub async fn log(db: &Db, s: &NewSent<'_>) -> Result<Sent> {
    let mut tx = db.begin().await?;
    let sent = insert(&mut tx, &new_id(), s).await?;
    tx.commit().await?;
    Ok(sent)
}

/// [`log`] inside the caller's transaction (the change the document answers commits with it).
pub async fn log_in(tx: &mut crate::Tx, s: &NewSent<'_>) -> Result<Sent> {
    insert(tx, &new_id(), s).await
}

/// Logs a document with its audit event in the caller's transaction.
async fn insert(tx: &mut crate::Tx, id: &str, s: &NewSent<'_>) -> Result<Sent> {
    let id = id.to_owned();
    let sha256 = hex::encode(Sha256::digest(s.content));
    let size =
        i64::try_from(s.content.len()).map_err(|_| StoreError::InvalidInput("The document is too large.".into()))?;
    let post = s.channel == "post";
    let now = tx.now();

    sqlx::query(
        "INSERT INTO document_sent (id, authority_id, family_id, conference_id, kind, recipient, version, language, \
         format, print_size, channel, sha256, size_bytes, content, sent_by, sent_at, print_state, printed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL)",
    )
    .bind(&id)
    .bind(s.authority_id)
    .bind(s.family_id)
    .bind(s.conference_id)
    .bind(s.kind)
    .bind(s.recipient)
    .bind(s.version)
    .bind(s.language)
    .bind(s.format)
    .bind(s.print_size)
    .bind(s.channel)
    .bind(&sha256)
    .bind(size)
    .bind(post.then(|| s.content.to_vec()))
    .bind(s.sent_by)
    .bind(&now)
    .bind(post.then_some("waiting"))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            authority_id: s.authority_id,
            actor: s.sent_by,
            kind: EventKind::Change,
            action: "document.sent",
            entity_type: "family",
            entity_id: s.family_id,
            before: serde_json::Value::Null,
            after: json!({
                "document_sent_id": id,
                "conference_id": s.conference_id,
                "kind": s.kind,
                "recipient": s.recipient,
                "version": s.version,
                "language": s.language,
                "format": s.format,
                "print_size": s.print_size,
                "channel": s.channel,
                "sha256": sha256,
            }),
        },
    )
    .await?;
    Ok(Sent {
        id,
        family_id: s.family_id.to_owned(),
        conference_id: s.conference_id.map(str::to_owned),
        kind: s.kind.to_owned(),
        recipient: s.recipient.to_owned(),
        version: s.version,
        language: s.language.to_owned(),
        format: s.format.to_owned(),
        print_size: s.print_size.to_owned(),
        channel: s.channel.to_owned(),
        sha256,
        size_bytes: size,
        sent_by: s.sent_by.to_owned(),
        sent_at: now,
        print_state: post.then(|| "waiting".to_owned()),
        printed_at: None,
    })
}

/// The documents sent to one recipient of a family (`family-member:ID`, `child:ID`), oldest first.
pub async fn for_recipient(db: &Db, family_id: &str, recipient: &str) -> Result<Vec<Sent>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM document_sent WHERE family_id = $1 AND recipient = $2 ORDER BY sent_at, id"
    ))
    .bind(family_id)
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The documents sent to a family's people, newest first (at most `limit`).
pub async fn for_family(db: &Db, family_id: &str, limit: i64) -> Result<Vec<Sent>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM document_sent WHERE family_id = $1 ORDER BY sent_at DESC, id DESC LIMIT $2"
    ))
    .bind(family_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The documents sent for a conference, oldest first.
pub async fn for_conference(db: &Db, conference_id: &str) -> Result<Vec<Sent>> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM document_sent WHERE conference_id = $1 ORDER BY sent_at, id"))
            .bind(conference_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(from_row).collect()
}

/// Issue 14: the letters of an authority's print list already printed, newest first (at most
/// `limit`), without their content.
pub async fn printed(db: &Db, authority_id: &str, limit: i64) -> Result<Vec<Sent>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM document_sent WHERE print_state = 'printed' AND authority_id = $1 \
         ORDER BY printed_at DESC, id DESC LIMIT $2"
    ))
    .bind(authority_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Issue 14: one letter of an authority's print list (waiting or printed) with its content;
/// `None` when it is not one of this authority's letters by post.
pub async fn print_letter(db: &Db, authority_id: &str, id: &str) -> Result<Option<(Sent, Vec<u8>)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, content FROM document_sent WHERE id = $1 AND authority_id = $2 AND print_state IS NOT NULL"
    ))
    .bind(id)
    .bind(authority_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get::<Option<Vec<u8>>, _>("content")?.unwrap_or_default()))).transpose()
}

/// Issue 14: a letter of an authority that sends its letters through GOV.UK Notify is on the
/// print list only once Notify has refused it (or could not print it).
const NOT_FOR_NOTIFY: &str = "(notify_error IS NOT NULL OR authority_id NOT IN \
    (SELECT authority_id FROM authority_channel WHERE letter_via = 'notify'))";

/// The letters waiting on an authority's print list (all authorities when `None`), with their
/// content, oldest first.
pub async fn print_list(db: &Db, authority_id: Option<&str>) -> Result<Vec<(Sent, Vec<u8>)>> {
    let rows = match authority_id {
        Some(a) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS}, content FROM document_sent WHERE print_state = 'waiting' AND authority_id = $1 \
                 AND {NOT_FOR_NOTIFY} ORDER BY sent_at, id"
            ))
            .bind(a)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS}, content FROM document_sent WHERE print_state = 'waiting' AND {NOT_FOR_NOTIFY} \
                 ORDER BY sent_at, id"
            ))
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter().map(|r| Ok((from_row(r)?, r.try_get::<Option<Vec<u8>>, _>("content")?.unwrap_or_default()))).collect()
}

/// Marks a letter on the print list printed, with its audit event; false when it was not
/// waiting (already printed by someone else).
pub async fn mark_printed(db: &Db, id: &str, actor: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let now = tx.now();
    let row = sqlx::query(
        "UPDATE document_sent SET print_state = 'printed', printed_at = $1 WHERE id = $2 AND print_state = 'waiting' \
         RETURNING authority_id, family_id",
    )
    .bind(&now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    let authority_id = text(&row, "authority_id")?;
    let family_id = text(&row, "family_id")?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority_id,
            actor,
            kind: EventKind::Change,
            action: "document.printed",
            entity_type: "family",
            entity_id: &family_id,
            before: json!({ "document_sent_id": id, "print_state": "waiting" }),
            after: json!({ "document_sent_id": id, "print_state": "printed" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A letter still to be made for the print list (issue 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintRequest {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub conference_id: String,
    pub recipient: String,
    pub kind: String,
    pub language: String,
}

/// The letters still to be made, oldest first (an authority's, or all when `None`).
pub async fn print_requests(db: &Db, authority_id: Option<&str>) -> Result<Vec<PrintRequest>> {
    let sql = "SELECT id, authority_id, family_id, conference_id, recipient, kind, language FROM print_request \
               WHERE document_sent_id IS NULL AND withdrawn_at IS NULL AND ($1 = '' OR authority_id = $1) \
               ORDER BY created_at, id";
    let rows = sqlx::query(sql).bind(authority_id.unwrap_or("")).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(PrintRequest {
                id: text(r, "id")?,
                authority_id: text(r, "authority_id")?,
                family_id: text(r, "family_id")?,
                conference_id: text(r, "conference_id")?,
                recipient: text(r, "recipient")?,
                kind: text(r, "kind")?,
                language: text(r, "language")?,
            })
        })
        .collect()
}

/// Logs the letter made for a request (channel post: waiting on the print list) and links the
/// request to it, in one transaction with its audit event. None when another run made it first.
pub async fn made_for_request(db: &Db, request_id: &str, s: &NewSent<'_>) -> Result<Option<Sent>> {
    let mut tx = db.begin().await?;
    let id = new_id();
    let taken =
        sqlx::query("UPDATE print_request SET document_sent_id = $2 WHERE id = $1 AND document_sent_id IS NULL")
            .bind(request_id)
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if taken != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let sent = insert(&mut tx, &id, s).await?;
    tx.commit().await?;
    Ok(Some(sent))
}

/// [`log_in`] for a letter about one meeting (`core-group:PLAN:N`): the meeting is kept with
/// it, so a move or a cancellation finds it on the print list ([`withdraw_waiting`]).
pub async fn log_for_meeting_in(tx: &mut crate::Tx, s: &NewSent<'_>, meeting: &str) -> Result<Sent> {
    let sent = insert(tx, &new_id(), s).await?;
    sqlx::query("UPDATE document_sent SET meeting = $2 WHERE id = $1")
        .bind(&sent.id)
        .bind(meeting)
        .execute(&mut **tx)
        .await?;
    Ok(sent)
}

/// Which letters for a meeting and a person a move or a cancellation took off the print list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withdrawn {
    /// The letters withdrawn (document_sent ids) and the conference letters withdrawn before
    /// they were made (print_request ids).
    pub letters: Vec<String>,
    pub requests: Vec<String>,
    /// Whether a letter about the meeting was printed for them before: they have it, so a
    /// cancellation must reach them too.
    pub printed_before: bool,
}

/// What a withdrawal is about: a conference's letters, or one core group meeting's.
#[derive(Debug, Clone, Copy)]
pub enum LettersAbout<'a> {
    /// Invitation and cancellation letters of a conference (kept in `print_request` until
    /// made, then in `document_sent` with the conference's id).
    Conference(&'a str),
    /// The letters of one arranged meeting (`document_sent.meeting`).
    Meeting(&'a str),
}

/// Puts a letter on the authority's print list (issue 14), in the caller's transaction:
/// `recipient` as `family-member:<adult id>`, `kind` such as `invitation-letter`, `language`
/// `en` or `cy`. Answers the request's id.
#[allow(clippy::too_many_arguments)]
pub async fn request_letter(
    tx: &mut crate::Tx,
    authority_id: &str,
    family_id: &str,
    conference_id: &str,
    recipient: &str,
    kind: &str,
    language: &str,
    at: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO print_request (id, authority_id, family_id, conference_id, recipient, kind, language, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(authority_id)
    .bind(family_id)
    .bind(conference_id)
    .bind(recipient)
    .bind(kind)
    .bind(language)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Issue 14: a meeting moved or was cancelled, so the letters about it still waiting on the
/// print list for `recipient` are withdrawn, never printed: the letter made from a request
/// (`print_state` 'withdrawn') and a request not yet made (`withdrawn_at`). Audited in the
/// caller's transaction (ids only: no names, no addresses). Says whether an earlier letter
/// was printed (the person has it in hand).
pub async fn withdraw_waiting(
    tx: &mut crate::Tx,
    authority_id: &str,
    family_id: &str,
    about: LettersAbout<'_>,
    recipient: &str,
    actor: &str,
) -> Result<Withdrawn> {
    let now = tx.now();
    let mut out = Withdrawn::default();
    let (letters_where, key) = match about {
        LettersAbout::Conference(id) => (
            "conference_id = $1 AND recipient = $2 AND channel = 'post' \
             AND kind IN ('invitation-letter', 'cancellation-letter')",
            id,
        ),
        LettersAbout::Meeting(m) => ("meeting = $1 AND recipient = $2 AND channel = 'post'", m),
    };
    let rows = sqlx::query(&format!(
        "SELECT id, print_state FROM document_sent WHERE {letters_where} AND print_state IN ('waiting', 'printed')"
    ))
    .bind(key)
    .bind(recipient)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        let id = text(r, "id")?;
        if text(r, "print_state")? == "printed" {
            out.printed_before = true;
            continue;
        }
        let taken = sqlx::query(
            "UPDATE document_sent SET print_state = 'withdrawn', withdrawn_at = $2 WHERE id = $1 AND print_state = 'waiting'",
        )
        .bind(&id)
        .bind(&now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken == 1 {
            out.letters.push(id);
        }
    }
    if let LettersAbout::Conference(conference_id) = about {
        let rows = sqlx::query(
            "SELECT id FROM print_request WHERE conference_id = $1 AND recipient = $2 AND document_sent_id IS NULL \
             AND withdrawn_at IS NULL",
        )
        .bind(conference_id)
        .bind(recipient)
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let id = text(r, "id")?;
            sqlx::query("UPDATE print_request SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL")
                .bind(&id)
                .bind(&now)
                .execute(&mut **tx)
                .await?;
            out.requests.push(id);
        }
    }
    if out.letters.is_empty() && out.requests.is_empty() {
        return Ok(out);
    }
    let (conference, meeting) = match about {
        LettersAbout::Conference(c) => (Some(c), None),
        LettersAbout::Meeting(m) => (None, Some(m)),
    };
    audit::record(
        tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "document.withdrawn",
            entity_type: "family",
            entity_id: family_id,
            before: json!({ "letters": out.letters, "requests": out.requests, "print_state": "waiting" }),
            after: json!({ "conference_id": conference, "meeting": meeting, "recipient": recipient,
                "print_state": "withdrawn" }),
        },
    )
    .await?;
    Ok(out)
}

/// The letters logged for one meeting (`core-group:PLAN:N`), oldest first (for tests and the
/// plan's page).
pub async fn for_meeting(db: &Db, meeting: &str) -> Result<Vec<Sent>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM document_sent WHERE meeting = $1 ORDER BY sent_at, id"))
        .bind(meeting)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The conference letters withdrawn before they were made (print_request ids), for tests.
pub async fn withdrawn_requests(db: &Db, conference_id: &str) -> Result<Vec<String>> {
    let rows =
        sqlx::query("SELECT id FROM print_request WHERE conference_id = $1 AND withdrawn_at IS NOT NULL ORDER BY id")
            .bind(conference_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(|r| text(r, "id")).collect()
}
