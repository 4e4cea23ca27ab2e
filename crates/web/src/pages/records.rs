//! Records management pages (KEEP-01, KEEP-02): the families due for a disposal review, one
//! family's retention with its legal hold and the two-person disposal, the tombstones of what
//! was disposed of, and the authority's retention schedule. Thin adapters over
//! `confer_ops::records`: each form's refusal comes back on the same page (422) with what was
//! typed kept; each success redirects (so a form sent twice does its work once).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::Action;
use confer_domain::retention::{RetentionError, RetentionRule, RetentionTrigger};
use confer_ops::records::{self, DuePage, FamilyRecords};
use confer_ops::OpsError;
use confer_store::retention::Tombstone;
use serde::Deserialize;

fn long(d: &chrono::NaiveDate) -> String {
    view::long_date(d)
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "records.html")]
struct DueView<'a> {
    page: &'a Page,
    due: &'a DuePage,
}

impl DueView<'_> {
    fn until(&self, d: &confer_store::retention::Due) -> String {
        long(&d.review.retain_until)
    }
    fn open_work(&self, d: &confer_store::retention::Due) -> bool {
        d.review.blockers.iter().any(|b| matches!(b, RetentionError::StillOpen { .. }))
    }
}

/// GET /records: the families due for a disposal review.
pub async fn due(State(state): State<SharedState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    let page = ctx.page("Records due for disposal review", "/records");
    let due = records::due(&state.ops, &ctx.actor, q.page.unwrap_or(1)).await?;
    Ok(view::render(&DueView { page: &page, due: &due }))
}

/// What was typed into the family page's forms (kept when a form is refused).
#[derive(Deserialize, Default, Clone)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "records_family.html")]
struct FamilyView<'a> {
    page: &'a Page,
    r: &'a FamilyRecords,
    /// Which form was sent and what was typed in it.
    typed: (&'a str, &'a str),
    may_hold: bool,
    may_propose: bool,
    may_authorise: bool,
    proposer_is_me: bool,
}

impl FamilyView<'_> {
    fn until(&self) -> String {
        long(&self.r.review.retain_until)
    }
    fn typed_in(&self, form: &str) -> &str {
        if self.typed.0 == form {
            self.typed.1
        } else {
            ""
        }
    }
    fn blockers(&self) -> Vec<String> {
        self.r.review.blockers.iter().map(|b| b.to_string()).collect()
    }
    fn hold_since(&self) -> String {
        self.r.hold.as_ref().map(|h| long(&h.placed_on)).unwrap_or_default()
    }
    fn proposed_on(&self) -> String {
        self.r.proposal.as_ref().map(|p| long(&p.proposed_on)).unwrap_or_default()
    }
}

async fn family_view(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    mut page: Page,
    typed: (&str, &str),
    status: StatusCode,
) -> Result<Response, AppError> {
    let r = records::family(&state.ops, &ctx.actor, family_id).await?;
    page.title = format!("Records of {}", r.family_name);
    let proposer_is_me = r.proposal.as_ref().is_some_and(|p| p.proposed_by == ctx.actor.user_id);
    let (names, _) = state.user_names(&ctx.actor.authority_id).await?;
    let mut r = r;
    // Show who placed the hold and who proposed by name, not by account id.
    if let Some(h) = r.hold.as_mut() {
        if let Some(n) = names.get(h.placed_by.as_str()) {
            h.placed_by = confer_domain::UserId(n.clone());
        }
    }
    if let Some(p) = r.proposal.as_mut() {
        if let Some(n) = names.get(p.proposed_by.as_str()) {
            p.proposed_by = confer_domain::UserId(n.clone());
        }
    }
    let v = FamilyView {
        page: &page,
        r: &r,
        typed,
        may_hold: ctx.may(Action::ManageLegalHold),
        may_propose: ctx.may(Action::ProposeDisposal),
        may_authorise: ctx.may(Action::AuthoriseDisposal),
        proposer_is_me,
    };
    let mut res = view::render(&v);
    *res.status_mut() = status;
    Ok(res)
}

/// GET /records/{family_id}
pub async fn family(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Records", "/records");
    page.notice = match q.done.as_deref() {
        Some("held") => Some("The legal hold is in place. Nothing will be disposed of until it is lifted.".into()),
        Some("lifted") => Some("The legal hold was lifted.".into()),
        Some("proposed") => Some("Disposal proposed. A second person, an administrator, must authorise it.".into()),
        Some("withdrawn") => Some("The proposal was withdrawn. The records are kept.".into()),
        _ => None,
    };
    family_view(&state, &ctx, &family_id, page, ("", ""), StatusCode::OK).await
}

/// Runs one of the family page's forms: on success redirects with what was done; a refusal
/// comes back on the page with the form's error and what was typed.
async fn family_form(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    form: &str,
    typed: &str,
    result: Result<(), OpsError>,
    done: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/records/{}?done={done}", view::url_encode(family_id))).into_response()),
        Err(OpsError::Invalid { message, .. }) | Err(OpsError::Declined { message }) => {
            let mut page = ctx.page("Records", "/records");
            page.errors.add(&format!("{form}-reason"), message);
            family_view(state, ctx, family_id, page, (form, typed), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(OpsError::Duplicate { message }) => {
            let mut page = ctx.page("Records", "/records");
            page.errors.add(&format!("{form}-reason"), message);
            family_view(state, ctx, family_id, page, (form, typed), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /records/{family_id}/hold
pub async fn place_hold(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let r = records::place_hold(&state.ops, &ctx.actor, &family_id, &f.reason).await.map(|_| ());
    family_form(&state, &ctx, &family_id, "hold", &f.reason, r, "held").await
}

/// POST /records/{family_id}/hold/lift
pub async fn lift_hold(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let r = records::lift_hold(&state.ops, &ctx.actor, &family_id, &f.reason).await;
    family_form(&state, &ctx, &family_id, "lift", &f.reason, r, "lifted").await
}

/// POST /records/{family_id}/propose
pub async fn propose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let r = records::propose(&state.ops, &ctx.actor, &family_id, &f.reason).await.map(|_| ());
    family_form(&state, &ctx, &family_id, "propose", &f.reason, r, "proposed").await
}

/// POST /records/{family_id}/withdraw
pub async fn withdraw(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let r = records::withdraw(&state.ops, &ctx.actor, &family_id, &f.reason).await;
    family_form(&state, &ctx, &family_id, "withdraw", &f.reason, r, "withdrawn").await
}

/// POST /records/{family_id}/dispose: the second person authorises; the family is gone after.
pub async fn dispose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
) -> Result<Response, AppError> {
    match records::dispose(&state.ops, &ctx.actor, &family_id).await {
        Ok(_) => Ok(Redirect::to(&format!("/records/disposals?done={}", view::url_encode(&family_id))).into_response()),
        Err(e @ (OpsError::Invalid { .. } | OpsError::Declined { .. } | OpsError::Duplicate { .. })) => {
            let status = if matches!(e, OpsError::Duplicate { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut page = ctx.page("Records", "/records");
            page.errors.add("dispose-reason", e.to_string());
            family_view(&state, &ctx, &family_id, page, ("", ""), status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "records_disposals.html")]
struct DisposalsView<'a> {
    page: &'a Page,
    rows: &'a [Tombstone],
}

impl DisposalsView<'_> {
    fn removed(&self, t: &Tombstone) -> String {
        match &t.removed {
            serde_json::Value::Object(m) => m.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "),
            _ => String::new(),
        }
    }
    fn when(&self, t: &Tombstone) -> String {
        t.disposed_at.as_deref().map(view::long_instant).unwrap_or_default()
    }
}

/// GET /records/disposals: proposals waiting and the tombstones of what was disposed of.
pub async fn disposals(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Disposals", "/records");
    if q.done.is_some() {
        page.notice = Some("The family's records were disposed of. The tombstone below records what, when, by whom and under which rule.".into());
    }
    let mut rows = records::disposals(&state.ops, &ctx.actor).await?;
    let (names, _) = state.user_names(&ctx.actor.authority_id).await?;
    for t in rows.iter_mut() {
        if let Some(n) = names.get(t.proposed_by.as_str()) {
            t.proposed_by = n.clone();
        }
        if let Some(n) = t.authorised_by.as_ref().and_then(|a| names.get(a.as_str())) {
            t.authorised_by = Some(n.clone());
        }
    }
    Ok(view::render(&DisposalsView { page: &page, rows: &rows }))
}

/// One row of the schedule form: a trigger, and the age and basis typed for it.
pub struct RuleRow {
    pub trigger: RetentionTrigger,
    pub age: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "admin_retention.html")]
struct ScheduleView<'a> {
    page: &'a Page,
    rows: &'a [RuleRow],
    version: i64,
    may_change: bool,
}

fn rows_of(rules: &[RetentionRule]) -> Vec<RuleRow> {
    RetentionTrigger::ALL
        .iter()
        .map(|t| {
            let r = rules.iter().find(|r| r.trigger == *t);
            RuleRow {
                trigger: *t,
                age: r.map(|r| r.keep_until_age.to_string()).unwrap_or_default(),
                basis: r.map(|r| r.basis.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// GET /admin/retention
pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Retention schedule", "/records");
    if q.done.is_some() {
        page.notice = Some("The retention schedule was saved.".into());
    }
    let (s, version) = records::schedule(&state.ops, &ctx.actor).await?;
    let rows = rows_of(&s.rules);
    Ok(view::render(&ScheduleView {
        page: &page,
        rows: &rows,
        version,
        may_change: ctx.may(Action::ManageRetentionSchedule),
    }))
}

/// POST /admin/retention: fields `age-<trigger>` and `basis-<trigger>`, and `version`.
pub async fn save_schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let mut page = ctx.page("Retention schedule", "/records");
    let mut rows = Vec::new();
    let mut rules = Vec::new();
    for t in RetentionTrigger::ALL {
        let age = get(&format!("age-{}", t.as_str()));
        let basis = get(&format!("basis-{}", t.as_str()));
        if !age.is_empty() || !basis.is_empty() {
            match age.parse::<u32>() {
                Ok(a) => rules.push(RetentionRule { trigger: *t, keep_until_age: a, basis: basis.clone() }),
                Err(_) => page.errors.add(
                    &format!("age-{}", t.as_str()),
                    format!("Enter the age as a whole number of years, like 25, for \"{}\"", t.label()),
                ),
            }
        }
        rows.push(RuleRow { trigger: *t, age, basis });
    }
    let version: i64 = get("version").parse().unwrap_or(-1);
    if page.errors.is_empty() {
        match records::save_schedule(&state.ops, &ctx.actor, rules, version).await {
            Ok(_) => return Ok(Redirect::to("/admin/retention?done=1").into_response()),
            Err(OpsError::Invalid { field, message }) => {
                // The domain names the rule by number; show it at the first row's field.
                let at = match field {
                    "keep_until_age" => "age-every",
                    "basis" => "basis-every",
                    _ => "age-every",
                };
                page.errors.add(at, message);
            }
            Err(OpsError::Conflict { .. }) => {
                page.errors.add(
                    "age-every",
                    "Someone else changed the schedule since you opened this page. Your changes are below: check the current schedule and save again.",
                );
                let (_, current) = records::schedule(&state.ops, &ctx.actor).await?;
                let mut res =
                    view::render(&ScheduleView { page: &page, rows: &rows, version: current, may_change: true });
                *res.status_mut() = StatusCode::CONFLICT;
                return Ok(res);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut res = view::render(&ScheduleView { page: &page, rows: &rows, version, may_change: true });
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
