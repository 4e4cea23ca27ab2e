//! Ofsted's Annex A lists through the pages (issue 15): a quality assurance manager chooses a
//! period, sees each list's rows, downloads the workbook and a list as CSV (each audited);
//! bad dates are explained with what was typed kept; the page's read is logged. Who else may
//! reach these pages is proved cell by cell in access_matrix.rs.

mod common;
use common::*;
use confer_domain::*;
use reqwest::StatusCode;
use sqlx::Row;

#[tokio::test]
async fn a_manager_chooses_a_period_and_downloads_the_annex_a_lists() {
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    let (sw, _) = staff(&app, "sw.annex", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa.annex", &[Role::QualityAssurance], None).await;
    let f = app
        .world
        .family("fam-a1")
        .worker(&sw)
        .child("child-a1", "Skye", "2016-05-06")
        .with_child(|c| {
            c.la_child_id = "LA0001".into();
            c.gender = Gender::Female;
            c.ethnicity = "White British".into();
            c.disability = "None".into();
        })
        .mother("mum-a1", "Mia")
        .create()
        .await;
    app.world.plan_for("fam-a1", f.case.id.as_str(), "child-a1", &sw, &[]).await;
    let mut m = app.as_user(&qa).await;

    // The census page links here.
    let census = m.get("/returns/census?year=2027").await;
    assert!(census.body.contains("href=\"/returns/annex-a\""));
    // With no period: the six months to today.
    let page = m.get("/returns/annex-a").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"2026-05-11\"") && page.body.contains("value=\"2026-11-10\""), "{}", page.body);
    // Opening the page offers the period; the lists are made when asked for (issue 12).
    assert!(!page.body.contains("Rows in each list"), "{}", page.body);
    let page = m.get("/returns/annex-a?from=2026-06-01&to=2026-11-30").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 June 2026 to 30 November 2026"), "{}", page.body);
    let list7 = page.body.split("List 7: ").nth(1).unwrap();
    assert!(list7.contains("govuk-table__cell--numeric\">1<"), "one plan in List 7: {list7}");

    // Bad dates: the error summary, the inline message, what was typed kept.
    let bad = m.get("/returns/annex-a?from=2026-02-30&to=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = error_summary(&bad.body);
    assert!(summary.contains("The first day") && summary.contains("The last day"), "{summary}");
    assert!(bad.body.contains("value=\"2026-02-30\"") && bad.body.contains("value=\"yesterday\""));
    assert!(bad.body.contains("govuk-error-message"));
    let backwards = m.get("/returns/annex-a?from=2026-11-30&to=2026-06-01").await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("after the first day"));

    // Downloads: the workbook and each list as CSV.
    let xlsx = m.get("/returns/annex-a/download?from=2026-06-01&to=2026-11-30&format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"), "a zip");
    let csv = m.get("/returns/annex-a/download?from=2026-06-01&to=2026-11-30&format=csv-list7").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,Child Protection Plan Start Date,"));
    let row = csv.body.lines().nth(1).unwrap();
    assert!(
        row.starts_with("LA0001,b) Female,a) WBRI,06/05/2016,10,b) No,") && row.contains(",a) Neglect,a) Neglect,"),
        "{row}"
    );
    let bad = m.get("/returns/annex-a/download?from=2026-06-01&to=2026-11-30&format=pdf").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // Audited: two files; the page's reads logged as list reads.
    let rows = sqlx::query("SELECT after_json FROM audit_event WHERE action = 'return.export' ORDER BY seq")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let first: String = rows[0].try_get("after_json").unwrap();
    assert!(first.contains("\"annex-a\"") && first.contains("\"xlsx\"") && first.contains("\"sha256\""), "{first}");
    let reads =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'list.read' AND entity_id = 'annex-a'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap();
    assert_eq!(
        reads, 1,
        "the page that showed the lists is logged as a read; the page offering a period named no family"
    );
}
