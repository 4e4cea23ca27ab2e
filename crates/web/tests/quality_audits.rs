//! Quality audits through the pages (QA-03): quality assurance draws a reproducible sample of
//! last month's conferences, audits one against the checklist (refusals come back with what was
//! typed), grades it, adds an action, completes it and follows the action up; an auditor reads
//! it and changes nothing; a social worker reaches none of it; the checklist is the authority's
//! own and two people editing it are told of each other. SQLite, and PostgreSQL with
//! CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use reqwest::StatusCode;

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("{start} in page"));
    let j = body[i..].find(end).map(|j| i + j).unwrap();
    &body[i..j]
}

#[tokio::test]
async fn qa_03_a_sample_is_drawn_audited_graded_completed_and_its_action_followed_up() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let (auditor, _) = staff(&app, "auditor", &[Role::Auditor], None).await;
    let (sw, _) = staff(&app, "sw2", &[Role::SocialWorker], None).await;
    let f = w
        .family("fam-q")
        .named("Quince family")
        .child("q1", "Quinn", "2018-02-02")
        .mother("qm", "Mabel")
        .create()
        .await;
    let conf = f.closed_conference(w).await;
    clock.set(at("2026-12-01 09:00"));

    let mut q = app.as_user(&qa).await;
    let page = q.get("/quality").await;
    assert_eq!(page.status, StatusCode::OK);
    // A period that ends before it starts, and a size of 0: refused, what was typed kept.
    let bad = q
        .submit(
            &page,
            "/quality/samples",
            &[("kind", ""), ("from", "30/11/2026"), ("to", "01/11/2026"), ("by", "count"), ("n", "1")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("The period ends before it starts"), "{}", error_summary(&bad.body));
    assert!(bad.body.contains("value=\"30/11/2026\""));
    let zero = q
        .submit(
            &page,
            "/quality/samples",
            &[("kind", ""), ("from", "01/11/2026"), ("to", "30/11/2026"), ("by", "count"), ("n", "0")],
        )
        .await;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);
    let drawn = q
        .submit(
            &page,
            "/quality/samples",
            &[("kind", "initial"), ("from", "01/11/2026"), ("to", "30/11/2026"), ("by", "percent"), ("n", "5")],
        )
        .await;
    assert_eq!(drawn.status, StatusCode::SEE_OTHER, "{}", error_summary(&drawn.body));
    let list = q.get(drawn.location.as_deref().unwrap()).await;
    assert!(list.body.contains("Sample drawn: 1 to audit"), "{}", list.body);
    assert!(list.body.contains("Quince family"));
    let audit_path = format!("/quality/audits/{}", between(&list.body, "href=\"/quality/audits/", "\""));

    // Completing with a question unanswered: refused, the findings typed are kept.
    let page = q.get(&audit_path).await;
    assert!(page.body.contains(&format!("/conferences/{}", conf.id)));
    // Opening an audit is logged as a read of it, naming the conference its findings concern.
    let audit_id = audit_path.trim_start_matches("/quality/audits/");
    let reads: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_event WHERE action = 'quality.audit.read' AND actor = $1 AND entity_id = $2",
    )
    .bind(&qa)
    .bind(audit_id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(reads.len(), 1, "one read event for opening the audit");
    assert!(reads[0].contains(&conf.id), "{}", reads[0]);
    // It shows what happened at the family's conference: the read names the family (review).
    let read: serde_json::Value = serde_json::from_str(&reads[0]).unwrap();
    assert_eq!(read["families"], serde_json::json!(["fam-q"]), "{read}");
    let n_questions = page.body.matches("name=\"finding-").count();
    assert_eq!(n_questions, 10, "the default checklist");
    let v = version(&page);
    let mut fields: Vec<(String, String)> = vec![("version".into(), v.clone()), ("complete".into(), "1".into())];
    fields.push(("met-1".into(), "no".into()));
    fields.push(("finding-1".into(), "The ICPC was 3 working days late".into()));
    fields.push(("grade".into(), "requires-improvement".into()));
    let as_refs = |f: &[(String, String)]| f.iter().map(|(a, b)| (a.clone(), b.clone())).collect::<Vec<_>>();
    let refs = as_refs(&fields);
    let form: Vec<(&str, &str)> = refs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let refused = q.submit(&page, &format!("{audit_path}/findings"), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Answer question 2"), "{}", error_summary(&refused.body));
    assert!(refused.body.contains("The ICPC was 3 working days late"), "what was typed is kept");

    // Every question answered, graded "requires improvement" without an action: refused.
    let page = q.get(&audit_path).await;
    let v = version(&page);
    let mut fields: Vec<(String, String)> = vec![("version".into(), v), ("complete".into(), "1".into())];
    for n in 1..=n_questions {
        fields.push((format!("met-{n}"), if n == 1 { "no" } else { "yes" }.into()));
    }
    fields.push(("finding-1".into(), "The ICPC was 3 working days late".into()));
    fields.push(("grade".into(), "requires-improvement".into()));
    let refs = as_refs(&fields);
    let form: Vec<(&str, &str)> = refs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let refused = q.submit(&page, &format!("{audit_path}/findings"), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("needs at least one action"), "{}", error_summary(&refused.body));

    // Save as a draft, add an action (a date in the past is refused first), then complete.
    let page = q.get(&audit_path).await;
    let mut draft = fields.clone();
    draft.retain(|(k, _)| k != "complete" && k != "version");
    draft.push(("version".into(), version(&page)));
    let refs = as_refs(&draft);
    let form: Vec<(&str, &str)> = refs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let saved = q.submit(&page, &format!("{audit_path}/findings"), &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", error_summary(&saved.body));
    let page = q.get(&audit_path).await;
    let v = version(&page);
    let past = q
        .submit(
            &page,
            &format!("{audit_path}/actions"),
            &[("version", &v), ("what", "Book ICPCs sooner"), ("owner", "Conference team"), ("due", "01/11/2026")],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains("value=\"Book ICPCs sooner\""), "what was typed is kept");
    let added = q
        .submit(
            &page,
            &format!("{audit_path}/actions"),
            &[("version", &v), ("what", "Book ICPCs sooner"), ("owner", "Conference team"), ("due", "15/01/2027")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", error_summary(&added.body));
    let page = q.get(&audit_path).await;
    let mut done = draft.clone();
    done.retain(|(k, _)| k != "version");
    done.push(("version".into(), version(&page)));
    done.push(("complete".into(), "1".into()));
    let refs = as_refs(&done);
    let form: Vec<(&str, &str)> = refs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let completed = q.submit(&page, &format!("{audit_path}/findings"), &form).await;
    assert_eq!(completed.status, StatusCode::SEE_OTHER, "{}", error_summary(&completed.body));
    let page = q.get(&audit_path).await;
    assert!(page.body.contains("Completed on 1 December 2026"), "{}", page.body);
    assert!(page.body.contains("9 of 10 met"));
    assert!(
        !page.body.contains(&format!("action=\"{audit_path}/findings\"")),
        "a completed audit's findings are closed"
    );

    // Follow-up, after the due date: overdue until done.
    clock.set(at("2027-01-20 09:00"));
    let page = q.get(&audit_path).await;
    assert!(page.body.contains("Overdue"));
    assert!(q.get("/quality").await.body.contains("Overdue"));
    let v = version(&page);
    let no_note = q
        .submit(&page, &format!("{audit_path}/actions/done"), &[("version", &v), ("number", "1"), ("note", " ")])
        .await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    let followed = q
        .submit(
            &page,
            &format!("{audit_path}/actions/done"),
            &[("version", &v), ("number", "1"), ("note", "Scheduling rota changed")],
        )
        .await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER, "{}", error_summary(&followed.body));
    assert!(q.get(&audit_path).await.body.contains("Scheduling rota changed"));

    // An auditor reads, and may not change; a social worker reaches nothing.
    let mut a = app.as_user(&auditor).await;
    let page = a.get(&audit_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Book ICPCs sooner"));
    let tried = a
        .submit(&page, &format!("{audit_path}/actions"), &[("what", "x"), ("owner", "y"), ("due", "01/02/2027")])
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    let mut s = app.as_user(&sw).await;
    assert_eq!(s.get("/quality").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&audit_path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn qa_03_an_empty_period_has_nothing_to_sample_and_the_checklist_is_the_authoritys_own() {
    let app = start().await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let mut q = app.as_user(&qa).await;
    // Nothing closed in the period: nothing to sample, said plainly.
    let page = q.get("/quality").await;
    let none = q
        .submit(
            &page,
            "/quality/samples",
            &[("kind", ""), ("from", "01/01/2020"), ("to", "31/01/2020"), ("by", "count"), ("n", "3")],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("nothing to sample"), "{}", error_summary(&none.body));

    let page = q.get("/quality/checklist").await;
    let v = version(&page);
    let empty = q.submit(&page, "/quality/checklist", &[("version", &v), ("questions", " \n ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = q
        .submit(
            &page,
            "/quality/checklist",
            &[("version", &v), ("questions", "Reports shared in time\nChild's views heard")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", error_summary(&saved.body));
    let stale = q.submit(&page, "/quality/checklist", &[("version", &v), ("questions", "Only one question")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Only one question"), "what was typed is kept");
    let now = q.get("/quality/checklist").await;
    assert!(now.body.contains("Child&#39;s views heard") || now.body.contains("Child's views heard"));
}
