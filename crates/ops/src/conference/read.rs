//! Reading conferences: one conference as its readers see it, and lists.

use super::authorize;
use crate::{Ops, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::{Conference, ConferenceState, Slot};
use confer_store::{conferences, families};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A conference as its readers see it: the index fields, what is still to do before the
/// meeting (in words), and the whole aggregate as recorded.
#[derive(Serialize, ToSchema)]
pub struct ConferenceView {
    pub id: String,
    pub version: i64,
    pub family_id: String,
    pub kind: String,
    pub state: String,
    pub date: Option<String>,
    pub chair_id: Option<String>,
    pub due_by: String,
    /// TIME-01..03: held (or to be held) after its due date.
    pub is_late: bool,
    pub note_taker_id: Option<String>,
    /// What is still to do before (and around) the meeting, each saying what to do.
    pub checks: Vec<String>,
    /// Other conferences booked that day with the same chair, room or social worker at an
    /// overlapping time (shown, not refused: the coordinator decides).
    pub clashes: Vec<ClashView>,
    /// The whole conference: request, invitations, reports, meeting, decisions, record.
    #[schema(value_type = Object)]
    pub conference: Value,
}

/// A clash of a conference's time with another conference (issue 6, step 2).
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ClashView {
    /// `chair`, `room` or `social-worker`.
    pub kind: &'static str,
    /// The other conference, only for someone the access policy lets see it (else null).
    pub conference_id: Option<String>,
    pub time: String,
    /// In words, for people.
    pub message: String,
}

/// The clashes of `slot` (for conference `c`) with the authority's other conferences that
/// day: the same chair, the same room or the same allocated social worker within
/// [`clashes::ASSUMED_LENGTH_MINUTES`] of each other. Another family is named only to someone
/// the access policy lets see that family's conference; to anyone else it is "another conference".
pub async fn clashes_of(ops: &Ops, actor: &Actor, c: &Conference, slot: &Slot) -> Result<Vec<ClashView>> {
    use confer_domain::conference::clashes::{self, Booking, ClashKind};
    let candidate = Booking {
        conference_id: c.id().clone(),
        date: slot.date,
        time: slot.time,
        venue: slot.venue.clone(),
        chair: slot.chair.clone(),
        allocated_worker: c.allocated_worker().clone(),
    };
    let booked = conferences::possible_clashes(&ops.db, c.authority_id(), &candidate).await?;
    let others: Vec<Booking> = booked.iter().map(|p| p.booking.clone()).collect();
    let mut out = Vec::new();
    // Issue 15: the messages in the nation's words.
    let words = confer_domain::words::Words::of(ops.authority(c.authority_id()).await?.nation);
    let found = clashes::clashes(&candidate, &others);
    // The actor's relationships to every other conference at once (one query, not one each).
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .filter_map(|k| booked.iter().find(|p| p.booking.conference_id == k.other))
        .map(|p| (p.family_id.as_str(), p.booking.conference_id.as_str()))
        .collect();
    let related = if c.authority_id() == &actor.authority_id {
        conferences::relationships_to_each(&ops.db, &actor.user_id, &pairs).await?
    } else {
        vec![Vec::new(); pairs.len()]
    };
    for k in found {
        let other = booked.iter().find(|p| p.booking.conference_id == k.other);
        let (mut named, mut visible_id) = (None, None);
        if let Some(p) = other {
            // Ask the policy about the other family, as if opening its conference.
            let relationships = pairs
                .iter()
                .position(|(_, id)| *id == p.booking.conference_id.as_str())
                .map(|i| related[i].clone())
                .unwrap_or_default();
            let target = Target::Record { authority_id: c.authority_id(), relationships: &relationships };
            if decide(actor, Action::ViewConference, target) == Decision::Allow {
                named = Some(format!("the conference for the {}", p.family_name));
                visible_id = Some(k.other.to_string());
            }
        }
        let about = named.unwrap_or_else(|| "another conference".to_owned());
        out.push({
            let time = k.other_time.format("%H:%M").to_string();
            let (kind, what) = match k.kind {
                ClashKind::Chair => ("chair", "The chair is also chairing"),
                ClashKind::Room => ("room", "The room is also booked for"),
                ClashKind::SocialWorker => ("social-worker", "The social worker is also due at"),
            };
            ClashView { kind, conference_id: visible_id, message: words.reword(&format!("{what} {about} at {time}.")), time }
        });
    }
    Ok(out)
}

/// A conference as its reader may see it (ROLE-11: the read is logged as a read of the
/// family's record), with the clashes of its booked time.
pub async fn get(ops: &Ops, actor: &Actor, id: &str) -> Result<ConferenceView> {
    let allowed = authorize(ops, actor, Action::ViewConference, id).await?;
    let stored = conferences::load(&ops.db, id).await?;
    conferences::log_read(&ops.db, &allowed.owner.authority_id, &actor.user_id, allowed.owner.family_id.as_str(), id)
        .await?;
    let c = &stored.conference;
    let words = confer_domain::words::Words::of(ops.authority(c.authority_id()).await?.nation);
    let clashes = match (c.state(), c.slot()) {
        (ConferenceState::Scheduled, Some(slot)) => clashes_of(ops, actor, c, slot).await?,
        _ => Vec::new(),
    };
    Ok(ConferenceView {
        clashes,
        id: id.to_owned(),
        version: stored.version,
        family_id: c.family_id().to_string(),
        kind: c.kind().as_str().into(),
        state: c.state().as_str().into(),
        date: c.date().map(|d| d.to_string()),
        chair_id: c.chair().map(|u| u.to_string()),
        due_by: c.due_by().to_string(),
        is_late: c.is_late(),
        note_taker_id: stored.note_taker.as_ref().map(|u| u.to_string()),
        checks: c.checks().iter().map(|k| words.reword(&c.describe_check(k))).collect(),
        conference: serde_json::to_value(c).unwrap_or(Value::Null),
    })
}

/// A row of a list of conferences.
#[derive(Serialize, ToSchema)]
pub struct ConferenceRowDto {
    pub id: String,
    pub family_id: String,
    pub family_name: String,
    pub kind: String,
    pub state: String,
    pub date: Option<String>,
    pub chair_id: Option<String>,
    pub due_by: Option<String>,
    pub next_review_on: Option<String>,
    pub children: i64,
    pub version: i64,
}

impl From<conferences::ConferenceRow> for ConferenceRowDto {
    fn from(r: conferences::ConferenceRow) -> Self {
        ConferenceRowDto {
            id: r.id,
            family_id: r.family_id,
            family_name: r.family_name,
            kind: r.kind,
            state: r.state,
            date: r.date.map(|d| d.to_string()),
            chair_id: r.chair_id,
            due_by: r.due_by.map(|d| d.to_string()),
            next_review_on: r.next_review_on.map(|d| d.to_string()),
            children: r.children,
            version: r.version,
        }
    }
}

/// A family's conferences, only those this person may see: an invitation to one is not a
/// key to all.
pub async fn of_family(ops: &Ops, actor: &Actor, family_id: &str) -> Result<Vec<ConferenceRowDto>> {
    super::authorize_family(ops, actor, Action::ViewConference, family_id).await?;
    let rows = conferences::of_family(&ops.db, family_id).await?;
    families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "conference.list.api").await?;
    let mut out = Vec::new();
    for r in rows {
        let rels = conferences::relationships(&ops.db, &actor.user_id, family_id, &r.id).await?;
        let t = Target::Record { authority_id: &actor.authority_id, relationships: &rels };
        if decide(actor, Action::ViewConference, t) == Decision::Allow {
            out.push(r.into());
        }
    }
    Ok(out)
}

/// Which of the authority's conferences to list.
#[derive(Debug, Default)]
pub struct ListInput {
    pub state: Option<ConferenceState>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub offset: Option<i64>,
    /// Rows to return (at most 200).
    pub limit: Option<i64>,
}

/// The authority's conferences (the coordinator's list).
pub async fn list(ops: &Ops, actor: &Actor, q: ListInput) -> Result<Vec<ConferenceRowDto>> {
    let filter = conferences::Filter {
        state: q.state,
        from: q.from,
        to: q.to,
        limit: q.limit.unwrap_or(50).clamp(1, 200),
        offset: q.offset.unwrap_or(0).max(0),
    };
    let rows = conferences::list(&ops.db, &actor.authority_id, &filter).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Requested conferences waiting for a date.
pub async fn requested(ops: &Ops, actor: &Actor) -> Result<Vec<ConferenceRowDto>> {
    let rows = conferences::waiting_to_be_scheduled(&ops.db, &actor.authority_id, i64::MAX).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The conferences this person chairs between two days (by default from today for four weeks).
pub async fn chaired(
    ops: &Ops,
    actor: &Actor,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ConferenceRowDto>> {
    let from = from.unwrap_or_else(|| ops.clock.today());
    let to = to.unwrap_or_else(|| from.checked_add_days(chrono::Days::new(28)).unwrap_or(from));
    let rows = conferences::chaired_between(&ops.db, &actor.user_id, from, to).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
