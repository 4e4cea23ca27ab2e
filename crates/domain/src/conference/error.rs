//! Why an operation on a conference was refused, in words that tell the user what to do.
//! The web layer maps each variant to one page message and one HTTP status; the rule a
//! refusal comes from is named in the variant's doc comment, not in the message, because
//! families and staff read the message and rule IDs mean nothing to them.

use super::ConferenceState;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConferenceError {
    /// The acting person does not hold the duty the operation needs (ROLE-01..07).
    #[error("Only {who_may} can {action}.")]
    NotAllowed { action: &'static str, who_may: &'static str },

    /// The operation does not fit where the conference is in its life.
    #[error("You cannot {action} because the conference is {}. {hint}", state.label().to_lowercase())]
    WrongState { action: &'static str, state: ConferenceState, hint: &'static str },

    /// A required answer was left blank.
    #[error("Enter {what}.")]
    Missing { what: &'static str },

    /// Someone named who is not part of this conference.
    #[error("{who} is not part of this conference. Add them to the conference first, then try again.")]
    NotInConference { who: String },

    /// Something was recorded twice.
    #[error("{what} is already recorded. Change the existing entry instead of adding another.")]
    AlreadyRecorded { what: String },

    /// S47-01: a conference follows a finding of (likely) significant harm.
    #[error("A child protection conference can be requested only when the enquiry found that the child is suffering, or likely to suffer, significant harm. If it did not, consider a child in need plan or other support instead.")]
    NoSignificantHarmFinding,

    /// S47-01 / TIME-03: unborn children belong in a pre-birth conference.
    #[error("{name} is not yet born. An unborn child can be included only in a pre-birth conference.")]
    UnbornOutsidePreBirth { name: String },

    /// TIME-03: a pre-birth conference is about an unborn child.
    #[error("A pre-birth conference needs an unborn child. Add the unborn child with the expected date of delivery.")]
    PreBirthWithoutUnbornChild,

    /// A review (or transfer-in) is about a child already on a plan.
    #[error("A {kind} conference needs at least one child who is on a child protection plan. Request an initial conference instead.")]
    NoChildOnPlan { kind: &'static str },

    /// A date that must not be in the future (or past) is.
    #[error("{what} ({date}) {problem}. Check the date and try again.")]
    BadDate { what: &'static str, date: NaiveDate, problem: &'static str },

    /// Conferences are held on working days of the authority.
    #[error(
        "{date} is not a working day for this authority (a weekend, bank holiday or closure day). Choose another date."
    )]
    NotAWorkingDay { date: NaiveDate },

    /// TIME-01 / TIME-02: a late conference records why.
    #[error(
        "The conference should be held by {due_by}. To hold it later, choose a reason for the delay and explain it."
    )]
    LateWithoutReason { due_by: NaiveDate },

    /// TIME-03: never later than 10 working days before the expected date of delivery.
    #[error("A pre-birth conference must be held by {latest}, 10 working days before the expected date of delivery. Choose an earlier date.")]
    PreBirthTooLate { latest: NaiveDate },

    /// CHAIR-01: the chair is independent of the child's social worker.
    #[error("{name} cannot chair this conference: {why}. Choose an independent chair.")]
    ChairNotIndependent { name: String, why: &'static str },

    /// ROLE-01: only someone who holds the chair role may chair.
    #[error("{name} does not hold the conference chair role (or their account is disabled). Choose someone who does.")]
    NotAChair { name: String },

    /// A conference covers at least one child.
    #[error("A conference needs at least one child. To stop the conference altogether, cancel it instead.")]
    LastChild,

    /// CHILD-01: the child is below the authority's attendance age.
    #[error("{name} is {age}; in this authority children may attend from {from_age}. Ask for their views instead and give them to the conference.")]
    ChildTooYoung { name: String, age: u32, from_age: u32 },

    /// CHILD-01: the authority needs a parent's agreement for the child to attend.
    #[error("This authority needs a parent's agreement before {name} attends. Record which parent agreed.")]
    ParentAgreementNeeded { name: String },

    /// CHILD-01: attendance is for a child who wishes it, where it is appropriate.
    #[error("{name} can be invited only if they wish to attend and it is judged appropriate. Otherwise ask for their views and give them to the conference.")]
    ChildAttendanceNotAppropriate { name: String },

    /// LANG-01: a family member never interprets.
    #[error("{name} is a member of the family and cannot act as interpreter. Book an independent interpreter.")]
    FamilyMemberAsInterpreter { name: String },

    /// EXC-01 / INV-01: the person is excluded.
    #[error("{name} is excluded from {scope}. The chair's exclusion decision stands for this conference.")]
    Excluded { name: String, scope: String },

    /// EXC-01: exclusion is for parents and carers.
    #[error("{name} is not a parent or carer of a child in this conference. Only a parent or carer can be {what}.")]
    NotParentOrCarer { name: String, what: &'static str },

    /// REP-01: sharing later than the policy allows records why.
    #[error("Reports should be shared with parents by {deadline}. Record why this report is being shared late.")]
    LateShareWithoutReason { deadline: NaiveDate },

    /// REP-03: a report part the family must not see.
    #[error("Part \"{heading}\" of this report is restricted and cannot be shared with the family.")]
    RestrictedPart { heading: String },

    /// MEET-03: recording needs every parent's consent.
    #[error("The conference cannot be audio recorded: consent has not been recorded for {names}. Ask each parent and record their answer.")]
    RecordingConsentMissing { names: String },

    /// MEET-01: the chair's pre-meeting (or why not) is recorded before the meeting starts.
    #[error("Record the chair's pre-meeting with {names} (or why it did not happen) before starting the conference.")]
    PreMeetingMissing { names: String },

    /// Starting on a day other than the scheduled one.
    #[error("The conference is scheduled for {scheduled}. To hold it on {today}, reschedule it first.")]
    NotTheScheduledDay { scheduled: NaiveDate, today: NaiveDate },

    /// MEET-02: someone is recorded as present in a part they were excluded from.
    #[error("{name} cannot be recorded as present in \"{part}\": they are excluded from that part.")]
    PresentInExcludedPart { name: String, part: String },

    /// INV-03: no decision without a quorum when policy refuses it.
    #[error("The conference is not quorate ({detail}), and this authority does not allow decisions without a quorum. Adjourn and reconvene with enough agencies.")]
    InquorateRefused { detail: String },

    /// INV-03: an inquorate decision records why (policy: allow with reason).
    #[error("The conference is not quorate ({detail}). To decide anyway, record why the decision cannot wait.")]
    InquorateReasonNeeded { detail: String },

    /// DEC-02: each professional present gives their view before the decision.
    #[error("Record the view (plan or no plan) of {names} for {child} before deciding.")]
    ProfessionalViewsMissing { names: String, child: String },

    /// DEC-03: a CP plan only where the child is at continuing risk of significant harm.
    #[error("A child protection plan can be decided only where {child} is judged at continuing risk of significant harm. If not, consider a child in need plan or no plan.")]
    NoContinuingRisk { child: String },

    /// Scotland: each child's decision says whether they are referred to the Children's Reporter.
    #[error("Say whether {child} is referred to the Children's Reporter")]
    ReporterReferralNeeded { child: String },
    #[error("Give the reasons why {child} is or is not referred to the Children's Reporter")]
    ReporterReasonsNeeded { child: String },
    /// Elsewhere the Reporter is not part of the decision.
    #[error("A referral to the Children's Reporter is decided only by conferences in Scotland: leave it out")]
    ReporterReferralNotAsked,

    /// DEC-01: the decision does not fit the child's current plan.
    #[error("{child}: {why}")]
    DecisionDoesNotFit { child: String, why: &'static str },

    /// DIS-01: only a professional who attended may dissent.
    #[error("{name} is not recorded as attending this conference, so cannot dissent. Record their attendance first if they are here.")]
    DissentFromNonAttendee { name: String },

    /// DEC-02: only professionals present give their view in the meeting.
    #[error("{name} is not recorded as present. Record their attendance first: the chair asks each professional present for their view.")]
    NotPresent { name: String },

    /// DIS-01: dissent follows the chair's discussion with the professional.
    #[error("Discuss the disagreement with the professional first, then record their reasons and your response.")]
    DissentNotDiscussed,

    /// DEC-05: every child has a decision before closing.
    #[error("Record a decision for {names} before closing the conference.")]
    ChildrenUndecided { names: String },

    /// INV-07 / CHILD-02: letters, drawings and recordings are presented.
    #[error("{what} has not been presented to the conference yet. Read it out or present it before closing.")]
    ViewsNotPresented { what: String },

    /// DEC-05, TIME-01: an outcome sent late records why.
    #[error("The outcome should have been sent by {due_by}. Choose the reason it was sent late from the list, and explain it if you choose \"Other\".")]
    OutcomeLateWithoutReason { due_by: NaiveDate },

    /// TIME-01: a late reason from the list, with free text where "Other" is chosen.
    #[error("Check the reason for the delay: {why}.")]
    BadLateReason { why: String },

    /// MIN-05: the draft is edited only once it has been written.
    #[error("There is no draft record to edit yet. Write the draft from the meeting first.")]
    NoDraftToEdit,

    /// REV-01: the next review is no later than the statutory limit.
    #[error("The next review must be held by {latest}. Choose that date or an earlier one.")]
    NextReviewTooLate { latest: NaiveDate },

    /// MIN-02: only an approved record is distributed.
    #[error(
        "The record has not been approved by the chair yet. Drafts are never sent: ask the chair to approve it first."
    )]
    RecordNotApproved,

    /// MIN-02: approval needs a draft.
    #[error("There is no draft record to approve. The note taker writes the draft first.")]
    NoDraft,

    /// MIN-04: a request can be answered once.
    #[error("This correction request has already been answered.")]
    AlreadyAnswered,

    /// Something referred to by number does not exist.
    #[error("There is no {what} with that number in this conference. Refresh the page and try again.")]
    NotFound { what: &'static str },

    /// An interpreter booking should say which language.
    #[error("Interpreter bookings need a language or sign language. Enter the language.")]
    NoLanguage,
}
