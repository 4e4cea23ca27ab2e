//! The pages, one module per area of work.

pub mod account;
pub mod admin;
pub mod arrange;
pub mod audit;
pub mod conference;
pub mod conferences;
pub mod dashboard;
pub mod deadlines;
pub mod documents;
pub mod families;
pub mod health;
pub mod meeting;
pub mod plan;
pub mod plan_after;
pub mod plan_core_group;
pub mod plan_timeline;
pub mod policy;
pub mod portal;
pub mod portal_plan;
pub mod portal_text;
pub mod portal_words;
pub mod record;
pub mod quality;
pub mod subject_access;
pub mod records;
