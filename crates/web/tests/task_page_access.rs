//! Each task page of a conference shows its forms only to someone the access policy lets
//! do the form's action; anyone else who may see the conference sees the task read-only, a
//! task that is only a form (schedule, cancel; sharing for those who do not share reports) is
//! 403, and someone who may not see the conference at all gets 404 on every task page, the
//! family's own people included (they use the portal). Runs on SQLite or PostgreSQL
//! (`CONFER_TEST_DATABASE=postgres`).

mod common;
use common::*;
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, Role, UserId};
use reqwest::StatusCode;
use std::collections::BTreeSet;

const TASKS: [&str; 12] = [
    "schedule",
    "children",
    "invitations",
    "supporters",
    "needs",
    "reports",
    "sharing",
    "views",
    "exclusions",
    "pre-meetings",
    "recording",
    "cancel",
];

/// The forms a page offers: the addresses its POST forms send to, under the conference.
fn forms(body: &str, conf: &str) -> BTreeSet<String> {
    body.split("<form method=\"post\" action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|action| action.strip_prefix(&format!("{conf}/")).map(str::to_owned))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn each_task_page_offers_its_forms_only_to_those_the_policy_allows() {
    let (app, _) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let (tm, _) = w.person("tm").roles(&[Role::TeamManager]).create().await;
    let (sw, _) = w.person("sw").roles(&[Role::SocialWorker]).manager(&tm).create().await;
    let (teacher, _) = w.person("teacher").roles(&[Role::Professional]).create().await;
    let (outsider, _) = w.person("outsider").roles(&[Role::Professional]).create().await;
    // A team manager, but not of this family's social worker.
    let (other_tm, _) = w.person("othertm").roles(&[Role::TeamManager]).create().await;
    let (coord, _) = w.person("coord").roles(&[Role::Coordinator]).create().await;
    w.professional("p-sw", Some(&sw)).await;
    w.professional("p-school", Some(&teacher)).await;
    let family = w
        .family("fam1")
        .worker(&sw)
        .child("amy", "AMY-NAME", "2015-04-01")
        .mother("mum", "Mia")
        .professionals(&["p-sw", "p-school"])
        .create()
        .await;
    let made = family.invited_conference(w).await;
    // The mother, with a portal account linked to her.
    let (parent, _) = w.person("mia").roles(&[Role::Parent]).create().await;
    let mut tx = app.db.begin().await.unwrap();
    let mum = PortalPerson::Adult(AdultId("mum".into()));
    confer_store::portal::link_in(&mut tx, &app.authority.id, &UserId(parent.clone()), "fam1", &mum, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let conf = format!("/conferences/{}", made.id);

    // The coordinator arranges: the schedule and cancel pages are forms, and the others offer
    // theirs (a control: the check below finds forms where there are some).
    let mut b = app.as_user(&coord).await;
    for (task, expected) in [
        ("schedule", &["reschedule"][..]),
        ("cancel", &["cancel"]),
        ("invitations", &["answers"]),
        ("views", &["views"]),
        ("needs", &["interpreters"]),
        ("recording", &["recording-consents"]),
    ] {
        let page = b.get(&format!("{conf}/{task}")).await;
        assert_eq!(page.status, StatusCode::OK, "coordinator, {task}");
        for form in expected {
            assert!(
                forms(&page.body, &conf).contains(*form),
                "coordinator, {task}: {form} in {:?}",
                forms(&page.body, &conf)
            );
        }
    }

    // The invited teacher sees every task that shows something, read-only, but for answering
    // their own invitation and giving their own report; scheduling and cancelling are refused.
    let mut b = app.as_user(&teacher).await;
    for task in TASKS {
        let page = b.get(&format!("{conf}/{task}")).await;
        let (status, offered) = match task {
            "schedule" | "cancel" => (StatusCode::FORBIDDEN, set(&[])),
            "invitations" => (StatusCode::OK, set(&["answers"])),
            "reports" => (StatusCode::OK, set(&["reports", "reports/upload"])),
            _ => (StatusCode::OK, set(&[])),
        };
        assert_eq!(page.status, status, "teacher, {task}");
        assert_eq!(forms(&page.body, &conf), offered, "teacher, {task}");
    }
    // INV-04: the answer form offers only the teacher's own invitation, not the family's.
    let page = b.get(&format!("{conf}/invitations")).await;
    let select = page.body.split("action=\"").find(|s| s.starts_with(&format!("{conf}/answers"))).unwrap();
    let select = select.split("</form>").next().unwrap();
    assert!(select.contains("Professional"), "their own invitation: {select}");
    assert!(!select.contains("Family"), "not the mother's: {select}");
    // A form sent anyway is refused by the policy.
    let views = b.get(&format!("{conf}/views")).await;
    let res = b.submit(&views, &format!("{conf}/views"), &[("version", "1"), ("whose", "child:amy")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "teacher, the views form");

    // The social worker's manager reads the conference and gathers views; arranging, cancelling
    // and sharing reports are not theirs.
    let mut b = app.as_user(&tm).await;
    for task in TASKS {
        let page = b.get(&format!("{conf}/{task}")).await;
        let (status, offered) = match task {
            "schedule" | "cancel" | "sharing" => (StatusCode::FORBIDDEN, set(&[])),
            "views" => (StatusCode::OK, set(&["views"])),
            _ => (StatusCode::OK, set(&[])),
        };
        assert_eq!(page.status, status, "manager, {task}");
        assert_eq!(forms(&page.body, &conf), offered, "manager, {task}");
    }

    // No relationship to the family: nothing, not even that the conference exists. The
    // mother uses the portal, never the staff pages.
    for (who, id) in
        [("an unrelated professional", &outsider), ("a manager outside the line", &other_tm), ("a parent", &parent)]
    {
        let mut b = app.as_user(id).await;
        for task in TASKS {
            let page = b.get(&format!("{conf}/{task}")).await;
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&page.status),
                "{who}, {task}: {}",
                page.status
            );
            assert!(!page.body.contains("AMY-NAME"), "{who}, {task}: nothing of the family");
            assert!(forms(&page.body, &conf).is_empty(), "{who}, {task}");
        }
    }
}
