//! Issue 15: the letters and e-mails of an authority say its nation's own words. A Scottish
//! council's invitation letter (a tagged PDF on the print list, INV-01) and e-mail invite to a
//! child protection planning meeting; a Northern Irish Trust's to a child protection case
//! conference; neither says "child protection conference". England's letter is unchanged.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

use confer_docs::testing::{pdf_text, title_of};
use confer_domain::Nation;
use confer_ops::documents;
use confer_ops::Ops;
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use sqlx::Row;

/// A family in an authority of the nation, invited to an initial conference: the father (no
/// e-mail address) gets the letter on the print list, the mother an e-mail. Returns the
/// letter's text and title, and the mother's e-mails (subject, body).
async fn invited(nation: Nation) -> (String, String, Vec<(String, String)>) {
    let db = testing::fresh_db().await;
    let w = World::in_nation(&db, nation).await;
    w.professional("p-school", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .professionals(&["p-school"])
        .create()
        .await;
    f.invited_conference(&w).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let letters = documents::print_list(&ops, Some(&w.authority.id)).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].sent.kind, "invitation-letter");
    let (text, doc) = pdf_text(&letters[0].bytes);
    let title = title_of(&doc).expect("the PDF has a title");
    let mails = sqlx::query("SELECT subject, body FROM outbox WHERE recipient = $1")
        .bind("mandy.brook@family.example")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get::<String, _>("subject").unwrap(), r.try_get::<String, _>("body").unwrap()))
        .collect();
    (text, title, mails)
}

#[tokio::test]
async fn a_scottish_councils_letter_and_email_invite_to_a_child_protection_planning_meeting_inv_01() {
    let (text, title, mails) = invited(Nation::Scotland).await;
    assert_eq!(title, "Invitation to a child protection planning meeting");
    assert!(text.contains("You are invited to a child protection planning meeting about your family"), "{text}");
    assert!(text.contains("What happens at the meeting"), "{text}");
    assert!(!text.to_lowercase().contains("child protection conference"), "{text}");
    assert!(!text.contains("conference"), "no conference in a Scottish letter: {text}");
    assert!(!mails.is_empty(), "the mother is e-mailed");
    for (subject, body) in &mails {
        assert!(subject.contains("child protection planning meeting"), "{subject}");
        assert!(!body.contains("child protection conference"), "{body}");
    }
}

#[tokio::test]
async fn a_northern_irish_trusts_letter_and_email_invite_to_a_child_protection_case_conference_inv_01() {
    let (text, title, mails) = invited(Nation::NorthernIreland).await;
    assert_eq!(title, "Invitation to a child protection case conference");
    assert!(text.contains("What happens at the case conference"), "{text}");
    assert!(!text.contains("child protection conference"), "{text}");
    assert!(!text.contains("case case"), "{text}");
    assert!(!mails.is_empty(), "the mother is e-mailed");
    for (subject, body) in &mails {
        assert!(subject.contains("child protection case conference"), "{subject}");
        assert!(!body.contains("child protection conference") && !body.contains("case case"), "{body}");
    }
}

#[tokio::test]
async fn an_english_letter_keeps_englands_words_inv_01() {
    let (text, title, _) = invited(Nation::England).await;
    assert_eq!(title, "Invitation to a child protection conference");
    assert!(text.contains("What happens at the conference"), "{text}");
}
