//! Complaints (RIGHT-02), once for the pages: a parent complains from the portal, or staff log
//! it on their behalf; the complaints officer assigns, acknowledges, answers and closes; the
//! complainant escalates to the next stage. Deadlines come from the authority's calendar and
//! the policy in force (the domain computes them); every step is audited with the complaint.

use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::complaint::{About, Complainant, Complaint, ComplaintError, Finding};
use confer_domain::portal::PortalPerson;
use confer_domain::UserId;
use confer_store::complaints::{self as store, Stored};

impl From<ComplaintError> for OpsError {
    fn from(e: ComplaintError) -> Self {
        let field = match e {
            ComplaintError::NoDetails => "details",
            ComplaintError::NoConference => "conference_id",
            ComplaintError::NoResponse => "response",
            ComplaintError::NoEscalationReason => "reason",
            _ => "",
        };
        match field {
            "" => OpsError::Declined { message: e.to_string() },
            f => OpsError::invalid(f, e.to_string()),
        }
    }
}

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// What is complained about, as typed.
pub struct NewComplaint {
    pub about: About,
    /// The conference (required for its conduct or decision), one of the family's.
    pub conference_id: Option<String>,
    pub details: String,
}

async fn receive(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    adult_id: &str,
    staff: Option<UserId>,
    input: NewComplaint,
) -> Result<String> {
    // The conference must be the family's own.
    if let Some(c) = &input.conference_id {
        let owner = confer_store::conferences::owner(&ops.db, c).await?.ok_or_else(|| {
            OpsError::invalid("conference_id", "Choose one of the family's conferences from the list")
        })?;
        if owner.family_id.as_str() != family_id {
            return Err(OpsError::invalid("conference_id", "Choose one of the family's conferences from the list"));
        }
    }
    let rules = ops.rules(&actor.authority_id).await?;
    let complaint = Complaint::receive(
        input.about,
        input.conference_id,
        Complainant { adult_id: adult_id.to_owned(), logged_by_staff: staff },
        &input.details,
        ops.clock.today(),
        &rules.calendar,
        &rules.history,
    )?;
    Ok(store::create(&ops.db, actor.authority_id.as_str(), family_id, &complaint, actor.user_id.as_str()).await?)
}

/// RIGHT-02: a parent complains from the portal, about their own family's conference or case.
pub async fn complain_as_family(ops: &Ops, actor: &Actor, input: NewComplaint) -> Result<String> {
    allow(actor, Action::ComplainAsFamily)?;
    let links = confer_store::portal::links_of(&ops.db, &actor.user_id).await?;
    let family_of_conference = match &input.conference_id {
        Some(c) => confer_store::conferences::owner(&ops.db, c).await?.map(|o| o.family_id.as_str().to_owned()),
        None => None,
    };
    let (family_id, adult) = links
        .iter()
        .filter_map(|(f, p)| match p {
            PortalPerson::Adult(a) => Some((f.clone(), a.as_str().to_owned())),
            PortalPerson::Child(_) => None,
        })
        .find(|(f, _)| family_of_conference.as_ref().is_none_or(|c| c == f))
        .ok_or(OpsError::NotFound)?;
    receive(ops, actor, &family_id, &adult, None, input).await
}

/// RIGHT-02: staff log a complaint for a family member of a family they work with.
pub async fn log_for(ops: &Ops, actor: &Actor, family_id: &str, adult_id: &str, input: NewComplaint) -> Result<String> {
    crate::conference::authorize_family(ops, actor, Action::LogComplaint, family_id).await?;
    let record = confer_store::families::family_record(&ops.db, family_id).await?;
    if !record.adults.iter().any(|a| a.id.as_str() == adult_id) {
        return Err(OpsError::invalid("adult_id", "Choose the family member who is complaining"));
    }
    receive(ops, actor, family_id, adult_id, Some(actor.user_id.clone()), input).await
}

/// RIGHT-02: as [`log_for`], answering the complaint as logged, to the person who logged it
/// (a social worker logs complaints without handling them, so not through [`view`]).
pub async fn log_for_as_logged(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    adult_id: &str,
    input: NewComplaint,
) -> Result<Stored> {
    let id = log_for(ops, actor, family_id, adult_id, input).await?;
    store::load(&ops.db, &id).await?.ok_or(OpsError::NotFound)
}

/// One complaint for staff (the authority's complaints).
pub async fn view(ops: &Ops, actor: &Actor, id: &str) -> Result<Stored> {
    allow(actor, Action::ViewComplaints)?;
    let s = store::load(&ops.db, id).await?.ok_or(OpsError::NotFound)?;
    if s.authority_id != actor.authority_id.as_str() {
        return Err(OpsError::NotFound);
    }
    confer_store::families::log_read(&ops.db, &actor.authority_id, &actor.user_id, &s.family_id, "complaint.read")
        .await?;
    Ok(s)
}

/// The authority's complaints (open first, by due date), logged as a list read.
pub async fn list(ops: &Ops, actor: &Actor) -> Result<Vec<Stored>> {
    allow(actor, Action::ViewComplaints)?;
    let rows = store::open_list(&ops.db, actor.authority_id.as_str(), 500).await?;
    let families: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "complaints",
        &families,
    )
    .await?;
    Ok(rows)
}

/// A step of the officer's.
pub enum Step {
    Assign { officer: UserId },
    Acknowledge,
    Answer { finding: Finding, response: String },
    Escalate { reason: String },
    Close,
}

/// Applies an officer's step at the version last seen (a stale version is a conflict).
pub async fn step(ops: &Ops, actor: &Actor, id: &str, version: i64, step: Step) -> Result<i64> {
    allow(actor, Action::ManageComplaints)?;
    let s = store::load(&ops.db, id).await?.ok_or(OpsError::NotFound)?;
    if s.authority_id != actor.authority_id.as_str() {
        return Err(OpsError::NotFound);
    }
    apply(ops, actor, id, version, step).await
}

async fn apply(ops: &Ops, actor: &Actor, id: &str, version: i64, step: Step) -> Result<i64> {
    let today = ops.clock.today();
    let rules = ops.rules(&actor.authority_id).await?;
    if let Step::Assign { officer } = &step {
        let u = confer_store::users::by_id(&ops.db, officer)
            .await
            .map_err(|_| OpsError::invalid("officer", "Choose an officer of the authority from the list"))?;
        if u.account.authority_id != actor.authority_id {
            return Err(OpsError::invalid("officer", "Choose an officer of the authority from the list"));
        }
    }
    let me = actor.user_id.clone();
    let v = match step {
        Step::Assign { officer } => {
            store::save(&ops.db, id, version, me.as_str(), "complaint.assign", |c| c.assign(officer)).await?
        }
        Step::Acknowledge => {
            store::save(&ops.db, id, version, me.as_str(), "complaint.acknowledge", |c| c.acknowledge(today)).await?
        }
        Step::Answer { finding, response } => {
            store::save(&ops.db, id, version, me.as_str(), "complaint.answer", |c| {
                c.answer(&me, finding, &response, today)
            })
            .await?
        }
        Step::Escalate { reason } => {
            store::save(&ops.db, id, version, me.as_str(), "complaint.escalate", |c| {
                c.escalate(&reason, today, &rules.calendar, &rules.history)
            })
            .await?
        }
        Step::Close => store::save(&ops.db, id, version, me.as_str(), "complaint.close", |c| c.close(today)).await?,
    };
    Ok(v)
}

/// The parent's own complaints (as complainant), newest first.
pub async fn mine(ops: &Ops, actor: &Actor) -> Result<Vec<Stored>> {
    allow(actor, Action::ComplainAsFamily)?;
    let links = confer_store::portal::links_of(&ops.db, &actor.user_id).await?;
    let mut out = Vec::new();
    for (family_id, person) in &links {
        let PortalPerson::Adult(adult) = person else { continue };
        for s in store::of_family(&ops.db, family_id).await? {
            if s.complaint.complainant.adult_id == adult.as_str() && s.authority_id == actor.authority_id.as_str() {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// The complainant asks for the next stage from the portal (their own complaint only).
pub async fn escalate_as_family(ops: &Ops, actor: &Actor, id: &str, version: i64, reason: String) -> Result<i64> {
    let mine = mine(ops, actor).await?;
    if !mine.iter().any(|s| s.id == id) {
        return Err(OpsError::NotFound);
    }
    apply(ops, actor, id, version, Step::Escalate { reason }).await
}

pub use confer_store::complaints::Showing;

/// One page of the authority's complaints for the list (filtered and paged in SQL, overdue
/// first), logged as one list read naming the families it shows.
pub async fn page(
    ops: &Ops,
    actor: &Actor,
    showing: Showing,
    stage: Option<u8>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Stored>> {
    allow(actor, Action::ViewComplaints)?;
    let today = ops.clock.today();
    let rows = store::page(&ops.db, actor.authority_id.as_str(), showing, stage, today, limit, offset).await?;
    let families: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "complaints",
        &families,
    )
    .await?;
    Ok(rows)
}

/// The complainant's name for a complaint the actor may see (already read through [`view`]).
pub async fn complainant_name(ops: &Ops, s: &Stored) -> Result<String> {
    Ok(store::complainant_name(&ops.db, &s.complaint.complainant.adult_id).await?.unwrap_or_default())
}

/// Whether the nation's procedure has a stage after the complaint's current one (so the
/// complainant may ask for it once this one is answered), with the authority's rules read once.
pub fn has_next_stage(rules: &crate::Rules, s: &Stored, today: chrono::NaiveDate) -> bool {
    confer_domain::complaint::stage_due(s.complaint.stage + 1, today, &rules.calendar, &rules.history).is_some()
}
