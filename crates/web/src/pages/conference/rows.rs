//! Rows the conference pages and lists show: the time, the state's tag, the invitations and
//! where they stand (INV-04).

use crate::view;
use confer_domain::conference::*;

pub fn time_text(c: &Conference) -> String {
    c.slot().map(|s| s.time.format("%H:%M").to_string()).unwrap_or_default()
}

pub fn state_tag(state: ConferenceState) -> &'static str {
    match state {
        ConferenceState::Requested => "govuk-tag--yellow",
        ConferenceState::Scheduled => "govuk-tag--blue",
        ConferenceState::InProgress => "govuk-tag--purple",
        ConferenceState::Closed => "govuk-tag--green",
        ConferenceState::Cancelled => "govuk-tag--grey",
    }
}

/// An invitation in words: who, as what, and their answer (INV-04).
pub struct InvRow {
    pub number: u32,
    pub who: String,
    pub as_what: String,
    pub invited_on: String,
    pub answer: String,
    pub answered: bool,
}

pub fn invitation_rows(c: &Conference) -> Vec<InvRow> {
    c.invitations()
        .iter()
        .map(|i| {
            let (who, as_what) = match &i.invitee {
                Invitee::FamilyMember { adult_id } => {
                    let m = c.family_members().iter().find(|m| &m.adult_id == adult_id);
                    (
                        c.name_of(&Person::FamilyMember(adult_id.clone())),
                        m.map(|m| format!("Family: {}", m.relationship.label())).unwrap_or_else(|| "Family".into()),
                    )
                }
                Invitee::Professional { professional_id } => {
                    let p = c.professionals().iter().find(|p| &p.professional_id == professional_id);
                    (
                        c.name_of(&Person::Professional(professional_id.clone())),
                        p.map(|p| format!("Professional: {}", p.agency_name)).unwrap_or_else(|| "Professional".into()),
                    )
                }
                Invitee::Child { child_id, .. } => (c.name_of(&Person::Child(child_id.clone())), "Child".into()),
                Invitee::Supporter(s) => (s.name.clone(), format!("{} for {}", s.kind.label(), c.name_of(&s.supports))),
            };
            let answer = match &i.answer {
                None => "No answer yet".to_owned(),
                Some(Answer::InPerson) => "Attending in person".to_owned(),
                Some(Answer::Remote) => "Attending remotely".to_owned(),
                Some(Answer::ReportOnly) => "Sending a report or views only".to_owned(),
                Some(Answer::Declined { reason }) => format!("Declined: {reason}"),
            };
            InvRow {
                number: i.id.0,
                who,
                as_what,
                invited_on: view::long_date(&i.invited_on),
                answer,
                answered: i.answer.is_some(),
            }
        })
        .collect()
}

/// Where the invitations stand, for the coordinator's list (INV-04).
pub struct Tracker {
    pub invited: usize,
    pub attending: usize,
    pub not_attending: usize,
    pub no_answer: usize,
}

pub fn tracker(c: &Conference) -> Tracker {
    let inv = c.invitations();
    Tracker {
        invited: inv.len(),
        attending: inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| a.attends())).count(),
        not_attending: inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| !a.attends())).count(),
        no_answer: inv.iter().filter(|i| i.answer.is_none()).count(),
    }
}
