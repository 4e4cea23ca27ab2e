//! The managers' dashboards (QA-02, issue 15): a known set of cases (two families in two teams,
//! their deadlines due in and out of the period, a cancelled one, and four child protection
//! plans), and every figure checked: timeliness per measure with the reasons for each breach
//! (TIME-01, REP-02, DEC-05, CG-02, REV-01), plan outcomes, monthly trends, every filter, the
//! CSV, the SVG charts with their tables, the families behind a figure (for those who may see
//! them, logged as a list read) and the refusal of bad filters with what was typed kept.
//! Runs on SQLite and PostgreSQL.

mod common;
use chrono::NaiveDate;
use common::*;
use confer_domain::conference::PlanCategory;
use confer_domain::dashboards::{BreachReason, FilterInput, LengthBand, Measure};
use confer_domain::timescales::{Deadline, DeadlineRule, LateReason};
use confer_domain::{access::Actor, Role, UserId};
use confer_store::deadlines::{insert_deadline, NewDeadline};
use confer_store::testing::{schedule, FamilyMade};
use reqwest::StatusCode;
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const PERIOD: &str = "from=2026-09-01&to=2026-11-30";

struct Fixture {
    app: App,
    clock: confer_store::clock::Clock,
    qa: String,
    manager: String,
    chair: String,
}

#[allow(clippy::too_many_arguments)]
async fn deadline(
    app: &App,
    family: &str,
    case: &str,
    rule: DeadlineRule,
    trigger: &str,
    due: &str,
    met: Option<&str>,
    reason: Option<LateReason>,
    chair: Option<&str>,
) -> String {
    let late = reason.map(|r| confer_domain::timescales::LateReasonRecord::new(r, "fictional").unwrap());
    let mut tx = app.db.begin().await.unwrap();
    let id = insert_deadline(
        &mut tx,
        &NewDeadline {
            authority_id: app.authority.id.as_str(),
            family_id: family,
            case_id: case,
            deadline: &Deadline { rule, trigger: d(trigger), due: d(due), policy_effective_from: d("2000-01-01") },
            chair_id: chair,
            met: met.map(d),
            late_reason: late.as_ref(),
        },
        "test",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Sets a plan's dates, category and previous plans (the columns the dashboards read).
async fn plan(app: &App, id: &str, started: &str, ended: Option<&str>, category: PlanCategory, previous: i64) {
    sqlx::query(
        "UPDATE plan SET started_on = $2, ended_on = $3, category = $4, previous_plans = CAST($5 AS BIGINT) WHERE id = $1",
    )
    .bind(id)
    .bind(started)
    .bind(ended.map(str::to_owned))
    .bind(category.as_str())
    .bind(previous.to_string())
    .execute(app.db.pool())
    .await
    .unwrap();
}

async fn fixture() -> Fixture {
    fixture_with(false).await
}

/// The known set of cases, with (`held`) or without the two held conferences (their own ICPC
/// deadlines would change the timeliness figures).
async fn fixture_with(held: bool) -> Fixture {
    let (app, clock) = start_at("2026-11-30 09:00").await;
    let w = &app.world;
    for (id, name) in [("team-a", "Team North"), ("team-b", "Team South")] {
        sqlx::query("INSERT INTO team (id, authority_id, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(app.authority.id.as_str())
            .bind(name)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    let (sw_a, _) = staff(&app, "sw.a", &[Role::SocialWorker], None).await;
    let (sw_b, _) = staff(&app, "sw.b", &[Role::SocialWorker], None).await;
    for (u, t) in [(&sw_a, "team-a"), (&sw_b, "team-b")] {
        sqlx::query("UPDATE user_account SET team_id = $2 WHERE id = $1")
            .bind(u)
            .bind(t)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let (manager, _) = staff(&app, "tm", &[Role::TeamManager], None).await;
    let (chair, _) = staff(&app, "chair.one", &[Role::Chair], None).await;
    let a = w
        .family("fam-a")
        .named("Alder family")
        .worker(&sw_a)
        .child("a1", "Ada", "2015-03-01")
        .with_child(|c| {
            c.gender = confer_domain::Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .child("a2", "Ava", "2010-05-01")
        .with_child(|c| {
            c.gender = confer_domain::Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .mother("a-mum", "Alma")
        .create()
        .await;
    w.professional("p-hv", None).await;
    let b = w
        .family("fam-b")
        .named("Birch family")
        .worker(&sw_b)
        .child("b1", "Ben", "2024-01-01")
        .with_child(|c| {
            c.gender = confer_domain::Gender::Male;
            c.ethnicity = "Asian or Asian British: Indian".into();
            c.disability = "Hearing".into();
        })
        .child("b2", "Bo", "2020-01-01")
        .with_child(|c| {
            c.gender = confer_domain::Gender::Male;
            c.ethnicity = "Asian or Asian British: Indian".into();
            c.disability = "None".into();
        })
        .mother("b-mum", "Bea")
        .professionals(&["p-hv"])
        .create()
        .await;
    let (fa, ca) = ("fam-a", a.case.id.as_str().to_owned());
    let (fb, cb) = ("fam-b", b.case.id.as_str().to_owned());
    use DeadlineRule as R;
    use LateReason as L;
    // Family A (team North): in the period.
    deadline(&app, fa, &ca, R::InitialConference, "2026-09-10", "2026-10-01", Some("2026-09-30"), None, Some(&chair))
        .await;
    deadline(
        &app,
        fa,
        &ca,
        R::InitialConference,
        "2026-09-20",
        "2026-10-10",
        Some("2026-10-14"),
        Some(L::ChairUnavailable),
        None,
    )
    .await;
    deadline(&app, fa, &ca, R::ReportsToChair, "2026-10-05", "2026-10-05", Some("2026-10-05"), None, None).await;
    deadline(&app, fa, &ca, R::FirstCoreGroup, "2026-11-06", "2026-11-20", None, None, None).await;
    deadline(&app, fa, &ca, R::FirstReview, "2026-08-30", "2026-11-30", None, None, None).await;
    deadline(
        &app,
        fa,
        &ca,
        R::NextReview,
        "2026-03-15",
        "2026-09-15",
        Some("2026-09-20"),
        Some(L::FamilyUnavailable),
        None,
    )
    .await;
    // Out of the period.
    deadline(&app, fa, &ca, R::InitialConference, "2025-05-10", "2025-06-01", Some("2025-06-10"), Some(L::Other), None)
        .await;
    // Family B (team South).
    deadline(
        &app,
        fb,
        &cb,
        R::InitialConference,
        "2026-10-12",
        "2026-11-02",
        Some("2026-11-09"),
        Some(L::VenueUnavailable),
        None,
    )
    .await;
    deadline(&app, fb, &cb, R::OutcomeSent, "2026-11-02", "2026-11-03", Some("2026-11-03"), None, None).await;
    // Cancelled with its conference: never counted.
    let cancelled = deadline(&app, fb, &cb, R::InitialConference, "2026-10-20", "2026-11-05", None, None, None).await;
    sqlx::query("UPDATE deadline SET cancelled_on = '2026-10-25' WHERE id = $1")
        .bind(&cancelled)
        .execute(app.db.pool())
        .await
        .unwrap();
    // Plans.
    let p = |fam: &'static str, case: String, child: &'static str, worker: String| {
        let w = &app.world;
        async move { w.plan_for(fam, &case, child, &worker, &[]).await }
    };
    let a1 = p(fa, ca.clone(), "a1", sw_a.clone()).await;
    let a2 = p(fa, ca.clone(), "a2", sw_a.clone()).await;
    let b1 = p(fb, cb.clone(), "b1", sw_b.clone()).await;
    let b2 = p(fb, cb.clone(), "b2", sw_b.clone()).await;
    plan(&app, &a1, "2026-09-10", None, PlanCategory::Neglect, 0).await;
    plan(&app, &a2, "2024-09-01", Some("2026-10-01"), PlanCategory::Physical, 0).await;
    plan(&app, &b1, "2026-10-05", Some("2026-11-20"), PlanCategory::Emotional, 1).await;
    plan(&app, &b2, "2026-06-01", Some("2026-11-01"), PlanCategory::Physical, 0).await;
    if held {
        held_conferences(&app, &a, &b, &chair).await;
    }
    Fixture { app, clock, qa, manager, chair }
}

/// Two conferences held on 20 November 2026 (QA-02 participation), made through the domain and
/// stored as the service stores them:
/// - Alder (team North): the mother attends; Ava (16) is invited and attends; Ada's views were
///   heard by the social worker; Ava's views are not recorded.
/// - Birch (team South): the mother needs an interpreter (none booked) and is excluded from the
///   whole conference (risk of violence, likely to disrupt); no child's views; the health visitor
///   attends and dissents (recorded in a later save, which rewrites the summary row).
async fn held_conferences(app: &App, a: &FamilyMade, b: &FamilyMade, chair: &str) {
    use confer_domain::access::Relationship;
    use confer_domain::conference::*;
    use confer_store::conferences::{self, Change};
    let w = &app.world;
    let chair_id = UserId(chair.to_owned());
    let (coord_id, _) = staff(app, "coord.p", &[Role::Coordinator], None).await;
    let coord = Acting::new(coord_id.as_str(), &[Role::Coordinator], &[]);
    let chairing = Acting::new(chair, &[Role::Chair], &[Relationship::ConferenceChair]);
    let worker =
        |f: &FamilyMade| Acting::new(f.worker.as_str(), &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
    let day: NaiveDate = d("2026-11-20");
    let at = |h: u32| day.and_hms_opt(h, 0, 0).unwrap().and_utc();
    let history = confer_store::calendar::policy_history(&w.db, &w.authority).await.unwrap();
    let policy = history.in_force(day).clone();
    let (today, on) = (w.today, d("2026-11-19"));
    let pre = PreMeetingOutcome::Held { mode: PreMeetingMode::FaceToFace, on };

    let made = a.requested_conference_with(w, "conf-a", a.initial_request(w)).await;
    let made = schedule(w, made, &chair_id, "2026-11-20").await;
    let sw = worker(a);
    conferences::save(&w.db, "conf-a", made.version, Change::new(chair, "conference.test"), |c| {
        let mum = c.invite_family_member(&coord, &"a-mum".into(), today)?;
        c.answer_invitation(&coord, mum, Answer::InPerson, today)?;
        let wish = ChildAttendance {
            wishes_to_attend: true,
            judged_appropriate: true,
            parent_agreement: Some("a-mum".into()),
        };
        let ava = c.invite_child(&coord, &"a2".into(), wish, &policy, today)?;
        c.record_views(
            &sw,
            ViewsGiven {
                whose: Person::Child("a1".into()),
                form: ViewsForm::HeardBySocialWorker,
                summary: "Fictional views.".into(),
                how_obtained: "A home visit".into(),
                obtained_by: "The social worker".into(),
                obtained_on: today,
                supported_by: None,
            },
        )?;
        c.record_pre_meeting(&chairing, &"a-mum".into(), pre.clone(), at(9))?;
        c.start_meeting(&chairing, day, at(10))?;
        for invitation in [mum, ava] {
            let presence = Presence::InPerson;
            c.record_attendance(
                &chairing,
                Attendance { invitation, presence, parts: vec![], arrived_late_at: None, left_early_at: None },
            )?;
        }
        Ok(())
    })
    .await
    .unwrap_or_else(|e| panic!("Alder's conference: {e:?}"));

    let mut request = b.initial_request(w);
    request.family_members[0].communication.needs_interpreter = true;
    let made = b.requested_conference_with(w, "conf-b", request).await;
    let made = schedule(w, made, &chair_id, "2026-11-20").await;
    let (_, version) = conferences::save(&w.db, "conf-b", made.version, Change::new(chair, "conference.test"), |c| {
        c.exclude(
            &chairing,
            ExclusionDecision {
                adult_id: "b-mum".into(),
                scope: ExclusionScope::Whole,
                reasons: vec![ExclusionReason::RiskOfViolence, ExclusionReason::LikelyToDisrupt],
                detail: "Fictional.".into(),
                rests_on_police_information: false,
                views_by: vec![ViewsRoute::LetterToChair],
            },
            at(8),
        )?;
        let hv = c.invite_professional(&coord, &"p-hv".into(), today)?;
        c.start_meeting(&chairing, day, at(10))?;
        c.record_attendance(
            &chairing,
            Attendance {
                invitation: hv,
                presence: Presence::InPerson,
                parts: vec![],
                arrived_late_at: None,
                left_early_at: None,
            },
        )
    })
    .await
    .unwrap_or_else(|e| panic!("Birch's conference: {e:?}"));
    let held = |field: &'static str| async move {
        let r =
            sqlx::query(&format!("SELECT {field} AS n FROM conference_participation WHERE conference_id = 'conf-b'"))
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        r.try_get::<i64, _>("n").unwrap()
    };
    assert_eq!(held("dissents").await, 0);
    conferences::save(&w.db, "conf-b", version, Change::new(chair, "conference.test"), |c| {
        c.record_dissent(
            &chairing,
            DissentInput {
                professional: "p-hv".into(),
                child: None,
                reasons: "Fictional reasons.".into(),
                discussed_with_chair: true,
                chair_response: "Fictional response.".into(),
            },
            &policy,
            at(11),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("Birch's dissent: {e:?}"));
    assert_eq!(held("dissents").await, 1, "every save rewrites the summary row");
}

fn actor(app: &App, user: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId(user.to_owned()),
        authority_id: app.authority.id.clone(),
        roles: [role].into_iter().collect(),
    }
}

async fn figures(fx: &Fixture, extra: FilterInput) -> confer_ops::dashboards::Dashboard {
    let ops = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone());
    let input = FilterInput { from: "2026-09-01".into(), to: "2026-11-30".into(), ..extra };
    let filter = input.check(d("2026-11-30"), &["team-a", "team-b"], &[fx.chair.as_str()]).unwrap();
    confer_ops::dashboards::dashboard(&ops, &actor(&fx.app, &fx.qa, Role::QualityAssurance), filter).await.unwrap()
}

/// (in time, late, not yet due) of each measure, in the order of `Measure::ALL`.
fn counts(dash: &confer_ops::dashboards::Dashboard) -> Vec<(u64, u64, u64)> {
    dash.timeliness.iter().map(|m| (m.in_time, m.late, m.pending)).collect()
}

#[tokio::test]
async fn every_figure_of_a_known_set_of_cases_qa_02_time_01_rep_02_dec_05_cg_02_rev_01() {
    let fx = fixture().await;
    let all = figures(&fx, FilterInput::default()).await;
    // ICPC, reports to parents, reports to chair, outcome, record, first core group, reviews.
    assert_eq!(counts(&all), vec![(1, 2, 0), (0, 0, 0), (1, 0, 0), (1, 0, 0), (0, 0, 0), (0, 1, 0), (0, 1, 1)]);
    let icpc = &all.timeliness[0];
    assert_eq!(icpc.measure, Measure::InitialConference);
    assert_eq!(icpc.percent_in_time(), Some(33));
    assert_eq!(
        icpc.reasons,
        vec![
            (BreachReason::Recorded(LateReason::ChairUnavailable), 1),
            (BreachReason::Recorded(LateReason::VenueUnavailable), 1)
        ]
    );
    assert_eq!(all.timeliness[5].reasons, vec![(BreachReason::NotYetRecorded, 1)]);
    assert_eq!(all.timeliness[6].reasons, vec![(BreachReason::Recorded(LateReason::FamilyUnavailable), 1)]);
    // The trend: September, October, November.
    let (_, icpc_trend) = &all.timeliness_trend[0];
    let by_month: Vec<(u64, u64)> = icpc_trend.iter().map(|p| (p.in_time, p.late)).collect();
    assert_eq!(by_month, vec![(0, 0), (1, 1), (0, 1)]);
    // Plans: a1 and b1 started (b1 a repeat plan); a2, b1 and b2 ended.
    let o = &all.outcomes;
    assert_eq!((o.started, o.repeat, o.ended), (2, 1, 3));
    assert_eq!((o.ended_within_three_months, o.lasted_two_years), (1, 1));
    let cat = |c: PlanCategory| o.by_category.iter().find(|(x, _)| *x == Some(c)).unwrap().1;
    assert_eq!((cat(PlanCategory::Neglect), cat(PlanCategory::Emotional), cat(PlanCategory::Physical)), (1, 1, 0));
    let len = |b: LengthBand| o.by_length.iter().find(|(x, _)| *x == b).unwrap().1;
    assert_eq!(
        (len(LengthBand::UnderThreeMonths), len(LengthBand::ThreeToSixMonths), len(LengthBand::TwoYearsOrMore)),
        (1, 1, 1)
    );
    let trend: Vec<(u64, u64, u64)> = all.plan_trend.iter().map(|m| (m.started, m.ended, m.repeat)).collect();
    assert_eq!(trend, vec![(1, 0, 0), (1, 1, 1), (0, 2, 0)]);
    assert!(all.may_list_families);

    // Each filter narrows to the families and children it names.
    let team_a = figures(&fx, FilterInput { team: "team-a".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&team_a), vec![(1, 1, 0), (0, 0, 0), (1, 0, 0), (0, 0, 0), (0, 0, 0), (0, 1, 0), (0, 1, 1)]);
    assert_eq!((team_a.outcomes.started, team_a.outcomes.ended, team_a.outcomes.lasted_two_years), (1, 1, 1));
    let chair = figures(&fx, FilterInput { chair: fx.chair.clone(), ..FilterInput::default() }).await;
    assert_eq!(counts(&chair)[0], (1, 0, 0));
    assert_eq!(counts(&chair).iter().skip(1).map(|c| c.0 + c.1 + c.2).sum::<u64>(), 0);
    let male = figures(&fx, FilterInput { sex: "male".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&male), vec![(0, 1, 0), (0, 0, 0), (0, 0, 0), (1, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0)]);
    assert_eq!((male.outcomes.started, male.outcomes.repeat, male.outcomes.ended), (1, 1, 2));
    // Ben is 2 on the last day of the period: 1 to 4.
    let toddlers = figures(&fx, FilterInput { age: "1-to-4".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&toddlers)[0], (0, 1, 0));
    assert_eq!(
        (toddlers.outcomes.started, toddlers.outcomes.ended, toddlers.outcomes.ended_within_three_months),
        (1, 1, 1)
    );
    let neglect = figures(&fx, FilterInput { category: "neglect".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&neglect)[0], (1, 1, 0));
    assert_eq!((neglect.outcomes.started, neglect.outcomes.ended), (1, 0));
    let disabled = figures(&fx, FilterInput { disability: "disabled".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&disabled)[0], (0, 1, 0));
    assert_eq!((disabled.outcomes.started, disabled.outcomes.ended), (1, 1));
    let white = figures(&fx, FilterInput { ethnicity: "White British".into(), ..FilterInput::default() }).await;
    assert_eq!(counts(&white)[0], (1, 1, 0));
    assert_eq!((white.outcomes.started, white.outcomes.ended), (1, 1));
}

#[tokio::test]
async fn the_page_its_csv_charts_and_the_families_behind_a_figure_qa_02() {
    let fx = fixture().await;
    let app = &fx.app;
    let mut qa = app.as_user(&fx.qa).await;
    let page = qa.get(&format!("/dashboards?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("Initial conferences within 15 working days"));
    assert!(b.contains("TIME-01") && b.contains("REP-02") && b.contains("CG-02") && b.contains("REV-01"));
    assert!(b.contains("33%"));
    assert!(b.contains("No independent chair was available"));
    // Two charts, each an image with a title and a description, each with its table.
    assert_eq!(b.matches("<svg").count(), 3);
    assert_eq!(b.matches(r#"role="img""#).count(), 3);
    assert!(b.contains(r#"id="timeliness-trend""#) && b.contains(r#"id="plan-trend""#));
    assert!(b.contains("stroke-dasharray"));
    // The figure links to the families behind it, with the filters.
    let late = format!("/dashboards/families?{PERIOD}&measure=initial-conference&state=late").replace('&', "&#38;");
    assert!(b.contains(&late), "{b}");

    let list = qa.get(&late.replace("&#38;", "&")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Alder family") && list.body.contains("Birch family"));
    assert!(list.body.contains("No independent chair was available"));
    let reason = qa
        .get(&format!("/dashboards/families?{PERIOD}&measure=initial-conference&state=late&reason=venue-unavailable"))
        .await;
    assert!(reason.body.contains("Birch family") && !reason.body.contains("Alder family"));
    let plans = qa.get(&format!("/dashboards/families?{PERIOD}&group=repeat")).await;
    assert_eq!(plans.status, StatusCode::OK);
    assert!(plans.body.contains("Ben ") && !plans.body.contains("Ada "));
    let lengths = qa.get(&format!("/dashboards/families?{PERIOD}&group=ended&length=2-years-or-more")).await;
    assert!(lengths.body.contains("Ava ") && !lengths.body.contains("Ben "));
    // Reading the names is logged as a list read naming each family shown.
    let rows = sqlx::query(
        "SELECT after_json FROM audit_event WHERE action = 'list.read' AND actor = $1 AND entity_id = 'dashboard-deadlines' ORDER BY seq",
    )
    .bind(&fx.qa)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let first: String = rows[0].try_get("after_json").unwrap();
    assert!(first.contains("fam-a") && first.contains("fam-b"), "{first}");

    // Every table as CSV with the same filters.
    let csv = qa.get(&format!("/dashboards/csv?table=timeliness&{PERIOD}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains(r#""Initial conferences within 15 working days","TIME-01","1","2","0","33""#),
        "{}",
        csv.body
    );
    let reasons = qa.get(&format!("/dashboards/csv?table=late-reasons&{PERIOD}&team=team-a")).await;
    assert!(reasons.body.contains("No independent chair was available") && !reasons.body.contains("venue"));
    for table in ["timeliness-trend", "plan-categories", "plan-lengths", "plan-outcomes", "plan-trend"] {
        let t = qa.get(&format!("/dashboards/csv?table={table}&{PERIOD}")).await;
        assert_eq!(t.status, StatusCode::OK, "{table}");
        assert!(t.body.lines().count() >= 2, "{table}: {}", t.body);
    }
    let outcomes = qa.get(&format!("/dashboards/csv?table=plan-outcomes&{PERIOD}")).await;
    assert!(outcomes.body.contains(r#""Repeat plans (of those started)","1","50""#), "{}", outcomes.body);
    assert_eq!(qa.get(&format!("/dashboards/csv?table=nothing&{PERIOD}")).await.status, StatusCode::BAD_REQUEST);

    // A team manager sees the figures only: no links, and the list is refused.
    let mut tm = app.as_user(&fx.manager).await;
    let figures_only = tm.get(&format!("/dashboards?{PERIOD}")).await;
    assert_eq!(figures_only.status, StatusCode::OK);
    assert!(figures_only.body.contains("33%"));
    assert!(!figures_only.body.contains("/dashboards/families"));
    // Nor the feedback or audits, which are quality assurance's.
    assert!(!figures_only.body.contains("Feedback from families"));
    let refused = tm.get(&late.replace("&#38;", "&")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_filters_are_refused_with_what_was_typed_kept_qa_02() {
    let fx = fixture().await;
    let mut qa = fx.app.as_user(&fx.qa).await;
    let page = qa.get("/dashboards?from=31%2F2%2F2026&to=2026-11-30&team=nope&ethnicity=Fictional%20%3Cb%3E").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("There is a problem"));
    assert!(page.body.contains("Enter a real date"));
    assert!(page.body.contains("Choose a team from the list"));
    assert!(page.body.contains(r#"value="31/2/2026""#));
    assert!(page.body.contains("Fictional &lt;b&gt;") || page.body.contains("Fictional &#60;b&#62;"));
    assert!(!page.body.contains("<svg"));
    let backwards = qa.get("/dashboards?from=2026-11-30&to=2026-01-01").await;
    assert_eq!(backwards.status, StatusCode::BAD_REQUEST);
    assert!(backwards.body.contains("The end of the period must be the same as or after its start"));
    let csv = qa.get("/dashboards/csv?from=nonsense").await;
    assert_eq!(csv.status, StatusCode::BAD_REQUEST);
    let list = qa.get(&format!("/dashboards/families?{PERIOD}&measure=initial-conference&state=sideways")).await;
    assert_eq!(list.status, StatusCode::BAD_REQUEST);
}

/// QA-02 participation, on the two conferences of [`held_conferences`]: every figure, the
/// filters, the page, its CSV and the conferences behind a figure.
#[tokio::test]
async fn participation_of_a_known_set_of_conferences_meet_02_child_01_child_03_lang_01_exc_02_dis_01_qa_02() {
    use confer_domain::conference::ExclusionReason;
    use confer_domain::dashboards::{ParticipationGroup as G, ParticipationMeasure as M};
    let fx = fixture_with(true).await;
    let all = figures(&fx, FilterInput::default()).await;
    let t = &all.participation;
    assert_eq!(t.conferences, 2);
    assert_eq!((t.parents, t.parents_attended), (2, 1), "MEET-02");
    assert_eq!((t.children, t.children_views), (4, 1), "CHILD-03");
    assert_eq!((t.children_invited, t.children_attended), (1, 1), "CHILD-01");
    assert_eq!((t.interpreters_needed, t.interpreters_booked), (1, 0), "LANG-01");
    assert_eq!((t.excluded_whole, t.excluded_part), (1, 0), "EXC-01");
    assert_eq!(
        t.by_reason(),
        vec![
            (ExclusionReason::RiskOfViolence, 1),
            (ExclusionReason::RiskOfHarmToChild, 0),
            (ExclusionReason::HarmToOwnWellbeing, 0),
            (ExclusionReason::LikelyToDisrupt, 1),
            (ExclusionReason::UnderTheInfluence, 0)
        ],
        "EXC-02"
    );
    assert_eq!(t.dissents, 1, "DIS-01");
    let groups: Vec<u64> = G::ALL.iter().map(|g| t.in_group(*g)).collect();
    // Parents absent, views missing, a child attended, interpreter missing, excluded, dissent.
    assert_eq!(groups, vec![1, 2, 1, 1, 1, 1]);
    assert_eq!(M::ParentsAttending.percent(t), Some(50));
    assert_eq!(M::ChildrensViews.percent(t), Some(25));
    assert_eq!(M::Interpreters.percent(t), Some(0));
    assert_eq!(t.dissent_percent(), Some(50));
    // The trend: nothing in September or October, both in November.
    let held: Vec<u64> = all.participation_trend.iter().map(|(_, t)| t.conferences).collect();
    assert_eq!(held, vec![0, 0, 2]);
    assert_eq!(all.participation_trend[2].1, *t);
    // The filters: team, sex (of a child of the conference), chair, and a period without them.
    let north = figures(&fx, FilterInput { team: "team-a".into(), ..FilterInput::default() }).await;
    let n = &north.participation;
    assert_eq!((n.conferences, n.parents_attended, n.children_attended, n.dissents), (1, 1, 1, 0));
    let male = figures(&fx, FilterInput { sex: "male".into(), ..FilterInput::default() }).await;
    let m = &male.participation;
    assert_eq!((m.conferences, m.excluded_whole, m.interpreters_needed, m.dissents), (1, 1, 1, 1));
    let chaired = figures(&fx, FilterInput { chair: fx.chair.clone(), ..FilterInput::default() }).await;
    assert_eq!(chaired.participation.conferences, 2);
    let disabled = figures(&fx, FilterInput { disability: "disabled".into(), ..FilterInput::default() }).await;
    assert_eq!(disabled.participation.conferences, 1, "Ben, of the Birch conference, is disabled");

    // The page: the table, the chart with its table, the links behind the figures.
    let mut qa = fx.app.as_user(&fx.qa).await;
    let page = qa.get(&format!("/dashboards?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("Parents and carers attending") && b.contains("MEET-02") && b.contains("LANG-01"));
    assert!(b.contains(r#"id="participation-trend""#));
    let excluded = format!("/dashboards/families?{PERIOD}&participation=excluded&reason=risk-of-violence");
    assert!(b.contains(&excluded.replace('&', "&#38;")), "{b}");
    let list = qa.get(&excluded).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Birch family") && !list.body.contains("Alder family"), "{}", list.body);
    assert!(list.body.contains("Risk of violence to someone attending"));
    let attended = qa.get(&format!("/dashboards/families?{PERIOD}&participation=children-attended")).await;
    assert!(attended.body.contains("Alder family") && !attended.body.contains("Birch family"));
    let views = qa.get(&format!("/dashboards/families?{PERIOD}&participation=child-views-missing")).await;
    assert!(views.body.contains("Alder family") && views.body.contains("Birch family"));
    let none =
        qa.get(&format!("/dashboards/families?{PERIOD}&participation=excluded&reason=under-the-influence")).await;
    assert!(none.body.contains("Nothing to list."));
    assert_eq!(
        qa.get(&format!("/dashboards/families?{PERIOD}&participation=sideways")).await.status,
        StatusCode::BAD_REQUEST
    );
    let logged = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_event WHERE action = 'list.read' AND entity_id = 'dashboard-conferences'",
    )
    .fetch_one(fx.app.db.pool())
    .await
    .unwrap();
    assert!(logged.try_get::<i64, _>("n").unwrap() >= 3);
    // The CSV.
    let csv = qa.get(&format!("/dashboards/csv?table=participation&{PERIOD}")).await;
    assert!(csv.body.contains(r#""Parents and carers attending","MEET-02","1","2","50","1""#), "{}", csv.body);
    let ex = qa.get(&format!("/dashboards/csv?table=exclusions&{PERIOD}")).await;
    assert!(ex.body.contains(r#""Reason: Likely to disrupt the conference","EXC-02","1""#), "{}", ex.body);
    assert!(ex.body.contains(r#""Conferences with a dissent recorded","DIS-01","1""#));
    let trend = qa.get(&format!("/dashboards/csv?table=participation-trend&{PERIOD}")).await;
    assert!(trend.body.contains(r#""2026-11","2","1","2""#), "{}", trend.body);
    // A team manager sees the figures without links.
    let mut tm = fx.app.as_user(&fx.manager).await;
    let figures_only = tm.get(&format!("/dashboards?{PERIOD}")).await;
    assert!(figures_only.body.contains("Parents and carers attending"));
    assert_eq!(tm.get(&excluded).await.status, StatusCode::FORBIDDEN);
}

/// Issue 12: the counts of a period are kept for the cache's time and shared by everyone who
/// asks for the same authority, period and filters, with when they were counted; after that
/// time (or with no cache, as in every other test here) a view counts afresh and sees a
/// deadline added since.
#[tokio::test]
async fn the_counts_are_kept_for_the_cache_time_then_counted_again_qa_02() {
    use confer_domain::timescales::DeadlineRule as R;
    let fx = fixture().await;
    let qa = actor(&fx.app, &fx.qa, Role::QualityAssurance);
    let input = FilterInput { from: "2026-09-01".into(), to: "2026-11-30".into(), ..FilterInput::default() };
    let filter = || input.check(d("2026-11-30"), &["team-a", "team-b"], &[fx.chair.as_str()]).unwrap();
    let kept = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone())
        .with_dashboard_cache(std::time::Duration::from_secs(3600));
    let before = confer_ops::dashboards::dashboard(&kept, &qa, filter()).await.unwrap();
    assert_eq!(counts(&before)[0], (1, 2, 0));

    // A late ICPC deadline, due in the period, is added.
    let case: String = sqlx::query("SELECT id FROM family_case WHERE family_id = 'fam-a'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap()
        .get("id");
    deadline(&fx.app, "fam-a", &case, R::InitialConference, "2026-10-20", "2026-11-10", None, None, None).await;

    // Within the cache's time: the kept counts, and when they were counted.
    let again = confer_ops::dashboards::dashboard(&kept, &qa, filter()).await.unwrap();
    assert_eq!(counts(&again)[0], (1, 2, 0));
    assert_eq!(again.counted_at, before.counted_at);
    // The manager asking for the same period shares them; another period is counted for itself.
    let manager = actor(&fx.app, &fx.manager, Role::TeamManager);
    assert_eq!(counts(&confer_ops::dashboards::dashboard(&kept, &manager, filter()).await.unwrap())[0], (1, 2, 0));
    let narrower = || {
        FilterInput { from: "2026-10-01".into(), to: "2026-11-30".into(), ..FilterInput::default() }
            .check(d("2026-11-30"), &["team-a", "team-b"], &[fx.chair.as_str()])
            .unwrap()
    };
    let october = confer_ops::dashboards::dashboard(&kept, &qa, narrower()).await.unwrap();
    let fresh = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone());
    let october_fresh = confer_ops::dashboards::dashboard(&fresh, &qa, narrower()).await.unwrap();
    assert_eq!(counts(&october), counts(&october_fresh), "another period is counted for itself, with the new deadline");

    // No cache: counted afresh. A cache whose time has passed: counted again.
    assert_eq!(counts(&figures(&fx, FilterInput::default()).await)[0], (1, 3, 0));
    let brief = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone())
        .with_dashboard_cache(std::time::Duration::from_millis(20));
    assert_eq!(counts(&confer_ops::dashboards::dashboard(&brief, &qa, filter()).await.unwrap())[0], (1, 3, 0));
    deadline(&fx.app, "fam-a", &case, R::InitialConference, "2026-10-21", "2026-11-11", None, None, None).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(counts(&confer_ops::dashboards::dashboard(&brief, &qa, filter()).await.unwrap())[0], (1, 4, 0));
}

/// Issue 12: the total beside the deadlines or plans behind a figure is the figure itself, from
/// the dashboard's kept counts (no count of the period per request): for every measure, state
/// and reason, and every plan group, category and length, it is what counting the rows in SQL
/// gives. A kept total that the rows have since overtaken (a deadline added within the cache's
/// time) is raised to the rows seen, so the next page is still offered.
#[tokio::test]
async fn the_total_behind_each_figure_is_the_kept_figure_and_never_hides_a_page_qa_02() {
    use confer_domain::dashboards::{PlanGroup, Timeliness};
    use confer_domain::timescales::DeadlineRule as R;
    let fx = fixture().await;
    let qa = actor(&fx.app, &fx.qa, Role::QualityAssurance);
    let input = FilterInput { from: "2026-09-01".into(), to: "2026-11-30".into(), ..FilterInput::default() };
    let filter = input.check(d("2026-11-30"), &["team-a", "team-b"], &[fx.chair.as_str()]).unwrap();
    let ops = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone());
    let (db, authority, today) = (&fx.app.db, &fx.app.authority.id, d("2026-11-30"));
    let mut nonzero = 0;
    for measure in Measure::ALL {
        for state in Timeliness::ALL {
            let reasons = std::iter::once(None)
                .chain(std::iter::once(Some(BreachReason::NotYetRecorded)))
                .chain(LateReason::ALL.iter().map(|r| Some(BreachReason::Recorded(*r))));
            for reason in reasons {
                if reason.is_some() && *state != Timeliness::Late {
                    continue;
                }
                let page = confer_ops::dashboards::deadlines_behind(&ops, &qa, &filter, *measure, *state, reason, 1)
                    .await
                    .unwrap();
                let stored = reason.map(|r| match r {
                    BreachReason::Recorded(r) => Some(r),
                    BreachReason::NotYetRecorded => None,
                });
                let sql = confer_store::dashboards::deadlines_behind_count(
                    db, authority, &filter, *measure, *state, stored, today,
                )
                .await
                .unwrap();
                assert_eq!(page.total, sql, "{measure:?} {state:?} {reason:?}");
                assert_eq!(page.rows.len() as u64, sql, "{measure:?} {state:?} {reason:?}");
                nonzero += usize::from(sql > 0);
            }
        }
    }
    assert!(nonzero >= 6, "the fixture has deadlines behind several figures ({nonzero})");
    let categories = std::iter::once(None)
        .chain(std::iter::once(Some(None)))
        .chain(PlanCategory::ALL.iter().map(|c| Some(Some(*c))));
    for category in categories {
        for length in std::iter::once(None).chain(LengthBand::ALL.iter().map(|l| Some(*l))) {
            for group in PlanGroup::ALL {
                let page = confer_ops::dashboards::plans_behind(&ops, &qa, &filter, *group, category, length, 1)
                    .await
                    .unwrap();
                let sql =
                    confer_store::dashboards::plans_behind_count(db, authority, &filter, *group, category, length)
                        .await
                        .unwrap();
                assert_eq!(page.total, sql, "{group:?} {category:?} {length:?}");
                assert_eq!(page.rows.len() as u64, sql, "{group:?} {category:?} {length:?}");
            }
        }
    }

    // Kept for an hour: 55 late ICPC deadlines added since are listed, and the total shown
    // is raised so that the second page is offered, though the kept figure is older.
    let kept = confer_ops::Ops::new(fx.app.db.clone(), fx.clock.clone())
        .with_dashboard_cache(std::time::Duration::from_secs(3600));
    let late = |page| {
        confer_ops::dashboards::deadlines_behind(
            &kept,
            &qa,
            &filter,
            Measure::InitialConference,
            Timeliness::Late,
            None,
            page,
        )
    };
    let before = late(1).await.unwrap();
    assert_eq!(before.total, 2);
    let case: String = sqlx::query("SELECT id FROM family_case WHERE family_id = 'fam-a'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap()
        .get("id");
    for i in 0..55 {
        let due = format!("2026-10-{:02}", 1 + i % 28);
        // (Each its own trigger: a case has one deadline of a rule per trigger.)
        let trigger = (d("2026-06-01") + chrono::Days::new(i)).to_string();
        deadline(&fx.app, "fam-a", &case, R::InitialConference, &trigger, &due, None, None, None).await;
    }
    let one = late(1).await.unwrap();
    assert_eq!(one.rows.len(), 50);
    assert!(one.total > 50 && one.pages() == 2, "total {} pages {}", one.total, one.pages());
    let two = late(2).await.unwrap();
    assert_eq!(two.rows.len(), 7, "the 57 late deadlines, the second page");
    assert_eq!(two.total, 57);
}
