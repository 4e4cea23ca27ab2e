//! The shared test world (`confer_store::testing::World`) makes what it says, through the
//! store and the domain's own operations: a family with an unborn baby and both parents,
//! conferences brought to requested, scheduled and with the invitations sent. SQLite and PostgreSQL.

use confer_domain::conference::{ConferenceState, Person, Recipient};
use confer_domain::{Nation, Role};
use confer_store::testing::{self, World};
use confer_store::{conferences, families, users};

#[tokio::test]
async fn the_world_brings_a_conference_to_scheduled_and_invited_through_the_domain() {
    let db = testing::fresh_db().await;
    let w = World::in_nation(&db, Nation::Wales).await;
    assert_eq!(w.authority.nation, Nation::Wales);
    let (tm, _) = w.person("tm").roles(&[Role::TeamManager]).create().await;
    let (sw, _) = w.person("sw").roles(&[Role::SocialWorker]).manager(&tm).create().await;
    assert_eq!(users::management_line(&db, &sw.as_str().into()).await.unwrap(), vec![tm.as_str().into()]);
    w.professional("p-school", None).await;
    w.professional("p-police", None).await;
    let lark = w
        .family("lark")
        .surname("Lark")
        .worker(&sw)
        .child("robin", "Robin", "2018-03-04")
        .unborn("bump", "Baby", "2027-03-01")
        .mother("lark-mum", "Mia")
        .father("lark-dad", "Dev")
        .professionals(&["p-school", "p-police"])
        .create()
        .await;
    let stored = families::family_record(&db, "lark").await.unwrap();
    assert_eq!(stored.children.len(), 2);
    assert_eq!(stored.professionals.len(), 2);
    assert_eq!(stored.relationships.iter().filter(|r| r.parental_responsibility).count(), 4);

    let invited = lark.invited_conference(&w).await;
    let c = conferences::load(&db, &invited.id).await.unwrap();
    assert_eq!(c.version, invited.version);
    assert_eq!(c.conference.state(), ConferenceState::Scheduled);
    // The unborn baby is not a subject of an initial conference (the domain refuses it).
    let subjects: Vec<_> = c.conference.children().iter().map(|s| s.child_id.as_str().to_owned()).collect();
    assert_eq!(subjects, vec!["robin".to_owned()]);
    for p in [Person::FamilyMember("lark-mum".into()), Person::Professional("p-police".into())] {
        assert!(c.conference.invitation_of(&p).is_some(), "{p:?} is invited");
    }
    assert!(conferences::waiting_to_be_scheduled(&db, &w.authority.id, 100).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_world_opens_the_meeting_after_the_chair_meets_each_parent_meet_01() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.professional("p-sw", None).await;
    let wren = w
        .family("wren")
        .surname("Wren")
        .child("jay", "Jay", "2016-07-08")
        .mother("wren-mum", "Ada")
        .professionals(&["p-sw"])
        .create()
        .await;
    let live = wren.conference_in_meeting(&w).await;
    let c = conferences::load(&db, &live.id).await.unwrap();
    assert_eq!(c.version, live.version);
    assert_eq!(c.conference.state(), ConferenceState::InProgress);
    assert!(c.conference.pre_meetings_missing().is_empty());
}

#[tokio::test]
async fn the_world_decides_for_every_child_with_the_inquorate_reason_its_policy_asks_for_dec_01_inv_03() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let finch = w
        .family("finch")
        .surname("Finch")
        .child("kit", "Kit", "2014-01-02")
        .child("lou", "Lou", "2019-09-10")
        .mother("finch-mum", "Bea")
        .create()
        .await;
    let decided = finch.decided_conference(&w).await;
    let c = conferences::load(&db, &decided.id).await.unwrap().conference;
    assert_eq!(c.state(), ConferenceState::InProgress);
    let decided_for: Vec<_> = c.decisions().iter().map(|d| d.child.as_str().to_owned()).collect();
    assert_eq!(decided_for, vec!["kit".to_owned(), "lou".to_owned()]);
    assert!(c.decisions().iter().all(|d| d.inquorate_reason.is_some()));
}

#[tokio::test]
async fn the_world_closes_approves_and_sends_the_record_to_everyone_invited_min_02_min_03() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.professional("p-hv", None).await;
    let moss = w
        .family("moss")
        .surname("Moss")
        .child("ivy", "Ivy", "2017-04-05")
        .mother("moss-mum", "Cleo")
        .father("moss-dad", "Ray")
        .professionals(&["p-hv"])
        .create()
        .await;
    let sent = moss.distributed_record_conference(&w).await;
    let c = conferences::load(&db, &sent.id).await.unwrap().conference;
    assert_eq!(c.state(), ConferenceState::Closed);
    assert_eq!(c.record().versions.len(), 1, "the approved record is version 1");
    assert!(c.record().draft.is_none());
    let sent_to: Vec<_> = c.record().distribution.iter().map(|d| d.recipient.clone()).collect();
    assert_eq!(
        sent_to,
        vec![
            Recipient::FamilyMember("moss-mum".into()),
            Recipient::FamilyMember("moss-dad".into()),
            Recipient::Professional("p-hv".into()),
        ]
    );
}
