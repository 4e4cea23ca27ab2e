//! England's Children in Need census through the operations layer, on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE): a known case (a referral, an assessment, a section 47 enquiry that
//! led to an initial conference held on 20 November 2026, a plan) where every field of the
//! return is checked; the rules found through the whole path (2885, 8590); refusal of a file
//! with errors unless allowed; reproducible bytes; the audit event of every export; the census
//! form's validation and version check; and who may make returns.

use chrono::NaiveDate;
use confer_domain::access::Actor;
use confer_domain::calendar::{Calendar, WorkingCalendar};
use confer_domain::census::{CensusForm, Severity};
use confer_domain::{Gender, Nation, Role};
use confer_ops::census::{self, By, Exported, Format, SaveCensusError};
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn actor(w: &World, id: &str, roles: &[Role]) -> Actor {
    Actor { user_id: id.into(), authority_id: w.authority.id.clone(), roles: roles.iter().copied().collect() }
}

async fn version(ops: &Ops) -> i64 {
    confer_store::families::family_record(&ops.db, "fam1").await.unwrap().version
}

async fn exports(ops: &Ops) -> Vec<String> {
    sqlx::query("SELECT after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(ops.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("after_json").unwrap())
        .collect()
}

#[tokio::test]
async fn census_of_known_cases_every_field_rules_refusal_audit_and_reproducibility() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let f = w
        .family("fam1")
        .child("amy", "Amy", "2016-05-01")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "Hearing".into();
        })
        .mother("mum", "Mia")
        .create()
        .await;
    let made = f.conference_in_meeting(&w).await;
    let strategy = made.conference.strategy_discussion_on().unwrap();
    let target = made.conference.due_by();
    let sw = actor(&w, &f.worker, &[Role::SocialWorker]);
    let (qa_id, _) = w.person("qa").roles(&[Role::QualityAssurance]).create().await;
    let qa = actor(&w, &qa_id, &[Role::QualityAssurance]);

    // Held conference but no episode yet: the child is in scope with no CINdetails (8590).
    let r = census::report(&ops, By::Person(&qa), &w.authority.id, 2027).await.unwrap();
    assert_eq!(r.ret.children.len(), 1);
    assert!(r.findings.iter().any(|f| f.rule == "8590" && f.la_child_id == "LA0001"), "{:#?}", r.findings);
    match census::export(&ops, By::Person(&qa), &w.authority.id, 2027, Format::Xml, false).await.unwrap() {
        Exported::Refused { report } => assert!(report.errors() > 0),
        Exported::Written { .. } => panic!("a return with errors is not written unless allowed"),
    }
    assert!(exports(&ops).await.is_empty(), "nothing written, nothing audited");

    // The social worker records the UPN and the episode through the census form.
    let form = CensusForm {
        upn: "A123456789012".into(),
        referral_date: "2026-10-30".into(),
        referral_source: "6".into(),
        primary_need: "N1".into(),
        assessment_start: strategy.to_string(),
        assessment_factors: "2B 3B".into(),
        ..CensusForm::default()
    };
    let v = version(&ops).await;
    census::save_child(&ops, &sw, "fam1", "amy", &form, v).await.unwrap();
    // The same form again at the old version: a conflict, nothing saved twice.
    match census::save_child(&ops, &sw, "fam1", "amy", &form, v).await {
        Err(SaveCensusError::Ops(OpsError::Conflict { .. })) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    let stored = census::child(&ops, &sw, "fam1", "amy").await.unwrap();
    assert_eq!(stored.episodes.len(), 1);
    let audit = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'child.census.update'")
        .fetch_one(ops.db.pool())
        .await
        .unwrap();
    assert_eq!(audit.try_get::<i64, _>("n").unwrap(), 1, "the change is audited once");

    // Now every field of the return, derived from the conference and the recorded episode.
    let r = census::report(&ops, By::Person(&qa), &w.authority.id, 2027).await.unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.ret.header.year, 2027);
    assert_eq!(r.ret.header.reference_date, d("2027-03-31"));
    assert_eq!(r.ret.header.lea, "T01");
    let c = &r.ret.children[0];
    assert_eq!(
        (c.la_child_id.as_str(), c.upn.as_deref(), c.upn_unknown.as_deref(), c.birth_date, c.expected_birth_date),
        ("LA0001", Some("A123456789012"), None, Some(d("2016-05-01")), None)
    );
    assert_eq!((c.sex.as_str(), c.death_date, c.ethnicity.as_str()), ("F", None, "WBRI"));
    assert_eq!(c.disabilities, vec!["HEAR"]);
    assert_eq!(c.episodes.len(), 1);
    let e = &c.episodes[0];
    assert_eq!(
        (e.referral_date, e.referral_source.as_str(), e.primary_need.as_deref(), e.closure_date, e.nfa, e.icpc),
        (d("2026-10-30"), "6", Some("N1"), None, false, None)
    );
    assert_eq!(e.assessments.len(), 1);
    assert_eq!(
        (e.assessments[0].start, e.assessments[0].factors.clone()),
        (strategy, vec!["2B".to_owned(), "3B".to_owned()])
    );
    assert_eq!(e.section47s.len(), 1);
    let s = &e.section47s[0];
    assert_eq!(
        (s.start, s.icpc_target, s.icpc, s.icpc_not_required),
        (Some(strategy), Some(target), Some(d("2026-11-20")), false)
    );
    assert_eq!(
        Calendar::for_nation(Nation::England).add_working_days(strategy, 15),
        target,
        "the deadline engine's target"
    );
    assert!(e.cp_plans.is_empty() && e.cin_plans.is_empty());

    // A plan that does not start on the ICPC is found (2885) through the whole path.
    w.plan_for("fam1", f.case.id.as_str(), "amy", &f.worker, &[]).await;
    let r = census::report(&ops, By::Person(&qa), &w.authority.id, 2027).await.unwrap();
    let found: Vec<&str> = r.findings.iter().map(|f| f.rule).collect();
    assert!(found.contains(&"2885"), "{found:?}");
    let finding = r.findings.iter().find(|f| f.rule == "2885").unwrap();
    assert_eq!(finding.link(), "/families/fam1/children/amy/census");
    assert_eq!(finding.severity, Severity::Error);
    // Allowed with its errors: written, and the errors listed.
    match census::export(&ops, By::Person(&qa), &w.authority.id, 2027, Format::Xml, true).await.unwrap() {
        Exported::Written { report, .. } => assert!(report.errors() > 0),
        Exported::Refused { .. } => panic!("--allow-errors writes the file"),
    }
    // The plan as the conference's close makes it: on the ICPC's day.
    sqlx::query("UPDATE plan SET started_on = '2026-11-20' WHERE child_id = 'amy'")
        .execute(ops.db.pool())
        .await
        .unwrap();
    let r = census::report(&ops, By::Person(&qa), &w.authority.id, 2027).await.unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let p = &r.ret.children[0].episodes[0].cp_plans[0];
    assert_eq!(
        (
            p.start,
            p.end,
            p.initial_category.as_deref(),
            p.latest_category.as_deref(),
            p.previous_plans,
            p.reviews.clone()
        ),
        (Some(d("2026-11-20")), None, Some("NEG"), Some("NEG"), Some(0), None)
    );

    // Reproducible: two exports, the same bytes; each audited with the year and digest.
    let one = census::export(&ops, By::Person(&qa), &w.authority.id, 2027, Format::Xml, false).await.unwrap();
    let two = census::export(&ops, By::Operator, &w.authority.id, 2027, Format::Xml, false).await.unwrap();
    let (Exported::Written { bytes: a, digest, .. }, Exported::Written { bytes: b, .. }) = (one, two) else {
        panic!("a return with no errors is written")
    };
    assert_eq!(a, b);
    let xml = String::from_utf8(a).unwrap();
    assert!(xml.contains("<DateTime>2027-03-31T00:00:00</DateTime>"));
    assert!(xml.contains("<CPPstartDate>2026-11-20</CPPstartDate>"));
    let audited = exports(&ops).await;
    assert_eq!(audited.len(), 3);
    assert!(audited[1].contains(&digest) && audited[1].contains("\"year\":2027"), "{}", audited[1]);
    let actors = sqlx::query("SELECT actor FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(ops.db.pool())
        .await
        .unwrap();
    assert_eq!(actors[1].try_get::<String, _>("actor").unwrap(), qa_id);
    assert_eq!(actors[2].try_get::<String, _>("actor").unwrap(), confer_ops::accounts::OPERATOR);

    // A year that closed before anything happened has nobody in scope.
    let r = census::report(&ops, By::Person(&qa), &w.authority.id, 2026).await.unwrap();
    assert!(r.ret.children.is_empty());
}

#[tokio::test]
async fn census_form_refuses_bad_input_with_what_to_fix() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let f = w.family("fam1").child("amy", "Amy", "2016-05-01").mother("mum", "Mia").create().await;
    let sw = actor(&w, &f.worker, &[Role::SocialWorker]);
    let v = version(&ops).await;
    let bad = CensusForm {
        upn: "not a upn".into(),
        referral_date: "2026-13-40".into(),
        referral_source: "ZZ".into(),
        closure_date: "2026-11-01".into(),
        assessment_start: "2026-11-02".into(),
        assessment_factors: "21 2B".into(),
        enquiry_start: "2027-01-01".into(),
        ..CensusForm::default()
    };
    let Err(SaveCensusError::Invalid(errors)) = census::save_child(&ops, &sw, "fam1", "amy", &bad, v).await else {
        panic!("bad input is refused")
    };
    for field in [
        "upn",
        "referral_date",
        "referral_source",
        "primary_need",
        "closure_reason",
        "assessment_factors",
        "enquiry_start",
    ] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    assert_eq!(version(&ops).await, v, "nothing saved");
    // Neither a UPN nor a reason.
    let Err(SaveCensusError::Invalid(errors)) =
        census::save_child(&ops, &sw, "fam1", "amy", &CensusForm::default(), v).await
    else {
        panic!("a UPN or its reason is needed")
    };
    assert!(errors.get("upn").is_some());
    // The reason alone saves (no episode).
    let ok = CensusForm { upn_unknown: "un2".into(), ..CensusForm::default() };
    census::save_child(&ops, &sw, "fam1", "amy", &ok, v).await.unwrap();
    assert_eq!(census::child(&ops, &sw, "fam1", "amy").await.unwrap().upn_unknown.as_deref(), Some("UN2"));
}

#[tokio::test]
async fn only_quality_assurance_of_the_authority_makes_returns_and_only_editors_see_census_details() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::fixed(w.now));
    let f = w.family("fam1").child("amy", "Amy", "2016-05-01").mother("mum", "Mia").create().await;
    for role in
        [Role::SocialWorker, Role::TeamManager, Role::Chair, Role::Coordinator, Role::Auditor, Role::Administrator]
    {
        let a = actor(&w, "someone", &[role]);
        assert!(
            matches!(census::report(&ops, By::Person(&a), &w.authority.id, 2027).await, Err(OpsError::Forbidden)),
            "{role}"
        );
    }
    let other = World::with_authority(&db, "T02", "Otherwhere Council", Nation::England).await;
    let qa_elsewhere = Actor {
        user_id: "qa2".into(),
        authority_id: other.authority.id.clone(),
        roles: [Role::QualityAssurance].into(),
    };
    assert!(matches!(
        census::report(&ops, By::Person(&qa_elsewhere), &w.authority.id, 2027).await,
        Err(OpsError::NotFound | OpsError::Forbidden)
    ));
    // A Welsh authority has no census.
    let wales = World::with_authority(&db, "W01", "Cyngor Sir Testshire", Nation::Wales).await;
    assert!(matches!(
        census::export(&ops, By::Operator, &wales.authority.id, 2027, Format::Xml, true).await,
        Err(OpsError::Declined { .. })
    ));
    // Census details: the allocated worker, not an unrelated social worker or a partner.
    let sw = actor(&w, &f.worker, &[Role::SocialWorker]);
    assert!(census::child(&ops, &sw, "fam1", "amy").await.is_ok());
    let (stranger, _) = w.person("stranger").roles(&[Role::SocialWorker]).create().await;
    let stranger = actor(&w, &stranger, &[Role::SocialWorker]);
    assert!(matches!(census::child(&ops, &stranger, "fam1", "amy").await, Err(OpsError::NotFound)));
    // A child of another family through this family's address: not found.
    w.family("fam2").child("ben", "Ben", "2018-01-01").worker(&f.worker).create().await;
    assert!(matches!(census::child(&ops, &sw, "fam1", "ben").await, Err(OpsError::NotFound)));
}

/// The demo authority's return has no errors: every demo child in scope has a UPN or a
/// reason, sex, ethnicity, disability, referral source, primary need and an episode whose
/// dates agree with its conferences (issue 15). Queries are allowed (an enquiry still waiting
/// for its conference is a query until 31 March).
#[tokio::test]
async fn the_demo_authoritys_census_has_no_errors() {
    let db = testing::fresh_db().await;
    let today = d("2026-11-25");
    let db = db.with_clock(Clock::as_if_today(today));
    let demo = confer_demo::Demo::new(confer_demo::DemoOptions { families: 120, ..Default::default() }, today);
    confer_store::demo::load(&db, &demo, |_| {}).await.unwrap();
    let ops = Ops::new(db.clone(), Clock::as_if_today(today));
    let r = census::report(&ops, By::Operator, &demo.authority.id, 2027).await.unwrap();
    let errors: Vec<_> = r.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let children: usize = (0..120).map(|i| demo.family(i).children.len()).sum();
    assert!(
        r.ret.children.len() > children / 2,
        "most demo children are in scope: {} of {children}",
        r.ret.children.len()
    );
    assert!(r.ret.children.iter().all(|c| c.upn.is_some() || c.upn_unknown.is_some()));
    assert!(r.ret.children.iter().any(|c| c.episodes.iter().any(|e| !e.section47s.is_empty())));
    match census::export(&ops, By::Operator, &demo.authority.id, 2027, Format::Xml, false).await.unwrap() {
        Exported::Written { bytes, .. } => assert!(!bytes.is_empty()),
        Exported::Refused { .. } => panic!("the demo's return is written"),
    }
}
