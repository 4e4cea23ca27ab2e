//! Recomputes every open deadline of a national-scale demo: 50,000 generated families
//! (`confer demo --families 50000`), each case with the deadlines of its stage, with one
//! authority calendar and policy history. The target: all of them in under a second.
//!
//! Run with `cargo bench -p confer-domain --bench deadlines`. Generating the families is not
//! measured; recomputing the due dates (and the state of each, as the lists show it) is.

use chrono::NaiveDate;
use confer_demo::{Demo, DemoOptions};
use confer_domain::calendar::Calendar;
use confer_domain::policy::PolicyHistory;
use confer_domain::timescales::{deadline_state, recompute_all};
use confer_domain::Nation;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const FAMILIES: u32 = 50_000;

fn deadlines(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let demo = Demo::new(DemoOptions { families: FAMILIES, ..DemoOptions::default() }, today);
    let calendar = Calendar::for_nation(Nation::England);
    let policies = PolicyHistory::new(Nation::England);
    let started = std::time::Instant::now();
    let requests = demo.open_deadline_requests(&calendar, &policies);
    eprintln!(
        "{} open deadlines of {FAMILIES} families (generated in {:.1} s)",
        requests.len(),
        started.elapsed().as_secs_f64()
    );
    let at_risk = policies.in_force(today).at_risk_days;

    let mut group = c.benchmark_group("deadlines");
    group.sample_size(20);
    group.bench_function("recompute every open deadline of 50,000 families", |b| {
        b.iter(|| black_box(recompute_all(black_box(&requests), &calendar, &policies)))
    });
    group.bench_function("recompute and classify every open deadline of 50,000 families", |b| {
        b.iter(|| {
            let all = recompute_all(black_box(&requests), &calendar, &policies);
            let overdue = all
                .iter()
                .flatten()
                .filter(|d| deadline_state(d.due, None, today, at_risk, &calendar).as_str() == "overdue")
                .count();
            black_box(overdue)
        })
    });
    group.finish();
}

criterion_group!(benches, deadlines);
criterion_main!(benches);
