//! `confer outbox` and the mail settings as an operator uses them: the real `confer` binary
//! against a real database (SQLite, or PostgreSQL with CONFER_TEST_DATABASE=postgres).

use confer_store::outbox::{self, Retry};
use confer_store::{otp, Db};
use std::process::{Command, Output};

fn confer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confer"))
        .args(args)
        .env_remove("CONFER_DATABASE_URL")
        .env_remove("CONFER_SMTP_URL")
        .env_remove("CONFER_MAIL_FROM")
        .env_remove("CONFER_MAIL_DIR")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn confer_outbox_counts_messages_lists_failed_ones_and_tries_them_again() {
    let url = confer_store::testing::fresh_url().await;
    let o = confer(&[
        "authority",
        "create",
        "--database-url",
        &url,
        "--code",
        "LA1",
        "--name",
        "Fictional Borough",
        "--nation",
        "england",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let email = "pat.parent@family.example";
    let o = confer(&[
        "users",
        "create",
        "--database-url",
        &url,
        "--authority",
        "LA1",
        "--username",
        "pat.parent",
        "--name",
        "Pat Parent",
        "--email",
        email,
        "--role",
        "parent",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let db = Db::connect(&url).await.unwrap();
    otp::request(&db, email).await.unwrap();
    otp::request(&db, email).await.unwrap();

    let o = confer(&["outbox", "--database-url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("pending 2\nsent 0\nfailed 0"), "{}", text(&o));

    // One message fails for good (its attempts used up against a refusing relay).
    let retry = Retry { max_attempts: 1, ..Retry::default() };
    let claimed = outbox::claim(&db, "test", chrono::Utc::now(), &retry, 1).await.unwrap();
    let failed_id = claimed[0].id.clone();
    outbox::mark_attempt_failed(&db, &claimed[0], "smtp 550: refused", false, chrono::Utc::now(), &retry)
        .await
        .unwrap();
    let o = confer(&["outbox", "--database-url", &url]);
    let out = text(&o);
    assert!(out.contains("pending 1\nsent 0\nfailed 1"), "{out}");
    assert!(out.contains(&failed_id) && out.contains("after 1 attempts: smtp 550: refused"), "{out}");
    assert!(!out.contains(email), "no addresses in the listing: {out}");

    // A wrong id is told so; the right one goes back in the queue.
    let o = confer(&["outbox", "retry", "--database-url", &url, "--id", "no-such-id"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("there is no failed message no-such-id"));
    let o = confer(&["outbox", "retry", "--database-url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 failed messages will be tried again"));
    let o = confer(&["outbox", "--database-url", &url]);
    assert!(text(&o).contains("pending 2\nsent 0\nfailed 0"), "{}", text(&o));
    let o = confer(&["audit", "verify", "--database-url", &url]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn serve_help_explains_the_mail_settings_and_never_shows_the_relay_password() {
    let o = Command::new(env!("CARGO_BIN_EXE_confer"))
        .args(["serve", "--help"])
        .env("CONFER_SMTP_URL", "smtp://confer:hunter2@relay.example")
        .output()
        .unwrap();
    assert!(!text(&o).contains("hunter2"), "{}", text(&o));
    let out = text(&confer(&["serve", "--help"]));
    for flag in ["--smtp-url", "--mail-from", "--mail-dir", "CONFER_SMTP_URL", "STARTTLS", "tls=none"] {
        assert!(out.contains(flag), "missing {flag} in:\n{out}");
    }
    let out = text(&confer(&["outbox", "--help"]));
    assert!(out.contains("retry"), "{out}");
}

#[test]
fn bad_mail_settings_are_refused_with_a_message_saying_what_to_fix() {
    let o = confer(&["serve", "--smtp-url", "http://relay.example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("the SMTP URL must look like"), "{}", text(&o));
    let o = confer(&["serve", "--smtp-url", "smtp://relay.example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--mail-from is needed"), "{}", text(&o));
    let o = confer(&["serve", "--smtp-url", "smtp://relay.example", "--mail-dir", "mail"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("either --smtp-url or --mail-dir"), "{}", text(&o));
    let o = confer(&["serve", "--smtp-url", "smtp://relay.example", "--mail-from", "not an address"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("From address"), "{}", text(&o));
}
