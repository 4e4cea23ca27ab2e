//! Each nation's own decisions beside DEC-01 (issue 15; NATIONS.md rows "also decided" and
//! "parents may appeal the decision"), held as data per nation with the source of each value,
//! so no page or operation asks `if nation == ...`: they ask what the nation's data says.
//!
//! - Scotland: each CPPM decides, per child, whether a referral to the Principal Reporter (the
//!   Children's Reporter, SCRA) is or is not required, and why.
//! - Northern Ireland: a parent (or another eligible person) may appeal a CPCC's decision about
//!   the register, through stages to a final outcome ([`crate::appeal`]).

use crate::Nation;

/// Scotland: the CPPM records whether the child is referred to the Children's Reporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReporterReferralRule {
    /// Where the rule comes from.
    pub source: &'static str,
}

/// The stages of an appeal in the order they are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealProcedure {
    pub stages: &'static [crate::appeal::AppealStage],
    /// Days (calendar) after the conference within which an appeal is lodged; `None` where
    /// the source sets no limit we could confirm (the appeal is then never refused as late).
    pub lodge_within_days: Option<u32>,
    pub source: &'static str,
}

/// What a nation decides beside the plan, and how its decisions may be appealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationDecisions {
    /// Some: every child's decision records the Reporter referral (yes/no with reasons);
    /// None: the field is refused.
    pub reporter_referral: Option<ReporterReferralRule>,
    /// Some: the nation has a formal appeal against a conference's decision; None: parents
    /// challenge a decision through the complaints procedure (RIGHT-02) instead.
    pub appeal: Option<AppealProcedure>,
}

/// National Guidance for Child Protection in Scotland 2021 (updated 2023), part 3, "Child
/// protection assessment and planning", para 3.133: "CPPMs must consider whether a referral to
/// the Principal Reporter is/is not required if this has not already been done"; a decision to
/// refer is actioned straight away. (gov.scot/publications/national-guidance-child-protection-
/// scotland-2021-updated-2023, part 3; checked December 2026.)
const SCOTLAND_REPORTER: ReporterReferralRule = ReporterReferralRule {
    source: "National Guidance for Child Protection in Scotland 2021 (updated 2023), para 3.133",
};

/// SBNI Regional Core Child Protection Policy and Procedures, "Appeals Process in Relation to a
/// Child Protection Registration" (proceduresonline.com/sbni/p_appeals_cpcc.html, updated
/// December 2023): for decisions to place a child's name on the register or remove it; eligible
/// are a parent, a person with parental responsibility, a primary carer invited to the CPCC,
/// and the child according to age and understanding; the four criteria are in
/// [`crate::appeal::AppealGround`]; the appeal cannot itself change the CPCC's decision, which
/// stands while the appeal is considered. The stages below (the chair's review, then the Trust's
/// senior manager, then an appeal panel) follow the brief's reading of the procedure: *(check)*
/// the stage names and any time limits against the full chapter, which the stored copy cut
/// short; no time limit is enforced until confirmed.
const NORTHERN_IRELAND_APPEAL: AppealProcedure = AppealProcedure {
    stages: &[
        crate::appeal::AppealStage::ChairReview,
        crate::appeal::AppealStage::SeniorManagerReview,
        crate::appeal::AppealStage::AppealPanel,
    ],
    lodge_within_days: None,
    source: "SBNI Core Child Protection Policy and Procedures: Appeals Process in Relation to a Child Protection Registration (December 2023)",
};

impl NationDecisions {
    pub fn for_nation(nation: Nation) -> &'static NationDecisions {
        const NONE: NationDecisions = NationDecisions { reporter_referral: None, appeal: None };
        const SCOTLAND: NationDecisions = NationDecisions { reporter_referral: Some(SCOTLAND_REPORTER), appeal: None };
        const NORTHERN_IRELAND: NationDecisions =
            NationDecisions { reporter_referral: None, appeal: Some(NORTHERN_IRELAND_APPEAL) };
        match nation {
            Nation::England | Nation::Wales => &NONE,
            Nation::Scotland => &SCOTLAND,
            Nation::NorthernIreland => &NORTHERN_IRELAND,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scotland_asks_for_the_reporter_and_only_northern_ireland_has_an_appeal() {
        for n in Nation::ALL {
            let d = NationDecisions::for_nation(*n);
            assert_eq!(d.reporter_referral.is_some(), *n == Nation::Scotland, "{n}");
            assert_eq!(d.appeal.is_some(), *n == Nation::NorthernIreland, "{n}");
        }
        assert_eq!(NationDecisions::for_nation(Nation::NorthernIreland).appeal.unwrap().stages.len(), 3);
    }
}
