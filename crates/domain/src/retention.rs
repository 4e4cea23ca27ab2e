//! Records management (KEEP-01, KEEP-02): how long an authority keeps a family's records, when
//! they come up for a disposal review, what stops disposal (a legal hold, an open case, a plan
//! still running), and who may authorise it.
//!
//! The schedule is the authority's own, but never shorter than KEEP-02's default: until the
//! youngest child's 25th birthday. An authority may keep records longer where its schedule says
//! so (for example until the 100th birthday of a child who was adopted, following the
//! Information and Records Management Society's toolkit for local authorities); a rule shorter
//! than the default is refused with a reason, so no schedule can make records go sooner.
//!
//! Disposal is two people's act: one proposes it (quality assurance or an administrator), and
//! an administrator who is not the proposer authorises it, at which moment every rule is checked
//! again against the facts of that moment. What is left is a tombstone (what, when, by whom,
//! under which rule), never a silent gap (KEEP-01).

use crate::model::{Birth, ChildId, FamilyId, UserId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// KEEP-02: the default, and the floor of every rule: until the 25th birthday.
pub const DEFAULT_KEEP_UNTIL_AGE: u32 = 25;

/// The oldest age a rule may name (a typo of 1000 would keep records for ever unnoticed).
pub const MAX_KEEP_UNTIL_AGE: u32 = 125;

crate::text_enum! {
    /// What about a family makes a rule of the schedule apply.
    pub enum RetentionTrigger {
        Every => "every", "Every family's records";
        ChildAdopted => "child-adopted", "A child of the family was adopted";
        ChildDied => "child-died", "A child of the family died";
        ChildProtectionPlan => "child-protection-plan", "A child of the family was on a child protection plan";
    }
}

/// One rule of an authority's retention schedule: keep the family's records until the
/// youngest child's birthday of this age, when the trigger applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRule {
    pub trigger: RetentionTrigger,
    pub keep_until_age: u32,
    /// Where the rule comes from, in the authority's words (a schedule reference, a law).
    pub basis: String,
}

/// An authority's retention schedule (KEEP-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionSchedule {
    pub rules: Vec<RetentionRule>,
}

impl Default for RetentionSchedule {
    fn default() -> Self {
        RetentionSchedule {
            rules: vec![RetentionRule {
                trigger: RetentionTrigger::Every,
                keep_until_age: DEFAULT_KEEP_UNTIL_AGE,
                basis: "Until the child's 25th birthday (KEEP-02)".into(),
            }],
        }
    }
}

/// Why a schedule, a hold or a disposal was refused. Each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("Rule {number} keeps records until age {age}: no rule may keep them for less than until the 25th birthday (KEEP-02)")]
    ShorterThanDefault { number: usize, age: u32 },
    #[error("Rule {number} keeps records until age {age}: enter an age of {MAX_KEEP_UNTIL_AGE} or less")]
    TooLong { number: usize, age: u32 },
    #[error("Rule {number} needs its basis: say where the rule comes from")]
    NoBasis { number: usize },
    #[error("Rule {number} repeats a trigger of an earlier rule: keep one rule per trigger")]
    RepeatedTrigger { number: usize },
    #[error("The schedule needs a rule for every family's records")]
    NoRuleForEvery,
    #[error("Give the reason, in words the next reader will understand")]
    NoReason,
    #[error("The family's records are kept until {until}: they cannot be disposed of before then (KEEP-02)")]
    NotYetDue { until: NaiveDate },
    #[error("A legal hold stops disposal: {reason} (KEEP-02). Lift the hold first if it no longer applies")]
    UnderLegalHold { reason: String },
    #[error("The family's records cannot be disposed of while {what}")]
    StillOpen { what: &'static str },
    #[error(
        "The family has no child whose date of birth or expected date is known, so no retention date can be worked out"
    )]
    NoChild,
    #[error("A second person must authorise disposal: the person who proposed it cannot also authorise it")]
    SamePerson,
    #[error("Disposal has not been proposed for this family")]
    NotProposed,
    #[error("Disposal has already been proposed for this family")]
    AlreadyProposed,
    #[error("There is already a legal hold on this family's records")]
    AlreadyHeld,
    #[error("There is no legal hold on this family's records to lift")]
    NotHeld,
}

pub type Outcome<T> = Result<T, RetentionError>;

impl RetentionSchedule {
    /// Checks a schedule as an administrator typed it: one rule per trigger, a rule for every
    /// family, no rule shorter than the default, each with its basis.
    pub fn new(rules: Vec<RetentionRule>) -> Outcome<RetentionSchedule> {
        let mut seen = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let number = i + 1;
            if r.keep_until_age < DEFAULT_KEEP_UNTIL_AGE {
                return Err(RetentionError::ShorterThanDefault { number, age: r.keep_until_age });
            }
            if r.keep_until_age > MAX_KEEP_UNTIL_AGE {
                return Err(RetentionError::TooLong { number, age: r.keep_until_age });
            }
            if r.basis.trim().is_empty() {
                return Err(RetentionError::NoBasis { number });
            }
            if seen.contains(&r.trigger) {
                return Err(RetentionError::RepeatedTrigger { number });
            }
            seen.push(r.trigger);
        }
        if !seen.contains(&RetentionTrigger::Every) {
            return Err(RetentionError::NoRuleForEvery);
        }
        Ok(RetentionSchedule {
            rules: rules.into_iter().map(|r| RetentionRule { basis: r.basis.trim().to_owned(), ..r }).collect(),
        })
    }

    /// The retention date of a family and the rule that sets it: the latest date any rule
    /// that applies gives, counted from the youngest child's birth (or expected date).
    pub fn retain_until(&self, facts: &FamilyFacts) -> Outcome<(NaiveDate, &RetentionRule)> {
        let youngest = facts
            .children
            .iter()
            .map(|(_, b)| match b {
                Birth::Born(d) => *d,
                Birth::Unborn { expected } => *expected,
            })
            .max()
            .ok_or(RetentionError::NoChild)?;
        let mut best: Option<(NaiveDate, &RetentionRule)> = None;
        for rule in &self.rules {
            if rule.trigger != RetentionTrigger::Every && !facts.triggers.contains(&rule.trigger) {
                continue;
            }
            let until = birthday(youngest, rule.keep_until_age);
            if best.is_none_or(|(b, _)| until > b) {
                best = Some((until, rule));
            }
        }
        // `new` guarantees a rule for every family; a schedule read from storage is trusted.
        best.ok_or(RetentionError::NoRuleForEvery)
    }
}

/// The day a person born on `born` turns `age` (29 February counts as 28 February in years
/// that have none, as UK law has it for birthdays).
pub fn birthday(born: NaiveDate, age: u32) -> NaiveDate {
    let year = born.year() + age as i32;
    NaiveDate::from_ymd_opt(year, born.month(), born.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, born.month(), 28))
        .unwrap_or(born)
}

/// What the store knows of a family that retention depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyFacts {
    pub children: Vec<(ChildId, Birth)>,
    pub triggers: Vec<RetentionTrigger>,
    /// Whether every case of the family is closed.
    pub cases_closed: bool,
    /// Child protection or child in need plans not yet ended.
    pub active_plans: u32,
    /// Conferences neither closed nor cancelled.
    pub open_conferences: u32,
}

/// A legal hold on a family's records (KEEP-02): while it is on, nothing is disposed of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    pub reason: String,
    pub placed_by: UserId,
    pub placed_on: NaiveDate,
}

/// A proposal to dispose of a family's records, waiting for a second person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub proposed_by: UserId,
    pub proposed_on: NaiveDate,
    pub reason: String,
}

/// Where a family's records stand for records management, on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub family_id: FamilyId,
    pub retain_until: NaiveDate,
    pub rule: RetentionRule,
    /// What stops disposal today, in the order a reviewer would deal with them.
    pub blockers: Vec<RetentionError>,
}

impl Review {
    /// Reviews a family on `today`: its retention date, and everything that stops disposal.
    pub fn of(
        family_id: FamilyId,
        schedule: &RetentionSchedule,
        facts: &FamilyFacts,
        hold: Option<&LegalHold>,
        today: NaiveDate,
    ) -> Outcome<Review> {
        let (retain_until, rule) = schedule.retain_until(facts)?;
        let mut blockers = Vec::new();
        if let Some(h) = hold {
            blockers.push(RetentionError::UnderLegalHold { reason: h.reason.clone() });
        }
        if today < retain_until {
            blockers.push(RetentionError::NotYetDue { until: retain_until });
        }
        if !facts.cases_closed {
            blockers.push(RetentionError::StillOpen { what: "a case of the family is open" });
        }
        if facts.active_plans > 0 {
            blockers.push(RetentionError::StillOpen { what: "a child of the family has a plan that has not ended" });
        }
        if facts.open_conferences > 0 {
            blockers.push(RetentionError::StillOpen { what: "a conference for the family is not closed" });
        }
        Ok(Review { family_id, retain_until, rule: rule.clone(), blockers })
    }

    /// Due for a disposal review: the retention date has passed (a hold or an open case is
    /// then what the reviewer deals with).
    pub fn is_due(&self) -> bool {
        !self.blockers.iter().any(|b| matches!(b, RetentionError::NotYetDue { .. }))
    }

    /// Proposes disposal (the first of two people): refused for the first thing that stops it.
    pub fn propose(
        &self,
        by: &UserId,
        reason: &str,
        today: NaiveDate,
        already: Option<&Proposal>,
    ) -> Outcome<Proposal> {
        if already.is_some() {
            return Err(RetentionError::AlreadyProposed);
        }
        if let Some(b) = self.blockers.first() {
            return Err(b.clone());
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RetentionError::NoReason);
        }
        Ok(Proposal { proposed_by: by.clone(), proposed_on: today, reason: reason.to_owned() })
    }

    /// Authorises disposal (the second person): every rule again, on the facts of now, and
    /// never by the person who proposed it.
    pub fn authorise(&self, by: &UserId, proposal: Option<&Proposal>) -> Outcome<()> {
        let proposal = proposal.ok_or(RetentionError::NotProposed)?;
        if &proposal.proposed_by == by {
            return Err(RetentionError::SamePerson);
        }
        if let Some(b) = self.blockers.first() {
            return Err(b.clone());
        }
        Ok(())
    }
}

/// Places a legal hold: needs a reason; one hold at a time (the reason says what it covers).
pub fn place_hold(existing: Option<&LegalHold>, by: &UserId, reason: &str, today: NaiveDate) -> Outcome<LegalHold> {
    if existing.is_some() {
        return Err(RetentionError::AlreadyHeld);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RetentionError::NoReason);
    }
    Ok(LegalHold { reason: reason.to_owned(), placed_by: by.clone(), placed_on: today })
}

/// Lifts a legal hold: needs a reason too (the hold's end is as much a decision as its start).
pub fn lift_hold(existing: Option<&LegalHold>, reason: &str) -> Outcome<String> {
    if existing.is_none() {
        return Err(RetentionError::NotHeld);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RetentionError::NoReason);
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(births: &[&str]) -> FamilyFacts {
        FamilyFacts {
            children: births.iter().enumerate().map(|(i, b)| (ChildId(format!("c{i}")), Birth::Born(d(b)))).collect(),
            triggers: vec![],
            cases_closed: true,
            active_plans: 0,
            open_conferences: 0,
        }
    }

    fn user(s: &str) -> UserId {
        UserId(s.into())
    }

    #[test]
    fn keep_02_records_are_kept_until_the_youngest_childs_25th_birthday_by_default() {
        let s = RetentionSchedule::default();
        let (until, rule) = s.retain_until(&facts(&["2001-05-01", "2004-02-29"])).unwrap();
        // The youngest, born on 29 February, turns 25 on 28 February 2029 (no 29th that year).
        assert_eq!(until, d("2029-02-28"));
        assert_eq!(rule.trigger, RetentionTrigger::Every);
        let unborn = FamilyFacts {
            children: vec![(ChildId("u".into()), Birth::Unborn { expected: d("2027-01-10") })],
            ..facts(&[])
        };
        assert_eq!(s.retain_until(&unborn).unwrap().0, d("2052-01-10"));
        assert_eq!(s.retain_until(&facts(&[])), Err(RetentionError::NoChild));
    }

    #[test]
    fn keep_02_a_longer_rule_of_the_schedule_applies_when_its_trigger_does() {
        let s = RetentionSchedule::new(vec![
            RetentionRule { trigger: RetentionTrigger::Every, keep_until_age: 25, basis: "KEEP-02".into() },
            RetentionRule {
                trigger: RetentionTrigger::ChildAdopted,
                keep_until_age: 100,
                basis: " IRMS 1.1.1 ".into(),
            },
        ])
        .unwrap();
        let mut f = facts(&["2000-01-01"]);
        assert_eq!(s.retain_until(&f).unwrap().0, d("2025-01-01"));
        f.triggers.push(RetentionTrigger::ChildAdopted);
        let (until, rule) = s.retain_until(&f).unwrap();
        assert_eq!(until, d("2100-01-01"));
        assert_eq!(rule.basis, "IRMS 1.1.1");
    }

    #[test]
    fn keep_02_no_schedule_keeps_records_for_less_than_the_default() {
        let rule = |trigger, age, basis: &str| RetentionRule { trigger, keep_until_age: age, basis: basis.into() };
        assert_eq!(
            RetentionSchedule::new(vec![rule(RetentionTrigger::Every, 18, "x")]),
            Err(RetentionError::ShorterThanDefault { number: 1, age: 18 })
        );
        assert_eq!(
            RetentionSchedule::new(vec![
                rule(RetentionTrigger::Every, 25, "x"),
                rule(RetentionTrigger::ChildDied, 20, "y")
            ]),
            Err(RetentionError::ShorterThanDefault { number: 2, age: 20 })
        );
        assert_eq!(
            RetentionSchedule::new(vec![rule(RetentionTrigger::Every, 1000, "x")]),
            Err(RetentionError::TooLong { number: 1, age: 1000 })
        );
        assert_eq!(
            RetentionSchedule::new(vec![rule(RetentionTrigger::Every, 30, " ")]),
            Err(RetentionError::NoBasis { number: 1 })
        );
        assert_eq!(
            RetentionSchedule::new(vec![rule(RetentionTrigger::ChildAdopted, 100, "x")]),
            Err(RetentionError::NoRuleForEvery)
        );
        assert_eq!(
            RetentionSchedule::new(vec![
                rule(RetentionTrigger::Every, 25, "x"),
                rule(RetentionTrigger::Every, 30, "y")
            ]),
            Err(RetentionError::RepeatedTrigger { number: 2 })
        );
    }

    #[test]
    fn keep_02_a_legal_hold_stops_disposal_until_it_is_lifted() {
        let s = RetentionSchedule::default();
        let f = facts(&["1990-01-01"]);
        let today = d("2026-12-01");
        let hold = place_hold(None, &user("qa"), "  Civil claim: keep everything  ", today).unwrap();
        assert_eq!(hold.reason, "Civil claim: keep everything");
        assert_eq!(place_hold(Some(&hold), &user("qa"), "again", today), Err(RetentionError::AlreadyHeld));
        assert_eq!(place_hold(None, &user("qa"), " ", today), Err(RetentionError::NoReason));

        let held = Review::of(FamilyId("f".into()), &s, &f, Some(&hold), today).unwrap();
        assert!(held.is_due(), "a held family is still due for review; the hold is what stops it");
        let refused = held.propose(&user("qa"), "Past retention", today, None);
        assert!(matches!(refused, Err(RetentionError::UnderLegalHold { .. })));
        let proposal = Proposal { proposed_by: user("qa"), proposed_on: today, reason: "x".into() };
        assert!(matches!(held.authorise(&user("admin"), Some(&proposal)), Err(RetentionError::UnderLegalHold { .. })));

        assert_eq!(lift_hold(Some(&hold), ""), Err(RetentionError::NoReason));
        assert_eq!(lift_hold(None, "done"), Err(RetentionError::NotHeld));
        assert_eq!(lift_hold(Some(&hold), "Claim settled").unwrap(), "Claim settled");
        let free = Review::of(FamilyId("f".into()), &s, &f, None, today).unwrap();
        assert!(free.blockers.is_empty());
        free.authorise(&user("admin"), Some(&proposal)).unwrap();
    }

    #[test]
    fn keep_02_nothing_is_disposed_of_before_its_date_or_while_work_is_open() {
        let s = RetentionSchedule::default();
        let today = d("2026-12-01");
        let young = Review::of(FamilyId("f".into()), &s, &facts(&["2010-01-01"]), None, today).unwrap();
        assert!(!young.is_due());
        assert_eq!(
            young.propose(&user("qa"), "x", today, None),
            Err(RetentionError::NotYetDue { until: d("2035-01-01") })
        );

        let mut open = facts(&["1990-01-01"]);
        open.cases_closed = false;
        open.active_plans = 1;
        open.open_conferences = 1;
        let r = Review::of(FamilyId("f".into()), &s, &open, None, today).unwrap();
        assert!(r.is_due());
        assert_eq!(r.blockers.len(), 3);
        assert!(matches!(r.propose(&user("qa"), "x", today, None), Err(RetentionError::StillOpen { .. })));
    }

    #[test]
    fn keep_02_disposal_needs_a_reason_and_two_different_people() {
        let s = RetentionSchedule::default();
        let today = d("2026-12-01");
        let r = Review::of(FamilyId("f".into()), &s, &facts(&["1990-01-01"]), None, today).unwrap();
        assert_eq!(r.propose(&user("qa"), "  ", today, None), Err(RetentionError::NoReason));
        let p = r.propose(&user("qa"), "Retention period over; nothing open", today, None).unwrap();
        assert_eq!(r.propose(&user("qa2"), "again", today, Some(&p)), Err(RetentionError::AlreadyProposed));
        assert_eq!(r.authorise(&user("admin"), None), Err(RetentionError::NotProposed));
        assert_eq!(r.authorise(&user("qa"), Some(&p)), Err(RetentionError::SamePerson));
        r.authorise(&user("admin"), Some(&p)).unwrap();
    }
}
