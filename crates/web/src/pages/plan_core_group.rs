//! The core group meeting as a page (CG-03, CG-02, REV-02): from the plan, the key worker (or
//! anyone who leads the plan) records the day, who of the core group was there, the progress
//! on each open action with its evidence, a 0 to 10 safety rating from each person present,
//! new actions, and a concern that brings the review forward (with the earlier date). It is
//! the same operation as the API's (`confer_ops::plan::core_group_meeting`); a refusal shows
//! the form again with the reason and everything typed, with the API's status. The young
//! person's own version of the plan (CHILD-04) is written on its own page here too.

use super::conferences::{problem_status, Kept, Opt, Problem, Sent};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::ActionOwner;
use confer_domain::plan::{ActionProgress, ActionStatus, Member, Plan, SafetyRating};
use confer_domain::validate::{parse_date, FormErrors};
use confer_domain::{AdultId, ProfessionalId};
use confer_ops::plan::{self, CoreGroupMeetingBody, NewActionInput};
use confer_ops::{plan_people, OpsError};

/// A member's form value: "key-worker:<user>", "professional:<id>" or "family-member:<id>".
pub fn member_value(m: &Member) -> String {
    match m {
        Member::KeyWorker(u) => format!("key-worker:{u}"),
        Member::Professional(p) => format!("professional:{p}"),
        Member::FamilyMember(a) => format!("family-member:{a}"),
    }
}

fn parse_member(v: &str) -> Option<Member> {
    match v.split_once(':')? {
        ("key-worker", u) => Some(Member::KeyWorker(u.into())),
        ("professional", p) => Some(Member::Professional(ProfessionalId(p.to_owned()))),
        ("family-member", a) => Some(Member::FamilyMember(AdultId(a.to_owned()))),
        _ => None,
    }
}

/// How many new actions the form offers at once.
const NEW_ROWS: usize = 3;

pub struct MemberRow {
    pub index: usize,
    pub value: String,
    pub label: String,
    pub present: bool,
    pub rating: String,
}

pub struct ActionRow {
    pub number: u32,
    pub what: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub evidence: String,
}

pub struct NewRow {
    pub n: usize,
    pub what: String,
    pub owner: String,
    pub agency: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "plan_core_group.html")]
struct CoreGroupPage<'a> {
    page: &'a Page,
    id: &'a str,
    version: i64,
    child_name: String,
    held_on: String,
    members: Vec<MemberRow>,
    actions: Vec<ActionRow>,
    statuses: Vec<Opt>,
    owners: Vec<Opt>,
    new_rows: Vec<NewRow>,
    concern: String,
    forward_to: String,
    next_review: String,
    ratings: Vec<u8>,
}

impl CoreGroupPage<'_> {
    fn err(&self, field: &str) -> Option<&str> {
        self.page.error_in("cg", field)
    }
    fn ev_err(&self, number: &u32) -> Option<&str> {
        self.page.error_in("cg", &format!("evidence_{number}"))
    }
    fn rating_for(&self, m: &MemberRow, r: &u8) -> bool {
        m.rating == r.to_string()
    }
}

/// The owners a new action may have: the core group's professionals and family, or an agency.
pub fn owner_opts(p: &Plan) -> Vec<Opt> {
    let mut owners: Vec<Opt> = p
        .core_group
        .iter()
        .filter_map(|m| match &m.person {
            Member::Professional(id) => {
                Some(Opt::new(format!("professional:{id}"), format!("{} ({})", m.name, m.description)))
            }
            Member::FamilyMember(id) => {
                Some(Opt::new(format!("family-member:{id}"), format!("{} ({})", m.name, m.description)))
            }
            Member::KeyWorker(_) => None,
        })
        .collect();
    owners.push(Opt::new("agency", "An agency (name it)"));
    owners
}

async fn form_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: &Kept,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let v = plan::view(&state.ops, &ctx.actor, id).await?;
    let Some(p) = v.aggregate.as_ref() else { return Err(AppError::NotFound) };
    if !p.is_active() {
        return Err(AppError::BadRequest("This plan has ended: its core group no longer meets here.".into()));
    }
    let today = v.today.unwrap_or_else(|| state.settings.clock.today());
    let k = |field: &str, default: &str| kept.v_or("cg", field, default);
    let first = kept.form != "cg";
    let members = p
        .core_group
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let value = member_value(&m.person);
            MemberRow {
                index: i + 1,
                present: if first { false } else { kept.sent.has("present", &value) },
                rating: k(&format!("rating_{}", i + 1), ""),
                label: format!("{} ({})", m.name, m.description),
                value,
            }
        })
        .collect();
    let actions = p
        .actions
        .iter()
        .filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress))
        .map(|a| ActionRow {
            number: a.number,
            what: a.what.clone(),
            owner: a.owner_name.clone(),
            due: view::long_date(&a.due),
            status: k(&format!("status_{}", a.number), a.status.as_str()),
            evidence: k(&format!("evidence_{}", a.number), ""),
        })
        .collect();
    let new_rows = (1..=NEW_ROWS)
        .map(|n| NewRow {
            n,
            what: k(&format!("new_what_{n}"), ""),
            owner: k(&format!("new_owner_{n}"), ""),
            agency: k(&format!("new_agency_{n}"), ""),
            due: k(&format!("new_due_{n}"), ""),
        })
        .collect();
    let mut page = ctx.page(&format!("Record a core group meeting for {}", p.child_name), "/plans");
    page.errors = errors;
    Ok(view::render(&CoreGroupPage {
        page: &page,
        id,
        version: v.version,
        child_name: p.child_name.clone(),
        held_on: k("held_on", &today.format("%-d/%-m/%Y").to_string()),
        members,
        actions,
        statuses: ActionStatus::ALL.iter().map(|s| Opt::new(s.as_str(), s.label())).collect(),
        owners: owner_opts(p),
        new_rows,
        concern: k("concern_for_review", ""),
        forward_to: k("review_forward_to", ""),
        next_review: p.next_review_by.as_ref().map(view::long_date).unwrap_or_else(|| "not set".into()),
        ratings: (0..=10).collect(),
    }))
}

pub async fn show(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    form_page(&state, &ctx, &id, FormErrors::default(), &Kept::default()).await
}

fn date_field(sent: &Sent, field: &'static str) -> Result<Option<chrono::NaiveDate>, Problem> {
    match sent.opt(field) {
        None => Ok(None),
        Some(t) => parse_date(&t).map(Some).map_err(|e| Problem::Field(field, e.message)),
    }
}

/// Which field a refusal of the plan's rules is about (their messages say what to fix).
fn field_of(message: &str, sent: &Sent) -> String {
    let m = message.to_lowercase();
    if let Some(rest) = m.strip_prefix("record the progress on action ") {
        let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        return format!("evidence_{n}");
    }
    if m.contains("safety rating") {
        return "rating_1".into();
    }
    if m.contains("core group") {
        return "present".into();
    }
    if m.contains("review date") {
        return "review_forward_to".into();
    }
    if m.contains("due date") || m.contains("each new action") {
        let n = (1..=NEW_ROWS).find(|n| sent.opt(&format!("new_what_{n}")).is_some()).unwrap_or(1);
        return format!("new_what_{n}");
    }
    if m.contains("concern") {
        return "concern_for_review".into();
    }
    "held_on".into()
}

fn body_of(sent: &Sent, p: &Plan) -> Result<CoreGroupMeetingBody, Problem> {
    let held_on = date_field(sent, "held_on")?
        .ok_or_else(|| Problem::Field("held_on", "Enter the day the core group met, like 27/3/2027".into()))?;
    let mut present = Vec::new();
    for v in sent.all("present") {
        present.push(
            parse_member(&v).ok_or_else(|| Problem::Field("present", "Choose who was there from the list".into()))?,
        );
    }
    let mut safety = Vec::new();
    for (i, m) in p.core_group.iter().enumerate() {
        let field = format!("rating_{}", i + 1);
        let Some(r) = sent.opt(&field) else { continue };
        let rating = r
            .parse::<u8>()
            .ok()
            .filter(|r| *r <= 10)
            .ok_or_else(|| Problem::Field("rating_1", format!("{}: choose a rating from 0 to 10", m.name)))?;
        if !present.contains(&m.person) {
            return Err(Problem::Field(
                "rating_1",
                format!("{} has a rating but is not ticked as there: tick them or clear the rating", m.name),
            ));
        }
        safety.push(SafetyRating { member: m.person.clone(), rating });
    }
    if let Some(missing) =
        p.core_group.iter().find(|m| present.contains(&m.person) && !safety.iter().any(|s| s.member == m.person))
    {
        return Err(Problem::Field(
            "rating_1",
            format!("Choose how safe {} thinks the child is now, from 0 to 10", missing.name),
        ));
    }
    let mut progress = Vec::new();
    for a in p.actions.iter().filter(|a| matches!(a.status, ActionStatus::NotStarted | ActionStatus::InProgress)) {
        let status = ActionStatus::parse(sent.get(&format!("status_{}", a.number))).unwrap_or(a.status);
        progress.push(ActionProgress {
            number: a.number,
            status,
            evidence: sent.get(&format!("evidence_{}", a.number)).to_owned(),
        });
    }
    let mut new_actions = Vec::new();
    for n in 1..=NEW_ROWS {
        let Some(what) = sent.opt(&format!("new_what_{n}")) else { continue };
        let owner_field = format!("new_owner_{n}");
        let owner = match sent.get(&owner_field).split_once(':') {
            Some(("professional", id)) => ActionOwner::Professional(ProfessionalId(id.to_owned())),
            Some(("family-member", id)) => ActionOwner::FamilyMember(AdultId(id.to_owned())),
            _ if sent.get(&owner_field) == "agency" => match sent.opt(&format!("new_agency_{n}")) {
                Some(a) => ActionOwner::Agency(a),
                None => {
                    return Err(Problem::Field(
                        "new_what_1",
                        format!("New action {n}: enter the agency that will do it"),
                    ))
                }
            },
            _ => return Err(Problem::Field("new_what_1", format!("New action {n}: choose who will do it"))),
        };
        let due = parse_date(sent.get(&format!("new_due_{n}"))).map_err(|_| {
            Problem::Field("new_what_1", format!("New action {n}: enter the day it is due, like 27/3/2027"))
        })?;
        new_actions.push(NewActionInput { what, owner, due });
    }
    Ok(CoreGroupMeetingBody {
        held_on,
        present,
        progress,
        safety,
        new_actions,
        concern_for_review: sent.opt("concern_for_review"),
        review_forward_to: date_field(sent, "review_forward_to")?,
    })
}

pub async fn record(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, &id).await?;
    let sent = Sent(f);
    let v = sent.get("version").trim().parse::<i64>().map_err(|_| {
        AppError::BadRequest("The form is missing the plan's version: reload the page and try again.".into())
    })?;
    let r: Result<plan::PlanChanged, Problem> = async {
        let stored = plan::view(&state.ops, &ctx.actor, &id).await.map_err(Problem::Ops)?;
        let p = stored.aggregate.as_ref().ok_or(Problem::Ops(OpsError::NotFound))?;
        let body = body_of(&sent, p)?;
        plan::core_group_meeting(&state.ops, &ctx.actor, &id, v, body).await.map_err(Problem::Ops)
    }
    .await;
    let status = problem_status(&r);
    let mut errors = FormErrors::default();
    match r {
        Ok(changed) => {
            // CG-03: a notes letter that could not be made is said, never passed over.
            let done = if changed.letters_not_made.is_empty() { "core-group" } else { "core-group-letter-not-made" };
            return Ok(Redirect::to(&format!("/plans/{id}?done={done}#core-group-meetings")).into_response());
        }
        Err(Problem::Field(f, m)) => errors.add(&format!("cg-{f}"), m),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(
            "cg-held_on",
            "Someone else changed this plan after you opened this page, so nothing was saved. What you entered is \
             still in the form below: check it against the plan, then send it again.",
        ),
        Err(Problem::Ops(OpsError::Invalid { field, message })) => {
            let f = if field.is_empty() { field_of(&message, &sent) } else { field.to_owned() };
            errors.add(&format!("cg-{f}"), message)
        }
        Err(Problem::Ops(other)) => return Err(other.into()),
    }
    let kept = Kept { form: "cg".into(), sent };
    let res = form_page(&state, &ctx, &id, errors, &kept).await?;
    Ok((status, res).into_response())
}

// ------------------------------------------------------------ the young person's version

#[derive(Template)]
#[template(path = "plan_young_person.html")]
struct YoungPage<'a> {
    page: &'a Page,
    id: &'a str,
    child_name: String,
    version: i64,
    body: String,
    shared: bool,
    written: String,
}

async fn young_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    kept: Option<&Sent>,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, id).await?;
    let v = plan::view(&state.ops, &ctx.actor, id).await?;
    let Some(p) = v.aggregate.as_ref() else { return Err(AppError::NotFound) };
    let current = plan_people::young_persons_version(&state.ops, &ctx.actor, id).await?;
    let (version, body, shared, written) = match &current {
        Some(y) => (y.version, y.body.clone(), y.shared_with_parents, view::long_instant(&y.written_at)),
        None => (0, String::new(), false, String::new()),
    };
    let (body, shared) = match kept {
        Some(s) => (s.get("body").to_owned(), s.yes("shared_with_parents")),
        None => (body, shared),
    };
    let mut page = ctx.page(&format!("{}'s own version of their plan", p.child_name), "/plans");
    page.errors = errors;
    Ok(view::render(&YoungPage { page: &page, id, child_name: p.child_name.clone(), version, body, shared, written }))
}

pub async fn young_show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    young_page(&state, &ctx, &id, FormErrors::default(), None).await
}

pub async fn young_write(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    plan::authorize_plan(&state.ops, &ctx.actor, Action::ChangePlan, &id).await?;
    let sent = Sent(f);
    let v =
        sent.get("version").trim().parse::<i64>().map_err(|_| {
            AppError::BadRequest("The form is missing the version: reload the page and try again.".into())
        })?;
    let r = plan_people::write_young_persons_version(
        &state.ops,
        &ctx.actor,
        &id,
        v,
        sent.get("body"),
        sent.yes("shared_with_parents"),
    )
    .await
    .map(|_| ())
    .map_err(Problem::Ops);
    let status = problem_status(&r);
    let mut errors = FormErrors::default();
    match r {
        Ok(()) => return Ok(Redirect::to(&format!("/plans/{id}?done=young-person")).into_response()),
        Err(Problem::Ops(OpsError::Conflict { .. })) => errors.add(
            "young-body",
            "Someone else changed the young person's version after you opened this page, so nothing was saved. \
             What you wrote is still below: check the page, then send it again.",
        ),
        Err(Problem::Ops(OpsError::Invalid { message, .. })) => errors.add("young-body", message),
        Err(Problem::Field(_, m)) => errors.add("young-body", m),
        Err(Problem::Ops(other)) => return Err(other.into()),
    }
    let res = young_page(&state, &ctx, &id, errors, Some(&sent)).await?;
    Ok((status, res).into_response())
}
