//! The deadlines a conference sets and meets, so the case's "due and overdue" lists follow the
//! journey: the conference itself (TIME-01/02, from the strategy discussion or the move-in
//! notification), and after it closes the outcome (DEC-05), the record (MIN-03), the first core
//! group (CG-02) and the review (REV-01) for a child on a plan.

use super::*;
use crate::timescales::{DeadlineRule, LateReason, LateReasonRecord};

/// One deadline a conference implies: the rule, the day its clock starts, and when (and, if
/// late, why) it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineEvent {
    pub rule: DeadlineRule,
    pub trigger: NaiveDate,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<LateReasonRecord>,
}

fn late_reason_of(delay: Option<&DelayReason>) -> Option<LateReasonRecord> {
    let delay = delay?;
    let reason = match delay.kind {
        DelayReasonKind::FamilyUnavailable => LateReason::FamilyUnavailable,
        DelayReasonKind::ProfessionalsUnavailable => LateReason::ProfessionalUnavailable,
        DelayReasonKind::ChairUnavailable => LateReason::ChairUnavailable,
        DelayReasonKind::InterpreterUnavailable => LateReason::InterpreterUnavailable,
        DelayReasonKind::ReportsNotReady => LateReason::ReportsNotReady,
        DelayReasonKind::LateRequest => LateReason::RequestedLate,
        DelayReasonKind::FurtherEnquiries | DelayReasonKind::Other => LateReason::Other,
    };
    let details = if delay.detail.trim().is_empty() { delay.kind.label().to_owned() } else { delay.detail.clone() };
    LateReasonRecord::new(reason, &details).ok()
}

impl Conference {
    /// The deadlines this conference sets or meets, as things stand.
    pub fn deadline_events(&self) -> Vec<DeadlineEvent> {
        let mut out = Vec::new();
        let held_on = self.started_at().and(self.date());
        let conference_rule = match self.kind() {
            ConferenceKind::Initial | ConferenceKind::PreBirth => {
                self.strategy_discussion_on().map(|d| (DeadlineRule::InitialConference, d))
            }
            ConferenceKind::TransferIn => self.transfer_notified_on().map(|d| (DeadlineRule::TransferInConference, d)),
            // A review's own date was set by the conference before it (REV-01 below).
            ConferenceKind::Review => None,
        };
        if let Some((rule, trigger)) = conference_rule {
            if self.state() != ConferenceState::Cancelled {
                let late = held_on.is_some_and(|h| h > self.due_by());
                out.push(DeadlineEvent {
                    rule,
                    trigger,
                    met: held_on,
                    late_reason: if late { late_reason_of(self.delay()) } else { None },
                });
            }
        }
        if let (ConferenceState::Closed, Some(held)) = (self.state(), held_on) {
            let first_sent = |days: Vec<NaiveDate>| days.into_iter().min();
            out.push(DeadlineEvent {
                rule: DeadlineRule::OutcomeSent,
                trigger: held,
                met: first_sent(self.outcome_sent().iter().map(|o| o.on).collect()),
                late_reason: None,
            });
            out.push(DeadlineEvent {
                rule: DeadlineRule::RecordSent,
                trigger: held,
                met: first_sent(self.record().distribution.iter().map(|s| s.on).collect()),
                late_reason: None,
            });
            if self.decisions().iter().any(|d| d.outcome.is_child_protection_plan()) {
                let first = !matches!(self.kind(), ConferenceKind::Review);
                if first {
                    out.push(DeadlineEvent {
                        rule: DeadlineRule::FirstCoreGroup,
                        trigger: held,
                        met: None,
                        late_reason: None,
                    });
                }
                let review = if first { DeadlineRule::FirstReview } else { DeadlineRule::NextReview };
                out.push(DeadlineEvent { rule: review, trigger: held, met: None, late_reason: None });
            }
        }
        out
    }
}
