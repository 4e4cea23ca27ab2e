//! Feedback after a conference (QA-01): once the outcome has been sent, the parents and carers,
//! the young people invited and every invited professional are asked what they thought, and
//! the answers are reported to quality assurance.
//!
//! Who is asked is decided here once ([`invitees`]): everyone the conference invited (but not
//! the supporters, who are asked through the person they support) and every parent or carer
//! the conference is about, excluded or not: feedback is a right, and someone excluded from
//! the meeting has as much to say about it. A person never invited cannot answer. Each
//! invitation is answered once, within [`WINDOW_DAYS`] of being given. An answer may be kept
//! anonymously: then the answer is stored without any link to the person, and only the
//! invitation remembers that it was used.

use crate::conference::{Conference, Invitee};
use crate::model::{AdultId, ChildId, ProfessionalId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How long after the invitation an answer is taken (and the e-mailed link works).
pub const WINDOW_DAYS: i64 = 60;
/// The longest free-text comment kept.
pub const MAX_COMMENT: usize = 4000;

crate::text_enum! {
    /// Which form the person gets: the family's questions or the professionals'.
    pub enum Audience {
        Family => "family", "Families";
        Professional => "professional", "Professionals";
    }
}

/// The person asked for feedback about one conference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Invited {
    FamilyMember(AdultId),
    Child(ChildId),
    Professional(ProfessionalId),
}

impl Invited {
    pub fn audience(&self) -> Audience {
        match self {
            Invited::FamilyMember(_) | Invited::Child(_) => Audience::Family,
            Invited::Professional(_) => Audience::Professional,
        }
    }
    /// The stored kind: `family-member`, `child` or `professional`.
    pub fn kind(&self) -> &'static str {
        match self {
            Invited::FamilyMember(_) => "family-member",
            Invited::Child(_) => "child",
            Invited::Professional(_) => "professional",
        }
    }
    pub fn id(&self) -> &str {
        match self {
            Invited::FamilyMember(a) => a.as_str(),
            Invited::Child(c) => c.as_str(),
            Invited::Professional(p) => p.as_str(),
        }
    }
    pub fn from_parts(kind: &str, id: &str) -> Option<Invited> {
        match kind {
            "family-member" => Some(Invited::FamilyMember(AdultId(id.to_owned()))),
            "child" => Some(Invited::Child(ChildId(id.to_owned()))),
            "professional" => Some(Invited::Professional(ProfessionalId(id.to_owned()))),
            _ => None,
        }
    }
}

/// QA-01: who is asked for feedback about this conference: nobody until its written outcome
/// has been sent to someone; then every parent and carer of the conference, every family
/// member, young person and professional it invited (excluded or not), never a supporter.
/// Sorted and without repeats.
pub fn invitees(c: &Conference) -> Vec<Invited> {
    if c.outcome_sent().is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Invited> = c.family_members().iter().map(|m| Invited::FamilyMember(m.adult_id.clone())).collect();
    for i in c.invitations() {
        match &i.invitee {
            Invitee::FamilyMember { adult_id } => out.push(Invited::FamilyMember(adult_id.clone())),
            Invitee::Child { child_id, .. } => out.push(Invited::Child(child_id.clone())),
            Invitee::Professional { professional_id } => out.push(Invited::Professional(professional_id.clone())),
            Invitee::Supporter(_) => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// QA-01: the people newly asked by a change of the conference (those asked after it and not
/// before), so each person is asked once.
pub fn newly_invited(before: &Conference, after: &Conference) -> Vec<Invited> {
    let was = invitees(before);
    invitees(after).into_iter().filter(|i| !was.contains(i)).collect()
}

crate::text_enum! {
    /// An answer to one of the yes-or-no questions.
    pub enum Reply {
        Yes => "yes", "Yes";
        Partly => "partly", "Partly";
        No => "no", "No";
    }
}

/// A question of the form: its code (the stored key and form field), and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub code: &'static str,
    pub en: &'static str,
    pub cy: &'static str,
}

/// The family's questions (in plain English and Welsh).
pub const FAMILY_QUESTIONS: &[Question] = &[
    Question {
        code: "understood-why",
        en: "Did you understand why the meeting was held?",
        cy: "Oeddech chi'n deall pam y cynhaliwyd y cyfarfod?",
    },
    Question {
        code: "listened-to",
        en: "Did you feel listened to?",
        cy: "Oeddech chi'n teimlo bod pobl wedi gwrando arnoch chi?",
    },
    Question {
        code: "reports-in-time",
        en: "Did you get the reports in time to read them before the meeting?",
        cy: "Gawsoch chi'r adroddiadau mewn pryd i'w darllen cyn y cyfarfod?",
    },
    Question {
        code: "supporter",
        en: "Could you bring someone to support you if you wanted to?",
        cy: "Oeddech chi'n gallu dod â rhywun i'ch cefnogi pe baech chi eisiau?",
    },
];

/// The professionals' questions.
pub const PROFESSIONAL_QUESTIONS: &[Question] = &[
    Question {
        code: "reports-requested-in-time",
        en: "Was your report asked for in good time?",
        cy: "Gofynnwyd am eich adroddiad mewn da bryd?",
    },
    Question {
        code: "chaired-well",
        en: "Was the conference chaired well?",
        cy: "Gafodd y gynhadledd ei chadeirio'n dda?",
    },
    Question {
        code: "decision-clear",
        en: "Was the decision, and the reasons for it, clear?",
        cy: "Oedd y penderfyniad, a'r rhesymau drosto, yn glir?",
    },
];

pub fn questions(audience: Audience) -> &'static [Question] {
    match audience {
        Audience::Family => FAMILY_QUESTIONS,
        Audience::Professional => PROFESSIONAL_QUESTIONS,
    }
}

/// Why an answer was refused, saying what to do (English; [`FeedbackError::cy`] in Welsh).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("Answer the question: {question}")]
    Unanswered { question: &'static str, cy: &'static str },
    #[error("Choose a rating from 1 (very poor) to 5 (very good)")]
    NoRating,
    #[error("Your comment is too long: keep it under {MAX_COMMENT} characters")]
    CommentTooLong,
    #[error("You have already given your feedback about this conference. Thank you.")]
    AlreadyAnswered,
    #[error("Feedback about this conference closed on {closed}.")]
    Closed { closed: NaiveDate },
    #[error("You were not asked for feedback about this conference.")]
    NotInvited,
}

impl FeedbackError {
    /// The same in Welsh, for the family's pages.
    pub fn cy(&self) -> String {
        match self {
            FeedbackError::Unanswered { cy, .. } => format!("Atebwch y cwestiwn: {cy}"),
            FeedbackError::NoRating => "Dewiswch sgôr o 1 (gwael iawn) i 5 (da iawn)".into(),
            FeedbackError::CommentTooLong => {
                format!("Mae eich sylw yn rhy hir: cadwch ef o dan {MAX_COMMENT} o nodau")
            }
            FeedbackError::AlreadyAnswered => {
                "Rydych chi eisoes wedi rhoi eich adborth am y gynhadledd hon. Diolch.".into()
            }
            FeedbackError::Closed { closed } => format!("Daeth yr adborth am y gynhadledd hon i ben ar {closed}."),
            FeedbackError::NotInvited => "Ni ofynnwyd i chi am adborth am y gynhadledd hon.".into(),
        }
    }
    /// The form field the error belongs to, for the error summary's link.
    pub fn field(&self) -> &'static str {
        match self {
            FeedbackError::Unanswered { .. } => "answers",
            FeedbackError::NoRating => "rating",
            FeedbackError::CommentTooLong => "comment",
            _ => "answers",
        }
    }
}

/// An answer as typed on the form: a reply per question (by code), a rating, a comment and
/// whether to keep it anonymous.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub replies: Vec<(String, String)>,
    pub rating: String,
    pub comment: String,
    pub anonymous: bool,
}

/// A checked answer: one reply per question of the audience, in the questions' order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub audience: Audience,
    /// (question code, reply)
    pub replies: Vec<(String, Reply)>,
    pub rating: u8,
    pub comment: String,
    pub anonymous: bool,
}

/// QA-01: checks a typed answer against the audience's questions. Every error is listed,
/// so the person fixes all at once.
pub fn check_answers(audience: Audience, typed: &Typed) -> Result<Answers, Vec<FeedbackError>> {
    let mut errors = Vec::new();
    let mut replies = Vec::new();
    for q in questions(audience) {
        let reply = typed.replies.iter().find(|(code, _)| code == q.code).and_then(|(_, r)| Reply::parse(r.trim()));
        match reply {
            Some(r) => replies.push((q.code.to_owned(), r)),
            None => errors.push(FeedbackError::Unanswered { question: q.en, cy: q.cy }),
        }
    }
    let rating = match typed.rating.trim().parse::<u8>() {
        Ok(n @ 1..=5) => n,
        _ => {
            errors.push(FeedbackError::NoRating);
            0
        }
    };
    let comment = typed.comment.trim().to_owned();
    if comment.chars().count() > MAX_COMMENT {
        errors.push(FeedbackError::CommentTooLong);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Answers { audience, replies, rating, comment, anonymous: typed.anonymous })
}

/// The state of one invitation, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationState {
    pub invited_on: NaiveDate,
    pub answered: bool,
}

impl InvitationState {
    /// The last day an answer is taken.
    pub fn closes_on(&self) -> NaiveDate {
        self.invited_on + chrono::Duration::days(WINDOW_DAYS)
    }

    /// QA-01: whether an answer may be given today: once per invitation, within the window.
    pub fn may_answer(&self, today: NaiveDate) -> Result<(), FeedbackError> {
        if self.answered {
            return Err(FeedbackError::AlreadyAnswered);
        }
        if today > self.closes_on() {
            return Err(FeedbackError::Closed { closed: self.closes_on() });
        }
        Ok(())
    }
}

/// QA-01: the invitation a person may answer about a conference: theirs if they were asked,
/// refused if they never were.
pub fn invitation_for<'a, T>(invitations: &'a [(Invited, T)], person: &Invited) -> Result<&'a T, FeedbackError> {
    invitations.iter().find(|(who, _)| who == person).map(|(_, t)| t).ok_or(FeedbackError::NotInvited)
}

/// One response as the report reads it (never who gave it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub audience: Audience,
    /// The month it was given, `YYYY-MM`.
    pub period: String,
    pub replies: Vec<(String, Reply)>,
    pub rating: u8,
}

/// The figures of one question for one audience and period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionFigures {
    pub code: String,
    pub yes: u32,
    pub partly: u32,
    pub no: u32,
}

impl QuestionFigures {
    pub fn answered(&self) -> u32 {
        self.yes + self.partly + self.no
    }
    /// The share answering yes, as a whole percentage (0 with no answers).
    pub fn yes_percent(&self) -> u32 {
        let n = self.answered();
        (self.yes * 100 + n / 2).checked_div(n).unwrap_or(0)
    }
}

/// QA-01, "results are reported": the figures of one audience in one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub period: String,
    pub audience: Option<Audience>,
    pub responses: u32,
    pub questions: Vec<QuestionFigures>,
    pub rating_total: u32,
}

impl Figures {
    /// The average overall rating, to one decimal place (`None` with no responses).
    pub fn average_rating(&self) -> Option<f64> {
        (self.responses > 0).then(|| (self.rating_total as f64 / self.responses as f64 * 10.0).round() / 10.0)
    }
}

/// QA-01: counts per question and the average rating, by period (month) and audience, in
/// period order (families before professionals within a period).
pub fn report(responses: &[Response]) -> Vec<Figures> {
    let mut out: Vec<Figures> = Vec::new();
    let mut keys: Vec<(String, Audience)> = responses.iter().map(|r| (r.period.clone(), r.audience)).collect();
    keys.sort();
    keys.dedup();
    for (period, audience) in keys {
        let mut f = Figures {
            period: period.clone(),
            audience: Some(audience),
            questions: questions(audience)
                .iter()
                .map(|q| QuestionFigures { code: q.code.to_owned(), ..Default::default() })
                .collect(),
            ..Default::default()
        };
        for r in responses.iter().filter(|r| r.period == period && r.audience == audience) {
            f.responses += 1;
            f.rating_total += r.rating as u32;
            for (code, reply) in &r.replies {
                if let Some(q) = f.questions.iter_mut().find(|q| &q.code == code) {
                    match reply {
                        Reply::Yes => q.yes += 1,
                        Reply::Partly => q.partly += 1,
                        Reply::No => q.no += 1,
                    }
                }
            }
        }
        out.push(f);
    }
    out
}

/// The words of a question code, for reports (English).
pub fn question_words(code: &str) -> &'static str {
    FAMILY_QUESTIONS.iter().chain(PROFESSIONAL_QUESTIONS).find(|q| q.code == code).map(|q| q.en).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn typed_family() -> Typed {
        Typed {
            replies: FAMILY_QUESTIONS.iter().map(|q| (q.code.to_owned(), "yes".to_owned())).collect(),
            rating: "4".into(),
            comment: "  Thank you  ".into(),
            anonymous: false,
        }
    }

    /// QA-01: a full answer is accepted, trimmed, with one reply per question.
    #[test]
    fn qa_01_full_answer_is_accepted() {
        let a = check_answers(Audience::Family, &typed_family()).unwrap();
        assert_eq!(a.replies.len(), FAMILY_QUESTIONS.len());
        assert_eq!(a.rating, 4);
        assert_eq!(a.comment, "Thank you");
    }

    /// QA-01: answers are validated: every question, a rating from 1 to 5, a comment not too long.
    #[test]
    fn qa_01_answers_are_validated() {
        let mut t = typed_family();
        t.replies.remove(1);
        t.rating = "6".into();
        t.comment = "x".repeat(MAX_COMMENT + 1);
        let errors = check_answers(Audience::Family, &t).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(matches!(errors[0], FeedbackError::Unanswered { question, .. } if question == FAMILY_QUESTIONS[1].en));
        assert_eq!(errors[1], FeedbackError::NoRating);
        assert_eq!(errors[2], FeedbackError::CommentTooLong);
        // A family answer is not a professional's: the professional questions are unanswered.
        let errors = check_answers(Audience::Professional, &typed_family()).unwrap_err();
        assert_eq!(errors.len(), PROFESSIONAL_QUESTIONS.len());
        assert!(!errors[0].cy().is_empty());
    }

    /// QA-01: one answer per invitation, within the window.
    #[test]
    fn qa_01_once_and_within_the_window() {
        let open = InvitationState { invited_on: d("2026-01-01"), answered: false };
        assert_eq!(open.may_answer(d("2026-01-01")), Ok(()));
        assert_eq!(open.may_answer(d("2026-03-02")), Ok(()));
        assert_eq!(open.may_answer(d("2026-03-03")), Err(FeedbackError::Closed { closed: d("2026-03-02") }));
        let done = InvitationState { invited_on: d("2026-01-01"), answered: true };
        assert_eq!(done.may_answer(d("2026-01-02")), Err(FeedbackError::AlreadyAnswered));
    }

    /// QA-01: a person never invited is refused.
    #[test]
    fn qa_01_a_person_never_invited_is_refused() {
        let list = vec![(Invited::FamilyMember(AdultId("a1".into())), 1)];
        assert_eq!(invitation_for(&list, &Invited::FamilyMember(AdultId("a1".into()))), Ok(&1));
        assert_eq!(invitation_for(&list, &Invited::FamilyMember(AdultId("a2".into()))), Err(FeedbackError::NotInvited));
        assert_eq!(
            invitation_for(&list, &Invited::Professional(ProfessionalId("a1".into()))),
            Err(FeedbackError::NotInvited)
        );
    }

    /// QA-01: the report counts each reply and averages the rating by period and audience.
    #[test]
    fn qa_01_report_figures() {
        let fam = |period: &str, r: Reply, rating| Response {
            audience: Audience::Family,
            period: period.into(),
            replies: FAMILY_QUESTIONS.iter().map(|q| (q.code.to_owned(), r)).collect(),
            rating,
        };
        let pro = Response {
            audience: Audience::Professional,
            period: "2026-01".into(),
            replies: vec![("chaired-well".into(), Reply::No)],
            rating: 2,
        };
        let figures = report(&[
            fam("2026-01", Reply::Yes, 5),
            fam("2026-01", Reply::No, 2),
            pro,
            fam("2026-02", Reply::Partly, 3),
        ]);
        assert_eq!(figures.len(), 3);
        assert_eq!((figures[0].period.as_str(), figures[0].audience), ("2026-01", Some(Audience::Family)));
        assert_eq!(figures[0].responses, 2);
        assert_eq!(figures[0].average_rating(), Some(3.5));
        assert_eq!((figures[0].questions[0].yes, figures[0].questions[0].no), (1, 1));
        assert_eq!(figures[0].questions[0].yes_percent(), 50);
        assert_eq!(figures[1].audience, Some(Audience::Professional));
        assert_eq!(figures[1].questions[1].no, 1);
        assert_eq!(figures[1].questions[0].answered(), 0);
        assert_eq!(figures[2].questions[3].partly, 1);
    }
}
