//! The authority's policy and closure days (administrators only: `Action::ManagePolicy`).
//!
//! Policy is effective-dated: a change is a new version that applies from a date, and never
//! rewrites a deadline already set (each deadline keeps the due date computed with the version
//! in force on its trigger date). Closure days are added and removed, never deleted. The store
//! functions record every change in the audit trail in the same transaction.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use confer_domain::policy::{defaults_effective_from, InquorateDecision, Policy, PolicyVersion, SETTINGS};
use confer_domain::timescales::{DeadlineRule, TimeUnit, Timescale};
use confer_domain::validate::parse_date;
use confer_domain::Authority;
use confer_store::calendar::{self as store_calendar, ClosureDay, StoredPolicyVersion};
use confer_store::StoreError;
use serde::Deserialize;

/// One policy value as the page shows it.
pub struct PolicyRow {
    /// `rule:<rule>` or `setting:<field>`: what the change form names.
    pub key: String,
    pub name: String,
    pub rule_id: &'static str,
    pub meaning: &'static str,
    pub current: String,
    pub default: String,
    pub source: &'static str,
    /// Changes after the shipped default, oldest first: "From 1 April 2027: 10 working days".
    pub history: Vec<String>,
}

fn timescale_text(t: Option<Timescale>) -> String {
    t.map(|t| t.to_string()).unwrap_or_else(|| "No deadline".to_owned())
}

fn setting_text(policy: &Policy, field: &str) -> String {
    let value = serde_json::to_value(policy).ok().and_then(|v| v.get(field).cloned()).unwrap_or_default();
    match value {
        serde_json::Value::Bool(true) => "Yes".to_owned(),
        serde_json::Value::Bool(false) => "No".to_owned(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) if s == "allow-with-reason" => {
            "Allow, with the chair's recorded reason".to_owned()
        }
        serde_json::Value::String(s) if s == "refuse" => "Refuse".to_owned(),
        serde_json::Value::String(s) => s,
        _ => String::new(),
    }
}

fn setting_name(field: &str) -> String {
    match field {
        "child_attendance_age" => "Age from which a child may attend",
        "child_attendance_needs_parent_agreement" => "Parent's agreement for a child to attend",
        "quorum_agencies" => "Agencies for a quorum",
        "inquorate_decision" => "Decisions by an inquorate conference",
        "at_risk_days" => "Working days before a deadline that it shows as at risk",
        "escalate_dissent" => "Escalate dissent to the safeguarding manager",
        other => other,
    }
    .to_owned()
}

fn who(v: &StoredPolicyVersion) -> String {
    v.created_by_name.clone().unwrap_or_else(|| v.created_by.clone())
}

/// Every policy value of the authority: current (in force today), the nation's default, the
/// source of the default, and the history of changes.
fn rows(
    authority: &Authority,
    history: &confer_domain::policy::PolicyHistory,
    stored: &[StoredPolicyVersion],
    today: NaiveDate,
) -> Vec<PolicyRow> {
    let nation = authority.nation;
    let defaults = Policy::default_for(nation);
    let current = history.in_force(today);
    let changes = |value: &dyn Fn(&Policy) -> String| -> Vec<String> {
        let mut out = Vec::new();
        let mut previous = value(&history.versions()[0].policy);
        for v in history.versions().iter().skip(1) {
            let now = value(&v.policy);
            if now != previous {
                let by =
                    stored.iter().find(|s| s.version.effective_from == v.effective_from).map(who).unwrap_or_default();
                out.push(format!(
                    "From {}: {now} (was {previous}). {} Changed by {by}.",
                    view::long_date(&v.effective_from),
                    v.reason
                ));
            }
            previous = now;
        }
        out
    };
    let mut out = Vec::new();
    for rule in DeadlineRule::ALL {
        let r = *rule;
        out.push(PolicyRow {
            key: format!("rule:{}", r.as_str()),
            name: r.label().to_owned(),
            rule_id: r.rule_id(),
            meaning: r.purpose(),
            current: timescale_text(current.timescale(r)),
            default: timescale_text(r.default_for(nation)),
            source: r.source(nation),
            history: changes(&|p: &Policy| timescale_text(p.timescale(r))),
        });
    }
    for s in SETTINGS {
        out.push(PolicyRow {
            key: format!("setting:{}", s.field),
            name: setting_name(s.field),
            rule_id: s.rule_id,
            meaning: s.meaning,
            current: setting_text(current, s.field),
            default: setting_text(&defaults, s.field),
            source: s.source,
            history: changes(&|p: &Policy| setting_text(p, s.field)),
        });
    }
    out
}

/// The change form, exactly as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PolicyForm {
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub setting: String,
    #[serde(default)]
    pub effective_from: String,
    #[serde(default)]
    pub allow_past: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin_policy.html")]
struct PolicyPage<'a> {
    page: &'a Page,
    rows: &'a [PolicyRow],
    versions: &'a [StoredPolicyVersion],
    f: &'a PolicyForm,
    nation: &'a str,
    units: &'static [TimeUnit],
}

impl PolicyPage<'_> {
    fn value_selected(&self, key: &str) -> bool {
        self.f.value == key
    }
    fn unit_selected(&self, unit: &str) -> bool {
        self.f.unit == unit
    }
    /// Which inputs the form shows: "rule", "setting", or both when nothing is chosen yet.
    fn kind(&self) -> &str {
        if self.f.value.starts_with("rule:") {
            "rule"
        } else if self.f.value.starts_with("setting:") {
            "setting"
        } else {
            ""
        }
    }
    fn version_date(&self, v: &StoredPolicyVersion) -> String {
        view::long_date(&v.version.effective_from)
    }
    fn version_by(&self, v: &StoredPolicyVersion) -> String {
        who(v)
    }
    fn chosen_name(&self) -> String {
        self.rows.iter().find(|r| r.key == self.f.value).map(|r| r.name.clone()).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct PolicyQuery {
    #[serde(default)]
    change: String,
    #[serde(default)]
    saved: Option<String>,
}

async fn render_policy(state: &SharedState, ctx: &Ctx, page: &Page, f: &PolicyForm) -> Result<Response, AppError> {
    let authority = confer_store::users::authority(&state.db, &ctx.actor.authority_id).await?;
    let rules = state.rules(&authority.id).await?;
    let stored = store_calendar::policy_versions(&state.db, &authority.id).await?;
    let today = state.settings.clock.today();
    let rows = rows(&authority, &rules.history, &stored, today);
    Ok(view::render(&PolicyPage {
        page,
        rows: &rows,
        versions: &stored,
        f,
        nation: authority.nation.label(),
        units: TimeUnit::ALL,
    }))
}

pub async fn policy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<PolicyQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Policy", "/admin/policy");
    if let Some(date) = q.saved.as_deref().and_then(|d| parse_date(d).ok()) {
        page.notice = Some(format!(
            "Saved. The new value applies to deadlines set from {}. Deadlines already set keep their due dates.",
            view::long_date(&date)
        ));
    }
    let f = PolicyForm { value: q.change, ..PolicyForm::default() };
    render_policy(&state, &ctx, &page, &f).await
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Applies the typed value to `policy`; an error is (field, message).
fn apply(policy: &mut Policy, f: &PolicyForm) -> Result<(), (&'static str, String)> {
    if let Some(rule) = f.value.strip_prefix("rule:").and_then(DeadlineRule::parse) {
        let timescale = if f.unit == "none" {
            None
        } else {
            let unit = TimeUnit::parse(&f.unit).ok_or(("unit", "Choose a unit, or \"No deadline\"".to_owned()))?;
            let amount =
                f.amount.trim().parse::<u32>().ok().filter(|a| (1..=3650).contains(a)).ok_or((
                    "amount",
                    "Enter the amount as a whole number from 1 to 3650, for example 15".to_owned(),
                ))?;
            Some(Timescale::new(amount, unit))
        };
        return policy.set_timescale(rule, timescale).map_err(|e| {
            let field = if timescale.is_none() { "unit" } else { "amount" };
            (field, capitalise(&e.to_string()))
        });
    }
    let Some(field) = f.value.strip_prefix("setting:").filter(|s| SETTINGS.iter().any(|x| x.field == *s)) else {
        return Err(("value", "Choose the value to change".to_owned()));
    };
    let text = f.setting.trim().to_lowercase();
    let number = || {
        text.parse::<u32>()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or(("setting", "Enter a whole number, for example 3".to_owned()))
    };
    let yes_no = || match text.as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(("setting", "Enter yes or no".to_owned())),
    };
    match field {
        "child_attendance_age" => policy.child_attendance_age = number()?,
        "child_attendance_needs_parent_agreement" => policy.child_attendance_needs_parent_agreement = yes_no()?,
        "quorum_agencies" => policy.quorum_agencies = number()?,
        "at_risk_days" => policy.at_risk_days = number()?,
        "escalate_dissent" => policy.escalate_dissent = yes_no()?,
        "inquorate_decision" => {
            policy.inquorate_decision = match text.as_str() {
                "allow" | "allow-with-reason" => InquorateDecision::AllowWithReason,
                "refuse" => InquorateDecision::Refuse,
                _ => return Err(("setting", "Enter allow or refuse".to_owned())),
            }
        }
        _ => return Err(("value", "Choose the value to change".to_owned())),
    }
    policy.check().map_err(|e| ("setting", capitalise(&e.to_string())))
}

pub async fn add_version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(f): Form<PolicyForm>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Policy", "/admin/policy");
    let today = state.settings.clock.today();
    let authority = confer_store::users::authority(&state.db, &ctx.actor.authority_id).await?;
    let rules = state.rules(&authority.id).await?;
    let history = &rules.history;
    let known = f.value.strip_prefix("rule:").and_then(DeadlineRule::parse).is_some()
        || f.value.strip_prefix("setting:").is_some_and(|s| SETTINGS.iter().any(|x| x.field == s));
    if !known {
        page.errors.add("value", "Choose the value to change");
    }
    let effective = if f.effective_from.trim().is_empty() {
        page.errors.add("effective_from", "Enter the date the change applies from, for example 1/4/2027");
        None
    } else {
        match parse_date(&f.effective_from) {
            Ok(d) if d <= defaults_effective_from() => {
                page.errors.add("effective_from", "Enter a date after 1900");
                None
            }
            Ok(d) if d < today && f.allow_past.is_none() => {
                page.errors.add(
                    "effective_from",
                    "The date is in the past: choose today or a later date, or tick the box to back-date the change",
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                page.errors.add("effective_from", e.message);
                None
            }
        }
    };
    if f.reason.trim().is_empty() {
        page.errors
            .add("reason", "Say why the value is changing, for example the decision of the safeguarding partnership");
    } else if f.reason.chars().count() > 2000 {
        page.errors.add("reason", "Keep the reason to 2000 characters");
    }
    let mut new_policy = None;
    if known {
        // The new version starts from the one in force on its date, with this one change.
        let mut p = history.in_force(effective.unwrap_or(today)).clone();
        match apply(&mut p, &f) {
            Ok(()) => new_policy = Some(p),
            Err((field, message)) => page.errors.add(field, message),
        }
    }
    let (Some(effective), Some(policy), true) = (effective, new_policy, page.errors.is_empty()) else {
        return render_policy(&state, &ctx, &page, &f).await;
    };
    let version = PolicyVersion { effective_from: effective, policy, reason: f.reason.trim().to_owned() };
    match store_calendar::add_policy_version(&state.db, &authority, &version, ctx.actor_id()).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/policy?saved={effective}")).into_response()),
        Err(StoreError::Conflict(m)) => {
            page.errors.add("effective_from", capitalise(&m));
            render_policy(&state, &ctx, &page, &f).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Closure days

#[derive(Deserialize, Default, Clone)]
pub struct ClosureForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin_closures.html")]
struct ClosuresPage<'a> {
    page: &'a Page,
    current: &'a [ClosureDay],
    removed: &'a [ClosureDay],
    f: &'a ClosureForm,
}

impl ClosuresPage<'_> {
    fn date(&self, c: &ClosureDay) -> String {
        c.date.format("%A %-d %B %Y").to_string()
    }
    fn when(&self, s: &Option<String>) -> String {
        s.as_deref().map(view::long_instant).unwrap_or_default()
    }
}

async fn render_closures(state: &SharedState, ctx: &Ctx, page: &Page, f: &ClosureForm) -> Result<Response, AppError> {
    let all = store_calendar::closure_history(&state.db, &ctx.actor.authority_id).await?;
    let (removed, current): (Vec<ClosureDay>, Vec<ClosureDay>) = all.into_iter().partition(|c| c.removed_at.is_some());
    Ok(view::render(&ClosuresPage { page, current: &current, removed: &removed, f }))
}

#[derive(Deserialize, Default)]
pub struct ClosuresQuery {
    #[serde(default)]
    done: String,
}

pub async fn closures(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ClosuresQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Closure days", "/admin/policy");
    page.notice = match q.done.as_str() {
        "added" => Some(
            "Closure day added. Deadlines set from now on count around it; deadlines already set keep their due dates."
                .into(),
        ),
        "removed" => Some("Closure day removed. It is kept in the list of removed days below.".into()),
        _ => None,
    };
    render_closures(&state, &ctx, &page, &ClosureForm::default()).await
}

pub async fn add_closure(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(f): Form<ClosureForm>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("Closure days", "/admin/policy");
    let date = if f.date.trim().is_empty() {
        page.errors.add("date", "Enter the date the authority is closed, for example 29/12/2026");
        None
    } else {
        match parse_date(&f.date) {
            Ok(d) if !(2000..=2100).contains(&chrono::Datelike::year(&d)) => {
                page.errors.add("date", "Enter a date between 2000 and 2100");
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                page.errors.add("date", e.message);
                None
            }
        }
    };
    let reason = f.reason.trim();
    if reason.is_empty() {
        page.errors.add("reason", "Enter why the authority is closed, for example Christmas closure");
    } else if reason.chars().count() > 200 {
        page.errors.add("reason", "Keep the reason to 200 characters");
    }
    let Some(date) = date.filter(|_| page.errors.is_empty()) else {
        return render_closures(&state, &ctx, &page, &f).await;
    };
    match store_calendar::add_closure(&state.db, &ctx.actor.authority_id, date, reason, ctx.actor_id()).await {
        Ok(_) => Ok(Redirect::to("/admin/closures?done=added").into_response()),
        Err(StoreError::Conflict(_)) => {
            page.errors.add("date", format!("{} is already a closure day", view::long_date(&date)));
            render_closures(&state, &ctx, &page, &f).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct RemoveForm {
    #[serde(default)]
    closure_id: String,
}

pub async fn remove_closure(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    match store_calendar::remove_closure(&state.db, &ctx.actor.authority_id, &f.closure_id, ctx.actor_id()).await {
        Ok(()) => Ok(Redirect::to("/admin/closures?done=removed").into_response()),
        Err(StoreError::NotFound) => {
            let mut page = ctx.page("Closure days", "/admin/policy");
            page.errors.add(
                "current-closures",
                "That closure day is not in the list (it may have been removed already): choose one from the list",
            );
            render_closures(&state, &ctx, &page, &ClosureForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}
