//! Records management (KEEP-01, KEEP-02), once for the pages, the API and the command line:
//! the families due for a disposal review, one family's retention, legal holds, the two-person
//! disposal and the authority's retention schedule. Every operation asks the access policy at
//! the authority's level (records management is authority-wide work); a family of another
//! authority, or one already disposed of, is not found.

use crate::census::By;
use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::audit::EventKind;
use confer_domain::retention::{LegalHold, Proposal, RetentionError, RetentionRule, RetentionSchedule, Review};
use confer_domain::{AuthorityId, FamilyId, UserId};
use confer_store::audit::{self, Entry};
use confer_store::retention::{self as store, Due, Tombstone};
use serde_json::json;

impl From<RetentionError> for OpsError {
    fn from(e: RetentionError) -> Self {
        let field = match e {
            RetentionError::NoReason => "reason",
            RetentionError::ShorterThanDefault { .. } | RetentionError::TooLong { .. } => "keep_until_age",
            RetentionError::NoBasis { .. } => "basis",
            RetentionError::RepeatedTrigger { .. } | RetentionError::NoRuleForEvery => "trigger",
            _ => "",
        };
        match field {
            "" => OpsError::Declined { message: e.to_string() },
            f => OpsError::invalid(f, e.to_string()),
        }
    }
}

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// Who acts on an authority's records: a person signed in (the access policy decides, in
/// their own authority), or the installation's operator at the command line (`confer
/// records`, who holds the database itself), audited as [`crate::accounts::OPERATOR`].
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    by: By<'a>,
    authority: &'a AuthorityId,
}

impl<'a> Acting<'a> {
    pub fn person(actor: &'a Actor) -> Acting<'a> {
        Acting { by: By::Person(actor), authority: &actor.authority_id }
    }

    pub fn operator(authority: &'a AuthorityId) -> Acting<'a> {
        Acting { by: By::Operator, authority }
    }

    fn allow(&self, action: Action) -> Result<()> {
        match self.by {
            By::Person(actor) => allow(actor, action),
            By::Operator => Ok(()),
        }
    }

    fn user(&self) -> UserId {
        match self.by {
            By::Person(actor) => actor.user_id.clone(),
            By::Operator => UserId(crate::accounts::OPERATOR.to_owned()),
        }
    }
}

/// A family of the acting authority that still exists (its name), or not found.
async fn own_family(ops: &Ops, acting: Acting<'_>, family_id: &str) -> Result<String> {
    match store::family_header(&ops.db, family_id).await? {
        Some((a, name)) if &a == acting.authority => Ok(name),
        _ => Err(OpsError::NotFound),
    }
}

/// The families due for a disposal review, a page at a time (50 a page, `page` from 1).
pub struct DuePage {
    pub rows: Vec<Due>,
    pub page: i64,
    pub more: bool,
    pub schedule: RetentionSchedule,
    pub held: i64,
}

pub const PAGE_SIZE: i64 = 50;

/// Lists the families whose retention date has passed (KEEP-02). The list names families, so
/// it is logged as one list read.
pub async fn due(ops: &Ops, actor: &Actor, page: i64) -> Result<DuePage> {
    due_as(ops, Acting::person(actor), page).await
}

/// [`due`], for a person or the operator.
pub async fn due_as(ops: &Ops, acting: Acting<'_>, page: i64) -> Result<DuePage> {
    acting.allow(Action::ReviewRetention)?;
    let page = page.max(1);
    let (schedule, _) = store::schedule(&ops.db, acting.authority).await?;
    let mut rows = store::due_for_review(
        &ops.db,
        acting.authority,
        &schedule,
        ops.clock.today(),
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let ids: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).collect();
    audit::log_list_read(&ops.db, acting.authority.as_str(), acting.user().as_str(), "records-due", &ids).await?;
    let held = store::count_held(&ops.db, acting.authority).await?;
    Ok(DuePage { rows, page, more, schedule, held })
}

/// One family as a records reviewer sees it.
pub struct FamilyRecords {
    pub family_id: String,
    pub family_name: String,
    pub review: Review,
    pub hold: Option<LegalHold>,
    pub proposal: Option<Proposal>,
}

/// A family's retention date, the rule that sets it, what stops disposal, its hold and any
/// proposal (logged as a read of the family).
pub async fn family(ops: &Ops, actor: &Actor, family_id: &str) -> Result<FamilyRecords> {
    allow(actor, Action::ReviewRetention)?;
    let family_name = own_family(ops, Acting::person(actor), family_id).await?;
    let (schedule, _) = store::schedule(&ops.db, &actor.authority_id).await?;
    let got = store::of_family(&ops.db, family_id).await?;
    let review =
        Review::of(FamilyId(family_id.to_owned()), &schedule, &got.facts, got.hold.as_ref(), ops.clock.today())?;
    audit::record_read(
        &ops.db,
        Entry {
            authority_id: actor.authority_id.as_str(),
            actor: actor.user_id.as_str(),
            kind: EventKind::Read,
            action: "records.review.read",
            entity_type: "family",
            entity_id: family_id,
            before: serde_json::Value::Null,
            after: json!({ "retain_until": review.retain_until }),
        },
    )
    .await?;
    Ok(FamilyRecords { family_id: family_id.to_owned(), family_name, review, hold: got.hold, proposal: got.proposal })
}

/// Places a legal hold, with its reason.
pub async fn place_hold(ops: &Ops, actor: &Actor, family_id: &str, reason: &str) -> Result<LegalHold> {
    place_hold_as(ops, Acting::person(actor), family_id, reason).await
}

/// [`place_hold`], for a person or the operator.
pub async fn place_hold_as(ops: &Ops, acting: Acting<'_>, family_id: &str, reason: &str) -> Result<LegalHold> {
    acting.allow(Action::ManageLegalHold)?;
    own_family(ops, acting, family_id).await?;
    Ok(store::place_hold(&ops.db, acting.authority, family_id, &acting.user(), reason).await?)
}

/// Lifts the legal hold in force, with the reason.
pub async fn lift_hold(ops: &Ops, actor: &Actor, family_id: &str, reason: &str) -> Result<()> {
    lift_hold_as(ops, Acting::person(actor), family_id, reason).await
}

/// [`lift_hold`], for a person or the operator.
pub async fn lift_hold_as(ops: &Ops, acting: Acting<'_>, family_id: &str, reason: &str) -> Result<()> {
    acting.allow(Action::ManageLegalHold)?;
    own_family(ops, acting, family_id).await?;
    Ok(store::lift_hold(&ops.db, acting.authority, family_id, &acting.user(), reason).await?)
}

/// Proposes disposal (the first of two people).
pub async fn propose(ops: &Ops, actor: &Actor, family_id: &str, reason: &str) -> Result<Proposal> {
    allow(actor, Action::ProposeDisposal)?;
    own_family(ops, Acting::person(actor), family_id).await?;
    Ok(store::propose(&ops.db, &actor.authority_id, family_id, &actor.user_id, reason).await?)
}

/// Withdraws a proposal, with the reason (either role that may propose or authorise).
pub async fn withdraw(ops: &Ops, actor: &Actor, family_id: &str, reason: &str) -> Result<()> {
    allow(actor, Action::ProposeDisposal).or_else(|_| allow(actor, Action::AuthoriseDisposal))?;
    own_family(ops, Acting::person(actor), family_id).await?;
    Ok(store::withdraw(&ops.db, &actor.authority_id, family_id, &actor.user_id, reason).await?)
}

/// Authorises and carries out a proposed disposal (the second person).
pub async fn dispose(ops: &Ops, actor: &Actor, family_id: &str) -> Result<Tombstone> {
    dispose_as(ops, Acting::person(actor), family_id).await
}

/// [`dispose`], for a person or the operator: the operator authorises a disposal a person
/// proposed (the second of the two, KEEP-02), never one of its own.
pub async fn dispose_as(ops: &Ops, acting: Acting<'_>, family_id: &str) -> Result<Tombstone> {
    acting.allow(Action::AuthoriseDisposal)?;
    own_family(ops, acting, family_id).await?;
    Ok(store::dispose(&ops.db, acting.authority, family_id, &acting.user()).await?)
}

/// The authority's proposals waiting and tombstones, newest first.
pub async fn disposals(ops: &Ops, actor: &Actor) -> Result<Vec<Tombstone>> {
    allow(actor, Action::ReviewRetention)?;
    Ok(store::disposals(&ops.db, &actor.authority_id, 200).await?)
}

/// The authority's retention schedule and its version.
pub async fn schedule(ops: &Ops, actor: &Actor) -> Result<(RetentionSchedule, i64)> {
    allow(actor, Action::ReviewRetention).or_else(|_| allow(actor, Action::ManageRetentionSchedule))?;
    Ok(store::schedule(&ops.db, &actor.authority_id).await?)
}

/// Saves the schedule at the version the administrator last saw.
pub async fn save_schedule(ops: &Ops, actor: &Actor, rules: Vec<RetentionRule>, version: i64) -> Result<i64> {
    allow(actor, Action::ManageRetentionSchedule)?;
    let schedule = RetentionSchedule::new(rules)?;
    Ok(store::save_schedule(&ops.db, &actor.authority_id, &actor.user_id, &schedule, version).await?)
}
