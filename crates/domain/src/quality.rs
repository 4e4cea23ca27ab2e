//! Quality assurance audits of conferences (QA-03): a sample of conferences drawn at random or
//! by a rule (for example 5% of last month's initial conferences), each audited against the
//! authority's own checklist, with findings, a grade and actions that are followed up.
//!
//! A sample is drawn with a recorded seed, so the same candidates and seed always give the same
//! conferences: an inspector can check the sample was not picked by hand.

use crate::model::UserId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// How a checklist question was met by the conference audited.
    pub enum Met {
        Yes => "yes", "Yes";
        Partly => "partly", "Partly";
        No => "no", "No";
        NotApplicable => "not-applicable", "Does not apply";
    }
}

crate::text_enum! {
    /// The overall grade of an audited conference, in the words inspectors use.
    pub enum Grade {
        Outstanding => "outstanding", "Outstanding";
        Good => "good", "Good";
        RequiresImprovement => "requires-improvement", "Requires improvement";
        Inadequate => "inadequate", "Inadequate";
    }
}

/// The questions an authority audits its conferences against (it edits them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub questions: Vec<String>,
}

impl Default for Checklist {
    fn default() -> Self {
        Checklist {
            questions: [
                "The conference was held within its timescale (ICPC within 15 working days, reviews on time)",
                "Reports were shared with the parents at least 2 working days before (REP-02)",
                "The chair met the parents before the conference (MEET-01)",
                "The child's wishes and feelings were presented (CHILD-02)",
                "An interpreter was booked where one was needed, never a family member (LANG-01)",
                "Any exclusion was decided by the chair with its reasons recorded (EXC-01)",
                "Each child's decision and category are clear and explained (DEC-01)",
                "Dissent was recorded with the chair's response (DIS-01)",
                "The plan's actions have an owner and a date (PLAN-02)",
                "The record was sent on time to everyone in the version they may see (MIN-03)",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        }
    }
}

/// Why a checklist, a sample or an audit step was refused, saying what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QualityError {
    #[error("Enter at least one question")]
    NoQuestions,
    #[error("Enter a percentage from 1 to 100")]
    BadPercent,
    #[error("Enter a number of conferences from 1 to 500")]
    BadCount,
    #[error("The period ends before it starts: check the dates")]
    BadPeriod,
    #[error("No conference of that kind was held in that period, so there is nothing to sample")]
    NothingToSample,
    #[error("Answer question {number}")]
    Unanswered { number: usize },
    #[error("Question {number} was not met: say what was found")]
    NoFinding { number: usize },
    #[error("Choose a grade")]
    NoGrade,
    #[error("A conference graded {grade} needs at least one action to improve it")]
    NeedsAction { grade: &'static str },
    #[error("Describe the action")]
    NoActionText,
    #[error("Say who will do the action")]
    NoOwner,
    #[error("The action's date {due} is in the past: give a date from today")]
    DueInPast { due: NaiveDate },
    #[error("There is no action {number}")]
    NoSuchAction { number: usize },
    #[error("Action {number} is already done")]
    AlreadyDone { number: usize },
    #[error("Say what was done")]
    NoDoneNote,
    #[error("The audit is complete and can no longer be changed; record follow-up on its actions")]
    Completed,
    #[error("The audit has {answers} answers but its checklist has {questions} questions")]
    WrongAnswerCount { answers: usize, questions: usize },
}

pub type Outcome<T> = Result<T, QualityError>;

impl Checklist {
    /// Checks a checklist as typed: at least one question, none empty (blank lines dropped).
    pub fn new(lines: &[String]) -> Outcome<Checklist> {
        let questions: Vec<String> = lines.iter().map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()).collect();
        if questions.is_empty() {
            return Err(QualityError::NoQuestions);
        }
        Ok(Checklist { questions })
    }
}

/// How many conferences a sample takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "n", rename_all = "kebab-case")]
pub enum SampleSize {
    /// This percentage of the candidates, rounded up (at least one).
    Percent(u32),
    /// This many (or all of them if fewer).
    Count(u32),
}

impl SampleSize {
    pub fn check(self) -> Outcome<SampleSize> {
        match self {
            SampleSize::Percent(p) if !(1..=100).contains(&p) => Err(QualityError::BadPercent),
            SampleSize::Count(n) if !(1..=500).contains(&n) => Err(QualityError::BadCount),
            ok => Ok(ok),
        }
    }

    fn of(self, candidates: usize) -> usize {
        match self {
            SampleSize::Percent(p) => (candidates * p as usize).div_ceil(100).max(1).min(candidates),
            SampleSize::Count(n) => (n as usize).min(candidates),
        }
    }
}

/// Draws the sample: the candidates (in any order: they are sorted first, so the database's
/// order does not matter), the size and the seed give the same conferences every time.
pub fn draw_sample(candidates: &[String], size: SampleSize, seed: u64) -> Outcome<Vec<String>> {
    let size = size.check()?;
    if candidates.is_empty() {
        return Err(QualityError::NothingToSample);
    }
    let mut pool: Vec<String> = candidates.to_vec();
    pool.sort();
    pool.dedup();
    let mut rng = fastrand::Rng::with_seed(seed);
    rng.shuffle(&mut pool);
    pool.truncate(size.of(pool.len()));
    pool.sort();
    Ok(pool)
}

/// One answer of the checklist, with what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub met: Option<Met>,
    pub finding: String,
}

/// An action an audit asks for, followed up until done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaAction {
    pub what: String,
    pub owner: String,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
}

impl QaAction {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due < today
    }
}

/// One conference's audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConferenceAudit {
    pub conference_id: String,
    pub auditor: UserId,
    /// The questions as they were when the audit began (a later edit of the checklist does
    /// not change what this audit answered).
    pub questions: Vec<String>,
    pub answers: Vec<Answer>,
    pub grade: Option<Grade>,
    pub summary: String,
    pub actions: Vec<QaAction>,
    pub completed_on: Option<NaiveDate>,
}

impl ConferenceAudit {
    pub fn begin(conference_id: &str, auditor: &UserId, checklist: &Checklist) -> ConferenceAudit {
        ConferenceAudit {
            conference_id: conference_id.to_owned(),
            auditor: auditor.clone(),
            questions: checklist.questions.clone(),
            answers: checklist.questions.iter().map(|_| Answer { met: None, finding: String::new() }).collect(),
            grade: None,
            summary: String::new(),
            actions: Vec::new(),
            completed_on: None,
        }
    }

    fn open(&self) -> Outcome<()> {
        if self.completed_on.is_some() {
            return Err(QualityError::Completed);
        }
        Ok(())
    }

    /// Records the findings (saved as a draft: not every question needs an answer yet).
    pub fn record_findings(&mut self, answers: Vec<Answer>, grade: Option<Grade>, summary: &str) -> Outcome<()> {
        self.open()?;
        if answers.len() != self.questions.len() {
            return Err(QualityError::WrongAnswerCount { answers: answers.len(), questions: self.questions.len() });
        }
        self.answers =
            answers.into_iter().map(|a| Answer { met: a.met, finding: a.finding.trim().to_owned() }).collect();
        self.grade = grade;
        self.summary = summary.trim().to_owned();
        Ok(())
    }

    /// Adds an action with its owner and date (allowed after completion too: follow-up).
    pub fn add_action(&mut self, what: &str, owner: &str, due: NaiveDate, today: NaiveDate) -> Outcome<usize> {
        let (what, owner) = (what.trim(), owner.trim());
        if what.is_empty() {
            return Err(QualityError::NoActionText);
        }
        if owner.is_empty() {
            return Err(QualityError::NoOwner);
        }
        if due < today {
            return Err(QualityError::DueInPast { due });
        }
        self.actions.push(QaAction {
            what: what.into(),
            owner: owner.into(),
            due,
            done_on: None,
            done_note: String::new(),
        });
        Ok(self.actions.len())
    }

    /// Follows an action up: done, with what was done.
    pub fn action_done(&mut self, number: usize, note: &str, today: NaiveDate) -> Outcome<()> {
        let a =
            number.checked_sub(1).and_then(|i| self.actions.get_mut(i)).ok_or(QualityError::NoSuchAction { number })?;
        if a.done_on.is_some() {
            return Err(QualityError::AlreadyDone { number });
        }
        let note = note.trim();
        if note.is_empty() {
            return Err(QualityError::NoDoneNote);
        }
        a.done_on = Some(today);
        a.done_note = note.to_owned();
        Ok(())
    }

    /// Completes the audit (QA-03): every question answered, a finding for each not fully met,
    /// a grade, and an action for a conference that requires improvement or is inadequate.
    pub fn complete(&mut self, today: NaiveDate) -> Outcome<()> {
        self.open()?;
        for (i, a) in self.answers.iter().enumerate() {
            match a.met {
                None => return Err(QualityError::Unanswered { number: i + 1 }),
                Some(Met::No | Met::Partly) if a.finding.is_empty() => {
                    return Err(QualityError::NoFinding { number: i + 1 })
                }
                _ => {}
            }
        }
        let grade = self.grade.ok_or(QualityError::NoGrade)?;
        if matches!(grade, Grade::RequiresImprovement | Grade::Inadequate) && self.actions.is_empty() {
            return Err(QualityError::NeedsAction { grade: grade.label() });
        }
        self.completed_on = Some(today);
        Ok(())
    }

    /// How many questions were met, of those that applied.
    pub fn score(&self) -> (usize, usize) {
        let applied = self.answers.iter().filter(|a| matches!(a.met, Some(Met::Yes | Met::Partly | Met::No))).count();
        let met = self.answers.iter().filter(|a| a.met == Some(Met::Yes)).count();
        (met, applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("conf-{i:03}")).collect()
    }

    #[test]
    fn qa_03_a_sample_is_the_same_for_the_same_candidates_and_seed_and_takes_the_share_asked() {
        let c = ids(40);
        let a = draw_sample(&c, SampleSize::Percent(5), 42).unwrap();
        assert_eq!(a.len(), 2, "5% of 40");
        let mut reversed = c.clone();
        reversed.reverse();
        assert_eq!(
            draw_sample(&reversed, SampleSize::Percent(5), 42).unwrap(),
            a,
            "order of candidates does not matter"
        );
        let others: Vec<_> = (1..20).map(|s| draw_sample(&c, SampleSize::Percent(5), s).unwrap()).collect();
        assert!(others.iter().any(|o| *o != a), "another seed draws another sample");
        assert_eq!(draw_sample(&ids(3), SampleSize::Percent(5), 1).unwrap().len(), 1, "at least one");
        assert_eq!(draw_sample(&ids(3), SampleSize::Count(10), 1).unwrap().len(), 3, "all when fewer");
        assert_eq!(draw_sample(&[], SampleSize::Count(1), 1), Err(QualityError::NothingToSample));
        assert_eq!(draw_sample(&c, SampleSize::Percent(0), 1), Err(QualityError::BadPercent));
        assert_eq!(draw_sample(&c, SampleSize::Count(0), 1), Err(QualityError::BadCount));
    }

    #[test]
    fn qa_03_an_audit_is_complete_only_when_every_question_is_answered_with_findings_a_grade_and_actions() {
        let checklist =
            Checklist::new(&["Reports shared in time".into(), " ".into(), "Child's views heard".into()]).unwrap();
        assert_eq!(checklist.questions.len(), 2);
        let today = d("2026-12-01");
        let mut audit = ConferenceAudit::begin("conf-1", &UserId("qa".into()), &checklist);
        assert_eq!(audit.complete(today), Err(QualityError::Unanswered { number: 1 }));
        let answers = vec![
            Answer { met: Some(Met::Yes), finding: String::new() },
            Answer { met: Some(Met::No), finding: " ".into() },
        ];
        audit.record_findings(answers, Some(Grade::RequiresImprovement), "").unwrap();
        assert_eq!(audit.complete(today), Err(QualityError::NoFinding { number: 2 }));
        let answers = vec![
            Answer { met: Some(Met::Yes), finding: String::new() },
            Answer { met: Some(Met::No), finding: "The child's views were not presented".into() },
        ];
        audit.record_findings(answers, Some(Grade::RequiresImprovement), "Views missing").unwrap();
        assert_eq!(audit.complete(today), Err(QualityError::NeedsAction { grade: "Requires improvement" }));
        assert_eq!(audit.add_action("Remind chairs", "", d("2027-01-10"), today), Err(QualityError::NoOwner));
        assert_eq!(
            audit.add_action("Remind chairs", "Head of service", d("2026-11-30"), today),
            Err(QualityError::DueInPast { due: d("2026-11-30") })
        );
        audit.add_action("Remind chairs to seek the child's views", "Head of service", d("2027-01-10"), today).unwrap();
        audit.complete(today).unwrap();
        assert_eq!(audit.score(), (1, 2));
        assert_eq!(audit.record_findings(vec![], None, ""), Err(QualityError::Completed));
        // Follow-up goes on after completion.
        assert!(audit.actions[0].is_overdue(d("2027-01-11")));
        assert_eq!(audit.action_done(1, "", today), Err(QualityError::NoDoneNote));
        audit.action_done(1, "Briefing held with every chair", d("2027-01-05")).unwrap();
        assert!(!audit.actions[0].is_overdue(d("2027-01-11")));
        assert_eq!(audit.action_done(1, "again", today), Err(QualityError::AlreadyDone { number: 1 }));
        assert_eq!(audit.action_done(2, "x", today), Err(QualityError::NoSuchAction { number: 2 }));
        assert_eq!(Checklist::new(&[" ".into()]), Err(QualityError::NoQuestions));
    }
}
