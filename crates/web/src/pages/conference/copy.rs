//! The copy of the record one recipient was sent.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{allow, recipient_name, user_names};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_store::conferences;

#[derive(Template)]
#[template(path = "conference_copy.html")]
struct CopyPage<'a> {
    page: &'a Page,
    id: &'a str,
    number: &'a str,
    recipient: String,
    version: u32,
    on: String,
    sections: Vec<RecordSection>,
    withheld: bool,
    confidentiality: Option<&'static str>,
}

/// The copy one recipient was sent (EXC-06, REP-03, MEET-04): the version sent, with what
/// they may not see removed by the domain's redaction.
pub async fn copy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let a = allow(&state, &ctx, Action::ViewConference, &id).await?;
    let stored = conferences::load(&state.db, &id).await?;
    let c = &stored.conference;
    // ROLE-11: reading a recipient's copy of the record is a read of the family's record.
    conferences::log_read_as(
        &state.db,
        &a.owner.authority_id,
        &ctx.actor.user_id,
        a.owner.family_id.as_str(),
        &id,
        "conference.record-copy.read",
    )
    .await?;
    let sent = number.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| c.record().distribution.get(i));
    let Some(sent) = sent else {
        // Nothing sent under that number (yet): the record page's log of what was sent.
        return Ok(Redirect::to(&format!("/conferences/{id}/record#distribution")).into_response());
    };
    let Some(version) = c.record().versions.iter().find(|v| v.number == sent.version) else {
        return Err(AppError::NotFound);
    };
    let visibility = c.visibility_for(&sent.recipient);
    let sections = redact(&version.sections, &visibility);
    let (names, _) = user_names(&state, &ctx).await?;
    let recipient = recipient_name(c, &sent.recipient, &names);
    let page = ctx.page(&format!("The record as sent to {recipient}"), "/conferences");
    Ok(view::render(&CopyPage {
        page: &page,
        id: &id,
        number: &number,
        version: version.number,
        on: view::long_date(&sent.on),
        withheld: sections.len() < version.sections.len(),
        // REP-04: the statement in the language the copy was sent in.
        confidentiality: visibility
            .is_family()
            .then(|| confidentiality_statement(sent.language.unwrap_or(DocumentLanguage::English))),
        sections,
        recipient,
    }))
}
