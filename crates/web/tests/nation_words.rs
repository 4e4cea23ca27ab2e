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
use confer_web::clock::Clock;
use reqwest::StatusCode;

struct World {
    app: App,
    clock: Clock,
    coord: String,
    sw: String,
    chair: String,
    qa: String,
    teacher: String,
    case: String,
}

/// An authority of the nation given (set before anything reads it), its staff, and the Brook
/// family with Amy, her mother and a professional.
async fn world(nation: &str) -> World {
    let (app, clock) = start_at("2026-11-10 09:00").await;
    sqlx::query("UPDATE authority SET nation = $1 WHERE id = $2")
        .bind(nation)
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (chair, _) = staff(&app, "chair", &[Role::Chair], None).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let (teacher, _) = staff(&app, "teacher", &[Role::Professional], None).await;
    app.world.professional("p-sw", Some(&sw)).await;
    app.world.professional("p-school", Some(&teacher)).await;
    let made = app
        .world
        .family("fam1")
        .worker(&sw)
        .child("amy", "AMY", "2014-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-sw", "p-school"])
        .create()
        .await;
    let case = made.case.id.as_str().to_owned();
    World { app, clock, coord, sw, chair, qa, teacher, case }
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

/// Issue 15's second round: the dashboards' measures, a child's timeline, the meeting's
/// decisions, the conference API's messages, the professional portal and the family portal's
/// plan, in the nation's words. `initial` is the dashboards' first measure in those words.
async fn more_pages_say(w: &World, conf: &str, meeting: &str, short: &str, initial: &str) {
    let england = |body: &str, what: &str| {
        let lower = body.to_lowercase();
        assert!(!lower.contains("child protection conference"), "{what} says England's words: {body}");
        assert!(!lower.contains("case case"), "{what} says a word twice: {body}");
    };
    // The dashboards: the measures' names (with the nation's timescale), the participation table.
    let mut qa = w.app.as_user(&w.qa).await;
    let dash = qa.get("/dashboards").await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    assert!(dash.body.contains(initial), "the dashboards say {initial}: {}", dash.body);
    assert!(!dash.body.contains("Initial conferences within"), "{}", dash.body);
    assert!(!dash.body.contains("Review conferences in time"), "{}", dash.body);
    assert!(dash.body.contains(&format!("Who took part in the {short}s held in the period")), "{}", dash.body);
    england(&dash.body, "the dashboards");
    let csv = qa.get("/dashboards/csv?table=timeliness").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.contains(initial), "the dashboards' CSV says {initial}: {}", csv.body);

    // A child's timeline: the meeting's kind and the entry's tag.
    w.app.world.plan_for("fam1", &w.case, "amy", &w.sw, &[]).await;
    let mut sw = w.app.as_user(&w.sw).await;
    let timeline = sw.get("/families/fam1/children/amy/timeline").await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    assert!(timeline.body.contains(&format!("Every {short}, plan version")), "{}", timeline.body);
    assert!(timeline.body.contains(&format!("Initial {meeting}")), "the timeline's entry: {}", timeline.body);
    assert!(!timeline.body.contains(">Conference</strong>") || short.contains("conference"), "{}", timeline.body);
    england(&timeline.body, "the child's timeline");

    // The conference API's human messages (the checks) in the nation's words.
    let (coord_token, _) = (api_token(w, &w.coord).await, ());
    let res =
        common::client().get(format!("{}/api/v1{}", w.app.base, conf)).bearer_auth(&coord_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let json: serde_json::Value = res.json().await.unwrap();
    let checks = json["checks"].to_string();
    assert!(checks.contains(&format!("every {short}.")), "the API's checks: {checks}");
    england(&checks, "the API's checks");

    // The meeting's decisions: the nation's outcome, with its register.
    w.clock.set(at("2026-11-20 10:00"));
    let mut chair = w.app.as_user(&w.chair).await;
    step(&mut chair, &format!("{conf}/meeting"), &format!("{conf}/start"), &[]).await;
    let decide = chair.get(&format!("{conf}/meeting/decisions")).await;
    assert_eq!(decide.status, StatusCode::OK, "{}", decide.body);
    let said = decide.body.replace("&#39;", "'").replace("&#x27;", "'");
    assert!(
        said.contains("A child protection plan, the child's name placed on the child protection register"),
        "{said}"
    );
    england(&decide.body, "the decisions");

    // The professional portal.
    let mut teacher = w.app.as_user(&w.teacher).await;
    let home = teacher.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains(&format!("Your {short}s and plans")), "{}", home.body);
    assert!(!home.body.contains("Your conferences and plans") || short.ends_with("conference"), "{}", home.body);
    england(&home.body, "the professional portal");
}

/// A read and write API token for a staff member of the world.
async fn api_token(w: &World, user: &str) -> String {
    use confer_store::tokens::{self, Scope};
    tokens::create_for_days(
        &w.app.db,
        user,
        w.app.authority.id.as_str(),
        "api",
        &[Scope::Read, Scope::Write],
        tokens::MAX_DAYS,
        "test",
    )
    .await
    .unwrap()
    .1
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
    more_pages_say(
        &w,
        &conf,
        "child protection planning meeting",
        "meeting",
        "Initial meetings within 28 calendar days",
    )
    .await;

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
    // The plan in the portal, in Scotland's words.
    let plan = mum.get("/portal/plans/plan-amy").await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    assert!(!plan.body.to_lowercase().contains("conference"), "the portal's plan: {}", plan.body);
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
    more_pages_say(
        &w,
        &conf,
        "child protection case conference",
        "case conference",
        "Initial case conferences within 15 working days",
    )
    .await;
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

/// Issue 15: the API's refusals and the transfer pack's chronology in the nation's words. A
/// Scottish council's (or Northern Irish Trust's) family had an initial meeting that decided a
/// plan and closed; asking the API to start it again is refused in the nation's words, and
/// the plan's transfer pack names the meeting and its outcome (with the register) as the
/// nation does.
async fn refusals_and_the_pack_say(nation: confer_domain::Nation, code: &str, meeting: &str, short: &str) {
    use confer_store::tokens::{self, Scope};
    let (app, _clock) = start_at("2026-11-20 14:00").await;
    let w = confer_store::testing::World::with_authority(&app.db, code, "Fictional Council", nation).await;
    let (sw, _) = w.person("n-sw").roles(&[Role::SocialWorker]).signs_in().create().await;
    let family =
        w.family("nfam").worker(&sw).child("namy", "Amy", "2016-05-01").mother("nfam-mum", "Mia").create().await;
    let made = family.planned_conference(&w).await;
    let conf = made.conference.id().as_str().to_owned();
    let chair = made.conference.chair().cloned().unwrap();
    let token = |user: String| {
        let db = app.db.clone();
        let authority = w.authority.id.as_str().to_owned();
        async move {
            tokens::create_for_days(
                &db,
                &user,
                &authority,
                "api",
                &[Scope::Read, Scope::Write],
                tokens::MAX_DAYS,
                "test",
            )
            .await
            .unwrap()
            .1
        }
    };
    // The world's chair has not set up an authenticator app; an API token needs one.
    sqlx::query("UPDATE user_account SET totp_enrolled = 1, kind = 'staff' WHERE id = $1")
        .bind(chair.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let chair_token = token(chair.as_str().to_owned()).await;
    let sw_token = token(sw.clone()).await;
    let http = common::client();

    // A refusal of the API: the meeting is closed.
    let got: serde_json::Value = http
        .get(format!("{}/api/v1/conferences/{conf}", app.base))
        .bearer_auth(&chair_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = got["version"].as_i64().expect("the conference's version");
    let res = http
        .post(format!("{}/api/v1/conferences/{conf}/start", app.base))
        .bearer_auth(&chair_token)
        .json(&serde_json::json!({ "version": version }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(status.is_client_error(), "{status} {body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(&format!("because the {short} is closed")), "the refusal: {message}");
    assert!(!message.contains("conference is closed") || short.ends_with("conference"), "{message}");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "the error's code is kept: {body}");

    // The transfer pack's chronology and latest meeting.
    let plan = confer_store::plans::of_family(&app.db, "nfam").await.unwrap().remove(0).id;
    let res = http
        .get(format!("{}/api/v1/plans/{plan}/transfer-pack", app.base))
        .bearer_auth(&sw_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let pack: serde_json::Value = res.json().await.unwrap();
    let initial = format!("Initial {meeting}");
    assert_eq!(pack["latest_conference"]["kind"], initial.as_str(), "{pack}");
    let line = pack["chronology"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "conference")
        .expect("the meeting in the chronology")["what"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(line.starts_with(&format!("{initial}: A child protection plan")), "{line}");
    assert!(line.contains("the child's name is placed on the child protection register"), "{line}");
    let said = format!("{}{}", pack["chronology"], pack["latest_conference"]["outcome"]);
    assert!(!said.to_lowercase().contains("child protection conference"), "England's words: {said}");
    assert!(!said.contains("ICPC"), "{said}");
    // The pack's page says the same.
    let mut b = app.as_user(&sw).await;
    let page = b.get(&format!("/plans/{plan}/transfer-pack")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&initial), "{}", page.body);
    assert!(!page.body.to_lowercase().contains("child protection conference"), "{}", page.body);
}

#[tokio::test]
async fn a_scottish_councils_api_refusals_and_transfer_pack_say_planning_meeting() {
    refusals_and_the_pack_say(confer_domain::Nation::Scotland, "S01", "child protection planning meeting", "meeting")
        .await;
}

#[tokio::test]
async fn a_northern_irish_trusts_api_refusals_and_transfer_pack_say_case_conference() {
    refusals_and_the_pack_say(
        confer_domain::Nation::NorthernIreland,
        "N01",
        "child protection case conference",
        "case conference",
    )
    .await;
}
