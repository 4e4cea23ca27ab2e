//! Feedback after a conference (QA-01): when the outcome is sent, the parent and every invited
//! professional are asked, each with an e-mail carrying their own link; the link opens a short
//! form without signing in, only for that conference and that person, once, until the window
//! closes; an anonymous answer is kept with no link to the person; a parent answers from the
//! portal too (English and Welsh); people never asked, other families, unrelated professionals,
//! other authorities and the signed-out are refused; quality assurance reads the figures
//! (checked against a known set), the comments (logged as a read) and a CSV. SQLite, and
//! PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::feedback::Invited;
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, ChildId, Role};
use confer_store::testing::ConferenceMade;
use reqwest::StatusCode;
use sqlx::Row;

/// The Feather family (mother Mabel, with an address; child Fern, 14) and the school, with a
/// conference held on Friday 20 November 2026 whose outcome is sent that afternoon.
async fn asked(app: &App, clock: &confer_web::clock::Clock) -> ConferenceMade {
    let w = &app.world;
    w.professional("p-school", None).await;
    let f = w
        .family("fam-f")
        .surname("Feather")
        .child("fern", "Fern", "2012-03-03")
        .mother("mabel", "Mabel")
        .with_adult(|a| a.email = Some("mabel.feather@example.org".into()))
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.closed_conference(w).await;
    clock.set(at("2026-11-20 15:00"));
    f.send_outcome(w, made).await
}

/// The link in the e-mail to this address, as the mail delivery sends it (without confer's address).
async fn link_for(app: &App, email: &str) -> String {
    let row = sqlx::query("SELECT body, secret FROM outbox WHERE recipient = $1 AND body LIKE '%/feedback/%'")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<i64, _>("secret").unwrap(), 2, "the message is marked as carrying a secret");
    let body: String = row.try_get("body").unwrap();
    let start = body.find(confer_store::feedback::LINK_BASE).expect("a link") + confer_store::feedback::LINK_BASE.len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

fn csrf_of(body: &str) -> String {
    body.split("name=\"csrf_token\" value=\"").nth(1).expect("a CSRF token").split('"').next().unwrap().to_owned()
}

fn family_answers(anonymous: bool) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("q-understood-why", "yes"),
        ("q-listened-to", "partly"),
        ("q-reports-in-time", "no"),
        ("q-supporter", "yes"),
        ("rating", "4"),
        ("comment", "FEATHER-COMMENT the chair explained things well"),
    ];
    if anonymous {
        f.push(("anonymous", "yes"));
    }
    f
}

#[tokio::test]
async fn qa_01_outcome_sent_asks_the_parent_and_professionals_and_the_emailed_link_works_once_for_that_conference() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let conf = asked(&app, &clock).await;
    // QA-01: everyone invited is asked, once, when the outcome is first sent.
    let invitations = confer_store::feedback::of_conference(&app.db, &conf.id).await.unwrap();
    let who: Vec<&Invited> = invitations.iter().map(|(w, _)| w).collect();
    assert_eq!(who.len(), 2, "{who:?}");
    assert!(who.contains(&&Invited::FamilyMember(AdultId("mabel".into()))));
    assert!(who.iter().any(|w| matches!(w, Invited::Professional(p) if p.as_str() == "p-school")));
    let events =
        confer_store::audit::for_entity(&app.db, app.authority.id.as_str(), "conference", &conf.id, 200).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "feedback.invite").count(), 2);

    // The e-mail names no one and carries the link; the link names no one either.
    let body: String = sqlx::query("SELECT body FROM outbox WHERE recipient = 'mabel.feather@example.org'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("body")
        .unwrap();
    assert!(!body.contains("Feather") && !body.contains("Fern") && !body.contains("Mabel"), "{body}");
    let link = link_for(&app, "mabel.feather@example.org").await;
    assert!(link.starts_with(&format!("/feedback/{}/", conf.id)), "{link}");
    let school_link = link_for(&app, "p-school@example.org").await;

    // Another family's conference: the token does not open it.
    let other =
        app.world.family("fam-o").surname("Other").child("oz", "Oz", "2015-01-01").mother("om", "Olive").create().await;
    let other_conf = other.requested_conference_with(&app.world, "conf-other", other.initial_request(&app.world)).await;
    let token = link.rsplit('/').next().unwrap();
    let mut anon = Browser::new(&app);
    assert_eq!(anon.get(&format!("/feedback/{}/{token}", other_conf.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anon.get(&format!("/feedback/{}/{}", conf.id, "0".repeat(64))).await.status, StatusCode::NOT_FOUND);

    // The form, in English and Welsh, says plainly what anonymous means.
    let form = anon.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Did you understand why the meeting was held?"));
    assert!(form.body.contains("without your name or anything that links them to you"));
    let cy = anon.get(&format!("{link}?lang=cy")).await;
    assert!(cy.body.contains("lang=\"cy\"") && cy.body.contains("deall pam y cynhaliwyd y cyfarfod?"));
    let school = anon.get(&school_link).await;
    assert!(
        school.body.contains("Was the conference chaired well?") && !school.body.contains("Did you feel listened to?")
    );

    // A question left unanswered: refused with the reason, what was typed kept.
    let mut partial = family_answers(true);
    partial.retain(|(k, _)| *k != "q-listened-to");
    let bad = anon.submit(&form, &link, &partial).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Answer the question: Did you feel listened to?"), "{}", error_summary(&bad.body));
    assert!(bad.body.contains("href=\"#q-listened-to\""));
    assert!(bad.body.contains("FEATHER-COMMENT") && bad.body.contains("value=\"no\" checked"));
    // In Welsh, the reason is in Welsh.
    let mut partial_cy = partial.clone();
    partial_cy.push(("lang", "cy"));
    let bad_cy = anon.submit(&form, &link, &partial_cy).await;
    assert!(bad_cy.body.contains("Atebwch y cwestiwn"), "{}", error_summary(&bad_cy.body));

    // Anonymous: kept without the invitation; the audit event does not name the answer.
    let done = anon.submit(&form, &link, &family_answers(true)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    assert_eq!(done.location.as_deref(), Some("/feedback/thanks?lang=en"));
    let thanks = anon.get("/feedback/thanks").await;
    assert!(thanks.body.contains("Thank you for your feedback"));
    let rows = sqlx::query("SELECT invitation_id, comment, period, audience FROM feedback_response")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].try_get::<Option<String>, _>("invitation_id").unwrap().is_none(), "not linked to the person");
    assert_eq!(rows[0].try_get::<String, _>("period").unwrap(), "2026-11");
    assert_eq!(rows[0].try_get::<String, _>("audience").unwrap(), "family");
    let mabel = invitations.iter().find(|(w, _)| matches!(w, Invited::FamilyMember(_))).unwrap().1.id.clone();
    let events = confer_store::audit::for_entity(&app.db, app.authority.id.as_str(), "feedback-invitation", &mabel, 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert!(
        events[0].after.contains("\"anonymous\":true") && !events[0].after.contains("response_id"),
        "{}",
        events[0].after
    );

    // The link works once.
    assert_eq!(anon.get(&link).await.status, StatusCode::NOT_FOUND);
    let again = anon.submit(&form, &link, &family_answers(false)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM feedback_response")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 1);

    // The link expires with the window (60 days): the school's form says it closed.
    clock.set(at("2027-01-20 09:00"));
    let closed = anon.get(&school_link).await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(closed.body.contains("Feedback about this conference closed on 2027-01-19"), "{}", closed.body);
    assert!(!closed.body.contains("name=\"rating\""));
    let late = anon
        .submit(
            &school,
            &school_link,
            &[
                ("q-reports-requested-in-time", "yes"),
                ("q-chaired-well", "yes"),
                ("q-decision-clear", "yes"),
                ("rating", "5"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("closed on 2027-01-19"));
}

#[tokio::test]
async fn qa_01_the_parent_answers_from_the_portal_named_once_and_others_are_refused() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let conf = asked(&app, &clock).await;
    let give = |person: PortalPerson, email: &'static str, family: &'static str| {
        let db = app.db.clone();
        let authority = app.authority.id.clone();
        async move {
            let role = match person {
                PortalPerson::Adult(_) => Role::Parent,
                PortalPerson::Child(_) => Role::YoungPerson,
            };
            confer_store::portal::give_access(
                &db,
                &confer_store::portal::Access {
                    authority_id: &authority,
                    family_id: family,
                    person: &person,
                    display_name: "Portal person",
                    email,
                    role,
                },
                "test",
            )
            .await
            .unwrap()
        }
    };
    let mabel = give(PortalPerson::Adult(AdultId("mabel".into())), "mabel.feather@example.org", "fam-f").await;
    let fern = give(PortalPerson::Child(ChildId("fern".into())), "fern.feather@example.org", "fam-f").await;
    app.world.family("fam-o").surname("Other").child("oz", "Oz", "2015-01-01").mother("om", "Olive").create().await;
    let olive = give(PortalPerson::Adult(AdultId("om".into())), "olive@example.org", "fam-o").await;
    let (stranger, _) = staff(&app, "stranger", &[Role::Professional], None).await;
    let other = confer_store::testing::World::with_authority(
        &app.db,
        "T02",
        "Otherton Council",
        confer_domain::Nation::England,
    )
    .await;
    let (elsewhere, _) = staff_in(&app, &other.authority, "pro.elsewhere", &[Role::Professional], None).await;

    let path = format!("/portal/conferences/{}/feedback", conf.id);
    let mut parent = app.as_user(mabel.as_str()).await;
    let home = parent.get("/portal").await;
    assert!(home.body.contains(&path), "the portal's home asks for feedback");
    let home_cy = parent.get("/portal?lang=cy").await;
    assert!(home_cy.body.contains("Dywedwch wrthym beth oeddech chi"));
    let form = parent.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let done = parent.submit(&form, &path, &family_answers(false)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let row = sqlx::query("SELECT invitation_id FROM feedback_response").fetch_one(app.db.pool()).await.unwrap();
    let invitation: Option<String> = row.try_get("invitation_id").unwrap();
    let invitations = confer_store::feedback::of_conference(&app.db, &conf.id).await.unwrap();
    let hers = invitations.iter().find(|(w, _)| matches!(w, Invited::FamilyMember(_))).unwrap();
    assert_eq!(invitation.as_deref(), Some(hers.1.id.as_str()), "named: linked to her invitation");
    // Once: a second answer is refused with the reason, and the card has gone.
    let form = parent.get(&path).await;
    assert!(form.body.contains("You have already given your feedback about this conference"));
    let again = parent.submit(&form, &path, &family_answers(false)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!parent.get("/portal").await.body.contains(&path));

    // Fern is of the family but was not invited: refused, with the reason.
    let mut young = app.as_user(fern.as_str()).await;
    let refused = young.get(&path).await;
    assert!(refused.body.contains("You were not asked for feedback about this conference"), "{}", refused.body);
    assert!(!refused.body.contains("name=\"rating\""), "no form");
    let home = young.get("/portal").await;
    let tried =
        young.post(&path, &[("csrf_token", &csrf_of(&home.body)), ("q-understood-why", "yes"), ("rating", "5")]).await;
    assert_eq!(tried.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(tried.body.contains("You were not asked for feedback about this conference"));
    // Another family's parent, an unrelated professional, another authority's user: not found.
    for user in [olive.as_str(), stranger.as_str(), elsewhere.as_str()] {
        let mut b = app.as_user(user).await;
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{user}");
    }
    // Signed out: sent to sign in.
    let mut nobody = Browser::new(&app);
    let out = nobody.get(&path).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM feedback_response")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn qa_01_results_are_reported_by_month_and_audience_with_comments_logged_and_a_csv() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let conf = asked(&app, &clock).await;
    // A known set: October, two families (yes/yes/no/yes rated 5; no/no/no/no rated 2) and one
    // professional (rated 3); November, one family (partly throughout, rated 4, anonymous).
    let insert = |id: &str,
                  invitation: Option<&str>,
                  audience: &str,
                  period: &str,
                  replies: &str,
                  rating: i64,
                  comment: &str| {
        let (id, invitation, audience, period, replies, comment) = (
            id.to_owned(),
            invitation.map(str::to_owned),
            audience.to_owned(),
            period.to_owned(),
            replies.to_owned(),
            comment.to_owned(),
        );
        let db = app.db.clone();
        let authority = app.authority.id.as_str().to_owned();
        let conf = conf.id.clone();
        async move {
            sqlx::query(
                "INSERT INTO feedback_response (id, authority_id, conference_id, invitation_id, audience, period, replies, rating, comment, lang) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'en')",
            )
            .bind(id)
            .bind(authority)
            .bind(conf)
            .bind(invitation)
            .bind(audience)
            .bind(period)
            .bind(replies)
            .bind(rating)
            .bind(comment)
            .execute(db.pool())
            .await
            .unwrap();
        }
    };
    let fam = |a: &str, b: &str, c: &str, d: &str| {
        format!(r#"[["understood-why","{a}"],["listened-to","{b}"],["reports-in-time","{c}"],["supporter","{d}"]]"#)
    };
    insert("r1", Some("x"), "family", "2026-10", &fam("yes", "yes", "no", "yes"), 5, "KNOWN-COMMENT-ONE").await;
    insert("r2", Some("y"), "family", "2026-10", &fam("no", "no", "no", "no"), 2, "").await;
    insert(
        "r3",
        Some("z"),
        "professional",
        "2026-10",
        r#"[["reports-requested-in-time","yes"],["chaired-well","yes"],["decision-clear","partly"]]"#,
        3,
        "",
    )
    .await;
    insert("r4", None, "family", "2026-11", &fam("partly", "partly", "partly", "partly"), 4, "=KNOWN-COMMENT-TWO")
        .await;
    // Outside the period: not counted.
    insert("r5", None, "family", "2026-08", &fam("yes", "yes", "yes", "yes"), 1, "NOT-IN-PERIOD").await;

    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let mut q = app.as_user(&qa).await;
    let page = q.get("/quality/feedback?from=2026-10&to=2026-11").await;
    assert_eq!(page.status, StatusCode::OK);
    // Families: 3 answers, average (5 + 2 + 4) / 3 = 3.7; professionals: 1, 3.0.
    assert!(
        page.body
            .contains("Families: answers, average rating (1 to 5)</dt><dd class=\"govuk-summary-list__value\">3, 3.7"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "Professionals: answers, average rating (1 to 5)</dt><dd class=\"govuk-summary-list__value\">1, 3.0"
    ));
    // People asked in the period (2 on 20 November), none answered through their invitation.
    assert!(page.body.contains("People asked in the period</dt><dd class=\"govuk-summary-list__value\">2<"));
    assert!(page.body.contains("KNOWN-COMMENT-ONE") && page.body.contains("=KNOWN-COMMENT-TWO"));
    assert!(!page.body.contains("NOT-IN-PERIOD"));
    // Reading the comments is logged, naming the family they are about.
    let logged = sqlx::query(
        "SELECT after_json FROM audit_event WHERE action = 'list.read' AND entity_id = 'feedback-comments'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(logged.len(), 1);
    assert!(logged[0].try_get::<String, _>("after_json").unwrap().contains("fam-f"));

    // The CSV has every figure of the table, one line a month, audience and question.
    let csv = q.get("/quality/feedback.csv?from=2026-10&to=2026-11").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "period,audience,question,yes,partly,no,yes_percent,responses,average_rating");
    assert_eq!(lines.len(), 1 + 4 + 3 + 4, "{}", csv.body);
    assert_eq!(lines[1], "\"2026-10\",\"family\",\"Did you understand why the meeting was held?\",1,0,1,50,2,3.5");
    assert_eq!(
        lines[3],
        "\"2026-10\",\"family\",\"Did you get the reports in time to read them before the meeting?\",0,0,2,0,2,3.5"
    );
    assert_eq!(
        lines[7],
        "\"2026-10\",\"professional\",\"Was the decision, and the reasons for it, clear?\",0,1,0,0,1,3.0"
    );
    assert_eq!(lines[8], "\"2026-11\",\"family\",\"Did you understand why the meeting was held?\",0,1,0,0,1,4.0");
    assert!(!csv.body.contains("KNOWN-COMMENT"), "no comments in the CSV");

    // The quality page shows the summary; an auditor reads it; a social worker does not.
    clock.set(at("2026-11-30 09:00"));
    let quality = q.get("/quality").await;
    assert!(quality.body.contains("Feedback from families and professionals"));
    assert!(quality.body.contains("2 people asked, 0 answered"), "{}", quality.body);
    let (auditor, _) = staff(&app, "auditor", &[Role::Auditor], None).await;
    assert_eq!(app.as_user(&auditor).await.get("/quality/feedback").await.status, StatusCode::OK);
    let (sw, _) = staff(&app, "sw9", &[Role::SocialWorker], None).await;
    let mut s = app.as_user(&sw).await;
    assert_eq!(s.get("/quality/feedback").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/quality/feedback.csv").await.status, StatusCode::FORBIDDEN);
    // A period that cannot be read: said, not a failure.
    let bad = q.get("/quality/feedback?from=October&to=2026-11").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter the first month like 2026-09"));
}
