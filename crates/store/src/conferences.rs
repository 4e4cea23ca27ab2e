//! Conferences: the aggregate (`confer_domain::conference::Conference`) kept whole as a JSON
//! document with a version number, and copies of the columns lists need beside it.
//!
//! A change is always [`save`]: load inside the transaction, check the version the person
//! last saw (two people editing never overwrite each other silently), apply the domain
//! operation, write the document, the index columns, the conference's people and the audit
//! event, all in one transaction. A refusal of the domain comes back typed and untouched.

use crate::audit::{self, Entry};
use crate::versioned::{self, SaveError};
use crate::{date, int, opt_text, text, Db, Result, StoreError, Tx};
use chrono::NaiveDate;
use confer_domain::access::Relationship;
use confer_domain::audit::EventKind;
use confer_domain::conference::{Conference, ConferenceError, ConferenceState, Invitee, Outcome};
use confer_domain::{Agency, AgencyId, AgencyKind, AuthorityId, FamilyId, Professional, ProfessionalId, UserId};
use serde::Serialize;
use serde_json::{json, Value};

/// The people a conference names, as `conference_person` keeps them.
const CHAIR: &str = "chair";
const INVITED: &str = "invited";
const NOTE_TAKER: &str = "note-taker";

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("conference document: {e}"))
}

/// Inserts a new conference (version 1), the deadline it sets (TIME-01/02) and the audit
/// events, in the caller's transaction. `db` is for reading the authority's calendar.
pub async fn create(db: &Db, tx: &mut Tx, c: &Conference, actor: &str) -> Result<i64> {
    create_with_rules(db, tx, c, actor, None).await
}

/// The authority's calendar and policy history, read once by a caller that creates many
/// conferences (the demo's bulk load) instead of once per conference.
pub type Rules = (confer_domain::calendar::Calendar, confer_domain::policy::PolicyHistory);

/// [`create`], with the authority's rules already read (`None`: read them when needed).
pub async fn create_with_rules(
    db: &Db,
    tx: &mut Tx,
    c: &Conference,
    actor: &str,
    rules: Option<&Rules>,
) -> Result<i64> {
    let doc = serde_json::to_string(c).map_err(corrupt)?;
    let now = tx.now();
    sqlx::query(
        "INSERT INTO conference (id, authority_id, family_id, case_id, kind, state, date, chair_id, note_taker_id, due_by, \
         next_review_on, outcome_due_by, doc, version, created_at, updated_at, record_state, slot_time, venue_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $11, $12, 1, $13, $13, $14, $15, $16)",
    )
    .bind(c.id().as_str())
    .bind(c.authority_id().as_str())
    .bind(c.family_id().as_str())
    .bind(c.case_id().as_str())
    .bind(c.kind().as_str())
    .bind(c.state().as_str())
    .bind(c.date().map(|d| d.to_string()))
    .bind(c.chair().map(|u| u.as_str().to_owned()))
    .bind(c.due_by().to_string())
    .bind(c.next_review().map(|n| n.on.to_string()))
    .bind(c.outcome_due_by().map(|d| d.to_string()))
    .bind(&doc)
    .bind(&now)
    .bind(record_state(c))
    .bind(slot_time(c))
    .bind(venue_key(c))
    .execute(&mut **tx)
    .await?;
    write_people(tx, c, None).await?;
    crate::participation::write(tx, c).await?;
    crate::list_summary::write(tx, c).await?;
    // A conference requested again for deadlines a cancelled one was to meet opens them again.
    crate::deadlines::cancel_for_conference(tx, c, false, db.today(), actor).await?;
    sync_deadlines(db, tx, c, actor, rules).await?;
    sync_case_stage(tx, c, actor).await?;
    audit::record(
        tx,
        Entry {
            authority_id: c.authority_id().as_str(),
            actor,
            kind: EventKind::Change,
            action: "conference.request",
            entity_type: "conference",
            entity_id: c.id().as_str(),
            before: Value::Null,
            after: serde_json::to_value(c).map_err(corrupt)?,
        },
    )
    .await?;
    Ok(1)
}

/// Whether [`create_with_rules`] would write nothing for `c` but its own rows (those
/// [`BulkRows::push`] makes) and its `conference.request` event, for a case at `stage` whose
/// deadlines, none of them cancelled, are those `existing` finds (by rule and trigger: whether
/// it is met). The demo's bulk load (issue 12) then writes the conference with its batch
/// instead of one by one; any other conference goes through [`create_with_rules`]. It answers
/// each step of that function in turn, so a change there must be made here too.
pub(crate) fn created_by_its_rows_alone(
    c: &Conference,
    stage: confer_domain::CaseStage,
    existing: impl Fn(confer_domain::timescales::DeadlineRule, NaiveDate) -> Option<bool>,
) -> bool {
    use confer_domain::conference::ConferenceKind;
    // `deadlines::cancel_for_conference(.., false, ..)` reopens cancelled deadlines: none are.
    // `meet_review_deadline` looks for a deadline only for a review that has started.
    let meets_a_review = c.kind() == ConferenceKind::Review
        && c.state() != ConferenceState::Cancelled
        && c.started_at().and(c.date()).is_some()
        && c.previous().is_some();
    // `sync_deadlines`: a deadline not set yet is set; one set is met when the conference meets it.
    let sets_or_meets = c.deadline_events().iter().any(|e| match existing(e.rule, e.trigger) {
        None => true,
        Some(met) => e.met.is_some() && !met,
    });
    // `sync_case_stage`.
    let moves_the_case = c.case_stage().is_some_and(|s| s != stage);
    !meets_a_review && !sets_or_meets && !moves_the_case
}

/// Rewrites the children and people rows of a conference from its document.
async fn write_people(tx: &mut Tx, c: &Conference, note_taker: Option<&str>) -> Result<()> {
    let id = c.id().as_str();
    sqlx::query("DELETE FROM conference_child WHERE conference_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM conference_person WHERE conference_id = $1").bind(id).execute(&mut **tx).await?;
    for child in c.children() {
        sqlx::query("INSERT INTO conference_child (conference_id, child_id) VALUES ($1, $2)")
            .bind(id)
            .bind(child.child_id.as_str())
            .execute(&mut **tx)
            .await?;
    }
    let people = people_of(c, note_taker);
    for (user, relationship) in people {
        sqlx::query("INSERT INTO conference_person (conference_id, user_id, relationship) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(user)
            .bind(relationship)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The accounts a conference names, with how (`conference_person`): its chair, its note taker
/// and the professionals invited who sign in; sorted, each once.
fn people_of(c: &Conference, note_taker: Option<&str>) -> Vec<(String, &'static str)> {
    let mut people: Vec<(String, &'static str)> = Vec::new();
    if let Some(chair) = c.chair() {
        people.push((chair.as_str().to_owned(), CHAIR));
    }
    if let Some(n) = note_taker {
        people.push((n.to_owned(), NOTE_TAKER));
    }
    for inv in c.invitations() {
        if let Invitee::Professional { professional_id } = &inv.invitee {
            let user = c
                .professionals()
                .iter()
                .find(|p| &p.professional_id == professional_id)
                .and_then(|p| p.user_id.clone());
            if let Some(u) = user {
                people.push((u.as_str().to_owned(), INVITED));
            }
        }
    }
    people.sort();
    people.dedup();
    people
}

/// The demo's bulk load (issue 12): a conference that has already happened, its children and
/// people, as the rows [`create`] and [`save`] would have left, added to the batch's rows
/// (inserted together by the caller, with the audit events). `now` is the load's time.
pub(crate) struct BulkRows {
    conference: crate::bulk::Rows,
    child: crate::bulk::Rows,
    person: crate::bulk::Rows,
    participation: crate::bulk::Rows,
    summary: crate::bulk::Rows,
}

impl BulkRows {
    pub(crate) fn new() -> BulkRows {
        use crate::bulk::Rows;
        BulkRows {
            conference: Rows::new(
                "conference",
                &[
                    "id",
                    "authority_id",
                    "family_id",
                    "case_id",
                    "kind",
                    "state",
                    "date",
                    "chair_id",
                    "note_taker_id",
                    "due_by",
                    "next_review_on",
                    "outcome_due_by",
                    "doc",
                    "version",
                    "created_at",
                    "updated_at",
                    "record_state",
                    "slot_time",
                    "venue_key",
                ],
            ),
            child: Rows::new("conference_child", &["conference_id", "child_id"]),
            person: Rows::new("conference_person", &["conference_id", "user_id", "relationship"]),
            participation: crate::participation::rows(),
            summary: crate::list_summary::rows(),
        }
    }

    /// Adds one conference (as version 1).
    pub(crate) fn push(&mut self, c: &Conference, now: &str) -> Result<()> {
        let doc = serde_json::to_value(c).map_err(corrupt)?;
        let id = c.id().as_str();
        self.conference.push([
            id.into(),
            c.authority_id().as_str().into(),
            c.family_id().as_str().into(),
            c.case_id().as_str().into(),
            c.kind().as_str().into(),
            c.state().as_str().into(),
            c.date().map(|d| d.to_string()).into(),
            c.chair().map(|u| u.as_str().to_owned()).into(),
            None::<String>.into(),
            c.due_by().to_string().into(),
            c.next_review().map(|n| n.on.to_string()).into(),
            c.outcome_due_by().map(|d| d.to_string()).into(),
            doc.to_string().into(),
            1i64.into(),
            now.into(),
            now.into(),
            record_state(c).into(),
            slot_time(c).into(),
            venue_key(c).into(),
        ]);
        for child in c.children() {
            self.child.push([id.into(), child.child_id.as_str().into()]);
        }
        for (user, relationship) in people_of(c, None) {
            self.person.push([id.into(), user.into(), relationship.into()]);
        }
        crate::participation::push(&mut self.participation, c);
        crate::list_summary::push(&mut self.summary, c);
        Ok(())
    }

    /// Inserts every row added, parents first, in `tx`.
    pub(crate) async fn insert(self, tx: &mut Tx) -> Result<()> {
        for rows in [self.conference, self.child, self.person, self.participation, self.summary] {
            rows.insert(tx).await?;
        }
        Ok(())
    }
}

/// A conference as stored: the aggregate and the version a change must name.
#[derive(Debug, Clone)]
pub struct Stored {
    pub conference: Conference,
    pub version: i64,
    pub note_taker: Option<UserId>,
}

/// Loads a conference and its version.
pub async fn load(db: &Db, id: &str) -> Result<Stored> {
    let row = sqlx::query("SELECT doc, version, note_taker_id FROM conference WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    stored_from_row(&row)
}

/// The time the conference meets, for the `slot_time` column.
fn slot_time(c: &Conference) -> Option<String> {
    c.slot().map(|s| s.time.format("%H:%M").to_string())
}

/// Its room as compared for clashes, for the `venue_key` column.
fn venue_key(c: &Conference) -> Option<String> {
    c.slot()
        .and_then(|s| s.venue.as_deref())
        .map(confer_domain::conference::clashes::room_key)
        .filter(|k| !k.is_empty())
}

/// Where the conference's record stands, for the `record_state` column.
fn record_state(c: &Conference) -> &'static str {
    if c.record().latest().is_some() {
        RECORD_APPROVED
    } else if c.record().draft.is_some() {
        "draft"
    } else {
        "none"
    }
}

const RECORD_APPROVED: &str = "approved";

/// A chair's closed conferences held between two days whose record has no approved version
/// yet (MIN-02/03), with their documents; oldest first.
pub async fn chaired_records_to_approve(
    db: &Db,
    chair: &UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(ConferenceRow, Stored)>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS}, c.doc, c.note_taker_id FROM conference c JOIN family f ON f.id = c.family_id \
         WHERE c.chair_id = $1 AND c.state = $2 AND c.date >= $3 AND c.date <= $4 \
         AND (c.record_state IS NULL OR c.record_state <> $5) ORDER BY c.date, c.id"
    ))
    .bind(chair.as_str())
    .bind(ConferenceState::Closed.as_str())
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(RECORD_APPROVED)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let stored = stored_from_row(r)?;
        // (Rows saved before the column existed are decided by their document.)
        if stored.conference.record().latest().is_none() {
            out.push((row_from(r)?, stored));
        }
    }
    Ok(out)
}

/// The authority's conferences booked on a day (scheduled or running) that could clash with
/// `candidate`: the same chair, the same room or the same allocated social worker (the
/// columns narrow the day's conferences to those; the domain then compares times). With
/// their family's name.
/// One booking that may clash, with its family (the name to show only to those the access
/// policy lets see that family).
pub struct PossibleClash {
    pub booking: confer_domain::conference::clashes::Booking,
    pub family_id: String,
    pub family_name: String,
}

pub async fn possible_clashes(
    db: &Db,
    authority: &AuthorityId,
    candidate: &confer_domain::conference::clashes::Booking,
) -> Result<Vec<PossibleClash>> {
    let room = candidate.venue.as_deref().map(confer_domain::conference::clashes::room_key).unwrap_or_default();
    // Only starts close enough to overlap ("HH:MM" text sorts as time does); the domain then
    // decides exactly.
    let reach = chrono::Duration::minutes(confer_domain::conference::clashes::ASSUMED_LENGTH_MINUTES);
    let (earliest, latest) =
        (candidate.time.overflowing_sub_signed(reach), candidate.time.overflowing_add_signed(reach));
    let earliest = if earliest.1 != 0 { "00:00".to_owned() } else { earliest.0.format("%H:%M").to_string() };
    let latest = if latest.1 != 0 { "24:00".to_owned() } else { latest.0.format("%H:%M").to_string() };
    // The day's conferences are filtered on the index `conference_day` alone (it holds every
    // column the filter reads; the worker's cases are a small set found by their index), and
    // only the few that may clash are read in full with their family's name: on a busy day
    // of a large authority that is a handful of rows instead of hundreds (issue 12).
    let rows = sqlx::query(
        "SELECT c.doc, c.version, c.note_taker_id, c.family_id AS clash_family_id, f.name AS family_name FROM ( \
           SELECT id FROM conference WHERE authority_id = $1 AND date = $2 AND state IN ($3, $4) \
           AND (slot_time IS NULL OR (slot_time > $9 AND slot_time < $10 \
                AND (chair_id = $6 OR venue_key = $7 \
                     OR case_id IN (SELECT id FROM family_case WHERE allocated_worker_id = $8))))) day \
         CROSS JOIN conference c JOIN family f ON f.id = c.family_id WHERE c.id = day.id AND c.id <> $5",
    )
    .bind(authority.as_str())
    .bind(candidate.date.to_string())
    .bind(ConferenceState::Scheduled.as_str())
    .bind(ConferenceState::InProgress.as_str())
    .bind(candidate.conference_id.as_str())
    .bind(candidate.chair.as_str())
    .bind(room)
    .bind(candidate.allocated_worker.as_str())
    .bind(earliest)
    .bind(latest)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let stored = stored_from_row(r)?;
        if let Some(b) = confer_domain::conference::clashes::Booking::of(&stored.conference) {
            out.push(PossibleClash {
                booking: b,
                family_id: text(r, "clash_family_id")?,
                family_name: text(r, "family_name")?,
            });
        }
    }
    Ok(out)
}

/// Many conferences' documents in a few queries (for lists), by id; ids not found are left out.
pub async fn load_many(db: &Db, ids: &[&str]) -> Result<std::collections::HashMap<String, Stored>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT id, doc, version, note_taker_id FROM conference WHERE id IN ({marks})");
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(db.pool()).await? {
            out.insert(text(&row, "id")?, stored_from_row(&row)?);
        }
    }
    Ok(out)
}

fn stored_from_row(row: &sqlx::any::AnyRow) -> Result<Stored> {
    let doc = text(row, "doc")?;
    Ok(Stored {
        conference: serde_json::from_str(&doc).map_err(corrupt)?,
        version: int(row, "version")?,
        note_taker: opt_text(row, "note_taker_id")?.map(UserId),
    })
}

/// Where a conference belongs, without reading its document: for the access check.
#[derive(Debug, Clone)]
pub struct Owner {
    pub authority_id: AuthorityId,
    pub family_id: FamilyId,
    /// The family's name, for page titles.
    pub family_name: String,
}

pub async fn owner(db: &Db, id: &str) -> Result<Option<Owner>> {
    let row = sqlx::query(
        "SELECT c.authority_id, c.family_id, f.name AS family_name FROM conference c \
         JOIN family f ON f.id = c.family_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(Owner {
            authority_id: AuthorityId(text(&r, "authority_id")?),
            family_id: FamilyId(text(&r, "family_id")?),
            family_name: text(&r, "family_name")?,
        })
    })
    .transpose()
}

/// What a change is, for the audit trail and the note taker.
pub struct Change<'a> {
    pub actor: &'a str,
    /// The audit action, such as `conference.schedule`.
    pub action: &'a str,
    /// `Some` to set (or, with `Some(None)`, clear) the conference's note taker.
    pub note_taker: Option<Option<&'a str>>,
    /// A file the change names (a report sent as a file): stored in the same transaction,
    /// under the number of the report whose file it is.
    pub document: Option<&'a crate::documents::NewDocument<'a>>,
    /// A document the change sends (a format request met, LANG-02/03): logged in the documents
    /// log (REP-04) in the same transaction, so the log and the conference never disagree.
    pub sent: Option<&'a crate::documents_sent::NewSent<'a>>,
    /// PLAN-05, CG-02: when the change closes a review that ends a plan with a core group
    /// meeting arranged, what each member invited is sent of its cancellation (prepared by the
    /// operation, which knows the members' addresses and languages). Without it the meeting
    /// is still cancelled, its calendar entry withdrawn and the cancellation audited, but no
    /// one is written to.
    pub ended_meetings: Option<&'a crate::plans::TellEnded<'a>>,
}

impl<'a> Change<'a> {
    pub fn new(actor: &'a str, action: &'a str) -> Self {
        Change { actor, action, note_taker: None, document: None, sent: None, ended_meetings: None }
    }
}

/// Applies one domain operation to a conference that is still at `expected_version`, in one
/// transaction with its audit event. Returns the operation's result and the new version.
pub async fn save<T>(
    db: &Db,
    id: &str,
    expected_version: i64,
    change: Change<'_>,
    operation: impl FnOnce(&mut Conference) -> Outcome<T>,
) -> std::result::Result<(T, i64), SaveError<ConferenceError>> {
    let mut tx = db.begin().await?;
    let row = versioned::read_at(
        &mut tx,
        "SELECT doc, version, note_taker_id FROM conference WHERE id = $1",
        &[id],
        expected_version,
    )
    .await?;
    let stored = stored_from_row(&row)?;
    let mut c = stored.conference;
    let before = serde_json::to_value(&c).map_err(corrupt)?;
    let was = c.clone();
    let out = operation(&mut c)?;
    // DIS-02: a dissent the policy escalates is told to the named managers in this transaction.
    let escalate_to =
        if c.dissents_to_escalate().is_empty() { Vec::new() } else { escalation_recipients(&mut tx, &c).await? };
    if !escalate_to.is_empty() {
        c.escalate_dissents(db.clock().now());
    }
    let after = serde_json::to_value(&c).map_err(corrupt)?;
    let note_taker = match change.note_taker {
        Some(n) => n.map(str::to_owned),
        None => stored.note_taker.map(|u| u.0),
    };
    let doc = after.to_string();
    // The version in the WHERE clause makes the write itself the check: of two transactions
    // that read the same version, the second finds no row to update (PostgreSQL re-checks
    // the condition once the first commits; SQLite has serialised them already).
    let updated = sqlx::query(
        "UPDATE conference SET state = $3, date = $4, chair_id = $5, note_taker_id = $6, due_by = $7, next_review_on = $8, \
         outcome_due_by = $9, doc = $10, version = version + 1, updated_at = $11, record_state = $12, slot_time = $13, \
         venue_key = $14 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(expected_version)
    .bind(c.state().as_str())
    .bind(c.date().map(|d| d.to_string()))
    .bind(c.chair().map(|u| u.as_str().to_owned()))
    .bind(note_taker.as_deref())
    .bind(c.due_by().to_string())
    .bind(c.next_review().map(|n| n.on.to_string()))
    .bind(c.outcome_due_by().map(|d| d.to_string()))
    .bind(&doc)
    .bind(tx.now())
    .bind(record_state(&c))
    .bind(slot_time(&c))
    .bind(venue_key(&c))
    .execute(&mut *tx)
    .await?;
    let mut tx = versioned::written(db, tx, updated.rows_affected(), "conference", id, expected_version).await?;
    write_people(&mut tx, &c, note_taker.as_deref()).await?;
    // Issue 15: the dashboards' participation figures, from the document as saved.
    crate::participation::write(&mut tx, &c).await?;
    // Issue 12: what the lists of conferences show of it.
    crate::list_summary::write(&mut tx, &c).await?;
    if let Some(d) = change.document {
        // The file is kept only when the change attached it to a report.
        let report = c.reports().iter().find(|r| r.file.as_ref().is_some_and(|f| f.document_id == d.id));
        if let Some(r) = report {
            crate::documents::insert(&mut tx, c.authority_id().as_str(), id, r.id.0, d, change.actor).await?;
        }
    }
    if let Some(sent) = change.sent {
        crate::documents_sent::log_in(&mut tx, sent).await?;
    }
    sync_deadlines(db, &mut tx, &c, change.actor, None).await?;
    if was.state() != ConferenceState::Cancelled && c.state() == ConferenceState::Cancelled {
        let on = c.cancellation().map(|x| x.at.date_naive()).unwrap_or_else(|| db.today());
        crate::deadlines::cancel_for_conference(&mut tx, &c, true, on, change.actor).await?;
    }
    sync_case_stage(&mut tx, &c, change.actor).await?;
    // PLAN-03, PLAN-05: the plans the conference decided, made or changed in its transaction.
    crate::plans::follow_conference(db, &mut tx, &was, &c, change.actor, change.ended_meetings).await?;
    tell_invitees_of_changes(&mut tx, &was, &c, change.actor).await?;
    // QA-01: once the outcome is sent, the people asked for feedback, with their links.
    crate::feedback::invite_in(&mut tx, &was, &c, change.actor).await?;
    tell_of_escalation(&mut tx, &c, &escalate_to, change.actor).await?;
    let (before, after) = changed_parts(before, after);
    audit::record(
        &mut tx,
        Entry {
            authority_id: c.authority_id().as_str(),
            actor: change.actor,
            kind: EventKind::Change,
            action: change.action,
            entity_type: "conference",
            entity_id: id,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((out, expected_version + 1))
}

/// The top-level parts of the aggregate that a change touched, before and after: the audit
/// event keeps what changed without a copy of the whole conference each time.
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

/// A row of a list of conferences.
#[derive(Debug, Clone, Serialize)]
pub struct ConferenceRow {
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub kind: String,
    pub state: String,
    pub date: Option<NaiveDate>,
    pub chair_id: Option<String>,
    pub due_by: Option<NaiveDate>,
    pub next_review_on: Option<NaiveDate>,
    pub children: i64,
    pub version: i64,
}

const ROW_COLUMNS: &str = "c.id, c.family_id, f.name AS family_name, c.kind, c.state, c.date, c.chair_id, c.due_by, \
    c.next_review_on, c.version, (SELECT COUNT(*) FROM conference_child cc WHERE cc.conference_id = c.id) AS children";

fn row_from(r: &sqlx::any::AnyRow) -> Result<ConferenceRow> {
    Ok(ConferenceRow {
        id: text(r, "id")?,
        family_id: text(r, "family_id")?,
        family_name: text(r, "family_name")?,
        kind: text(r, "kind")?,
        state: text(r, "state")?,
        date: date(r, "date")?,
        chair_id: opt_text(r, "chair_id")?,
        due_by: date(r, "due_by")?,
        next_review_on: date(r, "next_review_on")?,
        children: int(r, "children")?,
        version: int(r, "version")?,
    })
}

/// The conferences of a family, newest first.
pub async fn of_family(db: &Db, family_id: &str) -> Result<Vec<ConferenceRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM conference c JOIN family f ON f.id = c.family_id WHERE c.family_id = $1 \
         ORDER BY c.created_at DESC, c.id"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// The conferences a person is invited to as a professional (ROLE-04), with their documents,
/// the latest first, at most `limit`: one query, whatever their number.
pub async fn invited_to(
    db: &Db,
    authority: &AuthorityId,
    user: &UserId,
    limit: i64,
) -> Result<Vec<(ConferenceRow, Stored)>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS}, c.doc, c.note_taker_id FROM conference_person cp JOIN conference c ON c.id = cp.conference_id \
         JOIN family f ON f.id = c.family_id WHERE cp.user_id = $1 AND cp.relationship = $2 AND c.authority_id = $3 \
         ORDER BY CASE WHEN c.date IS NULL THEN 0 ELSE 1 END, c.date DESC, c.id LIMIT {}",
        limit.clamp(1, 1000)
    ))
    .bind(user.as_str())
    .bind(INVITED)
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((row_from(r)?, stored_from_row(r)?))).collect()
}

/// A chair's conferences held between two days (inclusive), by date.
pub async fn chaired_between(db: &Db, chair: &UserId, from: NaiveDate, to: NaiveDate) -> Result<Vec<ConferenceRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM conference c JOIN family f ON f.id = c.family_id WHERE c.chair_id = $1 \
         AND c.date >= $2 AND c.date <= $3 AND c.state <> $4 ORDER BY c.date, c.id"
    ))
    .bind(chair.as_str())
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(ConferenceState::Cancelled.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// Requests waiting to be scheduled, the most urgent (earliest due) first: the coordinator's
/// queue, at most `limit` of them (read in that order from the `conference_waiting` index, so
/// the first page of a long queue costs what a short queue does). [`count`] gives how many wait.
pub async fn waiting_to_be_scheduled(db: &Db, authority: &AuthorityId, limit: i64) -> Result<Vec<ConferenceRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM conference c JOIN family f ON f.id = c.family_id WHERE c.authority_id = $1 \
         AND c.state = $2 ORDER BY c.due_by, c.created_at, c.id LIMIT $3"
    ))
    .bind(authority.as_str())
    .bind(ConferenceState::Requested.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_from).collect()
}

/// What a list of an authority's conferences is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<ConferenceState>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

/// The conditions of a [`Filter`] (alias `c`), and their binds after the authority (`$1`):
/// only the filters given become conditions, so each shape of list gets a plan for itself
/// (a condition such as `($2 = '' OR c.state = $2)` would keep the database from using the
/// index on state and date).
fn filter_sql(filter: &Filter) -> (String, Vec<String>) {
    let mut sql = String::from("c.authority_id = $1");
    let mut binds = Vec::new();
    let mut add = |cond: &str, value: String, binds: &mut Vec<String>| {
        binds.push(value);
        sql.push_str(&format!(" AND {cond} ${}", binds.len() + 1));
    };
    if let Some(s) = filter.state {
        add("c.state =", s.as_str().to_owned(), &mut binds);
    }
    if let Some(d) = filter.from {
        add("c.date >=", d.to_string(), &mut binds);
    }
    if let Some(d) = filter.to {
        add("c.date <=", d.to_string(), &mut binds);
    }
    (sql, binds)
}

/// An authority's conferences by state and date (paged); undated requests come last.
pub async fn list(db: &Db, authority: &AuthorityId, filter: &Filter) -> Result<Vec<ConferenceRow>> {
    let (cond, binds) = filter_sql(filter);
    // With a first day, every conference listed has a date: the index gives them in order.
    let order = if filter.from.is_some() {
        "c.date, c.due_by, c.id"
    } else {
        "CASE WHEN c.date IS NULL THEN 1 ELSE 0 END, c.date, c.due_by, c.id"
    };
    let n = binds.len();
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM conference c JOIN family f ON f.id = c.family_id WHERE {cond} \
         ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 2,
        n + 3
    );
    let mut q = sqlx::query(&sql).bind(authority.as_str());
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.bind(filter.limit).bind(filter.offset).fetch_all(db.pool()).await?;
    rows.iter().map(row_from).collect()
}

/// How many of an authority's conferences a [`Filter`] matches (its limit and offset aside):
/// "the first 100 of 3,596".
pub async fn count(db: &Db, authority: &AuthorityId, filter: &Filter) -> Result<i64> {
    let (cond, binds) = filter_sql(filter);
    let sql = format!("SELECT COUNT(*) AS n FROM conference c WHERE {cond}");
    let mut q = sqlx::query(&sql).bind(authority.as_str());
    for b in &binds {
        q = q.bind(b.clone());
    }
    let row = q.fetch_one(db.pool()).await?;
    int(&row, "n")
}

/// How a user stands towards one conference of a family: the family's relationships
/// (allocated worker, management line), with `ConferenceChair` and `Invited` taken from
/// this conference only. A professional invited to one conference of the family does not
/// reach the family's other conferences.
pub async fn relationships(db: &Db, user: &UserId, family_id: &str, conference_id: &str) -> Result<Vec<Relationship>> {
    crate::families::relationships_in(db, user, family_id, Some(conference_id)).await
}

/// The relationships of `user` to each of several conferences (`(family_id, conference_id)`),
/// as [`relationships`] reads them one at a time, in two queries whatever their number (the
/// clashes of a busy day name each other conference only to those who may see it).
pub async fn relationships_to_each(
    db: &Db,
    user: &UserId,
    conferences: &[(&str, &str)],
) -> Result<Vec<Vec<Relationship>>> {
    if conferences.is_empty() {
        return Ok(Vec::new());
    }
    let n = conferences.len();
    let families: Vec<String> = (0..n).map(|i| format!("${}", i + 2)).collect();
    let ids: Vec<String> = (0..n).map(|i| format!("${}", n + i + 2)).collect();
    let sql = format!(
        "SELECT 'worker' AS k, allocated_worker_id AS v, family_id AS f, '' AS c FROM family_case WHERE family_id IN ({fs}) \
         UNION ALL SELECT 'conference' AS k, relationship AS v, '' AS f, conference_id AS c FROM conference_person \
           WHERE conference_id IN ({cs}) AND user_id = $1 \
         UNION ALL SELECT 'portal' AS k, '' AS v, family_id AS f, '' AS c FROM portal_person \
           WHERE family_id IN ({fs}) AND user_id = $1",
        fs = families.join(", "),
        cs = ids.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(user.as_str());
    for (f, _) in conferences {
        q = q.bind(*f);
    }
    for (_, c) in conferences {
        q = q.bind(*c);
    }
    let rows = q.fetch_all(db.pool()).await?;
    let mut found: Vec<(String, String, String, String)> = Vec::with_capacity(rows.len());
    for row in &rows {
        found.push((text(row, "k")?, text(row, "v")?, text(row, "f")?, text(row, "c")?));
    }
    // The management lines of the other allocated workers, in one query.
    let others: Vec<&str> = {
        let mut o: Vec<&str> = found
            .iter()
            .filter(|(k, v, _, _)| k == "worker" && v != user.as_str())
            .map(|(_, v, _, _)| v.as_str())
            .collect();
        o.sort_unstable();
        o.dedup();
        o
    };
    let managed: std::collections::HashSet<String> = if others.is_empty() {
        Default::default()
    } else {
        let marks: Vec<String> = (0..others.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!(
            "WITH RECURSIVE up(id, manager) AS (SELECT id, line_manager_id FROM user_account WHERE id IN ({}) \
             UNION SELECT u.id, u.line_manager_id FROM user_account u JOIN up ON u.id = up.manager) SELECT id, manager FROM up",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for o in &others {
            q = q.bind(*o);
        }
        let mut manager_of = std::collections::HashMap::new();
        for r in q.fetch_all(db.pool()).await? {
            if let Some(m) = opt_text(&r, "manager")? {
                manager_of.insert(text(&r, "id")?, m);
            }
        }
        others
            .iter()
            .filter(|w| {
                confer_domain::model::management_line(&UserId((**w).to_owned()), |u| {
                    manager_of.get(u.as_str()).cloned().map(UserId)
                })
                .contains(user)
            })
            .map(|w| (*w).to_owned())
            .collect()
    };
    Ok(conferences
        .iter()
        .map(|(family, conference)| {
            let mut out = Vec::new();
            for (k, v, f, c) in &found {
                match k.as_str() {
                    "worker" if f == family && v == user.as_str() => out.push(Relationship::AllocatedWorker),
                    "worker" if f == family && managed.contains(v) => out.push(Relationship::ManagerOfAllocatedWorker),
                    "conference" if c == conference => out.extend(relationship_of_person(v)),
                    "portal" if f == family => out.push(Relationship::FamilyMember),
                    _ => {}
                }
            }
            out.sort();
            out.dedup();
            out
        })
        .collect())
}

/// The relationship a row of `conference_person` gives.
pub(crate) fn relationship_of_person(relationship: &str) -> Option<Relationship> {
    match relationship {
        CHAIR => Some(Relationship::ConferenceChair),
        INVITED | NOTE_TAKER => Some(Relationship::Invited),
        _ => None,
    }
}

/// A professional of the authority with their agency, for a conference request.
pub async fn professional(db: &Db, authority: &AuthorityId, id: &str) -> Result<Option<(Professional, Agency)>> {
    let row = sqlx::query(
        "SELECT p.id, p.agency_id, p.name, p.job_title, p.email, p.user_id, a.name AS agency_name, a.kind \
         FROM professional p JOIN agency a ON a.id = p.agency_id WHERE p.id = $1 AND p.authority_id = $2",
    )
    .bind(id)
    .bind(authority.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let kind = text(&r, "kind")?;
    Ok(Some((
        Professional {
            id: ProfessionalId(text(&r, "id")?),
            agency_id: AgencyId(text(&r, "agency_id")?),
            name: text(&r, "name")?,
            job_title: text(&r, "job_title")?,
            email: text(&r, "email")?,
            user_id: opt_text(&r, "user_id")?.map(UserId),
        },
        Agency {
            id: AgencyId(text(&r, "agency_id")?),
            authority_id: authority.clone(),
            name: text(&r, "agency_name")?,
            kind: AgencyKind::parse(&kind).unwrap_or(AgencyKind::Other),
        },
    )))
}

/// Logs a read of a conference (ROLE-11), against the family whose record it is.
pub async fn log_read(
    db: &Db,
    authority: &AuthorityId,
    actor: &UserId,
    family_id: &str,
    conference_id: &str,
) -> Result<()> {
    log_read_as(db, authority, actor, family_id, conference_id, "conference.read").await
}

/// Logs a read of part of a conference (ROLE-11), such as one recipient's copy of the record,
/// under its own action.
pub async fn log_read_as(
    db: &Db,
    authority: &AuthorityId,
    actor: &UserId,
    family_id: &str,
    conference_id: &str,
    action: &str,
) -> Result<()> {
    audit::record_read(
        db,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Read,
            action,
            entity_type: "family",
            entity_id: family_id,
            before: Value::Null,
            after: json!({ "conference_id": conference_id }),
        },
    )
    .await?;
    Ok(())
}

/// A person's e-mail address and first language, each as held (either may be missing).
type EmailAndLanguage = (Option<String>, Option<String>);

/// Tells people by e-mail, through a message in the outbox written in the same transaction:
/// each person newly invited gets their invitation (INV-01, INV-02), and everyone invited is
/// told when the conference moves (date, time, place or link) or is cancelled. The words are
/// the domain's (`confer_domain::notices`): nothing restricted, no names, no reports.
async fn tell_invitees_of_changes(tx: &mut Tx, before: &Conference, c: &Conference, actor: &str) -> Result<()> {
    use confer_domain::conference::notify::{may_have_calendar_entry, told_of_change, Told};
    use confer_domain::conference::Invitee;
    use confer_domain::notices::{self, About, Audience, CalendarLanguage};
    // Who is told what is the domain's rule (issue 11); this only carries it out.
    let told = told_of_change(before, c);
    if told.is_empty() {
        return Ok(());
    }
    let authority = sqlx::query("SELECT name, nation FROM authority WHERE id = $1")
        .bind(c.authority_id().as_str())
        .fetch_one(&mut **tx)
        .await?;
    let authority_name = text(&authority, "name")?;
    let nation = confer_domain::Nation::parse(&text(&authority, "nation")?)
        .ok_or_else(|| StoreError::Corrupt("authority nation".into()))?;
    let about = About::new(c.kind(), &authority_name, nation);
    // Issue 14: the calendar entry's UID and sequence, once for the whole change: a new date,
    // time or place or the cancellation raises the sequence; a first invitation makes the
    // entry. A cancelled meeting that was never in anyone's calendar gets no entry.
    let changed = told.iter().any(|(_, t)| matches!(t, Told::Moved | Told::Cancelled));
    let creates = told.iter().any(|(_, t)| matches!(t, Told::Invitation | Told::Moved));
    let slot = c.slot().or(before.slot()).cloned();
    let entry = match &slot {
        Some(_) => {
            crate::calendar_entries::sequence(
                tx,
                c.authority_id().as_str(),
                c.family_id().as_str(),
                "conference",
                c.id().as_str(),
                changed,
                creates,
            )
            .await?
        }
        None => None,
    };
    let stamp = tx.clock().now();
    for (id, what) in told {
        let Some(invitation) = c.invitations().iter().find(|i| i.id == id) else { continue };
        let (contact, audience): (Option<EmailAndLanguage>, Audience) = match &invitation.invitee {
            Invitee::FamilyMember { adult_id } => (
                // Issue 14: someone who asked for letters by post gets them as if they had no
                // e-mail address: on the print list.
                sqlx::query(
                    "SELECT CASE WHEN prefers_post = 0 THEN email END AS email, first_language FROM adult WHERE id = $1",
                )
                    .bind(adult_id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(|r| {
                        (
                            crate::opt_text(&r, "email").ok().flatten(),
                            crate::opt_text(&r, "first_language").ok().flatten(),
                        )
                    }),
                Audience::Family,
            ),
            Invitee::Professional { professional_id } => (
                sqlx::query("SELECT email FROM professional WHERE id = $1")
                    .bind(professional_id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(|r| (crate::opt_text(&r, "email").ok().flatten(), None)),
                Audience::Professional,
            ),
            _ => (None, Audience::Family),
        };
        let Some((email, first_language)) = contact else { continue };
        // LANG-04: every message to this person in their language (Welsh to a Welsh speaker
        // in any nation), as the calendar entry and the letter are.
        let about = about.to(first_language.as_deref());
        let Some(email) = email.filter(|e| e.contains('@')) else {
            // Issue 14: a family member without an e-mail address gets the invitation (or its
            // new date, time or place, or the cancellation) as a letter on the authority's
            // print list.
            if let Invitee::FamilyMember { adult_id } = &invitation.invitee {
                let language = match CalendarLanguage::for_recipient(nation, first_language.as_deref()) {
                    CalendarLanguage::Welsh => "cy",
                    _ => "en",
                };
                let kind = if what == Told::Cancelled { "cancellation-letter" } else { "invitation-letter" };
                let recipient = format!("family-member:{}", adult_id.as_str());
                // Issue 14: a letter still waiting on the print list for a conference that
                // moved or was cancelled is withdrawn, never printed with the old day: the
                // letter written now (the new day, or the cancellation) replaces it.
                if matches!(what, Told::Moved | Told::Cancelled) {
                    crate::documents_sent::withdraw_waiting(
                        tx,
                        c.authority_id().as_str(),
                        c.family_id().as_str(),
                        crate::documents_sent::LettersAbout::Conference(c.id().as_str()),
                        &recipient,
                        actor,
                    )
                    .await?;
                }
                crate::documents_sent::request_letter(
                    tx,
                    c.authority_id().as_str(),
                    c.family_id().as_str(),
                    c.id().as_str(),
                    &recipient,
                    kind,
                    language,
                    &crate::stamp(stamp),
                )
                .await?;
                // Issue 14: and, with a mobile number, who has not asked for post, where the
                // authority sends text messages, a short text that the letter is on its way.
                let mobile = sqlx::query("SELECT phone FROM adult WHERE id = $1 AND prefers_post = 0")
                    .bind(adult_id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?
                    .and_then(|r| crate::opt_text(&r, "phone").ok().flatten())
                    .filter(|p| p.chars().filter(char::is_ascii_digit).count() >= 10);
                if let Some(phone) = mobile {
                    if crate::channels::sms_on(tx, c.authority_id().as_str()).await? {
                        let slot_now = if what == Told::Cancelled { None } else { c.slot() };
                        let text = notices::text_message(about, slot_now);
                        crate::outbox::enqueue_sms(tx, c.authority_id().as_str(), &phone, &text, &crate::stamp(stamp))
                            .await?;
                    }
                }
            }
            continue;
        };
        let notice = match (what, c.slot()) {
            (Told::Cancelled, _) => notices::cancelled(about),
            (Told::Invitation, Some(slot)) => notices::invitation(about, slot, audience),
            (Told::Moved, Some(slot)) => notices::moved(about, slot),
            _ => continue,
        };
        let calendar = match (&entry, &slot) {
            (Some((uid, sequence)), Some(slot)) if may_have_calendar_entry(c, &invitation.invitee) => {
                let language = CalendarLanguage::for_recipient(nation, first_language.as_deref());
                let e = notices::calendar_entry(about, slot, language);
                Some(
                    crate::calendar_entries::Attachment {
                        uid: uid.clone(),
                        sequence: *sequence,
                        cancel: what == Told::Cancelled,
                        start: crate::uk_time::instant(e.start),
                        end: crate::uk_time::instant(e.end),
                        summary: e.summary,
                        description: e.description,
                        location: e.location,
                        stamp,
                    }
                    .to_json(),
                )
            }
            _ => None,
        };
        let outbox_id = crate::new_id();
        crate::outbox::enqueue(
            tx,
            &crate::outbox::NewMessage {
                id: &outbox_id,
                authority_id: c.authority_id().as_str(),
                recipient: &email,
                subject: &notice.subject,
                body: &notice.body,
                created_at: &crate::stamp(stamp),
                secret: 0,
                calendar,
            },
        )
        .await?;
        // Issue 14: should GOV.UK Notify say this e-mail can never be delivered, the
        // conference page says so, and a family member gets the same news as a letter.
        let recipient = match &invitation.invitee {
            Invitee::FamilyMember { adult_id } => Some(format!("family-member:{}", adult_id.as_str())),
            _ => None,
        };
        let language = match CalendarLanguage::for_recipient(nation, first_language.as_deref()) {
            CalendarLanguage::Welsh => "cy",
            _ => "en",
        };
        let fallback = recipient.as_deref().map(|recipient| crate::notify_status::LetterFallback {
            recipient,
            kind: if what == Told::Cancelled { "cancellation-letter" } else { "invitation-letter" },
            language,
        });
        crate::notify_status::set_about(tx, &outbox_id, c.family_id().as_str(), c.id().as_str(), fallback.as_ref())
            .await?;
    }
    Ok(())
}

/// DIS-02: who is told of an escalated dissent: the team manager of the family's allocated
/// worker (the management line) and the authority's safeguarding (quality assurance or
/// service) managers; accounts still enabled, with an address. Nobody: the dissent stays to be
/// escalated (`Conference::dissents_to_escalate`).
async fn escalation_recipients(tx: &mut Tx, c: &Conference) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.email FROM user_account u WHERE u.authority_id = $1 AND u.disabled = 0 AND (\
           u.id IN (SELECT w.line_manager_id FROM user_account w WHERE w.id = $2) \
           OR u.id IN (SELECT r.user_id FROM user_role r WHERE r.role = $3)) ORDER BY u.id",
    )
    .bind(c.authority_id().as_str())
    .bind(c.allocated_worker().as_str())
    .bind(confer_domain::Role::QualityAssurance.as_str())
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let email = text(r, "email")?;
        if email.contains('@') {
            out.push((text(r, "id")?, email));
        }
    }
    Ok(out)
}

/// DIS-02: the notice to each manager, through the outbox in the conference's transaction,
/// audited (who was told, by account id: no address, no names).
async fn tell_of_escalation(tx: &mut Tx, c: &Conference, to: &[(String, String)], actor: &str) -> Result<()> {
    if to.is_empty() {
        return Ok(());
    }
    let authority = sqlx::query("SELECT name, nation FROM authority WHERE id = $1")
        .bind(c.authority_id().as_str())
        .fetch_one(&mut **tx)
        .await?;
    let authority_name = text(&authority, "name")?;
    let nation = confer_domain::Nation::parse(&text(&authority, "nation")?)
        .ok_or_else(|| StoreError::Corrupt("authority nation".into()))?;
    let about = confer_domain::notices::About::new(c.kind(), &authority_name, nation);
    let notice = confer_domain::notices::dissent_escalated(about, c.id().as_str());
    for (_, email) in to {
        let now = tx.now();
        crate::outbox::enqueue(
            tx,
            &crate::outbox::NewMessage {
                id: &crate::new_id(),
                authority_id: c.authority_id().as_str(),
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
    let told: Vec<&str> = to.iter().map(|(id, _)| id.as_str()).collect();
    audit::record(
        tx,
        Entry {
            authority_id: c.authority_id().as_str(),
            actor,
            kind: EventKind::Change,
            action: "dissent.escalated",
            entity_type: "conference",
            entity_id: c.id().as_str(),
            before: Value::Null,
            after: json!({ "told": told }),
        },
    )
    .await?;
    Ok(())
}

/// How many conferences of an authority are in a state (for dashboards: a count, not rows).
pub async fn count_in_state(db: &Db, authority: &AuthorityId, state: ConferenceState) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM conference WHERE authority_id = $1 AND state = $2")
        .bind(authority.as_str())
        .bind(state.as_str())
        .fetch_one(db.pool())
        .await?;
    int(&row, "n")
}

/// Keeps the case's deadlines in step with the conference (in the caller's transaction): the
/// deadlines it sets are stored once, computed with the authority's calendar and the policy in
/// force on their trigger date; those it meets are marked met, with the conference's reason
/// when late (TIME-01).
/// Moves the family's case to the stage the conference leaves it at
/// ([`Conference::case_stage`]), in the conference's transaction, with its own audit event.
async fn sync_case_stage(tx: &mut Tx, c: &Conference, actor: &str) -> Result<()> {
    let Some(stage) = c.case_stage() else { return Ok(()) };
    let row = sqlx::query("SELECT stage FROM family_case WHERE id = $1")
        .bind(c.case_id().as_str())
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let before = text(&row, "stage")?;
    if before == stage.as_str() {
        return Ok(());
    }
    sqlx::query("UPDATE family_case SET stage = $2 WHERE id = $1")
        .bind(c.case_id().as_str())
        .bind(stage.as_str())
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        Entry {
            authority_id: c.authority_id().as_str(),
            actor,
            kind: EventKind::Change,
            action: "case.stage",
            entity_type: "family",
            entity_id: c.family_id().as_str(),
            before: json!({ "case_id": c.case_id().as_str(), "stage": before }),
            after: json!({ "case_id": c.case_id().as_str(), "stage": stage.as_str(), "conference_id": c.id().as_str() }),
        },
    )
    .await?;
    Ok(())
}

/// REV-01: a review conference held meets the review deadline the conference before it set
/// (the first or next review, triggered on the day that one was held) when it is held by the
/// due day; a late one is left open for `/deadlines` to close with its reason, as core group
/// meetings leave theirs. Audited in the conference's transaction.
async fn meet_review_deadline(tx: &mut Tx, c: &Conference, actor: &str) -> Result<()> {
    use confer_domain::conference::ConferenceKind;
    use confer_domain::timescales::DeadlineRule;
    if c.kind() != ConferenceKind::Review || c.state() == ConferenceState::Cancelled {
        return Ok(());
    }
    let (Some(held), Some(previous)) = (c.started_at().and(c.date()), c.previous()) else { return Ok(()) };
    let row = sqlx::query(
        "SELECT id, due_on FROM deadline WHERE case_id = $1 AND rule IN ($2, $3) AND trigger_on = $4 \
         AND met_on IS NULL AND cancelled_on IS NULL",
    )
    .bind(c.case_id().as_str())
    .bind(DeadlineRule::FirstReview.as_str())
    .bind(DeadlineRule::NextReview.as_str())
    .bind(previous.held_on.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    if date(&row, "due_on")?.is_some_and(|due| held > due) {
        return Ok(());
    }
    let id = text(&row, "id")?;
    sqlx::query(
        "UPDATE deadline SET met_on = $2, met_recorded_by = $3, met_recorded_at = $4 WHERE id = $1 AND met_on IS NULL",
    )
    .bind(&id)
    .bind(held.to_string())
    .bind(actor)
    .bind(tx.now())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            authority_id: c.authority_id().as_str(),
            actor,
            kind: EventKind::Change,
            action: "deadline.met",
            entity_type: "family",
            entity_id: c.family_id().as_str(),
            before: json!({"deadline_id": id, "met_on": null}),
            after: json!({"deadline_id": id, "met_on": held, "conference_id": c.id()}),
        },
    )
    .await?;
    Ok(())
}

async fn sync_deadlines(db: &Db, tx: &mut Tx, c: &Conference, actor: &str, known: Option<&Rules>) -> Result<()> {
    meet_review_deadline(tx, c, actor).await?;
    let events = c.deadline_events();
    if events.is_empty() {
        return Ok(());
    }
    let mut rules: Option<Rules> = None;
    for e in &events {
        let existing =
            sqlx::query("SELECT id, met_on FROM deadline WHERE case_id = $1 AND rule = $2 AND trigger_on = $3")
                .bind(c.case_id().as_str())
                .bind(e.rule.as_str())
                .bind(e.trigger.to_string())
                .fetch_optional(&mut **tx)
                .await?;
        match existing {
            None => {
                if rules.is_none() && known.is_none() {
                    let authority = crate::users::authority(db, c.authority_id()).await?;
                    rules = Some((
                        crate::calendar::authority_calendar(db, &authority).await?,
                        crate::calendar::policy_history(db, &authority).await?,
                    ));
                }
                let Some((calendar, policies)) = known.or(rules.as_ref()) else { continue };
                let Some(deadline) = e.rule.deadline(e.trigger, calendar, policies) else { continue };
                let id = crate::deadlines::insert_deadline(
                    tx,
                    &crate::deadlines::NewDeadline {
                        authority_id: c.authority_id().as_str(),
                        family_id: c.family_id().as_str(),
                        case_id: c.case_id().as_str(),
                        deadline: &deadline,
                        chair_id: c.chair().map(|u| u.as_str()),
                        met: e.met,
                        late_reason: e.late_reason.as_ref(),
                    },
                    actor,
                )
                .await?;
                audit::record(
                    tx,
                    Entry {
                        authority_id: c.authority_id().as_str(),
                        actor,
                        kind: EventKind::Change,
                        action: "deadline.set",
                        entity_type: "family",
                        entity_id: c.family_id().as_str(),
                        before: Value::Null,
                        after: json!({"deadline_id": id, "conference_id": c.id(), "deadline": deadline, "met": e.met}),
                    },
                )
                .await?;
            }
            Some(row) => {
                let (Some(met), None) = (e.met, opt_text(&row, "met_on")?) else { continue };
                let id = text(&row, "id")?;
                sqlx::query(
                    "UPDATE deadline SET met_on = $2, late_reason = $3, late_details = $4, met_recorded_by = $5, \
                     met_recorded_at = $6 WHERE id = $1 AND met_on IS NULL",
                )
                .bind(&id)
                .bind(met.to_string())
                .bind(e.late_reason.as_ref().map(|r| r.reason.as_str()))
                .bind(e.late_reason.as_ref().map(|r| r.details.clone()))
                .bind(actor)
                .bind(tx.now())
                .execute(&mut **tx)
                .await?;
                audit::record(
                    tx,
                    Entry {
                        authority_id: c.authority_id().as_str(),
                        actor,
                        kind: EventKind::Change,
                        action: "deadline.met",
                        entity_type: "family",
                        entity_id: c.family_id().as_str(),
                        before: json!({"deadline_id": id, "met_on": null}),
                        after: json!({"deadline_id": id, "met_on": met, "late_reason": e.late_reason, "conference_id": c.id()}),
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// The conferences of a family, newest first, and in the same statement the family's
/// complaints (RIGHT-02), newest first: the family's page shows both and is at its statement
/// budget, so they are read as one UNION (a row's `row_kind` says which it is).
pub async fn of_family_with_complaints(
    db: &Db,
    family_id: &str,
) -> Result<(Vec<ConferenceRow>, Vec<crate::complaints::Stored>)> {
    let rows = sqlx::query(&format!(
        "SELECT 'conference' AS row_kind, c.created_at AS made_at, c.authority_id, NULL AS doc, {ROW_COLUMNS} \
         FROM conference c JOIN family f ON f.id = c.family_id WHERE c.family_id = $1 \
         UNION ALL \
         SELECT 'complaint' AS row_kind, k.created_at AS made_at, k.authority_id, k.doc, k.id, k.family_id, \
         f.name AS family_name, '' AS kind, k.status AS state, NULL AS date, NULL AS chair_id, NULL AS due_by, \
         NULL AS next_review_on, k.version, 0 AS children \
         FROM complaint k JOIN family f ON f.id = k.family_id WHERE k.family_id = $1 \
         ORDER BY 1 DESC, 2 DESC, 5"
    ))
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    let mut conferences = Vec::new();
    let mut complaints = Vec::new();
    for r in &rows {
        if text(r, "row_kind")? == "conference" {
            conferences.push(row_from(r)?);
        } else {
            complaints.push(crate::complaints::Stored {
                id: text(r, "id")?,
                authority_id: text(r, "authority_id")?,
                family_id: text(r, "family_id")?,
                family_name: text(r, "family_name")?,
                complaint: serde_json::from_str(&text(r, "doc")?)
                    .map_err(|e| crate::StoreError::Corrupt(format!("complaint: {e}")))?,
                version: int(r, "version")?,
            });
        }
    }
    Ok((conferences, complaints))
}

/// Conferences a backfill reads at a time (one transaction each).
pub(crate) const BACKFILL_BATCH: i64 = 500;

/// Up to `limit` conferences with no row in `table` (a table kept from the document, keyed by
/// `conference_id`: the participation counts, the lists' summaries), in id order: what a
/// backfill after the table's migration reads. One anti-join on the primary keys.
pub(crate) async fn without_row_in(db: &Db, table: &'static str, limit: i64) -> Result<Vec<Conference>> {
    let rows = sqlx::query(&format!(
        "SELECT c.doc FROM conference c WHERE NOT EXISTS \
         (SELECT 1 FROM {table} t WHERE t.conference_id = c.id) ORDER BY c.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&text(r, "doc")?).map_err(|e| StoreError::Corrupt(format!("conference document: {e}")))
        })
        .collect()
}
