//! Where a conference leaves the family's case: the case's stage follows the conference, so the
//! family record, lists and returns show it without anyone re-typing it.

use super::{ChildOutcome, Conference, ConferenceKind, ConferenceState};
use crate::model::CaseStage;

impl Conference {
    /// The stage the family's case is at because of this conference, or `None` when the
    /// conference says nothing new about it (cancelled; a review deciding no plan for the
    /// children it covered, whose brothers or sisters may still have plans of their own).
    ///
    /// Requested → conference requested; scheduled or running → conference scheduled; closed
    /// with any child on a child protection plan → child protection plan; otherwise with any
    /// child on a child in need plan → child in need plan; an initial (or pre-birth or
    /// transfer-in) conference deciding no plan for any child → closed.
    pub fn case_stage(&self) -> Option<CaseStage> {
        match self.state() {
            ConferenceState::Requested => Some(CaseStage::ConferenceRequested),
            ConferenceState::Scheduled | ConferenceState::InProgress => Some(CaseStage::ConferenceScheduled),
            ConferenceState::Cancelled => None,
            ConferenceState::Closed => {
                let outcomes: Vec<&ChildOutcome> = self.decisions().iter().map(|d| &d.outcome).collect();
                if outcomes.iter().any(|o| o.is_child_protection_plan()) {
                    Some(CaseStage::ChildProtectionPlan)
                } else if outcomes
                    .iter()
                    .any(|o| matches!(o, ChildOutcome::ChildInNeedPlan | ChildOutcome::EndPlanStepDownToChildInNeed))
                {
                    Some(CaseStage::ChildInNeedPlan)
                } else if self.kind() == ConferenceKind::Review || outcomes.is_empty() {
                    None
                } else {
                    Some(CaseStage::Closed)
                }
            }
        }
    }
}
