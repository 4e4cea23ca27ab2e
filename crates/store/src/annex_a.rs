//! Ofsted's Annex A lists (issue 15): what they are made from. The census's facts (children,
//! episodes, conferences, plans), and who is allocated: the family's allocated worker (the
//! latest case opened) and each plan's key worker, each with their team. Seven queries,
//! whatever the authority's size.

use crate::census::{self, ChildSources};
use crate::{date, opt_text, text, Db, Result};
use confer_domain::annex_a::{Allocation, KeyedPlan};
use confer_domain::AuthorityId;
use std::collections::HashMap;

/// One child's facts with the allocations the lists name.
#[derive(Debug, Clone)]
pub struct AnnexSources {
    pub sources: ChildSources,
    pub plans: Vec<KeyedPlan>,
    pub allocated: Allocation,
}

/// Every child of the authority (by LA child ID, then id) with what the lists need.
pub async fn sources(db: &Db, authority: &AuthorityId) -> Result<Vec<AnnexSources>> {
    let a = authority.as_str();
    let children = census::sources(db, authority).await?;
    let people: HashMap<String, Allocation> = sqlx::query(
        "SELECT u.id, u.display_name, t.name AS team FROM user_account u LEFT JOIN team t ON t.id = u.team_id \
         WHERE u.authority_id = $1 AND u.kind = 'staff'",
    )
    .bind(a)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            text(r, "id")?,
            Allocation { team: opt_text(r, "team")?.unwrap_or_default(), worker: text(r, "display_name")? },
        ))
    })
    .collect::<Result<_>>()?;
    let person = |id: &str| people.get(id).cloned().unwrap_or_default();
    // The latest case opened wins (ordered, so the last one read is kept).
    let mut allocated: HashMap<String, Allocation> = HashMap::new();
    for r in sqlx::query(
        "SELECT family_id, allocated_worker_id FROM family_case WHERE authority_id = $1 ORDER BY opened_on, id",
    )
    .bind(a)
    .fetch_all(db.pool())
    .await?
    {
        allocated.insert(text(&r, "family_id")?, person(&text(&r, "allocated_worker_id")?));
    }
    // Each plan's key worker, by child, start and kind (a child has one plan of a kind from a day).
    let mut keys: HashMap<(String, chrono::NaiveDate, bool), String> = HashMap::new();
    for r in sqlx::query("SELECT child_id, kind, started_on, key_worker_id FROM plan WHERE authority_id = $1")
        .bind(a)
        .fetch_all(db.pool())
        .await?
    {
        if let Some(start) = date(&r, "started_on")? {
            keys.insert(
                (text(&r, "child_id")?, start, text(&r, "kind")? == "child-protection"),
                text(&r, "key_worker_id")?,
            );
        }
    }
    Ok(children
        .into_iter()
        .map(|s| {
            let plans = s
                .plans
                .iter()
                .map(|p| KeyedPlan {
                    plan: p.clone(),
                    key_worker: keys
                        .get(&(s.child.child_id.clone(), p.start, p.child_protection))
                        .map(|id| person(id))
                        .unwrap_or_default(),
                })
                .collect();
            let allocated = allocated.get(&s.child.family_id).cloned().unwrap_or_default();
            AnnexSources { sources: s, plans, allocated }
        })
        .collect())
}
