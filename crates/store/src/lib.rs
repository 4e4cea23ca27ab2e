//! confer's database. One query codebase serves SQLite and PostgreSQL through sqlx's `Any`
//! driver: queries are portable SQL with `$1` placeholders (which both accept), and the few
//! differences (how a write transaction starts, online backup) sit behind [`Backend`].
//!
//! Every state change runs in one transaction together with its audit event ([`audit`]).

pub mod annex_a;
pub mod appeals;
pub mod audit;
mod bulk;
pub mod calendar;
pub mod calendar_entries;
pub mod census;
pub mod channels;
pub mod clock;
pub mod complaints;
pub mod conferences;
pub mod dashboards;
pub mod deadlines;
pub mod demo;
pub mod documents;
pub mod documents_sent;
pub mod families;
pub mod feedback;
pub mod form_submissions;
pub mod list_summary;
pub mod migrate;
pub mod notify_status;
pub mod otp;
pub mod outbox;
pub mod participation;
pub mod plan_people;
pub mod plans;
pub mod portal;
pub mod quality;
pub mod register_stats;
pub mod reminders;
pub mod retention;
pub mod sessions;
pub mod subject_access;
pub mod tokens;
pub mod totp_key;
pub mod transfer_copy;
pub mod uk_time;
pub mod users;
pub mod versioned;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::Duration;

/// A write transaction. It carries the clock of the [`Db`] that began it, so code that has only
/// the transaction stamps the same time as everything else ([`Tx::now`]). It dereferences to
/// the connection, so queries run on it as on a sqlx transaction (`.execute(&mut **tx)`).
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    clock: clock::Clock,
}

impl Tx {
    fn new(inner: sqlx::Transaction<'static, sqlx::Any>, clock: clock::Clock) -> Tx {
        Tx { inner, clock }
    }
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
    /// The clock this transaction's changes are stamped with.
    pub fn clock(&self) -> &clock::Clock {
        &self.clock
    }
    /// The current instant as stored (see [`stamp`]), from the clock.
    pub fn now(&self) -> String {
        stamp(self.clock.now())
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is not answering: the web layer shows a calm 503.
    #[error("the database is not available")]
    Unavailable(#[source] sqlx::Error),
    #[error("not found")]
    NotFound,
    /// Someone else changed the record first, or a unique value is taken.
    #[error("{0}")]
    Conflict(String),
    /// The database refused a value (PostgreSQL's data exceptions, such as a NUL character
    /// in text): the user's input, not a fault of the service.
    #[error("{0}")]
    InvalidInput(String),
    /// A stored value that the domain cannot read (the database was edited by hand).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(e)
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(unique_violation(db.constraint(), db.message()).to_owned())
            }
            // SQLSTATE class 22: data exception (bad characters, values out of range).
            sqlx::Error::Database(db) if db.code().map(|c| c.starts_with("22")).unwrap_or(false) => StoreError::InvalidInput(
                "Some of what was entered cannot be stored (for example a hidden control character). Remove it and try again.".into(),
            ),
            _ => StoreError::Database(e),
        }
    }
}

/// A unique constraint, as each database names it, with what a person can do about a value
/// that is already taken.
pub struct Unique {
    /// PostgreSQL's constraint name (`DatabaseError::constraint`).
    pub postgres: &'static str,
    /// SQLite's columns, as its message gives them ("UNIQUE constraint failed: <columns>").
    pub sqlite: &'static str,
    pub message: &'static str,
}

/// Every unique constraint of the schema, so a unique violation says which value is taken.
pub const UNIQUE_CONSTRAINTS: &[Unique] = &[
    Unique {
        postgres: "authority_code_key",
        sqlite: "authority.code",
        message: "That authority code is already used: choose another.",
    },
    Unique {
        postgres: "user_account_username_key",
        sqlite: "user_account.username",
        message: "That username is already used: choose another.",
    },
    Unique {
        postgres: "user_role_pkey",
        sqlite: "user_role.user_id, user_role.role",
        message: "The user already has that role.",
    },
    Unique {
        postgres: "access_token_token_hash_key",
        sqlite: "access_token.token_hash",
        message: "That token could not be made: create the token again.",
    },
    Unique {
        postgres: "adult_child_pkey",
        sqlite: "adult_child.adult_id, adult_child.child_id",
        message: "That adult's relationship to the child is already recorded: change the one recorded.",
    },
    Unique {
        postgres: "case_professional_pkey",
        sqlite: "case_professional.case_id, case_professional.professional_id",
        message: "That professional is already involved in the case.",
    },
    Unique {
        postgres: "conference_child_pkey",
        sqlite: "conference_child.conference_id, conference_child.child_id",
        message: "That child is already one of the conference's children.",
    },
    Unique {
        postgres: "announced_holiday_pkey",
        sqlite: "announced_holiday.region, announced_holiday.date",
        message: "That bank holiday is already recorded for the region.",
    },
    Unique {
        postgres: "deadline_case_rule_trigger",
        sqlite: "deadline.case_id, deadline.rule, deadline.trigger_on",
        message: "That deadline is already recorded for the case.",
    },
    Unique {
        postgres: "legal_hold_in_force",
        sqlite: "legal_hold.family_id",
        message: "There is already a legal hold on this family's records: lift it before placing another.",
    },
    Unique {
        postgres: "disposal_pkey",
        sqlite: "disposal.family_id",
        message: "Disposal has already been proposed for this family.",
    },
    Unique {
        postgres: "qa_audit_sample_conference",
        sqlite: "qa_audit.sample_id, qa_audit.conference_id",
        message: "That conference is already in the sample.",
    },
    Unique {
        postgres: "transfer_copy_pkey",
        sqlite: "transfer_copy.authority_id, transfer_copy.source_id",
        message: "Someone else recorded these people here from another transfer at the same moment: open the transfer again and accept it.",
    },
    Unique {
        postgres: "portal_person_pkey",
        sqlite: "portal_person.user_id, portal_person.family_id",
        message: "That portal account is already linked to the family.",
    },
];

/// What to tell a person whose value broke a unique constraint, by the constraint's name
/// (PostgreSQL) or its columns (SQLite's message); a constraint not in the table gets a
/// general message (and is a gap in [`UNIQUE_CONSTRAINTS`]).
pub fn unique_violation(constraint: Option<&str>, message: &str) -> &'static str {
    let columns = message.strip_prefix("UNIQUE constraint failed: ").map(str::trim);
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|u| constraint == Some(u.postgres) || columns == Some(u.sqlite))
        .map(|u| u.message)
        .unwrap_or("That value is already used by another record: change it and try again.")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database handle shared by the server and the command line.
#[derive(Clone, Debug)]
pub struct Db {
    /// Reads, and writes on PostgreSQL.
    pool: AnyPool,
    /// Writes on SQLite go through one connection so two writers never fight over the lock.
    writer: AnyPool,
    pub backend: Backend,
    /// The queue of reads waiting to be written together ([`audit::record_read`]); its
    /// writer task starts with the first read.
    reads: std::sync::Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<audit::ReadJob>>>,
    /// The time the store stamps on what it writes and measures expiry against: the same
    /// clock as the pages ([`Db::with_clock`]; the system clock unless given one).
    clock: clock::Clock,
}

impl Db {
    /// Connects to `sqlite:PATH` (the file and its folder are created) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Corrupt(format!(
                "the database URL must start with sqlite: or postgres: (got {})",
                url.split(':').next().unwrap_or("")
            )));
        };
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url)?;
                // `synchronous = FULL`: a commit is on disk when it returns (in WAL mode NORMAL
                // may lose the last commits on power loss: a decision or an audit event already
                // acknowledged). It costs one more sync per commit; the figures are in issue 10.
                let opts = || {
                    // No ping before each use: a local file does not go away between two
                    // statements, and each ping is one more trip to the connection's thread.
                    AnyPoolOptions::new()
                        .acquire_timeout(Duration::from_secs(10))
                        .test_before_acquire(false)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                use sqlx::Executor;
                                conn.execute(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                                )
                                .await?;
                                Ok(())
                            })
                        })
                };
                let writer = opts()
                    .max_connections(1)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                                 PRAGMA wal_autocheckpoint = 20000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .map_err(StoreError::from)?;
                let pool = opts().max_connections(8).connect(&url).await.map_err(StoreError::from)?;
                if tokio::runtime::Handle::try_current().is_ok() {
                    tokio::spawn(checkpointer(pool.clone()));
                }
                Ok(Db { pool, writer, backend, reads: Default::default(), clock: clock::Clock::system() })
            }
            Backend::Postgres => {
                // Plans (issue 12). sqlx prepares each statement once per connection; after five
                // runs PostgreSQL may keep a generic plan for it, made with the statistics and the
                // table sizes of that moment. A long-running instance that prepared its statements
                // while the tables were small (before a bulk load, or before autovacuum's next
                // ANALYZE) kept plans for small tables: 118 ms against 33 ms for a freshly started
                // instance on the same database. Two things keep a long-running instance as fast
                // as a new one without planning every statement anew on every request (which cost
                // more than running them):
                // - ANALYZE invalidates every cached plan that reads the analysed table, and the
                //   bulk load ends with one (autovacuum's ANALYZE does the same after changes);
                // - no connection lives longer than five minutes, so no plan outlives that either,
                //   whatever the statistics did meanwhile.
                //
                // The lists join up to seven tables (the driving set, the family, the case and
                // three people's names), and finding the best order among all of them cost 4 to
                // 20 ms of planning against 1.6 ms of execution for the chair's due-and-overdue
                // list at 50,000 families (EXPLAIN ANALYZE, issue 12). Our queries are written in
                // the order they should run (the small set first, names looked up last; SQLite
                // needs the same order), so the planner reorders only within groups of four: the
                // same plan, planned in 0.8 to 1.2 ms.
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .max_lifetime(Duration::from_secs(300))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("SET join_collapse_limit = 4; SET from_collapse_limit = 4").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .map_err(StoreError::from)?;
                Ok(Db { writer: pool.clone(), pool, backend, reads: Default::default(), clock: clock::Clock::system() })
            }
        }
    }

    /// This database handle with `clock` as its time: the server, the command line and tests
    /// give it the same clock as the pages, so a run "as if" another day, or a test's fixed
    /// clock, stamps and expires everything by that one time.
    pub fn with_clock(mut self, clock: clock::Clock) -> Db {
        self.clock = clock;
        // The writer of batched reads stamps with the clock it started with: start a new one.
        self.reads = Default::default();
        self
    }

    pub fn clock(&self) -> &clock::Clock {
        &self.clock
    }

    /// The current instant as stored (see [`stamp`]), from the clock.
    pub fn now(&self) -> String {
        stamp(self.clock.now())
    }

    /// Today's date in the United Kingdom, from the clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction for a change. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so a read never has to be upgraded half-way.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        Ok(Tx::new(inner, self.clock.clone()))
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// How often the SQLite write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the SQLite write-ahead log into the database file in the background (issue 12).
/// SQLite's own automatic checkpoint runs inside the commit that crosses 1,000 pages of log:
/// that commit (often the read events' group commit, which every reader of a record waits
/// for) then copies the pages and syncs the file before it returns, the periodic stall of the
/// p99. Here a reader connection checkpoints twice a second in PASSIVE mode, which takes no
/// lock a reader or the writer waits on; the writer's own automatic checkpoint stays as a
/// safety valve at 20,000 pages (80 MB) should this task fall behind. Ends when the pool is
/// closed.
async fn checkpointer(pool: AnyPool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").persistent(false).execute(&pool).await {
            if matches!(e, sqlx::Error::PoolClosed) {
                return;
            }
            tracing::debug!(error = %e, "the background checkpoint did not run");
        }
    }
}

/// Makes sure the SQLite file's folder exists and the file is created on first use.
fn sqlite_url(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Corrupt(format!("cannot create the folder {}: {e}", dir.display())))?;
            }
        }
    }
    let mut q: Vec<&str> = query.split('&').filter(|s| !s.is_empty() && !s.starts_with("mode=")).collect();
    q.push("mode=rwc");
    Ok(format!("sqlite://{path}?{}", q.join("&")))
}

/// An instant as stored: RFC 3339 UTC with microseconds, so text order is time order. The
/// current instant comes from the clock: [`Db::now`] or [`Tx::now`].
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_stamp(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// A new identifier: UUID v7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Reads a text column.
pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    row.try_get::<String, _>(col).map_err(StoreError::from)
}
pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    row.try_get::<Option<String>, _>(col).map_err(StoreError::from)
}
pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64> {
    row.try_get::<i64, _>(col).map_err(StoreError::from)
}
pub(crate) fn date(row: &AnyRow, col: &str) -> Result<Option<chrono::NaiveDate>> {
    match opt_text(row, col)? {
        None => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("{col} is not a date"))),
    }
}

/// SHA-256 of a secret, hex: how tokens and codes are stored (never the secret itself).
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A random secret of `bytes` bytes, hex encoded.
pub fn random_secret(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(any(test, feature = "test-support"))]
pub mod testing;

/// Writes a consistent copy of a SQLite database to `path` while others keep using it.
pub async fn backup_sqlite(db: &Db, path: &str) -> Result<()> {
    if db.backend != Backend::Sqlite {
        return Err(StoreError::Conflict("backup_sqlite works on SQLite only".into()));
    }
    let escaped = path.replace('\'', "''");
    sqlx::query(&format!("VACUUM INTO '{escaped}'")).execute(&db.writer).await?;
    Ok(())
}

/// The database's size in bytes, where the database can tell.
pub async fn database_size(db: &Db) -> Result<Option<i64>> {
    let sql = match db.backend {
        Backend::Sqlite => "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
        Backend::Postgres => "SELECT pg_database_size(current_database()) AS n",
    };
    let row = sqlx::query(sql).fetch_one(db.pool()).await?;
    Ok(row.try_get::<i64, _>("n").ok())
}

/// SQLite runs with `synchronous = FULL`. What it costs is measured by the benchmark
/// `cargo bench -p confer-store --bench sync_cost` (benches/sync_cost.rs).
#[cfg(test)]
mod sync_cost {
    /// Every connection, the writer's and the readers', syncs each commit (FULL is 2).
    #[tokio::test]
    async fn sqlite_syncs_every_commit_to_disk() {
        let db = crate::testing::fresh_db().await;
        if db.backend != crate::Backend::Sqlite {
            return;
        }
        for pool in [&db.writer, &db.pool] {
            let level: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(pool).await.unwrap();
            assert_eq!(level, 2, "synchronous is not FULL");
        }
    }
}
