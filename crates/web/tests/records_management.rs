//! Records management through the pages (KEEP-01, KEEP-02): quality assurance finds a family
//! whose records are past the schedule's date, a legal hold stops disposal (the refusal comes
//! back on the page with what was typed), the hold is lifted, disposal is proposed and an
//! administrator (a second person) authorises it; the family is gone, its tombstone is listed
//! and the audit chain still verifies. Who may do what is the access policy's: a social worker
//! reaches none of it, another authority's quality assurance does not find the family, and the
//! schedule refuses a rule shorter than the default. Runs on SQLite, and on PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::{Nation, Role};
use confer_store::audit;
use confer_store::testing::PersonBuilder;
use reqwest::StatusCode;

#[tokio::test]
async fn keep_02_a_family_past_its_date_is_held_then_disposed_of_by_two_people_through_the_pages() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let (admin, _) = staff(&app, "admin", &[Role::Administrator], None).await;
    let (sw, _) = staff(&app, "sw2", &[Role::SocialWorker], None).await;
    let f = w
        .family("quill-family-7x")
        .named("Quillfeather family")
        .surname("Quillfeather")
        .child("zephyrine", "Zephyrine", "2010-03-04")
        .mother("marisol", "Marisol")
        .create()
        .await;
    f.closed_conference(w).await;

    // Nine years on, Zephyrine turns 25 (4 March 2035).
    clock.set(at("2035-03-05 09:00"));
    let mut q = app.as_user(&qa).await;
    let list = q.get("/records").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Quillfeather family"), "{}", list.body);
    assert!(list.body.contains("/records/quill-family-7x"));

    // A legal hold, then a proposal that the hold refuses: the page again, what was typed kept.
    let page = q.get("/records/quill-family-7x").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4 March 2035"), "{}", page.body);
    let held = q.submit(&page, "/records/quill-family-7x/hold", &[("reason", "Civil claim by a relative")]).await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", error_summary(&held.body));
    let page = q.get("/records/quill-family-7x").await;
    assert!(page.body.contains("Civil claim by a relative"));
    let refused = q
        .submit(&page, "/records/quill-family-7x/propose", &[("reason", "Checked: nothing open, past its date")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("govuk-error-summary"));
    assert!(refused.body.contains("A legal hold stops disposal"), "{}", error_summary(&refused.body));
    assert!(refused.body.contains("Checked: nothing open, past its date"), "what was typed is kept");
    // A hold is lifted only with a reason.
    let page = q.get("/records/quill-family-7x").await;
    let no_reason = q.submit(&page, "/records/quill-family-7x/hold/lift", &[("reason", "  ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Give the reason"));
    let lifted = q.submit(&page, "/records/quill-family-7x/hold/lift", &[("reason", "Claim withdrawn")]).await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{}", error_summary(&lifted.body));
    let page = q.get("/records/quill-family-7x").await;
    let proposed =
        q.submit(&page, "/records/quill-family-7x/propose", &[("reason", "Past its date; nothing open")]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", error_summary(&proposed.body));
    // Quality assurance cannot authorise: the policy says so before the handler runs.
    let page = q.get("/records/quill-family-7x").await;
    assert!(!page.body.contains("action=\"/records/quill-family-7x/dispose\""));
    let not_theirs = q.submit(&page, "/records/quill-family-7x/dispose", &[]).await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);

    // The administrator, a second person, authorises it.
    let mut a = app.as_user(&admin).await;
    let page = a.get("/records/quill-family-7x").await;
    assert!(page.body.contains("Past its date; nothing open"));
    let done = a.submit(&page, "/records/quill-family-7x/dispose", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    assert!(done.location.as_deref().unwrap_or("").starts_with("/records/disposals"));
    let tombstones = a.get("/records/disposals").await;
    assert!(tombstones.body.contains("quill-family-7x"));
    assert!(!tombstones.body.contains("Quillfeather"), "a tombstone names no one");
    assert_eq!(a.get("/records/quill-family-7x").await.status, StatusCode::NOT_FOUND);
    assert!(!a.get("/records").await.body.contains("Quillfeather"));
    let v = audit::verify(&app.db).await.unwrap();
    assert!(v.first_break.is_none(), "{:?}", v.first_break);

    // A social worker reaches none of it.
    let mut s = app.as_user(&sw).await;
    assert_eq!(s.get("/records").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/admin/retention").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn keep_02_another_authoritys_family_is_not_found_and_the_schedule_refuses_a_shorter_rule() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let f = w
        .family("fam-oak")
        .named("Oakes family")
        .surname("Oakes")
        .child("ivy", "Ivy", "2009-01-01")
        .mother("olga", "Olga")
        .create()
        .await;
    f.closed_conference(w).await;
    clock.set(at("2035-01-02 09:00"));
    let other = confer_store::testing::World::with_authority(&app.db, "T02", "Otherland Council", Nation::Wales).await;
    let (qa_b, _) = PersonBuilder::new(&app.db, &other.authority.id, "qa-b")
        .roles(&[Role::QualityAssurance])
        .signs_in()
        .create()
        .await;
    let mut b = app.as_user(&qa_b).await;
    assert_eq!(b.get("/records/fam-oak").await.status, StatusCode::NOT_FOUND);
    assert!(!b.get("/records").await.body.contains("Oakes"));
    let page = b.get("/records").await;
    let posted = b.submit(&page, "/records/fam-oak/hold", &[("reason", "Not theirs")]).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);

    let (admin, _) = staff(&app, "admin", &[Role::Administrator], None).await;
    let mut a = app.as_user(&admin).await;
    let page = a.get("/admin/retention").await;
    assert_eq!(page.status, StatusCode::OK);
    let short =
        a.submit(&page, "/admin/retention", &[("version", "0"), ("age-every", "18"), ("basis-every", "Typo")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("25th birthday"), "{}", error_summary(&short.body));
    assert!(short.body.contains("value=\"18\""), "what was typed is kept");
    let page = a.get("/admin/retention").await;
    let saved = a
        .submit(
            &page,
            "/admin/retention",
            &[
                ("version", "0"),
                ("age-every", "30"),
                ("basis-every", "Council schedule 4.2"),
                ("age-child-adopted", "100"),
                ("basis-child-adopted", "IRMS toolkit"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", error_summary(&saved.body));
    // The same stale version again: someone else's save is not overwritten.
    let page = a.get("/admin/retention").await;
    let stale =
        a.submit(&page, "/admin/retention", &[("version", "0"), ("age-every", "40"), ("basis-every", "Stale")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("value=\"40\""), "what was typed is kept");
    // With everyone kept to 30, the family (youngest born 2009) is not due in 2035.
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let mut q = app.as_user(&qa).await;
    assert!(!q.get("/records").await.body.contains("Oakes"));
}
