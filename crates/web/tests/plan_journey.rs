//! One child's journey after the conference (issue 13), through the API: Amy's initial
//! conference decides a child protection plan (PLAN-03), three core group meetings record
//! attendance, progress with evidence, 0-10 safety ratings and new actions (CG-03) and each
//! sets the next one (CG-02), a review continues the plan under a new category with its
//! history kept and its own actions added (REV-01, PLAN-02), and a second review ends it with
//! a step-down to a child in need plan carrying the actions the review chose (PLAN-04,
//! PLAN-05). The plan's versions, the child's timeline and the deadlines are checked on the way.
//! The same journey through the pages is in `plan_journey_pages.rs`.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::timescales::DeadlineRule;
use confer_domain::Role;
use confer_store::tokens::{self, Scope};
use confer_store::users::AccountKind;
use confer_web::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PROS: [&str; 4] = ["p-sw", "p-school", "p-hv", "p-police"];

pub struct World {
    app: App,
    clock: Clock,
    http: reqwest::Client,
    coord: String,
    chair: String,
    notes: String,
    sw: String,
    sw_id: String,
    chair_id: String,
    notes_id: String,
}

async fn person(app: &App, name: &str, roles: &[Role]) -> (String, String) {
    let (id, _) = app.world.person(name).roles(roles).kind(AccountKind::Staff).signs_in().create().await;
    let scopes = [Scope::Read, Scope::Write];
    let t = tokens::create_for_days(&app.db, &id, app.authority.id.as_str(), "api", &scopes, tokens::MAX_DAYS, "test")
        .await
        .unwrap()
        .1;
    (id, t)
}

async fn world() -> World {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let (_, coord) = person(&app, "coord", &[Role::Coordinator]).await;
    let (chair_id, chair) = person(&app, "chair", &[Role::Chair]).await;
    let (notes_id, notes) = person(&app, "notes", &[Role::NoteTaker]).await;
    let (sw_id, sw) = person(&app, "sw", &[Role::SocialWorker]).await;
    let w = &app.world;
    for (p, name) in [("p-sw", None), ("p-school", Some("teacher")), ("p-hv", Some("hv")), ("p-police", Some("police"))]
    {
        let user = match name {
            Some(n) => Some(person(&app, n, &[Role::Professional]).await.0),
            None => Some(sw_id.clone()),
        };
        w.professional(p, user.as_deref()).await;
    }
    w.family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2016-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&PROS)
        .create()
        .await;
    World { app, clock, http: reqwest::Client::new(), coord, chair, notes, sw, sw_id, chair_id, notes_id }
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
    async fn ok(&self, token: &str, path: &str, body: Value) -> Value {
        let (status, out) = self.post(token, path, body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {out}");
        out
    }
    /// Amy's plans: (id, kind).
    async fn plans(&self) -> Vec<(String, String)> {
        let (status, list) = self.get(&self.sw, "/api/v1/families/fam1/plans").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].as_str().unwrap().to_owned(), p["kind"].as_str().unwrap().to_owned()))
            .collect()
    }
    async fn plan(&self, id: &str) -> Value {
        let (status, view) = self.get(&self.sw, &format!("/api/v1/plans/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }
    async fn history(&self, id: &str) -> Vec<String> {
        let (status, h) = self.get(&self.sw, &format!("/api/v1/plans/{id}/history")).await;
        assert_eq!(status, StatusCode::OK, "{h}");
        h.as_array().unwrap().iter().map(|v| v["action"].as_str().unwrap().to_owned()).collect()
    }
    async fn deadline(&self, rule: DeadlineRule) -> Vec<(String, Option<String>)> {
        confer_store::deadlines::for_family(&self.app.db, "fam1")
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.deadline.rule == rule && d.cancelled_on.is_none())
            .map(|d| (d.deadline.due.to_string(), d.met.map(|m| m.to_string())))
            .collect()
    }
}

/// One conference as the client knows it: its id and the version it last saw.
pub struct Conf {
    id: String,
    version: i64,
}

impl Conf {
    fn path(&self, step: &str) -> String {
        format!("/api/v1/conferences/{}/{step}", self.id)
    }
    async fn ok(&mut self, w: &World, token: &str, step: &str, mut body: Value) -> Value {
        body["version"] = json!(self.version);
        let out = w.ok(token, &self.path(step), body).await;
        self.version = out["version"].as_i64().expect("version");
        out
    }
}

/// A conference about Amy requested, held on `day` with everyone present, the `agreed` actions
/// recorded, decided with `outcome` and closed.
async fn conference(
    w: &World,
    kind: &str,
    previous: Option<&str>,
    day: &str,
    agreed: &[Value],
    outcome: Value,
) -> Conf {
    conference_with(w, kind, previous, day, agreed, outcome, json!({})).await
}

/// [`conference`], with more fields in the decision (`extra`, an object).
async fn conference_with(
    w: &World,
    kind: &str,
    previous: Option<&str>,
    day: &str,
    agreed: &[Value],
    outcome: Value,
    extra: Value,
) -> Conf {
    let (status, out) = w
        .post(
            &w.sw,
            "/api/v1/families/fam1/conferences",
            json!({
                "kind": kind,
                "children": [{"child_id": "amy"}],
                "strategy_discussion_on": if kind == "initial" { json!("2026-11-02") } else { Value::Null },
                "enquiry": "section-47",
                "harm_finding": "suffering",
                "previous_conference_id": previous,
                "reason": "Neglect.",
                "concerns": ["neglect"],
                "family_members": [{"adult_id": "fam1-mum"}],
                "professionals": PROS,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let mut c =
        Conf { id: out["conference_id"].as_str().unwrap().to_owned(), version: out["version"].as_i64().unwrap() };
    c.ok(
        w,
        &w.coord,
        "schedule",
        json!({"date": day, "time": "10:00", "venue": "Room 1", "chair_id": w.chair_id, "note_taker_id": w.notes_id}),
    )
    .await;
    c.ok(w, &w.coord, "invitations", json!({"invitee": {"kind": "family-member", "adult_id": "fam1-mum"}})).await;
    for p in PROS {
        c.ok(w, &w.coord, "invitations", json!({"invitee": {"kind": "professional", "professional_id": p}})).await;
    }
    w.set_clock(&format!("{day} 10:00"));
    c.ok(
        w,
        &w.chair,
        "pre-meetings",
        json!({"adult_id": "fam1-mum", "outcome": {"outcome": "held", "mode": "virtual", "on": day}}),
    )
    .await;
    c.ok(w, &w.chair, "start", json!({})).await;
    let (_, view) = w.get(&w.chair, &format!("/api/v1/conferences/{}", c.id)).await;
    for inv in view["conference"]["invitations"].as_array().unwrap() {
        let n = inv["id"].as_u64().unwrap();
        c.ok(w, &w.notes, "attendance", json!({"attendance": {"invitation": n, "presence": "in-person", "parts": [], "arrived_late_at": null, "left_early_at": null}}))
            .await;
    }
    c.ok(w, &w.notes, "discussion", json!({"heading": "worries", "text": "Amy is often hungry at school."})).await;
    for a in agreed {
        c.ok(w, &w.notes, "actions", a.clone()).await;
    }
    let plan = outcome["outcome"] == "child-protection-plan" || outcome["outcome"] == "continue-plan";
    for p in PROS {
        c.ok(
            w,
            &w.chair,
            "professional-views",
            json!({"professional_id": p, "child_id": "amy", "view": if plan { "plan" } else { "no-plan" }, "reasons": "From my report."}),
        )
        .await;
    }
    let mut decision = json!({"child_id": "amy", "outcome": outcome, "continuing_risk_of_significant_harm": plan});
    if let (Some(d), Some(e)) = (decision.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    c.ok(w, &w.chair, "decisions", decision).await;
    c.ok(w, &w.chair, "close", json!({})).await;
    c
}

/// A core group meeting through the API on `day`, with the key worker and the teacher present.
async fn core_group(w: &World, plan: &str, day: &str, progress: Value, ratings: (u8, u8), new_actions: Value) -> Value {
    w.set_clock(&format!("{day} 09:00"));
    let version = w.plan(plan).await["version"].clone();
    let kw = json!({"kind": "key-worker", "id": w.sw_id});
    let teacher = json!({"kind": "professional", "id": "p-school"});
    w.ok(
        &w.sw,
        &format!("/api/v1/plans/{plan}/core-group-meetings"),
        json!({
            "version": version,
            "held_on": day,
            "present": [kw, teacher],
            "progress": progress,
            "safety": [{"member": kw, "rating": ratings.0}, {"member": teacher, "rating": ratings.1}],
            "new_actions": new_actions,
        }),
    )
    .await;
    w.plan(plan).await
}

#[tokio::test]
async fn a_child_from_the_icpc_through_three_core_groups_a_review_with_a_new_category_and_a_step_down_through_the_api_cg_02_cg_03_rev_01_plan_04_plan_05(
) {
    let w = world().await;
    // --- The ICPC on Friday 20 November 2026 decides a plan under neglect (PLAN-03).
    let breakfast = json!({"children": ["amy"], "what": "Breakfast club daily", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-11-30"});
    let icpc = conference(
        &w,
        "initial",
        None,
        "2026-11-20",
        &[breakfast],
        json!({"outcome": "child-protection-plan", "category": "neglect"}),
    )
    .await;
    let plans = w.plans().await;
    assert_eq!(plans.len(), 1, "{plans:?}");
    let cp = plans[0].0.clone();
    let plan = w.plan(&cp).await;
    assert_eq!(plan["plan"]["kind"], "child-protection");
    assert_eq!(plan["plan"]["actions"][0]["what"], "Breakfast club daily");
    // CG-02: the first core group within 10 working days; REV-01: the review within 3 months.
    assert_eq!(plan["plan"]["core_group_due_by"], "2026-12-04");
    assert_eq!(plan["plan"]["next_review_by"], "2027-02-20");
    assert_eq!(w.deadline(DeadlineRule::FirstCoreGroup).await, [("2026-12-04".to_owned(), None)]);
    assert_eq!(w.deadline(DeadlineRule::FirstReview).await, [("2027-02-20".to_owned(), None)]);

    // --- Core group 1, Wednesday 2 December: breakfast club started, a home visit added.
    let plan = core_group(
        &w,
        &cp,
        "2026-12-02",
        json!([{"number": 1, "status": "in-progress", "evidence": "Amy went on 6 of 8 days."}]),
        (3, 4),
        json!([{"what": "Weekly home visit", "owner": {"owner": "professional", "id": "p-hv"}, "due": "2027-01-08"}]),
    )
    .await;
    assert_eq!(plan["plan"]["core_group_due_by"], "2027-01-13", "CG-02: six weeks from this meeting");
    assert_eq!(
        w.deadline(DeadlineRule::FirstCoreGroup).await,
        [("2026-12-04".to_owned(), Some("2026-12-02".to_owned()))]
    );
    assert_eq!(w.deadline(DeadlineRule::NextCoreGroup).await, [("2027-01-13".to_owned(), None)]);

    // --- Core group 2, Wednesday 13 January: breakfast club done, visits going, a new action.
    let plan = core_group(
        &w,
        &cp,
        "2027-01-13",
        json!([
            {"number": 1, "status": "done", "evidence": "Every day since December."},
            {"number": 2, "status": "in-progress", "evidence": "Five visits, the home is warm."}
        ]),
        (5, 6),
        json!([{"what": "Mia joins the parenting group", "owner": {"owner": "family-member", "id": "fam1-mum"}, "due": "2027-02-26"}]),
    )
    .await;
    assert_eq!(plan["plan"]["core_group_due_by"], "2027-02-24");
    let next = w.deadline(DeadlineRule::NextCoreGroup).await;
    assert_eq!(next[0], ("2027-01-13".to_owned(), Some("2027-01-13".to_owned())), "{next:?}");
    assert_eq!(next[1], ("2027-02-24".to_owned(), None), "{next:?}");

    // --- Core group 3, Wednesday 3 February: no new action.
    let plan = core_group(
        &w,
        &cp,
        "2027-02-03",
        json!([
            {"number": 2, "status": "in-progress", "evidence": "Visits continue."},
            {"number": 3, "status": "in-progress", "evidence": "Mia has been to two sessions."}
        ]),
        (7, 7),
        json!([]),
    )
    .await;
    let meetings = plan["plan"]["core_group_meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 3);
    let ratings: Vec<i64> = meetings.iter().map(|m| m["safety"][0]["rating"].as_i64().unwrap()).collect();
    assert_eq!(ratings, [3, 5, 7], "the key worker's safety ratings over time");
    assert_eq!(plan["plan"]["actions"].as_array().unwrap().len(), 3);
    assert_eq!(
        w.history(&cp).await,
        ["plan.core-group-meeting", "plan.core-group-meeting", "plan.core-group-meeting", "plan.create"]
    );

    // --- Review 1, Friday 19 February 2027: the plan continues under emotional abuse, with a
    // new action agreed at the review.
    let course = json!({"children": ["amy"], "what": "Amy sees the school counsellor weekly", "owner": {"owner": "professional", "id": "p-school"}, "due": "2027-04-30"});
    let review = conference(
        &w,
        "review",
        Some(&icpc.id),
        "2027-02-19",
        &[course],
        json!({"outcome": "continue-plan", "category": "emotional"}),
    )
    .await;
    let plan = w.plan(&cp).await;
    assert!(plan["plan"]["ended"].is_null(), "{}", plan["plan"]["ended"]);
    let categories: Vec<(&str, &str)> = plan["plan"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["category"].as_str().unwrap(), c["from"].as_str().unwrap()))
        .collect();
    assert_eq!(categories, [("neglect", "2026-11-20"), ("emotional", "2027-02-19")], "the category history is kept");
    let actions = plan["plan"]["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 4, "the review's action joins the plan");
    assert_eq!(
        (actions[3]["number"].clone(), actions[3]["what"].clone()),
        (json!(4), json!("Amy sees the school counsellor weekly"))
    );
    assert_eq!(plan["plan"]["next_review_by"], "2027-08-19", "REV-01: within 6 months of a review");
    assert_eq!(w.deadline(DeadlineRule::FirstReview).await, [("2027-02-20".to_owned(), Some("2027-02-19".to_owned()))]);
    assert!(w.deadline(DeadlineRule::NextReview).await.contains(&("2027-08-19".to_owned(), None)));
    assert_eq!(w.history(&cp).await[0], "plan.review");
    let (_, family_plans) = w.get(&w.sw, "/api/v1/families/fam1/plans").await;
    assert_eq!(family_plans[0]["category"], "emotional");

    // --- Review 2, Friday 13 August 2027: the plan ends with a step-down to a child in need
    // plan carrying the action the review chose.
    w.set_clock("2027-08-02 09:00");
    let chosen = json!({"children": ["amy"], "what": "Family support worker visits fortnightly", "owner": {"owner": "agency", "id": "Family support"}, "due": "2027-10-29"});
    conference(
        &w,
        "review",
        Some(&review.id),
        "2027-08-13",
        &[chosen],
        json!({"outcome": "end-plan-step-down-to-child-in-need"}),
    )
    .await;
    let plan = w.plan(&cp).await;
    assert_eq!(plan["plan"]["ended"]["reason"], "review-decision");
    assert_eq!(plan["plan"]["ended"]["on"], "2027-08-13");
    assert!(plan["plan"]["next_review_by"].is_null(), "no review once the plan has ended");
    let plans = w.plans().await;
    let cin = plans.iter().find(|(_, kind)| kind == "child-in-need").expect("the child in need plan").0.clone();
    assert_eq!(plan["plan"]["lifecycle"]["stepped_down_to"], cin.as_str());
    let cin_view = w.plan(&cin).await;
    let life = &cin_view["plan"]["lifecycle"];
    assert_eq!(life["stepped_down_from"], cp.as_str());
    assert_eq!(life["actions_chosen_by_review"], true);
    let carried: Vec<&str> =
        cin_view["plan"]["actions"].as_array().unwrap().iter().map(|a| a["what"].as_str().unwrap()).collect();
    assert_eq!(carried, ["Family support worker visits fortnightly"]);
    assert!(life["network_meeting_due_by"].as_str().is_some_and(|d| d > "2027-08-13"), "PLAN-04: {life}");
    assert_eq!(w.history(&cin).await, ["plan.step-down"]);
    let cp_history = w.history(&cp).await;
    assert_eq!(cp_history.len(), 6, "{cp_history:?}");
    assert_eq!(&cp_history[..2], ["plan.review", "plan.review"]);
    // The ended plan is read, not changed.
    let v = plan["version"].as_i64().unwrap();
    let (status, _) =
        w.post(&w.sw, &format!("/api/v1/plans/{cp}/actions/2/status"), json!({"version": v, "status": "done"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The child's timeline through the API: the three conferences, every plan version, the
    // three core groups with their safety ratings, and the actions due.
    let (status, timeline) = w.get(&w.sw, "/api/v1/families/fam1/children/amy/timeline").await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let kinds = |k: &str| timeline["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == k).count();
    assert_eq!(kinds("conference"), 3);
    assert_eq!(kinds("core-group"), 3);
    assert_eq!(kinds("plan-version"), 7, "six of the child protection plan, one of the child in need plan");
    assert_eq!(kinds("action-due"), 5, "four on the child protection plan, one carried over");
    let days: Vec<&str> = timeline["entries"].as_array().unwrap().iter().map(|e| e["on"].as_str().unwrap()).collect();
    assert!(days.windows(2).all(|d| d[0] <= d[1]), "in date order: {days:?}");
    assert!(timeline.to_string().contains("Stepped down to a child in need plan"));
    assert_eq!(timeline["safety"], json!([["2026-12-02", 3, 3.5], ["2027-01-13", 5, 5.5], ["2027-02-03", 7, 7.0]]));
    assert_eq!(timeline["plans"].as_array().unwrap().len(), 2);
    let reads = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.timeline.read'")
        .fetch_one(w.app.db.pool())
        .await
        .unwrap();
    assert_eq!(reads, 1, "the timeline read is logged");
}

/// The form index of a core group member on the meeting page (its checkbox's value).
fn member_index(body: &str, value: &str) -> String {
    let at = body.find(&format!("value=\"{value}\"")).unwrap_or_else(|| panic!("{value} is on the form"));
    let id = body[..at].rsplit("id=\"").next().unwrap().split('"').next().unwrap();
    id.strip_prefix("cg-present-").unwrap_or("1").to_owned()
}

/// A core group meeting recorded on its page on `day`, with the key worker and the teacher
/// present; `rest` holds the progress, the new actions and any concern.
async fn core_group_page(w: &World, plan: &str, day: &str, ratings: (&str, &str), rest: &[(&str, &str)]) -> Browser {
    w.set_clock(&format!("{day} 09:00"));
    let mut sw = w.app.as_user(&w.sw_id).await;
    let path = format!("/plans/{plan}/core-group");
    let form = sw.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let kw = format!("key-worker:{}", w.sw_id);
    let kw_rating = format!("rating_{}", member_index(&form.body, &kw));
    let teacher_rating = format!("rating_{}", member_index(&form.body, "professional:p-school"));
    let held_on = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().format("%-d/%-m/%Y").to_string();
    let mut fields = vec![
        ("held_on", held_on.as_str()),
        ("present", kw.as_str()),
        ("present", "professional:p-school"),
        (kw_rating.as_str(), ratings.0),
        (teacher_rating.as_str(), ratings.1),
    ];
    fields.extend_from_slice(rest);
    let res = step(&mut sw, &path, &path, &fields).await;
    assert_eq!(res.location.as_deref(), Some(format!("/plans/{plan}?done=core-group#core-group-meetings").as_str()));
    sw
}

#[tokio::test]
async fn a_child_from_the_icpc_through_three_core_groups_a_review_with_a_new_category_and_a_step_down_through_the_pages_cg_02_cg_03_rev_01_plan_04_plan_05(
) {
    let w = world().await;
    // The conferences are held as in the API journey (their pages have their own journeys);
    // everything after them is done on the plan's pages.
    let breakfast = json!({"children": ["amy"], "what": "Breakfast club daily", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-11-30"});
    let icpc = conference(
        &w,
        "initial",
        None,
        "2026-11-20",
        &[breakfast],
        json!({"outcome": "child-protection-plan", "category": "neglect"}),
    )
    .await;
    let cp = w.plans().await[0].0.clone();
    let plan_path = format!("/plans/{cp}");
    let mut sw = w.app.as_user(&w.sw_id).await;
    let page = sw.get(&plan_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Neglect from 20 November 2026"), "the category");
    assert!(page.body.contains("4 December 2026"), "CG-02: the first core group date");
    assert!(page.body.contains("20 February 2027"), "REV-01: the first review date");
    let mine = sw.get("/plans").await;
    assert!(mine.body.contains(&plan_path), "on the social worker's plans");

    // --- Core group 1: the evidence is needed for the open action; the form keeps what was typed.
    w.set_clock("2026-12-02 09:00");
    let mut sw = w.app.as_user(&w.sw_id).await;
    let path = format!("/plans/{cp}/core-group");
    let form = sw.get(&path).await;
    let kw = format!("key-worker:{}", w.sw_id);
    let kw_rating = format!("rating_{}", member_index(&form.body, &kw));
    let res = refused(
        &mut sw,
        &path,
        &path,
        &[
            ("held_on", "2/12/2026"),
            ("present", kw.as_str()),
            (kw_rating.as_str(), "3"),
            ("status_1", "in-progress"),
            ("new_what_1", "Weekly home visit"),
        ],
    )
    .await;
    assert!(res.body.contains("action 1"), "{}", error_summary(&res.body));
    assert!(res.body.contains("Weekly home visit"), "what was typed is kept");
    let mut sw = core_group_page(
        &w,
        &cp,
        "2026-12-02",
        ("3", "4"),
        &[
            ("status_1", "in-progress"),
            ("evidence_1", "Amy went on 6 of 8 days."),
            ("new_what_1", "Weekly home visit"),
            ("new_owner_1", "professional:p-hv"),
            ("new_due_1", "8/1/2027"),
        ],
    )
    .await;
    let page = sw.get(&plan_path).await;
    assert!(page.body.contains("Meeting 1, 2 December 2026"));
    assert!(page.body.contains("13 January 2027"), "CG-02: the next core group six weeks on");
    let deadlines = sw.get("/deadlines").await;
    assert!(deadlines.body.contains("Next core group"), "the next one is on the due list");

    // --- Core groups 2 and 3.
    core_group_page(
        &w,
        &cp,
        "2027-01-13",
        ("5", "6"),
        &[
            ("status_1", "done"),
            ("evidence_1", "Every day since December."),
            ("status_2", "in-progress"),
            ("evidence_2", "Five visits, the home is warm."),
            ("new_what_1", "Mia joins the parenting group"),
            ("new_owner_1", "family-member:fam1-mum"),
            ("new_due_1", "26/2/2027"),
        ],
    )
    .await;
    let mut sw = core_group_page(
        &w,
        &cp,
        "2027-02-03",
        ("7", "7"),
        &[
            ("status_2", "in-progress"),
            ("evidence_2", "Visits continue."),
            ("status_3", "in-progress"),
            ("evidence_3", "Mia has been to two sessions."),
        ],
    )
    .await;
    let page = sw.get(&plan_path).await;
    assert!(page.body.contains("Meeting 3, 3 February 2027"));
    let timeline = sw.get("/families/fam1/children/amy/timeline").await;
    assert_eq!(timeline.status, StatusCode::OK);
    for m in ["Core group meeting 1", "Core group meeting 2", "Core group meeting 3"] {
        assert!(timeline.body.contains(m), "{m} on the timeline");
    }
    assert!(timeline.body.contains("stroke-dasharray"), "the safety chart");

    // --- Review 1 continues the plan under emotional abuse, adding an action.
    let counsellor = json!({"children": ["amy"], "what": "Amy sees the school counsellor weekly", "owner": {"owner": "professional", "id": "p-school"}, "due": "2027-04-30"});
    let review = conference(
        &w,
        "review",
        Some(&icpc.id),
        "2027-02-19",
        &[counsellor],
        json!({"outcome": "continue-plan", "category": "emotional"}),
    )
    .await;
    let mut sw = w.app.as_user(&w.sw_id).await;
    let page = sw.get(&plan_path).await;
    assert!(
        page.body.contains("Neglect from 20 November 2026; Emotional abuse from 19 February 2027"),
        "the category history is kept"
    );
    assert!(page.body.contains("Amy sees the school counsellor weekly"), "the review's action is on the plan");
    assert!(page.body.contains("19 August 2027"), "REV-01: the next review within 6 months");
    let history = sw.get(&format!("/plans/{cp}/history")).await;
    assert!(history.body.contains("Review conference"), "{}", history.body);

    // --- Review 2 ends the plan with a step-down carrying the action it chose.
    w.set_clock("2027-08-02 09:00");
    let chosen = json!({"children": ["amy"], "what": "Family support worker visits fortnightly", "owner": {"owner": "agency", "id": "Family support"}, "due": "2027-10-29"});
    conference(
        &w,
        "review",
        Some(&review.id),
        "2027-08-13",
        &[chosen],
        json!({"outcome": "end-plan-step-down-to-child-in-need"}),
    )
    .await;
    let cin = w.plans().await.into_iter().find(|(_, k)| k == "child-in-need").expect("the child in need plan").0;
    let mut sw = w.app.as_user(&w.sw_id).await;
    let page = sw.get(&plan_path).await;
    assert!(page.body.contains("This plan ended on 13 August 2027"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/plans/{cin}\"")), "the ended plan leads to the one that follows");
    assert!(!page.body.contains(&format!("href=\"/plans/{cp}/core-group\"")), "no more core groups");
    let cin_page = sw.get(&format!("/plans/{cin}")).await;
    assert_eq!(cin_page.status, StatusCode::OK);
    assert!(cin_page.body.contains(&format!("href=\"/plans/{cp}\"")), "and back");
    assert!(cin_page.body.contains("Family support worker visits fortnightly"));
    assert!(!cin_page.body.contains("Breakfast club daily"), "only the chosen action is carried over");
    let after = sw.get(&format!("/plans/{cin}/after")).await;
    assert!(after.body.contains("Its actions are the ones the review agreed."));
    assert!(after.body.contains("Next network meeting by"));
    let timeline = sw.get("/families/fam1/children/amy/timeline").await;
    assert!(timeline.body.contains("Stepped down to a child in need plan"));
}

#[tokio::test]
async fn the_chair_picks_the_actions_a_step_down_carries_over_and_the_others_close_with_the_reason_plan_05() {
    let w = world().await;
    let breakfast = json!({"children": ["amy"], "what": "Breakfast club daily", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-12-30"});
    let visits = json!({"children": ["amy"], "what": "Weekly home visit", "owner": {"owner": "professional", "id": "p-hv"}, "due": "2027-01-29"});
    let icpc = conference(
        &w,
        "initial",
        None,
        "2026-11-20",
        &[breakfast, visits],
        json!({"outcome": "child-protection-plan", "category": "neglect"}),
    )
    .await;
    let cp = w.plans().await[0].0.clone();
    w.set_clock("2027-02-08 09:00");
    // Only with a step-down, and only open actions of the child's plan.
    let (status, out) = w
        .post(
            &w.sw,
            "/api/v1/families/fam1/conferences",
            json!({"kind": "review", "children": [{"child_id": "amy"}], "previous_conference_id": icpc.id,
                "reason": "Review.", "concerns": ["neglect"], "family_members": [{"adult_id": "fam1-mum"}], "professionals": PROS}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let other = out["conference_id"].as_str().unwrap().to_owned();
    let scheduled = w
        .ok(
            &w.coord,
            &format!("/api/v1/conferences/{other}/schedule"),
            json!({"version": out["version"], "date": "2027-02-12", "time": "10:00", "venue": "Room 2",
                "chair_id": w.chair_id, "note_taker_id": w.notes_id}),
        )
        .await;
    let refused = w
        .post(
            &w.chair,
            &format!("/api/v1/conferences/{other}/decisions"),
            json!({"version": scheduled["version"], "child_id": "amy", "outcome": {"outcome": "end-plan-step-down-to-child-in-need"},
                "continuing_risk_of_significant_harm": false, "carry_over_actions": [7]}),
        )
        .await;
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.1);
    assert!(refused.1["message"].as_str().unwrap().contains("Action 7 is not an open action"), "{}", refused.1);
    // The review on Friday 19 February ends the plan with a step-down carrying action 2 only.
    conference_with(
        &w,
        "review",
        Some(&icpc.id),
        "2027-02-19",
        &[],
        json!({"outcome": "end-plan-step-down-to-child-in-need"}),
        json!({"carry_over_actions": [2]}),
    )
    .await;
    let plans = w.plans().await;
    let cin = plans.iter().find(|(_, kind)| kind == "child-in-need").expect("the child in need plan").0.clone();
    let cin_view = w.plan(&cin).await;
    let carried: Vec<(i64, &str)> = cin_view["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["number"].as_i64().unwrap(), a["what"].as_str().unwrap()))
        .collect();
    assert_eq!(carried, [(2, "Weekly home visit")]);
    assert_eq!(cin_view["plan"]["lifecycle"]["actions_chosen_by_review"], true);
    // Action 1 was not chosen: closed on the ended plan, with the reason, in its history.
    let plan = w.plan(&cp).await;
    let one = &plan["plan"]["actions"][0];
    assert_eq!(one["status"], "not-done", "{one}");
    assert!(one["not_done_reason"].as_str().unwrap().contains("Not carried over to the child in need plan"), "{one}");
    assert_eq!(plan["plan"]["actions"][1]["status"], "not-started", "the carried action stays as it was");
}
