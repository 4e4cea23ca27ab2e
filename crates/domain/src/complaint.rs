//! Complaints (RIGHT-02): a parent (or staff on their behalf) complains about the conduct of a
//! conference or its decision, or about the family's case. The complaint is logged against the
//! conference with its stage and the deadline of that stage from the authority's policy (each
//! nation has its own stages: `DeadlineRule::ComplaintStageOne/Two/Three`), assigned to an
//! officer, acknowledged, answered with an outcome, escalated to the next stage by the
//! complainant, and closed; every outcome is kept.
//!
//! A state machine: each step says why it is refused when it does not fit.

use crate::calendar::WorkingCalendar;
use crate::model::UserId;
use crate::policy::PolicyHistory;
use crate::timescales::DeadlineRule;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// What the complaint is about.
    pub enum About {
        Conduct => "conduct", "How the conference was run";
        Decision => "decision", "The conference's decision";
        Case => "case", "How the family's case is handled";
    }
}

crate::text_enum! {
    /// Where the complaint stands.
    pub enum Status {
        Received => "received", "Received";
        Acknowledged => "acknowledged", "Acknowledged";
        Answered => "answered", "Answered";
        Closed => "closed", "Closed";
    }
}

crate::text_enum! {
    /// The outcome of a stage.
    pub enum Finding {
        Upheld => "upheld", "Upheld";
        PartlyUpheld => "partly-upheld", "Partly upheld";
        NotUpheld => "not-upheld", "Not upheld";
    }
}

/// Who made the complaint: the parent themselves (through the portal) or staff on their behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complainant {
    /// The family member complaining (an adult of the family).
    pub adult_id: String,
    /// The staff member who logged it for them, if not logged by the person.
    pub logged_by_staff: Option<UserId>,
}

/// One stage's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageAnswer {
    pub stage: u8,
    pub finding: Finding,
    pub response: String,
    pub answered_on: NaiveDate,
    pub by: UserId,
}

/// A complaint, kept whole with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub about: About,
    pub conference_id: Option<String>,
    pub complainant: Complainant,
    pub details: String,
    pub received_on: NaiveDate,
    pub stage: u8,
    /// The day the current stage started (received, or escalated).
    pub stage_started_on: NaiveDate,
    /// The current stage's deadline, from the policy in force when it started.
    pub due_on: NaiveDate,
    pub status: Status,
    pub officer: Option<UserId>,
    pub acknowledged_on: Option<NaiveDate>,
    pub answers: Vec<StageAnswer>,
    /// Why the complainant asked for the next stage, per escalation.
    pub escalations: Vec<(u8, String, NaiveDate)>,
    pub closed_on: Option<NaiveDate>,
}

/// Why a step was refused, saying what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintError {
    #[error("Say what the complaint is about")]
    NoDetails,
    #[error("A complaint about a conference's conduct or decision must name the conference")]
    NoConference,
    #[error("The authority's policy sets no deadline for complaints at stage {stage}: check the policy")]
    NoTimescale { stage: u8 },
    #[error("Assign the complaint to an officer before it is acknowledged or answered")]
    Unassigned,
    #[error("The complaint is closed and can no longer be changed")]
    IsClosed,
    #[error("The complaint has already been acknowledged")]
    AlreadyAcknowledged,
    #[error("Write the response to the complainant")]
    NoResponse,
    #[error("Stage {stage} has already been answered; the complainant may escalate it or it may be closed")]
    AlreadyAnswered { stage: u8 },
    #[error("A complaint can be escalated only once its stage has been answered")]
    NotAnswered,
    #[error(
        "Stage {stage} is the last stage of this authority's complaints procedure: the next step is the Ombudsman"
    )]
    LastStage { stage: u8 },
    #[error("Say why the complainant wants the next stage")]
    NoEscalationReason,
}

pub type Outcome<T = ()> = Result<T, ComplaintError>;

fn rule_for(stage: u8) -> Option<DeadlineRule> {
    match stage {
        1 => Some(DeadlineRule::ComplaintStageOne),
        2 => Some(DeadlineRule::ComplaintStageTwo),
        3 => Some(DeadlineRule::ComplaintStageThree),
        _ => None,
    }
}

/// RIGHT-02: the deadline of a stage started on `start`, with the authority's calendar and the
/// policy in force that day; None when the nation's procedure has no such stage.
pub fn stage_due<C: WorkingCalendar + ?Sized>(
    stage: u8,
    start: NaiveDate,
    calendar: &C,
    policies: &PolicyHistory,
) -> Option<NaiveDate> {
    rule_for(stage)?.deadline(start, calendar, policies).map(|d| d.due)
}

impl Complaint {
    /// RIGHT-02: a complaint received on `today`, at stage 1 with its deadline.
    pub fn receive<C: WorkingCalendar + ?Sized>(
        about: About,
        conference_id: Option<String>,
        complainant: Complainant,
        details: &str,
        today: NaiveDate,
        calendar: &C,
        policies: &PolicyHistory,
    ) -> Outcome<Complaint> {
        let details = details.trim();
        if details.is_empty() {
            return Err(ComplaintError::NoDetails);
        }
        if matches!(about, About::Conduct | About::Decision) && conference_id.is_none() {
            return Err(ComplaintError::NoConference);
        }
        let due_on = stage_due(1, today, calendar, policies).ok_or(ComplaintError::NoTimescale { stage: 1 })?;
        Ok(Complaint {
            about,
            conference_id,
            complainant,
            details: details.to_owned(),
            received_on: today,
            stage: 1,
            stage_started_on: today,
            due_on,
            status: Status::Received,
            officer: None,
            acknowledged_on: None,
            answers: Vec::new(),
            escalations: Vec::new(),
            closed_on: None,
        })
    }

    fn open(&self) -> Outcome {
        if self.status == Status::Closed {
            Err(ComplaintError::IsClosed)
        } else {
            Ok(())
        }
    }

    /// Assigns (or reassigns) the officer who answers it.
    pub fn assign(&mut self, officer: UserId) -> Outcome {
        self.open()?;
        self.officer = Some(officer);
        Ok(())
    }

    /// The officer acknowledges it (once per stage).
    pub fn acknowledge(&mut self, today: NaiveDate) -> Outcome {
        self.open()?;
        if self.officer.is_none() {
            return Err(ComplaintError::Unassigned);
        }
        if self.status != Status::Received {
            return Err(ComplaintError::AlreadyAcknowledged);
        }
        self.acknowledged_on = Some(today);
        self.status = Status::Acknowledged;
        Ok(())
    }

    /// The officer answers the current stage with a finding and the response.
    pub fn answer(&mut self, by: &UserId, finding: Finding, response: &str, today: NaiveDate) -> Outcome {
        self.open()?;
        if self.officer.is_none() {
            return Err(ComplaintError::Unassigned);
        }
        if self.status == Status::Answered {
            return Err(ComplaintError::AlreadyAnswered { stage: self.stage });
        }
        let response = response.trim();
        if response.is_empty() {
            return Err(ComplaintError::NoResponse);
        }
        self.answers.push(StageAnswer {
            stage: self.stage,
            finding,
            response: response.to_owned(),
            answered_on: today,
            by: by.clone(),
        });
        self.status = Status::Answered;
        Ok(())
    }

    /// The complainant asks for the next stage, once this one is answered, if the nation's
    /// procedure has one.
    pub fn escalate<C: WorkingCalendar + ?Sized>(
        &mut self,
        reason: &str,
        today: NaiveDate,
        calendar: &C,
        policies: &PolicyHistory,
    ) -> Outcome {
        self.open()?;
        if self.status != Status::Answered {
            return Err(ComplaintError::NotAnswered);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ComplaintError::NoEscalationReason);
        }
        let next = self.stage + 1;
        let due = stage_due(next, today, calendar, policies).ok_or(ComplaintError::LastStage { stage: self.stage })?;
        self.escalations.push((next, reason.to_owned(), today));
        self.stage = next;
        self.stage_started_on = today;
        self.due_on = due;
        self.status = Status::Received;
        self.acknowledged_on = None;
        Ok(())
    }

    /// Closed (answered and not escalated, or withdrawn): kept with its outcomes.
    pub fn close(&mut self, today: NaiveDate) -> Outcome {
        self.open()?;
        self.status = Status::Closed;
        self.closed_on = Some(today);
        Ok(())
    }

    /// Whether its current stage is past its deadline without an answer.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status, Status::Received | Status::Acknowledged) && today > self.due_on
    }

    /// The latest outcome, for the conference's record.
    pub fn latest_answer(&self) -> Option<&StageAnswer> {
        self.answers.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::Nation;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn history(nation: Nation) -> PolicyHistory {
        PolicyHistory::new(nation)
    }

    fn received(nation: Nation) -> Complaint {
        let cal = Calendar::for_nation(nation);
        Complaint::receive(
            About::Decision,
            Some("conf-1".into()),
            Complainant { adult_id: "mum".into(), logged_by_staff: None },
            "The decision was made before I could speak.",
            d("2026-11-02"),
            &cal,
            &history(nation),
        )
        .unwrap()
    }

    /// RIGHT-02: logged against the conference at stage 1 with the nation's deadline in working days.
    #[test]
    fn right_02_received_at_stage_one_with_its_deadline() {
        let c = received(Nation::England);
        assert_eq!((c.stage, c.status), (1, Status::Received));
        // 10 working days from Monday 2 November 2026.
        assert_eq!(c.due_on, d("2026-11-16"));
        let scot = received(Nation::Scotland);
        assert_eq!(scot.due_on, d("2026-11-09"), "SPSO stage 1: 5 working days");
        let cal = Calendar::for_nation(Nation::England);
        let none = Complaint::receive(
            About::Conduct,
            None,
            Complainant { adult_id: "mum".into(), logged_by_staff: None },
            "x",
            d("2026-11-02"),
            &cal,
            &history(Nation::England),
        );
        assert_eq!(none.unwrap_err(), ComplaintError::NoConference);
    }

    /// RIGHT-02: assigned, acknowledged, answered, escalated to the next stage, and refused
    /// with reasons where a step does not fit.
    #[test]
    fn right_02_the_stages_and_their_refusals() {
        let cal = Calendar::for_nation(Nation::England);
        let h = history(Nation::England);
        let officer = UserId("officer".into());
        let mut c = received(Nation::England);
        assert_eq!(c.acknowledge(d("2026-11-03")), Err(ComplaintError::Unassigned));
        assert_eq!(c.answer(&officer, Finding::NotUpheld, "No.", d("2026-11-03")), Err(ComplaintError::Unassigned));
        assert_eq!(c.escalate("Not happy", d("2026-11-03"), &cal, &h), Err(ComplaintError::NotAnswered));
        c.assign(officer.clone()).unwrap();
        c.acknowledge(d("2026-11-03")).unwrap();
        assert_eq!(c.acknowledge(d("2026-11-03")), Err(ComplaintError::AlreadyAcknowledged));
        assert_eq!(c.answer(&officer, Finding::PartlyUpheld, "  ", d("2026-11-10")), Err(ComplaintError::NoResponse));
        c.answer(&officer, Finding::PartlyUpheld, "You should have been heard first.", d("2026-11-10")).unwrap();
        assert_eq!(
            c.answer(&officer, Finding::Upheld, "Again", d("2026-11-10")),
            Err(ComplaintError::AlreadyAnswered { stage: 1 })
        );
        c.escalate("The decision should be looked at again", d("2026-11-11"), &cal, &h).unwrap();
        assert_eq!((c.stage, c.status), (2, Status::Received));
        assert_eq!(c.due_on, cal.add_working_days(d("2026-11-11"), 25));
        c.answer(&officer, Finding::NotUpheld, "Investigated.", d("2026-12-01")).unwrap();
        c.escalate("Review panel please", d("2026-12-02"), &cal, &h).unwrap();
        assert_eq!(c.stage, 3);
        c.answer(&officer, Finding::NotUpheld, "Panel agreed.", d("2026-12-20")).unwrap();
        assert_eq!(c.escalate("More", d("2026-12-21"), &cal, &h), Err(ComplaintError::LastStage { stage: 3 }));
        c.close(d("2026-12-21")).unwrap();
        assert_eq!(c.close(d("2026-12-22")), Err(ComplaintError::IsClosed));
        assert_eq!(c.answers.len(), 3, "every outcome is kept");
        assert_eq!(c.latest_answer().unwrap().finding, Finding::NotUpheld);
    }

    /// RIGHT-02: Wales has two local stages: no third.
    #[test]
    fn right_02_each_nation_has_its_own_stages() {
        let cal = Calendar::for_nation(Nation::Wales);
        let h = history(Nation::Wales);
        let officer = UserId("o".into());
        let mut c = received(Nation::Wales);
        c.assign(officer.clone()).unwrap();
        c.answer(&officer, Finding::NotUpheld, "No.", d("2026-11-05")).unwrap();
        c.escalate("Again", d("2026-11-06"), &cal, &h).unwrap();
        c.answer(&officer, Finding::NotUpheld, "No.", d("2026-11-20")).unwrap();
        assert_eq!(c.escalate("Again", d("2026-11-21"), &cal, &h), Err(ComplaintError::LastStage { stage: 2 }));
        assert!(!c.is_overdue(d("2027-01-01")));
    }
}
