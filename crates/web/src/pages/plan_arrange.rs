//! Arranging the next core group meeting as a page (CG-01, CG-02; issue 14): from the plan,
//! the key worker (or anyone who leads it) gives the day, time and place (or online) and, when
//! it is after the core group's due date, the late reason; once arranged, the same page moves
//! it (with the reason) or cancels it (with the reason). Each form calls the same operation
//! as the API (`confer_ops::core_group`); a refusal shows the page again with the reason and
//! everything typed, with the API's status. No JavaScript is needed.

use super::conferences::{problem_status, Kept, Problem, Sent};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::Action;
use confer_domain::plan::ArrangedCoreGroup;
use confer_domain::validate::{parse_date, FormErrors};
use confer_ops::core_group::{self, ArrangeInput, CancelInput, MoveInput};
use confer_ops::{plan, OpsError};

#[derive(Template)]
#[template(path = "plan_arrange.html")]
struct ArrangePage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    child_name: String,
    /// CG-02: the day the core group is due to meet by.
    due_by: String,
    arranged: Option<ArrangedCoreGroup>,
    /// The people invited (or to be invited): the core group but the key worker.
    invited: Vec<String>,
    kept: &'a Kept,
}

impl ArrangePage<'_> {
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        self.page.error_in(form, field)
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        view::long_date(d)
    }
    /// What the form shows in a field: what was typed, or the arranged meeting's value.
    fn value(&self, form: &str, field: &str) -> String {
        let default = match (&self.arranged, field) {
            (Some(a), "on") if form == "mv" => a.on.format("%-d/%-m/%Y").to_string(),
            (Some(a), "at") if form == "mv" => a.at.format("%H:%M").to_string(),
            (Some(a), "venue") if form == "mv" => a.venue.clone().unwrap_or_default(),
            _ => String::new(),
        };
        self.kept.v_or(form, field, &default)
    }
    /// QA-02: the late reasons of the deadlines, as (code, words, chosen).
    fn late_reasons(&self, form: &str) -> Vec<(&'static str, &'static str, bool)> {
        let chosen = self.kept.v_or(form, "late_reason_kind", "");
        confer_domain::timescales::LateReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label(), chosen == r.as_str()))
            .collect()
    }
    fn online(&self, form: &str) -> bool {
        if self.kept.form == form {
            return self.kept.sent.yes("online");
        }
        form == "mv" && self.arranged.as_ref().is_some_and(|a| a.online)
    }
}

async fn arrange_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let v = plan::view(&state.ops, &ctx.actor, id).await?;
    let Some(p) = v.aggregate.as_ref() else { return Err(AppError::NotFound) };
    if !p.is_active() {
        return Err(AppError::BadRequest("This plan has ended: its core group no longer meets here.".into()));
    }
    let invited = p
        .core_group
        .iter()
        .filter(|m| !matches!(m.person, confer_domain::plan::Member::KeyWorker(_)))
        .map(|m| format!("{} ({})", m.name, m.description))
        .collect();
    let title = if p.arranged_core_group().is_some() {
        format!("The core group meeting arranged for {}", p.child_name)
    } else {
        format!("Arrange a core group meeting for {}", p.child_name)
    };
    let mut page = ctx.page(&title, "/plans");
    page.errors = errors;
    Ok(view::render(&ArrangePage {
        page: &page,
        id,
        version: v.version,
        child_name: p.child_name.clone(),
        due_by: p.core_group_due_by.as_ref().map(view::long_date).unwrap_or_else(|| "not set".into()),
        arranged: p.arranged_core_group().cloned(),
        invited,
        kept,
    }))
}

/// GET /plans/{plan_id}/core-group/arrange
pub async fn show(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    arrange_page(&state, &ctx, &id, FormErrors::default(), &Kept::default()).await
}

/// The day, time and place as typed, into the operation's input.
fn when_of(sent: &Sent) -> Result<ArrangeInput, Problem> {
    let on = parse_date(sent.get("on")).map_err(|e| Problem::Field("on", e.message))?;
    if core_group::parse_time(sent.get("at")).is_none() {
        return Err(Problem::Field("at", "Enter the time as hours and minutes, for example 14:00".into()));
    }
    Ok(ArrangeInput {
        on,
        at: sent.get("at").to_owned(),
        venue: sent.opt("venue"),
        online: sent.yes("online"),
        late_reason: sent.opt("late_reason"),
        late_reason_kind: confer_domain::timescales::LateReason::parse(sent.get("late_reason_kind")),
    })
}

/// One of the page's three forms: read, call the operation, and on a refusal show the page
/// again with the reason on its field and what was typed.
async fn submit(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    form: &'static str,
    fields: Vec<(String, String)>,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let sent = Sent(fields);
    let v = sent.get("version").trim().parse::<i64>().map_err(|_| {
        AppError::BadRequest("The form is missing the plan's version: reload the page and try again.".into())
    })?;
    let (ops, actor) = (&state.ops, &ctx.actor);
    let r: Result<(), Problem> = async {
        match form {
            "ar" => core_group::arrange(ops, actor, id, v, when_of(&sent)?).await.map(|_| ()),
            "mv" => {
                let b = MoveInput { when: when_of(&sent)?, reason: sent.get("reason").to_owned() };
                core_group::move_meeting(ops, actor, id, v, b).await.map(|_| ())
            }
            _ => core_group::cancel(ops, actor, id, v, CancelInput { reason: sent.get("reason").to_owned() })
                .await
                .map(|_| ()),
        }
        .map_err(Problem::Ops)
    }
    .await;
    let status = problem_status(&r);
    let mut errors = FormErrors::default();
    match r {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/plans/{id}?done=core-group-{form}#core-group-arranged")).into_response())
        }
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(
            &format!("{form}-{}", if form == "cx" { "reason" } else { "on" }),
            "Someone else changed this plan after you opened this page, so nothing was saved. What you entered is \
             still in the form below: check it against the plan, then send it again.",
        ),
        Err(Problem::Ops(OpsError::Invalid { field, message })) => {
            let f = match field {
                "" if form == "cx" => "reason",
                "" => "on",
                f => f,
            };
            errors.add(&format!("{form}-{f}"), message)
        }
        Err(Problem::Ops(other)) => return Err(other.into()),
    }
    let kept = Kept { form: form.into(), sent };
    let res = arrange_page(state, ctx, id, errors, &kept).await?;
    Ok((status, res).into_response())
}

/// POST /plans/{plan_id}/core-group/arrange
pub async fn arrange(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    submit(&state, &ctx, &id, "ar", f).await
}

/// POST /plans/{plan_id}/core-group/move
pub async fn move_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    submit(&state, &ctx, &id, "mv", f).await
}

/// POST /plans/{plan_id}/core-group/cancel
pub async fn cancel(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    submit(&state, &ctx, &id, "cx", f).await
}
