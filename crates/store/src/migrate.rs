//! Schema migrations: portable SQL files embedded in the binary, applied in order, each in
//! its own transaction together with its row in `schema_migration`. A migration that was
//! applied is never edited: a checksum mismatch stops the server with a clear message.
//! One runner at a time: see [`run`].
//!
//! Versions increase but need not be contiguous. 0011 and 0015 do not exist: they were
//! numbers reserved by branches that did not land (each branch is given its number before it
//! starts, so two never write the same one). The runner applies, in order, every listed
//! version that `schema_migration` does not hold; it never looks for the "next" number, so a
//! gap changes nothing (proved by `the_runner_applies_every_migration_across_the_gaps`).

use crate::{Backend, Db, Result, StoreError};
use sqlx::{Connection, Row};

/// (version, name, SQL). Append only.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "conferences", include_str!("../migrations/0002_conferences.sql")),
    (3, "calendar_and_policy", include_str!("../migrations/0003_calendar_and_policy.sql")),
    (4, "deadlines", include_str!("../migrations/0004_deadlines.sql")),
    (5, "sign_in_attempts", include_str!("../migrations/0005_sign_in_attempts.sql")),
    (6, "scale_indexes", include_str!("../migrations/0006_scale_indexes.sql")),
    (7, "adult_child_index", include_str!("../migrations/0007_adult_child_index.sql")),
    (8, "documents", include_str!("../migrations/0008_documents.sql")),
    (9, "portal_people", include_str!("../migrations/0009_portal_people.sql")),
    (10, "outbox_delivery", include_str!("../migrations/0010_outbox_delivery.sql")),
    (12, "conference_record_state", include_str!("../migrations/0012_conference_record_state.sql")),
    (13, "recovery_code_selector", include_str!("../migrations/0013_recovery_code_selector.sql")),
    (14, "portal_sign_in", include_str!("../migrations/0014_portal_sign_in.sql")),
    (16, "token_expiry", include_str!("../migrations/0016_token_expiry.sql")),
    (17, "security_hardening", include_str!("../migrations/0017_security_hardening.sql")),
    (18, "form_submission_outcome", include_str!("../migrations/0018_form_submission_outcome.sql")),
    (19, "plans", include_str!("../migrations/0019_plans.sql")),
    (20, "plan_lifecycle", include_str!("../migrations/0020_plan_lifecycle.sql")),
    (21, "young_persons_plan", include_str!("../migrations/0021_young_persons_plan.sql")),
    (23, "documents_sent", include_str!("../migrations/0023_documents_sent.sql")),
    (24, "records_management", include_str!("../migrations/0024_records_management.sql")),
    (25, "quality_audits", include_str!("../migrations/0025_quality_audits.sql")),
    (26, "feedback", include_str!("../migrations/0026_feedback.sql")),
    (27, "complaints", include_str!("../migrations/0027_complaints.sql")),
    (28, "subject_access", include_str!("../migrations/0028_subject_access.sql")),
    (29, "census", include_str!("../migrations/0029_census.sql")),
    (30, "calendar_reminders", include_str!("../migrations/0030_calendar_reminders.sql")),
    (35, "prefers_post", include_str!("../migrations/0035_prefers_post.sql")),
    (36, "appeals", include_str!("../migrations/0036_appeals.sql")),
    (37, "conference_participation", include_str!("../migrations/0037_conference_participation.sql")),
    (38, "transfer_receiving", include_str!("../migrations/0038_transfer_receiving.sql")),
    (39, "channels", include_str!("../migrations/0039_channels.sql")),
    (41, "core_group_arrangements", include_str!("../migrations/0041_core_group_arrangements.sql")),
    (43, "list_indexes", include_str!("../migrations/0043_list_indexes.sql")),
    (44, "conference_summary", include_str!("../migrations/0044_conference_summary.sql")),
    (45, "deadline_behind", include_str!("../migrations/0045_deadline_behind.sql")),
    (46, "outbox_pending", include_str!("../migrations/0046_outbox_pending.sql")),
    (47, "plan_dashboard", include_str!("../migrations/0047_plan_dashboard.sql")),
    (48, "plan_case", include_str!("../migrations/0048_plan_case.sql")),
    (49, "sweep_reads", include_str!("../migrations/0049_sweep_reads.sql")),
    (50, "plan_arranged", include_str!("../migrations/0050_plan_arranged.sql")),
    (56, "notify_letters_callbacks", include_str!("../migrations/0056_notify_letters_callbacks.sql")),
    (60, "transfer_copy", include_str!("../migrations/0060_transfer_copy.sql")),
];

/// The PostgreSQL advisory lock that one migration runner holds at a time (any fixed number
/// that nothing else in the database uses; this is "confer-mi" in ASCII).
const MIGRATION_LOCK: i64 = 0x636f_6e66_6572_6d69;

/// Applies every migration not yet applied, as the only runner: two instances starting
/// together do not both migrate. On PostgreSQL the runner holds an advisory lock
/// (`pg_advisory_lock`, released at the end or when its connection drops) while it checks and
/// applies, each migration in its own transaction; on SQLite the whole run is one
/// `BEGIN IMMEDIATE` transaction, which holds the database's write lock from the first check
/// to the commit (a second runner waits for it, then finds nothing left to do). Returns the
/// versions it applied.
pub async fn run(db: &Db) -> Result<Vec<i64>> {
    let applied = run_migrations(db).await?;
    // Issue 15: conferences stored before their participation was kept are counted once.
    crate::participation::backfill(db).await?;
    // Issue 12: and those stored before the lists' summaries were kept are summarised once.
    crate::list_summary::backfill(db).await?;
    Ok(applied)
}

async fn run_migrations(db: &Db) -> Result<Vec<i64>> {
    let now = db.now();
    let mut conn = db.writer.acquire().await?;
    match db.backend {
        Backend::Sqlite => {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let applied = apply(&mut tx, None, &now).await?;
            tx.commit().await?;
            Ok(applied)
        }
        Backend::Postgres => {
            sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await?;
            let mut applied = Vec::new();
            let outcome = apply_each(&mut conn, &mut applied, &now).await;
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await;
            if unlocked.is_err() {
                // The lock belongs to the connection: closing it releases the lock.
                let _ = conn.detach().close().await;
            }
            outcome?;
            Ok(applied)
        }
    }
}

/// PostgreSQL: each migration in its own transaction, under the runner's lock.
async fn apply_each(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>, applied: &mut Vec<i64>, now: &str) -> Result<()> {
    for (version, _, _) in MIGRATIONS {
        let mut tx = conn.begin().await?;
        applied.extend(apply(&mut tx, Some(*version), now).await?);
        tx.commit().await?;
    }
    Ok(())
}

/// Applies the migrations not yet applied (only `only`, if given) in the caller's transaction.
async fn apply(tx: &mut sqlx::Transaction<'_, sqlx::Any>, only: Option<i64>, now: &str) -> Result<Vec<i64>> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut **tx)
    .await?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| only.map(|v| v == m.0).unwrap_or(true)) {
        let existing = sqlx::query("SELECT checksum FROM schema_migration WHERE version = $1")
            .bind(*version)
            .fetch_optional(&mut **tx)
            .await?;
        let checksum = crate::secret_hash(sql);
        if let Some(row) = existing {
            let stored: String = row.try_get("checksum")?;
            if stored != checksum {
                return Err(StoreError::Corrupt(format!(
                    "migration {version} ({name}) differs from the one applied to this database"
                )));
            }
            continue;
        }
        for statement in split_statements(sql) {
            sqlx::query(&statement).execute(&mut **tx).await?;
        }
        sqlx::query("INSERT INTO schema_migration (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(*version)
            .bind(*name)
            .bind(checksum)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        applied.push(*version);
    }
    Ok(applied)
}

/// The latest version this binary knows and the latest applied to the database.
pub async fn status(db: &Db) -> Result<(i64, Option<i64>)> {
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    let applied = sqlx::query("SELECT MAX(version) AS v FROM schema_migration")
        .fetch_optional(db.pool())
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<Option<i64>, _>("v").ok().flatten());
    Ok((latest, applied))
}

/// Splits a migration file into statements on `;` at the end of a line, dropping comments.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let line = line.split("--").next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_owned());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn statements_split_on_line_end_semicolons_and_drop_comments() {
        let s = super::split_statements("-- c\nCREATE TABLE a (x TEXT); -- t\nCREATE INDEX i ON a (x);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX i ON a (x)"]);
    }

    #[test]
    fn versions_increase_and_the_list_has_gaps() {
        let versions: Vec<i64> = super::MIGRATIONS.iter().map(|m| m.0).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "versions increase: {versions:?}");
        assert!(!versions.contains(&11) && !versions.contains(&15), "0011 and 0015 were never written");
    }

    #[tokio::test]
    async fn the_runner_applies_every_migration_across_the_gaps() {
        // A fresh database is migrated by the runner; every listed version is applied, in
        // order, gaps and all, and a second run finds nothing to do.
        let db = crate::testing::fresh_db().await;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migration ORDER BY version")
            .fetch_all(db.pool())
            .await
            .unwrap();
        let listed: Vec<i64> = super::MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(applied, listed);
        let (latest, at) = super::status(&db).await.unwrap();
        assert_eq!(at, Some(latest));
        assert!(super::run(&db).await.unwrap().is_empty());
    }
}
