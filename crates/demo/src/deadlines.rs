//! The deadlines of a demo family's case, fitting its stage: what the conference journey would
//! have set by now had the demo case been run through confer.
//!
//! Each deadline is computed once by the deadline engine ([`DeadlineRule::deadline`]) with the
//! authority's calendar and the policy version in force on its trigger date, as the store keeps
//! it. Which deadlines were met, when, and why late, is drawn from a random stream of its own
//! seeded by (seed, family index), so the families themselves are unchanged and the same
//! options and `today` give the same deadlines.
//!
//! - Conference requested: TIME-01 from the strategy discussion (the day the case opened), and
//!   TIME-03 for an unborn child.
//! - Conference scheduled: as requested, with a date in the next few working days, and REP-01
//!   and REP-02 before it (some already met).
//! - Child protection plan: TIME-01 met (some late, with a reason), DEC-05 and MIN-03 after the
//!   initial conference, CG-02 first core group, then REV-01 reviews (3 months, then every 6)
//!   until the open one, MIN-03 for the latest conference, and the next core group.
//! - Child in need plan: PLAN-04 reviews until the open one.
//! - Enquiry and closed cases: none.

use super::{chance, splitmix64, Demo, DemoFamily};
use chrono::{Duration, NaiveDate};
use confer_domain::calendar::WorkingCalendar;
use confer_domain::model::{Birth, CaseStage, Role, UserId};
use confer_domain::policy::PolicyHistory;
use confer_domain::timescales::{Deadline, DeadlineRequest, DeadlineRule, LateReason, LateReasonRecord};
use fastrand::Rng;
use serde::{Deserialize, Serialize};

/// One deadline of a demo case, as the demo loader stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoDeadline {
    pub deadline: Deadline,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<LateReasonRecord>,
    /// The chair of the conference the deadline belongs to, where there is one.
    pub chair: Option<UserId>,
}

const LATE_DETAILS: &[&str] = &[
    "",
    "Agreed with the family at the strategy discussion.",
    "The date was moved twice at the family's request.",
    "Reported to the service manager at the time.",
];

impl Demo {
    /// The chair of a family's conferences: `demo.chair` for the demo caseload, otherwise one of
    /// the authority's chairs. Never in the allocated worker's management line (CHAIR-01).
    pub fn chair_for(&self, family: &DemoFamily, index: u32) -> Option<UserId> {
        let worker = &family.case.allocated_worker_id;
        let line = self.management_line_of(worker);
        let chairs: Vec<&confer_domain::model::UserAccount> = self
            .users
            .iter()
            .filter(|u| u.roles.contains(&Role::Chair) && !u.disabled && &u.id != worker && !line.contains(&u.id))
            .collect();
        if chairs.is_empty() {
            return None;
        }
        if index < super::DEMO_CASELOAD {
            if let Some(c) = self.demo_account(Role::Chair).filter(|c| chairs.iter().any(|x| x.id == c.id)) {
                return Some(c.id.clone());
            }
        }
        Some(chairs[(splitmix64(index as u64 ^ 0xC4A1) % chairs.len() as u64) as usize].id.clone())
    }

    /// The deadlines of the family at `index` (made by [`Demo::family`]), with the authority's
    /// calendar and policy history.
    pub fn deadlines<C: WorkingCalendar + ?Sized>(
        &self,
        family: &DemoFamily,
        index: u32,
        calendar: &C,
        policies: &PolicyHistory,
    ) -> Vec<DemoDeadline> {
        let mut rng = Rng::with_seed(splitmix64(splitmix64(self.options.seed ^ 0xDEAD_11E5) ^ index as u64));
        let rng = &mut rng;
        let today = self.today;
        let case = &family.case;
        let opened = case.opened_on;
        let mut out = Vec::new();
        let chair = match case.stage {
            CaseStage::ConferenceScheduled | CaseStage::ChildProtectionPlan => self.chair_for(family, index),
            _ => None,
        };
        let mut set =
            |rule: DeadlineRule, trigger: NaiveDate, met: Option<NaiveDate>, rng: &mut Rng| -> Option<Deadline> {
                let deadline = rule.deadline(trigger, calendar, policies)?;
                let met = met.filter(|m| *m <= today);
                let late_reason = match met {
                    Some(m) if m > deadline.due => Some(late_reason(rng)),
                    _ => None,
                };
                out.push(DemoDeadline { deadline, met, late_reason, chair: chair.clone() });
                Some(deadline)
            };
        let unborn = family.children.iter().find_map(|c| match c.birth {
            Birth::Unborn { expected } => Some(expected),
            Birth::Born(_) => None,
        });
        match case.stage {
            CaseStage::Enquiry | CaseStage::Closed => {}
            CaseStage::ConferenceRequested => {
                set(DeadlineRule::InitialConference, opened, None, rng);
                if let Some(expected) = unborn {
                    set(DeadlineRule::PreBirthConference, expected, None, rng);
                }
            }
            CaseStage::ConferenceScheduled => {
                set(DeadlineRule::InitialConference, opened, None, rng);
                if let Some(expected) = unborn {
                    set(DeadlineRule::PreBirthConference, expected, None, rng);
                }
                let conference = self.scheduled_conference_date(index, calendar);
                for rule in [DeadlineRule::ReportsToParents, DeadlineRule::ReportsToChair] {
                    let Some(d) = rule.deadline(conference, calendar, policies) else { continue };
                    // Reports whose date has come are mostly in; a few are late or still missing.
                    let met = if d.due <= today && chance(rng, 750) {
                        Some(d.due - Duration::days(rng.i64(0..=2)))
                    } else if d.due < today && chance(rng, 500) {
                        Some(today)
                    } else {
                        None
                    };
                    set(rule, conference, met, rng);
                }
            }
            CaseStage::ChildProtectionPlan => {
                let yesterday = today - Duration::days(1);
                // The initial conference: mostly in time, some late.
                let days = if chance(rng, 150) { rng.u32(16..=25) } else { rng.u32(8..=15) };
                let mut icpc = calendar.add_working_days(opened, days);
                if icpc > yesterday {
                    icpc = calendar.add_working_days(opened, 10).min(yesterday).max(opened);
                }
                set(DeadlineRule::InitialConference, opened, Some(icpc), rng);
                let outcome = calendar.add_working_days(icpc, if chance(rng, 900) { rng.u32(0..=1) } else { 3 });
                set(DeadlineRule::OutcomeSent, icpc, Some(outcome), rng);
                let first_core =
                    calendar.add_working_days(icpc, if chance(rng, 850) { rng.u32(4..=10) } else { rng.u32(11..=16) });
                set(DeadlineRule::FirstCoreGroup, icpc, Some(first_core), rng);
                // Reviews until the one still to come.
                let mut last = icpc;
                let mut rule = DeadlineRule::FirstReview;
                for _ in 0..12 {
                    let Some(d) = rule.deadline(last, calendar, policies) else { break };
                    let held = if chance(rng, 120) {
                        d.due + Duration::days(rng.i64(1..=12))
                    } else {
                        d.due - Duration::days(rng.i64(0..=14))
                    };
                    // Conferences meet on working days.
                    let held = on_or_before(calendar, held);
                    if held > yesterday || held <= last {
                        set(rule, last, None, rng);
                        break;
                    }
                    set(rule, last, Some(held), rng);
                    set(DeadlineRule::OutcomeSent, held, Some(calendar.add_working_days(held, rng.u32(0..=1))), rng);
                    last = held;
                    rule = DeadlineRule::NextReview;
                }
                // The record of the latest conference: sent, or still being written.
                let record_days = if chance(rng, 800) { rng.u32(6..=15) } else { rng.u32(16..=25) };
                set(DeadlineRule::RecordSent, last, Some(calendar.add_working_days(last, record_days)), rng);
                // The core group meets every few weeks once it has first met.
                if first_core <= yesterday {
                    let latest = on_or_before(calendar, today - Duration::days(rng.i64(1..=50))).max(first_core);
                    set(DeadlineRule::NextCoreGroup, latest, None, rng);
                }
            }
            CaseStage::ChildInNeedPlan => {
                let mut last = opened;
                for _ in 0..12 {
                    let Some(d) = DeadlineRule::ChildInNeedReview.deadline(last, calendar, policies) else { break };
                    let held = if chance(rng, 150) {
                        d.due + Duration::days(rng.i64(1..=20))
                    } else {
                        d.due - Duration::days(rng.i64(0..=10))
                    };
                    if held >= today || held <= last {
                        set(DeadlineRule::ChildInNeedReview, last, None, rng);
                        break;
                    }
                    set(DeadlineRule::ChildInNeedReview, last, Some(held), rng);
                    last = held;
                }
            }
        }
        out
    }

    /// Every open (not yet met) deadline of every demo family, as requests to the deadline
    /// engine: what the benchmark recomputes. Streams the families in constant memory.
    pub fn open_deadline_requests<C: WorkingCalendar + ?Sized>(
        &self,
        calendar: &C,
        policies: &PolicyHistory,
    ) -> Vec<DeadlineRequest> {
        let mut out = Vec::new();
        for index in 0..self.options.families {
            let family = self.family(index);
            for d in self.deadlines(&family, index, calendar, policies) {
                if d.met.is_none() {
                    out.push(DeadlineRequest { rule: d.deadline.rule, trigger: d.deadline.trigger });
                }
            }
        }
        out
    }
}

/// The working day `d` is, or the last one before it.
pub(crate) fn on_or_before<C: WorkingCalendar + ?Sized>(calendar: &C, d: NaiveDate) -> NaiveDate {
    if calendar.is_working_day(d) {
        d
    } else {
        calendar.subtract_working_days(d, 1)
    }
}

fn late_reason(rng: &mut Rng) -> LateReasonRecord {
    let reason = LateReason::ALL[rng.usize(0..LateReason::ALL.len())];
    let details = if reason == LateReason::Other {
        "A key document was held by another authority.".to_owned()
    } else {
        LATE_DETAILS[rng.usize(0..LATE_DETAILS.len())].to_owned()
    };
    LateReasonRecord { reason, details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DemoOptions;
    use confer_domain::calendar::Calendar;
    use confer_domain::timescales::deadline_state;
    use confer_domain::Nation;

    fn demo() -> Demo {
        Demo::new(
            DemoOptions { families: 300, ..DemoOptions::default() },
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        )
    }

    #[test]
    fn demo_deadlines_fit_each_stage_and_are_deterministic_time_01_rev_01_cg_02() {
        let d = demo();
        let cal = Calendar::for_nation(Nation::England);
        let h = PolicyHistory::new(Nation::England);
        let mut late = 0;
        let mut rules = std::collections::BTreeSet::new();
        for i in 0..300 {
            let f = d.family(i);
            let a = d.deadlines(&f, i, &cal, &h);
            assert_eq!(a, d.deadlines(&f, i, &cal, &h), "deterministic");
            for x in &a {
                rules.insert(x.deadline.rule);
                assert_eq!(
                    x.deadline.due,
                    x.deadline.rule.due_date(x.deadline.trigger, &cal, h.in_force(x.deadline.trigger)).unwrap()
                );
                if let Some(m) = x.met {
                    assert!(m <= d.today);
                    assert_eq!(x.late_reason.is_some(), m > x.deadline.due, "a late met date has a reason");
                }
                if x.late_reason.is_some() {
                    late += 1;
                }
            }
            match f.case.stage {
                CaseStage::ConferenceRequested => {
                    let icpc = a.iter().find(|x| x.deadline.rule == DeadlineRule::InitialConference).unwrap();
                    assert_eq!(icpc.deadline.trigger, f.case.opened_on);
                    assert!(icpc.met.is_none());
                }
                CaseStage::ChildProtectionPlan => {
                    assert!(a
                        .iter()
                        .any(|x| matches!(x.deadline.rule, DeadlineRule::FirstReview | DeadlineRule::NextReview)
                            && x.met.is_none()));
                    assert!(a.iter().all(|x| x.chair.is_some()));
                }
                CaseStage::Enquiry | CaseStage::Closed => assert!(a.is_empty()),
                _ => {}
            }
        }
        assert!(late > 0, "some deadlines were met late, with reasons");
        for r in [
            DeadlineRule::InitialConference,
            DeadlineRule::FirstReview,
            DeadlineRule::FirstCoreGroup,
            DeadlineRule::ChildInNeedReview,
            DeadlineRule::RecordSent,
        ] {
            assert!(rules.contains(&r), "{r}");
        }
        // Some open deadlines are overdue and some not yet.
        let reqs = d.open_deadline_requests(&cal, &h);
        let states: std::collections::BTreeSet<_> = reqs
            .iter()
            .map(|r| {
                deadline_state(r.rule.due_date(r.trigger, &cal, h.in_force(r.trigger)).unwrap(), None, d.today, 3, &cal)
            })
            .collect();
        assert!(states.len() >= 2, "{states:?}");
    }
}
