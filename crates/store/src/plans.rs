//! Plans (PLAN-*) and their core groups (CG-01): the aggregate (`confer_domain::plan::Plan`)
//! kept whole as a JSON document with a version, the columns lists need beside it, every
//! version's changes (the "what changed, when, by whom" view) and the core group's accounts
//! (the access policy's `CoreGroupMember`).
//!
//! A plan is made in the transaction of the conference that decided it ([`follow_conference`],
//! called by `conferences::save` when a conference closes). Every later change is [`save`]:
//! load in the transaction, check the version the person last saw, apply the domain
//! operation, write the document, its columns, its version row, the core group and the audit
//! event, all in one transaction.

use crate::audit::{self, Entry};
use crate::versioned::{self, SaveError};
use crate::{date, int, opt_text, text, Db, Result, StoreError, Tx};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::conference::{ChildOutcome, Conference, ConferenceKind, ConferenceState};
use confer_domain::plan::{ActionStatus, Plan, PlanError, PlanId, PlanKind, PlanOutcome};
use confer_domain::timescales::DeadlineRule;
use confer_domain::{AuthorityId, ChildId, FamilyId, UserId};
use serde::Serialize;
use serde_json::{json, Value};

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("plan document: {e}"))
}

/// The earliest due date of an action still open (not started or in progress).
fn open_action_due(p: &Plan) -> Option<String> {
    p.actions
        .iter()
        .filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress))
        .map(|a| a.due)
        .min()
        .map(|d| d.to_string())
}

/// Inserts a new plan (version 1) with its core group, first version row and audit event, in
/// the caller's transaction.
pub async fn insert(tx: &mut Tx, p: &Plan, actor: &str, action: &str) -> Result<()> {
    let doc = serde_json::to_value(p).map_err(corrupt)?;
    let now = tx.now();
    sqlx::query(
        "INSERT INTO plan (id, authority_id, family_id, case_id, child_id, kind, category, key_worker_id, started_on, \
         started_by, ended_on, end_reason, core_group_due_by, next_review_by, open_action_due, doc, version, created_at, \
         updated_at, previous_plans, stepped_down_from, network_meeting_due_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17, $18, $19, $20)",
    )
    .bind(p.id.as_str())
    .bind(p.authority_id.as_str())
    .bind(p.family_id.as_str())
    .bind(p.case_id.as_str())
    .bind(p.child_id.as_str())
    .bind(p.kind.as_str())
    .bind(p.category().map(|c| c.as_str()))
    .bind(p.key_worker.as_str())
    .bind(p.started_on.to_string())
    .bind(p.started_by.as_str())
    .bind(p.ended.as_ref().map(|e| e.on.to_string()))
    .bind(p.ended.as_ref().map(|e| e.reason.as_str()))
    .bind(p.core_group_due_by.map(|d| d.to_string()))
    .bind(p.next_review_by.map(|d| d.to_string()))
    .bind(open_action_due(p))
    .bind(doc.to_string())
    .bind(&now)
    .bind(i64::from(p.previous_plans))
    .bind(p.lifecycle.stepped_down_from.as_ref().map(|x| x.as_str().to_owned()))
    .bind(p.lifecycle.network_meeting_due_by.map(|d| d.to_string()))
    .execute(&mut **tx)
    .await?;
    write_core_group(tx, p).await?;
    write_version(tx, p, 1, actor, action, Value::Null, doc.clone()).await?;
    audit::record(
        tx,
        Entry {
            authority_id: p.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "plan",
            entity_id: p.id.as_str(),
            before: Value::Null,
            after: doc,
        },
    )
    .await?;
    Ok(())
}

/// The demo's bulk load (issue 12): plans as their conferences and core groups left them, with
/// their first version row and core group accounts, added to the batch's rows (inserted
/// together by the caller with the audit events).
pub(crate) struct BulkRows {
    plan: crate::bulk::Rows,
    version: crate::bulk::Rows,
    members: crate::bulk::Rows,
}

impl BulkRows {
    pub(crate) fn new() -> BulkRows {
        use crate::bulk::Rows;
        BulkRows {
            plan: Rows::new(
                "plan",
                &[
                    "id",
                    "authority_id",
                    "family_id",
                    "case_id",
                    "child_id",
                    "kind",
                    "category",
                    "key_worker_id",
                    "started_on",
                    "started_by",
                    "ended_on",
                    "end_reason",
                    "core_group_due_by",
                    "next_review_by",
                    "open_action_due",
                    "doc",
                    "version",
                    "created_at",
                    "updated_at",
                    "previous_plans",
                    "stepped_down_from",
                    "network_meeting_due_by",
                ],
            ),
            version: Rows::new(
                "plan_version",
                &["plan_id", "version", "action", "changed_by", "changed_at", "changed_before", "changed_after"],
            ),
            members: Rows::new("core_group_member", &["plan_id", "family_id", "user_id"]),
        }
    }

    /// Adds one plan as version 1 (`action` by `actor`, at `now`), with its whole document as
    /// the version's change.
    pub(crate) fn push(&mut self, p: &Plan, actor: &str, action: &str, now: &str) -> Result<()> {
        // Serialised once for both rows (the plan's and its first version's).
        let doc = serde_json::to_value(p).map_err(corrupt)?.to_string();
        self.plan.push([
            p.id.as_str().into(),
            p.authority_id.as_str().into(),
            p.family_id.as_str().into(),
            p.case_id.as_str().into(),
            p.child_id.as_str().into(),
            p.kind.as_str().into(),
            p.category().map(|c| c.as_str().to_owned()).into(),
            p.key_worker.as_str().into(),
            p.started_on.to_string().into(),
            p.started_by.as_str().into(),
            p.ended.as_ref().map(|e| e.on.to_string()).into(),
            p.ended.as_ref().map(|e| e.reason.as_str().to_owned()).into(),
            p.core_group_due_by.map(|d| d.to_string()).into(),
            p.next_review_by.map(|d| d.to_string()).into(),
            open_action_due(p).into(),
            doc.clone().into(),
            1i64.into(),
            now.into(),
            now.into(),
            i64::from(p.previous_plans).into(),
            p.lifecycle.stepped_down_from.as_ref().map(|x| x.as_str().to_owned()).into(),
            p.lifecycle.network_meeting_due_by.map(|d| d.to_string()).into(),
        ]);
        self.version.push([
            p.id.as_str().into(),
            1i64.into(),
            action.into(),
            actor.into(),
            now.into(),
            Value::Null.to_string().into(),
            doc.into(),
        ]);
        for user in p.member_accounts() {
            self.members.push([p.id.as_str().into(), p.family_id.as_str().into(), user.as_str().into()]);
        }
        Ok(())
    }

    /// Inserts every row added, plans first, in `tx`.
    pub(crate) async fn insert(self, tx: &mut Tx) -> Result<()> {
        for rows in [self.plan, self.version, self.members] {
            rows.insert(tx).await?;
        }
        Ok(())
    }
}

async fn write_version(
    tx: &mut Tx,
    p: &Plan,
    version: i64,
    actor: &str,
    action: &str,
    before: Value,
    after: Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_version (plan_id, version, action, changed_by, changed_at, changed_before, changed_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(p.id.as_str())
    .bind(version)
    .bind(action)
    .bind(actor)
    .bind(tx.now())
    .bind(before.to_string())
    .bind(after.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// CG-01: rewrites the plan's core group accounts from its document.
async fn write_core_group(tx: &mut Tx, p: &Plan) -> Result<()> {
    sqlx::query("DELETE FROM core_group_member WHERE plan_id = $1").bind(p.id.as_str()).execute(&mut **tx).await?;
    for user in p.member_accounts() {
        sqlx::query("INSERT INTO core_group_member (plan_id, family_id, user_id) VALUES ($1, $2, $3)")
            .bind(p.id.as_str())
            .bind(p.family_id.as_str())
            .bind(user.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A plan as stored: the aggregate and the version a change must name.
#[derive(Debug, Clone)]
pub struct Stored {
    pub plan: Plan,
    pub version: i64,
}

pub(crate) fn stored_from_row(row: &sqlx::any::AnyRow) -> Result<Stored> {
    Ok(Stored { plan: serde_json::from_str(&text(row, "doc")?).map_err(corrupt)?, version: int(row, "version")? })
}

pub async fn load(db: &Db, id: &str) -> Result<Stored> {
    let row = sqlx::query("SELECT doc, version FROM plan WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    stored_from_row(&row)
}

/// Several plans in one query (a list that shows something of each: issue 12), in no
/// particular order; a plan that is not there is left out.
pub async fn load_many(db: &Db, ids: &[&str]) -> Result<Vec<Stored>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|k| format!("${k}")).collect();
        let sql = format!("SELECT doc, version FROM plan WHERE id IN ({})", placeholders.join(", "));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(db.pool()).await? {
            out.push(stored_from_row(&row)?);
        }
    }
    Ok(out)
}

/// Where a plan belongs, without reading its document: for the access check.
#[derive(Debug, Clone)]
pub struct Owner {
    pub authority_id: AuthorityId,
    pub family_id: FamilyId,
}

pub async fn owner(db: &Db, id: &str) -> Result<Option<Owner>> {
    let row = sqlx::query("SELECT authority_id, family_id FROM plan WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(Owner { authority_id: AuthorityId(text(&r, "authority_id")?), family_id: FamilyId(text(&r, "family_id")?) })
    })
    .transpose()
}

/// Applies one domain operation to a plan still at `expected_version`, in one transaction with
/// its version row and audit event. Returns the operation's result and the new version.
pub async fn save<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<T>,
) -> std::result::Result<(T, i64), SaveError<PlanError>> {
    save_with(db, id, expected_version, actor, action, operation, None).await
}

/// A transfer out to another tenant of this installation, offered to it in the same
/// transaction as the plan's end (PLAN-05, TIME-02).
pub struct OfferedTransfer<'a> {
    pub to_authority: &'a AuthorityId,
    pub notified_on: NaiveDate,
    pub due_by: Option<NaiveDate>,
    /// The sending authority consents to share the transfer pack with the receiving one (the
    /// person transferring the plan out gives it, recorded with who and when).
    pub pack_shared: bool,
}

/// [`save`], and when `offer` is given, the transfer offered to the receiving tenant with an
/// audit event in each tenant, all in the plan's transaction.
pub async fn save_with<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<T>,
    offer: Option<OfferedTransfer<'_>>,
) -> std::result::Result<(T, i64), SaveError<PlanError>> {
    let mut tx = db.begin().await?;
    let (p, out) = change_in(&mut tx, id, expected_version, actor, action, operation).await?;
    if let Some(o) = offer {
        offer_transfer(&mut tx, &p, &o, actor).await?;
    }
    tx.commit().await?;
    Ok((out, expected_version + 1))
}

pub(crate) async fn offer_transfer(tx: &mut Tx, p: &Plan, o: &OfferedTransfer<'_>, actor: &str) -> Result<()> {
    let id = crate::new_id();
    let now = tx.now();
    sqlx::query(
        "INSERT INTO plan_transfer (id, plan_id, from_authority_id, to_authority_id, notified_on, due_by, state, \
         created_by, created_at, pack_shared_by, pack_shared_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(p.id.as_str())
    .bind(p.authority_id.as_str())
    .bind(o.to_authority.as_str())
    .bind(o.notified_on.to_string())
    .bind(o.due_by.map(|d| d.to_string()))
    .bind(actor)
    .bind(&now)
    .bind(o.pack_shared.then_some(actor))
    .bind(o.pack_shared.then_some(now.as_str()))
    .execute(&mut **tx)
    .await?;
    // Each tenant's audit trail shows the transfer; the receiving one sees no names and none
    // of the sending tenant's ids but the transfer's own (not its plan's: a tenant leak).
    let after = json!({ "transfer_id": id, "plan_id": p.id.as_str(), "from": p.authority_id.as_str(),
        "to": o.to_authority.as_str(), "notified_on": o.notified_on, "due_by": o.due_by,
        "pack_shared": o.pack_shared });
    audit_transfer(
        tx,
        actor,
        "plan.transfer.offer",
        (p.authority_id.as_str(), p.id.as_str()),
        (o.to_authority.as_str(), id.as_str()),
        Value::Null,
        after,
    )
    .await
}

/// A change to a transfer between two tenants, audited in both in the caller's transaction
/// (PLAN-05): in the sending tenant against its plan with `after` whole, in the receiving one
/// against the transfer with `after` as [`for_receiving`] keeps it.
async fn audit_transfer(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    (from_authority, plan_id): (&str, &str),
    (to_authority, transfer_id): (&str, &str),
    before: Value,
    after: Value,
) -> Result<()> {
    let received = for_receiving(&after);
    for (authority, entity_type, entity_id, after) in
        [(from_authority, "plan", plan_id, after), (to_authority, "plan-transfer", transfer_id, received)]
    {
        audit::record(
            tx,
            Entry {
                authority_id: authority,
                actor,
                kind: EventKind::Change,
                action,
                entity_type,
                entity_id,
                before: before.clone(),
                after,
            },
        )
        .await?;
    }
    Ok(())
}

/// PLAN-05, TIME-02: an audit event's details as the receiving tenant keeps them: without the
/// sending tenant's plan id or the id of the person there who shared the pack (the transfer's
/// own id names the transfer in both tenants).
pub fn for_receiving(after: &Value) -> Value {
    let mut v = after.clone();
    if let Value::Object(o) = &mut v {
        o.remove("plan_id");
        o.remove("pack_shared_by");
    }
    v
}

/// A transfer offered to this authority by another tenant: pending, accepted or declined.
#[derive(Debug, Clone, Serialize)]
pub struct TransferRow {
    pub id: String,
    pub plan_id: String,
    pub from_authority_id: String,
    pub from_authority_name: String,
    pub notified_on: Option<NaiveDate>,
    pub due_by: Option<NaiveDate>,
    /// "pending", "accepted" or "declined".
    pub state: String,
    /// The sending authority's consent to share the pack: who gave it and when (None: not given).
    pub pack_shared_by: Option<String>,
    pub pack_shared_at: Option<String>,
    /// Accepted: the transfer-in conference requested here.
    pub conference_id: Option<String>,
    /// Declined: why.
    pub declined_reason: Option<String>,
}

const TRANSFER_COLUMNS: &str = "t.id, t.plan_id, t.from_authority_id, a.name AS from_name, t.notified_on, t.due_by, \
    t.state, t.pack_shared_by, t.pack_shared_at, t.conference_id, t.declined_reason";

fn transfer_row(r: &sqlx::any::AnyRow) -> Result<TransferRow> {
    Ok(TransferRow {
        id: text(r, "id")?,
        plan_id: text(r, "plan_id")?,
        from_authority_id: text(r, "from_authority_id")?,
        from_authority_name: text(r, "from_name")?,
        notified_on: date(r, "notified_on")?,
        due_by: date(r, "due_by")?,
        state: text(r, "state")?,
        pack_shared_by: opt_text(r, "pack_shared_by")?,
        pack_shared_at: opt_text(r, "pack_shared_at")?,
        conference_id: opt_text(r, "conference_id")?,
        declined_reason: opt_text(r, "declined_reason")?,
    })
}

/// The transfers offered to `authority` (the receiving tenant), the pending ones first, the
/// most urgent first.
pub async fn transfers_to(db: &Db, authority: &AuthorityId) -> Result<Vec<TransferRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM plan_transfer t JOIN authority a ON a.id = t.from_authority_id \
         WHERE t.to_authority_id = $1 \
         ORDER BY CASE WHEN t.state = 'pending' THEN 0 ELSE 1 END, t.due_by, t.id LIMIT 200"
    ))
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(transfer_row).collect()
}

/// One transfer offered to `authority`; `None` when there is none by that id offered to it
/// (another tenant's transfer is not found, whoever sent or received it).
pub async fn transfer_to(db: &Db, authority: &AuthorityId, id: &str) -> Result<Option<TransferRow>> {
    let row = sqlx::query(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM plan_transfer t JOIN authority a ON a.id = t.from_authority_id \
         WHERE t.id = $1 AND t.to_authority_id = $2"
    ))
    .bind(id)
    .bind(authority.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(transfer_row).transpose()
}

/// The receiving authority's answer to a pending transfer, audited in both tenants in the
/// caller's transaction: accepted (with the transfer-in conference it requested) or declined
/// with the reason. A transfer already answered is a conflict (two people answering at once).
pub async fn answer_transfer(
    tx: &mut Tx,
    t: &TransferRow,
    to_authority: &AuthorityId,
    actor: &str,
    answer: TransferAnswer<'_>,
) -> Result<()> {
    let now = tx.now();
    let (affected, state, action, detail) = match answer {
        TransferAnswer::Accepted { conference_id } => {
            let n = sqlx::query(
                "UPDATE plan_transfer SET state = 'accepted', accepted_by = $1, accepted_at = $2, conference_id = $3 \
                 WHERE id = $4 AND to_authority_id = $5 AND state = 'pending'",
            )
            .bind(actor)
            .bind(&now)
            .bind(conference_id)
            .bind(&t.id)
            .bind(to_authority.as_str())
            .execute(&mut **tx)
            .await?
            .rows_affected();
            (n, "accepted", "plan.transfer.accept", json!({ "conference_id": conference_id }))
        }
        TransferAnswer::Declined { reason } => {
            let n = sqlx::query(
                "UPDATE plan_transfer SET state = 'declined', declined_by = $1, declined_at = $2, declined_reason = $3 \
                 WHERE id = $4 AND to_authority_id = $5 AND state = 'pending'",
            )
            .bind(actor)
            .bind(&now)
            .bind(reason)
            .bind(&t.id)
            .bind(to_authority.as_str())
            .execute(&mut **tx)
            .await?
            .rows_affected();
            (n, "declined", "plan.transfer.decline", json!({ "reason": reason }))
        }
    };
    if affected != 1 {
        return Err(StoreError::Conflict("This transfer was already accepted or declined.".into()));
    }
    let mut after = json!({ "transfer_id": t.id, "plan_id": t.plan_id, "from": t.from_authority_id,
        "to": to_authority.as_str(), "state": state });
    if let (Value::Object(a), Value::Object(d)) = (&mut after, detail) {
        a.extend(d);
    }
    audit_transfer(
        tx,
        actor,
        action,
        (t.from_authority_id.as_str(), t.plan_id.as_str()),
        (to_authority.as_str(), t.id.as_str()),
        json!({ "state": "pending" }),
        after,
    )
    .await
}

/// PLAN-05: the receiving authority recorded the transferred child (and the parents and carers
/// the conference invites) from the sending authority's record: audited in the sending tenant
/// against its plan (whose people's details left it, how many, by whom) and in the receiving
/// one against the family they were recorded in, without the other tenant's ids.
pub async fn record_copied_from_pack(
    tx: &mut Tx,
    t: &TransferRow,
    to_authority: &AuthorityId,
    actor: &str,
    family_here: &str,
    people: usize,
) -> Result<()> {
    for (authority, entity_type, entity_id, after) in [
        (
            t.from_authority_id.as_str(),
            "plan",
            t.plan_id.as_str(),
            json!({ "transfer_id": t.id, "to": to_authority.as_str(), "people_recorded": people }),
        ),
        (
            to_authority.as_str(),
            "family",
            family_here,
            json!({ "transfer_id": t.id, "from": t.from_authority_id, "people_recorded": people }),
        ),
    ] {
        audit::record(
            tx,
            Entry {
                authority_id: authority,
                actor,
                kind: EventKind::Change,
                action: "plan.transfer.recorded-from-pack",
                entity_type,
                entity_id,
                before: Value::Null,
                after,
            },
        )
        .await?;
    }
    Ok(())
}

/// What the receiving authority answered.
pub enum TransferAnswer<'a> {
    Accepted { conference_id: &'a str },
    Declined { reason: &'a str },
}

/// The child's open plan of `kind`, when there is one (the step-down's choice of actions
/// is checked against it).
pub async fn open_plan_of_child(db: &Db, child_id: &str, kind: PlanKind) -> Result<Option<Stored>> {
    let row = sqlx::query(
        "SELECT doc, version FROM plan WHERE child_id = $1 AND kind = $2 AND ended_on IS NULL \
         ORDER BY started_on DESC LIMIT 1",
    )
    .bind(child_id)
    .bind(kind.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(stored_from_row).transpose()
}

/// The child's date of birth, when known (the 18th birthday ending, PLAN-05).
pub async fn child_born_on(db: &Db, child_id: &str) -> Result<Option<NaiveDate>> {
    let row =
        sqlx::query("SELECT date_of_birth FROM child WHERE id = $1").bind(child_id).fetch_optional(db.pool()).await?;
    match row {
        Some(r) => date(&r, "date_of_birth"),
        None => Ok(None),
    }
}

/// Another authority of this installation by its name (case and spaces aside), for a transfer
/// out to a tenant here.
pub async fn authority_named(db: &Db, name: &str) -> Result<Option<(AuthorityId, String)>> {
    let rows = sqlx::query("SELECT id, name FROM authority ORDER BY id").fetch_all(db.pool()).await?;
    let want = name.trim().to_lowercase();
    for r in &rows {
        let n = text(r, "name")?;
        if n.trim().to_lowercase() == want {
            return Ok(Some((AuthorityId(text(r, "id")?), n)));
        }
    }
    Ok(None)
}

/// In a save's transaction: the plan still at `expected_version` (else not found or a
/// conflict), changed by the domain `operation` and written by [`update_in`]. Returns the plan
/// as written and the operation's result.
pub(crate) async fn change_in<T>(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<T>,
) -> std::result::Result<(Plan, T), SaveError<PlanError>> {
    let row = versioned::read_at(tx, "SELECT doc, version FROM plan WHERE id = $1", &[id], expected_version).await?;
    let mut p = stored_from_row(&row)?.plan;
    let out = operation(&mut p)?;
    update_in(tx, &p, expected_version, actor, action).await.map_err(|e| match e {
        UpdateError::Lost => SaveError::Conflict { current_version: expected_version + 1 },
        UpdateError::Store(s) => SaveError::Store(s),
    })?;
    Ok((p, out))
}

pub(crate) enum UpdateError {
    /// Another transaction saved the version first.
    Lost,
    Store(StoreError),
}

impl From<StoreError> for UpdateError {
    fn from(e: StoreError) -> Self {
        UpdateError::Store(e)
    }
}
impl From<sqlx::Error> for UpdateError {
    fn from(e: sqlx::Error) -> Self {
        UpdateError::Store(e.into())
    }
}

/// Writes a changed plan at `expected_version` + 1 with its version row, core group and audit
/// event, in the caller's transaction.
pub(crate) async fn update_in(
    tx: &mut Tx,
    p: &Plan,
    expected_version: i64,
    actor: &str,
    action: &str,
) -> std::result::Result<(), UpdateError> {
    let before_row = sqlx::query("SELECT doc FROM plan WHERE id = $1").bind(p.id.as_str()).fetch_one(&mut **tx).await?;
    let before: Value = serde_json::from_str(&text(&before_row, "doc")?).map_err(corrupt)?;
    let after = serde_json::to_value(p).map_err(corrupt)?;
    // The version in the WHERE clause makes the write itself the check (as conferences do).
    let updated = sqlx::query(
        "UPDATE plan SET category = $3, key_worker_id = $4, ended_on = $5, end_reason = $6, core_group_due_by = $7, \
         next_review_by = $8, open_action_due = $9, doc = $10, version = version + 1, updated_at = $11, \
         network_meeting_due_by = $12, core_group_arranged_on = $13, core_group_arranged_time = $14 \
         WHERE id = $1 AND version = $2",
    )
    .bind(p.id.as_str())
    .bind(expected_version)
    .bind(p.category().map(|c| c.as_str()))
    .bind(p.key_worker.as_str())
    .bind(p.ended.as_ref().map(|e| e.on.to_string()))
    .bind(p.ended.as_ref().map(|e| e.reason.as_str()))
    .bind(p.core_group_due_by.map(|d| d.to_string()))
    .bind(p.next_review_by.map(|d| d.to_string()))
    .bind(open_action_due(p))
    .bind(after.to_string())
    .bind(tx.now())
    .bind(p.lifecycle.network_meeting_due_by.map(|d| d.to_string()))
    .bind(p.arrangements.next.as_ref().map(|a| a.on.to_string()))
    .bind(p.arrangements.next.as_ref().map(|a| a.at.format("%H:%M").to_string()))
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(UpdateError::Lost);
    }
    write_core_group(tx, p).await?;
    let (before, after) = changed_parts(before, after);
    write_version(tx, p, expected_version + 1, actor, action, before.clone(), after.clone()).await?;
    audit::record(
        tx,
        Entry {
            authority_id: p.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "plan",
            entity_id: p.id.as_str(),
            before,
            after,
        },
    )
    .await?;
    Ok(())
}

/// The top-level parts of the plan a change touched, before and after.
fn changed_parts(before: Value, after: Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut bo = serde_json::Map::new();
            let mut ao = serde_json::Map::new();
            for (k, av) in &a {
                let bv = b.get(k).cloned().unwrap_or(Value::Null);
                if &bv != av {
                    bo.insert(k.clone(), bv);
                    ao.insert(k.clone(), av.clone());
                }
            }
            (Value::Object(bo), Value::Object(ao))
        }
        (b, a) => (b, a),
    }
}

/// PLAN-05, CG-02: what each member invited to a plan's arranged core group meeting is sent
/// when a review ends the plan and so cancels the meeting (the plan as ended, the meeting).
pub type TellEnded<'a> = dyn Fn(&Plan, &confer_domain::plan::ArrangedCoreGroup) -> Vec<crate::plan_people::ArrangementMail>
    + Send
    + Sync
    + 'a;

/// PLAN-03, PLAN-04, PLAN-05, REV-01, CG-01/02: what a conference that has just closed does to
/// plans, in its own transaction: a new child protection plan for each child it decided one
/// for (from the outline agreed in the meeting, counting the child's earlier plans: a repeat
/// plan), a child in need plan for each child it decided one for; for a review, the child's
/// plan continues (category history, next review) or ends by its decision, and a step-down
/// makes the child in need plan linked to it, carrying over the actions the review agreed for
/// the child or, when it agreed none, every open action of the ended plan; a plan the review
/// ends has its arranged core group meeting cancelled (PLAN-05, CG-02), the members told with
/// what `tell` prepares for them, as when a plan is ended by hand. A transfer-in
/// conference that continues the plan a child arrived on starts this authority's plan,
/// recording where it came from. `db` is for reading the authority's calendar and policy (as
/// the deadlines do).
pub(crate) async fn follow_conference(
    db: &Db,
    tx: &mut Tx,
    was: &Conference,
    c: &Conference,
    actor: &str,
    tell: Option<&TellEnded<'_>>,
) -> Result<()> {
    if was.state() == ConferenceState::Closed || c.state() != ConferenceState::Closed {
        return Ok(());
    }
    let Some(held_on) = c.date() else { return Ok(()) };
    if c.decisions().is_empty() {
        return Ok(());
    }
    let authority = crate::users::authority(db, c.authority_id()).await?;
    let calendar = crate::calendar::authority_calendar(db, &authority).await?;
    let policies = crate::calendar::policy_history(db, &authority).await?;
    let policy = &policies.version_in_force(held_on).policy;
    let network_due = DeadlineRule::ChildInNeedReview.due_date(held_on, &calendar, policy);
    for decision in c.decisions() {
        let child = &decision.child;
        match decision.outcome {
            ChildOutcome::ChildProtectionPlan { .. } => {
                let previous = previous_plans(tx, child, PlanKind::ChildProtection).await?;
                let first_core_group = confer_domain::plan::first_core_group_due(held_on, &calendar, policy);
                let id = PlanId(crate::new_id());
                if let Some(p) = Plan::from_conference(c, child, id, previous, first_core_group) {
                    insert(tx, &p, actor, "plan.create").await?;
                }
            }
            ChildOutcome::ChildInNeedPlan => {
                let previous = previous_plans(tx, child, PlanKind::ChildInNeed).await?;
                let id = PlanId(crate::new_id());
                if let Some(p) = Plan::child_in_need_from_conference(c, child, id, previous, network_due) {
                    insert(tx, &p, actor, "plan.create").await?;
                }
            }
            ChildOutcome::ContinuePlan { .. }
            | ChildOutcome::EndPlanStepDownToChildInNeed
            | ChildOutcome::EndPlanNoFurtherPlan => {
                let row = sqlx::query(
                    "SELECT doc, version FROM plan WHERE child_id = $1 AND kind = $2 AND ended_on IS NULL \
                     ORDER BY started_on DESC LIMIT 1",
                )
                .bind(child.as_str())
                .bind(PlanKind::ChildProtection.as_str())
                .fetch_optional(&mut **tx)
                .await?;
                let Some(row) = row else {
                    // TIME-02: the child arrived on another authority's plan; this one starts here.
                    if c.kind() == ConferenceKind::TransferIn {
                        let previous = previous_plans(tx, child, PlanKind::ChildProtection).await?;
                        let first_core_group = confer_domain::plan::first_core_group_due(held_on, &calendar, policy);
                        let id = PlanId(crate::new_id());
                        if let Some(p) = Plan::from_transfer_in(c, child, id, previous, first_core_group) {
                            insert(tx, &p, actor, "plan.transfer-in").await?;
                        }
                    }
                    continue;
                };
                let Stored { plan: mut p, version } = stored_from_row(&row)?;
                if !p.follow_review(c) {
                    continue;
                }
                // PLAN-05, CG-02: an ended plan's arranged core group meeting is cancelled.
                let cancelled = p.cancel_core_group_as_ended(&UserId::from(actor), tx.clock().now());
                if decision.outcome == ChildOutcome::EndPlanStepDownToChildInNeed {
                    let previous = previous_plans(tx, child, PlanKind::ChildInNeed).await?;
                    let id = PlanId(crate::new_id());
                    if let Some(cin) = p.step_down(c, id, previous, network_due) {
                        insert(tx, &cin, actor, "plan.step-down").await?;
                    }
                }
                update_in(tx, &p, version, actor, "plan.review").await.map_err(|e| match e {
                    UpdateError::Lost => StoreError::Conflict("the plan changed while the review closed".into()),
                    UpdateError::Store(s) => s,
                })?;
                if let Some(a) = cancelled {
                    let mails = tell.map(|t| t(&p, &a)).unwrap_or_default();
                    let ended = crate::plan_people::EndedMeeting { number: a.number, mails };
                    crate::plan_people::cancel_for_ending_in(tx, &p, &ended, actor).await?;
                }
            }
            ChildOutcome::NoFurtherPlan => {}
        }
    }
    Ok(())
}

/// How many plans of `kind` the child had before (a repeat plan when above 0).
async fn previous_plans(tx: &mut Tx, child: &ChildId, kind: PlanKind) -> Result<u32> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM plan WHERE child_id = $1 AND kind = $2")
        .bind(child.as_str())
        .bind(kind.as_str())
        .fetch_one(&mut **tx)
        .await?;
    Ok(u32::try_from(int(&row, "n")?).unwrap_or(0))
}

/// A row of a list of plans.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub child_id: String,
    pub kind: String,
    pub category: Option<String>,
    pub key_worker_id: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub core_group_due_by: Option<NaiveDate>,
    pub next_review_by: Option<NaiveDate>,
    /// The earliest due date of an open action.
    pub open_action_due: Option<NaiveDate>,
    pub version: i64,
    /// How many plans of this kind the child had before (a repeat plan when above 0).
    pub previous_plans: i64,
    /// PLAN-04: a child in need plan's next network meeting.
    pub network_meeting_due_by: Option<NaiveDate>,
    /// CG-02: the core group meeting arranged next: its day and time (HH:MM), when one is.
    pub core_group_arranged_on: Option<NaiveDate>,
    pub core_group_arranged_time: Option<String>,
}

pub(crate) const ROW_COLUMNS: &str =
    "p.id, p.family_id, f.name AS family_name, p.child_id, p.kind, p.category, p.key_worker_id, \
    p.started_on, p.ended_on, p.end_reason, p.core_group_due_by, p.next_review_by, p.open_action_due, p.version, \
    p.previous_plans, p.network_meeting_due_by, p.core_group_arranged_on, p.core_group_arranged_time";

pub(crate) fn row_from(r: &sqlx::any::AnyRow) -> Result<PlanRow> {
    Ok(PlanRow {
        id: text(r, "id")?,
        family_id: text(r, "family_id")?,
        family_name: text(r, "family_name")?,
        child_id: text(r, "child_id")?,
        kind: text(r, "kind")?,
        category: opt_text(r, "category")?,
        key_worker_id: text(r, "key_worker_id")?,
        started_on: date(r, "started_on")?,
        ended_on: date(r, "ended_on")?,
        end_reason: opt_text(r, "end_reason")?,
        core_group_due_by: date(r, "core_group_due_by")?,
        next_review_by: date(r, "next_review_by")?,
        open_action_due: date(r, "open_action_due")?,
        version: int(r, "version")?,
        previous_plans: int(r, "previous_plans")?,
        network_meeting_due_by: date(r, "network_meeting_due_by")?,
        core_group_arranged_on: date(r, "core_group_arranged_on")?,
        core_group_arranged_time: opt_text(r, "core_group_arranged_time")?,
    })
}

/// The plans of a family, newest first.
pub async fn of_family(db: &Db, family_id: &str) -> Result<Vec<PlanRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM plan p JOIN family f ON f.id = p.family_id WHERE p.family_id = $1 \
         ORDER BY p.started_on DESC, p.id"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// Issue 12: the active plans a person leads or is in the core group of, found from the person
/// (the key worker index and the core group's user index) and then each plan by its key. Written
/// with `OR` in one WHERE, SQLite walked every active plan of the authority (90–130 ms at 50,000
/// families, even for a person with none); `CROSS JOIN` keeps SQLite's join order (PostgreSQL
/// plans it as any join). Binds: $1 the authority, $2 the user.
pub const PLANS_OF_USER: &str = "(SELECT id FROM plan WHERE key_worker_id = $2 AND ended_on IS NULL \
     UNION SELECT plan_id FROM core_group_member WHERE user_id = $2) mine \
     CROSS JOIN plan p JOIN family f ON f.id = p.family_id \
     WHERE p.id = mine.id AND p.authority_id = $1 AND p.ended_on IS NULL";

/// The active plans a person works on: as key worker or as a member of the core group, in
/// their authority; the most urgent (earliest open action) first.
pub async fn of_user(db: &Db, authority: &AuthorityId, user: &UserId) -> Result<Vec<PlanRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM {PLANS_OF_USER} \
         ORDER BY CASE WHEN p.open_action_due IS NULL THEN 1 ELSE 0 END, p.open_action_due, p.id LIMIT 500"
    ))
    .bind(authority.as_str())
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// CG-02: the active child protection plans whose key worker is in a manager's management
/// line (their team, at any depth) with a core group due, the soonest first: the team
/// manager's list of core groups due and overdue.
pub async fn core_groups_of_team(db: &Db, authority: &AuthorityId, manager: &UserId) -> Result<Vec<PlanRow>> {
    // Issue 12: most people manage no one; the search below would still walk the authority's
    // active plans (SQLite drives it from the plans), so ask the line-manager index first.
    let manages = sqlx::query("SELECT 1 FROM user_account WHERE line_manager_id = $1 AND authority_id = $2 LIMIT 1")
        .bind(manager.as_str())
        .bind(authority.as_str())
        .fetch_optional(db.pool())
        .await?;
    if manages.is_none() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "WITH RECURSIVE team(id) AS (SELECT id FROM user_account WHERE line_manager_id = $2 AND authority_id = $1 \
         UNION SELECT u.id FROM user_account u JOIN team t ON u.line_manager_id = t.id) \
         SELECT {ROW_COLUMNS} FROM plan p JOIN family f ON f.id = p.family_id WHERE p.authority_id = $1 \
         AND p.ended_on IS NULL AND p.core_group_due_by IS NOT NULL AND p.key_worker_id IN (SELECT id FROM team) \
         ORDER BY p.core_group_due_by, p.id LIMIT 500"
    ))
    .bind(authority.as_str())
    .bind(manager.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// One version of a plan: what changed, when and by whom.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub version: i64,
    pub action: String,
    pub changed_by: String,
    pub changed_by_name: Option<String>,
    pub changed_at: String,
    pub before: Value,
    pub after: Value,
}

/// Every version of a plan, newest first.
pub async fn history(db: &Db, plan_id: &str) -> Result<Vec<VersionRow>> {
    let rows = sqlx::query(
        "SELECT v.version, v.action, v.changed_by, u.display_name, v.changed_at, v.changed_before, v.changed_after \
         FROM plan_version v LEFT JOIN user_account u ON u.id = v.changed_by WHERE v.plan_id = $1 ORDER BY v.version DESC",
    )
    .bind(plan_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let parse =
                |col: &str| -> Result<Value> { Ok(serde_json::from_str(&text(r, col)?).unwrap_or(Value::Null)) };
            Ok(VersionRow {
                version: int(r, "version")?,
                action: text(r, "action")?,
                changed_by: text(r, "changed_by")?,
                changed_by_name: opt_text(r, "display_name")?,
                changed_at: text(r, "changed_at")?,
                before: parse("changed_before")?,
                after: parse("changed_after")?,
            })
        })
        .collect()
}

/// Logs a read of a plan (ROLE-11), against the family whose record it is.
pub async fn log_read(db: &Db, authority: &AuthorityId, actor: &UserId, family_id: &str, plan_id: &str) -> Result<()> {
    audit::record_read(
        db,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Read,
            action: "plan.read",
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after: json!({ "plan_id": plan_id }),
        },
    )
    .await?;
    Ok(())
}

/// The professional record a user signs in as, in their authority (a partner professional
/// updates the plan actions they own, PLAN-02).
pub async fn professional_of_user(db: &Db, authority: &AuthorityId, user: &UserId) -> Result<Option<String>> {
    let row = sqlx::query("SELECT id FROM professional WHERE authority_id = $1 AND user_id = $2 ORDER BY id LIMIT 1")
        .bind(authority.as_str())
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| text(&r, "id")).transpose()
}

/// The name of an adult of the family (an action's owner), or `None` if not of this family.
pub async fn adult_name(db: &Db, family_id: &str, adult_id: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT given_name, family_name FROM adult WHERE id = $1 AND family_id = $2")
        .bind(adult_id)
        .bind(family_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok(format!("{} {}", text(&r, "given_name")?, text(&r, "family_name")?))).transpose()
}

/// What recording the consent to share the transfer pack after the transfer out found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackShare {
    /// Recorded now: the receiving authority sees the pack (the transfer's id).
    Shared(String),
    /// Already shared (at the transfer out or since).
    AlreadyShared,
    /// No transfer of this plan offered to another tenant is waiting for an answer.
    NoTransfer,
}

/// PLAN-05, TIME-02: the sending authority consents, after the transfer out, to share the
/// transfer pack with the receiving tenant (while the transfer waits for its answer): recorded
/// with who and when, audited in both tenants (the receiving one without the plan's id), in
/// one transaction.
pub async fn share_pack_later(db: &Db, plan_id: &str, from: &AuthorityId, actor: &str) -> Result<PackShare> {
    let mut tx = db.begin().await?;
    let Some(row) = sqlx::query(
        "SELECT id, to_authority_id, pack_shared_at FROM plan_transfer WHERE plan_id = $1 AND from_authority_id = $2 \
         AND state = 'pending'",
    )
    .bind(plan_id)
    .bind(from.as_str())
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(PackShare::NoTransfer);
    };
    if opt_text(&row, "pack_shared_at")?.is_some() {
        return Ok(PackShare::AlreadyShared);
    }
    let (id, to) = (text(&row, "id")?, text(&row, "to_authority_id")?);
    let now = tx.now();
    let n = sqlx::query(
        "UPDATE plan_transfer SET pack_shared_by = $1, pack_shared_at = $2 WHERE id = $3 AND pack_shared_at IS NULL \
         AND state = 'pending'",
    )
    .bind(actor)
    .bind(&now)
    .bind(&id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Ok(PackShare::AlreadyShared);
    }
    let after = json!({ "transfer_id": id, "plan_id": plan_id, "from": from.as_str(), "to": to,
        "pack_shared": true, "pack_shared_by": actor, "pack_shared_at": now });
    audit_transfer(
        &mut tx,
        actor,
        "plan.transfer.share-pack",
        (from.as_str(), plan_id),
        (to.as_str(), id.as_str()),
        json!({ "pack_shared": false }),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(PackShare::Shared(id))
}

/// Whether this plan's transfer to another tenant waits for its answer with the pack not yet
/// shared (the sending authority may still consent to share it).
pub async fn pack_not_yet_shared(db: &Db, plan_id: &str) -> Result<bool> {
    let row =
        sqlx::query("SELECT id FROM plan_transfer WHERE plan_id = $1 AND state = 'pending' AND pack_shared_at IS NULL")
            .bind(plan_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.is_some())
}
