//! Plans after the conference (PLAN-*) and their core groups (CG-01): one operation per thing a
//! person does to a plan. Each asks the one access policy about the plan's family with the
//! person's relationships to it (allocated worker, management line, chair, core group member),
//! then the plan's own rules (`confer_domain::plan`) decide, and the store saves the change with
//! its version row and audit event in one transaction at the version the person last saw.
//!
//! Plans are made by the conference that decides them, in its transaction (see
//! `confer_store::plans::follow_conference`), never by an operation of their own.

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Relationship, Target};
use confer_domain::conference::ActionOwner;
use confer_domain::plan::{ActionStatus, EndReason, Outline, Plan, PlanActing, PlanError};
use confer_domain::{AuthorityId, FamilyId, ProfessionalId};
use confer_store::plans::{self, PlanRow, PlanSaveError, VersionRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

impl From<PlanError> for OpsError {
    fn from(e: PlanError) -> Self {
        match e {
            // The policy let them reach the plan; the plan's own rules say this is not theirs.
            PlanError::NotLeading | PlanError::NotTheOwner { .. } => OpsError::Forbidden,
            PlanError::NotDoneWithoutReason { .. } => OpsError::invalid("note", e.to_string()),
            PlanError::DueInThePast { .. } => OpsError::invalid("due", e.to_string()),
            PlanError::BadReviewDate { .. } => OpsError::invalid("on", e.to_string()),
            PlanError::NoSuchAction { .. } => OpsError::NotFound,
            other => OpsError::invalid("", other.to_string()),
        }
    }
}

impl From<PlanSaveError> for OpsError {
    fn from(e: PlanSaveError) -> Self {
        match e {
            PlanSaveError::NotFound => OpsError::NotFound,
            PlanSaveError::Conflict { current_version } => OpsError::Conflict { current_version },
            PlanSaveError::Refused(r) => r.into(),
            PlanSaveError::Store(s) => s.into(),
        }
    }
}

/// The person, as the access policy found them for this plan's family.
pub struct PlanAllowed {
    pub authority_id: AuthorityId,
    pub family_id: FamilyId,
    pub relationships: Vec<Relationship>,
}

impl PlanAllowed {
    /// Whether the person may also do `action` to this plan (to offer only what they may use).
    pub fn may(&self, actor: &Actor, action: Action) -> bool {
        let target = Target::Record { authority_id: &self.authority_id, relationships: &self.relationships };
        decide(actor, action, target) == Decision::Allow
    }
}

/// Asks the access policy whether this person may do `action` to this plan. Not found,
/// another tenant's, and no relationship all answer [`OpsError::NotFound`].
pub async fn authorize_plan(ops: &Ops, actor: &Actor, action: Action, plan_id: &str) -> Result<PlanAllowed> {
    let Some(owner) = plans::owner(&ops.db, plan_id).await? else { return Err(OpsError::NotFound) };
    let relationships = if owner.authority_id == actor.authority_id {
        confer_store::families::relationships(&ops.db, &actor.user_id, owner.family_id.as_str()).await?
    } else {
        Vec::new()
    };
    let allowed = PlanAllowed { authority_id: owner.authority_id, family_id: owner.family_id, relationships };
    let target = Target::Record { authority_id: &allowed.authority_id, relationships: &allowed.relationships };
    match decide(actor, action, target) {
        Decision::Allow => Ok(allowed),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// The person as the plan's rules see them.
async fn acting(ops: &Ops, actor: &Actor, allowed: &PlanAllowed) -> Result<PlanActing> {
    let professional = plans::professional_of_user(&ops.db, &allowed.authority_id, &actor.user_id).await?;
    Ok(PlanActing {
        user_id: actor.user_id.clone(),
        leads: allowed.may(actor, Action::ChangePlan),
        professional: professional.map(ProfessionalId),
    })
}

/// A plan as its readers see it.
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    pub version: i64,
    pub family_id: String,
    /// PLAN-02: the numbers of the actions overdue today.
    pub overdue_actions: Vec<u32>,
    /// Whether the reader may change the plan (outline, actions, ending) or update actions.
    pub may_change: bool,
    pub may_update_actions: bool,
    /// PLAN-06, in English and Welsh.
    pub parental_responsibility: [&'static str; 2],
    /// The whole plan: key worker, outline, actions, core group, categories, ending.
    #[schema(value_type = Object)]
    pub plan: Value,
    #[serde(skip)]
    pub aggregate: Option<Plan>,
    #[serde(skip)]
    pub today: Option<NaiveDate>,
}

/// Reads a plan (logged as a read of the family's record, ROLE-11).
pub async fn view(ops: &Ops, actor: &Actor, id: &str) -> Result<PlanView> {
    let allowed = authorize_plan(ops, actor, Action::ViewPlan, id).await?;
    let stored = plans::load(&ops.db, id).await?;
    plans::log_read(&ops.db, &allowed.authority_id, &actor.user_id, allowed.family_id.as_str(), id).await?;
    let today = ops.clock.today();
    Ok(PlanView {
        id: id.to_owned(),
        version: stored.version,
        family_id: allowed.family_id.to_string(),
        overdue_actions: stored.plan.overdue_actions(today).iter().map(|a| a.number).collect(),
        may_change: allowed.may(actor, Action::ChangePlan),
        may_update_actions: allowed.may(actor, Action::UpdatePlanAction),
        parental_responsibility: [
            confer_domain::plan::PARENTAL_RESPONSIBILITY_EN,
            confer_domain::plan::PARENTAL_RESPONSIBILITY_CY,
        ],
        plan: serde_json::to_value(&stored.plan).map_err(|e| OpsError::Internal(e.to_string()))?,
        aggregate: Some(stored.plan),
        today: Some(today),
    })
}

/// Every version of a plan: what changed, when and by whom (newest first).
pub async fn history(ops: &Ops, actor: &Actor, id: &str) -> Result<Vec<VersionRow>> {
    let allowed = authorize_plan(ops, actor, Action::ViewPlan, id).await?;
    plans::log_read(&ops.db, &allowed.authority_id, &actor.user_id, allowed.family_id.as_str(), id).await?;
    Ok(plans::history(&ops.db, id).await?)
}

/// The plans of a family (for those who may read its plans).
pub async fn of_family(ops: &Ops, actor: &Actor, family_id: &str) -> Result<Vec<PlanRow>> {
    crate::conference::authorize_family(ops, actor, Action::ViewPlan, family_id).await?;
    Ok(plans::of_family(&ops.db, family_id).await?)
}

/// One overdue action of one of the person's plans.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct OverdueAction {
    pub plan_id: String,
    pub family_name: String,
    pub number: u32,
    pub what: String,
    pub owner_name: String,
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
    /// Whether the person owns it (a partner professional's own action).
    pub mine: bool,
}

/// "My plans": the active plans the person leads or is in the core group of, their overdue
/// actions (PLAN-02) and the core groups due (CG-02).
#[derive(Serialize, ToSchema)]
pub struct MyPlans {
    #[schema(value_type = Vec<Object>)]
    pub plans: Vec<PlanRow>,
    pub overdue_actions: Vec<OverdueAction>,
    /// Plans whose first core group is due (today or earlier: overdue).
    #[schema(value_type = Vec<Object>)]
    pub core_groups_due: Vec<PlanRow>,
}

pub async fn mine(ops: &Ops, actor: &Actor) -> Result<MyPlans> {
    match decide(actor, Action::ListMyPlans, Target::Authority(&actor.authority_id)) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(OpsError::Forbidden),
        Decision::NotFound => return Err(OpsError::NotFound),
    }
    let today = ops.clock.today();
    let rows = plans::of_user(&ops.db, &actor.authority_id, &actor.user_id).await?;
    let me = plans::professional_of_user(&ops.db, &actor.authority_id, &actor.user_id).await?;
    let mut overdue_actions = Vec::new();
    // The plans with an action overdue, read together (one query, not one per plan).
    let late: Vec<&str> =
        rows.iter().filter(|r| r.open_action_due.is_some_and(|d| d < today)).map(|r| r.id.as_str()).collect();
    let stored = plans::load_many(&ops.db, &late).await?;
    for row in rows.iter().filter(|r| r.open_action_due.is_some_and(|d| d < today)) {
        let Some(stored) = stored.iter().find(|s| s.plan.id.as_str() == row.id) else { continue };
        for a in stored.plan.overdue_actions(today) {
            let mine = matches!((&a.owner, &me), (ActionOwner::Professional(p), Some(m)) if p.as_str() == m);
            overdue_actions.push(OverdueAction {
                plan_id: row.id.clone(),
                family_name: row.family_name.clone(),
                number: a.number,
                what: a.what.clone(),
                owner_name: a.owner_name.clone(),
                due: a.due,
                mine,
            });
        }
    }
    overdue_actions.sort_by_key(|a| a.due);
    let core_groups_due = rows.iter().filter(|r| r.core_group_due_by.is_some()).cloned().collect();
    Ok(MyPlans { plans: rows, overdue_actions, core_groups_due })
}

/// What a change answers: the plan's new version and the number of an action added.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanChanged {
    pub plan_id: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
pub struct ConcernInput {
    pub concern: String,
    #[serde(default)]
    pub why_change_is_needed: String,
}

/// PLAN-01: the detailed plan the core group writes from the outline.
#[derive(Deserialize, ToSchema)]
pub struct OutlineInput {
    pub concerns: Vec<ConcernInput>,
    #[serde(default)]
    pub child_needs: String,
    #[serde(default)]
    pub parents_needs: String,
    #[serde(default)]
    pub short_term_goals: String,
    #[serde(default)]
    pub long_term_goals: String,
}

pub async fn change_outline(ops: &Ops, actor: &Actor, id: &str, v: i64, b: OutlineInput) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let outline = Outline {
        concerns: b
            .concerns
            .into_iter()
            .map(|c| confer_domain::plan::Concern { concern: c.concern, why_change_is_needed: c.why_change_is_needed })
            .collect(),
        child_needs: b.child_needs,
        parents_needs: b.parents_needs,
        short_term_goals: b.short_term_goals,
        long_term_goals: b.long_term_goals,
    };
    let ((), v) =
        plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.outline", |p| p.change_outline(&who, outline))
            .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: None })
}

/// PLAN-02: a new action.
#[derive(Deserialize, ToSchema)]
pub struct NewActionInput {
    pub what: String,
    /// `{"owner": "professional", "id": "..."}`, `{"owner": "family-member", "id": "..."}` or `{"owner": "agency", "id": "<name>"}`
    #[schema(value_type = crate::conference::schemas::ActionOwnerSchema)]
    pub owner: ActionOwner,
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
}

pub async fn add_action(ops: &Ops, actor: &Actor, id: &str, v: i64, b: NewActionInput) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let owner_name = owner_name(ops, &allowed, &b.owner).await?;
    let today = ops.clock.today();
    let (n, v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.action.add", |p| {
        p.add_action(&who, &b.what, b.owner, owner_name, b.due, today)
    })
    .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: Some(n) })
}

/// PLAN-02: an action's new status, with a note ("not done" needs the reason).
#[derive(Deserialize, ToSchema)]
pub struct ActionStatusInput {
    #[schema(value_type = String, example = "in-progress")]
    pub status: ActionStatus,
    #[serde(default)]
    pub note: String,
}

pub async fn update_action(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    number: u32,
    b: ActionStatusInput,
) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::UpdatePlanAction, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let now = ops.clock.now();
    let ((), v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.action.status", |p| {
        p.update_action(&who, number, b.status, &b.note, now)
    })
    .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: Some(number) })
}

/// PLAN-05: the plan ends because the child moved away, turned 18, died or was adopted.
#[derive(Deserialize, ToSchema)]
pub struct EndInput {
    #[schema(value_type = String, example = "transfer-out")]
    pub reason: EndReason,
    #[serde(default)]
    pub details: String,
    /// The day it ended (default today).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
}

pub async fn end(ops: &Ops, actor: &Actor, id: &str, v: i64, b: EndInput) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let today = ops.clock.today();
    let on = b.on.unwrap_or(today);
    if on > today {
        return Err(OpsError::invalid("on", "The day the plan ended cannot be in the future."));
    }
    let ((), v) =
        plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.end", |p| p.end(&who, b.reason, &b.details, on))
            .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: None })
}

/// CG-03: one core group meeting as a client sends it. Members are named as in the plan's
/// core group (`{"kind": "professional", "id": "..."}`, `{"kind": "family-member", "id": "..."}`,
/// `{"kind": "key-worker", "id": "<user id>"}`).
#[derive(Deserialize, ToSchema)]
pub struct CoreGroupMeetingBody {
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    #[schema(value_type = Vec<MemberSchema>)]
    pub present: Vec<confer_domain::plan::Member>,
    /// One for each open action.
    #[schema(value_type = Vec<ActionProgressSchema>)]
    pub progress: Vec<confer_domain::plan::ActionProgress>,
    /// One from each person present.
    #[schema(value_type = Vec<SafetyRatingSchema>)]
    pub safety: Vec<confer_domain::plan::SafetyRating>,
    #[serde(default)]
    pub new_actions: Vec<NewActionInput>,
    /// A concern that should bring the review forward (REV-02).
    #[serde(default)]
    pub concern_for_review: Option<String>,
}

/// A member of the core group (documentation of [`confer_domain::plan::Member`]).
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
#[schema(example = json!({"kind": "professional", "id": "p-school"}))]
pub enum MemberSchema {
    KeyWorker(String),
    Professional(String),
    FamilyMember(String),
}

/// Progress on one action at a core group meeting, with its evidence.
#[derive(Deserialize, ToSchema)]
pub struct ActionProgressSchema {
    pub number: u32,
    #[schema(example = "in-progress")]
    pub status: String,
    pub evidence: String,
}

/// How safe one person present thinks the child is now, 0 to 10.
#[derive(Deserialize, ToSchema)]
pub struct SafetyRatingSchema {
    pub member: MemberSchema,
    #[schema(minimum = 0, maximum = 10)]
    pub rating: u8,
}

pub async fn core_group_meeting(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: CoreGroupMeetingBody,
) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let mut new_actions = Vec::new();
    for a in b.new_actions {
        let owner_name = owner_name(ops, &allowed, &a.owner).await?;
        new_actions.push(confer_domain::plan::NewAction { what: a.what, owner: a.owner, owner_name, due: a.due });
    }
    // CG-02: the next core group at the policy's interval, on the authority's calendar.
    let rules = ops.rules(&allowed.authority_id).await?;
    let next = confer_domain::plan::next_core_group_by(b.held_on, &rules.calendar, &rules.policy(b.held_on));
    let input = confer_domain::plan::CoreGroupMeetingInput {
        held_on: b.held_on,
        present: b.present,
        progress: b.progress,
        safety: b.safety,
        new_actions,
        concern_for_review: b.concern_for_review,
    };
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let (n, v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.core-group-meeting", |p| {
        p.record_core_group_meeting(&who, input, next, today, now)
    })
    .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: Some(n) })
}

/// REV-02: the review brought forward to an earlier date, with the reason.
#[derive(Deserialize, ToSchema)]
pub struct ReviewForwardInput {
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    pub reason: String,
}

pub async fn bring_review_forward(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: ReviewForwardInput,
) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let today = ops.clock.today();
    let ((), v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.review-forward", |p| {
        p.bring_review_forward(&who, b.on, &b.reason, today)
    })
    .await?;
    Ok(PlanChanged { plan_id: id.to_owned(), version: v, number: None })
}

/// An action owner's name in words: a professional of the authority or an adult of the family.
async fn owner_name(ops: &Ops, allowed: &PlanAllowed, owner: &ActionOwner) -> Result<String> {
    Ok(match owner {
        ActionOwner::Professional(p) => {
            let found = confer_store::conferences::professional(&ops.db, &allowed.authority_id, p.as_str()).await?;
            let (p, agency) =
                found.ok_or_else(|| OpsError::invalid("owner", "Choose the professional from the list."))?;
            format!("{} ({})", p.name, agency.name)
        }
        ActionOwner::FamilyMember(a) => plans::adult_name(&ops.db, allowed.family_id.as_str(), a.as_str())
            .await?
            .ok_or_else(|| OpsError::invalid("owner", "Choose the family member from the list."))?,
        ActionOwner::Agency(name) => name.trim().to_owned(),
    })
}
