//! The people a conference is about and with: the children, the family members and the
//! professionals involved. Each is a snapshot taken at the request, so the conference
//! record shows who was involved then, even after the family record changes.

use crate::model::{
    AdultId, AgencyId, AgencyKind, Birth, ChildId, Communication, ProfessionalId, RelationshipKind, UserId,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The category of a child protection plan (DEC-01). The census codes are NEG, PHY, EMO,
    /// SAB and MUL.
    pub enum PlanCategory {
        Physical => "physical", "Physical abuse";
        Emotional => "emotional", "Emotional abuse";
        Sexual => "sexual", "Sexual abuse";
        Neglect => "neglect", "Neglect";
        Multiple => "multiple", "Multiple categories";
    }
}

crate::text_enum! {
    /// Categories of concern named in the request (S47-01); several may apply.
    pub enum ConcernCategory {
        Physical => "physical", "Physical abuse";
        Emotional => "emotional", "Emotional abuse";
        Sexual => "sexual", "Sexual abuse";
        Neglect => "neglect", "Neglect";
        DomesticAbuse => "domestic-abuse", "Domestic abuse";
        ParentalSubstanceUse => "parental-substance-use", "Parental drug or alcohol use";
        ParentalMentalHealth => "parental-mental-health", "Parental mental health";
        Exploitation => "exploitation", "Child sexual or criminal exploitation";
        Other => "other", "Other";
    }
}

crate::text_enum! {
    /// A practical need that must be met for someone to take part (INV-08).
    pub enum PracticalNeedKind {
        AccessibleRoom => "accessible-room", "An accessible room";
        Childcare => "childcare", "Childcare";
        Travel => "travel", "Help with travel";
        QuietSpace => "quiet-space", "A quiet space";
        HearingLoop => "hearing-loop", "A hearing loop";
        Other => "other", "Another need";
    }
}

/// A child the conference is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectChild {
    pub child_id: ChildId,
    pub name: String,
    pub birth: Birth,
    pub communication: Communication,
    pub disability: String,
    /// The child protection plan the child is on when the conference is requested (reviews
    /// and transfer-in); `None` for a child not on a plan.
    pub current_plan: Option<PlanCategory>,
}

impl SubjectChild {
    pub fn is_unborn(&self) -> bool {
        matches!(self.birth, Birth::Unborn { .. })
    }
    pub fn expected_delivery(&self) -> Option<NaiveDate> {
        match self.birth {
            Birth::Unborn { expected } => Some(expected),
            Birth::Born(_) => None,
        }
    }
}

/// A practical need and whether it has been met (INV-08: "recorded and met").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticalNeed {
    pub kind: PracticalNeedKind,
    pub detail: String,
    /// How the need was met, once it is.
    pub met: Option<String>,
}

/// An adult of the family, with their needs to take part (INV-08).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    pub adult_id: AdultId,
    pub name: String,
    pub relationship: RelationshipKind,
    pub parental_responsibility: bool,
    pub carer: bool,
    /// Language, interpreter, access needs in words (model::Communication).
    pub communication: Communication,
    pub disability: String,
    pub needs: Vec<PracticalNeed>,
}

impl FamilyMember {
    /// ROLE-05: anyone with parental responsibility or caring for the child.
    pub fn is_parent_or_carer(&self) -> bool {
        self.parental_responsibility || self.carer
    }
}

/// A professional involved with the child and family (INV-02), with their agency so the
/// quorum can be counted (INV-03). The allocated social worker is one of them (children's
/// social care).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalInvolved {
    pub professional_id: ProfessionalId,
    pub name: String,
    pub job_title: String,
    pub agency_id: AgencyId,
    pub agency_name: String,
    pub agency_kind: AgencyKind,
    /// The account they sign in with, if any: lets them answer and submit reports themselves.
    pub user_id: Option<UserId>,
}

/// Someone a conference fact is about: a family member, a child or a professional.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Person {
    FamilyMember(AdultId),
    Child(ChildId),
    Professional(ProfessionalId),
}

impl super::Conference {
    /// INV-08: records that a family member's practical need has been met, and how.
    pub fn record_need_met(
        &mut self,
        who: &super::Acting,
        adult_id: &AdultId,
        need: PracticalNeedKind,
        how: &str,
    ) -> super::Outcome {
        self.require(who, super::Duty::Coordinate, "record that a need has been met")?;
        if how.trim().is_empty() {
            return Err(super::ConferenceError::Missing { what: "how the need was met" });
        }
        let name = self.family_member(adult_id)?.name.clone();
        let member = self.family_members.iter_mut().find(|m| &m.adult_id == adult_id);
        let entry = member.and_then(|m| m.needs.iter_mut().find(|n| n.kind == need));
        match entry {
            Some(n) => {
                n.met = Some(how.trim().to_owned());
                Ok(())
            }
            None => {
                Err(super::ConferenceError::NotInConference { who: format!("The need \"{}\" of {name}", need.label()) })
            }
        }
    }

    /// INV-08: needs recorded but not yet met, for the coordinator's checks.
    pub fn unmet_needs(&self) -> Vec<(&FamilyMember, &PracticalNeed)> {
        self.family_members
            .iter()
            .flat_map(|m| m.needs.iter().filter(|n| n.met.is_none()).map(move |n| (m, n)))
            .collect()
    }
}
