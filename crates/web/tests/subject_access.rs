//! Subject access requests through the pages (RIGHT-01): records staff log a request received
//! by letter (a mistake comes back with the GOV.UK error summary and what was typed), verify
//! identity, gather, decide each proposed redaction and produce the bundle (refused while one
//! is undecided); the requester asks and downloads in the portal, in English or Welsh; the
//! bundle is theirs alone; the list names the family once as a list read. SQLite, and
//! PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::portal::PortalPerson;
use confer_domain::{Role, UserId};

use confer_store::testing::PersonBuilder;
use confer_store::users::AccountKind;
use reqwest::StatusCode;

async fn portal_user(app: &App, username: &str, family: &str, person: PortalPerson, role: Role) -> String {
    let (id, _) = PersonBuilder::new(&app.db, &app.authority.id, username)
        .kind(AccountKind::Portal)
        .roles(&[role])
        .create()
        .await;
    let mut tx = app.db.begin().await.unwrap();
    confer_store::portal::link_in(&mut tx, &app.authority.id, &UserId(id.clone()), family, &person, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn first_undecided(body: &str) -> Option<String> {
    body.split("name=\"step\" value=\"decide\"><input type=\"hidden\" name=\"number\" value=\"")
        .nth(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
}

#[tokio::test]
async fn right_01_staff_log_verify_gather_review_and_produce_and_only_the_requester_downloads_it() {
    let (app, _clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    w.professional("p-police", None).await;
    let f = w
        .family("fam-s")
        .named("Sparrow family")
        .surname("Sparrow")
        .child("s1", "Sky", "2010-02-02")
        .child("s2", "Sol", "2014-02-02")
        .mother("sm", "Sara")
        .professionals(&["p-police"])
        .create()
        .await;
    f.distributed_record_conference(w).await;
    w.family("fam-o")
        .named("Owl family")
        .surname("Owl")
        .child("o1", "Oz", "2012-01-01")
        .mother("om", "Ola")
        .create()
        .await;
    let sky = portal_user(&app, "sky.portal", "fam-s", PortalPerson::Child("s1".into()), Role::YoungPerson).await;
    let sara = portal_user(&app, "sara.portal", "fam-s", PortalPerson::Adult("sm".into()), Role::Parent).await;
    let ola = portal_user(&app, "ola.portal", "fam-o", PortalPerson::Adult("om".into()), Role::Parent).await;

    let mut q = app.as_user(&qa).await;
    let family = q.get("/families/fam-s").await;
    assert!(family.body.contains("/families/fam-s/subject-access"), "the family page links to logging a request");
    let form = q.get("/families/fam-s/subject-access").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Sky Sparrow") && form.body.contains("Sara Sparrow"));
    // A mistake: no person, a date that does not exist. Said in the summary, typed text kept.
    let bad = q
        .submit(
            &form,
            "/families/fam-s/subject-access",
            &[("received_on", "31/02/2026"), ("how", "letter"), ("details", "Everything about me please")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("govuk-error-summary"), "{}", error_summary(&bad.body));
    assert!(bad.body.contains("Choose the person who asked"), "{}", error_summary(&bad.body));
    assert!(bad.body.contains("Everything about me please"));
    let logged = q
        .submit(
            &form,
            "/families/fam-s/subject-access",
            &[("person", "child:s1"), ("received_on", "03/11/2026"), ("how", "letter")],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", error_summary(&logged.body));
    let path = logged.location.unwrap().split('?').next().unwrap().to_owned();
    let id = path.trim_start_matches("/subject-access/").to_owned();
    let steps = format!("{path}/steps");
    let page = q.get(&path).await;
    assert!(page.body.contains("3 December 2026"), "one calendar month");

    // The gather needs the identity first; production needs every redaction decided.
    let r = refused(&mut q, &path, &steps, &[("step", "gather")]).await;
    assert!(r.body.contains("this step is for a request that is Identity verified"), "{}", error_summary(&r.body));
    let r = refused(&mut q, &path, &steps, &[("step", "identity"), ("identity_note", "Passport")]).await;
    assert!(r.body.contains("Choose how the identity was checked"));
    assert!(r.body.contains("value=\"Passport\""), "what was typed is kept");
    step(
        &mut q,
        &path,
        &steps,
        &[("step", "identity"), ("identity_how", "document"), ("identity_note", "Passport seen")],
    )
    .await;
    step(&mut q, &path, &steps, &[("step", "extend"), ("extension_reason", "Many records to review")]).await;
    step(&mut q, &path, &steps, &[("step", "gather")]).await;
    let review = q.get(&path).await;
    assert!(
        review.body.contains("the words \"Sol\"")
            || review.body.contains("the words &#34;Sol&#34;")
            || review.body.contains("the words &quot;Sol&quot;"),
        "the sibling's name is proposed"
    );
    assert!(review.body.contains("sister"), "with the reason the requester reads");
    let r = refused(&mut q, &path, &steps, &[("step", "produce")]).await;
    assert!(r.body.contains("not decided yet"), "{}", error_summary(&r.body));
    let mut decided = 0;
    while let Some(n) = first_undecided(&q.get(&path).await.body) {
        let page = q.get(&path).await;
        if !page.body.contains("To decide") {
            break;
        }
        step(&mut q, &path, &steps, &[("step", "decide"), ("number", &n), ("decision", "approve")]).await;
        decided += 1;
        let after = q.get(&path).await;
        if after.body.matches("To decide").count() == 0 {
            break;
        }
        assert!(decided < 100);
    }
    assert!(decided > 0);
    step(&mut q, &path, &steps, &[("step", "produce")]).await;
    let done = q.get(&path).await;
    assert!(done.body.contains("Answered"), "{}", done.body);
    let list = q.get("/subject-access").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Sky Sparrow") && list.body.contains("Sparrow family"));
    // The list is logged once as a list read naming the family.
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'list.read' AND entity_id = 'subject-access' AND after_json LIKE '%fam-s%'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(events >= 1, "list read logged");

    // The requester downloads it; their mother and another family's parent cannot.
    let download = format!("/portal/families/fam-s/records-requests/{id}/download");
    let mut s = app.as_user(&sky).await;
    let home = s.get("/portal").await;
    assert!(home.body.contains("/portal/families/fam-s/records-requests"), "the portal links to asking");
    let mine = s.get("/portal/families/fam-s/records-requests").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Download your records"), "{}", mine.body);
    let pdf = s.get(&download).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF"));
    let cy = s.get("/portal/families/fam-s/records-requests?lang=cy").await;
    assert!(cy.body.contains("Gofyn am eich cofnodion") && cy.body.contains("lang=\"cy\""));
    let mut m = app.as_user(&sara).await;
    assert_eq!(m.get(&download).await.status, StatusCode::NOT_FOUND);
    let theirs = m.get("/portal/families/fam-s/records-requests").await;
    assert!(!theirs.body.contains("Download your records"), "Sky's answer is not listed for Sara");
    let mut o = app.as_user(&ola).await;
    assert_eq!(o.get(&download).await.status, StatusCode::NOT_FOUND);
    assert_eq!(o.get("/portal/families/fam-s/records-requests").await.status, StatusCode::NOT_FOUND);

    // Sara asks for her own records in the portal, in Welsh; records staff see it.
    let ask = m.get("/portal/families/fam-s/records-requests?lang=cy").await;
    let sent =
        m.submit(&ask, "/portal/families/fam-s/records-requests", &[("lang", "cy"), ("details", "Popeth")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", error_summary(&sent.body));
    let back = m.get(sent.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Mae eich cais wedi") && back.body.contains("3 Rhagfyr 2026"), "{}", back.body);
    let list = q.get("/subject-access").await;
    assert!(list.body.contains("Sara Sparrow"));

    // Staff with no part in records work: refused.
    let (sw, _) = staff(&app, "sw.other", &[Role::SocialWorker], None).await;
    let mut sw = app.as_user(&sw).await;
    assert_eq!(sw.get("/subject-access").await.status, StatusCode::FORBIDDEN);
    assert_eq!(sw.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(sw.get("/families/fam-s/subject-access").await.status, StatusCode::NOT_FOUND);
}
