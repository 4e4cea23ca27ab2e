//! The live meeting's forms, for the chair and the note taker: start; attendance per
//! invitation (MEET-02); the discussion under the six headings (MEET-05); parents' corrections
//! (MEET-06); each professional's view per child and the parents' views (DEC-02); plan actions
//! as they are agreed (MEET-07); the decision per child (DEC-01..03, INV-03); dissent
//! (DIS-01/02); a gathered view put before the conference (INV-07, CHILD-02); a recommendation
//! of legal action (DEC-04); close (DEC-05, REV-01). Each reads its fields into the
//! operation's input and calls the one operation in `confer_ops`; `finish` shows a refused form
//! again on its task's page with what was typed kept.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{allow, begin, date_field, done, finish, person_of, Home, Problem, Sent};
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveTime;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::AdultId;
use confer_ops::conference;
use confer_ops::OpsError;

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
    // PLAN-05: with "carry over only the ticked actions", the ticked actions of this child's
    // plan (each box is "child:number"); the others are closed at the step-down.
    let carry_over_actions = if sent.yes("choose_carry_over") {
        let prefix = format!("{child_id}:");
        let mut numbers = Vec::new();
        for v in sent.all("carry_over") {
            if let Some(n) = v.strip_prefix(&prefix) {
                numbers.push(n.parse::<u32>().map_err(|_| {
                    Problem::Field("carry_over", "Tick the actions to carry over from the list".into())
                })?);
            }
        }
        Some(numbers)
    } else {
        None
    };
    let b = conference::DecideInput {
        child_id,
        outcome,
        continuing_risk_of_significant_harm: sent.yes("continuing_risk"),
        inquorate_reason: sent.opt("inquorate_reason"),
        carry_over_actions,
        // Scotland (issue 15): asked on the page only where the nation's data asks for it; the
        // domain refuses it elsewhere and requires it there.
        reporter_referral: match sent.get("reporter_referred") {
            "yes" | "no" => Some(confer_domain::conference::ReporterReferral {
                referred: sent.get("reporter_referred") == "yes",
                reasons: sent.get("reporter_reasons").to_owned(),
            }),
            _ => None,
        },
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

/// The chair closes the conference. Issue 13: the answer names the core group meetings the
/// closing cancelled (a review that ends a plan), so the page after says so.
pub async fn close(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let sent = Sent(f);
    let v = sent.version()?;
    let mut cancelled = Vec::new();
    let r: Result<(), Problem> = async {
        let b = conference::CloseInput { next_review_on: date_field(&sent, "next_review_on")? };
        let changed = conference::close(&state.ops, &ctx.actor, &id, v, b).await.map_err(Problem::Ops)?;
        cancelled = conference::cancelled_meetings(&changed);
        Ok(())
    }
    .await;
    if r.is_ok() && !cancelled.is_empty() {
        let dates: Vec<String> = cancelled.iter().map(|d| d.to_string()).collect();
        let to = format!("{}?done=close&cancelled={}", super::after(&id, "close"), dates.join(","));
        return Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(&to)));
    }
    finish(&state, &ctx, &id, Home::Meeting, "close", "next_review_on", sent, r).await
}

/// INV-07, CHILD-02: the chair puts a letter, drawing or recording (or other views) before
/// the conference; a letter is recorded as read out.
pub async fn present_views(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::ChairConference, &id).await?;
    let n = n.parse::<u32>().map_err(|_| AppError::NotFound)?;
    let sent = Sent(f);
    let v = sent.version()?;
    let r = done(conference::present_views(&state.ops, &ctx.actor, &id, n, v).await);
    finish(&state, &ctx, &id, Home::Meeting, "present", "views", sent, r).await
}

/// DEC-04: the chair records that the conference recommends the authority consider legal
/// action. The record words it as a recommendation: the conference has no legal powers.
pub async fn legal_recommendation(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ChairConference, &id, f).await?;
    let r = async {
        let action = LegalAction::parse(sent.get("action"))
            .ok_or_else(|| Problem::Field("action", "Select what the conference recommends".into()))?;
        let b =
            conference::LegalInput { children: sent.all("children"), action, reasons: sent.get("reasons").to_owned() };
        done(conference::legal_recommendation(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    let field = match &r {
        Err(Problem::Ops(OpsError::Refused(ConferenceError::Missing { what }))) if what.contains("reasons") => {
            "reasons"
        }
        _ => "children",
    };
    finish(&state, &ctx, &id, Home::Meeting, "legal", field, sent, r).await
}
