//! Idempotent forms (issue 11): a form sent twice (the same page render, the same fields)
//! changes nothing twice and shows the result of the first; a refused form can be corrected
//! and sent again; different forms of one page each work; the same form sent twice at once
//! makes one change. Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use chrono::{DateTime, NaiveDateTime, Utc};
use common::*;
use confer_domain::{
    Adult, AdultChildRelationship, Agency, AgencyId, AgencyKind, Birth, Case, CaseStage, Child, Communication, Family,
    Gender, Professional, RelationshipKind, Role,
};
use confer_store::families::{self, NewFamily};
use confer_web::clock::Clock;
use confer_web::WebSettings;
use reqwest::StatusCode;

fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
}

struct World {
    app: App,
    sw: String,
    coord: String,
    admin: String,
}

/// An authority with a social worker, a coordinator and an administrator, and one family:
/// Amy, her mother Mia, and the social worker as the family's professional.
async fn world() -> World {
    let clock = Clock::fixed(at("2026-11-03 09:00"));
    let app = start_with(WebSettings { secure_cookies: false, clock, ..WebSettings::default() }).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (admin, _) = staff(&app, "admin", &[Role::Administrator], None).await;
    let la = app.authority.id.clone();
    let mut tx = app.db.begin().await.unwrap();
    let agency = Agency {
        id: AgencyId::from("ag-csc"),
        authority_id: la.clone(),
        name: "Children's services".into(),
        kind: AgencyKind::ChildrensSocialCare,
    };
    families::insert_agency(&mut tx, &agency).await.unwrap();
    let pro = Professional {
        id: "p-sw".into(),
        agency_id: "ag-csc".into(),
        name: "Sam Social".into(),
        job_title: "Social worker".into(),
        email: "p-sw@example.org".into(),
        user_id: Some(sw.as_str().into()),
    };
    families::insert_professional(&mut tx, &la, &pro).await.unwrap();
    let communication = Communication { first_language: "English".into(), ..Default::default() };
    let child = Child {
        id: "amy".into(),
        family_id: "fam1".into(),
        given_name: "AMY".into(),
        family_name: "Brook".into(),
        birth: Birth::Born("2013-05-01".parse().unwrap()),
        nhs_number: None,
        la_child_id: "LA-amy".into(),
        gender: Gender::Unknown,
        ethnicity: "Not recorded".into(),
        disability: String::new(),
        communication: communication.clone(),
    };
    let mother = Adult {
        id: "fam1-mum".into(),
        family_id: "fam1".into(),
        given_name: "Mia".into(),
        family_name: "Brook".into(),
        email: None,
        phone: None,
        communication,
    };
    let bond = AdultChildRelationship {
        adult_id: "fam1-mum".into(),
        child_id: "amy".into(),
        kind: RelationshipKind::Mother,
        parental_responsibility: true,
        carer: true,
    };
    let case = Case {
        id: "fam1-case".into(),
        family_id: "fam1".into(),
        allocated_worker_id: sw.as_str().into(),
        stage: CaseStage::Enquiry,
        opened_on: "2026-10-01".parse().unwrap(),
    };
    let family = Family { id: "fam1".into(), authority_id: la.clone(), name: "Brook family".into() };
    let f = NewFamily {
        family: &family,
        children: &[child],
        adults: &[mother],
        relationships: &[bond],
        case: Some(&case),
        professionals: &["p-sw".into()],
    };
    families::insert_family(&mut tx, &f, "test").await.unwrap();
    tx.commit().await.unwrap();
    World { app, sw, coord, admin }
}

impl World {
    async fn as_user(&self, user: &str) -> Browser {
        let mut b = Browser::new(&self.app);
        b.session_for(&self.app.db, user).await;
        b
    }
    async fn conferences(&self) -> usize {
        confer_store::conferences::of_family(&self.app.db, "fam1").await.unwrap().len()
    }
}

const REQUEST: &str = "/families/fam1/conferences/new";

fn request_fields(reason: &str) -> Vec<(&'static str, String)> {
    [
        ("kind", "initial"),
        ("children", "amy"),
        ("strategy_discussion_on", "2026-11-02"),
        ("enquiry", "section-47"),
        ("harm_finding", "suffering"),
        ("concerns", "neglect"),
        ("family_members", "fam1-mum"),
        ("professionals", "p-sw"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .chain([("reason", reason.to_owned())])
    .collect()
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn version(p: &Page) -> String {
    p.body.split("name=\"version\" value=\"").nth(1).expect("a form with the version").split('"').next().unwrap().into()
}

#[tokio::test]
async fn a_request_form_sent_twice_makes_one_conference_and_shows_the_first_ones() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get(REQUEST).await;
    assert_eq!(form.status, StatusCode::OK);
    let fields = request_fields("Neglect at home.");
    let first = sw.submit(&form, REQUEST, &borrowed(&fields)).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = sw.submit(&form, REQUEST, &borrowed(&fields)).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location, first.location, "the second answer is the first's result");
    assert_eq!(w.conferences().await, 1, "one conference, not two");
    // The same fields from a new render of the page are a new request (the person meant it).
    let fresh = sw.get(REQUEST).await;
    let second = sw.submit(&fresh, REQUEST, &borrowed(&fields)).await;
    assert_ne!(second.location, first.location, "{}", second.body);
}

#[tokio::test]
async fn a_versioned_conference_form_sent_twice_shows_the_first_result_not_a_conflict() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get(REQUEST).await;
    let made = sw.submit(&form, REQUEST, &borrowed(&request_fields("Neglect at home."))).await;
    let conf = made.location.unwrap().split('?').next().unwrap().to_owned();
    let mut coord = w.as_user(&w.coord).await;
    // The cancel form is on the conference's "cancel" task page.
    let page = coord.get(&format!("{conf}/cancel")).await;
    assert_eq!(page.status, StatusCode::OK);
    let v = version(&page);
    let fields = [("version", v.as_str()), ("reason", "The family moved away.")];
    let first = coord.submit(&page, &format!("{conf}/cancel"), &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = coord.submit(&page, &format!("{conf}/cancel"), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "not a 409 conflict: {}", again.body);
    assert_eq!(again.location, first.location);
    let id = conf.trim_start_matches("/conferences/");
    let stored = confer_store::conferences::load(&w.app.db, id).await.unwrap();
    assert_eq!(stored.version, v.parse::<i64>().unwrap() + 1, "changed once");
    // Without the page's key (the session's bare token), the stale version is still a conflict.
    let bare = page.csrf().split('.').next().unwrap().to_owned();
    let mut stale = vec![("csrf_token", bare.as_str())];
    stale.extend_from_slice(&fields);
    let conflict = coord.post(&format!("{conf}/cancel"), &stale).await;
    assert_ne!(conflict.status, StatusCode::SEE_OTHER, "{}", conflict.body);
}

#[tokio::test]
async fn a_refused_form_can_be_sent_again_and_corrected() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get(REQUEST).await;
    let without_reason = request_fields("");
    let refused = sw.submit(&form, REQUEST, &borrowed(&without_reason)).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("govuk-error-summary"), "{}", refused.body);
    // Sent again as it was: refused again (it ran again), not taken for the first's result.
    let again = sw.submit(&form, REQUEST, &borrowed(&without_reason)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("govuk-error-summary"), "{}", again.body);
    // Corrected, from the same page render: it runs.
    let corrected = sw.submit(&form, REQUEST, &borrowed(&request_fields("Neglect at home."))).await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER, "{}", corrected.body);
    assert_eq!(w.conferences().await, 1);
}

#[tokio::test]
async fn two_different_forms_of_one_page_both_work() {
    let w = world().await;
    let mut admin = w.as_user(&w.admin).await;
    let start = admin.get("/admin/closures").await;
    let added = admin.submit(&start, "/admin/closures", &[("date", "24/12/2026"), ("reason", "Christmas Eve")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    // One render of the page: the remove form of Christmas Eve and the add form.
    let page = admin.get("/admin/closures").await;
    let closure_id = page
        .body
        .split("name=\"closure_id\" value=\"")
        .nth(1)
        .expect("the closure's remove form")
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let add = admin.submit(&page, "/admin/closures", &[("date", "29/12/2026"), ("reason", "Christmas closure")]).await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
    let remove = admin.submit(&page, "/admin/closures/remove", &[("closure_id", &closure_id)]).await;
    assert_eq!(remove.status, StatusCode::SEE_OTHER, "{}", remove.body);
    assert_ne!(add.location, remove.location, "each form gave its own result");
    let now = admin.get("/admin/closures").await;
    let current = now.body.split("id=\"current-closures\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(current.contains("Christmas closure"), "the add form was saved: {current}");
    assert!(!current.contains("Christmas Eve"), "the remove form was saved: {current}");
}

#[tokio::test]
async fn the_same_form_sent_twice_at_once_makes_one_change() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get(REQUEST).await;
    let fields = request_fields("Neglect at home.");
    let sent = borrowed(&fields);
    let mut other = Browser { base: sw.base.clone(), http: sw.http.clone(), cookies: sw.cookies.clone() };
    let (a, b) = tokio::join!(sw.submit(&form, REQUEST, &sent), other.submit(&form, REQUEST, &sent));
    assert_eq!(w.conferences().await, 1, "one conference, not two");
    // Each answer is the conference made, or (if the first took longer than the second
    // waits) the calm page saying the form is already being sent.
    let made: Vec<&Page> = [&a, &b].into_iter().filter(|p| p.status == StatusCode::SEE_OTHER).collect();
    assert!(!made.is_empty(), "{} {}", a.body, b.body);
    for p in [&a, &b] {
        match p.status {
            StatusCode::SEE_OTHER => assert_eq!(p.location, made[0].location),
            StatusCode::ACCEPTED => assert!(p.body.contains("Your form is already being sent"), "{}", p.body),
            other => panic!("{other}: {}", p.body),
        }
    }
}

#[tokio::test]
async fn a_form_sent_while_the_same_one_is_still_running_gets_a_calm_page_and_changes_nothing() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get(REQUEST).await;
    let fields = request_fields("Neglect at home.");
    let csrf = form.csrf();
    let mut sent = vec![("csrf_token", csrf.as_str())];
    sent.extend(borrowed(&fields));
    // The first submission of this form is running (its key is claimed and not finished).
    let nonce = csrf.split_once('.').expect("the page's token carries a nonce").1;
    let body = serde_urlencoded::to_string(&sent).unwrap();
    let key = confer_web::idempotency::key(&w.sw, nonce, "POST", REQUEST, body.as_bytes());
    assert_eq!(
        confer_store::form_submissions::claim(&w.app.db, &key, &w.sw).await.unwrap(),
        confer_store::form_submissions::Claim::First
    );
    let second = sw.post(REQUEST, &sent).await;
    assert_eq!(second.status, StatusCode::ACCEPTED, "{}", second.body);
    assert!(second.body.contains("Your form is already being sent"), "{}", second.body);
    assert_eq!(w.conferences().await, 0, "the second submission changed nothing");
    // Had the first failed, its key is given back and the form can be sent again.
    confer_store::form_submissions::release(&w.app.db, &key).await.unwrap();
    let again = sw.post(REQUEST, &sent).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(w.conferences().await, 1);
}
