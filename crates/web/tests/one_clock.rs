//! One clock (issue 11): a server run "as if" another day shows that day as today on every
//! page and the store stamps that time on what it writes; and nothing outside the clock
//! module reads the system's time. Runs on SQLite, and on PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use chrono::{Days, NaiveDate};
use common::*;
use confer_domain::timescales::DeadlineRule;
use confer_domain::*;
use confer_store::deadlines;
use confer_store::families::{insert_family, NewFamily};
use confer_web::clock::Clock;
use confer_web::WebSettings;
use reqwest::StatusCode;
use sqlx::Row;

async fn family(app: &App, key: &str, name: &str, worker: &str, opened: NaiveDate) -> (String, String) {
    let fid = FamilyId(format!("fam-{key}"));
    let child = Child {
        id: ChildId(format!("child-{key}")),
        family_id: fid.clone(),
        given_name: "Robin".into(),
        family_name: name.into(),
        birth: Birth::Born(NaiveDate::from_ymd_opt(2018, 3, 4).unwrap()),
        nhs_number: None,
        la_child_id: format!("LA{key}"),
        gender: Gender::Female,
        ethnicity: "White British".into(),
        disability: "None".into(),
        communication: Communication { first_language: "English".into(), ..Default::default() },
    };
    let case = Case {
        id: CaseId(format!("case-{key}")),
        family_id: fid.clone(),
        allocated_worker_id: UserId::from(worker),
        stage: CaseStage::ConferenceRequested,
        opened_on: opened,
    };
    let fam = Family { id: fid.clone(), authority_id: app.authority.id.clone(), name: format!("{name} family") };
    let mut tx = app.db.begin().await.unwrap();
    let f = NewFamily {
        family: &fam,
        children: &[child],
        adults: &[],
        relationships: &[],
        case: Some(&case),
        professionals: &[],
    };
    insert_family(&mut tx, &f, "test").await.unwrap();
    tx.commit().await.unwrap();
    (fid.0, case.id.0)
}

/// The day a stamp (RFC 3339, UTC) falls on in the United Kingdom.
fn uk_day(stamp: &str) -> NaiveDate {
    confer_web::clock::uk_date(confer_store::parse_stamp(stamp).expect("a stamp"))
}

#[tokio::test]
async fn a_server_run_as_if_another_day_shows_and_stamps_that_day_everywhere() {
    // A Wednesday long before the machine's own date.
    let day = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
    let clock = Clock::as_if_today(day);
    let app = start_with(WebSettings { secure_cookies: false, clock: clock.clone(), ..WebSettings::default() }).await;
    let (sw, sw_secret) = staff(&app, "sw.asif", &[Role::SocialWorker], None).await;
    let (_, chair_secret) = staff(&app, "chair.asif", &[Role::Chair], None).await;
    let opened = day - Days::new(40);
    let (fam_late, case_late) = family(&app, "late", "Ashworth", &sw, opened).await;
    let (_, case_soon) = family(&app, "soon", "Brightwell", &sw, opened).await;
    // Overdue on that day: the strategy discussion was 30 days before (15 working days).
    deadlines::set_deadline(&app.db, &case_late, DeadlineRule::InitialConference, day - Days::new(30), None, "test")
        .await
        .unwrap()
        .unwrap();
    // Due in three weeks from that day (overdue by the machine's own date).
    deadlines::set_deadline(&app.db, &case_soon, DeadlineRule::InitialConference, day - Days::new(1), None, "test")
        .await
        .unwrap()
        .unwrap();

    // Signing in works (the authenticator code is checked by real time) and the session is
    // stamped with that day.
    let mut b = Browser::new(&app);
    b.sign_in("sw.asif", &sw_secret).await;

    // The deadlines page counts from that day: only the Ashworth deadline is overdue.
    let overdue = b.get("/deadlines?state=overdue").await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(overdue.body.contains("Ashworth"), "{}", overdue.body);
    assert!(!overdue.body.contains("Brightwell"), "due in three weeks from the day the server runs as");
    // The family page offers that day as the date a deadline was met (and records the read).
    let fam = b.get(&format!("/families/{fam_late}")).await;
    assert_eq!(fam.status, StatusCode::OK);
    let slash = |d: NaiveDate| d.format("%-d/%-m/%Y").to_string();

    // The conference pages say that day is today.
    let mut chair = Browser::new(&app);
    chair.sign_in("chair.asif", &chair_secret).await;
    let chaired = chair.get("/conferences/chair").await;
    assert_eq!(chaired.status, StatusCode::OK);

    // (If the day turned in the United Kingdom while the test ran, the next day is right too.)
    let days = [day, clock.today()];
    let long = |d: &NaiveDate| d.format("%-d %B %Y").to_string();
    assert!(days.iter().any(|d| fam.body.contains(&format!("value=\"{}\"", slash(*d)))), "{}", fam.body);
    assert!(days.iter().any(|d| chaired.body.contains(&format!("Today is {}", long(d)))), "{}", chaired.body);

    // The store stamped that day on the session and on the audit events.
    let row = sqlx::query("SELECT created_at, last_seen_at FROM web_session WHERE user_id = $1 AND stage = 'full'")
        .bind(&sw)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    for col in ["created_at", "last_seen_at"] {
        let at: String = row.try_get(col).unwrap();
        assert!(days.contains(&uk_day(&at)), "session {col} {at}");
    }
    let events = sqlx::query("SELECT action, at FROM audit_event WHERE actor = $1 ORDER BY seq")
        .bind(&sw)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let read = events
        .iter()
        .find(|r| r.try_get::<String, _>("action").unwrap() == "family.read")
        .expect("the family page's read is audited");
    let at: String = read.try_get("at").unwrap();
    assert!(days.contains(&uk_day(&at)), "the read of the record is stamped {at}");
    assert!(!events.is_empty());
    for e in &events {
        let at: String = e.try_get("at").unwrap();
        assert!(days.contains(&uk_day(&at)), "{} stamped {at}", e.try_get::<String, _>("action").unwrap());
    }
}

/// Whether a line of source reads the system's time (other than `Instant`, for durations).
fn reads_system_time(line: &str) -> bool {
    const READS: [&str; 7] = [
        "Utc::now",
        "Utc::today",
        "Local::now",
        "Local::today",
        "SystemTime::now",
        "UNIX_EPOCH.elapsed",
        "OffsetDateTime::now",
    ];
    READS.iter().any(|r| line.contains(r))
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_outside_the_clock_module_reads_the_system_time() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let clock_module = crates.join("store/src/clock.rs");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    assert!(files.len() > 20, "the sources were found ({} files under {})", files.len(), crates.display());
    assert!(files.contains(&clock_module), "the clock module is where it is expected");
    let mut found = Vec::new();
    for f in files.iter().filter(|f| **f != clock_module) {
        for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            if reads_system_time(line) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "take the time from the injected Clock (Db::clock, WebSettings::clock), not the system:\n{}",
        found.join("\n")
    );
    // The guard itself sees what it is looking for.
    assert!(reads_system_time("let t = chrono::Utc::now();") && reads_system_time("SystemTime::now()"));
    assert!(!reads_system_time("let t = std::time::Instant::now();"));
}
