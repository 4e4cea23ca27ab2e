//! Scheduled reminders (issue 14) in the database: what is open in an authority (read for the
//! domain's [`confer_domain::reminders::due`]), and each reminder sent once: its row in
//! `reminder_sent` (unique on kind, item, person and occasion) is inserted-or-ignored in the
//! same transaction as its outbox message and audit event, so a second sweep, on this
//! instance or another at the same moment, finds it there and sends nothing.

use crate::audit::{self, Entry};
use crate::{date, opt_text, text, Db, Result, StoreError};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::conference::{Answer, Conference, Invitee};
use confer_domain::notices::Notice;
use confer_domain::plan::{ActionStatus, Plan};
use confer_domain::reminders::{
    ExpectedReport, Open, OpenAction, OpenDeadline, OpenInvitation, OpenRight, Reminder, RightKind, Whom,
};
use confer_domain::timescales::DeadlineRule;
use confer_domain::{AuthorityId, UserId};
use serde_json::json;
use std::collections::HashMap;

/// The actor of the audit events the sweep writes.
pub const REMINDER_ACTOR: &str = "system:reminders";

/// What is open in an authority, with the family each item belongs to (item id -> family id).
#[derive(Debug, Default)]
pub struct Gathered {
    pub open: Open,
    pub family_of: HashMap<String, String>,
}

/// The sweep's read of the open deadlines it reminds about (REP-01, MIN-03): the partial index
/// `deadline_sweep` (migration 0049) holds the open deadlines only, with every column read, so
/// neither the met and cancelled deadlines nor the table are read (issue 12: 0.5-1.7 s at
/// 50,000 families through the index of every open deadline of every rule). SQLite is told
/// the index: its statistics count the deadlines per met date, so it takes "not met" for a
/// few hundred rows and would choose `deadline_authority_due`.
pub fn open_deadlines(backend: crate::Backend) -> String {
    let index = if backend == crate::Backend::Sqlite { " INDEXED BY deadline_sweep" } else { "" };
    format!(
        "SELECT d.id, d.family_id, d.rule, d.due_on, d.chair_id, fc.allocated_worker_id FROM deadline d{index} \
         JOIN family_case fc ON fc.id = d.case_id WHERE d.authority_id = $1 AND d.met_on IS NULL \
         AND d.cancelled_on IS NULL AND d.rule IN ($2, $3, $4)"
    )
}

/// The sweep's read of the plans in force.
pub const PLANS_IN_FORCE: &str = "SELECT id, family_id, kind, key_worker_id, core_group_due_by, next_review_by, \
    network_meeting_due_by, open_action_due, core_group_arranged_on, core_group_arranged_time FROM plan \
    WHERE authority_id = $1 AND ended_on IS NULL";

/// The sweep's read of the scheduled conferences still to meet (`$2` today): those already
/// past are not read (their invitations and reports are no longer reminded).
pub const CONFERENCES_COMING: &str =
    "SELECT id, family_id, doc FROM conference WHERE authority_id = $1 AND state = 'scheduled' AND date >= $2";

/// How many plans' documents the sweep reads in one statement.
const DOC_BATCH: usize = 500;

/// Reads what is open in an authority on `today`. `report_due` gives the day a report is due
/// with the chair for a conference meeting on a day (REP-02, from the policy and calendar).
pub async fn gather(
    db: &Db,
    authority: &AuthorityId,
    today: NaiveDate,
    report_due: impl Fn(NaiveDate) -> Option<NaiveDate>,
) -> Result<Gathered> {
    let mut g = Gathered::default();
    // REP-01, MIN-03: the case's deadlines not met and not cancelled.
    let rows = sqlx::query(&open_deadlines(db.backend))
        .bind(authority.as_str())
        .bind(DeadlineRule::ReportsToParents.as_str())
        .bind(DeadlineRule::OutcomeSent.as_str())
        .bind(DeadlineRule::RecordSent.as_str())
        .fetch_all(db.pool())
        .await?;
    for r in &rows {
        let rule_text = text(r, "rule")?;
        let rule = DeadlineRule::parse(&rule_text).ok_or_else(|| StoreError::Corrupt(format!("rule {rule_text}")))?;
        let Some(due) = date(r, "due_on")? else { continue };
        let id = text(r, "id")?;
        g.family_of.insert(id.clone(), text(r, "family_id")?);
        g.open.deadlines.push(OpenDeadline {
            id,
            rule,
            due,
            worker: UserId(text(r, "allocated_worker_id")?),
            chair: opt_text(r, "chair_id")?.map(UserId),
            arranged: None,
        });
    }
    // CG-02, REV-01, PLAN-04, PLAN-02: the plans still in force.
    let rows = sqlx::query(PLANS_IN_FORCE).bind(authority.as_str()).fetch_all(db.pool()).await?;
    let mut with_overdue_actions = Vec::new();
    for r in &rows {
        let plan_id = text(r, "id")?;
        let family_id = text(r, "family_id")?;
        let worker = UserId(text(r, "key_worker_id")?);
        // CG-02: the core group meeting arranged, named in its reminder.
        let arranged = match (date(r, "core_group_arranged_on")?, opt_text(r, "core_group_arranged_time")?) {
            (Some(on), Some(t)) => chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok().map(|t| on.and_time(t)),
            _ => None,
        };
        for (column, rule) in [
            ("core_group_due_by", DeadlineRule::NextCoreGroup),
            ("next_review_by", DeadlineRule::NextReview),
            ("network_meeting_due_by", DeadlineRule::ChildInNeedReview),
        ] {
            if let Some(due) = date(r, column)? {
                let id = format!("{plan_id}/{}", rule.as_str());
                g.family_of.insert(id.clone(), family_id.clone());
                let arranged = if rule == DeadlineRule::NextCoreGroup { arranged } else { None };
                g.open.deadlines.push(OpenDeadline { id, rule, due, worker: worker.clone(), chair: None, arranged });
            }
        }
        if date(r, "open_action_due")?.is_some_and(|d| d < today) {
            with_overdue_actions.push(plan_id);
        }
    }
    // Issue 12: their documents a batch at a time, each batch's open actions taken before the
    // next is read (at 50,000 families 31,520 plans have an action overdue: that was as many
    // statements a sweep).
    for batch in with_overdue_actions.chunks(DOC_BATCH) {
        let ps: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, doc FROM plan WHERE id IN ({})", ps.join(", "));
        let mut q = sqlx::query(&sql);
        for id in batch {
            q = q.bind(id.as_str());
        }
        for row in q.fetch_all(db.pool()).await? {
            let plan_id = text(&row, "id")?;
            let plan: Plan = serde_json::from_str(&text(&row, "doc")?)
                .map_err(|e| StoreError::Corrupt(format!("plan document: {e}")))?;
            for a in &plan.actions {
                if !matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress) {
                    continue;
                }
                use confer_domain::conference::ActionOwner;
                let owner = match &a.owner {
                    ActionOwner::Professional(p) => Some(Whom::Professional(p.clone())),
                    ActionOwner::FamilyMember(m) => Some(Whom::FamilyMember(m.clone())),
                    ActionOwner::Agency(_) => None,
                };
                let id = format!("{plan_id}/action-{}", a.number);
                g.family_of.insert(id.clone(), plan.family_id.as_str().to_owned());
                g.open.actions.push(OpenAction { id, owner, due: a.due });
            }
        }
    }
    // RIGHT-01, RIGHT-02: complaints whose stage is not answered and access requests not
    // answered, one statement; with the authority's records staff (quality assurance), who
    // handle access requests and any complaint no officer has been given yet.
    let staff = sqlx::query(
        "SELECT u.id FROM user_account u JOIN user_role r ON r.user_id = u.id WHERE u.authority_id = $1 \
         AND u.disabled = 0 AND r.role = $2 ORDER BY u.id",
    )
    .bind(authority.as_str())
    .bind(confer_domain::Role::QualityAssurance.as_str())
    .fetch_all(db.pool())
    .await?;
    let records_staff = staff.iter().map(|r| Ok(UserId(text(r, "id")?))).collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(
        "SELECT 'complaint' AS what, id, family_id, due_on AS due, officer_id, stage FROM complaint \
         WHERE authority_id = $1 AND status IN ('received', 'acknowledged') \
         UNION ALL SELECT 'sar' AS what, id, family_id, due, NULL AS officer_id, 0 AS stage \
         FROM subject_access_request WHERE authority_id = $1 AND state IN ('received', 'identity-verified', 'in-review')",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    for r in &rows {
        let Some(due) = date(r, "due")? else { continue };
        let (kind, id, handlers) = if text(r, "what")? == "complaint" {
            let stage = crate::int(r, "stage")?;
            let handlers = match opt_text(r, "officer_id")? {
                Some(o) => vec![UserId(o)],
                None => records_staff.clone(),
            };
            (RightKind::Complaint, format!("{}/stage-{stage}", text(r, "id")?), handlers)
        } else {
            (RightKind::SubjectAccess, text(r, "id")?, records_staff.clone())
        };
        g.family_of.insert(id.clone(), text(r, "family_id")?);
        g.open.rights.push(OpenRight { kind, id, due, handlers });
    }
    // INV-04, REP-02: the scheduled conferences, their invitations and expected reports.
    let rows =
        sqlx::query(CONFERENCES_COMING).bind(authority.as_str()).bind(today.to_string()).fetch_all(db.pool()).await?;
    for r in &rows {
        let conference_id = text(r, "id")?;
        let family_id = text(r, "family_id")?;
        let c: Conference = serde_json::from_str(&text(r, "doc")?)
            .map_err(|e| StoreError::Corrupt(format!("conference document: {e}")))?;
        let Some(slot) = c.slot() else { continue };
        if slot.date < today {
            continue;
        }
        for i in c.invitations() {
            let person = match &i.invitee {
                // EXC-04, EXC-06: nobody excluded from the whole conference is reminded of it.
                Invitee::FamilyMember { adult_id }
                    if confer_domain::conference::notify::may_have_calendar_entry(&c, &i.invitee) =>
                {
                    Whom::FamilyMember(adult_id.clone())
                }
                Invitee::Professional { professional_id } => Whom::Professional(professional_id.clone()),
                _ => continue,
            };
            let id = format!("{conference_id}/invitation-{}", i.id.0);
            g.family_of.insert(id.clone(), family_id.clone());
            g.open.invitations.push(OpenInvitation {
                id,
                person: person.clone(),
                meets_on: slot.date,
                answered: i.answer.is_some(),
            });
            if let (Whom::Professional(author), Some(due)) = (&person, report_due(slot.date)) {
                if matches!(i.answer, Some(Answer::Declined { .. })) {
                    continue;
                }
                let id = format!("{conference_id}/report-{}", author.as_str());
                g.family_of.insert(id.clone(), family_id.clone());
                g.open.reports.push(ExpectedReport {
                    id,
                    author: author.clone(),
                    due,
                    submitted: c.reports().iter().any(|rep| rep.author == *author),
                });
            }
        }
    }
    Ok(g)
}

/// A reminder's once-only key: kind, item, recipient, occasion ([`Reminder::key`]).
pub type Key = (String, String, String, String);

/// How many items one read of [`already_sent`] asks about.
const SENT_BATCH: usize = 500;

/// What [`already_sent`] asks, for a kind and a batch of items (`$2`…): it reads the unique
/// index `reminder_sent_once` (kind, item, …) alone.
pub const SENT_OF: &str = "SELECT kind, item, recipient, occasion FROM reminder_sent WHERE kind = $1 AND item IN";

/// Which of these reminders have been sent already (by any sweep, on any instance), read a
/// batch of items at a time through the unique index. Issue 12: a sweep finds almost every
/// reminder due sent before (an item overdue stays due until it is met), and asking this first
/// spares each of those its own address lookup and write transaction. [`send`] still decides,
/// by its insert-or-ignore, for the ones not found here (two sweeps at once).
pub async fn already_sent(db: &Db, keys: &[Key]) -> Result<std::collections::HashSet<Key>> {
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    let mut by_kind: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (kind, item, _, _) in keys {
        by_kind.entry(kind.as_str()).or_default().insert(item.as_str());
    }
    let mut sent = HashSet::new();
    for (kind, items) in by_kind {
        let items: Vec<&str> = items.into_iter().collect();
        for batch in items.chunks(SENT_BATCH) {
            let ps: Vec<String> = (0..batch.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!("{SENT_OF} ({})", ps.join(", "));
            let mut q = sqlx::query(&sql).bind(kind);
            for item in batch {
                q = q.bind(*item);
            }
            for r in q.fetch_all(db.pool()).await? {
                sent.insert((text(&r, "kind")?, text(&r, "item")?, text(&r, "recipient")?, text(&r, "occasion")?));
            }
        }
    }
    Ok(sent)
}

/// The address of the person a reminder is for, if they have one.
async fn address(db: &Db, to: &Whom) -> Result<Option<String>> {
    let (sql, id) = match to {
        Whom::User(u) => ("SELECT email FROM user_account WHERE id = $1 AND disabled = 0", u.as_str()),
        Whom::Professional(p) => ("SELECT email FROM professional WHERE id = $1", p.as_str()),
        // Issue 14: someone who asked for letters by post is not e-mailed.
        Whom::FamilyMember(a) => ("SELECT email FROM adult WHERE id = $1 AND prefers_post = 0", a.as_str()),
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(db.pool()).await?;
    Ok(row.and_then(|r| opt_text(&r, "email").ok().flatten()).filter(|e| e.contains('@')))
}

/// What sending one reminder came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Written to the outbox now.
    Email,
    /// Recorded now; the person has no e-mail address.
    NoAddress,
    /// Already sent (by an earlier sweep or another instance): nothing done.
    Already,
}

/// Sends one reminder once: its row (insert-or-ignore on its unique key), its outbox message
/// and its audit event in one transaction.
pub async fn send(db: &Db, authority: &AuthorityId, family_id: &str, r: &Reminder, notice: &Notice) -> Result<Sent> {
    let email = address(db, &r.to).await?;
    let mut tx = db.begin().await?;
    let now = tx.now();
    let id = crate::new_id();
    let outbox_id = email.as_ref().map(|_| crate::new_id());
    let (kind, item, recipient, occasion) = r.key();
    let inserted = sqlx::query(
        "INSERT INTO reminder_sent (id, authority_id, family_id, kind, item, recipient, occasion, due_on, channel, \
         outbox_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(authority.as_str())
    .bind(family_id)
    .bind(&kind)
    .bind(&item)
    .bind(&recipient)
    .bind(&occasion)
    .bind(r.due.to_string())
    .bind(if email.is_some() { "email" } else { "none" })
    .bind(outbox_id.as_deref())
    .bind(&now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        return Ok(Sent::Already);
    }
    if let (Some(email), Some(outbox_id)) = (&email, &outbox_id) {
        crate::outbox::enqueue(
            &mut tx,
            &crate::outbox::NewMessage {
                id: outbox_id,
                authority_id: authority.as_str(),
                recipient: email,
                subject: &notice.subject,
                body: &notice.body,
                created_at: &now,
                secret: 0,
                calendar: None,
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: REMINDER_ACTOR,
            kind: EventKind::Change,
            action: "reminder.sent",
            entity_type: "family",
            entity_id: family_id,
            before: serde_json::Value::Null,
            after: json!({
                "reminder_id": id, "kind": kind, "item": item, "to": recipient, "occasion": occasion,
                "outbox_id": outbox_id,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(if email.is_some() { Sent::Email } else { Sent::NoAddress })
}

/// One reminder as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub id: String,
    pub family_id: String,
    pub kind: String,
    pub item: String,
    pub recipient: String,
    pub occasion: String,
    pub due_on: String,
    pub channel: String,
    pub outbox_id: Option<String>,
    pub sent_at: String,
}

/// The reminders sent in an authority, newest first.
pub async fn log(db: &Db, authority: &AuthorityId, limit: i64) -> Result<Vec<Logged>> {
    let rows = sqlx::query(
        "SELECT id, family_id, kind, item, recipient, occasion, due_on, channel, outbox_id, sent_at FROM reminder_sent \
         WHERE authority_id = $1 ORDER BY sent_at DESC, id DESC LIMIT $2",
    )
    .bind(authority.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Logged {
                id: text(r, "id")?,
                family_id: text(r, "family_id")?,
                kind: text(r, "kind")?,
                item: text(r, "item")?,
                recipient: text(r, "recipient")?,
                occasion: text(r, "occasion")?,
                due_on: text(r, "due_on")?,
                channel: text(r, "channel")?,
                outbox_id: opt_text(r, "outbox_id")?,
                sent_at: text(r, "sent_at")?,
            })
        })
        .collect()
}
