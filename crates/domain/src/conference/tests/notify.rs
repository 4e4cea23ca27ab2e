//! Who is told what when a conference changes (issue 11; INV-01, EXC-04, EXC-06).

use super::exclusion::whole;
use super::*;
use crate::conference::notify::{may_have_calendar_entry, told_of_change, Told};

fn moved(c: &mut Conference) {
    let mut s = slot(CONFERENCE_DAY, "chair1");
    s.venue = Some("Town Hall, room 4".into());
    c.reschedule(
        &coordinator(),
        s,
        "The room is needed for another meeting.",
        &account("chair1", &[Role::Chair]),
        line_manager_of,
        None,
        &Weekends,
        d("2026-11-05"),
        at("2026-11-05 10:00"),
    )
    .expect("reschedule");
}

fn ids(c: &Conference) -> Vec<InvitationId> {
    c.invitations().iter().map(|i| i.id).collect()
}

#[test]
fn someone_newly_invited_is_sent_the_invitation_and_no_one_else_is_told_inv_01() {
    let before = scheduled();
    let mut after = before.clone();
    let i = after.invite_family_member(&coordinator(), &mum(), d("2026-11-04")).expect("invite");
    assert_eq!(told_of_change(&before, &after), vec![(i, Told::Invitation)]);
    // Nothing changed: nobody is told anything.
    assert!(told_of_change(&after, &after.clone()).is_empty());
}

#[test]
fn a_new_place_tells_everyone_already_invited_that_it_moved() {
    let before = invited();
    let mut after = before.clone();
    moved(&mut after);
    let told = told_of_change(&before, &after);
    assert_eq!(told, ids(&after).into_iter().map(|i| (i, Told::Moved)).collect::<Vec<_>>());
}

#[test]
fn a_cancellation_tells_every_invitee_including_one_excluded_exc_06() {
    let mut before = invited();
    before.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let mut after = before.clone();
    after.cancel(&coordinator(), "The family moved out of the area.", at("2026-11-06 10:00")).expect("cancel");
    let told = told_of_change(&before, &after);
    assert_eq!(told, ids(&after).into_iter().map(|i| (i, Told::Cancelled)).collect::<Vec<_>>());
}

#[test]
fn a_person_excluded_from_the_whole_conference_is_not_told_where_it_moved_exc_04_exc_06() {
    let mut before = invited();
    before.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let mut after = before.clone();
    moved(&mut after);
    let told = told_of_change(&before, &after);
    let dads = after
        .invitations()
        .iter()
        .find(|i| matches!(&i.invitee, Invitee::FamilyMember { adult_id } if *adult_id == dad()))
        .map(|i| i.id)
        .expect("dad was invited");
    assert!(!told.iter().any(|(i, _)| *i == dads), "the excluded father is not told: {told:?}");
    assert_eq!(told.len(), after.invitations().len() - 1, "everyone else is");
    assert!(told.iter().all(|(_, t)| *t == Told::Moved));
}

#[test]
fn a_cancellation_carries_no_calendar_entry_to_a_person_excluded_from_the_whole_conference_exc_06() {
    let mut before = invited();
    before.exclude(&chair(), whole(dad()), at("2026-11-05 10:00")).expect("exclude");
    let mut after = before.clone();
    after.cancel(&coordinator(), "The family moved out of the area.", at("2026-11-06 10:00")).expect("cancel");
    // The calendar entry says when and where it would have met: the excluded father is told
    // of the cancellation (above) but gets no calendar entry; everyone else does.
    for i in after.invitations() {
        let excluded = matches!(&i.invitee, Invitee::FamilyMember { adult_id } if *adult_id == dad());
        assert_eq!(may_have_calendar_entry(&after, &i.invitee), !excluded, "{:?}", i.invitee);
    }
}
