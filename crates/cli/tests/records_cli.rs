//! `confer records` end to end (KEEP-01, KEEP-02): the real binary over a database made by
//! the shared test world, on SQLite or PostgreSQL (CONFER_TEST_DATABASE). `records due`
//! lists a family past its retention date; `records hold` stops the disposal a person proposed
//! on the records pages, `records release` lifts it and `records dispose` authorises it as the
//! second person, leaving a tombstone; each is audited as the command line's operator and the
//! audit chain still verifies. Another authority's family is not found; a reason is asked for.

use confer_domain::access::Actor;
use confer_domain::{Role, UserId};
use confer_store::testing::{PersonBuilder, World};
use confer_store::{audit, migrate, Db};
use sqlx::Row;
use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).args(args).env_remove("CONFER_DATABASE_URL").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn operator_events(db: &Db, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = $1 AND actor = 'system:command-line'")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

#[tokio::test]
async fn keep_02_records_due_hold_release_and_dispose_from_the_command_line_as_the_operator() {
    let url = confer_store::testing::fresh_url().await;
    let db = Db::connect(&url).await.unwrap();
    migrate::run(&db).await.unwrap();
    let w = World::new(&db).await;
    // Fictional: a child born in 1990 turned 25 in 2015, so the family is past its date on
    // any day this test runs (the command line uses the real clock).
    w.family("old-family-9q")
        .named("Oldacre family")
        .child("orla", "Orla", "1990-03-04")
        .mother("ma", "Maud")
        .create()
        .await;
    w.family("young-family-9q").named("Youngman family").child("yan", "Yan", "2015-03-04").create().await;
    let other = World::with_authority(&db, "T02", "Otherton Borough Council", confer_domain::Nation::England).await;
    let (sw_b, _) = PersonBuilder::new(&db, &other.authority.id, "sw-b").roles(&[Role::SocialWorker]).create().await;
    other
        .family("far-family-9q")
        .named("Faraway family")
        .worker(&sw_b)
        .child("fay", "Fay", "1990-01-01")
        .create()
        .await;
    let db_url = ["--database-url", url.as_str()];
    let run = |args: &[&str]| confer(&[args, &db_url[..]].concat());

    let o = run(&["records", "due", "--authority", "T01"]);
    assert!(o.status.success(), "{}", text(&o));
    let listed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(listed.contains("old-family-9q\tOldacre family\t2015-03-04"), "{listed}");
    assert!(!listed.contains("young-family-9q"), "not yet due: {listed}");
    assert!(!listed.contains("far-family-9q"), "another authority's: {listed}");
    assert_eq!(operator_events(&db, "list.read").await, 1, "the list names families: one list read");

    // The family's case was closed long ago (fictional history, set directly).
    sqlx::query("UPDATE family_case SET stage = 'closed' WHERE family_id = 'old-family-9q'")
        .execute(db.pool())
        .await
        .unwrap();
    // Quality assurance proposes disposal on the pages (the same operation).
    let (qa, _) = PersonBuilder::new(&db, &w.authority.id, "qa").roles(&[Role::QualityAssurance]).create().await;
    let qa = Actor {
        user_id: UserId::from(qa.as_str()),
        authority_id: w.authority.id.clone(),
        roles: [Role::QualityAssurance].into_iter().collect(),
    };
    let ops = confer_ops::Ops::new(db.clone(), confer_store::clock::Clock::system());
    confer_ops::records::propose(&ops, &qa, "old-family-9q", "Past its date; nothing open").await.unwrap();

    // A hold needs its reason, then stops the disposal.
    let o = run(&["records", "hold", "--authority", "T01", "--family", "old-family-9q", "--reason", " "]);
    assert!(!o.status.success());
    assert!(text(&o).contains("Give the reason"), "{}", text(&o));
    let o = run(&["records", "hold", "--authority", "T01", "--family", "old-family-9q", "--reason", "A claim is open"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["records", "dispose", "--authority", "T01", "--family", "old-family-9q"]);
    assert!(!o.status.success(), "held: {}", text(&o));
    assert!(text(&o).contains("A legal hold stops disposal: A claim is open"), "{}", text(&o));
    let o = run(&["records", "due", "--authority", "T01"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\theld"), "{}", text(&o));

    // Another authority's family is not found, whatever the command.
    for cmd in ["hold", "release", "dispose"] {
        let mut args = vec!["records", cmd, "--authority", "T01", "--family", "far-family-9q"];
        if cmd != "dispose" {
            args.extend(["--reason", "Checking"]);
        }
        let o = run(&args);
        assert!(!o.status.success() && text(&o).contains("not found"), "{cmd}: {}", text(&o));
    }
    let o = run(&["records", "due", "--authority", "NOPE"]);
    assert!(!o.status.success() && text(&o).contains("no authority with code NOPE"), "{}", text(&o));

    // Released, the operator authorises the disposal as the second person.
    let o = run(&[
        "records",
        "release",
        "--authority",
        "T01",
        "--family",
        "old-family-9q",
        "--reason",
        "The claim is settled",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["records", "dispose", "--authority", "T01", "--family", "old-family-9q"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("tombstone"), "{}", text(&o));
    let o = run(&["records", "due", "--authority", "T01"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("old-family-9q"), "{}", text(&o));
    let tombstones = confer_store::retention::disposals(&db, &w.authority.id, 10).await.unwrap();
    let t = tombstones.iter().find(|t| t.family_id == "old-family-9q").expect("the tombstone");
    assert_eq!(t.authorised_by.as_deref(), Some("system:command-line"));
    assert_eq!(t.proposed_by, qa.user_id.as_str());

    let audited: Vec<String> =
        sqlx::query("SELECT action FROM audit_event WHERE actor = 'system:command-line' ORDER BY seq")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("action").unwrap())
            .collect();
    for action in ["records.hold.place", "records.hold.lift", confer_store::audit::DISPOSAL_ACTION] {
        assert_eq!(audited.iter().filter(|a| a.as_str() == action).count(), 1, "{action} once: {audited:?}");
    }
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}
