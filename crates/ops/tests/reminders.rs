//! Scheduled reminders (issue 14) through the outbox, each recorded once: invitees who have
//! not answered (INV-04), reports not with the chair (REP-02), reports not shared with the
//! parents (REP-01), core groups and reviews due (CG-02, REV-01). A second sweep sends
//! nothing; two sweeps at once (two instances) never send one twice. Runs on SQLite, and on
//! PostgreSQL with CONFER_TEST_DATABASE=postgres.

use chrono::NaiveDate;
use confer_domain::Role;
use confer_ops::reminders::{self, Sweep};
use confer_ops::Ops;
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use confer_store::{audit, reminders as stored, Db};
use sqlx::Row;
use std::collections::BTreeSet;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The Brook family (mother with an address, father without), the school and the health
/// visitor, all invited to a conference on Friday 20 November 2026 at 10:00.
async fn world(db: &Db) -> World {
    let w = World::new(db).await;
    w.professional("p-school", None).await;
    w.professional("p-hv", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .professionals(&["p-school", "p-hv"])
        .create()
        .await;
    f.invited_conference(&w).await;
    w
}

async fn outbox_count(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM outbox").fetch_one(db.pool()).await.unwrap().try_get::<i64, _>("n").unwrap()
}

async fn outbox_to(db: &Db, who: &str) -> Vec<(String, String)> {
    sqlx::query("SELECT subject, body FROM outbox WHERE recipient = $1 ORDER BY created_at")
        .bind(who)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get::<String, _>("subject").unwrap(), r.try_get::<String, _>("body").unwrap()))
        .collect()
}

#[tokio::test]
async fn invitees_who_have_not_answered_and_authors_whose_report_is_late_are_reminded_once_inv_04_rep_02_rep_01() {
    let db = testing::fresh_db().await;
    let w = world(&db).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let before = outbox_count(&db).await;

    // A week before, nothing is due yet (the policy's window is 3 working days).
    let early = reminders::run_on(&ops, d("2026-11-10")).await.unwrap();
    assert_eq!(early.due, 0, "{early:?}");

    // Wednesday 18 November: the conference is 2 working days away and nobody has answered;
    // reports were due with the chair by Tuesday 17th (3 working days before).
    let sweep = reminders::run_on(&ops, d("2026-11-18")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 100).await.unwrap();
    let got: BTreeSet<(String, String, String)> =
        log.iter().map(|l| (l.kind.clone(), l.recipient.clone(), l.channel.clone())).collect();
    for expected in [
        ("no-answer", "family-member:mum", "email"),
        ("no-answer", "family-member:dad", "none"),
        ("no-answer", "professional:p-school", "email"),
        ("no-answer", "professional:p-hv", "email"),
        ("report-to-chair", "professional:p-school", "email"),
        ("report-to-chair", "professional:p-hv", "email"),
    ] {
        let e = (expected.0.to_owned(), expected.1.to_owned(), expected.2.to_owned());
        assert!(got.contains(&e), "{expected:?} missing from {got:?}");
    }
    assert!(log.iter().all(|l| l.family_id == "brook"));
    assert!(log.iter().filter(|l| l.kind == "report-to-chair").all(|l| l.occasion == "overdue:2026-11-17"));
    assert_eq!(sweep.due, log.len());
    assert_eq!(sweep.emailed + sweep.no_address, log.len());
    assert_eq!(sweep.already, 0);
    assert_eq!(outbox_count(&db).await - before, sweep.emailed as i64, "one message for each reminder with an address");

    // The mother's reminder says what to do and names no one.
    let to_mum = outbox_to(&db, "mandy.brook@family.example").await;
    let (subject, body) = to_mum.last().unwrap();
    assert!(subject.contains("please answer your invitation"), "{subject}");
    assert!(body.contains("Friday 20 November 2026") && body.contains("whether you will come"), "{body}");
    for secret in ["Amy", "Brook", "Mandy", "brook"] {
        assert!(!body.contains(secret) && !subject.contains(secret), "{secret} in {subject} {body}");
    }
    let to_school = outbox_to(&db, "p-school@example.org").await;
    assert!(to_school.iter().any(|(s, b)| s.contains("your report") && b.contains("Tuesday 17 November 2026")));

    // Again the same day, and the next day: nothing new for the same occasions.
    let again = reminders::run_on(&ops, d("2026-11-18")).await.unwrap();
    assert_eq!((again.emailed, again.no_address, again.already), (0, 0, sweep.due));
    assert_eq!(stored::log(&db, &w.authority.id, 100).await.unwrap().len(), log.len());

    // Every reminder is in the audit trail, which still verifies.
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'reminder.sent'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n as usize, log.len());
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn two_sweeps_at_once_never_send_a_reminder_twice() {
    let db = testing::fresh_db().await;
    let w = world(&db).await;
    // Two instances: each its own operations (and caches) over the same database.
    let a = Ops::new(db.clone(), Clock::system());
    let b = Ops::new(db.clone(), Clock::system());
    let before = outbox_count(&db).await;
    let day = d("2026-11-18");
    let (x, y) = tokio::join!(reminders::run_on(&a, day), reminders::run_on(&b, day));
    let (x, y): (Sweep, Sweep) = (x.unwrap(), y.unwrap());
    assert_eq!(x.due, y.due);
    assert!(x.due > 0);
    // Between them each reminder was sent exactly once.
    assert_eq!(x.emailed + x.no_address + y.emailed + y.no_address, x.due, "{x:?} {y:?}");
    assert_eq!(x.already + y.already, x.due);
    let log = stored::log(&db, &w.authority.id, 100).await.unwrap();
    assert_eq!(log.len(), x.due);
    let emailed = log.iter().filter(|l| l.channel == "email").count() as i64;
    assert_eq!(outbox_count(&db).await - before, emailed);
    let distinct: BTreeSet<_> = log.iter().map(|l| (&l.kind, &l.item, &l.recipient, &l.occasion)).collect();
    assert_eq!(distinct.len(), log.len());
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn a_core_group_and_a_review_due_remind_the_key_worker_cg_02_rev_01() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let worker = w.staff_named("kw", &[Role::SocialWorker]).await;
    w.family("quill").worker(worker.as_str()).child("zed", "Zed", "2016-02-02").mother("m", "Mo").create().await;
    let plan = w.plan_for("quill", "quill-case", "zed", worker.as_str(), &[]).await;
    sqlx::query("UPDATE plan SET core_group_due_by = '2026-11-24', next_review_by = '2026-12-20' WHERE id = $1")
        .bind(&plan)
        .execute(db.pool())
        .await
        .unwrap();
    let ops = Ops::new(db.clone(), Clock::system());
    reminders::run_on(&ops, d("2026-11-20")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 100).await.unwrap();
    let kinds: Vec<(&str, &str, &str)> =
        log.iter().map(|l| (l.kind.as_str(), l.recipient.as_str(), l.occasion.as_str())).collect();
    let to_worker = format!("user:{}", worker.as_str());
    assert!(kinds.contains(&("core-group-due", to_worker.as_str(), "at-risk:2026-11-24")), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k.0 == "review-due"), "the review is weeks away: {kinds:?}");
    // Once the review comes into the window, it is reminded too; the core group is not again
    // until it is overdue.
    reminders::run_on(&ops, d("2026-12-16")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 100).await.unwrap();
    let kinds: Vec<(&str, &str)> = log.iter().map(|l| (l.kind.as_str(), l.occasion.as_str())).collect();
    assert!(kinds.contains(&("review-due", "at-risk:2026-12-20")), "{kinds:?}");
    assert!(kinds.contains(&("core-group-due", "overdue:2026-11-24")), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| k.0 == "core-group-due").count(), 2);
}

/// RIGHT-02 and RIGHT-01: a complaint's stage not answered reminds its officer five working
/// days before its deadline and again once overdue (a complaint no officer has yet reminds the
/// records staff); an access request not answered reminds the records staff. Each once,
/// recorded and audited; an answered complaint is not reminded.
#[tokio::test]
async fn complaints_and_access_requests_remind_their_handlers_once_near_and_past_the_deadline_right_01_right_02() {
    use confer_domain::access::Actor;
    use confer_domain::complaint::About;
    use confer_domain::portal::PortalPerson;
    use confer_domain::subject_access::HowReceived;
    use confer_ops::complaints::{self, NewComplaint, Step};
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.family("rights").child("rc", "Ray", "2015-01-01").mother("rm", "Rita").create().await;
    let actor = |u: &confer_domain::UserId, r: Role| Actor {
        user_id: u.clone(),
        authority_id: w.authority.id.clone(),
        roles: [r].into_iter().collect(),
    };
    let officer = w.staff_named("officer", &[Role::Coordinator]).await;
    let qa = w.staff_named("records", &[Role::QualityAssurance]).await;
    let coord = actor(&officer, Role::Coordinator);
    let records = actor(&qa, Role::QualityAssurance);
    // Everything received on Monday 2 November 2026: the complaint's stage 1 is due in 10
    // working days (Monday 16th), the access request in one calendar month (Wednesday 2 December).
    let ops = Ops::new(db.clone(), Clock::as_if_today(d("2026-11-02")));
    let case = |details: &str| NewComplaint { about: About::Case, conference_id: None, details: details.into() };
    let assigned = complaints::log_for(&ops, &coord, "rights", "rm", case("Visits are cancelled.")).await.unwrap();
    complaints::step(&ops, &coord, &assigned, 1, Step::Assign { officer: officer.clone() }).await.unwrap();
    let unassigned = complaints::log_for(&ops, &coord, "rights", "rm", case("No reply to letters.")).await.unwrap();
    let answered = complaints::log_for(&ops, &coord, "rights", "rm", case("Answered in time.")).await.unwrap();
    let v = complaints::step(&ops, &coord, &answered, 1, Step::Assign { officer: officer.clone() }).await.unwrap();
    complaints::step(
        &ops,
        &coord,
        &answered,
        v,
        Step::Answer { finding: confer_domain::complaint::Finding::NotUpheld, response: "Explained.".into() },
    )
    .await
    .unwrap();
    let request = confer_ops::subject_access::log_request(
        &ops,
        &records,
        "rights",
        PortalPerson::Adult("rm".into()),
        d("2026-11-02"),
        HowReceived::Letter,
        "",
    )
    .await
    .unwrap();
    let rights = |log: &[stored::Logged]| -> BTreeSet<(String, String, String, String)> {
        log.iter()
            .filter(|l| l.kind == "complaint-due" || l.kind == "access-request-due")
            .map(|l| (l.kind.clone(), l.item.clone(), l.recipient.clone(), l.occasion.clone()))
            .collect()
    };
    let user = |u: &confer_domain::UserId| format!("user:{}", u.as_str());

    // Friday 6 November: six working days before the complaints are due: nothing yet.
    reminders::run_on(&ops, d("2026-11-06")).await.unwrap();
    assert!(rights(&stored::log(&db, &w.authority.id, 500).await.unwrap()).is_empty());

    // Monday 9 November: five working days before: the officer, and the records staff for the
    // one no officer has; not the answered one.
    reminders::run_on(&ops, d("2026-11-09")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 500).await.unwrap();
    let expected: BTreeSet<_> = [
        ("complaint-due", format!("{assigned}/stage-1"), user(&officer), "at-risk:2026-11-16"),
        ("complaint-due", format!("{unassigned}/stage-1"), user(&qa), "at-risk:2026-11-16"),
    ]
    .into_iter()
    .map(|(k, i, r, o)| (k.to_owned(), i, r, o.to_owned()))
    .collect();
    assert_eq!(rights(&log), expected);
    assert!(log.iter().filter(|l| l.kind == "complaint-due").all(|l| l.family_id == "rights" && l.channel == "email"));
    // The same day again: nothing more.
    let again = reminders::run_on(&ops, d("2026-11-09")).await.unwrap();
    assert_eq!(again.emailed + again.no_address, 0, "{again:?}");
    assert_eq!(rights(&stored::log(&db, &w.authority.id, 500).await.unwrap()), expected);

    // Tuesday 17 November: overdue, once more each; and the message names no one.
    reminders::run_on(&ops, d("2026-11-17")).await.unwrap();
    reminders::run_on(&ops, d("2026-11-18")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 500).await.unwrap();
    let overdue: Vec<_> = rights(&log).into_iter().filter(|r| r.3 == "overdue:2026-11-16").collect();
    assert_eq!(overdue.len(), 2, "{overdue:?}");
    let to_officer = outbox_to(&db, "officer@council.example").await;
    let mail: Vec<_> = to_officer.iter().filter(|(s, _)| s.contains("complaint")).collect();
    assert_eq!(mail.len(), 2, "at risk, then overdue: {mail:?}");
    assert!(mail.iter().any(|(s, b)| s.contains("overdue") && b.contains("Monday 16 November 2026")), "{mail:?}");
    assert!(mail.iter().all(|(s, b)| !s.contains("Rita") && !b.contains("Rita") && !b.contains("rights")));

    // Wednesday 25 November: the access request is five working days from its deadline: the
    // records staff; once overdue (Thursday 3 December), once more.
    reminders::run_on(&ops, d("2026-11-25")).await.unwrap();
    reminders::run_on(&ops, d("2026-12-03")).await.unwrap();
    reminders::run_on(&ops, d("2026-12-04")).await.unwrap();
    let log = stored::log(&db, &w.authority.id, 500).await.unwrap();
    let sar: Vec<_> = rights(&log).into_iter().filter(|r| r.1 == request).collect();
    assert_eq!(
        sar,
        vec![
            ("access-request-due".to_owned(), request.clone(), user(&qa), "at-risk:2026-12-02".to_owned()),
            ("access-request-due".to_owned(), request.clone(), user(&qa), "overdue:2026-12-02".to_owned()),
        ]
    );
    // Each is in the audit trail, which still verifies.
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'reminder.sent'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n as usize, log.len());
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}
