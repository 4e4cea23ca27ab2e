//! The provisional chair grant (ROLE-11, issue 11): a chair named on an open deadline of a
//! family's case prepares for that conference, so holds ConferenceChair for the family and
//! may read its record; once the deadline is met the grant ends, and only a conference's own
//! chair assignment counts. On SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_domain::access::{decide, Action, Actor, Decision, Relationship, Target};
use confer_domain::timescales::DeadlineRule;
use confer_domain::{Role, UserId};
use confer_store::testing::{self, World};
use confer_store::{deadlines, families};

#[tokio::test]
async fn a_chair_named_on_an_open_deadline_reaches_the_family_until_it_is_met_role_11() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let (chair, _) = w.person("chair").roles(&[Role::Chair]).create().await;
    let (other_chair, _) = w.person("otherchair").roles(&[Role::Chair]).create().await;
    let fam = w.family("fam1").child("amy", "Amy", "2015-04-01").mother("mum", "Mia").create().await;
    let chair_id = UserId(chair.clone());
    let actor = Actor { user_id: chair_id.clone(), authority_id: w.authority.id.clone(), roles: [Role::Chair].into() };
    let reads = |relationships: &[Relationship]| {
        decide(&actor, Action::ViewFamilyRecord, Target::Record { authority_id: &w.authority.id, relationships })
            == Decision::Allow
    };
    let before = families::relationships(&db, &chair_id, "fam1").await.unwrap();
    assert!(before.is_empty(), "{before:?}");
    assert!(!reads(&before));

    // Named as the chair on the family's next review deadline, still open.
    let set =
        deadlines::set_deadline(&db, fam.case.id.as_str(), DeadlineRule::FirstReview, w.today, Some(&chair_id), "test")
            .await
            .unwrap()
            .expect("the policy sets a first review");
    let open = families::relationships(&db, &chair_id, "fam1").await.unwrap();
    assert_eq!(open, vec![Relationship::ConferenceChair], "open: the chair prepares for it");
    assert!(reads(&open), "and may read the family's record");
    // Another chair, not named on it, has nothing.
    assert!(families::relationships(&db, &UserId(other_chair), "fam1").await.unwrap().is_empty());

    // Met: the provisional grant ends.
    deadlines::mark_met(&db, &w.authority.id, &set.id, w.today, None, "", w.today, "test").await.unwrap();
    let met = families::relationships(&db, &chair_id, "fam1").await.unwrap();
    assert!(met.is_empty(), "met: only a conference's own chair counts: {met:?}");
    assert!(!reads(&met), "refused once the deadline is met");
}
