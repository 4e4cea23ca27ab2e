//! Issue 15 (QA-02): each conference's participation as a summary row
//! (`conference_participation`), counted by the domain (`Conference::participation`) and
//! rewritten in the transaction of every conference save, so that the dashboards add numbers
//! up in SQL at 50,000 families rather than reading documents. Conferences stored before the
//! table existed are counted once at startup ([`backfill`]).

use crate::{Db, Result, Tx};
use confer_domain::conference::{Conference, ExclusionReason};

/// The columns of the exclusion reasons, in the order of `ExclusionReason::ALL`.
pub const REASON_COLUMNS: [&str; 5] = [
    "excluded_risk_of_violence",
    "excluded_risk_of_harm_to_child",
    "excluded_harm_to_own_wellbeing",
    "excluded_likely_to_disrupt",
    "excluded_under_the_influence",
];

/// The column of an exclusion reason.
pub fn reason_column(r: ExclusionReason) -> &'static str {
    let i = ExclusionReason::ALL.iter().position(|x| *x == r).unwrap_or(0);
    REASON_COLUMNS[i]
}

const UPSERT: &str =
    "INSERT INTO conference_participation (conference_id, authority_id, family_id, case_id, chair_id, \
    held_on, parents, parents_attended, children, children_views, children_invited, children_attended, \
    interpreters_needed, interpreters_booked, excluded_whole, excluded_part, excluded_risk_of_violence, \
    excluded_risk_of_harm_to_child, excluded_harm_to_own_wellbeing, excluded_likely_to_disrupt, \
    excluded_under_the_influence, dissents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
    $15, $16, $17, $18, $19, $20, $21, $22) ON CONFLICT (conference_id) DO UPDATE SET chair_id = excluded.chair_id, \
    held_on = excluded.held_on, parents = excluded.parents, parents_attended = excluded.parents_attended, \
    children = excluded.children, children_views = excluded.children_views, \
    children_invited = excluded.children_invited, children_attended = excluded.children_attended, \
    interpreters_needed = excluded.interpreters_needed, interpreters_booked = excluded.interpreters_booked, \
    excluded_whole = excluded.excluded_whole, excluded_part = excluded.excluded_part, \
    excluded_risk_of_violence = excluded.excluded_risk_of_violence, \
    excluded_risk_of_harm_to_child = excluded.excluded_risk_of_harm_to_child, \
    excluded_harm_to_own_wellbeing = excluded.excluded_harm_to_own_wellbeing, \
    excluded_likely_to_disrupt = excluded.excluded_likely_to_disrupt, \
    excluded_under_the_influence = excluded.excluded_under_the_influence, dissents = excluded.dissents";

/// Writes (or rewrites) the conference's participation row, in the caller's transaction.
pub async fn write(tx: &mut Tx, c: &Conference) -> Result<()> {
    let p = c.participation();
    let n = |v: u32| i64::from(v);
    let mut q = sqlx::query(UPSERT)
        .bind(c.id().as_str())
        .bind(c.authority_id().as_str())
        .bind(c.family_id().as_str())
        .bind(c.case_id().as_str())
        .bind(c.chair().map(|u| u.as_str().to_owned()))
        .bind(p.held_on.map(|d| d.to_string()))
        .bind(n(p.parents))
        .bind(n(p.parents_attended))
        .bind(n(p.children))
        .bind(n(p.children_views))
        .bind(n(p.children_invited))
        .bind(n(p.children_attended))
        .bind(n(p.interpreters_needed))
        .bind(n(p.interpreters_booked))
        .bind(n(p.excluded_whole))
        .bind(n(p.excluded_part));
    for i in 0..REASON_COLUMNS.len() {
        q = q.bind(n(p.exclusion_reasons.get(i).copied().unwrap_or(0)));
    }
    q.bind(n(p.dissents)).execute(&mut **tx).await?;
    Ok(())
}

/// The demo's bulk load: the rows of `conference_participation`, to be added with [`push`].
pub(crate) fn rows() -> crate::bulk::Rows {
    crate::bulk::Rows::new(
        "conference_participation",
        &[
            "conference_id",
            "authority_id",
            "family_id",
            "case_id",
            "chair_id",
            "held_on",
            "parents",
            "parents_attended",
            "children",
            "children_views",
            "children_invited",
            "children_attended",
            "interpreters_needed",
            "interpreters_booked",
            "excluded_whole",
            "excluded_part",
            "excluded_risk_of_violence",
            "excluded_risk_of_harm_to_child",
            "excluded_harm_to_own_wellbeing",
            "excluded_likely_to_disrupt",
            "excluded_under_the_influence",
            "dissents",
        ],
    )
}

/// Adds a new conference's participation row to the bulk load's rows (as [`write`] counts it).
pub(crate) fn push(rows: &mut crate::bulk::Rows, c: &Conference) {
    let p = c.participation();
    let n = |v: u32| crate::bulk::V::Int(i64::from(v));
    let reason = |i: usize| n(p.exclusion_reasons.get(i).copied().unwrap_or(0));
    rows.push([
        c.id().as_str().into(),
        c.authority_id().as_str().into(),
        c.family_id().as_str().into(),
        c.case_id().as_str().into(),
        c.chair().map(|u| u.as_str().to_owned()).into(),
        p.held_on.map(|d| d.to_string()).into(),
        n(p.parents),
        n(p.parents_attended),
        n(p.children),
        n(p.children_views),
        n(p.children_invited),
        n(p.children_attended),
        n(p.interpreters_needed),
        n(p.interpreters_booked),
        n(p.excluded_whole),
        n(p.excluded_part),
        reason(0),
        reason(1),
        reason(2),
        reason(3),
        reason(4),
        n(p.dissents),
    ]);
}

/// Counts the conferences that have no participation row yet (those stored before migration
/// 0037), a batch per transaction. Returns how many it counted. Cheap when there are none:
/// one anti-join on the primary keys.
pub async fn backfill(db: &Db) -> Result<u64> {
    let mut done = 0u64;
    loop {
        let missing =
            crate::conferences::without_row_in(db, "conference_participation", crate::conferences::BACKFILL_BATCH)
                .await?;
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
