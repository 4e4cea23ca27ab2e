//! Issue 13 (PLAN-05, TIME-02): which of a sending authority's people a receiving authority
//! recorded from a transfer pack, and as whom (migration 0060). A sibling's later transfer
//! adds to the family recorded the first time and never records a parent twice.

use crate::{text, Db, Result, StoreError, Tx};

/// A person recorded here from a transfer pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The sending authority's id of the person.
    pub source_id: String,
    /// "child" or "adult".
    pub kind: String,
    /// Their id in this authority's records.
    pub copy_id: String,
    /// The family they were recorded in here.
    pub family_id: String,
}

/// The people among `source_ids` that `authority` has already recorded from a transfer pack.
pub async fn copied(db: &Db, authority: &str, source_ids: &[&str]) -> Result<Vec<Copied>> {
    let mut out = Vec::new();
    for id in source_ids {
        let row = sqlx::query(
            "SELECT source_id, kind, copy_id, family_id FROM transfer_copy WHERE authority_id = $1 AND source_id = $2",
        )
        .bind(authority)
        .bind(*id)
        .fetch_optional(db.pool())
        .await?;
        if let Some(r) = row {
            out.push(Copied {
                source_id: text(&r, "source_id")?,
                kind: text(&r, "kind")?,
                copy_id: text(&r, "copy_id")?,
                family_id: text(&r, "family_id")?,
            });
        }
    }
    Ok(out)
}

/// Records, in the caller's transaction, that `authority` recorded these people from the pack
/// of `transfer_id`. A person recorded before (in `previous`) whose copy is no longer where it
/// was is pointed at the new copy, only if no one else changed it meanwhile; a person recorded
/// by another acceptance at the same moment breaks the key. Either is the store's conflict,
/// with what to do.
pub async fn record(
    tx: &mut Tx,
    authority: &str,
    transfer_id: &str,
    people: &[Copied],
    previous: &[Copied],
) -> Result<()> {
    let now = tx.now();
    for p in people {
        if let Some(before) = previous.iter().find(|b| b.source_id == p.source_id) {
            let n = sqlx::query(
                "UPDATE transfer_copy SET copy_id = $1, family_id = $2, transfer_id = $3, copied_at = $4 \
                 WHERE authority_id = $5 AND source_id = $6 AND copy_id = $7",
            )
            .bind(&p.copy_id)
            .bind(&p.family_id)
            .bind(transfer_id)
            .bind(&now)
            .bind(authority)
            .bind(&p.source_id)
            .bind(&before.copy_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict(
                    "Someone else recorded these people here from another transfer at the same moment: open the transfer again and accept it.".into(),
                ));
            }
            continue;
        }
        sqlx::query(
            "INSERT INTO transfer_copy (authority_id, source_id, kind, copy_id, family_id, transfer_id, copied_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(authority)
        .bind(&p.source_id)
        .bind(&p.kind)
        .bind(&p.copy_id)
        .bind(&p.family_id)
        .bind(transfer_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
