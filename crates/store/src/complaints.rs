//! Complaints (RIGHT-02): stored whole as the domain's document with a version, so two
//! officers answering at once never overwrite each other (the second is told), each change in
//! one transaction with its audit event against the family.

use crate::audit::{self, Entry};
use crate::versioned::{self, SaveError};
use crate::{int, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use confer_domain::complaint::{Complaint, ComplaintError};
use serde_json::{json, Value};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("complaint: {e}"))
}

/// One stored complaint.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub family_name: String,
    pub complaint: Complaint,
    pub version: i64,
}

const COLUMNS: &str = "c.id, c.authority_id, c.family_id, COALESCE(f.name, '') AS family_name, c.doc, c.version";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Stored> {
    Ok(Stored {
        id: text(r, "id")?,
        authority_id: text(r, "authority_id")?,
        family_id: text(r, "family_id")?,
        family_name: text(r, "family_name")?,
        complaint: serde_json::from_str(&text(r, "doc")?).map_err(corrupt)?,
        version: int(r, "version")?,
    })
}

/// Stores a new complaint (version 1) with its audit event; returns its id.
pub async fn create(db: &Db, authority_id: &str, family_id: &str, c: &Complaint, actor: &str) -> Result<String> {
    let id = crate::new_id();
    let doc = serde_json::to_string(c).map_err(corrupt)?;
    let mut tx = db.begin().await?;
    let now = tx.now();
    sqlx::query(
        "INSERT INTO complaint (id, authority_id, family_id, conference_id, doc, status, stage, due_on, officer_id, \
         version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)",
    )
    .bind(&id)
    .bind(authority_id)
    .bind(family_id)
    .bind(c.conference_id.as_deref())
    .bind(&doc)
    .bind(c.status.as_str())
    .bind(i64::from(c.stage))
    .bind(c.due_on.to_string())
    .bind(c.officer.as_ref().map(|o| o.as_str()))
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "complaint.receive",
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after: json!({"complaint_id": id, "complaint": c}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn load(db: &Db, id: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM complaint c LEFT JOIN family f ON f.id = c.family_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Applies one domain step to a complaint still at `expected_version`, with its audit event
/// (`action`), in one transaction. Returns the new version.
pub async fn save(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    step: impl FnOnce(&mut Complaint) -> Result<(), ComplaintError>,
) -> std::result::Result<i64, SaveError<ComplaintError>> {
    let mut tx = db.begin().await?;
    let row = versioned::read_at(
        &mut tx,
        "SELECT authority_id, family_id, doc, version FROM complaint WHERE id = $1",
        &[id],
        expected_version,
    )
    .await?;
    let authority_id = text(&row, "authority_id")?;
    let family_id = text(&row, "family_id")?;
    let mut c: Complaint = serde_json::from_str(&text(&row, "doc")?).map_err(corrupt)?;
    let before = serde_json::to_value(&c).map_err(corrupt)?;
    step(&mut c)?;
    let after = serde_json::to_value(&c).map_err(corrupt)?;
    let updated = sqlx::query(
        "UPDATE complaint SET doc = $3, status = $4, stage = $5, due_on = $6, officer_id = $7, version = version + 1, \
         updated_at = $8 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(expected_version)
    .bind(after.to_string())
    .bind(c.status.as_str())
    .bind(i64::from(c.stage))
    .bind(c.due_on.to_string())
    .bind(c.officer.as_ref().map(|o| o.as_str()))
    .bind(tx.now())
    .execute(&mut *tx)
    .await?;
    let mut tx = versioned::written(db, tx, updated.rows_affected(), "complaint", id, expected_version).await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority_id,
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "family",
            entity_id: &family_id,
            before: json!({"complaint_id": id, "complaint": before}),
            after: json!({"complaint_id": id, "complaint": after}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(expected_version + 1)
}

/// The authority's complaints not closed, soonest due first (and the most recent closed ones
/// after them, up to `limit` in all).
pub async fn open_list(db: &Db, authority_id: &str, limit: i64) -> Result<Vec<Stored>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM complaint c LEFT JOIN family f ON f.id = c.family_id WHERE c.authority_id = $1 \
         ORDER BY CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, c.due_on, c.id LIMIT $2"
    ))
    .bind(authority_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// A family's complaints, newest first.
pub async fn of_family(db: &Db, family_id: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM complaint c LEFT JOIN family f ON f.id = c.family_id WHERE c.family_id = $1 \
         ORDER BY c.created_at DESC, c.id"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The complaints about one conference (for its record).
pub async fn of_conference(db: &Db, conference_id: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM complaint c LEFT JOIN family f ON f.id = c.family_id WHERE c.conference_id = $1 \
         ORDER BY c.created_at, c.id"
    ))
    .bind(conference_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    Open,
    Closed,
    All,
}

/// One page of the authority's complaints, filtered in SQL: open or closed (or all), at one
/// stage or any; the overdue first (an open stage past its deadline on `today`), then by due
/// date. `limit` and `offset` page it.
pub async fn page(
    db: &Db,
    authority_id: &str,
    showing: Showing,
    stage: Option<u8>,
    today: chrono::NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<Stored>> {
    let status = match showing {
        Showing::Open => " AND c.status <> 'closed'",
        Showing::Closed => " AND c.status = 'closed'",
        Showing::All => "",
    };
    let stage_clause = if stage.is_some() { " AND c.stage = $3" } else { " AND $3 = $3" };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM complaint c LEFT JOIN family f ON f.id = c.family_id WHERE c.authority_id = $1\
         {status}{stage_clause} ORDER BY CASE WHEN c.status IN ('received', 'acknowledged') AND c.due_on < $2 \
         THEN 0 ELSE 1 END, CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, c.due_on, c.id LIMIT $4 OFFSET $5"
    ))
    .bind(authority_id)
    .bind(today.to_string())
    .bind(i64::from(stage.unwrap_or(0)))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The name of the family member who complained (given and family name), if they are still
/// on the record.
pub async fn complainant_name(db: &Db, adult_id: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT given_name, family_name FROM adult WHERE id = $1")
        .bind(adult_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok(format!("{} {}", text(&r, "given_name")?, text(&r, "family_name")?))).transpose()
}

/// A complaint's stage or a subject access request waiting for its answer, as the "due and
/// overdue" list shows it.
#[derive(Debug, Clone)]
pub struct RightDue {
    /// "complaint" or "subject-access".
    pub what: String,
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub due: chrono::NaiveDate,
    /// A complaint's stage (0 for an access request).
    pub stage: i64,
    pub officer_id: Option<String>,
}

/// RIGHT-01, RIGHT-02: the authority's complaints (when `complaints`) and access requests
/// (when `requests`) not yet answered and due by `until` (or overdue), soonest first, at most
/// `limit`: one statement whatever their number.
pub async fn rights_due(
    db: &Db,
    authority_id: &str,
    complaints: bool,
    requests: bool,
    until: chrono::NaiveDate,
    limit: i64,
) -> Result<Vec<RightDue>> {
    let rows = sqlx::query(
        "SELECT 'complaint' AS what, c.id, c.family_id, COALESCE(f.name, '') AS family_name, c.due_on AS due, \
         c.stage, c.officer_id FROM complaint c LEFT JOIN family f ON f.id = c.family_id \
         WHERE $2 = 1 AND c.authority_id = $1 AND c.status IN ('received', 'acknowledged') AND c.due_on <= $4 \
         UNION ALL SELECT 'subject-access' AS what, s.id, s.family_id, COALESCE(f.name, '') AS family_name, s.due, \
         0 AS stage, NULL AS officer_id FROM subject_access_request s LEFT JOIN family f ON f.id = s.family_id \
         WHERE $3 = 1 AND s.authority_id = $1 AND s.state IN ('received', 'identity-verified', 'in-review') \
         AND s.due <= $4 ORDER BY 5, 2 LIMIT $5",
    )
    .bind(authority_id)
    .bind(i64::from(complaints))
    .bind(i64::from(requests))
    .bind(until.to_string())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let due = text(r, "due")?;
            Ok(RightDue {
                what: text(r, "what")?,
                id: text(r, "id")?,
                family_id: text(r, "family_id")?,
                family_name: text(r, "family_name")?,
                due: due.parse().map_err(|_| StoreError::Corrupt(format!("due date {due}")))?,
                stage: int(r, "stage")?,
                officer_id: crate::opt_text(r, "officer_id")?,
            })
        })
        .collect()
}
