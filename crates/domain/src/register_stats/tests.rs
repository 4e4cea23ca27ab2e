//! Register statistics from a known set of children, every figure checked, for each nation.

use super::*;
use crate::Gender;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn child(id: &str, born: Option<&str>, gender: Gender) -> ChildFacts {
    ChildFacts {
        child_id: id.into(),
        family_id: format!("fam-{id}"),
        la_child_id: id.to_uppercase(),
        upn: None,
        upn_unknown: None,
        birth_date: born.map(d),
        expected_birth_date: born.is_none().then(|| d("2026-09-01")),
        gender,
        death_date: None,
        ethnicity: String::new(),
        disability: String::new(),
    }
}

fn plan(start: &str, end: Option<&str>, initial: &str, latest: &str) -> PlanFacts {
    PlanFacts {
        child_protection: true,
        start: d(start),
        end: end.map(d),
        initial_category: Some(initial.into()),
        latest_category: Some(latest.into()),
        previous_plans: 0,
    }
}

fn held(kind: ConferenceKind, on: &str, concerns: &[ConcernCategory]) -> HeldConference {
    HeldConference { kind, held_on: d(on), concerns: concerns.to_vec() }
}

fn get(f: &[Figure], measure: &str, breakdown: &str) -> Option<i64> {
    f.iter().find(|x| x.measure == measure && x.breakdown == breakdown).map(|x| x.value)
}

#[test]
fn register_stats_years_follow_each_nation() {
    let s = StatsYear::new(Nation::Scotland, 2026).unwrap();
    assert_eq!((s.start(), s.end()), (d("2025-08-01"), d("2026-07-31")));
    let w = StatsYear::new(Nation::Wales, 2026).unwrap();
    assert_eq!((w.start(), w.end()), (d("2025-04-01"), d("2026-03-31")));
    let n = StatsYear::new(Nation::NorthernIreland, 2026).unwrap();
    assert_eq!((n.start(), n.end()), (d("2025-04-01"), d("2026-03-31")));
    assert!(StatsYear::new(Nation::England, 2026).is_none(), "England's return is the census");
    assert!(StatsYear::new(Nation::Wales, 1999).is_none());
}

#[test]
fn register_stats_wales_every_figure() {
    let year = StatsYear::new(Nation::Wales, 2026).unwrap();
    let a = child("a", Some("2020-06-01"), Gender::Female);
    let b = child("b", Some("2025-10-01"), Gender::Male);
    let u = child("u", None, Gender::Unknown);
    let a_plans = [plan("2025-05-01", None, "NEG", "EMO")];
    // Registered and removed in the year; then registered again, still on at 31 March.
    let b_plans = [plan("2025-11-01", Some("2026-01-10"), "PHY", "PHY"), plan("2026-02-01", None, "SAB", "MUL")];
    // Registered before the year, removed on 31 March itself: not on the register at its end.
    let u_plans = [plan("2025-01-01", Some("2026-03-31"), "NEG", "NEG")];
    let a_conf = [held(ConferenceKind::Initial, "2025-05-01", &[]), held(ConferenceKind::Review, "2025-08-01", &[])];
    let f = figures(
        year,
        [
            RegisterChild { child: &a, conferences: &a_conf, plans: &a_plans },
            RegisterChild { child: &b, conferences: &[], plans: &b_plans },
            RegisterChild { child: &u, conferences: &[], plans: &u_plans },
        ],
    );
    let on = "Children on the child protection register at 31 March 2026";
    let during = "during the year 1 April 2025 to 31 March 2026";
    assert_eq!(get(&f, on, "Total"), Some(2));
    assert_eq!(get(&f, &format!("{on} by sex"), "Female"), Some(1));
    assert_eq!(get(&f, &format!("{on} by sex"), "Male"), Some(1));
    assert_eq!(get(&f, &format!("{on} by age"), "5 to 9"), Some(1));
    assert_eq!(get(&f, &format!("{on} by age"), "Under 1"), Some(1));
    assert_eq!(get(&f, &format!("{on} by category of abuse"), "Emotional abuse"), Some(1));
    assert_eq!(get(&f, &format!("{on} by category of abuse"), "Multiple categories"), Some(1));
    assert_eq!(get(&f, &format!("Children added to the register {during}"), "Total"), Some(3));
    let by_cat = format!("Children added to the register {during} by category of abuse");
    assert_eq!(
        (get(&f, &by_cat, "Neglect"), get(&f, &by_cat, "Physical abuse"), get(&f, &by_cat, "Sexual abuse")),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(get(&f, &format!("Children removed from the register {during}"), "Total"), Some(2));
    assert_eq!(get(&f, &format!("Held {during}"), "Initial child protection conferences"), Some(1));
    assert_eq!(get(&f, &format!("Held {during}"), "Review child protection conferences"), Some(1));
    assert_eq!(f.len(), 14, "{f:#?}");
    assert!(f.iter().all(|x| !x.measure.contains("time on the register")), "Northern Ireland's breakdown only");
}

#[test]
fn register_stats_scotland_counts_several_concerns_per_child_at_31_july() {
    let year = StatsYear::new(Nation::Scotland, 2026).unwrap();
    let a = child("a", Some("2012-08-01"), Gender::Female);
    let u = child("u", None, Gender::Unknown);
    let a_plans = [plan("2025-09-01", None, "NEG", "NEG")];
    let u_plans = [plan("2026-07-20", None, "NEG", "NEG")];
    use ConcernCategory::*;
    let a_conf = [held(ConferenceKind::Initial, "2025-09-01", &[DomesticAbuse, ParentalSubstanceUse, Neglect])];
    let u_conf = [held(ConferenceKind::PreBirth, "2026-07-20", &[DomesticAbuse])];
    let f = figures(
        year,
        [
            RegisterChild { child: &a, conferences: &a_conf, plans: &a_plans },
            RegisterChild { child: &u, conferences: &u_conf, plans: &u_plans },
        ],
    );
    let on = "Children on the Child Protection Register at 31 July 2026";
    let during = "during the year 1 August 2025 to 31 July 2026";
    assert_eq!(get(&f, on, "Total"), Some(2));
    assert_eq!(get(&f, &format!("{on} by sex"), "Unborn"), Some(1));
    assert_eq!(get(&f, &format!("{on} by age"), "11 to 15"), Some(1), "13 on 31 July 2026");
    assert_eq!(get(&f, &format!("Registrations {during}"), "Total"), Some(2));
    assert_eq!(get(&f, &format!("De-registrations {during}"), "Total"), Some(0));
    let concerns = format!("Concerns identified at the CPPMs of children registered {during}");
    assert_eq!(get(&f, &concerns, "Domestic abuse"), Some(2));
    assert_eq!(get(&f, &concerns, "Parental drug or alcohol use"), Some(1));
    assert_eq!(get(&f, &concerns, "Neglect"), Some(1));
    assert_eq!(get(&f, &format!("Held {during}"), "Pre-birth child protection planning meetings (CPPMs)"), Some(1));
    assert!(f.iter().all(|x| !x.measure.contains("category of abuse")), "Scotland counts concerns");
}

#[test]
fn register_stats_northern_ireland_by_trust_age_category_and_time_on_register() {
    let year = StatsYear::new(Nation::NorthernIreland, 2026).unwrap();
    let a = child("a", Some("2014-04-01"), Gender::Male);
    let a_plans = [plan("2024-02-01", None, "PHY", "NEG")];
    let a_conf = [held(ConferenceKind::Review, "2025-06-01", &[])];
    let f = figures(year, [RegisterChild { child: &a, conferences: &a_conf, plans: &a_plans }]);
    let on = "Children on the child protection register at 31 March 2026";
    assert_eq!(get(&f, &format!("{on} by age"), "5 to 11"), Some(1), "11 on 31 March 2026");
    assert_eq!(get(&f, &format!("{on} by category of abuse"), "Neglect"), Some(1), "the latest category");
    assert_eq!(get(&f, &format!("{on} by time on the register"), "2 years to under 3 years"), Some(1));
    let during = "during the year 1 April 2025 to 31 March 2026";
    assert_eq!(get(&f, &format!("Registrations {during}"), "Total"), Some(0));
    assert_eq!(get(&f, &format!("Held {during}"), "Review child protection case conferences"), Some(1));
    assert_eq!(words(Nation::NorthernIreland).body, "HSC Trust");
    assert_eq!(time_on_register(d("2026-01-01"), d("2026-03-31")), "Under 6 months");
    assert_eq!(time_on_register(d("2025-03-31"), d("2026-03-31")), "1 year to under 2 years");
    assert_eq!(time_on_register(d("2022-01-01"), d("2026-03-31")), "3 years and over");
}
