//! Invitations and answers (INV-01, INV-02, INV-04..06), the child's invitation (CHILD-01),
//! supporters tied to the person they support (ROLE-07) and interpreters (LANG-01).

use super::{Acting, ConferenceError, ConferenceState, Duty, Outcome, Person};
use crate::calendar::WorkingCalendar;
use crate::model::{AdultId, AgencyKind, ChildId, ProfessionalId};
use crate::policy::Policy;
use crate::timescales::DeadlineRule;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The number of an invitation within its conference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvitationId(pub u32);

crate::text_enum! {
    /// Who a supporter is to the person they support (INV-05, CHILD-02).
    pub enum SupporterKind {
        Friend => "friend", "Friend";
        Relative => "relative", "Relative";
        Advocate => "advocate", "Advocate";
        Solicitor => "solicitor", "Solicitor";
    }
}

impl SupporterKind {
    /// INV-05: what the invitation tells a supporter their part is.
    pub fn part_in_the_meeting(self) -> &'static str {
        match self {
            SupporterKind::Solicitor => {
                "A solicitor attends to support the person they came with, not to question others."
            }
            _ => "A supporter attends to support the person they came with.",
        }
    }
}

/// An invitee's answer (INV-04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum Answer {
    InPerson,
    Remote,
    /// Sends a report (or, for a family member, their views) but does not attend.
    ReportOnly,
    Declined {
        reason: String,
    },
}

impl Answer {
    pub fn attends(&self) -> bool {
        matches!(self, Answer::InPerson | Answer::Remote)
    }
}

/// INV-05: a supporter named later than the policy's notice; the chair decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateNotice {
    /// The last day the chair should have been told.
    pub should_have_been_told_by: NaiveDate,
    pub chair_decision: Option<ChairDecision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChairDecision {
    pub allowed: bool,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A supporter, advocate or solicitor (ROLE-07). They come with one person and see only what
/// that person sees, for this conference only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supporter {
    pub name: String,
    pub kind: SupporterKind,
    /// The family member or child they support.
    pub supports: Person,
    /// INV-06: attends in place of a parent who cannot attend.
    pub represents: bool,
    pub named_on: NaiveDate,
    pub late_notice: Option<LateNotice>,
}

/// Who is invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "invitee", rename_all = "kebab-case")]
pub enum Invitee {
    FamilyMember {
        adult_id: AdultId,
    },
    Professional {
        professional_id: ProfessionalId,
    },
    /// CHILD-01: a child of age who wishes to attend, where appropriate; the parent who
    /// agreed, where the authority requires it.
    Child {
        child_id: ChildId,
        parent_agreement: Option<AdultId>,
    },
    Supporter(Supporter),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub invitee: Invitee,
    pub invited_on: NaiveDate,
    pub answer: Option<Answer>,
    pub answered_on: Option<NaiveDate>,
}

impl Invitation {
    /// The person behind the invitation; a supporter has none of their own.
    pub fn person(&self) -> Option<Person> {
        match &self.invitee {
            Invitee::FamilyMember { adult_id } => Some(Person::FamilyMember(adult_id.clone())),
            Invitee::Professional { professional_id } => Some(Person::Professional(professional_id.clone())),
            Invitee::Child { child_id, .. } => Some(Person::Child(child_id.clone())),
            Invitee::Supporter(_) => None,
        }
    }
}

/// CHILD-01: what is known about a child's wish and the judgement that attending suits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildAttendance {
    pub wishes_to_attend: bool,
    pub judged_appropriate: bool,
    pub parent_agreement: Option<AdultId>,
}

/// What the coordinator asks for to name a supporter (INV-05, CHILD-02, INV-06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupporterDetails {
    pub name: String,
    pub kind: SupporterKind,
    pub supports: Person,
    pub represents: bool,
}

/// LANG-01: an interpreter booked for someone who needs one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterBooking {
    pub for_person: Person,
    /// The spoken language, or the sign language ("British Sign Language").
    pub language: String,
    pub sign_language: bool,
    pub interpreter_name: String,
    pub organisation: String,
    /// Set when the form picked someone from the family's record: always refused.
    pub adult_id: Option<AdultId>,
    pub booked_on: NaiveDate,
}

/// INV-02: where the conference stands with the police, for the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoliceCheck {
    /// No police officer is invited yet.
    NotInvited,
    /// Invited, no answer yet and no information received.
    AwaitingAnswer,
    /// Declined and sent no information: chase them.
    DeclinedWithoutInformation,
    /// Attending in person or remotely.
    Attending,
    /// Not attending but has sent (or will send) information.
    SendingInformation,
}

impl PoliceCheck {
    /// Police attend or send information to every conference (INV-02).
    pub fn is_satisfied(self) -> bool {
        matches!(self, PoliceCheck::Attending | PoliceCheck::SendingInformation)
    }
}

const INVITE_STATES: &[ConferenceState] = &[ConferenceState::Scheduled];
const INVITE_HINT: &str = "Invitations are sent once the conference has a date and before it starts.";

impl super::Conference {
    fn push_invitation(&mut self, invitee: Invitee, today: NaiveDate) -> InvitationId {
        let id = InvitationId(self.next_number());
        self.invitations.push(Invitation { id, invitee, invited_on: today, answer: None, answered_on: None });
        id
    }

    /// INV-01: invites a family member. Refused when the chair has excluded them from the
    /// whole conference (EXC-01); a partly excluded parent is still invited.
    pub fn invite_family_member(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        today: NaiveDate,
    ) -> Outcome<InvitationId> {
        self.require(who, Duty::Coordinate, "send invitations")?;
        self.require_state(INVITE_STATES, "send invitations", INVITE_HINT)?;
        let name = self.family_member(adult_id)?.name.clone();
        if self.is_fully_excluded(adult_id) {
            return Err(ConferenceError::Excluded { name, scope: "the whole conference".into() });
        }
        if self.invitation_of(&Person::FamilyMember(adult_id.clone())).is_some() {
            return Err(ConferenceError::AlreadyRecorded { what: format!("An invitation for {name}") });
        }
        Ok(self.push_invitation(Invitee::FamilyMember { adult_id: adult_id.clone() }, today))
    }

    /// INV-02: invites a professional involved with the family.
    pub fn invite_professional(
        &mut self,
        who: &Acting,
        professional_id: &ProfessionalId,
        today: NaiveDate,
    ) -> Outcome<InvitationId> {
        self.require(who, Duty::Coordinate, "send invitations")?;
        self.require_state(INVITE_STATES, "send invitations", INVITE_HINT)?;
        let name = self.professional(professional_id)?.name.clone();
        if self.invitation_of(&Person::Professional(professional_id.clone())).is_some() {
            return Err(ConferenceError::AlreadyRecorded { what: format!("An invitation for {name}") });
        }
        Ok(self.push_invitation(Invitee::Professional { professional_id: professional_id.clone() }, today))
    }

    /// CHILD-01: invites a child who wishes to attend, where appropriate, from the policy's
    /// age on the conference date, with a parent's agreement where policy requires it.
    pub fn invite_child(
        &mut self,
        who: &Acting,
        child_id: &ChildId,
        attendance: ChildAttendance,
        policy: &Policy,
        today: NaiveDate,
    ) -> Outcome<InvitationId> {
        self.require(who, Duty::Coordinate, "send invitations")?;
        self.require_state(INVITE_STATES, "send invitations", INVITE_HINT)?;
        let on = self.date().unwrap_or(today);
        let child = self.child(child_id)?;
        let name = child.name.clone();
        let Some(age) = child.birth.age_on(on) else {
            return Err(ConferenceError::ChildTooYoung { name, age: 0, from_age: policy.child_attendance_age });
        };
        if age < policy.child_attendance_age {
            return Err(ConferenceError::ChildTooYoung { name, age, from_age: policy.child_attendance_age });
        }
        if !attendance.wishes_to_attend || !attendance.judged_appropriate {
            return Err(ConferenceError::ChildAttendanceNotAppropriate { name });
        }
        if policy.child_attendance_needs_parent_agreement {
            match &attendance.parent_agreement {
                None => return Err(ConferenceError::ParentAgreementNeeded { name }),
                Some(adult) if !self.family_member(adult)?.is_parent_or_carer() => {
                    let parent = self.family_member(adult)?.name.clone();
                    return Err(ConferenceError::NotParentOrCarer { name: parent, what: "the one who agrees" });
                }
                Some(_) => {}
            }
        }
        if self.invitation_of(&Person::Child(child_id.clone())).is_some() {
            return Err(ConferenceError::AlreadyRecorded { what: format!("An invitation for {name}") });
        }
        Ok(self.push_invitation(
            Invitee::Child { child_id: child_id.clone(), parent_agreement: attendance.parent_agreement },
            today,
        ))
    }

    /// INV-05, CHILD-02, INV-06: names a supporter for a parent, carer or child. Named later
    /// than the policy's notice before the conference, they are flagged for the chair to
    /// decide. A representative (INV-06) is only for a parent who has said they cannot attend.
    pub fn name_supporter(
        &mut self,
        who: &Acting,
        details: SupporterDetails,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome<InvitationId> {
        // A parent or carer names their own supporter; a young person their own (CHILD-02).
        let own = who.is_person(&details.supports);
        if !own {
            self.require(who, Duty::Coordinate, "name a supporter for someone else")?;
        }
        self.require_state(INVITE_STATES, "name a supporter", INVITE_HINT)?;
        if details.name.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the supporter's name" });
        }
        match &details.supports {
            Person::FamilyMember(adult) => {
                let member = self.family_member(adult)?;
                if !member.is_parent_or_carer() {
                    return Err(ConferenceError::NotParentOrCarer {
                        name: member.name.clone(),
                        what: "supported at the conference",
                    });
                }
                if details.represents {
                    let declined = matches!(
                        self.invitation_of(&details.supports).and_then(|i| i.answer.as_ref()),
                        Some(Answer::Declined { .. })
                    );
                    if !declined {
                        return Err(ConferenceError::WrongState {
                            action: "name a representative",
                            state: self.state,
                            hint: "A representative attends for a parent who has said they cannot attend. A parent who attends brings a supporter instead.",
                        });
                    }
                }
            }
            Person::Child(child) => {
                self.child(child)?;
                if details.represents {
                    return Err(ConferenceError::Missing { what: "the child's views instead: a child's advocate supports them, and does not represent them in their absence" });
                }
            }
            Person::Professional(p) => {
                let name = self.professional(p)?.name.clone();
                return Err(ConferenceError::NotParentOrCarer { name, what: "supported at the conference" });
            }
        }
        let late_notice = self.date().and_then(|date| {
            let by = DeadlineRule::SupporterNotice.due_date(date, calendar, policy)?;
            (today > by).then_some(LateNotice { should_have_been_told_by: by, chair_decision: None })
        });
        let supporter = Supporter {
            name: details.name.trim().to_owned(),
            kind: details.kind,
            supports: details.supports,
            represents: details.represents,
            named_on: today,
            late_notice,
        };
        Ok(self.push_invitation(Invitee::Supporter(supporter), today))
    }

    /// INV-05: the chair decides on a supporter named late.
    pub fn decide_late_supporter(
        &mut self,
        who: &Acting,
        invitation: InvitationId,
        allowed: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "decide on a late supporter")?;
        if reason.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reason for your decision" });
        }
        let inv = self
            .invitations
            .iter_mut()
            .find(|i| i.id == invitation)
            .ok_or(ConferenceError::NotFound { what: "invitation" })?;
        match &mut inv.invitee {
            Invitee::Supporter(Supporter { late_notice: Some(notice), .. }) => {
                notice.chair_decision = Some(ChairDecision { allowed, reason: reason.trim().to_owned(), at: now });
                Ok(())
            }
            _ => Err(ConferenceError::NotFound { what: "late supporter" }),
        }
    }

    /// INV-04: records an answer. The invitee answers for themselves (a professional with an
    /// account, a family member in the portal), or the coordinator records it for them.
    pub fn answer_invitation(
        &mut self,
        who: &Acting,
        invitation: InvitationId,
        answer: Answer,
        today: NaiveDate,
    ) -> Outcome {
        self.require_state(INVITE_STATES, "answer an invitation", INVITE_HINT)?;
        let inv = self
            .invitations
            .iter()
            .find(|i| i.id == invitation)
            .ok_or(ConferenceError::NotFound { what: "invitation" })?;
        let own = match &inv.invitee {
            Invitee::FamilyMember { adult_id } => who.adult_id.as_ref() == Some(adult_id),
            Invitee::Child { child_id, .. } => who.child_id.as_ref() == Some(child_id),
            Invitee::Professional { professional_id } => {
                self.professional(professional_id).map(|p| p.user_id.as_ref() == Some(&who.user_id)).unwrap_or(false)
            }
            _ => false,
        };
        if !own {
            self.require(who, Duty::Coordinate, "answer someone else's invitation")?;
        }
        // EXC-01, EXC-06: someone invited before the chair excluded them from the whole
        // conference (or their supporter's person) does not come to it; their views are heard
        // the way the chair decided.
        let excluded = match &inv.invitee {
            Invitee::FamilyMember { adult_id } if self.is_fully_excluded(adult_id) => {
                Some(self.family_member(adult_id)?.name.clone())
            }
            _ => None,
        };
        if let (Some(name), Answer::InPerson | Answer::Remote) = (excluded, &answer) {
            return Err(ConferenceError::Excluded { name, scope: "the whole conference".into() });
        }
        if let Answer::Declined { reason } = &answer {
            if reason.trim().is_empty() {
                return Err(ConferenceError::Missing { what: "the reason for declining" });
            }
        }
        if let Some(inv) = self.invitations.iter_mut().find(|i| i.id == invitation) {
            inv.answer = Some(answer);
            inv.answered_on = Some(today);
        }
        Ok(())
    }

    /// LANG-01: books an interpreter for someone in the conference. Refuses a member of the
    /// family: they never interpret, however willing.
    pub fn book_interpreter(&mut self, who: &Acting, booking: InterpreterBooking) -> Outcome {
        self.require(who, Duty::Coordinate, "book an interpreter")?;
        self.require_state(
            &[ConferenceState::Requested, ConferenceState::Scheduled, ConferenceState::InProgress],
            "book an interpreter",
            "Interpreters are booked before or during the meeting.",
        )?;
        if booking.language.trim().is_empty() {
            return Err(ConferenceError::NoLanguage);
        }
        if booking.interpreter_name.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the interpreter's name" });
        }
        let _ = self.name_of_checked(&booking.for_person)?;
        let wanted = normalise_name(&booking.interpreter_name);
        let family = self
            .family_members
            .iter()
            .find(|m| booking.adult_id.as_ref() == Some(&m.adult_id) || normalise_name(&m.name) == wanted);
        let supporter_relative = self.invitations.iter().find_map(|i| match &i.invitee {
            Invitee::Supporter(s) if s.kind == SupporterKind::Relative && normalise_name(&s.name) == wanted => {
                Some(s.name.clone())
            }
            _ => None,
        });
        if let Some(m) = family {
            return Err(ConferenceError::FamilyMemberAsInterpreter { name: m.name.clone() });
        }
        if let Some(name) = supporter_relative {
            return Err(ConferenceError::FamilyMemberAsInterpreter { name });
        }
        self.interpreters.push(booking);
        Ok(())
    }

    pub(crate) fn name_of_checked(&self, person: &Person) -> Outcome<String> {
        match person {
            Person::FamilyMember(id) => self.family_member(id).map(|m| m.name.clone()),
            Person::Child(id) => self.child(id).map(|c| c.name.clone()),
            Person::Professional(id) => self.professional(id).map(|p| p.name.clone()),
        }
    }

    /// LANG-01: people who need an interpreter and have none booked.
    pub fn interpreters_needed(&self) -> Vec<Person> {
        let adults = self
            .family_members
            .iter()
            .filter(|m| m.communication.needs_interpreter)
            .map(|m| Person::FamilyMember(m.adult_id.clone()));
        let children = self
            .children
            .iter()
            .filter(|c| c.communication.needs_interpreter)
            .filter(|c| self.invitation_of(&Person::Child(c.child_id.clone())).is_some())
            .map(|c| Person::Child(c.child_id.clone()));
        adults.chain(children).filter(|p| !self.interpreters.iter().any(|b| &b.for_person == p)).collect()
    }

    pub fn invitations(&self) -> &[Invitation] {
        &self.invitations
    }
    pub fn interpreters(&self) -> &[InterpreterBooking] {
        &self.interpreters
    }
    pub fn invitation(&self, id: InvitationId) -> Option<&Invitation> {
        self.invitations.iter().find(|i| i.id == id)
    }
    /// The invitation of a family member, professional or child (not a supporter).
    pub fn invitation_of(&self, person: &Person) -> Option<&Invitation> {
        self.invitations.iter().find(|i| i.person().as_ref() == Some(person))
    }

    /// INV-04: invitations with no answer yet, for the coordinator's tracker.
    pub fn unanswered(&self) -> Vec<&Invitation> {
        self.invitations.iter().filter(|i| i.answer.is_none()).collect()
    }

    /// INV-01: parents and carers not invited and not excluded from the whole conference.
    pub fn parents_not_invited(&self) -> Vec<&super::FamilyMember> {
        self.family_members
            .iter()
            .filter(|m| m.is_parent_or_carer())
            .filter(|m| !self.is_fully_excluded(&m.adult_id))
            .filter(|m| self.invitation_of(&Person::FamilyMember(m.adult_id.clone())).is_none())
            .collect()
    }

    /// INV-05: supporters named late whom the chair has not yet decided on.
    pub fn late_supporters_awaiting_chair(&self) -> Vec<&Invitation> {
        self.invitations
            .iter()
            .filter(|i| {
                matches!(
                    &i.invitee,
                    Invitee::Supporter(Supporter { late_notice: Some(LateNotice { chair_decision: None, .. }), .. })
                )
            })
            .collect()
    }

    /// INV-02: police attend or send information to every conference. A police report
    /// received counts as information sent.
    pub fn police_check(&self) -> PoliceCheck {
        let police: Vec<&Invitation> = self
            .invitations
            .iter()
            .filter(|i| match &i.invitee {
                Invitee::Professional { professional_id } => {
                    self.professional(professional_id).is_ok_and(|p| p.agency_kind == AgencyKind::Police)
                }
                _ => false,
            })
            .collect();
        if police.is_empty() {
            return PoliceCheck::NotInvited;
        }
        let police_report = self
            .reports
            .iter()
            .any(|r| self.professional(&r.author).is_ok_and(|p| p.agency_kind == AgencyKind::Police));
        if police.iter().any(|i| i.answer.as_ref().is_some_and(Answer::attends)) {
            PoliceCheck::Attending
        } else if police_report || police.iter().any(|i| i.answer == Some(Answer::ReportOnly)) {
            PoliceCheck::SendingInformation
        } else if police.iter().all(|i| matches!(i.answer, Some(Answer::Declined { .. }))) {
            PoliceCheck::DeclinedWithoutInformation
        } else {
            PoliceCheck::AwaitingAnswer
        }
    }

    /// ROLE-07: the person a supporter invitation supports.
    pub fn supported_by(&self, invitation: InvitationId) -> Option<&Person> {
        match &self.invitation(invitation)?.invitee {
            Invitee::Supporter(s) => Some(&s.supports),
            _ => None,
        }
    }

    /// Whether the acting person is this professional, signed in with their own account.
    pub(crate) fn acts_as_professional(&self, who: &Acting, professional_id: &ProfessionalId) -> bool {
        self.professional(professional_id).is_ok_and(|p| p.user_id.as_ref() == Some(&who.user_id))
    }
}

fn normalise_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}
