//! `confer annex-a export` end to end: the real binary, the demo authority loaded by the real
//! `confer demo --load-only`, on SQLite or PostgreSQL (CONFER_TEST_DATABASE). The demo's lists
//! are written without error, the same data and period give the same bytes, the CSV files
//! have the published headings and as many rows as the workbook, and each file is audited.

use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).args(args).env_remove("CONFER_DATABASE_URL").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn annex_a_export_of_the_demo_authority_is_reproducible_and_audited() {
    let url = confer_store::testing::fresh_url().await;
    let dir = std::env::temp_dir().join(format!("confer-annex-a-{}", confer_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = confer(&["demo", "--load-only", "--families", "60", "--today", "2026-11-25", "--database-url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    let first = dir.join("first.xlsx");
    let second = dir.join("second.xlsx");
    let csv = dir.join("csv");
    let export = |out: &std::path::Path, csv: Option<&std::path::Path>| {
        let mut args: Vec<&str> = vec![
            "annex-a",
            "export",
            "--database-url",
            url.as_str(),
            "--authority",
            "DEMO",
            "--from",
            "2026-05-26",
            "--to",
            "2026-11-25",
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(c) = csv {
            args.extend(["--csv", c.to_str().unwrap()]);
        }
        confer(&args)
    };
    let o = export(&first, Some(&csv));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(out.lines().count(), 4, "the workbook and three CSV files: {out}");
    let o = export(&second, None);
    assert!(o.status.success(), "{}", text(&o));
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"PK"));
    assert_eq!(bytes, std::fs::read(&second).unwrap(), "the same data and period give the same bytes");
    // The counts printed for the workbook match the CSV files' rows; the demo has rows in each.
    let count = |n: u8| -> usize {
        let marker = format!("List {n} ");
        out.lines().next().unwrap().split(&marker).nth(1).unwrap().split(' ').next().unwrap().parse().unwrap()
    };
    for (n, heading) in [
        (5, "Strategy discussion initiating Section 47 Enquiry Start Date"),
        (6, "Case Status,CIN Start Date"),
        (7, "Child Protection Plan Start Date"),
    ] {
        let file = std::fs::read_to_string(csv.join(format!("list{n}.csv"))).unwrap();
        assert!(
            file.starts_with("Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,")
        );
        assert!(file.lines().next().unwrap().contains(heading), "list {n}");
        assert_eq!(file.lines().count(), count(n) + 1, "list {n}: one row per record and the headings");
        // The demo's conferences, episodes and plans (its held conferences made plans).
        assert!(count(n) > 0, "the demo has rows in list {n}");
    }
    // Every file written is audited: the workbook twice and three CSV files.
    let db = confer_store::Db::connect(&url).await.unwrap();
    let rows = sqlx::query("SELECT after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
    use sqlx::Row;
    let after: String = rows[0].try_get("after_json").unwrap();
    assert!(after.contains("\"from\":\"2026-05-26\"") && after.contains("\"sha256\""), "{after}");
    // A period the wrong way round is refused with what to do.
    let o = confer(&[
        "annex-a",
        "export",
        "--database-url",
        &url,
        "--authority",
        "DEMO",
        "--from",
        "2026-11-25",
        "--to",
        "2026-05-26",
        "--out",
        dir.join("x.xlsx").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("after the first day"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
