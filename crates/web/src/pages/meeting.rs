//! The live meeting page, for the chair and the note taker: start; attendance per invitation
//! (MEET-02); the discussion under the six headings (MEET-05); parents' corrections (MEET-06);
//! each professional's view per child and the parents' views (DEC-02); plan actions as they
//! are agreed (MEET-07); the decision per child (DEC-01..03, INV-03); dissent (DIS-01/02);
//! close (DEC-05, REV-01). What has been recorded is shown in the order it was agreed.
//!
//! The same access policy, domain operations and store save as the API; see
//! [`super::conferences`] for how refusals and conflicts are shown.

use super::conferences::{
    allow, date_field, done, finish, invitation_rows, may, people_opts, person_of, to_app, DoneQuery, Home, Kept, Opt,
    Problem, Sent,
};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveTime;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_domain::{AdultId, ChildId};
use confer_ops::conference;
use confer_store::conferences::{self, Stored};

/// One thing recorded in the meeting, for the list in the order it was agreed.
pub struct Entry {
    pub time: String,
    pub what: String,
    pub text: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    c: &'a Conference,
    family_name: String,
    state: String,
    state_tag: &'static str,
    quorum: String,
    quorate: bool,
    may_chair: bool,
    may_record: bool,
    kept: &'a Kept,
    timeline: Vec<Entry>,
    attendance: Vec<(String, String)>,
    professional_views: Vec<(String, String, String, String)>,
    parent_views: Vec<(String, String)>,
    actions: Vec<(u32, String, String, String, String)>,
    decisions: Vec<(String, String)>,
    invitations: Vec<Opt>,
    children: Vec<Opt>,
    family: Vec<Opt>,
    professionals: Vec<Opt>,
    owners: Vec<Opt>,
    presences: &'static [Presence],
    headings: &'static [DiscussionHeading],
    categories: &'static [PlanCategory],
    outcomes: Vec<Opt>,
}

impl MeetingPage<'_> {
    fn presence_opts(&self) -> Vec<Opt> {
        self.presences.iter().map(|p| Opt::new(p.as_str(), p.label())).collect()
    }
    fn part_opts(&self) -> Vec<Opt> {
        super::conferences::agenda_part_opts()
    }
    fn heading_opts(&self) -> Vec<Opt> {
        self.headings.iter().map(|p| Opt::new(p.as_str(), p.label())).collect()
    }
    fn category_opts(&self) -> Vec<Opt> {
        self.categories.iter().map(|p| Opt::new(p.as_str(), p.label())).collect()
    }
    fn view_opts(&self) -> Vec<Opt> {
        PlanView::ALL.iter().map(|p| Opt::new(p.as_str(), p.label())).collect()
    }
}

fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "start" => "The conference has started.",
            "attendance" => "Attendance recorded.",
            "discussion" => "Added to the discussion.",
            "correction" => "Correction recorded.",
            "professional-view" => "The professional's view has been recorded.",
            "parent-view" => "The parent's views have been recorded.",
            "action" => "The plan action has been recorded.",
            "decision" => "The decision has been recorded.",
            "dissent" => "The dissent has been recorded.",
            "close" => "The conference is closed. The note taker can now write the record.",
            "present" => "The views have been recorded as presented to the conference.",
            "legal" => "The recommendation has been recorded.",
            _ => return None,
        }
        .to_owned(),
    )
}

fn child_name(c: &Conference, id: &ChildId) -> String {
    c.name_of(&Person::Child(id.clone()))
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    meeting_page(&state, &ctx, &id, FormErrors::default(), &Kept::default(), q.done.as_deref()).await
}

pub async fn meeting_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let a = allow(state, ctx, Action::RecordMeeting, id).await?;
    let Stored { conference: c, version, .. } = conferences::load(&state.db, id).await?;
    conferences::log_read(&state.db, &a.owner.authority_id, &ctx.actor.user_id, a.owner.family_id.as_str(), id).await?;
    let rules = Rules::load(state, &a.owner.authority_id).await.map_err(to_app)?;
    let policy = rules.policy(c.date().unwrap_or_else(|| state.settings.clock.today()));
    let quorum = c.quorum(&policy);

    // MEET-07: everything with a time, in the order it was agreed.
    let mut timeline: Vec<(chrono::DateTime<chrono::Utc>, Entry)> = Vec::new();
    let mark = crate::uk_time::clock_time;
    for d in c.discussion() {
        let mut note = Vec::new();
        if let Some(ch) = &d.child {
            note.push(format!("About {}", child_name(&c, ch)));
        }
        if let Some(p) = &d.part {
            note.push(format!("In the part \"{}\"", p.label()));
        }
        if d.restricted {
            note.push("Restricted: never shown to the family".into());
        }
        timeline.push((
            d.at,
            Entry { time: mark(&d.at), what: d.heading.label().into(), text: d.text.clone(), note: note.join(". ") },
        ));
    }
    for k in c.corrections() {
        timeline.push((
            k.at,
            Entry {
                time: mark(&k.at),
                what: format!("Correction by {}", c.name_of(&k.by)),
                text: format!("\"{}\" is corrected: {}", k.what_was_said, k.correction),
                note: String::new(),
            },
        ));
    }
    for p in c.plan_actions() {
        timeline.push((
            p.recorded_at,
            Entry {
                time: mark(&p.recorded_at),
                what: format!("Plan action {}", p.id.0),
                text: p.what.clone(),
                note: format!("Due by {}", view::long_date(&p.due)),
            },
        ));
    }
    for d in c.decisions() {
        timeline.push((
            d.decided_at,
            Entry {
                time: mark(&d.decided_at),
                what: format!("Decision for {}", child_name(&c, &d.child)),
                text: d.outcome.describe(),
                note: d.inquorate_reason.as_ref().map(|r| format!("Made without a quorum: {r}")).unwrap_or_default(),
            },
        ));
    }
    for d in c.dissents() {
        timeline.push((
            d.at,
            Entry {
                time: mark(&d.at),
                what: "Dissent".into(),
                text: d.reasons.clone(),
                note: format!("The chair's response: {}", d.chair_response),
            },
        ));
    }
    timeline.sort_by_key(|(at, _)| *at);

    let attendance = invitation_rows(&c)
        .into_iter()
        .map(|r| {
            let a = c.attendance().iter().find(|x| x.invitation.0 == r.number);
            let text = match a {
                None => "Not recorded yet".to_owned(),
                Some(a) => {
                    let mut t = a.presence.label().to_owned();
                    if !a.parts.is_empty() {
                        let parts: Vec<&str> = a.parts.iter().map(|p| p.label()).collect();
                        t.push_str(&format!(", for: {}", parts.join(", ")));
                    }
                    if let Some(l) = a.arrived_late_at {
                        t.push_str(&format!(", arrived late at {}", l.format("%H:%M")));
                    }
                    if let Some(l) = a.left_early_at {
                        t.push_str(&format!(", left early at {}", l.format("%H:%M")));
                    }
                    t
                }
            };
            (format!("{} ({})", r.who, r.as_what), text)
        })
        .collect();
    let professional_views = c
        .professional_views()
        .iter()
        .map(|v| {
            (
                c.name_of(&Person::Professional(v.professional.clone())),
                child_name(&c, &v.child),
                v.view.label().to_owned(),
                v.reasons.clone(),
            )
        })
        .collect();
    let parent_views = c
        .parent_views()
        .iter()
        .map(|v| {
            let about = v.child.as_ref().map(|ch| format!(" (about {})", child_name(&c, ch))).unwrap_or_default();
            (format!("{}{about}", c.name_of(&Person::FamilyMember(v.adult_id.clone()))), v.views.clone())
        })
        .collect();
    let actions = c
        .plan_actions()
        .iter()
        .map(|p| {
            let owner = match &p.owner {
                ActionOwner::Professional(x) => c.name_of(&Person::Professional(x.clone())),
                ActionOwner::FamilyMember(x) => c.name_of(&Person::FamilyMember(x.clone())),
                ActionOwner::Agency(x) => x.clone(),
            };
            let children = p.children.iter().map(|ch| child_name(&c, ch)).collect::<Vec<_>>().join(", ");
            (p.id.0, p.what.clone(), children, owner, view::long_date(&p.due))
        })
        .collect();
    let decisions = c
        .children()
        .iter()
        .map(|ch| {
            let d =
                c.decision_for(&ch.child_id).map(|d| d.outcome.describe()).unwrap_or_else(|| "Not decided yet".into());
            (ch.name.clone(), d)
        })
        .collect();
    let outcomes = vec![
        Opt::new("child-protection-plan", "A child protection plan (choose the category)"),
        Opt::new("child-in-need-plan", "A child in need plan"),
        Opt::new("no-further-plan", "No further plan"),
        Opt::new("continue-plan", "Review: the child protection plan continues (choose the category)"),
        Opt::new("end-plan-step-down-to-child-in-need", "Review: the plan ends, stepping down to a child in need plan"),
        Opt::new("end-plan-no-further-plan", "Review: the plan ends with no further plan"),
    ];
    let mut page = ctx.page(&format!("Meeting: {} for the {}", c.kind().label(), a.owner.family_name), "/conferences");
    page.errors = errors;
    page.notice = done.and_then(notice_for);
    Ok(view::render(&MeetingPage {
        page: &page,
        id,
        version,
        family_name: a.owner.family_name.clone(),
        state: c.state().label().to_owned(),
        state_tag: super::conferences::state_tag(c.state()),
        quorum: if quorum.is_quorate() {
            format!("Quorate: {} agencies present, including children's social care.", quorum.agencies_present.len())
        } else {
            format!("Not quorate: {}.", quorum.shortfall())
        },
        quorate: quorum.is_quorate(),
        may_chair: may(ctx, &a, Action::ChairConference),
        may_record: may(ctx, &a, Action::RecordMeeting),
        kept,
        timeline: timeline.into_iter().map(|(_, e)| e).collect(),
        attendance,
        professional_views,
        parent_views,
        actions,
        decisions,
        invitations: invitation_rows(&c)
            .into_iter()
            .map(|r| Opt::new(r.number.to_string(), format!("{} ({})", r.who, r.as_what)))
            .collect(),
        children: c.children().iter().map(|ch| Opt::new(ch.child_id.as_str(), ch.name.clone())).collect(),
        family: c
            .family_members()
            .iter()
            .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
            .collect(),
        professionals: c
            .professionals()
            .iter()
            .map(|p| Opt::new(p.professional_id.as_str(), format!("{}, {} ({})", p.name, p.job_title, p.agency_name)))
            .collect(),
        owners: people_opts(&c, true, true, false),
        presences: Presence::ALL,
        headings: DiscussionHeading::ALL,
        categories: PlanCategory::ALL,
        outcomes,
        c: &c,
    }))
}

fn time_field(sent: &Sent, field: &'static str) -> Result<Option<NaiveTime>, Problem> {
    match sent.opt(field) {
        None => Ok(None),
        Some(t) => NaiveTime::parse_from_str(&t, "%H:%M")
            .map(Some)
            .map_err(|_| Problem::Field(field, "Enter a time of day, like 10:15".into())),
    }
}

macro_rules! form_handler {
    ($name:ident, $action:expr, $form:literal, $field:literal, |$state:ident, $ctx:ident, $id:ident, $sent:ident, $v:ident| $body:block) => {
        pub async fn $name(
            State($state): State<SharedState>,
            $ctx: Ctx,
            Path($id): Path<String>,
            Form(f): Form<Vec<(String, String)>>,
        ) -> Result<Response, AppError> {
            allow(&$state, &$ctx, $action, &$id).await?;
            let $sent = Sent(f);
            let $v = $sent.version()?;
            let r: Result<(), Problem> = async { $body }.await;
            finish(&$state, &$ctx, &$id, Home::Meeting, $form, $field, $sent, r).await
        }
    };
}

form_handler!(start, Action::ChairConference, "start", "start", |state, ctx, id, sent, v| {
    done(conference::start_meeting(&state.ops, &ctx.actor, &id, v).await)
});

form_handler!(attendance, Action::RecordMeeting, "attendance", "invitation", |state, ctx, id, sent, v| {
    let Ok(number) = sent.get("invitation").parse::<u32>() else {
        return Err(Problem::Field("invitation", "Select who this is".into()));
    };
    let presence = Presence::parse(sent.get("presence"))
        .ok_or_else(|| Problem::Field("presence", "Select how they took part".into()))?;
    // MEET-02, EXC-03: the parts are chosen from the agenda's list; none means the whole conference.
    let mut parts = Vec::new();
    for p in sent.all("parts").iter().filter(|p| !p.trim().is_empty()) {
        parts.push(Part::chosen(p).ok_or_else(|| Problem::Field("parts", "Choose the parts from the list".into()))?);
    }
    let attendance = Attendance {
        invitation: InvitationId(number),
        presence,
        parts,
        arrived_late_at: time_field(&sent, "arrived_late_at")?,
        left_early_at: time_field(&sent, "left_early_at")?,
    };
    done(conference::attendance(&state.ops, &ctx.actor, &id, v, conference::AttendanceInput { attendance }).await)
});

form_handler!(discussion, Action::RecordMeeting, "discussion", "text", |state, ctx, id, sent, v| {
    let heading = DiscussionHeading::parse(sent.get("heading"))
        .ok_or_else(|| Problem::Field("heading", "Select the heading it comes under".into()))?;
    // EXC-03: the part is chosen from the agenda's list, never typed.
    if sent.opt("part").is_some_and(|p| Part::chosen(&p).is_none()) {
        return Err(Problem::Field("part", "Choose the part of the conference from the list".into()));
    }
    let b = conference::DiscussionInput {
        heading,
        text: sent.get("text").to_owned(),
        part: sent.opt("part"),
        child_id: sent.opt("child_id"),
        restricted: sent.yes("restricted"),
    };
    done(conference::discussion(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(correction, Action::RecordMeeting, "correction", "what_was_said", |state, ctx, id, sent, v| {
    let Some(by) = sent.opt("by").map(|x| Person::FamilyMember(AdultId(x))) else {
        return Err(Problem::Field("by", "Select who made the correction".into()));
    };
    let b = conference::CorrectionInput {
        by,
        what_was_said: sent.get("what_was_said").to_owned(),
        correction: sent.get("correction").to_owned(),
    };
    done(conference::correction(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(
    professional_view,
    Action::ChairConference,
    "professional-view",
    "professional_id",
    |state, ctx, id, sent, v| {
        let Some(professional_id) = sent.opt("professional_id") else {
            return Err(Problem::Field("professional_id", "Select the professional".into()));
        };
        let Some(child_id) = sent.opt("child_id") else {
            return Err(Problem::Field("child_id", "Select the child".into()));
        };
        let view =
            PlanView::parse(sent.get("view")).ok_or_else(|| Problem::Field("view", "Select their view".into()))?;
        let b = conference::ProfessionalViewInput {
            professional_id,
            child_id,
            view,
            reasons: sent.get("reasons").to_owned(),
        };
        done(conference::professional_view(&state.ops, &ctx.actor, &id, v, b).await)
    }
);

form_handler!(parent_view, Action::RecordMeeting, "parent-view", "adult_id", |state, ctx, id, sent, v| {
    let Some(adult_id) = sent.opt("adult_id") else {
        return Err(Problem::Field("adult_id", "Select the parent or carer".into()));
    };
    let b =
        conference::ParentViewInput { adult_id, child_id: sent.opt("child_id"), views: sent.get("views").to_owned() };
    done(conference::parent_view(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(plan_action, Action::RecordMeeting, "action", "what", |state, ctx, id, sent, v| {
    let owner = match person_of(sent.get("owner")) {
        Some(Person::Professional(p)) => ActionOwner::Professional(p),
        Some(Person::FamilyMember(m)) => ActionOwner::FamilyMember(m),
        _ => match sent.opt("agency") {
            Some(agency) => ActionOwner::Agency(agency),
            None => return Err(Problem::Field("owner", "Select who will do it, or name the agency".into())),
        },
    };
    let Some(due) = date_field(&sent, "due")? else {
        return Err(Problem::Field("due", "Enter the date it is due by, for example 2026-12-18 or 18/12/2026".into()));
    };
    let b = conference::ActionInput { children: sent.all("children"), what: sent.get("what").to_owned(), owner, due };
    done(conference::plan_action(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(decision, Action::ChairConference, "decision", "outcome", |state, ctx, id, sent, v| {
    let Some(child_id) = sent.opt("child_id") else {
        return Err(Problem::Field("child_id", "Select the child".into()));
    };
    let category = || {
        PlanCategory::parse(sent.get("category"))
            .ok_or_else(|| Problem::Field("category", "Select the category of the child protection plan".into()))
    };
    let outcome = match sent.get("outcome") {
        "child-protection-plan" => ChildOutcome::ChildProtectionPlan { category: category()? },
        "child-in-need-plan" => ChildOutcome::ChildInNeedPlan,
        "no-further-plan" => ChildOutcome::NoFurtherPlan,
        "continue-plan" => ChildOutcome::ContinuePlan { category: category()? },
        "end-plan-step-down-to-child-in-need" => ChildOutcome::EndPlanStepDownToChildInNeed,
        "end-plan-no-further-plan" => ChildOutcome::EndPlanNoFurtherPlan,
        _ => return Err(Problem::Field("outcome", "Select the decision".into())),
    };
    let b = conference::DecideInput {
        child_id,
        outcome,
        continuing_risk_of_significant_harm: sent.yes("continuing_risk"),
        inquorate_reason: sent.opt("inquorate_reason"),
    };
    done(conference::decision(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(dissent, Action::ChairConference, "dissent", "professional_id", |state, ctx, id, sent, v| {
    let Some(professional_id) = sent.opt("professional_id") else {
        return Err(Problem::Field("professional_id", "Select the professional who disagrees".into()));
    };
    let b = conference::RecordDissentInput {
        professional_id,
        child_id: sent.opt("child_id"),
        reasons: sent.get("reasons").to_owned(),
        discussed_with_chair: sent.yes("discussed_with_chair"),
        chair_response: sent.get("chair_response").to_owned(),
    };
    done(conference::dissent(&state.ops, &ctx.actor, &id, v, b).await)
});

form_handler!(close, Action::ChairConference, "close", "next_review_on", |state, ctx, id, sent, v| {
    let b = conference::CloseInput { next_review_on: date_field(&sent, "next_review_on")? };
    done(conference::close(&state.ops, &ctx.actor, &id, v, b).await)
});
