//! Each DfE rule with a failing and a passing case (the passing case is [`good`], which
//! breaks no rule at all; each test breaks exactly the rule it is named after).

use super::*;
use crate::calendar::{Calendar, Region};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cal() -> Calendar {
    Calendar::new(Region::EnglandAndWales)
}

/// A return for the year ending 31 March 2026 that passes every rule: a child referred,
/// assessed, an enquiry, an ICPC, a plan with a review that ends with a step-down to a child
/// in need plan; and a second child whose referral ended in no further action.
fn good() -> CensusReturn {
    CensusReturn {
        header: Header { year: 2026, reference_date: d("2026-03-31"), lea: "999".into() },
        children: vec![
            CensusChild {
                child_id: "c1".into(),
                family_id: "f1".into(),
                la_child_id: "LA0001".into(),
                upn: Some("A123456789012".into()),
                upn_unknown: None,
                birth_date: Some(d("2015-06-01")),
                expected_birth_date: None,
                sex: "F".into(),
                death_date: None,
                ethnicity: "WBRI".into(),
                disabilities: vec!["NONE".into()],
                episodes: vec![Episode {
                    referral_date: d("2025-05-01"),
                    referral_source: "2A".into(),
                    primary_need: Some("N1".into()),
                    closure_date: None,
                    closure_reason: None,
                    nfa: false,
                    icpc: None,
                    assessments: vec![Assessment {
                        start: d("2025-05-02"),
                        authorised: Some(d("2025-05-20")),
                        factors: vec!["2B".into()],
                    }],
                    cin_plans: vec![CinPlanDates { start: d("2025-11-20"), end: None }],
                    section47s: vec![Section47 {
                        start: Some(d("2025-05-06")),
                        icpc_target: Some(d("2025-05-27")),
                        icpc: Some(d("2025-05-22")),
                        icpc_not_required: false,
                    }],
                    cp_plans: vec![CpPlan {
                        start: Some(d("2025-05-22")),
                        end: Some(d("2025-11-20")),
                        initial_category: Some("NEG".into()),
                        latest_category: Some("NEG".into()),
                        previous_plans: Some(0),
                        reviews: Some(vec![d("2025-08-21")]),
                    }],
                }],
            },
            CensusChild {
                child_id: "c2".into(),
                family_id: "f2".into(),
                la_child_id: "LA0002".into(),
                upn: None,
                upn_unknown: Some("UN7".into()),
                birth_date: None,
                expected_birth_date: Some(d("2026-05-01")),
                sex: "U".into(),
                death_date: None,
                ethnicity: "NOBT".into(),
                disabilities: vec!["NONE".into()],
                episodes: vec![Episode {
                    referral_date: d("2025-06-02"),
                    referral_source: "3B".into(),
                    primary_need: None,
                    closure_date: Some(d("2025-06-03")),
                    closure_reason: Some("RC8".into()),
                    nfa: true,
                    icpc: None,
                    assessments: vec![],
                    cin_plans: vec![],
                    section47s: vec![],
                    cp_plans: vec![],
                }],
            },
        ],
    }
}

fn rules_of(r: &CensusReturn) -> Vec<&'static str> {
    validate(r, &cal()).into_iter().map(|f| f.rule).collect()
}

/// The good return passes; the changed one fails `rule` (and the finding names the child,
/// the field and a link to the page where it is fixed).
fn fails(rule: &str, change: impl FnOnce(&mut CensusReturn)) {
    let base = good();
    assert_eq!(validate(&base, &cal()), vec![], "the good return passes every rule");
    let mut r = base;
    change(&mut r);
    let found = validate(&r, &cal());
    let f = found.iter().find(|f| f.rule == rule).unwrap_or_else(|| panic!("{rule} not found in {found:#?}"));
    assert!(!f.field.is_empty() && !f.message.is_empty());
    if !f.child_id.is_empty() {
        assert!(f.link().starts_with(&format!("/families/{}/children/{}/census", f.family_id, f.child_id)));
        assert!(!f.la_child_id.is_empty() || rule == "1580");
    }
    assert_eq!(f.severity == Severity::Query, rule.ends_with('Q'));
}

fn ep(r: &mut CensusReturn) -> &mut Episode {
    &mut r.children[0].episodes[0]
}
fn s47(r: &mut CensusReturn) -> &mut Section47 {
    &mut ep(r).section47s[0]
}
fn plan(r: &mut CensusReturn) -> &mut CpPlan {
    &mut ep(r).cp_plans[0]
}
fn nfa(r: &mut CensusReturn) -> &mut Episode {
    &mut r.children[1].episodes[0]
}

#[test]
fn rule_8615_s47_with_icpc_needs_start_on_or_before_it() {
    fails("8615", |r| s47(r).start = Some(d("2025-05-23")));
    fails("8615", |r| s47(r).start = None);
}

#[test]
fn rule_2889_s47_start_not_before_referral() {
    fails("2889", |r| s47(r).start = Some(d("2025-04-30")));
}

#[test]
fn rule_1104_icpc_not_before_referral() {
    fails("1104", |r| ep(r).referral_date = d("2025-05-23"));
}

#[test]
fn rule_8715_s47_icpc_in_census_year() {
    fails("8715", |r| {
        ep(r).referral_date = d("2025-03-01");
        s47(r).start = Some(d("2025-03-03"));
        s47(r).icpc = Some(d("2025-03-20"));
    });
}

#[test]
fn rule_8740_open_s47_started_in_year() {
    fails("8740", |r| {
        ep(r).referral_date = d("2025-03-01");
        ep(r).section47s.push(Section47 {
            start: Some(d("2025-03-03")),
            icpc_target: Some(d("2025-03-24")),
            icpc: None,
            icpc_not_required: false,
        });
    });
}

#[test]
fn rule_8675q_open_s47_more_than_15_working_days_before_31_march() {
    let open = |start: &str| {
        let mut r = good();
        r.children[0].episodes[0].section47s.push(Section47 {
            start: Some(d(start)),
            icpc_target: None,
            icpc: None,
            icpc_not_required: false,
        });
        rules_of(&r).contains(&"8675Q")
    };
    // 2026-03-10 is exactly 15 working days before 31 March (no bank holiday between): fine.
    assert!(!open("2026-03-10"));
    assert!(open("2026-03-09"));
    // Good Friday 2026 is 3 April, after the date: a closure day of the authority counts.
    let closed = Calendar::builder(Region::EnglandAndWales).closures([d("2026-03-20")]).build();
    let mut r = good();
    r.children[0].episodes[0].section47s.push(Section47 {
        start: Some(d("2026-03-09")),
        icpc_target: None,
        icpc: None,
        icpc_not_required: false,
    });
    assert!(!validate(&r, &closed).iter().any(|f| f.rule == "8675Q"), "the authority's calendar is used");
    fails("8675Q", |r| {
        ep(r).section47s.push(Section47 {
            start: Some(d("2026-01-05")),
            icpc_target: None,
            icpc: None,
            icpc_not_required: false,
        })
    });
}

#[test]
fn rule_8875_icpc_not_at_weekend() {
    fails("8875", |r| {
        s47(r).icpc = Some(d("2025-05-24"));
        plan(r).start = Some(d("2025-05-24"));
    });
    fails("8875", |r| {
        ep(r).section47s.clear();
        ep(r).icpc = Some(d("2025-05-25"));
        plan(r).start = Some(d("2025-05-25"));
    });
}

#[test]
fn rule_8870q_target_not_at_weekend() {
    fails("8870Q", |r| s47(r).icpc_target = Some(d("2025-05-31")));
}

#[test]
fn rule_8839_one_open_s47_per_episode() {
    fails("8839", |r| {
        for start in ["2026-03-23", "2026-03-24"] {
            ep(r).section47s.push(Section47 {
                start: Some(d(start)),
                icpc_target: None,
                icpc: None,
                icpc_not_required: false,
            });
        }
    });
}

#[test]
fn rule_8890_s47_not_started_while_another_runs() {
    fails("8890", |r| {
        ep(r).section47s.push(Section47 {
            start: Some(d("2025-05-10")),
            icpc_target: None,
            icpc: None,
            icpc_not_required: true,
        });
    });
    // One starting the day after the other's conference is fine.
    let mut r = good();
    r.children[0].episodes[0].section47s.push(Section47 {
        start: Some(d("2025-05-23")),
        icpc_target: None,
        icpc: None,
        icpc_not_required: true,
    });
    assert!(!rules_of(&r).contains(&"8890"));
}

#[test]
fn rule_8868_closed_episode_s47_has_icpc_or_not_required_not_both() {
    let close = |r: &mut CensusReturn| {
        ep(r).closure_date = Some(d("2026-03-02"));
        ep(r).closure_reason = Some("RC7".into());
        ep(r).cin_plans[0].end = Some(d("2026-03-02"));
    };
    fails("8868", |r| {
        close(r);
        s47(r).icpc_not_required = true;
    });
    fails("8868", |r| {
        close(r);
        ep(r).section47s.push(Section47 {
            start: Some(d("2025-12-01")),
            icpc_target: None,
            icpc: None,
            icpc_not_required: false,
        });
    });
    let mut r = good();
    close(&mut r);
    assert!(validate(&r, &cal()).is_empty(), "a closed episode whose enquiry has its conference passes");
}

#[test]
fn rule_2884_same_icpc_not_at_both_levels() {
    fails("2884", |r| ep(r).icpc = Some(d("2025-05-22")));
}

#[test]
fn rule_2991q_s47_with_no_assessment() {
    fails("2991Q", |r| ep(r).assessments.clear());
}

#[test]
fn rule_2885_plan_starts_on_an_icpc_of_the_episode() {
    fails("2885", |r| plan(r).start = Some(d("2025-05-23")));
}

#[test]
fn rule_2883_plans_started_not_more_than_icpcs_held() {
    fails("2883", |r| {
        ep(r).cp_plans.push(CpPlan {
            start: Some(d("2025-05-22")),
            end: None,
            initial_category: Some("PHY".into()),
            latest_category: Some("PHY".into()),
            previous_plans: Some(1),
            reviews: None,
        })
    });
}

#[test]
fn rule_1105_plan_not_before_referral() {
    fails("1105", |r| {
        plan(r).start = Some(d("2025-04-22"));
        s47(r).icpc = Some(d("2025-04-22"));
        s47(r).start = Some(d("2025-04-10"));
    });
}

#[test]
fn rule_8720_plan_start_present_and_not_after_reference_date() {
    fails("8720", |r| plan(r).start = None);
}

#[test]
fn rule_8930_plan_end_in_census_year() {
    fails("8930", |r| plan(r).end = Some(d("2026-04-02")));
}

#[test]
fn rule_8925_plan_end_not_before_start() {
    fails("8925", |r| plan(r).end = Some(d("2025-05-21")));
}

#[test]
fn rule_8840_plan_start_and_end_not_same_day() {
    fails("8840", |r| plan(r).end = Some(d("2025-05-22")));
}

#[test]
fn rule_8935_one_open_plan() {
    fails("8935", |r| {
        plan(r).end = None;
        ep(r).cin_plans.clear();
        let again = ep(r).cp_plans[0].clone();
        ep(r).cp_plans.push(again);
    });
}

#[test]
fn rule_8940_plans_do_not_overlap() {
    fails("8940", |r| {
        let mut second = ep(r).cp_plans[0].clone();
        second.start = Some(d("2025-06-02"));
        second.end = Some(d("2025-07-01"));
        second.reviews = None;
        ep(r).cp_plans.push(second);
    });
}

#[test]
fn rule_8905_8910_categories_present_and_valid() {
    fails("8905", |r| plan(r).initial_category = None);
    fails("8905", |r| plan(r).initial_category = Some("neglect".into()));
    fails("8910", |r| plan(r).latest_category = Some("XYZ".into()));
}

#[test]
fn rule_8730_previous_plans_present_and_not_negative() {
    fails("8730", |r| plan(r).previous_plans = None);
    fails("8730", |r| plan(r).previous_plans = Some(-1));
}

#[test]
fn rule_8915_8920_plan_not_after_death() {
    fails("8915", |r| r.children[0].death_date = Some(d("2025-05-21")));
    fails("8920", |r| r.children[0].death_date = Some(d("2025-11-19")));
}

#[test]
fn rule_8832_nfa_episode_has_no_plan() {
    fails("8832", |r| {
        let p = ep(r).cp_plans[0].clone();
        nfa(r).cp_plans.push(CpPlan { start: Some(d("2025-06-02")), end: None, reviews: None, ..p });
    });
}

#[test]
fn rule_8831_nfa_episode_has_no_assessment_s47_or_icpc() {
    fails("8831", |r| {
        nfa(r).assessments.push(Assessment { start: d("2025-06-02"), authorised: None, factors: vec![] })
    });
    fails("8831", |r| nfa(r).icpc = Some(d("2025-06-03")));
}

#[test]
fn rule_2990_rc8_rc9_episode_has_no_s47_plan_icpc_or_cin_plan() {
    fails("2990", |r| {
        nfa(r).nfa = false;
        nfa(r).cin_plans.push(CinPlanDates { start: d("2025-06-02"), end: Some(d("2025-06-03")) });
    });
}

#[test]
fn rule_8565_closure_after_every_activity() {
    fails("8565", |r| {
        ep(r).closure_date = Some(d("2025-11-01"));
        ep(r).closure_reason = Some("RC7".into());
        ep(r).cin_plans.clear();
    });
}

#[test]
fn rule_4001_4016_4017_cin_and_cp_plans_not_at_the_same_time() {
    fails("4001", |r| ep(r).cin_plans[0].start = d("2025-11-19"));
    fails("4016", |r| ep(r).cin_plans.insert(0, CinPlanDates { start: d("2025-05-02"), end: Some(d("2025-05-23")) }));
    fails("4017", |r| {
        plan(r).end = None;
        ep(r).cin_plans[0].start = d("2025-12-01");
    });
}

#[test]
fn rule_8841_review_after_plan_start() {
    fails("8841", |r| plan(r).reviews = Some(vec![d("2025-05-22")]));
}

#[test]
fn rule_8842q_reviews_group_has_a_date() {
    fails("8842Q", |r| plan(r).reviews = Some(vec![]));
}

#[test]
fn rule_4003_review_not_inside_open_cin_plan() {
    fails("4003", |r| ep(r).cin_plans.insert(0, CinPlanDates { start: d("2025-08-20"), end: Some(d("2025-08-21")) }));
    // A review on the plan's end day may fall in the child in need plan that starts then.
    let mut r = good();
    r.children[0].episodes[0].cp_plans[0].reviews = Some(vec![d("2025-08-21"), d("2025-11-20")]);
    assert!(!rules_of(&r).contains(&"4003"));
}

#[test]
fn rule_100_reference_date_is_31_march_of_year() {
    fails("100", |r| r.header.reference_date = d("2026-04-01"));
}

#[test]
fn rule_8510_1570_1580_la_child_id_unique_and_short() {
    fails("8510", |r| r.children[1].la_child_id = "LA0001".into());
    fails("1580", |r| r.children[1].la_child_id = "LA 0002".into());
    fails("1580", |r| r.children[1].la_child_id = "A".repeat(21));
}

#[test]
fn rule_4180_8750_sex_m_f_or_u_and_u_if_unborn() {
    fails("4180", |r| r.children[0].sex = "X".into());
    fails("8750", |r| r.children[1].sex = "F".into());
}

#[test]
fn rule_8525q_birth_date_or_expected_not_both() {
    fails("8525Q", |r| r.children[0].expected_birth_date = Some(d("2015-06-01")));
}

#[test]
fn rule_8590_each_child_has_cindetails() {
    fails("8590", |r| r.children[1].episodes.clear());
}

#[test]
fn upn_form() {
    assert!(is_upn("A123456789012"));
    assert!(is_upn("A12345678901B"));
    assert!(!is_upn("a123456789012"));
    assert!(!is_upn("A1234567890"));
    assert!(!is_upn("A1234567890B2"));
}

/// Assembly: conferences and plans go into the episode open on their date; a plan's reviews
/// are the review conferences held while it was open; episodes closed before the year are
/// left out; a child with nothing in the year is not in scope.
#[test]
fn assemble_derives_enquiries_icpcs_plans_and_reviews() {
    use crate::conference::ConferenceKind;
    let year = CensusYear::new(2026).unwrap();
    let child = ChildFacts {
        child_id: "c1".into(),
        family_id: "f1".into(),
        la_child_id: "LA0001".into(),
        upn: None,
        upn_unknown: Some("UN6".into()),
        birth_date: Some(d("2022-01-01")),
        expected_birth_date: None,
        gender: crate::Gender::Male,
        death_date: None,
        ethnicity: "White British".into(),
        disability: "Hearing, Vision".into(),
    };
    let old = RecordedEpisode {
        referral_date: d("2023-01-02"),
        referral_source: "6".into(),
        primary_need: Some("N4".into()),
        nfa: false,
        closure_date: Some(d("2023-06-01")),
        closure_reason: Some("RC7".into()),
        assessments: vec![],
        enquiries: vec![],
    };
    let current = RecordedEpisode {
        referral_date: d("2025-05-01"),
        referral_source: "2A".into(),
        primary_need: Some("N1".into()),
        nfa: false,
        closure_date: None,
        closure_reason: None,
        assessments: vec![Assessment { start: d("2025-05-02"), authorised: None, factors: vec!["21".into()] }],
        enquiries: vec![RecordedEnquiry { start: d("2025-12-01"), icpc_not_required: true }],
    };
    let conferences = vec![
        ConferenceFacts {
            kind: ConferenceKind::Initial,
            held_on: Some(d("2025-05-22")),
            due_by: d("2025-05-27"),
            strategy_discussion_on: Some(d("2025-05-06")),
            section47: true,
        },
        ConferenceFacts {
            kind: ConferenceKind::Review,
            held_on: Some(d("2025-08-21")),
            due_by: d("2025-08-22"),
            strategy_discussion_on: None,
            section47: false,
        },
        ConferenceFacts {
            kind: ConferenceKind::Review,
            held_on: Some(d("2026-04-20")),
            due_by: d("2026-04-22"),
            strategy_discussion_on: None,
            section47: false,
        },
    ];
    let plans = vec![PlanFacts {
        child_protection: true,
        start: d("2025-05-22"),
        end: None,
        initial_category: Some("NEG".into()),
        latest_category: Some("EMO".into()),
        previous_plans: 1,
    }];
    let c = assemble(year, &child, &[old.clone(), current], &conferences, &plans, &cal()).unwrap();
    assert_eq!(c.sex, "M");
    assert_eq!(c.ethnicity, "WBRI");
    assert_eq!(c.disabilities, vec!["HEAR", "VIS"]);
    assert_eq!(c.episodes.len(), 1, "the episode closed in 2023 is left out");
    let e = &c.episodes[0];
    assert_eq!(e.section47s.len(), 2);
    assert_eq!(
        e.section47s[0],
        Section47 {
            start: Some(d("2025-05-06")),
            icpc_target: Some(d("2025-05-27")),
            icpc: Some(d("2025-05-22")),
            icpc_not_required: false
        }
    );
    // 15 working days after Monday 1 December 2025.
    assert_eq!(e.section47s[1].icpc_target, Some(d("2025-12-22")));
    assert!(e.section47s[1].icpc_not_required);
    assert_eq!(e.cp_plans[0].reviews, Some(vec![d("2025-08-21")]), "a review after the year is not counted");
    assert_eq!(e.cp_plans[0].previous_plans, Some(1));
    assert_eq!(e.cp_plans[0].latest_category.as_deref(), Some("EMO"));
    // Not in scope: only the 2023 episode.
    assert_eq!(assemble(year, &child, &[old], &[], &[], &cal()), None);
    // A plan in the year with no episode: in scope with no CINdetails (rule 8590 says so).
    let c = assemble(year, &child, &[], &[], &plans, &cal()).unwrap();
    assert!(c.episodes.is_empty());
}

/// An enquiry whose conference was held before the year began, and a plan that ended before
/// it, are not part of the year's return (rules 8715 and 8930 would otherwise fail for a child
/// whose episode is still open): the later plan and its conference are.
#[test]
fn assemble_leaves_out_conferences_and_plans_over_before_the_year_8715_8930() {
    use crate::conference::ConferenceKind;
    let year = CensusYear::new(2026).unwrap();
    let child = ChildFacts {
        child_id: "c1".into(),
        family_id: "f1".into(),
        la_child_id: "LA0001".into(),
        upn: None,
        upn_unknown: Some("UN6".into()),
        birth_date: Some(d("2020-01-01")),
        expected_birth_date: None,
        gender: crate::Gender::Female,
        death_date: None,
        ethnicity: "White British".into(),
        disability: "None".into(),
    };
    let open = RecordedEpisode {
        referral_date: d("2024-06-03"),
        referral_source: "6".into(),
        primary_need: Some("N1".into()),
        nfa: false,
        closure_date: None,
        closure_reason: None,
        assessments: vec![Assessment { start: d("2024-06-03"), authorised: Some(d("2024-06-13")), factors: vec![] }],
        enquiries: vec![],
    };
    let icpc = |held: &str, discussed: &str| ConferenceFacts {
        kind: ConferenceKind::Initial,
        held_on: Some(d(held)),
        due_by: d(held),
        strategy_discussion_on: Some(d(discussed)),
        section47: true,
    };
    let plan = |start: &str, end: Option<&str>| PlanFacts {
        child_protection: true,
        start: d(start),
        end: end.map(d),
        initial_category: Some("NEG".into()),
        latest_category: Some("NEG".into()),
        previous_plans: 0,
    };
    let conferences = vec![icpc("2024-06-20", "2024-06-03"), icpc("2025-06-19", "2025-06-02")];
    let plans = vec![plan("2024-06-20", Some("2024-12-12")), plan("2025-06-19", None)];
    let c = assemble(year, &child, &[open], &conferences, &plans, &cal()).unwrap();
    let e = &c.episodes[0];
    assert_eq!(e.section47s.iter().map(|s| s.icpc).collect::<Vec<_>>(), vec![Some(d("2025-06-19"))]);
    assert_eq!(e.cp_plans.iter().map(|p| p.start).collect::<Vec<_>>(), vec![Some(d("2025-06-19"))]);
    let findings = validate(
        &CensusReturn {
            header: Header { year: 2026, reference_date: d("2026-03-31"), lea: "999".into() },
            children: vec![c],
        },
        &cal(),
    );
    assert!(!findings.iter().any(|f| f.rule == "8715" || f.rule == "8930"), "{findings:?}");
}
