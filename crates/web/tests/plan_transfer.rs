//! Transfers between two tenants of the same installation, the receiving side (issue 13,
//! PLAN-05, TIME-02): the receiving authority's coordinators and team managers see what was
//! offered to them (API and pages), open the transfer pack only with the sending authority's
//! consent (the read logged in both tenants), accept it (the transfer-in conference requested
//! in the receiving tenant with the day it was told and its due date) or decline it with the
//! reason, audited in both; a third tenant, and the sending one, find nothing.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::conference::ConferenceKind;
use confer_domain::{Nation, Role};
use confer_store::testing::World;
use confer_store::tokens::{self, Scope};
use confer_store::users::AccountKind;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Tenants {
    app: App,
    http: reqwest::Client,
    /// Testshire's social worker, who transfers Amy's plan out (API token, and id).
    sw: String,
    sw_id: String,
    /// Testshire's coordinator (the sending tenant).
    sending_coordinator: String,
    /// Otherton: the receiving tenant's coordinator and team manager (id, token).
    other: World,
    coordinator_id: String,
    coordinator: String,
    manager_id: String,
    /// Thirdshire: a coordinator of a third tenant.
    third: World,
    third_coordinator: String,
}

async fn person_in(app: &App, w: &World, name: &str, roles: &[Role]) -> (String, String) {
    let (id, _) = w.person(name).roles(roles).kind(AccountKind::Staff).signs_in().create().await;
    let scopes = [Scope::Read, Scope::Write];
    let t = tokens::create_for_days(&app.db, &id, w.authority.id.as_str(), "api", &scopes, tokens::MAX_DAYS, "test")
        .await
        .unwrap()
        .1;
    (id, t)
}

/// Amy's initial conference in Testshire on Friday 20 November 2026 decided a child protection
/// plan; the clock stands at Monday 23 November. Otherton and Thirdshire are tenants too;
/// Otherton already has the family's record (they registered when they moved).
async fn tenants() -> Tenants {
    let (app, clock) = start_at("2026-11-20 14:00").await;
    let w = &app.world;
    let (sw_id, _) = w.person("sw").roles(&[Role::SocialWorker]).kind(AccountKind::Staff).signs_in().create().await;
    let sw = tokens::create_for_days(
        &app.db,
        &sw_id,
        w.authority.id.as_str(),
        "api",
        &[Scope::Read, Scope::Write],
        tokens::MAX_DAYS,
        "test",
    )
    .await
    .unwrap()
    .1;
    let (_, sending_coordinator) = person_in(&app, w, "coord", &[Role::Coordinator]).await;
    let (teacher_id, _) = w.person("teacher").roles(&[Role::Professional]).kind(AccountKind::Staff).create().await;
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

    let other = World::with_authority(&app.db, "O01", "Otherton Council", Nation::England).await;
    let (coordinator_id, coordinator) = person_in(&app, &other, "o-coord", &[Role::Coordinator]).await;
    let (manager_id, _) = person_in(&app, &other, "o-manager", &[Role::TeamManager]).await;
    let (o_sw, _) = person_in(&app, &other, "o-sw", &[Role::SocialWorker]).await;
    other.family("ofam").worker(&o_sw).child("oamy", "Amy", "2016-05-01").mother("ofam-mum", "Mia").create().await;
    let third = World::with_authority(&app.db, "X01", "Thirdshire Council", Nation::England).await;
    let (_, third_coordinator) = person_in(&app, &third, "x-coord", &[Role::Coordinator]).await;
    clock.set(at("2026-11-23 09:00"));
    Tenants {
        app,
        http: reqwest::Client::new(),
        sw,
        sw_id,
        sending_coordinator,
        other,
        coordinator_id,
        coordinator,
        manager_id,
        third,
        third_coordinator,
    }
}

impl Tenants {
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
    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(self.app.db.pool()).await.unwrap()
    }
    async fn audit(&self, action: &str, authority: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM audit_event WHERE action = '{action}' AND authority_id = '{authority}'"
        ))
        .await
    }
    /// Testshire transfers Amy's plan out to Otherton; returns the offered transfer's id.
    async fn transfer_out(&self, share_pack: bool) -> String {
        let (_, list) = self.get(&self.sw, "/api/v1/families/fam1/plans").await;
        let row = list.as_array().unwrap().iter().find(|p| p["kind"] == "child-protection").unwrap().clone();
        let id = row["id"].as_str().unwrap().to_owned();
        let body = json!({"version": row["version"], "authority": "Otherton Council", "moved_on": "2026-11-21",
            "notified_on": "2026-11-23", "share_pack": share_pack});
        let (status, out) = self.post(&self.sw, &format!("/api/v1/plans/{id}/transfer-out"), body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        assert_eq!(out["offered_here"], true);
        let (status, list) = self.get(&self.coordinator, "/api/v1/transfers").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list[0]["id"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn the_receiving_coordinator_opens_the_shared_pack_and_accepts_requesting_the_transfer_in_conference_plan_05_time_02(
) {
    let t = tenants().await;
    let id = t.transfer_out(true).await;
    let (a, o, x) =
        (t.app.authority.id.to_string(), t.other.authority.id.to_string(), t.third.authority.id.to_string());

    // Otherton's list: the child is named (the pack is shared), due 15 working days from the
    // Monday it was told (TIME-02).
    let (_, list) = t.get(&t.coordinator, "/api/v1/transfers").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let row = &list[0];
    assert_eq!(
        (row["from_authority"].as_str(), row["state"].as_str(), row["due_by"].as_str()),
        (Some("Testshire County Council"), Some("pending"), Some("2026-12-14"))
    );
    assert!(row["child_name"].as_str().is_some_and(|n| n.starts_with("Amy")), "{row}");
    assert_eq!(row["pack_shared"], true);

    // The pack, with the sending authority's consent recorded; its read is logged in both.
    let (status, one) = t.get(&t.coordinator, &format!("/api/v1/transfers/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert!(one["transfer"]["pack_shared_at"].as_str().is_some(), "{one}");
    assert_eq!(one["pack"]["latest_conference"]["outcome"], "A child protection plan under the category of neglect");
    assert!(!one["pack"]["chronology"].as_array().unwrap().is_empty());
    assert_eq!(t.audit("plan.transfer-pack.read-by-receiving", &o).await, 1);
    assert_eq!(t.audit("plan.transfer-pack.read-by-receiving", &a).await, 1, "the sending tenant sees who read it");

    // A third tenant, and the sending one, find nothing: no list row, 404 for the transfer.
    for token in [&t.third_coordinator, &t.sending_coordinator] {
        let (status, list) = t.get(token, "/api/v1/transfers").await;
        assert_eq!((status, list.as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{list}");
        let (status, _) = t.get(token, &format!("/api/v1/transfers/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let body = json!({"family_id": "ofam", "child_id": "oamy"});
        let (status, _) = t.post(token, &format!("/api/v1/transfers/{id}/accept"), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = t.post(token, &format!("/api/v1/transfers/{id}/decline"), json!({"reason": "No."})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A social worker of the sending authority may not look at incoming transfers at all.
    let (status, _) = t.get(&t.sw, "/api/v1/transfers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The family must be one of Otherton's own records: another tenant's is refused as unknown.
    let (status, out) = t
        .post(
            &t.coordinator,
            &format!("/api/v1/transfers/{id}/accept"),
            json!({"family_id": "fam1", "child_id": "amy"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out["message"].as_str().unwrap().contains("no family with that reference"), "{out}");

    let (status, out) = t
        .post(
            &t.coordinator,
            &format!("/api/v1/transfers/{id}/accept"),
            json!({"family_id": "ofam", "child_id": "oamy"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["due_by"], "2026-12-14");
    let conference_id = out["conference_id"].as_str().unwrap();
    let c = confer_store::conferences::load(&t.app.db, conference_id).await.unwrap().conference;
    assert_eq!(c.kind(), ConferenceKind::TransferIn);
    assert_eq!(c.authority_id().as_str(), o, "requested in the receiving tenant");
    assert_eq!(c.transfer_notified_on(), Some("2026-11-23".parse().unwrap()));
    assert_eq!(c.due_by(), "2026-12-14".parse().unwrap());
    let from = c.transfer_from().expect("where the plan was made");
    assert_eq!(
        (from.authority.as_str(), from.plan_started_on),
        ("Testshire County Council", "2026-11-20".parse().unwrap())
    );
    assert_eq!(c.children()[0].current_plan, Some(confer_domain::conference::PlanCategory::Neglect));

    // The answer is audited in both tenants, and given once.
    assert_eq!(t.audit("plan.transfer.accept", &a).await, 1);
    assert_eq!(t.audit("plan.transfer.accept", &o).await, 1);
    let (status, _) = t
        .post(
            &t.coordinator,
            &format!("/api/v1/transfers/{id}/accept"),
            json!({"family_id": "ofam", "child_id": "oamy"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = t.post(&t.coordinator, &format!("/api/v1/transfers/{id}/decline"), json!({"reason": "x"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, list) = t.get(&t.coordinator, "/api/v1/transfers").await;
    assert_eq!((list[0]["state"].as_str(), list[0]["conference_id"].as_str()), (Some("accepted"), Some(conference_id)));
    // Nothing of it reached the third tenant's audit trail.
    assert_eq!(
        t.count(&format!("SELECT COUNT(*) FROM audit_event WHERE authority_id = '{x}' AND action LIKE 'plan.%'")).await,
        0
    );
    // PLAN-05: the receiving tenant's audit events (the offer, the pack read, the acceptance)
    // carry none of the sending tenant's plan ids nor the id of who shared the pack there.
    let plan_id: String = sqlx::query_scalar("SELECT plan_id FROM plan_transfer WHERE id = $1")
        .bind(&id)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let received: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, after_json FROM audit_event WHERE authority_id = $1 AND action LIKE 'plan.transfer%'",
    )
    .bind(&o)
    .fetch_all(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(received.len(), 3, "{received:?}");
    for (action, after) in &received {
        assert!(!after.contains(&plan_id), "{action} carries the sending tenant's plan id: {after}");
        assert!(!after.contains("pack_shared_by"), "{action} names who shared the pack there: {after}");
        assert!(after.contains(&id), "{action} names the transfer: {after}");
    }
    // The sending tenant keeps its own plan id on each.
    let sent: i64 = t
        .count(&format!(
            "SELECT COUNT(*) FROM audit_event WHERE authority_id = '{a}' AND action LIKE 'plan.transfer%' \
             AND after_json LIKE '%{plan_id}%'"
        ))
        .await;
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn without_the_sending_authoritys_consent_the_pack_stays_closed_and_a_decline_gives_the_reason_through_the_pages_plan_05(
) {
    let t = tenants().await;
    let id = t.transfer_out(false).await;
    let (a, o) = (t.app.authority.id.to_string(), t.other.authority.id.to_string());
    let (status, one) = t.get(&t.coordinator, &format!("/api/v1/transfers/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!((one["pack"].clone(), one["transfer"]["child_name"].clone()), (Value::Null, Value::Null), "no names");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.transfer-pack.read-by-receiving'").await,
        0
    );

    // Otherton's team manager, in the pages.
    let mut b = t.app.as_user(&t.manager_id).await;
    let list = b.get("/transfers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Testshire County Council") && list.body.contains("Named once the pack is shared"));
    assert!(list.body.contains("14 December 2026"));
    let path = format!("/transfers/{id}");
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("has not agreed to share the pack"));
    // No reason: the page again, 422, the summary pointing at the field.
    let res = b.submit(&page, &format!("/transfers/{id}/decline"), &[("reason", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#reason\""), "{}", error_summary(&res.body));
    // Accepting without the family's reference: 422, what was typed kept.
    let res = b.submit(&page, &format!("/transfers/{id}/accept"), &[("family_id", ""), ("child_id", "oamy")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("href=\"#family_id\"") && res.body.contains("value=\"oamy\""),
        "{}",
        error_summary(&res.body)
    );
    let reason = "The family stayed in Otherton for a week only and went back.";
    let res = b.submit(&page, &format!("/transfers/{id}/decline"), &[("reason", reason)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", error_summary(&res.body));
    let page = b.get(&format!("{path}?done=declined")).await;
    assert!(page.body.contains(reason) && page.body.contains("Declined"));
    assert!(!page.body.contains("action=\"/transfers/"), "no more answers to give");
    // The sending tenant reads the reason in its audit trail; the receiving one has it too.
    assert_eq!(t.audit("plan.transfer.decline", &a).await, 1);
    assert_eq!(t.audit("plan.transfer.decline", &o).await, 1);
}

#[tokio::test]
async fn the_receiving_coordinator_accepts_in_the_pages_and_lands_on_the_transfer_in_conference_time_02() {
    let t = tenants().await;
    let id = t.transfer_out(true).await;
    let mut b = t.app.as_user(&t.coordinator_id).await;
    let page = b.get(&format!("/transfers/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Chronology") && page.body.contains("Shared with this authority"));
    let res = b.submit(&page, &format!("/transfers/{id}/accept"), &[("family_id", "ofam"), ("child_id", "oamy")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", error_summary(&res.body));
    let to = res.location.clone().unwrap();
    assert!(to.starts_with("/conferences/"), "{to}");
    let conference = b.get(&to).await;
    assert_eq!(conference.status, StatusCode::OK);
    assert!(conference.body.contains("14 December 2026"), "the due date is on the conference");
}

/// PLAN-05, TIME-02: consent to share the pack given after the transfer out was recorded: the
/// sending authority shares it later (API and page), audited in both tenants (the receiving
/// one without the plan's id), and the receiving authority then reads the pack; once only; a
/// person who may not change the plan cannot.
#[tokio::test]
async fn consent_to_share_the_pack_given_after_the_transfer_out_opens_the_pack_to_the_receiving_authority_plan_05() {
    let t = tenants().await;
    let id = t.transfer_out(false).await;
    let (a, o) = (t.app.authority.id.to_string(), t.other.authority.id.to_string());
    let (_, one) = t.get(&t.coordinator, &format!("/api/v1/transfers/{id}")).await;
    assert_eq!(one["pack"], Value::Null, "not shared yet");
    let plan_id: String = sqlx::query_scalar("SELECT plan_id FROM plan_transfer WHERE id = $1")
        .bind(&id)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let path = format!("/api/v1/plans/{plan_id}/transfer-out/share-pack");
    // The receiving tenant's coordinator does not find the sending tenant's plan.
    let (status, _) = t.post(&t.coordinator, &path, json!({"consent": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without the consent ticked: the reason, 422, nothing shared.
    let (status, body) = t.post(&t.sw, &path, json!({"consent": false})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("consents"), "{body}");
    // The page offers it to the social worker, who shares it.
    let mut sw = t.app.as_user(&t.sw_id).await;
    let pack_page = sw.get(&format!("/plans/{plan_id}/transfer-pack")).await;
    assert!(pack_page.body.contains("Share the pack with the receiving authority"), "{}", pack_page.body);
    let res = sw.submit(&pack_page, &format!("/plans/{plan_id}/transfer-pack/share"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = sw.get(&format!("/plans/{plan_id}/transfer-pack?done=pack-shared")).await;
    assert!(after.body.contains("The transfer pack is shared"));
    assert!(!after.body.contains("Share the pack with the receiving authority"), "offered once");
    // Once only, through the API too: the reason, 422.
    let (status, body) = t.post(&t.sw, &path, json!({"consent": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("already shared"), "{body}");
    // The receiving authority now reads the pack, with who consented and when.
    let (status, one) = t.get(&t.coordinator, &format!("/api/v1/transfers/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert!(one["pack"]["chronology"].as_array().is_some_and(|c| !c.is_empty()), "{one}");
    assert!(one["transfer"]["pack_shared_at"].as_str().is_some(), "{one}");
    // Audited in both; the receiving tenant's event names the transfer, not the plan.
    assert_eq!(t.audit("plan.transfer.share-pack", &a).await, 1);
    assert_eq!(t.audit("plan.transfer.share-pack", &o).await, 1);
    let received: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE authority_id = $1 AND action = 'plan.transfer.share-pack'",
    )
    .bind(&o)
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert!(received.contains(&id) && !received.contains(&plan_id), "{received}");
}

/// The Pryce family in Testshire: Kai and Lea, each on a child protection plan; their mother
/// Nia (with an e-mail address) and father Owen have parental responsibility for both and
/// care for them; their grandmother Gwen has neither. Answers the two plans' ids.
async fn pryce_family(t: &Tenants) -> (String, String) {
    let w = &t.app.world;
    w.family("fam2")
        .surname("Pryce")
        .worker(&t.sw_id)
        .child("kai", "Kai", "2015-03-02")
        .child("lea", "Lea", "2018-07-09")
        .with_child(|c| c.communication.access_needs = "Needs breaks every 20 minutes".into())
        .mother("fam2-mum", "Nia")
        .with_adult(|a| a.email = Some("nia.pryce@example.org".into()))
        .father("fam2-dad", "Owen")
        .adult("fam2-gran", "Gwen", confer_domain::RelationshipKind::Grandparent)
        .create()
        .await;
    sqlx::query("UPDATE adult_child SET parental_responsibility = 0, carer = 0 WHERE adult_id = 'fam2-gran'")
        .execute(t.app.db.pool())
        .await
        .unwrap();
    let kai = w.plan_for("fam2", "fam2-case", "kai", &t.sw_id, &[]).await;
    let lea = w.plan_for("fam2", "fam2-case", "lea", &t.sw_id, &[]).await;
    (kai, lea)
}

impl Tenants {
    /// Testshire transfers one plan out to Otherton; returns the offered transfer's id.
    async fn transfer_plan_out(&self, plan_id: &str, share_pack: bool) -> String {
        let (_, plan) = self.get(&self.sw, &format!("/api/v1/plans/{plan_id}")).await;
        let body = json!({"version": plan["version"], "authority": "Otherton Council", "moved_on": "2026-11-21",
            "notified_on": "2026-11-23", "share_pack": share_pack});
        let (status, out) = self.post(&self.sw, &format!("/api/v1/plans/{plan_id}/transfer-out"), body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        sqlx::query_scalar("SELECT id FROM plan_transfer WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_one(self.app.db.pool())
            .await
            .unwrap()
    }
    async fn rows(&self, sql: &str, bind: &str) -> Vec<String> {
        sqlx::query_scalar(sql).bind(bind).fetch_all(self.app.db.pool()).await.unwrap()
    }
}

/// PLAN-05, TIME-02: Otherton records Kai from the shared pack instead of typing the family
/// again: the child, and the parents and carers the conference invites (not the grandmother
/// without parental responsibility), under Otherton's own ids with a new case allocated to
/// the chosen social worker, in one transaction with the transfer-in conference's request.
/// Lea's transfer then joins the same record and no parent is recorded twice. Both tenants'
/// audit trails record it; the receiving tenant's carries none of the sending tenant's ids.
#[tokio::test]
async fn a_transferred_child_and_their_parents_are_recorded_from_the_shared_pack_and_a_sibling_joins_them_plan_05_time_02(
) {
    let t = tenants().await;
    let (a, o) = (t.app.authority.id.to_string(), t.other.authority.id.to_string());
    let (kai_plan, lea_plan) = pryce_family(&t).await;
    let (o_worker, _) = person_in(&t.app, &t.other, "o-sw-copy", &[Role::SocialWorker]).await;
    let kai_transfer = t.transfer_plan_out(&kai_plan, true).await;
    let accept = format!("/api/v1/transfers/{kai_transfer}/accept");

    // No social worker chosen, or someone who is not a social worker: the reason, 422.
    let (status, out) = t.post(&t.coordinator, &accept, json!({"copy_from_pack": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out.to_string().contains("Choose the social worker allocated"), "{out}");
    let body = json!({"copy_from_pack": true, "allocated_worker_id": t.manager_id});
    let (status, out) = t.post(&t.coordinator, &accept, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    // A child chosen as well as recording from the pack: which one is meant is asked.
    let body = json!({"copy_from_pack": true, "allocated_worker_id": o_worker, "child_id": "oamy"});
    let (status, out) = t.post(&t.coordinator, &accept, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert_eq!(t.count("SELECT COUNT(*) FROM transfer_copy").await, 0, "nothing recorded by a refusal");

    let (status, out) =
        t.post(&t.coordinator, &accept, json!({"copy_from_pack": true, "allocated_worker_id": o_worker})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["recorded_from_pack"], 3, "Kai, Nia and Owen: {out}");
    assert_eq!(out["due_by"], "2026-12-14");
    let family = out["family_id"].as_str().unwrap().to_owned();
    let kai_here = out["child_id"].as_str().unwrap().to_owned();
    assert!(family != "fam2" && kai_here != "kai", "Otherton's own ids");

    let record = confer_store::families::family_record(&t.app.db, &family).await.unwrap();
    assert_eq!(record.family.authority_id.as_str(), o);
    assert_eq!(record.family.name, "fam2 family");
    let kai = &record.children[0];
    assert_eq!(record.children.len(), 1);
    assert_eq!((kai.given_name.as_str(), kai.family_name.as_str()), ("Kai", "Pryce"));
    assert_eq!(kai.birth, confer_domain::Birth::Born("2015-03-02".parse().unwrap()));
    assert!(kai.la_child_id.starts_with("O01T") && kai.la_child_id != "LA-kai", "{}", kai.la_child_id);
    let mut adults: Vec<(String, Option<String>)> =
        record.adults.iter().map(|a| (a.given_name.clone(), a.email.clone())).collect();
    adults.sort();
    assert_eq!(
        adults,
        [("Nia".to_owned(), Some("nia.pryce@example.org".to_owned())), ("Owen".to_owned(), None)],
        "the grandmother without parental responsibility stays in Testshire"
    );
    assert_eq!(record.relationships.len(), 2);
    assert!(record
        .relationships
        .iter()
        .all(|r| r.parental_responsibility && r.carer && r.child_id.as_str() == kai_here));
    let case = record.case.as_ref().expect("a case here");
    assert_eq!((case.allocated_worker_id.as_str(), case.opened_on), (o_worker.as_str(), "2026-11-23".parse().unwrap()));

    // The transfer-in conference invites the two parents, in Otherton.
    let c =
        confer_store::conferences::load(&t.app.db, out["conference_id"].as_str().unwrap()).await.unwrap().conference;
    assert_eq!((c.kind(), c.family_id().as_str()), (ConferenceKind::TransferIn, family.as_str()));
    let mut invited: Vec<&str> = c.family_members().iter().map(|m| m.name.as_str()).collect();
    invited.sort();
    assert_eq!(invited, ["Nia Pryce", "Owen Pryce"]);

    // Audited in both tenants; Otherton's events name none of Testshire's ids.
    assert_eq!(t.audit("plan.transfer.recorded-from-pack", &a).await, 1);
    assert_eq!(t.audit("plan.transfer.recorded-from-pack", &o).await, 1);
    assert_eq!(t.audit("family.create", &o).await, 2, "Otherton's own family, and this one");
    let received = t.rows("SELECT after_json FROM audit_event WHERE authority_id = $1", &o).await;
    for after in &received {
        for sending_id in [kai_plan.as_str(), "\"kai\"", "fam2-mum", "fam2-dad", "fam2-gran", "\"fam2\"", "fam2-case"] {
            assert!(!after.contains(sending_id), "Otherton's audit carries Testshire's {sending_id}: {after}");
        }
    }

    // Lea's transfer joins the same record: only Lea is recorded; her parents are found.
    let lea_transfer = t.transfer_plan_out(&lea_plan, true).await;
    let version_before = record.version;
    let body = json!({"copy_from_pack": true, "family_id": family});
    let (status, out) = t.post(&t.coordinator, &format!("/api/v1/transfers/{lea_transfer}/accept"), body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!((out["recorded_from_pack"].as_i64(), out["family_id"].as_str()), (Some(1), Some(family.as_str())));
    let record = confer_store::families::family_record(&t.app.db, &family).await.unwrap();
    assert_eq!((record.children.len(), record.adults.len(), record.relationships.len()), (2, 2, 4));
    assert!(record.version > version_before, "a form opened before is told the record changed");
    assert_eq!(t.audit("family.add-from-transfer", &o).await, 1);
    let lea = record.children.iter().find(|c| c.given_name == "Lea").unwrap();
    assert_eq!(lea.communication.access_needs, "Needs breaks every 20 minutes");

    // Answered once; the links are Otherton's alone.
    let (status, _) =
        t.post(&t.coordinator, &accept, json!({"copy_from_pack": true, "allocated_worker_id": o_worker})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM transfer_copy WHERE authority_id <> '{o}'")).await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM transfer_copy").await, 4);
    assert_eq!(confer_store::audit::verify(&t.app.db).await.unwrap().first_break, None);
}

/// PLAN-05: recording from the pack needs the sending authority's consent to share it; a team
/// manager allocates only to themselves or someone they manage; the page offers it with the
/// social workers to choose from and keeps what was typed when something is missing.
#[tokio::test]
async fn recording_from_the_pack_needs_the_consent_and_a_worker_the_person_may_allocate_and_works_in_the_pages_plan_05()
{
    let t = tenants().await;
    let (kai_plan, lea_plan) = pryce_family(&t).await;
    let (mine, _) = person_in(&t.app, &t.other, "o-sw-mine", &[Role::SocialWorker]).await;
    sqlx::query("UPDATE user_account SET line_manager_id = $1 WHERE id = $2")
        .bind(&t.manager_id)
        .bind(&mine)
        .execute(t.app.db.pool())
        .await
        .unwrap();
    let (not_mine, _) = person_in(&t.app, &t.other, "o-sw-other", &[Role::SocialWorker]).await;

    // Not shared: refused with the reason, and the page does not offer it.
    let closed = t.transfer_plan_out(&kai_plan, false).await;
    let body = json!({"copy_from_pack": true, "allocated_worker_id": not_mine});
    let (status, out) = t.post(&t.coordinator, &format!("/api/v1/transfers/{closed}/accept"), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out.to_string().contains("has not shared the transfer pack"), "{out}");
    let mut coordinator = t.app.as_user(&t.coordinator_id).await;
    let page = coordinator.get(&format!("/transfers/{closed}")).await;
    assert!(page.body.contains("Only when Testshire County Council shares the transfer pack"), "{}", page.body);
    assert!(!page.body.contains("name=\"allocated_worker_id\""));

    // Shared: the team manager may allocate to someone they manage, not to someone else.
    let open = t.transfer_plan_out(&lea_plan, true).await;
    let mut manager = t.app.as_user(&t.manager_id).await;
    let page = manager.get(&format!("/transfers/{open}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("value=\"{mine}\"")), "their own team is offered");
    assert!(!page.body.contains(&format!("value=\"{not_mine}\"")), "another team is not");
    let path = format!("/transfers/{open}/accept");
    let res = manager
        .submit(&page, &path, &[("copy_from_pack", "yes"), ("allocated_worker_id", ""), ("copy_family_id", "")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#allocated_worker_id\""), "{}", error_summary(&res.body));
    assert!(res.body.contains("value=\"yes\" checked"), "the choice is kept");
    let res = manager.submit(&page, &path, &[("copy_from_pack", "yes"), ("allocated_worker_id", &not_mine)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", error_summary(&res.body));
    assert!(res.body.contains("someone they manage"), "{}", error_summary(&res.body));
    // A family reference that is not Otherton's: at its own field.
    let res = manager
        .submit(&page, &path, &[("copy_from_pack", "yes"), ("allocated_worker_id", &mine), ("copy_family_id", "fam2")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", error_summary(&res.body));
    assert!(
        res.body.contains("href=\"#copy_family_id\"") && res.body.contains("value=\"fam2\""),
        "{}",
        error_summary(&res.body)
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM transfer_copy").await, 0);

    let res = manager.submit(&page, &path, &[("copy_from_pack", "yes"), ("allocated_worker_id", &mine)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", error_summary(&res.body));
    let conference = manager.get(res.location.as_deref().unwrap()).await;
    assert_eq!(conference.status, StatusCode::OK, "the manager reaches the conference they requested");
    assert!(conference.body.contains("Lea"), "{}", conference.body);
}
