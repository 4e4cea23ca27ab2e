//! After the plan is made (issue 13): the child in need plan's needs, services and outcomes
//! and its network meetings (PLAN-04), the transfer out to another authority (PLAN-05,
//! TIME-02), and the transfer pack as a page. Each form asks the access policy through the same
//! operation as the API (`confer_ops::plan`); a refused form shows this page again with the
//! reason and what was typed, with the API's status for the same error.

use super::conferences::{Kept, Opt, Problem, Sent};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::ActionOwner;
use confer_domain::plan::{ActionStatus, Member, Plan, PlanKind};
use confer_domain::validate::{parse_date, FormErrors};
use confer_domain::UserId;
use confer_domain::{AdultId, ProfessionalId};
use confer_ops::plan::{self, PlanView, TransferPack};
use confer_ops::OpsError;

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

#[derive(Template)]
#[template(path = "plan_after.html")]
struct AfterPage<'a> {
    page: &'a Page,
    v: &'a PlanView,
    p: &'a Plan,
    kept: &'a Kept,
    /// The services form's rows: each service and one empty row to add another.
    service_rows: Vec<(usize, String, String, String)>,
    /// The people who may be recorded at a network meeting (value, name).
    members: Vec<Opt>,
    statuses: Vec<Opt>,
}

impl AfterPage<'_> {
    fn is_cin(&self) -> bool {
        self.p.kind == PlanKind::ChildInNeed
    }
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_else(|| "Not set".into())
    }
    fn open_actions(&self) -> Vec<&confer_domain::plan::PlanAction> {
        self.p
            .actions
            .iter()
            .filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress))
            .collect()
    }
    fn needs(&self) -> String {
        let saved = self.p.lifecycle.child_in_need.as_ref().map(|d| d.needs.clone()).unwrap_or_default();
        self.kept.v_or("cin", "needs", &saved)
    }
    fn outcomes(&self) -> String {
        let saved = self.p.lifecycle.child_in_need.as_ref().map(|d| d.expected_outcomes.clone()).unwrap_or_default();
        self.kept.v_or("cin", "expected_outcomes", &saved)
    }
}

fn member_value(m: &Member) -> String {
    match m {
        Member::KeyWorker(u) => format!("key-worker:{u}"),
        Member::Professional(p) => format!("professional:{p}"),
        Member::FamilyMember(a) => format!("family-member:{a}"),
    }
}

fn member_of(value: &str) -> Option<Member> {
    Some(match value.split_once(':')? {
        ("key-worker", u) => Member::KeyWorker(UserId(u.to_owned())),
        ("professional", p) => Member::Professional(ProfessionalId(p.to_owned())),
        ("family-member", a) => Member::FamilyMember(AdultId(a.to_owned())),
        _ => return None,
    })
}

fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "cin" => "The child in need plan is saved.",
            "network" => "The network meeting is recorded.",
            _ => return None,
        }
        .to_owned(),
    )
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    after_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

async fn after_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let v = plan::view(&state.ops, &ctx.actor, id).await?;
    let Some(p) = v.aggregate.as_ref() else { return Err(AppError::NotFound) };
    let services = p.lifecycle.child_in_need.as_ref().map(|d| d.services.clone()).unwrap_or_default();
    let mut service_rows: Vec<(usize, String, String, String)> = services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = i + 1;
            (
                n,
                kept.v_or("cin", &format!("service_{n}"), &s.service),
                kept.v_or("cin", &format!("provider_{n}"), &s.provider),
                kept.v_or("cin", &format!("duration_{n}"), &s.duration),
            )
        })
        .collect();
    let n = service_rows.len() + 1;
    service_rows.push((
        n,
        kept.v("cin", &format!("service_{n}")),
        kept.v("cin", &format!("provider_{n}")),
        kept.v("cin", &format!("duration_{n}")),
    ));
    let members = p
        .core_group
        .iter()
        .map(|m| Opt::new(member_value(&m.person), format!("{} ({})", m.name, m.description)))
        .collect();
    let statuses = ActionStatus::ALL.iter().map(|s| Opt::new(s.as_str(), s.label())).collect();
    let title = match p.kind {
        PlanKind::ChildInNeed => format!("{}'s child in need plan and network meetings", p.child_name),
        PlanKind::ChildProtection => format!("{}'s plan: transfer to another authority", p.child_name),
    };
    let mut page = ctx.page(&title, "/plans");
    page.errors = errors;
    page.notice = done.and_then(notice_for);
    Ok(view::render(&AfterPage { page: &page, v: &v, p, kept, service_rows, members, statuses }))
}

/// The access policy for the form's action, then the fields and the plan's version.
async fn begin(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    fields: Vec<(String, String)>,
) -> Result<(Sent, i64), AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let sent = Sent(fields);
    let v = sent.get("version").trim().parse::<i64>().map_err(|_| {
        AppError::BadRequest("The form is missing the plan's version: reload the page and try again.".into())
    })?;
    Ok((sent, v))
}

const PLAN_CONFLICT: &str = "Someone else changed this plan after you opened this page, so nothing was saved. \
    What you entered is still in the form below: check the page, which now shows their change, then send it again.";

/// After a form: on to `next`, or this page again with the reason and what was typed,
/// answered with the API's status for the same error.
#[allow(clippy::too_many_arguments)]
async fn finish(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    form: &str,
    field: &'static str,
    sent: Sent,
    result: Result<String, Problem>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(Problem::Field(..)) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(Problem::Ops(e)) => crate::error::answer_for(e, "plan").status,
    };
    match result {
        Ok(next) => return Ok(Redirect::to(&next).into_response()),
        Err(Problem::Field(f, m)) => errors.add(&format!("{form}-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(&format!("{form}-{field}"), PLAN_CONFLICT),
        Err(Problem::Ops(OpsError::Invalid { field: f, message })) => {
            errors.add(&format!("{form}-{}", if f.is_empty() { field } else { f }), message)
        }
        Err(Problem::Ops(other)) => return Err(other.into()),
    }
    let kept = Kept { form: form.to_owned(), sent };
    let res = after_page(state, ctx, id, errors, &kept, None).await?;
    Ok((status, res).into_response())
}

fn date_field(sent: &Sent, field: &'static str, what: &str) -> Result<NaiveDate, Problem> {
    match sent.opt(field) {
        None => Err(Problem::Field(field, format!("Enter {what}, like 27/3/2027"))),
        Some(t) => parse_date(&t).map_err(|e| Problem::Field(field, e.message)),
    }
}

/// PLAN-04: the needs, services (with provider and duration) and expected outcomes.
pub async fn child_in_need(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, &id, f).await?;
    let mut services = Vec::new();
    for n in 1..=50 {
        let (s, p, d) = (format!("service_{n}"), format!("provider_{n}"), format!("duration_{n}"));
        if !sent.0.iter().any(|(k, _)| k == &s || k == &p || k == &d) {
            break;
        }
        services.push(plan::ServiceInput {
            service: sent.get(&s).to_owned(),
            provider: sent.get(&p).to_owned(),
            duration: sent.get(&d).to_owned(),
        });
    }
    let b = plan::ChildInNeedInput {
        needs: sent.get("needs").to_owned(),
        services,
        expected_outcomes: sent.get("expected_outcomes").to_owned(),
    };
    let r = plan::change_child_in_need(&state.ops, &ctx.actor, &id, v, b)
        .await
        .map(|_| format!("/plans/{id}/after?done=cin"))
        .map_err(Problem::Ops);
    finish(&state, &ctx, &id, "cin", "needs", sent, r).await
}

/// PLAN-04: a network meeting: who was there, progress on each open action with its
/// evidence, and one new action (owned by an agency) if agreed.
pub async fn network_meeting(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let held_on = date_field(&sent, "held_on", "the day the meeting was held")?;
        let present: Vec<Member> = sent.all("present").iter().filter_map(|m| member_of(m)).collect();
        if present.is_empty() {
            return Err(Problem::Field("present", "Select who was at the meeting".into()));
        }
        let mut progress = Vec::new();
        for (k, val) in &sent.0 {
            let Some(n) = k.strip_prefix("status_").and_then(|n| n.parse::<u32>().ok()) else { continue };
            let status = ActionStatus::parse(val)
                .ok_or_else(|| Problem::Field("progress", format!("Select the status of action {n}")))?;
            let evidence = sent.get(&format!("evidence_{n}")).to_owned();
            progress.push(confer_domain::plan::ActionProgress { number: n, status, evidence });
        }
        let mut new_actions = Vec::new();
        if let Some(what) = sent.opt("new_what") {
            let agency = sent
                .opt("new_agency")
                .ok_or_else(|| Problem::Field("new_agency", "Enter the agency that will do the new action".into()))?;
            let due = date_field(&sent, "new_due", "the date the new action is due")?;
            new_actions.push(plan::NewActionInput { what, owner: ActionOwner::Agency(agency), due });
        }
        let b = plan::CoreGroupMeetingBody {
            held_on,
            present,
            progress,
            safety: Vec::new(),
            new_actions,
            concern_for_review: None,
            review_forward_to: None,
        };
        plan::network_meeting(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops)
    }
    .await
    .map(|_| format!("/plans/{id}/after?done=network"));
    finish(&state, &ctx, &id, "network", "held_on", sent, r).await
}

/// PLAN-05, TIME-02: the child moved to another authority.
pub async fn transfer_out(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, &id, f).await?;
    let r = async {
        let authority = sent
            .opt("authority")
            .ok_or_else(|| Problem::Field("authority", "Enter the authority the child moved to".into()))?;
        let moved_on = date_field(&sent, "moved_on", "the day the child moved")?;
        let notified_on = date_field(&sent, "notified_on", "the day that authority was told")?;
        let b = plan::TransferOutInput { authority, moved_on, notified_on, share_pack: sent.yes("share_pack") };
        plan::transfer_out(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops)
    }
    .await
    // PLAN-05: the person transferring the plan out is told the meeting arranged was cancelled.
    .map(|t| match t.core_group_cancelled {
        Some(_) => format!("/plans/{id}/transfer-pack?done=core-group-cancelled"),
        None => format!("/plans/{id}/transfer-pack"),
    });
    finish(&state, &ctx, &id, "transfer", "authority", sent, r).await
}

/// PLAN-05, TIME-02: the sending authority consents, after the transfer out, to share the
/// transfer pack with the receiving authority; back to the pack with a notice, or with the
/// reason when there is nothing to share.
pub async fn share_pack(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match plan::share_pack(&state.ops, &ctx.actor, &id, plan::SharePackInput { consent: true }).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/transfer-pack?done=pack-shared")).into_response()),
        Err(OpsError::Invalid { message, .. }) => Err(AppError::BadRequest(message)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "plan_transfer_pack.html")]
struct PackPage<'a> {
    page: &'a Page,
    pack: &'a TransferPack,
    p: &'a Plan,
    /// PLAN-05: the pack is offered to a tenant here, not yet shared, and the reader may share it.
    may_share: bool,
}

impl PackPage<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(view::long_date).unwrap_or_else(|| "Not set".into())
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

/// PLAN-05, TIME-02: the transfer pack as a page (its read is logged).
pub async fn transfer_pack(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let pack = plan::transfer_pack(&state.ops, &ctx.actor, &id).await?;
    let Some(p) = pack.aggregate.as_ref() else { return Err(AppError::NotFound) };
    let mut page = ctx.page(&format!("Transfer pack: {}'s plan", p.child_name), "/plans");
    if q.done.as_deref() == Some("pack-shared") {
        page.notice = Some("The transfer pack is shared: the receiving authority can now read it.".into());
    }
    if q.done.as_deref() == Some("core-group-cancelled") {
        page.notice = Some(
            "The transfer out is recorded and the plan has ended. The core group meeting that was arranged is \
             cancelled, and everyone invited has been told."
                .into(),
        );
    }
    let may_share = p.lifecycle.transferred_to.as_ref().is_some_and(|t| t.receiving_authority_id.is_some())
        && plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, &id).await.is_ok()
        && confer_store::plans::pack_not_yet_shared(&state.db, &id).await?;
    Ok(view::render(&PackPage { page: &page, pack: &pack, p, may_share }))
}
