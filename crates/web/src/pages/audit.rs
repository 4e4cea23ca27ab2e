//! The audit trail for auditors and quality assurance: who read or changed what, and when.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use confer_domain::audit::AuditEvent;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    page: &'a Page,
    events: &'a [AuditEvent],
    heading: &'a str,
}

pub async fn recent(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Audit trail", "/audit");
    let events = confer_store::audit::recent(&state.db, ctx.actor.authority_id.as_str(), 200).await?;
    Ok(view::render(&AuditPage { page: &page, events: &events, heading: "The latest 200 events" }))
}

pub fn when(e: &AuditEvent) -> String {
    view::long_instant(&e.at)
}
