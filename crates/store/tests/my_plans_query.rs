//! Issue 12: "my plans" (`plans::of_user`, `plan_people::docs_of_user`) finds a person's plans
//! from the person: the key worker index and the core group's user index, then each plan by its
//! key. Written with `OR` in one WHERE, SQLite walked every active plan of the authority
//! (`plan_network_due`), 90–130 ms at 50,000 families even for a chair with no plan.
//! Runs on SQLite or PostgreSQL (CONFER_TEST_DATABASE).

use confer_store::plans::PLANS_OF_USER;
use confer_store::{testing, Backend, Db};

async fn plan_of(db: &Db) -> Vec<String> {
    let search = format!("SELECT p.id FROM {PLANS_OF_USER}");
    testing::query_plan(db, &search, &["authority", "user"], true).await
}

#[tokio::test]
async fn my_plans_are_found_from_the_person_not_by_walking_the_authoritys_plans() {
    let db = testing::fresh_db().await;
    let plan = plan_of(&db).await;
    let text = plan.join("\n");
    assert!(text.contains("plan_key_worker"), "the key worker's plans come from their index:\n{text}");
    assert!(text.contains("core_group_member_user"), "the core groups come from the member's index:\n{text}");
    assert!(!text.contains("plan_network_due"), "the authority's active plans are not walked:\n{text}");
    if db.backend == Backend::Sqlite {
        assert!(
            plan.iter().any(|l| l.contains("SEARCH p USING INDEX sqlite_autoindex_plan_1 (id=?)")),
            "each plan is read by its key:\n{text}"
        );
        assert!(!plan.iter().any(|l| l.starts_with("SCAN p")), "no scan of the plans:\n{text}");
    }
}

/// Issue 12: plans looked up by their case (the meeting arranged beside each deadline on
/// `/deadlines`, and the dashboards' category filter, asked once per deadline) go through
/// `plan_case` (migration 0048). Without it each lookup read every plan: 280–315 ms a
/// `/deadlines` request at 50,000 families, and the filtered dashboard ran past 30 s (503).
#[tokio::test]
async fn plans_are_found_by_their_case_through_an_index() {
    let db = testing::fresh_db().await;
    let search = "SELECT 1 FROM plan p WHERE p.case_id = $1 AND p.kind = 'child-protection' AND p.category = $2";
    let text = testing::query_plan(&db, search, &["case", "neglect"], true).await.join("\n");
    assert!(text.contains("plan_case"), "plans by case use the index:\n{text}");
    assert!(!text.contains("SCAN p\n") && !text.ends_with("SCAN p"), "no scan of the plans:\n{text}");
}
