//! England's Children in Need census through the pages (issue 15): the allocated worker
//! records a child's census details (bad input kept and explained, a second editor detected),
//! a quality assurance manager reads the return's findings with links to where each is fixed
//! and downloads the file (audited); the reads are logged. Who else may reach these pages is
//! proved cell by cell in access_matrix.rs.

mod common;
use common::*;
use confer_domain::*;
use reqwest::StatusCode;
use sqlx::Row;

async fn family(app: &App, worker: &str) {
    app.world
        .family("fam-c1")
        .worker(worker)
        .child("child-c1", "Skye", "2016-05-06")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .mother("mum-c1", "Mia")
        .create()
        .await;
}

const PAGE: &str = "/families/fam-c1/children/child-c1/census";

#[tokio::test]
async fn the_allocated_worker_records_census_details_and_a_manager_exports_the_return() {
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let (sw, _) = staff(&app, "sw.census", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa.census", &[Role::QualityAssurance], None).await;
    family(&app, &sw).await;
    let mut b = app.as_user(&sw).await;

    // The family page links to the census details.
    let fam = b.get("/families/fam-c1").await;
    assert!(fam.body.contains(PAGE), "the family page links to the child's census details");

    // Bad input: the page again (422) with the error summary, and what was typed kept.
    let res = refused(
        &mut b,
        PAGE,
        PAGE,
        &[("upn", "A12"), ("referral_date", "2026-02-30"), ("referral_source", "6"), ("assessment_factors", "21 2B")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for fix in ["Enter the UPN as a capital letter", "The referral date must be a real date", "Code 21"] {
        assert!(res.body.contains(fix), "{fix}: {}", error_summary(&res.body));
    }
    assert!(res.body.contains("value=\"A12\"") && res.body.contains("value=\"2026-02-30\""), "what was typed is kept");

    // A good save: back to the page, the episode listed.
    step(
        &mut b,
        PAGE,
        PAGE,
        &[
            ("upn_unknown", "UN2"),
            ("referral_date", "2026-10-30"),
            ("referral_source", "2A"),
            ("primary_need", "N4"),
            ("assessment_start", "2026-11-02"),
            ("assessment_factors", "3B"),
        ],
    )
    .await;
    let page = b.get(PAGE).await;
    assert!(page.body.contains("2026-10-30") && page.body.contains("2A: Schools"), "{}", page.body);

    // A second editor: the form opened before a save is refused as a conflict (409), typed text kept.
    let stale = b.get(PAGE).await;
    let v = version(&stale);
    let first = b.submit(&stale, PAGE, &[("version", v.as_str()), ("upn_unknown", "UN3")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = b.submit(&stale, PAGE, &[("version", v.as_str()), ("upn_unknown", "UN4")]).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", error_summary(&second.body));
    assert!(second.body.contains("Someone else changed this family"));
    assert!(second.body.contains("<option value=\"UN4\" selected>"), "what was typed is kept");

    // The manager's returns page: the child, no errors, downloads offered.
    let mut m = app.as_user(&qa).await;
    let returns = m.get("/returns/census?year=2027").await;
    assert_eq!(returns.status, StatusCode::OK);
    assert!(returns.body.contains("1 children; 0 errors"), "{}", returns.body);
    let xml = m.get("/returns/census/download?year=2027&format=xml").await;
    assert_eq!(xml.status, StatusCode::OK);
    assert!(xml.body.contains("<LAchildID>LA0001</LAchildID>") && xml.body.contains("<UPNunknown>UN3</UPNunknown>"));
    let csv = m.get("/returns/census/download?year=2027&format=csv").await;
    assert!(csv.body.starts_with("LAchildID,"));
    // A bad year is explained, not a 500.
    let bad = m.get("/returns/census?year=26").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("four digits"));

    // A finding: an enquiry before the referral, shown with its link to the child's page.
    let stale = b.get(PAGE).await;
    let v = version(&stale);
    let episode = stale.body.split("census?episode=").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let res = b
        .submit(
            &stale,
            PAGE,
            &[
                ("version", v.as_str()),
                ("upn_unknown", "UN3"),
                ("episode_id", episode.as_str()),
                ("referral_date", "2026-10-30"),
                ("referral_source", "2A"),
                ("primary_need", "N4"),
                ("assessment_start", "2026-11-02"),
                ("enquiry_start", "2026-11-02"),
                ("nfa", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", error_summary(&res.body));
    let returns = m.get("/returns/census?year=2027").await;
    assert!(returns.body.contains("8831") && returns.body.contains(&format!("href=\"{PAGE}\"")), "{}", returns.body);
    // With errors the file is not given unless asked for with them.
    let refused = m.get("/returns/census/download?year=2027&format=xml").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let allowed = m.get("/returns/census/download?year=2027&format=xml&allow_errors=yes").await;
    assert_eq!(allowed.status, StatusCode::OK);

    // Audited: the census changes, the returns page's list read, every file given.
    let count = |action: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = $1")
                .bind(action)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap()
        }
    };
    assert_eq!(count("child.census.update").await, 3);
    assert_eq!(count("return.export").await, 3, "two files and the one allowed with errors");
    let lists = sqlx::query("SELECT after_json FROM audit_event WHERE action = 'list.read' AND actor = $1")
        .bind(&qa)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(
        !lists.is_empty() && lists.iter().all(|r| r.try_get::<String, _>("after_json").unwrap().contains("fam-c1"))
    );
}
