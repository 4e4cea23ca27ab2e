//! The receiving side of a transfer between two tenants of this installation (PLAN-05,
//! TIME-02). `crate::plan::transfer_out` ends the sending authority's plan and offers the
//! transfer to the receiving tenant; here that tenant's coordinators and team managers see what
//! was offered to them, open the transfer pack when the sending authority consented to share
//! it, and accept (which requests the transfer-in conference here, due on the receiving
//! authority's calendar from the day it was told) or decline with the reason. Every answer is
//! audited in both tenants in one transaction; a third tenant finds nothing (not found).

use crate::plan::{build_pack, TransferPack};
use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::{ConcernCategory, ConferenceKind, PlanCategory, TransferFrom};
use confer_store::families::FamilyRecord;
use confer_store::plans::{self, TransferAnswer, TransferRow};
use confer_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

fn allowed(decision: Decision) -> Result<()> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

fn authorize(actor: &Actor, action: Action) -> Result<()> {
    allowed(decide(actor, action, Target::Authority(&actor.authority_id)))
}

/// A transfer offered to this authority, as its coordinators and managers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncomingTransfer {
    pub id: String,
    /// The sending authority.
    pub from_authority: String,
    /// The day this authority was told (the trigger of its transfer-in conference).
    #[schema(value_type = Option<String>, format = Date)]
    pub notified_on: Option<NaiveDate>,
    /// TIME-02: the transfer-in conference is due by this day.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_by: Option<NaiveDate>,
    /// "pending", "accepted" or "declined".
    pub state: String,
    /// Whether the sending authority consented to share the pack, and when.
    pub pack_shared: bool,
    pub pack_shared_at: Option<String>,
    /// The child's name: only when the pack is shared (until then the offer names no one).
    pub child_name: Option<String>,
    /// Accepted: the transfer-in conference requested here.
    pub conference_id: Option<String>,
    /// Declined: why.
    pub declined_reason: Option<String>,
}

async fn present(ops: &Ops, t: &TransferRow) -> Result<IncomingTransfer> {
    let pack_shared = t.pack_shared_by.is_some();
    let child_name = if pack_shared { Some(plans::load(&ops.db, &t.plan_id).await?.plan.child_name) } else { None };
    Ok(IncomingTransfer {
        id: t.id.clone(),
        from_authority: t.from_authority_name.clone(),
        notified_on: t.notified_on,
        due_by: t.due_by,
        state: t.state.clone(),
        pack_shared,
        pack_shared_at: t.pack_shared_at.clone(),
        child_name,
        conference_id: t.conference_id.clone(),
        declined_reason: t.declined_reason.clone(),
    })
}

/// The transfers offered to the person's authority: the pending ones first, the most urgent
/// first (the list's read is logged as one list read).
pub async fn incoming(ops: &Ops, actor: &Actor) -> Result<Vec<IncomingTransfer>> {
    authorize(actor, Action::ViewIncomingTransfers)?;
    let rows = plans::transfers_to(&ops.db, &actor.authority_id).await?;
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "incoming-transfers",
        &[],
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in &rows {
        out.push(present(ops, t).await?);
    }
    Ok(out)
}

/// One offered transfer and, when the sending authority consented to share it, its pack.
#[derive(Serialize, ToSchema)]
pub struct IncomingTransferView {
    pub transfer: IncomingTransfer,
    /// The plan, the latest conference and the chronology (None until the sending authority
    /// consents to share it).
    pub pack: Option<TransferPack>,
}

async fn offered(ops: &Ops, actor: &Actor, action: Action, id: &str) -> Result<TransferRow> {
    authorize(actor, action)?;
    plans::transfer_to(&ops.db, &actor.authority_id, id).await?.ok_or(OpsError::NotFound)
}

/// Opens an offered transfer. Reading the pack is logged in both tenants: the receiving one
/// (who opened it) and the sending one (whose family's record it is, and who consented).
pub async fn open(ops: &Ops, actor: &Actor, id: &str) -> Result<IncomingTransferView> {
    let t = offered(ops, actor, Action::ViewIncomingTransfers, id).await?;
    let transfer = present(ops, &t).await?;
    let pack = if transfer.pack_shared {
        let Some(owner) = plans::owner(&ops.db, &t.plan_id).await? else { return Err(OpsError::NotFound) };
        for (authority, entity_type, entity_id) in [
            (actor.authority_id.as_str(), "plan-transfer", t.id.as_str()),
            (t.from_authority_id.as_str(), "family", owner.family_id.as_str()),
        ] {
            confer_store::audit::record_read(
                &ops.db,
                confer_store::audit::Entry {
                    authority_id: authority,
                    actor: actor.user_id.as_str(),
                    kind: confer_domain::audit::EventKind::Read,
                    action: "plan.transfer-pack.read-by-receiving",
                    entity_type,
                    entity_id,
                    before: serde_json::Value::Null,
                    after: {
                        let after = json!({ "transfer_id": t.id, "plan_id": t.plan_id,
                            "by_authority": actor.authority_id.as_str(), "pack_shared_by": t.pack_shared_by,
                            "pack_shared_at": t.pack_shared_at });
                        // The receiving tenant's event carries none of the sending tenant's ids.
                        if authority == t.from_authority_id.as_str() {
                            after
                        } else {
                            plans::for_receiving(&after)
                        }
                    },
                },
            )
            .await?;
        }
        let nation = ops.authority(&actor.authority_id).await?.nation;
        Some(build_pack(ops, &t.plan_id, &owner.family_id, confer_domain::words::Words::of(nation)).await?)
    } else {
        None
    };
    Ok(IncomingTransferView { transfer, pack })
}

/// TIME-02: the receiving authority accepts: the child's family and the child in its own
/// records (the family must have an open case here), or, when the sending authority shared the
/// pack, the child and their parents and carers recorded here from it (`copy_from_pack`).
#[derive(Deserialize, ToSchema, Default)]
#[schema(example = json!({"family_id": "family-1", "child_id": "child-1"}))]
pub struct AcceptTransferInput {
    /// The family's record in this authority. With `copy_from_pack`: empty for a new family,
    /// or the family a sibling's transfer was recorded in (the child is added to it).
    #[serde(default)]
    pub family_id: String,
    /// The child, in that record (empty with `copy_from_pack`).
    #[serde(default)]
    pub child_id: String,
    /// The parents and carers to involve (adult ids of that record); every adult recorded
    /// with parental responsibility for the child, or caring for them, when none are given.
    #[serde(default)]
    pub family_members: Vec<String>,
    /// PLAN-05: the child is not recorded here yet: record them, and the adults with parental
    /// responsibility for them or caring for them, from the sending authority's record (only
    /// when it consented to share the pack; see `confer_domain::transfer_copy` for what is
    /// copied). A person recorded here from an earlier transfer is not recorded again.
    #[serde(default)]
    pub copy_from_pack: bool,
    /// With `copy_from_pack` and no `family_id`: the social worker allocated to the new case
    /// here (a team manager may choose themselves or someone they manage).
    #[serde(default)]
    pub allocated_worker_id: Option<String>,
}

/// What an acceptance made: the transfer-in conference requested here and its due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedTransfer {
    pub transfer_id: String,
    pub conference_id: String,
    /// The family and the child in this authority's records.
    pub family_id: String,
    pub child_id: String,
    /// How many people were recorded here from the pack (0 when the family was already here).
    pub recorded_from_pack: usize,
    #[schema(value_type = String, format = Date)]
    pub due_by: NaiveDate,
}

fn concern_of(c: PlanCategory) -> ConcernCategory {
    match c {
        PlanCategory::Physical => ConcernCategory::Physical,
        PlanCategory::Emotional => ConcernCategory::Emotional,
        PlanCategory::Sexual => ConcernCategory::Sexual,
        PlanCategory::Neglect => ConcernCategory::Neglect,
        PlanCategory::Multiple => ConcernCategory::Other,
    }
}

/// PLAN-05, TIME-02: accepts an offered transfer: requests the transfer-in conference for the
/// child in this authority (the notification date from the offer; due by the receiving
/// authority's calendar and policy; the authority the child moved from and the day the plan
/// began there recorded on it) and marks the transfer accepted, audited in both tenants, all in
/// one transaction. The person must be allowed to request a conference for the family here.
pub async fn accept(ops: &Ops, actor: &Actor, id: &str, b: AcceptTransferInput) -> Result<AcceptedTransfer> {
    let t = offered(ops, actor, Action::AnswerTransfer, id).await?;
    if t.state != "pending" {
        return Err(OpsError::Duplicate { message: format!("This transfer was already {}.", t.state) });
    }
    if b.copy_from_pack {
        return accept_copying(ops, actor, t, b).await;
    }
    if b.family_id.trim().is_empty() {
        return Err(OpsError::invalid("family_id", "Enter the family's record in this authority."));
    }
    if b.child_id.trim().is_empty() {
        return Err(OpsError::invalid("child_id", "Choose the child in the family's record."));
    }
    let plan = plans::load(&ops.db, &t.plan_id).await?.plan;
    // The family's record here: the policy is asked by the request itself; read it only to
    // default the family members (an unreachable family answers not found there).
    authorize_family_here(ops, actor, &b.family_id).await?;
    let record = confer_store::families::family_record(&ops.db, &b.family_id).await?;
    let family_members = members_or_default(&record, &b.child_id, b.family_members);
    let (input, from) = transfer_in_request(ops, &t, &plan, &b.child_id, family_members)?;
    let c = crate::conference::prepare_request(ops, actor, &b.family_id, input, Some(from)).await?;
    let conference_id = c.id().to_string();
    let tx = ops.db.begin().await?;
    request_and_accept(ops, tx, actor, &t, &c).await?;
    Ok(AcceptedTransfer {
        transfer_id: t.id,
        conference_id,
        family_id: b.family_id,
        child_id: b.child_id,
        recorded_from_pack: 0,
        due_by: c.due_by(),
    })
}

/// Stores the transfer-in conference's request and the acceptance, in the caller's
/// transaction (which holds anything else the acceptance records), and commits it.
async fn request_and_accept(
    ops: &Ops,
    mut tx: confer_store::Tx,
    actor: &Actor,
    t: &TransferRow,
    c: &confer_domain::conference::Conference,
) -> Result<()> {
    confer_store::conferences::create(&ops.db, &mut tx, c, actor.user_id.as_str()).await?;
    let conference_id = c.id().to_string();
    plans::answer_transfer(
        &mut tx,
        t,
        &actor.authority_id,
        actor.user_id.as_str(),
        TransferAnswer::Accepted { conference_id: &conference_id },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The parents and carers to invite: those given, or every adult of the record with parental
/// responsibility for the child or caring for them.
fn members_or_default(record: &FamilyRecord, child_id: &str, given: Vec<String>) -> Vec<String> {
    if !given.is_empty() {
        return given;
    }
    let mut ids: Vec<String> = record
        .relationships
        .iter()
        .filter(|r| r.child_id.as_str() == child_id && (r.parental_responsibility || r.carer))
        .map(|r| r.adult_id.to_string())
        .collect();
    ids.dedup();
    ids
}

/// The transfer-in conference's request for the child, and where the plan was made.
fn transfer_in_request(
    ops: &Ops,
    t: &TransferRow,
    plan: &confer_domain::plan::Plan,
    child_id: &str,
    family_members: Vec<String>,
) -> Result<(crate::conference::RequestInput, TransferFrom)> {
    let Some(notified_on) = t.notified_on else {
        return Err(OpsError::Internal("a transfer without its notification date".into()));
    };
    let category = plan.category();
    let input = crate::conference::RequestInput {
        kind: Some(ConferenceKind::TransferIn),
        children: vec![crate::conference::RequestChild { child_id: child_id.to_owned(), current_plan: category }],
        strategy_discussion_on: None,
        enquiry: None,
        harm_finding: None,
        transfer_notified_on: Some(notified_on),
        previous_conference_id: None,
        reason: format!(
            "Transfer in from {}: the child arrived on a child protection plan made there on {}.",
            t.from_authority_name, plan.started_on
        ),
        concerns: vec![category.map(concern_of).unwrap_or(ConcernCategory::Other)],
        family_members: family_members
            .into_iter()
            .map(|adult_id| crate::conference::RequestFamilyMember { adult_id, needs: Vec::new() })
            .collect(),
        professionals: Vec::new(),
    };
    let today = ops.clock.today();
    let from = TransferFrom::new(&t.from_authority_name, Some(plan.started_on), Some(notified_on), today)?;
    Ok((input, from))
}

/// The social workers a person accepting a transfer may allocate a new case to: any social
/// worker of the authority for a coordinator; a team manager themselves (when a social worker
/// too) or the social workers they manage. Sorted by name.
pub async fn workers_to_allocate(ops: &Ops, actor: &Actor) -> Result<Vec<(String, String)>> {
    authorize(actor, Action::AnswerTransfer)?;
    let everyone = confer_store::users::list(&ops.db, &actor.authority_id).await?;
    let mine: Option<Vec<String>> = if actor.roles.contains(&confer_domain::Role::Coordinator) {
        None
    } else {
        Some(confer_store::users::user_and_reports(&ops.db, &actor.authority_id, &actor.user_id).await?)
    };
    let mut out: Vec<(String, String)> = everyone
        .into_iter()
        .filter(|u| !u.disabled && u.roles.contains(&confer_domain::Role::SocialWorker))
        .filter(|u| mine.as_ref().is_none_or(|m| m.iter().any(|id| id == u.id.as_str())))
        .map(|u| (u.id.to_string(), u.display_name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// PLAN-05, TIME-02: accepts a transfer, recording the child (and the parents and carers not
/// yet recorded here) from the sending authority's record, in one transaction with the
/// transfer-in conference's request and the answer: a new family with its case allocated to
/// the chosen social worker, or the family a sibling's transfer was recorded in. Audited in
/// both tenants; the receiving tenant's events carry none of the sending tenant's ids.
async fn accept_copying(ops: &Ops, actor: &Actor, t: TransferRow, b: AcceptTransferInput) -> Result<AcceptedTransfer> {
    use confer_domain::access::Relationship;
    use confer_domain::transfer_copy::{copy_adult, copy_child, la_child_id_for, people_to_copy};
    use confer_domain::{AdultChildRelationship, Case, CaseStage, Family, FamilyId, UserId};
    use confer_store::transfer_copy::{self as copies, Copied};

    if t.pack_shared_by.is_none() {
        return Err(OpsError::invalid(
            "copy_from_pack",
            "The sending authority has not shared the transfer pack, so the child cannot be recorded from it. \
             Enter the family's record here, or ask the sending authority to share the pack.",
        ));
    }
    if !b.child_id.trim().is_empty() {
        return Err(OpsError::invalid(
            "child_id",
            "Leave the child empty when recording the child from the transfer pack, or choose the child and do not record them from the pack.",
        ));
    }
    let plan = plans::load(&ops.db, &t.plan_id).await?.plan;
    let Some(owner) = plans::owner(&ops.db, &t.plan_id).await? else { return Err(OpsError::NotFound) };
    let source = confer_store::families::family_record(&ops.db, owner.family_id.as_str()).await?;
    let Some((source_child, with)) =
        people_to_copy(&source.children, &source.adults, &source.relationships, &plan.child_id)
    else {
        return Err(OpsError::Internal("the transferred child is not in the sending family's record".into()));
    };
    let source_ids: Vec<&str> =
        std::iter::once(source_child.id.as_str()).chain(with.iter().map(|(a, _)| a.id.as_str())).collect();
    let here = actor.authority_id.as_str();
    let already = copies::copied(&ops.db, here, &source_ids).await?;
    let copied_child = already.iter().find(|c| c.kind == "child");

    // The family here: the one given, the one the child was recorded in before, or a new one.
    let family_given = b.family_id.trim();
    let target: Option<String> = match (family_given, copied_child) {
        ("", Some(c)) => Some(c.family_id.clone()),
        ("", None) => None,
        (f, Some(c)) if f != c.family_id => {
            return Err(OpsError::invalid(
                "family_id",
                "This child was already recorded here from a transfer pack, in another family. \
                 Leave the family empty to use that record.",
            ))
        }
        (f, _) => Some(f.to_owned()),
    };
    let today = ops.clock.today();
    let (mut record, relationships, new_family) = match &target {
        Some(family_id) => {
            authorize_family_here(ops, actor, family_id).await?;
            let record = confer_store::families::family_record(&ops.db, family_id).await?;
            let rels = confer_store::families::relationships(&ops.db, &actor.user_id, family_id).await?;
            (record, rels, false)
        }
        None => {
            let worker = b.allocated_worker_id.as_deref().map(str::trim).unwrap_or("");
            if worker.is_empty() {
                return Err(OpsError::invalid(
                    "allocated_worker_id",
                    "Choose the social worker allocated to the child's case here.",
                ));
            }
            let allowed = workers_to_allocate(ops, actor).await?;
            if !allowed.iter().any(|(id, _)| id == worker) {
                return Err(OpsError::invalid(
                    "allocated_worker_id",
                    "Choose a social worker of this authority from the list (a team manager chooses themselves or someone they manage).",
                ));
            }
            let worker = UserId(worker.to_owned());
            let mut rels = Vec::new();
            if worker == actor.user_id {
                rels.push(Relationship::AllocatedWorker);
            } else if confer_store::users::management_line(&ops.db, &worker).await?.contains(&actor.user_id) {
                rels.push(Relationship::ManagerOfAllocatedWorker);
            }
            let family_id = FamilyId(confer_store::new_id());
            let family = Family {
                id: family_id.clone(),
                authority_id: actor.authority_id.clone(),
                name: source.family.name.clone(),
            };
            let case = Case {
                id: confer_store::new_id().into(),
                family_id: family_id.clone(),
                allocated_worker_id: worker,
                stage: CaseStage::ConferenceRequested,
                opened_on: today,
            };
            let record = FamilyRecord {
                family,
                version: 1,
                children: Vec::new(),
                adults: Vec::new(),
                relationships: Vec::new(),
                case: Some(case),
                allocated_worker_name: None,
                professionals: Vec::new(),
            };
            (record, rels, true)
        }
    };
    allowed(decide(
        actor,
        Action::RequestConference,
        Target::Record { authority_id: &actor.authority_id, relationships: &relationships },
    ))?;

    // The people to record: those not recorded here before (or recorded in another family).
    let family_id = record.family.id.clone();
    let mut added_children = Vec::new();
    let mut added_adults = Vec::new();
    let mut added_relationships = Vec::new();
    let mut links = Vec::new();
    let child_here = match copied_child {
        Some(c) if c.family_id == family_id.as_str() => confer_domain::ChildId(c.copy_id.clone()),
        _ => {
            let id = confer_store::new_id();
            let authority = confer_store::users::authority(&ops.db, &actor.authority_id).await?;
            let child =
                copy_child(source_child, id.clone().into(), family_id.clone(), la_child_id_for(&authority.code, &id));
            links.push(Copied {
                source_id: source_child.id.to_string(),
                kind: "child".into(),
                copy_id: id.clone(),
                family_id: family_id.to_string(),
            });
            added_children.push(child);
            confer_domain::ChildId(id)
        }
    };
    for (adult, rel) in &with {
        let adult_here = match already.iter().find(|c| c.kind == "adult" && c.source_id == adult.id.as_str()) {
            Some(c)
                if c.family_id == family_id.as_str() && record.adults.iter().any(|a| a.id.as_str() == c.copy_id) =>
            {
                confer_domain::AdultId(c.copy_id.clone())
            }
            _ => {
                let id = confer_store::new_id();
                links.push(Copied {
                    source_id: adult.id.to_string(),
                    kind: "adult".into(),
                    copy_id: id.clone(),
                    family_id: family_id.to_string(),
                });
                added_adults.push(copy_adult(adult, id.clone().into(), family_id.clone()));
                confer_domain::AdultId(id)
            }
        };
        let exists = record.relationships.iter().any(|r| r.adult_id == adult_here && r.child_id == child_here);
        if !exists {
            added_relationships.push(AdultChildRelationship {
                adult_id: adult_here,
                child_id: child_here.clone(),
                kind: rel.kind,
                parental_responsibility: rel.parental_responsibility,
                carer: rel.carer,
            });
        }
    }
    record.children.extend(added_children.iter().cloned());
    record.adults.extend(added_adults.iter().cloned());
    record.relationships.extend(added_relationships.iter().cloned());

    let family_members = members_or_default(&record, child_here.as_str(), b.family_members);
    let (input, from) = transfer_in_request(ops, &t, &plan, child_here.as_str(), family_members)?;
    let c = crate::conference::prepare_request_for(ops, actor, &record, relationships, input, Some(from)).await?;
    let conference_id = c.id().to_string();
    let recorded = links.len();

    let mut tx = ops.db.begin().await?;
    if new_family {
        confer_store::families::insert_family(
            &mut tx,
            &confer_store::families::NewFamily {
                family: &record.family,
                children: &added_children,
                adults: &added_adults,
                relationships: &added_relationships,
                case: record.case.as_ref(),
                professionals: &[],
            },
            actor.user_id.as_str(),
        )
        .await?;
    } else if !added_children.is_empty() || !added_adults.is_empty() || !added_relationships.is_empty() {
        confer_store::families::add_people(
            &mut tx,
            &family_id,
            &added_children,
            &added_adults,
            &added_relationships,
            actor.user_id.as_str(),
            "family.add-from-transfer",
            json!({ "transfer_id": t.id }),
        )
        .await?;
    }
    // A person recorded before in another family is recorded again in this one, and the
    // link follows the new copy.
    copies::record(&mut tx, here, &t.id, &links, &already).await?;
    plans::record_copied_from_pack(
        &mut tx,
        &t,
        &actor.authority_id,
        actor.user_id.as_str(),
        family_id.as_str(),
        recorded,
    )
    .await?;
    request_and_accept(ops, tx, actor, &t, &c).await?;
    Ok(AcceptedTransfer {
        transfer_id: t.id,
        conference_id,
        family_id: family_id.to_string(),
        child_id: child_here.to_string(),
        recorded_from_pack: recorded,
        due_by: c.due_by(),
    })
}

async fn authorize_family_here(ops: &Ops, actor: &Actor, family_id: &str) -> Result<()> {
    crate::conference::authorize_family(ops, actor, Action::RequestConference, family_id).await.map(|_| ()).map_err(
        |e| match e {
            OpsError::NotFound => OpsError::invalid("family_id", "There is no family with that reference here."),
            other => other,
        },
    )
}

/// Why the receiving authority declines.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"reason": "The family did not move here: they are at the address in Otherton only for a week."}))]
pub struct DeclineTransferInput {
    pub reason: String,
}

/// Declines an offered transfer with the reason, audited in both tenants (the sending
/// authority reads the reason in its audit trail of the plan).
pub async fn decline(ops: &Ops, actor: &Actor, id: &str, b: DeclineTransferInput) -> Result<()> {
    let t = offered(ops, actor, Action::AnswerTransfer, id).await?;
    if t.state != "pending" {
        return Err(OpsError::Duplicate { message: format!("This transfer was already {}.", t.state) });
    }
    let reason = b.reason.trim();
    if reason.is_empty() {
        return Err(OpsError::invalid("reason", "Enter why this authority declines the transfer."));
    }
    let mut tx = ops.db.begin().await?;
    plans::answer_transfer(
        &mut tx,
        &t,
        &actor.authority_id,
        actor.user_id.as_str(),
        TransferAnswer::Declined { reason },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
