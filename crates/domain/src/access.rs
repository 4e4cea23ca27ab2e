//! The one access policy (ROLE-11). Every route and every command asks [`decide`]; nothing
//! else decides who may do what. The policy is a table held as data ([`GRANTS`]): an action
//! is allowed when one of its grants matches the actor's roles and relationship to the record.
//! Deny by default. A record of another tenant, or one the actor has no grant for, is
//! reported as not found so its existence is not disclosed.

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
        /// Read the audit trail: who read or changed what.
        ViewAuditTrail => "view-audit-trail", "See the audit trail";
        /// The "due and overdue" list of deadlines (each person sees the cases that are theirs
        /// to act on: filtered per row by their roles and relationships).
        ViewDeadlines => "view-deadlines", "See due and overdue deadlines";
        /// Record that a deadline of a family's case was met, with a reason when late (TIME-01).
        RecordDeadlineMet => "record-deadline-met", "Record a deadline as met";
        /// The report of reasons given for missed deadlines (QA-02).
        ViewLateReasons => "view-late-reasons", "See the reasons deadlines were missed";
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
    (Action::ViewAuditTrail, &[Role(Auditor), Role(QualityAssurance)]),
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
    (Action::ViewLateReasons, &[Role(QualityAssurance)]),
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
        (false, true) => Decision::NotFound,
        (false, false) => Decision::Forbidden,
    }
}

/// Whether the action is about a family's record (so needs a [`Target::Record`]).
pub fn is_record_action(action: Action) -> bool {
    matches!(
        action,
        Action::ViewFamilyRecord | Action::EditFamilyRecord | Action::ViewRecordAudit | Action::RecordDeadlineMet
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role]) -> Actor {
        Actor { user_id: "u".into(), authority_id: "la1".into(), roles: roles.iter().copied().collect() }
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
            decide(&a, Action::ViewFamilyRecord, Target::Record { authority_id: &other, relationships: &[AllocatedWorker] }),
            Decision::NotFound
        );
        assert_eq!(decide(&a, Action::ManageUsers, Target::Authority(&other)), Decision::NotFound);
    }

    #[test]
    fn social_worker_reads_only_families_they_are_related_to_role_11() {
        let la = AuthorityId::from("la1");
        let sw = actor(&[SocialWorker]);
        assert_eq!(
            decide(&sw, Action::ViewFamilyRecord, Target::Record { authority_id: &la, relationships: &[AllocatedWorker] }),
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
    fn portal_users_do_not_reach_staff_pages() {
        let la = AuthorityId::from("la1");
        let parent = actor(&[Parent]);
        assert_eq!(decide(&parent, Action::ViewDashboard, Target::Authority(&la)), Decision::Forbidden);
        assert_eq!(decide(&parent, Action::ManageOwnAccount, Target::Authority(&la)), Decision::Allow);
    }

    #[test]
    fn missing_records_are_not_found() {
        assert_eq!(decide(&actor(&[Auditor]), Action::ViewFamilyRecord, Target::Missing), Decision::NotFound);
    }
}
