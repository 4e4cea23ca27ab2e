//! The calendar's stored parts: bank holidays announced by government, each authority's
//! closure days, and its effective-dated policy versions.

use crate::audit::{self, Entry};
use crate::{date, int, opt_text, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use confer_domain::calendar::{BankHoliday, Calendar, Region};
use confer_domain::policy::{PolicyHistory, PolicyVersion};
use confer_domain::{Authority, AuthorityId};
use serde_json::json;

/// Stores announced holidays. Every year the file covers replaces what was stored for that
/// region and year (so a moved holiday is honoured). Recorded in every authority's audit chain,
/// since every authority's deadlines may move.
pub async fn import_announced(db: &Db, days: &[(Region, BankHoliday)], actor: &str) -> Result<usize> {
    use chrono::Datelike;
    let mut years: Vec<(Region, i32)> = days.iter().map(|(r, d)| (*r, d.date.year())).collect();
    years.sort();
    years.dedup();
    let mut tx = db.begin().await?;
    for (region, year) in &years {
        sqlx::query("DELETE FROM announced_holiday WHERE region = $1 AND date >= $2 AND date <= $3")
            .bind(region.as_str())
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .execute(&mut *tx)
            .await?;
    }
    let now = db.now();
    for (region, day) in days {
        sqlx::query("INSERT INTO announced_holiday (region, date, name, imported_at) VALUES ($1, $2, $3, $4)")
            .bind(region.as_str())
            .bind(day.date.to_string())
            .bind(&day.name)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    }
    let authorities = sqlx::query("SELECT id FROM authority").fetch_all(&mut *tx).await?;
    for a in &authorities {
        let id = text(a, "id")?;
        audit::record(
            &mut tx,
            Entry {
                authority_id: &id,
                actor,
                kind: EventKind::Change,
                action: "calendar.import",
                entity_type: "calendar",
                entity_id: "announced-holidays",
                before: serde_json::Value::Null,
                after: json!({"days": days.len(), "years": years.iter().map(|(r, y)| format!("{} {y}", r.as_str())).collect::<Vec<_>>()}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(days.len())
}

pub async fn announced(db: &Db, region: Region) -> Result<Vec<BankHoliday>> {
    let rows = sqlx::query("SELECT date, name FROM announced_holiday WHERE region = $1 ORDER BY date")
        .bind(region.as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let d = date(r, "date")?.ok_or_else(|| StoreError::Corrupt("announced holiday without a date".into()))?;
            Ok(BankHoliday::new(d, text(r, "name")?))
        })
        .collect()
}

/// The closure days in force for an authority.
pub async fn closures(db: &Db, authority: &AuthorityId) -> Result<Vec<(String, chrono::NaiveDate, String)>> {
    let rows = sqlx::query(
        "SELECT id, date, reason FROM closure_day WHERE authority_id = $1 AND removed_at IS NULL ORDER BY date",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                text(r, "id")?,
                date(r, "date")?.ok_or_else(|| StoreError::Corrupt("closure day without a date".into()))?,
                text(r, "reason")?,
            ))
        })
        .collect()
}

/// The working-day calendar of an authority: its nation's bank holidays, the announced
/// days, and its closure days.
pub async fn authority_calendar(db: &Db, authority: &Authority) -> Result<Calendar> {
    let region = Region::for_nation(authority.nation);
    let announced = announced(db, region).await?;
    let closures = closures(db, &authority.id).await?;
    Ok(Calendar::builder(region).announced(announced).closures(closures.into_iter().map(|(_, d, _)| d)).build())
}

/// What the authority's calendar and policy are built from, in one small query: counts and
/// latest change times of its announced days, closure days and policy versions. Anything that
/// adds, imports or removes one of them changes it (closure days and policy versions are never
/// deleted; an import stamps every day it writes), so a calendar built earlier may be reused
/// while this is unchanged, even when another process (the command line) made the change.
pub async fn rules_fingerprint(db: &Db, authority: &Authority) -> Result<String> {
    let region = Region::for_nation(authority.nation);
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM announced_holiday WHERE region = $1) AS a_n, \
         (SELECT MAX(imported_at) FROM announced_holiday WHERE region = $1) AS a_at, \
         (SELECT COUNT(*) FROM closure_day WHERE authority_id = $2) AS c_n, \
         (SELECT MAX(created_at) FROM closure_day WHERE authority_id = $2) AS c_at, \
         (SELECT MAX(removed_at) FROM closure_day WHERE authority_id = $2) AS c_rm, \
         (SELECT COUNT(*) FROM policy_version WHERE authority_id = $2) AS p_n, \
         (SELECT MAX(created_at) FROM policy_version WHERE authority_id = $2) AS p_at",
    )
    .bind(region.as_str())
    .bind(authority.id.as_str())
    .fetch_one(db.pool())
    .await?;
    Ok(format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        authority.nation.as_str(),
        int(&row, "a_n")?,
        opt_text(&row, "a_at")?.unwrap_or_default(),
        int(&row, "c_n")?,
        opt_text(&row, "c_at")?.unwrap_or_default(),
        opt_text(&row, "c_rm")?.unwrap_or_default(),
        int(&row, "p_n")?,
        opt_text(&row, "p_at")?.unwrap_or_default(),
    ))
}

pub async fn authority_calendar_by_code(db: &Db, code: &str) -> Result<Option<Calendar>> {
    match crate::users::authority_by_code(db, code).await? {
        Some(a) => Ok(Some(authority_calendar(db, &a).await?)),
        None => Ok(None),
    }
}

/// Adds a closure day (for example between Christmas and New Year).
pub async fn add_closure(
    db: &Db,
    authority: &AuthorityId,
    day: chrono::NaiveDate,
    reason: &str,
    actor: &str,
) -> Result<String> {
    let id = crate::new_id();
    let mut tx = db.begin().await?;
    let existing =
        sqlx::query("SELECT id FROM closure_day WHERE authority_id = $1 AND date = $2 AND removed_at IS NULL")
            .bind(authority.as_str())
            .bind(day.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if existing.is_some() {
        return Err(StoreError::Conflict(format!("{day} is already a closure day")));
    }
    sqlx::query("INSERT INTO closure_day (id, authority_id, date, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(authority.as_str())
        .bind(day.to_string())
        .bind(reason)
        .bind(actor)
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "closure-day.add",
            entity_type: "closure-day",
            entity_id: &id,
            before: serde_json::Value::Null,
            after: json!({"date": day.to_string(), "reason": reason}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a closure day: recorded as removed, never deleted.
pub async fn remove_closure(db: &Db, authority: &AuthorityId, id: &str, actor: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let res = sqlx::query("UPDATE closure_day SET removed_at = $3, removed_by = $4 WHERE id = $1 AND authority_id = $2 AND removed_at IS NULL")
        .bind(id)
        .bind(authority.as_str())
        .bind(db.now())
        .bind(actor)
        .execute(&mut *tx)
        .await?;
    if res.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "closure-day.remove",
            entity_type: "closure-day",
            entity_id: id,
            before: json!({"removed": false}),
            after: json!({"removed": true}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The authority's policy history: the nation's defaults plus every stored version.
pub async fn policy_history(db: &Db, authority: &Authority) -> Result<PolicyHistory> {
    let rows = sqlx::query(
        "SELECT policy_json FROM policy_version WHERE authority_id = $1 ORDER BY effective_from, created_at",
    )
    .bind(authority.id.as_str())
    .fetch_all(db.pool())
    .await?;
    // The nation's shipped defaults first, then every version the authority set.
    let mut history = PolicyHistory::new(authority.nation);
    for r in &rows {
        let v: PolicyVersion = serde_json::from_str(&text(r, "policy_json")?)
            .map_err(|e| StoreError::Corrupt(format!("policy version: {e}")))?;
        history.add_version(v).map_err(|e| StoreError::Corrupt(format!("policy history: {e}")))?;
    }
    Ok(history)
}

/// A stored policy version with who added it and when (for the policy page).
#[derive(Debug, Clone)]
pub struct StoredPolicyVersion {
    pub version: PolicyVersion,
    pub created_by: String,
    /// The display name of the person, when it was a user (not the command line or the demo).
    pub created_by_name: Option<String>,
    pub created_at: String,
}

/// The versions an authority added, oldest first (the nation's defaults are not stored).
pub async fn policy_versions(db: &Db, authority: &AuthorityId) -> Result<Vec<StoredPolicyVersion>> {
    let rows = sqlx::query(
        "SELECT p.policy_json, p.created_by, p.created_at, u.display_name FROM policy_version p \
         LEFT JOIN user_account u ON u.id = p.created_by WHERE p.authority_id = $1 ORDER BY p.effective_from, p.created_at",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let version: PolicyVersion = serde_json::from_str(&text(r, "policy_json")?)
                .map_err(|e| StoreError::Corrupt(format!("policy version: {e}")))?;
            Ok(StoredPolicyVersion {
                version,
                created_by: text(r, "created_by")?,
                created_by_name: crate::opt_text(r, "display_name")?,
                created_at: text(r, "created_at")?,
            })
        })
        .collect()
}

/// A closure day with its history: who added it, and who removed it (never deleted).
#[derive(Debug, Clone)]
pub struct ClosureDay {
    pub id: String,
    pub date: chrono::NaiveDate,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
    pub removed_by: Option<String>,
    pub removed_at: Option<String>,
}

/// Every closure day of an authority, removed ones included, by date.
pub async fn closure_history(db: &Db, authority: &AuthorityId) -> Result<Vec<ClosureDay>> {
    let rows = sqlx::query(
        "SELECT c.id, c.date, c.reason, c.created_at, c.removed_at, COALESCE(a.display_name, c.created_by) AS created_by, \
         COALESCE(r.display_name, c.removed_by) AS removed_by FROM closure_day c \
         LEFT JOIN user_account a ON a.id = c.created_by LEFT JOIN user_account r ON r.id = c.removed_by \
         WHERE c.authority_id = $1 ORDER BY c.date, c.created_at",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClosureDay {
                id: text(r, "id")?,
                date: date(r, "date")?.ok_or_else(|| StoreError::Corrupt("closure day without a date".into()))?,
                reason: text(r, "reason")?,
                created_by: text(r, "created_by")?,
                created_at: text(r, "created_at")?,
                removed_by: crate::opt_text(r, "removed_by")?,
                removed_at: crate::opt_text(r, "removed_at")?,
            })
        })
        .collect()
}

/// Adds a policy version that applies from its date. Deadlines already set keep theirs.
pub async fn add_policy_version(db: &Db, authority: &Authority, version: &PolicyVersion, actor: &str) -> Result<()> {
    let mut history = policy_history(db, authority).await?;
    history.add_version(version.clone()).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let id = crate::new_id();
    let json_text = serde_json::to_string(version).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO policy_version (id, authority_id, effective_from, policy_json, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(authority.id.as_str())
        .bind(version.effective_from.to_string())
        .bind(&json_text)
        .bind(&version.reason)
        .bind(actor)
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.id.as_str(),
            actor,
            kind: EventKind::Change,
            action: "policy.version.add",
            entity_type: "policy",
            entity_id: &id,
            before: serde_json::Value::Null,
            after: serde_json::to_value(version).unwrap_or_default(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
