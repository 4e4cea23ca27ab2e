//! Issue 12: the plans and conferences behind a dashboard figure are counted and paged in SQL
//! (they stopped at 500). The plans' lengths were only reckoned by the domain
//! (`length_band`); the SQL now says the same, including at the ends of months and in leap
//! years, so a page and the total agree with the figure. Runs on SQLite or PostgreSQL
//! (CONFER_TEST_DATABASE).

use chrono::NaiveDate;
use confer_domain::dashboards::{length_band, Filter, LengthBand, PlanGroup};
use confer_store::dashboards::{plans_behind, plans_behind_count};
use confer_store::testing::{self, World};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_plans_behind_a_length_are_those_the_domain_puts_in_it() {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    w.family("fam").child("kid", "Kit", "2015-01-01").mother("mum", "Mia").create().await;
    // Month ends, a leap day, the day before and the day of each boundary.
    let starts = ["2023-01-31", "2023-11-30", "2024-02-29", "2023-08-31", "2023-03-15", "2022-02-28", "2023-05-31"];
    let mut plans = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let s = day(s);
        for months in [2u32, 3, 6, 12, 24] {
            let at = s.checked_add_months(chrono::Months::new(months)).unwrap();
            for e in [at.pred_opt().unwrap(), at, at.succ_opt().unwrap()] {
                plans.push((format!("p{i}-{months}-{e}"), s, e));
            }
        }
        // And the last days of the months around the boundaries.
        for e in ["2023-04-30", "2024-02-28", "2024-02-29", "2024-05-31", "2025-02-28", "2024-11-30", "2023-12-31"] {
            let e = day(e);
            if e > s {
                plans.push((format!("p{i}-last-{e}"), s, e));
            }
        }
    }
    let now = db.now();
    for (id, s, e) in &plans {
        sqlx::query(
            "INSERT INTO plan (id, authority_id, family_id, case_id, child_id, kind, category, key_worker_id, \
             started_on, started_by, ended_on, doc, version, created_at, updated_at) \
             VALUES ($1, $2, 'fam', 'case-fam', 'kid', 'child-protection', 'neglect', 'sw', $3, $4, $5, '{}', 1, $6, $6)",
        )
        .bind(id)
        .bind(w.authority.id.as_str())
        .bind(s.to_string())
        .bind(format!("conf-{id}"))
        .bind(e.to_string())
        .bind(&now)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let filter = Filter {
        from: day("2020-01-01"),
        to: day("2027-12-31"),
        team: None,
        chair: None,
        category: None,
        age: None,
        sex: None,
        ethnicity: None,
        disability: None,
    };
    let a = &w.authority.id;
    for band in LengthBand::ALL {
        let expected = plans.iter().filter(|(_, s, e)| length_band(*s, *e) == *band).count() as u64;
        let counted = plans_behind_count(&db, a, &filter, PlanGroup::Ended, None, Some(*band)).await.unwrap();
        assert_eq!(counted, expected, "{band:?}");
        // The page lists the same plans.
        let listed = plans_behind(&db, a, &filter, PlanGroup::Ended, None, Some(*band), 10_000, 0).await.unwrap();
        assert_eq!(listed.len() as u64, expected, "{band:?}");
        assert!(listed.iter().all(|p| length_band(p.started, p.ended.unwrap()) == *band), "{band:?}");
    }
    let under = plans.iter().filter(|(_, s, e)| length_band(*s, *e) == LengthBand::UnderThreeMonths).count() as u64;
    let within = plans_behind_count(&db, a, &filter, PlanGroup::EndedWithinThreeMonths, None, None).await.unwrap();
    assert_eq!(within, under);
    let long = plans.iter().filter(|(_, s, e)| length_band(*s, *e) == LengthBand::TwoYearsOrMore).count() as u64;
    assert_eq!(plans_behind_count(&db, a, &filter, PlanGroup::LastedTwoYears, None, None).await.unwrap(), long);
    // Paged: 50 at a time from the earliest started, every plan once.
    let all = plans_behind_count(&db, a, &filter, PlanGroup::Ended, None, None).await.unwrap();
    assert_eq!(all, plans.len() as u64);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = plans_behind(&db, a, &filter, PlanGroup::Ended, None, None, 50, offset).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 50);
        seen.extend(page.into_iter().map(|p| (p.started, p.ended)));
        offset += 50;
    }
    assert_eq!(seen.len(), plans.len());
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "earliest started first");
}
