//! Arranging: scheduling (CHAIR-01, TIME-01), moving, cancelling, and the children it is about.

use super::{authorize, clashes_of, save, Allowed, Changed};
use crate::{Ops, OpsError, Result};
use chrono::{NaiveDate, NaiveTime};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::{ChildId, Role, UserId};
use confer_store::conferences::{self, Change};
use confer_store::{families, users, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct DelayDto {
    #[schema(value_type = String, example = "family-unavailable")]
    pub kind: DelayReasonKind,
    pub detail: String,
}

/// When and where, who chairs (CHAIR-01) and who takes the notes.
#[derive(Deserialize, ToSchema)]
#[schema(examples(
    json!({"date": "2026-11-20", "time": "10:00", "venue": "Room 1, Civic Centre", "video_link": null,
        "chair_id": "user-chair", "note_taker_id": "user-note-taker", "delay": null, "keep_clashes": true}),
    json!({"date": "2027-02-12", "time": "14:00", "venue": null, "video_link": "https://meet.example.org/review",
        "chair_id": "user-chair", "note_taker_id": "user-note-taker", "delay": null, "keep_clashes": true})
))]
pub struct ScheduleInput {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// HH:MM
    pub time: String,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub video_link: Option<String>,
    pub chair_id: String,
    /// A user with the note taker role; they can then see and record this conference.
    #[serde(default)]
    pub note_taker_id: Option<String>,
    /// TIME-01/02: required when the date is after the due date.
    #[serde(default)]
    pub delay: Option<DelayDto>,
    /// Whether to keep a time that clashes with the chair's, the room's or the social
    /// worker's other conferences that day (default yes: the clashes are then shown on the
    /// conference). With `false`, a clash is refused and named, so the time can be changed.
    #[serde(default = "yes")]
    pub keep_clashes: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"date": "2026-11-20", "time": "11:30", "venue": "Room 1, Civic Centre",
    "video_link": null, "chair_id": "user-chair", "note_taker_id": "user-note-taker", "delay": null,
    "keep_clashes": true, "reason": "The room was double-booked."}))]
pub struct RescheduleInput {
    #[serde(flatten)]
    pub slot: ScheduleInput,
    pub reason: String,
}

/// A time of day as people type it (`10:00`, or `10:00:00`).
pub fn parse_time(t: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(t.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S"))
        .map_err(|_| OpsError::invalid("time", "Enter the time as a time of day, like 10:00"))
}

/// What scheduling needs besides the slot: the chair's account, the allocated worker's
/// management line (CHAIR-01) and the note taker's account.
struct SlotContext {
    slot: Slot,
    chair: confer_domain::UserAccount,
    line: Vec<UserId>,
    allocated: UserId,
    note_taker: Option<String>,
    delay: Option<DelayReason>,
}

async fn slot_context(ops: &Ops, actor: &Actor, allowed: &Allowed, id: &str, b: &ScheduleInput) -> Result<SlotContext> {
    let time = parse_time(&b.time)?;
    let chair = match users::by_id(&ops.db, &UserId(b.chair_id.clone())).await {
        Ok(u) if u.account.authority_id == allowed.owner.authority_id => u.account,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(OpsError::invalid(
                "chair_id",
                "There is no user with that id in this authority to chair the conference.",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(n) = &b.note_taker_id {
        let ok = match users::by_id(&ops.db, &UserId(n.clone())).await {
            Ok(u) => {
                u.account.authority_id == allowed.owner.authority_id
                    && u.account.roles.contains(&Role::NoteTaker)
                    && !u.account.disabled
            }
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !ok {
            return Err(OpsError::invalid(
                "note_taker_id",
                "The note taker must be a user of this authority with the note taker role.",
            ));
        }
    }
    let current = conferences::load(&ops.db, id).await?;
    let slot = Slot {
        date: b.date,
        time,
        venue: b.venue.clone(),
        video_link: b.video_link.clone(),
        chair: UserId(b.chair_id.clone()),
    };
    // Clashes with the chair's, the room's or the social worker's other conferences that day
    // are shown; a person who asked to be told keeps the time only by saying so.
    if !b.keep_clashes {
        let clashes = clashes_of(ops, actor, &current.conference, &slot).await?;
        if !clashes.is_empty() {
            let said = clashes.iter().map(|k| k.message.as_str()).collect::<Vec<_>>().join(" ");
            return Err(OpsError::invalid(
                "accept_clashes",
                format!("{said} Choose another time, or tick the box to keep this time."),
            ));
        }
    }
    let allocated = current.conference.allocated_worker().clone();
    let line = users::management_line(&ops.db, &allocated).await?;
    Ok(SlotContext {
        slot,
        chair,
        line,
        allocated,
        note_taker: b.note_taker_id.clone(),
        delay: b.delay.as_ref().map(|d| DelayReason { kind: d.kind, detail: d.detail.clone() }),
    })
}

impl SlotContext {
    /// The line manager of each person in the allocated worker's management line.
    fn line_manager_of(&self) -> impl Fn(&UserId) -> Option<UserId> + '_ {
        move |u: &UserId| {
            if *u == self.allocated {
                self.line.first().cloned()
            } else {
                self.line.iter().position(|x| x == u).and_then(|i| self.line.get(i + 1).cloned())
            }
        }
    }
}

pub async fn schedule(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ScheduleInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let s = slot_context(ops, actor, &a, id, &b).await?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let change = Change {
        note_taker: Some(s.note_taker.as_deref()),
        ..Change::new(actor.user_id.as_str(), "conference.schedule")
    };
    let ((), v) = conferences::save(&ops.db, id, v, change, |c| {
        c.schedule(
            &a.acting,
            s.slot.clone(),
            &s.chair,
            s.line_manager_of(),
            s.delay.clone(),
            &rules.calendar,
            today,
            now,
        )
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

pub async fn reschedule(ops: &Ops, actor: &Actor, id: &str, v: i64, b: RescheduleInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let s = slot_context(ops, actor, &a, id, &b.slot).await?;
    let (today, now) = (ops.clock.today(), ops.clock.now());
    let note_taker = s.note_taker.as_deref().map(Some);
    let change = Change { note_taker, ..Change::new(actor.user_id.as_str(), "conference.reschedule") };
    let ((), v) = conferences::save(&ops.db, id, v, change, |c| {
        c.reschedule(
            &a.acting,
            s.slot.clone(),
            &b.reason,
            &s.chair,
            s.line_manager_of(),
            s.delay.clone(),
            &rules.calendar,
            today,
            now,
        )
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"reason": "The family has moved to another authority."}))]
pub struct ReasonInput {
    pub reason: String,
}

pub async fn cancel(ops: &Ops, actor: &Actor, id: &str, v: i64, b: ReasonInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::CancelConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.cancel", |c| c.cancel(&a.acting, &b.reason, now)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"child_id": "child-2", "current_plan": null}))]
pub struct AddChildInput {
    pub child_id: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "neglect")]
    pub current_plan: Option<PlanCategory>,
}

pub async fn add_child(ops: &Ops, actor: &Actor, id: &str, v: i64, b: AddChildInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RequestConference, id).await?;
    let record = families::family_record(&ops.db, a.owner.family_id.as_str()).await?;
    let Some(ch) = record.children.iter().find(|c| c.id.as_str() == b.child_id) else {
        return Err(OpsError::invalid("child_id", format!("Child {} is not in this family's record.", b.child_id)));
    };
    let child = SubjectChild {
        child_id: ch.id.clone(),
        name: format!("{} {}", ch.given_name, ch.family_name),
        birth: ch.birth,
        communication: ch.communication.clone(),
        disability: ch.disability.clone(),
        current_plan: b.current_plan,
    };
    let ((), v) = save(ops, actor, id, v, "conference.add-child", |c| c.add_child(&a.acting, child)).await?;
    Ok(Changed::new(id, v, None, None))
}

pub async fn remove_child(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    child_id: &str,
    v: i64,
    b: ReasonInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::RequestConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.remove-child", |c| {
        c.remove_child(&a.acting, &ChildId(child_id.to_owned()), &b.reason, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}
