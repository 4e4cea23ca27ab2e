//! Settings: command-line flags first, then `CONFER_*` environment variables, then a TOML
//! file (`--config`), then secure defaults.

use confer_web::WebSettings;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://confer-data/confer.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(clap::Args, Clone, Default)]
pub struct ServeArgs {
    /// The database: sqlite:PATH (created and migrated if missing) or
    /// postgres://USER@HOST:PORT/DB. Default: sqlite://confer-data/confer.db.
    #[arg(long, env = "CONFER_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// The address and port to listen on. Default: 127.0.0.1:8080.
    #[arg(long, env = "CONFER_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// A TOML file with any of these settings, by their long names with underscores
    /// (database_url = "…", addr = "…", secure_cookies = true, …).
    #[arg(long, env = "CONFER_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Mark cookies Secure, so browsers send them over HTTPS only (and to localhost).
    /// Leave on in production. Default: true.
    #[arg(long, env = "CONFER_SECURE_COOKIES", value_name = "BOOL")]
    pub secure_cookies: Option<bool>,
    /// Minutes without activity after which a session ends. Default: 30.
    #[arg(long, env = "CONFER_SESSION_IDLE_MINUTES", value_name = "MINUTES")]
    pub session_idle_minutes: Option<i64>,
    /// Hours after sign-in at which a session ends whatever happens. Default: 10.
    #[arg(long, env = "CONFER_SESSION_ABSOLUTE_HOURS", value_name = "HOURS")]
    pub session_absolute_hours: Option<i64>,
    /// Seconds a request may take before it is answered with 503. Default: 30.
    #[arg(long, env = "CONFER_REQUEST_TIMEOUT_SECONDS", value_name = "SECONDS")]
    pub request_timeout_seconds: Option<u64>,
    /// Largest request body in bytes (file uploads: keep it above the 10 MiB report file
    /// limit). Default: 12582912 (12 MiB).
    #[arg(long, env = "CONFER_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// How many reverse proxies sit in front of confer, each appending the address it got the
    /// request from to X-Forwarded-For. 0: no proxy, the connection's address is the client's.
    /// N: the client's address is the Nth X-Forwarded-For entry from the right (the address
    /// the outermost of your proxies saw; entries further left are written by the client and
    /// are ignored). Used only to slow down many wrong sign-in attempts from one address. Set
    /// it to exactly the number of your proxies, and let no one reach confer except through
    /// them: too high, and clients choose their own address. Default: 0.
    #[arg(long, env = "CONFER_TRUSTED_PROXIES", value_name = "N")]
    pub trusted_proxies: Option<usize>,
    /// Replaced by --trusted-proxies (it trusted the X-Forwarded-For entry the client writes).
    /// Still accepted as false; true stops with a message saying what to set instead.
    #[arg(long, env = "CONFER_TRUST_FORWARDED_FOR", value_name = "BOOL", hide = true)]
    pub trust_forwarded_for: Option<bool>,
    /// The key that encrypts TOTP secrets in the database: 64 hex characters (make one with
    /// `openssl rand -hex 32`) and keep it apart from the database's backups. Without it new
    /// secrets are stored unencrypted. Secrets stored before it was set are encrypted when
    /// next used. To change it, see --totp-previous-key. `confer demo` on SQLite makes one in
    /// totp.key beside its database unless given one.
    #[arg(long, env = "CONFER_TOTP_KEY", value_name = "HEX", hide_env_values = true)]
    pub totp_key: Option<String>,
    /// When changing --totp-key: the key it replaces. Secrets encrypted with it are still read
    /// and are encrypted again with the new key at their next use (sign-in); remove it once
    /// everyone has signed in since (anyone left must have their second factor reset).
    #[arg(long, env = "CONFER_TOTP_PREVIOUS_KEY", value_name = "HEX", hide_env_values = true)]
    pub totp_previous_key: Option<String>,
    /// For demonstrations and training only: run as if today were this date (YYYY-MM-DD),
    /// with time still moving. Never set it on a live installation.
    #[arg(long, env = "CONFER_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    /// Log format: json (one object a line, for log collectors) or text. Default: json.
    /// Logs never hold personal data: requests are logged by route, not by address.
    #[arg(long, env = "CONFER_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// The SMTP relay that delivers e-mail (invitations, new dates, portal sign-in codes):
    /// smtp://USER:PASSWORD@HOST:587 (STARTTLS, required), smtps://USER:PASSWORD@HOST:465
    /// (TLS from the start), or smtp://127.0.0.1:25?tls=none for a relay on this machine.
    /// Percent-encode @ and : in the user name or password. Without it (and without
    /// --mail-dir) messages wait in the outbox. The password never appears in logs.
    #[arg(long, env = "CONFER_SMTP_URL", value_name = "URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The From address of e-mails, such as "Conferences <confer@council.example>".
    /// Needed with --smtp-url.
    #[arg(long, env = "CONFER_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// Instead of an SMTP relay, write each e-mail as an .eml file into this folder (for
    /// demonstrations and training; `confer demo` uses confer-data/mail unless given
    /// --smtp-url). Never on a live installation.
    #[arg(long, env = "CONFER_MAIL_DIR", value_name = "FOLDER")]
    pub mail_dir: Option<std::path::PathBuf>,
    /// The address people reach confer at (behind your proxy), such as
    /// https://confer.council.example: links in e-mails (the feedback link sent with a
    /// conference's outcome) start with it. Default: http:// and --addr.
    #[arg(long, env = "CONFER_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// GOV.UK Notify's API, for the authorities that send through Notify (chosen by their
    /// administrator under Messages; the API key is kept there, not here). Default:
    /// https://api.notifications.service.gov.uk. The delivery worker always runs: without
    /// --smtp-url or --mail-dir it sends only what goes through Notify.
    #[arg(long, env = "CONFER_NOTIFY_URL", value_name = "URL")]
    pub notify_url: Option<String>,
}

/// The TOML file: every field optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    addr: Option<String>,
    secure_cookies: Option<bool>,
    session_idle_minutes: Option<i64>,
    session_absolute_hours: Option<i64>,
    request_timeout_seconds: Option<u64>,
    max_body_bytes: Option<usize>,
    trusted_proxies: Option<usize>,
    trust_forwarded_for: Option<bool>,
    totp_key: Option<String>,
    totp_previous_key: Option<String>,
    today: Option<String>,
    log_format: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    mail_dir: Option<std::path::PathBuf>,
    public_url: Option<String>,
    notify_url: Option<String>,
}

fn read_file(path: Option<&Path>) -> Result<FileSettings, String> {
    match path {
        None => Ok(FileSettings::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the settings file {}: {e}", p.display()))?;
            toml::from_str(&text).map_err(|e| format!("the settings file {} is not valid: {e}", p.display()))
        }
    }
}

/// Why `trust_forwarded_for = true` is refused rather than read as `trusted_proxies = 1`: it
/// took the first (client-written) X-Forwarded-For entry, and the right number of proxies is
/// something only the council knows; guessing 1 would be wrong behind two proxies.
pub const TRUST_FORWARDED_FOR_REPLACED: &str = "--trust-forwarded-for (CONFER_TRUST_FORWARDED_FOR, trust_forwarded_for) is replaced by --trusted-proxies N (CONFER_TRUSTED_PROXIES, trusted_proxies): set it to the number of reverse proxies in front of confer (1 for one proxy such as nginx), and remove the old setting";

/// Everything `serve` needs, resolved.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub web: WebSettings,
    pub log_format: String,
    /// Where e-mail goes: the relay, the folder, or no relay (`Relay::None`: the worker sends
    /// only what goes through GOV.UK Notify and the other e-mails wait in the outbox).
    pub mail: Option<confer_web::mail::MailSettings>,
    /// The keys that encrypt TOTP secrets (installed for the process when resolved).
    pub totp_keys: Option<confer_store::totp_key::TotpKeys>,
}

// Debug never prints the database URL's password.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings").field("addr", &self.addr).field("database_url", &"(redacted)").finish()
    }
}

/// Where `confer demo` keeps its TOTP key unless it is given one: beside its SQLite database
/// (confer-data/totp.key by default). A demo on PostgreSQL uses --totp-key if given, like
/// `serve`, and otherwise none.
pub fn demo_totp_key_file(database_url: &str) -> Option<std::path::PathBuf> {
    let rest = database_url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//").split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("totp.key"),
        _ => std::path::PathBuf::from("totp.key"),
    })
}

/// The TOTP keys from the settings; the demo's own key file when it is given none.
fn totp_keys(
    current: Option<String>,
    previous: Option<String>,
    demo: Option<&str>,
) -> Result<Option<confer_store::totp_key::TotpKeys>, String> {
    use confer_store::totp_key::{Key, TotpKeys};
    let previous = previous.map(|p| Key::parse_hex(&p).map_err(|e| format!("--totp-previous-key: {e}"))).transpose()?;
    let current = match current {
        Some(c) => Some(Key::parse_hex(&c).map_err(|e| format!("--totp-key: {e}"))?),
        None => match demo.and_then(demo_totp_key_file) {
            Some(file) => Some(demo_totp_key(&file)?),
            None => None,
        },
    };
    match (current, previous) {
        (Some(current), previous) => Ok(Some(TotpKeys { current, previous })),
        (None, Some(_)) => Err("--totp-previous-key needs --totp-key (the new key)".into()),
        (None, None) => Ok(None),
    }
}

/// The demo's key, made on first use and kept in a file ([`demo_totp_key_file`]).
fn demo_totp_key(path: &Path) -> Result<confer_store::totp_key::Key, String> {
    use confer_store::totp_key::Key;
    if let Ok(text) = std::fs::read_to_string(path) {
        return Key::parse_hex(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let key = Key::generate();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, key.to_hex()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

/// Where `confer demo` writes e-mails unless it is given an SMTP relay.
pub const DEMO_MAIL_DIR: &str = "confer-data/mail";

impl Settings {
    pub fn resolve(args: ServeArgs) -> Result<Settings, String> {
        Settings::resolve_for(args, false)
    }

    /// As [`Settings::resolve`], with the demo's default: e-mails into confer-data/mail.
    pub fn resolve_demo(args: ServeArgs) -> Result<Settings, String> {
        Settings::resolve_for(args, true)
    }

    fn resolve_for(args: ServeArgs, demo: bool) -> Result<Settings, String> {
        let file = read_file(args.config.as_deref())?;
        let mut mail = mail_settings(
            args.smtp_url.or(file.smtp_url),
            args.mail_from.or(file.mail_from),
            args.mail_dir.or(file.mail_dir),
            demo,
        )?;
        if args.trust_forwarded_for.or(file.trust_forwarded_for) == Some(true) {
            return Err(TRUST_FORWARDED_FOR_REPLACED.into());
        }
        let database_url = args.database_url.or(file.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let totp_keys = totp_keys(
            args.totp_key.or(file.totp_key),
            args.totp_previous_key.or(file.totp_previous_key),
            demo.then_some(database_url.as_str()),
        )?;
        // The store seals and opens TOTP secrets with these from now on.
        confer_store::totp_key::install(totp_keys.clone());
        let d = WebSettings::default();
        let addr_text = args.addr.or(file.addr).unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr: SocketAddr = addr_text
            .parse()
            .map_err(|_| format!("--addr must be an address and port like 127.0.0.1:8080 (got {addr_text:?})"))?;
        let clock = match args.today.or(file.today) {
            None => confer_web::clock::Clock::system(),
            Some(t) => confer_web::clock::Clock::as_if_today(
                chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("--today must be a date like 2026-11-25 (got {t:?})"))?,
            ),
        };
        let web = WebSettings {
            clock,
            secure_cookies: args.secure_cookies.or(file.secure_cookies).unwrap_or(d.secure_cookies),
            session_idle_minutes: positive(
                args.session_idle_minutes.or(file.session_idle_minutes).unwrap_or(d.session_idle_minutes),
                "session idle minutes",
            )?,
            session_absolute_hours: positive(
                args.session_absolute_hours.or(file.session_absolute_hours).unwrap_or(d.session_absolute_hours),
                "session absolute hours",
            )?,
            request_timeout_seconds: args
                .request_timeout_seconds
                .or(file.request_timeout_seconds)
                .unwrap_or(d.request_timeout_seconds),
            max_body_bytes: args.max_body_bytes.or(file.max_body_bytes).unwrap_or(d.max_body_bytes),
            trusted_proxies: args.trusted_proxies.or(file.trusted_proxies).unwrap_or(d.trusted_proxies),
            // The dashboards count a year of deadlines: a minute-old count is shared (the page
            // says when it was counted).
            dashboard_cache_seconds: 60,
        };
        let public_url = args.public_url.or(file.public_url).unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
            return Err(format!("--public-url must start with https:// (got {public_url:?})"));
        }
        let notify_url = args.notify_url.or(file.notify_url);
        if let Some(u) = &notify_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                return Err(format!("--notify-url must start with https:// (got {u:?})"));
            }
        }
        if let Some(m) = mail.as_mut() {
            m.public_url = public_url.trim_end_matches('/').to_owned();
            if let Some(u) = notify_url {
                m.notify_url = u.trim_end_matches('/').to_owned();
            }
        }
        let log_format = args.log_format.or(file.log_format).unwrap_or_else(|| "json".into());
        if log_format != "json" && log_format != "text" {
            return Err(format!("--log-format must be json or text (got {log_format:?})"));
        }
        Ok(Settings { database_url, addr, web, log_format, mail, totp_keys })
    }

    /// Just the database URL, for the commands that need nothing else.
    pub fn resolve_db(flag: Option<String>, config: Option<&Path>) -> Result<String, String> {
        let file = read_file(config)?;
        Ok(flag.or(file.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.into()))
    }
}

fn mail_settings(
    smtp_url: Option<String>,
    from: Option<String>,
    dir: Option<std::path::PathBuf>,
    demo: bool,
) -> Result<Option<confer_web::mail::MailSettings>, String> {
    use confer_web::mail::{MailSettings, Relay, SmtpRelay};
    let relay = match (smtp_url, dir) {
        (Some(_), Some(_)) => return Err("give either --smtp-url or --mail-dir, not both".into()),
        (Some(url), None) => Relay::Smtp(SmtpRelay::parse(&url)?),
        (None, Some(dir)) => Relay::Directory(dir),
        (None, None) if demo => Relay::Directory(DEMO_MAIL_DIR.into()),
        // The worker runs without a relay too: an authority may send through GOV.UK Notify alone.
        (None, None) => Relay::None,
    };
    let from =
        match (&relay, from) {
            // No relay sends from it (GOV.UK Notify sends from its own): a --mail-from given
            // for later is not checked until a relay is.
            (Relay::None, _) => "confer@localhost".to_owned(),
            (_, Some(f)) => f,
            (Relay::Directory(_), None) => "confer@localhost".to_owned(),
            (Relay::Smtp(_), None) => return Err(
                "--mail-from is needed with --smtp-url: the address e-mails come from, such as confer@council.example"
                    .into(),
            ),
        };
    MailSettings::new(relay, &from).map(Some)
}

fn positive(v: i64, what: &str) -> Result<i64, String> {
    if v > 0 {
        Ok(v)
    } else {
        Err(format!("{what} must be more than 0"))
    }
}

pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONFER_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if format == "text" { builder.try_init() } else { builder.json().try_init() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delivery_worker_has_settings_without_a_relay_so_notify_only_authorities_are_served() {
        use confer_web::mail::Relay;
        let s =
            Settings::resolve(ServeArgs { notify_url: Some("https://notify.example/".into()), ..Default::default() })
                .unwrap();
        let mail = s.mail.expect("the worker's settings, with no --smtp-url or --mail-dir");
        assert!(matches!(mail.relay, Relay::None), "{:?}", mail.relay);
        assert_eq!(mail.notify_url, "https://notify.example", "--notify-url reaches the worker");
        let with_relay = Settings::resolve(ServeArgs {
            smtp_url: Some("smtp://relay.council.example".into()),
            mail_from: Some("confer@council.example".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(with_relay.mail.unwrap().relay, Relay::Smtp(_)));
    }

    #[test]
    fn trusted_proxies_is_read_and_defaults_to_none() {
        let s = Settings::resolve(ServeArgs { trusted_proxies: Some(2), ..Default::default() }).unwrap();
        assert_eq!(s.web.trusted_proxies, 2);
        assert_eq!(Settings::resolve(ServeArgs::default()).unwrap().web.trusted_proxies, 0);
    }

    #[test]
    fn totp_keys_are_read_and_bad_ones_refused() {
        let k = confer_store::totp_key::Key::generate().to_hex();
        let s = Settings::resolve(ServeArgs { totp_key: Some(k.clone()), ..Default::default() }).unwrap();
        assert_eq!(s.totp_keys.unwrap().current.to_hex(), k);
        let err = Settings::resolve(ServeArgs { totp_key: Some("short".into()), ..Default::default() }).unwrap_err();
        assert!(err.contains("--totp-key") && err.contains("64 hex"), "{err}");
        let err = Settings::resolve(ServeArgs { totp_previous_key: Some(k), ..Default::default() }).unwrap_err();
        assert!(err.contains("needs --totp-key"), "{err}");
    }

    #[test]
    fn the_demo_keeps_its_key_beside_its_database() {
        assert_eq!(demo_totp_key_file("sqlite://confer-data/confer.db").unwrap(), Path::new("confer-data/totp.key"));
        assert_eq!(demo_totp_key_file("sqlite:/tmp/x/demo.db?mode=rwc").unwrap(), Path::new("/tmp/x/totp.key"));
        assert_eq!(demo_totp_key_file("postgres://u@h/db"), None);
    }

    #[test]
    fn the_old_trust_forwarded_for_is_refused_with_what_to_set_instead() {
        let err = Settings::resolve(ServeArgs { trust_forwarded_for: Some(true), ..Default::default() }).unwrap_err();
        assert!(err.contains("--trusted-proxies"), "{err}");
        // false meant "not behind a proxy", which is still the default: accepted.
        assert!(Settings::resolve(ServeArgs { trust_forwarded_for: Some(false), ..Default::default() }).is_ok());
    }
}
