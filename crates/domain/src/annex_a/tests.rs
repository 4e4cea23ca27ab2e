//! Annex A derivations from a known set of cases: every column of each list checked.

use super::*;
use crate::census::{Assessment, RecordedEnquiry};
use crate::Gender;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn child(id: &str) -> ChildFacts {
    ChildFacts {
        child_id: id.to_lowercase(),
        family_id: "fam".into(),
        la_child_id: id.into(),
        upn: None,
        upn_unknown: None,
        birth_date: Some(d("2016-05-10")),
        expected_birth_date: None,
        gender: Gender::Female,
        death_date: None,
        ethnicity: "White British".into(),
        disability: "Hearing".into(),
    }
}

fn conf(kind: ConferenceKind, held: Option<&str>, strategy: Option<&str>) -> ConferenceFacts {
    ConferenceFacts {
        kind,
        held_on: held.map(d),
        due_by: d("2026-01-01"),
        strategy_discussion_on: strategy.map(d),
        section47: strategy.is_some(),
    }
}

fn plan(start: &str, end: Option<&str>, cp: bool) -> KeyedPlan {
    KeyedPlan {
        plan: PlanFacts {
            child_protection: cp,
            start: d(start),
            end: end.map(d),
            initial_category: cp.then(|| "NEG".to_owned()),
            latest_category: cp.then(|| "EMO".to_owned()),
            previous_plans: 1,
        },
        key_worker: Allocation { team: "East".into(), worker: "Kim Key".into() },
    }
}

fn episode(referral: &str, closure: Option<&str>) -> RecordedEpisode {
    RecordedEpisode {
        referral_date: d(referral),
        referral_source: "6".into(),
        primary_need: Some("N1".into()),
        nfa: false,
        closure_date: closure.map(d),
        closure_reason: closure.map(|_| "RC7".to_owned()),
        assessments: vec![Assessment { start: d(referral), authorised: None, factors: vec![] }],
        enquiries: vec![],
    }
}

fn period() -> Period {
    Period { from: d("2026-06-01"), to: d("2026-11-30") }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn common_amy() -> Vec<Cell> {
    vec![t("LA01"), t("b) Female"), t("a) WBRI"), Cell::Date(d("2016-05-10")), Cell::Number(10), t("a) Yes")]
}

#[test]
fn annex_a_list5_one_row_per_enquiry_started_in_the_period_with_every_column() {
    let c = child("LA01");
    let eps = vec![RecordedEpisode {
        enquiries: vec![
            // An enquiry a year earlier that needed no conference (counted, not listed).
            RecordedEnquiry { start: d("2025-12-01"), icpc_not_required: true },
            // One in the period that ended with no conference needed.
            RecordedEnquiry { start: d("2026-07-01"), icpc_not_required: true },
            // One still running, no decision yet.
            RecordedEnquiry { start: d("2026-11-20"), icpc_not_required: false },
        ],
        ..episode("2025-11-01", None)
    }];
    let confs = vec![
        // An initial conference held before the period (counted as an ICPC in 12 months).
        conf(ConferenceKind::Initial, Some("2025-12-20"), Some("2025-12-01")),
        // In the period: a section 47 enquiry that went to conference and made a plan.
        conf(ConferenceKind::Initial, Some("2026-08-20"), Some("2026-08-01")),
        // Not a section 47 (no strategy discussion recorded): not in List 5.
        conf(ConferenceKind::TransferIn, Some("2026-09-01"), None),
    ];
    let plans = vec![plan("2026-08-20", None, true)];
    let alloc = Allocation { team: "West".into(), worker: "Sam Worker".into() };
    let l = lists(
        [ChildInput { child: &c, episodes: &eps, conferences: &confs, plans: &plans, allocated: &alloc }],
        period(),
    );
    assert_eq!(l.list5.len(), 3, "{:#?}", l.list5);
    let row = |start: &str, rest: Vec<Cell>| {
        let mut r = common_amy();
        r.push(Cell::Date(d(start)));
        r.extend(rest);
        r.push(t("West"));
        r.push(t("Sam Worker"));
        r
    };
    // 2026-07-01: no conference needed; in the 12 months before: the 2025-12-01 enquiries
    // (recorded and the conference's) and the ICPC of 2025-12-20.
    assert_eq!(
        l.list5[0],
        row("2026-07-01", vec![t("a) Yes"), Cell::Blank, Cell::Blank, Cell::Number(2), Cell::Number(1)])
    );
    assert_eq!(
        l.list5[1],
        row("2026-08-01", vec![t("b) No"), Cell::Date(d("2026-08-20")), t("a) Yes"), Cell::Number(3), Cell::Number(1)])
    );
    assert_eq!(
        l.list5[2],
        row("2026-11-20", vec![Cell::Blank, Cell::Blank, Cell::Blank, Cell::Number(4), Cell::Number(2)])
    );
    assert_eq!(ListNo::List5.headings().len(), l.list5[0].len());
}

#[test]
fn annex_a_list5_icpc_without_a_plan_answers_no() {
    let c = child("LA01");
    let confs = vec![conf(ConferenceKind::Initial, Some("2026-08-20"), Some("2026-08-01"))];
    let alloc = Allocation::default();
    let l =
        lists([ChildInput { child: &c, episodes: &[], conferences: &confs, plans: &[], allocated: &alloc }], period());
    assert_eq!(l.list5[0][9], t("b) No"));
    // A conference after the period's end is not given as held.
    let later = Period { from: d("2026-06-01"), to: d("2026-08-10") };
    let l = lists([ChildInput { child: &c, episodes: &[], conferences: &confs, plans: &[], allocated: &alloc }], later);
    assert_eq!((&l.list5[0][8], &l.list5[0][9]), (&Cell::Blank, &Cell::Blank));
}

#[test]
fn annex_a_list6_episodes_open_in_the_period_with_their_status_at_its_end() {
    let c = child("LA01");
    let mut nfa = episode("2026-07-01", Some("2026-07-02"));
    nfa.nfa = true;
    let eps = vec![
        episode("2025-01-01", Some("2025-05-01")), // closed before the period: left out
        episode("2025-06-01", Some("2026-06-15")), // closed in the period
        nfa,                                       // NFA referral: left out
        episode("2026-09-01", None),               // open, on a plan at the end
    ];
    let plans = vec![plan("2026-10-01", None, true), plan("2026-01-01", Some("2026-06-15"), false)];
    let alloc = Allocation { team: "West".into(), worker: "Sam Worker".into() };
    let l =
        lists([ChildInput { child: &c, episodes: &eps, conferences: &[], plans: &plans, allocated: &alloc }], period());
    assert_eq!(l.list6.len(), 2, "{:#?}", l.list6);
    let mut first = common_amy();
    first.extend([
        t("Child in need plan"),
        Cell::Date(d("2025-06-01")),
        t("N1"),
        Cell::Blank,
        Cell::Date(d("2026-06-15")),
        t("RC7"),
        t("West"),
        t("Sam Worker"),
    ]);
    assert_eq!(l.list6[0], first);
    let mut second = common_amy();
    second.extend([
        t("Child protection plan"),
        Cell::Date(d("2026-09-01")),
        t("N1"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        t("West"),
        t("Sam Worker"),
    ]);
    assert_eq!(l.list6[1], second);
    // With no plan the status falls back to the assessment, then the episode.
    let l = lists(
        [ChildInput { child: &c, episodes: &eps[3..], conferences: &[], plans: &[], allocated: &alloc }],
        period(),
    );
    assert_eq!(l.list6[0][6], t("Open assessment"));
    let mut done = eps[3].clone();
    done.assessments[0].authorised = Some(d("2026-09-10"));
    let l = lists(
        [ChildInput {
            child: &c,
            episodes: std::slice::from_ref(&done),
            conferences: &[],
            plans: &[],
            allocated: &alloc,
        }],
        period(),
    );
    assert_eq!(l.list6[0][6], t("Open episode"));
    let closed = episode("2026-07-01", Some("2026-08-01"));
    let l = lists(
        [ChildInput {
            child: &c,
            episodes: std::slice::from_ref(&closed),
            conferences: &[],
            plans: &[],
            allocated: &alloc,
        }],
        period(),
    );
    assert_eq!(l.list6[0][6], t("Closed episode"));
}

#[test]
fn annex_a_list7_plans_open_in_the_period_with_latest_review_and_end() {
    let c = child("LA01");
    let confs = vec![
        conf(ConferenceKind::Review, Some("2026-04-10"), None),
        conf(ConferenceKind::Review, Some("2026-07-10"), None),
        conf(ConferenceKind::Review, Some("2026-12-10"), None), // after the period
    ];
    let plans = vec![
        plan("2025-01-01", Some("2025-12-01"), true), // ended before the period: left out
        plan("2026-01-15", Some("2026-09-30"), true),
        plan("2026-10-20", None, true),
        plan("2026-10-20", None, false), // a child in need plan: not in List 7
    ];
    let alloc = Allocation::default();
    let l = lists(
        [ChildInput { child: &c, episodes: &[], conferences: &confs, plans: &plans, allocated: &alloc }],
        period(),
    );
    assert_eq!(l.list7.len(), 2, "{:#?}", l.list7);
    let row = |start: &str, review: Option<&str>, end: Option<&str>| {
        let mut r = common_amy();
        r.extend([
            Cell::Date(d(start)),
            t("a) Neglect"),
            t("d) Emotional abuse"),
            Cell::Blank,
            Cell::Blank,
            Cell::date(review.map(d)),
            Cell::date(end.map(d)),
            Cell::Blank,
            Cell::Number(1),
            t("East"),
            t("Kim Key"),
        ]);
        r
    };
    assert_eq!(l.list7[0], row("2026-01-15", Some("2026-07-10"), Some("2026-09-30")));
    assert_eq!(l.list7[1], row("2026-10-20", None, None));
    assert_eq!(ListNo::List7.headings().len(), l.list7[0].len());
    assert_eq!(ListNo::List6.headings().len(), 14);
}

#[test]
fn annex_a_common_columns_gender_ethnicity_age_disability() {
    let mut c = child("LA02");
    c.gender = Gender::Male;
    c.ethnicity = "CHNE".into();
    c.disability = "None".into();
    let p = period();
    assert_eq!(
        common(&c, p),
        vec![t("LA02"), t("a) Male"), t("q) CHNE"), Cell::Date(d("2016-05-10")), Cell::Number(10), t("b) No")]
    );
    c.ethnicity = "Something else".into();
    c.disability = String::new();
    c.gender = Gender::Other;
    assert_eq!((ethnicity(&c), disability(&c), gender(&c)), ("t) NOBT".to_owned(), "c) Unknown", "d) Neither"));
    // The day before the birthday: still 9; unborn: the expected date and no age.
    assert_eq!(age(Some(d("2016-12-01")), d("2026-11-30")), Cell::Number(9));
    c.birth_date = None;
    c.expected_birth_date = Some(d("2027-01-05"));
    let row = common(&c, p);
    assert_eq!((&row[1], &row[3], &row[4]), (&t("c) Not stated/recorded"), &Cell::Date(d("2027-01-05")), &Cell::Blank));
    assert_eq!(category(Some("MUL")), t("e) Multiple/not recommended"));
    assert_eq!(category(Some("SAB")), t("c) Sexual abuse"));
    assert_eq!(Cell::Date(d("2026-02-03")).display(), "03/02/2026");
}

#[test]
fn annex_a_period_is_checked_with_what_to_fix() {
    assert_eq!(Period::parse("2026-06-01", "30/11/2026").unwrap(), period());
    let e = Period::parse("2026-02-30", "").unwrap_err();
    assert!(e.get("from").unwrap().contains("real date"), "{e:?}");
    assert!(e.get("to").unwrap().contains("Enter the last day"), "{e:?}");
    let e = Period::parse("2026-06-01", "2026-05-01").unwrap_err();
    assert!(e.get("to").unwrap().contains("after the first day"));
    let e = Period::parse("2020-01-01", "2026-05-01").unwrap_err();
    assert!(e.get("to").unwrap().contains("three years"));
    assert_eq!(Period::six_months_to(d("2026-11-30")), Period { from: d("2026-05-31"), to: d("2026-11-30") });
}
