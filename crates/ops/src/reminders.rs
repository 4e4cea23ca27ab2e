//! Scheduled reminders (issue 14): the sweep that `confer serve` runs on an interval and
//! `confer reminders run` runs from cron. No person acts: it is the system (audited as
//! `system:reminders`), and it only tells people what is theirs to do, through the outbox.
//!
//! For each authority: read what is open (store), ask the domain what is due today with the
//! policy's "at risk" window and the authority's calendar (`confer_domain::reminders::due`),
//! and send each reminder once (store: insert-or-ignore on its key with its outbox message,
//! in one transaction). Running it again, or on two instances at once, sends nothing more.

use crate::{Ops, Result};
use chrono::NaiveDate;
use confer_domain::timescales::DeadlineRule;
use confer_store::reminders::{self, Sent};

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Reminders due today.
    pub due: usize,
    /// Written to the outbox now.
    pub emailed: usize,
    /// Recorded now, for people without an e-mail address.
    pub no_address: usize,
    /// Sent before (an earlier sweep or another instance).
    pub already: usize,
}

/// Runs the sweep for every authority on the clock's day.
pub async fn run(ops: &Ops) -> Result<Sweep> {
    run_on(ops, ops.clock.today()).await
}

/// Runs the sweep for every authority as on `today`.
pub async fn run_on(ops: &Ops, today: NaiveDate) -> Result<Sweep> {
    let mut sweep = Sweep::default();
    for authority in confer_store::users::authorities(&ops.db).await? {
        let rules = ops.rules(&authority.id).await?;
        let window = rules.policy(today).at_risk_days;
        // REP-02: the day reports are due with the chair, by the policy in force on the
        // conference's day (as the conference itself reckons it).
        let report_due = |meets_on: NaiveDate| {
            DeadlineRule::ReportsToChair.due_date(meets_on, &rules.calendar, &rules.policy(meets_on))
        };
        let gathered = reminders::gather(&ops.db, &authority.id, today, report_due).await?;
        let due = confer_domain::reminders::due(&gathered.open, today, window, &rules.calendar);
        sweep.due += due.len();
        // Issue 12: those sent before are found in a few reads, not a transaction each.
        let keys: Vec<reminders::Key> = due.iter().map(|r| r.key()).collect();
        let sent = reminders::already_sent(&ops.db, &keys).await?;
        for (r, key) in due.iter().zip(&keys) {
            if sent.contains(key) {
                sweep.already += 1;
                continue;
            }
            let Some(family_id) = gathered.family_of.get(&r.item) else { continue };
            let notice = confer_domain::notices::reminder(&authority.name, authority.nation, r);
            match reminders::send(&ops.db, &authority.id, family_id, r, &notice).await? {
                Sent::Email => sweep.emailed += 1,
                Sent::NoAddress => sweep.no_address += 1,
                Sent::Already => sweep.already += 1,
            }
        }
    }
    Ok(sweep)
}

/// Issue 14, the reminders log page: the reminders sent in the coordinator's authority, newest
/// first (what, when, to whom by role: no names or addresses).
pub async fn log(ops: &Ops, actor: &confer_domain::access::Actor, limit: i64) -> Result<Vec<reminders::Logged>> {
    use confer_domain::access::{decide, Action, Decision, Target};
    match decide(actor, Action::ViewRemindersLog, Target::Authority(&actor.authority_id)) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(crate::OpsError::Forbidden),
        Decision::NotFound => return Err(crate::OpsError::NotFound),
    }
    let log = reminders::log(&ops.db, &actor.authority_id, limit).await?;
    // Each reminder is about a family's conference or plan: the page is one list read naming
    // the families it shows.
    let families: Vec<&str> = log.iter().map(|l| l.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "reminders",
        &families,
    )
    .await?;
    Ok(log)
}
