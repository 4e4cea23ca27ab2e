//! The decision per child (DEC-01..04) under the quorum rule (INV-03), dissent (DIS-01/02),
//! closing the conference with its next review date (REV-01) and the written outcome (DEC-05).

use super::{
    Acting, ConferenceError, ConferenceKind, ConferenceState, Duty, Outcome, Person, PlanCategory, Recipient,
    YoungPersonVersion,
};
use crate::calendar::WorkingCalendar;
use crate::model::{ChildId, ProfessionalId};
use crate::nation_decisions::NationDecisions;
use crate::policy::{InquorateDecision, Policy};
use crate::timescales::{DeadlineRule, LateReasonRecord};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the conference decides for one child (DEC-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ChildOutcome {
    /// A new child protection plan, under one category.
    ChildProtectionPlan {
        category: PlanCategory,
    },
    ChildInNeedPlan,
    NoFurtherPlan,
    /// At a review (or transfer-in): the plan continues; the category may change.
    ContinuePlan {
        category: PlanCategory,
    },
    /// At a review: the plan ends and the child steps down to a child in need plan.
    EndPlanStepDownToChildInNeed,
    /// At a review: the plan ends with no further plan.
    EndPlanNoFurtherPlan,
}

impl ChildOutcome {
    /// The child is on a child protection plan after this decision.
    pub fn is_child_protection_plan(&self) -> bool {
        self.category().is_some()
    }
    pub fn category(&self) -> Option<PlanCategory> {
        match self {
            ChildOutcome::ChildProtectionPlan { category } | ChildOutcome::ContinuePlan { category } => Some(*category),
            _ => None,
        }
    }
    /// Words for the record and letters.
    pub fn describe(&self) -> String {
        match self {
            ChildOutcome::ChildProtectionPlan { category } => {
                format!("A child protection plan under the category of {}", category.label().to_lowercase())
            }
            ChildOutcome::ChildInNeedPlan => "A child in need plan".into(),
            ChildOutcome::NoFurtherPlan => "No further plan".into(),
            ChildOutcome::ContinuePlan { category } => format!(
                "The child protection plan continues, under the category of {}",
                category.label().to_lowercase()
            ),
            ChildOutcome::EndPlanStepDownToChildInNeed => {
                "The child protection plan ends; a child in need plan follows".into()
            }
            ChildOutcome::EndPlanNoFurtherPlan => "The child protection plan ends, with no further plan".into(),
        }
    }

    /// [`ChildOutcome::describe`] in the nation's words (issue 15): where the nation keeps a
    /// register (Wales, Scotland, Northern Ireland), a new plan places the child's name on it
    /// and an ended plan takes it off. England's words are [`ChildOutcome::describe`]'s.
    pub fn describe_in(&self, words: &crate::words::Words) -> String {
        let plain = words.reword(&self.describe());
        match (words.register, self) {
            (Some(register), ChildOutcome::ChildProtectionPlan { .. }) => {
                format!("{plain}; the child's name is placed on the {register}")
            }
            (Some(register), ChildOutcome::EndPlanStepDownToChildInNeed | ChildOutcome::EndPlanNoFurtherPlan) => {
                format!("{plain}; the child's name is removed from the {register}")
            }
            _ => plain,
        }
    }
}

/// What the chair decides for one child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub child: ChildId,
    pub outcome: ChildOutcome,
    /// DEC-03: the child is judged at continuing risk of significant harm.
    pub continuing_risk_of_significant_harm: bool,
    /// INV-03: why the decision is made without a quorum (where policy allows).
    pub inquorate_reason: Option<String>,
    /// Scotland: whether the child is referred to the Children's Reporter, and why (required
    /// where the nation's data asks for it, refused elsewhere: `nation_decisions`).
    #[serde(default)]
    pub reporter_referral: Option<ReporterReferral>,
}

/// Scotland (National Guidance 2021, updated 2023, para 3.133): whether a referral to the
/// Principal Reporter is or is not required for the child, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterReferral {
    pub referred: bool,
    pub reasons: String,
}

impl ReporterReferral {
    /// Words for the record and letters.
    pub fn describe(&self) -> String {
        let what = if self.referred {
            "The child is referred to the Children's Reporter"
        } else {
            "A referral to the Children's Reporter is not required"
        };
        format!("{what}. Reasons: {}", self.reasons)
    }
}

/// PLAN-05: the actions of a child's ending child protection plan (by their numbers there)
/// that the step-down carries over to the new child in need plan; the plan's other open
/// actions are closed with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedOver {
    pub child: ChildId,
    pub actions: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDecision {
    pub child: ChildId,
    pub outcome: ChildOutcome,
    /// The plan category the child had before (reviews), so a change is visible.
    pub previous_category: Option<PlanCategory>,
    pub continuing_risk_of_significant_harm: bool,
    pub inquorate_reason: Option<String>,
    /// Scotland: the Children's Reporter referral (absent in the other nations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_referral: Option<ReporterReferral>,
    pub decided_at: DateTime<Utc>,
}

crate::text_enum! {
    /// DEC-04: what the conference may recommend the authority consider.
    pub enum LegalAction {
        PreProceedings => "pre-proceedings", "Pre-proceedings (the Public Law Outline)";
        CareProceedings => "care-proceedings", "Care proceedings";
    }
}

/// DEC-04: a recommendation, never a decision: the conference has no legal powers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalRecommendation {
    pub children: Vec<ChildId>,
    pub action: LegalAction,
    pub reasons: String,
    pub at: DateTime<Utc>,
}

impl LegalRecommendation {
    /// The words the record uses, so it always reads as a recommendation.
    pub fn wording(&self) -> String {
        format!(
            "The conference recommends that the local authority consider {}. The conference has no legal powers: this is a recommendation, not a decision. Reasons: {}",
            self.action.label().to_lowercase(),
            self.reasons
        )
    }
}

/// DIS-01: what the chair records of a professional's dissent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DissentInput {
    pub professional: ProfessionalId,
    /// The child whose decision is disputed; `None` for all.
    pub child: Option<ChildId>,
    pub reasons: String,
    pub discussed_with_chair: bool,
    pub chair_response: String,
}

/// DIS-02: kept with the conference. The record shows the dissent and the chair's response
/// without the professional's name; the name stays here for the escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dissent {
    pub professional: ProfessionalId,
    pub child: Option<ChildId>,
    pub reasons: String,
    pub chair_response: String,
    pub at: DateTime<Utc>,
    /// Policy: the safeguarding manager is to be told.
    pub escalate: bool,
    pub escalated_at: Option<DateTime<Utc>>,
}

/// REV-01: when the next review is to be held, and the latest it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextReview {
    pub latest: NaiveDate,
    pub on: NaiveDate,
}

/// DEC-05: the written outcome sent to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSent {
    pub recipient: Recipient,
    pub on: NaiveDate,
    pub late: bool,
    /// Why it went after the day it was due (TIME-01's list plus free text). Always present
    /// when `late` for sendings recorded since the reason was asked for; older ones have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_reason: Option<LateReasonRecord>,
}

/// Adds calendar months; a day past the end of the target month becomes its last day
/// (31 January + 1 month = 28 or 29 February). `None` only beyond the calendar's range.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// REV-01: the latest date of the next review after a conference of this kind held on
/// `held_on`: 3 months after an initial, pre-birth or transfer-in conference, 6 after a review.
pub fn review_due_by(kind: ConferenceKind, held_on: NaiveDate) -> Option<NaiveDate> {
    let months = match kind {
        ConferenceKind::Initial | ConferenceKind::PreBirth | ConferenceKind::TransferIn => 3,
        ConferenceKind::Review => 6,
    };
    add_months(held_on, months)
}

impl super::Conference {
    /// DEC-01..03, INV-03: the chair decides for one child. May be changed until the
    /// conference closes (the latest decision stands).
    /// Scotland: the Children's Reporter referral is recorded with reasons (`nation`'s data).
    pub fn decide(
        &mut self,
        who: &Acting,
        input: DecisionInput,
        policy: &Policy,
        nation: &NationDecisions,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "decide the outcome for a child")?;
        self.require_state(&[ConferenceState::InProgress], "record a decision", "Decisions are made in the meeting.")?;
        let child = self.child(&input.child)?;
        let name = child.name.clone();
        let current = child.current_plan;
        let fits = match (&input.outcome, current) {
            (ChildOutcome::ChildProtectionPlan { .. } | ChildOutcome::ChildInNeedPlan | ChildOutcome::NoFurtherPlan, None) => Ok(()),
            (ChildOutcome::ContinuePlan { .. } | ChildOutcome::EndPlanStepDownToChildInNeed | ChildOutcome::EndPlanNoFurtherPlan, Some(_)) => Ok(()),
            (_, None) => Err("the child is not on a child protection plan, so there is no plan to continue or end. Decide a child protection plan, a child in need plan or no further plan."),
            (_, Some(_)) => Err("the child is already on a child protection plan. Decide whether it continues or ends."),
        };
        fits.map_err(|why| ConferenceError::DecisionDoesNotFit { child: name.clone(), why })?;
        if input.outcome.is_child_protection_plan() && !input.continuing_risk_of_significant_harm {
            return Err(ConferenceError::NoContinuingRisk { child: name });
        }
        let missing: Vec<String> = self
            .professionals
            .iter()
            .filter(|p| self.is_present(&Person::Professional(p.professional_id.clone())))
            .filter(|p| {
                !self.professional_views.iter().any(|v| v.professional == p.professional_id && v.child == input.child)
            })
            .map(|p| format!("{} ({})", p.name, p.agency_name))
            .collect();
        if !missing.is_empty() {
            return Err(ConferenceError::ProfessionalViewsMissing { names: missing.join(", "), child: name });
        }
        let quorum = self.quorum(policy);
        let inquorate_reason = if quorum.is_quorate() {
            None
        } else {
            match policy.inquorate_decision {
                InquorateDecision::Refuse => {
                    return Err(ConferenceError::InquorateRefused { detail: quorum.shortfall() })
                }
                InquorateDecision::AllowWithReason => match input.inquorate_reason.as_deref().map(str::trim) {
                    Some(r) if !r.is_empty() => Some(r.to_owned()),
                    _ => return Err(ConferenceError::InquorateReasonNeeded { detail: quorum.shortfall() }),
                },
            }
        };
        let reporter_referral = match (nation.reporter_referral, input.reporter_referral) {
            (None, None) => None,
            (None, Some(_)) => return Err(ConferenceError::ReporterReferralNotAsked),
            (Some(_), None) => return Err(ConferenceError::ReporterReferralNeeded { child: name }),
            (Some(_), Some(r)) => match r.reasons.trim() {
                "" => return Err(ConferenceError::ReporterReasonsNeeded { child: name }),
                reasons => Some(ReporterReferral { referred: r.referred, reasons: reasons.to_owned() }),
            },
        };
        self.decisions.retain(|d| d.child != input.child);
        // A decision made again drops the actions chosen for the one it replaces.
        self.carried_over.retain(|c| c.child != input.child);
        self.decisions.push(ChildDecision {
            child: input.child,
            outcome: input.outcome,
            previous_category: current,
            continuing_risk_of_significant_harm: input.continuing_risk_of_significant_harm,
            inquorate_reason,
            reporter_referral,
            decided_at: now,
        });
        Ok(())
    }

    /// PLAN-05: the chair chooses which open actions of the child's ending child protection
    /// plan the step-down carries over to the child in need plan (by their numbers in that
    /// plan; none is a choice too: every open action is then closed). Only after the child's
    /// step-down decision, in the meeting; choosing again replaces the choice. Without a
    /// choice the step-down carries the actions agreed for the child at this conference or,
    /// when none were, every open action.
    pub fn choose_carried_over_actions(&mut self, who: &Acting, child: &ChildId, mut actions: Vec<u32>) -> Outcome {
        self.require(who, Duty::Chair, "choose the actions carried over to the child in need plan")?;
        self.require_state(
            &[ConferenceState::InProgress],
            "choose the actions carried over to the child in need plan",
            "They are chosen in the meeting, with the step-down decision.",
        )?;
        let name = self.child(child)?.name.clone();
        if !matches!(self.decision_for(child), Some(d) if d.outcome == ChildOutcome::EndPlanStepDownToChildInNeed) {
            return Err(ConferenceError::DecisionDoesNotFit {
                child: name,
                why: "only a step-down to a child in need plan carries actions over. Record the step-down decision first.",
            });
        }
        actions.sort_unstable();
        actions.dedup();
        self.carried_over.retain(|c| &c.child != child);
        self.carried_over.push(CarriedOver { child: child.clone(), actions });
        Ok(())
    }

    /// PLAN-05: the actions chosen to carry over at the child's step-down, when they were chosen.
    pub fn carried_over_for(&self, child: &ChildId) -> Option<&[u32]> {
        self.carried_over.iter().find(|c| &c.child == child).map(|c| c.actions.as_slice())
    }

    pub fn decisions(&self) -> &[ChildDecision] {
        &self.decisions
    }
    pub fn decision_for(&self, child: &ChildId) -> Option<&ChildDecision> {
        self.decisions.iter().find(|d| &d.child == child)
    }

    /// DEC-04: the chair records a recommendation that the authority consider legal action.
    pub fn recommend_legal_action(
        &mut self,
        who: &Acting,
        children: Vec<ChildId>,
        action: LegalAction,
        reasons: &str,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "record a recommendation")?;
        self.require_state(
            &[ConferenceState::InProgress],
            "record a recommendation",
            "Recommendations are made in the meeting.",
        )?;
        if children.is_empty() {
            return Err(ConferenceError::Missing { what: "which children the recommendation is about" });
        }
        for c in &children {
            self.child(c)?;
        }
        if reasons.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reasons for the recommendation" });
        }
        self.legal_recommendations.push(LegalRecommendation {
            children,
            action,
            reasons: reasons.trim().to_owned(),
            at: now,
        });
        Ok(())
    }

    pub fn legal_recommendations(&self) -> &[LegalRecommendation] {
        &self.legal_recommendations
    }

    /// DIS-01/02: the chair records a professional's dissent: only from a professional
    /// recorded as present, only while the conference is in progress, and only after the
    /// chair has discussed it with them (their response is recorded with it).
    pub fn record_dissent(
        &mut self,
        who: &Acting,
        input: DissentInput,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require_state(
            &[ConferenceState::InProgress],
            "record dissent",
            "Dissent is recorded during the conference. Afterwards, raise the disagreement through the authority's escalation procedure.",
        )?;
        self.require(who, Duty::Chair, "record a professional's dissent")?;
        let name = self.professional(&input.professional)?.name.clone();
        if !self.is_present(&Person::Professional(input.professional.clone())) {
            return Err(ConferenceError::DissentFromNonAttendee { name });
        }
        if let Some(c) = &input.child {
            self.child(c)?;
        }
        if !input.discussed_with_chair || input.chair_response.trim().is_empty() {
            return Err(ConferenceError::DissentNotDiscussed);
        }
        if input.reasons.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the professional's reasons for dissent" });
        }
        self.dissents.push(Dissent {
            professional: input.professional,
            child: input.child,
            reasons: input.reasons.trim().to_owned(),
            chair_response: input.chair_response.trim().to_owned(),
            at: now,
            escalate: policy.escalate_dissent,
            escalated_at: None,
        });
        Ok(())
    }

    /// DIS-02: the store calls this once the safeguarding manager has been notified.
    pub fn mark_dissent_escalated(&mut self, who: &Acting, index: usize, now: DateTime<Utc>) -> Outcome {
        self.require(who, Duty::Coordinate, "mark a dissent as escalated")?;
        let d = self.dissents.get_mut(index).ok_or(ConferenceError::NotFound { what: "dissent" })?;
        d.escalated_at = Some(now);
        Ok(())
    }

    /// DIS-02: marks every dissent still to be escalated as escalated at `now`; the store calls
    /// this in the transaction that writes the notification to the named managers, and only
    /// when there is someone to tell. Returns how many.
    pub fn escalate_dissents(&mut self, now: DateTime<Utc>) -> usize {
        let mut n = 0;
        for d in self.dissents.iter_mut().filter(|d| d.escalate && d.escalated_at.is_none()) {
            d.escalated_at = Some(now);
            n += 1;
        }
        n
    }

    pub fn dissents(&self) -> &[Dissent] {
        &self.dissents
    }

    /// DIS-02: dissents the safeguarding manager is still to be told about.
    pub fn dissents_to_escalate(&self) -> Vec<(usize, &Dissent)> {
        self.dissents.iter().enumerate().filter(|(_, d)| d.escalate && d.escalated_at.is_none()).collect()
    }

    /// Closes the conference (DEC-05): every child decided, every letter, drawing and
    /// recording presented (INV-07), the next review set no later than REV-01 allows (the
    /// chair may choose earlier, REV-02), and the outcome due in writing within policy.
    /// Children who attended are flagged for a version written for them (CHILD-04).
    pub fn close(
        &mut self,
        who: &Acting,
        next_review_on: Option<NaiveDate>,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "close the conference")?;
        self.require_state(
            &[ConferenceState::InProgress],
            "close the conference",
            "Only a conference in progress can be closed.",
        )?;
        let undecided: Vec<String> =
            self.children.iter().filter(|c| self.decision_for(&c.child_id).is_none()).map(|c| c.name.clone()).collect();
        if !undecided.is_empty() {
            return Err(ConferenceError::ChildrenUndecided { names: undecided.join(", ") });
        }
        if let Some(v) = self.views_not_presented().first() {
            let what = format!("{} from {}", v.given.form.label(), self.name_of(&v.given.whose));
            return Err(ConferenceError::ViewsNotPresented { what });
        }
        let held_on = self.date().ok_or(ConferenceError::WrongState {
            action: "close the conference",
            state: self.state,
            hint: "It has no date.",
        })?;
        let any_plan = self.decisions.iter().any(|d| d.outcome.is_child_protection_plan());
        let next_review = if any_plan {
            let latest = review_due_by(self.kind, held_on).ok_or(ConferenceError::BadDate {
                what: "The conference date",
                date: held_on,
                problem: "is out of range",
            })?;
            let on = next_review_on.unwrap_or(latest);
            if on > latest {
                return Err(ConferenceError::NextReviewTooLate { latest });
            }
            if on <= held_on {
                return Err(ConferenceError::BadDate {
                    what: "The next review date",
                    date: on,
                    problem: "is not after this conference",
                });
            }
            Some(NextReview { latest, on })
        } else {
            None
        };
        self.young_person_versions = self
            .children
            .iter()
            .filter(|c| self.is_present(&Person::Child(c.child_id.clone())))
            .map(|c| YoungPersonVersion { child: c.child_id.clone(), written: None, sent_on: None })
            .collect();
        self.next_review = next_review;
        self.outcome_due_by = DeadlineRule::OutcomeSent.due_date(held_on, calendar, policy);
        self.closed_at = Some(now);
        self.state = ConferenceState::Closed;
        Ok(())
    }

    pub fn next_review(&self) -> Option<NextReview> {
        self.next_review
    }

    /// DEC-05: the day the outcome must be with parents and professionals in writing.
    pub fn outcome_due_by(&self) -> Option<NaiveDate> {
        self.outcome_due_by
    }

    /// DEC-05: records that the written outcome went to someone on `on` (not after `today`).
    /// Sent after the day it was due, it needs the reason for the delay from the list, with
    /// the free text "Other" needs (as every missed deadline does, TIME-01); sent in time, any
    /// reason given is not kept.
    pub fn record_outcome_sent(
        &mut self,
        who: &Acting,
        recipient: Recipient,
        on: NaiveDate,
        today: NaiveDate,
        late_reason: Option<LateReasonRecord>,
    ) -> Outcome {
        self.require(who, Duty::Coordinate, "record that the outcome was sent")?;
        self.require_state(
            &[ConferenceState::Closed],
            "send the outcome",
            "The outcome is sent once the conference has closed.",
        )?;
        self.check_recipient(&recipient)?;
        if on > today {
            return Err(ConferenceError::BadDate {
                what: "The date the outcome was sent",
                date: on,
                problem: "is in the future",
            });
        }
        if let Some(held) = self.date() {
            if on < held {
                return Err(ConferenceError::BadDate {
                    what: "The date the outcome was sent",
                    date: on,
                    problem: "is before the conference was held",
                });
            }
        }
        let due_by = self.outcome_due_by;
        let late = due_by.is_some_and(|by| on > by);
        let late_reason = match (late, late_reason, due_by) {
            (false, _, _) | (true, _, None) => None,
            (true, None, Some(due_by)) => return Err(ConferenceError::OutcomeLateWithoutReason { due_by }),
            (true, Some(r), Some(_)) => Some(
                // The record is checked again here: an API client can send any reason.
                LateReasonRecord::new(r.reason, &r.details)
                    .map_err(|e| ConferenceError::BadLateReason { why: e.to_string() })?,
            ),
        };
        self.outcome_sent.push(OutcomeSent { recipient, on, late, late_reason });
        Ok(())
    }

    pub fn outcome_sent(&self) -> &[OutcomeSent] {
        &self.outcome_sent
    }

    /// DEC-05: invited parents, carers and professionals the written outcome has not reached.
    pub fn outcome_not_sent(&self) -> Vec<Recipient> {
        self.invitations
            .iter()
            .filter_map(|i| match i.person()? {
                Person::FamilyMember(a) => Some(Recipient::FamilyMember(a)),
                Person::Professional(p) => Some(Recipient::Professional(p)),
                Person::Child(_) => None,
            })
            .filter(|r| !self.outcome_sent.iter().any(|s| &s.recipient == r))
            .collect()
    }
}

#[cfg(test)]
mod nation_words_tests {
    use super::*;
    use crate::words::Words;
    use crate::Nation;

    #[test]
    fn dec_01_each_nation_describes_the_decision_in_its_own_words() {
        let plan = ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect };
        let ended = ChildOutcome::EndPlanNoFurtherPlan;
        let england = Words::of(Nation::England);
        assert_eq!(plan.describe_in(england), plan.describe());
        assert_eq!(ended.describe_in(england), ended.describe());
        for n in [Nation::Wales, Nation::Scotland, Nation::NorthernIreland] {
            let w = Words::of(n);
            assert_eq!(
                plan.describe_in(w),
                format!("{}; the child's name is placed on the child protection register", plan.describe()),
                "{n:?}"
            );
            assert!(ended.describe_in(w).ends_with("removed from the child protection register"), "{n:?}");
            assert_eq!(ChildOutcome::ChildInNeedPlan.describe_in(w), "A child in need plan");
        }
    }
}
