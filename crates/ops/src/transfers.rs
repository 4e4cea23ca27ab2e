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
use confer_store::plans::{self, TransferAnswer, TransferRow};
use confer_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

fn authorize(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
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
/// records (the family must have an open case here).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"family_id": "family-1", "child_id": "child-1"}))]
pub struct AcceptTransferInput {
    /// The family's record in this authority.
    pub family_id: String,
    /// The child, in that record.
    pub child_id: String,
    /// The parents and carers to involve (adult ids of that record); every adult recorded
    /// with parental responsibility for the child, or caring for them, when none are given.
    #[serde(default)]
    pub family_members: Vec<String>,
}

/// What an acceptance made: the transfer-in conference requested here and its due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedTransfer {
    pub transfer_id: String,
    pub conference_id: String,
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
    if b.family_id.trim().is_empty() {
        return Err(OpsError::invalid("family_id", "Enter the family's record in this authority."));
    }
    if b.child_id.trim().is_empty() {
        return Err(OpsError::invalid("child_id", "Choose the child in the family's record."));
    }
    let plan = plans::load(&ops.db, &t.plan_id).await?.plan;
    let Some(notified_on) = t.notified_on else {
        return Err(OpsError::Internal("a transfer without its notification date".into()));
    };
    // The family's record here: the policy is asked by the request itself; read it only to
    // default the family members (an unreachable family answers not found there).
    authorize_family_here(ops, actor, &b.family_id).await?;
    let record = confer_store::families::family_record(&ops.db, &b.family_id).await?;
    let family_members: Vec<String> = if b.family_members.is_empty() {
        let mut ids: Vec<String> = record
            .relationships
            .iter()
            .filter(|r| r.child_id.as_str() == b.child_id && (r.parental_responsibility || r.carer))
            .map(|r| r.adult_id.to_string())
            .collect();
        ids.dedup();
        ids
    } else {
        b.family_members
    };
    let category = plan.category();
    let input = crate::conference::RequestInput {
        kind: Some(ConferenceKind::TransferIn),
        children: vec![crate::conference::RequestChild { child_id: b.child_id.clone(), current_plan: category }],
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
    let c = crate::conference::prepare_request(ops, actor, &b.family_id, input, Some(from)).await?;
    let conference_id = c.id().to_string();
    let mut tx = ops.db.begin().await?;
    confer_store::conferences::create(&ops.db, &mut tx, &c, actor.user_id.as_str()).await?;
    plans::answer_transfer(
        &mut tx,
        &t,
        &actor.authority_id,
        actor.user_id.as_str(),
        TransferAnswer::Accepted { conference_id: &conference_id },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(AcceptedTransfer { transfer_id: t.id, conference_id, due_by: c.due_by() })
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
