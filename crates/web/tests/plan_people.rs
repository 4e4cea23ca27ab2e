//! Plans for the people who use them (issue 13) through the pages: a core group meeting
//! recorded from the plan (CG-03) meeting the core group deadline and setting the next one
//! (CG-02) and bringing the review forward (REV-02); a child's timeline with its charts; a
//! partner professional's own actions and core group dates (PLAN-02); the plan in the family
//! portal in English and Welsh for a parent or carer of the child (PLAN-06, EXC-06); the young
//! person's own version (CHILD-04). Runs on SQLite, and on PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::portal::PortalPerson;
use confer_domain::timescales::DeadlineRule;
use confer_domain::{AdultId, ChildId, Role, UserId};
use confer_store::testing::ConferenceMade;
use confer_store::users::AccountKind;
use confer_web::clock::Clock;
use reqwest::StatusCode;

struct Journey {
    app: App,
    #[allow(dead_code)]
    clock: Clock,
    sw_id: String,
    teacher_id: String,
    #[allow(dead_code)]
    conference: ConferenceMade,
}

async fn person(app: &App, name: &str, roles: &[Role], kind: AccountKind) -> String {
    app.world.person(name).roles(roles).kind(kind).signs_in().create().await.0
}

/// Amy and Ben, whose initial conference on Friday 20 November 2026 decided a child protection
/// plan for each, with the teacher and the police officer present and their mother Mia.
async fn journey() -> Journey {
    let (app, clock) = start_at("2026-11-20 14:00").await;
    let sw_id = person(&app, "sw", &[Role::SocialWorker], AccountKind::Staff).await;
    let teacher_id = person(&app, "teacher", &[Role::Professional], AccountKind::Staff).await;
    let police_id = person(&app, "police", &[Role::Professional], AccountKind::Staff).await;
    let w = &app.world;
    w.professional("p-school", Some(&teacher_id)).await;
    w.professional("p-police", Some(&police_id)).await;
    let family = w
        .family("fam1")
        .worker(&sw_id)
        .child("amy", "Amy", "2012-05-01")
        .child("ben", "Ben", "2019-02-11")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-school", "p-police"])
        .create()
        .await;
    let conference = family.planned_conference(w).await;
    Journey { app, clock, sw_id, teacher_id, conference }
}

impl Journey {
    async fn plan_of(&self, child: &str) -> String {
        let rows = confer_store::plans::of_family(&self.app.db, "fam1").await.unwrap();
        rows.into_iter().find(|r| r.child_id == child).expect("a plan for the child").id
    }
    async fn plan(&self, id: &str) -> confer_domain::plan::Plan {
        confer_store::plans::load(&self.app.db, id).await.unwrap().plan
    }
    async fn api_get(&self, token: &str, path: &str) -> (StatusCode, String) {
        let res =
            reqwest::Client::new().get(format!("{}{path}", self.app.base)).bearer_auth(token).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }
    /// A portal account linked to a person of the family.
    async fn portal(&self, name: &str, role: Role, person: PortalPerson) -> Browser {
        let uid = self.app.world.person(name).roles(&[role]).kind(AccountKind::Portal).create().await.0;
        let mut tx = self.app.db.begin().await.unwrap();
        confer_store::portal::link_in(&mut tx, &self.app.authority.id, &UserId(uid.clone()), "fam1", &person, "test")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        self.app.as_user(&uid).await
    }
}

/// The form index of a core group member on the meeting page (its checkbox's value).
fn member_index(body: &str, value: &str) -> String {
    let at = body.find(&format!("value=\"{value}\"")).unwrap_or_else(|| panic!("{value} is on the form"));
    let before = &body[..at];
    let id = before.rsplit("id=\"").next().unwrap().split('"').next().unwrap();
    match id.strip_prefix("cg-present-") {
        Some(n) => n.to_owned(),
        None => "1".to_owned(),
    }
}

#[tokio::test]
async fn a_core_group_meeting_is_recorded_through_the_page_and_meets_its_deadline_cg_03_cg_02_rev_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    // The plan page offers the meeting; the form lists the members and the open action.
    let plan_page = sw.get(&format!("/plans/{id}")).await;
    assert!(plan_page.body.contains(&format!("href=\"/plans/{id}/core-group\"")), "the plan links to the form");
    assert!(plan_page.body.contains("The core group has not met yet."));
    let path = format!("/plans/{id}/core-group");
    let form = sw.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let kw = format!("key-worker:{}", j.sw_id);
    let (kw_i, teacher_i) = (member_index(&form.body, &kw), member_index(&form.body, "professional:p-school"));
    let (kw_rating, teacher_rating) = (format!("rating_{kw_i}"), format!("rating_{teacher_i}"));
    let base = vec![
        ("held_on", "20/11/2026"),
        ("present", kw.as_str()),
        ("present", "professional:p-school"),
        (kw_rating.as_str(), "3"),
        (teacher_rating.as_str(), "5"),
        ("status_1", "in-progress"),
        ("new_what_1", "Weekly home visit"),
        ("new_owner_1", "professional:p-school"),
        ("new_due_1", "4/12/2026"),
        ("concern_for_review", "Amy said she is afraid at night."),
        ("review_forward_to", "18/12/2026"),
    ];
    // CG-03: progress on each open action needs its evidence; the form comes back with the
    // reason and everything typed.
    let res = refused(&mut sw, &path, &path, &base).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("action 1"), "{}", error_summary(&res.body));
    assert!(res.body.contains("Weekly home visit") && res.body.contains("Amy said she is afraid at night."));
    assert!(res.body.contains(&format!("value=\"{kw}\" checked")), "who was there is kept");
    // A rating from someone not ticked as there is refused too, naming them.
    let mut whole = base.clone();
    whole.push(("evidence_1", "Breakfast club twice."));
    let only_kw: Vec<(&str, &str)> =
        whole.iter().filter(|(k, v)| !(*k == "present" && *v == "professional:p-school")).cloned().collect();
    let res = refused(&mut sw, &path, &path, &only_kw).await;
    assert!(res.body.contains("not ticked as there"), "{}", error_summary(&res.body));
    // Sent whole, it is saved and the plan shows it.
    let res = step(&mut sw, &path, &path, &whole).await;
    assert_eq!(res.location.as_deref(), Some(format!("/plans/{id}?done=core-group#core-group-meetings").as_str()));
    let p = j.plan(&id).await;
    assert_eq!(p.core_group_meetings.len(), 1);
    assert_eq!(p.core_group_meetings[0].safety.len(), 2);
    assert_eq!(p.actions[0].status, confer_domain::plan::ActionStatus::InProgress);
    assert_eq!(p.actions[1].what, "Weekly home visit");
    // REV-02: the review is brought forward with the concern as its reason.
    assert_eq!(p.next_review_by, Some("2026-12-18".parse().unwrap()));
    assert_eq!(p.review_brought_forward.as_deref(), Some("Amy said she is afraid at night."));
    let page = sw.get(&format!("/plans/{id}")).await;
    assert!(page.body.contains("Meeting 1, 20 November 2026"), "past meetings on the plan page");
    assert!(page.body.contains("Amy said she is afraid at night."));
    // CG-02: the first core group deadline is met by the meeting; the next one is set from it.
    let deadlines = confer_store::deadlines::for_family(&j.app.db, "fam1").await.unwrap();
    let first = deadlines.iter().find(|d| d.deadline.rule == DeadlineRule::FirstCoreGroup).expect("first core group");
    assert_eq!(first.met, Some("2026-11-20".parse().unwrap()));
    let next = deadlines.iter().find(|d| d.deadline.rule == DeadlineRule::NextCoreGroup).expect("next core group");
    assert_eq!(next.met, None);
    assert_eq!(Some(next.deadline.due), p.core_group_due_by);
    let list = sw.get("/deadlines").await;
    assert!(list.body.contains("Next core group"), "the next core group is on the due list");
    // A partner professional of the core group may not record it (403); an outsider finds nothing.
    let mut teacher = j.app.as_user(&j.teacher_id).await;
    assert_eq!(teacher.get(&path).await.status, StatusCode::FORBIDDEN);
    let outsider = person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await;
    assert_eq!(j.app.as_user(&outsider).await.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_childs_timeline_lists_everything_in_date_order_with_charts_readable_without_colour_cg_03_plan_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    let path = "/families/fam1/children/amy/timeline";
    let empty = sw.get(path).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No core group meeting has rated"));
    let form = sw.get(&format!("/plans/{id}/core-group")).await;
    let kw = format!("key-worker:{}", j.sw_id);
    let rating = format!("rating_{}", member_index(&form.body, &kw));
    step(
        &mut sw,
        &format!("/plans/{id}/core-group"),
        &format!("/plans/{id}/core-group"),
        &[
            ("held_on", "20/11/2026"),
            ("present", kw.as_str()),
            (rating.as_str(), "4"),
            ("status_1", "in-progress"),
            ("evidence_1", "Breakfast club started."),
        ],
    )
    .await;
    let page = sw.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("role=\"img\"") && body.contains("<title id=\"safety-title\">"), "the chart is one image");
    assert!(body.contains("stroke-dasharray"), "series told apart without colour");
    assert!(body.contains("<caption class=\"govuk-table__caption govuk-table__caption--s\">Safety ratings"));
    assert!(body.contains("Core group meeting 1") && body.contains("Initial"), "{body}");
    assert!(body.contains("Plan version 1") && body.contains("Action 1 due"));
    let conference = body.find("Initial").unwrap();
    let meeting = body.find("Core group meeting 1").unwrap();
    let action = body.find("Action 1 due").unwrap();
    assert!(conference < meeting && meeting < action, "in date order");
    // Linked from the family page and the plan.
    assert!(sw.get("/families/fam1").await.body.contains(path));
    assert!(sw.get(&format!("/plans/{id}")).await.body.contains(path));
    // Someone unrelated to the family finds nothing; a child of another family is not found.
    let outsider = person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await;
    assert_eq!(j.app.as_user(&outsider).await.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(sw.get("/families/fam1/children/nobody/timeline").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_partner_professional_finds_the_actions_they_own_and_their_core_group_dates_at_home_plan_02_cg_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut teacher = j.app.as_user(&j.teacher_id).await;
    // Partner professionals' home is the portal's (issue 11): their work is there.
    assert_eq!(teacher.get("/").await.location.as_deref(), Some("/portal"));
    let home = teacher.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("The actions you own"), "{}", home.body);
    let p = j.plan(&id).await;
    assert!(home.body.contains(&p.actions[0].what), "the teacher's action is listed");
    assert!(home.body.contains("Your core group dates") && home.body.contains("4 December 2026"));
    // PLAN-02: they update its status with a note from their home page.
    let v = confer_store::plans::load(&j.app.db, &id).await.unwrap().version.to_string();
    let res = teacher
        .submit(
            &home,
            &format!("/plans/{id}/actions/status"),
            &[("version", &v), ("number", "1"), ("status", "done"), ("note", "Breakfast club every day.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", error_summary(&res.body));
    let p = j.plan(&id).await;
    assert_eq!(p.actions[0].status, confer_domain::plan::ActionStatus::Done);
    assert_eq!(p.actions[0].updates[0].note, "Breakfast club every day.");
    // A professional with no plan sees that they own none.
    let outsider = person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await;
    let home = j.app.as_user(&outsider).await.get("/portal").await;
    assert!(home.body.contains("You own no action of a plan."));
}

#[tokio::test]
async fn a_parent_reads_the_childs_plan_in_the_portal_in_english_and_welsh_plan_06_plan_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut mum = j.portal("mia", Role::Parent, PortalPerson::Adult(AdultId("fam1-mum".into()))).await;
    let home = mum.get("/portal").await;
    assert!(home.body.contains(&format!("/portal/plans/{id}")), "the portal's home links to the plan");
    let page = mum.get(&format!("/portal/plans/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(confer_domain::plan::PARENTAL_RESPONSIBILITY_EN));
    assert!(page.body.contains("What people are worried about"));
    assert!(page.body.contains("The children are often left without food."));
    assert!(page.body.contains("Who will do what, and by when"));
    assert!(page.body.contains("4 December 2026"), "the next core group date");
    let cy = mum.get(&format!("/portal/plans/{id}?lang=cy")).await;
    assert_eq!(cy.status, StatusCode::OK);
    assert!(cy.body.contains("lang=\"cy\""));
    let body = cy.body.replace("&#x27;", "'").replace("&#39;", "'");
    assert!(body.contains(confer_domain::plan::PARENTAL_RESPONSIBILITY_CY), "{}", body);
    assert!(body.contains("Beth sy'n poeni pobl"));
    assert!(cy.body.contains("Rhagfyr"), "dates in Welsh");
    // The staff view of the plan is never the family's.
    assert_eq!(mum.get(&format!("/plans/{id}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_young_persons_own_version_is_written_by_the_social_worker_and_read_by_the_young_person_child_04() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    let path = format!("/plans/{id}/young-person");
    let res = refused(&mut sw, &path, &path, &[("body", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    step(&mut sw, &path, &path, &[("body", "Amy, this is your plan.\n\nMum will make breakfast every day.")]).await;
    let mut amy = j.portal("amy-yp", Role::YoungPerson, PortalPerson::Child(ChildId("amy".into()))).await;
    let page = amy.get(&format!("/portal/plans/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Amy, this is your plan.") && page.body.contains("Mum will make breakfast"));
    assert!(!page.body.contains("The children are often left without food."), "her own version, not the plan");
    // The parents do not see it until it is shared with them.
    let mut mum = j.portal("mia", Role::Parent, PortalPerson::Adult(AdultId("fam1-mum".into()))).await;
    assert!(!mum.get(&format!("/portal/plans/{id}")).await.body.contains("Amy, this is your plan."));
    step(&mut sw, &path, &path, &[("body", "Amy, this is your plan, version two."), ("shared_with_parents", "yes")])
        .await;
    assert!(mum.get(&format!("/portal/plans/{id}")).await.body.contains("Amy, this is your plan, version two."));
    // Her brother's plan is not hers to read.
    let ben = j.plan_of("ben").await;
    assert_eq!(amy.get(&format!("/portal/plans/{ben}")).await.status, StatusCode::NOT_FOUND);
    // Written at a version someone else changed since: refused, nothing saved over it.
    let stale = sw.get(&path).await;
    let csrf = stale.csrf();
    let res = sw.post(&path, &[("csrf_token", csrf.as_str()), ("version", "1"), ("body", "Stale words.")]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Stale words."), "what was written is kept");
    let latest = confer_store::plan_people::young_persons_version(&j.app.db, &id).await.unwrap().unwrap();
    assert_eq!(latest.version, 2);
}

#[tokio::test]
async fn a_parent_excluded_from_the_conference_reads_only_their_own_actions_and_the_review_date_exc_06() {
    use confer_domain::conference::{Exclusion, ExclusionDecision, ExclusionReason, ExclusionScope};
    let j = journey().await;
    let id = j.plan_of("amy").await;
    // The key worker gives Mia an action of her own.
    let mut sw = j.app.as_user(&j.sw_id).await;
    let plan_path = format!("/plans/{id}");
    let add = format!("/plans/{id}/actions");
    step(
        &mut sw,
        &plan_path,
        &add,
        &[("what", "Mia takes Amy to school"), ("owner", "family-member:fam1-mum"), ("due", "4/12/2026")],
    )
    .await;
    // The chair had excluded Mia from the whole conference (set on the stored conference, as the
    // chair's decision would have: the conference's own tests cover deciding it).
    let exclusion = Exclusion {
        decision: ExclusionDecision {
            adult_id: AdultId("fam1-mum".into()),
            scope: ExclusionScope::Whole,
            reasons: vec![ExclusionReason::ALL[0]],
            detail: "Fictional reason.".into(),
            rests_on_police_information: false,
            views_by: vec![],
        },
        decided_by: j.sw_id.as_str().into(),
        decided_at: at("2026-11-19 09:00"),
        told: None,
    };
    let row = sqlx::query("SELECT doc FROM conference WHERE id = $1")
        .bind(j.conference.id.as_str())
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&sqlx::Row::get::<String, _>(&row, "doc")).unwrap();
    doc["exclusions"].as_array_mut().unwrap().push(serde_json::to_value(&exclusion).unwrap());
    sqlx::query("UPDATE conference SET doc = $1 WHERE id = $2")
        .bind(doc.to_string())
        .bind(j.conference.id.as_str())
        .execute(j.app.db.pool())
        .await
        .unwrap();
    let mut mum = j.portal("mia", Role::Parent, PortalPerson::Adult(AdultId("fam1-mum".into()))).await;
    let page = mum.get(&format!("/portal/plans/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Some parts of this plan are not shown to you"), "{body}");
    assert!(body.contains("Mia takes Amy to school"), "her own action");
    assert!(!body.contains("The children are often left without food."), "not the concerns");
    assert!(!body.contains("breakfast at school"), "not the others' actions");
    assert!(!body.contains("Next core group meeting"), "not when the core group meets (EXC-04)");
    assert!(body.contains("Next review meeting") && body.contains(confer_domain::plan::PARENTAL_RESPONSIBILITY_EN));
    // The portal's JSON leaves out the same (never more than the page).
    let json = mum.get(&format!("/portal/api/v1/plans/{id}")).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v["withheld"], true, "{v}");
    assert_eq!(v["concerns"], serde_json::json!([]), "not the concerns");
    assert_eq!(v["child_needs"], "", "not the needs");
    let actions: Vec<&str> = v["actions"].as_array().unwrap().iter().map(|a| a["what"].as_str().unwrap()).collect();
    assert_eq!(actions, ["Mia takes Amy to school"], "her own action only");
    assert_eq!(v["actions"][0]["mine"], true);
    assert_eq!(v["next_core_group"], serde_json::Value::Null, "not when the core group meets (EXC-04)");
    assert_eq!(v["next_meeting"], serde_json::Value::Null);
    assert!(v["next_review"].is_string(), "the review date");
    assert!(!json.body.contains("without food") && !json.body.contains("breakfast at school"), "{}", json.body);
}

#[tokio::test]
async fn a_childs_timeline_is_in_the_json_api_for_those_who_may_read_the_plans_cg_03_plan_02() {
    let j = journey().await;
    let token = |user: String| {
        let app = &j.app;
        async move {
            let scopes = [confer_store::tokens::Scope::Read];
            confer_store::tokens::create_for_days(&app.db, &user, app.authority.id.as_str(), "api", &scopes, 30, "test")
                .await
                .unwrap()
                .1
        }
    };
    let sw = token(j.sw_id.clone()).await;
    let (status, body) = j.api_get(&sw, "/api/v1/families/fam1/children/amy/timeline").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = serde_json::from_str::<serde_json::Value>(&body).unwrap();
    assert_eq!(v["child_id"], "amy");
    assert_eq!(v["entries"][0]["kind"], "conference");
    assert!(v["entries"].as_array().unwrap().iter().any(|e| e["kind"] == "action-due"), "{v}");
    assert_eq!(v["plans"].as_array().unwrap().len(), 1);
    let reads = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_event WHERE action = 'plan.timeline.read'")
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    assert_eq!(reads, 1, "the read is logged");
    // A core group member reads it; someone unrelated, or a child of no plan here, is not found.
    let teacher = token(j.teacher_id.clone()).await;
    assert_eq!(j.api_get(&teacher, "/api/v1/families/fam1/children/amy/timeline").await.0, StatusCode::OK);
    let outsider = token(person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await).await;
    let (status, body) = j.api_get(&outsider, "/api/v1/families/fam1/children/amy/timeline").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Amy"));
    assert_eq!(j.api_get(&sw, "/api/v1/families/fam1/children/nobody/timeline").await.0, StatusCode::NOT_FOUND);
}

/// Records a core group meeting on the page, on the day the clock shows (20 November 2026),
/// with the key worker and the teacher present and a new action for Mia.
async fn meeting_on_the_page(j: &Journey, id: &str, evidence: &str) {
    let mut sw = j.app.as_user(&j.sw_id).await;
    let path = format!("/plans/{id}/core-group");
    let form = sw.get(&path).await;
    let kw = format!("key-worker:{}", j.sw_id);
    let (kw_rating, teacher_rating) = (
        format!("rating_{}", member_index(&form.body, &kw)),
        format!("rating_{}", member_index(&form.body, "professional:p-school")),
    );
    let open: Vec<u32> = j
        .plan(id)
        .await
        .actions
        .iter()
        .filter(|a| {
            matches!(
                a.status,
                confer_domain::plan::ActionStatus::NotStarted | confer_domain::plan::ActionStatus::InProgress
            )
        })
        .map(|a| a.number)
        .collect();
    let keys: Vec<(String, String, String)> = open
        .iter()
        .map(|n| (format!("status_{n}"), format!("evidence_{n}"), format!("{evidence} (action {n})")))
        .collect();
    let mut fields = vec![
        ("held_on", "20/11/2026"),
        ("present", kw.as_str()),
        ("present", "professional:p-school"),
        (kw_rating.as_str(), "4"),
        (teacher_rating.as_str(), "6"),
        ("new_what_1", "Mia takes Amy to the dentist"),
        ("new_owner_1", "family-member:fam1-mum"),
        ("new_due_1", "4/12/2026"),
    ];
    for (status, ev, text) in &keys {
        fields.push((status.as_str(), "in-progress"));
        fields.push((ev.as_str(), text.as_str()));
    }
    step(&mut sw, &path, &path, &fields).await;
}

#[tokio::test]
async fn core_group_notes_go_to_each_member_in_the_version_they_may_see_through_the_outbox_cg_03_exc_06() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    sqlx::query("UPDATE adult SET email = 'mia@example.org' WHERE id = 'fam1-mum'")
        .execute(j.app.db.pool())
        .await
        .unwrap();
    meeting_on_the_page(&j, &id, "Breakfast club twice so far.").await;
    // The teacher and the police officer (professionals of the core group) and Mia get the
    // notes whole; the key worker who recorded them does not get a copy.
    for to in ["p-school@example.org", "p-police@example.org", "mia@example.org"] {
        let mail = confer_store::otp::outbox_for(&j.app.db, to).await.unwrap();
        let notes: Vec<&(String, String)> =
            mail.iter().filter(|(s, _)| s.starts_with("Notes of a core group")).collect();
        assert_eq!(notes.len(), 1, "{to}: {mail:?}");
        let (subject, body) = notes[0];
        assert_eq!(subject, "Notes of a core group meeting on Friday 20 November 2026");
        assert!(!subject.contains("Amy") && !subject.contains("Brook"), "no names in the subject");
        assert!(body.contains("Breakfast club twice so far. (action 1)"), "{body}");
        assert!(body.contains("Mia takes Amy to the dentist"), "{body}");
        assert!(body.contains("The next core group meeting is due by"), "{body}");
    }
    let sw_mail = confer_store::otp::outbox_for(&j.app.db, "sw@council.example").await.unwrap();
    assert!(!sw_mail.iter().any(|(s, _)| s.starts_with("Notes of")), "{sw_mail:?}");
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'plan.core-group-notes.sent' AND entity_id = $1",
    )
    .bind(&id)
    .fetch_all(j.app.db.pool())
    .await
    .unwrap();
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("family-member:fam1-mum") && !told[0].contains("@"), "audited by member, no address");

    // EXC-06: once the chair has excluded Mia from a part of the conference, her copy of the
    // next notes holds only her own actions and the dates.
    use confer_domain::conference::{Exclusion, ExclusionDecision, ExclusionReason, ExclusionScope};
    let exclusion = Exclusion {
        decision: ExclusionDecision {
            adult_id: AdultId("fam1-mum".into()),
            scope: ExclusionScope::Whole,
            reasons: vec![ExclusionReason::ALL[0]],
            detail: "Fictional reason.".into(),
            rests_on_police_information: false,
            views_by: vec![],
        },
        decided_by: j.sw_id.as_str().into(),
        decided_at: at("2026-11-19 09:00"),
        told: None,
    };
    let row = sqlx::query("SELECT doc FROM conference WHERE id = $1")
        .bind(j.conference.id.as_str())
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&sqlx::Row::get::<String, _>(&row, "doc")).unwrap();
    doc["exclusions"].as_array_mut().unwrap().push(serde_json::to_value(&exclusion).unwrap());
    sqlx::query("UPDATE conference SET doc = $1 WHERE id = $2")
        .bind(doc.to_string())
        .bind(j.conference.id.as_str())
        .execute(j.app.db.pool())
        .await
        .unwrap();
    meeting_on_the_page(&j, &id, "SECOND-MEETING evidence.").await;
    let mail = confer_store::otp::outbox_for(&j.app.db, "mia@example.org").await.unwrap();
    let (_, hers) = &mail[0];
    assert!(hers.contains("Some parts of these notes are not shown to you"), "{hers}");
    assert!(hers.contains("Mia takes Amy to the dentist"), "her own action: {hers}");
    assert!(hers.contains("SECOND-MEETING evidence. (action 2)"), "her own action's progress: {hers}");
    assert!(!hers.contains("SECOND-MEETING evidence. (action 1)"), "not the others' progress: {hers}");
    assert!(!hers.contains("Who was there") && !hers.contains("core group meeting is due"), "{hers}");
    let (_, teachers) = &confer_store::otp::outbox_for(&j.app.db, "p-school@example.org").await.unwrap()[0];
    assert!(teachers.contains("SECOND-MEETING evidence. (action 1)"), "the professionals read them whole");
}

#[tokio::test]
async fn core_group_notes_go_on_the_print_list_for_a_member_without_an_address_or_who_asked_for_post_cg_03_exc_06() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let letters = |db: confer_store::Db| async move {
        confer_store::documents_sent::print_list(&db, None)
            .await
            .unwrap()
            .into_iter()
            .filter(|(s, _)| s.kind == "core-group-notes")
            .collect::<Vec<_>>()
    };
    // Mia has no e-mail address: her notes are a letter on the print list, logged as sent by
    // post; the professionals are e-mailed as before.
    meeting_on_the_page(&j, &id, "Breakfast club twice so far.").await;
    let waiting = letters(j.app.db.clone()).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let (sent, pdf) = &waiting[0];
    assert_eq!(
        (sent.recipient.as_str(), sent.channel.as_str(), sent.print_state.as_deref()),
        ("family-member:fam1-mum", "post", Some("waiting"))
    );
    assert!(pdf.starts_with(b"%PDF"), "a PDF letter");
    let school = confer_store::otp::outbox_for(&j.app.db, "p-school@example.org").await.unwrap();
    assert_eq!(
        school.iter().filter(|(_, body)| body.contains("Breakfast club twice so far.")).count(),
        1,
        "the school is e-mailed the notes once: {school:?}"
    );
    let audit: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'plan.core-group-notes.sent' AND entity_id = $1",
    )
    .bind(&id)
    .fetch_one(j.app.db.pool())
    .await
    .unwrap();
    let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit["posted"], serde_json::json!(["family-member:fam1-mum"]), "{audit}");
    assert!(!audit["told"].as_array().unwrap().iter().any(|m| m == "family-member:fam1-mum"), "{audit}");

    // LANG-03: now she has an address but asked for letters by post: a letter again, no e-mail.
    sqlx::query("UPDATE adult SET email = 'mia@example.org', prefers_post = 1 WHERE id = 'fam1-mum'")
        .execute(j.app.db.pool())
        .await
        .unwrap();
    meeting_on_the_page(&j, &id, "SECOND-MEETING evidence.").await;
    assert_eq!(letters(j.app.db.clone()).await.len(), 2);
    let mail = confer_store::otp::outbox_for(&j.app.db, "mia@example.org").await.unwrap();
    assert!(!mail.iter().any(|(s, _)| s.starts_with("Notes of")), "{mail:?}");
    // With her preference lifted, she is e-mailed.
    sqlx::query("UPDATE adult SET prefers_post = 0 WHERE id = 'fam1-mum'").execute(j.app.db.pool()).await.unwrap();
    meeting_on_the_page(&j, &id, "THIRD-MEETING evidence.").await;
    assert_eq!(letters(j.app.db.clone()).await.len(), 2, "no third letter");
    let mail = confer_store::otp::outbox_for(&j.app.db, "mia@example.org").await.unwrap();
    assert_eq!(mail.iter().filter(|(s, _)| s.starts_with("Notes of")).count(), 1, "{mail:?}");
}

#[tokio::test]
async fn a_core_group_meeting_is_arranged_moved_and_cancelled_on_the_pages_and_shown_to_the_right_people_cg_01_cg_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    // The plan offers it: the core group is due by 4 December and nothing is arranged yet.
    let plan_page = sw.get(&format!("/plans/{id}")).await;
    assert!(plan_page.body.contains("Not arranged yet"));
    let path = format!("/plans/{id}/core-group/arrange");
    assert!(plan_page.body.contains(&format!("href=\"{path}\"")), "the plan links to the arranging page");
    let form = sw.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Mia") && form.body.contains("Who is invited"), "the core group is listed");

    // CG-02: refusals come back with the reason on the field and what was typed.
    let res =
        refused(&mut sw, &path, &path, &[("on", "19/11/2026"), ("at", "14:00"), ("venue", "Family Centre")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_summary(&res.body).contains("in the past"), "{}", error_summary(&res.body));
    assert!(res.body.contains("value=\"Family Centre\""), "the place typed is kept");
    let res = refused(&mut sw, &path, &path, &[("on", "2/12/2026"), ("at", "14:00")]).await;
    assert!(error_summary(&res.body).contains("Say where the meeting is"), "{}", error_summary(&res.body));
    let res = refused(&mut sw, &path, &path, &[("on", "2/12/2026"), ("at", "2pm"), ("venue", "Family Centre")]).await;
    assert!(error_summary(&res.body).contains("hours and minutes"), "{}", error_summary(&res.body));
    let late = [("on", "9/12/2026"), ("at", "14:00"), ("venue", "Family Centre")];
    let res = refused(&mut sw, &path, &path, &late).await;
    assert!(error_summary(&res.body).contains("late reason"), "{}", error_summary(&res.body));
    // Only those who lead the plan arrange its meetings: a core group member may not (403),
    // an outsider does not find it (404).
    let mut teacher = j.app.as_user(&j.teacher_id).await;
    assert_eq!(teacher.get(&path).await.status, StatusCode::FORBIDDEN);
    let outsider = person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await;
    assert_eq!(j.app.as_user(&outsider).await.get(&path).await.status, StatusCode::NOT_FOUND);

    // Arranged.
    let res =
        step(&mut sw, &path, &path, &[("on", "2/12/2026"), ("at", "14:00"), ("venue", "Family Centre, room 3")]).await;
    assert_eq!(res.location.as_deref(), Some(format!("/plans/{id}?done=core-group-ar#core-group-arranged").as_str()));
    let p = j.plan(&id).await;
    let a = p.arranged_core_group().expect("arranged");
    assert_eq!((a.on.to_string(), a.venue.as_deref()), ("2026-12-02".to_owned(), Some("Family Centre, room 3")));
    let shown = "2 December 2026 at 14:00";
    assert!(sw.get(&format!("/plans/{id}")).await.body.contains(shown));
    // Mia has no e-mail address: her invitation waits on the print list; the school is e-mailed.
    let school = confer_store::otp::outbox_for(&j.app.db, "p-school@example.org").await.unwrap();
    assert!(school.iter().any(|(s, _)| s == "Invitation to a core group meeting on Wednesday 2 December 2026"));
    let letters = |db: confer_store::Db| async move {
        confer_store::documents_sent::print_list(&db, None)
            .await
            .unwrap()
            .into_iter()
            .filter(|(s, _)| s.kind.starts_with("core-group-"))
            .map(|(s, _)| (s.recipient, s.kind))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        letters(j.app.db.clone()).await,
        [("family-member:fam1-mum".to_owned(), "core-group-invitation".to_owned())]
    );

    // CG-02 on everyone's lists: the key worker's plans, the team manager's team, the
    // partner professional's home, the parent's portal (English and Welsh); nobody else's.
    assert!(sw.get("/plans").await.body.contains(shown), "the key worker's list");
    let tm = person(&j.app, "tm", &[Role::TeamManager], AccountKind::Staff).await;
    let mut tm_b = j.app.as_user(&tm).await;
    assert!(!tm_b.get("/plans").await.body.contains("Your team's core groups due"), "not yet their team");
    sqlx::query("UPDATE user_account SET line_manager_id = $1 WHERE id = $2")
        .bind(&tm)
        .bind(&j.sw_id)
        .execute(j.app.db.pool())
        .await
        .unwrap();
    let team = tm_b.get("/plans").await;
    assert!(team.body.contains("Your team's core groups due") && team.body.contains(shown), "{}", team.body);
    let home = teacher.get("/portal").await;
    assert!(home.body.contains("Arranged for 2 December 2026 at 14:00"), "{}", home.body);
    let mut outsider_b = j.app.as_user(&outsider).await;
    assert!(!outsider_b.get("/portal").await.body.contains("2 December 2026"));
    let mut mum = j.portal("mia", Role::Parent, PortalPerson::Adult(AdultId("fam1-mum".into()))).await;
    let en = mum.get(&format!("/portal/plans/{id}")).await;
    assert!(en.body.contains("Core group meeting arranged for") && en.body.contains(shown), "{}", en.body);
    let cy = mum.get(&format!("/portal/plans/{id}?lang=cy")).await.body.replace("&#x27;", "'").replace("&#39;", "'");
    assert!(
        cy.contains("Cyfarfod y grŵp craidd wedi'i drefnu ar gyfer") && cy.contains("2 Rhagfyr 2026 am 14:00"),
        "{cy}"
    );

    // Moved (with the reason): Mia's letter not yet printed is replaced by one with the new day.
    let move_path = format!("/plans/{id}/core-group/move");
    let res = refused(
        &mut sw,
        &path,
        &move_path,
        &[("on", "3/12/2026"), ("at", "10:00"), ("venue", "Family Centre, room 3")],
    )
    .await;
    assert!(error_summary(&res.body).contains("why the meeting moves"), "{}", error_summary(&res.body));
    step(
        &mut sw,
        &path,
        &move_path,
        &[("on", "3/12/2026"), ("at", "10:00"), ("venue", "Family Centre, room 3"), ("reason", "The room is needed.")],
    )
    .await;
    assert_eq!(letters(j.app.db.clone()).await, [("family-member:fam1-mum".to_owned(), "core-group-moved".to_owned())]);
    assert!(sw.get("/plans").await.body.contains("3 December 2026 at 10:00"));

    // Cancelled (with the reason): nothing arranged, nothing waiting to be printed for her.
    let cancel_path = format!("/plans/{id}/core-group/cancel");
    let res = refused(&mut sw, &path, &cancel_path, &[("reason", " ")]).await;
    assert!(error_summary(&res.body).contains("why the meeting is cancelled"), "{}", error_summary(&res.body));
    step(&mut sw, &path, &cancel_path, &[("reason", "The family asked for another day.")]).await;
    let p = j.plan(&id).await;
    assert!(p.arranged_core_group().is_none());
    assert_eq!(p.arrangements.cancelled[0].reason, "The family asked for another day.");
    assert!(letters(j.app.db.clone()).await.is_empty(), "her letters were withdrawn before printing");
    assert!(sw.get(&format!("/plans/{id}")).await.body.contains("Not arranged yet"));
    assert!(!mum.get(&format!("/portal/plans/{id}")).await.body.contains("Core group meeting arranged for"));
}

#[tokio::test]
async fn the_core_group_due_reminder_names_the_meeting_arranged_cg_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    let path = format!("/plans/{id}/core-group/arrange");
    step(&mut sw, &path, &path, &[("on", "4/12/2026"), ("at", "14:00"), ("online", "yes")]).await;
    // Within the "at risk" window of the core group's due date (4 December).
    j.clock.set(at("2026-12-03 08:00"));
    let ops = confer_ops::Ops::new(j.app.db.clone(), j.clock.clone());
    confer_ops::reminders::run(&ops).await.unwrap();
    let sw_email: String = sqlx::query_scalar("SELECT email FROM user_account WHERE id = $1")
        .bind(&j.sw_id)
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    let mail = confer_store::otp::outbox_for(&j.app.db, &sw_email).await.unwrap();
    let bodies: Vec<&String> =
        mail.iter().filter(|(s, _)| s == "Reminder: a core group meeting is due").map(|(_, b)| b).collect();
    assert_eq!(bodies.len(), 2, "Amy's plan and Ben's: {mail:?}");
    assert!(bodies.iter().any(|b| b.contains("It is arranged for Friday 4 December 2026 at 14:00.")), "{bodies:?}");
    assert!(bodies.iter().any(|b| b.contains("No meeting is arranged yet.")), "Ben's is not: {bodies:?}");
}

/// CG-02, QA-02: a core group meeting arranged after the day the core group is due by keeps
/// its late reason (the kind chosen and the words) on the missed core group deadline, as the
/// conference deadlines keep theirs, so the late-reasons report counts it; and the "due and
/// overdue" list shows, beside the core group due, the meeting arranged for it.
#[tokio::test]
async fn a_late_core_group_keeps_its_reason_on_the_deadline_for_the_late_reasons_report_cg_02_qa_02() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let mut sw = j.app.as_user(&j.sw_id).await;
    let path = format!("/plans/{id}/core-group/arrange");
    // The core group is due by 4 December; the meeting is arranged for the 9th with the reason.
    let res = step(
        &mut sw,
        &path,
        &path,
        &[
            ("on", "9/12/2026"),
            ("at", "14:00"),
            ("venue", "Family Centre"),
            ("late_reason_kind", "professional-unavailable"),
            ("late_reason", "The school nurse is away until the 8th."),
        ],
    )
    .await;
    assert_eq!(res.location.as_deref(), Some(format!("/plans/{id}?done=core-group-ar#core-group-arranged").as_str()));
    let case = j.plan(&id).await.case_id;
    let (reason, details, met): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT late_reason, late_details, met_on FROM deadline WHERE case_id = $1 AND rule = $2")
            .bind(case.as_str())
            .bind(DeadlineRule::FirstCoreGroup.as_str())
            .fetch_one(j.app.db.pool())
            .await
            .unwrap();
    assert_eq!(reason.as_deref(), Some("professional-unavailable"));
    assert_eq!(details.as_deref(), Some("The school nurse is away until the 8th."));
    assert_eq!(met, None, "still to be met: the meeting has not happened");
    // QA-02: the late-reasons report counts it under the first core group.
    let counts = confer_store::deadlines::late_reasons(&j.app.db, &j.app.authority.id).await.unwrap();
    assert!(
        counts.iter().any(|c| c.rule == DeadlineRule::FirstCoreGroup
            && c.reason == confer_domain::timescales::LateReason::ProfessionalUnavailable
            && c.count == 1),
        "{counts:?}"
    );
    // Audited with the change.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'deadline.late-reason' AND entity_id = 'fam1'",
    )
    .fetch_one(j.app.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // A meeting arranged by the due date records no late reason (Ben's plan, the same case).
    let ben = j.plan_of("ben").await;
    let ben_path = format!("/plans/{ben}/core-group/arrange");
    step(
        &mut sw,
        &ben_path,
        &ben_path,
        &[("on", "3/12/2026"), ("at", "10:00"), ("online", "yes"), ("late_reason", "Not needed")],
    )
    .await;
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'deadline.late-reason'")
        .fetch_one(j.app.db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 1, "only the late meeting touches the deadline");

    // "Due and overdue": the core group due shows the meeting arranged for it.
    let list = sw.get("/deadlines").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Meeting arranged for 3 December 2026 at 10:00"), "{}", list.body);
}

/// The family portal's plan as JSON (issue 13, PLAN-06, PLAN-02, CHILD-04), read with the
/// portal's session: a parent or carer of the child gets the plan in plain words, their own
/// actions first and the next meetings; the young person their own version and the dates;
/// anyone else of the family, another family's person and the staff are refused as the page
/// refuses them, and an API token does not reach it. Each read is audited.
#[tokio::test]
async fn the_family_portal_reads_the_childs_plan_as_json_with_the_pages_access_plan_06_plan_02_child_04() {
    let j = journey().await;
    let id = j.plan_of("amy").await;
    let path = format!("/portal/api/v1/plans/{id}");
    let mut mum = j.portal("mia", Role::Parent, PortalPerson::Adult(AdultId("fam1-mum".into()))).await;
    let reads = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'portal.plan.read'")
            .fetch_one(j.app.db.pool())
            .await
            .unwrap();
        n
    };
    let before = reads().await;
    let res = mum.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(reads().await, before + 1, "the read is audited as the page's is");
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["plan_id"], id.as_str());
    assert_eq!(v["reader"], "parent");
    assert!(v["child_name"].as_str().unwrap().starts_with("Amy"), "{v}");
    assert_eq!(v["withheld"], false);
    assert_eq!(v["concerns"][0]["concern"], "The children are often left without food.", "{v}");
    let p = j.plan(&id).await;
    assert_eq!(v["actions"][0]["what"], p.actions[0].what.as_str());
    assert_eq!(v["actions"][0]["status"], "not-started");
    assert_eq!(v["actions"][0]["mine"], false);
    assert_eq!(v["next_core_group"], "2026-12-04", "CG-02: the next core group");
    assert_eq!(v["next_review"], "2027-02-20", "REV-01: the next review");
    assert_eq!(v["parental_responsibility"]["en"], confer_domain::plan::PARENTAL_RESPONSIBILITY_EN);
    assert_eq!(v["parental_responsibility"]["cy"], confer_domain::plan::PARENTAL_RESPONSIBILITY_CY);
    assert_eq!(v["young_persons_version"], serde_json::Value::Null, "not shared with her");

    // The young person: her own version and the dates, not the plan's words.
    let mut sw = j.app.as_user(&j.sw_id).await;
    let yp = format!("/plans/{id}/young-person");
    step(&mut sw, &yp, &yp, &[("body", "Amy, this is your plan.")]).await;
    let mut amy = j.portal("amy-yp", Role::YoungPerson, PortalPerson::Child(ChildId("amy".into()))).await;
    let res = amy.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["reader"], "young-person");
    assert_eq!(v["young_persons_version"], "Amy, this is your plan.");
    assert_eq!(v["concerns"], serde_json::json!([]));
    assert_eq!(v["actions"], serde_json::json!([]));
    assert_eq!(v["next_core_group"], "2026-12-04");
    assert!(!res.body.contains("without food"), "{}", res.body);

    // Refused: her brother's plan is not hers (404, as the page); the staff view is the staff's
    // (the social worker is told it is not theirs to open as the family, 403, nothing of it).
    let ben = j.plan_of("ben").await;
    let res = amy.get(&format!("/portal/api/v1/plans/{ben}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(!res.body.contains("Ben"), "{}", res.body);
    let res = sw.get(&path).await;
    assert!([StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&res.status), "{}: {}", res.status, res.body);
    assert!(!res.body.contains("without food"), "{}", res.body);
    let outsider = person(&j.app, "outsider", &[Role::Professional], AccountKind::Staff).await;
    let res = j.app.as_user(&outsider).await.get(&path).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // A parent of another family finds nothing.
    j.app.world.family("fam2").child("cal", "Cal", "2014-03-03").mother("fam2-mum", "Nia").create().await;
    let uid = j.app.world.person("nia").roles(&[Role::Parent]).kind(AccountKind::Portal).create().await.0;
    let mut tx = j.app.db.begin().await.unwrap();
    let nia = PortalPerson::Adult(AdultId("fam2-mum".into()));
    confer_store::portal::link_in(&mut tx, &j.app.authority.id, &UserId(uid.clone()), "fam2", &nia, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let res = j.app.as_user(&uid).await.get(&path).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Not signed in: sent to sign in; an API token does not reach the portal.
    let res = Browser::new(&j.app).get(&path).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let token = confer_store::tokens::create_for_days(
        &j.app.db,
        &j.sw_id,
        j.app.authority.id.as_str(),
        "api",
        &[confer_store::tokens::Scope::Read],
        30,
        "test",
    )
    .await
    .unwrap()
    .1;
    let res = client().get(format!("{}{path}", j.app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a token is sent to sign in");
    assert!(!res.text().await.unwrap().contains("without food"));
    assert_eq!(reads().await, before + 2, "only the two reads allowed are audited");
}
