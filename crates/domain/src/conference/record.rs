//! The record (MIN-01..05): drafted by the note taker from what the meeting recorded,
//! approved by the chair, never sent as a draft, sent to each recipient as the version they
//! may see (EXC-06, REP-03), corrected only by a new version. Also the young person's own
//! version (CHILD-04), translation and format requests (LANG-02, LANG-03) and the
//! confidentiality statement for family documents in English and Welsh (MEET-04, LANG-04).

use super::{
    Acting, ConferenceError, ConferenceState, Duty, ExclusionScope, Invitee, Outcome, Part, Person, Recipient,
    Visibility,
};
use crate::calendar::WorkingCalendar;
use crate::model::{AdultId, ChildId, Role, UserId};
use crate::policy::Policy;
use crate::timescales::DeadlineRule;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The sections of the record (MIN-01).
    pub enum SectionKind {
        Attendance => "attendance", "Attendance and apologies";
        Exclusions => "exclusions", "Exclusions and reasons";
        PreMeeting => "pre-meeting", "The chair's meeting with parents before the conference";
        Discussion => "discussion", "Discussion";
        ChildViews => "child-views", "The child's views";
        ParentViews => "parent-views", "The parents' views";
        ProfessionalViews => "professional-views", "The professionals' views";
        Corrections => "corrections", "Corrections made by the family";
        Decisions => "decisions", "Decision";
        Dissent => "dissent", "Dissent";
        Recommendations => "recommendations", "Recommendations";
        Plan => "plan", "Plan";
        NextReview => "next-review", "Next review";
    }
}

impl SectionKind {
    /// What someone excluded from the whole conference still receives: the outcome they
    /// must act on (see [`ExclusionScope::Whole`]).
    pub fn is_outcome(self) -> bool {
        matches!(
            self,
            SectionKind::Decisions | SectionKind::Recommendations | SectionKind::Plan | SectionKind::NextReview
        )
    }
}

/// One section of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSection {
    pub kind: SectionKind,
    pub heading: String,
    pub text: String,
    /// The part of the conference it records (EXC-03), as well as the part its kind or
    /// heading is ([`RecordSection::parts`]): hidden from those excluded from it.
    pub part: Option<Part>,
    /// Third-party or police information: never shown to the family (REP-03, EXC-06).
    pub restricted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDraft {
    pub sections: Vec<RecordSection>,
    pub written_by: UserId,
    pub updated_at: DateTime<Utc>,
}

/// An approved version. Never changed once approved (MIN-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordVersion {
    pub number: u32,
    pub sections: Vec<RecordSection>,
    pub approved_by: UserId,
    pub approved_at: DateTime<Utc>,
    /// The correction request this version answers (MIN-04).
    pub correcting: Option<u32>,
}

/// MIN-03: one sending of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSent {
    pub version: u32,
    pub recipient: Recipient,
    pub on: NaiveDate,
    pub late: bool,
    /// REP-04, MIN-03: the language it was sent in, so a copy "as sent" is remade in it, not
    /// in the person's language of today. Sendings kept before it was remembered have none
    /// (and are remade in the person's language, as they were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<DocumentLanguage>,
}

/// MIN-04: a change to one section, as the chair accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionChange {
    pub index: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum CorrectionAnswer {
    /// A new version with the changes (MIN-05).
    Accepted {
        note: String,
        new_version: u32,
    },
    Declined {
        reason: String,
    },
}

/// What the chair decides on a correction request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CorrectionDecision {
    Accept { changes: Vec<SectionChange>, note: String },
    Decline { reason: String },
}

/// MIN-04: a parent's request to correct the record, and the chair's answer, kept together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRequest {
    pub number: u32,
    pub by: AdultId,
    pub version: u32,
    pub what: String,
    pub requested_on: NaiveDate,
    pub answer: Option<CorrectionAnswer>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The record of a conference: a draft until approved, then versions that are only added to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub draft: Option<RecordDraft>,
    pub versions: Vec<RecordVersion>,
    pub distribution: Vec<RecordSent>,
    pub correction_requests: Vec<CorrectionRequest>,
}

impl Record {
    pub fn latest(&self) -> Option<&RecordVersion> {
        self.versions.last()
    }
}

/// The record as one recipient may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCopy {
    pub version: u32,
    pub sections: Vec<RecordSection>,
    /// Some sections were held back from this reader.
    pub sections_withheld: bool,
    /// MEET-04: on every family copy, in the family's language.
    pub confidentiality: Option<&'static str>,
}

crate::text_enum! {
    /// Languages family documents are produced in (LANG-04).
    pub enum DocumentLanguage {
        English => "en", "English";
        Welsh => "cy", "Cymraeg (Welsh)";
    }
}

/// LANG-04: the language a family document is made in: Welsh where the authority is in Wales
/// and the person asked for Welsh; English otherwise (an English authority offers no Welsh
/// documents, so a request for one there is answered in English).
pub fn document_language(nation: crate::model::Nation, asked: Option<DocumentLanguage>) -> DocumentLanguage {
    match (nation, asked) {
        (crate::model::Nation::Wales, Some(DocumentLanguage::Welsh)) => DocumentLanguage::Welsh,
        _ => DocumentLanguage::English,
    }
}

/// LANG-04: the language of a document for a person whose first language is held: what they
/// asked for (Welsh in Wales, or for a Welsh speaker anywhere), else Welsh to a Welsh speaker in
/// any nation and English to everyone else.
pub fn document_language_for(
    nation: crate::model::Nation,
    asked: Option<DocumentLanguage>,
    first_language: Option<&str>,
) -> DocumentLanguage {
    let welsh_speaker = crate::notices::CalendarLanguage::for_recipient(nation, first_language)
        == crate::notices::CalendarLanguage::Welsh;
    match asked {
        Some(DocumentLanguage::Welsh) if welsh_speaker || nation == crate::model::Nation::Wales => {
            DocumentLanguage::Welsh
        }
        Some(_) => DocumentLanguage::English,
        None if welsh_speaker => DocumentLanguage::Welsh,
        None => DocumentLanguage::English,
    }
}

/// MEET-04, LANG-04: the statement every family-facing document carries.
// The Welsh text is a careful translation; have the authority's Welsh language officer
// confirm it before the first Welsh authority goes live.
pub fn confidentiality_statement(language: DocumentLanguage) -> &'static str {
    match language {
        DocumentLanguage::English => {
            "This conference is confidential. The information shared at it, and in this document, may be shared with anyone outside the conference only to protect a child, or with your permission."
        }
        DocumentLanguage::Welsh => {
            "Mae'r gynhadledd hon yn gyfrinachol. Dim ond er mwyn amddiffyn plentyn, neu gyda'ch caniatâd chi, y caiff yr wybodaeth a rennir ynddi, ac yn y ddogfen hon, ei rhannu ag unrhyw un y tu allan i'r gynhadledd."
        }
    }
}

/// EXC-06, REP-03: the sections a reader with this visibility may see.
pub fn redact(sections: &[RecordSection], visibility: &Visibility) -> Vec<RecordSection> {
    sections.iter().filter(|s| visibility.may_see_section(s)).cloned().collect()
}

/// CHILD-04: the outcome and plan written for a young person who attended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YoungPersonVersion {
    pub child: ChildId,
    pub written: Option<WrittenVersion>,
    pub sent_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenVersion {
    pub text: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

crate::text_enum! {
    /// Family documents that may be asked for in another language or format.
    pub enum FamilyDocument {
        Invitation => "invitation", "Invitation";
        Report => "report", "Report";
        Outcome => "outcome", "Outcome letter";
        Record => "record", "Record of the conference";
        Plan => "plan", "Plan";
    }
}

/// LANG-02, LANG-03: a translation or another format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "kebab-case")]
pub enum RequestedFormat {
    Translation { language: String },
    LargePrint,
    Audio,
    Braille,
    EasyRead,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatRequest {
    pub number: u32,
    pub for_recipient: Recipient,
    pub document: FamilyDocument,
    pub format: RequestedFormat,
    pub requested_on: NaiveDate,
    pub fulfilled_on: Option<NaiveDate>,
    /// What was sent when it was met ("Audio CD posted", "Large print PDF made by confer").
    #[serde(default)]
    pub sent: Option<String>,
}

impl RequestedFormat {
    /// The format's key in forms and the documents log: `translation`, `large-print`, ...
    pub fn key(&self) -> &'static str {
        match self {
            RequestedFormat::Translation { .. } => "translation",
            RequestedFormat::LargePrint => "large-print",
            RequestedFormat::Audio => "audio",
            RequestedFormat::Braille => "braille",
            RequestedFormat::EasyRead => "easy-read",
        }
    }

    /// The format from a form's key (and, for a translation, the language typed).
    pub fn from_key(key: &str, language: &str) -> Option<RequestedFormat> {
        Some(match key {
            "translation" => RequestedFormat::Translation { language: language.trim().to_owned() },
            "large-print" => RequestedFormat::LargePrint,
            "audio" => RequestedFormat::Audio,
            "braille" => RequestedFormat::Braille,
            "easy-read" => RequestedFormat::EasyRead,
            _ => return None,
        })
    }

    /// The keys offered, in order.
    pub const KEYS: [&'static str; 5] = ["translation", "large-print", "audio", "braille", "easy-read"];

    /// In words for staff pages: "Translation into Polish", "Large print".
    pub fn label(&self) -> String {
        match self {
            RequestedFormat::Translation { language } => format!("Translation into {language}"),
            RequestedFormat::LargePrint => "Large print".into(),
            RequestedFormat::Audio => "Audio".into(),
            RequestedFormat::Braille => "Braille".into(),
            RequestedFormat::EasyRead => "Easy read".into(),
        }
    }
}

impl super::Conference {
    /// MIN-01: the record's sections as the meeting recorded them. The note taker starts
    /// from this and edits it. Dissent is written without the professional's name (DIS-02);
    /// restricted and part-only material is marked so [`redact`] can remove it.
    pub fn record_from_meeting(&self) -> Vec<RecordSection> {
        let section = |kind: SectionKind, text: String| RecordSection {
            kind,
            heading: kind.label().to_owned(),
            text,
            part: None,
            restricted: false,
        };
        let mut out = Vec::new();

        let attendance: Vec<String> = self
            .invitations
            .iter()
            .map(|i| {
                let who = match &i.invitee {
                    Invitee::Supporter(s) => format!(
                        "{} ({}, supporting {})",
                        s.name,
                        s.kind.label().to_lowercase(),
                        self.name_of(&s.supports)
                    ),
                    Invitee::Professional { professional_id } => match self.professional(professional_id) {
                        Ok(p) => format!("{} ({}, {})", p.name, p.job_title, p.agency_name),
                        Err(_) => professional_id.to_string(),
                    },
                    Invitee::FamilyMember { adult_id } => match self.family_member(adult_id) {
                        Ok(m) => format!("{} ({})", m.name, m.relationship.label().to_lowercase()),
                        Err(_) => adult_id.to_string(),
                    },
                    Invitee::Child { child_id, .. } => {
                        format!("{} (child)", self.name_of(&Person::Child(child_id.clone())))
                    }
                };
                let att = self.attendance.iter().find(|a| a.invitation == i.id);
                let how = match att {
                    None => "attendance not recorded".to_owned(),
                    Some(a) => {
                        let mut s = a.presence.label().to_owned();
                        if !a.parts.is_empty() {
                            let parts: Vec<&str> = a.parts.iter().map(|p| p.label()).collect();
                            s.push_str(&format!(" for: {}", parts.join(", ")));
                        }
                        if let Some(t) = a.arrived_late_at {
                            s.push_str(&format!("; arrived late at {}", t.format("%H:%M")));
                        }
                        if let Some(t) = a.left_early_at {
                            s.push_str(&format!("; left early at {}", t.format("%H:%M")));
                        }
                        s
                    }
                };
                format!("{who}: {how}")
            })
            .collect();
        out.push(section(SectionKind::Attendance, attendance.join("\n")));

        for e in &self.exclusions {
            let name = self.name_of(&Person::FamilyMember(e.decision.adult_id.clone()));
            let scope = match &e.decision.scope {
                ExclusionScope::Whole => "the whole conference".to_owned(),
                ExclusionScope::Part { part, will_see, will_not_see, .. } => {
                    format!("the part \"{part}\". They will see: {will_see}. They will not see: {will_not_see}")
                }
            };
            let reasons: Vec<&str> = e.decision.reasons.iter().map(|r| r.label()).collect();
            let told = match &e.told {
                Some(t) => format!("They were told on {} ({}).", t.on, t.how.label().to_lowercase()),
                None => "There is no record of their being told.".to_owned(),
            };
            let views: Vec<&str> = e.decision.views_by.iter().map(|v| v.label()).collect();
            out.push(section(
                SectionKind::Exclusions,
                format!(
                    "{name} was excluded from {scope}. Reasons: {}. {told} Their views were heard by: {}.",
                    reasons.join("; "),
                    views.join("; ")
                ),
            ));
            // The chair's own words may rest on police information (EXC-02), which the family never sees.
            out.push(RecordSection {
                restricted: e.decision.rests_on_police_information,
                ..section(
                    SectionKind::Exclusions,
                    format!("The chair's reasons for excluding {name}: {}", e.decision.detail),
                )
            });
        }

        let pre: Vec<String> = self
            .pre_meetings
            .iter()
            .map(|p| {
                let name = self.name_of(&Person::FamilyMember(p.adult_id.clone()));
                match &p.outcome {
                    super::PreMeetingOutcome::Held { mode, on } => {
                        format!("The chair met {name} on {on} ({}).", mode.label().to_lowercase())
                    }
                    super::PreMeetingOutcome::NotHeld { reason } => {
                        format!("The chair did not meet {name} before the conference: {reason}")
                    }
                }
            })
            .collect();
        out.push(section(SectionKind::PreMeeting, pre.join("\n")));

        for d in &self.discussion {
            let mut text = d.text.clone();
            if let Some(c) = &d.child {
                text = format!("{}: {text}", self.name_of(&Person::Child(c.clone())));
            }
            out.push(RecordSection {
                kind: SectionKind::Discussion,
                heading: d.heading.label().to_owned(),
                text,
                part: d.part.clone(),
                restricted: d.restricted,
            });
        }

        for v in &self.views {
            let kind = match v.given.whose {
                Person::Child(_) => SectionKind::ChildViews,
                _ => SectionKind::ParentViews,
            };
            let mut text = format!(
                "{} ({}), obtained by {} on {}, {}: {}",
                self.name_of(&v.given.whose),
                v.given.form.label().to_lowercase(),
                v.given.obtained_by,
                v.given.obtained_on,
                v.given.how_obtained,
                v.given.summary
            );
            if let Some(inv) = v.given.supported_by {
                if let Some(Invitee::Supporter(s)) = self.invitation(inv).map(|i| &i.invitee) {
                    text.push_str(&format!(" Supported by {} ({}).", s.name, s.kind.label().to_lowercase()));
                }
            }
            match &v.presented {
                Some(p) if p.read_out => text.push_str(" The letter was read out at the conference."),
                Some(_) => text.push_str(" It was presented to the conference."),
                None => {}
            }
            out.push(section(kind, text));
        }
        for p in &self.parent_views {
            let mut text = format!("{}: {}", self.name_of(&Person::FamilyMember(p.adult_id.clone())), p.views);
            if let Some(c) = &p.child {
                text = format!("About {}. {text}", self.name_of(&Person::Child(c.clone())));
            }
            out.push(section(SectionKind::ParentViews, text));
        }

        let prof: Vec<String> = self
            .professional_views
            .iter()
            .map(|v| {
                let p = self.professional(&v.professional);
                let who = p.map(|p| format!("{} ({})", p.name, p.agency_name)).unwrap_or_default();
                format!("{who} on {}: {}. {}", self.name_of(&Person::Child(v.child.clone())), v.view.label(), v.reasons)
            })
            .collect();
        out.push(section(SectionKind::ProfessionalViews, prof.join("\n")));

        let corrections: Vec<String> = self
            .corrections
            .iter()
            .map(|c| format!("{} said that \"{}\" is wrong: {}", self.name_of(&c.by), c.what_was_said, c.correction))
            .collect();
        if !corrections.is_empty() {
            out.push(section(SectionKind::Corrections, corrections.join("\n")));
        }

        let decisions: Vec<String> = self
            .decisions
            .iter()
            .map(|d| {
                let mut s = format!("{}: {}.", self.name_of(&Person::Child(d.child.clone())), d.outcome.describe());
                if let Some(r) = &d.inquorate_reason {
                    s.push_str(&format!(" The conference was not quorate; the chair decided because: {r}"));
                }
                // Scotland (issue 15): the Children's Reporter referral, with its reasons.
                if let Some(r) = &d.reporter_referral {
                    s.push_str(&format!(" {}", r.describe()));
                }
                s
            })
            .collect();
        out.push(section(SectionKind::Decisions, decisions.join("\n")));

        for d in &self.dissents {
            let about = d
                .child
                .as_ref()
                .map(|c| format!(" for {}", self.name_of(&Person::Child(c.clone()))))
                .unwrap_or_default();
            out.push(section(
                SectionKind::Dissent,
                format!(
                    "A professional disagreed with the decision{about}. Their reasons: {} The chair's response: {}",
                    d.reasons, d.chair_response
                ),
            ));
        }

        let recs: Vec<String> = self.legal_recommendations.iter().map(|r| r.wording()).collect();
        if !recs.is_empty() {
            out.push(section(SectionKind::Recommendations, recs.join("\n")));
        }

        let plan: Vec<String> = self
            .actions
            .iter()
            .map(|a| {
                let owner = match &a.owner {
                    super::ActionOwner::Professional(p) => self.name_of(&Person::Professional(p.clone())),
                    super::ActionOwner::FamilyMember(m) => self.name_of(&Person::FamilyMember(m.clone())),
                    super::ActionOwner::Agency(name) => name.clone(),
                };
                format!("{} - {owner}, by {}", a.what, a.due)
            })
            .collect();
        out.push(section(SectionKind::Plan, plan.join("\n")));

        let next = match self.next_review {
            Some(n) => format!("The next review conference will be held on {} (no later than {}).", n.on, n.latest),
            None => "No review conference: no child is on a child protection plan.".to_owned(),
        };
        out.push(section(SectionKind::NextReview, next));
        out
    }

    /// The note taker writes (or rewrites) the draft, once the conference has closed.
    /// `None` starts from [`Conference::record_from_meeting`].
    pub fn draft_record(&mut self, who: &Acting, sections: Option<Vec<RecordSection>>, now: DateTime<Utc>) -> Outcome {
        if !(who.has(Role::NoteTaker) || self.is_chair(who)) {
            return Err(ConferenceError::NotAllowed {
                action: "write the record",
                who_may: "the note taker or the chair",
            });
        }
        self.require_state(
            &[ConferenceState::Closed],
            "write the record",
            "The record is written after the conference closes.",
        )?;
        if !self.record.versions.is_empty() {
            return Err(ConferenceError::WrongState {
                action: "change the approved record",
                state: self.state,
                hint: "An approved record is never changed in place: a parent's correction request, accepted by the chair, makes a new version.",
            });
        }
        let sections = sections.unwrap_or_else(|| self.record_from_meeting());
        self.record.draft = Some(RecordDraft { sections, written_by: who.user_id.clone(), updated_at: now });
        Ok(())
    }

    /// The note taker (or the chair) rewrites one section of the draft, before the chair
    /// approves it. Only the words change: what the section is, the part of the conference it
    /// records and whether it is restricted stay as the meeting recorded them, so an edit can
    /// never make restricted or part-only material visible to the family (EXC-06, REP-03).
    /// Once a version is approved the record is never changed in place (MIN-05).
    pub fn edit_record_section(&mut self, who: &Acting, index: usize, text: &str, now: DateTime<Utc>) -> Outcome {
        let text = self.check_draft_change(who, "edit the record", text)?;
        let draft = self.record.draft.as_mut().ok_or(ConferenceError::NoDraftToEdit)?;
        let section = draft.sections.get_mut(index).ok_or(ConferenceError::NotFound { what: "record section" })?;
        section.text = text;
        draft.written_by = who.user_id.clone();
        draft.updated_at = now;
        Ok(())
    }

    /// MEET-05, MIN-01: the note taker (or the chair) adds a point to the draft's discussion
    /// under one of the six headings, for something the meeting said that was not noted at
    /// the time. It goes after the discussion already in the draft; marked restricted, it is
    /// never shown to the family (REP-03, EXC-06); given a part of the conference (chosen from
    /// the agenda's list, EXC-03), it is withheld from those excluded from that part. Returns
    /// its place in the draft (from 0).
    #[allow(clippy::too_many_arguments)]
    pub fn add_record_discussion(
        &mut self,
        who: &Acting,
        heading: super::DiscussionHeading,
        part: Option<Part>,
        text: &str,
        restricted: bool,
        now: DateTime<Utc>,
    ) -> Outcome<usize> {
        let text = self.check_draft_change(who, "add to the record", text)?;
        if part.as_ref().is_some_and(|p| !p.is_recognised()) {
            return Err(ConferenceError::Missing { what: "the part of the conference, chosen from the list" });
        }
        let draft = self.record.draft.as_mut().ok_or(ConferenceError::NoDraftToEdit)?;
        // After the last discussion section, or else before the children's views.
        let at = match draft.sections.iter().rposition(|s| s.kind == SectionKind::Discussion) {
            Some(i) => i + 1,
            None => draft
                .sections
                .iter()
                .position(|s| {
                    !matches!(s.kind, SectionKind::Attendance | SectionKind::Exclusions | SectionKind::PreMeeting)
                })
                .unwrap_or(draft.sections.len()),
        };
        draft.sections.insert(
            at,
            RecordSection {
                kind: SectionKind::Discussion,
                heading: heading.label().to_owned(),
                text,
                part,
                restricted,
            },
        );
        draft.written_by = who.user_id.clone();
        draft.updated_at = now;
        Ok(at)
    }

    /// Who may change the draft, and when (MIN-02, MIN-05); the words, tidied.
    fn check_draft_change(&self, who: &Acting, action: &'static str, text: &str) -> Outcome<String> {
        if !(who.has(Role::NoteTaker) || self.is_chair(who)) {
            return Err(ConferenceError::NotAllowed { action, who_may: "the note taker or the chair" });
        }
        self.require_state(&[ConferenceState::Closed], action, "The record is written after the conference closes.")?;
        if !self.record.versions.is_empty() {
            return Err(ConferenceError::WrongState {
                action: "change the approved record",
                state: self.state,
                hint: "An approved record is never changed in place: a parent's correction request, accepted by the chair, makes a new version.",
            });
        }
        if self.record.draft.is_none() {
            return Err(ConferenceError::NoDraftToEdit);
        }
        if text.trim().is_empty() {
            return Err(ConferenceError::Missing {
                what: "the words of this section (write \"None\" if there is nothing to record)",
            });
        }
        Ok(text.trim().replace("\r\n", "\n"))
    }

    /// MIN-02: the chair approves the draft; it becomes version 1.
    pub fn approve_record(&mut self, who: &Acting, now: DateTime<Utc>) -> Outcome<u32> {
        self.require(who, Duty::Chair, "approve the record")?;
        self.require_state(
            &[ConferenceState::Closed],
            "approve the record",
            "The record is approved after the conference closes.",
        )?;
        let draft = self.record.draft.take().ok_or(ConferenceError::NoDraft)?;
        let number = self.record.versions.len() as u32 + 1;
        self.record.versions.push(RecordVersion {
            number,
            sections: draft.sections,
            approved_by: who.user_id.clone(),
            approved_at: now,
            correcting: None,
        });
        Ok(number)
    }

    /// MIN-03: the day the record must reach parents and professionals.
    pub fn record_due_by(&self, policy: &Policy, calendar: &dyn WorkingCalendar) -> Option<NaiveDate> {
        self.date().and_then(|d| DeadlineRule::RecordSent.due_date(d, calendar, policy))
    }

    /// MIN-02, MIN-03, EXC-06, REP-03, MEET-04: sends the latest approved version to one
    /// recipient, as they may see it, and logs it. Drafts are never sent.
    #[allow(clippy::too_many_arguments)]
    pub fn distribute_record(
        &mut self,
        who: &Acting,
        recipient: Recipient,
        language: DocumentLanguage,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome<RecordCopy> {
        self.require(who, Duty::Coordinate, "send the record")?;
        self.check_recipient(&recipient)?;
        let copy = self.record_copy_for(&recipient, language)?;
        let late = self.record_due_by(policy, calendar).is_some_and(|by| today > by);
        self.record.distribution.push(RecordSent {
            version: copy.version,
            recipient,
            on: today,
            late,
            language: Some(language),
        });
        Ok(copy)
    }

    /// The copy of the latest approved record a recipient may read (EXC-06, REP-03).
    pub fn record_copy_for(&self, recipient: &Recipient, language: DocumentLanguage) -> Outcome<RecordCopy> {
        let version = self.record.latest().ok_or(ConferenceError::RecordNotApproved)?;
        Ok(self.copy_of_version(version, recipient, language))
    }

    /// MIN-03, MIN-05: the version last sent to this recipient, as they may see it; `None`
    /// while none has been sent to them. A newer version approved since is not theirs until
    /// it is sent to them.
    /// The language the record was last sent to this recipient in (REP-04, MIN-03); `None`
    /// while none has been sent to them, or when it was sent before the language was kept.
    pub fn record_language_sent_to(&self, recipient: &Recipient) -> Option<DocumentLanguage> {
        self.record.distribution.iter().rev().find(|d| &d.recipient == recipient).and_then(|d| d.language)
    }

    pub fn record_copy_sent_to(&self, recipient: &Recipient, language: DocumentLanguage) -> Option<RecordCopy> {
        let sent = self.record.distribution.iter().rev().find(|d| &d.recipient == recipient)?;
        let version = self.record.versions.iter().find(|v| v.number == sent.version)?;
        Some(self.copy_of_version(version, recipient, language))
    }

    fn copy_of_version(
        &self,
        version: &RecordVersion,
        recipient: &Recipient,
        language: DocumentLanguage,
    ) -> RecordCopy {
        let visibility = self.visibility_for(recipient);
        let sections = redact(&version.sections, &visibility);
        RecordCopy {
            version: version.number,
            sections_withheld: sections.len() < version.sections.len(),
            sections,
            confidentiality: visibility.is_family().then(|| confidentiality_statement(language)),
        }
    }

    pub fn record(&self) -> &Record {
        &self.record
    }

    /// MIN-04: a parent asks for a correction to an approved version.
    pub fn request_record_correction(
        &mut self,
        who: &Acting,
        by: &AdultId,
        version: u32,
        what: &str,
        today: NaiveDate,
    ) -> Outcome<u32> {
        let own = who.adult_id.as_ref() == Some(by);
        if !own {
            self.require(who, Duty::GatherViews, "ask for a correction for a parent")?;
        }
        self.family_member(by)?;
        if !self.record.versions.iter().any(|v| v.number == version) {
            return Err(ConferenceError::RecordNotApproved);
        }
        if what.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "what is wrong and what it should say" });
        }
        let number = self.record.correction_requests.len() as u32 + 1;
        self.record.correction_requests.push(CorrectionRequest {
            number,
            by: by.clone(),
            version,
            what: what.trim().to_owned(),
            requested_on: today,
            answer: None,
            answered_at: None,
        });
        Ok(number)
    }

    /// MIN-04, MIN-05: the chair answers a correction request. Accepting makes a new version
    /// from the latest one with the changes; every earlier version is kept unchanged.
    pub fn answer_correction(
        &mut self,
        who: &Acting,
        request: u32,
        decision: CorrectionDecision,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "answer a correction request")?;
        let req = self
            .record
            .correction_requests
            .iter()
            .find(|r| r.number == request)
            .ok_or(ConferenceError::NotFound { what: "correction request" })?;
        if req.answer.is_some() {
            return Err(ConferenceError::AlreadyAnswered);
        }
        let answer = match decision {
            CorrectionDecision::Decline { reason } => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::Missing { what: "why the correction is not made" });
                }
                CorrectionAnswer::Declined { reason: reason.trim().to_owned() }
            }
            CorrectionDecision::Accept { changes, note } => {
                let latest = self.record.latest().ok_or(ConferenceError::RecordNotApproved)?;
                if changes.is_empty() {
                    return Err(ConferenceError::Missing { what: "the change to make" });
                }
                if changes.iter().any(|c| c.text.trim().is_empty()) {
                    return Err(ConferenceError::Missing { what: "the corrected words of the section" });
                }
                let mut sections = latest.sections.clone();
                for change in &changes {
                    let s =
                        sections.get_mut(change.index).ok_or(ConferenceError::NotFound { what: "record section" })?;
                    s.text = change.text.clone();
                }
                let number = latest.number + 1;
                self.record.versions.push(RecordVersion {
                    number,
                    sections,
                    approved_by: who.user_id.clone(),
                    approved_at: now,
                    correcting: Some(request),
                });
                CorrectionAnswer::Accepted { note: note.trim().to_owned(), new_version: number }
            }
        };
        if let Some(req) = self.record.correction_requests.iter_mut().find(|r| r.number == request) {
            req.answer = Some(answer);
            req.answered_at = Some(now);
        }
        Ok(())
    }

    /// CHILD-04: the young person's own version of the outcome and plan is written.
    pub fn write_young_person_version(
        &mut self,
        who: &Acting,
        child: &ChildId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::GatherViews, "write a young person's version")?;
        let name = self.child(child)?.name.clone();
        if text.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the version written for the young person" });
        }
        let v = self
            .young_person_versions
            .iter_mut()
            .find(|v| &v.child == child)
            .ok_or(ConferenceError::NotInConference { who: format!("{name} as a young person who attended") })?;
        v.written = Some(WrittenVersion { text: text.trim().to_owned(), by: who.user_id.clone(), at: now });
        Ok(())
    }

    /// CHILD-04: the young person's version has been given to them.
    pub fn record_young_person_version_sent(&mut self, who: &Acting, child: &ChildId, on: NaiveDate) -> Outcome {
        self.require(who, Duty::GatherViews, "record that a young person's version was sent")?;
        let v = self
            .young_person_versions
            .iter_mut()
            .find(|v| &v.child == child)
            .ok_or(ConferenceError::NotFound { what: "young person's version" })?;
        if v.written.is_none() {
            return Err(ConferenceError::Missing { what: "the young person's version before sending it" });
        }
        v.sent_on = Some(on);
        Ok(())
    }

    pub fn young_person_versions(&self) -> &[YoungPersonVersion] {
        &self.young_person_versions
    }

    /// CHILD-04: versions still to write or send.
    pub fn young_person_versions_outstanding(&self) -> Vec<&YoungPersonVersion> {
        self.young_person_versions.iter().filter(|v| v.sent_on.is_none()).collect()
    }

    /// LANG-02, LANG-03: someone asks for a document in another language or format.
    pub fn request_format(
        &mut self,
        who: &Acting,
        for_recipient: Recipient,
        document: FamilyDocument,
        format: RequestedFormat,
        today: NaiveDate,
    ) -> Outcome<u32> {
        // A parent or young person asks for their own copy; anyone else's is staff's to log.
        let own = match &for_recipient {
            Recipient::FamilyMember(a) => who.adult_id.as_ref() == Some(a),
            Recipient::Child(ch) => who.child_id.as_ref() == Some(ch),
            _ => false,
        };
        if !own {
            self.require(who, Duty::GatherViews, "ask for a translation or another format")?;
        }
        if self.state == ConferenceState::Cancelled {
            return Err(ConferenceError::WrongState { action: "ask for a format", state: self.state, hint: "" });
        }
        self.check_recipient(&for_recipient)?;
        if let RequestedFormat::Translation { language } = &format {
            if language.trim().is_empty() {
                return Err(ConferenceError::NoLanguage);
            }
        }
        // The same document in the same format for the same person, still being made: asked
        // twice (a form sent again), not two requests to meet.
        if self.format_requests.iter().any(|r| {
            r.fulfilled_on.is_none() && r.for_recipient == for_recipient && r.document == document && r.format == format
        }) {
            return Err(ConferenceError::AlreadyRecorded {
                what: format!("A request for the {} in this format", document.label().to_lowercase()),
            });
        }
        let number = self.next_number();
        self.format_requests.push(FormatRequest {
            number,
            for_recipient,
            document,
            format,
            requested_on: today,
            fulfilled_on: None,
            sent: None,
        });
        Ok(number)
    }

    /// LANG-02, LANG-03: the translation or format has been provided, and what was sent.
    pub fn fulfil_format_request(&mut self, who: &Acting, number: u32, on: NaiveDate, sent: &str) -> Outcome {
        self.require(who, Duty::Coordinate, "record that a format request was met")?;
        if sent.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "what was sent (for example, audio CD posted first class)" });
        }
        let r = self
            .format_requests
            .iter_mut()
            .find(|r| r.number == number)
            .ok_or(ConferenceError::NotFound { what: "format request" })?;
        if r.fulfilled_on.is_some() {
            return Err(ConferenceError::AlreadyRecorded { what: "This request's fulfilment".into() });
        }
        if on < r.requested_on {
            return Err(ConferenceError::BadDate {
                what: "The date it was provided",
                date: on,
                problem: "is before it was asked for",
            });
        }
        r.fulfilled_on = Some(on);
        r.sent = Some(sent.trim().to_owned());
        Ok(())
    }

    pub fn format_requests(&self) -> &[FormatRequest] {
        &self.format_requests
    }

    /// LANG-02, LANG-03: requests not yet met.
    pub fn format_requests_outstanding(&self) -> Vec<&FormatRequest> {
        self.format_requests.iter().filter(|r| r.fulfilled_on.is_none()).collect()
    }
}
