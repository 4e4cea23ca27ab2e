//! What `synchronous = FULL` costs (issue 10): one audited write on a SQLite file, with
//! NORMAL and with FULL. confer runs with FULL so that a committed decision or an
//! acknowledged audit event survives a power cut; this measures the price.
//!
//! Run with `cargo bench -p confer-store --bench sync_cost` (SQLite: leave
//! CONFER_TEST_DATABASE unset).

use confer_store::audit::{self, Entry};
use confer_store::{testing, users};
use criterion::{criterion_group, criterion_main, Criterion};

fn sync_cost(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let db = rt.block_on(testing::fresh_db());
    if std::env::var("CONFER_TEST_DATABASE").is_ok_and(|v| v == "postgres") {
        eprintln!("sync_cost measures SQLite: run it without CONFER_TEST_DATABASE=postgres");
        return;
    }
    let la = rt
        .block_on(users::create_authority(&db, "B01", "Benchshire", confer_domain::Nation::England, "bench"))
        .expect("an authority");
    let mut group = c.benchmark_group("sqlite audited write");
    group.sample_size(50);
    for mode in ["NORMAL", "FULL"] {
        rt.block_on(testing::set_sqlite_synchronous(&db, mode)).expect("the pragma");
        let mut i = 0u64;
        group.bench_function(format!("synchronous = {mode}"), |b| {
            b.iter(|| {
                i += 1;
                rt.block_on(audit::record_alone(
                    &db,
                    Entry {
                        authority_id: la.id.as_str(),
                        actor: "bench",
                        kind: confer_domain::audit::EventKind::Change,
                        action: "bench.write",
                        entity_type: "bench",
                        entity_id: "b",
                        before: serde_json::Value::Null,
                        after: serde_json::json!({ "i": i }),
                    },
                ))
                .expect("an audited write")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sync_cost);
criterion_main!(benches);
