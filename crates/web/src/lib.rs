//! confer's web application: server-rendered pages in the GOV.UK Design System style, the
//! JSON API under `/api/v1`, sign-in, sessions and CSRF protection. Every route is listed in
//! [`routes::ROUTES`] with the action it needs, and [`routes::gate`] asks the one access
//! policy (`confer_domain::access`) before any handler runs; handlers of a family's record
//! ask it again with the record's relationships.

pub mod api;
pub mod api_appeals;
pub mod api_complaints;
pub mod api_conferences;
pub mod api_plans;
pub mod assets;
pub mod auth;
pub mod chart;
pub use confer_store::clock;
pub mod csrf;
pub mod error;
pub mod idempotency;
pub mod mail;
pub mod notify;
pub mod pages;
pub mod routes;
#[cfg(test)]
mod welsh_review;
pub use confer_store::uk_time;
pub mod view;

use axum::Router;
use confer_store::sessions::Timeouts;
use confer_store::Db;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Settings the web application needs (the command line fills them from flags, `CONFER_*`
/// variables or a TOML file).
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// Mark cookies `Secure` (sent over HTTPS only; browsers also allow them on localhost).
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Longest time a request may take before it is answered with 503.
    pub request_timeout_seconds: u64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// How many reverse proxies in front of confer append to `X-Forwarded-For` (0: none, the
    /// connection's address is the client's). The client's address, used only to slow down
    /// wrong sign-in attempts, is the entry this many from the right ([`auth::client_address`]).
    pub trusted_proxies: usize,
    /// The time the application works with (the system clock; tests fix it).
    pub clock: clock::Clock,
    /// How long the managers' dashboards keep their counts (seconds; 0: counted at every
    /// view). `confer serve` keeps them 60 s (issue 12, [`confer_ops::Ops::with_dashboard_cache`]).
    pub dashboard_cache_seconds: u64,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            secure_cookies: true,
            session_idle_minutes: 30,
            session_absolute_hours: 10,
            request_timeout_seconds: 30,
            // A little above the largest report file (10 MiB), so an over-size file reaches the
            // upload form, which says so and keeps the other fields, instead of a bare 413.
            max_body_bytes: 12 * 1024 * 1024,
            trusted_proxies: 0,
            clock: clock::Clock::system(),
            dashboard_cache_seconds: 0,
        }
    }
}

impl WebSettings {
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            idle: chrono::Duration::minutes(self.session_idle_minutes),
            absolute: chrono::Duration::hours(self.session_absolute_hours),
        }
    }
}

pub struct AppState {
    pub db: Db,
    pub settings: WebSettings,
    /// Each authority's users (names and roles) for pages that show names and choose people,
    /// kept for a short while so a page does not read thousands of accounts each time. Rules
    /// never decide on it: the store is asked afresh whenever something is saved.
    directory: std::sync::Mutex<std::collections::HashMap<String, DirectoryEntry>>,
    /// The operations layer (the database, the clock, the authorities and their rules kept
    /// between requests) that the API and the pages both call.
    pub ops: confer_ops::Ops,
}

struct DirectoryEntry {
    read_at: std::time::Instant,
    users: Arc<Vec<confer_domain::UserAccount>>,
    /// Their names by id, made once per reading (pages show a few names out of thousands).
    names: Arc<std::collections::BTreeMap<String, String>>,
    /// A request is reading it again; meanwhile others use the copy they have.
    refreshing: bool,
}

/// How long the user directory is kept before it is read again.
const DIRECTORY_SECONDS: u64 = 30;

impl AppState {
    /// The authority's users, at most about [`DIRECTORY_SECONDS`] old. Only the first request
    /// for an authority waits for them; after that a stale copy is served while one background
    /// task reads them again, so no request pays for the refresh.
    pub async fn directory(
        self: &Arc<Self>,
        authority: &confer_domain::AuthorityId,
    ) -> Result<Arc<Vec<confer_domain::UserAccount>>, confer_store::StoreError> {
        let mut start_refresh = false;
        if let Ok(mut cache) = self.directory.lock() {
            if let Some(entry) = cache.get_mut(authority.as_str()) {
                let age = entry.read_at.elapsed();
                // (A refresh that failed is tried again after a second period.)
                let due = age >= Duration::from_secs(DIRECTORY_SECONDS)
                    && (!entry.refreshing || age >= Duration::from_secs(2 * DIRECTORY_SECONDS));
                if due {
                    entry.refreshing = true;
                    start_refresh = true;
                }
                let users = entry.users.clone();
                if start_refresh {
                    let state = self.clone();
                    let authority = authority.clone();
                    tokio::spawn(async move {
                        let _ = state.read_directory(&authority).await;
                    });
                }
                return Ok(users);
            }
        }
        self.read_directory(authority).await
    }

    /// The authority's users' names by id and the users themselves, from the directory
    /// ([`AppState::directory`]): shared, not copied for each request.
    #[allow(clippy::type_complexity)]
    pub async fn user_names(
        self: &Arc<Self>,
        authority: &confer_domain::AuthorityId,
    ) -> Result<
        (Arc<std::collections::BTreeMap<String, String>>, Arc<Vec<confer_domain::UserAccount>>),
        confer_store::StoreError,
    > {
        let users = self.directory(authority).await?;
        if let Ok(cache) = self.directory.lock() {
            if let Some(entry) = cache.get(authority.as_str()).filter(|e| Arc::ptr_eq(&e.users, &users)) {
                return Ok((entry.names.clone(), users));
            }
        }
        Ok((Arc::new(names_of(&users)), users))
    }

    /// The user and everyone below them in the management line (their reports, and theirs…),
    /// from the directory ([`AppState::directory`]): a walk in memory rather than a recursive
    /// query for each list page (issue 12). As fresh as the directory (about
    /// [`DIRECTORY_SECONDS`]); what a record page shows is still decided on fresh reads.
    pub async fn user_and_reports(
        self: &Arc<Self>,
        authority: &confer_domain::AuthorityId,
        user: &confer_domain::UserId,
    ) -> Result<Vec<String>, confer_store::StoreError> {
        let users = self.directory(authority).await?;
        Ok(line_below(&users, user.as_str()))
    }

    /// The authority's name (read once, then kept).
    pub async fn authority_name(&self, authority: &confer_domain::AuthorityId) -> Result<String, confer_ops::OpsError> {
        Ok(self.authority(authority).await?.name)
    }

    /// The authority (read once, then kept: its code, name and nation are set when it is
    /// created and never changed).
    pub async fn authority(
        &self,
        authority: &confer_domain::AuthorityId,
    ) -> Result<confer_domain::Authority, confer_ops::OpsError> {
        self.ops.authority(authority).await
    }

    /// The authority's calendar and policy history (kept by [`confer_ops::Ops`], rebuilt only
    /// when what they are built from has changed).
    pub async fn rules(
        &self,
        authority: &confer_domain::AuthorityId,
    ) -> Result<Arc<confer_ops::Rules>, confer_ops::OpsError> {
        self.ops.rules(authority).await
    }

    async fn read_directory(
        &self,
        authority: &confer_domain::AuthorityId,
    ) -> Result<Arc<Vec<confer_domain::UserAccount>>, confer_store::StoreError> {
        let read = confer_store::users::list(&self.db, authority).await;
        let mut cache =
            self.directory.lock().map_err(|_| confer_store::StoreError::Corrupt("user directory lock".into()))?;
        match read {
            Ok(users) => {
                let users = Arc::new(users);
                let names = Arc::new(names_of(&users));
                cache.insert(
                    authority.as_str().to_owned(),
                    DirectoryEntry {
                        read_at: std::time::Instant::now(),
                        users: users.clone(),
                        names,
                        refreshing: false,
                    },
                );
                Ok(users)
            }
            Err(e) => {
                if let Some(entry) = cache.get_mut(authority.as_str()) {
                    entry.refreshing = false;
                }
                Err(e)
            }
        }
    }
}

/// `user` and everyone whose management line leads up to them, in the order found; each once,
/// however the lines are drawn (a cycle ends the walk).
fn line_below(users: &[confer_domain::UserAccount], user: &str) -> Vec<String> {
    let mut reports: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for u in users {
        if let Some(m) = &u.line_manager_id {
            reports.entry(m.as_str()).or_default().push(u.id.as_str());
        }
    }
    let mut out = vec![user.to_owned()];
    let mut seen = std::collections::HashSet::from([user]);
    let mut next = 0;
    while next < out.len() {
        let current = out[next].clone();
        next += 1;
        for r in reports.get(current.as_str()).into_iter().flatten() {
            if seen.insert(r) {
                out.push((*r).to_owned());
            }
        }
    }
    out
}

fn names_of(users: &[confer_domain::UserAccount]) -> std::collections::BTreeMap<String, String> {
    users.iter().map(|u| (u.id.as_str().to_owned(), u.display_name.clone())).collect()
}

/// Operations are reached through the state too (`Rules::load(&state, ..)`).
impl std::ops::Deref for AppState {
    type Target = confer_ops::Ops;
    fn deref(&self) -> &confer_ops::Ops {
        &self.ops
    }
}

pub type SharedState = Arc<AppState>;

/// The whole application: routes, the access gate, CSRF, security headers, limits.
pub fn app(db: Db, settings: WebSettings) -> Router {
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    let timeout = Duration::from_secs(settings.request_timeout_seconds);
    let max_body = settings.max_body_bytes;
    // One clock: the store stamps and expires by the time the pages show.
    let db = db.with_clock(settings.clock.clone());
    let state: SharedState = Arc::new(AppState {
        ops: confer_ops::Ops::new(db.clone(), settings.clock.clone())
            .with_dashboard_cache(Duration::from_secs(settings.dashboard_cache_seconds)),
        db,
        settings,
        directory: Default::default(),
    });
    let h = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(header::HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    let secure = state.settings.secure_cookies;
    routes::router(state.clone())
        // Issue 15: the API's refusals in the nation's words (nearest the handlers: after the
        // gate, so the signed-in person's nation is known).
        .layer(axum::middleware::from_fn(api_refusals_in_the_nations_words))
        // After the CSRF check (layers run from the bottom up): a form sent twice runs once.
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::once))
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::check))
        .layer(axum::middleware::from_fn_with_state(state.clone(), routes::gate))
        .layer(axum::middleware::from_fn(limit_public_bodies))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(axum::middleware::from_fn(error::catch_unwind_and_log))
        .layer(axum::middleware::from_fn(log_request))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
        .layer(axum::middleware::from_fn(error::explain_too_large))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(h(
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .layer(h("x-content-type-options", "nosniff"))
        .layer(h("x-frame-options", "DENY"))
        .layer(h("referrer-policy", "no-referrer"))
        .layer(h("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"))
        .layer(h("cross-origin-opener-policy", "same-origin"))
        .layer(h("cache-control", "no-store"))
        // Behind TLS (secure cookies on), browsers are told to use HTTPS only for a year, so a
        // first visit by plain http cannot be intercepted and a certificate warning cannot be
        // clicked through. Without TLS (a laptop demo) the header would be wrong, so it is left out.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| {
                secure.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"))
            },
        ))
}

/// Issue 15: an API refusal (`{"error", "message"}`) to someone of an authority outside
/// England says its message in that nation's words, as the pages do: the operations and the
/// domain write their refusals in England's words ("… because the conference is closed",
/// "before the ICPC"), and this is the one place the API's answers leave. Only the message is
/// reworded (whole words, `Words::reword`); the error code, a field's name and everything else
/// stay as they are. Successful answers are not touched (they carry typed text).
async fn api_refusals_in_the_nations_words(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let words = match req.uri().path().starts_with("/api/") {
        true => req.extensions().get::<auth::Ctx>().map(|c| c.words),
        false => None,
    };
    let res = next.run(req).await;
    let Some(words) = words.filter(|w| w.nation != confer_domain::Nation::England) else { return res };
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if res.status().is_success() || !json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // An error's body is a few hundred bytes; one that is not is passed on as it was.
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "The answer could not be read.").into_response();
    };
    let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return axum::response::Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    if let Some(message) = value.get("message").and_then(|m| m.as_str()).map(|m| words.reword(m)) {
        value["message"] = serde_json::Value::String(message);
    }
    let out = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(out))
}

/// The most a request from someone not signed in may carry: the public forms (staff and
/// portal sign-in, second-factor codes) are a few hundred bytes, and an anonymous client must
/// not make the server read and hold megabytes. Signed-in requests keep the large limit
/// ([`WebSettings::max_body_bytes`]) for report files.
pub const PUBLIC_BODY_LIMIT: usize = 16 * 1024;

/// Holds requests without a signed-in person to [`PUBLIC_BODY_LIMIT`]: a declared length above
/// it is answered at once, and a body without a declared length (chunked) is read up to the
/// limit here and answered the same way if it goes past it (413, with a page saying what to
/// do). Runs after [`auth::authenticate`], so it knows who is asking.
async fn limit_public_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;
    if req.extensions().get::<auth::Ctx>().is_some() {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let too_large = || {
        if api {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        let page = view::Page::bare("The form is too large");
        let message = "Nothing was sent on. Forms used before signing in are short: go back, check that \
                       nothing large was pasted into them, and send the form again.";
        (StatusCode::PAYLOAD_TOO_LARGE, view::render(&view::ErrorPage { page: &page, message, detail: "" }))
            .into_response()
    };
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > PUBLIC_BODY_LIMIT as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match http_body_util::Limited::new(body, PUBLIC_BODY_LIMIT).collect().await {
        Ok(collected) => {
            next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(collected.to_bytes()))).await
        }
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => too_large(),
        Err(_) => {
            error::AppError::BadRequest("The request could not be read. Send the form again.".into()).into_response()
        }
    }
}

/// Logs each request by its route pattern (`/families/{family_id}`), never its address, so
/// no identifier or search text reaches the logs.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let mut res = next.run(req).await;
    let elapsed = started.elapsed();
    tracing::info!(%method, route, status = res.status().as_u16(), ms = elapsed.as_millis() as u64, "request");
    // The server's own time, for browsers' developer tools and the load benchmark.
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("app;dur={:.3}", elapsed.as_secs_f64() * 1000.0)) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight (graceful shutdown).
pub async fn serve(db: Db, settings: WebSettings, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, db, settings, shutdown_signal()).await
}

pub async fn serve_on(
    listener: tokio::net::TcpListener,
    db: Db,
    settings: WebSettings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(db.clone(), settings);
    tracing::info!(addr = %listener.local_addr()?, "confer is listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    db.close().await;
    tracing::info!("confer stopped");
    Ok(())
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
