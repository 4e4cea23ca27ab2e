//! The family's case stage follows the conference (Conference::case_stage).

use super::*;
use crate::model::CaseStage;

fn closed_with(outcomes: [ChildOutcome; 3]) -> Conference {
    let mut c = attended();
    for (child, outcome) in ["amy", "ben", "cara"].into_iter().zip(outcomes) {
        views_for(&mut c, child, if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, outcome).expect("decide");
    }
    close(&mut c).expect("close");
    c
}

#[test]
fn the_case_stage_follows_the_conference_from_request_to_its_decisions() {
    assert_eq!(requested().case_stage(), Some(CaseStage::ConferenceRequested));
    assert_eq!(scheduled().case_stage(), Some(CaseStage::ConferenceScheduled));
    assert_eq!(started().case_stage(), Some(CaseStage::ConferenceScheduled));
    assert_eq!(closed().case_stage(), Some(CaseStage::ChildProtectionPlan), "any child on a plan");
    let cin = closed_with([ChildOutcome::ChildInNeedPlan, ChildOutcome::NoFurtherPlan, ChildOutcome::NoFurtherPlan]);
    assert_eq!(cin.case_stage(), Some(CaseStage::ChildInNeedPlan));
    let none = closed_with([ChildOutcome::NoFurtherPlan, ChildOutcome::NoFurtherPlan, ChildOutcome::NoFurtherPlan]);
    assert_eq!(none.case_stage(), Some(CaseStage::Closed), "an initial conference with no plan closes the case");
    let mut cancelled = scheduled();
    cancelled.cancel(&coordinator(), "The family moved away.", at("2026-11-05 09:00")).expect("cancel");
    assert_eq!(cancelled.case_stage(), None, "cancelling says nothing new about the case");
}
