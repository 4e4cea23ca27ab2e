//! Each nation's own words on the pages (issue 15). Staff of a Scottish council and of a
//! Northern Irish Trust request, schedule and open a meeting through the pages: the request
//! form, the meeting's page and task pages, the lists, the dashboard, the family's record and
//! the record page say "child protection planning meeting" (Scotland) or "child protection
//! case conference" (Northern Ireland), Scotland's inter-agency referral discussion, and never
//! "child protection conference". A Scottish parent's portal says the same. England's pages
//! keep England's words (the other page tests prove them unchanged).
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use reqwest::StatusCode;

struct World {
    app: App,
    coord: String,
    sw: String,
    chair: String,
}

/// An authority of the nation given (set before anything reads it), its staff, and the Brook
/// family with Amy, her mother and a professional.
async fn world(nation: &str) -> World {
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    sqlx::query("UPDATE authority SET nation = $1 WHERE id = $2")
        .bind(nation)
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (chair, _) = staff(&app, "chair", &[Role::Chair], None).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    app.world.professional("p-sw", Some(&sw)).await;
    app.world
        .family("fam1")
        .worker(&sw)
        .child("amy", "AMY", "2014-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-sw"])
        .create()
        .await;
    World { app, coord, sw, chair }
}

/// The social worker requests an initial meeting through the form. Returns the form and the
/// meeting's path.
async fn requested(w: &World) -> (String, String) {
    let mut sw = w.app.as_user(&w.sw).await;
    let form = sw.get("/families/fam1/conferences/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let done = sw
        .submit(
            &form,
            "/families/fam1/conferences/new",
            &[
                ("children", "amy"),
                ("strategy_discussion_on", "2026-11-09"),
                ("enquiry", "section-47"),
                ("harm_finding", "suffering"),
                ("concerns", "neglect"),
                ("family_members", "fam1-mum"),
                ("professionals", "p-sw"),
                ("reason", "Neglect at home."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    (form.body, done.location.unwrap().split('?').next().unwrap().to_owned())
}

/// The page names the nation's meeting and never England's.
fn says(body: &str, meeting: &str, what: &str) {
    assert!(body.contains(meeting), "{what} says {meeting}: {body}");
    assert!(!body.to_lowercase().contains("child protection conference"), "{what} says England's words: {body}");
    assert!(!body.contains("case case"), "{what} says a word twice: {body}");
}

/// The pages of one nation: the meeting's page, its task page, the lists, the dashboard, the
/// family's record and the record page.
async fn pages_say(w: &World, conf: &str, meeting: &str, nav: &str) {
    let mut coord = w.app.as_user(&w.coord).await;
    let list = coord.get("/conferences").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!(">{nav}</a>")), "the navigation says {nav}: {}", list.body);
    assert!(list.body.contains(&format!("<h1 class=\"govuk-heading-l\">{nav}</h1>")), "{}", list.body);
    says(&list.body, &format!("Initial {meeting}"), "the list of requests");
    step(
        &mut coord,
        &format!("{conf}/schedule"),
        &format!("{conf}/schedule"),
        &[("date", "2026-11-20"), ("time", "10:00"), ("venue", "Room 4"), ("chair_id", &w.chair)],
    )
    .await;
    let page = coord.get(conf).await;
    assert_eq!(page.status, StatusCode::OK);
    says(&page.body, &format!("<h1 class=\"govuk-heading-l\">Initial {meeting}</h1>"), "the meeting's page");
    let task = coord.get(&format!("{conf}/schedule")).await;
    says(&task.body, &format!("Initial {meeting} for the"), "a task page");
    let list = coord.get("/conferences").await;
    says(&list.body, &format!("Initial {meeting}"), "the list coming up");
    let record = coord.get(&format!("{conf}/record")).await;
    assert_eq!(record.status, StatusCode::OK);
    says(&record.body, &format!("The record: Initial {meeting} for the"), "the record page");
    let mut chair = w.app.as_user(&w.chair).await;
    let mine = chair.get("/conferences/chair").await;
    says(&mine.body, &format!("Initial {meeting}"), "the chair's list");
    let meeting_page = chair.get(&format!("{conf}/meeting")).await;
    says(&meeting_page.body, &format!("Initial {meeting}"), "the meeting");
    let dashboard = chair.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(!dashboard.body.to_lowercase().contains("child protection conference"), "{}", dashboard.body);
    let mut sw = w.app.as_user(&w.sw).await;
    let family = sw.get("/families/fam1").await;
    says(&family.body, &format!("Initial {meeting}"), "the family's record");
}

#[tokio::test]
async fn a_scottish_council_sees_child_protection_planning_meetings_and_irds() {
    let w = world("scotland").await;
    let (form, conf) = requested(&w).await;
    says(&form, "Request an initial child protection planning meeting", "the request form");
    let mut sw = w.app.as_user(&w.sw).await;
    assert!(form.contains("Date of the inter-agency referral discussion (IRD)"), "{form}");
    assert!(form.contains("Child protection investigation"), "the enquiry in Scotland's words");
    assert!(!form.contains("Section 47 enquiry"), "{form}");
    // The time to hold it is Scotland's, from the timescales (TIME-01): not England's text.
    assert!(form.contains("must be held within 28 calendar days of the concern"), "{form}");
    assert!(!form.contains("15 working days"), "{form}");
    let page = sw.get(&conf).await;
    assert!(page.body.contains("Inter-agency referral discussion (IRD)"), "{}", page.body);
    assert!(page.body.contains("Before the meeting"), "{}", page.body);
    pages_say(&w, &conf, "child protection planning meeting", "Planning meetings").await;

    // The family's portal (LANG-04's English for Scotland): the mother reads the same words.
    let mut coord = w.app.as_user(&w.coord).await;
    let form = coord.get("/families/fam1/portal-access").await;
    let ok = coord
        .submit(
            &form,
            "/families/fam1/portal-access",
            &[("person", "adult:fam1-mum"), ("email", "mia.brook@example.org")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let mut mum = portal_sign_in(&w.app, "mia.brook@example.org").await;
    let home = mum.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    says(&home.body, "Initial child protection planning meeting", "the portal's home");
    let id = conf.trim_start_matches("/conferences/");
    let page = mum.get(&format!("/portal/conferences/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    says(&page.body, "Initial child protection planning meeting", "the portal's meeting page");
}

/// Signs in to the portal with the code from the outbox (the web writes it in the background).
async fn portal_sign_in(app: &App, email: &str) -> Browser {
    let mut b = Browser::new(app);
    let page = b.get("/portal/sign-in?lang=en").await;
    let res = b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "en")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut code = None;
    for _ in 0..400 {
        let out = confer_store::otp::outbox_for(&app.db, email).await.unwrap();
        if let Some(m) = out.first() {
            code = Some(m.1.split("code is ").nth(1).unwrap().chars().take(6).collect::<String>());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let code = code.expect("a sign-in code was sent");
    let code_page = b.get(res.location.as_deref().unwrap()).await;
    let ok = b.submit(&code_page, "/portal/sign-in/code", &[("email", email), ("code", &code), ("lang", "en")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    b
}

#[tokio::test]
async fn a_northern_irish_trust_sees_child_protection_case_conferences() {
    let w = world("northern-ireland").await;
    let (form, conf) = requested(&w).await;
    says(&form, "Request an initial child protection case conference", "the request form");
    assert!(form.contains("Child protection investigation"), "the enquiry in Northern Ireland's words");
    assert!(form.contains("must be held within 15 working days of the strategy discussion"), "{form}");
    let mut sw = w.app.as_user(&w.sw).await;
    let page = sw.get(&conf).await;
    assert!(page.body.contains("Before the case conference"), "{}", page.body);
    pages_say(&w, &conf, "child protection case conference", "Case conferences").await;
}

#[tokio::test]
async fn england_keeps_its_words() {
    let w = world("england").await;
    let (form, conf) = requested(&w).await;
    assert!(form.contains("Request an initial child protection conference"));
    assert!(form.contains("Section 47 enquiry"));
    assert!(form.contains("must be held within 15 working days of the strategy discussion"), "{form}");
    let mut sw = w.app.as_user(&w.sw).await;
    let page = sw.get(&conf).await;
    assert!(
        page.body.contains("<h1 class=\"govuk-heading-l\">Initial child protection conference</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Before the conference"));
    assert!(page.body.contains("Strategy discussion"));
}
