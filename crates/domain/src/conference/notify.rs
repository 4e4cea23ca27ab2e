//! Who is told what when a conference changes (issue 11): the rule lives here, pure; the store
//! only carries it out (finds each invitee's address, writes the message to the outbox, in
//! the change's transaction).
//!
//! - A conference that becomes cancelled tells every invitee that it is cancelled (and
//!   nothing else: not when or where it would have met).
//! - Someone newly invited to a conference with a time is sent the invitation.
//! - A new date, time, place or video link tells every invitee already invited that it moved.
//! - EXC-04, EXC-06: a family member excluded from the whole conference is never told when or
//!   where it meets (neither an invitation with the time nor a move); a cancellation says
//!   neither, so they are told of that.

use super::{Conference, ConferenceState, InvitationId, Invitee, Recipient, Visibility};

/// What one invitee is told about a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// The invitation, with the date, time and place.
    Invitation,
    /// The conference has a new date, time, place or link.
    Moved,
    /// The conference is cancelled.
    Cancelled,
}

/// Whether an invitee's e-mail about the conference may carry a calendar entry (.ics), which
/// says when and where it meets: only someone who may know that (EXC-04, EXC-06: never a
/// family member excluded from the whole conference, not even in a cancellation).
pub fn may_have_calendar_entry(c: &Conference, invitee: &Invitee) -> bool {
    match invitee {
        Invitee::FamilyMember { adult_id } => {
            Visibility::for_recipient(c, &Recipient::FamilyMember(adult_id.clone())).meeting_details
        }
        _ => true,
    }
}

/// Who is told what when a conference goes from `before` to `after`, in the order of
/// `after`'s invitations. Empty when the change tells no one anything.
pub fn told_of_change(before: &Conference, after: &Conference) -> Vec<(InvitationId, Told)> {
    let cancelled = after.state() == ConferenceState::Cancelled && before.state() != ConferenceState::Cancelled;
    let moved = match (before.slot(), after.slot()) {
        (Some(a), Some(b)) => {
            a.date != b.date || a.time != b.time || a.venue != b.venue || a.video_link != b.video_link
        }
        _ => false,
    };
    let invited_before: Vec<InvitationId> = before.invitations().iter().map(|i| i.id).collect();
    let mut out = Vec::new();
    for invitation in after.invitations() {
        if cancelled {
            out.push((invitation.id, Told::Cancelled));
            continue;
        }
        let may_know_when = match &invitation.invitee {
            Invitee::FamilyMember { adult_id } => {
                Visibility::for_recipient(after, &Recipient::FamilyMember(adult_id.clone())).meeting_details
            }
            _ => true,
        };
        if !may_know_when || after.slot().is_none() {
            continue;
        }
        if !invited_before.contains(&invitation.id) {
            out.push((invitation.id, Told::Invitation));
        } else if moved {
            out.push((invitation.id, Told::Moved));
        }
    }
    out
}
