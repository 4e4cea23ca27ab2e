//! "My child's plan" in the family portal (issue 13), in English and Welsh, in plain words:
//! what people are worried about, what needs to change, who does what by when (the reader's
//! own actions first and marked), the next core group and review, and that a plan does not
//! change parental responsibility (PLAN-06). A parent or carer of the child reads it as the
//! latest conference's exclusions allow (EXC-06); the young person reads their own version
//! (CHILD-04). Decided in `confer_ops::plan_people::portal_plan`.

use super::portal::PortalQuery;
use super::portal_words::{self as words, Words};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use confer_domain::plan::{ActionStatus, PARENTAL_RESPONSIBILITY_CY, PARENTAL_RESPONSIBILITY_EN};
use confer_domain::plan_views::{FamilyPlan, NextMeeting};
use confer_ops::plan_people::{self, PortalPlan};

/// The plan page's words in one language: short sentences, everyday words.
pub struct PlanWords {
    pub title_suffix: &'static str,
    pub title_prefix: &'static str,
    pub intro: &'static str,
    pub worries: &'static str,
    pub why_change: &'static str,
    pub child_needs: &'static str,
    pub parents_needs: &'static str,
    pub goals_short: &'static str,
    pub goals_long: &'static str,
    pub actions: &'static str,
    pub your_job: &'static str,
    pub what: &'static str,
    pub who: &'static str,
    pub by_when: &'static str,
    pub where_now: &'static str,
    pub late: &'static str,
    pub no_actions: &'static str,
    pub dates: &'static str,
    pub next_core_group: &'static str,
    pub next_meeting: &'static str,
    pub at: &'static str,
    pub online: &'static str,
    pub or_online: &'static str,
    pub next_review: &'static str,
    pub not_set: &'static str,
    pub withheld: &'static str,
    pub ended: &'static str,
    pub parental_responsibility: &'static str,
    pub young_title: &'static str,
    pub young_intro: &'static str,
    pub young_none: &'static str,
    pub young_shared: &'static str,
    pub back: &'static str,
    pub your_plans: &'static str,
    pub see_plan: &'static str,
    pub plan_ended: &'static str,
    pub not_started: &'static str,
    pub in_progress: &'static str,
    pub done: &'static str,
    pub not_done: &'static str,
}

pub static ENGLISH: PlanWords = PlanWords {
    title_suffix: "'s plan",
    title_prefix: "",
    intro: "This is the plan to help keep your child safe. It says what people are worried about, what needs to change, and who will do what.",
    worries: "What people are worried about",
    why_change: "Why this needs to change",
    child_needs: "What your child needs",
    parents_needs: "Help for you",
    goals_short: "What we hope will change soon",
    goals_long: "What we hope will change in the long run",
    actions: "Who will do what, and by when",
    your_job: "Your job",
    what: "What",
    who: "Who",
    by_when: "By when",
    where_now: "How it is going",
    late: "Late",
    no_actions: "There are no jobs on the plan yet.",
    dates: "The next meetings",
    next_core_group: "Next core group meeting, by",
    next_meeting: "Core group meeting arranged for",
    at: "at",
    online: "Online (the key worker will send you the link)",
    or_online: "or online (the key worker will send you the link)",
    next_review: "Next review meeting, by",
    not_set: "Not set yet",
    withheld: "Some parts of this plan are not shown to you, because of a decision the chair made at the conference. You can still see your own jobs and the meeting dates. Ask the social worker if you have questions.",
    ended: "This plan ended on",
    parental_responsibility: PARENTAL_RESPONSIBILITY_EN,
    young_title: "Your plan",
    young_intro: "Your social worker wrote this for you.",
    young_none: "Your social worker has not written your plan for you yet.",
    young_shared: "The plan written for your child",
    back: "Back to your page",
    your_plans: "Your child's plan",
    see_plan: "See the plan",
    plan_ended: "This plan has ended",
    not_started: "Not started",
    in_progress: "Started",
    done: "Done",
    not_done: "Not done",
};

pub static WELSH: PlanWords = PlanWords {
    title_suffix: "",
    title_prefix: "Cynllun ",
    intro: "Dyma'r cynllun i helpu i gadw eich plentyn yn ddiogel. Mae'n dweud beth sy'n poeni pobl, beth sydd angen newid, a phwy fydd yn gwneud beth.",
    worries: "Beth sy'n poeni pobl",
    why_change: "Pam mae angen i hyn newid",
    child_needs: "Beth mae eich plentyn ei angen",
    parents_needs: "Help i chi",
    goals_short: "Beth rydyn ni'n gobeithio fydd yn newid yn fuan",
    goals_long: "Beth rydyn ni'n gobeithio fydd yn newid yn y tymor hir",
    actions: "Pwy fydd yn gwneud beth, ac erbyn pryd",
    your_job: "Eich tasg chi",
    what: "Beth",
    who: "Pwy",
    by_when: "Erbyn pryd",
    where_now: "Sut mae'n mynd",
    late: "Yn hwyr",
    no_actions: "Nid oes tasgau ar y cynllun eto.",
    dates: "Y cyfarfodydd nesaf",
    next_core_group: "Cyfarfod nesaf y grŵp craidd, erbyn",
    next_meeting: "Cyfarfod y grŵp craidd wedi'i drefnu ar gyfer",
    at: "am",
    online: "Ar-lein (bydd y gweithiwr allweddol yn anfon y ddolen atoch)",
    or_online: "neu ar-lein (bydd y gweithiwr allweddol yn anfon y ddolen atoch)",
    next_review: "Cyfarfod adolygu nesaf, erbyn",
    not_set: "Heb ei bennu eto",
    withheld: "Nid yw rhai rhannau o'r cynllun hwn yn cael eu dangos i chi, oherwydd penderfyniad a wnaeth y cadeirydd yn y gynhadledd. Gallwch weld eich tasgau eich hun a dyddiadau'r cyfarfodydd o hyd. Gofynnwch i'r gweithiwr cymdeithasol os oes gennych gwestiynau.",
    ended: "Daeth y cynllun hwn i ben ar",
    parental_responsibility: PARENTAL_RESPONSIBILITY_CY,
    young_title: "Dy gynllun di",
    young_intro: "Ysgrifennodd dy weithiwr cymdeithasol hwn i ti.",
    young_none: "Nid yw dy weithiwr cymdeithasol wedi ysgrifennu dy gynllun i ti eto.",
    young_shared: "Y cynllun a ysgrifennwyd i'ch plentyn",
    back: "Yn ôl i'ch tudalen",
    your_plans: "Cynllun eich plentyn",
    see_plan: "Gweld y cynllun",
    plan_ended: "Mae'r cynllun hwn wedi dod i ben",
    not_started: "Heb ddechrau",
    in_progress: "Wedi dechrau",
    done: "Wedi'i wneud",
    not_done: "Heb ei wneud",
};

pub fn plan_words(lang: &str) -> &'static PlanWords {
    if lang == "cy" {
        &WELSH
    } else {
        &ENGLISH
    }
}

/// The plan page's words said in the authority's nation's words (issue 15), made once per nation and kept
/// (four at most); Welsh as it is (Welsh authorities use England's words).
pub fn plan_words_for_nation(lang: &str, nation: &'static confer_domain::words::Words) -> &'static PlanWords {
    use std::sync::OnceLock;
    static MADE: [OnceLock<PlanWords>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let w = plan_words(lang);
    if lang == "cy" {
        return w;
    }
    let i = confer_domain::Nation::ALL.iter().position(|n| *n == nation.nation).unwrap_or(0);
    MADE[i].get_or_init(|| {
        let r = |s: &'static str| super::portal_words::reworded(nation, s);
        PlanWords {
            title_suffix: r(w.title_suffix),
            title_prefix: r(w.title_prefix),
            intro: r(w.intro),
            worries: r(w.worries),
            why_change: r(w.why_change),
            child_needs: r(w.child_needs),
            parents_needs: r(w.parents_needs),
            goals_short: r(w.goals_short),
            goals_long: r(w.goals_long),
            actions: r(w.actions),
            your_job: r(w.your_job),
            what: r(w.what),
            who: r(w.who),
            by_when: r(w.by_when),
            where_now: r(w.where_now),
            late: r(w.late),
            no_actions: r(w.no_actions),
            dates: r(w.dates),
            next_core_group: r(w.next_core_group),
            next_meeting: r(w.next_meeting),
            at: r(w.at),
            online: r(w.online),
            or_online: r(w.or_online),
            next_review: r(w.next_review),
            not_set: r(w.not_set),
            withheld: r(w.withheld),
            ended: r(w.ended),
            parental_responsibility: r(w.parental_responsibility),
            young_title: r(w.young_title),
            young_intro: r(w.young_intro),
            young_none: r(w.young_none),
            young_shared: r(w.young_shared),
            back: r(w.back),
            your_plans: r(w.your_plans),
            see_plan: r(w.see_plan),
            plan_ended: r(w.plan_ended),
            not_started: r(w.not_started),
            in_progress: r(w.in_progress),
            done: r(w.done),
            not_done: r(w.not_done),
        }
    })
}

#[derive(Template)]
#[template(path = "portal_plan.html")]
struct PortalPlanPage<'a> {
    page: &'a Page,
    w: &'a Words,
    pw: &'a PlanWords,
    id: &'a str,
    title: String,
    parent: Option<&'a FamilyPlan>,
    young: Option<String>,
    is_young_person: bool,
    next_core_group: Option<NaiveDate>,
    /// CG-02: the core group meeting arranged, when one is.
    next_meeting: Option<NextMeeting>,
    next_review: Option<NaiveDate>,
    /// EXC-04: not even the core group's date for someone excluded from the whole conference.
    show_core_group: bool,
}

impl PortalPlanPage<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        super::portal::long_date_in(d, self.w)
    }
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(|d| self.date(d)).unwrap_or_else(|| self.pw.not_set.to_owned())
    }
    fn status(&self, s: &ActionStatus) -> &'static str {
        match s {
            ActionStatus::NotStarted => self.pw.not_started,
            ActionStatus::InProgress => self.pw.in_progress,
            ActionStatus::Done => self.pw.done,
            ActionStatus::NotDone => self.pw.not_done,
        }
    }
    /// CG-02: when and where the arranged core group meeting is, in the page's language.
    fn meeting(&self, m: &NextMeeting) -> String {
        let place = match (&m.venue, m.online) {
            (Some(v), true) => format!("{v}, {}", self.pw.or_online),
            (Some(v), false) => v.clone(),
            (None, _) => self.pw.online.to_owned(),
        };
        format!("{} {} {}. {place}", self.date(&m.on), self.pw.at, m.at)
    }
    /// The young person's version, a paragraph per blank line.
    fn paragraphs(&self, text: &str) -> Vec<String> {
        text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
    }
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PortalQuery>,
) -> Result<Response, AppError> {
    let w = words::for_lang(q.lang.as_deref());
    let pw = plan_words_for_nation(w.lang, ctx.words);
    let seen = plan_people::portal_plan(&state.ops, &ctx.actor, &id).await?;
    let (title, parent, young, is_young_person, next_core_group, next_meeting, next_review) = match &seen {
        PortalPlan::Parent { plan, young_persons_version } => (
            format!("{}{}{}", pw.title_prefix, plan.child_name, pw.title_suffix),
            Some(plan),
            young_persons_version.clone(),
            false,
            plan.next_core_group,
            plan.next_meeting.clone(),
            plan.next_review,
        ),
        PortalPlan::YoungPerson { young_persons_version, next_core_group, next_meeting, next_review, .. } => (
            pw.young_title.to_owned(),
            None,
            young_persons_version.clone(),
            true,
            *next_core_group,
            next_meeting.clone(),
            *next_review,
        ),
    };
    let show_core_group = !parent.is_some_and(|p| p.withheld && p.next_core_group.is_none());
    let mut page = ctx.page(&title, "/portal");
    page.lang = w.lang;
    Ok(view::render(&PortalPlanPage {
        page: &page,
        w,
        pw,
        id: &id,
        title,
        parent,
        young,
        is_young_person,
        next_core_group,
        next_meeting,
        next_review,
        show_core_group,
    }))
}
