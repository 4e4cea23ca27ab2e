//! Records management (KEEP-01, KEEP-02): the authority's retention schedule, legal holds,
//! the families due for a disposal review, and disposal itself.
//!
//! Disposal removes a family's records in one transaction: its children, adults, cases,
//! conferences (with their reports, files and people), deadlines, plans and portal links. The
//! content (`before` and `after`) of every audit event about the family, its conferences, its
//! plans and its files is removed too; each event keeps its place, its hash and what it says
//! of who did what when, and the disposal's own event lists every one of them with a digest
//! of what it keeps, so `confer audit verify` still proves the whole chain
//! (`confer_domain::audit::content_holds`). What is left is the `disposal` row: a tombstone
//! that names no one.

use crate::audit::{self, Entry, DISPOSAL_ACTION};
use crate::versioned::{AuthorityDoc, SaveError};
use crate::{date, int, opt_text, text, Db, Result, StoreError, Tx};
use chrono::{Datelike, NaiveDate};
use confer_domain::audit::{redaction_digest, AuditEvent, EventKind};
use confer_domain::retention::{
    FamilyFacts, LegalHold, Proposal, RetentionError, RetentionSchedule, RetentionTrigger, Review,
};
use confer_domain::{AuthorityId, Birth, ChildId, FamilyId, UserId};
use serde_json::{json, Value};
use sqlx::Row;

/// The authority's retention schedule: one an authority, versioned.
const SCHEDULE: AuthorityDoc =
    AuthorityDoc { table: "retention_schedule", column: "rules", action: "records.schedule.change" };

/// The authority's schedule and its version (0 and the default when none was saved).
pub async fn schedule(db: &Db, authority: &AuthorityId) -> Result<(RetentionSchedule, i64)> {
    SCHEDULE.read(db, authority).await
}

/// Saves a schedule (already checked by `RetentionSchedule::new`) at the version the
/// administrator last saw; returns the new version.
pub async fn save_schedule(
    db: &Db,
    authority: &AuthorityId,
    actor: &UserId,
    new: &RetentionSchedule,
    expected_version: i64,
) -> Result<i64, SaveError<RetentionError>> {
    SCHEDULE.save(db, authority, actor, new, expected_version).await
}

/// A family's authority and name, if it exists (and has not been disposed of).
pub async fn family_header(db: &Db, family_id: &str) -> Result<Option<(AuthorityId, String)>> {
    let row = sqlx::query("SELECT authority_id, name FROM family WHERE id = $1")
        .bind(family_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((AuthorityId(text(&r, "authority_id")?), text(&r, "name")?))).transpose()
}

/// What retention depends on, read on the given connection (a transaction's, at disposal).
async fn facts_on(conn: &mut sqlx::AnyConnection, family_id: &str) -> Result<FamilyFacts> {
    let children = sqlx::query("SELECT id, date_of_birth, expected_date FROM child WHERE family_id = $1 ORDER BY id")
        .bind(family_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = FamilyFacts::default();
    for c in &children {
        let birth = match (date(c, "date_of_birth")?, date(c, "expected_date")?) {
            (Some(d), _) => Birth::Born(d),
            (None, Some(e)) => Birth::Unborn { expected: e },
            (None, None) => continue,
        };
        out.children.push((ChildId(text(c, "id")?), birth));
    }
    let plans = sqlx::query("SELECT kind, ended_on, end_reason FROM plan WHERE family_id = $1")
        .bind(family_id)
        .fetch_all(&mut *conn)
        .await?;
    for p in &plans {
        if opt_text(p, "ended_on")?.is_none() {
            out.active_plans += 1;
        }
        let trigger = match opt_text(p, "end_reason")?.as_deref() {
            Some("adopted") => Some(RetentionTrigger::ChildAdopted),
            Some("died") => Some(RetentionTrigger::ChildDied),
            _ => None,
        };
        for t in trigger
            .into_iter()
            .chain((text(p, "kind")? == "child-protection").then_some(RetentionTrigger::ChildProtectionPlan))
        {
            if !out.triggers.contains(&t) {
                out.triggers.push(t);
            }
        }
    }
    let open_cases = sqlx::query("SELECT COUNT(*) AS n FROM family_case WHERE family_id = $1 AND stage <> 'closed'")
        .bind(family_id)
        .fetch_one(&mut *conn)
        .await?;
    out.cases_closed = int(&open_cases, "n")? == 0;
    let open = sqlx::query(
        "SELECT COUNT(*) AS n FROM conference WHERE family_id = $1 AND state NOT IN ('closed', 'cancelled')",
    )
    .bind(family_id)
    .fetch_one(&mut *conn)
    .await?;
    out.open_conferences = int(&open, "n")? as u32;
    Ok(out)
}

fn hold_of(r: &sqlx::any::AnyRow) -> Result<LegalHold> {
    Ok(LegalHold {
        reason: text(r, "reason")?,
        placed_by: UserId(text(r, "placed_by")?),
        placed_on: date(r, "placed_on")?.ok_or_else(|| StoreError::Corrupt("legal hold without a date".into()))?,
    })
}

async fn hold_on(conn: &mut sqlx::AnyConnection, family_id: &str) -> Result<Option<LegalHold>> {
    let row =
        sqlx::query("SELECT reason, placed_by, placed_on FROM legal_hold WHERE family_id = $1 AND lifted_on IS NULL")
            .bind(family_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.as_ref().map(hold_of).transpose()
}

async fn proposal_on(conn: &mut sqlx::AnyConnection, family_id: &str) -> Result<Option<Proposal>> {
    let row = sqlx::query(
        "SELECT proposed_by, proposed_on, reason FROM disposal WHERE family_id = $1 AND disposed_at IS NULL",
    )
    .bind(family_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Proposal {
            proposed_by: UserId(text(&r, "proposed_by")?),
            proposed_on: date(&r, "proposed_on")?
                .ok_or_else(|| StoreError::Corrupt("proposal without a date".into()))?,
            reason: text(&r, "reason")?,
        })
    })
    .transpose()
}

/// Everything a reviewer needs to know of one family.
#[derive(Debug, Clone)]
pub struct FamilyRetention {
    pub facts: FamilyFacts,
    pub hold: Option<LegalHold>,
    pub proposal: Option<Proposal>,
}

/// A family's retention facts, hold and proposal.
pub async fn of_family(db: &Db, family_id: &str) -> Result<FamilyRetention> {
    let mut conn = db.pool().acquire().await?;
    Ok(FamilyRetention {
        facts: facts_on(&mut conn, family_id).await?,
        hold: hold_on(&mut conn, family_id).await?,
        proposal: proposal_on(&mut conn, family_id).await?,
    })
}

/// One row of the list of families due for a disposal review.
#[derive(Debug, Clone)]
pub struct Due {
    pub family_id: String,
    pub family_name: String,
    pub review: Review,
    pub held: bool,
    pub proposed_by: Option<String>,
}

/// The families of an authority whose retention date has passed on `today`, oldest first, at
/// most `limit` from `offset`. The database finds the candidates (every child born at least
/// the default retention age ago: no rule can make a date earlier than the default's), and
/// the schedule then decides each; a family kept longer by a rule drops out here.
pub async fn due_for_review(
    db: &Db,
    authority: &AuthorityId,
    schedule: &RetentionSchedule,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<Due>> {
    // A day's margin for birthdays on 29 February; the schedule decides each family exactly.
    let age = confer_domain::retention::DEFAULT_KEEP_UNTIL_AGE as i32;
    let cutoff = NaiveDate::from_ymd_opt(today.year() - age, today.month(), today.day())
        .or_else(|| NaiveDate::from_ymd_opt(today.year() - age, today.month(), 28))
        .and_then(|d| d.succ_opt())
        .unwrap_or(today);
    let rows = sqlx::query(
        // The candidates come from the children's dates (the `child_born` index): only
        // families with a child born by the cutoff, a few among 50,000, are grouped, instead
        // of every child of the authority (issue 12).
        "SELECT f.id, f.name, MAX(COALESCE(c.date_of_birth, c.expected_date)) AS youngest FROM family f \
         JOIN child c ON c.family_id = f.id WHERE f.authority_id = $1 \
         AND f.id IN (SELECT b.family_id FROM child b WHERE b.date_of_birth <= $2 \
                      UNION SELECT e.family_id FROM child e WHERE e.date_of_birth IS NULL AND e.expected_date <= $2) \
         GROUP BY f.id, f.name HAVING MAX(COALESCE(c.date_of_birth, c.expected_date)) <= $2 \
         ORDER BY youngest, f.id LIMIT $3 OFFSET $4",
    )
    .bind(authority.as_str())
    .bind(cutoff.to_string())
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut conn = db.pool().acquire().await?;
    for r in &rows {
        let id = text(r, "id")?;
        let facts = facts_on(&mut conn, &id).await?;
        let hold = hold_on(&mut conn, &id).await?;
        let proposal = proposal_on(&mut conn, &id).await?;
        let review = match Review::of(FamilyId(id.clone()), schedule, &facts, hold.as_ref(), today) {
            Ok(r) if r.is_due() => r,
            _ => continue,
        };
        out.push(Due {
            family_id: id,
            family_name: text(r, "name")?,
            review,
            held: hold.is_some(),
            proposed_by: proposal.map(|p| p.proposed_by.0),
        });
    }
    Ok(out)
}

/// A record of a disposal: the tombstone (or a proposal waiting, when `disposed_at` is none).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tombstone {
    pub family_id: String,
    pub retain_until: String,
    pub rule_basis: String,
    pub proposed_by: String,
    pub proposed_on: String,
    pub reason: String,
    pub authorised_by: Option<String>,
    pub disposed_at: Option<String>,
    pub removed: Value,
}

fn tombstone_of(r: &sqlx::any::AnyRow) -> Result<Tombstone> {
    Ok(Tombstone {
        family_id: text(r, "family_id")?,
        retain_until: text(r, "retain_until")?,
        rule_basis: text(r, "rule_basis")?,
        proposed_by: text(r, "proposed_by")?,
        proposed_on: text(r, "proposed_on")?,
        reason: text(r, "reason")?,
        authorised_by: opt_text(r, "authorised_by")?,
        disposed_at: opt_text(r, "disposed_at")?,
        removed: opt_text(r, "removed")?.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null),
    })
}

/// The authority's disposals, newest first (proposals waiting, then tombstones).
pub async fn disposals(db: &Db, authority: &AuthorityId, limit: i64) -> Result<Vec<Tombstone>> {
    let rows = sqlx::query(
        "SELECT family_id, retain_until, rule_basis, proposed_by, proposed_on, reason, authorised_by, disposed_at, removed \
         FROM disposal WHERE authority_id = $1 ORDER BY disposed_at IS NOT NULL, COALESCE(disposed_at, proposed_on) DESC LIMIT $2",
    )
    .bind(authority.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(tombstone_of).collect()
}

/// The tombstone of a disposed family, if it was disposed of.
pub async fn tombstone(db: &Db, authority: &AuthorityId, family_id: &str) -> Result<Option<Tombstone>> {
    let row = sqlx::query(
        "SELECT family_id, retain_until, rule_basis, proposed_by, proposed_on, reason, authorised_by, disposed_at, removed \
         FROM disposal WHERE authority_id = $1 AND family_id = $2",
    )
    .bind(authority.as_str())
    .bind(family_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(tombstone_of).transpose()
}

/// Takes the family's row lock for a records-management change (on SQLite the transaction
/// already holds the write lock), so two people acting at once are one after the other.
async fn lock_family(tx: &mut Tx, authority: &AuthorityId, family_id: &str) -> Result<(), SaveError<RetentionError>> {
    let locked = sqlx::query("UPDATE family SET version = version WHERE id = $1 AND authority_id = $2")
        .bind(family_id)
        .bind(authority.as_str())
        .execute(&mut **tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(SaveError::NotFound);
    }
    Ok(())
}

async fn note(
    tx: &mut Tx,
    authority: &AuthorityId,
    actor: &UserId,
    action: &str,
    family_id: &str,
    after: Value,
) -> Result<i64> {
    audit::record(
        tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Change,
            action,
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after,
        },
    )
    .await
}

/// Places a legal hold (the domain decides from the hold in force, read in the transaction).
pub async fn place_hold(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    actor: &UserId,
    reason: &str,
) -> Result<LegalHold, SaveError<RetentionError>> {
    let mut tx = db.begin().await?;
    lock_family(&mut tx, authority, family_id).await?;
    let existing = hold_on(&mut tx, family_id).await?;
    let hold = confer_domain::retention::place_hold(existing.as_ref(), actor, reason, tx.clock().today())?;
    sqlx::query(
        "INSERT INTO legal_hold (id, authority_id, family_id, reason, placed_by, placed_on) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::new_id())
    .bind(authority.as_str())
    .bind(family_id)
    .bind(&hold.reason)
    .bind(actor.as_str())
    .bind(hold.placed_on.to_string())
    .execute(&mut *tx)
    .await?;
    note(&mut tx, authority, actor, "records.hold.place", family_id, json!({ "reason": hold.reason })).await?;
    tx.commit().await?;
    Ok(hold)
}

/// Lifts the legal hold in force, with the reason.
pub async fn lift_hold(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    actor: &UserId,
    reason: &str,
) -> Result<(), SaveError<RetentionError>> {
    let mut tx = db.begin().await?;
    lock_family(&mut tx, authority, family_id).await?;
    let existing = hold_on(&mut tx, family_id).await?;
    let reason = confer_domain::retention::lift_hold(existing.as_ref(), reason)?;
    sqlx::query(
        "UPDATE legal_hold SET lifted_by = $2, lifted_on = $3, lift_reason = $4 WHERE family_id = $1 AND lifted_on IS NULL",
    )
    .bind(family_id)
    .bind(actor.as_str())
    .bind(tx.clock().today().to_string())
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    note(&mut tx, authority, actor, "records.hold.lift", family_id, json!({ "reason": reason })).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads the family's facts, hold and proposal inside the transaction and reviews it.
async fn review_in(
    tx: &mut Tx,
    schedule: &RetentionSchedule,
    family_id: &str,
) -> Result<(Review, Option<Proposal>), SaveError<RetentionError>> {
    let facts = facts_on(tx, family_id).await?;
    let hold = hold_on(tx, family_id).await?;
    let proposal = proposal_on(tx, family_id).await?;
    let today = tx.clock().today();
    let review = Review::of(FamilyId(family_id.to_owned()), schedule, &facts, hold.as_ref(), today)?;
    Ok((review, proposal))
}

/// Proposes disposal (the first person): every rule checked on the facts in the transaction.
pub async fn propose(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    actor: &UserId,
    reason: &str,
) -> Result<Proposal, SaveError<RetentionError>> {
    let (schedule, _) = schedule(db, authority).await?;
    let mut tx = db.begin().await?;
    lock_family(&mut tx, authority, family_id).await?;
    let (review, existing) = review_in(&mut tx, &schedule, family_id).await?;
    let proposal = review.propose(actor, reason, tx.clock().today(), existing.as_ref())?;
    sqlx::query(
        "INSERT INTO disposal (family_id, authority_id, retain_until, rule_basis, proposed_by, proposed_on, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(family_id)
    .bind(authority.as_str())
    .bind(review.retain_until.to_string())
    .bind(&review.rule.basis)
    .bind(actor.as_str())
    .bind(proposal.proposed_on.to_string())
    .bind(&proposal.reason)
    .execute(&mut *tx)
    .await?;
    let after = json!({ "reason": proposal.reason, "retain_until": review.retain_until, "rule": review.rule.basis });
    note(&mut tx, authority, actor, "records.dispose.propose", family_id, after).await?;
    tx.commit().await?;
    Ok(proposal)
}

/// Withdraws a proposal (either person may, with a reason): the family is kept.
pub async fn withdraw(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    actor: &UserId,
    reason: &str,
) -> Result<(), SaveError<RetentionError>> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RetentionError::NoReason.into());
    }
    let mut tx = db.begin().await?;
    lock_family(&mut tx, authority, family_id).await?;
    let existing = proposal_on(&mut tx, family_id).await?.ok_or(RetentionError::NotProposed)?;
    sqlx::query("DELETE FROM disposal WHERE family_id = $1 AND disposed_at IS NULL")
        .bind(family_id)
        .execute(&mut *tx)
        .await?;
    let after = json!({ "reason": reason, "proposed_by": existing.proposed_by, "proposal_reason": existing.reason });
    note(&mut tx, authority, actor, "records.dispose.withdraw", family_id, after).await?;
    tx.commit().await?;
    Ok(())
}

/// The rows a disposal removes, in an order the foreign keys allow: each statement's name
/// (for the tombstone's counts) and its SQL, with `$1` the family's id. A table added later
/// that holds a family's data must be added here; `store/tests/retention.rs` fails while any
/// column anywhere still holds the disposed family's ids or names.
const REMOVALS: &[(&str, &str)] = &[
    // The family's people outside its own tables go first, while the family's tables still
    // say who they are: messages to their addresses (a parent may belong to a second family
    // or hold a staff account: their address is kept then), sign-in requests from them, and
    // portal accounts linked to no other family, which stay (sessions, codes and audit events
    // name them) but are disabled and keep no name or address.
    (
        "messages",
        "DELETE FROM outbox WHERE recipient IN (SELECT email FROM adult WHERE family_id = $1 AND email IS NOT NULL \
         UNION SELECT u.email FROM user_account u JOIN portal_person pp ON pp.user_id = u.id WHERE pp.family_id = $1) \
         AND recipient NOT IN (SELECT email FROM adult WHERE family_id <> $1 AND email IS NOT NULL) \
         AND recipient NOT IN (SELECT u.email FROM user_account u WHERE u.kind = 'staff' OR u.id IN \
             (SELECT user_id FROM portal_person WHERE family_id <> $1))",
    ),
    // Issue 14: a message to someone kept (a parent of a second family) forgets which family
    // and conference it was about, and the letter that would have replaced it.
    (
        "messages' letters",
        "UPDATE outbox SET family_id = NULL, conference_id = NULL, letter_fallback = NULL WHERE family_id = $1",
    ),
    (
        "portal sign-in requests",
        "DELETE FROM portal_sign_in WHERE address IN (SELECT email FROM adult WHERE family_id = $1 AND email IS NOT NULL \
         UNION SELECT u.email FROM user_account u JOIN portal_person pp ON pp.user_id = u.id WHERE pp.family_id = $1)",
    ),
    (
        "portal accounts disabled",
        "UPDATE user_account SET username = 'disposed-' || id, display_name = 'Removed at disposal', email = '', \
         email_verified = 0, disabled = 1, session_generation = session_generation + 1 \
         WHERE kind = 'portal' AND id IN (SELECT user_id FROM portal_person WHERE family_id = $1) \
         AND id NOT IN (SELECT user_id FROM portal_person WHERE family_id <> $1)",
    ),
    (
        "young people's versions of plans",
        "DELETE FROM plan_young_person_version WHERE plan_id IN (SELECT id FROM plan WHERE family_id = $1)",
    ),
    ("transfers", "DELETE FROM plan_transfer WHERE plan_id IN (SELECT id FROM plan WHERE family_id = $1)"),
    ("core group members", "DELETE FROM core_group_member WHERE plan_id IN (SELECT id FROM plan WHERE family_id = $1)"),
    ("plan versions", "DELETE FROM plan_version WHERE plan_id IN (SELECT id FROM plan WHERE family_id = $1)"),
    ("plans", "DELETE FROM plan WHERE family_id = $1"),
    ("documents sent", "DELETE FROM document_sent WHERE family_id = $1"),
    ("subject access requests", "DELETE FROM subject_access_request WHERE family_id = $1"),
    ("files", "DELETE FROM document WHERE conference_id IN (SELECT id FROM conference WHERE family_id = $1)"),
    (
        "conference people",
        "DELETE FROM conference_person WHERE conference_id IN (SELECT id FROM conference WHERE family_id = $1)",
    ),
    (
        "conference children",
        "DELETE FROM conference_child WHERE conference_id IN (SELECT id FROM conference WHERE family_id = $1)",
    ),
    // Answers kept for forms sent twice (idempotency) that name the family or its conferences.
    (
        "form answers",
        "DELETE FROM form_submission WHERE outcome LIKE '%' || $1 || '%' OR EXISTS (SELECT 1 FROM conference c \
         WHERE c.family_id = $1 AND form_submission.outcome LIKE '%' || c.id || '%')",
    ),
    (
        "quality audits",
        "DELETE FROM qa_audit WHERE conference_id IN (SELECT id FROM conference WHERE family_id = $1)",
    ),
    // QA-01: feedback about the family's conferences (answers may name people), named or not.
    (
        "feedback answers",
        "DELETE FROM feedback_response WHERE conference_id IN (SELECT id FROM conference WHERE family_id = $1)",
    ),
    ("feedback invitations", "DELETE FROM feedback_invitation WHERE family_id = $1"),
    // RIGHT-02: the family's complaints and their answers.
    ("complaints", "DELETE FROM complaint WHERE family_id = $1"),
    // Northern Ireland (issue 15): the family's appeals against conference decisions.
    ("appeals", "DELETE FROM conference_appeal WHERE family_id = $1"),
    ("deadlines", "DELETE FROM deadline WHERE family_id = $1"),
    ("calendar entries", "DELETE FROM calendar_entry WHERE family_id = $1"),
    ("reminders sent", "DELETE FROM reminder_sent WHERE family_id = $1"),
    ("letters to print", "DELETE FROM print_request WHERE family_id = $1"),
    // Issue 15: the dashboards' counts of who took part (no names, but the family's).
    ("conference participation", "DELETE FROM conference_participation WHERE family_id = $1"),
    // Issue 12: what the lists show of its conferences (the children's names).
    ("conference summaries", "DELETE FROM conference_summary WHERE family_id = $1"),
    ("conferences", "DELETE FROM conference WHERE family_id = $1"),
    ("portal links", "DELETE FROM portal_person WHERE family_id = $1"),
    (
        "professionals involved",
        "DELETE FROM case_professional WHERE case_id IN (SELECT id FROM family_case WHERE family_id = $1)",
    ),
    ("cases", "DELETE FROM family_case WHERE family_id = $1"),
    ("census episodes", "DELETE FROM cin_episode WHERE family_id = $1"),
    ("relationships", "DELETE FROM adult_child WHERE child_id IN (SELECT id FROM child WHERE family_id = $1)"),
    ("adults", "DELETE FROM adult WHERE family_id = $1"),
    ("children", "DELETE FROM child WHERE family_id = $1"),
    ("legal holds (lifted)", "DELETE FROM legal_hold WHERE family_id = $1"),
    ("family", "DELETE FROM family WHERE id = $1"),
];

/// The audit events whose content a family's disposal removes: about the family, its
/// conferences, its plans and its files (list views name families by id only, and keep it).
const EVENTS_ABOUT_FAMILY: &str = "SELECT seq FROM audit_event WHERE authority_id = $1 AND redacted_by IS NULL AND ( \
     (entity_type = 'family' AND entity_id = $2) \
     OR (entity_type = 'conference' AND entity_id IN (SELECT id FROM conference WHERE family_id = $2)) \
     OR (entity_type = 'plan' AND entity_id IN (SELECT id FROM plan WHERE family_id = $2)) \
     OR (entity_type = 'qa-audit' AND entity_id IN (SELECT q.id FROM qa_audit q JOIN conference c ON c.id = q.conference_id WHERE c.family_id = $2)) \
     OR (entity_type = 'document' AND entity_id IN (SELECT d.id FROM document d JOIN conference c ON c.id = d.conference_id WHERE c.family_id = $2)) \
     ) ORDER BY seq";

/// Authorises and carries out a proposed disposal (the second person), in one transaction:
/// every rule again on the facts read in it, then the family's rows removed, the content of
/// the audit events about it removed, the tombstone written and the disposal's own event
/// appended, listing each redacted event with its digest. Nothing is half-done: any failure
/// rolls all of it back.
pub async fn dispose(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    actor: &UserId,
) -> Result<Tombstone, SaveError<RetentionError>> {
    let (schedule, _) = schedule(db, authority).await?;
    let mut tx = db.begin().await?;
    lock_family(&mut tx, authority, family_id).await?;
    let (review, proposal) = review_in(&mut tx, &schedule, family_id).await?;
    review.authorise(actor, proposal.as_ref())?;
    let proposal = proposal.ok_or(RetentionError::NotProposed)?;

    // The content of the events about the family goes first, while its conferences and plans
    // still say which events are about it.
    let seqs: Vec<i64> = sqlx::query(EVENTS_ABOUT_FAMILY)
        .bind(authority.as_str())
        .bind(family_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| int(r, "seq"))
        .collect::<Result<_>>()?;
    let mut redacted = Vec::with_capacity(seqs.len());
    for chunk in seqs.chunks(500) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        sqlx::query(&format!(
            "UPDATE audit_event SET before_json = '', after_json = '', redacted_by = $2 \
             WHERE authority_id = $1 AND seq IN ({list})"
        ))
        .bind(authority.as_str())
        .bind(family_id)
        .execute(&mut *tx)
        .await?;
        let rows = sqlx::query(&format!(
            "SELECT authority_id, seq, at, actor, kind, action, entity_type, entity_id, prev_hash, hash FROM audit_event \
             WHERE authority_id = $1 AND seq IN ({list}) ORDER BY seq"
        ))
        .bind(authority.as_str())
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let kind = text(r, "kind")?;
            let e = AuditEvent {
                authority_id: text(r, "authority_id")?,
                seq: int(r, "seq")?,
                at: text(r, "at")?,
                actor: text(r, "actor")?,
                kind: EventKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown audit kind {kind}")))?,
                action: text(r, "action")?,
                entity_type: text(r, "entity_type")?,
                entity_id: text(r, "entity_id")?,
                before: String::new(),
                after: String::new(),
                prev_hash: text(r, "prev_hash")?,
                hash: text(r, "hash")?,
                redacted: true,
            };
            redacted.push(json!([e.seq, redaction_digest(&e)]));
        }
    }

    let mut removed = serde_json::Map::new();
    for (what, sql) in REMOVALS {
        let n = sqlx::query(sql).bind(family_id).execute(&mut *tx).await?.rows_affected();
        if n > 0 {
            removed.insert((*what).to_owned(), json!(n));
        }
    }
    removed.insert("audit events redacted".into(), json!(redacted.len()));
    let removed = Value::Object(removed);
    let now = tx.now();
    sqlx::query("UPDATE disposal SET authorised_by = $2, disposed_at = $3, removed = $4 WHERE family_id = $1")
        .bind(family_id)
        .bind(actor.as_str())
        .bind(&now)
        .bind(removed.to_string())
        .execute(&mut *tx)
        .await?;
    let after = json!({
        "retain_until": review.retain_until,
        "rule": review.rule.basis,
        "proposed_by": proposal.proposed_by,
        "proposed_on": proposal.proposed_on,
        "reason": proposal.reason,
        "removed": removed,
        "redacted": redacted,
    });
    note(&mut tx, authority, actor, DISPOSAL_ACTION, family_id, after).await?;
    tx.commit().await?;
    Ok(Tombstone {
        family_id: family_id.to_owned(),
        retain_until: review.retain_until.to_string(),
        rule_basis: review.rule.basis,
        proposed_by: proposal.proposed_by.0,
        proposed_on: proposal.proposed_on.to_string(),
        reason: proposal.reason,
        authorised_by: Some(actor.0.clone()),
        disposed_at: Some(now),
        removed,
    })
}

/// Reads a count row (for tests and the dashboard).
pub async fn count_held(db: &Db, authority: &AuthorityId) -> Result<i64> {
    let r = sqlx::query("SELECT COUNT(*) AS n FROM legal_hold WHERE authority_id = $1 AND lifted_on IS NULL")
        .bind(authority.as_str())
        .fetch_one(db.pool())
        .await?;
    Ok(r.try_get::<i64, _>("n")?)
}
