//! A person's own account: sign out everywhere, and personal access tokens for the API.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_store::tokens::{self, Scope, TokenInfo};
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
}

async fn show(
    state: &SharedState,
    ctx: &Ctx,
    mut page: Page,
    new_token: Option<&str>,
    token_name: &str,
) -> Result<Response, AppError> {
    let live = sessions::live_count(&state.db, ctx.actor_id()).await?;
    let list = tokens::list(&state.db, ctx.actor_id()).await?;
    if new_token.is_some() {
        page.notice = Some("Token created. Copy it now: it will not be shown again.".into());
    }
    Ok(view::render(&AccountPage { page: &page, sessions: live, tokens: &list, new_token, token_name }))
}

pub async fn account(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Your account", "/account");
    show(&state, &ctx, page, None, "").await
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
}

pub async fn create_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Your account", "/account");
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        page.errors.add("name", "Enter a name for the token of up to 100 characters, saying what will use it");
        return show(&state, &ctx, page, None, &f.name).await;
    }
    let scopes: &[Scope] = if f.write.is_some() { &[Scope::Read, Scope::Write] } else { &[Scope::Read] };
    let (_, token) =
        tokens::create(&state.db, ctx.actor_id(), ctx.actor.authority_id.as_str(), name, scopes, ctx.actor_id())
            .await?;
    show(&state, &ctx, page, Some(&token), "").await
}

pub async fn revoke_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    tokens::revoke(&state.db, ctx.actor_id(), ctx.actor.authority_id.as_str(), &id, ctx.actor_id()).await?;
    Ok(Redirect::to("/account").into_response())
}
