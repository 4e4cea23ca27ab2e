//! The request for a conference (S47-01).

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{Action, Actor};
use confer_domain::calendar::Calendar;
use confer_domain::conference::*;
use confer_domain::policy::Policy;
use confer_domain::timescales::DeadlineRule;
use confer_domain::ChildId;
use confer_store::{conferences, families, users, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

/// The new conference's id and the date it is due by.
#[derive(Debug)]
pub struct Requested {
    pub id: String,
    pub due_by: NaiveDate,
}

/// TIME-01: the date by which an initial conference is held, by the authority's calendar and
/// the policy in force on the day of the strategy discussion (England, Wales and Northern
/// Ireland: 15 working days; Scotland: 28 calendar days).
pub fn icpc_due_by(calendar: &Calendar, policy: &Policy, strategy_date: NaiveDate) -> Option<NaiveDate> {
    DeadlineRule::InitialConference.due_date(strategy_date, calendar, policy)
}

/// A child the conference is about. `current_plan` is taken from the previous conference
/// for a review; for a transfer-in give the plan category the child arrives with.
#[derive(Deserialize, ToSchema)]
pub struct RequestChild {
    pub child_id: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "neglect")]
    pub current_plan: Option<PlanCategory>,
}

#[derive(Deserialize, ToSchema)]
pub struct RequestNeed {
    #[schema(value_type = String, example = "childcare")]
    pub kind: PracticalNeedKind,
    #[serde(default)]
    pub detail: String,
}

/// A family member involved, with their practical needs to take part (INV-08).
#[derive(Deserialize, ToSchema)]
pub struct RequestFamilyMember {
    pub adult_id: String,
    #[serde(default)]
    pub needs: Vec<RequestNeed>,
}

/// A request for a conference (S47-01). Names, dates of birth, relationships and agencies
/// come from the family's record; the due date from the calendar (TIME-01..03).
#[derive(Deserialize, ToSchema)]
#[schema(examples(
    json!({"kind": "initial", "children": [{"child_id": "child-1", "current_plan": null}],
        "strategy_discussion_on": "2026-11-02", "enquiry": "section-47", "harm_finding": "suffering",
        "transfer_notified_on": null, "previous_conference_id": null,
        "reason": "Neglect: the children are often hungry and unsupervised.", "concerns": ["neglect"],
        "family_members": [{"adult_id": "adult-1", "needs": [{"kind": "childcare", "detail": "A creche for the baby"}]}],
        "professionals": ["professional-1", "professional-2", "professional-3"]}),
    json!({"kind": "review", "children": [{"child_id": "child-1", "current_plan": null}],
        "strategy_discussion_on": null, "enquiry": null, "harm_finding": null, "transfer_notified_on": null,
        "previous_conference_id": "conference-1", "reason": "The first review of the child protection plan.",
        "concerns": ["neglect"], "family_members": [{"adult_id": "adult-1", "needs": []}],
        "professionals": ["professional-1", "professional-2", "professional-3"]})
))]
pub struct RequestInput {
    /// initial (default), review, transfer-in or pre-birth.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "initial")]
    pub kind: Option<ConferenceKind>,
    pub children: Vec<RequestChild>,
    #[schema(value_type = Option<String>, format = Date)]
    pub strategy_discussion_on: Option<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "section-47")]
    pub enquiry: Option<EnquiryKind>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "suffering")]
    pub harm_finding: Option<HarmFinding>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub transfer_notified_on: Option<NaiveDate>,
    /// Review: the conference this one follows.
    #[serde(default)]
    pub previous_conference_id: Option<String>,
    pub reason: String,
    #[schema(value_type = Vec<String>, example = json!(["neglect"]))]
    pub concerns: Vec<ConcernCategory>,
    pub family_members: Vec<RequestFamilyMember>,
    /// Ids of the authority's professionals involved.
    pub professionals: Vec<String>,
}

/// Requests a conference for a family (S47-01), if the access policy lets this person
/// request one for this family: takes names, relationships and agencies from the family's record and the due date
/// from the authority's calendar (TIME-01..03). Returns the new conference's id and due date.
/// The API and the request page both use it.
pub async fn request(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    b: RequestInput,
    transfer: Option<TransferFrom>,
) -> Result<Requested> {
    let c = prepare_request(ops, actor, family_id, b, transfer).await?;
    let mut tx = ops.db.begin().await?;
    conferences::create(&ops.db, &mut tx, &c, actor.user_id.as_str()).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Requested { id: c.id().to_string(), due_by: c.due_by() })
}

/// The conference [`request`] would make, checked by the policy and the domain, not yet
/// stored: for an operation that stores it with something else in one transaction (the
/// acceptance of a transfer between tenants, `crate::transfers::accept`).
pub async fn prepare_request(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    b: RequestInput,
    transfer: Option<TransferFrom>,
) -> Result<Conference> {
    super::authorize_family(ops, actor, Action::RequestConference, family_id).await?;
    let record = families::family_record(&ops.db, family_id).await?;
    let relationships = families::relationships(&ops.db, &actor.user_id, family_id).await?;
    prepare_request_for(ops, actor, &record, relationships, b, transfer).await
}

/// [`prepare_request`] for a family's record the caller has read (or is about to store, in the
/// same transaction as the conference: a transferred child recorded from the transfer pack)
/// and whose relationships to the person it has worked out; the caller has asked the policy.
pub(crate) async fn prepare_request_for(
    ops: &Ops,
    actor: &Actor,
    record: &families::FamilyRecord,
    relationships: Vec<confer_domain::access::Relationship>,
    b: RequestInput,
    transfer: Option<TransferFrom>,
) -> Result<Conference> {
    let Some(case) = record.case.clone() else {
        return Err(OpsError::invalid(
            "children",
            "This family has no open case. Open a case with an allocated social worker first.",
        ));
    };
    let authority = users::authority(&ops.db, &record.family.authority_id).await?;
    let kind = b.kind.unwrap_or(ConferenceKind::Initial);
    let today = ops.clock.today();
    let now = ops.clock.now();

    let previous = match &b.previous_conference_id {
        None => None,
        Some(pid) => {
            let p = match conferences::load(&ops.db, pid).await {
                Ok(p) => p.conference,
                Err(StoreError::NotFound) => {
                    return Err(OpsError::invalid(
                        "previous_conference_id",
                        "There is no previous conference with that id for this family.",
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            if p.family_id() != &record.family.id {
                return Err(OpsError::invalid(
                    "previous_conference_id",
                    "There is no previous conference with that id for this family.",
                ));
            }
            let Some(held_on) = p.date() else {
                return Err(OpsError::invalid(
                    "previous_conference_id",
                    "The previous conference was never held, so a review cannot follow it.",
                ));
            };
            Some((p.clone(), held_on))
        }
    };

    let mut children = Vec::new();
    for rc in &b.children {
        let Some(ch) = record.children.iter().find(|c| c.id.as_str() == rc.child_id) else {
            return Err(OpsError::invalid(
                "children",
                format!("Child {} is not in this family's record.", rc.child_id),
            ));
        };
        let current_plan = match &previous {
            Some((p, _)) => p.decision_for(&ch.id).and_then(|d| d.outcome.category()),
            None => rc.current_plan,
        };
        children.push(SubjectChild {
            child_id: ch.id.clone(),
            name: format!("{} {}", ch.given_name, ch.family_name),
            birth: ch.birth,
            communication: ch.communication.clone(),
            disability: ch.disability.clone(),
            current_plan,
        });
    }
    let child_ids: Vec<&ChildId> = children.iter().map(|c| &c.child_id).collect();
    let mut family_members = Vec::new();
    for m in &b.family_members {
        let Some(a) = record.adults.iter().find(|a| a.id.as_str() == m.adult_id) else {
            return Err(OpsError::invalid(
                "family_members",
                format!("Adult {} is not in this family's record.", m.adult_id),
            ));
        };
        let rels: Vec<_> = record.relationships.iter().filter(|r| r.adult_id == a.id).collect();
        let to_children: Vec<_> = rels.iter().filter(|r| child_ids.contains(&&r.child_id)).collect();
        let Some(first) = to_children.first().copied().or(rels.first()) else {
            return Err(OpsError::invalid(
                "family_members",
                format!(
                    "{} {} is not recorded as related to any child of the family. Record the relationship first.",
                    a.given_name, a.family_name
                ),
            ));
        };
        family_members.push(FamilyMember {
            adult_id: a.id.clone(),
            name: format!("{} {}", a.given_name, a.family_name),
            relationship: first.kind,
            parental_responsibility: to_children.iter().any(|r| r.parental_responsibility),
            carer: to_children.iter().any(|r| r.carer),
            communication: a.communication.clone(),
            disability: String::new(),
            needs: m
                .needs
                .iter()
                .map(|n| PracticalNeed { kind: n.kind, detail: n.detail.clone(), met: None })
                .collect(),
        });
    }
    let mut professionals = Vec::new();
    for pid in &b.professionals {
        let Some((p, agency)) = conferences::professional(&ops.db, &authority.id, pid).await? else {
            return Err(OpsError::invalid(
                "professionals",
                format!("There is no professional {pid} in this authority."),
            ));
        };
        professionals.push(ProfessionalInvolved {
            professional_id: p.id,
            name: p.name,
            job_title: p.job_title,
            agency_id: agency.id,
            agency_name: agency.name,
            agency_kind: agency.kind,
            user_id: p.user_id,
        });
    }
    let rules = ops.rules(&authority.id).await?;
    let due_by = match kind {
        ConferenceKind::Initial | ConferenceKind::PreBirth => {
            b.strategy_discussion_on.and_then(|d| icpc_due_by(&rules.calendar, &rules.policy(d), d))
        }
        ConferenceKind::TransferIn => b
            .transfer_notified_on
            .and_then(|d| DeadlineRule::TransferInConference.due_date(d, &rules.calendar, &rules.policy(d))),
        ConferenceKind::Review => previous
            .as_ref()
            .and_then(|(p, held)| p.next_review().map(|n| n.latest).or_else(|| review_due_by(p.kind(), *held))),
    }
    // Without the date it is counted from, the domain refuses the request with the reason.
    .unwrap_or(today);
    let request = ConferenceRequest {
        authority_id: record.family.authority_id.clone(),
        family_id: record.family.id.clone(),
        case_id: case.id.clone(),
        kind,
        children,
        strategy_discussion_on: b.strategy_discussion_on,
        enquiry: b.enquiry,
        harm_finding: b.harm_finding,
        transfer_notified_on: b.transfer_notified_on,
        previous: previous.map(|(p, held_on)| PreviousConference {
            conference_id: p.id().clone(),
            held_on,
            chair: p.chair().cloned(),
            exclusions: p.exclusions_for_next_conference(),
        }),
        reason: b.reason,
        concerns: b.concerns,
        family_members,
        professionals,
        allocated_worker: case.allocated_worker_id.clone(),
        due_by,
    };
    let acting = Acting {
        user_id: actor.user_id.clone(),
        roles: actor.roles.clone(),
        relationships,
        adult_id: None,
        child_id: None,
    };
    let id = confer_store::new_id();
    let mut c = Conference::request(&acting, ConferenceId(id.clone()), request, today, now)?;
    // A transfer-in records where the child's plan was made with the request itself, so the
    // two are stored in one transaction.
    if let Some(from) = transfer {
        c.record_transfer_from(&acting, from, today)?;
    }
    Ok(c)
}
