//! Complaints through the operations (RIGHT-02): a parent complains from the portal about their
//! own family's conference and is refused for another family's; staff log one on a parent's
//! behalf; the officer assigns, acknowledges and answers, and a second answer from the same
//! version is a conflict that loses nothing; the parent sees the response and escalates their
//! own complaint only; another family's parent, an unrelated professional and another
//! authority's staff are refused. SQLite, and PostgreSQL with CONFER_TEST_DATABASE=postgres.

use confer_domain::access::Actor;
use confer_domain::complaint::{About, Finding, Status};
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, AuthorityId, Nation, Role, UserId};
use confer_ops::complaints::{self, NewComplaint, Step};
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing::{self, World};

fn actor(user: &UserId, authority: &AuthorityId, roles: &[Role]) -> Actor {
    Actor { user_id: user.clone(), authority_id: authority.clone(), roles: roles.iter().copied().collect() }
}

async fn portal_parent(w: &World, family: &str, adult: &str, email: &str) -> Actor {
    let person = PortalPerson::Adult(AdultId(adult.into()));
    let user = confer_store::portal::give_access(
        &w.db,
        &confer_store::portal::Access {
            authority_id: &w.authority.id,
            family_id: family,
            person: &person,
            display_name: "Parent",
            email,
            role: Role::Parent,
        },
        "test",
    )
    .await
    .unwrap();
    actor(&user, &w.authority.id, &[Role::Parent])
}

fn decision_complaint(conference: &str) -> NewComplaint {
    NewComplaint {
        about: About::Decision,
        conference_id: Some(conference.to_owned()),
        details: "The plan was decided before I was heard.".into(),
    }
}

#[tokio::test]
async fn right_02_a_parent_complains_the_officer_answers_once_and_the_parent_escalates_their_own() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let f = w.family("fam-c").child("cc", "Cass", "2015-05-05").mother("cm", "Cora").create().await;
    let conf = f.closed_conference(&w).await;
    w.family("fam-o").child("oc", "Otto", "2016-06-06").mother("om", "Olga").create().await;
    let cora = portal_parent(&w, "fam-c", "cm", "cora@example.org").await;
    let olga = portal_parent(&w, "fam-o", "om", "olga@example.org").await;
    let qa =
        actor(&w.staff_named("officer", &[Role::QualityAssurance]).await, &w.authority.id, &[Role::QualityAssurance]);
    let qa2 =
        actor(&w.staff_named("officer2", &[Role::QualityAssurance]).await, &w.authority.id, &[Role::QualityAssurance]);
    let pro = actor(&w.staff_named("pro", &[Role::Professional]).await, &w.authority.id, &[Role::Professional]);
    let other = World::with_authority(&db, "T02", "Otherton Council", Nation::England).await;
    let theirs = actor(
        &other.staff_named("qa.other", &[Role::QualityAssurance]).await,
        &other.authority.id,
        &[Role::QualityAssurance],
    );

    // Another family's parent cannot complain about this conference; nothing is logged.
    let refused = complaints::complain_as_family(&ops, &olga, decision_complaint(&conf.id)).await.unwrap_err();
    assert!(matches!(refused, OpsError::NotFound), "{refused:?}");
    // A professional does not complain through the portal, nor log one for a family they do
    // not work with.
    let refused = complaints::complain_as_family(&ops, &pro, decision_complaint(&conf.id)).await.unwrap_err();
    assert!(matches!(refused, OpsError::Forbidden), "{refused:?}");
    let refused = complaints::log_for(&ops, &pro, "fam-c", "cm", decision_complaint(&conf.id)).await.unwrap_err();
    assert!(matches!(refused, OpsError::NotFound), "{refused:?}");
    // A complaint about the decision names the conference.
    let none = NewComplaint { about: About::Decision, conference_id: None, details: "x".into() };
    let refused = complaints::complain_as_family(&ops, &cora, none).await.unwrap_err();
    assert!(matches!(refused, OpsError::Invalid { field: "conference_id", .. }), "{refused:?}");
    assert!(complaints::list(&ops, &qa).await.unwrap().is_empty());

    // Cora complains about the decision: logged against the conference at stage 1.
    let id = complaints::complain_as_family(&ops, &cora, decision_complaint(&conf.id)).await.unwrap();
    let c = complaints::view(&ops, &qa, &id).await.unwrap();
    assert_eq!((c.complaint.stage, c.complaint.status), (1, Status::Received));
    assert_eq!(c.complaint.conference_id.as_deref(), Some(conf.id.as_str()));
    assert_eq!(c.family_id, "fam-c");
    // Another authority's officer, and the parent, do not reach the staff view.
    assert!(matches!(complaints::view(&ops, &theirs, &id).await.unwrap_err(), OpsError::NotFound));
    assert!(matches!(complaints::view(&ops, &cora, &id).await.unwrap_err(), OpsError::Forbidden));
    let e = complaints::step(&ops, &theirs, &id, 1, Step::Acknowledge).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound), "{e:?}");

    // The officer cannot answer before it is assigned; then assigns, acknowledges, answers.
    let e = complaints::step(&ops, &qa, &id, 1, Step::Answer { finding: Finding::Upheld, response: "Yes".into() })
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Declined { .. }), "{e:?}");
    let v = complaints::step(&ops, &qa, &id, 1, Step::Assign { officer: qa.user_id.clone() }).await.unwrap();
    let v = complaints::step(&ops, &qa, &id, v, Step::Acknowledge).await.unwrap();
    let answered = complaints::step(
        &ops,
        &qa,
        &id,
        v,
        Step::Answer { finding: Finding::PartlyUpheld, response: "You should have been heard first.".into() },
    )
    .await
    .unwrap();
    // A second officer answering from the same version is told; the first answer stands.
    let clash = complaints::step(
        &ops,
        &qa2,
        &id,
        v,
        Step::Answer { finding: Finding::NotUpheld, response: "Nothing wrong.".into() },
    )
    .await
    .unwrap_err();
    assert!(matches!(clash, OpsError::Conflict { current_version } if current_version == answered), "{clash:?}");

    // Cora sees the response in her complaints; Olga sees none of it.
    let mine = complaints::mine(&ops, &cora).await.unwrap();
    assert_eq!(mine.len(), 1);
    let answer = mine[0].complaint.latest_answer().unwrap();
    assert_eq!(
        (answer.finding, answer.response.as_str()),
        (Finding::PartlyUpheld, "You should have been heard first.")
    );
    assert!(complaints::mine(&ops, &olga).await.unwrap().is_empty());
    // Olga cannot escalate Cora's complaint; Cora can, to stage 2.
    let e = complaints::escalate_as_family(&ops, &olga, &id, answered, "Me too".into()).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound), "{e:?}");
    let e = complaints::escalate_as_family(&ops, &cora, &id, answered, " ".into()).await.unwrap_err();
    assert!(matches!(e, OpsError::Invalid { field: "reason", .. }), "{e:?}");
    complaints::escalate_as_family(&ops, &cora, &id, answered, "I want it investigated".into()).await.unwrap();
    let c = complaints::view(&ops, &qa, &id).await.unwrap();
    assert_eq!((c.complaint.stage, c.complaint.status), (2, Status::Received));

    // Staff log one on Olga's behalf about her family's case: allowed for the coordinator.
    let coord = actor(&w.staff_named("coord", &[Role::Coordinator]).await, &w.authority.id, &[Role::Coordinator]);
    let case = NewComplaint { about: About::Case, conference_id: None, details: "Visits are cancelled.".into() };
    let logged = complaints::log_for(&ops, &coord, "fam-o", "om", case).await.unwrap();
    let c = complaints::view(&ops, &coord, &logged).await.unwrap();
    assert_eq!(c.complaint.complainant.logged_by_staff.as_ref(), Some(&coord.user_id));
    let wrong = NewComplaint { about: About::Case, conference_id: None, details: "x".into() };
    let e = complaints::log_for(&ops, &coord, "fam-o", "cm", wrong).await.unwrap_err();
    assert!(matches!(e, OpsError::Invalid { field: "adult_id", .. }), "{e:?}");
    assert_eq!(complaints::list(&ops, &qa).await.unwrap().len(), 2);
    assert!(matches!(complaints::list(&ops, &pro).await.unwrap_err(), OpsError::Forbidden));
}
