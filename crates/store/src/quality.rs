//! Quality assurance audits in the database (QA-03): the checklist, samples and audits, each
//! change saved with its audit event in one transaction at the version the person last saw.

use crate::audit::{self, Entry};
use crate::versioned::{self, AuthorityDoc, SaveError};
use crate::{int, opt_text, text, Db, Result, StoreError};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::quality::{Checklist, ConferenceAudit, QualityError, SampleSize};
use confer_domain::{AuthorityId, UserId};
use serde_json::{json, Value};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The authority's checklist: one an authority, versioned.
const CHECKLIST: AuthorityDoc =
    AuthorityDoc { table: "qa_checklist", column: "questions", action: "quality.checklist.change" };

/// The authority's checklist and its version (the default at version 0 when none was saved).
pub async fn checklist(db: &Db, authority: &AuthorityId) -> Result<(Checklist, i64)> {
    CHECKLIST.read(db, authority).await
}

/// Saves the checklist at the version last seen; returns the new version.
pub async fn save_checklist(
    db: &Db,
    authority: &AuthorityId,
    actor: &UserId,
    new: &Checklist,
    expected: i64,
) -> Result<i64, SaveError<QualityError>> {
    CHECKLIST.save(db, authority, actor, new, expected).await
}

/// The closed conferences of the authority held in the period (of one kind, or all).
pub async fn candidates(
    db: &Db,
    authority: &AuthorityId,
    kind: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id FROM conference WHERE authority_id = $1 AND state = 'closed' AND date >= $2 AND date <= $3 \
         AND ($4 = '' OR kind = $4) ORDER BY id",
    )
    .bind(authority.as_str())
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(kind.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| text(r, "id")).collect()
}

/// A sample to store: how it was drawn, and the conferences it chose.
pub struct NewSample<'a> {
    pub kind: Option<&'a str>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub size: SampleSize,
    pub seed: u64,
    pub candidates: usize,
    pub chosen: &'a [String],
    pub checklist: &'a Checklist,
}

/// Stores a sample and an open audit for each conference it chose, in one transaction with
/// the audit event that records how it was drawn (so it can be drawn again and checked).
pub async fn create_sample(db: &Db, authority: &AuthorityId, actor: &UserId, s: &NewSample<'_>) -> Result<String> {
    let id = crate::new_id();
    let mut tx = db.begin().await?;
    let now = tx.now();
    // Seeds are stored as signed 64-bit integers (both databases' BIGINT) and read back the same.
    let seed = s.seed as i64;
    let size = serde_json::to_string(&s.size).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO qa_sample (id, authority_id, kind, period_from, period_to, size, seed, candidates, drawn_by, drawn_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(authority.as_str())
    .bind(s.kind.unwrap_or(""))
    .bind(s.from.to_string())
    .bind(s.to.to_string())
    .bind(&size)
    .bind(seed)
    .bind(s.candidates as i64)
    .bind(actor.as_str())
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    for conference in s.chosen {
        let audit = ConferenceAudit::begin(conference, actor, s.checklist);
        sqlx::query(
            "INSERT INTO qa_audit (id, authority_id, sample_id, conference_id, doc, state, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', 1, $6, $6)",
        )
        .bind(crate::new_id())
        .bind(authority.as_str())
        .bind(&id)
        .bind(conference)
        .bind(serde_json::to_string(&audit).map_err(corrupt)?)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Change,
            action: "quality.sample.draw",
            entity_type: "qa-sample",
            entity_id: &id,
            before: Value::Null,
            after: json!({
                "kind": s.kind, "from": s.from, "to": s.to, "size": s.size, "seed": seed,
                "candidates": s.candidates, "chosen": s.chosen,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One audit in a list.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: String,
    pub conference_id: String,
    /// The conference's family (empty once the family was disposed of).
    pub family_id: String,
    pub family_name: String,
    pub conference_date: Option<String>,
    pub state: String,
    pub grade: Option<String>,
    pub open_action_due: Option<String>,
}

/// The authority's audits: open first, then the most recent.
pub async fn audits(db: &Db, authority: &AuthorityId, limit: i64) -> Result<Vec<AuditRow>> {
    let rows = sqlx::query(
        "SELECT q.id, q.conference_id, q.state, q.grade, q.open_action_due, c.date, c.family_id, f.name FROM qa_audit q \
         LEFT JOIN conference c ON c.id = q.conference_id LEFT JOIN family f ON f.id = c.family_id \
         WHERE q.authority_id = $1 ORDER BY q.state DESC, q.created_at DESC, q.id LIMIT $2",
    )
    .bind(authority.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                id: text(r, "id")?,
                conference_id: text(r, "conference_id")?,
                family_id: opt_text(r, "family_id")?.unwrap_or_default(),
                family_name: opt_text(r, "name")?.unwrap_or_default(),
                conference_date: opt_text(r, "date")?,
                state: text(r, "state")?,
                grade: opt_text(r, "grade")?,
                open_action_due: opt_text(r, "open_action_due")?,
            })
        })
        .collect()
}

/// An audit as stored.
pub struct StoredAudit {
    pub authority_id: AuthorityId,
    pub audit: ConferenceAudit,
    pub version: i64,
}

/// Loads an audit.
pub async fn load(db: &Db, id: &str) -> Result<Option<StoredAudit>> {
    let row = sqlx::query("SELECT authority_id, doc, version FROM qa_audit WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(StoredAudit {
            authority_id: AuthorityId(text(&r, "authority_id")?),
            audit: serde_json::from_str(&text(&r, "doc")?).map_err(corrupt)?,
            version: int(&r, "version")?,
        })
    })
    .transpose()
}

/// Changes an audit by the domain's rule `change`, at the version last seen, with its audit
/// event (before and after) in the same transaction. Returns the new version.
pub async fn save<T>(
    db: &Db,
    authority: &AuthorityId,
    id: &str,
    actor: &UserId,
    expected: i64,
    action: &str,
    change: impl FnOnce(&mut ConferenceAudit) -> Result<T, QualityError>,
) -> Result<(T, i64), SaveError<QualityError>> {
    let mut tx = db.begin().await?;
    let row = versioned::read_at(
        &mut tx,
        "SELECT doc, version FROM qa_audit WHERE id = $1 AND authority_id = $2",
        &[id, authority.as_str()],
        expected,
    )
    .await?;
    let mut audit: ConferenceAudit = serde_json::from_str(&text(&row, "doc")?).map_err(corrupt)?;
    let before = serde_json::to_value(&audit).unwrap_or_default();
    let out = change(&mut audit)?;
    let after = serde_json::to_value(&audit).unwrap_or_default();
    let open_due = audit.actions.iter().filter(|a| a.done_on.is_none()).map(|a| a.due).min();
    let now = tx.now();
    // The version in the WHERE clause makes the write itself the check (as conferences do).
    let updated = sqlx::query(
        "UPDATE qa_audit SET doc = $2, state = $3, grade = $4, open_action_due = $5, version = version + 1, updated_at = $6 \
         WHERE id = $1 AND version = $7",
    )
    .bind(id)
    .bind(serde_json::to_string(&audit).map_err(corrupt)?)
    .bind(if audit.completed_on.is_some() { "completed" } else { "open" })
    .bind(audit.grade.map(|g| g.as_str()))
    .bind(open_due.map(|d| d.to_string()))
    .bind(&now)
    .bind(expected)
    .execute(&mut *tx)
    .await?;
    let mut tx = versioned::written(db, tx, updated.rows_affected(), "qa_audit", id, expected).await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Change,
            action,
            entity_type: "qa-audit",
            entity_id: id,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((out, expected + 1))
}

/// A fresh seed for a sample.
pub fn new_seed() -> u64 {
    use rand::Rng;
    rand::thread_rng().gen::<u64>() >> 1
}
