//! Complaints through the pages (RIGHT-02): a parent makes a complaint in the portal (a
//! mistake comes back with the GOV.UK error summary and what was typed, in English or Welsh)
//! and follows it under "My complaints"; a coordinator logs one for a family member from the
//! family's page; the complaints officer assigns, acknowledges and answers with an outcome, a
//! second officer answering from the same version is told and loses nothing; the parent sees
//! the answer and asks for the next stage; the outcome shows on the family's page and the
//! conference's page; the list filters, puts the overdue first and is a logged list read;
//! another family's parent, an unrelated professional and another authority see nothing; the
//! due-and-overdue list shows complaints and access requests near their deadline. SQLite, and
//! PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::portal::PortalPerson;
use confer_domain::{Nation, Role, UserId};
use confer_store::testing::{PersonBuilder, World};
use confer_store::users::AccountKind;
use reqwest::StatusCode;

async fn portal_parent(app: &App, username: &str, family: &str, adult: &str) -> String {
    let (id, _) = PersonBuilder::new(&app.db, &app.authority.id, username)
        .kind(AccountKind::Portal)
        .roles(&[Role::Parent])
        .create()
        .await;
    let mut tx = app.db.begin().await.unwrap();
    let person = PortalPerson::Adult(adult.into());
    confer_store::portal::link_in(&mut tx, &app.authority.id, &UserId(id.clone()), family, &person, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn version_of(body: &str) -> String {
    body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn right_02_a_parent_complains_in_the_portal_the_officer_answers_and_the_parent_escalates() {
    let (app, _clock) = start_at("2026-11-02 09:00").await;
    let w = &app.world;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let (qa2, _) = staff(&app, "qa2", &[Role::QualityAssurance], None).await;
    let f = w
        .family("fam-k")
        .named("Kestrel family")
        .surname("Kestrel")
        .child("k1", "Kit", "2015-02-02")
        .mother("km", "Kira")
        .create()
        .await;
    let conf = f.distributed_record_conference(w).await;
    w.family("fam-o")
        .named("Owl family")
        .surname("Owl")
        .child("o1", "Oz", "2012-01-01")
        .mother("om", "Ola")
        .create()
        .await;
    let kira = portal_parent(&app, "kira.portal", "fam-k", "km").await;
    let ola = portal_parent(&app, "ola.portal", "fam-o", "om").await;

    // The portal home offers it; the form, in English.
    let mut k = app.as_user(&kira).await;
    let home = k.get("/portal").await;
    assert!(home.body.contains("/portal/complaints/new") && home.body.contains("/portal/complaints?"), "home links");
    let form = k.get("/portal/complaints/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&conf.id), "the family's conference is offered");
    // A mistake: about a decision but no conference. Said in the summary, the words kept.
    let bad = k
        .submit(
            &form,
            "/portal/complaints/new",
            &[("lang", "en"), ("about", "decision"), ("details", "I was not heard before the decision.")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("govuk-error-summary") && bad.body.contains("Choose the conference"),
        "{}",
        error_summary(&bad.body)
    );
    assert!(bad.body.contains("I was not heard before the decision."));
    // The same in Welsh: the error in Welsh.
    let cy = k.get("/portal/complaints/new?lang=cy").await;
    assert!(cy.body.contains("Gwneud cwyn") && cy.body.contains("lang=\"cy\""));
    let bad = k.submit(&cy, "/portal/complaints/new", &[("lang", "cy"), ("details", "Dim")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Mae problem wedi codi") && bad.body.contains("Dewiswch am beth mae eich cwyn"));
    let sent = k
        .submit(
            &form,
            "/portal/complaints/new",
            &[
                ("lang", "en"),
                ("about", "decision"),
                ("conference_id", &conf.id),
                ("details", "I was not heard before the decision."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", error_summary(&sent.body));
    let mine = k.get(sent.location.as_deref().unwrap()).await;
    assert!(mine.body.contains("Your complaint has been sent"), "{}", mine.body);
    // Stage 1 in England: 10 working days from Monday 2 November.
    assert!(mine.body.contains("16 November 2026") && mine.body.contains("Received"), "{}", mine.body);
    let mine_cy = k.get("/portal/complaints?lang=cy").await;
    assert!(mine_cy.body.contains("Fy nghwynion") && mine_cy.body.contains("16 Tachwedd 2026"), "{}", mine_cy.body);

    // Another family's parent sees none of it.
    let mut o = app.as_user(&ola).await;
    let theirs = o.get("/portal/complaints").await;
    assert!(theirs.body.contains("You have not made a complaint"));

    // The officer's list: the complaint, logged as a list read.
    let mut q = app.as_user(&qa).await;
    let list = q.get("/complaints").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Kestrel family") && list.body.contains("decision"), "{}", list.body);
    let id = list.body.split("href=\"/complaints/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let closed = q.get("/complaints?status=closed").await;
    assert!(closed.body.contains("No complaints match"));
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'list.read' AND entity_id = 'complaints' AND after_json LIKE '%fam-k%'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(events >= 1, "the list is logged as a list read");

    let path = format!("/complaints/{id}");
    let steps = format!("{path}/steps");
    let page = q.get(&path).await;
    assert!(page.body.contains("Kira Kestrel") && page.body.contains("I was not heard"), "{}", page.body);
    // Answering needs an officer first: the answer form is not offered; assigning is.
    assert!(!page.body.contains("value=\"answer\""));
    let v = version_of(&page.body);
    let assigned = q.submit(&page, &steps, &[("version", &v), ("step", "assign"), ("officer", &qa)]).await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", error_summary(&assigned.body));
    let page = q.get(&path).await;
    let v = version_of(&page.body);
    // A second officer opens it at the same version.
    let mut q2 = app.as_user(&qa2).await;
    let page2 = q2.get(&path).await;
    assert_eq!(version_of(&page2.body), v);
    // No outcome chosen: the error summary, the response kept.
    let bad = q
        .submit(&page, &steps, &[("version", &v), ("step", "answer"), ("response", "You should have been heard.")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose the outcome") && bad.body.contains("You should have been heard."));
    let answered = q
        .submit(
            &page,
            &steps,
            &[
                ("version", &v),
                ("step", "answer"),
                ("finding", "partly-upheld"),
                ("response", "You should have been heard."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", error_summary(&answered.body));
    // A second officer answering from the same (old) version is told; what they typed is kept.
    let stale = q2
        .submit(
            &page2,
            &steps,
            &[("version", &v), ("step", "answer"), ("finding", "not-upheld"), ("response", "Nothing went wrong.")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else changed this complaint") && stale.body.contains("Nothing went wrong."));
    let page = q.get(&path).await;
    assert!(page.body.contains("Partly upheld") && !page.body.contains("Not upheld: "), "the first answer stands");

    // The outcome where it belongs: the family's page and the conference's page.
    let (coord, _) = staff(&app, "coord.k", &[Role::Coordinator], None).await;
    let mut c = app.as_user(&coord).await;
    let family = c.get("/families/fam-k").await;
    assert!(family.body.contains("Stage 1: Partly upheld"), "{}", family.body);
    let conference = c.get(&format!("/conferences/{}", conf.id)).await;
    assert!(conference.body.contains("Partly upheld"), "the conference's page shows the outcome");

    // The parent reads the answer and asks for stage 2; a blank reason is refused in her words.
    let mine = k.get("/portal/complaints").await;
    assert!(mine.body.contains("You should have been heard.") && mine.body.contains("Ask for the next stage"));
    let v = version_of(&mine.body);
    let blank = k.submit(&mine, &format!("/portal/complaints/{id}/escalate"), &[("version", &v), ("lang", "en")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Tell us why you are unhappy"));
    // Ola cannot escalate Kira's complaint.
    let ola_page = o.get("/portal/complaints").await;
    let refused = o
        .submit(&ola_page, &format!("/portal/complaints/{id}/escalate"), &[("version", &v), ("reason", "Me too")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let escalated = k
        .submit(
            &mine,
            &format!("/portal/complaints/{id}/escalate"),
            &[("version", &v), ("lang", "en"), ("reason", "I want someone else to look at it.")],
        )
        .await;
    assert_eq!(escalated.status, StatusCode::SEE_OTHER, "{}", error_summary(&escalated.body));
    let page = q.get(&path).await;
    assert!(page.body.contains("Complaint: stage 2") && page.body.contains("I want someone else to look at it."));

    // Staff with no part in complaints, and another authority, are refused.
    let (sw, _) = staff(&app, "sw.other", &[Role::SocialWorker], None).await;
    let mut sw = app.as_user(&sw).await;
    assert_eq!(sw.get("/complaints").await.status, StatusCode::FORBIDDEN);
    assert_eq!(sw.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(sw.get("/families/fam-k/complaints/new").await.status, StatusCode::NOT_FOUND);
    let other = World::with_authority(&app.db, "T02", "Otherton Council", Nation::England).await;
    let (qa_b, _) = staff_in(&app, &other.authority, "qa.b", &[Role::QualityAssurance], None).await;
    let mut b = app.as_user(&qa_b).await;
    assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND);
    assert!(!b.get("/complaints").await.body.contains("Kestrel"));
}

#[tokio::test]
async fn right_02_staff_log_a_complaint_for_a_family_member_and_the_list_puts_the_overdue_first() {
    let (app, clock) = start_at("2026-11-02 09:00").await;
    let w = &app.world;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    w.family("fam-a")
        .named("Avocet family")
        .surname("Avocet")
        .child("a1", "Ada", "2015-01-01")
        .mother("am", "Alma")
        .create()
        .await;
    w.family("fam-b")
        .named("Bittern family")
        .surname("Bittern")
        .child("b1", "Bo", "2015-01-01")
        .mother("bm", "Bea")
        .create()
        .await;
    let mut c = app.as_user(&coord).await;
    let family = c.get("/families/fam-a").await;
    assert!(family.body.contains("/families/fam-a/complaints/new"), "the family page links to logging one");
    let form = c.get("/families/fam-a/complaints/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Alma Avocet"));
    // Nothing chosen: every field said, the text kept.
    let bad = c.submit(&form, "/families/fam-a/complaints/new", &[("details", "Visits keep being cancelled.")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Choose the family member who is complaining")
            && bad.body.contains("Choose what the complaint is about")
    );
    assert!(bad.body.contains("Visits keep being cancelled."));
    let logged = c
        .submit(
            &form,
            "/families/fam-a/complaints/new",
            &[("adult_id", "am"), ("about", "case"), ("details", "Visits keep being cancelled.")],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", error_summary(&logged.body));
    let first = logged.location.unwrap();
    assert!(first.starts_with("/complaints/"), "{first}");
    let page = c.get(&first).await;
    assert!(page.body.contains("Logged by") && page.body.contains("16 November 2026"), "{}", page.body);

    // A week later the second family complains; on 17 November the first is overdue: listed first.
    clock.set(at("2026-11-09 09:00"));
    let form = c.get("/families/fam-b/complaints/new").await;
    let logged = c
        .submit(
            &form,
            "/families/fam-b/complaints/new",
            &[("adult_id", "bm"), ("about", "case"), ("details", "No reply.")],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", error_summary(&logged.body));
    clock.set(at("2026-11-17 09:00"));
    let list = c.get("/complaints").await;
    let a = list.body.find("Avocet family").unwrap();
    let b = list.body.find("Bittern family").unwrap();
    assert!(a < b, "the overdue one first");
    assert!(list.body.contains("Overdue"));
    let stage2 = c.get("/complaints?stage=2").await;
    assert!(stage2.body.contains("No complaints match"));

    // The due-and-overdue list shows both, for the people who handle complaints.
    let due = c.get("/deadlines").await;
    assert!(due.body.contains("Complaints and access requests"), "{}", due.body);
    assert!(due.body.contains("Avocet family") && due.body.contains("Bittern family"));
    assert!(due.body.contains("Complaint, stage 1"));
}
