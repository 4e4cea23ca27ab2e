//! Issue 12: what each page costs in SQL statements, so a page that starts asking the database
//! once per row (N+1) fails a test rather than a benchmark. Each page is asked twice (the
//! second time with the caches warm) and the statements of the second request are counted
//! (`common::statements`, sqlx's own statement log). A list page costs the same with one row
//! as with many; a family's page and a conference's pages cost the same for a family of one
//! child as for a family of three children, two adults and three professionals; and no page
//! costs more than its budget. Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use reqwest::StatusCode;
use sqlx::Row;

/// The statements of one request for `path` (asked once before, so caches are warm). The
/// fewest of four requests: the user directory's refresh in the background (every 30 s) or a
/// pool opening a connection (its PRAGMAs are statements too) may fall within one of them.
async fn cost(b: &mut Browser, path: &str) -> u64 {
    let first = b.get(path).await;
    assert_eq!(first.status, StatusCode::OK, "{path} answered {}", first.status);
    let mut fewest = u64::MAX;
    for _ in 0..4 {
        let before = statements();
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path} answered {}", page.status);
        fewest = fewest.min(statements() - before);
    }
    fewest
}

/// The task pages a conference's summary links to (every one a person works in).
async fn task_pages(b: &mut Browser, conference: &str) -> Vec<String> {
    let summary = b.get(&format!("/conferences/{conference}")).await;
    let prefix = format!("href=\"/conferences/{conference}/");
    let mut pages: Vec<String> = summary
        .body
        .split(&prefix)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(str::to_owned)
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

/// The most statements a list page may cost: enough for what it shows, never one per row.
const BUDGET: u64 = 16;
/// A family's or a conference's page: the session, the access policy's relationships, the
/// record's parts, the kept rules' check and the read event's group commit.
const RECORD_BUDGET: u64 = 24;

#[tokio::test]
async fn each_page_costs_the_same_few_statements_whatever_it_shows() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let chair = w.staff_named("chair", &[Role::Chair]).await;
    let (coordinator, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let one = w
        .family("fam-one")
        .worker(&worker)
        .child("one-amy", "AMY", "2015-03-01")
        .mother("one-mum", "Mia")
        .create()
        .await;
    let made = one.requested_conference_with(w, "conf-one", one.initial_request(w)).await;
    let one_conf = confer_store::testing::schedule(w, made, &chair, "2026-11-20").await;

    // Each list as each person who works in it sees it (0 chair, 1 coordinator, 2 social worker).
    // Issue 13's plans: the key worker's list of plans and a plan's page (issue 12).
    let one_plan = w.plan_for(one.id(), one.case.id.as_str(), one.children[0].id.as_str(), &worker, &[]).await;
    // (`/plans` is the key worker's and core group's list: the chair and coordinator have none.)
    let lists: [(usize, &str); 12] = [
        (0, "/"),
        (0, "/conferences/chair"),
        // Issue 12: the coordinator's list reads each row's summary, not its document.
        (1, "/conferences"),
        (0, "/deadlines"),
        (0, "/families"),
        (1, "/"),
        (1, "/deadlines"),
        (1, "/families"),
        (2, "/"),
        (2, "/deadlines"),
        (2, "/families"),
        (2, "/plans"),
    ];
    let mut people = [app.as_user(chair.as_str()).await, app.as_user(&coordinator).await, app.as_user(&worker).await];
    let mut small = Vec::new();
    for (who, path) in lists {
        small.push(cost(&mut people[who], path).await);
    }

    // More rows on every list, and a larger family with its own conference.
    let mut big_conf = String::new();
    let mut big_plan = String::new();
    for i in 0..3 {
        let mut professionals = Vec::new();
        for p in ["school", "gp", "police"] {
            let id = format!("p-{i}-{p}");
            let made = w
                .professional_at(
                    "agency-pq",
                    "Northshire Services",
                    confer_domain::AgencyKind::Other,
                    &id,
                    "Pat Lee",
                    "Worker",
                    None,
                )
                .await;
            professionals.push(made.as_str().to_owned());
        }
        let professionals: Vec<&str> = professionals.iter().map(String::as_str).collect();
        let family = w
            .family(&format!("fam-more-{i}"))
            .worker(&worker)
            .child(&format!("more-{i}-a"), "BEN", "2014-01-01")
            .child(&format!("more-{i}-b"), "CAL", "2016-01-01")
            .unborn(&format!("more-{i}-c"), "Baby", "2027-02-01")
            .mother(&format!("more-{i}-mum"), "Mia")
            .father(&format!("more-{i}-dad"), "Max")
            .professionals(&professionals)
            .create()
            .await;
        let made = family.requested_conference_with(w, &format!("conf-more-{i}"), family.initial_request(w)).await;
        let conference = confer_store::testing::schedule(w, made, &chair, "2026-11-20").await;
        if i == 0 {
            big_conf = conference.id;
            big_plan = w
                .plan_for(
                    family.id(),
                    family.case.id.as_str(),
                    family.children[0].id.as_str(),
                    &worker,
                    &[chair.as_str(), &coordinator],
                )
                .await;
        } else {
            w.plan_for(family.id(), family.case.id.as_str(), family.children[0].id.as_str(), &worker, &[]).await;
        }
    }

    for ((who, path), before) in lists.into_iter().zip(small) {
        let after = cost(&mut people[who], path).await;
        assert_eq!(after, before, "{path} (person {who}) costs more statements with more rows");
        assert!(after <= BUDGET, "{path} (person {who}) costs {after} statements (budget {BUDGET})");
    }
    let as_chair = &mut people[0];

    let family_one = cost(as_chair, "/families/fam-one").await;
    let family_big = cost(as_chair, "/families/fam-more-0").await;
    assert_eq!(family_one, family_big, "a family's page costs more for a larger family");
    assert!(family_one <= RECORD_BUDGET, "the family page costs {family_one} statements (budget {RECORD_BUDGET})");

    // A plan's page, as its key worker sees it: the same for a plan with a core group of
    // three professionals as for one with only the key worker.
    let as_worker = &mut people[2];
    let plan_one = cost(as_worker, &format!("/plans/{one_plan}")).await;
    let plan_big = cost(as_worker, &format!("/plans/{big_plan}")).await;
    assert_eq!(plan_one, plan_big, "a plan's page costs more for a larger core group");
    assert!(plan_one <= RECORD_BUDGET, "the plan page costs {plan_one} statements (budget {RECORD_BUDGET})");
    let as_chair = &mut people[0];

    let mut pages = vec![String::new()];
    pages.extend(task_pages(as_chair, &one_conf.id).await.into_iter().map(|p| format!("/{p}")));
    assert!(pages.len() > 3, "the summary links to its task pages: {pages:?}");
    // Issue 14 (LANG-02, LANG-03): the translations and other formats task has its page.
    assert!(pages.iter().any(|p| p == "/formats"), "the formats task's page is measured: {pages:?}");
    for page in pages {
        let small = cost(as_chair, &format!("/conferences/{}{page}", one_conf.id)).await;
        let big = cost(as_chair, &format!("/conferences/{big_conf}{page}")).await;
        assert_eq!(small, big, "/conferences/{{id}}{page} costs more for a larger family");
        assert!(small <= RECORD_BUDGET, "/conferences/{{id}}{page} costs {small} statements (budget {RECORD_BUDGET})");
    }
}

/// Issue 13: "my plans", a plan's page, a child's timeline and a partner professional's home
/// cost the same few statements with one plan as with several (no statement per plan, action
/// or version).
#[tokio::test]
async fn plan_pages_cost_the_same_whatever_they_show() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (member, _) = staff(&app, "member", &[Role::Professional], None).await;
    let mut plan_of = Vec::new();
    for i in 0..4 {
        w.family(&format!("fam-p{i}"))
            .worker(&worker)
            .case_id(&format!("case-p{i}"))
            .child(&format!("child-p{i}"), "AMY", "2015-03-01")
            .mother(&format!("mum-p{i}"), "Mia")
            .create()
            .await;
        plan_of.push(
            w.plan_for(&format!("fam-p{i}"), &format!("case-p{i}"), &format!("child-p{i}"), &worker, &[&member]).await,
        );
        if i == 0 {
            // One plan first: its costs, with its action overdue tomorrow.
            clock.set(at("2026-11-11 09:00"));
        }
    }
    let _ = plan_of;
    let mut sw = app.as_user(&worker).await;
    let mut pro = app.as_user(&member).await;
    // The costs with one plan are measured on a fresh app below; here, with four plans, each
    // page costs no more than with one (the same person's lists grow, the record pages do not).
    let pages = ["/plans", "/plans/plan-child-p0", "/families/fam-p0/children/child-p0/timeline"];
    let mut many = Vec::new();
    for p in pages {
        many.push(cost(&mut sw, p).await);
    }
    let home_many = cost(&mut pro, "/portal").await;

    let (app1, clock1) = start_at("2026-11-10 09:00").await;
    let w1 = &app1.world;
    let (worker1, _) = staff(&app1, "sw", &[Role::SocialWorker], None).await;
    let (member1, _) = staff(&app1, "member", &[Role::Professional], None).await;
    w1.family("fam-p0")
        .worker(&worker1)
        .case_id("case-p0")
        .child("child-p0", "AMY", "2015-03-01")
        .mother("mum-p0", "Mia")
        .create()
        .await;
    w1.plan_for("fam-p0", "case-p0", "child-p0", &worker1, &[&member1]).await;
    clock1.set(at("2026-11-11 09:00"));
    let mut sw1 = app1.as_user(&worker1).await;
    let mut pro1 = app1.as_user(&member1).await;
    for (p, m) in pages.iter().zip(&many) {
        let one = cost(&mut sw1, p).await;
        assert_eq!(*m, one, "{p} costs more statements with more plans");
        assert!(one <= RECORD_BUDGET, "{p} costs {one} statements (budget {RECORD_BUDGET})");
    }
    let home_one = cost(&mut pro1, "/portal").await;
    eprintln!("statements: {pages:?} = {many:?}; the partner professional's home = {home_one}");
    assert_eq!(home_many, home_one, "a partner professional's home costs more with more plans");
    assert!(home_one <= BUDGET, "the partner professional's home costs {home_one} (budget {BUDGET})");
}

/// QA-01: the feedback report costs the same few statements with one answer as with many (no
/// statement per answer or comment), and the feedback form, opened from the e-mailed link or
/// from the portal, costs a record page's few.
#[tokio::test]
async fn feedback_pages_cost_the_same_whatever_they_show() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    w.professional("p-school", None).await;
    let f = w
        .family("fam-fb")
        .child("fb-kid", "KIT", "2012-01-01")
        .mother("fb-mum", "Mia")
        .with_adult(|a| a.email = Some("fb.mum@example.org".into()))
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.closed_conference(w).await;
    clock.set(at("2026-11-20 15:00"));
    let conf = f.send_outcome(w, made).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let mut q = app.as_user(&qa).await;
    let answer = |n: usize| {
        let db = app.db.clone();
        let authority = app.authority.id.as_str().to_owned();
        let conf = conf.id.clone();
        async move {
            sqlx::query(
                "INSERT INTO feedback_response (id, authority_id, conference_id, invitation_id, audience, period, replies, rating, comment, lang) \
                 VALUES ($1, $2, $3, NULL, 'family', '2026-11', '[[\"understood-why\",\"yes\"]]', 4, $4, 'en')",
            )
            .bind(format!("resp-{n}"))
            .bind(authority)
            .bind(conf)
            .bind(format!("comment {n}"))
            .execute(db.pool())
            .await
            .unwrap();
        }
    };
    answer(0).await;
    let report = "/quality/feedback?from=2026-09&to=2026-11";
    let one = cost(&mut q, report).await;
    let quality_one = cost(&mut q, "/quality").await;
    for n in 1..12 {
        answer(n).await;
    }
    let many = cost(&mut q, report).await;
    assert_eq!(one, many, "the feedback report costs more with more answers");
    assert!(one <= BUDGET, "the feedback report costs {one} statements (budget {BUDGET})");
    assert_eq!(cost(&mut q, "/quality").await, quality_one);
    assert!(quality_one <= BUDGET, "/quality costs {quality_one} statements (budget {BUDGET})");

    // The form behind the e-mailed link, and the portal's, for the mother.
    let body: String =
        sqlx::query("SELECT body FROM outbox WHERE recipient = 'fb.mum@example.org' AND body LIKE '%/feedback/%'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get("body")
            .unwrap();
    let base = confer_store::feedback::LINK_BASE;
    let link = body[body.find(base).unwrap() + base.len()..].split_whitespace().next().unwrap().to_owned();
    let mut anon = Browser::new(&app);
    let form = cost(&mut anon, &link).await;
    assert!(form <= RECORD_BUDGET, "the feedback form costs {form} statements (budget {RECORD_BUDGET})");
    let mum = confer_store::portal::give_access(
        &app.db,
        &confer_store::portal::Access {
            authority_id: &app.authority.id,
            family_id: "fam-fb",
            person: &confer_domain::portal::PortalPerson::Adult("fb-mum".into()),
            display_name: "Mia",
            email: "fb.mum@example.org",
            role: Role::Parent,
        },
        "test",
    )
    .await
    .unwrap();
    let mut parent = app.as_user(mum.as_str()).await;
    let portal_form = cost(&mut parent, &format!("/portal/conferences/{}/feedback", conf.id)).await;
    assert!(portal_form <= RECORD_BUDGET, "the portal's feedback form costs {portal_form} (budget {RECORD_BUDGET})");
}

/// Issue 15: a child's census page costs the same with one episode as with several, and the
/// census returns page the same with one child in the return as with several (the return is
/// read in a fixed number of statements whatever the authority's size).
#[tokio::test]
async fn census_pages_cost_the_same_whatever_they_show() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let episode = |day: &str| confer_domain::census::RecordedEpisode {
        referral_date: day.parse().unwrap(),
        referral_source: "6".into(),
        primary_need: Some("N1".into()),
        nfa: false,
        closure_date: None,
        closure_reason: None,
        assessments: vec![],
        enquiries: vec![],
    };
    let add = |family: String, child: String, days: Vec<&'static str>| {
        let db = app.db.clone();
        let authority = app.authority.id.as_str().to_owned();
        async move {
            let mut tx = db.begin().await.unwrap();
            let eps: Vec<_> = days.iter().map(|d| episode(d)).collect();
            confer_store::census::insert_for_child(&mut tx, &authority, &family, &child, None, Some("UN6"), &eps)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    w.family("fam-c0").worker(&worker).child("c0", "AMY", "2015-03-01").mother("m0", "Mia").create().await;
    add("fam-c0".into(), "c0".into(), vec!["2026-10-01"]).await;
    let mut sw = app.as_user(&worker).await;
    let mut manager = app.as_user(&qa).await;
    // Every connection of the pool warm (their prepared statements made) before counting.
    for _ in 0..16 {
        sw.get("/families/fam-c0/children/c0/census").await;
        manager.get("/returns/census?year=2027").await;
    }
    let child_one = cost(&mut sw, "/families/fam-c0/children/c0/census").await;
    let returns_one = cost(&mut manager, "/returns/census?year=2027").await;
    for i in 1..4 {
        w.family(&format!("fam-c{i}"))
            .worker(&worker)
            .child(&format!("c{i}"), "BEN", "2014-01-01")
            .mother(&format!("m{i}"), "Mia")
            .create()
            .await;
        add(format!("fam-c{i}"), format!("c{i}"), vec!["2026-04-02"]).await;
    }
    add("fam-c0".into(), "c0".into(), vec!["2025-01-01", "2025-06-01"]).await;
    let child_many = cost(&mut sw, "/families/fam-c0/children/c0/census").await;
    let returns_many = cost(&mut manager, "/returns/census?year=2027").await;
    eprintln!("statements: census page {child_one}, returns page {returns_one}");
    assert_eq!(child_one, child_many, "the census page costs more with more episodes");
    assert_eq!(returns_one, returns_many, "the returns page costs more with more children");
    assert!(child_one <= RECORD_BUDGET, "the census page costs {child_one} (budget {RECORD_BUDGET})");
    assert!(returns_one <= BUDGET, "the returns page costs {returns_one} (budget {BUDGET})");
}

/// RIGHT-01: the subject access list, a request's page (gathered, with its redactions) and the
/// requester's portal page cost the same few statements with one request as with several.
#[tokio::test]
async fn subject_access_pages_cost_the_same_whatever_they_show() {
    use confer_domain::portal::PortalPerson;
    use confer_domain::subject_access::{HowReceived, IdentityCheck};
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let qa_actor = confer_domain::access::Actor {
        user_id: qa.as_str().into(),
        authority_id: app.authority.id.clone(),
        roles: [Role::QualityAssurance].into_iter().collect(),
    };
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::as_if_today(w.today));
    let (portal_id, _) = confer_store::testing::PersonBuilder::new(&app.db, &app.authority.id, "mum.portal")
        .kind(confer_store::users::AccountKind::Portal)
        .roles(&[Role::Parent])
        .create()
        .await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let f = w
            .family(&format!("fam-sar-{i}"))
            .child(&format!("sar-{i}-a"), "AMY", "2012-03-01")
            .child(&format!("sar-{i}-b"), "BEN", "2014-03-01")
            .mother(&format!("sar-{i}-mum"), "Mia")
            .create()
            .await;
        if i == 0 {
            f.distributed_record_conference(w).await;
            let mut tx = app.db.begin().await.unwrap();
            let mum = PortalPerson::Adult(format!("sar-{i}-mum").as_str().into());
            confer_store::portal::link_in(&mut tx, &app.authority.id, &portal_id.as_str().into(), f.id(), &mum, "t")
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let who = PortalPerson::Adult(format!("sar-{i}-mum").as_str().into());
        let id =
            confer_ops::subject_access::log_request(&ops, &qa_actor, f.id(), who, w.today, HowReceived::Letter, "")
                .await
                .unwrap();
        ids.push(id);
    }
    // The first request gathered (a record of many sections, with proposals); the rest not.
    let v = confer_ops::subject_access::view(&ops, &qa_actor, &ids[0]).await.unwrap().version;
    let v = confer_ops::subject_access::verify_identity(&ops, &qa_actor, &ids[0], v, IdentityCheck::Document, "x")
        .await
        .unwrap();
    confer_ops::subject_access::gather(&ops, &qa_actor, &ids[0], v).await.unwrap();

    let mut q = app.as_user(&qa).await;
    let list = cost(&mut q, "/subject-access").await;
    assert!(list <= BUDGET, "/subject-access costs {list} statements (budget {BUDGET})");
    let gathered = cost(&mut q, &format!("/subject-access/{}", ids[0])).await;
    let bare = cost(&mut q, &format!("/subject-access/{}", ids[1])).await;
    assert_eq!(gathered, bare, "a request's page costs more with more gathered");
    assert!(gathered <= RECORD_BUDGET, "a request's page costs {gathered} statements (budget {RECORD_BUDGET})");
    let mut m = app.as_user(&portal_id).await;
    let one = cost(&mut m, "/portal/families/fam-sar-0/records-requests").await;
    confer_ops::subject_access::ask(
        &ops,
        &confer_domain::access::Actor {
            user_id: portal_id.as_str().into(),
            authority_id: app.authority.id.clone(),
            roles: [Role::Parent].into_iter().collect(),
        },
        "fam-sar-0",
        "",
    )
    .await
    .unwrap();
    let two = cost(&mut m, "/portal/families/fam-sar-0/records-requests").await;
    assert_eq!(one, two, "the portal page costs more with more requests");
    assert!(one <= RECORD_BUDGET, "the portal page costs {one} statements (budget {RECORD_BUDGET})");
    // More requests on the list: the same cost.
    for i in 1..4 {
        let who = PortalPerson::Adult(format!("sar-{i}-mum").as_str().into());
        confer_ops::subject_access::log_request(
            &ops,
            &qa_actor,
            &format!("fam-sar-{i}"),
            who,
            w.today,
            HowReceived::Phone,
            "",
        )
        .await
        .unwrap();
    }
    assert_eq!(cost(&mut q, "/subject-access").await, list, "the list costs more with more rows");
}

/// Issue 15: the Annex A page costs the same with one child in its lists as with several (the
/// lists are made from a fixed number of statements whatever the authority's size).
#[tokio::test]
async fn annex_a_page_costs_the_same_whatever_it_shows() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let add = |family: String, child: String| {
        let db = app.db.clone();
        let authority = app.authority.id.as_str().to_owned();
        async move {
            let e = confer_domain::census::RecordedEpisode {
                referral_date: "2026-07-01".parse().unwrap(),
                referral_source: "6".into(),
                primary_need: Some("N1".into()),
                nfa: false,
                closure_date: None,
                closure_reason: None,
                assessments: vec![],
                enquiries: vec![confer_domain::census::RecordedEnquiry {
                    start: "2026-07-02".parse().unwrap(),
                    icpc_not_required: true,
                }],
            };
            let mut tx = db.begin().await.unwrap();
            confer_store::census::insert_for_child(&mut tx, &authority, &family, &child, None, Some("UN6"), &[e])
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    let f = w.family("fam-a0").worker(&worker).child("a0", "AMY", "2015-03-01").mother("m0", "Mia").create().await;
    add("fam-a0".into(), "a0".into()).await;
    w.plan_for("fam-a0", f.case.id.as_str(), "a0", &worker, &[]).await;
    let path = "/returns/annex-a?from=2026-06-01&to=2026-11-30";
    let mut manager = app.as_user(&qa).await;
    for _ in 0..16 {
        manager.get(path).await;
    }
    let one = cost(&mut manager, path).await;
    for i in 1..4 {
        let f = w
            .family(&format!("fam-a{i}"))
            .worker(&worker)
            .child(&format!("a{i}"), "BEN", "2014-01-01")
            .mother(&format!("m{i}"), "Mia")
            .create()
            .await;
        add(format!("fam-a{i}"), format!("a{i}")).await;
        w.plan_for(&format!("fam-a{i}"), f.case.id.as_str(), &format!("a{i}"), &worker, &[]).await;
    }
    let many = cost(&mut manager, path).await;
    let page = manager.get(path).await;
    assert!(page.body.contains("List 7: Children subject of a child protection plan"), "{}", page.body);
    eprintln!("statements: Annex A page {one}");
    assert_eq!(one, many, "the Annex A page costs more with more children");
    assert!(one <= BUDGET, "the Annex A page costs {one} (budget {BUDGET})");
}

/// Issue 15: the register statistics page of a Welsh authority costs the same with one child
/// on the register as with several.
#[tokio::test]
async fn register_stats_page_costs_the_same_whatever_it_shows() {
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    sqlx::query("UPDATE authority SET nation = 'wales' WHERE id = $1")
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let w = &app.world;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let f = w.family("fam-r0").worker(&worker).child("r0", "AMY", "2015-03-01").mother("m0", "Mia").create().await;
    w.plan_for("fam-r0", f.case.id.as_str(), "r0", &worker, &[]).await;
    let path = "/returns/register-stats?year=2027";
    let mut manager = app.as_user(&qa).await;
    for _ in 0..16 {
        manager.get(path).await;
    }
    let one = cost(&mut manager, path).await;
    for i in 1..4 {
        let f = w
            .family(&format!("fam-r{i}"))
            .worker(&worker)
            .child(&format!("r{i}"), "BEN", "2014-01-01")
            .mother(&format!("m{i}"), "Mia")
            .create()
            .await;
        w.plan_for(&format!("fam-r{i}"), f.case.id.as_str(), &format!("r{i}"), &worker, &[]).await;
    }
    let many = cost(&mut manager, path).await;
    let page = manager.get(path).await;
    assert!(page.body.contains("at 31 March 2027"), "{}", page.body);
    eprintln!("statements: register statistics page {one}");
    assert_eq!(one, many, "the register statistics page costs more with more children");
    assert!(one <= BUDGET, "the register statistics page costs {one} (budget {BUDGET})");
}

/// RIGHT-02: the complaints list, a complaint's page, logging one from the family's page and
/// the parent's "My complaints" and "Make a complaint" cost the same few statements with one
/// complaint as with several (and with answers and escalations in the history).
#[tokio::test]
async fn complaint_pages_cost_the_same_whatever_they_show() {
    use confer_domain::complaint::{About, Finding};
    use confer_domain::portal::PortalPerson;
    use confer_ops::complaints::{self, NewComplaint, Step};
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let w = &app.world;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let coord_actor = confer_domain::access::Actor {
        user_id: coord.as_str().into(),
        authority_id: app.authority.id.clone(),
        roles: [Role::Coordinator].into_iter().collect(),
    };
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::as_if_today(w.today));
    let (portal_id, _) = confer_store::testing::PersonBuilder::new(&app.db, &app.authority.id, "mum.portal")
        .kind(confer_store::users::AccountKind::Portal)
        .roles(&[Role::Parent])
        .create()
        .await;
    let parent = confer_domain::access::Actor {
        user_id: portal_id.as_str().into(),
        authority_id: app.authority.id.clone(),
        roles: [Role::Parent].into_iter().collect(),
    };
    let f = w
        .family("fam-k-0")
        .child("k-0-a", "AMY", "2012-03-01")
        .child("k-0-b", "BEN", "2014-03-01")
        .mother("k-0-mum", "Mia")
        .create()
        .await;
    let conf = f.distributed_record_conference(w).await;
    let mut tx = app.db.begin().await.unwrap();
    let mum = PortalPerson::Adult("k-0-mum".into());
    confer_store::portal::link_in(&mut tx, &app.authority.id, &portal_id.as_str().into(), f.id(), &mum, "t")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let about = |details: &str| NewComplaint {
        about: About::Decision,
        conference_id: Some(conf.id.clone()),
        details: details.into(),
    };
    let first = complaints::complain_as_family(&ops, &parent, about("Not heard.")).await.unwrap();
    let second = complaints::log_for(&ops, &coord_actor, f.id(), "k-0-mum", about("Also this.")).await.unwrap();

    let mut c = app.as_user(&coord).await;
    let mut m = app.as_user(&portal_id).await;
    let pages = |id: &str| {
        ["/complaints".to_owned(), format!("/complaints/{id}"), "/families/fam-k-0/complaints/new".to_owned()]
    };
    let mut before = Vec::new();
    for p in pages(&first) {
        before.push(cost(&mut c, &p).await);
    }
    let portal_before = (cost(&mut m, "/portal/complaints").await, cost(&mut m, "/portal/complaints/new").await);
    let family_before = cost(&mut c, "/families/fam-k-0").await;

    // The first answered at two stages, the second answered; more complaints of other families.
    let v =
        complaints::step(&ops, &coord_actor, &first, 1, Step::Assign { officer: coord.as_str().into() }).await.unwrap();
    let v = complaints::step(
        &ops,
        &coord_actor,
        &first,
        v,
        Step::Answer { finding: Finding::NotUpheld, response: "Heard.".into() },
    )
    .await
    .unwrap();
    let v = complaints::escalate_as_family(&ops, &parent, &first, v, "Again please".into()).await.unwrap();
    complaints::step(&ops, &coord_actor, &first, v, Step::Answer { finding: Finding::Upheld, response: "Yes.".into() })
        .await
        .unwrap();
    let v = complaints::step(&ops, &coord_actor, &second, 1, Step::Assign { officer: coord.as_str().into() })
        .await
        .unwrap();
    complaints::step(
        &ops,
        &coord_actor,
        &second,
        v,
        Step::Answer { finding: Finding::Upheld, response: "Yes.".into() },
    )
    .await
    .unwrap();
    for i in 1..4 {
        let g = w
            .family(&format!("fam-k-{i}"))
            .child(&format!("k-{i}-a"), "CAL", "2013-01-01")
            .mother(&format!("k-{i}-mum"), "Ann")
            .create()
            .await;
        let case = NewComplaint { about: About::Case, conference_id: None, details: "Case.".into() };
        complaints::log_for(&ops, &coord_actor, g.id(), &format!("k-{i}-mum"), case).await.unwrap();
    }
    let mut after = Vec::new();
    for p in pages(&first) {
        after.push(cost(&mut c, &p).await);
    }
    assert_eq!(before, after, "a complaint page costs more with more shown ({:?})", pages(&first));
    for (p, n) in pages(&first).iter().zip(&after) {
        assert!(*n <= RECORD_BUDGET, "{p} costs {n} statements (budget {RECORD_BUDGET})");
    }
    assert!(after[0] <= BUDGET, "/complaints costs {} statements (budget {BUDGET})", after[0]);
    let portal_after = (cost(&mut m, "/portal/complaints").await, cost(&mut m, "/portal/complaints/new").await);
    assert_eq!(portal_before, portal_after, "the portal's complaint pages cost more with more shown");
    assert!(portal_after.0 <= RECORD_BUDGET && portal_after.1 <= RECORD_BUDGET, "{portal_after:?}");
    let family_after = cost(&mut c, "/families/fam-k-0").await;
    assert_eq!(family_before, family_after, "the family page costs more with its complaints");
    assert!(family_after <= RECORD_BUDGET, "the family page costs {family_after} (budget {RECORD_BUDGET})");
    let conference = cost(&mut c, &format!("/conferences/{}", conf.id)).await;
    assert!(conference <= RECORD_BUDGET, "the conference page costs {conference} (budget {RECORD_BUDGET})");
}

/// Issue 15 (QA-02): the dashboards read the period's deadlines and plans in a few grouped
/// statements whatever the number of families, and the list behind a figure in one.
#[tokio::test]
async fn dashboard_pages_cost_the_same_whatever_they_show() {
    use confer_domain::timescales::{Deadline, DeadlineRule};
    assert!(count_statements(), "another tracing subscriber was installed first: nothing would be counted");
    let (app, _clock) = start_at("2026-11-30 09:00").await;
    let w = &app.world;
    let (worker, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let add = |n: usize| {
        let app = &app;
        let worker = worker.clone();
        async move {
            let f = app
                .world
                .family(&format!("fam-{n}"))
                .worker(&worker)
                .child(&format!("kid-{n}"), "KIT", "2015-01-01")
                .mother(&format!("mum-{n}"), "Mia")
                .create()
                .await;
            let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
            let mut tx = app.db.begin().await.unwrap();
            for (rule, due, met) in [
                (DeadlineRule::InitialConference, "2026-10-01", Some("2026-10-05")),
                (DeadlineRule::FirstCoreGroup, "2026-10-20", None),
                (DeadlineRule::OutcomeSent, "2026-10-02", Some("2026-10-02")),
            ] {
                let deadline = Deadline {
                    rule,
                    trigger: day("2026-09-10"),
                    due: day(due),
                    policy_effective_from: day("2000-01-01"),
                };
                let late = met.filter(|m| *m > due).map(|_| {
                    confer_domain::timescales::LateReasonRecord::new(
                        confer_domain::timescales::LateReason::Inquorate,
                        "",
                    )
                    .unwrap()
                });
                confer_store::deadlines::insert_deadline(
                    &mut tx,
                    &confer_store::deadlines::NewDeadline {
                        authority_id: app.authority.id.as_str(),
                        family_id: f.id(),
                        case_id: f.case.id.as_str(),
                        deadline: &deadline,
                        chair_id: None,
                        met: met.map(day),
                        late_reason: late.as_ref(),
                    },
                    "test",
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            app.world.plan_for(f.id(), f.case.id.as_str(), &format!("kid-{n}"), &worker, &[]).await;
        }
    };
    let _ = w;
    add(0).await;
    let mut q = app.as_user(&qa).await;
    let pages = [
        "/dashboards?from=2026-09-01&to=2026-11-30",
        "/dashboards?from=2026-09-01&to=2026-11-30&age=10-to-15&sex=female&disability=not-disabled&category=neglect",
        "/dashboards/csv?table=timeliness&from=2026-09-01&to=2026-11-30",
        "/dashboards/families?from=2026-09-01&to=2026-11-30&measure=initial-conference&state=late",
        // Issue 12: a later page of the deadlines behind a figure costs the same.
        "/dashboards/families?from=2026-09-01&to=2026-11-30&measure=initial-conference&state=late&page=2",
        "/dashboards/families?from=2026-09-01&to=2026-11-30&group=started",
        // Issue 12: the plans and conferences behind a figure are paged in SQL too.
        "/dashboards/families?from=2026-09-01&to=2026-11-30&group=started&page=2",
        "/dashboards/families?from=2026-09-01&to=2026-11-30&group=ended&length=under-3-months",
        "/dashboards/families?from=2026-09-01&to=2026-11-30&participation=parents-absent",
        "/dashboards/families?from=2026-09-01&to=2026-11-30&participation=parents-absent&page=2",
    ];
    // Settle what a new session does once after signing in before counting (under load the
    // first dashboard was once counted at 10 statements against 8 later; issue 12 note).
    for p in pages {
        q.get(p).await;
    }
    let mut one = Vec::new();
    for p in pages {
        one.push(cost(&mut q, p).await);
    }
    for n in 1..8 {
        add(n).await;
    }
    for (p, one) in pages.iter().zip(one) {
        let many = cost(&mut q, p).await;
        assert_eq!(one, many, "{p} costs more with more families");
        assert!(one <= BUDGET, "{p} costs {one} statements (budget {BUDGET})");
    }
}
