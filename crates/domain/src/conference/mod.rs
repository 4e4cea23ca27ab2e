//! One conference, from its request to its approved record, as one aggregate.
//!
//! A conference covers one or several children of a family and is one of four kinds
//! (initial, review, transfer-in, pre-birth). Everything that happens to it is a method on
//! [`Conference`] that takes the acting person ([`Acting`]) and explicit dates and times, and
//! either changes the conference or returns a [`ConferenceError`] saying why not and what to do.
//! The store keeps the aggregate as one JSON document with a version number (optimistic
//! concurrency), so every part of it is serde-serialisable and nothing here does I/O.
//!
//! Fields are private: the only way to change a conference is through an operation, so the
//! rules of DOMAIN.md sections 1-9 and 12 cannot be bypassed by a caller that holds a
//! `&mut Conference`. Readers get shared references to the parts.
//!
//! Submodules hold the operations of each step of the journey:
//! [`invitation`] (INV-*, CHILD-01, LANG-01), [`exclusion`] (EXC-*), [`report`] (REP-*),
//! [`views`] (INV-06/07, CHILD-02/03, MEET-01/03), [`meeting`] (MEET-02/05/06/07, INV-03, DEC-02),
//! [`decision`] (DEC-*, DIS-*, REV-01), [`record`] (MIN-*, CHILD-04, LANG-02..04, MEET-04).

pub mod checks;
pub mod clashes;
pub mod deadlines;
pub mod decision;
pub mod error;
pub mod exclusion;
pub mod for_professional;
pub mod invitation;
pub mod meeting;
pub mod meeting_tasks;
pub mod notify;
pub mod participation;
pub mod parts;
pub mod people;
pub mod record;
pub mod report;
pub mod report_file;
mod stage;
pub mod tasks;
pub mod transfer;
pub mod views;

#[cfg(test)]
mod tests;

pub use checks::*;
pub use deadlines::*;
pub use decision::*;
pub use error::ConferenceError;
pub use exclusion::*;
pub use for_professional::{ProfessionalStanding, ReportStanding};
pub use invitation::*;
pub use meeting::*;
pub use meeting_tasks::{MeetingTask, RecordTask, StepState};
pub use participation::Participation;
pub use parts::*;
pub use people::*;
pub use record::*;
pub use report::*;
pub use report_file::*;
pub use tasks::{Task, TaskState, TaskStatus};
pub use transfer::*;
pub use views::*;

use crate::access::Relationship;
use crate::calendar::WorkingCalendar;
use crate::model::{
    management_line, AdultId, AuthorityId, Birth, CaseId, ChildId, FamilyId, Role, UserAccount, UserId,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::id_type!(ConferenceId);

/// Result of every conference operation.
pub type Outcome<T = ()> = Result<T, ConferenceError>;

crate::text_enum! {
    /// The four kinds of conference. The kind decides the due date's rule (TIME-01..03),
    /// the decisions open for each child (DEC-01) and the next review's interval (REV-01).
    pub enum ConferenceKind {
        Initial => "initial", "Initial child protection conference";
        Review => "review", "Review child protection conference";
        TransferIn => "transfer-in", "Transfer-in conference";
        PreBirth => "pre-birth", "Pre-birth conference";
    }
}

crate::text_enum! {
    /// Where a conference is in its life. Moves only forwards:
    /// requested -> scheduled -> in progress -> closed, or requested/scheduled -> cancelled.
    pub enum ConferenceState {
        Requested => "requested", "Requested";
        Scheduled => "scheduled", "Scheduled";
        InProgress => "in-progress", "In progress";
        Closed => "closed", "Closed";
        Cancelled => "cancelled", "Cancelled";
    }
}

crate::text_enum! {
    /// What the enquiry found (S47-01). Only a finding of significant harm, actual or likely,
    /// leads to a conference.
    pub enum HarmFinding {
        Suffering => "suffering", "Suffering significant harm";
        LikelyToSuffer => "likely-to-suffer", "Likely to suffer significant harm";
        NotSignificantHarm => "not-significant-harm", "Not suffering and not likely to suffer significant harm";
    }
}

crate::text_enum! {
    /// The enquiry that led to the request (S47-01).
    pub enum EnquiryKind {
        Section47 => "section-47", "Section 47 enquiry";
        ChildAndFamilyAssessment => "child-and-family-assessment", "Child and Family Assessment";
    }
}

crate::text_enum! {
    /// Why a conference is held after its due date (TIME-01, TIME-02): a reason from this list
    /// plus free text, so the statutory returns can count delays by cause.
    pub enum DelayReasonKind {
        FamilyUnavailable => "family-unavailable", "The family could not attend on an earlier date";
        ProfessionalsUnavailable => "professionals-unavailable", "Key professionals could not attend on an earlier date";
        ChairUnavailable => "chair-unavailable", "No independent chair was available";
        InterpreterUnavailable => "interpreter-unavailable", "No interpreter was available";
        ReportsNotReady => "reports-not-ready", "Reports were not ready";
        FurtherEnquiries => "further-enquiries", "Further enquiries were needed first";
        LateRequest => "late-request", "The conference was requested late";
        Other => "other", "Another reason";
    }
}

/// Who is doing something, as the web layer found them: their account, roles in this
/// authority, and how they stand towards this family (from the access policy). A parent or
/// carer using the family portal also carries which adult of the family they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acting {
    pub user_id: UserId,
    pub roles: BTreeSet<Role>,
    pub relationships: Vec<Relationship>,
    /// Set when the person is a family member signed in to the family portal.
    pub adult_id: Option<AdultId>,
    /// Set when the person is a young person (the child) signed in to the family portal.
    #[serde(default)]
    pub child_id: Option<ChildId>,
}

impl Acting {
    /// A member of staff (or partner professional) with these roles and relationships.
    pub fn new(user_id: impl Into<UserId>, roles: &[Role], relationships: &[Relationship]) -> Self {
        Acting {
            user_id: user_id.into(),
            roles: roles.iter().copied().collect(),
            relationships: relationships.to_vec(),
            adult_id: None,
            child_id: None,
        }
    }
    /// A parent or carer signed in to the family portal.
    pub fn family_member(user_id: impl Into<UserId>, adult_id: impl Into<AdultId>) -> Self {
        Acting {
            user_id: user_id.into(),
            roles: [Role::Parent].into_iter().collect(),
            relationships: vec![Relationship::Invited],
            adult_id: Some(adult_id.into()),
            child_id: None,
        }
    }
    /// A young person (the child the conference is about) signed in to the family portal.
    pub fn young_person(user_id: impl Into<UserId>, child_id: impl Into<ChildId>) -> Self {
        Acting {
            user_id: user_id.into(),
            roles: [Role::YoungPerson].into_iter().collect(),
            relationships: vec![Relationship::FamilyMember],
            adult_id: None,
            child_id: Some(child_id.into()),
        }
    }
    /// Whether the acting person is this family member or child themselves (the family
    /// portal), so they may act for themselves without a staff duty.
    pub fn is_person(&self, person: &Person) -> bool {
        match person {
            Person::FamilyMember(a) => self.adult_id.as_ref() == Some(a),
            Person::Child(c) => self.child_id.as_ref() == Some(c),
            Person::Professional(_) => false,
        }
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// What the social worker (or coordinator) asks for (S47-01). The due date comes from the
/// caller, which works it out with the deadline engine from the strategy discussion,
/// notification or gestation (TIME-01..03) and the authority's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConferenceRequest {
    pub authority_id: AuthorityId,
    pub family_id: FamilyId,
    pub case_id: CaseId,
    pub kind: ConferenceKind,
    pub children: Vec<SubjectChild>,
    /// Initial and pre-birth: the strategy discussion that started the enquiry.
    pub strategy_discussion_on: Option<NaiveDate>,
    pub enquiry: Option<EnquiryKind>,
    /// Initial and pre-birth: what the enquiry found.
    pub harm_finding: Option<HarmFinding>,
    /// Transfer-in: when this authority was told the child had moved in (TIME-02).
    pub transfer_notified_on: Option<NaiveDate>,
    /// Review: the conference this one follows (CHAIR-02, EXC-05, REV-01).
    pub previous: Option<PreviousConference>,
    pub reason: String,
    pub concerns: Vec<ConcernCategory>,
    pub family_members: Vec<FamilyMember>,
    pub professionals: Vec<ProfessionalInvolved>,
    pub allocated_worker: UserId,
    /// The date by which the conference must be held (TIME-01..03), from the deadline engine.
    pub due_by: NaiveDate,
}

/// What a review carries over from the conference before it: the chair (to suggest them
/// again, CHAIR-02) and the exclusions (to re-decide, never to apply, EXC-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousConference {
    pub conference_id: ConferenceId,
    pub held_on: NaiveDate,
    pub chair: Option<UserId>,
    pub exclusions: Vec<PreviousExclusion>,
}

/// When and where the conference meets, and who chairs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// A room (INV-08: accessible) and/or a video link; at least one.
    pub venue: Option<String>,
    pub video_link: Option<String>,
    pub chair: UserId,
}

/// A late conference's reason (TIME-01/02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelayReason {
    pub kind: DelayReasonKind,
    pub detail: String,
}

/// One change of date, place or chair, kept so the history shows every move and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleChange {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub from: Option<Slot>,
    pub to: Slot,
    /// Empty for the first scheduling; required for every later change.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub reason: String,
}

/// A child taken out of the conference before it started, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildRemoved {
    pub child: SubjectChild,
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub reason: String,
}

/// The conference: every fact recorded about it, from request to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conference {
    id: ConferenceId,
    authority_id: AuthorityId,
    family_id: FamilyId,
    case_id: CaseId,
    kind: ConferenceKind,
    state: ConferenceState,
    requested_by: UserId,
    requested_at: DateTime<Utc>,
    strategy_discussion_on: Option<NaiveDate>,
    enquiry: Option<EnquiryKind>,
    harm_finding: Option<HarmFinding>,
    transfer_notified_on: Option<NaiveDate>,
    /// Transfer-in: the authority the child moved from and when their plan began there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transfer_from: Option<TransferFrom>,
    previous: Option<PreviousConference>,
    reason: String,
    concerns: Vec<ConcernCategory>,
    due_by: NaiveDate,
    allocated_worker: UserId,
    children: Vec<SubjectChild>,
    children_removed: Vec<ChildRemoved>,
    family_members: Vec<FamilyMember>,
    professionals: Vec<ProfessionalInvolved>,
    slot: Option<Slot>,
    schedule_history: Vec<ScheduleChange>,
    delay: Option<DelayReason>,
    cancellation: Option<Cancellation>,
    invitations: Vec<Invitation>,
    interpreters: Vec<InterpreterBooking>,
    exclusions: Vec<Exclusion>,
    previous_exclusions_reviewed: Vec<ExclusionReview>,
    reports: Vec<Report>,
    report_log: Vec<ReportSent>,
    views: Vec<Views>,
    pre_meetings: Vec<PreMeeting>,
    recording_consents: Vec<RecordingConsent>,
    audio_recorded: bool,
    started_at: Option<DateTime<Utc>>,
    attendance: Vec<Attendance>,
    discussion: Vec<DiscussionEntry>,
    corrections: Vec<Correction>,
    professional_views: Vec<ProfessionalView>,
    parent_views: Vec<ParentView>,
    actions: Vec<PlanAction>,
    decisions: Vec<ChildDecision>,
    /// PLAN-05: the open actions of each child's ending child protection plan that its
    /// step-down carries over to the child in need plan (chosen with the decision).
    #[serde(default)]
    carried_over: Vec<CarriedOver>,
    legal_recommendations: Vec<LegalRecommendation>,
    dissents: Vec<Dissent>,
    closed_at: Option<DateTime<Utc>>,
    outcome_due_by: Option<NaiveDate>,
    outcome_sent: Vec<OutcomeSent>,
    next_review: Option<NextReview>,
    record: Record,
    young_person_versions: Vec<YoungPersonVersion>,
    format_requests: Vec<FormatRequest>,
    /// The last number handed out to an invitation, report, action and so on.
    last_number: u32,
}

/// Who may do what: the duties the operations need. The access policy decides who reaches
/// a conference at all; this decides which of them may take each step (ROLE-01..07).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Duty {
    /// Request a conference: the coordinator, or the child's social worker or their manager.
    Request,
    /// Arrange: schedule, invite, book, distribute (ROLE-02).
    Coordinate,
    /// The chair of this conference, and nobody else (ROLE-01).
    Chair,
    /// Write down what happens in the meeting: the note taker, chair or coordinator.
    Note,
    /// Gather and present views: social worker, coordinator or chair.
    GatherViews,
}

impl Duty {
    fn who_may(self) -> &'static str {
        match self {
            Duty::Request => "the conference coordinator or the child's social worker (or their manager)",
            Duty::Coordinate => "the conference coordinator",
            Duty::Chair => "the chair of this conference",
            Duty::Note => "the note taker, the chair or the coordinator",
            Duty::GatherViews => "the social worker, the coordinator or the chair",
        }
    }
}

impl Conference {
    /// Requests a conference (S47-01). Checks that the request holds what the rule lists and
    /// that the kind fits the children: unborn children only at a pre-birth conference, a
    /// review only for children on a plan.
    pub fn request(
        who: &Acting,
        id: ConferenceId,
        request: ConferenceRequest,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Outcome<Conference> {
        let may_request = who.has(Role::Coordinator)
            || ((who.has(Role::SocialWorker) || who.has(Role::TeamManager))
                && (who.relationships.contains(&Relationship::AllocatedWorker)
                    || who.relationships.contains(&Relationship::ManagerOfAllocatedWorker)));
        if !may_request {
            return Err(ConferenceError::NotAllowed {
                action: "request a conference",
                who_may: Duty::Request.who_may(),
            });
        }
        let r = request;
        if r.children.is_empty() {
            return Err(ConferenceError::Missing { what: "the children the conference is about" });
        }
        let mut seen = BTreeSet::new();
        for c in &r.children {
            if !seen.insert(&c.child_id) {
                return Err(ConferenceError::AlreadyRecorded { what: format!("{} (in this request)", c.name) });
            }
            if matches!(c.birth, Birth::Unborn { .. }) && r.kind != ConferenceKind::PreBirth {
                return Err(ConferenceError::UnbornOutsidePreBirth { name: c.name.clone() });
            }
        }
        if r.reason.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reason for the conference and the concerns" });
        }
        if r.concerns.is_empty() {
            return Err(ConferenceError::Missing { what: "at least one category of concern" });
        }
        if !r.family_members.iter().any(|m| m.is_parent_or_carer()) {
            return Err(ConferenceError::Missing { what: "at least one parent or carer of the children" });
        }
        match r.kind {
            ConferenceKind::Initial | ConferenceKind::PreBirth => {
                let Some(discussed) = r.strategy_discussion_on else {
                    return Err(ConferenceError::Missing { what: "the date of the strategy discussion" });
                };
                if discussed > today {
                    return Err(ConferenceError::BadDate {
                        what: "The strategy discussion date",
                        date: discussed,
                        problem: "is in the future",
                    });
                }
                if r.enquiry.is_none() {
                    return Err(ConferenceError::Missing { what: "which enquiry led to the request" });
                }
                match r.harm_finding {
                    None => return Err(ConferenceError::Missing { what: "what the enquiry found" }),
                    Some(HarmFinding::NotSignificantHarm) => return Err(ConferenceError::NoSignificantHarmFinding),
                    Some(_) => {}
                }
                if r.due_by < discussed {
                    return Err(ConferenceError::BadDate {
                        what: "The due date",
                        date: r.due_by,
                        problem: "is before the strategy discussion",
                    });
                }
                if r.kind == ConferenceKind::PreBirth && !r.children.iter().any(|c| c.is_unborn()) {
                    return Err(ConferenceError::PreBirthWithoutUnbornChild);
                }
            }
            ConferenceKind::TransferIn => {
                if r.transfer_notified_on.is_none() {
                    return Err(ConferenceError::Missing {
                        what: "the date this authority was told the child moved in",
                    });
                }
                if !r.children.iter().any(|c| c.current_plan.is_some()) {
                    return Err(ConferenceError::NoChildOnPlan { kind: "transfer-in" });
                }
            }
            ConferenceKind::Review => {
                if r.previous.is_none() {
                    return Err(ConferenceError::Missing { what: "the conference this review follows" });
                }
                if !r.children.iter().any(|c| c.current_plan.is_some()) {
                    return Err(ConferenceError::NoChildOnPlan { kind: "review" });
                }
            }
        }
        Ok(Conference {
            id,
            authority_id: r.authority_id,
            family_id: r.family_id,
            case_id: r.case_id,
            kind: r.kind,
            state: ConferenceState::Requested,
            requested_by: who.user_id.clone(),
            requested_at: now,
            strategy_discussion_on: r.strategy_discussion_on,
            enquiry: r.enquiry,
            harm_finding: r.harm_finding,
            transfer_notified_on: r.transfer_notified_on,
            transfer_from: None,
            previous: r.previous,
            reason: r.reason.trim().to_owned(),
            concerns: r.concerns,
            due_by: r.due_by,
            allocated_worker: r.allocated_worker,
            children: r.children,
            children_removed: Vec::new(),
            family_members: r.family_members,
            professionals: r.professionals,
            slot: None,
            schedule_history: Vec::new(),
            delay: None,
            cancellation: None,
            invitations: Vec::new(),
            interpreters: Vec::new(),
            exclusions: Vec::new(),
            previous_exclusions_reviewed: Vec::new(),
            reports: Vec::new(),
            report_log: Vec::new(),
            views: Vec::new(),
            pre_meetings: Vec::new(),
            recording_consents: Vec::new(),
            audio_recorded: false,
            started_at: None,
            attendance: Vec::new(),
            discussion: Vec::new(),
            corrections: Vec::new(),
            professional_views: Vec::new(),
            parent_views: Vec::new(),
            actions: Vec::new(),
            decisions: Vec::new(),
            carried_over: Vec::new(),
            legal_recommendations: Vec::new(),
            dissents: Vec::new(),
            closed_at: None,
            outcome_due_by: None,
            outcome_sent: Vec::new(),
            next_review: None,
            record: Record::default(),
            young_person_versions: Vec::new(),
            format_requests: Vec::new(),
            last_number: 0,
        })
    }

    /// Schedules the conference for the first time: date, time, venue and/or link, chair.
    ///
    /// Refuses a chair who is not independent of the allocated worker (CHAIR-01), a date that
    /// is past or not a working day, a pre-birth date later than 10 working days before the
    /// expected delivery (TIME-03), and a date after the due date without a reason (TIME-01/02).
    #[allow(clippy::too_many_arguments)]
    pub fn schedule(
        &mut self,
        who: &Acting,
        slot: Slot,
        chair: &UserAccount,
        line_manager_of: impl Fn(&UserId) -> Option<UserId>,
        delay: Option<DelayReason>,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Coordinate, "schedule the conference")?;
        self.require_state(
            &[ConferenceState::Requested],
            "schedule the conference",
            "To change the date, reschedule it.",
        )?;
        self.check_slot(&slot, chair, line_manager_of, &delay, calendar, today)?;
        self.schedule_history.push(ScheduleChange {
            at: now,
            by: who.user_id.clone(),
            from: None,
            to: slot.clone(),
            reason: String::new(),
        });
        self.delay = if slot.date > self.due_by { delay } else { None };
        self.slot = Some(slot);
        self.state = ConferenceState::Scheduled;
        Ok(())
    }

    /// Moves the conference to another date, place or chair, keeping the old slot and the
    /// reason in the history. The same checks as [`Conference::schedule`] apply.
    #[allow(clippy::too_many_arguments)]
    pub fn reschedule(
        &mut self,
        who: &Acting,
        slot: Slot,
        reason: &str,
        chair: &UserAccount,
        line_manager_of: impl Fn(&UserId) -> Option<UserId>,
        delay: Option<DelayReason>,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Coordinate, "reschedule the conference")?;
        self.require_state(
            &[ConferenceState::Scheduled],
            "reschedule the conference",
            "Only a scheduled conference that has not started can be moved.",
        )?;
        if reason.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reason for rescheduling" });
        }
        self.check_slot(&slot, chair, line_manager_of, &delay, calendar, today)?;
        self.schedule_history.push(ScheduleChange {
            at: now,
            by: who.user_id.clone(),
            from: self.slot.clone(),
            to: slot.clone(),
            reason: reason.trim().to_owned(),
        });
        self.delay = if slot.date > self.due_by { delay } else { None };
        self.slot = Some(slot);
        Ok(())
    }

    fn check_slot(
        &self,
        slot: &Slot,
        chair: &UserAccount,
        line_manager_of: impl Fn(&UserId) -> Option<UserId>,
        delay: &Option<DelayReason>,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome {
        if chair.id != slot.chair {
            return Err(ConferenceError::NotInConference { who: format!("The chosen chair ({})", slot.chair) });
        }
        if !chair.roles.contains(&Role::Chair) || chair.disabled {
            return Err(ConferenceError::NotAChair { name: chair.display_name.clone() });
        }
        independence_of_chair(&chair.id, &self.allocated_worker, line_manager_of)
            .map_err(|why| ConferenceError::ChairNotIndependent { name: chair.display_name.clone(), why })?;
        if slot.venue.as_deref().is_none_or(|v| v.trim().is_empty())
            && slot.video_link.as_deref().is_none_or(|v| v.trim().is_empty())
        {
            return Err(ConferenceError::Missing { what: "a venue or a video link (or both)" });
        }
        if slot.date < today {
            return Err(ConferenceError::BadDate {
                what: "The conference date",
                date: slot.date,
                problem: "is in the past",
            });
        }
        if !calendar.is_working_day(slot.date) {
            return Err(ConferenceError::NotAWorkingDay { date: slot.date });
        }
        if self.kind == ConferenceKind::PreBirth {
            if let Some(expected) = self.children.iter().filter_map(|c| c.expected_delivery()).min() {
                // TIME-03's hard limit (the guidance's 10 working days, not policy), counted by
                // the deadline engine like every other timescale.
                let latest = crate::timescales::Timescale::working_days(PRE_BIRTH_LATEST_WORKING_DAYS_BEFORE_DELIVERY)
                    .before(calendar, expected);
                if slot.date > latest {
                    return Err(ConferenceError::PreBirthTooLate { latest });
                }
            }
        }
        if slot.date > self.due_by {
            match delay {
                Some(d) if !d.detail.trim().is_empty() => {}
                _ => return Err(ConferenceError::LateWithoutReason { due_by: self.due_by }),
            }
        }
        Ok(())
    }

    /// Cancels a conference that has not started, keeping who, when and why.
    pub fn cancel(&mut self, who: &Acting, reason: &str, now: DateTime<Utc>) -> Outcome {
        if !(who.has(Role::Coordinator) || self.is_chair(who)) {
            return Err(ConferenceError::NotAllowed {
                action: "cancel the conference",
                who_may: "the coordinator or the chair",
            });
        }
        self.require_state(
            &[ConferenceState::Requested, ConferenceState::Scheduled],
            "cancel the conference",
            "A conference that has started is closed, not cancelled.",
        )?;
        if reason.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reason for cancelling" });
        }
        self.cancellation = Some(Cancellation { at: now, by: who.user_id.clone(), reason: reason.trim().to_owned() });
        self.state = ConferenceState::Cancelled;
        Ok(())
    }

    /// Adds a sibling before the meeting starts. An unborn child only joins a pre-birth conference.
    pub fn add_child(&mut self, who: &Acting, child: SubjectChild) -> Outcome {
        self.require_child_changes(who, "add a child")?;
        if self.children.iter().any(|c| c.child_id == child.child_id) {
            return Err(ConferenceError::AlreadyRecorded { what: child.name.clone() });
        }
        if child.is_unborn() && self.kind != ConferenceKind::PreBirth {
            return Err(ConferenceError::UnbornOutsidePreBirth { name: child.name.clone() });
        }
        self.children.push(child);
        Ok(())
    }

    /// Takes a child out before the meeting starts, keeping them and the reason in the history.
    /// Their invitation to attend goes too: the conference is no longer about them.
    pub fn remove_child(&mut self, who: &Acting, child_id: &ChildId, reason: &str, now: DateTime<Utc>) -> Outcome {
        self.require_child_changes(who, "remove a child")?;
        if reason.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reason for removing the child" });
        }
        let index = self
            .children
            .iter()
            .position(|c| &c.child_id == child_id)
            .ok_or_else(|| ConferenceError::NotInConference { who: format!("Child {child_id}") })?;
        if self.children.len() == 1 {
            return Err(ConferenceError::LastChild);
        }
        let child = self.children.remove(index);
        self.invitations.retain(|i| !matches!(&i.invitee, Invitee::Child { child_id: c, .. } if c == child_id));
        self.children_removed.push(ChildRemoved {
            child,
            at: now,
            by: who.user_id.clone(),
            reason: reason.trim().to_owned(),
        });
        Ok(())
    }

    fn require_child_changes(&self, who: &Acting, action: &'static str) -> Outcome {
        let allowed = who.has(Role::Coordinator)
            || (who.has(Role::SocialWorker) && who.user_id == self.allocated_worker)
            || self.is_chair(who);
        if !allowed {
            return Err(ConferenceError::NotAllowed {
                action,
                who_may: "the coordinator, the allocated social worker or the chair",
            });
        }
        self.require_state(
            &[ConferenceState::Requested, ConferenceState::Scheduled],
            action,
            "Children can be added or removed only before the meeting starts.",
        )
    }

    // ----- reading -----

    pub fn id(&self) -> &ConferenceId {
        &self.id
    }
    pub fn authority_id(&self) -> &AuthorityId {
        &self.authority_id
    }
    pub fn family_id(&self) -> &FamilyId {
        &self.family_id
    }
    pub fn case_id(&self) -> &CaseId {
        &self.case_id
    }
    pub fn kind(&self) -> ConferenceKind {
        self.kind
    }
    pub fn state(&self) -> ConferenceState {
        self.state
    }
    pub fn requested_by(&self) -> &UserId {
        &self.requested_by
    }
    pub fn requested_at(&self) -> DateTime<Utc> {
        self.requested_at
    }
    pub fn strategy_discussion_on(&self) -> Option<NaiveDate> {
        self.strategy_discussion_on
    }
    pub fn enquiry(&self) -> Option<EnquiryKind> {
        self.enquiry
    }
    pub fn harm_finding(&self) -> Option<HarmFinding> {
        self.harm_finding
    }
    pub fn transfer_notified_on(&self) -> Option<NaiveDate> {
        self.transfer_notified_on
    }
    pub fn previous(&self) -> Option<&PreviousConference> {
        self.previous.as_ref()
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
    pub fn concerns(&self) -> &[ConcernCategory] {
        &self.concerns
    }
    pub fn due_by(&self) -> NaiveDate {
        self.due_by
    }
    pub fn allocated_worker(&self) -> &UserId {
        &self.allocated_worker
    }
    pub fn children(&self) -> &[SubjectChild] {
        &self.children
    }
    pub fn children_removed(&self) -> &[ChildRemoved] {
        &self.children_removed
    }
    pub fn family_members(&self) -> &[FamilyMember] {
        &self.family_members
    }
    pub fn professionals(&self) -> &[ProfessionalInvolved] {
        &self.professionals
    }
    pub fn slot(&self) -> Option<&Slot> {
        self.slot.as_ref()
    }
    /// The date the conference is (or was) held, once scheduled.
    pub fn date(&self) -> Option<NaiveDate> {
        self.slot.as_ref().map(|s| s.date)
    }
    pub fn chair(&self) -> Option<&UserId> {
        self.slot.as_ref().map(|s| &s.chair)
    }
    pub fn schedule_history(&self) -> &[ScheduleChange] {
        &self.schedule_history
    }
    pub fn delay(&self) -> Option<&DelayReason> {
        self.delay.as_ref()
    }
    /// TIME-01..03: held (or to be held) after its due date.
    pub fn is_late(&self) -> bool {
        self.date().is_some_and(|d| d > self.due_by)
    }
    pub fn cancellation(&self) -> Option<&Cancellation> {
        self.cancellation.as_ref()
    }
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at
    }

    /// CHAIR-02: the chair to suggest for this conference, the chair of the one before it.
    /// It is a suggestion: scheduling still checks the chair's independence (CHAIR-01).
    pub fn suggested_chair(&self) -> Option<&UserId> {
        self.previous.as_ref().and_then(|p| p.chair.as_ref())
    }

    // ----- shared checks -----

    pub(crate) fn is_chair(&self, who: &Acting) -> bool {
        who.has(Role::Chair) && self.chair() == Some(&who.user_id)
    }

    pub(crate) fn require(&self, who: &Acting, duty: Duty, action: &'static str) -> Outcome {
        let ok = match duty {
            Duty::Request => who.has(Role::Coordinator) || who.has(Role::SocialWorker) || who.has(Role::TeamManager),
            Duty::Coordinate => who.has(Role::Coordinator),
            Duty::Chair => self.is_chair(who),
            Duty::Note => who.has(Role::NoteTaker) || who.has(Role::Coordinator) || self.is_chair(who),
            Duty::GatherViews => {
                who.has(Role::SocialWorker)
                    || who.has(Role::TeamManager)
                    || who.has(Role::Coordinator)
                    || self.is_chair(who)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(ConferenceError::NotAllowed { action, who_may: duty.who_may() })
        }
    }

    pub(crate) fn require_state(
        &self,
        allowed: &[ConferenceState],
        action: &'static str,
        hint: &'static str,
    ) -> Outcome {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(ConferenceError::WrongState { action, state: self.state, hint })
        }
    }

    pub(crate) fn next_number(&mut self) -> u32 {
        self.last_number += 1;
        self.last_number
    }

    pub(crate) fn family_member(&self, adult_id: &AdultId) -> Outcome<&FamilyMember> {
        self.family_members
            .iter()
            .find(|m| &m.adult_id == adult_id)
            .ok_or_else(|| ConferenceError::NotInConference { who: format!("Family member {adult_id}") })
    }

    pub(crate) fn child(&self, child_id: &ChildId) -> Outcome<&SubjectChild> {
        self.children
            .iter()
            .find(|c| &c.child_id == child_id)
            .ok_or_else(|| ConferenceError::NotInConference { who: format!("Child {child_id}") })
    }

    pub(crate) fn professional(&self, id: &crate::model::ProfessionalId) -> Outcome<&ProfessionalInvolved> {
        self.professionals
            .iter()
            .find(|p| &p.professional_id == id)
            .ok_or_else(|| ConferenceError::NotInConference { who: format!("Professional {id}") })
    }

    /// LANG-04: the first language the conference holds for a family member or child who
    /// receives its documents (`None` for anyone else).
    pub fn first_language_of(&self, r: &Recipient) -> Option<&str> {
        match r {
            Recipient::FamilyMember(id) => self.family_member(id).ok().map(|m| m.communication.first_language.as_str()),
            Recipient::Child(id) => self.child(id).ok().map(|c| c.communication.first_language.as_str()),
            _ => None,
        }
    }

    /// A person's name as the conference knows it, for messages and the record.
    pub fn name_of(&self, person: &Person) -> String {
        match person {
            Person::FamilyMember(id) => {
                self.family_member(id).map(|m| m.name.clone()).unwrap_or_else(|_| id.to_string())
            }
            Person::Child(id) => self.child(id).map(|c| c.name.clone()).unwrap_or_else(|_| id.to_string()),
            Person::Professional(id) => {
                self.professional(id).map(|p| p.name.clone()).unwrap_or_else(|_| id.to_string())
            }
        }
    }
}

/// TIME-03: a pre-birth conference is never later than this many working days before the
/// expected date of delivery. Fixed by the guidance, not by policy.
pub const PRE_BIRTH_LATEST_WORKING_DAYS_BEFORE_DELIVERY: u32 = 10;

/// CHAIR-01: whether `chair` is independent of the child's allocated worker. Returns why not.
/// Used by scheduling and by pages that list chairs to choose from.
pub fn independence_of_chair(
    chair: &UserId,
    allocated_worker: &UserId,
    line_manager_of: impl Fn(&UserId) -> Option<UserId>,
) -> Result<(), &'static str> {
    if chair == allocated_worker {
        return Err("they are the child's allocated social worker");
    }
    if management_line(allocated_worker, line_manager_of).contains(chair) {
        return Err("they are in the management line of the child's social worker");
    }
    Ok(())
}

/// CHAIR-02: the chair of the most recent held conference of any of these children, to
/// suggest for their next conference.
pub fn previous_chair_for<'a>(
    children: &[ChildId],
    conferences: impl IntoIterator<Item = &'a Conference>,
) -> Option<UserId> {
    conferences
        .into_iter()
        .filter(|c| c.state() == ConferenceState::Closed)
        .filter(|c| c.children().iter().any(|s| children.contains(&s.child_id)))
        .filter_map(|c| Some((c.date()?, c.chair()?.clone())))
        .max_by_key(|(date, _)| *date)
        .map(|(_, chair)| chair)
}
