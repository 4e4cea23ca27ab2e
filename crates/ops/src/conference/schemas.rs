//! The shapes of the domain's request types as the OpenAPI document describes them (the
//! domain knows nothing of OpenAPI). Each mirrors the domain type's serde form exactly, with
//! an example; the tests below prove each example is read by the domain type itself, so the
//! document cannot drift from what the API accepts.

use serde::Deserialize;
use utoipa::ToSchema;

/// Someone of the conference: `{"kind": "family-member", "id": "<adult id>"}`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
#[schema(example = json!({"kind": "family-member", "id": "adult-1"}))]
pub enum PersonSchema {
    FamilyMember(String),
    Child(String),
    Professional(String),
}

/// Who something is sent to: `{"recipient": "family-member", "id": "<adult id>"}`; a
/// supporter by their invitation's number.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "recipient", content = "id", rename_all = "kebab-case")]
#[schema(example = json!({"recipient": "family-member", "id": "adult-1"}))]
pub enum RecipientSchema {
    Staff(String),
    Professional(String),
    FamilyMember(String),
    Child(String),
    Supporter(u32),
}

/// An answer to an invitation.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "answer", rename_all = "kebab-case")]
#[schema(example = json!({"answer": "in-person"}))]
pub enum AnswerSchema {
    InPerson,
    Remote,
    ReportOnly,
    Declined { reason: String },
}

/// EXC-01..03: the whole conference, or one of the agenda's parts.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "scope", rename_all = "kebab-case")]
#[schema(example = json!({"scope": "whole"}))]
pub enum ExclusionScopeSchema {
    Whole,
    Part {
        /// One of the agenda's parts (`working-well`, `worries`, `complicating-factors`,
        /// `history`, `uncertainty`, `next-steps`, `child-views`, `parent-views`,
        /// `professionals-only`).
        #[schema(example = "history")]
        part: String,
        #[schema(example = "other")]
        kind: String,
        will_see: String,
        will_not_see: String,
    },
}

/// EXC-01..03: the chair's decision to exclude a parent or carer.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"adult_id": "adult-1", "scope": {"scope": "whole"}, "reasons": ["risk-of-violence"],
    "detail": "Threats made to the social worker last week.", "rests_on_police_information": false,
    "views_by": ["letter-to-chair"]}))]
pub struct ExclusionDecisionSchema {
    pub adult_id: String,
    pub scope: ExclusionScopeSchema,
    /// Codes from the list of reasons.
    pub reasons: Vec<String>,
    pub detail: String,
    pub rests_on_police_information: bool,
    /// How the excluded person's views will still reach the conference (codes).
    pub views_by: Vec<String>,
}

/// INV-06/07, CHILD-02/03: views given for the conference.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"whose": {"kind": "child", "id": "child-1"}, "form": "drawing",
    "summary": "A drawing of home with her dog.", "how_obtained": "At school with her teacher",
    "obtained_by": "Social worker", "obtained_on": "2026-11-10", "supported_by": null}))]
pub struct ViewsGivenSchema {
    pub whose: PersonSchema,
    #[schema(example = "letter")]
    pub form: String,
    pub summary: String,
    pub how_obtained: String,
    pub obtained_by: String,
    #[schema(value_type = String, format = Date)]
    pub obtained_on: chrono::NaiveDate,
    /// The number of the supporter's invitation, if one helped.
    pub supported_by: Option<u32>,
}

/// Whether the chair's meeting with a parent before the conference happened.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
#[schema(example = json!({"outcome": "held", "mode": "virtual", "on": "2026-11-19"}))]
pub enum PreMeetingOutcomeSchema {
    Held {
        #[schema(example = "virtual")]
        mode: String,
        #[schema(value_type = String, format = Date)]
        on: chrono::NaiveDate,
    },
    NotHeld {
        reason: String,
    },
}

/// MEET-02: how one invitee took part.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"invitation": 1, "presence": "in-person", "parts": [],
    "arrived_late_at": null, "left_early_at": null}))]
pub struct AttendanceSchema {
    pub invitation: u32,
    #[schema(example = "in-person")]
    pub presence: String,
    /// The agenda's parts they were there for; empty for the whole conference.
    pub parts: Vec<String>,
    /// HH:MM:SS
    pub arrived_late_at: Option<String>,
    pub left_early_at: Option<String>,
}

/// DEC-01/02: the decision for one child.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
#[schema(example = json!({"outcome": "child-protection-plan", "category": "neglect"}))]
pub enum ChildOutcomeSchema {
    ChildProtectionPlan {
        #[schema(example = "neglect")]
        category: String,
    },
    ChildInNeedPlan,
    NoFurtherPlan,
    ContinuePlan {
        #[schema(example = "neglect")]
        category: String,
    },
    EndPlanStepDownToChildInNeed,
    EndPlanNoFurtherPlan,
}

/// Scotland: whether the child is referred to the Children's Reporter, with the reasons.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"referred": false, "reasons": "No grounds for compulsory measures: the family engages with the plan."}))]
pub struct ReporterReferralSchema {
    pub referred: bool,
    pub reasons: String,
}

/// Who does an action of the plan: a professional or family member by id, or an agency by name.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "owner", content = "id", rename_all = "kebab-case")]
#[schema(example = json!({"owner": "agency", "id": "Riverside Primary School"}))]
pub enum ActionOwnerSchema {
    Professional(String),
    FamilyMember(String),
    Agency(String),
}

/// A part of a report; a restricted part is never shown to the family (REP-03).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"heading": "Attendance", "text": "Attendance is 82% this term.", "restricted": null}))]
pub struct ReportPartSchema {
    pub heading: String,
    pub text: String,
    /// null, `third-party-information`, `police-information` or `other`.
    pub restricted: Option<String>,
}

/// A section of the record (MIN-01).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"kind": "discussion", "heading": "Discussion", "text": "The conference discussed the worries.",
    "part": null, "restricted": false}))]
pub struct RecordSectionSchema {
    #[schema(example = "discussion")]
    pub kind: String,
    pub heading: String,
    pub text: String,
    /// One of the agenda's parts, if the section belongs to one.
    pub part: Option<String>,
    pub restricted: bool,
}

/// MIN-04/05: a section of the latest version to change (numbered from 0).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"index": 0, "text": "Corrected text."}))]
pub struct SectionChangeSchema {
    pub index: u32,
    pub text: String,
}

/// DEC-05, TIME-01: why something was late (a reason from the deadlines' list; `other` needs details).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"reason": "chair-unavailable", "details": ""}))]
pub struct LateReasonSchema {
    #[schema(example = "chair-unavailable")]
    pub reason: String,
    pub details: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use confer_domain::conference::*;
    use confer_domain::timescales::LateReasonRecord;
    use serde::de::DeserializeOwned;

    /// The schema's example, read by both the mirror and the domain's own type.
    fn example_reads<M: ToSchema + DeserializeOwned, D: DeserializeOwned>() {
        let schema = serde_json::to_value(M::schema()).unwrap();
        let example = schema.get("example").or_else(|| schema.pointer("/examples/0")).cloned();
        let example = example.unwrap_or_else(|| panic!("{} has no example", M::name()));
        serde_json::from_value::<M>(example.clone()).unwrap_or_else(|e| panic!("{}: {e}", M::name()));
        serde_json::from_value::<D>(example).unwrap_or_else(|e| panic!("the domain does not read {}: {e}", M::name()));
    }

    #[test]
    fn every_documented_shape_is_what_the_domain_reads() {
        example_reads::<PersonSchema, Person>();
        example_reads::<RecipientSchema, Recipient>();
        example_reads::<AnswerSchema, Answer>();
        example_reads::<ExclusionScopeSchema, ExclusionScope>();
        example_reads::<ExclusionDecisionSchema, ExclusionDecision>();
        example_reads::<ViewsGivenSchema, ViewsGiven>();
        example_reads::<PreMeetingOutcomeSchema, PreMeetingOutcome>();
        example_reads::<AttendanceSchema, Attendance>();
        example_reads::<ChildOutcomeSchema, ChildOutcome>();
        example_reads::<ReporterReferralSchema, ReporterReferral>();
        example_reads::<ActionOwnerSchema, ActionOwner>();
        example_reads::<ReportPartSchema, ReportPart>();
        example_reads::<RecordSectionSchema, RecordSection>();
        example_reads::<SectionChangeSchema, SectionChange>();
        example_reads::<LateReasonSchema, LateReasonRecord>();
    }

    /// Every example of an operation's input, as the document shows it, is read by the input
    /// itself: a client that sends an example (with its own ids) is never told the body is
    /// not what the operation takes.
    fn examples_read<I: ToSchema + DeserializeOwned>() {
        let schema = serde_json::to_value(I::schema()).unwrap();
        let mut all: Vec<serde_json::Value> =
            schema.get("examples").and_then(|e| e.as_array()).cloned().unwrap_or_default();
        all.extend(schema.get("example").cloned());
        assert!(!all.is_empty(), "{} has no example", I::name());
        for example in all {
            serde_json::from_value::<I>(example.clone()).unwrap_or_else(|e| panic!("{}: {e}: {example}", I::name()));
        }
    }

    #[test]
    fn every_input_example_is_read_by_its_input() {
        use crate::conference::*;
        examples_read::<RequestInput>();
        examples_read::<ScheduleInput>();
        examples_read::<RescheduleInput>();
        examples_read::<ReasonInput>();
        examples_read::<AddChildInput>();
        examples_read::<InviteInput>();
        examples_read::<AnswerInput>();
        examples_read::<LateSupporterInput>();
        examples_read::<InterpreterInput>();
        examples_read::<NeedMetInput>();
        examples_read::<ExcludeInput>();
        examples_read::<ExclusionToldInput>();
        examples_read::<PreviousExclusionInput>();
        examples_read::<ReportInput>();
        examples_read::<ShareInput>();
        examples_read::<ViewsInput>();
        examples_read::<PreMeetingInput>();
        examples_read::<ConsentInput>();
        examples_read::<AttendanceInput>();
        examples_read::<DiscussionInput>();
        examples_read::<CorrectionInput>();
        examples_read::<ProfessionalViewInput>();
        examples_read::<ParentViewInput>();
        examples_read::<ActionInput>();
        examples_read::<DecideInput>();
        examples_read::<LegalInput>();
        examples_read::<RecordDissentInput>();
        examples_read::<CloseInput>();
        examples_read::<OutcomeSentInput>();
        examples_read::<DraftInput>();
        examples_read::<DistributeInput>();
        examples_read::<CorrectionRequestInput>();
        examples_read::<CorrectionAnswerInput>();
    }
}
