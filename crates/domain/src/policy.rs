//! Per-authority policy: the values DOMAIN.md marks "policy", with the defaults to ship for
//! each nation and where each default comes from, kept as a history of versions each effective
//! from a date.
//!
//! The timescales' defaults and sources live once, in [`crate::timescales::RULES`]; this module
//! holds the values an authority has chosen. A deadline is computed with the version in force
//! on its trigger date and stored, so a later version never rewrites it.

use crate::timescales::{DeadlineRule, TimeUnit, Timescale};
use crate::Nation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What to do when a conference is not quorate (INV-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InquorateDecision {
    /// The chair may decide a plan if they record why.
    AllowWithReason,
    /// No plan may be decided without a quorum.
    Refuse,
}

/// The policy values an authority may set. `Default` gives England's defaults;
/// [`Policy::default_for`] gives each nation's.
///
/// Several older fields are named `..._working_days`: they hold the *amount*, and the sibling
/// `..._unit` field its unit (working days by default; an authority may choose calendar days,
/// weeks or months). Read timescales through [`Policy::timescale`], which pairs them.
/// Fields missing from stored JSON take England's defaults (`#[serde(default)]`), so adding a
/// field never breaks reading an older version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// CHILD-01: the age from which a child may attend (default 12).
    pub child_attendance_age: u32,
    /// CHILD-01: whether a parent's agreement is needed for the child to attend.
    pub child_attendance_needs_parent_agreement: bool,
    /// INV-03: agencies needed for a quorum (one must be children's social care).
    pub quorum_agencies: u32,
    pub inquorate_decision: InquorateDecision,
    /// INV-05: notice of a supporter or solicitor before the conference (amount).
    pub supporter_notice_working_days: u32,
    pub supporter_notice_unit: TimeUnit,
    /// REP-01: how long before the conference reports are shared with parents (amount).
    pub report_share_working_days: u32,
    pub report_share_unit: TimeUnit,
    /// REP-02: how long before the conference reports reach the chair (amount).
    pub report_to_chair_working_days: u32,
    pub report_to_chair_unit: TimeUnit,
    /// DEC-05: time to send the outcome in writing (amount).
    pub outcome_working_days: u32,
    pub outcome_unit: TimeUnit,
    /// MIN-03: time to send the record (amount).
    pub record_working_days: u32,
    pub record_unit: TimeUnit,
    /// TIME-02: time from notification to a transfer-in conference (amount).
    pub transfer_in_working_days: u32,
    pub transfer_in_unit: TimeUnit,
    /// TIME-03: weeks of gestation by which a pre-birth conference is held.
    pub pre_birth_by_gestation_weeks: u32,
    /// CG-02: time from the ICPC to the first core group (amount).
    pub first_core_group_working_days: u32,
    pub first_core_group_unit: TimeUnit,
    /// CG-02: time between core group meetings (amount; weeks by default).
    pub core_group_interval_weeks: u32,
    pub core_group_interval_unit: TimeUnit,
    /// Working days before a deadline from which it shows as "at risk".
    pub at_risk_days: u32,
    /// DIS-02: whether dissent is escalated to the safeguarding manager.
    pub escalate_dissent: bool,
    /// TIME-01: the initial conference after the strategy discussion (Scotland: the concern).
    pub initial_conference: Timescale,
    /// TIME-03: never later than this before the expected date of delivery.
    pub pre_birth_latest_before_delivery: Timescale,
    /// TIME-03 (Scotland): the pre-birth meeting after the concern is raised.
    pub pre_birth_after_concern: Option<Timescale>,
    /// INV-01 (Scotland): notice of the conference to participants.
    pub participant_notice: Option<Timescale>,
    /// INV-03 (Scotland): an inquorate conference reconvened.
    pub inquorate_reconvene: Option<Timescale>,
    /// CG-03 (Scotland): a significant change reported by the core group to the chair.
    pub significant_change_to_chair: Option<Timescale>,
    /// REV-01: the first review after the initial or transfer-in conference.
    pub first_review: Timescale,
    /// REV-01: later reviews after the previous one.
    pub next_review: Timescale,
    /// PLAN-04: between child in need plan reviews.
    pub child_in_need_review: Timescale,
    /// RIGHT-01: answering a subject access request.
    pub subject_access: Timescale,
    /// RIGHT-01: the extension added to the first deadline of a complex request.
    pub subject_access_extension: Timescale,
    /// RIGHT-02: complaint stages (`None`: the authority has no such stage).
    pub complaint_stage_one: Option<Timescale>,
    pub complaint_stage_two: Option<Timescale>,
    pub complaint_stage_three: Option<Timescale>,
}

impl Default for Policy {
    /// England's defaults.
    fn default() -> Self {
        Policy::default_for(Nation::England)
    }
}

/// A policy value that is not a timescale, with where its default comes from. (Timescales
/// carry theirs in [`crate::timescales::RULES`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingInfo {
    pub field: &'static str,
    pub rule_id: &'static str,
    pub meaning: &'static str,
    /// Where the shipped default comes from; no nation differs from it.
    pub source: &'static str,
}

/// The non-timescale policy values: meaning and source of each default.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        field: "child_attendance_age",
        rule_id: "CHILD-01",
        meaning: "The age from which a child may attend at least part of the conference.",
        source: "local policy (Gateshead 12, Redbridge 10); confer ships 12",
    },
    SettingInfo {
        field: "child_attendance_needs_parent_agreement",
        rule_id: "CHILD-01",
        meaning: "Whether a parent must agree before the child attends.",
        source: "local policy; confer ships no",
    },
    SettingInfo {
        field: "quorum_agencies",
        rule_id: "INV-03",
        meaning: "How many agencies with relevant knowledge make a quorum (one must be children's social care).",
        source:
            "DOMAIN.md INV-03: at least three agencies (Scotland: the core agencies social work, health and police)",
    },
    SettingInfo {
        field: "inquorate_decision",
        rule_id: "INV-03",
        meaning: "Whether an inquorate conference may decide a plan if the chair records why.",
        source: "local policy; confer ships allow with a recorded reason",
    },
    SettingInfo {
        field: "at_risk_days",
        rule_id: "QA-02",
        meaning: "Working days before a deadline from which it shows as at risk.",
        source: "confer's own default: 3 working days",
    },
    SettingInfo {
        field: "escalate_dissent",
        rule_id: "DIS-02",
        meaning: "Whether a professional's dissent is escalated to the safeguarding manager.",
        source: "local policy; confer ships yes",
    },
];

/// What is wrong with a policy or a policy history, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("\"{rule}\" must have a timescale: give an amount and a unit")]
    TimescaleRequired { rule: &'static str },
    #[error("the pre-birth timescale is a week of pregnancy: give it in weeks, from 1 to 40 (you gave {given})")]
    GestationWeeks { given: Timescale },
    #[error("the age from which a child may attend must be 18 or under (you gave {given})")]
    ChildAttendanceAge { given: u32 },
    #[error("a quorum needs at least one agency (you gave {given})")]
    QuorumAgencies { given: u32 },
    #[error("a policy version already takes effect on {date}: choose another date, or change that version")]
    DuplicateEffectiveDate { date: NaiveDate },
    #[error("a policy history needs at least one version")]
    NoVersions,
}

impl Policy {
    /// The defaults for an authority of `nation`: timescales from the rules table, other values
    /// from [`SETTINGS`].
    pub fn default_for(nation: Nation) -> Policy {
        // Rules that every nation must have a timescale for have one in every column of RULES
        // (a test proves it); the fallback is never used.
        let required = |rule: DeadlineRule| rule.default_for(nation).unwrap_or(Timescale::working_days(0));
        let optional = |rule: DeadlineRule| rule.default_for(nation);
        let supporter = required(DeadlineRule::SupporterNotice);
        let share = required(DeadlineRule::ReportsToParents);
        let chair = required(DeadlineRule::ReportsToChair);
        let outcome = required(DeadlineRule::OutcomeSent);
        let record = required(DeadlineRule::RecordSent);
        let transfer = required(DeadlineRule::TransferInConference);
        let first_core = required(DeadlineRule::FirstCoreGroup);
        let interval = required(DeadlineRule::NextCoreGroup);
        Policy {
            child_attendance_age: 12,
            child_attendance_needs_parent_agreement: false,
            quorum_agencies: 3,
            inquorate_decision: InquorateDecision::AllowWithReason,
            supporter_notice_working_days: supporter.amount,
            supporter_notice_unit: supporter.unit,
            report_share_working_days: share.amount,
            report_share_unit: share.unit,
            report_to_chair_working_days: chair.amount,
            report_to_chair_unit: chair.unit,
            outcome_working_days: outcome.amount,
            outcome_unit: outcome.unit,
            record_working_days: record.amount,
            record_unit: record.unit,
            transfer_in_working_days: transfer.amount,
            transfer_in_unit: transfer.unit,
            pre_birth_by_gestation_weeks: required(DeadlineRule::PreBirthConference).amount,
            first_core_group_working_days: first_core.amount,
            first_core_group_unit: first_core.unit,
            core_group_interval_weeks: interval.amount,
            core_group_interval_unit: interval.unit,
            at_risk_days: 3,
            escalate_dissent: true,
            initial_conference: required(DeadlineRule::InitialConference),
            pre_birth_latest_before_delivery: required(DeadlineRule::PreBirthLatest),
            pre_birth_after_concern: optional(DeadlineRule::PreBirthAfterConcern),
            participant_notice: optional(DeadlineRule::ParticipantNotice),
            inquorate_reconvene: optional(DeadlineRule::InquorateReconvened),
            significant_change_to_chair: optional(DeadlineRule::SignificantChangeToChair),
            first_review: required(DeadlineRule::FirstReview),
            next_review: required(DeadlineRule::NextReview),
            child_in_need_review: required(DeadlineRule::ChildInNeedReview),
            subject_access: required(DeadlineRule::SubjectAccess),
            subject_access_extension: required(DeadlineRule::SubjectAccessExtended),
            complaint_stage_one: optional(DeadlineRule::ComplaintStageOne),
            complaint_stage_two: optional(DeadlineRule::ComplaintStageTwo),
            complaint_stage_three: optional(DeadlineRule::ComplaintStageThree),
        }
    }

    /// The timescale this policy sets for `rule`; `None` means no deadline. For TIME-03
    /// [`DeadlineRule::PreBirthConference`] the amount is the week of pregnancy.
    pub fn timescale(&self, rule: DeadlineRule) -> Option<Timescale> {
        use DeadlineRule as R;
        let pair = |amount: u32, unit: TimeUnit| Some(Timescale::new(amount, unit));
        match rule {
            R::InitialConference => Some(self.initial_conference),
            R::TransferInConference => pair(self.transfer_in_working_days, self.transfer_in_unit),
            R::PreBirthConference => Some(Timescale::weeks(self.pre_birth_by_gestation_weeks)),
            R::PreBirthLatest => Some(self.pre_birth_latest_before_delivery),
            R::PreBirthAfterConcern => self.pre_birth_after_concern,
            R::ParticipantNotice => self.participant_notice,
            R::SupporterNotice => pair(self.supporter_notice_working_days, self.supporter_notice_unit),
            R::InquorateReconvened => self.inquorate_reconvene,
            R::ReportsToParents => pair(self.report_share_working_days, self.report_share_unit),
            R::ReportsToChair => pair(self.report_to_chair_working_days, self.report_to_chair_unit),
            R::OutcomeSent => pair(self.outcome_working_days, self.outcome_unit),
            R::RecordSent => pair(self.record_working_days, self.record_unit),
            R::FirstCoreGroup => pair(self.first_core_group_working_days, self.first_core_group_unit),
            R::NextCoreGroup => pair(self.core_group_interval_weeks, self.core_group_interval_unit),
            R::SignificantChangeToChair => self.significant_change_to_chair,
            R::FirstReview => Some(self.first_review),
            R::NextReview => Some(self.next_review),
            R::ChildInNeedReview => Some(self.child_in_need_review),
            R::SubjectAccess => Some(self.subject_access),
            R::SubjectAccessExtended => Some(self.subject_access_extension),
            R::ComplaintStageOne => self.complaint_stage_one,
            R::ComplaintStageTwo => self.complaint_stage_two,
            R::ComplaintStageThree => self.complaint_stage_three,
        }
    }

    /// Sets the timescale of `rule` (`None`: no deadline, where the rule allows none). Refuses
    /// `None` for a rule that must have a deadline, and a pre-birth gestation not in weeks 1-40.
    pub fn set_timescale(&mut self, rule: DeadlineRule, timescale: Option<Timescale>) -> Result<(), PolicyError> {
        use DeadlineRule as R;
        fn need(rule: DeadlineRule, t: Option<Timescale>) -> Result<Timescale, PolicyError> {
            t.ok_or(PolicyError::TimescaleRequired { rule: rule.label() })
        }
        fn pair(amount: &mut u32, unit: &mut TimeUnit, t: Timescale) {
            *amount = t.amount;
            *unit = t.unit;
        }
        match rule {
            R::InitialConference => self.initial_conference = need(rule, timescale)?,
            R::TransferInConference => {
                pair(&mut self.transfer_in_working_days, &mut self.transfer_in_unit, need(rule, timescale)?)
            }
            R::PreBirthConference => {
                let t = need(rule, timescale)?;
                if t.unit != TimeUnit::Weeks || !(1..=40).contains(&t.amount) {
                    return Err(PolicyError::GestationWeeks { given: t });
                }
                self.pre_birth_by_gestation_weeks = t.amount;
            }
            R::PreBirthLatest => self.pre_birth_latest_before_delivery = need(rule, timescale)?,
            R::PreBirthAfterConcern => self.pre_birth_after_concern = timescale,
            R::ParticipantNotice => self.participant_notice = timescale,
            R::SupporterNotice => {
                pair(&mut self.supporter_notice_working_days, &mut self.supporter_notice_unit, need(rule, timescale)?)
            }
            R::InquorateReconvened => self.inquorate_reconvene = timescale,
            R::ReportsToParents => {
                pair(&mut self.report_share_working_days, &mut self.report_share_unit, need(rule, timescale)?)
            }
            R::ReportsToChair => {
                pair(&mut self.report_to_chair_working_days, &mut self.report_to_chair_unit, need(rule, timescale)?)
            }
            R::OutcomeSent => pair(&mut self.outcome_working_days, &mut self.outcome_unit, need(rule, timescale)?),
            R::RecordSent => pair(&mut self.record_working_days, &mut self.record_unit, need(rule, timescale)?),
            R::FirstCoreGroup => {
                pair(&mut self.first_core_group_working_days, &mut self.first_core_group_unit, need(rule, timescale)?)
            }
            R::NextCoreGroup => {
                pair(&mut self.core_group_interval_weeks, &mut self.core_group_interval_unit, need(rule, timescale)?)
            }
            R::SignificantChangeToChair => self.significant_change_to_chair = timescale,
            R::FirstReview => self.first_review = need(rule, timescale)?,
            R::NextReview => self.next_review = need(rule, timescale)?,
            R::ChildInNeedReview => self.child_in_need_review = need(rule, timescale)?,
            R::SubjectAccess => self.subject_access = need(rule, timescale)?,
            R::SubjectAccessExtended => self.subject_access_extension = need(rule, timescale)?,
            R::ComplaintStageOne => self.complaint_stage_one = timescale,
            R::ComplaintStageTwo => self.complaint_stage_two = timescale,
            R::ComplaintStageThree => self.complaint_stage_three = timescale,
        }
        Ok(())
    }

    /// Whether a rule may have no deadline in this policy (the nation sets none somewhere).
    pub fn timescale_is_optional(rule: DeadlineRule) -> bool {
        let mut probe = Policy::default();
        probe.set_timescale(rule, None).is_ok()
    }

    /// Checks the values a form or import may have got wrong.
    pub fn check(&self) -> Result<(), PolicyError> {
        if self.child_attendance_age > 18 {
            return Err(PolicyError::ChildAttendanceAge { given: self.child_attendance_age });
        }
        if self.quorum_agencies == 0 {
            return Err(PolicyError::QuorumAgencies { given: 0 });
        }
        if !(1..=40).contains(&self.pre_birth_by_gestation_weeks) {
            return Err(PolicyError::GestationWeeks { given: Timescale::weeks(self.pre_birth_by_gestation_weeks) });
        }
        Ok(())
    }
}

/// One version of an authority's policy and the day it takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub effective_from: NaiveDate,
    pub policy: Policy,
    /// Why it changed (for the audit trail and the policy page).
    pub reason: String,
}

/// An authority's policy over time: versions sorted by the day each takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyHistory {
    nation: Nation,
    versions: Vec<PolicyVersion>,
}

/// The `effective_from` of the shipped defaults in a new history: before any date confer records.
pub fn defaults_effective_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl PolicyHistory {
    /// A history holding the nation's shipped defaults only.
    pub fn new(nation: Nation) -> Self {
        PolicyHistory {
            nation,
            versions: vec![PolicyVersion {
                effective_from: defaults_effective_from(),
                policy: Policy::default_for(nation),
                reason: format!("The defaults confer ships for {}", nation.label()),
            }],
        }
    }

    /// A history from stored versions, in any order. Refuses an empty list, two versions on one
    /// day, and any version whose values fail [`Policy::check`].
    pub fn from_versions(nation: Nation, mut versions: Vec<PolicyVersion>) -> Result<Self, PolicyError> {
        if versions.is_empty() {
            return Err(PolicyError::NoVersions);
        }
        versions.sort_by_key(|v| v.effective_from);
        if let Some(pair) = versions.windows(2).find(|w| w[0].effective_from == w[1].effective_from) {
            return Err(PolicyError::DuplicateEffectiveDate { date: pair[0].effective_from });
        }
        for v in &versions {
            v.policy.check()?;
        }
        Ok(PolicyHistory { nation, versions })
    }

    pub fn nation(&self) -> Nation {
        self.nation
    }

    pub fn versions(&self) -> &[PolicyVersion] {
        &self.versions
    }

    /// Adds a version. Deadlines already set are not touched: callers stored their due dates.
    /// A back-dated version only affects deadlines computed from now on for earlier triggers.
    pub fn add_version(&mut self, version: PolicyVersion) -> Result<(), PolicyError> {
        version.policy.check()?;
        let at = self.versions.partition_point(|v| v.effective_from < version.effective_from);
        if self.versions.get(at).is_some_and(|v| v.effective_from == version.effective_from) {
            return Err(PolicyError::DuplicateEffectiveDate { date: version.effective_from });
        }
        self.versions.insert(at, version);
        Ok(())
    }

    /// The version in force on `date`: the latest that took effect on or before it. A date
    /// before every version gets the earliest: the oldest policy known is the best guess.
    pub fn version_in_force(&self, date: NaiveDate) -> &PolicyVersion {
        let after = self.versions.partition_point(|v| v.effective_from <= date);
        &self.versions[after.saturating_sub(1)]
    }

    /// The policy in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> &Policy {
        &self.version_in_force(date).policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn default_is_england_and_keeps_the_old_values() {
        let p = Policy::default();
        assert_eq!(p, Policy::default_for(Nation::England));
        assert_eq!(p.child_attendance_age, 12);
        assert_eq!(p.supporter_notice_working_days, 2);
        assert_eq!(p.report_share_working_days, 2);
        assert_eq!(p.report_to_chair_working_days, 3);
        assert_eq!(p.outcome_working_days, 1);
        assert_eq!(p.record_working_days, 15);
        assert_eq!(p.transfer_in_working_days, 15);
        assert_eq!(p.pre_birth_by_gestation_weeks, 28);
        assert_eq!(p.first_core_group_working_days, 10);
        assert_eq!(p.core_group_interval_weeks, 6);
        assert_eq!(p.core_group_interval_unit, TimeUnit::Weeks);
        assert_eq!(p.at_risk_days, 3);
        assert!(p.check().is_ok());
    }

    #[test]
    fn every_rule_that_needs_a_timescale_has_one_in_every_nation() {
        for rule in DeadlineRule::ALL {
            if !Policy::timescale_is_optional(*rule) {
                for nation in Nation::ALL {
                    assert!(rule.default_for(*nation).is_some(), "{rule} in {nation}");
                }
            }
        }
    }

    #[test]
    fn set_then_read_gives_back_every_timescale_in_every_unit() {
        for rule in DeadlineRule::ALL {
            for unit in TimeUnit::ALL {
                let mut p = Policy::default_for(Nation::Scotland);
                let t = Timescale::new(7, *unit);
                match p.set_timescale(*rule, Some(t)) {
                    Ok(()) => assert_eq!(p.timescale(*rule), Some(t), "{rule} {unit}"),
                    Err(e) => {
                        assert_eq!(*rule, DeadlineRule::PreBirthConference);
                        assert!(e.to_string().contains("weeks"), "{e}");
                    }
                }
            }
            let mut p = Policy::default();
            if p.set_timescale(*rule, None).is_ok() {
                assert_eq!(p.timescale(*rule), None);
            }
        }
    }

    #[test]
    fn stored_json_missing_new_fields_still_reads() {
        let p: Policy = serde_json::from_str(r#"{"child_attendance_age": 10}"#).unwrap();
        assert_eq!(p.child_attendance_age, 10);
        assert_eq!(p.record_working_days, 15);
        let round: Policy =
            serde_json::from_str(&serde_json::to_string(&Policy::default_for(Nation::Scotland)).unwrap()).unwrap();
        assert_eq!(round, Policy::default_for(Nation::Scotland));
    }

    #[test]
    fn in_force_picks_the_version_by_date() {
        let mut h = PolicyHistory::new(Nation::England);
        let stricter = Policy { record_working_days: 10, ..Policy::default() };
        h.add_version(PolicyVersion {
            effective_from: d(2026, 4, 1),
            policy: stricter,
            reason: "Faster records".into(),
        })
        .unwrap();
        assert_eq!(h.in_force(d(2026, 3, 31)).record_working_days, 15);
        assert_eq!(h.in_force(d(2026, 4, 1)).record_working_days, 10);
        assert_eq!(h.in_force(d(1800, 1, 1)).record_working_days, 15);
        let again = PolicyVersion { effective_from: d(2026, 4, 1), policy: Policy::default(), reason: String::new() };
        assert_eq!(h.add_version(again), Err(PolicyError::DuplicateEffectiveDate { date: d(2026, 4, 1) }));
        assert_eq!(PolicyHistory::from_versions(Nation::Wales, vec![]), Err(PolicyError::NoVersions));
    }

    #[test]
    fn checks_refuse_impossible_values_with_what_to_fix() {
        let p = Policy { child_attendance_age: 30, ..Policy::default() };
        assert!(p.check().unwrap_err().to_string().contains("18 or under"));
        let mut p = Policy::default();
        assert!(p
            .set_timescale(DeadlineRule::RecordSent, None)
            .unwrap_err()
            .to_string()
            .contains("must have a timescale"));
        assert!(p.set_timescale(DeadlineRule::PreBirthConference, Some(Timescale::weeks(41))).is_err());
    }
}
