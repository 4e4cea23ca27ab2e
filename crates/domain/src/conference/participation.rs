//! QA-02, issue 15: how people took part in a conference that was held, counted once each
//! time the conference is saved (the store keeps it as a summary row beside the document, so
//! the dashboards add numbers up in SQL rather than reading 50,000 documents): parents and
//! carers attending (MEET-02), children's views presented (CHILD-02/03), children invited and
//! attending (CHILD-01), interpreters booked for those who need one (LANG-01), exclusions and
//! their reasons (EXC-01/02) and dissent (DIS-01).

use super::{ConferenceState, ExclusionReason, ExclusionScope, Person};
use chrono::NaiveDate;

/// The participation of one conference. Counts of people, and of exclusions by reason in the
/// order of [`ExclusionReason::ALL`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participation {
    /// The day the meeting was held; `None` until it starts, and for a cancelled conference.
    pub held_on: Option<NaiveDate>,
    /// Parents and carers of the children (ROLE-05) named on the conference.
    pub parents: u32,
    /// Of them, present in person or remotely (MEET-02).
    pub parents_attended: u32,
    /// The children the conference is about, unborn children left out.
    pub children: u32,
    /// Of them, children whose own views reached the conference: a letter, drawing or recording
    /// presented in the meeting, or views heard and brought by someone (CHILD-02/03).
    pub children_views: u32,
    /// Children invited to attend (CHILD-01).
    pub children_invited: u32,
    /// Of them, present for the whole conference or a part.
    pub children_attended: u32,
    /// Family members and invited children who need an interpreter (LANG-01).
    pub interpreters_needed: u32,
    /// Of them, those with an interpreter booked.
    pub interpreters_booked: u32,
    /// Parents and carers excluded from the whole conference, and from a part (EXC-01/03).
    pub excluded_whole: u32,
    pub excluded_part: u32,
    /// Exclusions naming each reason (EXC-02), in the order of [`ExclusionReason::ALL`].
    pub exclusion_reasons: Vec<u32>,
    /// Dissents recorded (DIS-01).
    pub dissents: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl super::Conference {
    /// QA-02: this conference's participation, as the dashboards count it.
    pub fn participation(&self) -> Participation {
        let held = self.started_at().is_some() && self.state() != ConferenceState::Cancelled;
        let parents: Vec<_> = self.family_members().iter().filter(|m| m.is_parent_or_carer()).collect();
        let children: Vec<_> = self.children().iter().filter(|c| !c.is_unborn()).collect();
        let child_views = |id: &crate::model::ChildId| {
            self.views().iter().any(|v| {
                v.given.whose == Person::Child(id.clone())
                    && (v.presented.is_some() || !v.given.form.is_presented_in_meeting())
            })
        };
        let invited_children: Vec<_> =
            children.iter().filter(|c| self.invitation_of(&Person::Child(c.child_id.clone())).is_some()).collect();
        // LANG-01: as `interpreters_needed`, before the bookings are taken away.
        let mut needing: Vec<Person> = self
            .family_members()
            .iter()
            .filter(|m| m.communication.needs_interpreter)
            .map(|m| Person::FamilyMember(m.adult_id.clone()))
            .collect();
        needing.extend(
            invited_children
                .iter()
                .filter(|c| c.communication.needs_interpreter)
                .map(|c| Person::Child(c.child_id.clone())),
        );
        let booked = needing.iter().filter(|p| self.interpreters().iter().any(|b| &b.for_person == *p)).count();
        let exclusions = self.exclusions();
        Participation {
            held_on: if held { self.date().or(self.started_at().map(|s| s.date_naive())) } else { None },
            parents: count(parents.len()),
            parents_attended: count(
                parents.iter().filter(|m| self.is_present(&Person::FamilyMember(m.adult_id.clone()))).count(),
            ),
            children: count(children.len()),
            children_views: count(children.iter().filter(|c| child_views(&c.child_id)).count()),
            children_invited: count(invited_children.len()),
            children_attended: count(
                invited_children.iter().filter(|c| self.is_present(&Person::Child(c.child_id.clone()))).count(),
            ),
            interpreters_needed: count(needing.len()),
            interpreters_booked: count(booked),
            excluded_whole: count(exclusions.iter().filter(|e| e.decision.scope == ExclusionScope::Whole).count()),
            excluded_part: count(exclusions.iter().filter(|e| e.decision.scope != ExclusionScope::Whole).count()),
            exclusion_reasons: ExclusionReason::ALL
                .iter()
                .map(|r| count(exclusions.iter().filter(|e| e.decision.reasons.contains(r)).count()))
                .collect(),
            dissents: count(self.dissents().len()),
        }
    }
}
