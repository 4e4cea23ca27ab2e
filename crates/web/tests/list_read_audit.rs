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

/// Issue 12: the deadlines behind a dashboard figure, 50 a page in SQL (the earliest due
/// first), with the total and links to the other pages that keep the filters; each page's read
/// event names only the families it shows.
#[tokio::test]
async fn the_deadlines_behind_a_figure_are_paged_and_each_page_names_only_its_families() {
    use confer_domain::timescales::{Deadline, DeadlineRule};
    use confer_store::deadlines::{insert_deadline, NewDeadline};
    let (app, _clock) = start_at("2026-11-30 09:00").await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let first_due = day("2026-09-20");
    for i in 0..55u64 {
        let id = format!("fam-{i:02}");
        family(&app, &id, &format!("Family {i:02}"), &sw).await;
        let deadline = Deadline {
            rule: DeadlineRule::InitialConference,
            trigger: day("2026-09-01"),
            due: first_due + chrono::Days::new(i),
            policy_effective_from: day("2000-01-01"),
        };
        let mut tx = app.db.begin().await.unwrap();
        let case = format!("case-{id}");
        insert_deadline(
            &mut tx,
            &NewDeadline {
                authority_id: app.authority.id.as_str(),
                family_id: &id,
                case_id: &case,
                deadline: &deadline,
                chair_id: None,
                met: None,
                late_reason: None,
            },
            "test",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &qa).await;
    let filters = "from=2026-09-01&to=2026-11-30&measure=initial-conference&state=late";
    let one = b.get(&format!("/dashboards/families?{filters}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body.contains("55 deadlines: 1 to 50 shown, page 1 of 2"), "{}", one.body);
    assert!(one.body.contains("Family 00") && one.body.contains("Family 49") && !one.body.contains("Family 50"));
    let next = format!("/dashboards/families?{filters}&page=2").replace('&', "&#38;");
    assert!(one.body.contains(&format!("href=\"{next}\" rel=\"next\"")), "the next page keeps the filters");
    assert!(!one.body.contains("rel=\"prev\""), "the first page has no previous page");
    let shown = |from: u64, to: u64| (from..to).map(|i| format!("fam-{i:02}")).collect::<Vec<_>>();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let reads = list_reads(&app, &qa, "dashboard-deadlines").await;
    assert_eq!(reads.len(), 1);
    assert_eq!(sorted(reads[0].clone()), shown(0, 50), "the first page's event names its 50 families only");

    let two = b.get(&format!("/dashboards/families?{filters}&page=2")).await;
    assert_eq!(two.status, StatusCode::OK);
    assert!(two.body.contains("51 to 55 shown, page 2 of 2"), "{}", two.body);
    assert!(two.body.contains("Family 54") && !two.body.contains("Family 49"));
    let prev = format!("/dashboards/families?{filters}&page=1").replace('&', "&#38;");
    assert!(two.body.contains(&format!("href=\"{prev}\" rel=\"prev\"")), "{}", two.body);
    assert!(!two.body.contains("rel=\"next\""), "the last page has no next page");
    let reads = list_reads(&app, &qa, "dashboard-deadlines").await;
    assert_eq!(sorted(reads[1].clone()), shown(50, 55), "the second page's event names its 5 families only");
    // A page past the end, or not a number, is answered without a failure.
    let past = b.get(&format!("/dashboards/families?{filters}&page=9")).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("Nothing to list"), "{}", past.body);
    let nonsense = b.get(&format!("/dashboards/families?{filters}&page=abc")).await;
    assert!(nonsense.body.contains("1 to 50 shown"), "{}", nonsense.body);
}

/// Issue 12: the plans behind an outcome figure are paged in SQL as the deadlines are (they
/// stopped at 500): 50 a page, the earliest started first, with the total and the links to
/// the other pages; each page's read event names only the families it shows.
#[tokio::test]
async fn the_plans_behind_a_figure_are_paged_and_each_page_names_only_its_families() {
    let (app, _clock) = start_at("2026-11-30 09:00").await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (qa, _) = staff(&app, "qa", &[Role::QualityAssurance], None).await;
    let first = NaiveDate::from_ymd_opt(2026, 9, 2).unwrap();
    let now = app.db.now();
    for i in 0..55u64 {
        let id = format!("fam-{i:02}");
        family(&app, &id, &format!("Family {i:02}"), &sw).await;
        sqlx::query(
            "INSERT INTO child (id, family_id, authority_id, given_name, family_name, la_child_id, gender, ethnicity, \
             disability, first_language, needs_interpreter, access_needs) \
             VALUES ($1, $2, $3, 'Kit', 'Fictional', $1, 'unknown', 'NOBT', 'NONE', 'English', 0, '')",
        )
        .bind(format!("kid-{i:02}"))
        .bind(&id)
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO plan (id, authority_id, family_id, case_id, child_id, kind, category, key_worker_id, \
             started_on, started_by, doc, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'child-protection', 'neglect', $6, $7, $8, '{}', 1, $9, $9)",
        )
        .bind(format!("plan-{i:02}"))
        .bind(app.authority.id.as_str())
        .bind(&id)
        .bind(format!("case-{id}"))
        .bind(format!("kid-{i:02}"))
        .bind(&sw)
        .bind((first + chrono::Days::new(i)).to_string())
        .bind(format!("conf-{i:02}"))
        .bind(&now)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let mut b = Browser::new(&app);
    b.session_for(&app.db, &qa).await;
    let filters = "from=2026-09-01&to=2026-11-30&group=started";
    let one = b.get(&format!("/dashboards/families?{filters}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body.contains("55 plans: 1 to 50 shown, page 1 of 2"), "{}", one.body);
    assert!(one.body.contains("Family 00") && one.body.contains("Family 49") && !one.body.contains("Family 50"));
    let next = format!("/dashboards/families?{filters}&page=2").replace('&', "&#38;");
    assert!(one.body.contains(&format!("href=\"{next}\" rel=\"next\"")), "the next page keeps the filters");
    assert!(one.body.contains("aria-label=\"Pages of plans\""));
    let shown = |from: u64, to: u64| (from..to).map(|i| format!("fam-{i:02}")).collect::<Vec<_>>();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let reads = list_reads(&app, &qa, "dashboard-plans").await;
    assert_eq!(reads.len(), 1);
    assert_eq!(sorted(reads[0].clone()), shown(0, 50), "the first page's event names its 50 families only");
    let two = b.get(&format!("/dashboards/families?{filters}&page=2")).await;
    assert!(two.body.contains("51 to 55 shown, page 2 of 2"), "{}", two.body);
    assert!(two.body.contains("Family 54") && !two.body.contains("Family 49"));
    let reads = list_reads(&app, &qa, "dashboard-plans").await;
    assert_eq!(sorted(reads[1].clone()), shown(50, 55), "the second page's event names its 5 families only");
}
