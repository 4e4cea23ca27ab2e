//! Plans for the people who use them (issue 13): a core group meeting saved with the core
//! group deadlines it meets and sets (CG-02) in one transaction; the documents of a person's
//! plans and of a child's plans in one query each (for "my actions", "my core groups" and a
//! child's timeline, without a query per plan); the young person's own version of their plan
//! (CHILD-04), versioned and audited; and what the family portal needs to decide who reads a
//! plan (a parent or carer of the child, the latest conference's exclusions).

use crate::audit::{self, Entry};
use crate::deadlines::{insert_deadline, NewDeadline};
use crate::plans::{change_in, row_from, stored_from_row, PlanRow, Stored, ROW_COLUMNS};
use crate::versioned::SaveError;
use crate::{date, int, text, Db, Result, StoreError, Tx};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::conference::ConferenceState;
use confer_domain::plan::{Plan, PlanError, PlanOutcome};
use confer_domain::timescales::DeadlineRule;
use confer_domain::{AuthorityId, UserId};
use serde::Serialize;
use serde_json::json;

/// CG-03, CG-02: applies a core group meeting (the domain operation) to a plan still at
/// `expected_version`, and in the same transaction: the open core group deadlines of the case
/// that the meeting meets on time (its day is on or before their due date, and on or after
/// their trigger) are recorded as met; and, when it is the latest meeting, the next core group
/// deadline is set from its day at the policy's interval. A meeting after the due date leaves
/// the deadline open (overdue) for someone to record as met with the reason (TIME-01).
pub async fn save_core_group_meeting<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    held_on: NaiveDate,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<(T, Vec<PlanMail>)>,
) -> std::result::Result<(T, i64), SaveError<PlanError>> {
    // The authority's calendar and policy are read first (as deadlines::set_deadline does).
    let Some(owner) = crate::plans::owner(db, id).await? else { return Err(SaveError::NotFound) };
    let authority = crate::users::authority(db, &owner.authority_id).await?;
    let calendar = crate::calendar::authority_calendar(db, &authority).await?;
    let policies = crate::calendar::policy_history(db, &authority).await?;
    let next = DeadlineRule::NextCoreGroup.deadline(held_on, &calendar, &policies);

    let mut tx = db.begin().await?;
    let (p, (out, mails)) =
        change_in(&mut tx, id, expected_version, actor, "plan.core-group-meeting", operation).await?;
    let now = tx.now();
    let open = sqlx::query(
        "SELECT id, rule, due_on FROM deadline WHERE case_id = $1 AND rule IN ($2, $3) AND met_on IS NULL \
         AND trigger_on <= $4 AND due_on >= $4",
    )
    .bind(p.case_id.as_str())
    .bind(DeadlineRule::FirstCoreGroup.as_str())
    .bind(DeadlineRule::NextCoreGroup.as_str())
    .bind(held_on.to_string())
    .fetch_all(&mut *tx)
    .await?;
    for d in &open {
        let deadline_id = text(d, "id")?;
        sqlx::query(
            "UPDATE deadline SET met_on = $2, met_recorded_by = $3, met_recorded_at = $4 WHERE id = $1 AND met_on IS NULL",
        )
        .bind(&deadline_id)
        .bind(held_on.to_string())
        .bind(actor)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                authority_id: p.authority_id.as_str(),
                actor,
                kind: EventKind::Change,
                action: "deadline.met",
                entity_type: "family",
                entity_id: p.family_id.as_str(),
                before: json!({"deadline_id": deadline_id, "rule": text(d, "rule")?, "due": date(d, "due_on")?, "met": null}),
                after: json!({"deadline_id": deadline_id, "met": held_on, "by": "core group meeting", "plan_id": p.id}),
            },
        )
        .await?;
    }
    let latest = p.core_group_meetings.iter().map(|m| m.held_on).max() == Some(held_on);
    if let (Some(next), true) = (next, latest && p.is_active()) {
        let exists = sqlx::query("SELECT id FROM deadline WHERE case_id = $1 AND rule = $2 AND trigger_on = $3")
            .bind(p.case_id.as_str())
            .bind(DeadlineRule::NextCoreGroup.as_str())
            .bind(held_on.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            let deadline_id = insert_deadline(
                &mut tx,
                &NewDeadline {
                    authority_id: p.authority_id.as_str(),
                    family_id: p.family_id.as_str(),
                    case_id: p.case_id.as_str(),
                    deadline: &next,
                    chair_id: None,
                    met: None,
                    late_reason: None,
                },
                actor,
            )
            .await?;
            audit::record(
                &mut tx,
                Entry {
                    authority_id: p.authority_id.as_str(),
                    actor,
                    kind: EventKind::Change,
                    action: "deadline.set",
                    entity_type: "family",
                    entity_id: p.family_id.as_str(),
                    before: serde_json::Value::Null,
                    after: json!({"deadline_id": deadline_id, "case_id": p.case_id, "deadline": next, "plan_id": p.id}),
                },
            )
            .await?;
        }
    }
    send_notes(&mut tx, &p, &mails, actor).await?;
    tx.commit().await?;
    Ok((out, expected_version + 1))
}

/// An e-mail about a plan for one member of its core group (CG-03: the notes of a meeting),
/// or, for a member with no e-mail address or who asked for post, a letter.
pub struct PlanMail {
    /// The member, as the plan names them (`professional:p-school`), for the audit trail.
    pub member: String,
    pub notice: confer_domain::notices::Notice,
    pub delivery: Delivery,
}

/// How a member is sent the notes.
pub enum Delivery {
    /// E-mailed to this address through the outbox.
    Email(String),
    /// A letter (tagged PDF) for the authority's print list instead of an e-mail: logged as
    /// sent by post (REP-04) and waiting to be printed.
    Letter(Vec<u8>),
    /// The member's letter could not be made: nothing is sent, and the audit event of the
    /// notes names the member (never lost silently; the person who recorded the meeting is
    /// told to send the notes another way).
    LetterNotMade,
}

/// The members (as the plan names them) sent the notes the way `how` picks.
fn members(mails: &[PlanMail], how: fn(&Delivery) -> bool) -> Vec<&str> {
    mails.iter().filter(|m| how(&m.delivery)).map(|m| m.member.as_str()).collect()
}

/// CG-03: each member's notes on the outbox in the meeting's transaction, audited by member
/// (no address, no contents).
async fn send_notes(tx: &mut crate::Tx, p: &Plan, mails: &[PlanMail], actor: &str) -> Result<()> {
    if mails.is_empty() {
        return Ok(());
    }
    for m in mails {
        let recipient = match &m.delivery {
            Delivery::Email(address) => address,
            Delivery::LetterNotMade => continue,
            Delivery::Letter(pdf) => {
                crate::documents_sent::log_in(
                    tx,
                    &crate::documents_sent::NewSent {
                        authority_id: p.authority_id.as_str(),
                        family_id: p.family_id.as_str(),
                        conference_id: None,
                        kind: "core-group-notes",
                        recipient: &m.member,
                        version: i64::from(p.core_group_meetings.last().map(|x| x.number).unwrap_or(0)),
                        language: "en",
                        format: "pdf",
                        print_size: "standard",
                        channel: "post",
                        content: pdf,
                        sent_by: actor,
                    },
                )
                .await?;
                continue;
            }
        };
        let now = tx.now();
        crate::outbox::enqueue(
            tx,
            &crate::outbox::NewMessage {
                id: &crate::new_id(),
                authority_id: p.authority_id.as_str(),
                recipient,
                subject: &m.notice.subject,
                body: &m.notice.body,
                created_at: &now,
                secret: 0,
                calendar: None,
            },
        )
        .await?;
    }
    let told = members(mails, |d| matches!(d, Delivery::Email(_)));
    let posted = members(mails, |d| matches!(d, Delivery::Letter(_)));
    let not_made = members(mails, |d| matches!(d, Delivery::LetterNotMade));
    audit::record(
        tx,
        Entry {
            authority_id: p.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action: "plan.core-group-notes.sent",
            entity_type: "plan",
            entity_id: p.id.as_str(),
            before: serde_json::Value::Null,
            after: json!({ "told": told, "posted": posted, "letter_not_made": not_made,
                "meeting": p.core_group_meetings.last().map(|m| m.number) }),
        },
    )
    .await?;
    Ok(())
}

/// CG-02: what a change to the arranged core group meeting is, for its messages and its
/// calendar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrangementChange {
    /// Arranged: everyone invited gets the invitation (and the calendar entry, sequence 0).
    Arranged,
    /// A new day, time or place: the same calendar entry with a higher sequence; letters
    /// waiting with the old day are withdrawn and replaced.
    Moved,
    /// Cancelled: METHOD:CANCEL with a higher sequence; letters waiting are withdrawn, and a
    /// cancellation letter goes only to someone who has a letter in hand (printed).
    Cancelled,
}

/// What one member of the core group is sent about an arranged meeting: an e-mail (with its
/// calendar entry) when they have an address, or else a letter for the print list.
pub struct ArrangementMail {
    /// The member as the plan names them (`professional:p-school`, `family-member:a-1`).
    pub member: String,
    /// The e-mail address; `None` for a letter.
    pub email: Option<String>,
    pub notice: confer_domain::notices::Notice,
    /// The calendar entry (UK wall-clock times) sent with the e-mail.
    pub calendar: Option<confer_domain::notices::CalendarEntry>,
    /// The letter (tagged PDF), its language (`en`, `cy`) and kind, for the print list.
    pub letter: Option<(Vec<u8>, &'static str, &'static str)>,
}

/// CG-01, CG-02, issue 14: applies a change to the arranged core group meeting (the domain
/// operation, which returns the arrangement's number and each member's message) to a plan
/// still at `expected_version`, and in the same transaction: the meeting's calendar entry
/// (one UID for its life, the sequence raised by a move and by the cancellation), each
/// e-mail on the outbox with its .ics, each letter on the print list (letters about the
/// meeting still waiting there are withdrawn first), and the audit events (members by id,
/// no addresses).
pub async fn save_arrangement<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    change: ArrangementChange,
    late: Option<&confer_domain::timescales::LateReasonRecord>,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<(T, u32, Vec<ArrangementMail>)>,
) -> std::result::Result<(T, i64), SaveError<PlanError>> {
    let action = match change {
        ArrangementChange::Arranged => "plan.core-group.arrange",
        ArrangementChange::Moved => "plan.core-group.move",
        ArrangementChange::Cancelled => "plan.core-group.cancel",
    };
    let mut tx = db.begin().await?;
    let (p, (out, number, mails)) = change_in(&mut tx, id, expected_version, actor, action, operation).await?;
    if let (Some(late), Some(a)) = (late, p.arranged_core_group()) {
        late_reason_in(&mut tx, &p, a.on, late, actor).await?;
    }
    tell_in(&mut tx, &p, number, change, &mails, actor).await?;
    tx.commit().await?;
    Ok((out, expected_version + 1))
}

/// CG-02, TIME-01, QA-02: a core group meeting arranged (or moved) for after the day its core
/// group was due by keeps its late reason on that missed deadline, as a conference's deadlines
/// keep theirs, so the dashboards' late-reasons report counts it. Only the open core group
/// deadlines of the plan's case due before the meeting's day; audited in the same transaction.
async fn late_reason_in(
    tx: &mut Tx,
    p: &Plan,
    on: NaiveDate,
    late: &confer_domain::timescales::LateReasonRecord,
    actor: &str,
) -> Result<()> {
    let missed = sqlx::query(
        "SELECT id, rule, due_on, late_reason, late_details FROM deadline WHERE case_id = $1 AND rule IN ($2, $3) \
         AND met_on IS NULL AND cancelled_on IS NULL AND due_on < $4",
    )
    .bind(p.case_id.as_str())
    .bind(DeadlineRule::FirstCoreGroup.as_str())
    .bind(DeadlineRule::NextCoreGroup.as_str())
    .bind(on.to_string())
    .fetch_all(&mut **tx)
    .await?;
    for d in &missed {
        let deadline_id = text(d, "id")?;
        sqlx::query("UPDATE deadline SET late_reason = $2, late_details = $3 WHERE id = $1")
            .bind(&deadline_id)
            .bind(late.reason.as_str())
            .bind(&late.details)
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            Entry {
                authority_id: p.authority_id.as_str(),
                actor,
                kind: EventKind::Change,
                action: "deadline.late-reason",
                entity_type: "family",
                entity_id: p.family_id.as_str(),
                before: json!({"deadline_id": deadline_id, "rule": text(d, "rule")?, "due": date(d, "due_on")?,
                    "late_reason": crate::opt_text(d, "late_reason")?}),
                after: json!({"deadline_id": deadline_id, "late_reason": late, "by": "core group arranged",
                    "plan_id": p.id, "on": on}),
            },
        )
        .await?;
    }
    Ok(())
}

/// A core group meeting cancelled because its plan ended (PLAN-05): its number and what each
/// member invited is sent, as for a cancellation by hand.
pub struct EndedMeeting {
    pub number: u32,
    pub mails: Vec<ArrangementMail>,
}

/// PLAN-05, CG-02: ends a plan (the domain `operation`, which also cancels the core group
/// meeting arranged next and returns each member's cancellation) at `expected_version`, and in
/// the same transaction: the transfer offered to another tenant when `offer` is given, and for
/// the cancelled meeting its audit event, its calendar entry's CANCEL (the same UID, a higher
/// sequence), the e-mails and letters to the members (letters still waiting withdrawn) and
/// the audit event of who was told.
pub async fn save_ending<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    actor: &str,
    action: &str,
    operation: impl FnOnce(&mut Plan) -> PlanOutcome<(T, Option<EndedMeeting>)>,
    offer: Option<crate::plans::OfferedTransfer<'_>>,
) -> std::result::Result<(T, Option<u32>, i64), SaveError<PlanError>> {
    let mut tx = db.begin().await?;
    let (p, (out, ended)) = change_in(&mut tx, id, expected_version, actor, action, operation).await?;
    if let Some(o) = offer {
        crate::plans::offer_transfer(&mut tx, &p, &o, actor).await?;
    }
    let cancelled = match ended {
        Some(m) => {
            cancel_for_ending_in(&mut tx, &p, &m, actor).await?;
            Some(m.number)
        }
        None => None,
    };
    tx.commit().await?;
    Ok((out, cancelled, expected_version + 1))
}

/// In the transaction that ended plan `p`: the audit event of its arranged meeting's
/// cancellation (why: the plan ended), and everyone invited told as for a cancellation.
pub(crate) async fn cancel_for_ending_in(tx: &mut Tx, p: &Plan, m: &EndedMeeting, actor: &str) -> Result<()> {
    let meeting = meeting_key(p.id.as_str(), m.number);
    let reason = p.arrangements.cancelled.iter().rev().find(|c| c.meeting.number == m.number).map(|c| c.reason.clone());
    audit::record(
        tx,
        Entry {
            authority_id: p.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action: "plan.core-group.cancel",
            entity_type: "plan",
            entity_id: p.id.as_str(),
            before: json!({ "meeting": meeting }),
            after: json!({ "meeting": meeting, "cancelled": true, "reason": reason, "plan_ended": true }),
        },
    )
    .await?;
    tell_in(tx, p, m.number, ArrangementChange::Cancelled, &m.mails, actor).await
}

/// In the change's transaction: the arranged meeting `number` of plan `p`'s calendar entry
/// (its sequence raised by a move or the cancellation), each member's e-mail with its .ics or
/// letter on the print list (waiting letters about the meeting withdrawn first), and the audit
/// event of who was told.
async fn tell_in(
    tx: &mut Tx,
    p: &Plan,
    number: u32,
    change: ArrangementChange,
    mails: &[ArrangementMail],
    actor: &str,
) -> Result<()> {
    let action = match change {
        ArrangementChange::Arranged => "plan.core-group.arrange",
        ArrangementChange::Moved => "plan.core-group.move",
        ArrangementChange::Cancelled => "plan.core-group.cancel",
    };
    let meeting = meeting_key(p.id.as_str(), number);
    let entry = crate::calendar_entries::sequence(
        &mut *tx,
        p.authority_id.as_str(),
        p.family_id.as_str(),
        "core-group",
        &meeting,
        change != ArrangementChange::Arranged,
        change != ArrangementChange::Cancelled,
    )
    .await?;
    let stamp = tx.clock().now();
    let (mut told, mut posted, mut withdrawn) = (Vec::new(), Vec::new(), Vec::new());
    for m in mails {
        let before = if change == ArrangementChange::Arranged {
            crate::documents_sent::Withdrawn::default()
        } else {
            crate::documents_sent::withdraw_waiting(
                &mut *tx,
                p.authority_id.as_str(),
                p.family_id.as_str(),
                crate::documents_sent::LettersAbout::Meeting(&meeting),
                &m.member,
                actor,
            )
            .await?
        };
        if !before.letters.is_empty() {
            withdrawn.push(m.member.as_str());
        }
        if let Some(email) = m.email.as_deref() {
            let calendar = match (&entry, &m.calendar) {
                (Some((uid, sequence)), Some(e)) => Some(
                    crate::calendar_entries::Attachment {
                        uid: uid.clone(),
                        sequence: *sequence,
                        cancel: change == ArrangementChange::Cancelled,
                        start: crate::uk_time::instant(e.start),
                        end: crate::uk_time::instant(e.end),
                        summary: e.summary.clone(),
                        description: e.description.clone(),
                        location: e.location.clone(),
                        stamp,
                    }
                    .to_json(),
                ),
                _ => None,
            };
            crate::outbox::enqueue(
                &mut *tx,
                &crate::outbox::NewMessage {
                    id: &crate::new_id(),
                    authority_id: p.authority_id.as_str(),
                    recipient: email,
                    subject: &m.notice.subject,
                    body: &m.notice.body,
                    created_at: &crate::stamp(stamp),
                    secret: 0,
                    calendar,
                },
            )
            .await?;
            told.push(m.member.as_str());
            continue;
        }
        let Some((pdf, language, kind)) = &m.letter else { continue };
        // Someone whose letters were all withdrawn never had one in hand: nothing to cancel.
        if change == ArrangementChange::Cancelled && !before.printed_before {
            continue;
        }
        crate::documents_sent::log_for_meeting_in(
            &mut *tx,
            &crate::documents_sent::NewSent {
                authority_id: p.authority_id.as_str(),
                family_id: p.family_id.as_str(),
                conference_id: None,
                kind,
                recipient: &m.member,
                version: i64::from(number),
                language,
                format: "pdf",
                print_size: "standard",
                channel: "post",
                content: pdf,
                sent_by: actor,
            },
            &meeting,
        )
        .await?;
        posted.push(m.member.as_str());
    }
    audit::record(
        &mut *tx,
        Entry {
            authority_id: p.authority_id.as_str(),
            actor,
            kind: EventKind::Change,
            action: "plan.core-group.told",
            entity_type: "plan",
            entity_id: p.id.as_str(),
            before: serde_json::Value::Null,
            after: json!({ "meeting": meeting, "change": action, "told": told, "posted": posted,
                "withdrawn": withdrawn }),
        },
    )
    .await?;
    Ok(())
}

/// The key of an arranged core group meeting (its calendar entry and its letters).
pub fn meeting_key(plan_id: &str, number: u32) -> String {
    format!("core-group:{plan_id}:{number}")
}

/// The active plans a person works on (key worker or core group member), with their documents,
/// in one query: for their own actions and core group dates.
pub async fn docs_of_user(db: &Db, authority: &AuthorityId, user: &UserId) -> Result<Vec<(PlanRow, Stored)>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS}, p.doc FROM {} ORDER BY p.core_group_due_by, p.id LIMIT 500",
        crate::plans::PLANS_OF_USER
    ))
    .bind(authority.as_str())
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((row_from(r)?, stored_from_row(r)?))).collect()
}

/// Every plan of a child, oldest first, with its document (one query).
pub async fn of_child(db: &Db, family_id: &str, child_id: &str) -> Result<Vec<Stored>> {
    let rows =
        sqlx::query("SELECT doc, version FROM plan WHERE family_id = $1 AND child_id = $2 ORDER BY started_on, id")
            .bind(family_id)
            .bind(child_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(stored_from_row).collect()
}

/// One version of one of a child's plans, for the timeline.
#[derive(Debug, Clone)]
pub struct ChildPlanVersion {
    pub plan_id: String,
    pub version: i64,
    pub action: String,
    pub changed_at: String,
}

/// Every version of every plan of a child (one query).
pub async fn versions_of_child(db: &Db, family_id: &str, child_id: &str) -> Result<Vec<ChildPlanVersion>> {
    let rows = sqlx::query(
        "SELECT v.plan_id, v.version, v.action, v.changed_at FROM plan_version v JOIN plan p ON p.id = v.plan_id \
         WHERE p.family_id = $1 AND p.child_id = $2 ORDER BY v.changed_at, v.version",
    )
    .bind(family_id)
    .bind(child_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChildPlanVersion {
                plan_id: text(r, "plan_id")?,
                version: int(r, "version")?,
                action: text(r, "action")?,
                changed_at: text(r, "changed_at")?,
            })
        })
        .collect()
}

/// A conference about a child, for the timeline.
#[derive(Debug, Clone)]
pub struct ChildConference {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub date: Option<NaiveDate>,
    pub created_at: String,
}

/// Every conference about a child of a family (one query), oldest first.
pub async fn conferences_of_child(db: &Db, family_id: &str, child_id: &str) -> Result<Vec<ChildConference>> {
    let rows = sqlx::query(
        "SELECT c.id, c.kind, c.state, c.date, c.created_at FROM conference c \
         JOIN conference_child cc ON cc.conference_id = c.id WHERE c.family_id = $1 AND cc.child_id = $2 \
         ORDER BY c.created_at, c.id",
    )
    .bind(family_id)
    .bind(child_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChildConference {
                id: text(r, "id")?,
                kind: text(r, "kind")?,
                state: text(r, "state")?,
                date: date(r, "date")?,
                created_at: text(r, "created_at")?,
            })
        })
        .collect()
}

/// The child's name as the family's record holds it (None: not a child of this family).
pub async fn child_name(db: &Db, family_id: &str, child_id: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT given_name, family_name FROM child WHERE id = $1 AND family_id = $2")
        .bind(child_id)
        .bind(family_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok(format!("{} {}", text(&r, "given_name")?, text(&r, "family_name")?))).transpose()
}

/// Whether an adult has parental responsibility for, or cares for, a child (the family's
/// record): who of the family may read the child's plan in the portal.
pub async fn parent_or_carer_of(db: &Db, adult_id: &str, child_id: &str) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 AS yes FROM adult_child WHERE adult_id = $1 AND child_id = $2 \
         AND (parental_responsibility <> 0 OR carer <> 0)",
    )
    .bind(adult_id)
    .bind(child_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// The latest closed conference about a child (its exclusions decide what a parent sees of
/// the plan: EXC-05, an exclusion lasts for one conference).
pub async fn latest_closed_conference(db: &Db, family_id: &str, child_id: &str) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT c.id FROM conference c JOIN conference_child cc ON cc.conference_id = c.id \
         WHERE c.family_id = $1 AND cc.child_id = $2 AND c.state = $3 ORDER BY c.date DESC, c.created_at DESC LIMIT 1",
    )
    .bind(family_id)
    .bind(child_id)
    .bind(ConferenceState::Closed.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| text(&r, "id")).transpose()
}

/// CHILD-04: one version of the young person's own version of their plan.
#[derive(Debug, Clone, Serialize)]
pub struct YoungPersonsVersion {
    pub version: i64,
    pub body: String,
    pub shared_with_parents: bool,
    pub written_by: String,
    pub written_at: String,
}

/// The newest young person's version of a plan, if one was written.
pub async fn young_persons_version(db: &Db, plan_id: &str) -> Result<Option<YoungPersonsVersion>> {
    let row = sqlx::query(
        "SELECT version, body, shared_with_parents, written_by, written_at FROM plan_young_person_version \
         WHERE plan_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(plan_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(YoungPersonsVersion {
            version: int(&r, "version")?,
            body: text(&r, "body")?,
            shared_with_parents: int(&r, "shared_with_parents")? != 0,
            written_by: text(&r, "written_by")?,
            written_at: text(&r, "written_at")?,
        })
    })
    .transpose()
}

/// Why a young person's version was not saved.
#[derive(Debug, thiserror::Error)]
pub enum YoungVersionError {
    #[error("someone else changed the young person's version since you last saw it (it is now at version {0})")]
    Conflict(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for YoungVersionError {
    fn from(e: sqlx::Error) -> Self {
        YoungVersionError::Store(e.into())
    }
}

/// CHILD-04: writes a new version of the young person's version of a plan, at the version
/// the writer last saw (0 for the first), audited in the same transaction. Returns the new
/// version.
pub async fn write_young_persons_version(
    db: &Db,
    authority: &AuthorityId,
    plan_id: &str,
    expected: i64,
    body: &str,
    shared_with_parents: bool,
    actor: &str,
) -> std::result::Result<i64, YoungVersionError> {
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT MAX(version) AS v FROM plan_young_person_version WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_one(&mut *tx)
        .await?;
    let current = row.try_get::<Option<i64>, _>("v").map_err(StoreError::from)?.unwrap_or(0);
    if current != expected {
        return Err(YoungVersionError::Conflict(current));
    }
    let version = current + 1;
    let now = tx.now();
    // The primary key (plan, version) makes a second writer at the same version fail here.
    sqlx::query(
        "INSERT INTO plan_young_person_version (plan_id, version, body, shared_with_parents, written_by, written_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(plan_id)
    .bind(version)
    .bind(body)
    .bind(crate::flag(shared_with_parents))
    .bind(actor)
    .bind(&now)
    .execute(&mut *tx)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => YoungVersionError::Conflict(version),
        other => YoungVersionError::Store(other.into()),
    })?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "plan.young-persons-version",
            entity_type: "plan",
            entity_id: plan_id,
            before: json!({"version": current}),
            after: json!({"version": version, "body": body, "shared_with_parents": shared_with_parents}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

use sqlx::Row;

/// What [`arranged_for_cases`] asks for `n` cases (`$1`…`$n`): read from the partial index
/// `plan_arranged` alone (migration 0050), never the plans' rows with their documents.
pub fn arranged_sql(n: usize) -> String {
    let placeholders: Vec<String> = (1..=n).map(|k| format!("${k}")).collect();
    format!(
        "SELECT case_id, core_group_arranged_on, core_group_arranged_time FROM plan WHERE case_id IN ({}) \
         AND ended_on IS NULL AND core_group_arranged_on IS NOT NULL ORDER BY core_group_arranged_on",
        placeholders.join(", ")
    )
}

/// CG-02: the core group meetings arranged (day and "HH:MM") of the open plans of these cases,
/// by case, in one query per 500 cases: for the "due and overdue" list beside a core group due.
pub async fn arranged_for_cases(db: &Db, case_ids: &[&str]) -> Result<Vec<(String, NaiveDate, String)>> {
    let mut out = Vec::new();
    for chunk in case_ids.chunks(500) {
        let sql = arranged_sql(chunk.len());
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(db.pool()).await? {
            let Some(on) = date(&row, "core_group_arranged_on")? else { continue };
            out.push((
                text(&row, "case_id")?,
                on,
                crate::opt_text(&row, "core_group_arranged_time")?.unwrap_or_default(),
            ));
        }
    }
    Ok(out)
}
