//! Plans after the first conference through the API and the pages (issue 13): the transfer
//! out with the receiving authority's transfer-in due date and the transfer pack (PLAN-05,
//! TIME-02), offered in the product to a tenant of the same installation; the child in need
//! plan and its network meetings (PLAN-04); the 18th birthday end checked against the date of
//! birth (PLAN-05); plan lists and the pack audited as reads; errors that speak of the plan.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
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
    case_id: String,
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

/// Amy's initial conference on Friday 20 November 2026 decided a child protection plan; the
/// clock stands at Monday 23 November.
async fn journey() -> Journey {
    let (app, clock) = start_at("2026-11-20 14:00").await;
    let (sw_id, sw) = person(&app, "sw", &[Role::SocialWorker]).await;
    let (teacher_id, _) = person(&app, "teacher", &[Role::Professional]).await;
    let w = &app.world;
    w.professional("p-school", Some(&teacher_id)).await;
    let family = w
        .family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2016-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-school"])
        .create()
        .await;
    family.planned_conference(w).await;
    clock.set(at("2026-11-23 09:00"));
    let case_id = family.case.id.to_string();
    Journey { app, clock, http: reqwest::Client::new(), sw_id, sw, case_id }
}

impl Journey {
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self.http.get(format!("{}{path}", self.app.base)).bearer_auth(&self.sw).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res =
            self.http.post(format!("{}{path}", self.app.base)).bearer_auth(&self.sw).json(&body).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn amys_plan(&self) -> (String, i64) {
        let (status, list) = self.get("/api/v1/families/fam1/plans").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let row = list.as_array().unwrap().iter().find(|p| p["kind"] == "child-protection").unwrap().clone();
        (row["id"].as_str().unwrap().to_owned(), row["version"].as_i64().unwrap())
    }
    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(self.app.db.pool()).await.unwrap()
    }
}

#[tokio::test]
async fn a_transfer_out_ends_the_plan_with_the_receiving_authoritys_due_date_and_a_pack_plan_05_time_02() {
    let j = journey().await;
    let (id, v) = j.amys_plan().await;
    let body =
        json!({"version": v, "authority": "Otherton Council", "moved_on": "2026-11-21", "notified_on": "2026-11-23"});
    // A version someone else has moved on from: the answer speaks of the plan.
    let (status, out) = j
        .post(
            &format!("/api/v1/plans/{id}/transfer-out"),
            json!({"version": v + 5, "authority": "Otherton Council", "moved_on": "2026-11-21", "notified_on": "2026-11-23"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    assert!(out["message"].as_str().unwrap().contains("changed this plan"), "{out}");
    let (status, out) = j.post(&format!("/api/v1/plans/{id}/transfer-out"), body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    // TIME-02: 15 working days from Monday 23 November.
    assert_eq!(out["transfer_in_due_by"], "2026-12-14");
    assert_eq!(out["offered_here"], false);
    let (_, view) = j.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["plan"]["ended"]["reason"], "transfer-out");
    assert_eq!(view["plan"]["ended"]["on"], "2026-11-21");
    assert_eq!(view["plan"]["lifecycle"]["transferred_to"]["authority"], "Otherton Council");
    // The pack: the plan, the latest conference and the chronology; its read is logged.
    let (status, pack) = j.get(&format!("/api/v1/plans/{id}/transfer-pack")).await;
    assert_eq!(status, StatusCode::OK, "{pack}");
    assert_eq!(pack["latest_conference"]["outcome"], "A child protection plan under the category of neglect");
    let kinds: Vec<&str> = pack["chronology"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"conference"));
    assert!(kinds.contains(&"plan-version"));
    assert_eq!(j.count("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.transfer-pack.read'").await, 1);
    // As a page.
    let mut b = j.app.as_user(&j.sw_id).await;
    let page = b.get(&format!("/plans/{id}/transfer-pack")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("14 December 2026"), "the due date is on the pack");
    assert_eq!(j.count("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.transfer-pack.read'").await, 2);
}

#[tokio::test]
async fn a_transfer_to_a_tenant_of_this_installation_is_offered_to_it_audited_in_both_plan_05() {
    let j = journey().await;
    let other = confer_store::testing::World::with_authority(
        &j.app.db,
        "O01",
        "Otherton Council",
        confer_domain::Nation::England,
    )
    .await;
    let (id, v) = j.amys_plan().await;
    let (status, out) = j
        .post(
            &format!("/api/v1/plans/{id}/transfer-out"),
            json!({"version": v, "authority": " otherton council ", "moved_on": "2026-11-21", "notified_on": "2026-11-23"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["offered_here"], true);
    let offered = confer_store::plans::transfers_to(&j.app.db, &other.authority.id).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!((offered[0].plan_id.as_str(), offered[0].state.as_str()), (id.as_str(), "pending"));
    assert_eq!(offered[0].due_by, Some("2026-12-14".parse().unwrap()));
    let sql = format!(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'plan.transfer.offer' AND authority_id IN ('{}', '{}')",
        j.app.authority.id, other.authority.id
    );
    assert_eq!(j.count(&sql).await, 2, "one event in each tenant");
}

#[tokio::test]
async fn a_child_in_need_plan_is_written_and_reviewed_at_network_meetings_through_the_pages_plan_04() {
    let j = journey().await;
    let cin = j.app.world.child_in_need_plan_for("fam1", &j.case_id, "amy", &j.sw_id, &[]).await;
    let mut b = j.app.as_user(&j.sw_id).await;
    let path = format!("/plans/{cin}/after");
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("chyfrifoldeb rhiant"), "PLAN-06 in Welsh too");
    // The needs are required: the page again, 422, with what was typed kept.
    let res = refused(
        &mut b,
        &path,
        &format!("/plans/{cin}/child-in-need"),
        &[
            ("needs", " "),
            ("service_1", "Speech therapy"),
            ("provider_1", "NHS"),
            ("duration_1", "12 weeks"),
            ("expected_outcomes", "Talks more."),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#cin-needs\""), "{}", error_summary(&res.body));
    assert!(res.body.contains("Speech therapy"), "what was typed is kept");
    step(
        &mut b,
        &path,
        &format!("/plans/{cin}/child-in-need"),
        &[
            ("needs", "Speech support."),
            ("service_1", "Speech therapy"),
            ("provider_1", "NHS"),
            ("duration_1", "12 weeks"),
            ("expected_outcomes", "Talks more."),
        ],
    )
    .await;
    let key_worker = format!("key-worker:{}", j.sw_id);
    step(
        &mut b,
        &path,
        &format!("/plans/{cin}/network-meeting"),
        &[
            ("held_on", "23/11/2026"),
            ("present", key_worker.as_str()),
            ("status_1", "in-progress"),
            ("evidence_1", "Booked."),
        ],
    )
    .await;
    let (_, view) = j.get(&format!("/api/v1/plans/{cin}")).await;
    let life = &view["plan"]["lifecycle"];
    assert_eq!(life["child_in_need"]["services"][0]["provider"], "NHS");
    assert_eq!(life["network_meetings"].as_array().unwrap().len(), 1);
    assert!(life["network_meeting_due_by"].as_str().is_some_and(|d| d > "2026-11-23"), "{life}");
    let (_, history) = j.get(&format!("/api/v1/plans/{cin}/history")).await;
    assert_eq!(history[0]["action"], "plan.network-meeting");
    assert_eq!(history[1]["action"], "plan.child-in-need");
}

#[tokio::test]
async fn the_18th_birthday_end_is_refused_before_the_child_turns_18_plan_05() {
    let j = journey().await;
    let (id, v) = j.amys_plan().await;
    let (status, out) = j
        .post(
            &format!("/api/v1/plans/{id}/end"),
            json!({"version": v, "reason": "eighteenth-birthday", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out["message"].as_str().unwrap().contains("turns 18 on 2034-05-01"), "{out}");
    // "No longer needed" ends only a child in need plan.
    let (status, _) = j
        .post(
            &format!("/api/v1/plans/{id}/end"),
            json!({"version": v, "reason": "no-longer-needed", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, out) = j
        .post(&format!("/api/v1/plans/{id}/end"), json!({"version": v, "reason": "adopted", "on": "2026-11-23"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let _ = &j.clock;
}

#[tokio::test]
async fn plan_lists_are_logged_as_one_list_read() {
    let j = journey().await;
    let (status, _) = j.get("/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = j.get("/api/v1/families/fam1/plans").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        j.count("SELECT COUNT(*) FROM audit_event WHERE action = 'list.read' AND entity_id = 'my-plans'").await,
        1
    );
    assert_eq!(
        j.count("SELECT COUNT(*) FROM audit_event WHERE action = 'list.read' AND entity_id = 'family-plans'").await,
        1
    );
}
