//! Exclusion of a parent or carer (EXC-*).

use super::{authorize, save, schemas, Changed};
use crate::{Ops, Result};
use chrono::NaiveDate;
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::AdultId;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"decision": {"adult_id": "adult-1", "scope": {"scope": "part",
    "part": "complicating-factors", "kind": "domestic-abuse-between-parents",
    "will_see": "the decisions and the plan", "will_not_see": "what was said about the abuse"},
    "reasons": ["risk-of-violence"], "detail": "Threats made to the social worker last week.",
    "rests_on_police_information": false, "views_by": ["letter-to-chair"]}}))]
pub struct ExcludeInput {
    /// `{adult_id, scope: {"scope": "whole"} | {"scope": "part", part, kind, will_see, will_not_see},
    /// reasons: [...], detail, rests_on_police_information, views_by: [...]}`; `part` is one of the
    /// agenda's parts (see `DiscussionInput.part`), never free text.
    #[schema(value_type = schemas::ExclusionDecisionSchema)]
    pub decision: ExclusionDecision,
}

pub async fn exclude(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ExcludeInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.exclude", |c| c.exclude(&a.acting, b.decision, now)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "on": "2026-11-09", "how": "letter"}))]
pub struct ExclusionToldInput {
    pub adult_id: String,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    #[schema(value_type = String, example = "letter")]
    pub how: HowTold,
}

pub async fn exclusion_told(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ExclusionToldInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::GatherViews, id).await?;
    let today = ops.clock.today();
    let ((), v) = save(ops, actor, id, v, "conference.exclusion-told", |c| {
        c.record_exclusion_told(&a.acting, &AdultId(b.adult_id.clone()), b.on, b.how, today)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "outcome": "not-excluded"}))]
pub struct PreviousExclusionInput {
    pub adult_id: String,
    #[schema(value_type = String, example = "not-excluded")]
    pub outcome: ExclusionReviewOutcome,
}

pub async fn review_previous_exclusion(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: PreviousExclusionInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.review-previous-exclusion", |c| {
        c.review_previous_exclusion(&a.acting, &AdultId(b.adult_id.clone()), b.outcome, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}
