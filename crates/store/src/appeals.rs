//! Northern Ireland (issue 15): appeals against a conference's decision, stored whole as the
//! domain's document with a version, so two people recording a stage at once never overwrite
//! each other (the second is told), each change in one transaction with its audit event
//! against the family.

use crate::audit::{self, Entry};
use crate::versioned::{self, SaveError};
use crate::{int, text, Db, Result, StoreError};
use confer_domain::appeal::{Appeal, AppealError};
use confer_domain::audit::EventKind;
use serde_json::{json, Value};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("appeal: {e}"))
}

/// One stored appeal.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub conference_id: String,
    pub appeal: Appeal,
    pub version: i64,
}

const COLUMNS: &str = "id, authority_id, family_id, conference_id, doc, version";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Stored> {
    Ok(Stored {
        id: text(r, "id")?,
        authority_id: text(r, "authority_id")?,
        family_id: text(r, "family_id")?,
        conference_id: text(r, "conference_id")?,
        appeal: serde_json::from_str(&text(r, "doc")?).map_err(corrupt)?,
        version: int(r, "version")?,
    })
}

/// Stores a new appeal (version 1) with its audit event; returns its id. A second appeal
/// against the same conference is refused (the unique index decides, so two at once cannot
/// both be stored).
pub async fn create(
    db: &Db,
    authority_id: &str,
    family_id: &str,
    a: &Appeal,
    actor: &str,
) -> std::result::Result<String, SaveError<AppealError>> {
    let id = crate::new_id();
    let doc = serde_json::to_string(a).map_err(corrupt)?;
    let mut tx = db.begin().await?;
    let now = tx.now();
    let existing = sqlx::query("SELECT id FROM conference_appeal WHERE conference_id = $1")
        .bind(&a.conference_id)
        .fetch_optional(&mut *tx)
        .await?;
    if existing.is_some() {
        return Err(SaveError::Refused(AppealError::AlreadyLodged));
    }
    let inserted = sqlx::query(
        "INSERT INTO conference_appeal (id, authority_id, family_id, conference_id, doc, status, concluded, version, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $7, $7)",
    )
    .bind(&id)
    .bind(authority_id)
    .bind(family_id)
    .bind(&a.conference_id)
    .bind(&doc)
    .bind(a.status())
    .bind(&now)
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
            return Err(SaveError::Refused(AppealError::AlreadyLodged));
        }
        return Err(e.into());
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "appeal.lodge",
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after: json!({"appeal_id": id, "appeal": a}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn load(db: &Db, id: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM conference_appeal WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The appeal against one conference's decision, if one was lodged.
pub async fn of_conference(db: &Db, conference_id: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM conference_appeal WHERE conference_id = $1"))
        .bind(conference_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A family's appeals, newest first.
pub async fn of_family(db: &Db, family_id: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM conference_appeal WHERE family_id = $1 ORDER BY created_at DESC, id"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Applies one domain step to an appeal still at `expected_version`, with its audit event
/// (`action`), in one transaction. Returns the new version.
pub async fn save(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    step: impl FnOnce(&mut Appeal) -> std::result::Result<(), AppealError>,
) -> std::result::Result<i64, SaveError<AppealError>> {
    let mut tx = db.begin().await?;
    let row = versioned::read_at(
        &mut tx,
        "SELECT authority_id, family_id, doc, version FROM conference_appeal WHERE id = $1",
        &[id],
        expected_version,
    )
    .await?;
    let authority_id = text(&row, "authority_id")?;
    let family_id = text(&row, "family_id")?;
    let mut a: Appeal = serde_json::from_str(&text(&row, "doc")?).map_err(corrupt)?;
    let before = serde_json::to_value(&a).map_err(corrupt)?;
    step(&mut a)?;
    let after = serde_json::to_value(&a).map_err(corrupt)?;
    let updated = sqlx::query(
        "UPDATE conference_appeal SET doc = $3, status = $4, concluded = $5, version = version + 1, updated_at = $6 \
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(expected_version)
    .bind(after.to_string())
    .bind(a.status())
    .bind(i64::from(a.concluded.is_some()))
    .bind(tx.now())
    .execute(&mut *tx)
    .await?;
    let mut tx = versioned::written(db, tx, updated.rows_affected(), "conference_appeal", id, expected_version).await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority_id,
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "family",
            entity_id: &family_id,
            before: json!({"appeal_id": id, "appeal": before}),
            after: json!({"appeal_id": id, "appeal": after}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(expected_version + 1)
}
