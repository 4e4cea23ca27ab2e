//! confer's operations layer: one typed function per thing a person can do, shared by the
//! JSON API, the pages and the command line (DESIGN.md: web/cli → ops → domain + store).
//!
//! Each operation takes who is acting ([`confer_domain::access::Actor`]), its input already
//! read into domain types and, for a change, the version the person last saw. It asks the one
//! access policy (`confer_domain::access::decide`) with the person's relationships to the
//! record, loads, runs the domain's rule, and saves with the audit event (and any outbox
//! message) in one transaction through the store. It answers a typed result or one
//! [`OpsError`]. Nothing here knows about HTTP: the compiler keeps request and response types
//! out (this crate does not depend on axum).

pub mod accounts;
pub mod annex_a;
pub mod appeals;
pub mod census;
pub mod channels;
pub mod complaints;
pub mod contact;
pub mod conference;
pub mod core_group;
pub mod dashboards;
pub mod documents;
mod error;
pub mod feedback;
pub mod formats;
pub mod plan;
pub mod plan_people;
pub mod quality;
pub mod records;
pub mod register_stats;
pub mod reminders;
pub mod subject_access;
pub mod transfers;

pub use error::OpsError;

use chrono::NaiveDate;
use confer_domain::calendar::Calendar;
use confer_domain::policy::{Policy, PolicyHistory};
use confer_domain::{Authority, AuthorityId};
use confer_store::clock::Clock;
use confer_store::Db;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub type Result<T, E = OpsError> = std::result::Result<T, E>;

/// What every operation works with: the database, the one clock, and what is kept between
/// requests because it rarely changes. Cheap to clone (handles and `Arc`s).
#[derive(Clone)]
pub struct Ops {
    pub db: Db,
    /// The only source of "now" and "today" for operations (tests fix it).
    pub clock: Clock,
    caches: Arc<Caches>,
    /// How long the dashboards' counts are kept before they are counted again
    /// ([`Ops::with_dashboard_cache`]; none by default).
    dashboard_ttl: std::time::Duration,
}

#[derive(Default)]
struct Caches {
    /// Authorities (code, name, nation): set when created and never changed, so read once.
    authorities: Mutex<HashMap<String, Authority>>,
    /// Each authority's calendar and policy history, with the fingerprint of what they were
    /// built from (`confer_store::calendar::rules_fingerprint`): rebuilt only when that changes.
    rules: Mutex<HashMap<String, (String, Arc<Rules>)>>,
    /// The dashboards' counts by authority, period and filters, with when they were counted
    /// (`dashboards::Counts`): kept for [`Ops::with_dashboard_cache`]'s time.
    dashboards: Mutex<HashMap<String, (std::time::Instant, Arc<dashboards::Counts>)>>,
}

/// The authority's working-day calendar (its nation's bank holidays, announced days and its
/// closure days) and its policy history, kept while their sources are unchanged.
pub struct Rules {
    pub calendar: Calendar,
    pub history: PolicyHistory,
}

impl Rules {
    /// The authority's rules as they stand now (rebuilt only when their sources changed).
    pub async fn load(ops: &Ops, authority: &AuthorityId) -> Result<Arc<Rules>> {
        ops.rules(authority).await
    }

    /// The policy in force on a date (a deadline uses the version in force on its trigger date).
    pub fn policy(&self, on: NaiveDate) -> Policy {
        self.history.in_force(on).clone()
    }
}

impl std::fmt::Debug for Ops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops").field("clock", &self.clock).finish_non_exhaustive()
    }
}

impl Ops {
    pub fn new(db: Db, clock: Clock) -> Ops {
        Ops { db, clock, caches: Arc::default(), dashboard_ttl: std::time::Duration::ZERO }
    }

    /// Keeps the managers' dashboards' counts for `ttl` (issue 12): a year of an authority of
    /// 50,000 families is about 100,000 deadlines to count, and everyone looking at the same
    /// period and filters within that time shares one count. The page says when its figures
    /// were counted. `confer serve` keeps them a minute; with zero (the default, and in tests)
    /// every view counts afresh.
    pub fn with_dashboard_cache(mut self, ttl: std::time::Duration) -> Ops {
        self.dashboard_ttl = ttl;
        self
    }

    /// The authority (read once, then kept: its code, name and nation never change).
    pub async fn authority(&self, authority: &AuthorityId) -> Result<Authority> {
        if let Some(a) = self.caches.authorities.lock().ok().and_then(|m| m.get(authority.as_str()).cloned()) {
            return Ok(a);
        }
        let a = confer_store::users::authority(&self.db, authority).await?;
        if let Ok(mut m) = self.caches.authorities.lock() {
            m.insert(authority.as_str().to_owned(), a.clone());
        }
        Ok(a)
    }

    /// The authority's calendar and policy history. One small query checks whether anything
    /// they are built from has changed since they were last built; only then are they read and
    /// built again (building the calendar's working-day table is the costly part).
    pub async fn rules(&self, authority: &AuthorityId) -> Result<Arc<Rules>> {
        let a = self.authority(authority).await?;
        let fingerprint = confer_store::calendar::rules_fingerprint(&self.db, &a).await?;
        if let Some((f, rules)) = self.caches.rules.lock().ok().and_then(|m| m.get(authority.as_str()).cloned()) {
            if f == fingerprint {
                return Ok(rules);
            }
        }
        let rules = Arc::new(Rules {
            calendar: confer_store::calendar::authority_calendar(&self.db, &a).await?,
            history: confer_store::calendar::policy_history(&self.db, &a).await?,
        });
        if let Ok(mut m) = self.caches.rules.lock() {
            m.insert(authority.as_str().to_owned(), (fingerprint, rules.clone()));
        }
        Ok(rules)
    }
}
