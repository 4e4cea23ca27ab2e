//! Deadlines and policy through the pages, on SQLite and PostgreSQL: a policy change never
//! rewrites a deadline already set, a closure day moves a due date, a late "met" needs a
//! reason, each person's "due and overdue" list holds only their cases, and only
//! administrators reach the policy pages.

mod common;
use chrono::{Days, NaiveDate, Utc};
use common::*;
use confer_domain::calendar::{Calendar, WorkingCalendar};
use confer_domain::timescales::DeadlineRule;
use confer_domain::*;
use confer_store::{audit, calendar as store_calendar, deadlines};
use reqwest::StatusCode;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn slash(d: NaiveDate) -> String {
    d.format("%-d/%-m/%Y").to_string()
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A family with one child and a case allocated to `worker`; returns (family id, case id).
async fn family(app: &App, key: &str, name: &str, worker: &str) -> (String, String) {
    family_with(app, key, name, worker, false).await
}

/// A family with one child and, when asked, the child's mother (with parental responsibility).
async fn family_with(app: &App, key: &str, name: &str, worker: &str, with_mother: bool) -> (String, String) {
    let f = app
        .world
        .family(&format!("fam-{key}"))
        .named(&format!("{name} family"))
        .surname(name)
        .worker(worker)
        .stage(CaseStage::ConferenceRequested)
        .case_id(&format!("case-{key}"))
        .opened_on(today())
        .child(&format!("child-{key}"), "Robin", "2018-03-04")
        .with_child(|c| {
            c.la_child_id = format!("LA{key}");
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        });
    let f = if with_mother { f.mother(&format!("adult-{key}"), "Mia") } else { f };
    let made = f.create().await;
    (made.family.id.0, made.case.id.0)
}

async fn signed_in(app: &App, user: &str) -> Browser {
    app.as_user(user).await
}

#[tokio::test]
async fn a_policy_change_never_rewrites_a_deadline_already_set_time_01() {
    let app = start().await;
    let (admin, _) = staff(&app, "the.admin", &[Role::Administrator], None).await;
    let (sw, _) = staff(&app, "sw.policy", &[Role::SocialWorker], None).await;
    let (_, case) = family(&app, "p1", "Ashworth", &sw).await;
    let trigger = today() - Days::new(3);
    let set = deadlines::set_deadline(&app.db, &case, DeadlineRule::InitialConference, trigger, None, "test")
        .await
        .unwrap()
        .unwrap();
    let fifteen = Calendar::for_nation(Nation::England).add_working_days(trigger, 15);
    assert_eq!(set.deadline.due, fifteen, "TIME-01: 15 working days from the strategy discussion");

    // The administrator changes TIME-01 to 20 working days, back-dated before the trigger.
    let mut b = signed_in(&app, &admin).await;
    let form = b.get("/admin/policy?change=rule%3Ainitial-conference").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("never rewrites"), "the page says a change never rewrites deadlines already set");
    assert!(form.body.contains("Working Together to Safeguard Children 2023"), "the source of the default is shown");
    let back = slash(trigger - Days::new(30));
    // Without saying so, a date in the past is refused, and what was typed is kept.
    let refused = b
        .submit(
            &form,
            "/admin/policy",
            &[
                ("value", "rule:initial-conference"),
                ("amount", "20"),
                ("unit", "working-days"),
                ("effective_from", &back),
                ("reason", "Local procedure 2026"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("govuk-error-summary") && refused.body.contains("The date is in the past"));
    assert!(refused.body.contains(&format!("value=\"{back}\"")) && refused.body.contains("Local procedure 2026"));
    let bad = b
        .submit(
            &form,
            "/admin/policy",
            &[
                ("value", "rule:initial-conference"),
                ("amount", "lots"),
                ("unit", "working-days"),
                ("effective_from", &slash(today())),
                ("reason", "x"),
            ],
        )
        .await;
    assert!(bad.body.contains("Enter the amount as a whole number"), "{}", bad.body);
    let saved = b
        .submit(
            &form,
            "/admin/policy",
            &[
                ("value", "rule:initial-conference"),
                ("amount", "20"),
                ("unit", "working-days"),
                ("effective_from", &back),
                ("allow_past", "yes"),
                ("reason", "Local procedure 2026"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = b.get(saved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Deadlines already set keep their due dates"));
    assert!(page.body.contains("20 working days (was 15 working days)"), "the value's history is shown");
    assert!(page.body.contains("Test the.admin"), "who changed it");

    // The deadline already set keeps its due date; setting it again changes nothing.
    let again = deadlines::set_deadline(&app.db, &case, DeadlineRule::InitialConference, trigger, None, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, set.id);
    assert_eq!(again.deadline.due, fifteen);
    let stored = deadlines::for_family(&app.db, "fam-p1").await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].deadline.due, fifteen);
    // A deadline set from now on uses the version in force on its trigger date.
    let (_, case2) = family(&app, "p2", "Brierley", &sw).await;
    let new = deadlines::set_deadline(&app.db, &case2, DeadlineRule::InitialConference, trigger, None, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.deadline.due, Calendar::for_nation(Nation::England).add_working_days(trigger, 20));
    assert_eq!(new.deadline.policy_effective_from, trigger - Days::new(30));
    // The change and the deadlines are in the audit trail.
    let events = audit::recent(&app.db, app.authority.id.as_str(), 50).await.unwrap();
    assert!(events.iter().any(|e| e.action == "policy.version.add" && e.actor == admin));
    assert!(events.iter().any(|e| e.action == "deadline.set"));
    // The family page shows the deadline: what it is for, the rule, the date, the state.
    let mut w = signed_in(&app, &sw).await;
    let fam = w.get("/families/fam-p1").await;
    assert!(fam.body.contains("Initial conference") && fam.body.contains("TIME-01"));
    assert!(fam.body.contains(&long(fifteen)));
    assert!(fam.body.contains("govuk-tag"));
}

#[tokio::test]
async fn a_closure_day_moves_a_due_date_and_is_removed_not_deleted_time_01_cg_02() {
    let app = start().await;
    let (admin, _) = staff(&app, "closures.admin", &[Role::Administrator], None).await;
    let (sw, _) = staff(&app, "sw.closure", &[Role::SocialWorker], None).await;
    let (_, case) = family(&app, "c1", "Calder", &sw).await;
    let (_, case2) = family(&app, "c2", "Dewhurst", &sw).await;
    // A Monday well clear of bank holidays: 5 October 2026.
    let trigger = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    let england = Calendar::for_nation(Nation::England);
    let before = england.add_working_days(trigger, 10);
    let closed = england.add_working_days(trigger, 4);

    let mut b = signed_in(&app, &admin).await;
    let page = b.get("/admin/closures").await;
    assert_eq!(page.status, StatusCode::OK);
    let refused = b.submit(&page, "/admin/closures", &[("date", "31/02/2026"), ("reason", "Staff training day")]).await;
    assert!(refused.body.contains("Enter a real date") && refused.body.contains("Staff training day"));
    let added = b.submit(&page, "/admin/closures", &[("date", &slash(closed)), ("reason", "Staff training day")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let twice = b.submit(&page, "/admin/closures", &[("date", &slash(closed)), ("reason", "Again")]).await;
    assert!(twice.body.contains("is already a closure day"));

    // CG-02: first core group within 10 working days of the ICPC, counted around the closure.
    let d = deadlines::set_deadline(&app.db, &case, DeadlineRule::FirstCoreGroup, trigger, None, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        d.deadline.due,
        england.add_working_days(before, 1),
        "the closure day moved the due date by one working day"
    );

    // Removing it is recorded, never deleted, and does not move the deadline already set.
    let list = store_calendar::closure_history(&app.db, &app.authority.id).await.unwrap();
    let id = list[0].id.clone();
    let page = b.get("/admin/closures").await;
    let removed = b.submit(&page, "/admin/closures/remove", &[("closure_id", &id)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = b.get("/admin/closures?done=removed").await;
    assert!(page.body.contains("Removed closure days") && page.body.contains("Staff training day"));
    let unknown = b.submit(&page, "/admin/closures/remove", &[("closure_id", &id)]).await;
    assert_eq!(unknown.status, StatusCode::OK, "removing twice is explained, not an error");
    assert!(unknown.body.contains("govuk-error-summary"));
    assert_eq!(store_calendar::closure_history(&app.db, &app.authority.id).await.unwrap().len(), 1);
    let kept = deadlines::for_family(&app.db, "fam-c1").await.unwrap();
    assert_eq!(kept[0].deadline.due, england.add_working_days(before, 1));
    let d2 = deadlines::set_deadline(&app.db, &case2, DeadlineRule::FirstCoreGroup, trigger, None, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d2.deadline.due, before, "without the closure day the due date is as before");
    let events = audit::recent(&app.db, app.authority.id.as_str(), 50).await.unwrap();
    assert!(events.iter().any(|e| e.action == "closure-day.add"));
    assert!(events.iter().any(|e| e.action == "closure-day.remove"));
}

#[tokio::test]
async fn met_late_without_a_reason_is_refused_and_the_form_keeps_what_was_typed_time_01_qa_02() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.late", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa.late", &[Role::QualityAssurance], None).await;
    let (_, case) = family(&app, "m1", "Entwistle", &sw).await;
    let d =
        deadlines::set_deadline(&app.db, &case, DeadlineRule::InitialConference, today() - Days::new(60), None, "test")
            .await
            .unwrap()
            .unwrap();
    let mut b = signed_in(&app, &sw).await;
    let page = b.get("/families/fam-m1").await;
    assert!(page.body.contains("Overdue"), "a missed deadline shows as overdue");
    assert!(page.body.contains("Record a deadline as met"));
    let path = "/families/fam-m1/deadlines";
    let met = slash(today() - Days::new(1));
    let refused = b
        .submit(
            &page,
            path,
            &[
                ("deadline_id", &d.id),
                ("met_on", &met),
                ("late_reason", ""),
                ("late_details", "Held after the summer break"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("govuk-error-summary"));
    assert!(refused.body.contains("This deadline was missed"), "{}", refused.body);
    assert!(refused.body.contains("choose the reason for the delay"));
    assert!(refused.body.contains("Held after the summer break"), "the free text is kept");
    assert!(refused.body.contains(&format!("value=\"{met}\"")), "the date is kept");
    // "Other" needs the free text; a date in the future is refused.
    let other = b.submit(&page, path, &[("deadline_id", &d.id), ("met_on", &met), ("late_reason", "other")]).await;
    assert!(other.body.contains("You chose"), "{}", other.body);
    let future = b
        .submit(
            &page,
            path,
            &[("deadline_id", &d.id), ("met_on", &slash(today() + Days::new(2))), ("late_reason", "chair-unavailable")],
        )
        .await;
    assert!(future.body.contains("today or in the past"));
    assert!(deadlines::get(&app.db, &app.authority.id, &d.id).await.unwrap().met.is_none(), "nothing was recorded");

    let done = b
        .submit(
            &page,
            path,
            &[
                ("deadline_id", &d.id),
                ("met_on", &met),
                ("late_reason", "chair-unavailable"),
                ("late_details", "Held after the summer break"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.get("/families/fam-m1").await;
    assert!(page.body.contains("Met late") && page.body.contains("No independent chair was available"));
    let stored = deadlines::get(&app.db, &app.authority.id, &d.id).await.unwrap();
    assert_eq!(stored.met_recorded_by.as_deref(), Some(sw.as_str()));
    let events = audit::for_entity(&app.db, app.authority.id.as_str(), "family", "fam-m1", 50).await.unwrap();
    assert!(events.iter().any(|e| e.action == "deadline.met" && e.actor == sw));
    // Recording it again is refused.
    let again =
        b.submit(&page, path, &[("deadline_id", &d.id), ("met_on", &met), ("late_reason", "chair-unavailable")]).await;
    assert!(again.body.contains("already recorded as met") || !again.body.contains("Record a deadline as met"));

    // QA-02: the reasons are reported to QA, and only to QA.
    let mut q = signed_in(&app, &qa).await;
    let report = q.get("/deadlines/late-reasons").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("No independent chair was available") && report.body.contains("TIME-01"));
    assert_eq!(b.get("/deadlines/late-reasons").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn each_person_sees_only_their_deadlines_in_due_and_overdue_role_11_rev_01() {
    let app = start().await;
    let (tm, _) = staff(&app, "tm.lists", &[Role::TeamManager], None).await;
    let (sw1, _) = staff(&app, "sw.one", &[Role::SocialWorker], Some(&tm)).await;
    let (sw2, _) = staff(&app, "sw.two", &[Role::SocialWorker], None).await;
    let (chair, _) = staff(&app, "chair.lists", &[Role::Chair], None).await;
    let (coord, _) = staff(&app, "coord.lists", &[Role::Coordinator], None).await;
    let (qa, _) = staff(&app, "qa.lists", &[Role::QualityAssurance], None).await;
    let (admin, _) = staff(&app, "admin.lists", &[Role::Administrator], None).await;
    let (_, c1) = family(&app, "l1", "Fairclough", &sw1).await;
    let (_, c2) = family(&app, "l2", "Greenhalgh", &sw2).await;
    let (_, c3) = family(&app, "l3", "Hargreaves", &sw2).await;
    let old = today() - Days::new(200);
    deadlines::set_deadline(&app.db, &c1, DeadlineRule::InitialConference, today() - Days::new(40), None, "test")
        .await
        .unwrap();
    deadlines::set_deadline(&app.db, &c2, DeadlineRule::ChildInNeedReview, today(), None, "test").await.unwrap();
    deadlines::set_deadline(&app.db, &c3, DeadlineRule::FirstReview, old, Some(&UserId::from(chair.as_str())), "test")
        .await
        .unwrap();

    let sees = |body: &str| {
        ["Fairclough", "Greenhalgh", "Hargreaves"]
            .iter()
            .filter(|n| body.contains(&format!("{n} family")))
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
    };
    for (who, expected) in [
        (&sw1, vec!["Fairclough"]),
        (&sw2, vec!["Greenhalgh", "Hargreaves"]),
        (&tm, vec!["Fairclough"]),
        (&chair, vec!["Hargreaves"]),
        (&coord, vec!["Fairclough", "Greenhalgh", "Hargreaves"]),
        (&qa, vec!["Fairclough", "Greenhalgh", "Hargreaves"]),
    ] {
        let mut b = signed_in(&app, who).await;
        let page = b.get("/deadlines").await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert_eq!(sees(&page.body), expected, "{who}");
    }
    let mut b = signed_in(&app, &admin).await;
    assert_eq!(b.get("/deadlines").await.status, StatusCode::FORBIDDEN, "administrators see no case content");

    // Filters and sorting by query parameters, each row linking to the family.
    let mut c = signed_in(&app, &coord).await;
    let overdue = c.get("/deadlines?state=overdue").await;
    assert_eq!(sees(&overdue.body), vec!["Fairclough", "Hargreaves"]);
    assert!(overdue.body.contains("href=\"/families/fam-l1#deadlines\""));
    let rule = c.get("/deadlines?rule=first-review").await;
    assert_eq!(sees(&rule.body), vec!["Hargreaves"]);
    assert!(rule.body.contains("REV-01"));
    let worker = c.get(&format!("/deadlines?worker={sw1}")).await;
    assert_eq!(sees(&worker.body), vec!["Fairclough"]);
    let due = c.get("/deadlines?state=due").await;
    assert_eq!(sees(&due.body), vec!["Greenhalgh"], "PLAN-04: a child in need review due in 3 months");
    let by_due = c.get("/deadlines?sort=due").await.body;
    assert!(
        by_due.find("Hargreaves family").unwrap() < by_due.find("Fairclough family").unwrap(),
        "earliest due first"
    );
    let by_name = c.get("/deadlines?sort=family").await.body;
    assert!(by_name.find("Fairclough family").unwrap() < by_name.find("Hargreaves family").unwrap());
    for nonsense in [
        "/deadlines?state=x&rule=y&worker=z&sort=q&page=-4",
        "/deadlines?page=99999999999999999999",
        "/deadlines?state=met-late",
    ] {
        let res = c.get(nonsense).await;
        assert_eq!(res.status, StatusCode::OK, "{nonsense}");
    }
    // The chair can open the family of a conference they chair from their list.
    let mut ch = signed_in(&app, &chair).await;
    assert_eq!(ch.get("/families/fam-l3").await.status, StatusCode::OK);
    assert_eq!(ch.get("/families/fam-l1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn policy_and_closure_pages_refuse_everyone_but_administrators() {
    let app = start().await;
    let (admin, _) = staff(&app, "only.admin", &[Role::Administrator], None).await;
    let mut a = signed_in(&app, &admin).await;
    assert_eq!(a.get("/admin/policy").await.status, StatusCode::OK);
    assert_eq!(a.get("/admin/closures").await.status, StatusCode::OK);
    for role in Role::ALL.iter().filter(|r| **r != Role::Administrator) {
        let (uid, _) = staff(&app, &format!("not.admin.{}", role.as_str()), &[*role], None).await;
        let mut b = signed_in(&app, &uid).await;
        for path in ["/admin/policy", "/admin/closures"] {
            assert_eq!(b.get(path).await.status, StatusCode::FORBIDDEN, "{} {path}", role.as_str());
        }
        let csrf = {
            use sqlx::Row;
            let token = b.cookies.get("confer_session").unwrap().clone();
            sqlx::query("SELECT csrf_token FROM web_session WHERE token_hash = $1")
                .bind(confer_store::secret_hash(&token))
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get::<String, _>("csrf_token")
                .unwrap()
        };
        let res =
            b.post("/admin/closures", &[("csrf_token", csrf.as_str()), ("date", "29/12/2026"), ("reason", "x")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", role.as_str());
    }
    assert!(store_calendar::closures(&app.db, &app.authority.id).await.unwrap().is_empty(), "nothing was added");
}

#[tokio::test]
async fn each_rule_gets_its_statutory_due_date_when_set_rev_01_cg_02_dec_05_min_03_rep_01_plan_04_right_01_right_02() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw.rules", &[Role::SocialWorker], None).await;
    let (_, case) = family(&app, "r1", "Ingham", &sw).await;
    let cal = Calendar::for_nation(Nation::England);
    let t = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    for (rule, due) in [
        (DeadlineRule::FirstReview, d(2026, 4, 30)),
        (DeadlineRule::NextReview, d(2026, 7, 31)),
        (DeadlineRule::FirstCoreGroup, cal.add_working_days(t, 10)),
        (DeadlineRule::OutcomeSent, cal.add_working_days(t, 1)),
        (DeadlineRule::RecordSent, cal.add_working_days(t, 15)),
        (DeadlineRule::ReportsToParents, cal.subtract_working_days(t, 2)),
        (DeadlineRule::ChildInNeedReview, d(2026, 4, 30)),
        (DeadlineRule::SubjectAccess, d(2026, 3, 2)),
        (DeadlineRule::ComplaintStageOne, cal.add_working_days(t, 10)),
    ] {
        let set = deadlines::set_deadline(&app.db, &case, rule, t, None, "test").await.unwrap().unwrap();
        assert_eq!(set.deadline.due, due, "{rule}");
    }
    // A rule the policy sets no timescale for (Scotland's participant notice, in England) sets none.
    assert!(deadlines::set_deadline(&app.db, &case, DeadlineRule::ParticipantNotice, t, None, "test")
        .await
        .unwrap()
        .is_none());
}

/// The server keeps each authority's calendar once built, but a closure day added by another
/// process (the command line writes straight to the database) moves the next due date it
/// computes at once: the kept calendar is checked against what it was built from (TIME-01).
#[tokio::test]
async fn a_closure_day_added_elsewhere_moves_the_next_icpc_due_date_time_01() {
    let app = start().await;
    let (coord, _) = staff(&app, "coord.cache", &[Role::Coordinator], None).await;
    let (sw, _) = staff(&app, "sw.cache", &[Role::SocialWorker], None).await;
    family_with(&app, "k1", "Kershaw", &sw, true).await;
    family_with(&app, "k2", "Kilburn", &sw, true).await;
    let (_, token) = confer_store::tokens::create(
        &app.db,
        &coord,
        app.authority.id.as_str(),
        "cache",
        &[confer_store::tokens::Scope::Read, confer_store::tokens::Scope::Write],
        "test",
    )
    .await
    .unwrap();
    let strategy = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    let http = reqwest::Client::new();
    let request = |key: &'static str| {
        let body = serde_json::json!({
            "kind": "initial",
            "children": [{"child_id": format!("child-{key}")}],
            "strategy_discussion_on": strategy.to_string(),
            "enquiry": "section-47",
            "harm_finding": "suffering",
            "reason": "Fixture for the calendar cache.",
            "concerns": ["neglect"],
            "family_members": [{"adult_id": format!("adult-{key}")}],
            "professionals": [],
        });
        http.post(format!("{}/api/v1/families/fam-{key}/conferences", app.base)).bearer_auth(&token).json(&body).send()
    };
    let due = |created: serde_json::Value| {
        let http = http.clone();
        let url = format!("{}/api/v1/conferences/{}", app.base, created["conference_id"].as_str().unwrap_or_default());
        let token = token.clone();
        async move {
            let shown: serde_json::Value = http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
            NaiveDate::parse_from_str(shown["due_by"].as_str().unwrap_or_default(), "%Y-%m-%d").unwrap()
        }
    };
    let res = request("k1").await.unwrap();
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let first = due(body).await;
    let england = Calendar::for_nation(Nation::England);
    assert_eq!(first, england.add_working_days(strategy, 15));

    store_calendar::add_closure(&app.db, &app.authority.id, england.add_working_days(strategy, 3), "Training", "cli")
        .await
        .unwrap();
    let res = request("k2").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let second = due(res.json().await.unwrap()).await;
    assert_eq!(second, england.add_working_days(first, 1), "the closure day counts at once");
}
