//! Child protection register statistics of Wales, Scotland and Northern Ireland (issue 15):
//! the children and their plans (as the census reads them) and the conferences held about
//! each, with the concerns each named. Six queries, whatever the authority's size.

use crate::census::{self, ChildSources};
use crate::{date, text, Db, Result, StoreError};
use confer_domain::conference::{ConcernCategory, ConferenceKind};
use confer_domain::register_stats::HeldConference;
use confer_domain::AuthorityId;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct ConferenceDoc {
    #[serde(default)]
    concerns: Vec<ConcernCategory>,
}

/// Every child of the authority (by LA child ID, then id) with the conferences held about them.
pub async fn sources(db: &Db, authority: &AuthorityId) -> Result<Vec<(ChildSources, Vec<HeldConference>)>> {
    let children = census::sources(db, authority).await?;
    let mut held: HashMap<String, Vec<HeldConference>> = HashMap::new();
    for r in sqlx::query(
        "SELECT cc.child_id, c.kind, c.date, c.doc FROM conference c \
         JOIN conference_child cc ON cc.conference_id = c.id \
         WHERE c.authority_id = $1 AND c.state IN ('in-progress', 'closed')",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?
    {
        let (Some(kind), Some(on)) = (ConferenceKind::parse(&text(&r, "kind")?), date(&r, "date")?) else { continue };
        let doc: ConferenceDoc = serde_json::from_str(&text(&r, "doc")?)
            .map_err(|e| StoreError::Corrupt(format!("conference document: {e}")))?;
        held.entry(text(&r, "child_id")?).or_default().push(HeldConference {
            kind,
            held_on: on,
            concerns: doc.concerns,
        });
    }
    Ok(children
        .into_iter()
        .map(|s| {
            let mut h = held.remove(&s.child.child_id).unwrap_or_default();
            h.sort_by_key(|k| k.held_on);
            (s, h)
        })
        .collect())
}
