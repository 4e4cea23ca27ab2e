//! Clashes when a conference is scheduled (issue 6, step 2): the same chair, the same room or
//! the same allocated social worker already booked for another conference whose time overlaps.
//! A clash is shown to the coordinator, who decides; it does not stop the scheduling (a chair
//! may chair two short reviews back to back, a large room may hold two meetings).

use super::{Conference, ConferenceId, ConferenceState};
use crate::UserId;
use chrono::{NaiveDate, NaiveTime};

/// How long a conference is taken to last when looking for clashes: two overlapping
/// bookings are those starting less than this apart on the same day.
pub const ASSUMED_LENGTH_MINUTES: i64 = 120;

/// What is booked: one conference's day, time, place, chair and allocated social worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub conference_id: ConferenceId,
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// The room, if any (a video-only meeting has no room to clash over).
    pub venue: Option<String>,
    pub chair: UserId,
    pub allocated_worker: UserId,
}

impl Booking {
    /// A scheduled or running conference's booking; none for a conference without a slot, or
    /// one that is closed or cancelled (its time is no longer taken).
    pub fn of(c: &Conference) -> Option<Booking> {
        if !matches!(c.state(), ConferenceState::Scheduled | ConferenceState::InProgress) {
            return None;
        }
        let slot = c.slot()?;
        Some(Booking {
            conference_id: c.id().clone(),
            date: slot.date,
            time: slot.time,
            venue: slot.venue.clone(),
            chair: slot.chair.clone(),
            allocated_worker: c.allocated_worker().clone(),
        })
    }
}

/// Who or what is double-booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClashKind {
    Chair,
    Room,
    SocialWorker,
}

impl ClashKind {
    pub fn label(self) -> &'static str {
        match self {
            ClashKind::Chair => "The chair",
            ClashKind::Room => "The room",
            ClashKind::SocialWorker => "The social worker",
        }
    }
}

/// One clash: what is double-booked, with which conference, at what time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub kind: ClashKind,
    pub other: ConferenceId,
    pub other_time: NaiveTime,
}

/// A room's name as compared: case, spacing and punctuation around it do not matter.
pub fn room_key(venue: &str) -> String {
    venue
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The clashes of `candidate` with the other bookings (its own conference is ignored), in the
/// order chair, room, social worker, then by time.
pub fn clashes(candidate: &Booking, others: &[Booking]) -> Vec<Clash> {
    let mut out = Vec::new();
    let room = candidate.venue.as_deref().map(room_key).filter(|r| !r.is_empty());
    for other in others {
        if other.conference_id == candidate.conference_id || other.date != candidate.date {
            continue;
        }
        let apart = (other.time - candidate.time).num_minutes().abs();
        if apart >= ASSUMED_LENGTH_MINUTES {
            continue;
        }
        let mut add = |kind| out.push(Clash { kind, other: other.conference_id.clone(), other_time: other.time });
        if other.chair == candidate.chair {
            add(ClashKind::Chair);
        }
        if room.is_some() && other.venue.as_deref().map(room_key) == room {
            add(ClashKind::Room);
        }
        if other.allocated_worker == candidate.allocated_worker {
            add(ClashKind::SocialWorker);
        }
    }
    out.sort_by(|a, b| (a.kind, a.other_time, &a.other.0).cmp(&(b.kind, b.other_time, &b.other.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booking(id: &str, time: &str, venue: Option<&str>, chair: &str, worker: &str) -> Booking {
        Booking {
            conference_id: ConferenceId::from(id),
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            time: NaiveTime::parse_from_str(time, "%H:%M").unwrap(),
            venue: venue.map(str::to_owned),
            chair: UserId::from(chair),
            allocated_worker: UserId::from(worker),
        }
    }

    #[test]
    fn the_same_chair_room_or_social_worker_at_an_overlapping_time_clashes() {
        let new = booking("new", "10:00", Some("Room 2, Civic Centre"), "chair-a", "sw-a");
        let others = [
            booking("chair", "11:30", Some("Room 9"), "chair-a", "sw-b"),
            booking("room", "09:00", Some("  room 2 civic centre "), "chair-b", "sw-b"),
            booking("worker", "10:00", None, "chair-b", "sw-a"),
            booking("later", "12:00", Some("Room 2, Civic Centre"), "chair-a", "sw-a"),
            booking("unrelated", "10:00", Some("Room 3"), "chair-b", "sw-b"),
        ];
        let found = clashes(&new, &others);
        let kinds: Vec<_> = found.iter().map(|c| (c.kind, c.other.0.as_str())).collect();
        assert_eq!(
            kinds,
            vec![(ClashKind::Chair, "chair"), (ClashKind::Room, "room"), (ClashKind::SocialWorker, "worker")],
            "two hours apart is not a clash; another chair, room and worker is not a clash"
        );
    }

    #[test]
    fn video_only_meetings_have_no_room_to_clash_over_and_a_conference_never_clashes_with_itself() {
        let new = booking("new", "10:00", None, "chair-a", "sw-a");
        let others =
            [booking("video", "10:00", None, "chair-b", "sw-b"), booking("new", "10:00", None, "chair-a", "sw-a")];
        assert!(clashes(&new, &others).is_empty());
    }

    #[test]
    fn another_day_never_clashes() {
        let new = booking("new", "10:00", Some("Room 1"), "chair-a", "sw-a");
        let mut other = booking("other", "10:00", Some("Room 1"), "chair-a", "sw-a");
        other.date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(clashes(&new, &[other]).is_empty());
    }
}
