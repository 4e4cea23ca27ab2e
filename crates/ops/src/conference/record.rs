//! The record after the meeting (MIN-*): draft, approve, distribute, corrections.

use super::{authorize, save, schemas, to_json, Changed};
use crate::{Ops, Result};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::AdultId;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"sections": null}))]
pub struct DraftInput {
    /// The sections as edited; none starts from what the meeting recorded.
    #[serde(default)]
    #[schema(value_type = Option<Vec<schemas::RecordSectionSchema>>)]
    pub sections: Option<Vec<RecordSection>>,
}

pub async fn draft_record(ops: &Ops, actor: &Actor, id: &str, v: i64, b: DraftInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let now = ops.clock.now();
    let ((), v) =
        save(ops, actor, id, v, "conference.draft-record", |c| c.draft_record(&a.acting, b.sections, now)).await?;
    Ok(Changed::new(id, v, None, None))
}

pub async fn approve_record(ops: &Ops, actor: &Actor, id: &str, v: i64) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let (n, v) = save(ops, actor, id, v, "conference.approve-record", |c| c.approve_record(&a.acting, now)).await?;
    Ok(Changed::new(id, v, Some(n), None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"recipient": {"recipient": "family-member", "id": "adult-1"}, "language": "en"}))]
pub struct DistributeInput {
    #[schema(value_type = schemas::RecipientSchema)]
    pub recipient: Recipient,
    /// en or cy; by default the recipient's language (cy to a Welsh speaker, LANG-04).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "en")]
    pub language: Option<DocumentLanguage>,
}

pub async fn distribute_record(ops: &Ops, actor: &Actor, id: &str, v: i64, b: DistributeInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let today = ops.clock.today();
    let p = rules.policy(ops.clock.today());
    let nation = ops.authority(&a.owner.authority_id).await?.nation;
    let (copy, v) = save(ops, actor, id, v, "conference.distribute-record", |c| {
        let language = b.language.unwrap_or_else(|| {
            confer_domain::conference::document_language_for(nation, None, c.first_language_of(&b.recipient))
        });
        c.distribute_record(&a.acting, b.recipient, language, &p, &rules.calendar, today)
    })
    .await?;
    Ok(Changed::new(id, v, Some(copy.version), to_json(&copy)))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "record_version": 1,
    "what": "The record says the children missed school every Monday; they missed two Mondays when ill."}))]
pub struct CorrectionRequestInput {
    /// The parent asking.
    pub adult_id: String,
    /// The approved version of the record the request is about.
    pub record_version: u32,
    pub what: String,
}

pub async fn request_record_correction(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: CorrectionRequestInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::GatherViews, id).await?;
    let today = ops.clock.today();
    let (n, v) = save(ops, actor, id, v, "conference.record-correction-request", |c| {
        c.request_record_correction(&a.acting, &AdultId(b.adult_id.clone()), b.record_version, &b.what, today)
    })
    .await?;
    Ok(Changed::new(id, v, Some(n), None))
}

/// MIN-04/05: the chair accepts (a new version with the changes) or declines (with why).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"accepted": true, "changes": [{"index": 0, "text": "Corrected text."}],
    "note": "Corrected as the mother asked.", "reason": ""}))]
pub struct CorrectionAnswerInput {
    pub accepted: bool,
    /// When accepted: `[{index, text}]`, the sections of the latest version to change.
    #[serde(default)]
    #[schema(value_type = Vec<schemas::SectionChangeSchema>)]
    pub changes: Vec<SectionChange>,
    #[serde(default)]
    pub note: String,
    /// When declined: why.
    #[serde(default)]
    pub reason: String,
}

pub async fn answer_record_correction(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    number: u32,
    v: i64,
    b: CorrectionAnswerInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let decision = if b.accepted {
        CorrectionDecision::Accept { changes: b.changes, note: b.note }
    } else {
        CorrectionDecision::Decline { reason: b.reason }
    };
    let ((), v) = save(ops, actor, id, v, "conference.record-correction-answer", |c| {
        c.answer_correction(&a.acting, number, decision, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

/// MIN-02: one section of the draft as rewritten (numbered from 1).
#[derive(Deserialize, ToSchema)]
pub struct EditSectionInput {
    pub section: u32,
    pub text: String,
}

/// MIN-02: the note taker (or chair) rewrites one section of the draft.
pub async fn edit_record_section(ops: &Ops, actor: &Actor, id: &str, v: i64, b: EditSectionInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let now = ops.clock.now();
    let index = (b.section as usize).saturating_sub(1);
    let ((), v) = save(ops, actor, id, v, "conference.edit-record-section", |c| {
        c.edit_record_section(&a.acting, index, &b.text, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

/// MEET-05, MIN-01: a point the meeting made, added to the draft's discussion.
#[derive(Deserialize, ToSchema)]
pub struct RecordDiscussionInput {
    #[schema(value_type = String, example = "worries")]
    pub heading: DiscussionHeading,
    /// One of the agenda's parts (EXC-03), if the point belongs to one.
    #[serde(default)]
    pub part: Option<String>,
    pub text: String,
    #[serde(default)]
    pub restricted: bool,
}

/// MEET-05, MIN-01: the note taker (or chair) adds a point to the draft's discussion.
pub async fn add_record_discussion(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    b: RecordDiscussionInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let part = match b.part.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(Part::chosen(p).ok_or_else(|| crate::OpsError::invalid("part", super::choose_part()))?),
    };
    let now = ops.clock.now();
    let (_, v) = save(ops, actor, id, v, "conference.add-record-discussion", |c| {
        c.add_record_discussion(&a.acting, b.heading, part, &b.text, b.restricted, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}
