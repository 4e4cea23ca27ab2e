//! Deadlines: each case's deadlines on the family page (with a form to record one met, and a
//! reason when late: TIME-01), the "due and overdue" list for each person (their own cases,
//! their team's, the conferences they chair, or the whole authority), and the report of the
//! reasons deadlines were missed (QA-02).

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
use confer_domain::calendar::{Calendar, WorkingCalendar};
use confer_domain::policy::defaults_effective_from;
use confer_domain::timescales::{DeadlineRule, DeadlineState, LateReason};
use confer_domain::{Role, UserAccount};
use confer_store::deadlines::{
    self, LateReasonCount, ListQuery, MarkMetError, Scope, Sort, StateFilter, StoredDeadline,
};
use serde::Deserialize;

pub const PAGE_SIZE: i64 = 50;

/// The GOV.UK tag colour of a state.
pub fn tag_class(state: DeadlineState) -> &'static str {
    match state {
        DeadlineState::Due => "govuk-tag--blue",
        DeadlineState::AtRisk => "govuk-tag--orange",
        DeadlineState::Overdue => "govuk-tag--red",
        DeadlineState::Met => "govuk-tag--green",
        DeadlineState::MetLate => "govuk-tag--purple",
    }
}

/// A deadline as a row of a page: the stored deadline and its state today.
pub struct DeadlineRow {
    pub d: StoredDeadline,
    pub state: DeadlineState,
    /// CG-02: for a core group due, the meeting arranged for it ("2 December 2026 at 14:00").
    pub arranged: Option<String>,
}

impl DeadlineRow {
    pub fn tag(&self) -> &'static str {
        tag_class(self.state)
    }
    pub fn due(&self) -> String {
        view::long_date(&self.d.deadline.due)
    }
    pub fn trigger(&self) -> String {
        view::long_date(&self.d.deadline.trigger)
    }
    pub fn purpose(&self) -> &'static str {
        self.d.deadline.rule.purpose()
    }
    pub fn rule_id(&self) -> &'static str {
        self.d.deadline.rule.rule_id()
    }
    pub fn label(&self) -> &'static str {
        self.d.deadline.rule.label()
    }
    /// Which policy version set the due date, in words.
    pub fn policy(&self) -> String {
        if self.d.deadline.policy_effective_from == defaults_effective_from() {
            "the defaults".to_owned()
        } else {
            format!("the policy from {}", view::long_date(&self.d.deadline.policy_effective_from))
        }
    }
    pub fn met(&self) -> String {
        self.d.met.as_ref().map(view::long_date).unwrap_or_default()
    }
    pub fn late_reason(&self) -> String {
        match &self.d.late_reason {
            Some(r) if r.details.is_empty() => r.reason.label().to_owned(),
            Some(r) => format!("{}: {}", r.reason.label(), r.details),
            None => String::new(),
        }
    }
    pub fn recorded_by(&self) -> String {
        self.d.met_recorded_by_name.clone().or_else(|| self.d.met_recorded_by.clone()).unwrap_or_default()
    }
}

/// The authority's kept rules (calendar and policy history, [`crate::AppState::rules`]) and the
/// at-risk window of the policy in force on `today`.
pub async fn calendar_and_risk(
    state: &SharedState,
    ctx: &Ctx,
    today: NaiveDate,
) -> Result<(std::sync::Arc<crate::api_conferences::Rules>, u32), AppError> {
    let rules = state.rules(&ctx.actor.authority_id).await?;
    let at_risk = rules.history.in_force(today).at_risk_days;
    Ok((rules, at_risk))
}

/// Today in the United Kingdom, by the application's clock.
pub fn today(state: &SharedState) -> NaiveDate {
    state.settings.clock.today()
}

pub fn rows_of(list: Vec<StoredDeadline>, calendar: &Calendar, at_risk: u32, today: NaiveDate) -> Vec<DeadlineRow> {
    list.into_iter()
        .map(|d| {
            let state = d.state(today, at_risk, calendar);
            DeadlineRow { d, state, arranged: None }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Recording a deadline as met, from the family page

/// The "record as met" form, exactly as typed.
#[derive(Deserialize, Default, Clone)]
pub struct MetForm {
    #[serde(default)]
    pub deadline_id: String,
    #[serde(default)]
    pub met_on: String,
    #[serde(default)]
    pub late_reason: String,
    #[serde(default)]
    pub late_details: String,
}

impl MetForm {
    /// A fresh form: today's date filled in.
    pub fn fresh(today: NaiveDate) -> MetForm {
        MetForm { met_on: today.format("%-d/%-m/%Y").to_string(), ..MetForm::default() }
    }
}

pub async fn record_met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<MetForm>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::RecordDeadlineMet, &family_id).await?;
    let mut errors = confer_domain::validate::FormErrors::default();
    let deadline = match deadlines::get(&state.db, &ctx.actor.authority_id, &f.deadline_id).await {
        Ok(d) if d.family_id == family_id => Some(d),
        Ok(_) | Err(confer_store::StoreError::NotFound) => {
            errors.add("deadline_id", "Choose the deadline that was met");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let met = match confer_domain::validate::parse_date(&f.met_on) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("met_on", e.message);
            None
        }
    };
    let reason = if f.late_reason.is_empty() {
        None
    } else {
        match LateReason::parse(&f.late_reason) {
            Some(r) => Some(r),
            None => {
                errors.add("late_reason", "Choose a reason from the list");
                None
            }
        }
    };
    if let (Some(d), Some(met), true) = (&deadline, met, errors.is_empty()) {
        match deadlines::mark_met(
            &state.db,
            &ctx.actor.authority_id,
            &d.id,
            met,
            reason,
            &f.late_details,
            today(&state),
            ctx.actor_id(),
        )
        .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/families/{family_id}?met=1#deadlines")).into_response()),
            Err(MarkMetError::Invalid(e)) => {
                let field = match e {
                    confer_domain::timescales::MetError::InFuture => "met_on",
                    confer_domain::timescales::MetError::ReasonNeeded { .. } => "late_reason",
                    confer_domain::timescales::MetError::Reason(_) => "late_details",
                };
                errors.add(field, e.to_string());
            }
            Err(MarkMetError::AlreadyMet(on)) => {
                errors.add("deadline_id", format!("This deadline was already recorded as met on {on}"))
            }
            Err(MarkMetError::Store(e)) => return Err(e.into()),
        }
    }
    // Show the family page again with the errors and what was typed.
    crate::pages::families::show_with(&state, &ctx, &family_id, errors, f).await
}

// ---------------------------------------------------------------------------------------
// The "due and overdue" list

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    state: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    worker: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct ListPage<'a> {
    page: &'a Page,
    rows: &'a [DeadlineRow],
    state: &'a str,
    rule: &'a str,
    worker: &'a str,
    sort: &'a str,
    workers: &'a [UserAccount],
    rules: &'static [DeadlineRule],
    states: &'static [DeadlineState],
    scope_text: &'a str,
    page_number: i64,
    has_next: bool,
    can_see_reasons: bool,
    /// RIGHT-01, RIGHT-02: complaints and access requests due or overdue.
    rights: &'a [RightRow],
    shows_rights: bool,
}

/// A complaint or an access request on the "due and overdue" list.
pub struct RightRow {
    pub what: String,
    pub href: String,
    pub due: String,
    pub overdue: bool,
    pub handler: String,
    pub family_id: String,
    pub family_name: String,
}

impl ListPage<'_> {
    /// The query string of this list with another page number.
    fn query(&self, page: i64) -> String {
        format!(
            "state={}&rule={}&worker={}&sort={}&page={page}",
            view::url_encode(self.state),
            view::url_encode(self.rule),
            view::url_encode(self.worker),
            view::url_encode(self.sort)
        )
    }
}

/// Whose deadlines a person sees: roles that read across cases see the authority's; a team
/// manager their own and their reports' cases; a social worker their own; a chair the
/// conferences they chair.
async fn scope_for(state: &SharedState, ctx: &Ctx) -> Result<(Scope, &'static str), AppError> {
    let roles = &ctx.actor.roles;
    if confer_domain::access::across_cases(&ctx.actor, confer_domain::access::Action::ViewFamilyRecord) {
        return Ok((Scope { all: true, ..Scope::default() }, "Every case of the authority."));
    }
    let mut scope = Scope::default();
    let mut text = "";
    if roles.contains(&Role::TeamManager) {
        scope.workers = state.user_and_reports(&ctx.actor.authority_id, &ctx.actor.user_id).await?;
        text = "Cases allocated to you and the people you manage.";
    } else if roles.contains(&Role::SocialWorker) {
        scope.workers = vec![ctx.actor.user_id.as_str().to_owned()];
        text = "Cases allocated to you.";
    }
    if roles.contains(&Role::Chair) {
        scope.chair = Some(ctx.actor.user_id.as_str().to_owned());
        text = if text.is_empty() { "Conferences you chair." } else { "Your cases and the conferences you chair." };
    }
    Ok((scope, text))
}

pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ListParams>,
) -> Result<Response, AppError> {
    let page = ctx.page("Due and overdue", "/deadlines");
    let (scope, scope_text) = scope_for(&state, &ctx).await?;
    let today = today(&state);
    let (rules, at_risk) = calendar_and_risk(&state, &ctx, today).await?;
    let calendar = &rules.calendar;
    let state_filter = match q.state.as_str() {
        "" | "open" => StateFilter::Open,
        "all" => StateFilter::All,
        other => DeadlineState::parse(other).map(StateFilter::Only).unwrap_or(StateFilter::Open),
    };
    let state_text = match state_filter {
        StateFilter::Open => "open",
        StateFilter::All => "all",
        StateFilter::Only(s) => s.as_str(),
    };
    let rule = DeadlineRule::parse(&q.rule);
    let users = state.directory(&ctx.actor.authority_id).await?;
    let workers: Vec<UserAccount> = users
        .iter()
        .filter(|u| u.roles.iter().any(|r| matches!(r, Role::SocialWorker | Role::TeamManager)))
        .filter(|u| scope.all || scope.workers.iter().any(|w| w == u.id.as_str()))
        .cloned()
        .collect();
    let worker = workers.iter().find(|u| u.id.as_str() == q.worker).map(|u| u.id.as_str().to_owned());
    let sort = if q.sort == "family" { Sort::FamilyName } else { Sort::DueDate };
    let page_number =
        q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..1_000_000).contains(p)).unwrap_or(1);
    let found = deadlines::list(
        &state.db,
        &ListQuery {
            authority: ctx.actor.authority_id.clone(),
            scope,
            state: state_filter,
            rule,
            worker: worker.clone(),
            sort,
            today,
            at_risk_until: calendar.add_working_days(today, at_risk),
            limit: PAGE_SIZE + 1,
            offset: (page_number - 1) * PAGE_SIZE,
        },
    )
    .await?;
    let has_next = found.len() as i64 > PAGE_SIZE;
    let mut rows = rows_of(found, calendar, at_risk, today);
    rows.truncate(PAGE_SIZE as usize);
    // CG-02: beside a core group due, the meeting arranged for it (one query for the page).
    let core_group = |r: &DeadlineRow| {
        matches!(r.d.deadline.rule, DeadlineRule::FirstCoreGroup | DeadlineRule::NextCoreGroup) && r.d.met.is_none()
    };
    let cases: Vec<&str> = rows.iter().filter(|r| core_group(r)).map(|r| r.d.case_id.as_str()).collect();
    if !cases.is_empty() {
        let arranged = confer_store::plan_people::arranged_for_cases(&state.db, &cases).await?;
        for r in rows.iter_mut().filter(|r| core_group(r)) {
            if let Some((_, on, at)) = arranged.iter().find(|(c, _, _)| *c == r.d.case_id) {
                r.arranged = Some(format!("{} at {at}", view::long_date(on)));
            }
        }
    }
    // RIGHT-01, RIGHT-02: complaints and access requests near their deadline or past it, for
    // the people who handle them (they are not a case's deadlines): one statement.
    let (complaints, requests) = (ctx.may(Action::ViewComplaints), ctx.may(Action::ViewSubjectAccess));
    let rights = if complaints || requests {
        let until = calendar.add_working_days(today, confer_domain::reminders::RIGHTS_WINDOW);
        confer_store::complaints::rights_due(
            &state.db,
            ctx.actor.authority_id.as_str(),
            complaints,
            requests,
            until,
            PAGE_SIZE,
        )
        .await?
    } else {
        Vec::new()
    };
    let names = if rights.iter().any(|r| r.officer_id.is_some()) {
        Some(state.directory(&ctx.actor.authority_id).await?)
    } else {
        None
    };
    let rights: Vec<RightRow> = rights
        .into_iter()
        .map(|r| {
            let overdue = r.due < today;
            let (what, href) = if r.what == "complaint" {
                (format!("Complaint, stage {}", r.stage), format!("/complaints/{}", view::url_encode(&r.id)))
            } else {
                ("Subject access request".to_owned(), format!("/subject-access/{}", view::url_encode(&r.id)))
            };
            let handler = match (&r.officer_id, &names) {
                (Some(o), Some(users)) => {
                    users.iter().find(|u| u.id.as_str() == o).map(|u| u.display_name.clone()).unwrap_or_default()
                }
                _ => "Not assigned".to_owned(),
            };
            RightRow {
                what,
                href,
                due: view::long_date(&r.due),
                overdue,
                handler,
                family_id: r.family_id,
                family_name: r.family_name,
            }
        })
        .collect();
    // One read event naming every family this list shows (issue 10).
    let mut listed: Vec<&str> = rows.iter().map(|r| r.d.family_id.as_str()).collect();
    listed.extend(rights.iter().map(|r| r.family_id.as_str()));
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "deadlines",
        &listed,
    )
    .await?;
    Ok(view::render(&ListPage {
        page: &page,
        rows: &rows,
        state: state_text,
        rule: rule.map(|r| r.as_str()).unwrap_or(""),
        worker: worker.as_deref().unwrap_or(""),
        sort: if sort == Sort::FamilyName { "family" } else { "due" },
        workers: &workers,
        rules: DeadlineRule::ALL,
        states: DeadlineState::ALL,
        scope_text,
        page_number,
        has_next,
        can_see_reasons: ctx.may(Action::ViewLateReasons),
        rights: &rights,
        shows_rights: complaints || requests,
    }))
}

// ---------------------------------------------------------------------------------------
// The late-reasons report

#[derive(Template)]
#[template(path = "late_reasons.html")]
struct LateReasonsPage<'a> {
    page: &'a Page,
    counts: &'a [LateReasonCount],
    total: i64,
}

pub async fn late_reasons(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Why deadlines were missed", "/deadlines");
    let counts = deadlines::late_reasons(&state.db, &ctx.actor.authority_id).await?;
    let total = counts.iter().map(|c| c.count).sum();
    Ok(view::render(&LateReasonsPage { page: &page, counts: &counts, total }))
}
