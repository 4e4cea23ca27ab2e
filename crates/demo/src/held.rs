//! The conferences of demo cases that have happened, and the plans they made (issues 13, 15).
//!
//! A family whose case is at the child protection plan stage had its initial conference on
//! the day its deadlines say (TIME-01 met), its reviews on the days its REV-01 deadlines were
//! met, and its core group on the days of its CG-02 deadlines. Everything is made through the
//! domain's own operations, in the order a conference team would make them: the request, the
//! date and chair (CHAIR-01), the invitations, the pre-meetings, the meeting with attendance,
//! discussion, actions and each professional's view, the decision for each child (DEC-01), a
//! dissent now and then (DIS-01), the close, the outcome sent and the record approved and sent
//! (MIN-02, MIN-03). The plans come from those conferences as the store makes them
//! (`Plan::from_conference`, `follow_review`, `step_down`), then live through core group
//! meetings (CG-03) with progress on every open action, a safety rating from each person
//! present and new actions; some end (PLAN-05), some step down to a child in need plan
//! (PLAN-04), and a few are repeat plans. Families at the child in need stage reached it
//! through a conference; some closed families had a conference, a plan that ended, or both.
//!
//! Deterministic: each family's history has its own random stream seeded by (seed, index),
//! separate from the family's people, its deadlines and its census details.

use super::deadlines::on_or_before;
use super::{chance, splitmix64, weighted, Demo, DemoDeadline, DemoFamily};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use confer_domain::access::Relationship;
use confer_domain::calendar::WorkingCalendar;
use confer_domain::conference::*;
use confer_domain::model::{Birth, CaseStage, Child, ChildId, Role, UserAccount};
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::plan::{
    first_core_group_due, next_core_group_by, ActionProgress, ActionStatus, ChildInNeedDetails, CoreGroupMeetingInput,
    EndReason, Member, NewAction, Plan, PlanActing, PlanId, PlanKind, SafetyRating, Service, TransferOut,
};
use confer_domain::policy::PolicyHistory;
use confer_domain::timescales::DeadlineRule;
use fastrand::Rng;

/// What happened to a demo family: its held conferences (closed, in the order they were held)
/// and its plans (each as it stands today).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoHistory {
    pub conferences: Vec<Conference>,
    pub plans: Vec<Plan>,
    /// A child who died while on a plan (PLAN-05), and the day: their record carries it.
    pub deaths: Vec<(ChildId, NaiveDate)>,
    /// The conferences held in the last six weeks as they were when the chair closed them,
    /// before the outcome was sent (by their place in `conferences`): the people sent it are
    /// the ones asked for feedback (QA-01).
    pub before_outcome: Vec<(usize, Conference)>,
}

/// The earlier plan of a child who comes back to one (a repeat plan): the referral of that
/// episode, its initial conference, and the review that ended the plan (the episode closed then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierPlan {
    pub referral: NaiveDate,
    pub icpc: NaiveDate,
    pub ended: NaiveDate,
}

const CATEGORIES: &[(PlanCategory, u32)] = &[
    (PlanCategory::Neglect, 480),
    (PlanCategory::Emotional, 330),
    (PlanCategory::Physical, 90),
    (PlanCategory::Sexual, 50),
    (PlanCategory::Multiple, 50),
];

const WORRIES: &[&str] = &[
    "The children are often hungry at school and their clothes are not washed.",
    "There have been several incidents of domestic abuse at home, witnessed by the children.",
    "The parents' drinking means the children are left without supervision in the evenings.",
    "The home conditions are poor and the children miss health appointments.",
    "The children are frightened of the shouting at home and have said so at school.",
];

const WORKING_WELL: &[&str] = &[
    "The children are attached to their parents and enjoy school.",
    "The family has support from grandparents nearby.",
    "The parents have engaged with the health visitor and kept most appointments.",
];

const ACTIONS: &[&str] = &[
    "Check the children have breakfast at school every day",
    "Arrange a place at the family support group",
    "Complete the referral to the domestic abuse service",
    "Visit the home every two weeks, seeing the children alone",
    "Attend the drug and alcohol service each week",
    "Book and keep the children's dental appointments",
    "Agree a written safety plan with the family",
    "Refer the family for help with housing repairs",
];

const EVIDENCE: &[&str] = &[
    "Confirmed by the school's attendance and breakfast club records.",
    "Discussed at the visit; the parents say this is going well.",
    "Seen at the home visit.",
    "The service confirmed attendance in writing.",
    "Not yet started: the waiting list is long.",
];

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()).and_utc()
}

/// Everything one family's history is made with.
struct Run<'a> {
    demo: &'a Demo,
    family: &'a DemoFamily,
    index: u32,
    calendar: &'a dyn WorkingCalendar,
    policies: &'a PolicyHistory,
    rng: Rng,
    coordinator: Acting,
    chair: Acting,
    chair_account: UserAccount,
    /// The strategy discussion of the next initial conference, when not the day the case
    /// opened (an earlier episode's).
    discussed: Option<NaiveDate>,
    history: DemoHistory,
}

type Made<T> = Result<T, String>;

fn refused(what: &str) -> impl Fn(ConferenceError) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl Run<'_> {
    fn today(&self) -> NaiveDate {
        self.demo.today
    }

    fn nation(&self) -> &'static NationDecisions {
        NationDecisions::for_nation(self.demo.options.nation)
    }

    fn reporter_referral(&self) -> Option<ReporterReferral> {
        self.nation().reporter_referral.map(|_| ReporterReferral {
            referred: false,
            reasons: "The family is working with the plan: no grounds for compulsory measures.".into(),
        })
    }

    fn next_conference_id(&self) -> ConferenceId {
        let number = self.index as u64 + 1;
        let k = self.history.conferences.len() + 1;
        ConferenceId(format!("{}-conference-{number:06}-h{k}", self.demo.prefix))
    }

    fn next_plan_id(&self) -> PlanId {
        let number = self.index as u64 + 1;
        let k = self.history.plans.len() + 1;
        PlanId(format!("{}-plan-{number:06}-{k}", self.demo.prefix))
    }

    fn previous_plans(&self, child: &ChildId, kind: PlanKind) -> u32 {
        self.history.plans.iter().filter(|p| &p.child_id == child && p.kind == kind).count() as u32
    }

    fn category(&mut self) -> PlanCategory {
        weighted(&mut self.rng, CATEGORIES)
    }

    /// Holds and closes a conference on `day` about `children` (the family's records), for a
    /// review after `previous`, deciding `outcome` for each child.
    fn hold(
        &mut self,
        children: &[&Child],
        day: NaiveDate,
        previous: Option<usize>,
        outcome: &dyn Fn(&ChildId) -> ChildOutcome,
    ) -> Made<usize> {
        if children.is_empty() {
            return Err("no child to hold a conference about".into());
        }
        let policy = self.policies.in_force(day).clone();
        let models: Vec<Child> = children.iter().map(|c| (*c).clone()).collect();
        let (request, requested_on) = match previous {
            None => {
                let discussed = self.discussed.unwrap_or(self.family.case.opened_on).min(day);
                let due_by = DeadlineRule::InitialConference
                    .due_date(discussed, self.calendar, self.policies.in_force(discussed))
                    .ok_or("no due date")?;
                (self.demo.initial_request(self.family, &models, discussed, due_by), discussed)
            }
            Some(p) => {
                let prev = &self.history.conferences[p];
                let held_on = prev.date().ok_or("the previous conference has no date")?;
                let latest = prev.next_review().map(|n| n.latest).ok_or("no review was set")?;
                let mut r = self.demo.initial_request(self.family, &models, held_on, latest);
                r.kind = ConferenceKind::Review;
                r.strategy_discussion_on = None;
                r.enquiry = None;
                r.harm_finding = None;
                r.reason = "The review of the children's child protection plans.".into();
                r.previous = Some(PreviousConference {
                    conference_id: prev.id().clone(),
                    held_on,
                    chair: prev.chair().cloned(),
                    exclusions: prev.exclusions_for_next_conference(),
                });
                for s in &mut r.children {
                    s.current_plan = self
                        .history
                        .plans
                        .iter()
                        .find(|p| p.child_id == s.child_id && p.is_active() && p.kind == PlanKind::ChildProtection)
                        .and_then(Plan::category);
                }
                (r, (day - Duration::days(20)).max(held_on + Duration::days(1)).min(day))
            }
        };
        let due_by = request.due_by;
        let id = self.next_conference_id();
        let coord = self.coordinator.clone();
        let chair = self.chair.clone();
        let mut c =
            Conference::request(&coord, id, request, requested_on, at(requested_on, 9)).map_err(refused("request"))?;
        let slot = Slot {
            date: day,
            time: NaiveTime::from_hms_opt([10, 14][(self.index % 2) as usize], 0, 0).unwrap_or_default(),
            venue: Some("Conference room 3, Northmoor Civic Centre (step-free access)".into()),
            video_link: None,
            chair: self.chair_account.id.clone(),
        };
        let delay = (day > due_by).then(|| DelayReason {
            kind: DelayReasonKind::ProfessionalsUnavailable,
            detail: "The police and the school could not attend an earlier date.".into(),
        });
        let demo = self.demo;
        c.schedule(
            &coord,
            slot,
            &self.chair_account,
            |u| demo.line_manager_of(u),
            delay,
            self.calendar,
            requested_on,
            at(requested_on, 10),
        )
        .map_err(refused("schedule"))?;
        let parents: Vec<_> =
            c.family_members().iter().filter(|m| m.is_parent_or_carer()).map(|m| m.adult_id.clone()).collect();
        let pros: Vec<_> = c.professionals().iter().map(|p| p.professional_id.clone()).collect();
        for a in &parents {
            c.invite_family_member(&coord, a, requested_on).map_err(refused("invite a parent"))?;
        }
        for p in &pros {
            c.invite_professional(&coord, p, requested_on).map_err(refused("invite a professional"))?;
        }
        let before = self.calendar.subtract_working_days(day, 1).max(requested_on);
        for a in &parents {
            let outcome = PreMeetingOutcome::Held { mode: PreMeetingMode::FaceToFace, on: before };
            c.record_pre_meeting(&chair, a, outcome, at(before, 11)).map_err(refused("pre-meeting"))?;
        }
        c.start_meeting(&chair, day, at(day, 10)).map_err(refused("start"))?;
        let invitations: Vec<(InvitationId, bool)> =
            c.invitations().iter().map(|i| (i.id, matches!(i.invitee, Invitee::FamilyMember { .. }))).collect();
        for (invitation, family) in invitations {
            let presence = if family {
                weighted(&mut self.rng, &[(Presence::InPerson, 700), (Presence::Remote, 100), (Presence::Absent, 200)])
            } else {
                weighted(
                    &mut self.rng,
                    &[
                        (Presence::InPerson, 450),
                        (Presence::Remote, 400),
                        (Presence::Apologies, 100),
                        (Presence::ReportOnly, 50),
                    ],
                )
            };
            let attendance =
                Attendance { invitation, presence, parts: vec![], arrived_late_at: None, left_early_at: None };
            c.record_attendance(&chair, attendance).map_err(refused("attendance"))?;
        }
        let first = children.first().map(|c| c.id.clone());
        let well = WORKING_WELL[self.rng.usize(0..WORKING_WELL.len())];
        c.add_discussion(&chair, DiscussionHeading::WorkingWell, well, None, None, false, at(day, 10))
            .map_err(refused("discussion"))?;
        let worry = WORRIES[self.rng.usize(0..WORRIES.len())];
        c.add_discussion(&chair, DiscussionHeading::Worries, worry, None, None, false, at(day, 10))
            .map_err(refused("discussion"))?;
        if children.len() > 1 && chance(&mut self.rng, 400) {
            let worry = "The eldest is caring for the younger children most evenings.";
            c.add_discussion(&chair, DiscussionHeading::Worries, worry, None, first.clone(), false, at(day, 10))
                .map_err(refused("discussion"))?;
        }
        let present: Vec<_> =
            pros.iter().filter(|p| c.is_present(&Person::Professional((*p).clone()))).cloned().collect();
        let ids: Vec<ChildId> = children.iter().map(|c| c.id.clone()).collect();
        let any_plan = ids.iter().any(|k| {
            matches!(
                outcome(k),
                ChildOutcome::ChildProtectionPlan { .. }
                    | ChildOutcome::ContinuePlan { .. }
                    | ChildOutcome::ChildInNeedPlan
            )
        });
        if any_plan {
            for n in 0..self.rng.usize(2..=3) {
                let what = ACTIONS[(self.rng.usize(0..ACTIONS.len()) + n) % ACTIONS.len()];
                let owner = match (self.rng.u32(0..3), present.first(), parents.first()) {
                    (0, Some(p), _) => ActionOwner::Professional(p.clone()),
                    (1, _, Some(a)) => ActionOwner::FamilyMember(a.clone()),
                    _ => ActionOwner::Agency("Northmoor Family Support Service".into()),
                };
                let due = self.calendar.add_working_days(day, self.rng.u32(10..=40));
                c.add_plan_action(&chair, ids.clone(), what, owner, due, day, at(day, 11))
                    .map_err(refused("plan action"))?;
            }
        }
        for k in &ids {
            let o = outcome(k);
            let view = if o.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan };
            for p in &present {
                c.record_professional_view(&chair, p, k, view, "As set out in my report.")
                    .map_err(refused("professional view"))?;
            }
            let input = DecisionInput {
                child: k.clone(),
                continuing_risk_of_significant_harm: o.is_child_protection_plan(),
                outcome: o,
                inquorate_reason: Some(
                    "The agencies present agreed to go ahead; the chair judged a decision could be made safely.".into(),
                ),
                reporter_referral: self.reporter_referral(),
            };
            c.decide(&chair, input, &policy, self.nation(), at(day, 11)).map_err(refused("decide"))?;
        }
        // DIS-01: now and then a professional present disagrees, and says why.
        if let Some(p) = present.last().filter(|_| chance(&mut self.rng, 70)) {
            let dissent = DissentInput {
                professional: p.clone(),
                child: first.clone(),
                reasons: "The risks are not yet reduced enough for this decision.".into(),
                discussed_with_chair: true,
                chair_response:
                    "The decision reflects the progress the family has made; the plan keeps the worries in view.".into(),
            };
            c.record_dissent(&chair, dissent, &policy, at(day, 12)).map_err(refused("dissent"))?;
        }
        c.close(&chair, None, &policy, self.calendar, at(day, 12)).map_err(refused("close"))?;
        if day + Duration::days(42) >= self.today() {
            self.history.before_outcome.push((self.history.conferences.len(), c.clone()));
        }
        // DEC-05, MIN-02, MIN-03: the outcome sent the same day; the record approved and sent
        // to the parents a few working days later (never after today).
        for a in &parents {
            c.record_outcome_sent(&coord, Recipient::FamilyMember(a.clone()), day, day, None)
                .map_err(refused("outcome sent"))?;
        }
        let written = self.calendar.add_working_days(day, self.rng.u32(2..=8)).min(self.today()).max(day);
        c.draft_record(&chair, None, at(written, 9)).map_err(refused("draft record"))?;
        c.approve_record(&chair, at(written, 15)).map_err(refused("approve record"))?;
        for a in &parents {
            c.distribute_record(
                &coord,
                Recipient::FamilyMember(a.clone()),
                DocumentLanguage::English,
                &policy,
                self.calendar,
                written,
            )
            .map_err(refused("send record"))?;
        }
        self.history.conferences.push(c);
        let at_index = self.history.conferences.len() - 1;
        self.follow(at_index)?;
        Ok(at_index)
    }

    /// PLAN-03, PLAN-04, PLAN-05: what the closed conference does to plans, as the store does
    /// it in the conference's transaction (`plans::follow_conference`).
    fn follow(&mut self, at_index: usize) -> Made<()> {
        let c = self.history.conferences[at_index].clone();
        let held_on = c.date().ok_or("no date")?;
        let policy = self.policies.in_force(held_on).clone();
        let network_due = DeadlineRule::ChildInNeedReview.due_date(held_on, self.calendar, &policy);
        for d in c.decisions() {
            let child = &d.child;
            match d.outcome {
                ChildOutcome::ChildProtectionPlan { .. } => {
                    let previous = self.previous_plans(child, PlanKind::ChildProtection);
                    let first = first_core_group_due(held_on, self.calendar, &policy);
                    let p = Plan::from_conference(&c, child, self.next_plan_id(), previous, first)
                        .ok_or("no plan from the conference")?;
                    self.history.plans.push(p);
                }
                ChildOutcome::ChildInNeedPlan => {
                    let previous = self.previous_plans(child, PlanKind::ChildInNeed);
                    let mut p =
                        Plan::child_in_need_from_conference(&c, child, self.next_plan_id(), previous, network_due)
                            .ok_or("no child in need plan from the conference")?;
                    self.write_child_in_need(&mut p)?;
                    self.history.plans.push(p);
                }
                ChildOutcome::ContinuePlan { .. }
                | ChildOutcome::EndPlanStepDownToChildInNeed
                | ChildOutcome::EndPlanNoFurtherPlan => {
                    let Some(i) = self
                        .history
                        .plans
                        .iter()
                        .position(|p| &p.child_id == child && p.kind == PlanKind::ChildProtection && p.is_active())
                    else {
                        continue;
                    };
                    if !self.history.plans[i].follow_review(&c) {
                        continue;
                    }
                    if d.outcome == ChildOutcome::EndPlanStepDownToChildInNeed {
                        let previous = self.previous_plans(child, PlanKind::ChildInNeed);
                        let id = self.next_plan_id();
                        let cin = self.history.plans[i].step_down(&c, id, previous, network_due);
                        if let Some(mut cin) = cin {
                            self.write_child_in_need(&mut cin)?;
                            self.history.plans.push(cin);
                        }
                    }
                }
                ChildOutcome::NoFurtherPlan => {}
            }
        }
        Ok(())
    }

    fn lead(p: &Plan) -> PlanActing {
        PlanActing { user_id: p.key_worker.clone(), leads: true, professional: None }
    }

    /// PLAN-04: the key worker writes the child in need plan's needs, services and outcomes.
    fn write_child_in_need(&mut self, p: &mut Plan) -> Made<()> {
        let details = ChildInNeedDetails {
            needs: "Regular meals, a settled routine and help to get to school every day.".into(),
            services: vec![
                Service {
                    service: "Family support worker, weekly visits".into(),
                    provider: "Northmoor Family Support Service".into(),
                    duration: "6 months".into(),
                },
                Service {
                    service: "Parenting programme".into(),
                    provider: "Children's centre".into(),
                    duration: "12 weeks".into(),
                },
            ],
            expected_outcomes: "The children attend school every day and are seen to be well cared for.".into(),
        };
        p.change_child_in_need(&Self::lead(p), details).map_err(|e| format!("child in need plan: {e}"))
    }

    /// CG-03: one core group meeting on `day` for every active child protection plan: the key
    /// worker and most of the group present, progress on every open action with its evidence
    /// (done, in progress or not done by the time it was due), a rating from each person present
    /// that rises as the plan works, and now and then a new action.
    fn core_group(&mut self, day: NaiveDate) -> Made<()> {
        let policy = self.policies.in_force(day).clone();
        let next = next_core_group_by(day, self.calendar, &policy);
        let today = self.today();
        for i in 0..self.history.plans.len() {
            let p = &self.history.plans[i];
            if !p.is_active() || p.kind != PlanKind::ChildProtection || p.started_on >= day {
                continue;
            }
            let meetings = p.core_group_meetings.len() as u8;
            let mut present = Vec::new();
            for m in &p.core_group {
                if matches!(m.person, Member::KeyWorker(_)) || chance(&mut self.rng, 750) {
                    present.push(m.person.clone());
                }
            }
            let safety = present
                .iter()
                .map(|m| SafetyRating { member: m.clone(), rating: (2 + meetings.min(5) + self.rng.u8(0..=3)).min(10) })
                .collect();
            let mut progress = Vec::new();
            for a in
                p.actions.iter().filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress))
            {
                let status = if a.due <= day {
                    weighted(
                        &mut self.rng,
                        &[(ActionStatus::Done, 650), (ActionStatus::InProgress, 250), (ActionStatus::NotDone, 100)],
                    )
                } else {
                    weighted(
                        &mut self.rng,
                        &[(ActionStatus::InProgress, 600), (ActionStatus::NotStarted, 250), (ActionStatus::Done, 150)],
                    )
                };
                let evidence = if status == ActionStatus::NotDone {
                    "Not done: the family moved the appointment twice.".to_owned()
                } else {
                    EVIDENCE[self.rng.usize(0..EVIDENCE.len())].to_owned()
                };
                progress.push(ActionProgress { number: a.number, status, evidence });
            }
            let new_actions = if chance(&mut self.rng, 350) {
                let what = ACTIONS[self.rng.usize(0..ACTIONS.len())];
                vec![NewAction {
                    what: what.into(),
                    owner: confer_domain::conference::ActionOwner::Agency("Northmoor Family Support Service".into()),
                    owner_name: "Northmoor Family Support Service".into(),
                    due: self.calendar.add_working_days(day, self.rng.u32(10..=30)),
                }]
            } else {
                Vec::new()
            };
            let input = CoreGroupMeetingInput {
                held_on: day,
                present,
                progress,
                safety,
                new_actions,
                concern_for_review: None,
            };
            let p = &mut self.history.plans[i];
            let who = Self::lead(p);
            p.record_core_group_meeting(&who, input, next, today.max(day), at(day, 14))
                .map_err(|e| format!("core group: {e}"))?;
        }
        Ok(())
    }

    fn born_before(&self, day: NaiveDate) -> Vec<&'_ Child> {
        self.family.children.iter().filter(|c| matches!(c.birth, Birth::Born(b) if b < day)).collect()
    }

    /// The children of an initial conference on `day`: those born by then, or (none born)
    /// the unborn child at a pre-birth conference.
    fn subjects(&self, day: NaiveDate) -> Vec<&'_ Child> {
        // S47-01: no conference without a parent or carer to invite (an unborn child's alone).
        if !self.family.relationships.iter().any(|r| r.parental_responsibility || r.carer) {
            return Vec::new();
        }
        let born = self.born_before(day);
        if !born.is_empty() {
            return born;
        }
        self.family
            .children
            .iter()
            .filter(|c| matches!(c.birth, Birth::Unborn { expected } if expected - day < Duration::days(250)))
            .collect()
    }

    /// The active child protection plans' children.
    fn on_plans(&self) -> Vec<&'_ Child> {
        self.family
            .children
            .iter()
            .filter(|c| {
                self.history
                    .plans
                    .iter()
                    .any(|p| p.child_id == c.id && p.kind == PlanKind::ChildProtection && p.is_active())
            })
            .collect()
    }

    /// An earlier plan that ended at a review before this case opened (a repeat plan now).
    fn earlier(&mut self, e: EarlierPlan) -> Made<()> {
        let children: Vec<&Child> = self.born_before(e.referral);
        let children: Vec<Child> = children.into_iter().cloned().collect();
        if children.is_empty() {
            return Ok(());
        }
        let refs: Vec<&Child> = children.iter().collect();
        let category = self.category();
        self.discussed = Some(e.referral);
        let first = self.hold(&refs, e.icpc, None, &|_| ChildOutcome::ChildProtectionPlan { category });
        self.discussed = None;
        let first = first?;
        let refs: Vec<&Child> = children.iter().collect();
        self.hold(&refs, e.ended, Some(first), &|_| ChildOutcome::EndPlanNoFurtherPlan)?;
        Ok(())
    }
}

impl Demo {
    /// The earlier, ended plan of a family at the child protection plan stage whose children
    /// come back to one (about 1 in 12): its episode ends at least a month before the case
    /// opened. The census details give those children that episode too.
    pub fn earlier_plan<C: WorkingCalendar + ?Sized>(
        &self,
        family: &DemoFamily,
        index: u32,
        calendar: &C,
    ) -> Option<EarlierPlan> {
        if family.case.stage != CaseStage::ChildProtectionPlan {
            return None;
        }
        let mut rng = Rng::with_seed(splitmix64(splitmix64(self.options.seed ^ 0xEA_211E) ^ index as u64));
        if !chance(&mut rng, 80) {
            return None;
        }
        let opened = family.case.opened_on;
        let referral = on_or_before(calendar, opened - Duration::days(rng.i64(400..=800)));
        let icpc = calendar.add_working_days(referral, rng.u32(8..=14));
        let ended = on_or_before(calendar, icpc + Duration::days(rng.i64(70..=85)));
        let born = family.children.iter().any(|c| matches!(c.birth, Birth::Born(b) if b < referral));
        (born && ended + Duration::days(30) < opened).then_some(EarlierPlan { referral, icpc, ended })
    }

    /// The held conferences and plans of the family at `index` (made by [`Demo::family`]), with
    /// its `deadlines` ([`Demo::deadlines`]), the authority's calendar and policy history.
    /// Empty for families with nothing held.
    pub fn history(
        &self,
        family: &DemoFamily,
        index: u32,
        deadlines: &[DemoDeadline],
        calendar: &dyn WorkingCalendar,
        policies: &PolicyHistory,
    ) -> DemoHistory {
        self.try_history(family, index, deadlines, calendar, policies).unwrap_or_default()
    }

    /// [`Demo::history`], saying which step the domain refused (for the tests: none should be).
    pub fn try_history(
        &self,
        family: &DemoFamily,
        index: u32,
        deadlines: &[DemoDeadline],
        calendar: &dyn WorkingCalendar,
        policies: &PolicyHistory,
    ) -> Result<DemoHistory, String> {
        let stage = family.case.stage;
        if !matches!(stage, CaseStage::ChildProtectionPlan | CaseStage::ChildInNeedPlan | CaseStage::Closed) {
            return Ok(DemoHistory::default());
        }
        let coordinator = self.demo_account(Role::Coordinator).ok_or("no coordinator")?;
        let chair_id = self.chair_for(family, index).ok_or("no chair")?;
        let chair_account = self.user(&chair_id).ok_or("no chair account")?.clone();
        let mut run = Run {
            demo: self,
            family,
            index,
            calendar,
            policies,
            rng: Rng::with_seed(splitmix64(splitmix64(self.options.seed ^ 0x4E1D_C0DE) ^ index as u64)),
            coordinator: Acting::new(coordinator.id.clone(), &[Role::Coordinator], &[]),
            chair: Acting::new(chair_id, &[Role::Chair], &[Relationship::ConferenceChair]),
            chair_account,
            discussed: None,
            history: DemoHistory::default(),
        };
        let today = self.today;
        let yesterday = today - Duration::days(1);
        let opened = family.case.opened_on;
        match stage {
            CaseStage::ChildProtectionPlan => {
                if let Some(e) = self.earlier_plan(family, index, calendar) {
                    run.earlier(e)?;
                }
                let met = |rule: DeadlineRule| deadlines.iter().filter(move |d| d.deadline.rule == rule);
                let Some(icpc) = met(DeadlineRule::InitialConference).find_map(|d| d.met) else {
                    return Ok(run.history);
                };
                if !calendar.is_working_day(icpc) || icpc < opened || icpc > yesterday {
                    return Ok(run.history);
                }
                let mut reviews: Vec<NaiveDate> = deadlines
                    .iter()
                    .filter(|d| matches!(d.deadline.rule, DeadlineRule::FirstReview | DeadlineRule::NextReview))
                    .filter_map(|d| d.met)
                    .collect();
                reviews.sort();
                let first_core = met(DeadlineRule::FirstCoreGroup).find_map(|d| d.met).filter(|d| *d <= yesterday);
                let last_core = met(DeadlineRule::NextCoreGroup).map(|d| d.deadline.trigger).next();
                // Each child decided at the initial conference: mostly a plan, now and then a
                // child in need plan or no further action for a sibling.
                let subjects: Vec<Child> = run.subjects(icpc).into_iter().cloned().collect();
                if subjects.is_empty() {
                    return Ok(run.history);
                }
                let category = run.category();
                let mut outcomes: Vec<(ChildId, ChildOutcome)> = Vec::new();
                for (k, c) in subjects.iter().enumerate() {
                    let o = if k == 0 {
                        ChildOutcome::ChildProtectionPlan { category }
                    } else {
                        match run.rng.u32(0..100) {
                            0..=84 => ChildOutcome::ChildProtectionPlan { category },
                            85..=94 => ChildOutcome::ChildInNeedPlan,
                            _ => ChildOutcome::NoFurtherPlan,
                        }
                    };
                    outcomes.push((c.id.clone(), o));
                }
                let decide = |k: &ChildId| {
                    outcomes.iter().find(|(c, _)| c == k).map(|(_, o)| o.clone()).unwrap_or(ChildOutcome::NoFurtherPlan)
                };
                let refs: Vec<&Child> = subjects.iter().collect();
                let mut last = run.hold(&refs, icpc, None, &decide)?;
                // The core group's meetings: the first, then every six weeks or so to the latest.
                let mut cores: Vec<NaiveDate> = Vec::new();
                if let Some(first) = first_core {
                    cores.push(first);
                    let end = last_core.unwrap_or(first);
                    let mut d = calendar.add_working_days(first, 30);
                    while d < end && cores.len() < 16 {
                        cores.push(d);
                        d = calendar.add_working_days(d, 30);
                    }
                    if end > first {
                        cores.push(end);
                    }
                }
                let mut events: Vec<(NaiveDate, bool)> =
                    cores.iter().map(|d| (*d, false)).chain(reviews.iter().map(|d| (*d, true))).collect();
                events.sort();
                let reviews_held = reviews.len();
                let mut held = 0;
                for (day, review) in events {
                    if !review {
                        run.core_group(day)?;
                        continue;
                    }
                    held += 1;
                    let children: Vec<Child> = run.on_plans().into_iter().cloned().collect();
                    if children.is_empty() {
                        break;
                    }
                    // Reviews continue the plans (now and then under a new category); at a
                    // review before the latest a sibling may step down to a child in need plan.
                    let change = chance(&mut run.rng, 120).then(|| run.category());
                    let step_down = held < reviews_held && children.len() > 1 && chance(&mut run.rng, 200);
                    let last_child = children.last().map(|c| c.id.clone());
                    let current: Vec<(ChildId, Option<PlanCategory>)> = children
                        .iter()
                        .map(|c| {
                            let cat = run
                                .history
                                .plans
                                .iter()
                                .find(|p| p.child_id == c.id && p.is_active() && p.kind == PlanKind::ChildProtection)
                                .and_then(Plan::category);
                            (c.id.clone(), cat)
                        })
                        .collect();
                    let decide = |k: &ChildId| {
                        if step_down && Some(k) == last_child.as_ref() {
                            return ChildOutcome::EndPlanStepDownToChildInNeed;
                        }
                        let now = current.iter().find(|(c, _)| c == k).and_then(|(_, x)| *x);
                        ChildOutcome::ContinuePlan { category: change.or(now).unwrap_or(PlanCategory::Neglect) }
                    };
                    let refs: Vec<&Child> = children.iter().collect();
                    last = run.hold(&refs, day, Some(last), &decide)?;
                }
            }
            CaseStage::ChildInNeedPlan => {
                let icpc = on_or_before(calendar, calendar.add_working_days(opened, run.rng.u32(8..=14)));
                if icpc <= opened || icpc > yesterday {
                    return Ok(run.history);
                }
                let subjects: Vec<Child> = run.subjects(icpc).into_iter().cloned().collect();
                if subjects.is_empty() {
                    return Ok(run.history);
                }
                let refs: Vec<&Child> = subjects.iter().collect();
                let review = on_or_before(calendar, icpc + Duration::days(run.rng.i64(75..=88)));
                if review < yesterday && chance(&mut run.rng, 450) {
                    // A plan that worked: the first review stepped down to a child in need plan.
                    let category = run.category();
                    let first = run.hold(&refs, icpc, None, &|_| ChildOutcome::ChildProtectionPlan { category })?;
                    let core = calendar.add_working_days(icpc, run.rng.u32(5..=10));
                    if core < review {
                        run.core_group(core)?;
                    }
                    run.hold(&refs, review, Some(first), &|_| ChildOutcome::EndPlanStepDownToChildInNeed)?;
                } else {
                    run.hold(&refs, icpc, None, &|_| ChildOutcome::ChildInNeedPlan)?;
                }
            }
            CaseStage::Closed => {
                // The episode's closure (the census details) bounds everything that happened.
                let closed = self
                    .census(family, index, calendar)
                    .iter()
                    .flat_map(|s| s.episodes.iter().filter_map(|e| e.closure_date))
                    .max()
                    .unwrap_or(yesterday)
                    .min(yesterday);
                if !chance(&mut run.rng, 650) {
                    return Ok(run.history);
                }
                let icpc = on_or_before(calendar, calendar.add_working_days(opened, run.rng.u32(8..=14)));
                if icpc <= opened || icpc + Duration::days(10) > closed {
                    return Ok(run.history);
                }
                let subjects: Vec<Child> = run.subjects(icpc).into_iter().cloned().collect();
                if subjects.is_empty() {
                    return Ok(run.history);
                }
                let refs: Vec<&Child> = subjects.iter().collect();
                let review = on_or_before(calendar, icpc + Duration::days(run.rng.i64(75..=88)));
                let roll = run.rng.u32(0..100);
                let category = run.category();
                match roll {
                    // No further action at the initial conference.
                    0..=24 => {
                        run.hold(&refs, icpc, None, &|_| ChildOutcome::NoFurtherPlan)?;
                    }
                    // A plan ended by its first review.
                    25..=59 if review <= closed => {
                        let first = run.hold(&refs, icpc, None, &|_| ChildOutcome::ChildProtectionPlan { category })?;
                        run.hold(&refs, review, Some(first), &|_| ChildOutcome::EndPlanNoFurtherPlan)?;
                    }
                    // A child in need plan, no longer needed by the time the case closed.
                    60..=74 => {
                        run.hold(&refs, icpc, None, &|_| ChildOutcome::ChildInNeedPlan)?;
                        let ended = closed.max(icpc + Duration::days(1));
                        for p in run.history.plans.iter_mut().filter(|p| p.is_active()) {
                            let who = Run::lead(p);
                            p.end(
                                &who,
                                EndReason::NoLongerNeeded,
                                "The network meeting agreed the plan's outcomes were met.",
                                ended,
                            )
                            .map_err(|e| format!("end: {e}"))?;
                        }
                    }
                    // PLAN-05: a plan that ended because of the child's circumstances.
                    _ => {
                        run.hold(&refs, icpc, None, &|_| ChildOutcome::ChildProtectionPlan { category })?;
                        let ended = closed.max(icpc + Duration::days(1));
                        let reason = match run.rng.u32(0..100) {
                            0..=59 => EndReason::TransferOut,
                            60..=89 => EndReason::Adopted,
                            // A child who died: only where one child was on a plan.
                            _ if refs.len() == 1 => EndReason::Died,
                            _ => EndReason::Adopted,
                        };
                        let mut deaths = Vec::new();
                        for p in run.history.plans.iter_mut().filter(|p| p.is_active()) {
                            let who = Run::lead(p);
                            match reason {
                                EndReason::TransferOut => {
                                    let to = TransferOut {
                                        authority: "Eastmarsh Borough Council".into(),
                                        notified_on: ended,
                                        transfer_in_due_by: DeadlineRule::TransferInConference.due_date(
                                            ended,
                                            calendar,
                                            policies.in_force(ended),
                                        ),
                                        receiving_authority_id: None,
                                    };
                                    p.transfer_out(&who, to, ended, today).map_err(|e| format!("transfer out: {e}"))?;
                                }
                                EndReason::Died => {
                                    p.end(&who, EndReason::Died, "", ended).map_err(|e| format!("end: {e}"))?;
                                    deaths.push((p.child_id.clone(), ended));
                                }
                                r => p.end(&who, r, "", ended).map_err(|e| format!("end: {e}"))?,
                            }
                        }
                        run.history.deaths = deaths;
                    }
                }
            }
            _ => {}
        }
        Ok(run.history)
    }
}
