//! Plans after the conference (issue 13) through the API and the pages: a child protection
//! plan made from the conference's outline when it closes (PLAN-03, PLAN-01), its core group
//! named at the conference becoming the access policy's CoreGroupMember (CG-01), actions with
//! owner, due date and status and overdue ones shown (PLAN-02), every change versioned with
//! what changed, when and by whom, the plan ending only with its reason (PLAN-05), and every
//! plan page saying it does not change parental responsibility in English and Welsh (PLAN-06).
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::testing::ConferenceMade;
use confer_store::tokens::{self, Scope};
use confer_store::users::AccountKind;
use confer_web::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Journey {
    app: App,
    clock: Clock,
    http: reqwest::Client,
    sw_id: String,
    sw: String,
    teacher_id: String,
    teacher: String,
    police: String,
    /// A partner professional of the authority who is not involved with the family.
    outsider: String,
    conference: ConferenceMade,
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

/// A family of two children whose initial conference on Friday 20 November 2026 decided a
/// child protection plan for each, with the teacher and the police officer present; the
/// clock stands at the afternoon of the conference.
async fn journey() -> Journey {
    let (app, clock) = start_at("2026-11-20 14:00").await;
    let (sw_id, sw) = person(&app, "sw", &[Role::SocialWorker]).await;
    let (teacher_id, teacher) = person(&app, "teacher", &[Role::Professional]).await;
    let (police_id, police) = person(&app, "police", &[Role::Professional]).await;
    let (_, outsider) = person(&app, "outsider", &[Role::Professional]).await;
    let w = &app.world;
    w.professional("p-school", Some(&teacher_id)).await;
    w.professional("p-police", Some(&police_id)).await;
    let family = w
        .family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2016-05-01")
        .child("ben", "Ben", "2019-02-11")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-school", "p-police"])
        .create()
        .await;
    let conference = family.planned_conference(w).await;
    Journey { app, clock, http: reqwest::Client::new(), sw_id, sw, teacher_id, teacher, police, outsider, conference }
}

impl Journey {
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
    /// The family's plans as the allocated worker reads them: (child, plan id).
    async fn plans(&self) -> Vec<(String, String)> {
        let (status, list) = self.get(&self.sw, "/api/v1/families/fam1/plans").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| (p["child_id"].as_str().unwrap().to_owned(), p["id"].as_str().unwrap().to_owned()))
            .collect()
    }
    async fn plan_of(&self, child: &str) -> (String, Value) {
        let id = self.plans().await.into_iter().find(|(c, _)| c == child).expect("a plan for the child").1;
        let (status, view) = self.get(&self.sw, &format!("/api/v1/plans/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        (id, view)
    }
}

#[tokio::test]
async fn the_conference_that_decides_a_plan_makes_each_childs_plan_from_its_outline_plan_03_plan_01() {
    let j = journey().await;
    let plans = j.plans().await;
    assert_eq!(plans.len(), 2, "one plan per child decided: {plans:?}");
    let (id, view) = j.plan_of("amy").await;
    let plan = &view["plan"];
    assert_eq!(plan["kind"], "child-protection");
    assert_eq!(plan["key_worker"], j.sw_id.as_str());
    assert_eq!(plan["started_by"], j.conference.id.as_str());
    assert_eq!(plan["categories"][0]["category"], "neglect");
    assert_eq!(plan["outline"]["concerns"][0]["concern"], "The children are often left without food.");
    let actions = plan["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["status"], "not-started");
    assert_eq!(actions[0]["owner"], json!({"owner": "professional", "id": "p-school"}));
    assert_eq!(actions[0]["due"], "2026-11-27");
    // CG-02: the first core group within 10 working days of the ICPC; REV-01: the review in 3 months.
    assert_eq!(plan["core_group_due_by"], "2026-12-04");
    assert_eq!(plan["next_review_by"], "2027-02-20");
    // Ben, with no worry of his own, has the action agreed for both children.
    let (_, ben) = j.plan_of("ben").await;
    assert!(ben["plan"]["outline"]["concerns"].as_array().unwrap().is_empty());
    assert_eq!(ben["plan"]["actions"][0]["what"], actions[0]["what"]);
    // PLAN-06 in English and Welsh.
    assert_eq!(view["parental_responsibility"][0], confer_domain::plan::PARENTAL_RESPONSIBILITY_EN);
    assert_eq!(view["parental_responsibility"][1], confer_domain::plan::PARENTAL_RESPONSIBILITY_CY);
    // Made in the conference's transaction, audited as the plan's first version.
    let (status, history) = j.get(&j.sw, &format!("/api/v1/plans/{id}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["action"], "plan.create");
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.create'")
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    assert_eq!(events, 2);
}

#[tokio::test]
async fn the_core_group_named_at_the_conference_reads_the_plan_and_an_unrelated_professional_does_not_cg_01() {
    let j = journey().await;
    let (id, view) = j.plan_of("amy").await;
    let members: Vec<&str> =
        view["plan"]["core_group"].as_array().unwrap().iter().filter_map(|m| m["user_id"].as_str()).collect();
    assert!(members.contains(&j.teacher_id.as_str()) && members.contains(&j.sw_id.as_str()), "{members:?}");
    // A member of the core group: the policy's CoreGroupMember lets them read it.
    let rels = confer_store::families::relationships(&j.app.db, &j.teacher_id.as_str().into(), "fam1").await.unwrap();
    assert!(rels.contains(&confer_domain::access::Relationship::CoreGroupMember), "{rels:?}");
    let (status, _) = j.get(&j.teacher, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = j.get(&j.police, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    // Not related to the family: as if the plan did not exist.
    let (status, out) = j.get(&j.outsider, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{out}");
    assert!(!out.to_string().contains("Amy"));
    let (status, _) = j
        .post(&j.outsider, &format!("/api/v1/plans/{id}/actions/1/status"), json!({"version": 1, "status": "done"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A member reads it but only those who lead the case change it.
    let (status, _) =
        j.post(&j.teacher, &format!("/api/v1/plans/{id}/outline"), json!({"version": 1, "concerns": []})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn actions_have_a_status_not_done_needs_a_reason_and_overdue_ones_are_shown_plan_02() {
    let j = journey().await;
    let (id, view) = j.plan_of("amy").await;
    let v = view["version"].as_i64().unwrap();
    let status_path = format!("/api/v1/plans/{id}/actions/1/status");
    // The teacher owns the action and updates it with a note.
    let (status, out) = j
        .post(
            &j.teacher,
            &status_path,
            json!({"version": v, "status": "in-progress", "note": "Breakfast club booked."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let v = out["version"].as_i64().unwrap();
    // The police officer is in the core group but does not own it.
    let (status, _) = j.post(&j.police, &status_path, json!({"version": v, "status": "done"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, out) = j.post(&j.sw, &status_path, json!({"version": v, "status": "not-done", "note": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out["message"].as_str().unwrap().contains("not done"), "{out}");
    // A change from a version someone else has moved on from is refused, nothing lost.
    let (status, out) = j.post(&j.sw, &status_path, json!({"version": v - 1, "status": "done"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    let (status, _) = j.post(&j.sw, &status_path, json!({"status": "done"})).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    // A new action, then the day after it is due: overdue on the plan and on "my plans".
    let (status, out) = j
        .post(
            &j.sw,
            &format!("/api/v1/plans/{id}/actions"),
            json!({"version": v, "what": "Fix the boiler", "owner": {"owner": "agency", "id": "Housing"}, "due": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["number"], 2);
    j.clock.set(at("2026-11-30 09:00"));
    let (_, view) = j.get(&j.sw, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["overdue_actions"], json!([1]), "due 27 November, in progress");
    j.clock.set(at("2026-12-02 09:00"));
    let (_, view) = j.get(&j.sw, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["overdue_actions"], json!([1, 2]));
    let (status, mine) = j.get(&j.teacher, "/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let overdue = mine["overdue_actions"].as_array().unwrap();
    assert!(overdue.iter().any(|a| a["plan_id"] == id.as_str() && a["number"] == 1 && a["mine"] == true), "{mine}");
    // The history says what changed, when and by whom.
    let (_, history) = j.get(&j.sw, &format!("/api/v1/plans/{id}/history")).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["plan.action.add", "plan.action.status", "plan.create"]);
    assert_eq!(history[1]["changed_by"], j.teacher_id.as_str());
    assert!(history[1]["after"]["actions"].is_array(), "{}", history[1]);
}

#[tokio::test]
async fn a_plan_ends_only_with_its_reason_and_a_review_decision_only_at_a_review_plan_05() {
    let j = journey().await;
    let (id, view) = j.plan_of("amy").await;
    let v = view["version"].as_i64().unwrap();
    let path = format!("/api/v1/plans/{id}/end");
    let (status, out) = j.post(&j.sw, &path, json!({"version": v, "reason": "review-decision"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    let (status, _) = j.post(&j.teacher, &path, json!({"version": v, "reason": "transfer-out"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, out) =
        j.post(&j.sw, &path, json!({"version": v, "reason": "transfer-out", "details": "Moved to Otherton."})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (_, view) = j.get(&j.sw, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["plan"]["ended"]["reason"], "transfer-out");
    let (_, list) = j.get(&j.sw, "/api/v1/families/fam1/plans").await;
    let row = list.as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap().clone();
    assert_eq!((row["end_reason"].clone(), row["ended_on"].clone()), (json!("transfer-out"), json!("2026-11-20")));
    let v = out["version"].as_i64().unwrap();
    let (status, _) =
        j.post(&j.sw, &format!("/api/v1/plans/{id}/actions/1/status"), json!({"version": v, "status": "done"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an ended plan is read, not changed");
}

#[tokio::test]
async fn the_plan_page_says_it_does_not_change_parental_responsibility_and_its_forms_keep_what_was_typed_plan_06_plan_02(
) {
    let j = journey().await;
    let (id, _) = j.plan_of("amy").await;
    let mut b = j.app.as_user(&j.sw_id).await;
    let page = b.get(&format!("/plans/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("This plan does not change who has parental responsibility for the child."));
    assert!(page.body.contains("chyfrifoldeb rhiant"), "Welsh too");
    assert!(page.body.contains("lang=\"cy\""));
    // Not done without a reason: the page again (422, as the API), the note kept.
    let path = format!("/plans/{id}");
    let action = format!("/plans/{id}/actions/status");
    let res = refused(&mut b, &path, &action, &[("number", "1"), ("status", "not-done"), ("note", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Say why action 1 was not done."), "{}", error_summary(&res.body));
    let res = refused(
        &mut b,
        &path,
        &format!("/plans/{id}/actions"),
        &[("what", "Fix the boiler"), ("owner", "agency"), ("agency", "Housing"), ("due", "31/2/2027")],
    )
    .await;
    assert!(res.body.contains("Fix the boiler"), "what was typed is kept");
    step(&mut b, &path, &action, &[("number", "1"), ("status", "done"), ("note", "Going every day.")]).await;
    j.clock.set(at("2026-12-10 09:00"));
    step(
        &mut b,
        &path,
        &format!("/plans/{id}/actions"),
        &[("what", "Fix the boiler"), ("owner", "agency"), ("agency", "Housing"), ("due", "11/12/2026")],
    )
    .await;
    j.clock.set(at("2026-12-14 09:00"));
    let page = b.get(&path).await;
    assert!(page.body.contains("Overdue"), "the new action is overdue");
    let history = b.get(&format!("/plans/{id}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("Action updated") && history.body.contains("Action added"), "{}", history.body);
    // The family page links to the plans; "your plans" lists them.
    let family = b.get("/families/fam1").await;
    assert!(family.body.contains(&format!("/plans/{id}")));
    let mine = b.get("/plans").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(&format!("/plans/{id}")));
    // An unrelated professional's browser: not found.
    let outsider = j
        .app
        .world
        .person("outsider2")
        .roles(&[Role::Professional])
        .kind(AccountKind::Staff)
        .signs_in()
        .create()
        .await
        .0;
    let mut o = j.app.as_user(&outsider).await;
    assert_eq!(o.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_core_group_meeting_is_recorded_and_sets_the_next_one_and_a_concern_brings_the_review_forward_cg_03_cg_02_rev_02(
) {
    let j = journey().await;
    let (id, view) = j.plan_of("amy").await;
    let v = view["version"].as_i64().unwrap();
    let path = format!("/api/v1/plans/{id}/core-group-meetings");
    let kw = json!({"kind": "key-worker", "id": j.sw_id});
    let teacher = json!({"kind": "professional", "id": "p-school"});
    let mut body = json!({
        "version": v,
        "held_on": "2026-11-20",
        "present": [kw, teacher],
        "progress": [],
        "safety": [{"member": kw, "rating": 3}, {"member": teacher, "rating": 5}],
        "new_actions": [{"what": "Weekly home visit", "owner": {"owner": "professional", "id": "p-school"}, "due": "2026-12-04"}],
        "concern_for_review": "Amy said she is afraid at night."
    });
    // CG-03: progress on each open action, with evidence.
    let (status, out) = j.post(&j.sw, &path, body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out["message"].as_str().unwrap().contains("action 1"), "{out}");
    body["progress"] = json!([{"number": 1, "status": "in-progress", "evidence": "Breakfast club twice so far."}]);
    // Only those who lead the plan record the meeting.
    let (status, _) = j.post(&j.teacher, &path, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, out) = j.post(&j.sw, &path, body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (_, view) = j.get(&j.sw, &format!("/api/v1/plans/{id}")).await;
    let plan = &view["plan"];
    assert_eq!(plan["core_group_meetings"][0]["safety"][1]["rating"], 5);
    assert_eq!(plan["actions"][1]["what"], "Weekly home visit");
    assert_eq!(plan["actions"][0]["status"], "in-progress");
    // CG-02: the next core group at the policy's interval (6 weeks) from this one.
    let calendar = confer_domain::calendar::Calendar::for_nation(confer_domain::Nation::England);
    let policy = confer_domain::policy::Policy::default_for(confer_domain::Nation::England);
    let next = confer_domain::plan::next_core_group_by("2026-11-20".parse().unwrap(), &calendar, &policy).unwrap();
    assert_eq!(plan["core_group_due_by"], next.to_string());
    // REV-02: the concern brings the review forward; the date is recomputed, never later.
    let v = view["version"].as_i64().unwrap();
    let forward = format!("/api/v1/plans/{id}/review-forward");
    let (status, out) =
        j.post(&j.sw, &forward, json!({"version": v, "on": "2027-03-01", "reason": "Amy is afraid."})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "later than the review now due: {out}");
    let (status, out) =
        j.post(&j.sw, &forward, json!({"version": v, "on": "2026-12-18", "reason": "Amy is afraid at night."})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (_, view) = j.get(&j.sw, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["plan"]["next_review_by"], "2026-12-18");
    let (_, mine) = j.get(&j.sw, "/api/v1/plans").await;
    let row = mine["plans"].as_array().unwrap().iter().find(|p| p["id"] == id.as_str()).unwrap().clone();
    assert_eq!(row["next_review_by"], "2026-12-18");
    assert_eq!(row["core_group_due_by"], next.to_string());
}
