//! The conferences of demo cases that are waiting for one: requested (for the coordinator to
//! schedule) or scheduled (with a chair, a date in the next few working days and a venue), made
//! through the conference's own operations, so every rule holds for them as for any other.

use super::{splitmix64, Demo, DemoFamily};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use confer_domain::calendar::WorkingCalendar;
use confer_domain::conference::*;
use confer_domain::model::{CaseStage, Role};
use confer_domain::policy::PolicyHistory;
use confer_domain::timescales::DeadlineRule;
use fastrand::Rng;

impl Demo {
    /// The date of a scheduled demo conference: 1 to 8 working days after `today`.
    pub fn scheduled_conference_date<C: WorkingCalendar + ?Sized>(&self, index: u32, calendar: &C) -> NaiveDate {
        let mut rng = Rng::with_seed(splitmix64(splitmix64(self.options.seed ^ 0xC0_F3E5) ^ index as u64));
        calendar.add_working_days(self.today, rng.u32(1..=8))
    }

    /// The request for an initial (or, when every child in it is unborn, pre-birth) conference
    /// about `children` of the family, after the strategy discussion on `discussed`: the
    /// family's adults who are related to a child, the professionals involved, and the
    /// allocated worker, as the coordinator would enter them.
    pub(crate) fn initial_request(
        &self,
        family: &DemoFamily,
        children: &[confer_domain::model::Child],
        discussed: NaiveDate,
        due_by: NaiveDate,
    ) -> ConferenceRequest {
        let all_unborn = children.iter().all(|c| matches!(c.birth, confer_domain::model::Birth::Unborn { .. }));
        let children = children
            .iter()
            .map(|c| SubjectChild {
                child_id: c.id.clone(),
                name: format!("{} {}", c.given_name, c.family_name),
                birth: c.birth,
                communication: c.communication.clone(),
                disability: c.disability.clone(),
                current_plan: None,
            })
            .collect();
        let family_members = family
            .adults
            .iter()
            .filter_map(|a| {
                let rels: Vec<_> = family.relationships.iter().filter(|r| r.adult_id == a.id).collect();
                let first = rels.first()?;
                Some(FamilyMember {
                    adult_id: a.id.clone(),
                    name: format!("{} {}", a.given_name, a.family_name),
                    relationship: first.kind,
                    parental_responsibility: rels.iter().any(|r| r.parental_responsibility),
                    carer: rels.iter().any(|r| r.carer),
                    communication: a.communication.clone(),
                    disability: String::new(),
                    needs: Vec::new(),
                })
            })
            .collect();
        let professionals = family
            .professional_ids
            .iter()
            .filter_map(|id| {
                let p = self.professionals.iter().find(|p| &p.id == id)?;
                let agency = self.agencies.iter().find(|a| a.id == p.agency_id)?;
                Some(ProfessionalInvolved {
                    professional_id: p.id.clone(),
                    name: p.name.clone(),
                    job_title: p.job_title.clone(),
                    agency_id: agency.id.clone(),
                    agency_name: agency.name.clone(),
                    agency_kind: agency.kind,
                    user_id: p.user_id.clone(),
                })
            })
            .collect();
        ConferenceRequest {
            authority_id: self.authority.id.clone(),
            family_id: family.family.id.clone(),
            case_id: family.case.id.clone(),
            kind: if all_unborn { ConferenceKind::PreBirth } else { ConferenceKind::Initial },
            children,
            strategy_discussion_on: Some(discussed),
            enquiry: Some(EnquiryKind::Section47),
            harm_finding: Some(HarmFinding::LikelyToSuffer),
            transfer_notified_on: None,
            previous: None,
            reason: "The section 47 enquiry found the children likely to suffer significant harm from neglect.".into(),
            concerns: vec![ConcernCategory::Neglect],
            family_members,
            professionals,
            allocated_worker: family.case.allocated_worker_id.clone(),
            due_by,
        }
    }

    /// The conference of the family at `index`, for cases at the requested or scheduled stage
    /// (`None` for the others, or where the family's record gives no parent or carer to invite).
    pub fn conference(
        &self,
        family: &DemoFamily,
        index: u32,
        calendar: &dyn WorkingCalendar,
        policies: &PolicyHistory,
        now: DateTime<Utc>,
    ) -> Option<Conference> {
        let stage = family.case.stage;
        if !matches!(stage, CaseStage::ConferenceRequested | CaseStage::ConferenceScheduled) {
            return None;
        }
        let coordinator = self.demo_account(Role::Coordinator)?;
        let who = Acting::new(coordinator.id.clone(), &[Role::Coordinator], &[]);
        // The strategy discussion is the day the case opened (as the demo's deadlines count it).
        let opened = family.case.opened_on;
        let due_by = DeadlineRule::InitialConference.due_date(opened, calendar, policies.in_force(opened))?;
        let request = self.initial_request(family, &family.children, opened, due_by);
        let id = ConferenceId(format!("{}-conference-{:06}", self.prefix, index + 1));
        let requested_at = now.min(self.today.and_time(NaiveTime::from_hms_opt(9, 0, 0)?).and_utc());
        let mut c =
            Conference::request(&who, id, request, opened.max(self.today - chrono::Duration::days(3)), requested_at)
                .ok()?;
        if stage == CaseStage::ConferenceScheduled {
            let chair_id = self.chair_for(family, index)?;
            let chair = self.user(&chair_id)?.clone();
            let date = self.scheduled_conference_date(index, calendar);
            // Spread over the day's four sittings and the Civic Centre's twelve rooms, a
            // third of them by video, as a conference team's diary would be.
            let sitting = [(9, 30), (11, 30), (13, 30), (15, 30)][(index % 4) as usize];
            let room = (index / 4) % 12 + 1;
            let by_video = (index / 48) % 3 == 2;
            let slot = Slot {
                date,
                time: NaiveTime::from_hms_opt(sitting.0, sitting.1, 0)?,
                venue: (!by_video)
                    .then(|| format!("Conference room {room}, Northmoor Civic Centre (step-free access)")),
                video_link: by_video.then(|| format!("https://meet.example.org/northmoor-{:06}", index + 1)),
                chair: chair_id,
            };
            let delay = (date > due_by).then(|| DelayReason {
                kind: DelayReasonKind::ProfessionalsUnavailable,
                detail: "The police and the school could not attend an earlier date.".into(),
            });
            c.schedule(&who, slot, &chair, |u| self.line_manager_of(u), delay, calendar, self.today, now).ok()?;
        }
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DemoOptions;
    use confer_domain::calendar::Calendar;

    #[test]
    fn requested_and_scheduled_demo_cases_have_conferences_that_keep_the_rules_chair_01_time_01() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let demo = Demo::new(DemoOptions { families: 120, ..DemoOptions::default() }, today);
        let calendar = Calendar::for_nation(demo.options.nation);
        let policies = PolicyHistory::new(demo.options.nation);
        let now = today.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        let (mut requested, mut scheduled) = (0, 0);
        for (i, f) in demo.families().enumerate() {
            let c = demo.conference(&f, i as u32, &calendar, &policies, now);
            match f.case.stage {
                CaseStage::ConferenceRequested => {
                    if let Some(c) = c {
                        assert_eq!(c.state(), ConferenceState::Requested);
                        requested += 1;
                    }
                }
                CaseStage::ConferenceScheduled => {
                    if let Some(c) = c {
                        assert_eq!(c.state(), ConferenceState::Scheduled);
                        let chair = c.chair().cloned().unwrap_or_else(|| "none".into());
                        // CHAIR-01: never the allocated worker or in their management line.
                        assert_ne!(chair, f.case.allocated_worker_id);
                        assert!(!demo.management_line_of(&f.case.allocated_worker_id).contains(&chair));
                        // TIME-01: a conference after its due date carries a reason.
                        if c.is_late() {
                            assert!(c.delay().is_some());
                        }
                        scheduled += 1;
                    }
                }
                _ => assert!(c.is_none()),
            }
        }
        assert!(requested > 3 && scheduled > 3, "requested {requested}, scheduled {scheduled}");
        // The demo chair has conferences to chair.
        let first = demo.family(1);
        assert_eq!(first.case.stage, CaseStage::ConferenceRequested);
    }
}
