//! Invitations and answers (INV-*, CHILD-01), supporters, interpreters (LANG-01) and practical needs.

use super::{authorize, save, schemas, Changed};
use crate::{Ops, Result};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::*;
use confer_domain::{AdultId, ChildId, ProfessionalId};
use serde::Deserialize;
use utoipa::ToSchema;

/// Who to invite.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InviteeDto {
    FamilyMember {
        adult_id: String,
    },
    Professional {
        professional_id: String,
    },
    /// CHILD-01: a child of age who wishes to attend, where appropriate.
    Child {
        child_id: String,
        wishes_to_attend: bool,
        judged_appropriate: bool,
        #[serde(default)]
        parent_agreement: Option<String>,
    },
    /// INV-05, CHILD-02, INV-06: a supporter for a parent, carer or child.
    Supporter {
        name: String,
        #[schema(value_type = String, example = "advocate")]
        supporter_kind: SupporterKind,
        /// `{"kind": "family-member", "id": "<adult id>"}` or `{"kind": "child", "id": "<child id>"}`
        #[schema(value_type = schemas::PersonSchema)]
        supports: Person,
        #[serde(default)]
        represents: bool,
    },
}

#[derive(Deserialize, ToSchema)]
#[schema(examples(
    json!({"invitee": {"kind": "family-member", "adult_id": "adult-1"}}),
    json!({"invitee": {"kind": "professional", "professional_id": "professional-1"}}),
    json!({"invitee": {"kind": "child", "child_id": "child-1", "wishes_to_attend": true, "judged_appropriate": true,
        "parent_agreement": null}}),
    json!({"invitee": {"kind": "supporter", "name": "Sam Rivers", "supporter_kind": "advocate",
        "supports": {"kind": "family-member", "id": "adult-1"}, "represents": false}})
))]
pub struct InviteInput {
    pub invitee: InviteeDto,
}

pub async fn invite(ops: &Ops, actor: &Actor, id: &str, v: i64, b: InviteInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let today = ops.clock.today();
    let p = rules.policy(ops.clock.today());
    let (inv, v) = save(ops, actor, id, v, "conference.invite", |c| match b.invitee {
        InviteeDto::FamilyMember { adult_id } => c.invite_family_member(&a.acting, &AdultId(adult_id), today),
        InviteeDto::Professional { professional_id } => {
            c.invite_professional(&a.acting, &ProfessionalId(professional_id), today)
        }
        InviteeDto::Child { child_id, wishes_to_attend, judged_appropriate, parent_agreement } => c.invite_child(
            &a.acting,
            &ChildId(child_id),
            ChildAttendance { wishes_to_attend, judged_appropriate, parent_agreement: parent_agreement.map(AdultId) },
            &p,
            today,
        ),
        InviteeDto::Supporter { name, supporter_kind, supports, represents } => c.name_supporter(
            &a.acting,
            SupporterDetails { name, kind: supporter_kind, supports, represents },
            &p,
            &rules.calendar,
            today,
        ),
    })
    .await?;
    Ok(Changed::new(id, v, Some(inv.0), None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"answer": {"answer": "in-person"}}))]
pub struct AnswerInput {
    /// `{"answer": "in-person"}`, `"remote"`, `"report-only"`, or `{"answer": "declined", "reason": "..."}`
    #[schema(value_type = schemas::AnswerSchema)]
    pub answer: Answer,
}

pub async fn answer_invitation(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    number: u32,
    v: i64,
    b: AnswerInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::AnswerInvitation, id).await?;
    let today = ops.clock.today();
    let ((), v) = save(ops, actor, id, v, "conference.answer-invitation", |c| {
        c.answer_invitation(&a.acting, InvitationId(number), b.answer, today)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"allowed": true, "reason": "The advocate helps the mother take part; everyone agrees."}))]
pub struct LateSupporterInput {
    pub allowed: bool,
    pub reason: String,
}

pub async fn decide_late_supporter(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    number: u32,
    v: i64,
    b: LateSupporterInput,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ChairConference, id).await?;
    let now = ops.clock.now();
    let ((), v) = save(ops, actor, id, v, "conference.late-supporter-decision", |c| {
        c.decide_late_supporter(&a.acting, InvitationId(number), b.allowed, &b.reason, now)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"for_person": {"kind": "family-member", "id": "adult-1"}, "language": "Polish",
    "sign_language": false, "interpreter_name": "Ana Nowak", "organisation": "County Interpreting Service",
    "adult_id": null}))]
pub struct InterpreterInput {
    #[schema(value_type = schemas::PersonSchema)]
    pub for_person: Person,
    pub language: String,
    #[serde(default)]
    pub sign_language: bool,
    pub interpreter_name: String,
    #[serde(default)]
    pub organisation: String,
    /// Set when the interpreter was picked from the family's record: always refused (LANG-01).
    #[serde(default)]
    pub adult_id: Option<String>,
}

pub async fn book_interpreter(ops: &Ops, actor: &Actor, id: &str, v: i64, b: InterpreterInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let booking = InterpreterBooking {
        for_person: b.for_person,
        language: b.language,
        sign_language: b.sign_language,
        interpreter_name: b.interpreter_name,
        organisation: b.organisation,
        adult_id: b.adult_id.map(AdultId),
        booked_on: ops.clock.today(),
    };
    let ((), v) =
        save(ops, actor, id, v, "conference.book-interpreter", |c| c.book_interpreter(&a.acting, booking)).await?;
    Ok(Changed::new(id, v, None, None))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "need": "childcare", "how": "A creche place is booked."}))]
pub struct NeedMetInput {
    pub adult_id: String,
    #[schema(value_type = String, example = "childcare")]
    pub need: PracticalNeedKind,
    pub how: String,
}

pub async fn need_met(ops: &Ops, actor: &Actor, id: &str, v: i64, b: NeedMetInput) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let ((), v) = save(ops, actor, id, v, "conference.need-met", |c| {
        c.record_need_met(&a.acting, &AdultId(b.adult_id.clone()), b.need, &b.how)
    })
    .await?;
    Ok(Changed::new(id, v, None, None))
}
