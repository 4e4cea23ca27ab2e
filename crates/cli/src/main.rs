//! `confer`: the command line of confer. `serve` runs the web application, `demo` runs it
//! with a fictional authority, and the other commands look after an installation.

mod calendar;
mod settings;

use clap::{Parser, Subcommand};
use confer_domain::{Nation, Role};
use confer_ops::accounts::{self, By};
use confer_store::users::{self, AccountChange};
use confer_store::{audit, demo, migrate, tokens, Db, StoreError};
use settings::{ServeArgs, Settings};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "confer", version, about = "Child protection conferences for UK local authorities.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application (the production command).
    Serve(ServeArgs),
    /// Run the web application with a fictional demo authority, and print the demo users'
    /// sign-in details. The database is created and migrated on first start.
    Demo(DemoArgs),
    /// Apply the database migrations this version needs, then exit.
    Migrate(DbArgs),
    /// Create authorities (tenants).
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Copy the database to a file while confer runs (SQLite); for PostgreSQL, explains pg_dump.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The e-mails waiting, sent and failed; `confer outbox retry` tries failed ones again.
    Outbox {
        #[command(subcommand)]
        command: Option<OutboxCommand>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Scheduled reminders: `confer reminders run` sends those due today once (for cron;
    /// `confer serve` also runs them every few minutes).
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Letters: `confer documents print --out DIR` writes the letters waiting on the print
    /// list as PDF files and marks them printed.
    Documents {
        #[command(subcommand)]
        command: DocumentsCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Records management (KEEP-01, KEEP-02): the families due for a disposal review, legal
    /// holds, and the disposal a person proposed on the records pages.
    Records {
        #[command(subcommand)]
        command: RecordsCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// England's Children in Need census: check the return and write its file.
    #[command(subcommand)]
    Census(CensusCommand),
    /// Ofsted's Annex A lists 5, 6 and 7 of an English authority for a period.
    #[command(subcommand)]
    AnnexA(AnnexACommand),
    /// Child protection register statistics of a Welsh, Scottish or Northern Irish authority.
    #[command(subcommand)]
    RegisterStats(RegisterStatsCommand),
    /// Working days and bank holidays of the four UK nations (ISO dates on stdout).
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCommand,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// The database: sqlite:PATH (created if missing) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "CONFER_DATABASE_URL", value_name = "URL", global = true)]
    database_url: Option<String>,
    /// A TOML file with settings (flags and CONFER_* variables take precedence).
    #[arg(long, env = "CONFER_CONFIG", value_name = "FILE", global = true)]
    config: Option<std::path::PathBuf>,
}

#[derive(clap::Args)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// How many fictional families to generate on first start.
    #[arg(long, default_value_t = 40)]
    families: u32,
    /// The generator's seed: the same seed gives the same families.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The demo authority's nation: england, wales, scotland or northern-ireland.
    #[arg(long, default_value = "england")]
    nation: String,
    /// Load the demo data, print the figures and exit without serving (for benchmarks).
    #[arg(long)]
    load_only: bool,
}

#[derive(Subcommand)]
enum CensusCommand {
    /// Write the census file of an English authority for the collection year ending 31 March
    /// YYYY, after the DfE's validation rules: with errors it writes nothing and lists them
    /// (exit 1) unless --allow-errors. Every file written is audited (year, digest of the bytes).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The authority's code.
        #[arg(long)]
        authority: String,
        /// The year the collection ends in (2026 for 1 April 2025 to 31 March 2026).
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// Write the file even when the return has errors (they are listed).
        #[arg(long)]
        allow_errors: bool,
        /// CSV (one row per episode) instead of the XML the DfE takes.
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Subcommand)]
enum AnnexACommand {
    /// Write the workbook (one sheet a list) and, with --csv, a CSV file a list, for the
    /// period FROM to TO (both days included). Every file written is audited (the period,
    /// the format, the digest of the bytes).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The authority's code.
        #[arg(long)]
        authority: String,
        /// The first day of the period.
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// The last day of the period.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        /// The workbook to write (XLSX).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// Also write list5.csv, list6.csv and list7.csv into this directory.
        #[arg(long, value_name = "DIR")]
        csv: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum RegisterStatsCommand {
    /// Write the nation's register statistics as CSV for the year ending in YYYY (31 July in
    /// Scotland, 31 March in Wales and Northern Ireland). Audited (year, digest of the bytes).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The authority's (or HSC Trust's) code.
        #[arg(long)]
        authority: String,
        /// The year the statistics year ends in.
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// The CSV file to write.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AuthorityCommand {
    /// Add an authority (a local authority, or a Health and Social Care Trust).
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// A short unique code, such as the DfE LA number.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// england, wales, scotland or northern-ireland.
        #[arg(long)]
        nation: String,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a user. Staff get a first password (printed) and set up their authenticator app
    /// when they first sign in.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// The authority's code.
        #[arg(long)]
        authority: String,
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// A role; repeat for several (chair, coordinator, note-taker, social-worker,
        /// team-manager, professional, parent, young-person, supporter, quality-assurance,
        /// auditor, administrator).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The user name of their line manager (for the chair's independence check).
        #[arg(long)]
        line_manager: Option<String>,
    },
    /// Give a user a role. The command line acts as the server's operator, so it may change
    /// anyone's roles, an administrator's own included (the web pages refuse that: ROLE-10).
    AddRole {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
    },
    /// Take a role away from a user.
    RemoveRole {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
    },
    /// Set a new password (printed), unlock the account and end its sessions.
    ResetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// Disable an account and end its sessions (nothing is deleted).
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// Print a new personal access token for the API (shown once). Only a staff account with
    /// its authenticator app set up may have one.
    Token {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
        /// Allow changes, not only reads.
        #[arg(long)]
        write: bool,
        /// How many days the token lasts (1 to 365).
        #[arg(long, default_value_t = tokens::DEFAULT_DAYS)]
        days: i64,
    },
}

#[derive(Subcommand)]
enum RecordsCommand {
    /// List the families of an authority whose records are due for a disposal review (their
    /// retention date has passed), oldest first, 50 a page: id, name, retention date, rule,
    /// and whether held or proposed.
    Due {
        /// The authority's code.
        #[arg(long, value_name = "CODE")]
        authority: String,
        /// The page, from 1.
        #[arg(long, default_value_t = 1)]
        page: i64,
    },
    /// Place a legal hold on a family's records: nothing is disposed of while it stands.
    Hold {
        #[arg(long, value_name = "CODE")]
        authority: String,
        /// The family's id (as `confer records due` lists it).
        #[arg(long, value_name = "ID")]
        family: String,
        /// Why (a case, a claim, an inquiry): kept with the hold and audited.
        #[arg(long)]
        reason: String,
    },
    /// Lift the legal hold on a family's records, with the reason.
    Release {
        #[arg(long, value_name = "CODE")]
        authority: String,
        #[arg(long, value_name = "ID")]
        family: String,
        #[arg(long)]
        reason: String,
    },
    /// Authorise and carry out the disposal of a family's records that a person proposed on the
    /// records pages (the second of the two people KEEP-02 asks for): a tombstone is kept.
    Dispose {
        #[arg(long, value_name = "CODE")]
        authority: String,
        #[arg(long, value_name = "ID")]
        family: String,
    },
}

#[derive(Subcommand)]
enum DocumentsCommand {
    /// Write the letters waiting on the print list (for people without an e-mail address) as
    /// PDF files into a folder, named without any person's or family's name, and mark each
    /// printed (audited) once written.
    Print {
        /// The folder to write into (made if missing).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// Only this authority's letters (its code); all authorities when left out.
        #[arg(long, value_name = "CODE")]
        authority: Option<String>,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Send the reminders due today that have not been sent (each once, however often it runs
    /// and on however many instances), through the outbox; prints how many.
    Run,
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Put failed e-mails back in the queue for a fresh set of attempts (all, or one by --id).
    Retry {
        /// The outbox id of one message (as `confer outbox` lists it).
        #[arg(long)]
        id: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every authority's audit chain up to its end when the check starts (events
    /// added meanwhile are left for the next check); exits non-zero naming the first broken
    /// event. With --against, also checks that the chain still holds the heads exported to
    /// that file by `confer audit head`.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// A file written by `confer audit head --out`.
        #[arg(long, value_name = "FILE")]
        against: Option<std::path::PathBuf>,
        #[command(flatten)]
        key: HeadKey,
    },
    /// Export each authority's chain end (its last event's number and hash, and the time) to a
    /// file kept away from the database. `confer audit verify --against FILE` later proves the
    /// events up to those ends are all still there and unchanged: a deleted end or rewritten
    /// history is found, even by someone who also moved the database's own record of the end.
    Head {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        #[command(flatten)]
        key: HeadKey,
    },
}

#[derive(clap::Args)]
struct HeadKey {
    /// A secret key to sign the exported heads with (HMAC-SHA256) and check them by, so the
    /// file cannot be changed without it. Keep it away from the database and its administrators.
    #[arg(long = "key", env = "CONFER_AUDIT_HEAD_KEY", hide_env_values = true, value_name = "SECRET")]
    secret: Option<String>,
}

impl HeadKey {
    fn bytes(&self) -> Result<Option<&[u8]>, Failure> {
        match self.secret.as_deref() {
            None => Ok(None),
            Some(k) if k.len() < 16 => Err(usage("the audit head key must be at least 16 characters long")),
            Some(k) => Ok(Some(k.as_bytes())),
        }
    }
}

/// What the command line says when it fails: a message and an exit status.
struct Failure {
    message: String,
    status: u8,
}

impl From<confer_ops::OpsError> for Failure {
    fn from(e: confer_ops::OpsError) -> Self {
        use confer_ops::OpsError;
        let message = match e {
            OpsError::Invalid { message, .. } | OpsError::Duplicate { message } | OpsError::Declined { message } => {
                message
            }
            OpsError::Refused(r) => r.to_string(),
            OpsError::NotFound => "not found".to_owned(),
            OpsError::Unavailable => {
                "the database is not available: check --database-url and that the server is running".to_owned()
            }
            other => other.to_string(),
        };
        Failure { message, status: 1 }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let message = match &e {
            StoreError::Unavailable(_) => {
                "the database is not available: check --database-url and that the server is running".to_owned()
            }
            StoreError::Conflict(m) => m.clone(),
            StoreError::NotFound => "not found".to_owned(),
            other => {
                let mut s = other.to_string();
                let mut src = std::error::Error::source(other);
                while let Some(inner) = src {
                    s.push_str(": ");
                    s.push_str(&inner.to_string());
                    src = inner.source();
                }
                s
            }
        };
        Failure { message, status: 1 }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure { message: message.into(), status: 2 }
}

type Outcome = Result<(), Failure>;

/// Memory (issue 12). glibc's allocator gives each thread that allocates its own arena, up to
/// eight per core, and keeps what each arena once held. confer's threads are the runtime's
/// workers, one thread for each SQLite connection (nine) and the blocking pool (documents):
/// under load each grew an arena of its own and the server kept hundreds of MiB it no longer
/// used. Two arenas serve two cores without contention worth measuring.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets a tuning parameter of the C allocator; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// Memory, continued (issue 12): what the server's requests allocated and freed stays in the
/// allocator's heaps, and glibc gives back to the system only what is free at the very top of
/// a heap. Under load the freed pages are scattered between blocks still in use (a session, a
/// pooled connection's buffers), so after a burst the server held 190-210 MiB that nothing
/// used. Every few seconds a thread asks glibc to return the free pages of every heap
/// (`malloc_trim`), which takes well under a millisecond when nothing has changed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_freed_memory() {
    let _ = std::thread::Builder::new().name("malloc-trim".into()).spawn(|| loop {
        std::thread::sleep(std::time::Duration::from_secs(TRIM_EVERY_SECONDS));
        // SAFETY: malloc_trim only releases free memory of the allocator's own heaps; it is
        // safe to call from any thread at any time.
        unsafe {
            libc::malloc_trim(0);
        }
    });
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_memory() {}

/// How often the server returns freed memory ([`return_freed_memory`]).
const TRIM_EVERY_SECONDS: u64 = 5;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
            }
            ExitCode::from(f.status)
        }
    }
}

async fn open(db: &DbArgs) -> Result<Db, Failure> {
    let s = Settings::resolve_db(db.database_url.clone(), db.config.as_deref()).map_err(usage)?;
    let db = Db::connect(&s).await?;
    migrate::run(&db).await?;
    Ok(db)
}

fn parse_role(r: &str) -> Result<Role, Failure> {
    Role::parse(r.trim()).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        usage(format!("unknown role {r:?}: use one of {}", all.join(", ")))
    })
}

fn parse_nation(n: &str) -> Result<Nation, Failure> {
    Nation::parse(n.trim().to_lowercase().as_str())
        .ok_or_else(|| usage(format!("unknown nation {n:?}: use england, wales, scotland or northern-ireland")))
}

async fn user_named(db: &Db, username: &str) -> Result<users::StoredUser, Failure> {
    users::by_username(db, username).await?.ok_or_else(|| usage(format!("there is no user called {username}")))
}

/// A random password for a new or reset account, printed once.
fn new_password() -> String {
    let raw = confer_store::random_secret(9);
    format!("{}-{}-{}", &raw[..6], &raw[6..12], &raw[12..])
}

const CLI_ACTOR: &str = accounts::OPERATOR;

async fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Serve(args) => {
            let s = Settings::resolve(args).map_err(usage)?;
            settings::init_logging(&s.log_format);
            if s.totp_keys.is_none() {
                // Said at every start: without the key, authenticator secrets are kept unencrypted.
                tracing::warn!(
                    "no --totp-key (CONFER_TOTP_KEY): new authenticator secrets are stored unencrypted; \
                     set one on a live installation (see SECURITY.md)"
                );
            }
            let db = Db::connect(&s.database_url).await?;
            migrate::run(&db).await?;
            return_freed_memory();
            confer_web::mail::serve_with_mail(db, s.web.clone(), s.addr, s.mail.clone())
                .await
                .map_err(|e| Failure { message: format!("cannot serve on {}: {e}", s.addr), status: 1 })
        }
        Command::Demo(args) => run_demo(args).await,
        Command::Outbox { command, db } => run_outbox(command, db).await,
        Command::Documents { command: DocumentsCommand::Print { out, authority }, db } => {
            let db = open(&db).await?;
            let authority = match authority {
                Some(code) => Some(
                    users::authority_by_code(&db, &code)
                        .await?
                        .ok_or_else(|| usage(format!("there is no authority with the code {code}")))?
                        .id,
                ),
                None => None,
            };
            let ops = confer_ops::Ops::new(db, confer_store::clock::Clock::system());
            let letters = confer_ops::documents::print_list(&ops, authority.as_ref()).await?;
            std::fs::create_dir_all(&out)
                .map_err(|e| usage(format!("cannot make the folder {}: {e}", out.display())))?;
            let mut printed = 0;
            for l in &letters {
                let path = out.join(&l.file_name);
                std::fs::write(&path, &l.bytes).map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
                if confer_ops::documents::mark_printed(&ops, &l.sent.id, CLI_ACTOR).await? {
                    printed += 1;
                }
            }
            println!("{printed} letters written to {} and marked printed.", out.display());
            Ok(())
        }
        Command::Reminders { command: RemindersCommand::Run, db } => {
            let db = open(&db).await?;
            let ops = confer_ops::Ops::new(db, confer_store::clock::Clock::system());
            let s = confer_ops::reminders::run(&ops).await?;
            println!(
                "{} reminders due: {} e-mailed, {} recorded for people without an e-mail address, {} sent before.",
                s.due, s.emailed, s.no_address, s.already
            );
            Ok(())
        }
        Command::Migrate(db) => {
            let url = Settings::resolve_db(db.database_url.clone(), db.config.as_deref()).map_err(usage)?;
            let db = Db::connect(&url).await?;
            let applied = migrate::run(&db).await?;
            let (latest, _) = migrate::status(&db).await?;
            if applied.is_empty() {
                println!("The database is up to date (version {latest}).");
            } else {
                println!("Applied migrations {:?}; the database is at version {latest}.", applied);
            }
            Ok(())
        }
        Command::Authority(AuthorityCommand::Create { db, code, name, nation }) => {
            let nation = parse_nation(&nation)?;
            let db = open(&db).await?;
            let a = users::create_authority(&db, code.trim(), name.trim(), nation, CLI_ACTOR).await?;
            println!("Created authority {} ({}), {}.", a.name, a.code, a.nation.label());
            Ok(())
        }
        Command::Users(cmd) => run_users(cmd).await,
        Command::Backup { db, to } => {
            let url = Settings::resolve_db(db.database_url.clone(), db.config.as_deref()).map_err(usage)?;
            if url.starts_with("postgres") {
                println!(
                    "confer does not copy a PostgreSQL database itself: use PostgreSQL's own tools, which \
                     make a consistent copy while confer runs, for example:\n  pg_dump --format=custom --file={} \"{}\"\n\
                     and restore with pg_restore. Keep backups encrypted: they hold children's records.",
                    to.display(),
                    redact_url(&url)
                );
                return Ok(());
            }
            if to.exists() {
                return Err(usage(format!("{} already exists: choose a new file name", to.display())));
            }
            let db = Db::connect(&url).await?;
            // VACUUM INTO writes a consistent copy while others keep reading and writing.
            confer_store::backup_sqlite(&db, &to.to_string_lossy()).await?;
            println!("Backed up the database to {}. Keep it encrypted: it holds children's records.", to.display());
            Ok(())
        }
        Command::Calendar { command, db } => run_calendar(command, db).await,
        Command::Records { command, db } => run_records(command, db).await,
        Command::Census(command) => run_census(command).await,
        Command::AnnexA(command) => run_annex_a(command).await,
        Command::RegisterStats(RegisterStatsCommand::Export { db, authority, year, out }) => {
            let db = open(&db).await?;
            let a = users::authority_by_code(&db, &authority)
                .await?
                .ok_or_else(|| usage(format!("there is no authority with code {authority}")))?;
            let (bytes, digest, stats) =
                confer_ops::register_stats::export(&operations(&db), confer_ops::census::By::Operator, &a.id, year)
                    .await?;
            std::fs::write(&out, &bytes).map_err(|e| usage(format!("cannot write {}: {e}", out.display())))?;
            println!(
                "Wrote {} ({} bytes, sha256 {digest}): {} figures for {} to {}.",
                out.display(),
                bytes.len(),
                stats.figures.len(),
                stats.year.start(),
                stats.year.end()
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { db, against, key }) => {
            let export = match &against {
                None => None,
                Some(file) => {
                    let text = std::fs::read_to_string(file)
                        .map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
                    Some(
                        audit::HeadExport::from_file_text(&text, key.bytes()?)
                            .map_err(|m| usage(format!("{}: {m}", file.display())))?,
                    )
                }
            };
            let db = open(&db).await?;
            let v = match &export {
                None => audit::verify(&db).await?,
                Some(e) => audit::verify_against(&db, e).await?,
            };
            match (v.first_break, &export) {
                (None, None) => {
                    println!("The audit trail is intact: {} events in {} chains.", v.events, v.authorities);
                    Ok(())
                }
                (None, Some(e)) => {
                    println!(
                        "The audit trail is intact: {} events in {} chains, and it still holds the {} heads exported at {}.",
                        v.events,
                        v.authorities,
                        e.heads.len(),
                        e.exported_at
                    );
                    Ok(())
                }
                (Some(b), _) => Err(Failure { message: format!("the audit trail is broken: {b}"), status: 1 }),
            }
        }
        Command::Audit(AuditCommand::Head { db, out, key }) => {
            let key = key.bytes()?;
            let db = open(&db).await?;
            let export = audit::heads(&db).await?;
            let text = export.to_file_text(key);
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .map_err(|e| usage(format!("cannot create {}: {e} (choose a new file name)", out.display())))?;
            file.write_all(text.as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| Failure { message: format!("cannot write {}: {e}", out.display()), status: 1 })?;
            println!(
                "Exported the heads of {} chains to {}{}. Keep it where the database's administrators cannot change it.",
                export.heads.len(),
                out.display(),
                if key.is_some() { ", signed" } else { "" }
            );
            Ok(())
        }
    }
}

/// A database URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..s + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Runs a census subcommand: the findings on stderr (rule, child, field, message, the page
/// that fixes it), the summary on stdout.
async fn run_census(command: CensusCommand) -> Outcome {
    use confer_ops::census::{self, Exported, Format};
    let CensusCommand::Export { db, authority, year, out, allow_errors, csv } = command;
    let db = open(&db).await?;
    let a = users::authority_by_code(&db, &authority)
        .await?
        .ok_or_else(|| usage(format!("there is no authority with code {authority}")))?;
    let format = if csv { Format::Csv } else { Format::Xml };
    let exported = census::export(&operations(&db), census::By::Operator, &a.id, year, format, allow_errors).await?;
    let report = match &exported {
        Exported::Written { report, .. } | Exported::Refused { report } => report,
    };
    for f in &report.findings {
        let kind = match f.severity {
            confer_domain::census::Severity::Error => "error",
            confer_domain::census::Severity::Query => "query",
        };
        let child = if f.la_child_id.is_empty() { "(whole return)".to_owned() } else { f.la_child_id.clone() };
        eprintln!("{kind} {}: {child} {}: {} [fix at {}]", f.rule, f.field, f.message, f.link());
    }
    match exported {
        Exported::Refused { report } => Err(Failure {
            message: format!(
                "the return has {} errors and {} queries (listed above): nothing was written; fix them, or give --allow-errors",
                report.errors(),
                report.queries()
            ),
            status: 1,
        }),
        Exported::Written { bytes, digest, report } => {
            std::fs::write(&out, &bytes).map_err(|e| usage(format!("cannot write {}: {e}", out.display())))?;
            println!(
                "Wrote {} ({} bytes, sha256 {digest}): {} children for the year ending 31 March {year}, {} errors, {} queries.",
                out.display(),
                bytes.len(),
                report.ret.children.len(),
                report.errors(),
                report.queries()
            );
            Ok(())
        }
    }
}

/// Runs an Annex A subcommand: the files written and their digests on stdout.
async fn run_annex_a(command: AnnexACommand) -> Outcome {
    use confer_domain::annex_a::{ListNo, Period};
    use confer_ops::annex_a::{self, Format};
    let AnnexACommand::Export { db, authority, from, to, out, csv } = command;
    let period = Period::parse(&from, &to).map_err(|errors| {
        usage(errors.0.iter().map(|(field, m)| format!("--{field}: {m}")).collect::<Vec<_>>().join("; "))
    })?;
    let db = open(&db).await?;
    let a = users::authority_by_code(&db, &authority)
        .await?
        .ok_or_else(|| usage(format!("there is no authority with code {authority}")))?;
    let ops = operations(&db);
    let mut files = vec![(Format::Xlsx, out)];
    if let Some(dir) = csv {
        std::fs::create_dir_all(&dir).map_err(|e| usage(format!("cannot make {}: {e}", dir.display())))?;
        for list in ListNo::ALL {
            files.push((Format::Csv(list), dir.join(format!("list{}.csv", list.number()))));
        }
    }
    for (format, path) in files {
        let e = annex_a::export(&ops, confer_ops::census::By::Operator, &a.id, period, format).await?;
        std::fs::write(&path, &e.bytes).map_err(|err| usage(format!("cannot write {}: {err}", path.display())))?;
        let l = &e.report.lists;
        println!(
            "Wrote {} ({} bytes, sha256 {}): {} to {}; List 5 {} rows, List 6 {} rows, List 7 {} rows.",
            path.display(),
            e.bytes.len(),
            e.digest,
            period.from,
            period.to,
            l.list5.len(),
            l.list6.len(),
            l.list7.len()
        );
    }
    Ok(())
}

/// Runs a calendar subcommand. Only `--authority` and `import` need the database.
async fn run_calendar(command: calendar::CalendarCommand, db: DbArgs) -> Outcome {
    let wants_authority = calendar::authority_code(&command).map(str::to_owned);
    let authority_calendar = match wants_authority {
        Some(code) => {
            let db = open(&db).await?;
            Some(
                confer_store::calendar::authority_calendar_by_code(&db, &code)
                    .await
                    .map_err(Failure::from)?
                    .ok_or_else(|| {
                        usage(format!("there is no authority with code {code}: check the code, or use --nation"))
                    })?,
            )
        }
        None => None,
    };
    if let calendar::CalendarCommand::Import { file } = &command {
        let days = calendar::import_file(file).map_err(usage)?;
        let db = open(&db).await?;
        let stored = confer_store::calendar::import_announced(&db, &days, CLI_ACTOR).await?;
        println!(
            "Imported {stored} announced bank holidays; whole years in the file replace the rules for those years."
        );
        return Ok(());
    }
    let resolve =
        |_: &str| authority_calendar.clone().ok_or_else(|| "the authority's calendar could not be loaded".to_owned());
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    match calendar::run(&command, &resolve, &mut out, &mut err) {
        0 => Ok(()),
        // The calendar module has already said what to fix.
        status => Err(Failure { message: String::new(), status: status as u8 }),
    }
}

/// `confer records`: the same operations as the records pages, acting as the operator
/// (audited as `system:command-line`).
async fn run_records(command: RecordsCommand, db: DbArgs) -> Outcome {
    use confer_ops::records::{self, Acting};
    let db = open(&db).await?;
    let code = match &command {
        RecordsCommand::Due { authority, .. }
        | RecordsCommand::Hold { authority, .. }
        | RecordsCommand::Release { authority, .. }
        | RecordsCommand::Dispose { authority, .. } => authority.clone(),
    };
    let a = users::authority_by_code(&db, &code)
        .await?
        .ok_or_else(|| usage(format!("there is no authority with code {code}")))?;
    let ops = operations(&db);
    let acting = Acting::operator(&a.id);
    match command {
        RecordsCommand::Due { page, .. } => {
            let due = records::due_as(&ops, acting, page).await?;
            if due.rows.is_empty() {
                println!("No families of {code} are due for a disposal review on page {}.", due.page);
            }
            for r in &due.rows {
                let state = match (r.held, &r.proposed_by) {
                    (true, _) => "held".to_owned(),
                    (false, Some(by)) => format!("proposed by {by}"),
                    (false, None) => "due".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\tkept to age {} ({})\t{state}",
                    r.family_id,
                    r.family_name,
                    r.review.retain_until,
                    r.review.rule.keep_until_age,
                    r.review.rule.basis
                );
            }
            if due.more {
                println!("More on page {}.", due.page + 1);
            }
            Ok(())
        }
        RecordsCommand::Hold { family, reason, .. } => {
            records::place_hold_as(&ops, acting, &family, &reason).await?;
            println!("Legal hold placed on {family}: nothing is disposed of while it stands.");
            Ok(())
        }
        RecordsCommand::Release { family, reason, .. } => {
            records::lift_hold_as(&ops, acting, &family, &reason).await?;
            println!("Legal hold on {family} lifted.");
            Ok(())
        }
        RecordsCommand::Dispose { family, .. } => {
            let t = records::dispose_as(&ops, acting, &family).await?;
            println!(
                "Disposed of the records of {family} (kept until {}, {}); a tombstone is kept.",
                t.retain_until, t.rule_basis
            );
            Ok(())
        }
    }
}

/// The operations layer over the database the command opened (the system clock).
fn operations(db: &Db) -> confer_ops::Ops {
    confer_ops::Ops::new(db.clone(), confer_store::clock::Clock::system())
}

async fn run_users(cmd: UsersCommand) -> Outcome {
    match cmd {
        UsersCommand::Create { db, authority, username, name, email, roles, line_manager } => {
            let db = open(&db).await?;
            let a = users::authority_by_code(&db, &authority)
                .await?
                .ok_or_else(|| usage(format!("there is no authority with code {authority}")))?;
            let roles = roles.iter().map(|r| parse_role(r)).collect::<Result<Vec<_>, _>>()?;
            let line_manager = match line_manager {
                Some(m) => Some(user_named(&db, &m).await?.account.id),
                None => None,
            };
            let password = roles.iter().any(|r| r.is_staff()).then(new_password);
            let new = accounts::NewAccount {
                authority_id: a.id,
                username: username.clone(),
                display_name: name,
                email: email.clone(),
                roles,
                line_manager,
                password: password.clone(),
            };
            accounts::create(&operations(&db), By::Operator, new).await?;
            match password {
                Some(p) => println!("Created {username}. First password: {p}\nThey set up their authenticator app when they first sign in."),
                None => println!("Created {username}. They sign in with a code sent to {email}."),
            }
            Ok(())
        }
        UsersCommand::AddRole { db, username, role } => {
            let role = parse_role(&role)?;
            let db = open(&db).await?;
            let u = user_named(&db, &username).await?;
            accounts::change(&operations(&db), By::Operator, &u.account.id, AccountChange::AddRole(role)).await?;
            println!("{username} now has the role {}.", role.as_str());
            Ok(())
        }
        UsersCommand::RemoveRole { db, username, role } => {
            let role = parse_role(&role)?;
            let db = open(&db).await?;
            let u = user_named(&db, &username).await?;
            accounts::change(&operations(&db), By::Operator, &u.account.id, AccountChange::RemoveRole(role)).await?;
            println!("{username} no longer has the role {}.", role.as_str());
            Ok(())
        }
        UsersCommand::ResetPassword { db, username } => {
            let db = open(&db).await?;
            let u = user_named(&db, &username).await?;
            let p = new_password();
            let change = AccountChange::ResetPassword(p.clone());
            accounts::change(&operations(&db), By::Operator, &u.account.id, change).await?;
            println!("New password for {username}: {p}");
            Ok(())
        }
        UsersCommand::Disable { db, username } => {
            let db = open(&db).await?;
            let u = user_named(&db, &username).await?;
            accounts::change(&operations(&db), By::Operator, &u.account.id, AccountChange::Disable).await?;
            println!("Disabled {username}; their sessions and tokens no longer work.");
            Ok(())
        }
        UsersCommand::Token { db, username, name, write, days } => {
            let db = open(&db).await?;
            let u = user_named(&db, &username).await?;
            let request = accounts::TokenRequest { name, write, days };
            let token = match accounts::issue_token(&operations(&db), accounts::TokenFor::Operator(&u), request).await {
                Ok(t) => t.secret,
                // Said in the command's own terms (its flags).
                Err(confer_ops::OpsError::Invalid { field: "days", .. }) => {
                    return Err(usage(format!("--days must be from 1 to {}", tokens::MAX_DAYS)))
                }
                Err(confer_ops::OpsError::Invalid { message, .. }) => return Err(usage(format!("--name: {message}"))),
                Err(e) => return Err(e.into()),
            };
            println!("{token}");
            Ok(())
        }
    }
}

async fn run_demo(args: DemoArgs) -> Outcome {
    let nation = parse_nation(&args.nation)?;
    let mut serve = args.serve;
    if serve.database_url.is_none() && std::env::var("CONFER_DATABASE_URL").is_err() {
        serve.database_url = Some("sqlite://confer-data/confer.db".into());
    }
    let s = Settings::resolve_demo(serve).map_err(usage)?;
    settings::init_logging(&s.log_format);
    // The demo's records are stamped by the same clock the server will show ("as if" --today).
    let db = Db::connect(&s.database_url).await?.with_clock(s.web.clock.clone());
    migrate::run(&db).await?;
    let options = confer_demo::DemoOptions {
        seed: args.seed,
        families: args.families,
        ..confer_demo::DemoOptions::for_nation(nation)
    };
    let today = s.web.clock.today();
    let generated = confer_demo::Demo::new(options, today);
    let started = std::time::Instant::now();
    let loaded = demo::load(&db, &generated, |n| {
        if n % 5000 == 0 && n > 0 {
            eprintln!("  loaded {n} families…");
        }
    })
    .await?;
    if loaded.created {
        println!(
            "Loaded the fictional authority {} with {} families in {:.1} s.",
            generated.authority.name,
            loaded.families,
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("The demo authority {} is already in this database: using it as it is.", generated.authority.name);
    }
    if args.load_only {
        if let Some(size) = confer_store::database_size(&db).await? {
            println!("Database size: {:.1} MiB.", size as f64 / (1024.0 * 1024.0));
        }
        return Ok(());
    }
    let mut creds = demo::reset_credentials(&db).await?;
    // The family portal: parents of families with a scheduled conference.
    creds.extend(demo::portal_parents(&db, &generated.authority.id, 3).await?);
    println!("\nDemo sign-in details (fictional people; new passwords at every start):");
    for c in &creds {
        match (&c.password, &c.totp_secret) {
            (Some(p), Some(t)) => {
                println!("demo-user role={} username={} password={} totp-secret={}", c.role.as_str(), c.username, p, t)
            }
            _ => println!(
                "demo-portal-user role={} username={} email={} (signs in at /portal/sign-in with a code sent by email{})",
                c.role.as_str(),
                c.username,
                c.email,
                if c.role.needs_second_factor() { ", then an authenticator app, set up at the first sign-in" } else { "" }
            ),
        }
    }
    println!("\nAdd the TOTP secret to an authenticator app (or use `oathtool --totp -b SECRET`).");
    match s.mail.as_ref().map(|m| &m.relay) {
        Some(confer_web::mail::Relay::Directory(dir)) => println!(
            "E-mails (portal sign-in codes, invitations) are not sent: each is written as an .eml file into {}/ \
             (open it with a mail program or a text editor).",
            dir.display()
        ),
        Some(confer_web::mail::Relay::Smtp(r)) => {
            println!("E-mails are sent through the SMTP relay {}:{}.", r.host, r.port)
        }
        Some(confer_web::mail::Relay::None) | None => {}
    }
    println!("confer is at http://{}/  (press Ctrl-C to stop)\n", s.addr);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    return_freed_memory();
    confer_web::mail::serve_with_mail(db, s.web.clone(), s.addr, s.mail.clone())
        .await
        .map_err(|e| Failure { message: format!("cannot serve on {}: {e}", s.addr), status: 1 })
}

/// `confer outbox`: counts by state and the failed messages (ids and the kind of failure,
/// never an address); `confer outbox retry` puts failed ones back in the queue.
async fn run_outbox(command: Option<OutboxCommand>, db: DbArgs) -> Outcome {
    let db = open(&db).await?;
    match command {
        None => {
            let counts = confer_store::outbox::counts(&db).await?;
            let n = |status: &str| counts.iter().find(|(s, _)| s == status).map(|(_, n)| *n).unwrap_or(0);
            println!("pending {}\nsent {}\nfailed {}", n("pending"), n("sent"), n("failed"));
            let failed = confer_store::outbox::failed(&db, 100).await?;
            if !failed.is_empty() {
                println!("\nFailed (a person should look; `confer outbox retry` tries them again):");
                for f in failed {
                    println!(
                        "{} ({}) created {} failed {} after {} attempts: {}",
                        f.id,
                        f.channel,
                        f.created_at,
                        f.failed_at.as_deref().unwrap_or("-"),
                        f.attempts,
                        f.last_error.as_deref().unwrap_or("-")
                    );
                }
            }
            Ok(())
        }
        Some(OutboxCommand::Retry { id }) => {
            let n = confer_store::outbox::retry_failed(&db, id.as_deref(), CLI_ACTOR).await?;
            match (n, id) {
                (0, Some(id)) => Err(usage(format!("there is no failed message {id}: `confer outbox` lists them"))),
                (n, _) => {
                    println!("{n} failed messages will be tried again.");
                    Ok(())
                }
            }
        }
    }
}
