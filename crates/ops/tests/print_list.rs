//! The print list (issue 14): a family member without an e-mail address invited to a
//! conference gets the invitation letter (tagged PDF, INV-01) on the authority's print list
//! instead, logged as sent by post (REP-04); printing writes it out once and marks it printed,
//! audited. Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

use confer_ops::documents::{self, PRINT_ACTOR};
use confer_ops::Ops;
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use confer_store::{audit, documents_sent};
use sqlx::Row;

#[tokio::test]
async fn a_parent_without_an_email_address_gets_the_invitation_letter_on_the_print_list_inv_01_rep_04() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.professional("p-school", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .with_adult(|a| a.communication.first_language = "Welsh".into())
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.invited_conference(&w).await;
    let ops = Ops::new(db.clone(), Clock::system());

    // Only the father, who has no address, is on the list: the mother and the school were e-mailed.
    let letters = documents::print_list(&ops, Some(&w.authority.id)).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    let l = &letters[0];
    assert_eq!(l.sent.recipient, "family-member:dad");
    assert_eq!(l.sent.kind, "invitation-letter");
    assert_eq!(l.sent.channel, "post");
    assert_eq!(l.sent.language, "cy", "his first language is Welsh");
    assert_eq!(l.sent.conference_id.as_deref(), Some(made.id.as_str()));
    assert_eq!(l.sent.print_state.as_deref(), Some("waiting"));
    assert!(l.bytes.starts_with(b"%PDF"), "a PDF");
    for name in ["Brook", "brook", "Dan", "Amy", "Mandy"] {
        assert!(!l.file_name.contains(name), "{name} in the file name {}", l.file_name);
    }
    assert!(l.file_name.starts_with("T01-") && l.file_name.ends_with("-invitation-letter-cy.pdf"), "{}", l.file_name);
    // Asking again makes no second letter.
    assert_eq!(documents::print_list(&ops, None).await.unwrap().len(), 1);

    // Printed once: it leaves the list, and the printing is audited.
    assert!(documents::mark_printed(&ops, &l.sent.id, PRINT_ACTOR).await.unwrap());
    assert!(!documents::mark_printed(&ops, &l.sent.id, PRINT_ACTOR).await.unwrap(), "not twice");
    assert!(documents::print_list(&ops, None).await.unwrap().is_empty());
    let logged = documents_sent::for_conference(&db, &made.id).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].print_state.as_deref(), Some("printed"));
    let actions: Vec<String> =
        sqlx::query("SELECT action FROM audit_event WHERE action LIKE 'document.%' ORDER BY seq")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("action").unwrap())
            .collect();
    assert_eq!(actions, vec!["document.sent", "document.printed"]);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn the_demo_authority_has_letters_waiting_on_its_print_list() {
    let db = testing::fresh_db().await;
    let options = confer_demo::DemoOptions {
        families: 200,
        ..confer_demo::DemoOptions::for_nation(confer_domain::Nation::England)
    };
    let demo = confer_demo::Demo::new(options, db.today());
    confer_store::demo::load(&db, &demo, |_| {}).await.unwrap();
    let ops = Ops::new(db.clone(), Clock::system());
    let letters = documents::print_list(&ops, Some(&demo.authority.id)).await.unwrap();
    assert!(!letters.is_empty(), "the demo has letters waiting");
    assert!(letters.len() <= 8, "a few: {}", letters.len());
    for l in &letters {
        assert_eq!((l.sent.kind.as_str(), l.sent.channel.as_str()), ("invitation-letter", "post"));
        assert!(l.bytes.starts_with(b"%PDF"));
        let adult = l.sent.recipient.strip_prefix("family-member:").unwrap();
        let row = sqlx::query("SELECT email, prefers_post FROM adult WHERE id = $1")
            .bind(adult)
            .fetch_one(db.pool())
            .await
            .unwrap();
        let email: Option<String> = row.try_get("email").unwrap();
        let prefers_post: i64 = row.try_get("prefers_post").unwrap();
        // The demo has a parent who asked for post (she has an e-mail address too).
        assert!(
            email.is_none() || prefers_post == 1,
            "only people without an address, or who asked for post, get letters"
        );
    }
}

#[tokio::test]
async fn a_parent_who_asked_for_post_gets_the_invitation_letter_though_she_has_an_email_address() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let f = w
        .family("post")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.post@family.example".into()))
        .create()
        .await;
    let record = confer_store::families::family_record(&db, "post").await.unwrap();
    let actor = confer_domain::UserId("sw".into());
    // A stale version changes nothing.
    assert!(matches!(
        confer_store::families::set_prefers_post(&db, "post", "mum", record.version - 1, true, &actor).await,
        Err(confer_store::families::ChangeError::Conflict { .. })
    ));
    confer_store::families::set_prefers_post(&db, "post", "mum", record.version, true, &actor).await.unwrap();
    assert_eq!(confer_store::families::prefers_post(&db, "post").await.unwrap().get("mum"), Some(&true));
    f.invited_conference(&w).await;
    let mailed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'mandy.post@family.example'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mailed, 0, "no e-mail to someone who asked for post");
    let ops = Ops::new(db.clone(), Clock::system());
    let letters = documents::print_list(&ops, Some(&w.authority.id)).await.unwrap();
    assert_eq!(letters.iter().filter(|l| l.sent.recipient == "family-member:mum").count(), 1, "{letters:?}");
    let changes: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_event WHERE action = 'adult.prefers-post'")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

/// Issue 14: a conference letter still waiting on the print list when its conference moves is
/// withdrawn (never printed with the old day) and replaced by one with the new day; one still
/// waiting when it is cancelled is withdrawn and the cancellation letter replaces it. A letter
/// printed already stays printed. Audited in the change's transaction (INV-01, REP-04).
#[tokio::test]
async fn a_conference_letter_still_waiting_is_withdrawn_when_the_conference_moves_or_is_cancelled_inv_01_rep_04() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.professional("p-school", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.invited_conference(&w).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let waiting = |ops: Ops| async move { documents::print_list(&ops, None).await.unwrap() };

    // The invitation is made into a letter and waits to be printed.
    let first = waiting(ops.clone()).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].sent.kind, "invitation-letter");
    // The conference moves: that letter is withdrawn, and the one waiting is for the new day.
    let made = testing::reschedule(&w, made, "2026-11-17").await;
    let now = waiting(ops.clone()).await;
    assert_eq!(now.len(), 1, "one letter waits, not two");
    assert_ne!(now[0].sent.id, first[0].sent.id, "the letter with the old day is not the one printed");
    assert_eq!(now[0].sent.kind, "invitation-letter");
    let logged = documents_sent::for_conference(&db, &made.id).await.unwrap();
    let old = logged.iter().find(|s| s.id == first[0].sent.id).unwrap();
    assert_eq!(old.print_state.as_deref(), Some("withdrawn"));

    // Moved again before its letter was even made: the request is withdrawn, not made.
    let made = testing::reschedule(&w, made, "2026-11-18").await;
    let made = testing::reschedule(&w, made, "2026-11-19").await;
    assert_eq!(documents_sent::withdrawn_requests(&db, &made.id).await.unwrap().len(), 1, "the 18th's request");
    let now = waiting(ops.clone()).await;
    assert_eq!(now.len(), 1, "{now:?}");
    // Printed: it stays printed when the conference is cancelled; the cancellation follows.
    assert!(documents::mark_printed(&ops, &now[0].sent.id, PRINT_ACTOR).await.unwrap());
    let printed = now[0].sent.id.clone();
    let made = testing::cancel(&w, made).await;
    let now = waiting(ops.clone()).await;
    assert_eq!(now.iter().map(|l| l.sent.kind.as_str()).collect::<Vec<_>>(), ["cancellation-letter"]);
    let logged = documents_sent::for_conference(&db, &made.id).await.unwrap();
    assert_eq!(logged.iter().find(|s| s.id == printed).unwrap().print_state.as_deref(), Some("printed"));
    let withdrawn: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'document.withdrawn'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(withdrawn, 3, "two letters made and one request, each audited");
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}
