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

/// Issue 13: a conference that is cancelled cancels the open deadline it was to meet, in its
/// transaction: the chair named on it no longer holds the provisional grant (ROLE-11), and it
/// no longer shows among the family's due deadlines; a conference requested again for it opens
/// it again.
#[tokio::test]
async fn a_cancelled_conference_cancels_its_deadline_which_no_longer_grants_the_chair_role_11() {
    use confer_domain::conference::{Acting, ConferenceKind, PlanCategory, PreviousConference};
    use confer_store::conferences::{self, Change};
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let (chair, _) = w.person("chair").roles(&[Role::Chair]).create().await;
    let chair_id = UserId(chair.clone());
    let fam = w.family("fam1").child("amy", "Amy", "2015-04-01").mother("mum", "Mia").create().await;
    let held = w.today;
    let set =
        deadlines::set_deadline(&db, fam.case.id.as_str(), DeadlineRule::FirstReview, held, Some(&chair_id), "test")
            .await
            .unwrap()
            .expect("a first review");
    assert_eq!(families::relationships(&db, &chair_id, "fam1").await.unwrap(), vec![Relationship::ConferenceChair]);

    let review = |id: &'static str| {
        let mut r = fam.initial_request(&w);
        r.kind = ConferenceKind::Review;
        r.strategy_discussion_on = None;
        r.enquiry = None;
        r.harm_finding = None;
        r.children[0].current_plan = Some(PlanCategory::Neglect);
        r.previous = Some(PreviousConference {
            conference_id: "conf0".into(),
            held_on: held,
            chair: Some(chair_id.clone()),
            exclusions: vec![],
        });
        r.due_by = set.deadline.due;
        (id, r)
    };
    let (id, r) = review("rev1");
    let made = fam.requested_conference_with(&w, id, r).await;
    let coord = w.staff_named("coord", &[Role::Coordinator]).await;
    let acting = Acting::new(coord.clone(), &[Role::Coordinator], &[]);
    conferences::save(&db, id, made.version, Change::new(coord.as_str(), "conference.cancel"), |c| {
        c.cancel(&acting, "The family moved away.", w.now)
    })
    .await
    .unwrap();
    let cancelled = deadlines::get(&db, &w.authority.id, &set.id).await.unwrap();
    assert_eq!(cancelled.cancelled_on, Some(w.today));
    assert!(cancelled.met.is_none(), "cancelled, not met");
    let after = families::relationships(&db, &chair_id, "fam1").await.unwrap();
    assert!(after.is_empty(), "a cancelled deadline grants nothing: {after:?}");
    assert!(!deadlines::for_family(&db, "fam1").await.unwrap().iter().any(|d| d.id == set.id), "not due any more");

    // Requested again: the deadline is open again, with its chair.
    let (id, r) = review("rev2");
    fam.requested_conference_with(&w, id, r).await;
    assert_eq!(deadlines::get(&db, &w.authority.id, &set.id).await.unwrap().cancelled_on, None);
    assert_eq!(families::relationships(&db, &chair_id, "fam1").await.unwrap(), vec![Relationship::ConferenceChair]);
}
