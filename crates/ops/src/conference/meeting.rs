//! The meeting (MEET-*), its discussion and plan, the decision (DEC-*, DIS-*) and closing.

use super::{authorize, save, schemas, Changed};
use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::{AdultId, ChildId, ProfessionalId};
use confer_store::conferences::{self, Change};
use serde::Deserialize;
use utoipa::ToSchema;

pub async fn start_meeting(ops: &Ops, actor: &Actor, id: &str, v: i64) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let ((), v) = save(ops, actor, id, v, "conference.start", |c| c.start_meeting(&a.acting, today, now)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"attendance": {"invitation": 1, "presence": "in-person", "parts": [],
    "arrived_late_at": null, "left_early_at": null}}))]
pub struct AttendanceInput {
    /// `{invitation: <number>, presence: "in-person" | "remote" | "apologies" | "report-only" | "absent",
    /// parts: [...], arrived_late_at: "10:15:00" | null, left_early_at: null}`; `parts` are the
    /// agenda's parts (see `DiscussionInput.part`), empty for the whole conference.
    #[schema(value_type = schemas::AttendanceSchema)]
    pub attendance: Attendance,
}

pub async fn attendance(ops: &Ops, actor: &Actor, id: &str, v: i64, b: AttendanceInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let ((), v) =
        save(ops, actor, id, v, "conference.attendance", |c| c.record_attendance(&a.acting, b.attendance)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"heading": "worries", "text": "The children often arrive at school hungry.",
    "part": null, "child_id": null, "restricted": false}))]
pub struct DiscussionInput {
    #[schema(value_type = String, example = "worries")]
    pub heading: DiscussionHeading,
    pub text: String,
    /// The part of the conference (EXC-03), if the chair divided it: one of the agenda's parts
    /// (`working-well`, `worries`, `complicating-factors`, `history`, `uncertainty`,
    /// `next-steps`, `child-views`, `parent-views`, `professionals-only`).
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub child_id: Option<String>,
    /// Third-party or police information the family must never see (REP-03).
    #[serde(default)]
    pub restricted: bool,
}

pub async fn discussion(ops: &Ops, actor: &Actor, id: &str, v: i64, b: DiscussionInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    // EXC-03, MEET-02: the part is one of the agenda's parts, chosen by its code.
    let part = match b.part.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(Part::chosen(p).ok_or_else(|| OpsError::invalid("part", choose_part()))?),
    };
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.discussion", |c| {
        c.add_discussion(&a.acting, b.heading, &b.text, part, b.child_id.map(ChildId), b.restricted, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"by": {"kind": "family-member", "id": "adult-1"},
    "what_was_said": "The children miss school every Monday", "correction": "They missed two Mondays when ill"}))]
pub struct CorrectionInput {
    #[schema(value_type = schemas::PersonSchema)]
    pub by: Person,
    pub what_was_said: String,
    pub correction: String,
}

pub async fn correction(ops: &Ops, actor: &Actor, id: &str, v: i64, b: CorrectionInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.correction", |c| {
        c.record_correction(&a.acting, b.by, &b.what_was_said, &b.correction, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"professional_id": "professional-1", "child_id": "child-1", "view": "plan",
    "reasons": "As in my report: the neglect has gone on for a year."}))]
pub struct ProfessionalViewInput {
    pub professional_id: String,
    pub child_id: String,
    #[schema(value_type = String, example = "plan")]
    pub view: PlanView,
    pub reasons: String,
}

pub async fn professional_view(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: ProfessionalViewInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let ((), v) = save(ops, actor, id, v, "conference.professional-view", |c| {
        c.record_professional_view(
            &a.acting,
            &ProfessionalId(b.professional_id.clone()),
            &ChildId(b.child_id.clone()),
            b.view,
            &b.reasons,
        )
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "child_id": null, "views": "We are trying our best and want help."}))]
pub struct ParentViewInput {
    pub adult_id: String,
    #[serde(default)]
    pub child_id: Option<String>,
    pub views: String,
}

pub async fn parent_view(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ParentViewInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let ((), v) = save(ops, actor, id, v, "conference.parent-view", |c| {
        c.record_parent_view(&a.acting, &AdultId(b.adult_id.clone()), b.child_id.clone().map(ChildId), &b.views)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"children": ["child-1"], "what": "A place at the breakfast club every school day",
    "owner": {"owner": "agency", "id": "Riverside Primary School"}, "due": "2026-11-30"}))]
pub struct ActionInput {
    pub children: Vec<String>,
    pub what: String,
    /// `{"owner": "professional", "id": "..."}`, `{"owner": "family-member", "id": "..."}` or `{"owner": "agency", "id": "<name>"}`
    #[schema(value_type = schemas::ActionOwnerSchema)]
    pub owner: ActionOwner,
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
}

pub async fn plan_action(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ActionInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let children = b.children.into_iter().map(ChildId).collect();
    let (n, v) = save(ops, actor, id, v, "conference.plan-action", |c| {
        c.add_plan_action(&a.acting, children, &b.what, b.owner, b.due, today, now)
    })
    .await?;
    Ok(Changed::new(id, v, Some(n.0), None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"child_id": "child-1", "outcome": {"outcome": "child-protection-plan", "category": "neglect"},
    "continuing_risk_of_significant_harm": true, "inquorate_reason": null}))]
pub struct DecideInput {
    pub child_id: String,
    /// `{"outcome": "child-protection-plan", "category": "neglect"}`, `{"outcome": "child-in-need-plan"}`,
    /// `{"outcome": "no-further-plan"}`, `{"outcome": "continue-plan", "category": ...}`,
    /// `{"outcome": "end-plan-step-down-to-child-in-need"}`, `{"outcome": "end-plan-no-further-plan"}`
    #[schema(value_type = schemas::ChildOutcomeSchema)]
    pub outcome: ChildOutcome,
    /// DEC-03
    pub continuing_risk_of_significant_harm: bool,
    /// INV-03: why the decision is made without a quorum (where policy allows).
    #[serde(default)]
    pub inquorate_reason: Option<String>,
    /// PLAN-05, with a step-down: the numbers of the open actions of the child's plan that
    /// carry over to the child in need plan; its other open actions are closed with the reason.
    /// Left out: the actions agreed for the child at this conference or, when none were,
    /// every open action carry over.
    #[serde(default)]
    pub carry_over_actions: Option<Vec<u32>>,
    /// Scotland only (required there, refused elsewhere): whether the child is referred to the
    /// Children's Reporter, with the reasons: `{"referred": false, "reasons": "..."}`.
    #[serde(default)]
    #[schema(value_type = Option<schemas::ReporterReferralSchema>)]
    pub reporter_referral: Option<ReporterReferral>,
}

pub async fn decision(ops: &Ops, actor: &Actor, id: &str, v: i64, b: DecideInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let now = ops.clock.now();
    let p = rules.policy(ops.clock.today());
    let input = DecisionInput {
        child: ChildId(b.child_id),
        outcome: b.outcome,
        continuing_risk_of_significant_harm: b.continuing_risk_of_significant_harm,
        inquorate_reason: b.inquorate_reason,
        reporter_referral: b.reporter_referral,
    };
    let child = input.child.clone();
    if let Some(numbers) = &b.carry_over_actions {
        if input.outcome != ChildOutcome::EndPlanStepDownToChildInNeed {
            return Err(OpsError::invalid(
                "carry_over",
                "Actions are carried over only with a step-down to a child in need plan.",
            ));
        }
        let plan = confer_store::plans::open_plan_of_child(
            &ops.db,
            child.as_str(),
            confer_domain::plan::PlanKind::ChildProtection,
        )
        .await?;
        let open: Vec<u32> = plan
            .map(|s| {
                s.plan
                    .actions
                    .iter()
                    .filter(|x| {
                        matches!(
                            x.status,
                            confer_domain::plan::ActionStatus::NotStarted
                                | confer_domain::plan::ActionStatus::InProgress
                        )
                    })
                    .map(|x| x.number)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(n) = numbers.iter().find(|n| !open.contains(n)) {
            return Err(OpsError::invalid(
                "carry_over",
                format!("Action {n} is not an open action of the child's plan, so it cannot be carried over."),
            ));
        }
    }
    let carry = b.carry_over_actions;
    let nation = NationDecisions::for_nation(ops.authority(&actor.authority_id).await?.nation);
    let ((), v) = save(ops, actor, id, v, "conference.decide", |c| {
        c.decide(&a.acting, input, &p, nation, now)?;
        match carry {
            Some(numbers) => c.choose_carried_over_actions(&a.acting, &child, numbers),
            None => Ok(()),
        }
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"children": ["child-1"], "action": "pre-proceedings",
    "reasons": "Neglect over two years despite support."}))]
pub struct LegalInput {
    pub children: Vec<String>,
    #[schema(value_type = String, example = "pre-proceedings")]
    pub action: LegalAction,
    pub reasons: String,
}

pub async fn legal_recommendation(ops: &Ops, actor: &Actor, id: &str, v: i64, b: LegalInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let children = b.children.into_iter().map(ChildId).collect();
    let ((), v) = save(ops, actor, id, v, "conference.legal-recommendation", |c| {
        c.recommend_legal_action(&a.acting, children, b.action, &b.reasons, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"professional_id": "professional-1", "child_id": null,
    "reasons": "I think the plan's category should be emotional abuse too.", "discussed_with_chair": true,
    "chair_response": "The category stays neglect; the worries are in the plan."}))]
pub struct RecordDissentInput {
    pub professional_id: String,
    /// The child whose decision is disputed; none for all.
    #[serde(default)]
    pub child_id: Option<String>,
    pub reasons: String,
    pub discussed_with_chair: bool,
    pub chair_response: String,
}

pub async fn dissent(ops: &Ops, actor: &Actor, id: &str, v: i64, b: RecordDissentInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let now = ops.clock.now();
    let p = rules.policy(ops.clock.today());
    let input = DissentInput {
        professional: ProfessionalId(b.professional_id),
        child: b.child_id.map(ChildId),
        reasons: b.reasons,
        discussed_with_chair: b.discussed_with_chair,
        chair_response: b.chair_response,
    };
    let ((), v) =
        save(ops, actor, id, v, "conference.dissent", |c| c.record_dissent(&a.acting, input, &p, now)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"next_review_on": null}))]
pub struct CloseInput {
    /// The next review (REV-01/02); by default the latest date allowed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub next_review_on: Option<NaiveDate>,
}

pub async fn close(ops: &Ops, actor: &Actor, id: &str, v: i64, b: CloseInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let now = ops.clock.now();
    let p = rules.policy(ops.clock.today());
    // PLAN-05, CG-02: a review that ends a plan cancels the plan's arranged core group
    // meeting in the closing's transaction; each member invited is told as when a plan is
    // ended by hand, seeing what this conference lets them see (EXC-04).
    let stored = conferences::load(&ops.db, id).await?.conference;
    let ends_a_plan = stored
        .decisions()
        .iter()
        .any(|d| matches!(d.outcome, ChildOutcome::EndPlanStepDownToChildInNeed | ChildOutcome::EndPlanNoFurtherPlan));
    let readers = match ends_a_plan {
        true => Some(
            crate::plan::NotesReaders::of_family(ops, &a.owner.authority_id, a.owner.family_id.as_str(), Some(&stored))
                .await?,
        ),
        false => None,
    };
    // Issue 13: the meetings cancelled, for the chair's answer.
    let cancelled: std::sync::Mutex<Vec<chrono::NaiveDate>> = std::sync::Mutex::new(Vec::new());
    let tell = |_: &confer_domain::plan::Plan, meeting: &confer_domain::plan::ArrangedCoreGroup| {
        if let Ok(mut c) = cancelled.lock() {
            c.push(meeting.on);
        }
        match &readers {
            Some(r) => crate::core_group::messages(
                r,
                meeting,
                confer_store::plan_people::ArrangementChange::Cancelled,
                actor,
                true,
            ),
            None => Vec::new(),
        }
    };
    let change = Change { ended_meetings: Some(&tell), ..Change::new(actor.user_id.as_str(), "conference.close") };
    let ((), v) =
        conferences::save(&ops.db, id, v, change, |c| c.close(&a.acting, b.next_review_on, &p, &rules.calendar, now))
            .await?;
    let mut dates = cancelled.into_inner().unwrap_or_default();
    dates.sort();
    dates.dedup();
    // PLAN-05, CG-02: the answer names the core group meetings the closing cancelled (each
    // member invited was told).
    let result = serde_json::json!({ "cancelled_core_group_meetings": dates });
    Ok(Changed::new(id, v, None, Some(result)))
}

/// The core group meetings a closing cancelled, from its answer (issue 13).
pub fn cancelled_meetings(changed: &Changed) -> Vec<chrono::NaiveDate> {
    changed
        .result
        .as_ref()
        .and_then(|r| r.get("cancelled_core_group_meetings"))
        .and_then(|d| serde_json::from_value(d.clone()).ok())
        .unwrap_or_default()
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"recipient": {"recipient": "family-member", "id": "adult-1"}, "on": null,
    "late_reason": null}))]
pub struct OutcomeSentInput {
    #[schema(value_type = schemas::RecipientSchema)]
    pub recipient: Recipient,
    /// The day it was sent (default today).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
    /// DEC-05, TIME-01: needed only when it was sent after the day it was due:
    /// `{"reason": "chair-unavailable", "details": "..."}` (a reason from the deadlines' list;
    /// "other" needs the details).
    #[serde(default)]
    #[schema(value_type = Option<schemas::LateReasonSchema>)]
    pub late_reason: Option<confer_domain::timescales::LateReasonRecord>,
}

pub async fn outcome_sent(ops: &Ops, actor: &Actor, id: &str, v: i64, b: OutcomeSentInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let today = ops.clock.today();
    let on = b.on.unwrap_or(today);
    let ((), v) = save(ops, actor, id, v, "conference.outcome-sent", |c| {
        c.record_outcome_sent(&a.acting, b.recipient, on, today, b.late_reason)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

/// What to say when a part of the conference is not one of the agenda's parts.
pub fn choose_part() -> String {
    let codes: Vec<&str> = AgendaPart::ALL.iter().map(|p| p.as_str()).collect();
    format!("Choose the part of the conference from the list: {}.", codes.join(", "))
}
