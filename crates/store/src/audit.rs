//! Writing and checking the audit chain. [`record`] is called inside the transaction of the
//! change it describes, so the change and its event commit or fail together (KEEP-01).

use crate::{int, text, Db, Result, StoreError, Tx};
use confer_domain::audit::{event_hash, verify_chain, AuditEvent, ChainBreak, EventKind, GENESIS};
use sqlx::Row;

/// What happened, for one event. `before`/`after` are JSON values (Null when not applicable).
pub struct Entry<'a> {
    pub authority_id: &'a str,
    pub actor: &'a str,
    pub kind: EventKind,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

fn json_text(v: &serde_json::Value) -> String {
    if v.is_null() {
        String::new()
    } else {
        v.to_string()
    }
}

/// Appends an event to the authority's chain, in the caller's transaction.
pub async fn record(tx: &mut Tx, e: Entry<'_>) -> Result<i64> {
    // Moving the head first takes the head row's lock (PostgreSQL) or is already under the
    // write lock (SQLite), so two transactions can never append the same sequence number.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE authority_id = $1 RETURNING seq, hash")
        .bind(e.authority_id)
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev_hash) = match head {
        Some(row) => (int(&row, "seq")?, text(&row, "hash")?),
        None => {
            sqlx::query("INSERT INTO audit_head (authority_id, seq, hash) VALUES ($1, 1, $2)")
                .bind(e.authority_id)
                .bind(GENESIS)
                .execute(&mut **tx)
                .await?;
            (1, GENESIS.to_owned())
        }
    };
    let at = crate::now();
    let before = json_text(&e.before);
    let after = json_text(&e.after);
    let hash = event_hash(
        &prev_hash,
        e.authority_id,
        seq,
        &at,
        e.actor,
        e.kind,
        e.action,
        e.entity_type,
        e.entity_id,
        &before,
        &after,
    );
    sqlx::query(
        "INSERT INTO audit_event (authority_id, seq, at, actor, kind, action, entity_type, entity_id, \
         before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.authority_id)
    .bind(seq)
    .bind(&at)
    .bind(e.actor)
    .bind(e.kind.as_str())
    .bind(e.action)
    .bind(e.entity_type)
    .bind(e.entity_id)
    .bind(&before)
    .bind(&after)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $2 WHERE authority_id = $1")
        .bind(e.authority_id)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// Records an event in a transaction of its own (reads of a child's record, sign-ins).
pub async fn record_alone(db: &Db, e: Entry<'_>) -> Result<i64> {
    let mut tx = db.begin().await?;
    let seq = record(&mut tx, e).await?;
    tx.commit().await?;
    Ok(seq)
}

fn event_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    let kind = text(row, "kind")?;
    Ok(AuditEvent {
        authority_id: text(row, "authority_id")?,
        seq: int(row, "seq")?,
        at: text(row, "at")?,
        actor: text(row, "actor")?,
        kind: EventKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("unknown audit kind {kind}")))?,
        action: text(row, "action")?,
        entity_type: text(row, "entity_type")?,
        entity_id: text(row, "entity_id")?,
        before: text(row, "before_json")?,
        after: text(row, "after_json")?,
        prev_hash: text(row, "prev_hash")?,
        hash: text(row, "hash")?,
    })
}

const EVENT_COLUMNS: &str =
    "authority_id, seq, at, actor, kind, action, entity_type, entity_id, before_json, after_json, prev_hash, hash";

/// The outcome of verifying every authority's chain.
#[derive(Debug)]
pub struct Verification {
    pub events: u64,
    pub authorities: u64,
    pub first_break: Option<ChainBreak>,
}

/// Recomputes every chain. Reads in pages so a chain of millions of events stays in bounded memory.
pub async fn verify(db: &Db) -> Result<Verification> {
    let heads = sqlx::query("SELECT authority_id, seq, hash FROM audit_head ORDER BY authority_id")
        .fetch_all(db.pool())
        .await?;
    let mut out = Verification { events: 0, authorities: 0, first_break: None };
    // Chains whose head row was deleted are found through their events.
    let authorities =
        sqlx::query("SELECT DISTINCT authority_id FROM audit_event ORDER BY authority_id").fetch_all(db.pool()).await?;
    let mut ids: Vec<String> = authorities.iter().map(|r| text(r, "authority_id")).collect::<Result<_>>()?;
    for h in &heads {
        let id = text(h, "authority_id")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for authority in ids {
        out.authorities += 1;
        let head = heads.iter().find(|h| text(h, "authority_id").ok().as_deref() == Some(authority.as_str()));
        let head = match head {
            Some(h) => Some((int(h, "seq")?, text(h, "hash")?)),
            None => {
                out.first_break = Some(ChainBreak::Truncated {
                    authority: authority.clone(),
                    expected_last: 0,
                    expected_hash: "(the chain's head record is missing)".into(),
                    found_last: 0,
                });
                return Ok(out);
            }
        };
        // Verify page by page, carrying the previous hash across pages.
        let mut after_seq = 0i64;
        let mut carried: Vec<AuditEvent> = Vec::new();
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit_event WHERE authority_id = $1 AND seq > $2 ORDER BY seq LIMIT 5000"
            ))
            .bind(&authority)
            .bind(after_seq)
            .fetch_all(db.pool())
            .await?;
            if rows.is_empty() {
                break;
            }
            let page: Vec<AuditEvent> = rows.iter().map(event_from_row).collect::<Result<_>>()?;
            after_seq = page.last().map(|e| e.seq).unwrap_or(after_seq);
            // Keep the last event of the previous page in front so the link is checked.
            out.events += page.len() as u64;
            if carried.is_empty() {
                if let Some(first) = page.first().filter(|e| e.seq != 1) {
                    out.first_break =
                        Some(ChainBreak::Gap { authority: authority.clone(), seq: first.seq, expected: 1 });
                    return Ok(out);
                }
            }
            let mut window = std::mem::take(&mut carried);
            window.extend(page);
            if let Err(b) = verify_window(&authority, &window) {
                out.first_break = Some(b);
                return Ok(out);
            }
            carried = window.pop().into_iter().collect();
        }
        // Check the head against the last event.
        let last = carried.last();
        let (last_seq, last_hash) = match last {
            Some(e) => (e.seq, e.hash.clone()),
            None => (0, GENESIS.to_owned()),
        };
        if let Some((hseq, hhash)) = head {
            if hseq != last_seq || hhash != last_hash {
                out.first_break = Some(ChainBreak::Truncated {
                    authority: authority.clone(),
                    expected_last: hseq,
                    expected_hash: hhash,
                    found_last: last_seq,
                });
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// Verifies a window of consecutive events; the first may be the last of the previous page.
fn verify_window(authority: &str, window: &[AuditEvent]) -> Result<(), ChainBreak> {
    match window.first() {
        Some(first) if first.seq == 1 => verify_chain(authority, window, None).map(|_| ()),
        Some(first) => {
            // Check the first event's own hash, then chain the rest from it.
            if first.computed_hash() != first.hash {
                return Err(ChainBreak::Altered { authority: authority.into(), seq: first.seq });
            }
            let mut prev = first;
            for e in &window[1..] {
                if e.seq != prev.seq + 1 {
                    return Err(ChainBreak::Gap { authority: authority.into(), seq: e.seq, expected: prev.seq + 1 });
                }
                if e.prev_hash != prev.hash {
                    return Err(ChainBreak::Broken {
                        authority: authority.into(),
                        seq: e.seq,
                        expected_prev: prev.seq,
                    });
                }
                if e.computed_hash() != e.hash {
                    return Err(ChainBreak::Altered { authority: authority.into(), seq: e.seq });
                }
                prev = e;
            }
            Ok(())
        }
        None => Ok(()),
    }
}

/// Events about one entity (for example a family), newest first: who read or changed it.
pub async fn for_entity(
    db: &Db,
    authority_id: &str,
    entity_type: &str,
    entity_id: &str,
    limit: i64,
) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM audit_event WHERE authority_id = $1 AND entity_type = $2 AND entity_id = $3 \
         ORDER BY seq DESC LIMIT $4"
    ))
    .bind(authority_id)
    .bind(entity_type)
    .bind(entity_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// The newest events of an authority.
pub async fn recent(db: &Db, authority_id: &str, limit: i64) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM audit_event WHERE authority_id = $1 ORDER BY seq DESC LIMIT $2"
    ))
    .bind(authority_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// Counts events (used by tests and the benchmark).
pub async fn count(db: &Db) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_event").fetch_one(db.pool()).await?;
    Ok(row.try_get::<i64, _>("n")?)
}
