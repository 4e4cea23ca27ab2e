//! The conference as a task list (GOV.UK "task list" pattern): which tasks a conference has
//! and where each stands, decided here from the conference and today's date, so the page,
//! the API and any report read the same answer. Nothing here refuses anything: a status says
//! what the rules ask for and what has been recorded, the operations still decide each step.

use super::{Conference, ConferenceState, Person};
use chrono::NaiveDate;

crate::text_enum! {
    /// One task of a conference. The text is the task's plain-English slug (its page's path).
    pub enum Task {
        Schedule => "schedule", "Schedule the conference";
        Children => "children", "Children";
        Invitations => "invitations", "Invitations and answers";
        Supporters => "supporters", "Supporters, advocates and solicitors";
        Needs => "needs", "Interpreters and practical needs";
        Reports => "reports", "Reports to the chair";
        Sharing => "sharing", "Sharing reports with parents";
        Views => "views", "Views gathered before the conference";
        Exclusions => "exclusions", "Exclusions";
        PreMeetings => "pre-meetings", "The chair's meetings with parents";
        Recording => "recording", "Consent to audio recording";
        Cancel => "cancel", "Cancel the conference";
        Meeting => "meeting", "The meeting";
        Record => "record", "The outcome and the record";
        Formats => "formats", "Translations and other formats";
    }
}

crate::text_enum! {
    /// Where a task stands, in the words GOV.UK's task list uses.
    pub enum TaskStatus {
        NotStarted => "not-started", "Not yet started";
        InProgress => "in-progress", "In progress";
        Completed => "completed", "Completed";
        CannotStart => "cannot-start", "Cannot start yet";
    }
}

/// A task and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub task: Task,
    pub status: TaskStatus,
    /// Past the date a rule sets for it (TIME-01, REP-02, EXC-04).
    pub late: bool,
    /// Why it cannot start yet, or what is left, in a few words (a hint under the task).
    pub hint: Option<&'static str>,
}

impl TaskState {
    fn new(task: Task, status: TaskStatus) -> Self {
        TaskState { task, status, late: false, hint: None }
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
    fn late(mut self, late: bool) -> Self {
        self.late = late;
        self
    }
}

/// Nothing done, some done, all done: the status of a task that is a list of things to do.
fn progress(done: usize, outstanding: usize) -> TaskStatus {
    match (done, outstanding) {
        (_, 0) => TaskStatus::Completed,
        (0, _) => TaskStatus::NotStarted,
        _ => TaskStatus::InProgress,
    }
}

impl Task {
    /// The tasks before the meeting, in the order the task list shows them.
    pub const BEFORE: &'static [Task] = &[
        Task::Schedule,
        Task::Children,
        Task::Invitations,
        Task::Supporters,
        Task::Needs,
        Task::Reports,
        Task::Sharing,
        Task::Views,
        Task::Exclusions,
        Task::PreMeetings,
        Task::Recording,
    ];
}

impl Conference {
    /// Every task of this conference and its status today, in the task list's order: the
    /// steps before the meeting, cancelling (while it can be cancelled, or once it was),
    /// then the meeting and the record.
    pub fn tasks(&self, today: NaiveDate) -> Vec<TaskState> {
        let state = self.state();
        let mut out: Vec<TaskState> = Task::BEFORE.iter().map(|t| self.task_state(*t, today)).collect();
        if matches!(state, ConferenceState::Requested | ConferenceState::Scheduled | ConferenceState::Cancelled) {
            out.push(self.task_state(Task::Cancel, today));
        }
        out.push(self.task_state(Task::Meeting, today));
        out.push(self.task_state(Task::Record, today));
        out.push(self.task_state(Task::Formats, today));
        out
    }

    /// One task's status today.
    pub fn task_state(&self, task: Task, today: NaiveDate) -> TaskState {
        use TaskStatus::*;
        let state = self.state();
        let cancelled = state == ConferenceState::Cancelled;
        let scheduled = self.slot().is_some();
        let parents: Vec<_> = self.family_members().iter().filter(|m| m.is_parent_or_carer()).collect();
        let s = match task {
            // TIME-01..03: a request is scheduled by its due date.
            Task::Schedule if scheduled => TaskState::new(task, Completed),
            Task::Schedule => TaskState::new(task, NotStarted).late(!cancelled && today > self.due_by()),
            Task::Children => TaskState::new(task, if self.children().is_empty() { NotStarted } else { Completed }),
            // INV-01, INV-02, INV-04: everyone invited who must be, and every answer in.
            Task::Invitations => {
                let police = usize::from(!self.police_check().is_satisfied());
                let outstanding = self.parents_not_invited().len() + self.unanswered().len() + police;
                let status = if self.invitations().is_empty() { NotStarted } else { progress(1, outstanding) };
                TaskState::new(task, status)
            }
            // INV-05: a supporter named late waits for the chair's decision.
            Task::Supporters => {
                let named = self.supporters_named();
                let status =
                    if named == 0 { NotStarted } else { progress(named, self.late_supporters_awaiting_chair().len()) };
                TaskState::new(task, status).hint("Only if a parent or carer wants one")
            }
            // LANG-01, INV-08: interpreters booked and practical needs met.
            Task::Needs => {
                let outstanding = self.interpreters_needed().len() + self.unmet_needs().len();
                let met = self.interpreters().len()
                    + self.family_members().iter().flat_map(|m| &m.needs).filter(|n| n.met.is_some()).count();
                let s = TaskState::new(task, progress(met, outstanding));
                if met + outstanding == 0 {
                    s.hint("Nothing needed so far")
                } else {
                    s
                }
            }
            // REP-02: every professional's report reaches the chair in time.
            Task::Reports => {
                let authors: Vec<_> = self.professionals().iter().map(|p| &p.professional_id).collect();
                let missing = authors.iter().filter(|a| !self.reports().iter().any(|r| &&r.author == *a)).count();
                let status = if self.reports().is_empty() { NotStarted } else { progress(1, missing) };
                TaskState::new(task, status).late(self.reports().iter().any(|r| r.late_to_chair()))
            }
            // REP-01: each report the family may see is shared with each parent and carer.
            Task::Sharing => {
                let shareable = self.reports().iter().any(|r| r.parts.iter().any(|p| p.restricted.is_none()));
                if !shareable || parents.is_empty() {
                    TaskState::new(task, CannotStart).hint("There is no report the parents may see yet")
                } else {
                    let shared = self
                        .report_log()
                        .iter()
                        .filter(|s| matches!(s.recipient, super::Recipient::FamilyMember(_)))
                        .count();
                    TaskState::new(task, progress(shared, self.reports_not_shared().len()))
                }
            }
            // INV-06/07, CHILD-02/03: each parent's and carer's views reach the conference.
            Task::Views => {
                let given = |p: Person| self.views().iter().any(|v| v.given.whose == p);
                let missing = parents.iter().filter(|m| !given(Person::FamilyMember(m.adult_id.clone()))).count();
                let status = if self.views().is_empty() { NotStarted } else { progress(1, missing) };
                TaskState::new(task, status)
            }
            // EXC-04, EXC-05: each excluded person told in time; last time's exclusions decided again.
            Task::Exclusions => {
                let not_told = self.exclusions_not_told_in_time().len();
                let outstanding = not_told + self.previous_exclusions_to_review().len();
                let any = !self.exclusions().is_empty() || !self.previous_exclusions().is_empty();
                let status = if any { progress(1, outstanding) } else { NotStarted };
                TaskState::new(task, status).late(not_told > 0 && self.date().is_some_and(|d| today >= d)).hint(
                    if any {
                        "Tell each person the reasons before the conference"
                    } else {
                        "Only if the chair decides"
                    },
                )
            }
            // MEET-01: the chair meets each invited parent and carer before the conference.
            Task::PreMeetings if !scheduled => TaskState::new(task, CannotStart).hint("Schedule the conference first"),
            Task::PreMeetings => {
                TaskState::new(task, progress(self.pre_meetings().len(), self.pre_meetings_missing().len()))
            }
            // MEET-03: every parent's and carer's answer before recording starts.
            Task::Recording if parents.is_empty() => {
                TaskState::new(task, CannotStart).hint("There is no parent or carer to ask")
            }
            Task::Recording => {
                let answered = |a: &crate::model::AdultId| self.recording_consents().iter().any(|c| &c.adult_id == a);
                let missing = parents.iter().filter(|m| !answered(&m.adult_id)).count();
                let status = if self.is_audio_recorded() {
                    Completed
                } else {
                    progress(self.recording_consents().len(), missing)
                };
                TaskState::new(task, status)
            }
            Task::Cancel => TaskState::new(task, if cancelled { Completed } else { NotStarted })
                .hint("Only if the conference is no longer needed"),
            Task::Meeting => match state {
                ConferenceState::Requested => TaskState::new(task, CannotStart).hint("Schedule the conference first"),
                ConferenceState::Scheduled => TaskState::new(task, NotStarted),
                ConferenceState::InProgress => TaskState::new(task, InProgress),
                ConferenceState::Closed => TaskState::new(task, Completed),
                ConferenceState::Cancelled => TaskState::new(task, CannotStart),
            },
            // MIN-01..03: drafted, approved by the chair, and sent.
            Task::Record => {
                let rec = self.record();
                if state != ConferenceState::Closed {
                    TaskState::new(task, CannotStart).hint("After the meeting closes")
                } else if rec.latest().is_some() && !rec.distribution.is_empty() {
                    TaskState::new(task, Completed)
                } else if rec.draft.is_some() || rec.latest().is_some() {
                    TaskState::new(task, InProgress)
                } else {
                    TaskState::new(task, NotStarted)
                }
            }
            // LANG-02, LANG-03: each translation or format asked for is made and sent.
            Task::Formats => {
                let outstanding = self.format_requests_outstanding().len();
                let met = self.format_requests().len() - outstanding;
                let s = TaskState::new(task, progress(met, outstanding));
                if met + outstanding == 0 {
                    s.hint("Only if someone asks for a document in another language or format")
                } else {
                    s
                }
            }
        };
        // A cancelled conference keeps what was done; nothing else can start.
        if cancelled && s.status != Completed && task != Task::Cancel {
            return TaskState { task, status: CannotStart, late: false, hint: Some("The conference was cancelled") };
        }
        s
    }

    fn supporters_named(&self) -> usize {
        self.invitations().iter().filter(|i| matches!(i.invitee, super::Invitee::Supporter(_))).count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::super::*;
    use super::{Task, TaskStatus};

    fn status(c: &Conference, task: Task) -> TaskStatus {
        c.task_state(task, d("2026-11-05")).status
    }

    fn report(c: &mut Conference, author: &str, restricted: bool) -> ReportId {
        let part = ReportPart {
            heading: "Attendance at school".into(),
            text: "Amy missed 20 days this term.".into(),
            restricted: restricted.then_some(RestrictionReason::ThirdPartyInformation),
        };
        c.submit_report(&coordinator(), &pro(author), vec![part], &policy(), &Weekends, d("2026-11-10"))
            .expect("report")
    }

    fn share(c: &mut Conference, r: ReportId, adult: AdultId) {
        let sharing = Sharing { discussed_with_author: true, late_reason: None };
        c.share_report(
            &coordinator(),
            r,
            Recipient::FamilyMember(adult),
            sharing,
            &policy(),
            &Weekends,
            d("2026-11-12"),
        )
        .expect("share");
    }

    #[test]
    fn a_request_lists_every_task_in_order_with_the_meeting_and_record_last() {
        let tasks: Vec<Task> = requested().tasks(d("2026-11-05")).into_iter().map(|t| t.task).collect();
        let mut expected = Task::BEFORE.to_vec();
        expected.extend([Task::Cancel, Task::Meeting, Task::Record, Task::Formats]);
        assert_eq!(tasks, expected);
    }

    #[test]
    fn scheduling_is_not_started_on_a_request_and_late_after_its_due_date_time_01() {
        let c = requested();
        assert_eq!(status(&c, Task::Schedule), TaskStatus::NotStarted);
        assert!(!c.task_state(Task::Schedule, d("2026-11-23")).late, "due by 23 November");
        assert!(c.task_state(Task::Schedule, d("2026-11-24")).late);
        assert_eq!(status(&scheduled(), Task::Schedule), TaskStatus::Completed);
    }

    #[test]
    fn pre_meetings_cannot_start_before_scheduling_then_run_to_completed_meet_01() {
        let c = requested();
        let t = c.task_state(Task::PreMeetings, d("2026-11-05"));
        assert_eq!(t.status, TaskStatus::CannotStart);
        assert_eq!(t.hint, Some("Schedule the conference first"));
        let mut c = invited();
        assert_eq!(status(&c, Task::PreMeetings), TaskStatus::NotStarted);
        c.record_pre_meeting(
            &chair(),
            &mum(),
            PreMeetingOutcome::Held { mode: PreMeetingMode::FaceToFace, on: d("2026-11-19") },
            at("2026-11-19 15:00"),
        )
        .expect("pre-meeting");
        assert_eq!(status(&c, Task::PreMeetings), TaskStatus::InProgress);
        pre_meet_parents(&mut c);
        assert_eq!(status(&c, Task::PreMeetings), TaskStatus::Completed);
    }

    #[test]
    fn invitations_are_completed_only_when_everyone_is_invited_and_has_answered_inv_01_inv_04() {
        let mut c = scheduled();
        assert_eq!(status(&c, Task::Invitations), TaskStatus::NotStarted);
        c.invite_family_member(&coordinator(), &mum(), d("2026-11-04")).expect("invite");
        assert_eq!(status(&c, Task::Invitations), TaskStatus::InProgress, "dad not invited, mum not answered");
        assert_eq!(status(&invited(), Task::Invitations), TaskStatus::Completed);
    }

    #[test]
    fn sharing_reports_cannot_start_before_a_report_the_parents_may_see_exists_rep_01_rep_03() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Sharing), TaskStatus::CannotStart);
        report(&mut c, "p-police", true);
        assert_eq!(status(&c, Task::Sharing), TaskStatus::CannotStart, "a restricted report is never shared");
        let r = report(&mut c, "p-teacher", false);
        assert_eq!(status(&c, Task::Sharing), TaskStatus::NotStarted);
        share(&mut c, r, mum());
        assert_eq!(status(&c, Task::Sharing), TaskStatus::InProgress);
        share(&mut c, r, dad());
        assert_eq!(status(&c, Task::Sharing), TaskStatus::Completed);
    }

    #[test]
    fn reports_are_in_progress_until_every_professional_has_sent_one_and_late_if_one_is_late_rep_02() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Reports), TaskStatus::NotStarted);
        report(&mut c, "p-teacher", false);
        let t = c.task_state(Task::Reports, d("2026-11-10"));
        assert_eq!(t.status, TaskStatus::InProgress);
        assert!(!t.late, "in by 17 November, 3 working days before");
        for p in PROFESSIONALS.iter().filter(|p| **p != "p-teacher") {
            report(&mut c, p, false);
        }
        assert_eq!(status(&c, Task::Reports), TaskStatus::Completed);
        c.submit_report(
            &coordinator(),
            &pro("p-gp"),
            vec![ReportPart { heading: "Update".into(), text: "Seen again.".into(), restricted: None }],
            &policy(),
            &Weekends,
            d("2026-11-18"),
        )
        .expect("late report");
        assert!(c.task_state(Task::Reports, d("2026-11-18")).late);
    }

    #[test]
    fn views_are_completed_when_every_parent_and_carer_has_given_them_inv_06() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Views), TaskStatus::NotStarted);
        for (who, done) in [(mum(), TaskStatus::InProgress), (dad(), TaskStatus::Completed)] {
            c.record_views(
                &social_worker(),
                ViewsGiven {
                    whose: Person::FamilyMember(who),
                    form: ViewsForm::HeardBySocialWorker,
                    summary: "Wants the children home.".into(),
                    how_obtained: "Home visit".into(),
                    obtained_by: "Sam Social".into(),
                    obtained_on: d("2026-11-12"),
                    supported_by: None,
                },
            )
            .expect("views");
            assert_eq!(status(&c, Task::Views), done);
        }
    }

    #[test]
    fn an_exclusion_is_in_progress_until_the_person_is_told_and_late_on_the_day_exc_04() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Exclusions), TaskStatus::NotStarted);
        let whole = ExclusionDecision {
            adult_id: dad(),
            scope: ExclusionScope::Whole,
            reasons: vec![ExclusionReason::RiskOfViolence],
            detail: "Threats to the social worker last week.".into(),
            rests_on_police_information: true,
            views_by: vec![ViewsRoute::LetterToChair],
        };
        c.exclude(&chair(), whole, at("2026-11-05 10:00")).expect("exclude");
        assert_eq!(status(&c, Task::Exclusions), TaskStatus::InProgress);
        assert!(!c.task_state(Task::Exclusions, d("2026-11-19")).late);
        assert!(c.task_state(Task::Exclusions, d("2026-11-20")).late);
        c.record_exclusion_told(&chair(), &dad(), d("2026-11-06"), HowTold::ALL[0], d("2026-11-06")).expect("told");
        assert_eq!(status(&c, Task::Exclusions), TaskStatus::Completed);
    }

    #[test]
    fn recording_consent_runs_from_not_started_to_completed_with_every_parents_answer_meet_03() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Recording), TaskStatus::NotStarted);
        c.record_recording_consent(&note_taker(), &mum(), true, at("2026-11-10 10:00")).expect("consent");
        assert_eq!(status(&c, Task::Recording), TaskStatus::InProgress);
        c.record_recording_consent(&note_taker(), &dad(), false, at("2026-11-10 10:00")).expect("consent");
        assert_eq!(status(&c, Task::Recording), TaskStatus::Completed);
    }

    #[test]
    fn needs_are_completed_when_nothing_is_needed_and_in_progress_until_each_is_met_inv_08() {
        assert_eq!(status(&invited(), Task::Needs), TaskStatus::Completed);
        let mut r = request();
        r.family_members[0].needs = vec![
            PracticalNeed { kind: PracticalNeedKind::ALL[0], detail: "Step-free".into(), met: None },
            PracticalNeed { kind: PracticalNeedKind::ALL[1], detail: "Hearing loop".into(), met: None },
        ];
        let mut c = requested_from(r);
        assert_eq!(status(&c, Task::Needs), TaskStatus::NotStarted);
        c.record_need_met(&coordinator(), &mum(), PracticalNeedKind::ALL[0], "Room 2 booked").expect("met");
        assert_eq!(status(&c, Task::Needs), TaskStatus::InProgress);
    }

    #[test]
    fn supporters_are_optional_and_not_started_until_one_is_named() {
        let t = invited().task_state(Task::Supporters, d("2026-11-05"));
        assert_eq!(t.status, TaskStatus::NotStarted);
        assert!(t.hint.is_some());
    }

    #[test]
    fn the_meeting_cannot_start_before_scheduling_and_the_record_not_before_closing_min_01() {
        let c = requested();
        assert_eq!(status(&c, Task::Meeting), TaskStatus::CannotStart);
        assert_eq!(status(&c, Task::Record), TaskStatus::CannotStart);
        assert_eq!(status(&scheduled(), Task::Meeting), TaskStatus::NotStarted);
        assert_eq!(status(&started(), Task::Meeting), TaskStatus::InProgress);
        let c = closed();
        assert_eq!(status(&c, Task::Meeting), TaskStatus::Completed);
        assert_eq!(status(&c, Task::Record), TaskStatus::NotStarted);
        assert_eq!(status(&approved(), Task::Record), TaskStatus::InProgress, "approved, not sent yet");
    }

    #[test]
    fn a_started_conference_can_no_longer_be_cancelled_so_the_task_is_gone() {
        assert!(started().tasks(d("2026-11-20")).iter().all(|t| t.task != Task::Cancel));
    }

    #[test]
    fn a_cancelled_conference_keeps_what_was_done_and_nothing_else_can_start() {
        let mut c = scheduled();
        c.cancel(&coordinator(), "The family moved away.", at("2026-11-06 10:00")).expect("cancel");
        let tasks = c.tasks(d("2026-11-06"));
        let of = |t: Task| tasks.iter().find(|s| s.task == t).map(|s| s.status);
        assert_eq!(of(Task::Cancel), Some(TaskStatus::Completed));
        assert_eq!(of(Task::Schedule), Some(TaskStatus::Completed));
        assert_eq!(of(Task::Invitations), Some(TaskStatus::CannotStart));
        assert_eq!(of(Task::Meeting), Some(TaskStatus::CannotStart));
    }

    #[test]
    fn formats_are_in_progress_until_each_request_is_met_lang_02_lang_03() {
        let mut c = invited();
        assert_eq!(status(&c, Task::Formats), TaskStatus::Completed, "nothing asked for");
        let n = c
            .request_format(
                &social_worker(),
                Recipient::FamilyMember(mum()),
                FamilyDocument::Invitation,
                RequestedFormat::Braille,
                d("2026-11-04"),
            )
            .expect("asked");
        assert_eq!(status(&c, Task::Formats), TaskStatus::NotStarted);
        c.request_format(
            &social_worker(),
            Recipient::FamilyMember(mum()),
            FamilyDocument::Invitation,
            RequestedFormat::Audio,
            d("2026-11-04"),
        )
        .expect("asked");
        c.fulfil_format_request(&coordinator(), n, d("2026-11-05"), "Braille copy posted").expect("met");
        assert_eq!(status(&c, Task::Formats), TaskStatus::InProgress);
    }
}
