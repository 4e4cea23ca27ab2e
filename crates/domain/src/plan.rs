//! Plans after the conference (DOMAIN.md section 10, PLAN-01..06) and the core group that
//! carries a child protection plan out (CG-01, CG-02).
//!
//! A plan is one aggregate per child, kept whole with a version like a conference. It is made
//! from the conference's decision when the conference closes (PLAN-03: the decisions stand
//! only once the chair closes the conference; until then the latest decision may change), in
//! the conference's own transaction. Everything after that is a change to the plan at the
//! version the person last saw, each one kept as a version of the plan with its audit event.

use crate::calendar::WorkingCalendar;
use crate::conference::{
    ActionOwner, ChildOutcome, Conference, ConferenceId, ConferenceKind, DiscussionHeading, Person, PlanCategory,
    TransferFrom,
};
use crate::model::{AdultId, AuthorityId, CaseId, ChildId, FamilyId, ProfessionalId, UserId};
use crate::policy::Policy;
use crate::timescales::DeadlineRule;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

crate::id_type!(PlanId);

/// PLAN-06: every plan page and family document says so, in English and in Welsh.
pub const PARENTAL_RESPONSIBILITY_EN: &str = "This plan does not change who has parental responsibility for the child.";
/// PLAN-06, in Welsh.
pub const PARENTAL_RESPONSIBILITY_CY: &str =
    "Nid yw'r cynllun hwn yn newid pwy sydd â chyfrifoldeb rhiant am y plentyn.";

crate::text_enum! {
    /// The kind of plan (DEC-01): a child protection plan, or a child in need plan (PLAN-04).
    pub enum PlanKind {
        ChildProtection => "child-protection", "Child protection plan";
        ChildInNeed => "child-in-need", "Child in need plan";
    }
}

crate::text_enum! {
    /// PLAN-02: where an action stands.
    pub enum ActionStatus {
        NotStarted => "not-started", "Not started";
        InProgress => "in-progress", "In progress";
        Done => "done", "Done";
        NotDone => "not-done", "Not done";
    }
}

crate::text_enum! {
    /// PLAN-05: the only ways a child protection plan ends (they feed the statutory return).
    pub enum EndReason {
        ReviewDecision => "review-decision", "A review conference decided the plan is no longer needed";
        TransferOut => "transfer-out", "The child moved to another authority";
        EighteenthBirthday => "eighteenth-birthday", "The child turned 18";
        Died => "died", "The child died";
        Adopted => "adopted", "The child was adopted";
        NoLongerNeeded => "no-longer-needed", "The child in need plan is no longer needed";
    }
}

impl EndReason {
    /// PLAN-05: the reasons a person records by hand for a plan of this kind (a review's
    /// decision comes only from the conference; "no longer needed" ends only a child in need
    /// plan, at a network meeting's conclusion).
    pub fn recordable_for(kind: PlanKind) -> Vec<EndReason> {
        EndReason::ALL
            .iter()
            .copied()
            .filter(|r| *r != EndReason::ReviewDecision)
            .filter(|r| *r != EndReason::NoLongerNeeded || kind == PlanKind::ChildInNeed)
            .collect()
    }
}

/// PLAN-01: one concern and why change is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concern {
    pub concern: String,
    /// Why change is needed; the core group writes it where the conference did not (PLAN-03).
    #[serde(default)]
    pub why_change_is_needed: String,
}

/// PLAN-01: what the plan says beside its actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    pub concerns: Vec<Concern>,
    /// The child's needs and how they are met.
    #[serde(default)]
    pub child_needs: String,
    /// The parents' needs and the support offered.
    #[serde(default)]
    pub parents_needs: String,
    #[serde(default)]
    pub short_term_goals: String,
    #[serde(default)]
    pub long_term_goals: String,
}

/// PLAN-02: a note on an action's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUpdate {
    pub status: ActionStatus,
    pub note: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// PLAN-02: one action with its owner (a professional, an agency or a parent), due date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAction {
    pub number: u32,
    pub what: String,
    pub owner: ActionOwner,
    /// The owner's name in words, for the plan and lists.
    pub owner_name: String,
    pub due: NaiveDate,
    pub status: ActionStatus,
    /// Why it was not done (needed with [`ActionStatus::NotDone`]).
    #[serde(default)]
    pub not_done_reason: Option<String>,
    #[serde(default)]
    pub updates: Vec<ActionUpdate>,
    /// The number the conference gave it, when it was agreed there (PLAN-03).
    #[serde(default)]
    pub conference_action: Option<u32>,
}

impl PlanAction {
    /// PLAN-02: due before today and neither done nor closed as not done.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due < today && matches!(self.status, ActionStatus::NotStarted | ActionStatus::InProgress)
    }
}

/// CG-01: a member of the core group, as named at the conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroupMember {
    pub person: Member,
    pub name: String,
    /// Their agency and job, or their relationship to the child.
    pub description: String,
    /// The account they sign in with, if any: the access policy's `CoreGroupMember` relationship.
    pub user_id: Option<UserId>,
}

/// Who a core group member is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Member {
    KeyWorker(UserId),
    Professional(ProfessionalId),
    FamilyMember(AdultId),
}

/// The plan's category from a day, and the conference that set it (DEC-01: a review may change it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChange {
    pub category: PlanCategory,
    pub from: NaiveDate,
    pub conference_id: ConferenceId,
}

/// PLAN-05: how and when the plan ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    pub on: NaiveDate,
    pub reason: EndReason,
    pub details: String,
    /// The review conference that decided it, for [`EndReason::ReviewDecision`].
    pub conference_id: Option<ConferenceId>,
}

/// PLAN-04: one service of a child in need plan: what, who provides it, for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service: String,
    pub provider: String,
    /// For how long, in words ("12 weeks", "until the end of the school year").
    pub duration: String,
}

/// PLAN-04: what a child in need plan states beside its actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInNeedDetails {
    /// The child's needs.
    pub needs: String,
    pub services: Vec<Service>,
    /// The outcomes expected.
    pub expected_outcomes: String,
}

/// The move of a child on a plan to another authority (PLAN-05 transfer out, TIME-02 there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferOut {
    /// The receiving authority's name.
    pub authority: String,
    /// The day the receiving authority was told (the trigger of its transfer-in conference).
    pub notified_on: NaiveDate,
    /// TIME-02: the receiving authority's transfer-in conference is due by this day (on this
    /// authority's calendar and policy: the receiving authority's own may differ).
    pub transfer_in_due_by: Option<NaiveDate>,
    /// The receiving authority, when it is a tenant of this installation.
    #[serde(default)]
    pub receiving_authority_id: Option<AuthorityId>,
}

/// Where a plan came from and went, and what only a child in need plan has (PLAN-04, PLAN-05):
/// kept together so that older plan documents read with everything empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lifecycle {
    /// A plan begun at a transfer-in conference: the authority the child moved from.
    pub transferred_from: Option<TransferFrom>,
    /// A child in need plan made by a step-down: the child protection plan it follows.
    pub stepped_down_from: Option<PlanId>,
    /// A child protection plan that ended with a step-down: the child in need plan after it.
    pub stepped_down_to: Option<PlanId>,
    /// The actions carried over at a step-down: `true` when the review chose them, `false`
    /// when it chose none and every open action of the child protection plan came across.
    pub actions_chosen_by_review: Option<bool>,
    /// PLAN-04: needs, services, provider, duration, outcomes (child in need plans).
    pub child_in_need: Option<ChildInNeedDetails>,
    /// PLAN-04: the next network meeting reviews the plan by this day (the policy's interval).
    pub network_meeting_due_by: Option<NaiveDate>,
    /// PLAN-04: the network meetings, oldest first (recorded as core group meetings are).
    pub network_meetings: Vec<CoreGroupMeeting>,
    /// PLAN-05: the transfer out, when the child moved away.
    pub transferred_to: Option<TransferOut>,
}

/// One child's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub authority_id: AuthorityId,
    pub family_id: FamilyId,
    pub case_id: CaseId,
    pub child_id: ChildId,
    pub child_name: String,
    pub kind: PlanKind,
    /// The social worker who leads the plan (PLAN-01).
    pub key_worker: UserId,
    pub started_on: NaiveDate,
    pub started_by: ConferenceId,
    /// Child protection plans: the category and its history, oldest first.
    pub categories: Vec<CategoryChange>,
    pub outline: Outline,
    pub actions: Vec<PlanAction>,
    pub core_group: Vec<CoreGroupMember>,
    /// How many plans of this kind the child had before this one (a repeat plan when above 0).
    pub previous_plans: u32,
    /// CG-02: the next core group meets by this day (the first within the policy's time of
    /// the ICPC, then at the policy's interval after each meeting).
    pub core_group_due_by: Option<NaiveDate>,
    /// CG-03: the core group's meetings, oldest first.
    #[serde(default)]
    pub core_group_meetings: Vec<CoreGroupMeeting>,
    /// REV-02: why the review was brought forward, when it was.
    #[serde(default)]
    pub review_brought_forward: Option<String>,
    /// REV-01: the next review conference is held by this day.
    pub next_review_by: Option<NaiveDate>,
    pub ended: Option<Ending>,
    /// Transfer in and out, step-down, and the child in need plan's own parts.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// CG-02: the core group meeting arranged (to come), and those cancelled or held.
    #[serde(default)]
    pub arrangements: Arrangements,
}

/// CG-02: a core group meeting arranged for a day to come: when, where (a place, online, or
/// both), who of the core group is invited, and, when it meets after the core group's due
/// date, why (the late reason, TIME-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrangedCoreGroup {
    /// The arrangement's number on this plan (1, 2, ...): its calendar entry is the plan's
    /// id and this number, the same for its whole life however often it moves.
    pub number: u32,
    pub on: NaiveDate,
    pub at: NaiveTime,
    /// The room, when it meets in one.
    pub venue: Option<String>,
    /// Whether people may join online (the key worker sends the link by a safer route).
    pub online: bool,
    /// CG-01: the members of the core group invited (all of them when it was arranged).
    pub invited: Vec<Member>,
    /// TIME-01: why it meets after the day the core group was due by.
    pub late_reason: Option<String>,
    pub arranged_by: UserId,
    pub arranged_at: DateTime<Utc>,
    /// Each move: where it was before and why it moved, oldest first.
    pub moves: Vec<CoreGroupMove>,
}

/// CG-02: one move of an arranged core group meeting: the day and time it had before, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroupMove {
    pub from_on: NaiveDate,
    pub from_at: NaiveTime,
    pub reason: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// CG-02: an arranged core group meeting that was cancelled, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelledCoreGroup {
    pub meeting: ArrangedCoreGroup,
    pub reason: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// CG-02: the plan's core group diary: the meeting arranged next (one at a time), how many
/// were ever arranged (to number the next), those cancelled, and which were held as which
/// recorded meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Arrangements {
    pub next: Option<ArrangedCoreGroup>,
    pub count: u32,
    pub cancelled: Vec<CancelledCoreGroup>,
    /// (arrangement number, the number of the meeting recorded that took it up).
    pub held: Vec<(u32, u32)>,
}

/// CG-02: when and where a core group meeting is to be, as the person arranging (or moving)
/// it gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreGroupSlot {
    pub on: NaiveDate,
    pub at: NaiveTime,
    pub venue: Option<String>,
    pub online: bool,
    /// TIME-01: why it meets after the core group's due date (needed only then).
    pub late_reason: Option<String>,
}

/// CG-03: what was said of one action at a core group meeting, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProgress {
    pub number: u32,
    pub status: ActionStatus,
    pub evidence: String,
}

/// CG-03: how safe one person present thinks the child is now, from 0 (not safe at all) to 10
/// (safe enough for the plan to end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyRating {
    pub member: Member,
    pub rating: u8,
}

/// A new action agreed at a core group meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAction {
    pub what: String,
    pub owner: ActionOwner,
    pub owner_name: String,
    pub due: NaiveDate,
}

/// CG-03: what a core group meeting records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroupMeetingInput {
    pub held_on: NaiveDate,
    /// Who of the core group was there.
    pub present: Vec<Member>,
    /// Progress on each action still open, with evidence.
    pub progress: Vec<ActionProgress>,
    /// A rating from each person present.
    pub safety: Vec<SafetyRating>,
    pub new_actions: Vec<NewAction>,
    /// A concern that should bring the review forward (REV-02), in words.
    pub concern_for_review: Option<String>,
}

/// CG-03: a core group meeting as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroupMeeting {
    pub number: u32,
    pub held_on: NaiveDate,
    pub present: Vec<Member>,
    pub progress: Vec<ActionProgress>,
    pub safety: Vec<SafetyRating>,
    /// The numbers of the actions it added.
    pub new_actions: Vec<u32>,
    pub concern_for_review: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

/// Why a change to a plan was refused; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("This plan ended on {on}: it can be read but no longer changed.")]
    Ended { on: NaiveDate },
    #[error("Enter {what}.")]
    Missing { what: &'static str },
    #[error("There is no action {number} on this plan.")]
    NoSuchAction { number: u32 },
    #[error("Say why action {number} was not done.")]
    NotDoneWithoutReason { number: u32 },
    #[error("The due date {due} is in the past: choose today or a later day.")]
    DueInThePast { due: NaiveDate },
    #[error("Only the action's owner or the people who lead the plan may update action {number}.")]
    NotTheOwner { number: u32 },
    #[error("Only the key worker and the people who lead the plan may change it.")]
    NotLeading,
    #[error("A plan ends by a review conference's decision only through that conference: record the decision at the review.")]
    EndedOnlyByConference,
    #[error("The end date {on} is before the plan started ({started}).")]
    EndBeforeStart { on: NaiveDate, started: NaiveDate },
    #[error("{who} is not in this family's conference: choose someone from the list.")]
    UnknownOwner { who: String },
    #[error("The meeting's date {on} is {problem}.")]
    BadMeetingDate { on: NaiveDate, problem: &'static str },
    #[error("Record who of the core group was at the meeting.")]
    NobodyPresent,
    #[error("Only members of the core group are recorded at its meeting: choose them from the list.")]
    NotAMember,
    #[error("Record the progress on action {number}, with its evidence.")]
    ProgressMissing { number: u32 },
    #[error("A safety rating is from 0 to 10, from each person present: {why}.")]
    BadRating { why: &'static str },
    #[error("The review date {on} must be after today and before the review now due on {due}.")]
    BadReviewDate { on: NaiveDate, due: NaiveDate },
    #[error("{what}")]
    WrongKind { what: &'static str },
    #[error("{why}")]
    BadEnd { why: String },
    #[error("The day {on} is {problem}.")]
    BadDate { on: NaiveDate, problem: &'static str },
    #[error("A core group meeting is already arranged for {on}: move it or cancel it before arranging another.")]
    AlreadyArranged { on: NaiveDate },
    #[error("No core group meeting is arranged: arrange one first.")]
    NothingArranged,
    #[error("The meeting's day {on} is in the past: choose today or a later day.")]
    ArrangedInThePast { on: NaiveDate },
    #[error("Say where the meeting is: a place, online, or both.")]
    NoPlace,
    #[error("The core group is due to meet by {due}: say why it meets later, on {on} (the late reason).")]
    LateWithoutReason { on: NaiveDate, due: NaiveDate },
    #[error("The new day, time and place are the same as before: change one of them, or keep the meeting as it is.")]
    NothingChanged,
}

pub type PlanOutcome<T = ()> = Result<T, PlanError>;

/// The person changing a plan, as the access policy found them: whether they lead it (key
/// worker, allocated worker or their managers) and, for a partner professional, who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanActing {
    pub user_id: UserId,
    pub leads: bool,
    pub professional: Option<ProfessionalId>,
}

/// CG-02: the first core group meets within the policy's time of the initial conference
/// (10 working days by default; 15 in Scotland), counted on the authority's calendar.
pub fn first_core_group_due(
    held_on: NaiveDate,
    calendar: &(impl WorkingCalendar + ?Sized),
    policy: &Policy,
) -> Option<NaiveDate> {
    DeadlineRule::FirstCoreGroup.due_date(held_on, calendar, policy)
}

/// CG-02: after a core group meeting, the next one is due at the policy's interval.
pub fn next_core_group_by(
    last_met: NaiveDate,
    calendar: &(impl WorkingCalendar + ?Sized),
    policy: &Policy,
) -> Option<NaiveDate> {
    DeadlineRule::NextCoreGroup.due_date(last_met, calendar, policy)
}

fn owner_name(c: &Conference, owner: &ActionOwner) -> String {
    match owner {
        ActionOwner::Professional(p) => c
            .professionals()
            .iter()
            .find(|x| &x.professional_id == p)
            .map(|x| format!("{} ({})", x.name, x.agency_name))
            .unwrap_or_else(|| p.to_string()),
        ActionOwner::FamilyMember(a) => c
            .family_members()
            .iter()
            .find(|x| &x.adult_id == a)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| a.to_string()),
        ActionOwner::Agency(name) => name.clone(),
    }
}

impl Plan {
    /// PLAN-03, CG-01: the outline plan the conference agreed for this child, made when it
    /// closes with a decision of a new child protection plan: the key worker (the allocated
    /// social worker), the worries recorded for the child (or for all the children) as its
    /// concerns, the actions agreed for the child, and the core group (the key worker, the
    /// parents and carers, and the professionals present). Restricted discussion (REP-03) is
    /// never copied into the plan, which the family reads. `None` when the conference did not
    /// decide a new child protection plan for the child.
    pub fn from_conference(
        c: &Conference,
        child: &ChildId,
        id: PlanId,
        previous_plans: u32,
        core_group_due_by: Option<NaiveDate>,
    ) -> Option<Plan> {
        let decision = c.decision_for(child)?;
        let ChildOutcome::ChildProtectionPlan { category } = decision.outcome else { return None };
        Self::made_at(c, child, id, PlanKind::ChildProtection, Some(category), previous_plans, core_group_due_by)
    }

    /// DEC-01, TIME-02, REV-01: a transfer-in conference that continues the plan the child
    /// arrived on starts this authority's plan, recording the authority it came from and the
    /// day the plan began there. `None` unless it is a transfer-in conference that continued
    /// the plan for the child.
    pub fn from_transfer_in(
        c: &Conference,
        child: &ChildId,
        id: PlanId,
        previous_plans: u32,
        core_group_due_by: Option<NaiveDate>,
    ) -> Option<Plan> {
        if c.kind() != ConferenceKind::TransferIn {
            return None;
        }
        let ChildOutcome::ContinuePlan { category } = c.decision_for(child)?.outcome else { return None };
        let mut p =
            Self::made_at(c, child, id, PlanKind::ChildProtection, Some(category), previous_plans, core_group_due_by)?;
        p.lifecycle.transferred_from = c.transfer_from().cloned();
        Some(p)
    }

    /// DEC-01, PLAN-04: a conference that decided a child in need plan for the child makes it,
    /// from what the meeting agreed (its worries as the concerns, its actions for the child,
    /// the people present as the network); the key worker then writes the needs, services and
    /// outcomes. Reviewed at network meetings, the first due by `network_meeting_due_by`.
    pub fn child_in_need_from_conference(
        c: &Conference,
        child: &ChildId,
        id: PlanId,
        previous_plans: u32,
        network_meeting_due_by: Option<NaiveDate>,
    ) -> Option<Plan> {
        let ChildOutcome::ChildInNeedPlan = c.decision_for(child)?.outcome else { return None };
        let mut p = Self::made_at(c, child, id, PlanKind::ChildInNeed, None, previous_plans, None)?;
        p.next_review_by = None;
        p.lifecycle.child_in_need = Some(ChildInNeedDetails::default());
        p.lifecycle.network_meeting_due_by = network_meeting_due_by;
        Some(p)
    }

    /// DEC-01, PLAN-04, PLAN-05: the step-down. The review `c` ended this child protection plan
    /// and decided a child in need plan: it is made linked to this one, carrying over the
    /// actions the review agreed for the child in its meeting, or, when it agreed none, every
    /// action of this plan still open (not started or in progress, with their history). Both
    /// plans are linked to each other. `None` unless this plan was ended by `c` with a step-down.
    pub fn step_down(
        &mut self,
        c: &Conference,
        id: PlanId,
        previous_plans: u32,
        network_meeting_due_by: Option<NaiveDate>,
    ) -> Option<Plan> {
        let ended = self.ended.as_ref()?;
        if ended.reason != EndReason::ReviewDecision || ended.conference_id.as_ref() != Some(c.id()) {
            return None;
        }
        let ChildOutcome::EndPlanStepDownToChildInNeed = c.decision_for(&self.child_id)?.outcome else { return None };
        let mut p = Self::made_at(c, &self.child_id, id, PlanKind::ChildInNeed, None, previous_plans, None)?;
        let chosen = !p.actions.is_empty() || c.carried_over_for(&self.child_id).is_some();
        let open = |a: &PlanAction| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress);
        match c.carried_over_for(&self.child_id) {
            // The chair chose: the chosen open actions come across (with their numbers and
            // history), then those agreed at the review (numbered after them); every other
            // open action of this plan is closed with the reason.
            Some(numbers) => {
                let reason = format!(
                    "Not carried over to the child in need plan at the step-down decided by the review on {}.",
                    c.date().map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_default()
                );
                let mut carried: Vec<PlanAction> = Vec::new();
                for a in self.actions.iter_mut().filter(|a| open(a)) {
                    if numbers.contains(&a.number) {
                        carried.push(a.clone());
                    } else {
                        a.status = ActionStatus::NotDone;
                        a.not_done_reason = Some(reason.clone());
                    }
                }
                let mut next = carried.iter().map(|a| a.number).max().unwrap_or(0);
                for mut a in std::mem::take(&mut p.actions) {
                    next += 1;
                    a.number = next;
                    carried.push(a);
                }
                p.actions = carried;
            }
            None if p.actions.is_empty() => {
                p.actions = self.actions.iter().filter(|a| open(a)).cloned().collect();
            }
            None => {}
        }
        p.key_worker = self.key_worker.clone();
        p.next_review_by = None;
        p.lifecycle.stepped_down_from = Some(self.id.clone());
        p.lifecycle.actions_chosen_by_review = Some(chosen);
        p.lifecycle.child_in_need = Some(ChildInNeedDetails {
            needs: self.outline.child_needs.clone(),
            services: Vec::new(),
            expected_outcomes: self.outline.long_term_goals.clone(),
        });
        p.lifecycle.network_meeting_due_by = network_meeting_due_by;
        self.lifecycle.stepped_down_to = Some(p.id.clone());
        Some(p)
    }

    /// The plan a conference's meeting agreed for one child: the key worker (the allocated
    /// social worker), the worries recorded for the child (or for all the children) as its
    /// concerns, the actions agreed for the child, and the core group (the key worker, the
    /// parents and carers, and the professionals present). Restricted discussion (REP-03) is
    /// never copied into the plan, which the family reads.
    fn made_at(
        c: &Conference,
        child: &ChildId,
        id: PlanId,
        kind: PlanKind,
        category: Option<PlanCategory>,
        previous_plans: u32,
        core_group_due_by: Option<NaiveDate>,
    ) -> Option<Plan> {
        let held_on = c.date()?;
        let subject = c.children().iter().find(|s| &s.child_id == child)?;
        let concerns = c
            .discussion()
            .iter()
            .filter(|e| e.heading == DiscussionHeading::Worries && !e.restricted)
            .filter(|e| e.child.as_ref().is_none_or(|x| x == child))
            .map(|e| Concern { concern: e.text.clone(), why_change_is_needed: String::new() })
            .collect();
        let actions = c
            .plan_actions()
            .iter()
            .filter(|a| a.children.contains(child))
            .enumerate()
            .map(|(i, a)| PlanAction {
                number: i as u32 + 1,
                what: a.what.clone(),
                owner_name: owner_name(c, &a.owner),
                owner: a.owner.clone(),
                due: a.due,
                status: ActionStatus::NotStarted,
                not_done_reason: None,
                updates: Vec::new(),
                conference_action: Some(a.id.0),
            })
            .collect();
        let mut core_group = vec![CoreGroupMember {
            person: Member::KeyWorker(c.allocated_worker().clone()),
            name: "Key worker (allocated social worker)".into(),
            description: "Children's social care".into(),
            user_id: Some(c.allocated_worker().clone()),
        }];
        core_group.extend(c.family_members().iter().filter(|m| m.is_parent_or_carer()).map(|m| CoreGroupMember {
            person: Member::FamilyMember(m.adult_id.clone()),
            name: m.name.clone(),
            description: m.relationship.label().to_owned(),
            user_id: None,
        }));
        core_group.extend(
            c.professionals().iter().filter(|p| c.is_present(&Person::Professional(p.professional_id.clone()))).map(
                |p| CoreGroupMember {
                    person: Member::Professional(p.professional_id.clone()),
                    name: p.name.clone(),
                    description: format!("{}, {}", p.job_title, p.agency_name),
                    user_id: p.user_id.clone(),
                },
            ),
        );
        Some(Plan {
            id,
            authority_id: c.authority_id().clone(),
            family_id: c.family_id().clone(),
            case_id: c.case_id().clone(),
            child_id: child.clone(),
            child_name: subject.name.clone(),
            kind,
            key_worker: c.allocated_worker().clone(),
            started_on: held_on,
            started_by: c.id().clone(),
            categories: category
                .map(|category| vec![CategoryChange { category, from: held_on, conference_id: c.id().clone() }])
                .unwrap_or_default(),
            outline: Outline { concerns, ..Outline::default() },
            actions,
            core_group,
            previous_plans,
            core_group_due_by,
            core_group_meetings: Vec::new(),
            review_brought_forward: None,
            next_review_by: c.next_review().map(|r| r.on),
            ended: None,
            lifecycle: Lifecycle::default(),
            arrangements: Arrangements::default(),
        })
    }

    /// DEC-01, PLAN-05, REV-01: what a review (or transfer-in) conference that closed decided
    /// for this plan's child: the plan continues (its category may change, kept in its
    /// history) with the next review date and the actions the review agreed for the child, or
    /// it ends by the conference's decision. Returns whether anything changed.
    pub fn follow_review(&mut self, c: &Conference) -> bool {
        if self.ended.is_some()
            || self.kind != PlanKind::ChildProtection
            || !matches!(c.kind(), ConferenceKind::Review | ConferenceKind::TransferIn)
        {
            return false;
        }
        let (Some(decision), Some(held_on)) = (c.decision_for(&self.child_id), c.date()) else { return false };
        match &decision.outcome {
            ChildOutcome::ContinuePlan { category } => {
                if self.category() != Some(*category) {
                    self.categories.push(CategoryChange {
                        category: *category,
                        from: held_on,
                        conference_id: c.id().clone(),
                    });
                }
                // PLAN-02, REV-03: the actions the review agreed for the child join the plan,
                // numbered after those it has.
                let after = self.actions.iter().map(|a| a.number).max().unwrap_or(0);
                let agreed = c.plan_actions().iter().filter(|a| a.children.contains(&self.child_id));
                for (number, a) in (after + 1..).zip(agreed) {
                    self.actions.push(PlanAction {
                        number,
                        what: a.what.clone(),
                        owner_name: owner_name(c, &a.owner),
                        owner: a.owner.clone(),
                        due: a.due,
                        status: ActionStatus::NotStarted,
                        not_done_reason: None,
                        updates: Vec::new(),
                        conference_action: Some(a.id.0),
                    });
                }
                self.next_review_by = c.next_review().map(|r| r.on);
                true
            }
            ChildOutcome::EndPlanStepDownToChildInNeed | ChildOutcome::EndPlanNoFurtherPlan => {
                self.ended = Some(Ending {
                    on: held_on,
                    reason: EndReason::ReviewDecision,
                    details: decision.outcome.describe(),
                    conference_id: Some(c.id().clone()),
                });
                self.next_review_by = None;
                true
            }
            _ => false,
        }
    }

    /// The category in force (the latest of its history).
    pub fn category(&self) -> Option<PlanCategory> {
        self.categories.last().map(|c| c.category)
    }

    /// A child who had a plan before is on a repeat plan (the statutory returns count them).
    pub fn is_repeat(&self) -> bool {
        self.previous_plans > 0
    }

    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }

    /// PLAN-02: the actions overdue today.
    pub fn overdue_actions(&self, today: NaiveDate) -> Vec<&PlanAction> {
        self.actions.iter().filter(|a| a.is_overdue(today)).collect()
    }

    fn open(&self) -> PlanOutcome {
        match &self.ended {
            Some(e) => Err(PlanError::Ended { on: e.on }),
            None => Ok(()),
        }
    }

    fn lead(&self, who: &PlanActing) -> PlanOutcome {
        if who.leads || who.user_id == self.key_worker {
            Ok(())
        } else {
            Err(PlanError::NotLeading)
        }
    }

    /// PLAN-01, PLAN-03: the core group turns the outline into the detailed plan. Every concern
    /// needs its words; why change is needed may follow later.
    pub fn change_outline(&mut self, who: &PlanActing, outline: Outline) -> PlanOutcome {
        self.open()?;
        self.lead(who)?;
        let mut outline = outline;
        outline.concerns.retain(|c| !(c.concern.trim().is_empty() && c.why_change_is_needed.trim().is_empty()));
        for c in &mut outline.concerns {
            if c.concern.trim().is_empty() {
                return Err(PlanError::Missing { what: "the concern that change is needed for" });
            }
            c.concern = c.concern.trim().to_owned();
            c.why_change_is_needed = c.why_change_is_needed.trim().to_owned();
        }
        for s in [
            &mut outline.child_needs,
            &mut outline.parents_needs,
            &mut outline.short_term_goals,
            &mut outline.long_term_goals,
        ] {
            *s = s.trim().to_owned();
        }
        self.outline = outline;
        Ok(())
    }

    /// PLAN-02: a new action with its owner and due date (not in the past).
    pub fn add_action(
        &mut self,
        who: &PlanActing,
        what: &str,
        owner: ActionOwner,
        owner_name: String,
        due: NaiveDate,
        today: NaiveDate,
    ) -> PlanOutcome<u32> {
        self.open()?;
        self.lead(who)?;
        if what.trim().is_empty() {
            return Err(PlanError::Missing { what: "what is to be done" });
        }
        if let ActionOwner::Agency(a) = &owner {
            if a.trim().is_empty() {
                return Err(PlanError::Missing { what: "the agency that owns the action" });
            }
        }
        if due < today {
            return Err(PlanError::DueInThePast { due });
        }
        let number = self.actions.iter().map(|a| a.number).max().unwrap_or(0) + 1;
        self.actions.push(PlanAction {
            number,
            what: what.trim().to_owned(),
            owner,
            owner_name,
            due,
            status: ActionStatus::NotStarted,
            not_done_reason: None,
            updates: Vec::new(),
            conference_action: None,
        });
        Ok(number)
    }

    /// PLAN-02: an action's new status with a note. "Not done" needs the reason. The people who
    /// lead the plan update any action; a partner professional only those they own.
    pub fn update_action(
        &mut self,
        who: &PlanActing,
        number: u32,
        status: ActionStatus,
        note: &str,
        now: DateTime<Utc>,
    ) -> PlanOutcome {
        self.open()?;
        let leads = self.lead(who).is_ok();
        let action = self.actions.iter_mut().find(|a| a.number == number).ok_or(PlanError::NoSuchAction { number })?;
        let owns = matches!((&action.owner, &who.professional), (ActionOwner::Professional(p), Some(me)) if p == me);
        if !leads && !owns {
            return Err(PlanError::NotTheOwner { number });
        }
        let note = note.trim();
        if status == ActionStatus::NotDone && note.is_empty() {
            return Err(PlanError::NotDoneWithoutReason { number });
        }
        action.status = status;
        action.not_done_reason = (status == ActionStatus::NotDone).then(|| note.to_owned());
        action.updates.push(ActionUpdate { status, note: note.to_owned(), by: who.user_id.clone(), at: now });
        Ok(())
    }

    /// PLAN-05: the plan ends when the child moves away, turns 18, dies or is adopted, with the
    /// reason recorded (a child in need plan also when it is no longer needed). The end by a
    /// review's decision comes only from that conference ([`Plan::follow_review`]). A transfer
    /// out names where the child moved to (in `details`; [`Plan::transfer_out`] records it
    /// fully, with the receiving authority's due date).
    pub fn end(&mut self, who: &PlanActing, reason: EndReason, details: &str, on: NaiveDate) -> PlanOutcome {
        self.open()?;
        self.lead(who)?;
        if reason == EndReason::ReviewDecision {
            return Err(PlanError::EndedOnlyByConference);
        }
        if reason == EndReason::NoLongerNeeded && self.kind != PlanKind::ChildInNeed {
            return Err(PlanError::WrongKind {
                what: "A child protection plan ends only by a review conference's decision or the child's circumstances (PLAN-05): choose the reason from the list.",
            });
        }
        if on < self.started_on {
            return Err(PlanError::EndBeforeStart { on, started: self.started_on });
        }
        if reason == EndReason::TransferOut && details.trim().is_empty() {
            return Err(PlanError::Missing { what: "the authority the child moved to" });
        }
        self.ended = Some(Ending { on, reason, details: details.trim().to_owned(), conference_id: None });
        self.next_review_by = None;
        self.core_group_due_by = None;
        self.lifecycle.network_meeting_due_by = None;
        Ok(())
    }

    /// PLAN-05 with what is known of the child: the end for the 18th birthday is on or after
    /// the day the child turns 18 (when the date of birth is known), then as [`Plan::end`].
    pub fn end_for(
        &mut self,
        who: &PlanActing,
        reason: EndReason,
        details: &str,
        on: NaiveDate,
        born_on: Option<NaiveDate>,
    ) -> PlanOutcome {
        if reason == EndReason::EighteenthBirthday {
            if let Some(eighteen) = born_on.and_then(eighteenth_birthday) {
                if on < eighteen {
                    return Err(PlanError::BadEnd {
                        why: format!(
                            "The child turns 18 on {eighteen}: the plan cannot end for that reason before then."
                        ),
                    });
                }
            }
        }
        self.end(who, reason, details, on)
    }

    /// PLAN-05, TIME-02: the child moved to another authority: the plan ends with the reason
    /// transfer out on the day they moved, recording where to, the day that authority was told
    /// and its transfer-in conference's due date (`to.transfer_in_due_by`, from TIME-02).
    pub fn transfer_out(
        &mut self,
        who: &PlanActing,
        to: TransferOut,
        moved_on: NaiveDate,
        today: NaiveDate,
    ) -> PlanOutcome {
        self.open()?;
        self.lead(who)?;
        if to.authority.trim().is_empty() {
            return Err(PlanError::Missing { what: "the authority the child moved to" });
        }
        if moved_on > today {
            return Err(PlanError::BadDate {
                on: moved_on,
                problem: "in the future: record the move once it has happened",
            });
        }
        if to.notified_on > today {
            return Err(PlanError::BadDate {
                on: to.notified_on,
                problem: "in the future: record the day the authority was told",
            });
        }
        if to.notified_on < self.started_on {
            return Err(PlanError::BadDate { on: to.notified_on, problem: "before the plan started" });
        }
        let details = format!("Moved to {}", to.authority.trim());
        self.end(who, EndReason::TransferOut, &details, moved_on)?;
        self.lifecycle.transferred_to = Some(TransferOut { authority: to.authority.trim().to_owned(), ..to });
        Ok(())
    }

    /// PLAN-04: the key worker writes the child in need plan: the child's needs, each service
    /// with who provides it and for how long, and the outcomes expected. An empty row of
    /// services is dropped; a service needs its provider and duration.
    pub fn change_child_in_need(&mut self, who: &PlanActing, details: ChildInNeedDetails) -> PlanOutcome {
        self.open()?;
        self.lead(who)?;
        if self.kind != PlanKind::ChildInNeed {
            return Err(PlanError::WrongKind { what: "Only a child in need plan states services (PLAN-04)." });
        }
        let mut d = details;
        d.needs = d.needs.trim().to_owned();
        d.expected_outcomes = d.expected_outcomes.trim().to_owned();
        if d.needs.is_empty() {
            return Err(PlanError::Missing { what: "the child's needs" });
        }
        d.services
            .retain(|s| !(s.service.trim().is_empty() && s.provider.trim().is_empty() && s.duration.trim().is_empty()));
        for s in &mut d.services {
            s.service = s.service.trim().to_owned();
            s.provider = s.provider.trim().to_owned();
            s.duration = s.duration.trim().to_owned();
            if s.service.is_empty() {
                return Err(PlanError::Missing { what: "what each service is" });
            }
            if s.provider.is_empty() {
                return Err(PlanError::Missing { what: "who provides each service" });
            }
            if s.duration.is_empty() {
                return Err(PlanError::Missing { what: "how long each service lasts" });
            }
        }
        if d.expected_outcomes.is_empty() {
            return Err(PlanError::Missing { what: "the outcomes expected" });
        }
        self.lifecycle.child_in_need = Some(d);
        Ok(())
    }

    /// PLAN-04: a network meeting reviews a child in need plan: who was there, progress on each
    /// open action with evidence, new actions and (optional) ratings, recorded as a core group
    /// meeting is (CG-03); the next is then due by `next_due` (the policy's interval).
    pub fn record_network_meeting(
        &mut self,
        who: &PlanActing,
        m: CoreGroupMeetingInput,
        next_due: Option<NaiveDate>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> PlanOutcome<u32> {
        self.open()?;
        if self.kind != PlanKind::ChildInNeed {
            return Err(PlanError::WrongKind {
                what: "A child protection plan is reviewed at core group meetings: record a core group meeting.",
            });
        }
        let meeting = self.meeting(who, m, false, today, now)?;
        let number = self.lifecycle.network_meetings.len() as u32 + 1;
        self.lifecycle.network_meetings.push(CoreGroupMeeting { number, ..meeting });
        self.lifecycle.network_meeting_due_by = next_due;
        Ok(number)
    }

    /// CG-03, CG-02, REV-02: records a core group meeting: who was there (members only), the
    /// progress on every action still open with its evidence ("not done" with the evidence as
    /// the reason), a 0 to 10 safety rating from each person present, new actions, and any
    /// concern that should bring the review forward. The next core group is then due by
    /// `next_due` (the policy's interval on the authority's calendar, [`next_core_group_by`]).
    pub fn record_core_group_meeting(
        &mut self,
        who: &PlanActing,
        m: CoreGroupMeetingInput,
        next_due: Option<NaiveDate>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> PlanOutcome<u32> {
        self.open()?;
        if self.kind != PlanKind::ChildProtection {
            return Err(PlanError::WrongKind {
                what: "A child in need plan is reviewed at network meetings: record a network meeting.",
            });
        }
        let meeting = self.meeting(who, m, true, today, now)?;
        let number = self.core_group_meetings.len() as u32 + 1;
        // CG-02: a meeting held once the next one was arranged takes that one up (it is not
        // a meeting still to come, and nobody is told of it again).
        if let Some(a) = self.arrangements.next.take_if(|a| meeting.held_on >= a.arranged_at.date_naive()) {
            self.arrangements.held.push((a.number, number));
        }
        self.core_group_meetings.push(CoreGroupMeeting { number, ..meeting });
        self.core_group_due_by = next_due;
        Ok(number)
    }

    /// CG-03 (and PLAN-04 for network meetings): checks a meeting and applies its progress and
    /// new actions; the caller files the meeting. A core group needs a rating from each person
    /// present; a network meeting may record ratings but need not.
    fn meeting(
        &mut self,
        who: &PlanActing,
        m: CoreGroupMeetingInput,
        ratings_needed: bool,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> PlanOutcome<CoreGroupMeeting> {
        self.lead(who)?;
        if m.held_on > today {
            return Err(PlanError::BadMeetingDate { on: m.held_on, problem: "in the future" });
        }
        if m.held_on < self.started_on {
            return Err(PlanError::BadMeetingDate { on: m.held_on, problem: "before the plan started" });
        }
        if m.present.is_empty() {
            return Err(PlanError::NobodyPresent);
        }
        if !m.present.iter().all(|p| self.core_group.iter().any(|g| &g.person == p)) {
            return Err(PlanError::NotAMember);
        }
        for a in self.actions.iter().filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress))
        {
            match m.progress.iter().find(|p| p.number == a.number) {
                Some(p) if !p.evidence.trim().is_empty() => {}
                _ => return Err(PlanError::ProgressMissing { number: a.number }),
            }
        }
        for p in &m.progress {
            if !self.actions.iter().any(|a| a.number == p.number) {
                return Err(PlanError::NoSuchAction { number: p.number });
            }
        }
        if m.safety.iter().any(|r| r.rating > 10) {
            return Err(PlanError::BadRating { why: "a rating is above 10" });
        }
        if m.safety.iter().any(|r| !m.present.contains(&r.member)) {
            return Err(PlanError::BadRating { why: "a rating is from someone not present" });
        }
        if (ratings_needed || !m.safety.is_empty())
            && !m.present.iter().all(|p| m.safety.iter().filter(|r| &r.member == p).count() == 1)
        {
            return Err(PlanError::BadRating { why: "give exactly one rating for each person present" });
        }
        for n in &m.new_actions {
            if n.what.trim().is_empty() {
                return Err(PlanError::Missing { what: "what each new action is" });
            }
            if n.due < m.held_on {
                return Err(PlanError::DueInThePast { due: n.due });
            }
        }
        for p in &m.progress {
            let note = p.evidence.trim().to_owned();
            if let Some(a) = self.actions.iter_mut().find(|a| a.number == p.number) {
                a.status = p.status;
                a.not_done_reason = (p.status == ActionStatus::NotDone).then(|| note.clone());
                a.updates.push(ActionUpdate { status: p.status, note, by: who.user_id.clone(), at: now });
            }
        }
        let mut added = Vec::new();
        for n in m.new_actions {
            let number = self.actions.iter().map(|a| a.number).max().unwrap_or(0) + 1;
            self.actions.push(PlanAction {
                number,
                what: n.what.trim().to_owned(),
                owner: n.owner,
                owner_name: n.owner_name,
                due: n.due,
                status: ActionStatus::NotStarted,
                not_done_reason: None,
                updates: Vec::new(),
                conference_action: None,
            });
            added.push(number);
        }
        let concern = m.concern_for_review.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        Ok(CoreGroupMeeting {
            number: 0,
            held_on: m.held_on,
            present: m.present,
            progress: m.progress,
            safety: m.safety,
            new_actions: added,
            concern_for_review: concern,
            recorded_by: who.user_id.clone(),
            recorded_at: now,
        })
    }

    /// CG-02: checks when and where a core group meeting is to be: not in the past, somewhere
    /// (a place, online or both), while the plan lasts, and after the core group's due date
    /// only with the late reason (TIME-01). Returns the slot with its words trimmed.
    fn check_slot(&self, slot: CoreGroupSlot, today: NaiveDate) -> PlanOutcome<CoreGroupSlot> {
        if slot.on < today {
            return Err(PlanError::ArrangedInThePast { on: slot.on });
        }
        if slot.on < self.started_on {
            return Err(PlanError::BadMeetingDate { on: slot.on, problem: "before the plan started" });
        }
        let venue = slot.venue.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        if venue.is_none() && !slot.online {
            return Err(PlanError::NoPlace);
        }
        let late_reason = slot.late_reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        if let Some(due) = self.core_group_due_by {
            if slot.on > due && late_reason.is_none() {
                return Err(PlanError::LateWithoutReason { on: slot.on, due });
            }
        }
        Ok(CoreGroupSlot { venue, late_reason, ..slot })
    }

    fn core_group_plan(&self) -> PlanOutcome {
        if self.kind != PlanKind::ChildProtection {
            return Err(PlanError::WrongKind {
                what: "A child in need plan is reviewed at network meetings: core group meetings are for child protection plans.",
            });
        }
        Ok(())
    }

    /// CG-01, CG-02: the key worker (or anyone who leads the plan) arranges the next core group
    /// meeting: a day and time to come, a place or online, the whole core group invited. One
    /// is arranged at a time (move or cancel it first); one after the core group's due date
    /// needs the late reason (TIME-01). Returns the arrangement's number.
    pub fn arrange_core_group(
        &mut self,
        who: &PlanActing,
        slot: CoreGroupSlot,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> PlanOutcome<u32> {
        self.open()?;
        self.core_group_plan()?;
        self.lead(who)?;
        if let Some(a) = &self.arrangements.next {
            return Err(PlanError::AlreadyArranged { on: a.on });
        }
        let slot = self.check_slot(slot, today)?;
        let number = self.arrangements.count + 1;
        self.arrangements.count = number;
        self.arrangements.next = Some(ArrangedCoreGroup {
            number,
            on: slot.on,
            at: slot.at,
            venue: slot.venue,
            online: slot.online,
            invited: self.core_group.iter().map(|m| m.person.clone()).collect(),
            late_reason: slot.late_reason,
            arranged_by: who.user_id.clone(),
            arranged_at: now,
            moves: Vec::new(),
        });
        Ok(number)
    }

    /// CG-02: the arranged meeting moves to a new day, time or place, with the reason; the same
    /// checks as arranging it (a late reason already given stands). Everyone invited is told.
    pub fn move_core_group(
        &mut self,
        who: &PlanActing,
        slot: CoreGroupSlot,
        reason: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> PlanOutcome<u32> {
        self.open()?;
        self.lead(who)?;
        let Some(current) = self.arrangements.next.clone() else { return Err(PlanError::NothingArranged) };
        if reason.trim().is_empty() {
            return Err(PlanError::Missing { what: "why the meeting moves" });
        }
        let slot = CoreGroupSlot { late_reason: slot.late_reason.or(current.late_reason.clone()), ..slot };
        let slot = self.check_slot(slot, today)?;
        if slot.on == current.on
            && slot.at == current.at
            && slot.venue == current.venue
            && slot.online == current.online
        {
            return Err(PlanError::NothingChanged);
        }
        let mut moved = current;
        moved.moves.push(CoreGroupMove {
            from_on: moved.on,
            from_at: moved.at,
            reason: reason.trim().to_owned(),
            by: who.user_id.clone(),
            at: now,
        });
        moved.on = slot.on;
        moved.at = slot.at;
        moved.venue = slot.venue;
        moved.online = slot.online;
        moved.late_reason = slot.late_reason;
        let number = moved.number;
        self.arrangements.next = Some(moved);
        Ok(number)
    }

    /// CG-02: the arranged meeting is cancelled, with the reason (kept with it). Everyone
    /// invited is told. Returns the cancelled arrangement.
    pub fn cancel_core_group(
        &mut self,
        who: &PlanActing,
        reason: &str,
        now: DateTime<Utc>,
    ) -> PlanOutcome<ArrangedCoreGroup> {
        self.open()?;
        self.lead(who)?;
        let Some(current) = self.arrangements.next.take() else { return Err(PlanError::NothingArranged) };
        if reason.trim().is_empty() {
            self.arrangements.next = Some(current);
            return Err(PlanError::Missing { what: "why the meeting is cancelled" });
        }
        self.arrangements.cancelled.push(CancelledCoreGroup {
            meeting: current.clone(),
            reason: reason.trim().to_owned(),
            by: who.user_id.clone(),
            at: now,
        });
        Ok(current)
    }

    /// PLAN-05, CG-02: a plan that has ended has no core group meeting to come: the meeting
    /// arranged next, if any, is cancelled with the plan's ending as the reason, by the person
    /// (or the conference's closing) that ended it. Returns the cancelled arrangement, to tell
    /// everyone invited as for a cancellation by hand. Nothing is done to a plan still open.
    pub fn cancel_core_group_as_ended(&mut self, by: &UserId, now: DateTime<Utc>) -> Option<ArrangedCoreGroup> {
        let ended = self.ended.as_ref()?;
        let current = self.arrangements.next.take()?;
        let reason = format!("The plan ended on {}: {}.", ended.on, ended.reason.label());
        self.arrangements.cancelled.push(CancelledCoreGroup {
            meeting: current.clone(),
            reason,
            by: by.clone(),
            at: now,
        });
        Some(current)
    }

    /// CG-02: the meeting arranged next, if any.
    pub fn arranged_core_group(&self) -> Option<&ArrangedCoreGroup> {
        self.arrangements.next.as_ref()
    }

    /// REV-02: a concern from the core group (or anyone who leads the plan) brings the review
    /// forward: the new date is after today and earlier than the review now due.
    pub fn bring_review_forward(
        &mut self,
        who: &PlanActing,
        on: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> PlanOutcome {
        self.open()?;
        self.lead(who)?;
        if reason.trim().is_empty() {
            return Err(PlanError::Missing { what: "why the review is brought forward" });
        }
        let due = self.next_review_by.ok_or(PlanError::Missing { what: "the review date this replaces" })?;
        if on <= today || on >= due {
            return Err(PlanError::BadReviewDate { on, due });
        }
        self.next_review_by = Some(on);
        self.review_brought_forward = Some(reason.trim().to_owned());
        Ok(())
    }

    /// CG-03: the safety ratings over time: (meeting day, the lowest and the average rating).
    pub fn safety_over_time(&self) -> Vec<(NaiveDate, u8, f32)> {
        self.core_group_meetings
            .iter()
            .filter(|m| !m.safety.is_empty())
            .map(|m| {
                let low = m.safety.iter().map(|r| r.rating).min().unwrap_or(0);
                let avg = m.safety.iter().map(|r| f32::from(r.rating)).sum::<f32>() / m.safety.len() as f32;
                (m.held_on, low, avg)
            })
            .collect()
    }

    /// The accounts in the core group: the access policy's `CoreGroupMember` (CG-01).
    pub fn member_accounts(&self) -> Vec<UserId> {
        let mut out: Vec<UserId> = self.core_group.iter().filter_map(|m| m.user_id.clone()).collect();
        out.push(self.key_worker.clone());
        out.sort();
        out.dedup();
        out
    }
}

/// PLAN-05: the day a child born on `born_on` turns 18 (29 February birthdays: 1 March).
pub fn eighteenth_birthday(born_on: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(born_on.year() + 18, born_on.month(), born_on.day())
        .or_else(|| NaiveDate::from_ymd_opt(born_on.year() + 18, 3, 1))
}

// Tests: crates/domain/src/conference/tests/plan.rs (they use the conference's fixtures).
