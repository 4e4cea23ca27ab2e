//! A report file uploaded twice from the same form (a double click on "Upload"): the browser
//! sends the same fields and file with a new multipart boundary each time, and the second is
//! answered with the first's result, storing one document and changing the conference once.
//! Runs on SQLite or PostgreSQL (`CONFER_TEST_DATABASE=postgres`).

mod common;
use common::*;
use confer_domain::Role;
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use sqlx::Row;

/// A multipart form as a browser sends it, with this boundary.
fn multipart(boundary: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
             Content-Type: application/pdf\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn documents(app: &App, conference: &str) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM document WHERE conference_id = $1")
        .bind(conference)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    row.try_get::<i64, _>("n").unwrap()
}

#[tokio::test]
async fn a_report_file_sent_twice_from_one_form_stores_one_document() {
    let (app, _) = start_at("2026-11-03 09:00").await;
    let (sw, _) = app.world.person("sw").roles(&[Role::SocialWorker]).signs_in().create().await;
    app.world.professional("p-sw", Some(&sw)).await;
    let family = app
        .world
        .family("fam1")
        .worker(&sw)
        .child("amy", "Amy", "2015-04-01")
        .mother("mum", "Mia")
        .professionals(&["p-sw"]);
    let made = family.create().await.invited_conference(&app.world).await;
    let conf = format!("/conferences/{}", made.id);
    let mut b = app.as_user(&sw).await;
    let page = b.get(&format!("{conf}/reports")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (csrf, v) = (page.csrf(), version(&page));
    let fields = [("csrf_token", csrf.as_str()), ("version", v.as_str()), ("author", "p-sw"), ("summary", "Visits")];
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
    let cookies = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let send = |boundary: &'static str| {
        let (ct, body) = multipart(boundary, &fields, ("Home visits.pdf", pdf));
        b.http
            .post(format!("{}{conf}/reports/upload", b.base))
            .header(COOKIE, cookies.clone())
            .header("content-type", ct)
            .body(body)
            .send()
    };

    let first = send("----WebKitFormBoundaryq1w2e3r4").await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER, "{}", error_summary(&first.text().await.unwrap()));
    let done = first.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(documents(&app, &made.id).await, 1);
    // The same click again: a new boundary, the same fields and file.
    let second = send("----WebKitFormBoundaryz9x8c7v6").await.unwrap();
    let status = second.status();
    let to = second.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", error_summary(&second.text().await.unwrap()));
    assert_eq!(to.as_deref(), Some(done.as_str()), "sent to the first one's result");
    assert_eq!(documents(&app, &made.id).await, 1, "one document stored");
    let stored = confer_store::conferences::load(&app.db, &made.id).await.unwrap();
    assert_eq!(stored.conference.reports().len(), 1, "one report");
    assert_eq!(stored.version, made.version + 1, "the conference changed once");
}
