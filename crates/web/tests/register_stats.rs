//! Register statistics through the pages (issue 15): for a Welsh authority the returns link
//! leads to them; the manager chooses a year, reads the figures in Wales's words, downloads
//! the CSV (audited); a bad year is explained with what was typed kept. Who else may reach
//! these pages is proved cell by cell in access_matrix.rs.

mod common;
use common::*;
use confer_domain::*;
use reqwest::StatusCode;
use sqlx::Row;

#[tokio::test]
async fn a_welsh_manager_reads_and_downloads_the_register_statistics() {
    let (app, _clock) = start_at("2026-11-10 09:00").await;
    // A Welsh authority (set before anything reads it).
    sqlx::query("UPDATE authority SET nation = 'wales' WHERE id = $1")
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let (sw, _) = staff(&app, "sw.reg", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa.reg", &[Role::QualityAssurance], None).await;
    let f = app
        .world
        .family("fam-r1")
        .worker(&sw)
        .child("child-r1", "Skye", "2016-05-06")
        .with_child(|c| c.gender = Gender::Female)
        .mother("mum-r1", "Mia")
        .create()
        .await;
    app.world.plan_for("fam-r1", f.case.id.as_str(), "child-r1", &sw, &[]).await;
    sqlx::query("UPDATE plan SET started_on = '2025-06-01'").execute(app.db.pool()).await.unwrap();
    let mut m = app.as_user(&qa).await;

    // The census is England's: a Welsh authority's returns link leads to its statistics.
    let census = m.get("/returns/census").await;
    assert_eq!(census.status, StatusCode::SEE_OTHER);
    assert_eq!(census.location.as_deref(), Some("/returns/register-stats"));
    let page = m.get("/returns/register-stats?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Wales child protection register statistics"), "{}", page.body);
    assert!(page.body.contains("1 April 2025 to 31 March 2026"));
    assert!(page.body.contains("Children on the child protection register at 31 March 2026"));
    assert!(page.body.contains("Children added to the register during the year 1 April 2025 to 31 March 2026"));

    let bad = m.get("/returns/register-stats?year=twenty").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_summary(&bad.body).contains("four digits"));
    assert!(bad.body.contains("value=\"twenty\""), "what was typed is kept");

    let csv = m.get("/returns/register-stats/download?year=2026").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("Nation,Local authority,Year start,Year end,Measure,Breakdown,Number\r\n"));
    assert!(
        csv.body
            .contains(",2025-04-01,2026-03-31,Children on the child protection register at 31 March 2026,Total,1\r\n"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("by category of abuse,Neglect,1"), "{}", csv.body);
    let rows = sqlx::query("SELECT after_json FROM audit_event WHERE action = 'return.export'")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let after: String = rows[0].try_get("after_json").unwrap();
    assert!(
        after.contains("\"register-stats\"") && after.contains("\"wales\"") && after.contains("\"sha256\""),
        "{after}"
    );
}
