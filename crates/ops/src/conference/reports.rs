//! Reports and sharing (REP-*), views (INV-06/07, CHILD-02/03), pre-meetings and recording consent.

use super::{authorize, save, schemas, to_json, Changed};
use crate::{Ops, Result};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::{AdultId, ProfessionalId};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"author": "professional-1", "parts": [{"heading": "Assessment",
    "text": "Home conditions are poor; the children are often hungry.", "restricted": null}]}))]
pub struct ReportInput {
    /// The professional (of this conference) whose report it is.
    pub author: String,
    /// `[{heading, text, restricted: null | "third-party-information" | "police-information" | "other"}]`
    #[schema(value_type = Vec<schemas::ReportPartSchema>)]
    pub parts: Vec<ReportPart>,
}

pub async fn submit_report(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ReportInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::SubmitReport, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let today = ops.clock.today();
    let p = rules.policy(ops.clock.today());
    let (report, v) = save(ops, actor, id, v, "conference.submit-report", |c| {
        c.submit_report(&a.acting, &ProfessionalId(b.author.clone()), b.parts, &p, &rules.calendar, today)
    })
    .await?;
    Ok(Changed::new(id, v, Some(report.0), None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"recipient": {"recipient": "family-member", "id": "adult-1"},
    "discussed_with_author": true, "late_reason": null}))]
pub struct ShareInput {
    /// `{"recipient": "family-member", "id": "<adult id>"}` (or professional, child, supporter, staff)
    #[schema(value_type = schemas::RecipientSchema)]
    pub recipient: Recipient,
    /// REP-01: the author discussed the report with the parent first.
    #[serde(default)]
    pub discussed_with_author: bool,
    #[serde(default)]
    pub late_reason: Option<String>,
}

pub async fn share_report(ops: &Ops, actor: &Actor, id: &str, number: u32, v: i64, b: ShareInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::SubmitReport, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let today = ops.clock.today();
    let p = rules.policy(ops.clock.today());
    let sharing = Sharing { discussed_with_author: b.discussed_with_author, late_reason: b.late_reason };
    let recipient = b.recipient;
    let ((sent, copy), v) = save(ops, actor, id, v, "conference.share-report", |c| {
        let sent =
            c.share_report(&a.acting, ReportId(number), recipient.clone(), sharing, &p, &rules.calendar, today)?;
        // REP-03: what the recipient is sent, restricted parts removed for the family.
        let copy = to_json(&c.report_copy_for(ReportId(number), &recipient)?);
        Ok((sent, copy))
    })
    .await?;
    let result = serde_json::json!({ "sent": sent, "copy": copy });
    Ok(Changed::new(id, v, None, Some(result)))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"views": {"whose": {"kind": "child", "id": "child-1"}, "form": "drawing",
    "summary": "A drawing of home with her dog.", "how_obtained": "At school with her teacher",
    "obtained_by": "Social worker", "obtained_on": "2026-11-10", "supported_by": null}}))]
pub struct ViewsInput {
    /// `{whose: Person, form, summary, how_obtained, obtained_by, obtained_on, supported_by}`
    #[schema(value_type = schemas::ViewsGivenSchema)]
    pub views: ViewsGiven,
}

pub async fn record_views(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ViewsInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::GatherViews, id).await?;
    let (n, v) = save(ops, actor, id, v, "conference.record-views", |c| c.record_views(&a.acting, b.views)).await?;
    Ok(Changed::new(id, v, Some(n.0), None))
}

pub async fn present_views(ops: &Ops, actor: &Actor, id: &str, number: u32, v: i64) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let ((), v) =
        save(ops, actor, id, v, "conference.present-views", |c| c.present_views(&a.acting, ViewsId(number), now))
            .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "outcome": {"outcome": "held", "mode": "virtual", "on": "2026-11-19"}}))]
pub struct PreMeetingInput {
    pub adult_id: String,
    /// `{"outcome": "held", "mode": "virtual", "on": "2026-11-19"}` or `{"outcome": "not-held", "reason": "..."}`
    #[schema(value_type = schemas::PreMeetingOutcomeSchema)]
    pub outcome: PreMeetingOutcome,
}

pub async fn pre_meeting(ops: &Ops, actor: &Actor, id: &str, v: i64, b: PreMeetingInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.pre-meeting", |c| {
        c.record_pre_meeting(&a.acting, &AdultId(b.adult_id.clone()), b.outcome, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "consents": true}))]
pub struct ConsentInput {
    pub adult_id: String,
    pub consents: bool,
}

pub async fn recording_consent(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ConsentInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RecordMeeting, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.recording-consent", |c| {
        c.record_recording_consent(&a.acting, &AdultId(b.adult_id.clone()), b.consents, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

pub async fn start_audio_recording(ops: &Ops, actor: &Actor, id: &str, v: i64) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let ((), v) = save(ops, actor, id, v, "conference.audio-recording", |c| c.start_audio_recording(&a.acting)).await?;
    Ok(Changed::new(id, v, None, None))
}

/// A report given as a file (REP-02): the file as uploaded, checked by the domain
/// (type, size, name) before anything is stored.
pub struct ReportFileInput {
    /// The professional (of this conference) whose report it is.
    pub author: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub summary: String,
    pub restricted: Option<RestrictionReason>,
}

/// Submits a report as a file: the file and the conference's change are stored in one
/// transaction with the audit event.
pub async fn submit_report_file(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ReportFileInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::SubmitReport, id).await?;
    let document_id = confer_store::new_id();
    let file = ReportFile::check(document_id.clone(), &b.file_name, &b.bytes).map_err(|e| {
        crate::OpsError::invalid(
            "file",
            format!("{e} Choose the file again: files are not kept when a form is refused."),
        )
    })?;
    let doc = confer_store::documents::NewDocument {
        id: &document_id,
        file_name: &file.file_name,
        media_type: file.file_type.as_str(),
        sha256: &file.sha256,
        content: &b.bytes,
    };
    let rules = ops.rules(&actor.authority_id).await?;
    let today = ops.clock.today();
    let p = rules.policy(today);
    let change = confer_store::conferences::Change {
        document: Some(&doc),
        ..confer_store::conferences::Change::new(actor.user_id.as_str(), "conference.submit-report")
    };
    let (report, v) = confer_store::conferences::save(&ops.db, id, v, change, |c| {
        c.submit_report_file(
            &a.acting,
            &ProfessionalId(b.author.clone()),
            file.clone(),
            &b.summary,
            b.restricted,
            &p,
            &rules.calendar,
            today,
        )
    })
    .await?;
    Ok(Changed::new(id, v, Some(report.0), None))
}
