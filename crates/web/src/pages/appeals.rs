//! Northern Ireland (issue 15): the appeal against a conference's decision. Staff: the
//! conference's appeal page (the nation's stages, the appeal with each stage's outcome and
//! date and the final outcome; lodging one for a family member; the next step as a form at the
//! version last seen, so a second person is told rather than overwriting). Portal (English
//! only: Northern Ireland's families): "My appeals" and appealing a decided conference.
//! Thin adapters over `confer_ops::appeals`; a refused form comes back with what was typed and
//! a GOV.UK error summary.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use confer_domain::appeal::{AppealGround, FinalOutcome, StageOutcome};
use confer_ops::appeals::{self as ops, AppealView, NewAppeal, Step};
use confer_ops::OpsError;
use confer_store::appeals::Stored;
use serde::Deserialize;

use super::form::{all_of, done, field, pairs_of, version_of, with_status, Pairs, Refusal};

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "appeal.html")]
struct StaffView<'a> {
    page: &'a Page,
    id: &'a str,
    v: &'a AppealView,
    adults: &'a [(String, String)],
    appellant: String,
    typed: &'a Pairs,
    today: NaiveDate,
}

impl StaffView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn ticked(&self, k: &str, v: &str) -> bool {
        self.typed.iter().any(|(n, x)| n == k && x == v)
    }
    fn grounds(&self) -> &'static [AppealGround] {
        AppealGround::ALL
    }
    fn stage_outcomes(&self) -> &'static [StageOutcome] {
        StageOutcome::ALL
    }
    fn final_outcomes(&self) -> &'static [FinalOutcome] {
        FinalOutcome::ALL
    }
    fn stages(&self) -> Vec<&'static str> {
        self.v.nation.appeal.map(|p| p.stages.iter().map(|s| s.label()).collect()).unwrap_or_default()
    }
    fn source(&self) -> &'static str {
        self.v.nation.appeal.map(|p| p.source).unwrap_or("")
    }
    fn today_text(&self) -> String {
        self.today.to_string()
    }
    /// The step the appeal is waiting for: "outcome" (the current stage has none), "next"
    /// (it has one: another stage or the final outcome), or "" (concluded).
    fn waiting_for(&self, s: &Stored) -> &'static str {
        match (&s.appeal.concluded, s.appeal.current()) {
            (Some(_), _) => "",
            (None, Some(c)) if c.outcome.is_none() => "outcome",
            _ => "next",
        }
    }
    fn has_next_stage(&self, s: &Stored) -> bool {
        let Some(p) = self.v.nation.appeal else { return false };
        s.appeal
            .current()
            .and_then(|c| p.stages.iter().position(|x| *x == c.stage))
            .is_some_and(|i| i + 1 < p.stages.len())
    }
}

async fn staff_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    let v = ops::view(&state.ops, &ctx.actor, id).await?;
    let record = confer_store::families::family_record(&state.db, &v.family_id).await?;
    let adults: Vec<(String, String)> = record
        .adults
        .iter()
        .map(|a| (a.id.as_str().to_owned(), format!("{} {}", a.given_name, a.family_name)))
        .collect();
    let appellant = v
        .appeal
        .as_ref()
        .and_then(|s| adults.iter().find(|(a, _)| *a == s.appeal.appellant.adult_id))
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let today = state.ops.clock.today();
    let sv = StaffView { page: &page, id, v: &v, adults: &adults, appellant, typed, today };
    Ok(with_status(view::render(&sv), status))
}

/// GET /conferences/{conference_id}/appeal
pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Appeal against the decision", "/conferences");
    page.notice = q.done.map(|d| {
        match d.as_str() {
            "lodged" => "The appeal is lodged. Its first stage has started. The conference's decision stands while the appeal is considered.",
            "stage-outcome" => "The stage's outcome is recorded.",
            "next-stage" => "The appeal has moved to its next stage.",
            "conclude" => "The appeal's final outcome is recorded. Nothing more can be added to it.",
            _ => "Saved.",
        }
        .to_owned()
    });
    staff_view(&state, &ctx, &id, page, &Vec::new(), StatusCode::OK).await
}

/// The conference's appeal page.
fn appeal_path(conference_id: &str) -> String {
    format!("/conferences/{}/appeal", view::url_encode(conference_id))
}

fn date_of(p: &Pairs) -> Result<NaiveDate, OpsError> {
    field(p, "on")
        .trim()
        .parse()
        .map_err(|_| OpsError::invalid("on", "Enter the date of the outcome, for example 2026-11-20"))
}

/// POST /conferences/{conference_id}/appeal: `adult_id`, `grounds` (several), `details`.
pub async fn lodge(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    confer_ops::conference::authorize(&state.ops, &ctx.actor, confer_domain::access::Action::LodgeAppeal, &id).await?;
    let p = pairs_of(&body)?;
    let result = match ops::grounds_of(&all_of(&p, "grounds")) {
        Ok(grounds) => {
            let input = NewAppeal { grounds, details: field(&p, "details") };
            ops::lodge_for(&state.ops, &ctx.actor, &id, &field(&p, "adult_id"), input).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done(&appeal_path(&id), "lodged")),
        Err(e) => {
            let r = Refusal::of(e, "details", "An appeal was lodged by someone else meanwhile.")?;
            let mut page = ctx.page("Appeal against the decision", "/conferences");
            page.errors.add(r.field, r.message);
            staff_view(&state, &ctx, &id, page, &p, r.status).await
        }
    }
}

/// POST /conferences/{conference_id}/appeal/steps: `step` (stage-outcome, next-stage,
/// conclude), `version`, and the step's fields (`outcome`, `reasons`, `on`).
pub async fn step(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let version = version_of(&p);
    let step_name = field(&p, "step");
    let step = match step_name.as_str() {
        "stage-outcome" => match (StageOutcome::parse(&field(&p, "outcome")), date_of(&p)) {
            (None, _) => Err(OpsError::invalid("outcome", "Choose the stage's outcome: upheld or not upheld")),
            (_, Err(e)) => Err(e),
            (Some(outcome), Ok(on)) => Ok(Step::StageOutcome { outcome, reasons: field(&p, "reasons"), on }),
        },
        "next-stage" => Ok(Step::NextStage),
        "conclude" => match (FinalOutcome::parse(&field(&p, "outcome")), date_of(&p)) {
            (None, _) => Err(OpsError::invalid("outcome", "Choose the appeal's final outcome")),
            (_, Err(e)) => Err(e),
            (Some(outcome), Ok(on)) => Ok(Step::Conclude { outcome, reasons: field(&p, "reasons"), on }),
        },
        _ => Err(OpsError::invalid("step", "Choose what to record for the appeal")),
    };
    // The policy first: a person who may not handle the appeal is told so, whatever they sent.
    confer_ops::conference::authorize(&state.ops, &ctx.actor, confer_domain::access::Action::ManageAppeal, &id).await?;
    let result = match step {
        Ok(step) => ops::step(&state.ops, &ctx.actor, &id, version, step).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done(&appeal_path(&id), &step_name)),
        Err(e) => {
            let conflict = "Someone else changed this appeal since you opened it. It is shown as it is now: check it \
                            and try again. What you typed is kept below.";
            let r = Refusal::of(e, "step", conflict)?;
            let mut page = ctx.page("Appeal against the decision", "/conferences");
            page.errors.add(r.field, r.message);
            staff_view(&state, &ctx, &id, page, &p, r.status).await
        }
    }
}

// ------------------------------------------------------------------ the family portal

#[derive(Template)]
#[template(path = "portal_appeals.html")]
struct PortalView<'a> {
    page: &'a Page,
    rows: &'a [Stored],
    may_appeal: &'a [(String, String)],
    typed: &'a Pairs,
}

impl PortalView<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn t(&self, k: &str) -> String {
        self.typed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn ticked(&self, k: &str, v: &str) -> bool {
        self.typed.iter().any(|(n, x)| n == k && x == v)
    }
    fn grounds(&self) -> &'static [AppealGround] {
        AppealGround::ALL
    }
}

async fn portal_view(
    state: &SharedState,
    ctx: &Ctx,
    mut page: Page,
    typed: &Pairs,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (rows, may_appeal) = ops::mine(&state.ops, &ctx.actor).await?;
    page.lang = "en";
    Ok(with_status(view::render(&PortalView { page: &page, rows: &rows, may_appeal: &may_appeal, typed }), status))
}

/// GET /portal/appeals: "My appeals", and the form to appeal a decided conference.
pub async fn portal(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Appeal a decision", "/portal");
    if q.done.as_deref() == Some("sent") {
        page.notice = Some(
            "Your appeal has been sent. Its first stage is a review by the chair of the case conference. The decision \
             stands while your appeal is considered."
                .to_owned(),
        );
    }
    portal_view(&state, &ctx, page, &Vec::new(), StatusCode::OK).await
}

/// POST /portal/appeals: `conference_id`, `grounds` (several), `details`.
pub async fn portal_lodge(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let p = pairs_of(&body)?;
    let conference_id = field(&p, "conference_id");
    let mut page = ctx.page("Appeal a decision", "/portal");
    if conference_id.is_empty() {
        // The policy is asked before anything is said about the form.
        ops::mine(&state.ops, &ctx.actor).await?;
        page.errors.add("conference_id", "Choose the conference whose decision you are appealing");
        return portal_view(&state, &ctx, page, &p, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = match ops::grounds_of(&all_of(&p, "grounds")) {
        Ok(grounds) => {
            let input = NewAppeal { grounds, details: field(&p, "details") };
            ops::appeal_as_family(&state.ops, &ctx.actor, &conference_id, input).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done("/portal/appeals", "sent")),
        Err(OpsError::NotFound) => {
            page.errors.add("conference_id", "Choose the conference whose decision you are appealing");
            portal_view(&state, &ctx, page, &p, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => {
            let r = Refusal::of(e, "details", "")?;
            page.errors.add(r.field, r.message);
            portal_view(&state, &ctx, page, &p, r.status).await
        }
    }
}
