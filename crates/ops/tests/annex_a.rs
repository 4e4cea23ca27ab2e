//! Ofsted's Annex A lists through the operations layer, on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE): a known set of cases (an enquiry that needed no conference, a
//! section 47 enquiry that went to an initial conference on 20 November 2026 and made a plan,
//! a closed episode and an open one, the plan's key worker and the family's allocated worker
//! with their teams) where every column of each list is checked; the workbook's bytes the
//! same for the same data and period; every export audited; England only; and who may.

use chrono::NaiveDate;
use confer_domain::access::Actor;
use confer_domain::annex_a::{Cell, ListNo, Period};
use confer_domain::census::{RecordedEnquiry, RecordedEpisode};
use confer_domain::{Gender, Nation, Role};
use confer_ops::annex_a::{self, Format};
use confer_ops::census::By;
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn actor(w: &World, id: &str, roles: &[Role]) -> Actor {
    Actor { user_id: id.into(), authority_id: w.authority.id.clone(), roles: roles.iter().copied().collect() }
}

async fn exec(ops: &Ops, sql: &str) {
    sqlx::query(sql).execute(ops.db.pool()).await.unwrap();
}

fn episode(referral: &str, closure: Option<&str>, enquiries: Vec<RecordedEnquiry>) -> RecordedEpisode {
    RecordedEpisode {
        referral_date: d(referral),
        referral_source: "6".into(),
        primary_need: Some("N1".into()),
        nfa: false,
        closure_date: closure.map(d),
        closure_reason: closure.map(|_| "RC7".to_owned()),
        assessments: vec![],
        enquiries,
    }
}

#[tokio::test]
async fn annex_a_lists_of_known_cases_every_column_reproducible_and_audited() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let f = w
        .family("fam1")
        .child("amy", "Amy", "2016-05-01")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "Hearing".into();
        })
        .mother("mum", "Mia")
        .create()
        .await;
    let made = f.conference_in_meeting(&w).await;
    let strategy = made.conference.strategy_discussion_on().unwrap();
    let (kw, _) = w.person("kw").roles(&[Role::SocialWorker]).display_name("Kim Key").create().await;
    let (qa_id, _) = w.person("qa").roles(&[Role::QualityAssurance]).create().await;
    let qa = actor(&w, &qa_id, &[Role::QualityAssurance]);
    exec(&ops, "INSERT INTO team (id, authority_id, name) SELECT 'team-d', id, 'Duty and Assessment' FROM authority")
        .await;
    exec(&ops, "INSERT INTO team (id, authority_id, name) SELECT 'team-c', id, 'Child Protection' FROM authority")
        .await;
    sqlx::query("UPDATE user_account SET team_id = 'team-d', display_name = 'Sam Worker' WHERE id = $1")
        .bind(&f.worker)
        .execute(ops.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE user_account SET team_id = 'team-c' WHERE id = $1")
        .bind(&kw)
        .execute(ops.db.pool())
        .await
        .unwrap();
    let mut tx = ops.db.begin().await.unwrap();
    confer_store::census::insert_for_child(
        &mut tx,
        w.authority.id.as_str(),
        "fam1",
        "amy",
        None,
        Some("UN2"),
        &[
            episode(
                "2026-06-01",
                Some("2026-07-01"),
                vec![RecordedEnquiry { start: d("2026-06-10"), icpc_not_required: true }],
            ),
            episode("2026-10-30", None, vec![]),
        ],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    w.plan_for("fam1", f.case.id.as_str(), "amy", &kw, &[]).await;
    exec(&ops, "UPDATE plan SET started_on = '2026-11-20' WHERE child_id = 'amy'").await;

    let period = Period { from: d("2026-06-01"), to: d("2026-11-30") };
    let r = annex_a::report(&ops, By::Person(&qa), &w.authority.id, period).await.unwrap();
    assert_eq!(r.families, vec!["fam1".to_owned()]);
    let common =
        || vec![t("LA0001"), t("b) Female"), t("a) WBRI"), Cell::Date(d("2016-05-01")), Cell::Number(10), t("a) Yes")];
    let row = |rest: Vec<Cell>| {
        let mut r = common();
        r.extend(rest);
        r
    };
    assert_eq!(
        r.lists.list5,
        vec![
            row(vec![
                Cell::Date(d("2026-06-10")),
                t("a) Yes"),
                Cell::Blank,
                Cell::Blank,
                Cell::Number(0),
                Cell::Number(0),
                t("Duty and Assessment"),
                t("Sam Worker"),
            ]),
            row(vec![
                Cell::Date(strategy),
                t("b) No"),
                Cell::Date(d("2026-11-20")),
                t("a) Yes"),
                Cell::Number(1),
                Cell::Number(0),
                t("Duty and Assessment"),
                t("Sam Worker"),
            ]),
        ]
    );
    assert_eq!(
        r.lists.list6,
        vec![
            row(vec![
                t("Closed episode"),
                Cell::Date(d("2026-06-01")),
                t("N1"),
                Cell::Blank,
                Cell::Date(d("2026-07-01")),
                t("RC7"),
                t("Duty and Assessment"),
                t("Sam Worker"),
            ]),
            row(vec![
                t("Child protection plan"),
                Cell::Date(d("2026-10-30")),
                t("N1"),
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                t("Duty and Assessment"),
                t("Sam Worker"),
            ]),
        ]
    );
    assert_eq!(
        r.lists.list7,
        vec![row(vec![
            Cell::Date(d("2026-11-20")),
            t("a) Neglect"),
            t("a) Neglect"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Number(0),
            t("Child Protection"),
            t("Kim Key"),
        ])]
    );
    // A period before the conference: the enquiry that needed none, the closed episode only.
    let early = Period { from: d("2026-06-01"), to: d("2026-07-31") };
    let r = annex_a::report(&ops, By::Person(&qa), &w.authority.id, early).await.unwrap();
    assert_eq!((r.lists.list5.len(), r.lists.list6.len(), r.lists.list7.len()), (1, 1, 0));

    // Reproducible bytes; every export audited with the period, the format and the digest.
    let one = annex_a::export(&ops, By::Person(&qa), &w.authority.id, period, Format::Xlsx).await.unwrap();
    let two = annex_a::export(&ops, By::Operator, &w.authority.id, period, Format::Xlsx).await.unwrap();
    assert_eq!(one.bytes, two.bytes, "the same data and period give the same bytes");
    assert!(one.bytes.starts_with(b"PK"), "a zip (XLSX)");
    let csv =
        annex_a::export(&ops, By::Person(&qa), &w.authority.id, period, Format::Csv(ListNo::List7)).await.unwrap();
    let csv_text = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(csv_text.starts_with("Child Unique ID,Gender,"), "{csv_text}");
    assert!(csv_text.contains("LA0001,b) Female,a) WBRI,01/05/2016,10,a) Yes,20/11/2026,a) Neglect,a) Neglect,,,,,,0,Child Protection,Kim Key"));
    let rows = sqlx::query("SELECT actor, after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(ops.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let after = |i: usize| -> serde_json::Value {
        serde_json::from_str(&rows[i].try_get::<String, _>("after_json").unwrap()).unwrap()
    };
    assert_eq!(rows[0].try_get::<String, _>("actor").unwrap(), qa_id);
    assert_eq!(rows[1].try_get::<String, _>("actor").unwrap(), confer_ops::accounts::OPERATOR);
    let a0 = after(0);
    assert_eq!(a0["return"], "annex-a");
    assert_eq!((a0["from"].as_str(), a0["to"].as_str()), (Some("2026-06-01"), Some("2026-11-30")));
    assert_eq!((a0["format"].as_str(), a0["sha256"].as_str()), (Some("xlsx"), Some(one.digest.as_str())));
    assert_eq!((a0["list5"].as_i64(), a0["list6"].as_i64(), a0["list7"].as_i64()), (Some(2), Some(2), Some(1)));
    assert_eq!(after(2)["format"].as_str(), Some("csv-list7"));
    assert_eq!(after(2)["sha256"].as_str(), Some(csv.digest.as_str()));
}

#[tokio::test]
async fn annex_a_is_for_quality_assurance_of_an_english_authority_only() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let period = Period { from: d("2026-06-01"), to: d("2026-11-30") };
    for role in [Role::SocialWorker, Role::TeamManager, Role::Chair, Role::Coordinator, Role::Administrator] {
        let a = actor(&w, "someone", &[role]);
        assert!(
            matches!(annex_a::report(&ops, By::Person(&a), &w.authority.id, period).await, Err(OpsError::Forbidden)),
            "{role}"
        );
    }
    let wales = World::with_authority(&db, "W01", "Cyngor Prawf", Nation::Wales).await;
    let qa = Actor {
        user_id: "qa-w".into(),
        authority_id: wales.authority.id.clone(),
        roles: [Role::QualityAssurance].into(),
    };
    match annex_a::report(&ops, By::Person(&qa), &wales.authority.id, period).await {
        Err(OpsError::Declined { message }) => assert!(message.contains("English authorities"), "{message}"),
        other => panic!("Annex A is England's: {other:?}"),
    }
    // Another authority's QA: nothing is said about this one.
    let qa_there = Actor {
        user_id: "qa-w".into(),
        authority_id: wales.authority.id.clone(),
        roles: [Role::QualityAssurance].into(),
    };
    assert!(matches!(
        annex_a::report(&ops, By::Person(&qa_there), &w.authority.id, period).await,
        Err(OpsError::NotFound | OpsError::Forbidden)
    ));
}
