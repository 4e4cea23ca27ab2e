//! Versioned saves: the one error a versioned save answers with, and the steps every
//! versioned record shares (read the row at the version the person last saw, refuse a stale
//! version as a conflict, report a lost update as a conflict, never a lost change).
//!
//! Each record's store module keeps what is its own (its columns, its audit event); what is
//! the same for all of them is here, so each answers a stale version, a missing record and a
//! refusal of the domain the same way, and the operations layer maps [`SaveError`] once.

use crate::audit::{self, Entry};
use crate::{int, text, Db, Result, StoreError, Tx};
use confer_domain::audit::EventKind;
use confer_domain::{AuthorityId, UserId};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;

/// Why a versioned save did not happen. `E` is the domain's refusal for the record (the
/// conference's, the plan's, the appeal's …).
#[derive(Debug)]
pub enum SaveError<E> {
    /// No such record (or not in this authority).
    NotFound,
    /// Someone else saved the record after the person last saw it: nothing was saved over
    /// their change.
    Conflict { current_version: i64 },
    /// The domain refused the change; its reason is for the person.
    Refused(E),
    /// The database failed.
    Store(StoreError),
}

impl<E: std::fmt::Display> std::fmt::Display for SaveError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::NotFound => f.write_str("not found"),
            SaveError::Conflict { current_version } => {
                write!(f, "someone else changed this since you last saw it (it is now at version {current_version})")
            }
            SaveError::Refused(r) => r.fmt(f),
            SaveError::Store(s) => s.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SaveError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Refused(r) => r.source(),
            SaveError::Store(s) => s.source(),
            _ => None,
        }
    }
}

/// A domain error that refuses a versioned change: `?` turns it into [`SaveError::Refused`].
pub trait Refusal: std::error::Error {}

impl Refusal for confer_domain::conference::ConferenceError {}
impl Refusal for confer_domain::plan::PlanError {}
impl Refusal for confer_domain::appeal::AppealError {}
impl Refusal for confer_domain::complaint::ComplaintError {}
impl Refusal for confer_domain::quality::QualityError {}
impl Refusal for confer_domain::retention::RetentionError {}
impl Refusal for confer_domain::subject_access::SarError {}

impl<E: Refusal> From<E> for SaveError<E> {
    fn from(e: E) -> Self {
        SaveError::Refused(e)
    }
}

impl<E> From<StoreError> for SaveError<E> {
    fn from(e: StoreError) -> Self {
        SaveError::Store(e)
    }
}

impl<E> From<sqlx::Error> for SaveError<E> {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Store(e.into())
    }
}

impl<E> SaveError<E> {
    /// The same failure of a save refused for another reason type (for a save that is made of
    /// another record's save).
    pub fn map_refused<F>(self, f: impl FnOnce(E) -> F) -> SaveError<F> {
        match self {
            SaveError::NotFound => SaveError::NotFound,
            SaveError::Conflict { current_version } => SaveError::Conflict { current_version },
            SaveError::Refused(e) => SaveError::Refused(f(e)),
            SaveError::Store(s) => SaveError::Store(s),
        }
    }
}

/// Why the shared steps stopped a save before the domain was asked (`?` makes it the
/// [`SaveError`] of any record).
#[derive(Debug)]
pub enum Stale {
    NotFound,
    Conflict { current_version: i64 },
    Store(StoreError),
}

impl From<StoreError> for Stale {
    fn from(e: StoreError) -> Self {
        Stale::Store(e)
    }
}

impl From<sqlx::Error> for Stale {
    fn from(e: sqlx::Error) -> Self {
        Stale::Store(e.into())
    }
}

impl<E> From<Stale> for SaveError<E> {
    fn from(s: Stale) -> Self {
        match s {
            Stale::NotFound => SaveError::NotFound,
            Stale::Conflict { current_version } => SaveError::Conflict { current_version },
            Stale::Store(e) => SaveError::Store(e),
        }
    }
}

/// Reads, in the save's transaction, the one row `sql` selects with `binds` (it must select a
/// `version` column) and checks that it is still at `expected`: none is not found, another
/// version is a conflict.
pub(crate) async fn read_at(tx: &mut Tx, sql: &str, binds: &[&str], expected: i64) -> Result<AnyRow, Stale> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let Some(row) = q.fetch_optional(&mut **tx).await? else { return Err(Stale::NotFound) };
    check(int(&row, "version")?, expected)?;
    Ok(row)
}

/// A stale version is a conflict.
pub(crate) fn check(found: i64, expected: i64) -> Result<(), Stale> {
    if found == expected {
        Ok(())
    } else {
        Err(Stale::Conflict { current_version: found })
    }
}

/// After an update guarded by `version = expected` (the write itself is the check: of two
/// transactions that read the same version, the second finds no row to update): the
/// transaction when it changed the row; else someone else saved first, and the conflict names
/// the version now in `table` (read once the failed transaction is given up).
pub(crate) async fn written(
    db: &Db,
    tx: Tx,
    rows: u64,
    table: &'static str,
    id: &str,
    expected: i64,
) -> Result<Tx, Stale> {
    if rows == 1 {
        return Ok(tx);
    }
    drop(tx);
    let current = sqlx::query(&format!("SELECT version FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .ok()
        .flatten()
        .and_then(|r| int(&r, "version").ok())
        .unwrap_or(expected);
    Err(Stale::Conflict { current_version: current })
}

/// A document the authority keeps one of (its retention schedule, its quality checklist):
/// one row per authority in `table`, the document in `column`, with `version`, `changed_by`
/// and `changed_at`; no row is the default document at version 0.
pub(crate) struct AuthorityDoc {
    pub table: &'static str,
    pub column: &'static str,
    /// The audit action of a change.
    pub action: &'static str,
}

impl AuthorityDoc {
    /// The authority's document and its version (the default at version 0 when none was saved).
    pub(crate) async fn read<D: DeserializeOwned + Default>(
        &self,
        db: &Db,
        authority: &AuthorityId,
    ) -> Result<(D, i64)> {
        let row = sqlx::query(&format!("SELECT {}, version FROM {} WHERE authority_id = $1", self.column, self.table))
            .bind(authority.as_str())
            .fetch_optional(db.pool())
            .await?;
        match row {
            None => Ok((D::default(), 0)),
            Some(r) => {
                let doc = serde_json::from_str(&text(&r, self.column)?)
                    .map_err(|e| StoreError::Corrupt(format!("{}: {e}", self.table)))?;
                Ok((doc, int(&r, "version")?))
            }
        }
    }

    /// Saves `new` (already checked by the domain) at the version the person last saw, with its
    /// audit event, in one transaction; returns the new version.
    pub(crate) async fn save<D: Serialize + Default, E>(
        &self,
        db: &Db,
        authority: &AuthorityId,
        actor: &UserId,
        new: &D,
        expected: i64,
    ) -> Result<i64, SaveError<E>> {
        let mut tx = db.begin().await?;
        let row = sqlx::query(&format!("SELECT {}, version FROM {} WHERE authority_id = $1", self.column, self.table))
            .bind(authority.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let (before, version) = match &row {
            Some(r) => (serde_json::from_str::<Value>(&text(r, self.column)?).unwrap_or_default(), int(r, "version")?),
            None => (serde_json::to_value(D::default()).unwrap_or_default(), 0),
        };
        check(version, expected)?;
        let doc = serde_json::to_string(new).map_err(|e| StoreError::Corrupt(format!("{}: {e}", self.table)))?;
        let sql = if row.is_some() {
            format!(
                "UPDATE {} SET {} = $2, version = version + 1, changed_by = $3, changed_at = $4 WHERE authority_id = $1",
                self.table, self.column
            )
        } else {
            format!(
                "INSERT INTO {} (authority_id, {}, version, changed_by, changed_at) VALUES ($1, $2, 1, $3, $4)",
                self.table, self.column
            )
        };
        let now = tx.now();
        sqlx::query(&sql).bind(authority.as_str()).bind(&doc).bind(actor.as_str()).bind(&now).execute(&mut *tx).await?;
        audit::record(
            &mut tx,
            Entry {
                authority_id: authority.as_str(),
                actor: actor.as_str(),
                kind: EventKind::Change,
                action: self.action,
                entity_type: "authority",
                entity_id: authority.as_str(),
                before,
                after: serde_json::to_value(new).unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version + 1)
    }
}
