//! Plans for the people who use them (issue 13, "People who use it"): a partner
//! professional's own actions and core group dates (PLAN-02, CG-02), a child's timeline with
//! the safety scale and the actions done on time (CG-03), the family portal's copy of a
//! child's plan (PLAN-06, EXC-06), and the young person's own version (CHILD-04). Each asks
//! the one access policy first; what each person sees is decided in
//! `confer_domain::plan_views`.

use confer_domain::words::Words;
use crate::plan::authorize_plan;
use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::Relationship;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::{ConferenceKind, ConferenceState, ProfessionalStanding, Recipient, Visibility};
use confer_domain::plan::{ActionStatus, Plan, PlanKind};
use confer_domain::plan_views::{self, ConferenceLine, FamilyPlan, OnTime, TimelineEntry, VersionLine};
use confer_domain::portal::PortalPerson;
use confer_domain::timescales::DeadlineRule;
use confer_domain::ProfessionalId;
use confer_store::plan_people::{self, YoungPersonsVersion, YoungVersionError};
use confer_store::{families, plans, portal};
use serde::Serialize;

/// One action a partner professional owns (PLAN-02).
#[derive(Debug, Clone, Serialize)]
pub struct OwnedAction {
    pub plan_id: String,
    pub plan_version: i64,
    pub family_name: String,
    pub child_name: String,
    pub number: u32,
    pub what: String,
    pub due: NaiveDate,
    pub status: ActionStatus,
    pub overdue: bool,
}

/// One core group date of a plan the person is in (CG-02).
#[derive(Debug, Clone, Serialize)]
pub struct CoreGroupDate {
    pub plan_id: String,
    pub family_name: String,
    pub child_name: String,
    pub due_by: NaiveDate,
    pub overdue: bool,
    /// CG-02: the meeting arranged, when one is: its day, time (HH:MM) and place in words.
    pub arranged: Option<ArrangedDate>,
}

/// CG-02: a core group meeting arranged, as lists show it.
pub use confer_domain::plan_views::NextMeeting as ArrangedDate;

/// What a person has to do on their plans: the actions they own (open ones first) and the
/// core groups of the plans they are in, the soonest first.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MyWork {
    pub actions: Vec<OwnedAction>,
    pub core_groups: Vec<CoreGroupDate>,
}

/// PLAN-02, CG-02: a person's own actions and core group dates, from their plans' documents
/// read in one query.
pub async fn my_work(ops: &Ops, actor: &Actor) -> Result<MyWork> {
    match decide(actor, Action::ListMyPlans, Target::Authority(&actor.authority_id)) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(OpsError::Forbidden),
        Decision::NotFound => return Err(OpsError::NotFound),
    }
    let today = ops.clock.today();
    let me = plans::professional_of_user(&ops.db, &actor.authority_id, &actor.user_id).await?.map(ProfessionalId);
    let docs = plan_people::docs_of_user(&ops.db, &actor.authority_id, &actor.user_id).await?;
    let mut out = MyWork::default();
    for (row, stored) in &docs {
        let p = &stored.plan;
        if let Some(me) = &me {
            for a in plan_views::owned_by(p, me) {
                out.actions.push(OwnedAction {
                    plan_id: row.id.clone(),
                    plan_version: stored.version,
                    family_name: row.family_name.clone(),
                    child_name: p.child_name.clone(),
                    number: a.number,
                    what: a.what.clone(),
                    due: a.due,
                    status: a.status,
                    overdue: a.is_overdue(today),
                });
            }
        }
        if let Some(due_by) = p.core_group_due_by {
            out.core_groups.push(CoreGroupDate {
                plan_id: row.id.clone(),
                family_name: row.family_name.clone(),
                child_name: p.child_name.clone(),
                due_by,
                overdue: due_by < today,
                arranged: p.arranged_core_group().map(ArrangedDate::of),
            });
        }
    }
    let open = |s: ActionStatus| matches!(s, ActionStatus::NotStarted | ActionStatus::InProgress);
    out.actions.sort_by_key(|a| (!open(a.status), a.due, a.number));
    out.core_groups.sort_by_key(|c| c.due_by);
    if !docs.is_empty() {
        let families: Vec<&str> = docs.iter().map(|(r, _)| r.family_id.as_str()).collect();
        confer_store::audit::log_list_read(
            &ops.db,
            actor.authority_id.as_str(),
            actor.user_id.as_str(),
            "plans.my-work",
            &families,
        )
        .await?;
    }
    Ok(out)
}

/// One conference a partner professional is invited to, as it stands for them.
#[derive(Debug, Clone, Serialize)]
pub struct InvitedConference {
    pub id: String,
    pub family_name: String,
    pub kind: ConferenceKind,
    pub state: ConferenceState,
    pub date: Option<NaiveDate>,
    pub time: Option<chrono::NaiveTime>,
    pub venue: Option<String>,
    pub video_link: Option<String>,
    pub children: Vec<String>,
    pub standing: ProfessionalStanding,
}

/// ROLE-04, REP-02, DEC-05: the conferences a partner professional is invited to (the latest
/// 50), each with their answer, their report against the day it is due to the chair, and
/// whether the outcome reached them. The list names families, so it is logged as one list read.
pub async fn my_conferences(ops: &Ops, actor: &Actor) -> Result<Vec<InvitedConference>> {
    let Some(me) = plans::professional_of_user(&ops.db, &actor.authority_id, &actor.user_id).await?.map(ProfessionalId)
    else {
        return Ok(Vec::new());
    };
    let today = ops.clock.today();
    let rules = crate::Rules::load(ops, &actor.authority_id).await?;
    let found = confer_store::conferences::invited_to(&ops.db, &actor.authority_id, &actor.user_id, 50).await?;
    let mut out = Vec::with_capacity(found.len());
    let mut listed = Vec::with_capacity(found.len());
    for (row, stored) in found {
        // The person's relationship to each is the invitation this row is: the policy decides.
        let target = Target::Record { authority_id: &actor.authority_id, relationships: &[Relationship::Invited] };
        if decide(actor, Action::ViewConference, target) != Decision::Allow {
            continue;
        }
        let c = &stored.conference;
        let due = c.date().and_then(|d| DeadlineRule::ReportsToChair.due_date(d, &rules.calendar, &rules.policy(d)));
        let Some(standing) = c.standing_of_professional(&me, due, today) else { continue };
        listed.push(row.family_id.clone());
        out.push(InvitedConference {
            id: row.id.clone(),
            family_name: row.family_name.clone(),
            kind: c.kind(),
            state: c.state(),
            date: c.date(),
            time: c.slot().map(|s| s.time),
            venue: c.slot().and_then(|s| s.venue.clone()),
            video_link: c.slot().and_then(|s| s.video_link.clone()),
            children: c.children().iter().map(|ch| ch.name.clone()).collect(),
            standing,
        });
    }
    let families: Vec<&str> = listed.iter().map(String::as_str).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "conferences.invited",
        &families,
    )
    .await?;
    Ok(out)
}

/// A child's timeline and charts.
#[derive(Debug, Clone, Serialize)]
pub struct ChildTimeline {
    pub family_id: String,
    pub child_id: String,
    pub child_name: String,
    pub entries: Vec<TimelineEntry>,
    /// CG-03: (meeting day, lowest rating, average rating).
    pub safety: Vec<(NaiveDate, u8, f32)>,
    pub on_time: Vec<OnTime>,
    /// The child's plans: (id, kind, started, ended).
    pub plans: Vec<(String, PlanKind, NaiveDate, Option<NaiveDate>)>,
}

/// A kind of conference in the nation's words (issue 15).
fn conference_kind(kind: &str, words: &Words) -> String {
    ConferenceKind::parse(kind).map(|k| words.kind(k).to_owned()).unwrap_or_else(|| kind.to_owned())
}

fn conference_state(state: &str) -> String {
    ConferenceState::parse(state).map(|s| s.label().to_owned()).unwrap_or_else(|| state.to_owned())
}

fn version_words(action: &str) -> &'static str {
    match action {
        "plan.create" => "Plan made by the conference",
        "plan.outline" => "Plan written or changed",
        "plan.action.add" => "Action added",
        "plan.action.status" => "Action updated",
        "plan.end" => "Plan ended",
        "plan.review" => "Review conference",
        "plan.core-group-meeting" => "Core group meeting recorded",
        "plan.review-forward" => "Review brought forward",
        "plan.step-down" => "Stepped down to a child in need plan",
        "plan.transfer-in" => "Plan started at a transfer-in conference",
        "plan.transfer-out" => "Plan ended: the child moved to another authority",
        "plan.child-in-need" => "Child in need plan written or changed",
        "plan.network-meeting" => "Network meeting recorded",
        _ => "Plan changed",
    }
}

/// Every conference, plan version, core group and action of a child, in date order, with the
/// safety scale over time and the actions done on time (for those who may read its plans).
pub async fn timeline(ops: &Ops, actor: &Actor, family_id: &str, child_id: &str) -> Result<ChildTimeline> {
    crate::conference::authorize_family(ops, actor, Action::ViewPlan, family_id).await?;
    let child_name = plan_people::child_name(&ops.db, family_id, child_id).await?.ok_or(OpsError::NotFound)?;
    let conferences = plan_people::conferences_of_child(&ops.db, family_id, child_id).await?;
    let stored = plan_people::of_child(&ops.db, family_id, child_id).await?;
    let versions = plan_people::versions_of_child(&ops.db, family_id, child_id).await?;
    families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "plan.timeline.read").await?;
    let words = Words::of(ops.authority(&actor.authority_id).await?.nation);
    let day = |s: &str| confer_store::parse_stamp(s).map(|t| t.date_naive());
    let conference_lines: Vec<ConferenceLine> = conferences
        .iter()
        .filter_map(|c| {
            Some(ConferenceLine {
                id: c.id.clone(),
                on: c.date.or_else(|| day(&c.created_at))?,
                kind: conference_kind(&c.kind, words),
                state: conference_state(&c.state),
            })
        })
        .collect();
    let version_lines: Vec<VersionLine> = versions
        .iter()
        .filter_map(|v| {
            Some(VersionLine {
                plan_id: v.plan_id.clone(),
                version: v.version,
                on: day(&v.changed_at)?,
                what: words.reword(version_words(&v.action)),
            })
        })
        .collect();
    let plans: Vec<Plan> = stored.into_iter().map(|s| s.plan).collect();
    let today = ops.clock.today();
    Ok(ChildTimeline {
        family_id: family_id.to_owned(),
        child_id: child_id.to_owned(),
        child_name,
        entries: plan_views::timeline(&conference_lines, &plans, &version_lines),
        safety: plan_views::safety_over_time(&plans),
        on_time: plan_views::actions_on_time(&plans, today),
        plans: plans.iter().map(|p| (p.id.to_string(), p.kind, p.started_on, p.ended.as_ref().map(|e| e.on))).collect(),
    })
}

/// What the family portal shows of a plan to the person signed in.
#[derive(Debug, Clone, Serialize)]
pub enum PortalPlan {
    /// A parent or carer of the child: the plan as they may read it, and the young person's
    /// version when it is shared with them.
    Parent { plan: FamilyPlan, young_persons_version: Option<String> },
    /// The young person the plan is for: their own version (CHILD-04), and the dates.
    YoungPerson {
        child_name: String,
        young_persons_version: Option<String>,
        next_core_group: Option<NaiveDate>,
        /// CG-02: the core group meeting arranged, when one is.
        next_meeting: Option<ArrangedDate>,
        next_review: Option<NaiveDate>,
        /// PLAN-05: the day the plan ended, when it has.
        ended_on: Option<NaiveDate>,
    },
}

/// Who of the family may read a plan in the portal, and as whom: a parent or carer of the
/// child (adult_child), or the child themselves. Anyone else of the family: not found.
async fn portal_reader(ops: &Ops, actor: &Actor, family_id: &str, p: &Plan) -> Result<PortalPerson> {
    let linked = portal::person_in(&ops.db, &actor.user_id, family_id).await?.ok_or(OpsError::NotFound)?;
    let ok = match &linked {
        PortalPerson::Adult(a) => plan_people::parent_or_carer_of(&ops.db, a.as_str(), p.child_id.as_str()).await?,
        PortalPerson::Child(c) => c == &p.child_id,
    };
    if ok {
        Ok(linked)
    } else {
        Err(OpsError::NotFound)
    }
}

/// PLAN-06, EXC-06, CHILD-04: a plan in the family portal, as this person may read it.
pub async fn portal_plan(ops: &Ops, actor: &Actor, plan_id: &str) -> Result<PortalPlan> {
    let allowed = authorize_plan(ops, actor, Action::ViewFamilyPlan, plan_id).await?;
    let stored = plans::load(&ops.db, plan_id).await?;
    let p = &stored.plan;
    let family_id = allowed.family_id.as_str();
    let reader = portal_reader(ops, actor, family_id, p).await?;
    families::log_read(&ops.db, &allowed.authority_id, &actor.user_id, family_id, "portal.plan.read").await?;
    let young = plan_people::young_persons_version(&ops.db, plan_id).await?;
    Ok(match reader {
        PortalPerson::Adult(adult) => {
            // EC-05: the latest conference about the child decides what an excluded parent sees.
            let visibility =
                match plan_people::latest_closed_conference(&ops.db, family_id, p.child_id.as_str()).await? {
                    Some(id) => {
                        let c = confer_store::conferences::load(&ops.db, &id).await?.conference;
                        Visibility::for_recipient(&c, &Recipient::FamilyMember(adult.clone()))
                    }
                    None => Visibility::FAMILY,
                };
            let plan = plan_views::for_parent(p, &adult, &visibility, ops.clock.today());
            let shared = young.filter(|y| y.shared_with_parents && !plan.withheld).map(|y| y.body);
            PortalPlan::Parent { plan, young_persons_version: shared }
        }
        PortalPerson::Child(_) => PortalPlan::YoungPerson {
            child_name: p.child_name.clone(),
            young_persons_version: young.map(|y| y.body),
            next_core_group: p.core_group_due_by,
            next_meeting: p.arranged_core_group().map(ArrangedDate::of),
            next_review: p.next_review_by,
            ended_on: p.ended.as_ref().map(|e| e.on),
        },
    })
}

/// The family portal's plan as JSON (issue 13): what `/portal/plans/{plan_id}` shows the
/// person signed in, as data: "my child's plan in plain words, my actions, the next meeting".
/// A parent or carer of the child reads the plan as the latest conference lets them (EXC-06:
/// with an exclusion the concerns, needs, goals and the others' actions are left out, and
/// `withheld` says so; EXC-04: no meeting dates for someone excluded from the whole); the
/// young person reads their own version and the dates (CHILD-04), nothing else.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalPlanJson {
    pub plan_id: String,
    /// `parent` (a parent or carer of the child) or `young-person` (the child the plan is for).
    #[schema(example = "parent")]
    pub reader: String,
    pub child_name: String,
    /// What people are worried about, and why it needs to change (empty when withheld, and
    /// for the young person).
    pub concerns: Vec<PortalConcern>,
    pub child_needs: String,
    pub parents_needs: String,
    pub short_term_goals: String,
    pub long_term_goals: String,
    /// Who will do what by when: the reader's own actions first (`mine`); only their own when
    /// withheld; none for the young person.
    pub actions: Vec<PortalAction>,
    /// CG-02: the next core group meeting is due by this day.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_core_group: Option<NaiveDate>,
    /// CG-02: the core group meeting arranged, when one is.
    pub next_meeting: Option<PortalMeeting>,
    /// REV-01: the next review conference is due by this day.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_review: Option<NaiveDate>,
    /// EXC-06: part of the plan is not shown to this reader because of an exclusion.
    pub withheld: bool,
    #[schema(value_type = Option<String>, format = Date)]
    pub ended_on: Option<NaiveDate>,
    /// CHILD-04: the young person's own version (for a parent only when it is shared with them).
    pub young_persons_version: Option<String>,
    /// PLAN-06: the plan does not change parental responsibility, in English and Welsh.
    pub parental_responsibility: PortalWords,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalConcern {
    pub concern: String,
    pub why_change_is_needed: String,
}

/// PLAN-02: one action as the family reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalAction {
    pub number: u32,
    pub what: String,
    /// Who does it, by name or agency.
    pub who: String,
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
    /// `not-started`, `in-progress`, `done` or `not-done`.
    #[schema(value_type = String, example = "in-progress")]
    pub status: ActionStatus,
    /// The reader's own action.
    pub mine: bool,
    pub overdue: bool,
}

/// CG-02: the core group meeting arranged: when and where, nothing else.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalMeeting {
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// "HH:MM", UK time.
    pub at: String,
    pub venue: Option<String>,
    pub online: bool,
}

/// Words in English and Welsh.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalWords {
    pub en: String,
    pub cy: String,
}

impl PortalMeeting {
    fn of(m: &ArrangedDate) -> Self {
        PortalMeeting { on: m.on, at: m.at.clone(), venue: m.venue.clone(), online: m.online }
    }
}

/// PLAN-06, EXC-06, CHILD-04: [`portal_plan`] as JSON, with the same access (a parent or
/// carer of the child, or the child; anyone else is answered not found) and the same read
/// audit event.
pub async fn portal_plan_json(ops: &Ops, actor: &Actor, plan_id: &str) -> Result<PortalPlanJson> {
    use confer_domain::plan::{PARENTAL_RESPONSIBILITY_CY, PARENTAL_RESPONSIBILITY_EN};
    let parental_responsibility =
        PortalWords { en: PARENTAL_RESPONSIBILITY_EN.to_owned(), cy: PARENTAL_RESPONSIBILITY_CY.to_owned() };
    Ok(match portal_plan(ops, actor, plan_id).await? {
        PortalPlan::Parent { plan, young_persons_version } => PortalPlanJson {
            plan_id: plan_id.to_owned(),
            reader: "parent".into(),
            child_name: plan.child_name,
            concerns: plan
                .concerns
                .into_iter()
                .map(|c| PortalConcern { concern: c.concern, why_change_is_needed: c.why_change_is_needed })
                .collect(),
            child_needs: plan.child_needs,
            parents_needs: plan.parents_needs,
            short_term_goals: plan.short_term_goals,
            long_term_goals: plan.long_term_goals,
            actions: plan
                .actions
                .into_iter()
                .map(|a| PortalAction {
                    number: a.number,
                    what: a.what,
                    who: a.who,
                    due: a.due,
                    status: a.status,
                    mine: a.mine,
                    overdue: a.overdue,
                })
                .collect(),
            next_core_group: plan.next_core_group,
            next_meeting: plan.next_meeting.as_ref().map(PortalMeeting::of),
            next_review: plan.next_review,
            withheld: plan.withheld,
            ended_on: plan.ended_on,
            young_persons_version,
            parental_responsibility,
        },
        PortalPlan::YoungPerson {
            child_name,
            young_persons_version,
            next_core_group,
            next_meeting,
            next_review,
            ended_on,
        } => PortalPlanJson {
            plan_id: plan_id.to_owned(),
            reader: "young-person".into(),
            child_name,
            concerns: Vec::new(),
            child_needs: String::new(),
            parents_needs: String::new(),
            short_term_goals: String::new(),
            long_term_goals: String::new(),
            actions: Vec::new(),
            next_core_group,
            next_meeting: next_meeting.as_ref().map(PortalMeeting::of),
            next_review,
            withheld: false,
            ended_on,
            young_persons_version,
            parental_responsibility,
        },
    })
}

/// A plan the portal's person may open: (plan id, child's name, whether it is active).
#[derive(Debug, Clone, Serialize)]
pub struct PortalPlanLink {
    pub plan_id: String,
    pub child_name: String,
    pub active: bool,
}

/// The plans the portal's person may read: of the children they are a parent or carer of,
/// or their own. Empty for anyone else.
pub async fn portal_plans(ops: &Ops, actor: &Actor) -> Result<Vec<PortalPlanLink>> {
    let mut out = Vec::new();
    for (family_id, linked) in portal::links_of(&ops.db, &actor.user_id).await? {
        let Some(authority) = families::family_authority(&ops.db, &family_id).await? else { continue };
        let relationships = families::relationships(&ops.db, &actor.user_id, &family_id).await?;
        let target = Target::Record { authority_id: &authority, relationships: &relationships };
        if decide(actor, Action::ViewFamilyPlan, target) != Decision::Allow {
            continue;
        }
        for row in plans::of_family(&ops.db, &family_id).await? {
            let ok = match &linked {
                PortalPerson::Adult(a) => plan_people::parent_or_carer_of(&ops.db, a.as_str(), &row.child_id).await?,
                PortalPerson::Child(c) => c.as_str() == row.child_id,
            };
            if ok {
                let name = plan_people::child_name(&ops.db, &family_id, &row.child_id).await?.unwrap_or_default();
                out.push(PortalPlanLink { plan_id: row.id.clone(), child_name: name, active: row.ended_on.is_none() });
            }
        }
    }
    Ok(out)
}

/// CHILD-04: the young person's version of a plan, for those who read the plan.
pub async fn young_persons_version(ops: &Ops, actor: &Actor, plan_id: &str) -> Result<Option<YoungPersonsVersion>> {
    authorize_plan(ops, actor, Action::ViewPlan, plan_id).await?;
    Ok(plan_people::young_persons_version(&ops.db, plan_id).await?)
}

/// CHILD-04: the social worker writes (or rewrites) the young person's own version of their
/// plan, at the version they last saw (0 for the first), and whether the parents may read it.
pub async fn write_young_persons_version(
    ops: &Ops,
    actor: &Actor,
    plan_id: &str,
    expected: i64,
    body: &str,
    shared_with_parents: bool,
) -> Result<i64> {
    let allowed = authorize_plan(ops, actor, Action::ChangePlan, plan_id).await?;
    let stored = plans::load(&ops.db, plan_id).await?;
    if let Some(e) = &stored.plan.ended {
        return Err(confer_domain::plan::PlanError::Ended { on: e.on }.into());
    }
    let body = plan_views::check_young_persons_version(body).map_err(|m| OpsError::invalid("body", m))?;
    plan_people::write_young_persons_version(
        &ops.db,
        &allowed.authority_id,
        plan_id,
        expected,
        &body,
        shared_with_parents,
        actor.user_id.as_str(),
    )
    .await
    .map_err(|e| match e {
        YoungVersionError::Conflict(current_version) => OpsError::Conflict { current_version },
        YoungVersionError::Store(s) => s.into(),
    })
}
