//! The Children in Need census (issue 15): the child's census details and episodes (migration
//! 0029), saved at the family's version with their audit event; and, for the export, every
//! fact of an authority the return is made from, read in five queries whatever its size.

use crate::audit::{self, Entry};
use crate::families::ChangeError;
use crate::{date, flag, int, opt_text, text, Db, Result, StoreError};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::census::{Assessment, ChildFacts, ConferenceFacts, PlanFacts, RecordedEnquiry, RecordedEpisode};
use confer_domain::conference::{ConferenceKind, EnquiryKind};
use confer_domain::{AuthorityId, Gender, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// An episode as stored, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEpisode {
    pub id: String,
    pub episode: RecordedEpisode,
}

/// The census details of one child, for the child's census page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildCensus {
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub death_date: Option<NaiveDate>,
    /// Oldest referral first.
    pub episodes: Vec<StoredEpisode>,
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("census episode: {e}"))
}

fn episode_from(r: &sqlx::any::AnyRow) -> Result<StoredEpisode> {
    let assessments: Vec<Assessment> = serde_json::from_str(&text(r, "assessments")?).map_err(corrupt)?;
    let enquiries: Vec<RecordedEnquiry> = serde_json::from_str(&text(r, "enquiries")?).map_err(corrupt)?;
    Ok(StoredEpisode {
        id: text(r, "id")?,
        episode: RecordedEpisode {
            referral_date: date(r, "referral_date")?
                .ok_or_else(|| StoreError::Corrupt("an episode with no referral date".into()))?,
            referral_source: text(r, "referral_source")?,
            primary_need: opt_text(r, "primary_need")?,
            nfa: int(r, "nfa")? != 0,
            closure_date: date(r, "closure_date")?,
            closure_reason: opt_text(r, "closure_reason")?,
            assessments,
            enquiries,
        },
    })
}

const EPISODE_COLUMNS: &str =
    "id, child_id, referral_date, referral_source, primary_need, nfa, closure_date, closure_reason, assessments, enquiries";

/// The child's census details (the caller has checked the child is in the family it may read).
pub async fn of_child(db: &Db, child_id: &str) -> Result<ChildCensus> {
    let row = sqlx::query("SELECT upn, upn_unknown, death_date FROM child WHERE id = $1")
        .bind(child_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let episodes = sqlx::query(&format!(
        "SELECT {EPISODE_COLUMNS} FROM cin_episode WHERE child_id = $1 ORDER BY referral_date, id"
    ))
    .bind(child_id)
    .fetch_all(db.pool())
    .await?;
    Ok(ChildCensus {
        upn: opt_text(&row, "upn")?,
        upn_unknown: opt_text(&row, "upn_unknown")?,
        death_date: date(&row, "death_date")?,
        episodes: episodes.iter().map(episode_from).collect::<Result<_>>()?,
    })
}

/// A change to a child's census details: the identifiers, and an episode to add (no id) or
/// to change (its id), each already checked by the domain.
#[derive(Debug, Clone, Serialize)]
pub struct CensusChange {
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub death_date: Option<NaiveDate>,
    pub episode: Option<(Option<String>, RecordedEpisode)>,
}

/// Saves a child's census details if the family's record is still at `expected_version`, with
/// the audit event (before and after), in one transaction. Returns the new version.
pub async fn save_child(
    db: &Db,
    family_id: &str,
    child_id: &str,
    expected_version: i64,
    change: &CensusChange,
    actor: &UserId,
) -> std::result::Result<i64, ChangeError> {
    let before = of_child(db, child_id).await?;
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT authority_id FROM child WHERE id = $1 AND family_id = $2")
        .bind(child_id)
        .bind(family_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?
        .ok_or(StoreError::NotFound)?;
    let authority = text(&row, "authority_id")?;
    let bumped =
        sqlx::query("UPDATE family SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING version")
            .bind(family_id)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    let Some(bumped) = bumped else {
        let current = sqlx::query("SELECT version FROM family WHERE id = $1")
            .bind(family_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        return Err(ChangeError::Conflict { current_version: int(&current, "version")? });
    };
    let new_version = int(&bumped, "version")?;
    sqlx::query("UPDATE child SET upn = $2, upn_unknown = $3, death_date = $4 WHERE id = $1")
        .bind(child_id)
        .bind(&change.upn)
        .bind(&change.upn_unknown)
        .bind(change.death_date.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    let now = tx.now();
    let mut episode_id = None;
    if let Some((id, e)) = &change.episode {
        let assessments = serde_json::to_string(&e.assessments).map_err(corrupt)?;
        let enquiries = serde_json::to_string(&e.enquiries).map_err(corrupt)?;
        match id {
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE cin_episode SET referral_date = $3, referral_source = $4, primary_need = $5, nfa = $6, \
                     closure_date = $7, closure_reason = $8, assessments = $9, enquiries = $10, updated_at = $11 \
                     WHERE id = $1 AND child_id = $2",
                )
                .bind(id)
                .bind(child_id)
                .bind(e.referral_date.to_string())
                .bind(&e.referral_source)
                .bind(&e.primary_need)
                .bind(flag(e.nfa))
                .bind(e.closure_date.map(|d| d.to_string()))
                .bind(&e.closure_reason)
                .bind(&assessments)
                .bind(&enquiries)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                if done.rows_affected() != 1 {
                    return Err(ChangeError::Store(StoreError::NotFound));
                }
                episode_id = Some(id.clone());
            }
            None => {
                let id = crate::new_id();
                insert_episode(&mut tx, &authority, family_id, child_id, &id, e, &now).await?;
                episode_id = Some(id);
            }
        }
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority,
            actor: actor.as_str(),
            kind: EventKind::Change,
            action: "child.census.update",
            entity_type: "family",
            entity_id: family_id,
            before: json!({"child_id": child_id, "census": before}),
            after: json!({"child_id": child_id, "episode_id": episode_id, "change": change}),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(new_version)
}

async fn insert_episode(
    tx: &mut crate::Tx,
    authority: &str,
    family_id: &str,
    child_id: &str,
    id: &str,
    e: &RecordedEpisode,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO cin_episode (id, authority_id, family_id, child_id, referral_date, referral_source, primary_need, \
         nfa, closure_date, closure_reason, assessments, enquiries, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(id)
    .bind(authority)
    .bind(family_id)
    .bind(child_id)
    .bind(e.referral_date.to_string())
    .bind(&e.referral_source)
    .bind(&e.primary_need)
    .bind(flag(e.nfa))
    .bind(e.closure_date.map(|d| d.to_string()))
    .bind(&e.closure_reason)
    .bind(serde_json::to_string(&e.assessments).map_err(corrupt)?)
    .bind(serde_json::to_string(&e.enquiries).map_err(corrupt)?)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Everything the return is made from for one child.
#[derive(Debug, Clone)]
pub struct ChildSources {
    pub child: ChildFacts,
    pub episodes: Vec<RecordedEpisode>,
    pub conferences: Vec<ConferenceFacts>,
    pub plans: Vec<PlanFacts>,
}

/// What the census reads of a conference's document.
#[derive(Deserialize)]
struct ConferenceDoc {
    #[serde(default)]
    strategy_discussion_on: Option<NaiveDate>,
    #[serde(default)]
    enquiry: Option<EnquiryKind>,
}

/// What the census reads of a plan's document: the first category.
#[derive(Deserialize)]
struct PlanDoc {
    #[serde(default)]
    categories: Vec<CategoryDoc>,
}

#[derive(Deserialize)]
struct CategoryDoc {
    category: confer_domain::conference::PlanCategory,
}

/// Every child of the authority with their episodes, conferences (not cancelled) and plans,
/// ordered by LA child ID then id (so a return is the same bytes for the same data). Five
/// queries; the caller decides who is in scope.
pub async fn sources(db: &Db, authority: &AuthorityId) -> Result<Vec<ChildSources>> {
    let a = authority.as_str();
    let children = sqlx::query(
        "SELECT id, family_id, la_child_id, upn, upn_unknown, date_of_birth, expected_date, gender, death_date, \
         ethnicity, disability FROM child WHERE authority_id = $1 ORDER BY la_child_id, id",
    )
    .bind(a)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<ChildSources> = Vec::with_capacity(children.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(children.len());
    for r in &children {
        let id = text(r, "id")?;
        index.insert(id.clone(), out.len());
        out.push(ChildSources {
            child: ChildFacts {
                child_id: id,
                family_id: text(r, "family_id")?,
                la_child_id: text(r, "la_child_id")?,
                upn: opt_text(r, "upn")?,
                upn_unknown: opt_text(r, "upn_unknown")?,
                birth_date: date(r, "date_of_birth")?,
                expected_birth_date: date(r, "expected_date")?,
                gender: Gender::parse(&text(r, "gender")?).unwrap_or(Gender::Unknown),
                death_date: date(r, "death_date")?,
                ethnicity: text(r, "ethnicity")?,
                disability: text(r, "disability")?,
            },
            episodes: Vec::new(),
            conferences: Vec::new(),
            plans: Vec::new(),
        });
    }
    let episodes = sqlx::query(&format!("SELECT {EPISODE_COLUMNS} FROM cin_episode WHERE authority_id = $1"))
        .bind(a)
        .fetch_all(db.pool())
        .await?;
    for r in &episodes {
        if let Some(i) = index.get(&text(r, "child_id")?) {
            out[*i].episodes.push(episode_from(r)?.episode);
        }
    }
    let conferences = sqlx::query(
        "SELECT cc.child_id, c.kind, c.state, c.date, c.due_by, c.doc FROM conference c \
         JOIN conference_child cc ON cc.conference_id = c.id \
         WHERE c.authority_id = $1 AND c.state <> 'cancelled'",
    )
    .bind(a)
    .fetch_all(db.pool())
    .await?;
    for r in &conferences {
        let Some(i) = index.get(&text(r, "child_id")?) else { continue };
        let Some(kind) = ConferenceKind::parse(&text(r, "kind")?) else { continue };
        let held = matches!(text(r, "state")?.as_str(), "in-progress" | "closed");
        let doc: ConferenceDoc = serde_json::from_str(&text(r, "doc")?)
            .map_err(|e| StoreError::Corrupt(format!("conference document: {e}")))?;
        out[*i].conferences.push(ConferenceFacts {
            kind,
            held_on: if held { date(r, "date")? } else { None },
            due_by: date(r, "due_by")?.ok_or_else(|| StoreError::Corrupt("a conference with no due date".into()))?,
            strategy_discussion_on: doc.strategy_discussion_on,
            section47: doc.enquiry == Some(EnquiryKind::Section47),
        });
    }
    let plans = sqlx::query(
        "SELECT child_id, kind, category, started_on, ended_on, previous_plans, doc FROM plan WHERE authority_id = $1",
    )
    .bind(a)
    .fetch_all(db.pool())
    .await?;
    for r in &plans {
        let Some(i) = index.get(&text(r, "child_id")?) else { continue };
        let child_protection = text(r, "kind")? == "child-protection";
        let (initial, latest) = if child_protection {
            let doc: PlanDoc = serde_json::from_str(&text(r, "doc")?)
                .map_err(|e| StoreError::Corrupt(format!("plan document: {e}")))?;
            let code = |c: &CategoryDoc| confer_domain::census::category_code(c.category).to_owned();
            (doc.categories.first().map(code), doc.categories.last().map(code))
        } else {
            (None, None)
        };
        out[*i].plans.push(PlanFacts {
            child_protection,
            start: date(r, "started_on")?.ok_or_else(|| StoreError::Corrupt("a plan with no start".into()))?,
            end: date(r, "ended_on")?,
            initial_category: initial,
            latest_category: latest,
            previous_plans: int(r, "previous_plans")?,
        });
    }
    Ok(out)
}

/// Records that a return was exported: who, which return and year, and the digest of the
/// bytes, as an audit event of the authority (a read of the records it was made from).
pub async fn log_export(
    db: &Db,
    authority: &AuthorityId,
    actor: &UserId,
    what: &str,
    details: serde_json::Value,
) -> Result<()> {
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Read,
            action: "return.export",
            entity_type: "return",
            entity_id: what,
            before: serde_json::Value::Null,
            after: details,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The child's census details for the demo loader and tests: set the identifiers and add
/// episodes, in the caller's transaction, with no audit event (the loader audits the family).
pub async fn insert_for_child(
    tx: &mut crate::Tx,
    authority: &str,
    family_id: &str,
    child_id: &str,
    upn: Option<&str>,
    upn_unknown: Option<&str>,
    episodes: &[RecordedEpisode],
) -> Result<()> {
    sqlx::query("UPDATE child SET upn = $2, upn_unknown = $3 WHERE id = $1")
        .bind(child_id)
        .bind(upn)
        .bind(upn_unknown)
        .execute(&mut **tx)
        .await?;
    let now = tx.now();
    for e in episodes {
        insert_episode(tx, authority, family_id, child_id, &crate::new_id(), e, &now).await?;
    }
    Ok(())
}
