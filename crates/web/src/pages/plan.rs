//! Plans as pages (issue 13): a child's plan with its actions (overdue ones marked, PLAN-02),
//! outline (PLAN-01), core group (CG-01), category history and ending (PLAN-05), and the
//! statement that a plan does not change parental responsibility in English and Welsh
//! (PLAN-06); what changed, when and by whom; and "your plans" for social workers and partner
//! professionals. Each page and form asks the access policy through the same operation as the
//! API (`confer_ops::plan`); a refused form shows its page again with the reason and what was
//! typed, with the API's status for the same error.

use super::conferences::{problem_status, Kept, Opt, Problem, Sent};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::ActionOwner;
use confer_domain::plan::{ActionStatus, EndReason, Member, Plan, PlanAction};
use confer_domain::validate::{parse_date, FormErrors};
use confer_domain::{AdultId, ProfessionalId};
use confer_ops::plan::{self, MyPlans, PlanView};
use confer_ops::OpsError;
use confer_store::plans::VersionRow;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "status" => "The action's status is saved.",
            "action" => "The action is added to the plan.",
            "outline" => "The plan is saved.",
            "end" => "The plan has ended.",
            "end-core-group-cancelled" => {
                "The plan has ended. The core group meeting that was arranged is cancelled, and everyone invited \
                 has been told."
            }
            "core-group" => "The core group meeting is saved.",
            "core-group-letter-not-made" => {
                "The core group meeting is saved, but the notes letter for a member without an e-mail address could \
                 not be made, so nothing was sent to them. Send them the notes another way, and tell your system \
                 administrator."
            }
            "young-person" => "The young person's version of the plan is saved.",
            _ => return None,
        }
        .to_owned(),
    )
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage<'a> {
    page: &'a Page,
    v: &'a PlanView,
    p: &'a Plan,
    today: NaiveDate,
    kept: &'a Kept,
    owners: Vec<Opt>,
    statuses: Vec<Opt>,
    end_reasons: Vec<Opt>,
    /// The outline form's rows: each concern and one empty row to add another.
    concern_rows: Vec<(usize, String, String)>,
}

impl PlanPage<'_> {
    fn overdue(&self, a: &PlanAction) -> bool {
        a.is_overdue(self.today)
    }
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_else(|| "Not set".into())
    }
    fn member_kind(&self, m: &Member) -> &'static str {
        match m {
            Member::KeyWorker(_) => "Key worker",
            Member::Professional(_) => "Professional",
            Member::FamilyMember(_) => "Family",
        }
    }
    /// A core group member's name and description (CG-03: who was at a meeting).
    fn member_name(&self, m: &Member) -> String {
        self.p.core_group.iter().find(|g| &g.person == m).map(|g| g.name.clone()).unwrap_or_else(|| "Someone".into())
    }
    fn status_tag(&self, a: &PlanAction) -> &'static str {
        match a.status {
            ActionStatus::NotStarted => "govuk-tag--grey",
            ActionStatus::InProgress => "govuk-tag--blue",
            ActionStatus::Done => "govuk-tag--green",
            ActionStatus::NotDone => "govuk-tag--purple",
        }
    }
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    plan_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

async fn plan_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let v = plan::view(&state.ops, &ctx.actor, id).await?;
    let Some(p) = v.aggregate.as_ref() else { return Err(AppError::NotFound) };
    let today = v.today.unwrap_or_else(|| state.settings.clock.today());
    let mut owners: Vec<Opt> = p
        .core_group
        .iter()
        .filter_map(|m| match &m.person {
            Member::Professional(id) => {
                Some(Opt::new(format!("professional:{id}"), format!("{} ({})", m.name, m.description)))
            }
            Member::FamilyMember(id) => {
                Some(Opt::new(format!("family-member:{id}"), format!("{} ({})", m.name, m.description)))
            }
            Member::KeyWorker(_) => None,
        })
        .collect();
    owners.push(Opt::new("agency", "An agency (name it below)"));
    let statuses = ActionStatus::ALL.iter().map(|s| Opt::new(s.as_str(), s.label())).collect();
    let end_reasons = EndReason::recordable_for(p.kind).iter().map(|r| Opt::new(r.as_str(), r.label())).collect();
    let mut concern_rows: Vec<(usize, String, String)> = p
        .outline
        .concerns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = i + 1;
            (
                n,
                kept.v_or("outline", &format!("concern_{n}"), &c.concern),
                kept.v_or("outline", &format!("why_{n}"), &c.why_change_is_needed),
            )
        })
        .collect();
    let n = concern_rows.len() + 1;
    concern_rows.push((n, kept.v("outline", &format!("concern_{n}")), kept.v("outline", &format!("why_{n}"))));
    let mut page = ctx.page(&format!("{}'s plan", p.child_name), "/plans");
    page.errors = errors;
    page.notice = done.and_then(notice_for);
    Ok(view::render(&PlanPage { page: &page, v: &v, p, today, kept, owners, statuses, end_reasons, concern_rows }))
}

#[derive(Template)]
#[template(path = "plan_history.html")]
struct HistoryPage<'a> {
    page: &'a Page,
    id: &'a str,
    versions: Vec<VersionRow>,
}

impl HistoryPage<'_> {
    fn when(&self, s: &str) -> String {
        view::long_instant(s)
    }
    /// The parts of the plan a version changed, in words.
    fn parts(&self, v: &VersionRow) -> String {
        let words = |k: &str| match k {
            "outline" => "the plan's concerns, needs and goals",
            "actions" => "the actions",
            "core_group" => "the core group",
            "categories" => "the category",
            "ended" => "the ending",
            "next_review_by" => "the next review date",
            "key_worker" => "the key worker",
            "lifecycle" => "the child in need plan, network meetings, step-down or transfer",
            _ => "",
        };
        match v.after.as_object() {
            Some(o) if v.version > 1 => {
                let names: Vec<&str> = o.keys().map(|k| words(k)).filter(|w| !w.is_empty()).collect();
                if names.is_empty() {
                    "Details".into()
                } else {
                    names.join(", ")
                }
            }
            _ => "The plan was made by the conference".into(),
        }
    }
    fn action(&self, a: &str) -> &'static str {
        match a {
            "plan.create" => "Plan made by the conference",
            "plan.outline" => "Plan written or changed",
            "plan.action.add" => "Action added",
            "plan.action.status" => "Action updated",
            "plan.end" => "Plan ended",
            "plan.review" => "Review conference",
            "plan.step-down" => "Child in need plan made by a step-down",
            "plan.transfer-in" => "Plan made by a transfer-in conference",
            "plan.transfer-out" => "Transferred to another authority",
            "plan.child-in-need" => "Child in need plan written or changed",
            "plan.network-meeting" => "Network meeting",
            _ => "Changed",
        }
    }
}

pub async fn history(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let versions = plan::history(&state.ops, &ctx.actor, &id).await?;
    let page = ctx.page("What changed in the plan", "/plans");
    Ok(view::render(&HistoryPage { page: &page, id: &id, versions }))
}

#[derive(Template)]
#[template(path = "plans_mine.html")]
struct MinePage<'a> {
    page: &'a Page,
    m: MyPlans,
    today: NaiveDate,
}

impl MinePage<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_default()
    }
    fn late(&self, d: &Option<NaiveDate>) -> bool {
        d.is_some_and(|d| d < self.today)
    }
    /// CG-02: the core group meeting arranged, or that none is.
    fn arranged(&self, p: &confer_store::plans::PlanRow) -> String {
        match (&p.core_group_arranged_on, &p.core_group_arranged_time) {
            (Some(on), Some(at)) => format!("{} at {at}", view::long_date(on)),
            _ if p.core_group_due_by.is_some() => "Not arranged yet".to_owned(),
            _ => String::new(),
        }
    }
}

pub async fn mine(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let m = plan::mine(&state.ops, &ctx.actor).await?;
    let page = ctx.page("Your plans", "/plans");
    Ok(view::render(&MinePage { page: &page, m, today: state.settings.clock.today() }))
}

// ---------------------------------------------------------------------------------- forms

/// The access policy for the form's action, then the fields and the plan's version.
async fn begin(
    state: &SharedState,
    ctx: &Ctx,
    action: Action,
    id: &str,
    fields: Vec<(String, String)>,
) -> Result<(Sent, i64), AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, action, id).await?;
    let sent = Sent(fields);
    let v = sent.get("version").trim().parse::<i64>().map_err(|_| {
        AppError::BadRequest("The form is missing the plan's version: reload the page and try again.".into())
    })?;
    Ok((sent, v))
}

const PLAN_CONFLICT: &str = "Someone else changed this plan after you opened this page, so nothing was saved. \
    What you entered is still in the form below: check the page, which now shows their change, then send it again.";

/// After a form: back to the plan with a notice, or the plan page again with the reason and
/// what was typed, answered with the API's status for the same error.
async fn finish<T>(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    form: &str,
    field: &'static str,
    sent: Sent,
    result: Result<T, Problem>,
) -> Result<Response, AppError> {
    let result = result.map(|_| ());
    let status = problem_status(&result);
    let mut errors = FormErrors::default();
    match result {
        Ok(()) => return Ok(Redirect::to(&format!("/plans/{id}?done={form}")).into_response()),
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(&format!("{form}-{field}"), PLAN_CONFLICT),
        Err(Problem::Ops(OpsError::Invalid { field: f, message })) => {
            errors.add(&format!("{form}-{}", if f.is_empty() { field } else { f }), message)
        }
        Err(Problem::Ops(other)) => return Err(other.into()),
    }
    let kept = Kept { form: form.to_owned(), sent };
    let res = plan_page(state, ctx, id, errors, &kept, None).await?;
    Ok((status, res).into_response())
}

fn date_field(sent: &Sent, field: &'static str) -> Result<Option<NaiveDate>, Problem> {
    match sent.opt(field) {
        None => Ok(None),
        Some(t) => parse_date(&t).map(Some).map_err(|e| Problem::Field(field, e.message)),
    }
}

pub async fn update_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::UpdatePlanAction, &id, f).await?;
    let r = async {
        let number = sent
            .get("number")
            .trim()
            .parse::<u32>()
            .map_err(|_| Problem::Field("number", "Select the action from the list".into()))?;
        let status = ActionStatus::parse(sent.get("status"))
            .ok_or_else(|| Problem::Field("status", "Select the action's status".into()))?;
        let b = plan::ActionStatusInput { status, note: sent.get("note").to_owned() };
        plan::update_action(&state.ops, &ctx.actor, &id, v, number, b).await.map_err(Problem::Ops)
    }
    .await;
    finish(&state, &ctx, &id, "status", "number", sent, r).await
}

pub async fn add_action(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChangePlan, &id, f).await?;
    let r = async {
        let owner = match sent.get("owner").split_once(':') {
            Some(("professional", p)) => ActionOwner::Professional(ProfessionalId(p.to_owned())),
            Some(("family-member", a)) => ActionOwner::FamilyMember(AdultId(a.to_owned())),
            _ if sent.get("owner") == "agency" => match sent.opt("agency") {
                Some(a) => ActionOwner::Agency(a),
                None => return Err(Problem::Field("agency", "Enter the agency that owns the action".into())),
            },
            _ => return Err(Problem::Field("owner", "Select who owns the action".into())),
        };
        let due = date_field(&sent, "due")?
            .ok_or_else(|| Problem::Field("due", "Enter the date the action is due, like 27/3/2027".into()))?;
        let b = plan::NewActionInput { what: sent.get("what").to_owned(), owner, due };
        plan::add_action(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops)
    }
    .await;
    finish(&state, &ctx, &id, "action", "what", sent, r).await
}

pub async fn change_outline(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChangePlan, &id, f).await?;
    let mut concerns = Vec::new();
    for n in 1..=50 {
        let (c, w) = (format!("concern_{n}"), format!("why_{n}"));
        if !sent.0.iter().any(|(k, _)| k == &c || k == &w) {
            break;
        }
        concerns.push(plan::ConcernInput {
            concern: sent.get(&c).to_owned(),
            why_change_is_needed: sent.get(&w).to_owned(),
        });
    }
    let b = plan::OutlineInput {
        concerns,
        child_needs: sent.get("child_needs").to_owned(),
        parents_needs: sent.get("parents_needs").to_owned(),
        short_term_goals: sent.get("short_term_goals").to_owned(),
        long_term_goals: sent.get("long_term_goals").to_owned(),
    };
    let r = plan::change_outline(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops);
    finish(&state, &ctx, &id, "outline", "concern_1", sent, r).await
}

pub async fn end(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChangePlan, &id, f).await?;
    let r = async {
        let reason = EndReason::parse(sent.get("reason"))
            .filter(|r| *r != EndReason::ReviewDecision)
            .ok_or_else(|| Problem::Field("reason", "Select why the plan ends".into()))?;
        let b = plan::EndInput { reason, details: sent.get("details").to_owned(), on: date_field(&sent, "on")? };
        plan::end(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops)
    }
    .await;
    // PLAN-05: the person ending the plan is told the meeting arranged was cancelled.
    if let Ok(c) = &r {
        if c.core_group_cancelled.is_some() {
            return Ok(Redirect::to(&format!("/plans/{id}?done=end-core-group-cancelled")).into_response());
        }
    }
    finish(&state, &ctx, &id, "end", "reason", sent, r).await
}
