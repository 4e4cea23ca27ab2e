//! Files uploaded to a conference (a report sent as a file, REP-*), kept in the database with
//! who uploaded them, when, their size, type and SHA-256. A file is written in the same
//! transaction as the conference change that names it (see `conferences::Change::document`),
//! with its own audit event; every download is a read in the audit trail.

use crate::audit::{self, Entry};
use crate::{int, text, Db, Result, StoreError, Tx};
use confer_domain::audit::EventKind;
use serde_json::{json, Value};
use sqlx::Row;

/// A file to store with a conference change.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// A stored file.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub conference_id: String,
    pub report_number: i64,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// Writes a file of a conference's report and its audit event, in the caller's transaction.
pub(crate) async fn insert(
    tx: &mut Tx,
    authority_id: &str,
    conference_id: &str,
    report_number: u32,
    d: &NewDocument<'_>,
    actor: &str,
) -> Result<()> {
    let size = i64::try_from(d.content.len()).map_err(|_| StoreError::InvalidInput("The file is too large.".into()))?;
    sqlx::query(
        "INSERT INTO document (id, authority_id, conference_id, report_number, file_name, media_type, size_bytes, sha256, \
         content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(d.id)
    .bind(authority_id)
    .bind(conference_id)
    .bind(i64::from(report_number))
    .bind(d.file_name)
    .bind(d.media_type)
    .bind(size)
    .bind(d.sha256)
    .bind(d.content.to_vec())
    .bind(actor)
    .bind(tx.now())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "document.upload",
            entity_type: "document",
            entity_id: d.id,
            before: Value::Null,
            after: json!({
                "conference_id": conference_id,
                "report_number": report_number,
                "file_name": d.file_name,
                "media_type": d.media_type,
                "size_bytes": size,
                "sha256": d.sha256,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Reads a conference's file for someone the caller has allowed to read it, and records the
/// read in the audit trail (against the family, as every read of a family's record is).
pub async fn read(
    db: &Db,
    authority_id: &str,
    family_id: &str,
    conference_id: &str,
    document_id: &str,
    reader: &str,
) -> Result<Document> {
    let row = sqlx::query(
        "SELECT id, conference_id, report_number, file_name, media_type, size_bytes, sha256, content, uploaded_by, \
         uploaded_at FROM document WHERE id = $1 AND conference_id = $2 AND authority_id = $3",
    )
    .bind(document_id)
    .bind(conference_id)
    .bind(authority_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let doc = Document {
        id: text(&row, "id")?,
        conference_id: text(&row, "conference_id")?,
        report_number: int(&row, "report_number")?,
        file_name: text(&row, "file_name")?,
        media_type: text(&row, "media_type")?,
        size_bytes: int(&row, "size_bytes")?,
        sha256: text(&row, "sha256")?,
        content: row.try_get::<Vec<u8>, _>("content")?,
        uploaded_by: text(&row, "uploaded_by")?,
        uploaded_at: text(&row, "uploaded_at")?,
    };
    audit::record_alone(
        db,
        Entry {
            authority_id,
            actor: reader,
            kind: EventKind::Read,
            action: "document.read",
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after: json!({ "conference_id": conference_id, "document_id": document_id, "report_number": doc.report_number }),
        },
    )
    .await?;
    Ok(doc)
}
