//! The people, families and cases a conference is about. Types parse rather than
//! validate: a value that exists is valid.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Declares an enum stored as text: `as_str` for the database and forms, `parse` back,
/// and `ALL` so pages, tests and the access matrix can enumerate every value.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant,)+ }
        // Serialised as `as_str`, so JSON (the API, stored documents) uses the same text as
        // the database and forms. (A derived kebab-case turned `Section47` into `section47`.)
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| serde::de::Error::unknown_variant(&text, &[$($text,)+]))
            }
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The stable text used in the database, URLs, forms and the API.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text,)+ } }
            /// Plain-English words for pages.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// Declares an identifier: opaque text (a UUID v7 made by the store, or a fixed demo id).
#[macro_export]
macro_rules! id_type {
    ($($name:ident),+ $(,)?) => {$(
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);
        impl $name {
            pub fn as_str(&self) -> &str { &self.0 }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(&self.0) }
        }
        impl From<&str> for $name { fn from(s: &str) -> Self { $name(s.to_owned()) } }
        impl From<String> for $name { fn from(s: String) -> Self { $name(s) } }
    )+};
}

id_type!(AuthorityId, UserId, TeamId, AgencyId, ProfessionalId, FamilyId, ChildId, AdultId, CaseId);

text_enum! {
    /// The four UK nations: each has its own words, timescales, bank holidays and returns.
    pub enum Nation {
        England => "england", "England";
        Wales => "wales", "Wales";
        Scotland => "scotland", "Scotland";
        NorthernIreland => "northern-ireland", "Northern Ireland";
    }
}

text_enum! {
    /// Roles are held per authority; one person may hold several (ROLE-01..ROLE-10).
    pub enum Role {
        Chair => "chair", "Conference chair";
        Coordinator => "coordinator", "Conference coordinator";
        NoteTaker => "note-taker", "Note taker";
        SocialWorker => "social-worker", "Social worker";
        TeamManager => "team-manager", "Team manager";
        Professional => "professional", "Partner professional";
        Parent => "parent", "Parent or carer";
        YoungPerson => "young-person", "Young person";
        Supporter => "supporter", "Supporter, advocate or interpreter";
        QualityAssurance => "quality-assurance", "Quality assurance or service manager";
        Auditor => "auditor", "Auditor";
        Administrator => "administrator", "Administrator";
    }
}

impl Role {
    /// Staff roles sign in with a password and a TOTP second factor. Families, partner
    /// professionals and supporters use a one-time code sent to their verified e-mail.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Professional | Role::Parent | Role::YoungPerson | Role::Supporter)
    }

    /// Whether holding this role means signing in with two factors (a password or an e-mailed
    /// code, then an authenticator code). Everyone who may read a family's record, a report or a
    /// record copy does: staff, and partner professionals. Only the family (parents and carers,
    /// young people, their supporters) sign in with one factor: they read nothing but the
    /// portal's own copies, which leave out every restricted part (ROLE-05..07).
    pub fn needs_second_factor(self) -> bool {
        !matches!(self, Role::Parent | Role::YoungPerson | Role::Supporter)
    }

    /// Whether an account holding these roles is a two-factor account: one role that needs a
    /// second factor is enough, whatever else it holds.
    pub fn any_needs_second_factor<'a>(roles: impl IntoIterator<Item = &'a Role>) -> bool {
        roles.into_iter().any(|r| r.needs_second_factor())
    }
}

text_enum! {
    pub enum AgencyKind {
        ChildrensSocialCare => "childrens-social-care", "Children's social care";
        Education => "education", "Education";
        Health => "health", "Health";
        Police => "police", "Police";
        Probation => "probation", "Probation";
        SubstanceMisuse => "substance-misuse", "Drug and alcohol services";
        Housing => "housing", "Housing";
        Other => "other", "Other";
    }
}

text_enum! {
    pub enum Gender {
        Female => "female", "Female";
        Male => "male", "Male";
        Other => "other", "Other or prefers another description";
        Unknown => "unknown", "Not known or not yet born";
    }
}

text_enum! {
    /// How an adult is related to a child. Parental responsibility is recorded separately:
    /// it is a legal fact, not implied by the relationship.
    pub enum RelationshipKind {
        Mother => "mother", "Mother";
        Father => "father", "Father";
        StepParent => "step-parent", "Step-parent";
        Grandparent => "grandparent", "Grandparent";
        OtherRelative => "other-relative", "Other relative";
        PartnerOfParent => "partner-of-parent", "Parent's partner";
        FosterCarer => "foster-carer", "Foster carer";
        KinshipCarer => "kinship-carer", "Kinship carer";
    }
}

text_enum! {
    /// Where a case is in the process; used by lists, deadlines and the demo.
    pub enum CaseStage {
        Enquiry => "enquiry", "Section 47 enquiry";
        ConferenceRequested => "conference-requested", "Conference requested";
        ConferenceScheduled => "conference-scheduled", "Conference scheduled";
        ChildProtectionPlan => "child-protection-plan", "Child protection plan";
        ChildInNeedPlan => "child-in-need-plan", "Child in need plan";
        Closed => "closed", "Closed";
    }
}

/// A local authority (or, in Northern Ireland, a Health and Social Care Trust): the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    pub id: AuthorityId,
    /// Short code, such as the DfE LA number or a short name; unique across the installation.
    pub code: String,
    pub name: String,
    pub nation: Nation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub authority_id: AuthorityId,
    pub name: String,
}

/// A person who signs in. Staff have a line manager, which gives the management line
/// that decides whether a chair is independent (CHAIR-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccount {
    pub id: UserId,
    pub authority_id: AuthorityId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub team_id: Option<TeamId>,
    pub line_manager_id: Option<UserId>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub authority_id: AuthorityId,
    pub name: String,
    pub kind: AgencyKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Professional {
    pub id: ProfessionalId,
    pub agency_id: AgencyId,
    pub name: String,
    pub job_title: String,
    pub email: String,
    /// The account this professional signs in with, if they have one.
    pub user_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub id: FamilyId,
    pub authority_id: AuthorityId,
    /// How the family is known in lists (for example "Ashworth family").
    pub name: String,
}

/// The people a child needs help to take part: their language and any disability.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Communication {
    /// First language, in English words ("English", "Polish", "British Sign Language").
    pub first_language: String,
    pub needs_interpreter: bool,
    /// Access and other practical needs (INV-08), in the words of the person who recorded them.
    pub access_needs: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: ChildId,
    pub family_id: FamilyId,
    pub given_name: String,
    pub family_name: String,
    pub birth: Birth,
    pub nhs_number: Option<NhsNumber>,
    /// The authority's own identifier for the child (the CIN census LAchildID).
    pub la_child_id: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub disability: String,
    pub communication: Communication,
}

/// A child is either born (date of birth) or unborn (expected date of delivery): never both, never neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "date", rename_all = "kebab-case")]
pub enum Birth {
    Born(NaiveDate),
    Unborn { expected: NaiveDate },
}

impl Birth {
    /// Age in whole years on `on`, or `None` for an unborn child.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        match self {
            Birth::Born(dob) => on.years_since(*dob),
            Birth::Unborn { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adult {
    pub id: AdultId,
    pub family_id: FamilyId,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub communication: Communication,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdultChildRelationship {
    pub adult_id: AdultId,
    pub child_id: ChildId,
    pub kind: RelationshipKind,
    pub parental_responsibility: bool,
    pub carer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub family_id: FamilyId,
    pub allocated_worker_id: UserId,
    pub stage: CaseStage,
    pub opened_on: NaiveDate,
}

/// An NHS number: ten digits whose last is a modulus 11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    pub fn parse(text: &str) -> Result<Self, crate::validate::FieldError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(crate::validate::FieldError::new("NHS number must be 10 digits, like 943 476 5919"));
        }
        let d: Vec<u32> = digits.chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
        let sum: u32 = d[..9].iter().enumerate().map(|(i, v)| v * (10 - i as u32)).sum();
        let check = 11 - (sum % 11);
        let check = if check == 11 { 0 } else { check };
        if check == 10 || check != d[9] {
            return Err(crate::validate::FieldError::new(
                "NHS number is not valid: check the 10 digits against the child's health record",
            ));
        }
        Ok(NhsNumber(digits))
    }
    /// Builds a valid NHS number from nine leading digits, for fictional demo data.
    /// Returns `None` where no check digit exists for those nine digits.
    pub fn from_nine(nine: u32) -> Option<Self> {
        let s = format!("{:09}", nine % 1_000_000_000);
        let d: Vec<u32> = s.chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
        let sum: u32 = d.iter().enumerate().map(|(i, v)| v * (10 - i as u32)).sum();
        let check = (11 - (sum % 11)) % 11;
        if check == 10 {
            return None;
        }
        Some(NhsNumber(format!("{s}{check}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// 943 476 5919, as people read it.
    pub fn formatted(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = crate::validate::FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NhsNumber::parse(&s)
    }
}
impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}

/// The chain of line managers above a worker, nearest first. Stops at a cycle, so bad
/// data can never loop forever.
pub fn management_line(worker: &UserId, line_manager_of: impl Fn(&UserId) -> Option<UserId>) -> Vec<UserId> {
    let mut line = Vec::new();
    let mut current = worker.clone();
    while let Some(manager) = line_manager_of(&current) {
        if manager == *worker || line.contains(&manager) {
            break;
        }
        line.push(manager.clone());
        current = manager;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_number_accepts_valid_and_refuses_bad_check_digit() {
        assert_eq!(NhsNumber::parse("943 476 5919").unwrap().as_str(), "9434765919");
        assert!(NhsNumber::parse("9434765918").is_err());
        assert!(NhsNumber::parse("94347659").is_err());
        assert!(NhsNumber::parse("abcdefghij").is_err());
        for nine in [123456789u32, 400000001, 999999999] {
            if let Some(n) = NhsNumber::from_nine(nine) {
                assert!(NhsNumber::parse(n.as_str()).is_ok());
            }
        }
    }

    #[test]
    fn management_line_follows_managers_and_stops_at_cycles() {
        let managers = |u: &UserId| match u.as_str() {
            "sw" => Some(UserId::from("tm")),
            "tm" => Some(UserId::from("hos")),
            "hos" => Some(UserId::from("sw")), // bad data: a cycle
            _ => None,
        };
        assert_eq!(management_line(&"sw".into(), managers), vec![UserId::from("tm"), UserId::from("hos")]);
    }

    #[test]
    fn text_enums_serialise_as_their_stable_text() {
        assert_eq!(serde_json::to_string(&crate::conference::EnquiryKind::Section47).unwrap(), "\"section-47\"");
        assert_eq!(serde_json::from_str::<Role>("\"note-taker\"").unwrap(), Role::NoteTaker);
        assert!(serde_json::from_str::<Role>("\"section47\"").is_err());
    }

    #[test]
    fn text_enums_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for n in Nation::ALL {
            assert_eq!(Nation::parse(n.as_str()), Some(*n));
        }
    }
}
