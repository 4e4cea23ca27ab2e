//! Issue 14 staff pages: the administrator's "How messages are sent" (the Notify API key never
//! shown back, a refusal keeps what was typed, a stale version is a conflict), and the
//! coordinator's print list (a letter waiting, downloaded as PDF, marked printed once) and
//! reminders log (to whom by role, no names). Who may reach each route is proved for every
//! role by access_matrix.rs. Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::*;
use confer_store::channels::{self, EmailVia, SmsVia};
use confer_store::testing::World;
use reqwest::StatusCode;

const KEY: &str = "testshire_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";
const TEMPLATE: &str = "f33517ff-2a88-4f6e-b855-c550268ce08a";

#[tokio::test]
async fn the_administrator_sets_notify_and_the_key_is_never_shown_back() {
    let app = start().await;
    let (admin, _) = staff(&app, "the.admin", &[Role::Administrator], None).await;
    let mut b = app.as_user(&admin).await;
    let page = b.get("/admin/channels").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"smtp\" checked") && page.body.contains("value=\"off\" checked"));

    // Notify chosen without a key or template: refused, saying what to fix, choices kept.
    let refused =
        b.submit(&page, "/admin/channels", &[("v", "0"), ("email_via", "notify"), ("sms_via", "notify")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("govuk-error-summary") && refused.body.contains("Enter the GOV.UK Notify API key"));
    assert!(refused.body.contains("value=\"notify\" checked"), "what was chosen is kept");
    // A key that is not a key: refused without repeating it.
    let refused = b
        .submit(
            &page,
            "/admin/channels",
            &[
                ("v", "0"),
                ("email_via", "notify"),
                ("sms_via", "off"),
                ("api_key", "secret-123"),
                ("email_template", TEMPLATE),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Copy the whole key") && !refused.body.contains("secret-123"));
    assert!(refused.body.contains(TEMPLATE), "the template typed is kept");

    let saved = b
        .submit(
            &page,
            "/admin/channels",
            &[
                ("v", "0"),
                ("email_via", "notify"),
                ("sms_via", "notify"),
                ("api_key", KEY),
                ("email_template", TEMPLATE),
                ("sms_template", TEMPLATE),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", error_summary(&saved.body));
    let ch = channels::get(&app.db, app.authority.id.as_str()).await.unwrap();
    assert_eq!((ch.email_via, ch.sms_via, ch.v), (EmailVia::Notify, SmsVia::Notify, 1));
    let again = b.get("/admin/channels?done=1").await;
    assert!(again.body.contains("ending …22b0"), "the last four characters only");
    assert!(!again.body.contains("3d844edf") && !again.body.contains("26785a09"), "never the key");

    // Saved from the page as it was before: a conflict, saying so.
    let stale = b.submit(&page, "/admin/channels", &[("v", "0"), ("email_via", "smtp"), ("sms_via", "off")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else changed how messages are sent"));
    assert_eq!(channels::get(&app.db, app.authority.id.as_str()).await.unwrap().email_via, EmailVia::Notify);
}

#[tokio::test]
async fn the_coordinator_downloads_a_waiting_letter_and_marks_it_printed_once_inv_01() {
    let app = start().await;
    let (coordinator, _) = staff(&app, "the.coordinator", &[Role::Coordinator], None).await;
    let w: &World = &app.world;
    w.professional("p-school", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .professionals(&["p-school"])
        .create()
        .await;
    f.invited_conference(w).await;
    let mut b = app.as_user(&coordinator).await;
    let list = b.get("/print-list").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Invitation (or new date, time or place)"), "{}", list.body);
    for name in ["Brook", "Mandy", "Amy"] {
        assert!(!list.body.contains(name), "{name} on the print list page");
    }
    // The list is about the families the letters are for: one list read naming them (review).
    assert_eq!(list_reads(&app, &coordinator, "print-list").await, vec![vec![f.family.id.as_str().to_owned()]]);
    let id = list.body.split("/print-list/letter?id=").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let pdf = b
        .http
        .get(format!("{}/print-list/letter?id={id}", b.base))
        .header("cookie", format!("confer_session={}", b.cookies["confer_session"]))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    let done = b.submit(&list, "/print-list/printed", &[("id", &id)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let after = b.get("/print-list").await;
    assert!(after.body.contains("No letters are waiting"));
    assert!(after.body.contains("The letter was marked printed") || after.body.contains("Printed"));
    // Pressed again: nothing more is printed or audited.
    b.submit(&list, "/print-list/printed", &[("id", &id)]).await;
    let printed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'document.printed'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(printed, 1);
    // Another authority's coordinator cannot reach the letter.
    let other = World::with_authority(&app.db, "T02", "Otherland Council", Nation::England).await;
    let (theirs, _) = staff_in(&app, &other.authority, "their.coordinator", &[Role::Coordinator], None).await;
    let mut t = app.as_user(&theirs).await;
    assert_eq!(t.get(&format!("/print-list/letter?id={id}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_reminders_log_shows_what_when_and_to_whom_by_role_only() {
    let app = start().await;
    let (coordinator, _) = staff(&app, "the.coordinator", &[Role::Coordinator], None).await;
    sqlx::query(
        "INSERT INTO reminder_sent (id, authority_id, family_id, kind, item, recipient, occasion, due_on, channel, outbox_id, sent_at) \
         VALUES ('r1', $1, 'fam', 'report-due', 'item', 'family-member:mum', 'overdue:2026-11-20', '2026-11-20', 'none', NULL, '2026-11-21T09:00:00.000000Z')",
    )
    .bind(app.authority.id.as_str())
    .execute(app.db.pool())
    .await
    .unwrap();
    let mut b = app.as_user(&coordinator).await;
    let log = b.get("/reminders").await;
    assert_eq!(log.status, StatusCode::OK);
    for shown in ["report due", "Family member", "2026-11-20", "Overdue", "2026-11-21 09:00", "no e-mail address"] {
        assert!(log.body.contains(shown), "{shown} missing");
    }
    assert!(!log.body.contains("family-member:mum"), "no ids of people");
    // Each reminder is about a family: the page is one list read naming them (review).
    assert_eq!(list_reads(&app, &coordinator, "reminders").await, vec![vec!["fam".to_owned()]]);
}
