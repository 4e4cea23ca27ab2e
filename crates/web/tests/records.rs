//! A family's record through the pages and the API: every read is logged, two people editing
//! never overwrite each other silently, bad input is kept and explained, and tokens are
//! scoped and revocable.

mod common;
use chrono::NaiveDate;
use common::*;
use confer_domain::*;
use confer_store::{audit, tokens};
use reqwest::StatusCode;

async fn family_for(app: &App, worker: &str) -> (String, String) {
    app.world
        .family("fam-r1")
        .named("Marlow family")
        .surname("Marlow")
        .worker(worker)
        .case_id("case-r1")
        .opened_on(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap())
        .child("child-r1", "Skye", "2016-05-06")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .create()
        .await;
    ("fam-r1".into(), "child-r1".into())
}

#[tokio::test]
async fn every_read_of_a_childs_record_is_logged_and_an_auditor_sees_who_role_11() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.reader", &[Role::SocialWorker], None).await;
    let (auditor, _) = staff(&app, "the.auditor", &[Role::Auditor], None).await;
    let (fid, _) = family_for(&app, &sw).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get(&format!("/families/{fid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Skye Marlow"));
    let events = audit::for_entity(&app.db, app.authority.id.as_str(), "family", &fid, 10).await.unwrap();
    assert!(
        events.iter().any(|e| e.kind == confer_domain::audit::EventKind::Read && e.actor == sw),
        "the read is in the audit trail"
    );
    let mut a = Browser::new(&app);
    a.session_for(&app.db, &auditor).await;
    let trail = a.get(&format!("/families/{fid}/audit")).await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(trail.body.contains(&sw), "the auditor sees who read the record");
    assert!(trail.body.contains("family.read"));
    // The social worker cannot see the trail of their own reads (auditors and QA only).
    assert_eq!(b.get(&format!("/families/{fid}/audit")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_second_editor_is_told_of_the_conflict_and_keeps_what_they_typed_keep_01() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.editor", &[Role::SocialWorker], None).await;
    let (fid, cid) = family_for(&app, &sw).await;
    let path = format!("/families/{fid}/children/{cid}/edit");
    let mut first = Browser::new(&app);
    first.session_for(&app.db, &sw).await;
    let mut second = Browser::new(&app);
    second.session_for(&app.db, &sw).await;
    let form1 = first.get(&path).await;
    let form2 = second.get(&path).await;
    let version =
        |p: &Page| p.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let v = version(&form1);
    let saved = first
        .submit(
            &form1,
            &path,
            &[
                ("given_name", "Skye"),
                ("family_name", "Marlow"),
                ("first_language", "Polish"),
                ("needs_interpreter", "yes"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let clash = second
        .submit(
            &form2,
            &path,
            &[("given_name", "Skye-Rose"), ("family_name", "Marlow"), ("first_language", "English"), ("version", &v)],
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("Someone else changed this record"));
    assert!(clash.body.contains("value=\"Skye-Rose\""), "what the second editor typed is kept");
    assert!(clash.body.contains("first language Polish"), "and they see what the first editor saved");
    // Saving again, knowingly, works.
    let v2 = version(&clash);
    let again = second
        .submit(
            &clash,
            &path,
            &[("given_name", "Skye-Rose"), ("family_name", "Marlow"), ("first_language", "Polish"), ("version", &v2)],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let events = audit::for_entity(&app.db, app.authority.id.as_str(), "family", &fid, 20).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.action == "child.update").count(),
        2,
        "both saves are in the audit trail with before and after"
    );
}

#[tokio::test]
async fn bad_input_is_explained_and_kept_never_a_server_error() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.typo", &[Role::SocialWorker], None).await;
    let (fid, cid) = family_for(&app, &sw).await;
    let path = format!("/families/{fid}/children/{cid}/edit");
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let form = b.get(&path).await;
    let res = b
        .submit(
            &form,
            &path,
            &[
                ("given_name", ""),
                ("family_name", "Marlow"),
                ("nhs_number", "123 456 789"),
                ("first_language", "English"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("govuk-error-summary"));
    assert!(res.body.contains("s first name"), "the message says what to fix");
    assert!(res.body.contains("NHS number must be 10 digits"));
    assert!(res.body.contains("value=\"123 456 789\""), "the typed NHS number is kept");
    // Nonsense of every kind gets a clear answer, never a 500.
    for (k, v) in [
        ("version", "not-a-number"),
        ("version", "99999999999999999999"),
        ("given_name", "\u{0}\u{feff}<script>"),
        ("access_needs", "\u{0}"),
    ] {
        let res =
            b.submit(&form, &path, &[("given_name", "A"), ("family_name", "B"), ("first_language", "C"), (k, v)]).await;
        assert!(res.status.as_u16() < 500, "{k}={v}: {}", res.status);
    }
    for bad in [
        "/families/%00",
        "/families/'--",
        "/families?page=-1",
        "/families?page=abc&q=%25",
        "/nowhere",
        "/assets/..%2Fsecret",
    ] {
        let res = b.get(bad).await;
        assert!(res.status.as_u16() < 500, "{bad}: {}", res.status);
    }
    assert_eq!(b.get("/nowhere").await.status, StatusCode::NOT_FOUND);
    assert!(b.get("/nowhere").await.body.contains("Page not found"));
}

#[tokio::test]
async fn api_tokens_are_scoped_revocable_and_only_work_on_the_api() {
    let app = start().await;
    let (sw, secret) = staff(&app, "api.user", &[Role::SocialWorker], None).await;
    let (fid, _) = family_for(&app, &sw).await;
    let (read_id, read) =
        tokens::create(&app.db, &sw, app.authority.id.as_str(), "reader", &[tokens::Scope::Read], "test")
            .await
            .unwrap();
    let http = reqwest::Client::new();
    let me: serde_json::Value =
        http.get(format!("{}/api/v1/me", app.base)).bearer_auth(&read).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "api.user");
    let fam = http.get(format!("{}/api/v1/families/{fid}", app.base)).bearer_auth(&read).send().await.unwrap();
    assert_eq!(fam.status(), StatusCode::OK);
    let body: serde_json::Value = fam.json().await.unwrap();
    assert_eq!(body["children"][0]["given_name"], "Skye");
    let list: serde_json::Value = http
        .get(format!("{}/api/v1/families", app.base))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The token does not open pages, and a bad token is refused.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/families", app.base))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    let bad = http.get(format!("{}/api/v1/me", app.base)).bearer_auth("confer_pat_nonsense").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    // A session cookie does not open the API.
    let mut b = Browser::new(&app);
    b.sign_in("api.user", &secret).await;
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    // Revoked: refused from then on.
    tokens::revoke(&app.db, &sw, app.authority.id.as_str(), &read_id, &sw).await.unwrap();
    let gone = http.get(format!("{}/api/v1/me", app.base)).bearer_auth(&read).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED);
    // The token is stored only as a hash.
    use sqlx::Row;
    let rows = sqlx::query("SELECT token_hash FROM access_token").fetch_all(app.db.pool()).await.unwrap();
    assert!(rows.iter().all(|r| r.try_get::<String, _>("token_hash").unwrap() != read));
}

#[tokio::test]
async fn the_openapi_document_is_served_and_describes_the_api() {
    let app = start().await;
    let doc: serde_json::Value =
        reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/families/{family_id}"]["get"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn health_and_readiness_and_a_calm_503_when_the_database_is_gone() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.calm", &[Role::SocialWorker], None).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(b.get("/readyz").await.status, StatusCode::OK);
    app.db.close().await;
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK, "the process is still up");
    assert_eq!(b.get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE);
    let page = b.get("/families").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("Sorry, the service is unavailable"));
}

#[tokio::test]
async fn security_headers_are_on_every_page() {
    let app = start().await;
    let res = reqwest::get(format!("{}/sign-in", app.base)).await.unwrap();
    let h = res.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains("govuk-skip-link"));
    assert!(!body.contains("<script>"), "no inline scripts");
}
