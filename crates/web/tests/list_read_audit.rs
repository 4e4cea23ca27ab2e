//! Issue 10: a list page that shows families' names is logged as ONE read event naming every
//! family it listed (`list.read`), so an auditor finds list views of a family too. Runs on
//! SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use chrono::NaiveDate;
use common::*;
use confer_domain::*;
use confer_store::families::{insert_family, NewFamily};
use reqwest::StatusCode;

async fn family(app: &App, id: &str, name: &str, worker: &str) {
    let fid = FamilyId(id.into());
    let case = Case {
        id: CaseId(format!("case-{id}")),
        family_id: fid.clone(),
        allocated_worker_id: UserId::from(worker),
        stage: CaseStage::Enquiry,
        opened_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    };
    let fam = Family { id: fid.clone(), authority_id: app.authority.id.clone(), name: name.into() };
    let mut tx = app.db.begin().await.unwrap();
    insert_family(
        &mut tx,
        &NewFamily {
            family: &fam,
            children: &[],
            adults: &[],
            relationships: &[],
            case: Some(&case),
            professionals: &[],
        },
        "test",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_families_list_is_one_read_event_naming_the_families_shown() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (other, _) = staff(&app, "other", &[Role::SocialWorker], None).await;
    family(&app, "fam-a", "Ashdown family", &sw).await;
    family(&app, "fam-b", "Birch family", &sw).await;
    family(&app, "fam-c", "Cole family", &other).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get("/families").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ashdown family") && !page.body.contains("Cole family"));
    let reads = list_reads(&app, &sw, "families").await;
    assert_eq!(reads, vec![vec!["fam-a".to_owned(), "fam-b".to_owned()]], "one event, the families shown only");
    // A search that shows no family logs nothing.
    b.get("/families?q=zzzz-nobody").await;
    assert_eq!(list_reads(&app, &sw, "families").await.len(), 1);
}

#[tokio::test]
async fn the_dashboard_is_one_read_event_naming_the_families_it_shows() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    family(&app, "fam-d", "Dale family", &sw).await;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get("/").await;
    assert!(page.body.contains("Dale family"), "{}", page.body);
    assert_eq!(list_reads(&app, &sw, "dashboard").await, vec![vec!["fam-d".to_owned()]]);
}

#[tokio::test]
async fn the_deadlines_list_is_one_read_event_naming_the_families_it_shows() {
    let app = start().await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    family(&app, "fam-e", "Elm family", &sw).await;
    confer_store::deadlines::set_deadline(
        &app.db,
        "case-fam-e",
        confer_domain::timescales::DeadlineRule::InitialConference,
        NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
        None,
        "test",
    )
    .await
    .unwrap();
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &sw).await;
    let page = b.get("/deadlines").await;
    assert!(page.body.contains("Elm family"), "{}", page.body);
    assert_eq!(list_reads(&app, &sw, "deadlines").await, vec![vec!["fam-e".to_owned()]]);
}
