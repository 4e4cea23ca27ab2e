//! The home pages: the staff dashboard and the family and professional portal's start page.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::ConferenceState;
use confer_domain::Role;
use confer_store::conferences::{self, ConferenceRow};
use confer_store::families::{self, FamilySummary};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    page: &'a Page,
    roles: Vec<&'static str>,
    my_families: &'a [FamilySummary],
    chaired: &'a [ConferenceRow],
    waiting: Option<i64>,
    can_search: bool,
    /// Issue 13: a partner professional's own actions and core group dates (PLAN-02, CG-02).
    work: Option<confer_ops::plan_people::MyWork>,
    statuses: Vec<(&'static str, &'static str)>,
}

/// The home page: what is waiting for this person, by their roles. Nothing on it counts or
/// scans the whole authority, so it stays quick at national scale.
pub async fn dashboard(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Dashboard", "/");
    let has = |r: Role| ctx.actor.roles.contains(&r);
    let my = if has(Role::SocialWorker) || has(Role::TeamManager) {
        let workers = state.user_and_reports(&ctx.actor.authority_id, &ctx.actor.user_id).await?;
        families::list_families_of(&state.db, &ctx.actor.authority_id, Some((&ctx.actor.user_id, &workers)), "", 10, 0)
            .await?
    } else {
        Vec::new()
    };
    let chaired = if has(Role::Chair) {
        let today = state.settings.clock.today();
        conferences::chaired_between(&state.db, &ctx.actor.user_id, today, today + chrono::Days::new(14)).await?
    } else {
        Vec::new()
    };
    let waiting = if has(Role::Coordinator) {
        Some(conferences::count_in_state(&state.db, &ctx.actor.authority_id, ConferenceState::Requested).await?)
    } else {
        None
    };
    let work = if has(Role::Professional) {
        Some(confer_ops::plan_people::my_work(&state.ops, &ctx.actor).await?)
    } else {
        None
    };
    // One read event naming every family the dashboard shows (issue 10).
    let listed: Vec<&str> =
        my.iter().map(|f| f.id.as_str()).chain(chaired.iter().map(|c| c.family_id.as_str())).collect();
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "dashboard",
        &listed,
    )
    .await?;
    let roles = ctx.actor.roles.iter().map(|r| r.label()).collect();
    Ok(view::render(&Dashboard {
        page: &page,
        roles,
        my_families: &my,
        chaired: &chaired,
        waiting,
        can_search: ctx.may(Action::SearchFamilies),
        work,
        statuses: confer_domain::plan::ActionStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
    }))
}
