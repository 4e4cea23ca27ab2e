//! The whole journey of a conference through the JSON API with personal access tokens, as
//! coordinators, chairs, note takers, social workers and partner professionals drive it: an
//! initial conference for three siblings, then the review that ends one plan. Also: lost
//! updates refused (409), other families' and tenants' conferences hidden (404), dissent after
//! close refused (DIS-01), and each recipient's copy of the record (EXC-06, REP-03).
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::{CaseStage, Role};
use confer_store::tokens::{self, Scope};
use confer_store::users::AccountKind;
use confer_web::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The people of the journey, each with an API token.
struct World {
    app: App,
    clock: Clock,
    http: reqwest::Client,
    coord: String,
    chair: String,
    notes: String,
    sw: String,
    tm: String,
    teacher: String,
    hv: String,
    police: String,
    /// A partner professional of the authority who is not involved with the family.
    outsider: String,
    /// The social worker of another family.
    other_sw: String,
    ids: Ids,
}

#[derive(Default)]
struct Ids {
    chair: String,
    tm: String,
    notes: String,
}

/// A person with an API token. Only staff-kind accounts with a second factor hold tokens
/// (issue 10): the partner professionals here stand for professionals with two-factor
/// accounts, which is what lets them use the API; their access is decided by their role.
/// Tokens end by the world's clock, which the journeys move on by months: a year's token.
async fn person(app: &App, name: &str, roles: &[Role], manager: Option<&str>) -> (String, String) {
    let (id, _) =
        app.world.person(name).roles(roles).manager_opt(manager).kind(AccountKind::Staff).signs_in().create().await;
    let scopes = [Scope::Read, Scope::Write];
    let t = tokens::create_for_days(&app.db, &id, app.authority.id.as_str(), "api", &scopes, tokens::MAX_DAYS, "test")
        .await
        .unwrap()
        .1;
    (id, t)
}

async fn world() -> World {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let (_, coord) = person(&app, "coord", &[Role::Coordinator], None).await;
    let (chair_id, chair) = person(&app, "chair", &[Role::Chair], None).await;
    let (notes_id, notes) = person(&app, "notes", &[Role::NoteTaker], None).await;
    // The team manager also chairs conferences, but never for their own team (CHAIR-01).
    let (tm_id, tm) = person(&app, "tm", &[Role::TeamManager, Role::Chair], None).await;
    let (sw_id, sw) = person(&app, "sw", &[Role::SocialWorker], Some(&tm_id)).await;
    let (teacher_id, teacher) = person(&app, "teacher", &[Role::Professional], None).await;
    let (hv_id, hv) = person(&app, "hv", &[Role::Professional], None).await;
    let (police_id, police) = person(&app, "police", &[Role::Professional], None).await;
    let (_, outsider) = person(&app, "outsider", &[Role::Professional], None).await;
    let (other_sw_id, other_sw) = person(&app, "othersw", &[Role::SocialWorker], None).await;
    let w = &app.world;
    w.professional("p-sw", Some(&sw_id)).await;
    w.professional("p-school", Some(&teacher_id)).await;
    w.professional("p-hv", Some(&hv_id)).await;
    w.professional("p-police", Some(&police_id)).await;
    w.family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2013-05-01")
        .child("ben", "Ben", "2017-02-11")
        .child("cara", "Cara", "2021-09-30")
        .mother("fam1-mum", "Mia")
        .father("fam1-dad", "Dev")
        .professionals(&PROS)
        .create()
        .await;
    w.family("fam2")
        .worker(&other_sw_id)
        .child("dot", "Dot", "2015-01-01")
        .mother("fam2-mum", "Mia")
        .father("fam2-dad", "Dev")
        .create()
        .await;
    World {
        app,
        clock,
        http: reqwest::Client::new(),
        coord,
        chair,
        notes,
        sw,
        tm,
        teacher,
        hv,
        police,
        outsider,
        other_sw,
        ids: Ids { chair: chair_id, tm: tm_id, notes: notes_id },
    }
}

impl World {
    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = self.http.get(format!("{}{path}", self.app.base)).bearer_auth(token).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let res =
            self.http.post(format!("{}{path}", self.app.base)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    fn set_clock(&self, s: &str) {
        self.clock.set(at(s));
    }
}

/// One conference as the client knows it: its id and the version it last saw.
struct Conf {
    id: String,
    version: i64,
}

impl Conf {
    fn path(&self, step: &str) -> String {
        if step.is_empty() {
            format!("/api/v1/conferences/{}", self.id)
        } else {
            format!("/api/v1/conferences/{}/{step}", self.id)
        }
    }
    /// A write that must succeed: sends the version last seen and keeps the new one.
    async fn ok(&mut self, w: &World, token: &str, step: &str, mut body: Value) -> Value {
        body["version"] = json!(self.version);
        let (status, out) = w.post(token, &self.path(step), body).await;
        assert_eq!(status, StatusCode::OK, "{step}: {out}");
        self.version = out["version"].as_i64().expect("version");
        out
    }
    /// A write that must be refused with this status; returns the error body.
    async fn refused(&self, w: &World, token: &str, step: &str, mut body: Value, expected: StatusCode) -> Value {
        body["version"] = json!(self.version);
        let (status, out) = w.post(token, &self.path(step), body).await;
        assert_eq!(status, expected, "{step}: {out}");
        out
    }
    async fn read(&self, w: &World, token: &str) -> Value {
        let (status, out) = w.get(token, &self.path("")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        out
    }
}

const PROS: [&str; 4] = ["p-sw", "p-school", "p-hv", "p-police"];

fn request_body(kind: &str, previous: Option<&str>) -> Value {
    json!({
        "kind": kind,
        "children": [{"child_id": "amy"}, {"child_id": "ben"}, {"child_id": "cara"}],
        "strategy_discussion_on": if kind == "initial" { json!("2026-11-02") } else { Value::Null },
        "enquiry": "section-47",
        "harm_finding": "suffering",
        "previous_conference_id": previous,
        "reason": "Neglect and emotional harm from domestic abuse.",
        "concerns": ["neglect", "emotional", "domestic-abuse"],
        "family_members": [
            {"adult_id": "fam1-mum", "needs": [{"kind": "childcare", "detail": "Cara is 5"}]},
            {"adult_id": "fam1-dad"}
        ],
        "professionals": PROS,
    })
}

async fn request(w: &World, kind: &str, previous: Option<&str>) -> Conf {
    let (status, out) = w.post(&w.sw, "/api/v1/families/fam1/conferences", request_body(kind, previous)).await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    Conf { id: out["conference_id"].as_str().unwrap().to_owned(), version: out["version"].as_i64().unwrap() }
}

fn invitation_number(view: &Value, pred: impl Fn(&Value) -> bool) -> u64 {
    view["conference"]["invitations"].as_array().unwrap().iter().find(|i| pred(&i["invitee"])).expect("invitation")
        ["id"]
        .as_u64()
        .unwrap()
}

/// Schedules, invites, prepares and holds a conference on `day` (YYYY-MM-DD) with everyone
/// present, up to (not including) the decisions. The father is excluded from one part.
async fn hold(w: &World, c: &mut Conf, day: &str, before: &str, review: bool) {
    // Arranged two weeks before, so reports reach the chair and the parents in time (REP-01/02).
    let arranging = day.parse::<chrono::NaiveDate>().unwrap() - chrono::Days::new(14);
    w.set_clock(&format!("{arranging} 09:00"));
    c.ok(
        w,
        &w.coord,
        "schedule",
        json!({"date": day, "time": "10:00", "video_link": "https://meet.example.org/x", "chair_id": w.ids.chair, "note_taker_id": w.ids.notes}),
    )
    .await;
    for a in ["fam1-mum", "fam1-dad"] {
        c.ok(w, &w.coord, "invitations", json!({"invitee": {"kind": "family-member", "adult_id": a}})).await;
    }
    for p in PROS {
        c.ok(w, &w.coord, "invitations", json!({"invitee": {"kind": "professional", "professional_id": p}})).await;
    }
    let amy = c
        .ok(w, &w.coord, "invitations", json!({"invitee": {"kind": "child", "child_id": "amy", "wishes_to_attend": true, "judged_appropriate": true}}))
        .await;
    // Rescheduling keeps the history and tells everyone invited (a message in the outbox).
    c.ok(
        w,
        &w.coord,
        "reschedule",
        json!({"date": day, "time": "11:30", "video_link": "https://meet.example.org/x", "chair_id": w.ids.chair,
               "note_taker_id": w.ids.notes, "reason": "The room was double-booked."}),
    )
    .await;
    let told = confer_store::otp::outbox_for(&w.app.db, "p-school@example.org").await.unwrap();
    assert!(told.iter().any(|(subject, body)| subject.contains("new date") && body.contains("11:30")), "{told:?}");
    let view = c.read(w, &w.coord).await;
    assert!(
        view["checks"].as_array().unwrap().len() >= 7,
        "the coordinator sees who has not answered (INV-04): {}",
        view["checks"]
    );
    // Each professional answers their own invitation (INV-04); the coordinator answers for the family.
    for (token, p) in [(&w.sw, "p-sw"), (&w.teacher, "p-school"), (&w.hv, "p-hv"), (&w.police, "p-police")] {
        let n = invitation_number(&view, |i| i["professional_id"] == p);
        c.ok(w, token, &format!("invitations/{n}/answer"), json!({"answer": {"answer": "remote"}})).await;
    }
    for a in ["fam1-mum", "fam1-dad"] {
        let n = invitation_number(&view, |i| i["adult_id"] == a);
        c.ok(w, &w.coord, &format!("invitations/{n}/answer"), json!({"answer": {"answer": "in-person"}})).await;
    }
    let amy = amy["number"].as_u64().unwrap();
    c.ok(w, &w.coord, &format!("invitations/{amy}/answer"), json!({"answer": {"answer": "in-person"}})).await;
    c.ok(w, &w.coord, "needs-met", json!({"adult_id": "fam1-mum", "need": "childcare", "how": "Creche booked"})).await;

    // Reports (REP-01..04): the social worker's, with a restricted part, shared with both parents.
    let report = c
        .ok(
            w,
            &w.sw,
            "reports",
            json!({"author": "p-sw", "parts": [
                {"heading": "Assessment", "text": "Home conditions poor.", "restricted": null},
                {"heading": "Police intelligence", "text": "SECRET-POLICE-INFO", "restricted": "police-information"}
            ]}),
        )
        .await["number"]
        .as_u64()
        .unwrap();
    // The teacher submits their own report (REP-02).
    c.ok(
        w,
        &w.teacher,
        "reports",
        json!({"author": "p-school", "parts": [{"heading": "School", "text": "Attendance 82%.", "restricted": null}]}),
    )
    .await;
    for a in ["fam1-mum", "fam1-dad"] {
        let out = c
            .ok(
                w,
                &w.sw,
                &format!("reports/{report}/share"),
                json!({"recipient": {"recipient": "family-member", "id": a}, "discussed_with_author": true}),
            )
            .await;
        // rule: REP-03 — the police information never reaches a parent.
        assert_eq!(out["result"]["sent"]["parts_sent"], json!(["Assessment"]), "{out}");
        assert_eq!(out["result"]["copy"]["parts_withheld"], json!(true));
        assert!(!out.to_string().contains("SECRET-POLICE-INFO"));
    }
    if !review {
        // EXC-03: a part is chosen from the agenda's list; a typed part is refused, saying so.
        let typed = json!({"version": c.version, "decision": {
            "adult_id": "fam1-dad",
            "scope": {"scope": "part", "part": "Domestic abuse", "kind": "domestic-abuse-between-parents",
                      "will_see": "the plan", "will_not_see": "the rest"},
            "reasons": ["risk-of-violence"], "detail": "d", "rests_on_police_information": false,
            "views_by": ["letter-to-chair"]
        }});
        let (status, out) = w.post(&w.chair, &c.path("exclusions"), typed).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
        assert!(out.to_string().contains("complicating-factors"), "the list is given: {out}");
        // EXC-01..03: the chair excludes the father from one part of the conference.
        c.ok(
            w,
            &w.chair,
            "exclusions",
            json!({"decision": {
                "adult_id": "fam1-dad",
                "scope": {"scope": "part", "part": "complicating-factors", "kind": "domestic-abuse-between-parents",
                          "will_see": "the decisions and the plan", "will_not_see": "what the mother said about the abuse"},
                "reasons": ["risk-of-violence"],
                "detail": "Police report threats to the mother.",
                "rests_on_police_information": true,
                "views_by": ["letter-to-chair"]
            }}),
        )
        .await;
    } else {
        // EXC-05: the previous conference's exclusion is decided again, never carried over.
        c.ok(w, &w.chair, "exclusions/previous", json!({"adult_id": "fam1-dad", "outcome": "not-excluded"})).await;
    }
    w.set_clock(&format!("{before} 09:00"));
    for a in ["fam1-mum", "fam1-dad"] {
        c.ok(
            w,
            &w.chair,
            "pre-meetings",
            json!({"adult_id": a, "outcome": {"outcome": "held", "mode": "virtual", "on": before}}),
        )
        .await;
    }

    // The day of the conference.
    w.set_clock(&format!("{day} 10:00"));
    let (status, list) = w.get(&w.chair, &format!("/api/v1/conferences/chaired?from={day}&to={day}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.as_array().unwrap().iter().any(|r| r["id"] == c.id.as_str()), "the chair's list: {list}");
    c.ok(w, &w.chair, "start", json!({})).await;
    let view = c.read(w, &w.notes).await;
    for inv in view["conference"]["invitations"].as_array().unwrap() {
        let n = inv["id"].as_u64().unwrap();
        let parts = if !review && inv["invitee"]["adult_id"] == "fam1-dad" {
            json!(["working-well", "next-steps"])
        } else {
            json!([])
        };
        c.ok(w, &w.notes, "attendance", json!({"attendance": {"invitation": n, "presence": "in-person", "parts": parts, "arrived_late_at": null, "left_early_at": null}}))
            .await;
    }
    // MEET-05: the discussion under the headings; one restricted point, one in the excluded part.
    for (step, body) in [
        ("discussion", json!({"version": c.version, "heading": "worries", "text": "x", "part": "Police info"})),
        (
            "attendance",
            json!({"version": c.version, "attendance": {"invitation": 1, "presence": "in-person", "parts": ["Introductions"],
                   "arrived_late_at": null, "left_early_at": null}}),
        ),
    ] {
        let (status, out) = w.post(&w.notes, &c.path(step), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "MEET-02, EXC-03: a typed part is refused: {out}");
    }
    c.ok(w, &w.notes, "discussion", json!({"heading": "working-well", "text": "The children love their parents."}))
        .await;
    c.ok(w, &w.notes, "discussion", json!({"heading": "worries", "text": "Ben arrives hungry.", "child_id": "ben"}))
        .await;
    c.ok(
        w,
        &w.notes,
        "discussion",
        json!({"heading": "history", "text": "RESTRICTED-THIRD-PARTY detail.", "restricted": true}),
    )
    .await;
    if !review {
        c.ok(
            w,
            &w.notes,
            "discussion",
            json!({"heading": "worries", "text": "EXCLUDED-PART what the mother said.", "part": "complicating-factors"}),
        )
        .await;
    }
    // MEET-06: a correction; DEC-02: a parent's views.
    c.ok(w, &w.notes, "corrections", json!({"by": {"kind": "family-member", "id": "fam1-mum"}, "what_was_said": "Ben misses school", "correction": "Ben was ill"}))
        .await;
    c.ok(w, &w.notes, "parent-views", json!({"adult_id": "fam1-mum", "views": "We are trying our best."})).await;
}

/// The chair asks each professional present for their view, then decides for each child.
async fn decide_all(w: &World, c: &mut Conf, decisions: &[(&str, Value)]) {
    for (child, outcome) in decisions {
        let plan = outcome["outcome"] == "child-protection-plan" || outcome["outcome"] == "continue-plan";
        for p in PROS {
            c.ok(
                w,
                &w.chair,
                "professional-views",
                json!({"professional_id": p, "child_id": child, "view": if plan { "plan" } else { "no-plan" }, "reasons": "From my report."}),
            )
            .await;
        }
        c.ok(
            w,
            &w.chair,
            "decisions",
            json!({"child_id": child, "outcome": outcome, "continuing_risk_of_significant_harm": plan}),
        )
        .await;
    }
}

/// An initial conference for the three siblings, held on Friday 20 November 2026 and closed.
async fn closed_icpc(w: &World) -> Conf {
    let mut c = request(w, "initial", None).await;
    hold(w, &mut c, "2026-11-20", "2026-11-19", false).await;
    c.ok(
        w,
        &w.notes,
        "actions",
        json!({"children": ["amy", "ben"], "what": "Breakfast club daily", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-11-30"}),
    )
    .await;
    decide_all(
        w,
        &mut c,
        &[
            ("amy", json!({"outcome": "child-protection-plan", "category": "neglect"})),
            ("ben", json!({"outcome": "child-protection-plan", "category": "emotional"})),
            ("cara", json!({"outcome": "child-in-need-plan"})),
        ],
    )
    .await;
    c.ok(
        w,
        &w.chair,
        "legal-recommendations",
        json!({"children": ["amy"], "action": "pre-proceedings", "reasons": "Neglect over two years."}),
    )
    .await;
    c.ok(
        w,
        &w.chair,
        "dissents",
        json!({"professional_id": "p-hv", "child_id": "cara", "reasons": "Cara needs a CP plan too.", "discussed_with_chair": true, "chair_response": "Her needs are met by a CiN plan."}),
    )
    .await;
    c.ok(w, &w.chair, "close", json!({})).await;
    c
}

#[tokio::test]
async fn initial_conference_for_three_siblings_then_a_review_that_ends_one_plan_through_the_api() {
    let w = world().await;

    // --- The request (S47-01), due within 15 working days of the strategy discussion (TIME-01).
    let (status, _) = w.post(&w.teacher, "/api/v1/families/fam1/conferences", request_body("initial", None)).await;
    // The teacher works with the family (so may read its record), but does not request
    // conferences: refused plainly.
    assert_eq!(status, StatusCode::FORBIDDEN, "a partner professional does not request conferences");
    let mut c = request(&w, "initial", None).await;
    let view = c.read(&w, &w.sw).await;
    assert_eq!(view["state"], "requested");
    assert_eq!(view["due_by"], "2026-11-23", "TIME-01: 15 working days after Monday 2 November");
    let (_, queue) = w.get(&w.coord, "/api/v1/conferences/requested").await;
    assert!(queue.as_array().unwrap().iter().any(|r| r["id"] == c.id.as_str()), "waiting to be scheduled: {queue}");

    // CHAIR-01: the social worker's own manager cannot chair.
    let out = c
        .refused(
            &w,
            &w.coord,
            "schedule",
            json!({"date": "2026-11-20", "time": "10:00", "venue": "Room 1", "chair_id": w.ids.tm}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(out["message"].as_str().unwrap().contains("management line"), "{out}");
    // Before they are invited, partner professionals do not see the conference.
    assert_eq!(w.get(&w.teacher, &c.path("")).await.0, StatusCode::NOT_FOUND);

    hold(&w, &mut c, "2026-11-20", "2026-11-19", false).await;
    // MEET-07: an action recorded live, visible to everyone present.
    c.ok(
        &w,
        &w.notes,
        "actions",
        json!({"children": ["amy", "ben"], "what": "Breakfast club daily", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-11-30"}),
    )
    .await;
    let live = c.read(&w, &w.teacher).await;
    assert_eq!(live["conference"]["actions"][0]["what"], "Breakfast club daily");
    // DEC-02: no decision before every professional present has given a view.
    let out = c
        .refused(
            &w,
            &w.chair,
            "decisions",
            json!({"child_id": "amy", "outcome": {"outcome": "child-protection-plan", "category": "neglect"}, "continuing_risk_of_significant_harm": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(out["message"].as_str().unwrap().starts_with("Record the view"), "{out}");
    // Only the chair decides (ROLE-01): the note taker sees the conference, so 403.
    let (status, _) = w
        .post(
            &w.notes,
            &c.path("decisions"),
            json!({"version": c.version, "child_id": "amy", "outcome": {"outcome": "no-further-plan"}, "continuing_risk_of_significant_harm": false}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    decide_all(
        &w,
        &mut c,
        &[
            ("amy", json!({"outcome": "child-protection-plan", "category": "neglect"})),
            ("ben", json!({"outcome": "child-protection-plan", "category": "emotional"})),
            ("cara", json!({"outcome": "child-in-need-plan"})),
        ],
    )
    .await;
    // DIS-01/02: the health visitor disagrees about Cara; the chair records it and responds.
    c.ok(
        &w,
        &w.chair,
        "dissents",
        json!({"professional_id": "p-hv", "child_id": "cara", "reasons": "Cara needs a CP plan too.", "discussed_with_chair": true, "chair_response": "Her needs are met by a CiN plan."}),
    )
    .await;
    c.ok(&w, &w.chair, "close", json!({})).await;
    let closed = c.read(&w, &w.chair).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["conference"]["outcome_due_by"], "2026-11-23", "DEC-05: within 1 working day");
    assert_eq!(closed["conference"]["next_review"]["latest"], "2027-02-20", "REV-01: within 3 months");
    // The family's case follows the conference, in the same transaction, with its audit event.
    let family = confer_store::families::family_record(&w.app.db, "fam1").await.unwrap();
    assert_eq!(family.case.map(|c| c.stage), Some(CaseStage::ChildProtectionPlan));
    let events =
        confer_store::audit::for_entity(&w.app.db, w.app.authority.id.as_str(), "family", "fam1", 500).await.unwrap();
    assert!(events.iter().any(|e| e.action == "case.stage" && e.after.contains("child-protection-plan")));
    let plans: Vec<(String, Value)> = closed["conference"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["child"].as_str().unwrap().to_owned(), d["outcome"].clone()))
        .collect();
    assert_eq!(
        plans,
        vec![
            ("amy".to_owned(), json!({"outcome": "child-protection-plan", "category": "neglect"})),
            ("ben".to_owned(), json!({"outcome": "child-protection-plan", "category": "emotional"})),
            ("cara".to_owned(), json!({"outcome": "child-in-need-plan"})),
        ]
    );
    for a in ["fam1-mum", "fam1-dad"] {
        c.ok(&w, &w.coord, "outcome-sent", json!({"recipient": {"recipient": "family-member", "id": a}})).await;
    }

    // --- The record (MIN-01..03): never sent as a draft; approved; each recipient's copy.
    w.set_clock("2026-11-23 09:00");
    let out = c
        .refused(
            &w,
            &w.coord,
            "record/distribute",
            json!({"recipient": {"recipient": "family-member", "id": "fam1-mum"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(out["message"].as_str().unwrap().contains("not been approved"), "MIN-02: {out}");
    c.ok(&w, &w.notes, "record/draft", json!({})).await;
    c.ok(&w, &w.chair, "record/approve", json!({})).await;
    let mum = c
        .ok(&w, &w.coord, "record/distribute", json!({"recipient": {"recipient": "family-member", "id": "fam1-mum"}}))
        .await;
    let text = mum["result"].to_string();
    assert!(text.contains("Amy Brook: A child protection plan under the category of neglect"), "{text}");
    assert!(text.contains("Ben Brook: A child protection plan under the category of emotional abuse"));
    assert!(text.contains("Cara Brook: A child in need plan"));
    assert!(
        text.contains("A professional disagreed") && !text.contains("Hal Visitor: A professional"),
        "DIS-02 without attribution"
    );
    assert!(mum["result"]["confidentiality"].is_string(), "MEET-04");
    // MIN-04/05: a parent's correction request, accepted as a new version.
    c.ok(
        &w,
        &w.sw,
        "record/correction-requests",
        json!({"adult_id": "fam1-mum", "record_version": 1, "what": "Ben was ill, not missing school."}),
    )
    .await;
    c.ok(
        &w,
        &w.chair,
        "record/correction-requests/1/answer",
        json!({"accepted": true, "changes": [{"index": 0, "text": "Corrected attendance."}], "note": "Agreed."}),
    )
    .await;
    let record = c.read(&w, &w.chair).await;
    assert_eq!(record["conference"]["record"]["versions"].as_array().unwrap().len(), 2, "every version is kept");

    // --- The review (REV-01, DEC-01): Amy's plan continues, Ben's ends (step down), Cara has none.
    w.set_clock("2027-01-20 09:00");
    let mut r = request(&w, "review", Some(&c.id)).await;
    let rv = r.read(&w, &w.sw).await;
    assert_eq!(rv["due_by"], "2027-02-20", "REV-01: the review is due by the date the ICPC set");
    assert_eq!(rv["conference"]["previous"]["chair"], w.ids.chair.as_str(), "CHAIR-02: the same chair is suggested");
    let current: Vec<Value> =
        rv["conference"]["children"].as_array().unwrap().iter().map(|c| c["current_plan"].clone()).collect();
    assert_eq!(
        current,
        vec![json!("neglect"), json!("emotional"), Value::Null],
        "plans carried from the ICPC's decisions"
    );
    hold(&w, &mut r, "2027-02-19", "2027-02-18", true).await;
    decide_all(
        &w,
        &mut r,
        &[
            ("amy", json!({"outcome": "continue-plan", "category": "neglect"})),
            ("ben", json!({"outcome": "end-plan-step-down-to-child-in-need"})),
            ("cara", json!({"outcome": "no-further-plan"})),
        ],
    )
    .await;
    r.ok(&w, &w.chair, "close", json!({})).await;
    let done = r.read(&w, &w.chair).await;
    assert_eq!(done["conference"]["next_review"]["latest"], "2027-08-19", "six months after a review");
    let on_plan: Vec<&str> = done["conference"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"]["category"].is_string())
        .map(|d| d["child"].as_str().unwrap())
        .collect();
    assert_eq!(on_plan, vec!["amy"], "only Amy stays on a plan");
    let ben = done["conference"]["decisions"].as_array().unwrap().iter().find(|d| d["child"] == "ben").unwrap().clone();
    assert_eq!(ben["previous_category"], "emotional");

    // The family's conferences and the authority's list.
    let (_, list) = w.get(&w.sw, "/api/v1/families/fam1/conferences").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, closed_list) = w.get(&w.coord, "/api/v1/conferences?state=closed").await;
    assert_eq!(closed_list.as_array().unwrap().len(), 2);
    // The OpenAPI document lists the conference endpoints.
    let (_, doc) = w.get(&w.coord, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/conferences/{conference_id}/decisions"]["post"].is_object());

    // The case's deadlines followed the journey (TIME-01, DEC-05, MIN-03, CG-02, REV-01): the
    // initial conference was due 15 working days after the strategy discussion and is met; the
    // outcome, record, first core group and both reviews were set from the conference dates.
    let stored = confer_store::deadlines::for_family(&w.app.db, "fam1").await.unwrap();
    let rules: Vec<&str> = stored.iter().map(|d| d.deadline.rule.as_str()).collect();
    for rule in ["initial-conference", "outcome-sent", "record-sent", "first-core-group", "first-review", "next-review"]
    {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let icpc = stored.iter().find(|d| d.deadline.rule.as_str() == "initial-conference").unwrap();
    assert_eq!(icpc.deadline.trigger.to_string(), "2026-11-02");
    assert_eq!(icpc.deadline.due.to_string(), "2026-11-23", "15 working days after Monday 2 November 2026");
    assert!(icpc.met.is_some(), "held, so met");
    let record = stored.iter().find(|d| d.deadline.rule.as_str() == "record-sent").unwrap();
    assert!(record.met.is_some(), "the record was sent");
}

#[tokio::test]
async fn a_change_from_a_stale_version_is_refused_with_409_and_the_current_version() {
    let w = world().await;
    let mut c = request(&w, "initial", None).await;
    let seen = c.version;
    c.ok(
        &w,
        &w.coord,
        "schedule",
        json!({"date": "2026-11-20", "time": "10:00", "venue": "Room 1", "chair_id": w.ids.chair}),
    )
    .await;
    // A second coordinator still holds the version before the schedule.
    let (status, out) = w
        .post(
            &w.coord,
            &c.path("invitations"),
            json!({"version": seen, "invitee": {"kind": "family-member", "adult_id": "fam1-mum"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    assert_eq!(out["error"], "version_conflict");
    assert_eq!(out["current_version"], c.version);
    let view = c.read(&w, &w.coord).await;
    assert_eq!(view["conference"]["invitations"], json!([]), "nothing was saved over the other change");
    // The If-Match header works as well as the field, and a missing version is asked for.
    let res = w
        .http
        .post(format!("{}{}", w.app.base, c.path("invitations")))
        .bearer_auth(&w.coord)
        .header("If-Match", format!("\"{}\"", c.version))
        .json(&json!({"invitee": {"kind": "family-member", "adult_id": "fam1-mum"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _) = w
        .post(&w.coord, &c.path("invitations"), json!({"invitee": {"kind": "family-member", "adult_id": "fam1-dad"}}))
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    // Bad input is a 4xx with a reason, never a 500.
    let (status, out) =
        w.post(&w.coord, &c.path("invitations"), json!({"version": 2, "invitee": {"kind": "nobody"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
}

#[tokio::test]
async fn another_familys_or_tenants_conference_answers_404_and_so_does_one_a_professional_is_not_invited_to_role_11() {
    let w = world().await;
    let mut c = request(&w, "initial", None).await;
    // The social worker of another family.
    assert_eq!(w.get(&w.other_sw, &c.path("")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = w.post(&w.other_sw, &c.path("cancel"), json!({"version": c.version, "reason": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A conference that does not exist answers the same.
    assert_eq!(w.get(&w.other_sw, "/api/v1/conferences/nope").await.0, StatusCode::NOT_FOUND);
    // A coordinator of another authority.
    let other = confer_store::users::create_authority(
        &w.app.db,
        "T02",
        "Otherwhere Council",
        confer_domain::Nation::Wales,
        "test",
    )
    .await
    .unwrap();
    let (coord2, _) = staff_in(&w.app, &other, "coord2", &[Role::Coordinator], None).await;
    let coord2 = tokens::create(&w.app.db, &coord2, other.id.as_str(), "api", &[Scope::Read, Scope::Write], "test")
        .await
        .unwrap()
        .1;
    assert_eq!(w.get(&coord2, &c.path("")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = w
        .post(
            &coord2,
            &c.path("schedule"),
            json!({"version": c.version, "date": "2026-11-20", "time": "10:00", "venue": "x", "chair_id": w.ids.chair}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A partner professional who is not invited, and one invited only once the invitation is sent.
    c.ok(
        &w,
        &w.coord,
        "schedule",
        json!({"date": "2026-11-20", "time": "10:00", "venue": "Room 1", "chair_id": w.ids.chair}),
    )
    .await;
    c.ok(&w, &w.coord, "invitations", json!({"invitee": {"kind": "professional", "professional_id": "p-school"}}))
        .await;
    assert_eq!(w.get(&w.outsider, &c.path("")).await.0, StatusCode::NOT_FOUND);
    let (status, _) =
        w.post(&w.outsider, &c.path("reports"), json!({"version": c.version, "author": "p-school", "parts": []})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.get(&w.hv, &c.path("")).await.0,
        StatusCode::NOT_FOUND,
        "named on the case, not invited to this conference"
    );
    assert_eq!(w.get(&w.teacher, &c.path("")).await.0, StatusCode::OK, "invited");
    let (_, list) = w.get(&w.hv, "/api/v1/families/fam1/conferences").await;
    assert_eq!(list, json!([]), "the family's list shows only the conferences one may see");
    // Another family's list is not found for this family's social worker.
    assert_eq!(w.get(&w.sw, "/api/v1/families/fam2/conferences").await.0, StatusCode::NOT_FOUND);
    let (status, _) = w.post(&w.sw, "/api/v1/families/fam2/conferences", request_body("initial", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The chair is not yet anyone's chair: lists of the authority are for coordinators.
    assert_eq!(w.get(&w.chair, "/api/v1/conferences").await.0, StatusCode::FORBIDDEN);
    let _ = &w.tm;
}

#[tokio::test]
async fn dissent_after_the_conference_is_closed_is_refused_with_the_reason_dis_01() {
    let w = world().await;
    let mut c = closed_icpc(&w).await;
    let out = c
        .refused(
            &w,
            &w.chair,
            "dissents",
            json!({"professional_id": "p-police", "reasons": "Late disagreement.", "discussed_with_chair": true, "chair_response": "Noted."}),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(out["error"], "wrong_state");
    assert!(
        out["message"].as_str().unwrap().contains("Dissent is recorded during the conference"),
        "the domain's reason: {out}"
    );
    let view = c.read(&w, &w.chair).await;
    assert_eq!(view["conference"]["dissents"].as_array().unwrap().len(), 1, "only the dissent made in the meeting");
    c.version = view["version"].as_i64().unwrap();
}

#[tokio::test]
async fn the_record_sent_to_an_excluded_parent_leaves_out_the_excluded_part_and_restricted_content_exc_06_rep_03() {
    let w = world().await;
    let mut c = closed_icpc(&w).await;
    w.set_clock("2026-11-23 09:00");
    c.ok(&w, &w.notes, "record/draft", json!({})).await;
    c.ok(&w, &w.chair, "record/approve", json!({})).await;
    let dad = c
        .ok(&w, &w.coord, "record/distribute", json!({"recipient": {"recipient": "family-member", "id": "fam1-dad"}}))
        .await;
    let dad_text = dad["result"].to_string();
    assert!(!dad_text.contains("EXCLUDED-PART"), "EXC-06: the part he was excluded from: {dad_text}");
    assert!(!dad_text.contains("RESTRICTED-THIRD-PARTY"), "REP-03");
    assert!(!dad_text.contains("Police report threats"), "the chair's reasons rest on police information");
    assert_eq!(dad["result"]["sections_withheld"], json!(true));
    assert!(dad_text.contains("Amy Brook: A child protection plan"), "he still gets the decisions and the plan");
    let mum = c
        .ok(&w, &w.coord, "record/distribute", json!({"recipient": {"recipient": "family-member", "id": "fam1-mum"}}))
        .await;
    let mum_text = mum["result"].to_string();
    assert!(mum_text.contains("EXCLUDED-PART"), "the mother was not excluded from that part");
    assert!(!mum_text.contains("RESTRICTED-THIRD-PARTY"), "REP-03: never in a parent's copy");
    let school = c
        .ok(&w, &w.coord, "record/distribute", json!({"recipient": {"recipient": "professional", "id": "p-school"}}))
        .await;
    let school_text = school["result"].to_string();
    assert!(
        school_text.contains("RESTRICTED-THIRD-PARTY") && school_text.contains("EXCLUDED-PART"),
        "professionals get the whole record"
    );
    // REP-04 and MIN-03: every sending is logged.
    let view = c.read(&w, &w.coord).await;
    assert_eq!(view["conference"]["record"]["distribution"].as_array().unwrap().len(), 3);
}

/// What cannot be read is answered with its own status and the JSON error body, after the
/// access check: bad JSON 400 (never 403), a body that is not what the step takes 422, no
/// version 428, a path number that is not a number 400; someone who may not reach the
/// conference gets 404 whatever they send.
#[tokio::test]
async fn unreadable_requests_get_their_own_status_and_the_json_error_after_the_access_check() {
    let w = world().await;
    let c = request(&w, "initial", None).await;
    let raw = |token: &str, path: String, body: &'static str| {
        w.http
            .post(format!("{}{path}", w.app.base))
            .bearer_auth(token.to_owned())
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = raw(&w.coord, c.path("cancel"), "{not json").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "bad_request");
    // The same from someone who may not reach the conference says nothing about it.
    assert_eq!(raw(&w.other_sw, c.path("cancel"), "{not json").await.unwrap().status(), StatusCode::NOT_FOUND);
    let (status, out) = w.post(&w.coord, &c.path("cancel"), json!({"version": c.version, "reason": 7})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert_eq!(out["error"], "bad_body");
    let (status, out) = w.post(&w.coord, &c.path("cancel"), json!({"reason": "No longer needed"})).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{out}");
    assert_eq!(out["error"], "version_required");
    let (status, out) = w
        .post(
            &w.coord,
            &c.path("invitations/first/answer"),
            json!({"version": c.version, "answer": {"answer": "remote"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{out}");
    assert_eq!(out["error"], "bad_request");
    // Nothing of it changed the conference.
    assert_eq!(c.read(&w, &w.coord).await["version"], c.version);
}

/// A body made from the document alone (the schema's examples, else its types), as a
/// generated client or a fuzzer would make it.
fn from_schema(doc: &Value, schema: &Value) -> Value {
    let s = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap(),
        None => schema,
    };
    if let Some(e) = s.get("example").or_else(|| s.pointer("/examples/0")) {
        return e.clone();
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        let mut out = serde_json::Map::new();
        for part in all {
            if let Value::Object(m) = from_schema(doc, part) {
                out.extend(m);
            }
        }
        return Value::Object(out);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(k).and_then(Value::as_array).and_then(|v| v.iter().find(|x| x["type"] != "null")) {
            return from_schema(doc, first);
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array).and_then(|v| v.first()) {
        return e.clone();
    }
    let ty = match s.get("type") {
        Some(Value::Array(ts)) => ts.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        Some(t) => t.clone(),
        None => Value::Null,
    };
    match ty.as_str() {
        Some("object") => {
            let mut out = serde_json::Map::new();
            for (name, p) in s.get("properties").and_then(Value::as_object).into_iter().flatten() {
                out.insert(name.clone(), from_schema(doc, p));
            }
            Value::Object(out)
        }
        Some("array") => json!([from_schema(doc, &s["items"])]),
        Some("string") if s["format"] == "date" => json!("2026-11-20"),
        Some("string") => json!("From the document"),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

/// Every change to a conference in the OpenAPI document, with a body made from its schema
/// alone, is read by the API: the answer is the step's own (done, or refused by the
/// conference's rules at this stage with a reason), never "the body is not what this
/// operation takes" or a bad request.
#[tokio::test]
async fn a_body_made_from_the_document_alone_is_read_by_every_write() {
    let w = world().await;
    let c = request(&w, "initial", None).await;
    let doc: Value = reqwest::get(format!("{}/api/openapi.json", w.app.base)).await.unwrap().json().await.unwrap();
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("post") else { continue };
        let Some(rest) = path.strip_prefix("/api/v1/conferences/{conference_id}/") else { continue };
        let schema = op.pointer("/requestBody/content/application~1json/schema").unwrap();
        let mut body = from_schema(&doc, schema);
        body["version"] = json!(c.read(&w, &w.coord).await["version"]);
        let step = rest.replace("{number}", "1").replace("{child_id}", "child-from-the-document");
        let (status, out) = w.post(&w.coord, &c.path(&step), body.clone()).await;
        assert!(
            status != StatusCode::BAD_REQUEST && out["error"] != "bad_body",
            "POST {path} with {body} answered {status}: {out}"
        );
        tried += 1;
    }
    assert!(tried >= 37, "only {tried} writes tried");
}
