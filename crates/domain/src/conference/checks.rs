//! What is still to do before the meeting, for the coordinator's tracker and the chair's
//! pre-meeting checklist. Nothing here refuses anything: it lists what the rules ask for
//! and has not happened yet, each item saying what to do.

use super::{InvitationId, Person, PoliceCheck, PracticalNeedKind, ReportId};
use crate::model::AdultId;
use serde::{Deserialize, Serialize};

/// One thing still to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Check {
    /// INV-01
    ParentNotInvited { adult_id: AdultId },
    /// INV-02
    Police { state: PoliceCheck },
    /// INV-04
    NoAnswer { invitation: InvitationId },
    /// LANG-01
    InterpreterNotBooked { person: Person },
    /// INV-08
    NeedNotMet { adult_id: AdultId, need: PracticalNeedKind },
    /// INV-05
    LateSupporterAwaitingChair { invitation: InvitationId },
    /// REP-02
    ReportLateToChair { report: ReportId },
    /// REP-01
    ReportNotShared { report: ReportId, adult_id: AdultId },
    /// MEET-01
    PreMeetingNotRecorded { adult_id: AdultId },
    /// EXC-04
    ExclusionNotTold { adult_id: AdultId },
    /// EXC-05
    PreviousExclusionNotReviewed { adult_id: AdultId },
    /// LANG-02, LANG-03
    FormatRequestOutstanding { number: u32 },
}

impl super::Conference {
    /// Everything still to do before (and around) the meeting.
    pub fn checks(&self) -> Vec<Check> {
        let mut out: Vec<Check> = Vec::new();
        out.extend(
            self.parents_not_invited().into_iter().map(|m| Check::ParentNotInvited { adult_id: m.adult_id.clone() }),
        );
        let police = self.police_check();
        if !police.is_satisfied() {
            out.push(Check::Police { state: police });
        }
        out.extend(self.unanswered().into_iter().map(|i| Check::NoAnswer { invitation: i.id }));
        out.extend(self.interpreters_needed().into_iter().map(|person| Check::InterpreterNotBooked { person }));
        out.extend(
            self.unmet_needs()
                .into_iter()
                .map(|(m, n)| Check::NeedNotMet { adult_id: m.adult_id.clone(), need: n.kind }),
        );
        out.extend(
            self.late_supporters_awaiting_chair()
                .into_iter()
                .map(|i| Check::LateSupporterAwaitingChair { invitation: i.id }),
        );
        out.extend(
            self.reports.iter().filter(|r| r.late_to_chair()).map(|r| Check::ReportLateToChair { report: r.id }),
        );
        out.extend(
            self.reports_not_shared().into_iter().map(|(report, adult_id)| Check::ReportNotShared { report, adult_id }),
        );
        out.extend(
            self.pre_meetings_missing()
                .into_iter()
                .map(|m| Check::PreMeetingNotRecorded { adult_id: m.adult_id.clone() }),
        );
        out.extend(
            self.exclusions_not_told_in_time()
                .into_iter()
                .map(|e| Check::ExclusionNotTold { adult_id: e.decision.adult_id.clone() }),
        );
        out.extend(
            self.previous_exclusions_to_review()
                .into_iter()
                .map(|p| Check::PreviousExclusionNotReviewed { adult_id: p.adult_id.clone() }),
        );
        out.extend(
            self.format_requests_outstanding()
                .into_iter()
                .map(|r| Check::FormatRequestOutstanding { number: r.number }),
        );
        out
    }

    /// One check in words for the page.
    pub fn describe_check(&self, check: &Check) -> String {
        let adult = |a: &AdultId| self.name_of(&Person::FamilyMember(a.clone()));
        match check {
            Check::ParentNotInvited { adult_id } => {
                format!("Invite {}: every parent and carer is invited unless excluded.", adult(adult_id))
            }
            Check::Police { state } => match state {
                PoliceCheck::NotInvited => {
                    "Invite the police: they attend or send information to every conference.".into()
                }
                PoliceCheck::AwaitingAnswer => {
                    "The police have not answered yet: ask them to attend or send information.".into()
                }
                PoliceCheck::DeclinedWithoutInformation => {
                    "The police declined and sent no information: ask them to send information.".into()
                }
                PoliceCheck::Attending | PoliceCheck::SendingInformation => String::new(),
            },
            Check::NoAnswer { invitation } => {
                format!("Invitation {} has no answer yet.", invitation.0)
            }
            Check::InterpreterNotBooked { person } => {
                format!("Book an interpreter for {}.", self.name_of(person))
            }
            Check::NeedNotMet { adult_id, need } => {
                format!("Arrange {} for {}.", need.label().to_lowercase(), adult(adult_id))
            }
            Check::LateSupporterAwaitingChair { invitation } => {
                format!(
                    "A supporter was named late (invitation {}): the chair decides whether they attend.",
                    invitation.0
                )
            }
            Check::ReportLateToChair { report } => {
                format!("Report {} reached the chair late.", report.0)
            }
            Check::ReportNotShared { report, adult_id } => {
                format!("Share report {} with {}.", report.0, adult(adult_id))
            }
            Check::PreMeetingNotRecorded { adult_id } => {
                format!("Record the chair's pre-meeting with {}, or why not.", adult(adult_id))
            }
            Check::ExclusionNotTold { adult_id } => format!(
                "Tell {} the reasons for their exclusion before the conference, and record it.",
                adult(adult_id)
            ),
            Check::PreviousExclusionNotReviewed { adult_id } => {
                format!(
                    "{} was excluded from the previous conference: the chair decides again for this one.",
                    adult(adult_id)
                )
            }
            Check::FormatRequestOutstanding { number } => {
                format!("Translation or format request {number} is still to be met.")
            }
        }
    }
}
