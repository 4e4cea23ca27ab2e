//! The home pages: the staff dashboard and the family and professional portal's start page.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::Role;
use confer_store::families::{self, FamilySummary};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    page: &'a Page,
    roles: Vec<&'static str>,
    families: i64,
    children: i64,
    my_families: &'a [FamilySummary],
    can_search: bool,
}

pub async fn dashboard(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Dashboard", "/");
    let (families_n, children_n) = families::counts(&state.db, &ctx.actor.authority_id).await?;
    let my = if ctx.actor.roles.contains(&Role::SocialWorker) || ctx.actor.roles.contains(&Role::TeamManager) {
        families::list_families(&state.db, &ctx.actor.authority_id, Some(&ctx.actor.user_id), "", 10, 0).await?
    } else {
        Vec::new()
    };
    let roles = ctx.actor.roles.iter().map(|r| r.label()).collect();
    Ok(view::render(&Dashboard {
        page: &page,
        roles,
        families: families_n,
        children: children_n,
        my_families: &my,
        can_search: ctx.may(Action::SearchFamilies),
    }))
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct PortalHome<'a> {
    page: &'a Page,
    t: &'a super::portal_text::Text,
}

pub async fn portal_home(ctx: Ctx) -> Result<Response, AppError> {
    let t = super::portal_text::for_lang(None);
    let page = ctx.page(t.home_title, "/portal");
    Ok(view::render(&PortalHome { page: &page, t }))
}
