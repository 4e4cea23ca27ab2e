//! Register statistics of Wales, Scotland and Northern Ireland through the operations layer,
//! on SQLite or PostgreSQL (CONFER_TEST_DATABASE): a Scottish child registered at an initial
//! CPPM held on 20 November 2026 with its concern, every figure and CSV field checked; each
//! nation's words and year; reproducible, audited files; England refused; who may.

use chrono::NaiveDate;
use confer_domain::access::Actor;
use confer_domain::{Gender, Nation, Role};
use confer_ops::census::By;
use confer_ops::register_stats;
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use sqlx::Row;

fn qa(w: &World, id: &str) -> Actor {
    Actor { user_id: id.into(), authority_id: w.authority.id.clone(), roles: [Role::QualityAssurance].into() }
}

#[tokio::test]
async fn register_stats_of_a_scottish_authority_every_figure_reproducible_and_audited() {
    let db = testing::fresh_db().await;
    let w = World::with_authority(&db, "S01", "Testshire Council", Nation::Scotland).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let f = w
        .family("fam1")
        .child("amy", "Amy", "2016-05-01")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
        })
        .mother("mum", "Mia")
        .create()
        .await;
    let made = f.conference_in_meeting(&w).await;
    assert_eq!(made.conference.children().len(), 1);
    w.plan_for("fam1", f.case.id.as_str(), "amy", &f.worker, &[]).await;
    sqlx::query("UPDATE plan SET started_on = '2026-11-20' WHERE child_id = 'amy'")
        .execute(ops.db.pool())
        .await
        .unwrap();
    let (qa_id, _) = w.person("qa").roles(&[Role::QualityAssurance]).create().await;
    let me = qa(&w, &qa_id);

    let s = register_stats::report(&ops, By::Person(&me), &w.authority.id, 2027).await.unwrap();
    assert_eq!(
        (s.year.start(), s.year.end()),
        ("2026-08-01".parse::<NaiveDate>().unwrap(), "2027-07-31".parse().unwrap())
    );
    let during = "during the year 1 August 2026 to 31 July 2027";
    let on = "Children on the Child Protection Register at 31 July 2027";
    let expected = [
        (on.to_owned(), "Total", 1),
        (format!("Registrations {during}"), "Total", 1),
        (format!("De-registrations {during}"), "Total", 0),
        (format!("{on} by sex"), "Female", 1),
        (format!("{on} by age"), "11 to 15", 1),
        (format!("Concerns identified at the CPPMs of children registered {during}"), "Neglect", 1),
        (format!("Held {during}"), "Initial child protection planning meetings (CPPMs)", 1),
    ];
    let got: Vec<(String, &str, i64)> =
        s.figures.iter().map(|f| (f.measure.clone(), f.breakdown.as_str(), f.value)).collect();
    assert_eq!(got, expected.iter().map(|(m, b, v)| (m.clone(), *b, *v)).collect::<Vec<_>>());

    let (bytes, digest, _) = register_stats::export(&ops, By::Person(&me), &w.authority.id, 2027).await.unwrap();
    let (again, _, _) = register_stats::export(&ops, By::Operator, &w.authority.id, 2027).await.unwrap();
    assert_eq!(bytes, again, "the same data and year give the same bytes");
    let csv = String::from_utf8(bytes).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("Nation,Local authority,Year start,Year end,Measure,Breakdown,Number"));
    assert_eq!(
        lines.next(),
        Some("Scotland,Testshire Council,2026-08-01,2027-07-31,Children on the Child Protection Register at 31 July 2027,Total,1")
    );
    assert_eq!(csv.lines().count(), expected.len() + 1);
    let rows = sqlx::query("SELECT actor, after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(ops.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].try_get::<String, _>("actor").unwrap(), qa_id);
    let after: serde_json::Value = serde_json::from_str(&rows[0].try_get::<String, _>("after_json").unwrap()).unwrap();
    assert_eq!(after["return"], "register-stats");
    assert_eq!(after["nation"], "scotland");
    assert_eq!(after["year"], 2027);
    assert_eq!(after["sha256"].as_str(), Some(digest.as_str()));
    // The year before: nothing yet, every measure still there at 0.
    let s = register_stats::report(&ops, By::Person(&me), &w.authority.id, 2026).await.unwrap();
    assert!(s.figures.iter().all(|f| f.value == 0) && s.figures.len() == 3, "{:#?}", s.figures);
}

#[tokio::test]
async fn register_stats_words_per_nation_england_refused_and_only_quality_assurance() {
    let db = testing::fresh_db().await;
    let england = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(england.now));
    match register_stats::report(&ops, By::Person(&qa(&england, "q")), &england.authority.id, 2026).await {
        Err(OpsError::Declined { message }) => assert!(message.contains("Children in Need census"), "{message}"),
        other => panic!("England's return is the census: {other:?}"),
    }
    let ni = World::with_authority(&db, "N01", "Testshire HSC Trust", Nation::NorthernIreland).await;
    let (bytes, _, s) = register_stats::export(&ops, By::Person(&qa(&ni, "q")), &ni.authority.id, 2026).await.unwrap();
    assert_eq!((s.year.start().to_string(), s.year.end().to_string()), ("2025-04-01".into(), "2026-03-31".into()));
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with("Nation,HSC Trust,Year start,Year end,Measure,Breakdown,Number\r\n"), "{csv}");
    assert!(csv.contains("Northern Ireland,Testshire HSC Trust,2025-04-01,2026-03-31,Registrations during the year"));
    let wales = World::with_authority(&db, "W01", "Cyngor Prawf", Nation::Wales).await;
    let s = register_stats::report(&ops, By::Person(&qa(&wales, "q")), &wales.authority.id, 2026).await.unwrap();
    assert_eq!(s.figures[0].measure, "Children on the child protection register at 31 March 2026");
    assert!(s.figures.iter().any(|f| f.measure.starts_with("Children added to the register")));
    let bad = register_stats::report(&ops, By::Person(&qa(&wales, "q")), &wales.authority.id, 1999).await;
    assert!(matches!(bad, Err(OpsError::Invalid { field: "year", .. })), "{bad:?}");
    for role in [Role::SocialWorker, Role::TeamManager, Role::Chair, Role::Coordinator, Role::Administrator] {
        let a = Actor { user_id: "x".into(), authority_id: wales.authority.id.clone(), roles: [role].into() };
        assert!(
            matches!(
                register_stats::report(&ops, By::Person(&a), &wales.authority.id, 2026).await,
                Err(OpsError::Forbidden)
            ),
            "{role}"
        );
    }
}
