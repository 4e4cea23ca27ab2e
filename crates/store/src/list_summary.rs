//! Issue 12: each conference's list summary (`conference_summary`): the time it meets, its
//! children's names and where its invitations stand (INV-04), counted from the document and
//! rewritten in the transaction of every conference save, so that the lists of conferences
//! read a small row per conference instead of parsing its whole document. Conferences stored
//! before the table existed are summarised once at startup ([`backfill`]).

use crate::{int, opt_text, text, Db, Result, Tx};
use confer_domain::conference::Conference;
use std::collections::HashMap;

/// What a list shows of a conference besides its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// "HH:MM", empty when it has no time yet.
    pub time: String,
    /// The children's names, joined with ", ".
    pub children: String,
    pub invited: i64,
    pub attending: i64,
    pub not_attending: i64,
    pub no_answer: i64,
}

impl Summary {
    /// The summary of a conference, as the lists show it.
    pub fn of(c: &Conference) -> Summary {
        let inv = c.invitations();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Summary {
            time: c.slot().map(|s| s.time.format("%H:%M").to_string()).unwrap_or_default(),
            children: c.children().iter().map(|ch| ch.name.as_str()).collect::<Vec<_>>().join(", "),
            invited: count(inv.len()),
            attending: count(inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| a.attends())).count()),
            not_attending: count(inv.iter().filter(|i| i.answer.as_ref().is_some_and(|a| !a.attends())).count()),
            no_answer: count(inv.iter().filter(|i| i.answer.is_none()).count()),
        }
    }
}

const UPSERT: &str = "INSERT INTO conference_summary (conference_id, family_id, slot_time, children_names, invited, \
    attending, not_attending, no_answer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (conference_id) DO UPDATE \
    SET slot_time = excluded.slot_time, children_names = excluded.children_names, invited = excluded.invited, \
    attending = excluded.attending, not_attending = excluded.not_attending, no_answer = excluded.no_answer";

/// Writes (or rewrites) the conference's summary, in the caller's transaction.
pub async fn write(tx: &mut Tx, c: &Conference) -> Result<()> {
    let s = Summary::of(c);
    sqlx::query(UPSERT)
        .bind(c.id().as_str())
        .bind(c.family_id().as_str())
        .bind(if s.time.is_empty() { None } else { Some(s.time) })
        .bind(s.children)
        .bind(s.invited)
        .bind(s.attending)
        .bind(s.not_attending)
        .bind(s.no_answer)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The demo's bulk load: the rows of `conference_summary`, to be added with [`push`].
pub(crate) fn rows() -> crate::bulk::Rows {
    crate::bulk::Rows::new(
        "conference_summary",
        &[
            "conference_id",
            "family_id",
            "slot_time",
            "children_names",
            "invited",
            "attending",
            "not_attending",
            "no_answer",
        ],
    )
}

/// Adds a new conference's summary to the bulk load's rows (as [`write`] writes it).
pub(crate) fn push(rows: &mut crate::bulk::Rows, c: &Conference) {
    let s = Summary::of(c);
    rows.push([
        c.id().as_str().into(),
        c.family_id().as_str().into(),
        (if s.time.is_empty() { None } else { Some(s.time) }).into(),
        s.children.into(),
        s.invited.into(),
        s.attending.into(),
        s.not_attending.into(),
        s.no_answer.into(),
    ]);
}

/// The summaries of the conferences named, by id, in one query per 500 ids (a list shows at
/// most a few hundred). A conference without one is left out.
pub async fn of_many(db: &Db, ids: &[&str]) -> Result<HashMap<String, Summary>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT conference_id, slot_time, children_names, invited, attending, not_attending, no_answer \
             FROM conference_summary WHERE conference_id IN ({marks})"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            out.insert(
                text(&r, "conference_id")?,
                Summary {
                    time: opt_text(&r, "slot_time")?.unwrap_or_default(),
                    children: text(&r, "children_names")?,
                    invited: int(&r, "invited")?,
                    attending: int(&r, "attending")?,
                    not_attending: int(&r, "not_attending")?,
                    no_answer: int(&r, "no_answer")?,
                },
            );
        }
    }
    Ok(out)
}

/// Summarises the conferences that have no summary yet (those stored before migration 0044),
/// a batch per transaction. Returns how many it summarised. Cheap when there are none: one
/// anti-join on the primary keys.
pub async fn backfill(db: &Db) -> Result<u64> {
    let mut done = 0u64;
    loop {
        let missing =
            crate::conferences::without_row_in(db, "conference_summary", crate::conferences::BACKFILL_BATCH).await?;
        if missing.is_empty() {
            return Ok(done);
        }
        let mut tx = db.begin().await?;
        for c in &missing {
            write(&mut tx, c).await?;
        }
        tx.commit().await?;
        done += missing.len() as u64;
    }
}
