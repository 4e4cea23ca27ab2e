//! Complaints (RIGHT-02) and requests for translations and other formats (LANG-02, LANG-03)
//! through the JSON API (issue 14), on the operations the pages use: a complaint logged for a
//! family member, read, assigned, acknowledged and answered, each step at the version last
//! seen and audited; a format request recorded and met, logged in the documents log. Every
//! refusal answers with the JSON error body and changes nothing: no token, a read-only token,
//! a role that may not, a family or complaint out of reach, a body that is not what the
//! operation takes, the version missing or stale, and the domain's own refusals with their
//! reasons. SQLite, and PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::documents_sent;
use confer_store::tokens::{self, Scope};
use confer_store::users::AccountKind;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Fx {
    app: App,
    conf: String,
    coord: String,
    coord_id: String,
    sw: String,
    other_sw: String,
    qa_read: String,
    auditor: String,
}

/// A staff member with an API token of these scopes.
async fn token(app: &App, name: &str, roles: &[Role], scopes: &[Scope]) -> (String, String) {
    let (id, _) = app.world.person(name).roles(roles).kind(AccountKind::Staff).signs_in().create().await;
    let t = tokens::create_for_days(&app.db, &id, app.authority.id.as_str(), "api", scopes, tokens::MAX_DAYS, "test")
        .await
        .unwrap()
        .1;
    (id, t)
}

async fn fixture() -> Fx {
    let (app, _clock) = start_at("2026-11-03 09:00").await;
    let rw = [Scope::Read, Scope::Write];
    let (coord_id, coord) = token(&app, "coord", &[Role::Coordinator], &rw).await;
    let (sw_id, sw) = token(&app, "sw", &[Role::SocialWorker], &rw).await;
    let (_, other_sw) = token(&app, "othersw", &[Role::SocialWorker], &rw).await;
    let (_, qa_read) = token(&app, "qa", &[Role::QualityAssurance], &[Scope::Read]).await;
    let (_, auditor) = token(&app, "auditor", &[Role::Auditor], &rw).await;
    let w = &app.world;
    let f = w
        .family("fam-f")
        .worker(&sw_id)
        .child("amy", "Amy", "2013-05-01")
        .mother("mum", "Mandy")
        .create()
        .await;
    let made = f.invited_conference(w).await;
    Fx { conf: made.id, app, coord, coord_id, sw, other_sw, qa_read, auditor }
}

async fn call(app: &App, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = client().request(method.parse().unwrap(), format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn audited(app: &App, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn right_02_a_complaint_through_the_api_is_logged_assigned_acknowledged_and_answered_at_its_versions() {
    let fx = fixture().await;
    let app = &fx.app;
    let new = json!({"adult_id": "mum", "about": "case", "details": "Nobody told us the date."});
    // Refusals before anything is made: no token, a social worker not working with the
    // family (not found), an auditor (forbidden), a body that is not what it takes.
    let path = "/api/v1/families/fam-f/complaints";
    assert_eq!(call(app, "POST", path, None, Some(new.clone())).await.0, StatusCode::UNAUTHORIZED);
    let (s, b) = call(app, "POST", path, Some(&fx.other_sw), Some(new.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert!(!b.to_string().contains("Mandy"), "nothing of the family: {b}");
    assert_eq!(call(app, "POST", path, Some(&fx.auditor), Some(new.clone())).await.0, StatusCode::FORBIDDEN);
    let (s, b) = call(app, "POST", path, Some(&fx.sw), Some(json!({"adult_id": "mum", "about": "weather", "details": "x"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("about must be conduct, decision or case"), "{b}");
    // The domain's reasons: no details; a decision with no conference; not an adult of the family.
    let (s, b) = call(app, "POST", path, Some(&fx.sw), Some(json!({"adult_id": "mum", "about": "case", "details": " "}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("Say what the complaint is about"), "{b}");
    let (s, b) =
        call(app, "POST", path, Some(&fx.sw), Some(json!({"adult_id": "mum", "about": "decision", "details": "Unfair."})))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("must name the conference"), "{b}");
    let (s, b) = call(app, "POST", path, Some(&fx.sw), Some(json!({"adult_id": "amy", "about": "case", "details": "x"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(audited(app, "complaint.receive").await, 0, "nothing was received");

    // The allocated social worker logs it (without handling complaints); the answer is the
    // complaint with its deadline.
    let (s, c) = call(app, "POST", path, Some(&fx.sw), Some(new)).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!((c["stage"].as_u64(), c["status"].as_str()), (Some(1), Some("received")));
    assert_eq!(c["due_on"], "2026-11-17", "stage 1 in England: 10 working days from 3 November");
    assert_eq!(audited(app, "complaint.receive").await, 1);

    // Reading: the complaints officer's list and the complaint; a social worker may not.
    let (s, list) = call(app, "GET", "/api/v1/complaints", Some(&fx.qa_read), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["complaints"][0]["id"], id.as_str());
    assert_eq!(call(app, "GET", "/api/v1/complaints", Some(&fx.sw), None).await.0, StatusCode::FORBIDDEN);
    let one = format!("/api/v1/complaints/{id}");
    let (s, c) = call(app, "GET", &one, Some(&fx.coord), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["details"], "Nobody told us the date.");
    assert_eq!(call(app, "GET", "/api/v1/complaints/no-such", Some(&fx.coord), None).await.0, StatusCode::NOT_FOUND);

    // Steps: a read-only token may not; the version is required and must be the latest.
    let steps = format!("{one}/steps");
    let v = c["version"].as_i64().unwrap();
    let assign = json!({"step": "assign", "officer_id": fx.coord_id, "version": v});
    assert_eq!(call(app, "POST", &steps, Some(&fx.qa_read), Some(assign.clone())).await.0, StatusCode::FORBIDDEN);
    let (s, b) = call(app, "POST", &steps, Some(&fx.coord), Some(json!({"step": "acknowledge"}))).await;
    assert_eq!(s, StatusCode::PRECONDITION_REQUIRED, "{b}");
    let (s, b) = call(app, "POST", &steps, Some(&fx.coord), Some(json!({"step": "acknowledge", "version": v}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("Assign the complaint to an officer"), "{b}");
    let (s, b) = call(app, "POST", &steps, Some(&fx.coord), Some(json!({"step": "shred", "version": v}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, c) = call(app, "POST", &steps, Some(&fx.coord), Some(assign.clone())).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(c["version"].as_i64().unwrap() > v);
    // The same step again at the old version: a conflict with the current version.
    let (s, b) = call(app, "POST", &steps, Some(&fx.coord), Some(assign)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let v = c["version"].as_i64().unwrap();
    let (s, c) = call(app, "POST", &steps, Some(&fx.coord), Some(json!({"step": "acknowledge", "version": v}))).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "acknowledged");
    // An answer needs a response (the domain's reason), then is kept with its finding.
    let v = c["version"].as_i64().unwrap();
    let (s, b) =
        call(app, "POST", &steps, Some(&fx.coord), Some(json!({"step": "answer", "finding": "upheld", "version": v})))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let answer = json!({"step": "answer", "finding": "partly-upheld", "response": "We should have written sooner.", "version": v});
    let (s, c) = call(app, "POST", &steps, Some(&fx.coord), Some(answer)).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["answers"][0]["finding"], "partly-upheld");
    assert_eq!(c["answers"][0]["response"], "We should have written sooner.");
    for action in ["complaint.assign", "complaint.acknowledge", "complaint.answer"] {
        assert_eq!(audited(app, action).await, 1, "{action} audited once");
    }
}

#[tokio::test]
async fn lang_02_lang_03_a_format_request_through_the_api_is_recorded_and_met() {
    let fx = fixture().await;
    let app = &fx.app;
    let path = format!("/api/v1/conferences/{}/formats", fx.conf);
    let (_, c) = call(app, "GET", &format!("/api/v1/conferences/{}", fx.conf), Some(&fx.sw), None).await;
    let v = c["version"].as_i64().unwrap();
    let ask = json!({"adult_id": "mum", "document": "invitation", "format": "translation", "language": "Polish", "version": v});
    // Refusals: another social worker (not found), an auditor (forbidden), no version, a
    // translation with no language, a format that is not one, a person who is not the family's.
    let (s, b) = call(app, "POST", &path, Some(&fx.other_sw), Some(ask.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(call(app, "POST", &path, Some(&fx.auditor), Some(ask.clone())).await.0, StatusCode::FORBIDDEN);
    let mut no_version = ask.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert_eq!(call(app, "POST", &path, Some(&fx.sw), Some(no_version)).await.0, StatusCode::PRECONDITION_REQUIRED);
    let (s, b) = call(app, "POST", &path, Some(&fx.sw), Some(json!({"adult_id": "mum", "document": "invitation", "format": "translation", "version": v}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("enter the language"), "{b}");
    let (s, b) = call(app, "POST", &path, Some(&fx.sw), Some(json!({"adult_id": "mum", "document": "invitation", "format": "smoke", "version": v}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = call(app, "POST", &path, Some(&fx.sw), Some(json!({"adult_id": "nobody", "document": "invitation", "format": "braille", "version": v}))).await;
    assert!(s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::CONFLICT, "{s}: {b}");
    let (_, now) = call(app, "GET", &format!("/api/v1/conferences/{}", fx.conf), Some(&fx.sw), None).await;
    assert_eq!(now["version"].as_i64(), Some(v), "nothing was saved");

    // Recorded, with the request's number.
    let (s, done) = call(app, "POST", &path, Some(&fx.sw), Some(ask.clone())).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let n = done["number"].as_u64().unwrap();
    let v2 = done["version"].as_i64().unwrap();
    // The same request from the stale version: a conflict.
    assert_eq!(call(app, "POST", &path, Some(&fx.sw), Some(ask)).await.0, StatusCode::CONFLICT);
    assert_eq!(audited(app, "conference.request-format").await, 1);

    // Met: the social worker may not; saying nothing of what was sent is refused with the reason.
    let met = format!("{path}/{n}/met");
    let (s, _) = call(app, "POST", &met, Some(&fx.sw), Some(json!({"sent": "x", "version": v2}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = call(app, "POST", &met, Some(&fx.coord), Some(json!({"sent": " ", "version": v2}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().unwrap().contains("Enter what was sent"), "{b}");
    let (s, b) = call(app, "POST", &format!("{path}/99/met"), Some(&fx.coord), Some(json!({"sent": "x", "version": v2}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b) = call(app, "POST", &format!("{path}/one/met"), Some(&fx.coord), Some(json!({"sent": "x", "version": v2}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, done) =
        call(app, "POST", &met, Some(&fx.coord), Some(json!({"sent": "The invitation in Polish, posted", "version": v2})))
            .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let log = documents_sent::for_conference(&app.db, &fx.conf).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].channel, "format-request");
}
