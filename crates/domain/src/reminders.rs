//! Scheduled reminders (issue 14): what is due to be reminded, to whom, decided here once as a
//! pure function of the open items, the authority's policy and calendar, and the day. The
//! store gathers the items and sends each reminder through the outbox, recording it under its
//! [`Reminder::key`] so that it is sent once, whichever instance runs the sweep and however
//! often.
//!
//! - INV-04: an invitee who has not answered, once the conference is within the policy's
//!   "at risk" window (working days).
//! - REP-02: a professional invited (and not declining) whose report has not reached the chair,
//!   once the report deadline is within the window, and again when it has passed.
//! - REP-01: reports not yet shared with the parents: the allocated worker, as above.
//! - MIN-03: the outcome and the record not yet sent: the chair, as above.
//! - CG-02: a core group meeting due: the allocated (key) worker, as above.
//! - REV-01: a review conference due: the allocated worker, as above.
//! - PLAN-04: a child in need plan's network meeting due: the allocated worker, as above.
//! - PLAN-02: a plan action overdue: its owner (a professional or a family member; an action
//!   owned by an agency has no one to write to and is shown on the plan instead).
//! - RIGHT-02: a complaint's stage not answered: its officer (or, while none is assigned, the
//!   authority's complaints staff), [`RIGHTS_WINDOW`] working days before it is due and again
//!   once overdue.
//! - RIGHT-01: a subject access request not answered: the authority's records staff, as above.
//!
//! Each reminder is for one occasion: "at-risk" or "overdue" with the due date, so a deadline
//! moved to a new date is reminded again, and an item is never reminded twice for the same one.

use crate::calendar::WorkingCalendar;
use crate::timescales::{deadline_state, DeadlineRule, DeadlineState};
use crate::{AdultId, ProfessionalId, UserId};
use chrono::NaiveDate;

crate::text_enum! {
    /// What a reminder is about.
    pub enum ReminderKind {
        NoAnswer => "no-answer", "Invitation not answered (INV-04)";
        ReportToChair => "report-to-chair", "Report not yet with the chair (REP-02)";
        ReportsToParents => "reports-to-parents", "Reports not yet shared with the parents (REP-01)";
        OutcomeNotSent => "outcome-not-sent", "Outcome not yet sent (MIN-03)";
        RecordNotSent => "record-not-sent", "Record not yet sent (MIN-03)";
        CoreGroupDue => "core-group-due", "Core group meeting due (CG-02)";
        ReviewDue => "review-due", "Review conference due (REV-01)";
        NetworkMeetingDue => "network-meeting-due", "Network meeting due (PLAN-04)";
        ActionOverdue => "action-overdue", "Plan action overdue (PLAN-02)";
        ComplaintDue => "complaint-due", "Complaint answer due (RIGHT-02)";
        AccessRequestDue => "access-request-due", "Subject access request due (RIGHT-01)";
    }
}

/// RIGHT-01, RIGHT-02: how many working days before its deadline a complaint's stage or an
/// access request is first reminded to the people who handle it.
pub const RIGHTS_WINDOW: u32 = 5;

/// What a person's right is being answered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightKind {
    /// RIGHT-02: a complaint's current stage.
    Complaint,
    /// RIGHT-01: a subject access request.
    SubjectAccess,
}

/// A complaint whose stage is not answered, or an access request not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRight {
    pub kind: RightKind,
    /// The complaint's or request's id (a complaint's with its stage, so each stage is
    /// reminded for itself).
    pub id: String,
    pub due: NaiveDate,
    /// Who handles it: the assigned officer, or everyone who may while none is.
    pub handlers: Vec<UserId>,
}

/// Who a reminder is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Whom {
    /// A member of staff (the allocated worker, the chair).
    User(UserId),
    Professional(ProfessionalId),
    FamilyMember(AdultId),
}

impl Whom {
    /// How the reminder log names them: `user:ID`, `professional:ID`, `family-member:ID`.
    pub fn key(&self) -> String {
        match self {
            Whom::User(u) => format!("user:{}", u.as_str()),
            Whom::Professional(p) => format!("professional:{}", p.as_str()),
            Whom::FamilyMember(a) => format!("family-member:{}", a.as_str()),
        }
    }
}

/// A deadline not met and not cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDeadline {
    pub id: String,
    pub rule: DeadlineRule,
    pub due: NaiveDate,
    /// The family's allocated worker.
    pub worker: UserId,
    /// The chair of the conference it belongs to, where there is one.
    pub chair: Option<UserId>,
    /// CG-02: the core group meeting arranged for it, when one is (day and UK time).
    pub arranged: Option<chrono::NaiveDateTime>,
}

/// An invitation to a scheduled conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    /// The conference and the invitation, as one id (`CONFERENCE:N`).
    pub id: String,
    pub person: Whom,
    pub meets_on: NaiveDate,
    pub answered: bool,
}

/// A professional's report expected for a scheduled conference (invited, not declining).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedReport {
    /// The conference and the author, as one id.
    pub id: String,
    pub author: ProfessionalId,
    /// REP-02: the day it should reach the chair.
    pub due: NaiveDate,
    pub submitted: bool,
}

/// A plan action neither done nor closed as not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAction {
    /// The plan and the action's number, as one id.
    pub id: String,
    /// None when an agency owns it.
    pub owner: Option<Whom>,
    pub due: NaiveDate,
}

/// Everything open in an authority on a day.
#[derive(Debug, Clone, Default)]
pub struct Open {
    pub deadlines: Vec<OpenDeadline>,
    pub invitations: Vec<OpenInvitation>,
    pub reports: Vec<ExpectedReport>,
    pub actions: Vec<OpenAction>,
    /// RIGHT-01, RIGHT-02: complaints and access requests waiting for their answer.
    pub rights: Vec<OpenRight>,
}

/// One reminder to send.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reminder {
    pub kind: ReminderKind,
    /// The item it is about (a deadline, an invitation, a report, an action).
    pub item: String,
    pub to: Whom,
    /// "at-risk:DATE" or "overdue:DATE": a reminder is sent once per occasion.
    pub occasion: String,
    pub due: NaiveDate,
    /// CG-02: the meeting arranged for it (a core group due), named in the reminder.
    pub arranged: Option<chrono::NaiveDateTime>,
}

impl Reminder {
    /// The key that makes it once only: kind, item, person, occasion.
    pub fn key(&self) -> (String, String, String, String) {
        (self.kind.as_str().to_owned(), self.item.clone(), self.to.key(), self.occasion.clone())
    }
    /// Whether it is already overdue (rather than coming up).
    pub fn overdue(&self) -> bool {
        self.occasion.starts_with("overdue:")
    }
}

/// The occasion of an item due on `due`: within the policy's window ("at-risk"), past it
/// ("overdue"), or none yet.
fn occasion<C: WorkingCalendar + ?Sized>(
    due: NaiveDate,
    today: NaiveDate,
    window: u32,
    calendar: &C,
) -> Option<String> {
    match deadline_state(due, None, today, window, calendar) {
        DeadlineState::AtRisk => Some(format!("at-risk:{due}")),
        DeadlineState::Overdue => Some(format!("overdue:{due}")),
        _ => None,
    }
}

/// The reminders due on `today` for what is `open`, with the policy's "at risk" window in
/// working days. Sorted, without repeats.
pub fn due<C: WorkingCalendar + ?Sized>(open: &Open, today: NaiveDate, window: u32, calendar: &C) -> Vec<Reminder> {
    let mut out = Vec::new();
    for d in &open.deadlines {
        let (kind, to) = match d.rule {
            DeadlineRule::ReportsToParents => (ReminderKind::ReportsToParents, Some(Whom::User(d.worker.clone()))),
            DeadlineRule::OutcomeSent => {
                (ReminderKind::OutcomeNotSent, d.chair.clone().or(Some(d.worker.clone())).map(Whom::User))
            }
            DeadlineRule::RecordSent => {
                (ReminderKind::RecordNotSent, d.chair.clone().or(Some(d.worker.clone())).map(Whom::User))
            }
            DeadlineRule::FirstCoreGroup | DeadlineRule::NextCoreGroup => {
                (ReminderKind::CoreGroupDue, Some(Whom::User(d.worker.clone())))
            }
            DeadlineRule::FirstReview | DeadlineRule::NextReview => {
                (ReminderKind::ReviewDue, Some(Whom::User(d.worker.clone())))
            }
            DeadlineRule::ChildInNeedReview => (ReminderKind::NetworkMeetingDue, Some(Whom::User(d.worker.clone()))),
            // Reports to the chair are reminded to each author (below); the conference
            // deadlines are the coordinator's list; complaints and access requests are not
            // kept in confer yet.
            _ => continue,
        };
        let (Some(to), Some(occasion)) = (to, occasion(d.due, today, window, calendar)) else { continue };
        out.push(Reminder { kind, item: d.id.clone(), to, occasion, due: d.due, arranged: d.arranged });
    }
    for i in &open.invitations {
        // Only before the conference: after it, an answer no longer helps.
        if i.answered || today > i.meets_on {
            continue;
        }
        if let Some(occasion) = occasion(i.meets_on, today, window, calendar) {
            out.push(Reminder {
                kind: ReminderKind::NoAnswer,
                item: i.id.clone(),
                to: i.person.clone(),
                occasion,
                due: i.meets_on,
                arranged: None,
            });
        }
    }
    for r in &open.reports {
        if r.submitted {
            continue;
        }
        if let Some(occasion) = occasion(r.due, today, window, calendar) {
            out.push(Reminder {
                kind: ReminderKind::ReportToChair,
                item: r.id.clone(),
                to: Whom::Professional(r.author.clone()),
                occasion,
                due: r.due,
                arranged: None,
            });
        }
    }
    for a in &open.actions {
        let Some(owner) = &a.owner else { continue };
        // PLAN-02: an action is overdue the day after its due date; no reminder before.
        if today > a.due {
            out.push(Reminder {
                kind: ReminderKind::ActionOverdue,
                item: a.id.clone(),
                to: owner.clone(),
                occasion: format!("overdue:{}", a.due),
                due: a.due,
                arranged: None,
            });
        }
    }
    for r in &open.rights {
        let kind = match r.kind {
            RightKind::Complaint => ReminderKind::ComplaintDue,
            RightKind::SubjectAccess => ReminderKind::AccessRequestDue,
        };
        let Some(occasion) = occasion(r.due, today, RIGHTS_WINDOW, calendar) else { continue };
        for h in &r.handlers {
            out.push(Reminder {
                kind,
                item: r.id.clone(),
                to: Whom::User(h.clone()),
                occasion: occasion.clone(),
                due: r.due,
                arranged: None,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monday to Friday.
    struct Weekdays;
    impl WorkingCalendar for Weekdays {
        fn is_working_day(&self, d: NaiveDate) -> bool {
            use chrono::Datelike;
            d.weekday().num_days_from_monday() < 5
        }
        fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
            let mut d = from;
            let mut n = 0;
            while n < days {
                d = d.succ_opt().unwrap();
                if self.is_working_day(d) {
                    n += 1;
                }
            }
            d
        }
        fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
            let mut d = from;
            let mut n = 0;
            while n < days {
                d = d.pred_opt().unwrap();
                if self.is_working_day(d) {
                    n += 1;
                }
            }
            d
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn deadline(id: &str, rule: DeadlineRule, due: &str) -> OpenDeadline {
        OpenDeadline {
            id: id.into(),
            rule,
            due: d(due),
            worker: UserId::from("worker"),
            chair: Some(UserId::from("chair")),
            arranged: None,
        }
    }

    fn kinds(r: &[Reminder]) -> Vec<(ReminderKind, String, String)> {
        r.iter().map(|r| (r.kind, r.to.key(), r.occasion.clone())).collect()
    }

    // Friday 20 November 2026; a window of 3 working days.
    const TODAY: &str = "2026-11-20";

    #[test]
    fn a_deadline_is_reminded_inside_the_window_and_again_once_overdue_rep_01_min_03_cg_02_rev_01() {
        let open = Open {
            deadlines: vec![
                // Wednesday 25th: 3 working days ahead (Mon, Tue, Wed): at risk.
                deadline("d-reports", DeadlineRule::ReportsToParents, "2026-11-25"),
                // Thursday 26th: 4 working days ahead: not yet.
                deadline("d-record", DeadlineRule::RecordSent, "2026-11-26"),
                // Yesterday: overdue.
                deadline("d-outcome", DeadlineRule::OutcomeSent, "2026-11-19"),
                deadline("d-core", DeadlineRule::FirstCoreGroup, "2026-11-24"),
                deadline("d-review", DeadlineRule::NextReview, "2026-11-20"),
                deadline("d-network", DeadlineRule::ChildInNeedReview, "2026-11-23"),
                // Not the worker's or the chair's to be reminded of here.
                deadline("d-icpc", DeadlineRule::InitialConference, "2026-11-20"),
            ],
            ..Open::default()
        };
        let got = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(
            kinds(&got),
            vec![
                (ReminderKind::ReportsToParents, "user:worker".into(), "at-risk:2026-11-25".into()),
                (ReminderKind::OutcomeNotSent, "user:chair".into(), "overdue:2026-11-19".into()),
                (ReminderKind::CoreGroupDue, "user:worker".into(), "at-risk:2026-11-24".into()),
                (ReminderKind::ReviewDue, "user:worker".into(), "at-risk:2026-11-20".into()),
                (ReminderKind::NetworkMeetingDue, "user:worker".into(), "at-risk:2026-11-23".into()),
            ]
        );
        // The record comes into the window on Monday, and is overdue the day after it is due.
        let monday = due(&open, d("2026-11-23"), 3, &Weekdays);
        assert!(monday.iter().any(|r| r.kind == ReminderKind::RecordNotSent && r.occasion == "at-risk:2026-11-26"));
        let later = due(&open, d("2026-11-27"), 3, &Weekdays);
        assert!(later.iter().any(|r| r.kind == ReminderKind::RecordNotSent && r.overdue()));
    }

    #[test]
    fn an_invitee_who_has_not_answered_is_reminded_before_the_conference_only_inv_04() {
        let inv = |id: &str, on: &str, answered: bool| OpenInvitation {
            id: id.into(),
            person: Whom::FamilyMember(AdultId::from("mum")),
            meets_on: d(on),
            answered,
        };
        let open = Open {
            invitations: vec![
                inv("c1:1", "2026-11-24", false),
                inv("c1:2", "2026-11-24", true),
                inv("c2:1", "2026-12-10", false),
                inv("c3:1", "2026-11-19", false),
            ],
            ..Open::default()
        };
        let got = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].kind, got[0].item.as_str()), (ReminderKind::NoAnswer, "c1:1"));
        assert_eq!(got[0].to.key(), "family-member:mum");
    }

    #[test]
    fn a_report_not_with_the_chair_reminds_its_author_rep_02() {
        let open = Open {
            reports: vec![
                ExpectedReport {
                    id: "c1:p-school".into(),
                    author: "p-school".into(),
                    due: d("2026-11-23"),
                    submitted: false,
                },
                ExpectedReport { id: "c1:p-gp".into(), author: "p-gp".into(), due: d("2026-11-23"), submitted: true },
            ],
            ..Open::default()
        };
        let got = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(
            kinds(&got),
            vec![(ReminderKind::ReportToChair, "professional:p-school".into(), "at-risk:2026-11-23".into())]
        );
    }

    #[test]
    fn an_overdue_action_reminds_its_owner_and_an_agency_is_not_written_to_plan_02() {
        let open = Open {
            actions: vec![
                OpenAction {
                    id: "plan:1".into(),
                    owner: Some(Whom::Professional("p-hv".into())),
                    due: d("2026-11-19"),
                },
                OpenAction { id: "plan:2".into(), owner: Some(Whom::FamilyMember("mum".into())), due: d("2026-11-20") },
                OpenAction { id: "plan:3".into(), owner: None, due: d("2026-11-01") },
            ],
            ..Open::default()
        };
        let got = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(
            kinds(&got),
            vec![(ReminderKind::ActionOverdue, "professional:p-hv".into(), "overdue:2026-11-19".into())]
        );
    }

    /// RIGHT-02 and RIGHT-01: a complaint's stage and an access request are reminded to those
    /// who handle them five working days before the deadline (not before), and once more when
    /// overdue; a new stage (a new deadline) is reminded again.
    #[test]
    fn complaints_and_access_requests_remind_their_handlers_near_and_past_the_deadline_right_01_right_02() {
        let open = Open {
            rights: vec![
                // Friday 27 November: 5 working days after Friday 20th: inside the window.
                OpenRight {
                    kind: RightKind::Complaint,
                    id: "k1/stage-1".into(),
                    due: d("2026-11-27"),
                    handlers: vec![UserId::from("officer")],
                },
                // Monday 30th: 6 working days ahead: not yet.
                OpenRight {
                    kind: RightKind::SubjectAccess,
                    id: "sar-1".into(),
                    due: d("2026-11-30"),
                    handlers: vec![UserId::from("qa-1"), UserId::from("qa-2")],
                },
                // Overdue since yesterday, unassigned: everyone who may handle it.
                OpenRight {
                    kind: RightKind::SubjectAccess,
                    id: "sar-2".into(),
                    due: d("2026-11-19"),
                    handlers: vec![UserId::from("qa-1")],
                },
            ],
            ..Open::default()
        };
        let got = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(
            kinds(&got),
            vec![
                (ReminderKind::ComplaintDue, "user:officer".into(), "at-risk:2026-11-27".into()),
                (ReminderKind::AccessRequestDue, "user:qa-1".into(), "overdue:2026-11-19".into()),
            ],
            "the policy's at-risk window (3) does not shorten the rights' five working days"
        );
        // Monday: the request due on the 30th is five working days away: both its handlers.
        let monday = due(&open, d("2026-11-23"), 3, &Weekdays);
        let sar1: Vec<_> = monday.iter().filter(|r| r.item == "sar-1").map(|r| r.to.key()).collect();
        assert_eq!(sar1, vec!["user:qa-1".to_owned(), "user:qa-2".to_owned()]);
        // The complaint past its day: overdue, a new occasion (so a new reminder).
        let later = due(&open, d("2026-11-30"), 3, &Weekdays);
        let k1: Vec<_> = later.iter().filter(|r| r.item == "k1/stage-1").collect();
        assert_eq!(k1.len(), 1);
        assert!(k1[0].overdue());
        assert_ne!(k1[0].key(), got[0].key());
    }

    #[test]
    fn the_same_reminder_has_the_same_key_on_every_run_and_a_new_due_date_a_new_one() {
        let mut open =
            Open { deadlines: vec![deadline("d1", DeadlineRule::RecordSent, "2026-11-23")], ..Open::default() };
        let a = due(&open, d(TODAY), 3, &Weekdays);
        let b = due(&open, d(TODAY), 3, &Weekdays);
        assert_eq!(a[0].key(), b[0].key());
        open.deadlines[0].due = d("2026-11-24");
        assert_ne!(due(&open, d(TODAY), 3, &Weekdays)[0].key(), a[0].key());
    }
}
