//! The conference as a GOV.UK task list (issue 11): the conference page is a summary and the
//! list of its tasks ([`summary`]), each task is its own page with that task's forms only
//! ([`task_pages`]). Which tasks exist and their status is decided by the domain
//! (`Conference::tasks`); here only which page shows them and who may open it.
//!
//! The forms keep posting to their routes (`pages/conferences.rs`, `pages/arrange.rs`);
//! `finish` sends a refused form back to its task page, with what was typed kept.

pub mod arrange_view;
pub mod copy;
pub mod forms;
pub mod lists;
pub mod report_forms;
pub mod request_form;
pub mod request_kind;
pub mod rows;
pub mod summary;
pub mod task_pages;

use confer_domain::access::Action;
use confer_domain::conference::Task;

/// The action the policy must allow for a task's page (and its link on the task list). Tasks
/// that are only a form need the form's action (scheduling, cancelling; sharing, whose log the
/// reports page also shows); tasks that also show what has been recorded (who is invited and
/// their answers, the reports, the views, the pre-meetings, ...) are read by everyone who may
/// see the conference, as the one conference page showed them, with their forms only for
/// those who may use them.
pub fn action_of(task: Task) -> Action {
    match task {
        Task::Schedule => Action::ArrangeConference,
        Task::Sharing => Action::SubmitReport,
        Task::Cancel => Action::CancelConference,
        Task::Meeting => Action::RecordMeeting,
        Task::Children
        | Task::Invitations
        | Task::Supporters
        | Task::Needs
        | Task::Reports
        | Task::Views
        | Task::Exclusions
        | Task::PreMeetings
        | Task::Recording
        | Task::Record
        | Task::Formats => Action::ViewConference,
    }
}

/// The path of a task's page.
pub fn path_of(id: &str, task: Task) -> String {
    format!("/conferences/{id}/{}", task.as_str())
}

/// The task a form of the conference page belongs to (its page shows it again when refused).
pub fn task_of_form(form: &str) -> Option<Task> {
    Some(match form {
        "schedule" | "reschedule" => Task::Schedule,
        "add-child" | "remove-child" => Task::Children,
        "invite" | "answer" => Task::Invitations,
        "supporter" | "late-supporter" => Task::Supporters,
        "interpreter" | "need-met" => Task::Needs,
        "report" | "upload" => Task::Reports,
        "share" => Task::Sharing,
        "views" => Task::Views,
        "exclude" | "told" | "previous-exclusion" => Task::Exclusions,
        "pre-meeting" => Task::PreMeetings,
        "consent" | "audio" => Task::Recording,
        "cancel" => Task::Cancel,
        "format-request" | "format-met" => Task::Formats,
        _ => return None,
    })
}

/// Where a form that succeeded sends the person: back to its task page when the same form is
/// usually used again next (one person after another), else to the task list.
pub fn stays_on_task(form: &str) -> bool {
    matches!(
        form,
        "invite"
            | "answer"
            | "interpreter"
            | "need-met"
            | "report"
            | "upload"
            | "share"
            | "views"
            | "exclude"
            | "told"
            | "pre-meeting"
            | "consent"
            | "format-request"
            | "format-met"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_old_conference_page_belongs_to_a_task_with_a_page() {
        for form in [
            "schedule",
            "reschedule",
            "add-child",
            "remove-child",
            "invite",
            "answer",
            "supporter",
            "late-supporter",
            "interpreter",
            "need-met",
            "report",
            "upload",
            "share",
            "views",
            "exclude",
            "told",
            "previous-exclusion",
            "pre-meeting",
            "consent",
            "audio",
            "cancel",
            "format-request",
            "format-met",
        ] {
            let task = task_of_form(form).unwrap_or_else(|| panic!("{form} has no task"));
            assert!(!matches!(task, Task::Meeting | Task::Record), "{form}");
        }
        assert_eq!(task_of_form("draft"), None, "the record's forms stay on the record page");
    }
}
