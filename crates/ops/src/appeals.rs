//! Northern Ireland (issue 15): an appeal against a conference's decision, once for the pages,
//! the API and the portal. Lodged by a parent from the portal or by staff for a family member;
//! coordinators and quality assurance record each stage's outcome, take it to the next stage
//! and record the final outcome. The nation's procedure comes from `nation_decisions` (data,
//! with its source); the domain refuses what does not fit; every step is audited with the
//! appeal in one transaction, at the version last seen (a stale version is a conflict).

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::appeal::{Appeal, AppealError, AppealGround, Appellant, FinalOutcome, StageOutcome};
use confer_domain::conference::ConferenceState;
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::portal::PortalPerson;
use confer_domain::UserId;
use confer_store::appeals::{self as store, Stored};

impl From<AppealError> for OpsError {
    fn from(e: AppealError) -> Self {
        let field = match e {
            AppealError::NoGrounds => "grounds",
            AppealError::NoDetails => "details",
            AppealError::NoReasons => "reasons",
            AppealError::OutcomeDoesNotFollow { .. } => "outcome",
            AppealError::BeforeLodged => "on",
            _ => "",
        };
        match field {
            "" => OpsError::Declined { message: e.to_string() },
            f => OpsError::invalid(f, e.to_string()),
        }
    }
}

/// What the appellant says, as typed.
pub struct NewAppeal {
    pub grounds: Vec<AppealGround>,
    pub details: String,
}

/// The nation's data of the actor's authority.
async fn nation(ops: &Ops, actor: &Actor) -> Result<&'static NationDecisions> {
    Ok(NationDecisions::for_nation(ops.authority(&actor.authority_id).await?.nation))
}

async fn lodge(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
    adult_id: &str,
    staff: Option<UserId>,
    input: NewAppeal,
) -> Result<String> {
    let nation = nation(ops, actor).await?;
    let stored = confer_store::conferences::load(&ops.db, conference_id).await?;
    let c = &stored.conference;
    let decided = c.state() == ConferenceState::Closed && !c.decisions().is_empty();
    let held_on = c.started_at().or(c.closed_at()).map(|t| t.date_naive()).unwrap_or_else(|| ops.clock.today());
    let appeal = Appeal::lodge(
        nation,
        conference_id,
        decided,
        held_on,
        Appellant { adult_id: adult_id.to_owned(), logged_by_staff: staff },
        input.grounds,
        &input.details,
        ops.clock.today(),
    )?;
    Ok(store::create(&ops.db, actor.authority_id.as_str(), c.family_id().as_str(), &appeal, actor.user_id.as_str())
        .await?)
}

/// Staff lodge an appeal for a family member of the conference's family.
pub async fn lodge_for(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
    adult_id: &str,
    input: NewAppeal,
) -> Result<String> {
    let allowed = crate::conference::authorize(ops, actor, Action::LodgeAppeal, conference_id).await?;
    let record = confer_store::families::family_record(&ops.db, allowed.owner.family_id.as_str()).await?;
    if !record.adults.iter().any(|a| a.id.as_str() == adult_id) {
        return Err(OpsError::invalid("adult_id", "Choose the family member who is appealing"));
    }
    lodge(ops, actor, conference_id, adult_id, Some(actor.user_id.clone()), input).await
}

/// A parent appeals a decision of their own family's conference from the portal.
pub async fn appeal_as_family(ops: &Ops, actor: &Actor, conference_id: &str, input: NewAppeal) -> Result<String> {
    allow(actor, Action::AppealAsFamily)?;
    // The policy decides with the person's relationship to this conference's family (the
    // family member's, from their portal link): another family's conference is not found.
    let allowed = crate::conference::authorize(ops, actor, Action::AppealFamilyConference, conference_id).await?;
    // Which of the family's adults the portal account is: the appellant.
    let family_id = allowed.owner.family_id.as_str();
    let links = confer_store::portal::links_of(&ops.db, &actor.user_id).await?;
    let adult = links
        .iter()
        .find_map(|(f, p)| match p {
            PortalPerson::Adult(a) if f.as_str() == family_id => Some(a.as_str().to_owned()),
            _ => None,
        })
        .ok_or(OpsError::NotFound)?;
    lodge(ops, actor, conference_id, &adult, None, input).await
}

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// What the conference's appeal page shows: the nation's procedure (None where the nation
/// has no appeal) and the appeal if one was lodged, read as a read of the family's record.
pub struct AppealView {
    pub nation: &'static NationDecisions,
    pub decided: bool,
    pub appeal: Option<Stored>,
    pub may_lodge: bool,
    pub may_manage: bool,
    pub family_id: String,
    pub family_name: String,
}

pub async fn view(ops: &Ops, actor: &Actor, conference_id: &str) -> Result<AppealView> {
    let allowed = crate::conference::authorize(ops, actor, Action::ViewAppeal, conference_id).await?;
    let stored = confer_store::conferences::load(&ops.db, conference_id).await?;
    let c = &stored.conference;
    let appeal = store::of_conference(&ops.db, conference_id).await?;
    confer_store::families::log_read(
        &ops.db,
        &actor.authority_id,
        &actor.user_id,
        allowed.owner.family_id.as_str(),
        "appeal.read",
    )
    .await?;
    Ok(AppealView {
        nation: nation(ops, actor).await?,
        decided: c.state() == ConferenceState::Closed && !c.decisions().is_empty(),
        appeal,
        may_lodge: allowed.may(actor, Action::LodgeAppeal),
        may_manage: allowed.may(actor, Action::ManageAppeal),
        family_id: allowed.owner.family_id.as_str().to_owned(),
        family_name: allowed.owner.family_name.clone(),
    })
}

/// A step of those who handle the appeal.
pub enum Step {
    StageOutcome { outcome: StageOutcome, reasons: String, on: NaiveDate },
    NextStage,
    Conclude { outcome: FinalOutcome, reasons: String, on: NaiveDate },
}

/// Applies a step to the conference's appeal at the version last seen.
pub async fn step(ops: &Ops, actor: &Actor, conference_id: &str, version: i64, step: Step) -> Result<i64> {
    crate::conference::authorize(ops, actor, Action::ManageAppeal, conference_id).await?;
    let nation = nation(ops, actor).await?;
    let appeal = store::of_conference(&ops.db, conference_id).await?.ok_or_else(|| OpsError::Declined {
        message: "No appeal has been lodged against this conference's decision".into(),
    })?;
    let me = actor.user_id.clone();
    let today = ops.clock.today();
    let v = match step {
        Step::StageOutcome { outcome, reasons, on } => {
            if on > today {
                return Err(OpsError::invalid("on", "The date of the outcome cannot be in the future"));
            }
            store::save(&ops.db, &appeal.id, version, me.as_str(), "appeal.stage-outcome", |a| {
                a.record_stage_outcome(&me, outcome, &reasons, on)
            })
            .await?
        }
        Step::NextStage => {
            store::save(&ops.db, &appeal.id, version, me.as_str(), "appeal.next-stage", |a| a.next_stage(nation, today))
                .await?
        }
        Step::Conclude { outcome, reasons, on } => {
            if on > today {
                return Err(OpsError::invalid("on", "The date of the outcome cannot be in the future"));
            }
            store::save(&ops.db, &appeal.id, version, me.as_str(), "appeal.conclude", |a| {
                a.conclude(&me, outcome, &reasons, on)
            })
            .await?
        }
    };
    Ok(v)
}

/// The parent's own appeals (as appellant), newest first, and the decided conferences of
/// their family they may appeal (none where the nation has no appeal). The page shows their
/// family's conferences and appeals, so it is logged as one list read naming the families.
pub async fn mine(ops: &Ops, actor: &Actor) -> Result<(Vec<Stored>, Vec<(String, String)>)> {
    allow(actor, Action::AppealAsFamily)?;
    let nation = nation(ops, actor).await?;
    let links = confer_store::portal::links_of(&ops.db, &actor.user_id).await?;
    let mut out = Vec::new();
    let mut may_appeal = Vec::new();
    let mut shown_families: Vec<String> = Vec::new();
    for (family_id, person) in &links {
        let PortalPerson::Adult(adult) = person else { continue };
        let appeals = store::of_family(&ops.db, family_id).await?;
        for s in &appeals {
            if s.appeal.appellant.adult_id == adult.as_str() && s.authority_id == actor.authority_id.as_str() {
                out.push(s.clone());
            }
        }
        if nation.appeal.is_none() {
            continue;
        }
        for row in confer_store::conferences::of_family(&ops.db, family_id).await? {
            // A closed conference has decided for every child (the domain closes none without).
            let decided = row.state == ConferenceState::Closed.as_str();
            if decided && !appeals.iter().any(|a| a.conference_id == row.id) {
                let kind = confer_domain::conference::ConferenceKind::parse(&row.kind)
                    .map(|k| k.label().to_owned())
                    .unwrap_or_else(|| row.kind.clone());
                let held = row.date.map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_default();
                may_appeal.push((row.id.clone(), format!("{kind}, {held}")));
                shown_families.push(family_id.as_str().to_owned());
            }
        }
    }
    let mut shown: Vec<&str> = out.iter().map(|s| s.family_id.as_str()).collect();
    shown.extend(shown_families.iter().map(String::as_str));
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "portal-appeals",
        &shown,
    )
    .await?;
    Ok((out, may_appeal))
}

/// The API's body to lodge an appeal for a family member.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "grounds": ["threshold-not-met"],
    "details": "The risk was overstated: the injury was explained by the school."}))]
pub struct LodgeInput {
    /// The family member appealing (an adult of the conference's family).
    pub adult_id: String,
    /// SBNI's criteria: `procedures-not-followed`, `information-inaccurate`, `threshold-not-met`,
    /// `category-incorrect`.
    pub grounds: Vec<String>,
    pub details: String,
}

/// The API's body for a step (with the appeal's `version`, or `If-Match`).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "step", rename_all = "kebab-case")]
#[schema(example = json!({"step": "stage-outcome", "outcome": "not-upheld",
    "reasons": "The chair found the threshold met.", "on": "2026-11-20"}))]
pub enum StepInput {
    /// The current stage's outcome: `upheld` or `not-upheld`.
    StageOutcome {
        outcome: String,
        reasons: String,
        #[schema(value_type = String, format = Date)]
        on: NaiveDate,
    },
    /// The appellant takes the appeal to the next stage.
    NextStage,
    /// The final outcome: `upheld`, `not-upheld` or `decision-changed`.
    Conclude {
        outcome: String,
        reasons: String,
        #[schema(value_type = String, format = Date)]
        on: NaiveDate,
    },
}

/// Reads the grounds as typed; an unknown one names the field.
pub fn grounds_of(all: &[String]) -> Result<Vec<AppealGround>> {
    all.iter()
        .map(|g| {
            AppealGround::parse(g.trim()).ok_or_else(|| OpsError::invalid("grounds", "Choose grounds from the list"))
        })
        .collect()
}

impl StepInput {
    pub fn into_step(self) -> Result<Step> {
        Ok(match self {
            StepInput::StageOutcome { outcome, reasons, on } => Step::StageOutcome {
                outcome: StageOutcome::parse(&outcome)
                    .ok_or_else(|| OpsError::invalid("outcome", "Choose upheld or not upheld"))?,
                reasons,
                on,
            },
            StepInput::NextStage => Step::NextStage,
            StepInput::Conclude { outcome, reasons, on } => Step::Conclude {
                outcome: FinalOutcome::parse(&outcome)
                    .ok_or_else(|| OpsError::invalid("outcome", "Choose the final outcome from the list"))?,
                reasons,
                on,
            },
        })
    }
}

/// What the API answers for a conference's appeal.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AppealBody {
    pub conference_id: String,
    /// The nation's stages in order (empty where the nation has no appeal).
    pub procedure: Vec<String>,
    /// Where the procedure comes from.
    pub source: Option<String>,
    pub appeal_id: Option<String>,
    pub version: Option<i64>,
    /// The appeal (appellant, grounds, stages with outcome and date, final outcome).
    #[schema(value_type = Object)]
    pub appeal: Option<serde_json::Value>,
}

impl AppealBody {
    pub fn of(conference_id: &str, v: &AppealView) -> AppealBody {
        AppealBody {
            conference_id: conference_id.to_owned(),
            procedure: v
                .nation
                .appeal
                .map(|p| p.stages.iter().map(|s| s.as_str().to_owned()).collect())
                .unwrap_or_default(),
            source: v.nation.appeal.map(|p| p.source.to_owned()),
            appeal_id: v.appeal.as_ref().map(|a| a.id.clone()),
            version: v.appeal.as_ref().map(|a| a.version),
            appeal: v.appeal.as_ref().and_then(|a| serde_json::to_value(&a.appeal).ok()),
        }
    }
}
