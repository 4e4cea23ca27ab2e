//! Issue 15 through the operations, on SQLite and PostgreSQL (CONFER_TEST_DATABASE=postgres):
//! Northern Ireland's appeal against a case conference's decision (lodged from the portal,
//! taken through its stages to a final outcome, each step audited, a stale version a conflict,
//! nothing after the final outcome, refused outside Northern Ireland and before a decision),
//! and Scotland's Children's Reporter referral on each child's decision (DEC-01).

use confer_domain::access::Actor;
use confer_domain::appeal::{AppealGround, AppealStage, FinalOutcome, StageOutcome};
use confer_domain::conference::{ChildOutcome, ConferenceError, ReporterReferral};
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, AuthorityId, Nation, Role, UserId};
use confer_ops::appeals::{self, NewAppeal, Step};
use confer_ops::conference::{self, DecideInput};
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use sqlx::Row;

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

fn appeal() -> NewAppeal {
    NewAppeal {
        grounds: vec![AppealGround::ThresholdNotMet],
        details: "Fictional test: the risk was overstated.".into(),
    }
}

async fn audited(db: &confer_store::Db, action: &str) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap();
    row.try_get::<i64, _>("n").unwrap()
}

#[tokio::test]
async fn northern_ireland_a_parent_appeals_a_decision_through_its_stages_to_a_final_outcome() {
    let db = testing::fresh_db().await;
    let w = World::in_nation(&db, Nation::NorthernIreland).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let f = w.family("fam-a").child("ac", "Aine", "2015-05-05").mother("am", "Orla").create().await;
    let decided = f.closed_conference(&w).await;
    let orla = portal_parent(&w, "fam-a", "am", "orla@example.org").await;
    // A conference still in its meeting (in a second database: the test world makes one
    // conference of each kind per authority).
    let db2 = testing::fresh_db().await;
    let w2 = World::in_nation(&db2, Nation::NorthernIreland).await;
    let ops2 = Ops::new(db2.clone(), Clock::system());
    let g = w2.family("fam-b").child("bc", "Bran", "2016-06-06").mother("bm", "Maeve").create().await;
    let not_decided = g.conference_in_meeting(&w2).await;
    let maeve = portal_parent(&w2, "fam-b", "bm", "maeve@example.org").await;
    let refused = appeals::appeal_as_family(&ops2, &maeve, &not_decided.id, appeal()).await.unwrap_err();
    assert!(matches!(&refused, OpsError::Declined { message } if message.contains("not decided")), "{refused:?}");
    w.family("fam-o").child("oc", "Otto", "2016-06-06").mother("om", "Olga").create().await;
    let maeve = portal_parent(&w, "fam-o", "om", "olga@example.org").await;
    let coord = actor(&w.staff_named("coord", &[Role::Coordinator]).await, &w.authority.id, &[Role::Coordinator]);
    let pro = actor(&w.staff_named("pro", &[Role::Professional]).await, &w.authority.id, &[Role::Professional]);

    // Only the family's own.
    let refused = appeals::appeal_as_family(&ops, &maeve, &decided.id, appeal()).await.unwrap_err();
    assert!(matches!(refused, OpsError::NotFound), "{refused:?}");
    let refused = appeals::appeal_as_family(&ops, &pro, &decided.id, appeal()).await.unwrap_err();
    assert!(matches!(refused, OpsError::Forbidden), "{refused:?}");
    let none = NewAppeal { grounds: vec![], details: "x".into() };
    let refused = appeals::appeal_as_family(&ops, &orla, &decided.id, none).await.unwrap_err();
    assert!(matches!(refused, OpsError::Invalid { field: "grounds", .. }), "{refused:?}");

    appeals::appeal_as_family(&ops, &orla, &decided.id, appeal()).await.unwrap();
    assert_eq!(audited(&db, "appeal.lodge").await, 1);
    let again = appeals::lodge_for(&ops, &coord, &decided.id, "am", appeal()).await.unwrap_err();
    assert!(matches!(again, OpsError::Declined { .. }), "one appeal per conference: {again:?}");
    let (mine, may) = appeals::mine(&ops, &orla).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(may.is_empty(), "the decision appealed is not offered again");
    // The portal's list shows her family's appeal: one list read naming the family (review).
    let reads: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'list.read' AND entity_id = 'portal-appeals' AND actor = $1",
    )
    .bind(orla.user_id.as_str())
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(reads.len(), 1, "{reads:?}");
    let read: serde_json::Value = serde_json::from_str(&reads[0]).unwrap();
    assert_eq!(read["families"], serde_json::json!(["fam-a"]), "{read}");

    let v = appeals::view(&ops, &coord, &decided.id).await.unwrap();
    let s = v.appeal.expect("lodged");
    assert_eq!(s.appeal.current().unwrap().stage, AppealStage::ChairReview);
    let today = ops.clock.today();
    let outcome = |o: StageOutcome, r: &str| Step::StageOutcome { outcome: o, reasons: r.into(), on: today };
    let v2 = appeals::step(&ops, &coord, &decided.id, s.version, outcome(StageOutcome::NotUpheld, "Threshold met."))
        .await
        .unwrap();
    // A second person working from the version they opened is told, and nothing is lost.
    let stale = appeals::step(&ops, &coord, &decided.id, s.version, Step::NextStage).await.unwrap_err();
    assert!(matches!(stale, OpsError::Conflict { current_version } if current_version == v2), "{stale:?}");
    let v3 = appeals::step(&ops, &coord, &decided.id, v2, Step::NextStage).await.unwrap();
    let v4 = appeals::step(&ops, &coord, &decided.id, v3, outcome(StageOutcome::Upheld, "Category was wrong."))
        .await
        .unwrap();
    let wrong = Step::Conclude { outcome: FinalOutcome::NotUpheld, reasons: "x".into(), on: today };
    let refused = appeals::step(&ops, &coord, &decided.id, v4, wrong).await.unwrap_err();
    assert!(matches!(refused, OpsError::Invalid { field: "outcome", .. }), "{refused:?}");
    let done = Step::Conclude { outcome: FinalOutcome::Upheld, reasons: "Reconvene the conference.".into(), on: today };
    let v5 = appeals::step(&ops, &coord, &decided.id, v4, done).await.unwrap();
    let after = appeals::step(&ops, &coord, &decided.id, v5, Step::NextStage).await.unwrap_err();
    assert!(matches!(&after, OpsError::Declined { message } if message.contains("final outcome")), "{after:?}");
    // A professional may not record the appeal's steps.
    let refused = appeals::step(&ops, &pro, &decided.id, v5, Step::NextStage).await.unwrap_err();
    assert!(matches!(refused, OpsError::NotFound | OpsError::Forbidden), "{refused:?}");

    let s = appeals::view(&ops, &coord, &decided.id).await.unwrap().appeal.unwrap();
    assert_eq!(s.version, 5);
    assert_eq!(s.appeal.stages.len(), 2);
    assert_eq!(s.appeal.concluded.as_ref().unwrap().outcome, FinalOutcome::Upheld);
    assert_eq!(audited(&db, "appeal.stage-outcome").await, 2);
    assert_eq!(audited(&db, "appeal.next-stage").await, 1);
    assert_eq!(audited(&db, "appeal.conclude").await, 1);
}

#[tokio::test]
async fn an_appeal_is_refused_outside_northern_ireland() {
    let db = testing::fresh_db().await;
    let w = World::in_nation(&db, Nation::England).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let f = w.family("fam-e").child("ec", "Eve", "2015-05-05").mother("em", "Emma").create().await;
    let decided = f.closed_conference(&w).await;
    let emma = portal_parent(&w, "fam-e", "em", "emma@example.org").await;
    let refused = appeals::appeal_as_family(&ops, &emma, &decided.id, appeal()).await.unwrap_err();
    assert!(matches!(&refused, OpsError::Declined { message } if message.contains("complaint")), "{refused:?}");
    let (_, may) = appeals::mine(&ops, &emma).await.unwrap();
    assert!(may.is_empty());
    assert_eq!(audited(&db, "appeal.lodge").await, 0);
}

/// DEC-01 (issue 15): in Scotland the chair's decision records the Children's Reporter
/// referral with reasons (refused without); in England the field is refused.
#[tokio::test]
async fn scotland_each_childs_decision_records_the_reporter_referral_dec_01() {
    for nation in [Nation::Scotland, Nation::England] {
        let db = testing::fresh_db().await;
        let w = World::in_nation(&db, nation).await;
        let ops = Ops::new(db.clone(), Clock::system());
        let key = nation.as_str().chars().take(3).collect::<String>();
        let f = w
            .family(&format!("fam-{key}"))
            .child(&format!("{key}-c"), "Rory", "2015-05-05")
            .mother(&format!("{key}-m"), "Isla")
            .create()
            .await;
        let made = f.conference_in_meeting(&w).await;
        let chair = actor(made.conference.chair().unwrap(), &w.authority.id, &[Role::Chair]);
        let child_id = made.conference.children()[0].child_id.as_str().to_owned();
        let input = |r: Option<ReporterReferral>| DecideInput {
            child_id: child_id.clone(),
            outcome: ChildOutcome::NoFurtherPlan,
            continuing_risk_of_significant_harm: false,
            inquorate_reason: Some("Fictional test conference.".into()),
            reporter_referral: r,
            carry_over_actions: None,
        };
        let referral = ReporterReferral { referred: true, reasons: "Compulsory measures may be needed.".into() };
        if nation == Nation::Scotland {
            let refused = conference::decision(&ops, &chair, &made.id, made.version, input(None)).await.unwrap_err();
            assert!(
                matches!(refused, OpsError::Refused(ConferenceError::ReporterReferralNeeded { .. })),
                "{refused:?}"
            );
            conference::decision(&ops, &chair, &made.id, made.version, input(Some(referral.clone()))).await.unwrap();
            let c = confer_store::conferences::load(&db, &made.id).await.unwrap().conference;
            let d = c.decisions().first().unwrap();
            assert_eq!(d.reporter_referral.as_ref(), Some(&referral));
        } else {
            let refused =
                conference::decision(&ops, &chair, &made.id, made.version, input(Some(referral))).await.unwrap_err();
            assert!(matches!(refused, OpsError::Refused(ConferenceError::ReporterReferralNotAsked)), "{refused:?}");
            conference::decision(&ops, &chair, &made.id, made.version, input(None)).await.unwrap();
        }
    }
}
