//! What a partner professional sees of a conference they are invited to, on their own home
//! page (ROLE-04: they submit a report, attend or send information; issue 14's professional
//! portal): their answer to the invitation, where their report stands against the day it is
//! due to the chair (REP-02), and whether the outcome has been sent to them (DEC-05).

use super::{Answer, Conference, ConferenceState, Invitee, Recipient};
use crate::ProfessionalId;
use chrono::NaiveDate;
use serde::Serialize;

/// Where a professional's report stands (REP-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "report", rename_all = "kebab-case")]
pub enum ReportStanding {
    /// Submitted on a day; `late` when after the day it was due to the chair.
    Submitted { on: NaiveDate, late: bool },
    /// Not yet submitted; due to the chair by this day (not yet passed).
    DueBy { by: NaiveDate },
    /// Not submitted, and the day it was due to the chair has passed.
    Overdue { by: NaiveDate },
    /// Not submitted and no longer asked for: the meeting has started, or it was cancelled.
    NotSubmitted,
}

impl ReportStanding {
    pub fn label(&self) -> String {
        match self {
            ReportStanding::Submitted { on, late: false } => format!("Sent on {}", on.format("%-d %B %Y")),
            ReportStanding::Submitted { on, late: true } => {
                format!("Sent on {}, after the day it was due", on.format("%-d %B %Y"))
            }
            ReportStanding::DueBy { by } => format!("Due to the chair by {}", by.format("%-d %B %Y")),
            ReportStanding::Overdue { by } => format!("Overdue: it was due to the chair by {}", by.format("%-d %B %Y")),
            ReportStanding::NotSubmitted => "Not sent".to_owned(),
        }
    }

    /// Whether the professional still has something to do about it.
    pub fn needs_action(&self) -> bool {
        matches!(self, ReportStanding::DueBy { .. } | ReportStanding::Overdue { .. })
    }
}

/// A professional's own view of one conference they are invited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfessionalStanding {
    /// Their answer to the invitation, if they have given one.
    pub answer: Option<Answer>,
    pub report: ReportStanding,
    /// DEC-05: the day the written outcome was sent to them.
    pub outcome_sent_on: Option<NaiveDate>,
}

impl ProfessionalStanding {
    pub fn answer_label(&self) -> &'static str {
        match &self.answer {
            None => "Not answered yet",
            Some(Answer::InPerson) => "Coming in person",
            Some(Answer::Remote) => "Joining by video or phone",
            Some(Answer::ReportOnly) => "Sending a report, not attending",
            Some(Answer::Declined { .. }) => "Not coming",
        }
    }
}

impl Conference {
    /// ROLE-04, REP-02, DEC-05: how the conference stands for the professional `me`, or `None`
    /// when they are not invited to it. `report_due_by` is the day reports are due to the chair
    /// (the authority's policy and calendar from the conference's date: `None` while it has no
    /// date); `today` decides whether it has passed.
    pub fn standing_of_professional(
        &self,
        me: &ProfessionalId,
        report_due_by: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<ProfessionalStanding> {
        let invitation = self
            .invitations()
            .iter()
            .find(|i| matches!(&i.invitee, Invitee::Professional { professional_id } if professional_id == me))?;
        let report = match self
            .reports()
            .iter()
            .filter(|r| &r.author == me)
            .map(|r| (r.submitted_on, r.late_to_chair()))
            .max()
        {
            Some((on, late)) => ReportStanding::Submitted { on, late },
            None => match self.state() {
                ConferenceState::InProgress | ConferenceState::Closed | ConferenceState::Cancelled => {
                    ReportStanding::NotSubmitted
                }
                _ => match report_due_by {
                    // Invitations go out once a conference is scheduled, so it has a date.
                    None => ReportStanding::NotSubmitted,
                    Some(by) if today > by => ReportStanding::Overdue { by },
                    Some(by) => ReportStanding::DueBy { by },
                },
            },
        };
        let outcome_sent_on = self
            .outcome_sent()
            .iter()
            .filter(|s| matches!(&s.recipient, Recipient::Professional(p) if p == me))
            .map(|s| s.on)
            .min();
        Some(ProfessionalStanding { answer: invitation.answer.clone(), report, outcome_sent_on })
    }
}
