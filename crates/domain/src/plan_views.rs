//! Plans as the people who use them see them (issue 13, "People who use it"): the parent's
//! copy of their child's plan in the family portal (PLAN-06, EXC-06), the young person's own
//! version (CHILD-04), a partner professional's own actions (PLAN-02), and a child's
//! timeline with the safety scale and the actions done on time (CG-03). Pure: the store and
//! the pages carry what is decided here.

use crate::conference::{ActionOwner, Visibility};
use crate::model::{AdultId, ProfessionalId};
use crate::plan::{ActionStatus, Concern, Plan, PlanAction};
use chrono::NaiveDate;
use serde::Serialize;

/// One action of the plan as the family reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyAction {
    pub number: u32,
    pub what: String,
    pub who: String,
    pub due: NaiveDate,
    pub status: ActionStatus,
    /// The reader's own action (PLAN-02: parents own actions too), shown first and marked.
    pub mine: bool,
    pub overdue: bool,
}

/// CG-02: the core group meeting arranged next, as people's lists and the portal show it:
/// when and where, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextMeeting {
    pub on: NaiveDate,
    /// "HH:MM", UK time.
    pub at: String,
    /// The room, if it meets in one.
    pub venue: Option<String>,
    pub online: bool,
}

impl NextMeeting {
    pub fn of(a: &crate::plan::ArrangedCoreGroup) -> NextMeeting {
        NextMeeting { on: a.on, at: a.at.format("%H:%M").to_string(), venue: a.venue.clone(), online: a.online }
    }
}

/// A child's plan as a parent or carer may read it (PLAN-06, EXC-06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyPlan {
    pub child_name: String,
    /// What people are worried about and why change is needed (empty when withheld).
    pub concerns: Vec<Concern>,
    pub child_needs: String,
    pub parents_needs: String,
    pub short_term_goals: String,
    pub long_term_goals: String,
    /// Their own actions first, then the others (only their own when withheld).
    pub actions: Vec<FamilyAction>,
    /// The next core group: not given to someone excluded from the whole conference (EXC-04).
    pub next_core_group: Option<NaiveDate>,
    /// CG-02: the core group meeting arranged, when one is (EXC-04 as above).
    pub next_meeting: Option<NextMeeting>,
    pub next_review: Option<NaiveDate>,
    /// Part of the plan is not shown to them because of an exclusion (EXC-06).
    pub withheld: bool,
    pub ended_on: Option<NaiveDate>,
}

/// EXC-06, PLAN-06, PLAN-02: the plan as this parent or carer may read it, given what the
/// latest conference about the child lets them see. Someone excluded from any part of it (or
/// from the whole) is not shown the concerns, needs and goals, which come from the
/// discussion (they may be from the part they were excluded from: more withheld, never
/// less), nor the others' actions; they still see their own actions and the review date, and
/// the next core group unless excluded from the whole conference.
pub fn for_parent(plan: &Plan, adult: &AdultId, visibility: &Visibility, today: NaiveDate) -> FamilyPlan {
    let withheld = visibility.outcome_only || !visibility.excluded_parts.is_empty() || visibility.restricted_content;
    let mine = |a: &PlanAction| matches!(&a.owner, ActionOwner::FamilyMember(x) if x == adult);
    let mut actions: Vec<FamilyAction> = plan
        .actions
        .iter()
        .filter(|a| !withheld || mine(a))
        .map(|a| FamilyAction {
            number: a.number,
            what: a.what.clone(),
            who: a.owner_name.clone(),
            due: a.due,
            status: a.status,
            mine: mine(a),
            overdue: a.is_overdue(today),
        })
        .collect();
    actions.sort_by_key(|a| (!a.mine, a.due, a.number));
    let o = &plan.outline;
    let (concerns, child_needs, parents_needs, short_term_goals, long_term_goals) = if withheld {
        (Vec::new(), String::new(), String::new(), String::new(), String::new())
    } else {
        (
            o.concerns.clone(),
            o.child_needs.clone(),
            o.parents_needs.clone(),
            o.short_term_goals.clone(),
            o.long_term_goals.clone(),
        )
    };
    FamilyPlan {
        child_name: plan.child_name.clone(),
        concerns,
        child_needs,
        parents_needs,
        short_term_goals,
        long_term_goals,
        actions,
        next_core_group: if visibility.meeting_details { plan.core_group_due_by } else { None },
        next_meeting: plan
            .arranged_core_group()
            .filter(|_| visibility.meeting_details && plan.is_active())
            .map(NextMeeting::of),
        next_review: plan.next_review_by,
        withheld,
        ended_on: plan.ended.as_ref().map(|e| e.on),
    }
}

/// CHILD-04: the longest young person's version kept (about four pages of plain words).
pub const YOUNG_PERSONS_VERSION_MAX: usize = 10_000;

/// CHILD-04: the young person's own version of their plan, as the social worker writes it:
/// some words, not too long. Returns the text to keep, or what to fix.
pub fn check_young_persons_version(text: &str) -> Result<String, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Write the young person's version of their plan");
    }
    if t.chars().count() > YOUNG_PERSONS_VERSION_MAX {
        return Err("The young person's version must be 10,000 characters or fewer");
    }
    Ok(t.to_owned())
}

/// PLAN-02: the actions a partner professional owns in a plan.
pub fn owned_by<'a>(plan: &'a Plan, me: &ProfessionalId) -> Vec<&'a PlanAction> {
    plan.actions.iter().filter(|a| matches!(&a.owner, ActionOwner::Professional(p) if p == me)).collect()
}

/// PLAN-02: an action done by its due date: the update that marked it done was made on or
/// before the day it was due.
pub fn done_on_time(a: &PlanAction) -> bool {
    a.status == ActionStatus::Done
        && a.updates.iter().rev().find(|u| u.status == ActionStatus::Done).is_some_and(|u| u.at.date_naive() <= a.due)
}

/// The day an action was marked done, if it is done.
pub fn done_on(a: &PlanAction) -> Option<NaiveDate> {
    if a.status != ActionStatus::Done {
        return None;
    }
    a.updates.iter().rev().find(|u| u.status == ActionStatus::Done).map(|u| u.at.date_naive())
}

/// One point of the "actions done on time" chart: by a day, how many actions were due, and how
/// many of those were done by their due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnTime {
    pub on: NaiveDate,
    pub due: u32,
    pub done_on_time: u32,
}

/// The actions done on time at each core group meeting of the child's plans (and today, for
/// a plan still open), over every action due by then.
pub fn actions_on_time(plans: &[Plan], today: NaiveDate) -> Vec<OnTime> {
    let mut out = Vec::new();
    for p in plans {
        let mut days: Vec<NaiveDate> = p.core_group_meetings.iter().map(|m| m.held_on).collect();
        let last = p.ended.as_ref().map(|e| e.on).unwrap_or(today);
        if days.last() != Some(&last) {
            days.push(last);
        }
        for on in days {
            let due: Vec<&PlanAction> = p.actions.iter().filter(|a| a.due <= on).collect();
            if due.is_empty() {
                continue;
            }
            let in_time = due.iter().filter(|a| done_on_time(a) && done_on(a).is_some_and(|d| d <= on)).count();
            out.push(OnTime { on, due: due.len() as u32, done_on_time: in_time as u32 });
        }
    }
    out.sort_by_key(|o| o.on);
    out
}

/// What a line of a child's timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimelineKind {
    Conference,
    PlanVersion,
    CoreGroup,
    ActionDue,
}

/// One line of a child's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub on: NaiveDate,
    pub kind: TimelineKind,
    pub title: String,
    pub detail: String,
    /// Where to read more (a conference or plan page).
    pub link: Option<String>,
}

/// A conference about the child, as the timeline shows it.
#[derive(Debug, Clone)]
pub struct ConferenceLine {
    pub id: String,
    pub on: NaiveDate,
    pub kind: String,
    pub state: String,
}

/// A version of a plan, as the timeline shows it.
#[derive(Debug, Clone)]
pub struct VersionLine {
    pub plan_id: String,
    pub version: i64,
    pub on: NaiveDate,
    pub what: String,
}

/// Every conference, plan version, core group meeting and action of a child, in date order
/// (the same day: conferences first, then versions, core groups and actions).
pub fn timeline(conferences: &[ConferenceLine], plans: &[Plan], versions: &[VersionLine]) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for c in conferences {
        out.push(TimelineEntry {
            on: c.on,
            kind: TimelineKind::Conference,
            title: c.kind.clone(),
            detail: c.state.clone(),
            link: Some(format!("/conferences/{}", c.id)),
        });
    }
    for v in versions {
        out.push(TimelineEntry {
            on: v.on,
            kind: TimelineKind::PlanVersion,
            title: format!("Plan version {}", v.version),
            detail: v.what.clone(),
            link: Some(format!("/plans/{}/history", v.plan_id)),
        });
    }
    for p in plans {
        for m in &p.core_group_meetings {
            let low = m.safety.iter().map(|r| r.rating).min();
            let detail = match low {
                Some(l) => format!(
                    "{} present; safety ratings from {} to {}{}",
                    m.present.len(),
                    l,
                    m.safety.iter().map(|r| r.rating).max().unwrap_or(l),
                    if m.concern_for_review.is_some() { "; a concern for the review" } else { "" }
                ),
                None => format!("{} present", m.present.len()),
            };
            out.push(TimelineEntry {
                on: m.held_on,
                kind: TimelineKind::CoreGroup,
                title: format!("Core group meeting {}", m.number),
                detail,
                link: Some(format!("/plans/{}#core-group-meetings", p.id)),
            });
        }
        for a in &p.actions {
            let status = match done_on(a) {
                Some(d) if d <= a.due => format!("Done on time ({})", d.format("%-d %B %Y")),
                Some(d) => format!("Done late ({})", d.format("%-d %B %Y")),
                None => a.status.label().to_owned(),
            };
            out.push(TimelineEntry {
                on: a.due,
                kind: TimelineKind::ActionDue,
                title: format!("Action {} due: {}", a.number, a.what),
                detail: format!("{}: {}", a.owner_name, status),
                link: Some(format!("/plans/{}#actions", p.id)),
            });
        }
    }
    out.sort_by_key(|a| (a.on, a.kind));
    out
}

/// CG-03: the safety ratings of the child's plans over time: (meeting day, lowest, average).
pub fn safety_over_time(plans: &[Plan]) -> Vec<(NaiveDate, u8, f32)> {
    let mut out: Vec<(NaiveDate, u8, f32)> = plans.iter().flat_map(|p| p.safety_over_time()).collect();
    out.sort_by_key(|x| x.0);
    out
}

/// Who the notes of a core group meeting are for (CG-03): a professional of the core group,
/// who reads them whole, or a parent or carer, with what the latest conference about the child
/// lets them see (EXC-06).
#[derive(Debug, Clone, Copy)]
pub enum NotesReader<'a> {
    Professional,
    FamilyMember { adult: &'a AdultId, visibility: &'a Visibility },
}

fn status_cy(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::NotStarted => "Heb ddechrau",
        ActionStatus::InProgress => "Wedi dechrau",
        ActionStatus::Done => "Wedi'i wneud",
        ActionStatus::NotDone => "Heb ei wneud",
    }
}

/// CG-03, EXC-06, EXC-04: the notes of core group meeting `number` of a plan, as an e-mail to
/// one member of the core group, in the version they may see. A professional, and a parent
/// or carer who was not excluded, get who was there, the progress on each action with its
/// evidence, each person's safety rating, the new actions, any concern for an earlier review,
/// and the next dates. A parent excluded from any part of the latest conference gets only
/// their own actions and the dates, and no core group date if excluded from the whole of it.
/// Like every e-mail confer sends, it names neither the child nor the family in its subject,
/// and it is in English and Welsh where the authority is in Wales (LANG-04). None when the
/// plan has no such meeting.
pub fn core_group_notes(
    authority: &str,
    nation: crate::Nation,
    plan: &Plan,
    number: u32,
    reader: NotesReader<'_>,
    today: NaiveDate,
) -> Option<crate::notices::Notice> {
    use crate::notices::{bilingual, date_cy, date_en, Notice};
    let m = plan.core_group_meetings.iter().find(|m| m.number == number)?;
    let name_of = |who: &crate::plan::Member| {
        plan.core_group.iter().find(|c| &c.person == who).map(|c| c.name.clone()).unwrap_or_default()
    };
    let (own, withheld, core_group_date) = match reader {
        NotesReader::Professional => (None, false, plan.core_group_due_by),
        NotesReader::FamilyMember { adult, visibility } => {
            let fp = for_parent(plan, adult, visibility, today);
            (Some(adult), fp.withheld, fp.next_core_group)
        }
    };
    let shown = |a: &PlanAction| match (withheld, own) {
        (true, Some(adult)) => matches!(&a.owner, ActionOwner::FamilyMember(x) if x == adult),
        (true, None) => false,
        (false, _) => true,
    };
    let action = |n: u32| plan.actions.iter().find(|a| a.number == n);
    let (mut en, mut cy) = (Vec::new(), Vec::new());
    en.push(format!(
        "{authority}: the notes of the core group meeting held on {}, for a child protection plan you are part of.",
        date_en(m.held_on)
    ));
    cy.push(format!(
        "{authority}: nodiadau cyfarfod y grŵp craidd a gynhaliwyd ar {}, ar gyfer cynllun amddiffyn plant rydych chi'n rhan ohono.",
        date_cy(m.held_on)
    ));
    if withheld {
        en.push("Some parts of these notes are not shown to you, because of a decision the chair made at the conference. You can still see your own tasks and the dates of the meetings. Ask the social worker if you have questions.".into());
        cy.push("Nid yw rhai rhannau o'r nodiadau hyn yn cael eu dangos i chi, oherwydd penderfyniad a wnaeth y cadeirydd yn y gynhadledd. Gallwch weld eich tasgau eich hun a dyddiadau'r cyfarfodydd o hyd. Gofynnwch i'r gweithiwr cymdeithasol os oes gennych gwestiynau.".into());
    } else {
        let present: Vec<String> = m.present.iter().map(name_of).filter(|n| !n.is_empty()).collect();
        en.push(format!("Who was there: {}.", present.join(", ")));
        cy.push(format!("Pwy oedd yno: {}.", present.join(", ")));
    }
    let progress: Vec<(String, String)> = m
        .progress
        .iter()
        .filter_map(|p| Some((p, action(p.number).filter(|a| shown(a))?)))
        .map(|(p, a)| {
            (
                format!("- Action {}, {} ({}): {}. {}", a.number, a.what, a.owner_name, p.status.label(), p.evidence),
                format!("- Tasg {}, {} ({}): {}. {}", a.number, a.what, a.owner_name, status_cy(p.status), p.evidence),
            )
        })
        .collect();
    if !progress.is_empty() {
        en.push(format!(
            "How the actions are going:\n{}",
            progress.iter().map(|x| x.0.clone()).collect::<Vec<_>>().join("\n")
        ));
        cy.push(format!(
            "Sut mae'r tasgau'n mynd:\n{}",
            progress.iter().map(|x| x.1.clone()).collect::<Vec<_>>().join("\n")
        ));
    }
    if !withheld && !m.safety.is_empty() {
        let ratings: Vec<String> = m.safety.iter().map(|r| format!("- {}: {}", name_of(&r.member), r.rating)).collect();
        en.push(format!("How safe each person thinks the child is now, from 0 (not safe at all) to 10 (safe enough for the plan to end):\n{}", ratings.join("\n")));
        cy.push(format!("Pa mor ddiogel mae pob person yn meddwl yw'r plentyn nawr, o 0 (ddim yn ddiogel o gwbl) i 10 (digon diogel i'r cynllun ddod i ben):\n{}", ratings.join("\n")));
    }
    let new: Vec<&PlanAction> = m.new_actions.iter().filter_map(|n| action(*n)).filter(|a| shown(a)).collect();
    if !new.is_empty() {
        en.push(format!(
            "New actions:\n{}",
            new.iter()
                .map(|a| format!("- Action {}, {} ({}), by {}", a.number, a.what, a.owner_name, date_en(a.due)))
                .collect::<Vec<_>>()
                .join("\n")
        ));
        cy.push(format!(
            "Tasgau newydd:\n{}",
            new.iter()
                .map(|a| format!("- Tasg {}, {} ({}), erbyn {}", a.number, a.what, a.owner_name, date_cy(a.due)))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if let (false, Some(concern)) = (withheld, &m.concern_for_review) {
        en.push(format!("A concern that may bring the review forward: {concern}"));
        cy.push(format!("Pryder a allai ddod â'r adolygiad ymlaen: {concern}"));
    }
    let mut dates_en = Vec::new();
    let mut dates_cy = Vec::new();
    if let Some(d) = core_group_date.filter(|_| plan.is_active()) {
        dates_en.push(format!("The next core group meeting is due by {}.", date_en(d)));
        dates_cy.push(format!("Mae cyfarfod nesaf y grŵp craidd i fod erbyn {}.", date_cy(d)));
    }
    if let Some(d) = plan.next_review_by {
        dates_en.push(format!("The next review conference is due by {}.", date_en(d)));
        dates_cy.push(format!("Mae'r gynhadledd adolygu nesaf i fod erbyn {}.", date_cy(d)));
    }
    en.extend(dates_en);
    cy.extend(dates_cy);
    en.push("Sign in to confer to read the whole plan.".into());
    cy.push("Mewngofnodwch i confer i ddarllen y cynllun cyfan.".into());
    let subject_en = format!("Notes of a core group meeting on {}", date_en(m.held_on));
    let (en, cy) = (en.join("\n\n"), cy.join("\n\n"));
    Some(if nation == crate::Nation::Wales {
        Notice {
            subject: format!("{subject_en} / Nodiadau cyfarfod grŵp craidd ar {}", date_cy(m.held_on)),
            body: bilingual(&en, &cy),
        }
    } else {
        Notice { subject: subject_en, body: en }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::{ConferenceId, PlanCategory};
    use crate::plan::*;
    use chrono::{TimeZone, Utc};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn action(number: u32, owner: ActionOwner, due: &str) -> PlanAction {
        PlanAction {
            number,
            what: format!("Action {number}"),
            owner_name: format!("Owner {number}"),
            owner,
            due: d(due),
            status: ActionStatus::NotStarted,
            not_done_reason: None,
            updates: vec![],
            conference_action: None,
        }
    }

    fn plan() -> Plan {
        let conference = ConferenceId("c1".into());
        Plan {
            id: PlanId("p1".into()),
            authority_id: "la1".into(),
            family_id: "f1".into(),
            case_id: "case1".into(),
            child_id: "child1".into(),
            child_name: "Amy".into(),
            kind: PlanKind::ChildProtection,
            key_worker: "sw".into(),
            started_on: d("2026-11-20"),
            started_by: conference.clone(),
            categories: vec![CategoryChange {
                category: PlanCategory::Neglect,
                from: d("2026-11-20"),
                conference_id: conference,
            }],
            outline: Outline {
                concerns: vec![Concern {
                    concern: "Left without food.".into(),
                    why_change_is_needed: "Hunger.".into(),
                }],
                child_needs: "Meals every day.".into(),
                ..Outline::default()
            },
            actions: vec![
                action(1, ActionOwner::Professional(ProfessionalId("p-school".into())), "2026-11-27"),
                action(2, ActionOwner::FamilyMember(AdultId("mum".into())), "2026-12-04"),
                action(3, ActionOwner::Agency("Housing".into()), "2026-12-20"),
            ],
            core_group: vec![],
            previous_plans: 0,
            core_group_due_by: Some(d("2026-12-04")),
            core_group_meetings: vec![],
            review_brought_forward: None,
            next_review_by: Some(d("2027-02-20")),
            ended: None,
            lifecycle: Default::default(),
            arrangements: Default::default(),
        }
    }

    #[test]
    fn plan_06_plan_02_a_parent_reads_the_whole_plan_with_their_own_actions_first() {
        let p = for_parent(&plan(), &AdultId("mum".into()), &Visibility::FAMILY, d("2026-11-30"));
        assert!(!p.withheld);
        assert_eq!(p.concerns.len(), 1);
        assert_eq!(p.child_needs, "Meals every day.");
        assert_eq!(p.actions.iter().map(|a| a.number).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert!(p.actions[0].mine && !p.actions[1].mine);
        assert!(p.actions[1].overdue, "action 1 was due on 27 November");
        assert_eq!(p.next_core_group, Some(d("2026-12-04")));
        assert_eq!(p.next_review, Some(d("2027-02-20")));
    }

    #[test]
    fn exc_06_an_excluded_parent_sees_only_their_own_actions_and_no_meeting_details() {
        let p = for_parent(&plan(), &AdultId("mum".into()), &Visibility::LEAST, d("2026-11-30"));
        assert!(p.withheld);
        assert!(p.concerns.is_empty() && p.child_needs.is_empty());
        assert_eq!(p.actions.iter().map(|a| a.number).collect::<Vec<_>>(), vec![2]);
        assert_eq!(p.next_core_group, None, "excluded from the whole conference: not when the core group meets");
        assert_eq!(p.next_review, Some(d("2027-02-20")));
        // Another adult of the family owns no action: none shown.
        let other = for_parent(&plan(), &AdultId("dad".into()), &Visibility::LEAST, d("2026-11-30"));
        assert!(other.actions.is_empty());
    }

    #[test]
    fn plan_06_child_04_only_the_family_reads_a_plan_in_the_portal_and_never_the_staff_view() {
        use crate::access::{decide, Action, Actor, Decision, Relationship, Target};
        use crate::Role;
        let actor =
            |r: Role| Actor { user_id: "u".into(), authority_id: "la1".into(), roles: [r].into_iter().collect() };
        let la: crate::AuthorityId = "la1".into();
        let family = [Relationship::FamilyMember];
        let own = Target::Record { authority_id: &la, relationships: &family };
        let none = Target::Record { authority_id: &la, relationships: &[] };
        for r in [Role::Parent, Role::YoungPerson] {
            assert_eq!(decide(&actor(r), Action::ViewFamilyPlan, own), Decision::Allow, "{r}");
            assert_eq!(decide(&actor(r), Action::ViewFamilyPlan, none), Decision::NotFound, "{r}");
            assert_eq!(decide(&actor(r), Action::ViewPlan, own), Decision::NotFound, "{r}: not the staff view");
        }
        // A supporter is not given the plan; staff read it through the staff pages only (the
        // allocated worker may know the family's record exists: 403, not 404).
        assert_eq!(decide(&actor(Role::Supporter), Action::ViewFamilyPlan, own), Decision::NotFound);
        let allocated = [Relationship::AllocatedWorker];
        let staff = Target::Record { authority_id: &la, relationships: &allocated };
        assert_eq!(decide(&actor(Role::SocialWorker), Action::ViewFamilyPlan, staff), Decision::Forbidden);
    }

    #[test]
    fn child_04_the_young_persons_version_needs_words_and_not_too_many() {
        assert!(check_young_persons_version("  ").is_err());
        assert_eq!(check_young_persons_version(" Your plan. ").unwrap(), "Your plan.");
        assert!(check_young_persons_version(&"a".repeat(YOUNG_PERSONS_VERSION_MAX + 1)).is_err());
    }

    #[test]
    fn plan_02_a_partner_professionals_actions_and_those_done_on_time() {
        let mut p = plan();
        let me = ProfessionalId("p-school".into());
        assert_eq!(owned_by(&p, &me).len(), 1);
        let who = PlanActing { user_id: "t".into(), leads: false, professional: Some(me.clone()) };
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        p.update_action(&who, 1, ActionStatus::Done, "Breakfast club", at).unwrap();
        assert!(done_on_time(&p.actions[0]));
        let late = Utc.with_ymd_and_hms(2026, 12, 10, 10, 0, 0).unwrap();
        let lead = PlanActing { user_id: "sw".into(), leads: true, professional: None };
        p.update_action(&lead, 2, ActionStatus::Done, "Done", late).unwrap();
        assert!(!done_on_time(&p.actions[1]));
        let points = actions_on_time(std::slice::from_ref(&p), d("2026-12-21"));
        assert_eq!(points, vec![OnTime { on: d("2026-12-21"), due: 3, done_on_time: 1 }]);
    }

    #[test]
    fn cg_03_the_timeline_lists_conferences_versions_core_groups_and_actions_in_date_order() {
        let mut p = plan();
        let lead = PlanActing { user_id: "sw".into(), leads: true, professional: None };
        let kw = Member::KeyWorker("sw".into());
        p.core_group.push(CoreGroupMember {
            person: kw.clone(),
            name: "KW".into(),
            description: String::new(),
            user_id: None,
        });
        let input = CoreGroupMeetingInput {
            held_on: d("2026-12-01"),
            present: vec![kw.clone()],
            progress: (1..=3)
                .map(|n| ActionProgress { number: n, status: ActionStatus::InProgress, evidence: "Some.".into() })
                .collect(),
            safety: vec![SafetyRating { member: kw, rating: 4 }],
            new_actions: vec![],
            concern_for_review: None,
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        p.record_core_group_meeting(&lead, input, None, d("2026-12-01"), now).unwrap();
        let conferences = [ConferenceLine {
            id: "c1".into(),
            on: d("2026-11-20"),
            kind: "Initial conference".into(),
            state: "Closed".into(),
        }];
        let versions =
            [VersionLine { plan_id: "p1".into(), version: 1, on: d("2026-11-20"), what: "Plan made".into() }];
        let t = timeline(&conferences, std::slice::from_ref(&p), &versions);
        let kinds: Vec<TimelineKind> = t.iter().map(|e| e.kind).collect();
        use TimelineKind::*;
        assert_eq!(kinds, vec![Conference, PlanVersion, ActionDue, CoreGroup, ActionDue, ActionDue]);
        assert!(t.windows(2).all(|w| w[0].on <= w[1].on));
        assert_eq!(safety_over_time(&[p]), vec![(d("2026-12-01"), 4, 4.0)]);
    }

    fn met(p: &mut Plan) -> u32 {
        let kw = Member::KeyWorker("sw".into());
        let school = Member::Professional(ProfessionalId("p-school".into()));
        let mum = Member::FamilyMember(AdultId("mum".into()));
        for (person, name) in [(kw.clone(), "Sam Worker"), (school.clone(), "Tia Teacher"), (mum, "Mia Brook")] {
            p.core_group.push(CoreGroupMember { person, name: name.into(), description: String::new(), user_id: None });
        }
        let lead = PlanActing { user_id: "sw".into(), leads: true, professional: None };
        let input = CoreGroupMeetingInput {
            held_on: d("2026-11-25"),
            present: vec![kw.clone(), school.clone()],
            progress: vec![
                ActionProgress { number: 1, status: ActionStatus::InProgress, evidence: "Twice a week.".into() },
                ActionProgress { number: 2, status: ActionStatus::InProgress, evidence: "Mum has started.".into() },
                ActionProgress {
                    number: 3,
                    status: ActionStatus::NotStarted,
                    evidence: "Housing has not called.".into(),
                },
            ],
            safety: vec![SafetyRating { member: kw, rating: 4 }, SafetyRating { member: school, rating: 6 }],
            new_actions: vec![NewAction {
                what: "Fix the boiler".into(),
                owner: ActionOwner::Agency("Housing".into()),
                owner_name: "Housing".into(),
                due: d("2026-12-18"),
            }],
            concern_for_review: Some("Amy is afraid at night.".into()),
        };
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        p.record_core_group_meeting(&lead, input, Some(d("2027-01-06")), d("2026-11-25"), at).unwrap()
    }

    #[test]
    fn cg_03_exc_06_core_group_notes_go_to_each_member_in_the_version_they_may_see() {
        let mut p = plan();
        let n = met(&mut p);
        let today = d("2026-11-25");
        let whole = core_group_notes("Testshire", crate::Nation::England, &p, n, NotesReader::Professional, today)
            .expect("the notes");
        assert_eq!(whole.subject, "Notes of a core group meeting on Wednesday 25 November 2026");
        assert!(!whole.subject.contains("Amy"), "no child's name in the subject");
        for part in [
            "Who was there: Sam Worker, Tia Teacher.",
            "Action 1, Action 1 (Owner 1): In progress. Twice a week.",
            "Action 3, Action 3 (Owner 3): Not started. Housing has not called.",
            "- Tia Teacher: 6",
            "Action 4, Fix the boiler (Housing), by Friday 18 December 2026",
            "Amy is afraid at night.",
            "The next core group meeting is due by Wednesday 6 January 2027.",
            "The next review conference is due by Saturday 20 February 2027.",
        ] {
            assert!(whole.body.contains(part), "{part} in {}", whole.body);
        }
        // A parent who was not excluded reads the same notes.
        let mum = AdultId("mum".into());
        let family = NotesReader::FamilyMember { adult: &mum, visibility: &Visibility::FAMILY };
        let hers = core_group_notes("Testshire", crate::Nation::England, &p, n, family, today).unwrap();
        assert_eq!(hers.body, whole.body);
        // Excluded from the whole conference: only her own action and the review date.
        let excluded = NotesReader::FamilyMember { adult: &mum, visibility: &Visibility::LEAST };
        let hers = core_group_notes("Testshire", crate::Nation::England, &p, n, excluded, today).unwrap();
        assert!(hers.body.contains("Some parts of these notes are not shown to you"));
        assert!(hers.body.contains("Action 2, Action 2 (Owner 2): In progress. Mum has started."));
        for hidden in [
            "Twice a week.",
            "Housing has not called.",
            "Fix the boiler",
            "afraid",
            "Tia Teacher",
            "core group meeting is due",
        ] {
            assert!(!hers.body.contains(hidden), "{hidden} is not for her: {}", hers.body);
        }
        assert!(hers.body.contains("The next review conference is due by"));
        // In Wales, English and Welsh.
        let cy = core_group_notes("Testshire", crate::Nation::Wales, &p, n, NotesReader::Professional, today).unwrap();
        assert!(
            cy.subject.contains("Nodiadau cyfarfod grŵp craidd ar Dydd Mercher 25 Tachwedd 2026"),
            "{}",
            cy.subject
        );
        assert!(cy.body.contains("Sut mae'r tasgau'n mynd") && cy.body.contains("Who was there"));
        assert!(core_group_notes("Testshire", crate::Nation::England, &p, n + 1, NotesReader::Professional, today)
            .is_none());
    }

    #[test]
    fn cg_02_exc_04_a_parent_sees_the_meeting_arranged_unless_excluded_from_the_whole_conference() {
        let mut p = plan();
        let today = d("2026-11-25");
        let mum = AdultId("mum".into());
        assert_eq!(for_parent(&p, &mum, &Visibility::FAMILY, today).next_meeting, None, "nothing arranged");
        p.arrangements.next = Some(ArrangedCoreGroup {
            number: 1,
            on: d("2026-12-02"),
            at: chrono::NaiveTime::from_hms_opt(14, 30, 0).unwrap(),
            venue: Some("Family Centre".into()),
            online: true,
            invited: vec![],
            late_reason: Some("Not for the family's eyes.".into()),
            arranged_by: "sw".into(),
            arranged_at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
            moves: vec![],
        });
        let seen = for_parent(&p, &mum, &Visibility::FAMILY, today).next_meeting.expect("shown");
        assert_eq!(
            (seen.on, seen.at.as_str(), seen.venue.as_deref(), seen.online),
            (d("2026-12-02"), "14:30", Some("Family Centre"), true)
        );
        assert_eq!(for_parent(&p, &mum, &Visibility::LEAST, today).next_meeting, None, "EXC-04");
    }
}
