//! Feedback after a conference (QA-01), once for the pages: the form opened from an e-mailed
//! link (no sign-in: the token is the only key, for one conference and one person) or from the
//! portal by the person signed in, the answer, and the report for quality assurance.
//!
//! Access errors come back as [`OpsError`]; the person's own mistakes (a question not
//! answered, the window closed, already answered) come back as the domain's
//! [`FeedbackError`]s, so the page can say them in the person's language.

use crate::{Ops, OpsError, Result};
use chrono::{Datelike, NaiveDate};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::ConferenceKind;
use confer_domain::feedback::{self as fb, Audience, FeedbackError, Figures, Typed};
use confer_store::feedback::{self as store, AnswerError, Invitation};

/// The person's mistakes, or the refusal, in the domain's words (both languages).
pub type Answered = std::result::Result<(), Vec<FeedbackError>>;

/// What the form needs: the invitation and what the conference was.
#[derive(Debug, Clone)]
pub struct Form {
    pub invitation: Invitation,
    pub kind: ConferenceKind,
    pub held_on: Option<NaiveDate>,
    pub closes_on: NaiveDate,
    /// Why it cannot be answered now (already answered, closed), if so.
    pub refused: Option<FeedbackError>,
}

async fn form_of(ops: &Ops, invitation: Invitation) -> Result<Form> {
    let stored = confer_store::conferences::load(&ops.db, &invitation.conference_id).await?;
    Ok(form_with(ops, invitation, &stored.conference))
}

fn form_with(ops: &Ops, invitation: Invitation, c: &confer_domain::conference::Conference) -> Form {
    let state = invitation.state();
    Form {
        kind: c.kind(),
        held_on: c.date(),
        closes_on: state.closes_on(),
        refused: state.may_answer(ops.clock.today()).err(),
        invitation,
    }
}

/// The form an e-mailed link opens: only for the conference in the link and the token's
/// invitation; not found for anything else (another conference, a used or unknown token).
pub async fn form_by_token(ops: &Ops, conference_id: &str, token: &str) -> Result<Form> {
    let invitation = store::by_token(&ops.db, conference_id, token).await?.ok_or(OpsError::NotFound)?;
    form_of(ops, invitation).await
}

/// Answers through an e-mailed link (once: the token stops working).
pub async fn answer_by_token(
    ops: &Ops,
    conference_id: &str,
    token: &str,
    typed: &Typed,
    lang: &str,
) -> Result<Answered> {
    let invitation = store::by_token(&ops.db, conference_id, token).await?.ok_or(OpsError::NotFound)?;
    answer(ops, &invitation, typed, lang, store::LINK_ACTOR).await
}

/// The signed-in person's invitation for this conference: the policy first (the family and
/// the professionals invited), then the domain: a person never asked is refused.
async fn my_invitation(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
) -> Result<std::result::Result<Invitation, FeedbackError>> {
    crate::conference::authorize(ops, actor, Action::GiveFeedback, conference_id).await?;
    let invitations = store::of_conference(&ops.db, conference_id).await?;
    let people = store::people_of_account(&ops.db, actor.user_id.as_str()).await?;
    for person in &people {
        if let Ok(i) = fb::invitation_for(&invitations, person) {
            return Ok(Ok(i.clone()));
        }
    }
    Ok(Err(FeedbackError::NotInvited))
}

/// The form for the signed-in person (refused with the reason if they were never asked).
pub async fn form_for(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
) -> Result<std::result::Result<Form, FeedbackError>> {
    match my_invitation(ops, actor, conference_id).await? {
        Ok(i) => Ok(Ok(form_of(ops, i).await?)),
        Err(e) => Ok(Err(e)),
    }
}

/// Answers as the signed-in person.
pub async fn answer_as(ops: &Ops, actor: &Actor, conference_id: &str, typed: &Typed, lang: &str) -> Result<Answered> {
    match my_invitation(ops, actor, conference_id).await? {
        Ok(i) => answer(ops, &i, typed, lang, actor.user_id.as_str()).await,
        Err(e) => Ok(Err(vec![e])),
    }
}

async fn answer(ops: &Ops, invitation: &Invitation, typed: &Typed, lang: &str, actor: &str) -> Result<Answered> {
    if let Err(e) = invitation.state().may_answer(ops.clock.today()) {
        return Ok(Err(vec![e]));
    }
    let answers = match fb::check_answers(invitation.audience, typed) {
        Ok(a) => a,
        Err(errors) => return Ok(Err(errors)),
    };
    let lang = if lang == "cy" { "cy" } else { "en" };
    match store::answer(&ops.db, invitation, &answers, lang, actor).await {
        Ok(()) => Ok(Ok(())),
        Err(AnswerError::Refused(e)) => Ok(Err(vec![e])),
        Err(AnswerError::Store(e)) => Err(e.into()),
    }
}

/// The signed-in person's invitations still open (for the portal's card), with their forms.
pub async fn open_for(ops: &Ops, actor: &Actor) -> Result<Vec<Form>> {
    let people = store::people_of_account(&ops.db, actor.user_id.as_str()).await?;
    let today = ops.clock.today();
    let open: Vec<Invitation> = store::of_people(&ops.db, &people)
        .await?
        .into_iter()
        .filter(|i| i.authority_id == actor.authority_id.as_str() && i.state().may_answer(today).is_ok())
        .collect();
    // Their conferences in one read, not one per invitation.
    let ids: Vec<&str> = open.iter().map(|i| i.conference_id.as_str()).collect();
    let conferences = confer_store::conferences::load_many(&ops.db, &ids).await?;
    Ok(open
        .into_iter()
        .filter_map(|i| {
            let c = conferences.get(&i.conference_id)?.conference.clone();
            Some(form_with(ops, i, &c))
        })
        .collect())
}

/// One comment, with what it is about.
#[derive(Debug, Clone)]
pub struct Comment {
    pub period: String,
    pub audience: Audience,
    pub rating: u8,
    pub text: String,
    pub anonymous: bool,
}

/// QA-01 results for a period: figures by month and audience, the totals per audience, how
/// many were asked and answered, and the comments.
#[derive(Debug, Clone)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by_month: Vec<Figures>,
    pub totals: Vec<Figures>,
    pub asked: i64,
    pub answered: i64,
    pub comments: Vec<Comment>,
}

/// The report of the months from `from` to `to` (whole months). Comments may name people,
/// so reading them is logged as a read of each family they are about.
pub async fn report(ops: &Ops, actor: &Actor, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    build(ops, actor, from, to, true).await
}

/// The figures only, without the comments (so nothing naming a family is read): the summary
/// on the quality page.
pub async fn report_figures(ops: &Ops, actor: &Actor, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    build(ops, actor, from, to, false).await
}

async fn build(ops: &Ops, actor: &Actor, from: NaiveDate, to: NaiveDate, with_comments: bool) -> Result<Report> {
    match decide(actor, Action::ViewFeedback, Target::Authority(&actor.authority_id)) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(OpsError::Forbidden),
        Decision::NotFound => return Err(OpsError::NotFound),
    }
    if to < from {
        return Err(OpsError::invalid("to", "The period ends before it starts: check the dates"));
    }
    let month = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let rows = store::responses(&ops.db, actor.authority_id.as_str(), &month(from), &month(to)).await?;
    let responses: Vec<fb::Response> = rows.iter().map(|r| r.response.clone()).collect();
    let by_month = fb::report(&responses);
    let all: Vec<fb::Response> = responses
        .iter()
        .cloned()
        .map(|mut r| {
            r.period = String::new();
            r
        })
        .collect();
    let totals = fb::report(&all);
    let (asked, answered) = store::asked_and_answered(&ops.db, actor.authority_id.as_str(), from, to).await?;
    let comments: Vec<Comment> = rows
        .iter()
        .filter(|r| with_comments && !r.comment.is_empty())
        .map(|r| Comment {
            period: r.response.period.clone(),
            audience: r.response.audience,
            rating: r.response.rating,
            text: r.comment.clone(),
            anonymous: r.anonymous,
        })
        .collect();
    // The comments' conferences name families: one logged list read, as other lists.
    let commented: Vec<&str> =
        rows.iter().filter(|r| with_comments && !r.comment.is_empty()).map(|r| r.conference_id.as_str()).collect();
    if !commented.is_empty() {
        let families = confer_store::feedback::families_of(&ops.db, &commented).await?;
        let ids: Vec<&str> = families.iter().map(String::as_str).collect();
        confer_store::audit::log_list_read(
            &ops.db,
            actor.authority_id.as_str(),
            actor.user_id.as_str(),
            "feedback-comments",
            &ids,
        )
        .await?;
    }
    Ok(Report { from, to, by_month, totals, asked, answered, comments })
}
