//! The live meeting and the record as GOV.UK task lists (issue 11), next to the conference's
//! own ([`super::tasks`]): which tasks the chair and the note taker work through, in the order
//! a chair runs a conference (MEET-01..07, DEC-01..04, DIS-01, REV-01), and the record's
//! sections, approval, sending and corrections (MIN-01..05). Decided here so the pages only
//! show them. Like the conference's tasks, nothing here refuses anything: each operation still
//! decides its own step.

use super::{ChildOutcome, Conference, ConferenceState, Person, Recipient, TaskStatus};
use chrono::NaiveDate;

crate::text_enum! {
    /// One task of the live meeting, in the order a chair runs a conference. The text is the
    /// task's slug (its page is `/conferences/{id}/meeting/{slug}`).
    pub enum MeetingTask {
        Attendance => "attendance", "Attendance and apologies";
        PreMeetings => "pre-meetings", "The chair's meetings with parents first";
        Consent => "consent", "Recording consent and exclusions in force";
        ChildrensViews => "childrens-views", "Each child's views and letters to the chair";
        Views => "views", "Each professional's and the parents' views";
        Discussion => "discussion", "Discussion points";
        Decisions => "decisions", "The decision for each child";
        Dissent => "dissent", "Dissent";
        Plan => "plan", "The plan outline: actions agreed";
        Recommendations => "recommendations", "Recommendations of legal action";
        Close => "close", "Next review date and close";
    }
}

/// A task of the meeting or the record and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepState<T> {
    pub task: T,
    pub status: TaskStatus,
    /// What is left, or why it cannot start yet, in a few words.
    pub hint: Option<&'static str>,
    /// Past the date a rule sets for it (DEC-05).
    pub late: bool,
}

impl<T> StepState<T> {
    fn new(task: T, status: TaskStatus) -> Self {
        StepState { task, status, hint: None, late: false }
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// Nothing done, some done, all done.
fn progress(done: usize, outstanding: usize) -> TaskStatus {
    match (done, outstanding) {
        (_, 0) => TaskStatus::Completed,
        (0, _) => TaskStatus::NotStarted,
        _ => TaskStatus::InProgress,
    }
}

/// Whether a decision means a plan the conference outlines actions for (PLAN-03, PLAN-04).
fn has_plan(outcome: &ChildOutcome) -> bool {
    matches!(
        outcome,
        ChildOutcome::ChildProtectionPlan { .. }
            | ChildOutcome::ContinuePlan { .. }
            | ChildOutcome::ChildInNeedPlan
            | ChildOutcome::EndPlanStepDownToChildInNeed
    )
}

impl Conference {
    /// The meeting's tasks and their status, in the order a chair runs a conference.
    pub fn meeting_tasks(&self) -> Vec<StepState<MeetingTask>> {
        MeetingTask::ALL.iter().map(|t| self.meeting_task(*t)).collect()
    }

    /// One task of the meeting.
    pub fn meeting_task(&self, task: MeetingTask) -> StepState<MeetingTask> {
        use TaskStatus::*;
        let state = self.state();
        if state == ConferenceState::Cancelled {
            return StepState::new(task, CannotStart).hint("The conference was cancelled");
        }
        let before = matches!(state, ConferenceState::Requested | ConferenceState::Scheduled);
        let parents: Vec<_> = self.family_members().iter().filter(|m| m.is_parent_or_carer()).collect();
        match task {
            // MEET-01: before the conference, each invited parent and carer.
            MeetingTask::PreMeetings if self.slot().is_none() => {
                StepState::new(task, CannotStart).hint("Schedule the conference first")
            }
            MeetingTask::PreMeetings => {
                StepState::new(task, progress(self.pre_meetings().len(), self.pre_meetings_missing().len()))
            }
            // MEET-03: every parent's and carer's answer before recording starts.
            MeetingTask::Consent if parents.is_empty() => {
                StepState::new(task, Completed).hint("There is no parent or carer to ask")
            }
            MeetingTask::Consent => {
                let answered = |a: &crate::model::AdultId| self.recording_consents().iter().any(|c| &c.adult_id == a);
                let missing = parents.iter().filter(|m| !answered(&m.adult_id)).count();
                let status = if self.is_audio_recorded() {
                    Completed
                } else {
                    progress(self.recording_consents().len(), missing)
                };
                StepState::new(task, status)
            }
            _ if before => StepState::new(task, CannotStart).hint("The chair starts the conference on the day"),
            // MEET-02: everyone invited, present or not.
            MeetingTask::Attendance => {
                let recorded = self.attendance().len();
                let missing = self
                    .invitations()
                    .iter()
                    .filter(|i| !self.attendance().iter().any(|a| a.invitation == i.id))
                    .count();
                StepState::new(task, progress(recorded, missing))
            }
            // INV-07, CHILD-02: letters, drawings and recordings put before the conference.
            MeetingTask::ChildrensViews if self.views().is_empty() => {
                StepState::new(task, Completed).hint("No views were gathered before the meeting")
            }
            MeetingTask::ChildrensViews => {
                let presented = self.views().iter().filter(|v| v.presented.is_some()).count();
                StepState::new(task, progress(presented, self.views_not_presented().len()))
            }
            // DEC-02: each professional present, for each child; the parents present.
            MeetingTask::Views => {
                let present = |p: Person| self.is_present(&p);
                if !self.attendance().iter().any(|a| a.presence.is_present()) {
                    return StepState::new(task, NotStarted).hint("Record who is present first");
                }
                let mut missing = 0;
                for p in self.professionals() {
                    if present(Person::Professional(p.professional_id.clone())) {
                        for ch in self.children() {
                            let given = self
                                .professional_views()
                                .iter()
                                .any(|v| v.professional == p.professional_id && v.child == ch.child_id);
                            missing += usize::from(!given);
                        }
                    }
                }
                for m in &parents {
                    if present(Person::FamilyMember(m.adult_id.clone())) {
                        missing += usize::from(!self.parent_views().iter().any(|v| v.adult_id == m.adult_id));
                    }
                }
                let done = self.professional_views().len() + self.parent_views().len();
                StepState::new(task, progress(done, missing))
            }
            // MEET-05: something under each of the six headings.
            MeetingTask::Discussion => {
                let all = super::DiscussionHeading::ALL;
                let covered = all.iter().filter(|h| self.discussion().iter().any(|d| d.heading == **h)).count();
                StepState::new(task, progress(covered, all.len() - covered)).hint("Under the six headings")
            }
            // DEC-01: one decision for each child.
            MeetingTask::Decisions => {
                let decided = self.children().iter().filter(|c| self.decision_for(&c.child_id).is_some()).count();
                StepState::new(task, progress(decided, self.children().len() - decided))
            }
            // DIS-01: only if a professional who attended disagrees.
            MeetingTask::Dissent if self.dissents().is_empty() => {
                StepState::new(task, NotStarted).hint("Only if a professional disagrees with the decision")
            }
            MeetingTask::Dissent => StepState::new(task, Completed),
            // MEET-07, PLAN-03: at least one action for each child with a plan.
            MeetingTask::Plan => {
                let planned: Vec<_> = self.decisions().iter().filter(|d| has_plan(&d.outcome)).collect();
                let missing = planned
                    .iter()
                    .filter(|d| !self.plan_actions().iter().any(|a| a.children.contains(&d.child)))
                    .count();
                if planned.is_empty() && self.plan_actions().is_empty() {
                    StepState::new(task, NotStarted).hint("The actions agreed for each child with a plan")
                } else {
                    StepState::new(task, progress(self.plan_actions().len(), missing))
                }
            }
            // DEC-04: only if the conference recommends the authority consider legal action.
            MeetingTask::Recommendations if self.legal_recommendations().is_empty() => {
                StepState::new(task, NotStarted).hint("Only if the conference recommends legal action")
            }
            MeetingTask::Recommendations => StepState::new(task, Completed),
            // DEC-05, REV-01, INV-07: every child decided and every letter presented first.
            MeetingTask::Close if state == ConferenceState::Closed => StepState::new(task, Completed),
            MeetingTask::Close => {
                let undecided = self.children().iter().any(|c| self.decision_for(&c.child_id).is_none());
                if undecided || !self.views_not_presented().is_empty() {
                    StepState::new(task, CannotStart)
                        .hint("Decide for each child and put every letter, drawing and recording before it first")
                } else {
                    StepState::new(task, NotStarted)
                }
            }
        }
    }
}

/// One task of the record (MIN-01..05): sections are numbered from 1, as the pages show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTask {
    /// DEC-05: the written outcome to each parent and professional.
    Outcome,
    /// MIN-01: the draft written from what the meeting recorded.
    Draft,
    /// MIN-01: one section of the draft (or of the approved record), from 1.
    Section(usize),
    /// MIN-02: the chair's approval.
    Approve,
    /// MIN-03: each parent and professional sent the latest version.
    Distribute,
    /// MIN-04/05: correction requests and the chair's answers.
    Corrections,
}

impl RecordTask {
    /// The task's slug (its list item's id and its page's path under `/record`).
    pub fn slug(self) -> String {
        match self {
            RecordTask::Outcome => "outcome".into(),
            RecordTask::Draft => "draft".into(),
            RecordTask::Section(n) => format!("section-{n}"),
            RecordTask::Approve => "approve".into(),
            RecordTask::Distribute => "distribute".into(),
            RecordTask::Corrections => "corrections".into(),
        }
    }
}

impl Conference {
    /// The record's tasks and their status today: the written outcome, the draft, each of its
    /// sections, the chair's approval, sending it, and corrections.
    pub fn record_tasks(&self, today: NaiveDate) -> Vec<StepState<RecordTask>> {
        let rec = self.record();
        let sections = rec.draft.as_ref().map(|d| d.sections.len()).or(rec.latest().map(|v| v.sections.len()));
        let mut out = vec![self.record_task(RecordTask::Outcome, today), self.record_task(RecordTask::Draft, today)];
        out.extend((1..=sections.unwrap_or(0)).map(|n| self.record_task(RecordTask::Section(n), today)));
        for t in [RecordTask::Approve, RecordTask::Distribute, RecordTask::Corrections] {
            out.push(self.record_task(t, today));
        }
        out
    }

    /// One task of the record today.
    pub fn record_task(&self, task: RecordTask, today: NaiveDate) -> StepState<RecordTask> {
        use TaskStatus::*;
        let rec = self.record();
        if self.state() != ConferenceState::Closed {
            return StepState::new(task, CannotStart).hint("After the meeting closes");
        }
        let approved = rec.latest().is_some();
        match task {
            RecordTask::Outcome => {
                let missing = self.outcome_not_sent().len();
                let mut s = StepState::new(task, progress(self.outcome_sent().len(), missing));
                s.late = missing > 0 && self.outcome_due_by().is_some_and(|by| today > by);
                s
            }
            RecordTask::Draft if approved || rec.draft.is_some() => StepState::new(task, Completed),
            RecordTask::Draft => StepState::new(task, NotStarted),
            RecordTask::Section(_) if approved => StepState::new(task, Completed),
            RecordTask::Section(_) if rec.draft.is_some() => {
                StepState::new(task, InProgress).hint("Draft: check it before the chair approves")
            }
            RecordTask::Section(_) => StepState::new(task, CannotStart).hint("Write the draft first"),
            RecordTask::Approve if approved => StepState::new(task, Completed),
            RecordTask::Approve if rec.draft.is_some() => StepState::new(task, NotStarted),
            RecordTask::Approve => StepState::new(task, CannotStart).hint("Write the draft first"),
            RecordTask::Distribute if !approved => {
                StepState::new(task, CannotStart).hint("Once the chair approves it: drafts are never sent")
            }
            RecordTask::Distribute => {
                let missing = self.record_not_sent().len();
                let sent = rec.distribution.len();
                StepState::new(task, progress(sent, missing))
            }
            RecordTask::Corrections if !approved => {
                StepState::new(task, CannotStart).hint("Once the record is approved")
            }
            RecordTask::Corrections if rec.correction_requests.is_empty() => {
                StepState::new(task, NotStarted).hint("Only if a parent asks for a correction")
            }
            RecordTask::Corrections => {
                let waiting = rec.correction_requests.iter().filter(|r| r.answer.is_none()).count();
                StepState::new(task, if waiting == 0 { Completed } else { InProgress })
            }
        }
    }

    /// MIN-03: invited parents, carers and professionals not yet sent the latest approved
    /// version (a correction makes a new version, which goes to them again).
    pub fn record_not_sent(&self) -> Vec<Recipient> {
        let Some(latest) = self.record().latest() else { return Vec::new() };
        self.invitations()
            .iter()
            .filter_map(|i| match i.person()? {
                Person::FamilyMember(a) => Some(Recipient::FamilyMember(a)),
                Person::Professional(p) => Some(Recipient::Professional(p)),
                Person::Child(_) => None,
            })
            .filter(|r| !self.record().distribution.iter().any(|s| &s.recipient == r && s.version == latest.number))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::super::*;
    use super::{MeetingTask, RecordTask};

    fn status(c: &Conference, t: MeetingTask) -> TaskStatus {
        c.meeting_task(t).status
    }

    fn record_status(c: &Conference, t: RecordTask) -> TaskStatus {
        c.record_task(t, d("2026-11-23")).status
    }

    #[test]
    fn the_meeting_tasks_are_in_the_order_a_chair_runs_a_conference_meet_01_meet_02_dec_01_rev_01() {
        let order: Vec<&str> = started().meeting_tasks().iter().map(|t| t.task.as_str()).collect();
        assert_eq!(
            order,
            [
                "attendance",
                "pre-meetings",
                "consent",
                "childrens-views",
                "views",
                "discussion",
                "decisions",
                "dissent",
                "plan",
                "recommendations",
                "close"
            ]
        );
    }

    #[test]
    fn before_the_start_only_the_pre_meetings_and_consent_can_be_worked_on_meet_01_meet_03() {
        let c = invited();
        assert_eq!(status(&c, MeetingTask::PreMeetings), TaskStatus::NotStarted);
        assert_eq!(status(&c, MeetingTask::Consent), TaskStatus::NotStarted);
        for t in [MeetingTask::Attendance, MeetingTask::Discussion, MeetingTask::Decisions, MeetingTask::Close] {
            assert_eq!(status(&c, t), TaskStatus::CannotStart, "{t:?}");
        }
        assert_eq!(status(&requested(), MeetingTask::PreMeetings), TaskStatus::CannotStart, "no date yet");
        assert_eq!(status(&started(), MeetingTask::PreMeetings), TaskStatus::Completed, "both parents met");
    }

    #[test]
    fn attendance_is_completed_when_everyone_invited_is_recorded_meet_02() {
        let mut c = started();
        assert_eq!(status(&c, MeetingTask::Attendance), TaskStatus::NotStarted);
        mark_present(&mut c, Person::FamilyMember(mum()));
        assert_eq!(status(&c, MeetingTask::Attendance), TaskStatus::InProgress);
        assert_eq!(status(&attended(), MeetingTask::Attendance), TaskStatus::Completed);
    }

    #[test]
    fn views_wait_for_attendance_then_need_each_professional_for_each_child_and_each_parent_dec_02() {
        assert_eq!(status(&started(), MeetingTask::Views), TaskStatus::NotStarted);
        assert!(started().meeting_task(MeetingTask::Views).hint.is_some());
        let mut c = attended();
        assert_eq!(status(&c, MeetingTask::Views), TaskStatus::NotStarted);
        for child in ["amy", "ben", "cara"] {
            views_for(&mut c, child, PlanView::Plan);
        }
        assert_eq!(status(&c, MeetingTask::Views), TaskStatus::InProgress, "the parents' views are still to come");
        for a in [mum(), dad()] {
            c.record_parent_view(&note_taker(), &a, None, "We will work with the plan.").expect("parent view");
        }
        assert_eq!(status(&c, MeetingTask::Views), TaskStatus::Completed);
    }

    #[test]
    fn the_discussion_is_completed_with_a_point_under_each_of_the_six_headings_meet_05() {
        let mut c = attended();
        assert_eq!(status(&c, MeetingTask::Discussion), TaskStatus::NotStarted);
        for (i, h) in DiscussionHeading::ALL.iter().enumerate() {
            c.add_discussion(&note_taker(), *h, "Said in the meeting.", None, None, false, at("2026-11-20 10:30"))
                .expect("discussion");
            let expected =
                if i + 1 == DiscussionHeading::ALL.len() { TaskStatus::Completed } else { TaskStatus::InProgress };
            assert_eq!(status(&c, MeetingTask::Discussion), expected);
        }
    }

    #[test]
    fn decisions_plan_and_close_follow_each_child_dec_01_meet_07_plan_03_dec_05() {
        let c = attended();
        assert_eq!(status(&c, MeetingTask::Decisions), TaskStatus::NotStarted);
        assert_eq!(status(&c, MeetingTask::Close), TaskStatus::CannotStart, "no child decided yet");
        let mut c = decided();
        assert_eq!(status(&c, MeetingTask::Decisions), TaskStatus::Completed);
        assert_eq!(status(&c, MeetingTask::Close), TaskStatus::NotStarted);
        assert_eq!(status(&c, MeetingTask::Plan), TaskStatus::NotStarted, "three children with a plan, no action");
        c.add_plan_action(
            &note_taker(),
            vec![kid("amy"), kid("ben")],
            "Breakfast club every school day",
            ActionOwner::Agency("School".into()),
            d("2026-12-18"),
            d(CONFERENCE_DAY),
            at("2026-11-20 11:45"),
        )
        .expect("action");
        assert_eq!(status(&c, MeetingTask::Plan), TaskStatus::InProgress, "Cara has no action yet");
        c.add_plan_action(
            &note_taker(),
            vec![kid("cara")],
            "Nursery place",
            ActionOwner::Agency("Health visiting".into()),
            d("2026-12-18"),
            d(CONFERENCE_DAY),
            at("2026-11-20 11:50"),
        )
        .expect("action");
        assert_eq!(status(&c, MeetingTask::Plan), TaskStatus::Completed);
        close(&mut c).expect("close");
        assert_eq!(status(&c, MeetingTask::Close), TaskStatus::Completed);
    }

    #[test]
    fn a_letter_to_the_chair_must_be_presented_before_the_close_can_start_inv_07() {
        let mut c = invited();
        c.record_views(
            &social_worker(),
            ViewsGiven {
                whose: Person::Child(kid("amy")),
                form: ViewsForm::Letter,
                summary: "I want to stay at my school.".into(),
                how_obtained: "She wrote it".into(),
                obtained_by: "Sam Social".into(),
                obtained_on: d("2026-11-12"),
                supported_by: None,
            },
        )
        .expect("views");
        pre_meet_parents(&mut c);
        start(&mut c).expect("start");
        assert_eq!(status(&c, MeetingTask::ChildrensViews), TaskStatus::NotStarted);
        let id = c.views()[0].id;
        c.present_views(&chair(), id, at("2026-11-20 10:20")).expect("present");
        assert_eq!(status(&c, MeetingTask::ChildrensViews), TaskStatus::Completed);
        assert_eq!(
            started().meeting_task(MeetingTask::ChildrensViews).hint,
            Some("No views were gathered before the meeting")
        );
    }

    #[test]
    fn dissent_and_recommendations_are_only_if_needed_dis_01_dec_04() {
        let c = decided();
        for t in [MeetingTask::Dissent, MeetingTask::Recommendations] {
            let s = c.meeting_task(t);
            assert_eq!(s.status, TaskStatus::NotStarted);
            assert!(s.hint.is_some_and(|h| h.starts_with("Only if")), "{t:?}");
        }
    }

    #[test]
    fn a_cancelled_conference_has_no_meeting_to_run() {
        let mut c = scheduled();
        c.cancel(&coordinator(), "The family moved away.", at("2026-11-06 10:00")).expect("cancel");
        assert!(c.meeting_tasks().iter().all(|t| t.status == TaskStatus::CannotStart));
    }

    #[test]
    fn the_record_cannot_start_before_the_close_then_drafts_each_section_min_01() {
        let c = decided();
        assert!(c.record_tasks(d("2026-11-20")).iter().all(|t| t.status == TaskStatus::CannotStart));
        let mut c = closed();
        let tasks = c.record_tasks(d("2026-11-20"));
        assert_eq!(tasks.len(), 5, "no sections before the draft: {tasks:?}");
        assert_eq!(record_status(&c, RecordTask::Draft), TaskStatus::NotStarted);
        assert_eq!(record_status(&c, RecordTask::Approve), TaskStatus::CannotStart);
        c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
        let tasks = c.record_tasks(d("2026-11-23"));
        let sections = c.record().draft.as_ref().map(|d| d.sections.len()).unwrap_or(0);
        assert_eq!(tasks.len(), 5 + sections, "one task per section of the draft");
        assert_eq!(tasks[2].task, RecordTask::Section(1));
        assert_eq!(tasks[2].status, TaskStatus::InProgress);
        assert_eq!(record_status(&c, RecordTask::Draft), TaskStatus::Completed);
        assert_eq!(record_status(&c, RecordTask::Approve), TaskStatus::NotStarted);
        assert_eq!(record_status(&c, RecordTask::Distribute), TaskStatus::CannotStart, "drafts are never sent");
    }

    #[test]
    fn approved_then_sent_to_each_parent_and_professional_then_corrections_min_02_min_03_min_04() {
        let mut c = approved();
        assert_eq!(record_status(&c, RecordTask::Approve), TaskStatus::Completed);
        assert_eq!(record_status(&c, RecordTask::Section(1)), TaskStatus::Completed);
        assert_eq!(record_status(&c, RecordTask::Distribute), TaskStatus::NotStarted);
        assert_eq!(c.record_not_sent().len(), 7, "two parents and five professionals");
        c.distribute_record(
            &coordinator(),
            Recipient::FamilyMember(mum()),
            DocumentLanguage::English,
            &policy(),
            &Weekends,
            d("2026-11-24"),
        )
        .expect("send");
        assert_eq!(record_status(&c, RecordTask::Distribute), TaskStatus::InProgress);
        assert_eq!(record_status(&c, RecordTask::Corrections), TaskStatus::NotStarted);
        c.request_record_correction(&social_worker(), &mum(), 1, "My name is spelt wrong.", d("2026-11-25"))
            .expect("request");
        assert_eq!(record_status(&c, RecordTask::Corrections), TaskStatus::InProgress);
    }

    #[test]
    fn the_written_outcome_is_late_after_the_day_it_was_due_dec_05() {
        let c = closed();
        let due = c.outcome_due_by().expect("due");
        let t = c.record_task(RecordTask::Outcome, due);
        assert_eq!(t.status, TaskStatus::NotStarted);
        assert!(!t.late);
        assert!(c.record_task(RecordTask::Outcome, due.succ_opt().expect("day")).late);
    }
}
