//! `confer census export` end to end: the real binary, the demo authority loaded by the real
//! `confer demo --load-only`, on SQLite or PostgreSQL (CONFER_TEST_DATABASE). The demo's
//! return has no errors (its children have everything the census needs), the same data and
//! year give the same bytes, and each file written is audited.

use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).args(args).env_remove("CONFER_DATABASE_URL").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn census_export_of_the_demo_authority_has_no_errors_and_is_reproducible() {
    let url = confer_store::testing::fresh_url().await;
    let dir = std::env::temp_dir().join(format!("confer-census-{}", confer_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = confer(&["demo", "--load-only", "--families", "60", "--today", "2026-11-25", "--database-url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    let first = dir.join("first.xml");
    let second = dir.join("second.xml");
    for out in [&first, &second] {
        let o = confer(&[
            "census",
            "export",
            "--database-url",
            &url,
            "--authority",
            "DEMO",
            "--year",
            "2027",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.lines().any(|l| l.starts_with("error ")), "the demo's return has no errors:\n{stderr}");
        assert!(String::from_utf8_lossy(&o.stdout).contains(", 0 errors,"), "{}", text(&o));
    }
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes, std::fs::read(&second).unwrap(), "the same data and year give the same bytes");
    let xml = String::from_utf8(bytes).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>"));
    assert!(xml.contains("<ReferenceDate>2027-03-31</ReferenceDate>"));
    assert!(xml.matches("<Child>").count() > 50, "every demo child with an episode in the year is in it");
    assert!(xml.contains("<Section47>") && xml.contains("<InitialCPCtarget>"));
    // CSV of the same return.
    let csv = dir.join("census.csv");
    let o = confer(&[
        "census",
        "export",
        "--database-url",
        &url,
        "--authority",
        "DEMO",
        "--year",
        "2027",
        "--csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.starts_with("LAchildID,UPN,UPNunknown,"));
    assert_eq!(csv.lines().count(), xml.matches("<CINdetails>").count() + 1, "one row per episode and a header");
    // Every export is audited: three events, each with the year and the digest of its bytes.
    let db = confer_store::Db::connect(&url).await.unwrap();
    let rows = sqlx::query("SELECT after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    use sqlx::Row;
    let after: String = rows[0].try_get("after_json").unwrap();
    assert!(after.contains("\"year\":2027") && after.contains("\"sha256\""), "{after}");
    // A year with the wrong shape is refused with what to do.
    let o = confer(&[
        "census",
        "export",
        "--database-url",
        &url,
        "--authority",
        "DEMO",
        "--year",
        "26",
        "--out",
        dir.join("x.xml").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("2026 for the year ending 31 March 2026"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
