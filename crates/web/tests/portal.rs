//! The family portal (issue 6): staff give a parent, carer or young person portal access; the
//! parent signs in with a code from their email and sees only their own family's conference;
//! answers, names a supporter, sends views and needs; reads the reports shared with them
//! without restricted parts, then the outcome and the record in the version they may see; and
//! asks for a correction. A partly excluded father sees that he is excluded and how his views
//! are heard, never the part. A young person sees their conference. English and Welsh.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::tokens::{self, Scope};
use confer_web::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

struct World {
    app: App,
    clock: Clock,
    http: reqwest::Client,
    coord_id: String,
    coord: String,
    chair_id: String,
    chair: String,
    notes_id: String,
    notes: String,
    sw: String,
}

impl World {
    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let res =
            self.http.post(format!("{}{path}", self.app.base)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn get(&self, token: &str, path: &str) -> Value {
        let res = self.http.get(format!("{}{path}", self.app.base)).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }
    fn set_clock(&self, s: &str) {
        self.clock.set(at(s));
    }
}

struct Conf {
    id: String,
    version: i64,
}

impl Conf {
    async fn ok(&mut self, w: &World, token: &str, step: &str, mut body: Value) -> Value {
        body["version"] = json!(self.version);
        let (status, out) = w.post(token, &format!("/api/v1/conferences/{}/{step}", self.id), body).await;
        assert_eq!(status, StatusCode::OK, "{step}: {out}");
        self.version = out["version"].as_i64().expect("version");
        out
    }
    async fn view(&mut self, w: &World, token: &str) -> Value {
        let v = w.get(token, &format!("/api/v1/conferences/{}", self.id)).await;
        self.version = v["version"].as_i64().unwrap();
        v
    }
}

async fn person(app: &App, name: &str, roles: &[Role]) -> (String, String) {
    let (id, _) = staff(app, name, roles, None).await;
    // Only staff with a second factor hold API tokens (issue 10).
    if !roles.iter().any(|r| r.is_staff()) {
        return (id, String::new());
    }
    let t = tokens::create(&app.db, &id, app.authority.id.as_str(), "api", &[Scope::Read, Scope::Write], "test")
        .await
        .unwrap()
        .1;
    (id, t)
}

/// A fictional authority with two families: the Brooks (fam1: Mia and Dev, Amy 13 and Ben 9)
/// and another family (fam2), each with a conference scheduled for Friday 20 November 2026.
async fn world() -> (World, Conf, Conf) {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let (coord_id, coord) = person(&app, "coord", &[Role::Coordinator]).await;
    let (chair_id, chair) = person(&app, "chair", &[Role::Chair]).await;
    let (notes_id, notes) = person(&app, "notes", &[Role::NoteTaker]).await;
    let (sw_id, sw) = person(&app, "sw", &[Role::SocialWorker]).await;
    let (teacher_id, _) = person(&app, "teacher", &[Role::Professional]).await;
    let (police_id, _) = person(&app, "police", &[Role::Professional]).await;
    let (other_sw_id, _) = person(&app, "othersw", &[Role::SocialWorker]).await;
    let w = &app.world;
    w.professional("p-sw", Some(&sw_id)).await;
    w.professional("p-school", Some(&teacher_id)).await;
    w.professional("p-police", Some(&police_id)).await;
    w.family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2013-05-01")
        .child("ben", "Ben", "2017-02-11")
        .mother("fam1-mum", "Mia")
        .father("fam1-dad", "Dev")
        .professionals(&["p-sw", "p-school", "p-police"])
        .create()
        .await;
    w.family("fam2")
        .worker(&other_sw_id)
        .child("dot", "Dot", "2015-01-01")
        .mother("fam2-mum", "Mia")
        .father("fam2-dad", "Dev")
        .create()
        .await;
    let w = World { app, clock, http: reqwest::Client::new(), coord_id, coord, chair_id, chair, notes_id, notes, sw };
    let mut confs = Vec::new();
    for (fam, kids, pros) in
        [("fam1", vec!["amy", "ben"], vec!["p-sw", "p-school", "p-police"]), ("fam2", vec!["dot"], vec![])]
    {
        let kids: Vec<Value> = kids.iter().map(|k| json!({"child_id": k})).collect();
        let body = json!({
            "kind": "initial", "children": kids, "strategy_discussion_on": "2026-11-02", "enquiry": "section-47",
            "harm_finding": "suffering", "reason": "Neglect.", "concerns": ["neglect"],
            "family_members": [{"adult_id": format!("{fam}-mum")}, {"adult_id": format!("{fam}-dad")}],
            "professionals": pros,
        });
        let (status, out) = w.post(&w.coord, &format!("/api/v1/families/{fam}/conferences"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{out}");
        let mut c =
            Conf { id: out["conference_id"].as_str().unwrap().to_owned(), version: out["version"].as_i64().unwrap() };
        c.ok(&w, &w.coord, "schedule", json!({"date": "2026-11-20", "time": "10:00", "venue": "Civic Centre, room 2 (step-free)", "chair_id": w.chair_id, "note_taker_id": w.notes_id}))
            .await;
        for a in [format!("{fam}-mum"), format!("{fam}-dad")] {
            c.ok(&w, &w.coord, "invitations", json!({"invitee": {"kind": "family-member", "adult_id": a}})).await;
        }
        for p in pros {
            c.ok(&w, &w.coord, "invitations", json!({"invitee": {"kind": "professional", "professional_id": p}})).await;
        }
        confs.push(c);
    }
    let mut c1 = confs.remove(0);
    let c2 = confs.remove(0);
    c1.ok(
        &w,
        &w.coord,
        "invitations",
        json!({"invitee": {"kind": "child", "child_id": "amy", "wishes_to_attend": true, "judged_appropriate": true}}),
    )
    .await;
    // REP-01, REP-03: the social worker's report, with a restricted part, shared with the mother.
    let report = c1
        .ok(
            &w,
            &w.sw,
            "reports",
            json!({"author": "p-sw", "parts": [
                {"heading": "Assessment", "text": "Home conditions are poor.", "restricted": null},
                {"heading": "Police intelligence", "text": "SECRET-POLICE-INFO", "restricted": "police-information"}
            ]}),
        )
        .await["number"]
        .as_u64()
        .unwrap();
    c1.ok(
        &w,
        &w.sw,
        &format!("reports/{report}/share"),
        json!({"recipient": {"recipient": "family-member", "id": "fam1-mum"}, "discussed_with_author": true}),
    )
    .await;
    // A report never shared with her.
    c1.ok(&w, &w.coord, "reports", json!({"author": "p-school", "parts": [{"heading": "School", "text": "NOT-SHARED-SCHOOL-REPORT", "restricted": null}]}))
        .await;
    // EXC-01..03: the father is excluded from one part.
    c1.ok(
        &w,
        &w.chair,
        "exclusions",
        json!({"decision": {
            "adult_id": "fam1-dad",
            "scope": {"scope": "part", "part": "complicating-factors", "kind": "domestic-abuse-between-parents",
                      "will_see": "the decisions and the plan", "will_not_see": "what the mother said"},
            "reasons": ["risk-of-violence"], "detail": "POLICE-THREATS detail.", "rests_on_police_information": true,
            "views_by": ["letter-to-chair"]
        }}),
    )
    .await;
    (w, c1, c2)
}

/// The coordinator gives portal access on the family's page; returns the page after it.
async fn give_access(coord: &mut Browser, family: &str, person: &str, email: &str) -> Page {
    let form = coord.get(&format!("/families/{family}/portal-access")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    coord.submit(&form, &format!("/families/{family}/portal-access"), &[("person", person), ("email", email)]).await
}

/// Signs in to the portal with the code from the outbox.
async fn portal_sign_in(w: &World, email: &str, lang: &str) -> Browser {
    let before = confer_store::otp::outbox_for(&w.app.db, email).await.unwrap().len();
    let mut b = Browser::new(&w.app);
    let page = b.get(&format!("/portal/sign-in?lang={lang}")).await;
    let res = b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", lang)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let code = code_sent(&w.app.db, email, before + 1).await;
    let code_page = b.get(res.location.as_deref().unwrap()).await;
    let ok = b.submit(&code_page, "/portal/sign-in/code", &[("email", email), ("code", &code), ("lang", lang)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    b
}

/// The newest code sent to an address once there are `count` messages (the web writes the
/// code in the background, so every address is answered in the same time).
async fn code_sent(db: &confer_store::Db, email: &str, count: usize) -> String {
    for _ in 0..400 {
        let out = confer_store::otp::outbox_for(db, email).await.unwrap();
        if out.len() >= count {
            return out[0].1.split("code is ").nth(1).unwrap().chars().take(6).collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no sign-in code was sent");
}

async fn audit_actions(w: &World, entity: &str) -> Vec<String> {
    let rows = sqlx::query("SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY seq")
        .bind(entity)
        .fetch_all(w.app.db.pool())
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get::<String, _>("action").unwrap()).collect()
}

async fn audit_count(w: &World, action: &str) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = $1")
        .bind(action)
        .fetch_one(w.app.db.pool())
        .await
        .unwrap();
    row.try_get::<i64, _>("n").unwrap()
}

/// The meeting on Friday 20 November: pre-meetings, start, attendance, discussion (one
/// restricted point, one in the part the father is excluded from), decisions, close; then the
/// record drafted and approved.
async fn hold_and_approve(w: &World, c: &mut Conf) {
    w.set_clock("2026-11-19 09:00");
    for a in ["fam1-mum", "fam1-dad"] {
        c.ok(
            w,
            &w.chair,
            "pre-meetings",
            json!({"adult_id": a, "outcome": {"outcome": "held", "mode": "virtual", "on": "2026-11-19"}}),
        )
        .await;
    }
    w.set_clock("2026-11-20 10:00");
    c.ok(w, &w.chair, "start", json!({})).await;
    let view = c.view(w, &w.notes).await;
    for inv in view["conference"]["invitations"].as_array().unwrap() {
        let invitee = &inv["invitee"];
        if invitee["invitee"] != "professional" && invitee["adult_id"] != "fam1-mum" {
            continue;
        }
        let n = inv["id"].as_u64().unwrap();
        c.ok(w, &w.notes, "attendance", json!({"attendance": {"invitation": n, "presence": "in-person", "parts": [], "arrived_late_at": null, "left_early_at": null}}))
            .await;
    }
    // INV-07: every letter to the chair is read out before the conference closes.
    for v in view["conference"]["views"].as_array().unwrap() {
        if v["presented"].is_null() {
            c.ok(w, &w.chair, &format!("views/{}/present", v["id"]), json!({})).await;
        }
    }
    c.ok(w, &w.notes, "discussion", json!({"heading": "working-well", "text": "The children love their parents."}))
        .await;
    c.ok(
        w,
        &w.notes,
        "discussion",
        json!({"heading": "history", "text": "RESTRICTED-THIRD-PARTY detail.", "restricted": true}),
    )
    .await;
    c.ok(
        w,
        &w.notes,
        "discussion",
        json!({"heading": "worries", "text": "EXCLUDED-PART what the mother said.", "part": "complicating-factors"}),
    )
    .await;
    for child in ["amy", "ben"] {
        for p in ["p-sw", "p-school", "p-police"] {
            c.ok(
                w,
                &w.chair,
                "professional-views",
                json!({"professional_id": p, "child_id": child, "view": "plan", "reasons": "From my report."}),
            )
            .await;
        }
        c.ok(w, &w.chair, "decisions", json!({"child_id": child, "outcome": {"outcome": "child-protection-plan", "category": "neglect"}, "continuing_risk_of_significant_harm": true}))
            .await;
    }
    c.ok(w, &w.chair, "close", json!({})).await;
    w.set_clock("2026-11-23 09:00");
    c.ok(w, &w.notes, "record/draft", json!({})).await;
    c.ok(w, &w.chair, "record/approve", json!({})).await;
}

/// MIN-03: the coordinator sends the approved record to both parents and Amy.
async fn send_record(w: &World, c: &mut Conf) {
    for r in [
        json!({"recipient": "family-member", "id": "fam1-mum"}),
        json!({"recipient": "family-member", "id": "fam1-dad"}),
        json!({"recipient": "child", "id": "amy"}),
    ] {
        c.ok(w, &w.coord, "record/distribute", json!({"recipient": r})).await;
    }
}

#[tokio::test]
async fn a_parent_signs_in_answers_sends_views_reads_the_shared_report_and_the_record_and_asks_for_a_correction_inv_04_inv_07_rep_03_exc_06_min_04(
) {
    let (w, mut c1, c2) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;

    // Staff give portal access (audited); bad input is explained and what was typed is kept.
    let bad = give_access(&mut coord, "fam1", "adult:fam1-mum", "mia at example").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("govuk-error-summary") && bad.body.contains("correct format"), "{}", bad.body);
    assert!(bad.body.contains("value=\"mia at example\""), "what was typed is kept");
    assert!(bad.body.contains("value=\"adult:fam1-mum\" selected"), "the chosen person is kept");
    let ok = give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.brook@example.org").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let again = give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.brook@example.org").await;
    assert!(again.body.contains("already has portal access"), "{}", again.body);
    assert!(audit_actions(&w, "fam1").await.contains(&"portal.give-access".to_owned()));
    // Another family's parent has an account too (role 05: own family only).
    assert_eq!(
        give_access(&mut coord, "fam2", "adult:fam2-mum", "other.parent@example.org").await.status,
        StatusCode::SEE_OTHER
    );

    // The mother signs in with the code sent to her email.
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    let home = mum.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Initial child protection conference"), "{}", home.body);
    assert!(
        home.body.contains("20 November 2026") && home.body.contains("10:00") && home.body.contains("Civic Centre")
    );
    assert!(home.body.contains("Test chair"), "who chairs it");
    assert!(home.body.contains(&format!("/portal/conferences/{}", c1.id)));
    assert!(!home.body.contains(&format!("/portal/conferences/{}", c2.id)), "only her own family's conference");
    // Another family's conference, and the staff pages of her own, answer 404 (ROLE-11).
    assert_eq!(mum.get(&format!("/portal/conferences/{}", c2.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(mum.get(&format!("/conferences/{}", c1.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(mum.get("/families/fam1").await.status, StatusCode::NOT_FOUND);

    // REP-01, REP-03: the report shared with her, without its restricted part; not the unshared one.
    w.set_clock("2026-11-06 09:00");
    let path = format!("/portal/conferences/{}", c1.id);
    let page = mum.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Home conditions are poor."), "{}", page.body);
    assert!(page.body.contains("Report by Sam Social"));
    assert!(!page.body.contains("SECRET-POLICE-INFO"), "REP-03: restricted part never shown");
    assert!(page.body.contains("not shown to you because they hold information about other people"));
    assert!(!page.body.contains("NOT-SHARED-SCHOOL-REPORT"), "only reports shared with her");
    assert!(audit_count(&w, "portal.conference.read").await >= 1, "ROLE-11: the read is logged");

    // INV-04: a mistake is explained and what she typed is kept; then her answer is recorded.
    let refused =
        mum.submit(&page, &format!("{path}/answer"), &[("version", "1"), ("lang", "en"), ("answer", "")]).await;
    assert!(refused.body.contains("Select if you will come to the conference"), "{}", refused.body);
    let fresh = mum.get(&path).await;
    let version = between(&fresh.body, "name=\"version\" value=\"", "\"");
    let declined = mum
        .submit(&fresh, &format!("{path}/answer"), &[("version", &version), ("lang", "en"), ("answer", "declined")])
        .await;
    assert!(declined.body.contains("govuk-error-summary") && declined.body.contains("Tell us why you cannot come"));
    assert!(declined.body.contains("value=\"declined\" checked"), "her choice is kept");
    let answered = mum
        .submit(&fresh, &format!("{path}/answer"), &[("version", &version), ("lang", "en"), ("answer", "in-person")])
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let page = mum.get(answered.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Your answer has been sent."));
    assert!(page.body.contains("Yes, I will come in person"));
    let staff_view = c1.view(&w, &w.coord).await;
    let answers: Vec<&Value> = staff_view["conference"]["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["invitee"]["adult_id"] == "fam1-mum")
        .collect();
    assert_eq!(answers[0]["answer"]["answer"], "in-person", "the coordinator sees her answer (INV-04)");

    // A stale form is refused as a conflict, keeping what she wrote.
    let stale = mum
        .submit(&fresh, &format!("{path}/views"), &[("version", &version), ("lang", "en"), ("views", "STALE VIEWS")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("STALE VIEWS"));

    // INV-05: she names a supporter (the form keeps the name when the kind is missing).
    let page = mum.get(&path).await;
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let missing = mum
        .submit(&page, &format!("{path}/supporter"), &[("version", &version), ("lang", "en"), ("name", "Gill Friend")])
        .await;
    assert!(missing.body.contains("Select who they are to you") && missing.body.contains("value=\"Gill Friend\""));
    let named = mum
        .submit(
            &page,
            &format!("{path}/supporter"),
            &[("version", &version), ("lang", "en"), ("name", "Gill Friend"), ("kind", "friend")],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);

    // INV-07: her views, a letter to the chair; audited in the same transaction as the change.
    let page = mum.get(&path).await;
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let empty =
        mum.submit(&page, &format!("{path}/views"), &[("version", &version), ("lang", "en"), ("views", "  ")]).await;
    assert!(empty.body.contains("Write your views to the chair"));
    let sent = mum
        .submit(
            &page,
            &format!("{path}/views"),
            &[("version", &version), ("lang", "en"), ("views", "We are doing our best for the children.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = mum.get(&path).await;
    assert!(page.body.contains("We are doing our best for the children."));
    assert!(audit_actions(&w, &c1.id).await.contains(&"portal.send-views".to_owned()));
    let staff_view = c1.view(&w, &w.coord).await;
    let views = staff_view["conference"]["views"].as_array().unwrap();
    assert!(views.iter().any(|v| v["given"]["form"] == "letter" && v["given"]["whose"]["id"] == "fam1-mum"));

    // INV-08, LANG-01: her needs reach the coordinator's checks.
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let other =
        mum.submit(&page, &format!("{path}/needs"), &[("version", &version), ("lang", "en"), ("need", "other")]).await;
    assert!(other.body.contains("govuk-error-summary"), "another need says what it is");
    assert!(other.body.contains("value=\"other\" checked"));
    let told = mum
        .submit(
            &page,
            &format!("{path}/needs"),
            &[("version", &version), ("lang", "en"), ("interpreter", "Polish"), ("need", "childcare")],
        )
        .await;
    assert_eq!(told.status, StatusCode::SEE_OTHER, "{}", told.body);
    let checks = c1.view(&w, &w.coord).await["checks"].to_string();
    assert!(checks.contains("nterpreter"), "the coordinator is asked to book an interpreter: {checks}");

    // After the meeting: the outcome and her copy of the record (MIN-03, EXC-06, REP-03).
    hold_and_approve(&w, &mut c1).await;
    let page = mum.get(&path).await;
    assert!(
        page.body.contains("will show here when the chair has approved it"),
        "not before it is sent to her (MIN-02, MIN-03)"
    );
    assert!(!page.body.contains("The children love their parents."));
    send_record(&w, &mut c1).await;
    let reads_before = audit_count(&w, "portal.record.read").await;
    let page = mum.get(&path).await;
    assert!(page.body.contains("A child protection plan, because of neglect"), "{}", page.body);
    assert!(page.body.contains("The children love their parents."));
    assert!(page.body.contains("EXCLUDED-PART"), "she was not excluded from that part");
    assert!(!page.body.contains("RESTRICTED-THIRD-PARTY"), "REP-03");
    assert!(page.body.contains("This conference is confidential"), "MEET-04");
    // rule: PLAN-06 — the family's page says a plan does not change parental responsibility.
    assert!(page.body.contains("A plan does not change who has parental responsibility."));
    assert!(page.body.contains("Read out at the conference."), "INV-07: she sees her letter was read out");
    assert_eq!(audit_count(&w, "portal.record.read").await, reads_before + 1, "ROLE-11: the record read is logged");

    // MIN-04: she asks for a correction; an empty request is explained.
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let empty =
        mum.submit(&page, &format!("{path}/correction"), &[("version", &version), ("lang", "en"), ("what", "")]).await;
    assert!(empty.body.contains("Tell the chair what is wrong"));
    let asked = mum
        .submit(
            &page,
            &format!("{path}/correction"),
            &[("version", &version), ("lang", "en"), ("what", "Ben was ill, he did not miss school.")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let page = mum.get(&path).await;
    assert!(
        page.body.contains("Ben was ill, he did not miss school.")
            && page.body.contains("The chair has not answered yet.")
    );
    let staff_view = c1.view(&w, &w.coord).await;
    let requests = staff_view["conference"]["record"]["correction_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["by"], "fam1-mum");
}

#[tokio::test]
async fn an_excluded_father_sees_why_and_how_his_views_are_heard_never_the_excluded_part_exc_04_exc_06_inv_05() {
    let (w, mut c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-dad", "dev.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    let mut dad = portal_sign_in(&w, "dev.brook@example.org", "en").await;
    let path = format!("/portal/conferences/{}", c1.id);
    let page = dad.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("You will not be at all of the conference"), "{}", page.body);
    assert!(page.body.contains("Complicating factors"), "the part is named, as chosen from the agenda's list");
    assert!(page.body.contains("There is a risk of violence to someone at the conference"));
    assert!(page.body.contains("A letter to the chair, which is read out at the conference"));
    assert!(!page.body.contains("POLICE-THREATS"), "the chair's detail rests on police information");
    assert!(!page.body.contains("Home conditions are poor."), "no report was shared with him");
    // INV-05: a supporter named the day before is flagged for the chair.
    w.set_clock("2026-11-19 08:00");
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let named = dad
        .submit(
            &page,
            &format!("{path}/supporter"),
            &[("version", &version), ("lang", "en"), ("name", "Sol Icitor"), ("kind", "solicitor")],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    let page = dad.get(&path).await;
    assert!(page.body.contains("Sol Icitor") && page.body.contains("The chair will decide if they can come"));
    let checks = c1.view(&w, &w.chair).await["checks"].to_string();
    assert!(checks.to_lowercase().contains("supporter"), "the chair is told: {checks}");
    hold_and_approve(&w, &mut c1).await;
    send_record(&w, &mut c1).await;
    let page = dad.get(&path).await;
    assert!(page.body.contains("The children love their parents."), "{}", page.body);
    assert!(!page.body.contains("EXCLUDED-PART"), "EXC-06: never the part he was excluded from");
    assert!(!page.body.contains("RESTRICTED-THIRD-PARTY"), "REP-03");
    assert!(page.body.contains("Some parts of the record are not shown to you."));
    assert!(page.body.contains("A child protection plan, because of neglect"), "he gets the decisions");
}

#[tokio::test]
async fn a_parent_excluded_from_the_whole_conference_is_not_told_when_or_where_it_meets_exc_04_exc_06() {
    let (w, mut c1, _) = world().await;
    for (adult, email) in [("fam1-dad", "dev.home@example.org"), ("fam1-mum", "mia.home@example.org")] {
        sqlx::query("UPDATE adult SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(adult)
            .execute(w.app.db.pool())
            .await
            .unwrap();
    }
    c1.ok(
        &w,
        &w.chair,
        "exclusions",
        json!({"decision": {
            "adult_id": "fam1-dad", "scope": {"scope": "whole"},
            "reasons": ["likely-to-disrupt"], "detail": "Shouting at the last meeting.", "rests_on_police_information": false,
            "views_by": ["letter-to-chair"]
        }}),
    )
    .await;
    // Moved after he was excluded: the mother is told the new time and place, he is not.
    c1.ok(
        &w,
        &w.coord,
        "reschedule",
        json!({"date": "2026-11-20", "time": "10:00", "venue": "Civic Centre, room 2 (step-free)", "reason": "A video link too.",
               "video_link": "https://meet.example.org/VIDEO-LINK", "chair_id": w.chair_id, "note_taker_id": w.notes_id}),
    )
    .await;
    let told = |email: &'static str| {
        let db = w.app.db.clone();
        async move { confer_store::otp::outbox_for(&db, email).await.unwrap() }
    };
    assert!(told("mia.home@example.org").await.iter().any(|(_, body)| body.contains("Civic Centre")), "she is told");
    for (_, body) in told("dev.home@example.org").await {
        assert!(!body.contains("VIDEO-LINK") && !body.contains("Civic Centre"), "EXC-06: not him: {body}");
    }
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    for (person, email) in [("adult:fam1-dad", "dev.brook@example.org"), ("adult:fam1-mum", "mia.brook@example.org")] {
        assert_eq!(give_access(&mut coord, "fam1", person, email).await.status, StatusCode::SEE_OTHER);
    }
    let mut dad = portal_sign_in(&w, "dev.brook@example.org", "en").await;
    let path = format!("/portal/conferences/{}", c1.id);
    for page in [dad.get("/portal").await, dad.get(&path).await] {
        assert_eq!(page.status, StatusCode::OK);
        for secret in ["20 November 2026", "10:00", "Civic Centre", "VIDEO-LINK"] {
            assert!(!page.body.contains(secret), "EXC-06: {secret} is not shown to him: {}", page.body);
        }
        assert!(page.body.contains("Not given, because you are excluded from this conference"), "{}", page.body);
    }
    let page = dad.get(&path).await;
    assert!(page.body.contains("The conference might not be able to carry on"), "EXC-04: why");
    assert!(page.body.contains("A letter to the chair"), "EXC-04: how his views are heard");
    assert!(!page.body.contains(&format!("{path}/answer")), "he is not asked whether he will come");
    // The mother, not excluded, is told when and where.
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    let page = mum.get(&path).await;
    assert!(
        page.body.contains("20 November 2026")
            && page.body.contains("Civic Centre")
            && page.body.contains("VIDEO-LINK")
    );
}

#[tokio::test]
async fn the_portal_shows_the_version_of_the_record_sent_to_her_not_a_newer_one_min_03_min_05() {
    let (w, mut c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    hold_and_approve(&w, &mut c1).await;
    send_record(&w, &mut c1).await;
    // A correction makes version 2, approved but not yet sent to her.
    c1.ok(
        &w,
        &w.sw,
        "record/correction-requests",
        json!({"adult_id": "fam1-mum", "record_version": 1, "what": "Ben was ill."}),
    )
    .await;
    let view = c1.view(&w, &w.chair).await;
    let sections = view["conference"]["record"]["versions"][0]["sections"].as_array().unwrap().clone();
    let index = sections.iter().position(|s| s["text"] == "The children love their parents.").unwrap();
    c1.ok(
        &w,
        &w.chair,
        "record/correction-requests/1/answer",
        json!({"accepted": true, "changes": [{"index": index, "text": "VERSION-TWO-TEXT"}], "note": "Agreed."}),
    )
    .await;
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    let path = format!("/portal/conferences/{}", c1.id);
    let page = mum.get(&path).await;
    assert!(page.body.contains("The children love their parents."), "the version sent to her: {}", page.body);
    assert!(!page.body.contains("VERSION-TWO-TEXT"), "MIN-03: version 2 was not sent to her");
    c1.ok(&w, &w.coord, "record/distribute", json!({"recipient": {"recipient": "family-member", "id": "fam1-mum"}}))
        .await;
    let page = mum.get(&path).await;
    assert!(page.body.contains("VERSION-TWO-TEXT"), "once sent, version 2 is hers");
}

#[tokio::test]
async fn a_young_person_sees_their_conference_answers_and_sends_views_child_01_child_02() {
    let (w, c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    // CHILD-01: Ben is 9, below the policy age: refused with the reason.
    let young = give_access(&mut coord, "fam1", "child:ben", "ben@example.org").await;
    assert!(young.body.contains("Young people can have portal access from the age of 12"), "{}", young.body);
    assert_eq!(
        give_access(&mut coord, "fam1", "child:amy", "amy.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    let mut amy = portal_sign_in(&w, "amy.brook@example.org", "en").await;
    let home = amy.get("/portal").await;
    assert!(home.body.contains(&format!("/portal/conferences/{}", c1.id)), "{}", home.body);
    w.set_clock("2026-11-06 09:00");
    let path = format!("/portal/conferences/{}", c1.id);
    let page = amy.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("You can also tell your social worker what you think"), "CHILD-02");
    assert!(!page.body.contains("Home conditions are poor."), "the report was shared with her mother, not her");
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let answered = amy
        .submit(&page, &format!("{path}/answer"), &[("version", &version), ("lang", "en"), ("answer", "remote")])
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let page = amy.get(&path).await;
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let sent = amy
        .submit(
            &page,
            &format!("{path}/views"),
            &[("version", &version), ("lang", "en"), ("views", "I want to stay at my school.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = amy.get(&path).await;
    assert!(page.body.contains("Yes, I will join by video or phone"));
    assert!(page.body.contains("I want to stay at my school."));
    // She cannot ask for corrections in a parent's name, and reaches no staff page.
    assert_eq!(amy.get(&format!("/conferences/{}", c1.id)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_portal_speaks_welsh_on_request_and_keeps_what_was_typed_lang_04() {
    let (w, c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.cy@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    let mut mum = portal_sign_in(&w, "mia.cy@example.org", "cy").await;
    let home = mum.get("/portal?lang=cy").await;
    assert!(home.body.contains("<html lang=\"cy\""));
    assert!(home.body.contains("Eich cynadleddau") && home.body.contains("20 Tachwedd 2026"), "{}", home.body);
    assert!(home.body.contains("Cynhadledd amddiffyn plant gychwynnol"));
    let path = format!("/portal/conferences/{}", c1.id);
    let page = mum.get(&format!("{path}?lang=cy")).await;
    assert!(
        page.body.contains("Eich gwahoddiad") && page.body.contains("Adroddiadau a rannwyd â chi"),
        "{}",
        page.body
    );
    let version = between(&page.body, "name=\"version\" value=\"", "\"");
    let empty = mum
        .submit(&page, &format!("{path}/supporter"), &[("version", &version), ("lang", "cy"), ("name", "Gwen Ffrind")])
        .await;
    assert!(
        empty.body.contains("Mae problem wedi codi") && empty.body.contains("Dewiswch pwy ydyn nhw i chi"),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("value=\"Gwen Ffrind\""));
    assert!(empty.body.contains("<html lang=\"cy\""));
    let sent = mum
        .submit(
            &page,
            &format!("{path}/views"),
            &[("version", &version), ("lang", "cy"), ("views", "Rydym yn gwneud ein gorau.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(sent.location.as_deref().unwrap().contains("lang=cy"));
    let after = mum.get(sent.location.as_deref().unwrap()).await;
    assert!(after.body.contains("hanfon at y cadeirydd."), "{}", after.body);
}

fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).map(|i| i + start.len()).expect("marker");
    s[i..].split(end).next().unwrap().to_owned()
}

/// Issue 10: a partner professional signs in with an e-mailed code AND an authenticator code
/// (enrolled the first time, as staff do); a code alone reads no family record, conference,
/// report or record copy, in pages or the API; and a session made with one factor is refused
/// by the gate whatever made it.
#[tokio::test]
async fn a_partner_professional_reads_no_record_with_an_emailed_code_alone_role_04() {
    let (w, c1, _) = world().await;
    let teacher = confer_store::users::by_username(&w.app.db, "teacher").await.unwrap().unwrap();
    let id = teacher.account.id.clone();
    // First sign-in: no authenticator yet.
    confer_store::users::change_account(&w.app.db, &id, confer_store::users::AccountChange::ResetSecondFactor, "test")
        .await
        .unwrap();
    // No API token for an account without a second factor (nor, later, for a portal account).
    assert!(
        tokens::create(&w.app.db, id.as_str(), w.app.authority.id.as_str(), "api", &[Scope::Read], "test")
            .await
            .is_err(),
        "a token without a second factor"
    );
    let reads = [
        "/families/fam1".to_owned(),
        format!("/conferences/{}", c1.id),
        format!("/conferences/{}/record", c1.id),
        format!("/conferences/{}/reports/1/file", c1.id),
        format!("/conferences/{}/record/copies/1", c1.id),
    ];

    let email = "teacher@council.example";
    let mut b = Browser::new(&w.app);
    let page = b.get("/portal/sign-in").await;
    b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "en")]).await;
    let code = code_sent(&w.app.db, email, 1).await;
    let form = b.get("/portal/sign-in/code").await;
    let after_code = b.submit(&form, "/portal/sign-in/code", &[("code", &code), ("lang", "en")]).await;
    assert_eq!(after_code.location.as_deref(), Some("/sign-in/enrol?next=/portal"), "{}", after_code.body);
    for path in &reads {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}: the e-mailed code alone signs no one in");
    }
    // Enrols an authenticator, as staff do; then reads what the policy lets them.
    let enrol = b.get("/sign-in/enrol?next=/portal").await;
    assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.body);
    let stored = confer_store::users::by_id(&w.app.db, &id).await.unwrap();
    let secret = confer_store::users::totp_secret_of(&stored).unwrap().unwrap();
    let done = b.submit(&enrol, "/sign-in/enrol", &[("code", &totp_now(&secret)), ("next", "/portal")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(b.get("/families/fam1").await.status, StatusCode::OK);
    assert_eq!(b.get(&format!("/conferences/{}", c1.id)).await.status, StatusCode::OK);
    assert!(
        tokens::create(&w.app.db, id.as_str(), w.app.authority.id.as_str(), "api", &[Scope::Read], "test")
            .await
            .is_err(),
        "API tokens are for staff accounts only"
    );

    // The next sign-in asks for the authenticator code after the e-mailed one.
    let mut again = Browser::new(&w.app);
    let page = again.get("/portal/sign-in").await;
    again.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "en")]).await;
    let code = code_sent(&w.app.db, email, 2).await;
    let form = again.get("/portal/sign-in/code").await;
    let next = again.submit(&form, "/portal/sign-in/code", &[("code", &code), ("lang", "en")]).await;
    assert_eq!(next.location.as_deref(), Some("/sign-in/code?next=/portal"));
    assert_eq!(again.get("/families/fam1").await.status, StatusCode::SEE_OTHER);

    // Defence in depth: a full session made with one factor reads nothing; their own account only.
    let (token, _) = confer_store::sessions::start_with_factors(
        &w.app.db,
        id.as_str(),
        teacher.session_generation + 1,
        confer_store::sessions::Stage::Full,
        1,
    )
    .await
    .unwrap();
    let mut one = Browser::new(&w.app);
    one.cookies.insert("confer_session".into(), token);
    for path in &reads {
        assert_eq!(one.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(one.get("/account").await.status, StatusCode::OK);
}

/// A coordinator ends one family member's portal access from the family's portal-access page:
/// audited, the link goes, and the parent is signed out at once.
#[tokio::test]
async fn staff_end_one_family_members_portal_access_and_they_are_signed_out_role_05() {
    let (w, c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-dad", "dev.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    let mut dad = portal_sign_in(&w, "dev.brook@example.org", "en").await;
    let path = format!("/portal/conferences/{}", c1.id);
    assert_eq!(mum.get(&path).await.status, StatusCode::OK);

    let page = coord.get("/families/fam1/portal-access").await;
    assert!(page.body.contains("/families/fam1/portal-access/revoke") && page.body.contains("End access"));
    let mum_id =
        confer_store::otp::accounts_for(&w.app.db, "mia.brook@example.org").await.unwrap()[0].account.id.clone();
    let done = coord.submit(&page, "/families/fam1/portal-access/revoke", &[("user", mum_id.as_str())]).await;
    assert_eq!(done.location.as_deref(), Some("/families/fam1/portal-access?done=revoked"), "{}", done.body);
    let after = coord.get("/families/fam1/portal-access?done=revoked").await;
    assert!(after.body.contains("Portal access ended"));
    assert!(!after.body.contains("mia.brook@example.org") && after.body.contains("dev.brook@example.org"));
    assert!(audit_actions(&w, "fam1").await.contains(&"portal.revoke-access".to_owned()));
    assert_eq!(mum.get(&path).await.status, StatusCode::SEE_OTHER, "signed out at once");
    assert_eq!(dad.get(&path).await.status, StatusCode::OK, "only that person");
    // Signing in again reaches nothing of the family.
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    assert_eq!(mum.get(&path).await.status, StatusCode::NOT_FOUND);
    // Twice: explained, nothing done. A family member cannot end anyone's access.
    let page = coord.get("/families/fam1/portal-access").await;
    let twice = coord.submit(&page, "/families/fam1/portal-access/revoke", &[("user", mum_id.as_str())]).await;
    assert!(twice.body.contains("no portal access to this family"), "{}", twice.body);
    let home = dad.get("/portal").await;
    let refused = dad.submit(&home, "/families/fam1/portal-access/revoke", &[("user", mum_id.as_str())]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

/// Issue 14: the documents confer makes. The parent takes her own copy of the record (the
/// version sent to her, without the restricted part, with the confidentiality statement) and
/// her outcome letter (with the parental responsibility statement) from the portal; staff
/// download the copy as it was sent to her; each is logged with its version, language,
/// format and recipient, and audited. A value that is not a choice is refused naming its field.
#[tokio::test]
async fn documents_a_parent_and_staff_take_the_copy_as_sent_logged_min_03_rep_03_rep_04_meet_04_plan_06() {
    let (w, mut c1, _) = world().await;
    let mut coord = Browser::new(&w.app);
    coord.session_for(&w.app.db, &w.coord_id).await;
    assert_eq!(
        give_access(&mut coord, "fam1", "adult:fam1-mum", "mia.brook@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    hold_and_approve(&w, &mut c1).await;
    let mut mum = portal_sign_in(&w, "mia.brook@example.org", "en").await;
    let base = format!("/portal/conferences/{}", c1.id);
    // Nothing sent to her yet: back to her conference page, nothing logged.
    let none = mum.get(&format!("{base}/record/download")).await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    send_record(&w, &mut c1).await;

    let page = mum.get(&base).await;
    assert!(page.body.contains(&format!("{base}/record/download?lang=en&amp;print=large")), "{}", page.body);
    let html = mum.get(&format!("{base}/record/download?format=html")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("<html lang=\"en-GB\">"));
    assert!(html.body.contains("The children love their parents."));
    assert!(!html.body.contains("RESTRICTED-THIRD-PARTY"), "REP-03: restricted content never in her copy");
    assert!(html.body.contains("This conference is confidential."), "MEET-04");
    let pdf = mum.get(&format!("{base}/record/download?print=large")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"), "a PDF");

    let outcome = mum.get(&format!("{base}/outcome/download?format=html")).await;
    assert_eq!(outcome.status, StatusCode::OK);
    assert!(outcome.body.contains("A child protection plan, because of neglect"));
    assert!(outcome.body.contains(confer_domain::plan::PARENTAL_RESPONSIBILITY_EN), "PLAN-06");

    let bad = mum.get(&format!("{base}/record/download?format=docx")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("format"));

    // Staff: the copy as sent to her (the first sending), the same content.
    let staff = coord.get(&format!("/conferences/{}/record/copies/1/download?format=html", c1.id)).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.body.contains("The children love their parents.") && !staff.body.contains("RESTRICTED-THIRD-PARTY"));
    assert!(staff.body.contains("Mia"), "the copy names its recipient");
    let copy_page = coord.get(&format!("/conferences/{}/record/copies/1", c1.id)).await;
    assert!(copy_page.body.contains(&format!("/conferences/{}/record/copies/1/download", c1.id)));

    // REP-04: every document logged with version, language, format, print size, recipient, channel.
    let log = confer_store::documents_sent::for_conference(&w.app.db, &c1.id).await.unwrap();
    let rows: Vec<(String, String, i64, String, String, String, String)> = log
        .iter()
        .map(|s| {
            (
                s.kind.clone(),
                s.recipient.clone(),
                s.version,
                s.language.clone(),
                s.format.clone(),
                s.print_size.clone(),
                s.channel.clone(),
            )
        })
        .collect();
    let row = |k: &str, v: i64, f: &str, p: &str, ch: &str| {
        (
            k.to_owned(),
            "family-member:fam1-mum".to_owned(),
            v,
            "en".to_owned(),
            f.to_owned(),
            p.to_owned(),
            ch.to_owned(),
        )
    };
    assert_eq!(
        rows,
        vec![
            row("record-copy", 1, "html", "standard", "portal"),
            row("record-copy", 1, "pdf", "large", "portal"),
            row("outcome-letter", 0, "html", "standard", "portal"),
            row("record-copy", 1, "html", "standard", "download"),
        ]
    );
    assert_eq!(audit_count(&w, "document.sent").await, 4, "each audited in its transaction");
}
