//! The deadlines of each case: set once from a trigger event with the policy version in force
//! on the trigger date (never recomputed when the policy changes later), recorded as met (a
//! late one needs a reason: TIME-01), listed as "due and overdue" per person, and the reasons
//! for missed deadlines reported (QA-02).

use crate::audit::{self, Entry};
use crate::{date, opt_text, text, Db, Result, StoreError, Tx};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::timescales::{
    check_met, Deadline, DeadlineRule, DeadlineState, LateReason, LateReasonRecord, MetError,
};
use confer_domain::{AuthorityId, UserId};
use serde_json::json;
use sqlx::any::AnyRow;

/// A deadline as stored, with what the pages show beside it.
#[derive(Debug, Clone)]
pub struct StoredDeadline {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub family_name: String,
    pub case_id: String,
    pub deadline: Deadline,
    pub chair_id: Option<String>,
    pub chair_name: Option<String>,
    pub allocated_worker_id: String,
    pub allocated_worker_name: String,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<LateReasonRecord>,
    /// Who recorded it as met (a user id, or `system:…`), and their name when a user.
    pub met_recorded_by: Option<String>,
    pub met_recorded_by_name: Option<String>,
    pub created_by: String,
    /// The day the conference it was for was cancelled: no longer due, and no longer granting
    /// the provisional chair role. (Lists leave cancelled deadlines out.)
    pub cancelled_on: Option<NaiveDate>,
}

impl StoredDeadline {
    /// Where it stands on `today`, with the "at risk" window of the policy in force today.
    pub fn state<C: confer_domain::calendar::WorkingCalendar + ?Sized>(
        &self,
        today: NaiveDate,
        at_risk_days: u32,
        calendar: &C,
    ) -> DeadlineState {
        self.deadline.state(self.met, today, at_risk_days, calendar)
    }
}

const SELECT: &str = "SELECT d.id, d.authority_id, d.family_id, d.case_id, d.rule, d.trigger_on, d.due_on, \
    d.policy_effective_from, d.chair_id, d.met_on, d.late_reason, d.late_details, d.met_recorded_by, d.created_by, \
    d.cancelled_on, \
    f.name AS family_name, fc.allocated_worker_id, w.display_name AS worker_name, ch.display_name AS chair_name, \
    mr.display_name AS met_recorded_by_name \
    FROM deadline d JOIN family f ON f.id = d.family_id JOIN family_case fc ON fc.id = d.case_id \
    JOIN user_account w ON w.id = fc.allocated_worker_id LEFT JOIN user_account ch ON ch.id = d.chair_id \
    LEFT JOIN user_account mr ON mr.id = d.met_recorded_by";

fn required_date(row: &AnyRow, col: &str) -> Result<NaiveDate> {
    date(row, col)?.ok_or_else(|| StoreError::Corrupt(format!("deadline without {col}")))
}

fn from_row(row: &AnyRow) -> Result<StoredDeadline> {
    let rule_text = text(row, "rule")?;
    let rule =
        DeadlineRule::parse(&rule_text).ok_or_else(|| StoreError::Corrupt(format!("deadline rule {rule_text}")))?;
    let late_reason = match opt_text(row, "late_reason")? {
        None => None,
        Some(r) => Some(LateReasonRecord {
            reason: LateReason::parse(&r).ok_or_else(|| StoreError::Corrupt(format!("late reason {r}")))?,
            details: opt_text(row, "late_details")?.unwrap_or_default(),
        }),
    };
    Ok(StoredDeadline {
        id: text(row, "id")?,
        authority_id: text(row, "authority_id")?,
        family_id: text(row, "family_id")?,
        family_name: text(row, "family_name")?,
        case_id: text(row, "case_id")?,
        deadline: Deadline {
            rule,
            trigger: required_date(row, "trigger_on")?,
            due: required_date(row, "due_on")?,
            policy_effective_from: required_date(row, "policy_effective_from")?,
        },
        chair_id: opt_text(row, "chair_id")?,
        chair_name: opt_text(row, "chair_name")?,
        allocated_worker_id: text(row, "allocated_worker_id")?,
        allocated_worker_name: text(row, "worker_name")?,
        met: date(row, "met_on")?,
        late_reason,
        met_recorded_by: opt_text(row, "met_recorded_by")?,
        met_recorded_by_name: opt_text(row, "met_recorded_by_name")?,
        created_by: text(row, "created_by")?,
        cancelled_on: date(row, "cancelled_on")?,
    })
}

/// One deadline to insert as it was computed (by [`set_deadline`], or by the demo loader
/// with the authority's calendar and policy).
pub struct NewDeadline<'a> {
    pub authority_id: &'a str,
    pub family_id: &'a str,
    pub case_id: &'a str,
    pub deadline: &'a Deadline,
    pub chair_id: Option<&'a str>,
    pub met: Option<NaiveDate>,
    pub late_reason: Option<&'a LateReasonRecord>,
}

/// Inserts a computed deadline in the caller's transaction (the caller records the audit
/// event). Returns its id.
pub async fn insert_deadline(tx: &mut Tx, d: &NewDeadline<'_>, actor: &str) -> Result<String> {
    let id = crate::new_id();
    let now = tx.now();
    sqlx::query(
        "INSERT INTO deadline (id, authority_id, family_id, case_id, rule, trigger_on, due_on, policy_effective_from, \
         chair_id, met_on, late_reason, late_details, met_recorded_by, met_recorded_at, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(d.authority_id)
    .bind(d.family_id)
    .bind(d.case_id)
    .bind(d.deadline.rule.as_str())
    .bind(d.deadline.trigger.to_string())
    .bind(d.deadline.due.to_string())
    .bind(d.deadline.policy_effective_from.to_string())
    .bind(d.chair_id.map(str::to_owned))
    .bind(d.met.map(|m| m.to_string()))
    .bind(d.late_reason.map(|r| r.reason.as_str().to_owned()))
    .bind(d.late_reason.map(|r| r.details.clone()))
    .bind(d.met.map(|_| actor.to_owned()))
    .bind(d.met.map(|_| now.clone()))
    .bind(actor)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Sets the deadline of `rule` for a case from its trigger event (a strategy discussion, a
/// conference, a core group…): computed once with the authority's calendar and the policy
/// version in force on `trigger`, stored, and audited. Setting the same rule and trigger again
/// returns the deadline already set, unchanged: a due date is never recomputed. `None` when the
/// authority's policy sets no timescale for the rule.
pub async fn set_deadline(
    db: &Db,
    case_id: &str,
    rule: DeadlineRule,
    trigger: NaiveDate,
    chair_id: Option<&UserId>,
    actor: &str,
) -> Result<Option<StoredDeadline>> {
    let case = sqlx::query("SELECT family_id, authority_id FROM family_case WHERE id = $1")
        .bind(case_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let family_id = text(&case, "family_id")?;
    let authority = crate::users::authority(db, &AuthorityId(text(&case, "authority_id")?)).await?;
    let calendar = crate::calendar::authority_calendar(db, &authority).await?;
    let policies = crate::calendar::policy_history(db, &authority).await?;
    let Some(deadline) = rule.deadline(trigger, &calendar, &policies) else { return Ok(None) };
    let mut tx = db.begin().await?;
    let existing = sqlx::query("SELECT id FROM deadline WHERE case_id = $1 AND rule = $2 AND trigger_on = $3")
        .bind(case_id)
        .bind(rule.as_str())
        .bind(trigger.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    let id = match existing {
        Some(row) => {
            tx.rollback().await?;
            text(&row, "id")?
        }
        None => {
            let id = insert_deadline(
                &mut tx,
                &NewDeadline {
                    authority_id: authority.id.as_str(),
                    family_id: &family_id,
                    case_id,
                    deadline: &deadline,
                    chair_id: chair_id.map(|c| c.as_str()),
                    met: None,
                    late_reason: None,
                },
                actor,
            )
            .await?;
            audit::record(
                &mut tx,
                Entry {
                    authority_id: authority.id.as_str(),
                    actor,
                    kind: EventKind::Change,
                    action: "deadline.set",
                    entity_type: "family",
                    entity_id: &family_id,
                    before: serde_json::Value::Null,
                    after: json!({"deadline_id": id, "case_id": case_id, "deadline": deadline, "chair_id": chair_id}),
                },
            )
            .await?;
            tx.commit().await?;
            id
        }
    };
    get(db, &authority.id, &id).await.map(Some)
}

/// One deadline of an authority (another authority's is not found).
pub async fn get(db: &Db, authority: &AuthorityId, id: &str) -> Result<StoredDeadline> {
    let row = sqlx::query(&format!("{SELECT} WHERE d.id = $1 AND d.authority_id = $2"))
        .bind(id)
        .bind(authority.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Every deadline of a family, the earliest due first.
pub async fn for_family(db: &Db, family_id: &str) -> Result<Vec<StoredDeadline>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE d.family_id = $1 AND d.cancelled_on IS NULL ORDER BY d.due_on, d.rule, d.id"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Why a deadline was not recorded as met.
#[derive(Debug, thiserror::Error)]
pub enum MarkMetError {
    /// What the person entered does not do (the domain's message says what to fix).
    #[error(transparent)]
    Invalid(#[from] MetError),
    #[error("This deadline was already recorded as met on {0}")]
    AlreadyMet(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records that a deadline was met on `met`. A date after its due date needs a reason from the
/// list (and free text for "Other"); a date in the future is refused (TIME-01). Audited against
/// the family.
#[allow(clippy::too_many_arguments)]
pub async fn mark_met(
    db: &Db,
    authority: &AuthorityId,
    id: &str,
    met: NaiveDate,
    reason: Option<LateReason>,
    details: &str,
    today: NaiveDate,
    actor: &str,
) -> std::result::Result<StoredDeadline, MarkMetError> {
    let current = get(db, authority, id).await?;
    if let Some(m) = current.met {
        return Err(MarkMetError::AlreadyMet(m.format("%-d %B %Y").to_string()));
    }
    let late = check_met(current.deadline.due, met, today, reason, details)?;
    let mut tx = db.begin().await.map_err(MarkMetError::Store)?;
    let res = sqlx::query(
        "UPDATE deadline SET met_on = $3, late_reason = $4, late_details = $5, met_recorded_by = $6, met_recorded_at = $7 \
         WHERE id = $1 AND authority_id = $2 AND met_on IS NULL",
    )
    .bind(id)
    .bind(authority.as_str())
    .bind(met.to_string())
    .bind(late.as_ref().map(|r| r.reason.as_str().to_owned()))
    .bind(late.as_ref().map(|r| r.details.clone()))
    .bind(actor)
    .bind(db.now())
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    if res.rows_affected() != 1 {
        // Someone recorded it in the meantime.
        tx.rollback().await.map_err(StoreError::from)?;
        let now = get(db, authority, id).await?;
        return Err(MarkMetError::AlreadyMet(now.met.map(|m| m.format("%-d %B %Y").to_string()).unwrap_or_default()));
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "deadline.met",
            entity_type: "family",
            entity_id: &current.family_id,
            before: json!({"deadline_id": id, "rule": current.deadline.rule, "due": current.deadline.due, "met": null}),
            after: json!({"deadline_id": id, "met": met, "late_reason": late}),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(get(db, authority, id).await?)
}

/// Which deadlines a list shows by their state on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not yet met: due, at risk or overdue (the "due and overdue" list).
    Open,
    Only(DeadlineState),
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    DueDate,
    FamilyName,
}

/// Whose deadlines a person sees: everything of the authority, or those of cases allocated to
/// the given workers, or of conferences they chair (either matches).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub all: bool,
    pub workers: Vec<String>,
    pub chair: Option<String>,
}

/// A "due and overdue" query.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub authority: AuthorityId,
    pub scope: Scope,
    pub state: StateFilter,
    pub rule: Option<DeadlineRule>,
    /// Only cases allocated to this worker (within the scope).
    pub worker: Option<String>,
    pub sort: Sort,
    pub today: NaiveDate,
    /// The last due date that is "at risk" today: `today` plus the policy's at-risk working days.
    pub at_risk_until: NaiveDate,
    pub limit: i64,
    pub offset: i64,
}

/// The deadlines of a "due and overdue" list, paged.
pub async fn list(db: &Db, q: &ListQuery) -> Result<Vec<StoredDeadline>> {
    fn param(binds: &mut Vec<String>, v: String) -> String {
        binds.push(v);
        format!("${}", binds.len())
    }
    let mut binds: Vec<String> = vec![q.authority.as_str().to_owned()];
    let mut sql = format!("{SELECT} WHERE d.authority_id = $1");
    if !q.scope.all {
        // The person's own deadlines first (a small set found by indexes), then everything
        // else: CROSS JOIN keeps that order on SQLite, where the due-date index would lead.
        let mut parts = Vec::new();
        if !q.scope.workers.is_empty() {
            let ps: Vec<String> = q.scope.workers.iter().map(|w| param(&mut binds, w.clone())).collect();
            parts.push(format!(
                "SELECT d0.id FROM family_case fc0 JOIN deadline d0 ON d0.case_id = fc0.id WHERE fc0.allocated_worker_id IN ({})",
                ps.join(", ")
            ));
        }
        if let Some(c) = &q.scope.chair {
            parts.push(format!("SELECT id FROM deadline WHERE chair_id = {}", param(&mut binds, c.clone())));
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        sql = format!(
            "{} WHERE d.id = mine.id AND d.authority_id = $1",
            SELECT.replacen(
                "FROM deadline d",
                &format!("FROM ({}) mine CROSS JOIN deadline d", parts.join(" UNION ")),
                1
            )
        );
    }
    // A deadline whose conference was cancelled is neither due nor overdue.
    sql.push_str(" AND d.cancelled_on IS NULL");
    let today = q.today.to_string();
    let until = q.at_risk_until.to_string();
    match q.state {
        StateFilter::All => {}
        StateFilter::Open => sql.push_str(" AND d.met_on IS NULL"),
        StateFilter::Only(DeadlineState::Overdue) => {
            sql.push_str(&format!(" AND d.met_on IS NULL AND d.due_on < {}", param(&mut binds, today)))
        }
        StateFilter::Only(DeadlineState::AtRisk) => {
            let t = param(&mut binds, today);
            let u = param(&mut binds, until);
            sql.push_str(&format!(" AND d.met_on IS NULL AND d.due_on >= {t} AND d.due_on <= {u}"))
        }
        StateFilter::Only(DeadlineState::Due) => {
            sql.push_str(&format!(" AND d.met_on IS NULL AND d.due_on > {}", param(&mut binds, until)))
        }
        StateFilter::Only(DeadlineState::Met) => sql.push_str(" AND d.met_on IS NOT NULL AND d.met_on <= d.due_on"),
        StateFilter::Only(DeadlineState::MetLate) => sql.push_str(" AND d.met_on IS NOT NULL AND d.met_on > d.due_on"),
    }
    if let Some(rule) = q.rule {
        sql.push_str(&format!(" AND d.rule = {}", param(&mut binds, rule.as_str().to_owned())));
    }
    if let Some(w) = &q.worker {
        sql.push_str(&format!(" AND fc.allocated_worker_id = {}", param(&mut binds, w.clone())));
    }
    sql.push_str(match q.sort {
        Sort::DueDate => " ORDER BY d.due_on, f.name, d.id",
        Sort::FamilyName => " ORDER BY f.name, d.due_on, d.id",
    });
    // Numbers checked here, not bound: one text-only bind list serves both databases.
    sql.push_str(&format!(" LIMIT {} OFFSET {}", q.limit.clamp(1, 1000), q.offset.clamp(0, 100_000_000)));
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b.clone());
    }
    let rows = query.fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// One line of the late-reasons report: how many deadlines of a rule were met late for a reason.
#[derive(Debug, Clone)]
pub struct LateReasonCount {
    pub rule: DeadlineRule,
    pub reason: LateReason,
    pub count: i64,
}

/// The reasons given for missed deadlines, counted by rule and reason (QA-02), most first.
pub async fn late_reasons(db: &Db, authority: &AuthorityId) -> Result<Vec<LateReasonCount>> {
    let rows = sqlx::query(
        "SELECT rule, late_reason, COUNT(*) AS n FROM deadline WHERE authority_id = $1 AND late_reason IS NOT NULL \
         GROUP BY rule, late_reason ORDER BY rule, n DESC, late_reason",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let rule = text(r, "rule")?;
            let reason = text(r, "late_reason")?;
            Ok(LateReasonCount {
                rule: DeadlineRule::parse(&rule).ok_or_else(|| StoreError::Corrupt(format!("deadline rule {rule}")))?,
                reason: LateReason::parse(&reason)
                    .ok_or_else(|| StoreError::Corrupt(format!("late reason {reason}")))?,
                count: crate::int(r, "n")?,
            })
        })
        .collect()
}

/// The open deadlines a conference was to meet, by (rule, trigger): an initial or pre-birth
/// conference's TIME-01 deadline, a transfer-in's TIME-02, a review's REV-01 date.
fn deadlines_of(c: &confer_domain::conference::Conference) -> Vec<(DeadlineRule, NaiveDate)> {
    use confer_domain::conference::ConferenceKind;
    match c.kind() {
        ConferenceKind::Initial | ConferenceKind::PreBirth => {
            c.strategy_discussion_on().map(|d| vec![(DeadlineRule::InitialConference, d)]).unwrap_or_default()
        }
        ConferenceKind::TransferIn => {
            c.transfer_notified_on().map(|d| vec![(DeadlineRule::TransferInConference, d)]).unwrap_or_default()
        }
        ConferenceKind::Review => c
            .previous()
            .map(|p| vec![(DeadlineRule::FirstReview, p.held_on), (DeadlineRule::NextReview, p.held_on)])
            .unwrap_or_default(),
    }
}

/// ROLE-11, issue 13: when a conference is cancelled, the open deadlines it was to meet are
/// marked cancelled (`cancelled` true, on `on`), in its transaction: they no longer show as due
/// or overdue and no longer grant the provisional chair role. When a conference is requested
/// again for the same deadlines (`cancelled` false), they open again. Audited per deadline.
pub async fn cancel_for_conference(
    tx: &mut Tx,
    c: &confer_domain::conference::Conference,
    cancelled: bool,
    on: NaiveDate,
    actor: &str,
) -> Result<()> {
    for (rule, trigger) in deadlines_of(c) {
        let sql = if cancelled {
            "SELECT id FROM deadline WHERE case_id = $1 AND rule = $2 AND trigger_on = $3 AND met_on IS NULL \
             AND cancelled_on IS NULL"
        } else {
            "SELECT id FROM deadline WHERE case_id = $1 AND rule = $2 AND trigger_on = $3 AND met_on IS NULL \
             AND cancelled_on IS NOT NULL"
        };
        let row = sqlx::query(sql)
            .bind(c.case_id().as_str())
            .bind(rule.as_str())
            .bind(trigger.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = row else { continue };
        let id = text(&row, "id")?;
        sqlx::query("UPDATE deadline SET cancelled_on = $2 WHERE id = $1")
            .bind(&id)
            .bind(cancelled.then(|| on.to_string()))
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            Entry {
                authority_id: c.authority_id().as_str(),
                actor,
                kind: EventKind::Change,
                action: if cancelled { "deadline.cancelled" } else { "deadline.reopened" },
                entity_type: "family",
                entity_id: c.family_id().as_str(),
                before: json!({"deadline_id": id, "cancelled_on": if cancelled { None } else { Some(on) }}),
                after: json!({"deadline_id": id, "cancelled_on": cancelled.then_some(on), "conference_id": c.id()}),
            },
        )
        .await?;
    }
    Ok(())
}
