//! The one access policy (ROLE-11). Every route and every command asks [`decide`]; nothing
//! else decides who may do what. The policy is a table held as data ([`GRANTS`]): an action
//! is allowed when one of its grants matches the actor's roles and relationship to the record.
//! Deny by default. A record of another tenant, or one the actor has no grant for, is
//! reported as not found so its existence is not disclosed.
//!
//! Where [`Relationship::ConferenceChair`] comes from: a conference's own chair assignment
//! (for that conference, and for the family while they chair any of its conferences), and,
//! provisionally, being named as the chair on an *open* deadline of the family's case (not yet
//! met, not cancelled): that chair prepares for the conference the deadline is for. Once the
//! deadline is met, or cancelled with the conference it was for, the provisional grant ends
//! and only a conference's own chair assignment counts (`confer_store::families::relationships_in`;
//! tested on both databases in `crates/store/tests/deadline_chair.rs`).

use crate::model::{AuthorityId, Role, UserId};
use std::collections::BTreeSet;

crate::text_enum! {
    /// How a person stands towards a family's record. Derived by the store from the case,
    /// its conferences, invitations and core groups; never stored as a permission.
    pub enum Relationship {
        AllocatedWorker => "allocated-worker", "Allocated social worker";
        ManagerOfAllocatedWorker => "manager-of-allocated-worker", "In the allocated worker's management line";
        ConferenceChair => "conference-chair", "Chair of a conference for the family";
        Invited => "invited", "Invited to a conference for the family";
        CoreGroupMember => "core-group-member", "Member of a core group for the family";
        FamilyMember => "family-member", "A parent, carer or young person of the family, linked to their portal account";
    }
}

crate::text_enum! {
    /// Everything a person can ask to do. Each route names exactly one.
    pub enum Action {
        /// The staff home page.
        ViewDashboard => "view-dashboard", "See the dashboard";
        /// Own account: second factor, recovery codes, tokens, sign out everywhere.
        ManageOwnAccount => "manage-own-account", "Manage your own account";
        /// Lists of families the actor may see (filtered per row by `ViewFamilyRecord`).
        SearchFamilies => "search-families", "Search families";
        /// Read a family's record: children, adults, case (logged as a read, ROLE-11).
        ViewFamilyRecord => "view-family-record", "See a family's record";
        /// Add a family, or change a family's details, children, adults and relationships.
        EditFamilyRecord => "edit-family-record", "Change a family's record";
        /// See who read or changed a family's record.
        ViewRecordAudit => "view-record-audit", "See who read or changed a family's record";
        /// Create and change user accounts and roles.
        ManageUsers => "manage-users", "Manage users";
        /// Change the authority's policy values and closure days.
        ManagePolicy => "manage-policy", "Manage the authority's policy";
        /// Issue 14: choose how the authority's messages are sent (SMTP or GOV.UK Notify, text
        /// messages) and set the Notify API key.
        ManageChannels => "manage-channels", "Manage how messages are sent";
        /// Issue 14: the print list: letters waiting, download them, mark them printed.
        ManagePrintList => "manage-print-list", "Print the letters on the print list";
        /// Issue 14: the log of reminders sent (what, when, to whom by role).
        ViewRemindersLog => "view-reminders-log", "See the reminders sent";
        /// Read the audit trail: who read or changed what.
        ViewAuditTrail => "view-audit-trail", "See the audit trail";
        /// Read a conference of a family: its request, invitations, reports, meeting and record.
        ViewConference => "view-conference", "See a conference";
        /// Request a conference for a family (S47-01); add or remove a child before it starts.
        RequestConference => "request-conference", "Request a conference";
        /// Arrange a conference (ROLE-02): schedule, invite, book interpreters, send the outcome and record.
        ArrangeConference => "arrange-conference", "Arrange a conference";
        /// Cancel a conference that has not started.
        CancelConference => "cancel-conference", "Cancel a conference";
        /// Answer an invitation (INV-04): one's own, or the coordinator for someone.
        AnswerInvitation => "answer-invitation", "Answer an invitation";
        /// What only the chair of the conference does (ROLE-01): exclusion, start, decisions, dissent, close, approval.
        ChairConference => "chair-conference", "Chair a conference";
        /// Write down what happens in the meeting: attendance, discussion, views, actions, the draft record.
        RecordMeeting => "record-meeting", "Record a conference meeting";
        /// Submit a report to the conference and share it with the family (REP-01..04).
        SubmitReport => "submit-report", "Submit or share a report";
        /// Gather and give views for the family (INV-06/07, CHILD-02/03, MIN-04).
        GatherViews => "gather-views", "Record the family's views";
        /// Lists of the authority's conferences: by state and date, requests waiting to be scheduled.
        ListConferences => "list-conferences", "List the authority's conferences";
        /// A chair's own list of conferences.
        ListChairedConferences => "list-chaired-conferences", "List the conferences you chair";
        /// The "due and overdue" list of deadlines (each person sees the cases that are theirs
        /// to act on: filtered per row by their roles and relationships).
        ViewDeadlines => "view-deadlines", "See due and overdue deadlines";
        /// Record that a deadline of a family's case was met, with a reason when late (TIME-01).
        RecordDeadlineMet => "record-deadline-met", "Record a deadline as met";
        /// The report of reasons given for missed deadlines (QA-02).
        ViewLateReasons => "view-late-reasons", "See the reasons deadlines were missed";
        /// The family portal: one's own conference as one may see it (the invitation, the
        /// reports shared with one without restricted parts, the outcome and the record copy
        /// for one, EXC-06, REP-03). Never the staff view of the conference.
        ViewFamilyConference => "view-family-conference", "See your conference in the family portal";
        /// The family portal: answer one's own invitation, name a supporter, send views, tell
        /// one's needs, ask for a correction (INV-04..08, CHILD-02, MIN-04).
        TakePartAsFamily => "take-part-as-family", "Answer and send your views in the family portal";
        /// Give a parent, carer or young person of the family a portal account linked to them,
        /// or end it.
        GivePortalAccess => "give-portal-access", "Give or end a family member's portal access";
        /// Read a child's plan, its actions, core group and what changed (PLAN-01/02, CG-01).
        ViewPlan => "view-plan", "See a child's plan";
        /// Change a plan: its outline, actions, core group, or end it (PLAN-01/02/05): the
        /// people who lead it.
        ChangePlan => "change-plan", "Change a child's plan";
        /// Update the status of a plan's action with a note (PLAN-02): those who lead the plan,
        /// and a partner professional of the core group for the actions they own (the domain
        /// decides which actions are theirs).
        UpdatePlanAction => "update-plan-action", "Update a plan action";
        /// One's own plans, overdue actions and due core groups.
        ListMyPlans => "list-my-plans", "List your plans and actions";
        /// The family portal: a child's plan in plain words for a parent or carer of the child
        /// (PLAN-06, as their exclusions allow: EXC-06), or the young person's own version
        /// (CHILD-04). Never the staff view of the plan.
        ViewFamilyPlan => "view-family-plan", "See your child's plan in the family portal";
        /// Records management (KEEP-02): the families due for a disposal review, a family's
        /// retention date and what stops disposal, legal holds, and the tombstones of what was
        /// disposed of.
        ReviewRetention => "review-retention", "See records due for disposal review";
        /// Place or lift a legal hold on a family's records (KEEP-02).
        ManageLegalHold => "manage-legal-hold", "Place or lift a legal hold";
        /// Propose that a family's records be disposed of (the first of two people, KEEP-02).
        ProposeDisposal => "propose-disposal", "Propose disposal of records";
        /// Authorise and carry out a proposed disposal (the second person, KEEP-01/02).
        AuthoriseDisposal => "authorise-disposal", "Authorise disposal of records";
        /// Change the authority's retention schedule (KEEP-02).
        ManageRetentionSchedule => "manage-retention-schedule", "Change the retention schedule";
        /// See the quality audits of conferences, their findings and actions (QA-03).
        ViewQualityAudits => "view-quality-audits", "See quality audits";
        /// Draw a sample of conferences, audit them and follow up the actions (QA-03).
        AuditConferences => "audit-conferences", "Audit conferences";
        /// Change the checklist conferences are audited against (QA-03).
        ManageQualityChecklist => "manage-quality-checklist", "Change the audit checklist";
        /// Give feedback about a conference one was asked about (QA-01): the parents, carers
        /// and young people of the family and the professionals invited (the domain then
        /// decides which invitation is theirs).
        GiveFeedback => "give-feedback", "Give feedback about a conference";
        /// The results of families' and professionals' feedback, with their comments (QA-01).
        ViewFeedback => "view-feedback", "See feedback about conferences";
        /// A parent's complaint about a conference or the family's case, from the portal
        /// (RIGHT-02): their own family's only, and escalating their own complaint.
        ComplainAsFamily => "complain-as-family", "Make a complaint in the family portal";
        /// Log a complaint on a family member's behalf (RIGHT-02).
        LogComplaint => "log-complaint", "Log a complaint for a family member";
        /// The authority's complaints and each one's history (RIGHT-02).
        ViewComplaints => "view-complaints", "See complaints";
        /// Assign, acknowledge, answer, escalate and close complaints (RIGHT-02).
        ManageComplaints => "manage-complaints", "Handle complaints";
        /// Northern Ireland (issue 15): an appeal against a conference's decision, its stages
        /// and outcome, from the conference's pages.
        ViewAppeal => "view-appeal", "See an appeal against a conference's decision";
        /// Lodge an appeal on a family member's behalf (Northern Ireland).
        LodgeAppeal => "lodge-appeal", "Lodge an appeal for a family member";
        /// Record each stage's outcome, move to the next stage and record the final outcome.
        ManageAppeal => "manage-appeal", "Handle an appeal against a conference's decision";
        /// The portal's appeals pages: a parent follows their own appeals and may lodge one
        /// (Northern Ireland). Lodging one against a conference is also
        /// [`Action::AppealFamilyConference`], asked of that conference.
        AppealAsFamily => "appeal-as-family", "Appeal a decision in the family portal";
        /// A parent appeals a decision of a conference of the family their portal account is
        /// linked to (the family-member relationship); another family's conference is not found.
        AppealFamilyConference => "appeal-family-conference", "Appeal your family's conference decision";
        /// Make the authority's statutory returns (England's Children in Need census, Ofsted's
        /// Annex A lists): every child of the authority, so quality assurance and service
        /// managers only (issue 15).
        ExportReturns => "export-returns", "Export statutory returns";
        /// The subject access requests of the authority, what was gathered and the proposed
        /// redactions (RIGHT-01).
        ViewSubjectAccess => "view-subject-access", "See subject access requests";
        /// Log a request received by letter or phone, verify identity, extend, gather, review
        /// the redactions, produce the bundle, refuse or record a withdrawal (RIGHT-01).
        ManageSubjectAccess => "manage-subject-access", "Handle subject access requests";
        /// The family portal: ask for the records held about oneself, see the request's
        /// progress and download the answer (RIGHT-01); one's own requests only.
        AskForOwnRecords => "ask-for-own-records", "Ask for your records in the family portal";
        /// The managers' dashboards (QA-02): timeliness, outcomes and their trends as figures,
        /// with the feedback (QA-01) and audit (QA-03) summaries for those who may see them.
        ViewDashboards => "view-dashboards", "See the managers' dashboards";
        /// The families behind a dashboard figure (their names: a list read of family data).
        ListDashboardFamilies => "list-dashboard-families", "See the families behind a dashboard figure";
        /// The transfers another tenant of this installation offered to the authority (PLAN-05,
        /// TIME-02): the list, and one transfer with its pack when the sending authority
        /// consented to share it. Only the receiving authority's: another tenant's transfer is
        /// not found.
        ViewIncomingTransfers => "view-incoming-transfers", "See transfers offered by other authorities";
        /// Accept an offered transfer (which requests the transfer-in conference here, TIME-02)
        /// or decline it with the reason.
        AnswerTransfer => "answer-transfer", "Accept or decline a transfer from another authority";
    }
}

/// Who must be true of the actor for a grant to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Anyone signed in with any staff role.
    AnyStaff,
    /// Anyone signed in at all (staff or portal).
    AnySignedIn,
    /// Holding this role in the record's authority, whatever the relationship.
    Role(Role),
    /// Holding this role and standing in this relationship to the record.
    RoleWith(Role, Relationship),
}

use Grant::*;
use Relationship::*;
use Role::*;

/// The policy table. Read it as: "to do ACTION you need one of GRANTS".
pub const GRANTS: &[(Action, &[Grant])] = &[
    (Action::ViewDashboard, &[AnyStaff]),
    (Action::ManageOwnAccount, &[AnySignedIn]),
    (
        Action::SearchFamilies,
        &[Role(Chair), Role(Coordinator), Role(SocialWorker), Role(TeamManager), Role(QualityAssurance), Role(Auditor)],
    ),
    (
        Action::ViewFamilyRecord,
        &[
            // Roles whose work reads across cases (ROLE-08, ROLE-09). Coordinators arrange,
            // invite and distribute for every conference of the authority (ROLE-02).
            Role(QualityAssurance),
            Role(Auditor),
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(SocialWorker, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
            RoleWith(NoteTaker, Invited),
            RoleWith(Professional, Invited),
            RoleWith(Professional, CoreGroupMember),
            RoleWith(SocialWorker, CoreGroupMember),
        ],
    ),
    (
        Action::EditFamilyRecord,
        &[
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
        ],
    ),
    (Action::ViewRecordAudit, &[Role(Auditor), Role(QualityAssurance)]),
    (Action::ManageUsers, &[Role(Administrator)]),
    (Action::ManagePolicy, &[Role(Administrator)]),
    (Action::ManageChannels, &[Role(Administrator)]),
    (Action::ManagePrintList, &[Role(Coordinator)]),
    (Action::ViewRemindersLog, &[Role(Coordinator)]),
    (Action::ViewAuditTrail, &[Role(Auditor), Role(QualityAssurance)]),
    // Conferences. For a conference, `ConferenceChair` and `Invited` are this conference's
    // (its chair; the professionals invited and the note taker): the store scopes them.
    // The conference's own rules (`conference::Acting`) then decide each step.
    (
        Action::ViewConference,
        &[
            Role(QualityAssurance),
            Role(Auditor),
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(SocialWorker, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
            RoleWith(NoteTaker, Invited),
            RoleWith(Professional, Invited),
            RoleWith(SocialWorker, Invited),
        ],
    ),
    (
        Action::RequestConference,
        &[
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
        ],
    ),
    (
        Action::ViewDeadlines,
        &[Role(Coordinator), Role(Chair), Role(TeamManager), Role(SocialWorker), Role(QualityAssurance), Role(Auditor)],
    ),
    (
        Action::RecordDeadlineMet,
        &[
            // The coordinator sends, invites and distributes (ROLE-02); the allocated worker
            // and their managers hold the case; the chair holds the conference.
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
        ],
    ),
    (Action::ArrangeConference, &[Role(Coordinator)]),
    (Action::CancelConference, &[Role(Coordinator), RoleWith(Chair, ConferenceChair)]),
    (
        Action::AnswerInvitation,
        &[
            Role(Coordinator),
            RoleWith(Professional, Invited),
            RoleWith(SocialWorker, Invited),
            RoleWith(SocialWorker, AllocatedWorker),
        ],
    ),
    (Action::ChairConference, &[RoleWith(Chair, ConferenceChair)]),
    (Action::RecordMeeting, &[RoleWith(Chair, ConferenceChair), RoleWith(NoteTaker, Invited), Role(Coordinator)]),
    (
        Action::SubmitReport,
        &[
            Role(Coordinator),
            RoleWith(Professional, Invited),
            RoleWith(SocialWorker, Invited),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
        ],
    ),
    (
        Action::GatherViews,
        &[
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
        ],
    ),
    (Action::ListConferences, &[Role(Coordinator), Role(QualityAssurance), Role(Auditor)]),
    (Action::ListChairedConferences, &[Role(Chair)]),
    (Action::ViewLateReasons, &[Role(QualityAssurance)]),
    // The family portal (ROLE-05..07): only for the family the portal account is linked to,
    // and only through the portal's own pages, which show each person the version they may
    // see. A supporter sees what the person they support sees and changes nothing (ROLE-07).
    (
        Action::ViewFamilyConference,
        &[RoleWith(Parent, FamilyMember), RoleWith(YoungPerson, FamilyMember), RoleWith(Supporter, FamilyMember)],
    ),
    (Action::TakePartAsFamily, &[RoleWith(Parent, FamilyMember), RoleWith(YoungPerson, FamilyMember)]),
    // Plans and core groups (PLAN-*, CG-01): the core group named at the conference reads the
    // plan (ROLE-11: "core group member"); those who lead the case change it.
    (
        Action::ViewPlan,
        &[
            Role(QualityAssurance),
            Role(Auditor),
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(SocialWorker, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
            RoleWith(Professional, CoreGroupMember),
            RoleWith(SocialWorker, CoreGroupMember),
        ],
    ),
    (
        Action::ChangePlan,
        &[
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
        ],
    ),
    (
        Action::UpdatePlanAction,
        &[
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(Professional, CoreGroupMember),
            RoleWith(SocialWorker, CoreGroupMember),
        ],
    ),
    (Action::ListMyPlans, &[Role(SocialWorker), Role(TeamManager), Role(Professional)]),
    // A supporter is not given the plan: what they may see of it is not decided yet.
    (Action::ViewFamilyPlan, &[RoleWith(Parent, FamilyMember), RoleWith(YoungPerson, FamilyMember)]),
    // Records management (KEEP-01/02): authority-wide work of quality assurance (who reviews
    // what is due and proposes disposal) and of administrators (who authorise it, a second
    // person, and keep the schedule). Auditors see it all and change nothing.
    (Action::ReviewRetention, &[Role(QualityAssurance), Role(Administrator), Role(Auditor)]),
    (Action::ManageLegalHold, &[Role(QualityAssurance), Role(Administrator)]),
    (Action::ProposeDisposal, &[Role(QualityAssurance), Role(Administrator)]),
    (Action::AuthoriseDisposal, &[Role(Administrator)]),
    (Action::ManageRetentionSchedule, &[Role(Administrator)]),
    // Quality assurance (QA-03): audits are quality assurance's work; auditors read them.
    (Action::ViewQualityAudits, &[Role(QualityAssurance), Role(Auditor)]),
    (Action::AuditConferences, &[Role(QualityAssurance)]),
    (Action::ManageQualityChecklist, &[Role(QualityAssurance)]),
    // Feedback (QA-01): asked of the family and the professionals invited; its results are
    // quality assurance's to report, and auditors read them.
    (
        Action::GiveFeedback,
        &[
            RoleWith(Parent, FamilyMember),
            RoleWith(YoungPerson, FamilyMember),
            RoleWith(Professional, Invited),
            RoleWith(SocialWorker, Invited),
        ],
    ),
    (Action::ViewFeedback, &[Role(QualityAssurance), Role(Auditor)]),
    // Complaints (RIGHT-02): a parent makes their own; those who work with the family log one
    // for them; quality assurance and coordinators handle them (the complaints officer is
    // assigned by name); auditors read them.
    (Action::ComplainAsFamily, &[Role(Parent)]),
    (
        Action::LogComplaint,
        &[
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
        ],
    ),
    (Action::ViewComplaints, &[Role(QualityAssurance), Role(Coordinator), Role(Auditor)]),
    (Action::ManageComplaints, &[Role(QualityAssurance), Role(Coordinator)]),
    // Appeals against a conference's decision (Northern Ireland, issue 15): those who work
    // with the family and its chair see it; those who log complaints lodge one for a parent;
    // coordinators and quality assurance record its stages and outcome; auditors read it.
    (
        Action::ViewAppeal,
        &[
            Role(Coordinator),
            Role(QualityAssurance),
            Role(Auditor),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
            RoleWith(Chair, ConferenceChair),
        ],
    ),
    (
        Action::LodgeAppeal,
        &[
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
        ],
    ),
    (Action::ManageAppeal, &[Role(Coordinator), Role(QualityAssurance)]),
    (Action::AppealAsFamily, &[Role(Parent)]),
    (Action::AppealFamilyConference, &[RoleWith(Parent, FamilyMember)]),
    (Action::ExportReturns, &[Role(QualityAssurance)]),
    // Subject access requests (RIGHT-01): records work of quality assurance across cases (the
    // authority's records staff hold this role); auditors read them and change nothing. The
    // person asking does it from the portal, for themselves.
    (Action::ViewSubjectAccess, &[Role(QualityAssurance), Role(Auditor)]),
    (Action::ManageSubjectAccess, &[Role(QualityAssurance)]),
    (Action::AskForOwnRecords, &[RoleWith(Parent, FamilyMember), RoleWith(YoungPerson, FamilyMember)]),
    // The managers' dashboards (QA-02): figures for quality assurance and service managers
    // (who report to the council and the partnership), auditors and team managers. Only those
    // whose work reads every family's record (ViewFamilyRecord by role) see the families
    // behind a figure; team managers see the figures only.
    (Action::ViewDashboards, &[Role(QualityAssurance), Role(Auditor), Role(TeamManager)]),
    (Action::ListDashboardFamilies, &[Role(QualityAssurance), Role(Auditor)]),
    // Transfers between tenants (PLAN-05, TIME-02): the receiving authority's coordinators
    // (who request and arrange its conferences, ROLE-02) and team managers (who allocate the
    // case) see what was offered to it and answer. Never a record of the sending tenant: the
    // pack is what the sending authority consented to share.
    (Action::ViewIncomingTransfers, &[Role(Coordinator), Role(TeamManager)]),
    (Action::AnswerTransfer, &[Role(Coordinator), Role(TeamManager)]),
    (
        Action::GivePortalAccess,
        &[
            Role(Coordinator),
            RoleWith(SocialWorker, AllocatedWorker),
            RoleWith(TeamManager, AllocatedWorker),
            RoleWith(TeamManager, ManagerOfAllocatedWorker),
        ],
    ),
];

/// The person asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub authority_id: AuthorityId,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }

    /// Whether this person must have proved two factors ([`Role::needs_second_factor`]).
    pub fn needs_second_factor(&self) -> bool {
        crate::model::Role::any_needs_second_factor(&self.roles)
    }
}

/// Whether a person signed in with `factors` factors may ask for `action` at all (before the
/// policy is asked). A person whose roles need a second factor who somehow holds a one-factor
/// session (signed in before a role was added, a session made by mistake) reaches only their
/// own account, to sign out: never a family's record, a conference, a report or a record copy,
/// nor a list of them. Family members are not affected: they use the portal's pages only.
pub fn factors_suffice(actor: &Actor, action: Action, factors: u8) -> bool {
    factors >= 2 || !actor.needs_second_factor() || action == Action::ManageOwnAccount
}

/// What the actor asks to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// Something of the actor's own authority that is not a family's record (lists, admin).
    Authority(&'a AuthorityId),
    /// A family's record, with every relationship the actor has to it.
    Record { authority_id: &'a AuthorityId, relationships: &'a [Relationship] },
    /// The family record may not exist or belong to no one the actor can see.
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The actor may not do this to something they may know exists (a page of their own authority).
    Forbidden,
    /// Answer as if the record did not exist: another tenant's, another family's, or missing.
    NotFound,
}

/// The grants of an action. Every action has a row; an action with none is denied.
pub fn grants(action: Action) -> &'static [Grant] {
    GRANTS.iter().find(|(a, _)| *a == action).map(|(_, g)| *g).unwrap_or(&[])
}

/// The one decision. Deny by default.
pub fn decide(actor: &Actor, action: Action, target: Target<'_>) -> Decision {
    let (authority, relationships, is_record): (&AuthorityId, &[Relationship], bool) = match target {
        Target::Missing => return Decision::NotFound,
        Target::Authority(a) => (a, &[], false),
        Target::Record { authority_id, relationships } => (authority_id, relationships, true),
    };
    if *authority != actor.authority_id {
        return Decision::NotFound;
    }
    let allowed = grants(action).iter().any(|grant| match *grant {
        AnyStaff => actor.is_staff(),
        AnySignedIn => true,
        Role(role) => actor.roles.contains(&role),
        RoleWith(role, rel) => actor.roles.contains(&role) && relationships.contains(&rel),
    });
    match (allowed, is_record) {
        (true, _) => Decision::Allow,
        (false, false) => Decision::Forbidden,
        // A record the actor may read but not act on in this way: say so (403). A record they
        // may not read at all: as if it did not exist (404), so its existence is not disclosed.
        (false, true) => {
            let read = read_action(action);
            if read != action && decide(actor, read, target) == Decision::Allow {
                Decision::Forbidden
            } else {
                Decision::NotFound
            }
        }
    }
}

/// Whether the actor may do `action` to every record of their authority whatever their
/// relationship to it (a grant by role alone, such as quality assurance reading across cases).
/// Lists use it to decide between "all of the authority's" and "those related to me", so the
/// answer comes from the policy table, not from a list of roles written in a page.
pub fn across_cases(actor: &Actor, action: Action) -> bool {
    grants(action).iter().any(|grant| match *grant {
        Role(role) => actor.roles.contains(&role),
        AnyStaff => actor.is_staff(),
        AnySignedIn => true,
        RoleWith(..) => false,
    })
}

/// The action that reads the record an action is about: a conference's, or the family's.
pub fn read_action(action: Action) -> Action {
    match action {
        Action::ViewConference
        | Action::ArrangeConference
        | Action::CancelConference
        | Action::AnswerInvitation
        | Action::ChairConference
        | Action::RecordMeeting
        | Action::SubmitReport
        | Action::GatherViews
        | Action::ViewAppeal
        | Action::LodgeAppeal
        | Action::ManageAppeal => Action::ViewConference,
        Action::ViewFamilyConference | Action::TakePartAsFamily | Action::AppealFamilyConference => {
            Action::ViewFamilyConference
        }
        // Feedback is asked of people who may not read the record: refused as not found.
        Action::GiveFeedback => Action::GiveFeedback,
        Action::ViewPlan | Action::ChangePlan | Action::UpdatePlanAction => Action::ViewPlan,
        // One's own records request is nobody else's business: refused as not found.
        Action::AskForOwnRecords => Action::AskForOwnRecords,
        _ => Action::ViewFamilyRecord,
    }
}

/// Whether the action is about a family's record (so needs a [`Target::Record`]).
pub fn is_record_action(action: Action) -> bool {
    matches!(
        action,
        Action::ViewFamilyRecord
            | Action::EditFamilyRecord
            | Action::ViewRecordAudit
            | Action::ViewConference
            | Action::RequestConference
            | Action::ArrangeConference
            | Action::CancelConference
            | Action::AnswerInvitation
            | Action::ChairConference
            | Action::RecordMeeting
            | Action::SubmitReport
            | Action::GatherViews
            | Action::RecordDeadlineMet
            | Action::ViewFamilyConference
            | Action::TakePartAsFamily
            | Action::GivePortalAccess
            | Action::ViewPlan
            | Action::ChangePlan
            | Action::UpdatePlanAction
            | Action::ViewFamilyPlan
            | Action::GiveFeedback
            | Action::LogComplaint
            | Action::ViewAppeal
            | Action::LodgeAppeal
            | Action::ManageAppeal
            | Action::AppealFamilyConference
            | Action::ManageSubjectAccess
            | Action::AskForOwnRecords
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role]) -> Actor {
        Actor { user_id: "u".into(), authority_id: "la1".into(), roles: roles.iter().copied().collect() }
    }

    #[test]
    fn everyone_but_the_family_needs_two_factors_to_act_role_04_role_05_role_06_role_07() {
        for role in Role::ALL {
            let family = matches!(role, Parent | YoungPerson | Supporter);
            assert_eq!(role.needs_second_factor(), !family, "{role}");
        }
        let pro = actor(&[Professional]);
        assert!(pro.needs_second_factor());
        for action in Action::ALL {
            assert_eq!(factors_suffice(&pro, *action, 1), *action == Action::ManageOwnAccount, "{action}");
            assert!(factors_suffice(&pro, *action, 2), "{action}");
        }
        // A parent who is also given a staff role is a two-factor account.
        assert!(actor(&[Parent, SocialWorker]).needs_second_factor());
        for family in [Parent, YoungPerson, Supporter] {
            let a = actor(&[family]);
            assert!(!a.needs_second_factor());
            assert!(factors_suffice(&a, Action::ViewFamilyConference, 1));
            assert!(factors_suffice(&a, Action::TakePartAsFamily, 1));
        }
    }

    #[test]
    fn every_action_has_a_row_in_the_policy() {
        for action in Action::ALL {
            assert!(!grants(*action).is_empty(), "{action} has no grant");
        }
    }

    #[test]
    fn another_tenants_record_is_not_found_even_for_readers_across_cases_role_11() {
        let other = AuthorityId::from("la2");
        let a = actor(&[Auditor, QualityAssurance, Administrator]);
        assert_eq!(
            decide(
                &a,
                Action::ViewFamilyRecord,
                Target::Record { authority_id: &other, relationships: &[AllocatedWorker] }
            ),
            Decision::NotFound
        );
        assert_eq!(decide(&a, Action::ManageUsers, Target::Authority(&other)), Decision::NotFound);
    }

    #[test]
    fn social_worker_reads_only_families_they_are_related_to_role_11() {
        let la = AuthorityId::from("la1");
        let sw = actor(&[SocialWorker]);
        assert_eq!(
            decide(
                &sw,
                Action::ViewFamilyRecord,
                Target::Record { authority_id: &la, relationships: &[AllocatedWorker] }
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(&sw, Action::ViewFamilyRecord, Target::Record { authority_id: &la, relationships: &[] }),
            Decision::NotFound
        );
    }

    #[test]
    fn administrator_sees_no_case_content_without_a_case_role_role_10() {
        let la = AuthorityId::from("la1");
        let admin = actor(&[Administrator]);
        assert_eq!(decide(&admin, Action::ManageUsers, Target::Authority(&la)), Decision::Allow);
        assert_eq!(
            decide(&admin, Action::ViewFamilyRecord, Target::Record { authority_id: &la, relationships: &[] }),
            Decision::NotFound
        );
        assert_eq!(decide(&admin, Action::SearchFamilies, Target::Authority(&la)), Decision::Forbidden);
    }

    #[test]
    fn auditor_reads_across_cases_but_changes_nothing_role_09() {
        let la = AuthorityId::from("la1");
        let auditor = actor(&[Auditor]);
        let rec = Target::Record { authority_id: &la, relationships: &[] };
        assert_eq!(decide(&auditor, Action::ViewFamilyRecord, rec), Decision::Allow);
        assert_eq!(decide(&auditor, Action::ViewAuditTrail, Target::Authority(&la)), Decision::Allow);
        for action in Action::ALL {
            if matches!(
                action,
                Action::EditFamilyRecord | Action::ManageUsers | Action::ManagePolicy | Action::RecordDeadlineMet
            ) {
                let t = if is_record_action(*action) { rec } else { Target::Authority(&la) };
                assert_ne!(decide(&auditor, *action, t), Decision::Allow, "auditor may not {action}");
            }
        }
    }

    #[test]
    fn dashboard_figures_for_managers_and_families_behind_them_only_for_readers_across_cases_qa_02() {
        let la = AuthorityId::from("la1");
        for role in Role::ALL {
            let a = actor(&[*role]);
            let figures = decide(&a, Action::ViewDashboards, Target::Authority(&la)) == Decision::Allow;
            let families = decide(&a, Action::ListDashboardFamilies, Target::Authority(&la)) == Decision::Allow;
            assert_eq!(figures, matches!(role, QualityAssurance | Auditor | TeamManager), "{role}");
            assert_eq!(families, matches!(role, QualityAssurance | Auditor), "{role}");
            // Whoever sees the families behind a figure reads every family's record anyway.
            if families {
                assert!(across_cases(&a, Action::ViewFamilyRecord), "{role}");
            }
        }
    }

    #[test]
    fn portal_users_do_not_reach_staff_pages() {
        let la = AuthorityId::from("la1");
        let parent = actor(&[Parent]);
        assert_eq!(decide(&parent, Action::ViewDashboard, Target::Authority(&la)), Decision::Forbidden);
        assert_eq!(decide(&parent, Action::ManageOwnAccount, Target::Authority(&la)), Decision::Allow);
    }

    #[test]
    fn social_worker_and_their_manager_change_the_record_of_an_allocated_case_role_03() {
        let la = AuthorityId::from("la1");
        let allocated = Target::Record { authority_id: &la, relationships: &[AllocatedWorker] };
        let managed = Target::Record { authority_id: &la, relationships: &[ManagerOfAllocatedWorker] };
        let unrelated = Target::Record { authority_id: &la, relationships: &[] };
        assert_eq!(decide(&actor(&[SocialWorker]), Action::EditFamilyRecord, allocated), Decision::Allow);
        assert_eq!(decide(&actor(&[TeamManager]), Action::EditFamilyRecord, managed), Decision::Allow);
        assert_eq!(decide(&actor(&[SocialWorker]), Action::EditFamilyRecord, unrelated), Decision::NotFound);
    }

    #[test]
    fn partner_professional_reads_only_families_they_work_with_and_changes_nothing_role_04() {
        let la = AuthorityId::from("la1");
        let prof = actor(&[Professional]);
        let invited = Target::Record { authority_id: &la, relationships: &[Invited] };
        let core = Target::Record { authority_id: &la, relationships: &[CoreGroupMember] };
        assert_eq!(decide(&prof, Action::ViewFamilyRecord, invited), Decision::Allow);
        assert_eq!(decide(&prof, Action::ViewFamilyRecord, core), Decision::Allow);
        // They may read this record, so being refused a change is said plainly (403).
        assert_eq!(decide(&prof, Action::EditFamilyRecord, invited), Decision::Forbidden);
        assert_eq!(
            decide(&prof, Action::ViewFamilyRecord, Target::Record { authority_id: &la, relationships: &[] }),
            Decision::NotFound
        );
        assert_eq!(decide(&prof, Action::SearchFamilies, Target::Authority(&la)), Decision::Forbidden);
    }

    #[test]
    fn parents_young_people_and_supporters_never_reach_staff_records_role_05_role_06_role_07() {
        let la = AuthorityId::from("la1");
        for role in [Parent, YoungPerson, Supporter] {
            let a = actor(&[role]);
            for rels in [&[][..], &[Invited][..], &[AllocatedWorker][..]] {
                let t = Target::Record { authority_id: &la, relationships: rels };
                assert_eq!(decide(&a, Action::ViewFamilyRecord, t), Decision::NotFound, "{role}");
                assert_eq!(decide(&a, Action::EditFamilyRecord, t), Decision::NotFound, "{role}");
            }
            assert_eq!(decide(&a, Action::ViewDashboard, Target::Authority(&la)), Decision::Forbidden);
            assert_eq!(decide(&a, Action::ManageOwnAccount, Target::Authority(&la)), Decision::Allow);
        }
    }

    #[test]
    fn reading_across_cases_follows_role_only_grants_role_08_role_09_role_11() {
        assert!(across_cases(&actor(&[QualityAssurance]), Action::ViewFamilyRecord));
        assert!(across_cases(&actor(&[Auditor]), Action::ViewFamilyRecord));
        assert!(across_cases(&actor(&[Coordinator]), Action::ViewFamilyRecord));
        assert!(!across_cases(&actor(&[SocialWorker]), Action::ViewFamilyRecord));
        assert!(!across_cases(&actor(&[Chair, TeamManager]), Action::ViewFamilyRecord));
        assert!(!across_cases(&actor(&[Administrator]), Action::ViewFamilyRecord));
    }

    #[test]
    fn family_members_reach_only_their_own_familys_conference_through_the_portal_role_05_role_06_role_07() {
        let la = AuthorityId::from("la1");
        let own = Target::Record { authority_id: &la, relationships: &[FamilyMember] };
        let other = Target::Record { authority_id: &la, relationships: &[] };
        for role in [Parent, YoungPerson] {
            let a = actor(&[role]);
            assert_eq!(decide(&a, Action::ViewFamilyConference, own), Decision::Allow, "{role}");
            assert_eq!(decide(&a, Action::TakePartAsFamily, own), Decision::Allow, "{role}");
            assert_eq!(decide(&a, Action::ViewFamilyConference, other), Decision::NotFound, "{role}");
            assert_eq!(decide(&a, Action::TakePartAsFamily, other), Decision::NotFound, "{role}");
            // Never the staff view of the conference, with its restricted parts (REP-03, EXC-06).
            assert_eq!(decide(&a, Action::ViewConference, own), Decision::NotFound, "{role}");
            assert_eq!(decide(&a, Action::ViewFamilyRecord, own), Decision::NotFound, "{role}");
            assert_eq!(decide(&a, Action::GivePortalAccess, own), Decision::NotFound, "{role}");
        }
        // A supporter reads what the person they support reads and changes nothing (ROLE-07).
        let s = actor(&[Supporter]);
        assert_eq!(decide(&s, Action::ViewFamilyConference, own), Decision::Allow);
        assert_eq!(decide(&s, Action::TakePartAsFamily, own), Decision::Forbidden);
        // Staff never reach the portal's pages as if they were the family.
        for role in [SocialWorker, Coordinator, Chair, Auditor] {
            assert_eq!(decide(&actor(&[role]), Action::ViewFamilyConference, own), Decision::NotFound, "{role}");
        }
        // Coordinators and the allocated worker give portal access; a teacher does not.
        assert_eq!(decide(&actor(&[Coordinator]), Action::GivePortalAccess, other), Decision::Allow);
        let allocated = Target::Record { authority_id: &la, relationships: &[AllocatedWorker] };
        assert_eq!(decide(&actor(&[SocialWorker]), Action::GivePortalAccess, allocated), Decision::Allow);
        let invited = Target::Record { authority_id: &la, relationships: &[Invited] };
        assert_eq!(decide(&actor(&[Professional]), Action::GivePortalAccess, invited), Decision::Forbidden);
    }

    #[test]
    fn the_core_group_reads_the_plan_and_an_unrelated_professional_does_not_cg_01_role_11() {
        let la = AuthorityId::from("la1");
        let member = Target::Record { authority_id: &la, relationships: &[CoreGroupMember] };
        let unrelated = Target::Record { authority_id: &la, relationships: &[] };
        let prof = actor(&[Professional]);
        assert_eq!(decide(&prof, Action::ViewPlan, member), Decision::Allow);
        assert_eq!(decide(&prof, Action::UpdatePlanAction, member), Decision::Allow);
        // A member may read the plan but only those who lead the case change it (403, not 404).
        assert_eq!(decide(&prof, Action::ChangePlan, member), Decision::Forbidden);
        assert_eq!(decide(&prof, Action::ViewPlan, unrelated), Decision::NotFound);
        assert_eq!(decide(&prof, Action::UpdatePlanAction, unrelated), Decision::NotFound);
        let allocated = Target::Record { authority_id: &la, relationships: &[AllocatedWorker] };
        assert_eq!(decide(&actor(&[SocialWorker]), Action::ChangePlan, allocated), Decision::Allow);
        // Families read their plan through the portal's pages only, never the staff view.
        let own = Target::Record { authority_id: &la, relationships: &[FamilyMember] };
        assert_eq!(decide(&actor(&[Parent]), Action::ViewPlan, own), Decision::NotFound);
    }

    #[test]
    fn a_parent_appeals_only_their_own_familys_conference_role_05() {
        let la = AuthorityId::from("la1");
        let own = Target::Record { authority_id: &la, relationships: &[FamilyMember] };
        let other_family = Target::Record { authority_id: &la, relationships: &[] };
        let parent = actor(&[Parent]);
        assert_eq!(decide(&parent, Action::AppealFamilyConference, own), Decision::Allow);
        // Another family's conference: as if it did not exist.
        assert_eq!(decide(&parent, Action::AppealFamilyConference, other_family), Decision::NotFound);
        // A young person or supporter of the family sees the conference but may not appeal it.
        for family in [YoungPerson, Supporter] {
            assert_eq!(decide(&actor(&[family]), Action::AppealFamilyConference, own), Decision::Forbidden, "{family}");
        }
        // Staff lodge appeals through their own action, not the portal's.
        let allocated = Target::Record { authority_id: &la, relationships: &[AllocatedWorker] };
        assert_eq!(decide(&actor(&[SocialWorker]), Action::AppealFamilyConference, allocated), Decision::NotFound);
    }

    #[test]
    fn missing_records_are_not_found() {
        assert_eq!(decide(&actor(&[Auditor]), Action::ViewFamilyRecord, Target::Missing), Decision::NotFound);
    }
}
