//! Subject access requests in the database (RIGHT-01): each request kept whole as a versioned
//! JSON document; every change saved with its audit event (before and after) in one
//! transaction at the version the person last saw; the bundle kept for the requester.

use crate::audit::{self, Entry};
use crate::versioned::{self, SaveError};
use crate::{int, opt_text, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use confer_domain::portal::PortalPerson;
use confer_domain::subject_access::{SarError, SubjectAccessRequest};
use confer_domain::{AuthorityId, UserId};
use serde_json::{json, Value};
use sqlx::Row;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// How the table names the requester: `adult:ID` or `child:ID`.
pub fn requester_key(p: &PortalPerson) -> String {
    match p {
        PortalPerson::Adult(a) => format!("adult:{a}"),
        PortalPerson::Child(c) => format!("child:{c}"),
    }
}

/// Stores a new request with its audit event; returns its id.
pub async fn create(db: &Db, authority: &AuthorityId, actor: &UserId, r: &SubjectAccessRequest) -> Result<String> {
    let id = crate::new_id();
    let mut tx = db.begin().await?;
    let now = tx.now();
    sqlx::query(
        "INSERT INTO subject_access_request (id, authority_id, family_id, requester, doc, state, due, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(&id)
    .bind(authority.as_str())
    .bind(&r.family_id)
    .bind(requester_key(&r.requester))
    .bind(serde_json::to_string(r).map_err(corrupt)?)
    .bind(r.state.as_str())
    .bind(r.current_due().to_string())
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Change,
            action: "subject-access.receive",
            entity_type: "family",
            entity_id: &r.family_id,
            before: Value::Null,
            after: json!({
                "subject_access_request_id": id, "requester": requester_key(&r.requester),
                "received_on": r.received_on, "how_received": r.how_received.as_str(), "due": r.due,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A request as stored.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub id: String,
    pub authority_id: AuthorityId,
    pub request: SubjectAccessRequest,
    pub version: i64,
    pub has_bundle: bool,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<StoredRequest> {
    Ok(StoredRequest {
        id: text(r, "id")?,
        authority_id: AuthorityId(text(r, "authority_id")?),
        request: serde_json::from_str(&text(r, "doc")?).map_err(corrupt)?,
        version: int(r, "version")?,
        has_bundle: opt_text(r, "bundle_language")?.is_some(),
    })
}

const COLUMNS: &str = "id, authority_id, doc, version, bundle_language";

/// Loads a request.
pub async fn load(db: &Db, id: &str) -> Result<Option<StoredRequest>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM subject_access_request WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// One request in a list.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub requester_name: String,
    pub received_on: String,
    pub state: String,
    pub due: String,
}

/// The authority's requests: open ones first by deadline, then the most recently changed.
pub async fn list(db: &Db, authority: &AuthorityId, limit: i64) -> Result<Vec<RequestRow>> {
    let rows = sqlx::query(
        "SELECT s.id, s.family_id, s.doc, s.state, s.due, f.name FROM subject_access_request s \
         LEFT JOIN family f ON f.id = s.family_id WHERE s.authority_id = $1 \
         ORDER BY CASE WHEN s.state IN ('received', 'identity-verified', 'in-review') THEN 0 ELSE 1 END, s.due, s.updated_at DESC, s.id \
         LIMIT $2",
    )
    .bind(authority.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let doc: SubjectAccessRequest = serde_json::from_str(&text(r, "doc")?).map_err(corrupt)?;
            Ok(RequestRow {
                id: text(r, "id")?,
                family_id: text(r, "family_id")?,
                family_name: opt_text(r, "name")?.unwrap_or_default(),
                requester_name: doc.requester_name,
                received_on: doc.received_on.to_string(),
                state: text(r, "state")?,
                due: text(r, "due")?,
            })
        })
        .collect()
}

/// The requests one person of a family made, newest first.
pub async fn of_requester(db: &Db, family_id: &str, requester: &PortalPerson) -> Result<Vec<StoredRequest>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM subject_access_request WHERE family_id = $1 AND requester = $2 ORDER BY created_at DESC, id"
    ))
    .bind(family_id)
    .bind(requester_key(requester))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The bundle of a request and its language, once produced.
pub async fn bundle(db: &Db, id: &str) -> Result<Option<(Vec<u8>, String)>> {
    let row = sqlx::query(
        "SELECT bundle, bundle_language FROM subject_access_request WHERE id = $1 AND bundle_language IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| Ok((r.try_get::<Option<Vec<u8>>, _>("bundle")?.unwrap_or_default(), text(&r, "bundle_language")?)))
        .transpose()
}

/// The bundle to keep with a change (the answer), and its entry in the documents log
/// (written in the same transaction).
pub struct Bundle<'a> {
    pub bytes: &'a [u8],
    pub language: &'a str,
    pub sent: crate::documents_sent::NewSent<'a>,
}

/// Changes a request by the domain's rule `change`, at the version last seen, with its audit
/// event (before and after, without the bundle's bytes) in the same transaction. A bundle
/// given is stored with the change. Returns the new version.
#[allow(clippy::too_many_arguments)]
pub async fn save<T>(
    db: &Db,
    authority: &AuthorityId,
    id: &str,
    actor: &UserId,
    expected: i64,
    action: &str,
    bundle: Option<Bundle<'_>>,
    change: impl FnOnce(&mut SubjectAccessRequest) -> Result<T, SarError>,
) -> Result<(T, i64), SaveError<SarError>> {
    let mut tx = db.begin().await?;
    let row = versioned::read_at(
        &mut tx,
        "SELECT family_id, doc, version FROM subject_access_request WHERE id = $1 AND authority_id = $2",
        &[id, authority.as_str()],
        expected,
    )
    .await?;
    let family_id = text(&row, "family_id")?;
    let mut r: SubjectAccessRequest = serde_json::from_str(&text(&row, "doc")?).map_err(corrupt)?;
    let before = summary(&r);
    let out = change(&mut r)?;
    let mut after = summary(&r);
    let now = tx.now();
    // The version in the WHERE clause makes the write itself the check (as conferences do).
    let updated = sqlx::query(
        "UPDATE subject_access_request SET doc = $2, state = $3, due = $4, version = version + 1, updated_at = $5 \
         WHERE id = $1 AND version = $6",
    )
    .bind(id)
    .bind(serde_json::to_string(&r).map_err(corrupt)?)
    .bind(r.state.as_str())
    .bind(r.current_due().to_string())
    .bind(&now)
    .bind(expected)
    .execute(&mut *tx)
    .await?;
    let mut tx = versioned::written(db, tx, updated.rows_affected(), "subject_access_request", id, expected).await?;
    if let Some(b) = bundle {
        sqlx::query("UPDATE subject_access_request SET bundle = $2, bundle_language = $3 WHERE id = $1")
            .bind(id)
            .bind(b.bytes.to_vec())
            .bind(b.language)
            .execute(&mut *tx)
            .await?;
        let sent = crate::documents_sent::log_in(&mut tx, &b.sent).await?;
        after["bundle_sha256"] = json!(sent.sha256);
        after["document_sent_id"] = json!(sent.id);
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Change,
            action,
            entity_type: "family",
            entity_id: &family_id,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((out, expected + 1))
}

/// What the audit event keeps of a request: its state, deadlines, identity, closure and
/// each redaction's decision (the gathered items themselves are the family's records, which
/// the audit trail already holds where they were written).
fn summary(r: &SubjectAccessRequest) -> Value {
    json!({
        "requester": requester_key(&r.requester),
        "state": r.state.as_str(),
        "due": r.due,
        "extension": r.extension,
        "identity": r.identity,
        "items": r.items.len(),
        "redactions": r.redactions.iter().map(|x| json!({
            "number": x.number, "item": x.item, "kind": x.kind.as_str(), "exemption": x.exemption.as_str(),
            "reason": x.reason, "added_by": x.added_by, "decision": x.decision,
        })).collect::<Vec<_>>(),
        "answered_on": r.answered_on,
        "on_time": r.on_time,
        "closure": r.closure,
    })
}
