//! Per-authority policy: the values DOMAIN.md marks "policy", with the defaults to ship.
//! (The timescales work makes these effective-dated with a source and a history.)

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

/// The policy values an authority may set. `Default` gives the values DOMAIN.md ships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// CHILD-01: the age from which a child may attend (default 12).
    pub child_attendance_age: u32,
    /// CHILD-01: whether a parent's agreement is needed for the child to attend.
    pub child_attendance_needs_parent_agreement: bool,
    /// INV-03: agencies needed for a quorum (one must be children's social care).
    pub quorum_agencies: u32,
    pub inquorate_decision: InquorateDecision,
    /// INV-05: working days' notice of a supporter or solicitor before the conference.
    pub supporter_notice_working_days: u32,
    /// REP-01: working days before the conference that reports are shared with parents.
    pub report_share_working_days: u32,
    /// REP-02: working days before the conference that reports reach the chair.
    pub report_to_chair_working_days: u32,
    /// DEC-05: working days to send the outcome in writing.
    pub outcome_working_days: u32,
    /// MIN-03: working days to send the record.
    pub record_working_days: u32,
    /// TIME-02: working days from notification to a transfer-in conference.
    pub transfer_in_working_days: u32,
    /// TIME-03: weeks of gestation by which a pre-birth conference is held.
    pub pre_birth_by_gestation_weeks: u32,
    /// CG-02: working days from the ICPC to the first core group.
    pub first_core_group_working_days: u32,
    /// CG-02: weeks between core group meetings.
    pub core_group_interval_weeks: u32,
    /// Days before a deadline at which it shows as "at risk".
    pub at_risk_days: u32,
    /// DIS-02: whether dissent is escalated to the safeguarding manager.
    pub escalate_dissent: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            child_attendance_age: 12,
            child_attendance_needs_parent_agreement: false,
            quorum_agencies: 3,
            inquorate_decision: InquorateDecision::AllowWithReason,
            supporter_notice_working_days: 2,
            report_share_working_days: 2,
            report_to_chair_working_days: 3,
            outcome_working_days: 1,
            record_working_days: 15,
            transfer_in_working_days: 15,
            pre_birth_by_gestation_weeks: 28,
            first_core_group_working_days: 10,
            core_group_interval_weeks: 6,
            at_risk_days: 3,
            escalate_dissent: true,
        }
    }
}
