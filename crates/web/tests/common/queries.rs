//! Counting the SQL statements a page costs (issue 12): every statement sqlx runs is logged at
//! debug level under the target `sqlx::query`, on SQLite and PostgreSQL alike; a layer counts
//! those events in this process (nextest runs each test in a process of its own). A request's
//! count is exact because a page answers only after its read events are committed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

struct CountStatements;

impl<S: tracing::Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        // SQLite's background checkpoint (every 500 ms, on no request's behalf) is not a
        // page's cost: counting it made a page's count depend on the moment it was measured.
        let mut background = false;
        event.record(&mut |field: &tracing::field::Field, value: &dyn std::fmt::Debug| {
            if field.name() == "summary" && format!("{value:?}").contains("wal_checkpoint") {
                background = true;
            }
        });
        if !background {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Starts counting statements (once per process). Returns false when another subscriber was
/// installed first, so a caller can say so instead of counting nothing.
pub fn count_statements() -> bool {
    *INSTALLED.get_or_init(|| {
        let filter = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG);
        let subscriber = tracing_subscriber::registry().with(CountStatements.with_filter(filter));
        tracing::subscriber::set_global_default(subscriber).is_ok()
    })
}

/// How many statements have run in this process so far.
pub fn statements() -> u64 {
    STATEMENTS.load(Ordering::SeqCst)
}
