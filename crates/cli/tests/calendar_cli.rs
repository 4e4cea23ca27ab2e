//! `confer calendar` run as a real program: each subcommand with `--nation`, ISO dates on
//! stdout, and exit status 2 with a one-line message on stderr for bad input.

use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).arg("calendar").args(args).output().expect("the confer binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit status 2 and a message on stderr that names `hint`; nothing on stdout.
fn assert_bad_input(output: &Output, hint: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert!(output.stdout.is_empty(), "stdout: {}", stdout(output));
    assert!(stderr(output).contains(hint), "stderr: {}", stderr(output));
}

#[test]
fn working_days_after_skips_christmas_and_the_boxing_day_substitute() {
    let out = confer(&["working-days-after", "--nation", "england", "--from", "2026-12-24", "--days", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2026-12-29\n");
    // TIME-01: an ICPC within 15 working days of a strategy discussion on Monday 2 March 2026.
    let out = confer(&["working-days-after", "--nation", "wales", "--from", "2026-03-02", "--days", "15"]);
    assert_eq!(stdout(&out), "2026-03-23\n");
    let out = confer(&["working-days-after", "--nation", "northern-ireland", "--from", "2026-03-02", "--days", "15"]);
    assert_eq!(stdout(&out), "2026-03-24\n");
}

#[test]
fn working_days_before_counts_back_over_a_bank_holiday() {
    let out = confer(&["working-days-before", "--nation", "england", "--from", "2026-05-26", "--days", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2026-05-21\n");
}

#[test]
fn working_days_between_counts_after_the_first_up_to_the_second() {
    let out = confer(&["working-days-between", "--nation", "scotland", "--from", "2026-06-01", "--to", "2026-06-16"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "10\n");
    let out = confer(&["working-days-between", "--nation", "scotland", "--from", "2026-06-16", "--to", "2026-06-01"]);
    assert_eq!(stdout(&out), "-10\n");
}

#[test]
fn is_working_day_prints_yes_or_no() {
    let out = confer(&["is-working-day", "--nation", "scotland", "--date", "2026-06-15"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no\n");
    let out = confer(&["is-working-day", "--nation", "england", "--date", "2026-06-15"]);
    assert_eq!(stdout(&out), "yes\n");
}

#[test]
fn holidays_lists_date_and_name_one_a_line() {
    let out = confer(&["holidays", "--nation", "northern-ireland", "--year", "2026"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10, "{text}");
    assert_eq!(lines[0], "2026-01-01 New Year's Day");
    assert!(lines.contains(&"2026-07-13 Battle of the Boyne (Orangemen's Day) (substitute day)"), "{text}");
    assert_eq!(lines[9], "2026-12-28 Boxing Day (substitute day)");
}

#[test]
fn import_reads_a_government_file_and_refuses_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("confer-calendar-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("bank-holidays.json");
    std::fs::write(
        &good,
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
              {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true}]},
            "scotland": {"division": "scotland", "events": [
              {"title": "2nd January", "date": "2030-01-02", "notes": "", "bunting": true}]},
            "northern-ireland": {"division": "northern-ireland", "events": []}}"#,
    )
    .unwrap();
    // The import is stored in the database (here a fresh SQLite file), for every authority.
    let db = format!("sqlite://{}", dir.join("confer.db").display());
    let out = confer(&["import", good.to_str().unwrap(), "--database-url", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported 2 announced bank holidays"), "{}", stdout(&out));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"england-and-wales": {"events": [{"title": "X", "date": "2030-02-30"}]}}"#).unwrap();
    assert_bad_input(&confer(&["import", bad.to_str().unwrap()]), "YYYY-MM-DD");
    assert_bad_input(&confer(&["import", dir.join("missing.json").to_str().unwrap()]), "check the path");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_exits_with_status_2_and_says_what_to_fix() {
    assert_bad_input(
        &confer(&["working-days-after", "--nation", "atlantis", "--from", "2026-01-05", "--days", "3"]),
        "england, wales, scotland or northern-ireland",
    );
    assert_bad_input(
        &confer(&["working-days-after", "--nation", "england", "--from", "05/01/2026", "--days", "3"]),
        "YYYY-MM-DD",
    );
    assert_bad_input(
        &confer(&["working-days-before", "--nation", "england", "--from", "2026-01-05", "--days", "three"]),
        "whole number",
    );
    assert_bad_input(
        &confer(&["working-days-between", "--nation", "wales", "--from", "2026-01-05", "--to", "2026-02-30"]),
        "--to",
    );
    assert_bad_input(&confer(&["is-working-day", "--nation", "scotland", "--date", "tomorrow"]), "YYYY-MM-DD");
    assert_bad_input(&confer(&["holidays", "--nation", "england", "--year", "26"]), "1900 to 2200");
    for out in [
        confer(&["holidays", "--nation", "england", "--authority", "209", "--year", "2026"]),
        confer(&["holidays", "--year", "2026"]),
    ] {
        // clap refuses both or neither of --nation and --authority, with its usage status 2.
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}
