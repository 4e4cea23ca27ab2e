//! Quality assurance audits of conferences (QA-03), once for the pages and the API: the
//! checklist, drawing a sample, recording findings, a grade and actions, completing the audit
//! and following its actions up. Authority-wide work of quality assurance; auditors read it.

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::quality::{draw_sample, Answer, Checklist, ConferenceAudit, Grade, QualityError, SampleSize};
use confer_store::quality::{self as store, AuditRow, NewSample};

impl From<QualityError> for OpsError {
    fn from(e: QualityError) -> Self {
        let field = match e {
            QualityError::NoQuestions => "questions",
            QualityError::BadPercent | QualityError::BadCount => "size",
            QualityError::BadPeriod => "from",
            QualityError::NothingToSample => "from",
            QualityError::Unanswered { .. }
            | QualityError::NoFinding { .. }
            | QualityError::WrongAnswerCount { .. } => "answers",
            QualityError::NoGrade => "grade",
            QualityError::NeedsAction { .. } => "grade",
            QualityError::NoActionText => "what",
            QualityError::NoOwner => "owner",
            QualityError::DueInPast { .. } => "due",
            QualityError::NoSuchAction { .. } | QualityError::AlreadyDone { .. } | QualityError::NoDoneNote => "note",
            QualityError::Completed => "",
        };
        match field {
            "" => OpsError::Declined { message: e.to_string() },
            f => OpsError::invalid(f, e.to_string()),
        }
    }
}

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// The checklist and its version.
pub async fn checklist(ops: &Ops, actor: &Actor) -> Result<(Checklist, i64)> {
    allow(actor, Action::ViewQualityAudits)?;
    Ok(store::checklist(&ops.db, &actor.authority_id).await?)
}

/// Saves the checklist (one question a line) at the version last seen.
pub async fn save_checklist(ops: &Ops, actor: &Actor, lines: &[String], version: i64) -> Result<i64> {
    allow(actor, Action::ManageQualityChecklist)?;
    let c = Checklist::new(lines)?;
    Ok(store::save_checklist(&ops.db, &actor.authority_id, &actor.user_id, &c, version).await?)
}

/// What a sample is drawn from.
pub struct SampleInput {
    /// A conference kind (`initial`, `review`, ...) or none for every kind.
    pub kind: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub size: SampleSize,
    /// Given to draw a sample again (to check one); a fresh one otherwise.
    pub seed: Option<u64>,
}

/// A sample drawn: its id and the conferences chosen.
pub struct Drawn {
    pub sample_id: String,
    pub chosen: Vec<String>,
    pub candidates: usize,
    pub seed: u64,
}

/// Draws a sample of the closed conferences held in the period and opens an audit of each.
pub async fn draw(ops: &Ops, actor: &Actor, input: SampleInput) -> Result<Drawn> {
    allow(actor, Action::AuditConferences)?;
    if input.to < input.from {
        return Err(QualityError::BadPeriod.into());
    }
    input.size.check()?;
    let kind = input.kind.as_deref().filter(|k| !k.is_empty());
    let candidates = store::candidates(&ops.db, &actor.authority_id, kind, input.from, input.to).await?;
    let seed = input.seed.unwrap_or_else(store::new_seed);
    let chosen = draw_sample(&candidates, input.size, seed)?;
    let (checklist, _) = store::checklist(&ops.db, &actor.authority_id).await?;
    let sample = NewSample {
        kind,
        from: input.from,
        to: input.to,
        size: input.size,
        seed,
        candidates: candidates.len(),
        chosen: &chosen,
        checklist: &checklist,
    };
    let sample_id = store::create_sample(&ops.db, &actor.authority_id, &actor.user_id, &sample).await?;
    Ok(Drawn { sample_id, chosen, candidates: candidates.len(), seed })
}

/// The authority's audits. The list names the families of the conferences audited, so it is
/// logged as one list read, as every list of families is.
pub async fn list(ops: &Ops, actor: &Actor) -> Result<Vec<AuditRow>> {
    allow(actor, Action::ViewQualityAudits)?;
    let rows = store::audits(&ops.db, &actor.authority_id, 500).await?;
    let families: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).filter(|f| !f.is_empty()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "quality-audits",
        &families,
    )
    .await?;
    Ok(rows)
}

/// One audit and its version (another authority's is not found). Its findings may say what
/// happened at a family's conference, so opening it is logged as a read of the audit, naming
/// the conference and its family, as opening a record is.
pub async fn view(ops: &Ops, actor: &Actor, id: &str) -> Result<(ConferenceAudit, i64)> {
    allow(actor, Action::ViewQualityAudits)?;
    match store::load(&ops.db, id).await? {
        Some(s) if s.authority_id == actor.authority_id => {
            // The page shows what happened at a family's conference: the read names the family
            // (as list reads do), so "who has seen this family?" finds it (none once disposed of).
            let family = confer_store::conferences::owner(&ops.db, &s.audit.conference_id).await?;
            let families: Vec<&str> = family.iter().map(|o| o.family_id.as_str()).collect();
            confer_store::audit::record_read(
                &ops.db,
                confer_store::audit::Entry {
                    authority_id: actor.authority_id.as_str(),
                    actor: actor.user_id.as_str(),
                    kind: confer_domain::audit::EventKind::Read,
                    action: "quality.audit.read",
                    entity_type: "qa_audit",
                    entity_id: id,
                    before: serde_json::Value::Null,
                    after: serde_json::json!({ "conference_id": s.audit.conference_id, "families": families }),
                },
            )
            .await?;
            Ok((s.audit, s.version))
        }
        _ => Err(OpsError::NotFound),
    }
}

async fn change<T>(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &str,
    f: impl FnOnce(&mut ConferenceAudit) -> Result<T, QualityError>,
) -> Result<(T, i64)> {
    allow(actor, Action::AuditConferences)?;
    Ok(store::save(&ops.db, &actor.authority_id, id, &actor.user_id, version, action, f).await?)
}

/// Records the findings and grade (a draft until completed).
pub async fn record_findings(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    answers: Vec<Answer>,
    grade: Option<Grade>,
    summary: &str,
) -> Result<i64> {
    let (_, v) =
        change(ops, actor, id, version, "quality.audit.findings", |a| a.record_findings(answers, grade, summary))
            .await?;
    Ok(v)
}

/// Adds an action to follow up.
pub async fn add_action(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    what: &str,
    owner: &str,
    due: NaiveDate,
) -> Result<i64> {
    let today = ops.clock.today();
    let (_, v) =
        change(ops, actor, id, version, "quality.audit.action.add", |a| a.add_action(what, owner, due, today)).await?;
    Ok(v)
}

/// Records an action as done, with what was done.
pub async fn action_done(ops: &Ops, actor: &Actor, id: &str, version: i64, number: usize, note: &str) -> Result<i64> {
    let today = ops.clock.today();
    let (_, v) =
        change(ops, actor, id, version, "quality.audit.action.done", |a| a.action_done(number, note, today)).await?;
    Ok(v)
}

/// Completes the audit (every rule of QA-03 checked by the domain).
pub async fn complete(ops: &Ops, actor: &Actor, id: &str, version: i64) -> Result<i64> {
    let today = ops.clock.today();
    let (_, v) = change(ops, actor, id, version, "quality.audit.complete", |a| a.complete(today)).await?;
    Ok(v)
}
