//! Every route, the access it needs, and the gate that asks the access policy before a
//! handler runs. A route missing from [`ROUTES`] is refused (deny by default).

use crate::auth::{Ctx, Via};
use crate::error::AppError;
use crate::pages::meeting::task_pages as mt;
use crate::pages::record::task_pages as rt;
use crate::{api, api_conferences as ac, assets, auth, pages, SharedState};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use confer_domain::access::{decide, factors_suffice, Action, Decision, Target};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in pages, assets, health checks).
    Public,
    /// This action on the actor's own authority; decided here, before the handler.
    Authority(Action),
    /// This action on a family's record; the gate checks sign-in, the handler asks the
    /// policy with the record's relationships (it must, to answer 404 for others' records).
    Record(Action),
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> Route {
    Route { method, path, access }
}

use Access::*;

/// The route table. The router below is built from the same paths; a test checks that
/// every route of the router is here and that every cell of routes x roles x relationships
/// answers as the policy decides.
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/assets/{name}", Public),
    r("GET", "/sign-in", Public),
    r("POST", "/sign-in", Public),
    r("GET", "/sign-in/code", Public),
    r("POST", "/sign-in/code", Public),
    r("GET", "/sign-in/enrol", Public),
    r("POST", "/sign-in/enrol", Public),
    r("POST", "/sign-out", Public),
    r("GET", "/portal/sign-in", Public),
    r("POST", "/portal/sign-in", Public),
    r("GET", "/portal/sign-in/code", Public),
    r("POST", "/portal/sign-in/code", Public),
    r("POST", "/portal/sign-in/choose", Public),
    // Issue 14: GOV.UK Notify's delivery receipts. No one signs in: the handler checks the
    // bearer token the authority set for its callbacks (crate::notify::callback).
    r("POST", "/callbacks/notify/{authority_id}", Public),
    r("GET", "/", Authority(Action::ViewDashboard)),
    r("GET", "/portal", Authority(Action::ManageOwnAccount)),
    r("GET", "/account", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/sign-out-everywhere", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/tokens", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/tokens/{id}/revoke", Authority(Action::ManageOwnAccount)),
    r("GET", "/families", Authority(Action::SearchFamilies)),
    r("GET", "/families/{family_id}", Record(Action::ViewFamilyRecord)),
    r("GET", "/families/{family_id}/audit", Record(Action::ViewRecordAudit)),
    r("GET", "/families/{family_id}/children/{child_id}/edit", Record(Action::EditFamilyRecord)),
    r("POST", "/families/{family_id}/children/{child_id}/edit", Record(Action::EditFamilyRecord)),
    r("GET", "/audit", Authority(Action::ViewAuditTrail)),
    r("GET", "/admin/users", Authority(Action::ManageUsers)),
    r("POST", "/admin/users", Authority(Action::ManageUsers)),
    r("GET", "/admin/users/{user_id}", Authority(Action::ManageUsers)),
    r("POST", "/admin/users/{user_id}", Authority(Action::ManageUsers)),
    r("GET", "/api/openapi.json", Public),
    r("GET", "/api/v1/me", Authority(Action::ManageOwnAccount)),
    r("GET", "/api/v1/families", Authority(Action::SearchFamilies)),
    r("GET", "/api/v1/families/{family_id}", Record(Action::ViewFamilyRecord)),
    // Conferences (issue 6): the JSON API, one route per step of the journey.
    r("POST", "/api/v1/families/{family_id}/conferences", Record(Action::RequestConference)),
    r("GET", "/api/v1/families/{family_id}/conferences", Record(Action::ViewConference)),
    r("GET", "/api/v1/conferences", Authority(Action::ListConferences)),
    r("GET", "/api/v1/conferences/requested", Authority(Action::ListConferences)),
    r("GET", "/api/v1/conferences/chaired", Authority(Action::ListChairedConferences)),
    r("GET", "/api/v1/conferences/{conference_id}", Record(Action::ViewConference)),
    r("POST", "/api/v1/conferences/{conference_id}/schedule", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/reschedule", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/cancel", Record(Action::CancelConference)),
    r("POST", "/api/v1/conferences/{conference_id}/children", Record(Action::RequestConference)),
    r("POST", "/api/v1/conferences/{conference_id}/children/{child_id}/remove", Record(Action::RequestConference)),
    r("POST", "/api/v1/conferences/{conference_id}/invitations", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/invitations/{number}/answer", Record(Action::AnswerInvitation)),
    r(
        "POST",
        "/api/v1/conferences/{conference_id}/invitations/{number}/late-supporter-decision",
        Record(Action::ChairConference),
    ),
    r("POST", "/api/v1/conferences/{conference_id}/interpreters", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/needs-met", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/exclusions", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/exclusions/told", Record(Action::GatherViews)),
    r("POST", "/api/v1/conferences/{conference_id}/exclusions/previous", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/reports", Record(Action::SubmitReport)),
    r("POST", "/api/v1/conferences/{conference_id}/reports/{number}/share", Record(Action::SubmitReport)),
    r("POST", "/api/v1/conferences/{conference_id}/views", Record(Action::GatherViews)),
    r("POST", "/api/v1/conferences/{conference_id}/views/{number}/present", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/pre-meetings", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/recording-consents", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/audio-recording", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/start", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/attendance", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/discussion", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/corrections", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/professional-views", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/parent-views", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/actions", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/decisions", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/legal-recommendations", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/dissents", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/close", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/outcome-sent", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/record/draft", Record(Action::RecordMeeting)),
    r("POST", "/api/v1/conferences/{conference_id}/record/approve", Record(Action::ChairConference)),
    r("POST", "/api/v1/conferences/{conference_id}/record/distribute", Record(Action::ArrangeConference)),
    r("POST", "/api/v1/conferences/{conference_id}/record/correction-requests", Record(Action::GatherViews)),
    r(
        "POST",
        "/api/v1/conferences/{conference_id}/record/correction-requests/{number}/answer",
        Record(Action::ChairConference),
    ),
    // Timescales (issue 5): policy, closure days, deadlines.
    r("GET", "/admin/channels", Authority(Action::ManageChannels)),
    r("POST", "/admin/channels", Authority(Action::ManageChannels)),
    r("GET", "/print-list", Authority(Action::ManagePrintList)),
    r("GET", "/print-list/letter", Authority(Action::ManagePrintList)),
    r("POST", "/print-list/printed", Authority(Action::ManagePrintList)),
    r("GET", "/reminders", Authority(Action::ViewRemindersLog)),
    r("GET", "/admin/policy", Authority(Action::ManagePolicy)),
    r("POST", "/admin/policy", Authority(Action::ManagePolicy)),
    r("GET", "/admin/closures", Authority(Action::ManagePolicy)),
    r("POST", "/admin/closures", Authority(Action::ManagePolicy)),
    r("POST", "/admin/closures/remove", Authority(Action::ManagePolicy)),
    r("GET", "/deadlines", Authority(Action::ViewDeadlines)),
    r("GET", "/deadlines/late-reasons", Authority(Action::ViewLateReasons)),
    // The managers' dashboards (QA-02, issue 15).
    r("GET", "/dashboards", Authority(Action::ViewDashboards)),
    r("GET", "/dashboards/csv", Authority(Action::ViewDashboards)),
    r("GET", "/dashboards/families", Authority(Action::ListDashboardFamilies)),
    r("POST", "/families/{family_id}/deadlines", Record(Action::RecordDeadlineMet)),
    // Conference pages (issue 6): the same actions as the API.
    r("GET", "/conferences", Authority(Action::ListConferences)),
    r("GET", "/conferences/chair", Authority(Action::ListChairedConferences)),
    r("GET", "/families/{family_id}/conferences/new", Record(Action::RequestConference)),
    r("POST", "/families/{family_id}/conferences/new", Record(Action::RequestConference)),
    r("GET", "/conferences/{conference_id}", Record(Action::ViewConference)),
    // The conference's task pages (issue 11): each needs its task's action (pages/conference).
    r("GET", "/conferences/{conference_id}/schedule", Record(Action::ArrangeConference)),
    r("GET", "/conferences/{conference_id}/children", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/invitations", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/supporters", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/needs", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/reports", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/sharing", Record(Action::SubmitReport)),
    r("GET", "/conferences/{conference_id}/views", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/exclusions", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/pre-meetings", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/recording", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/cancel", Record(Action::CancelConference)),
    // Translations and other formats (issue 14; LANG-02, LANG-03).
    r("GET", "/conferences/{conference_id}/formats", Record(Action::ViewConference)),
    r("POST", "/conferences/{conference_id}/formats", Record(Action::GatherViews)),
    r("POST", "/conferences/{conference_id}/formats/met", Record(Action::ArrangeConference)),
    r("POST", "/portal/conferences/{conference_id}/formats", Record(Action::TakePartAsFamily)),
    // LANG-03: a parent or carer chooses letters by post or by e-mail (issue 14).
    r("POST", "/portal/families/{family_id}/letters", Record(Action::TakePartAsFamily)),
    r("POST", "/families/{family_id}/adults/{adult_id}/post", Record(Action::EditFamilyRecord)),
    r("POST", "/conferences/{conference_id}/schedule", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/reschedule", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/invitations", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/answers", Record(Action::AnswerInvitation)),
    r("POST", "/conferences/{conference_id}/pre-meetings", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/exclusions", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/views", Record(Action::GatherViews)),
    r("GET", "/conferences/{conference_id}/meeting", Record(Action::RecordMeeting)),
    // The live meeting as a task list (issue 11): one page per task.
    r("GET", "/conferences/{conference_id}/meeting/attendance", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/pre-meetings", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/consent", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/childrens-views", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/views", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/discussion", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/decisions", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/dissent", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/plan", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/recommendations", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/meeting/close", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/start", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/attendance", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/discussion", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/corrections", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/professional-views", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/parent-views", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/actions", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/decisions", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/dissents", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/close", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/record/draft", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/record/approve", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/record/distribute", Record(Action::ArrangeConference)),
    r("GET", "/conferences/{conference_id}/record/copies/{number}", Record(Action::ViewConference)),
    // Documents confer makes (issue 14): a recipient's copy as sent, as PDF or HTML.
    r("GET", "/conferences/{conference_id}/record/copies/{number}/download", Record(Action::ViewConference)),
    // After the meeting (issue 6): the record's own page, the written outcome, editing the
    // draft, correction requests; and on the live page, views presented and legal action.
    r("GET", "/conferences/{conference_id}/record", Record(Action::ViewConference)),
    // The record as a task list (issue 11): each task its own page, with the same action as
    // its form (or, where it also shows what was sent or asked, viewing the conference).
    r("GET", "/conferences/{conference_id}/record/outcome", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/record/draft", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/record/sections", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/record/sections/{number}", Record(Action::RecordMeeting)),
    r("GET", "/conferences/{conference_id}/record/approve", Record(Action::ChairConference)),
    r("GET", "/conferences/{conference_id}/record/distribute", Record(Action::ViewConference)),
    r("GET", "/conferences/{conference_id}/record/corrections", Record(Action::ViewConference)),
    r(
        "GET",
        "/conferences/{conference_id}/record/correction-requests/{number}/answer",
        Record(Action::ChairConference),
    ),
    r("GET", "/conferences/{conference_id}/record/versions", Record(Action::ViewConference)),
    r("POST", "/conferences/{conference_id}/outcome-sent", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/record/sections", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/record/sections/{number}", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/record/correction-requests", Record(Action::GatherViews)),
    r(
        "POST",
        "/conferences/{conference_id}/record/correction-requests/{number}/answer",
        Record(Action::ChairConference),
    ),
    r("POST", "/conferences/{conference_id}/views/{number}/present", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/legal-recommendations", Record(Action::ChairConference)),
    // The family portal (issue 6): parents, carers and young people, for their own family only.
    r("GET", "/portal/conferences/{conference_id}", Record(Action::ViewFamilyConference)),
    r("POST", "/portal/conferences/{conference_id}/answer", Record(Action::TakePartAsFamily)),
    r("POST", "/portal/conferences/{conference_id}/supporter", Record(Action::TakePartAsFamily)),
    r("POST", "/portal/conferences/{conference_id}/views", Record(Action::TakePartAsFamily)),
    r("POST", "/portal/conferences/{conference_id}/needs", Record(Action::TakePartAsFamily)),
    r("POST", "/portal/conferences/{conference_id}/correction", Record(Action::TakePartAsFamily)),
    r("GET", "/portal/conferences/{conference_id}/record/download", Record(Action::ViewFamilyConference)),
    r("GET", "/portal/conferences/{conference_id}/outcome/download", Record(Action::ViewFamilyConference)),
    r("GET", "/families/{family_id}/portal-access", Record(Action::GivePortalAccess)),
    r("POST", "/families/{family_id}/portal-access", Record(Action::GivePortalAccess)),
    r("POST", "/families/{family_id}/portal-access/revoke", Record(Action::GivePortalAccess)),
    // Before the meeting (issue 6): the same actions as the API's routes for these steps.
    r("POST", "/conferences/{conference_id}/cancel", Record(Action::CancelConference)),
    r("POST", "/conferences/{conference_id}/children", Record(Action::RequestConference)),
    r("POST", "/conferences/{conference_id}/children/remove", Record(Action::RequestConference)),
    r("POST", "/conferences/{conference_id}/supporters", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/supporters/late", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/interpreters", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/needs-met", Record(Action::ArrangeConference)),
    r("POST", "/conferences/{conference_id}/recording-consents", Record(Action::RecordMeeting)),
    r("POST", "/conferences/{conference_id}/audio-recording", Record(Action::ChairConference)),
    r("POST", "/conferences/{conference_id}/reports", Record(Action::SubmitReport)),
    r("POST", "/conferences/{conference_id}/reports/upload", Record(Action::SubmitReport)),
    r("POST", "/conferences/{conference_id}/reports/share", Record(Action::SubmitReport)),
    r("GET", "/conferences/{conference_id}/reports/{number}/file", Record(Action::ViewConference)),
    r("POST", "/conferences/{conference_id}/exclusions/told", Record(Action::GatherViews)),
    r("POST", "/conferences/{conference_id}/exclusions/previous", Record(Action::ChairConference)),
    // Plans and core groups (issue 13): the API, then the pages, the same actions.
    r("GET", "/api/v1/plans", Authority(Action::ListMyPlans)),
    r("GET", "/api/v1/plans/{plan_id}", Record(Action::ViewPlan)),
    r("GET", "/api/v1/plans/{plan_id}/history", Record(Action::ViewPlan)),
    r("GET", "/api/v1/families/{family_id}/plans", Record(Action::ViewPlan)),
    r("POST", "/api/v1/plans/{plan_id}/outline", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/actions", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/actions/{number}/status", Record(Action::UpdatePlanAction)),
    r("POST", "/api/v1/plans/{plan_id}/end", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/core-group-meetings", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/core-group-arrangement", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/core-group-arrangement/move", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/core-group-arrangement/cancel", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/review-forward", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/child-in-need", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/network-meetings", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/transfer-out", Record(Action::ChangePlan)),
    r("POST", "/api/v1/plans/{plan_id}/transfer-out/share-pack", Record(Action::ChangePlan)),
    r("GET", "/api/v1/plans/{plan_id}/transfer-pack", Record(Action::ViewPlan)),
    r("GET", "/api/v1/transfers", Authority(Action::ViewIncomingTransfers)),
    r("GET", "/api/v1/transfers/{transfer_id}", Authority(Action::ViewIncomingTransfers)),
    r("POST", "/api/v1/transfers/{transfer_id}/accept", Authority(Action::AnswerTransfer)),
    r("POST", "/api/v1/transfers/{transfer_id}/decline", Authority(Action::AnswerTransfer)),
    r("GET", "/api/v1/families/{family_id}/children/{child_id}/timeline", Record(Action::ViewPlan)),
    r("GET", "/records", Authority(Action::ReviewRetention)),
    r("GET", "/records/disposals", Authority(Action::ReviewRetention)),
    r("GET", "/records/{family_id}", Authority(Action::ReviewRetention)),
    r("POST", "/records/{family_id}/hold", Authority(Action::ManageLegalHold)),
    r("POST", "/records/{family_id}/hold/lift", Authority(Action::ManageLegalHold)),
    r("POST", "/records/{family_id}/propose", Authority(Action::ProposeDisposal)),
    r("POST", "/records/{family_id}/withdraw", Authority(Action::ProposeDisposal)),
    r("POST", "/records/{family_id}/dispose", Authority(Action::AuthoriseDisposal)),
    r("GET", "/admin/retention", Authority(Action::ReviewRetention)),
    r("POST", "/admin/retention", Authority(Action::ManageRetentionSchedule)),
    r("GET", "/quality", Authority(Action::ViewQualityAudits)),
    // Feedback after a conference (QA-01): the e-mailed link (its token is the key: one
    // conference, one person, once), the portal's form, and the results.
    r("GET", "/feedback/thanks", Public),
    r("GET", "/feedback/{conference_id}/{token}", Public),
    r("POST", "/feedback/{conference_id}/{token}", Public),
    r("GET", "/portal/conferences/{conference_id}/feedback", Record(Action::GiveFeedback)),
    r("POST", "/portal/conferences/{conference_id}/feedback", Record(Action::GiveFeedback)),
    r("GET", "/quality/feedback", Authority(Action::ViewFeedback)),
    r("GET", "/quality/feedback.csv", Authority(Action::ViewFeedback)),
    // Subject access requests (RIGHT-01): staff, and the requester in the portal.
    r("GET", "/subject-access", Authority(Action::ViewSubjectAccess)),
    r("GET", "/subject-access/{request_id}", Authority(Action::ViewSubjectAccess)),
    r("POST", "/subject-access/{request_id}/steps", Authority(Action::ManageSubjectAccess)),
    r("GET", "/families/{family_id}/subject-access", Record(Action::ManageSubjectAccess)),
    r("POST", "/families/{family_id}/subject-access", Record(Action::ManageSubjectAccess)),
    r("GET", "/portal/families/{family_id}/records-requests", Record(Action::AskForOwnRecords)),
    r("POST", "/portal/families/{family_id}/records-requests", Record(Action::AskForOwnRecords)),
    r("GET", "/portal/families/{family_id}/records-requests/{request_id}/download", Record(Action::AskForOwnRecords)),
    // Complaints (RIGHT-02): staff handle them; a parent makes and follows their own.
    r("GET", "/complaints", Authority(Action::ViewComplaints)),
    r("GET", "/complaints/{complaint_id}", Authority(Action::ViewComplaints)),
    r("POST", "/complaints/{complaint_id}/steps", Authority(Action::ManageComplaints)),
    r("GET", "/families/{family_id}/complaints/new", Record(Action::LogComplaint)),
    r("POST", "/families/{family_id}/complaints/new", Record(Action::LogComplaint)),
    // Northern Ireland (issue 15): the appeal against a conference's decision.
    r("GET", "/api/v1/conferences/{conference_id}/appeal", Record(Action::ViewAppeal)),
    r("POST", "/api/v1/conferences/{conference_id}/appeal", Record(Action::LodgeAppeal)),
    r("POST", "/api/v1/conferences/{conference_id}/appeal/steps", Record(Action::ManageAppeal)),
    // Complaints (RIGHT-02) and formats (LANG-02, LANG-03) through the API (issue 14).
    r("GET", "/api/v1/complaints", Authority(Action::ViewComplaints)),
    r("GET", "/api/v1/complaints/{complaint_id}", Authority(Action::ViewComplaints)),
    r("POST", "/api/v1/complaints/{complaint_id}/steps", Authority(Action::ManageComplaints)),
    r("POST", "/api/v1/families/{family_id}/complaints", Record(Action::LogComplaint)),
    r("POST", "/api/v1/conferences/{conference_id}/formats", Record(Action::GatherViews)),
    r("POST", "/api/v1/conferences/{conference_id}/formats/{number}/met", Record(Action::ArrangeConference)),
    r("GET", "/conferences/{conference_id}/appeal", Record(Action::ViewAppeal)),
    r("POST", "/conferences/{conference_id}/appeal", Record(Action::LodgeAppeal)),
    r("POST", "/conferences/{conference_id}/appeal/steps", Record(Action::ManageAppeal)),
    r("GET", "/portal/appeals", Authority(Action::AppealAsFamily)),
    r("POST", "/portal/appeals", Authority(Action::AppealAsFamily)),
    r("GET", "/portal/complaints", Authority(Action::ComplainAsFamily)),
    r("GET", "/portal/complaints/new", Authority(Action::ComplainAsFamily)),
    r("POST", "/portal/complaints/new", Authority(Action::ComplainAsFamily)),
    r("POST", "/portal/complaints/{complaint_id}/escalate", Authority(Action::ComplainAsFamily)),
    r("POST", "/quality/samples", Authority(Action::AuditConferences)),
    r("GET", "/quality/checklist", Authority(Action::ViewQualityAudits)),
    r("POST", "/quality/checklist", Authority(Action::ManageQualityChecklist)),
    r("GET", "/quality/audits/{audit_id}", Authority(Action::ViewQualityAudits)),
    r("POST", "/quality/audits/{audit_id}/findings", Authority(Action::AuditConferences)),
    r("POST", "/quality/audits/{audit_id}/actions", Authority(Action::AuditConferences)),
    r("POST", "/quality/audits/{audit_id}/actions/done", Authority(Action::AuditConferences)),
    r("GET", "/plans", Authority(Action::ListMyPlans)),
    r("GET", "/plans/{plan_id}", Record(Action::ViewPlan)),
    r("GET", "/plans/{plan_id}/history", Record(Action::ViewPlan)),
    r("POST", "/plans/{plan_id}/outline", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/actions", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/actions/status", Record(Action::UpdatePlanAction)),
    r("POST", "/plans/{plan_id}/end", Record(Action::ChangePlan)),
    r("GET", "/plans/{plan_id}/after", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/child-in-need", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/network-meeting", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/transfer-out", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/transfer-pack/share", Record(Action::ChangePlan)),
    r("GET", "/plans/{plan_id}/transfer-pack", Record(Action::ViewPlan)),
    r("GET", "/transfers", Authority(Action::ViewIncomingTransfers)),
    r("GET", "/transfers/{transfer_id}", Authority(Action::ViewIncomingTransfers)),
    r("POST", "/transfers/{transfer_id}/accept", Authority(Action::AnswerTransfer)),
    r("POST", "/transfers/{transfer_id}/decline", Authority(Action::AnswerTransfer)),
    // Plans for the people who use them (issue 13): the core group meeting, the young
    // person's own version, a child's timeline, the plan in the family portal.
    r("GET", "/plans/{plan_id}/core-group", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/core-group", Record(Action::ChangePlan)),
    // CG-01, CG-02 (issue 13, 14): the next core group meeting arranged, moved or cancelled.
    r("GET", "/plans/{plan_id}/core-group/arrange", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/core-group/arrange", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/core-group/move", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/core-group/cancel", Record(Action::ChangePlan)),
    r("GET", "/plans/{plan_id}/young-person", Record(Action::ChangePlan)),
    r("POST", "/plans/{plan_id}/young-person", Record(Action::ChangePlan)),
    r("GET", "/families/{family_id}/children/{child_id}/timeline", Record(Action::ViewPlan)),
    r("GET", "/portal/plans/{plan_id}", Record(Action::ViewFamilyPlan)),
    // The same plan as JSON, read with the portal's session (the family holds no API tokens).
    r("GET", "/portal/api/v1/plans/{plan_id}", Record(Action::ViewFamilyPlan)),
    // England's Children in Need census (issue 15): a child's census details, the return.
    r("GET", "/families/{family_id}/children/{child_id}/census", Record(Action::EditFamilyRecord)),
    r("POST", "/families/{family_id}/children/{child_id}/census", Record(Action::EditFamilyRecord)),
    r("GET", "/returns/census", Authority(Action::ExportReturns)),
    r("GET", "/returns/census/download", Authority(Action::ExportReturns)),
    // Ofsted's Annex A lists 5, 6 and 7 for a period (issue 15).
    r("GET", "/returns/annex-a", Authority(Action::ExportReturns)),
    r("GET", "/returns/annex-a/download", Authority(Action::ExportReturns)),
    // Wales, Scotland and Northern Ireland: child protection register statistics (issue 15).
    r("GET", "/returns/register-stats", Authority(Action::ExportReturns)),
    r("GET", "/returns/register-stats/download", Authority(Action::ExportReturns)),
];

pub fn route_for(method: &str, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/assets/{name}", get(assets::asset))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-in/code", get(auth::code_page).post(auth::code))
        .route("/sign-in/enrol", get(auth::enrol_page).post(auth::enrol))
        .route("/sign-out", post(auth::sign_out))
        .route("/portal/sign-in", get(auth::portal_sign_in_page).post(auth::portal_sign_in))
        .route("/portal/sign-in/code", get(auth::portal_code_page).post(auth::portal_code))
        .route("/portal/sign-in/choose", post(auth::portal_choose))
        .route("/callbacks/notify/{authority_id}", post(crate::notify::callback))
        .route("/", get(pages::dashboard::dashboard))
        .route("/portal", get(pages::portal::home))
        .route("/account", get(pages::account::account))
        .route("/account/sign-out-everywhere", post(pages::account::sign_out_everywhere))
        .route("/account/tokens", post(pages::account::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::account::revoke_token))
        .route("/families", get(pages::families::list))
        .route("/families/{family_id}", get(pages::families::show))
        .route("/families/{family_id}/audit", get(pages::families::audit))
        .route(
            "/families/{family_id}/children/{child_id}/edit",
            get(pages::families::edit_child_page).post(pages::families::edit_child),
        )
        .route("/families/{family_id}/children/{child_id}/census", get(pages::census::page).post(pages::census::save))
        .route("/returns/census", get(pages::census::returns))
        .route("/returns/census/download", get(pages::census::download))
        .route("/returns/annex-a", get(pages::annex_a::page))
        .route("/returns/annex-a/download", get(pages::annex_a::download))
        .route("/returns/register-stats", get(pages::register_stats::page))
        .route("/returns/register-stats/download", get(pages::register_stats::download))
        .route("/audit", get(pages::audit::recent))
        .route("/admin/users", get(pages::admin::users).post(pages::admin::create_user))
        .route("/admin/users/{user_id}", get(pages::admin::user).post(pages::admin::change_user))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/families", get(api::families))
        .route("/api/v1/families/{family_id}", get(api::family))
        // Conferences (issue 6).
        .route("/api/v1/families/{family_id}/conferences", get(ac::family_conferences).post(ac::request_conference))
        .route("/api/v1/conferences", get(ac::list_conferences))
        .route("/api/v1/conferences/requested", get(ac::requested_conferences))
        .route("/api/v1/conferences/chaired", get(ac::chaired_conferences))
        .route("/api/v1/conferences/{conference_id}", get(ac::get_conference))
        .route("/api/v1/conferences/{conference_id}/schedule", post(ac::schedule))
        .route("/api/v1/conferences/{conference_id}/reschedule", post(ac::reschedule))
        .route("/api/v1/conferences/{conference_id}/cancel", post(ac::cancel))
        .route("/api/v1/conferences/{conference_id}/children", post(ac::add_child))
        .route("/api/v1/conferences/{conference_id}/children/{child_id}/remove", post(ac::remove_child))
        .route("/api/v1/conferences/{conference_id}/invitations", post(ac::invite))
        .route("/api/v1/conferences/{conference_id}/invitations/{number}/answer", post(ac::answer_invitation))
        .route(
            "/api/v1/conferences/{conference_id}/invitations/{number}/late-supporter-decision",
            post(ac::decide_late_supporter),
        )
        .route("/api/v1/conferences/{conference_id}/interpreters", post(ac::book_interpreter))
        .route("/api/v1/conferences/{conference_id}/needs-met", post(ac::need_met))
        .route("/api/v1/conferences/{conference_id}/exclusions", post(ac::exclude))
        .route("/api/v1/conferences/{conference_id}/exclusions/told", post(ac::exclusion_told))
        .route("/api/v1/conferences/{conference_id}/exclusions/previous", post(ac::review_previous_exclusion))
        .route("/api/v1/conferences/{conference_id}/reports", post(ac::submit_report))
        .route("/api/v1/conferences/{conference_id}/reports/{number}/share", post(ac::share_report))
        .route("/api/v1/conferences/{conference_id}/views", post(ac::record_views))
        .route("/api/v1/conferences/{conference_id}/views/{number}/present", post(ac::present_views))
        .route("/api/v1/conferences/{conference_id}/pre-meetings", post(ac::pre_meeting))
        .route("/api/v1/conferences/{conference_id}/recording-consents", post(ac::recording_consent))
        .route("/api/v1/conferences/{conference_id}/audio-recording", post(ac::start_audio_recording))
        .route("/api/v1/conferences/{conference_id}/start", post(ac::start_meeting))
        .route("/api/v1/conferences/{conference_id}/attendance", post(ac::attendance))
        .route("/api/v1/conferences/{conference_id}/discussion", post(ac::discussion))
        .route("/api/v1/conferences/{conference_id}/corrections", post(ac::correction))
        .route("/api/v1/conferences/{conference_id}/professional-views", post(ac::professional_view))
        .route("/api/v1/conferences/{conference_id}/parent-views", post(ac::parent_view))
        .route("/api/v1/conferences/{conference_id}/actions", post(ac::plan_action))
        .route("/api/v1/conferences/{conference_id}/decisions", post(ac::decision))
        .route("/api/v1/conferences/{conference_id}/legal-recommendations", post(ac::legal_recommendation))
        .route("/api/v1/conferences/{conference_id}/dissents", post(ac::dissent))
        .route("/api/v1/conferences/{conference_id}/close", post(ac::close))
        .route("/api/v1/conferences/{conference_id}/outcome-sent", post(ac::outcome_sent))
        .route("/api/v1/conferences/{conference_id}/record/draft", post(ac::draft_record))
        .route("/api/v1/conferences/{conference_id}/record/approve", post(ac::approve_record))
        .route("/api/v1/conferences/{conference_id}/record/distribute", post(ac::distribute_record))
        .route("/api/v1/conferences/{conference_id}/record/correction-requests", post(ac::request_record_correction))
        .route(
            "/api/v1/conferences/{conference_id}/record/correction-requests/{number}/answer",
            post(ac::answer_record_correction),
        )
        // Timescales (issue 5): policy, closure days, deadlines.
        .route("/admin/channels", get(pages::channels::settings).post(pages::channels::save))
        .route("/print-list", get(pages::channels::print_list))
        .route("/print-list/letter", get(pages::channels::letter))
        .route("/print-list/printed", post(pages::channels::mark_printed))
        .route("/reminders", get(pages::channels::reminders_log))
        .route("/admin/policy", get(pages::policy::policy).post(pages::policy::add_version))
        .route("/admin/closures", get(pages::policy::closures).post(pages::policy::add_closure))
        .route("/admin/closures/remove", post(pages::policy::remove_closure))
        .route("/deadlines", get(pages::deadlines::list))
        .route("/deadlines/late-reasons", get(pages::deadlines::late_reasons))
        .route("/dashboards", get(pages::dashboards::show))
        .route("/dashboards/csv", get(pages::dashboards::csv))
        .route("/dashboards/families", get(pages::dashboards::families))
        .route("/families/{family_id}/deadlines", post(pages::deadlines::record_met))
        // Conference pages (issue 6).
        .route("/conferences", get(pages::conferences::list))
        .route("/conferences/chair", get(pages::conferences::chair))
        .route(
            "/families/{family_id}/conferences/new",
            get(pages::conferences::request_form).post(pages::conferences::request),
        )
        .route("/conferences/{conference_id}", get(pages::conference::summary::show))
        .route("/conferences/{conference_id}/needs", get(pages::conference::task_pages::needs))
        .route("/conferences/{conference_id}/sharing", get(pages::conference::task_pages::sharing))
        .route("/conferences/{conference_id}/recording", get(pages::conference::task_pages::recording))
        .route(
            "/conferences/{conference_id}/schedule",
            get(pages::conference::task_pages::schedule).post(pages::conferences::schedule),
        )
        .route("/conferences/{conference_id}/reschedule", post(pages::conferences::reschedule))
        .route(
            "/conferences/{conference_id}/invitations",
            get(pages::conference::task_pages::invitations).post(pages::conferences::invite),
        )
        .route("/conferences/{conference_id}/answers", post(pages::conferences::answer))
        .route(
            "/conferences/{conference_id}/pre-meetings",
            get(pages::conference::task_pages::pre_meetings).post(pages::conferences::pre_meeting),
        )
        .route(
            "/conferences/{conference_id}/exclusions",
            get(pages::conference::task_pages::exclusions).post(pages::conferences::exclude),
        )
        .route(
            "/conferences/{conference_id}/views",
            get(pages::conference::task_pages::views).post(pages::conferences::record_views),
        )
        .route("/conferences/{conference_id}/meeting", get(pages::meeting::show))
        .route("/conferences/{conference_id}/meeting/attendance", get(mt::attendance_page))
        .route("/conferences/{conference_id}/meeting/pre-meetings", get(mt::pre_meetings_page))
        .route("/conferences/{conference_id}/meeting/consent", get(mt::consent_page))
        .route("/conferences/{conference_id}/meeting/childrens-views", get(mt::childrens_views_page))
        .route("/conferences/{conference_id}/meeting/views", get(mt::views_page))
        .route("/conferences/{conference_id}/meeting/discussion", get(mt::discussion_page))
        .route("/conferences/{conference_id}/meeting/decisions", get(mt::decisions_page))
        .route("/conferences/{conference_id}/meeting/dissent", get(mt::dissent_page))
        .route("/conferences/{conference_id}/meeting/plan", get(mt::plan_page))
        .route("/conferences/{conference_id}/meeting/recommendations", get(mt::recommendations_page))
        .route("/conferences/{conference_id}/meeting/close", get(mt::close_page))
        .route("/conferences/{conference_id}/start", post(pages::meeting::start))
        .route("/conferences/{conference_id}/attendance", post(pages::meeting::attendance))
        .route("/conferences/{conference_id}/discussion", post(pages::meeting::discussion))
        .route("/conferences/{conference_id}/corrections", post(pages::meeting::correction))
        .route("/conferences/{conference_id}/professional-views", post(pages::meeting::professional_view))
        .route("/conferences/{conference_id}/parent-views", post(pages::meeting::parent_view))
        .route("/conferences/{conference_id}/actions", post(pages::meeting::plan_action))
        .route("/conferences/{conference_id}/decisions", post(pages::meeting::decision))
        .route("/conferences/{conference_id}/dissents", post(pages::meeting::dissent))
        .route("/conferences/{conference_id}/close", post(pages::meeting::close))
        .route("/conferences/{conference_id}/record/draft", get(rt::draft_page).post(pages::conferences::draft_record))
        .route(
            "/conferences/{conference_id}/record/approve",
            get(rt::approve_page).post(pages::conferences::approve_record),
        )
        .route(
            "/conferences/{conference_id}/record/distribute",
            get(rt::distribute_page).post(pages::conferences::distribute_record),
        )
        .route("/conferences/{conference_id}/record/copies/{number}", get(pages::conferences::copy))
        .route("/conferences/{conference_id}/record/copies/{number}/download", get(pages::documents::record_copy))
        .route("/portal/conferences/{conference_id}/record/download", get(pages::documents::own_record_copy))
        .route("/portal/conferences/{conference_id}/outcome/download", get(pages::documents::own_outcome_letter))
        .route("/conferences/{conference_id}/record", get(pages::record::show))
        .route("/conferences/{conference_id}/record/outcome", get(rt::outcome_page))
        .route("/conferences/{conference_id}/record/corrections", get(rt::corrections_page))
        .route("/conferences/{conference_id}/record/versions", get(rt::versions_page))
        .route("/conferences/{conference_id}/outcome-sent", post(pages::record::outcome_sent))
        .route(
            "/conferences/{conference_id}/record/sections",
            get(rt::add_point_page).post(pages::record::add_discussion),
        )
        .route(
            "/conferences/{conference_id}/record/sections/{number}",
            get(rt::section_page).post(pages::record::edit_section),
        )
        .route("/conferences/{conference_id}/record/correction-requests", post(pages::record::request_correction))
        .route(
            "/conferences/{conference_id}/record/correction-requests/{number}/answer",
            get(rt::answer_page).post(pages::record::answer_correction),
        )
        .route("/conferences/{conference_id}/views/{number}/present", post(pages::meeting::present_views))
        .route("/conferences/{conference_id}/legal-recommendations", post(pages::meeting::legal_recommendation))
        // The family portal (issue 6).
        .route("/portal/conferences/{conference_id}", get(pages::portal::show))
        // Subject access requests (RIGHT-01).
        .route("/subject-access", get(pages::subject_access::list))
        .route("/subject-access/{request_id}", get(pages::subject_access::show))
        .route("/subject-access/{request_id}/steps", post(pages::subject_access::step))
        .route(
            "/families/{family_id}/subject-access",
            get(pages::subject_access::new_form).post(pages::subject_access::log),
        )
        .route(
            "/portal/families/{family_id}/records-requests",
            get(pages::subject_access::portal).post(pages::subject_access::portal_ask),
        )
        .route(
            "/portal/families/{family_id}/records-requests/{request_id}/download",
            get(pages::subject_access::portal_download),
        )
        // Complaints (RIGHT-02).
        .route("/complaints", get(pages::complaints::list))
        .route("/complaints/{complaint_id}", get(pages::complaints::show))
        .route("/complaints/{complaint_id}/steps", post(pages::complaints::step))
        .route("/families/{family_id}/complaints/new", get(pages::complaints::new_form).post(pages::complaints::log))
        // Northern Ireland (issue 15): appeals against a conference's decision.
        .route(
            "/api/v1/conferences/{conference_id}/appeal",
            get(crate::api_appeals::get_appeal).post(crate::api_appeals::lodge_appeal),
        )
        .route("/api/v1/conferences/{conference_id}/appeal/steps", post(crate::api_appeals::appeal_step))
        .route("/api/v1/complaints", get(crate::api_complaints::list_complaints))
        .route("/api/v1/complaints/{complaint_id}", get(crate::api_complaints::get_complaint))
        .route("/api/v1/complaints/{complaint_id}/steps", post(crate::api_complaints::complaint_step))
        .route("/api/v1/families/{family_id}/complaints", post(crate::api_complaints::log_complaint))
        .route("/api/v1/conferences/{conference_id}/formats", post(crate::api_complaints::request_format))
        .route("/api/v1/conferences/{conference_id}/formats/{number}/met", post(crate::api_complaints::format_met))
        .route("/conferences/{conference_id}/appeal", get(pages::appeals::show).post(pages::appeals::lodge))
        .route("/conferences/{conference_id}/appeal/steps", post(pages::appeals::step))
        .route("/portal/appeals", get(pages::appeals::portal).post(pages::appeals::portal_lodge))
        .route("/portal/complaints", get(pages::complaints::portal))
        .route("/portal/complaints/new", get(pages::complaints::portal_new).post(pages::complaints::portal_make))
        .route("/portal/complaints/{complaint_id}/escalate", post(pages::complaints::portal_escalate))
        .route("/portal/conferences/{conference_id}/answer", post(pages::portal::answer))
        .route("/portal/conferences/{conference_id}/supporter", post(pages::portal::supporter))
        .route("/portal/conferences/{conference_id}/views", post(pages::portal::views))
        .route("/portal/conferences/{conference_id}/needs", post(pages::portal::needs))
        .route("/portal/conferences/{conference_id}/correction", post(pages::portal::correction))
        .route("/families/{family_id}/portal-access", get(pages::portal::access_page).post(pages::portal::give_access))
        .route("/families/{family_id}/portal-access/revoke", post(pages::portal::revoke_access))
        // Before the meeting (issue 6).
        .route(
            "/conferences/{conference_id}/cancel",
            get(pages::conference::task_pages::cancel).post(pages::arrange::cancel),
        )
        .route(
            "/conferences/{conference_id}/children",
            get(pages::conference::task_pages::children).post(pages::arrange::add_child),
        )
        .route("/conferences/{conference_id}/children/remove", post(pages::arrange::remove_child))
        .route(
            "/conferences/{conference_id}/supporters",
            get(pages::conference::task_pages::supporters).post(pages::arrange::name_supporter),
        )
        .route("/conferences/{conference_id}/supporters/late", post(pages::arrange::decide_late_supporter))
        .route("/conferences/{conference_id}/interpreters", post(pages::arrange::book_interpreter))
        .route("/conferences/{conference_id}/needs-met", post(pages::arrange::need_met))
        .route(
            "/conferences/{conference_id}/formats",
            get(pages::conference::task_pages::formats).post(pages::formats::request),
        )
        .route("/conferences/{conference_id}/formats/met", post(pages::formats::met))
        .route("/portal/conferences/{conference_id}/formats", post(pages::portal::format_request))
        .route("/portal/families/{family_id}/letters", post(pages::portal_letters::choose))
        .route("/families/{family_id}/adults/{adult_id}/post", post(pages::families::prefers_post))
        .route("/conferences/{conference_id}/recording-consents", post(pages::arrange::recording_consent))
        .route("/conferences/{conference_id}/audio-recording", post(pages::arrange::audio_recording))
        .route(
            "/conferences/{conference_id}/reports",
            get(pages::conference::task_pages::reports).post(pages::arrange::submit_report),
        )
        // The router-wide body limit bounds the upload; the form checks the file's own size.
        .route(
            "/conferences/{conference_id}/reports/upload",
            post(pages::arrange::upload_report).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/conferences/{conference_id}/reports/share", post(pages::arrange::share_report))
        .route("/conferences/{conference_id}/reports/{number}/file", get(pages::arrange::download_report_file))
        .route("/conferences/{conference_id}/exclusions/told", post(pages::arrange::exclusion_told))
        .route("/conferences/{conference_id}/exclusions/previous", post(pages::arrange::review_previous_exclusion))
        // Plans and core groups (issue 13).
        .route("/api/v1/plans", get(crate::api_plans::my_plans))
        .route("/api/v1/plans/{plan_id}", get(crate::api_plans::get_plan))
        .route("/api/v1/plans/{plan_id}/history", get(crate::api_plans::plan_history))
        .route("/api/v1/families/{family_id}/plans", get(crate::api_plans::family_plans))
        .route("/api/v1/plans/{plan_id}/outline", post(crate::api_plans::change_outline))
        .route("/api/v1/plans/{plan_id}/actions", post(crate::api_plans::add_action))
        .route("/api/v1/plans/{plan_id}/actions/{number}/status", post(crate::api_plans::update_action))
        .route("/api/v1/plans/{plan_id}/end", post(crate::api_plans::end_plan))
        .route("/api/v1/plans/{plan_id}/core-group-meetings", post(crate::api_plans::core_group_meeting))
        .route("/api/v1/plans/{plan_id}/core-group-arrangement", post(crate::api_plans::arrange_core_group))
        .route("/api/v1/plans/{plan_id}/core-group-arrangement/move", post(crate::api_plans::move_core_group))
        .route("/api/v1/plans/{plan_id}/core-group-arrangement/cancel", post(crate::api_plans::cancel_core_group))
        .route("/api/v1/plans/{plan_id}/review-forward", post(crate::api_plans::review_forward))
        .route("/api/v1/plans/{plan_id}/child-in-need", post(crate::api_plans::change_child_in_need))
        .route("/api/v1/plans/{plan_id}/network-meetings", post(crate::api_plans::network_meeting))
        .route("/api/v1/plans/{plan_id}/transfer-out", post(crate::api_plans::transfer_out))
        .route("/api/v1/plans/{plan_id}/transfer-out/share-pack", post(crate::api_plans::share_transfer_pack))
        .route("/api/v1/plans/{plan_id}/transfer-pack", get(crate::api_plans::transfer_pack))
        .route("/api/v1/transfers", get(crate::api_plans::incoming_transfers))
        .route("/api/v1/transfers/{transfer_id}", get(crate::api_plans::incoming_transfer))
        .route("/api/v1/transfers/{transfer_id}/accept", post(crate::api_plans::accept_transfer))
        .route("/api/v1/transfers/{transfer_id}/decline", post(crate::api_plans::decline_transfer))
        .route("/api/v1/families/{family_id}/children/{child_id}/timeline", get(crate::api_plans::child_timeline))
        .route("/records", get(pages::records::due))
        .route("/records/disposals", get(pages::records::disposals))
        .route("/records/{family_id}", get(pages::records::family))
        .route("/records/{family_id}/hold", post(pages::records::place_hold))
        .route("/records/{family_id}/hold/lift", post(pages::records::lift_hold))
        .route("/records/{family_id}/propose", post(pages::records::propose))
        .route("/records/{family_id}/withdraw", post(pages::records::withdraw))
        .route("/records/{family_id}/dispose", post(pages::records::dispose))
        .route("/admin/retention", get(pages::records::schedule).post(pages::records::save_schedule))
        .route("/quality", get(pages::quality::list))
        .route("/feedback/thanks", get(pages::feedback::thanks))
        .route(
            "/feedback/{conference_id}/{token}",
            get(pages::feedback::token_form).post(pages::feedback::token_answer),
        )
        .route(
            "/portal/conferences/{conference_id}/feedback",
            get(pages::feedback::portal_form).post(pages::feedback::portal_answer),
        )
        .route("/quality/feedback", get(pages::feedback::report))
        .route("/quality/feedback.csv", get(pages::feedback::report_csv))
        .route("/quality/samples", post(pages::quality::draw))
        .route("/quality/checklist", get(pages::quality::checklist).post(pages::quality::save_checklist))
        .route("/quality/audits/{audit_id}", get(pages::quality::audit))
        .route("/quality/audits/{audit_id}/findings", post(pages::quality::findings))
        .route("/quality/audits/{audit_id}/actions", post(pages::quality::add_action))
        .route("/quality/audits/{audit_id}/actions/done", post(pages::quality::action_done))
        .route("/plans", get(pages::plan::mine))
        .route("/plans/{plan_id}", get(pages::plan::show))
        .route("/plans/{plan_id}/history", get(pages::plan::history))
        .route("/plans/{plan_id}/outline", post(pages::plan::change_outline))
        .route("/plans/{plan_id}/actions", post(pages::plan::add_action))
        .route("/plans/{plan_id}/actions/status", post(pages::plan::update_action))
        .route("/plans/{plan_id}/end", post(pages::plan::end))
        .route("/plans/{plan_id}/after", get(pages::plan_after::show))
        .route("/plans/{plan_id}/child-in-need", post(pages::plan_after::child_in_need))
        .route("/plans/{plan_id}/network-meeting", post(pages::plan_after::network_meeting))
        .route("/plans/{plan_id}/transfer-out", post(pages::plan_after::transfer_out))
        .route("/plans/{plan_id}/transfer-pack/share", post(pages::plan_after::share_pack))
        .route("/plans/{plan_id}/transfer-pack", get(pages::plan_after::transfer_pack))
        .route("/transfers", get(pages::transfers::list))
        .route("/transfers/{transfer_id}", get(pages::transfers::show))
        .route("/transfers/{transfer_id}/accept", post(pages::transfers::accept))
        .route("/transfers/{transfer_id}/decline", post(pages::transfers::decline))
        .route("/plans/{plan_id}/core-group", get(pages::plan_core_group::show).post(pages::plan_core_group::record))
        .route("/plans/{plan_id}/core-group/arrange", get(pages::plan_arrange::show).post(pages::plan_arrange::arrange))
        .route("/plans/{plan_id}/core-group/move", post(pages::plan_arrange::move_meeting))
        .route("/plans/{plan_id}/core-group/cancel", post(pages::plan_arrange::cancel))
        .route(
            "/plans/{plan_id}/young-person",
            get(pages::plan_core_group::young_show).post(pages::plan_core_group::young_write),
        )
        .route("/families/{family_id}/children/{child_id}/timeline", get(pages::plan_timeline::show))
        .route("/portal/plans/{plan_id}", get(pages::portal_plan::show))
        .route("/portal/api/v1/plans/{plan_id}", get(crate::api_plans::portal_plan))
        .fallback(crate::error::not_found)
        .with_state(state)
}

/// The gate: finds the route's access rule and asks the policy. Runs before every handler.
pub async fn gate(State(_state): State<SharedState>, req: Request, next: Next) -> Response {
    let Some(matched) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()) else {
        // No route matched: the fallback answers 404.
        return next.run(req).await;
    };
    let method = req.method().as_str();
    let method = if method == "HEAD" { "GET" } else { method };
    let is_api = matched.starts_with("/api/");
    let Some(route) = route_for(method, &matched) else {
        // Deny by default: a route that the table does not name is never served.
        tracing::error!(path = %matched, method, "route missing from the access table");
        return if is_api { api::ApiError::Forbidden.into_response() } else { AppError::Forbidden.into_response() };
    };
    if route.access == Public {
        return next.run(req).await;
    }
    let ctx = req.extensions().get::<Ctx>().cloned();
    let Some(ctx) = ctx else {
        return if is_api {
            api::ApiError::Unauthenticated.into_response()
        } else {
            let next_path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
            AppError::SignInRequired { next: if method == "GET" { next_path } else { String::new() } }.into_response()
        };
    };
    // API tokens are scoped: `read` reaches GET routes only.
    if let Via::Token { write, .. } = ctx.via {
        if method != "GET" && !write {
            return api::ApiError::Forbidden.into_response();
        }
    }
    // A session cookie does not reach the API, and a token does not reach pages: each
    // credential works only where it was meant to (and CSRF needs no thought for the API).
    match (&ctx.via, is_api) {
        (Via::Session { .. }, true) => return api::ApiError::Unauthenticated.into_response(),
        (Via::Token { .. }, false) => return AppError::SignInRequired { next: String::new() }.into_response(),
        _ => {}
    }
    // People whose home is the portal (families, partner professionals) opening `/` are sent
    // there, not refused (issue 11).
    if matched == "/" && !ctx.may(Action::ViewDashboard) && ctx.may(Action::ManageOwnAccount) {
        return axum::response::Redirect::to("/portal").into_response();
    }
    // Two factors for everyone but the family (issue 10), whatever the sign-in did: a person
    // whose roles need a second factor acts only with a credential that stands for two.
    if let Authority(action) | Record(action) = route.access {
        if !factors_suffice(&ctx.actor, action, ctx.factors()) {
            return if is_api { api::ApiError::Forbidden.into_response() } else { AppError::Forbidden.into_response() };
        }
    }
    if let Authority(action) = route.access {
        match decide(&ctx.actor, action, Target::Authority(&ctx.actor.authority_id)) {
            Decision::Allow => {}
            Decision::Forbidden => {
                return if is_api {
                    api::ApiError::Forbidden.into_response()
                } else {
                    AppError::Forbidden.into_response()
                }
            }
            Decision::NotFound => {
                return if is_api {
                    api::ApiError::NotFound.into_response()
                } else {
                    AppError::NotFound.into_response()
                }
            }
        }
    }
    next.run(req).await
}
