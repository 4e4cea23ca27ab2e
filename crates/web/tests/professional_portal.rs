//! Issue 14, the professional portal: a partner professional's home lists the conferences they
//! are invited to, with their answer, their report against the day it is due to the chair and
//! the outcome (ROLE-04, REP-02, DEC-05); nothing of a conference they are not invited to.
//! Runs on SQLite and PostgreSQL (`CONFER_TEST_DATABASE`).

mod common;

use common::*;
use confer_domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn a_partner_professional_sees_their_invitations_answer_and_report_on_their_home_role_04_rep_02() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (teacher, _) = staff(&app, "teacher", &[Role::Professional], None).await;
    let (nurse, _) = staff(&app, "nurse", &[Role::Professional], None).await;
    w.professional("p-school", Some(&teacher)).await;
    w.professional("p-hv", Some(&nurse)).await;
    let f = w
        .family("fam-p")
        .named("Pemberton")
        .worker(&sw)
        .child("pc", "Poppy", "2016-04-04")
        .mother("pm", "Pat")
        .professionals(&["p-school"])
        .create()
        .await;
    // Another family's conference, to which only the nurse is invited.
    let g = w
        .family("fam-q")
        .named("Quarry")
        .worker(&sw)
        .child("qc", "Quentin", "2015-05-05")
        .mother("qm", "Queenie")
        .professionals(&["p-hv"])
        .create()
        .await;
    let conf = f.invited_conference(w).await;
    g.requested_conference_with(w, "conf-q", g.initial_request(w)).await;
    clock.set(at("2026-11-10 09:00"));

    let mut t = app.as_user(&teacher).await;
    let home = t.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Conferences you are invited to"), "{}", home.body);
    assert!(home.body.contains("Your conferences and plans"), "{}", home.body);
    assert!(home.body.contains("Initial child protection conference: Pemberton"), "{}", home.body);
    assert!(home.body.contains("20 November 2026 at 10:00"), "{}", home.body);
    assert!(home.body.contains("Not answered yet"));
    // REP-02: three working days before Friday 20 November.
    assert!(home.body.contains("Due to the chair by 17 November 2026"), "{}", home.body);
    assert!(home.body.contains(&format!("href=\"/conferences/{}/reports\"", conf.id)));
    assert!(home.body.contains(&format!("href=\"/conferences/{}/invitations\"", conf.id)));
    assert!(!home.body.contains("Quarry"), "not another family's conference");
    // The list names the family: one list read, naming it.
    let reads: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'list.read' AND actor = $1 AND entity_id = 'conferences.invited'",
    )
    .bind(&teacher)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(reads.len(), 1);
    assert!(reads[0].contains("fam-p") && !reads[0].contains("fam-q"), "{}", reads[0]);
    // LANG-04: the same home in Welsh, dates and all.
    let cy = t.get("/portal?lang=cy").await;
    assert_eq!(cy.status, StatusCode::OK);
    assert!(cy.body.contains("<html lang=\"cy\""), "{}", &cy.body[..200]);
    assert!(
        cy.body.contains("Eich cynadleddau a&#39;ch cynlluniau")
            || cy.body.contains("Eich cynadleddau a'ch cynlluniau")
    );
    assert!(cy.body.contains("Cynadleddau rydych wedi eich gwahodd iddynt"), "{}", cy.body);
    assert!(cy.body.contains("Cynhadledd amddiffyn plant gychwynnol: Pemberton"));
    assert!(cy.body.contains("20 Tachwedd 2026 am 10:00"), "{}", cy.body);
    assert!(cy.body.contains("Heb ateb eto"));
    assert!(cy.body.contains("erbyn 17 Tachwedd 2026"), "{}", cy.body);

    // From the link, the teacher answers and sends a report: the home shows both.
    let reports = format!("/conferences/{}/reports", conf.id);
    let page = t.get(&reports).await;
    assert_eq!(page.status, StatusCode::OK);
    let sent = t
        .submit(
            &page,
            &reports,
            &[
                ("version", &version(&page)),
                ("author", "p-school"),
                ("heading_1", "Attendance"),
                ("text_1", "Poppy attends every day."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", error_summary(&sent.body));
    let invitations = format!("/conferences/{}/invitations", conf.id);
    let page = t.get(&invitations).await;
    // The answer form offers the teacher only his own invitation.
    let n = page.body.split("name=\"invitation\"").nth(1).and_then(|rest| {
        rest.split("<option value=\"").skip(1).map(|o| o.split('"').next().unwrap().to_owned()).find(|v| !v.is_empty())
    });
    let n = n.unwrap_or_else(|| panic!("an answer form for the teacher's invitation: {}", page.body));
    let answered = t
        .submit(
            &page,
            &format!("/conferences/{}/answers", conf.id),
            &[("version", &version(&page)), ("invitation", &n), ("answer", "remote")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", error_summary(&answered.body));
    let home = t.get("/portal").await;
    assert!(home.body.contains("Joining by video or phone"), "{}", home.body);
    assert!(home.body.contains("Sent on 10 November 2026"), "{}", home.body);
    assert!(home.body.contains("Not sent to you yet"), "the outcome is not decided");

    // The nurse is invited to nothing of the Pembertons' (the other conference is only
    // requested: no invitation yet): her home lists no conference and opening the teacher's
    // conference is refused as if it did not exist.
    let mut n = app.as_user(&nurse).await;
    let home = n.get("/portal").await;
    assert!(home.body.contains("You are not invited to any conference."), "{}", home.body);
    assert!(!home.body.contains("Pemberton"));
    assert_eq!(n.get(&format!("/conferences/{}", conf.id)).await.status, StatusCode::NOT_FOUND);
    // Overdue: the day after the due day with no report from the nurse is her own matter; the
    // teacher's report stays "sent".
    clock.set(at("2026-11-18 09:00"));
    let home = t.get("/portal").await;
    assert!(home.body.contains("Sent on 10 November 2026") && !home.body.contains("Overdue"), "{}", home.body);
}

/// The fewest statements of four loads of a page (after a first).
async fn cost(b: &mut Browser, path: &str) -> u64 {
    b.get(path).await;
    let mut fewest = u64::MAX;
    for _ in 0..4 {
        let before = statements();
        assert_eq!(b.get(path).await.status, StatusCode::OK);
        fewest = fewest.min(statements() - before);
    }
    fewest
}

/// Issue 12 for issue 14's page: the professional's home reads their conferences with their
/// documents in one query, so it costs the same with one invitation as with three.
#[tokio::test]
async fn a_partner_professionals_home_costs_the_same_with_more_invitations() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let mut costs = Vec::new();
    for n in [1, 3] {
        let (app, _clock) = start_at("2026-11-03 09:00").await;
        let w = &app.world;
        let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
        let (teacher, _) = staff(&app, "teacher", &[Role::Professional], None).await;
        w.professional("p-school", Some(&teacher)).await;
        for i in 0..n {
            let f = w
                .family(&format!("fam-{i}"))
                .worker(&sw)
                .case_id(&format!("case-{i}"))
                .child(&format!("child-{i}"), "Poppy", "2016-04-04")
                .mother(&format!("mum-{i}"), "Pat")
                .professionals(&["p-school"])
                .create()
                .await;
            f.invited_conference_with_id(w, &format!("conf-{i}")).await;
        }
        let mut t = app.as_user(&teacher).await;
        let home = t.get("/portal").await;
        assert_eq!(home.body.matches("Send your report").count(), n, "{}", home.body);
        costs.push(cost(&mut t, "/portal").await);
    }
    assert_eq!(costs[0], costs[1], "statements with 1 and 3 conferences: {costs:?}");
    // The list pages' budget (page_queries.rs): enough for what it shows, never one per row.
    assert!(costs[0] <= 16, "the professional's home costs {} statements (budget 16)", costs[0]);
}
