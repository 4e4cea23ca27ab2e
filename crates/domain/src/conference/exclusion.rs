//! Exclusion of a parent or carer (EXC-01..06): decided by the chair only, for the whole
//! conference or a named part, for reasons from a fixed list plus words; the person is told
//! before and told how their views will be heard; it lasts for this conference only; and it
//! decides what they and their supporter may see ([`Conference::visibility_for`]).

use super::{Acting, AgendaPart, ConferenceError, ConferenceState, Duty, Outcome, Part, Person, RecordSection};
use crate::model::{AdultId, ChildId, ProfessionalId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The reasons a chair may exclude (EXC-02).
    pub enum ExclusionReason {
        RiskOfViolence => "risk-of-violence", "Risk of violence to someone attending";
        RiskOfHarmToChild => "risk-of-harm-to-child", "Risk of harm to the child if they attend";
        HarmToOwnWellbeing => "harm-to-own-wellbeing", "Harm to the parent's own health or wellbeing";
        LikelyToDisrupt => "likely-to-disrupt", "Likely to disrupt the conference";
        UnderTheInfluence => "under-the-influence", "Under the influence of drugs or alcohol";
    }
}

crate::text_enum! {
    /// What a partial exclusion is from (EXC-03).
    pub enum ExcludedPartKind {
        AnotherPersonsInformation => "another-persons-information", "Another person's information";
        ChildsWish => "childs-wish", "A child's wish that the parent not hear what they say";
        DomesticAbuseBetweenParents => "domestic-abuse-between-parents", "Domestic abuse between the parents";
        Other => "other", "Another part";
    }
}

crate::text_enum! {
    /// How the excluded person was told (EXC-04).
    pub enum HowTold {
        InPerson => "in-person", "In person";
        Phone => "phone", "By phone";
        Video => "video", "By video call";
        Letter => "letter", "By letter";
        Email => "email", "By e-mail";
    }
}

crate::text_enum! {
    /// How an excluded person's views will reach the conference (EXC-04, INV-06, INV-07).
    pub enum ViewsRoute {
        LetterToChair => "letter-to-chair", "A letter to the chair, read out at the conference";
        ThroughSocialWorker => "through-social-worker", "Through the social worker";
        PhoneOrVideo => "phone-or-video", "By phone or video for their part";
        Representative => "representative", "Through a representative such as a solicitor";
        MeetingWithChair => "meeting-with-chair", "A separate meeting with the chair";
    }
}

/// Whole conference or one named part (EXC-03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "kebab-case")]
pub enum ExclusionScope {
    /// Excluded from the whole conference. They receive the outcome sections of the record
    /// only: the decisions, the plan, recommendations and the next review. (The guidance is
    /// silent on which sections; a careful chair still tells an excluded parent the outcome
    /// and the plan, since they must act on them.)
    Whole,
    /// Excluded from one part, chosen from the agenda's parts ([`super::AgendaPart`]) that the
    /// attendance and the record's sections name too.
    Part { part: Part, kind: ExcludedPartKind, will_see: String, will_not_see: String },
}

/// What the chair decides (EXC-01..04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionDecision {
    pub adult_id: AdultId,
    pub scope: ExclusionScope,
    pub reasons: Vec<ExclusionReason>,
    pub detail: String,
    /// EXC-02: the reason may rest on police information (which the family does not see).
    pub rests_on_police_information: bool,
    pub views_by: Vec<ViewsRoute>,
}

/// EXC-04: when and how the person was told the reasons and how to give their views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    pub on: NaiveDate,
    pub how: HowTold,
    pub by: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub decision: ExclusionDecision,
    pub decided_by: UserId,
    pub decided_at: DateTime<Utc>,
    pub told: Option<Told>,
}

/// An exclusion of the conference before, to be decided again (EXC-05, REV-03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousExclusion {
    pub adult_id: AdultId,
    pub scope: ExclusionScope,
    pub reasons: Vec<ExclusionReason>,
}

crate::text_enum! {
    /// The chair's fresh decision on a previous exclusion (EXC-05).
    pub enum ExclusionReviewOutcome {
        ExcludedAgain => "excluded-again", "Excluded again at this conference";
        NotExcluded => "not-excluded", "Not excluded from this conference";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionReview {
    pub adult_id: AdultId,
    pub outcome: ExclusionReviewOutcome,
    pub at: DateTime<Utc>,
}

/// Whom a document is shown or sent to. A supporter is named by their invitation and sees
/// what the person they support sees (ROLE-07).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "recipient", content = "id", rename_all = "kebab-case")]
pub enum Recipient {
    Staff(UserId),
    Professional(ProfessionalId),
    FamilyMember(AdultId),
    Child(ChildId),
    Supporter(super::InvitationId),
}

/// What a person may see of a conference (EXC-04, EXC-06, REP-03, ROLE-07), decided in one
/// place ([`Visibility::for_recipient`]) and used by every page, copy and report that shows a
/// conference to someone: the portal, the record sent to each recipient, the outcome and the
/// reports shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visibility {
    /// Restricted report parts and restricted record sections (third-party, police information).
    pub restricted_content: bool,
    /// Parts of the conference whose record they must not see.
    pub excluded_parts: Vec<Part>,
    /// Excluded from the whole conference (or from a part the list does not know): the outcome
    /// sections of the record only.
    pub outcome_only: bool,
    /// The meeting's date, time, place and video link: never for someone excluded from the
    /// whole conference (nor their supporter), who is told that they are excluded, why, and
    /// how their views are heard (EXC-04) instead.
    pub meeting_details: bool,
}

impl Visibility {
    pub const EVERYTHING: Visibility =
        Visibility { restricted_content: true, excluded_parts: Vec::new(), outcome_only: false, meeting_details: true };
    /// A family reader with no exclusion: everything but restricted content.
    pub const FAMILY: Visibility = Visibility {
        restricted_content: false,
        excluded_parts: Vec::new(),
        outcome_only: false,
        meeting_details: true,
    };
    /// The least any reader sees: the outcome, nothing restricted, not even when or where.
    pub const LEAST: Visibility = Visibility {
        restricted_content: false,
        excluded_parts: Vec::new(),
        outcome_only: true,
        meeting_details: false,
    };

    /// The one place that decides (EXC-04, EXC-06, REP-03, ROLE-07). Staff and professionals
    /// see all; family see no restricted content, nothing of a part they are excluded from,
    /// and only the outcome (not even when and where it meets) if excluded from the whole
    /// conference. An exclusion from a part the list does not recognise (a document stored
    /// before parts were chosen) withholds everything but the outcome: more, never less. A
    /// supporter sees what the person they support sees; a supporter the conference does not
    /// know sees the least.
    pub fn for_recipient(c: &super::Conference, recipient: &Recipient) -> Visibility {
        let family = |adult: &AdultId| {
            let excluded_parts = c.excluded_parts(adult);
            let whole = c.is_fully_excluded(adult);
            let unrecognised = excluded_parts.iter().any(|p| !p.is_recognised());
            Visibility {
                restricted_content: false,
                excluded_parts,
                outcome_only: whole || unrecognised,
                meeting_details: !whole,
            }
        };
        match recipient {
            Recipient::Staff(_) | Recipient::Professional(_) => Visibility::EVERYTHING,
            Recipient::FamilyMember(adult) => family(adult),
            Recipient::Child(_) => Visibility::FAMILY,
            Recipient::Supporter(invitation) => match c.supported_by(*invitation) {
                Some(Person::FamilyMember(adult)) => family(adult),
                Some(Person::Child(_)) => Visibility::FAMILY,
                _ => Visibility::LEAST,
            },
        }
    }

    /// [`Visibility::for_recipient`] for a person of the conference.
    pub fn for_person(c: &super::Conference, person: &Person) -> Visibility {
        let recipient = match person {
            Person::FamilyMember(a) => Recipient::FamilyMember(a.clone()),
            Person::Child(ch) => Recipient::Child(ch.clone()),
            Person::Professional(p) => Recipient::Professional(p.clone()),
        };
        Visibility::for_recipient(c, &recipient)
    }

    /// Whether this recipient is treated as family (no restricted content).
    pub fn is_family(&self) -> bool {
        !self.restricted_content
    }

    /// EXC-06, REP-03: whether a section of the record may be shown or sent to them. The
    /// professionals-only part (and anything restricted) is never for the family; a section of
    /// a part they are excluded from is withheld, and so is a section whose part the list does
    /// not recognise from anyone excluded from any part (it may be that part).
    pub fn may_see_section(&self, section: &RecordSection) -> bool {
        let parts = section.parts();
        if !self.restricted_content && (section.restricted || parts.contains(&AgendaPart::ProfessionalsOnly.into())) {
            return false;
        }
        if self.outcome_only && !section.kind.is_outcome() {
            return false;
        }
        if self.excluded_parts.is_empty() {
            return true;
        }
        parts.iter().all(|p| p.is_recognised() && !self.excluded_parts.contains(p))
    }
}

impl super::Conference {
    /// EXC-01..04: the chair excludes a parent or carer from the whole conference or a part.
    pub fn exclude(&mut self, who: &Acting, decision: ExclusionDecision, now: DateTime<Utc>) -> Outcome {
        self.require(who, Duty::Chair, "exclude a parent or carer")?;
        self.require_state(
            &[ConferenceState::Scheduled, ConferenceState::InProgress],
            "exclude a parent or carer",
            "Exclusion is decided for a scheduled conference or during it.",
        )?;
        let member = self.family_member(&decision.adult_id)?;
        if !member.is_parent_or_carer() {
            return Err(ConferenceError::NotParentOrCarer { name: member.name.clone(), what: "excluded" });
        }
        let name = member.name.clone();
        if decision.reasons.is_empty() {
            return Err(ConferenceError::Missing { what: "at least one reason for the exclusion from the list" });
        }
        if decision.detail.trim().is_empty() {
            return Err(ConferenceError::Missing { what: "the reasons for the exclusion in your own words" });
        }
        if decision.views_by.is_empty() {
            return Err(ConferenceError::Missing { what: "how the excluded person can give their views" });
        }
        if let ExclusionScope::Part { part, will_see, will_not_see, .. } = &decision.scope {
            if !part.is_recognised() {
                return Err(ConferenceError::Missing {
                    what: "the part of the conference they are excluded from, chosen from the list",
                });
            }
            if will_see.trim().is_empty() || will_not_see.trim().is_empty() {
                return Err(ConferenceError::Missing { what: "what they will and will not see of the record" });
            }
        }
        let already = self.exclusions.iter().any(|e| {
            e.decision.adult_id == decision.adult_id
                && match (&e.decision.scope, &decision.scope) {
                    (ExclusionScope::Whole, _) => true,
                    (ExclusionScope::Part { part: a, .. }, ExclusionScope::Part { part: b, .. }) => a == b,
                    _ => false,
                }
        });
        if already {
            return Err(ConferenceError::AlreadyRecorded { what: format!("An exclusion covering this for {name}") });
        }
        self.exclusions.push(Exclusion { decision, decided_by: who.user_id.clone(), decided_at: now, told: None });
        Ok(())
    }

    /// EXC-04: records when and how the person was told of their exclusion.
    pub fn record_exclusion_told(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        on: NaiveDate,
        how: HowTold,
        today: NaiveDate,
    ) -> Outcome {
        if !(self.is_chair(who) || who.has(crate::model::Role::Coordinator) || who.user_id == self.allocated_worker) {
            return Err(ConferenceError::NotAllowed {
                action: "record that someone was told of their exclusion",
                who_may: "the chair, the coordinator or the allocated social worker",
            });
        }
        if on > today {
            return Err(ConferenceError::BadDate {
                what: "The date they were told",
                date: on,
                problem: "is in the future",
            });
        }
        let mut found = false;
        for e in self.exclusions.iter_mut().filter(|e| &e.decision.adult_id == adult_id) {
            e.told = Some(Told { on, how, by: who.user_id.clone() });
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(ConferenceError::NotFound { what: "exclusion for that person" })
        }
    }

    /// EXC-05: the chair decides again on an exclusion of the previous conference. Excluding
    /// again means a fresh exclusion of this conference, with its own reasons, recorded first.
    pub fn review_previous_exclusion(
        &mut self,
        who: &Acting,
        adult_id: &AdultId,
        outcome: ExclusionReviewOutcome,
        now: DateTime<Utc>,
    ) -> Outcome {
        self.require(who, Duty::Chair, "review a previous exclusion")?;
        if !self.previous_exclusions().iter().any(|p| &p.adult_id == adult_id) {
            return Err(ConferenceError::NotFound { what: "previous exclusion for that person" });
        }
        let excluded_now = self.exclusions.iter().any(|e| &e.decision.adult_id == adult_id);
        match outcome {
            ExclusionReviewOutcome::ExcludedAgain if !excluded_now => {
                return Err(ConferenceError::Missing {
                    what:
                        "the new exclusion for this conference, with its reasons, before recording it as excluded again",
                })
            }
            ExclusionReviewOutcome::NotExcluded if excluded_now => {
                return Err(ConferenceError::AlreadyRecorded {
                    what: "An exclusion at this conference for that person".into(),
                })
            }
            _ => {}
        }
        self.previous_exclusions_reviewed.retain(|r| &r.adult_id != adult_id);
        self.previous_exclusions_reviewed.push(ExclusionReview { adult_id: adult_id.clone(), outcome, at: now });
        Ok(())
    }

    /// EXC-05: the previous conference's exclusions (never applied here, only to re-decide).
    pub fn previous_exclusions(&self) -> &[PreviousExclusion] {
        self.previous.as_ref().map(|p| p.exclusions.as_slice()).unwrap_or(&[])
    }

    /// EXC-05: previous exclusions the chair has not yet decided on again.
    pub fn previous_exclusions_to_review(&self) -> Vec<&PreviousExclusion> {
        self.previous_exclusions()
            .iter()
            .filter(|p| !self.previous_exclusions_reviewed.iter().any(|r| r.adult_id == p.adult_id))
            .collect()
    }

    pub fn exclusion_reviews(&self) -> &[ExclusionReview] {
        &self.previous_exclusions_reviewed
    }

    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// This conference's exclusions in the form the next conference re-decides (EXC-05).
    pub fn exclusions_for_next_conference(&self) -> Vec<PreviousExclusion> {
        self.exclusions
            .iter()
            .map(|e| PreviousExclusion {
                adult_id: e.decision.adult_id.clone(),
                scope: e.decision.scope.clone(),
                reasons: e.decision.reasons.clone(),
            })
            .collect()
    }

    pub fn is_fully_excluded(&self, adult_id: &AdultId) -> bool {
        self.exclusions.iter().any(|e| &e.decision.adult_id == adult_id && e.decision.scope == ExclusionScope::Whole)
    }

    /// The parts an adult is excluded from.
    pub fn excluded_parts(&self, adult_id: &AdultId) -> Vec<Part> {
        self.exclusions
            .iter()
            .filter(|e| &e.decision.adult_id == adult_id)
            .filter_map(|e| match &e.decision.scope {
                ExclusionScope::Part { part, .. } => Some(part.clone()),
                ExclusionScope::Whole => None,
            })
            .collect()
    }

    /// EXC-04: exclusions whose person has not been told (or was told only after the date).
    pub fn exclusions_not_told_in_time(&self) -> Vec<&Exclusion> {
        self.exclusions
            .iter()
            .filter(|e| match (&e.told, self.date()) {
                (None, _) => true,
                (Some(t), Some(date)) => t.on > date,
                (Some(_), None) => false,
            })
            .collect()
    }

    /// EXC-06, REP-03, ROLE-07: what a recipient may see ([`Visibility::for_recipient`]).
    pub fn visibility_for(&self, recipient: &Recipient) -> Visibility {
        Visibility::for_recipient(self, recipient)
    }
}
