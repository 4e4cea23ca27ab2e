//! The command line as an operator uses it: the real `confer` binary against a real database
//! (SQLite, or PostgreSQL with CONFER_TEST_DATABASE=postgres).

use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer")).args(args).env_remove("CONFER_DATABASE_URL").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn url() -> String {
    confer_store::testing::fresh_url().await
}

#[tokio::test]
async fn operator_sets_up_an_authority_and_users_from_the_command_line() {
    let db = url().await;
    let o = confer(&[
        "authority",
        "create",
        "--database-url",
        &db,
        "--code",
        "LA1",
        "--name",
        "Fictional Borough",
        "--nation",
        "wales",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = confer(&[
        "users",
        "create",
        "--database-url",
        &db,
        "--authority",
        "LA1",
        "--username",
        "admin.one",
        "--name",
        "Ada Min",
        "--email",
        "ada@council.example",
        "--role",
        "administrator",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("First password:"));
    let o = confer(&[
        "users",
        "create",
        "--database-url",
        &db,
        "--authority",
        "LA1",
        "--username",
        "chair.one",
        "--name",
        "Cat Chair",
        "--email",
        "cat@council.example",
        "--role",
        "chair",
        "--line-manager",
        "admin.one",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = confer(&["users", "add-role", "--database-url", &db, "--username", "chair.one", "--role", "auditor"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = confer(&["users", "reset-password", "--database-url", &db, "--username", "chair.one"]);
    assert!(text(&o).contains("New password for chair.one"));
    // A token needs the authenticator app set up (issue 10), and lasts at most a year.
    let o = confer(&["users", "token", "--database-url", &db, "--username", "chair.one"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("only staff accounts with an authenticator app set up"), "{}", text(&o));
    let store = confer_store::Db::connect(&db).await.unwrap();
    sqlx::query("UPDATE user_account SET totp_enrolled = 1 WHERE username = 'chair.one'")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let o = confer(&["users", "token", "--database-url", &db, "--username", "chair.one", "--days", "366"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--days must be from 1 to 365"), "{}", text(&o));
    let o = confer(&["users", "token", "--database-url", &db, "--username", "chair.one", "--days", "30"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("confer_pat_"));
    let o = confer(&["users", "disable", "--database-url", &db, "--username", "chair.one"]);
    assert!(o.status.success(), "{}", text(&o));
    // Mistakes get a message saying what to fix and status 2.
    let o = confer(&["users", "add-role", "--database-url", &db, "--username", "chair.one", "--role", "wizard"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("unknown role \"wizard\""));
    let o = confer(&["users", "add-role", "--database-url", &db, "--username", "nobody", "--role", "chair"]);
    assert_eq!(o.status.code(), Some(2));
    let o = confer(&[
        "authority",
        "create",
        "--database-url",
        &db,
        "--code",
        "LA1",
        "--name",
        "Again",
        "--nation",
        "england",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("already exists"));
    let o = confer(&["audit", "verify", "--database-url", &db]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("The audit trail is intact"));
}

#[tokio::test]
async fn audit_head_exports_the_chain_ends_and_verify_against_finds_a_deleted_end_keep_01() {
    let db_url = url().await;
    let o = confer(&["demo", "--load-only", "--families", "2", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    let dir = std::env::temp_dir().join(format!("confer-heads-{}", confer_store::random_secret(6)));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("heads.json");
    let file = file.to_str().unwrap();
    let key = "a key kept away from the database";
    let head = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_confer"))
            .args(args)
            .env_remove("CONFER_DATABASE_URL")
            .env("CONFER_AUDIT_HEAD_KEY", key)
            .output()
            .unwrap()
    };
    let o = head(&["audit", "head", "--database-url", &db_url, "--out", file]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("signed"), "{}", text(&o));
    let o = head(&["audit", "head", "--database-url", &db_url, "--out", file]);
    assert_eq!(o.status.code(), Some(2), "an export is never overwritten");
    let o = head(&["audit", "verify", "--database-url", &db_url, "--against", file]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("still holds the 1 heads"), "{}", text(&o));
    // Without the key the signed file is not trusted.
    let o = confer(&["audit", "verify", "--database-url", &db_url, "--against", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("the file is signed"), "{}", text(&o));

    // The newest event is deleted and the head moved back to match: only the export can tell.
    let db = confer_store::Db::connect(&db_url).await.unwrap();
    let (authority, last): (String, i64) =
        sqlx::query_as("SELECT authority_id, seq FROM audit_head").fetch_one(db.pool()).await.unwrap();
    sqlx::query("DELETE FROM audit_event WHERE seq = $1").bind(last).execute(db.pool()).await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT hash FROM audit_event WHERE seq = $1")
        .bind(last - 1)
        .fetch_one(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = $2, hash = $3 WHERE authority_id = $1")
        .bind(&authority)
        .bind(last - 1)
        .bind(&hash)
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    let o = confer(&["audit", "verify", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    let o = head(&["audit", "verify", "--database-url", &db_url, "--against", file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains(&format!("the chain ends at {}", last - 1)), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn audit_verify_names_the_first_event_changed_behind_confers_back_keep_01() {
    let db_url = url().await;
    let o = confer(&["demo", "--load-only", "--families", "5", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    let o = confer(&["audit", "verify", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    // Someone edits an event directly in the database.
    let db = confer_store::Db::connect(&db_url).await.unwrap();
    sqlx::query("UPDATE audit_event SET after_json = '{\"tampered\":true}' WHERE seq = 3")
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    let o = confer(&["audit", "verify", "--database-url", &db_url]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(out.contains("event 3"), "{out}");
    assert!(out.contains("does not match its hash"), "{out}");
}

#[tokio::test]
async fn demo_loads_fictional_families_deterministically_and_reports_its_size() {
    let db_url = url().await;
    let o = confer(&["demo", "--load-only", "--families", "30", "--seed", "7", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("with 30 families"));
    assert!(text(&o).contains("Database size:"));
    // A second start uses what is there.
    let o = confer(&["demo", "--load-only", "--families", "30", "--seed", "7", "--database-url", &db_url]);
    assert!(text(&o).contains("already in this database"));
}

#[tokio::test]
async fn backup_copies_a_sqlite_database_and_explains_pg_dump_for_postgresql() {
    let db_url = url().await;
    let o = confer(&["migrate", "--database-url", &db_url]);
    assert!(o.status.success(), "{}", text(&o));
    let dir = std::env::temp_dir().join(format!("confer-backup-{}", confer_store::random_secret(6)));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("copy.db");
    let o = confer(&["backup", "--database-url", &db_url, "--to", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    if db_url.starts_with("sqlite") {
        assert!(target.exists());
        let copy = format!("sqlite://{}", target.display());
        let o = confer(&["audit", "verify", "--database-url", &copy]);
        assert!(o.status.success(), "the copy is a working database: {}", text(&o));
        let again = confer(&["backup", "--database-url", &db_url, "--to", target.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(2), "an existing file is never overwritten");
    } else {
        assert!(text(&o).contains("pg_dump"));
    }
}

#[test]
fn serve_help_explains_each_setting() {
    let o = confer(&["serve", "--help"]);
    let out = text(&o);
    for flag in [
        "--database-url",
        "--addr",
        "--config",
        "--secure-cookies",
        "--session-idle-minutes",
        "--log-format",
        "CONFER_DATABASE_URL",
    ] {
        assert!(out.contains(flag), "missing {flag} in:\n{out}");
    }
}

#[test]
fn bad_settings_are_refused_with_a_message() {
    let o = confer(&["serve", "--addr", "not-an-address"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--addr must be an address"));
    let dir = std::env::temp_dir().join(format!("confer-cfg-{}", confer_store::random_secret(6)));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("confer.toml");
    std::fs::write(&cfg, "adress = \"typo\"\n").unwrap();
    let o = confer(&["serve", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("is not valid"));
}

#[tokio::test]
async fn an_authoritys_closure_days_are_not_working_days() {
    let db_url = url().await;
    let o = confer(&[
        "authority",
        "create",
        "--database-url",
        &db_url,
        "--code",
        "CL1",
        "--name",
        "Closeshire",
        "--nation",
        "scotland",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let db = confer_store::Db::connect(&db_url).await.unwrap();
    let a = confer_store::users::authority_by_code(&db, "CL1").await.unwrap().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 29).unwrap();
    confer_store::calendar::add_closure(&db, &a.id, day, "Christmas closure", "test").await.unwrap();
    db.close().await;
    let o = confer(&[
        "calendar",
        "is-working-day",
        "--authority",
        "CL1",
        "--date",
        "2026-12-29",
        "--database-url",
        &db_url,
    ]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "no", "{}", text(&o));
    let o = confer(&["calendar", "is-working-day", "--nation", "scotland", "--date", "2026-12-29"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "yes", "{}", text(&o));
    // St Andrew's Day 2026 is a Monday: a Scottish bank holiday.
    let o = confer(&[
        "calendar",
        "working-days-after",
        "--authority",
        "CL1",
        "--from",
        "2026-11-27",
        "--days",
        "1",
        "--database-url",
        &db_url,
    ]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "2026-12-01", "{}", text(&o));
    let o = confer(&[
        "calendar",
        "is-working-day",
        "--authority",
        "NOPE",
        "--date",
        "2026-12-29",
        "--database-url",
        &db_url,
    ]);
    assert_eq!(o.status.code(), Some(2));
}
