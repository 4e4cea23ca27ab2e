//! DIS-02 escalation, on SQLite or PostgreSQL (CONFER_TEST_DATABASE): when the chair records a
//! professional's dissent and the authority's policy escalates dissent, the named managers
//! (the allocated worker's team manager and the authority's safeguarding managers) are told
//! through the outbox in the same transaction, the dissent is marked escalated, and the e-mail
//! names no child, family or professional.

use confer_domain::access::Relationship;
use confer_domain::conference::*;
use confer_domain::Role;
use confer_store::conferences::{self, Change};
use confer_store::testing::{self, FamilyMade, World};
use sqlx::Row;

async fn family(w: &World) -> FamilyMade {
    let (tm, _) = w.person("tm").roles(&[Role::TeamManager]).email("tm@council.example").create().await;
    let (sw, _) = w.person("sw").roles(&[Role::SocialWorker]).manager(&tm).create().await;
    w.person("qa").roles(&[Role::QualityAssurance]).email("qa@council.example").create().await;
    w.person("other").roles(&[Role::TeamManager]).email("other@council.example").create().await;
    w.professional("p-school", None).await;
    w.family("fam1")
        .worker(&sw)
        .surname("Zebedee")
        .child("amy", "Amy", "2016-05-01")
        .mother("mum", "Mia")
        .professionals(&["p-school"])
        .create()
        .await
}

async fn dissent(w: &World, f: &FamilyMade) -> (String, Conference) {
    let made = f.conference_in_meeting(w).await;
    let chair = made.conference.chair().cloned().unwrap();
    let acting = Acting::new(chair.clone(), &[Role::Chair], &[Relationship::ConferenceChair]);
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let policy = history.in_force(w.today).clone();
    let pro: confer_domain::ProfessionalId = "p-school".into();
    conferences::save(&w.db, &made.id, made.version, Change::new(chair.as_str(), "conference.dissent"), |c| {
        let invitation = c.invitation_of(&Person::Professional(pro.clone())).map(|i| i.id).expect("invited");
        c.record_attendance(
            &acting,
            Attendance {
                invitation,
                presence: Presence::InPerson,
                parts: vec![],
                arrived_late_at: None,
                left_early_at: None,
            },
        )?;
        let input = DissentInput {
            professional: pro.clone(),
            child: None,
            reasons: "The school sees no harm.".into(),
            discussed_with_chair: true,
            chair_response: "Noted; the plan is still needed.".into(),
        };
        c.record_dissent(&acting, input, &policy, w.now)
    })
    .await
    .unwrap_or_else(|e| panic!("dissent: {e:?}"));
    let c = conferences::load(&w.db, &made.id).await.unwrap().conference;
    (made.id, c)
}

#[tokio::test]
async fn an_escalated_dissent_tells_the_named_managers_through_the_outbox_dis_02() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = family(&w).await;
    let (id, c) = dissent(&w, &f).await;
    assert!(c.dissents()[0].escalate);
    assert!(c.dissents()[0].escalated_at.is_some(), "marked escalated in the same transaction");
    assert!(c.dissents_to_escalate().is_empty());
    let rows =
        sqlx::query("SELECT recipient, subject, body FROM outbox WHERE subject LIKE '%dissented%' ORDER BY recipient")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let to: Vec<String> = rows.iter().map(|r| r.get::<String, _>("recipient")).collect();
    assert_eq!(to, ["qa@council.example", "tm@council.example"], "the team manager and the safeguarding manager only");
    for r in &rows {
        let body: String = r.get("body");
        assert!(body.contains(&id), "it says where to read it");
        for name in ["Amy", "Mia", "Zebedee", "p-school", "school sees"] {
            assert!(!body.contains(name), "no names or reasons in the e-mail: {body}");
        }
    }
    let events =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'dissent.escalated' AND entity_id = $1")
            .bind(&id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(events.get::<i64, _>("n"), 1);
}

#[tokio::test]
async fn without_the_policy_no_one_is_told_dis_02() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let mut quiet = history.in_force(w.today).clone();
    quiet.escalate_dissent = false;
    let version = confer_domain::policy::PolicyVersion {
        effective_from: w.today,
        policy: quiet,
        reason: "Fictional test: no escalation.".into(),
    };
    confer_store::calendar::add_policy_version(&db, &w.authority, &version, "test").await.unwrap();
    let f = family(&w).await;
    let (_, c) = dissent(&w, &f).await;
    assert!(!c.dissents()[0].escalate && c.dissents()[0].escalated_at.is_none());
    let n = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '%dissented%'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(n.get::<i64, _>("n"), 0);
}
