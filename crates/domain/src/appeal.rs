//! Northern Ireland: an appeal against a child protection case conference's decision about the
//! register (issue 15; the procedure and its source are in [`crate::nation_decisions`]).
//! Lodged by an eligible family member (by whom, when, on which grounds), taken through the
//! nation's stages, each with its outcome and date, to a final outcome. The conference's
//! decision stands while the appeal is considered: the appeal records, it changes nothing in
//! the conference itself.
//!
//! A state machine: each step says why it is refused when it does not fit.

use crate::model::UserId;
use crate::nation_decisions::NationDecisions;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A stage of the appeal (SBNI; see `nation_decisions`).
    pub enum AppealStage {
        ChairReview => "chair-review", "Review by the chair of the case conference";
        SeniorManagerReview => "senior-manager-review", "Review by the Trust's senior manager";
        AppealPanel => "appeal-panel", "Appeal panel";
    }
}

crate::text_enum! {
    /// SBNI's four criteria for an appeal.
    pub enum AppealGround {
        ProceduresNotFollowed => "procedures-not-followed", "The child protection procedures for the case conference were not followed";
        InformationInaccurate => "information-inaccurate", "Information at the case conference was inaccurate, incomplete or not properly considered";
        ThresholdNotMet => "threshold-not-met", "The threshold for registration or de-registration was not met";
        CategoryIncorrect => "category-incorrect", "The category of registration was not correct";
    }
}

crate::text_enum! {
    /// The outcome of one stage.
    pub enum StageOutcome {
        Upheld => "upheld", "Upheld";
        NotUpheld => "not-upheld", "Not upheld";
    }
}

crate::text_enum! {
    /// The appeal's final outcome.
    pub enum FinalOutcome {
        Upheld => "upheld", "Upheld: the decision is to be looked at again";
        NotUpheld => "not-upheld", "Not upheld: the decision stands";
        DecisionChanged => "decision-changed", "Upheld, and the decision was changed";
    }
}

/// Who lodged the appeal: a family member (an adult of the family), themselves through the
/// portal or through staff on their behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appellant {
    pub adult_id: String,
    pub logged_by_staff: Option<UserId>,
}

/// One stage taken, with its outcome once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTaken {
    pub stage: AppealStage,
    pub started_on: NaiveDate,
    pub outcome: Option<StageOutcome>,
    pub outcome_on: Option<NaiveDate>,
    pub reasons: String,
    pub recorded_by: Option<UserId>,
}

/// The final outcome, once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concluded {
    pub outcome: FinalOutcome,
    pub on: NaiveDate,
    pub reasons: String,
    pub by: UserId,
}

/// An appeal, kept whole with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub conference_id: String,
    pub appellant: Appellant,
    pub lodged_on: NaiveDate,
    pub grounds: Vec<AppealGround>,
    pub details: String,
    pub stages: Vec<StageTaken>,
    pub concluded: Option<Concluded>,
}

/// Why a step was refused, saying what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppealError {
    #[error("This authority's nation has no appeal against a conference's decision: a parent who disagrees may make a complaint instead")]
    NoAppealInNation,
    #[error("Only a conference that has made its decision can be appealed: this one has not decided yet")]
    NotDecided,
    #[error("Choose at least one ground for the appeal")]
    NoGrounds,
    #[error("Say why the decision is being appealed")]
    NoDetails,
    #[error("An appeal is lodged within {days} days of the conference: this one is {late} days late")]
    TooLate { days: u32, late: i64 },
    #[error("The appeal has its final outcome and can no longer be changed")]
    Concluded,
    #[error("The current stage ({stage}) has no outcome yet: record its outcome first")]
    StageOpen { stage: String },
    #[error("The current stage already has its outcome: move to the next stage or record the final outcome")]
    StageHasOutcome,
    #[error("{stage} is the last stage of the appeal: record the final outcome")]
    LastStage { stage: String },
    #[error("Write the reasons for the outcome")]
    NoReasons,
    #[error("The final outcome must follow the last stage's: that stage was {stage_outcome}")]
    OutcomeDoesNotFollow { stage_outcome: String },
    #[error("The appeal was changed on a date before it was lodged")]
    BeforeLodged,
    /// One appeal a conference: a second is refused (the store's unique index decides).
    #[error("An appeal against this conference's decision has already been lodged: add to its details through the staff who handle it")]
    AlreadyLodged,
}

pub type Outcome<T = ()> = Result<T, AppealError>;

impl Appeal {
    /// Lodges an appeal against a decided conference (held on `held_on`), starting the first
    /// stage of the nation's procedure.
    #[allow(clippy::too_many_arguments)]
    pub fn lodge(
        nation: &NationDecisions,
        conference_id: &str,
        decided: bool,
        held_on: NaiveDate,
        appellant: Appellant,
        grounds: Vec<AppealGround>,
        details: &str,
        today: NaiveDate,
    ) -> Outcome<Appeal> {
        let procedure = nation.appeal.ok_or(AppealError::NoAppealInNation)?;
        if !decided {
            return Err(AppealError::NotDecided);
        }
        if grounds.is_empty() {
            return Err(AppealError::NoGrounds);
        }
        let details = details.trim();
        if details.is_empty() {
            return Err(AppealError::NoDetails);
        }
        if let Some(days) = procedure.lodge_within_days {
            let late = (today - held_on).num_days() - i64::from(days);
            if late > 0 {
                return Err(AppealError::TooLate { days, late });
            }
        }
        let mut grounds = grounds;
        grounds.sort_by_key(|g| g.as_str());
        grounds.dedup();
        Ok(Appeal {
            conference_id: conference_id.to_owned(),
            appellant,
            lodged_on: today,
            grounds,
            details: details.to_owned(),
            stages: vec![StageTaken {
                stage: procedure.stages[0],
                started_on: today,
                outcome: None,
                outcome_on: None,
                reasons: String::new(),
                recorded_by: None,
            }],
            concluded: None,
        })
    }

    fn open(&self) -> Outcome {
        if self.concluded.is_some() {
            Err(AppealError::Concluded)
        } else {
            Ok(())
        }
    }

    pub fn current(&self) -> Option<&StageTaken> {
        self.stages.last()
    }

    /// The current stage's outcome, with its reasons.
    pub fn record_stage_outcome(
        &mut self,
        by: &UserId,
        outcome: StageOutcome,
        reasons: &str,
        on: NaiveDate,
    ) -> Outcome {
        self.open()?;
        let reasons = reasons.trim();
        if reasons.is_empty() {
            return Err(AppealError::NoReasons);
        }
        if on < self.lodged_on {
            return Err(AppealError::BeforeLodged);
        }
        let stage = self.stages.last_mut().ok_or(AppealError::Concluded)?;
        if stage.outcome.is_some() {
            return Err(AppealError::StageHasOutcome);
        }
        stage.outcome = Some(outcome);
        stage.outcome_on = Some(on);
        stage.reasons = reasons.to_owned();
        stage.recorded_by = Some(by.clone());
        Ok(())
    }

    /// The appellant takes the appeal to the next stage of the nation's procedure, once the
    /// current one has its outcome.
    pub fn next_stage(&mut self, nation: &NationDecisions, today: NaiveDate) -> Outcome {
        self.open()?;
        let procedure = nation.appeal.ok_or(AppealError::NoAppealInNation)?;
        let current = self.stages.last().ok_or(AppealError::Concluded)?;
        if current.outcome.is_none() {
            return Err(AppealError::StageOpen { stage: current.stage.label().to_owned() });
        }
        let at = procedure.stages.iter().position(|s| *s == current.stage).unwrap_or(procedure.stages.len());
        let next = procedure
            .stages
            .get(at + 1)
            .copied()
            .ok_or_else(|| AppealError::LastStage { stage: current.stage.label().to_owned() })?;
        self.stages.push(StageTaken {
            stage: next,
            started_on: today,
            outcome: None,
            outcome_on: None,
            reasons: String::new(),
            recorded_by: None,
        });
        Ok(())
    }

    /// The final outcome: it follows the last stage's (upheld or changed after an upheld stage,
    /// not upheld after a stage not upheld). Nothing follows it.
    pub fn conclude(&mut self, by: &UserId, outcome: FinalOutcome, reasons: &str, on: NaiveDate) -> Outcome {
        self.open()?;
        let current = self.stages.last().ok_or(AppealError::Concluded)?;
        let Some(stage_outcome) = current.outcome else {
            return Err(AppealError::StageOpen { stage: current.stage.label().to_owned() });
        };
        let fits = match outcome {
            FinalOutcome::Upheld | FinalOutcome::DecisionChanged => stage_outcome == StageOutcome::Upheld,
            FinalOutcome::NotUpheld => stage_outcome == StageOutcome::NotUpheld,
        };
        if !fits {
            return Err(AppealError::OutcomeDoesNotFollow { stage_outcome: stage_outcome.label().to_lowercase() });
        }
        let reasons = reasons.trim();
        if reasons.is_empty() {
            return Err(AppealError::NoReasons);
        }
        if on < self.lodged_on {
            return Err(AppealError::BeforeLodged);
        }
        self.concluded = Some(Concluded { outcome, on, reasons: reasons.to_owned(), by: by.clone() });
        Ok(())
    }

    /// Where the appeal stands, in words for lists.
    pub fn status(&self) -> String {
        match (&self.concluded, self.current()) {
            (Some(c), _) => c.outcome.label().to_owned(),
            (None, Some(s)) if s.outcome.is_none() => format!("At stage {}: {}", self.stages.len(), s.stage.label()),
            (None, Some(s)) => format!(
                "Stage {} {}",
                self.stages.len(),
                s.outcome.map(|o| o.label().to_lowercase()).unwrap_or_default()
            ),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Nation;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn ni() -> &'static NationDecisions {
        NationDecisions::for_nation(Nation::NorthernIreland)
    }
    fn mum() -> Appellant {
        Appellant { adult_id: "mum".into(), logged_by_staff: None }
    }
    fn lodged() -> Appeal {
        Appeal::lodge(
            ni(),
            "conf-1",
            true,
            d("2026-11-02"),
            mum(),
            vec![AppealGround::ThresholdNotMet],
            "The risk was overstated.",
            d("2026-11-05"),
        )
        .unwrap()
    }

    #[test]
    fn an_appeal_is_lodged_only_in_northern_ireland_against_a_decided_conference_with_grounds() {
        let lodge = |n: Nation, decided: bool, grounds: Vec<AppealGround>, details: &str| {
            Appeal::lodge(
                NationDecisions::for_nation(n),
                "c",
                decided,
                d("2026-11-02"),
                mum(),
                grounds,
                details,
                d("2026-11-03"),
            )
        };
        let g = || vec![AppealGround::CategoryIncorrect];
        for n in [Nation::England, Nation::Wales, Nation::Scotland] {
            assert_eq!(lodge(n, true, g(), "x").unwrap_err(), AppealError::NoAppealInNation, "{n}");
        }
        assert_eq!(lodge(Nation::NorthernIreland, false, g(), "x").unwrap_err(), AppealError::NotDecided);
        assert_eq!(lodge(Nation::NorthernIreland, true, vec![], "x").unwrap_err(), AppealError::NoGrounds);
        assert_eq!(lodge(Nation::NorthernIreland, true, g(), "  ").unwrap_err(), AppealError::NoDetails);
        let a = lodged();
        assert_eq!(a.stages.len(), 1);
        assert_eq!(a.stages[0].stage, AppealStage::ChairReview);
        assert_eq!(a.stages[0].started_on, d("2026-11-05"));
    }

    #[test]
    fn a_time_limit_in_the_procedure_refuses_a_late_appeal() {
        let mut procedure = ni().appeal.unwrap();
        procedure.lodge_within_days = Some(28);
        let nation = NationDecisions { reporter_referral: None, appeal: Some(procedure) };
        let at = |today: &str| {
            Appeal::lodge(
                &nation,
                "c",
                true,
                d("2026-11-02"),
                mum(),
                vec![AppealGround::ThresholdNotMet],
                "x",
                d(today),
            )
        };
        assert!(at("2026-11-30").is_ok());
        assert_eq!(at("2026-12-02").unwrap_err(), AppealError::TooLate { days: 28, late: 2 });
    }

    #[test]
    fn stages_follow_in_order_each_with_its_outcome_and_nothing_follows_the_final_outcome() {
        let by = UserId("officer".into());
        let mut a = lodged();
        assert_eq!(
            a.next_stage(ni(), d("2026-11-06")).unwrap_err(),
            AppealError::StageOpen { stage: AppealStage::ChairReview.label().into() }
        );
        assert!(matches!(
            a.conclude(&by, FinalOutcome::NotUpheld, "x", d("2026-11-06")),
            Err(AppealError::StageOpen { .. })
        ));
        assert_eq!(
            a.record_stage_outcome(&by, StageOutcome::NotUpheld, " ", d("2026-11-06")),
            Err(AppealError::NoReasons)
        );
        assert_eq!(
            a.record_stage_outcome(&by, StageOutcome::NotUpheld, "x", d("2026-11-01")),
            Err(AppealError::BeforeLodged)
        );
        a.record_stage_outcome(&by, StageOutcome::NotUpheld, "The chair found the threshold met.", d("2026-11-10"))
            .unwrap();
        assert_eq!(
            a.record_stage_outcome(&by, StageOutcome::Upheld, "again", d("2026-11-10")),
            Err(AppealError::StageHasOutcome)
        );
        a.next_stage(ni(), d("2026-11-11")).unwrap();
        a.record_stage_outcome(&by, StageOutcome::NotUpheld, "Senior manager agreed.", d("2026-11-20")).unwrap();
        a.next_stage(ni(), d("2026-11-21")).unwrap();
        assert_eq!(a.current().unwrap().stage, AppealStage::AppealPanel);
        a.record_stage_outcome(&by, StageOutcome::Upheld, "The category was wrong.", d("2026-12-01")).unwrap();
        assert!(matches!(a.next_stage(ni(), d("2026-12-02")), Err(AppealError::LastStage { .. })));
        assert_eq!(
            a.conclude(&by, FinalOutcome::NotUpheld, "x", d("2026-12-02")),
            Err(AppealError::OutcomeDoesNotFollow { stage_outcome: "upheld".into() })
        );
        a.conclude(
            &by,
            FinalOutcome::DecisionChanged,
            "A reconvened conference changed the category.",
            d("2026-12-10"),
        )
        .unwrap();
        assert_eq!(a.next_stage(ni(), d("2026-12-11")), Err(AppealError::Concluded));
        assert_eq!(
            a.record_stage_outcome(&by, StageOutcome::Upheld, "x", d("2026-12-11")),
            Err(AppealError::Concluded)
        );
        assert_eq!(a.conclude(&by, FinalOutcome::Upheld, "x", d("2026-12-11")), Err(AppealError::Concluded));
        assert_eq!(a.stages.len(), 3, "every stage is kept");
        assert_eq!(a.status(), FinalOutcome::DecisionChanged.label());
    }
}
