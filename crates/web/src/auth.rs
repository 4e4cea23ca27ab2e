//! Who is asking: sessions for pages (password + TOTP for staff, a one-time e-mail code for
//! families and partner professionals), personal access tokens for the API; and the
//! sign-in pages themselves.

use crate::error::AppError;
use crate::view::{self, NavItem, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::audit::EventKind;
use confer_domain::validate::FormErrors;
use confer_domain::words::Words;
use confer_store::sessions::{self, Session, Stage};
use confer_store::users::{self, Claim, PasswordCheck, StoredUser};
use confer_store::{audit, tokens};
use serde::Deserialize;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "confer_session";
pub const ANON_CSRF_COOKIE: &str = "confer_csrf";

/// The session cookie's name. With Secure cookies it carries the `__Host-` prefix: browsers
/// then keep it only if it is Secure, for the whole site (`Path=/`) and from this host alone
/// (no `Domain`), so a neighbouring subdomain cannot set or overwrite it. Without Secure
/// cookies (plain-HTTP tests and local trials) the prefix is not allowed, so the bare name is used.
pub fn session_cookie_name(settings: &crate::WebSettings) -> &'static str {
    if settings.secure_cookies {
        "__Host-confer_session"
    } else {
        SESSION_COOKIE
    }
}

/// The anonymous CSRF cookie's name (see [`session_cookie_name`] for the prefix).
pub fn anon_csrf_cookie_name(settings: &crate::WebSettings) -> &'static str {
    if settings.secure_cookies {
        "__Host-confer_csrf"
    } else {
        ANON_CSRF_COOKIE
    }
}

/// How the request proved who it is. `Debug` never shows the session token.
#[derive(Clone)]
pub enum Via {
    /// A session cookie, with the number of factors the session was established with.
    Session {
        token: String,
        factors: u8,
    },
    Token {
        id: String,
        write: bool,
    },
}

impl std::fmt::Debug for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::Session { .. } => f.debug_struct("Session").field("token", &"(redacted)").finish(),
            Via::Token { id, write } => f.debug_struct("Token").field("id", id).field("write", write).finish(),
        }
    }
}

/// A signed-in person, as every handler sees them. `Debug` never shows the CSRF token.
#[derive(Clone)]
pub struct Ctx {
    pub user: Arc<StoredUser>,
    pub actor: Actor,
    pub authority_name: String,
    /// The words of the authority's nation (issue 15), for every page this person sees.
    pub words: &'static Words,
    pub via: Via,
    pub csrf: String,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("user", &self.user)
            .field("actor", &self.actor)
            .field("authority_name", &self.authority_name)
            .field("nation", &self.words.nation)
            .field("via", &self.via)
            .field("csrf", &"(redacted)")
            .finish()
    }
}

/// A session that has passed the password but not yet the second factor. `Debug` never
/// shows the token.
#[derive(Clone)]
pub struct PendingSignIn {
    pub session: Session,
    pub token: String,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn").field("session", &self.session).field("token", &"(redacted)").finish()
    }
}

/// Where a request comes from (the network address), to slow down many wrong sign-in
/// attempts from one place. Never logged or stored as such: the store keeps a hash.
#[derive(Debug, Clone)]
pub struct Source(pub String);

impl FromRequestParts<SharedState> for Source {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let socket = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(Source(client_address(&parts.headers, socket, state.settings.trusted_proxies)))
    }
}

/// The client's network address. With no trusted proxy, the connection's address. Behind
/// `trusted_proxies` = N reverse proxies, each of which appends the address it received the
/// request from to `X-Forwarded-For`, the entry N from the right is the address the outermost
/// trusted proxy saw: entries further left were written by the client and prove nothing. A
/// header with fewer than N entries, or an entry that is not an IP address, gives the
/// connection's address (which throttles more, never less).
pub fn client_address(headers: &HeaderMap, socket: Option<std::net::IpAddr>, trusted_proxies: usize) -> String {
    let from_socket = || socket.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into());
    if trusted_proxies == 0 {
        return from_socket();
    }
    // Every X-Forwarded-For header in order, as one list (RFC 9110: the same as one header
    // with the values joined by commas).
    let joined: Vec<String> =
        headers.get_all("x-forwarded-for").iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
    let entries: Vec<&str> = joined.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
    let Some(entry) = entries.len().checked_sub(trusted_proxies).map(|i| entries[i]) else {
        return from_socket();
    };
    let ip = entry
        .parse::<std::net::IpAddr>()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| entry.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok());
    ip.map(|ip| ip.to_string()).unwrap_or_else(from_socket)
}

/// The message for a network address that made too many wrong attempts.
fn throttled_message(until: &str) -> String {
    format!(
        "There have been too many wrong sign-in attempts from your network. Try again after {}. If you share a network with colleagues, tell your administrator.",
        view::long_instant(until)
    )
}

/// The one answer to a password that does not sign in: wrong user name, wrong password,
/// an account that is locked or disabled, or no such account. It says how to get help
/// without saying which.
pub const SIGN_IN_REFUSED: &str = "Enter a correct user name and password. After 5 wrong attempts an account is locked for 15 minutes: if you still cannot sign in after that, ask your administrator to check your account.";

/// The CSRF token the current request's forms carry (the session's, or the anonymous cookie's).
#[derive(Debug, Clone)]
pub struct ExpectedCsrf(pub Option<String>);

/// A cookie's value from the request's `Cookie` headers (parsed by the `cookie` crate).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site, Secure when set.
fn set_cookie(state: &SharedState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(state.settings.secure_cookies);
    if let Some(a) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(a));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that removes the cookie.
fn clear_cookie(state: &SharedState, name: &str) -> HeaderValue {
    set_cookie(state, name, "", Some(0))
}

/// The `Set-Cookie` value that ends the session cookie (sign-out, sign out everywhere).
pub fn clear_session_cookie(state: &SharedState) -> HeaderValue {
    clear_cookie(state, session_cookie_name(&state.settings))
}

impl Ctx {
    async fn from_user(state: &SharedState, user: StoredUser, via: Via, csrf: String) -> Result<Ctx, AppError> {
        let authority = state.authority(&user.account.authority_id).await?;
        let (authority_name, words) = (authority.name, Words::of(authority.nation));
        let actor = Actor {
            user_id: user.account.id.clone(),
            authority_id: user.account.authority_id.clone(),
            roles: user.account.roles.iter().copied().collect(),
        };
        Ok(Ctx { user: Arc::new(user), actor, authority_name, words, via, csrf })
    }

    pub fn may(&self, action: Action) -> bool {
        decide(&self.actor, action, Target::Authority(&self.actor.authority_id)) == Decision::Allow
    }

    /// The layout context for a page, with the navigation this person may use.
    pub fn page(&self, title: &str, current: &str) -> Page {
        let mut nav = Vec::new();
        let items: [(&'static str, &'static str, Action); 20] = [
            ("/", "Dashboard", Action::ViewDashboard),
            ("/families", "Families", Action::SearchFamilies),
            ("/conferences/chair", self.words.nav_yours, Action::ListChairedConferences),
            ("/conferences", self.words.nav_all, Action::ListConferences),
            ("/deadlines", "Due and overdue", Action::ViewDeadlines),
            ("/print-list", "Print list", Action::ManagePrintList),
            ("/reminders", "Reminders", Action::ViewRemindersLog),
            ("/plans", "Your plans", Action::ListMyPlans),
            ("/transfers", "Transfers in", Action::ViewIncomingTransfers),
            ("/audit", "Audit trail", Action::ViewAuditTrail),
            ("/quality", "Quality audits", Action::ViewQualityAudits),
            ("/complaints", "Complaints", Action::ViewComplaints),
            ("/dashboards", "Dashboards", Action::ViewDashboards),
            ("/subject-access", "Access requests", Action::ViewSubjectAccess),
            ("/records", "Records", Action::ReviewRetention),
            ("/returns/census", "Returns", Action::ExportReturns),
            ("/admin/users", "Users", Action::ManageUsers),
            ("/admin/policy", "Policy", Action::ManagePolicy),
            ("/admin/channels", "Messages", Action::ManageChannels),
            ("/account", "Your account", Action::ManageOwnAccount),
        ];
        for (href, label, action) in items {
            if self.may(action) {
                nav.push(NavItem { href, label, current: href == current });
            }
        }
        Page {
            title: title.to_owned(),
            user: Some(self.user.account.display_name.clone()),
            authority: Some(self.authority_name.clone()),
            csrf: self.csrf.clone(),
            nav,
            lang: "en",
            errors: FormErrors::default(),
            notice: None,
            words: Some(self.words),
        }
    }

    /// Asks the policy about a family's record, with every relationship this person has to
    /// it. Another tenant's family, a family they have no relationship to, and a family that
    /// does not exist all answer "not found".
    pub async fn authorize_record(&self, state: &SharedState, action: Action, family_id: &str) -> Result<(), AppError> {
        let access = self.record_access(state, family_id).await?;
        self.allowed(&access, action)
    }

    /// This person's relationships to a family's record, read once, so a page that asks the
    /// policy about several actions (to show or hide each link and form) reads them once.
    pub async fn record_access(&self, state: &SharedState, family_id: &str) -> Result<RecordAccess, AppError> {
        let Some(authority) = confer_store::families::family_authority(&state.db, family_id).await? else {
            return Err(AppError::NotFound);
        };
        let relationships = if authority == self.actor.authority_id {
            confer_store::families::relationships(&state.db, &self.actor.user_id, family_id).await?
        } else {
            Vec::new()
        };
        Ok(RecordAccess { authority, relationships })
    }

    /// The policy's answer for `action` on a record whose relationships were read.
    pub fn allowed(&self, access: &RecordAccess, action: Action) -> Result<(), AppError> {
        let target = Target::Record { authority_id: &access.authority, relationships: &access.relationships };
        match decide(&self.actor, action, target) {
            Decision::Allow => Ok(()),
            Decision::Forbidden => Err(AppError::Forbidden),
            Decision::NotFound => Err(AppError::NotFound),
        }
    }

    pub fn actor_id(&self) -> &str {
        self.actor.user_id.as_str()
    }

    /// How many factors this request's credential stands for: the session's; for an API token,
    /// two only when the account has its authenticator enrolled.
    pub fn factors(&self) -> u8 {
        match &self.via {
            Via::Session { factors, .. } => *factors,
            Via::Token { .. } => {
                if self.user.totp_enrolled {
                    2
                } else {
                    1
                }
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(AppError::SignInRequired { next: parts.uri.path().to_owned() })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ExpectedCsrf {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ExpectedCsrf>().cloned().unwrap_or(ExpectedCsrf(None)))
    }
}

/// Works out who is asking and puts it in the request: a full [`Ctx`], a [`PendingSignIn`],
/// and the CSRF token expected from forms. Also hands out the anonymous CSRF cookie.
pub async fn authenticate(State(state): State<SharedState>, mut req: Request, next: Next) -> Response {
    // Health checks and static files need no one: they must answer even when the database cannot.
    let path = req.uri().path();
    if path == "/healthz" || path == "/readyz" || path.starts_with("/assets/") {
        return next.run(req).await;
    }
    // Issue 14: GOV.UK Notify's callbacks carry the authority's callback token, never a
    // session or an API token: neither is looked for (the handler checks the token).
    if path.starts_with("/callbacks/") {
        return next.run(req).await;
    }
    let headers = req.headers().clone();
    let mut expected_csrf = None;
    let mut new_anon_cookie = None;
    let result: Result<(), AppError> = async {
        if let Some(bearer) =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
        {
            if let Some(info) = tokens::authenticate(&state.db, bearer.trim()).await? {
                let user = users::by_id(&state.db, &info.user_id.clone().into()).await?;
                if !user.account.disabled {
                    let write = info.scopes.contains(&tokens::Scope::Write);
                    let ctx = Ctx::from_user(&state, user, Via::Token { id: info.id, write }, String::new()).await?;
                    req.extensions_mut().insert(ctx);
                }
            }
            return Ok(());
        }
        if let Some(token) = cookie(&headers, session_cookie_name(&state.settings)) {
            if let Some(session) = sessions::find(&state.db, &token, state.settings.timeouts()).await? {
                expected_csrf = Some(session.csrf_token.clone());
                if session.stage == Stage::Full {
                    let user = users::by_id(&state.db, &session.user_id.clone().into()).await?;
                    let ctx = Ctx::from_user(
                        &state,
                        user,
                        Via::Session { token: token.clone(), factors: session.factors },
                        // Forms carry the session's token and a nonce of this render (their key).
                        crate::csrf::form_token(&session.csrf_token),
                    )
                    .await?;
                    req.extensions_mut().insert(ctx);
                } else {
                    req.extensions_mut().insert(PendingSignIn { session, token });
                }
            }
        }
        if expected_csrf.is_none() {
            match cookie(&headers, anon_csrf_cookie_name(&state.settings))
                .filter(|c| c.len() == 64 && c.chars().all(|ch| ch.is_ascii_hexdigit()))
            {
                Some(c) => expected_csrf = Some(c),
                None => {
                    let fresh = confer_store::random_secret(32);
                    expected_csrf = Some(fresh.clone());
                    new_anon_cookie = Some(fresh);
                }
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        return e.into_response();
    }
    req.extensions_mut().insert(ExpectedCsrf(expected_csrf));
    let mut res = next.run(req).await;
    if let Some(c) = new_anon_cookie {
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(&state, anon_csrf_cookie_name(&state.settings), &c, None));
    }
    res
}

// ---------- staff sign-in: password, then TOTP (or enrolment) ----------

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    page: &'a Page,
    username: &'a str,
    next: &'a str,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    pub next: Option<String>,
    pub signed_out: Option<String>,
}

pub(crate) fn anon_page(title: &str, csrf: &ExpectedCsrf) -> Page {
    let mut p = Page::bare(title);
    p.csrf = csrf.0.clone().unwrap_or_default();
    p
}

pub async fn sign_in_page(csrf: ExpectedCsrf, Query(q): Query<NextQuery>) -> Response {
    let mut page = anon_page("Sign in", &csrf);
    if q.signed_out.is_some() {
        page.notice = Some("You have signed out.".into());
    }
    let next = view::safe_next(q.next.as_deref());
    view::render(&SignInPage { page: &page, username: "", next: &next })
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The password step. Every password that does not sign in (wrong, unknown user name, locked
/// or disabled account, not a staff account) gets the same page, status and argon2 work.
pub async fn sign_in(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    source: Source,
    Form(f): Form<SignInForm>,
) -> Result<Response, AppError> {
    let mut page = anon_page("Sign in", &csrf);
    let next = view::safe_next(Some(&f.next));
    if f.username.trim().is_empty() {
        page.errors.add("username", "Enter your user name");
    }
    if f.password.is_empty() {
        page.errors.add("password", "Enter your password");
    }
    if !page.errors.is_empty() {
        return Ok(view::render(&SignInPage { page: &page, username: &f.username, next: &next }));
    }
    if let Some(until) = users::source_throttled(&state.db, &source.0).await? {
        page.errors.add("username", throttled_message(&until));
        return Ok(view::render(&SignInPage { page: &page, username: &f.username, next: &next }));
    }
    let user = match users::check_password(&state.db, &f.username, &f.password, &source.0).await? {
        PasswordCheck::Correct(u) => u,
        PasswordCheck::Wrong | PasswordCheck::Locked { .. } | PasswordCheck::Disabled => {
            users::count_source_failure(&state.db, &source.0).await?;
            page.errors.add("username", SIGN_IN_REFUSED);
            return Ok(view::render(&SignInPage { page: &page, username: &f.username, next: &next }));
        }
    };
    let stage = if user.totp_enrolled { Stage::Password } else { Stage::Enrol };
    let (token, _) = sessions::start_half_signed_in(&state.db, &user, stage, "password").await?;
    let target = if stage == Stage::Password { "/sign-in/code" } else { "/sign-in/enrol" };
    let target = if next != "/" { format!("{target}?next={}", view::url_encode(&next)) } else { target.to_owned() };
    let mut res = Redirect::to(&target).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state, session_cookie_name(&state.settings), &token, None));
    Ok(res)
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage<'a> {
    page: &'a Page,
    f: &'a FactorText,
    next: &'a str,
}

use crate::pages::portal_text::{factor_text_for_next, FactorText};

/// A page of the second step, in the language of where the person goes next (a partner
/// professional from the Welsh portal sees Welsh).
fn pending_page(title: &str, p: &PendingSignIn, f: &FactorText) -> Page {
    let mut page = Page::bare(title);
    page.csrf = p.session.csrf_token.clone();
    page.lang = f.lang;
    page
}

pub async fn code_page(pending: Option<axum::Extension<PendingSignIn>>, Query(q): Query<NextQuery>) -> Response {
    let Some(axum::Extension(p)) = pending.filter(|p| p.session.stage == Stage::Password) else {
        return Redirect::to("/sign-in").into_response();
    };
    let next = view::safe_next(q.next.as_deref());
    let f = factor_text_for_next(&next);
    view::render(&CodePage { page: &pending_page(f.code_title, &p, f), f, next: &next })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// Replaces the half-way session with a full one (a new token, so a token seen before the
/// second factor is worth nothing after it) and records the sign-in: the old session's end,
/// the new one's start, the cleared failure count and the audit event are one transaction.
async fn complete_sign_in(
    state: &SharedState,
    user: &StoredUser,
    old_token: Option<&str>,
    next: &str,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    if let Some(old) = old_token {
        sessions::end_in(&mut tx, old).await?;
    }
    let (token, _) =
        sessions::start_in(&mut tx, user.account.id.as_str(), user.session_generation, Stage::Full).await?;
    users::clear_failures(&mut tx, &user.account.id).await?;
    audit::record(
        &mut tx,
        audit::Entry::own_account(
            &user.account,
            EventKind::SignIn,
            "sign-in",
            serde_json::Value::Null,
            serde_json::Value::Null,
        ),
    )
    .await?;
    tx.commit().await.map_err(confer_store::StoreError::from)?;
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(state, session_cookie_name(&state.settings), &token, None));
    Ok(res)
}

/// The answer when the account is locked (or cannot sign in) at the second step: this
/// half-signed-in session ends. The person has given the right password, so saying that the
/// account is locked tells them nothing they could not know.
async fn locked_at_code(
    state: &SharedState,
    p: &PendingSignIn,
    until: Option<&str>,
    next: &str,
) -> Result<Response, AppError> {
    sessions::end(&state.db, &p.token).await?;
    let mut page = Page::bare("Sign in");
    let message = match until {
        Some(until) => format!(
            "This account is locked after too many wrong codes. Try again after {}, or ask your administrator for help.",
            view::long_instant(until)
        ),
        None => "You cannot sign in now. Ask your administrator for help.".to_owned(),
    };
    page.errors.add("username", message);
    let mut res = view::render(&SignInPage { page: &page, username: "", next });
    res.headers_mut().append(header::SET_COOKIE, clear_session_cookie(state));
    Ok(res)
}

/// The second step: an authenticator code or a recovery code. An attempt is claimed from the
/// account (not the session) before the code is checked, so wrong codes spread over many
/// half-signed-in sessions, or sent all at once, count together and stop at the limit.
pub async fn code(
    State(state): State<SharedState>,
    pending: Option<axum::Extension<PendingSignIn>>,
    source: Source,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(axum::Extension(p)) = pending.filter(|p| p.session.stage == Stage::Password) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let next = view::safe_next(Some(&f.next));
    let words = factor_text_for_next(&next);
    let mut page = pending_page(words.code_title, &p, words);
    let code = f.code.trim();
    if code.is_empty() {
        page.errors.add("code", words.code_empty);
        return Ok(view::render(&CodePage { page: &page, f: words, next: &next }));
    }
    if let Some(until) = users::source_throttled(&state.db, &source.0).await? {
        page.errors.add("code", throttled_message(&until));
        return Ok(view::render(&CodePage { page: &page, f: words, next: &next }));
    }
    let user = users::by_id(&state.db, &p.session.user_id.clone().into()).await?;
    let (failures, locks_until) = match users::claim_attempt(&state.db, &user.account.id).await? {
        Claim::Granted { failures, locks_until } => (failures, locks_until),
        Claim::Refused { locked_until, .. } => return locked_at_code(&state, &p, locked_until.as_deref(), &next).await,
    };
    let (ok, step) = if users::is_totp_code(code) {
        (users::check_totp(&state.db, &user, code).await?, "totp")
    } else {
        (users::use_recovery_code(&state.db, &user, code).await?, "recovery-code")
    };
    if ok {
        return complete_sign_in(&state, &user, Some(&p.token), &next).await;
    }
    users::count_source_failure(&state.db, &source.0).await?;
    if let Some(until) = users::attempt_failed(&state.db, &user, failures, locks_until, step).await? {
        return locked_at_code(&state, &p, Some(&until), &next).await;
    }
    page.errors.add("code", words.code_error);
    Ok(view::render(&CodePage { page: &page, f: words, next: &next }))
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage<'a> {
    page: &'a Page,
    f: &'a FactorText,
    qr_svg: &'a str,
    secret: &'a str,
    /// The name the authenticator app shows for the account.
    label: &'a str,
    next: &'a str,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    page: &'a Page,
    f: &'a FactorText,
    codes: &'a [String],
    next: &'a str,
}

fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
            // The SVG goes inside the page: drop its XML declaration and give it a name.
            let svg = svg.find("<svg").map(|i| &svg[i..]).unwrap_or("");
            svg.replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"QR code to add confer to your authenticator app\" ",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

/// An enrolment session of an account that has set up its authenticator since (in another
/// window, or someone else who knows the password) must not see the secret: it ends.
async fn enrolment_over(state: &SharedState, p: &PendingSignIn) -> Result<Response, AppError> {
    sessions::end(&state.db, &p.token).await?;
    let mut res = Redirect::to("/sign-in").into_response();
    res.headers_mut().append(header::SET_COOKIE, clear_session_cookie(state));
    Ok(res)
}

async fn enrol_view(
    state: &SharedState,
    p: &PendingSignIn,
    user: &StoredUser,
    page: &Page,
    next: &str,
) -> Result<Response, AppError> {
    let secret = match users::totp_secret_of(user)? {
        Some(s) => s,
        None => match users::begin_totp_enrolment(&state.db, user).await? {
            Some(s) => s,
            None => return enrolment_over(state, p).await,
        },
    };
    // What the app shows: the authority's name (the issuer) and the person's e-mail address
    // (or name), never an internal id.
    let issuer = authenticator_words(&state.authority_name(&user.account.authority_id).await?);
    let who = if user.account.email.trim().is_empty() { &user.account.display_name } else { &user.account.email };
    let account = authenticator_words(who);
    let totp = users::totp_for(&secret, &account, &issuer)?;
    let svg = qr_svg(&totp.get_url());
    let label = format!("{issuer} ({account})");
    let f = factor_text_for_next(next);
    Ok(view::render(&EnrolPage { page, f, qr_svg: &svg, secret: &secret, label: &label, next }))
}

/// A name for an authenticator app's list: no colon (it separates the issuer from the
/// account in the key's URI), no control characters, trimmed.
fn authenticator_words(text: &str) -> String {
    text.chars().filter(|c| *c != ':' && !c.is_control()).collect::<String>().trim().to_owned()
}

pub async fn enrol_page(
    State(state): State<SharedState>,
    pending: Option<axum::Extension<PendingSignIn>>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let Some(axum::Extension(p)) = pending.filter(|p| p.session.stage == Stage::Enrol) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let user = users::by_id(&state.db, &p.session.user_id.clone().into()).await?;
    if user.totp_enrolled {
        return enrolment_over(&state, &p).await;
    }
    let next = view::safe_next(q.next.as_deref());
    let f = factor_text_for_next(&next);
    enrol_view(&state, &p, &user, &pending_page(f.enrol_title, &p, f), &next).await
}

pub async fn enrol(
    State(state): State<SharedState>,
    pending: Option<axum::Extension<PendingSignIn>>,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(axum::Extension(p)) = pending.filter(|p| p.session.stage == Stage::Enrol) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let next = view::safe_next(Some(&f.next));
    let user = users::by_id(&state.db, &p.session.user_id.clone().into()).await?;
    if user.totp_enrolled {
        return enrolment_over(&state, &p).await;
    }
    // (A locked account's enrolment session has already ended: the session lookup checks the lock.)
    let words = factor_text_for_next(&next);
    if !users::check_totp(&state.db, &user, f.code.trim()).await? {
        let mut page = pending_page(words.enrol_title, &p, words);
        page.errors.add("code", words.enrol_error);
        return enrol_view(&state, &p, &user, &page, &next).await;
    }
    let codes = match users::finish_totp_enrolment(&state.db, &user).await {
        Ok(codes) => codes,
        Err(confer_store::StoreError::Conflict(_)) => return enrolment_over(&state, &p).await,
        Err(e) => return Err(e.into()),
    };
    let user = users::by_id(&state.db, &user.account.id).await?;
    // Sign in fully now; the recovery codes page is the first page of the session.
    let mut res = complete_sign_in(&state, &user, Some(&p.token), &next).await?;
    let mut page = Page::bare(words.recovery_title);
    page.lang = words.lang;
    let body = view::render(&RecoveryCodesPage { page: &page, f: words, codes: &codes, next: &next });
    let cookies: Vec<HeaderValue> = res.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    res = body;
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Ends this session; the end and its audit event are one transaction.
pub async fn sign_out(
    State(state): State<SharedState>,
    headers: HeaderMap,
    ctx: Option<axum::Extension<Ctx>>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    if let Some(token) = cookie(&headers, session_cookie_name(&state.settings)) {
        sessions::end_in(&mut tx, &token).await?;
    }
    if let Some(axum::Extension(ctx)) = ctx {
        audit::record(
            &mut tx,
            audit::Entry {
                authority_id: ctx.actor.authority_id.as_str(),
                actor: ctx.actor_id(),
                kind: EventKind::SignOut,
                action: "sign-out",
                entity_type: "user",
                entity_id: ctx.actor_id(),
                before: serde_json::Value::Null,
                after: serde_json::Value::Null,
            },
        )
        .await?;
    }
    tx.commit().await.map_err(confer_store::StoreError::from)?;
    let mut res = Redirect::to("/sign-in?signed_out=1").into_response();
    res.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(res)
}

// ---------- families and partner professionals: a one-time code by e-mail ----------
//
// The address the code was asked for is kept server-side for the browser's sign-in
// ([`confer_store::otp::Flow`], its token in a short-lived cookie), never in a URL. Every
// address gets the same answer in the same time: the request is counted for any address, and
// the code is written (or not) by a background task. After the code, a person whose roles need
// two factors (a partner professional) goes on to the authenticator pages staff use (enrolling
// the first time); a family member is signed in with one factor. An address with portal
// accounts in several authorities chooses which one to sign in to.

pub const PORTAL_FLOW_COOKIE: &str = "confer_portal_sign_in";

#[derive(Template)]
#[template(path = "portal_sign_in.html")]
struct PortalSignInPage<'a> {
    page: &'a Page,
    t: &'a crate::pages::portal_text::Text,
    email: &'a str,
}

#[derive(Template)]
#[template(path = "portal_code.html")]
struct PortalCodePage<'a> {
    page: &'a Page,
    t: &'a crate::pages::portal_text::Text,
}

#[derive(Template)]
#[template(path = "portal_choose.html")]
struct PortalChoosePage<'a> {
    page: &'a Page,
    t: &'a crate::pages::portal_text::Text,
    /// (account id, authority name)
    accounts: &'a [(String, String)],
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

fn portal_page(title: &str, csrf: &ExpectedCsrf, lang: &'static str) -> Page {
    let mut p = anon_page(title, csrf);
    p.lang = lang;
    p
}

pub async fn portal_sign_in_page(csrf: ExpectedCsrf, Query(q): Query<LangQuery>) -> Response {
    let t = crate::pages::portal_text::for_lang(q.lang.as_deref());
    let page = portal_page(t.sign_in_title, &csrf, t.lang);
    view::render(&PortalSignInPage { page: &page, t, email: "" })
}

#[derive(Deserialize)]
pub struct PortalEmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    lang: String,
}

pub async fn portal_sign_in(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    source: Source,
    Form(f): Form<PortalEmailForm>,
) -> Result<Response, AppError> {
    let t = crate::pages::portal_text::for_lang(Some(&f.lang));
    let mut page = portal_page(t.sign_in_title, &csrf, t.lang);
    let email = f.email.trim();
    if !email.contains('@') || email.len() < 3 || email.len() > 320 {
        page.errors.add("email", t.email_error);
        return Ok(view::render(&PortalSignInPage { page: &page, t, email }));
    }
    // Per network address first (the same answer whatever address was typed), then per e-mail address.
    if let Some(until) = confer_store::otp::note_source_request(&state.db, &source.0).await? {
        page.errors.add("email", format!("{} {}", t.too_many_from_network, view::long_instant(&until)));
        return Ok(view::render(&PortalSignInPage { page: &page, t, email }));
    }
    match confer_store::otp::note_request(&state.db, email).await? {
        confer_store::otp::Requested::Sent => {
            let token = confer_store::otp::begin_flow(&state.db, email, t.lang).await?;
            // Whether the address is known decides only what the background task writes.
            let (db, address) = (state.db.clone(), email.to_owned());
            tokio::spawn(async move {
                if let Err(e) = confer_store::otp::send_code(&db, &address).await {
                    tracing::warn!(error = %crate::error::describe(&e), "portal: a sign-in code could not be written");
                }
            });
            let mut res = Redirect::to(&format!("/portal/sign-in/code?lang={}", t.lang)).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, PORTAL_FLOW_COOKIE, &token, Some(confer_store::otp::FLOW_MINUTES * 60)),
            );
            Ok(res)
        }
        confer_store::otp::Requested::TooMany { retry_after } => {
            page.errors.add("email", format!("{} {}", t.too_many, view::long_instant(&retry_after)));
            Ok(view::render(&PortalSignInPage { page: &page, t, email }))
        }
    }
}

/// The browser's sign-in under way, from its cookie.
async fn portal_flow(
    state: &SharedState,
    headers: &HeaderMap,
) -> Result<Option<(String, confer_store::otp::Flow)>, AppError> {
    let Some(token) = cookie(headers, PORTAL_FLOW_COOKIE) else { return Ok(None) };
    Ok(confer_store::otp::flow(&state.db, &token).await?.map(|f| (token, f)))
}

/// Removes the portal sign-in cookie where no settings are at hand (it is never `__Host-`).
fn clear_flow_cookie() -> HeaderValue {
    let c = cookie::Cookie::build((PORTAL_FLOW_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(0));
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn restart(lang: &str) -> Response {
    let mut res = Redirect::to(&format!("/portal/sign-in?lang={lang}")).into_response();
    res.headers_mut().append(header::SET_COOKIE, clear_flow_cookie());
    res
}

pub async fn portal_code_page(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let t = crate::pages::portal_text::for_lang(q.lang.as_deref());
    if portal_flow(&state, &headers).await?.is_none() {
        return Ok(restart(t.lang));
    }
    let page = portal_page(t.code_title, &csrf, t.lang);
    Ok(view::render(&PortalCodePage { page: &page, t }))
}

#[derive(Deserialize)]
pub struct PortalCodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
}

/// The sign-in page again, saying the account is locked and until when.
fn portal_locked(csrf: &ExpectedCsrf, t: &'static crate::pages::portal_text::Text, until: &str) -> Response {
    let mut page = portal_page(t.sign_in_title, csrf, t.lang);
    page.errors.add("email", format!("{} {}", t.locked, view::long_instant(until)));
    let mut res = view::render(&PortalSignInPage { page: &page, t, email: "" });
    res.headers_mut().append(header::SET_COOKIE, clear_flow_cookie());
    res
}

pub async fn portal_code(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    headers: HeaderMap,
    source: Source,
    Form(f): Form<PortalCodeForm>,
) -> Result<Response, AppError> {
    let t = crate::pages::portal_text::for_lang(Some(&f.lang));
    let Some((token, flow)) = portal_flow(&state, &headers).await? else {
        return Ok(restart(t.lang));
    };
    if let Some(until) = users::source_throttled(&state.db, &source.0).await? {
        let mut page = portal_page(t.code_title, &csrf, t.lang);
        page.errors.add("code", format!("{} {}", t.too_many, view::long_instant(&until)));
        return Ok(view::render(&PortalCodePage { page: &page, t }));
    }
    use confer_store::otp::Checked;
    match confer_store::otp::check(&state.db, &flow.address, &f.code).await? {
        Checked::Wrong => {
            users::count_source_failure(&state.db, &source.0).await?;
            let mut page = portal_page(t.code_title, &csrf, t.lang);
            page.errors.add("code", t.code_error);
            Ok(view::render(&PortalCodePage { page: &page, t }))
        }
        Checked::Locked { until } => {
            users::count_source_failure(&state.db, &source.0).await?;
            confer_store::otp::take_flow(&state.db, &token).await?;
            Ok(portal_locked(&csrf, t, &until))
        }
        Checked::Right(accounts) if accounts.len() == 1 => {
            confer_store::otp::take_flow(&state.db, &token).await?;
            portal_finish(&state, &csrf, t, &accounts[0]).await
        }
        Checked::Right(accounts) => {
            confer_store::otp::flow_verified(&state.db, &token).await?;
            let mut choices = Vec::with_capacity(accounts.len());
            for a in &accounts {
                choices.push((a.account.id.to_string(), state.authority_name(&a.account.authority_id).await?));
            }
            let page = portal_page(t.choose_title, &csrf, t.lang);
            Ok(view::render(&PortalChoosePage { page: &page, t, accounts: &choices }))
        }
    }
}

#[derive(Deserialize)]
pub struct PortalChooseForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    lang: String,
}

/// An address with portal accounts in several authorities: the person chose one after the code.
pub async fn portal_choose(
    State(state): State<SharedState>,
    csrf: ExpectedCsrf,
    headers: HeaderMap,
    Form(f): Form<PortalChooseForm>,
) -> Result<Response, AppError> {
    let t = crate::pages::portal_text::for_lang(Some(&f.lang));
    let Some((token, flow)) = portal_flow(&state, &headers).await? else {
        return Ok(restart(t.lang));
    };
    if !flow.verified {
        return Ok(restart(t.lang));
    }
    // Checked again now: the accounts of the address that may sign in (not disabled, not locked).
    let accounts = confer_store::otp::accounts_for(&state.db, &flow.address).await?;
    let Some(chosen) = accounts.iter().find(|a| a.account.id.as_str() == f.account) else {
        let mut choices = Vec::with_capacity(accounts.len());
        for a in &accounts {
            choices.push((a.account.id.to_string(), state.authority_name(&a.account.authority_id).await?));
        }
        if choices.is_empty() {
            return Ok(restart(t.lang));
        }
        let mut page = portal_page(t.choose_title, &csrf, t.lang);
        page.errors.add("account", t.choose_error);
        return Ok(view::render(&PortalChoosePage { page: &page, t, accounts: &choices }));
    };
    // Used once: of two requests with the same sign-in, one goes on.
    if confer_store::otp::take_flow(&state.db, &token).await?.is_none() {
        return Ok(restart(t.lang));
    }
    portal_finish(&state, &csrf, t, chosen).await
}

/// After the right code for this account: a person whose roles need two factors goes on to the
/// authenticator (enrolling the first time) on the pages staff use; a family member is signed
/// in with one factor. The lock is checked again here.
async fn portal_finish(
    state: &SharedState,
    csrf: &ExpectedCsrf,
    t: &'static crate::pages::portal_text::Text,
    user: &StoredUser,
) -> Result<Response, AppError> {
    if let Some(until) = confer_store::otp::locked_until(&state.db, &user.account.id).await? {
        return Ok(portal_locked(csrf, t, &until));
    }
    let home = if t.lang == "cy" { "/portal?lang=cy" } else { "/portal" };
    let (target, token) = if confer_domain::Role::any_needs_second_factor(&user.account.roles) {
        let stage = if user.totp_enrolled { Stage::Password } else { Stage::Enrol };
        let (token, _) = sessions::start_half_signed_in(&state.db, user, stage, "email-code").await?;
        let step = if stage == Stage::Password { "/sign-in/code" } else { "/sign-in/enrol" };
        (format!("{step}?next={}", view::url_encode(home)), token)
    } else {
        // The session and its audit event are one transaction.
        let mut tx = state.db.begin().await?;
        let (token, _) =
            sessions::start_in_with_factors(&mut tx, user.account.id.as_str(), user.session_generation, Stage::Full, 1)
                .await?;
        audit::record(
            &mut tx,
            audit::Entry::own_account(
                &user.account,
                EventKind::SignIn,
                "sign-in",
                serde_json::Value::Null,
                serde_json::json!({"factors": 1}),
            ),
        )
        .await?;
        tx.commit().await.map_err(confer_store::StoreError::from)?;
        (home.to_owned(), token)
    };
    let mut res = Redirect::to(&target).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(state, session_cookie_name(&state.settings), &token, None));
    res.headers_mut().append(header::SET_COOKIE, clear_cookie(state, PORTAL_FLOW_COOKIE));
    Ok(res)
}

/// What the access policy needs about one family's record for one person: its authority and
/// the person's relationships to it ([`Ctx::record_access`]).
pub struct RecordAccess {
    pub authority: confer_domain::AuthorityId,
    pub relationships: Vec<confer_domain::access::Relationship>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_client_address_is_the_entry_the_trusted_proxy_saw() {
        let socket = Some("10.0.0.2".parse().unwrap());
        // No trusted proxy: the header is ignored.
        assert_eq!(client_address(&xff(&["203.0.113.7"]), socket, 0), "10.0.0.2");
        // One proxy: its entry is the last; what the client wrote before it is ignored.
        assert_eq!(client_address(&xff(&["1.2.3.4, 203.0.113.7"]), socket, 1), "203.0.113.7");
        assert_eq!(client_address(&xff(&["1.2.3.4", "203.0.113.7"]), socket, 1), "203.0.113.7");
        // Two proxies: the outer one's entry is second from the right.
        assert_eq!(client_address(&xff(&["1.2.3.4, 203.0.113.7, 10.0.0.9"]), socket, 2), "203.0.113.7");
        // Ports and IPv6 brackets are dropped.
        assert_eq!(client_address(&xff(&["203.0.113.7:5555"]), socket, 1), "203.0.113.7");
        assert_eq!(client_address(&xff(&["[2001:db8::1]:443"]), socket, 1), "2001:db8::1");
        assert_eq!(client_address(&xff(&["[2001:db8::1]"]), socket, 1), "2001:db8::1");
        // Too few entries, no header, or not an address: the connection's address.
        assert_eq!(client_address(&xff(&["203.0.113.7"]), socket, 2), "10.0.0.2");
        assert_eq!(client_address(&HeaderMap::new(), socket, 1), "10.0.0.2");
        assert_eq!(client_address(&xff(&["1.2.3.4, not-an-address"]), socket, 1), "10.0.0.2");
        assert_eq!(client_address(&HeaderMap::new(), None, 0), "unknown");
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; confer_session=abc; b=2"));
        h.append(header::COOKIE, HeaderValue::from_static("confer_csrf=def"));
        assert_eq!(cookie(&h, "confer_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "confer_csrf").as_deref(), Some("def"));
        assert_eq!(cookie(&h, "confer"), None);
    }
}
