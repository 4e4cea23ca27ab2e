//! Before and around the meeting: the views of parents and children (INV-06, INV-07,
//! CHILD-02, CHILD-03), the chair's pre-meeting with parents (MEET-01) and consent to audio
//! recording (MEET-03).

use super::{Acting, ConferenceError, ConferenceState, Duty, InvitationId, Invitee, Outcome, Person};
use crate::model::AdultId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ViewsId(pub u32);

crate::text_enum! {
    /// How views reach the conference (INV-06, INV-07, CHILD-02).
    pub enum ViewsForm {
        Letter => "letter", "A letter to the chair";
        Drawing => "drawing", "A drawing";
        Recording => "recording", "An audio or video recording";
        HeardBySocialWorker => "heard-by-social-worker", "What the social worker heard from them";
        PhoneOrVideo => "phone-or-video", "By phone or video";
        Representative => "representative", "Through a representative";
    }
}

impl ViewsForm {
    /// Letters, drawings and recordings are themselves put before the conference.
    pub fn is_presented_in_meeting(self) -> bool {
        matches!(self, ViewsForm::Letter | ViewsForm::Drawing | ViewsForm::Recording)
    }
}

/// A parent's or child's views as gathered (CHILD-03: how obtained, and by whom).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewsGiven {
    pub whose: Person,
    pub form: ViewsForm,
    /// The views, or a summary of a drawing or recording, in plain words.
    pub summary: String,
    pub how_obtained: String,
    pub obtained_by: String,
    pub obtained_on: NaiveDate,
    /// CHILD-02: the advocate or person of their choice who supported them.
    pub supported_by: Option<InvitationId>,
}

/// INV-07: when the letter (drawing, recording) was put before the conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presented {
    pub at: DateTime<Utc>,
    /// A letter is read out; the record says so.
    pub read_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Views {
    pub id: ViewsId,
    pub given: ViewsGiven,
    pub presented: Option<Presented>,
}

crate::text_enum! {
    /// How the chair met a parent before the conference (MEET-01).
    pub enum PreMeetingMode {
        FaceToFace => "face-to-face", "Face to face";
        Virtual => "virtual", "By video";
        Phone => "phone", "By phone";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum PreMeetingOutcome {
    Held { mode: PreMeetingMode, on: NaiveDate },
    NotHeld { reason: String },
}

/// MEET-01: the chair's pre-meeting with one parent, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreMeeting {
    pub adult_id: AdultId,
    pub outcome: PreMeetingOutcome,
    pub recorded_at: DateTime<Utc>,
}

/// MEET-03: one parent's answer on audio recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingConsent {
    pub adult_id: AdultId,
    pub consents: bool,
    pub recorded_at: DateTime<Utc>,
}

const OPEN: &[ConferenceState] = &[ConferenceState::Requested, ConferenceState::Scheduled, ConferenceState::InProgress];

impl super::Conference {
    /// INV-06, INV-07, CHILD-02, CHILD-03: records a parent's or child's views. The social
    /// worker, coordinator or chair records them; a parent may send their own.
    pub fn record_views(&mut self, who: &Acting, given: ViewsGiven) -> Outcome<ViewsId> {
        let own = matches!(&given.whose, Person::FamilyMember(a) if who.adult_id.as_ref() == Some(a));
        if !own {
            self.require(who, Duty::GatherViews, "record someone's views")?;
        }
        self.require_state(OPEN, "record views", "Views are given before or during the conference.")?;
        match &given.whose {
            Person::FamilyMember(a) => {
                self.family_member(a)?;
            }
            Person::Child(c) => {
                self.child(c)?;
            }
            Person::Professional(p) => {
                let name = self.professional(p)?.name.clone();
                return Err(ConferenceError::NotParentOrCarer {
                    name,
                    what: "recorded here: professionals give their view in the meeting",
                });
            }
        }
        if given.summary.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the views, or a summary of them" });
        }
        if given.how_obtained.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "how the views were obtained" });
        }
        if given.obtained_by.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "who obtained the views" });
        }
        if let Some(inv) = given.supported_by {
            let supports = match self.invitation(inv).map(|i| &i.invitee) {
                Some(Invitee::Supporter(s)) => s.supports == given.whose,
                _ => false,
            };
            if !supports {
                return Err(ConferenceError::NotFound { what: "supporter of that person" });
            }
        }
        let id = ViewsId(self.next_number());
        self.views.push(Views { id, given, presented: None });
        Ok(id)
    }

    /// INV-07, CHILD-02: the chair puts a letter, drawing or recording before the conference.
    pub fn present_views(&mut self, who: &Acting, views: ViewsId, now: DateTime<Utc>) -> Outcome {
        self.require(who, Duty::Chair, "present views to the conference")?;
        self.require_state(&[ConferenceState::InProgress], "present views", "Views are presented during the meeting.")?;
        let v = self.views.iter_mut().find(|v| v.id == views).ok_or(ConferenceError::NotFound { what: "views" })?;
        v.presented = Some(Presented { at: now, read_out: v.given.form == ViewsForm::Letter });
        Ok(())
    }

    pub fn views(&self) -> &[Views] {
        &self.views
    }

    /// INV-07: letters, drawings and recordings not yet put before the conference.
    pub fn views_not_presented(&self) -> Vec<&Views> {
        self.views.iter().filter(|v| v.given.form.is_presented_in_meeting() && v.presented.is_none()).collect()
    }

    /// MEET-01: the chair records their pre-meeting with a parent, or why there was none.
    pub fn record_pre_meeting(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        outcome: PreMeetingOutcome,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "record the pre-meeting with parents")?;
        self.require_state(
            &[ConferenceState::Scheduled, ConferenceState::InProgress],
            "record the pre-meeting",
            "The pre-meeting is recorded for a scheduled conference.",
        )?;
        let member = self.family_member(adult_id)?;
        if !member.is_parent_or_carer() {
            return Err(ConferenceError::NotParentOrCarer {
                name: member.name.clone(),
                what: "met by the chair before the conference",
            });
        }
        if let PreMeetingOutcome::NotHeld { reason } = &outcome {
            if reason.trim().is_empty() {
                return Err(ConferenceError::Missing { what: "why the pre-meeting did not happen" });
            }
        }
        self.pre_meetings.retain(|p| &p.adult_id != adult_id);
        self.pre_meetings.push(PreMeeting { adult_id: adult_id.clone(), outcome, recorded_at: now });
        Ok(())
    }

    pub fn pre_meetings(&self) -> &[PreMeeting] {
        &self.pre_meetings
    }

    /// MEET-01: parents and carers who are invited (and not excluded from the whole
    /// conference) with no pre-meeting recorded.
    pub fn pre_meetings_missing(&self) -> Vec<&super::FamilyMember> {
        self.family_members
            .iter()
            .filter(|m| m.is_parent_or_carer() && !self.is_fully_excluded(&m.adult_id))
            .filter(|m| self.invitation_of(&Person::FamilyMember(m.adult_id.clone())).is_some())
            .filter(|m| !self.pre_meetings.iter().any(|p| p.adult_id == m.adult_id))
            .collect()
    }

    /// MEET-03: records a parent's answer on audio recording.
    pub fn record_recording_consent(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        consents: bool,
        now: DateTime<Utc>,
    ) -> Outcome {
        let own = who.adult_id.as_ref() == Some(adult_id);
        if !own {
            self.require(who, Duty::Note, "record consent to audio recording")?;
        }
        self.require_state(OPEN, "record consent to audio recording", "Consent is asked before the recording starts.")?;
        let member = self.family_member(adult_id)?;
        if !member.is_parent_or_carer() {
            return Err(ConferenceError::NotParentOrCarer {
                name: member.name.clone(),
                what: "asked for consent to recording",
            });
        }
        self.recording_consents.retain(|c| &c.adult_id != adult_id);
        self.recording_consents.push(RecordingConsent { adult_id: adult_id.clone(), consents, recorded_at: now });
        Ok(())
    }

    /// MEET-03: starts audio recording, only with every parent's and carer's consent recorded.
    pub fn start_audio_recording(&mut self, who: &Acting) -> Outcome {
        self.require(who, Duty::Chair, "start audio recording")?;
        self.require_state(
            &[ConferenceState::InProgress],
            "start audio recording",
            "Recording happens during the meeting.",
        )?;
        let missing: Vec<String> = self
            .family_members
            .iter()
            .filter(|m| m.is_parent_or_carer())
            .filter(|m| !self.recording_consents.iter().any(|c| c.adult_id == m.adult_id && c.consents))
            .map(|m| m.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(ConferenceError::RecordingConsentMissing { names: missing.join(", ") });
        }
        self.audio_recorded = true;
        Ok(())
    }

    pub fn recording_consents(&self) -> &[RecordingConsent] {
        &self.recording_consents
    }
    pub fn is_audio_recorded(&self) -> bool {
        self.audio_recorded
    }
}
