//! Transfers offered by another tenant of this installation (PLAN-05, TIME-02), for the
//! receiving authority's coordinators and team managers: the list, one transfer with its pack
//! when the sending authority consented to share it, and the answer: accept (which requests the
//! transfer-in conference for the child in this authority's record of the family) or decline
//! with the reason. Thin adapters over `confer_ops::transfers`; a refused form comes back with
//! what was typed and a GOV.UK error summary, with the API's status for the same error.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_ops::transfers::{self as ops, AcceptTransferInput, DeclineTransferInput, IncomingTransfer};
use confer_ops::OpsError;
use serde::Deserialize;

use super::form::{field, pairs_of, with_status, Pairs};

fn state_label(s: &str) -> &'static str {
    match s {
        "pending" => "Waiting for an answer",
        "accepted" => "Accepted",
        "declined" => "Declined",
        _ => "Unknown",
    }
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct ListView<'a> {
    page: &'a Page,
    rows: &'a [IncomingTransfer],
}

impl ListView<'_> {
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_else(|| "Not set".into())
    }
    fn state(&self, s: &str) -> &'static str {
        state_label(s)
    }
}

/// GET /transfers
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let rows = ops::incoming(&state.ops, &ctx.actor).await?;
    let page = ctx.page("Transfers from other authorities", "/transfers");
    Ok(view::render(&ListView { page: &page, rows: &rows }))
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct OneView<'a> {
    page: &'a Page,
    v: &'a ops::IncomingTransferView,
    may_answer: bool,
    typed: &'a Pairs,
    /// The social workers a new case here may be allocated to (recording from the pack).
    workers: Vec<(String, String)>,
}

impl OneView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_else(|| "Not set".into())
    }
    fn state(&self) -> &'static str {
        state_label(&self.v.transfer.state)
    }
    /// " on 1 December 2026" when the consent's day is known.
    fn shared_on(&self) -> String {
        self.v
            .transfer
            .pack_shared_at
            .as_deref()
            .and_then(|at| at.get(..10))
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .map(|d| format!(" on {}", view::long_date(&d)))
            .unwrap_or_default()
    }
    fn pending(&self) -> bool {
        self.v.transfer.state == "pending"
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    /// Whether the form was sent recording the child from the pack.
    fn copying(&self) -> bool {
        self.t("copy_from_pack") == "yes"
    }
    /// Issue 15: a conference in the nation's words ("Meeting", "Case conference").
    fn kind_label(&self, k: &str) -> String {
        match k {
            "conference" => self.page.words().meeting_title(),
            "plan-version" => "Plan changed".into(),
            "core-group" => "Core group meeting".into(),
            "network-meeting" => "Network meeting".into(),
            _ => "Event".into(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn one_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    let v = ops::open(&state.ops, &ctx.actor, id).await?;
    let may_answer = ctx.may(Action::AnswerTransfer);
    let workers = if may_answer && v.transfer.pack_shared && v.transfer.state == "pending" {
        ops::workers_to_allocate(&state.ops, &ctx.actor).await?
    } else {
        Vec::new()
    };
    let one = OneView { page: &page, v: &v, may_answer, typed, workers };
    Ok(with_status(view::render(&one), status))
}

/// GET /transfers/{transfer_id}
pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Transfer from another authority", "/transfers");
    page.notice = q.done.map(|d| {
        match d.as_str() {
            "declined" => "The transfer is declined. The sending authority sees your reason in its audit trail.",
            _ => "Saved.",
        }
        .to_owned()
    });
    one_view(&state, &ctx, &id, page, &Vec::new(), StatusCode::OK).await
}

/// A refused answer: the transfer again with the reason at the field and what was typed.
async fn refused(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    e: OpsError,
    typed: &Pairs,
    default_field: &'static str,
) -> Result<Response, AppError> {
    let (at, status, message) = match &e {
        OpsError::Invalid { field, message } => {
            (if field.is_empty() { default_field } else { *field }, StatusCode::UNPROCESSABLE_ENTITY, message.clone())
        }
        OpsError::Refused(r) => (default_field, StatusCode::UNPROCESSABLE_ENTITY, r.to_string()),
        OpsError::Duplicate { message } => (default_field, StatusCode::CONFLICT, message.clone()),
        _ => return Err(e.into()),
    };
    let mut page = ctx.page("Transfer from another authority", "/transfers");
    page.errors.add(at, message);
    one_view(state, ctx, id, page, typed, status).await
}

/// POST /transfers/{transfer_id}/accept: `family_id` and `child_id`; or `copy_from_pack=yes` with
/// `allocated_worker_id` (a new family's record) or `copy_family_id` (a sibling's family here).
pub async fn accept(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let copying = field(&p, "copy_from_pack") == "yes";
    let b = if copying {
        let worker = field(&p, "allocated_worker_id");
        AcceptTransferInput {
            family_id: field(&p, "copy_family_id"),
            copy_from_pack: true,
            allocated_worker_id: (!worker.trim().is_empty()).then_some(worker),
            ..Default::default()
        }
    } else {
        AcceptTransferInput { family_id: field(&p, "family_id"), child_id: field(&p, "child_id"), ..Default::default() }
    };
    match ops::accept(&state.ops, &ctx.actor, &id, b).await {
        Ok(a) => Ok(Redirect::to(&format!("/conferences/{}", view::url_encode(&a.conference_id))).into_response()),
        // Recording from the pack, the family is typed in its own field.
        Err(OpsError::Invalid { field: "family_id", message }) if copying => {
            refused(&state, &ctx, &id, OpsError::Invalid { field: "copy_family_id", message }, &p, "copy_from_pack")
                .await
        }
        Err(e) => refused(&state, &ctx, &id, e, &p, if copying { "copy_from_pack" } else { "family_id" }).await,
    }
}

/// POST /transfers/{transfer_id}/decline: `reason`.
pub async fn decline(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let b = DeclineTransferInput { reason: field(&p, "reason") };
    match ops::decline(&state.ops, &ctx.actor, &id, b).await {
        Ok(()) => Ok(Redirect::to(&format!("/transfers/{}?done=declined", view::url_encode(&id))).into_response()),
        Err(e) => refused(&state, &ctx, &id, e, &p, "reason").await,
    }
}
