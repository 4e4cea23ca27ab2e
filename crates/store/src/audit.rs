//! Writing and checking the audit chain. [`record`] is called inside the transaction of the
//! change it describes, so the change and its event commit or fail together (KEEP-01).

use crate::{int, text, Db, Result, StoreError, Tx};
use confer_domain::audit::{
    content_holds, event_hash, verify_chain, AuditEvent, ChainBreak, EventKind, Sealed, GENESIS,
};
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

impl<'a> Entry<'a> {
    /// An event a person causes on their own account (signing in, a wrong code, enrolling an
    /// authenticator, using a recovery code): the account is both the actor and the entity,
    /// in its own authority's chain.
    pub fn own_account(
        user: &'a confer_domain::UserAccount,
        kind: EventKind,
        action: &'a str,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Entry<'a> {
        Entry {
            authority_id: user.authority_id.as_str(),
            actor: user.id.as_str(),
            kind,
            action,
            entity_type: "user",
            entity_id: user.id.as_str(),
            before,
            after,
        }
    }
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
    let at = tx.now();
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

/// An event owned by the read recorder's queue.
pub(crate) struct Queued {
    authority_id: String,
    actor: String,
    kind: EventKind,
    action: String,
    entity_type: String,
    entity_id: String,
    before: serde_json::Value,
    after: serde_json::Value,
}

impl Queued {
    fn of(e: &Entry<'_>) -> Queued {
        Queued {
            authority_id: e.authority_id.to_owned(),
            actor: e.actor.to_owned(),
            kind: e.kind,
            action: e.action.to_owned(),
            entity_type: e.entity_type.to_owned(),
            entity_id: e.entity_id.to_owned(),
            before: e.before.clone(),
            after: e.after.clone(),
        }
    }
    fn entry(&self) -> Entry<'_> {
        Entry {
            authority_id: &self.authority_id,
            actor: &self.actor,
            kind: self.kind,
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            before: self.before.clone(),
            after: self.after.clone(),
        }
    }
}

/// One read waiting to be written, and who to tell when it is committed.
pub(crate) type ReadJob = (Queued, tokio::sync::oneshot::Sender<bool>);

/// At most this many reads share one transaction.
const READ_BATCH: usize = 128;

/// Records a read of a record (a page or API answer showing a family's record) in the
/// authority's chain, and returns once it is committed: the caller shows the record only
/// after its read is on disk. Reads that arrive together share one transaction ("group
/// commit"): one writer task takes every read waiting, appends them in one transaction and
/// commits once, so fifty people opening records at the same moment do not queue fifty
/// commits behind SQLite's single writer or PostgreSQL's chain-head row lock. If the shared
/// transaction fails, each read is written on its own instead, so the caller sees the real
/// error (for example a 503 when the database is gone) and no read is lost silently.
pub async fn record_read(db: &Db, e: Entry<'_>) -> Result<()> {
    let queue = db.reads.get_or_init(|| {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(read_writer(db.writer.clone(), db.backend, db.clock.clone(), rx));
        tx
    });
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    if queue.send((Queued::of(&e), done_tx)).is_ok() && done_rx.await == Ok(true) {
        return Ok(());
    }
    record_alone(db, e).await.map(|_| ())
}

/// Logs that a list page showed these families' names to someone (issue 10): ONE read event
/// for the whole list (`list.read`, the list's name as the entity), naming every family
/// listed, so an auditor asking "who has seen this family's name?" finds list views too,
/// without one event per row. Nothing is logged for a list that showed no family.
pub async fn log_list_read(db: &Db, authority: &str, actor: &str, list: &str, family_ids: &[&str]) -> Result<()> {
    if family_ids.is_empty() {
        return Ok(());
    }
    let mut families: Vec<&str> = family_ids.to_vec();
    families.sort_unstable();
    families.dedup();
    record_read(
        db,
        Entry {
            authority_id: authority,
            actor,
            kind: EventKind::Read,
            action: "list.read",
            entity_type: "list",
            entity_id: list,
            before: serde_json::Value::Null,
            after: serde_json::json!({ "families": families }),
        },
    )
    .await
}

/// The task behind [`record_read`]: waits for a read, takes every other read already
/// waiting (up to [`READ_BATCH`]), writes them in one transaction and reports the outcome.
async fn read_writer(
    writer: sqlx::AnyPool,
    backend: crate::Backend,
    clock: crate::clock::Clock,
    mut queue: tokio::sync::mpsc::UnboundedReceiver<ReadJob>,
) {
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < READ_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let ok = write_reads(&writer, backend, &clock, &jobs).await.is_ok();
        for (_, done) in jobs {
            let _ = done.send(ok);
        }
    }
}

async fn write_reads(
    writer: &sqlx::AnyPool,
    backend: crate::Backend,
    clock: &crate::clock::Clock,
    jobs: &[ReadJob],
) -> Result<()> {
    let inner = match backend {
        crate::Backend::Sqlite => writer.begin_with("BEGIN IMMEDIATE").await?,
        crate::Backend::Postgres => writer.begin().await?,
    };
    let mut tx = Tx::new(inner, clock.clone());
    // The whole group in a few statements (one INSERT for up to 200 events), so the writer's
    // lock is held for one short transaction, not three statements per waiting reader.
    let entries: Vec<Entry<'_>> = jobs.iter().map(|(q, _)| q.entry()).collect();
    record_many(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(())
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
        redacted: crate::opt_text(row, "redacted_by")?.is_some(),
    })
}

/// The columns an event is written with.
const EVENT_COLUMNS: &str =
    "authority_id, seq, at, actor, kind, action, entity_type, entity_id, before_json, after_json, prev_hash, hash";

/// The columns an event is read with: as written, and whether a disposal redacted it.
const READ_COLUMNS: &str = "authority_id, seq, at, actor, kind, action, entity_type, entity_id, before_json, \
     after_json, prev_hash, hash, redacted_by";

/// The action of a disposal's own event (KEEP-02), whose `after` lists the events whose
/// content it removed, each with its [`confer_domain::audit::redaction_digest`].
pub const DISPOSAL_ACTION: &str = "records.dispose";

/// The events of one authority's chain (up to `head_seq`) that disposals vouch for, read from
/// the disposals' own events. A disposal event whose own content does not hold is reported
/// as altered, so a forged list cannot excuse anything.
async fn sealed_events(db: &Db, authority: &str, head_seq: i64) -> Result<Result<Sealed, ChainBreak>> {
    let rows = sqlx::query(&format!(
        "SELECT {READ_COLUMNS} FROM audit_event WHERE authority_id = $1 AND action = $2 AND seq <= $3 ORDER BY seq"
    ))
    .bind(authority)
    .bind(DISPOSAL_ACTION)
    .bind(head_seq)
    .fetch_all(db.pool())
    .await?;
    let mut sealed = Sealed::new();
    for row in &rows {
        let e = event_from_row(row)?;
        if e.redacted || !content_holds(&e, &Sealed::new()) {
            return Ok(Err(ChainBreak::Altered { authority: authority.into(), seq: e.seq }));
        }
        let after: serde_json::Value = serde_json::from_str(&e.after).unwrap_or_default();
        for pair in after["redacted"].as_array().into_iter().flatten() {
            if let (Some(seq), Some(digest)) = (pair[0].as_i64(), pair[1].as_str()) {
                // A disposal vouches only for events written before it.
                if seq < e.seq {
                    sealed.insert(seq, digest.to_owned());
                }
            }
        }
    }
    Ok(Ok(sealed))
}

/// The outcome of verifying every authority's chain.
#[derive(Debug)]
pub struct Verification {
    pub events: u64,
    pub authorities: u64,
    pub first_break: Option<ChainBreak>,
}

/// Recomputes every chain up to the heads it reads at the start, so events appended while it
/// runs (the service keeps working) are neither checked nor mistaken for a broken end. Reads
/// in pages so a chain of millions of events stays in bounded memory.
pub async fn verify(db: &Db) -> Result<Verification> {
    // The chains' names before their heads: every chain with an event by now has its head row
    // by now (the event and the head move in one transaction), so a chain that starts between
    // the two reads is checked up to the head read, never reported as missing its head.
    let authorities =
        sqlx::query("SELECT DISTINCT authority_id FROM audit_event ORDER BY authority_id").fetch_all(db.pool()).await?;
    let heads = sqlx::query("SELECT authority_id, seq, hash FROM audit_head ORDER BY authority_id")
        .fetch_all(db.pool())
        .await?;
    let mut out = Verification { events: 0, authorities: 0, first_break: None };
    // Chains whose head row was deleted are found through their events.
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
        let (head_seq, head_hash) = match head {
            Some(h) => (int(h, "seq")?, text(h, "hash")?),
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
        let sealed = match sealed_events(db, &authority, head_seq).await? {
            Ok(s) => s,
            Err(b) => {
                out.first_break = Some(b);
                return Ok(out);
            }
        };
        // Verify page by page up to the head read above, carrying the previous hash across pages.
        let mut after_seq = 0i64;
        let mut carried: Vec<AuditEvent> = Vec::new();
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {READ_COLUMNS} FROM audit_event WHERE authority_id = $1 AND seq > $2 AND seq <= $3 \
                 ORDER BY seq LIMIT 5000"
            ))
            .bind(&authority)
            .bind(after_seq)
            .bind(head_seq)
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
            if let Err(b) = verify_window(&authority, &window, &sealed) {
                out.first_break = Some(b);
                return Ok(out);
            }
            carried = window.pop().into_iter().collect();
        }
        // Check the head against the last event.
        let (last_seq, last_hash) = match carried.last() {
            Some(e) => (e.seq, e.hash.clone()),
            None => (0, GENESIS.to_owned()),
        };
        if head_seq != last_seq || head_hash != last_hash {
            out.first_break = Some(ChainBreak::Truncated {
                authority: authority.clone(),
                expected_last: head_seq,
                expected_hash: head_hash,
                found_last: last_seq,
            });
            return Ok(out);
        }
    }
    Ok(out)
}

/// One authority's chain end at a moment: its last event's number and hash, and when that
/// event was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head {
    pub authority_id: String,
    pub seq: i64,
    pub hash: String,
    pub at: String,
}

/// The heads as exported to a file by `confer audit head --out FILE`, optionally signed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HeadExport {
    pub format: String,
    pub exported_at: String,
    pub heads: Vec<Head>,
    /// HMAC-SHA256 (hex) of the export without this field, with a key kept away from the
    /// database (`CONFER_AUDIT_HEAD_KEY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_sha256: Option<String>,
}

/// The `format` of an export this version writes and reads.
pub const HEAD_FORMAT: &str = "confer-audit-heads/1";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

impl HeadExport {
    /// The text the signature covers: the export as JSON, without the signature.
    fn signed_text(&self) -> String {
        let unsigned = HeadExport { hmac_sha256: None, ..self.clone() };
        serde_json::to_string(&unsigned).unwrap_or_default()
    }

    fn mac(&self, key: &[u8]) -> HmacSha256 {
        use hmac::Mac;
        let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
        mac.update(self.signed_text().as_bytes());
        mac
    }

    /// The export as the text of a file (signed if a key is given).
    pub fn to_file_text(&self, key: Option<&[u8]>) -> String {
        use hmac::Mac;
        let mut out = self.clone();
        out.hmac_sha256 = key.map(|k| hex::encode(self.mac(k).finalize().into_bytes()));
        serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
    }

    /// Reads an export, checking its signature (in constant time) when it has one. A signed
    /// file needs the key; given a key, an unsigned file is refused (it could be anyone's).
    pub fn from_file_text(text: &str, key: Option<&[u8]>) -> Result<HeadExport, String> {
        use hmac::Mac;
        let export: HeadExport =
            serde_json::from_str(text).map_err(|e| format!("the file is not an export of audit heads ({e})"))?;
        if export.format != HEAD_FORMAT {
            return Err(format!("the file's format is {:?}; this version reads {HEAD_FORMAT:?}", export.format));
        }
        match (&export.hmac_sha256, key) {
            (None, None) => Ok(export),
            (Some(_), None) => {
                Err("the file is signed: give the key it was signed with (CONFER_AUDIT_HEAD_KEY)".into())
            }
            (None, Some(_)) => {
                Err("a key was given but the file is not signed: it may not be the file you exported".into())
            }
            (Some(sig), Some(k)) => {
                let sig = hex::decode(sig).map_err(|_| "the file's signature is not hexadecimal".to_owned())?;
                export
                    .mac(k)
                    .verify_slice(&sig)
                    .map_err(|_| "the file's signature does not match: it was changed, or the key is not the one it was signed with".to_owned())?;
                Ok(export)
            }
        }
    }
}

/// Every authority's chain head now, with the time of its last event (one query, so the
/// heads are consistent with one another).
pub async fn heads(db: &Db) -> Result<HeadExport> {
    let rows = sqlx::query(
        "SELECT h.authority_id, h.seq, h.hash, e.at FROM audit_head h \
         LEFT JOIN audit_event e ON e.authority_id = h.authority_id AND e.seq = h.seq ORDER BY h.authority_id",
    )
    .fetch_all(db.pool())
    .await?;
    let heads = rows
        .iter()
        .map(|r| {
            Ok(Head {
                authority_id: text(r, "authority_id")?,
                seq: int(r, "seq")?,
                hash: text(r, "hash")?,
                at: crate::opt_text(r, "at")?.unwrap_or_default(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(HeadExport { format: HEAD_FORMAT.into(), exported_at: db.now(), heads, hmac_sha256: None })
}

/// Verifies every chain ([`verify`]) and then that each exported head is still in it: the
/// event with the exported number exists and has the exported hash.
///
/// What this proves: the events each authority had when the heads were exported are all
/// still there, unchanged and in order. Each event's hash covers its content and the hash
/// before it, so one matching hash at the exported number vouches for the whole chain up to
/// it; deleting events at the end (and moving the head row back), or rewriting history and
/// recomputing every hash, both fail here, though [`verify`] alone, which trusts the
/// database's own head row, cannot see them. It proves nothing about events written after the
/// export (export regularly, and keep the files where the database's administrators cannot
/// change them; a signed file cannot be changed without the key), nor that every change was
/// recorded in the first place.
pub async fn verify_against(db: &Db, export: &HeadExport) -> Result<Verification> {
    let mut out = verify(db).await?;
    if out.first_break.is_some() {
        return Ok(out);
    }
    for head in &export.heads {
        let row = sqlx::query("SELECT hash FROM audit_event WHERE authority_id = $1 AND seq = $2")
            .bind(&head.authority_id)
            .bind(head.seq)
            .fetch_optional(db.pool())
            .await?;
        match row {
            None => {
                let last = sqlx::query("SELECT MAX(seq) AS n FROM audit_event WHERE authority_id = $1")
                    .bind(&head.authority_id)
                    .fetch_one(db.pool())
                    .await?;
                out.first_break = Some(ChainBreak::Truncated {
                    authority: head.authority_id.clone(),
                    expected_last: head.seq,
                    expected_hash: head.hash.clone(),
                    found_last: last.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
                });
                return Ok(out);
            }
            Some(r) if text(&r, "hash")? != head.hash => {
                out.first_break = Some(ChainBreak::Altered { authority: head.authority_id.clone(), seq: head.seq });
                return Ok(out);
            }
            Some(_) => {}
        }
    }
    Ok(out)
}

/// Verifies a window of consecutive events; the first may be the last of the previous page.
fn verify_window(authority: &str, window: &[AuditEvent], sealed: &Sealed) -> Result<(), ChainBreak> {
    match window.first() {
        Some(first) if first.seq == 1 => verify_chain(authority, window, None, sealed).map(|_| ()),
        Some(first) => {
            // Check the first event's own hash, then chain the rest from it.
            if !content_holds(first, sealed) {
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
                if !content_holds(e, sealed) {
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
        "SELECT {READ_COLUMNS} FROM audit_event WHERE authority_id = $1 AND entity_type = $2 AND entity_id = $3 \
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
        "SELECT {READ_COLUMNS} FROM audit_event WHERE authority_id = $1 ORDER BY seq DESC LIMIT $2"
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

/// Most events in one INSERT: 12 values each, well under both databases' bind limits.
const EVENTS_PER_INSERT: usize = 200;

/// Appends several events to their authorities' chains in the caller's transaction, as
/// [`record`] would one after another (the same sequence numbers, times and hashes), in three
/// statements per authority and INSERT of up to [`EVENTS_PER_INSERT`] events rather than three
/// per event: the group commit of reads and the demo's bulk load write many at once.
pub async fn record_many(tx: &mut Tx, entries: &[Entry<'_>]) -> Result<()> {
    let mut authorities: Vec<&str> = entries.iter().map(|e| e.authority_id).collect();
    authorities.sort_unstable();
    authorities.dedup();
    let at = tx.now();
    for authority in authorities {
        let mine: Vec<&Entry<'_>> = entries.iter().filter(|e| e.authority_id == authority).collect();
        let n = mine.len() as i64;
        // Moving the head by n first takes its lock, as in [`record`].
        let head = sqlx::query("UPDATE audit_head SET seq = seq + $2 WHERE authority_id = $1 RETURNING seq, hash")
            .bind(authority)
            .bind(n)
            .fetch_optional(&mut **tx)
            .await?;
        let (last, mut prev_hash) = match head {
            Some(row) => (int(&row, "seq")?, text(&row, "hash")?),
            None => {
                sqlx::query("INSERT INTO audit_head (authority_id, seq, hash) VALUES ($1, $2, $3)")
                    .bind(authority)
                    .bind(n)
                    .bind(GENESIS)
                    .execute(&mut **tx)
                    .await?;
                (n, GENESIS.to_owned())
            }
        };
        let mut seq = last - n;
        let mut rows = Vec::with_capacity(mine.len());
        for e in mine {
            seq += 1;
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
            rows.push((seq, e, before, after, std::mem::replace(&mut prev_hash, hash.clone()), hash));
        }
        // SQLite's `?` rather than `$n`: it looks each `$n` up among the names before it
        // (`crate::bulk::placeholder`), which for 2,400 values costs more than the insert.
        let anonymous = crate::bulk::anonymous_placeholders(tx);
        for chunk in rows.chunks(EVENTS_PER_INSERT) {
            let mut sql = format!("INSERT INTO audit_event ({EVENT_COLUMNS}) VALUES ");
            for i in 0..chunk.len() {
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for c in 0..12 {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    crate::bulk::placeholder(&mut sql, anonymous, i * 12 + c + 1);
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for (seq, e, before, after, prev, hash) in chunk {
                q = q
                    .bind(e.authority_id)
                    .bind(*seq)
                    .bind(&at)
                    .bind(e.actor)
                    .bind(e.kind.as_str())
                    .bind(e.action)
                    .bind(e.entity_type)
                    .bind(e.entity_id)
                    .bind(before)
                    .bind(after)
                    .bind(prev)
                    .bind(hash);
            }
            q.execute(&mut **tx).await?;
        }
        sqlx::query("UPDATE audit_head SET hash = $2 WHERE authority_id = $1")
            .bind(authority)
            .bind(&prev_hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
