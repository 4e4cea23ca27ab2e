//! A real confer on a random port with a fresh database (SQLite or PostgreSQL, as
//! CONFER_TEST_DATABASE says), and a small HTTP client that keeps cookies by hand so every
//! test sees exactly what a browser would be sent. The fictional people and families are
//! made by the shared test world (`confer_store::testing::World`, as `app.world`), and the
//! conference pages' form helpers (`step`, `refused`, `version`) are here once.
#![allow(dead_code)]

mod queries;
#[allow(unused_imports)]
pub use queries::{count_statements, statements};

use chrono::{DateTime, NaiveDateTime, Utc};
use confer_domain::{Authority, Role};
use confer_store::testing::{PersonBuilder, World};
use confer_store::users;
use confer_store::{sessions, testing, Db};
use confer_web::clock::Clock;
use confer_web::WebSettings;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use std::collections::BTreeMap;

pub use confer_store::testing::PASSWORD;

pub struct App {
    pub base: String,
    pub db: Db,
    pub authority: Authority,
    /// The fictional authority's world: make its people, professionals and families here.
    pub world: World,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub async fn start() -> App {
    start_with(WebSettings { secure_cookies: false, ..WebSettings::default() }).await
}

pub async fn start_with(settings: WebSettings) -> App {
    // The test's handle works by the server's clock, as the server's own does.
    let db = testing::fresh_db().await.with_clock(settings.clock.clone());
    let world = World::new(&db).await;
    let authority = world.authority.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server_db = db.clone();
    tokio::spawn(async move {
        let _ = confer_web::serve_on(listener, server_db, settings, async {
            let _ = rx.await;
        })
        .await;
    });
    App { base, db, authority, world, stop: Some(tx) }
}

/// A time in UTC, written "YYYY-MM-DD HH:MM".
pub fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
}

/// A confer whose clock stands still at `now` ("YYYY-MM-DD HH:MM", UTC) until the test moves it.
pub async fn start_at(now: &str) -> (App, Clock) {
    let clock = Clock::fixed(at(now));
    // Sessions are timed by this clock, which the journeys move on by days: they last the journey.
    let app = start_with(WebSettings {
        secure_cookies: false,
        clock: clock.clone(),
        session_idle_minutes: 60 * 24 * 90,
        session_absolute_hours: 24 * 90,
        ..WebSettings::default()
    })
    .await;
    (app, clock)
}

impl App {
    /// A browser signed in as this user (a session made directly).
    pub async fn as_user(&self, user: &str) -> Browser {
        let mut b = Browser::new(self);
        b.session_for(&self.db, user).await;
        b
    }
}

/// A staff user with a password and an enrolled TOTP secret; returns (user id, secret).
pub async fn staff(app: &App, username: &str, roles: &[Role], manager: Option<&str>) -> (String, String) {
    staff_in(app, &app.authority, username, roles, manager).await
}

pub async fn staff_in(
    app: &App,
    authority: &Authority,
    username: &str,
    roles: &[Role],
    manager: Option<&str>,
) -> (String, String) {
    PersonBuilder::new(&app.db, &authority.id, username).roles(roles).manager_opt(manager).signs_in().create().await
}

/// The current TOTP code for a secret, from the same algorithm an authenticator app uses.
pub fn totp_now(secret: &str) -> String {
    users::totp_for(secret, "x", "confer").unwrap().generate_current().unwrap()
}

/// A browser: keeps cookies, never follows redirects by itself.
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).map(|i| i + marker.len()).expect("the page has a form with a CSRF token");
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

/// One HTTP client for every browser of the test process. Building a client reads and parses
/// the system's root certificates (the Notify adapter's TLS feature), which took most of each
/// access-matrix cell's time when every cell built its own. Cookies are kept by hand per
/// browser, so sharing the client shares nothing between browsers; it keeps no idle
/// connections, so no connection outlives the runtime of the test that opened it.
pub fn client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(0)
                .build()
                .unwrap()
        })
        .clone()
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        Browser { base: app.base.clone(), http: client(), cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        for v in res.headers().get_all(SET_COOKIE) {
            let text = v.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let location = res.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        Page { status, location, body }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res =
            self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await.unwrap();
        self.finish(res).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    /// Posts a form with the CSRF token of the page it came from.
    pub async fn submit(&mut self, from: &Page, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = from.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    /// Signs in with password and TOTP; panics if it does not reach the dashboard.
    pub async fn sign_in(&mut self, username: &str, secret: &str) {
        let page = self.get("/sign-in").await;
        let after = self.submit(&page, "/sign-in", &[("username", username), ("password", PASSWORD)]).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.body);
        assert_eq!(after.location.as_deref(), Some("/sign-in/code"));
        let code_page = self.get("/sign-in/code").await;
        let code = totp_now(secret);
        let done = self.submit(&code_page, "/sign-in/code", &[("code", &code)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }

    /// Signs in by making a session directly (for tests about what a signed-in person may do).
    pub async fn session_for(&mut self, db: &Db, user_id: &str) {
        let u = users::by_id(db, &user_id.into()).await.unwrap();
        let (token, _) = sessions::start(db, user_id, u.session_generation, sessions::Stage::Full).await.unwrap();
        self.cookies.insert("confer_session".into(), token);
    }
}

/// The version a conference page's form carries.
pub fn version(p: &Page) -> String {
    p.body
        .split("name=\"version\" value=\"")
        .nth(1)
        .expect("a form with the version")
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The error summary of a page (or its beginning), for assertion messages.
pub fn error_summary(body: &str) -> String {
    match body.find("govuk-error-summary__list") {
        Some(i) => body[i..].chars().take(600).collect(),
        None => body.chars().take(300).collect(),
    }
}

/// Submits a form of the page at `page_path` (read fresh) and expects the redirect back.
pub async fn step(b: &mut Browser, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{page_path}: {}", page.body);
    assert!(page.body.contains(&format!("action=\"{action}\"")), "the form {action} is on {page_path}");
    let v = version(&page);
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    let res = b.submit(&page, action, &all).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{action} {fields:?}: {}", error_summary(&res.body));
    res
}

/// Submits a form that must be refused: the page again with the error summary and the API's
/// status for the same error.
pub async fn refused(b: &mut Browser, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(page_path).await;
    let v = version(&page);
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    let res = b.submit(&page, action, &all).await;
    // The page again, with the status the API gives for the same error (422, or 409/403).
    assert!(
        [StatusCode::UNPROCESSABLE_ENTITY, StatusCode::CONFLICT, StatusCode::FORBIDDEN].contains(&res.status),
        "{action} {fields:?} should be refused ({}): {}",
        res.status,
        error_summary(&res.body)
    );
    assert!(res.body.contains("govuk-error-summary"), "{}", res.body.chars().take(400).collect::<String>());
    res
}

/// The `list.read` events of a list by an actor: the families each named.
pub async fn list_reads(app: &App, actor: &str, list: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT after_json FROM audit_event WHERE action = 'list.read' AND actor = $1 AND entity_id = $2 ORDER BY seq",
    )
    .bind(actor)
    .bind(list)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            let after: serde_json::Value =
                serde_json::from_str(&r.try_get::<String, _>("after_json").unwrap()).unwrap();
            after["families"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect()
        })
        .collect()
}
