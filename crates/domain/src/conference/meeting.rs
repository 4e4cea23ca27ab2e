//! The meeting itself: starting it, attendance per person and part (MEET-02), the quorum
//! (INV-03), the discussion under the six headings (MEET-05), corrections (MEET-06), each
//! professional's and parent's view (DEC-02) and plan actions recorded live (MEET-07).

use super::{Acting, ConferenceError, ConferenceState, Duty, InvitationId, Invitee, Outcome, Part, Person, Supporter};
use crate::model::{AdultId, AgencyId, AgencyKind, ChildId, ProfessionalId};
use crate::policy::Policy;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// How someone took part (MEET-02).
    pub enum Presence {
        InPerson => "in-person", "Present in person";
        Remote => "remote", "Present remotely";
        Apologies => "apologies", "Sent apologies";
        ReportOnly => "report-only", "Sent a report only";
        Absent => "absent", "Did not attend";
    }
}

impl Presence {
    pub fn is_present(self) -> bool {
        matches!(self, Presence::InPerson | Presence::Remote)
    }
}

/// One invitee's attendance (MEET-02). `parts` empty means the whole conference; the parts
/// are chosen from the agenda's list ([`super::AgendaPart`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub invitation: InvitationId,
    pub presence: Presence,
    pub parts: Vec<Part>,
    pub arrived_late_at: Option<NaiveTime>,
    pub left_early_at: Option<NaiveTime>,
}

/// INV-03: the agencies present and whether that makes a quorum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quorum {
    /// Distinct agencies with someone present (in person or remotely). Two professionals
    /// of one agency count once; two health bodies count as two agencies.
    pub agencies_present: Vec<(AgencyId, AgencyKind)>,
    pub childrens_social_care_present: bool,
    pub agencies_needed: u32,
}

impl Quorum {
    pub fn is_quorate(&self) -> bool {
        self.childrens_social_care_present && self.agencies_present.len() as u32 >= self.agencies_needed
    }
    /// Why the conference is not quorate, in words for the chair.
    pub fn shortfall(&self) -> String {
        let mut why = Vec::new();
        if (self.agencies_present.len() as u32) < self.agencies_needed {
            why.push(format!("{} of {} agencies present", self.agencies_present.len(), self.agencies_needed));
        }
        if !self.childrens_social_care_present {
            why.push("children's social care is not present".to_owned());
        }
        why.join("; ")
    }
}

crate::text_enum! {
    /// The six headings the discussion is recorded under (MEET-05), in plain words.
    pub enum DiscussionHeading {
        WorkingWell => "working-well", "What is working well";
        Worries => "worries", "Worries";
        ComplicatingFactors => "complicating-factors", "Complicating factors";
        History => "history", "History";
        Uncertainty => "uncertainty", "Areas of uncertainty";
        NextSteps => "next-steps", "Next steps";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscussionEntry {
    pub heading: DiscussionHeading,
    pub text: String,
    /// The part of the conference it belongs to, if the chair divided it (EXC-03), besides
    /// the part its heading is.
    pub part: Option<Part>,
    pub child: Option<ChildId>,
    /// Third-party or police information the family must not see (REP-03).
    pub restricted: bool,
    pub at: DateTime<Utc>,
}

/// MEET-06: information a family member says is wrong, and what is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub by: Person,
    pub what_was_said: String,
    pub correction: String,
    pub at: DateTime<Utc>,
}

crate::text_enum! {
    /// A professional's view for one child (DEC-02).
    pub enum PlanView {
        Plan => "plan", "A child protection plan is needed";
        NoPlan => "no-plan", "A child protection plan is not needed";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalView {
    pub professional: ProfessionalId,
    pub child: ChildId,
    pub view: PlanView,
    pub reasons: String,
}

/// DEC-02: a parent's views in the meeting. They are recorded; they do not prevent a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentView {
    pub adult_id: AdultId,
    pub child: Option<ChildId>,
    pub views: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionId(pub u32);

/// Who will do a plan action (MEET-07, PLAN-02): a person or agency, including the parents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "owner", content = "id", rename_all = "kebab-case")]
pub enum ActionOwner {
    Professional(ProfessionalId),
    FamilyMember(AdultId),
    Agency(String),
}

/// MEET-07: a plan action agreed in the meeting, recorded as it is agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAction {
    pub id: ActionId,
    pub children: Vec<ChildId>,
    pub what: String,
    pub owner: ActionOwner,
    pub due: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

const LIVE: &[ConferenceState] = &[ConferenceState::InProgress];
const LIVE_HINT: &str = "This is recorded during the meeting.";

impl super::Conference {
    /// The chair opens the meeting, on its scheduled day, once the pre-meetings with parents
    /// are recorded (MEET-01) and every exclusion of the previous conference has been
    /// decided again (EXC-05): none carries over silently.
    pub fn start_meeting(&mut self, who: &Acting, today: NaiveDate, now: DateTime<Utc>) -> Outcome {
        self.require(who, Duty::Chair, "start the conference")?;
        self.require_state(
            &[ConferenceState::Scheduled],
            "start the conference",
            "A conference starts once, after it is scheduled.",
        )?;
        if let Some(scheduled) = self.date() {
            if scheduled != today {
                return Err(ConferenceError::NotTheScheduledDay { scheduled, today });
            }
        }
        let missing: Vec<String> = self.pre_meetings_missing().iter().map(|m| m.name.clone()).collect();
        if !missing.is_empty() {
            return Err(ConferenceError::PreMeetingMissing { names: missing.join(", ") });
        }
        if !self.previous_exclusions_to_review().is_empty() {
            return Err(ConferenceError::Missing {
                what: "your decision on each exclusion of the previous conference (exclusions never carry over)",
            });
        }
        self.started_at = Some(now);
        self.state = ConferenceState::InProgress;
        Ok(())
    }

    /// MEET-02: records one invitee's attendance. Refuses someone present in a conference or
    /// part they are excluded from; a supporter is held to the same exclusion as the person
    /// they support (ROLE-07), and a supporter named late needs the chair's yes (INV-05).
    pub fn record_attendance(&mut self, who: &Acting, attendance: Attendance) -> Outcome {
        self.require(who, Duty::Note, "record attendance")?;
        self.require_state(LIVE, "record attendance", LIVE_HINT)?;
        let inv = self.invitation(attendance.invitation).ok_or(ConferenceError::NotFound { what: "invitation" })?;
        if attendance.parts.iter().any(|p| !p.is_recognised()) {
            return Err(ConferenceError::Missing { what: "the parts they were present for, chosen from the list" });
        }
        if attendance.presence.is_present() {
            let (adult, name) = match &inv.invitee {
                Invitee::FamilyMember { adult_id } => {
                    (Some(adult_id.clone()), self.family_member(adult_id)?.name.clone())
                }
                Invitee::Supporter(s) => {
                    if let Some(notice) = &s.late_notice {
                        match &notice.chair_decision {
                            None => {
                                return Err(ConferenceError::Missing {
                                    what: "the chair's decision on this supporter, who was named late",
                                })
                            }
                            Some(d) if !d.allowed => {
                                return Err(ConferenceError::Excluded {
                                    name: s.name.clone(),
                                    scope: "this conference by the chair's decision".into(),
                                })
                            }
                            Some(_) => {}
                        }
                    }
                    match &s.supports {
                        Person::FamilyMember(a) => (Some(a.clone()), s.name.clone()),
                        _ => (None, s.name.clone()),
                    }
                }
                _ => (None, String::new()),
            };
            if let Some(adult) = adult {
                if self.is_fully_excluded(&adult) {
                    return Err(ConferenceError::Excluded { name, scope: "the whole conference".into() });
                }
                let excluded = self.excluded_parts(&adult);
                if attendance.parts.is_empty() {
                    if let Some(part) = excluded.first() {
                        return Err(ConferenceError::PresentInExcludedPart { name, part: part.label().to_owned() });
                    }
                }
                // An exclusion from a part the list does not recognise (an older document)
                // could be any part: present for none of them (fail closed).
                if let Some(part) = excluded.iter().find(|p| !p.is_recognised()) {
                    return Err(ConferenceError::PresentInExcludedPart { name, part: part.label().to_owned() });
                }
                if let Some(part) = attendance.parts.iter().find(|p| excluded.contains(p)) {
                    return Err(ConferenceError::PresentInExcludedPart { name, part: part.label().to_owned() });
                }
            }
        }
        self.attendance.retain(|a| a.invitation != attendance.invitation);
        self.attendance.push(attendance);
        Ok(())
    }

    pub fn attendance(&self) -> &[Attendance] {
        &self.attendance
    }

    /// Whether the person behind an invitation is recorded as present.
    pub fn is_present(&self, person: &Person) -> bool {
        self.invitation_of(person)
            .and_then(|inv| self.attendance.iter().find(|a| a.invitation == inv.id))
            .is_some_and(|a| a.presence.is_present())
    }

    /// Whether a supporter's invitation shows them present.
    pub fn supporter_present(&self, invitation: InvitationId) -> bool {
        matches!(self.invitation(invitation).map(|i| &i.invitee), Some(Invitee::Supporter(Supporter { .. })))
            && self.attendance.iter().any(|a| a.invitation == invitation && a.presence.is_present())
    }

    /// INV-03: the quorum as it stands from the attendance recorded.
    pub fn quorum(&self, policy: &Policy) -> Quorum {
        let mut agencies: Vec<(AgencyId, AgencyKind)> = self
            .professionals
            .iter()
            .filter(|p| self.is_present(&Person::Professional(p.professional_id.clone())))
            .map(|p| (p.agency_id.clone(), p.agency_kind))
            .collect();
        agencies.sort();
        agencies.dedup();
        Quorum {
            childrens_social_care_present: agencies.iter().any(|(_, k)| *k == AgencyKind::ChildrensSocialCare),
            agencies_present: agencies,
            agencies_needed: policy.quorum_agencies,
        }
    }

    /// MEET-05: records a point of the discussion under one of the six headings.
    #[allow(clippy::too_many_arguments)]
    pub fn add_discussion(
        &mut self,
        who: &Acting,
        heading: DiscussionHeading,
        text: &str,
        part: Option<Part>,
        child: Option<ChildId>,
        restricted: bool,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Note, "record the discussion")?;
        self.require_state(LIVE, "record the discussion", LIVE_HINT)?;
        if text.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "what was said" });
        }
        if let Some(c) = &child {
            self.child(c)?;
        }
        if part.as_ref().is_some_and(|p| !p.is_recognised()) {
            return Err(ConferenceError::Missing { what: "the part of the conference, chosen from the list" });
        }
        self.discussion.push(DiscussionEntry {
            heading,
            text: text.trim().to_owned(),
            part,
            child,
            restricted,
            at: now,
        });
        Ok(())
    }

    pub fn discussion(&self) -> &[DiscussionEntry] {
        &self.discussion
    }

    /// MEET-06: a parent (or child) corrects information they say is wrong.
    pub fn record_correction(
        &mut self,
        who: &Acting,
        by: Person,
        what_was_said: &str,
        correction: &str,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Note, "record a correction")?;
        self.require_state(LIVE, "record a correction", LIVE_HINT)?;
        match &by {
            Person::FamilyMember(a) => {
                self.family_member(a)?;
            }
            Person::Child(c) => {
                self.child(c)?;
            }
            Person::Professional(p) => {
                let name = self.professional(p)?.name.clone();
                return Err(ConferenceError::NotParentOrCarer {
                    name,
                    what: "recorded as correcting information here",
                });
            }
        }
        if what_was_said.trim().is_empty() || correction.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "what was said and what the correction is" });
        }
        self.corrections.push(Correction {
            by,
            what_was_said: what_was_said.trim().to_owned(),
            correction: correction.trim().to_owned(),
            at: now,
        });
        Ok(())
    }

    pub fn corrections(&self) -> &[Correction] {
        &self.corrections
    }

    /// DEC-02: the chair records a present professional's view for one child.
    pub fn record_professional_view(
        &mut self,
        who: &Acting,
        professional: &ProfessionalId,
        child: &ChildId,
        view: PlanView,
        reasons: &str,
    ) -> Outcome {
        self.require(who, Duty::Chair, "record a professional's view")?;
        self.require_state(LIVE, "record a professional's view", LIVE_HINT)?;
        let name = self.professional(professional)?.name.clone();
        self.child(child)?;
        if !self.is_present(&Person::Professional(professional.clone())) {
            return Err(ConferenceError::NotPresent { name });
        }
        if reasons.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reasons for their view" });
        }
        self.professional_views.retain(|v| !(&v.professional == professional && &v.child == child));
        self.professional_views.push(ProfessionalView {
            professional: professional.clone(),
            child: child.clone(),
            view,
            reasons: reasons.trim().to_owned(),
        });
        Ok(())
    }

    pub fn professional_views(&self) -> &[ProfessionalView] {
        &self.professional_views
    }

    /// DEC-02: records a parent's views in the meeting.
    pub fn record_parent_view(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        child: Option<ChildId>,
        views: &str,
    ) -> Outcome {
        self.require(who, Duty::Note, "record a parent's views")?;
        self.require_state(LIVE, "record a parent's views", LIVE_HINT)?;
        self.family_member(adult_id)?;
        if let Some(c) = &child {
            self.child(c)?;
        }
        if views.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the parent's views" });
        }
        self.parent_views.push(ParentView { adult_id: adult_id.clone(), child, views: views.trim().to_owned() });
        Ok(())
    }

    pub fn parent_views(&self) -> &[ParentView] {
        &self.parent_views
    }

    /// MEET-07: records a plan action as it is agreed, with its owner and due date.
    #[allow(clippy::too_many_arguments)]
    pub fn add_plan_action(
        &mut self,
        who: &Acting,
        children: Vec<ChildId>,
        what: &str,
        owner: ActionOwner,
        due: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Outcome<ActionId> {
        self.require(who, Duty::Note, "record a plan action")?;
        self.require_state(
            LIVE,
            "record a plan action",
            "Plan actions are recorded live, as they are agreed in the meeting.",
        )?;
        if children.is_empty() {
            return Err(ConferenceError::Missing { what: "which children the action is for" });
        }
        for c in &children {
            self.child(c)?;
        }
        if what.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "what is to be done" });
        }
        match &owner {
            ActionOwner::Professional(p) => {
                self.professional(p)?;
            }
            ActionOwner::FamilyMember(a) => {
                self.family_member(a)?;
            }
            ActionOwner::Agency(name) if name.trim().is_empty() => {
                return Err(ConferenceError::Missing { what: "the agency that owns the action" })
            }
            ActionOwner::Agency(_) => {}
        }
        if due < today {
            return Err(ConferenceError::BadDate {
                what: "The action's due date",
                date: due,
                problem: "is in the past",
            });
        }
        let id = ActionId(self.next_number());
        self.actions.push(PlanAction { id, children, what: what.trim().to_owned(), owner, due, recorded_at: now });
        Ok(id)
    }

    /// MEET-07: the actions agreed so far, for the live screen everyone present sees.
    pub fn plan_actions(&self) -> &[PlanAction] {
        &self.actions
    }
}
