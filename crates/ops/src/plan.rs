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
use confer_store::plan_people::{Delivery, PlanMail};
use confer_store::plans::{self, PlanRow, VersionRow};
use confer_store::versioned::SaveError;
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
            PlanError::BadEnd { .. } | PlanError::EndBeforeStart { .. } => OpsError::invalid("on", e.to_string()),
            PlanError::NoSuchAction { .. } => OpsError::NotFound,
            other => OpsError::invalid("", other.to_string()),
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
pub(crate) async fn acting(ops: &Ops, actor: &Actor, allowed: &PlanAllowed) -> Result<PlanActing> {
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
    let rows = plans::of_family(&ops.db, family_id).await?;
    let listed: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "family-plans",
        &listed,
    )
    .await?;
    Ok(rows)
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
    /// PLAN-04: child in need plans with their next network meeting.
    #[schema(value_type = Vec<Object>)]
    pub network_meetings_due: Vec<PlanRow>,
    /// CG-02: for a manager, the core groups due of the plans their team leads (with the
    /// meeting arranged, if any), the soonest first.
    #[schema(value_type = Vec<Object>)]
    pub team_core_groups_due: Vec<PlanRow>,
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
    // The documents of the plans with an overdue action, in one query (not one per plan).
    let late = |r: &PlanRow| r.open_action_due.is_some_and(|d| d < today);
    let docs = if rows.iter().any(late) {
        confer_store::plan_people::docs_of_user(&ops.db, &actor.authority_id, &actor.user_id).await?
    } else {
        Vec::new()
    };
    for (row, stored) in docs.iter().filter(|(r, _)| late(r)) {
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
    let network_meetings_due = rows.iter().filter(|r| r.network_meeting_due_by.is_some()).cloned().collect();
    let team_core_groups_due: Vec<PlanRow> =
        plans::core_groups_of_team(&ops.db, &actor.authority_id, &actor.user_id).await?;
    let listed: Vec<&str> = rows.iter().chain(team_core_groups_due.iter()).map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "my-plans",
        &listed,
    )
    .await?;
    Ok(MyPlans { plans: rows, overdue_actions, core_groups_due, network_meetings_due, team_core_groups_due })
}

/// What a change answers: the plan's new version and the number of an action added.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanChanged {
    pub plan_id: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// CG-03: the core group members (as the plan names them) whose notes letter could not be
    /// made, so nothing was sent to them: send them the notes another way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub letters_not_made: Vec<String>,
    /// PLAN-05: the core group meeting that was arranged and is cancelled because the plan
    /// ended (everyone invited is told).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_group_cancelled: Option<CoreGroupCancelled>,
}

/// PLAN-05, CG-02: the arranged core group meeting cancelled because the plan ended.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoreGroupCancelled {
    /// The arrangement's number on the plan.
    pub number: u32,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// "HH:MM", UK time.
    pub at: String,
}

impl CoreGroupCancelled {
    fn of(a: &confer_domain::plan::ArrangedCoreGroup) -> Self {
        CoreGroupCancelled { number: a.number, on: a.on, at: a.at.format("%H:%M").to_string() }
    }
}

/// PLAN-05, CG-02: once `p` has ended, its arranged core group meeting (if any) is cancelled
/// and each member invited gets the cancellation, as for one by hand.
fn cancel_as_ended(
    p: &mut Plan,
    readers: &NotesReaders,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> (Option<CoreGroupCancelled>, Option<confer_store::plan_people::EndedMeeting>) {
    use confer_store::plan_people::{ArrangementChange, EndedMeeting};
    match p.cancel_core_group_as_ended(&actor.user_id, now) {
        Some(a) => {
            let mails = crate::core_group::messages(readers, &a, ArrangementChange::Cancelled, actor, true);
            (Some(CoreGroupCancelled::of(&a)), Some(EndedMeeting { number: a.number, mails }))
        }
        None => (None, None),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ConcernInput {
    pub concern: String,
    #[serde(default)]
    pub why_change_is_needed: String,
}

/// PLAN-01: the detailed plan the core group writes from the outline.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"concerns": [{"concern": "The home is cold and short of food.",
    "why_change_is_needed": "Amy is often hungry at school."}], "child_needs": "A warm home and regular meals.",
    "parents_needs": "Help with budgeting.", "short_term_goals": "Heating repaired.", "long_term_goals": "Amy is well fed."}))]
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
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: None,
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
}

/// PLAN-02: a new action.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"what": "Fix the heating", "owner": {"owner": "agency", "id": "Housing"}, "due": "2027-12-01"}))]
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
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: Some(n),
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
}

/// PLAN-02: an action's new status, with a note ("not done" needs the reason).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"status": "done", "note": "The rota is in place: two friends have agreed to help."}))]
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
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: Some(number),
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
}

/// PLAN-05: the plan ends because the child moved away, turned 18, died or was adopted (or, for
/// a child in need plan, it is no longer needed).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"reason": "adopted", "details": "Adoption order made.", "on": "2026-11-20"}))]
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
    let child = plans::load(&ops.db, id).await?.plan.child_id;
    let born_on = plans::child_born_on(&ops.db, child.as_str()).await?;
    let readers = NotesReaders::load(ops, &allowed, id).await?;
    let now = ops.clock.now();
    let (cancelled, _, v) = confer_store::plan_people::save_ending(
        &ops.db,
        id,
        v,
        actor.user_id.as_str(),
        "plan.end",
        |p| {
            p.end_for(&who, b.reason, &b.details, on, born_on)?;
            Ok(cancel_as_ended(p, &readers, actor, now))
        },
        None,
    )
    .await?;
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: None,
        letters_not_made: Vec::new(),
        core_group_cancelled: cancelled,
    })
}

/// CG-03: one core group meeting as a client sends it. Members are named as in the plan's
/// core group (`{"kind": "professional", "id": "..."}`, `{"kind": "family-member", "id": "..."}`,
/// `{"kind": "key-worker", "id": "<user id>"}`).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"held_on": "2026-11-20", "present": [{"kind": "key-worker", "id": "u-sw"}],
    "progress": [{"number": 1, "status": "in-progress", "evidence": "Rota covers 4 nights of 7."}],
    "safety": [{"member": {"kind": "key-worker", "id": "u-sw"}, "rating": 5}], "new_actions": [],
    "concern_for_review": null}))]
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
    /// REV-02: the earlier day the concern brings the review forward to, if it does (the
    /// concern is the reason), in the same change as the meeting.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_forward_to: Option<NaiveDate>,
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
        concern_for_review: b.concern_for_review.clone(),
    };
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let forward = b.review_forward_to;
    let reason = b.concern_for_review.unwrap_or_default();
    if forward.is_some() && reason.trim().is_empty() {
        return Err(OpsError::invalid("concern_for_review", "Say what the concern is that brings the review forward."));
    }
    let readers = NotesReaders::load(ops, &allowed, id).await?;
    // CG-02: the core group deadlines it meets, and the next one, in the same transaction;
    // CG-03: the notes to each member in the version they may see, through the outbox.
    let ((n, not_made), v) =
        confer_store::plan_people::save_core_group_meeting(&ops.db, id, v, actor.user_id.as_str(), b.held_on, |p| {
            let n = p.record_core_group_meeting(&who, input, next, today, now)?;
            if let Some(on) = forward {
                p.bring_review_forward(&who, on, &reason, today)?;
            }
            let mails = readers.notes(p, n, actor, today);
            Ok(((n, letters_not_made(&mails)), mails))
        })
        .await?;
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: Some(n),
        letters_not_made: not_made,
        core_group_cancelled: None,
    })
}

/// What the notes of a core group meeting need to know of its members before the meeting is
/// saved: the authority, the e-mail addresses of the family's adults and professionals, and
/// what the latest closed conference about the child lets each adult see (EXC-06).
pub(crate) struct NotesReaders {
    pub(crate) authority: confer_domain::Authority,
    /// Each adult: their e-mail address, nothing when they asked for letters by post, and what
    /// they may see.
    pub(crate) adults: Vec<(confer_domain::AdultId, Option<String>, confer_domain::conference::Visibility)>,
    pub(crate) professionals: Vec<(ProfessionalId, String, Option<confer_domain::UserId>)>,
    /// Each adult's first language, in English words (LANG-04: a Welsh speaker is written to
    /// in Welsh).
    pub(crate) languages: Vec<(confer_domain::AdultId, String)>,
}

impl NotesReaders {
    pub(crate) async fn load(ops: &Ops, allowed: &PlanAllowed, plan_id: &str) -> Result<NotesReaders> {
        let child = plans::load(&ops.db, plan_id).await?.plan.child_id;
        let latest = match confer_store::plan_people::latest_closed_conference(
            &ops.db,
            allowed.family_id.as_str(),
            child.as_str(),
        )
        .await?
        {
            Some(c) => Some(confer_store::conferences::load(&ops.db, &c).await?.conference),
            None => None,
        };
        Self::of_family(ops, &allowed.authority_id, allowed.family_id.as_str(), latest.as_ref()).await
    }

    /// The family's readers, each adult seeing what conference `latest` lets them see (the
    /// family's view when there is none).
    pub(crate) async fn of_family(
        ops: &Ops,
        authority_id: &confer_domain::AuthorityId,
        family_id: &str,
        latest: Option<&confer_domain::conference::Conference>,
    ) -> Result<NotesReaders> {
        use confer_domain::conference::{Recipient, Visibility};
        let authority = confer_store::users::authority(&ops.db, authority_id).await?;
        let family = confer_store::families::family_record(&ops.db, family_id).await?;
        let by_post = confer_store::families::prefers_post(&ops.db, family_id).await?;
        let languages = family.adults.iter().map(|a| (a.id.clone(), a.communication.first_language.clone())).collect();
        let adults = family
            .adults
            .into_iter()
            .map(|mut a| {
                // LANG-03: an adult who asked for letters by post gets the notes as a letter.
                if by_post.get(a.id.as_str()).copied().unwrap_or(false) {
                    a.email = None;
                }
                let seen = match latest {
                    Some(c) => Visibility::for_recipient(c, &Recipient::FamilyMember(a.id.clone())),
                    None => Visibility::FAMILY,
                };
                (a.id, a.email, seen)
            })
            .collect();
        let professionals = family.professionals.into_iter().map(|(p, _)| (p.id, p.email, p.user_id)).collect();
        Ok(NotesReaders { authority, adults, professionals, languages })
    }

    /// CG-03, EXC-06: the notes of meeting `n` for each member of the core group, in the
    /// version they may see; not for the person who recorded them. A member with an e-mail
    /// address is e-mailed (through the outbox); one with none, or an adult who asked for post,
    /// gets the same words as a letter (tagged PDF) on the authority's print list.
    fn notes(&self, p: &Plan, n: u32, actor: &Actor, today: NaiveDate) -> Vec<PlanMail> {
        use confer_domain::plan::Member;
        use confer_domain::plan_views::{core_group_notes, NotesReader};
        let (name, nation) = (self.authority.name.as_str(), self.authority.nation);
        let mut out = Vec::new();
        for m in &p.core_group {
            let (member, recipient, reader) = match &m.person {
                Member::Professional(id) => {
                    let Some((_, email, user)) = self.professionals.iter().find(|x| &x.0 == id) else { continue };
                    if user.as_ref() == Some(&actor.user_id) {
                        continue;
                    }
                    (format!("professional:{id}"), email.trim().to_owned(), NotesReader::Professional)
                }
                Member::FamilyMember(adult) => {
                    let Some((_, email, seen)) = self.adults.iter().find(|x| &x.0 == adult) else { continue };
                    (
                        format!("family-member:{adult}"),
                        email.as_deref().map(str::trim).unwrap_or_default().to_owned(),
                        NotesReader::FamilyMember { adult, visibility: seen },
                    )
                }
                // The key worker leads the plan and reads it in confer.
                Member::KeyWorker(_) => continue,
            };
            let Some(notice) = core_group_notes(name, nation, p, n, reader, today) else { continue };
            let delivery = if recipient.is_empty() {
                let mut doc = confer_docs::doc::Doc::new(
                    notice.subject.clone(),
                    confer_domain::conference::DocumentLanguage::English,
                );
                doc.heading(notice.subject.clone()).paragraphs(&notice.body);
                letter_delivery(confer_docs::render(&doc, confer_docs::Format::Pdf, confer_docs::PrintSize::Standard))
            } else {
                Delivery::Email(recipient)
            };
            out.push(PlanMail { member, notice, delivery });
        }
        out
    }
}

/// CG-03: a member's notes letter as made. One that cannot be made is not a reason to lose the
/// meeting, nor lost silently: the member is named in the notes' audit event and the person
/// who recorded the meeting is told ([`PlanChanged::letters_not_made`]).
pub fn letter_delivery(made: std::result::Result<Vec<u8>, confer_docs::pdf::PdfError>) -> Delivery {
    match made {
        Ok(bytes) => Delivery::Letter(bytes),
        Err(_) => Delivery::LetterNotMade,
    }
}

/// The members whose notes letter could not be made.
fn letters_not_made(mails: &[PlanMail]) -> Vec<String> {
    mails.iter().filter(|m| matches!(m.delivery, Delivery::LetterNotMade)).map(|m| m.member.clone()).collect()
}

/// REV-02: the review brought forward to an earlier date, with the reason.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"on": "2026-12-10", "reason": "The core group is worried by a new injury."}))]
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
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: None,
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
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

// ------------------------------------------------------------- after the plan (issue 13)

/// PLAN-04: one service of a child in need plan.
#[derive(Deserialize, ToSchema)]
pub struct ServiceInput {
    pub service: String,
    pub provider: String,
    /// For how long, in words ("12 weeks").
    pub duration: String,
}

/// PLAN-04: what a child in need plan states: the child's needs, the services with who
/// provides them and for how long, and the outcomes expected.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"needs": "Speech and language support.", "services": [{"service": "Speech therapy",
    "provider": "NHS speech and language team", "duration": "12 weeks"}],
    "expected_outcomes": "Speaks in short sentences by the summer."}))]
pub struct ChildInNeedInput {
    pub needs: String,
    #[serde(default)]
    pub services: Vec<ServiceInput>,
    pub expected_outcomes: String,
}

pub async fn change_child_in_need(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: ChildInNeedInput,
) -> Result<PlanChanged> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let details = confer_domain::plan::ChildInNeedDetails {
        needs: b.needs,
        services: b
            .services
            .into_iter()
            .map(|s| confer_domain::plan::Service { service: s.service, provider: s.provider, duration: s.duration })
            .collect(),
        expected_outcomes: b.expected_outcomes,
    };
    let ((), v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.child-in-need", |p| {
        p.change_child_in_need(&who, details)
    })
    .await?;
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: None,
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
}

/// PLAN-04: a network meeting reviews a child in need plan: attendance, progress on each open
/// action with evidence, new actions (ratings optional). The next is due at the policy's
/// interval for child in need reviews.
pub async fn network_meeting(
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
    let rules = ops.rules(&allowed.authority_id).await?;
    let next = confer_domain::timescales::DeadlineRule::ChildInNeedReview.due_date(
        b.held_on,
        &rules.calendar,
        &rules.policy(b.held_on),
    );
    let input = confer_domain::plan::CoreGroupMeetingInput {
        held_on: b.held_on,
        present: b.present,
        progress: b.progress,
        safety: b.safety,
        new_actions,
        concern_for_review: b.concern_for_review,
    };
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let (n, v) = plans::save(&ops.db, id, v, actor.user_id.as_str(), "plan.network-meeting", |p| {
        p.record_network_meeting(&who, input, next, today, now)
    })
    .await?;
    Ok(PlanChanged {
        plan_id: id.to_owned(),
        version: v,
        number: Some(n),
        letters_not_made: Vec::new(),
        core_group_cancelled: None,
    })
}

/// PLAN-05, TIME-02: the child moved to another authority.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"authority": "Otherton Council", "moved_on": "2026-11-21", "notified_on": "2026-11-23"}))]
pub struct TransferOutInput {
    /// The receiving authority's name.
    pub authority: String,
    /// The day the child moved.
    #[schema(value_type = String, format = Date)]
    pub moved_on: NaiveDate,
    /// The day the receiving authority was told (the trigger of its transfer-in conference).
    #[schema(value_type = String, format = Date)]
    pub notified_on: NaiveDate,
    /// When the receiving authority is a tenant of this installation: this authority consents
    /// to share the transfer pack with it (recorded with who and when). Without it the
    /// receiving authority sees the offer but not the pack.
    #[serde(default)]
    pub share_pack: bool,
}

/// What a transfer out answers: the plan's new version and the receiving authority's
/// transfer-in conference due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferredOut {
    pub plan_id: String,
    pub version: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub transfer_in_due_by: Option<NaiveDate>,
    /// Whether the receiving authority is a tenant here and was offered the transfer.
    pub offered_here: bool,
    /// PLAN-05: the core group meeting that was arranged and is cancelled because the plan
    /// ended (everyone invited is told).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_group_cancelled: Option<CoreGroupCancelled>,
}

/// PLAN-05, TIME-02: records the transfer out and ends the plan, computing the receiving
/// authority's transfer-in conference due date (15 working days from its notification by
/// default, on the receiving authority's calendar and policy when it is a tenant here, else on
/// this one's). When the receiving authority is a tenant of this installation, the transfer is
/// offered to it in the same transaction, audited in both.
pub async fn transfer_out(ops: &Ops, actor: &Actor, id: &str, v: i64, b: TransferOutInput) -> Result<TransferredOut> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    let who = acting(ops, actor, &allowed).await?;
    if b.authority.trim().is_empty() {
        return Err(OpsError::invalid("authority", "Enter the authority the child moved to."));
    }
    let here = plans::authority_named(&ops.db, &b.authority).await?.filter(|(a, _)| *a != allowed.authority_id);
    let rules_of = here.as_ref().map(|(a, _)| a.clone()).unwrap_or_else(|| allowed.authority_id.clone());
    let rules = ops.rules(&rules_of).await?;
    let due = confer_domain::timescales::DeadlineRule::TransferInConference.due_date(
        b.notified_on,
        &rules.calendar,
        &rules.policy(b.notified_on),
    );
    let to = confer_domain::plan::TransferOut {
        authority: b.authority.clone(),
        notified_on: b.notified_on,
        transfer_in_due_by: due,
        receiving_authority_id: here.as_ref().map(|(a, _)| a.clone()),
    };
    let today = ops.clock.today();
    let offer = here.as_ref().map(|(a, _)| plans::OfferedTransfer {
        to_authority: a,
        notified_on: b.notified_on,
        due_by: due,
        pack_shared: b.share_pack,
    });
    let readers = NotesReaders::load(ops, &allowed, id).await?;
    let now = ops.clock.now();
    let (cancelled, _, v) = confer_store::plan_people::save_ending(
        &ops.db,
        id,
        v,
        actor.user_id.as_str(),
        "plan.transfer-out",
        |p| {
            p.transfer_out(&who, to, b.moved_on, today)?;
            Ok(cancel_as_ended(p, &readers, actor, now))
        },
        offer,
    )
    .await
    .map_err(|e| match e {
        SaveError::Refused(PlanError::BadDate { .. }) => OpsError::invalid("notified_on", e.to_string()),
        SaveError::Refused(PlanError::EndBeforeStart { .. }) => OpsError::invalid("moved_on", e.to_string()),
        other => other.into(),
    })?;
    Ok(TransferredOut {
        plan_id: id.to_owned(),
        version: v,
        transfer_in_due_by: due,
        offered_here: here.is_some(),
        core_group_cancelled: cancelled,
    })
}

/// PLAN-05, TIME-02: the sending authority's consent to share the transfer pack, given after
/// the transfer out was recorded.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"consent": true}))]
pub struct SharePackInput {
    /// This authority consents to share the transfer pack with the receiving authority.
    pub consent: bool,
}

/// PLAN-05, TIME-02: what recording the consent to share the pack later answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackShared {
    pub plan_id: String,
    /// The transfer offered to the receiving authority, which now sees the pack.
    pub transfer_id: String,
}

/// PLAN-05, TIME-02: the sending authority consents, after the transfer out was recorded, to
/// share the transfer pack with the receiving authority (a tenant here) while the transfer
/// waits for its answer; recorded with who and when and audited in both tenants.
pub async fn share_pack(ops: &Ops, actor: &Actor, id: &str, b: SharePackInput) -> Result<PackShared> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, id).await?;
    if !b.consent {
        return Err(OpsError::invalid("consent", "Confirm that your authority consents to share the transfer pack."));
    }
    match plans::share_pack_later(&ops.db, id, &allowed.authority_id, actor.user_id.as_str()).await? {
        plans::PackShare::Shared(transfer_id) => Ok(PackShared { plan_id: id.to_owned(), transfer_id }),
        plans::PackShare::AlreadyShared => {
            Err(OpsError::invalid("share_pack", "The transfer pack is already shared with the receiving authority."))
        }
        plans::PackShare::NoTransfer => Err(OpsError::invalid(
            "share_pack",
            "This plan has no transfer to another authority of this installation waiting for an answer.",
        )),
    }
}

/// One line of a transfer pack's chronology.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChronologyEntry {
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// "conference", "plan-version", "core-group" or "network-meeting".
    pub kind: String,
    pub what: String,
}

/// The latest conference of the child's, as the pack carries it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackConference {
    pub id: String,
    pub kind: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub held_on: Option<NaiveDate>,
    /// What it decided for the child, in words.
    pub outcome: Option<String>,
    /// The latest approved version of its record (every section: the pack goes to the
    /// professionals of the receiving authority), when there is one.
    #[schema(value_type = Option<Object>)]
    pub record: Option<Value>,
}

/// PLAN-05, TIME-02: what goes to the receiving authority: the plan, the latest conference and
/// its record's state, and the chronology of conferences, plan versions, core groups and
/// network meetings (oldest first).
#[derive(Serialize, ToSchema)]
pub struct TransferPack {
    pub plan_id: String,
    pub child_name: String,
    #[schema(value_type = Object)]
    pub plan: Value,
    pub latest_conference: Option<PackConference>,
    pub chronology: Vec<ChronologyEntry>,
    #[serde(skip)]
    pub aggregate: Option<Plan>,
}

/// Builds the transfer pack of a plan, audited as a read of the family's record.
pub async fn transfer_pack(ops: &Ops, actor: &Actor, id: &str) -> Result<TransferPack> {
    let allowed = authorize_plan(ops, actor, Action::ViewPlan, id).await?;
    confer_store::audit::record_read(
        &ops.db,
        confer_store::audit::Entry {
            authority_id: allowed.authority_id.as_str(),
            actor: actor.user_id.as_str(),
            kind: confer_domain::audit::EventKind::Read,
            action: "plan.transfer-pack.read",
            entity_type: "family",
            entity_id: allowed.family_id.as_str(),
            before: Value::Null,
            after: serde_json::json!({ "plan_id": id }),
        },
    )
    .await?;
    let nation = ops.authority(&actor.authority_id).await?.nation;
    build_pack(ops, id, &allowed.family_id, confer_domain::words::Words::of(nation)).await
}

/// The transfer pack of a plan of `family_id`, without asking the policy or logging the read:
/// the caller has done both ([`transfer_pack`] for the sending authority,
/// `crate::transfers::incoming` for the receiving one). Issue 15: the chronology and the
/// latest conference are said in `words`, the reading authority's nation's (typed text, such
/// as a plan version's action, is left as it is).
pub(crate) async fn build_pack(
    ops: &Ops,
    id: &str,
    family_id: &FamilyId,
    words: &confer_domain::words::Words,
) -> Result<TransferPack> {
    let stored = plans::load(&ops.db, id).await?;
    let p = stored.plan;
    let mut chronology = Vec::new();
    let mut latest: Option<PackConference> = None;
    for row in confer_store::conferences::of_family(&ops.db, family_id.as_str()).await? {
        let Ok(c) = confer_store::conferences::load(&ops.db, &row.id).await else { continue };
        let c = c.conference;
        if !c.children().iter().any(|x| x.child_id == p.child_id) {
            continue;
        }
        let Some(held_on) = c.date().filter(|_| c.state() == confer_domain::conference::ConferenceState::Closed) else {
            continue;
        };
        let outcome = c.decision_for(&p.child_id).map(|d| d.outcome.describe_in(words));
        chronology.push(ChronologyEntry {
            on: held_on,
            kind: "conference".into(),
            what: format!(
                "{}: {}",
                words.kind(c.kind()),
                outcome.clone().unwrap_or_else(|| "no decision recorded".into())
            ),
        });
        if latest.as_ref().is_none_or(|l| l.held_on.is_some_and(|h| h < held_on)) {
            latest = Some(PackConference {
                id: c.id().to_string(),
                kind: words.kind(c.kind()).to_owned(),
                held_on: Some(held_on),
                outcome,
                record: c.record().latest().and_then(|r| serde_json::to_value(r).ok()),
            });
        }
    }
    for v in plans::history(&ops.db, id).await? {
        let on = v.changed_at.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
        if let Some(on) = on {
            chronology.push(ChronologyEntry {
                on,
                kind: "plan-version".into(),
                what: format!("Version {}: {}", v.version, v.action),
            });
        }
    }
    for m in &p.core_group_meetings {
        chronology.push(ChronologyEntry {
            on: m.held_on,
            kind: "core-group".into(),
            what: words.reword(&format!("Core group meeting {} ({} present)", m.number, m.present.len())),
        });
    }
    for m in &p.lifecycle.network_meetings {
        chronology.push(ChronologyEntry {
            on: m.held_on,
            kind: "network-meeting".into(),
            what: format!("Network meeting {} ({} present)", m.number, m.present.len()),
        });
    }
    chronology.sort_by_key(|a| a.on);
    Ok(TransferPack {
        plan_id: id.to_owned(),
        child_name: p.child_name.clone(),
        plan: serde_json::to_value(&p).map_err(|e| OpsError::Internal(e.to_string()))?,
        latest_conference: latest,
        chronology,
        aggregate: Some(p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(member: &str, delivery: Delivery) -> PlanMail {
        let notice = confer_domain::notices::Notice { subject: "Notes".into(), body: "Notes.".into() };
        PlanMail { member: member.into(), notice, delivery }
    }

    /// CG-03 (review): a notes letter the PDF writer refuses is reported as not made, never
    /// dropped: the member stays in the mails (the store names them in the audit event) and
    /// the person who recorded the meeting is told.
    #[test]
    fn cg_03_a_letter_that_cannot_be_made_is_reported_not_dropped() {
        let refused = letter_delivery(Err(confer_docs::pdf::PdfError("the PDF/UA check failed".into())));
        assert!(matches!(refused, Delivery::LetterNotMade));
        assert!(matches!(letter_delivery(Ok(b"%PDF".to_vec())), Delivery::Letter(_)));
        let mails = [
            mail("family-member:mum", refused),
            mail("professional:p-school", Delivery::Email("school@example.org".into())),
            mail("family-member:dad", Delivery::Letter(b"%PDF".to_vec())),
        ];
        assert_eq!(letters_not_made(&mails), ["family-member:mum"]);
    }
}
