//! The access matrix: every route of the route table x every role x every relationship to a
//! family's record, against the one access policy. Each cell is a real request to a real
//! server, and its answer must be exactly what `confer_domain::access::decide` says:
//! allowed (anything but 401/403/404 or a trip to sign-in), 403, or 404 (never the record's
//! contents). Runs on SQLite and PostgreSQL (ROLE-11).

mod common;
use common::*;
use confer_domain::access::{decide, Actor, Decision, Relationship, Target};
use confer_domain::*;
use confer_store::families::{insert_agency, insert_professional};
use confer_store::testing::World;
use confer_store::{tokens, Db};
use confer_web::routes::{Access, ROUTES};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// How the acting user stands towards a family, as the fixture builds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    Unrelated,
    AllocatedWorker,
    ManagerOfAllocatedWorker,
    Invited,
    OtherTenant,
    /// The user chairs the family's conference (chairs only: no one else can be scheduled as chair).
    ChairOfConference,
    /// The user's portal account is linked to the family's mother (the family portal).
    FamilyMember,
    /// The user is named in the core group of the child's plan (CG-01).
    CoreGroupMember,
}

impl Variant {
    fn relationships(self) -> Vec<Relationship> {
        match self {
            Variant::Unrelated | Variant::OtherTenant => vec![],
            Variant::AllocatedWorker => vec![Relationship::AllocatedWorker],
            Variant::ManagerOfAllocatedWorker => vec![Relationship::ManagerOfAllocatedWorker],
            Variant::Invited => vec![Relationship::Invited],
            Variant::ChairOfConference => vec![Relationship::ConferenceChair],
            Variant::FamilyMember => vec![Relationship::FamilyMember],
            Variant::CoreGroupMember => vec![Relationship::CoreGroupMember],
        }
    }
}

const VARIANTS: [Variant; 8] = [
    Variant::Unrelated,
    Variant::AllocatedWorker,
    Variant::ManagerOfAllocatedWorker,
    Variant::Invited,
    Variant::OtherTenant,
    Variant::ChairOfConference,
    Variant::FamilyMember,
    Variant::CoreGroupMember,
];

/// Requests a conference for a family through the API, as the authority's coordinator; and,
/// given a chair, schedules it with them. Returns the conference's id.
async fn conference(
    app: &App,
    coordinator_token: &str,
    fid: &str,
    cid: &str,
    professionals: &[&str],
    chair: Option<&str>,
) -> String {
    let http = reqwest::Client::new();
    let today = chrono::Utc::now().date_naive();
    let body = serde_json::json!({
        "kind": "initial",
        "children": [{"child_id": cid}],
        "strategy_discussion_on": (today - chrono::Days::new(2)).to_string(),
        "enquiry": "section-47",
        "harm_finding": "suffering",
        "reason": "Fixture for the access matrix.",
        "concerns": ["neglect"],
        "family_members": [{"adult_id": fid.replace("fam-", "adult-")}],
        "professionals": professionals,
    });
    let res = http
        .post(format!("{}/api/v1/families/{fid}/conferences", app.base))
        .bearer_auth(coordinator_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let out: serde_json::Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let id = out["conference_id"].as_str().unwrap().to_owned();
    if let Some(chair) = chair {
        let body = serde_json::json!({"version": out["version"], "date": (today + chrono::Days::new(7)).to_string(), "time": "10:00", "venue": "Room 1", "chair_id": chair});
        let res = http
            .post(format!("{}/api/v1/conferences/{id}/schedule", app.base))
            .bearer_auth(coordinator_token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        assert_eq!(status, StatusCode::OK, "{}", res.text().await.unwrap());
    }
    id
}

async fn family(world: &World, key: &str, worker: &str, professional: Option<&ProfessionalId>) -> (String, String) {
    let profs: Vec<&str> = professional.iter().map(|p| p.as_str()).collect();
    world
        .family(&format!("fam-{key}"))
        .named(&format!("Family {key}"))
        .surname("Testfamily")
        .worker(worker)
        .stage(CaseStage::ConferenceRequested)
        .case_id(&format!("case-{key}"))
        .child(&format!("child-{key}"), "Robin", "2018-03-04")
        .with_child(|c| {
            c.nhs_number = NhsNumber::from_nine(999_000_001);
            c.la_child_id = format!("LA{key}");
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .mother(&format!("adult-{key}"), "Morgan")
        .professionals(&profs)
        .create()
        .await;
    (format!("fam-{key}"), format!("child-{key}"))
}

/// One test per role, so that the matrix's twenty thousand requests spread over the test
/// runner's threads instead of making one test the whole run's tail; each runs the server on a
/// second worker thread. `the_matrix_has_a_test_for_every_role` keeps the list whole.
macro_rules! matrix_tests {
    ($($name:ident => $role:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                every_route_answers_as_the_access_policy_decides(Role::$role).await
            }
        )+
        const ROLES_TESTED: &[Role] = &[$(Role::$role),+];
    };
}

matrix_tests! {
    every_route_answers_as_the_access_policy_decides_for_a_chair_role_11 => Chair,
    every_route_answers_as_the_access_policy_decides_for_a_coordinator_role_11 => Coordinator,
    every_route_answers_as_the_access_policy_decides_for_a_note_taker_role_11 => NoteTaker,
    every_route_answers_as_the_access_policy_decides_for_a_social_worker_role_11 => SocialWorker,
    every_route_answers_as_the_access_policy_decides_for_a_team_manager_role_11 => TeamManager,
    every_route_answers_as_the_access_policy_decides_for_a_professional_role_11 => Professional,
    every_route_answers_as_the_access_policy_decides_for_a_parent_role_11 => Parent,
    every_route_answers_as_the_access_policy_decides_for_a_young_person_role_11 => YoungPerson,
    every_route_answers_as_the_access_policy_decides_for_a_supporter_role_11 => Supporter,
    every_route_answers_as_the_access_policy_decides_for_quality_assurance_role_11 => QualityAssurance,
    every_route_answers_as_the_access_policy_decides_for_an_auditor_role_11 => Auditor,
    every_route_answers_as_the_access_policy_decides_for_an_administrator_role_11 => Administrator,
}

#[test]
fn the_matrix_has_a_test_for_every_role_role_11() {
    assert_eq!(ROLES_TESTED, Role::ALL, "every role has its own matrix test, in Role::ALL's order");
}

/// Every route, for one role, for every relationship to the record it names.
async fn every_route_answers_as_the_access_policy_decides(role: Role) {
    let app = start().await;
    let db = app.db.clone();
    let a = app.authority.clone();
    let other = World::with_authority(&db, "T02", "Otherton Council", Nation::Wales).await;
    let b = other.authority.clone();
    let (worker, _) = staff(&app, "worker.w", &[Role::SocialWorker], None).await;
    let (worker_b, _) = staff_in(&app, &b, "worker.b", &[Role::SocialWorker], None).await;
    let (coord_a, _) = staff(&app, "coord.a", &[Role::Coordinator], None).await;
    let (coord_b, _) = staff_in(&app, &b, "coord.b", &[Role::Coordinator], None).await;
    let (chair_c, _) = staff(&app, "chair.c", &[Role::Chair], None).await;
    let coord_a =
        tokens::create(&db, &coord_a, a.id.as_str(), "fixture", &[tokens::Scope::Read, tokens::Scope::Write], "test")
            .await
            .unwrap()
            .1;
    let coord_b =
        tokens::create(&db, &coord_b, b.id.as_str(), "fixture", &[tokens::Scope::Read, tokens::Scope::Write], "test")
            .await
            .unwrap()
            .1;
    let agency = Agency {
        id: AgencyId("agency-1".into()),
        authority_id: a.id.clone(),
        name: "Testshire Police".into(),
        kind: AgencyKind::Police,
    };
    let mut tx = db.begin().await.unwrap();
    insert_agency(&mut tx, &agency).await.unwrap();
    tx.commit().await.unwrap();

    // One user per role, each with exactly that role, and one family per relationship.
    let mut cells = 0;
    {
        let role = &role;
        let key = role.as_str();
        let (uid, _) = staff(&app, &format!("u.{key}"), &[*role], None).await;
        let (managed, _) = staff(&app, &format!("managed.{key}"), &[Role::SocialWorker], Some(&uid)).await;
        let prof = Professional {
            id: ProfessionalId(format!("prof-{key}")),
            agency_id: agency.id.clone(),
            name: "Test Officer".into(),
            job_title: "Detective Constable".into(),
            email: "officer@police.example".into(),
            user_id: Some(UserId(uid.clone())),
        };
        let mut tx = db.begin().await.unwrap();
        insert_professional(&mut tx, &a.id, &prof).await.unwrap();
        tx.commit().await.unwrap();
        let mut fams: BTreeMap<Variant, (String, String)> = BTreeMap::new();
        fams.insert(Variant::Unrelated, family(&app.world, &format!("{key}-none"), &worker, None).await);
        fams.insert(Variant::AllocatedWorker, family(&app.world, &format!("{key}-alloc"), &uid, None).await);
        fams.insert(Variant::ManagerOfAllocatedWorker, family(&app.world, &format!("{key}-mgr"), &managed, None).await);
        fams.insert(Variant::Invited, family(&app.world, &format!("{key}-inv"), &worker, Some(&prof.id)).await);
        fams.insert(Variant::OtherTenant, family(&other, &format!("{key}-other"), &worker_b, None).await);
        fams.insert(Variant::ChairOfConference, family(&app.world, &format!("{key}-chaired"), &worker, None).await);
        let own = family(&app.world, &format!("{key}-own"), &worker, None).await;
        let own_family = own.0.clone();
        let mut tx = db.begin().await.unwrap();
        let mother = confer_domain::portal::PortalPerson::Adult(AdultId(format!("adult-{key}-own")));
        confer_store::portal::link_in(&mut tx, &a.id, &UserId(uid.clone()), &own.0, &mother, "test").await.unwrap();
        tx.commit().await.unwrap();
        fams.insert(Variant::FamilyMember, own);
        fams.insert(Variant::CoreGroupMember, family(&app.world, &format!("{key}-core"), &worker, None).await);
        // Issue 13: a plan for each family's child; the user is in the core group of one.
        let mut plan_ids: BTreeMap<Variant, String> = BTreeMap::new();
        for (variant, (fid, cid)) in &fams {
            // The key worker is another social worker, so the user's only link to the plan is
            // the variant's relationship (a key worker is in the core group).
            let (w, worker_of) = match variant {
                Variant::OtherTenant => (&other, worker_b.as_str()),
                _ => (&app.world, worker.as_str()),
            };
            let members: Vec<&str> = if *variant == Variant::CoreGroupMember { vec![uid.as_str()] } else { vec![] };
            let case = fid.replace("fam-", "case-");
            plan_ids.insert(*variant, w.plan_for(fid, &case, cid, worker_of, &members).await);
        }
        // PLAN-05, TIME-02: the other tenant's plan offered to this authority as a transfer,
        // with its pack shared, for the receiving side's routes.
        let transfer_id = format!("transfer-{key}");
        sqlx::query(
            "INSERT INTO plan_transfer (id, plan_id, from_authority_id, to_authority_id, notified_on, due_by, state, \
             created_by, created_at, pack_shared_by, pack_shared_at) \
             VALUES ($1, $2, $3, $4, '2026-11-23', '2026-12-14', 'pending', $5, '2026-11-23T09:00:00Z', $5, \
             '2026-11-23T09:00:00Z')",
        )
        .bind(&transfer_id)
        .bind(&plan_ids[&Variant::OtherTenant])
        .bind(b.id.as_str())
        .bind(a.id.as_str())
        .bind(&worker_b)
        .execute(db.pool())
        .await
        .unwrap();
        // A conference for each family; the chaired one is chaired by this user if they are a
        // chair (anyone else cannot be scheduled as chair: CHAIR-01), else by another chair.
        let mut confs: BTreeMap<Variant, String> = BTreeMap::new();
        for (variant, (fid, cid)) in &fams {
            let (token, pros, chair): (&str, Vec<&str>, Option<&str>) = match variant {
                Variant::OtherTenant => (&coord_b, vec![], None),
                Variant::Invited => (&coord_a, vec![prof.id.as_str()], None),
                Variant::ChairOfConference => {
                    (&coord_a, vec![], Some(if *role == Role::Chair { uid.as_str() } else { chair_c.as_str() }))
                }
                Variant::FamilyMember => (&coord_a, vec![], Some(chair_c.as_str())),
                _ => (&coord_a, vec![], None),
            };
            confs.insert(*variant, conference(&app, token, fid, cid, &pros, chair).await);
        }

        // QA-03: an audit of the unrelated family's conference, for the quality audit routes.
        let checklist = confer_domain::quality::Checklist::default();
        let chosen = vec![confs[&Variant::Unrelated].clone()];
        let sample = confer_store::quality::NewSample {
            kind: None,
            from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            size: confer_domain::quality::SampleSize::Count(1),
            seed: 7,
            candidates: 1,
            chosen: &chosen,
            checklist: &checklist,
        };
        confer_store::quality::create_sample(&db, &a.id, &UserId(worker.clone()), &sample).await.unwrap();
        let audit_id = confer_store::quality::audits(&db, &a.id, 500)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.conference_id == chosen[0])
            .unwrap()
            .id;
        // RIGHT-01: a subject access request by the mother of the user's own family (the
        // portal's download finds it for her; staff pages find it in the authority).
        let request = confer_domain::subject_access::SubjectAccessRequest::receive(
            &own_family,
            confer_domain::portal::PortalPerson::Adult(AdultId(format!("adult-{key}-own"))),
            "Morgan Testfamily",
            chrono::Utc::now().date_naive(),
            confer_domain::subject_access::HowReceived::Portal,
            "",
            &UserId(worker.clone()),
            chrono::Utc::now().date_naive(),
            &confer_domain::calendar::Calendar::for_nation(Nation::England),
            &confer_domain::policy::Policy::default(),
        )
        .unwrap();
        let request_id =
            confer_store::subject_access::create(&db, &a.id, &UserId(worker.clone()), &request).await.unwrap();
        // RIGHT-02: a complaint by the mother of the user's own family (her portal finds it as
        // hers; staff pages find it in the authority).
        let complaint = confer_domain::complaint::Complaint::receive(
            confer_domain::complaint::About::Case,
            None,
            confer_domain::complaint::Complainant { adult_id: format!("adult-{key}-own"), logged_by_staff: None },
            "Fixture for the access matrix.",
            chrono::Utc::now().date_naive(),
            &confer_domain::calendar::Calendar::for_nation(Nation::England),
            &confer_domain::policy::PolicyHistory::new(Nation::England),
        )
        .unwrap();
        let complaint_id =
            confer_store::complaints::create(&db, a.id.as_str(), &own_family, &complaint, &worker).await.unwrap();
        let actor =
            Actor { user_id: UserId(uid.clone()), authority_id: a.id.clone(), roles: [*role].into_iter().collect() };
        // Only staff with a second factor hold API tokens (issue 10): the API answers the other
        // roles 401. "Sign out everywhere" revokes the tokens, so they are made again after it.
        let (mut api_token, mut revocable) = matrix_tokens(&db, &uid, &a, *role).await;

        for route in ROUTES {
            let (action, record) = match route.access {
                Access::Public => continue,
                Access::Authority(action) => (action, false),
                Access::Record(action) => (action, true),
            };
            let variants: &[Variant] = if record { &VARIANTS } else { &[Variant::Unrelated] };
            for variant in variants {
                let (fid, cid) = &fams[variant];
                let conference_id = &confs[variant];
                let plan_id = &plan_ids[variant];
                let path = route
                    .path
                    .replace("{family_id}", fid)
                    .replace("{conference_id}", conference_id)
                    .replace("{plan_id}", plan_id)
                    .replace("{child_id}", cid)
                    .replace("{adult_id}", &fid.replace("fam-", "adult-"))
                    .replace("{number}", "1")
                    .replace("{user_id}", &worker)
                    .replace("{audit_id}", &audit_id)
                    .replace("{request_id}", &request_id)
                    .replace("{complaint_id}", &complaint_id)
                    .replace("{transfer_id}", &transfer_id)
                    .replace("{id}", &revocable);
                let expected = if record {
                    let authority = if *variant == Variant::OtherTenant { &b.id } else { &a.id };
                    // Routes about one conference see the relationships to that conference
                    // (its chair, its invitations); routes about the family, the family's.
                    let relationships = if route.path.contains("{conference_id}") && *variant != Variant::OtherTenant {
                        confer_store::conferences::relationships(&db, &UserId(uid.clone()), fid, conference_id)
                            .await
                            .unwrap()
                    } else {
                        variant.relationships()
                    };
                    decide(&actor, action, Target::Record { authority_id: authority, relationships: &relationships })
                } else {
                    decide(&actor, action, Target::Authority(&a.id))
                };
                let is_api = route.path.starts_with("/api/");
                let mut browser = Browser::new(&app);
                let res = if is_api {
                    // A body the handler must refuse, so no cell changes anything: the policy is
                    // asked before the body is read.
                    let Some(api_token) = &api_token else {
                        // No token, no API: family members and partner professionals hold none.
                        let r = browser.http.request(route.method.parse().unwrap(), format!("{}{path}", app.base));
                        let status = r.send().await.unwrap().status();
                        assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {} as {}", route.method, route.path, key);
                        cells += 1;
                        continue;
                    };
                    let req = browser
                        .http
                        .request(route.method.parse().unwrap(), format!("{}{path}", app.base))
                        .bearer_auth(api_token)
                        .header("content-type", "application/json")
                        .body("{\"matrix\": true}");
                    let r = req.send().await.unwrap();
                    (
                        r.status(),
                        r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()),
                        r.text().await.unwrap(),
                    )
                } else {
                    browser.session_for(&db, &uid).await;
                    let page = if route.method == "GET" {
                        browser.get(&path).await
                    } else {
                        // A real form post with the session's CSRF token and no fields.
                        let token = session_csrf(&db, &browser).await;
                        browser.post(&path, &[("csrf_token", token.as_str())]).await
                    };
                    (page.status, page.location, page.body)
                };
                let (status, location, body) = res;
                let cell = format!(
                    "{} {} as {} ({:?}): {status} {location:?}",
                    route.method,
                    route.path,
                    role.as_str(),
                    variant
                );
                assert!(status.as_u16() < 500, "{cell}: server error\n{body}");
                match expected {
                    Decision::Allow => {
                        // A refusal by the conference's own rules ("not_allowed") is past the policy.
                        let policy_refused = status == StatusCode::FORBIDDEN && !body.contains("\"not_allowed\"");
                        assert!(
                            ![StatusCode::UNAUTHORIZED, StatusCode::NOT_FOUND].contains(&status)
                                && !policy_refused
                                && !location.as_deref().unwrap_or("").starts_with("/sign-in?next"),
                            "{cell}: should be allowed\n{body}"
                        );
                    }
                    // Issue 11: the portal's people opening `/` are sent to their portal home
                    // (it shows nothing the policy refuses), not answered 403.
                    Decision::Forbidden if route.path == "/" && location.as_deref() == Some("/portal") => {
                        assert_eq!(status, StatusCode::SEE_OTHER, "{cell}")
                    }
                    Decision::Forbidden => {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{cell}: should be forbidden\n{body}")
                    }
                    Decision::NotFound => {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{cell}: should be not found");
                        assert!(!body.contains("Robin"), "{cell}: a refused record's contents leaked");
                    }
                }
                cells += 1;
                if route.path == "/account/sign-out-everywhere" {
                    (api_token, revocable) = matrix_tokens(&db, &uid, &a, *role).await;
                }
            }
        }
    }
    assert!(cells > 1000, "the matrix covered only {cells} cells for {}", role.as_str());
}

async fn session_csrf(db: &Db, browser: &Browser) -> String {
    use sqlx::Row;
    let token = browser.cookies.get("confer_session").unwrap();
    let row = sqlx::query("SELECT csrf_token FROM web_session WHERE token_hash = $1")
        .bind(confer_store::secret_hash(token))
        .fetch_one(db.pool())
        .await
        .unwrap();
    row.try_get::<String, _>("csrf_token").unwrap()
}

#[tokio::test]
async fn without_signing_in_pages_send_to_sign_in_and_the_api_answers_401() {
    let app = start().await;
    let mut b = Browser::new(&app);
    for route in ROUTES.iter().filter(|r| r.access != Access::Public && r.method == "GET") {
        let path = route
            .path
            .replace("{family_id}", "f")
            .replace("{conference_id}", "x")
            .replace("{plan_id}", "p")
            .replace("{number}", "1")
            .replace("{child_id}", "c")
            .replace("{adult_id}", "a")
            .replace("{user_id}", "u")
            .replace("{audit_id}", "a")
            .replace("{request_id}", "r")
            .replace("{complaint_id}", "k")
            .replace("{transfer_id}", "t")
            .replace("{id}", "i");
        let page = b.get(&path).await;
        if route.path.starts_with("/api/") {
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", route.path);
        } else {
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", route.path);
            let to = page.location.unwrap();
            if route.path.starts_with("/portal/") || route.path == "/portal" {
                // Families are sent to their own sign-in (a code by e-mail).
                assert_eq!(to, "/portal/sign-in", "{}", route.path);
            } else {
                assert!(to.starts_with("/sign-in"), "{}", route.path);
            }
        }
    }
}

#[tokio::test]
async fn every_public_route_is_served() {
    let app = start().await;
    let mut b = Browser::new(&app);
    for route in ROUTES.iter().filter(|r| r.access == Access::Public && r.method == "GET") {
        let path = route.path.replace("{name}", "confer.css");
        let page = b.get(&path).await;
        if route.path == "/feedback/{conference_id}/{token}" {
            // QA-01: a link with no valid token is served by its own page, which says so (404).
            assert!(page.body.contains("This feedback link does not work"), "{path}");
            continue;
        }
        assert_ne!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.status.as_u16() < 500, "{path}");
    }
}

/// The API token a role's user calls with (staff only: others have none) and the id of a
/// token to revoke (for roles that may not make one, a token stored directly, as one made
/// before tokens needed a staff account would be).
async fn matrix_tokens(db: &Db, uid: &str, a: &Authority, role: Role) -> (Option<String>, String) {
    if role.is_staff() {
        let scopes = [tokens::Scope::Read, tokens::Scope::Write];
        let (_, api) = tokens::create(db, uid, a.id.as_str(), "matrix", &scopes, "test").await.unwrap();
        let (revocable, _) =
            tokens::create(db, uid, a.id.as_str(), "to revoke", &[tokens::Scope::Read], "test").await.unwrap();
        return (Some(api), revocable);
    }
    let id = confer_store::new_id();
    sqlx::query(
        "INSERT INTO access_token (id, user_id, name, token_hash, scopes, created_at) VALUES ($1, $2, 'old', $3, 'read', $4)",
    )
    .bind(&id)
    .bind(uid)
    .bind(confer_store::random_secret(32))
    .bind(db.now())
    .execute(db.pool())
    .await
    .unwrap();
    (None, id)
}
