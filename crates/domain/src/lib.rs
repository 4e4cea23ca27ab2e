//! confer's domain: the model of a child protection conference and the rules of
//! `DOMAIN.md`, each enforced here once. Pure code: no I/O, no async, no SQL, no HTML.
//! The web, store and command line only carry what this crate decides.

pub mod access;
pub mod annex_a;
pub mod appeal;
pub mod audit;
pub mod calendar;
pub mod census;
pub mod complaint;
pub mod conference;
pub mod dashboards;
pub mod feedback;
pub mod model;
pub mod nation_decisions;
pub mod notices;
pub mod plan;
pub mod plan_views;
pub mod policy;
pub mod portal;
pub mod quality;
pub mod register_stats;
pub mod reminders;
pub mod retention;
pub mod subject_access;
pub mod timescales;
pub mod transfer_copy;
pub mod validate;
pub mod words;

pub use model::*;
