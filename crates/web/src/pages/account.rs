//! A person's own account: sign out everywhere (which also revokes their API tokens), and
//! personal access tokens for the API: for staff with their authenticator app set up only,
//! each ending after the days chosen (at most a year).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::idempotency::RepeatAt;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_ops::accounts;
use confer_ops::OpsError;
use confer_store::tokens::{self, TokenInfo};
use confer_store::{sessions, users};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    page: &'a Page,
    sessions: i64,
    tokens: &'a [TokenInfo],
    new_token: Option<&'a str>,
    token_name: &'a str,
    token_days: &'a str,
    /// Whether this account may have tokens (staff with a second factor set up).
    can_have_tokens: bool,
    days_hint: String,
    /// The application's clock, by which a token has ended.
    clock: &'a confer_store::clock::Clock,
}

async fn show(
    state: &SharedState,
    ctx: &Ctx,
    mut page: Page,
    new_token: Option<&str>,
    token_name: &str,
    token_days: &str,
) -> Result<Response, AppError> {
    let live = sessions::live_count(&state.db, ctx.actor_id()).await?;
    let list = tokens::list(&state.db, ctx.actor_id()).await?;
    let me = users::by_id(&state.db, &ctx.actor.user_id).await?;
    let can_have_tokens = me.kind == users::AccountKind::Staff && me.totp_enrolled && !me.account.disabled;
    if new_token.is_some() {
        page.notice = Some("Token created. Copy it now: it will not be shown again.".into());
    }
    Ok(view::render(&AccountPage {
        page: &page,
        sessions: live,
        tokens: &list,
        new_token,
        token_name,
        token_days,
        can_have_tokens,
        days_hint: format!("From 1 to {} days. Leave it empty for {} days.", tokens::MAX_DAYS, tokens::DEFAULT_DAYS),
        clock: state.db.clock(),
    }))
}

#[derive(Deserialize)]
pub struct AccountQuery {
    /// Set when the token form was sent again after it made this token.
    #[serde(default)]
    token_made: Option<String>,
}

pub async fn account(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Your account", "/account");
    if let Some(id) = q.token_made {
        // The same form sent twice: the token was made the first time, and its secret shown
        // then; it is never shown again.
        let list = tokens::list(&state.db, ctx.actor_id()).await?;
        if let Some(t) = list.iter().find(|t| t.id == id) {
            page.notice = Some(format!(
                "The token \u{201c}{}\u{201d} was made when you first sent the form, and it was shown to you then. \
                 It is not shown again, and no second token was made. If you did not copy it, revoke it below \
                 and create a new one.",
                t.name
            ));
        }
    }
    show(&state, &ctx, page, None, "", "").await
}

pub async fn sign_out_everywhere(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = users::by_id(&state.db, &ctx.actor.user_id).await?;
    users::sign_out_everywhere(&state.db, &user).await?;
    let mut res = Redirect::to("/sign-in?signed_out=1").into_response();
    res.headers_mut().append(header::SET_COOKIE, crate::auth::clear_session_cookie(&state));
    Ok(res)
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    write: Option<String>,
    /// How many days the token lasts (empty: the default).
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Your account", "/account");
    let days = match f.days.trim() {
        "" => Some(tokens::DEFAULT_DAYS),
        d => d.parse::<i64>().ok(),
    };
    let Some(days) = days else {
        page.errors
            .add("days", format!("Enter how many days the token lasts, as a number from 1 to {}", tokens::MAX_DAYS));
        let mut res = show(&state, &ctx, page, None, &f.name, &f.days).await?;
        // The status of the same refusal when the operation says it (OpsError::Invalid).
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let request = accounts::TokenRequest { name: f.name.clone(), write: f.write.is_some(), days };
    match accounts::issue_token(&state.ops, accounts::TokenFor::Themselves(&ctx.actor), request).await {
        Ok(made) => {
            let mut res = show(&state, &ctx, page, Some(&made.secret), "", "").await?;
            // The same form sent again is answered by a page saying the token was made (and
            // shown once), never by a second token or the secret again.
            res.extensions_mut().insert(RepeatAt(format!("/account?token_made={}", made.id)));
            Ok(res)
        }
        // What to fix, on the form, with the status the same error has everywhere.
        Err(e @ (OpsError::Invalid { .. } | OpsError::Declined { .. } | OpsError::Duplicate { .. })) => {
            let field = match &e {
                OpsError::Invalid { field, .. } if !field.is_empty() => field,
                _ => "name",
            };
            let answer = crate::error::answer(&e);
            page.errors.add(field, capitalise(&answer.message));
            let mut res = show(&state, &ctx, page, None, &f.name, &f.days).await?;
            *res.status_mut() = answer.status;
            Ok(res)
        }
        Err(e) => Err(crate::pages::conferences::to_app(e)),
    }
}

pub async fn revoke_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    tokens::revoke(&state.db, ctx.actor_id(), ctx.actor.authority_id.as_str(), &id, ctx.actor_id()).await?;
    Ok(Redirect::to("/account").into_response())
}

/// A message as the start of a sentence on the page.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
