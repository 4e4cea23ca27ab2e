//! Core group meetings arranged, invited to, moved and cancelled (issues 13 and 14; CG-01,
//! CG-02): the key worker, or anyone who leads the plan, arranges the next meeting of a child
//! protection plan's core group; every member is invited in their language and the nation's
//! words, by e-mail with a calendar invitation (.ics: METHOD:REQUEST, one UID for the
//! meeting's life, a higher SEQUENCE at each change, METHOD:CANCEL when cancelled), or, with
//! no e-mail address or when they asked for post, by a letter on the authority's print list
//! (a letter still waiting when the meeting moves or is cancelled is withdrawn, never printed).
//!
//! Each operation asks the one access policy (`ChangePlan` on the plan's family), then the
//! plan's rules decide (`confer_domain::plan`), and the store saves the plan's new version,
//! the messages, the letters and the audit events in one transaction
//! (`confer_store::plan_people::save_arrangement`).

use crate::plan::{acting, authorize_plan, NotesReaders, PlanAllowed};
use crate::{Ops, OpsError, Result};
use chrono::{NaiveDate, NaiveTime};
use confer_domain::access::{Action, Actor};
use confer_domain::notices::{self, Audience, CalendarLanguage};
use confer_domain::plan::{ArrangedCoreGroup, CoreGroupSlot, Member, Plan, PlanError};
use confer_domain::timescales::{LateReason, LateReasonRecord};
use confer_store::plan_people::{save_arrangement, ArrangementChange, ArrangementMail};
use confer_store::versioned::SaveError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// CG-02: when and where the core group is to meet.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"on": "2026-12-02", "at": "14:00", "venue": "Family Centre, room 3", "online": false}))]
pub struct ArrangeInput {
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// The time, "HH:MM" (UK time).
    #[schema(example = "14:00")]
    pub at: String,
    /// The room, if it meets in one.
    #[serde(default)]
    pub venue: Option<String>,
    /// Whether people may join online (the link goes by a safer route, never in the e-mail).
    #[serde(default)]
    pub online: bool,
    /// Why it meets after the day the core group is due by (needed only then).
    #[serde(default)]
    pub late_reason: Option<String>,
    /// QA-02: which of the late reasons of the deadlines it is ("other" when not given); kept,
    /// with `late_reason` as its details, on the core group's missed deadline (CG-02).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "professional-unavailable")]
    pub late_reason_kind: Option<confer_domain::timescales::LateReason>,
}

/// CG-02: the arranged meeting's new day, time or place, and why it moves.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"on": "2026-12-03", "at": "10:00", "venue": null, "online": true,
    "reason": "The school nurse cannot come on Wednesday."}))]
pub struct MoveInput {
    #[serde(flatten)]
    pub when: ArrangeInput,
    pub reason: String,
}

/// CG-02: why the arranged meeting is cancelled.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "The core group will meet at the review conference instead."}))]
pub struct CancelInput {
    pub reason: String,
}

/// What arranging, moving or cancelling answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArrangementChanged {
    pub plan_id: String,
    pub version: i64,
    /// The arrangement's number on the plan.
    pub number: u32,
}

/// A time as people type it: "14:00", "9:30", "14.00".
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let t = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&t, "%H:%M").ok()
}

fn slot(b: &ArrangeInput) -> Result<CoreGroupSlot> {
    let at = parse_time(&b.at)
        .ok_or_else(|| OpsError::invalid("at", "Enter the time as hours and minutes, for example 14:00."))?;
    Ok(CoreGroupSlot { on: b.on, at, venue: b.venue.clone(), online: b.online, late_reason: b.late_reason.clone() })
}

/// The plan's rules' refusals, each on the field to fix.
fn refused(e: SaveError<PlanError>) -> OpsError {
    match e {
        SaveError::Refused(r) => {
            let field = match &r {
                PlanError::ArrangedInThePast { .. } | PlanError::BadMeetingDate { .. } | PlanError::NothingChanged => {
                    "on"
                }
                PlanError::NoPlace => "venue",
                PlanError::LateWithoutReason { .. } => "late_reason",
                PlanError::Missing { .. } => "reason",
                PlanError::NotLeading => return OpsError::Forbidden,
                _ => "",
            };
            OpsError::invalid(field, r.to_string())
        }
        other => other.into(),
    }
}

/// Who is told, and how: each member of the core group but the key worker (who arranged it, or
/// leads the plan, and reads it in confer), in their language; an adult excluded from the
/// whole of the latest conference is not told of the meeting's day (EXC-04, as the plan's
/// page in the portal gives them no core group date).
pub(crate) fn messages(
    readers: &NotesReaders,
    a: &ArrangedCoreGroup,
    change: ArrangementChange,
    actor: &Actor,
    plan_ended: bool,
) -> Vec<ArrangementMail> {
    let (name, nation) = (readers.authority.name.as_str(), readers.authority.nation);
    let mut out = Vec::new();
    for person in &a.invited {
        let (member, email, audience, language) = match person {
            Member::Professional(id) => {
                let Some((_, email, user)) = readers.professionals.iter().find(|x| &x.0 == id) else { continue };
                if user.as_ref() == Some(&actor.user_id) {
                    continue;
                }
                let email = Some(email.trim().to_owned()).filter(|e| e.contains('@'));
                (
                    format!("professional:{id}"),
                    email,
                    Audience::Professional,
                    CalendarLanguage::for_recipient(nation, None),
                )
            }
            Member::FamilyMember(adult) => {
                let Some((_, email, seen)) = readers.adults.iter().find(|x| &x.0 == adult) else { continue };
                if !seen.meeting_details {
                    continue;
                }
                let first = readers.languages.iter().find(|x| &x.0 == adult).map(|x| x.1.as_str());
                let email = email.as_deref().map(str::trim).filter(|e| e.contains('@')).map(str::to_owned);
                (
                    format!("family-member:{adult}"),
                    email,
                    Audience::Family,
                    CalendarLanguage::for_recipient(nation, first),
                )
            }
            Member::KeyWorker(_) => continue,
        };
        let (notice, kind) = match change {
            ArrangementChange::Arranged => {
                (notices::core_group_invitation(name, nation, a, audience, language), "core-group-invitation")
            }
            ArrangementChange::Moved => (notices::core_group_moved(name, nation, a, language), "core-group-moved"),
            // PLAN-05: cancelled because the plan ended: no next meeting to wait for.
            ArrangementChange::Cancelled if plan_ended => {
                (notices::core_group_cancelled_plan_ended(name, nation, a, language), "core-group-cancellation")
            }
            ArrangementChange::Cancelled => {
                (notices::core_group_cancelled(name, nation, a, language), "core-group-cancellation")
            }
        };
        let calendar = Some(notices::core_group_calendar_entry(name, nation, a, language));
        let letter = match &email {
            Some(_) => None,
            None => {
                let (doc_language, code) = match language {
                    CalendarLanguage::Welsh => (confer_domain::conference::DocumentLanguage::Welsh, "cy"),
                    _ => (confer_domain::conference::DocumentLanguage::English, "en"),
                };
                let mut doc = confer_docs::doc::Doc::new(notice.subject.clone(), doc_language);
                doc.heading(notice.subject.clone()).paragraphs(&notice.body);
                match confer_docs::render(&doc, confer_docs::Format::Pdf, confer_docs::PrintSize::Standard) {
                    Ok(bytes) => Some((bytes, code, kind)),
                    // A letter that cannot be made leaves the member out of this round (the
                    // key worker sees who was told on the plan's history), not the change.
                    Err(_) => None,
                }
            }
        };
        out.push(ArrangementMail { member, email, notice, calendar, letter });
    }
    out
}

/// CG-02, QA-02: the late reason given, as a deadline keeps it (the kind chosen, "other" when
/// none was, and the words as its details); none when no words were given.
fn late_of(b: &ArrangeInput) -> Result<Option<LateReasonRecord>> {
    let Some(words) = b.late_reason.as_deref().map(str::trim).filter(|w| !w.is_empty()) else { return Ok(None) };
    LateReasonRecord::new(b.late_reason_kind.unwrap_or(LateReason::Other), words)
        .map(Some)
        .map_err(|e| OpsError::invalid("late_reason", e.to_string()))
}

async fn change(
    ops: &Ops,
    actor: &Actor,
    plan_id: &str,
    version: i64,
    kind: ArrangementChange,
    late: Option<LateReasonRecord>,
    operation: impl FnOnce(&mut Plan, &confer_domain::plan::PlanActing) -> std::result::Result<ArrangedCoreGroup, PlanError>,
) -> Result<ArrangementChanged> {
    let allowed: PlanAllowed = authorize_plan(ops, actor, Action::ChangePlan, plan_id).await?;
    let who = acting(ops, actor, &allowed).await?;
    let readers = NotesReaders::load(ops, &allowed, plan_id).await?;
    let (number, v) = save_arrangement(&ops.db, plan_id, version, actor.user_id.as_str(), kind, late.as_ref(), |p| {
        let a = operation(p, &who)?;
        let mails = messages(&readers, &a, kind, actor, false);
        Ok((a.number, a.number, mails))
    })
    .await
    .map_err(refused)?;
    Ok(ArrangementChanged { plan_id: plan_id.to_owned(), version: v, number })
}

/// CG-01, CG-02: arranges the next core group meeting and invites the core group.
pub async fn arrange(
    ops: &Ops,
    actor: &Actor,
    plan_id: &str,
    version: i64,
    b: ArrangeInput,
) -> Result<ArrangementChanged> {
    let s = slot(&b)?;
    let late = late_of(&b)?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    change(ops, actor, plan_id, version, ArrangementChange::Arranged, late, |p, who| {
        p.arrange_core_group(who, s, today, now)?;
        p.arranged_core_group().cloned().ok_or(PlanError::NothingArranged)
    })
    .await
}

/// CG-02: moves the arranged meeting (with the reason) and tells everyone invited.
pub async fn move_meeting(
    ops: &Ops,
    actor: &Actor,
    plan_id: &str,
    version: i64,
    b: MoveInput,
) -> Result<ArrangementChanged> {
    let s = slot(&b.when)?;
    let late = late_of(&b.when)?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    change(ops, actor, plan_id, version, ArrangementChange::Moved, late, |p, who| {
        p.move_core_group(who, s, &b.reason, today, now)?;
        p.arranged_core_group().cloned().ok_or(PlanError::NothingArranged)
    })
    .await
}

/// CG-02: cancels the arranged meeting (with the reason) and tells everyone invited.
pub async fn cancel(
    ops: &Ops,
    actor: &Actor,
    plan_id: &str,
    version: i64,
    b: CancelInput,
) -> Result<ArrangementChanged> {
    let now = ops.clock.now();
    change(ops, actor, plan_id, version, ArrangementChange::Cancelled, None, |p, who| {
        p.cancel_core_group(who, &b.reason, now)
    })
    .await
}
